//! The `copydesk serve` page end to end: the real binary serves the real
//! page to headless Chromium driven by playwright-core
//! (`tests/serve_e2e/page.mjs`), with axe-core run in each state.
//! Screenshots, axe results and the downloaded record go to
//! `target/e2e-serve/`. Tools come from `scripts/setup/45-serve.sh`.

mod common;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};

use common::{copydesk, require_tool};

struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_page_walks_a_post_from_draft_to_ready() {
    let Some(node) = require_tool("node", "COPYDESK_NODE") else {
        return;
    };
    let Some(chromium) = require_tool("chromium", "COPYDESK_CHROMIUM") else {
        return;
    };
    let Some(modules) = require_tool("serve-e2e-node-modules", "COPYDESK_SERVE_E2E_MODULES") else {
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let root = dir.path();
    std::fs::write(
        root.join("copydesk.toml"),
        "[sharing]\nkey_messages = [\"messages/search.txt\"]\n\n[sharing.limits.linkedin]\nfold_chars = 140\n",
    )
    .expect("a guide");
    std::fs::create_dir_all(root.join("messages")).expect("messages folder");
    std::fs::write(
        root.join("messages/search.txt"),
        "Our new search finds answers in every document you keep.\n",
    )
    .expect("a key message");
    std::fs::create_dir_all(root.join("drafts")).expect("drafts folder");
    std::fs::write(
        root.join("drafts/note.md"),
        "A short note about the release.\n",
    )
    .expect("a draft");

    let mut child = Killed(
        copydesk()
            .args(["serve", "--port", "0"])
            .arg(root)
            .env_remove("COPYDESK_SERVE_TOKEN")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("copydesk serve starts"),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().expect("piped"))
        .read_line(&mut line)
        .expect("serve prints its URL");
    let url = line
        .trim()
        .strip_prefix("copydesk serve: ")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_owned();

    let artifacts = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/e2e-serve");
    let _ = std::fs::remove_dir_all(&artifacts);
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/serve_e2e/page.mjs");
    let status = Command::new(node)
        .arg(script)
        .env("SERVE_URL", &url)
        .env("SERVE_FOLDER", root)
        .env("E2E_MODULES", modules)
        .env("CHROMIUM", chromium)
        .env("ARTIFACTS", &artifacts)
        .status()
        .expect("node runs");
    assert!(
        status.success(),
        "the browser flow failed (screenshots in {})",
        artifacts.display()
    );
    for shot in [
        "1-findings",
        "2-fixed",
        "3-x-thread",
        "4-ready",
        "5-stale-save",
    ] {
        assert!(
            artifacts.join(format!("{shot}.png")).is_file(),
            "{shot}.png saved"
        );
    }
}
