//! GOSPA (generalised optimal sub-pattern assignment, α = 2) between 2-D point sets.
//!
//! From the definition (Rahman, García-Fernández et al.):
//!
//! ```text
//! d = ( min_γ  Σ_{(i,j)∈γ} d(x_i, y_j)^p  +  (c^p / 2)·(|X| + |Y| − 2|γ|) )^(1/p)
//! ```
//!
//! over partial one-to-one assignments γ. A pair at distance `d ≥ c` costs at least as
//! much as leaving both points unassigned, so only pairs with `d^p < c^p` are candidates.
//! An R-tree over the estimates finds them, and the minimisation is the optional sparse
//! assignment with cost `d^p − c^p` (what pairing saves over leaving both unassigned),
//! which splits into small components on real scenes.
//!
//! Components follow Stone Soup's `GOSPAMetric` (and the anchor benchmark's
//! `gospa_fast`): `localisation` = Σ d^p over pairs, `missed` and `false` = c^p/2 per
//! unassigned truth and estimate, `distance` = (sum)^(1/p).

use crate::assign::{Objective, SparseSolver};
use rstar::primitives::GeomWithData;
use rstar::RTree;
use serde::{Deserialize, Serialize};

/// Why a [`GospaParams`] was rejected.
#[derive(Debug, Clone, Copy, PartialEq, thiserror::Error)]
pub enum GospaParamsError {
    #[error("GOSPA cut-off c must be finite and positive, got {0}")]
    Cutoff(f64),
    #[error("GOSPA order p must be finite and at least 1, got {0}")]
    Order(f64),
    #[error("GOSPA c^p overflows for c = {c}, p = {p}")]
    Overflow { c: f64, p: f64 },
}

/// GOSPA parameters: cut-off distance `c` (metres) and order `p`; α is fixed at 2.
///
/// Validated on construction (and on deserialisation), so [`gospa`] never sees a
/// cut-off or order for which the metric is undefined.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawGospaParams")]
pub struct GospaParams {
    c: f64,
    p: f64,
}

#[derive(Deserialize)]
struct RawGospaParams {
    c: f64,
    p: f64,
}

impl TryFrom<RawGospaParams> for GospaParams {
    type Error = GospaParamsError;
    fn try_from(raw: RawGospaParams) -> Result<Self, Self::Error> {
        GospaParams::new(raw.c, raw.p)
    }
}

impl GospaParams {
    /// `c` must be finite and positive, `p` finite and ≥ 1 (GOSPA is a metric only then),
    /// and `c^p` must be finite.
    pub fn new(c: f64, p: f64) -> Result<Self, GospaParamsError> {
        if !(c.is_finite() && c > 0.0) {
            return Err(GospaParamsError::Cutoff(c));
        }
        if !(p.is_finite() && p >= 1.0) {
            return Err(GospaParamsError::Order(p));
        }
        if !pow_p(c, p).is_finite() {
            return Err(GospaParamsError::Overflow { c, p });
        }
        Ok(GospaParams { c, p })
    }

    /// Cut-off distance.
    pub fn c(&self) -> f64 {
        self.c
    }

    /// Order.
    pub fn p(&self) -> f64 {
        self.p
    }
}

/// One GOSPA evaluation and its decomposition.
///
/// `localisation + missed + false_ == distance^p`. Serialises `false_` as `false`, as
/// Stone Soup names it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Gospa {
    pub distance: f64,
    /// Σ d^p over assigned pairs.
    pub localisation: f64,
    /// c^p/2 per unassigned truth.
    pub missed: f64,
    /// c^p/2 per unassigned estimate.
    #[serde(rename = "false")]
    pub false_: f64,
}

/// GOSPA between `truths` and `estimates` (x, y in metres, Euclidean).
///
/// Points with a non-finite coordinate can never be assigned, so they count as missed or
/// false. Allocates; use [`GospaWorkspace`] to evaluate many scans.
pub fn gospa(truths: &[[f64; 2]], estimates: &[[f64; 2]], params: GospaParams) -> Gospa {
    GospaWorkspace::new().compute(truths, estimates, params)
}

/// Average of each component (including `distance`, as Stone Soup and the anchor
/// benchmark average per-scan distances); all zeros for no items.
pub fn mean(items: &[Gospa]) -> Gospa {
    if items.is_empty() {
        return Gospa::default();
    }
    let n = items.len() as f64;
    let mut sum = Gospa::default();
    for g in items {
        sum.distance += g.distance;
        sum.localisation += g.localisation;
        sum.missed += g.missed;
        sum.false_ += g.false_;
    }
    Gospa {
        distance: sum.distance / n,
        localisation: sum.localisation / n,
        missed: sum.missed / n,
        false_: sum.false_ / n,
    }
}

