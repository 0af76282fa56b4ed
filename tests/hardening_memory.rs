//! Issue 13, memory on pathological input: the language server shows at most
//! `maxDiagnostics` findings per document (1,000 by default), the most severe
//! first, and one more diagnostic says how many were not shown.

use crate::common;
use crate::lsp_client;

use lsp_client::{LspClient, editor_capabilities, file_uri};
use serde_json::{Value, json};

/// Words that each make a finding, so a few KB hold thousands.
const DENSE: &str = "We did it in order to ship. ";

fn summary(diagnostics: &[Value]) -> Vec<&Value> {
    diagnostics
        .iter()
        .filter(|d| d["code"] == "more-findings-not-shown")
        .collect()
}

/// How many findings `copydesk check` reports for `name` in `dir`.
fn cli_count(dir: &std::path::Path, name: &str) -> usize {
    let output = common::run_in(
        dir,
        &[
            "check",
            name,
            "--format",
            "json-lines",
            "--no-cache",
            "--fail-on",
            "never",
        ],
    );
    assert!(output.status.success(), "{}", common::stderr(&output));
    common::stdout(&output).lines().count()
}

/// The first diagnostics of `name` (holding `text`) opened in a server
/// started in `dir` with `settings` as its `copydesk` settings.
fn first_diagnostics(dir: &std::path::Path, name: &str, text: &str, settings: Value) -> Vec<Value> {
    let uri = file_uri(&dir.join(name));
    let mut client = LspClient::spawn(dir);
    client.settings = settings.clone();
    client.initialize(editor_capabilities(&["utf-16"]), settings, Some(dir));
    client.open(&uri, "markdown", 1, text);
    client.diagnostics(&uri, 1)
}

#[test]
fn a_document_with_thousands_of_findings_gets_the_default_cap_and_a_count_of_the_rest() {
    let text = format!("{}\n", DENSE.repeat(1200).trim_end());
    let dir = common::folder_with(&[("dense.md", &text)]);
    let total = cli_count(dir.path(), "dense.md");
    assert!(total > 1000, "the fixture should exceed the cap: {total}");

    let diagnostics = first_diagnostics(dir.path(), "dense.md", &text, Value::Null);

    assert_eq!(diagnostics.len(), 1001, "1,000 findings and one summary");
    let summary = summary(&diagnostics);
    assert_eq!(summary.len(), 1);
    let message = summary[0]["message"].as_str().expect("message");
    assert!(
        message.starts_with(&format!("{} more findings not shown", total - 1000)),
        "{message}"
    );
    assert!(message.contains("copydesk.maxDiagnostics"), "{message}");
    assert_eq!(summary[0]["severity"], 3, "information: {message}");
}

#[test]
fn the_setting_lowers_the_cap_and_the_most_severe_findings_are_kept() {
    // Wordy warnings first; a payment card number (an error) at the very
    // end, where a cap by position alone would hide it.
    let text = format!(
        "{}\n\nPay with 4111 1111 1111 1111 today.\n",
        DENSE.repeat(20).trim_end()
    );
    let dir = common::folder_with(&[("post.md", &text)]);
    let total = cli_count(dir.path(), "post.md");
    assert!(total > 3, "{total}");

    let settings = json!({ "maxDiagnostics": 3 });
    let diagnostics = first_diagnostics(dir.path(), "post.md", &text, settings);

    assert_eq!(diagnostics.len(), 4, "{diagnostics:#?}");
    assert!(
        diagnostics
            .iter()
            .any(|d| d["severity"] == 1 && d["message"].as_str().unwrap_or("").contains("card")),
        "the card number is kept: {diagnostics:#?}"
    );
    let summary = summary(&diagnostics);
    assert_eq!(summary.len(), 1);
    let message = summary[0]["message"].as_str().expect("message");
    assert!(
        message.starts_with(&format!("{} more findings not shown", total - 3)),
        "{message}"
    );
    assert!(message.contains("at most 3 per document"), "{message}");
}

#[test]
fn under_the_cap_every_finding_is_shown_and_no_summary() {
    let text = "We did it in order to ship. We did it in order to test.\n";
    let dir = common::folder_with(&[("post.md", text)]);
    let total = cli_count(dir.path(), "post.md");
    assert!(total >= 2, "{total}");

    let diagnostics = first_diagnostics(dir.path(), "post.md", text, Value::Null);
    assert_eq!(diagnostics.len(), total);
    assert!(summary(&diagnostics).is_empty());
}
