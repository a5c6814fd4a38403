//! `cuenca ais decode`: NMEA in, gpsd-style JSON out.

use anyhow::{Context, Result};
use clap::Args;
use cuenca_ais::{to_gpsd_json, Decoder};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args)]
pub struct DecodeArgs {
    /// NMEA file; standard input when absent.
    pub file: Option<PathBuf>,
    /// Print one JSON summary (counts by type, rejections by reason, speed) instead
    /// of each message.
    #[arg(long)]
    pub stats: bool,
}

pub fn decode(a: DecodeArgs) -> Result<()> {
    let input: Box<dyn Read> = match &a.file {
        Some(p) => Box::new(
            std::fs::File::open(p).with_context(|| format!("cannot open {}", p.display()))?,
        ),
        None => Box::new(std::io::stdin().lock()),
    };
    let mut reader = BufReader::with_capacity(1 << 16, input);
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut decoder = Decoder::new();
    let mut by_type: BTreeMap<u8, u64> = BTreeMap::new();
    let mut line = Vec::with_capacity(256);
    let start = Instant::now();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        // Bad lines are counted by the decoder and never stop the stream.
        if let Ok(Some(d)) = decoder.feed_bytes(&line) {
            if a.stats {
                *by_type.entry(d.message.msg_type()).or_default() += 1;
            } else {
                serde_json::to_writer(&mut out, &to_gpsd_json(&d.message))?;
                out.write_all(b"\n")?;
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let s = decoder.stats();
    if a.stats {
        let rejected: Map<String, Value> = s
            .error_counts()
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| (r.to_string(), json!(n)))
            .collect();
        let summary = json!({
            "messages": s.messages,
            "by_type": by_type.iter().map(|(t, n)| (t.to_string(), json!(n))).collect::<Map<_, _>>(),
            "rejected": rejected,
            "incomplete_dropped": s.incomplete_dropped,
            "lines": s.lines,
            "sentences": s.sentences,
            "seconds": seconds,
            "sentences_per_s": s.sentences as f64 / seconds.max(1e-9),
        });
        writeln!(out, "{summary}")?;
    } else if s.total_errors() > 0 {
        let counts: Vec<String> = s
            .error_counts()
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| format!("{r}={n}"))
            .collect();
        tracing::warn!("rejected lines: {}", counts.join(", "));
    }
    out.flush()?;
    Ok(())
}

#[derive(Args)]
pub struct RunArgs {
    /// The configured sensor this adapter speaks for (its nation and release come from config).
    #[arg(long)]
    pub sensor: cuenca_model::SensorId,
    /// The feed: file:PATH, tcp:HOST:PORT, tcp-listen:ADDR:PORT or udp:ADDR:PORT.
    #[arg(long)]
    pub input: cuenca_adapter::Input,
    /// Configuration file; the embedded default when absent.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// A zenoh endpoint to reach the service, e.g. tcp/10.0.0.5:7447 [default: the
    /// configuration's connect list, else where its service listens].
    #[arg(long)]
    pub connect: Vec<String>,
}

/// Runs an AIS adapter: feed in, measurements out on zenoh under the sensor's key.
pub fn run(a: RunArgs) -> Result<()> {
    use cuenca_adapter::{Batching, Input, Sensor, Stats};
    use std::sync::atomic::Ordering;
    use std::sync::Arc;

    let mut cfg = cuenca_config::Config::load_or_embedded(a.config.as_ref())?;
    // An adapter is a client of the service's bus: it connects to --connect, else to
    // the configured routers, else to where the configured service listens.
    if !a.connect.is_empty() {
        cfg.zenoh.connect = a.connect.clone();
    } else if cfg.zenoh.connect.is_empty() {
        cfg.zenoh.connect = cfg.zenoh.listen.clone();
    }
    cfg.zenoh.listen.clear();
    cfg.validate("--connect")?;
    let s = cfg
        .sensor(&a.sensor)
        .with_context(|| format!("sensor {} is not in the configuration", a.sensor))?
        .clone();
    if s.kind != cuenca_model::MeasurementKind::AisReport {
        anyhow::bail!("sensor {} is configured as {:?}, not AIS", s.id, s.kind);
    }
    let ctx = cuenca_ais::SensorContext {
        sensor: s.id.clone(),
        nation: s.nation,
        release: s.release.clone(),
    };
    let sensor = Sensor {
        id: s.id.clone(),
        nation: s.nation,
        kind: s.kind,
    };
    let is_file = matches!(a.input, Input::File(_));
    let rt = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    rt.block_on(async move {
        let bus = cuenca_bus::Bus::open(&cfg.zenoh).await?;
        if is_file {
            // Let zenoh learn the service's subscription before a short file is sent.
            tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        }
        let stats = Arc::new(Stats::default());
        let mut decoder = Decoder::new();
        let mut bad_measurements = 0u64;
        cuenca_adapter::run(
            a.input,
            sensor,
            bus.clone(),
            Batching::default(),
            Arc::clone(&stats),
            |line, out| {
                if let Ok(Some(d)) = decoder.feed_bytes(line) {
                    match cuenca_ais::to_measurement(&d, &ctx, cuenca_model::Timestamp::now()) {
                        Ok(Some(m)) => out.push(m),
                        Ok(None) => {}
                        Err(_) => bad_measurements += 1,
                    }
                }
            },
        )
        .await?;
        if is_file {
            tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        }
        let rejected: Vec<String> = decoder
            .stats()
            .error_counts()
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| format!("{r}={n}"))
            .collect();
        tracing::info!(
            lines = stats.lines.load(Ordering::Relaxed),
            messages = decoder.stats().messages,
            published = stats.measurements.load(Ordering::Relaxed),
            batches = stats.batches.load(Ordering::Relaxed),
            bad_measurements,
            rejected = %rejected.join(","),
            "feed ended"
        );
        bus.close();
        anyhow::Ok(())
    })
}
