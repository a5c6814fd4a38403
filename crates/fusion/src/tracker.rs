//! The multi-target tracker: gating, association, lifecycle and late measurements.
//!
//! Each call to [`Tracker::process`] takes one batch of [`Plot`]s from one sensor:
//!
//! 1. Every plot is checked (finite numbers, positive-definite covariance, time not in
//!    the future nor older than the out-of-sequence window); refusals are counted by
//!    [`Reject`] reason.
//! 2. Plots carrying an identity already held by a track (an MMSI, an ICAO address)
//!    update that track, unless the jump from the track is physically implausible:
//!    then the report starts a separate track and both are flagged.
//! 3. The other plots go through global nearest neighbour: the tracks' predicted
//!    gates are bulk-loaded into an R-tree, each plot looks up the gates it falls in,
//!    a Mahalanobis test on the innovation covariance keeps the real candidates, and
//!    an optimal assignment (see [`crate::assign`]) picks the pairs. A radar plot may
//!    update a track that carries an AIS identity: that is multi-sensor fusion.
//! 4. Unused plots start tentative tracks; tracks inside the batch's coverage that got
//!    nothing record a miss; M-of-N confirmation, coasting and deletion follow.
//!
//! A plot older than its track's last update is applied in order: the track rolls
//! back to its state before the first later update and replays them with the late
//! plot in place.

use crate::assign::{Objective, SparseSolver};
use crate::filter::{
    gaussian, innovation, mahalanobis, FilterState, Gaussian, Motion, Observation,
    RadarObservation, Transition,
};
use crate::geodesy::{self, Anchor};
use cuenca_model::{Domain, TrackId, TrackStatus};
use nalgebra::{Matrix4, Vector4};
use rstar::{RTree, RTreeObject, AABB};
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::ops::ControlFlow;

/// The coordinate space plots arrive in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    /// A flat x/y plane in metres (`point = [x, y, 0]`), as in the Stone Soup scenarios.
    Flat,
    /// WGS-84: `point` is ECEF in metres, and each track filters in its own tangent plane.
    Wgs84,
}

/// A plane a track filters in: the flat plane itself, or a tangent plane.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Frame {
    Flat([f64; 2]),
    Geo(Anchor),
}

impl Frame {
    /// A frame centred on `point`.
    pub fn at(space: Space, point: [f64; 3]) -> Frame {
        match space {
            Space::Flat => Frame::Flat([point[0], point[1]]),
            Space::Wgs84 => {
                let (lat, lon, _) = geodesy::from_ecef(point);
                Frame::Geo(Anchor::new(lat, lon))
            }
        }
    }

    /// Plane coordinates of a point.
    pub fn to_local(&self, p: [f64; 3]) -> [f64; 2] {
        match self {
            Frame::Flat(o) => [p[0] - o[0], p[1] - o[1]],
            Frame::Geo(a) => a.to_local(p),
        }
    }

    /// The point at plane coordinates `en`.
    pub fn to_point(&self, en: [f64; 2]) -> [f64; 3] {
        match self {
            Frame::Flat(o) => [o[0] + en[0], o[1] + en[1], 0.0],
            Frame::Geo(a) => a.to_ecef_en(en),
        }
    }

    /// Rotation of horizontal vectors from this frame into `other`.
    pub fn rotation_to(&self, other: &Frame) -> [[f64; 2]; 2] {
        match (self, other) {
            (Frame::Geo(a), Frame::Geo(b)) => a.rotation_to(b),
            _ => [[1.0, 0.0], [0.0, 1.0]],
        }
    }
}

/// An identity that lets reports be associated without geometry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKey {
    Mmsi(u32),
    Icao(u32),
}

/// A radar's own view of a plot.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PolarPlot {
    /// The radar site's plane (its north is the azimuth reference).
    pub site: Frame,
    pub range_m: f64,
    /// Radians clockwise from the site's north.
    pub azimuth: f64,
    pub sigma_range_m: f64,
    pub sigma_azimuth: f64,
}

/// One measurement as the tracker sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Plot {
    /// Seconds (since the Unix epoch in the service, since scenario start in `eval`).
    pub time: f64,
    /// Position in the tracker's [`Space`].
    pub point: [f64; 3],
    /// Horizontal covariance (east-east, east-north, north-north) in m².
    pub cov: [f64; 3],
    pub polar: Option<PolarPlot>,
    pub identity: Option<IdKey>,
    /// The caller's index of the sensor; reported back in [`Contribution`]s.
    pub source: u32,
    /// Height above the ellipsoid when the sensor knows it (aircraft).
    pub altitude_m: Option<f64>,
}

impl Plot {
    /// A position plot in the flat plane, as `eval` reads them.
    pub fn flat(time: f64, x: f64, y: f64, sigma: f64) -> Plot {
        Plot {
            time,
            point: [x, y, 0.0],
            cov: [sigma * sigma, 0.0, sigma * sigma],
            polar: None,
            identity: None,
            source: 0,
            altitude_m: None,
        }
    }

    fn observation(&self, frame: &Frame) -> Observation {
        match &self.polar {
            Some(p) => {
                let site_point = p.site.to_point([0.0, 0.0]);
                Observation::Polar(RadarObservation {
                    site: frame.to_local(site_point),
                    rot: frame.rotation_to(&p.site),
                    range: p.range_m,
                    azimuth: p.azimuth,
                    sigma_range: p.sigma_range_m,
                    sigma_az: p.sigma_azimuth,
                })
            }
            None => Observation::Position {
                z: frame.to_local(self.point),
                r: self.cov,
            },
        }
    }
}

/// Why a plot was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum Reject {
    #[error("position or time is not finite")]
    NonFinite,
    #[error("covariance is not positive definite")]
    BadCovariance,
    #[error("radar range or azimuth accuracy is not positive")]
    BadPolar,
    #[error("time is too far in the future")]
    Future,
    #[error("time is older than the out-of-sequence window")]
    TooOld,
    #[error("late plot predates its track's stored history")]
    OosmBeyondHistory,
    #[error("filter update failed (singular innovation covariance)")]
    Singular,
}

impl Reject {
    /// A short stable name for metrics.
    pub fn reason(self) -> &'static str {
        match self {
            Reject::NonFinite => "non_finite",
            Reject::BadCovariance => "bad_covariance",
            Reject::BadPolar => "bad_polar",
            Reject::Future => "future",
            Reject::TooOld => "too_old",
            Reject::OosmBeyondHistory => "oosm_beyond_history",
            Reject::Singular => "singular",
        }
    }
}

/// Which tracks a batch could have seen, for counting misses.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Coverage {
    /// Self-reporting feeds (AIS, ADS-B): silence says nothing about other tracks.
    None,
    /// The batch is a full scan of the whole space.
    All,
    /// A scan of everything within `radius_m` of `center`.
    Circle { center: [f64; 3], radius_m: f64 },
}

