//! The stream decoder: NMEA 0183 framing, tag blocks, `$PGHP` times, multi-sentence
//! reassembly and per-reason counters.

use crate::bits::Payload;
use crate::{AisError, Message};
use cuenca_model::Timestamp;

/// How many multi-sentence messages may be in progress at once (across talkers,
/// channels and sequence ids). When full, the oldest partial message is dropped.
pub const MAX_PARTIALS: usize = 16;

/// A source identifier (tag block `s:` or the `$PGHP` source field), kept inline.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SourceId {
    bytes: [u8; 32],
    len: u8,
}

impl SourceId {
    fn new(s: &[u8]) -> Option<Self> {
        if s.is_empty() || s.len() > 32 || !s.iter().all(|b| b.is_ascii_graphic()) {
            return None;
        }
        let mut bytes = [0; 32];
        bytes[..s.len()].copy_from_slice(s);
        Some(SourceId {
            bytes,
            len: s.len() as u8,
        })
    }

    /// The identifier text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or("")
    }
}

impl std::fmt::Debug for SourceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

/// Where a message's time came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeSource {
    /// NMEA 4.0 tag block `c:` (Unix seconds or milliseconds).
    TagBlock,
    /// A Gatehouse `$PGHP` line before the sentence.
    Pghp,
}

/// What the transport said about a message: receive time, source, talker, channel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Meta {
    /// Receive time from the tag block or a `$PGHP` line, if the stream has one.
    pub time: Option<Timestamp>,
    pub time_source: Option<TimeSource>,
    /// Receiving station: tag block `s:`, or the `$PGHP` source id.
    pub source: Option<SourceId>,
    /// Talker of the (first) sentence, such as `AI`, `AB` or `BS`.
    pub talker: [u8; 2],
    /// True for VDO (own ship), false for VDM.
    pub own_ship: bool,
    /// Radio channel character (`A`, `B`, `1`, `2`), if given.
    pub channel: Option<u8>,
    /// Number of sentences the message came in.
    pub sentences: u8,
}

impl Meta {
    /// The talker as text.
    pub fn talker(&self) -> &str {
        std::str::from_utf8(&self.talker).unwrap_or("")
    }
}

/// One decoded message with its transport metadata.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Decoded {
    pub message: Message,
    pub meta: Meta,
}

/// Counts kept by a [`Decoder`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Lines fed, blank ones included.
    pub lines: u64,
    /// Blank lines (ignored, not errors).
    pub blank: u64,
    /// `$PGHP` time stamps accepted.
    pub pghp: u64,
    /// VDM/VDO sentences accepted (single or fragment).
    pub sentences: u64,
    /// Messages decoded.
    pub messages: u64,
    /// Partial multi-sentence messages dropped because a new first fragment replaced
    /// them or the reassembly table was full.
    pub incomplete_dropped: u64,
    errors: [u64; AisError::ALL.len()],
}

impl Stats {
    /// Count for one reason (see [`AisError::reason`]); 0 for an unknown name.
    pub fn errors(&self, reason: &str) -> u64 {
        AisError::ALL
            .iter()
            .find(|e| e.reason() == reason)
            .map_or(0, |e| self.errors[e.index()])
    }

    /// Count for one error.
    pub fn error_count(&self, e: AisError) -> u64 {
        self.errors[e.index()]
    }

    /// All non-zero error counts, by reason.
    pub fn error_counts(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        AisError::ALL
            .iter()
            .map(|e| (e.reason(), self.errors[e.index()]))
            .filter(|&(_, n)| n > 0)
    }

