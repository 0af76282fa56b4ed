//! End to end in real Neovim 0.11, headless: the plugin (repository root)
//! starts `copydesk lsp`, diagnostics arrive, the preferred quick fix and
//! `:CopydeskFixAll` change the text, and the written files say so; the
//! model commands and keymaps (Tighten, Bridge) against a test model server.
//! `scripts/setup/30-neovim.sh` installs Neovim and sets `COPYDESK_NVIM`.

use crate::common;
use crate::fake_openai;

use crate::common::nvim::run as run_nvim;

use std::path::PathBuf;

// "In order to" opens the sentence, so its fix is Safe (after a noun it
// would be Unsafe and not the preferred quick fix).
const POST: &str = "# Launch\n\nWe rebuilt the editor 😀. In order to ship faster, we cut scope.\n";

const FIX_ALL_POST: &str =
    "# Notes\n\nThe end result is a tool that Github users like.\n\nWe did it in order to help.\n";

#[test]
fn neovim_applies_a_quick_fix_and_fix_all() {
    let Some(nvim) = common::require_tool("nvim", "COPYDESK_NVIM") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::write(root.join("copydesk.toml"), "# test guide\n").expect("guide");
    let post = root.join("post.md");
    let fix_all = root.join("fix-all.md");
    std::fs::write(&post, POST).expect("post");
    std::fs::write(&fix_all, FIX_ALL_POST).expect("post");
    let stderr = run_nvim(
        &nvim,
        "tests/nvim/e2e.lua",
        root,
        &[
            ("COPYDESK_POST", &post),
            ("COPYDESK_FIX_ALL_POST", &fix_all),
        ],
    );

    assert_eq!(
        std::fs::read_to_string(&post).expect("read"),
        "# Launch\n\nWe rebuilt the editor 😀. To ship faster, we cut scope.\n",
        "{stderr}"
    );
    // :CopydeskFixAll gives what `copydesk check --fix` gives.
    let expected = root.join("expected.md");
    std::fs::write(&expected, FIX_ALL_POST).expect("write");
    common::run_in(root, &["check", "--fix", "expected.md"]);
    let expected = std::fs::read_to_string(&expected).expect("read");
    assert_ne!(expected, FIX_ALL_POST);
    assert_eq!(
        std::fs::read_to_string(&fix_all).expect("read"),
        expected,
        "{stderr}"
    );
}

/// A runtime for the test model server.
fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime")
}

const WORDY: &str = "We are really very excited to announce that, in order to better serve our 12,000 customers in Berlin, we will be opening a brand new office on 3 March. You can read all about it at https://acme.example/berlin.";
const TIGHT: &str = "To better serve our 12,000 customers in Berlin, we open a new office on 3 March. You can read all about it at https://acme.example/berlin.";
const FIRST: &str =
    "Our support team answered 12,000 tickets this quarter, most of them within an hour.";
const SECOND: &str =
    "Lisbon will host the partner summit in October, with two days of talks and workshops.";
const TRANSITION: &str = "Partners help us keep that pace.";
const SELECTED: &str = "It was 😀 basically a really great day for all of us.";

#[test]
fn neovim_tightens_and_bridges_with_the_model_commands_and_keymaps() {
    let Some(nvim) = common::require_tool("nvim", "COPYDESK_NVIM") else {
        return;
    };
    let runtime = runtime();
    // Review requests (they carry a JSON schema) get one finding; the
    // others, in the order the script asks: the paragraph, the transition,
    // the selection.
    let rewrites = std::sync::atomic::AtomicUsize::new(0);
    let model = runtime.block_on(fake_openai::FakeServer::start(move |request, _| {
        if request.body.contains("\"response_format\"") {
            return fake_openai::completion(
                &serde_json::json!({ "findings": [{
                    "question": "puffery", "paragraph": 1, "quote": "the partner summit in October",
                    "reason": "Says nothing the reader can use.", "confidence": "high", "rewrite": null
                }] })
                .to_string(),
            );
        }
        match rewrites.fetch_add(1, std::sync::atomic::Ordering::SeqCst) {
            0 => fake_openai::completion(TIGHT),
            1 => fake_openai::completion(TRANSITION),
            _ => fake_openai::completion("a great day for all of us"),
        }
    }));
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    // No [llm] here: the model comes from the plugin's settings. Review
    // runs on :CopydeskReview only, so the script knows what asked for it.
    std::fs::write(
        root.join("copydesk.toml"),
        "# test guide\n[review]\non_save = false\n",
    )
    .expect("guide");
    let post = root.join("post.md");
    let text = format!(
        "# Launch\n\n{WORDY}\n\n## Partners\n\n{FIRST}\n\n{SECOND}\n\n## Team\n\n{SELECTED}\n"
    );
    std::fs::write(&post, &text).expect("post");
    let url = PathBuf::from(model.base_url());
    let stderr = run_nvim(
        &nvim,
        "tests/nvim/model.lua",
        root,
        &[("COPYDESK_POST", &post), ("COPYDESK_MODEL_URL", &url)],
    );
    let expected = text
        .replace(WORDY, TIGHT)
        .replace(SECOND, &format!("{TRANSITION} {SECOND}"))
        .replace(
            "basically a really great day for all of us",
            "a great day for all of us",
        );
    assert_eq!(
        std::fs::read_to_string(&post).expect("read"),
        expected,
        "{stderr}"
    );
    let requests = model.requests();
    let reviews = requests
        .iter()
        .filter(|r| r.body.contains("\"response_format\""))
        .count();
    assert_eq!(requests.len() - reviews, 3, "{stderr}");
    assert!(reviews >= 1, "{stderr}");
    assert!(
        stderr.contains("step: :CopydeskReview! published the model's finding"),
        "{stderr}"
    );
}

#[test]
fn neovim_asks_before_a_guides_model_and_trust_records_consent() {
    let Some(nvim) = common::require_tool("nvim", "COPYDESK_NVIM") else {
        return;
    };
    let runtime = runtime();
    let model = runtime.block_on(fake_openai::FakeServer::always(fake_openai::completion(
        TIGHT,
    )));
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    // The model comes from the folder's guide: untrusted until allowed.
    std::fs::write(
        root.join("copydesk.toml"),
        format!(
            "[review]\non_save = false\n\n[llm]\nbase_url = \"{}\"\nmodel = \"test-model\"\ncache = false\n",
            model.base_url()
        ),
    )
    .expect("guide");
    let post = root.join("post.md");
    let text = format!("# Launch\n\n{WORDY}\n");
    std::fs::write(&post, &text).expect("post");
    let config = root.join("copydesk-config");
    let stderr = run_nvim(
        &nvim,
        "tests/nvim/trust.lua",
        root,
        &[("COPYDESK_POST", &post), ("COPYDESK_CONFIG_DIR", &config)],
    );
    assert_eq!(
        std::fs::read_to_string(&post).expect("read"),
        text.replace(WORDY, TIGHT),
        "{stderr}"
    );
    // Only the request after "Allow" reached the model.
    assert_eq!(model.requests().len(), 1, "{stderr}");
    let store = std::fs::read_to_string(config.join("trust.toml")).expect("consent recorded");
    assert!(store.contains(&model.base_url()), "{store}");
}
