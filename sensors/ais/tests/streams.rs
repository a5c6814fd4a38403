//! Real receiver streams: AMSA's noisy mixed feed (gzip) must give every valid
//! message and count the rest; the DMA `$PGHP` stream must time every message;
//! pyais' junk-laden samples must never break the decoder.

mod common;

use common::read_shared;
use cuenca_ais::{to_measurement, AisError, Decoder, SensorContext, TimeSource};
use cuenca_model::{NationId, ReleaseTo, SensorId, Timestamp};
use std::collections::HashSet;
use std::process::Command;

fn ctx() -> SensorContext {
    SensorContext {
        sensor: SensorId::new("aus-ais-test").expect("sensor id"),
        nation: NationId::new("AUS").expect("nation"),
        release: ReleaseTo::AllMembers,
    }
}

/// Feeds every line and checks the accounting: each line is a message, a
/// fragment, a `$PGHP`, a blank, or a counted error.
fn run(text: &str) -> (Decoder, Vec<cuenca_ais::Decoded>, u64) {
    let mut dec = Decoder::new();
    let mut out = Vec::new();
    let (mut none, mut err) = (0u64, 0u64);
    let mut examples: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for l in text.lines() {
        match dec.feed_line(l) {
            Ok(Some(d)) => out.push(d),
            Ok(None) => none += 1,
            Err(e) => {
                err += 1;
                let v = examples.entry(e.reason()).or_default();
                if v.len() < 3 {
                    v.push(l);
                }
            }
        }
    }
    for (reason, lines) in &examples {
        println!("  e.g. {reason}: {lines:?}");
    }
    let s = dec.stats();
    assert_eq!(s.lines, text.lines().count() as u64);
    assert_eq!(s.messages, out.len() as u64);
    assert_eq!(s.total_errors(), err);
    assert_eq!(s.lines, s.messages + none + err);
    (dec, out, none)
}

#[test]
fn amsa_mixed_stream_yields_every_message() {
    let path = format!(
        "{}/../../../shared/data/ais/amsa_mixed.nmea.gz",
        env!("CARGO_MANIFEST_DIR")
    );
    if !std::path::Path::new(&path).exists() {
        eprintln!("note: {path} not found; skipping");
        return;
    }
    let out = match Command::new("gunzip").arg("-c").arg(&path).output() {
        Ok(o) if o.status.success() => o.stdout,
        _ => {
            eprintln!("note: gunzip not available; skipping");
            return;
        }
    };
    let text = String::from_utf8_lossy(&out);
    let (dec, msgs, _) = run(&text);
    let s = dec.stats();
    let mmsis: HashSet<u32> = msgs.iter().map(|d| d.message.mmsi()).collect();
    let mut talkers: Vec<String> = msgs
        .iter()
        .map(|d| d.meta.talker().to_string())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    talkers.sort();
    let (mut positions, mut refused) = (0, 0);
    for d in &msgs {
        match to_measurement(d, &ctx(), Timestamp::from_micros(0)) {
            Ok(Some(_)) => positions += 1,
            Ok(None) => {}
            Err(_) => refused += 1,
        }
    }
    println!(
        "amsa: {} lines, {} sentences, {} messages, {} MMSI, talkers {talkers:?}, \
         {} $PGHP, {} incomplete dropped, {positions} measurements ({refused} refused positions), \
         errors {:?}",
        s.lines,
        s.sentences,
        s.messages,
        mmsis.len(),
        s.pghp,
        s.incomplete_dropped,
        s.error_counts().collect::<Vec<_>>()
    );
    // The data's provenance note counts 34,013 AIS messages: that is the number of
    // VDM/VDO sentences with a valid checksum, and we accept every one of them.
    assert_eq!(s.sentences, 34_013);
    // Of those, 4 are first fragments whose second fragment never comes (talker
    // "=I"; one is replaced by a new first fragment with the same sequence id, the
    // others are still pending at the end) and 24 are single sentences that are
    // not valid messages: 21 type 6 of 72 bits (no DAC/FID; M.1371 needs 88), a
    // type 8 of 40 bits, a lone type 5 of 216 bits (of 424) and a type 63.
    // gpsd refuses the same 24. Everything else decodes.
    assert_eq!(s.error_count(AisError::TruncatedPayload), 23);
    assert_eq!(s.error_count(AisError::UnknownMessageType), 1);
    assert_eq!(s.incomplete_dropped, 1);
    assert_eq!(s.messages, 34_013 - 4 - 24);
    // The note's 2,324 MMSI include the senders of those refused sentences.
    assert_eq!(mmsis.len(), 2_321);
}

#[test]
fn dma_pghp_stream_times_every_message() {
    let Some(text) = read_shared("data/ais/dma_stream_example.nmea") else {
        return;
    };
    let (dec, msgs, _) = run(&text);
    let s = dec.stats();
    let timed = msgs
        .iter()
        .filter(|d| d.meta.time_source == Some(TimeSource::Pghp))
        .count();
    let mmsis: HashSet<u32> = msgs.iter().map(|d| d.message.mmsi()).collect();
    let first = msgs.iter().filter_map(|d| d.meta.time).min();
    let last = msgs.iter().filter_map(|d| d.meta.time).max();
    println!(
        "dma: {} messages, {} MMSI, {timed} timed by $PGHP, {:?} .. {:?}, errors {:?}",
        s.messages,
        mmsis.len(),
        first.map(|t| t.to_string()),
        last.map(|t| t.to_string()),
        s.error_counts().collect::<Vec<_>>()
    );
    // Provenance: 4,051 $PGHP time stamps, 4,051 AIS messages, 1,933 MMSI.
    assert_eq!(s.pghp, 4_051);
    assert_eq!(s.messages, 4_051);
    assert_eq!(timed, 4_051);
    assert_eq!(mmsis.len(), 1_933);
    assert_eq!(s.total_errors(), 0);
}

#[test]
fn pyais_samples_with_junk_never_break() {
    let files = [
        "corpora/pyais/tests/nmea_data_sample.txt",
        "corpora/pyais/tests/mixed.txt",
        "corpora/pyais/tests/messages.ais",
        "corpora/pyais/tests/ais_test_messages",
        "corpora/pyais/tests/timestamped.ais",
        "corpora/pyais/examples/gatehouse.nmea",
        "corpora/pyais/examples/sample.ais",
    ];
    for f in files {
        let Some(text) = read_shared(f) else { return };
        let (dec, msgs, _) = run(&text);
        println!(
            "{f}: {} lines, {} messages, errors {:?}",
            dec.stats().lines,
            msgs.len(),
            dec.stats().error_counts().collect::<Vec<_>>()
        );
        assert!(!msgs.is_empty());
    }
}
