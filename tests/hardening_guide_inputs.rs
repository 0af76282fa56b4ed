//! Guides and Vale styles come with the repository and may be written by
//! someone else. What they name is read within limits: files inside the
//! guide's project, regular files only, bounded in size; symbolic link
//! loops end; runaway patterns give up with a warning; a preferred term
//! that contains the term it replaces does not feed on its own output.
//!
//! Every run here has a liveness ceiling: a hang fails as "did not finish"
//! instead of stalling the suite. That is not a speed assertion.

use crate::common;
use crate::lsp_client;

use std::io::Read;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::copydesk;
use lsp_client::{LspClient, editor_capabilities, file_uri};
use serde_json::{Value, json};

/// How long a run may take before it counts as hung.
const CEILING: Duration = Duration::from_secs(60);

/// Run `command`, killing it and failing if it has not finished within
/// [`CEILING`].
fn finish(mut command: Command) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("NO_COLOR", "1")
        .spawn()
        .expect("copydesk starts");
    let mut out_pipe = child.stdout.take().expect("stdout");
    let mut err_pipe = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = out_pipe.read_to_end(&mut bytes);
        bytes
    });
    let err_reader = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = err_pipe.read_to_end(&mut bytes);
        bytes
    });
    let deadline = Instant::now() + CEILING;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("copydesk did not finish within {CEILING:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out_reader.join().expect("stdout reader"),
        stderr: err_reader.join().expect("stderr reader"),
    }
}

fn check(dir: &Path, args: &[&str]) -> Output {
    let mut command = copydesk();
    command
        .arg("check")
        .arg("--no-cache")
        .args(args)
        .current_dir(dir)
        // The user's own allowance must not change what a test sees.
        .env_remove("COPYDESK_GUIDE_PATHS");
    finish(command)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A project folder (with `.git`, so it is its own repository root).
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join(".git")).expect(".git");
    std::fs::write(dir.path().join("post.md"), "We did it in order to ship.\n").expect("post");
    dir
}

fn write(dir: &Path, name: &str, contents: &str) {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("folders");
    }
    std::fs::write(path, contents).expect("write");
}

#[track_caller]
fn assert_guide_error(output: &Output, expected: &[&str]) {
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "stderr: {stderr}");
    for part in expected {
        assert!(stderr.contains(part), "expected “{part}” in: {stderr}");
    }
}

// Key messages.

#[test]
fn key_messages_naming_a_device_or_the_root_are_refused_at_their_line() {
    let dir = project();
    for (entry, column) in [("/dev/zero", 17), ("/", 17), ("/dev/stdin", 17)] {
        write(
            dir.path(),
            "copydesk.toml",
            &format!("[sharing]\nkey_messages = [\"{entry}\"]\n"),
        );
        let output = check(dir.path(), &["post.md"]);
        assert_guide_error(
            &output,
            &[
                &format!("copydesk.toml:2:{column}: key_messages"),
                &format!("“{entry}”"),
                "outside the guide's project",
            ],
        );
    }
}

#[cfg(unix)]
#[test]
fn key_messages_read_regular_files_only_within_the_size_limit() {
    let dir = project();
    // A link inside the project to a device: outside once resolved.
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.md")).expect("link");
    write(
        dir.path(),
        "copydesk.toml",
        "[sharing]\nkey_messages = [\"zero.md\"]\n",
    );
    assert_guide_error(
        &check(dir.path(), &["post.md"]),
        &["zero.md", "outside the guide's project"],
    );

    // Allowed by the user, a device is still not a regular file.
    let mut command = copydesk();
    command
        .args(["check", "--no-cache", "post.md"])
        .current_dir(dir.path())
        .env("COPYDESK_GUIDE_PATHS", "/dev");
    let output = finish(command);
    assert_guide_error(&output, &["is not a regular file"]);

    // A FIFO in a key message folder is an error, not a hang.
    write(dir.path(), "km/a.md", "First.");
    let fifo = dir.path().join("km/pipe.md");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    write(
        dir.path(),
        "copydesk.toml",
        "[sharing]\nkey_messages = [\"km\"]\n",
    );
    assert_guide_error(
        &check(dir.path(), &["post.md"]),
        &["pipe.md is not a regular file"],
    );
    std::fs::remove_file(&fifo).expect("remove fifo");

    // Too large.
    write(dir.path(), "km/big.md", &"word ".repeat(220_000));
    assert_guide_error(
        &check(dir.path(), &["post.md"]),
        &["big.md is larger than 1 MiB"],
    );
    std::fs::remove_file(dir.path().join("km/big.md")).expect("remove");
    let output = check(dir.path(), &["post.md"]);
    assert_ne!(output.status.code(), Some(2), "{}", text(&output.stderr));
}

