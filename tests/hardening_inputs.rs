//! Inputs that used to exhaust memory or time (issue 13), checked by what
//! they produce, never by how long they take: output size per finding on a
//! long line, excerpt windows, how much of standard input is read, how often
//! a broken guide is reported, and that streamed JSON is still the same JSON.

use crate::common;

use std::io::Write;
use std::path::Path;
use std::process::Stdio;

use common::{copydesk, run_in, stderr, stdout};
use serde_json::Value;

use common::folder_with as folder;

/// `copydesk ARGS` in `dir` with standard input and output piped.
fn spawn_with_stdin(dir: &Path, args: &[&str]) -> std::process::Child {
    copydesk()
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// A guide that makes "in order to" a warning (it is info by default), so
/// every repetition of [`dense_line`] is a finding that fails the check.
const WORDY_WARNS: &str = "[rules]\n\"concise/wordy-phrase\" = \"warning\"\n";

/// Words that each make a finding, repeated on one line of about `bytes`.
fn dense_line(bytes: usize) -> String {
    let unit = "We really did it in order to ship. ";
    let mut text = unit.repeat(bytes / unit.len());
    text.push('\n');
    text
}

fn findings_in_human_output(output: &str) -> usize {
    output.lines().filter(|line| line.contains("--> ")).count()
}

#[test]
fn human_output_for_a_long_line_grows_with_findings_not_with_the_line() {
    // 200 KB on one line: each finding used to reprint the whole line, some
    // 2 GB in all. A window around each finding keeps it to a few hundred
    // bytes a finding, however long the line.
    let dir = folder(&[
        ("copydesk.toml", WORDY_WARNS),
        ("long.md", &dense_line(200_000)),
    ]);
    let output = run_in(
        dir.path(),
        &["check", "long.md", "--no-cache", "--color", "never"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    let findings = findings_in_human_output(&text);
    assert!(findings > 5_000, "only {findings} findings");
    assert!(
        text.len() < 600 * findings,
        "{} bytes for {findings} findings",
        text.len()
    );
    let longest = text.lines().map(|line| line.chars().count()).max().unwrap();
    assert!(longest < 300, "a line of {longest} characters");
}

#[test]
fn excerpts_of_long_lines_are_windows_cut_at_characters_with_exact_underlines() {
    // CJK characters are two columns wide, emoji two; the window is counted
    // in characters and the underline must still sit under the phrase.
    let line = format!(
        "{}We did this in order to ship.{}\n",
        "东京".repeat(50),
        " 😀".repeat(60)
    );
    let dir = folder(&[("post.md", &line)]);
    let output = run_in(
        dir.path(),
        &[
            "check",
            "post.md",
            "--no-cache",
            "--color",
            "never",
            "--select",
            "concise/wordy-phrase",
        ],
    );
    let text = stdout(&output);
    let lines: Vec<&str> = text.lines().collect();
    let source = lines
        .iter()
        .position(|l| l.contains(" | ") && l.contains("in order to"))
        .unwrap_or_else(|| panic!("no excerpt in {text}"));
    let excerpt = lines[source].split_once(" | ").unwrap().1;
    let carets = lines[source + 1].split_once(" | ").unwrap().1;
    // 60 characters of context before the phrase: the last 48 CJK
    // characters and "We did this ", after a cut.
    let before = format!("…{}We did this ", "东京".repeat(24));
    assert!(excerpt.starts_with(&before), "{excerpt}");
    assert!(excerpt.ends_with('…'), "{excerpt}");
    assert_eq!(excerpt.chars().count(), 1 + 60 + 11 + 60 + 1, "{excerpt}");
    // The ellipsis is one column, each CJK character two.
    let columns_before = 1 + 48 * 2 + "We did this ".len();
    assert_eq!(
        carets,
        format!("{}{}", " ".repeat(columns_before), "^".repeat(11))
    );
}

#[test]
fn stdin_over_the_limit_is_refused_after_reading_at_most_the_limit() {
    // An endless writer (bounded here at 64 MiB) must not be read to its
    // end: copydesk reads one byte past the guide's limit, reports the
    // input as over it, and exits while the writer still has data.
    let dir = folder(&[("copydesk.toml", "[files]\nmax_bytes = 1000\n")]);
    let mut child = spawn_with_stdin(dir.path(), &["check", "--stdin", "--no-cache"]);
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let chunk = "We did this. ".repeat(5_000);
        let total = 64 << 20;
        let mut written = 0;
        while written < total {
            match stdin.write_all(chunk.as_bytes()) {
                Ok(()) => written += chunk.len(),
                Err(_) => return (written, true),
            }
        }
        (written, false)
    });
    let output = child.wait_with_output().unwrap();
    let (written, refused) = writer.join().unwrap();
    assert!(refused, "copydesk read all {written} bytes");
    assert!(written < 8 << 20, "{written} bytes were taken");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("-: input is over the 1000-byte limit"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn stdin_at_the_limit_is_checked() {
    let dir = folder(&[("copydesk.toml", "[files]\nmax_bytes = 40\n")]);
    let mut child = spawn_with_stdin(
        dir.path(),
        &["check", "--stdin", "--no-cache", "--format", "concise"],
    );
    let text = "We did this in order to ship it.\n";
    let padded = format!("{text}{}", " ".repeat(40 - text.len()));
    child
        .stdin
        .take()
        .unwrap()
        .write_all(padded.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let out = stdout(&output);
    assert!(out.contains("-:1:13: info [concise/wordy-phrase]"), "{out}");
    assert!(!out.contains("limit"), "{out}");
}

#[test]
fn a_broken_guide_is_reported_once_with_the_number_of_files_it_leaves_unchecked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("copydesk.toml"),
        "[voice]\nmax_sentense_words = 20\n",
    )
    .unwrap();
    for index in 0..300 {
        let path = dir.path().join(format!("posts/{index:03}.md"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "We did this in order to ship.\n").unwrap();
    }
    let output = run_in(dir.path(), &["check", ".", "--no-cache"]);
    assert_eq!(output.status.code(), Some(2));
    let (out, err) = (stdout(&output), stderr(&output));
    assert_eq!(err.matches("max_sentense_words").count(), 1, "{err}");
    assert!(err.contains("copydesk.toml:2:1"), "{err}");
    assert!(
        err.contains("300 files not checked because this guide could not be loaded"),
        "{err}"
    );
    assert!(!out.contains("not checked"), "{out}");
    assert!(out.contains("300 files could not be checked"), "{out}");
    assert!(err.lines().count() + out.lines().count() < 10, "{err}{out}");
}

fn check_json(dir: &Path, format: &str) -> String {
    let output = run_in(
        dir,
        &[
            "check",
            "post.md",
            "other.md",
            "--no-cache",
            "--format",
            format,
        ],
    );
    stdout(&output)
}

#[test]
fn streamed_json_is_the_json_it_always_was() {
    let dir = folder(&[
        (
            "post.md",
            "😀 We rebuilt the editor in order to ship faster.\n\nThe end result is a Github app.\n",
        ),
        ("other.md", "Plain and fine.\n"),
    ]);
    let json = check_json(dir.path(), "json");
    let value: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value["files"].as_array().unwrap().len(), 2);
    insta::assert_snapshot!("json", json);
    // JSON Lines carries the same findings, each with its path.
    let lines = check_json(dir.path(), "json-lines");
    let post = value["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|file| file["path"] == "post.md")
        .unwrap();
    let findings = &post["findings"];
    for (line, finding) in lines.lines().zip(findings.as_array().unwrap()) {
        let mut line: Value = serde_json::from_str(line).unwrap();
        assert_eq!(line["path"], "post.md");
        line.as_object_mut().unwrap().remove("path");
        assert_eq!(&line, finding);
    }
    assert_eq!(lines.lines().count(), findings.as_array().unwrap().len());
}
