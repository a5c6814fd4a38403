//! `cuenca adsb decode`: Beast, AVR or SBS in, JSON lines out; `cuenca adsb run`:
//! the same feeds in, aircraft positions out on zenoh.

use anyhow::Result;
use clap::Args;
use cuenca_adapter::{Framing, LineSplitter, Unit};
use cuenca_adsb::{
    to_json, AdsbError, AvrReader, BeastReader, Decoder, RawFrame, SbsReader, Stats, STALE_AFTER_S,
};
use cuenca_model::{Measurement, MeasurementKind, SensorContext, Timestamp};
use serde_json::json;
use std::collections::HashMap;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

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

/// The feed formats of `cuenca adsb run`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Recognised per connection from its first bytes: Beast if they hold 0x1a (the
    /// Beast escape, never in text), else text lines, each read as SBS-1 when it starts with `MSG`, `SEL`, `ID`, `AIR`,
    /// `STA` or `CLK` and as AVR otherwise.
    Auto,
    /// Beast binary (dump1090/readsb port 30005).
    Beast,
    /// AVR text, `*hex;` or `@time hex;` (port 30002).
    Avr,
    /// SBS-1 / BaseStation CSV (port 30003).
    Sbs,
}

#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub adapter: crate::adapter::AdapterArgs,
    /// Feed format.
    #[arg(long, value_enum, default_value_t = Format::Auto)]
    pub format: Format,
}

