//! `copydesk serve`: the real binary over real HTTP. The security refusals
//! (token, Host, Origin, path traversal, non-loopback bind, stale save) and
//! the API the page uses.

use crate::common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Stdio};

use common::{copydesk, stderr};
use serde_json::{Value, json};

/// A running `copydesk serve`, stopped when dropped.
pub(crate) struct Served {
    pub(crate) child: Child,
    pub(crate) port: u16,
    pub(crate) token: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &Path, folder: Option<&str>) -> Served {
    serve_with(dir, folder, &[])
}

/// `copydesk serve` in `dir` with these environment variables set.
pub(crate) fn serve_with(dir: &Path, folder: Option<&str>, env: &[(&str, &Path)]) -> Served {
    let env: Vec<(&str, &std::ffi::OsStr)> = env
        .iter()
        .map(|(name, value)| (*name, value.as_os_str()))
        .collect();
    serve_args(dir, folder.as_slice(), &env)
}

/// `copydesk serve --port 0 ARGS` in `dir` with these environment
/// variables set.
pub(crate) fn serve_args(dir: &Path, args: &[&str], env: &[(&str, &std::ffi::OsStr)]) -> Served {
    let mut command = copydesk();
    command.arg("serve").args(["--port", "0"]).current_dir(dir);
    command.env_remove("COPYDESK_SERVE_TOKEN");
    for (name, value) in env {
        command.env(name, value);
    }
    command.args(args);
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("copydesk serve starts");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("serve prints its URL");
    let url = line
        .trim()
        .strip_prefix("copydesk serve: http://127.0.0.1:")
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"));
    let (port, token) = url
        .split_once("/?token=")
        .expect("the URL carries the token");
    Served {
        port: port.parse().expect("a port"),
        token: token.to_owned(),
        child,
    }
}

pub(crate) struct Reply {
    pub(crate) status: u16,
    headers: String,
    pub(crate) body: String,
}

impl Reply {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// One HTTP/1.1 request with exactly the headers given (plus Host unless
/// one is given, Content-Length and Connection: close).
pub(crate) fn request(
    port: u16,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: Option<&Value>,
) -> Reply {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    let body = body.map(Value::to_string).unwrap_or_default();
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if !headers
        .iter()
        .any(|(name, _)| name.eq_ignore_ascii_case("host"))
    {
        head.push_str(&format!("Host: 127.0.0.1:{port}\r\n"));
    }
    if !body.is_empty() {
        head.push_str("Content-Type: application/json\r\n");
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).expect("sends");
    stream.write_all(body.as_bytes()).expect("sends");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).expect("reads");
    let (head, body) = raw.split_once("\r\n\r\n").expect("an HTTP reply");
    let status = head[9..12].parse().expect("a status");
    Reply {
        status,
        headers: head.to_ascii_lowercase(),
        body: body.to_owned(),
    }
}

pub(crate) fn get(served: &Served, target: &str) -> Reply {
    request(
        served.port,
        "GET",
        target,
        &[("X-Copydesk-Token", &served.token)],
        None,
    )
}

pub(crate) fn post(served: &Served, target: &str, body: &Value) -> Reply {
    request(
        served.port,
        "POST",
        target,
        &[("X-Copydesk-Token", &served.token)],
        Some(body),
    )
}

fn folder_with_draft() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    std::fs::create_dir(dir.path().join("drafts")).expect("drafts folder");
    std::fs::write(
        dir.path().join("drafts/launch.md"),
        "We launch the new app today.\n",
    )
    .expect("a draft");
    std::fs::write(dir.path().join("secret.md"), "The secret plan.\n").expect("a file outside");
    dir
}

