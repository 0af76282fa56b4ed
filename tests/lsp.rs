//! The language server, end to end: the real `copydesk lsp` binary driven
//! over stdio by a small JSON-RPC client.

use crate::common;
use crate::lsp_client;

use std::path::{Path, PathBuf};
use std::time::Duration;

use lsp_client::{
    LspClient, apply_text_edits, editor_capabilities, edits_for, file_uri, offset_at, position_of,
};
use serde_json::{Value, json};

const POST: &str = "---
title: Launch notes
---
# We shipped the new editor

In order to ship faster, we basically rebuilt the editor from scratch. The end result is a tool that
is really quick.

Our team would like to thank everyone who tested it 😀 — in order to help, they filed 40 reports.

- It was decided that the beta ends on Friday.
- Github users can install it today!
";

/// A workspace folder with its own (empty) guide, so no guide above the
/// temporary directory can change the results.
struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Workspace {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("copydesk.toml"), "# test guide\n").expect("write guide");
        Workspace { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, name: &str, text: &str) -> (PathBuf, String) {
        let path = self.path().join(name);
        std::fs::write(&path, text).expect("write file");
        let uri = file_uri(&path);
        (path, uri)
    }

    /// A server initialized with editor capabilities in this workspace.
    fn server(&self, encodings: &[&str], options: Value) -> LspClient {
        let mut client = LspClient::spawn(self.path());
        client.initialize(editor_capabilities(encodings), options, Some(self.path()));
        client
    }
}

/// A workspace holding `POST` as post.md, a server, and the post opened:
/// (workspace, client, the post's URI, its first diagnostics).
fn open_post() -> (Workspace, LspClient, String, Vec<Value>) {
    let workspace = Workspace::new();
    let (_, uri) = workspace.write("post.md", POST);
    let mut client = workspace.server(&["utf-16"], Value::Null);
    client.open(&uri, "markdown", 1, POST);
    let diagnostics = client.diagnostics(&uri, 1);
    (workspace, client, uri, diagnostics)
}

/// The action titled `title`.
#[track_caller]
fn titled<'a>(actions: &'a [Value], title: &str) -> &'a Value {
    actions
        .iter()
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| panic!("no “{title}” among {actions:#?}"))
}

fn messages(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["message"].as_str().unwrap_or("").to_owned())
        .collect()
}

fn find<'a>(diagnostics: &'a [Value], rule: &str) -> &'a Value {
    diagnostics
        .iter()
        .find(|d| d["code"] == rule)
        .unwrap_or_else(|| panic!("no {rule} diagnostic in {diagnostics:#?}"))
}

