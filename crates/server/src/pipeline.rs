//! From the bus to the picture: check, fuse, snapshot, publish.

use crate::release::{view, Viewer};
use cuenca_bus::Bus;
use cuenca_config::{Config, FusionConfig};
use cuenca_fusion::picture::{Picture, SensorInfo};
use cuenca_fusion::tracker::TrackerParams;
use cuenca_model::{keys, NationId, SensorId, Timestamp, Track};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

/// The picture as last published.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub time: Timestamp,
    pub tracks: Vec<Track>,
}

/// Per-sensor counters for `/api/v1/sensors`.
#[derive(Debug, Clone, Default, serde::Serialize)]
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
}

impl Metrics {
    fn reject(&self, reason: &'static str, n: u64) {
        if let Ok(mut m) = self.rejected.lock() {
            *m.entry(reason).or_default() += n;
        }
    }
}

/// State shared between the pipeline and the HTTP server.
#[derive(Debug, Default)]
pub struct Shared {
    pub snapshot: RwLock<Arc<Snapshot>>,
    pub metrics: Metrics,
    pub ready: AtomicBool,
}

impl Shared {
    /// The latest snapshot.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .map(|s| Arc::clone(&s))
            .unwrap_or_default()
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

/// A picture with every configured sensor registered.
pub fn picture(cfg: &Config) -> Picture {
    let mut p = Picture::new(tracker_params(&cfg.fusion));
    for s in &cfg.sensors {
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

/// Runs until the bus closes: ingests every batch, and once a second snapshots the
/// picture and publishes each member nation's view on `cuenca/cop/<nation>/tracks`.
pub async fn run(bus: Bus, cfg: Config, shared: Arc<Shared>) -> Result<(), cuenca_bus::BusError> {
    let rx = bus.subscribe_measurements().await?;
    let mut picture = picture(&cfg);
    let members: Vec<NationId> = cfg.members.nations.clone();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    shared.ready.store(true, Ordering::Relaxed);
    loop {
        tokio::select! {
            item = rx.recv_async() => {
                let Ok((key, payload)) = item else { break };
                ingest(&mut picture, &shared.metrics, &key, &payload);
            }
            _ = tick.tick() => {
                let snap = Arc::new(Snapshot { time: Timestamp::now(), tracks: picture.tracks() });
                if let Ok(mut s) = shared.snapshot.write() {
                    *s = Arc::clone(&snap);
                }
                for &n in &members {
                    let visible: Vec<Track> = snap.tracks.iter().filter_map(|t| view(t, Viewer::Nation(n))).collect();
                    let body = serde_json::to_vec(&visible).unwrap_or_default();
                    if let Err(e) = bus.put(&keys::cop_tracks(n), body).await {
                        tracing::warn!(nation = %n, error = %e, "cannot publish picture");
                    }
                }
            }
        }
    }
    Ok(())
}

/// Checks and fuses one sample; every refusal is counted by reason.
pub fn ingest(picture: &mut Picture, metrics: &Metrics, key: &str, payload: &[u8]) {
    metrics.batches_received.fetch_add(1, Ordering::Relaxed);
    let (kind, batch) = match cuenca_bus::accept(key, payload) {
        Ok(x) => x,
        Err(e) => {
            tracing::debug!(key, error = %e, "batch refused");
            metrics.reject(e.reason(), 1);
            return;
        }
    };
    picture.set_wall_clock(Timestamp::now());
    match picture.ingest(kind, &batch) {
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
                st.last_seen = Some(Timestamp::now());
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
