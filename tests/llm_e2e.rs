//! A real local model end to end: llama.cpp's `llama-server` with
//! SmolLM2-135M-Instruct (installed by scripts/setup/40-llama.sh), asked for
//! Tighten and Bridge through `copydesk suggest`. The assertions are on the
//! guard's outcome, never on the model's exact words: either a guarded
//! suggestion whose facts are intact, or a clean "no safe suggestion" with
//! its reason.

use crate::common;
use crate::lsp_client;

use std::path::PathBuf;
use std::time::{Duration, Instant};

const WORDY: &str = "We are really very excited to announce that, in order to better serve our 12,000 customers in Berlin, we will be opening a brand new office on 3 March. It is basically going to be a really great place where all of our team members can actually work together in person.";
const FIRST: &str =
    "Our support team answered 12,000 tickets this quarter, most of them within an hour.";
const SECOND: &str =
    "Lisbon will host the partner summit in October, with two days of talks and workshops.";

fn words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

/// llama-server and the SmolLM2 model, or `None` after a visible skip.
fn llama_and_model() -> Option<(PathBuf, PathBuf)> {
    let server = common::require_tool("llama-server", "COPYDESK_LLAMA_SERVER")?;
    let model = common::llama::require_model()?;
    Some((server, model))
}

#[test]
fn tighten_and_bridge_with_a_real_local_model() {
    let Some((server, model)) = llama_and_model() else {
        return;
    };
    let _one = common::llama::one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let port = common::llama::free_port();
    let started = Instant::now();
    let _server = common::llama::start(&server, &model, port, &dir.path().join("llama.log"));
    eprintln!("llama-server ready in {:?}", started.elapsed());

    std::fs::write(
        dir.path().join("copydesk.toml"),
        format!(
            "[llm]\nbase_url = \"http://127.0.0.1:{port}/v1\"\nmodel = \"smollm2\"\ntimeout_secs = 120\nmax_concurrency = 1\ntemperature = 0.2\n"
        ),
    )
    .unwrap();
    let post = format!("# Launch\n\n{WORDY}\n\n## Partners\n\n{FIRST}\n\n{SECOND}\n");
    std::fs::write(dir.path().join("post.md"), &post).unwrap();
    let config = dir.path().join("config");
    common::trust(&config, &dir.path().join("copydesk.toml"));

    let doctor = common::copydesk()
        .arg("doctor")
        .current_dir(dir.path())
        .env("COPYDESK_CACHE_DIR", dir.path().join("cache"))
        .env("COPYDESK_CONFIG_DIR", &config)
        .output()
        .unwrap();
    let doctor_out = common::stdout(&doctor);
    assert!(doctor_out.contains("answers:   yes"), "{doctor_out}");

    let started = Instant::now();
    let output = common::copydesk()
        .args(["suggest", "--format", "json", "post.md"])
        .current_dir(dir.path())
        .env("COPYDESK_CACHE_DIR", dir.path().join("cache"))
        .env("COPYDESK_CONFIG_DIR", &config)
        .output()
        .unwrap();
    eprintln!(
        "copydesk suggest took {:?}\nstderr: {}",
        started.elapsed(),
        common::stderr(&output)
    );
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let file = &json["files"][0];
    assert!(file["error"].is_null(), "{file}");
    let suggestions = file["suggestions"].as_array().unwrap();
    let skipped = file["skipped"].as_array().unwrap();

    // Tighten: every body paragraph gets exactly one outcome, a guarded
    // suggestion with that paragraph's facts intact or a clean refusal.
    let paragraphs: [(&str, usize, &[&str]); 3] = [
        (WORDY, 3, &["12,000", "Berlin", "3", "March"]),
        (FIRST, 7, &["12,000", "hour"]),
        (SECOND, 9, &["Lisbon", "October", "two"]),
    ];
    let line_of = |offset: u64| post[..offset as usize].matches('\n').count() + 1;
    for (original, line, facts) in paragraphs {
        let tighten: Vec<_> = suggestions
            .iter()
            .filter(|s| s["action"] == "tighten" && s["original"] == original)
            .collect();
        let tighten_skipped: Vec<_> = skipped
            .iter()
            .filter(|s| s["action"] == "tighten" && s["line"] == line)
            .collect();
        assert_eq!(
            tighten.len() + tighten_skipped.len(),
            1,
            "line {line}: {file}"
        );
        for suggestion in &tighten {
            let replacement = suggestion["replacement"].as_str().unwrap();
            let start = suggestion["range"]["start"].as_u64().unwrap();
            assert_eq!(line_of(start), line, "{suggestion}");
            for fact in facts {
                assert!(replacement.contains(fact), "lost “{fact}”: {replacement}");
            }
            assert!(
                words(replacement) * 10 <= words(original) * 9,
                "{replacement}"
            );
            assert_eq!(suggestion["provenance"]["model"], "smollm2");
            eprintln!("Tighten line {line}: {replacement}");
        }
        for skip in &tighten_skipped {
            let reason = skip["reason"].as_str().unwrap();
            assert!(reason.starts_with("no safe suggestion: "), "{reason}");
            eprintln!("Tighten line {line}: {reason}");
        }
    }
    let tighten_outcomes = suggestions
        .iter()
        .chain(skipped)
        .filter(|s| s["action"] == "tighten")
        .count();
    assert_eq!(tighten_outcomes, paragraphs.len(), "{file}");

    // Bridge: 1–3 one-sentence options of at most 30 words, or a clean refusal.
    let bridge: Vec<_> = suggestions
        .iter()
        .filter(|s| s["action"] == "bridge")
        .collect();
    let bridge_skipped: Vec<_> = skipped.iter().filter(|s| s["action"] == "bridge").collect();
    assert!(
        (1..=3).contains(&bridge.len()) || bridge_skipped.len() == 1,
        "{file}"
    );
    let insert_at = post.find(SECOND).unwrap();
    for suggestion in &bridge {
        let option = suggestion["replacement"].as_str().unwrap();
        assert!(words(option) <= 30, "{option}");
        assert_eq!(suggestion["range"]["start"], insert_at);
        assert_eq!(suggestion["range"]["end"], insert_at);
        eprintln!("Bridge: {option}");
    }
    for skip in &bridge_skipped {
        let reason = skip["reason"].as_str().unwrap();
        assert!(reason.starts_with("no safe suggestion: "), "{reason}");
        eprintln!("Bridge: {reason}");
    }
}