/// Buffers reused across [`GospaWorkspace::compute`] calls (the R-tree is rebuilt per
/// call).
#[derive(Debug, Default, Clone)]
pub struct GospaWorkspace {
    solver: SparseSolver,
    edges: Vec<(usize, usize, f64)>,
}

impl GospaWorkspace {
    /// Empty buffers; they grow on first use.
    pub fn new() -> Self {
        Self::default()
    }

    /// Same as [`gospa`].
    pub fn compute(
        &mut self,
        truths: &[[f64; 2]],
        estimates: &[[f64; 2]],
        params: GospaParams,
    ) -> Gospa {
        let GospaParams { c, p } = params;
        let cp = pow_p(c, p);
        let half = cp / 2.0;

        self.edges.clear();
        if !truths.is_empty() && !estimates.is_empty() {
            // rstar's bulk load sorts by coordinate, which needs finite numbers.
            let points: Vec<_> = estimates
                .iter()
                .enumerate()
                .filter(|(_, e)| e[0].is_finite() && e[1].is_finite())
                .map(|(j, e)| GeomWithData::new(*e, j))
                .collect();
            let tree = RTree::bulk_load(points);
            for (i, t) in truths.iter().enumerate() {
                if !(t[0].is_finite() && t[1].is_finite()) {
                    continue;
                }
                for e in tree.locate_within_distance(*t, c * c) {
                    let dp = pow_p(dist(t, e.geom()), p);
                    // Same test as Stone Soup: a pair at exactly c is never made.
                    if dp < cp {
                        self.edges.push((i, e.data, dp - cp));
                    }
                }
            }
        }

        let row_to_col = self.solver.solve(
            truths.len(),
            estimates.len(),
            &self.edges,
            Objective::MinCost,
        );
        let mut localisation = 0.0;
        let mut pairs = 0usize;
        for (i, j) in row_to_col.iter().enumerate() {
            if let Some(j) = *j {
                localisation += pow_p(dist(&truths[i], &estimates[j]), p);
                pairs += 1;
            }
        }
        let missed = half * (truths.len() - pairs) as f64;
        let false_ = half * (estimates.len() - pairs) as f64;
        let total = localisation + missed + false_;
        Gospa {
            distance: if p == 1.0 { total } else { total.powf(1.0 / p) },
            localisation,
            missed,
            false_,
        }
    }
}

fn dist(a: &[f64; 2], b: &[f64; 2]) -> f64 {
    let dx = a[0] - b[0];
    let dy = a[1] - b[1];
    (dx * dx + dy * dy).sqrt()
}

