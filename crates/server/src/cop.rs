//! The served picture: one [`View`] per audience, replaced at every update, with the
//! changes since the previous one broadcast to live streams and zenoh.
//!
//! Each track's GeoJSON feature is serialised once, when the track changes, and then
//! copied as bytes into every response, stream message and zenoh sample that carries
//! it; a bbox query walks an R-tree of the view. That is what lets one core answer tens
//! of thousands of map queries a second over 100,000 tracks.

use crate::api::{Feature, HistoryPoint};
use crate::release::{self, Audience};
use cuenca_fusion::picture::Picture;
use cuenca_model::{Domain, NationId, Timestamp, Track, TrackId, TrackStatus};
use rstar::primitives::GeomWithData;
use rstar::{RTree, AABB};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::broadcast;

/// One track as served: the (already released) track and its feature's JSON.
#[derive(Debug)]
pub struct Entry {
    pub track: Track,
    pub feature: Box<str>,
}

impl Entry {
    /// Builds the entry, serialising the feature once.
    pub fn new(track: Track) -> Entry {
        let feature = serde_json::to_string(&Feature::from(&track))
            .unwrap_or_default()
            .into_boxed_str();
        Entry { track, feature }
    }
}

type Located = GeomWithData<[f64; 2], u32>;

/// One audience's picture at one time.
#[derive(Debug, Default)]
pub struct View {
    pub time: Timestamp,
    /// Sorted by track id.
    pub entries: Vec<Arc<Entry>>,
    by_id: HashMap<TrackId, u32>,
    rtree: RTree<Located>,
}

impl View {
    /// The view of `entries` (any order) at `time`.
    pub fn new(time: Timestamp, mut entries: Vec<Arc<Entry>>) -> View {
        entries.sort_unstable_by_key(|e| e.track.id);
        let by_id = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.track.id, i as u32))
            .collect();
        let points = entries
            .iter()
            .enumerate()
            .map(|(i, e)| GeomWithData::new([e.track.position.lon, e.track.position.lat], i as u32))
            .collect();
        View {
            time,
            entries,
            by_id,
            rtree: RTree::bulk_load(points),
        }
    }

    /// The entry for `id`, if this view has it.
    pub fn get(&self, id: TrackId) -> Option<&Arc<Entry>> {
        self.by_id
            .get(&id)
            .and_then(|&i| self.entries.get(i as usize))
    }

    /// Indices (in id order) of the entries inside `bbox`, or of all when `None`.
    pub fn select(&self, bbox: Option<&BBox>) -> Vec<u32> {
        match bbox {
            None => (0..self.entries.len() as u32).collect(),
            Some(b) => {
                let mut out: Vec<u32> = b
                    .boxes()
                    .iter()
                    .flat_map(|aabb| self.rtree.locate_in_envelope(*aabb).map(|p| p.data))
                    .collect();
                out.sort_unstable();
                out.dedup();
                out
            }
        }
    }
}

/// A lon/lat box; `west > east` crosses the antimeridian (RFC 7946 §5.2).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    pub west: f64,
    pub south: f64,
    pub east: f64,
    pub north: f64,
}

impl BBox {
    fn boxes(&self) -> Vec<AABB<[f64; 2]>> {
        if self.west <= self.east {
            vec![AABB::from_corners(
                [self.west, self.south],
                [self.east, self.north],
            )]
        } else {
            vec![
                AABB::from_corners([self.west, self.south], [180.0, self.north]),
                AABB::from_corners([-180.0, self.south], [self.east, self.north]),
            ]
        }
    }

    /// Whether the point lies inside.
    pub fn contains(&self, lon: f64, lat: f64) -> bool {
        let in_lon = if self.west <= self.east {
            (self.west..=self.east).contains(&lon)
        } else {
            lon >= self.west || lon <= self.east
        };
        in_lon && (self.south..=self.north).contains(&lat)
    }
}

/// What changed between two views, indexed once so that each of many stream
/// clients looks only at the changes inside its own box.
#[derive(Debug, Default)]
pub struct Delta {
    pub time: Timestamp,
    pub updated: Vec<Arc<Entry>>,
    pub deleted: Vec<TrackId>,
    by_id: HashMap<TrackId, u32>,
    rtree: RTree<Located>,
}

impl Delta {
    /// Builds the indexes over `updated`.
    fn index(&mut self) {
        self.by_id = self
            .updated
            .iter()
            .enumerate()
            .map(|(i, e)| (e.track.id, i as u32))
            .collect();
        self.rtree = RTree::bulk_load(
            self.updated
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    GeomWithData::new([e.track.position.lon, e.track.position.lat], i as u32)
                })
                .collect(),
        );
    }

    /// Indices of the updated entries inside `bbox` (all when `None`).
    pub fn select(&self, bbox: Option<&BBox>) -> Vec<u32> {
        match bbox {
            None => (0..self.updated.len() as u32).collect(),
            Some(b) => b
                .boxes()
                .iter()
                .flat_map(|aabb| self.rtree.locate_in_envelope(*aabb).map(|p| p.data))
                .collect(),
        }
    }

    /// The updated entry for `id`, if this delta has one.
    pub fn get(&self, id: TrackId) -> Option<&Arc<Entry>> {
        self.by_id
            .get(&id)
            .and_then(|&i| self.updated.get(i as usize))
    }
}

