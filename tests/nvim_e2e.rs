//! End to end in real Neovim 0.11, headless: the plugin in editors/nvim
//! starts `copydesk lsp`, diagnostics arrive, the preferred quick fix and
//! `:CopydeskFixAll` change the text, and the written files say so.
//! `scripts/setup/30-neovim.sh` installs Neovim and sets `COPYDESK_NVIM`.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const POST: &str = "# Launch\n\nWe rebuilt the editor 😀 in order to ship faster.\n";

const FIX_ALL_POST: &str =
    "# Notes\n\nThe end result is a tool that Github users like.\n\nWe did it in order to help.\n";

#[test]
fn neovim_applies_a_quick_fix_and_fix_all() {
    let Some(nvim) = common::require_tool("nvim", "COPYDESK_NVIM") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::write(root.join("copydesk.toml"), "# test guide\n").expect("guide");
    let post = root.join("post.md");
    let fix_all = root.join("fix-all.md");
    std::fs::write(&post, POST).expect("post");
    std::fs::write(&fix_all, FIX_ALL_POST).expect("post");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));

    let mut child = Command::new(nvim)
        .args(["--headless", "--clean", "-c"])
        .arg(format!(
            "luafile {}",
            manifest.join("tests/nvim/e2e.lua").display()
        ))
        .current_dir(root)
        .env("COPYDESK_PLUGIN", manifest.join("editors/nvim"))
        .env("COPYDESK_BIN", env!("CARGO_BIN_EXE_copydesk"))
        .env("COPYDESK_POST", &post)
        .env("COPYDESK_FIX_ALL_POST", &fix_all)
        // Keep Neovim's state and logs in the temp dir.
        .env("XDG_STATE_HOME", root.join("state"))
        .env("XDG_DATA_HOME", root.join("data"))
        .env("XDG_CONFIG_HOME", root.join("config"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nvim starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("Neovim did not finish in time");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = child.wait_with_output().expect("output");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(status.success(), "nvim failed ({status}):\n{stderr}");

    assert_eq!(
        std::fs::read_to_string(&post).expect("read"),
        "# Launch\n\nWe rebuilt the editor 😀 to ship faster.\n",
        "{stderr}"
    );
    // :CopydeskFixAll gives what `copydesk check --fix` gives.
    let expected = root.join("expected.md");
    std::fs::write(&expected, FIX_ALL_POST).expect("write");
    common::run_in(root, &["check", "--fix", "expected.md"]);
    let expected = std::fs::read_to_string(&expected).expect("read");
    assert_ne!(expected, FIX_ALL_POST);
    assert_eq!(
        std::fs::read_to_string(&fix_all).expect("read"),
        expected,
        "{stderr}"
    );
}
