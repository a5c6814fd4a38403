//! `cuenca radar decode`: ASTERIX CAT048/CAT034 or JSON plots in, JSON lines out.

use anyhow::Result;
use clap::Args;
use cuenca_radar::{to_json, Decoder, PlotReader, PlotTime};
use serde_json::json;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

#[derive(Args)]
pub struct DecodeArgs {
    /// Raw ASTERIX data blocks, or JSON plot lines (a file starting with `{`);
    /// standard input when absent.
    pub file: Option<PathBuf>,
}

pub fn decode(a: DecodeArgs) -> Result<()> {
    let data = crate::read_input(a.file.as_ref())?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let refused: Vec<(&'static str, u64)> =
        if data.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
            let mut reader = PlotReader::new();
            for line in String::from_utf8_lossy(&data).lines() {
                if let Ok(Some(p)) = reader.feed_line(line) {
                    let time = match p.plot.time {
                        PlotTime::At(t) => json!(t),
                        PlotTime::TimeOfDay(s) => json!({ "time_of_day_s": s }),
                    };
                    let v = json!({
                        "sensor": p.sensor,
                        "time": time,
                        "range_m": p.plot.range_m,
                        "azimuth_deg": p.plot.azimuth_deg,
                        "altitude_m": p.plot.altitude_m,
                    });
                    writeln!(out, "{v}")?;
                }
            }
            reader.by_reason().collect()
        } else {
            let mut decoder = Decoder::new();
            let mut records = Vec::new();
            // Bad blocks are counted and skipped; the good ones are still printed.
            let _ = decoder.decode_into(&data, &mut records);
            for r in &records {
                writeln!(out, "{}", to_json(r))?;
            }
            decoder.stats().by_reason().collect()
        };
    out.flush()?;
    let counts: Vec<String> = refused
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(r, n)| format!("{r}={n}"))
        .collect();
    if !counts.is_empty() {
        tracing::warn!("refused: {}", counts.join(", "));
    }
    Ok(())
}

/// Runs a radar adapter for JSON plot lines; site and accuracies come from the config.
pub fn run(a: crate::adapter::AdapterArgs) -> Result<()> {
    use cuenca_model::{MeasurementKind, Timestamp};
    crate::adapter::run(a, MeasurementKind::RadarPlot, |s, ctx| {
        let (Some(sr), Some(sa)) = (s.sigma_range_m, s.sigma_azimuth_deg) else {
            anyhow::bail!("radar {} lacks sigma_range_m or sigma_azimuth_deg", s.id);
        };
        let site = s.site.into();
        let mut reader = PlotReader::new();
        let mut refused = 0u64;
        Ok(
            move |line: &[u8], out: &mut Vec<cuenca_model::Measurement>| {
                let text = String::from_utf8_lossy(line);
                let reason = match reader.feed_line(&text) {
                    // Plots for another sensor on this feed are not ours to publish.
                    Ok(Some(p)) if p.sensor != ctx.sensor => "other_sensor",
                    Ok(Some(p)) => {
                        match cuenca_radar::to_measurement(
                            &p.plot,
                            site,
                            sr,
                            sa,
                            &ctx,
                            Timestamp::now(),
                        ) {
                            Ok(m) => {
                                out.push(m);
                                return;
                            }
                            Err(e) => e.reason(),
                        }
                    }
                    Ok(None) => return,
                    Err(e) => e.reason(),
                };
                refused += 1;
                crate::adapter::sample_refusal(refused, reason, line);
            },
        )
    })
}
