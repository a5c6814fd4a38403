//! `cuenca eval`: the tracker on a Stone Soup-format scenario, scored.

use anyhow::{bail, Result};
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct EvalArgs {
    /// Scenario CSV: time_s,kind,target_id,x_m,y_m.
    #[arg(long)]
    pub scenario: PathBuf,
}

pub fn run(_args: EvalArgs) -> Result<()> {
    bail!("`cuenca eval` is not implemented yet (tracked in issue 3)")
}
