//! Why a line was refused. Every variant has a stable [`AisError::reason`] used as a
//! counter and metrics label.

/// Why a line (or the message it completed) could not be decoded.
///
/// Each variant is one counted reason; [`crate::Decoder`] keeps a count per reason.
///
/// ```
/// use cuenca_ais::{AisError, Decoder};
/// let mut dec = Decoder::new();
/// let err = dec.feed_line("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B").unwrap_err();
/// assert_eq!(err, AisError::BadChecksum);
/// assert_eq!(err.reason(), "bad_checksum");
/// assert_eq!(dec.stats().errors("bad_checksum"), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum AisError {
    /// The line is not an NMEA sentence at all (no `!`, `$` or tag block start).
    #[error("not an NMEA sentence")]
    NotNmea,
    /// The sentence has no `*hh` checksum.
    #[error("sentence has no *hh checksum")]
    MissingChecksum,
    /// The XOR checksum does not match.
    #[error("checksum mismatch")]
    BadChecksum,
    /// A NMEA 4.0 tag block is malformed (unterminated, bad field, bad time).
    #[error("malformed tag block")]
    BadTagBlock,
    /// A tag block's own checksum does not match.
    #[error("tag block checksum mismatch")]
    BadTagBlockChecksum,
    /// The address field is not a two-character talker plus a three-letter formatter.
    #[error("malformed talker/formatter address field")]
    BadAddress,
    /// A well-formed sentence that is not VDM/VDO (or `$PGHP`), such as `$GPGGA`.
    #[error("sentence formatter is not VDM or VDO")]
    UnknownFormatter,
    /// A VDM/VDO sentence without exactly seven fields.
    #[error("VDM/VDO sentence does not have seven fields")]
    BadFieldCount,
    /// Fragment count, fragment number or sequential message id out of range.
    #[error("fragment count, number or sequence id out of range")]
    BadFragment,
    /// The radio channel field is longer than one character.
    #[error("radio channel field malformed")]
    BadChannel,
    /// The fill-bit field is not a digit 0-5 (or exceeds the payload).
    #[error("fill bits not 0-5")]
    BadFillBits,
    /// A payload character outside the AIS six-bit armoring alphabet.
    #[error("payload character outside the six-bit alphabet")]
    BadArmoring,
    /// The reassembled payload exceeds 1020 bits.
    #[error("payload longer than 1020 bits")]
    PayloadTooLong,
    /// The payload field is empty.
    #[error("empty payload")]
    EmptyPayload,
    /// A fragment that continues no message in progress, or arrives out of order.
    #[error("fragment without a matching first fragment, or out of order")]
    OrphanFragment,
    /// Message type 0 or 28-63.
    #[error("unknown AIS message type")]
    UnknownMessageType,
    /// The payload is shorter than its message type requires.
    #[error("payload too short for its message type")]
    TruncatedPayload,
    /// Type 24 with part number 2 or 3 (only A = 0 and B = 1 exist).
    #[error("type 24 part number is neither A nor B")]
    BadPartNumber,
    /// A `$PGHP` time-stamp line that cannot be read.
    #[error("malformed $PGHP line")]
    BadPghp,
}

impl AisError {
    /// Every variant, in the order of [`AisError::index`].
    pub const ALL: [AisError; 19] = [
        AisError::NotNmea,
        AisError::MissingChecksum,
        AisError::BadChecksum,
        AisError::BadTagBlock,
        AisError::BadTagBlockChecksum,
        AisError::BadAddress,
        AisError::UnknownFormatter,
        AisError::BadFieldCount,
        AisError::BadFragment,
        AisError::BadChannel,
        AisError::BadFillBits,
        AisError::BadArmoring,
        AisError::PayloadTooLong,
        AisError::EmptyPayload,
        AisError::OrphanFragment,
        AisError::UnknownMessageType,
        AisError::TruncatedPayload,
        AisError::BadPartNumber,
        AisError::BadPghp,
    ];

    /// A short stable name for metrics and counters.
    pub fn reason(self) -> &'static str {
        match self {
            AisError::NotNmea => "not_nmea",
            AisError::MissingChecksum => "missing_checksum",
            AisError::BadChecksum => "bad_checksum",
            AisError::BadTagBlock => "bad_tag_block",
            AisError::BadTagBlockChecksum => "bad_tag_block_checksum",
            AisError::BadAddress => "bad_address",
            AisError::UnknownFormatter => "unknown_formatter",
            AisError::BadFieldCount => "bad_field_count",
            AisError::BadFragment => "bad_fragment",
            AisError::BadChannel => "bad_channel",
            AisError::BadFillBits => "bad_fill_bits",
            AisError::BadArmoring => "bad_armoring",
            AisError::PayloadTooLong => "payload_too_long",
            AisError::EmptyPayload => "empty_payload",
            AisError::OrphanFragment => "orphan_fragment",
            AisError::UnknownMessageType => "unknown_message_type",
            AisError::TruncatedPayload => "truncated_payload",
            AisError::BadPartNumber => "bad_part_number",
            AisError::BadPghp => "bad_pghp",
        }
    }

    /// Position of this variant in [`AisError::ALL`] (a dense counter index).
    pub fn index(self) -> usize {
        self as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_unique_and_indices_dense() {
        let mut seen = std::collections::HashSet::new();
        for (i, e) in AisError::ALL.iter().enumerate() {
            assert_eq!(e.index(), i);
            assert!(seen.insert(e.reason()));
            assert!(e
                .reason()
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b == b'_'));
        }
    }
}
