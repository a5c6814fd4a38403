//! Exercise scenarios through the whole pipeline: the scenario engine writes each
//! sensor's native format, the real decoders read it, batches cross the wire
//! encoding and the service's key-space check, and the fusion picture tracks them.
//! The `cuenca sim` command itself is checked against a running service.

mod common;

use common::repo_file;
use cuenca_config::Config;
use cuenca_fusion::picture::{Picture, SensorInfo};
use cuenca_model::{keys, wire, MeasurementKind, Timestamp, TrackStatus};
use cuenca_sim::engine::Engine;
use cuenca_sim::scenario::Scenario;
use geo::{Distance, Geodesic, Point};
use std::collections::BTreeMap;

fn picture_for(s: &Scenario) -> Picture {
    let cfg = Config::embedded().expect("the embedded configuration");
    let mut p = Picture::new(cuenca_server::pipeline::tracker_params(&cfg.fusion));
    for sc in s.sensor_configs() {
        p.register(SensorInfo {
            sensor: sc.id.clone(),
            nation: sc.nation,
            kind: sc.kind,
            release: sc.release.clone(),
            coverage: Some((sc.site.into(), sc.range_km * 1000.0)),
        });
    }
    p
}

/// Steps the engine to `until` seconds, feeding the picture as the service would
/// (wire frame, key-space check, ingest). Calls `look` after each step.
fn run(
    engine: &mut Engine,
    picture: &mut Picture,
    until: f64,
    mut look: impl FnMut(&Engine, &Picture),
) {
    while engine.elapsed_s() < until {
        let Some(step) = engine.step() else { break };
        for (kind, batch) in &step.batches {
            let key = keys::sensor(batch.nation, *kind, &batch.sensor);
            let (kind, batch) =
                cuenca_bus::accept(&key, &wire::encode(batch)).expect("a valid batch");
            let (ing, _) = picture.ingest(kind, &batch).expect("a configured sensor");
            assert!(
                ing.rejected.is_empty(),
                "{:?} at {}",
                ing.rejected,
                engine.elapsed_s()
            );
        }
        look(engine, picture);
    }
}

#[test]
fn gofast_stays_one_radar_only_track_across_the_radar_hand_over() {
    let s = Scenario::load(&repo_file("config/scenarios/gofast.toml")).expect("gofast.toml");
    let start: Timestamp = "2026-11-28T00:00:00Z".parse().expect("a time");
    let mut engine = Engine::new(&s, start);
    let boat = engine
        .targets()
        .iter()
        .position(|t| t.name == "GOFAST")
        .expect("the go-fast");
    let mut picture = picture_for(&s);
    // In Colombia's Providencia radar alone from about 26,800 s, in both it and
    // Honduras's Cabo Gracias a Dios radar from about 39,500 s to 40,900 s, then in
    // the Honduran one alone: start inside the first, end well inside the second.
    engine.seek(36_000.0);
    let mut seen: BTreeMap<u64, u32> = BTreeMap::new();
    let mut looks = 0;
    run(&mut engine, &mut picture, 44_000.0, |e, p| {
        let t = e.elapsed_s();
        if t < 37_000.0 || !(t as u64).is_multiple_of(20) {
            return;
        }
        looks += 1;
        // The confirmed track closest to where the boat was at the track's time.
        let near = p
            .tracks()
            .into_iter()
            .filter(|tr| tr.status != TrackStatus::Tentative)
            .filter_map(|tr| {
                let truth = e.targets()[boat].state_at(tr.updated.secs_since(start))?;
                let d = Geodesic.distance(
                    Point::new(truth.lon, truth.lat),
                    Point::new(tr.position.lon, tr.position.lat),
                );
                (d < 1_500.0).then_some((d, tr))
            })
            .min_by(|a, b| a.0.total_cmp(&b.0));
        if let Some((_, tr)) = near {
            *seen.entry(tr.id.0).or_default() += 1;
        }
    });
    assert!(looks > 300, "{looks}");
    assert_eq!(seen.len(), 1, "the boat's track ids: {seen:?}");
    let (&id, &hits) = seen.iter().next().expect("a track");
    assert!(
        hits as f64 > 0.95 * looks as f64,
        "tracked at {hits} of {looks} looks"
    );
    let track = picture
        .tracks()
        .into_iter()
        .find(|t| t.id.0 == id)
        .expect("still alive");
    assert!(track.identity.mmsi.is_none() && track.identity.icao24.is_none());
    let sensors: Vec<&str> = track
        .contributions
        .iter()
        .map(|c| {
            assert_eq!(c.kind, MeasurementKind::RadarPlot, "radar only");
            c.sensor.as_str()
        })
        .collect();
    assert!(sensors.contains(&"col-radar-providencia"), "{sensors:?}");
    assert!(sensors.contains(&"hnd-radar-gracias"), "{sensors:?}");
    assert!(
        engine.stats().refused.is_empty(),
        "{:?}",
        engine.stats().refused
    );
}

