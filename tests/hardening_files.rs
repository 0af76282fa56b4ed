//! Files kept as they were by `--fix`, and small inputs that used to
//! mislead: links, owners, modes, read-only files, reports written over
//! drafts, interrupted runs, unknown selectors, UTF-16, lone carriage
//! returns, FIFOs and devices, doubled messages.

use crate::common;

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use common::{copydesk, run_in, stderr, stdout};

const WORDY: &str = "We will utilize this in order to win.\n";
const FIXED: &str = "We will use this to win.\n";

fn folder() -> tempfile::TempDir {
    tempfile::tempdir().expect("temporary folder")
}

fn temporaries(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .expect("folder lists")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with(".copydesk-"))
        .collect()
}

#[test]
fn fix_writes_a_symlinks_target_and_keeps_the_link() {
    let dir = folder();
    fs::write(dir.path().join("real.md"), WORDY).unwrap();
    std::os::unix::fs::symlink("real.md", dir.path().join("link.md")).unwrap();
    let output = run_in(dir.path(), &["check", "--fix", "link.md"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let link = fs::symlink_metadata(dir.path().join("link.md")).unwrap();
    assert!(link.file_type().is_symlink(), "the link became a file");
    assert_eq!(
        fs::read_to_string(dir.path().join("real.md")).unwrap(),
        FIXED
    );
}

#[test]
fn fix_refuses_a_read_only_file_even_for_root_and_counts_it_as_checked() {
    let dir = folder();
    let path = dir.path().join("post.md");
    fs::write(&path, WORDY).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    let output = run_in(dir.path(), &["check", "--fix", "post.md"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(fs::read_to_string(&path).unwrap(), WORDY);
    assert_eq!(
        fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o444
    );
    assert!(
        stderr(&output).contains(
            "post.md: checked, fixes not written: read-only file (mode 0444); make it writable to apply fixes"
        ),
        "{}",
        stderr(&output)
    );
    let out = stdout(&output);
    // Its findings are still reported, and the summary does not call it unchecked.
    assert!(out.contains("Wordy phrase “utilize”"), "{out}");
    assert!(
        out.contains("1 file checked but fixes not written"),
        "{out}"
    );
    assert!(!out.contains("could not be checked"), "{out}");
    // The JSON summary counts it apart from files that could not be checked.
    let output = run_in(
        dir.path(),
        &["check", "--fix", "--format", "json", "post.md"],
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["fixes_not_written"], 1);
    assert_eq!(report["summary"]["errors"], 0);
    assert_eq!(
        report["files"][0]["findings"].as_array().map(Vec::len),
        Some(2)
    );
}

#[test]
fn fix_keeps_owner_group_and_mode() {
    let dir = folder();
    let path = dir.path().join("post.md");
    fs::write(&path, WORDY).unwrap();
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    if std::os::unix::fs::chown(&path, Some(1234), Some(5678)).is_err() {
        common::skip("changing a file's owner needs root");
        return;
    }
    let output = run_in(dir.path(), &["check", "--fix", "post.md"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let metadata = fs::metadata(&path).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), FIXED);
    assert_eq!((metadata.uid(), metadata.gid()), (1234, 5678));
    assert_eq!(metadata.permissions().mode() & 0o7777, 0o640);
}

#[test]
fn fix_keeps_hard_links_so_every_name_sees_the_fix() {
    let dir = folder();
    let first = dir.path().join("one.md");
    let second = dir.path().join("two.md");
    fs::write(&first, WORDY).unwrap();
    fs::hard_link(&first, &second).unwrap();
    let output = run_in(dir.path(), &["check", "--fix", "one.md"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(fs::read_to_string(&second).unwrap(), FIXED);
    let (a, b) = (
        fs::metadata(&first).unwrap(),
        fs::metadata(&second).unwrap(),
    );
    assert_eq!(a.ino(), b.ino());
    assert_eq!(a.nlink(), 2);
    assert!(temporaries(dir.path()).is_empty());
}

#[test]
fn output_refuses_to_overwrite_an_input_before_writing_anything() {
    let dir = folder();
    fs::create_dir(dir.path().join("posts")).unwrap();
    fs::write(dir.path().join("posts/post.md"), WORDY).unwrap();
    std::os::unix::fs::symlink("posts/post.md", dir.path().join("alias.md")).unwrap();
    for (output_path, input) in [
        ("posts/post.md", "posts/post.md"),
        ("posts/post.md", "posts"),
        ("alias.md", "posts"),
        ("./posts/../posts/post.md", "posts/post.md"),
    ] {
        let output = run_in(
            dir.path(),
            &["check", "--format", "json", "--output", output_path, input],
        );
        assert_eq!(output.status.code(), Some(2), "{output_path} {input}");
        assert!(
            stderr(&output).contains("is also an input (posts/post.md); not overwriting it"),
            "{}",
            stderr(&output)
        );
        assert_eq!(
            fs::read_to_string(dir.path().join("posts/post.md")).unwrap(),
            WORDY
        );
    }
    // A report next to the draft is fine.
    let output = run_in(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--output",
            "report.json",
            "posts",
        ],
    );
    // Its findings are info (concise/wordy-phrase), below --fail-on warning.
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        fs::read_to_string(dir.path().join("report.json"))
            .unwrap()
            .contains("wordy-phrase")
    );
}

/// Wait for `predicate`, failing the test if it never holds (a guard
/// against hanging, not a measurement).
fn wait_for(what: &str, mut predicate: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !predicate() {
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn an_interrupted_fix_removes_its_temporary_file() {
    if !cfg!(debug_assertions) {
        common::skip("the hold before the rename exists in debug builds only");
        return;
    }
    for signal in [libc::SIGINT, libc::SIGTERM] {
        let dir = folder();
        let path = dir.path().join("post.md");
        fs::write(&path, WORDY).unwrap();
        // A debug build holds the temporary file open here until killed,
        // so the signal lands while it exists.
        let mut child = copydesk()
            .args(["check", "--fix", "post.md"])
            .current_dir(dir.path())
            .env("COPYDESK_TEST_HOLD_TEMPORARY", "1")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("copydesk starts");
        wait_for("the temporary file", || !temporaries(dir.path()).is_empty());
        let pid = i32::try_from(child.id()).unwrap();
        // SAFETY: sending a signal to our own child process.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
        let status = child.wait().unwrap();
        assert_eq!(
            std::os::unix::process::ExitStatusExt::signal(&status),
            Some(signal),
            "ends as the signal says: {status:?}"
        );
        assert_eq!(temporaries(dir.path()), Vec::<String>::new());
        assert_eq!(fs::read_to_string(&path).unwrap(), WORDY);
    }
}

#[test]
fn stale_temporary_files_of_ours_are_removed_by_the_next_fix() {
    let dir = folder();
    fs::write(dir.path().join("post.md"), WORDY).unwrap();
    let hour_ago = SystemTime::now() - Duration::from_secs(3600);
    let make = |name: &str, old: bool| {
        let file = fs::File::create(dir.path().join(name)).unwrap();
        if old {
            file.set_modified(hour_ago).unwrap();
        }
    };
    make(".copydesk-Ab12Cd", true); // ours, stale
    make(".copydesk-Zz99yy", false); // ours, fresh: maybe another run's
    make(".copydesk-notours.md", true); // not our pattern
    // A link named like ours, itself an hour old, is not ours.
    let link = dir.path().join(".copydesk-Lnk123");
    std::os::unix::fs::symlink("post.md", &link).unwrap();
    let old = libc::timespec {
        tv_sec: libc::time_t::try_from(
            hour_ago
                .duration_since(SystemTime::UNIX_EPOCH)
                .unwrap()
                .as_secs(),
        )
        .unwrap(),
        tv_nsec: 0,
    };
    let link_c = std::ffi::CString::new(link.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid path and two valid times; the link itself is changed.
    let changed = unsafe {
        libc::utimensat(
            libc::AT_FDCWD,
            link_c.as_ptr(),
            [old, old].as_ptr(),
            libc::AT_SYMLINK_NOFOLLOW,
        )
    };
    assert_eq!(changed, 0);
    let output = run_in(dir.path(), &["check", "--fix", "post.md"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mut left = temporaries(dir.path());
    left.sort();
    assert_eq!(
        left,
        [
            ".copydesk-Lnk123",
            ".copydesk-Zz99yy",
            ".copydesk-notours.md"
        ]
    );
}

#[test]
fn unknown_selectors_are_errors_with_a_suggestion() {
    let dir = folder();
    fs::write(dir.path().join("post.md"), WORDY).unwrap();
    for flag in ["--select", "--ignore"] {
        let output = run_in(dir.path(), &["check", flag, "nosuchrule", "post.md"]);
        assert_eq!(output.status.code(), Some(2), "{flag}");
        assert!(
            stderr(&output).contains(&format!("“nosuchrule” in {flag}")),
            "{}",
            stderr(&output)
        );
        let output = run_in(
            dir.path(),
            &["check", flag, "concise/wordy-phrse", "post.md"],
        );
        assert_eq!(output.status.code(), Some(2), "{flag}");
        assert!(stderr(&output).contains("did you mean “concise/wordy-phrase”?"));
    }
}

/// A guide with a Vale style `Acme` of one rule, `Acme.Hype`.
fn vale_project() -> tempfile::TempDir {
    let dir = folder();
    fs::create_dir_all(dir.path().join("styles/Acme")).unwrap();
    fs::write(
        dir.path().join("styles/Acme/Hype.yml"),
        "extends: existence\nmessage: \"Avoid '%s'\"\nlevel: warning\ntokens:\n  - amazing\n",
    )
    .unwrap();
    fs::write(
        dir.path().join(".vale.ini"),
        "StylesPath = styles\n\n[*]\nBasedOnStyles = Acme\n",
    )
    .unwrap();
    fs::write(dir.path().join("copydesk.toml"), "vale = \".vale.ini\"\n").unwrap();
    fs::write(dir.path().join("post.md"), "An amazing launch.\n").unwrap();
    dir
}

#[test]
fn vale_rule_ids_and_styles_select_and_their_typos_do_not() {
    let dir = vale_project();
    for selector in ["Acme.Hype", "Acme"] {
        let output = run_in(dir.path(), &["check", "--select", selector, "post.md"]);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        assert!(
            stdout(&output).contains("[Acme.Hype]"),
            "{}",
            stdout(&output)
        );
    }
    let output = run_in(dir.path(), &["check", "--ignore", "Acme.Hype", "post.md"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    for (selector, suggestion) in [("Acme.Hyp", "Acme.Hype"), ("Acm", "Acme")] {
        let output = run_in(dir.path(), &["check", "--select", selector, "post.md"]);
        assert_eq!(output.status.code(), Some(2), "{selector}");
        assert!(
            stderr(&output).contains(&format!("did you mean “{suggestion}”?")),
            "{}",
            stderr(&output)
        );
    }
}

#[test]
fn unknown_vale_rules_in_the_guides_rules_table_are_errors() {
    let dir = vale_project();
    fs::write(
        dir.path().join("copydesk.toml"),
        "vale = \".vale.ini\"\n\n[rules]\n\"Acme.Hyp\" = \"off\"\n",
    )
    .unwrap();
    let output = run_in(dir.path(), &["check", "post.md"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains(
            "copydesk.toml:4:1: unknown rule “Acme.Hyp” in [rules]; did you mean “Acme.Hype”?"
        ),
        "{}",
        stderr(&output)
    );
    // Without Vale styles, a bare name is no style at all.
    fs::write(
        dir.path().join("copydesk.toml"),
        "[rules]\nnosuchrule = \"off\"\n",
    )
    .unwrap();
    let output = run_in(dir.path(), &["check", "post.md"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("unknown rule “nosuchrule” in [rules]"),
        "{}",
        stderr(&output)
    );
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    std::iter::once(0xFEFF_u16)
        .chain(text.encode_utf16())
        .flat_map(|unit| {
            if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            }
        })
        .collect()
}

#[test]
fn utf16_drafts_are_checked_and_fixed_in_their_own_encoding() {
    for big_endian in [false, true] {
        let dir = folder();
        let path = dir.path().join("post.md");
        fs::write(&path, utf16("# Café\n\nWe love Github.\n", big_endian)).unwrap();
        let output = run_in(dir.path(), &["check", "post.md"]);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        assert!(
            stdout(&output).contains("post.md:3:9"),
            "{}",
            stdout(&output)
        );
        let output = run_in(dir.path(), &["check", "--fix", "post.md"]);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        assert_eq!(
            fs::read(&path).unwrap(),
            utf16("# Café\n\nWe love GitHub.\n", big_endian)
        );
    }
}

#[test]
fn a_utf8_byte_order_mark_is_kept_but_is_not_text() {
    let dir = folder();
    let path = dir.path().join("post.md");
    fs::write(
        &path,
        "\u{feff}---\ntitle: Launch\n---\nWe will utilize this.\n",
    )
    .unwrap();
    let output = run_in(dir.path(), &["check", "post.md"]);
    // The front matter is read as front matter: the finding is on line 4,
    // column 9 (the mark takes no column).
    assert!(
        stdout(&output).contains("post.md:4:9"),
        "{}",
        stdout(&output)
    );
    run_in(dir.path(), &["check", "--fix", "post.md"]);
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        "\u{feff}---\ntitle: Launch\n---\nWe will use this.\n"
    );
}

#[test]
fn a_lone_carriage_return_ends_a_line_and_is_never_printed_raw() {
    let dir = folder();
    fs::write(
        dir.path().join("post.md"),
        "First line.\rWe will utilize this.\r",
    )
    .unwrap();
    let output = run_in(dir.path(), &["check", "post.md"]);
    let out = stdout(&output);
    assert!(out.contains("post.md:2:9"), "{out}");
    assert!(!out.contains('\r'), "{out:?}");
    let output = run_in(dir.path(), &["check", "--format", "concise", "post.md"]);
    assert!(
        stdout(&output).contains("post.md:2:9:"),
        "{}",
        stdout(&output)
    );
}

/// Run copydesk in `dir`, failing the test (not hanging) if it blocks,
/// as reading a FIFO would.
fn run_unless_blocked(dir: &Path, args: &[&str]) -> std::process::Output {
    let mut child = copydesk()
        .args(args)
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("copydesk starts");
    wait_for("copydesk to finish (reading a FIFO blocks)", || {
        child.try_wait().unwrap().is_some()
    });
    child.wait_with_output().unwrap()
}

#[test]
fn a_fifo_or_a_device_is_named_for_what_it_is_and_never_read() {
    let dir = folder();
    let status = Command::new("mkfifo")
        .arg(dir.path().join("pipe.md"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let output = run_unless_blocked(dir.path(), &["check", "pipe.md", "/dev/null"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("pipe.md: not a regular file: a FIFO (named pipe)"),
        "{err}"
    );
    assert!(
        err.contains("/dev/null: not a regular file: a character device"),
        "{err}"
    );
    assert!(!err.contains("no such file"), "{err}");
}

#[test]
fn an_unreadable_guide_says_why_once() {
    let dir = folder();
    fs::write(dir.path().join("post.md"), WORDY).unwrap();
    fs::create_dir(dir.path().join("guide.toml")).unwrap();
    let output = run_in(dir.path(), &["check", "--config", "guide.toml", "post.md"]);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("could not read guide guide.toml"), "{err}");
    // The reason once, not once more from the error's source chain.
    assert_eq!(err.matches("not a regular file").count(), 1, "{err}");
}

#[test]
fn a_guide_that_is_a_fifo_is_refused_not_read() {
    // Discovery passes a FIFO by (it looks for files); --config names it.
    let dir = folder();
    fs::write(dir.path().join("post.md"), WORDY).unwrap();
    let status = Command::new("mkfifo")
        .arg(dir.path().join("copydesk.toml"))
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    let output = run_unless_blocked(
        dir.path(),
        &["check", "--config", "copydesk.toml", "post.md"],
    );
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("could not read guide copydesk.toml: copydesk.toml is not a regular file"),
        "{err}"
    );
}

#[test]
fn rule_summaries_are_one_line_each_when_piped() {
    let dir = folder();
    let output = run_in(dir.path(), &["rules"]);
    let out = stdout(&output);
    for line in out.lines().skip(1) {
        assert!(
            line.is_empty() || !line.starts_with(char::is_whitespace),
            "a summary broke onto a line of its own: {line:?}"
        );
    }
}

#[test]
fn an_unreadable_folder_is_named_once_with_the_reason() {
    let dir = folder();
    fs::create_dir_all(dir.path().join("posts/locked")).unwrap();
    fs::write(dir.path().join("posts/locked/post.md"), WORDY).unwrap();
    fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(dir.path().join("posts"), fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(
        dir.path().join("posts/locked"),
        fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    // Root reads any folder: run as nobody, when we can.
    // SAFETY: geteuid has no preconditions.
    let root = unsafe { libc::geteuid() } == 0;
    let mut command = if root {
        let mut command = Command::new("setpriv");
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_copydesk"));
        command
    } else {
        copydesk()
    };
    let output = match command
        .args(["check", "posts"])
        .current_dir(dir.path())
        .output()
    {
        Ok(output) if !(root && stderr(&output).contains("setpriv:")) => output,
        _ => {
            common::skip("setpriv is needed to run as another user");
            return;
        }
    };
    let err = stderr(&output);
    assert_eq!(
        err.trim(),
        "error: posts/locked: could not read: Permission denied (os error 13)"
    );
}