    /// Sum of all error counts.
    pub fn total_errors(&self) -> u64 {
        self.errors.iter().sum()
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
struct Key {
    talker: [u8; 2],
    own_ship: bool,
    channel: u8,
    seq: u8,
    total: u8,
}

#[derive(Clone)]
struct Partial {
    active: bool,
    key: Key,
    next: u8,
    born: u64,
    meta: Meta,
    payload: Payload,
}

#[derive(Clone, Copy, Default)]
struct TagInfo {
    time: Option<Timestamp>,
    source: Option<SourceId>,
}

/// A streaming AIS decoder: feed it lines, get messages.
///
/// It checks checksums, reads NMEA 4.0 tag blocks and `$PGHP` time lines,
/// reassembles multi-sentence messages (keyed by talker, VDM/VDO, channel,
/// sequence id and fragment count, so interleaved messages are fine) and counts
/// every refusal by reason. It never panics and never allocates per line.
///
/// ```
/// use cuenca_ais::{Decoder, Message};
/// let mut dec = Decoder::new();
/// let lines = [
///     r"\s:2573485,c:1418169601*03\!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C",
///     "!AIVDM,2,2,1,A,88888888880,2*25",
/// ];
/// assert!(dec.feed_line(lines[0])?.is_none()); // first of two fragments
/// let d = dec.feed_line(lines[1])?.expect("complete");
/// let Message::StaticVoyage(s) = d.message else { panic!() };
/// assert_eq!(s.shipname.as_str(), "EVER DIADEM");
/// assert_eq!(d.meta.time.unwrap().to_string(), "2014-12-10T00:00:01.000000Z");
/// assert_eq!(d.meta.source.unwrap().as_str(), "2573485");
/// assert_eq!(dec.stats().messages, 1);
/// # Ok::<(), cuenca_ais::AisError>(())
/// ```
pub struct Decoder {
    partials: Vec<Partial>,
    clock: u64,
    pending: Option<TagInfo>,
    stats: Stats,
    /// The message the last line completed: built in place and lent out by
    /// [`Decoder::feed_ref`], because moving a 240-byte `Decoded` through every
    /// return showed up as a quarter of the decoding time.
    last: Decoded,
    /// The payload of a single-sentence message, reused.
    scratch: Payload,
}

impl Default for Decoder {
    fn default() -> Self {
        Decoder::new()
    }
}

impl std::fmt::Debug for Decoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoder")
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

impl Decoder {
    /// A decoder with empty reassembly state.
    pub fn new() -> Self {
        let blank = Partial {
            active: false,
            key: Key {
                talker: [0; 2],
                own_ship: false,
                channel: 0,
                seq: 0,
                total: 0,
            },
            next: 0,
            born: 0,
            meta: Meta {
                time: None,
                time_source: None,
                source: None,
                talker: [0; 2],
                own_ship: false,
                channel: None,
                sentences: 0,
            },
            payload: Payload::new(),
        };
        let last = Decoded {
            message: Message::UtcInquiry(crate::UtcInquiry {
                repeat: 0,
                mmsi: 0,
                dest_mmsi: 0,
            }),
            meta: blank.meta,
        };
        Decoder {
            partials: vec![blank; MAX_PARTIALS],
            clock: 0,
            pending: None,
            stats: Stats::default(),
            last,
            scratch: Payload::new(),
        }
    }

    /// The counters so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Feeds one line (with or without its line ending).
    ///
    /// Returns `Ok(Some(_))` when the line completes a message, `Ok(None)` for a
    /// blank line, a `$PGHP` time stamp or a fragment that starts or continues a
    /// message, and `Err(_)` (counted) for anything refused.
    pub fn feed_line(&mut self, line: &str) -> Result<Option<Decoded>, AisError> {
        self.feed_bytes(line.as_bytes())
    }

    /// [`Decoder::feed_line`] for raw bytes (any encoding; non-ASCII is refused).
    pub fn feed_bytes(&mut self, line: &[u8]) -> Result<Option<Decoded>, AisError> {
        self.feed_ref(line).map(Option::<&Decoded>::copied)
    }

    /// [`Decoder::feed_bytes`] without copying the message out: it is lent until
    /// the next line. The fastest way through a large feed.
    ///
    /// ```
    /// let mut dec = cuenca_ais::Decoder::new();
    /// let d = dec.feed_ref(b"!AIVDM,1,1,,A,15M67FC000G?ufbE`FepT@3n00Sa,0*5F")?;
    /// assert_eq!(d.map(|d| d.message.mmsi()), Some(366_053_209));
    /// # Ok::<(), cuenca_ais::AisError>(())
    /// ```
    pub fn feed_ref(&mut self, line: &[u8]) -> Result<Option<&Decoded>, AisError> {
        self.stats.lines += 1;
        match self.feed_inner(line) {
            Ok(true) => {
                self.stats.messages += 1;
                Ok(Some(&self.last))
            }
            Ok(false) => Ok(None),
            Err(e) => {
                self.stats.errors[e.index()] += 1;
                Err(e)
            }
        }
    }

    /// Reads one line; true when it completed a message, now in `self.last`.
    fn feed_inner(&mut self, line: &[u8]) -> Result<bool, AisError> {
        let line = trim(line);
        if line.is_empty() {
            self.stats.blank += 1;
            return Ok(false);
        }
        let (tag, rest) = if line[0] == b'\\' {
            let (t, r) = split_tag_block(line)?;
            (Some(t), r)
        } else {
            (None, line)
        };
        match rest.first() {
            Some(b'!') => {}
            Some(b'$') => {
                let s = parse_sentence(rest)?;
                if s.address() == b"PGHP" {
                    let info = parse_pghp(&s)?;
                    self.pending = Some(info);
                    self.stats.pghp += 1;
                    return Ok(false);
                }
                return Err(AisError::UnknownFormatter);
            }
            _ => return Err(AisError::NotNmea),
        }
        let s = parse_sentence(rest)?;
        let vdm = parse_vdm(&s)?;
        self.stats.sentences += 1;

        if vdm.total == 1 {
            self.scratch.clear();
            self.scratch.push_armored(vdm.payload, vdm.fill)?;
            let (time, time_source, source) = self.take_time(tag);
            Message::decode_into(&self.scratch, &mut self.last.message)?;
            self.last.meta = Meta {
                time,
                time_source,
                source,
                talker: vdm.key.talker,
                own_ship: vdm.key.own_ship,
                channel: vdm.channel,
                sentences: 1,
            };
            return Ok(true);
        }
        self.fragment(&vdm, tag)
    }

    /// The time and source for a message starting now: the tag block's, else a
    /// pending `$PGHP`'s (consumed either way).
    fn take_time(
        &mut self,
        tag: Option<TagInfo>,
    ) -> (Option<Timestamp>, Option<TimeSource>, Option<SourceId>) {
        let pghp = self.pending.take();
        if let Some(t) = tag {
            if t.time.is_some() || t.source.is_some() {
                let ts = t.time.map(|_| TimeSource::TagBlock);
                return (t.time, ts, t.source);
            }
        }
        match pghp {
            Some(p) => (p.time, p.time.map(|_| TimeSource::Pghp), p.source),
            None => (None, None, None),
        }
    }

    fn fragment(&mut self, v: &Vdm<'_>, tag: Option<TagInfo>) -> Result<bool, AisError> {
        self.clock += 1;
        let found = self
            .partials
            .iter()
            .position(|p| p.active && p.key == v.key);
        if v.num == 1 {
            let slot = match found {
                Some(i) => {
                    self.stats.incomplete_dropped += 1;
                    i
                }
                None => match self.partials.iter().position(|p| !p.active) {
                    Some(i) => i,
                    None => {
                        // Table full: drop the oldest partial message.
                        let mut oldest = 0;
                        for (i, p) in self.partials.iter().enumerate() {
                            if p.born < self.partials[oldest].born {
                                oldest = i;
                            }
                        }
                        self.stats.incomplete_dropped += 1;
                        oldest
                    }
                },
            };
            let (time, time_source, source) = self.take_time(tag);
            let p = &mut self.partials[slot];
            p.active = false;
            p.payload.clear();
            p.payload.push_armored(v.payload, v.fill)?;
            p.active = true;
            p.key = v.key;
            p.next = 2;
            p.born = self.clock;
            p.meta = Meta {
                time,
                time_source,
                source,
                talker: v.key.talker,
                own_ship: v.key.own_ship,
                channel: v.channel,
                sentences: v.total,
            };
            return Ok(false);
        }
        let Some(i) = found else {
            return Err(AisError::OrphanFragment);
        };
        let p = &mut self.partials[i];
        if p.next != v.num {
            p.active = false;
            return Err(AisError::OrphanFragment);
        }
        if let Err(e) = p.payload.push_armored(v.payload, v.fill) {
            p.active = false;
            return Err(e);
        }
        if let Some(t) = tag {
            if p.meta.time.is_none() && t.time.is_some() {
                p.meta.time = t.time;
                p.meta.time_source = Some(TimeSource::TagBlock);
            }
            if p.meta.source.is_none() {
                p.meta.source = t.source;
            }
        }
        if v.num < v.total {
            p.next += 1;
            return Ok(false);
        }
        p.active = false;
        Message::decode_into(&p.payload, &mut self.last.message)?;
        self.last.meta = p.meta;
        Ok(true)
    }
}

fn trim(mut s: &[u8]) -> &[u8] {
    while let [first, rest @ ..] = s {
        if first.is_ascii_whitespace() || *first == 0 {
            s = rest;
        } else {
            break;
        }
    }
    while let [rest @ .., last] = s {
        if last.is_ascii_whitespace() || *last == 0 {
            s = rest;
        } else {
            break;
        }
    }
    s
}

fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'F' => Some(b - b'A' + 10),
        b'a'..=b'f' => Some(b - b'a' + 10),
        _ => None,
    }
}

