//! From decoded positions to the fusion core's [`Measurement`].

use crate::{AircraftState, Decoded};
use cuenca_model::{
    GeoPoint, Identity, Measurement, MeasurementError, MeasurementKind, PositionCov, Timestamp,
    Velocity,
};

/// Knots to metres per second.
const KNOT_MPS: f64 = 1852.0 / 3600.0;
/// Feet to metres.
const FOOT_M: f64 = 0.3048;
/// One-sigma position error when the aircraft has not stated its NACp.
pub const SIGMA_DEFAULT_M: f64 = 30.0;
/// A velocity older than this (seconds) is not attached to a position.
pub const MAX_VELOCITY_AGE_S: f64 = 10.0;

pub use cuenca_model::SensorContext;

/// One-sigma horizontal error for a NACp value (DO-260B: the 95 % bound on
/// estimated position uncertainty, divided by 2.45 for a circular normal).
/// `None` for NACp 0 (unknown) and out-of-range values.
///
/// ```
/// assert_eq!(cuenca_adsb::sigma_from_nac_p(0), None);
/// assert!((cuenca_adsb::sigma_from_nac_p(9).unwrap() - 30.0 / 2.45).abs() < 1e-9);
/// ```
pub fn sigma_from_nac_p(nac_p: u8) -> Option<f64> {
    let epu_m = match nac_p {
        1 => 18_520.0,
        2 => 7_408.0,
        3 => 3_704.0,
        4 => 1_852.0,
        5 => 926.0,
        6 => 555.6,
        7 => 185.2,
        8 => 92.6,
        9 => 30.0,
        10 => 10.0,
        11 => 3.0,
        _ => return None,
    };
    Some(epu_m / 2.45)
}

/// Turns a decoded position into an [`MeasurementKind::AdsbReport`].
///
/// Returns `Ok(None)` when `d` carries no position. `state` is the aircraft's
/// state from [`crate::Decoder::aircraft`]: its callsign, squawk, emitter
/// category, NACp and latest velocity (if no older than
/// [`MAX_VELOCITY_AGE_S`]) complete the report. Altitude is converted to metres;
/// note that it is the barometric (pressure) altitude unless the frame was a GNSS
/// height (TC 20-22), not a height above the ellipsoid. Accuracy is circular, from
/// NACp when the aircraft has sent it ([`sigma_from_nac_p`]), else
/// [`SIGMA_DEFAULT_M`]. `time` is the receive time (Beast counters are not wall
/// clocks, so the caller supplies it).
///
/// ```
/// use cuenca_adsb::{to_measurement, Decoder, SensorContext};
/// use cuenca_model::{NationId, ReleaseTo, SensorId, Timestamp};
/// let hex = |s: &str| (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect::<Vec<u8>>();
/// let ctx = SensorContext {
///     sensor: SensorId::new("gtm-adsb-1")?,
///     nation: NationId::new("GTM")?,
///     release: ReleaseTo::AllMembers,
/// };
/// let mut dec = Decoder::new();
/// dec.decode(&hex("8D485020994409940838175B284F"), 0.0)?; // velocity
/// dec.decode(&hex("8D40621D58C382D690C8AC2863A7"), 0.5)?;
/// let d = dec.decode(&hex("8D40621D58C386435CC412692AD6"), 1.0)?;
/// let m = to_measurement(&d, dec.aircraft(d.icao24), &ctx, Timestamp::from_micros(0))?.expect("a position");
/// assert_eq!(m.identity.icao24, Some(0x40621D));
/// assert!((m.position.alt_m.unwrap() - 38000.0 * 0.3048).abs() < 1e-6);
/// assert_eq!(m.accuracy.ee, 900.0); // no NACp seen: 30 m
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_measurement(
    d: &Decoded,
    state: Option<&AircraftState>,
    ctx: &SensorContext,
    time: Timestamp,
) -> Result<Option<Measurement>, MeasurementError> {
    let (Some(lat), Some(lon)) = (d.lat, d.lon) else {
        return Ok(None);
    };
    let mut identity = Identity {
        icao24: Some(d.icao24),
        callsign: d.callsign.clone(),
        squawk: d.squawk,
        aircraft_type: d.category.clone(),
        ..Identity::default()
    };
    let mut velocity = None;
    let mut nac_p = d.nac_p;
    if let Some(st) = state {
        if identity.callsign.is_none() {
            identity.callsign.clone_from(&st.callsign);
        }
        if identity.squawk.is_none() {
            identity.squawk = st.squawk;
        }
        if identity.aircraft_type.is_none() {
            identity.aircraft_type.clone_from(&st.category);
        }
        nac_p = nac_p.or(st.nac_p);
        if let Some((gs, trk, vr, vt)) = st.velocity {
            if (d.timestamp - vt).abs() <= MAX_VELOCITY_AGE_S {
                let mut v = Velocity::from_speed_course(gs * KNOT_MPS, trk);
                v.up_mps = vr.map(|r| f64::from(r) * FOOT_M / 60.0);
                velocity = Some(v);
            }
        }
    }
    if velocity.is_none() {
        if let (Some(gs), Some(trk)) = (d.ground_speed_kt, d.track_deg) {
            velocity = Some(Velocity::from_speed_course(gs * KNOT_MPS, trk));
        }
    }
    let sigma = nac_p.and_then(sigma_from_nac_p).unwrap_or(SIGMA_DEFAULT_M);
    let m = Measurement {
        sensor: ctx.sensor.clone(),
        nation: ctx.nation,
        time,
        kind: MeasurementKind::AdsbReport,
        position: GeoPoint {
            lat,
            lon,
            alt_m: d.altitude_ft.map(|a| f64::from(a) * FOOT_M),
        },
        accuracy: PositionCov::circular(sigma),
        velocity,
        polar: None,
        identity,
        release: ctx.release.clone(),
    };
    m.validate()?;
    Ok(Some(m))
}
