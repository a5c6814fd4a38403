//! Helpers shared by the end-to-end tests: free ports, a running `cuenca`, plain HTTP.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

pub fn cuenca() -> Command {
    Command::new(env!("CARGO_BIN_EXE_cuenca"))
}

/// Runs `cuenca ARGS` with `input` on its standard input.
pub fn cuenca_with_stdin(args: &[&str], input: &str) -> std::process::Output {
    let mut child = cuenca()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("cuenca starts");
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(input.as_bytes())
            .expect("stdin takes the input");
    }
    child.wait_with_output().expect("cuenca finishes")
}

pub fn repo_file(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(rel)
}

/// Writes the embedded configuration to `dir/cuenca.toml` with zenoh listening on
/// loopback port `zenoh`, the audit log in `dir` (not the source tree), and `edit`
/// applied; returns its path.
pub fn write_config(dir: &std::path::Path, zenoh: u16, edit: impl Fn(String) -> String) -> PathBuf {
    let text = std::fs::read_to_string(repo_file("config/cuenca.toml")).expect("config");
    let text = text.replacen(
        "listen = [\"tcp/127.0.0.1:7447\"]",
        &format!("listen = [\"tcp/127.0.0.1:{zenoh}\"]"),
        1,
    );
    let audit = dir.join("audit.jsonl");
    let text = text.replacen(
        "path = \"var/audit.jsonl\"",
        &format!("path = {:?}", audit.display().to_string()),
        1,
    );
    let path = dir.join("cuenca.toml");
    std::fs::write(&path, edit(text)).expect("write config");
    path
}

/// A `cuenca serve` process, killed on drop.
pub struct Server {
    pub child: Child,
    pub http: u16,
    pub zenoh: u16,
    /// The configuration file the server runs on.
    pub config: PathBuf,
    _dir: tempdir::TempDir,
}

pub mod tempdir {
    /// A directory removed on drop (std only, so tests need no extra crate).
    pub struct TempDir(pub std::path::PathBuf);
    impl TempDir {
        pub fn new(tag: &str) -> TempDir {
            let p = std::env::temp_dir().join(format!(
                "cuenca-{tag}-{}-{}",
                std::process::id(),
                super::free_port()
            ));
            std::fs::create_dir_all(&p).expect("temp dir");
            TempDir(p)
        }
    }
    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

impl Server {
    /// Starts `cuenca serve` on the embedded config with zenoh listening on a free
    /// loopback port and `edit` applied to the config text.
    pub fn start(edit: impl Fn(String) -> String) -> Server {
        let dir = tempdir::TempDir::new("serve");
        let (http, zenoh) = (free_port(), free_port());
        let path = write_config(&dir.0, zenoh, edit);
        let child = cuenca()
            .args(["serve", "--config"])
            .arg(&path)
            .args(["--http", &format!("127.0.0.1:{http}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("cuenca serve starts");
        let s = Server {
            child,
            http,
            zenoh,
            config: path,
            _dir: dir,
        };
        s.wait_ready();
        s
    }

    fn wait_ready(&self) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            if let Ok((200, _)) = get(self.http, "/readyz") {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("cuenca serve was not ready within 30 s");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The demo admin token (USA): sees every all-member sensor and COL's radar.
pub const ADMIN: &str = "demo-usa-admin";

/// A plain HTTP/1.1 GET on loopback without credentials: (status, body).
pub fn get(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    request(port, path, &[])
}

/// A GET with `Authorization: Bearer token`.
pub fn get_as(port: u16, path: &str, token: &str) -> std::io::Result<(u16, String)> {
    request(port, path, &[("Authorization", &format!("Bearer {token}"))])
}

/// A GET as the demo admin.
pub fn api(port: u16, path: &str) -> std::io::Result<(u16, String)> {
    get_as(port, path, ADMIN)
}

fn request(port: u16, path: &str, headers: &[(&str, &str)]) -> std::io::Result<(u16, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(Duration::from_secs(5)))?;
    let mut req = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes())?;
    let mut buf = String::new();
    s.read_to_string(&mut buf)?;
    let status = buf
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = buf
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, body))
}
