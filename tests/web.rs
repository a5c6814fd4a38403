//! The web COP in a real browser: `cuenca serve` serves the page, and Playwright drives
//! Debian's Chromium through it (web/e2e/cop.mjs): log in, tracks on the map and in the
//! list, select, filter, screenshot, and a second nation that must not see the first
//! nation's owner-only radar tracks. `web/e2e/setup.sh` installs Chromium and the npm
//! packages; `.ci/run` runs it before the tests.

mod common;

use common::{get, repo_file, Server};
use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn web_cop_in_headless_chromium() {
    let web = repo_file("web");
    let chromium = std::env::var("CUENCA_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "{chromium} is missing: run web/e2e/setup.sh (it installs Debian's chromium)"
    );
    assert!(
        web.join("node_modules/playwright-core").is_dir(),
        "web/node_modules has no playwright-core: run web/e2e/setup.sh"
    );

    // The default configuration: demo traffic, the demo tokens, HND's owner-only radar.
    let server = Server::start(|config| config);
    let (status, body) = get(server.http, "/").expect("GET /");
    assert!(
        status == 200 && body.contains("Cuenca COP"),
        "cuenca serve does not serve the web COP at / (status {status})"
    );
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("web-e2e");
    // Screenshots of an earlier run must not pass for this one's.
    let _ = std::fs::remove_dir_all(&out);
    let status = Command::new("node")
        .arg("e2e/cop.mjs")
        .current_dir(&web)
        .env("CUENCA_URL", format!("http://127.0.0.1:{}/", server.http))
        .env("CUENCA_E2E_OUT", &out)
        .status()
        .expect("node starts (Node.js builds the web COP, so it is installed)");
    assert!(
        status.success(),
        "the browser test failed (its log is above); screenshots in {}",
        out.display()
    );
    for nation in ["hnd", "mex"] {
        let shot = out.join(format!("cop-{nation}.png"));
        assert!(shot.is_file(), "{} was saved", shot.display());
    }
}
