//! `cuenca radar decode`: ASTERIX CAT048/CAT034 or JSON plots in, JSON lines out;
//! `cuenca radar run`: the same feeds in, plots out on zenoh.

use anyhow::Result;
use clap::Args;
use cuenca_adapter::{Framing, Unit};
use cuenca_model::{GeoPoint, Measurement, MeasurementKind, SensorContext, Timestamp};
use cuenca_radar::{
    to_json, BlockStream, Cat034, Cat048, Decoder, Plot, PlotReader, PlotTime, Record,
};
use serde_json::json;
use std::collections::{BTreeMap, HashMap};
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

/// The feed formats of `cuenca radar run`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// The plain JSON plot format, one plot per line.
    Json,
    /// ASTERIX data blocks (CAT048 target reports, CAT034 service messages): one or
    /// more whole blocks per UDP datagram, or a stream of blocks over TCP or in a file.
    Asterix,
}

#[derive(Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub adapter: crate::adapter::AdapterArgs,
    /// Feed format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// ASTERIX only: publish only target reports of this radar's SAC/SIC (as
    /// `25/201`); reports of other radars on a shared feed are counted and dropped.
    #[arg(long, value_parser = parse_sac_sic)]
    pub sac_sic: Option<(u8, u8)>,
}

fn parse_sac_sic(s: &str) -> Result<(u8, u8), String> {
    let (a, b) = s
        .split_once('/')
        .ok_or_else(|| format!("{s:?} is not SAC/SIC, such as 25/201"))?;
    let n = |v: &str| {
        v.trim()
            .parse::<u8>()
            .map_err(|_| format!("{v:?} is not a number 0-255"))
    };
    Ok((n(a)?, n(b)?))
}

