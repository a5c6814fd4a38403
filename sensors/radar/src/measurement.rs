//! From a [`Plot`] to the fusion core's [`Measurement`].

use crate::{Plot, PlotTime};
use cuenca_model::{
    GeoPoint, Measurement, MeasurementError, MeasurementKind, Polar, PositionCov, Timestamp,
};

/// Mean earth radius (IUGG), metres.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;
const DAY_US: i64 = 86_400_000_000;

pub use cuenca_model::SensorContext;

/// Turns a plot into a [`MeasurementKind::RadarPlot`] measurement.
///
/// * **Time.** A [`PlotTime::TimeOfDay`] is placed on the UTC date of `date` (any
///   instant of that day); a full [`PlotTime::At`] is used as is. Reports just after
///   midnight with a `date` from the previous day land a day early: the caller
///   advances `date` when the time of day wraps.
/// * **Range.** The tracker works in the horizontal plane, so when the plot has an
///   altitude the slant range becomes ground range, `sqrt(r² − Δh²)` with Δh the
///   height above the site (flat; the earth's curvature adds under 0.1 % of range at
///   250 km for airliner heights). Without an altitude the slant range is used.
/// * **Position.** The destination point from the site along the azimuth on a
///   sphere of radius [`EARTH_RADIUS_M`]. Against the WGS-84 ellipsoid this is off by
///   up to about 0.3 % of range (≈ 0.7 km at 250 km), which is why `polar` is also
///   filled: the tracker updates with range and azimuth on its own ellipsoidal
///   geodesy and uses `position` only to gate and to start tracks.
/// * **Accuracy.** `sigma_range_m` along the beam, `ground range × sigma_azimuth`
///   (radians) across it, rotated into east/north.
///
/// The result is [`Measurement::validate`]d.
///
/// ```
/// use cuenca_model::{GeoPoint, Identity, NationId, ReleaseTo, SensorId, Timestamp};
/// use cuenca_radar::{to_measurement, Plot, PlotTime, SensorContext};
/// let ctx = SensorContext {
///     sensor: SensorId::new("hrv-radar-1")?,
///     nation: NationId::new("HRV")?,
///     release: ReleaseTo::AllMembers,
/// };
/// let plot = Plot {
///     time: PlotTime::TimeOfDay(3600.0),
///     range_m: 100_000.0,
///     azimuth_deg: 90.0,
///     altitude_m: None,
///     identity: Identity::default(),
/// };
/// let day: Timestamp = "2026-11-28T17:00:00Z".parse()?;
/// let site = GeoPoint::new(45.0, 16.0);
/// let m = to_measurement(&plot, site, 50.0, 0.1, &ctx, day)?;
/// assert_eq!(m.time.to_string(), "2026-11-28T01:00:00.000000Z");
/// assert!((m.position.lat - 44.99).abs() < 0.02 && m.position.lon > 17.2);
/// // Due east: range error east-west, cross-range (100 km × 0.1° ≈ 175 m) north-south.
/// assert!((m.accuracy.ee - 2500.0).abs() < 1e-6);
/// assert!((m.accuracy.nn.sqrt() - 174.5).abs() < 0.1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_measurement(
    plot: &Plot,
    site: GeoPoint,
    sigma_range_m: f64,
    sigma_azimuth_deg: f64,
    ctx: &SensorContext,
    date: Timestamp,
) -> Result<Measurement, MeasurementError> {
    let time = match plot.time {
        PlotTime::At(t) => t,
        PlotTime::TimeOfDay(s) => {
            if !(s.is_finite() && (0.0..=2.0 * 86_400.0).contains(&s)) {
                return Err(MeasurementError::BadPolar);
            }
            let midnight = date.micros().div_euclid(DAY_US) * DAY_US;
            Timestamp::from_micros(midnight + (s * 1e6).round() as i64)
        }
    };
    let ground_m = match plot.altitude_m {
        Some(alt) if alt.is_finite() => {
            let dh = alt - site.alt_m.unwrap_or(0.0);
            if dh.abs() < plot.range_m {
                (plot.range_m * plot.range_m - dh * dh).sqrt()
            } else {
                plot.range_m
            }
        }
        _ => plot.range_m,
    };
    let (lat, lon) = destination(site.lat, site.lon, plot.azimuth_deg, ground_m);
    let az = plot.azimuth_deg.to_radians();
    let (s, c) = az.sin_cos();
    let vr = sigma_range_m * sigma_range_m;
    let cross = ground_m * sigma_azimuth_deg.to_radians();
    // Cross-range never below the range error, so a plot at the site stays invertible.
    let vc = (cross * cross).max(vr * 1e-6);
    let accuracy = PositionCov {
        ee: vr * s * s + vc * c * c,
        en: (vr - vc) * s * c,
        nn: vr * c * c + vc * s * s,
    };
    let m = Measurement {
        sensor: ctx.sensor.clone(),
        nation: ctx.nation,
        time,
        kind: MeasurementKind::RadarPlot,
        position: GeoPoint {
            lat,
            lon,
            alt_m: plot.altitude_m,
        },
        accuracy,
        velocity: None,
        polar: Some(Polar {
            site,
            range_m: ground_m,
            azimuth_deg: plot.azimuth_deg,
            sigma_range_m,
            sigma_azimuth_deg,
        }),
        identity: plot.identity.clone(),
        release: ctx.release.clone(),
    };
    m.validate()?;
    Ok(m)
}

