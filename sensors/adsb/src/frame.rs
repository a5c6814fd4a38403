//! Framing: Beast binary, AVR text and SBS-1 (BaseStation) CSV.

use crate::{AdsbError, Stats};

/// One raw Mode S (7 or 14 bytes) or Mode A/C (2 bytes) reply, with what the
/// receiver said about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawFrame {
    bytes: [u8; 14],
    len: u8,
    /// The receiver's 48-bit 12 MHz counter (Beast, `@` AVR), if given.
    pub timestamp_12mhz: Option<u64>,
    /// The Beast signal level byte, if given.
    pub signal: Option<u8>,
}

impl RawFrame {
    /// A frame from 2, 7 or 14 bytes; `None` for any other length.
    ///
    /// ```
    /// let f = cuenca_adsb::RawFrame::new(&[0x5d, 0xad, 0x57, 0x20, 0x28, 0x09, 0xf9]).unwrap();
    /// assert_eq!(f.as_bytes().len(), 7);
    /// ```
    pub fn new(data: &[u8]) -> Option<RawFrame> {
        if !matches!(data.len(), 2 | 7 | 14) {
            return None;
        }
        let mut bytes = [0u8; 14];
        bytes[..data.len()].copy_from_slice(data);
        Some(RawFrame {
            bytes,
            len: data.len() as u8,
            timestamp_12mhz: None,
            signal: None,
        })
    }

    /// The reply's bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len as usize]
    }

    /// True for a Mode A/C reply (2 bytes).
    pub fn is_mode_ac(&self) -> bool {
        self.len == 2
    }

    /// The reply as lower-case hex.
    pub fn to_hex(&self) -> String {
        self.as_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }
}

const ESC: u8 = 0x1a;

fn payload_len(kind: u8) -> Option<usize> {
    match kind {
        b'1' => Some(2),
        b'2' => Some(7),
        b'3' => Some(14),
        _ => None,
    }
}

/// A streaming Beast binary decoder: feed it byte chunks cut anywhere, get whole
/// frames back. Junk is skipped and counted; a frame cut short by a new `0x1a`
/// frame start is counted as [`AdsbError::BeastTruncated`] and reading resumes at
/// that start. It buffers at most one partial frame.
///
/// ```
/// use cuenca_adsb::BeastReader;
/// // junk, then a Mode S short frame whose timestamp contains an escaped 0x1a
/// let stream = [
///     0x00, 0xff, 0x1a, b'2', 0, 0, 0, 0, 0x1a, 0x1a, 0x01, 0x80,
///     0x5d, 0xad, 0x57, 0x20, 0x28, 0x09, 0xf9,
/// ];
/// let mut r = BeastReader::new();
/// let mut frames = r.feed(&stream[..9]); // cut inside the escape
/// assert!(frames.is_empty());
/// frames.extend(r.feed(&stream[9..]));
/// assert_eq!(frames.len(), 1);
/// assert_eq!(frames[0].to_hex(), "5dad57202809f9");
/// assert_eq!(frames[0].timestamp_12mhz, Some(0x1a01));
/// assert_eq!(frames[0].signal, Some(0x80));
/// assert_eq!(r.stats().junk_bytes, 2);
/// ```
#[derive(Debug, Default, Clone)]
pub struct BeastReader {
    buf: Vec<u8>,
    stats: Stats,
    /// True while skipping bytes outside a frame (so a run counts once).
    in_junk: bool,
}

enum Step {
    Frame(RawFrame, usize),
    Truncated(usize),
    NeedMore,
}

impl BeastReader {
    /// An empty reader.
    pub fn new() -> Self {
        BeastReader::default()
    }

    /// What has been accepted and refused so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Feeds one chunk and returns the frames it completed.
    pub fn feed(&mut self, chunk: &[u8]) -> Vec<RawFrame> {
        let mut out = Vec::new();
        self.feed_into(chunk, &mut out);
        out
    }