/// One audience's served state: latest view, history and the update channel.
#[derive(Debug)]
pub struct AudienceState {
    pub audience: Audience,
    view: RwLock<Arc<View>>,
    history: Mutex<HashMap<TrackId, VecDeque<HistoryPoint>>>,
    updates: broadcast::Sender<Arc<Delta>>,
    history_points: usize,
}

impl AudienceState {
    /// An empty picture for `audience`.
    pub fn new(audience: Audience, history_points: usize) -> AudienceState {
        // Deltas queue here only briefly: each stream client drains its receiver at
        // once into its own bounded queue, where slowness is judged.
        let (updates, _) = broadcast::channel(64);
        AudienceState {
            audience,
            view: RwLock::new(Arc::new(View::default())),
            history: Mutex::new(HashMap::new()),
            updates,
            history_points,
        }
    }

    /// The latest view.
    pub fn view(&self) -> Arc<View> {
        self.view.read().map(|v| Arc::clone(&v)).unwrap_or_default()
    }

    /// Subscribes to the deltas of later updates.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Delta>> {
        self.updates.subscribe()
    }

    /// Live stream receivers.
    pub fn subscribers(&self) -> usize {
        self.updates.receiver_count()
    }

    /// The recent positions of `id`, oldest first, between `from` and `to`.
    pub fn history(&self, id: TrackId, from: Timestamp, to: Timestamp) -> Vec<HistoryPoint> {
        self.history
            .lock()
            .ok()
            .and_then(|h| {
                h.get(&id).map(|q| {
                    q.iter()
                        .filter(|p| p.time >= from && p.time <= to)
                        .copied()
                        .collect()
                })
            })
            .unwrap_or_default()
    }

    /// Replaces the view with the picture's `tracks` at `time` and returns what
    /// changed. A track whose update time, status, domain and identity did not change
    /// keeps its entry (and serialised feature).
    pub fn update(&self, time: Timestamp, tracks: Vec<Track>) -> Arc<Delta> {
        let prev = self.view();
        let mut entries = Vec::with_capacity(tracks.len());
        let mut changed = Vec::new();
        for t in tracks {
            let same = prev.get(t.id).filter(|e| {
                e.track.updated == t.updated
                    && e.track.status == t.status
                    && e.track.domain == t.domain
                    && e.track.identity == t.identity
            });
            match same {
                Some(e) => entries.push(Arc::clone(e)),
                None => changed.push(t),
            }
        }
        self.replace(time, &prev, entries, changed)
    }

    /// Like [`update`](Self::update) straight from the audience's picture: only
    /// tracks that changed are converted, so an update costs little more than the
    /// number of changes (plus rebuilding the indexes).
    pub fn refresh(&self, time: Timestamp, picture: &Picture) -> Arc<Delta> {
        let prev = self.view();
        let mut entries = Vec::with_capacity(prev.entries.len() + 16);
        let changed = picture.tracks_where(|s| match prev.get(s.id) {
            Some(e)
                if e.track.updated == s.updated
                    && e.track.status == s.status
                    && e.track.domain == s.domain =>
            {
                entries.push(Arc::clone(e));
                false
            }
            _ => true,
        });
        self.replace(time, &prev, entries, changed)
    }

    /// The new view: `kept` entries plus the `changed` tracks. Every changed track
    /// passes [`release::releasable_to`] on the way in; one that fails is left out
    /// and logged, never served.
    fn replace(
        &self,
        time: Timestamp,
        prev: &View,
        mut entries: Vec<Arc<Entry>>,
        changed: Vec<Track>,
    ) -> Arc<Delta> {
        let mut delta = Delta {
            time,
            ..Delta::default()
        };
        for t in changed {
            if !release::releasable_to(&t, &self.audience) {
                tracing::error!(track = %t.id, "track carries data not released to its audience; withheld");
                continue;
            }
            let e = Arc::new(Entry::new(t));
            delta.updated.push(Arc::clone(&e));
            entries.push(e);
        }
        let next = View::new(time, entries);
        delta.deleted = prev
            .entries
            .iter()
            .map(|e| e.track.id)
            .filter(|id| next.get(*id).is_none())
            .collect();
        if let Ok(mut h) = self.history.lock() {
            for e in &delta.updated {
                let t = &e.track;
                let q = h.entry(t.id).or_default();
                if q.back().is_some_and(|p| p.time == t.updated) {
                    continue;
                }
                if q.len() == self.history_points {
                    q.pop_front();
                }
                q.push_back(HistoryPoint {
                    time: t.updated,
                    lat: t.position.lat,
                    lon: t.position.lon,
                    speed_mps: t.speed_mps(),
                    course_deg: t.course_deg(),
                });
            }
            for id in &delta.deleted {
                h.remove(id);
            }
        }
        if let Ok(mut v) = self.view.write() {
            *v = Arc::new(next);
        }
        delta.index();
        let delta = Arc::new(delta);
        if !delta.updated.is_empty() || !delta.deleted.is_empty() {
            // No receiver is not an error: nobody is streaming.
            let _ = self.updates.send(Arc::clone(&delta));
        }
        delta
    }
}

