//! A cloned repository's guide is untrusted input: its `[llm]` connection is
//! used only after the writer's consent, recorded outside the repository.
//! Every front end (doctor, suggest, review, check --review, the language
//! server) sends nothing before that and says why; `copydesk trust` (or
//! "Allow" in the editor) records it; a changed endpoint or key variable, or
//! `copydesk untrust`, takes it back.

use crate::common;
use crate::fake_openai;
use crate::lsp_client;

use std::path::{Path, PathBuf};
use std::process::Output;

use fake_openai::{FakeServer, completion};
use lsp_client::{LspClient, editor_capabilities, file_uri};
use serde_json::{Value, json};

const PARAGRAPH: &str = "We are really very excited to announce that, in order to better serve our 12,000 customers in Berlin, we will be opening a brand new office on 3 March. You can read all about it at https://acme.example/berlin.";
const GOOD: &str = "To better serve our 12,000 customers in Berlin, we open a new office on 3 March. Read about it at https://acme.example/berlin.";
/// Tighten's answer for the first sentence (what the editor asks for).
const SENTENCE: &str =
    "To better serve our 12,000 customers in Berlin, we open a new office on 3 March.";
const SECRET: &str = "sk-test-secret-123";
const KEY_VAR: &str = "COPYDESK_TRUST_TEST_API_KEY";

/// A repository with a guide naming the fake server and a key variable, and
/// the writer's own config folder outside it.
struct Repo {
    dir: tempfile::TempDir,
    home: tempfile::TempDir,
}

impl Repo {
    fn new(base_url: &str) -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().unwrap(),
            home: tempfile::tempdir().unwrap(),
        };
        repo.write_guide(base_url, KEY_VAR);
        std::fs::write(
            repo.dir.path().join("post.md"),
            format!("# Launch\n\n{PARAGRAPH}\n"),
        )
        .unwrap();
        repo
    }

    fn write_guide(&self, base_url: &str, key_var: &str) {
        std::fs::write(
            self.guide(),
            format!(
                "[llm]\nbase_url = \"{base_url}\"\nmodel = \"test-model\"\napi_key_env = \"{key_var}\"\ntimeout_secs = 5\ncache = false\n"
            ),
        )
        .unwrap();
    }

    fn guide(&self) -> PathBuf {
        self.dir.path().join("copydesk.toml")
    }

    fn config(&self) -> PathBuf {
        self.home.path().join("config")
    }

    /// copydesk in the repository, off the async runtime, with the key set.
    async fn run(&self, args: &[&str]) -> Output {
        let mut command = common::copydesk();
        command
            .args(args)
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .env("COPYDESK_CONFIG_DIR", self.config())
            .env("COPYDESK_CACHE_DIR", self.home.path().join("cache"))
            .env(KEY_VAR, SECRET)
            .stdin(std::process::Stdio::null());
        tokio::task::spawn_blocking(move || command.output().expect("copydesk runs"))
            .await
            .unwrap()
    }
}

fn canonical(path: &Path) -> String {
    std::fs::canonicalize(path).unwrap().display().to_string()
}

fn both(output: &Output) -> String {
    format!("{}{}", common::stdout(output), common::stderr(output))
}

