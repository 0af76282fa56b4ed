//! Tighten and Bridge against a test OpenAI-compatible server on 127.0.0.1:
//! every fault gives one clear error and no edit; the happy paths are exact.

use crate::fake_openai;

use std::sync::Arc;
use std::time::{Duration, Instant};

use copydesk::guide::{Guide, GuideSource};
use copydesk::llm::{
    Draft, Engine, EngineOptions, LlmError, RetryPolicy, SuggestError, Suggestion, TightenTarget,
};
use copydesk::{DocumentKind, Provenance};
use fake_openai::{FakeServer, Reply, completion, completion_json, error};

const ORIGINAL: &str = "We are really very excited to announce that, in order to better serve our 12,000 customers in Berlin, we will be opening a brand new office on 3 March. You can read all about it at https://acme.example/berlin.";
const GOOD: &str = "To better serve our 12,000 customers in Berlin, we will open a new office on 3 March. You can read all about it at https://acme.example/berlin.";
const KEY: &str = "sk-test-0123456789-secret";

fn document() -> String {
    format!("# Launch\n\n{ORIGINAL}\n")
}

struct Setup {
    engine: Engine,
    _cache_dir: tempfile::TempDir,
}

fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        first_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(80),
        max_retry_after: Duration::from_secs(5),
    }
}

fn engine_for(base_url: &str, extra: &str) -> Setup {
    let timeout = if extra.contains("timeout_secs") {
        ""
    } else {
        "timeout_secs = 2\n"
    };
    let toml = format!(
        "[llm]\nbase_url = \"{base_url}\"\nmodel = \"test-model\"\napi_key_env = \"COPYDESK_TEST_KEY\"\n{timeout}{extra}\n"
    );
    let guide = Guide::from_source(&toml, GuideSource::BuiltIn).expect("guide parses");
    let cache_dir = tempfile::tempdir().expect("temp dir");
    let options = EngineOptions {
        cache_path: Some(cache_dir.path().join("cache.sqlite3")),
        retry: fast_retry(),
        ..EngineOptions::default()
    };
    let engine = Engine::with_env(Arc::new(guide), options, &|name| {
        (name == "COPYDESK_TEST_KEY").then(|| KEY.to_owned())
    })
    .expect("engine");
    Setup {
        engine,
        _cache_dir: cache_dir,
    }
}

async fn tighten(engine: &Engine, text: &str) -> Result<Suggestion, SuggestError> {
    let offset = text.find("We are").unwrap_or(0);
    engine
        .tighten(
            Draft {
                text,
                kind: DocumentKind::Markdown,
                name: "post.md",
            },
            TightenTarget::Paragraph(offset),
        )
        .await
}

/// The error a fault produces, as the writer reads it; checks that the key
/// never appears in it.
#[track_caller]
fn message(result: Result<Suggestion, SuggestError>) -> String {
    let error = result.expect_err("a fault must not produce a suggestion");
    let text = error.to_string();
    assert!(!text.contains(KEY), "the API key leaked: {text}");
    assert!(
        !text.ends_with('.'),
        "messages have no trailing period: {text}"
    );
    text
}

// ---- happy paths ----

#[tokio::test]
async fn tighten_returns_minimal_edits_diff_and_provenance() {
    let server = FakeServer::always(completion(&format!(
        "Here is the tightened paragraph:\n\n\"{GOOD}\""
    )))
    .await;
    let setup = engine_for(&server.base_url(), "temperature = 0.1");
    let text = document();
    let suggestion = tighten(&setup.engine, &text).await.expect("a suggestion");
    assert_eq!(suggestion.replacement, GOOD);
    assert_eq!(
        suggestion.apply(&text).unwrap(),
        format!("# Launch\n\n{GOOD}\n")
    );
    // Only changed words are edited: "12,000 customers in Berlin" is untouched.
    assert!(
        suggestion
            .edits
            .iter()
            .all(|edit| !text[edit.range.clone()].contains("Berlin"))
    );
    assert_eq!(
        suggestion.provenance,
        Provenance::Model {
            model: "test-model".into(),
            prompt: "tighten@2".into()
        }
    );
    assert_eq!(suggestion.title, "Tighten with test-model");
    assert!(!suggestion.cached);
    insta::assert_snapshot!(suggestion.diff);

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.path, "/v1/chat/completions");
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    let body = request.json();
    assert_eq!(body["model"], "test-model");
    assert!((body["temperature"].as_f64().unwrap() - 0.1).abs() < 1e-6);
    assert!(body["max_tokens"].as_u64().unwrap() > 0);
    assert!(request.last_user_message().contains(ORIGINAL));
}