#[test]
fn serve_runs_a_scenario_with_its_own_sensors() {
    use std::time::{Duration, Instant};
    let dir = common::tempdir::TempDir::new("scenario");
    let (http, zenoh) = (common::free_port(), common::free_port());
    let config = common::write_config(&dir.0, zenoh, |t| t);
    // A sensor the configuration does not have, and one vessel it sees.
    let scenario = dir.0.join("ferry.toml");
    std::fs::write(
        &scenario,
        r#"
        name = "ferry"
        duration_s = 300
        [[sensors]]
        id = "mex-ais-playa"
        nation = "MEX"
        kind = "ais"
        release = "all_members"
        site = { lat = 20.62, lon = -87.07 }
        range_km = 40
        [[targets]]
        name = "FERRY"
        kind = "vessel"
        mmsi = 345999001
        waypoints = [[20.618, -87.052], [20.51, -86.975]]
        speed_kn = 20
        "#,
    )
    .expect("scenario written");
    let mut child = common::cuenca()
        .args(["serve", "--demo", "false", "--speed", "0", "--config"])
        .arg(&config)
        .arg("--scenario")
        .arg(&scenario)
        .args(["--http", &format!("127.0.0.1:{http}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("cuenca serve starts");
    let start = Instant::now();
    let mut found = false;
    while start.elapsed() < Duration::from_secs(30) && !found {
        std::thread::sleep(Duration::from_millis(250));
        if let Ok((200, body)) = common::api(http, "/api/v1/tracks") {
            found = body.contains("345999001") && body.contains("mex-ais-playa");
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        found,
        "the scenario's vessel, seen by its own sensor, is in the picture"
    );
}

#[test]
fn a_radar_of_a_geodetic_scenario_scores_with_eval() {
    use cuenca_fusion::eval;
    let s = Scenario::load(&repo_file("config/scenarios/gofast.toml")).expect("gofast.toml");
    let mut engine = Engine::new(&s, Timestamp::from_micros(0));
    assert!(engine.capture_scans("col-radar-providencia"));
    assert!(!engine.capture_scans("no-such-radar"));
    assert!(engine.capture_scans("col-radar-providencia"));
    engine.seek(30_000.0);
    while engine.elapsed_s() < 33_000.0 && engine.step().is_some() {}
    let csv = engine.stonesoup_csv().expect("captured");
    let scenario = eval::Scenario::parse(&csv).expect("the Stone Soup format");
    assert_eq!(scenario.scans.len(), 300);
    let cfg = Config::embedded().expect("config");
    let params = cuenca_server::pipeline::tracker_params(&cfg.fusion);
    let gospa = cuenca_fusion::gospa::GospaParams::new(500.0, 1.0).expect("params");
    let run = eval::run(&scenario, 60.0, params, gospa);
    let r = &run.report;
    // The go-fast, in the radar's view for the whole window, is tracked.
    assert!(
        r.truths >= 1 && r.truths_with_any_track == r.truths,
        "{r:?}"
    );
    assert!(
        r.gospa.missed < 0.1 * r.gospa.mean.max(1.0) + 50.0,
        "{:?}",
        r.gospa
    );
}
