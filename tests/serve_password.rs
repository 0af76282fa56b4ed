//! `copydesk serve` with a password (`--password-env VAR`,
//! `--password-prompt`): required or refused like the token, never taken on
//! the command line, and traded for the token by the page's login.

use crate::common::{copydesk, stderr};
use crate::serve::{request, serve_args};

use std::ffi::OsStr;

use serde_json::json;

const PASSWORD: &str = "correct horse battery";

/// `copydesk serve ARGS` that must refuse to start: its standard error.
fn refused(args: &[&str], env: &[(&str, &str)]) -> String {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut command = copydesk();
    command
        .arg("serve")
        .args(["--port", "0"])
        .args(args)
        .env_remove("COPYDESK_SERVE_TOKEN")
        .env_remove("COPYDESK_TEST_PASSWORD")
        .current_dir(dir.path())
        .stdin(std::process::Stdio::null());
    for (name, value) in env {
        command.env(name, value);
    }
    let output = command.output().expect("copydesk runs");
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(output.stdout.is_empty(), "nothing was served");
    stderr(&output)
}

#[test]
fn a_non_loopback_bind_needs_a_token_or_a_password_that_is_set_and_long() {
    let none = refused(&["--host", "0.0.0.0"], &[]);
    assert!(
        none.contains("not a loopback address") && none.contains("--password-env VAR"),
        "{none}"
    );
    let unset = refused(
        &[
            "--host",
            "0.0.0.0",
            "--password-env",
            "COPYDESK_TEST_PASSWORD",
        ],
        &[],
    );
    assert!(
        unset.contains("--password-env COPYDESK_TEST_PASSWORD: the variable is not set"),
        "{unset}"
    );
    let short = refused(
        &[
            "--host",
            "0.0.0.0",
            "--password-env",
            "COPYDESK_TEST_PASSWORD",
        ],
        &[("COPYDESK_TEST_PASSWORD", "hunter2")],
    );
    assert!(short.contains("too short (7 characters)"), "{short}");
    // No terminal to ask on: refused, pointing at the variable.
    let prompt = refused(&["--host", "0.0.0.0", "--password-prompt"], &[]);
    assert!(
        prompt.contains("standard input is not a terminal; use --password-env VAR"),
        "{prompt}"
    );
}

#[test]
fn a_password_is_never_taken_on_the_command_line() {
    // Other users can read a process's arguments: there is no such option.
    let given = refused(&["--host", "0.0.0.0", "--password", PASSWORD], &[]);
    assert!(given.contains("--password"), "{given}");
    assert!(given.contains("unexpected argument"), "{given}");
}

#[test]
fn the_page_trades_the_password_for_the_token() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let served = serve_args(
        dir.path(),
        &["--password-env", "COPYDESK_TEST_PASSWORD"],
        &[("COPYDESK_TEST_PASSWORD", OsStr::new(PASSWORD))],
    );
    // The page itself (no data in it) comes without the token, to ask for
    // the password; the API does not.
    let page = request(served.port, "GET", "/", &[], None);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("id=\"password\""));
    let info = request(served.port, "GET", "/api/info", &[], None);
    assert_eq!(info.status, 401);
    let wrong = request(
        served.port,
        "POST",
        "/api/login",
        &[],
        Some(&json!({ "password": "correct horse battery staple" })),
    );
    assert_eq!(wrong.status, 401, "{}", wrong.body);
    assert!(!wrong.body.contains(&served.token));
    // From another site: refused before the password is even looked at.
    let foreign = request(
        served.port,
        "POST",
        "/api/login",
        &[("Origin", "http://attacker.example")],
        Some(&json!({ "password": PASSWORD })),
    );
    assert_eq!(foreign.status, 403);
    assert!(!foreign.body.contains(&served.token));
    let right = request(
        served.port,
        "POST",
        "/api/login",
        &[],
        Some(&json!({ "password": PASSWORD })),
    );
    assert_eq!(right.status, 200, "{}", right.body);
    let token = right.json()["token"].as_str().expect("a token").to_owned();
    assert_eq!(token, served.token);
    let info = request(
        served.port,
        "GET",
        "/api/info",
        &[("X-Copydesk-Token", &token)],
        None,
    );
    assert_eq!(info.status, 200, "{}", info.body);
}

