//! Field-by-field comparison with Croatia Control's `asterix` decoder (0.7.11, the
//! oracle): its JSON decodes of `cat_034_048.pcap` and `cat048.raw` in
//! `../shared/corpora/derived/asterix_decoder_0.7.11/`. Run with `--nocapture` to
//! see the per-field table. Skips itself when `../shared` is absent.

mod common;

use common::{pcap_udp_payloads, read, read_bytes, unhex};
use cuenca_radar::{to_json, Cat034, Cat048, Decoder, Plot};
use serde_json::Value;
use std::collections::BTreeMap;

const DERIVED: &str = "derived/asterix_decoder_0.7.11";

/// Fields compared, as (category, item, oracle field). Our JSON uses the same names.
const KEY_FIELDS: &[(u64, &str, &str)] = &[
    (48, "I010", "SAC"),
    (48, "I010", "SIC"),
    (48, "I140", "ToD"),
    (48, "I040", "RHO"),
    (48, "I040", "THETA"),
    (48, "I070", "Mode3A"),
    (48, "I090", "FL"),
    (48, "I220", "ACAddr"),
    (48, "I240", "TId"),
    (48, "I161", "Tn"),
    (34, "I010", "SAC"),
    (34, "I010", "SIC"),
    (34, "I000", "MsgTyp"),
    (34, "I030", "ToD"),
];

/// The oracle prints CAT034 I120 latitude/longitude with a rounded LSB
/// (2.145767e-5 instead of 180/2^23 = 2.1457672e-5 deg), so they differ from the
/// exact scale by up to 4e-6 deg (under 0.5 m); those two compare within 1e-5 deg.
fn same(cat: u64, item: &str, a: &Value, b: &Value) -> bool {
    let tol = if (cat, item) == (34, "I120") {
        1e-5
    } else {
        1e-9
    };
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => (x - y).abs() <= tol * x.abs().max(1.0),
        _ => a == b,
    }
}

/// (field name, our value, oracle value) for every oracle field with a `val`,
/// looking one level into nested (compound) fields.
fn push<'a>(flat: &mut Vec<(String, &'a Value, &'a Value)>, mine: &'a Value, fields: &'a Value) {
    for (name, f) in fields.as_object().into_iter().flatten() {
        if let Some(val) = f.get("val") {
            flat.push((name.clone(), &mine[name.as_str()], val));
        } else if let Some(sub) = f.as_object() {
            for (name2, f2) in sub {
                if let Some(val) = f2.get("val") {
                    flat.push((name2.clone(), &mine[name2.as_str()], val));
                }
            }
        }
    }
}

#[derive(Default)]
struct Tally {
    /// (cat, item, field) -> (compared, matched)
    fields: BTreeMap<(u64, String, String), (u32, u32)>,
    records: u32,
    hex_equal: u32,
}

impl Tally {
    fn compare(&mut self, ours: &Value, oracle: &Value) {
        self.records += 1;
        if ours["hexdata"] == oracle["hexdata"] {
            self.hex_equal += 1;
        }
        let cat = oracle["category"].as_u64().unwrap_or(0);
        let Some(obj) = oracle.as_object() else {
            return;
        };
        for (item, fields) in obj.iter().filter(|(k, _)| k.starts_with('I')) {
            // Flat items compare field by field; compound items (I130: `{"SRLP":
            // {"SRL": …}}`) one level down; repetitive items (lists) element by element.
            let mut flat: Vec<(String, &Value, &Value)> = Vec::new();
            match fields {
                Value::Array(list) => {
                    for (i, el) in list.iter().enumerate() {
                        push(&mut flat, &ours[item.as_str()][i], el);
                    }
                }
                _ => push(&mut flat, &ours[item.as_str()], fields),
            }
            for (name, mine, val) in flat {
                if mine.is_null() && !KEY_FIELDS.contains(&(cat, item.as_str(), name.as_str())) {
                    continue; // a field we do not print (spare, FX, deeper extents)
                }
                let e = self
                    .fields
                    .entry((cat, item.clone(), name.clone()))
                    .or_default();
                e.0 += 1;
                if same(cat, item, mine, val) {
                    e.1 += 1;
                } else if e.0 - e.1 <= 3 {
                    eprintln!("mismatch {cat}/{item}/{name}: ours {mine} oracle {val}");
                }
            }
        }
    }

