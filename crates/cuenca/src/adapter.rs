//! `cuenca <kind> run`: the shared shell of every sensor adapter — configuration,
//! the zenoh connection and the run summary; the kind brings its decoder (of lines,
//! or of byte chunks and datagrams for binary feeds).

use anyhow::{bail, Context, Result};
use clap::Args;
use cuenca_adapter::{Batching, Framing, Input, Sensor, Stats, Unit};
use cuenca_config::SensorConfig;
use cuenca_model::{Measurement, MeasurementKind, SensorContext, SensorId};
use std::path::PathBuf;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

#[derive(Args)]
pub struct AdapterArgs {
    /// The configured sensor this adapter speaks for (its nation and release come from config).
    #[arg(long)]
    pub sensor: SensorId,
    /// The feed: file:PATH, tcp:HOST:PORT, tcp-listen:ADDR:PORT, udp:ADDR:PORT (a
    /// multicast ADDR is joined) or udp:GROUP:PORT@IFACE-ADDR.
    #[arg(long)]
    pub input: Input,
    /// Configuration file; the embedded default when absent.
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// A zenoh endpoint to reach the service, e.g. tcp/10.0.0.5:7447 [default: the
    /// configuration's connect list, else where its service listens].
    #[arg(long)]
    pub connect: Vec<String>,
}

/// Runs an adapter for a sensor of `kind`. `decoder` builds the line decoder from the
/// sensor's configuration and release context.
pub fn run<D, F>(a: AdapterArgs, kind: MeasurementKind, decoder: F) -> Result<()>
where
    F: FnOnce(&SensorConfig, SensorContext) -> Result<D>,
    D: FnMut(&[u8], &mut Vec<Measurement>),
{
    run_framed(a, kind, Framing::Lines, |s, ctx| {
        let mut decode = decoder(s, ctx)?;
        Ok(
            move |unit: Unit<'_>, out: &mut Vec<Measurement>| match unit {
                Unit::Line(l) | Unit::Datagram(l) | Unit::Chunk { bytes: l, .. } => decode(l, out),
                Unit::End { .. } => {}
            },
        )
    })
}

/// Runs an adapter for a sensor of `kind` whose feed is cut as `framing` says;
/// `decoder` builds the [`Unit`] decoder from the sensor's configuration and
/// release context.
pub fn run_framed<D, F>(
    a: AdapterArgs,
    kind: MeasurementKind,
    framing: Framing,
    decoder: F,
) -> Result<()>
where
    F: FnOnce(&SensorConfig, SensorContext) -> Result<D>,
    D: FnMut(Unit<'_>, &mut Vec<Measurement>),
{
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
    if s.kind != kind {
        bail!(
            "sensor {} is configured as {:?}, not {:?}",
            s.id,
            s.kind,
            kind
        );
    }
    let ctx = SensorContext {
        sensor: s.id.clone(),
        nation: s.nation,
        release: s.release.clone(),
    };
    let decode = decoder(&s, ctx)?;
    let sensor = Sensor {
        id: s.id.clone(),
        nation: s.nation,
        kind,
    };
    let is_file = matches!(a.input, Input::File(_));
    let rt = tokio::runtime::Runtime::new().context("cannot start the async runtime")?;
    rt.block_on(async move {
        let bus = cuenca_bus::Bus::open(&cfg.zenoh).await?;
        if is_file {
            // Let zenoh learn the service's subscription before a short file is sent.
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
        let stats = Arc::new(Stats::default());
        cuenca_adapter::run_framed(
            a.input,
            framing,
            sensor,
            bus.clone(),
            Batching::default(),
            Arc::clone(&stats),
            decode,
        )
        .await?;
        if is_file {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
        tracing::info!(
            lines = stats.lines.load(Ordering::Relaxed),
            bytes = stats.bytes.load(Ordering::Relaxed),
            overlong_lines = stats.overlong_lines.load(Ordering::Relaxed),
            published = stats.measurements.load(Ordering::Relaxed),
            batches = stats.batches.load(Ordering::Relaxed),
            gaps = stats.gaps.load(Ordering::Relaxed),
            "feed ended"
        );
        bus.close();
        anyhow::Ok(())
    })
}

/// Logs the 1st, 2nd, 4th, 8th, … refusal of a feed: every refusal is counted, and
/// the log gets a sample without being flooded by a feed that has gone bad. Text is
/// shown as text (120 characters), binary input as hex (32 bytes).
pub fn sample_refusal(count: u64, reason: &str, input: &[u8]) {
    if !count.is_power_of_two() {
        return;
    }
    let text = input
        .iter()
        .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace());
    if text {
        let shown: String = String::from_utf8_lossy(input).chars().take(120).collect();
        tracing::warn!(refused = count, reason, line = %shown.trim_end(), "input refused");
    } else {
        let shown: String = input.iter().take(32).map(|b| format!("{b:02x}")).collect();
        tracing::warn!(refused = count, reason, bytes = %shown, "input refused");
    }
}
