//! `cuenca serve`: the COP service.

use anyhow::{bail, Result};
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct ServeArgs {
    /// Configuration file; the embedded default when absent.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

pub fn run(_args: ServeArgs) -> Result<()> {
    bail!("`cuenca serve` is not implemented yet")
}
