//! The part every sensor adapter shares: read a feed, cut it into lines (or, for
//! binary feeds, hand over stream chunks per connection and whole datagrams), batch
//! the measurements a decoder makes of them, and publish the batches on zenoh under
//! the sensor's key (by count, or at least every 100 ms).
//!
//! Inputs are a file, a TCP connection we make (reconnected with backoff when it
//! drops; each gap is logged and counted), a TCP listener partners connect to, or a
//! UDP socket (unicast or multicast). Decoding stays in the sensor crates; this one
//! knows nothing of AIS, ADS-B or ASTERIX.

use cuenca_bus::Bus;
use cuenca_model::{Measurement, MeasurementBatch, MeasurementKind, NationId, SensorId};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt};
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
    /// `udp:ADDR:PORT` or `udp:GROUP:PORT@IFACE`: datagrams. A multicast `ADDR`
    /// (IPv4 or IPv6) is joined; `IFACE` is the IPv4 address of the interface to
    /// join an IPv4 group on (the system's choice when absent).
    Udp {
        /// Where to listen, or the group to join.
        addr: SocketAddr,
        /// The local interface address to join an IPv4 group on.
        interface: Option<Ipv4Addr>,
    },
}

/// An input specification that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "input {0:?} is not file:PATH, tcp:HOST:PORT, tcp-listen:ADDR:PORT, udp:ADDR:PORT or udp:GROUP:PORT@IFACE"
)]
pub struct InputError(pub String);

impl FromStr for Input {
    type Err = InputError;
    /// ```
    /// use cuenca_adapter::Input;
    /// assert_eq!("tcp:10.0.0.5:10110".parse(), Ok(Input::TcpClient("10.0.0.5:10110".into())));
    /// assert_eq!(
    ///     "udp:239.192.0.1:8600@10.0.0.5".parse(),
    ///     Ok(Input::Udp { addr: "239.192.0.1:8600".parse().unwrap(), interface: Some([10, 0, 0, 5].into()) }),
    /// );
    /// assert!("ftp:x".parse::<Input>().is_err());
    /// ```
    fn from_str(s: &str) -> Result<Input, InputError> {
        let bad = || InputError(s.to_string());
        let (scheme, rest) = s.split_once(':').ok_or_else(bad)?;
        match scheme {
            "file" if !rest.is_empty() => Ok(Input::File(PathBuf::from(rest))),
            "tcp" if rest.contains(':') => Ok(Input::TcpClient(rest.to_string())),
            "tcp-listen" => rest.parse().map(Input::TcpListen).map_err(|_| bad()),
            "udp" => {
                let (addr, iface) = match rest.split_once('@') {
                    Some((a, i)) => (a, Some(i)),
                    None => (rest, None),
                };
                let addr: SocketAddr = addr.parse().map_err(|_| bad())?;
                let interface = match iface {
                    None => None,
                    // An interface only means something for an IPv4 group.
                    Some(i) if addr.ip().is_multicast() && addr.is_ipv4() => {
                        Some(i.parse().map_err(|_| bad())?)
                    }
                    Some(_) => return Err(bad()),
                };
                Ok(Input::Udp { addr, interface })
            }
            _ => Err(bad()),
        }
    }
}

/// How a UDP input binds and which multicast group it joins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UdpPlan {
    /// The local address to bind.
    pub bind: SocketAddr,
    /// The group to join, if `addr` is a multicast address.
    pub group: Option<IpAddr>,
}

impl UdpPlan {
    /// A unicast address is bound as given. A multicast group is joined on a socket
    /// bound to the wildcard address of its family and the group's port, so several
    /// adapters on one host can receive the same group.
    ///
    /// ```
    /// use cuenca_adapter::UdpPlan;
    /// let p = UdpPlan::for_addr("239.192.0.1:8600".parse().unwrap());
    /// assert_eq!(p.bind, "0.0.0.0:8600".parse().unwrap());
    /// assert_eq!(p.group, Some("239.192.0.1".parse().unwrap()));
    /// ```
    pub fn for_addr(addr: SocketAddr) -> UdpPlan {
        match addr.ip() {
            IpAddr::V4(g) if g.is_multicast() => UdpPlan {
                bind: SocketAddr::new(Ipv4Addr::UNSPECIFIED.into(), addr.port()),
                group: Some(addr.ip()),
            },
            IpAddr::V6(g) if g.is_multicast() => UdpPlan {
                bind: SocketAddr::new(Ipv6Addr::UNSPECIFIED.into(), addr.port()),
                group: Some(addr.ip()),
            },
            _ => UdpPlan {
                bind: addr,
                group: None,
            },
        }
    }
}

