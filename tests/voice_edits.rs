//! Edits in the writer's voice (issue 18, parts 3 and 5): the guard's
//! profile check on the labelled guard set, and which profile is in effect,
//! as the language server's hover, `copydesk doctor` and the `serve` page
//! show it.

use crate::common;
use crate::fake_openai;
use crate::lsp_client;

use crate::guard_set::set;
use set::voices;

use common::{run_in, stderr, stdout};
use copydesk::llm::Rejection;
use copydesk::llm::guard::Checks;
use fake_openai::{FakeServer, completion};
use serde_json::json;

/// Every pair labelled with a writer's profile gets its label, and each
/// rejection is the profile check's, naming the profile.
#[test]
fn labelled_voice_pairs_are_judged_against_their_writers_profile() {
    let checker = set::checker();
    let pairs = set::load();
    let voiced: Vec<&set::Pair> = pairs.iter().filter(|p| p.profile.is_some()).collect();
    assert!(voiced.len() >= 12, "{} pairs with a profile", voiced.len());
    let mut only_with_profile = Vec::new();
    for pair in &voiced {
        let name = pair.profile.as_deref().unwrap_or_default();
        let verdict = pair.check(&checker, Checks::All);
        if pair.verdict == "accept" {
            assert_eq!(verdict, Ok(()), "{}", pair.id);
            continue;
        }
        match verdict {
            Err(Rejection::Voice { profile, change }) => {
                assert_eq!(profile, name, "{}", pair.id);
                let reason = Rejection::Voice { profile, change }.to_string();
                assert!(
                    reason.ends_with(&format!("(voice profile “{name}”)")),
                    "{}: {reason}",
                    pair.id
                );
            }
            other => panic!("{}: not rejected by the profile check: {other:?}", pair.id),
        }
        if pair.check_in_voice(&checker, Checks::All, None).is_ok() {
            only_with_profile.push(pair.id.as_str());
        }
    }
    eprintln!("caught only with the profile: {only_with_profile:?}");
    // Each class has a case the guard let through before profiles.
    for class in [
        "voice-longer-sentences",
        "voice-connective",
        "voice-copied-example",
    ] {
        assert!(
            voiced
                .iter()
                .any(|p| p.class.as_deref() == Some(class)
                    && only_with_profile.contains(&p.id.as_str())),
            "no {class} case that only the profile check catches"
        );
    }
    // Every class in both actions where it applies (a Bridge option has no
    // contractions of the original to drop; the copied examples are real
    // Bridge answers).
    for (class, kinds) in [
        ("voice-contractions", &["tighten"][..]),
        ("voice-longer-sentences", &["tighten", "bridge"][..]),
        ("voice-person", &["tighten", "bridge"][..]),
        ("voice-connective", &["tighten", "bridge"][..]),
        ("voice-copied-example", &["bridge"][..]),
    ] {
        for kind in kinds {
            assert!(
                voiced
                    .iter()
                    .any(|p| p.class.as_deref() == Some(class) && p.kind == *kind),
                "no {kind} pair of class {class}"
            );
        }
    }
}

/// The good rewrites of the set (those naming no profile) that the guard
/// accepts without a profile.
fn kept_without_profile<'a>(
    pairs: &'a [set::Pair],
    checker: &copydesk::check::Checker,
) -> Vec<&'a set::Pair> {
    pairs
        .iter()
        .filter(|p| p.verdict == "accept" && p.profile.is_none())
        .filter(|p| p.check_in_voice(checker, Checks::All, None).is_ok())
        .collect()
}

