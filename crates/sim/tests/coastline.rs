//! Vessels do not cross land: every sea leg of every shipped scenario (lanes,
//! named vessels, and so every generated vessel) is checked against the Natural
//! Earth 1:10m land polygons in `../shared` (skipped, with a note, when that folder
//! is absent: the project itself never needs it).

use cuenca_model::Timestamp;
use cuenca_sim::engine::Engine;
use cuenca_sim::scenario::Scenario;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Coastline segments, (lon, lat) pairs, from a TopoJSON topology.
fn coastline(path: &Path) -> Vec<[[f64; 2]; 2]> {
    let text = std::fs::read_to_string(path).unwrap();
    let topo: serde_json::Value = serde_json::from_str(&text).unwrap();
    let t = &topo["transform"];
    let (sx, sy) = (
        t["scale"][0].as_f64().unwrap(),
        t["scale"][1].as_f64().unwrap(),
    );
    let (tx, ty) = (
        t["translate"][0].as_f64().unwrap(),
        t["translate"][1].as_f64().unwrap(),
    );
    let mut segs = Vec::new();
    for arc in topo["arcs"].as_array().unwrap() {
        // Quantised, delta-encoded positions.
        let (mut x, mut y) = (0i64, 0i64);
        let mut prev: Option<[f64; 2]> = None;
        for p in arc.as_array().unwrap() {
            x += p[0].as_i64().unwrap();
            y += p[1].as_i64().unwrap();
            let q = [x as f64 * sx + tx, y as f64 * sy + ty];
            if let Some(a) = prev {
                segs.push([a, q]);
            }
            prev = Some(q);
        }
    }
    segs
}

/// Even-odd ray cast eastward over every coastline segment.
fn on_land(segs: &[[[f64; 2]; 2]], p: [f64; 2]) -> bool {
    let mut inside = false;
    for [a, b] in segs {
        if (a[1] > p[1]) != (b[1] > p[1]) {
            let x = a[0] + (p[1] - a[1]) * (b[0] - a[0]) / (b[1] - a[1]);
            if x > p[0] {
                inside = !inside;
            }
        }
    }
    inside
}

fn orient(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> f64 {
    (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])
}

fn crosses(p: [f64; 2], q: [f64; 2], [a, b]: [[f64; 2]; 2]) -> bool {
    (orient(p, q, a) > 0.0) != (orient(p, q, b) > 0.0)
        && (orient(a, b, p) > 0.0) != (orient(a, b, q) > 0.0)
}

#[test]
fn every_vessel_leg_of_the_shipped_scenarios_stays_at_sea() {
    let land = root().join("../shared/data/geo/land-10m.json");
    if !land.exists() {
        eprintln!("skipped: {} is absent", land.display());
        return;
    }
    let segs = coastline(&land);
    // The engine moves targets straight in latitude and longitude, so a leg is a
    // straight segment in these coordinates.
    let local: Vec<[[f64; 2]; 2]> = segs
        .iter()
        .copied()
        .filter(|[a, b]| {
            let (lon, lat) = (a[0].min(b[0]), a[1].min(b[1]));
            (-110.0..-50.0).contains(&lon) && (-5.0..40.0).contains(&lat)
        })
        .collect();
    let dir = root().join("config/scenarios");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    assert!(files.len() >= 3, "the three shipped scenarios");
    let mut problems = Vec::new();
    let mut checked = 0;
    for f in &files {
        let s = Scenario::load(f).unwrap();
        let engine = Engine::new(&s, Timestamp::from_micros(0));
        let mut legs = HashSet::new();
        for t in engine.targets().iter().filter(|t| t.kind.at_sea()) {
            for w in t.path.windows(2) {
                let key = |p: [f64; 2]| (p[0].to_bits(), p[1].to_bits());
                if !legs.insert((key(w[0]), key(w[1]))) {
                    continue;
                }
                checked += 1;
                let (p, q) = ([w[0][1], w[0][0]], [w[1][1], w[1][0]]);
                for end in [p, q] {
                    if on_land(&segs, end) {
                        problems.push(format!(
                            "{}: {}: waypoint {:?} is on land",
                            f.display(),
                            t.name,
                            [end[1], end[0]]
                        ));
                    }
                }
                let (lo, hi) = (
                    [p[0].min(q[0]), p[1].min(q[1])],
                    [p[0].max(q[0]), p[1].max(q[1])],
                );
                let hits = local
                    .iter()
                    .filter(|[a, b]| {
                        a[0].max(b[0]) >= lo[0]
                            && a[0].min(b[0]) <= hi[0]
                            && a[1].max(b[1]) >= lo[1]
                            && a[1].min(b[1]) <= hi[1]
                    })
                    .filter(|s| crosses(p, q, **s))
                    .count();
                if hits > 0 {
                    problems.push(format!(
                        "{}: {}: leg {:?} -> {:?} crosses the coast {hits} times",
                        f.display(),
                        t.name,
                        w[0],
                        w[1]
                    ));
                }
            }
        }
    }
    assert!(checked > 30, "only {checked} legs");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
