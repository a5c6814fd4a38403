//! Nothing from outside may panic: random bytes and random lines through every
//! entry point, and framing that survives any chunking.

use cuenca_adsb::{parse_avr, parse_sbs, to_json, BeastReader, Decoder};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn beast_random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600), cut in 1usize..50) {
        let mut r = BeastReader::new();
        let mut dec = Decoder::with_reference(10.0, -75.0);
        for c in bytes.chunks(cut) {
            for f in r.feed(c) {
                if let Ok(d) = dec.decode_frame(&f, 0.0) {
                    let _ = to_json(&d);
                }
            }
        }
    }

    #[test]
    fn beast_biased_bytes_never_panic(bytes in proptest::collection::vec(prop_oneof![Just(0x1au8), Just(b'1'), Just(b'2'), Just(b'3'), any::<u8>()], 0..600)) {
        let mut r = BeastReader::new();
        let mut dec = Decoder::new();
        for f in r.feed(&bytes) {
            let _ = dec.decode_frame(&f, 0.0);
        }
        // The buffer never holds more than one partial frame.
        prop_assert!(r.stats().accepted as usize <= bytes.len() / 11);
    }

    #[test]
    fn decoder_random_frames_never_panic(df in 0u8..32, rest in proptest::collection::vec(any::<u8>(), 13), t in -1e6f64..1e6) {
        let mut dec = Decoder::with_reference(52.0, 4.0);
        let mut f = vec![df << 3 | (rest[0] & 7)];
        f.extend_from_slice(&rest);
        let _ = dec.decode(&f, t);
        let _ = dec.decode(&f[..7], t);
        let _ = dec.decode(&f[..f.len() - 1], t);
    }

    #[test]
    fn lines_never_panic(s in "\\PC{0,80}") {
        let _ = parse_avr(&s);
        let _ = parse_sbs(&s);
        let _ = parse_avr(&format!("*{s};"));
        let _ = parse_sbs(&format!("MSG,{s}"));
    }

    #[test]
    fn avr_hex_lines_never_panic(s in "[*@][0-9A-Fa-fxX]{0,48};?") {
        let _ = parse_avr(&s);
    }

    #[test]
    fn sbs_field_soup_never_panics(fields in proptest::collection::vec("[-0-9.A-Fa-f/: ]{0,8}", 0..26)) {
        let _ = parse_sbs(&format!("MSG,{}", fields.join(",")));
    }

    /// Whatever the chunking, a clean stream gives the same frames.
    #[test]
    fn beast_chunking_is_invisible(cuts in proptest::collection::vec(1usize..30, 1..20)) {
        let mut stream = Vec::new();
        for i in 0..20u8 {
            stream.extend([0x1a, b'3', 0, 0x1a, 0x1a, 0, 0, 0, i, 0x1a, 0x1a]);
            stream.extend([0x8d, 0x40, 0x62, 0x1d, 0x58, 0xc3, 0x82, 0xd6, 0x90, 0xc8, 0xac, 0x28, 0x63, 0xa7]);
        }
        let mut r = BeastReader::new();
        let mut got = Vec::new();
        let mut pos = 0;
        let mut k = 0;
        while pos < stream.len() {
            let n = cuts[k % cuts.len()].min(stream.len() - pos);
            r.feed_into(&stream[pos..pos + n], &mut got);
            pos += n;
            k += 1;
        }
        prop_assert_eq!(got.len(), 20);
        prop_assert_eq!(r.stats().total_errors(), 0);
        prop_assert!(got.iter().all(|f| f.signal == Some(0x1a)));
    }
}

