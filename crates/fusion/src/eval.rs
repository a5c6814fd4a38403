//! Scoring the tracker on flat-plane scenarios in the Stone Soup benchmark format.
//!
//! A scenario is a CSV with header `time_s,kind,target_id,x_m,y_m`; `kind` is `truth`
//! or `detection`. A detection's `target_id` (−1 for clutter) is kept beside the plot
//! for scoring only: the tracker is handed [`Plot`]s, which have no such field.
//!
//! Track output follows Stone Soup's track histories: for every scan, one row per
//! track that is ever confirmed, with the filtered estimate it had at that scan (the
//! prediction when it missed), from its first detection on.

use crate::gospa::{self, Gospa, GospaParams, GospaWorkspace};
use crate::tracker::{Coverage, Plot, Space, Stats, Tracker, TrackerParams};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::Instant;

/// A scenario line that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScenarioError {
    #[error("line 1: expected header time_s,kind,target_id,x_m,y_m, found {0:?}")]
    Header(String),
    #[error("line {line}: {reason}")]
    Line { line: usize, reason: String },
    #[error("the scenario has no detections")]
    Empty,
}

/// One scan: the detections at one time, with their hidden target ids.
#[derive(Debug, Clone, PartialEq)]
pub struct Scan {
    pub time: f64,
    pub detections: Vec<[f64; 2]>,
    /// For scoring only; never given to the tracker.
    pub target_ids: Vec<i64>,
}

/// A parsed scenario.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scenario {
    pub scans: Vec<Scan>,
    /// Truth positions by time, as (target id, [x, y]).
    pub truths: BTreeMap<TimeKey, Vec<(i64, [f64; 2])>>,
}

/// A time in microseconds, so that scan times can key maps exactly.
pub type TimeKey = i64;

fn key(t: f64) -> TimeKey {
    (t * 1e6).round() as i64
}

impl Scenario {
    /// Parses the CSV text.
    pub fn parse(text: &str) -> Result<Scenario, ScenarioError> {
        let mut lines = text.lines().enumerate();
        match lines.next() {
            Some((_, h)) if h.trim() == "time_s,kind,target_id,x_m,y_m" => {}
            other => {
                return Err(ScenarioError::Header(
                    other.map(|(_, h)| h.to_string()).unwrap_or_default(),
                ))
            }
        }
        let mut scans: BTreeMap<TimeKey, Scan> = BTreeMap::new();
        let mut truths: BTreeMap<TimeKey, Vec<(i64, [f64; 2])>> = BTreeMap::new();
        for (n, line) in lines {
            let line_no = n + 1;
            if line.trim().is_empty() {
                continue;
            }
            let bad = |reason: String| ScenarioError::Line {
                line: line_no,
                reason,
            };
            let f: Vec<&str> = line.split(',').collect();
            if f.len() != 5 {
                return Err(bad(format!("expected 5 fields, found {}", f.len())));
            }
            let num = |i: usize, name: &str| -> Result<f64, ScenarioError> {
                let v: f64 = f[i]
                    .trim()
                    .parse()
                    .map_err(|_| bad(format!("{name} {:?} is not a number", f[i])))?;
                if v.is_finite() {
                    Ok(v)
                } else {
                    Err(bad(format!("{name} is not finite")))
                }
            };
            let time = num(0, "time_s")?;
            let id: i64 = f[2]
                .trim()
                .parse()
                .map_err(|_| bad(format!("target_id {:?} is not an integer", f[2])))?;
            let xy = [num(3, "x_m")?, num(4, "y_m")?];
            match f[1].trim() {
                "truth" => truths.entry(key(time)).or_default().push((id, xy)),
                "detection" => {
                    let s = scans.entry(key(time)).or_insert_with(|| Scan {
                        time,
                        detections: Vec::new(),
                        target_ids: Vec::new(),
                    });
                    s.detections.push(xy);
                    s.target_ids.push(id);
                }
                k => return Err(bad(format!("kind {k:?} is neither truth nor detection"))),
            }
        }
        if scans.is_empty() {
            return Err(ScenarioError::Empty);
        }
        Ok(Scenario {
            scans: scans.into_values().collect(),
            truths,
        })
    }

