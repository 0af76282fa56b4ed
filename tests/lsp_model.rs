//! Tighten and Bridge in the language server, against a test
//! OpenAI-compatible server on 127.0.0.1: listing is instant and makes no
//! request; resolving calls the model with progress and returns annotated
//! minimal edits for the version it was computed for; a change, a cancel, a
//! failing model or junk never produce an edit; without `[llm]` there are no
//! model actions at all.

use crate::common;
use crate::fake_openai;
use crate::lsp_client;

use std::time::{Duration, Instant};

use fake_openai::{FakeServer, Recorded, Reply, completion, error};
use lsp_client::{LspClient, apply_text_edits, editor_capabilities, edits_for, file_uri};
use serde_json::{Value, json};

const ORIGINAL: &str = "We are really very excited to announce that, in order to better serve our 12,000 customers in Berlin, we will be opening a brand new office on 3 March. You can read all about it at https://acme.example/berlin.";
const GOOD: &str = "To better serve our 12,000 customers in Berlin, we will open a new office on 3 March. You can read all about it at https://acme.example/berlin.";
const FIRST: &str =
    "Our support team answered 12,000 tickets this quarter, most of them within an hour.";
const SECOND: &str =
    "Lisbon will host the partner summit in October, with two days of talks and workshops.";
const OPTIONS: &str = "1. Partners help us keep that pace.\n2. That pace matters for partners too.\n3. Partners will see that pace first.";

fn post() -> String {
    format!("# Launch\n\n{ORIGINAL}\n\n## Partners\n\n{FIRST}\n\n{SECOND}\n")
}

/// A workspace with a guide, a test model server, and `copydesk lsp` with
/// the post open. Fields drop in order: the client, the model server, then
/// its runtime.
struct Session {
    client: LspClient,
    server: FakeServer,
    _runtime: tokio::runtime::Runtime,
    _dir: tempfile::TempDir,
    uri: String,
    text: String,
    diagnostics: Vec<Value>,
    /// Positions in UTF-16 (else UTF-8, when the client offered it).
    utf16: bool,
}

/// What VS Code says it can do, for what these tests use.
fn vscode_like(resolve: bool) -> Value {
    let mut capabilities = editor_capabilities(&["utf-16"]);
    capabilities["workspace"]["workspaceEdit"]["changeAnnotationSupport"] =
        json!({ "groupsOnLabel": true });
    capabilities["window"] = json!({ "workDoneProgress": true, "showMessage": {} });
    capabilities["textDocument"]["codeAction"]["codeActionLiteralSupport"]["codeActionKind"]["valueSet"] =
        json!(["", "quickfix", "refactor", "refactor.rewrite", "source"]);
    if !resolve {
        capabilities["textDocument"]["codeAction"]
            .as_object_mut()
            .expect("object")
            .remove("resolveSupport");
    }
    capabilities
}

/// `llm` is the guide's `[llm]` body with `{url}` for the test server's
/// address (`options` may say `{url}` too); `None` writes a guide without
/// `[llm]`.
fn session(
    script: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static,
    llm: Option<&str>,
    capabilities: Value,
    options: Value,
) -> Session {
    session_for(post(), script, llm, capabilities, options)
}

/// [`session`] with `text` as the post.
fn session_for(
    text: String,
    script: impl Fn(&Recorded, usize) -> Reply + Send + Sync + 'static,
    llm: Option<&str>,
    capabilities: Value,
    options: Value,
) -> Session {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let server = runtime.block_on(FakeServer::start(script));
    let dir = tempfile::tempdir().expect("temp dir");
    // Bridge answers flow/abrupt-transition findings; that rule is off by
    // default, so these guides turn it on.
    let rules = "[rules]\n\"flow/abrupt-transition\" = \"info\"\n";
    let guide = match llm {
        Some(body) => format!(
            "{rules}\n[llm]\n{}\n",
            body.replace("{url}", &server.base_url())
        ),
        None => format!("# no model\n{rules}"),
    };
    std::fs::write(dir.path().join("copydesk.toml"), guide).expect("guide");
    // The writer allowed the guide's model, in this test's own config folder.
    let config = dir.path().join("config");
    if llm.is_some() {
        common::trust(&config, &dir.path().join("copydesk.toml"));
    }
    let options: Value =
        serde_json::from_str(&options.to_string().replace("{url}", &server.base_url()))
            .expect("options");
    let path = dir.path().join("post.md");
    std::fs::write(&path, &text).expect("post");
    let uri = file_uri(&path);
    let utf16 = !capabilities["general"]["positionEncodings"]
        .as_array()
        .is_some_and(|offered| offered.iter().any(|e| e == "utf-8"));
    let mut client = LspClient::spawn_with_config(dir.path(), &config);
    client.initialize(capabilities, options, Some(dir.path()));
    client.open(&uri, "markdown", 1, &text);
    let diagnostics = client.diagnostics(&uri, 1);
    Session {
        client,
        server,
        _runtime: runtime,
        _dir: dir,
        uri,
        text,
        diagnostics,
        utf16,
    }
}

