//! DF17 throughput: the first 20,000 DF17 frames of adsb_deku's LAX capture
//! (`lax_avr.txt`), through our framing plus rs1090 decoding and CPR state, against
//! rs1090 alone on the same frames. Reports frames per second via criterion's
//! element throughput. Skips itself when `../../../shared` is not there.
//!
//!     cargo bench -p cuenca-adsb --bench decode

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use cuenca_adsb::{decode_message, parse_avr, BeastReader, Decoder, RawFrame};
use rs1090::decode::Message;
use std::hint::black_box;

const LAX: &str = "../../../shared/data/adsb/lax_avr.txt";
const N: usize = 20_000;

fn beast_stream(frames: &[RawFrame]) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, f) in frames.iter().enumerate() {
        out.extend([0x1a, b'3']);
        let ts = (i as u64 * 1_200_000).to_be_bytes();
        for &b in ts[2..].iter().chain([0x40u8].iter()).chain(f.as_bytes()) {
            out.push(b);
            if b == 0x1a {
                out.push(b);
            }
        }
    }
    out
}

fn bench(c: &mut Criterion) {
    let Ok(text) = std::fs::read_to_string(LAX) else {
        eprintln!("note: {LAX} not found; skipping the decode benchmark");
        return;
    };
    let avr_lines: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("*8D") || l.starts_with("*8d"))
        .take(N)
        .collect();
    let frames: Vec<RawFrame> = avr_lines.iter().filter_map(|l| parse_avr(l).ok()).collect();
    let stream = beast_stream(&frames);
    let mut g = c.benchmark_group("adsb_df17");
    g.throughput(Throughput::Elements(frames.len() as u64));
    g.bench_function("rs1090_alone", |b| {
        b.iter(|| {
            let mut n = 0u32;
            for f in &frames {
                if let Ok(m) = Message::try_from(black_box(f.as_bytes())) {
                    n = n.wrapping_add(m.crc);
                }
            }
            n
        })
    });
    g.bench_function("decode_message", |b| {
        b.iter(|| {
            let mut n = 0u32;
            for f in &frames {
                n = n.wrapping_add(u32::from(decode_message(black_box(f.as_bytes())).is_ok()));
            }
            n
        })
    });
    g.bench_function("beast_framing_only", |b| {
        b.iter(|| {
            let mut r = BeastReader::new();
            let mut out = Vec::with_capacity(64);
            let mut n = 0usize;
            for chunk in black_box(&stream).chunks(4096) {
                out.clear();
                r.feed_into(chunk, &mut out);
                n += out.len();
            }
            n
        })
    });
    g.bench_function("beast_framing_decoder_cpr", |b| {
        b.iter(|| {
            let mut r = BeastReader::new();
            let mut dec = Decoder::new();
            let mut out = Vec::with_capacity(64);
            let mut n = 0usize;
            for chunk in black_box(&stream).chunks(4096) {
                out.clear();
                r.feed_into(chunk, &mut out);
                for f in &out {
                    let t = f.timestamp_12mhz.unwrap_or(0) as f64 / 12e6;
                    if let Ok(d) = dec.decode_frame(f, t) {
                        n += usize::from(d.lat.is_some());
                    }
                }
            }
            n
        })
    });
    g.bench_function("avr_framing_decoder_cpr", |b| {
        b.iter(|| {
            let mut dec = Decoder::new();
            let mut n = 0usize;
            for (i, l) in avr_lines.iter().enumerate() {
                if let Ok(f) = parse_avr(black_box(l)) {
                    if let Ok(d) = dec.decode_frame(&f, i as f64 * 0.01) {
                        n += usize::from(d.lat.is_some());
                    }
                }
            }
            n
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