fn hex2(s: &[u8]) -> Option<u8> {
    match s {
        [a, b, ..] => Some(hex_val(*a)? << 4 | hex_val(*b)?),
        _ => None,
    }
}

/// Splits `\tag block*hh\sentence` and checks the tag block.
fn split_tag_block(line: &[u8]) -> Result<(TagInfo, &[u8]), AisError> {
    let body = &line[1..];
    let end = body
        .iter()
        .position(|&b| b == b'\\')
        .ok_or(AisError::BadTagBlock)?;
    let block = &body[..end];
    let rest = &body[end + 1..];
    let star = block
        .iter()
        .rposition(|&b| b == b'*')
        .ok_or(AisError::BadTagBlock)?;
    let fields = &block[..star];
    let want = match &block[star + 1..] {
        cs @ [_, _] => hex2(cs).ok_or(AisError::BadTagBlock)?,
        _ => return Err(AisError::BadTagBlock),
    };
    if fields.iter().fold(0u8, |a, &b| a ^ b) != want {
        return Err(AisError::BadTagBlockChecksum);
    }
    let mut info = TagInfo::default();
    for f in fields.split(|&b| b == b',') {
        match f {
            [b'c', b':', v @ ..] => {
                let n = parse_uint(v).ok_or(AisError::BadTagBlock)?;
                // Ten digits of seconds reach the year 2286: anything longer is ms.
                let us = if n >= 10_000_000_000 {
                    n.checked_mul(1_000)
                } else {
                    n.checked_mul(1_000_000)
                };
                let us = us
                    .and_then(|u| i64::try_from(u).ok())
                    .ok_or(AisError::BadTagBlock)?;
                info.time = Some(Timestamp::from_micros(us));
            }
            [b's', b':', v @ ..] => {
                info.source = Some(SourceId::new(v).ok_or(AisError::BadTagBlock)?);
            }
            [k, b':', ..] if k.is_ascii_alphabetic() => {}
            _ => return Err(AisError::BadTagBlock),
        }
    }
    Ok((info, rest))
}

