//! The `copydesk serve` page's editor bundle (`src/serve/page/editor.js`,
//! CodeMirror 6 built by `scripts/build-serve-editor`) is committed, so
//! `cargo install` needs no Node. These tests fail when it is stale: its
//! first line records a hash of the files it is built from, and, where the
//! npm packages are installed, a fresh build must give the same bytes.

use crate::common;

use std::path::{Path, PathBuf};

const INPUTS: [&str; 4] = [
    "build.mjs",
    "entry.mjs",
    "package.json",
    "package-lock.json",
];

fn editor_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/serve/page/editor")
}

fn bundle() -> String {
    std::fs::read_to_string(editor_dir().join("../editor.js")).expect("the bundle is committed")
}

/// FNV-1a (64-bit) over the inputs, as build.mjs computes it.
fn inputs_hash() -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for name in INPUTS {
        let bytes = std::fs::read(editor_dir().join(name)).expect("an input of the bundle");
        for byte in bytes {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[test]
fn the_editor_bundle_is_built_from_the_committed_sources() {
    let bundle = bundle();
    let first = bundle.lines().next().unwrap_or_default();
    let recorded = first
        .split("inputs fnv1a64 ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no inputs hash in the bundle's first line: {first}"));
    assert_eq!(
        recorded,
        inputs_hash(),
        "src/serve/page/editor.js is stale: run scripts/build-serve-editor and commit it"
    );
    // The parts the page uses are in it.
    assert!(bundle.contains("var CopydeskEditor="));
    assert!(bundle.contains("cm-lintRange"));
}

#[test]
fn a_fresh_build_gives_the_same_bytes() {
    let Some(node) = common::require_tool("node", "COPYDESK_NODE") else {
        return;
    };
    // The locked packages: installed in the clone by scripts/build-serve-editor,
    // or cached outside it by scripts/setup/46-serve-editor.sh (scripts/test).
    let out = tempfile::tempdir().expect("a temporary folder");
    let build_dir = if editor_dir().join("node_modules/esbuild").is_dir() {
        editor_dir()
    } else if let Some(modules) = std::env::var_os("COPYDESK_SERVE_EDITOR_MODULES") {
        // A copy of the inputs beside a link to the cached packages: the
        // build reads only its own folder, so it gives the same bytes.
        let copy = out.path().join("editor");
        std::fs::create_dir(&copy).expect("a folder for the inputs");
        for name in INPUTS {
            std::fs::copy(editor_dir().join(name), copy.join(name)).expect("an input copied");
        }
        std::os::unix::fs::symlink(modules, copy.join("node_modules"))
            .expect("a link to the cached packages");
        copy
    } else {
        common::skip(
            "the editor's npm packages are not installed (scripts/build-serve-editor, or COPYDESK_SERVE_EDITOR_MODULES from scripts/setup/46-serve-editor.sh)",
        );
        return;
    };
    let fresh = out.path().join("editor.js");
    let status = std::process::Command::new(node)
        .arg(build_dir.join("build.mjs"))
        .env("EDITOR_OUT", &fresh)
        .status()
        .expect("node runs");
    assert!(status.success());
    assert!(
        std::fs::read_to_string(&fresh).expect("built") == bundle(),
        "src/serve/page/editor.js differs from a fresh build: run scripts/build-serve-editor and commit it"
    );
}