#[test]
fn sbs_lines() {
    let m = parse_sbs("MSG,4,1,1,406B90,1,2016/03/14,23:00:00.000,2016/03/14,23:00:00.000,,,493,284.9,,,-64,,,,,0").expect("velocity line");
    assert_eq!(m.transmission_type, 4);
    assert_eq!(m.ground_speed_kt, Some(493.0));
    assert_eq!(m.vertical_rate_fpm, Some(-64));
    assert_eq!(m.on_ground, Some(false));
    let m = parse_sbs("MSG,1,1,1,406B90,1,2016/03/14,23:00:00.000,2016/03/14,23:00:00.000,EZY85MH ,,,,,,,,,,,0\r\n").expect("id line");
    assert_eq!(m.callsign.as_deref(), Some("EZY85MH"));
    for (line, reason) in [
        ("AIR,,1,1,406B90,1,,,,,,,,,,,,,,,,", "sbs_not_msg"),
        ("MSG,3,1,1,406B90", "sbs_field_count"),
        ("MSG,9,1,1,406B90,1,,,,,,,,,,,,,,,,", "sbs_bad_field"),
        ("MSG,3,1,1,ZZZZZZ,1,,,,,,,,,,,,,,,,", "sbs_bad_field"),
        ("MSG,3,1,1,406B90,1,,,,,,,,,95.0,7.2,,,,,,", "sbs_bad_field"),
        ("MSG,6,1,1,406B90,1,,,,,,,,,,,,7800,,,,", "sbs_bad_field"),
        ("MSG,3,1,1,406B90,1,,,,,,,,,NaN,7.2,,,,,,", "sbs_bad_field"),
    ] {
        assert_eq!(
            parse_sbs(line).map(|_| ()).map_err(|e| e.reason()),
            Err(reason),
            "{line}"
        );
    }
}

#[test]
fn avr_refusals_have_reasons() {
    for (line, reason) in [
        ("8D4840D6202CC371C32CE0576098;", "avr_no_start"),
        ("*8D4840D6202CC371C32CE0576098", "avr_unterminated"),
        ("*8D4840D6202CC371C32CE05760G8;", "avr_bad_hex"),
        ("*8D4840D6202CC371C32CE057609;", "avr_bad_length"),
        ("*8D4840D6202C;", "avr_bad_length"),
        ("@0000A1B2;", "avr_bad_length"),
    ] {
        assert_eq!(
            parse_avr(line).map(|_| ()).map_err(|e| e.reason()),
            Err(reason),
            "{line}"
        );
    }
    assert!(parse_avr("  *5DAD57202809F9;\r\n").is_ok());
    assert!(parse_avr("*A1B2;").is_ok_and(|f| f.is_mode_ac()));
}

#[test]
fn decoder_refusals_have_reasons() {
    let mut dec = Decoder::new();
    // a DF17 with one bit flipped
    let mut f = vec![
        0x8d, 0x40, 0x6b, 0x90, 0x20, 0x15, 0xa6, 0x78, 0xd4, 0xd2, 0x20, 0xaa, 0x4b, 0xda,
    ];
    f[6] ^= 0x10;
    assert_eq!(
        dec.decode(&f, 0.0).map_err(|e| e.reason()).err(),
        Some("bad_crc")
    );
    assert_eq!(
        dec.decode(&f[..7], 0.0).map_err(|e| e.reason()).err(),
        Some("bad_frame_length")
    );
    assert_eq!(
        dec.decode(&[], 0.0).map_err(|e| e.reason()).err(),
        Some("bad_frame_length")
    );
    assert_eq!(dec.stats().errors("bad_crc"), 1);
    assert_eq!(dec.stats().errors("bad_frame_length"), 2);
}

#[test]
fn beast_bad_type_and_stray_escapes_are_counted() {
    let frame = [
        0x1a, b'2', 0, 0, 0, 0, 0, 1, 0x40, 0x5d, 0xad, 0x57, 0x20, 0x28, 0x09, 0xf9,
    ];
    let mut stream = vec![0x1a, b'5', 0x01, 0x02, 0x1a, 0x1a, 0x07];
    stream.extend(frame);
    stream.extend([0x1a, b'1', 0, 0, 0, 0, 0, 2, 0x40, 0x12, 0x34]); // Mode A/C
    let mut r = BeastReader::new();
    let got = r.feed(&stream);
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].to_hex(), "5dad57202809f9");
    assert!(got[1].is_mode_ac());
    let s = r.stats();
    assert_eq!(s.errors("beast_bad_type"), 1);
    assert_eq!(s.errors("beast_junk"), 0); // same run as the bad type
    assert_eq!(s.junk_bytes, 7); // 0x1a, "5", 01, 02, 1a 1a, 07
    let mut dec = Decoder::new();
    assert_eq!(
        dec.decode_frame(&got[1], 0.0).err().map(|e| e.reason()),
        Some("mode_ac")
    );
}
