//! Why input was refused. Every variant has a stable [`AdsbError::reason`] used as a
//! counter and metrics label, and [`Stats`] keeps one count per reason.

/// Why a byte run, a line or a frame could not be framed or decoded.
///
/// ```
/// use cuenca_adsb::{parse_avr, AdsbError};
/// let err = parse_avr("*8D4840D6202CC371C32CE0576098").unwrap_err();
/// assert_eq!(err, AdsbError::AvrUnterminated);
/// assert_eq!(err.reason(), "avr_unterminated");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum AdsbError {
    /// Bytes before a Beast frame start (`0x1a` + type) that belong to no frame.
    #[error("bytes outside any Beast frame")]
    BeastJunk,
    /// `0x1a` followed by a byte that is not a known frame type ('1', '2', '3').
    #[error("unknown Beast frame type")]
    BeastBadType,
    /// A Beast frame cut short by an unescaped `0x1a` (a new frame start).
    #[error("Beast frame truncated by a new frame start")]
    BeastTruncated,
    /// An AVR line that starts with neither `*` nor `@`.
    #[error("AVR line does not start with * or @")]
    AvrNoStart,
    /// An AVR line without its closing `;`.
    #[error("AVR line has no closing ;")]
    AvrUnterminated,
    /// A non-hexadecimal character in an AVR line.
    #[error("AVR line has a non-hex character")]
    AvrBadHex,
    /// An AVR frame that is not 2, 7 or 14 bytes long (or a short `@` time stamp).
    #[error("AVR frame length is not 2, 7 or 14 bytes")]
    AvrBadLength,
    /// An SBS-1 line whose first field is not `MSG` (`SEL`, `ID`, `AIR`, `STA`, `CLK` or junk).
    #[error("SBS line is not a MSG line")]
    SbsNotMsg,
    /// An SBS-1 `MSG` line with fewer than 22 fields.
    #[error("SBS line has fewer than 22 fields")]
    SbsFieldCount,
    /// An SBS-1 field that cannot be read (number, hex address, flag or transmission type).
    #[error("SBS field malformed")]
    SbsBadField,
    /// A Mode A/C reply (Beast type '1'): no Mode S content to decode.
    #[error("Mode A/C reply, not Mode S")]
    ModeAc,
    /// A frame whose length does not match its downlink format.
    #[error("Mode S frame length does not match its downlink format")]
    BadFrameLength,
    /// DF17/18 with a parity (CRC) error.
    #[error("extended squitter CRC mismatch")]
    BadCrc,
    /// rs1090 refused the frame (reserved fields or values).
    #[error("Mode S frame could not be decoded")]
    Undecodable,
}

impl AdsbError {
    /// Every variant, in the order of [`AdsbError::index`].
    pub const ALL: [AdsbError; 14] = [
        AdsbError::BeastJunk,
        AdsbError::BeastBadType,
        AdsbError::BeastTruncated,
        AdsbError::AvrNoStart,
        AdsbError::AvrUnterminated,
        AdsbError::AvrBadHex,
        AdsbError::AvrBadLength,
        AdsbError::SbsNotMsg,
        AdsbError::SbsFieldCount,
        AdsbError::SbsBadField,
        AdsbError::ModeAc,
        AdsbError::BadFrameLength,
        AdsbError::BadCrc,
        AdsbError::Undecodable,
    ];

    /// A short stable name for metrics and counters.
    pub fn reason(self) -> &'static str {
        match self {
            AdsbError::BeastJunk => "beast_junk",
            AdsbError::BeastBadType => "beast_bad_type",
            AdsbError::BeastTruncated => "beast_truncated",
            AdsbError::AvrNoStart => "avr_no_start",
            AdsbError::AvrUnterminated => "avr_unterminated",
            AdsbError::AvrBadHex => "avr_bad_hex",
            AdsbError::AvrBadLength => "avr_bad_length",
            AdsbError::SbsNotMsg => "sbs_not_msg",
            AdsbError::SbsFieldCount => "sbs_field_count",
            AdsbError::SbsBadField => "sbs_bad_field",
            AdsbError::ModeAc => "mode_ac",
            AdsbError::BadFrameLength => "bad_frame_length",
            AdsbError::BadCrc => "bad_crc",
            AdsbError::Undecodable => "undecodable",
        }
    }

    /// Position in [`AdsbError::ALL`].
    pub fn index(self) -> usize {
        AdsbError::ALL
            .iter()
            .position(|e| *e == self)
            .unwrap_or_default()
    }
}

/// Counts of what a reader or decoder accepted and refused.
///
/// ```
/// use cuenca_adsb::{AdsbError, Stats};
/// let mut s = Stats::default();
/// s.record(AdsbError::BadCrc);
/// assert_eq!(s.errors("bad_crc"), 1);
/// assert_eq!(s.total_errors(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Frames, lines or messages accepted.
    pub accepted: u64,
    /// Bytes discarded while resynchronising a Beast stream (outside any frame).
    pub junk_bytes: u64,
    /// Positions decoded (global, local or surface).
    pub positions: u64,
    counts: [u64; AdsbError::ALL.len()],
}

impl Stats {
    /// Counts one refusal.
    pub fn record(&mut self, e: AdsbError) {
        self.counts[e.index()] += 1;
    }

    /// How many refusals had this [`AdsbError::reason`] (0 for an unknown reason).
    pub fn errors(&self, reason: &str) -> u64 {
        AdsbError::ALL
            .iter()
            .zip(self.counts.iter())
            .find(|(e, _)| e.reason() == reason)
            .map_or(0, |(_, n)| *n)
    }

    /// All refusals.
    pub fn total_errors(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Adds `other`'s counts to these (a reader that is dropped, such as the Beast
    /// reader of a closed connection, hands its counts to a running total).
    ///
    /// ```
    /// use cuenca_adsb::{AdsbError, Stats};
    /// let (mut total, mut one) = (Stats::default(), Stats::default());
    /// one.record(AdsbError::BeastJunk);
    /// one.accepted = 2;
    /// total.merge(&one);
    /// total.merge(&one);
    /// assert_eq!((total.accepted, total.errors("beast_junk")), (4, 2));
    /// ```
    pub fn merge(&mut self, other: &Stats) {
        self.accepted += other.accepted;
        self.junk_bytes += other.junk_bytes;
        self.positions += other.positions;
        for (a, b) in self.counts.iter_mut().zip(other.counts.iter()) {
            *a += b;
        }
    }

    /// `(reason, count)` for every reason with a non-zero count.
    pub fn nonzero(&self) -> Vec<(&'static str, u64)> {
        AdsbError::ALL
            .iter()
            .zip(self.counts.iter())
            .filter(|(_, n)| **n > 0)
            .map(|(e, n)| (e.reason(), *n))
            .collect()
    }
}
