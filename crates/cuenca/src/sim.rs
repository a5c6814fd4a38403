//! `cuenca sim`: run an exercise scenario and publish what its sensors report on
//! zenoh, through the same decoders and key space as live adapters. Also the
//! scenario and replay runners `cuenca serve --scenario/--replay` spawn.

use anyhow::{bail, Context, Result};
use clap::Args;
use cuenca_bus::Bus;
use cuenca_config::Config;
use cuenca_model::Timestamp;
use cuenca_sim::engine::{Engine, SimStats, TRUTH_HEADER};
use cuenca_sim::scenario::Scenario;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

#[derive(Args)]
pub struct SimArgs {
    /// Scenario file (TOML; see config/scenarios/).
    pub scenario: PathBuf,
    /// Speed-up over real time; 0 runs as fast as possible.
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// A zenoh endpoint to reach the service, e.g. tcp/10.0.0.5:7447 [default: the
    /// configuration's connect list, else where its service listens].
    #[arg(long)]
    pub connect: Vec<String>,
    /// Configuration file of the service; the embedded default when absent.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Write ground truth here (CSV: time, target, name, kind, lat, lon, alt_m, speed, course, transponder).
    #[arg(long)]
    pub truth: Option<PathBuf>,
    /// Seconds between ground-truth rows.
    #[arg(long, default_value_t = 10.0)]
    pub truth_every: f64,
    /// Write one radar's scans (truth and plots, on a plane at its site) as a Stone
    /// Soup scenario CSV here, for `cuenca eval --scenario FILE`; needs --radar.
    #[arg(long, requires = "radar")]
    pub stonesoup: Option<PathBuf>,
    /// The radar whose scans --stonesoup writes.
    #[arg(long)]
    pub radar: Option<String>,
    /// Start this many seconds into the scenario.
    #[arg(long, default_value_t = 0.0)]
    pub from: f64,
    /// Stop this many seconds into the scenario [default: its end].
    #[arg(long)]
    pub until: Option<f64>,
    /// The scenario's time zero (RFC 3339) [default: the file's `start`, else placed
    /// so that the run ends about now].
    #[arg(long)]
    pub start: Option<Timestamp>,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

/// How to run a scenario.
#[derive(Debug, Clone)]
pub struct RunOptions {
    pub speed: f64,
    pub from: f64,
    pub until: Option<f64>,
    pub start: Option<Timestamp>,
    pub truth: Option<(PathBuf, f64)>,
    /// Where to write a radar's scans in the Stone Soup format, and which radar.
    pub stonesoup: Option<(PathBuf, String)>,
    pub progress: bool,
}

/// Where a speed-up run goes in time. The service refuses reports stamped more
/// than a few seconds ahead of its clock, so a run faster than real time is placed
/// in the recent past and ends about now; at speed 1 it starts now.
pub fn place(span_s: f64, speed: f64, now: Timestamp) -> Timestamp {
    let lead = if speed > 0.0 {
        span_s * (1.0 - 1.0 / speed.max(1.0))
    } else {
        span_s
    };
    now + (-lead)
}

pub fn run(a: SimArgs) -> Result<()> {
    if !(a.speed.is_finite() && a.speed >= 0.0) {
        bail!("--speed must be zero (as fast as possible) or positive");
    }
    let scenario = Scenario::load(&a.scenario)?;
    let mut cfg = Config::load_or_embedded(a.config.as_ref())?;
    for s in &scenario.sensors {
        if cfg.sensor(&s.id).is_none() {
            tracing::warn!(
                sensor = %s.id,
                "not in the service's configuration: the service will refuse its reports \
                 (`cuenca serve --scenario FILE` adds a scenario's sensors)"
            );
        }
    }
    connect_as_client(&mut cfg, &a.connect)?;
    let opts = RunOptions {
        speed: a.speed,
        from: a.from,
        until: a.until,
        start: a.start,
        truth: a.truth.map(|p| (p, a.truth_every)),
        stonesoup: a.stonesoup.zip(a.radar),
        progress: !a.quiet,
    };
    let rt = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    rt.block_on(async move {
        let bus = Bus::open(&cfg.zenoh).await?;
        // Let zenoh learn the service's subscription before the first batch.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let stats = run_scenario(&bus, &scenario, &opts).await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        println!("{}", summary(&scenario.name, &stats));
        bus.close();
        anyhow::Ok(())
    })
}

/// A scenario or a recording that `cuenca serve` runs inside the service.
pub enum Background {
    Scenario(Box<Scenario>, RunOptions),
    Replay(
        Box<cuenca_sim::replay::Recording>,
        cuenca_model::SensorContext,
        f64,
    ),
}

impl Background {
    /// Reads `--scenario` and `--replay` for `cuenca serve`. A scenario's sensors are
    /// added to `cfg` (a sensor already configured must have the same nation and
    /// kind), and the built-in demo is turned off unless `demo` asks for it: its
    /// live-clock traffic and a recording's old times do not mix in one picture.
    pub fn prepare(
        cfg: &mut Config,
        scenario: Option<&std::path::Path>,
        replay: Option<&std::path::Path>,
        speed: f64,
        demo: Option<bool>,
    ) -> Result<Vec<Background>> {
        let mut out = Vec::new();
        if scenario.is_none() && replay.is_none() {
            return Ok(out);
        }
        if !(speed.is_finite() && speed >= 0.0) {
            bail!("--speed must be zero (as fast as possible) or positive");
        }
        cfg.demo.enabled = demo.unwrap_or(false);
        if let Some(path) = scenario {
            let s = Scenario::load(path)?;
            for sc in s.sensor_configs() {
                match cfg.sensor(&sc.id) {
                    Some(c) if c.nation != sc.nation || c.kind != sc.kind => bail!(
                        "{}: sensor {} is configured as {} {:?}, the scenario has {} {:?}",
                        path.display(),
                        sc.id,
                        c.nation,
                        c.kind,
                        sc.nation,
                        sc.kind
                    ),
                    Some(_) => {}
                    None => cfg.sensors.push(sc),
                }
            }
            cfg.validate(&path.display().to_string())?;
            let opts = RunOptions {
                speed,
                from: 0.0,
                until: None,
                start: None,
                truth: None,
                stonesoup: None,
                progress: false,
            };
            out.push(Background::Scenario(Box::new(s), opts));
        }
        if let Some(path) = replay {
            let (rec, ctx) = crate::replay::load(path, cfg, None, false, speed)?;
            out.push(Background::Replay(Box::new(rec), ctx, speed));
        }
        Ok(out)
    }

