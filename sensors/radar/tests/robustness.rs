//! Hostile input: every malformed block gets its typed reason, nothing panics.

mod common;

use cuenca_radar::{to_json, Cat034, Cat048, Decoder, Plot, RadarError, Record};
use proptest::prelude::*;

/// A valid CAT048 block: I010, I140, I020 (2 octets), I040, I130 (SRL, SAM), I250 x1,
/// I170, SP (3 bytes).
fn valid_block() -> Vec<u8> {
    let mut rec = Vec::new();
    // FSPEC: FRN 1-4 (I010 I140 I020 I040) and 7 (I130), FX; FRN 10 (I250) and 14
    // (I170), FX; nothing, FX; FRN 27 (SP).
    let fspec = [0b1111_0011u8, 0b0010_0011, 0b0000_0001, 0b0000_0100];
    rec.extend(fspec);
    rec.extend([25, 201]); // I010
    rec.extend([0x35, 0x6D, 0x4D]); // I140
    rec.extend([0xA1, 0x00]); // I020, two octets
    rec.extend([0xC5, 0xAF, 0xF1, 0xE0]); // I040
    rec.extend([0xA0, 86, 0xB8]); // I130: SRL, SAM
    rec.extend([1, 0xC0, 0x78, 0x00, 0x31, 0xBC, 0x00, 0x00, 0x40]); // I250
    rec.extend([0x40]); // I170
    rec.extend([3, 0xAB, 0xCD]); // SP
    let len = 3 + rec.len();
    let mut b = vec![48, (len >> 8) as u8, len as u8];
    b.extend(rec);
    b
}

fn exercise(records: &[Record]) {
    for r in records {
        let _ = to_json(r);
        let c = Cat048::from_record(r);
        let _ = Plot::from_cat048(&c);
        let _ = Cat034::from_record(r);
    }
}

#[test]
fn the_valid_block_walks() {
    let recs = Decoder::new().decode(&valid_block()).expect("valid");
    assert_eq!(recs.len(), 1);
    let ids: Vec<&str> = recs[0].items().map(|(d, _)| d.id).collect();
    assert_eq!(
        ids,
        ["I010", "I140", "I020", "I040", "I130", "I250", "I170", "SP"]
    );
    let j = to_json(&recs[0]);
    assert_eq!(j["I130"]["SAM"], -72);
    assert_eq!(j["I250"][0]["BDS"], "40");
    assert_eq!(j["SP"]["raw"], "03ABCD");
    assert_eq!(j["I020"]["TST"], 0);
}

fn reason(input: &[u8]) -> &'static str {
    let mut dec = Decoder::new();
    let e = dec.decode(input).expect_err("refused");
    assert_eq!(dec.stats().errors(e.reason()), 1);
    e.reason()
}

#[test]
fn each_malformation_has_its_reason() {
    assert_eq!(reason(&[48, 0]), "truncated");
    assert_eq!(reason(&[48, 0, 2]), "len_mismatch");
    assert_eq!(reason(&[48, 0, 50, 0x80, 1, 2]), "len_mismatch");
    assert_eq!(reason(&[1, 0, 5, 0x80, 0]), "unknown_category");
    assert_eq!(reason(&[48, 0, 3]), "empty_record");
    assert_eq!(reason(&[48, 0, 4, 0x00]), "empty_record");
    assert_eq!(reason(&[48, 0, 5, 0x01, 0x01]), "fspec_overrun");
    assert_eq!(reason(&[48, 0, 5, 0x80, 25]), "item_overrun");
    // I020 extended, FX set on its last byte.
    assert_eq!(reason(&[48, 0, 6, 0x20, 0xA1, 0x01]), "item_overrun");
    // I250 with REP 2 but one element.
    let mut b = vec![48, 0, 0, 0x01, 0x20, 2];
    b.extend([0; 8]);
    b[2] = b.len() as u8;
    assert_eq!(reason(&b), "item_overrun");
    // CAT034 FRN 15 and beyond are undefined.
    assert_eq!(reason(&[34, 0, 7, 0x01, 0x01, 0x40, 0]), "unknown_item");
    // CAT034 I050 selecting a spare subitem slot.
    assert_eq!(reason(&[34, 0, 6, 0x04, 0x40, 0x00]), "unknown_item");
    // SP with length 0.
    assert_eq!(
        reason(&[48, 0, 8, 0x01, 0x01, 0x01, 0x02, 0x00]),
        "bad_explicit_length"
    );
    for r in RadarError::REASONS {
        assert!(!r.is_empty());
    }
}