/// The refusal every CLI front end prints: what was not sent, and how to
/// allow it.
fn assert_refused(output: &Output, repo: &Repo, url: &str) {
    let text = both(output);
    let guide = canonical(&repo.guide());
    assert!(
        text.contains(&format!(
            "{guide} is not trusted to send text to {url} using ${KEY_VAR}: nothing was sent (run copydesk trust {guide} to allow it)"
        )),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_cli_sends_nothing_until_the_writer_trusts_the_guide() {
    let fake = FakeServer::always(completion(GOOD)).await;
    let url = fake.base_url();
    let repo = Repo::new(&url);

    // Untrusted: doctor, suggest, review and check --review send nothing.
    let doctor = repo.run(&["doctor"]).await;
    assert_eq!(doctor.status.code(), Some(1), "{}", both(&doctor));
    assert!(common::stdout(&doctor).contains("trust:     NOT TRUSTED: "));
    assert!(!common::stdout(&doctor).contains("answers:"));
    assert_refused(&doctor, &repo, &url);
    for args in [
        &["suggest", "post.md"][..],
        &["review", "post.md"],
        &["check", "--review", "post.md"],
    ] {
        let output = repo.run(args).await;
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", both(&output));
        assert_refused(&output, &repo, &url);
    }
    assert_eq!(fake.connections(), 0, "a request left before consent");

    // A script cannot consent without --yes.
    let refused = repo.run(&["trust"]).await;
    assert_eq!(refused.status.code(), Some(2), "{}", both(&refused));
    assert!(common::stderr(&refused).contains("not confirmed"));
    assert!(!repo.config().join("trust.toml").exists());

    // Trusted: the trust command says what it allows, then everything works.
    let trusted = repo.run(&["trust", "--yes"]).await;
    assert_eq!(trusted.status.code(), Some(0), "{}", both(&trusted));
    let said = common::stdout(&trusted);
    assert!(
        said.contains(&format!("guide:          {}", canonical(&repo.guide()))),
        "{said}"
    );
    assert!(said.contains(&format!("endpoint:       {url}")), "{said}");
    assert!(
        said.contains(&format!("key variable:   ${KEY_VAR}")),
        "{said}"
    );
    assert!(
        said.contains("review on save: yes: the editor sends each saved draft"),
        "{said}"
    );
    assert!(
        !std::fs::read_to_string(repo.guide())
            .unwrap()
            .contains("trust"),
        "consent is not written into the repository"
    );
    let list = repo.run(&["trust", "--list"]).await;
    assert!(
        common::stdout(&list).contains(&format!("  sends text to {url} using ${KEY_VAR}")),
        "{}",
        both(&list)
    );

    let doctor = repo.run(&["doctor"]).await;
    assert_eq!(doctor.status.code(), Some(0), "{}", both(&doctor));
    assert!(common::stdout(&doctor).contains("trust:     allowed"));
    assert!(common::stdout(&doctor).contains("answers:   yes"));
    let before = fake.requests().len();
    let suggest = repo.run(&["suggest", "post.md"]).await;
    assert_eq!(suggest.status.code(), Some(0), "{}", both(&suggest));
    let sent = fake.requests();
    assert!(sent.len() > before, "suggest asked nothing");
    assert_eq!(
        sent.last().unwrap().header("authorization"),
        Some(format!("Bearer {SECRET}").as_str())
    );

    // review and check --review ask the model too now.
    for args in [
        &["review", "post.md"][..],
        &["check", "--review", "post.md"],
    ] {
        let before = fake.requests().len();
        let output = repo.run(args).await;
        assert_ne!(output.status.code(), Some(2), "{args:?}: {}", both(&output));
        assert!(fake.requests().len() > before, "{args:?} asked nothing");
    }

    // Another endpoint in the guide: the consent no longer applies.
    let before = fake.requests().len();
    let moved = format!("{url}/");
    repo.write_guide(&moved, KEY_VAR);
    let output = repo.run(&["suggest", "post.md"]).await;
    assert_eq!(output.status.code(), Some(2), "{}", both(&output));
    assert_refused(&output, &repo, &moved);
    // Nor another key variable.
    repo.write_guide(&url, "OTHER_API_KEY");
    let doctor = repo.run(&["doctor"]).await;
    assert!(
        common::stdout(&doctor).contains("NOT TRUSTED"),
        "{}",
        both(&doctor)
    );
    assert_eq!(
        fake.requests().len(),
        before,
        "a request left after a change"
    );

    // Back to the trusted connection, then untrust.
    repo.write_guide(&url, KEY_VAR);
    assert_eq!(repo.run(&["doctor"]).await.status.code(), Some(0));
    let untrusted = repo.run(&["untrust"]).await;
    assert_eq!(untrusted.status.code(), Some(0), "{}", both(&untrusted));
    let before = fake.requests().len();
    let output = repo.run(&["review", "post.md"]).await;
    assert_refused(&output, &repo, &url);
    assert_eq!(fake.requests().len(), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guide_may_not_name_a_cloud_or_ci_credential() {
    let fake = FakeServer::always(completion(GOOD)).await;
    let repo = Repo::new(&fake.base_url());
    for (name, why) in [
        (
            "AWS_SECRET_ACCESS_KEY",
            "names a cloud, CI or registry credential",
        ),
        ("GITHUB_TOKEN", "names a cloud, CI or registry credential"),
        ("NPM_TOKEN", "names a cloud, CI or registry credential"),
        ("DATABASE_PASSWORD", "is not a model key's name"),
    ] {
        repo.write_guide(&fake.base_url(), name);
        let output = repo.run(&["check", "post.md"]).await;
        assert_eq!(output.status.code(), Some(2), "{name}: {}", both(&output));
        let expected = format!("{}:4:1: api_key_env “{name}” {why}", repo.guide().display());
        assert!(
            common::stderr(&output).contains(&expected),
            "{}",
            both(&output)
        );
        // Not even trust accepts it.
        let trust = repo.run(&["trust", "--yes"]).await;
        assert_eq!(trust.status.code(), Some(2), "{}", both(&trust));
    }
    assert_eq!(fake.connections(), 0);
}

/// A language server in the repository, with the writer's config folder.
fn server(repo: &Repo, settings: Value) -> (LspClient, String, String) {
    let config = repo.config();
    let mut client = LspClient::spawn_with_env(
        repo.dir.path(),
        &[
            ("COPYDESK_CONFIG_DIR", config.as_os_str()),
            (KEY_VAR, std::ffi::OsStr::new(SECRET)),
        ],
    );
    client.settings = settings.clone();
    let mut capabilities = editor_capabilities(&["utf-16"]);
    capabilities["window"] =
        json!({ "showMessage": { "messageActionItem": { "additionalPropertiesSupport": false } } });
    client.initialize(capabilities, settings, Some(repo.dir.path()));
    let text = std::fs::read_to_string(repo.dir.path().join("post.md")).unwrap();
    let uri = file_uri(&repo.dir.path().join("post.md"));
    client.open(&uri, "markdown", 1, &text);
    client.diagnostics(&uri, 1);
    (client, uri, text)
}

/// The messages of the server's `method` messages so far.
fn said(client: &LspClient, method: &str) -> Vec<String> {
    client
        .notifications
        .iter()
        .filter(|n| n["method"] == method)
        .filter_map(|n| n["params"]["message"].as_str().map(str::to_owned))
        .collect()
}

/// The questions (`window/showMessageRequest`) the server asked.
fn questions(client: &LspClient) -> Vec<String> {
    said(client, "window/showMessageRequest")
}

fn messages(client: &LspClient) -> Vec<String> {
    said(client, "window/showMessage")
}

/// A runtime for fake model servers the synchronous LSP tests use.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap()
}

fn tighten(client: &mut LspClient, uri: &str, text: &str) -> Value {
    let offset = text.find("in order to").unwrap();
    client.request(
        "workspace/executeCommand",
        json!({ "command": "copydesk.tighten",
                "arguments": [{ "uri": uri, "position": lsp_client::position_of(text, offset, true) }] }),
    )
}

#[test]
fn the_language_server_asks_before_any_request_and_proceeds_on_allow() {
    let runtime = runtime();
    let fake = runtime.block_on(FakeServer::always(completion(SENTENCE)));
    let repo = Repo::new(&fake.base_url());
    let (mut client, uri, text) = server(&repo, Value::Null);

    // Saving (review on save) asks; dismissing it sends nothing.
    client.message_request_choice = None;
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri } }),
    );
    let question = client.wait_notification(|n| n["method"] == "window/showMessageRequest");
    client.notifications.insert(0, question);
    client.drain_for(std::time::Duration::from_millis(300));
    let asked = questions(&client);
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert_eq!(
        asked[0],
        format!(
            "This folder's copydesk.toml ({}) wants to send drafts to {} using ${KEY_VAR}. Allow?",
            canonical(&repo.guide()),
            fake.base_url()
        )
    );
    // A second save does not ask again in this session.
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri } }),
    );
    client.drain_for(std::time::Duration::from_millis(300));
    assert_eq!(questions(&client).len(), 1);

    // Tighten asks again (the writer asked for it); "Not now" sends nothing
    // and says why.
    client.message_request_choice = Some(1);
    let response = tighten(&mut client, &uri, &text);
    assert_eq!(response["result"]["applied"], false, "{response}");
    client.drain_for(std::time::Duration::from_millis(200));
    assert_eq!(questions(&client).len(), 2);
    assert!(
        messages(&client)
            .iter()
            .any(|m| m.contains("is not trusted to send text to") && m.contains("copydesk trust")),
        "{:?}",
        messages(&client)
    );
    assert_eq!(fake.connections(), 0, "a request left before consent");

    // "Allow": recorded in the writer's store, and Tighten proceeds.
    client.message_request_choice = Some(0);
    let response = tighten(&mut client, &uri, &text);
    client.drain_for(std::time::Duration::from_millis(100));
    assert_eq!(
        response["result"]["applied"],
        true,
        "{response} {:?}",
        messages(&client)
    );
    let sent = fake.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        sent[0].header("authorization"),
        Some(format!("Bearer {SECRET}").as_str())
    );
    let store = std::fs::read_to_string(repo.config().join("trust.toml")).unwrap();
    assert!(store.contains(&canonical(&repo.guide())), "{store}");
    assert!(store.contains(&fake.base_url()), "{store}");
    // Review on save now runs without asking.
    let before = questions(&client).len();
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri } }),
    );
    client.wait_notification(|n| {
        n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri
    });
    client.drain_for(std::time::Duration::from_millis(300));
    assert_eq!(questions(&client).len(), before);
    assert!(fake.requests().len() >= 2, "the save did not review");
    client.shutdown();
}