    /// Feeds one chunk and appends the frames it completed to `out` (no allocation
    /// when `out` has room).
    pub fn feed_into(&mut self, chunk: &[u8], out: &mut Vec<RawFrame>) {
        self.buf.extend_from_slice(chunk);
        let mut pos = 0;
        while pos < self.buf.len() {
            if self.buf[pos] != ESC {
                // Skip to the next escape byte: all of it is junk.
                let next = self.buf[pos..]
                    .iter()
                    .position(|&b| b == ESC)
                    .map_or(self.buf.len(), |i| pos + i);
                self.junk(next - pos);
                pos = next;
                continue;
            }
            let Some(&kind) = self.buf.get(pos + 1) else {
                break;
            };
            if kind == ESC {
                // An escaped 0x1a outside a frame: junk.
                self.junk(2);
                pos += 2;
                continue;
            }
            let Some(n) = payload_len(kind) else {
                // Counted once as a bad type; what follows up to the next
                // frame start belongs to the same junk run.
                self.stats.record(AdsbError::BeastBadType);
                self.stats.junk_bytes += 1;
                self.in_junk = true;
                pos += 1;
                continue;
            };
            match unescape(&self.buf[pos + 2..], 7 + n) {
                Step::NeedMore => break,
                Step::Truncated(used) => {
                    self.stats.record(AdsbError::BeastTruncated);
                    self.in_junk = false;
                    pos += 2 + used;
                }
                Step::Frame(frame, used) => {
                    self.stats.accepted += 1;
                    self.in_junk = false;
                    out.push(frame);
                    pos += 2 + used;
                }
            }
        }
        self.buf.drain(..pos);
    }

    fn junk(&mut self, n: usize) {
        if n == 0 {
            return;
        }
        if !self.in_junk {
            self.stats.record(AdsbError::BeastJunk);
            self.in_junk = true;
        }
        self.stats.junk_bytes += n as u64;
    }
}