#[tokio::test]
async fn a_rejected_answer_is_retried_once_with_the_reason() {
    let dropped_number = GOOD.replace("12,000 ", "");
    let server = FakeServer::sequence(vec![completion(&dropped_number), completion(GOOD)]).await;
    let setup = engine_for(&server.base_url(), "");
    let suggestion = tighten(&setup.engine, &document())
        .await
        .expect("second answer passes");
    assert_eq!(suggestion.replacement, GOOD);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert!(
        requests[1]
            .last_user_message()
            .contains("the rewrite drops the number “12,000”"),
        "{}",
        requests[1].last_user_message()
    );
}

#[tokio::test]
async fn two_bad_answers_give_no_safe_suggestion_with_the_reason() {
    let server = FakeServer::always(completion(&GOOD.replace("12,000 ", ""))).await;
    let setup = engine_for(&server.base_url(), "");
    let text = message(tighten(&setup.engine, &document()).await);
    assert_eq!(
        text,
        "no safe suggestion: the rewrite drops the number “12,000”"
    );
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn cached_suggestion_is_instant_and_key_free() {
    let server = FakeServer::always(completion(GOOD)).await;
    let setup = engine_for(&server.base_url(), "");
    let text = document();
    let first = tighten(&setup.engine, &text).await.unwrap();
    assert!(!first.cached);
    let second = tighten(&setup.engine, &text).await.unwrap();
    assert!(second.cached);
    assert_eq!(second.edits, first.edits);
    assert_eq!(
        server.requests().len(),
        1,
        "the cached answer costs no request"
    );
    // Nothing in the cache folder holds the key.
    let folder = setup
        .engine
        .cache()
        .unwrap()
        .path()
        .parent()
        .unwrap()
        .to_owned();
    for entry in std::fs::read_dir(folder).unwrap() {
        let bytes = std::fs::read(entry.unwrap().path()).unwrap();
        assert!(
            !bytes.windows(KEY.len()).any(|w| w == KEY.as_bytes()),
            "the API key is in a cache file"
        );
    }
}

#[tokio::test]
async fn bridge_offers_each_guarded_option_as_an_insertion() {
    let text = "Our support team answered 12,000 tickets this quarter, most within an hour.\n\nBerlin will host the partner summit in October, with two days of talks.\n";
    let server = FakeServer::always(completion(
        "Here are three options:\n1. Partners help us keep that pace.\n2. Berlin will host the partner summit in October.\n3. That pace matters for partners too.",
    ))
    .await;
    let setup = engine_for(&server.base_url(), "");
    let at = text.find("Berlin").unwrap();
    let suggestions = setup
        .engine
        .bridge(
            Draft {
                text,
                kind: DocumentKind::Markdown,
                name: "post.md",
            },
            at,
        )
        .await
        .expect("options");
    let inserted: Vec<&str> = suggestions.iter().map(|s| s.replacement.as_str()).collect();
    // The option that repeats the paragraph's first sentence is dropped.
    assert_eq!(
        inserted,
        [
            "Partners help us keep that pace. ",
            "That pace matters for partners too. "
        ]
    );
    let applied = suggestions[0].apply(text).unwrap();
    assert!(applied.contains("\n\nPartners help us keep that pace. Berlin will host"));
    assert_eq!(suggestions[0].range, at..at);
    assert!(
        server.requests()[0]
            .last_user_message()
            .contains("Our support team answered 12,000 tickets")
    );
}

#[tokio::test]
async fn non_drafts_are_refused_without_a_request() {
    let server = FakeServer::always(completion(GOOD)).await;
    let setup = engine_for(&server.base_url(), "");
    for (text, expected) in [
        (
            "# Launch\n\nWe are shipping the new release to everyone this week.\n",
            "a paragraph needs at least 2 sentences to tighten; select the sentence instead",
        ),
        (
            "# Launch\n\n- We are growth\n- hiring plans\n- office\n",
            "this is an outline of bullet fragments: copydesk edits drafts, it does not write them",
        ),
    ] {
        let offset = text.find("We are").unwrap();
        let result = setup
            .engine
            .tighten(
                Draft {
                    text,
                    kind: DocumentKind::Markdown,
                    name: "post.md",
                },
                if text.contains("- ") {
                    TightenTarget::Selection(offset - 2..text.len())
                } else {
                    TightenTarget::Paragraph(offset)
                },
            )
            .await;
        assert_eq!(message(result), expected);
    }
    assert_eq!(server.connections(), 0);
}

#[tokio::test]
async fn concurrency_is_capped_and_cancellation_frees_the_slot() {
    let server = FakeServer::always(Reply::After(
        Duration::from_millis(300),
        Box::new(completion(GOOD)),
    ))
    .await;
    let setup = Arc::new(engine_for(
        &server.base_url(),
        "max_concurrency = 1\ncache = false",
    ));
    // A request that is cancelled (dropped) after 100 ms...
    let cancelled = tokio::time::timeout(Duration::from_millis(100), {
        let setup = Arc::clone(&setup);
        async move { tighten(&setup.engine, &document()).await }
    })
    .await;
    assert!(cancelled.is_err(), "the request was cancelled");
    // ...leaves the single slot free, and three requests run one at a time.
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..3 {
        let setup = Arc::clone(&setup);
        tasks.push(tokio::spawn(async move {
            tighten(&setup.engine, &document()).await
        }));
    }
    for task in tasks {
        task.await.unwrap().expect("suggestion");
    }
    assert!(
        started.elapsed() >= Duration::from_millis(850),
        "three 300 ms requests ran in parallel: {:?}",
        started.elapsed()
    );
}

// ---- faults ----

#[tokio::test]
async fn connection_refused() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let setup = engine_for(&format!("http://127.0.0.1:{port}/v1"), "");
    assert_eq!(
        message(tighten(&setup.engine, &document()).await),
        format!(
            "could not connect to http://127.0.0.1:{port}/v1: connection refused (is the server running?)"
        )
    );
}

