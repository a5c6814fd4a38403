//! A stateful decoder that counts what it decoded and what it refused, by reason.

use crate::asterix::{decode_block_into, split_block};
use crate::{RadarError, Record};

/// Counts kept by a [`Decoder`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Data blocks decoded.
    pub blocks: u64,
    /// Records decoded.
    pub records: u64,
    refused: [u64; RadarError::REASONS.len()],
}

impl Stats {
    /// Blocks refused for `reason` (one of [`RadarError::REASONS`]).
    pub fn errors(&self, reason: &str) -> u64 {
        RadarError::REASONS
            .iter()
            .position(|r| *r == reason)
            .map_or(0, |i| self.refused[i])
    }

    /// Blocks refused, all reasons.
    pub fn refused(&self) -> u64 {
        self.refused.iter().sum()
    }

    /// `(reason, count)` for every reason, zeros included.
    pub fn by_reason(&self) -> impl Iterator<Item = (&'static str, u64)> + '_ {
        RadarError::REASONS
            .iter()
            .copied()
            .zip(self.refused.iter().copied())
    }

    pub(crate) fn count(&mut self, e: RadarError) {
        if let Some(i) = RadarError::REASONS.iter().position(|r| *r == e.reason()) {
            self.refused[i] += 1;
        }
    }
}

/// Decodes ASTERIX input (one UDP datagram, or a whole file of concatenated data
/// blocks) and counts refusals by [`RadarError::reason`].
///
/// A block whose records do not walk (bad FSPEC, overrun, unknown item or
/// category) is skipped by its LEN and the next block still decoded; a framing
/// error (truncated header, LEN out of range) ends the input, since nothing after
/// it can be trusted.
///
/// ```
/// use cuenca_radar::{Cat048, Decoder};
/// let mut dec = Decoder::new();
/// let mut input = vec![48, 0, 10, 0x90, 25, 201, 0x64, 0x00, 0x40, 0x00];
/// input.extend([62, 0, 4, 0x00]); // CAT062: not ours, skipped and counted
/// input.extend([48, 0, 10, 0x90, 25, 201, 0x32, 0x00, 0x80, 0x00]);
/// let mut records = Vec::new();
/// let res = dec.decode_into(&input, &mut records);
/// assert_eq!(res.unwrap_err().reason(), "unknown_category");
/// assert_eq!(records.len(), 2);
/// assert_eq!(Cat048::from_record(&records[1]).rho_theta, Some((50.0, 180.0)));
/// assert_eq!(dec.stats().errors("unknown_category"), 1);
/// ```
#[derive(Debug, Clone, Default)]
pub struct Decoder {
    stats: Stats,
}

impl Decoder {
    pub fn new() -> Self {
        Decoder::default()
    }

    /// The counts so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// Counts a refusal found outside a block (the stream framing of
    /// [`crate::BlockStream`]).
    pub(crate) fn count(&mut self, e: RadarError) {
        self.stats.count(e);
    }

    /// Decodes every block of `input`, appending good records to `out`. Returns the
    /// first refusal, if any (each one is counted).
    pub fn decode_into(&mut self, input: &[u8], out: &mut Vec<Record>) -> Result<(), RadarError> {
        let mut rest = input;
        let mut first = None;
        while !rest.is_empty() {
            let before = out.len();
            match decode_block_into(rest, out) {
                Ok(next) => {
                    self.stats.blocks += 1;
                    self.stats.records += (out.len() - before) as u64;
                    rest = next;
                }
                Err(e) => {
                    self.stats.count(e);
                    first.get_or_insert(e);
                    match split_block(rest) {
                        Ok((_, _, next)) => rest = next,
                        Err(_) => break,
                    }
                }
            }
        }
        first.map_or(Ok(()), Err)
    }

    /// Decodes every block of `input`; the records, or the first refusal (with the
    /// records of good blocks dropped; use [`Decoder::decode_into`] to keep them).
    pub fn decode(&mut self, input: &[u8]) -> Result<Vec<Record>, RadarError> {
        let mut out = Vec::new();
        self.decode_into(input, &mut out)?;
        Ok(out)
    }
}
