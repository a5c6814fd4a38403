//! The picture: the tracker fed with [`Measurement`]s and read back as model [`Track`]s.
//!
//! This is the seam between the wire model (WGS-84, nations, sensor ids) and the
//! tracker's internal [`Plot`]s. Sensors must be registered with their coverage and
//! release decision (from configuration); a batch from an unknown sensor is refused,
//! and the configured release, not the sender's claim, is what the picture keeps.

use crate::geodesy::{self, Anchor};
use crate::tracker::{
    BatchReport, Coverage, Frame, IdKey, Plot, PolarPlot, Space, Tracker, TrackerParams,
};
use cuenca_model::{
    Contribution, Domain, GeoPoint, Identity, Measurement, MeasurementBatch, MeasurementError,
    MeasurementKind, NationId, ReleaseTo, SensorId, Timestamp, Track, TrackId, TrackStatus,
    Velocity,
};
use std::collections::{BTreeMap, HashMap};

/// A registered sensor.
#[derive(Debug, Clone, PartialEq)]
pub struct SensorInfo {
    pub sensor: SensorId,
    pub nation: NationId,
    pub kind: MeasurementKind,
    pub release: ReleaseTo,
    /// Where the sensor sees: site and range. Radar scans count misses inside it.
    pub coverage: Option<(GeoPoint, f64)>,
}

/// Why a batch or a measurement was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IngestError {
    #[error("sensor {nation}/{sensor} is not configured")]
    UnknownSensor { nation: NationId, sensor: SensorId },
    #[error("sensor {sensor} is configured as {configured:?}, batch arrived as {got:?}")]
    WrongKind {
        sensor: SensorId,
        configured: MeasurementKind,
        got: MeasurementKind,
    },
}

impl IngestError {
    /// A short stable name for metrics.
    pub fn reason(&self) -> &'static str {
        match self {
            IngestError::UnknownSensor { .. } => "unknown_sensor",
            IngestError::WrongKind { .. } => "wrong_kind",
        }
    }
}

/// Counts of what one batch did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ingested {
    pub accepted: usize,
    /// Refusals by reason (measurement checks and tracker checks).
    pub rejected: BTreeMap<&'static str, usize>,
}

/// The tracker plus everything needed to speak the model's language.
///
/// ```
/// use cuenca_fusion::picture::{Picture, SensorInfo};
/// use cuenca_fusion::tracker::TrackerParams;
/// use cuenca_model::*;
/// let mut p = Picture::new(TrackerParams::default());
/// let (mex, id) = (NationId::new("MEX")?, SensorId::new("mex-ais")?);
/// p.register(SensorInfo { sensor: id.clone(), nation: mex, kind: MeasurementKind::AisReport,
///                         release: ReleaseTo::AllMembers, coverage: None });
/// let mut batch = MeasurementBatch::new(mex, id.clone(), 1);
/// for k in 0..3 {
///     batch.measurements.push(Measurement {
///         sensor: id.clone(), nation: mex, time: Timestamp::from_micros(k * 10_000_000),
///         kind: MeasurementKind::AisReport, position: GeoPoint::new(21.0, -86.5 + 0.001 * k as f64),
///         accuracy: PositionCov::circular(10.0), velocity: None, polar: None,
///         identity: Identity { mmsi: Some(345_000_001), ..Identity::default() },
///         release: ReleaseTo::AllMembers,
///     });
/// }
/// p.ingest(MeasurementKind::AisReport, &batch)?;
/// let tracks = p.tracks();
/// assert_eq!(tracks.len(), 1);
/// assert_eq!(tracks[0].identity.mmsi, Some(345_000_001));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Picture {
    tracker: Tracker,
    sensors: Vec<SensorInfo>,
    by_sensor: HashMap<(NationId, SensorId), u32>,
    identities: HashMap<IdKey, Identity>,
    plots: Vec<Plot>,
    index: Vec<usize>,
}

