//! `copydesk serve`'s model review of the five questions (`/api/review`),
//! against the test OpenAI-compatible server: answers anchored to the words
//! of the post, a quote that is not in the post dropped, the model failing,
//! and no model at all.

use crate::common;
use crate::fake_openai;
use crate::serve::{Served, get, post, serve_with};

use fake_openai::{FakeServer, Reply, completion, error};
use serde_json::{Value, json};

const POST: &str = "Our team rebuilt the search so you find answers faster.\n\nUnlike Acme, whose CEO lies to customers, we ship on time.\n\nBe the change you want to see in the world.\n";

/// A project folder whose guide points at `base_url`, trusted by the
/// writer, with its own cache and config folders; served.
struct Project {
    dir: tempfile::TempDir,
    served: Served,
}

fn project(guide: &str) -> Project {
    let dir = common::folder_with(&[("copydesk.toml", guide)]);
    let config = dir.path().join("config");
    if guide.contains("[llm]") {
        common::trust(&config, &dir.path().join("copydesk.toml"));
    }
    let cache = dir.path().join("cache");
    let served = serve_with(
        dir.path(),
        None,
        &[
            ("COPYDESK_CONFIG_DIR", &config),
            ("COPYDESK_CACHE_DIR", &cache),
        ],
    );
    Project { dir, served }
}

fn with_model(server: &FakeServer) -> Project {
    project(&format!(
        "[llm]\nbase_url = \"{}\"\nmodel = \"test-model\"\ntimeout_secs = 5\n",
        server.base_url()
    ))
}

/// A completion whose text is this review answer.
fn answer(findings: Value) -> Reply {
    completion(&json!({ "findings": findings }).to_string())
}

/// The model's answer about POST: two quotes in it (one in other case and
/// cut short), one made up.
fn answers_about_the_post() -> Vec<Value> {
    vec![
        json!({"question": "reputation", "paragraph": 2, "quote": "whose CEO lies to customers",
         "reason": "An accusation with no facts behind it.", "confidence": "high", "rewrite": null}),
        json!({"question": "inspire", "paragraph": 3, "quote": "be the change you want to see",
         "reason": "A generic slogan.", "confidence": "medium", "rewrite": null}),
        json!({"question": "conflict", "paragraph": 1, "quote": "the moon is made of cheese",
         "reason": "Not in the post at all.", "confidence": "high", "rewrite": null}),
    ]
}