/// (rule, start, end, message) of `copydesk check --format json` on a file.
fn cli_findings(dir: &Path, file: &str) -> Vec<(String, u64, u64, String)> {
    let output = common::run_in(dir, &["check", "--format", "json", file]);
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    report["files"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["range"]["start"]["offset"].as_u64().unwrap_or(0),
                f["range"]["end"]["offset"].as_u64().unwrap_or(0),
                f["message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

fn server_findings(
    text: &str,
    diagnostics: &[Value],
    utf16: bool,
) -> Vec<(String, u64, u64, String)> {
    diagnostics
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_owned(),
                offset_at(text, &d["range"]["start"], utf16) as u64,
                offset_at(text, &d["range"]["end"], utf16) as u64,
                d["message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect()
}

#[test]
fn open_publishes_the_same_findings_as_the_cli() {
    let workspace = Workspace::new();
    // concise/filler is off by default; this guide turns it on, for the
    // faded (Unnecessary) tag of a fix that only deletes.
    workspace.write(
        "copydesk.toml",
        "# test guide\n[rules]\n\"concise/filler\" = \"info\"\n",
    );
    let (_, uri) = workspace.write("post.md", POST);
    let mut client = workspace.server(&["utf-16"], Value::Null);
    client.open(&uri, "markdown", 1, POST);
    let diagnostics = client.diagnostics(&uri, 1);

    assert_eq!(
        server_findings(POST, &diagnostics, true),
        cli_findings(workspace.path(), "post.md")
    );
    let wordy = find(&diagnostics, "concise/wordy-phrase");
    assert_eq!(wordy["source"], "copydesk");
    assert_eq!(wordy["severity"], 3, "info");
    assert_eq!(wordy["message"], "Wordy phrase “In order to”");
    assert_eq!(find(&diagnostics, "voice/casing")["severity"], 2, "warning");
    assert_eq!(wordy["data"]["version"], 1);
    assert_eq!(find(&diagnostics, "concise/filler")["severity"], 3, "info");
    // Filler whose only fix deletes it is shown faded.
    assert_eq!(find(&diagnostics, "concise/filler")["tags"], json!([1]));
    assert_eq!(client.shutdown().code(), Some(0));
}

#[test]
fn incremental_edits_update_the_diagnostics() {
    let (workspace, mut client, uri, _) = open_post();

    // Replace "In order to" with "To" and type a new wordy phrase at the end.
    let start = POST.find("In order to").expect("fixture");
    let mut text = POST.to_owned();
    let changes = json!([
        { "range": { "start": position_of(POST, start, true),
                     "end": position_of(POST, start + "In order to".len(), true) },
          "text": "To" },
    ]);
    text.replace_range(start..start + "In order to".len(), "To");
    let end = position_of(&text, text.len(), true);
    let changes = [
        changes[0].clone(),
        json!({ "range": { "start": end, "end": end }, "text": "We did it due to the fact that it works.\n" }),
    ];
    text.push_str("We did it due to the fact that it works.\n");
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": changes }),
    );
    let diagnostics = client.diagnostics(&uri, 2);
    let messages = messages(&diagnostics);
    assert!(
        !messages.contains(&"Wordy phrase “In order to”".to_owned()),
        "{messages:?}"
    );
    assert!(
        messages.contains(&"Wordy phrase “due to the fact that”".to_owned()),
        "{messages:?}"
    );
    let (path, _) = workspace.write("post.md", &text);
    assert!(path.exists());
    assert_eq!(
        server_findings(&text, &diagnostics, true),
        cli_findings(workspace.path(), "post.md")
    );
}

/// The code actions for one diagnostic.
fn actions_for(client: &mut LspClient, uri: &str, diagnostic: &Value) -> Vec<Value> {
    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": diagnostic["range"],
            "context": { "diagnostics": [diagnostic], "triggerKind": 1 }
        }),
    );
    response["result"].as_array().cloned().unwrap_or_default()
}

/// The action with its edit, resolving it when it was listed without one.
fn resolved(client: &mut LspClient, action: &Value) -> Value {
    if action.get("edit").is_some() {
        return action.clone();
    }
    let response = client.request("codeAction/resolve", action.clone());
    response["result"].clone()
}

fn change_full(client: &mut LspClient, uri: &str, version: i64, text: &str) {
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "text": text }] }),
    );
}

#[test]
fn a_quick_fix_removes_its_diagnostic() {
    let (_workspace, mut client, uri, diagnostics) = open_post();
    let casing = find(&diagnostics, "voice/casing").clone();

    let actions = actions_for(&mut client, &uri, &casing);
    let titles: Vec<&str> = actions.iter().filter_map(|a| a["title"].as_str()).collect();
    assert_eq!(
        titles,
        [
            "Replace with “GitHub”",
            "Ignore voice/casing here",
            "Disable voice/casing in copydesk.toml",
            "Apply all safe copydesk fixes",
        ]
    );
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    // Versioned, so the editor refuses it if the text changed meanwhile.
    assert_eq!(
        fix["edit"]["documentChanges"][0]["textDocument"]["version"],
        1
    );
    let text = apply_text_edits(POST, &edits_for(&fix["edit"], &uri), true);
    assert!(
        text.contains("- GitHub users can install it today!"),
        "{text}"
    );

    change_full(&mut client, &uri, 2, &text);
    let after = client.diagnostics(&uri, 2);
    assert!(
        after.iter().all(|d| d["code"] != "voice/casing"),
        "{after:#?}"
    );
    assert_eq!(after.len(), diagnostics.len() - 1);
}

