//! Recorded feeds read into time-ordered measurements, with their own timestamps,
//! for `cuenca replay`.
//!
//! Formats, recognised from the first line:
//!
//! * NMEA 0183 AIS with NMEA 4.0 tag blocks (`\c:…*hh\!AIVDM…`) or `$PGHP` time
//!   lines: the AIS decoder, times from the stream;
//! * Beast CSV, `<unix seconds>,<hex of one Beast frame>`: the Beast framer and the
//!   Mode S decoder, times from the first column;
//! * AVR (`*hex;` or `@<12 MHz ticks>hex;`): the Mode S decoder; times from the
//!   ticks after `start`, or 1 ms apart without them;
//! * Tracktable trajectories (`*T*,<uuid>,terrestrial,<n>,…` then n ×
//!   `mmsi,YYYY-MM-DD HH:MM:SS,lon,lat`);
//! * MarineCadastre AIS CSV (`BaseDateTime,LON,LAT,MMSI,SOG,COG,…`).
//!
//! Every line that cannot be used is counted by reason, never dropped silently.

use cuenca_model::{
    GeoPoint, Identity, Measurement, MeasurementBatch, MeasurementKind, PositionCov, SensorContext,
    Timestamp, Velocity,
};
use std::collections::BTreeMap;
use std::path::Path;

const KNOT_MPS: f64 = 1852.0 / 3600.0;

/// A recording format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Nmea,
    BeastCsv,
    Avr,
    Tracktable,
    MarineCadastre,
}

impl Format {
    /// The kind of sensor such a recording comes from.
    pub fn kind(self) -> MeasurementKind {
        match self {
            Format::BeastCsv | Format::Avr => MeasurementKind::AdsbReport,
            _ => MeasurementKind::AisReport,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Nmea => "nmea",
            Format::BeastCsv => "beast_csv",
            Format::Avr => "avr",
            Format::Tracktable => "tracktable",
            Format::MarineCadastre => "marinecadastre",
        }
    }

    /// Recognises the format from the first non-blank line.
    ///
    /// ```
    /// use cuenca_sim::replay::Format;
    /// assert_eq!(Format::detect("$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B"), Some(Format::Nmea));
    /// assert_eq!(Format::detect("1698140962.119813,1a32000023b1dda011210000bd6b441a"), Some(Format::BeastCsv));
    /// assert_eq!(Format::detect("BaseDateTime,LON,LAT,MMSI,SOG,COG"), Some(Format::MarineCadastre));
    /// assert_eq!(Format::detect("hello"), None);
    /// ```
    pub fn detect(first_line: &str) -> Option<Format> {
        let l = first_line.trim();
        if l.starts_with("*T*") {
            Some(Format::Tracktable)
        } else if l.starts_with("BaseDateTime,") {
            Some(Format::MarineCadastre)
        } else if l.starts_with(['!', '$', '\\']) {
            Some(Format::Nmea)
        } else if l.starts_with(['*', '@']) && l.ends_with(';') {
            Some(Format::Avr)
        } else if let Some((t, hex)) = l.split_once(',') {
            let ok = t.parse::<f64>().is_ok()
                && !hex.is_empty()
                && hex.bytes().all(|b| b.is_ascii_hexdigit());
            ok.then_some(Format::BeastCsv)
        } else {
            None
        }
    }
}

/// Why a recording cannot be read at all (bad lines inside one are only counted).
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    #[error("cannot read {file}: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error(
        "{file}: compressed recordings are not read directly; decompress it first (gunzip -k)"
    )]
    Compressed { file: String },
    #[error("{file}: unknown format (expected NMEA, Beast CSV, AVR, Tracktable or MarineCadastre CSV), first line {first:?}")]
    UnknownFormat { file: String, first: String },
}