#[test]
fn a_bad_block_is_skipped_by_len_and_the_next_still_decodes() {
    let mut input = vec![48, 0, 5, 0x80, 25]; // I010 overruns its block
    input.extend(valid_block());
    let mut dec = Decoder::new();
    let mut out = Vec::new();
    let e = dec.decode_into(&input, &mut out).unwrap_err();
    assert_eq!(e, RadarError::ItemOverrun);
    assert_eq!(out.len(), 1);
    assert_eq!(dec.stats().blocks, 1);
    assert_eq!(dec.stats().refused(), 1);
}

#[test]
fn the_croatia_payloads_survive_every_single_byte_truncation() {
    let Some(text) = common::read("derived/asterix_decoder_0.7.11/cat_034_048.pcap.payloads.hex")
    else {
        return;
    };
    let mut dec = Decoder::new();
    for line in text.lines().take(20) {
        let p = common::unhex(line.trim());
        for cut in 0..p.len() {
            if let Ok(r) = dec.decode(&p[..cut]) {
                exercise(&r);
            }
        }
    }
    assert!(dec.stats().refused() > 0);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let mut dec = Decoder::new();
        if let Ok(r) = dec.decode(&bytes) {
            exercise(&r);
        }
    }

    #[test]
    fn random_bytes_after_a_plausible_header_never_panic(
        cat in prop_oneof![Just(48u8), Just(34u8)],
        body in proptest::collection::vec(any::<u8>(), 0..200),
    ) {
        let len = body.len() + 3;
        let mut b = vec![cat, (len >> 8) as u8, len as u8];
        b.extend(body);
        let mut dec = Decoder::new();
        match dec.decode(&b) {
            Ok(r) => exercise(&r),
            Err(e) => prop_assert_eq!(dec.stats().errors(e.reason()), 1),
        }
    }

    #[test]
    fn byte_flips_of_a_valid_block_never_panic(
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..6),
    ) {
        let mut b = valid_block();
        for (i, x) in flips {
            let n = b.len();
            b[i % n] ^= x;
        }
        let mut dec = Decoder::new();
        let mut out = Vec::new();
        let _ = dec.decode_into(&b, &mut out);
        exercise(&out);
        prop_assert_eq!(dec.stats().blocks + dec.stats().refused() >= 1, true);
    }
}

/// The Croatia Control payloads, when `../shared` is there (else one valid block).
fn corpus() -> &'static [Vec<u8>] {
    static C: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    C.get_or_init(|| {
        common::read("derived/asterix_decoder_0.7.11/cat_034_048.pcap.payloads.hex")
            .map(|t| t.lines().map(|l| common::unhex(l.trim())).collect())
            .unwrap_or_else(|| vec![valid_block()])
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn byte_flips_of_real_payloads_never_panic(
        pick in any::<usize>(),
        flips in proptest::collection::vec((any::<usize>(), 1u8..=255), 1..4),
    ) {
        let c = corpus();
        let mut b = c[pick % c.len()].clone();
        for (i, x) in flips {
            let n = b.len();
            b[i % n] ^= x;
        }
        let mut dec = Decoder::new();
        let mut out = Vec::new();
        match dec.decode_into(&b, &mut out) {
            Ok(()) => prop_assert_eq!(dec.stats().refused(), 0),
            Err(e) => prop_assert!(dec.stats().errors(e.reason()) >= 1),
        }
        exercise(&out);
    }
}
