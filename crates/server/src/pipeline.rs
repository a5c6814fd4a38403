//! From the bus to the picture: check, fuse per audience, update the views, publish.

use crate::cop::{stream_message, Cop};
use crate::release::{self, Audience};
use cuenca_bus::Bus;
use cuenca_config::{Config, FusionConfig};
use cuenca_fusion::picture::{Picture, SensorInfo};
use cuenca_fusion::tracker::TrackerParams;
use cuenca_model::{keys, NationId, SensorId, Timestamp};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Per-sensor counters for `/api/v1/sensors`.
#[derive(Debug, Clone, Default)]
pub struct SensorStats {
    pub last_seen: Option<Timestamp>,
    pub batches: u64,
    pub measurements: u64,
    pub errors: u64,
}

/// Counters shared with the HTTP side.
#[derive(Debug, Default)]
pub struct Metrics {
    pub batches_received: AtomicU64,
    pub measurements_accepted: AtomicU64,
    /// Refusals by reason, whole batches and single measurements alike.
    pub rejected: Mutex<BTreeMap<&'static str, u64>>,
    pub sensors: Mutex<HashMap<SensorId, SensorStats>>,
    /// HTTP responses by status code.
    pub http: Mutex<BTreeMap<u16, u64>>,
    pub streams_opened: AtomicU64,
    /// Stream clients dropped for falling behind.
    pub streams_dropped_slow: AtomicU64,
    pub updates: AtomicU64,
}

impl Metrics {
    fn reject(&self, reason: &'static str, n: u64) {
        if let Ok(mut m) = self.rejected.lock() {
            *m.entry(reason).or_default() += n;
        }
    }

    /// Counts one HTTP response.
    pub fn http_response(&self, status: u16) {
        if let Ok(mut m) = self.http.lock() {
            *m.entry(status).or_default() += 1;
        }
    }
}

/// State shared between the pipeline and the egresses.
#[derive(Debug, Default)]
pub struct Shared {
    pub cop: Cop,
    pub metrics: Metrics,
    pub ready: AtomicBool,
}

impl Shared {
    /// Served state for `cfg`'s audiences.
    pub fn new(cfg: &Config) -> Shared {
        Shared {
            cop: Cop::new(release::plan(cfg), cfg.cop.history_points),
            ..Shared::default()
        }
    }
}

/// Tracker settings from the `[fusion]` section.
pub fn tracker_params(f: &FusionConfig) -> TrackerParams {
    TrackerParams {
        confirm_hits: f.confirm_hits,
        confirm_window: f.confirm_window,
        delete_after_s: [
            f.delete_after_sea_s,
            f.delete_after_air_s,
            f.delete_after_unknown_s,
        ],
        oosm_window_s: f.oosm_window_s,
        max_future_s: f.max_future_s,
        ..TrackerParams::default()
    }
}

/// A picture with `sensors` (all configured ones when `None`) registered.
pub fn picture(cfg: &Config, only: Option<&Audience>) -> Picture {
    let mut p = Picture::new(tracker_params(&cfg.fusion));
    for s in &cfg.sensors {
        if only.is_some_and(|a| !a.sensors.contains(&s.id)) {
            continue;
        }
        p.register(SensorInfo {
            sensor: s.id.clone(),
            nation: s.nation,
            kind: s.kind,
            release: s.release.clone(),
            coverage: Some((s.site.into(), s.range_km * 1000.0)),
        });
    }
    p
}

/// One picture per audience, and which pictures each sensor feeds.
pub struct Fusion {
    pictures: Vec<Picture>,
    /// Per sensor: the audiences it feeds, and the one whose result is counted (the
    /// owner's, so each measurement is counted once).
    routes: HashMap<(NationId, SensorId), (Vec<usize>, usize)>,
}

impl Fusion {
    /// Pictures for `cop`'s audiences.
    pub fn new(cfg: &Config, cop: &Cop) -> Fusion {
        let pictures = cop
            .audiences
            .iter()
            .map(|a| picture(cfg, Some(&a.audience)))
            .collect();
        let mut routes = HashMap::new();
        for s in &cfg.sensors {
            let feeds: Vec<usize> = cop
                .audiences
                .iter()
                .enumerate()
                .filter(|(_, a)| a.audience.sensors.contains(&s.id))
                .map(|(i, _)| i)
                .collect();
            let owner = cop
                .audiences
                .iter()
                .position(|a| a.audience.nations.contains(&s.nation));
            if let Some(owner) = owner.filter(|o| feeds.contains(o)) {
                routes.insert((s.nation, s.id.clone()), (feeds, owner));
            }
        }
        Fusion { pictures, routes }
    }

