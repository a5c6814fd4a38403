//! `cuenca replay`: play a recorded feed into the pipeline with its own timestamps,
//! as the configured sensor it is replayed as.

use anyhow::{bail, Context, Result};
use clap::Args;
use cuenca_bus::Bus;
use cuenca_config::{Config, SensorConfig};
use cuenca_model::{SensorContext, SensorId, Timestamp};
use cuenca_sim::replay::Recording;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Args)]
pub struct ReplayArgs {
    /// The recording: NMEA (tag blocks or $PGHP), Beast CSV, AVR, Tracktable or
    /// MarineCadastre CSV.
    pub file: PathBuf,
    /// Speed-up over the recording's own pace; 0 replays as fast as possible.
    #[arg(long, default_value_t = 1.0)]
    pub speed: f64,
    /// The configured sensor the recording is replayed as [default: the first
    /// configured sensor of the recording's kind].
    #[arg(long)]
    pub sensor: Option<SensorId>,
    /// A zenoh endpoint to reach the service, e.g. tcp/10.0.0.5:7447.
    #[arg(long)]
    pub connect: Vec<String>,
    /// Configuration file of the service; the embedded default when absent.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Shift the recording's times to the present (it then ends about now), for a
    /// service that also has live data; otherwise its own times are kept.
    #[arg(long)]
    pub retime: bool,
    /// No progress bar.
    #[arg(long)]
    pub quiet: bool,
}

pub fn run(a: ReplayArgs) -> Result<()> {
    check_speed(a.speed)?;
    let mut cfg = Config::load_or_embedded(a.config.as_ref())?;
    let (rec, ctx) = load(&a.file, &cfg, a.sensor.as_ref(), a.retime, a.speed)?;
    crate::sim::connect_as_client(&mut cfg, &a.connect)?;
    let rt = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    rt.block_on(async move {
        let bus = Bus::open(&cfg.zenoh).await?;
        // Let zenoh learn the service's subscription before the first batch.
        tokio::time::sleep(Duration::from_secs(1)).await;
        let s = publish(&bus, &rec, &ctx, a.speed, !a.quiet).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        println!("{}", summary(&a.file, &rec, &ctx, &s));
        bus.close();
        anyhow::Ok(())
    })
}

/// The recording time one batch spans: an adapter's 100 ms at `speed`.
fn window(speed: f64) -> f64 {
    if speed > 0.0 {
        0.1 * speed
    } else {
        f64::INFINITY
    }
}

pub fn check_speed(speed: f64) -> Result<()> {
    if !(speed.is_finite() && speed >= 0.0) {
        bail!("--speed must be zero (as fast as possible) or positive");
    }
    Ok(())
}

/// Reads a recording as the sensor `sensor` (or the first configured sensor of its
/// kind), shifted to the present when `retime` is set.
pub fn load(
    file: &Path,
    cfg: &Config,
    sensor: Option<&SensorId>,
    retime: bool,
    speed: f64,
) -> Result<(Recording, SensorContext)> {
    // The kind is needed to pick a default sensor, so the file is recognised first
    // with a stand-in context and re-read only if the sensor differs.
    let probe = SensorContext {
        sensor: SensorId::new("replay").context("sensor id")?,
        nation: cfg
            .members
            .nations
            .first()
            .copied()
            .context("the configuration has no member nations")?,
        release: cuenca_model::ReleaseTo::OwnerOnly,
    };
    let started = Instant::now();
    let mut rec = Recording::load(file, &probe, Timestamp::now())?;
    let kind = rec.format.kind();
    let s: &SensorConfig = match sensor {
        Some(id) => cfg
            .sensor(id)
            .with_context(|| format!("sensor {id} is not in the configuration"))?,
        None => cfg
            .sensors
            .iter()
            .find(|s| s.kind == kind)
            .with_context(|| format!("no {kind:?} sensor in the configuration to replay as"))?,
    };
    if s.kind != kind {
        bail!(
            "{} holds {kind:?} data but sensor {} is configured as {:?}",
            file.display(),
            s.id,
            s.kind
        );
    }
    let ctx = SensorContext {
        sensor: s.id.clone(),
        nation: s.nation,
        release: s.release.clone(),
    };
    for m in &mut rec.measurements {
        m.sensor = ctx.sensor.clone();
        m.nation = ctx.nation;
        m.release = ctx.release.clone();
    }
    if retime {
        if let Some((first, last)) = rec.span() {
            let span = last.secs_since(first);
            let begin = crate::sim::place(span, speed, Timestamp::now());
            rec.shift(begin.secs_since(first));
        }
    }
    tracing::info!(
        file = %file.display(),
        format = rec.format.as_str(),
        reports = rec.measurements.len(),
        seconds = started.elapsed().as_secs_f64(),
        "recording read"
    );
    Ok((rec, ctx))
}

