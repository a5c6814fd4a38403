//! ASTERIX framing: data blocks (CAT, LEN), records (FSPEC, items), walked with the
//! tables of [`crate::spec`].

use crate::spec::{self, CategoryDef, Format, ItemDef};
use crate::RadarError;

/// One record of a data block: its category and the bytes of each item present.
///
/// Items are kept raw (in UAP order); [`crate::Cat048`] and [`crate::Cat034`] read
/// the fields, [`crate::to_json`] prints them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    category: &'static CategoryDef,
    bytes: Vec<u8>,
    items: Vec<Span>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    frn: u8,
    start: u32,
    end: u32,
}

impl Record {
    /// The ASTERIX category number (48 or 34).
    pub fn category(&self) -> u8 {
        self.category.cat
    }

    /// The definition the record was walked with.
    pub fn definition(&self) -> &'static CategoryDef {
        self.category
    }

    /// The record's bytes, FSPEC included.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The items present, in FSPEC order: definition and raw bytes.
    pub fn items(&self) -> impl Iterator<Item = (&'static ItemDef, &[u8])> + '_ {
        self.items.iter().filter_map(|s| {
            let def = self.category.uap.get(usize::from(s.frn) - 1)?.as_ref()?;
            Some((def, &self.bytes[s.start as usize..s.end as usize]))
        })
    }

    /// The raw bytes of item `id` (such as `"I040"`), when present.
    pub fn item(&self, id: &str) -> Option<&[u8]> {
        self.items().find(|(d, _)| d.id == id).map(|(_, b)| b)
    }
}

/// Decodes the first data block of `input`: its records and the bytes after it.
///
/// ```
/// use cuenca_radar::decode_block;
/// // CAT048, LEN 9: one record with I010 (SAC 25, SIC 201) and I140 (ToD 1 s).
/// let input = [48, 0, 9, 0xC0, 25, 201, 0, 0, 128, 0xFF];
/// let (records, rest) = decode_block(&input)?;
/// assert_eq!(rest, &[0xFF]);
/// assert_eq!(records[0].item("I010"), Some(&[25u8, 201][..]));
/// # Ok::<(), cuenca_radar::RadarError>(())
/// ```
pub fn decode_block(input: &[u8]) -> Result<(Vec<Record>, &[u8]), RadarError> {
    let mut out = Vec::new();
    let rest = decode_block_into(input, &mut out)?;
    Ok((out, rest))
}

/// Like [`decode_block`], appending to `out`. On error `out` is left as it was.
pub(crate) fn decode_block_into<'a>(
    input: &'a [u8],
    out: &mut Vec<Record>,
) -> Result<&'a [u8], RadarError> {
    let (cat, body, rest) = split_block(input)?;
    let before = out.len();
    match decode_body(cat, body, out) {
        Ok(()) => Ok(rest),
        Err(e) => {
            out.truncate(before);
            Err(e)
        }
    }
}

/// Splits off the first block: category, its records' bytes, and what follows.
pub(crate) fn split_block(input: &[u8]) -> Result<(u8, &[u8], &[u8]), RadarError> {
    if input.len() < 3 {
        return Err(RadarError::Truncated);
    }
    let len = usize::from(u16::from_be_bytes([input[1], input[2]]));
    if len < 3 || len > input.len() {
        return Err(RadarError::LenMismatch);
    }
    Ok((input[0], &input[3..len], &input[len..]))
}

fn decode_body(cat: u8, mut body: &[u8], out: &mut Vec<Record>) -> Result<(), RadarError> {
    let def = spec::category(cat).ok_or(RadarError::UnknownCategory(cat))?;
    if body.is_empty() {
        return Err(RadarError::EmptyRecord);
    }
    while !body.is_empty() {
        let (record, used) = decode_record(def, body)?;
        out.push(record);
        body = &body[used..];
    }
    Ok(())
}

