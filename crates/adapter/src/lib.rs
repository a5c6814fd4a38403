//! The part every sensor adapter shares: read a feed, cut it into lines, batch the
//! measurements a decoder makes of them, and publish the batches on zenoh under the
//! sensor's key (by count, or at least every 100 ms).
//!
//! Inputs are a file, a TCP connection we make (reconnected with backoff when it
//! drops; each gap is logged and counted), a TCP listener partners connect to, or a
//! UDP socket (unicast or multicast). Decoding stays in the sensor crates; this one
//! knows nothing of AIS, ADS-B or ASTERIX.

use cuenca_bus::Bus;
use cuenca_model::{Measurement, MeasurementBatch, MeasurementKind, NationId, SensorId};
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::sync::mpsc;

/// Where a feed comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// `file:PATH`: read once to the end.
    File(PathBuf),
    /// `tcp:HOST:PORT`: connect, and reconnect with backoff when the feed drops.
    TcpClient(String),
    /// `tcp-listen:ADDR:PORT`: accept feeds from partners.
    TcpListen(SocketAddr),
    /// `udp:ADDR:PORT`: datagrams of one or more lines; a multicast ADDR is joined.
    Udp(SocketAddr),
}

/// An input specification that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("input {0:?} is not file:PATH, tcp:HOST:PORT, tcp-listen:ADDR:PORT or udp:ADDR:PORT")]
pub struct InputError(pub String);

impl FromStr for Input {
    type Err = InputError;
    /// ```
    /// use cuenca_adapter::Input;
    /// assert_eq!("tcp:10.0.0.5:10110".parse(), Ok(Input::TcpClient("10.0.0.5:10110".into())));
    /// assert!("ftp:x".parse::<Input>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Input, InputError> {
        let bad = || InputError(s.to_string());
        let (scheme, rest) = s.split_once(':').ok_or_else(bad)?;
        match scheme {
            "file" if !rest.is_empty() => Ok(Input::File(PathBuf::from(rest))),
            "tcp" if rest.contains(':') => Ok(Input::TcpClient(rest.to_string())),
            "tcp-listen" => rest.parse().map(Input::TcpListen).map_err(|_| bad()),
            "udp" => rest.parse().map(Input::Udp).map_err(|_| bad()),
            _ => Err(bad()),
        }
    }
}

/// Counters of one adapter run.
#[derive(Debug, Default)]
pub struct Stats {
    pub lines: AtomicU64,
    pub measurements: AtomicU64,
    pub batches: AtomicU64,
    /// Times a TCP feed dropped or could not be reached.
    pub gaps: AtomicU64,
    pub publish_errors: AtomicU64,
}

/// The sensor an adapter publishes for.
#[derive(Debug, Clone)]
pub struct Sensor {
    pub id: SensorId,
    pub nation: NationId,
    pub kind: MeasurementKind,
}

/// Batching limits.
#[derive(Debug, Clone, Copy)]
pub struct Batching {
    pub max_measurements: usize,
    pub max_delay: Duration,
}

impl Default for Batching {
    fn default() -> Self {
        Batching {
            max_measurements: 500,
            max_delay: Duration::from_millis(100),
        }
    }
}

/// Reads `input` until it ends (files) or forever (network inputs), hands each line
/// to `decode` and publishes what it returns in batches.
pub async fn run<F>(
    input: Input,
    sensor: Sensor,
    bus: Bus,
    batching: Batching,
    stats: Arc<Stats>,
    mut decode: F,
) -> std::io::Result<()>
where
    F: FnMut(&[u8], &mut Vec<Measurement>),
{
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(4096);
    let reader = tokio::spawn(read(input, tx, Arc::clone(&stats)));
    let mut seq = 0u64;
    let mut pending: Vec<Measurement> = Vec::new();
    let mut tick = tokio::time::interval(batching.max_delay);
    loop {
        tokio::select! {
            line = rx.recv() => match line {
                Some(line) => {
                    stats.lines.fetch_add(1, Ordering::Relaxed);
                    decode(&line, &mut pending);
                    if pending.len() >= batching.max_measurements {
                        flush(&bus, &sensor, &mut seq, &mut pending, &stats).await;
                    }
                }
                None => break,
            },
            _ = tick.tick() => flush(&bus, &sensor, &mut seq, &mut pending, &stats).await,
        }
    }
    flush(&bus, &sensor, &mut seq, &mut pending, &stats).await;
    reader.await.unwrap_or(Ok(()))
}

