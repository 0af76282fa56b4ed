//! The language server follows guide files as they appear and go: which
//! guide checks a document is found again when the client reports a guide
//! file, or, for clients that cannot watch files, when the document is
//! saved (guides are found and loaded by `resolve::Resolver`, which caches
//! what it found per folder).

use crate::lsp_client;

use lsp_client::{LspClient, editor_capabilities, file_uri};
use serde_json::{Value, json};

const POST: &str = "# Notes\n\nThe end result is a tool that our whole team can use every day.\n";

const REDUNDANCY_OFF: &str = "[rules]\n\"concise/redundancy\" = \"off\"\n";

/// A workspace with its own (empty) guide, so no guide above the temporary
/// folder counts, and a post one folder down.
fn workspace() -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("copydesk.toml"), "# outer guide\n").expect("write guide");
    std::fs::create_dir(dir.path().join("team")).expect("mkdir");
    let post = dir.path().join("team/post.md");
    std::fs::write(&post, POST).expect("write post");
    let uri = file_uri(&post);
    (dir, post, uri)
}

/// A server with these client capabilities in `root`, with the post open.
fn opened(root: &std::path::Path, uri: &str, capabilities: Value) -> LspClient {
    let mut client = LspClient::spawn(root);
    client.initialize(capabilities, Value::Null, Some(root));
    client.open(uri, "markdown", 1, POST);
    client
}

fn flags_redundancy(diagnostics: &[Value]) -> bool {
    diagnostics
        .iter()
        .any(|d| d["code"] == "concise/redundancy")
}

#[test]
fn a_guide_file_created_nearer_the_document_takes_over_and_its_deletion_hands_back() {
    let (dir, _, uri) = workspace();
    let mut client = opened(dir.path(), &uri, editor_capabilities(&["utf-16"]));
    assert!(flags_redundancy(&client.diagnostics(&uri, 1)));

    let nearer = dir.path().join("team/copydesk.toml");
    std::fs::write(&nearer, REDUNDANCY_OFF).expect("write guide");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&nearer), "type": 1 }] }),
    );
    let with_nearer = client.diagnostics(&uri, 1);
    assert!(!flags_redundancy(&with_nearer), "{with_nearer:#?}");

    std::fs::remove_file(&nearer).expect("delete guide");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": file_uri(&nearer), "type": 3 }] }),
    );
    let without = client.diagnostics(&uri, 1);
    assert!(flags_redundancy(&without), "{without:#?}");
}

#[test]
fn without_file_watching_a_save_finds_a_new_guide() {
    let (dir, _, uri) = workspace();
    // A minimal client: no file watching.
    let mut client = opened(dir.path(), &uri, json!({}));
    assert!(flags_redundancy(&client.diagnostics(&uri, 1)));

    std::fs::write(dir.path().join("team/copydesk.toml"), REDUNDANCY_OFF).expect("write guide");
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri } }),
    );
    let after = client.diagnostics(&uri, 1);
    assert!(!flags_redundancy(&after), "{after:#?}");
}

#[test]
fn a_broken_guide_reported_again_after_each_change_keeps_the_last_good_one() {
    let (dir, _, uri) = workspace();
    let guide = dir.path().join("team/copydesk.toml");
    std::fs::write(&guide, REDUNDANCY_OFF).expect("write guide");
    let mut client = opened(dir.path(), &uri, editor_capabilities(&["utf-16"]));
    assert!(!flags_redundancy(&client.diagnostics(&uri, 1)));

    let guide_uri = file_uri(&guide);
    for (version, broken) in [
        "[rules]\n\"concise/redundancy\" = \"of\"\n",
        "[rules]\n\n\"concise/redundancy\" = \"of\"\n",
    ]
    .into_iter()
    .enumerate()
    {
        std::fs::write(&guide, broken).expect("write guide");
        client.notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": guide_uri, "type": 2 }] }),
        );
        // Each failed load puts the problem on the guide, where it is now.
        let on_guide = client.wait_notification(|n| {
            n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == guide_uri
        });
        let problem = &on_guide["params"]["diagnostics"][0];
        assert_eq!(problem["code"], "invalid-guide", "{on_guide}");
        assert_eq!(
            problem["range"]["start"]["line"],
            json!(1 + version),
            "{on_guide}"
        );
        let kept = client.diagnostics(&uri, 1);
        assert!(
            !flags_redundancy(&kept),
            "the last good guide stays: {kept:#?}"
        );
    }
}
