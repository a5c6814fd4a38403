//! The pyais-generated set (`corpora/generated/ais_random.{nmea,json}`, made by
//! `corpora/gen_ais.py`): 200 random type 1/5/18/24 messages, some VDO, some
//! multi-sentence. Each entry's `expected` (pyais' decode, cross-checked with
//! libais) is compared field by field with our decode.

mod common;

use common::read_shared;
use cuenca_ais::{to_gpsd_json, Decoder, Message};
use serde_json::{json, Value};

/// Our view of a message under pyais' field names.
fn pyais_view(m: &Message) -> Value {
    let mut v = to_gpsd_json(m);
    let o = v.as_object_mut().expect("object");
    o.insert("msg_type".into(), json!(m.msg_type()));
    if let Some(t) = o.remove("shiptype") {
        o.insert("ship_type".into(), t);
    }
    match m {
        Message::Position(p) => {
            o.insert("turn".into(), json!(p.turn_deg_per_min()));
        }
        Message::StaticVoyage(s) => {
            for (k, x) in [
                ("month", s.month),
                ("day", s.day),
                ("hour", s.hour),
                ("minute", s.minute),
            ] {
                o.insert(k.into(), json!(x));
            }
        }
        Message::ClassBPosition(b) => {
            o.insert("assigned".into(), json!(b.assigned));
        }
        Message::StaticDataA(_) => {
            o.insert("partno".into(), json!(0));
        }
        Message::StaticDataB(b) => {
            o.insert("partno".into(), json!(1));
            // M.1371-4 splits the old 7-character vendor id into a 3-character
            // manufacturer id, a model code and a serial number.
            let vendor: String = b.vendorid.as_str().chars().take(3).collect();
            o.insert("vendorid".into(), json!(vendor));
        }
        _ => {}
    }
    v
}

fn same(key: &str, e: &Value, a: &Value) -> bool {
    match (e, a) {
        (Value::Number(x), Value::Number(y)) => {
            let tol = if key == "lat" || key == "lon" {
                1e-6
            } else {
                1e-3
            };
            (x.as_f64().unwrap_or(f64::NAN) - y.as_f64().unwrap_or(f64::NAN)).abs() <= tol
        }
        (Value::Bool(b), Value::Number(n)) => n.as_u64() == Some(u64::from(*b)),
        (Value::String(x), Value::String(y)) => {
            x.trim_end_matches(['@', ' ']) == y.trim_end_matches(['@', ' '])
        }
        _ => e == a,
    }
}

#[test]
fn pyais_generated_messages_match() {
    let (Some(nmea), Some(json)) = (
        read_shared("corpora/generated/ais_random.nmea"),
        read_shared("corpora/generated/ais_random.json"),
    ) else {
        return;
    };
    let entries: Vec<Value> = serde_json::from_str(&json).expect("generated json");
    // The whole stream through one decoder, as a receiver would deliver it.
    let mut dec = Decoder::new();
    let ours: Vec<_> = nmea
        .lines()
        .filter_map(|l| dec.feed_line(l).ok().flatten())
        .collect();
    assert_eq!(ours.len(), entries.len(), "message count");
    let (mut msgs_ok, mut fields, mut fields_ok) = (0, 0, 0);
    let mut bad = Vec::new();
    let mut vdo = 0;
    for (e, d) in entries.iter().zip(&ours) {
        let sentences = e["sentences"].as_array().map_or(0, Vec::len);
        assert_eq!(usize::from(d.meta.sentences), sentences);
        let is_vdo = e["sentences"][0]
            .as_str()
            .is_some_and(|s| s.contains("VDO"));
        assert_eq!(d.meta.own_ship, is_vdo);
        vdo += usize::from(is_vdo);
        let a = pyais_view(&d.message);
        let mut ok = true;
        for (k, ev) in e["expected"].as_object().into_iter().flatten() {
            fields += 1;
            match a.get(k) {
                Some(av) if same(k, ev, av) => fields_ok += 1,
                av => {
                    ok = false;
                    bad.push(format!("msg {} {k}: pyais {ev} ours {av:?}", e["idx"]));
                }
            }
        }
        msgs_ok += usize::from(ok);
    }
    println!(
        "generated: {msgs_ok}/{} messages match on every field ({vdo} VDO); fields {fields_ok}/{fields}",
        entries.len()
    );
    for b in bad.iter().take(20) {
        println!("  {b}");
    }
    assert!(bad.is_empty(), "{} field mismatches", bad.len());
}