fn parse_uint(v: &[u8]) -> Option<u64> {
    if v.is_empty() || v.len() > 19 {
        return None;
    }
    let mut n: u64 = 0;
    for &b in v {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u64::from(b - b'0');
    }
    Some(n)
}

/// A checked sentence, borrowed from the line: the text between the start
/// character and `*`, and where its commas are (enough for 16 fields).
struct Sentence<'a> {
    body: &'a [u8],
    /// Offsets in `body` of the first 17 commas (the first ends the address).
    commas: [u32; 17],
    /// Fields after the address, all of them (only the first 16 can be read).
    nfields: usize,
}

impl<'a> Sentence<'a> {
    fn address(&self) -> &'a [u8] {
        match self.nfields {
            0 => self.body,
            _ => &self.body[..self.commas[0] as usize],
        }
    }

    /// Field `k` after the address (empty when absent or past the 16th).
    fn field(&self, k: usize) -> &'a [u8] {
        if k >= self.nfields || k >= 16 {
            return &[];
        }
        let start = self.commas[k] as usize + 1;
        let end = if k + 1 < self.nfields {
            self.commas[k + 1] as usize
        } else {
            self.body.len()
        };
        &self.body[start..end]
    }
}

/// Checks the `*hh` checksum and finds the field separators. Anything
/// after the two checksum digits (receiver metadata some feeds append) is ignored.
fn parse_sentence(s: &[u8]) -> Result<Sentence<'_>, AisError> {
    let body_all = s.get(1..).unwrap_or_default();
    let star = memchr::memchr(b'*', body_all).ok_or(AisError::MissingChecksum)?;
    let body = &body_all[..star];
    let want = hex2(&body_all[star + 1..]).ok_or(AisError::MissingChecksum)?;
    let (x, commas, n) = xor_and_commas(body);
    if want != x {
        return Err(AisError::BadChecksum);
    }
    Ok(Sentence {
        body,
        commas,
        nfields: n,
    })
}