#[test]
fn an_untrusted_guide_cannot_redirect_the_writers_own_model() {
    let runtime = runtime();
    let theirs = runtime.block_on(FakeServer::always(completion(SENTENCE)));
    let mine = runtime.block_on(FakeServer::always(completion(SENTENCE)));
    let repo = Repo::new(&theirs.base_url());
    std::fs::write(
        repo.dir.path().join("copydesk.toml"),
        format!(
            "[review]\non_save = false\n\n[llm]\nbase_url = \"{}\"\nmodel = \"their-model\"\napi_key_env = \"{KEY_VAR}\"\ncache = false\n",
            theirs.base_url()
        ),
    )
    .unwrap();
    let settings = json!({ "llm": { "baseUrl": mine.base_url(), "model": "my-model" } });
    let (mut client, uri, text) = server(&repo, settings);
    // "Not now": the writer's own endpoint and model, nothing from the guide.
    client.message_request_choice = Some(1);
    let response = tighten(&mut client, &uri, &text);
    assert_eq!(response["result"]["applied"], true, "{response}");
    assert_eq!(questions(&client).len(), 1);
    assert_eq!(theirs.connections(), 0);
    let sent = mine.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].json()["model"], "my-model");
    assert_ne!(
        sent[0].header("authorization"),
        Some(format!("Bearer {SECRET}").as_str()),
        "the guide's key went to the writer's endpoint"
    );
    client.shutdown();
}