    fn print(&self, title: &str) -> (u32, u32) {
        eprintln!(
            "== {title}: {} records, {} with identical bytes",
            self.records, self.hex_equal
        );
        let (mut n, mut ok) = (0, 0);
        for ((cat, item, field), (c, m)) in &self.fields {
            eprintln!("  CAT{cat:03} {item}/{field:<10} {m}/{c}");
            n += c;
            ok += m;
        }
        eprintln!("  all compared fields: {ok}/{n}");
        (n, ok)
    }

    fn key(&self, cat: u64, item: &str, field: &str) -> (u32, u32) {
        self.fields
            .get(&(cat, item.to_string(), field.to_string()))
            .copied()
            .unwrap_or_default()
    }
}

fn oracle_records(name: &str) -> Option<Vec<Value>> {
    let text = read(&format!("{DERIVED}/{name}.records.jsonl"))?;
    Some(
        text.lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect(),
    )
}

fn compare_payloads(name: &str, payloads: &[Vec<u8>]) -> Option<Tally> {
    let oracle = oracle_records(name)?;
    let mut dec = Decoder::new();
    let mut ours = Vec::new();
    for (i, p) in payloads.iter().enumerate() {
        let recs = dec.decode(p).unwrap_or_else(|e| panic!("payload {i}: {e}"));
        ours.extend(recs.into_iter().map(|r| (i, r)));
    }
    assert_eq!(dec.stats().refused(), 0);
    assert_eq!(ours.len(), oracle.len(), "record count");
    let mut t = Tally::default();
    for ((i, r), o) in ours.iter().zip(&oracle) {
        if let Some(pi) = o.get("payload_index").and_then(Value::as_u64) {
            assert_eq!(*i as u64, pi, "record order");
        }
        t.compare(&to_json(r), o);
    }
    Some(t)
}

fn assert_keys_all_match(t: &Tally) {
    for &(cat, item, field) in KEY_FIELDS {
        let (n, ok) = t.key(cat, item, field);
        assert_eq!(ok, n, "CAT{cat:03} {item}/{field}: {ok}/{n}");
    }
}

#[test]
fn cat_034_048_pcap_payloads_match_the_oracle() {
    let Some(text) = read(&format!("{DERIVED}/cat_034_048.pcap.payloads.hex")) else {
        return;
    };
    let payloads: Vec<Vec<u8>> = text.lines().map(|l| unhex(l.trim())).collect();
    let Some(t) = compare_payloads("cat_034_048.pcap", &payloads) else {
        return;
    };
    let (n, ok) = t.print("cat_034_048.pcap");
    assert_eq!(t.records, 162);
    assert_eq!(t.hex_equal, t.records);
    assert_keys_all_match(&t);
    assert_eq!(ok, n, "every compared field");
    // Every key field was actually compared.
    assert!(t.key(48, "I240", "TId").0 >= 100);
    assert!(t.key(48, "I040", "RHO").0 >= 100);
}

/// The typed view ([`Cat048`], [`Cat034`]) against the oracle, for the key fields.
#[test]
fn typed_fields_match_the_oracle() {
    let (Some(text), Some(oracle)) = (
        read(&format!("{DERIVED}/cat_034_048.pcap.payloads.hex")),
        oracle_records("cat_034_048.pcap"),
    ) else {
        return;
    };
    let mut records = Vec::new();
    let mut dec = Decoder::new();
    for l in text.lines() {
        dec.decode_into(&unhex(l.trim()), &mut records).unwrap();
    }
    assert_eq!(records.len(), oracle.len());
    let val = |o: &Value, item: &str, f: &str| o[item][f]["val"].clone();
    let (mut n, mut ok) = (0, 0);
    let mut check = |mine: Value, theirs: Value| {
        if theirs.is_null() && mine.is_null() {
            return;
        }
        n += 1;
        if same(0, "", &mine, &theirs) {
            ok += 1;
        } else {
            eprintln!("typed mismatch: ours {mine} oracle {theirs}");
        }
    };
    for (r, o) in records.iter().zip(&oracle) {
        if r.category() == 48 {
            let c = Cat048::from_record(r);
            check(c.sac_sic.map(|s| s.0).into(), val(o, "I010", "SAC"));
            check(c.sac_sic.map(|s| s.1).into(), val(o, "I010", "SIC"));
            check(c.time_of_day_s.into(), val(o, "I140", "ToD"));
            check(c.rho_theta.map(|p| p.0).into(), val(o, "I040", "RHO"));
            check(c.rho_theta.map(|p| p.1).into(), val(o, "I040", "THETA"));
            check(
                c.mode3a.map(|m| format!("{:04}", m.squawk())).into(),
                val(o, "I070", "Mode3A"),
            );
            check(c.flight_level.map(|f| f.fl).into(), val(o, "I090", "FL"));
            check(
                c.aircraft_address.map(|a| format!("{a:06X}")).into(),
                val(o, "I220", "ACAddr"),
            );
            check(c.identification.clone().into(), val(o, "I240", "TId"));
            check(c.track_number.into(), val(o, "I161", "Tn"));
            check(c.height_3d_ft.into(), val(o, "I110", "3D_Height"));
        } else {
            let c = Cat034::from_record(r);
            check(c.message_type.into(), val(o, "I000", "MsgTyp"));
            check(c.time_of_day_s.into(), val(o, "I030", "ToD"));
            check(c.sector_deg.into(), val(o, "I020", "Azi"));
            check(c.rotation_period_s.into(), val(o, "I041", "RotS"));
        }
    }
    eprintln!("typed fields: {ok}/{n}");
    assert!(n >= 1416, "{n} fields compared");
    assert_eq!(ok, n);
}

