//! `cuenca`: the one command of the Cuenca surveillance fusion service.
//!
//! Each subcommand is a thin edge over the library crates: it parses arguments,
//! loads configuration and reports errors with `anyhow`; the work happens in
//! `cuenca-fusion`, `cuenca-bus` and friends.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

mod adapter;
mod adsb;
mod ais;
mod bench;
mod eval;
mod radar;
mod replay;
mod serve;
mod sim;

#[derive(Parser)]
#[command(
    name = "cuenca",
    version,
    about = "Regional surveillance fusion for the Caribbean Basin: sensors in, common operating picture out."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the COP service: embedded zenoh, fusion and the HTTP API.
    Serve(serve::ServeArgs),
    /// Run the tracker over a scenario CSV and score it (GOSPA, broken tracks, speed).
    Eval(eval::EvalArgs),
    /// Run an exercise scenario through the sensor adapters and zenoh.
    Sim(sim::SimArgs),
    /// Replay a recorded feed into the pipeline with its own timestamps.
    Replay(replay::ReplayArgs),
    /// Load benchmarks of the service (speed and latency targets live here, not in tests).
    Bench {
        #[command(subcommand)]
        command: bench::BenchCommand,
    },
    /// API token tools.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Check configuration files.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// AIS (NMEA 0183/4.0) tools.
    Ais {
        #[command(subcommand)]
        command: AisCommand,
    },
    /// ADS-B / Mode S (Beast, AVR, SBS) tools.
    Adsb {
        #[command(subcommand)]
        command: AdsbCommand,
    },
    /// Radar plot (ASTERIX CAT048/CAT034, JSON) tools.
    Radar {
        #[command(subcommand)]
        command: RadarCommand,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Print the SHA-256 that a `[[tokens]]` entry stores for TOKEN.
    Hash {
        /// The secret token (generate one with e.g. `openssl rand -hex 32`).
        token: String,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Validate a configuration file without starting anything.
    Check {
        /// The TOML file to check.
        file: PathBuf,
    },
}

#[derive(Subcommand)]
enum AisCommand {
    /// Decode !AIVDM/!AIVDO sentences and print one gpsd-style JSON object per message.
    Decode(ais::DecodeArgs),
    /// Run an AIS adapter: read a feed and publish its reports on zenoh.
    Run(adapter::AdapterArgs),
}

#[derive(Subcommand)]
enum RadarCommand {
    /// Decode ASTERIX CAT048/CAT034 blocks or JSON plot lines to JSON lines.
    Decode(radar::DecodeArgs),
    /// Run a radar adapter (JSON plot lines or ASTERIX): publish its plots on zenoh.
    Run(radar::RunArgs),
}

#[derive(Subcommand)]
enum AdsbCommand {
    /// Decode Beast, AVR or SBS-1 input (Mode S with rs1090) to JSON lines.
    Decode(adsb::DecodeArgs),
    /// Run an ADS-B adapter: read a Beast, AVR or SBS-1 feed and publish aircraft positions on zenoh.
    Run(adsb::RunArgs),
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Serve(args) => serve::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Bench { command } => bench::run(command),
        Command::Token {
            command: TokenCommand::Hash { token },
        } => {
            if token.len() < 12 {
                bail!(
                    "a token should have at least 12 characters; use e.g. `openssl rand -hex 32`"
                );
            }
            println!("{}", cuenca_server::auth::hash_token(&token));
            Ok(())
        }
        Command::Config {
            command: ConfigCommand::Check { file },
        } => {
            let cfg = cuenca_config::Config::load(&file).with_context(|| {
                format!("{} is not a valid Cuenca configuration", file.display())
            })?;
            println!(
                "{}: ok ({} member nations, {} sensors, region {})",
                file.display(),
                cfg.members.nations.len(),
                cfg.sensors.len(),
                cfg.region.name
            );
            Ok(())
        }
        Command::Sim(args) => sim::run(args),
        Command::Replay(args) => replay::run(args),
        Command::Ais {
            command: AisCommand::Decode(args),
        } => ais::decode(args),
        Command::Ais {
            command: AisCommand::Run(args),
        } => ais::run(args),
        Command::Adsb {
            command: AdsbCommand::Decode(args),
        } => adsb::decode(args),
        Command::Adsb {
            command: AdsbCommand::Run(args),
        } => adsb::run(args),
        Command::Radar {
            command: RadarCommand::Decode(args),
        } => radar::decode(args),
        Command::Radar {
            command: RadarCommand::Run(args),
        } => radar::run(args),
    }
}

/// The whole of `file`, or of standard input when there is none.
fn read_input(file: Option<&PathBuf>) -> Result<Vec<u8>> {
    use std::io::Read;
    match file {
        Some(p) => std::fs::read(p).with_context(|| format!("cannot read {}", p.display())),
        None => {
            let mut data = Vec::new();
            std::io::stdin().lock().read_to_end(&mut data)?;
            Ok(data)
        }
    }
}
