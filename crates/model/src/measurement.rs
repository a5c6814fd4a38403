//! What a sensor reports: one plot, one AIS or ADS-B report, or one peer track.

use crate::{NationId, Releasability, ReleaseTo, SensorId, Timestamp};
use serde::{Deserialize, Serialize};

/// Who produces a feed's measurements: the sensor, its nation and the release its
/// owner configured. Every adapter stamps these onto what it decodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SensorContext {
    pub sensor: SensorId,
    pub nation: NationId,
    pub release: ReleaseTo,
}

/// Which kind of sensor produced a measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasurementKind {
    /// An anonymous radar plot (range and bearing from a site).
    RadarPlot,
    /// A self-reported AIS position (carries an MMSI).
    AisReport,
    /// A self-reported ADS-B / Mode S position (carries an ICAO address).
    AdsbReport,
    /// A track received from a peer system such as NORAD.
    PeerTrack,
}

impl MeasurementKind {
    /// The name used in key expressions and metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            MeasurementKind::RadarPlot => "radar",
            MeasurementKind::AisReport => "ais",
            MeasurementKind::AdsbReport => "adsb",
            MeasurementKind::PeerTrack => "peer",
        }
    }
}

/// A WGS-84 position: degrees, and metres above the ellipsoid when known.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
    pub alt_m: Option<f64>,
}

impl GeoPoint {
    /// A point on the ellipsoid surface.
    pub fn new(lat: f64, lon: f64) -> Self {
        GeoPoint {
            lat,
            lon,
            alt_m: None,
        }
    }
}

/// Horizontal position covariance in the local east/north plane, in m².
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PositionCov {
    pub ee: f64,
    pub en: f64,
    pub nn: f64,
}

impl PositionCov {
    /// A circular error with standard deviation `sigma_m` on each axis.
    pub fn circular(sigma_m: f64) -> Self {
        PositionCov {
            ee: sigma_m * sigma_m,
            en: 0.0,
            nn: sigma_m * sigma_m,
        }
    }

    /// Whether this is a finite, positive-definite covariance.
    pub fn is_positive_definite(&self) -> bool {
        [self.ee, self.en, self.nn].iter().all(|v| v.is_finite())
            && self.ee > 0.0
            && self.nn > 0.0
            && self.ee * self.nn - self.en * self.en > 0.0
    }
}

/// Velocity over ground in the local east/north/up frame, m/s.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Velocity {
    pub east_mps: f64,
    pub north_mps: f64,
    pub up_mps: Option<f64>,
    /// One-sigma accuracy per horizontal axis, when the sensor states it.
    pub sigma_mps: Option<f64>,
}

impl Velocity {
    /// From speed over ground (m/s) and course (degrees true).
    pub fn from_speed_course(speed_mps: f64, course_deg: f64) -> Self {
        let c = course_deg.to_radians();
        Velocity {
            east_mps: speed_mps * c.sin(),
            north_mps: speed_mps * c.cos(),
            up_mps: None,
            sigma_mps: None,
        }
    }
}

/// A radar's native observation: range and azimuth from its site.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Polar {
    pub site: GeoPoint,
    pub range_m: f64,
    /// Degrees clockwise from true north.
    pub azimuth_deg: f64,
    pub sigma_range_m: f64,
    pub sigma_azimuth_deg: f64,
}

/// Who or what a report says it is. Every field is optional: radar plots carry none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Identity {
    pub mmsi: Option<u32>,
    pub imo: Option<u32>,
    pub callsign: Option<String>,
    /// ICAO 24-bit aircraft address.
    pub icao24: Option<u32>,
    /// Mode A code as its four octal digits read as a decimal number (7500 stays 7500).
    pub squawk: Option<u16>,
    pub name: Option<String>,
    /// AIS ship and cargo type (0-99).
    pub ship_type: Option<u8>,
    /// ADS-B emitter category (such as `A3`) or ICAO type designator.
    pub aircraft_type: Option<String>,
}

