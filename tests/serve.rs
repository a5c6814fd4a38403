//! `cuenca serve` as a real process: measurements over zenoh in, picture over HTTP out.

mod common;
use common::{get, Server};
use cuenca_bus::Bus;
use cuenca_config::{ZenohConfig, ZenohMode};
use cuenca_model::*;
use std::time::{Duration, Instant};

fn ais_batch(seq: u64, t: Timestamp, mmsi: u32, lon: f64) -> MeasurementBatch {
    let (nation, sensor) = (
        NationId::new("JAM").unwrap(),
        SensorId::new("jam-ais-kingston").unwrap(),
    );
    let mut b = MeasurementBatch::new(nation, sensor.clone(), seq);
    b.measurements.push(Measurement {
        sensor,
        nation,
        time: t,
        kind: MeasurementKind::AisReport,
        position: GeoPoint::new(17.5, lon),
        accuracy: PositionCov::circular(10.0),
        velocity: Some(Velocity::from_speed_course(10.0, 90.0)),
        polar: None,
        identity: Identity {
            mmsi: Some(mmsi),
            name: Some("E2E TEST".into()),
            ..Identity::default()
        },
        release: ReleaseTo::AllMembers,
    });
    b
}

/// A zenoh peer of the test's own, connected to the server's listener.
fn connect(server: &Server) -> (tokio::runtime::Runtime, Bus) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let bus = rt
        .block_on(Bus::open(&ZenohConfig {
            mode: ZenohMode::Peer,
            connect: vec![format!("tcp/127.0.0.1:{}", server.zenoh)],
            listen: vec![],
            multicast_scouting: false,
        }))
        .unwrap();
    (rt, bus)
}

/// Runs the adapter command `args` on `feed` against `server` until `/api/v1/tracks`
/// mentions `needle` (the first run may publish before zenoh has routed to the service).
fn feed_until(server: &Server, args: &[&str], feed: &std::path::Path, needle: &str) -> String {
    poll(&format!("{needle} on /api/v1/tracks"), || {
        let status = common::cuenca()
            .args(args)
            .arg("--config")
            .arg(&server.config)
            .arg("--input")
            .arg(format!("file:{}", feed.display()))
            .status()
            .ok()?;
        assert!(status.success(), "cuenca {args:?} failed");
        let (_, body) = get(server.http, "/api/v1/tracks").ok()?;
        body.contains(needle).then_some(body)
    })
}

fn poll<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(30) {
        if let Some(v) = f() {
            return v;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    panic!("timed out waiting for {what}");
}

#[test]
fn measurements_published_on_zenoh_become_tracks_on_http() {
    let server = Server::start(|t| t.replace("enabled = true", "enabled = false"));
    let (rt, bus) = connect(&server);
    let mmsi = 366_123_456;
    let t0 = Timestamp::now();
    // Three reports 10 s apart (in the recent past) confirm a track; keep publishing
    // until the service's subscription has propagated and the track shows.
    let body = poll("the AIS track on /api/v1/tracks", || {
        for k in 0..3u64 {
            let b = ais_batch(
                k,
                t0 + (k as f64 * 10.0 - 25.0),
                mmsi,
                -76.8 + 0.001 * k as f64,
            );
            rt.block_on(bus.publish(MeasurementKind::AisReport, &b))
                .unwrap();
        }
        let (status, body) = get(server.http, "/api/v1/tracks").ok()?;
        assert_eq!(status, 200);
        body.contains(&mmsi.to_string()).then_some(body)
    });
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["type"], "FeatureCollection");
    let f = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["identity"]["mmsi"] == mmsi)
        .unwrap();
    let lon = f["geometry"]["coordinates"][0].as_f64().unwrap();
    assert!((lon + 76.8).abs() < 0.01, "{lon}");
    assert_eq!(f["properties"]["domain"], "sea");

    // Junk and impersonation are refused and counted, and the service stays up.
    rt.block_on(bus.put(
        "cuenca/JAM/sensors/ais/jam-ais-kingston",
        b"garbage".to_vec(),
    ))
    .unwrap();
    let mut forged = ais_batch(9, Timestamp::now(), 1, -76.0);
    forged.nation = NationId::new("USA").unwrap();
    let frame = wire::encode(&forged);
    rt.block_on(bus.put("cuenca/JAM/sensors/ais/jam-ais-kingston", frame))
        .unwrap();
    let metrics = poll("rejections in /metrics", || {
        let (_, m) = get(server.http, "/metrics").ok()?;
        (m.contains("reason=\"bad_magic\"") && m.contains("reason=\"impersonation\"")).then_some(m)
    });
    assert!(metrics.contains("cuenca_measurements_accepted_total"));
    assert_eq!(get(server.http, "/healthz").unwrap().0, 200);
    bus.close();
}