/// Runs a radar adapter: JSON plot lines or ASTERIX in, plots out on zenoh; the
/// site and accuracies come from the sensor's configuration.
pub fn run(a: RunArgs) -> Result<()> {
    let (format, sac_sic) = (a.format, a.sac_sic);
    if sac_sic.is_some() && format != Format::Asterix {
        anyhow::bail!("--sac-sic applies to --format asterix only");
    }
    let framing = match format {
        Format::Json => Framing::Lines,
        Format::Asterix => Framing::Bytes,
    };
    crate::adapter::run_framed(a.adapter, MeasurementKind::RadarPlot, framing, |s, ctx| {
        let (Some(sr), Some(sa)) = (s.sigma_range_m, s.sigma_azimuth_deg) else {
            anyhow::bail!("radar {} lacks sigma_range_m or sigma_azimuth_deg", s.id);
        };
        let radar = Radar {
            site: s.site.into(),
            sigma_range_m: sr,
            sigma_azimuth_deg: sa,
            ctx,
            refused: 0,
        };
        let mut feed = match format {
            Format::Json => Feed::Json(radar, PlotReader::new()),
            Format::Asterix => Feed::Asterix(Box::new(AsterixFeed::new(radar, sac_sic))),
        };
        Ok(move |unit: Unit<'_>, out: &mut Vec<Measurement>| feed.unit(unit, out))
    })
}

/// What every radar feed shares: where the radar is, how good it is, who owns it.
struct Radar {
    site: GeoPoint,
    sigma_range_m: f64,
    sigma_azimuth_deg: f64,
    ctx: SensorContext,
    refused: u64,
}

impl Radar {
    fn plot(&mut self, plot: &Plot, date: Timestamp, raw: &[u8], out: &mut Vec<Measurement>) {
        match cuenca_radar::to_measurement(
            plot,
            self.site,
            self.sigma_range_m,
            self.sigma_azimuth_deg,
            &self.ctx,
            date,
        ) {
            Ok(m) => out.push(m),
            Err(e) => self.refuse(e.reason(), raw),
        }
    }

    fn refuse(&mut self, reason: &str, raw: &[u8]) {
        self.refused += 1;
        crate::adapter::sample_refusal(self.refused, reason, raw);
    }
}

enum Feed {
    Json(Radar, PlotReader),
    Asterix(Box<AsterixFeed>),
}

impl Feed {
    fn unit(&mut self, unit: Unit<'_>, out: &mut Vec<Measurement>) {
        match self {
            Feed::Json(radar, reader) => {
                let (Unit::Line(line) | Unit::Datagram(line) | Unit::Chunk { bytes: line, .. }) =
                    unit
                else {
                    return;
                };
                let text = String::from_utf8_lossy(line);
                match reader.feed_line(&text) {
                    // Plots for another sensor on this feed are not ours to publish.
                    Ok(Some(p)) if p.sensor != radar.ctx.sensor => {
                        radar.refuse("other_sensor", line)
                    }
                    Ok(Some(p)) => radar.plot(&p.plot, Timestamp::now(), line, out),
                    Ok(None) => {}
                    Err(e) => radar.refuse(e.reason(), line),
                }
            }
            Feed::Asterix(feed) => feed.unit(unit, out),
        }
    }
}

/// ASTERIX in: datagrams decoded whole, streams cut into blocks per connection.
struct AsterixFeed {
    radar: Radar,
    sac_sic: Option<(u8, u8)>,
    decoder: Decoder,
    streams: HashMap<u64, BlockStream>,
    records: Vec<Record>,
    /// CAT048 reports by what became of them that is not a plot.
    dropped: BTreeMap<&'static str, u64>,
    plots: u64,
    status: RadarStatus,
    /// SAC/SIC of the first target report, to notice a feed shared by several radars.
    first_source: Option<(u8, u8)>,
    warned_shared: bool,
}

impl AsterixFeed {
    fn new(radar: Radar, sac_sic: Option<(u8, u8)>) -> Self {
        AsterixFeed {
            status: RadarStatus::new(radar.site),
            radar,
            sac_sic,
            decoder: Decoder::new(),
            streams: HashMap::new(),
            records: Vec::new(),
            dropped: BTreeMap::new(),
            plots: 0,
            first_source: None,
            warned_shared: false,
        }
    }

    fn unit(&mut self, unit: Unit<'_>, out: &mut Vec<Measurement>) {
        let before = self.decoder.stats().clone();
        let raw = match unit {
            // A datagram holds whole blocks: a bad one costs only that datagram.
            Unit::Datagram(d) | Unit::Line(d) => {
                let _ = self.decoder.decode_into(d, &mut self.records);
                d
            }
            Unit::Chunk { stream, bytes } => {
                let s = self.streams.entry(stream).or_default();
                let _ = s.feed(bytes, &mut self.decoder, &mut self.records);
                bytes
            }
            Unit::End { stream } => {
                if self
                    .streams
                    .remove(&stream)
                    .is_some_and(|s| s.pending() > 0)
                {
                    self.radar.refuse("truncated", b"");
                }
                &[]
            }
        };
        // Every block refused by the decoder is counted there; sample it in the log.
        let after = self.decoder.stats();
        for ((reason, n), (_, m)) in after.by_reason().zip(before.by_reason()) {
            for _ in m..n {
                self.radar.refuse(reason, raw);
            }
        }
        let now = Timestamp::now();
        for r in std::mem::take(&mut self.records) {
            match r.category() {
                48 => self.target_report(&r, now, out),
                34 => self.status.service_message(&Cat034::from_record(&r)),
                _ => {}
            }
        }
    }

    fn target_report(&mut self, r: &Record, now: Timestamp, out: &mut Vec<Measurement>) {
        let report = Cat048::from_record(r);
        let why = match (self.sac_sic, report.sac_sic) {
            (Some(want), Some(got)) if want != got => Some("other_radar"),
            (Some(_), None) => Some("no_source"),
            _ => None,
        };
        let why = why.or_else(|| {
            if report.simulated == Some(true) {
                Some("simulated")
            } else if report.detection_type == Some(0) {
                // TYP 0: no detection (a track-only or coasted report), nothing measured.
                Some("no_detection")
            } else {
                None
            }
        });
        if let Some(why) = why {
            *self.dropped.entry(why).or_default() += 1;
            return;
        }
        if self.sac_sic.is_none() && !self.warned_shared {
            match (self.first_source, report.sac_sic) {
                (None, s) => self.first_source = s,
                (Some(a), Some(b)) if a != b => {
                    self.warned_shared = true;
                    tracing::warn!(
                        first = ?a,
                        other = ?b,
                        "the feed carries several radars' reports; pass --sac-sic to keep one"
                    );
                }
                _ => {}
            }
        }
        let Some(plot) = Plot::from_cat048(&report) else {
            // No time of day (I140) or no measured position (I040).
            self.radar.refuse("no_position", r.bytes());
            return;
        };
        let date = match plot.time {
            PlotTime::TimeOfDay(s) => cuenca_radar::day_of(s, now),
            PlotTime::At(t) => t,
        };
        let n = out.len();
        self.radar.plot(&plot, date, r.bytes(), out);
        self.plots += (out.len() - n) as u64;
    }
}

impl Drop for AsterixFeed {
    /// The run's summary.
    fn drop(&mut self) {
        let s = self.decoder.stats();
        let refused: Vec<String> = s
            .by_reason()
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| format!("{r}={n}"))
            .collect();
        let dropped: Vec<String> = self
            .dropped
            .iter()
            .map(|(r, n)| format!("{r}={n}"))
            .collect();
        tracing::info!(
            blocks = s.blocks,
            records = s.records,
            plots = self.plots,
            north_markers = self.status.by_type[1],
            sector_crossings = self.status.by_type[2],
            refused_blocks = %refused.join(","),
            dropped_reports = %dropped.join(","),
            "ASTERIX feed summary"
        );
    }
}

/// CAT034 service messages: counted by type, and logged when they say something
/// an operator should know (a radar seen for the first time, a new rotation
/// period, jamming, a site far from the configured one).
struct RadarStatus {
    configured_site: GeoPoint,
    /// Messages by I000 type (index 0: no or unknown type).
    by_type: [u64; 8],
    /// Rotation period last logged, per SAC/SIC.
    rotation: HashMap<(u8, u8), f64>,
    site_warned: bool,
}