/// Runs an ADS-B adapter: Beast, AVR or SBS-1 in, aircraft positions out on zenoh
/// under the sensor's key. The receiver's configured site is the reference for
/// single-frame (local) CPR decoding.
pub fn run(a: RunArgs) -> Result<()> {
    let format = a.format;
    crate::adapter::run_framed(
        a.adapter,
        MeasurementKind::AdsbReport,
        Framing::Bytes,
        |s, ctx| {
            let mut feed = Feed::new(format, s.site.lat, s.site.lon, ctx);
            Ok(move |unit: Unit<'_>, out: &mut Vec<Measurement>| feed.unit(unit, out))
        },
    )
}

/// How one stream (a connection, or the file) is being cut.
enum StreamState {
    /// `--format auto` before the format is known: the bytes so far.
    Undecided(Vec<u8>),
    Beast(BeastReader),
    Text(LineSplitter),
}

/// Bytes `--format auto` reads before calling a stream without 0x1a text.
const DETECT_BYTES: usize = 64;

/// The state of one ADS-B adapter: CPR state shared by all streams (a listener may
/// get the same receiver twice after a reconnect), framing state per stream.
struct Feed {
    format: Format,
    decoder: Decoder,
    streams: HashMap<u64, StreamState>,
    /// AVR and SBS-1 line counts, and the Beast counts of streams that have ended.
    framing: Stats,
    ctx: SensorContext,
    start: Instant,
    last_prune: f64,
    refused: u64,
    ignored_mode_ac: u64,
}

/// Datagrams have no stream; their Beast frames get a reader of their own (a
/// frame cut across two datagrams is still found).
const DATAGRAMS: u64 = u64::MAX;

impl Feed {
    /// A feed for a receiver at `lat`, `lon` (the reference of local CPR decoding).
    fn new(format: Format, lat: f64, lon: f64, ctx: SensorContext) -> Self {
        Feed {
            format,
            decoder: Decoder::with_reference(lat, lon),
            streams: HashMap::new(),
            framing: Stats::default(),
            ctx,
            start: Instant::now(),
            last_prune: 0.0,
            refused: 0,
            ignored_mode_ac: 0,
        }
    }

    fn unit(&mut self, unit: Unit<'_>, out: &mut Vec<Measurement>) {
        match unit {
            Unit::Chunk { stream, bytes } => self.bytes(stream, bytes, out),
            Unit::Datagram(bytes) => {
                let beast = match self.format {
                    Format::Beast => true,
                    Format::Auto => bytes.contains(&0x1a),
                    Format::Avr | Format::Sbs => false,
                };
                if beast {
                    self.streams
                        .entry(DATAGRAMS)
                        .or_insert_with(|| StreamState::Beast(BeastReader::new()));
                    self.bytes(DATAGRAMS, bytes, out);
                } else {
                    // A datagram holds whole lines, the last one without a newline too.
                    for line in bytes.split(|b| *b == b'\n') {
                        self.line(line, out);
                    }
                }
            }
            Unit::Line(l) => self.line(l, out),
            Unit::End { stream } => match self.streams.remove(&stream) {
                Some(StreamState::Beast(r)) => self.framing.merge(r.stats()),
                Some(StreamState::Text(mut split)) => {
                    if let Some(line) = split.finish() {
                        self.line(&line, out);
                    }
                }
                // A stream too short to tell: a few bytes without 0x1a are text.
                Some(StreamState::Undecided(buf)) => {
                    let mut split = LineSplitter::default();
                    let mut lines = Vec::new();
                    split.feed(&buf, |l| lines.push(l.to_vec()));
                    lines.extend(split.finish());
                    for l in lines {
                        self.line(&l, out);
                    }
                }
                None => {}
            },
        }
    }

    /// Seconds since the adapter started: the clock of CPR pairing. Receiver
    /// counters are not used because they restart with the receiver, and some
    /// receivers send zeros or MLAT markers instead.
    fn now_s(&self) -> f64 {
        self.start.elapsed().as_secs_f64()
    }

    fn bytes(&mut self, stream: u64, bytes: &[u8], out: &mut Vec<Measurement>) {
        let format = self.format;
        let state = self.streams.entry(stream).or_insert_with(|| match format {
            Format::Beast => StreamState::Beast(BeastReader::new()),
            Format::Avr | Format::Sbs => StreamState::Text(LineSplitter::default()),
            Format::Auto => StreamState::Undecided(Vec::new()),
        });
        let held;
        let bytes = if let StreamState::Undecided(buf) = state {
            buf.extend_from_slice(bytes);
            // Text feeds never hold 0x1a; wait for enough bytes to be sure.
            let beast = buf.contains(&0x1a);
            if !beast && buf.len() < DETECT_BYTES && !buf.contains(&b'\n') {
                return;
            }
            held = std::mem::take(buf);
            *state = if beast {
                StreamState::Beast(BeastReader::new())
            } else {
                StreamState::Text(LineSplitter::default())
            };
            &held[..]
        } else {
            bytes
        };
        match state {
            StreamState::Beast(reader) => {
                let before = reader.stats().clone();
                let mut frames = Vec::new();
                reader.feed_into(bytes, &mut frames);
                let after = reader.stats().clone();
                for (reason, n) in after.nonzero() {
                    let new = n - before.errors(reason);
                    if new > 0 {
                        self.refused += new;
                        crate::adapter::sample_refusal(self.refused, reason, bytes);
                    }
                }
                let t = self.now_s();
                for f in frames {
                    let r = self.decoder.decode_frame(&f, t);
                    self.decoded(r, f.as_bytes(), out);
                }
                self.prune(t);
            }
            StreamState::Undecided(_) => {}
            StreamState::Text(split) => {
                let mut lines = Vec::new();
                let overlong = split.feed(bytes, |l| lines.push(l.to_vec()));
                for _ in 0..overlong {
                    self.refuse("overlong_line", b"");
                }
                for l in lines {
                    self.line(&l, out);
                }
            }
        }
    }

    fn line(&mut self, line: &[u8], out: &mut Vec<Measurement>) {
        let text = String::from_utf8_lossy(line);
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let sbs = match self.format {
            Format::Sbs => true,
            Format::Avr => false,
            Format::Auto | Format::Beast => ["MSG", "SEL", "ID", "AIR", "STA", "CLK"]
                .iter()
                .any(|p| text.starts_with(p)),
        };
        let t = self.now_s();
        if sbs {
            match cuenca_adsb::parse_sbs(text) {
                Ok(m) => {
                    self.framing.accepted += 1;
                    let d = self.decoder.decode_sbs(&m, t);
                    self.decoded(Ok(d), line, out);
                }
                Err(e) => {
                    self.framing.record(e);
                    self.refuse(e.reason(), line);
                }
            }
        } else {
            match cuenca_adsb::parse_avr(text) {
                Ok(f) => {
                    self.framing.accepted += 1;
                    let r = self.decoder.decode_frame(&f, t);
                    self.decoded(r, line, out);
                }
                Err(e) => {
                    self.framing.record(e);
                    self.refuse(e.reason(), line);
                }
            }
        }
        self.prune(t);
    }

    fn decoded(
        &mut self,
        r: Result<cuenca_adsb::Decoded, AdsbError>,
        raw: &[u8],
        out: &mut Vec<Measurement>,
    ) {
        let d = match r {
            Ok(d) => d,
            // Mode A/C replies carry nothing to decode: counted, not a fault of the feed.
            Err(AdsbError::ModeAc) => {
                self.ignored_mode_ac += 1;
                return;
            }
            Err(e) => return self.refuse(e.reason(), raw),
        };
        let state = self.decoder.aircraft(d.icao24);
        match cuenca_adsb::to_measurement(&d, state, &self.ctx, Timestamp::now()) {
            Ok(Some(m)) => out.push(m),
            Ok(None) => {}
            Err(e) => self.refuse(e.reason(), raw),
        }
    }

    fn refuse(&mut self, reason: &str, raw: &[u8]) {
        self.refused += 1;
        crate::adapter::sample_refusal(self.refused, reason, raw);
    }

    /// Forgets aircraft silent for [`STALE_AFTER_S`], once a minute.
    fn prune(&mut self, t: f64) {
        if t - self.last_prune > 60.0 {
            self.decoder.prune(t - STALE_AFTER_S);
            self.last_prune = t;
        }
    }
}

impl Drop for Feed {
    /// The run's summary: every refusal by reason.
    fn drop(&mut self) {
        let mut framing = self.framing.clone();
        for s in self.streams.values() {
            if let StreamState::Beast(r) = s {
                framing.merge(r.stats());
            }
        }
        let decoder = self.decoder.stats();
        let refused: Vec<String> = framing
            .nonzero()
            .into_iter()
            .chain(decoder.nonzero())
            .map(|(r, n)| format!("{r}={n}"))
            .collect();
        tracing::info!(
            frames = framing.accepted,
            decoded = decoder.accepted,
            positions = decoder.positions,
            aircraft = self.decoder.aircraft_count(),
            mode_ac = self.ignored_mode_ac,
            refused = %refused.join(","),
            "ADS-B feed summary"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cuenca_model::{NationId, ReleaseTo, SensorId};

    const EVEN: &str = "8D40621D58C382D690C8AC2863A7";
    const ODD: &str = "8D40621D58C386435CC412692AD6";

    fn feed(format: Format) -> Feed {
        let ctx = SensorContext {
            sensor: SensorId::new("nld-adsb-1").expect("id"),
            nation: NationId::new("NLD").expect("nation"),
            release: ReleaseTo::AllMembers,
        };
        Feed::new(format, 52.0, 4.0, ctx)
    }

    fn beast(hex: &str) -> Vec<u8> {
        let mut out = vec![0x1a, b'3', 0, 0, 0, 0, 0, 1, 0x80];
        out.extend(
            (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")),
        );
        out
    }

    #[test]
    fn auto_tells_beast_from_text_per_stream() {
        let mut f = feed(Format::Auto);
        let mut out = Vec::new();
        // Stream 1: AVR lines cut mid-line; stream 2: Beast in two chunks.
        let avr = format!("*{EVEN};\n*{ODD};\ngarbage\n");
        let (a, b) = avr.as_bytes().split_at(20);
        f.unit(
            Unit::Chunk {
                stream: 1,
                bytes: a,
            },
            &mut out,
        );
        let mut bin = beast(EVEN);
        bin.extend(beast(ODD));
        let (c, d) = bin.split_at(5);
        f.unit(
            Unit::Chunk {
                stream: 2,
                bytes: c,
            },
            &mut out,
        );
        f.unit(
            Unit::Chunk {
                stream: 1,
                bytes: b,
            },
            &mut out,
        );
        f.unit(
            Unit::Chunk {
                stream: 2,
                bytes: d,
            },
            &mut out,
        );
        f.unit(Unit::End { stream: 1 }, &mut out);
        f.unit(Unit::End { stream: 2 }, &mut out);
        assert!(f.streams.is_empty());
        // Every position frame gives a report (local decoding against the receiver).
        assert_eq!(out.len(), 4);
        assert!(out.iter().all(|m| m.identity.icao24 == Some(0x40621D)));
        assert!((out[3].position.lat - 52.2658).abs() < 1e-3);
        assert_eq!(f.framing.errors("avr_no_start"), 1);
        assert_eq!(f.refused, 1);
    }

    #[test]
    fn sbs_lines_and_datagrams() {
        let mut f = feed(Format::Auto);
        let mut out = Vec::new();
        let lines = "MSG,1,1,1,4CA2D6,1,,,,,RYR5GW,,,,,,,,0,0,0,0\n\
                     MSG,3,1,1,4CA2D6,1,,,,,,35975,,,51.14566,7.24430,,,0,0,0,0\n\
                     MSG,3,1,1,4CA2D6,1,,,,,,35975,,,91.0,7.24430,,,0,0,0,0";
        f.unit(Unit::Datagram(lines.as_bytes()), &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].identity.callsign.as_deref(), Some("RYR5GW"));
        assert_eq!(f.framing.errors("sbs_bad_field"), 1);
        // A Beast datagram, and a forced format that refuses the other one.
        f.unit(Unit::Datagram(&beast(ODD)), &mut out);
        assert_eq!(out.len(), 2);
        let mut avr_only = feed(Format::Avr);
        avr_only.unit(
            Unit::Line(b"MSG,3,1,1,4CA2D6,1,,,,,,1,,,1,1,,,0,0,0,0"),
            &mut out,
        );
        assert_eq!(avr_only.framing.errors("avr_no_start"), 1);
    }
}