#[tokio::test]
async fn dns_failure() {
    let setup = engine_for("http://copydesk-no-such-host.invalid/v1", "");
    let result = tighten(&setup.engine, &document()).await;
    assert!(
        matches!(
            result,
            Err(SuggestError::Model(LlmError::Dns { ref host, .. })) if host == "copydesk-no-such-host.invalid"
        ),
        "{result:?}"
    );
    assert_eq!(
        message(result),
        "could not resolve the host “copydesk-no-such-host.invalid” of http://copydesk-no-such-host.invalid/v1"
    );
}

#[tokio::test]
async fn timeout() {
    let server = FakeServer::always(Reply::After(
        Duration::from_secs(10),
        Box::new(completion(GOOD)),
    ))
    .await;
    let setup = engine_for(&server.base_url(), "timeout_secs = 1");
    let started = Instant::now();
    assert_eq!(
        message(tighten(&setup.engine, &document()).await),
        "the model did not answer within 1 s (timeout_secs in [llm])"
    );
    // Not a speed check: the server answers after 10 s, so anything short
    // of that means the timeout, not the answer, ended the request.
    assert!(started.elapsed() < Duration::from_secs(9));
}

#[tokio::test]
async fn unauthorized_never_echoes_the_key() {
    for status in [401, 403] {
        let server = FakeServer::always(error(
            status,
            &format!("Incorrect API key provided: {KEY}"),
            "invalid_request_error",
        ))
        .await;
        let setup = engine_for(&server.base_url(), "");
        assert_eq!(
            message(tighten(&setup.engine, &document()).await),
            format!("the server refused the API key ({status}): check $COPYDESK_TEST_KEY")
        );
        assert_eq!(server.requests().len(), 1, "auth failures are not retried");
    }
}

#[tokio::test]
async fn unknown_model() {
    let server = FakeServer::always(error(
        404,
        "The model `test-model` does not exist",
        "invalid_request_error",
    ))
    .await;
    let setup = engine_for(&server.base_url(), "");
    assert_eq!(
        message(tighten(&setup.engine, &document()).await),
        "the server does not know the model “test-model” (404): “The model `test-model` does not exist”"
    );
}

