//! A real local model end to end: llama.cpp's `llama-server` with
//! SmolLM2-135M-Instruct (installed by scripts/setup/40-llama.sh), asked for
//! Tighten and Bridge through `copydesk suggest`. The assertions are on the
//! guard's outcome, never on the model's exact words: either a guarded
//! suggestion whose facts are intact, or a clean "no safe suggestion" with
//! its reason.

mod common;

use std::time::Instant;

const WORDY: &str = "We are really very excited to announce that, in order to better serve our 12,000 customers in Berlin, we will be opening a brand new office on 3 March. It is basically going to be a really great place where all of our team members can actually work together in person.";
const FIRST: &str =
    "Our support team answered 12,000 tickets this quarter, most of them within an hour.";
const SECOND: &str =
    "Lisbon will host the partner summit in October, with two days of talks and workshops.";

fn words(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

#[test]
fn tighten_and_bridge_with_a_real_local_model() {
    let Some(server) = common::require_tool("llama-server", "COPYDESK_LLAMA_SERVER") else {
        return;
    };
    let Some(model) = common::llama::require_model() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let port = common::llama::free_port();
    let started = Instant::now();
    let _server = common::llama::start(&server, &model, port, &dir.path().join("llama.log"));
    eprintln!("llama-server ready in {:?}", started.elapsed());

    std::fs::write(
        dir.path().join("copydesk.toml"),
        format!(
            "[llm]\nbase_url = \"http://127.0.0.1:{port}/v1\"\nmodel = \"smollm2\"\ntimeout_secs = 120\nmax_concurrency = 1\ntemperature = 0.2\n"
        ),
    )
    .unwrap();
    let post = format!("# Launch\n\n{WORDY}\n\n## Partners\n\n{FIRST}\n\n{SECOND}\n");
    std::fs::write(dir.path().join("post.md"), &post).unwrap();

    let doctor = common::copydesk()
        .arg("doctor")
        .current_dir(dir.path())
        .env("COPYDESK_CACHE_DIR", dir.path().join("cache"))
        .output()
        .unwrap();
    let doctor_out = common::stdout(&doctor);
    assert!(doctor_out.contains("answers:   yes"), "{doctor_out}");

    let started = Instant::now();
    let output = common::copydesk()
        .args(["suggest", "--format", "json", "post.md"])
        .current_dir(dir.path())
        .env("COPYDESK_CACHE_DIR", dir.path().join("cache"))
        .output()
        .unwrap();
    eprintln!(
        "copydesk suggest took {:?}\nstderr: {}",
        started.elapsed(),
        common::stderr(&output)
    );
    assert_eq!(output.status.code(), Some(0), "{}", common::stderr(&output));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let file = &json["files"][0];
    assert!(file["error"].is_null(), "{file}");
    let suggestions = file["suggestions"].as_array().unwrap();
    let skipped = file["skipped"].as_array().unwrap();

    // Tighten: a guarded suggestion with every fact intact, or a clean refusal.
    let tighten: Vec<_> = suggestions
        .iter()
        .filter(|s| s["action"] == "tighten")
        .collect();
    let tighten_skipped: Vec<_> = skipped
        .iter()
        .filter(|s| s["action"] == "tighten")
        .collect();
    assert_eq!(tighten.len() + tighten_skipped.len(), 1, "{file}");
    for suggestion in &tighten {
        let replacement = suggestion["replacement"].as_str().unwrap();
        assert_eq!(suggestion["original"], WORDY);
        for fact in ["12,000", "Berlin", "3", "March"] {
            assert!(replacement.contains(fact), "lost “{fact}”: {replacement}");
        }
        assert!(words(replacement) * 10 <= words(WORDY) * 9, "{replacement}");
        assert_eq!(suggestion["provenance"]["model"], "smollm2");
        eprintln!("Tighten: {replacement}");
    }
    for skip in &tighten_skipped {
        let reason = skip["reason"].as_str().unwrap();
        assert!(reason.starts_with("no safe suggestion: "), "{reason}");
        eprintln!("Tighten: {reason}");
    }

    // Bridge: 1–3 one-sentence options of at most 30 words, or a clean refusal.
    let bridge: Vec<_> = suggestions
        .iter()
        .filter(|s| s["action"] == "bridge")
        .collect();
    let bridge_skipped: Vec<_> = skipped.iter().filter(|s| s["action"] == "bridge").collect();
    assert!(
        (1..=3).contains(&bridge.len()) || bridge_skipped.len() == 1,
        "{file}"
    );
    let insert_at = post.find(SECOND).unwrap();
    for suggestion in &bridge {
        let option = suggestion["replacement"].as_str().unwrap();
        assert!(words(option) <= 30, "{option}");
        assert_eq!(suggestion["range"]["start"], insert_at);
        assert_eq!(suggestion["range"]["end"], insert_at);
        eprintln!("Bridge: {option}");
    }
    for skip in &bridge_skipped {
        let reason = skip["reason"].as_str().unwrap();
        assert!(reason.starts_with("no safe suggestion: "), "{reason}");
        eprintln!("Bridge: {reason}");
    }
}