/// Tracker settings.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackerParams {
    pub motion: Motion,
    /// Squared Mahalanobis gate on the innovation (2 degrees of freedom).
    pub gate_d2: f64,
    /// Prior standard deviation of velocity for a track started from one plot, m/s.
    pub init_velocity_sd: f64,
    /// Confirm after this many hits ...
    pub confirm_hits: u32,
    /// ... within this many opportunities.
    pub confirm_window: u32,
    /// A confirmed track coasts after this many misses in a row ...
    pub coast_after_misses: u32,
    /// ... and is deleted after this many, or more where the track's own detection
    /// rate makes such a run likely (up to twice this; see `misses_allowed`). Misses
    /// are not counted for tracks with an identity.
    pub delete_after_misses: u32,
    /// Tracks not updated for this long are deleted: sea, air, unknown. For confirmed
    /// tracks without an identity that a batch's [`Coverage`] has included within this
    /// time, misses decide instead (see `delete_after_misses`); tracks with an identity
    /// (AIS, ADS-B) are only ever deleted by silence.
    pub delete_after_s: [f64; 3],
    /// Late plots up to this age behind the newest time are applied in order.
    pub oosm_window_s: f64,
    /// Plots further ahead of the wall clock than this are refused (see
    /// [`Tracker::set_wall_clock`]).
    pub max_future_s: f64,
    /// Without a wall clock (replays, `eval`), plots further ahead of the newest time
    /// than this are refused, so one bad time stamp cannot age out all good data.
    pub max_gap_s: f64,
    /// Fastest plausible speed for an identity jump check: sea, air, unknown (m/s).
    pub max_speed_mps: [f64; 3],
    /// A track re-centres its plane after moving this far from its anchor.
    pub reanchor_m: f64,
    /// How gates are indexed per batch.
    pub indexing: Indexing,
    /// Confirmed IMM tracks gate on each mode (else on the combined estimate).
    pub gate_per_mode: bool,
}

impl Default for TrackerParams {
    fn default() -> Self {
        TrackerParams {
            motion: Motion::Imm {
                q_quiet: 0.1,
                // A 250 m/s target turning at 1-3 °/s pulls 4-13 m/s² sideways.
                q_manoeuvre: 200.0,
                p_stay: 0.999,
            },
            gate_d2: 16.0,
            init_velocity_sd: 150.0,
            confirm_hits: 3,
            confirm_window: 4,
            coast_after_misses: 1,
            delete_after_misses: 5,
            delete_after_s: [600.0, 60.0, 120.0],
            oosm_window_s: 30.0,
            max_future_s: 10.0,
            max_gap_s: 86_400.0,
            max_speed_mps: [40.0, 350.0, 350.0],
            reanchor_m: 20_000.0,
            indexing: Indexing::BulkLoad,
            gate_per_mode: true,
        }
    }
}

fn domain_index(d: Domain) -> usize {
    match d {
        Domain::Sea => 0,
        Domain::Air => 1,
        Domain::Unknown => 2,
    }
}

/// One sensor's part in a track.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contribution {
    pub source: u32,
    pub last_seen: f64,
    pub updates: u32,
}

#[derive(Debug, Clone)]
struct Step {
    plot: Plot,
    /// The filter before this step's update, and its time.
    before: FilterState,
    before_time: f64,
}

#[derive(Debug, Clone)]
struct TrackRec {
    id: TrackId,
    frame: Frame,
    filter: FilterState,
    time: f64,
    created: f64,
    last_update: f64,
    status: TrackStatus,
    ever_confirmed: bool,
    hits: u32,
    opportunities: u32,
    misses_in_row: u32,
    identity: Option<IdKey>,
    identity_conflict: bool,
    domain: Domain,
    contributions: Vec<Contribution>,
    history: VecDeque<Step>,
    /// Set when a batch updated the track, to tell hits from misses.
    touched: bool,
    /// When a batch's coverage last included the track (hit or miss).
    last_covered: f64,
}

/// A read-only view of a track.
#[derive(Debug, Clone, Copy)]
pub struct TrackRef<'a> {
    rec: &'a TrackRec,
}

impl TrackRef<'_> {
    pub fn id(&self) -> TrackId {
        self.rec.id
    }
    pub fn status(&self) -> TrackStatus {
        self.rec.status
    }
    /// Whether the track has ever been confirmed (a track that coasts stays one).
    pub fn ever_confirmed(&self) -> bool {
        self.rec.ever_confirmed
    }
    pub fn domain(&self) -> Domain {
        self.rec.domain
    }
    pub fn identity(&self) -> Option<IdKey> {
        self.rec.identity
    }
    /// Two tracks claim this identity from implausibly far apart.
    pub fn identity_conflict(&self) -> bool {
        self.rec.identity_conflict
    }
    pub fn created(&self) -> f64 {
        self.rec.created
    }
    pub fn last_update(&self) -> f64 {
        self.rec.last_update
    }
    pub fn contributions(&self) -> &[Contribution] {
        &self.rec.contributions
    }
    /// The time of the filtered state.
    pub fn time(&self) -> f64 {
        self.rec.time
    }

    /// The combined position at time `t` (predicted from the filtered state), in the
    /// tracker's space: what [`TrackRef::estimate_at`] gives as `point`, without the
    /// covariance. Every mode moves by the same constant-velocity transition, so the
    /// predicted combined mean is the combined mean moved on at its own velocity.
    pub fn position_at(&self, t: f64) -> [f64; 3] {
        let x = self.rec.filter.mean();
        let dt = t - self.rec.time;
        self.rec
            .frame
            .to_point([x[0] + x[2] * dt, x[1] + x[3] * dt])
    }

    /// The combined estimate at time `t` (predicted from the filtered state), as
    /// `point` (in the tracker's space), velocity east/north and the 4×4 covariance
    /// over (east, north, v_east, v_north) in the track's plane.
    pub fn estimate_at(&self, t: f64, motion: &Motion) -> Estimate {
        let g = if t == self.rec.time {
            self.rec.filter.combined()
        } else {
            self.rec
                .filter
                .predict(t - self.rec.time, motion)
                .combined()
        };
        let x = g.state();
        let p = g.covariance();
        let mut cov = [[0.0; 4]; 4];
        for (i, row) in cov.iter_mut().enumerate() {
            for (j, v) in row.iter_mut().enumerate() {
                *v = p[(i, j)];
            }
        }
        Estimate {
            point: self.rec.frame.to_point([x[0], x[1]]),
            frame: self.rec.frame,
            en: [x[0], x[1]],
            velocity: [x[2], x[3]],
            cov,
        }
    }
}

/// A track's estimate at one time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub point: [f64; 3],
    pub frame: Frame,
    pub en: [f64; 2],
    pub velocity: [f64; 2],
    pub cov: [[f64; 4]; 4],
}

/// What one batch did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BatchReport {
    /// For each plot of the batch: the track it updated or started, or why it was refused.
    pub outcome: Vec<Result<TrackId, Reject>>,
    /// Tracks deleted while processing this batch.
    pub deleted: Vec<TrackId>,
}

/// Running counters, for metrics and `eval`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Stats {
    pub plots_accepted: u64,
    pub plots_rejected: BTreeMap<&'static str, u64>,
    pub oosm_applied: u64,
    pub identity_jumps: u64,
    pub identity_fusions: u64,
    pub tracks_started: u64,
    pub tracks_confirmed: u64,
    pub tracks_deleted: u64,
    /// Track–plot pairs the R-tree proposed, and those that passed the Mahalanobis gate.
    pub gate_candidates: u64,
    pub gate_passed: u64,
}

#[derive(Clone, Copy)]
struct Gate<P: GatePoint> {
    track: usize,
    env: AABB<P>,
}

impl<P: GatePoint> RTreeObject for Gate<P> {
    type Envelope = AABB<P>;
    fn envelope(&self) -> Self::Envelope {
        self.env
    }
}

/// The gating index's coordinates: x/y on the flat plane, ECEF in WGS-84. Keeping
/// the flat case two-dimensional makes every box test a third cheaper.
trait GatePoint: rstar::Point<Scalar = f64> + Copy {
    fn from3(p: [f64; 3]) -> Self;
    fn around(c: [f64; 3], r: f64) -> AABB<Self>;
}

impl GatePoint for [f64; 2] {
    fn from3(p: [f64; 3]) -> Self {
        [p[0], p[1]]
    }
    fn around(c: [f64; 3], r: f64) -> AABB<Self> {
        AABB::from_corners([c[0] - r, c[1] - r], [c[0] + r, c[1] + r])
    }
}

