//! ASTERIX over a byte stream (TCP, a file): data blocks cut out by their LEN.

use crate::asterix::decode_block;
use crate::{Decoder, RadarError, Record};

/// Cuts a byte stream into ASTERIX data blocks by their header's LEN and decodes
/// them with a [`Decoder`] (which counts every refusal). Chunks may be cut
/// anywhere; at most one partial block (under 64 KiB) is buffered.
///
/// A datagram needs none of this: give it to [`Decoder::decode_into`] whole.
///
/// A LEN below 3 means the stream has lost its framing. It is counted once as
/// `len_mismatch` and the reader resynchronises: it skips a byte at a time until a
/// header of a category we decode (48, 34) starts a block that decodes cleanly.
///
/// ```
/// use cuenca_radar::{BlockStream, Cat048, Decoder};
/// let block = [48, 0, 10, 0x90, 25, 201, 0x64, 0x00, 0x40, 0x00];
/// let mut input = block.to_vec();
/// input.extend([48, 0, 0]); // LEN 0: framing lost
/// input.extend(block);
/// let (mut stream, mut dec, mut records) = (BlockStream::new(), Decoder::new(), Vec::new());
/// for chunk in input.chunks(3) {
///     let _ = stream.feed(chunk, &mut dec, &mut records);
/// }
/// assert_eq!(records.len(), 2);
/// assert_eq!(dec.stats().errors("len_mismatch"), 1);
/// assert_eq!(stream.pending(), 0);
/// ```
#[derive(Debug, Clone, Default)]
pub struct BlockStream {
    buf: Vec<u8>,
    /// True after a bad LEN, until a block decodes cleanly again.
    resyncing: bool,
}

impl BlockStream {
    /// A stream with nothing buffered.
    pub fn new() -> Self {
        BlockStream::default()
    }

    /// Bytes buffered: the start of a block not complete yet. Non-zero at the end
    /// of a stream means it ended inside a block.
    pub fn pending(&self) -> usize {
        self.buf.len()
    }

    /// Appends `chunk` and decodes every block it completes, appending their
    /// records to `out`. Returns the first refusal, if any (each is counted in
    /// `decoder`'s stats).
    pub fn feed(
        &mut self,
        chunk: &[u8],
        decoder: &mut Decoder,
        out: &mut Vec<Record>,
    ) -> Result<(), RadarError> {
        self.buf.extend_from_slice(chunk);
        let mut first = None;
        let mut pos = 0;
        while self.buf.len() - pos >= 3 {
            let rest = &self.buf[pos..];
            let len = usize::from(u16::from_be_bytes([rest[1], rest[2]]));
            if self.resyncing {
                let candidate = crate::spec::category(rest[0]).is_some() && len > 3;
                if !candidate {
                    pos += 1;
                    continue;
                }
                if rest.len() < len {
                    break;
                }
                // Test the candidate without counting: false starts are not blocks.
                if decode_block(&rest[..len]).is_err() {
                    pos += 1;
                    continue;
                }
                self.resyncing = false;
            } else if len < 3 {
                decoder.count(RadarError::LenMismatch);
                first.get_or_insert(RadarError::LenMismatch);
                self.resyncing = true;
                pos += 1;
                continue;
            }
            if rest.len() < len {
                break;
            }
            if let Err(e) = decoder.decode_into(&rest[..len], out) {
                first.get_or_insert(e);
            }
            pos += len;
        }
        self.buf.drain(..pos);
        first.map_or(Ok(()), Err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BLOCK: [u8; 10] = [48, 0, 10, 0x90, 25, 201, 0x64, 0x00, 0x40, 0x00];

    fn run(input: &[u8], cut: usize) -> (usize, Decoder, BlockStream) {
        let (mut s, mut d, mut out) = (BlockStream::new(), Decoder::new(), Vec::new());
        for c in input.chunks(cut.max(1)) {
            let _ = s.feed(c, &mut d, &mut out);
        }
        (out.len(), d, s)
    }

    #[test]
    fn any_chunking_gives_the_same_records() {
        let mut input = Vec::new();
        for _ in 0..5 {
            input.extend(BLOCK);
            input.extend([62, 0, 4, 0]); // a category we skip by its LEN
        }
        for cut in 1..input.len() + 1 {
            let (n, d, s) = run(&input, cut);
            assert_eq!(n, 5, "cut {cut}");
            assert_eq!(d.stats().errors("unknown_category"), 5, "cut {cut}");
            assert_eq!(s.pending(), 0);
        }
    }

    #[test]
    fn a_partial_block_waits_and_junk_resynchronises() {
        let (n, _, s) = run(&BLOCK[..7], 100);
        assert_eq!((n, s.pending()), (0, 7));
        // Junk with a bad LEN, junk that looks like a CAT048 header but does not
        // decode, then good blocks.
        let mut input = vec![1, 0, 1, 48, 0, 5, 0xFF, 0xFF];
        input.extend(BLOCK);
        input.extend(BLOCK);
        let (n, d, s) = run(&input, 4);
        assert_eq!(n, 2);
        assert_eq!(d.stats().refused(), 1);
        assert_eq!(s.pending(), 0);
    }
}
