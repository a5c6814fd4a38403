//! One JSON object per record, with the item and field names of Croatia Control's
//! `asterix` decoder (its `-j` output) but plain values instead of
//! `{"desc":…,"val":…}` wrappers.

use crate::asterix::compound_parts;
use crate::fields::{be, icao_chars, signed};
use crate::spec::{compound_names, ItemDef};
use crate::Record;
use serde_json::{json, Map, Value};

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02X}");
            s
        })
}

/// The record as JSON: `category`, `len` (record bytes), `hexdata`, then one key per
/// item present (`I010`, `I040`, … `SP`, `RE`). Items we do not interpret carry
/// `{"raw": "<hex>"}`.
///
/// ```
/// use cuenca_radar::{decode_block, to_json};
/// let block = [48, 0, 10, 0x90, 25, 201, 0x64, 0x00, 0x40, 0x00];
/// let (records, _) = decode_block(&block)?;
/// let j = to_json(&records[0]);
/// assert_eq!(j["category"], 48);
/// assert_eq!(j["I010"]["SIC"], 201);
/// assert_eq!(j["I040"]["RHO"], 100.0);
/// assert_eq!(j["I040"]["THETA"], 90.0);
/// # Ok::<(), cuenca_radar::RadarError>(())
/// ```
pub fn to_json(r: &Record) -> Value {
    let mut m = Map::new();
    m.insert("category".into(), r.category().into());
    m.insert("len".into(), r.bytes().len().into());
    m.insert("hexdata".into(), hex(r.bytes()).into());
    for (def, b) in r.items() {
        let v = match r.category() {
            48 => cat048_item(def, b),
            34 => cat034_item(def, b),
            _ => None,
        };
        let v = v.unwrap_or_else(|| match def.format {
            crate::spec::Format::Compound(_) => compound_raw(r.category(), def, b),
            _ => json!({ "raw": hex(b) }),
        });
        m.insert(def.id.into(), v);
    }
    Value::Object(m)
}

fn bit(b: u8, n: u8) -> u8 {
    (b >> n) & 1
}

/// The FX bit of an extended item's last octet (0 unless the item is cut short), as
/// the oracle prints one `FX` for the whole item.
fn last_fx(b: &[u8]) -> u8 {
    b.last().map_or(0, |o| o & 1)
}

fn u16_at(b: &[u8], i: usize) -> f64 {
    f64::from(u16::from_be_bytes([b[i], b[i + 1]]))
}

fn compound_raw(cat: u8, def: &ItemDef, b: &[u8]) -> Value {
    let names = compound_names(cat, def.id);
    let mut m = Map::new();
    for (slot, part) in compound_parts(def.format, b) {
        let name = names.get(slot).copied().unwrap_or("");
        m.insert(name.to_string(), hex(part).into());
    }
    Value::Object(m)
}