impl GatePoint for [f64; 3] {
    fn from3(p: [f64; 3]) -> Self {
        p
    }
    fn around(c: [f64; 3], r: f64) -> AABB<Self> {
        AABB::from_corners(
            [c[0] - r, c[1] - r, c[2] - r],
            [c[0] + r, c[1] + r, c[2] + r],
        )
    }
}

/// How many misses in a row a confirmed track survives: enough that a run that long
/// has under 0.1 % chance at the track's own detection rate, between
/// `delete_after_misses` and twice that. A weakly detected target is not dropped
/// and re-started at every fade.
fn misses_allowed(p: &TrackerParams, hits: u32, opportunities: u32) -> u32 {
    let pd = (hits as f64 + 1.0) / (opportunities as f64 + 2.0);
    let n = (1e-3f64.ln() / (1.0 - pd).max(1e-9).ln()).ceil();
    let lo = p.delete_after_misses;
    (n.max(0.0) as u32).clamp(lo, 2 * lo)
}

/// Confirmed tracks under an IMM gate on each mode, so a target that starts a turn
/// is still found by the manoeuvre mode; tentative tracks gate on the quiet mode
/// alone, which keeps clutter from feeding them.
fn per_mode_gating(params: &TrackerParams, status: TrackStatus) -> bool {
    params.gate_per_mode
        && matches!(params.motion, Motion::Imm { .. })
        && status != TrackStatus::Tentative
}

/// The association cost of `obs` for a track predicted as `f`: the negative
/// log-likelihood, −2 ln p(obs), or `None` outside the gate. Per mode, the likelihood is
/// the IMM mixture and the plot is inside if any mode's gate holds it; the per-mode
/// terms come back too, so the update need not compute them again.
fn gate_cost(
    f: &FilterState,
    obs: &Observation,
    per_mode: bool,
    gate_d2: f64,
) -> Option<(f64, Option<[f64; 2]>)> {
    if !per_mode {
        // Tentative IMM tracks gate on the quiet mode (CV tracks have only that one).
        let (nu, s) = innovation(&f.modes[0], obs);
        let (d2, ln_det) = mahalanobis(&nu, &s)?;
        return (d2 <= gate_d2).then_some((d2 + ln_det, None));
    }
    let (d2, terms) = f.mode_terms(obs)?;
    // An unlikely mode's gate shrinks by its odds, −2 ln(μ_j / μ_max), so a quiet
    // track's wide manoeuvre gate does not sweep up clutter.
    let (likely, unlikely) = if f.mu[0] >= f.mu[1] { (0, 1) } else { (1, 0) };
    let inside =
        d2[likely] <= gate_d2 || d2[unlikely] + odds(f.mu[likely], f.mu[unlikely]) <= gate_d2;
    if !inside {
        return None;
    }
    // −2 ln Σ_j exp(−terms_j / 2), computed stably.
    let (lo, hi) = (terms[0].min(terms[1]), terms[0].max(terms[1]));
    Some((lo - 2.0 * (-(hi - lo) / 2.0).exp().ln_1p(), Some(terms)))
}

/// −2 ln(μ_unlikely / μ_likely): how much an unlikely mode's gate shrinks.
fn odds(likely: f64, unlikely: f64) -> f64 {
    2.0 * (likely.max(1e-300) / unlikely.max(1e-300)).ln()
}

/// R-tree node sizes for the gating index. Wider nodes than rstar's default (6)
/// make both bulk loading and point queries cheaper for a few thousand gates
/// (measured with `cuenca eval` on scenario_1000; see the closing notes).
struct GateParams;

impl rstar::RTreeParams for GateParams {
    const MIN_SIZE: usize = 4;
    const MAX_SIZE: usize = 16;
    const REINSERTION_COUNT: usize = 4;
    type DefaultInsertionStrategy = rstar::RStarInsertionStrategy;
}

/// How the per-batch gating index is built; both are kept so the benchmark can compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indexing {
    /// Bulk-load a fresh R-tree of predicted gates for every batch.
    BulkLoad,
    /// Insert gates one by one into a tree that is cleared per batch.
    Incremental,
}

/// The tracker. See the [module docs](self).
///
/// ```
/// use cuenca_fusion::tracker::{Coverage, Plot, Space, Tracker, TrackerParams};
/// let mut t = Tracker::new(Space::Flat, TrackerParams::default());
/// for k in 0..4 {
///     let time = 10.0 * k as f64;
///     t.process(&[Plot::flat(time, 100.0 * time, 0.0, 50.0)], Coverage::All);
/// }
/// let tracks: Vec<_> = t.tracks().collect();
/// assert_eq!(tracks.len(), 1);
/// assert!(tracks[0].ever_confirmed());
/// ```
pub struct Tracker {
    params: TrackerParams,
    space: Space,
    tracks: Vec<TrackRec>,
    by_identity: HashMap<IdKey, Vec<TrackId>>,
    next_id: u64,
    now: f64,
    wall_clock: Option<f64>,
    started: bool,
    stats: Stats,
    solver: SparseSolver,
    edges: Vec<(usize, usize, f64)>,
    /// Per track: its filter predicted to the batch time (resized to `tracks` before
    /// each use).
    predicted: Vec<FilterState>,
    /// Per edge: the per-mode likelihood terms gating computed, if it did.
    edge_terms: Vec<Option<[f64; 2]>>,
    /// The edges of one assignment stage.
    stage: Vec<(usize, usize, f64)>,
    /// Per track: gate centre (in the tracker's space) and radius.
    gates: Vec<([f64; 3], f64)>,
}

impl Tracker {
    /// An empty tracker.
    pub fn new(space: Space, params: TrackerParams) -> Tracker {
        Tracker {
            params,
            space,
            tracks: Vec::new(),
            by_identity: HashMap::new(),
            next_id: 1,
            now: f64::NEG_INFINITY,
            wall_clock: None,
            started: false,
            stats: Stats::default(),
            solver: SparseSolver::new(),
            edges: Vec::new(),
            predicted: Vec::new(),
            edge_terms: Vec::new(),
            stage: Vec::new(),
            gates: Vec::new(),
        }
    }

    /// Sets the current wall-clock time (seconds since the epoch) that plot times are
    /// checked against; live services call this before each batch.
    pub fn set_wall_clock(&mut self, now: f64) {
        self.wall_clock = Some(now);
    }

    pub fn params(&self) -> &TrackerParams {
        &self.params
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// The newest plot time seen: the picture time.
    pub fn now(&self) -> f64 {
        self.now
    }

    /// Live tracks (tentative ones included).
    pub fn tracks(&self) -> impl Iterator<Item = TrackRef<'_>> {
        self.tracks.iter().map(|rec| TrackRef { rec })
    }

    /// Number of live tracks.
    pub fn len(&self) -> usize {
        self.tracks.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tracks.is_empty()
    }

