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
    /// Process noise density of the (quiet) constant-velocity model, m²/s³
    /// [default: the tracker's, 0.1].
    #[arg(long)]
    pub q: Option<f64>,
    /// Process noise density of the IMM's manoeuvre model, m²/s³ [default: the tracker's, 200].
    #[arg(long)]
    pub q_manoeuvre: Option<f64>,
    /// IMM: probability of staying in the same mode for one second [default: the tracker's, 0.999].
    #[arg(long)]
    pub p_stay: Option<f64>,
    /// Gate confirmed IMM tracks on the combined estimate instead of on each mode.
    #[arg(long)]
    pub gate_combined: bool,
    /// Squared Mahalanobis gate [default: the tracker's, 16].
    #[arg(long)]
    pub gate: Option<f64>,
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
    let defaults = TrackerParams::default();
    let Motion::Imm {
        q_quiet,
        q_manoeuvre,
        p_stay,
    } = defaults.motion
    else {
        bail!("the tracker's default motion model is expected to be an IMM");
    };
    let (q, q_manoeuvre, p_stay) = (
        a.q.unwrap_or(q_quiet),
        a.q_manoeuvre.unwrap_or(q_manoeuvre),
        a.p_stay.unwrap_or(p_stay),
    );
    let gate = a.gate.unwrap_or(defaults.gate_d2);
    for (name, v, ok) in [
        ("--q", q, q >= 0.0),
        ("--q-manoeuvre", q_manoeuvre, q_manoeuvre >= 0.0),
        ("--p-stay", p_stay, p_stay > 0.0 && p_stay < 1.0),
        ("--gate", gate, gate > 0.0),
    ] {
        if !(v.is_finite() && ok) {
            bail!("{name} {v} is out of range");
        }
    }
    let text = std::fs::read_to_string(&a.scenario)
        .with_context(|| format!("cannot read {}", a.scenario.display()))?;
    let scenario = Scenario::parse(&text).with_context(|| format!("{}", a.scenario.display()))?;
    let gospa = GospaParams::new(a.gospa_c, a.gospa_p).context("GOSPA parameters")?;
    let motion = match a.model {
        Model::Cv => Motion::Cv { q },
        Model::Imm => Motion::Imm {
            q_quiet: q,
            q_manoeuvre,
            p_stay,
        },
    };
    let params = TrackerParams {
        motion,
        gate_d2: gate,
        // Scenario files are in time order; no late plots to hold history for.
        oosm_window_s: 0.0,
        gate_per_mode: !a.gate_combined,
        indexing: match a.indexing {
            IndexingArg::Bulk => Indexing::BulkLoad,
            IndexingArg::Incremental => Indexing::Incremental,
        },
        ..defaults
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