fn cat048_item(def: &ItemDef, b: &[u8]) -> Option<Value> {
    Some(match (def.id, b.len()) {
        ("I010", 2) => json!({"SAC": b[0], "SIC": b[1]}),
        ("I140", 3) => json!({"ToD": be(b) as f64 / 128.0}),
        ("I020", _) => {
            let o = *b.first()?;
            let mut m = json!({
                "TYP": o >> 5, "SIM": bit(o, 4), "RDP": bit(o, 3), "SPI": bit(o, 2),
                "RAB": bit(o, 1), "FX": last_fx(b),
            });
            if let Some(&o2) = b.get(1) {
                m["TST"] = bit(o2, 7).into();
                m["ERR"] = bit(o2, 6).into();
                m["XPP"] = bit(o2, 5).into();
                m["ME"] = bit(o2, 4).into();
                m["MI"] = bit(o2, 3).into();
                m["FOEFRI"] = ((o2 >> 1) & 3).into();
            }
            m["raw"] = hex(b).into();
            m
        }
        ("I040", 4) => {
            json!({"RHO": u16_at(b, 0) / 256.0, "THETA": u16_at(b, 2) * 360.0 / 65536.0})
        }
        ("I070", 2) => {
            let code = u16::from_be_bytes([b[0], b[1]]) & 0x0FFF;
            json!({"V": bit(b[0], 7), "G": bit(b[0], 6), "L": bit(b[0], 5),
                   "Mode3A": format!("{code:04o}")})
        }
        ("I090", 2) => json!({"V": bit(b[0], 7), "G": bit(b[0], 6),
                               "FL": signed(be(b), 14) as f64 / 4.0}),
        ("I130", _) => {
            let names = compound_names(48, "I130");
            let mut m = Map::new();
            for (slot, part) in compound_parts(def.format, b) {
                let (Some(&name), Some(&v)) = (names.get(slot), part.first()) else {
                    continue;
                };
                let val: Value = match name {
                    "SRL" | "PRL" => (f64::from(v) * 360.0 / 8192.0).into(),
                    "SRR" => v.into(),
                    "SAM" | "PAM" => (v as i8).into(),
                    "RPD" => (f64::from(v as i8) / 256.0).into(),
                    "APD" => (f64::from(v as i8) * 360.0 / 16384.0).into(),
                    _ => continue,
                };
                m.insert(name.into(), val);
            }
            Value::Object(m)
        }
        ("I220", 3) => json!({"ACAddr": hex(b)}),
        ("I240", 6) => json!({"TId": icao_chars(b.try_into().ok()?)}),
        ("I250", _) => Value::Array(
            b.get(1..)?
                .chunks_exact(8)
                .map(|c| {
                    json!({"MBDATA": hex(&c[..7]), "BDS": hex(&c[7..]),
                           "BDS1": c[7] >> 4, "BDS2": c[7] & 0xF})
                })
                .collect(),
        ),
        ("I161", 2) => json!({"Tn": u16::from_be_bytes([b[0], b[1]]) & 0x0FFF}),
        ("I042", 4) => json!({
            "X": f64::from(i16::from_be_bytes([b[0], b[1]])) / 128.0,
            "Y": f64::from(i16::from_be_bytes([b[2], b[3]])) / 128.0,
        }),
        ("I200", 4) => json!({
            "CGS": u16_at(b, 0) / 16384.0 * 3600.0,
            "CHdg": u16_at(b, 2) * 360.0 / 65536.0,
        }),
        ("I170", _) => {
            let o = *b.first()?;
            json!({"CNF": bit(o, 7), "RAD": (o >> 5) & 3, "DOU": bit(o, 4), "MAH": bit(o, 3),
                   "CDM": (o >> 1) & 3, "FX": last_fx(b), "raw": hex(b)})
        }
        ("I110", 2) => json!({"3D_Height": signed(be(b), 14) as f64 * 25.0}),
        ("I230", 2) => {
            let v = u16::from_be_bytes([b[0], b[1]]);
            json!({"COM": v >> 13, "STAT": (v >> 10) & 7, "SI": (v >> 9) & 1,
                   "ModeSSSC": (v >> 7) & 1, "ARC": (v >> 6) & 1, "AIC": (v >> 5) & 1,
                   "BDS16": (v >> 4) & 1, "BDS37": v & 0xF})
        }
        _ => return None,
    })
}

fn cat034_item(def: &ItemDef, b: &[u8]) -> Option<Value> {
    Some(match (def.id, b.len()) {
        ("I010", 2) => json!({"SAC": b[0], "SIC": b[1]}),
        ("I000", 1) => json!({"MsgTyp": b[0]}),
        ("I030", 3) => json!({"ToD": be(b) as f64 / 128.0}),
        ("I020", 1) => json!({"Azi": f64::from(b[0]) * 360.0 / 256.0}),
        ("I041", 2) => json!({"RotS": u16_at(b, 0) / 128.0}),
        ("I070", _) => Value::Array(
            b.get(1..)?
                .chunks_exact(2)
                .map(|c| {
                    let v = u16::from_be_bytes([c[0], c[1]]);
                    json!({"TYP": v >> 11, "COUNT": v & 0x07FF})
                })
                .collect(),
        ),
        ("I090", 2) => json!({
            "RNG": f64::from(b[0] as i8) / 128.0,
            "AZM": f64::from(b[1] as i8) * 360.0 / 16384.0,
        }),
        ("I100", 8) => json!({
            "RHOST": u16_at(b, 0) / 256.0, "RHOEND": u16_at(b, 2) / 256.0,
            "THETAST": u16_at(b, 4) * 360.0 / 65536.0, "THETAEND": u16_at(b, 6) * 360.0 / 65536.0,
        }),
        ("I110", 1) => json!({"TYP": b[0]}),
        ("I120", 8) => {
            let deg = 180.0 / f64::from(1u32 << 23);
            json!({
                "Height": f64::from(i16::from_be_bytes([b[0], b[1]])),
                "LAT": signed(be(&b[2..5]), 24) as f64 * deg,
                "Lon": signed(be(&b[5..8]), 24) as f64 * deg,
            })
        }
        _ => return None,
    })
}