/// What a model action resolved to: its edit applied to `text`, or the one
/// message the writer saw instead.
enum Outcome {
    Edited(String),
    Refused(String),
}

/// Resolve `action` like VS Code does and read the outcome.
fn resolve(
    client: &mut lsp_client::LspClient,
    uri: &str,
    text: &str,
    action: &serde_json::Value,
) -> Outcome {
    let shown_before = shown_messages(client).len();
    let started = Instant::now();
    let response = client.request("codeAction/resolve", action.clone());
    eprintln!("{} resolved in {:?}", action["title"], started.elapsed());
    let edit = &response["result"]["edit"];
    if edit.is_object() {
        let annotation = &edit["changeAnnotations"]["copydesk.model"];
        assert_eq!(annotation["needsConfirmation"], true, "{edit}");
        assert!(
            annotation["label"]
                .as_str()
                .is_some_and(|l| l.contains("model smollm2")),
            "{edit}"
        );
        let edits = lsp_client::edits_for(edit, uri);
        return Outcome::Edited(lsp_client::apply_text_edits(text, &edits, true));
    }
    assert!(response["result"].is_object(), "{response}");
    client.drain_for(Duration::from_millis(300));
    let shown = shown_messages(client);
    assert_eq!(shown.len(), shown_before + 1, "one message: {shown:?}");
    Outcome::Refused(shown[shown_before].clone())
}

fn shown_messages(client: &lsp_client::LspClient) -> Vec<String> {
    client
        .notifications
        .iter()
        .filter(|n| n["method"] == "window/showMessage")
        .filter_map(|n| n["params"]["message"].as_str().map(str::to_owned))
        .collect()
}