#[test]
fn pcap_framing_gives_the_same_payloads_as_the_derived_hex() {
    let (Some(pcap), Some(text)) = (
        read_bytes("asterix_croatiacontrol/install/sample_data/cat_034_048.pcap"),
        read(&format!("{DERIVED}/cat_034_048.pcap.payloads.hex")),
    ) else {
        return;
    };
    let from_pcap = pcap_udp_payloads(&pcap);
    let from_hex: Vec<Vec<u8>> = text.lines().map(|l| unhex(l.trim())).collect();
    assert_eq!(from_pcap.len(), 100);
    assert_eq!(from_pcap, from_hex);
    let mut dec = Decoder::new();
    let mut records = Vec::new();
    for p in &from_pcap {
        dec.decode_into(p, &mut records)
            .expect("every block decodes");
    }
    let n048 = records.iter().filter(|r| r.category() == 48).count();
    let n034 = records.iter().filter(|r| r.category() == 34).count();
    assert_eq!((n048, n034), (128, 34), "as MANIFEST.md counts them");
    let plots = records
        .iter()
        .filter_map(|r| Plot::from_cat048(&Cat048::from_record(r)))
        .count();
    assert!(plots >= 120, "{plots} plots");
}

#[test]
fn cat048_raw_matches_the_oracle() {
    let Some(raw) = read_bytes("asterix_croatiacontrol/install/sample_data/cat048.raw") else {
        return;
    };
    let Some(t) = compare_payloads("cat048.raw", &[raw]) else {
        return;
    };
    let (n, ok) = t.print("cat048.raw");
    assert_eq!(t.records, 1);
    assert_keys_all_match(&t);
    assert_eq!(ok, n);
}

#[test]
fn cat048_raw_typed_fields() {
    let Some(raw) = read_bytes("asterix_croatiacontrol/install/sample_data/cat048.raw") else {
        return;
    };
    let recs = Decoder::new().decode(&raw).expect("decodes");
    let r = Cat048::from_record(&recs[0]);
    assert_eq!(r.sac_sic, Some((25, 201)));
    assert_eq!(r.time_of_day_s, Some(27354.6015625));
    assert_eq!(r.rho_theta, Some((197.68359375, 340.13671875)));
    assert_eq!(r.mode3a.map(|m| m.squawk()), Some(1000));
    assert_eq!(r.flight_level.map(|f| f.fl), Some(330.0));
    assert_eq!(r.aircraft_address, Some(0x3C660C));
    assert_eq!(r.identification.as_deref(), Some("DLH65A  "));
    assert_eq!(r.track_number, Some(3563));
    assert_eq!(r.mb_data.len(), 1);
    let plot = Plot::from_cat048(&r).expect("a plot");
    assert_eq!(plot.identity.callsign.as_deref(), Some("DLH65A"));
    assert_eq!(plot.identity.squawk, Some(1000));
}