/// `x^p` with the common orders exact and cheap.
fn pow_p(x: f64, p: f64) -> f64 {
    if p == 1.0 {
        x
    } else if p == 2.0 {
        x * x
    } else {
        x.powf(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;
    use std::path::{Path, PathBuf};

    fn params(c: f64, p: f64) -> GospaParams {
        GospaParams::new(c, p).expect("valid test parameters")
    }

    fn close(a: f64, b: f64, rel: f64) -> bool {
        (a - b).abs() <= rel * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn rejects_bad_parameters() {
        assert_eq!(
            GospaParams::new(0.0, 1.0),
            Err(GospaParamsError::Cutoff(0.0))
        );
        assert!(GospaParams::new(f64::NAN, 1.0).is_err());
        assert!(GospaParams::new(-5.0, 1.0).is_err());
        assert_eq!(
            GospaParams::new(5.0, 0.5),
            Err(GospaParamsError::Order(0.5))
        );
        assert!(GospaParams::new(5.0, f64::INFINITY).is_err());
        assert!(matches!(
            GospaParams::new(1e200, 2.0),
            Err(GospaParamsError::Overflow { .. })
        ));
        let ok = params(500.0, 1.0);
        assert_eq!((ok.c(), ok.p()), (500.0, 1.0));
    }

    #[test]
    fn empty_sets() {
        assert_eq!(gospa(&[], &[], params(10.0, 2.0)), Gospa::default());
    }

    #[test]
    fn all_missed_or_all_false() {
        let pts = [[0.0, 0.0], [1.0, 1.0], [5.0, 5.0]];
        let g = gospa(&pts, &[], params(10.0, 2.0));
        assert_eq!((g.localisation, g.missed, g.false_), (0.0, 150.0, 0.0));
        assert_eq!(g.distance, 150f64.sqrt());
        let g = gospa(&[], &pts, params(10.0, 1.0));
        assert_eq!(
            (g.localisation, g.missed, g.false_, g.distance),
            (0.0, 0.0, 15.0, 15.0)
        );
        // Everything out of reach: the same as having nothing to pair.
        let far = [[100.0, 0.0], [0.0, 100.0]];
        let g = gospa(&pts, &far, params(10.0, 1.0));
        assert_eq!((g.localisation, g.missed, g.false_), (0.0, 15.0, 10.0));
    }

    #[test]
    fn exact_match_is_zero() {
        let pts = [[3.0, -2.0], [1e5, 4e5], [-7.5, 0.25], [3.0, -2.0]];
        let mut shuffled = pts;
        shuffled.reverse();
        assert_eq!(gospa(&pts, &shuffled, params(500.0, 1.0)), Gospa::default());
    }

    #[test]
    fn hand_computed_case() {
        // t0–e0 at 5, t1–e1 at 1, e2 far away; cross pairs are beyond c = 6.
        let truths = [[0.0, 0.0], [10.0, 0.0]];
        let estimates = [[3.0, 4.0], [10.0, 1.0], [100.0, 100.0]];
        let g = gospa(&truths, &estimates, params(6.0, 2.0));
        assert_eq!(g.localisation, 26.0);
        assert_eq!(g.missed, 0.0);
        assert_eq!(g.false_, 18.0);
        assert_eq!(g.distance, 44f64.sqrt());
    }

    #[test]
    fn fewer_pairs_can_be_better() {
        // Pairing A–b and B–a (cost 9 + 8) is worse than A–a alone (1 + 5 + 5).
        let truths = [[0.0, 0.0], [9.0, 0.0]];
        let estimates = [[1.0, 0.0], [-9.0, 0.0]];
        let g = gospa(&truths, &estimates, params(10.0, 1.0));
        assert_eq!(
            (g.localisation, g.missed, g.false_, g.distance),
            (1.0, 5.0, 5.0, 11.0)
        );
    }

    #[test]
    fn pairs_at_exactly_c_are_not_made() {
        let g = gospa(&[[0.0, 0.0]], &[[3.0, 4.0]], params(5.0, 1.0));
        assert_eq!((g.localisation, g.missed, g.false_), (0.0, 2.5, 2.5));
    }

    #[test]
    fn non_finite_points_are_unassignable() {
        let truths = [[f64::NAN, 0.0], [0.0, 0.0]];
        let estimates = [[0.0, 1.0], [f64::INFINITY, 0.0]];
        let g = gospa(&truths, &estimates, params(10.0, 1.0));
        assert_eq!((g.localisation, g.missed, g.false_), (1.0, 5.0, 5.0));
    }

    #[test]
    fn mean_averages_each_component() {
        let a = Gospa {
            distance: 1.0,
            localisation: 2.0,
            missed: 3.0,
            false_: 4.0,
        };
        let b = Gospa {
            distance: 3.0,
            localisation: 0.0,
            missed: 1.0,
            false_: 0.0,
        };
        let m = mean(&[a, b]);
        assert_eq!(
            (m.distance, m.localisation, m.missed, m.false_),
            (2.0, 1.0, 2.0, 2.0)
        );
        assert_eq!(mean(&[]), Gospa::default());
    }

    #[test]
    fn serde_names_and_validation() {
        use serde::de::value::{Error, MapDeserializer};
        let fields = [
            ("distance", 1.0),
            ("localisation", 2.0),
            ("missed", 3.0),
            ("false", 4.0),
        ];
        let g = Gospa::deserialize(MapDeserializer::<_, Error>::new(fields.into_iter()))
            .expect("`false` is the serialised name of false_");
        assert_eq!(g.false_, 4.0);
        let ok = GospaParams::deserialize(MapDeserializer::<_, Error>::new(
            [("c", 500.0), ("p", 1.0)].into_iter(),
        ));
        assert_eq!(ok.ok(), Some(params(500.0, 1.0)));
        let bad = GospaParams::deserialize(MapDeserializer::<_, Error>::new(
            [("c", -1.0), ("p", 1.0)].into_iter(),
        ));
        assert!(bad.is_err());
    }

    /// Minimum of the GOSPA objective over every partial one-to-one assignment, taking
    /// any pair (even beyond c) so the cut-off rule itself is under test.
    fn brute_force(truths: &[[f64; 2]], estimates: &[[f64; 2]], c: f64, p: f64) -> f64 {
        struct Search<'a> {
            t: &'a [[f64; 2]],
            e: &'a [[f64; 2]],
            half: f64,
            p: f64,
            used: Vec<bool>,
            best: f64,
        }
        impl Search<'_> {
            fn go(&mut self, i: usize, sum: f64, pairs: usize) {
                if i == self.t.len() {
                    let unassigned = self.t.len() + self.e.len() - 2 * pairs;
                    self.best = self.best.min(sum + self.half * unassigned as f64);
                    return;
                }
                self.go(i + 1, sum, pairs);
                for j in 0..self.e.len() {
                    if !self.used[j] {
                        self.used[j] = true;
                        let d = dist(&self.t[i], &self.e[j]).powf(self.p);
                        self.go(i + 1, sum + d, pairs + 1);
                        self.used[j] = false;
                    }
                }
            }
        }
        let mut s = Search {
            t: truths,
            e: estimates,
            half: c.powf(p) / 2.0,
            p,
            used: vec![false; estimates.len()],
            best: f64::INFINITY,
        };
        s.go(0, 0.0, 0);
        s.best
    }

    fn point() -> impl Strategy<Value = [f64; 2]> {
        (0.0..10.0f64, 0.0..10.0f64).prop_map(|(x, y)| [x, y])
    }

    proptest! {
        #[test]
        fn matches_brute_force(
            truths in prop::collection::vec(point(), 0..=4),
            estimates in prop::collection::vec(point(), 0..=4),
            c in 0.5..8.0f64,
            p in prop_oneof![Just(1.0), Just(2.0), 1.0..3.0f64],
        ) {
            let g = gospa(&truths, &estimates, params(c, p));
            let want = brute_force(&truths, &estimates, c, p);
            let got = g.localisation + g.missed + g.false_;
            prop_assert!(close(got, want, 1e-9), "{} vs brute {}", got, want);
            prop_assert!(close(g.distance, want.powf(1.0 / p), 1e-9));
            // Unassigned counts are consistent: missed − false = c^p/2 · (|X| − |Y|).
            let half = c.powf(p) / 2.0;
            let diff = (truths.len() as f64 - estimates.len() as f64) * half;
            prop_assert!(close(g.missed - g.false_, diff, 1e-9));
        }
    }

    /// Stone Soup anchors: `CUENCA_STONESOUP_ANCHORS` or `/work/shared/...` next to the
    /// workspace.
    fn anchor_dir() -> PathBuf {
        std::env::var_os("CUENCA_STONESOUP_ANCHORS")
            .map(PathBuf::from)
            .unwrap_or_else(|| {
                Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/anchors/stonesoup")
            })
    }

    /// Scan times are keyed in integer milliseconds so "990.000" from two files agree.
    fn time_key(s: &str) -> i64 {
        let t: f64 = s.trim().parse().expect("time_s is a number");
        (t * 1000.0).round() as i64
    }

    fn xy(x: &str, y: &str) -> [f64; 2] {
        [
            x.trim().parse().expect("x_m is a number"),
            y.trim().parse().expect("y_m is a number"),
        ]
    }

    /// The number after `"key":` at or after `from` in a JSON text (no JSON crate here).
    fn json_number(text: &str, from: usize, key: &str) -> f64 {
        let pat = format!("\"{key}\":");
        let at = text[from..].find(&pat).expect("key present") + from + pat.len();
        let rest = &text[at..];
        let end = rest.find([',', '\n', '}']).unwrap_or(rest.len());
        rest[..end].trim().parse().expect("numeric value")
    }

    /// Mean GOSPA(c = 500, p = 1) of Stone Soup's confirmed tracks against truth, per scan
    /// time present in either (up to the last processed scan), as `bench.py` computes it.
    fn check_anchor(n: usize) {
        let dir = anchor_dir();
        let scenario = dir.join(format!("scenario_{n}.csv"));
        let mut tracks = dir.join(format!("tracks_{n}_kdtree.csv"));
        if !tracks.exists() {
            // The shared folder lacks Stone Soup's track files; we keep one (tests/data).
            tracks = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join(format!("tests/data/stonesoup_tracks_{n}_kdtree.csv"));
        }
        let results = dir.join(format!("results_{n}_kdtree.json"));
        for f in [&scenario, &tracks, &results] {
            if !f.exists() {
                eprintln!(
                    "skipping Stone Soup GOSPA anchor N={n}: {} is missing",
                    f.display()
                );
                return;
            }
        }
        let read = |p: &Path| std::fs::read_to_string(p).expect("readable anchor file");

        // time → (truths, track states)
        type Points = Vec<[f64; 2]>;
        let mut scans: BTreeMap<i64, (Points, Points)> = BTreeMap::new();
        let mut scan_times = Vec::new();
        for line in read(&scenario).lines().skip(1).filter(|l| !l.is_empty()) {
            let f: Vec<&str> = line.split(',').collect();
            assert_eq!(f.len(), 5, "scenario row: {line}");
            let t = time_key(f[0]);
            scan_times.push(t);
            if f[1] == "truth" {
                scans.entry(t).or_default().0.push(xy(f[3], f[4]));
            }
        }
        for line in read(&tracks).lines().skip(1).filter(|l| !l.is_empty()) {
            let f: Vec<&str> = line.split(',').collect();
            assert!(f.len() >= 4, "tracks row: {line}");
            scans
                .entry(time_key(f[0]))
                .or_default()
                .1
                .push(xy(f[2], f[3]));
        }
        scan_times.sort_unstable();
        scan_times.dedup();

        let json = read(&results);
        let processed = json_number(&json, 0, "scans_processed") as usize;
        let t_last = scan_times[processed - 1];
        let at = json
            .find("\"mean_all_scans\"")
            .expect("gospa.mean_all_scans present");
        let want = Gospa {
            distance: json_number(&json, at, "distance"),
            localisation: json_number(&json, at, "localisation"),
            missed: json_number(&json, at, "missed"),
            false_: json_number(&json, at, "false"),
        };

        let p = params(500.0, 1.0);
        let mut ws = GospaWorkspace::new();
        let per_scan: Vec<Gospa> = scans
            .range(..=t_last)
            .map(|(_, (truths, states))| ws.compute(truths, states, p))
            .collect();
        let got = mean(&per_scan);
        eprintln!(
            "N={n}: {} scans, ours {got:?}, Stone Soup {want:?}",
            per_scan.len()
        );
        for (name, a, b) in [
            ("distance", got.distance, want.distance),
            ("localisation", got.localisation, want.localisation),
            ("missed", got.missed, want.missed),
            ("false", got.false_, want.false_),
        ] {
            assert!(
                close(a, b, 1e-6),
                "N={n} {name}: ours {a} vs Stone Soup {b}"
            );
        }
    }

    #[test]
    fn matches_stone_soup_anchor_10() {
        check_anchor(10);
    }

    #[test]
    fn matches_stone_soup_anchor_100() {
        check_anchor(100);
    }

    /// Deterministic uniform numbers in [0, 1) for synthetic scenes.
    fn lcg(state: &mut u64) -> f64 {
        *state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*state >> 11) as f64 / (1u64 << 53) as f64
    }

    /// 1000 targets in a `box_m` square, one estimate within ±85 m of each, 100 clutter.
    fn scene(box_m: f64) -> (Vec<[f64; 2]>, Vec<[f64; 2]>) {
        let mut s = 7u64;
        let truths: Vec<[f64; 2]> = (0..1000)
            .map(|_| [lcg(&mut s) * box_m, lcg(&mut s) * box_m])
            .collect();
        let mut estimates: Vec<[f64; 2]> = truths
            .iter()
            .map(|t| {
                [
                    t[0] + (lcg(&mut s) - 0.5) * 170.0,
                    t[1] + (lcg(&mut s) - 0.5) * 170.0,
                ]
            })
            .collect();
        estimates.extend((0..100).map(|_| [lcg(&mut s) * box_m, lcg(&mut s) * box_m]));
        (truths, estimates)
    }

    #[test]
    fn large_scene_is_sane() {
        let (truths, estimates) = scene(1.0e6);
        let g = gospa(&truths, &estimates, params(500.0, 1.0));
        assert!(g.missed <= 250.0 * 5.0, "{g:?}");
        assert!(g.false_ >= 250.0 * 100.0, "{g:?}");
    }

    /// Timing only (no assertion): `cargo test -p cuenca-fusion --lib --release --
    /// --ignored --nocapture gospa_timing`.
    #[test]
    #[ignore]
    fn gospa_timing() {
        for (label, box_m) in [
            ("1000 km box", 1.0e6),
            ("50 km box", 5.0e4),
            ("20 km box", 2.0e4),
            ("5 km box", 5.0e3),
        ] {
            let (truths, estimates) = scene(box_m);
            let p = params(500.0, 1.0);
            let mut ws = GospaWorkspace::new();
            let reps = 50;
            let start = std::time::Instant::now();
            let mut last = Gospa::default();
            for _ in 0..reps {
                last = ws.compute(&truths, &estimates, p);
            }
            let per = start.elapsed().as_secs_f64() / reps as f64;
            println!(
                "GOSPA 1000 × 1100, {label}: {:.3} ms/call ({last:?})",
                per * 1e3
            );
        }
    }
}
