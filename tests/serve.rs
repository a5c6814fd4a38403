//! `cuenca serve` as a real process: measurements over zenoh in, picture over HTTP out.

mod common;
use common::{api, get, get_as, Server};
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
        let (_, body) = api(server.http, "/api/v1/tracks").ok()?;
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
        let (status, body) = api(server.http, "/api/v1/tracks").ok()?;
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
        let (_, m) = api(server.http, "/metrics").ok()?;
        (m.contains("reason=\"bad_magic\"") && m.contains("reason=\"impersonation\"")).then_some(m)
    });
    assert!(metrics.contains("cuenca_measurements_accepted_total"));
    assert_eq!(get(server.http, "/healthz").unwrap().0, 200);
    bus.close();
}

fn radar_batch(seq: u64, t: Timestamp, lon: f64) -> MeasurementBatch {
    // hnd-radar-guanaja is owner-only in the default config.
    let (nation, sensor) = (
        NationId::new("HND").unwrap(),
        SensorId::new("hnd-radar-guanaja").unwrap(),
    );
    let mut b = MeasurementBatch::new(nation, sensor.clone(), seq);
    b.measurements.push(Measurement {
        sensor,
        nation,
        time: t,
        kind: MeasurementKind::RadarPlot,
        position: GeoPoint::new(16.7, lon),
        accuracy: PositionCov::circular(50.0),
        velocity: None,
        polar: None,
        identity: Identity::default(),
        release: ReleaseTo::OwnerOnly,
    });
    b
}

/// Reads one SSE `data:` line from an open stream (after the response headers).
fn sse_first_message(port: u16, path: &str) -> serde_json::Value {
    use std::io::{BufRead, BufReader, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let mut lines = BufReader::new(s).lines();
    let status = lines.next().unwrap().unwrap();
    assert!(status.contains(" 200 "), "{status}");
    for line in lines {
        let line = line.unwrap();
        if let Some(d) = line
            .strip_prefix("data: ")
            .or_else(|| line.strip_prefix("data:"))
        {
            return serde_json::from_str(d).unwrap();
        }
    }
    panic!("stream ended without data");
}

/// Opens a WebSocket and returns its first text message, parsed.
fn ws_first_message(port: u16, path: &str) -> serde_json::Value {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    .unwrap();
    // Response head, byte by byte up to the blank line.
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        s.read_exact(&mut b).unwrap();
        head.push(b[0]);
    }
    let head = String::from_utf8_lossy(&head);
    assert!(head.starts_with("HTTP/1.1 101"), "{head}");
    // One unmasked server frame: FIN+text, then a 7/16/64-bit length.
    let mut h = [0u8; 2];
    s.read_exact(&mut h).unwrap();
    assert_eq!(h[0] & 0x0f, 1, "a text frame");
    let len = match h[1] & 0x7f {
        126 => {
            let mut l = [0u8; 2];
            s.read_exact(&mut l).unwrap();
            u16::from_be_bytes(l) as usize
        }
        127 => {
            let mut l = [0u8; 8];
            s.read_exact(&mut l).unwrap();
            u64::from_be_bytes(l) as usize
        }
        n => n as usize,
    };
    let mut payload = vec![0u8; len];
    s.read_exact(&mut payload).unwrap();
    serde_json::from_slice(&payload).unwrap()
}

