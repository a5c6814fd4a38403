//! Shared helpers for the corpus tests: reading `../shared` files (skipping when
//! absent), gpsd's type 24 pairing and a field-by-field JSON comparison.
#![allow(dead_code)]

use cuenca_ais::gpsd::{type24_both, GpsdOptions};
use cuenca_ais::{to_gpsd_json_opts, Decoded, Message, StaticDataA};
use serde_json::Value;

/// Reads a shared file relative to the crate directory, or prints a note and
/// returns `None` when it is missing (the project must run without `../shared`).
pub fn read_shared(rel: &str) -> Option<String> {
    let path = format!("{}/../../../shared/{rel}", env!("CARGO_MANIFEST_DIR"));
    match std::fs::read(&path) {
        Ok(b) => Some(String::from_utf8_lossy(&b).into_owned()),
        Err(_) => {
            eprintln!("note: {path} not found; skipping");
            None
        }
    }
}

/// Emulates gpsd's output policy: type 24 part A is cached per MMSI (a ring of 8,
/// as gpsd's MAX_TYPE24_INTERLEAVE), part B is printed merged with a cached A of
/// the same MMSI (which is then consumed); a lone A or B prints nothing.
pub struct GpsdEmu {
    ring: Vec<Option<StaticDataA>>,
    next: usize,
}

impl GpsdEmu {
    pub fn new() -> Self {
        GpsdEmu {
            ring: vec![None; 8],
            next: 0,
        }
    }

    pub fn render(&mut self, d: &Decoded, o: &GpsdOptions<'_>) -> Option<Value> {
        match &d.message {
            Message::StaticDataA(a) => {
                self.ring[self.next] = Some(*a);
                self.next = (self.next + 1) % self.ring.len();
                None
            }
            Message::StaticDataB(b) => {
                let slot = self
                    .ring
                    .iter_mut()
                    .find(|s| s.is_some_and(|a| a.mmsi == b.mmsi))?;
                let a = slot.take()?;
                Some(type24_both(&a, b, o))
            }
            m => Some(to_gpsd_json_opts(m, o)),
        }
    }
}

/// Half a unit in the last printed decimal of `text` (a JSON number as written).
fn printed_tolerance(text: &str) -> f64 {
    match text.find('.') {
        Some(dot) => 0.5 * 10f64.powi(-((text.len() - dot - 1) as i32)) + 1e-12,
        None => 0.5,
    }
}

/// Compares `actual` with `expected` key by key over `keys` (all of `expected`'s
/// keys when `None`). Numbers are equal within half a unit of the expected value's
/// last printed digit (`raw` is the expected JSON text, to see the digits).
/// Returns the mismatching keys as `key: expected != actual` strings.
pub fn diff_fields(expected: &Value, actual: &Value, skip: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let (Some(e), Some(a)) = (expected.as_object(), actual.as_object()) else {
        return vec!["not objects".into()];
    };
    for (k, ev) in e {
        if skip.contains(&k.as_str()) {
            continue;
        }
        match a.get(k) {
            None => out.push(format!("{k}: missing (expected {ev})")),
            Some(av) if !same_value(ev, av) => out.push(format!("{k}: {ev} != {av}")),
            _ => {}
        }
    }
    for k in a.keys() {
        if !e.contains_key(k) && !skip.contains(&k.as_str()) {
            out.push(format!("{k}: unexpected ({})", a[k]));
        }
    }
    out
}

pub fn same_value(e: &Value, a: &Value) -> bool {
    match (e, a) {
        (Value::String(x), Value::String(y)) if x.contains(':') && y.contains(':') => {
            same_data(x, y)
        }
        (Value::Number(x), Value::Number(y)) => {
            let tol = printed_tolerance(&x.to_string());
            match (x.as_f64(), y.as_f64()) {
                (Some(p), Some(q)) => (p - q).abs() <= tol,
                _ => false,
            }
        }
        _ => e == a,
    }
}

/// Canonical text of a JSON object (keys sorted) with floats printed as parsed.
pub fn canonical(v: &Value) -> String {
    v.to_string()
}

/// Binary `data` as `"<bits>:<hex>"`. gpsd copies whole bytes, so the bits after
/// the data in its last byte are whatever followed (for type 26, the start of the
/// radio state); we zero them. Compare only the data bits.
fn same_data(x: &str, y: &str) -> bool {
    let parse = |s: &str| -> Option<(usize, Vec<u8>)> {
        let (n, hex) = s.split_once(':')?;
        let n: usize = n.parse().ok()?;
        let bytes: Option<Vec<u8>> = (0..hex.len() / 2)
            .map(|k| u8::from_str_radix(hex.get(2 * k..2 * k + 2)?, 16).ok())
            .collect();
        let mut b = bytes?;
        if !n.is_multiple_of(8) {
            if let Some(last) = b.last_mut() {
                *last &= 0xFFu8 << (8 - n % 8);
            }
        }
        Some((n, b))
    };
    match (parse(x), parse(y)) {
        (Some(p), Some(q)) => p == q,
        _ => x == y,
    }
}
