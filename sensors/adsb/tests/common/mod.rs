//! Shared helpers: corpus paths (skipped with a note when absent) and hex.
#![allow(dead_code)]

use std::path::PathBuf;

/// A file under `../shared` (relative to the crate dir), or `None` with a note.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared")
        .join(rel);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("SKIP: {} not found", p.display());
        None
    }
}

pub fn hex(s: &str) -> Vec<u8> {
    let s = s.trim();
    (0..s.len() / 2)
        .map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).expect("test data is hex"))
        .collect()
}

pub fn read_jsonl(p: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(p)
        .expect("readable")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

/// Counts matches of one field and prints the rate.
#[derive(Default)]
pub struct Tally {
    pub checked: usize,
    pub matched: usize,
    pub misses: Vec<String>,
}

impl Tally {
    pub fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        self.checked += 1;
        if ok {
            self.matched += 1;
        } else if self.misses.len() < 5 {
            self.misses.push(what());
        }
    }
    pub fn rate(&self) -> f64 {
        if self.checked == 0 {
            1.0
        } else {
            self.matched as f64 / self.checked as f64
        }
    }
    pub fn report(&self, name: &str) {
        eprintln!(
            "{name}: {}/{} ({:.2}%) {:?}",
            self.matched,
            self.checked,
            100.0 * self.rate(),
            self.misses
        );
    }
}