impl RadarStatus {
    fn new(configured_site: GeoPoint) -> Self {
        RadarStatus {
            configured_site,
            by_type: [0; 8],
            rotation: HashMap::new(),
            site_warned: false,
        }
    }

    fn service_message(&mut self, m: &Cat034) {
        let ty = m.message_type.filter(|t| *t < 8).unwrap_or(0);
        self.by_type[usize::from(ty)] += 1;
        let source = m.sac_sic.unwrap_or_default();
        if let Some(period) = m.rotation_period_s {
            let last = self.rotation.insert(source, period);
            if last.is_none_or(|l| (l - period).abs() > 0.05 * l.max(0.1)) {
                tracing::info!(sac_sic = ?source, rotation_period_s = period, "radar status");
            }
        }
        if (4..=7).contains(&ty) {
            let n = self.by_type[usize::from(ty)];
            if n.is_power_of_two() {
                let what = match ty {
                    4 => "jamming strobe",
                    5 => "solar storm",
                    6 => "SSR jamming strobe",
                    _ => "Mode S jamming strobe",
                };
                tracing::warn!(sac_sic = ?source, count = n, "radar reports {what}");
            }
        }
        if let Some((_, lat, lon)) = m.site {
            let (dlat, dlon) = (
                lat - self.configured_site.lat,
                lon - self.configured_site.lon,
            );
            // About 1 km: a radar that is not where the configuration puts it
            // places every plot wrong.
            let off = dlat.abs() > 0.01 || dlon.abs() * lat.to_radians().cos() > 0.01;
            if off && !self.site_warned {
                self.site_warned = true;
                tracing::warn!(
                    sac_sic = ?source,
                    reported_lat = lat,
                    reported_lon = lon,
                    configured_lat = self.configured_site.lat,
                    configured_lon = self.configured_site.lon,
                    "the radar reports a site away from its configured one; plots use the configured site"
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use cuenca_model::{NationId, ReleaseTo, SensorId};

    fn feed(sac_sic: Option<(u8, u8)>) -> AsterixFeed {
        let radar = Radar {
            site: GeoPoint::new(21.16, -86.80),
            sigma_range_m: 25.0,
            sigma_azimuth_deg: 0.1,
            ctx: SensorContext {
                sensor: SensorId::new("mex-radar-cancun").expect("id"),
                nation: NationId::new("MEX").expect("nation"),
                release: ReleaseTo::AllMembers,
            },
            refused: 0,
        };
        AsterixFeed::new(radar, sac_sic)
    }

    /// CAT048: I010 (25/`sic`), I140 (ToD 3600 s), I020 (`typ`), I040 (100 NM, 90°).
    fn report(sic: u8, typ: u8) -> Vec<u8> {
        vec![
            48,
            0,
            14,
            0xF0,
            25,
            sic,
            0x07,
            0x08,
            0x00,
            typ << 5,
            0x64,
            0,
            0x40,
            0,
        ]
    }

    #[test]
    fn datagrams_and_streams_of_blocks() {
        let mut f = feed(Some((25, 10)));
        let mut out = Vec::new();
        let mut datagram = report(10, 1);
        datagram.extend(report(11, 1)); // another radar
        datagram.extend(report(10, 0)); // no detection
        datagram.extend([34, 0, 7, 0xC0, 25, 10, 1, 0, 0]); // north marker, then junk
        f.unit(Unit::Datagram(&datagram), &mut out);
        assert_eq!(out.len(), 1);
        assert!(
            (out[0].position.lon + 85.02).abs() < 0.05,
            "{:?}",
            out[0].position
        );
        assert_eq!(f.dropped.get("other_radar"), Some(&1));
        assert_eq!(f.dropped.get("no_detection"), Some(&1));
        assert_eq!(f.status.by_type[1], 1);
        // The two trailing bytes are too short to be a block: counted.
        assert_eq!(f.radar.refused, 1);
        // A stream cut anywhere; a block left half-sent at its end is counted.
        let mut stream = report(10, 2);
        stream.extend(report(10, 2));
        stream.extend(&report(10, 2)[..5]);
        for c in stream.chunks(3) {
            f.unit(
                Unit::Chunk {
                    stream: 7,
                    bytes: c,
                },
                &mut out,
            );
        }
        f.unit(Unit::End { stream: 7 }, &mut out);
        assert_eq!(out.len(), 3);
        assert_eq!(f.radar.refused, 2);
        assert_eq!(f.plots, 3);
    }

    #[test]
    fn sac_sic_arguments() {
        assert_eq!(parse_sac_sic("25/201"), Ok((25, 201)));
        for bad in ["25", "25/", "256/1", "a/b", ""] {
            assert!(parse_sac_sic(bad).is_err(), "{bad}");
        }
    }
}