/// The same two actions through `copydesk lsp`, as an editor asks for them:
/// "Tighten paragraph with smollm2" on the wordy paragraph and "Suggest a
/// transition" on the abrupt-transition finding, both resolved. Either a
/// guarded edit whose facts are intact, or no edit and one clean "no safe
/// suggestion" message; never the model's exact words.
#[test]
fn tighten_and_bridge_in_the_language_server_with_a_real_local_model() {
    use serde_json::json;

    let Some((server, model)) = llama_and_model() else {
        return;
    };
    let _one = common::llama::one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let port = common::llama::free_port();
    let _server = common::llama::start(&server, &model, port, &dir.path().join("llama.log"));
    std::fs::write(
        dir.path().join("copydesk.toml"),
        format!(
            // Bridge answers flow/abrupt-transition findings: off by default, on here.
            "[rules]\n\"flow/abrupt-transition\" = \"info\"\n\n[llm]\nbase_url = \"http://127.0.0.1:{port}/v1\"\nmodel = \"smollm2\"\ntimeout_secs = 120\nmax_concurrency = 1\ntemperature = 0.2\ncache = false\n"
        ),
    )
    .unwrap();
    let config = dir.path().join("config");
    common::trust(&config, &dir.path().join("copydesk.toml"));
    let text = format!("# Launch\n\n{WORDY}\n\n## Partners\n\n{FIRST}\n\n{SECOND}\n");
    let path = dir.path().join("post.md");
    std::fs::write(&path, &text).unwrap();
    let uri = lsp_client::file_uri(&path);

    let mut capabilities = lsp_client::editor_capabilities(&["utf-16"]);
    capabilities["workspace"]["workspaceEdit"]["changeAnnotationSupport"] =
        json!({ "groupsOnLabel": true });
    capabilities["window"] = json!({ "workDoneProgress": true });
    let mut client = lsp_client::LspClient::spawn_with_config(dir.path(), &config);
    client.initialize(capabilities, serde_json::Value::Null, Some(dir.path()));
    client.open(&uri, "markdown", 1, &text);
    let diagnostics = client.diagnostics(&uri, 1);
    let position = |offset: usize| lsp_client::position_of(&text, offset, true);

    // Tighten the wordy paragraph.
    let at = position(text.find("in order to").unwrap());
    let listed = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": { "start": at, "end": at },
                "context": { "diagnostics": [], "triggerKind": 1 } }),
    );
    let actions = listed["result"].as_array().cloned().unwrap_or_default();
    let tighten = actions
        .iter()
        .find(|a| a["title"] == "Tighten paragraph with smollm2")
        .unwrap_or_else(|| panic!("no Tighten among {actions:#?}"));
    match resolve(&mut client, &uri, &text, tighten) {
        Outcome::Edited(edited) => {
            let rest = &text[text.find("\n\n## Partners").unwrap()..];
            assert!(
                edited.starts_with("# Launch\n\n") && edited.ends_with(rest),
                "{edited}"
            );
            let paragraph = &edited["# Launch\n\n".len()..edited.len() - rest.len()];
            for fact in ["12,000", "Berlin", "3", "March"] {
                assert!(paragraph.contains(fact), "lost “{fact}”: {paragraph}");
            }
            assert!(words(paragraph) * 10 <= words(WORDY) * 9, "{paragraph}");
            eprintln!("Tighten (editor): {paragraph}");
        }
        Outcome::Refused(message) => {
            assert!(
                message.starts_with("copydesk: no safe suggestion: "),
                "{message}"
            );
            eprintln!("Tighten (editor): {message}");
        }
    }

    // "Suggest a transition" on the abrupt-transition finding.
    let insert_at = text.find(SECOND).unwrap();
    let finding = diagnostics
        .iter()
        .find(|d| {
            d["code"] == "flow/abrupt-transition" && d["range"]["start"] == position(insert_at)
        })
        .unwrap_or_else(|| panic!("no abrupt transition: {diagnostics:#?}"))
        .clone();
    let listed = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": { "uri": uri }, "range": finding["range"],
                "context": { "diagnostics": [finding], "triggerKind": 1 } }),
    );
    let actions = listed["result"].as_array().cloned().unwrap_or_default();
    let bridge = actions
        .iter()
        .find(|a| a["title"] == "Suggest a transition")
        .unwrap_or_else(|| panic!("no Bridge among {actions:#?}"));
    match resolve(&mut client, &uri, &text, bridge) {
        Outcome::Edited(edited) => {
            assert!(
                edited.starts_with(&text[..insert_at]) && edited.ends_with(&text[insert_at..]),
                "{edited}"
            );
            let inserted = &edited[insert_at..edited.len() - (text.len() - insert_at)];
            assert!((1..=30).contains(&words(inserted)), "{inserted}");
            eprintln!("Bridge (editor): {inserted}");
        }
        Outcome::Refused(message) => {
            assert!(
                message.starts_with("copydesk: no safe suggestion: "),
                "{message}"
            );
            eprintln!("Bridge (editor): {message}");
        }
    }
    // Each model call showed progress, begun and ended (an end may follow
    // its response).
    client.drain_for(Duration::from_millis(300));
    let progress: Vec<&serde_json::Value> = client
        .notifications
        .iter()
        .filter(|n| n["method"] == "$/progress")
        .map(|n| &n["params"]["value"]["kind"])
        .collect();
    assert_eq!(
        progress,
        [
            &json!("begin"),
            &json!("end"),
            &json!("begin"),
            &json!("end")
        ]
    );
}
