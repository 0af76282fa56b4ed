//! Model review with a real local model end to end: llama.cpp's
//! `llama-server` with SmolLM2-135M-Instruct (scripts/setup/40-llama.sh).
//! A model this small judges poorly (docs/review-eval.md), so nothing here
//! asserts what it finds: the command must run to the end, every finding it
//! reports must be anchored inside the document, on the words its message
//! quotes, and a second run must come from the cache.

use crate::common;

use std::time::Instant;

use serde_json::Value;

const POST: &str = "# Our launch

We are thrilled to announce the most revolutionary editor in the world. It is simply the best tool ever made.

Great product, check it out!

Our support team answered 12,000 tickets this quarter, most of them within an hour.
";

fn review(dir: &std::path::Path, args: &[&str]) -> (Value, String, Option<i32>) {
    let started = Instant::now();
    let output = common::copydesk()
        .args(["review", "--format", "json", "--review-all"])
        .args(args)
        .arg("post.md")
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COPYDESK_CACHE_DIR", dir.join("cache"))
        .env("COPYDESK_CONFIG_DIR", dir.join("config"))
        .output()
        .unwrap();
    let stderr = common::stderr(&output);
    eprintln!(
        "copydesk review took {:?}\nstderr: {stderr}",
        started.elapsed()
    );
    let json = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", common::stdout(&output)));
    (json, stderr, output.status.code())
}

#[test]
fn review_with_a_real_local_model_anchors_every_finding_in_the_document() {
    let Some(server) = common::require_tool("llama-server", "COPYDESK_LLAMA_SERVER") else {
        return;
    };
    let Some(model) = common::llama::require_model() else {
        return;
    };
    let _one = common::llama::one_at_a_time();
    let dir = tempfile::tempdir().unwrap();
    let port = common::llama::free_port();
    let _server = common::llama::start(&server, &model, port, &dir.path().join("llama.log"));
    std::fs::write(
        dir.path().join("copydesk.toml"),
        format!(
            "[voice]\ndescription = \"Warm, plain and confident. No hype.\"\n\n[review]\nmax_review_chars = 600\n\n[llm]\nbase_url = \"http://127.0.0.1:{port}/v1\"\nmodel = \"smollm2\"\ntimeout_secs = 180\nmax_concurrency = 1\ntemperature = 0.2\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.path().join("post.md"), POST).unwrap();
    common::trust(
        &dir.path().join("config"),
        &dir.path().join("copydesk.toml"),
    );

    let (json, stderr, code) = review(dir.path(), &[]);
    // 0, or 1 when the model's answer was unusable twice; never a crash or
    // an error talking to the server.
    assert!(matches!(code, Some(0 | 1)), "{stderr}");
    assert!(!stderr.contains("model review stopped"), "{stderr}");
    let summary = stderr
        .lines()
        .find(|l| l.starts_with("Model review (smollm2, review@1): "))
        .unwrap_or_else(|| panic!("no summary: {stderr}"));
    assert!(!summary.contains(" 0 requests"), "{summary}");
    let findings = json["files"][0]["findings"].as_array().unwrap().clone();
    eprintln!("{} findings", findings.len());
    for finding in &findings {
        let start = finding["range"]["start"]["offset"].as_u64().unwrap() as usize;
        let end = finding["range"]["end"]["offset"].as_u64().unwrap() as usize;
        assert!(start < end && end <= POST.len(), "{finding}");
        assert!(
            POST.is_char_boundary(start) && POST.is_char_boundary(end),
            "{finding}"
        );
        let flagged = &POST[start..end];
        let message = finding["message"].as_str().unwrap();
        eprintln!("{}: “{flagged}”: {message}", finding["rule"]);
        assert!(
            finding["rule"].as_str().unwrap().starts_with("review/"),
            "{finding}"
        );
        // Inside one reviewed paragraph, never the heading or a blank line.
        assert!(
            !flagged.contains("\n\n") && !flagged.starts_with('#'),
            "{finding}"
        );
        // The message quotes exactly the flagged words (shortened when long).
        let shown: String = flagged.chars().take(20).collect();
        assert!(message.contains(&format!("“{shown}")), "{finding}");
    }

    // Again: from the cache, the same findings, no request.
    let (again, stderr, _) = review(dir.path(), &[]);
    if code == Some(0) {
        assert!(stderr.contains(" 0 requests, 3 cache hits"), "{stderr}");
        assert_eq!(again["files"][0]["findings"], json["files"][0]["findings"]);
    }
}
