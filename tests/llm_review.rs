//! `copydesk review` and `check --review` as a user runs them, against the
//! test OpenAI-compatible server: structured answers, answers that are not
//! JSON or ignore the schema, quotes that are not in the text or are in it
//! twice, overlapping findings, the cache, the budget.

use crate::common;
use crate::fake_openai;

use std::path::Path;
use std::process::Output;

use fake_openai::{FakeServer, Reply, completion, error};
use serde_json::{Value, json};

const POST: &str = "# Launch notes

Our new editor is the best tool in the world. It opens files twice as fast as version 2.

Great product, check it out!

We thank the 40 people who tested the beta.
";

struct Project {
    dir: tempfile::TempDir,
    cache: tempfile::TempDir,
}

impl Project {
    fn new(guide: &str) -> Project {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("copydesk.toml"), guide).unwrap();
        let cache = tempfile::tempdir().unwrap();
        // The writer allows the guide's model (an invalid guide cannot be
        // allowed; its tests expect the guide error).
        common::try_trust(
            &cache.path().join("config"),
            &dir.path().join("copydesk.toml"),
        );
        std::fs::write(dir.path().join("post.md"), POST).unwrap();
        Project { dir, cache }
    }

    fn with_llm(server: &FakeServer, extra: &str) -> Project {
        Project::new(&format!(
            "[llm]\nbase_url = \"{}\"\nmodel = \"test-model\"\ntimeout_secs = 2\n{extra}\n",
            server.base_url()
        ))
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, name: &str, text: &str) {
        std::fs::write(self.path().join(name), text).unwrap();
    }

    /// Run copydesk off the async runtime, with a private cache folder.
    async fn run(&self, args: &[&str]) -> Output {
        let mut command = common::copydesk();
        command
            .args(args)
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .env("COPYDESK_CACHE_DIR", self.cache.path())
            .env("COPYDESK_CONFIG_DIR", self.cache.path().join("config"))
            .env_remove("OPENAI_API_KEY")
            .env_remove("OPENAI_BASE_URL");
        tokio::task::spawn_blocking(move || command.output().expect("copydesk runs"))
            .await
            .unwrap()
    }

    /// `copydesk review --format json` (plus `args`): the findings of the
    /// one file, and standard error.
    async fn review_json(&self, args: &[&str]) -> (Vec<Value>, String, Option<i32>) {
        let mut all = vec!["review", "--format", "json"];
        all.extend_from_slice(args);
        if !args.iter().any(|a| a.ends_with(".md")) {
            all.push("post.md");
        }
        let output = self.run(&all).await;
        let json: Value = serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(&output), stderr(&output)));
        let findings = json["files"][0]["findings"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        (findings, stderr(&output), output.status.code())
    }
}

fn stdout(output: &Output) -> String {
    common::stdout(output)
}

fn stderr(output: &Output) -> String {
    common::stderr(output)
}

/// A completion whose text is this review answer.
fn answer(findings: Value) -> Reply {
    completion(&json!({ "findings": findings }).to_string())
}

/// What each finding covers in `text`, with its rule.
fn flagged<'a>(text: &'a str, findings: &[Value]) -> Vec<(String, &'a str)> {
    findings
        .iter()
        .map(|f| {
            let start = f["range"]["start"]["offset"].as_u64().unwrap() as usize;
            let end = f["range"]["end"]["offset"].as_u64().unwrap() as usize;
            (f["rule"].as_str().unwrap().to_owned(), &text[start..end])
        })
        .collect()
}

fn rule<'a>(rule: &'a str, text: &'a str) -> (String, &'a str) {
    (rule.to_owned(), text)
}

