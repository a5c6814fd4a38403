//! The zenoh key-expression layout. Every key Cuenca publishes or subscribes to is built here.
//!
//! ```text
//! cuenca/<nation>/sensors/<kind>/<sensor-id>   measurement batches (wire frames)
//! cuenca/cop/<viewer-nation>/tracks            the picture as <viewer-nation> may see it
//! ```
//!
//! `<nation>` is the owner's ISO 3166 alpha-3 code, `<kind>` one of `radar`, `ais`,
//! `adsb`, `peer`. Owners publish only under their own code, and zenoh access control
//! can be written against that prefix.

use crate::{MeasurementKind, NationId, SensorId};

/// Root of every Cuenca key.
pub const ROOT: &str = "cuenca";

/// Subscribes to every nation's measurement batches.
pub const ALL_SENSORS: &str = "cuenca/*/sensors/**";

/// Where a sensor publishes its batches.
///
/// ```
/// use cuenca_model::{keys, MeasurementKind, NationId, SensorId};
/// let k = keys::sensor(NationId::new("COL")?, MeasurementKind::RadarPlot, &SensorId::new("col-r1")?);
/// assert_eq!(k, "cuenca/COL/sensors/radar/col-r1");
/// assert_eq!(keys::parse_sensor(&k), Some((NationId::new("COL")?, MeasurementKind::RadarPlot, SensorId::new("col-r1")?)));
/// # Ok::<(), cuenca_model::IdError>(())
/// ```
pub fn sensor(nation: NationId, kind: MeasurementKind, id: &SensorId) -> String {
    format!("{ROOT}/{nation}/sensors/{}/{id}", kind.as_str())
}

/// Every nation's picture key, for a queryable or a subscriber that serves them all.
pub const ALL_COP_TRACKS: &str = "cuenca/cop/*/tracks";

/// The viewing nation in a picture key, if `key` is one.
///
/// ```
/// use cuenca_model::{keys, NationId};
/// let mex = NationId::new("MEX")?;
/// assert_eq!(keys::parse_cop_tracks(&keys::cop_tracks(mex)), Some(mex));
/// assert_eq!(keys::parse_cop_tracks("cuenca/cop/mex/tracks"), None);
/// # Ok::<(), cuenca_model::IdError>(())
/// ```
pub fn parse_cop_tracks(key: &str) -> Option<NationId> {
    let rest = key.strip_prefix("cuenca/cop/")?.strip_suffix("/tracks")?;
    NationId::new(rest).ok()
}

/// Where the picture for `viewer` is published (as changes) and can be queried (whole).
pub fn cop_tracks(viewer: NationId) -> String {
    format!("{ROOT}/cop/{viewer}/tracks")
}

/// Reads a sensor key back; `None` for anything that is not one.
pub fn parse_sensor(key: &str) -> Option<(NationId, MeasurementKind, SensorId)> {
    let mut parts = key.split('/');
    let (root, nation, sensors, kind, id) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if root != ROOT || sensors != "sensors" || parts.next().is_some() {
        return None;
    }
    let kind = match kind {
        "radar" => MeasurementKind::RadarPlot,
        "ais" => MeasurementKind::AisReport,
        "adsb" => MeasurementKind::AdsbReport,
        "peer" => MeasurementKind::PeerTrack,
        _ => return None,
    };
    Some((NationId::new(nation).ok()?, kind, SensorId::new(id).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_foreign_keys() {
        for k in [
            "",
            "cuenca/COL/sensors/radar",
            "cuenca/COL/sensors/sonar/x",
            "cuenca/col/sensors/radar/x",
            "cuenca/COL/sensors/radar/x/y",
            "other/COL/sensors/radar/x",
        ] {
            assert_eq!(parse_sensor(k), None, "{k}");
        }
    }

    #[test]
    fn cop_key() {
        assert_eq!(
            cop_tracks(NationId::new("USA").unwrap()),
            "cuenca/cop/USA/tracks"
        );
    }
}