/// Precision over recall: every good Tighten rewrite the guard kept without
/// a profile is still kept with either writer's profile in effect, and
/// every good Bridge option with the plain writer's, whose voice (“we”,
/// contractions, short sentences) most of the set is written in. The
/// formal writer's profile may refuse a transition that is fine in general
/// but not theirs (one that brings in “we”; docs/voice.md gives the
/// figures).
#[test]
fn the_profile_check_keeps_the_good_rewrites_the_guard_kept() {
    let checker = set::checker();
    let pairs = set::load();
    let kept = kept_without_profile(&pairs, &checker);
    assert!(kept.len() >= 60, "{} good rewrites kept", kept.len());
    let bridges = kept.iter().filter(|p| p.kind == "bridge").count();
    for profile in set::profiles() {
        let lost: Vec<String> = kept
            .iter()
            .filter_map(|p| {
                p.check_in_voice(&checker, Checks::All, Some(profile))
                    .err()
                    .map(|reason| format!("{}: {reason}", p.id))
            })
            .collect();
        eprintln!(
            "profile {}: {} of {} good rewrites still kept ({bridges} of them Bridge options); lost: {lost:#?}",
            profile.name,
            kept.len() - lost.len(),
            kept.len()
        );
        let lost_tighten: Vec<&String> = lost
            .iter()
            .filter(|line| {
                kept.iter()
                    .any(|p| p.kind == "tighten" && line.starts_with(&format!("{}: ", p.id)))
            })
            .collect();
        assert!(
            lost_tighten.is_empty(),
            "{}: {lost_tighten:#?}",
            profile.name
        );
        if profile.name == "plain" {
            assert!(lost.is_empty(), "{lost:#?}");
        }
    }
}

/// A project with the two writers of benches/guard/voices.rs learned into
/// `voices/plain.toml` and `voices/formal.toml`, and a guide that makes
/// "plain" every post's profile and lets a post pick "formal". `extra` is
/// appended to the guide.
fn project(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::create_dir_all(dir.path().join("voices")).unwrap();
    for (name, posts) in voices::writers() {
        let folder = dir.path().join("posts").join(name);
        std::fs::create_dir_all(&folder).unwrap();
        for (i, post) in posts.iter().enumerate() {
            std::fs::write(folder.join(format!("{i}.md")), post).unwrap();
        }
        let output = format!("voices/{name}.toml");
        let folder = format!("posts/{name}");
        let out = run_in(
            dir.path(),
            &[
                "voice", "learn", &folder, "--name", name, "--output", &output,
            ],
        );
        assert!(out.status.success(), "{}", stderr(&out));
    }
    std::fs::write(
        dir.path().join("copydesk.toml"),
        format!(
            "[voice]\nprofile = \"voices/plain.toml\"\nprofiles = [\"voices/formal.toml\"]\n{extra}"
        ),
    )
    .unwrap();
    dir
}

/// A draft with a finding from the built-in rules ("in order to") and no
/// drift.
const DRAFT: &str = "We sort the palettes in order to find them.\n";
const FORMAL_DRAFT: &str =
    "---\nvoice_profile: formal\n---\nWe sort the palettes in order to find them.\n";

#[test]
fn doctor_names_the_profile_in_effect_and_where_it_was_chosen() {
    let dir = project("");
    std::fs::write(dir.path().join("post.md"), DRAFT).unwrap();
    std::fs::write(dir.path().join("formal.md"), FORMAL_DRAFT).unwrap();
    let out = run_in(dir.path(), &["doctor"]);
    let text = stdout(&out);
    assert!(
        text.contains("voice:     profile “plain” (voices/plain.toml, 8 posts,"),
        "{text}"
    );
    assert!(text.contains("from the guide's [voice] profile"), "{text}");
    let out = run_in(dir.path(), &["doctor", "formal.md"]);
    let text = stdout(&out);
    assert!(
        text.contains(
            "formal.md: Voice profile “formal” (voices/formal.toml), from this post's front matter (voice_profile)"
        ),
        "{text}"
    );
    let out = run_in(dir.path(), &["doctor", "post.md"]);
    assert!(
        stdout(&out).contains(
            "post.md: Voice profile “plain” (voices/plain.toml), from the guide's [voice] profile"
        ),
        "{}",
        stdout(&out)
    );
}

/// Hover anywhere there is something to show names the profile in its
/// header: the guide's, or the one the post's front matter picks.
#[test]
fn hover_names_the_profile_and_its_source() {
    let dir = project("");
    let mut client = lsp_client::LspClient::spawn(dir.path());
    client.initialize(
        lsp_client::editor_capabilities(&["utf-16"]),
        serde_json::Value::Null,
        Some(dir.path()),
    );
    for (file, text, header) in [
        (
            "post.md",
            DRAFT,
            "*Voice profile “plain” (voices/plain.toml), from the guide's [voice] profile*",
        ),
        (
            "formal.md",
            FORMAL_DRAFT,
            "*Voice profile “formal” (voices/formal.toml), from this post's front matter (voice_profile)*",
        ),
    ] {
        let path = dir.path().join(file);
        std::fs::write(&path, text).unwrap();
        let uri = lsp_client::file_uri(&path);
        client.open(&uri, "markdown", 1, text);
        let diagnostics = client.diagnostics(&uri, 1);
        let finding = diagnostics
            .iter()
            .find(|d| {
                d["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("in order to"))
            })
            .unwrap_or_else(|| panic!("no finding on “in order to”: {diagnostics:#?}"));
        let response = client.request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": finding["range"]["start"] }),
        );
        let value = response["result"]["contents"]["value"]
            .as_str()
            .unwrap_or_default();
        assert!(value.starts_with(header), "{file}: {value}");
    }
}