#[test]
fn owner_only_radar_data_reaches_its_owner_and_no_one_else_through_any_egress() {
    let server = Server::start(|t| t.replace("enabled = true", "enabled = false"));
    let (rt, bus) = connect(&server);
    let t0 = Timestamp::now();
    let (hnd, mex) = ("demo-hnd-viewer", "demo-mex-viewer");
    // HND sees its radar's track ...
    let body = poll("HND's radar track", || {
        for k in 0..4u64 {
            let b = radar_batch(k, t0 + (k as f64 * 10.0 - 35.0), -85.6 + 0.001 * k as f64);
            rt.block_on(bus.publish(MeasurementKind::RadarPlot, &b))
                .unwrap();
        }
        let (_, body) = get_as(server.http, "/api/v1/tracks", hnd).ok()?;
        body.contains("hnd-radar-guanaja").then_some(body)
    });
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let id = v["features"][0]["id"].as_u64().unwrap();
    let (st, _) = get_as(server.http, &format!("/api/v1/tracks/{id}"), hnd).unwrap();
    assert_eq!(st, 200);
    let (st, h) = get_as(server.http, &format!("/api/v1/tracks/{id}/history"), hnd).unwrap();
    assert_eq!(st, 200);
    assert!(h.contains("\"points\":[{"), "{h}");

    // ... and MEX sees nothing of it: list, detail, history, streams, sensors, zenoh.
    let (_, body) = get_as(server.http, "/api/v1/tracks", mex).unwrap();
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["numberMatched"], 0, "owner-only data leaked: {body}");
    for path in [
        format!("/api/v1/tracks/{id}"),
        format!("/api/v1/tracks/{id}/history"),
    ] {
        let (st, body) = get_as(server.http, &path, mex).unwrap();
        assert_eq!(st, 404, "{path}: {body}");
        assert!(!body.contains("guanaja"));
    }
    let (_, sensors) = get_as(server.http, "/api/v1/sensors", mex).unwrap();
    assert!(!sensors.contains("hnd-radar-guanaja"), "{sensors}");
    assert!(sensors.contains("mex-radar-cancun"));
    let sse = sse_first_message(server.http, &format!("/api/v1/stream?access_token={mex}"));
    assert_eq!(sse["full"], true);
    assert_eq!(sse["updated"].as_array().unwrap().len(), 0, "{sse}");
    let ws = ws_first_message(server.http, &format!("/api/v1/stream?access_token={mex}"));
    assert_eq!(ws["updated"].as_array().unwrap().len(), 0, "{ws}");
    let sse = sse_first_message(server.http, &format!("/api/v1/stream?access_token={hnd}"));
    assert_eq!(sse["updated"][0]["id"], id, "{sse}");
    let ws = ws_first_message(
        server.http,
        &format!("/api/v1/stream?access_token={hnd}&domain=sea,unknown"),
    );
    assert_eq!(ws["updated"][0]["id"], id, "{ws}");
    let ask = |nation: &str| -> Vec<serde_json::Value> {
        rt.block_on(async {
            let replies = bus
                .session()
                .get(format!("cuenca/cop/{nation}/tracks"))
                .await
                .unwrap();
            let mut out = Vec::new();
            while let Ok(r) = replies.recv_async().await {
                if let Ok(sample) = r.result() {
                    out.push(serde_json::from_slice(&sample.payload().to_bytes()).unwrap());
                }
            }
            out
        })
    };
    let mex_q = ask("MEX");
    assert_eq!(mex_q.len(), 1, "the service answers the query");
    assert_eq!(
        mex_q[0]["updated"].as_array().unwrap().len(),
        0,
        "{:?}",
        mex_q
    );
    let hnd_q = ask("HND");
    assert_eq!(hnd_q[0]["updated"][0]["id"], id);
    bus.close();
}