impl Identity {
    /// True when the report carries no identity at all.
    pub fn is_empty(&self) -> bool {
        *self == Identity::default()
    }
}

/// Why a measurement was refused. Each variant is a counted reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum MeasurementError {
    #[error("latitude or longitude out of range or not finite")]
    BadPosition,
    #[error("altitude not finite")]
    BadAltitude,
    #[error("position covariance is not finite and positive definite")]
    BadCovariance,
    #[error("velocity not finite or accuracy not positive")]
    BadVelocity,
    #[error("radar range, azimuth or their accuracies out of range")]
    BadPolar,
    #[error("identity field out of range (MMSI > 999999999, ICAO > 0xFFFFFF, squawk not octal, ship type > 99)")]
    BadIdentity,
}

impl MeasurementError {
    /// A short stable name for metrics and counters.
    pub fn reason(self) -> &'static str {
        match self {
            MeasurementError::BadPosition => "bad_position",
            MeasurementError::BadAltitude => "bad_altitude",
            MeasurementError::BadCovariance => "bad_covariance",
            MeasurementError::BadVelocity => "bad_velocity",
            MeasurementError::BadPolar => "bad_polar",
            MeasurementError::BadIdentity => "bad_identity",
        }
    }
}

/// One observation of one object by one sensor.
///
/// ```
/// use cuenca_model::*;
/// let m = Measurement {
///     sensor: SensorId::new("mex-ais-cancun")?,
///     nation: NationId::new("MEX")?,
///     time: "2026-11-28T12:00:00Z".parse()?,
///     kind: MeasurementKind::AisReport,
///     position: GeoPoint::new(21.16, -86.85),
///     accuracy: PositionCov::circular(10.0),
///     velocity: Some(Velocity::from_speed_course(5.0, 90.0)),
///     polar: None,
///     identity: Identity { mmsi: Some(345_000_001), ..Identity::default() },
///     release: ReleaseTo::AllMembers,
/// };
/// assert!(m.validate().is_ok());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    pub sensor: SensorId,
    /// The owning nation: the nation whose sensor this is.
    pub nation: NationId,
    pub time: Timestamp,
    pub kind: MeasurementKind,
    pub position: GeoPoint,
    pub accuracy: PositionCov,
    pub velocity: Option<Velocity>,
    /// Range and bearing as the radar saw them, for a proper polar update.
    pub polar: Option<Polar>,
    pub identity: Identity,
    /// To whom the owning nation releases this measurement.
    pub release: ReleaseTo,
}

impl Measurement {
    /// The owner together with its release decision.
    pub fn releasability(&self) -> Releasability {
        Releasability {
            owner: self.nation,
            to: self.release.clone(),
        }
    }

    /// Checks every number a sensor could get wrong. Time plausibility is the
    /// fusion core's call, since only it knows the current picture time.
    pub fn validate(&self) -> Result<(), MeasurementError> {
        check_point(&self.position)?;
        if !self.accuracy.is_positive_definite() {
            return Err(MeasurementError::BadCovariance);
        }
        if let Some(v) = &self.velocity {
            let finite = v.east_mps.is_finite()
                && v.north_mps.is_finite()
                && v.up_mps.is_none_or(f64::is_finite);
            if !finite || v.sigma_mps.is_some_and(|s| !(s.is_finite() && s > 0.0)) {
                return Err(MeasurementError::BadVelocity);
            }
        }
        if let Some(p) = &self.polar {
            check_point(&p.site)?;
            let ok = p.range_m.is_finite()
                && p.range_m >= 0.0
                && p.azimuth_deg.is_finite()
                && (-360.0..=360.0).contains(&p.azimuth_deg)
                && p.sigma_range_m.is_finite()
                && p.sigma_range_m > 0.0
                && p.sigma_azimuth_deg.is_finite()
                && p.sigma_azimuth_deg > 0.0;
            if !ok {
                return Err(MeasurementError::BadPolar);
            }
        }
        let id = &self.identity;
        let squawk_ok = |s: u16| s <= 7777 && s.to_string().bytes().all(|b| b <= b'7');
        if id.mmsi.is_some_and(|m| m > 999_999_999)
            || id.icao24.is_some_and(|a| a > 0xFF_FFFF)
            || id.squawk.is_some_and(|s| !squawk_ok(s))
            || id.ship_type.is_some_and(|t| t > 99)
        {
            return Err(MeasurementError::BadIdentity);
        }
        Ok(())
    }
}