#[test]
fn cat034_raw_decodes() {
    // No oracle output upstream for this file; checked by hand against CAT034 1.29.
    let Some(raw) = read_bytes("asterix_croatiacontrol/asterix/sample_data/cat034.raw") else {
        return;
    };
    let recs = Decoder::new().decode(&raw).expect("decodes");
    assert_eq!(recs.len(), 1);
    let r = Cat034::from_record(&recs[0]);
    assert_eq!(r.sac_sic, Some((25, 14)));
    assert_eq!(r.message_type, Some(2));
    assert_eq!(r.time_of_day_s, Some(f64::from(0x3A692B) / 128.0));
    assert_eq!(r.sector_deg, Some(90.0));
    let j = to_json(&recs[0]);
    assert_eq!(j["I050"]["COM"], "40");
    assert_eq!(j["I050"]["SSR"], "40");
    assert_eq!(j["I060"]["COM"], "00");
}

/// Upstream's own expected text output (`install/sample_output/cat_034_048.txt`),
/// record by record: bytes, then the key fields it prints (values in parentheses
/// are rounded to 7 decimals).
#[test]
fn upstream_text_output_matches() {
    let (Some(txt), Some(pcap)) = (
        read("asterix_croatiacontrol/install/sample_output/cat_034_048.txt"),
        read_bytes("asterix_croatiacontrol/install/sample_data/cat_034_048.pcap"),
    ) else {
        return;
    };
    let mut records = Vec::new();
    let mut dec = Decoder::new();
    for p in pcap_udp_payloads(&pcap) {
        dec.decode_into(&p, &mut records).unwrap();
    }
    let blocks: Vec<&str> = txt.split("Data Record ").skip(1).collect();
    assert_eq!(blocks.len(), records.len());
    // The number in parentheses after `label: raw (`, or the text after `label: `.
    fn field<'a>(block: &'a str, label: &str) -> Option<&'a str> {
        let line = block.lines().find(|l| l.trim_start().starts_with(label))?;
        let rest = line.trim_start()[label.len()..].strip_prefix(": ")?;
        Some(match rest.split_once(" (") {
            Some((_, v)) => v.split_whitespace().next().unwrap_or(""),
            None => rest,
        })
    }
    let num = |s: Option<&str>| s.and_then(|s| s.parse::<f64>().ok());
    let close = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-6,
        (a, b) => a.is_none() && b.is_none(),
    };
    let (mut n, mut ok) = (0u32, 0u32);
    let mut tally = |good: bool, what: &str, i: usize| {
        n += 1;
        if good {
            ok += 1;
        } else {
            eprintln!("record {i}: {what} differs");
        }
    };
    for (i, (r, b)) in records.iter().zip(&blocks).enumerate() {
        let hex = field(b, "HexData").unwrap_or("");
        tally(to_json(r)["hexdata"] == hex, "bytes", i);
        if r.category() == 48 {
            let c = Cat048::from_record(r);
            tally(
                close(c.time_of_day_s, num(field(b, "Time Of Day"))),
                "ToD",
                i,
            );
            tally(
                close(c.rho_theta.map(|p| p.0), num(field(b, "RHO"))),
                "RHO",
                i,
            );
            tally(
                close(c.rho_theta.map(|p| p.1), num(field(b, "THETA"))),
                "THETA",
                i,
            );
            let fl = c.flight_level.map(|f| f.fl);
            tally(close(fl, num(field(b, "FlightLevel"))), "FL", i);
            let m3a = c.mode3a.map(|m| format!("{:04}", m.squawk()));
            tally(
                m3a.as_deref() == field(b, "Mode-3/A reply code"),
                "Mode3A",
                i,
            );
            let addr = c.aircraft_address.map(|a| format!("{a:06X}"));
            tally(addr.as_deref() == field(b, "AircraftAddress"), "ACAddr", i);
            let tn = c.track_number.map(f64::from);
            tally(close(tn, num(field(b, "Track Number"))), "Tn", i);
            // Trailing blanks are not preserved reliably in the text; compare trimmed.
            let id = c.identification.as_deref().map(str::trim_end);
            let theirs = field(
                b,
                "Characters 1-8 (coded on 6 bits each) defining target identification",
            );
            tally(id == theirs.map(str::trim_end), "TId", i);
        } else {
            let c = Cat034::from_record(r);
            tally(
                close(c.time_of_day_s, num(field(b, "Time of day"))),
                "ToD",
                i,
            );
        }
    }
    eprintln!("upstream text: {ok}/{n} fields");
    assert!(n > 1000);
    assert_eq!(ok, n);
}