const LLM: &str = "base_url = \"{url}\"\nmodel = \"test-model\"\ntimeout_secs = 10\ncache = false";

impl Session {
    fn position(&self, offset: usize) -> Value {
        lsp_client::position_of(&self.text, offset, self.utf16)
    }

    fn at(&self, needle: &str) -> Value {
        self.position(self.text.find(needle).expect("needle"))
    }

    /// The code actions at `start..end` (byte offsets), as the writer's
    /// Ctrl+. asks for them.
    fn actions(&mut self, start: usize, end: usize, extra: Value) -> Vec<Value> {
        let mut context = json!({ "diagnostics": [], "triggerKind": 1 });
        if let Value::Object(extra) = extra {
            for (key, value) in extra {
                context[key] = value;
            }
        }
        let response = self.client.request(
            "textDocument/codeAction",
            json!({
                "textDocument": { "uri": self.uri },
                "range": { "start": self.position(start), "end": self.position(end) },
                "context": context,
            }),
        );
        response["result"].as_array().cloned().unwrap_or_default()
    }

    fn actions_at(&mut self, needle: &str) -> Vec<Value> {
        let offset = self.text.find(needle).expect("needle");
        self.actions(offset, offset, json!({}))
    }

    /// The abrupt-transition finding on the paragraph starting with `needle`.
    fn abrupt_transition(&self, needle: &str) -> Value {
        let start = self.at(needle);
        self.diagnostics
            .iter()
            .find(|d| d["code"] == "flow/abrupt-transition" && d["range"]["start"] == start)
            .cloned()
            .unwrap_or_else(|| {
                panic!(
                    "no abrupt transition at “{needle}”: {:#?}",
                    self.diagnostics
                )
            })
    }

    fn resolve(&mut self, action: &Value) -> Value {
        let response = self.client.request("codeAction/resolve", action.clone());
        assert!(response.get("error").is_none(), "{response}");
        response["result"].clone()
    }

    /// Send `codeAction/resolve` for `action` and return its id once the
    /// model has the request.
    fn start_resolve(&mut self, action: Value) -> i64 {
        let asked = self.server.requests().len();
        let id = self.client.send_request("codeAction/resolve", action);
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.server.requests().len() == asked {
            assert!(Instant::now() < deadline, "the model was not asked");
            // Reading answers the server's progress request, which it waits for.
            self.client.drain_for(Duration::from_millis(20));
        }
        id
    }

    fn shown_messages(&self) -> Vec<String> {
        self.client
            .notifications
            .iter()
            .filter(|n| n["method"] == "window/showMessage")
            .filter_map(|n| n["params"]["message"].as_str().map(str::to_owned))
            .collect()
    }

    fn change(&mut self, version: i64, text: &str) {
        self.client.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": self.uri, "version": version },
                "contentChanges": [{ "text": text }],
            }),
        );
    }
}

#[track_caller]
fn titled<'a>(actions: &'a [Value], title: &str) -> &'a Value {
    actions
        .iter()
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| panic!("no “{title}” among {actions:#?}"))
}