#[test]
fn without_a_password_the_page_and_the_login_need_the_token() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let served = serve_args(dir.path(), &[], &[]);
    assert_eq!(request(served.port, "GET", "/", &[], None).status, 401);
    let login = request(
        served.port,
        "POST",
        "/api/login",
        &[],
        Some(&json!({ "password": PASSWORD })),
    );
    assert_eq!(login.status, 401);
    assert!(!login.body.contains(&served.token));
}

/// The password page in the browser (`tests/serve_e2e/login.mjs`).
#[test]
fn the_password_page_unlocks_the_desk_with_the_keyboard() {
    let Some((node, chromium, modules)) = crate::serve_e2e::browser_tools() else {
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut command = copydesk();
    command
        .args([
            "serve",
            "--port",
            "0",
            "--password-env",
            "COPYDESK_TEST_PASSWORD",
        ])
        .env("COPYDESK_TEST_PASSWORD", PASSWORD)
        .current_dir(dir.path());
    let mut child = crate::serve_e2e::start(command);
    let url = crate::serve_e2e::first_url(&mut child);
    let bare = url
        .split_once("?token=")
        .map(|(bare, _)| bare.to_owned())
        .expect("the printed URL carries the token");
    let artifacts = crate::serve_e2e::artifacts("e2e-serve-login");
    let status =
        crate::serve_e2e::browser(&node, "login.mjs", &bare, &modules, &chromium, &artifacts)
            .env("SERVE_PASSWORD", PASSWORD)
            .status()
            .expect("node runs");
    assert!(
        status.success(),
        "the password page failed (see {})",
        artifacts.display()
    );
}

/// `--password-prompt` on a terminal (util-linux `script` gives it one):
/// what is typed is not echoed, and it is the password the login takes.
#[cfg(target_os = "linux")]
#[test]
fn the_prompt_reads_the_password_without_echo() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::Stdio;

    let Ok(script) = which_script() else {
        crate::common::skip("util-linux `script` is not installed");
        return;
    };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let binary = env!("CARGO_BIN_EXE_copydesk");
    let child = std::process::Command::new(script)
        .args(["-q", "-e", "-c"])
        .arg(format!("'{binary}' serve --port 0 --password-prompt"))
        .arg("/dev/null")
        .env_remove("COPYDESK_SERVE_TOKEN")
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("script runs");
    let mut child = crate::serve_e2e::Killed(child);
    let mut stdout = BufReader::new(child.0.stdout.take().expect("piped"));
    // Wait for the prompt (echo is off once it shows), then type.
    let mut seen = Vec::new();
    let prompt = b"Password for the page (not shown): ";
    while !seen.ends_with(prompt) {
        let mut byte = [0u8; 1];
        stdout.read_exact(&mut byte).expect("the prompt");
        seen.push(byte[0]);
    }
    let mut stdin = child.0.stdin.take().expect("piped");
    stdin
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .expect("types");
    let mut url = String::new();
    while !url.contains("copydesk serve: ") {
        url.clear();
        stdout.read_line(&mut url).expect("the URL line");
        assert!(!url.contains(PASSWORD), "the password was echoed: {url:?}");
    }
    let port: u16 = url
        .split("127.0.0.1:")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .and_then(|port| port.parse().ok())
        .unwrap_or_else(|| panic!("a port in {url:?}"));
    let right = request(
        port,
        "POST",
        "/api/login",
        &[],
        Some(&json!({ "password": PASSWORD })),
    );
    assert_eq!(right.status, 200, "{}", right.body);
    drop(stdin);
}

#[cfg(target_os = "linux")]
fn which_script() -> Result<std::path::PathBuf, ()> {
    ["/usr/bin/script", "/bin/script"]
        .iter()
        .map(std::path::PathBuf::from)
        .find(|path| path.is_file())
        .ok_or(())
}
