//! `copydesk suggest`, `doctor` and `cache` as a user runs them, against the
//! test OpenAI-compatible server.

use crate::common;
use crate::fake_openai;

use std::path::Path;
use std::process::Output;

use fake_openai::{FakeServer, Reply, completion, error};

const PARAGRAPH: &str = "We are really very excited to announce that, in order to better serve our 12,000 customers in Berlin, we will be opening a brand new office on 3 March. You can read all about it at https://acme.example/berlin.";
const GOOD: &str = "To better serve our 12,000 customers in Berlin, we will open a new office on 3 March. You can read all about it at https://acme.example/berlin.";

struct Project {
    dir: tempfile::TempDir,
    cache: tempfile::TempDir,
}

impl Project {
    fn new(guide: Option<&str>) -> Project {
        let dir = tempfile::tempdir().unwrap();
        let cache = tempfile::tempdir().unwrap();
        if let Some(guide) = guide {
            std::fs::write(dir.path().join("copydesk.toml"), guide).unwrap();
            // The writer allows the guide's model (an invalid guide cannot be
            // allowed; its tests expect the guide error).
            common::try_trust(
                &cache.path().join("config"),
                &dir.path().join("copydesk.toml"),
            );
        }
        std::fs::write(
            dir.path().join("post.md"),
            format!("# Launch\n\n{PARAGRAPH}\n"),
        )
        .unwrap();
        Project { dir, cache }
    }