    /// Runs in the background on the service's own bus and logs a summary at the end.
    pub fn spawn(self, bus: &Bus) {
        let bus = bus.clone();
        match self {
            Background::Scenario(s, opts) => {
                tokio::spawn(async move {
                    match run_scenario(&bus, &s, &opts).await {
                        Ok(r) => tracing::info!("{}", summary(&s.name, &r)),
                        Err(e) => tracing::error!(error = %format!("{e:#}"), "scenario failed"),
                    }
                });
            }
            Background::Replay(rec, ctx, speed) => {
                tokio::spawn(async move {
                    let p = crate::replay::publish(&bus, &rec, &ctx, speed, false).await;
                    tracing::info!(
                        format = rec.format.as_str(),
                        reports = p.reports,
                        batches = p.batches,
                        errors = p.errors,
                        seconds = p.wall_s,
                        refused = rec.refused.values().sum::<u64>(),
                        "replay finished"
                    );
                });
            }
        }
    }
}

/// Makes `cfg` a client of the service's bus, as adapters are: it connects to
/// `connect`, else to the configured routers, else to where the configured service
/// listens, and listens nowhere itself.
pub fn connect_as_client(cfg: &mut Config, connect: &[String]) -> Result<()> {
    if !connect.is_empty() {
        cfg.zenoh.connect = connect.to_vec();
    } else if cfg.zenoh.connect.is_empty() {
        cfg.zenoh.connect = cfg.zenoh.listen.clone();
    }
    cfg.zenoh.listen.clear();
    cfg.validate("--connect")?;
    Ok(())
}

/// One line about a finished run.
pub fn summary(name: &str, s: &RunSummary) -> String {
    let refused: Vec<String> = s
        .stats
        .refused
        .iter()
        .map(|(r, n)| format!("{r}={n}"))
        .collect();
    format!(
        "scenario {name}: {:.0} s simulated in {:.2} s ({:.0}x); {} native lines, {} reports in {} batches published, {} publish errors; refused: {}",
        s.simulated_s,
        s.wall_s,
        s.simulated_s / s.wall_s.max(1e-9),
        s.stats.lines,
        s.stats.measurements,
        s.stats.batches,
        s.publish_errors,
        if refused.is_empty() { "none".to_string() } else { refused.join(", ") }
    )
}

/// What a scenario run did.
#[derive(Debug, Clone, Default)]
pub struct RunSummary {
    pub stats: SimStats,
    pub simulated_s: f64,
    pub wall_s: f64,
    pub publish_errors: u64,
}

/// Runs a scenario, publishing each step's batches on `bus`, paced by `opts.speed`.
pub async fn run_scenario(bus: &Bus, scenario: &Scenario, opts: &RunOptions) -> Result<RunSummary> {
    let end = opts
        .until
        .unwrap_or(scenario.duration_s)
        .min(scenario.duration_s);
    let from = opts.from.clamp(0.0, end);
    let start = opts
        .start
        .or(scenario.start)
        .unwrap_or_else(|| place(end - from, opts.speed, Timestamp::now()) + (-from));
    let mut engine = Engine::new(scenario, start);
    engine.seek(from);
    if let Some((_, radar)) = &opts.stonesoup {
        if !engine.capture_scans(radar) {
            bail!("the scenario has no radar {radar} (--radar)");
        }
    }
    let mut truth = match &opts.truth {
        Some((path, every)) => {
            let f = std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut w = std::io::BufWriter::new(f);
            writeln!(w, "{TRUTH_HEADER}")?;
            Some((w, every.max(0.1), f64::NEG_INFINITY))
        }
        None => None,
    };
    let bar = if opts.progress {
        let b = ProgressBar::new((end - from).ceil() as u64);
        b.set_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} s simulated, eta {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b.set_message(scenario.name.clone());
        b
    } else {
        ProgressBar::hidden()
    };
    tracing::info!(scenario = %scenario.name, targets = engine.targets().len(), %start, speed = opts.speed, "scenario running");
    let wall0 = tokio::time::Instant::now();
    let clock = Instant::now();
    let mut publish_errors = 0u64;
    let mut steps = 0u64;
    while engine.elapsed_s() < end {
        let Some(step) = engine.step() else { break };
        steps += 1;
        if let Some((w, every, last)) = truth.as_mut() {
            if step.elapsed_s - *last >= *every {
                *last = step.elapsed_s;
                for row in engine.truth_csv_rows(step.elapsed_s) {
                    writeln!(w, "{row}")?;
                }
            }
        }
        if opts.speed > 0.0 {
            let due = wall0 + Duration::from_secs_f64((step.elapsed_s - from) / opts.speed);
            tokio::time::sleep_until(due).await;
        } else if steps.is_multiple_of(64) {
            tokio::task::yield_now().await;
        }
        for (kind, batch) in &step.batches {
            if let Err(e) = bus.publish(*kind, batch).await {
                publish_errors += 1;
                if publish_errors.is_power_of_two() {
                    tracing::warn!(error = %e, errors = publish_errors, "publish failed");
                }
            }
        }
        bar.set_position((step.elapsed_s - from) as u64);
    }
    bar.finish_and_clear();
    if let Some((mut w, _, _)) = truth {
        w.flush()?;
    }
    if let (Some((path, _)), Some(csv)) = (&opts.stonesoup, engine.stonesoup_csv()) {
        std::fs::write(path, csv).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(RunSummary {
        stats: engine.stats().clone(),
        simulated_s: engine.elapsed_s() - from,
        wall_s: clock.elapsed().as_secs_f64(),
        publish_errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sped_up_runs_end_about_now() {
        let now = Timestamp::from_micros(1_795_000_000_000_000);
        assert_eq!(place(3600.0, 1.0, now), now);
        assert_eq!(place(3600.0, 0.0, now), now + (-3600.0));
        // At 10x an hour takes 6 minutes: it starts 54 minutes ago.
        assert_eq!(place(3600.0, 10.0, now), now + (-3240.0));
    }
}