    /// Processes one batch from one sensor. See the [module docs](self).
    pub fn process(&mut self, plots: &[Plot], coverage: Coverage) -> BatchReport {
        let mut report = BatchReport {
            outcome: vec![Err(Reject::NonFinite); plots.len()],
            deleted: Vec::new(),
        };
        for t in &mut self.tracks {
            t.touched = false;
        }
        // 1. Check every plot against the picture time before this batch.
        let mut valid = Vec::with_capacity(plots.len());
        let mut newest = self.now;
        for (i, p) in plots.iter().enumerate() {
            match self.check(p) {
                Ok(()) => {
                    valid.push(i);
                    newest = newest.max(p.time);
                }
                Err(r) => report.outcome[i] = Err(r),
            }
        }
        // 2. Identity path.
        let mut anonymous = Vec::with_capacity(valid.len());
        let mut identified: Vec<usize> = Vec::new();
        // An identity new to the tracker enters through GNN once (its earliest report);
        // its later reports in the same batch follow on the identity path.
        let mut deferred: Vec<usize> = Vec::new();
        let mut new_keys: HashMap<IdKey, usize> = HashMap::new();
        for &i in &valid {
            match plots[i].identity {
                Some(k) if self.by_identity.contains_key(&k) => identified.push(i),
                Some(k) => match new_keys.get(&k) {
                    Some(&j) if plots[j].time <= plots[i].time => deferred.push(i),
                    Some(&j) => {
                        deferred.push(j);
                        new_keys.insert(k, i);
                    }
                    None => {
                        new_keys.insert(k, i);
                    }
                },
                None => anonymous.push(i),
            }
        }
        anonymous.extend(new_keys.values());
        let by_time = |a: &usize, b: &usize| plots[*a].time.total_cmp(&plots[*b].time);
        identified.sort_by(by_time);
        for i in identified {
            report.outcome[i] = self.associate_identified(&plots[i]);
        }
        // 3. Global nearest neighbour for the rest.
        if !anonymous.is_empty() {
            self.associate_gnn(plots, &anonymous, &mut report);
        }
        deferred.sort_by(by_time);
        for i in deferred {
            report.outcome[i] = self.associate_identified(&plots[i]);
        }
        self.now = newest;
        self.started = true;
        // 4. Misses and lifecycle.
        self.lifecycle(coverage, &mut report);
        for o in &report.outcome {
            match o {
                Ok(_) => self.stats.plots_accepted += 1,
                Err(r) => *self.stats.plots_rejected.entry(r.reason()).or_default() += 1,
            }
        }
        report
    }

    fn check(&self, p: &Plot) -> Result<(), Reject> {
        if !(p.time.is_finite() && p.point.iter().all(|v| v.is_finite())) {
            return Err(Reject::NonFinite);
        }
        if p.altitude_m.is_some_and(|a| !a.is_finite()) {
            return Err(Reject::NonFinite);
        }
        let [ee, en, nn] = p.cov;
        if !(ee.is_finite()
            && en.is_finite()
            && nn.is_finite()
            && ee > 0.0
            && nn > 0.0
            && ee * nn - en * en > 0.0)
        {
            return Err(Reject::BadCovariance);
        }
        if let Some(pp) = &p.polar {
            let ok = [pp.range_m, pp.azimuth, pp.sigma_range_m, pp.sigma_azimuth]
                .iter()
                .all(|v| v.is_finite())
                && pp.sigma_range_m > 0.0
                && pp.sigma_azimuth > 0.0
                && pp.range_m >= 0.0;
            if !ok {
                return Err(Reject::BadPolar);
            }
        }
        let future_limit = match self.wall_clock {
            Some(w) => w + self.params.max_future_s,
            None if self.started => self.now + self.params.max_gap_s,
            None => f64::INFINITY,
        };
        if p.time > future_limit {
            return Err(Reject::Future);
        }
        if self.started && p.time < self.now - self.params.oosm_window_s {
            return Err(Reject::TooOld);
        }
        Ok(())
    }

    fn index_of(&self, id: TrackId) -> Option<usize> {
        // Tracks are kept sorted by id (ids only grow and deletion keeps order).
        self.tracks.binary_search_by_key(&id, |t| t.id).ok()
    }

    fn associate_identified(&mut self, plot: &Plot) -> Result<TrackId, Reject> {
        let Some(key) = plot.identity else {
            return Err(Reject::NonFinite);
        };
        let ids = self.by_identity.get(&key).cloned().unwrap_or_default();
        let mut best: Option<(usize, f64)> = None;
        for id in &ids {
            let Some(idx) = self.index_of(*id) else {
                continue;
            };
            let t = &self.tracks[idx];
            let g = t
                .filter
                .predict(plot.time - t.time, &self.params.motion)
                .combined();
            let [e, n] = t.frame.to_local(plot.point);
            let dist = (e - g.state()[0]).hypot(n - g.state()[1]);
            let p = g.covariance();
            let sigma = (p[(0, 0)] + p[(1, 1)] + plot.cov[0] + plot.cov[2]).sqrt();
            let dt = (plot.time - t.last_update).abs();
            let allowed =
                self.params.max_speed_mps[domain_index(t.domain)] * dt + 5.0 * sigma + 1000.0;
            if dist <= allowed && best.is_none_or(|(_, d)| dist < d) {
                best = Some((idx, dist));
            }
        }
        match best {
            Some((idx, _)) => self.apply(idx, plot, None),
            None => {
                // Implausible: flag, do not follow.
                self.stats.identity_jumps += 1;
                for id in &ids {
                    if let Some(idx) = self.index_of(*id) {
                        self.tracks[idx].identity_conflict = true;
                    }
                }
                let id = self.start_track(plot);
                if let Some(idx) = self.index_of(id) {
                    self.tracks[idx].identity_conflict = true;
                }
                Ok(id)
            }
        }
    }

    fn associate_gnn(&mut self, plots: &[Plot], which: &[usize], report: &mut BatchReport) {
        let motion = self.params.motion;
        let (mut t_min, mut t_max, mut r_max) = (f64::INFINITY, f64::NEG_INFINITY, 0.0f64);
        for &i in which {
            let p = &plots[i];
            t_min = t_min.min(p.time);
            t_max = t_max.max(p.time);
            r_max = r_max.max(p.cov[0].max(p.cov[2]));
        }
        let tb = 0.5 * (t_min + t_max);
        let spread = 0.5 * (t_max - t_min);
        // Predicted gates, one per track.
        if let Some(t) = self.tracks.first() {
            self.predicted.resize(self.tracks.len(), t.filter.clone());
        }
        self.gates.clear();
        self.gates.reserve(self.tracks.len());
        // Most tracks were last updated at the same time, so share their transition.
        let mut step = Transition::new(0.0, &motion);
        for (t, f) in self.tracks.iter().zip(&mut self.predicted) {
            if step.dt() != tb - t.time {
                step = Transition::new(tb - t.time, &motion);
            }
            t.filter.predict_into(&step, f);
            // The box covers the ellipse of every mode the track gates on (see
            // `gate_cost`): the quiet mode alone for tentative IMM tracks and CV tracks,
            // both modes for confirmed IMM tracks, the unlikely one at its shrunk gate.
            let mut gated = [(&f.modes[0], self.params.gate_d2), (&f.modes[1], -1.0)];
            if per_mode_gating(&self.params, t.status) {
                let (likely, unlikely) = if f.mu[0] >= f.mu[1] { (0, 1) } else { (1, 0) };
                gated[likely].1 = self.params.gate_d2;
                // Plots later in the batch see the unlikely mode gain weight, so a batch
                // spread over time gets its full gate.
                gated[unlikely].1 = if spread > 0.0 {
                    self.params.gate_d2
                } else {
                    self.params.gate_d2 - odds(f.mu[likely], f.mu[unlikely])
                };
            }
            let x = f.mean();
            let (mut gate_r, mut speed) = (0.0f64, 0.0f64);
            for (m, gate_d2) in gated {
                if gate_d2 < 0.0 {
                    continue;
                }
                let (mp, mx) = (m.covariance(), m.state());
                // The largest eigenvalue of the 2×2 position block bounds the ellipse.
                let (a, b, c) = (mp[(0, 0)] + r_max, mp[(0, 1)], mp[(1, 1)] + r_max);
                let lmax = 0.5 * (a + c) + (0.25 * (a - c) * (a - c) + b * b).sqrt();
                let (de, dn) = (mx[0] - x[0], mx[1] - x[1]);
                gate_r = gate_r.max((de * de + dn * dn).sqrt() + (gate_d2 * lmax).sqrt());
                let v = (mx[2] * mx[2] + mx[3] * mx[3]).sqrt();
                speed = speed.max(v + 3.0 * (mp[(2, 2)] + mp[(3, 3)]).sqrt());
            }
            let radius = gate_r + speed * spread;
            self.gates.push((t.frame.to_point([x[0], x[1]]), radius));
        }
        match self.space {
            Space::Flat => self.gate_pairs::<[f64; 2]>(plots, which, tb),
            Space::Wgs84 => self.gate_pairs::<[f64; 3]>(plots, which, tb),
        }
        let assignment = self.assign_in_two_stages(plots, which);
        // The assigned pairs' likelihood terms, so updates need not compute them again.
        let mut terms: Vec<Option<[f64; 2]>> = vec![None; assignment.len()];
        for (&(k, col, _), t) in self.edges.iter().zip(&self.edge_terms) {
            if assignment[k] == Some(col) {
                terms[k] = *t;
            }
        }
        let mut used = vec![false; which.len()];
        // Lent out so tracks can be updated from their predictions without copying them.
        let predicted = std::mem::take(&mut self.predicted);
        for (k, col) in assignment.iter().enumerate() {
            let Some(col) = *col else { continue };
            used[col] = true;
            let i = which[col];
            let plot = &plots[i];
            if let (Some(key), None) = (plot.identity, self.tracks[k].identity) {
                // An identified report lands on an anonymous track: fusion.
                self.tracks[k].identity = Some(key);
                self.by_identity
                    .entry(key)
                    .or_default()
                    .push(self.tracks[k].id);
                self.stats.identity_fusions += 1;
            }
            let at_tb = (plot.time == tb).then(|| (&predicted[k], terms[k]));
            report.outcome[i] = self.apply(k, plot, at_tb);
        }
        self.predicted = predicted;
        for (col, &i) in which.iter().enumerate() {
            if !used[col] {
                report.outcome[i] = Ok(self.start_track(&plots[i]));
            }
        }
    }