/// How the reader cuts a feed before the decoder sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Framing {
    /// Text lines (NMEA, AVR, SBS-1, JSON plots): streams are cut at `\n`, a
    /// datagram may hold several lines. Each reaches the decoder as [`Unit::Line`].
    #[default]
    Lines,
    /// Raw bytes, for binary formats (Beast, ASTERIX): stream reads as
    /// [`Unit::Chunk`] (frames may be cut anywhere, the decoder reassembles them
    /// per stream) followed by [`Unit::End`], and whole [`Unit::Datagram`]s.
    Bytes,
}

/// One piece of a feed, as handed to the decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit<'a> {
    /// One line, its `\n` included when it had one ([`Framing::Lines`]).
    Line(&'a [u8]),
    /// Bytes read from stream `stream` (a file or a TCP connection; each connection
    /// has its own number, so a listener's partners do not mix).
    Chunk { stream: u64, bytes: &'a [u8] },
    /// Stream `stream` ended or dropped: whatever is buffered for it is incomplete.
    End { stream: u64 },
    /// One whole UDP datagram ([`Framing::Bytes`]).
    Datagram(&'a [u8]),
}

/// The longest line accepted ([`Framing::Lines`]); a longer one is dropped and
/// counted in [`Stats::overlong_lines`], so a feed without newlines cannot grow
/// memory without bound.
pub const MAX_LINE: usize = 64 * 1024;

/// Counters of one adapter run.
#[derive(Debug, Default)]
pub struct Stats {
    /// Lines, stream chunks or datagrams handed to the decoder.
    pub lines: AtomicU64,
    /// Bytes read from the feed.
    pub bytes: AtomicU64,
    /// Lines longer than [`MAX_LINE`], dropped.
    pub overlong_lines: AtomicU64,
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

/// What the reader tasks send the decoding loop (owned [`Unit`]s).
#[derive(Debug)]
enum Msg {
    Line(Vec<u8>),
    Chunk(u64, Vec<u8>),
    End(u64),
    Datagram(Vec<u8>),
}

impl Msg {
    fn unit(&self) -> Unit<'_> {
        match self {
            Msg::Line(l) => Unit::Line(l),
            Msg::Chunk(stream, b) => Unit::Chunk {
                stream: *stream,
                bytes: b,
            },
            Msg::End(stream) => Unit::End { stream: *stream },
            Msg::Datagram(d) => Unit::Datagram(d),
        }
    }
}

/// Reads `input` line by line until it ends (files) or forever (network inputs),
/// hands each line to `decode` and publishes what it returns in batches.
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
    let decode = move |unit: Unit<'_>, out: &mut Vec<Measurement>| match unit {
        Unit::Line(l) | Unit::Datagram(l) | Unit::Chunk { bytes: l, .. } => decode(l, out),
        Unit::End { .. } => {}
    };
    run_framed(input, Framing::Lines, sensor, bus, batching, stats, decode).await
}