#[test]
fn the_trust_command_records_consent_and_untrust_takes_it_back_from_a_running_server() {
    let runtime = runtime();
    let fake = runtime.block_on(FakeServer::always(completion(SENTENCE)));
    let repo = Repo::new(&fake.base_url());
    std::fs::write(
        repo.guide(),
        format!(
            "[review]\non_save = false\n\n[llm]\nbase_url = \"{}\"\nmodel = \"test-model\"\napi_key_env = \"{KEY_VAR}\"\ncache = false\n",
            fake.base_url()
        ),
    )
    .unwrap();
    let (mut client, uri, text) = server(&repo, Value::Null);
    client.message_request_choice = Some(0);
    let response = client.request(
        "workspace/executeCommand",
        json!({ "command": "copydesk.trust", "arguments": [uri] }),
    );
    assert_eq!(
        response["result"],
        json!({ "trusted": true, "guide": canonical(&repo.guide()) })
    );
    assert_eq!(questions(&client).len(), 1);
    let list = common::copydesk()
        .args(["trust", "--list"])
        .env("COPYDESK_CONFIG_DIR", repo.config())
        .output()
        .unwrap();
    assert!(
        common::stdout(&list).contains(&canonical(&repo.guide())),
        "{}",
        both(&list)
    );
    // Tighten needs no further question.
    let response = tighten(&mut client, &uri, &text);
    assert_eq!(response["result"]["applied"], true, "{response}");
    assert_eq!(questions(&client).len(), 1);
    assert_eq!(fake.requests().len(), 1);

    // `copydesk untrust` in a terminal: the running server asks again before
    // its next request, and "Not now" sends nothing.
    let untrust = common::copydesk()
        .arg("untrust")
        .arg(repo.guide())
        .env("COPYDESK_CONFIG_DIR", repo.config())
        .output()
        .unwrap();
    assert!(untrust.status.success(), "{}", both(&untrust));
    // (A new version, so nothing computed for the old one is reused.)
    let text = format!("{text}\nThanks for reading.\n");
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": text }] }),
    );
    client.diagnostics(&uri, 2);
    client.message_request_choice = Some(1);
    let response = tighten(&mut client, &uri, &text);
    assert_eq!(response["result"]["applied"], false, "{response}");
    assert_eq!(questions(&client).len(), 2);
    assert_eq!(fake.requests().len(), 1, "a request left after untrust");
    client.shutdown();
}