/// The picture as served: every audience, and which one each nation belongs to.
#[derive(Debug, Default)]
pub struct Cop {
    pub audiences: Vec<AudienceState>,
    by_nation: HashMap<NationId, usize>,
}

impl Cop {
    /// Served state for `plan` (see [`release::plan`]).
    pub fn new(plan: Vec<Audience>, history_points: usize) -> Cop {
        let mut by_nation = HashMap::new();
        for (i, a) in plan.iter().enumerate() {
            for &n in &a.nations {
                by_nation.insert(n, i);
            }
        }
        Cop {
            audiences: plan
                .into_iter()
                .map(|a| AudienceState::new(a, history_points))
                .collect(),
            by_nation,
        }
    }

    /// What `nation` may see; `None` for a nation that is not a member.
    pub fn for_nation(&self, nation: NationId) -> Option<&AudienceState> {
        self.by_nation
            .get(&nation)
            .and_then(|&i| self.audiences.get(i))
    }
}

/// Filters shared by `/tracks` and the streams.
#[derive(Debug, Clone, Default)]
pub struct TrackFilter {
    pub bbox: Option<BBox>,
    pub domains: Vec<Domain>,
    pub statuses: Vec<TrackStatus>,
    pub mmsi: Option<u32>,
    pub icao: Option<u32>,
    /// Upper case, trimmed.
    pub callsign: Option<String>,
    pub updated_since: Option<Timestamp>,
}

impl TrackFilter {
    /// Whether only the bbox is set, so an R-tree selection already decides.
    pub fn bbox_only(&self) -> bool {
        self.domains.is_empty()
            && self.statuses.is_empty()
            && self.mmsi.is_none()
            && self.icao.is_none()
            && self.callsign.is_none()
            && self.updated_since.is_none()
    }

    /// Whether `t` passes every filter.
    pub fn matches(&self, t: &Track) -> bool {
        self.bbox
            .is_none_or(|b| b.contains(t.position.lon, t.position.lat))
            && (self.domains.is_empty() || self.domains.contains(&t.domain))
            && (self.statuses.is_empty() || self.statuses.contains(&t.status))
            && self.mmsi.is_none_or(|m| t.identity.mmsi == Some(m))
            && self.icao.is_none_or(|a| t.identity.icao24 == Some(a))
            && self.callsign.as_ref().is_none_or(|c| {
                t.identity
                    .callsign
                    .as_deref()
                    .is_some_and(|x| x.trim().eq_ignore_ascii_case(c))
            })
            && self.updated_since.is_none_or(|s| t.updated >= s)
    }
}