#[tokio::test]
async fn rate_limited_with_retry_after_waits_then_succeeds() {
    let server = FakeServer::sequence(vec![
        error(429, "slow down", "rate_limit_error").with_header("retry-after", "1"),
        completion(GOOD),
    ])
    .await;
    let setup = engine_for(&server.base_url(), "timeout_secs = 5");
    let started = Instant::now();
    tighten(&setup.engine, &document()).await.expect("retried");
    assert!(started.elapsed() >= Duration::from_millis(950));
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn rate_limited_without_retry_after_backs_off_a_bounded_number_of_times() {
    let server = FakeServer::always(error(429, "slow down", "rate_limit_error")).await;
    let setup = engine_for(&server.base_url(), "");
    assert_eq!(
        message(tighten(&setup.engine, &document()).await),
        "rate limited by the server (429): “slow down”; try again later"
    );
    assert_eq!(server.requests().len(), 4, "one try and three retries");
}

#[tokio::test]
async fn rate_limited_with_a_long_retry_after_fails_at_once() {
    let server = FakeServer::always(
        error(429, "quota window", "rate_limit_error").with_header("retry-after", "3600"),
    )
    .await;
    let setup = engine_for(&server.base_url(), "");
    let started = Instant::now();
    assert_eq!(
        message(tighten(&setup.engine, &document()).await),
        "rate limited by the server (429): “quota window; the server asks to wait 3600 s”; try again later"
    );
    assert_eq!(server.requests().len(), 1);
    // Not a speed check: it did not sleep the hour the server asked for.
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[tokio::test]
async fn server_errors_are_retried_then_reported() {
    let server = FakeServer::sequence(vec![Reply::text(500, "boom"), completion(GOOD)]).await;
    let setup = engine_for(&server.base_url(), "");
    tighten(&setup.engine, &document())
        .await
        .expect("retried past a 500");

    let server = FakeServer::always(Reply::text(503, "<html>upstream unavailable</html>")).await;
    let setup = engine_for(&server.base_url(), "");
    assert_eq!(
        message(tighten(&setup.engine, &document()).await),
        "the server failed (503): “<html>upstream unavailable</html>”"
    );
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn llama_server_numeric_error_code_is_read() {
    let server = FakeServer::always(Reply::json(
        400,
        serde_json::json!({"error": {"code": 400, "message": "the request exceeds the available context size", "type": "exceed_context_size_error"}}),
    ))
    .await;
    let setup = engine_for(&server.base_url(), "");
    assert_eq!(
        message(tighten(&setup.engine, &document()).await),
        "the server rejected the request (400): “the request exceeds the available context size”"
    );
}

#[tokio::test]
async fn answer_that_is_not_json() {
    let server = FakeServer::always(Reply::text(200, "<html>captive portal</html>")).await;
    let setup = engine_for(&server.base_url(), "");
    assert_eq!(
        message(tighten(&setup.engine, &document()).await),
        "the server's answer is not JSON: “<html>captive portal</html>”"
    );
}

#[tokio::test]
async fn json_with_no_choices() {
    for body in [
        serde_json::json!({"id": "x", "object": "chat.completion", "created": 1, "model": "m", "choices": []}),
        serde_json::json!({"id": "x", "object": "chat.completion"}),
    ] {
        let server = FakeServer::always(Reply::json(200, body)).await;
        let setup = engine_for(&server.base_url(), "");
        assert_eq!(
            message(tighten(&setup.engine, &document()).await),
            "the server's answer has no choices"
        );
    }
}

#[tokio::test]
async fn empty_completion() {
    let server = FakeServer::always(completion("")).await;
    let setup = engine_for(&server.base_url(), "");
    assert_eq!(
        message(tighten(&setup.engine, &document()).await),
        "the model returned an empty answer"
    );
}

#[tokio::test]
async fn completion_ten_times_longer_than_the_input() {
    let long = std::iter::repeat_n(ORIGINAL, 10)
        .collect::<Vec<_>>()
        .join(" ");
    let server = FakeServer::always(completion(&long)).await;
    let setup = engine_for(&server.base_url(), "");
    let text = message(tighten(&setup.engine, &document()).await);
    assert!(
        text.starts_with("no safe suggestion: the rewrite is not short enough: 36 → 360 words"),
        "{text}"
    );
    // Cut off at the token limit: also no suggestion.
    let server = FakeServer::always(Reply::json(200, completion_json(&long, "length"))).await;
    let setup = engine_for(&server.base_url(), "");
    assert_eq!(
        message(tighten(&setup.engine, &document()).await),
        "no safe suggestion: the model's answer was cut off"
    );
}

#[tokio::test]
async fn slow_stream_times_out() {
    let body = completion_json(GOOD, "stop").to_string();
    let server = FakeServer::always(Reply::Drip {
        body,
        every: Duration::from_millis(200),
    })
    .await;
    let setup = engine_for(&server.base_url(), "timeout_secs = 1");
    assert_eq!(
        message(tighten(&setup.engine, &document()).await),
        "the model did not answer within 1 s (timeout_secs in [llm])"
    );
}

#[tokio::test]
async fn server_closes_mid_response() {
    let body = completion_json(GOOD, "stop").to_string();
    for reply in [Reply::CloseMidBody { body: body.clone() }, Reply::Close] {
        let server = FakeServer::always(reply).await;
        let setup = engine_for(&server.base_url(), "");
        assert_eq!(
            message(tighten(&setup.engine, &document()).await),
            "the server closed the connection before the answer was complete"
        );
    }
}