/// The XOR of all bytes (the NMEA checksum), the offsets of the first 17 commas
/// and the number of commas, eight bytes at a time: this was the hottest loop of
/// whole-process decoding.
fn xor_and_commas(body: &[u8]) -> (u8, [u32; 17], usize) {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    const COMMAS: u64 = 0x2C2C_2C2C_2C2C_2C2C;
    let mut commas = [0u32; 17];
    let mut n = 0usize;
    let mut record = |i: usize| {
        // Only VDM/VDO (6 fields) and $PGHP (13) are read: keep 17 separators and
        // count the rest.
        if let Some(c) = commas.get_mut(n) {
            *c = i as u32;
        }
        n += 1;
    };
    let mut words = body.chunks_exact(8);
    let mut xw = 0u64;
    let mut base = 0usize;
    for c in &mut words {
        let mut a = [0u8; 8];
        a.copy_from_slice(c);
        let w = u64::from_le_bytes(a);
        xw ^= w;
        // High bit of each byte set exactly where the byte is a comma.
        let t = w ^ COMMAS;
        let mut hits = !(((t & LOW7).wrapping_add(LOW7)) | t | LOW7);
        while hits != 0 {
            record(base + (hits.trailing_zeros() / 8) as usize);
            hits &= hits - 1;
        }
        base += 8;
    }
    let mut x = xw.to_le_bytes().iter().fold(0u8, |x, &b| x ^ b);
    for (k, &b) in words.remainder().iter().enumerate() {
        x ^= b;
        if b == b',' {
            record(base + k);
        }
    }
    (x, commas, n)
}

struct Vdm<'a> {
    key: Key,
    num: u8,
    total: u8,
    channel: Option<u8>,
    payload: &'a [u8],
    fill: u8,
}

fn one_digit(f: &[u8]) -> Option<u8> {
    match f {
        [d] if d.is_ascii_digit() => Some(d - b'0'),
        _ => None,
    }
}

fn parse_vdm<'a>(s: &Sentence<'a>) -> Result<Vdm<'a>, AisError> {
    // Any talker: besides the usual AI, AB, BS, SA, … real feeds carry "--" and
    // odd ones such as "=I" with valid checksums; the two characters only have to
    // be printable and not NMEA delimiters.
    let talker_ok = |t: &u8| t.is_ascii_graphic() && !b"!$\\*,^~".contains(t);
    let (talker, own_ship) = match s.address() {
        [t1, t2, b'V', b'D', f] if talker_ok(t1) && talker_ok(t2) => match f {
            b'M' => ([*t1, *t2], false),
            b'O' => ([*t1, *t2], true),
            _ => return Err(AisError::UnknownFormatter),
        },
        [t1, t2, a, b, c]
            if talker_ok(t1)
                && talker_ok(t2)
                && [a, b, c].iter().all(|x| x.is_ascii_alphanumeric()) =>
        {
            return Err(AisError::UnknownFormatter)
        }
        [p, ..] if p.is_ascii_alphanumeric() => return Err(AisError::UnknownFormatter),
        _ => return Err(AisError::BadAddress),
    };
    if s.nfields != 6 {
        return Err(AisError::BadFieldCount);
    }
    let f = |k: usize| s.field(k);
    let total = one_digit(f(0))
        .filter(|&t| t >= 1)
        .ok_or(AisError::BadFragment)?;
    let num = one_digit(f(1))
        .filter(|&n| n >= 1 && n <= total)
        .ok_or(AisError::BadFragment)?;
    let seq = match f(2) {
        [] => b' ',
        [d] if d.is_ascii_digit() => *d,
        _ => return Err(AisError::BadFragment),
    };
    let channel = match f(3) {
        [] => None,
        [c] if c.is_ascii_graphic() => Some(*c),
        _ => return Err(AisError::BadChannel),
    };
    let payload = f(4);
    if payload.is_empty() {
        return Err(AisError::EmptyPayload);
    }
    let fill = one_digit(f(5)).ok_or(AisError::BadFillBits)?;
    Ok(Vdm {
        key: Key {
            talker,
            own_ship,
            channel: channel.unwrap_or(b' '),
            seq,
            total,
        },
        num,
        total,
        channel,
        payload,
        fill,
    })
}