/// Walks one record at the start of `data`; returns it and the bytes it used.
fn decode_record(def: &'static CategoryDef, data: &[u8]) -> Result<(Record, usize), RadarError> {
    let mut fspec_len = 0;
    loop {
        let b = *data.get(fspec_len).ok_or(RadarError::FspecOverrun)?;
        fspec_len += 1;
        if b & 1 == 0 {
            break;
        }
    }
    let mut items = Vec::with_capacity(16);
    let mut pos = fspec_len;
    for (i, &b) in data[..fspec_len].iter().enumerate() {
        for bit in 0..7 {
            if b & (0x80 >> bit) == 0 {
                continue;
            }
            let frn = i * 7 + bit + 1;
            let frn_u8 = u8::try_from(frn).unwrap_or(u8::MAX);
            let item = def
                .uap
                .get(frn - 1)
                .and_then(Option::as_ref)
                .ok_or(RadarError::UnknownItem(frn_u8))?;
            let len = item_len(item.format, &data[pos..], frn_u8)?;
            items.push(Span {
                frn: frn_u8,
                start: pos as u32,
                end: (pos + len) as u32,
            });
            pos += len;
        }
    }
    if items.is_empty() {
        return Err(RadarError::EmptyRecord);
    }
    let record = Record {
        category: def,
        bytes: data[..pos].to_vec(),
        items,
    };
    Ok((record, pos))
}

/// The length of an item of `format` at the start of `data`.
fn item_len(format: Format, data: &[u8], frn: u8) -> Result<usize, RadarError> {
    let need = |n: usize| {
        if n <= data.len() {
            Ok(n)
        } else {
            Err(RadarError::ItemOverrun)
        }
    };
    match format {
        Format::Fixed(n) => need(usize::from(n)),
        Format::Extended => extent(data).ok_or(RadarError::ItemOverrun),
        Format::Repetitive(n) => {
            let rep = *data.first().ok_or(RadarError::ItemOverrun)?;
            need(1 + usize::from(rep) * usize::from(n))
        }
        Format::Explicit => {
            let n = *data.first().ok_or(RadarError::ItemOverrun)?;
            if n == 0 {
                return Err(RadarError::BadExplicitLength);
            }
            need(usize::from(n))
        }
        Format::Compound(subs) => {
            let primary = extent(data).ok_or(RadarError::ItemOverrun)?;
            let mut pos = primary;
            for slot in compound_slots(&data[..primary]) {
                let sub = subs
                    .get(slot)
                    .copied()
                    .flatten()
                    .ok_or(RadarError::UnknownItem(frn))?;
                // Subitems are never compound themselves in the categories we carry.
                pos += item_len(sub, &data[pos..], frn)?;
            }
            Ok(pos)
        }
    }
}

/// Length of an FX-chained run of bytes at the start of `data`, if it ends in it.
fn extent(data: &[u8]) -> Option<usize> {
    data.iter().position(|b| b & 1 == 0).map(|i| i + 1)
}

/// The slots (0-based) a compound item's primary subfield selects.
pub(crate) fn compound_slots(primary: &[u8]) -> impl Iterator<Item = usize> + '_ {
    primary.iter().enumerate().flat_map(|(i, &b)| {
        (0..7)
            .filter(move |bit| b & (0x80 >> bit) != 0)
            .map(move |bit| i * 7 + bit)
    })
}

/// Splits a compound item into (slot, subitem bytes). The item was already walked,
/// so lengths are known to fit.
pub(crate) fn compound_parts(format: Format, data: &[u8]) -> Vec<(usize, &[u8])> {
    let Format::Compound(subs) = format else {
        return Vec::new();
    };
    let Some(primary) = extent(data) else {
        return Vec::new();
    };
    let mut pos = primary;
    let mut parts = Vec::new();
    for slot in compound_slots(&data[..primary]) {
        let Some(Some(sub)) = subs.get(slot) else {
            break;
        };
        let Ok(len) = item_len(*sub, &data[pos..], 0) else {
            break;
        };
        parts.push((slot, &data[pos..pos + len]));
        pos += len;
    }
    parts
}
