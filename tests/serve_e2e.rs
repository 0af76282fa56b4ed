//! The `copydesk serve` page end to end: the real binary serves the real
//! page to headless Chromium driven by playwright-core
//! (`tests/serve_e2e/page.mjs`), with axe-core run in each state.
//! Screenshots, axe results and the downloaded record go to
//! `target/e2e-serve/`. Tools come from `scripts/setup/45-serve.sh`.

use crate::common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{copydesk, require_tool};

pub(crate) struct Killed(pub(crate) std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Node, Chromium and the page test's node modules (playwright-core,
/// axe-core), or `None` after a visible skip.
pub(crate) fn browser_tools() -> Option<(std::path::PathBuf, std::path::PathBuf, std::path::PathBuf)>
{
    let node = require_tool("node", "COPYDESK_NODE")?;
    let chromium = require_tool("chromium", "COPYDESK_CHROMIUM")?;
    let modules = require_tool("serve-e2e-node-modules", "COPYDESK_SERVE_E2E_MODULES")?;
    Some((node, chromium, modules))
}

#[test]
fn the_page_walks_a_post_from_draft_to_ready() {
    let Some((node, chromium, modules)) = browser_tools() else {
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

    let mut command = copydesk();
    command.args(["serve", "--port", "0"]).arg(root);
    let mut child = start(command);
    let url = first_url(&mut child);
    let artifacts = artifacts("e2e-serve");
    let mut node = browser(&node, "page.mjs", &url, &modules, &chromium, &artifacts);
    let status = node.env("SERVE_FOLDER", root).status().expect("node runs");
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

#[test]
fn the_page_tightens_with_the_local_model() {
    let Some((node, chromium, modules)) = browser_tools() else {
        return;
    };
    let Some(server) = require_tool("llama-server", "COPYDESK_LLAMA_SERVER") else {
        return;
    };
    let Some(model) = common::llama::require_model() else {
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let port = common::llama::free_port();
    let _llama = common::llama::start(&server, &model, port, &dir.path().join("llama.log"));
    std::fs::write(
        dir.path().join("copydesk.toml"),
        format!(
            "[llm]\nbase_url = \"http://127.0.0.1:{port}/v1\"\nmodel = \"smollm2\"\ntimeout_secs = 120\nmax_concurrency = 1\ntemperature = 0.2\n"
        ),
    )
    .expect("a guide");
    let config = dir.path().join("config");
    common::trust(&config, &dir.path().join("copydesk.toml"));
    let mut command = copydesk();
    command
        .args(["serve", "--port", "0"])
        .current_dir(dir.path())
        .env("COPYDESK_CACHE_DIR", dir.path().join("cache"))
        .env("COPYDESK_CONFIG_DIR", &config);
    let mut child = start(command);
    let url = first_url(&mut child);
    let artifacts = artifacts("e2e-serve-model");
    let status = browser(&node, "model.mjs", &url, &modules, &chromium, &artifacts)
        .status()
        .expect("node runs");
    assert!(
        status.success(),
        "the Tighten flow failed (see {})",
        artifacts.display()
    );
    let outcome =
        std::fs::read_to_string(artifacts.join("tighten-outcome.txt")).expect("an outcome");
    assert!(
        outcome.starts_with("accepted\n") || outcome.starts_with("reason\n"),
        "{outcome}"
    );
    let review =
        std::fs::read_to_string(artifacts.join("review-outcome.txt")).expect("the review step ran");
    assert!(
        review.starts_with("Model review") || review.starts_with("No model answers"),
        "{review}"
    );
}

pub(crate) fn first_url(child: &mut Killed) -> String {
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().expect("piped"))
        .read_line(&mut line)
        .expect("serve prints its URL");
    line.trim()
        .strip_prefix("copydesk serve: ")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_owned()
}

pub(crate) fn start(mut command: Command) -> Killed {
    Killed(
        command
            .env_remove("COPYDESK_SERVE_TOKEN")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("copydesk serve starts"),
    )
}

/// `target/NAME`, emptied.
pub(crate) fn artifacts(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Node running `tests/serve_e2e/SCRIPT` against the page at `url`.
pub(crate) fn browser(
    node: &Path,
    script: &str,
    url: &str,
    modules: &Path,
    chromium: &Path,
    artifacts: &Path,
) -> Command {
    let mut command = Command::new(node);
    command
        .arg(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("tests/serve_e2e")
                .join(script),
        )
        .env("SERVE_URL", url)
        .env("E2E_MODULES", modules)
        .env("CHROMIUM", chromium)
        .env("ARTIFACTS", artifacts);
    command
}