    /// Number of detections, clutter included.
    pub fn measurements(&self) -> usize {
        self.scans.iter().map(|s| s.detections.len()).sum()
    }
}

/// One output row: a confirmed track's estimate at a scan time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TrackRow {
    pub time_s: f64,
    pub track_id: u64,
    pub x_m: f64,
    pub y_m: f64,
}

/// GOSPA averaged over scans, with its parts.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GospaSummary {
    pub mean: f64,
    pub localisation: f64,
    pub missed: f64,
    #[serde(rename = "false")]
    pub false_: f64,
}

/// What `cuenca eval` reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub measurements: usize,
    pub scans: usize,
    pub tracker_seconds: f64,
    pub measurements_per_s: f64,
    pub gospa: GospaSummary,
    pub gospa_params: GospaParams,
    pub truths: usize,
    pub tracks_confirmed: usize,
    pub false_tracks: usize,
    pub truths_with_any_track: usize,
    pub truths_with_multiple_tracks: usize,
    pub peak_live_tracks: usize,
    /// Tracker counters (gating candidates, starts, confirmations, ...).
    pub tracker: Stats,
}

/// The outcome of a run: the report and the track rows.
#[derive(Debug, Clone)]
pub struct Run {
    pub report: Report,
    pub rows: Vec<TrackRow>,
}

/// Runs the tracker over `scenario` with detection noise `sigma` (m) and scores it.
pub fn run(
    scenario: &Scenario,
    sigma: f64,
    params: TrackerParams,
    gospa_params: GospaParams,
) -> Run {
    let mut tracker = Tracker::new(Space::Flat, params);
    let mut all_rows: Vec<TrackRow> = Vec::new();
    let mut labels: HashMap<u64, HashMap<i64, u32>> = HashMap::new();
    let mut confirmed: BTreeSet<u64> = BTreeSet::new();
    let mut plots = Vec::new();
    let mut elapsed = 0.0;
    let mut peak = 0;
    for scan in &scenario.scans {
        plots.clear();
        plots.extend(
            scan.detections
                .iter()
                .map(|&[x, y]| Plot::flat(scan.time, x, y, sigma)),
        );
        let start = Instant::now();
        let report = tracker.process(&plots, Coverage::All);
        for t in tracker.tracks() {
            let [x_m, y_m, _] = t.position_at(scan.time);
            all_rows.push(TrackRow {
                time_s: scan.time,
                track_id: t.id().0,
                x_m,
                y_m,
            });
        }
        elapsed += start.elapsed().as_secs_f64();
        peak = peak.max(tracker.len());
        // Scoring bookkeeping, outside the timed region.
        for (o, &tid) in report.outcome.iter().zip(&scan.target_ids) {
            if let Ok(id) = o {
                *labels.entry(id.0).or_default().entry(tid).or_default() += 1;
            }
        }
        // Tentative tracks that die are never output; remember the confirmed ones.
        confirmed.extend(
            tracker
                .tracks()
                .filter(|t| t.ever_confirmed())
                .map(|t| t.id().0),
        );
    }
    // Rows are already in scan order, and by track id within a scan.
    let rows: Vec<TrackRow> = all_rows
        .into_iter()
        .filter(|r| confirmed.contains(&r.track_id))
        .collect();
    let confirmed: Vec<u64> = confirmed.into_iter().collect();

    // Fragmentation: label each confirmed track by the majority target of its plots.
    let mut per_truth: HashMap<i64, usize> = HashMap::new();
    let mut false_tracks = 0;
    for id in &confirmed {
        let best = labels
            .get(id)
            .into_iter()
            .flatten()
            .max_by_key(|(t, n)| (**n, std::cmp::Reverse(**t)))
            .map(|(t, _)| *t);
        match best {
            Some(t) if t >= 0 => *per_truth.entry(t).or_default() += 1,
            _ => false_tracks += 1,
        }
    }

    let gospa = score(scenario, &rows, gospa_params);
    let measurements = scenario.measurements();
    let truths: HashSet<i64> = scenario
        .truths
        .values()
        .flatten()
        .map(|(id, _)| *id)
        .collect();
    Run {
        report: Report {
            measurements,
            scans: scenario.scans.len(),
            tracker_seconds: elapsed,
            measurements_per_s: measurements as f64 / elapsed.max(1e-12),
            gospa,
            gospa_params,
            truths: truths.len(),
            tracks_confirmed: confirmed.len(),
            false_tracks,
            truths_with_any_track: per_truth.len(),
            truths_with_multiple_tracks: per_truth.values().filter(|n| **n > 1).count(),
            peak_live_tracks: peak,
            tracker: tracker.stats().clone(),
        },
        rows,
    }
}

