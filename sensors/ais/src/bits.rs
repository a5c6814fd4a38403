//! The AIS payload: six-bit de-armoring into a fixed stack buffer, big-endian bit
//! reads, six-bit text and binary data kept inline (no allocation anywhere).

use crate::AisError;

/// Largest payload we accept: 170 armored characters, 1020 bits. ITU-R M.1371 caps a
/// message at five slots (1008 data bits after stuffing), so anything longer is noise.
pub const MAX_PAYLOAD_BITS: usize = 1020;
const MAX_BYTES: usize = MAX_PAYLOAD_BITS.div_ceil(8);
/// Eight spare bytes so that a bit read can always load a whole `u64`.
const BUF_BYTES: usize = MAX_BYTES + 8;

/// Lookup table: armored byte → six-bit value, or 0xFF for characters outside the
/// alphabet (`0`..`W` is 0-39, `` ` ``..`w` is 40-63).
static DEARMOR: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut c = 48usize;
    while c < 128 {
        if c <= 87 {
            t[c] = (c - 48) as u8;
        } else if c >= 96 && c <= 119 {
            t[c] = (c - 56) as u8;
        }
        c += 1;
    }
    t
};

/// A de-armored AIS payload: up to [`MAX_PAYLOAD_BITS`] bits on the stack.
///
/// Bits past [`Payload::len`] are always zero, so a field that runs past the end
/// reads as if the payload were zero-padded (as gpsd reads it).
///
/// ```
/// use cuenca_ais::Payload;
/// let p = Payload::from_armored(b"15RTgt0PAso;90TKcjM8h6g208CQ", 0)?;
/// assert_eq!(p.len(), 168);
/// assert_eq!(p.u(0, 6), 1); // message type
/// assert_eq!(p.u(8, 30), 371_798_000); // MMSI
/// # Ok::<(), cuenca_ais::AisError>(())
/// ```
#[derive(Clone)]
pub struct Payload {
    buf: [u8; BUF_BYTES],
    len: usize,
}

impl Default for Payload {
    fn default() -> Self {
        Payload::new()
    }
}