#[test]
fn tokens_roles_filters_and_paging() {
    let server = Server::start(|t| t.replace("enabled = true", "enabled = false"));
    let (rt, bus) = connect(&server);
    // Three AIS vessels along 17.5 N.
    let t0 = Timestamp::now();
    poll("three AIS tracks", || {
        for (i, mmsi) in [366_000_001u32, 366_000_002, 366_000_003]
            .into_iter()
            .enumerate()
        {
            for k in 0..3u64 {
                let lon = -77.0 + i as f64 * 0.5 + 0.001 * k as f64;
                let b = ais_batch(k, t0 + (k as f64 * 10.0 - 25.0), mmsi, lon);
                rt.block_on(bus.publish(MeasurementKind::AisReport, &b))
                    .unwrap();
            }
        }
        let (_, body) = api(server.http, "/api/v1/tracks?status=confirmed").ok()?;
        let v: serde_json::Value = serde_json::from_str(&body).ok()?;
        (v["numberMatched"] == 3).then_some(())
    });
    // Authentication and roles.
    assert_eq!(get(server.http, "/api/v1/tracks").unwrap().0, 401);
    assert_eq!(
        get_as(server.http, "/api/v1/tracks", "not-a-token")
            .unwrap()
            .0,
        401
    );
    assert_eq!(get(server.http, "/api/v1/openapi.json").unwrap().0, 401);
    assert_eq!(get(server.http, "/metrics").unwrap().0, 401);
    assert_eq!(
        get_as(server.http, "/metrics", "demo-mex-viewer")
            .unwrap()
            .0,
        403
    );
    let (st, m) = get_as(server.http, "/metrics", "demo-col-operator").unwrap();
    assert_eq!(st, 200);
    // Prometheus text format: each sample follows its own family's TYPE line.
    let mut family = String::new();
    for l in m.lines() {
        if let Some(rest) = l.strip_prefix("# TYPE ") {
            family = rest.split(' ').next().unwrap().to_string();
        } else if !l.starts_with('#') {
            let name = l.split(['{', ' ']).next().unwrap();
            assert_eq!(name, family, "{l}");
            assert!(name.starts_with("cuenca_"), "{l}");
        }
    }
    assert_eq!(
        get_as(server.http, "/api/v1/audit", "demo-col-operator")
            .unwrap()
            .0,
        403
    );
    let (st, me) = get_as(server.http, "/api/v1/me", "demo-col-operator").unwrap();
    assert_eq!(st, 200);
    assert!(
        me.contains("\"nation\":\"COL\"") && me.contains("operator"),
        "{me}"
    );
    assert_eq!(get(server.http, "/healthz").unwrap().0, 200);
    // The web COP's page needs no token (it asks for one); unknown API paths do.
    let (st, page) = get(server.http, "/").unwrap();
    assert_eq!(st, 200);
    assert!(
        page.contains("<html") || page.contains("<!doctype"),
        "{page}"
    );
    assert_eq!(get(server.http, "/api/v1/nope").unwrap().0, 401);
    assert_eq!(api(server.http, "/api/v1/nope").unwrap().0, 404);

    // Filters.
    let count = |q: &str| -> u64 {
        let (st, body) = api(server.http, &format!("/api/v1/tracks?{q}")).unwrap();
        assert_eq!(st, 200, "{q}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        v["numberMatched"].as_u64().unwrap()
    };
    assert_eq!(count("bbox=-77.2,17,-76.2,18"), 2);
    assert_eq!(count("bbox=-77.2,17,-76.2,18&domain=air"), 0);
    assert_eq!(count("domain=sea&mmsi=366000003"), 1);
    assert_eq!(count("callsign=NOPE"), 0);
    assert_eq!(count("updated_since=2999-01-01T00:00:00Z"), 0);
    // Paging: a next link until the last page.
    let (_, body) = api(server.http, "/api/v1/tracks?limit=2&domain=sea").unwrap();
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (v["numberMatched"].as_u64(), v["numberReturned"].as_u64()),
        (Some(3), Some(2))
    );
    let next = v["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == "next")
        .unwrap()["href"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        next.contains("offset=2") && next.contains("domain=sea"),
        "{next}"
    );
    let (_, body) = api(server.http, &next).unwrap();
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["numberReturned"], 1);
    assert!(v["links"]
        .as_array()
        .unwrap()
        .iter()
        .all(|l| l["rel"] != "next"));

    // Bad parameters name themselves.
    for (q, param) in [
        ("/api/v1/tracks?bbox=1,2,3", "bbox"),
        ("/api/v1/tracks?domain=space", "domain"),
        ("/api/v1/tracks?limit=0", "limit"),
        ("/api/v1/tracks?colour=red", "colour"),
        ("/api/v1/tracks/xyz", "id"),
        ("/api/v1/tracks/1/history?from=yesterday", "from"),
        ("/api/v1/stream?rate=1000", "rate"),
    ] {
        let (st, body) = api(server.http, q).unwrap();
        assert_eq!(st, 400, "{q}: {body}");
        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["parameter"], param, "{q}: {body}");
    }

    // The OpenAPI document and the audit log (admin), which never records a token.
    let (st, doc) = api(server.http, "/api/v1/openapi.json").unwrap();
    assert_eq!(st, 200);
    assert!(doc.contains("\"/api/v1/tracks/{id}/history\""));
    let _ = get(
        server.http,
        "/api/v1/stream?access_token=demo-mex-viewer&rate=abc",
    );
    let audit = poll("audit records", || {
        let (_, a) = api(server.http, "/api/v1/audit?limit=1000").ok()?;
        a.contains("rate=abc").then_some(a)
    });
    assert!(audit.contains("\"status\":401") && audit.contains("\"status\":403"));
    assert!(
        !audit.contains("demo-mex-viewer"),
        "a token reached the audit log"
    );
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

/// Mode S parity (CRC-24, generator 0x1FFF409) of a frame's bytes before its PI field.
fn modes_crc(data: &[u8]) -> u32 {
    let mut crc = 0u32;
    for &b in data {
        crc ^= u32::from(b) << 16;
        for _ in 0..8 {
            crc <<= 1;
            if crc & 0x100_0000 != 0 {
                crc ^= 0x1FF_F409;
            }
        }
    }
    crc & 0xFF_FFFF
}

