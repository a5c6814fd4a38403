//! Shared helpers: where the corpora are and how to read them.
#![allow(dead_code)]

use std::path::PathBuf;

pub fn corpora() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora")
}

/// The file's text, or `None` (with a note) when `../shared` is absent.
pub fn read(rel: &str) -> Option<String> {
    let p = corpora().join(rel);
    match std::fs::read_to_string(&p) {
        Ok(s) => Some(s),
        Err(_) => {
            eprintln!("note: {} not found; skipping", p.display());
            None
        }
    }
}

pub fn read_bytes(rel: &str) -> Option<Vec<u8>> {
    let p = corpora().join(rel);
    match std::fs::read(&p) {
        Ok(s) => Some(s),
        Err(_) => {
            eprintln!("note: {} not found; skipping", p.display());
            None
        }
    }
}

pub fn unhex(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .filter_map(|i| u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

/// UDP payloads of a classic little-endian pcap of Ethernet/IPv4/UDP frames.
pub fn pcap_udp_payloads(pcap: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let Some(body) = pcap.get(24..) else {
        return out;
    };
    let mut rest = body;
    while rest.len() >= 16 {
        let incl = u32::from_le_bytes([rest[8], rest[9], rest[10], rest[11]]) as usize;
        let Some(frame) = rest.get(16..16 + incl) else {
            break;
        };
        rest = &rest[16 + incl..];
        // Ethernet (14), IPv4 with IHL, UDP (8).
        if frame.len() < 14 + 20 + 8 || frame[12..14] != [0x08, 0x00] {
            continue;
        }
        let ihl = usize::from(frame[14] & 0x0F) * 4;
        let udp = 14 + ihl;
        if frame.get(23) != Some(&17) || frame.len() < udp + 8 {
            continue;
        }
        let ulen = usize::from(u16::from_be_bytes([frame[udp + 4], frame[udp + 5]]));
        let end = (udp + ulen).min(frame.len());
        out.push(frame[udp + 8..end].to_vec());
    }
    out
}
