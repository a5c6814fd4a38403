//! `cuenca adsb decode`: Beast, AVR or SBS in, JSON lines out.

use anyhow::Result;
use clap::Args;
use cuenca_adsb::{to_json, AvrReader, BeastReader, Decoder, RawFrame, SbsReader};
use serde_json::json;
use std::io::{BufWriter, Write};
use std::path::PathBuf;

#[derive(Args)]
pub struct DecodeArgs {
    /// Beast binary, AVR (`*hex;` / `@…;`) or SBS-1 (`MSG,…`) input; standard input
    /// when absent. The format is recognised from the first bytes.
    pub file: Option<PathBuf>,
}

pub fn decode(a: DecodeArgs) -> Result<()> {
    let data = crate::read_input(a.file.as_ref())?;
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut decoder = Decoder::new();
    // Frames without a receiver clock are spaced 1 ms apart, so CPR pairs still form.
    let mut n = 0u64;
    let mut time_of = |f: &RawFrame| {
        n += 1;
        f.timestamp_12mhz
            .map_or(n as f64 * 1e-3, |t| t as f64 / 12e6)
    };
    let emit = |decoder: &mut Decoder, f: &RawFrame, t: f64, out: &mut dyn Write| {
        if let Ok(d) = decoder.decode_frame(f, t) {
            writeln!(out, "{}", to_json(&d))
        } else {
            Ok(())
        }
    };
    let mut framing_errors = Vec::new();
    if data.first() == Some(&0x1a) {
        let mut beast = BeastReader::new();
        for f in beast.feed(&data) {
            let t = time_of(&f);
            emit(&mut decoder, &f, t, &mut out)?;
        }
        framing_errors.extend(
            beast
                .stats()
                .nonzero()
                .into_iter()
                .map(|(r, n)| format!("{r}={n}")),
        );
    } else {
        let text = String::from_utf8_lossy(&data);
        let mut avr = AvrReader::default();
        let mut sbs = SbsReader::default();
        for line in text.lines() {
            if line.starts_with("MSG") {
                if let Some(m) = sbs.feed_line(line) {
                    let v = json!({
                        "icao24": format!("{:06x}", m.icao24),
                        "transmission_type": m.transmission_type,
                        "callsign": m.callsign,
                        "altitude": m.altitude_ft,
                        "groundspeed": m.ground_speed_kt,
                        "track": m.track_deg,
                        "lat": m.lat,
                        "lon": m.lon,
                        "vertical_rate": m.vertical_rate_fpm,
                        "squawk": m.squawk,
                        "on_ground": m.on_ground,
                    });
                    writeln!(out, "{v}")?;
                }
            } else if let Some(f) = avr.feed_line(line) {
                let t = time_of(&f);
                emit(&mut decoder, &f, t, &mut out)?;
            }
        }
        framing_errors.extend(
            avr.stats()
                .nonzero()
                .into_iter()
                .map(|(r, n)| format!("{r}={n}")),
        );
        framing_errors.extend(
            sbs.stats()
                .nonzero()
                .into_iter()
                .map(|(r, n)| format!("{r}={n}")),
        );
    }
    out.flush()?;
    framing_errors.extend(
        decoder
            .stats()
            .nonzero()
            .into_iter()
            .map(|(r, n)| format!("{r}={n}")),
    );
    if !framing_errors.is_empty() {
        tracing::warn!("refused: {}", framing_errors.join(", "));
    }
    Ok(())
}