/// `$PGHP,1,yyyy,m,d,H,M,S,ms,MID,region,source,1,hh*hh`: the UTC receive time of
/// the message that follows.
fn parse_pghp(s: &Sentence<'_>) -> Result<TagInfo, AisError> {
    if s.nfields < 8 {
        return Err(AisError::BadPghp);
    }
    let num = |k: usize| parse_uint(s.field(k)).ok_or(AisError::BadPghp);
    let (y, mo, d, h, mi, sec, ms) = (
        num(1)?,
        num(2)?,
        num(3)?,
        num(4)?,
        num(5)?,
        num(6)?,
        num(7)?,
    );
    if !(1970..=9999).contains(&y)
        || !(1..=12).contains(&mo)
        || !(1..=31).contains(&d)
        || h > 23
        || mi > 59
        || sec > 60
        || ms > 999
    {
        return Err(AisError::BadPghp);
    }
    let days = days_from_civil(y as i64, mo as i64, d as i64);
    let secs = days * 86_400 + (h * 3600 + mi * 60 + sec) as i64;
    let time = Timestamp::from_micros(secs * 1_000_000 + ms as i64 * 1_000);
    let source = if s.nfields > 10 {
        SourceId::new(s.field(10))
    } else {
        None
    };
    Ok(TagInfo {
        time: Some(time),
        source,
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_at_a_time_checksum_and_commas_match_a_byte_loop() {
        let mut seed = 7u64;
        let mut next = || {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            (seed >> 33) as u8
        };
        for len in 0..200 {
            for _ in 0..20 {
                // Commas, bytes with the high bit set and neighbours of ',' (0x2B, 0x2D).
                let body: Vec<u8> = (0..len)
                    .map(|_| match next() % 6 {
                        0 => b',',
                        1 => 0x2B,
                        2 => 0x2D,
                        3 => 0xAC,
                        _ => next(),
                    })
                    .collect();
                let x = body.iter().fold(0u8, |x, &b| x ^ b);
                let all: Vec<u32> = (0..body.len() as u32)
                    .filter(|&i| body[i as usize] == b',')
                    .collect();
                let (gx, commas, n) = xor_and_commas(&body);
                assert_eq!((gx, n), (x, all.len()), "{body:?}");
                let kept = all.len().min(17);
                assert_eq!(&commas[..kept], &all[..kept], "{body:?}");
            }
        }
    }

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        assert_eq!(days_from_civil(2010, 6, 11), 14_771);
    }

    #[test]
    fn pghp_times_the_next_message() {
        let mut d = Decoder::new();
        assert!(d
            .feed_line("$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B")
            .unwrap()
            .is_none());
        let m = d
            .feed_line("!AIVDM,1,1,,B,402=481uaUcf;OQ55JS9ITi025Jp,0*2B")
            .unwrap()
            .unwrap();
        assert_eq!(
            m.meta.time.unwrap().to_string(),
            "2010-06-11T11:46:11.390000Z"
        );
        assert_eq!(m.meta.time_source, Some(TimeSource::Pghp));
        assert_eq!(m.meta.source.unwrap().as_str(), "992190934");
        // Consumed: the next message has no time.
        let m = d
            .feed_line("!AIVDM,1,1,,B,402=481uaUcf;OQ55JS9ITi025Jp,0*2B")
            .unwrap()
            .unwrap();
        assert_eq!(m.meta.time, None);
    }

    #[test]
    fn tag_block_seconds_and_milliseconds() {
        let mut d = Decoder::new();
        let s = "\\s:rORBCOMM104,q:u,c:1418172113,T:2014-12-10 00.41.53*55\\!AIVDM,1,1,,B,13F?Vv700<DJuLEtvep`iToV0<00,0*78";
        let m = d.feed_line(s).unwrap().unwrap();
        assert_eq!(
            m.meta.time.unwrap().to_string(),
            "2014-12-10T00:41:53.000000Z"
        );
        assert_eq!(m.meta.source.unwrap().as_str(), "rORBCOMM104");
        let body = "c:1418172113250";
        let cs = body.bytes().fold(0u8, |a, b| a ^ b);
        let s = format!("\\{body}*{cs:02X}\\!AIVDM,1,1,,B,13F?Vv700<DJuLEtvep`iToV0<00,0*78");
        let m = d.feed_line(&s).unwrap().unwrap();
        assert_eq!(
            m.meta.time.unwrap().to_string(),
            "2014-12-10T00:41:53.250000Z"
        );
    }

    #[test]
    fn interleaved_multipart_messages() {
        let mut d = Decoder::new();
        let lines = [
            "!AIVDM,2,1,6,B,542M92h00001@<7;?G0PD4i@R0<tqA8tj37>220o0h:2240Ht50000000000,0*3B",
            "!AIVDM,2,1,2,A,542M92h00001@<7;?G0PD4i@R0<tqA8tj37>220o0h:2240Ht500000000000000,0*3C",
            "!AIVDM,2,2,2,A,0000002,2*24",
            "!AIVDM,2,2,6,B,00000000000,2*21",
        ];
        let out: Vec<_> = lines
            .iter()
            .filter_map(|l| d.feed_line(l).unwrap())
            .collect();
        assert_eq!(out.len(), 2);
        assert!(out
            .iter()
            .all(|m| m.message.msg_type() == 5 && m.meta.sentences == 2));
    }

    #[test]
    fn each_bad_line_has_its_reason() {
        let cases = [
            ("hello", AisError::NotNmea),
            (
                "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0",
                AisError::MissingChecksum,
            ),
            (
                "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B",
                AisError::BadChecksum,
            ),
            ("$GPGGA,1*5B", AisError::UnknownFormatter),
            (
                "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ*4B",
                AisError::BadFieldCount,
            ),
            (
                "!AIVDM,2,3,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*49",
                AisError::BadFragment,
            ),
            (
                "!AIVDM,1,1,,A,15RTgt0PAso;90TK xM8h6g208CQ,0*21",
                AisError::BadArmoring,
            ),
            (
                "!AIVDM,2,2,3,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
                AisError::OrphanFragment,
            ),
            (
                "!AIVDM,1,1,,A,15RTgt0PAso;90TK,0*7C",
                AisError::TruncatedPayload,
            ),
            (
                "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,7*4D",
                AisError::BadFillBits,
            ),
            (
                "\\c:12*00\\!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
                AisError::BadTagBlockChecksum,
            ),
            (
                "\\c:12\\!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
                AisError::BadTagBlock,
            ),
            ("$PGHP,1,2010,13,11*57", AisError::BadPghp),
        ];
        let mut d = Decoder::new();
        for (line, want) in cases {
            // Fix the checksum so that each case reaches the check it is about.
            let line = if want != AisError::BadChecksum && want != AisError::MissingChecksum {
                fix_checksum(line)
            } else {
                line.to_string()
            };
            assert_eq!(d.feed_line(&line).unwrap_err(), want, "{line}");
            assert_eq!(d.stats().error_count(want), 1, "{line}");
        }
    }

    fn fix_checksum(line: &str) -> String {
        let start = line.rfind(['!', '$']).unwrap_or(0);
        match line[start..].find('*') {
            Some(star) => {
                let star = start + star;
                let cs = line[start + 1..star].bytes().fold(0u8, |a, b| a ^ b);
                format!("{}*{cs:02X}", &line[..star])
            }
            None => line.to_string(),
        }
    }
}
