//! Harder tracking scenarios than the Stone Soup anchor's, in the same CSV format.
//!
//! The anchor benchmark (Stone Soup, GNN) only has nearly-constant-velocity targets
//! in sparse clutter with Pd = 0.9. This module makes scenarios that stress what that
//! leaves out, deterministically from a seed, on a flat 2-D plane:
//!
//! - [`Kind::Manoeuvring`]: targets alternate straight legs (60–300 s) and
//!   coordinated turns at 1–3 °/s (random sign, 20–90 s) at a constant speed of
//!   5–250 m/s.
//! - [`Kind::Crossing`]: pairs and triples of targets whose paths cross near a common
//!   point at a common time (each member passes within a few hundred metres of it),
//!   half of them manoeuvring away from the crossing leg.
//! - [`Kind::DenseClutter`]: the anchor's noisy constant-velocity targets in a
//!   300 km box with Poisson(500) clutter per scan over that box (about 18 times the
//!   anchor's clutter density), targets placed so that their paths stay in the box.
//! - [`Kind::LowPd`]: the anchor's targets with a per-target Pd drawn from 0.6–0.7.
//!
//! Every kind shares the anchor's sensor: scans every 10 s, σ = 50 m Gaussian
//! position noise on x and y, Poisson clutter uniform over the region, detections
//! shuffled within a scan. Only the `target_id` column of the CSV says which target a
//! detection came from (−1 for clutter); neither the order of rows nor the numbers
//! give it away.
//!
//! Truth is exact: manoeuvring paths are sequences of [`Segment`]s (straight lines and
//! circular arcs) evaluated in closed form, and the noisy constant-velocity targets
//! are sampled from the exact discrete-time white-noise-acceleration model, as the
//! anchor's `bench.py` does.
//!
//! ```
//! use cuenca_fusion::generate::{generate, GenParams, Kind};
//! let mut p = GenParams::new(Kind::Manoeuvring, 3, 7);
//! p.scans = 5;
//! let scenario = generate(&p).unwrap();
//! let csv = scenario.to_csv();
//! assert!(csv.starts_with("time_s,kind,target_id,x_m,y_m\n"));
//! assert_eq!(csv.lines().filter(|l| l.contains(",truth,")).count(), 3 * 5);
//! ```

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal, Poisson};
use std::f64::consts::PI;
use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

/// Which kind of scenario to generate; [`GenParams::new`] fills in its defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Straight legs and coordinated turns at 1–3 °/s.
    Manoeuvring,
    /// Groups of two or three targets crossing near common points at common times.
    Crossing,
    /// Constant-velocity targets in heavy clutter over a smaller region.
    DenseClutter,
    /// Constant-velocity targets with Pd 0.6–0.7.
    LowPd,
}

impl Kind {
    /// Every kind, in a fixed order.
    pub const ALL: [Kind; 4] = [
        Kind::Manoeuvring,
        Kind::Crossing,
        Kind::DenseClutter,
        Kind::LowPd,
    ];

