//! Hostile input never panics: random bytes, random printable lines, valid framing
//! around random payloads (every message type and length), and mutated real
//! sentences. Every outcome is a message, nothing, or a counted error.

use cuenca_ais::{to_gpsd_json, to_gpsd_json_unscaled, Decoder};
use proptest::prelude::*;

fn with_checksum(body: &str) -> String {
    let cs = body.bytes().fold(0u8, |a, b| a ^ b);
    format!("!{body}*{cs:02X}")
}

fn exercise(dec: &mut Decoder, line: &[u8]) {
    let before = dec.stats().lines;
    match dec.feed_bytes(line) {
        Ok(Some(d)) => {
            // Rendering must not panic either.
            let _ = to_gpsd_json(&d.message);
            let _ = to_gpsd_json_unscaled(&d.message);
        }
        Ok(None) => {}
        Err(e) => assert!(dec.stats().errors(e.reason()) > 0),
    }
    assert_eq!(dec.stats().lines, before + 1);
}

const ARMOR: &str = "0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVW`abcdefghijklmnopqrstuvw";

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn random_bytes(lines in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..200), 1..8)) {
        let mut dec = Decoder::new();
        for l in &lines {
            exercise(&mut dec, l);
        }
    }

    #[test]
    fn random_printable_lines(lines in prop::collection::vec("[ -~]{0,120}", 1..8)) {
        let mut dec = Decoder::new();
        for l in &lines {
            exercise(&mut dec, l.as_bytes());
        }
    }

    #[test]
    fn valid_framing_random_payloads(
        parts in prop::collection::vec(
            (prop::sample::select(vec!["AI", "AB", "BS", "--", "SA"]),
             1u8..4, 0u8..10, prop::sample::select(vec!["A", "B", "", "1"]),
             prop::collection::vec(prop::sample::select(ARMOR.chars().collect::<Vec<_>>()), 0..90),
             0u8..7), 1..12)
    ) {
        let mut dec = Decoder::new();
        for (talker, total, seq, chan, chars, fill) in parts {
            let payload: String = chars.into_iter().collect();
            for num in 1..=total {
                let body = format!("{talker}VDM,{total},{num},{seq},{chan},{payload},{fill}");
                exercise(&mut dec, with_checksum(&body).as_bytes());
            }
        }
    }

    #[test]
    fn every_type_every_length(ty in 0u8..64, rest in prop::collection::vec(prop::sample::select(ARMOR.chars().collect::<Vec<_>>()), 0..170), fill in 0u8..6) {
        let first = ARMOR.chars().nth(usize::from(ty)).unwrap_or('0');
        let payload: String = std::iter::once(first).chain(rest).collect();
        let mut dec = Decoder::new();
        exercise(&mut dec, with_checksum(&format!("AIVDM,1,1,,A,{payload},{fill}")).as_bytes());
    }

    #[test]
    fn mutated_real_sentences(pos in 0usize..80, byte in any::<u8>(), which in 0usize..4) {
        let real = [
            "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A",
            "\\s:rORBCOMM104,q:u,c:1418172113,T:2014-12-10 00.41.53*55\\!AIVDM,1,1,,B,13F?Vv700<DJuLEtvep`iToV0<00,0*78",
            "$PGHP,1,2010,6,11,11,46,11,390,231,45,992190934,1,2B*5B",
            "!AIVDM,2,1,1,A,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C",
        ];
        let mut line = real[which].as_bytes().to_vec();
        let p = pos % line.len();
        line[p] = byte;
        let mut dec = Decoder::new();
        exercise(&mut dec, &line);
        exercise(&mut dec, b"!AIVDM,2,2,1,A,88888888880,2*25");
    }
}
