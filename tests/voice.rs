//! Voice profiles end to end: `copydesk voice learn/show/attribute`, the
//! guide's `[voice] profile`, voice/drift in `check`, and attribution on the
//! ten writers of ../shared/corpus/voices when it is present.

use crate::common;
use crate::lsp_client;

use std::path::{Path, PathBuf};

use common::{run_in, stderr, stdout};

/// One post in a plain voice: short sentences, contractions, "we",
/// British spelling. `seed` varies the order.
fn plain_post(seed: usize) -> String {
    const PARTS: [&str; 10] = [
        "We've shipped the new colour picker today.",
        "It's faster, and we think you'll like it.",
        "Our team spent a month on the behaviour of the menus.",
        "We didn't want a big redesign.",
        "So we kept the layout and fixed what hurt.",
        "You can organise your palettes by project now.",
        "We're still learning, so tell us what's missing.",
        "The centre panel won't jump around any more.",
        "We use the picker ourselves every day.",
        "Tell us if something feels slow.",
    ];
    let mut out = String::from("---\ntitle: Notes\n---\n\n");
    for i in 0..60 {
        out.push_str(PARTS[(seed + i * 7) % PARTS.len()]);
        out.push_str(if i % 5 == 4 { "\n\n" } else { " " });
    }
    out
}

/// A draft in another voice: long, formal, American spelling.
const FORMAL: &str = "The organization is pleased to announce that the comprehensive color management functionality, which has been developed over an extended period in close collaboration with numerous stakeholders across the enterprise, will be made available to all customers in the forthcoming quarter. Customers are encouraged to utilize the documentation, which describes the configuration options and the recommended practices for large deployments in considerable detail.\n\n";

fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::create_dir_all(dir.path().join("posts")).unwrap();
    for seed in 0..8 {
        std::fs::write(
            dir.path().join(format!("posts/{seed}.md")),
            plain_post(seed),
        )
        .unwrap();
    }
    dir
}

/// `check --select voice/drift --format json FILE` in `dir`: the report.
fn drift_report(dir: &Path, file: &str) -> String {
    let args = ["check", "--select", "voice/drift", "--format", "json", file];
    stdout(&run_in(dir, &args))
}