/// The drift finding's note (shown on hover) says where the profile came
/// from too.
#[test]
fn the_drift_note_names_the_source() {
    let dir = project("");
    let long = voices::posts(voices::FORMAL, 1, 12).remove(0);
    std::fs::write(dir.path().join("long.md"), &long).unwrap();
    let out = run_in(
        dir.path(),
        &[
            "check",
            "--select",
            "voice/drift",
            "--format",
            "json",
            "long.md",
        ],
    );
    let report = stdout(&out);
    assert!(
        report.contains(
            "Voice profile “plain” (voices/plain.toml), from the guide's [voice] profile"
        ),
        "{report}"
    );
}

/// The page's JSON: /api/info carries the guide's profile, /api/check the
/// one in effect for the post sent.
#[test]
fn the_serve_api_carries_the_profile_for_the_page_header() {
    let dir = project("");
    let served = crate::serve::serve_with(dir.path(), None, &[]);
    let info = crate::serve::get(&served, "/api/info").json();
    assert_eq!(info["voice"]["name"], "plain");
    assert_eq!(info["voice"]["path"], "voices/plain.toml");
    assert_eq!(info["voice"]["source"], "guide");
    let reply = crate::serve::post(&served, "/api/check", &json!({ "text": FORMAL_DRAFT }));
    assert_eq!(reply.status, 200, "{}", reply.body);
    let voice = &reply.json()["voice"];
    assert_eq!(voice["name"], "formal");
    assert_eq!(voice["source"], "front matter");
    let reply = crate::serve::post(
        &served,
        "/api/check",
        &json!({ "text": "---\nvoice_profile: none\n---\nHello there.\n" }),
    );
    assert!(reply.json()["voice"].is_null(), "{}", reply.body);
    let reply = crate::serve::post(
        &served,
        "/api/check",
        &json!({ "text": "---\nvoice_profile: kim\n---\nHello there.\n" }),
    );
    assert_eq!(reply.json()["voice"]["unknown"], "kim");
    // The page shows it.
    let script = crate::serve::get(&served, "/assets/app.js").body;
    assert!(
        script.contains("showVoice(result.voice)"),
        "the page does not show the profile"
    );
}

const PARAGRAPH: &str = "We've basically just finished the new export menu, and we're really very happy with it. You'll find it in the top bar.";
const SECOND: &str = "We're really very excited that the picker is basically finished now. You'll find it in the top bar.";
const SECOND_TIGHT: &str =
    "We're excited that the picker is finished now. You'll find it in the top bar.";

