//! From decoded AIS messages to the fusion core's [`Measurement`].

use crate::{Decoded, Message};
use cuenca_model::{
    GeoPoint, Identity, Measurement, MeasurementError, MeasurementKind, PositionCov, Timestamp,
    Velocity,
};

/// Knots to metres per second.
const KNOT_MPS: f64 = 1852.0 / 3600.0;
/// One-sigma position error when the accuracy flag says "better than 10 m" (DGNSS).
pub const SIGMA_ACCURATE_M: f64 = 10.0;
/// One-sigma position error otherwise (unaugmented GNSS, ITU: worse than 10 m).
pub const SIGMA_DEFAULT_M: f64 = 50.0;

pub use cuenca_model::SensorContext;

/// Turns a position-bearing message (types 1, 2, 3, 18, 19, 27, 9 for SAR aircraft
/// and 21 for aids to navigation) into an [`MeasurementKind::AisReport`].
///
/// Returns `Ok(None)` for messages that carry no position, or whose position is
/// "not available" (91°/181°); `Err` when the position is present but impossible
/// (it is counted by the caller like any other refusal). The time is the stream's
/// receive time (tag block or `$PGHP`) when known, else `fallback_time`. The
/// identity carries the MMSI plus whatever the message itself holds (type 19: name
/// and ship type; type 21: name); joining names from static messages is the
/// caller's job. Accuracy is circular, 10 m when the accuracy flag is set, else
/// 50 m; velocity comes from SOG/COG when both are available.
///
/// ```
/// use cuenca_ais::{to_measurement, Decoder, SensorContext};
/// use cuenca_model::{NationId, ReleaseTo, SensorId, Timestamp};
/// let ctx = SensorContext {
///     sensor: SensorId::new("mex-ais-1")?,
///     nation: NationId::new("MEX")?,
///     release: ReleaseTo::AllMembers,
/// };
/// let mut dec = Decoder::new();
/// let d = dec.feed_line("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A")?.unwrap();
/// let m = to_measurement(&d, &ctx, Timestamp::from_micros(0))?.expect("a position");
/// assert_eq!(m.identity.mmsi, Some(371_798_000));
/// assert!((m.position.lat - 48.3816333).abs() < 1e-6);
/// assert_eq!(m.accuracy.ee, 100.0); // accuracy flag set: 10 m
/// assert!(m.velocity.is_some());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn to_measurement(
    d: &Decoded,
    ctx: &SensorContext,
    fallback_time: Timestamp,
) -> Result<Option<Measurement>, MeasurementError> {
    let mut identity = Identity {
        mmsi: Some(d.message.mmsi()),
        ..Identity::default()
    };
    let (latlon, accurate, speed_kn, course) = match &d.message {
        Message::Position(m) => (m.lat_lon(), m.accuracy, m.speed_knots(), m.course_deg()),
        Message::ClassBPosition(m) => (m.lat_lon(), m.accuracy, m.speed_knots(), m.course_deg()),
        Message::ClassBExtended(m) => {
            if !m.shipname.is_empty() {
                identity.name = Some(m.shipname.as_str().to_string());
            }
            if (1..=99).contains(&m.shiptype) {
                identity.ship_type = Some(m.shiptype);
            }
            (m.lat_lon(), m.accuracy, m.speed_knots(), m.course_deg())
        }
        Message::LongRange(m) => (m.lat_lon(), m.accuracy, m.speed_knots(), m.course_deg()),
        Message::SarAircraft(m) => (m.lat_lon(), m.accuracy, m.speed_knots(), m.course_deg()),
        Message::AidToNavigation(m) => {
            if !m.name.is_empty() {
                identity.name = Some(m.name.as_str().to_string());
            }
            (m.lat_lon(), m.accuracy, None, None)
        }
        _ => return Ok(None),
    };
    let Some((lat, lon)) = latlon else {
        return Ok(None);
    };
    let mut position = GeoPoint::new(lat, lon);
    if let Message::SarAircraft(m) = &d.message {
        position.alt_m = m.altitude_m();
    }
    let velocity = match (speed_kn, course) {
        (Some(s), Some(c)) => Some(Velocity::from_speed_course(s * KNOT_MPS, c)),
        _ => None,
    };
    let sigma = if accurate {
        SIGMA_ACCURATE_M
    } else {
        SIGMA_DEFAULT_M
    };
    let m = Measurement {
        sensor: ctx.sensor.clone(),
        nation: ctx.nation,
        time: d.meta.time.unwrap_or(fallback_time),
        kind: MeasurementKind::AisReport,
        position,
        accuracy: PositionCov::circular(sigma),
        velocity,
        polar: None,
        identity,
        release: ctx.release.clone(),
    };
    m.validate()?;
    Ok(Some(m))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Decoder;
    use cuenca_model::{NationId, ReleaseTo, SensorId};

    fn ctx() -> SensorContext {
        SensorContext {
            sensor: SensorId::new("test-ais").unwrap(),
            nation: NationId::new("COL").unwrap(),
            release: ReleaseTo::OwnerOnly,
        }
    }

    fn one(line: &str) -> Decoded {
        Decoder::new().feed_line(line).unwrap().unwrap()
    }

    #[test]
    fn static_message_is_not_a_measurement() {
        let d = one("!AIVDM,1,1,,A,H42O55i18tMET00000000000000,2*6D");
        assert_eq!(to_measurement(&d, &ctx(), Timestamp(5)).unwrap(), None);
    }

    #[test]
    fn unavailable_position_is_skipped_and_garbage_refused() {
        // gpsd sample type 4 at 91/181: not a position-report type anyway.
        let d = one("!AIVDM,1,1,,A,402Fha0000Htt<tSF0l4Q@000d20,0*65");
        assert_eq!(to_measurement(&d, &ctx(), Timestamp(5)).unwrap(), None);
        let mut d = one("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A");
        if let Message::Position(m) = &mut d.message {
            m.lat = 91 * 600_000;
        }
        assert_eq!(to_measurement(&d, &ctx(), Timestamp(5)).unwrap(), None);
        if let Message::Position(m) = &mut d.message {
            m.lat = 100 * 600_000;
        }
        assert_eq!(
            to_measurement(&d, &ctx(), Timestamp(5)).unwrap_err(),
            MeasurementError::BadPosition
        );
    }

    #[test]
    fn sar_aircraft_has_altitude_and_class_b_extended_a_name() {
        let d = one("!AIVDM,1,1,,B,91b55wi;hbOS@OdQAC062Ch2089h,0*30");
        let m = to_measurement(&d, &ctx(), Timestamp(5)).unwrap().unwrap();
        assert_eq!(m.position.alt_m, Some(303.0));
        assert_eq!(m.time, Timestamp(5));
        let v = m.velocity.unwrap();
        assert!(((v.east_mps.hypot(v.north_mps)) - 42.0 * KNOT_MPS).abs() < 1e-9);
        let d = one("!AIVDM,1,1,,B,C5N3SRgPEnJGEBT>NhWAwwo862PaLELTBJ:V00000000S0D:R220,0*0B");
        let m = to_measurement(&d, &ctx(), Timestamp(5)).unwrap().unwrap();
        assert_eq!(m.identity.name.as_deref(), Some("CAPT.J.RIMES"));
        assert_eq!(m.identity.ship_type, Some(70));
        assert_eq!(m.accuracy.ee, 2500.0);
    }
}