/// Writes a stream message (see [`crate::api::StreamMessage`]) from cached features.
pub fn stream_message<'a>(
    time: Timestamp,
    full: bool,
    updated: impl Iterator<Item = &'a Entry>,
    deleted: impl Iterator<Item = TrackId>,
) -> String {
    let mut out = String::with_capacity(256);
    out.push_str("{\"time\":\"");
    out.push_str(&time.to_string());
    out.push_str("\",\"full\":");
    out.push_str(if full { "true" } else { "false" });
    out.push_str(",\"updated\":[");
    for (i, e) in updated.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&e.feature);
    }
    out.push_str("],\"deleted\":[");
    for (i, id) in deleted.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&id.0.to_string());
    }
    out.push_str("]}");
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use cuenca_model::*;

    /// A confirmed sea track from MEX's all-member AIS receiver (shared by tests).
    pub(crate) fn track(id: u64, lat: f64, lon: f64, updated: i64) -> Track {
        Track {
            id: TrackId(id),
            domain: Domain::Sea,
            status: TrackStatus::Confirmed,
            position: GeoPoint::new(lat, lon),
            velocity: Velocity::from_speed_course(5.0, 90.0),
            covariance: [
                [100.0, 0.0, 0.0, 0.0],
                [0.0, 400.0, 0.0, 0.0],
                [0.0; 4],
                [0.0; 4],
            ],
            identity: Identity::default(),
            contributions: vec![Contribution {
                sensor: SensorId::new("mex-ais-cozumel").unwrap(),
                nation: NationId::new("MEX").unwrap(),
                kind: MeasurementKind::AisReport,
                release: ReleaseTo::AllMembers,
                last_seen: Timestamp(updated),
                updates: 1,
            }],
            created: Timestamp(0),
            updated: Timestamp(updated),
        }
    }

    fn state() -> AudienceState {
        let cfg = cuenca_config::Config::embedded().unwrap();
        let plan = release::plan(&cfg);
        let mex = plan
            .into_iter()
            .find(|a| a.nations.iter().any(|n| n.as_str() == "MEX"))
            .unwrap();
        AudienceState::new(mex, 3)
    }

    #[test]
    fn update_reports_changes_deletions_and_keeps_bounded_history() {
        let s = state();
        let d = s.update(
            Timestamp(1),
            vec![track(1, 20.0, -86.0, 1), track(2, 21.0, -87.0, 1)],
        );
        assert_eq!((d.updated.len(), d.deleted.len()), (2, 0));
        // Track 1 unchanged, track 2 moved, track 3 new.
        let d = s.update(
            Timestamp(2),
            vec![
                track(1, 20.0, -86.0, 1),
                track(2, 21.1, -87.0, 2),
                track(3, 22.0, -85.0, 2),
            ],
        );
        let ids: Vec<u64> = d.updated.iter().map(|e| e.track.id.0).collect();
        assert_eq!(ids, vec![2, 3]);
        assert!(d.deleted.is_empty());
        let d = s.update(Timestamp(3), vec![track(2, 21.2, -87.0, 3)]);
        assert_eq!(d.deleted, vec![TrackId(1), TrackId(3)]);
        for k in 4..10 {
            s.update(
                Timestamp(k),
                vec![track(2, 21.0 + k as f64 * 0.1, -87.0, k)],
            );
        }
        let h = s.history(TrackId(2), Timestamp(0), Timestamp(100));
        assert_eq!(h.len(), 3, "bounded to history_points");
        assert_eq!(h[2].time, Timestamp(9));
        assert!(s
            .history(TrackId(1), Timestamp(0), Timestamp(100))
            .is_empty());
        assert_eq!(s.view().entries.len(), 1);
    }

    #[test]
    fn a_track_with_unreleased_data_is_withheld() {
        let s = state();
        let mut t = track(7, 16.5, -85.9, 1);
        t.contributions.push(Contribution {
            sensor: SensorId::new("hnd-radar-guanaja").unwrap(),
            nation: NationId::new("HND").unwrap(),
            kind: MeasurementKind::RadarPlot,
            release: ReleaseTo::OwnerOnly,
            last_seen: Timestamp(1),
            updates: 1,
        });
        let d = s.update(Timestamp(1), vec![t, track(8, 20.0, -86.0, 1)]);
        assert_eq!(d.updated.len(), 1);
        assert!(s.view().get(TrackId(7)).is_none());
    }

    #[test]
    fn bbox_select_matches_a_linear_scan_including_the_antimeridian() {
        let mut entries = Vec::new();
        for i in 0..2000u64 {
            let lat = -60.0 + (i as f64 * 7.31) % 120.0;
            let lon = -180.0 + (i as f64 * 13.7) % 360.0;
            entries.push(Arc::new(Entry::new(track(i, lat, lon, 1))));
        }
        let v = View::new(Timestamp(1), entries);
        for b in [
            BBox {
                west: -100.0,
                south: 5.0,
                east: -55.0,
                north: 32.0,
            },
            BBox {
                west: 170.0,
                south: -10.0,
                east: -170.0,
                north: 10.0,
            },
            BBox {
                west: 0.0,
                south: 0.0,
                east: 0.0,
                north: 0.0,
            },
        ] {
            let got = v.select(Some(&b));
            let want: Vec<u32> = v
                .entries
                .iter()
                .enumerate()
                .filter(|(_, e)| b.contains(e.track.position.lon, e.track.position.lat))
                .map(|(i, _)| i as u32)
                .collect();
            assert_eq!(got, want, "{b:?}");
        }
    }

    #[test]
    fn stream_message_is_valid_json() {
        let e = Entry::new(track(5, 20.0, -86.0, 1));
        let m = stream_message(
            Timestamp(1),
            true,
            [&e].into_iter(),
            [TrackId(9)].into_iter(),
        );
        let v: serde_json::Value = serde_json::from_str(&m).unwrap();
        assert_eq!(v["updated"][0]["id"], 5);
        assert_eq!(v["updated"][0]["geometry"]["coordinates"][0], -86.0);
        assert_eq!(v["deleted"][0], 9);
        assert_eq!(v["full"], true);
    }
}