#[test]
fn stale_quick_fixes_are_dropped() {
    let (_workspace, mut client, uri, diagnostics) = open_post();
    let casing = find(&diagnostics, "voice/casing").clone();
    let text = format!("New first line.\n{POST}");
    change_full(&mut client, &uri, 2, &text);
    client.diagnostics(&uri, 2);
    // The client still holds version 1's diagnostic: its byte edits no
    // longer fit, so no quick fix is offered for it.
    let actions = actions_for(&mut client, &uri, &casing);
    assert!(
        actions
            .iter()
            .all(|a| a["title"] != "Replace with “GitHub”"),
        "{actions:#?}"
    );
}

#[test]
fn ignore_rule_here_silences_only_that_finding() {
    let (_workspace, mut client, uri, diagnostics) = open_post();
    let second_wordy = diagnostics
        .iter()
        .rfind(|d| d["code"] == "concise/wordy-phrase")
        .expect("two wordy phrases")
        .clone();
    let actions = actions_for(&mut client, &uri, &second_wordy);
    let ignore = titled(&actions, "Ignore concise/wordy-phrase here");
    let text = apply_text_edits(POST, &edits_for(&ignore["edit"], &uri), true);
    assert!(
        text.contains("<!-- copydesk-disable-next-line concise/wordy-phrase -->\nOur team"),
        "{text}"
    );
    change_full(&mut client, &uri, 2, &text);
    let after = client.diagnostics(&uri, 2);
    let wordy: Vec<&Value> = after
        .iter()
        .filter(|d| d["code"] == "concise/wordy-phrase")
        .collect();
    assert_eq!(wordy.len(), 1, "the first one stays: {after:#?}");
    assert_eq!(after.len(), diagnostics.len() - 1);
}

#[test]
fn disable_rule_edits_the_guide_and_the_server_follows_it() {
    let workspace = Workspace::new();
    let guide = "# test guide\n\n[rules]\n# noisy for us\n\"voice/hedge\" = \"info\"\n";
    let (guide_path, guide_uri) = workspace.write("copydesk.toml", guide);
    let (_, uri) = workspace.write("post.md", POST);
    let mut client = workspace.server(&["utf-16"], Value::Null);
    client.open(&uri, "markdown", 1, POST);
    let diagnostics = client.diagnostics(&uri, 1);
    let redundancy = find(&diagnostics, "concise/redundancy").clone();
    let actions = actions_for(&mut client, &uri, &redundancy);
    let disable = titled(&actions, "Disable concise/redundancy in copydesk.toml");
    assert!(
        disable.get("edit").is_none(),
        "the guide is read on resolve"
    );
    let disable = resolved(&mut client, disable);
    let edited = apply_text_edits(guide, &edits_for(&disable["edit"], &guide_uri), true);
    assert_eq!(
        edited,
        "# test guide\n\n[rules]\n# noisy for us\n\"voice/hedge\" = \"info\"\n\"concise/redundancy\" = \"off\"\n"
    );

    // The editor saves the guide; the watcher reports it.
    std::fs::write(&guide_path, &edited).expect("write guide");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": guide_uri, "type": 2 }] }),
    );
    let after = client.diagnostics(&uri, 1);
    assert!(
        after.iter().all(|d| d["code"] != "concise/redundancy"),
        "{after:#?}"
    );
    assert_eq!(after.len(), diagnostics.len() - 1);
}

#[test]
fn disable_rule_creates_a_guide_when_there_is_none() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().join("site");
    std::fs::create_dir(&root).expect("mkdir");
    // A guide above the workspace must not be the one edited… but with no
    // guide at all, a new one goes at the workspace root.
    let path = root.join("post.md");
    std::fs::write(&path, POST).expect("write");
    let uri = file_uri(&path);
    let mut client = LspClient::spawn(&root);
    client.initialize(editor_capabilities(&["utf-16"]), Value::Null, Some(&root));
    client.open(&uri, "markdown", 1, POST);
    let diagnostics = client.diagnostics(&uri, 1);
    if dir
        .path()
        .ancestors()
        .any(|d| d.join("copydesk.toml").is_file())
    {
        return; // a guide above the temp dir; nothing to create
    }
    let actions = actions_for(&mut client, &uri, find(&diagnostics, "concise/redundancy"));
    let disable = titled(&actions, "Disable concise/redundancy in copydesk.toml");
    let disable = resolved(&mut client, disable);
    let operations = disable["edit"]["documentChanges"]
        .as_array()
        .expect("operations");
    assert_eq!(operations[0]["kind"], "create");
    assert_eq!(operations[0]["uri"], file_uri(&root.join("copydesk.toml")));
    let new_text = operations[1]["edits"][0]["newText"].as_str().expect("text");
    assert!(
        new_text.contains("[rules]\n\"concise/redundancy\" = \"off\"\n"),
        "{new_text}"
    );
}

