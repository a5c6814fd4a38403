//! Writes a generated scenario CSV (see `cuenca_fusion::generate`).
//!
//! ```text
//! cargo run --release -p cuenca-fusion --example gen_scenario -- \
//!     KIND N SEED OUT [--scans S] [--dt S] [--sigma M] [--region M] [--pd P|MIN,MAX]
//!     [--clutter MEAN] [--speed MIN,MAX] [--q Q] [--turn-rate MIN,MAX] [--leg MIN,MAX]
//!     [--turn MIN,MAX] [--miss M] [--min-angle DEG] [--manoeuvring-fraction F]
//!     [--contain | --no-contain]
//! ```
//!
//! KIND is `manoeuvring`, `crossing`, `dense-clutter` or `low-pd`; N the number of
//! targets; OUT a path, or `-` for standard output. Options override the kind's
//! defaults. A one-line summary goes to standard error.

use cuenca_fusion::generate::{generate, GenParams, Kind};
use std::io::{BufWriter, Write};
use std::process::ExitCode;

const USAGE: &str = "usage: gen_scenario KIND N SEED OUT [--scans S] [--dt S] [--sigma M] \
[--region M] [--pd P|MIN,MAX] [--clutter MEAN] [--speed MIN,MAX] [--q Q] \
[--turn-rate MIN,MAX] [--leg MIN,MAX] [--turn MIN,MAX] [--miss M] [--min-angle DEG] \
[--manoeuvring-fraction F] [--contain | --no-contain]
KIND: manoeuvring | crossing | dense-clutter | low-pd; OUT: a path or - for stdout";

fn num(flag: &str, v: &str) -> Result<f64, String> {
    v.trim()
        .parse()
        .map_err(|_| format!("{flag}: {v:?} is not a number"))
}

/// `A` (a constant) or `A,B`.
fn range(flag: &str, v: &str) -> Result<[f64; 2], String> {
    match v.split_once(',') {
        Some((a, b)) => Ok([num(flag, a)?, num(flag, b)?]),
        None => {
            let a = num(flag, v)?;
            Ok([a, a])
        }
    }
}

fn parse(args: &[String]) -> Result<(GenParams, String), String> {
    if args.len() < 4 {
        return Err("expected KIND N SEED OUT".into());
    }
    let kind: Kind = args[0].parse().map_err(|e| format!("{e}"))?;
    let n: usize = args[1]
        .parse()
        .map_err(|_| format!("N {:?} is not a count", args[1]))?;
    let seed: u64 = args[2]
        .parse()
        .map_err(|_| format!("SEED {:?} is not an unsigned integer", args[2]))?;
    let out = args[3].clone();
    let mut p = GenParams::new(kind, n, seed);
    let mut rest = args[4..].iter();
    while let Some(flag) = rest.next() {
        match flag.as_str() {
            "--contain" => {
                p.contain = true;
                continue;
            }
            "--no-contain" => {
                p.contain = false;
                continue;
            }
            _ => {}
        }
        let v = rest.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--scans" => {
                p.scans = v
                    .parse()
                    .map_err(|_| format!("--scans {v:?} is not a count"))?
            }
            "--dt" => p.dt_s = num(flag, v)?,
            "--sigma" => p.sigma_m = num(flag, v)?,
            "--region" => p.region_m = num(flag, v)?,
            "--pd" => p.pd = range(flag, v)?,
            "--clutter" => p.clutter_mean = num(flag, v)?,
            "--speed" => p.speed_mps = range(flag, v)?,
            "--q" => p.q_truth = num(flag, v)?,
            "--turn-rate" => p.turn_rate_dps = range(flag, v)?,
            "--leg" => p.leg_s = range(flag, v)?,
            "--turn" => p.turn_s = range(flag, v)?,
            "--miss" => p.crossing_miss_m = num(flag, v)?,
            "--min-angle" => p.crossing_min_angle_deg = num(flag, v)?,
            "--manoeuvring-fraction" => p.manoeuvring_fraction = num(flag, v)?,
            _ => return Err(format!("unknown option {flag}")),
        }
    }
    Ok((p, out))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let (p, out) = match parse(&args) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("gen_scenario: {e}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let g = match generate(&p) {
        Ok(g) => g,
        Err(e) => {
            eprintln!("gen_scenario: {e}");
            return ExitCode::from(2);
        }
    };
    let written = if out == "-" {
        let stdout = std::io::stdout();
        let mut w = BufWriter::new(stdout.lock());
        g.write_csv(&mut w).and_then(|_| w.flush())
    } else {
        std::fs::File::create(&out).and_then(|f| {
            let mut w = BufWriter::new(f);
            g.write_csv(&mut w)?;
            w.flush()
        })
    };
    if let Err(e) = written {
        eprintln!("gen_scenario: cannot write {out}: {e}");
        return ExitCode::FAILURE;
    }
    eprintln!(
        "{} kind={} targets={} scans={} seed={} measurements={} crossings={}",
        out,
        p.kind,
        p.targets,
        p.scans,
        p.seed,
        g.measurements(),
        g.crossings.len()
    );
    ExitCode::SUCCESS
}
