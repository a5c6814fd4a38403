//! The generated Beast streams (pyModeS sample frames wrapped with 0x1a escapes in
//! time stamps and signal bytes, plus junk and a truncated frame every 97 frames):
//! every frame must come out, in order, with its time stamp and signal, whatever
//! the chunking; the junk must be counted.

mod common;
use cuenca_adsb::BeastReader;

fn check(stream: &str) {
    let (Some(bin), Some(idx)) = (
        common::shared(&format!("corpora/generated/{stream}")),
        common::shared(&format!("corpora/generated/{stream}.jsonl")),
    ) else {
        return;
    };
    let bytes = std::fs::read(bin).expect("readable");
    let index = common::read_jsonl(&idx);
    let want: Vec<_> = index.iter().filter(|r| r["kind"] == "frame").collect();
    let junk = index.iter().filter(|r| r["kind"] == "junk").count();
    for chunk in [1usize, 2, 3, 7, 23, 64, 4096, bytes.len()] {
        let mut r = BeastReader::new();
        let mut got = Vec::new();
        for c in bytes.chunks(chunk) {
            r.feed_into(c, &mut got);
        }
        assert_eq!(got.len(), want.len(), "{stream} chunk {chunk}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g.to_hex(), w["hex"].as_str().unwrap_or_default());
            assert_eq!(g.timestamp_12mhz, w["timestamp_12mhz"].as_u64());
            assert_eq!(g.signal.map(u64::from), w["signal"].as_u64());
        }
        let s = r.stats();
        assert_eq!(s.accepted as usize, want.len());
        // Each junk insert is one stray byte then a frame cut short by the next start.
        assert_eq!(
            s.errors("beast_truncated") as usize,
            junk,
            "{stream} chunk {chunk}"
        );
        assert_eq!(s.errors("beast_junk") as usize, junk);
        assert_eq!(s.junk_bytes as usize, junk);
        if chunk == 1 {
            eprintln!(
                "{stream}: {} frames out of {} expected, {junk} junk inserts counted: {:?}",
                got.len(),
                want.len(),
                s.nonzero()
            );
        }
    }
}

#[test]
fn pymodes_adsb_beast_every_frame_out_and_junk_counted() {
    check("pymodes_adsb.beast");
}

#[test]
fn pymodes_commb_beast_every_frame_out_and_junk_counted() {
    check("pymodes_commb_df20.beast");
}

/// rs1090's long_flight.csv: one Beast frame per line as hex. Despite what
/// PROVENANCE.md says, the lines are *not* escaped (every line is exactly
/// 2 + 7 + 7 or 14 bytes, with single 0x1a bytes inside), so the test escapes each
/// frame as a receiver would before streaming it through the reader.
#[test]
fn rs1090_long_flight_beast_lines() {
    let Some(p) = common::shared("data/adsb/long_flight_beast.csv") else {
        return;
    };
    let text = std::fs::read_to_string(p).expect("readable");
    let mut r = BeastReader::new();
    let mut dec = cuenca_adsb::Decoder::new();
    let (mut lines, mut frames, mut positions) = (0, 0, 0);
    let mut out = Vec::new();
    for line in text.lines() {
        let Some((t, h)) = line.split_once(',') else {
            continue;
        };
        lines += 1;
        out.clear();
        let raw = common::hex(h);
        let mut esc = raw[..2.min(raw.len())].to_vec();
        for &b in raw.iter().skip(2) {
            esc.push(b);
            if b == 0x1a {
                esc.push(b);
            }
        }
        r.feed_into(&esc, &mut out);
        let t: f64 = t.parse().unwrap_or_default();
        for f in &out {
            frames += 1;
            if let Ok(d) = dec.decode_frame(f, t) {
                positions += usize::from(d.lat.is_some());
            }
        }
    }
    eprintln!(
        "long_flight: {lines} lines, {frames} frames, beast {:?}, decoder {:?}, {positions} positions, {} aircraft",
        r.stats().nonzero(),
        dec.stats().nonzero(),
        dec.aircraft_count()
    );
    assert_eq!(frames, lines);
    assert_eq!(r.stats().total_errors(), 0);
    assert!(positions > 10_000);
}