#[test]
fn the_api_and_the_page_need_the_token() {
    let dir = folder_with_draft();
    let served = serve(dir.path(), Some("drafts"));
    let without = request(served.port, "GET", "/api/info", &[], None);
    assert_eq!(without.status, 401, "{}", without.body);
    let wrong = request(
        served.port,
        "GET",
        "/api/info",
        &[("X-Copydesk-Token", "0123456789abcdef0123456789abcdef")],
        None,
    );
    assert_eq!(wrong.status, 401);
    let page_without = request(served.port, "GET", "/", &[], None);
    assert_eq!(page_without.status, 401);
    let page = request(
        served.port,
        "GET",
        &format!("/?token={}", served.token),
        &[],
        None,
    );
    assert_eq!(page.status, 200);
    assert!(page.body.contains("pre-publish desk"));
    // A strict policy, and nothing loaded from elsewhere.
    assert!(
        page.headers
            .contains("content-security-policy: default-src 'none'; script-src 'self'"),
        "{}",
        page.headers
    );
    assert!(!page.body.contains("http://") && !page.body.contains("https://"));
    let info = get(&served, "/api/info");
    assert_eq!(info.status, 200, "{}", info.body);
    assert!(
        info.json()["platforms"]
            .as_array()
            .is_some_and(|p| p.iter().any(|p| p["id"] == "x"))
    );
}

#[test]
fn a_foreign_host_or_origin_is_refused() {
    let dir = folder_with_draft();
    let served = serve(dir.path(), Some("drafts"));
    let rebound = request(
        served.port,
        "GET",
        "/api/info",
        &[
            ("Host", &format!("attacker.example:{}", served.port)),
            ("X-Copydesk-Token", &served.token),
        ],
        None,
    );
    assert_eq!(rebound.status, 421, "{}", rebound.body);
    let body = json!({ "text": "Hello." });
    let cross = request(
        served.port,
        "POST",
        "/api/check",
        &[
            ("Origin", "http://attacker.example"),
            ("X-Copydesk-Token", &served.token),
        ],
        Some(&body),
    );
    assert_eq!(cross.status, 403, "{}", cross.body);
    let cross_site = request(
        served.port,
        "POST",
        "/api/check",
        &[
            ("Sec-Fetch-Site", "cross-site"),
            ("X-Copydesk-Token", &served.token),
        ],
        Some(&body),
    );
    assert_eq!(cross_site.status, 403);
    let own = format!("http://127.0.0.1:{}", served.port);
    let same = request(
        served.port,
        "POST",
        "/api/check",
        &[
            ("Origin", &own),
            ("Sec-Fetch-Site", "same-origin"),
            ("X-Copydesk-Token", &served.token),
        ],
        Some(&body),
    );
    assert_eq!(same.status, 200, "{}", same.body);
}

#[test]
fn nothing_outside_the_folder_is_opened_or_saved() {
    let dir = folder_with_draft();
    let served = serve(dir.path(), Some("drafts"));
    let listed = get(&served, "/api/files").json();
    assert_eq!(listed["files"], json!(["launch.md"]));
    let inside = get(&served, "/api/file?path=launch.md");
    assert_eq!(inside.status, 200);
    assert_eq!(inside.json()["text"], "We launch the new app today.\n");
    let absolute = dir.path().join("secret.md");
    for target in [
        "../secret.md".to_owned(),
        "..%2Fsecret.md".to_owned(),
        format!("{}", absolute.display()).replace('/', "%2F"),
        "launch.md/../../secret.md".to_owned(),
    ] {
        let reply = get(&served, &format!("/api/file?path={target}"));
        assert!(
            matches!(reply.status, 403 | 404),
            "{target}: {} {}",
            reply.status,
            reply.body
        );
        assert!(!reply.body.contains("secret plan"), "{target}");
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&absolute, dir.path().join("drafts/link.md")).expect("a link");
        let reply = get(&served, "/api/file?path=link.md");
        assert_eq!(reply.status, 403, "{}", reply.body);
        assert!(!reply.body.contains("secret plan"));
    }
    let write = post(
        &served,
        "/api/save",
        &json!({ "path": "../secret.md", "original": "The secret plan.\n", "text": "overwritten" }),
    );
    assert_eq!(write.status, 403);
    assert_eq!(
        std::fs::read_to_string(&absolute).expect("still there"),
        "The secret plan.\n"
    );
}

