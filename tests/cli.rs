//! The real `copydesk` binary on fixture folders: formats, fixes, exit
//! codes, bad input, configuration errors.

use crate::common;

use std::io::Read;
use std::path::Path;
use std::process::Stdio;

use common::{copydesk, run_in, stderr, stdout};

const WORDY: &str = "We worked hard in order to ship faster.\n\nThe end result is a Github app that is really fast.\n";

/// A temporary folder with `files` written into it.
fn folder(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, contents) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
    dir
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn human_format_quotes_underlines_and_helps() {
    let dir = folder(&[("post.md", WORDY.as_bytes())]);
    let output = run_in(dir.path(), &["check", "post.md", "--color", "never"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("human", stdout(&output));
}

#[test]
fn concise_format_is_one_line_per_finding() {
    let dir = folder(&[("post.md", WORDY.as_bytes())]);
    let output = run_in(
        dir.path(),
        &["check", "post.md", "--format", "concise", "--quiet"],
    );
    insta::assert_snapshot!("concise", stdout(&output));
}

#[test]
fn json_format_matches_the_documented_schema() {
    let dir = folder(&[("post.md", "😀 We did this in order to ship.\n".as_bytes())]);
    let output = run_in(
        dir.path(),
        &[
            "check",
            "post.md",
            "--format",
            "json",
            "--select",
            "concise/wordy-phrase",
        ],
    );
    // An info finding: below the default --fail-on warning.
    assert_eq!(output.status.code(), Some(0));
    let json: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("one JSON document");
    assert_eq!(json["version"], 1);
    let finding = &json["files"][0]["findings"][0];
    assert_eq!(json["files"][0]["path"], "post.md");
    assert_eq!(json["files"][0]["error"], serde_json::Value::Null);
    assert_eq!(finding["rule"], "concise/wordy-phrase");
    assert_eq!(finding["severity"], "info");
    assert_eq!(finding["message"], "Wordy phrase “in order to”");
    // "😀 We did this " is 4 + 1 + 12 bytes; columns count characters.
    assert_eq!(
        finding["range"]["start"],
        serde_json::json!({ "offset": 17, "line": 1, "column": 15 })
    );
    assert_eq!(
        finding["range"]["end"],
        serde_json::json!({ "offset": 28, "line": 1, "column": 26 })
    );
    let fix = &finding["fixes"][0];
    assert_eq!(fix["title"], "Replace with “to”");
    assert_eq!(fix["applicability"], "safe");
    assert_eq!(fix["provenance"], "rule");
    assert_eq!(
        fix["edits"],
        serde_json::json!([{ "start": 17, "end": 28, "replacement": "to" }])
    );
    assert_eq!(json["summary"]["files"], 1);
    assert_eq!(json["summary"]["findings"], 1);
    assert_eq!(json["summary"]["errors"], 0);
    assert_eq!(json["summary"]["fixable"], 1);
}

#[test]
fn fix_applies_safe_fixes_and_counts_the_rest() {
    let dir = folder(&[("post.md", WORDY.as_bytes())]);
    // concise/filler is off by default; selecting the categories turns it on.
    let output = run_in(
        dir.path(),
        &[
            "check",
            "--fix",
            "--select",
            "concise,voice/casing",
            "post.md",
        ],
    );
    assert_eq!(
        read(dir.path(), "post.md"),
        "We worked hard to ship faster.\n\nThe result is a GitHub app that is really fast.\n"
    );
    let out = stdout(&output);
    assert!(out.contains("Applied 3 fixes."), "{out}");
    assert!(out.contains("1 more with --unsafe-fixes."), "{out}");
    assert!(out.contains("Rewrote 1 file."), "{out}");

    let output = run_in(
        dir.path(),
        &[
            "check",
            "--fix",
            "--unsafe-fixes",
            "--select",
            "concise,voice/casing",
            "post.md",
        ],
    );
    assert_eq!(
        read(dir.path(), "post.md"),
        "We worked hard to ship faster.\n\nThe result is a GitHub app that is fast.\n"
    );
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn fix_keeps_file_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = folder(&[("post.md", WORDY.as_bytes())]);
    let path = dir.path().join("post.md");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    run_in(dir.path(), &["check", "--fix", "post.md"]);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn diff_prints_and_writes_nothing() {
    let dir = folder(&[("post.md", WORDY.as_bytes())]);
    let output = run_in(dir.path(), &["check", "--diff", "post.md"]);
    assert_eq!(read(dir.path(), "post.md"), WORDY);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("diff", stdout(&output));
    assert!(stderr(&output).contains("Would apply 3 fixes to 1 file."));
    let clean = folder(&[("ok.md", b"We ship on Friday.\n")]);
    assert_eq!(
        run_in(clean.path(), &["check", "--diff", "ok.md"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn stdin_is_checked_and_fixed_to_stdout() {
    let mut child = copydesk()
        .args([
            "check",
            "--stdin",
            "--stdin-filename",
            "post.md",
            "--format",
            "concise",
            "--quiet",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(WORDY.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        stdout(&output).starts_with("post.md:1:16: info [concise/wordy-phrase]"),
        "{}",
        stdout(&output)
    );

    let mut child = copydesk()
        .args(["check", "--stdin", "--fix"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(WORDY.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        stdout(&output),
        "We worked hard to ship faster.\n\nThe result is a GitHub app that is really fast.\n"
    );
}

#[test]
fn exit_codes_follow_fail_on() {
    let dir = folder(&[
        ("info.md", b"We did this in order to ship on Friday.\n"),
        ("ok.md", b"We ship on Friday.\n"),
    ]);
    assert_eq!(
        run_in(dir.path(), &["check", "ok.md"]).status.code(),
        Some(0)
    );
    assert_eq!(
        run_in(dir.path(), &["check", "info.md"]).status.code(),
        Some(0),
        "info is below the default warning"
    );
    assert_eq!(
        run_in(dir.path(), &["check", "info.md", "--fail-on", "info"])
            .status
            .code(),
        Some(1)
    );
    let wordy = folder(&[("post.md", WORDY.as_bytes())]);
    assert_eq!(
        run_in(wordy.path(), &["check", "post.md", "--fail-on", "error"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        run_in(wordy.path(), &["check", "post.md", "--fail-on", "never"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn usage_errors_exit_2() {
    let dir = folder(&[("post.md", b"Hi.\n")]);
    let output = run_in(
        dir.path(),
        &["check", "--select", "concise/wordy-phras", "post.md"],
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("did you mean “concise/wordy-phrase”"),
        "{}",
        stderr(&output)
    );
    assert_eq!(
        run_in(dir.path(), &["check", "--unsafe-fixes", "post.md"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run_in(dir.path(), &["check", "--no-such-flag"])
            .status
            .code(),
        Some(2)
    );
    let missing = run_in(dir.path(), &["check", "missing.md"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("missing.md: no such file or folder"));
}

#[test]
fn unreadable_files_are_reported_and_the_batch_continues() {
    let dir = folder(&[
        ("a-binary.md", b"PNG\0\x01\x02"),
        ("b-latin1.md", b"caf\xe9 in order to\n"),
        ("c-good.md", b"Star us on Github.\n"),
    ]);
    let output = run_in(dir.path(), &["check", ".", "--format", "concise"]);
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(
        out.contains(
            "a-binary.md:1:1: error [io] binary file (contains a NUL byte at offset 3); not checked"
        ),
        "{out}"
    );
    assert!(
        out.contains("b-latin1.md:1:1: error [io] not valid UTF-8 at line 1, byte 3"),
        "{out}"
    );
    assert!(
        out.contains("c-good.md:1:12: warning [voice/casing]"),
        "{out}"
    );
    assert!(out.contains("2 files could not be checked"), "{out}");

    let json = run_in(dir.path(), &["check", ".", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["files"][0]["findings"], serde_json::json!([]));
    assert!(
        json["files"][0]["error"]
            .as_str()
            .unwrap()
            .starts_with("binary file")
    );
    assert_eq!(json["summary"]["errors"], 2);
}

#[test]
fn oversized_files_are_reported() {
    let dir = folder(&[
        ("copydesk.toml", b"[files]\nmax_bytes = 10\n"),
        ("big.md", b"This post is longer than ten bytes.\n"),
    ]);
    let output = run_in(dir.path(), &["check", "big.md", "--format", "concise"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("over the 10-byte limit"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn a_typo_in_the_guide_names_file_line_and_column() {
    let dir = folder(&[
        ("copydesk.toml", b"[voice]\nmax_sentense_words = 20\n"),
        ("post.md", b"Hi.\n"),
    ]);
    let output = run_in(dir.path(), &["check", "post.md"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("copydesk.toml:2:1: unknown field `max_sentense_words`"),
        "{err}"
    );
}

#[test]
fn the_nearest_guide_wins() {
    let dir = folder(&[
        (
            "copydesk.toml",
            b"[rules]\n\"concise/wordy-phrase\" = \"error\"\n",
        ),
        (
            "team/copydesk.toml",
            b"[rules]\n\"concise/wordy-phrase\" = \"off\"\n",
        ),
        ("post.md", b"We did this in order to ship.\n"),
        ("team/post.md", b"We did this in order to ship.\n"),
    ]);
    let output = run_in(
        dir.path(),
        &["check", ".", "--format", "concise", "--quiet"],
    );
    assert_eq!(
        stdout(&output),
        "post.md:1:13: error [concise/wordy-phrase] Wordy phrase “in order to”\n"
    );
    let config = run_in(
        dir.path(),
        &[
            "check",
            ".",
            "--format",
            "concise",
            "--quiet",
            "--config",
            "team/copydesk.toml",
        ],
    );
    assert_eq!(stdout(&config), "");
}

#[test]
fn walks_respect_ignore_files_hidden_files_and_extensions() {
    let dir = folder(&[
        (".gitignore", b"drafts/\n"),
        (".copydeskignore", b"vendor.md\n"),
        ("drafts/a.md", WORDY.as_bytes()),
        ("vendor.md", WORDY.as_bytes()),
        (".hidden/b.md", WORDY.as_bytes()),
        ("notes.rst", WORDY.as_bytes()),
        ("docs/c.md", WORDY.as_bytes()),
        ("docs/d.txt", WORDY.as_bytes()),
    ]);
    let output = run_in(
        dir.path(),
        &[
            "check",
            ".",
            "--format",
            "concise",
            "--quiet",
            "--select",
            "concise/redundancy",
        ],
    );
    let files: Vec<&str> = stdout(&output)
        .lines()
        .map(|l| l.split(':').next().unwrap())
        .map(|s| Box::leak(s.to_owned().into_boxed_str()) as &str)
        .collect();
    assert_eq!(files, ["docs/c.md", "docs/d.txt"]);
    // A file named on the command line is checked whatever its extension.
    let named = run_in(
        dir.path(),
        &[
            "check",
            "notes.rst",
            "--format",
            "concise",
            "--quiet",
            "--select",
            "concise/redundancy",
        ],
    );
    assert!(
        stdout(&named).starts_with("notes.rst:3:5:"),
        "{}",
        stdout(&named)
    );
    // Globs.
    let glob = run_in(
        dir.path(),
        &[
            "check",
            "docs/*.txt",
            "--format",
            "concise",
            "--quiet",
            "--select",
            "concise/redundancy",
        ],
    );
    assert!(
        stdout(&glob).starts_with("docs/d.txt:"),
        "{}",
        stdout(&glob)
    );
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let post = WORDY.repeat(200);
    let dir = folder(&[("post.md", post.as_bytes())]);
    let mut child = copydesk()
        .args(["check", "post.md", "--color", "never"])
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "stderr: {err}");
    assert!(err.is_empty(), "stderr: {err}");
}

#[test]
fn colour_follows_the_flag() {
    let dir = folder(&[("post.md", WORDY.as_bytes())]);
    let always = copydesk()
        .args(["check", "post.md", "--color", "always"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        stdout(&always).contains("\u{1b}["),
        "colour codes with --color always"
    );
    let never = copydesk()
        .args(["check", "post.md", "--color", "never"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!stdout(&never).contains("\u{1b}["));
    let piped = copydesk()
        .args(["check", "post.md"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        !stdout(&piped).contains("\u{1b}["),
        "no colour when stdout is not a terminal"
    );
}

#[test]
fn rules_lists_and_documents() {
    let dir = folder(&[]);
    let list = stdout(&run_in(dir.path(), &["rules"]));
    assert!(list.lines().next().unwrap().starts_with("RULE"));
    let wordy = list
        .lines()
        .find(|l| l.starts_with("concise/wordy-phrase"))
        .unwrap();
    assert!(wordy.contains("info") && wordy.contains("safe"), "{wordy}");
    assert!(
        list.lines()
            .any(|l| l.starts_with("voice/passive") && l.contains("off"))
    );

    let doc = stdout(&run_in(dir.path(), &["rules", "concise/wordy-phrase"]));
    for section in [
        "## What it does",
        "## Why is this bad?",
        "## Example",
        "## Use instead",
        "## Fix safety",
        "## Options",
    ] {
        assert!(doc.contains(section), "missing {section}:\n{doc}");
    }
    assert_eq!(
        run_in(dir.path(), &["rules", "concise/nope"]).status.code(),
        Some(2)
    );
}

#[test]
fn init_writes_a_starter_guide_once() {
    let dir = folder(&[]);
    let first = run_in(dir.path(), &["init"]);
    assert_eq!(first.status.code(), Some(0));
    let written = read(dir.path(), "copydesk.toml");
    assert!(
        written.contains("[voice]") && written.contains("[concise]") && written.contains("[rules]")
    );
    // The starter is a valid guide: checking with it works.
    let post = dir.path().join("post.md");
    std::fs::write(&post, "Hi.\n").unwrap();
    assert_eq!(
        run_in(dir.path(), &["check", "post.md"]).status.code(),
        Some(0)
    );
    let second = run_in(dir.path(), &["init"]);
    assert_eq!(second.status.code(), Some(2));
    assert!(stderr(&second).contains("already exists"));
    assert_eq!(read(dir.path(), "copydesk.toml"), written);
}

#[test]
fn the_clean_folder_exits_zero() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = run_in(root, &["check", "tests/fixtures/clean"]);
    assert_eq!(output.status.code(), Some(0), "{}", stdout(&output));
}

#[test]
fn the_examples_show_findings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = run_in(root, &["check", "examples", "--format", "concise"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).lines().count() > 10);
}

#[test]
fn a_category_typo_is_an_error_and_so_is_a_style_no_guide_loads() {
    let dir = folder(&[("post.md", b"We did this in order to ship.\n")]);
    let typo = run_in(dir.path(), &["check", "--select", "concsie", "post.md"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(
        stderr(&typo).contains("did you mean “concise”"),
        "{}",
        stderr(&typo)
    );
    // A bare name may be a Vale style the guide loads; with none loaded it
    // would select nothing and pass, so it is an error too.
    let style = run_in(dir.path(), &["check", "--select", "Microsoft", "post.md"]);
    assert_eq!(style.status.code(), Some(2), "{}", stderr(&style));
    assert!(
        stderr(&style).contains("“Microsoft” in --select (no Vale styles are loaded)"),
        "{}",
        stderr(&style)
    );
}