    /// Optimal assignment of `edges`, confirmed tracks first. Stage one pairs confirmed
    /// and coasting tracks with anonymous plots; stage two pairs every track and plot
    /// still free (tentative tracks, and reports carrying an identity new to the
    /// tracker, which may belong to a tentative track as much as to a confirmed one).
    ///
    /// Why: in one joint assignment, which maximises pairs, a tentative track started
    /// from clutter beside a target can take the target's plot while the confirmed
    /// track is fed a clutter plot through its manoeuvre gate instead. Withholding such
    /// plots from tentative tracks altogether would stop a second target close to a
    /// confirmed track from ever being confirmed; here it gets what stage one leaves.
    fn assign_in_two_stages(&mut self, plots: &[Plot], which: &[usize]) -> Vec<Option<usize>> {
        let n_tracks = self.tracks.len();
        let tracks = &self.tracks;
        self.stage.clear();
        self.stage.extend(self.edges.iter().filter(|&&(k, col, _)| {
            tracks[k].status != TrackStatus::Tentative && plots[which[col]].identity.is_none()
        }));
        let mut assignment = self
            .solver
            .solve(n_tracks, which.len(), &self.stage, Objective::MaxPairs)
            .to_vec();
        let mut taken = vec![false; which.len()];
        for col in assignment.iter().flatten() {
            taken[*col] = true;
        }
        self.stage.clear();
        self.stage.extend(
            self.edges
                .iter()
                .filter(|&&(k, col, _)| assignment[k].is_none() && !taken[col]),
        );
        if !self.stage.is_empty() {
            let second = self
                .solver
                .solve(n_tracks, which.len(), &self.stage, Objective::MaxPairs);
            for (a, b) in assignment.iter_mut().zip(second) {
                if b.is_some() {
                    *a = *b;
                }
            }
        }
        assignment
    }

    /// Fills `edges` with the track–plot pairs that pass the gate: the gates go into
    /// an R-tree, each plot looks up the gates containing it, and the Mahalanobis test
    /// on the innovation covariance decides. (A spatial join of the gate tree with a
    /// tree of plots was measured slower than one query per plot.)
    fn gate_pairs<P: GatePoint>(&mut self, plots: &[Plot], which: &[usize], tb: f64) {
        let motion = self.params.motion;
        let gates = self.gates.iter().enumerate().map(|(k, &(c, r))| Gate {
            track: k,
            env: P::around(c, r),
        });
        let tree: RTree<Gate<P>, GateParams> = match self.params.indexing {
            Indexing::BulkLoad => RTree::bulk_load_with_params(gates.collect()),
            Indexing::Incremental => {
                let mut tree = RTree::new_with_params();
                for g in gates {
                    tree.insert(g);
                }
                tree
            }
        };
        self.edges.clear();
        self.edge_terms.clear();
        let mut candidates = 0u64;
        for (col, &i) in which.iter().enumerate() {
            let plot = &plots[i];
            let (tracks, predicted) = (&self.tracks, &self.predicted);
            let (edges, edge_terms) = (&mut self.edges, &mut self.edge_terms);
            let candidates = &mut candidates;
            let gate_d2 = self.params.gate_d2;
            let params = &self.params;
            // Internal iteration: no iterator state is allocated per query.
            let _ = tree.locate_in_envelope_intersecting_int(
                AABB::from_point(P::from3(plot.point)),
                |gate| {
                    let k = gate.track;
                    *candidates += 1;
                    let t = &tracks[k];
                    let clash =
                        matches!((plot.identity, t.identity), (Some(pk), Some(tk)) if pk != tk);
                    if !clash {
                        let obs = plot.observation(&t.frame);
                        let per_mode = per_mode_gating(params, t.status);
                        let cost = match &predicted[k] {
                            f if plot.time == tb => gate_cost(f, &obs, per_mode, gate_d2),
                            _ => {
                                let f = t.filter.predict(plot.time - t.time, &motion);
                                gate_cost(&f, &obs, per_mode, gate_d2)
                            }
                        };
                        if let Some((cost, terms)) = cost {
                            edges.push((k, col, cost));
                            edge_terms.push(terms);
                        }
                    }
                    ControlFlow::<()>::Continue(())
                },
            );
        }
        self.stats.gate_candidates += candidates;
        self.stats.gate_passed += self.edges.len() as u64;
    }

    fn start_track(&mut self, plot: &Plot) -> TrackId {
        let id = TrackId(self.next_id);
        self.next_id += 1;
        let frame = Frame::at(self.space, plot.point);
        let v = self.params.init_velocity_sd.powi(2);
        let [ee, en, nn] = plot.cov;
        let mut g = gaussian([0.0, 0.0, 0.0, 0.0], [ee, nn, v, v]);
        g.covariance_mut()[(0, 1)] = en;
        g.covariance_mut()[(1, 0)] = en;
        let domain = match plot.identity {
            Some(IdKey::Mmsi(_)) => Domain::Sea,
            Some(IdKey::Icao(_)) => Domain::Air,
            None if plot.altitude_m.is_some_and(|a| a > 500.0) => Domain::Air,
            None => Domain::Unknown,
        };
        let rec = TrackRec {
            id,
            frame,
            filter: FilterState::new(g, &self.params.motion),
            time: plot.time,
            created: plot.time,
            last_update: plot.time,
            status: TrackStatus::Tentative,
            ever_confirmed: false,
            hits: 1,
            opportunities: 1,
            misses_in_row: 0,
            identity: plot.identity,
            identity_conflict: false,
            domain,
            contributions: vec![Contribution {
                source: plot.source,
                last_seen: plot.time,
                updates: 1,
            }],
            history: VecDeque::new(),
            touched: true,
            last_covered: f64::NEG_INFINITY,
        };
        if let Some(k) = plot.identity {
            self.by_identity.entry(k).or_default().push(id);
        }
        // Ids grow, so pushing keeps `tracks` sorted by id.
        self.tracks.push(rec);
        self.stats.tracks_started += 1;
        id
    }