impl Picture {
    /// An empty picture over WGS-84.
    pub fn new(params: TrackerParams) -> Picture {
        Picture {
            tracker: Tracker::new(Space::Wgs84, params),
            sensors: Vec::new(),
            by_sensor: HashMap::new(),
            identities: HashMap::new(),
            plots: Vec::new(),
            index: Vec::new(),
        }
    }

    /// Registers (or re-registers) a sensor.
    pub fn register(&mut self, info: SensorInfo) {
        let key = (info.nation, info.sensor.clone());
        match self.by_sensor.get(&key) {
            Some(&i) => self.sensors[i as usize] = info,
            None => {
                self.by_sensor.insert(key, self.sensors.len() as u32);
                self.sensors.push(info);
            }
        }
    }

    /// The registered sensors.
    pub fn sensors(&self) -> &[SensorInfo] {
        &self.sensors
    }

    /// The tracker, for its statistics and parameters.
    pub fn tracker(&self) -> &Tracker {
        &self.tracker
    }

    /// Sets the wall clock plot times are checked against (live service).
    pub fn set_wall_clock(&mut self, now: Timestamp) {
        self.tracker.set_wall_clock(now.as_secs_f64());
    }

    /// Feeds one batch that arrived on `kind`'s key; returns what was accepted.
    pub fn ingest(
        &mut self,
        kind: MeasurementKind,
        batch: &MeasurementBatch,
    ) -> Result<(Ingested, BatchReport), IngestError> {
        let key = (batch.nation, batch.sensor.clone());
        let Some(&source) = self.by_sensor.get(&key) else {
            return Err(IngestError::UnknownSensor {
                nation: batch.nation,
                sensor: batch.sensor.clone(),
            });
        };
        let info = &self.sensors[source as usize];
        if info.kind != kind {
            return Err(IngestError::WrongKind {
                sensor: batch.sensor.clone(),
                configured: info.kind,
                got: kind,
            });
        }
        let coverage = match (kind, info.coverage) {
            (MeasurementKind::RadarPlot, Some((site, range))) => Coverage::Circle {
                center: geodesy::to_ecef(site.lat, site.lon, 0.0),
                radius_m: range,
            },
            _ => Coverage::None,
        };
        let mut out = Ingested::default();
        self.plots.clear();
        self.index.clear();
        for (i, m) in batch.measurements.iter().enumerate() {
            match to_plot(m, source) {
                Ok(p) => {
                    self.plots.push(p);
                    self.index.push(i);
                }
                Err(e) => *out.rejected.entry(e.reason()).or_default() += 1,
            }
        }
        let report = self.tracker.process(&self.plots, coverage);
        for (o, &i) in report.outcome.iter().zip(&self.index) {
            match o {
                Ok(_) => {
                    out.accepted += 1;
                    let m = &batch.measurements[i];
                    if let Some(key) = id_key(&m.identity) {
                        merge_identity(self.identities.entry(key).or_default(), &m.identity);
                    }
                }
                Err(r) => *out.rejected.entry(r.reason()).or_default() += 1,
            }
        }
        // Forget identity details nobody holds any more.
        if !report.deleted.is_empty() {
            let held: std::collections::HashSet<IdKey> =
                self.tracker.tracks().filter_map(|t| t.identity()).collect();
            self.identities.retain(|k, _| held.contains(k));
        }
        Ok((out, report))
    }

    /// Every live track (tentative ones included) in the model's terms.
    pub fn tracks(&self) -> Vec<Track> {
        self.tracks_where(|_| true)
    }

    /// The live tracks for which `wanted` says yes, in the model's terms. `wanted`
    /// sees every live track's summary first, so a caller that keeps the previous
    /// picture can rebuild only what changed.
    pub fn tracks_where(&self, mut wanted: impl FnMut(&TrackSummary) -> bool) -> Vec<Track> {
        self.tracker
            .tracks()
            .filter(|t| {
                wanted(&TrackSummary {
                    id: t.id(),
                    updated: Timestamp::from_secs_f64(t.last_update()),
                    status: t.status(),
                    domain: t.domain(),
                })
            })
            .map(|t| self.model_track(&t))
            .collect()
    }