#[test]
fn fix_all_matches_check_fix() {
    let (workspace, mut client, uri, _) = open_post();

    let response = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": { "start": { "line": 0, "character": 0 }, "end": { "line": 0, "character": 0 } },
            "context": { "diagnostics": [], "only": ["source.fixAll"], "triggerKind": 1 }
        }),
    );
    let actions = response["result"].as_array().expect("actions");
    assert_eq!(actions.len(), 1, "{actions:#?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.copydesk");
    assert!(actions[0].get("edit").is_none(), "resolved lazily");
    let resolved = client.request("codeAction/resolve", actions[0].clone());
    let text = apply_text_edits(POST, &edits_for(&resolved["result"]["edit"], &uri), true);

    let output = common::run_in(workspace.path(), &["check", "--fix", "post.md"]);
    assert!(output.status.code().is_some());
    let fixed = std::fs::read_to_string(workspace.path().join("post.md")).expect("read");
    assert_ne!(fixed, POST, "the CLI fixed something");
    assert_eq!(text, fixed);

    // The same through the command editors bind (`:CopydeskFixAll`).
    let response = client.request(
        "workspace/executeCommand",
        json!({ "command": "copydesk.fixAll", "arguments": [uri] }),
    );
    assert_eq!(response["result"], json!({ "applied": true }), "{response}");
    let applied = client.applied_edits.last().expect("applyEdit sent").clone();
    assert_eq!(
        apply_text_edits(POST, &edits_for(&applied, &uri), true),
        fixed
    );
}

#[test]
fn hover_shows_the_rule_docs_the_note_and_the_fix() {
    let workspace = Workspace::new();
    std::fs::write(
        workspace.path().join("copydesk.toml"),
        "[[voice.terms]]\nuse = \"customer advocacy\"\ninstead_of = [\"customer service\"]\nwhy = \"We advocate for customers.\"\n",
    )
    .expect("guide");
    let text = "Our customer service team is here.\n";
    let (_, uri) = workspace.write("post.md", text);
    let mut client = workspace.server(&["utf-16"], Value::Null);
    client.open(&uri, "markdown", 1, text);
    let diagnostics = client.diagnostics(&uri, 1);
    let term = find(&diagnostics, "voice/preferred-term");
    let response = client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": uri }, "position": term["range"]["start"] }),
    );
    let hover = &response["result"];
    let value = hover["contents"]["value"].as_str().expect("markdown");
    assert_eq!(hover["contents"]["kind"], "markdown");
    assert!(value.contains("`voice/preferred-term`"), "{value}");
    assert!(value.contains("> We advocate for customers."), "{value}");
    assert!(
        value.contains("```diff\n-Our customer service team is here.\n+Our customer advocacy team is here.\n```"),
        "{value}"
    );
    assert!(value.contains("#### What it does"), "{value}");
    assert_eq!(hover["range"], term["range"]);

    // Nothing to say away from findings, or past the end of the file.
    for position in [
        json!({"line": 0, "character": 0}),
        json!({"line": 99, "character": 3}),
    ] {
        let response = client.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": position }),
        );
        assert_eq!(response["result"], Value::Null, "{response}");
    }
}