/// A DF17 frame for `icao` with a 56-bit ME field and its parity.
fn df17(icao: u32, me: u64) -> Vec<u8> {
    let mut f = vec![0x8d, (icao >> 16) as u8, (icao >> 8) as u8, icao as u8];
    f.extend_from_slice(&me.to_be_bytes()[1..]);
    let crc = modes_crc(&f);
    f.extend_from_slice(&crc.to_be_bytes()[1..]);
    f
}

/// CPR number of longitude zones (DO-260B A.1.7.2).
fn cpr_nl(lat: f64) -> f64 {
    use std::f64::consts::PI;
    if lat.abs() >= 87.0 {
        return if lat.abs() > 87.0 { 1.0 } else { 2.0 };
    }
    let a = 1.0 - (PI / 30.0).cos();
    let b = (PI / 180.0 * lat.abs()).cos().powi(2);
    (2.0 * PI / (1.0 - a / b).acos()).floor()
}

/// An airborne position ME (TC 11, barometric altitude) in CPR format `odd`.
fn airborne_position_me(lat: f64, lon: f64, alt_ft: i32, odd: bool) -> u64 {
    let i = f64::from(u8::from(odd));
    let scale = 131_072.0;
    let dlat = 360.0 / (60.0 - i);
    let yz = (scale * lat.rem_euclid(dlat) / dlat + 0.5).floor();
    let rlat = dlat * (yz / scale + (lat / dlat).floor());
    let dlon = 360.0 / (cpr_nl(rlat) - i).max(1.0);
    let xz = (scale * lon.rem_euclid(dlon) / dlon + 0.5).floor();
    let n = ((alt_ft + 1000) / 25) as u64;
    let alt = ((n & 0x7F0) << 1) | 0x10 | (n & 0xF);
    (11 << 51)
        | (alt << 36)
        | (u64::from(odd) << 34)
        | ((yz as u64 & 0x1FFFF) << 17)
        | (xz as u64 & 0x1FFFF)
}

/// An identification ME (TC 4) for a callsign of up to 8 of A-Z, 0-9 and space.
fn identification_me(callsign: &str) -> u64 {
    let mut me = 4u64 << 51;
    for (k, c) in format!("{callsign:8}").bytes().take(8).enumerate() {
        let code = match c {
            b'A'..=b'Z' => c - b'A' + 1,
            b'0'..=b'9' => c,
            _ => 32,
        };
        me |= u64::from(code) << (42 - 6 * k);
    }
    me
}

/// A Beast Mode S long frame, 0x1a escaped.
fn beast(ts: u64, frame: &[u8]) -> Vec<u8> {
    let mut body = ts.to_be_bytes()[2..].to_vec();
    body.push(0x80);
    body.extend_from_slice(frame);
    let mut out = vec![0x1a, b'3'];
    for b in body {
        out.push(b);
        if b == 0x1a {
            out.push(0x1a);
        }
    }
    out
}

#[test]
fn the_adsb_adapter_publishes_beast_positions_as_tracks() {
    let server = Server::start(|t| t.replace("enabled = true", "enabled = false"));
    let dir = common::tempdir::TempDir::new("adsb");
    let feed = dir.0.join("feed.beast");
    // An aircraft 40 km north-east of the Key West receiver at FL350.
    let (icao, lat, lon) = (0xA1B2C3u32, 24.9, -81.5);
    let frames = [
        df17(icao, identification_me("CUE42")),
        df17(icao, airborne_position_me(lat, lon, 35_000, false)),
        df17(icao, airborne_position_me(lat, lon, 35_000, true)),
    ];
    // The frames decode as intended (the decoder the adapter uses says so).
    let mut dec = cuenca_adsb::Decoder::new();
    let last = frames
        .iter()
        .map(|f| dec.decode(f, 0.0).expect("a valid frame"))
        .last()
        .expect("frames");
    assert!((last.lat.unwrap() - lat).abs() < 1e-3 && (last.lon.unwrap() - lon).abs() < 1e-3);
    // Junk, a truncated frame and a frame with a broken CRC are counted, not fatal.
    let mut stream = b"junk".to_vec();
    stream.extend_from_slice(&beast(1, &frames[0])[..10]);
    let mut bad = frames[1].clone();
    bad[5] ^= 0x40;
    stream.extend(beast(2, &bad));
    for (k, f) in frames.iter().enumerate() {
        stream.extend(beast(0x1a1a + k as u64, f));
    }
    std::fs::write(&feed, &stream).unwrap();
    let body = feed_until(
        &server,
        &["adsb", "run", "--sensor", "usa-adsb-keywest"],
        &feed,
        "a1b2c3",
    );
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let f = v["features"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["properties"]["identity"].to_string().contains("a1b2c3"))
        .unwrap();
    assert!(
        f["properties"]["identity"].to_string().contains("CUE42"),
        "{f}"
    );
    assert_eq!(f["properties"]["sensors"][0], "usa-adsb-keywest");
    let c = &f["geometry"]["coordinates"];
    assert!((c[0].as_f64().unwrap() - lon).abs() < 1e-3, "{c}");
    assert!((c[1].as_f64().unwrap() - lat).abs() < 1e-3, "{c}");
}