/// Reads `want` unescaped bytes (6 timestamp, 1 signal, payload).
fn unescape(src: &[u8], want: usize) -> Step {
    let mut body = [0u8; 7 + 14];
    let mut got = 0;
    let mut i = 0;
    while got < want {
        let Some(&b) = src.get(i) else {
            return Step::NeedMore;
        };
        if b == ESC {
            match src.get(i + 1) {
                None => return Step::NeedMore,
                Some(&ESC) => i += 2,
                // An unescaped 0x1a: a new frame starts here.
                Some(_) => return Step::Truncated(i),
            }
        } else {
            i += 1;
        }
        body[got] = b;
        got += 1;
    }
    let ts = body[..6]
        .iter()
        .fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    match RawFrame::new(&body[7..want]) {
        Some(mut f) => {
            f.timestamp_12mhz = Some(ts);
            f.signal = Some(body[6]);
            Step::Frame(f, i)
        }
        None => Step::Truncated(i),
    }
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Reads one AVR text line: `*<hex>;` or `@<12 hex digit 12 MHz time stamp><hex>;`
/// (surrounding whitespace ignored). The reply must be 2, 7 or 14 bytes.
///
/// ```
/// let f = cuenca_adsb::parse_avr("@0000A1B2C3D48D4840D6202CC371C32CE0576098;")?;
/// assert_eq!(f.timestamp_12mhz, Some(0xA1B2C3D4));
/// assert_eq!(f.to_hex(), "8d4840d6202cc371c32ce0576098");
/// # Ok::<(), cuenca_adsb::AdsbError>(())
/// ```
pub fn parse_avr(line: &str) -> Result<RawFrame, AdsbError> {
    let line = line.trim().as_bytes();
    let (timed, rest) = match line.split_first() {
        Some((b'*', rest)) => (false, rest),
        Some((b'@', rest)) => (true, rest),
        _ => return Err(AdsbError::AvrNoStart),
    };
    let Some((b';', hex)) = rest.split_last() else {
        return Err(AdsbError::AvrUnterminated);
    };
    if hex.len() % 2 != 0 {
        return Err(if hex.iter().all(|&c| hex_val(c).is_some()) {
            AdsbError::AvrBadLength
        } else {
            AdsbError::AvrBadHex
        });
    }
    let mut bytes = [0u8; 6 + 14];
    if hex.len() / 2 > bytes.len() {
        return Err(AdsbError::AvrBadLength);
    }
    for (i, pair) in hex.chunks_exact(2).enumerate() {
        match (hex_val(pair[0]), hex_val(pair[1])) {
            (Some(h), Some(l)) => bytes[i] = (h << 4) | l,
            _ => return Err(AdsbError::AvrBadHex),
        }
    }
    let n = hex.len() / 2;
    let (ts, data) = if timed {
        if n < 6 {
            return Err(AdsbError::AvrBadLength);
        }
        let ts = bytes[..6]
            .iter()
            .fold(0u64, |a, &b| (a << 8) | u64::from(b));
        (Some(ts), &bytes[6..n])
    } else {
        (None, &bytes[..n])
    };
    let mut f = RawFrame::new(data).ok_or(AdsbError::AvrBadLength)?;
    f.timestamp_12mhz = ts;
    Ok(f)
}

/// A line reader for AVR text that keeps [`Stats`].
///
/// ```
/// let mut r = cuenca_adsb::AvrReader::default();
/// assert!(r.feed_line("*5DAD57202809F9;").is_some());
/// assert!(r.feed_line("garbage").is_none());
/// assert_eq!(r.stats().errors("avr_no_start"), 1);
/// ```
#[derive(Debug, Default, Clone)]
pub struct AvrReader {
    stats: Stats,
}

impl AvrReader {
    /// Reads one line; blank lines are ignored, refusals counted.
    pub fn feed_line(&mut self, line: &str) -> Option<RawFrame> {
        if line.trim().is_empty() {
            return None;
        }
        match parse_avr(line) {
            Ok(f) => {
                self.stats.accepted += 1;
                Some(f)
            }
            Err(e) => {
                self.stats.record(e);
                None
            }
        }
    }

    /// What has been accepted and refused so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }
}

/// One SBS-1 / BaseStation `MSG` line (port 30003), fields as sent. Which fields
/// are present depends on the transmission type (1 identification, 2 surface
/// position, 3 airborne position, 4 velocity, 5 surveillance altitude, 6
/// surveillance identity, 7 air-to-air, 8 all-call).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SbsMessage {
    /// Transmission type 1-8.
    pub transmission_type: u8,
    pub session_id: Option<u32>,
    pub aircraft_id: Option<u32>,
    /// ICAO 24-bit address (field 5, hex).
    pub icao24: u32,
    pub flight_id: Option<u32>,
    /// Date and time generated, as sent (`2016/03/14`, `23:00:00.123`).
    pub date_generated: String,
    pub time_generated: String,
    /// Date and time logged, as sent.
    pub date_logged: String,
    pub time_logged: String,
    pub callsign: Option<String>,
    /// Feet (barometric).
    pub altitude_ft: Option<i32>,
    /// Knots.
    pub ground_speed_kt: Option<f64>,
    /// Degrees true.
    pub track_deg: Option<f64>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Feet per minute.
    pub vertical_rate_fpm: Option<i32>,
    /// Mode A code, octal digits read as decimal (7500 stays 7500).
    pub squawk: Option<u16>,
    pub alert: Option<bool>,
    pub emergency: Option<bool>,
    pub spi: Option<bool>,
    pub on_ground: Option<bool>,
}

fn opt<T: std::str::FromStr>(s: &str) -> Result<Option<T>, AdsbError> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse().map(Some).map_err(|_| AdsbError::SbsBadField)
}

fn opt_finite(s: &str) -> Result<Option<f64>, AdsbError> {
    match opt::<f64>(s)? {
        Some(v) if !v.is_finite() => Err(AdsbError::SbsBadField),
        v => Ok(v),
    }
}

fn flag(s: &str) -> Result<Option<bool>, AdsbError> {
    match s.trim() {
        "" => Ok(None),
        "0" => Ok(Some(false)),
        "-1" | "1" => Ok(Some(true)),
        _ => Err(AdsbError::SbsBadField),
    }
}