fn titles(actions: &[Value]) -> Vec<String> {
    actions
        .iter()
        .filter_map(|a| a["title"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn listing_is_instant_and_makes_no_model_request() {
    let mut s = session(
        |_, _| completion(GOOD),
        Some(LLM),
        vscode_like(true),
        Value::Null,
    );
    let started = Instant::now();
    let at_sentence = s.actions_at("in order to better");
    let listing = started.elapsed();
    let titles_here = titles(&at_sentence);
    assert!(
        titles_here.contains(&"Tighten sentence with test-model".to_owned())
            && titles_here.contains(&"Tighten paragraph with test-model".to_owned()),
        "{titles_here:?}"
    );
    let tighten = titled(&at_sentence, "Tighten paragraph with test-model");
    assert_eq!(tighten["kind"], "refactor.rewrite.copydesk.tighten");
    assert!(tighten.get("edit").is_none(), "the edit waits for resolve");
    assert_eq!(tighten["data"]["copydesk"], "model");
    assert_eq!(tighten["data"]["version"], 1);
    assert_eq!(tighten["data"]["kind"], "tightenParagraph");
    assert_eq!(tighten["data"]["uri"], s.uri);

    // A selection is tightened as selected.
    let start = s.text.find("We are").unwrap();
    let end = start + ORIGINAL.find(" You can").unwrap();
    let selected = s.actions(start, end, json!({}));
    assert!(titles(&selected).contains(&"Tighten selection with test-model".to_owned()));

    // "Suggest a transition" on the abrupt-transition finding.
    let finding = s.abrupt_transition(SECOND);
    let offset = s.text.find(SECOND).unwrap();
    let on_finding = s.actions(offset, offset, json!({ "diagnostics": [finding] }));
    let bridge = titled(&on_finding, "Suggest a transition");
    assert_eq!(bridge["kind"], "quickfix");
    assert_eq!(bridge["diagnostics"][0]["code"], "flow/abrupt-transition");
    assert_eq!(bridge["data"]["kind"], "bridge");

    // On request, anywhere between two paragraphs (here: the blank line).
    let blank = s.text.find(SECOND).unwrap() - 1;
    let on_blank = s.actions(blank, blank, json!({}));
    assert!(titles(&on_blank).contains(&"Suggest a transition".to_owned()));
    let requested = s.actions(
        offset + 10,
        offset + 10,
        json!({ "only": ["refactor.rewrite.copydesk.bridge"] }),
    );
    assert_eq!(titles(&requested), ["Suggest a transition"]);

    // The lightbulb (automatic trigger) on plain prose offers no model action.
    let automatic = s.actions(start + 3, start + 3, json!({ "triggerKind": 2 }));
    assert!(
        !titles(&automatic).iter().any(|t| t.starts_with("Tighten")),
        "{:?}",
        titles(&automatic)
    );
    // Headings are not tightened.
    assert!(titles(&s.actions_at("Launch")).is_empty());

    assert_eq!(
        s.server.connections(),
        0,
        "listing must not touch the network"
    );
    eprintln!("listing code actions took {listing:?}");
    assert!(listing < Duration::from_secs(2), "listing took {listing:?}");
}

#[test]
fn resolve_returns_annotated_minimal_edits_with_progress() {
    let mut s = session(
        |_, _| completion(GOOD),
        Some(LLM),
        vscode_like(true),
        Value::Null,
    );
    let actions = s.actions_at("in order to better");
    let action = titled(&actions, "Tighten paragraph with test-model").clone();
    let resolved = s.resolve(&action);
    let edit = &resolved["edit"];
    let changes = edit["documentChanges"].as_array().expect("documentChanges");
    assert_eq!(changes[0]["textDocument"]["version"], 1);
    let edits = edits_for(edit, &s.uri);
    assert!(
        edits.len() > 1,
        "word-level edits, not one replacement: {edits:#?}"
    );
    for text_edit in &edits {
        assert_eq!(text_edit["annotationId"], "copydesk.model", "{text_edit}");
        let start = lsp_client::offset_at(&s.text, &text_edit["range"]["start"], true);
        let end = lsp_client::offset_at(&s.text, &text_edit["range"]["end"], true);
        assert!(
            !s.text[start..end].contains("Berlin") && !s.text[start..end].contains("12,000"),
            "an edit rewrites an unchanged fact: {text_edit}"
        );
    }
    let annotation = &edit["changeAnnotations"]["copydesk.model"];
    assert_eq!(annotation["needsConfirmation"], true);
    assert_eq!(
        annotation["label"],
        "Tighten with test-model (model test-model, prompt tighten@2)"
    );
    let diff = annotation["description"].as_str().expect("the diff");
    assert!(
        diff.contains("@@") && diff.contains(&format!("+{GOOD}")),
        "{diff}"
    );
    assert_eq!(
        apply_text_edits(&s.text, &edits, true),
        s.text.replace(ORIGINAL, GOOD)
    );
    assert_eq!(s.server.requests().len(), 1);

    // Progress: created, begun and ended (the end may come after the
    // response: tower-lsp-server does not order notifications and responses).
    s.client.drain_for(Duration::from_millis(300));
    assert!(
        s.client
            .server_requests
            .contains(&"window/workDoneProgress/create".to_owned())
    );
    let progress: Vec<String> = s
        .client
        .notifications
        .iter()
        .filter(|n| n["method"] == "$/progress")
        .filter_map(|n| n["params"]["value"]["kind"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(progress, ["begin", "end"]);

    // Resolving again (the writer rejected the preview and asks again) uses
    // the remembered suggestion: no second model call.
    let again = s.resolve(&action);
    assert_eq!(again["edit"], resolved["edit"]);
    assert_eq!(s.server.requests().len(), 1);

    // The hover on a finding in that paragraph shows the suggestion's diff.
    let hover = s.client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": s.uri }, "position": s.at("in order to better") }),
    );
    let value = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(
        value.contains("**Tighten with test-model**") && value.contains(&format!("+{GOOD}")),
        "{value}"
    );
    // So does a hover anywhere in the paragraph, finding or not.
    let berlin = s.at("Berlin");
    assert!(
        !s.diagnostics
            .iter()
            .any(|d| d["range"]["start"]["line"] == berlin["line"]
                && d["range"]["start"]["character"].as_u64() <= berlin["character"].as_u64()
                && berlin["character"].as_u64() < d["range"]["end"]["character"].as_u64()),
        "a finding covers “Berlin”: pick another word"
    );
    let hover = s.client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": s.uri }, "position": berlin }),
    );
    let value = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(
        value.starts_with("**Tighten with test-model** · model `test-model`, prompt `tighten@2`")
            && value.contains(&format!("+{GOOD}")),
        "{value}"
    );
    // Outside it, no hover.
    let hover = s.client.request(
        "textDocument/hover",
        json!({ "textDocument": { "uri": s.uri }, "position": s.at("Partners") }),
    );
    assert!(hover["result"].is_null(), "{hover}");
}

const WIDE: &str = "Our 😀 team in 東京 is really very excited to announce that, in order to better serve our 12,000 customers, we will be opening a brand new office on 3 March. The new office will be open to all of our customers.";
const WIDE_TIGHT: &str = "Our 😀 team in 東京 is excited that, to better serve our 12,000 customers, we will open a new office on 3 March. The office will be open to all our customers.";

#[test]
fn edits_have_exact_positions_on_a_line_with_emoji_and_cjk() {
    // (offered encodings, UTF-16?, the column of “really” on its line)
    for (encodings, utf16, column) in [
        (&["utf-16"][..], true, 21),
        (&["utf-8", "utf-16"][..], false, 27),
    ] {
        let mut capabilities = vscode_like(true);
        capabilities["general"]["positionEncodings"] = json!(encodings);
        let text = format!("# 東京 launch 🎉\n\n{WIDE}\n");
        let mut s = session_for(
            text,
            |_, _| completion(WIDE_TIGHT),
            Some(LLM),
            capabilities,
            Value::Null,
        );
        assert_eq!(s.utf16, utf16);
        let actions = s.actions_at("really very");
        let action = titled(&actions, "Tighten paragraph with test-model").clone();
        let resolved = s.resolve(&action);
        let mut edits = edits_for(&resolved["edit"], &s.uri);
        assert!(edits.len() > 1, "{edits:#?}");
        assert_eq!(
            apply_text_edits(&s.text, &edits, utf16),
            s.text.replace(WIDE, WIDE_TIGHT),
            "{encodings:?}: {edits:#?}"
        );
        // The first edit removes “really very” and starts exactly there.
        edits.sort_by_key(|e| {
            (
                e["range"]["start"]["line"].as_u64(),
                e["range"]["start"]["character"].as_u64(),
            )
        });
        assert_eq!(
            edits[0]["range"]["start"],
            json!({ "line": 2, "character": column }),
            "{encodings:?}: {edits:#?}"
        );
        // Nothing before it on the line (the emoji, the CJK) is touched.
        assert!(edits.iter().all(|e| e["range"]["start"]["line"] == 2));
    }
}

#[test]
fn bridge_lists_each_option_and_picking_another_costs_no_model_call() {
    let mut s = session(
        |_, _| completion(OPTIONS),
        Some(LLM),
        vscode_like(true),
        Value::Null,
    );
    let finding = s.abrupt_transition(SECOND);
    let offset = s.text.find(SECOND).unwrap();
    let context = json!({ "diagnostics": [finding] });
    let first_listing = s.actions(offset, offset, context.clone());
    let suggest = titled(&first_listing, "Suggest a transition").clone();
    let resolved = s.resolve(&suggest);
    let edits = edits_for(&resolved["edit"], &s.uri);
    assert_eq!(
        apply_text_edits(&s.text, &edits, true),
        s.text.replace(
            SECOND,
            &format!("Partners help us keep that pace. {SECOND}")
        )
    );
    assert_eq!(s.server.requests().len(), 1);

    // Listed again: one action per option, each with its text.
    let second_listing = s.actions(offset, offset, context);
    let options: Vec<String> = titles(&second_listing)
        .into_iter()
        .filter(|t| t.starts_with("Add transition"))
        .collect();
    assert_eq!(
        options,
        [
            "Add transition “Partners help us keep that pace.”",
            "Add transition “That pace matters for partners too.”",
            "Add transition “Partners will see that pace first.”",
        ]
    );
    let second = titled(
        &second_listing,
        "Add transition “That pace matters for partners too.”",
    );
    let resolved = s.resolve(second);
    let edits = edits_for(&resolved["edit"], &s.uri);
    assert_eq!(
        apply_text_edits(&s.text, &edits, true),
        s.text.replace(
            SECOND,
            &format!("That pace matters for partners too. {SECOND}")
        )
    );
    assert_eq!(
        s.server.requests().len(),
        1,
        "the second option came from memory"
    );
}

#[test]
fn a_document_change_during_resolve_drops_the_result() {
    let mut s = session(
        |_, _| Reply::After(Duration::from_secs(5), Box::new(completion(GOOD))),
        Some(LLM),
        vscode_like(true),
        Value::Null,
    );
    let actions = s.actions_at("in order to better");
    let action = titled(&actions, "Tighten paragraph with test-model").clone();
    let started = Instant::now();
    let id = s.start_resolve(action);
    let edited = s.text.replace("# Launch", "# Launch day");
    s.change(2, &edited);
    let response = s.client.response(id);
    let elapsed = started.elapsed();
    assert!(response["result"].is_object(), "{response}");
    assert!(
        response["result"].get("edit").is_none(),
        "an edit for version 1 after version 2 arrived: {response}"
    );
    assert!(
        elapsed < Duration::from_secs(5),
        "the change stopped the request rather than waiting for the model: {elapsed:?}"
    );
    // Diagnostics keep flowing for the new version.
    let diagnostics = s.client.diagnostics(&s.uri, 2);
    assert!(!diagnostics.is_empty());

    // An action listed for version 1 is refused with a message after the change.
    let stale = titled(&actions, "Tighten sentence with test-model").clone();
    let resolved = s.resolve(&stale);
    assert!(resolved.get("edit").is_none());
    s.client.drain_for(Duration::from_millis(200));
    assert!(
        s.shown_messages()
            .iter()
            .any(|m| m.contains("the document changed since this action was offered")),
        "{:?}",
        s.shown_messages()
    );
    assert_eq!(
        s.server.requests().len(),
        1,
        "a stale action makes no model call"
    );
}

#[test]
fn cancelling_the_progress_stops_the_model_request() {
    let mut s = session(
        |_, _| Reply::After(Duration::from_secs(30), Box::new(completion(GOOD))),
        Some(LLM),
        vscode_like(true),
        Value::Null,
    );
    let actions = s.actions_at("in order to better");
    let action = titled(&actions, "Tighten paragraph with test-model").clone();
    let id = s.client.send_request("codeAction/resolve", action);
    let deadline = Instant::now() + Duration::from_secs(10);
    let begin = loop {
        if let Some(begin) = s
            .client
            .notifications
            .iter()
            .find(|n| n["method"] == "$/progress" && n["params"]["value"]["kind"] == "begin")
        {
            break begin.clone();
        }
        assert!(Instant::now() < deadline, "no progress began");
        s.client.drain_for(Duration::from_millis(20));
    };
    assert_eq!(begin["params"]["value"]["cancellable"], true);
    assert_eq!(
        begin["params"]["value"]["title"],
        "Tightening with test-model"
    );
    // The writer presses "Cancel" on the progress notification.
    let started = Instant::now();
    s.client.notify(
        "window/workDoneProgress/cancel",
        json!({ "token": begin["params"]["token"] }),
    );
    let response = s.client.response(id);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(response["result"].is_object(), "{response}");
    assert!(response["result"].get("edit").is_none(), "{response}");
    s.client.drain_for(Duration::from_millis(200));
    // The writer's own cancel is no error: a log line, no message.
    assert!(s.shown_messages().is_empty(), "{:?}", s.shown_messages());
    assert!(s.client.notifications.iter().any(|n| {
        n["method"] == "window/logMessage"
            && n["params"]["message"]
                .as_str()
                .is_some_and(|m| m.contains("was cancelled"))
    }));
}

#[test]
fn a_cancelled_request_frees_the_concurrency_slot() {
    let mut s = session(
        |_, index| {
            if index == 0 {
                Reply::After(Duration::from_secs(60), Box::new(completion(GOOD)))
            } else {
                completion(GOOD)
            }
        },
        Some(&format!("{LLM}\nmax_concurrency = 1")),
        vscode_like(true),
        Value::Null,
    );
    let actions = s.actions_at("in order to better");
    let paragraph = titled(&actions, "Tighten paragraph with test-model").clone();
    let id = s.start_resolve(paragraph.clone());
    s.client.notify("$/cancelRequest", json!({ "id": id }));
    let cancelled = s.client.response(id);
    assert_eq!(cancelled["error"]["code"], -32800, "{cancelled}");

    // The one slot is free again: the next request reaches the model at once.
    let started = Instant::now();
    let resolved = s.resolve(&paragraph);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "waited for the cancelled request: {:?}",
        started.elapsed()
    );
    assert!(resolved["edit"].is_object(), "{resolved}");
    assert_eq!(s.server.requests().len(), 2);
    // The cancelled request's progress was ended too.
    s.client.drain_for(Duration::from_millis(200));
    let ends = s
        .client
        .notifications
        .iter()
        .filter(|n| n["method"] == "$/progress" && n["params"]["value"]["kind"] == "end")
        .count();
    assert_eq!(ends, 2);
}

/// A port on 127.0.0.1 with nothing listening.
fn dead_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free port")
}

#[test]
fn a_failing_slow_or_junk_model_gives_one_message_and_diagnostics_keep_flowing() {
    let down = format!(
        "base_url = \"http://127.0.0.1:{}/v1\"\nmodel = \"test-model\"\ncache = false",
        dead_port()
    );
    let slow = "base_url = \"{url}\"\nmodel = \"test-model\"\ntimeout_secs = 1\ncache = false";
    let cases: Vec<(&str, Reply, &str, &str)> = vec![
        (
            "down",
            completion(GOOD),
            &down,
            "copydesk: test-model gave no suggestion: could not connect to http://127.0.0.1:",
        ),
        (
            "slow",
            Reply::After(Duration::from_secs(8), Box::new(completion(GOOD))),
            slow,
            "copydesk: test-model gave no suggestion: the model did not answer within 1 s",
        ),
        (
            "rate limited",
            error(429, "Rate limit reached", "requests"),
            LLM,
            "copydesk: test-model gave no suggestion: rate limited by the server (429)",
        ),
        (
            "bad key",
            error(401, "Incorrect API key provided", "invalid_request_error"),
            LLM,
            "copydesk: test-model gave no suggestion: the server refused the API key (401)",
        ),
        (
            "not JSON",
            Reply::text(200, "<html>not an API</html>"),
            LLM,
            "copydesk: test-model gave no suggestion: the server's answer is not JSON",
        ),
        (
            // Drops “12,000” and “Berlin”: the guard refuses it twice.
            "unsafe rewrite",
            completion("We open a new office on 3 March. Read https://acme.example/berlin."),
            LLM,
            "copydesk: no safe suggestion: ",
        ),
    ];
    for (name, reply, llm, expected) in cases {
        let mut s = session(
            move |_, _| reply.clone(),
            Some(llm),
            vscode_like(true),
            Value::Null,
        );
        let actions = s.actions_at("in order to better");
        let action = titled(&actions, "Tighten paragraph with test-model").clone();
        let started = Instant::now();
        let resolved = s.resolve(&action);
        eprintln!("{name}: resolved in {:?}", started.elapsed());
        assert!(resolved.get("edit").is_none(), "{name}: {resolved}");
        s.client.drain_for(Duration::from_millis(200));
        let messages = s.shown_messages();
        assert!(
            messages.len() == 1 && messages[0].starts_with(expected),
            "{name}: expected one message “{expected}…”, got {messages:?}"
        );
        assert!(!messages[0].ends_with('.'), "{name}: {messages:?}");
        // The server is fine: diagnostics keep flowing.
        let edited = s.text.replace("# Launch", "# Launch day");
        s.change(2, &edited);
        assert!(!s.client.diagnostics(&s.uri, 2).is_empty(), "{name}");
        assert!(s.client.applied_edits.is_empty(), "{name}");
    }
}

#[test]
fn without_llm_there_are_no_model_actions_and_no_network() {
    let mut s = session(
        |_, _| completion(GOOD),
        None,
        vscode_like(true),
        Value::Null,
    );
    let finding = s.abrupt_transition(SECOND);
    let offset = s.text.find(SECOND).unwrap();
    let mut all = s.actions_at("in order to better");
    all.extend(s.actions(offset, offset, json!({ "diagnostics": [finding] })));
    all.extend(s.actions(
        offset,
        offset,
        json!({ "only": ["refactor.rewrite.copydesk.tighten", "refactor.rewrite.copydesk.bridge"] }),
    ));
    let model_actions: Vec<String> = titles(&all)
        .into_iter()
        .filter(|t| {
            t.starts_with("Tighten")
                || t == "Suggest a transition"
                || t.starts_with("Add transition")
        })
        .collect();
    assert!(model_actions.is_empty(), "{model_actions:?}");
    // The commands answer with a message, not a network call.
    let response = s.client.request(
        "workspace/executeCommand",
        json!({ "command": "copydesk.tighten",
                "arguments": [{ "uri": s.uri, "position": s.at("in order to better") }] }),
    );
    assert_eq!(response["result"]["applied"], false, "{response}");
    s.client.drain_for(Duration::from_millis(200));
    assert!(
        s.shown_messages()
            .iter()
            .any(|m| m.contains("no model is configured")),
        "{:?}",
        s.shown_messages()
    );
    assert_eq!(s.server.connections(), 0);
}

#[test]
fn editor_settings_supply_the_model_and_the_guide_wins() {
    // No [llm] in the guide: the editor's settings configure the model.
    let mut s = session(
        |_, _| completion(GOOD),
        None,
        vscode_like(true),
        json!({ "llm": { "baseUrl": "{url}", "model": "editor-model", "timeoutSecs": 5 } }),
    );
    let actions = s.actions_at("in order to better");
    let action = titled(&actions, "Tighten paragraph with editor-model").clone();
    let resolved = s.resolve(&action);
    assert!(resolved["edit"].is_object(), "{resolved}");
    assert_eq!(s.server.requests()[0].json()["model"], "editor-model");

    // With [llm] in the guide, the guide's keys win over the editor's.
    let mut s = session(
        |_, _| completion(GOOD),
        Some("base_url = \"{url}\"\nmodel = \"guide-model\"\ncache = false"),
        vscode_like(true),
        json!({ "llm": { "baseUrl": "http://127.0.0.1:9/v1", "model": "editor-model" } }),
    );
    let actions = s.actions_at("in order to better");
    let action = titled(&actions, "Tighten paragraph with guide-model").clone();
    let resolved = s.resolve(&action);
    assert!(resolved["edit"].is_object(), "{resolved}");
    assert_eq!(s.server.requests()[0].json()["model"], "guide-model");

    // A timeout alone, without a model, configures nothing.
    let mut s = session(
        |_, _| completion(GOOD),
        None,
        vscode_like(true),
        json!({ "llm": { "timeoutSecs": 5 } }),
    );
    assert!(
        !titles(&s.actions_at("in order to better"))
            .iter()
            .any(|t| t.starts_with("Tighten"))
    );
}

#[test]
fn execute_command_applies_the_edit_for_clients_without_resolve() {
    let mut s = session(
        |_, _| completion(GOOD),
        Some(LLM),
        vscode_like(false),
        Value::Null,
    );
    let actions = s.actions_at("in order to better");
    let action = titled(&actions, "Tighten paragraph with test-model");
    assert!(action.get("data").is_none() && action.get("edit").is_none());
    let command = &action["command"];
    assert_eq!(command["command"], "copydesk.tighten");
    let response = s.client.request(
        "workspace/executeCommand",
        json!({ "command": command["command"], "arguments": command["arguments"] }),
    );
    assert_eq!(response["result"]["applied"], true, "{response}");
    let edit = s.client.applied_edits.last().expect("applyEdit").clone();
    assert_eq!(
        apply_text_edits(&s.text, &edits_for(&edit, &s.uri), true),
        s.text.replace(ORIGINAL, GOOD)
    );

    // Listed again after it was computed, the action carries its edit.
    let again = s.actions_at("in order to better");
    let action = titled(&again, "Tighten paragraph with test-model");
    assert!(action["edit"].is_object(), "{action}");
    assert_eq!(s.server.requests().len(), 1);
}

#[test]
fn bridge_command_lets_the_writer_choose_an_option() {
    let mut s = session(
        |_, _| completion(OPTIONS),
        Some(LLM),
        vscode_like(true),
        Value::Null,
    );
    s.client.message_request_choice = Some(2);
    let response = s.client.request(
        "workspace/executeCommand",
        json!({ "command": "copydesk.bridge",
                "arguments": [{ "uri": s.uri, "position": s.at(SECOND) }] }),
    );
    assert_eq!(response["result"]["applied"], true, "{response}");
    let request = s
        .client
        .notifications
        .iter()
        .find(|n| n["method"] == "window/showMessageRequest")
        .expect("the writer was asked")
        .clone();
    assert_eq!(
        request["params"]["actions"].as_array().map(Vec::len),
        Some(3)
    );
    let edit = s.client.applied_edits.last().expect("applyEdit").clone();
    assert_eq!(
        apply_text_edits(&s.text, &edits_for(&edit, &s.uri), true),
        s.text.replace(
            SECOND,
            &format!("Partners will see that pace first. {SECOND}")
        )
    );
    // The writer dismisses the choice: nothing is applied, no new model call.
    s.client.message_request_choice = None;
    let response = s.client.request(
        "workspace/executeCommand",
        json!({ "command": "copydesk.bridge",
                "arguments": [{ "uri": s.uri, "position": s.at(SECOND) }] }),
    );
    assert_eq!(response["result"]["applied"], false, "{response}");
    assert_eq!(s.server.requests().len(), 1);

    // Tighten by scope, from an editor command (no version: the current one).
    let response = s.client.request(
        "workspace/executeCommand",
        json!({ "command": "copydesk.tighten",
                "arguments": [{ "uri": s.uri, "position": s.at("in order"), "scope": "bogus" }] }),
    );
    assert_eq!(response["error"]["code"], -32602, "{response}");
}

#[test]
fn a_request_for_writing_gets_a_disabled_tighten_that_says_why() {
    let request = "Write a LinkedIn post announcing our new dashboards. Mention the 40% speedup and thank the team.";
    let text = format!("# Notes\n\n{request}\n");
    let mut capabilities = vscode_like(true);
    capabilities["textDocument"]["codeAction"]["disabledSupport"] = json!(true);
    let mut s = session_for(
        text,
        |_, _| completion("We announce our new dashboards."),
        Some(LLM),
        capabilities,
        Value::Null,
    );
    let actions = s.actions_at("LinkedIn");
    let action = titled(&actions, "Tighten paragraph with test-model");
    let reason = action["disabled"]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.starts_with("copydesk edits drafts you wrote; it does not write them"),
        "{action:#}"
    );
    assert!(
        action.get("edit").is_none() && action.get("data").is_none(),
        "{action:#}"
    );
    // On the heading there is nothing of the writer's to explain: no
    // greyed-out Tighten there, only noise.
    let on_heading = s.actions_at("Notes");
    assert!(
        !on_heading.iter().any(|a| a["title"]
            .as_str()
            .is_some_and(|t| t.starts_with("Tighten"))),
        "{on_heading:#?}"
    );
    assert_eq!(s.server.requests().len(), 0, "nothing was sent");
}