/// The review summary line on standard error.
fn summary(stderr: &str) -> &str {
    stderr
        .lines()
        .find(|line| line.starts_with("Model review"))
        .unwrap_or_else(|| panic!("no summary line in: {stderr}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn structured_answers_become_anchored_findings_with_display_only_rewrites() {
    let server = FakeServer::sequence(vec![
        answer(json!([
            {"question": "puffery", "paragraph": 1, "quote": "the best tool in the world",
             "reason": "No source for the claim.", "confidence": "high",
             "rewrite": "a tool we are proud of"},
            {"question": "vague-advocacy", "paragraph": 2, "quote": "Great product, check it out!",
             "reason": "Says nothing specific.", "confidence": "medium", "rewrite": null}
        ])),
        answer(json!([])),
    ])
    .await;
    let project = Project::with_llm(&server, "");
    let (findings, err, code) = project.review_json(&[]).await;
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        flagged(POST, &findings),
        [
            rule("review/puffery", "the best tool in the world"),
            rule("review/vague-advocacy", "Great product, check it out!"),
        ]
    );
    let puffery = &findings[0];
    assert_eq!(puffery["severity"], "info");
    assert_eq!(
        puffery["message"],
        "Puffery “the best tool in the world”: No source for the claim"
    );
    assert_eq!(
        puffery["note"],
        "test-model (high confidence, review@1): a model's opinion, not a rule"
    );
    let fix = &puffery["fixes"][0];
    assert_eq!(fix["applicability"], "display-only");
    assert_eq!(fix["provenance"], "model");
    assert_eq!(fix["prompt_version"], "review@1");
    assert_eq!(fix["title"], "Rewrite as “a tool we are proud of”");
    assert!(findings[1]["fixes"].as_array().unwrap().is_empty());
    assert_eq!(
        summary(&err),
        "Model review (test-model, review@1): 3 paragraphs, 1 request, 0 cache hits, 20 tokens (10 prompt, 10 completion)."
    );

    // The request: a JSON schema naming the asked questions, and the
    // paragraphs numbered (the one-word heading is not reviewed).
    let request = &server.requests()[0];
    let body = request.json();
    assert_eq!(body["response_format"]["type"], "json_schema");
    let asked = &body["response_format"]["json_schema"]["schema"]["properties"]["findings"]["items"]
        ["properties"]["question"]["enum"];
    assert_eq!(
        asked,
        &json!([
            "helpful",
            "conflict",
            "reputation",
            "inspire",
            "proud",
            "vague-advocacy",
            "puffery"
        ]),
        "no voice question without a voice description"
    );
    let prompt = request.last_user_message();
    assert!(
        prompt.contains("\n[1] Our new editor is the best tool"),
        "{prompt}"
    );
    assert!(
        prompt.contains("\n[2] Great product, check it out!\n"),
        "{prompt}"
    );
    assert!(prompt.contains("\n[3] We thank the 40 people"), "{prompt}");
    assert!(!prompt.contains("Launch notes"), "{prompt}");

    // Again: every paragraph from the cache, the same findings.
    let (again, err, _) = project.review_json(&[]).await;
    assert_eq!(again, findings);
    assert_eq!(
        summary(&err),
        "Model review (test-model, review@1): 3 paragraphs, 0 requests, 3 cache hits."
    );
    assert_eq!(server.requests().len(), 1);

    // One paragraph edited: one paragraph asked about.
    project.write("post.md", &POST.replace("the 40 people", "the 41 people"));
    let (edited, err, _) = project.review_json(&[]).await;
    assert_eq!(edited.len(), 2);
    assert_eq!(
        summary(&err),
        "Model review (test-model, review@1): 3 paragraphs, 1 request, 2 cache hits, 20 tokens (10 prompt, 10 completion)."
    );
    let prompt = server.requests()[1].last_user_message();
    assert!(prompt.contains("\n[1] We thank the 41 people"), "{prompt}");
    assert!(!prompt.contains("Great product"), "{prompt}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_human_format_shows_the_model_finding_and_its_diff() {
    let server = FakeServer::always(answer(json!([
        {"question": "puffery", "paragraph": 1, "quote": "the best tool in the world",
         "reason": "No source for the claim.", "confidence": "high",
         "rewrite": "a tool we are proud of"}
    ])))
    .await;
    let project = Project::with_llm(&server, "");
    let output = project.run(&["review", "post.md"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_that_is_not_json_is_asked_again_once() {
    let server = FakeServer::sequence(vec![
        completion("Sure! The post reads well, but the claim in paragraph 1 is puffery."),
        answer(json!([
            {"question": "puffery", "paragraph": 1, "quote": "the best tool in the world",
             "reason": "No source.", "confidence": "high", "rewrite": null}
        ])),
    ])
    .await;
    let project = Project::with_llm(&server, "");
    let (findings, err, code) = project.review_json(&[]).await;
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        flagged(POST, &findings),
        [rule("review/puffery", "the best tool in the world")]
    );
    let retry = server.requests()[1].json();
    let messages = retry["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 3, "{retry}");
    assert_eq!(messages[1]["role"], "assistant");
    assert!(
        messages[2]["content"]
            .as_str()
            .unwrap()
            .contains("not JSON in the shape asked for"),
        "{retry}"
    );
    assert!(summary(&err).contains("2 requests"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_model_that_never_answers_json_fails_the_review_not_the_run() {
    let server = FakeServer::always(completion("I think this post is lovely. {not json")).await;
    let project = Project::with_llm(&server, "");
    let (findings, err, code) = project.review_json(&[]).await;
    assert!(findings.is_empty());
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("error: post.md: model review incomplete (3 paragraphs not reviewed): the model's answer was not JSON in the shape asked for, twice"),
        "{err}"
    );
    assert!(summary(&err).ends_with("Could not read 1 answer."), "{err}");
    assert_eq!(server.requests().len(), 2);
    // Nothing unreadable was cached: the next run asks again.
    project.review_json(&[]).await;
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quotes_not_in_the_text_are_dropped_and_counted_and_near_misses_found() {
    let server = FakeServer::always(answer(json!([
        {"question": "puffery", "paragraph": 1, "quote": "the fastest editor on the market",
         "reason": "Made up.", "confidence": "high"},
        {"question": "vague-advocacy", "paragraph": 2, "quote": "\"great product - CHECK it out\"",
         "reason": "Vague.", "confidence": "high"},
        {"question": "puffery", "paragraph": 1, "quote": "the greatest tool in the world",
         "reason": "Near miss.", "confidence": "high"},
        {"question": "grammar", "paragraph": 1, "quote": "Our new editor",
         "reason": "Not asked.", "confidence": "high"}
    ])))
    .await;
    let project = Project::with_llm(&server, "");
    let (findings, err, code) = project.review_json(&[]).await;
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        flagged(POST, &findings),
        [
            rule("review/puffery", "the best tool in the world"),
            rule("review/vague-advocacy", "Great product, check it out"),
        ]
    );
    assert_eq!(
        summary(&err),
        "Model review (test-model, review@1): 3 paragraphs, 1 request, 0 cache hits, 20 tokens (10 prompt, 10 completion). Dropped 1 finding whose quote is not in the text; dropped 1 answer item with no quote or an unknown question."
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quote_in_two_paragraphs_goes_where_the_model_points_else_the_first() {
    let text = "Our support is the best in class, say our users.\n\nTheir support is the best in class too, they claim.\n";
    let server = FakeServer::always(answer(json!([
        {"question": "puffery", "paragraph": 2, "quote": "the best in class",
         "reason": "Their claim.", "confidence": "high"},
        {"question": "vague-advocacy", "quote": "the best in class",
         "reason": "No paragraph named.", "confidence": "high"},
        {"question": "reputation", "paragraph": 1, "quote": "they claim",
         "reason": "Wrong paragraph named.", "confidence": "high"}
    ])))
    .await;
    let project = Project::with_llm(&server, "");
    project.write("post.md", text);
    let second = text.rfind("the best in class").unwrap();
    for _run in 0..2 {
        // The second run comes from the cache and must place them the same.
        let (findings, err, _) = project.review_json(&[]).await;
        let starts: Vec<(String, u64)> = findings
            .iter()
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_owned(),
                    f["range"]["start"]["offset"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            starts,
            [
                (
                    "review/vague-advocacy".to_owned(),
                    text.find("the best in class").unwrap() as u64
                ),
                ("review/puffery".to_owned(), second as u64),
                (
                    "review/reputation".to_owned(),
                    text.find("they claim").unwrap() as u64
                ),
            ],
            "{err}"
        );
    }
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overlapping_findings_keep_the_most_confident_per_question() {
    let server = FakeServer::always(answer(json!([
        {"question": "puffery", "paragraph": 1, "quote": "the best tool in the world",
         "reason": "Wide.", "confidence": "medium"},
        {"question": "puffery", "paragraph": 1, "quote": "best tool in the world",
         "reason": "Narrow and sure.", "confidence": "high"},
        {"question": "vague-advocacy", "paragraph": 1, "quote": "the best tool",
         "reason": "Another question.", "confidence": "medium"},
        {"question": "puffery", "paragraph": 1, "quote": "the best tool in the world",
         "reason": "The same again.", "confidence": "high"}
    ])))
    .await;
    let project = Project::with_llm(&server, "");
    let (findings, err, _) = project.review_json(&[]).await;
    assert_eq!(
        flagged(POST, &findings),
        [
            rule("review/vague-advocacy", "the best tool"),
            rule("review/puffery", "the best tool in the world"),
        ],
        "{err}"
    );
    // Of the two sure ones, the first in the text wins.
    assert_eq!(
        findings[1]["message"],
        "Puffery “the best tool in the world”: The same again"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_refuses_the_schema_is_asked_without_it_and_loose_answers_are_read() {
    let server = FakeServer::start(|request, _| {
        if request.json().get("response_format").is_some() {
            error(
                400,
                "'response_format' of type 'json_schema' is not supported",
                "invalid_request_error",
            )
        } else {
            completion(
                "Here is what I found:\n```json\n[{\"id\": \"Puffery\", \"text\": \"the best tool in the world\", \"why\": \"No source given.\", \"confidence\": 0.9}]\n```\nLet me know if you need more.",
            )
        }
    })
    .await;
    let project = Project::with_llm(
        &server,
        "max_concurrency = 1\n[review]\nmax_review_chars = 100\n",
    );
    let (findings, err, code) = project.review_json(&[]).await;
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        flagged(POST, &findings),
        [rule("review/puffery", "the best tool in the world")]
    );
    assert_eq!(
        findings[0]["message"],
        "Puffery “the best tool in the world”: No source given"
    );
    // Two batches; only the first request carried the schema.
    let requests = server.requests();
    let with_schema: Vec<bool> = requests
        .iter()
        .map(|r| r.json().get("response_format").is_some())
        .collect();
    assert_eq!(with_schema, [true, false, false], "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_budget_caps_requests_per_run() {
    let server = FakeServer::always(answer(json!([]))).await;
    let project = Project::with_llm(
        &server,
        "max_concurrency = 1\n[review]\nmax_review_chars = 40\nbudget = 1\n",
    );
    let (_, err, code) = project.review_json(&[]).await;
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(server.requests().len(), 1);
    assert_eq!(
        summary(&err),
        "Model review (test-model, review@1): 1 paragraph, 1 request, 0 cache hits, 20 tokens (10 prompt, 10 completion). The request budget ran out: 2 paragraphs not reviewed ([review] budget)."
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn low_confidence_is_hidden_unless_asked_and_severity_comes_from_the_guide() {
    let reply = answer(json!([
        {"question": "puffery", "paragraph": 1, "quote": "the best tool in the world",
         "reason": "Sure.", "confidence": "high"},
        {"question": "helpful", "paragraph": 3, "quote": "We thank the 40 people",
         "reason": "Unsure.", "confidence": "low"}
    ]));
    let server = FakeServer::always(reply).await;
    let project = Project::with_llm(&server, "[rules]\n\"review/puffery\" = \"warning\"\n");
    let (findings, err, code) = project.review_json(&[]).await;
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["severity"], "warning");
    assert_eq!(code, Some(1), "a warning fails like any rule's: {err}");
    assert!(
        summary(&err).ends_with("Hid 1 finding of low confidence (--review-all shows them)."),
        "{err}"
    );
    let (findings, _, _) = project.review_json(&["--review-all"]).await;
    assert_eq!(
        flagged(POST, &findings),
        [
            rule("review/puffery", "the best tool in the world"),
            rule("review/helpful", "We thank the 40 people"),
        ]
    );
    assert_eq!(findings[1]["severity"], "info");
    assert_eq!(server.requests().len(), 1, "--review-all reuses the cache");

    // Only some questions: --select; and the guide's own severity.
    let project = Project::with_llm(
        &server,
        "[review]\nseverity = \"hint\"\nmin_confidence = \"low\"\n",
    );
    let (findings, _, code) = project.review_json(&["--select", "review/helpful"]).await;
    assert_eq!(code, Some(0));
    assert_eq!(
        flagged(POST, &findings),
        [rule("review/helpful", "We thank the 40 people")]
    );
    assert_eq!(findings[0]["severity"], "hint");
    let asked = server.requests().last().unwrap().json()["response_format"]["json_schema"]
        ["schema"]["properties"]["findings"]["items"]["properties"]["question"]["enum"]
        .clone();
    assert_eq!(asked, json!(["helpful"]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rewrite_that_adds_a_fact_is_refused_and_the_finding_stays() {
    let server = FakeServer::always(answer(json!([
        {"question": "puffery", "paragraph": 1, "quote": "the best tool in the world",
         "reason": "No source.", "confidence": "high",
         "rewrite": "the best tool of 2025, rated 9 out of 10"}
    ])))
    .await;
    let project = Project::with_llm(&server, "");
    let (findings, err, _) = project.review_json(&[]).await;
    assert_eq!(findings.len(), 1);
    assert!(findings[0]["fixes"].as_array().unwrap().is_empty());
    assert!(
        summary(&err)
            .ends_with("Refused 1 suggested rewrite that changed facts or broke the guide."),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_review_adds_model_findings_to_the_rules_findings() {
    let server = FakeServer::always(answer(json!([
        {"question": "vague-advocacy", "paragraph": 2, "quote": "Great product, check it out!",
         "reason": "Says nothing specific.", "confidence": "high"}
    ])))
    .await;
    let project = Project::with_llm(&server, "");
    let plain = project
        .run(&["check", "--format", "concise", "post.md"])
        .await;
    assert!(!stdout(&plain).contains("review/"), "{}", stdout(&plain));
    assert_eq!(
        server.requests().len(),
        0,
        "check without --review asks nothing"
    );

    let output = project
        .run(&["check", "--review", "--format", "concise", "post.md"])
        .await;
    let out = stdout(&output);
    assert!(
        out.contains(
            "post.md:5:1: info [review/vague-advocacy] Vague advocacy “Great product, check it out!”: Says nothing specific"
        ),
        "{out}"
    );
    assert!(
        out.contains("[share/unsubstantiated-claim]") || out.contains("[voice/"),
        "the rules still run: {out}"
    );
    assert!(summary(&stderr(&output)).contains("1 request"));

    let output = project
        .run(&["check", "--review", "--diff", "post.md"])
        .await;
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--review reports findings"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_model_or_with_review_off_nothing_is_sent() {
    let trap = FakeServer::always(answer(json!([]))).await;
    let project = Project::new("# no [llm]\n");
    let output = project.run(&["review", "post.md"]).await;
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        stderr(&output).trim(),
        format!(
            "error: model review with the guide {}: no model is configured: add an [llm] section to copydesk.toml (see `copydesk doctor`)",
            project.path().join("copydesk.toml").display()
        )
    );
    let output = project.run(&["check", "--review", "post.md"]).await;
    assert_eq!(output.status.code(), Some(2));

    let project = Project::with_llm(&trap, "[review]\nenabled = false\n");
    let output = project.run(&["review", "post.md"]).await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("model review is off in"),
        "{}",
        stderr(&output)
    );
    assert_eq!(trap.connections(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_is_down_stops_the_run() {
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let project = Project::new(&format!(
        "[llm]\nbase_url = \"http://127.0.0.1:{port}/v1\"\nmodel = \"m\"\ntimeout_secs = 2\n"
    ));
    project.write("second.md", POST);
    let output = project.run(&["review", "post.md", "second.md"]).await;
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("connection refused"), "{err}");
    assert!(err.contains("error: model review stopped:"), "{err}");
}
