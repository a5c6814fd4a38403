//! JSON lines and Measurements from a small frame stream with known answers.

use cuenca_adsb::{to_json, to_measurement, Decoder, SensorContext};
use cuenca_model::{MeasurementKind, NationId, ReleaseTo, SensorId, Timestamp};

fn hex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("hex"))
        .collect()
}

/// A DF17 frame for `icao` with the given 7-byte ME field and a correct parity.
fn df17(icao: u32, me: [u8; 7]) -> Vec<u8> {
    let mut f = vec![0x8d, (icao >> 16) as u8, (icao >> 8) as u8, icao as u8];
    f.extend(me);
    f.extend([0, 0, 0]);
    let crc = rs1090::decode::crc::modes_checksum(&f, 112).expect("112 bits");
    f[11] = (crc >> 16) as u8;
    f[12] = (crc >> 8) as u8;
    f[13] = crc as u8;
    f
}

fn ctx() -> SensorContext {
    SensorContext {
        sensor: SensorId::new("nld-adsb-1").expect("id"),
        nation: NationId::new("NLD").expect("nation"),
        release: ReleaseTo::AllMembers,
    }
}

#[test]
fn stream_to_json_and_measurement() {
    let icao = 0x40621D;
    let mut dec = Decoder::new();
    // Identification (callsign from pyModeS' KLM1023 vector, re-addressed).
    let ident = df17(icao, [0x20, 0x2c, 0xc3, 0x71, 0xc3, 0x2c, 0xe0]);
    let d = dec.decode(&ident, 0.0).expect("ident");
    assert_eq!(d.callsign.as_deref(), Some("KLM1023"));
    // Airborne velocity: pyModeS' vector ME (159 kt, 182.88 deg, -832 ft/min).
    let vel = df17(icao, [0x99, 0x44, 0x09, 0x94, 0x08, 0x38, 0x17]);
    let d = dec.decode(&vel, 0.2).expect("velocity");
    assert_eq!(d.vertical_rate_fpm, Some(-832));
    assert!((d.ground_speed_kt.unwrap_or_default() - 159.2).abs() < 0.1);
    // Operational status, version 2, NACp 9 (EPU < 30 m).
    let status = df17(icao, [0xf8, 0, 0, 0, 0, 0x49, 0xb8]);
    let d = dec.decode(&status, 0.3).expect("status");
    assert_eq!(d.nac_p, Some(9), "{d:?}");
    dec.decode(&hex("8D40621D58C382D690C8AC2863A7"), 0.5)
        .expect("even");
    let d = dec
        .decode(&hex("8D40621D58C386435CC412692AD6"), 1.0)
        .expect("odd");
    let j = to_json(&d);
    assert_eq!(j["icao24"], "40621d");
    assert_eq!(j["df"], 17);
    assert_eq!(j["tc"], 11);
    assert_eq!(j["altitude"], 38000);
    assert_eq!(j["cpr"], "odd");
    assert_eq!(j["position_source"], "global");
    assert_eq!(j["timestamp"], 1.0);
    let m = to_measurement(
        &d,
        dec.aircraft(icao),
        &ctx(),
        Timestamp::from_micros(1_000_000),
    )
    .expect("valid")
    .expect("a position");
    assert_eq!(m.kind, MeasurementKind::AdsbReport);
    assert_eq!(m.identity.icao24, Some(icao));
    assert_eq!(m.identity.callsign.as_deref(), Some("KLM1023"));
    let sigma = 30.0 / 2.45;
    assert!((m.accuracy.ee - sigma * sigma).abs() < 1e-9);
    let v = m.velocity.expect("velocity attached");
    assert!((v.up_mps.unwrap_or_default() + 832.0 * 0.3048 / 60.0).abs() < 1e-9);
    assert!(v.north_mps < -80.0); // heading about 183 deg
                                  // A velocity older than 10 s is not attached.
    let d = dec
        .decode(&hex("8D40621D58C382D690C8AC2863A7"), 20.0)
        .expect("even again");
    let m = to_measurement(
        &d,
        dec.aircraft(icao),
        &ctx(),
        Timestamp::from_micros(20_000_000),
    )
    .expect("valid")
    .expect("a position (local against own last)");
    assert!(m.velocity.is_none());
    // Frames without a position give no measurement.
    let d = dec.decode(&vel, 21.0).expect("velocity");
    assert!(
        to_measurement(&d, dec.aircraft(icao), &ctx(), Timestamp::from_micros(0))
            .expect("valid")
            .is_none()
    );
}

/// Single-bit errors on real frames: refused with a reason or decoded, never a panic.
#[test]
fn bit_flips_on_real_frames_never_panic() {
    let frames = [
        "8D40621D58C382D690C8AC2863A7",
        "8D485020994409940838175B284F",
        "8D4840D6202CC371C32CE0576098",
        "a00015b7c26e1370aa00005dd34a",
        "a8000d9fa55a032dbffc000d8123",
        "5DAD57202809F9",
        "02E18E3D81350E",
    ];
    let mut dec = Decoder::with_reference(52.0, 4.0);
    for h in frames {
        let f = hex(h);
        for bit in 0..f.len() * 8 {
            let mut g = f.clone();
            g[bit / 8] ^= 0x80 >> (bit % 8);
            if let Ok(d) = dec.decode(&g, bit as f64) {
                let _ = to_json(&d);
            }
            for other in 0..f.len() * 8 {
                let mut k = g.clone();
                k[other / 8] ^= 0x80 >> (other % 8);
                let _ = dec.decode(&k, 0.0);
            }
        }
    }
    assert!(dec.stats().errors("bad_crc") > 0);
}
