//! Tracker speed and memory.
//!
//! `cargo bench -p cuenca-fusion --bench tracker` runs:
//! - `scenario_1000/<model>/<indexing>`: the whole Stone Soup scenario_1000 (read from
//!   `../shared`, skipped if absent), throughput in measurements per second;
//! - `live_tracks/<n>`: one scan of n constant-velocity targets against n confirmed
//!   tracks, throughput in measurements per second, so the cost per measurement can be
//!   compared as n grows from 1,000 to 100,000.
//!
//! It also prints the heap held per live track, measured by a counting allocator.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use cuenca_fusion::eval::Scenario;
use cuenca_fusion::filter::Motion;
use cuenca_fusion::tracker::{Coverage, Indexing, Plot, Space, Tracker, TrackerParams};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::time::{Duration, Instant};

struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        LIVE.fetch_add(new as isize - l.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn imm() -> Motion {
    TrackerParams::default().motion
}

fn params(motion: Motion, indexing: Indexing) -> TrackerParams {
    TrackerParams {
        motion,
        indexing,
        oosm_window_s: 0.0,
        ..TrackerParams::default()
    }
}

fn scenario_1000(c: &mut Criterion) {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/anchors/stonesoup/scenario_1000.csv"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        eprintln!("skipping scenario_1000: {path} not found");
        return;
    };
    let Ok(s) = Scenario::parse(&text) else {
        eprintln!("skipping scenario_1000: cannot parse {path}");
        return;
    };
    let scans: Vec<Vec<Plot>> = s
        .scans
        .iter()
        .map(|sc| {
            sc.detections
                .iter()
                .map(|&[x, y]| Plot::flat(sc.time, x, y, 50.0))
                .collect()
        })
        .collect();
    let mut g = c.benchmark_group("scenario_1000");
    g.throughput(Throughput::Elements(s.measurements() as u64));
    g.sample_size(10);
    for (name, motion) in [("imm", imm()), ("cv", Motion::Cv { q: 0.1 })] {
        for (iname, ix) in [
            ("bulk", Indexing::BulkLoad),
            ("incremental", Indexing::Incremental),
        ] {
            g.bench_function(BenchmarkId::new(name, iname), |b| {
                b.iter(|| {
                    let mut t = Tracker::new(Space::Flat, params(motion, ix));
                    for plots in &scans {
                        t.process(plots, Coverage::All);
                    }
                    t.len()
                })
            });
        }
    }
    g.finish();
}

/// n targets on straight lines at constant density (one per 30 km × 30 km).
struct Field {
    start: Vec<[f64; 4]>,
}

impl Field {
    fn new(n: usize) -> Field {
        let side = (n as f64).sqrt() * 30_000.0;
        // A fixed linear-congruential sequence: the bench needs spread, not statistics.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1);
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let start = (0..n)
            .map(|_| {
                let (speed, hdg) = (5.0 + 245.0 * next(), std::f64::consts::TAU * next());
                [
                    side * next(),
                    side * next(),
                    speed * hdg.cos(),
                    speed * hdg.sin(),
                ]
            })
            .collect();
        Field { start }
    }

    fn scan(&self, k: usize) -> Vec<Plot> {
        let t = 10.0 * k as f64;
        self.start
            .iter()
            .enumerate()
            .map(|(i, s)| {
                // Deterministic ±50 m jitter instead of random noise.
                let j = ((i * 7919 + k * 104_729) % 201) as f64 - 100.0;
                Plot::flat(
                    t,
                    s[0] + s[2] * t + 0.5 * j,
                    s[1] + s[3] * t - 0.5 * j,
                    50.0,
                )
            })
            .collect()
    }
}

fn live_tracks(c: &mut Criterion) {
    let mut g = c.benchmark_group("live_tracks");
    g.sample_size(10);
    g.measurement_time(Duration::from_secs(10));
    for n in [1_000usize, 10_000, 100_000] {
        let field = Field::new(n);
        let before = LIVE.load(Ordering::Relaxed);
        let mut t = Tracker::new(Space::Flat, params(imm(), Indexing::BulkLoad));
        let mut k = 0;
        for _ in 0..5 {
            t.process(&field.scan(k), Coverage::All);
            k += 1;
        }
        let held = LIVE.load(Ordering::Relaxed) - before;
        let confirmed = t.tracks().filter(|x| x.ever_confirmed()).count();
        eprintln!(
            "live_tracks/{n}: {} live tracks ({confirmed} confirmed), heap {:.1} MiB, {:.0} bytes per live track",
            t.len(),
            held as f64 / (1 << 20) as f64,
            held as f64 / t.len() as f64
        );
        g.throughput(Throughput::Elements(n as u64));
        g.bench_function(BenchmarkId::from_parameter(n), |b| {
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    let plots = field.scan(k);
                    k += 1;
                    let start = Instant::now();
                    t.process(&plots, Coverage::All);
                    spent += start.elapsed();
                }
                spent
            })
        });
    }
    g.finish();
}

criterion_group!(benches, scenario_1000, live_tracks);
criterion_main!(benches);