/// Reads one SBS-1 (BaseStation, port 30003) `MSG` line.
///
/// ```
/// let m = cuenca_adsb::parse_sbs(
///     "MSG,3,1,1,4CA2D6,1,2016/03/14,23:00:00.123,2016/03/14,23:00:00.130,,35975,,,51.14566,7.24430,,,0,0,0,0",
/// )?;
/// assert_eq!(m.transmission_type, 3);
/// assert_eq!(m.icao24, 0x4CA2D6);
/// assert_eq!(m.altitude_ft, Some(35975));
/// assert_eq!(m.on_ground, Some(false));
/// # Ok::<(), cuenca_adsb::AdsbError>(())
/// ```
pub fn parse_sbs(line: &str) -> Result<SbsMessage, AdsbError> {
    let line = line.trim_end_matches(['\r', '\n']);
    let f: Vec<&str> = line.split(',').collect();
    if f.first().map(|s| s.trim()) != Some("MSG") {
        return Err(AdsbError::SbsNotMsg);
    }
    if f.len() < 22 {
        return Err(AdsbError::SbsFieldCount);
    }
    let transmission_type = match opt::<u8>(f[1])? {
        Some(t @ 1..=8) => t,
        _ => return Err(AdsbError::SbsBadField),
    };
    let icao24 = u32::from_str_radix(f[4].trim(), 16).map_err(|_| AdsbError::SbsBadField)?;
    if icao24 > 0xFF_FFFF {
        return Err(AdsbError::SbsBadField);
    }
    let squawk = match opt::<u16>(f[17])? {
        Some(s) if s > 7777 || s.to_string().bytes().any(|b| b > b'7') => {
            return Err(AdsbError::SbsBadField)
        }
        s => s,
    };
    let lat = opt_finite(f[14])?;
    let lon = opt_finite(f[15])?;
    if lat.is_some_and(|v| v.abs() > 90.0) || lon.is_some_and(|v| v.abs() > 180.0) {
        return Err(AdsbError::SbsBadField);
    }
    let callsign = Some(f[10].trim().to_string()).filter(|s| !s.is_empty());
    Ok(SbsMessage {
        transmission_type,
        session_id: opt(f[2])?,
        aircraft_id: opt(f[3])?,
        icao24,
        flight_id: opt(f[5])?,
        date_generated: f[6].trim().to_string(),
        time_generated: f[7].trim().to_string(),
        date_logged: f[8].trim().to_string(),
        time_logged: f[9].trim().to_string(),
        callsign,
        altitude_ft: opt(f[11])?,
        ground_speed_kt: opt_finite(f[12])?,
        track_deg: opt_finite(f[13])?,
        lat,
        lon,
        vertical_rate_fpm: opt(f[16])?,
        squawk,
        alert: flag(f[18])?,
        emergency: flag(f[19])?,
        spi: flag(f[20])?,
        on_ground: flag(f[21])?,
    })
}

/// A line reader for SBS-1 that keeps [`Stats`].
///
/// ```
/// let mut r = cuenca_adsb::SbsReader::default();
/// assert!(r.feed_line("MSG,6,1,1,4CA2D6,1,,,,,,,,,,,,7500,0,1,0,0").is_some());
/// assert!(r.feed_line("CLK,1,1,,,,").is_none());
/// assert_eq!(r.stats().errors("sbs_not_msg"), 1);
/// ```
#[derive(Debug, Default, Clone)]
pub struct SbsReader {
    stats: Stats,
}

impl SbsReader {
    /// Reads one line; blank lines are ignored, refusals counted.
    pub fn feed_line(&mut self, line: &str) -> Option<SbsMessage> {
        if line.trim().is_empty() {
            return None;
        }
        match parse_sbs(line) {
            Ok(m) => {
                self.stats.accepted += 1;
                Some(m)
            }
            Err(e) => {
                self.stats.record(e);
                None
            }
        }
    }

    /// What has been accepted and refused so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }
}