/// The system message of a chat request.
fn system_message(request: &fake_openai::Recorded) -> String {
    request.json()["messages"][0]["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

/// The lines of a prompt that are one of `sentences`, listed.
fn listed(prompt: &str, sentences: &[&str]) -> usize {
    prompt
        .lines()
        .filter(|line| {
            line.strip_prefix("- ")
                .is_some_and(|s| sentences.contains(&s))
        })
        .count()
}

/// `copydesk suggest`: the Tighten prompt carries the sentences of the
/// profile in effect, a rewrite that drops the writer's contractions is
/// refused with the profile named, and another profile misses the cache.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suggest_writes_in_the_profile_in_effect() {
    let server = FakeServer::start(|request, _| {
        // The whole conversation: a retry's last message is the reason.
        if request.body.contains("We've basically") {
            // Out of the plain writer's voice: no contractions left.
            completion(
                "We have finished the new export menu, and we are happy with it. It is in the top bar.",
            )
        } else {
            completion(SECOND_TIGHT)
        }
    })
    .await;
    let config = tempfile::tempdir().unwrap();
    let dir = project(&format!(
        "[llm]\nbase_url = \"{}\"\nmodel = \"test-model\"\ntimeout_secs = 5\n",
        server.base_url()
    ));
    common::trust(config.path(), &dir.path().join("copydesk.toml"));
    let write = |file: &str, text: String| std::fs::write(dir.path().join(file), text).unwrap();
    write("post.md", format!("{PARAGRAPH}\n"));
    write("second.md", format!("{SECOND}\n"));
    write(
        "formal.md",
        format!("---\nvoice_profile: formal\n---\n{SECOND}\n"),
    );
    let suggest = |file: &str| {
        let dir = dir.path().to_owned();
        let config = config.path().to_owned();
        let file = file.to_owned();
        async move {
            let output = tokio::task::spawn_blocking(move || {
                common::copydesk()
                    .args(["suggest", "--tighten", "--format", "json", &file])
                    .current_dir(&dir)
                    .env("NO_COLOR", "1")
                    .env("COPYDESK_CACHE_DIR", config.join("cache"))
                    .env("COPYDESK_CONFIG_DIR", &config)
                    .output()
                    .expect("copydesk runs")
            })
            .await
            .unwrap();
            let report: serde_json::Value = serde_json::from_slice(&output.stdout)
                .unwrap_or_else(|e| panic!("{e}: {}", stderr(&output)));
            report["files"][0].clone()
        }
    };

    let report = suggest("post.md").await;
    let reason = report["skipped"][0]["reason"].as_str().unwrap_or_default();
    assert!(
        reason.starts_with("no safe suggestion: the rewrite removes the contractions (“we've”, “we're”, “you'll”); you use them in 8 of 8 posts"),
        "{report}"
    );
    assert!(reason.ends_with("(voice profile “plain”)"), "{reason}");
    let requests = server.requests();
    let prompt = system_message(&requests[0]);
    assert!(prompt.contains("How this writer writes"), "{prompt}");
    assert_eq!(listed(&prompt, voices::PLAIN), 3, "{prompt}");
    assert_eq!(listed(&requests[0].last_user_message(), voices::PLAIN), 0);
    // The retry tells the model why.
    let retry = requests[1].last_user_message();
    assert!(retry.contains("you use them in 8 of 8 posts"), "{retry}");

    // A rewrite in the writer's voice is offered, and cached.
    let report = suggest("second.md").await;
    assert_eq!(
        report["suggestions"][0]["replacement"], SECOND_TIGHT,
        "{report}"
    );
    let after_second = server.requests().len();
    let report = suggest("second.md").await;
    assert_eq!(
        report["suggestions"][0]["replacement"], SECOND_TIGHT,
        "{report}"
    );
    assert_eq!(
        server.requests().len(),
        after_second,
        "served from the cache"
    );

    // The same paragraph in a post that picks the formal writer misses the
    // cache: the model is asked, with that writer's sentences.
    let report = suggest("formal.md").await;
    let requests = server.requests();
    assert_eq!(requests.len(), after_second + 1, "{report}");
    let prompt = system_message(&requests[after_second]);
    assert_eq!(listed(&prompt, voices::FORMAL), 3, "{prompt}");
    assert_eq!(listed(&prompt, voices::PLAIN), 0, "{prompt}");
}

/// The same on real writers: each writer of ../shared/corpus/voices learned
/// from all their posts keeps every good rewrite the guard kept without a
/// profile (Tighten and Bridge), when the corpus is present.
#[test]
fn real_writers_profiles_keep_the_good_rewrites() {
    let Some(root) = crate::voice::corpus() else {
        return;
    };
    let checker = set::checker();
    let pairs = set::load();
    let kept = kept_without_profile(&pairs, &checker);
    let mut writers: Vec<std::path::PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    writers.sort();
    assert!(writers.len() >= 10, "{writers:?}");
    for writer in &writers {
        let documents: Vec<copydesk::document::Document> = std::fs::read_dir(writer)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .map(|p| {
                copydesk::document::Document::parse(
                    std::fs::read_to_string(&p).unwrap(),
                    copydesk::document::DocumentKind::Markdown,
                )
            })
            .collect();
        let name = writer.file_name().unwrap().to_string_lossy().into_owned();
        let profile = copydesk::voice::learn(&name, &documents, 500).unwrap();
        let lost: Vec<String> = kept
            .iter()
            .filter_map(|p| {
                p.check_in_voice(&checker, Checks::All, Some(&profile))
                    .err()
                    .map(|reason| format!("{}: {reason}", p.id))
            })
            .collect();
        assert!(lost.is_empty(), "{name}: {lost:#?}");
    }
}
