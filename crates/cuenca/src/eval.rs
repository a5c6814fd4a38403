//! `cuenca eval`: the tracker on a Stone Soup-format scenario, scored.

use anyhow::{bail, Context, Result};
use clap::{Args, ValueEnum};
use cuenca_fusion::eval::{self, Scenario};
use cuenca_fusion::filter::Motion;
use cuenca_fusion::gospa::GospaParams;
use cuenca_fusion::tracker::{Indexing, TrackerParams};
use std::path::PathBuf;

#[derive(Args)]
pub struct EvalArgs {
    /// Scenario CSV with header time_s,kind,target_id,x_m,y_m.
    #[arg(long)]
    pub scenario: PathBuf,
    /// Where to write confirmed tracks' estimates (time_s,track_id,x_m,y_m).
    #[arg(long)]
    pub tracks_out: Option<PathBuf>,
    /// Print the report as one JSON object (otherwise a short text summary).
    #[arg(long)]
    pub json: bool,
    /// Detection noise standard deviation, m.
    #[arg(long, default_value_t = 50.0)]
    pub sigma: f64,
    /// Motion model.
    #[arg(long, value_enum, default_value_t = Model::Imm)]
    pub model: Model,
    /// Process noise density of the (quiet) constant-velocity model, m²/s³.
    #[arg(long, default_value_t = 0.1)]
    pub q: f64,
    /// Process noise density of the IMM's manoeuvre model, m²/s³.
    #[arg(long, default_value_t = 20.0)]
    pub q_manoeuvre: f64,
    /// IMM: probability of staying in the same mode for one second.
    #[arg(long, default_value_t = 0.999)]
    pub p_stay: f64,
    /// Squared Mahalanobis gate.
    #[arg(long, default_value_t = 16.0)]
    pub gate: f64,
    /// How the gating R-tree is built per scan.
    #[arg(long, value_enum, default_value_t = IndexingArg::Bulk)]
    pub indexing: IndexingArg,
    /// GOSPA cut-off c, m.
    #[arg(long, default_value_t = 500.0)]
    pub gospa_c: f64,
    /// GOSPA order p.
    #[arg(long, default_value_t = 1.0)]
    pub gospa_p: f64,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum IndexingArg {
    /// Bulk-load a fresh tree per scan.
    Bulk,
    /// Insert gates one at a time.
    Incremental,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Model {
    /// One constant-velocity Kalman filter.
    Cv,
    /// IMM of a quiet and a manoeuvring constant-velocity model.
    Imm,
}

pub fn run(a: EvalArgs) -> Result<()> {
    if !(a.sigma.is_finite() && a.sigma > 0.0) {
        bail!("--sigma must be a positive number of metres");
    }
    if !(a.gate.is_finite() && a.gate > 0.0) {
        bail!("--gate must be positive");
    }
    let text = std::fs::read_to_string(&a.scenario)
        .with_context(|| format!("cannot read {}", a.scenario.display()))?;
    let scenario = Scenario::parse(&text).with_context(|| format!("{}", a.scenario.display()))?;
    let gospa = GospaParams::new(a.gospa_c, a.gospa_p).context("GOSPA parameters")?;
    let motion = match a.model {
        Model::Cv => Motion::Cv { q: a.q },
        Model::Imm => Motion::Imm {
            q_quiet: a.q,
            q_manoeuvre: a.q_manoeuvre,
            p_stay: a.p_stay,
        },
    };
    let params = TrackerParams {
        motion,
        gate_d2: a.gate,
        // Scenario files are in time order; no late plots to hold history for.
        oosm_window_s: 0.0,
        indexing: match a.indexing {
            IndexingArg::Bulk => Indexing::BulkLoad,
            IndexingArg::Incremental => Indexing::Incremental,
        },
        ..TrackerParams::default()
    };
    let run = eval::run(&scenario, a.sigma, params, gospa);
    if let Some(path) = &a.tracks_out {
        std::fs::write(path, eval::rows_csv(&run.rows))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let r = &run.report;
    if a.json {
        println!("{}", serde_json::to_string(r)?);
    } else {
        println!(
            "{} measurements in {:.3} s ({:.0}/s); GOSPA mean {:.1} (localisation {:.1}, missed {:.1}, false {:.1}); \
             {} confirmed tracks, {} false, {} of {} truths with more than one track",
            r.measurements,
            r.tracker_seconds,
            r.measurements_per_s,
            r.gospa.mean,
            r.gospa.localisation,
            r.gospa.missed,
            r.gospa.false_,
            r.tracks_confirmed,
            r.false_tracks,
            r.truths_with_multiple_tracks,
            r.truths
        );
    }
    Ok(())
}
