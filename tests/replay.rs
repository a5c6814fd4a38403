//! Replaying recordings: through the fusion picture in process (positions checked
//! against the recording), and with the `cuenca replay` command into a running
//! service over zenoh. The recordings live in `../shared` (skipped when absent).

mod common;

use common::{api, cuenca, repo_file, Server};
use cuenca_config::Config;
use cuenca_fusion::picture::{Picture, SensorInfo};
use cuenca_model::{keys, wire, GeoPoint, MeasurementKind, SensorContext, SensorId, Timestamp};
use cuenca_sim::replay::{Format, Recording};
use geo::{Distance, Geodesic, Point};
use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn recording(rel: &str) -> Option<PathBuf> {
    let p = repo_file(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: {} is absent", p.display());
        None
    }
}

#[test]
fn dma_stream_replayed_at_full_speed_gives_tracks_at_the_reported_positions() {
    let Some(path) = recording("../shared/data/ais/dma_stream_example.nmea") else {
        return;
    };
    let cfg = Config::embedded().expect("the embedded configuration");
    let sensor = SensorId::new("mex-ais-cozumel").expect("an id");
    let s = cfg.sensor(&sensor).expect("configured");
    let ctx = SensorContext {
        sensor: s.id.clone(),
        nation: s.nation,
        release: s.release.clone(),
    };
    let rec = Recording::load(&path, &ctx, Timestamp::now()).expect("readable");
    assert_eq!(rec.format, Format::Nmea);
    assert!(rec.measurements.len() > 2_000, "{}", rec.measurements.len());
    let mut picture = Picture::new(cuenca_server::pipeline::tracker_params(&cfg.fusion));
    picture.register(SensorInfo {
        sensor: s.id.clone(),
        nation: s.nation,
        kind: s.kind,
        release: s.release.clone(),
        coverage: None,
    });
    let mut accepted = 0;
    for (i, range) in rec.batch_ranges(0.1, 500).into_iter().enumerate() {
        let batch = rec.batch(&ctx, i as u64 + 1, range);
        let key = keys::sensor(batch.nation, MeasurementKind::AisReport, &batch.sensor);
        let (kind, batch) = cuenca_bus::accept(&key, &wire::encode(&batch)).expect("valid");
        let (ing, _) = picture.ingest(kind, &batch).expect("configured");
        accepted += ing.accepted;
    }
    assert_eq!(accepted, rec.measurements.len(), "every report is taken");
    let mut last: HashMap<u32, GeoPoint> = HashMap::new();
    for m in &rec.measurements {
        if let Some(mmsi) = m.identity.mmsi {
            last.insert(mmsi, m.position);
        }
    }
    let tracks = picture.tracks();
    let mut errors: Vec<f64> = Vec::new();
    for t in &tracks {
        let Some(report) = t.identity.mmsi.and_then(|m| last.get(&m)) else {
            continue;
        };
        errors.push(Geodesic.distance(
            Point::new(report.lon, report.lat),
            Point::new(t.position.lon, t.position.lat),
        ));
    }
    errors.sort_by(f64::total_cmp);
    // One track per vessel, where the vessel last said it was. A vessel whose
    // reports jump impossibly far gets a second, flagged track, hence "99 %"; the
    // filter also weighs earlier reports, hence metres rather than zero.
    assert!(
        errors.len() as f64 >= 0.99 * last.len() as f64,
        "{} tracks for {} vessels",
        errors.len(),
        last.len()
    );
    let median = errors[errors.len() / 2];
    let p95 = errors[errors.len() * 95 / 100];
    assert!(
        median < 1.0 && p95 < 25.0,
        "median {median:.1} m, 95th percentile {p95:.1} m"
    );
}

#[test]
fn cuenca_replay_feeds_a_running_service_over_zenoh() {
    let Some(path) = recording("../shared/data/ais/dma_stream_example.nmea") else {
        return;
    };
    let server = Server::start(|t| t);
    // Moved to the present, so the recording mixes with the demo's live traffic.
    let out = cuenca()
        .arg("replay")
        .arg(&path)
        .args(["--speed", "0", "--retime", "--quiet", "--config"])
        .arg(&server.config)
        .args(["--connect", &format!("tcp/127.0.0.1:{}", server.zenoh)])
        .output()
        .expect("cuenca replay runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("replayed") && stdout.contains("(nmea) as mex-ais-cozumel"),
        "{stdout}"
    );
    // MMSI 219000431: a vessel in the recording, not in the demo.
    let start = Instant::now();
    loop {
        if let Ok((200, body)) = api(server.http, "/api/v1/tracks") {
            if body.contains("219000431") {
                break;
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no replayed vessel in the picture"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn serve_replays_a_recording_itself() {
    let Some(path) = recording("../shared/data/ais/dma_stream_example.nmea") else {
        return;
    };
    let dir = common::tempdir::TempDir::new("replay");
    let (http, zenoh) = (common::free_port(), common::free_port());
    let config = common::write_config(&dir.0, zenoh, |t| t);
    // Its own 2010 times: the demo is off by default with --replay, so they do not
    // meet live traffic.
    let mut child = cuenca()
        .args(["serve", "--speed", "0", "--config"])
        .arg(&config)
        .arg("--replay")
        .arg(&path)
        .args(["--http", &format!("127.0.0.1:{http}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("cuenca serve starts");
    let start = Instant::now();
    let mut found = false;
    while start.elapsed() < Duration::from_secs(30) && !found {
        std::thread::sleep(Duration::from_millis(250));
        if let Ok((200, body)) = api(http, "/api/v1/tracks") {
            found = body.contains("219000431") && body.contains("2010-06-11");
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        found,
        "a replayed vessel, with its recorded time, is in the picture"
    );
}
