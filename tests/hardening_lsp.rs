//! The language server never wedges: after malformed framing (no or a
//! non-numeric `Content-Length`, LF-only header lines, a length too short,
//! too long or absurdly large, garbage bytes) it answers the next valid
//! message, and an input that ends mid-message ends the server with a
//! logged reason. And after an edit that splits a UTF-16 surrogate pair,
//! its text stays in step with the client's buffer.
//!
//! Every wait has a liveness ceiling that only a hung server reaches; none
//! is a timing assertion.

use crate::common;
use crate::lsp_client;

use std::io::{BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use lsp_client::{LspClient, editor_capabilities, edits_for, file_uri, position_of};
use serde_json::{Value, json};

/// Only a server that stopped answering takes this long.
const LIVENESS: Duration = Duration::from_secs(30);

/// `copydesk lsp` over raw stdio: bytes in, framed JSON out, stderr kept.
struct RawServer {
    child: Child,
    stdin: Option<ChildStdin>,
    incoming: Receiver<Value>,
    stderr: Option<JoinHandle<String>>,
}

impl RawServer {
    fn spawn(dir: &Path) -> RawServer {
        let mut child = common::copydesk()
            .args(["lsp", "--stdio"])
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("copydesk lsp starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut stderr = child.stderr.take().expect("stderr");
        let (sender, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some((message, _)) = lsp_client::read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        RawServer {
            stdin: child.stdin.take(),
            child,
            incoming,
            stderr: Some(stderr),
        }
    }

    fn write(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        stdin.write_all(bytes).expect("the server reads its input");
        stdin.flush().expect("flush");
    }

    /// The response to request `id`, or `None` if the server went quiet or
    /// away for the whole liveness ceiling.
    fn response(&mut self, id: i64) -> Option<Value> {
        let deadline = Instant::now() + LIVENESS;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            let message = self.incoming.recv_timeout(left).ok()?;
            if message.get("method").is_none() && message["id"] == id {
                return Some(message);
            }
        }
    }

    /// Close the input; the exit status and everything logged on stderr.
    fn finish(mut self) -> (Option<ExitStatus>, String) {
        self.stdin = None;
        let deadline = Instant::now() + LIVENESS;
        let status = loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                break Some(status);
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                let _ = self.child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        let log = self
            .stderr
            .take()
            .and_then(|thread| thread.join().ok())
            .unwrap_or_default();
        (status, log)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

fn initialize(id: i64) -> String {
    json!({ "jsonrpc": "2.0", "id": id, "method": "initialize",
            "params": { "processId": null, "rootUri": null, "capabilities": {} } })
    .to_string()
}

/// Send `bad` then a valid `initialize` (id 7): it must be answered. Returns
/// what the server logged, once its input is closed.
fn answers_after(bad: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = RawServer::spawn(dir.path());
    server.write(bad);
    server.write(&frame(&initialize(7)));
    let response = server.response(7);
    let (status, log) = server.finish();
    let response = response.unwrap_or_else(|| {
        panic!(
            "no answer after {:?}; exit {status:?}; log:\n{log}",
            String::from_utf8_lossy(bad)
        )
    });
    assert!(response["result"]["capabilities"].is_object(), "{response}");
    assert!(
        status.is_some(),
        "the server exits when its input closes; log:\n{log}"
    );
    log
}

#[test]
fn a_header_without_content_length_is_skipped_and_logged() {
    let mut bad = b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n".to_vec();
    bad.extend_from_slice(initialize(1).as_bytes());
    let log = answers_after(&bad);
    assert!(log.contains("input byte 0: skipped"), "{log}");
}

#[test]
fn a_non_numeric_content_length_is_skipped_and_logged() {
    let mut bad = b"Content-Length: twelve\r\n\r\n".to_vec();
    bad.extend_from_slice(initialize(1).as_bytes());
    let log = answers_after(&bad);
    assert!(log.contains("skipped") && log.contains("twelve"), "{log}");
}

#[test]
fn garbage_bytes_are_skipped_up_to_the_next_header() {
    let mut bad = vec![0, 0xff, 0xfe, b'\r', b'\n', b'\r', b'\n', 0x80, b'{'];
    bad.extend_from_slice(b"Content-Len\r\n\r\n\n\n");
    bad.extend((0..20_000u32).map(|i| (i % 251) as u8));
    let log = answers_after(&bad);
    assert!(log.contains("bytes that are not an LSP message"), "{log}");
}

#[test]
fn lf_only_header_lines_are_accepted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = RawServer::spawn(dir.path());
    let body = initialize(3);
    server.write(format!("Content-Length: {}\n\n{body}", body.len()).as_bytes());
    let response = server.response(3).expect("an answer to an LF-only frame");
    assert!(response["result"]["capabilities"].is_object(), "{response}");
    let shutdown = r#"{"jsonrpc":"2.0","id":4,"method":"shutdown"}"#;
    server.write(format!("Content-Length: {}\n\n{shutdown}", shutdown.len()).as_bytes());
    assert!(server.response(4).is_some(), "shutdown answered");
    server.write(&frame(r#"{"jsonrpc":"2.0","method":"exit"}"#));
    let (status, log) = server.finish();
    assert_eq!(status.and_then(|s| s.code()), Some(0), "{log}");
}

#[test]
fn a_content_length_too_short_refuses_that_message_and_recovers() {
    let body = initialize(1);
    let mut bad = format!("Content-Length: {}\r\n\r\n", body.len() - 10).into_bytes();
    bad.extend_from_slice(body.as_bytes());
    let log = answers_after(&bad);
    assert!(log.contains("message refused: not JSON"), "{log}");
    assert!(log.contains("skipped 10 bytes"), "{log}");
}

#[test]
fn a_content_length_too_long_gets_an_error_answer_and_recovers() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = RawServer::spawn(dir.path());
    server.write(&frame(&initialize(1)));
    assert!(server.response(1).is_some());
    let body = r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#;
    let mut bad = format!("Content-Length: {}\r\n\r\n", body.len() + 500).into_bytes();
    bad.extend_from_slice(body.as_bytes());
    server.write(&bad);
    server.write(&frame(r#"{"jsonrpc":"2.0","id":3,"method":"shutdown"}"#));
    let refused = server
        .response(2)
        .expect("an answer to the mis-framed request");
    assert_eq!(refused["error"]["code"], -32600, "{refused}");
    let answered = server.response(3).expect("an answer to the next request");
    assert_eq!(answered["result"], Value::Null, "{answered}");
    let (_, log) = server.finish();
    assert!(log.contains("longer than the message"), "{log}");
}

#[test]
fn an_enormous_content_length_is_not_allocated_and_is_logged() {
    let log = answers_after(b"Content-Length: 10737418240\r\n\r\n");
    assert!(
        log.contains("Content-Length 10737418240, over the limit"),
        "{log}"
    );
}

#[test]
fn dollar_requests_with_an_id_get_method_not_found() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = RawServer::spawn(dir.path());
    server.write(&frame(&initialize(1)));
    assert!(server.response(1).is_some());
    server.write(&frame(
        r#"{"jsonrpc":"2.0","id":2,"method":"$/copydesk/unknownRequest","params":{}}"#,
    ));
    let response = server.response(2).expect("an answer to a $/ request");
    assert_eq!(response["error"]["code"], -32601, "{response}");
    // `$/` notifications stay ignored, and the server goes on answering.
    server.write(&frame(
        r#"{"jsonrpc":"2.0","method":"$/somethingNew","params":{}}"#,
    ));
    server.write(&frame(r#"{"jsonrpc":"2.0","id":3,"method":"shutdown"}"#));
    assert!(server.response(3).is_some());
}

#[test]
fn input_that_ends_mid_message_ends_the_server_with_a_logged_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut server = RawServer::spawn(dir.path());
    server.write(&frame(&initialize(1)));
    assert!(server.response(1).is_some());
    server.write(b"Content-Length: 400\r\n\r\n{\"jsonrpc\":");
    let (status, log) = server.finish();
    assert_eq!(status.and_then(|s| s.code()), Some(1), "{log}");
    assert!(log.contains("the input ended inside a message"), "{log}");
}

// The surrogate-split edit.

/// The client's buffer, in UTF-16 code units as VS Code keeps it.
struct ClientBuffer(Vec<u16>);

impl ClientBuffer {
    fn offset(&self, position: &Value) -> usize {
        let line = position["line"].as_u64().expect("line") as usize;
        let character = position["character"].as_u64().expect("character") as usize;
        let mut start = 0;
        for _ in 0..line {
            match self.0[start..].iter().position(|&u| u == u16::from(b'\n')) {
                Some(i) => start += i + 1,
                None => return self.0.len(),
            }
        }
        let end = self.0[start..]
            .iter()
            .position(|&u| u == u16::from(b'\n'))
            .map_or(self.0.len(), |i| start + i);
        (start + character).min(end)
    }

    fn apply(&mut self, range: &Value, text: &str) {
        let start = self.offset(&range["start"]);
        let end = self.offset(&range["end"]);
        self.0.splice(start..end, text.encode_utf16());
    }

    /// The text as UTF-8: each lone surrogate becomes U+FFFD, as when the
    /// editor saves it.
    fn text(&self) -> String {
        String::from_utf16_lossy(&self.0)
    }
}

/// (rule, start, end) of the CLI's findings on `text`, in bytes.
fn cli_findings(dir: &Path, text: &str) -> Vec<(String, u64, u64)> {
    std::fs::write(dir.join("post.md"), text).expect("write");
    let output = common::run_in(dir, &["check", "--format", "json", "post.md"]);
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    report["files"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let offset = |end: &str| f["range"][end]["offset"].as_u64().unwrap_or(0);
            (
                f["rule"].as_str().unwrap_or("").to_owned(),
                offset("start"),
                offset("end"),
            )
        })
        .collect()
}

/// (rule, start, end) of the server's diagnostics, read against `text`.
fn server_findings(text: &str, diagnostics: &[Value]) -> Vec<(String, u64, u64)> {
    diagnostics
        .iter()
        .map(|d| {
            let offset = |end: &str| lsp_client::offset_at(text, &d["range"][end], true) as u64;
            (
                d["code"].as_str().unwrap_or("").to_owned(),
                offset("start"),
                offset("end"),
            )
        })
        .collect()
}

fn range(line: u32, start: u32, end: u32) -> Value {
    json!({ "start": { "line": line, "character": start }, "end": { "line": line, "character": end } })
}

/// A server with the built-in guide and a UTF-16 client; the draft's URI.
fn utf16_session() -> (tempfile::TempDir, LspClient, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("copydesk.toml"), "").expect("guide");
    let uri = file_uri(&dir.path().join("draft.md"));
    let mut client = LspClient::spawn(dir.path());
    client.initialize(
        editor_capabilities(&["utf-16"]),
        Value::Null,
        Some(dir.path()),
    );
    (dir, client, uri)
}

#[test]
fn edits_that_split_a_surrogate_pair_keep_the_server_in_step_with_the_client() {
    let (dir, mut client, uri) = utf16_session();
    let text = "Hi 😀 we did it in order to ship.\nAnd 😀😀 in order to win.\nEnd 😀 here.\n";
    let mut buffer = ClientBuffer(text.encode_utf16().collect());
    client.open(&uri, "markdown", 1, text);
    client.diagnostics(&uri, 1);

    // Each edit has a boundary between the halves of an emoji: delete the
    // low half; replace the high half; insert between the halves.
    let edits = [
        (range(0, 4, 5), ""),
        (range(1, 4, 5), "X"),
        (range(2, 5, 5), "Y"),
    ];
    let mut version = 1;
    let mut diagnostics = Vec::new();
    for (edit_range, new_text) in edits {
        version += 1;
        buffer.apply(&edit_range, new_text);
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{ "range": edit_range, "text": new_text }] }),
        );
        diagnostics = client.diagnostics(&uri, version);
        let held = buffer.text();
        assert_eq!(
            server_findings(&held, &diagnostics),
            cli_findings(dir.path(), &held),
            "after replacing {edit_range} with {new_text:?}: {held:?}"
        );
    }

    // A quick fix computed after the splits lands where the client means.
    let wordy = diagnostics
        .iter()
        .find(|d| d["code"] == "concise/wordy-phrase" && d["range"]["start"]["line"] == 1)
        .expect("the wordy phrase on the second line")
        .clone();
    let response = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": wordy["range"],
                "context": { "diagnostics": [wordy] } }),
    );
    let action = response["result"]
        .as_array()
        .and_then(|actions| actions.first())
        .cloned()
        .expect("a quick fix");
    let action = if action.get("edit").is_some() {
        action
    } else {
        client.request("codeAction/resolve", action)["result"].clone()
    };
    let fix_edits = edits_for(&action["edit"], &uri);
    assert_eq!(fix_edits.len(), 1, "{action}");
    buffer.apply(
        &fix_edits[0]["range"],
        fix_edits[0]["newText"].as_str().expect("newText"),
    );
    let held = buffer.text();
    assert!(held.contains("And X\u{fffd}😀 to win."), "{held:?}");
    version += 1;
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "range": fix_edits[0]["range"], "text": fix_edits[0]["newText"] }] }),
    );
    let diagnostics = client.diagnostics(&uri, version);
    assert_eq!(
        server_findings(&held, &diagnostics),
        cli_findings(dir.path(), &held)
    );
}