/// Reads `input` cut as `framing` says until it ends (files) or forever (network
/// inputs), hands each [`Unit`] to `decode` and publishes what it returns in
/// batches (by count, or at least every `batching.max_delay`).
pub async fn run_framed<F>(
    input: Input,
    framing: Framing,
    sensor: Sensor,
    bus: Bus,
    batching: Batching,
    stats: Arc<Stats>,
    mut decode: F,
) -> std::io::Result<()>
where
    F: FnMut(Unit<'_>, &mut Vec<Measurement>),
{
    // Bounds what a reader may run ahead of the decoder: 4096 lines, or 64 chunks
    // of up to 64 KiB (4 MiB).
    let capacity = match framing {
        Framing::Lines => 4096,
        Framing::Bytes => 64,
    };
    let (tx, mut rx) = mpsc::channel::<Msg>(capacity);
    let reader = tokio::spawn(read(input, framing, tx, Arc::clone(&stats)));
    let mut seq = 0u64;
    let mut pending: Vec<Measurement> = Vec::new();
    let mut tick = tokio::time::interval(batching.max_delay);
    loop {
        tokio::select! {
            msg = rx.recv() => match msg {
                Some(msg) => {
                    if !matches!(msg, Msg::End(_)) {
                        stats.lines.fetch_add(1, Ordering::Relaxed);
                    }
                    decode(msg.unit(), &mut pending);
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
    match reader.await {
        Ok(r) => r,
        Err(e) => Err(std::io::Error::other(format!("feed reader failed: {e}"))),
    }
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

/// Cuts a byte stream into lines of at most [`MAX_LINE`] bytes; longer lines are
/// dropped up to their newline and counted. Independent of any reader, so it can
/// be tested (and fuzzed) on plain slices.
#[derive(Debug, Default)]
pub struct LineSplitter {
    line: Vec<u8>,
    /// True while skipping the rest of an overlong line.
    skipping: bool,
}

impl LineSplitter {
    /// Feeds `bytes`; calls `emit` for each complete line (its `\n` included) and
    /// returns how many overlong lines were dropped.
    ///
    /// ```
    /// let mut s = cuenca_adapter::LineSplitter::default();
    /// let mut lines = Vec::new();
    /// s.feed(b"a\nb", |l| lines.push(l.to_vec()));
    /// s.feed(b"c\n", |l| lines.push(l.to_vec()));
    /// assert_eq!(lines, [b"a\n".to_vec(), b"bc\n".to_vec()]);
    /// ```
    pub fn feed(&mut self, mut bytes: &[u8], mut emit: impl FnMut(&[u8])) -> u64 {
        let mut overlong = 0;
        while !bytes.is_empty() {
            let (part, nl) = match bytes.iter().position(|&b| b == b'\n') {
                Some(i) => (&bytes[..=i], true),
                None => (bytes, false),
            };
            bytes = &bytes[part.len()..];
            if !self.skipping {
                if self.line.len() + part.len() > MAX_LINE + 1 {
                    overlong += 1;
                    self.line.clear();
                    self.skipping = true;
                } else {
                    self.line.extend_from_slice(part);
                }
            }
            if nl {
                if !self.skipping {
                    emit(&self.line);
                }
                self.line.clear();
                self.skipping = false;
            }
        }
        overlong
    }

    /// The unterminated last line, if any (at the end of a stream).
    pub fn finish(&mut self) -> Option<Vec<u8>> {
        let rest = std::mem::take(&mut self.line);
        let skipped = std::mem::replace(&mut self.skipping, false);
        (!rest.is_empty() && !skipped).then_some(rest)
    }
}

/// Reads one stream (file or TCP connection) to its end, framed as asked.
async fn stream<R: AsyncRead + Unpin>(
    mut r: R,
    id: u64,
    framing: Framing,
    tx: &mpsc::Sender<Msg>,
    stats: &Stats,
) -> std::io::Result<()> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut splitter = LineSplitter::default();
    let result = loop {
        let n = match r.read(&mut buf).await {
            Ok(0) => break Ok(()),
            Ok(n) => n,
            Err(e) => break Err(e),
        };
        stats.bytes.fetch_add(n as u64, Ordering::Relaxed);
        let closed = match framing {
            Framing::Bytes => tx.send(Msg::Chunk(id, buf[..n].to_vec())).await.is_err(),
            Framing::Lines => {
                let mut lines = Vec::new();
                let overlong = splitter.feed(&buf[..n], |l| lines.push(l.to_vec()));
                count_overlong(stats, overlong);
                let mut closed = false;
                for l in lines {
                    if tx.send(Msg::Line(l)).await.is_err() {
                        closed = true;
                        break;
                    }
                }
                closed
            }
        };
        if closed {
            return Ok(());
        }
    };
    let last = match framing {
        Framing::Lines => splitter.finish().map(Msg::Line),
        Framing::Bytes => Some(Msg::End(id)),
    };
    if let Some(m) = last {
        let _ = tx.send(m).await;
    }
    result
}

fn count_overlong(stats: &Stats, n: u64) {
    if n > 0 {
        let before = stats.overlong_lines.fetch_add(n, Ordering::Relaxed);
        // Logged on the 1st, 2nd, 4th, … so a feed gone bad does not flood the log.
        if (before + 1).is_power_of_two() || (before + n).is_power_of_two() {
            tracing::warn!(
                overlong = before + n,
                max = MAX_LINE,
                "line longer than the limit dropped"
            );
        }
    }
}

/// A UDP socket per `plan`: address reuse for groups, so several adapters on one
/// host can share a group, then the join.
fn udp_socket(
    plan: UdpPlan,
    interface: Option<Ipv4Addr>,
) -> std::io::Result<tokio::net::UdpSocket> {
    use socket2::{Domain, Protocol, Socket, Type};
    let domain = if plan.bind.is_ipv4() {
        Domain::IPV4
    } else {
        Domain::IPV6
    };
    let sock = Socket::new(domain, Type::DGRAM, Some(Protocol::UDP))?;
    if plan.group.is_some() {
        sock.set_reuse_address(true)?;
    }
    sock.set_nonblocking(true)?;
    sock.bind(&plan.bind.into())?;
    match plan.group {
        Some(IpAddr::V4(g)) => {
            sock.join_multicast_v4(&g, &interface.unwrap_or(Ipv4Addr::UNSPECIFIED))?
        }
        Some(IpAddr::V6(g)) => sock.join_multicast_v6(&g, 0)?,
        None => {}
    }
    // Bursts of radar blocks arrive faster than one read each; a larger buffer
    // keeps the kernel from dropping them (best effort: the OS may cap it).
    let _ = sock.set_recv_buffer_size(4 << 20);
    tokio::net::UdpSocket::from_std(sock.into())
}

async fn read(
    input: Input,
    framing: Framing,
    tx: mpsc::Sender<Msg>,
    stats: Arc<Stats>,
) -> std::io::Result<()> {
    match input {
        Input::File(p) => {
            let f = tokio::fs::File::open(&p).await.map_err(|e| {
                std::io::Error::new(e.kind(), format!("cannot open {}: {e}", p.display()))
            })?;
            stream(f, 0, framing, &tx, &stats).await
        }
        Input::TcpClient(addr) => {
            let mut backoff = Duration::from_millis(500);
            let mut id = 0u64;
            loop {
                match tokio::net::TcpStream::connect(&addr).await {
                    Ok(s) => {
                        tracing::info!(%addr, "feed connected");
                        backoff = Duration::from_millis(500);
                        id += 1;
                        if let Err(e) = stream(s, id, framing, &tx, &stats).await {
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
            let mut id = 0u64;
            loop {
                let (s, peer) = listener.accept().await?;
                tracing::info!(%peer, "feed connected");
                id += 1;
                let (tx, stats) = (tx.clone(), Arc::clone(&stats));
                tokio::spawn(async move {
                    if let Err(e) = stream(s, id, framing, &tx, &stats).await {
                        tracing::warn!(%peer, error = %e, "feed failed");
                    }
                    tracing::info!(%peer, "feed disconnected");
                });
            }
        }
        Input::Udp { addr, interface } => {
            let plan = UdpPlan::for_addr(addr);
            let sock = udp_socket(plan, interface)?;
            if let Some(g) = plan.group {
                tracing::info!(group = %g, port = addr.port(), "joined multicast group");
            }
            let mut buf = vec![0u8; 65_536];
            loop {
                let n = sock.recv(&mut buf).await?;
                stats.bytes.fetch_add(n as u64, Ordering::Relaxed);
                match framing {
                    Framing::Bytes => {
                        if tx.send(Msg::Datagram(buf[..n].to_vec())).await.is_err() {
                            return Ok(());
                        }
                    }
                    Framing::Lines => {
                        // A datagram is whole: its last line needs no newline.
                        for line in buf[..n].split(|b| *b == b'\n').filter(|l| !l.is_empty()) {
                            if tx.send(Msg::Line(line.to_vec())).await.is_err() {
                                return Ok(());
                            }
                        }
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
            Ok(Input::Udp {
                addr: "239.192.0.1:10110".parse().unwrap(),
                interface: None
            })
        );
        assert_eq!(
            "udp:[ff15::8600]:8600".parse(),
            Ok(Input::Udp {
                addr: "[ff15::8600]:8600".parse().unwrap(),
                interface: None
            })
        );
        assert_eq!(
            "udp:239.192.0.1:10110@192.168.1.20".parse(),
            Ok(Input::Udp {
                addr: "239.192.0.1:10110".parse().unwrap(),
                interface: Some(Ipv4Addr::new(192, 168, 1, 20))
            })
        );
        assert_eq!(
            "tcp-listen:0.0.0.0:10110".parse(),
            Ok(Input::TcpListen("0.0.0.0:10110".parse().unwrap()))
        );
        for bad in [
            "",
            "file:",
            "tcp:host",
            "udp:nowhere",
            "http://x",
            // An interface for a unicast address or an IPv6 group, or not an address.
            "udp:10.0.0.1:10110@10.0.0.2",
            "udp:[ff15::1]:10110@10.0.0.2",
            "udp:239.1.1.1:10110@eth0",
            "udp:239.1.1.1:10110@",
        ] {
            assert!(bad.parse::<Input>().is_err(), "{bad}");
        }
    }

    #[test]
    fn udp_plans() {
        let plan = |s: &str| UdpPlan::for_addr(s.parse().unwrap());
        assert_eq!(
            plan("127.0.0.1:9000"),
            UdpPlan {
                bind: "127.0.0.1:9000".parse().unwrap(),
                group: None
            }
        );
        assert_eq!(
            plan("224.0.0.251:5353"),
            UdpPlan {
                bind: "0.0.0.0:5353".parse().unwrap(),
                group: Some("224.0.0.251".parse().unwrap())
            }
        );
        assert_eq!(
            plan("[ff02::fb]:5353"),
            UdpPlan {
                bind: "[::]:5353".parse().unwrap(),
                group: Some("ff02::fb".parse().unwrap())
            }
        );
        assert_eq!(plan("[::1]:9000").group, None);
    }

    #[test]
    fn line_splitter_bounds_lines() {
        let mut s = LineSplitter::default();
        let mut lines = Vec::new();
        let huge = vec![b'x'; MAX_LINE + 10];
        let mut n = s.feed(b"ok\n", |l| lines.push(l.to_vec()));
        n += s.feed(&huge, |l| lines.push(l.to_vec()));
        n += s.feed(b"still the long line\nnext", |l| lines.push(l.to_vec()));
        assert_eq!(n, 1);
        assert_eq!(lines, [b"ok\n".to_vec()]);
        assert_eq!(s.finish(), Some(b"next".to_vec()));
        // A line of exactly MAX_LINE bytes plus its newline is kept.
        let mut exact = vec![b'y'; MAX_LINE];
        exact.push(b'\n');
        assert_eq!(s.feed(&exact, |l| lines.push(l.to_vec())), 0);
        assert_eq!(lines.len(), 2);
        assert_eq!(s.finish(), None);
    }

    async fn collect(input: Input, framing: Framing, want: usize) -> Vec<Msg> {
        let (tx, mut rx) = mpsc::channel(64);
        let stats = Arc::new(Stats::default());
        let task = tokio::spawn(read(input, framing, tx, stats));
        let mut got = Vec::new();
        while got.len() < want {
            match tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
                Ok(Some(m)) => got.push(m),
                _ => break,
            }
        }
        task.abort();
        got
    }

    #[tokio::test]
    async fn udp_datagrams_stay_whole_for_binary_framing() {
        let port = std::net::UdpSocket::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .unwrap()
            .port();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let sender = tokio::spawn(async move {
            let s = tokio::net::UdpSocket::bind("127.0.0.1:0").await.unwrap();
            // Resend until the reader has bound (UDP drops what nobody reads).
            for _ in 0..50 {
                s.send_to(b"\x30\x00\x05\n\x01", addr).await.unwrap();
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        });
        let input = Input::Udp {
            addr,
            interface: None,
        };
        let got = collect(input, Framing::Bytes, 1).await;
        sender.abort();
        assert!(
            matches!(&got[..], [Msg::Datagram(d)] if d == b"\x30\x00\x05\n\x01"),
            "{got:?}"
        );
    }

    #[tokio::test]
    async fn a_multicast_group_is_joined() {
        let port = std::net::UdpSocket::bind("0.0.0.0:0")
            .and_then(|s| s.local_addr())
            .unwrap()
            .port();
        let group: SocketAddr = format!("239.255.77.48:{port}").parse().unwrap();
        let sock = match udp_socket(UdpPlan::for_addr(group), None) {
            Ok(s) => s,
            // Some sandboxes have no multicast at all; nothing to test there.
            Err(e) => return eprintln!("skipped: cannot join {group}: {e}"),
        };
        let sender = std::net::UdpSocket::bind("0.0.0.0:0").unwrap();
        sender.set_multicast_loop_v4(true).unwrap();
        if let Err(e) = sender.send_to(b"block", group) {
            return eprintln!("skipped: cannot send to {group}: {e}");
        }
        let mut buf = [0u8; 16];
        let n = tokio::time::timeout(Duration::from_secs(5), sock.recv(&mut buf))
            .await
            .expect("the group's datagram arrives")
            .unwrap();
        assert_eq!(&buf[..n], b"block");
    }

    #[tokio::test]
    async fn a_listener_numbers_its_streams() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .unwrap()
            .port();
        let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
        let client = tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            for payload in [&b"abc"[..], b"def"] {
                loop {
                    if let Ok(mut s) = tokio::net::TcpStream::connect(addr).await {
                        s.write_all(payload).await.unwrap();
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        });
        let got = collect(Input::TcpListen(addr), Framing::Bytes, 4).await;
        client.await.unwrap();
        let mut seen: Vec<(u64, Vec<u8>)> = got
            .iter()
            .map(|m| match m {
                Msg::Chunk(id, b) => (*id, b.clone()),
                Msg::End(id) => (*id, b"<end>".to_vec()),
                other => panic!("{other:?}"),
            })
            .collect();
        seen.sort();
        assert_eq!(
            seen,
            [
                (1, b"<end>".to_vec()),
                (1, b"abc".to_vec()),
                (2, b"<end>".to_vec()),
                (2, b"def".to_vec())
            ]
        );
    }
}
