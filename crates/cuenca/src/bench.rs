//! `cuenca bench api`: load on the COP service's HTTP API from our own client.
//!
//! The service runs in this process on a loopback port with a synthetic picture of
//! `--tracks` tracks spread over the region; the load comes from a separate runtime
//! in the same process (so client and server share the machine's cores, as they would
//! with wrk on the same host). Two measurements:
//! - bbox queries: `--connections` keep-alive clients asking `/api/v1/tracks` for
//!   random boxes for `--seconds`; requests per second and latency percentiles.
//! - stream fan-out: `--clients` SSE clients with random boxes while the picture
//!   updates (`--churn` of the tracks change every update); delivery latency from
//!   the update to each client's receipt, and clients dropped.

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use cuenca_config::Config;
use cuenca_model::*;
use cuenca_server::http::{router, App};
use cuenca_server::pipeline::Shared;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

#[derive(Subcommand)]
pub enum BenchCommand {
    /// Load the HTTP API: bbox queries and stream fan-out over a synthetic picture.
    Api(ApiArgs),
    /// Replay a recording through zenoh and fusion as fast as it goes: throughput and
    /// ingest-to-picture latency percentiles (see replay.rs).
    Replay(crate::replay::BenchArgs),
}

#[derive(Args)]
pub struct ApiArgs {
    /// Live tracks in the picture.
    #[arg(long, default_value_t = 100_000)]
    tracks: usize,
    /// Keep-alive connections issuing bbox queries.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Seconds of bbox queries.
    #[arg(long, default_value_t = 10.0)]
    seconds: f64,
    /// Side of each query box in degrees.
    #[arg(long, default_value_t = 1.0)]
    box_deg: f64,
    /// SSE clients for the fan-out measurement (0 skips it).
    #[arg(long, default_value_t = 1000)]
    clients: usize,
    /// Side of each stream client's box in degrees.
    #[arg(long, default_value_t = 5.0)]
    client_box_deg: f64,
    /// Fraction of tracks changed at each picture update during fan-out.
    #[arg(long, default_value_t = 0.05)]
    churn: f64,
    /// Picture updates during fan-out (one per second).
    #[arg(long, default_value_t = 10)]
    updates: usize,
}