#[test]
fn a_lone_surrogate_in_a_full_text_change_is_one_replacement_character() {
    let (dir, mut client, uri) = utf16_session();
    client.open(&uri, "markdown", 1, "Hello.\n");
    client.diagnostics(&uri, 1);
    // What JSON.stringify sends for a buffer holding a lone high surrogate.
    let body = format!(
        r#"{{"jsonrpc":"2.0","method":"textDocument/didChange","params":{{"textDocument":{{"uri":"{uri}","version":2}},"contentChanges":[{{"text":"Hi \ud83d we did it in order to ship.\n"}}]}}}}"#
    );
    client.send_raw(body.as_bytes());
    let diagnostics = client.diagnostics(&uri, 2);
    let held = "Hi \u{fffd} we did it in order to ship.\n";
    assert_eq!(
        server_findings(held, &diagnostics),
        cli_findings(dir.path(), held)
    );
    let wordy = diagnostics
        .iter()
        .find(|d| d["code"] == "concise/wordy-phrase")
        .expect("wordy phrase");
    // One UTF-16 unit for the lone surrogate, as in the client's buffer.
    let start = held.find("in order to").expect("fixture");
    assert_eq!(wordy["range"]["start"], position_of(held, start, true));
    assert_eq!(client.shutdown().code(), Some(0));
}