/// Mean GOSPA over every time that has truths or track rows, up to the last scan, as
/// Stone Soup's benchmark computes it.
pub fn score(scenario: &Scenario, rows: &[TrackRow], params: GospaParams) -> GospaSummary {
    let last = scenario.scans.last().map(|s| key(s.time)).unwrap_or(0);
    let mut est: BTreeMap<TimeKey, Vec<[f64; 2]>> = BTreeMap::new();
    for r in rows {
        est.entry(key(r.time_s)).or_default().push([r.x_m, r.y_m]);
    }
    let mut times: Vec<TimeKey> = scenario.truths.keys().chain(est.keys()).copied().collect();
    times.sort_unstable();
    times.dedup();
    let mut ws = GospaWorkspace::new();
    let mut per_scan: Vec<Gospa> = Vec::new();
    let mut truth_buf = Vec::new();
    for t in times.into_iter().filter(|t| *t <= last) {
        truth_buf.clear();
        if let Some(v) = scenario.truths.get(&t) {
            truth_buf.extend(v.iter().map(|(_, p)| *p));
        }
        let e = est.get(&t).map(Vec::as_slice).unwrap_or(&[]);
        per_scan.push(ws.compute(&truth_buf, e, params));
    }
    let m = gospa::mean(&per_scan);
    GospaSummary {
        mean: m.distance,
        localisation: m.localisation,
        missed: m.missed,
        false_: m.false_,
    }
}

/// Writes rows as CSV with header `time_s,track_id,x_m,y_m`.
pub fn rows_csv(rows: &[TrackRow]) -> String {
    let mut out = String::with_capacity(rows.len() * 40 + 32);
    out.push_str("time_s,track_id,x_m,y_m\n");
    for r in rows {
        out.push_str(&format!(
            "{:.3},{},{:.3},{:.3}\n",
            r.time_s, r.track_id, r.x_m, r.y_m
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_errors_name_the_line() {
        assert!(matches!(
            Scenario::parse("a,b\n"),
            Err(ScenarioError::Header(_))
        ));
        let e =
            Scenario::parse("time_s,kind,target_id,x_m,y_m\n0,detection,1,NaN,0\n").unwrap_err();
        assert_eq!(e.to_string(), "line 2: x_m is not finite");
        let e = Scenario::parse("time_s,kind,target_id,x_m,y_m\n0,radar,1,0,0\n").unwrap_err();
        assert!(e.to_string().starts_with("line 2: kind"));
        assert_eq!(
            Scenario::parse("time_s,kind,target_id,x_m,y_m\n0,truth,1,0,0\n"),
            Err(ScenarioError::Empty)
        );
    }

    #[test]
    fn a_clean_straight_target_is_one_track_with_small_gospa() {
        let mut text = String::from("time_s,kind,target_id,x_m,y_m\n");
        for k in 0..30 {
            let t = 10.0 * k as f64;
            let (x, y) = (1000.0 + 50.0 * t, 2000.0 - 20.0 * t);
            text.push_str(&format!(
                "{t},truth,0,{x},{y}\n{t},detection,0,{},{}\n",
                x + 10.0,
                y - 10.0
            ));
        }
        let s = Scenario::parse(&text).unwrap();
        let run = run(
            &s,
            50.0,
            TrackerParams::default(),
            GospaParams::new(500.0, 1.0).unwrap(),
        );
        let r = &run.report;
        assert_eq!(r.tracks_confirmed, 1);
        assert_eq!(r.truths_with_multiple_tracks, 0);
        assert_eq!(r.false_tracks, 0);
        assert_eq!(
            run.rows.len(),
            30,
            "one row per scan from the first detection"
        );
        assert!(r.gospa.mean < 30.0, "{:?}", r.gospa);
        assert_eq!(r.gospa.missed, 0.0);
    }
}
