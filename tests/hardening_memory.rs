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
    cli_findings(dir, name).len()
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

/// The findings `copydesk check` reports for `name` in `dir`, one JSON
/// value each (json-lines).
fn cli_findings(dir: &std::path::Path, name: &str) -> Vec<Value> {
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
    common::stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}

/// What a reader sees of a finding, with its offsets moved by `shift`
/// bytes and its line by `lines`.
fn placed(finding: &Value, shift: u64, lines: u64) -> Value {
    let at = |value: &Value| value.as_u64().expect("a number");
    let range = &finding["range"];
    let edits: Vec<Value> = finding["fixes"]
        .as_array()
        .expect("fixes")
        .iter()
        .flat_map(|fix| fix["edits"].as_array().expect("edits").iter())
        .map(|edit| {
            json!([
                at(&edit["start"]) + shift,
                at(&edit["end"]) + shift,
                edit["replacement"]
            ])
        })
        .collect();
    json!({
        "start": at(&range["start"]["offset"]) + shift,
        "end": at(&range["end"]["offset"]) + shift,
        "line": at(&range["start"]["line"]) + lines,
        "column": range["start"]["column"],
        "rule": finding["rule"],
        "message": finding["message"],
        "edits": edits,
    })
}

/// The command line holds a long document's findings in one buffer sized
/// once and sorts them in place (issue 13's memory target): a document of
/// hundreds of paragraphs, checked block by block on every core, must
/// still report each paragraph's findings exactly as that paragraph alone
/// does, in position order, none lost, doubled or moved.
#[test]
fn a_long_document_reports_each_paragraphs_findings_as_alone_and_in_order() {
    let paragraphs = [
        "We did it in order to ship. The end result is good.",
        "Our Github page is really very basic, and 東京 is 😀 far.",
        "Each and every plan is new. Due to the fact that it works, we basically ship it.",
    ];
    let count = 400;
    let long = (0..count)
        .map(|i| paragraphs[i % paragraphs.len()])
        .collect::<Vec<_>>()
        .join("\n\n");
    let alone: Vec<(String, String)> = paragraphs
        .iter()
        .enumerate()
        .map(|(i, text)| (format!("p{i}.md"), format!("{text}\n")))
        .collect();
    let mut files: Vec<(&str, &str)> = alone
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .collect();
    let long = format!("{long}\n");
    files.push(("long.md", &long));
    let dir = common::folder_with(&files);

    let each: Vec<Vec<Value>> = alone
        .iter()
        .map(|(name, _)| cli_findings(dir.path(), name))
        .collect();
    assert!(
        each.iter().all(|findings| !findings.is_empty()),
        "every paragraph has a finding: {each:#?}"
    );
    let mut expected = Vec::new();
    let mut shift = 0;
    for i in 0..count {
        let k = i % paragraphs.len();
        let lines = 2 * i as u64;
        expected.extend(each[k].iter().map(|f| placed(f, shift, lines)));
        shift += paragraphs[k].len() as u64 + 2;
    }

    let reported: Vec<Value> = cli_findings(dir.path(), "long.md")
        .iter()
        .map(|f| placed(f, 0, 0))
        .collect();
    assert_eq!(reported.len(), expected.len());
    for (index, (got, want)) in reported.iter().zip(&expected).enumerate() {
        assert_eq!(got, want, "finding {index} of {}", expected.len());
    }
}