    /// Checks and fuses one sample; every refusal is counted by reason.
    pub fn ingest(&mut self, metrics: &Metrics, key: &str, payload: &[u8]) {
        metrics.batches_received.fetch_add(1, Ordering::Relaxed);
        let (kind, batch) = match cuenca_bus::accept(key, payload) {
            Ok(x) => x,
            Err(e) => {
                tracing::debug!(key, error = %e, "batch refused");
                metrics.reject(e.reason(), 1);
                return;
            }
        };
        let Some((feeds, owner)) = self.routes.get(&(batch.nation, batch.sensor.clone())) else {
            tracing::debug!(sensor = %batch.sensor, nation = %batch.nation, "batch from an unknown sensor");
            metrics.reject("unknown_sensor", 1);
            return;
        };
        let now = Timestamp::now();
        for &i in feeds {
            let p = &mut self.pictures[i];
            p.set_wall_clock(now);
            let result = p.ingest(kind, &batch);
            if i != *owner {
                continue;
            }
            match result {
                Ok((ing, _)) => {
                    metrics
                        .measurements_accepted
                        .fetch_add(ing.accepted as u64, Ordering::Relaxed);
                    let errors: usize = ing.rejected.values().sum();
                    for (r, n) in ing.rejected {
                        metrics.reject(r, n as u64);
                    }
                    if let Ok(mut s) = metrics.sensors.lock() {
                        let st = s.entry(batch.sensor.clone()).or_default();
                        st.last_seen = Some(now);
                        st.batches += 1;
                        st.measurements += batch.measurements.len() as u64;
                        st.errors += errors as u64;
                    }
                }
                Err(e) => {
                    tracing::debug!(sensor = %batch.sensor, error = %e, "batch refused");
                    metrics.reject(e.reason(), 1);
                }
            }
        }
    }

    /// Snapshots every picture into its audience's view.
    pub fn update(&self, shared: &Shared, now: Timestamp) -> Vec<Arc<crate::cop::Delta>> {
        shared.metrics.updates.fetch_add(1, Ordering::Relaxed);
        self.pictures
            .iter()
            .zip(&shared.cop.audiences)
            .map(|(p, a)| a.refresh(now, p))
            .collect()
    }
}