    fn model_track(&self, t: &crate::tracker::TrackRef<'_>) -> Track {
        let motion = self.tracker.params().motion;
        let e = t.estimate_at(t.time(), &motion);
        let (lat, lon) = match e.frame {
            Frame::Geo(a) => a.to_geodetic(e.en),
            Frame::Flat(_) => (e.point[1], e.point[0]),
        };
        let identity = t
            .identity()
            .and_then(|k| self.identities.get(&k).cloned())
            .unwrap_or_default();
        let contributions = t
            .contributions()
            .iter()
            .filter_map(|c| {
                let s = self.sensors.get(c.source as usize)?;
                Some(Contribution {
                    sensor: s.sensor.clone(),
                    nation: s.nation,
                    kind: s.kind,
                    release: s.release.clone(),
                    last_seen: Timestamp::from_secs_f64(c.last_seen),
                    updates: c.updates,
                })
            })
            .collect();
        Track {
            id: t.id(),
            domain: t.domain(),
            status: t.status(),
            position: GeoPoint::new(lat, lon),
            velocity: Velocity {
                east_mps: e.velocity[0],
                north_mps: e.velocity[1],
                up_mps: None,
                sigma_mps: None,
            },
            covariance: e.cov,
            identity,
            contributions,
            created: Timestamp::from_secs_f64(t.created()),
            updated: Timestamp::from_secs_f64(t.last_update()),
        }
    }
}

/// What a track is, in brief: enough to tell whether it changed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackSummary {
    pub id: TrackId,
    pub updated: Timestamp,
    pub status: TrackStatus,
    pub domain: Domain,
}

fn id_key(id: &Identity) -> Option<IdKey> {
    id.mmsi
        .map(IdKey::Mmsi)
        .or_else(|| id.icao24.map(IdKey::Icao))
}

/// Keeps the newest value of every field a report carries.
fn merge_identity(into: &mut Identity, from: &Identity) {
    macro_rules! take {
        ($($f:ident),*) => {$( if from.$f.is_some() { into.$f = from.$f.clone(); } )*};
    }
    take!(
        mmsi,
        imo,
        callsign,
        icao24,
        squawk,
        name,
        ship_type,
        aircraft_type
    );
}

