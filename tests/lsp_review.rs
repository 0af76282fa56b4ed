//! Model review in the language server, against the test OpenAI-compatible
//! server: on save and on `copydesk.review`, never on a keystroke, with its
//! own diagnostic source.

use crate::common;
use crate::fake_openai;
use crate::lsp_client;

use fake_openai::{FakeServer, completion};
use lsp_client::{LspClient, editor_capabilities, file_uri};
use serde_json::{Value, json};

const POST: &str = "# Launch notes

Our new editor is the best tool in the world. It opens files twice as fast as version 2.

We thank the 40 people who tested the beta.
";

/// Diagnostics of `uri` at `version` that `wanted` accepts (the server may
/// publish one version several times: after the edit, after a review).
fn diagnostics_where(
    client: &mut LspClient,
    uri: &str,
    version: i64,
    wanted: impl Fn(&[Value]) -> bool,
) -> Vec<Value> {
    let message = client.wait_notification(|n| {
        n["method"] == "textDocument/publishDiagnostics"
            && n["params"]["uri"] == uri
            && n["params"]["version"] == json!(version)
            && n["params"]["diagnostics"]
                .as_array()
                .is_some_and(|d| wanted(d))
    });
    message["params"]["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn model_diagnostics(diagnostics: &[Value]) -> Vec<&Value> {
    diagnostics
        .iter()
        .filter(|d| d["source"] == "copydesk (model)")
        .collect()
}

fn has_model(diagnostics: &[Value]) -> bool {
    !model_diagnostics(diagnostics).is_empty()
}

fn change(client: &mut LspClient, uri: &str, version: i64, text: &str) {
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": version },
            "contentChanges": [{ "text": text }]
        }),
    );
}

#[test]
fn review_runs_on_save_and_on_command_never_on_keystrokes() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    // Flags the superlative wherever it is asked about it.
    let fake = runtime.block_on(FakeServer::start(|request, _| {
        let prompt = request.last_user_message();
        let findings = match prompt
            .lines()
            .find(|line| line.contains("the best tool in the world"))
            .and_then(|line| {
                line.strip_prefix('[')?
                    .split(']')
                    .next()?
                    .parse::<u32>()
                    .ok()
            }) {
            Some(paragraph) => json!([{
                "question": "puffery", "paragraph": paragraph,
                "quote": "the best tool in the world", "reason": "No source for the claim.",
                "confidence": "high", "rewrite": "a tool we are proud of"
            }]),
            None => json!([]),
        };
        completion(&json!({ "findings": findings }).to_string())
    }));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("copydesk.toml"),
        format!(
            "[llm]\nbase_url = \"{}\"\nmodel = \"test-model\"\ntimeout_secs = 5\ncache = false\n",
            fake.base_url()
        ),
    )
    .unwrap();
    let path = dir.path().join("post.md");
    std::fs::write(&path, POST).unwrap();
    let uri = file_uri(&path);
    let config = dir.path().join("config");
    common::trust(&config, &dir.path().join("copydesk.toml"));
    let mut client = LspClient::spawn_with_config(dir.path(), &config);
    client.initialize(
        editor_capabilities(&["utf-16"]),
        json!({}),
        Some(dir.path()),
    );

    // Opening and typing check the rules only: no model request.
    client.open(&uri, "markdown", 1, POST);
    let opened = client.diagnostics(&uri, 1);
    assert!(!has_model(&opened), "{opened:#?}");
    let typed = POST.replace("40 people", "41 people");
    change(&mut client, &uri, 2, &typed);
    let changed = client.diagnostics(&uri, 2);
    assert!(!has_model(&changed), "{changed:#?}");
    client.drain_for(std::time::Duration::from_millis(300));
    assert_eq!(fake.requests().len(), 0, "a keystroke asked the model");

    // Saving reviews; the findings come back with the same version.
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri } }),
    );
    let saved = diagnostics_where(&mut client, &uri, 2, has_model);
    assert_eq!(fake.requests().len(), 1);
    let model = model_diagnostics(&saved);
    assert_eq!(model.len(), 1, "{saved:#?}");
    let diagnostic = model[0];
    assert_eq!(diagnostic["code"], "review/puffery");
    assert_eq!(diagnostic["severity"], 3, "information");
    assert_eq!(
        diagnostic["range"],
        json!({ "start": { "line": 2, "character": 18 }, "end": { "line": 2, "character": 44 } })
    );
    assert_eq!(
        diagnostic["message"],
        "Puffery “the best tool in the world”: No source for the claim"
    );
    // The rules' diagnostics are still there, with their own source.
    assert!(
        saved.iter().any(|d| d["source"] == "copydesk"),
        "{saved:#?}"
    );

    // The rewrite is a quick fix.
    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": diagnostic["range"],
            "context": { "diagnostics": [diagnostic], "triggerKind": 1 }
        }),
    );
    let titles: Vec<&str> = response["result"]
        .as_array()
        .expect("actions")
        .iter()
        .filter_map(|a| a["title"].as_str())
        .collect();
    assert!(
        titles.contains(&"Rewrite as “a tool we are proud of”"),
        "{titles:?}"
    );

    // Editing the flagged paragraph drops its model finding at once;
    // undoing the edit brings it back, with no request.
    change(
        &mut client,
        &uri,
        3,
        &typed.replace("in the world", "in town"),
    );
    let edited = client.diagnostics(&uri, 3);
    assert!(!has_model(&edited), "{edited:#?}");
    change(&mut client, &uri, 4, &typed);
    let undone = client.diagnostics(&uri, 4);
    assert_eq!(model_diagnostics(&undone).len(), 1, "{undone:#?}");
    assert_eq!(fake.requests().len(), 1);

    // The command reviews now and says what it did.
    let response = client.request(
        "workspace/executeCommand",
        json!({ "command": "copydesk.review", "arguments": [uri] }),
    );
    let result = &response["result"];
    assert_eq!(result["findings"], 1, "{response}");
    assert_eq!(result["paragraphs"], 2, "{response}");
    assert_eq!(result["requests"], 1, "{response}");
    assert!(result["error"].is_null(), "{response}");
    assert_eq!(fake.requests().len(), 2);

    let response = client.request(
        "workspace/executeCommand",
        json!({ "command": "copydesk.review", "arguments": ["file:///not/open.md"] }),
    );
    assert!(
        response["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("is not open")),
        "{response}"
    );

    let status = client.shutdown();
    assert!(status.success());
}

