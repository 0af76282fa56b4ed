//! The layering between top-level modules (ARCHITECTURE.md, "Layering"):
//! `scripts/module-cycles.py --top` finds no import cycle in `src/`, and it
//! does refuse one.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common;

fn module_cycles(args: &[&str]) -> Option<Output> {
    let python = common::require_tool("python3", "COPYDESK_PYTHON")?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/module-cycles.py");
    let output = std::process::Command::new(python)
        .arg(script)
        .args(args)
        .output()
        .expect("python3 runs");
    Some(output)
}

#[test]
fn no_import_cycle_between_top_level_modules() {
    let Some(output) = module_cycles(&["--top"]) else {
        return;
    };
    assert!(
        output.status.success(),
        "module-cycles.py --top: {}{}",
        common::stdout(&output),
        common::stderr(&output)
    );
    assert_eq!(common::stdout(&output).trim(), "no import cycles");
}

#[test]
fn a_cycle_between_top_level_modules_fails_the_check() {
    let tree = common::folder_with(&[
        ("lib.rs", "pub mod guide;\npub mod rules;\npub mod text;\n"),
        (
            "guide/mod.rs",
            "use crate::text::words;\n// crate::rules in a comment does not count\n",
        ),
        ("rules/mod.rs", "use crate::guide::Guide;\n"),
        ("text.rs", "pub fn words() {}\n"),
    ]);
    let root: PathBuf = tree.path().to_path_buf();
    let root = root.to_str().expect("a UTF-8 temp path");
    let Some(clean) = module_cycles(&["--top", "--root", root]) else {
        return;
    };
    assert!(clean.status.success(), "{}", common::stdout(&clean));

    // The guide now reaches back up to the rules.
    std::fs::write(
        tree.path().join("guide/mod.rs"),
        "use crate::text::words;\nfn hint() { crate::rules::registry(); }\n",
    )
    .expect("a temp file");
    let Some(cycle) = module_cycles(&["--top", "--root", root]) else {
        return;
    };
    assert_eq!(cycle.status.code(), Some(1), "{}", common::stdout(&cycle));
    let report = common::stdout(&cycle);
    assert!(report.contains("cycle: guide <-> rules"), "{report}");
    assert!(
        report.contains("guide -> rules  (guide/mod.rs)"),
        "{report}"
    );
    assert!(
        report.contains("rules -> guide  (rules/mod.rs)"),
        "{report}"
    );
}
