//! Ordering under load: 500 random incremental edits sent as fast as
//! possible, interleaved with code action and hover requests. The last
//! diagnostics published must be exactly what `copydesk check` says about
//! the final text, and published versions must never go backwards.

use crate::common;
use crate::lsp_client;

use lsp_client::{LspClient, editor_capabilities, file_uri, offset_at, position_of};
use serde_json::{Value, json};

const EDITS: i64 = 500;

const START: &str = "# Release notes\n\nWe shipped the editor in order to help writers. The end result is fast.\n\nOur team basically rebuilt it 😀 from scratch, and Github users can try it.\n\n- It was decided that the beta ends on Friday.\n- Thanks to everyone who tested it.\n";

/// Phrases to type: some trigger rules, some are multi-byte, some split
/// blocks.
const PHRASES: &[&str] = &[
    "in order to ",
    "really ",
    "end result ",
    "Github ",
    "😀",
    "世界 ",
    "\n\n",
    "\n- ",
    "we ",
    "shipped ",
    "basically ",
    "It was decided ",
    ". ",
    "# ",
    "due to the fact that ",
];

/// A small deterministic generator (xorshift64*), so failures reproduce.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn floor_boundary(text: &str, mut index: usize) -> usize {
    index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

#[test]
fn five_hundred_fast_edits_end_in_the_cli_findings_for_the_final_text() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("copydesk.toml"), "").expect("guide");
    let path = dir.path().join("post.md");
    let uri = file_uri(&path);
    let mut client = LspClient::spawn(dir.path());
    client.initialize(
        editor_capabilities(&["utf-16"]),
        Value::Null,
        Some(dir.path()),
    );
    client.open(&uri, "markdown", 1, START);

    let mut random = Random(0x9e37_79b9_7f4a_7c15);
    let mut text = START.to_owned();
    let mut pending = Vec::new();
    for version in 2..=EDITS + 1 {
        let start = floor_boundary(&text, random.below(text.len() + 1));
        let (end, insert) = match random.below(3) {
            0 => (start, PHRASES[random.below(PHRASES.len())]),
            1 => (
                floor_boundary(&text, start + random.below(12)).max(start),
                "",
            ),
            _ => (
                floor_boundary(&text, start + random.below(8)).max(start),
                PHRASES[random.below(PHRASES.len())],
            ),
        };
        let range = json!({
            "start": position_of(&text, start, true),
            "end": position_of(&text, end, true),
        });
        text.replace_range(start..end, insert);
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{ "range": range, "text": insert }] }),
        );
        if version % 7 == 0 {
            let at = position_of(
                &text,
                floor_boundary(&text, random.below(text.len() + 1)),
                true,
            );
            pending.push(client.send_request(
                "textDocument/codeAction",
                json!({ "textDocument": { "uri": uri },
                        "range": { "start": at, "end": at },
                        "context": { "diagnostics": [] } }),
            ));
            pending.push(client.send_request(
                "textDocument/hover",
                json!({ "textDocument": { "uri": uri }, "position": at }),
            ));
        }
    }

    let last = client.diagnostics(&uri, EDITS + 1);
    for id in pending {
        let response = client.response(id);
        assert!(response.get("error").is_none(), "{response}");
    }

    // Versions published for this document never went backwards.
    let mut versions: Vec<i64> = client
        .notifications
        .iter()
        .filter(|n| n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri)
        .filter_map(|n| n["params"]["version"].as_i64())
        .collect();
    versions.push(EDITS + 1);
    assert!(
        versions.windows(2).all(|pair| pair[0] <= pair[1]),
        "versions went backwards: {versions:?}"
    );

    std::fs::write(&path, &text).expect("write final text");
    let output = common::run_in(dir.path(), &["check", "--format", "json", "post.md"]);
    let report: Value = serde_json::from_slice(&output.stdout).expect("JSON report");
    let expected: Vec<(String, usize, usize, String)> = report["files"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or("").to_owned(),
                f["range"]["start"]["offset"].as_u64().unwrap_or(0) as usize,
                f["range"]["end"]["offset"].as_u64().unwrap_or(0) as usize,
                f["message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    let got: Vec<(String, usize, usize, String)> = last
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap_or("").to_owned(),
                offset_at(&text, &d["range"]["start"], true),
                offset_at(&text, &d["range"]["end"], true),
                d["message"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();
    assert!(!expected.is_empty(), "the final text has findings:\n{text}");
    assert_eq!(got, expected, "final text:\n{text}");
    assert_eq!(client.shutdown().code(), Some(0));
}