fn check_point(p: &GeoPoint) -> Result<(), MeasurementError> {
    if !(p.lat.is_finite() && p.lon.is_finite() && p.lat.abs() <= 90.0 && p.lon.abs() <= 180.0) {
        return Err(MeasurementError::BadPosition);
    }
    if p.alt_m.is_some_and(|a| !a.is_finite()) {
        return Err(MeasurementError::BadAltitude);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sample() -> Measurement {
        Measurement {
            sensor: SensorId::new("col-radar-1").unwrap(),
            nation: NationId::new("COL").unwrap(),
            time: Timestamp::from_micros(1_795_000_000_000_000),
            kind: MeasurementKind::RadarPlot,
            position: GeoPoint::new(11.0, -75.0),
            accuracy: PositionCov::circular(50.0),
            velocity: None,
            polar: None,
            identity: Identity::default(),
            release: ReleaseTo::OwnerOnly,
        }
    }

    #[test]
    fn rejects_each_bad_field_with_its_reason() {
        type Spoil = Box<dyn Fn(&mut Measurement)>;
        let cases: Vec<(Spoil, MeasurementError)> = vec![
            (
                Box::new(|m| m.position.lat = f64::NAN),
                MeasurementError::BadPosition,
            ),
            (
                Box::new(|m| m.position.lon = 181.0),
                MeasurementError::BadPosition,
            ),
            (
                Box::new(|m| m.position.alt_m = Some(f64::INFINITY)),
                MeasurementError::BadAltitude,
            ),
            (
                Box::new(|m| m.accuracy.ee = 0.0),
                MeasurementError::BadCovariance,
            ),
            (
                Box::new(|m| m.accuracy.en = 5000.0),
                MeasurementError::BadCovariance,
            ),
            (
                Box::new(|m| m.velocity = Some(Velocity::from_speed_course(f64::NAN, 0.0))),
                MeasurementError::BadVelocity,
            ),
            (
                Box::new(|m| m.identity.squawk = Some(7800)),
                MeasurementError::BadIdentity,
            ),
            (
                Box::new(|m| m.identity.mmsi = Some(1_000_000_000)),
                MeasurementError::BadIdentity,
            ),
            (
                Box::new(|m| {
                    m.polar = Some(Polar {
                        site: GeoPoint::new(10.0, -75.0),
                        range_m: -1.0,
                        azimuth_deg: 0.0,
                        sigma_range_m: 1.0,
                        sigma_azimuth_deg: 0.1,
                    })
                }),
                MeasurementError::BadPolar,
            ),
        ];
        assert!(sample().validate().is_ok());
        for (spoil, want) in cases {
            let mut m = sample();
            spoil(&mut m);
            assert_eq!(m.validate(), Err(want));
        }
    }

    #[test]
    fn speed_and_course_to_components() {
        let v = Velocity::from_speed_course(10.0, 90.0);
        assert!((v.east_mps - 10.0).abs() < 1e-9 && v.north_mps.abs() < 1e-9);
    }

    #[test]
    fn squawk_digits_are_octal() {
        let mut m = sample();
        m.identity.squawk = Some(7500);
        assert!(m.validate().is_ok());
        m.identity.squawk = Some(1280);
        assert_eq!(m.validate(), Err(MeasurementError::BadIdentity));
    }
}