// Vale styles.

const EXISTENCE_RULE: &str =
    "extends: existence\nmessage: \"Avoid '%s'\"\nlevel: warning\ntokens:\n  - kludge\n";

/// A project whose style `Loop` (rule `Loop.A`) links back up to its own
/// folder twice, and to the file system's root.
#[cfg(unix)]
fn looping_styles() -> tempfile::TempDir {
    let dir = project();
    write(
        dir.path(),
        ".vale.ini",
        "StylesPath = styles\n\n[*]\nBasedOnStyles = Loop\n",
    );
    write(dir.path(), "styles/Loop/A.yml", EXISTENCE_RULE);
    let style = dir.path().join("styles/Loop");
    std::os::unix::fs::symlink("..", style.join("up")).expect("link");
    std::os::unix::fs::symlink("..", style.join("up2")).expect("link");
    std::os::unix::fs::symlink("/", style.join("root")).expect("link");
    dir
}

#[cfg(unix)]
#[test]
fn a_styles_folder_with_symlink_loops_loads_each_rule_once() {
    let dir = looping_styles();
    write(dir.path(), "post.md", "This kludge works.\n");
    let output = check(dir.path(), &["--format", "json", "post.md"]);
    let stdout = text(&output.stdout);
    assert_eq!(
        stdout.matches("\"Loop.A\"").count(),
        1,
        "one finding, from one rule: {stdout}\n{}",
        text(&output.stderr)
    );
}

#[test]
fn a_styles_path_outside_the_project_is_refused_at_its_line() {
    let dir = project();
    write(
        dir.path(),
        ".vale.ini",
        "MinAlertLevel = suggestion\nStylesPath = /\n\n[*]\nBasedOnStyles = proc\n",
    );
    assert_guide_error(
        &check(dir.path(), &["post.md"]),
        &[".vale.ini:2: StylesPath: / is outside the guide's project"],
    );
    write(
        dir.path(),
        ".vale.ini",
        "StylesPath = styles\n\n[*]\nBasedOnStyles = ../../../proc\n",
    );
    std::fs::create_dir_all(dir.path().join("styles")).expect("styles");
    assert_guide_error(
        &check(dir.path(), &["post.md"]),
        &[
            ".vale.ini:4: style “../../../proc”",
            "outside the guide's project",
        ],
    );
}

#[test]
fn a_runaway_pattern_gives_up_once_with_a_warning() {
    let dir = project();
    write(
        dir.path(),
        ".vale.ini",
        "StylesPath = styles\n\n[*]\nBasedOnStyles = Slow\n",
    );
    write(
        dir.path(),
        "styles/Slow/Backtrack.yml",
        "extends: existence\nmessage: \"Found '%s'\"\nlevel: warning\nscope: raw\nraw:\n  - '(a|a)+\\1b'\n",
    );
    write(
        dir.path(),
        "styles/Slow/Word.yml",
        "extends: existence\nmessage: \"Found '%s'\"\nlevel: warning\nscope: paragraph\ntokens:\n  - '(a|a)+\\1b'\n",
    );
    let paragraph = format!("{} c b\n\n", "a".repeat(1500));
    write(dir.path(), "post.md", &paragraph.repeat(2));
    let output = check(dir.path(), &["--format", "json", "post.md"]);
    let stdout = text(&output.stdout);
    assert_eq!(
        stdout
            .matches("Slow.Backtrack gave up on this file")
            .count(),
        1,
        "{stdout}"
    );
    assert_eq!(
        stdout.matches("Slow.Word gave up on this file").count(),
        1,
        "one warning for two paragraphs: {stdout}"
    );
}

// Preferred terms that contain the term they replace.