pub fn run(cmd: BenchCommand) -> Result<()> {
    let args = match cmd {
        BenchCommand::Api(args) => args,
        BenchCommand::Replay(args) => return crate::replay::bench(args),
    };
    if args.tracks == 0 || args.connections == 0 || args.seconds <= 0.0 {
        bail!("--tracks, --connections and --seconds must be > 0");
    }
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("server")
        .build()?;
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("client")
        .build()?;
    let cfg = Config::embedded()?;
    let shared = Arc::new(Shared::new(&cfg));
    let mut rng = Rng(0x5eed);
    let mut tracks: Vec<Track> = (0..args.tracks)
        .map(|i| synthetic(i as u64, &cfg, &mut rng))
        .collect();
    // The MEX audience sees all-member sensors: the synthetic tracks are from one.
    let mex = NationId::new("MEX")?;
    let audience = shared
        .cop
        .audiences
        .iter()
        .position(|a| a.audience.nations.contains(&mex))
        .context("no audience for MEX")?;
    let start = Instant::now();
    shared.cop.audiences[audience].update(Timestamp::now(), tracks.clone());
    println!(
        "picture: {} tracks, first view built in {:.0} ms",
        args.tracks,
        start.elapsed().as_secs_f64() * 1e3
    );
    // Requests are audited as in service, to a scratch file.
    let mut audit_cfg = cfg.audit.clone();
    audit_cfg.path =
        std::env::temp_dir().join(format!("cuenca-bench-{}/audit.jsonl", std::process::id()));
    let audit = cuenca_server::audit::Audit::open(&audit_cfg)?;
    let _scratch = Scratch(audit_cfg.path.parent().map(|d| d.to_path_buf()));
    let app = App::new(&cfg, Arc::clone(&shared), Some(audit));
    let listener = server_rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    server_rt.spawn(async move {
        let _ = axum::serve(
            listener,
            router(app).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await;
    });

    // 1. bbox queries.
    let region = cfg.region.clone();
    let results = client_rt.block_on(async {
        let mut tasks = Vec::new();
        for c in 0..args.connections {
            let region = region.clone();
            let (seconds, side) = (args.seconds, args.box_deg);
            tasks.push(tokio::spawn(async move {
                query_loop(addr, c as u64, region, side, seconds).await
            }));
        }
        let mut all = Vec::new();
        let mut features = 0u64;
        for t in tasks {
            let (lat, f) = t.await??;
            all.extend(lat);
            features += f;
        }
        anyhow::Ok((all, features))
    })?;
    let (mut lat, features) = results;
    if lat.is_empty() {
        bail!("no query completed");
    }
    lat.sort_unstable();
    let n = lat.len();
    println!(
        "bbox queries: {} connections, {:.1}° boxes, {:.0} s: {} requests, {:.0} requests/s, \
         p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms, {:.0} features per response",
        args.connections,
        args.box_deg,
        args.seconds,
        n,
        n as f64 / args.seconds,
        pct(&lat, 0.50),
        pct(&lat, 0.99),
        pct(&lat, 1.0),
        features as f64 / n as f64
    );

    // 2. stream fan-out.
    if args.clients == 0 {
        return Ok(());
    }
    let received = Arc::new(AtomicU64::new(0));
    let firsts = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let latencies = Arc::new(std::sync::Mutex::new(Vec::<u64>::new()));
    let clients = client_rt.block_on(async {
        let mut handles = Vec::new();
        for c in 0..args.clients {
            let mut r = Rng(c as u64 + 99);
            let (w, s) = random_box(&mut r, &region, args.client_box_deg);
            let path = format!(
                "/api/v1/stream?access_token=demo-mex-viewer&rate=10&bbox={w},{s},{},{}",
                w + args.client_box_deg,
                s + args.client_box_deg
            );
            let (received, firsts, latencies, stop) = (
                received.clone(),
                firsts.clone(),
                latencies.clone(),
                stop.clone(),
            );
            handles.push(tokio::spawn(async move {
                sse_client(addr, path, (received, firsts), latencies, stop).await
            }));
        }
        handles
    });
    // Let every client connect and take its first (full) message.
    let wait = Instant::now();
    while firsts.load(Ordering::Relaxed) < args.clients as u64
        && wait.elapsed() < Duration::from_secs(60)
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    let first = firsts.load(Ordering::Relaxed);
    if let Ok(mut l) = latencies.lock() {
        l.clear();
    }
    let changed = ((args.tracks as f64 * args.churn) as usize).max(1);
    for u in 0..args.updates {
        let now = Timestamp::now();
        for k in 0..changed {
            let i = (u * changed + k * 7919) % tracks.len();
            let t = &mut tracks[i];
            t.position.lon += 0.001;
            t.updated = now;
        }
        let picture = tracks.clone();
        let t0 = Instant::now();
        shared.cop.audiences[audience].update(now, picture);
        let took = t0.elapsed();
        if u == 0 {
            println!(
                "fan-out: view update with {changed} changed tracks took {:.0} ms",
                took.as_secs_f64() * 1e3
            );
        }
        std::thread::sleep(Duration::from_secs(1).saturating_sub(took));
    }
    std::thread::sleep(Duration::from_secs(2));
    stop.store(true, Ordering::Relaxed);
    let msgs = received.load(Ordering::Relaxed);
    let dropped = shared.metrics.streams_dropped_slow.load(Ordering::Relaxed);
    let mut lat = latencies.lock().map(|l| l.clone()).unwrap_or_default();
    lat.sort_unstable();
    for h in clients {
        h.abort();
    }
    println!(
        "stream fan-out: {} SSE clients ({:.0}° boxes), {} first messages, {} updates of {} \
         changed tracks: {} update messages delivered, delivery latency p50 {:.1} ms, \
         p99 {:.1} ms, max {:.1} ms; {} clients dropped as slow",
        args.clients,
        args.client_box_deg,
        first,
        args.updates,
        changed,
        msgs,
        pct(&lat, 0.50),
        pct(&lat, 0.99),
        pct(&lat, 1.0),
        dropped
    );
    Ok(())
}

/// Removes the bench's scratch directory however the bench ends.
struct Scratch(Option<std::path::PathBuf>);

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some(d) = &self.0 {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}

/// Percentile of sorted microsecond latencies, in milliseconds.
fn pct(sorted: &[u64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i] as f64 / 1e3
}

/// xorshift64*: reproducible boxes and tracks without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn random_box(r: &mut Rng, region: &cuenca_config::Region, side: f64) -> (f64, f64) {
    let w = region.west + r.next() * (region.east - region.west - side).max(0.0);
    let s = region.south + r.next() * (region.north - region.south - side).max(0.0);
    (w, s)
}