/// (rule, the words of the post the finding covers).
fn anchored(text: &str, review: &Value) -> Vec<(String, String)> {
    review["file"]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let start = f["range"]["start"]["offset"].as_u64().expect("start") as usize;
            let end = f["range"]["end"]["offset"].as_u64().expect("end") as usize;
            (
                f["rule"].as_str().expect("rule").to_owned(),
                text[start..end].to_owned(),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_answers_are_anchored_to_the_post_and_a_made_up_quote_is_dropped() {
    let server = FakeServer::always(answer(Value::Array(answers_about_the_post()))).await;
    let project = with_model(&server);
    let served = &project.served;
    let info = tokio::task::block_in_place(|| get(served, "/api/info")).json();
    assert_eq!(info["model"], "test-model", "{info}");
    let reply =
        tokio::task::block_in_place(|| post(served, "/api/review", &json!({ "text": POST })));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let review = reply.json();
    assert_eq!(review["version"], 1);
    assert_eq!(review["model"], "test-model");
    // Each answer covers words of the post; the normalised quote (case,
    // no final words) is found where it is.
    assert_eq!(
        anchored(POST, &review),
        [
            (
                "review/reputation".to_owned(),
                "whose CEO lies to customers".to_owned()
            ),
            (
                "review/inspire".to_owned(),
                "Be the change you want to see".to_owned()
            ),
        ]
    );
    // The quote that is not in the post is nowhere in the answer: counted.
    assert!(!reply.body.contains("cheese"), "{}", reply.body);
    assert_eq!(review["stats"]["unlocated"], 1);
    assert!(review["error"].is_null());
    let asked: Vec<&str> = review["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .filter_map(|q| q["id"].as_str())
        .collect();
    for id in ["helpful", "conflict", "reputation", "inspire", "proud"] {
        assert!(asked.contains(&id), "{id} asked: {asked:?}");
    }
    // The same review as `copydesk review`: the guide's questions, one
    // request for the three paragraphs, the post sent to the model.
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].last_user_message().contains("[2] Unlike Acme"));
    drop(project.dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_model_is_said_and_nothing_is_made_up() {
    let server = FakeServer::always(error(401, "invalid api key", "invalid_request_error")).await;
    let project = with_model(&server);
    let reply = tokio::task::block_in_place(|| {
        post(&project.served, "/api/review", &json!({ "text": POST }))
    });
    assert_eq!(reply.status, 200, "{}", reply.body);
    let review = reply.json();
    assert_eq!(review["file"]["findings"], json!([]));
    let said = review["error"].as_str().expect("the failure is said");
    assert!(said.contains("refused the API key (401)"), "{said}");
    assert_eq!(review["stats"]["failed"], 3, "{review}");

    // An answer that is not JSON, twice (the one retry): unreadable, no
    // finding.
    let garbled = FakeServer::always(completion("I think the post is fine!")).await;
    let project = with_model(&garbled);
    let review = tokio::task::block_in_place(|| {
        post(&project.served, "/api/review", &json!({ "text": POST }))
    })
    .json();
    assert_eq!(review["file"]["findings"], json!([]));
    assert_eq!(review["stats"]["unreadable_answers"], 1, "{review}");
}

#[test]
fn without_a_model_the_review_says_so() {
    let project = project("[sharing]\nplatforms = [\"linkedin\"]\n");
    let info = get(&project.served, "/api/info").json();
    assert!(info["model"].is_null());
    let reply = post(&project.served, "/api/review", &json!({ "text": POST }));
    assert_eq!(reply.status, 503, "{}", reply.body);
    assert!(
        reply.json()["error"]
            .as_str()
            .is_some_and(|e| e.starts_with("no model: ")),
        "{}",
        reply.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_off_in_the_guide_is_refused_with_the_reason() {
    let server = FakeServer::always(answer(json!([]))).await;
    let project = project(&format!(
        "[llm]\nbase_url = \"{}\"\nmodel = \"test-model\"\n\n[review]\nenabled = false\n",
        server.base_url()
    ));
    let reply = tokio::task::block_in_place(|| {
        post(&project.served, "/api/review", &json!({ "text": POST }))
    });
    assert_eq!(reply.status, 503, "{}", reply.body);
    assert!(reply.body.contains("enabled = false"), "{}", reply.body);
    assert!(server.requests().is_empty(), "the model was not asked");
}

/// The page end to end (`tests/serve_e2e/review.mjs`): the answers under
/// their questions, a quote selecting its passage, Tighten's Reject and
/// Accept, all with the test server as the model.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_shows_the_answers_under_the_questions_and_accepts_or_rejects() {
    let Some((node, chromium, modules)) = crate::serve_e2e::browser_tools() else {
        return;
    };
    let server = FakeServer::start(|request, _| {
        if request.json()["response_format"]["json_schema"]["name"] == "copydesk_review" {
            let mut answers = answers_about_the_post();
            answers.push(json!(
                {"question": "puffery", "paragraph": 1, "quote": "find answers faster",
                 "reason": "No measurement.", "confidence": "high", "rewrite": null}
            ));
            answer(Value::Array(answers))
        } else {
            completion(
                "To decide on our roadmap, we need to consider that most of our customers are now on the free plan. We will keep both plans.",
            )
        }
    })
    .await;
    let dir = common::folder_with(&[(
        "copydesk.toml",
        &format!(
            "[llm]\nbase_url = \"{}\"\nmodel = \"test-model\"\ntimeout_secs = 5\n",
            server.base_url()
        ),
    )]);
    let config = dir.path().join("config");
    common::trust(&config, &dir.path().join("copydesk.toml"));
    let mut command = common::copydesk();
    command
        .args(["serve", "--port", "0"])
        .current_dir(dir.path())
        .env("COPYDESK_CACHE_DIR", dir.path().join("cache"))
        .env("COPYDESK_CONFIG_DIR", &config);
    let mut child = crate::serve_e2e::start(command);
    let url = crate::serve_e2e::first_url(&mut child);
    let artifacts = crate::serve_e2e::artifacts("e2e-serve-review");
    let mut browser =
        crate::serve_e2e::browser(&node, "review.mjs", &url, &modules, &chromium, &artifacts);
    let status = tokio::task::block_in_place(|| browser.status()).expect("node runs");
    assert!(
        status.success(),
        "the review flow failed (screenshots in {})",
        artifacts.display()
    );
    assert!(artifacts.join("7-review.png").is_file());
}