    /// Updates track `k` with `plot`, in time order even when the plot is late.
    /// `predicted` is the track's filter already predicted to the plot's time, if known,
    /// with the per-mode likelihood terms gating found for the plot.
    fn apply(
        &mut self,
        k: usize,
        plot: &Plot,
        predicted: Option<(&FilterState, Option<[f64; 2]>)>,
    ) -> Result<TrackId, Reject> {
        let motion = self.params.motion;
        let window = self.params.oosm_window_s;
        let t = &mut self.tracks[k];
        if plot.time >= t.time {
            let obs = plot.observation(&t.frame);
            // Kept for a late plot to roll back to.
            let before = (window > 0.0).then(|| t.filter.clone());
            match predicted {
                Some((prior, terms)) => prior.update_into(&obs, terms, &mut t.filter),
                None => t.filter.predict(plot.time - t.time, &motion).update_into(
                    &obs,
                    None,
                    &mut t.filter,
                ),
            }
            .map_err(|_| Reject::Singular)?;
            let before_time = std::mem::replace(&mut t.time, plot.time);
            if let Some(before) = before {
                t.history.push_back(Step {
                    plot: *plot,
                    before,
                    before_time,
                });
            }
        } else {
            // Late: roll back to before the first later step, then replay in order.
            let Some(first_later) = t.history.iter().position(|s| s.plot.time > plot.time) else {
                return Err(Reject::OosmBeyondHistory);
            };
            if t.history[first_later].before_time > plot.time {
                return Err(Reject::OosmBeyondHistory);
            }
            let mut state = t.history[first_later].before.clone();
            let mut time = t.history[first_later].before_time;
            let mut replay: Vec<Plot> = Vec::with_capacity(t.history.len() - first_later + 1);
            replay.push(*plot);
            replay.extend(t.history.drain(first_later..).map(|s| s.plot));
            for p in replay {
                let before = state.clone();
                let before_time = time;
                state = state
                    .predict(p.time - time, &motion)
                    .update(&p.observation(&t.frame))
                    .map_err(|_| Reject::Singular)?;
                time = p.time;
                t.history.push_back(Step {
                    plot: p,
                    before,
                    before_time,
                });
            }
            t.filter = state;
            t.time = time;
            self.stats.oosm_applied += 1;
        }
        let newest = t.time;
        while t
            .history
            .front()
            .is_some_and(|s| s.plot.time < newest - window)
        {
            t.history.pop_front();
        }
        t.last_update = t.last_update.max(plot.time);
        if !t.touched {
            t.hits += 1;
            t.touched = true;
        }
        t.misses_in_row = 0;
        if let Some(alt) = plot.altitude_m {
            if alt > 500.0 {
                t.domain = Domain::Air;
            }
        }
        match t.contributions.iter_mut().find(|c| c.source == plot.source) {
            Some(c) => {
                c.last_seen = c.last_seen.max(plot.time);
                c.updates += 1;
            }
            None => t.contributions.push(Contribution {
                source: plot.source,
                last_seen: plot.time,
                updates: 1,
            }),
        }
        Self::reanchor(t, self.space, self.params.reanchor_m);
        Ok(t.id)
    }

    /// Moves a track's plane under it once it has wandered far from its anchor, so
    /// the flat-plane approximation stays metre-accurate anywhere in the basin.
    fn reanchor(t: &mut TrackRec, space: Space, limit: f64) {
        // The quiet mode's position is close enough to decide when to move.
        let x = t.filter.modes[0].state();
        let (e, n) = (x[0], x[1]);
        if e.hypot(n) < limit {
            return;
        }
        let new = Frame::at(space, t.frame.to_point([e, n]));
        let old = t.frame;
        let r = old.rotation_to(&new);
        let move_g = |g: &Gaussian| -> Gaussian {
            let s = g.state();
            let [ne, nn] = new.to_local(old.to_point([s[0], s[1]]));
            let v = [
                r[0][0] * s[2] + r[0][1] * s[3],
                r[1][0] * s[2] + r[1][1] * s[3],
            ];
            #[rustfmt::skip]
            let j = Matrix4::new(
                r[0][0], r[0][1], 0.0, 0.0,
                r[1][0], r[1][1], 0.0, 0.0,
                0.0, 0.0, r[0][0], r[0][1],
                0.0, 0.0, r[1][0], r[1][1],
            );
            Gaussian::new(
                Vector4::new(ne, nn, v[0], v[1]),
                j * g.covariance() * j.transpose(),
            )
        };
        let move_f = |f: &FilterState| FilterState {
            modes: [move_g(&f.modes[0]), move_g(&f.modes[1])],
            mu: f.mu,
        };
        t.filter = move_f(&t.filter);
        for s in &mut t.history {
            s.before = move_f(&s.before);
        }
        t.frame = new;
    }