/// One CAT048 block: SAC/SIC 25/10, time of day `tod`, SSR + PSR detection, `range_nm`
/// and `azimuth_deg`, FL100 and ICAO address `icao`.
fn cat048_block(tod: f64, range_nm: f64, azimuth_deg: f64, icao: u32) -> Vec<u8> {
    let mut r = vec![0xF5, 0x80, 25, 10];
    r.extend_from_slice(&((tod * 128.0) as u32).to_be_bytes()[1..]);
    r.push(3 << 5);
    r.extend(((range_nm * 256.0) as u16).to_be_bytes());
    r.extend(((azimuth_deg * 65536.0 / 360.0) as u16).to_be_bytes());
    r.extend(400u16.to_be_bytes());
    r.extend_from_slice(&icao.to_be_bytes()[1..]);
    let mut block = vec![48];
    block.extend(((r.len() + 3) as u16).to_be_bytes());
    block.extend(r);
    block
}

#[test]
fn the_radar_adapter_takes_asterix_over_udp() {
    let server = Server::start(|t| t.replace("enabled = true", "enabled = false"));
    let port = common::free_port();
    let mut adapter = common::cuenca()
        .args(["radar", "run", "--sensor", "mex-radar-cancun", "--format"])
        .args(["asterix", "--sac-sic", "25/10", "--config"])
        .arg(&server.config)
        .args(["--input", &format!("udp:127.0.0.1:{port}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the adapter starts");
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    // 21.6 NM (40 km) due east of the Cancún radar: about 86.415°W, 21.16°N.
    let range_nm = 40_000.0 / 1852.0;
    let ours = |f: &serde_json::Value| {
        let c = &f["geometry"]["coordinates"];
        f["properties"]["sensors"][0] == "mex-radar-cancun"
            && (c[0].as_f64().unwrap_or(0.0) + 86.415).abs() < 0.01
            && (c[1].as_f64().unwrap_or(0.0) - 21.16).abs() < 0.01
    };
    let features = poll("the ASTERIX plot on /api/v1/tracks", || {
        let tod = Timestamp::now().micros().rem_euclid(86_400_000_000) as f64 * 1e-6;
        // One datagram: a CAT034 north marker, our report and another radar's.
        let mut datagram = vec![34, 0, 10, 0xE0, 25, 10, 1];
        datagram.extend_from_slice(&((tod * 128.0) as u32).to_be_bytes()[1..]);
        datagram.extend(cat048_block(tod, range_nm, 90.0, 0x0D0E0F));
        let mut other = cat048_block(tod, 10.0, 0.0, 0x0A0B0C);
        other[6] = 11;
        datagram.extend(other);
        sock.send_to(&datagram, ("127.0.0.1", port)).ok()?;
        // Junk must be counted and skipped.
        sock.send_to(&[48, 0, 1, 2, 3], ("127.0.0.1", port)).ok()?;
        let (_, body) = api(server.http, "/api/v1/tracks").ok()?;
        let v: serde_json::Value = serde_json::from_str(&body).ok()?;
        let features = v["features"].as_array()?.clone();
        features.iter().any(ours).then_some(features)
    });
    let _ = adapter.kill();
    let _ = adapter.wait();
    // The other radar's report (10 NM north, SIC 11) is not published.
    assert!(
        !features.iter().any(|f| {
            let c = &f["geometry"]["coordinates"];
            (c[1].as_f64().unwrap_or(0.0) - 21.327).abs() < 0.01
                && (c[0].as_f64().unwrap_or(0.0) + 86.80).abs() < 0.01
        }),
        "{features:?}"
    );
}