impl std::fmt::Debug for Payload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Payload({} bits: ", self.len)?;
        for b in &self.buf[..self.len.div_ceil(8)] {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

impl Payload {
    /// An empty payload.
    pub const fn new() -> Self {
        Payload {
            buf: [0; BUF_BYTES],
            len: 0,
        }
    }

    /// Empties the payload in place (cheaper than assigning a new one: no
    /// 144-byte copy).
    pub fn clear(&mut self) {
        self.buf = [0; BUF_BYTES];
        self.len = 0;
    }

    /// De-armors one sentence's payload field with its fill bits.
    pub fn from_armored(chars: &[u8], fill: u8) -> Result<Self, AisError> {
        let mut p = Payload::new();
        p.push_armored(chars, fill)?;
        Ok(p)
    }

    /// Appends one fragment's armored characters, then drops its `fill` trailing bits.
    pub fn push_armored(&mut self, chars: &[u8], fill: u8) -> Result<(), AisError> {
        let added = chars.len() * 6;
        if fill > 5 || usize::from(fill) > added {
            return Err(AisError::BadFillBits);
        }
        if self.len + added > MAX_PAYLOAD_BITS {
            return Err(AisError::PayloadTooLong);
        }
        let mut pos = self.len / 8;
        let mut nbits = self.len % 8;
        // Bits already in the partial byte, left-aligned in an accumulator.
        let mut acc: u32 = if nbits > 0 {
            u32::from(self.buf[pos]) >> (8 - nbits)
        } else {
            0
        };
        let mut chunks = chars.chunks_exact(4);
        for c in &mut chunks {
            let a = DEARMOR[usize::from(c[0])];
            let b = DEARMOR[usize::from(c[1])];
            let d = DEARMOR[usize::from(c[2])];
            let e = DEARMOR[usize::from(c[3])];
            if (a | b | d | e) & 0xC0 != 0 {
                return Err(AisError::BadArmoring);
            }
            let v =
                (u32::from(a) << 18) | (u32::from(b) << 12) | (u32::from(d) << 6) | u32::from(e);
            if nbits == 0 {
                self.buf[pos] = (v >> 16) as u8;
                self.buf[pos + 1] = (v >> 8) as u8;
                self.buf[pos + 2] = v as u8;
                pos += 3;
            } else {
                // 24 new bits behind `nbits` pending ones.
                let w = (u64::from(acc) << 24) | u64::from(v);
                let total = nbits + 24;
                self.buf[pos] = (w >> (total - 8)) as u8;
                self.buf[pos + 1] = (w >> (total - 16)) as u8;
                self.buf[pos + 2] = (w >> (total - 24)) as u8;
                pos += 3;
                acc = (w & ((1 << nbits) - 1)) as u32;
            }
        }
        for &c in chunks.remainder() {
            let v = DEARMOR[usize::from(c)];
            if v & 0xC0 != 0 {
                return Err(AisError::BadArmoring);
            }
            acc = (acc << 6) | u32::from(v);
            nbits += 6;
            if nbits >= 8 {
                nbits -= 8;
                self.buf[pos] = (acc >> nbits) as u8;
                pos += 1;
                acc &= (1 << nbits) - 1;
            }
        }
        if nbits > 0 {
            self.buf[pos] = (acc << (8 - nbits)) as u8;
        }
        self.len += added - usize::from(fill);
        self.clear_tail();
        Ok(())
    }

    /// Zeroes every bit past `len` (fill bits may have been non-zero).
    fn clear_tail(&mut self) {
        let byte = self.len / 8;
        let rem = self.len % 8;
        if byte < BUF_BYTES {
            if rem == 0 {
                self.buf[byte] = 0;
            } else {
                self.buf[byte] &= 0xFFu8 << (8 - rem);
            }
        }
        if byte + 1 < BUF_BYTES {
            self.buf[byte + 1] = 0;
        }
    }

    /// Number of payload bits.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the payload holds no bits.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The payload bytes, bits past the end zeroed.
    pub fn bytes(&self) -> &[u8] {
        &self.buf[..self.len.div_ceil(8)]
    }

    /// Unsigned field of `width` ≤ 32 bits starting at bit `start` (0 = first bit).
    /// Bits past the end read as zero, as in gpsd.
    #[inline]
    pub fn u(&self, start: usize, width: usize) -> u32 {
        self.u64(start, width.min(32)) as u32
    }

    /// Unsigned field of `width` ≤ 57 bits; see [`Payload::u`].
    #[inline]
    pub fn u64(&self, start: usize, width: usize) -> u64 {
        if start >= self.len || width == 0 {
            return 0;
        }
        let width = width.min(57);
        let byte = start / 8;
        let mut w = [0u8; 8];
        w.copy_from_slice(&self.buf[byte..byte + 8]);
        let word = u64::from_be_bytes(w);
        (word << (start % 8)) >> (64 - width)
    }

    /// The field's bits that exist, right-aligned: a field cut short by the end of
    /// the payload yields only its leading bits as a narrower number (what gpsd and
    /// pyais report for the radio state of short type 1-3 messages).
    #[inline]
    pub fn u_available(&self, start: usize, width: usize) -> u32 {
        if start >= self.len {
            return 0;
        }
        self.u(start, width.min(self.len - start))
    }

    /// Two's-complement signed field of `width` ≤ 32 bits; see [`Payload::u`].
    #[inline]
    pub fn i(&self, start: usize, width: usize) -> i32 {
        if width == 0 {
            return 0;
        }
        let width = width.min(32);
        let v = self.u(start, width);
        let shift = 32 - width as u32;
        ((v << shift) as i32) >> shift
    }

    /// One bit as a flag.
    #[inline]
    pub fn flag(&self, bit: usize) -> bool {
        self.u(bit, 1) != 0
    }

    /// Six-bit text of at most `N` characters from bit `start`, as gpsd reads it:
    /// stops at the first `@` (value 0, also what lies past the end) and drops
    /// trailing spaces.
    pub fn text<const N: usize>(&self, start: usize, chars: usize) -> SixBitText<N> {
        let mut t = SixBitText::<N>::new();
        for k in 0..chars.min(N) {
            let v = self.u(start + 6 * k, 6) as u8;
            if v == 0 {
                break;
            }
            t.push(SIXBIT_ASCII[usize::from(v)]);
        }
        t.trim_end();
        t
    }

    /// The bits from `start` to the end, as [`BinaryData`].
    pub fn data_from(&self, start: usize) -> BinaryData {
        self.data_range(start, self.len.saturating_sub(start))
    }

    /// `bits` bits from `start`, as [`BinaryData`].
    pub fn data_range(&self, start: usize, bits: usize) -> BinaryData {
        let mut d = BinaryData::default();
        let bits = bits.min(self.len.saturating_sub(start));
        let nbytes = bits.div_ceil(8);
        for (k, slot) in d.bytes[..nbytes].iter_mut().enumerate() {
            let take = (bits - 8 * k).min(8);
            *slot = (self.u(start + 8 * k, take) << (8 - take)) as u8;
        }
        d.bits = bits as u16;
        d
    }
}

/// The AIS six-bit character set (ITU-R M.1371-5 Annex 8, the six-bit ASCII table), value → ASCII.
pub const SIXBIT_ASCII: [u8; 64] =
    *b"@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_ !\"#$%&'()*+,-./0123456789:;<=>?";

/// Text decoded from six-bit characters, stored inline (at most `N` characters).
///
/// Every character is printable ASCII, so [`SixBitText::as_str`] never fails.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct SixBitText<const N: usize> {
    chars: [u8; N],
    len: u8,
}

impl<const N: usize> SixBitText<N> {
    /// Empty text.
    pub const fn new() -> Self {
        SixBitText {
            chars: [0; N],
            len: 0,
        }
    }

    fn push(&mut self, c: u8) {
        if usize::from(self.len) < N {
            self.chars[usize::from(self.len)] = c;
            self.len += 1;
        }
    }

    fn trim_end(&mut self) {
        while self.len > 0 && self.chars[usize::from(self.len) - 1] == b' ' {
            self.len -= 1;
        }
    }

    /// Appends `other` (used for the type 21 name extension).
    pub(crate) fn extend<const M: usize>(&mut self, other: &SixBitText<M>) {
        for &c in other.as_bytes() {
            self.push(c);
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(self.as_bytes()).unwrap_or("")
    }

    /// The text as bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.chars[..usize::from(self.len)]
    }

    /// Number of characters.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// True when there is no text (all `@` or spaces on the air).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl<const N: usize> Default for SixBitText<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> std::fmt::Debug for SixBitText<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

impl<const N: usize> std::fmt::Display for SixBitText<N> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Opaque binary application data (types 6, 8, 17, 25, 26), kept as bits.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct BinaryData {
    bytes: [u8; MAX_BYTES],
    bits: u16,
}

impl Default for BinaryData {
    fn default() -> Self {
        BinaryData {
            bytes: [0; MAX_BYTES],
            bits: 0,
        }
    }
}

impl BinaryData {
    /// Number of data bits.
    pub fn bits(&self) -> usize {
        usize::from(self.bits)
    }

    /// The data, left-aligned; bits past [`BinaryData::bits`] in the last byte are zero.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.bits).div_ceil(8)]
    }

    /// Lower-case hex of [`BinaryData::as_bytes`].
    pub fn hex(&self) -> String {
        use std::fmt::Write;
        let mut s = String::with_capacity(self.as_bytes().len() * 2);
        for b in self.as_bytes() {
            let _ = write!(s, "{b:02x}");
        }
        s
    }
}

impl std::fmt::Debug for BinaryData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.bits, self.hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slow_bits(chars: &[u8], fill: usize) -> Vec<bool> {
        let mut out = Vec::new();
        for &c in chars {
            let mut v = c - 48;
            if v > 40 {
                v -= 8;
            }
            for k in (0..6).rev() {
                out.push((v >> k) & 1 == 1);
            }
        }
        out.truncate(out.len() - fill);
        out
    }

    #[test]
    fn dearmor_matches_bit_by_bit_reference() {
        let chars = b"55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8";
        let p = Payload::from_armored(chars, 2).unwrap();
        let want = slow_bits(chars, 2);
        assert_eq!(p.len(), want.len());
        for (k, &b) in want.iter().enumerate() {
            assert_eq!(p.flag(k), b, "bit {k}");
        }
    }

    #[test]
    fn fragments_concatenate_at_any_bit_offset() {
        let a = b"55?MbV02;H;s<HtKR20E";
        let b = b"HE:0@T4@Dn2222222216L961";
        for fill in 0..=5u8 {
            let mut p = Payload::new();
            p.push_armored(a, fill).unwrap();
            p.push_armored(b, 3).unwrap();
            let mut want = slow_bits(a, usize::from(fill));
            want.extend(slow_bits(b, 3));
            assert_eq!(p.len(), want.len());
            for (k, &bit) in want.iter().enumerate() {
                assert_eq!(p.flag(k), bit, "fill {fill} bit {k}");
            }
            // Nothing past the end.
            assert_eq!(p.u(p.len(), 32), 0);
        }
    }

    #[test]
    fn truncated_field_returns_available_bits() {
        // gpsd sample: a type 1 with 5 fill bits ends 5 bits early; radio keeps 14 bits.
        let p = Payload::from_armored(b"13aIkM@P00PJ@qPNL=e@0?wJ28JO", 5).unwrap();
        assert_eq!(p.len(), 163);
        assert_eq!(p.u_available(149, 19), 1076);
        assert_eq!(p.u(149, 19), 1076 << 5);
        let full = Payload::from_armored(b"13aIkM@P00PJ@qPNL=e@0?wJ28JO", 0).unwrap();
        assert_eq!(full.u(149, 19), 34463);
    }

    #[test]
    fn rejects_bad_characters_and_fill() {
        assert_eq!(
            Payload::from_armored(b"15RT x", 0).unwrap_err(),
            AisError::BadArmoring
        );
        assert_eq!(
            Payload::from_armored(b"15RTX", 0).unwrap_err(),
            AisError::BadArmoring
        );
        assert_eq!(
            Payload::from_armored(b"1", 6).unwrap_err(),
            AisError::BadFillBits
        );
        assert_eq!(
            Payload::from_armored(&[b'0'; 171], 0).unwrap_err(),
            AisError::PayloadTooLong
        );
    }

    #[test]
    fn signed_fields() {
        let p = Payload::from_armored(b"wwww", 0).unwrap();
        assert_eq!(p.i(0, 8), -1);
        assert_eq!(p.u(0, 8), 255);
    }
}