    fn with_llm(base_url: &str, extra: &str) -> Project {
        let timeout = if extra.contains("timeout_secs") {
            ""
        } else {
            "timeout_secs = 2\n"
        };
        Project::new(Some(&format!(
            "[llm]\nbase_url = \"{base_url}\"\nmodel = \"test-model\"\n{timeout}{extra}\n"
        )))
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn post(&self) -> String {
        std::fs::read_to_string(self.path().join("post.md")).unwrap()
    }

    /// Run copydesk off the async runtime, with a private cache folder and
    /// OpenAI's own environment variables pointing at `trap` (if any), which
    /// copydesk must ignore.
    async fn run(&self, args: &[&str], trap: Option<&FakeServer>) -> Output {
        let mut command = common::copydesk();
        command
            .args(args)
            .current_dir(self.path())
            .env("NO_COLOR", "1")
            .env("COPYDESK_CACHE_DIR", self.cache.path())
            .env("COPYDESK_CONFIG_DIR", self.cache.path().join("config"))
            .env_remove("OPENAI_API_KEY")
            .env_remove("OPENAI_BASE_URL");
        if let Some(trap) = trap {
            command
                .env("OPENAI_BASE_URL", trap.base_url())
                .env("OPENAI_API_KEY", "sk-trap");
        }
        tokio::task::spawn_blocking(move || command.output().expect("copydesk runs"))
            .await
            .unwrap()
    }
}

fn stdout(output: &Output) -> String {
    common::stdout(output)
}

fn stderr(output: &Output) -> String {
    common::stderr(output)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_llm_no_socket_is_ever_opened() {
    let trap = FakeServer::always(completion(GOOD)).await;
    let project = Project::new(None);
    let output = project.run(&["suggest", "post.md"], Some(&trap)).await;
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert_eq!(
        stderr(&output).trim(),
        "error: no model is configured: add an [llm] section to copydesk.toml (see `copydesk doctor`)"
    );
    let output = project.run(&["doctor"], Some(&trap)).await;
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stdout(&output).contains("model:     not configured: no network calls are made"),
        "{}",
        stdout(&output)
    );
    let output = project.run(&["check", "post.md"], Some(&trap)).await;
    assert!(output.status.code().is_some());
    assert_eq!(
        trap.connections(),
        0,
        "copydesk opened a socket without [llm]"
    );
    assert_eq!(project.post(), format!("# Launch\n\n{PARAGRAPH}\n"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suggest_prints_a_diff_with_provenance_and_apply_writes_it() {
    let server = FakeServer::always(completion(GOOD)).await;
    let project = Project::with_llm(&server.base_url(), "");
    let output = project
        .run(&["suggest", "--tighten", "post.md"], None)
        .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
    assert_eq!(stderr(&output).trim(), "1 suggestion from test-model.");
    assert_eq!(
        project.post(),
        format!("# Launch\n\n{PARAGRAPH}\n"),
        "diff mode writes nothing"
    );

    let output = project
        .run(&["suggest", "--tighten", "--apply", "post.md"], None)
        .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(
        stderr(&output).trim(),
        "1 suggestion from test-model. Rewrote 1 file."
    );
    assert_eq!(project.post(), format!("# Launch\n\n{GOOD}\n"));
    // The second run was served from the cache.
    assert_eq!(server.requests().len(), 1);

    let output = project.run(&["cache", "stats"], None).await;
    assert!(
        stdout(&output).contains("entries:  1"),
        "{}",
        stdout(&output)
    );
    assert!(stdout(&output).contains("  test-model: 1"));
    let output = project.run(&["cache", "clear"], None).await;
    assert!(stdout(&output).starts_with("Removed 1 cached suggestion from "));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suggest_json_lists_suggestions_and_reasons() {
    let text = "Our support team answered 12,000 tickets this quarter, most within an hour. We hired four people to do it.\n\nBerlin will host the partner summit in October, with two days of talks.\n";
    let server = FakeServer::start(|request, _| {
        if request.last_user_message().contains("transition") {
            completion("1. Partners help us keep that pace.")
        } else {
            // Tighten answers that add a number: guarded out twice.
            completion("Support answered 12,000 tickets in 2 quarters. We hired four.")
        }
    })
    .await;
    let project = Project::with_llm(&server.base_url(), "");
    std::fs::write(project.path().join("post.md"), text).unwrap();
    let output = project
        .run(&["suggest", "--format", "json", "post.md"], None)
        .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let file = &json["files"][0];
    assert_eq!(file["path"], "post.md");
    assert_eq!(file["suggestions"][0]["action"], "bridge");
    assert_eq!(
        file["suggestions"][0]["replacement"],
        "Partners help us keep that pace. "
    );
    assert_eq!(file["suggestions"][0]["provenance"]["prompt"], "bridge@2");
    assert_eq!(file["skipped"][0]["action"], "tighten");
    assert_eq!(file["skipped"][0]["line"], 1);
    assert_eq!(
        file["skipped"][0]["reason"],
        "no safe suggestion: the rewrite adds the number “2”, which is not in the original"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_leave_files_untouched_with_one_clear_message() {
    let server = FakeServer::always(Reply::text(503, "down for maintenance")).await;
    let project = Project::with_llm(&server.base_url(), "");
    let output = project.run(&["suggest", "--apply", "post.md"], None).await;
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output).trim(),
        "post.md:3: tighten: the server failed (503): “down for maintenance”\n0 suggestions from test-model; 1 skipped (reasons above). Rewrote 0 files."
    );
    assert_eq!(project.post(), format!("# Launch\n\n{PARAGRAPH}\n"));

    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let project = Project::with_llm(&format!("http://127.0.0.1:{port}/v1"), "");
    let output = project.run(&["suggest", "post.md"], None).await;
    assert_eq!(output.status.code(), Some(2));
    let errors: Vec<String> = stderr(&output)
        .lines()
        .filter(|l| l.starts_with("error:"))
        .map(str::to_owned)
        .collect();
    assert_eq!(
        errors,
        [
            format!(
                "error: post.md: could not connect to http://127.0.0.1:{port}/v1: connection refused (is the server running?)"
            ),
            format!(
                "error: could not connect to http://127.0.0.1:{port}/v1: connection refused (is the server running?)"
            )
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_diagnoses_the_endpoint() {
    // Answers, and lists the model.
    let server = FakeServer::start(|request, _| {
        if request.path.ends_with("/models") {
            Reply::json(200, serde_json::json!({"object": "list", "data": [{"id": "test-model", "object": "model"}]}))
        } else {
            completion("OK")
        }
    })
    .await;
    let project = Project::with_llm(&server.base_url(), "api_key_env = \"COPYDESK_DOCTOR_KEY\"");
    let output = project.run(&["doctor"], None).await;
    let text = stdout(&output);
    assert!(
        text.contains("api key:   from $COPYDESK_DOCTOR_KEY (NOT SET)"),
        "{text}"
    );
    assert!(
        text.contains("answers:   no: the API key variable $COPYDESK_DOCTOR_KEY is not set"),
        "{text}"
    );

    let project = Project::with_llm(&server.base_url(), "");
    let output = project.run(&["doctor"], None).await;
    let text = stdout(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(
        text.contains(&format!("endpoint:  {}", server.base_url())),
        "{text}"
    );
    assert!(
        text.contains("prompts:   system@1 (built-in), tighten@2 (built-in), bridge@2 (built-in), review@1 (built-in)"),
        "{text}"
    );
    assert!(
        text.contains("answers:   yes: GET /models lists “test-model”"),
        "{text}"
    );

    // Unknown model: the list lacks it and a completion says 404.
    let server = FakeServer::start(|request, _| {
        if request.path.ends_with("/models") {
            Reply::json(
                200,
                serde_json::json!({"data": [{"id": "llama3.2"}, {"id": "qwen2.5"}]}),
            )
        } else {
            error(404, "model not found", "invalid_request_error")
        }
    })
    .await;
    let project = Project::with_llm(&server.base_url(), "");
    let output = project.run(&["doctor"], None).await;
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stdout(&output).contains("answers:   no: the server does not know the model “test-model”; it offers “llama3.2”, “qwen2.5”"),
        "{}",
        stdout(&output)
    );

    // 401.
    let server = FakeServer::always(error(401, "bad key", "invalid_request_error")).await;
    let project = Project::with_llm(&server.base_url(), "");
    let output = project.run(&["doctor"], None).await;
    assert!(
        stdout(&output).contains("answers:   no: the server refused the API key (401): set api_key_env in [llm] to the variable holding the key"),
        "{}",
        stdout(&output)
    );

    // Connection refused.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let project = Project::with_llm(&format!("http://127.0.0.1:{port}/v1"), "");
    let output = project.run(&["doctor"], None).await;
    assert!(
        stdout(&output).contains("connection refused (is the server running?)"),
        "{}",
        stdout(&output)
    );

    // Timeout.
    let server = FakeServer::always(Reply::After(
        std::time::Duration::from_secs(10),
        Box::new(completion("OK")),
    ))
    .await;
    let project = Project::with_llm(&server.base_url(), "timeout_secs = 1");
    let output = project.run(&["doctor"], None).await;
    assert!(
        stdout(&output).contains("answers:   no: the model did not answer within 1 s"),
        "{}",
        stdout(&output)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_paragraph_gets_a_suggestion_or_a_reason_and_requests_are_never_sent() {
    // A one-sentence wordy paragraph (tightened as its sentence), a label
    // too short to tighten, a request for writing (never sent), and a
    // paragraph whose rewrite drops a promise (refused by the guard).
    let wordy = "In order to make a decision about our roadmap, we need to take into consideration the fact that at this point in time most of our customers are on the free plan.";
    let tight = "To decide on our roadmap, we need to consider that most of our customers are now on the free plan.";
    let request = "Write a LinkedIn post announcing our new dashboards. Mention the 40% speedup and thank the team.";
    let privacy = "It is important to note that all of the data that is collected by the app is stored in data centres located in Frankfurt. None of the personal information is ever shared with third parties, and users can request deletion at any point in time.";
    let dropped = "It is crucial to note that all personal information is stored in data centres located in Frankfurt.";
    let text = format!("{wordy}\n\nlaunch post\n\n{request}\n\n{privacy}\n");
    let server = FakeServer::start(move |request, _| {
        let asked = request.last_user_message();
        if asked.contains("roadmap") {
            completion(tight)
        } else {
            completion(dropped)
        }
    })
    .await;
    let project = Project::with_llm(&server.base_url(), "");
    std::fs::write(project.path().join("post.md"), &text).unwrap();
    let output = project
        .run(
            &["suggest", "--tighten", "--format", "json", "post.md"],
            None,
        )
        .await;
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let file = &json["files"][0];
    let suggestions = file["suggestions"].as_array().unwrap();
    assert_eq!(suggestions.len(), 1, "{file:#}");
    assert_eq!(suggestions[0]["replacement"], tight);
    let skipped: Vec<(u64, String)> = file["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["line"].as_u64().unwrap(),
                s["reason"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(skipped.len(), 3, "{skipped:#?}");
    assert_eq!(skipped[0].0, 3);
    assert!(
        skipped[0].1.starts_with("too short to tighten"),
        "{skipped:#?}"
    );
    assert_eq!(skipped[1].0, 5);
    assert!(
        skipped[1]
            .1
            .starts_with("copydesk edits drafts you wrote; it does not write them"),
        "{skipped:#?}"
    );
    assert_eq!(skipped[2].0, 7);
    assert!(
        skipped[2].1.starts_with(
            "no safe suggestion: the rewrite drops the sentence “None of the personal information"
        ),
        "{skipped:#?}"
    );
    // Only the two drafts were sent: the wordy sentence once, the privacy
    // paragraph twice (the guard's refusal is retried once); the request
    // for writing and the label never were (they may appear as context).
    assert_eq!(server.requests().len(), 3);

    // The diff format tells the same story on stderr, one line per skip.
    let output = project
        .run(&["suggest", "--tighten", "post.md"], None)
        .await;
    let err = stderr(&output);
    assert!(
        err.contains("post.md:3: tighten: too short to tighten"),
        "{err}"
    );
    assert!(
        err.contains("post.md:5: tighten: copydesk edits drafts you wrote"),
        "{err}"
    );
    assert!(
        err.contains("post.md:7: tighten: no safe suggestion: the rewrite drops the sentence"),
        "{err}"
    );
    assert!(
        err.contains("1 suggestion from test-model; 3 skipped (reasons above)."),
        "{err}"
    );
}