/// A recording's measurements in time order.
#[derive(Debug, Clone)]
pub struct Recording {
    pub format: Format,
    pub measurements: Vec<Measurement>,
    /// Lines read.
    pub lines: u64,
    /// Lines or messages that gave nothing usable, by reason.
    pub refused: BTreeMap<&'static str, u64>,
}

impl Recording {
    /// Reads a recording file; `ctx` is the sensor it is replayed as, `start` places
    /// AVR frames that carry no absolute time.
    pub fn load(
        path: &Path,
        ctx: &SensorContext,
        start: Timestamp,
    ) -> Result<Recording, ReplayError> {
        let file = path.display().to_string();
        let data = std::fs::read(path).map_err(|source| ReplayError::Read {
            file: file.clone(),
            source,
        })?;
        if data.starts_with(&[0x1f, 0x8b]) {
            return Err(ReplayError::Compressed { file });
        }
        let text = String::from_utf8_lossy(&data);
        Recording::parse(&text, ctx, start)
            .map_err(|first| ReplayError::UnknownFormat { file, first })
    }

    /// Reads a recording from text; the error is the first line when the format is
    /// not recognised.
    ///
    /// ```
    /// use cuenca_model::*;
    /// use cuenca_sim::replay::{Format, Recording};
    /// let ctx = SensorContext { sensor: SensorId::new("dnk-ais")?, nation: NationId::new("USA")?,
    ///                           release: ReleaseTo::AllMembers };
    /// let text = "$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B\n\
    ///             !AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n\
    ///             garbage\n";
    /// let r = Recording::parse(text, &ctx, Timestamp::from_micros(0)).unwrap();
    /// assert_eq!(r.format, Format::Nmea);
    /// assert_eq!(r.measurements.len(), 1);
    /// assert_eq!(r.measurements[0].time.to_string(), "2010-06-11T11:46:11.390000Z");
    /// assert_eq!(r.refused.values().sum::<u64>(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn parse(text: &str, ctx: &SensorContext, start: Timestamp) -> Result<Recording, String> {
        let first = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
        let Some(format) = Format::detect(first) else {
            return Err(first.chars().take(80).collect());
        };
        let mut r = Recording {
            format,
            measurements: Vec::new(),
            lines: 0,
            refused: BTreeMap::new(),
        };
        match format {
            Format::Nmea => r.nmea(text, ctx),
            Format::BeastCsv => r.beast_csv(text, ctx),
            Format::Avr => r.avr(text, ctx, start),
            Format::Tracktable => r.tracktable(text, ctx),
            Format::MarineCadastre => r.marinecadastre(text, ctx),
        }
        // Stable: reports with the same time keep their recorded order.
        r.measurements.sort_by_key(|m| m.time);
        Ok(r)
    }

    fn refuse(&mut self, reason: &'static str) {
        *self.refused.entry(reason).or_default() += 1;
    }

    fn nmea(&mut self, text: &str, ctx: &SensorContext) {
        let mut dec = cuenca_ais::Decoder::new();
        for line in text.lines() {
            if line.trim().is_empty() {
                continue;
            }
            self.lines += 1;
            match dec.feed_line(line) {
                Ok(Some(d)) => {
                    let Some(time) = d.meta.time else {
                        self.refuse("no_time");
                        continue;
                    };
                    match cuenca_ais::to_measurement(&d, ctx, time) {
                        Ok(Some(m)) => self.measurements.push(m),
                        Ok(None) => {} // static and other messages carry no position
                        Err(e) => self.refuse(e.reason()),
                    }
                }
                Ok(None) => {}
                Err(e) => self.refuse(e.reason()),
            }
        }
    }

    fn adsb_frame(
        &mut self,
        dec: &mut cuenca_adsb::Decoder,
        f: &cuenca_adsb::RawFrame,
        t: f64,
        ctx: &SensorContext,
    ) {
        match dec.decode_frame(f, t) {
            Ok(d) => match cuenca_adsb::to_measurement(
                &d,
                dec.aircraft(d.icao24),
                ctx,
                Timestamp::from_secs_f64(t),
            ) {
                Ok(Some(m)) => self.measurements.push(m),
                Ok(None) => {}
                Err(e) => self.refuse(e.reason()),
            },
            Err(e) => self.refuse(e.reason()),
        }
    }

    fn beast_csv(&mut self, text: &str, ctx: &SensorContext) {
        let mut dec = cuenca_adsb::Decoder::new();
        let mut reader = cuenca_adsb::BeastReader::new();
        let mut frames = Vec::new();
        for line in text.lines() {
            if line.trim().is_empty() {
                continue;
            }
            self.lines += 1;
            let Some((t, hex)) = line.trim().split_once(',') else {
                self.refuse("bad_line");
                continue;
            };
            let (Ok(t), Some(bytes)) = (t.parse::<f64>(), unhex(hex)) else {
                self.refuse("bad_line");
                continue;
            };
            if !t.is_finite() {
                self.refuse("bad_time");
                continue;
            }
            frames.clear();
            reader.feed_into(&bytes, &mut frames);
            if frames.is_empty() {
                self.refuse("no_frame");
            }
            for f in std::mem::take(&mut frames) {
                self.adsb_frame(&mut dec, &f, t, ctx);
            }
        }
        for (r, n) in reader.stats().nonzero() {
            *self.refused.entry(r).or_default() += n;
        }
    }

    fn avr(&mut self, text: &str, ctx: &SensorContext, start: Timestamp) {
        let mut dec = cuenca_adsb::Decoder::new();
        let mut avr = cuenca_adsb::AvrReader::default();
        let mut first_tick = None;
        let mut n = 0u64;
        for line in text.lines() {
            if line.trim().is_empty() {
                continue;
            }
            self.lines += 1;
            let Some(f) = avr.feed_line(line) else {
                continue; // counted in the reader's stats
            };
            n += 1;
            let offset = match f.timestamp_12mhz {
                Some(tick) => {
                    let t0 = *first_tick.get_or_insert(tick);
                    tick.saturating_sub(t0) as f64 / 12e6
                }
                None => n as f64 * 1e-3,
            };
            self.adsb_frame(&mut dec, &f, start.as_secs_f64() + offset, ctx);
        }
        for (r, n) in avr.stats().nonzero() {
            *self.refused.entry(r).or_default() += n;
        }
    }

    fn tracktable(&mut self, text: &str, ctx: &SensorContext) {
        for line in text.lines() {
            if line.trim().is_empty() {
                continue;
            }
            self.lines += 1;
            let f: Vec<&str> = line.trim().split(',').collect();
            if f.first() != Some(&"*T*") || f.len() < 11 {
                self.refuse("bad_line");
                continue;
            }
            let Ok(n) = f[3].trim().parse::<usize>() else {
                self.refuse("bad_line");
                continue;
            };
            let points = &f[11..];
            if points.len() < n * 4 {
                self.refuse("short_trajectory");
            }
            for p in points.chunks_exact(4).take(n) {
                let (Ok(mmsi), Some(time), Ok(lon), Ok(lat)) = (
                    p[0].trim().parse::<u32>(),
                    parse_time(p[1]),
                    p[2].trim().parse::<f64>(),
                    p[3].trim().parse::<f64>(),
                ) else {
                    self.refuse("bad_point");
                    continue;
                };
                let m = ais_measurement(ctx, time, lat, lon, mmsi, None, None);
                match m.validate() {
                    Ok(()) => self.measurements.push(m),
                    Err(e) => self.refuse(e.reason()),
                }
            }
        }
    }

    fn marinecadastre(&mut self, text: &str, ctx: &SensorContext) {
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap_or("").split(',').collect();
        let col = |name: &str| header.iter().position(|h| h.trim() == name);
        let (Some(ct), Some(clon), Some(clat), Some(cmmsi)) =
            (col("BaseDateTime"), col("LON"), col("LAT"), col("MMSI"))
        else {
            self.refuse("bad_header");
            return;
        };
        let (csog, ccog, cname) = (col("SOG"), col("COG"), col("VesselName"));
        for line in lines {
            if line.trim().is_empty() {
                continue;
            }
            self.lines += 1;
            // Names never hold commas in these files; a quoted field would show as a bad row.
            let f: Vec<&str> = line.split(',').collect();
            let get = |i: usize| f.get(i).map(|s| s.trim()).unwrap_or("");
            let (Some(time), Ok(lon), Ok(lat), Ok(mmsi)) = (
                parse_time(get(ct)),
                get(clon).parse::<f64>(),
                get(clat).parse::<f64>(),
                get(cmmsi).parse::<u32>(),
            ) else {
                self.refuse("bad_row");
                continue;
            };
            let num = |c: Option<usize>| c.and_then(|i| get(i).parse::<f64>().ok());
            // SOG 102.3 and COG 360 mean "not available"; COG is signed in these files.
            let velocity = match (num(csog), num(ccog)) {
                (Some(s), Some(c)) if (0.0..102.2).contains(&s) && c.abs() < 360.0 => Some(
                    Velocity::from_speed_course(s * KNOT_MPS, c.rem_euclid(360.0)),
                ),
                _ => None,
            };
            let name = cname.map(get).filter(|s| !s.is_empty()).map(str::to_string);
            let m = ais_measurement(ctx, time, lat, lon, mmsi, velocity, name);
            match m.validate() {
                Ok(()) => self.measurements.push(m),
                Err(e) => self.refuse(e.reason()),
            }
        }
    }

    /// Time of the first and last measurement.
    pub fn span(&self) -> Option<(Timestamp, Timestamp)> {
        Some((
            self.measurements.first()?.time,
            self.measurements.last()?.time,
        ))
    }

    /// Moves every time by `secs` (to replay an old recording as if it were live).
    pub fn shift(&mut self, secs: f64) {
        for m in &mut self.measurements {
            m.time = m.time + secs;
        }
    }

    /// Cuts the measurements into batches of consecutive reports no more than
    /// `window_s` apart from the first and at most `max` long, numbered from 1, as an
    /// adapter would publish them. Returns index ranges into `measurements`.
    pub fn batch_ranges(&self, window_s: f64, max: usize) -> Vec<std::ops::Range<usize>> {
        let mut out = Vec::new();
        let mut begin = 0;
        for (i, m) in self.measurements.iter().enumerate() {
            let first = self.measurements[begin].time;
            if i > begin && (i - begin >= max.max(1) || m.time.secs_since(first) > window_s) {
                out.push(begin..i);
                begin = i;
            }
        }
        if begin < self.measurements.len() {
            out.push(begin..self.measurements.len());
        }
        out
    }

    /// One batch of the measurements in `range`.
    pub fn batch(
        &self,
        ctx: &SensorContext,
        seq: u64,
        range: std::ops::Range<usize>,
    ) -> MeasurementBatch {
        let mut b = MeasurementBatch::new(ctx.nation, ctx.sensor.clone(), seq);
        b.measurements.extend_from_slice(&self.measurements[range]);
        b
    }
}