fn learn(dir: &Path) {
    std::fs::create_dir_all(dir.join("voices")).unwrap();
    let out = run_in(
        dir,
        &[
            "voice",
            "learn",
            "posts",
            "--name",
            "dana",
            "--output",
            "voices/dana.toml",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn learn_show_and_drift_in_check() {
    let dir = project();
    learn(dir.path());
    let profile = std::fs::read_to_string(dir.path().join("voices/dana.toml")).unwrap();
    assert!(profile.contains("version = 1"), "{profile}");
    assert!(profile.contains("name = \"dana\""), "{profile}");

    let shown = run_in(dir.path(), &["voice", "show", "voices/dana.toml"]);
    assert!(
        stdout(&shown).contains("Uses contractions in 8 of 8 posts"),
        "{}",
        stdout(&shown)
    );
    assert!(
        stdout(&shown).contains("British spelling"),
        "{}",
        stdout(&shown)
    );

    std::fs::write(
        dir.path().join("copydesk.toml"),
        "[voice]\nprofile = \"voices/dana.toml\"\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("formal.md"), FORMAL.repeat(3)).unwrap();
    std::fs::write(dir.path().join("same.md"), plain_post(3)).unwrap();
    let report = drift_report(dir.path(), "formal.md");
    assert!(report.contains("Sentences here average"), "{report}");
    assert!(report.contains("No contractions in"), "{report}");
    assert!(report.contains("American spelling"), "{report}");
    assert!(
        report.contains("Voice profile “dana” (voices/dana.toml)"),
        "{report}"
    );
    let near = drift_report(dir.path(), "same.md");
    assert!(near.contains("\"findings\":[]"), "{near}");

    // A post can turn the profile off, and an unknown one is reported.
    std::fs::write(
        dir.path().join("off.md"),
        format!("---\nvoice_profile: none\n---\n{}", FORMAL.repeat(3)),
    )
    .unwrap();
    let off = drift_report(dir.path(), "off.md");
    assert!(off.contains("\"findings\":[]"), "{off}");
    std::fs::write(
        dir.path().join("who.md"),
        "---\nvoice_profile: sam\n---\nHello.\n",
    )
    .unwrap();
    let who = drift_report(dir.path(), "who.md");
    assert!(
        who.contains("voice_profile “sam” is not one the guide loads (dana)"),
        "{who}"
    );

    let doctor = run_in(dir.path(), &["doctor"]);
    assert!(
        stdout(&doctor).contains("profile “dana” (voices/dana.toml"),
        "{}",
        stdout(&doctor)
    );
}

/// The language server loads the guide's profile, and hover on a drift
/// finding names it.
#[test]
fn hover_on_a_drift_finding_names_the_profile() {
    let dir = project();
    learn(dir.path());
    std::fs::write(
        dir.path().join("copydesk.toml"),
        "[voice]\nprofile = \"voices/dana.toml\"\n",
    )
    .unwrap();
    let text = FORMAL.repeat(3);
    let path = dir.path().join("formal.md");
    std::fs::write(&path, &text).unwrap();
    let uri = lsp_client::file_uri(&path);
    let mut client = lsp_client::LspClient::spawn(dir.path());
    client.initialize(
        lsp_client::editor_capabilities(&["utf-16"]),
        serde_json::Value::Null,
        Some(dir.path()),
    );
    client.open(&uri, "markdown", 1, &text);
    let diagnostics = client.diagnostics(&uri, 1);
    let drift = diagnostics
        .iter()
        .find(|d| d["code"] == "voice/drift")
        .unwrap_or_else(|| panic!("no voice/drift diagnostic: {diagnostics:#?}"));
    let response = client.request(
        "textDocument/hover",
        serde_json::json!({ "textDocument": { "uri": uri }, "position": drift["range"]["start"] }),
    );
    let value = response["result"]["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        value.contains("Voice profile “dana” (voices/dana.toml)"),
        "{value}"
    );
}

#[test]
fn learn_refuses_too_little_text() {
    let dir = project();
    let out = run_in(
        dir.path(),
        &[
            "voice",
            "learn",
            "posts/0.md",
            "posts/1.md",
            "posts/2.md",
            "--name",
            "dana",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    assert!(
        message.contains("too little text to learn a voice"),
        "{message}"
    );
    assert!(message.contains("more words"), "{message}");
}

#[test]
fn guide_profile_outside_the_project_is_refused() {
    let dir = project();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("dana.toml"), "version = 1\n").unwrap();
    std::fs::write(
        dir.path().join("copydesk.toml"),
        format!(
            "[voice]\nprofile = \"{}\"\n",
            outside.path().join("dana.toml").display()
        ),
    )
    .unwrap();
    std::fs::write(dir.path().join("a.md"), "Hello.\n").unwrap();
    let out = run_in(dir.path(), &["check", "a.md"]);
    assert_eq!(out.status.code(), Some(2));
    let message = stderr(&out);
    assert!(message.contains("copydesk.toml:2:"), "{message}");
    assert!(message.contains("outside the guide's project"), "{message}");
}

pub(crate) fn corpus() -> Option<PathBuf> {
    let dir = common::corpus_at("COPYDESK_VOICES_CORPUS", "voices");
    if dir.is_none() {
        common::skip("../shared/corpus/voices is absent: attribution not measured");
    }
    dir
}

/// The date in a post's `path = "…/YYYY/MM/DD/…"` front matter.
fn date_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    text.lines()
        .find_map(|line| line.strip_prefix("path = \""))
        .and_then(|rest| {
            let digits: String = rest
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '/')
                .collect();
            let parts: Vec<&str> = digits.split('/').filter(|p| !p.is_empty()).collect();
            (parts.len() >= 3).then(|| parts[..3].join("-"))
        })
        .unwrap_or_else(|| "9999".to_owned())
}

/// Learn each writer from the older half of their posts; attribute the newer
/// half. The floors are what copydesk reaches (docs/voice.md): 80% holds
/// for posts of 100+ words here, not for all posts.
#[test]
fn attribution_on_the_ten_writers() {
    let Some(root) = corpus() else { return };
    let work = tempfile::tempdir().unwrap();
    let mut profiles = Vec::new();
    let mut unseen = Vec::new();
    let mut writers: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    writers.sort();
    for writer in &writers {
        let mut posts: Vec<PathBuf> = std::fs::read_dir(writer)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        posts.sort_by_key(|p| (date_of(p), p.clone()));
        let half = posts.len().div_ceil(2);
        let name = writer.file_name().unwrap().to_str().unwrap().to_owned();
        let output = work.path().join(format!("{name}.toml"));
        let mut args: Vec<String> = vec!["voice".into(), "learn".into()];
        args.extend(posts[..half].iter().map(|p| p.display().to_string()));
        args.extend([
            "--name".into(),
            name.clone(),
            "--output".into(),
            output.display().to_string(),
            "--min-words".into(),
            "500".into(),
        ]);
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run_in(work.path(), &refs);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        profiles.push(output);
        unseen.extend(posts[half..].iter().map(|p| (name.clone(), p.clone())));
    }
    let mut args: Vec<String> = vec!["voice".into(), "attribute".into()];
    for p in &profiles {
        args.extend(["--profile".into(), p.display().to_string()]);
    }
    args.extend(unseen.iter().map(|(_, p)| p.display().to_string()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run_in(work.path(), &refs);
    assert!(out.status.success(), "{}", stderr(&out));
    let (mut right, mut total, mut right_long, mut long) = (0, 0, 0, 0);
    let (mut right_100, mut over_100) = (0, 0);
    for line in stdout(&out).lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        let writer = Path::new(fields[0])
            .parent()
            .unwrap()
            .file_name()
            .unwrap()
            .to_str()
            .unwrap();
        let words: usize = fields[2].parse().unwrap();
        total += 1;
        right += usize::from(writer == fields[1]);
        if words >= 100 {
            over_100 += 1;
            right_100 += usize::from(writer == fields[1]);
        }
        if words >= 1000 {
            long += 1;
            right_long += usize::from(writer == fields[1]);
        }
    }
    assert_eq!(total, unseen.len());
    let share = right as f64 / total as f64;
    let share_long = right_long as f64 / long.max(1) as f64;
    eprintln!(
        "attribution: {right}/{total} all, {right_100}/{over_100} of 100+ words, {right_long}/{long} of 1,000+ words"
    );
    assert!(share >= 0.70, "attribution {right}/{total}");
    assert!(
        right_100 * 5 >= over_100 * 4,
        "attribution of posts of 100+ words {right_100}/{over_100}"
    );
    assert!(
        share_long >= 0.80,
        "attribution of long posts {right_long}/{long}"
    );
}