    /// The kind's name as [`FromStr`] reads it and [`fmt::Display`] prints it:
    /// `manoeuvring`, `crossing`, `dense-clutter` or `low-pd`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Manoeuvring => "manoeuvring",
            Kind::Crossing => "crossing",
            Kind::DenseClutter => "dense-clutter",
            Kind::LowPd => "low-pd",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A kind name that is none of [`Kind::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown scenario kind {0:?} (expected manoeuvring, crossing, dense-clutter or low-pd)")]
pub struct UnknownKind(pub String);

impl FromStr for Kind {
    type Err = UnknownKind;
    /// Case-insensitive; `-` and `_` are ignored, and `maneuvering` is accepted.
    fn from_str(s: &str) -> Result<Kind, UnknownKind> {
        let norm: String = s
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .flat_map(char::to_lowercase)
            .collect();
        match norm.as_str() {
            "manoeuvring" | "maneuvering" | "manoeuvre" | "maneuver" => Ok(Kind::Manoeuvring),
            "crossing" => Ok(Kind::Crossing),
            "denseclutter" | "clutter" => Ok(Kind::DenseClutter),
            "lowpd" => Ok(Kind::LowPd),
            _ => Err(UnknownKind(s.to_string())),
        }
    }
}

/// Everything that defines a scenario. Build with [`GenParams::new`] and override
/// fields as needed; [`generate`] checks them.
///
/// Ranges are `[min, max]`, drawn uniformly; `min == max` gives a constant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GenParams {
    pub kind: Kind,
    /// Number of targets; every target exists in every scan.
    pub targets: usize,
    /// Number of scans, at times 0, `dt_s`, 2·`dt_s`, …
    pub scans: usize,
    /// Time between scans, s (10).
    pub dt_s: f64,
    /// Detection noise standard deviation on x and on y, m (50).
    pub sigma_m: f64,
    /// Side of the square `[0, region_m]²` that targets start in and clutter falls in, m.
    pub region_m: f64,
    /// Probability of detection; each target draws its own from this range.
    pub pd: [f64; 2],
    /// Mean number of clutter detections per scan (Poisson), uniform over the region.
    pub clutter_mean: f64,
    /// Target speed range, m/s; each target draws one speed.
    pub speed_mps: [f64; 2],
    /// White-noise acceleration density of the constant-velocity truth model, m²/s³
    /// (0.1, as the anchor); used by [`Kind::DenseClutter`] and [`Kind::LowPd`].
    pub q_truth: f64,
    /// Magnitude of coordinated-turn rates, °/s; the sign is random per turn.
    pub turn_rate_dps: [f64; 2],
    /// Duration of a straight leg between turns, s.
    pub leg_s: [f64; 2],
    /// Duration of a turn, s.
    pub turn_s: [f64; 2],
    /// [`Kind::Crossing`]: each member of a group passes within this distance of the
    /// group's crossing point at the crossing time, m; two members are then at most
    /// twice this apart.
    pub crossing_miss_m: f64,
    /// [`Kind::Crossing`]: smallest angle between two members' headings at the
    /// crossing, degrees (so that they cross rather than fly in formation).
    pub crossing_min_angle_deg: f64,
    /// [`Kind::Crossing`]: fraction of targets that manoeuvre before and after their
    /// straight crossing leg; the others fly straight throughout.
    pub manoeuvring_fraction: f64,
    /// Place targets so that their straight-line path stays inside the region
    /// (used by [`Kind::DenseClutter`], so that targets stay in the clutter).
    pub contain: bool,
    /// Seed of every random draw.
    pub seed: u64,
}

impl GenParams {
    /// The defaults for `kind`: the anchor's sensor and targets (100 scans of 10 s,
    /// σ = 50 m, 1000 km box, speeds 5–250 m/s, Pd 0.9, 10 clutter per scan), changed
    /// as the kind needs:
    ///
    /// | kind | change |
    /// | --- | --- |
    /// | `Manoeuvring` | legs 60–300 s, turns 20–90 s at 1–3 °/s, no process noise |
    /// | `Crossing` | groups of 2–3 crossing within 200 m of a point, ≥ 10° apart; half manoeuvre |
    /// | `DenseClutter` | 300 km box, 500 clutter per scan, targets contained |
    /// | `LowPd` | Pd 0.6–0.7 per target |
    pub fn new(kind: Kind, targets: usize, seed: u64) -> GenParams {
        let mut p = GenParams {
            kind,
            targets,
            scans: 100,
            dt_s: 10.0,
            sigma_m: 50.0,
            region_m: 1.0e6,
            pd: [0.9, 0.9],
            clutter_mean: 10.0,
            speed_mps: [5.0, 250.0],
            q_truth: 0.1,
            turn_rate_dps: [1.0, 3.0],
            leg_s: [60.0, 300.0],
            turn_s: [20.0, 90.0],
            crossing_miss_m: 200.0,
            crossing_min_angle_deg: 10.0,
            manoeuvring_fraction: 0.5,
            contain: false,
            seed,
        };
        match kind {
            Kind::Manoeuvring | Kind::Crossing => {}
            Kind::DenseClutter => {
                p.region_m = 3.0e5;
                p.clutter_mean = 500.0;
                p.contain = true;
            }
            Kind::LowPd => p.pd = [0.6, 0.7],
        }
        p
    }

    /// Duration from the first scan to the last, s.
    pub fn duration_s(&self) -> f64 {
        self.scans.saturating_sub(1) as f64 * self.dt_s
    }

    /// Checks that every field is usable.
    pub fn validate(&self) -> Result<(), GenError> {
        let bad = |field: &'static str, reason: String| Err(GenError { field, reason });
        let pos = |v: f64| v.is_finite() && v > 0.0;
        let range_ok = |r: [f64; 2], lo: f64| {
            r[0].is_finite() && r[1].is_finite() && lo <= r[0] && r[0] <= r[1]
        };
        if self.targets == 0 {
            return bad("targets", "must be at least 1".into());
        }
        if self.scans == 0 {
            return bad("scans", "must be at least 1".into());
        }
        if !pos(self.dt_s) {
            return bad("dt_s", format!("must be positive, got {}", self.dt_s));
        }
        if !pos(self.sigma_m) {
            return bad("sigma_m", format!("must be positive, got {}", self.sigma_m));
        }
        if !pos(self.region_m) {
            return bad(
                "region_m",
                format!("must be positive, got {}", self.region_m),
            );
        }
        if !(range_ok(self.pd, 0.0) && self.pd[1] <= 1.0) {
            return bad(
                "pd",
                format!("must be a range within [0, 1], got {:?}", self.pd),
            );
        }
        if !(self.clutter_mean.is_finite() && self.clutter_mean >= 0.0) {
            return bad(
                "clutter_mean",
                format!("must be finite and non-negative, got {}", self.clutter_mean),
            );
        }
        if !(range_ok(self.speed_mps, 0.0) && self.speed_mps[1] > 0.0) {
            return bad(
                "speed_mps",
                format!(
                    "must be a non-negative, non-zero range, got {:?}",
                    self.speed_mps
                ),
            );
        }
        if !(self.q_truth.is_finite() && self.q_truth >= 0.0) {
            return bad(
                "q_truth",
                format!("must be non-negative, got {}", self.q_truth),
            );
        }
        if !(range_ok(self.turn_rate_dps, 0.0) && self.turn_rate_dps[0] > 0.0) {
            return bad(
                "turn_rate_dps",
                format!("must be a positive range, got {:?}", self.turn_rate_dps),
            );
        }
        if !(range_ok(self.leg_s, 0.0) && self.leg_s[0] > 0.0) {
            return bad(
                "leg_s",
                format!("must be a positive range, got {:?}", self.leg_s),
            );
        }
        if !(range_ok(self.turn_s, 0.0) && self.turn_s[0] > 0.0) {
            return bad(
                "turn_s",
                format!("must be a positive range, got {:?}", self.turn_s),
            );
        }
        if !(self.crossing_miss_m.is_finite() && self.crossing_miss_m >= 0.0) {
            return bad(
                "crossing_miss_m",
                format!("must be non-negative, got {}", self.crossing_miss_m),
            );
        }
        if !(self.crossing_min_angle_deg.is_finite()
            && (0.0..=60.0).contains(&self.crossing_min_angle_deg))
        {
            return bad(
                "crossing_min_angle_deg",
                format!(
                    "must be within [0, 60], got {}",
                    self.crossing_min_angle_deg
                ),
            );
        }
        if !(0.0..=1.0).contains(&self.manoeuvring_fraction) {
            return bad(
                "manoeuvring_fraction",
                format!("must be within [0, 1], got {}", self.manoeuvring_fraction),
            );
        }
        let span = self.speed_mps[1] * self.duration_s();
        if self.contain && span > self.region_m {
            return bad(
                "contain",
                format!(
                    "the fastest path ({span:.0} m) does not fit in the {:.0} m region",
                    self.region_m
                ),
            );
        }
        Ok(())
    }
}

/// A [`GenParams`] field that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("scenario parameter {field}: {reason}")]
pub struct GenError {
    pub field: &'static str,
    pub reason: String,
}

/// A piece of a planned path: a straight line (`turn_rate_rps == 0`) or a circular
/// arc flown at constant speed (a coordinated turn).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Segment {
    /// Time the segment starts, s.
    pub start_s: f64,
    /// Length of the segment in time, s.
    pub duration_s: f64,
    /// Position at `start_s`, m.
    pub start: [f64; 2],
    /// Heading at `start_s`, radians anticlockwise from +x.
    pub heading_rad: f64,
    /// Speed, m/s.
    pub speed_mps: f64,
    /// Rate of turn, rad/s, positive anticlockwise; 0 on a straight leg.
    pub turn_rate_rps: f64,
}

impl Segment {
    /// Position and heading `tau` seconds after the segment's start (in closed form;
    /// `tau` may lie outside the segment, which extrapolates it).
    pub fn at(&self, tau: f64) -> ([f64; 2], f64) {
        let (h, v, w) = (self.heading_rad, self.speed_mps, self.turn_rate_rps);
        let [x0, y0] = self.start;
        if w == 0.0 {
            ([x0 + v * tau * h.cos(), y0 + v * tau * h.sin()], h)
        } else {
            let h1 = h + w * tau;
            let r = v / w;
            (
                [x0 + r * (h1.sin() - h.sin()), y0 + r * (h.cos() - h1.cos())],
                h1,
            )
        }
    }

    /// Time the segment ends, s.
    pub fn end_s(&self) -> f64 {
        self.start_s + self.duration_s
    }
}

/// A planned path: [`Segment`]s back to back in time, each starting where and with
/// the heading the previous one ended.
#[derive(Debug, Clone, PartialEq)]
pub struct Trajectory {
    segments: Vec<Segment>,
}

impl Trajectory {
    /// The segments, in time order.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    fn segment(&self, t: f64) -> &Segment {
        let i = self.segments.partition_point(|s| s.start_s <= t);
        &self.segments[i.saturating_sub(1)]
    }

    /// Position at time `t`, m (extrapolating the first or last segment outside them).
    pub fn position(&self, t: f64) -> [f64; 2] {
        let s = self.segment(t);
        s.at(t - s.start_s).0
    }

    /// Velocity at time `t`, m/s.
    pub fn velocity(&self, t: f64) -> [f64; 2] {
        let s = self.segment(t);
        let h = s.at(t - s.start_s).1;
        [s.speed_mps * h.cos(), s.speed_mps * h.sin()]
    }

    /// Rate of turn at time `t`, rad/s (0 on a straight leg).
    pub fn turn_rate(&self, t: f64) -> f64 {
        self.segment(t).turn_rate_rps
    }
}

/// What the generator knows about one target beyond its positions.
#[derive(Debug, Clone, PartialEq)]
pub struct TargetInfo {
    /// This target's probability of detection.
    pub pd: f64,
    /// The planned path, for kinds with legs and turns; `None` for the noisy
    /// constant-velocity targets, whose truth is only defined at scan times.
    pub trajectory: Option<Trajectory>,
}

/// A group of [`Kind::Crossing`] targets and where they meet.
#[derive(Debug, Clone, PartialEq)]
pub struct Crossing {
    /// When the members pass the point, s.
    pub time_s: f64,
    /// The common point, m.
    pub point: [f64; 2],
    /// Target ids of the members.
    pub members: Vec<usize>,
}

/// One detection: a measured position and, for scoring only, its source.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GenDetection {
    pub xy: [f64; 2],
    /// The target it came from; `None` for clutter.
    pub target_id: Option<usize>,
}

/// Truth and detections at one scan time.
#[derive(Debug, Clone, PartialEq)]
pub struct GenScan {
    pub time_s: f64,
    /// Every target's true position, indexed by target id.
    pub truths: Vec<[f64; 2]>,
    /// Target detections and clutter, shuffled.
    pub detections: Vec<GenDetection>,
}

/// A generated scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    pub params: GenParams,
    /// Per target, indexed by target id.
    pub targets: Vec<TargetInfo>,
    /// Crossing groups ([`Kind::Crossing`] only).
    pub crossings: Vec<Crossing>,
    pub scans: Vec<GenScan>,
}

/// CSV header of the Stone Soup scenario format.
pub const CSV_HEADER: &str = "time_s,kind,target_id,x_m,y_m";

impl Generated {
    /// Number of detections, clutter included.
    pub fn measurements(&self) -> usize {
        self.scans.iter().map(|s| s.detections.len()).sum()
    }

    /// Writes the scenario as `time_s,kind,target_id,x_m,y_m` rows: per scan, every
    /// target's truth, then the shuffled detections (`target_id` −1 for clutter).
    /// Numbers have three decimals, as the anchor's `bench.py` writes them.
    pub fn write_csv<W: Write>(&self, mut w: W) -> io::Result<()> {
        writeln!(w, "{CSV_HEADER}")?;
        for scan in &self.scans {
            let t = scan.time_s;
            for (id, [x, y]) in scan.truths.iter().enumerate() {
                writeln!(w, "{t:.3},truth,{id},{x:.3},{y:.3}")?;
            }
            for d in &scan.detections {
                let id = d.target_id.map_or(-1, |i| i as i64);
                let [x, y] = d.xy;
                writeln!(w, "{t:.3},detection,{id},{x:.3},{y:.3}")?;
            }
        }
        Ok(())
    }

    /// The CSV text of [`Generated::write_csv`].
    pub fn to_csv(&self) -> String {
        let mut out = Vec::with_capacity(64 + 48 * self.measurements());
        self.write_csv(&mut out)
            .expect("writing to a Vec cannot fail");
        String::from_utf8(out).expect("the CSV is ASCII")
    }
}

/// Generates the scenario `p` describes.
///
/// Truth paths come from one random stream seeded by `p.seed`, detections and clutter
/// from another: changing Pd, clutter or σ leaves the paths as they were.
pub fn generate(p: &GenParams) -> Result<Generated, GenError> {
    p.validate()?;
    let mut rng = StdRng::seed_from_u64(p.seed);
    let mut det_rng = StdRng::seed_from_u64(p.seed ^ 0x9E37_79B9_7F4A_7C15);
    let times: Vec<f64> = (0..p.scans).map(|k| k as f64 * p.dt_s).collect();

    let mut crossings = Vec::new();
    // truth[target][scan]
    let (trajectories, truth): (Vec<Option<Trajectory>>, Vec<Vec<[f64; 2]>>) = match p.kind {
        Kind::Manoeuvring => {
            let trajs: Vec<Trajectory> = (0..p.targets)
                .map(|_| manoeuvring_path(p, &mut rng))
                .collect();
            let truth = trajs
                .iter()
                .map(|tr| times.iter().map(|&t| tr.position(t)).collect())
                .collect();
            (trajs.into_iter().map(Some).collect(), truth)
        }
        Kind::Crossing => {
            let trajs = crossing_paths(p, &mut rng, &mut crossings);
            let truth = trajs
                .iter()
                .map(|tr| times.iter().map(|&t| tr.position(t)).collect())
                .collect();
            (trajs.into_iter().map(Some).collect(), truth)
        }
        Kind::DenseClutter | Kind::LowPd => {
            let truth = (0..p.targets).map(|_| cv_truth(p, &mut rng)).collect();
            (vec![None; p.targets], truth)
        }
    };

    let pds: Vec<f64> = (0..p.targets)
        .map(|_| uniform(&mut det_rng, p.pd))
        .collect();
    let noise = Normal::new(0.0, p.sigma_m).expect("sigma validated");
    let clutter = (p.clutter_mean > 0.0)
        .then(|| Poisson::new(p.clutter_mean).expect("clutter mean validated"));
    let scans = times
        .iter()
        .enumerate()
        .map(|(k, &time_s)| {
            let truths: Vec<[f64; 2]> = truth.iter().map(|tr| tr[k]).collect();
            let mut detections = Vec::new();
            for (id, &[x, y]) in truths.iter().enumerate() {
                if det_rng.gen::<f64>() < pds[id] {
                    detections.push(GenDetection {
                        xy: [
                            x + noise.sample(&mut det_rng),
                            y + noise.sample(&mut det_rng),
                        ],
                        target_id: Some(id),
                    });
                }
            }
            let n_clutter = clutter.map_or(0, |c| c.sample(&mut det_rng) as usize);
            for _ in 0..n_clutter {
                detections.push(GenDetection {
                    xy: [
                        det_rng.gen::<f64>() * p.region_m,
                        det_rng.gen::<f64>() * p.region_m,
                    ],
                    target_id: None,
                });
            }
            detections.shuffle(&mut det_rng);
            GenScan {
                time_s,
                truths,
                detections,
            }
        })
        .collect();

    let targets = pds
        .into_iter()
        .zip(trajectories)
        .map(|(pd, trajectory)| TargetInfo { pd, trajectory })
        .collect();
    Ok(Generated {
        params: *p,
        targets,
        crossings,
        scans,
    })
}

/// [`generate`], then [`Generated::to_csv`].
pub fn generate_csv(p: &GenParams) -> Result<String, GenError> {
    Ok(generate(p)?.to_csv())
}

fn uniform(rng: &mut StdRng, r: [f64; 2]) -> f64 {
    if r[0] == r[1] {
        r[0]
    } else {
        rng.gen_range(r[0]..r[1])
    }
}

fn random_sign(rng: &mut StdRng) -> f64 {
    if rng.gen::<bool>() {
        1.0
    } else {
        -1.0
    }
}

/// A start position in the region. With `contain`, the displacement `d` (of the
/// nominal straight path) must keep the end inside too, with a margin of three
/// standard deviations of the drift that process noise adds by the last scan (less if
/// the path would not fit): each axis is drawn from the interval of starts that
/// allows it.
fn start_position(p: &GenParams, rng: &mut StdRng, d: [f64; 2]) -> [f64; 2] {
    let r = p.region_m;
    let t = p.duration_s();
    let drift = 3.0 * (p.q_truth * t.powi(3) / 3.0).sqrt();
    let axis = |rng: &mut StdRng, dx: f64| {
        if p.contain {
            let m = drift.min(0.5 * (r - dx.abs())).max(0.0);
            uniform(rng, [(-dx).max(0.0) + m, (r - dx).min(r) - m])
        } else {
            rng.gen::<f64>() * r
        }
    };
    let x = axis(rng, d[0]);
    let y = axis(rng, d[1]);
    [x, y]
}

/// One piece of a plan: how long, and at what rate of turn (0 = straight).
type Piece = (f64, f64);

/// Alternating turns and legs after an initial straight leg of `first_leg` s, until
/// `total` s are covered (the last piece is cut to fit).
fn manoeuvre_plan(p: &GenParams, rng: &mut StdRng, first_leg: f64, total: f64) -> Vec<Piece> {
    let mut plan = vec![(first_leg.min(total), 0.0)];
    let mut done = first_leg;
    let mut turning = true;
    while done < total {
        let piece = if turning {
            let rate = random_sign(rng) * uniform(rng, p.turn_rate_dps).to_radians();
            (uniform(rng, p.turn_s), rate)
        } else {
            (uniform(rng, p.leg_s), 0.0)
        };
        let d = piece.0.min(total - done);
        plan.push((d, piece.1));
        done += piece.0;
        turning = !turning;
    }
    plan
}

/// Segments of `plan` flown from `start` at time `t0` with `heading` and `speed`.
fn fly(t0: f64, start: [f64; 2], heading: f64, speed: f64, plan: &[Piece]) -> Vec<Segment> {
    let mut segs = Vec::with_capacity(plan.len());
    let (mut t, mut pos, mut h) = (t0, start, heading);
    for &(duration_s, turn_rate_rps) in plan {
        if duration_s <= 0.0 {
            continue;
        }
        let s = Segment {
            start_s: t,
            duration_s,
            start: pos,
            heading_rad: h,
            speed_mps: speed,
            turn_rate_rps,
        };
        (pos, h) = s.at(duration_s);
        h = h.rem_euclid(2.0 * PI);
        t += duration_s;
        segs.push(s);
    }
    segs
}

/// Turns a path flown into the past back into forward time.
///
/// `backward` was flown from the point a target has at `t_ref`, with its heading
/// reversed, its segment times counting seconds before `t_ref`. A coordinated turn
/// flown backwards is the same arc with the opposite rate: so each segment, flown from
/// its end point with heading `h_end + π` and rate −ω, retraces it forwards in time.
fn reverse(backward: &[Segment], t_ref: f64) -> Vec<Segment> {
    backward
        .iter()
        .rev()
        .map(|s| {
            let (end, h_end) = s.at(s.duration_s);
            Segment {
                start_s: t_ref - s.end_s(),
                duration_s: s.duration_s,
                start: end,
                heading_rad: (h_end + PI).rem_euclid(2.0 * PI),
                speed_mps: s.speed_mps,
                turn_rate_rps: -s.turn_rate_rps,
            }
        })
        .collect()
}

fn manoeuvring_path(p: &GenParams, rng: &mut StdRng) -> Trajectory {
    let speed = uniform(rng, p.speed_mps);
    let heading = rng.gen::<f64>() * 2.0 * PI;
    let total = p.duration_s();
    // A random phase, so that targets do not all turn at the same time.
    let first_leg = rng.gen::<f64>() * p.leg_s[1];
    let plan = manoeuvre_plan(p, rng, first_leg, total.max(p.dt_s));
    let d = [speed * total * heading.cos(), speed * total * heading.sin()];
    let start = start_position(p, rng, d);
    Trajectory {
        segments: fly(0.0, start, heading, speed, &plan),
    }
}

/// Headings for a crossing group: every two members' lines of flight at least
/// `min_angle` apart, so that they cross rather than fly in formation or along one
/// line head-on.
fn group_headings(rng: &mut StdRng, n: usize, min_angle: f64) -> Vec<f64> {
    let mut hs: Vec<f64> = Vec::with_capacity(n);
    for _ in 0..n {
        let mut h = rng.gen::<f64>() * 2.0 * PI;
        for _ in 0..1000 {
            let ok = hs.iter().all(|&o| {
                // Angle between the two lines, in [0, π/2].
                let d = (h - o).rem_euclid(PI);
                d.min(PI - d) >= min_angle
            });
            if ok {
                break;
            }
            h = rng.gen::<f64>() * 2.0 * PI;
        }
        hs.push(h);
    }
    hs
}

fn crossing_paths(
    p: &GenParams,
    rng: &mut StdRng,
    crossings: &mut Vec<Crossing>,
) -> Vec<Trajectory> {
    // Group sizes: 2 or 3, a last lone target joins the previous group.
    let mut sizes = Vec::new();
    let mut left = p.targets;
    while left > 0 {
        let s = if rng.gen::<bool>() { 2 } else { 3 }.min(left);
        sizes.push(s);
        left -= s;
    }
    if sizes.len() > 1 && sizes.last() == Some(&1) {
        sizes.pop();
        *sizes.last_mut().expect("more than one group") += 1;
    }
    let total = p.duration_s();
    let mut out = Vec::with_capacity(p.targets);
    for size in sizes {
        let tc = total * uniform(rng, [0.2, 0.8]);
        let point = [rng.gen::<f64>() * p.region_m, rng.gen::<f64>() * p.region_m];
        let headings = group_headings(rng, size, p.crossing_min_angle_deg.to_radians());
        let mut members = Vec::with_capacity(size);
        for h in headings {
            let speed = uniform(rng, p.speed_mps);
            let r = p.crossing_miss_m * rng.gen::<f64>().sqrt();
            let a = rng.gen::<f64>() * 2.0 * PI;
            let at_tc = [point[0] + r * a.cos(), point[1] + r * a.sin()];
            // The crossing is on a straight leg, at a random fraction of it.
            let leg = uniform(rng, p.leg_s);
            let frac = rng.gen::<f64>();
            let manoeuvres = rng.gen::<f64>() < p.manoeuvring_fraction;
            let (before, after) = if manoeuvres {
                (leg * frac, leg * (1.0 - frac))
            } else {
                (f64::INFINITY, f64::INFINITY)
            };
            let past = manoeuvre_plan(p, rng, before, tc.max(p.dt_s));
            let future = manoeuvre_plan(p, rng, after, (total - tc).max(p.dt_s));
            // Fly into the past from the crossing with the heading reversed (segment
            // times count seconds before tc), turn that around, then fly on from tc.
            let back = fly(0.0, at_tc, h + PI, speed, &past);
            let mut segments = reverse(&back, tc);
            segments.extend(fly(tc, at_tc, h, speed, &future));
            members.push(out.len());
            out.push(Trajectory { segments });
        }
        crossings.push(Crossing {
            time_s: tc,
            point,
            members,
        });
    }
    out
}

/// The anchor's truth: exact discrete-time nearly-constant-velocity model with
/// white-noise acceleration density `q_truth`, sampled at scan times.
fn cv_truth(p: &GenParams, rng: &mut StdRng) -> Vec<[f64; 2]> {
    let speed = uniform(rng, p.speed_mps);
    let heading = rng.gen::<f64>() * 2.0 * PI;
    let total = p.duration_s();
    let d = [speed * total * heading.cos(), speed * total * heading.sin()];
    let start = start_position(p, rng, d);
    // Q per axis = q [[dt³/3, dt²/2], [dt²/2, dt]]; its Cholesky factor.
    let dt = p.dt_s;
    let (a, b, c) = (
        p.q_truth * dt.powi(3) / 3.0,
        p.q_truth * dt * dt / 2.0,
        p.q_truth * dt,
    );
    let l11 = a.sqrt();
    let l21 = if l11 > 0.0 { b / l11 } else { 0.0 };
    let l22 = (c - l21 * l21).max(0.0).sqrt();
    let mut x = [start[0], speed * heading.cos()];
    let mut y = [start[1], speed * heading.sin()];
    let mut out = Vec::with_capacity(p.scans);
    for k in 0..p.scans {
        if k > 0 {
            for s in [&mut x, &mut y] {
                let (n1, n2): (f64, f64) = (
                    rng.sample(rand_distr::StandardNormal),
                    rng.sample(rand_distr::StandardNormal),
                );
                s[0] += dt * s[1] + l11 * n1;
                s[1] += l21 * n1 + l22 * n2;
            }
        }
        out.push([x[0], y[0]]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::Scenario;

    fn small(kind: Kind, targets: usize, scans: usize, seed: u64) -> GenParams {
        let mut p = GenParams::new(kind, targets, seed);
        p.scans = scans;
        p
    }

    fn dist(a: [f64; 2], b: [f64; 2]) -> f64 {
        (a[0] - b[0]).hypot(a[1] - b[1])
    }

    #[test]
    fn the_same_seed_gives_the_same_file_and_another_seed_another() {
        for kind in Kind::ALL {
            let p = small(kind, 20, 30, 42);
            let a = generate_csv(&p).unwrap();
            assert_eq!(a, generate_csv(&p).unwrap(), "{kind}");
            let q = GenParams { seed: 43, ..p };
            assert_ne!(a, generate_csv(&q).unwrap(), "{kind}");
        }
    }

    #[test]
    fn pd_and_clutter_do_not_change_the_paths() {
        for kind in Kind::ALL {
            let p = small(kind, 10, 20, 5);
            let q = GenParams {
                pd: [0.5, 0.5],
                clutter_mean: 3.0,
                sigma_m: 10.0,
                ..p
            };
            let (a, b) = (generate(&p).unwrap(), generate(&q).unwrap());
            for (sa, sb) in a.scans.iter().zip(&b.scans) {
                assert_eq!(sa.truths, sb.truths, "{kind}");
            }
        }
    }

    #[test]
    fn kind_names_round_trip() {
        for kind in Kind::ALL {
            assert_eq!(kind.name().parse::<Kind>(), Ok(kind));
        }
        assert_eq!("Dense_Clutter".parse::<Kind>(), Ok(Kind::DenseClutter));
        assert_eq!("maneuvering".parse::<Kind>(), Ok(Kind::Manoeuvring));
        assert!("zigzag".parse::<Kind>().is_err());
    }

    #[test]
    fn bad_parameters_are_refused() {
        let ok = GenParams::new(Kind::LowPd, 5, 1);
        assert!(ok.validate().is_ok());
        let cases = [
            ("targets", GenParams { targets: 0, ..ok }),
            ("scans", GenParams { scans: 0, ..ok }),
            (
                "pd",
                GenParams {
                    pd: [0.7, 0.6],
                    ..ok
                },
            ),
            (
                "pd",
                GenParams {
                    pd: [0.9, 1.1],
                    ..ok
                },
            ),
            (
                "clutter_mean",
                GenParams {
                    clutter_mean: -1.0,
                    ..ok
                },
            ),
            (
                "speed_mps",
                GenParams {
                    speed_mps: [10.0, 5.0],
                    ..ok
                },
            ),
            (
                "sigma_m",
                GenParams {
                    sigma_m: f64::NAN,
                    ..ok
                },
            ),
            (
                "turn_rate_dps",
                GenParams {
                    turn_rate_dps: [0.0, 3.0],
                    ..ok
                },
            ),
            (
                "contain",
                GenParams {
                    contain: true,
                    region_m: 1.0e4,
                    ..ok
                },
            ),
        ];
        for (field, p) in cases {
            assert_eq!(generate(&p).unwrap_err().field, field);
        }
    }

    #[test]
    fn the_csv_reads_back_as_the_tracker_sees_it() {
        for kind in Kind::ALL {
            let g = generate(&small(kind, 15, 12, 9)).unwrap();
            let s = Scenario::parse(&g.to_csv()).unwrap();
            assert_eq!(s.scans.len(), 12);
            assert_eq!(s.measurements(), g.measurements());
            let truths: usize = s.truths.values().map(Vec::len).sum();
            assert_eq!(truths, 15 * 12);
            for (a, b) in s.scans.iter().zip(&g.scans) {
                assert_eq!(a.time, b.time_s);
                let ids: Vec<i64> = b
                    .detections
                    .iter()
                    .map(|d| d.target_id.map_or(-1, |i| i as i64))
                    .collect();
                assert_eq!(a.target_ids, ids);
            }
        }
    }

    #[test]
    fn turns_are_coordinated_at_one_to_three_degrees_per_second() {
        for kind in [Kind::Manoeuvring, Kind::Crossing] {
            let p = small(kind, 60, 100, 3);
            let g = generate(&p).unwrap();
            let (mut turning, mut total) = (0.0, 0.0);
            for (id, t) in g.targets.iter().enumerate() {
                let tr = t.trajectory.as_ref().expect("planned path");
                for s in tr.segments() {
                    let w = s.turn_rate_rps.abs().to_degrees();
                    assert!(
                        w == 0.0 || (1.0 - 1e-9..=3.0 + 1e-9).contains(&w),
                        "{kind} {id}: {w}"
                    );
                    if w > 0.0 {
                        assert!(s.duration_s <= 90.0 + 1e-9, "{kind} {id}: turn {s:?}");
                    }
                }
                // Measure the turn rate from positions alone, at 1 s steps: the
                // heading of successive chords changes by ω·1 s on an arc.
                let mut prev: Option<f64> = None;
                let mut tm = 0.0;
                while tm + 1.0 <= p.duration_s() {
                    let (a, b) = (tr.position(tm), tr.position(tm + 1.0));
                    let chord = (b[1] - a[1]).atan2(b[0] - a[0]);
                    let speed = dist(a, b);
                    if let Some(pc) = prev {
                        let d = (chord - pc + PI).rem_euclid(2.0 * PI) - PI;
                        let rate = d.abs().to_degrees();
                        // Steps that straddle a segment boundary see part of a turn.
                        let same = tr.turn_rate(tm - 1.0) == tr.turn_rate(tm + 1.0);
                        if same && speed > 1.0 {
                            assert!(
                                rate < 1e-6 || (1.0 - 1e-6..=3.0 + 1e-6).contains(&rate),
                                "{kind} {id} t={tm}: {rate} °/s"
                            );
                            assert!((rate - tr.turn_rate(tm).abs().to_degrees()).abs() < 1e-6);
                        }
                        assert!(rate <= 3.0 + 1e-6, "{kind} {id} t={tm}: {rate} °/s");
                        total += 1.0;
                        if rate > 1e-6 {
                            turning += 1.0;
                        }
                    }
                    // Constant speed, within the range.
                    assert!(speed >= p.speed_mps[0] - 1e-6 && speed <= p.speed_mps[1] + 1e-6);
                    prev = Some(chord);
                    tm += 1.0;
                }
            }
            let frac = turning / total;
            assert!((0.05..0.6).contains(&frac), "{kind}: turning {frac}");
        }
    }

    #[test]
    fn paths_are_continuous_and_truth_rows_are_exact() {
        for kind in [Kind::Manoeuvring, Kind::Crossing] {
            let g = generate(&small(kind, 30, 50, 11)).unwrap();
            for (id, t) in g.targets.iter().enumerate() {
                let tr = t.trajectory.as_ref().unwrap();
                for w in tr.segments().windows(2) {
                    let (end, h) = w[0].at(w[0].duration_s);
                    assert!((w[0].end_s() - w[1].start_s).abs() < 1e-9);
                    assert!(dist(end, w[1].start) < 1e-6, "{kind} {id}");
                    let dh = (h - w[1].heading_rad + PI).rem_euclid(2.0 * PI) - PI;
                    assert!(dh.abs() < 1e-9, "{kind} {id}");
                }
                assert!(tr.segments()[0].start_s <= 0.0);
                assert!(tr.segments().last().unwrap().end_s() >= g.params.duration_s() - 1e-9);
                for s in &g.scans {
                    assert_eq!(s.truths[id], tr.position(s.time_s));
                }
            }
        }
    }

    #[test]
    fn crossing_groups_meet_within_the_miss_distance() {
        let p = small(Kind::Crossing, 50, 100, 8);
        let g = generate(&p).unwrap();
        let mut members = 0;
        for c in &g.crossings {
            assert!((2..=4).contains(&c.members.len()), "{c:?}");
            assert!(c.time_s >= 0.2 * p.duration_s() && c.time_s <= 0.8 * p.duration_s());
            members += c.members.len();
            for &i in &c.members {
                let tr = g.targets[i].trajectory.as_ref().unwrap();
                assert!(dist(tr.position(c.time_s), c.point) <= p.crossing_miss_m + 1e-6);
                for &j in &c.members {
                    if i < j {
                        let tj = g.targets[j].trajectory.as_ref().unwrap();
                        let (vi, vj) = (tr.velocity(c.time_s), tj.velocity(c.time_s));
                        let cross = (vi[0] * vj[1] - vi[1] * vj[0]).abs();
                        let sin = cross / (vi[0].hypot(vi[1]) * vj[0].hypot(vj[1]));
                        assert!(sin >= p.crossing_min_angle_deg.to_radians().sin() - 1e-9);
                    }
                }
            }
        }
        assert_eq!(members, 50);
        // Some targets manoeuvre, some do not.
        let manoeuvring = g
            .targets
            .iter()
            .filter(|t| t.trajectory.as_ref().unwrap().segments().len() > 2)
            .count();
        assert!((10..=40).contains(&manoeuvring), "{manoeuvring}");
    }

    #[test]
    fn detections_come_at_pd_and_clutter_at_its_mean() {
        let mut p = small(Kind::LowPd, 200, 50, 21);
        p.clutter_mean = 0.0;
        let g = generate(&p).unwrap();
        let pd_mean: f64 = g.targets.iter().map(|t| t.pd).sum::<f64>() / 200.0;
        assert!(g.targets.iter().all(|t| (0.6..=0.7).contains(&t.pd)));
        let per_scan = g.measurements() as f64 / 50.0;
        assert!(
            (per_scan / 200.0 - pd_mean).abs() < 0.01,
            "{per_scan} vs {pd_mean}"
        );
        assert!((per_scan / 200.0 - 0.65).abs() < 0.02, "{per_scan}");

        let mut q = small(Kind::DenseClutter, 20, 50, 22);
        q.pd = [0.0, 0.0];
        let g = generate(&q).unwrap();
        let n = g.measurements() as f64 / 50.0;
        // Poisson(500) over 50 scans: sd of the mean ≈ 3.2.
        assert!((n - 500.0).abs() < 15.0, "{n}");
        for s in &g.scans {
            for d in &s.detections {
                assert!(d.target_id.is_none());
                assert!(d.xy.iter().all(|v| (0.0..=q.region_m).contains(v)));
            }
        }
    }

    #[test]
    fn detections_are_noisy_at_sigma() {
        let g = generate(&small(Kind::Manoeuvring, 100, 40, 4)).unwrap();
        let (mut n, mut sum, mut sq) = (0.0, 0.0, 0.0);
        for s in &g.scans {
            for d in &s.detections {
                if let Some(i) = d.target_id {
                    for k in 0..2 {
                        let e = d.xy[k] - s.truths[i][k];
                        n += 1.0;
                        sum += e;
                        sq += e * e;
                    }
                }
            }
        }
        let (mean, sd) = (sum / n, (sq / n - (sum / n).powi(2)).sqrt());
        assert!(mean.abs() < 2.0 && (sd - 50.0).abs() < 1.5, "{mean} {sd}");
    }

    #[test]
    fn row_order_does_not_give_the_target_away() {
        // Within a scan, detections are shuffled: neither clutter nor any target id
        // sits at a predictable place.
        let mut p = small(Kind::LowPd, 50, 200, 13);
        p.clutter_mean = 20.0;
        let g = generate(&p).unwrap();
        let (mut clutter_rank, mut n_clutter) = (0.0, 0.0);
        let mut corr = 0.0;
        let mut n_scans = 0.0;
        for s in &g.scans {
            let len = s.detections.len() as f64;
            let (mut ranks, mut ids) = (Vec::new(), Vec::new());
            for (k, d) in s.detections.iter().enumerate() {
                let rank = (k as f64 + 0.5) / len;
                match d.target_id {
                    None => {
                        clutter_rank += rank;
                        n_clutter += 1.0;
                    }
                    Some(i) => {
                        ranks.push(rank);
                        ids.push(i as f64);
                    }
                }
            }
            let m = ranks.len() as f64;
            let (mr, mi) = (ranks.iter().sum::<f64>() / m, ids.iter().sum::<f64>() / m);
            let cov: f64 = ranks
                .iter()
                .zip(&ids)
                .map(|(r, i)| (r - mr) * (i - mi))
                .sum();
            let vr: f64 = ranks.iter().map(|r| (r - mr).powi(2)).sum();
            let vi: f64 = ids.iter().map(|i| (i - mi).powi(2)).sum();
            corr += cov / (vr * vi).sqrt();
            n_scans += 1.0;
        }
        let clutter_rank = clutter_rank / n_clutter;
        assert!(
            (clutter_rank - 0.5).abs() < 0.02,
            "clutter sits at {clutter_rank}"
        );
        let corr = corr / n_scans;
        assert!(corr.abs() < 0.03, "rank/id correlation {corr}");
        // Every detection is printed like every other: three decimals, no exact truth.
        let csv = g.to_csv();
        for line in csv.lines().skip(1).filter(|l| l.contains(",detection,")) {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f.len(), 5);
            for v in [f[0], f[3], f[4]] {
                assert_eq!(v.split('.').nth(1).map(str::len), Some(3), "{line}");
            }
        }
        for s in &g.scans {
            for d in &s.detections {
                if let Some(i) = d.target_id {
                    assert!(dist(d.xy, s.truths[i]) > 0.0);
                }
            }
        }
    }

    #[test]
    fn dense_clutter_targets_stay_in_the_clutter() {
        let p = small(Kind::DenseClutter, 200, 100, 17);
        let g = generate(&p).unwrap();
        // Process noise can still push a path out near the edge, rarely.
        let (mut out, mut all) = (0, 0);
        for s in &g.scans {
            for xy in &s.truths {
                all += 1;
                if !xy.iter().all(|v| (0.0..=p.region_m).contains(v)) {
                    out += 1;
                }
            }
        }
        assert!(out * 200 <= all, "{out} of {all} truth points outside");
    }

    #[test]
    fn cv_targets_follow_the_anchor_model() {
        // With no process noise the anchor's model is a straight line at constant speed.
        let mut p = small(Kind::LowPd, 20, 30, 2);
        p.q_truth = 0.0;
        let g = generate(&p).unwrap();
        for id in 0..20 {
            let d: Vec<[f64; 2]> = g
                .scans
                .windows(2)
                .map(|w| {
                    [
                        w[1].truths[id][0] - w[0].truths[id][0],
                        w[1].truths[id][1] - w[0].truths[id][1],
                    ]
                })
                .collect();
            for x in &d {
                assert!(dist(*x, d[0]) < 1e-6);
            }
            let speed = dist(d[0], [0.0, 0.0]) / p.dt_s;
            assert!((5.0..=250.0).contains(&speed));
        }
        // With the anchor's q = 0.1 the velocity wanders by about sqrt(q·T) per axis.
        let g = generate(&small(Kind::LowPd, 300, 100, 2)).unwrap();
        let mut sq = 0.0;
        for id in 0..300 {
            let v = |k: usize| {
                let (a, b) = (g.scans[k].truths[id], g.scans[k + 1].truths[id]);
                [(b[0] - a[0]) / 10.0, (b[1] - a[1]) / 10.0]
            };
            let (v0, v1) = (v(0), v(98));
            sq += (v1[0] - v0[0]).powi(2) + (v1[1] - v0[1]).powi(2);
        }
        let rms = (sq / 600.0).sqrt();
        let expect = (0.1_f64 * 980.0).sqrt();
        assert!((rms / expect - 1.0).abs() < 0.2, "{rms} vs {expect}");
    }
}