fn ais_measurement(
    ctx: &SensorContext,
    time: Timestamp,
    lat: f64,
    lon: f64,
    mmsi: u32,
    velocity: Option<Velocity>,
    name: Option<String>,
) -> Measurement {
    Measurement {
        sensor: ctx.sensor.clone(),
        nation: ctx.nation,
        time,
        kind: MeasurementKind::AisReport,
        position: GeoPoint::new(lat, lon),
        accuracy: PositionCov::circular(cuenca_ais::SIGMA_DEFAULT_M),
        velocity,
        polar: None,
        identity: Identity {
            mmsi: Some(mmsi),
            name,
            ..Identity::default()
        },
        release: ctx.release.clone(),
    }
}

/// `YYYY-MM-DD HH:MM:SS` or `YYYY-MM-DDTHH:MM:SS`, UTC.
fn parse_time(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    if s.len() < 19 {
        return None;
    }
    let mut t = s.replacen(' ', "T", 1);
    if !t.ends_with('Z') {
        t.push('Z');
    }
    t.parse().ok()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    let s = s.trim().as_bytes();
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.chunks_exact(2)
        .map(|p| {
            let h = (p[0] as char).to_digit(16)?;
            let l = (p[1] as char).to_digit(16)?;
            Some((h * 16 + l) as u8)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use cuenca_model::{NationId, ReleaseTo, SensorId};

    fn ctx() -> SensorContext {
        SensorContext {
            sensor: SensorId::new("usa-ais").unwrap(),
            nation: NationId::new("USA").unwrap(),
            release: ReleaseTo::AllMembers,
        }
    }

    #[test]
    fn tracktable_points_are_sorted_and_bad_ones_counted() {
        let text = "*T*,a,terrestrial,2,0,*P*,terrestrial,2,1,1,0,1,2020-06-30 02:09:26,-80.1,25.1,1,2020-06-30 02:07:55,-80.2,25.2\n\
                    *T*,b,terrestrial,2,0,*P*,terrestrial,2,1,1,0,2,2020-06-30 02:08:00,-80.3,25.3,2,not a time,-80,25\n";
        let r = Recording::parse(text, &ctx(), Timestamp(0)).unwrap();
        assert_eq!(r.format, Format::Tracktable);
        assert_eq!(r.measurements.len(), 3);
        assert_eq!(r.measurements[0].identity.mmsi, Some(1));
        assert_eq!(r.measurements[1].identity.mmsi, Some(2));
        assert_eq!(r.refused["bad_point"], 1);
    }

    #[test]
    fn marinecadastre_rows_carry_velocity_and_name() {
        let text = "BaseDateTime,LON,LAT,MMSI,SOG,COG,Heading,VesselName\n\
                    2020-06-30T00:00:00,-74.07157,40.64409,367000140,10.0,-90.0,246.0,SAMUEL I NEWHOUSE\n\
                    2020-06-30T00:00:01,-74.07157,400.0,367000140,0.0,0.0,246.0,X\n";
        let r = Recording::parse(text, &ctx(), Timestamp(0)).unwrap();
        assert_eq!(r.measurements.len(), 1);
        let v = r.measurements[0].velocity.unwrap();
        assert!((v.east_mps + 10.0 * KNOT_MPS).abs() < 1e-9);
        assert_eq!(
            r.measurements[0].identity.name.as_deref(),
            Some("SAMUEL I NEWHOUSE")
        );
        assert_eq!(r.refused.values().sum::<u64>(), 1);
    }

    #[test]
    fn beast_csv_and_batches() {
        let text = "1698140962.0,1a33000000000001558d40621d58c382d690c8ac2863a7\n\
                    1698140963.0,1a33000000000002558d40621d58c386435cc412692ad6\n\
                    1698140964.0,zz\n";
        let r = Recording::parse(text, &ctx(), Timestamp(0)).unwrap();
        assert_eq!(r.format, Format::BeastCsv);
        assert_eq!(r.measurements.len(), 1);
        assert_eq!(
            r.measurements[0].time,
            Timestamp::from_secs_f64(1698140963.0)
        );
        assert_eq!(r.refused["bad_line"], 1);
        assert_eq!(r.batch_ranges(1.0, 500), vec![0..1]);
    }

    #[test]
    fn unknown_formats_are_refused_with_their_first_line() {
        assert_eq!(
            Recording::parse("\nhello world\n", &ctx(), Timestamp(0)).unwrap_err(),
            "hello world"
        );
    }
}