/// Converts a measurement into the tracker's plot, checking it first.
pub fn to_plot(m: &Measurement, source: u32) -> Result<Plot, MeasurementError> {
    m.validate()?;
    let p = m.position;
    let polar = m.polar.map(|pp| PolarPlot {
        site: Frame::Geo(Anchor::new(pp.site.lat, pp.site.lon)),
        range_m: pp.range_m,
        azimuth: pp.azimuth_deg.to_radians(),
        sigma_range_m: pp.sigma_range_m,
        sigma_azimuth: pp.sigma_azimuth_deg.to_radians(),
    });
    Ok(Plot {
        time: m.time.as_secs_f64(),
        point: geodesy::to_ecef(p.lat, p.lon, 0.0),
        cov: [m.accuracy.ee, m.accuracy.en, m.accuracy.nn],
        polar,
        identity: id_key(&m.identity),
        source,
        altitude_m: p.alt_m,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cuenca_model::{Polar, PositionCov};

    fn radar_batch(nation: NationId, sensor: &SensorId, t0: i64, k: i64) -> MeasurementBatch {
        // A boat 40 km north-east of the site at 10 m/s east, seen by range/azimuth.
        let (site_lat, site_lon) = (10.4, -75.55);
        let (lat, lon) = geodesy::destination(site_lat, site_lon, 45.0, 40_000.0);
        let (lat, lon) = geodesy::destination(lat, lon, 90.0, 100.0 * k as f64);
        let range = geodesy::distance_m(site_lat, site_lon, lat, lon);
        let az = geo_bearing(site_lat, site_lon, lat, lon);
        let mut b = MeasurementBatch::new(nation, sensor.clone(), k as u64);
        b.measurements.push(Measurement {
            sensor: sensor.clone(),
            nation,
            time: Timestamp::from_micros(t0 + k * 10_000_000),
            kind: MeasurementKind::RadarPlot,
            position: GeoPoint::new(lat, lon),
            accuracy: PositionCov::circular(80.0),
            velocity: None,
            polar: Some(Polar {
                site: GeoPoint::new(site_lat, site_lon),
                range_m: range,
                azimuth_deg: az,
                sigma_range_m: 30.0,
                sigma_azimuth_deg: 0.1,
            }),
            identity: Identity::default(),
            release: ReleaseTo::AllMembers,
        });
        b
    }

    fn geo_bearing(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
        use geo::{Bearing, Geodesic, Point};
        Geodesic.bearing(Point::new(lon1, lat1), Point::new(lon2, lat2))
    }

    #[test]
    fn radar_polar_plots_make_a_confirmed_track_in_the_right_place() {
        let mut p = Picture::new(TrackerParams::default());
        let (col, id) = (
            NationId::new("COL").unwrap(),
            SensorId::new("col-r").unwrap(),
        );
        p.register(SensorInfo {
            sensor: id.clone(),
            nation: col,
            kind: MeasurementKind::RadarPlot,
            release: ReleaseTo::OwnerOnly,
            coverage: Some((GeoPoint::new(10.4, -75.55), 150_000.0)),
        });
        let t0 = 1_795_000_000_000_000;
        for k in 0..6 {
            let (ing, _) = p
                .ingest(MeasurementKind::RadarPlot, &radar_batch(col, &id, t0, k))
                .unwrap();
            assert_eq!(ing.accepted, 1);
        }
        let tracks = p.tracks();
        assert_eq!(tracks.len(), 1);
        let t = &tracks[0];
        assert_eq!(t.status, cuenca_model::TrackStatus::Confirmed);
        let (lat, lon) = geodesy::destination(10.4, -75.55, 45.0, 40_000.0);
        let (lat, lon) = geodesy::destination(lat, lon, 90.0, 500.0);
        assert!(geodesy::distance_m(t.position.lat, t.position.lon, lat, lon) < 60.0);
        assert!((t.speed_mps() - 10.0).abs() < 3.0, "{}", t.speed_mps());
        // The configured release is what the track carries.
        assert_eq!(t.contributions[0].release, ReleaseTo::OwnerOnly);
        assert!(!t.visible_to(NationId::new("USA").unwrap()));
    }

    #[test]
    fn unknown_sensor_and_bad_measurements_are_refused_and_counted() {
        let mut p = Picture::new(TrackerParams::default());
        let (col, id) = (
            NationId::new("COL").unwrap(),
            SensorId::new("col-r").unwrap(),
        );
        let b = radar_batch(col, &id, 0, 0);
        assert_eq!(
            p.ingest(MeasurementKind::RadarPlot, &b)
                .unwrap_err()
                .reason(),
            "unknown_sensor"
        );
        p.register(SensorInfo {
            sensor: id.clone(),
            nation: col,
            kind: MeasurementKind::RadarPlot,
            release: ReleaseTo::AllMembers,
            coverage: None,
        });
        assert_eq!(
            p.ingest(MeasurementKind::AisReport, &b)
                .unwrap_err()
                .reason(),
            "wrong_kind"
        );
        let mut bad = b.clone();
        bad.measurements[0].position.lat = f64::NAN;
        bad.measurements.push(b.measurements[0].clone());
        let (ing, _) = p.ingest(MeasurementKind::RadarPlot, &bad).unwrap();
        assert_eq!(ing.accepted, 1);
        assert_eq!(ing.rejected.get("bad_position"), Some(&1));
    }
}
