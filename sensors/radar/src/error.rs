//! Why a block, record or plot line was refused. Every variant has a stable
//! `reason()` used as a counter and metrics label.

/// Why an ASTERIX data block (or a record inside it) could not be decoded.
///
/// A record's length is only known by walking its items, so one bad record makes
/// the rest of its block unreadable: the whole block is refused and counted once.
///
/// ```
/// use cuenca_radar::{Decoder, RadarError};
/// let mut dec = Decoder::new();
/// // CAT048 block claiming 10 bytes but carrying 5.
/// let err = dec.decode(&[48, 0, 10, 0x80, 25]).unwrap_err();
/// assert_eq!(err, RadarError::LenMismatch);
/// assert_eq!(err.reason(), "len_mismatch");
/// assert_eq!(dec.stats().errors("len_mismatch"), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum RadarError {
    /// Fewer than the three bytes of a data block header (CAT, LEN).
    #[error("data block shorter than its 3-byte header")]
    Truncated,
    /// LEN is below 3 or larger than the bytes available.
    #[error("data block LEN below 3 or beyond the end of the input")]
    LenMismatch,
    /// A category this decoder has no definition for.
    #[error("unknown ASTERIX category {0}")]
    UnknownCategory(u8),
    /// The FSPEC's extension bits run past the end of the block.
    #[error("FSPEC runs past the end of the block")]
    FspecOverrun,
    /// A data item runs past the end of the block.
    #[error("data item runs past the end of the block")]
    ItemOverrun,
    /// The FSPEC names a field reference number that the category leaves undefined
    /// (spare, or beyond the UAP), so its length is unknown.
    #[error("FSPEC sets field reference number {0}, which has no definition")]
    UnknownItem(u8),
    /// An explicit-length (SP/RE) field whose length byte is 0.
    #[error("explicit field with length 0")]
    BadExplicitLength,
    /// A record whose FSPEC selects no item at all.
    #[error("record with an empty FSPEC")]
    EmptyRecord,
}

impl RadarError {
    /// A short stable name for metrics and counters.
    pub fn reason(self) -> &'static str {
        match self {
            RadarError::Truncated => "truncated",
            RadarError::LenMismatch => "len_mismatch",
            RadarError::UnknownCategory(_) => "unknown_category",
            RadarError::FspecOverrun => "fspec_overrun",
            RadarError::ItemOverrun => "item_overrun",
            RadarError::UnknownItem(_) => "unknown_item",
            RadarError::BadExplicitLength => "bad_explicit_length",
            RadarError::EmptyRecord => "empty_record",
        }
    }

    /// Every reason, for registering counters up front.
    pub const REASONS: [&'static str; 8] = [
        "truncated",
        "len_mismatch",
        "unknown_category",
        "fspec_overrun",
        "item_overrun",
        "unknown_item",
        "bad_explicit_length",
        "empty_record",
    ];
}

/// Why a line of the plain JSON plot format was refused.
///
/// ```
/// use cuenca_radar::{parse_plot_line, PlotError};
/// let err = parse_plot_line(r#"{"sensor":"r1","time":"2026-11-28T10:00:00Z"}"#).unwrap_err();
/// assert_eq!(err, PlotError::MissingField("range_m"));
/// assert_eq!(err.reason(), "missing_field");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum PlotError {
    /// The line is not a JSON object.
    #[error("not a JSON object")]
    NotJson,
    /// A required field is absent (or null).
    #[error("missing field {0}")]
    MissingField(&'static str),
    /// `sensor` is not a valid sensor id (1-64 of `A-Za-z0-9-_.`).
    #[error("sensor is not a valid sensor id")]
    BadSensor,
    /// `time` is not an RFC 3339 UTC time.
    #[error("time is not an RFC 3339 time")]
    BadTime,
    /// `range_m` is not a finite number ≥ 0.
    #[error("range_m is not a finite non-negative number")]
    BadRange,
    /// `azimuth_deg` is not a finite number in [-360, 360].
    #[error("azimuth_deg is not a finite number in [-360, 360]")]
    BadAzimuth,
    /// `altitude_m` is present but not a finite number.
    #[error("altitude_m is not a finite number")]
    BadAltitude,
}

impl PlotError {
    /// A short stable name for metrics and counters.
    pub fn reason(self) -> &'static str {
        match self {
            PlotError::NotJson => "not_json",
            PlotError::MissingField(_) => "missing_field",
            PlotError::BadSensor => "bad_sensor",
            PlotError::BadTime => "bad_time",
            PlotError::BadRange => "bad_range",
            PlotError::BadAzimuth => "bad_azimuth",
            PlotError::BadAltitude => "bad_altitude",
        }
    }
}
