//! `cuenca ais decode`: NMEA in, gpsd-style JSON out.

use crate::adapter::AdapterArgs;
use anyhow::{Context, Result};
use clap::Args;
use cuenca_ais::{to_gpsd_json, Decoder};
use cuenca_model::{Measurement, MeasurementKind, Timestamp};
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

/// Runs an AIS adapter: feed in, measurements out on zenoh under the sensor's key.
pub fn run(a: AdapterArgs) -> Result<()> {
    crate::adapter::run(a, MeasurementKind::AisReport, |_, ctx| {
        let mut decoder = Decoder::new();
        let mut refused = 0u64;
        let decode = move |line: &[u8], out: &mut Vec<Measurement>| {
            let reason = match decoder.feed_bytes(line) {
                Ok(Some(d)) => match cuenca_ais::to_measurement(&d, &ctx, Timestamp::now()) {
                    Ok(Some(m)) => {
                        out.push(m);
                        return;
                    }
                    Ok(None) => return,
                    Err(e) => e.reason(),
                },
                Ok(None) => return,
                Err(e) => e.reason(),
            };
            refused += 1;
            crate::adapter::sample_refusal(refused, reason, line);
        };
        Ok(decode)
    })
}