    fn lifecycle(&mut self, coverage: Coverage, report: &mut BatchReport) {
        let p = &self.params;
        let now = self.now;
        let mut confirmed = 0;
        let mut deleted = Vec::new();
        for t in &mut self.tracks {
            // A track with an identity (AIS, ADS-B) is kept by its own reports: a radar
            // that cannot see a small boat is no evidence against its AIS track, so
            // coverage counts no misses (nor opportunities) for it.
            let seen = t.identity.is_none()
                && match coverage {
                    Coverage::None => false,
                    Coverage::All => true,
                    Coverage::Circle { center, radius_m } => {
                        let x = t.filter.modes[0].state();
                        let q = t.frame.to_point([x[0], x[1]]);
                        let d2: f64 = (0..3).map(|i| (q[i] - center[i]).powi(2)).sum();
                        d2 <= radius_m * radius_m
                    }
                };
            if seen && !t.touched {
                t.opportunities += 1;
                t.misses_in_row += 1;
            } else if seen && t.created < now {
                t.opportunities += 1;
            }
            let mut delete = false;
            match t.status {
                TrackStatus::Tentative => {
                    if t.hits >= p.confirm_hits {
                        t.status = TrackStatus::Confirmed;
                        t.ever_confirmed = true;
                        confirmed += 1;
                        if t.domain == Domain::Unknown {
                            let x = t.filter.combined();
                            let speed = x.state()[2].hypot(x.state()[3]);
                            t.domain = if speed > 80.0 {
                                Domain::Air
                            } else {
                                Domain::Sea
                            };
                        }
                    } else if t.hits + p.confirm_window.saturating_sub(t.opportunities)
                        < p.confirm_hits
                    {
                        delete = true;
                    }
                }
                TrackStatus::Confirmed | TrackStatus::Coasting => {
                    t.status = if t.misses_in_row >= p.coast_after_misses {
                        TrackStatus::Coasting
                    } else {
                        TrackStatus::Confirmed
                    };
                    // The allowance is at least `delete_after_misses`: skip its logarithms.
                    if t.misses_in_row >= p.delete_after_misses
                        && t.misses_in_row >= misses_allowed(p, t.hits, t.opportunities)
                    {
                        delete = true;
                    }
                }
            }
            if seen {
                t.last_covered = now;
            }
            // A confirmed track a sensor keeps looking at is deleted by its misses, which
            // know its detection rate; silence decides where nobody looks (and so for
            // every track with an identity).
            let timeout = p.delete_after_s[domain_index(t.domain)];
            let watched = t.status != TrackStatus::Tentative && now - t.last_covered <= timeout;
            if !watched && now - t.last_update > timeout {
                delete = true;
            }
            if delete {
                deleted.push(t.id);
            }
        }
        self.stats.tracks_confirmed += confirmed;
        if !deleted.is_empty() {
            self.stats.tracks_deleted += deleted.len() as u64;
            let by_identity = &mut self.by_identity;
            self.tracks.retain(|t| {
                let gone = deleted.binary_search(&t.id).is_ok();
                if gone {
                    if let Some(k) = t.identity {
                        if let Some(v) = by_identity.get_mut(&k) {
                            v.retain(|id| *id != t.id);
                            if v.is_empty() {
                                by_identity.remove(&k);
                            }
                        }
                    }
                }
                !gone
            });
            report.deleted = deleted;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flat(params: TrackerParams) -> Tracker {
        Tracker::new(Space::Flat, params)
    }

    #[test]
    fn two_crossing_targets_keep_their_tracks() {
        let mut t = flat(TrackerParams::default());
        // Two targets on crossing straight lines, plots every 10 s, no noise.
        let mut ids = [None, None];
        for k in 0..30 {
            let time = 10.0 * k as f64;
            let a = Plot::flat(time, 100.0 * time, 0.0, 50.0);
            let b = Plot::flat(time, 15_300.0, -15_000.0 + 100.0 * time, 50.0);
            let r = t.process(&[a, b], Coverage::All);
            for (j, o) in r.outcome.iter().enumerate() {
                let id = o.unwrap();
                if k >= 3 {
                    assert_eq!(ids[j], Some(id), "scan {k} target {j}");
                }
                ids[j] = Some(id);
            }
        }
        assert_eq!(t.stats().tracks_started, 2);
    }

    #[test]
    fn position_at_is_the_estimate_without_covariance() {
        let mut t = flat(TrackerParams::default());
        for k in 0..5 {
            let time = 10.0 * k as f64;
            let turn = if k > 2 { 400.0 * (k - 2) as f64 } else { 0.0 };
            t.process(&[Plot::flat(time, 150.0 * time, turn, 50.0)], Coverage::All);
        }
        let motion = t.params().motion;
        let track = t.tracks().next().unwrap();
        for at in [track.time(), track.time() + 25.0] {
            let e = track.estimate_at(at, &motion);
            let p = track.position_at(at);
            assert!((e.point[0] - p[0]).abs() < 1e-6 && (e.point[1] - p[1]).abs() < 1e-6);
        }
    }

    #[test]
    fn clutter_does_not_confirm_and_tentatives_die() {
        let mut t = flat(TrackerParams::default());
        for k in 0..6 {
            let x = 1e5 * k as f64;
            t.process(&[Plot::flat(10.0 * k as f64, x, x, 50.0)], Coverage::All);
        }
        assert!(t.tracks().all(|t| !t.ever_confirmed()));
        assert!(t.len() <= 2);
    }

    #[test]
    fn tentative_track_cannot_take_a_confirmed_tracks_plot() {
        let mut t = flat(TrackerParams::default());
        // A target at 100 m/s along x, detected without noise for 10 scans.
        let mut own = None;
        for k in 0..10 {
            let time = 10.0 * k as f64;
            own = t
                .process(&[Plot::flat(time, 100.0 * time, 0.0, 50.0)], Coverage::All)
                .outcome[0]
                .ok();
        }
        let own = own.unwrap();
        // The target is missed; a clutter plot 5 km to its side starts a tentative track.
        let r = t.process(&[Plot::flat(100.0, 10_000.0, 5_000.0, 50.0)], Coverage::All);
        let tentative = r.outcome[0].unwrap();
        assert_ne!(tentative, own);
        // Next scan: the target's plot, inside both tracks' gates, and a clutter plot
        // 1.5 km to the other side, inside the confirmed track's manoeuvre gate only.
        let target = Plot::flat(110.0, 11_000.0, 0.0, 50.0);
        let clutter = Plot::flat(110.0, 11_000.0, -1_500.0, 50.0);
        let r = t.process(&[target, clutter], Coverage::All);
        assert_eq!(
            r.outcome[0],
            Ok(own),
            "the target's plot goes to its confirmed track"
        );
        assert_ne!(r.outcome[1], Ok(tentative));
    }

    #[test]
    fn a_watched_track_is_deleted_by_its_misses_not_by_silence() {
        // A fast (air) target detected every other scan for 300 s: Pd about one half, so
        // a run of 8 misses (80 s, longer than the 60 s air silence limit) is plausible.
        let run = |coverage: Coverage| {
            let mut t = flat(TrackerParams::default());
            let mut time = 0.0;
            for k in 0..30 {
                time = 10.0 * k as f64;
                let plots = if k % 2 == 0 || k < 4 {
                    vec![Plot::flat(time, 200.0 * time, 0.0, 50.0)]
                } else {
                    vec![]
                };
                t.process(&plots, Coverage::All);
            }
            let target = t
                .tracks()
                .find(|x| x.ever_confirmed() && x.domain() == Domain::Air)
                .map(|x| x.id());
            assert!(target.is_some());
            // Eight scans in which the target is not seen (one far plot per scan moves the
            // picture time on and never forms a track).
            for k in 0..8 {
                time += 10.0;
                let far = -1e6 - 1e5 * k as f64;
                t.process(&[Plot::flat(time, far, far, 50.0)], coverage);
            }
            let alive = t.tracks().any(|x| Some(x.id()) == target);
            alive
        };
        // Under coverage its misses decide (it may miss up to 10 at Pd one half) ...
        assert!(run(Coverage::All));
        // ... where no sensor looks, 80 s of silence deletes it.
        assert!(!run(Coverage::None));
    }

    #[test]
    fn a_second_target_close_to_a_confirmed_one_is_confirmed() {
        let mut t = flat(TrackerParams::default());
        let a = |time: f64| Plot::flat(time, 100.0 * time, 0.0, 50.0);
        let mut own = None;
        for k in 0..10 {
            own = t.process(&[a(10.0 * k as f64)], Coverage::All).outcome[0].ok();
        }
        // A second boat 400 m abeam, inside the first one's gate, from scan 10 on.
        let mut second = None;
        for k in 10..14 {
            let time = 10.0 * k as f64;
            let b = Plot::flat(time, 100.0 * time, 400.0, 50.0);
            let r = t.process(&[a(time), b], Coverage::All);
            assert_eq!(r.outcome[0].ok(), own, "scan {k}");
            second = r.outcome[1].ok();
        }
        let second = t.tracks().find(|x| Some(x.id()) == second).unwrap();
        assert!(second.ever_confirmed(), "{:?}", second.status());
    }

    #[test]
    fn a_new_identity_goes_to_its_own_tentative_track_not_a_confirmed_neighbour() {
        let mut t = flat(TrackerParams::default());
        let a = |time: f64| Plot::flat(time, 100.0 * time, 0.0, 50.0);
        let b = |time: f64| Plot::flat(time, 100.0 * time, 250.0, 50.0);
        let mut own = None;
        for k in 0..10 {
            own = t.process(&[a(10.0 * k as f64)], Coverage::All).outcome[0].ok();
        }
        // Radar sees boat B twice (tentative), then B's first AIS report arrives.
        let mut tentative = None;
        for time in [100.0, 110.0] {
            let r = t.process(&[a(time), b(time)], Coverage::All);
            tentative = r.outcome[1].ok();
        }
        let mut ais = b(115.0);
        ais.identity = Some(IdKey::Mmsi(345_070_001));
        let r = t.process(&[ais], Coverage::None);
        assert_eq!(r.outcome[0].ok(), tentative);
        let first = t.tracks().find(|x| Some(x.id()) == own).unwrap();
        assert_eq!(first.identity(), None);
    }

    #[test]
    fn an_ais_track_a_radar_cannot_see_lives_on_its_reports() {
        let mut t = flat(TrackerParams::default());
        let report = |t: &mut Tracker, time: f64| {
            let mut p = Plot::flat(time, 2.0 * time, 0.0, 10.0);
            p.identity = Some(IdKey::Mmsi(345_070_002));
            t.process(&[p], Coverage::None).outcome[0]
        };
        let id = report(&mut t, 0.0).unwrap();
        // A radar scans every 10 s and never sees the boat; AIS reports come every 60 s.
        for k in 1..=60 {
            let time = 10.0 * k as f64;
            let far = 1e6 + 1e5 * k as f64;
            t.process(&[Plot::flat(time, far, far, 50.0)], Coverage::All);
            if k % 6 == 0 {
                assert_eq!(report(&mut t, time + 1.0), Ok(id), "report at {time} s");
            }
        }
        // Once the reports stop, ten minutes of silence deletes it.
        for k in 61..=125 {
            let time = 10.0 * k as f64;
            let far = 1e6 + 1e5 * k as f64;
            t.process(&[Plot::flat(time, far, far, 50.0)], Coverage::All);
        }
        assert!(t.tracks().all(|x| x.id() != id));
    }

    #[test]
    fn bad_plots_are_counted_not_fatal() {
        let mut t = flat(TrackerParams::default());
        let good = Plot::flat(0.0, 0.0, 0.0, 50.0);
        let mut nan = good;
        nan.point[0] = f64::NAN;
        let mut inf_time = good;
        inf_time.time = f64::INFINITY;
        let mut zero_cov = good;
        zero_cov.cov = [0.0, 0.0, 0.0];
        let mut neg_cov = good;
        neg_cov.cov = [-1.0, 0.0, 1.0];
        let r = t.process(&[good, nan, inf_time, zero_cov, neg_cov], Coverage::All);
        assert!(r.outcome[0].is_ok());
        assert_eq!(r.outcome[1], Err(Reject::NonFinite));
        assert_eq!(r.outcome[2], Err(Reject::NonFinite));
        assert_eq!(r.outcome[3], Err(Reject::BadCovariance));
        assert_eq!(r.outcome[4], Err(Reject::BadCovariance));
        let future = Plot::flat(1e9, 0.0, 0.0, 50.0);
        assert_eq!(
            t.process(&[future], Coverage::All).outcome[0],
            Err(Reject::Future)
        );
        t.process(&[Plot::flat(100.0, 0.0, 0.0, 50.0)], Coverage::All);
        let old = Plot::flat(10.0, 0.0, 0.0, 50.0);
        assert_eq!(
            t.process(&[old], Coverage::All).outcome[0],
            Err(Reject::TooOld)
        );
        assert_eq!(t.stats().plots_rejected["bad_covariance"], 2);
        assert_eq!(t.stats().plots_rejected["too_old"], 1);
    }

    #[test]
    fn late_plot_gives_the_same_state_as_in_order() {
        let params = TrackerParams {
            motion: Motion::Cv { q: 0.5 },
            ..TrackerParams::default()
        };
        let plots: Vec<Plot> = (0..8)
            .map(|k| {
                let time = 5.0 * k as f64;
                Plot::flat(
                    time,
                    20.0 * time + if k % 2 == 0 { 30.0 } else { -30.0 },
                    3.0 * time,
                    50.0,
                )
            })
            .collect();
        let mut ordered = flat(params.clone());
        for p in &plots {
            ordered.process(&[*p], Coverage::None);
        }
        let mut late = flat(params);
        for (k, p) in plots.iter().enumerate() {
            if k == 5 {
                continue;
            }
            late.process(&[*p], Coverage::None);
        }
        let r = late.process(&[plots[5]], Coverage::None);
        assert!(r.outcome[0].is_ok());
        assert_eq!(late.stats().oosm_applied, 1);
        let a = ordered
            .tracks()
            .next()
            .unwrap()
            .estimate_at(35.0, &ordered.params().motion);
        let b = late
            .tracks()
            .next()
            .unwrap()
            .estimate_at(35.0, &late.params().motion);
        for i in 0..2 {
            assert!((a.en[i] - b.en[i]).abs() < 1e-6, "{:?} vs {:?}", a.en, b.en);
            assert!((a.velocity[i] - b.velocity[i]).abs() < 1e-9);
        }
    }

    #[test]
    fn one_batch_of_reports_from_a_new_vessel_makes_one_track() {
        let mut t = flat(TrackerParams::default());
        let plots: Vec<Plot> = [20.0, 0.0, 10.0]
            .iter()
            .map(|&time| {
                let mut p = Plot::flat(time, 5.0 * time, 0.0, 10.0);
                p.identity = Some(IdKey::Mmsi(9));
                p
            })
            .collect();
        let r = t.process(&plots, Coverage::None);
        assert_eq!(t.len(), 1);
        assert!(r.outcome.iter().all(|o| o.is_ok()));
        assert_eq!(t.tracks().next().unwrap().time(), 20.0);
    }

    #[test]
    fn identity_jump_is_flagged_not_followed() {
        let mut t = flat(TrackerParams::default());
        let mut p = Plot::flat(0.0, 0.0, 0.0, 10.0);
        p.identity = Some(IdKey::Mmsi(366_000_001));
        t.process(&[p], Coverage::None);
        let mut q = Plot::flat(10.0, 50.0, 0.0, 10.0);
        q.identity = p.identity;
        let first = t.process(&[q], Coverage::None).outcome[0].unwrap();
        // 200 km in a minute for a ship.
        let mut jump = Plot::flat(70.0, 200_000.0, 0.0, 10.0);
        jump.identity = p.identity;
        let second = t.process(&[jump], Coverage::None).outcome[0].unwrap();
        assert_ne!(first, second);
        assert_eq!(t.stats().identity_jumps, 1);
        assert!(t.tracks().all(|t| t.identity_conflict()));
    }

    #[test]
    fn radar_plot_fuses_with_an_ais_track() {
        let mut t = flat(TrackerParams::default());
        for k in 0..3 {
            let time = 10.0 * k as f64;
            let mut ais = Plot::flat(time, 5.0 * time, 0.0, 10.0);
            ais.identity = Some(IdKey::Mmsi(1));
            ais.source = 1;
            t.process(&[ais], Coverage::None);
        }
        let mut radar = Plot::flat(25.0, 125.0, 20.0, 50.0);
        radar.source = 2;
        let r = t.process(&[radar], Coverage::All);
        assert_eq!(t.len(), 1);
        let tr = t.tracks().next().unwrap();
        assert_eq!(r.outcome[0], Ok(tr.id()));
        assert_eq!(tr.contributions().len(), 2);
    }

    #[test]
    fn wgs84_track_follows_a_ship_across_reanchoring() {
        let mut t = Tracker::new(Space::Wgs84, TrackerParams::default());
        // A ship at 10 m/s due east along 15°N for 2 hours: 72 km, several re-anchors.
        let mut last = None;
        for k in 0..=720 {
            let time = 10.0 * k as f64;
            let (lat, lon) = geodesy::destination(15.0, -80.0, 90.0, 10.0 * time);
            let mut p = Plot::flat(time, 0.0, 0.0, 20.0);
            p.point = geodesy::to_ecef(lat, lon, 0.0);
            p.identity = Some(IdKey::Mmsi(7));
            last = t.process(&[p], Coverage::None).outcome[0].ok();
        }
        assert_eq!(t.len(), 1);
        let tr = t.tracks().next().unwrap();
        assert_eq!(Some(tr.id()), last);
        let est = tr.estimate_at(7200.0, &t.params().motion);
        let (lat, lon, _) = geodesy::from_ecef(est.point);
        let (tlat, tlon) = geodesy::destination(15.0, -80.0, 90.0, 72_000.0);
        assert!(geodesy::distance_m(lat, lon, tlat, tlon) < 30.0);
        let speed = est.velocity[0].hypot(est.velocity[1]);
        assert!((speed - 10.0).abs() < 0.2, "{speed}");
    }
}