#[test]
fn owner_only_radar_data_stays_out_of_the_public_picture() {
    let server = Server::start(|t| t.replace("enabled = true", "enabled = false"));
    let (rt, bus) = connect(&server);
    // hnd-radar-guanaja is owner-only in the default config.
    let (nation, sensor) = (
        NationId::new("HND").unwrap(),
        SensorId::new("hnd-radar-guanaja").unwrap(),
    );
    let t0 = Timestamp::now();
    let accepted = poll("radar plots accepted", || {
        for k in 0..4u64 {
            let mut b = MeasurementBatch::new(nation, sensor.clone(), k);
            b.measurements.push(Measurement {
                sensor: sensor.clone(),
                nation,
                time: t0 + (k as f64 * 10.0 - 35.0),
                kind: MeasurementKind::RadarPlot,
                position: GeoPoint::new(16.7, -85.6 + 0.001 * k as f64),
                accuracy: PositionCov::circular(50.0),
                velocity: None,
                polar: None,
                identity: Identity::default(),
                release: ReleaseTo::OwnerOnly,
            });
            rt.block_on(bus.publish(MeasurementKind::RadarPlot, &b))
                .unwrap();
        }
        let (_, m) = get(server.http, "/metrics").ok()?;
        let n: u64 = m
            .lines()
            .find_map(|l| l.strip_prefix("cuenca_measurements_accepted_total "))?
            .trim()
            .parse()
            .ok()?;
        (n >= 4).then_some(n)
    });
    assert!(accepted >= 4);
    // The track exists in the picture (the metrics count every track) ...
    poll("the radar track in the picture", || {
        let (_, m) = get(server.http, "/metrics").ok()?;
        let live: u64 = m
            .lines()
            .filter(|l| l.starts_with("cuenca_tracks{"))
            .filter_map(|l| l.rsplit(' ').next()?.parse::<u64>().ok())
            .sum();
        (live >= 1).then_some(())
    });
    // ... but not in what is released to everyone.
    let (_, body) = get(server.http, "/api/v1/tracks").unwrap();
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["numberMatched"], 0, "owner-only data leaked: {body}");
    bus.close();
}

#[test]
fn the_ais_adapter_feeds_the_service_over_zenoh() {
    let server = Server::start(|t| t.replace("enabled = true", "enabled = false"));
    let dir = common::tempdir::TempDir::new("ais");
    let feed = dir.0.join("feed.nmea");
    // One good report (MMSI 366053209) and a corrupted copy that must be counted, not fatal.
    std::fs::write(
        &feed,
        "!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5F\n!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*00\n",
    )
    .unwrap();
    // No --connect: the adapter finds the service where its config listens.
    let body = feed_until(
        &server,
        &["ais", "run", "--sensor", "jam-ais-kingston"],
        &feed,
        "366053209",
    );
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let f = &v["features"][0];
    assert_eq!(f["properties"]["sensors"][0], "jam-ais-kingston");
    let lat = f["geometry"]["coordinates"][1].as_f64().unwrap();
    assert!((lat - 37.8021183).abs() < 1e-4, "{lat}");
}

#[test]
fn the_radar_adapter_publishes_json_plots_as_tracks() {
    let server = Server::start(|t| t.replace("enabled = true", "enabled = false"));
    let dir = common::tempdir::TempDir::new("radar");
    let feed = dir.0.join("plots.jsonl");
    let t = Timestamp::now() + (-5.0);
    // One plot 40 km from the Cancún radar (released to all members), one for another
    // sensor and one broken line: only the first becomes a track.
    std::fs::write(
        &feed,
        format!(
            "{{\"sensor\":\"mex-radar-cancun\",\"time\":\"{t}\",\"range_m\":40000,\"azimuth_deg\":90}}\n\
             {{\"sensor\":\"col-radar-cartagena\",\"time\":\"{t}\",\"range_m\":1000,\"azimuth_deg\":0}}\n\
             not a plot\n"
        ),
    )
    .unwrap();
    let body = feed_until(
        &server,
        &["radar", "run", "--sensor", "mex-radar-cancun"],
        &feed,
        "mex-radar-cancun",
    );
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["numberMatched"], 1, "{body}");
    let lon = v["features"][0]["geometry"]["coordinates"][0]
        .as_f64()
        .unwrap();
    // 40 km east of 86.80°W at 21.16°N is about 86.415°W.
    assert!((lon + 86.415).abs() < 0.01, "{lon}");
}