fn synthetic(i: u64, cfg: &Config, r: &mut Rng) -> Track {
    let g = &cfg.region;
    let now = Timestamp::now();
    Track {
        id: TrackId(i + 1),
        domain: if i.is_multiple_of(5) {
            Domain::Air
        } else {
            Domain::Sea
        },
        status: TrackStatus::Confirmed,
        position: GeoPoint::new(
            g.south + r.next() * (g.north - g.south),
            g.west + r.next() * (g.east - g.west),
        ),
        velocity: Velocity::from_speed_course(r.next() * 15.0, r.next() * 360.0),
        covariance: [
            [400.0, 0.0, 0.0, 0.0],
            [0.0, 400.0, 0.0, 0.0],
            [0.0, 0.0, 1.0, 0.0],
            [0.0, 0.0, 0.0, 1.0],
        ],
        identity: Identity {
            mmsi: Some(300_000_000 + i as u32),
            name: Some(format!("VESSEL {i}")),
            ..Identity::default()
        },
        contributions: vec![Contribution {
            sensor: SensorId::new("mex-ais-cozumel").unwrap_or_else(|_| unreachable!()),
            nation: NationId::new("MEX").unwrap_or_else(|_| unreachable!()),
            kind: MeasurementKind::AisReport,
            release: ReleaseTo::AllMembers,
            last_seen: now,
            updates: 10,
        }],
        created: now,
        updated: now,
    }
}

/// One keep-alive connection asking for random boxes until `seconds` pass.
async fn query_loop(
    addr: SocketAddr,
    seed: u64,
    region: cuenca_config::Region,
    side: f64,
    seconds: f64,
) -> Result<(Vec<u64>, u64)> {
    let stream = TcpStream::connect(addr).await?;
    stream.set_nodelay(true)?;
    let (rd, mut wr) = stream.into_split();
    let mut rd = BufReader::new(rd);
    let mut r = Rng(seed * 7 + 1);
    let mut lat = Vec::new();
    let mut features = 0u64;
    let end = Instant::now() + Duration::from_secs_f64(seconds);
    let mut line = String::new();
    let mut body = Vec::new();
    while Instant::now() < end {
        let (w, s) = random_box(&mut r, &region, side);
        let req = format!(
            "GET /api/v1/tracks?bbox={w:.4},{s:.4},{:.4},{:.4} HTTP/1.1\r\nHost: x\r\n\
             Authorization: Bearer demo-mex-viewer\r\n\r\n",
            w + side,
            s + side
        );
        let t0 = Instant::now();
        wr.write_all(req.as_bytes()).await?;
        let mut len = 0usize;
        let mut status = String::new();
        loop {
            line.clear();
            if rd.read_line(&mut line).await? == 0 {
                bail!("server closed the connection");
            }
            if status.is_empty() {
                status = line.clone();
            }
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.trim().parse().context("bad content-length")?;
                }
            }
        }
        body.resize(len, 0);
        rd.read_exact(&mut body).await?;
        if !status.contains(" 200 ") {
            bail!("query failed: {status}");
        }
        lat.push(t0.elapsed().as_micros() as u64);
        // numberReturned follows the features array: look for it from the end.
        const KEY: &[u8] = b"\"numberReturned\":";
        if let Some(at) = body.windows(KEY.len()).rposition(|w| w == KEY) {
            let digits = body[at + KEY.len()..]
                .iter()
                .take_while(|b| b.is_ascii_digit())
                .fold(0u64, |n, b| n * 10 + u64::from(b - b'0'));
            features += digits;
        }
    }
    Ok((lat, features))
}

/// An SSE client that records how long after its `time` each update arrives.
async fn sse_client(
    addr: SocketAddr,
    path: String,
    (received, firsts): (Arc<AtomicU64>, Arc<AtomicU64>),
    latencies: Arc<std::sync::Mutex<Vec<u64>>>,
    stop: Arc<AtomicBool>,
) -> Result<()> {
    let mut stream = TcpStream::connect(addr).await?;
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .await?;
    let mut rd = BufReader::new(stream);
    let mut line = String::new();
    while !stop.load(Ordering::Relaxed) {
        line.clear();
        if rd.read_line(&mut line).await? == 0 {
            break;
        }
        // Chunked framing lines are skipped; only `data:` lines carry messages.
        let Some(data) = line.find("data: ").map(|i| &line[i + 6..]) else {
            continue;
        };
        let now = Timestamp::now();
        if data.contains("\"full\":true") {
            firsts.fetch_add(1, Ordering::Relaxed);
            continue;
        }
        received.fetch_add(1, Ordering::Relaxed);
        if let Some(t) = data
            .strip_prefix("{\"time\":\"")
            .and_then(|r| r.split('"').next())
            .and_then(|t| t.parse::<Timestamp>().ok())
        {
            if let Ok(mut l) = latencies.lock() {
                l.push(now.0.saturating_sub(t.0).max(0) as u64);
            }
        }
    }
    Ok(())
}
