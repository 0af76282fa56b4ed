//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod fuzz;
pub mod llama;
pub mod nvim;

use std::path::PathBuf;
use std::process::{Command, Output};

/// The `copydesk` binary under test.
pub fn copydesk() -> Command {
    Command::new(env!("CARGO_BIN_EXE_copydesk"))
}

/// Run copydesk with `args` in `dir`, with colour off.
pub fn run_in(dir: &std::path::Path, args: &[&str]) -> Output {
    copydesk()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("copydesk runs")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Find an external tool for an end-to-end test: the path in `env_var` if
/// set, else `name` on PATH. When it is missing, the test is skipped with a
/// visible message, unless `COPYDESK_REQUIRE_E2E=1` (set by `scripts/test`),
/// where a missing tool is a failure.
pub fn require_tool(name: &str, env_var: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(env_var).map(PathBuf::from)
        && path.exists()
    {
        return Some(path);
    }
    if let Some(found) = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    }) {
        return Some(found);
    }
    skip(&format!(
        "{name} not found (set {env_var} or put it on PATH; scripts/test installs it)"
    ));
    None
}

/// Skip an end-to-end test with a visible message, or fail it when
/// `COPYDESK_REQUIRE_E2E=1` (set by `scripts/test`), where nothing may skip.
pub fn skip(reason: &str) {
    let message = format!("SKIPPED: {reason}");
    if std::env::var("COPYDESK_REQUIRE_E2E").as_deref() == Ok("1") {
        panic!("{message}, and COPYDESK_REQUIRE_E2E=1 makes a skip a failure");
    }
    // Not `eprintln!`: the test harness captures that. Writing to the
    // stderr handle shows the skip in a plain `cargo test` run.
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{message}");
}

/// Record consent for `guide`'s `[llm]` connection in the config folder
/// `config`, as a writer does (`copydesk trust --yes`). Run copydesk with
/// `COPYDESK_CONFIG_DIR=config` for the consent to count.
pub fn trust(config: &std::path::Path, guide: &std::path::Path) {
    let output = try_trust(config, guide);
    assert!(
        output.status.success(),
        "copydesk trust {}: {}{}",
        guide.display(),
        stdout(&output),
        stderr(&output)
    );
}

/// `copydesk trust --yes guide` with `COPYDESK_CONFIG_DIR=config`, whatever
/// its outcome (a guide that does not load cannot be trusted).
pub fn try_trust(config: &std::path::Path, guide: &std::path::Path) -> Output {
    copydesk()
        .args(["trust", "--yes"])
        .arg(guide)
        .env("COPYDESK_CONFIG_DIR", config)
        .env("NO_COLOR", "1")
        .output()
        .expect("copydesk trust runs")
}

/// A checker for `guide` running only `select` (all rules when empty), with
/// `--platform` set to `platforms` and today pinned to 2026-11-23.
pub fn share_checker(
    guide: std::sync::Arc<copydesk::guide::Guide>,
    select: &[&str],
    platforms: &[&str],
) -> copydesk::check::Checker {
    copydesk::check::Checker::new(
        guide,
        copydesk::check::CheckOptions {
            select: select.iter().map(|s| s.to_string()).collect(),
            platforms: platforms.iter().map(|s| s.to_string()).collect(),
            today: (2026, 11, 23),
            ..copydesk::check::CheckOptions::default()
        },
    )
}

/// A temporary folder with `files` (relative path, contents) written into it.
pub fn folder_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (name, contents) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("a relative path")).expect("folders");
        std::fs::write(path, contents).expect("a fixture file");
    }
    dir
}

/// A corpus folder: `$variable`, else `../shared/corpus/<folder>` beside
/// the repository, or beside the main checkout when this is a git worktree.
pub fn corpus_at(variable: &str, folder: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(variable) {
        return Some(PathBuf::from(path)).filter(|p| p.is_dir());
    }
    let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut candidates = vec![repo.join("../shared/corpus").join(folder)];
    if let Ok(out) = Command::new("git")
        .args(["rev-parse", "--path-format=absolute", "--git-common-dir"])
        .current_dir(repo)
        .output()
        && out.status.success()
    {
        let common_dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if let Some(main) = common_dir.parent() {
            candidates.push(main.join("../shared/corpus").join(folder));
        }
    }
    candidates.into_iter().find(|p| p.is_dir())
}
