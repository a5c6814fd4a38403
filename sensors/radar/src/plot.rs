//! What fusion needs from a radar detection, whatever the feed: [`Plot`]. And the
//! plain JSON plot format for partners without ASTERIX.

use crate::{Cat048, PlotError};
use cuenca_model::{Identity, SensorId, Timestamp};
use serde_json::Value;

/// When a plot was seen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PlotTime {
    /// Seconds since UTC midnight (ASTERIX); the day comes from the caller.
    TimeOfDay(f64),
    /// A full UTC time (the JSON plot format).
    At(Timestamp),
}

/// One radar detection: slant range and azimuth from the site, and whatever the
/// transponder said.
#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    pub time: PlotTime,
    /// Slant range, metres.
    pub range_m: f64,
    /// Degrees clockwise from the site's north.
    pub azimuth_deg: f64,
    /// Target altitude, metres, when known (pressure altitude for Mode C).
    pub altitude_m: Option<f64>,
    /// Mode-3/A, ICAO address and identification, when reported.
    pub identity: Identity,
}

impl Plot {
    /// The plot of a CAT048 target report: `None` without a time of day (I140) or
    /// a measured position (I040). The flight level becomes `altitude_m` unless it
    /// is flagged not validated or garbled (it is pressure altitude, FL × 100 ft);
    /// Mode-3/A (same condition), the aircraft address and the identification
    /// become the identity.
    ///
    /// ```
    /// use cuenca_radar::{decode_block, Cat048, Plot, PlotTime};
    /// // I010, I140 (ToD 1 s), I040 (100 NM, 90°), I070 (7500).
    /// let block = [48, 0, 15, 0xD8, 25, 201, 0, 0, 128, 0x64, 0, 0x40, 0, 0x0F, 0x40];
    /// let (records, _) = decode_block(&block)?;
    /// let plot = Plot::from_cat048(&Cat048::from_record(&records[0])).unwrap();
    /// assert_eq!(plot.time, PlotTime::TimeOfDay(1.0));
    /// assert_eq!(plot.range_m, 185_200.0);
    /// assert_eq!(plot.identity.squawk, Some(7500));
    /// # Ok::<(), cuenca_radar::RadarError>(())
    /// ```
    pub fn from_cat048(r: &Cat048) -> Option<Plot> {
        let tod = r.time_of_day_s?;
        let (rho, theta) = r.rho_theta?;
        let identity = Identity {
            icao24: r.aircraft_address,
            squawk: r.mode3a.filter(|m| !m.v && !m.g).map(|m| m.squawk()),
            callsign: r
                .identification
                .as_deref()
                .map(str::trim_end)
                .filter(|s| !s.is_empty() && !s.contains('?'))
                .map(str::to_string),
            ..Identity::default()
        };
        Some(Plot {
            time: PlotTime::TimeOfDay(tod),
            range_m: rho * crate::fields::NM_M,
            azimuth_deg: theta,
            altitude_m: r
                .flight_level
                .filter(|f| !f.g)
                .map(|f| f.fl * 100.0 * crate::fields::FT_M),
            identity,
        })
    }
}

/// One line of the plain JSON plot format, with the sensor it names.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPlot {
    pub sensor: SensorId,
    pub plot: Plot,
}

/// Parses one line of the plain JSON plot format:
///
/// ```text
/// {"sensor": "hrv-radar-1", "time": "2026-11-28T10:00:00.5Z", "range_m": 52000.0,
///  "azimuth_deg": 123.4, "altitude_m": 3000.0}
/// ```
///
/// `altitude_m` is optional (absent or `null`); other keys are ignored.
///
/// ```
/// use cuenca_radar::{parse_plot_line, PlotTime};
/// let p = parse_plot_line(
///     r#"{"sensor":"hrv-radar-1","time":"2026-11-28T10:00:00Z","range_m":52000,"azimuth_deg":123.4}"#,
/// )?;
/// assert_eq!(p.sensor.as_str(), "hrv-radar-1");
/// assert_eq!(p.plot.range_m, 52000.0);
/// assert!(matches!(p.plot.time, PlotTime::At(_)));
/// assert_eq!(p.plot.altitude_m, None);
/// # Ok::<(), cuenca_radar::PlotError>(())
/// ```
pub fn parse_plot_line(line: &str) -> Result<JsonPlot, PlotError> {
    let v: Value = serde_json::from_str(line).map_err(|_| PlotError::NotJson)?;
    let obj = v.as_object().ok_or(PlotError::NotJson)?;
    let field = |k: &'static str| {
        obj.get(k)
            .filter(|v| !v.is_null())
            .ok_or(PlotError::MissingField(k))
    };
    let sensor = field("sensor")?
        .as_str()
        .and_then(|s| SensorId::new(s).ok())
        .ok_or(PlotError::BadSensor)?;
    let time: Timestamp = field("time")?
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or(PlotError::BadTime)?;
    let range_m = field("range_m")?
        .as_f64()
        .filter(|r| r.is_finite() && *r >= 0.0)
        .ok_or(PlotError::BadRange)?;
    let azimuth_deg = field("azimuth_deg")?
        .as_f64()
        .filter(|a| a.is_finite() && (-360.0..=360.0).contains(a))
        .ok_or(PlotError::BadAzimuth)?;
    let altitude_m = match obj.get("altitude_m") {
        None | Some(Value::Null) => None,
        Some(a) => Some(
            a.as_f64()
                .filter(|a| a.is_finite())
                .ok_or(PlotError::BadAltitude)?,
        ),
    };
    Ok(JsonPlot {
        sensor,
        plot: Plot {
            time: PlotTime::At(time),
            range_m,
            azimuth_deg,
            altitude_m,
            identity: Identity::default(),
        },
    })
}

/// Parses JSON plot lines and counts refusals by [`PlotError::reason`]. Blank lines
/// are skipped without counting.
///
/// ```
/// use cuenca_radar::PlotReader;
/// let mut rd = PlotReader::new();
/// assert!(rd.feed_line("not json").is_err());
/// assert!(rd.feed_line("").unwrap().is_none());
/// assert_eq!(rd.errors("not_json"), 1);
/// assert_eq!(rd.plots(), 0);
/// ```
#[derive(Debug, Clone, Default)]
pub struct PlotReader {
    plots: u64,
    refused: std::collections::BTreeMap<&'static str, u64>,
}

impl PlotReader {
    pub fn new() -> Self {
        PlotReader::default()
    }

    /// One line in: a plot, nothing (blank line) or a counted refusal.
    pub fn feed_line(&mut self, line: &str) -> Result<Option<JsonPlot>, PlotError> {
        if line.trim().is_empty() {
            return Ok(None);
        }
        match parse_plot_line(line) {
            Ok(p) => {
                self.plots += 1;
                Ok(Some(p))
            }
            Err(e) => {
                *self.refused.entry(e.reason()).or_default() += 1;
                Err(e)
            }
        }
    }

    /// Plots accepted.
    pub fn plots(&self) -> u64 {
        self.plots
    }

    /// Lines refused for `reason`.
    pub fn errors(&self, reason: &str) -> u64 {
        self.refused.get(reason).copied().unwrap_or(0)
    }

    /// Every reason seen so far with its count.
    pub fn by_reason(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        self.refused.iter().map(|(k, v)| (*k, *v))
    }
}