/// Runs until the bus closes: ingests every batch and, every `cop.update_interval_ms`,
/// updates the views, publishes each member nation's changes on
/// `cuenca/cop/<nation>/tracks` and answers queries there with its whole picture.
pub async fn run(bus: Bus, cfg: Config, shared: Arc<Shared>) -> Result<(), cuenca_bus::BusError> {
    let rx = bus.subscribe_measurements().await?;
    let mut fusion = Fusion::new(&cfg, &shared.cop);
    let answering = Arc::clone(&shared);
    bus.answer_queries(keys::ALL_COP_TRACKS, move |key| {
        let a = answering.cop.for_nation(keys::parse_cop_tracks(key)?)?;
        let v = a.view();
        let msg = stream_message(
            v.time,
            true,
            v.entries.iter().map(|e| &**e),
            std::iter::empty(),
        );
        Some(msg.into_bytes())
    })
    .await?;
    let mut tick = tokio::time::interval(Duration::from_millis(cfg.cop.update_interval_ms));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    shared.ready.store(true, Ordering::Relaxed);
    loop {
        tokio::select! {
            item = rx.recv_async() => {
                let Ok((key, payload)) = item else { break };
                fusion.ingest(&shared.metrics, &key, &payload);
            }
            _ = tick.tick() => {
                let deltas = fusion.update(&shared, Timestamp::now());
                for (a, d) in shared.cop.audiences.iter().zip(deltas) {
                    if d.updated.is_empty() && d.deleted.is_empty() {
                        continue;
                    }
                    let msg = stream_message(d.time, false, d.updated.iter().map(|e| &**e), d.deleted.iter().copied());
                    for &n in &a.audience.nations {
                        if let Err(e) = bus.put(&keys::cop_tracks(n), msg.clone().into_bytes()).await {
                            tracing::warn!(nation = %n, error = %e, "cannot publish picture");
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use cuenca_model::*;

    fn batch(
        (nation, sensor, kind): (&str, &str, MeasurementKind),
        seq: u64,
        t: Timestamp,
        (lat, lon): (f64, f64),
        mmsi: Option<u32>,
    ) -> (String, Vec<u8>) {
        let (n, s) = (
            NationId::new(nation).unwrap(),
            SensorId::new(sensor).unwrap(),
        );
        let mut b = MeasurementBatch::new(n, s.clone(), seq);
        b.measurements.push(Measurement {
            sensor: s.clone(),
            nation: n,
            time: t,
            kind,
            position: GeoPoint::new(lat, lon),
            accuracy: PositionCov::circular(if mmsi.is_some() { 10.0 } else { 60.0 }),
            velocity: None,
            polar: None,
            identity: Identity {
                mmsi,
                ..Identity::default()
            },
            release: ReleaseTo::AllMembers,
        });
        (keys::sensor(n, kind, &s), wire::encode(&b))
    }

    fn view_of(shared: &Shared, nation: &str) -> Vec<Track> {
        let a = shared
            .cop
            .for_nation(NationId::new(nation).unwrap())
            .unwrap();
        a.view().entries.iter().map(|e| e.track.clone()).collect()
    }

    /// A vessel seen by an all-member AIS receiver and by COL's radar (released to
    /// PAN and USA only) is one fused track for USA, and for MEX a track built from
    /// the AIS reports alone: the same estimate a picture fed only AIS would give.
    #[test]
    fn a_fused_track_is_rebuilt_from_released_data_only() {
        let cfg = Config::embedded().unwrap();
        let shared = Shared::new(&cfg);
        let mut fusion = Fusion::new(&cfg, &shared.cop);
        let mut ais_only = picture(&cfg, None);
        let t0 = Timestamp::now() + -120.0;
        let mmsi = Some(730_000_001);
        for k in 0..8u64 {
            let lon = -75.70 + 0.002 * k as f64;
            let (key, frame) = batch(
                ("JAM", "jam-ais-kingston", MeasurementKind::AisReport),
                k,
                t0 + k as f64 * 10.0,
                (10.60, lon),
                mmsi,
            );
            fusion.ingest(&shared.metrics, &key, &frame);
            let (_, b) = cuenca_bus::accept(&key, &frame).unwrap();
            ais_only.set_wall_clock(Timestamp::now());
            ais_only.ingest(MeasurementKind::AisReport, &b).unwrap();
            let (key, frame) = batch(
                ("COL", "col-radar-cartagena", MeasurementKind::RadarPlot),
                k,
                t0 + (k as f64 * 10.0 + 5.0),
                (10.6003, lon + 0.001),
                None,
            );
            fusion.ingest(&shared.metrics, &key, &frame);
        }
        fusion.update(&shared, Timestamp::now());
        let usa = view_of(&shared, "USA");
        assert_eq!(usa.len(), 1, "{usa:#?}");
        let sensors: Vec<&str> = usa[0]
            .contributions
            .iter()
            .map(|c| c.sensor.as_str())
            .collect();
        assert!(sensors.contains(&"col-radar-cartagena") && sensors.contains(&"jam-ais-kingston"));

        let mex = view_of(&shared, "MEX");
        assert_eq!(mex.len(), 1, "no radar-only ghost either: {mex:#?}");
        let m = &mex[0];
        assert_eq!(m.identity.mmsi, mmsi);
        assert_eq!(m.contributions.len(), 1);
        assert_eq!(m.contributions[0].sensor.as_str(), "jam-ais-kingston");
        let alone = ais_only.tracks();
        assert_eq!(alone.len(), 1);
        assert_eq!(m.position, alone[0].position, "MEX's estimate is AIS-only");
        assert_eq!(m.covariance, alone[0].covariance);
        assert_ne!(
            m.position, usa[0].position,
            "the radar did move USA's estimate"
        );
        // Nothing new: the next update reuses every entry and reports no change.
        let again = fusion.update(&shared, Timestamp::now());
        assert!(again
            .iter()
            .all(|d| d.updated.is_empty() && d.deleted.is_empty()));
        assert_eq!(view_of(&shared, "MEX")[0].position, m.position);
        // Each measurement was counted once, not once per audience.
        assert_eq!(
            shared.metrics.measurements_accepted.load(Ordering::Relaxed),
            16
        );
    }
}
