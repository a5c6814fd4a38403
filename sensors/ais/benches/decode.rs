//! Decode throughput over the DMA stream example (4,051 messages with `$PGHP`
//! lines), without JSON rendering. Reports sentences per second via criterion's
//! element throughput. Skips itself when `../../../shared` is not there.
//!
//!     cargo bench -p cuenca-ais --bench decode

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use cuenca_ais::Decoder;
use std::hint::black_box;

const DMA: &str = "../../../shared/data/ais/dma_stream_example.nmea";

fn bench(c: &mut Criterion) {
    let Ok(text) = std::fs::read_to_string(DMA) else {
        eprintln!("note: {DMA} not found; skipping the decode benchmark");
        return;
    };
    let lines: Vec<&str> = text.lines().collect();
    let sentences: Vec<&str> = lines
        .iter()
        .copied()
        .filter(|l| l.contains("VDM") || l.contains("VDO"))
        .collect();
    let mut g = c.benchmark_group("ais_decode");
    // Every line of the capture, $PGHP included; throughput counted in AIS sentences.
    g.throughput(Throughput::Elements(sentences.len() as u64));
    g.bench_function("dma_stream_with_pghp", |b| {
        b.iter(|| {
            let mut dec = Decoder::new();
            let mut n = 0u32;
            for l in &lines {
                if let Ok(Some(d)) = dec.feed_ref(black_box(l.as_bytes())) {
                    n = n.wrapping_add(d.message.mmsi());
                }
            }
            n
        })
    });
    // The AIS sentences alone: the raw sentence rate.
    g.bench_function("dma_sentences_only", |b| {
        b.iter(|| {
            let mut dec = Decoder::new();
            let mut n = 0u32;
            for l in &sentences {
                if let Ok(Some(d)) = dec.feed_ref(black_box(l.as_bytes())) {
                    n = n.wrapping_add(d.message.mmsi());
                }
            }
            n
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