#[test]
fn without_a_model_saving_sends_nothing_and_the_command_says_why() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("copydesk.toml"), "# no [llm]\n").unwrap();
    let path = dir.path().join("post.md");
    std::fs::write(&path, POST).unwrap();
    let uri = file_uri(&path);
    let mut client = LspClient::spawn(dir.path());
    let init = client.initialize(
        editor_capabilities(&["utf-16"]),
        json!({}),
        Some(dir.path()),
    );
    let commands = &init["capabilities"]["executeCommandProvider"]["commands"];
    assert!(
        commands
            .as_array()
            .is_some_and(|c| c.contains(&json!("copydesk.review"))),
        "{commands}"
    );
    client.open(&uri, "markdown", 1, POST);
    client.diagnostics(&uri, 1);
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri } }),
    );
    let response = client.request(
        "workspace/executeCommand",
        json!({ "command": "copydesk.review", "arguments": [{ "uri": uri }] }),
    );
    assert_eq!(
        response["error"]["message"],
        "no model is configured: add an [llm] section to copydesk.toml (see `copydesk doctor`)",
        "{response}"
    );
    let status = client.shutdown();
    assert!(status.success());
}

#[test]
fn the_editor_llm_setting_configures_review_when_the_guide_has_none() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let fake = runtime.block_on(FakeServer::start(|_, _| {
        completion(
            &json!({ "findings": [{
                "question": "puffery", "paragraph": 1, "quote": "the best tool in the world",
                "reason": "No source.", "confidence": "high", "rewrite": null
            }] })
            .to_string(),
        )
    }));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("copydesk.toml"), "# no [llm]\n").unwrap();
    let path = dir.path().join("post.md");
    std::fs::write(&path, POST).unwrap();
    let uri = file_uri(&path);
    let mut client = LspClient::spawn(dir.path());
    client.initialize(
        editor_capabilities(&["utf-16"]),
        json!({ "llm": { "baseUrl": fake.base_url(), "model": "editor-model", "timeoutSecs": 5 } }),
        Some(dir.path()),
    );
    client.open(&uri, "markdown", 1, POST);
    client.diagnostics(&uri, 1);
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri } }),
    );
    let saved = diagnostics_where(&mut client, &uri, 1, has_model);
    assert_eq!(model_diagnostics(&saved).len(), 1, "{saved:#?}");
    let request = &fake.requests()[0];
    assert_eq!(request.json()["model"], "editor-model");
    let status = client.shutdown();
    assert!(status.success());
}