/// What a replay did.
#[derive(Debug, Clone, Default)]
pub struct Published {
    pub batches: u64,
    pub reports: u64,
    pub errors: u64,
    pub wall_s: f64,
}

/// Publishes a recording in adapter-sized batches (500 reports or 100 ms of wall
/// time, that is 100 ms × `speed` of recording), paced by its own times divided by
/// `speed` (0: no pacing, batches of 500).
pub async fn publish(
    bus: &Bus,
    rec: &Recording,
    ctx: &SensorContext,
    speed: f64,
    progress: bool,
) -> Published {
    let kind = rec.format.kind();
    let bar = if progress {
        let b = ProgressBar::new(rec.measurements.len() as u64);
        b.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:40}] {pos}/{len} reports, {per_sec}, eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b.set_message(ctx.sensor.to_string());
        b
    } else {
        ProgressBar::hidden()
    };
    let mut out = Published::default();
    let clock = Instant::now();
    let wall0 = tokio::time::Instant::now();
    let Some((first, _)) = rec.span() else {
        return out;
    };
    for (i, range) in rec.batch_ranges(window(speed), 500).into_iter().enumerate() {
        let batch = rec.batch(ctx, i as u64 + 1, range);
        if speed > 0.0 {
            if let Some(m) = batch.measurements.first() {
                let due =
                    wall0 + Duration::from_secs_f64(m.time.secs_since(first).max(0.0) / speed);
                tokio::time::sleep_until(due).await;
            }
        } else if i % 64 == 63 {
            tokio::task::yield_now().await;
        }
        let n = batch.measurements.len() as u64;
        match bus.publish(kind, &batch).await {
            Ok(()) => {
                out.batches += 1;
                out.reports += n;
            }
            Err(e) => {
                out.errors += 1;
                if out.errors.is_power_of_two() {
                    tracing::warn!(error = %e, errors = out.errors, "publish failed");
                }
            }
        }
        bar.inc(n);
    }
    bar.finish_and_clear();
    out.wall_s = clock.elapsed().as_secs_f64();
    out
}

/// The end-of-replay summary.
pub fn summary(file: &Path, rec: &Recording, ctx: &SensorContext, p: &Published) -> String {
    let span = rec
        .span()
        .map(|(a, b)| format!("{} to {} ({:.1} s)", a, b, b.secs_since(a)))
        .unwrap_or_else(|| "nothing".into());
    let refused: Vec<String> = rec
        .refused
        .iter()
        .map(|(r, n)| format!("{r}={n}"))
        .collect();
    format!(
        "replayed {} ({}) as {}: {} lines, {} reports in {} batches, {} publish errors; recording {span}; \
         {:.2} s wall ({:.0} reports/s); refused: {}",
        file.display(),
        rec.format.as_str(),
        ctx.sensor,
        rec.lines,
        p.reports,
        p.batches,
        p.errors,
        p.wall_s,
        p.reports as f64 / p.wall_s.max(1e-9),
        if refused.is_empty() { "none".to_string() } else { refused.join(", ") }
    )
}

