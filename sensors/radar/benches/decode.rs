//! Decode throughput over Croatia Control's `cat_034_048.pcap` sample (its 100 UDP
//! payloads, 128 CAT048 + 34 CAT034 records), without JSON rendering. Reports
//! records per second via criterion's element throughput. Skips itself when
//! `../../../shared` is not there.
//!
//!     cargo bench -p cuenca-radar --bench decode

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use cuenca_radar::{Cat048, Decoder};
use std::hint::black_box;

const PAYLOADS: &str =
    "../../../shared/corpora/derived/asterix_decoder_0.7.11/cat_034_048.pcap.payloads.hex";

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .filter_map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

fn bench(c: &mut Criterion) {
    let Ok(text) = std::fs::read_to_string(PAYLOADS) else {
        eprintln!("note: {PAYLOADS} not found; skipping the decode benchmark");
        return;
    };
    let datagrams: Vec<Vec<u8>> = text.lines().map(|l| unhex(l.trim())).collect();
    let mut dec = Decoder::new();
    let records: usize = datagrams
        .iter()
        .map(|d| dec.decode(d).map_or(0, |r| r.len()))
        .sum();
    let mut g = c.benchmark_group("radar_decode");
    g.throughput(Throughput::Elements(records as u64));
    g.bench_function("cat_034_048_records", |b| {
        b.iter(|| {
            let mut dec = Decoder::new();
            let mut out = Vec::with_capacity(256);
            for d in &datagrams {
                let _ = dec.decode_into(black_box(d), &mut out);
            }
            black_box(out.len())
        })
    });
    g.bench_function("cat_034_048_records_and_cat048_fields", |b| {
        b.iter(|| {
            let mut dec = Decoder::new();
            let mut out = Vec::with_capacity(256);
            let mut n = 0usize;
            for d in &datagrams {
                let _ = dec.decode_into(black_box(d), &mut out);
            }
            for r in &out {
                n += usize::from(Cat048::from_record(r).rho_theta.is_some());
            }
            black_box(n)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