async fn flush(
    bus: &Bus,
    sensor: &Sensor,
    seq: &mut u64,
    pending: &mut Vec<Measurement>,
    stats: &Stats,
) {
    if pending.is_empty() {
        return;
    }
    *seq += 1;
    let mut batch = MeasurementBatch::new(sensor.nation, sensor.id.clone(), *seq);
    batch.measurements = std::mem::take(pending);
    let n = batch.measurements.len() as u64;
    match bus.publish(sensor.kind, &batch).await {
        Ok(()) => {
            stats.batches.fetch_add(1, Ordering::Relaxed);
            stats.measurements.fetch_add(n, Ordering::Relaxed);
        }
        Err(e) => {
            stats.publish_errors.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(sensor = %sensor.id, error = %e, "cannot publish a batch");
        }
    }
}

async fn lines<R: AsyncRead + Unpin>(r: R, tx: &mpsc::Sender<Vec<u8>>) -> std::io::Result<()> {
    let mut r = BufReader::new(r);
    loop {
        let mut line = Vec::with_capacity(96);
        if r.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        if tx.send(line).await.is_err() {
            return Ok(());
        }
    }
}

async fn read(input: Input, tx: mpsc::Sender<Vec<u8>>, stats: Arc<Stats>) -> std::io::Result<()> {
    match input {
        Input::File(p) => lines(tokio::fs::File::open(&p).await?, &tx).await,
        Input::TcpClient(addr) => {
            let mut backoff = Duration::from_millis(500);
            loop {
                match tokio::net::TcpStream::connect(&addr).await {
                    Ok(s) => {
                        tracing::info!(%addr, "feed connected");
                        backoff = Duration::from_millis(500);
                        if let Err(e) = lines(s, &tx).await {
                            tracing::warn!(%addr, error = %e, "feed failed");
                        }
                        if tx.is_closed() {
                            return Ok(());
                        }
                        tracing::warn!(%addr, "feed dropped; reconnecting");
                    }
                    Err(e) => {
                        tracing::warn!(%addr, error = %e, "cannot reach feed; retrying in {backoff:?}")
                    }
                }
                stats.gaps.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(30));
            }
        }
        Input::TcpListen(addr) => {
            let listener = tokio::net::TcpListener::bind(addr).await?;
            loop {
                let (s, peer) = listener.accept().await?;
                tracing::info!(%peer, "feed connected");
                let tx = tx.clone();
                tokio::spawn(async move {
                    if let Err(e) = lines(s, &tx).await {
                        tracing::warn!(%peer, error = %e, "feed failed");
                    }
                });
            }
        }
        Input::Udp(addr) => {
            let bind: SocketAddr = if addr.ip().is_multicast() {
                SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), addr.port())
            } else {
                addr
            };
            let sock = tokio::net::UdpSocket::bind(bind).await?;
            if let std::net::IpAddr::V4(group) = addr.ip() {
                if group.is_multicast() {
                    sock.join_multicast_v4(group, Ipv4Addr::UNSPECIFIED)?;
                }
            }
            let mut buf = vec![0u8; 65_536];
            loop {
                let n = sock.recv(&mut buf).await?;
                for line in buf[..n].split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
                    if tx.send(line.to_vec()).await.is_err() {
                        return Ok(());
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn input_specs() {
        assert_eq!(
            "file:/tmp/x.nmea".parse(),
            Ok(Input::File("/tmp/x.nmea".into()))
        );
        assert_eq!(
            "udp:239.192.0.1:10110".parse(),
            Ok(Input::Udp("239.192.0.1:10110".parse().unwrap()))
        );
        assert_eq!(
            "tcp-listen:0.0.0.0:10110".parse(),
            Ok(Input::TcpListen("0.0.0.0:10110".parse().unwrap()))
        );
        for bad in ["", "file:", "tcp:host", "udp:nowhere", "http://x"] {
            assert!(bad.parse::<Input>().is_err(), "{bad}");
        }
    }
}