#[test]
fn a_save_is_refused_when_the_file_changed_on_disk() {
    let dir = folder_with_draft();
    let draft = dir.path().join("drafts/launch.md");
    let served = serve(dir.path(), Some("drafts"));
    let opened = get(&served, "/api/file?path=launch.md").json();
    let original = opened["text"].as_str().expect("text").to_owned();
    std::fs::write(&draft, "Someone else edited this.\n").expect("a change on disk");
    let stale = post(
        &served,
        "/api/save",
        &json!({ "path": "launch.md", "original": original, "text": "My edit.\n" }),
    );
    assert_eq!(stale.status, 409, "{}", stale.body);
    assert!(
        stale.json()["error"]
            .as_str()
            .is_some_and(|e| e.contains("changed on disk"))
    );
    assert_eq!(
        std::fs::read_to_string(&draft).expect("draft"),
        "Someone else edited this.\n"
    );
    let fresh = post(
        &served,
        "/api/save",
        &json!({ "path": "launch.md", "original": "Someone else edited this.\n", "text": "My edit.\n" }),
    );
    assert_eq!(fresh.status, 200, "{}", fresh.body);
    assert_eq!(
        std::fs::read_to_string(&draft).expect("draft"),
        "My edit.\n"
    );
}

#[test]
fn without_a_folder_nothing_is_written() {
    let dir = folder_with_draft();
    let served = serve(dir.path(), None);
    assert_eq!(get(&served, "/api/files").json()["files"], json!([]));
    let save = post(
        &served,
        "/api/save",
        &json!({ "path": "drafts/launch.md", "original": "We launch the new app today.\n", "text": "x" }),
    );
    assert_eq!(save.status, 403);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("drafts/launch.md")).expect("draft"),
        "We launch the new app today.\n"
    );
}

#[test]
fn a_non_loopback_bind_needs_a_token() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let output = copydesk()
        .args(["serve", "--host", "0.0.0.0", "--port", "0"])
        .env_remove("COPYDESK_SERVE_TOKEN")
        .current_dir(dir.path())
        .output()
        .expect("copydesk runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("not a loopback address"),
        "{}",
        stderr(&output)
    );
    assert!(output.stdout.is_empty(), "nothing was served");
}

#[test]
fn findings_come_in_the_check_json_with_platform_counts() {
    let dir = folder_with_draft();
    let served = serve(dir.path(), None);
    let sentence = "Our team shipped the new release today and we are proud of it. ";
    let text = format!(
        "{} https://example.com/{}\n",
        sentence.repeat(6),
        "a".repeat(60)
    );
    let reply = post(
        &served,
        "/api/check",
        &json!({ "text": text, "platforms": ["x", "linkedin", "bluesky", "instagram"] }),
    );
    assert_eq!(reply.status, 200, "{}", reply.body);
    let result = reply.json();
    assert_eq!(result["version"], 1);
    let findings = result["file"]["findings"].as_array().expect("findings");
    assert!(
        findings
            .iter()
            .any(|f| f["rule"].as_str().is_some_and(|r| r.contains("length"))),
        "{findings:?}"
    );
    let platforms = result["platforms"].as_array().expect("platforms");
    let x = platforms.iter().find(|p| p["id"] == "x").expect("x");
    let bluesky = platforms
        .iter()
        .find(|p| p["id"] == "bluesky")
        .expect("bluesky");
    // X counts the link as 23; Bluesky counts every grapheme.
    assert!(
        bluesky["count"].as_u64() > x["count"].as_u64(),
        "{x} {bluesky}"
    );
    let thread = x["thread"]
        .as_array()
        .expect("an over-long X post is split");
    assert!(thread.len() >= 2);
    assert!(
        thread[0]
            .as_str()
            .is_some_and(|part| part.ends_with(&format!(" 1/{}", thread.len())))
    );
    // Instagram folds a caption at 125 characters: drawn there, on a
    // character boundary of the text sent.
    let instagram = platforms
        .iter()
        .find(|p| p["id"] == "instagram")
        .expect("instagram");
    let fold = instagram["fold_at"].as_u64().expect("a fold") as usize;
    assert_eq!(text[..fold].chars().count(), 125, "{instagram}");
    let linkedin = platforms
        .iter()
        .find(|p| p["id"] == "linkedin")
        .expect("linkedin");
    assert!(linkedin["thread"].is_null());
}