#[test]
fn a_broken_guide_is_reported_on_itself_and_the_last_good_one_stays() {
    let workspace = Workspace::new();
    let (guide_path, guide_uri) = workspace.write(
        "copydesk.toml",
        "[rules]\n\"concise/wordy-phrase\" = \"error\"\n",
    );
    let (_, uri) = workspace.write("post.md", POST);
    let mut client = workspace.server(&["utf-16"], Value::Null);
    client.open(&uri, "markdown", 1, POST);
    let diagnostics = client.diagnostics(&uri, 1);
    assert_eq!(find(&diagnostics, "concise/wordy-phrase")["severity"], 1);

    let notify_changed = |client: &mut LspClient| {
        client.notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": guide_uri, "type": 2 }] }),
        );
    };
    std::fs::write(
        &guide_path,
        "[rules]\n\"concise/wordy-phrase\" = \"loud\"\n",
    )
    .expect("write");
    notify_changed(&mut client);
    let on_guide = client.wait_notification(|n| {
        n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == guide_uri
    });
    let problem = &on_guide["params"]["diagnostics"][0];
    assert_eq!(
        problem["range"]["start"],
        json!({ "line": 1, "character": 25 })
    );
    assert_eq!(problem["severity"], 1);
    assert!(
        problem["message"]
            .as_str()
            .unwrap_or("")
            .contains("invalid level “loud”"),
        "{problem}"
    );
    let shown = client.wait_notification(|n| n["method"] == "window/showMessage");
    assert!(
        shown["params"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("last good guide"),
        "{shown}"
    );
    // The document is checked again with the last good guide: still errors.
    let still = client.diagnostics(&uri, 1);
    assert_eq!(find(&still, "concise/wordy-phrase")["severity"], 1);

    // The same broken guide saved again shows no second message.
    notify_changed(&mut client);
    client.diagnostics(&uri, 1);

    std::fs::write(
        &guide_path,
        "[rules]\n\"concise/wordy-phrase\" = \"hint\"\n",
    )
    .expect("write");
    notify_changed(&mut client);
    let cleared = client.wait_notification(|n| {
        n["method"] == "textDocument/publishDiagnostics"
            && n["params"]["uri"] == guide_uri
            && n["params"]["diagnostics"] == json!([])
    });
    assert!(cleared["params"]["diagnostics"].as_array().is_some());
    let repaired = client.diagnostics(&uri, 1);
    assert_eq!(find(&repaired, "concise/wordy-phrase")["severity"], 4);
    client.drain_for(Duration::from_millis(200));
    let messages = client
        .notifications
        .iter()
        .filter(|n| n["method"] == "window/showMessage")
        .count();
    assert_eq!(
        messages, 0,
        "one message per problem: {:#?}",
        client.notifications
    );
}

#[test]
fn utf16_ranges_count_emoji_as_two_units_and_crlf_is_exact() {
    let workspace = Workspace::new();
    let text = "😀😀 We did it in order to ship.\r\nOur 世界 team is on Github.\r\n";
    let (_, uri) = workspace.write("post.md", text);
    let mut client = workspace.server(&["utf-16"], Value::Null);
    client.open(&uri, "markdown", 1, text);
    let diagnostics = client.diagnostics(&uri, 1);
    let wordy = find(&diagnostics, "concise/wordy-phrase");
    assert_eq!(
        wordy["range"],
        json!({ "start": { "line": 0, "character": 15 }, "end": { "line": 0, "character": 26 } })
    );
    let casing = find(&diagnostics, "voice/casing");
    assert_eq!(
        casing["range"]["start"],
        json!({ "line": 1, "character": 18 })
    );

    // An edit after the emoji, in UTF-16 columns, lands where intended.
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [
            { "range": wordy["range"], "text": "to" }
        ]}),
    );
    let after = client.diagnostics(&uri, 2);
    assert!(
        after.iter().all(|d| d["code"] != "concise/wordy-phrase"),
        "{after:#?}"
    );
    assert_eq!(find(&after, "voice/casing")["range"]["start"]["line"], 1);
}

#[test]
fn utf8_is_negotiated_when_the_client_offers_it() {
    let workspace = Workspace::new();
    let text = "😀😀 We did it in order to ship.\n";
    let (_, uri) = workspace.write("post.md", text);
    let mut client = LspClient::spawn(workspace.path());
    let result = client.initialize(
        editor_capabilities(&["utf-8", "utf-16"]),
        Value::Null,
        Some(workspace.path()),
    );
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    client.open(&uri, "markdown", 1, text);
    let diagnostics = client.diagnostics(&uri, 1);
    let wordy = find(&diagnostics, "concise/wordy-phrase");
    let start = text.find("in order").expect("fixture");
    assert_eq!(
        wordy["range"]["start"],
        json!({ "line": 0, "character": start })
    );
    assert_eq!(
        offset_at(text, &wordy["range"]["end"], false),
        start + "in order to".len()
    );

    // Without UTF-8 on offer, UTF-16 it is.
    let mut other = LspClient::spawn(workspace.path());
    let result = other.initialize(json!({}), Value::Null, None);
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
}

