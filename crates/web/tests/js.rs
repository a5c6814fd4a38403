//! The web app's own unit tests (web/test/*.test.js, node's test runner), run here so
//! that `cargo test --workspace` covers them: Node.js is already needed to build.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn web_unit_tests_pass_under_node() {
    let web = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../web");
    let out = Command::new("node")
        .args(["--test", "test/"])
        .current_dir(&web)
        .output()
        .expect("node starts (Node.js builds the web COP, so it is installed)");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "node --test failed:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A run that found no test file passes too: make sure some ran.
    assert!(
        text.lines()
            .any(|l| l.starts_with("# pass ") && l != "# pass 0"),
        "no JavaScript test ran:\n{text}"
    );
}
