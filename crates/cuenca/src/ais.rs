//! `cuenca ais decode`: NMEA in, gpsd-style JSON out.

use crate::adapter::AdapterArgs;
use anyhow::{Context, Result};
use clap::Args;
use cuenca_ais::{to_gpsd_json, Decoder};
use cuenca_model::{Measurement, MeasurementKind, Timestamp};
use serde_json::{json, Map, Value};
use std::io::{BufWriter, Read, Write};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Args)]
pub struct DecodeArgs {
    /// NMEA file; standard input when absent.
    pub file: Option<PathBuf>,
    /// Print one JSON summary (counts by type, rejections by reason, speed) instead
    /// of each message.
    #[arg(long)]
    pub stats: bool,
}

pub fn decode(a: DecodeArgs) -> Result<()> {
    let input: Box<dyn Read> = match &a.file {
        Some(p) => Box::new(
            std::fs::File::open(p).with_context(|| format!("cannot open {}", p.display()))?,
        ),
        None => Box::new(std::io::stdin().lock()),
    };
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut decoder = Decoder::new();
    let mut by_type = [0u64; 28];
    let start = Instant::now();
    // Lines are cut in place in a large buffer: copying each line out was a
    // measurable share of the whole run.
    let mut lines = ChunkLines::new(input);
    while let Some(line) = lines.next_line()? {
        // Bad lines are counted by the decoder and never stop the stream.
        if let Ok(Some(d)) = decoder.feed_ref(line) {
            if a.stats {
                by_type[usize::from(d.message.msg_type()).min(27)] += 1;
            } else {
                serde_json::to_writer(&mut out, &to_gpsd_json(&d.message))?;
                out.write_all(b"\n")?;
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    let s = decoder.stats();
    if a.stats {
        let rejected: Map<String, Value> = s
            .error_counts()
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| (r.to_string(), json!(n)))
            .collect();
        let summary = json!({
            "messages": s.messages,
            "by_type": by_type
                .iter()
                .enumerate()
                .filter(|(_, n)| **n > 0)
                .map(|(t, n)| (t.to_string(), json!(n)))
                .collect::<Map<_, _>>(),
            "rejected": rejected,
            "incomplete_dropped": s.incomplete_dropped,
            "lines": s.lines,
            "sentences": s.sentences,
            "seconds": seconds,
            "sentences_per_s": s.sentences as f64 / seconds.max(1e-9),
        });
        writeln!(out, "{summary}")?;
    } else if s.total_errors() > 0 {
        let counts: Vec<String> = s
            .error_counts()
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| format!("{r}={n}"))
            .collect();
        tracing::warn!("rejected lines: {}", counts.join(", "));
    }
    out.flush()?;
    Ok(())
}

/// Lines of a reader, cut in place in a 1 MiB buffer (a line longer than the
/// buffer is handed out in buffer-sized pieces, which the decoder refuses).
struct ChunkLines<R> {
    input: R,
    buf: Vec<u8>,
    /// The unread bytes are `buf[start..end]`.
    start: usize,
    end: usize,
    eof: bool,
}

impl<R: Read> ChunkLines<R> {
    fn new(input: R) -> Self {
        ChunkLines {
            input,
            buf: vec![0; 1 << 20],
            start: 0,
            end: 0,
            eof: false,
        }
    }

    fn next_line(&mut self) -> std::io::Result<Option<&[u8]>> {
        loop {
            if let Some(i) = memchr::memchr(b'\n', &self.buf[self.start..self.end]) {
                let line = self.start..self.start + i + 1;
                self.start = line.end;
                return Ok(Some(&self.buf[line]));
            }
            let full = self.start == 0 && self.end == self.buf.len();
            if self.eof || full {
                if self.start == self.end {
                    return Ok(None);
                }
                let line = self.start..self.end;
                self.start = self.end;
                return Ok(Some(&self.buf[line]));
            }
            // Keep the partial line, refill behind it.
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
            let n = loop {
                match self.input.read(&mut self.buf[self.end..]) {
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    r => break r?,
                }
            };
            self.end += n;
            self.eof = n == 0;
        }
    }
}

/// Runs an AIS adapter: feed in, measurements out on zenoh under the sensor's key.
pub fn run(a: AdapterArgs) -> Result<()> {
    crate::adapter::run(a, MeasurementKind::AisReport, |_, ctx| {
        let mut decoder = Decoder::new();
        let mut refused = 0u64;
        let decode = move |line: &[u8], out: &mut Vec<Measurement>| {
            let reason = match decoder.feed_bytes(line) {
                Ok(Some(d)) => match cuenca_ais::to_measurement(&d, &ctx, Timestamp::now()) {
                    Ok(Some(m)) => {
                        out.push(m);
                        return;
                    }
                    Ok(None) => return,
                    Err(e) => e.reason(),
                },
                Ok(None) => return,
                Err(e) => e.reason(),
            };
            refused += 1;
            crate::adapter::sample_refusal(refused, reason, line);
        };
        Ok(decode)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_lines_cut_every_line_once() {
        let text = b"a\nbb\n\nccc".repeat(100_000);
        let mut lines = ChunkLines::new(&text[..]);
        let mut got = Vec::new();
        while let Some(l) = lines.next_line().unwrap() {
            got.extend_from_slice(l);
            assert!(l.len() <= 5);
        }
        assert_eq!(got, text);
        // A line longer than the buffer comes out in pieces, nothing lost.
        let long = vec![b'x'; (1 << 20) + 10];
        let mut lines = ChunkLines::new(&long[..]);
        let mut n = 0;
        while let Some(l) = lines.next_line().unwrap() {
            n += l.len();
        }
        assert_eq!(n, long.len());
    }
}