/// The UTC day an ASTERIX time of day belongs to, given the receive time `now`:
/// the midnight that puts `time_of_day_s` within 12 hours of `now`. A report
/// stamped 23:59:59 that arrives at 00:00:01 is yesterday's; one stamped 00:00:01
/// that arrives at 23:59:59 (a radar clock slightly ahead) is tomorrow's. Pass the
/// result as `date` to [`to_measurement`].
///
/// ```
/// use cuenca_model::Timestamp;
/// use cuenca_radar::day_of;
/// let now: Timestamp = "2026-11-28T00:00:01Z".parse()?;
/// assert_eq!(day_of(86_399.0, now).to_string(), "2026-11-27T00:00:00.000000Z");
/// assert_eq!(day_of(3.0, now).to_string(), "2026-11-28T00:00:00.000000Z");
/// let late: Timestamp = "2026-11-28T23:59:59Z".parse()?;
/// assert_eq!(day_of(1.0, late).to_string(), "2026-11-29T00:00:00.000000Z");
/// # Ok::<(), cuenca_model::TimeError>(())
/// ```
pub fn day_of(time_of_day_s: f64, now: Timestamp) -> Timestamp {
    let midnight = now.micros().div_euclid(DAY_US) * DAY_US;
    let offset_us = if time_of_day_s.is_finite() {
        (time_of_day_s * 1e6) as i64
    } else {
        0
    };
    let t = midnight + offset_us;
    let half = DAY_US / 2;
    let day = if t - now.micros() > half {
        midnight - DAY_US
    } else if now.micros() - t > half {
        midnight + DAY_US
    } else {
        midnight
    };
    Timestamp::from_micros(day)
}

/// Destination point on a sphere: from `lat`, `lon` (degrees) along initial bearing
/// `bearing_deg` for `dist_m`. Longitude normalised to [-180, 180).
pub fn destination(lat: f64, lon: f64, bearing_deg: f64, dist_m: f64) -> (f64, f64) {
    let d = dist_m / EARTH_RADIUS_M;
    let (p1, l1, b) = (lat.to_radians(), lon.to_radians(), bearing_deg.to_radians());
    let sp2 = p1.sin() * d.cos() + p1.cos() * d.sin() * b.cos();
    let p2 = sp2.clamp(-1.0, 1.0).asin();
    let l2 = l1 + (b.sin() * d.sin() * p1.cos()).atan2(d.cos() - p1.sin() * sp2);
    let lon2 = (l2.to_degrees() + 540.0).rem_euclid(360.0) - 180.0;
    (p2.to_degrees(), lon2)
}
