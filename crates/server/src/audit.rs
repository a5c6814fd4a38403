//! The audit log: one JSON line per request, appended by a writer thread so a slow
//! disk never holds up a request, and rotated by size (`audit.jsonl` →
//! `audit.jsonl.1` → … → `audit.jsonl.<keep>`, the oldest dropped).

use cuenca_config::AuditConfig;
use serde::Serialize;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// One request, as recorded.
#[derive(Debug, Clone, Serialize)]
pub struct Record {
    pub time: cuenca_model::Timestamp,
    /// Nation and label of the token, when one was valid.
    pub nation: Option<String>,
    pub who: Option<String>,
    pub role: Option<&'static str>,
    pub method: String,
    /// Path and query, without any token.
    pub target: String,
    pub status: u16,
    pub remote: Option<String>,
}

/// Why the audit log cannot be opened.
#[derive(Debug, thiserror::Error)]
#[error("audit log {path}: {source}")]
pub struct AuditError {
    pub path: PathBuf,
    pub source: std::io::Error,
}

/// A handle to the writer thread; cheap to clone.
///
/// Requests append to a shared queue without waking anyone; the writer drains it
/// every few milliseconds. A wake-up per request cost more than the whole audit
/// record under load, and the log may lag the request by that period.
#[derive(Debug, Clone)]
pub struct Audit {
    queue: Arc<Mutex<Vec<Record>>>,
    /// Records that could not be written (counted for /metrics).
    pub failures: Arc<AtomicU64>,
    pub written: Arc<AtomicU64>,
    writer: Arc<Mutex<Option<std::thread::JoinHandle<()>>>>,
}

/// How often the writer drains the queue.
const DRAIN_EVERY: std::time::Duration = std::time::Duration::from_millis(20);

impl Audit {
    /// Opens (creating directories) and starts the writer, which runs until every
    /// handle is dropped and the queue is drained.
    pub fn open(cfg: &AuditConfig) -> Result<Audit, AuditError> {
        let err = |source| AuditError {
            path: cfg.path.clone(),
            source,
        };
        if let Some(dir) = cfg.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(err)?;
        }
        let file = open_append(&cfg.path).map_err(err)?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let queue: Arc<Mutex<Vec<Record>>> = Arc::default();
        let failures = Arc::new(AtomicU64::new(0));
        let written = Arc::new(AtomicU64::new(0));
        let mut w = Writer {
            cfg: cfg.clone(),
            out: BufWriter::new(file),
            size,
        };
        let (f2, w2) = (Arc::clone(&failures), Arc::clone(&written));
        // The writer keeps its own reference: when it is the last one, every handle
        // is gone and what it just took is the final batch.
        let q = Arc::clone(&queue);
        let writer = std::thread::Builder::new()
            .name("audit".into())
            .spawn(move || loop {
                let last = Arc::strong_count(&q) == 1;
                let batch = q
                    .lock()
                    .map(|mut v| std::mem::take(&mut *v))
                    .unwrap_or_default();
                for r in &batch {
                    match w.write(r) {
                        Ok(()) => w2.fetch_add(1, Ordering::Relaxed),
                        Err(e) => {
                            tracing::error!(error = %e, "audit record not written");
                            f2.fetch_add(1, Ordering::Relaxed)
                        }
                    };
                }
                if !batch.is_empty() {
                    if let Err(e) = w.out.flush() {
                        tracing::error!(error = %e, "audit log flush failed");
                    }
                }
                if last {
                    break;
                }
                std::thread::sleep(DRAIN_EVERY);
            })
            .map_err(err)?;
        Ok(Audit {
            queue,
            failures,
            written,
            writer: Arc::new(Mutex::new(Some(writer))),
        })
    }

    /// Drops this handle and waits until the writer has written everything queued by
    /// every handle (so call it once the others are gone, at shutdown).
    pub fn close(self) {
        let writer = self.writer.lock().ok().and_then(|mut w| w.take());
        drop(self.queue);
        if let Some(w) = writer {
            let _ = w.join();
        }
    }

    /// Queues a record.
    pub fn record(&self, r: Record) {
        match self.queue.lock() {
            Ok(mut q) => q.push(r),
            Err(_) => {
                self.failures.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

fn open_append(p: &Path) -> std::io::Result<File> {
    OpenOptions::new().create(true).append(true).open(p)
}

struct Writer {
    cfg: AuditConfig,
    out: BufWriter<File>,
    size: u64,
}

impl Writer {
    fn write(&mut self, r: &Record) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(r).map_err(std::io::Error::other)?;
        line.push(b'\n');
        if self.size > 0 && self.size + line.len() as u64 > self.cfg.max_bytes {
            self.rotate()?;
        }
        self.out.write_all(&line)?;
        self.size += line.len() as u64;
        Ok(())
    }

    fn rotate(&mut self) -> std::io::Result<()> {
        self.out.flush()?;
        let name = |k: u32| {
            let mut s = self.cfg.path.clone().into_os_string();
            s.push(format!(".{k}"));
            PathBuf::from(s)
        };
        if self.cfg.keep == 0 {
            std::fs::remove_file(&self.cfg.path)?;
        } else {
            for k in (1..self.cfg.keep).rev() {
                if name(k).exists() {
                    std::fs::rename(name(k), name(k + 1))?;
                }
            }
            std::fs::rename(&self.cfg.path, name(1))?;
        }
        self.out = BufWriter::new(open_append(&self.cfg.path)?);
        self.size = 0;
        Ok(())
    }
}

/// The newest `n` records (current file only), for the admin endpoint.
pub fn tail(path: &Path, n: usize) -> std::io::Result<Vec<serde_json::Value>> {
    let text = std::fs::read_to_string(path)?;
    let lines: Vec<&str> = text.lines().collect();
    Ok(lines[lines.len().saturating_sub(n)..]
        .iter()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(i: u32) -> Record {
        Record {
            time: cuenca_model::Timestamp(i as i64),
            nation: Some("MEX".into()),
            who: Some("test".into()),
            role: Some("viewer"),
            method: "GET".into(),
            target: format!("/api/v1/tracks?limit={i}"),
            status: 200,
            remote: None,
        }
    }

    #[test]
    fn records_append_and_rotate_without_loss() {
        let dir = std::env::temp_dir().join(format!("cuenca-audit-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let cfg = AuditConfig {
            path: dir.join("a/audit.jsonl"),
            max_bytes: 2048,
            keep: 50,
        };
        let a = Audit::open(&cfg).unwrap();
        for i in 0..200 {
            a.record(rec(i));
        }
        a.close();
        let mut all = Vec::new();
        for k in (1..=50).rev() {
            let p = PathBuf::from(format!("{}.{k}", cfg.path.display()));
            if let Ok(t) = std::fs::read_to_string(&p) {
                assert!(t.len() as u64 <= cfg.max_bytes, "{} too big", p.display());
                all.extend(t.lines().map(String::from));
            }
        }
        all.extend(
            std::fs::read_to_string(&cfg.path)
                .unwrap()
                .lines()
                .map(String::from),
        );
        assert_eq!(all.len(), 200, "every record, once, in order");
        for (i, l) in all.iter().enumerate() {
            assert!(l.contains(&format!("limit={i}\"")), "{l}");
        }
        assert_eq!(tail(&cfg.path, 3).unwrap().len(), 3);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