#[test]
fn pull_diagnostics_answer_without_publishing() {
    let workspace = Workspace::new();
    let (_, uri) = workspace.write("post.md", POST);
    let mut client = workspace.server(&["utf-16"], json!({ "diagnosticMode": "pull" }));
    client.open(&uri, "markdown", 1, POST);
    let response = client.request(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": uri } }),
    );
    let report = &response["result"];
    assert_eq!(report["kind"], "full");
    let items = report["items"].as_array().expect("items");
    assert_eq!(
        server_findings(POST, items, true),
        cli_findings(workspace.path(), "post.md")
    );
    let again = client.request(
        "textDocument/diagnostic",
        json!({ "textDocument": { "uri": uri }, "previousResultId": report["resultId"] }),
    );
    assert_eq!(again["result"]["kind"], "unchanged");
    client.drain_for(Duration::from_millis(300));
    assert!(
        client
            .notifications
            .iter()
            .all(|n| n["method"] != "textDocument/publishDiagnostics"),
        "{:#?}",
        client.notifications
    );
}

#[test]
fn settings_choose_languages_and_the_size_limit() {
    let workspace = Workspace::new();
    let text = "We did it in order to ship.\n";
    let (_, rst) = workspace.write("notes.rst", text);
    let (_, big) = workspace.write("big.md", text);
    let mut client = workspace.server(&["utf-16"], Value::Null);
    client.settings = json!({ "extraLanguages": ["restructuredtext"], "maxDocumentBytes": 10 });
    // Settings are pulled after `initialized`; a later change re-pulls them.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": null }),
    );
    client.drain_for(Duration::from_millis(300));
    client.open(&rst, "restructuredtext", 1, text);
    let diagnostics = client.diagnostics(&rst, 1);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("Not checked: the document is"),
        "{diagnostics:#?}"
    );
    assert_eq!(diagnostics[0]["severity"], 3);

    client.settings = json!({ "extraLanguages": ["restructuredtext"] });
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": null }),
    );
    let diagnostics = client.diagnostics(&rst, 1);
    assert_eq!(messages(&diagnostics), ["Wordy phrase “in order to”"]);

    // A language not listed is not checked at all.
    client.open(&big, "rust", 1, text);
    assert_eq!(client.diagnostics(&big, 1), Vec::<Value>::new());
}

#[test]
fn a_setting_of_the_wrong_type_costs_that_setting_only() {
    let workspace = Workspace::new();
    let text = "We did it in order to ship.\n";
    let (_, rst) = workspace.write("notes.rst", text);
    let mut client = workspace.server(&["utf-16"], Value::Null);
    client.settings = json!({ "extraLanguages": ["restructuredtext"], "maxDocumentBytes": "big" });
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": null }),
    );
    let warning = client.wait_notification(|n| n["method"] == "window/showMessage");
    assert_eq!(warning["params"]["type"], 2, "{warning}");
    assert_eq!(
        warning["params"]["message"],
        "copydesk: ignoring the setting copydesk.maxDocumentBytes (wrong type); the other settings apply"
    );
    // The good key still applies: the reStructuredText file is checked.
    client.open(&rst, "restructuredtext", 1, text);
    assert_eq!(
        messages(&client.diagnostics(&rst, 1)),
        ["Wordy phrase “in order to”"]
    );
}

#[test]
fn settings_pushed_by_clients_without_configuration_requests() {
    let workspace = Workspace::new();
    let text = "We did it in order to ship.\n";
    let (_, uri) = workspace.write("notes.rst", text);
    let mut client = LspClient::spawn(workspace.path());
    client.initialize(
        json!({}),
        json!({ "extraLanguages": ["rst"] }),
        Some(workspace.path()),
    );
    client.open(&uri, "rst", 1, text);
    assert_eq!(client.diagnostics(&uri, 1).len(), 1);
    client.notify(
        "workspace/didChangeConfiguration",
        json!({ "settings": { "copydesk": { "extraLanguages": [] } } }),
    );
    assert_eq!(client.diagnostics(&uri, 1), Vec::<Value>::new());
}