#[derive(Args)]
pub struct BenchArgs {
    /// The recording (as for `cuenca replay`), e.g.
    /// ../shared/data/ais/US_coastal_2020_06_30.traj.
    pub file: PathBuf,
    /// The configured sensor the recording is replayed as [default: the first
    /// configured sensor of the recording's kind].
    #[arg(long)]
    pub sensor: Option<SensorId>,
    /// Configuration of the service; the embedded default when absent.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Picture update period, overriding the configuration's cop.update_interval_ms.
    #[arg(long)]
    pub update_ms: Option<u64>,
    /// Speed-up over the recording's own pace; 0 (the default) publishes as fast as
    /// the service takes it.
    #[arg(long, default_value_t = 0.0)]
    pub speed: f64,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `cuenca bench replay`: the whole pipeline in one process, as a centre runs it:
/// a service (zenoh peer listening on a loopback port, fusion, picture updates) and
/// a replaying adapter in a second zenoh session connected to it over TCP. The
/// recording goes in as fast as the service takes it. Measured per batch: from its
/// publication to the service having received it ("ingest"), and to the first
/// picture update after that ("picture", which includes waiting for the update
/// tick). Throughput is reports over the time from the first publication to the
/// last batch received.
pub fn bench(a: BenchArgs) -> Result<()> {
    use std::sync::atomic::Ordering;
    use std::sync::Arc;
    let mut cfg = Config::load_or_embedded(a.config.as_ref())?;
    cfg.demo.enabled = false;
    if let Some(ms) = a.update_ms {
        cfg.cop.update_interval_ms = ms;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .context("no free loopback port")?
        .port();
    cfg.zenoh.listen = vec![format!("tcp/127.0.0.1:{port}")];
    cfg.zenoh.connect.clear();
    cfg.zenoh.multicast_scouting = false;
    cfg.validate("bench")?;
    let (rec, ctx) = load(&a.file, &cfg, a.sensor.as_ref(), false, 0.0)?;
    let mut client = cfg.clone();
    crate::sim::connect_as_client(&mut client, &[])?;
    check_speed(a.speed)?;
    let ranges = rec.batch_ranges(window(a.speed), 500);
    let first = rec.span().map(|s| s.0);
    let rt = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    let r = rt.block_on(async {
        let service = Bus::open(&cfg.zenoh).await?;
        let shared = Arc::new(cuenca_server::pipeline::Shared::new(&cfg));
        let pipe = tokio::spawn(cuenca_server::pipeline::run(
            service.clone(),
            cfg.clone(),
            Arc::clone(&shared),
        ));
        while !shared.ready.load(Ordering::Relaxed) {
            if pipe.is_finished() {
                bail!("the service's pipeline stopped before it was ready");
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tracing::info!("service ready");
        let adapter = Bus::open(&client.zenoh).await?;
        tokio::time::sleep(Duration::from_secs(1)).await;
        tracing::info!("adapter connected");
        let m = &shared.metrics;
        let base = m.batches_received.load(Ordering::Relaxed);
        let n = ranges.len();
        // The watcher polls the service's counters; a 200 µs poll bounds its error.
        // It gives up once nothing has arrived for 5 s after the last publication.
        let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let watch = {
            let shared = Arc::clone(&shared);
            let done = Arc::clone(&done);
            tokio::task::spawn_blocking(move || {
                let m = &shared.metrics;
                let mut received = vec![None; n];
                let mut pictured = vec![None; n];
                let (mut next_rx, mut next_pic) = (0usize, 0usize);
                let mut updates = m.updates.load(Ordering::Relaxed);
                let mut progress = Instant::now();
                while next_pic < n {
                    let now = Instant::now();
                    let got = (m.batches_received.load(Ordering::Relaxed) - base) as usize;
                    if got > next_rx {
                        progress = now;
                    } else if done.load(Ordering::Relaxed)
                        && now.duration_since(progress) > Duration::from_secs(5)
                    {
                        break;
                    }
                    let u = m.updates.load(Ordering::Relaxed);
                    if u != updates {
                        updates = u;
                        // Every batch seen received before this update is in it.
                        while next_pic < next_rx {
                            pictured[next_pic] = Some(now);
                            next_pic += 1;
                        }
                    }
                    while next_rx < got.min(n) {
                        received[next_rx] = Some(now);
                        next_rx += 1;
                    }
                    std::thread::sleep(Duration::from_micros(200));
                }
                (received, pictured)
            })
        };
        let mut sent = Vec::with_capacity(n);
        let t0 = Instant::now();
        let wall0 = tokio::time::Instant::now();
        for (i, range) in ranges.iter().enumerate() {
            let batch = rec.batch(&ctx, i as u64 + 1, range.clone());
            if let (true, Some(first), Some(m)) = (a.speed > 0.0, first, batch.measurements.first())
            {
                let due =
                    wall0 + Duration::from_secs_f64(m.time.secs_since(first).max(0.0) / a.speed);
                tokio::time::sleep_until(due).await;
            }
            sent.push(Instant::now());
            adapter.publish(rec.format.kind(), &batch).await?;
        }
        let send_s = t0.elapsed().as_secs_f64();
        done.store(true, Ordering::Relaxed);
        let (received, pictured) = watch.await.context("the watcher failed")?;
        let accepted = m.measurements_accepted.load(Ordering::Relaxed);
        let rejected: u64 = m.rejected.lock().map(|r| r.values().sum()).unwrap_or(0);
        pipe.abort();
        adapter.close();
        service.close();
        anyhow::Ok((sent, received, pictured, send_s, accepted, rejected))
    })?;
    let (sent, received, pictured, send_s, accepted, rejected) = r;
    let lat = |end: &[Option<Instant>]| -> Vec<f64> {
        let mut v: Vec<f64> = sent
            .iter()
            .zip(end)
            .filter_map(|(s, e)| e.map(|e| e.saturating_duration_since(*s).as_secs_f64() * 1e3))
            .collect();
        v.sort_by(f64::total_cmp);
        v
    };
    let (ingest, picture) = (lat(&received), lat(&pictured));
    let pct = |v: &[f64], q: f64| -> f64 {
        if v.is_empty() {
            f64::NAN
        } else {
            v[((v.len() - 1) as f64 * q).round() as usize]
        }
    };
    let last = received.iter().flatten().max().copied();
    let total_s = match (sent.first(), last) {
        (Some(s), Some(l)) => l.saturating_duration_since(*s).as_secs_f64(),
        _ => f64::NAN,
    };
    let reports = rec.measurements.len();
    let v = serde_json::json!({
        "file": a.file.display().to_string(),
        "format": rec.format.as_str(),
        "reports": reports,
        "batches": sent.len(),
        "batches_received": received.iter().flatten().count(),
        "accepted": accepted,
        "rejected": rejected,
        "refused_in_file": rec.refused.values().sum::<u64>(),
        "publish_s": send_s,
        "end_to_end_s": total_s,
        "reports_per_s": reports as f64 / total_s,
        "update_interval_ms": cfg.cop.update_interval_ms,
        "ingest_latency_ms": {"p50": pct(&ingest, 0.5), "p95": pct(&ingest, 0.95), "p99": pct(&ingest, 0.99), "max": pct(&ingest, 1.0)},
        "picture_latency_ms": {"p50": pct(&picture, 0.5), "p95": pct(&picture, 0.95), "p99": pct(&picture, 0.99), "max": pct(&picture, 1.0)},
    });
    if a.json {
        println!("{v}");
    } else {
        println!(
            "{} ({}): {reports} reports in {} batches through zenoh and fusion in {total_s:.2} s: {:.0} reports/s; \
             accepted {accepted}, refused {rejected}\n\
             ingest latency ms: p50 {:.1}, p95 {:.1}, p99 {:.1}, max {:.1}\n\
             picture latency ms (updates every {} ms): p50 {:.1}, p95 {:.1}, p99 {:.1}, max {:.1}",
            a.file.display(),
            rec.format.as_str(),
            sent.len(),
            reports as f64 / total_s,
            pct(&ingest, 0.5),
            pct(&ingest, 0.95),
            pct(&ingest, 0.99),
            pct(&ingest, 1.0),
            cfg.cop.update_interval_ms,
            pct(&picture, 0.5),
            pct(&picture, 0.95),
            pct(&picture, 0.99),
            pct(&picture, 1.0),
        );
    }
    Ok(())
}
