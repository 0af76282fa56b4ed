//! The language server survives what real clients send: unknown methods,
//! malformed params, positions past the end, changes to documents never
//! opened, and clients that vanish. It exits with the status the LSP
//! specification asks for.

use crate::lsp_client;

use std::time::Duration;

use lsp_client::{LspClient, editor_capabilities, file_uri};
use serde_json::{Value, json};

const TEXT: &str = "We did it in order to ship.\nSecond line.\n";

fn started() -> (tempfile::TempDir, LspClient, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("copydesk.toml"), "").expect("guide");
    let uri = file_uri(&dir.path().join("post.md"));
    let mut client = LspClient::spawn(dir.path());
    client.initialize(
        editor_capabilities(&["utf-16"]),
        Value::Null,
        Some(dir.path()),
    );
    (dir, client, uri)
}

/// The server still answers: a hover round trip on an open document.
#[track_caller]
fn assert_alive(client: &mut LspClient, uri: &str) {
    let response = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 12 } }),
    );
    assert!(response.get("error").is_none(), "{response}");
}

#[test]
fn unknown_methods_get_method_not_found_and_unknown_notifications_are_ignored() {
    let (_dir, mut client, uri) = started();
    client.open(&uri, "markdown", 1, TEXT);
    client.diagnostics(&uri, 1);
    let response = client.request("copydesk/doesNotExist", json!({}));
    assert_eq!(response["error"]["code"], -32601, "{response}");
    client.notify("$/somethingNew", json!({ "x": 1 }));
    client.notify("custom/notification", Value::Null);
    assert_alive(&mut client, &uri);
    assert_eq!(client.shutdown().code(), Some(0));
}

#[test]
fn malformed_params_and_bodies_do_not_stop_the_server() {
    let (_dir, mut client, uri) = started();
    client.open(&uri, "markdown", 1, TEXT);
    client.diagnostics(&uri, 1);
    let response = client.request("textDocument/hover", json!({ "position": "here" }));
    assert_eq!(response["error"]["code"], -32602, "{response}");
    let response = client.request("textDocument/codeAction", json!([1, 2, 3]));
    assert_eq!(response["error"]["code"], -32602, "{response}");
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": 5 } }),
    );
    client.notify("textDocument/didChange", json!({ "contentChanges": "x" }));
    client.send_raw(b"{ this is not json");
    client.send_raw(b"[1, 2]");
    client.send_raw(br#"{"jsonrpc":"2.0","id":"odd","method":"textDocument/hover","params":null}"#);
    // A message with an id that is not JSON-RPC 2.0 still gets an answer.
    client.send_raw(br#"{"jsonrpc":"1.0","id":41,"method":"textDocument/hover"}"#);
    let response = client.response(41);
    assert_eq!(response["error"]["code"], -32600, "{response}");
    // Data that claims to carry fixes but does not fit the text is ignored.
    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 1 } },
            "context": { "diagnostics": [{
                "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 1 } },
                "message": "x", "source": "copydesk", "code": "concise/wordy-phrase",
                "data": { "version": 1, "rule": "concise/wordy-phrase", "span": [0, 99999],
                          "fixes": [{ "title": "Break", "applicability": "safe",
                                      "edits": [{ "start": 90000, "end": 99999, "replacement": "" }] }] }
            }] }
        }),
    );
    let titles: Vec<Value> = response["result"]
        .as_array()
        .map(|actions| actions.iter().map(|a| a["title"].clone()).collect())
        .unwrap_or_default();
    assert!(!titles.contains(&json!("Break")), "{response}");
    assert_alive(&mut client, &uri);
}

#[test]
fn positions_past_the_end_clamp() {
    let (_dir, mut client, uri) = started();
    client.open(&uri, "markdown", 1, TEXT);
    client.diagnostics(&uri, 1);
    // Past the end of a line, and past the end of the file.
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [
            { "range": { "start": { "line": 1, "character": 400 }, "end": { "line": 1, "character": 500 } },
              "text": " Added." },
            { "range": { "start": { "line": 90, "character": 0 }, "end": { "line": 99, "character": 9 } },
              "text": "Last in order to end.\n" },
            { "range": { "start": { "line": 0, "character": 4 }, "end": { "line": 0, "character": 2 } },
              "text": "" }
        ]}),
    );
    let diagnostics = client.diagnostics(&uri, 2);
    assert_eq!(diagnostics.len(), 2, "{diagnostics:#?}");
    assert_eq!(diagnostics[1]["range"]["start"]["line"], 2);
    let response = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 4000, "character": 4000 } }),
    );
    assert_eq!(response["result"], Value::Null, "{response}");
    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": { "line": 4000, "character": 0 }, "end": { "line": 5000, "character": 1 } },
            "context": { "diagnostics": [] }
        }),
    );
    assert!(response.get("error").is_none(), "{response}");
}

#[test]
fn changes_to_documents_never_opened_are_ignored() {
    let (_dir, mut client, uri) = started();
    let other = uri.replace("post.md", "never-opened.md");
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": other, "version": 3 }, "contentChanges": [
            { "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
              "text": "in order to" }
        ]}),
    );
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": other } }),
    );
    let response = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": other }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(response["result"], Value::Null, "{response}");
    client.open(&uri, "markdown", 1, TEXT);
    assert_eq!(client.diagnostics(&uri, 1).len(), 1);
    assert!(
        client
            .notifications
            .iter()
            .all(|n| n["params"]["uri"] != json!(other)),
        "{:#?}",
        client.notifications
    );
}

#[test]
fn a_client_that_disappears_ends_the_server_with_status_1() {
    let (_dir, mut client, uri) = started();
    // A big document, so a check may be running when the client vanishes.
    let text = TEXT.repeat(20_000);
    client.open(&uri, "markdown", 1, &text);
    client.close_stdin();
    let status = client
        .wait_exit(Duration::from_secs(20))
        .expect("the server exits when its input closes");
    assert_eq!(status.code(), Some(1));
}

#[test]
fn exit_without_shutdown_is_status_1_and_requests_after_shutdown_fail() {
    let (_dir, mut client, uri) = started();
    client.notify("exit", Value::Null);
    let status = client.wait_exit(Duration::from_secs(20)).expect("exits");
    assert_eq!(status.code(), Some(1));

    let (_dir, mut client, _) = started();
    let response = client.request("shutdown", Value::Null);
    assert_eq!(response["result"], Value::Null);
    let response = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(response["error"]["code"], -32600, "{response}");
    client.notify("exit", Value::Null);
    let status = client.wait_exit(Duration::from_secs(20)).expect("exits");
    assert_eq!(status.code(), Some(0));
}

#[test]
fn requests_before_initialize_are_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut client = LspClient::spawn(dir.path());
    let response = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": "file:///x.md" }, "position": { "line": 0, "character": 0 } }),
    );
    assert_eq!(response["error"]["code"], -32002, "{response}");
}