#[test]
fn commands_check_their_arguments() {
    let (_workspace, mut client, uri, _) = open_post();
    // Tighten needs a position or range (tests/lsp_model.rs covers the rest).
    let response = client.request(
        "workspace/executeCommand",
        json!({ "command": "copydesk.tighten", "arguments": [{ "uri": uri }] }),
    );
    assert_eq!(response["error"]["code"], -32602, "{response}");
    let response = client.request(
        "workspace/executeCommand",
        json!({ "command": "copydesk.ignoreRule", "arguments": [{ "uri": uri }] }),
    );
    assert_eq!(response["error"]["code"], -32602, "{response}");
    let response = client.request(
        "workspace/executeCommand",
        json!({ "command": "copydesk.ignoreRule", "arguments": [{
            "uri": uri, "rule": "voice/casing", "position": { "line": 11, "character": 3 }
        }] }),
    );
    assert_eq!(response["result"], json!({ "applied": true }), "{response}");
    let edit = client.applied_edits.last().expect("edit").clone();
    let text = apply_text_edits(POST, &edits_for(&edit, &uri), true);
    assert!(
        text.contains("Friday. <!-- copydesk-disable-next-line voice/casing -->\n- Github"),
        "{text}"
    );
}

#[test]
fn clients_without_watchers_or_resolve_still_follow_the_guide() {
    let workspace = Workspace::new();
    let (guide_path, guide_uri) = workspace.write("copydesk.toml", "[rules]\n");
    let (_, uri) = workspace.write("post.md", POST);
    let mut client = LspClient::spawn(workspace.path());
    // No file watching, no resolve, no versioned edits: a minimal client.
    client.initialize(json!({}), Value::Null, Some(workspace.path()));
    client.open(&uri, "markdown", 1, POST);
    let diagnostics = client.diagnostics(&uri, 1);
    let redundancy = find(&diagnostics, "concise/redundancy").clone();
    let actions = actions_for(&mut client, &uri, &redundancy);
    let disable = titled(&actions, "Disable concise/redundancy in copydesk.toml");
    let edits = disable["edit"]["changes"][&guide_uri]
        .as_array()
        .expect("plain edits");
    let edited = apply_text_edits("[rules]\n", edits, true);
    assert_eq!(edited, "[rules]\n\"concise/redundancy\" = \"off\"\n");
    let fix_all = actions
        .iter()
        .find(|a| a["kind"] == "source.fixAll.copydesk")
        .expect("fix all");
    assert!(fix_all["edit"]["changes"][&uri].is_array(), "{fix_all}");

    // The guide changes on disk; the next edit notices it.
    std::fs::write(&guide_path, &edited).expect("write guide");
    let text = format!("{POST}\nOne more line.\n");
    change_full(&mut client, &uri, 2, &text);
    let after = client.diagnostics(&uri, 2);
    assert!(
        after.iter().all(|d| d["code"] != "concise/redundancy"),
        "{after:#?}"
    );
}

#[test]
fn the_platforms_setting_feeds_the_sharing_rules() {
    // Over 280 characters: too long for X, fine with no platform known.
    let sentence = "We are excited to announce that, to better serve our 12,000 customers in Berlin, we will be opening a new office on 3 March.";
    let long = format!("# Launch\n\n{sentence} {sentence} {sentence}\n");
    let workspace = Workspace::new();
    let (_, uri) = workspace.write("post.md", &long);
    let run = |options: Value| {
        let mut client = workspace.server(&["utf-16"], options);
        client.open(&uri, "markdown", 1, &long);
        let diagnostics = client.diagnostics(&uri, 1);
        client.drain_for(Duration::from_millis(200));
        (client, diagnostics)
    };
    let length_limit = |diagnostics: &[Value]| {
        diagnostics
            .iter()
            .any(|d| d["code"] == "share/length-limit")
    };
    let (_, without) = run(Value::Null);
    assert!(!length_limit(&without), "no platform, no limit");
    let (client, with) = run(json!({ "platforms": ["x", "myspace"] }));
    assert!(length_limit(&with), "{with:#?}");
    let unknown = client
        .notifications
        .iter()
        .filter(|n| n["method"] == "window/showMessage")
        .filter(|n| {
            n["params"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("unknown platform “myspace”"))
        })
        .count();
    assert_eq!(unknown, 1, "{:?}", client.notifications);
}