#[test]
fn a_preferred_term_containing_its_own_term_does_not_feed_on_itself() {
    let dir = project();
    write(
        dir.path(),
        "copydesk.toml",
        "[[voice.terms]]\nuse = \"GitHub Actions\"\ninstead_of = [\"Actions\"]\n\n[[voice.terms]]\nuse = \"loop loop\"\ninstead_of = [\"loop\"]\n",
    );
    write(
        dir.path(),
        "post.md",
        "We build with GitHub Actions. Actions run on push. One loop ends.\n",
    );
    let output = check(
        dir.path(),
        &[
            "--select",
            "voice/preferred-term",
            "--format",
            "json",
            "post.md",
        ],
    );
    let stdout = text(&output.stdout);
    assert_eq!(
        stdout.matches("\"voice/preferred-term\"").count(),
        2,
        "“GitHub Actions” is already preferred: {stdout}"
    );

    let output = check(
        dir.path(),
        &["--select", "voice/preferred-term", "--fix", "post.md"],
    );
    assert_ne!(output.status.code(), Some(2), "{}", text(&output.stderr));
    let fixed = std::fs::read_to_string(dir.path().join("post.md")).expect("read");
    assert_eq!(
        fixed,
        "We build with GitHub Actions. GitHub Actions run on push. One loop loop ends.\n"
    );
    let output = check(dir.path(), &["--select", "voice/preferred-term", "post.md"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stdout));
}

// The language server.

fn started(dir: &Path) -> LspClient {
    let mut client = LspClient::spawn(dir);
    client.initialize(editor_capabilities(&["utf-16"]), Value::Null, Some(dir));
    client
}

#[track_caller]
fn assert_alive(client: &mut LspClient, uri: &str) {
    let response = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 12 } }),
    );
    assert!(response.get("error").is_none(), "{response}");
}

#[test]
fn the_server_refuses_a_key_message_on_its_own_input_and_keeps_checking() {
    let dir = project();
    write(
        dir.path(),
        "copydesk.toml",
        "[sharing]\nkey_messages = [\"/dev/stdin\"]\n",
    );
    let uri = file_uri(&dir.path().join("post.md"));
    let mut client = started(dir.path());
    client.open(&uri, "markdown", 1, "We did it in order to ship.\n");
    let warning = client.wait_notification(|n| {
        n["method"] == "window/showMessage"
            && n["params"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("key_messages"))
    });
    let message = warning["params"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("outside the guide's project"), "{message}");
    let diagnostics = client.diagnostics(&uri, 1);
    assert!(
        diagnostics
            .iter()
            .any(|d| d["code"] == "concise/wordy-phrase"),
        "the deterministic checks keep working: {diagnostics:?}"
    );
    assert_alive(&mut client, &uri);
    assert_eq!(client.shutdown().code(), Some(0));
}

#[cfg(unix)]
#[test]
fn the_server_loads_looping_styles_once_and_reports_a_runaway_rule_once() {
    let dir = looping_styles();
    write(
        dir.path(),
        "styles/Loop/Slow.yml",
        "extends: existence\nmessage: \"Found '%s'\"\nlevel: warning\nscope: raw\nraw:\n  - '(a|a)+\\1b'\n",
    );
    let uri = file_uri(&dir.path().join("post.md"));
    let mut client = started(dir.path());
    let text = format!("This kludge works.\n\n{} c b\n", "a".repeat(2000));
    client.open(&uri, "markdown", 1, &text);
    let diagnostics = client.diagnostics(&uri, 1);
    let count = |code: &str| diagnostics.iter().filter(|d| d["code"] == code).count();
    assert_eq!(count("Loop.A"), 1, "{diagnostics:?}");
    assert_eq!(count("Loop.Slow"), 1, "{diagnostics:?}");
    assert!(
        diagnostics.iter().any(|d| d["message"]
            .as_str()
            .is_some_and(|m| m.contains("Loop.Slow gave up on this file"))),
        "{diagnostics:?}"
    );
    assert_alive(&mut client, &uri);
    assert_eq!(client.shutdown().code(), Some(0));
}

#[test]
fn the_fix_loop_never_applies_a_self_containing_replacement_twice() {
    // A Vale substitution does not know that "GitHub Actions" already says
    // what it asks for; the fix loop must still not grow it.
    let dir = project();
    write(
        dir.path(),
        ".vale.ini",
        "StylesPath = styles\n\n[*]\nBasedOnStyles = Brand\n",
    );
    write(
        dir.path(),
        "styles/Brand/Actions.yml",
        "extends: substitution\nmessage: \"Use '%s' instead of '%s'\"\nlevel: warning\naction:\n  name: replace\nswap:\n  Actions: GitHub Actions\n",
    );
    write(dir.path(), "post.md", "Actions run on push.\n");
    let output = check(dir.path(), &["--select", "Brand", "--fix", "post.md"]);
    assert_ne!(output.status.code(), Some(2), "{}", text(&output.stderr));
    let fixed = std::fs::read_to_string(dir.path().join("post.md")).expect("read");
    assert_eq!(fixed, "GitHub Actions run on push.\n");
}
