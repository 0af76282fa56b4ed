//! The share/* rules (their fixtures run with every rule's, in
//! `tests/rules.rs`): fixes, guide keys, the CLI's `--platform`, masking of
//! personal data in every output format, and key-message indexing speed.

use crate::common;
use crate::rules::fixture_post;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{run_in, stderr, stdout};
use copydesk::check::{CheckOptions, Checker};
use copydesk::document::DocumentKind;
use copydesk::fix::Applicability;
use copydesk::guide::{Guide, GuideSource};
use copydesk::output::{
    CheckstylePrinter, ConcisePrinter, FileReport, GithubPrinter, HumanPrinter, JsonLinesPrinter,
    JsonPrinter, JunitPrinter, Printer, SarifPrinter, Summary,
};
use copydesk::rules::registry;
use copydesk::{Finding, Severity};
use proptest::prelude::*;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/share")
}

/// The share/* fixtures' guide (`tests/fixtures/rules/share/copydesk.toml`),
/// loaded from disk with its key messages.
fn fixture_guide() -> Arc<Guide> {
    static GUIDE: std::sync::LazyLock<Arc<Guide>> = std::sync::LazyLock::new(|| {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules/share/copydesk.toml");
        Arc::new(Guide::load(&path).expect("the fixture guide loads"))
    });
    Arc::clone(&GUIDE)
}

fn checker(guide: Arc<Guide>, select: &[&str], platforms: &[&str]) -> Checker {
    common::share_checker(guide, select, platforms)
}

fn guide_from(text: &str) -> Arc<Guide> {
    Arc::new(
        Guide::from_source(text, GuideSource::File(PathBuf::from("copydesk.toml")))
            .expect("test guide is valid"),
    )
}

/// Findings of `rule` in `text`, checked with the fixture guide.
fn findings(text: &str, rule: &str) -> Vec<Finding> {
    checker(fixture_guide(), &[rule], &[])
        .check_text(text, DocumentKind::Markdown)
        .1
}

/// The source text each finding covers.
#[track_caller]
fn assert_flags(text: &str, rule: &str, expected: &[&str]) {
    let found = findings(text, rule);
    let flagged: Vec<&str> = found.iter().map(|f| &text[f.span.clone()]).collect();
    assert_eq!(flagged, expected, "{rule} in {text:?}: {found:#?}");
}

/// With the sharing rules on, and a platform set, realistic clean posts
/// still produce no warnings or errors (length aside: most are too long for
/// X on purpose).
#[test]
fn clean_posts_stay_clean_with_the_sharing_rules() {
    let clean = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean");
    let checker = checker(Guide::builtin(), &["share"], &["linkedin"]);
    let mut checked = 0;
    for entry in std::fs::read_dir(clean).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let (document, found) = checker.check_text(&text, DocumentKind::from_path(&path));
        let loud: Vec<String> = found
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .map(|f| {
                let line = document.line_column(f.span.start).0;
                format!("{}:{line}: {} {}", path.display(), f.rule, f.message)
            })
            .collect();
        assert!(loud.is_empty(), "false positives:\n{}", loud.join("\n"));
        checked += 1;
    }
    assert!(checked >= 10);
}

/// Realistic posts for each platform, checked with every rule and the
/// fixtures' guide (employer, competitors, disclosures): no warnings.
#[test]
fn realistic_platform_posts_have_no_warnings() {
    let checker = checker(fixture_guide(), &[], &[]);
    let mut checked = 0;
    for entry in std::fs::read_dir(root().join("clean")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let (document, found) = checker.check_text(&text, DocumentKind::Markdown);
        let loud: Vec<String> = found
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .map(|f| {
                let line = document.line_column(f.span.start).0;
                format!("{}:{line}: {} {}", path.display(), f.rule, f.message)
            })
            .collect();
        assert!(loud.is_empty(), "false positives:\n{}", loud.join("\n"));
        checked += 1;
    }
    assert!(checked >= 5);
}

// -------------------------------------------------------- targeted checks

#[test]
fn x_counts_weighted_and_names_the_platform() {
    let text = format!("---\nplatform: x\n---\n{}", "東".repeat(141));
    let found = findings(&text, "share/length-limit");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].message, "282/280 weighted characters on X");
    // The finding starts where X would cut: after 140 characters.
    let cut = text.find('東').unwrap() + 140 * '東'.len_utf8();
    assert_eq!(found[0].span.start, cut);
}

#[test]
fn several_platforms_report_each_once() {
    let text = format!(
        "---\nplatforms: [x, bluesky, linkedin]\n---\n{}",
        "word ".repeat(70)
    );
    let messages: Vec<String> = findings(&text, "share/length-limit")
        .into_iter()
        .map(|f| f.message)
        .collect();
    assert_eq!(
        messages,
        [
            "349/280 weighted characters on X",
            "349/300 characters on Bluesky"
        ]
    );
}

#[test]
fn platform_comes_from_front_matter_then_options_then_guide() {
    let long = "word ".repeat(70);
    let guide = guide_from("[sharing]\nplatforms = [\"bluesky\"]\n");
    let message = |text: &str, platforms: &[&str]| -> Vec<String> {
        checker(Arc::clone(&guide), &["share/length-limit"], platforms)
            .check_text(text, DocumentKind::Markdown)
            .1
            .into_iter()
            .map(|f| f.message)
            .collect()
    };
    assert_eq!(message(&long, &[]), ["349/300 characters on Bluesky"]);
    assert_eq!(message(&long, &["x"]), ["349/280 weighted characters on X"]);
    let front = format!("---\nplatform: linkedin\n---\n{long}");
    assert_eq!(message(&front, &["x"]), Vec::<String>::new());
    // No platform anywhere: platform-specific rules are silent.
    let none = checker(Guide::builtin(), &["share"], &[]);
    let (_, found) = none.check_text(
        &format!("{long} #a #b #c #d #e #f #g"),
        DocumentKind::Markdown,
    );
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn guide_limits_override_the_built_in_table() {
    let guide = guide_from(
        "[sharing]\nplatforms = [\"mastodon\", \"intranet\"]\n[sharing.limits.mastodon]\nmax_chars = 1000\n[sharing.limits.intranet]\nmax_chars = 100\ncounting = \"graphemes\"\n",
    );
    let text = "word ".repeat(120);
    let (_, found) =
        checker(guide, &["share/length-limit"], &[]).check_text(&text, DocumentKind::Markdown);
    let messages: Vec<&str> = found.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(messages, ["599/100 characters on intranet"]);
}

#[test]
fn tracking_parameters_are_removed_safely() {
    let text = "---\nplatform: x\n---\nRead it: https://example.com/r?utm_source=li&id=7 or [here](https://example.com/s?gclid=1#top).\n";
    let fixed = checker(fixture_guide(), &["share/links"], &[]).fix_text(
        text,
        DocumentKind::Markdown,
        Applicability::Safe,
    );
    assert_eq!(
        fixed.text,
        "---\nplatform: x\n---\nRead it: https://example.com/r?id=7 or [here](https://example.com/s#top).\n"
    );
    assert!(fixed.findings.is_empty());
}

#[test]
fn hashtag_casing_fix_is_unsafe_only_from_the_guide() {
    let found = findings(
        "---\nplatform: linkedin\n---\nGo #customeradvocacy and #remotework!",
        "share/hashtags",
    );
    let fixes: Vec<(Applicability, &str)> = found
        .iter()
        .flat_map(|f| f.fixes.iter().map(|x| (x.applicability, x.title.as_str())))
        .collect();
    assert_eq!(
        fixes,
        [
            (Applicability::Unsafe, "Write “#CustomerAdvocacy”"),
            (Applicability::DisplayOnly, "Write “#RemoteWork”"),
        ]
    );
    assert_flags(
        "#sustainability #marketing #AI #teamwork",
        "share/hashtags",
        &[],
    );
}

#[test]
fn confidential_terms_match_whole_words_across_lines_and_embargoes_lift() {
    assert_flags(
        "We love project\n  FALCON.",
        "share/confidential",
        &["project\n  FALCON"],
    );
    assert_flags("Falconry is fun.", "share/confidential", &[]);
    let text = "Falcon 2.0 is coming.";
    let before = checker(fixture_guide(), &["share/confidential"], &[]);
    assert_eq!(before.check_text(text, DocumentKind::Markdown).1.len(), 1);
    let after = Checker::new(
        fixture_guide(),
        CheckOptions {
            select: vec!["share/confidential".to_owned()],
            today: (2027, 1, 15),
            ..CheckOptions::default()
        },
    );
    assert!(after.check_text(text, DocumentKind::Markdown).1.is_empty());
}

#[test]
fn disclosure_names_weak_tags_and_the_fold() {
    let weak = findings(
        "---\nsponsored: true\n---\nLoving these shoes. #spon #collab\n",
        "share/disclosure",
    );
    assert_eq!(weak.len(), 1);
    assert!(
        weak[0]
            .message
            .contains("“#spon”, “#collab” does not count"),
        "{}",
        weak[0].message
    );
    assert_eq!(weak[0].severity, Severity::Error);
}

#[test]
fn claims_with_a_source_in_the_next_paragraph_are_backed() {
    assert_flags(
        "We are 3x faster than last year.\n\nSource: https://example.com/benchmark\n",
        "share/unsubstantiated-claim",
        &[],
    );
    assert_flags(
        "We are 3x faster than last year.\n\nWe love our users.\n",
        "share/unsubstantiated-claim",
        &["3x faster"],
    );
}

#[test]
fn reputation_needs_a_named_target_in_the_sentence() {
    assert_flags(
        "Globex is a scam. Ours is fine.",
        "share/reputation",
        &["scam"],
    );
    assert_flags("What a scam. Globex is fine.", "share/reputation", &[]);
}

#[test]
fn sensitive_topics_are_info_and_trimmed_by_allow() {
    let found = findings("A post about religion.", "share/sensitive-topic");
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].severity, Severity::Info);
    assert!(
        found[0]
            .message
            .ends_with("could this cause pain or conflict?")
    );
    let trimmed = guide_from("allow = [\"religion\"]\n");
    let (_, found) = checker(trimmed, &["share/sensitive-topic"], &[])
        .check_text("A post about religion.", DocumentKind::Markdown);
    assert!(found.is_empty());
}

// ------------------------------------------------------------ the guide

#[test]
fn sharing_keys_are_validated_with_locations() {
    let error = |text: &str| match Guide::from_source(
        text,
        GuideSource::File(PathBuf::from("copydesk.toml")),
    ) {
        Ok(_) => panic!("expected an error for {text}"),
        Err(error) => error.to_string(),
    };
    let unknown = error("[sharing]\nplatforms = [\"myspace\"]\n");
    assert!(unknown.starts_with("copydesk.toml:2:"), "{unknown}");
    assert!(unknown.contains("unknown platform “myspace”"), "{unknown}");
    let date = error("[[sharing.embargo]]\nterm = \"X\"\nuntil = \"2027-02-30\"\n");
    assert!(date.starts_with("copydesk.toml:3:"), "{date}");
    assert!(date.contains("expected a date like 2027-01-15"), "{date}");
    let key = error("[sharing]\nemployers = [\"Acme\"]\n");
    assert!(key.contains("employers"), "{key}");
}

#[test]
fn unreadable_key_messages_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let guide = dir.path().join("copydesk.toml");
    std::fs::write(
        &guide,
        "[sharing]\nkey_messages = [\"messages/missing.md\"]\n",
    )
    .unwrap();
    let error = Guide::load(&guide).unwrap_err().to_string();
    assert!(error.contains("messages/missing.md"), "{error}");
    assert!(error.contains("could not read key messages"), "{error}");

    std::fs::write(dir.path().join("post.md"), "Hi.\n").unwrap();
    let output = run_in(dir.path(), &["check", "post.md"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("missing.md"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn key_messages_are_part_of_the_guide_hash() {
    let dir = tempfile::tempdir().unwrap();
    let guide = dir.path().join("copydesk.toml");
    std::fs::write(&guide, "[sharing]\nkey_messages = [\"km.md\"]\n").unwrap();
    std::fs::write(dir.path().join("km.md"), "One message.").unwrap();
    let first = Guide::load(&guide).unwrap().hash;
    std::fs::write(dir.path().join("km.md"), "Another message.").unwrap();
    assert_ne!(Guide::load(&guide).unwrap().hash, first);
}

/// A thousand key messages: indexing happens once per checker, and a check
/// stays fast. Prints what it measured.
#[test]
fn a_thousand_key_messages_do_not_slow_checking() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("key-messages");
    std::fs::create_dir(&folder).unwrap();
    for i in 0..1000 {
        let text = format!(
            "Message {i}: our team {} ships work number {i} for customers in region {} with care and speed, every week of the year.",
            ["quietly", "proudly", "openly", "boldly"][i % 4],
            i % 37
        );
        std::fs::write(folder.join(format!("{i:04}.md")), text).unwrap();
    }
    let guide_path = dir.path().join("copydesk.toml");
    std::fs::write(
        &guide_path,
        "[sharing]\nkey_messages = [\"key-messages\"]\n",
    )
    .unwrap();

    let started = Instant::now();
    let guide = Arc::new(Guide::load(&guide_path).unwrap());
    let loaded = started.elapsed();
    let started = Instant::now();
    let with = checker(Arc::clone(&guide), &["share/key-message-copy"], &[]);
    let indexed = started.elapsed();
    let without = checker(Guide::builtin(), &["share/key-message-copy"], &[]);

    let post = fixture_post("share/key-message-copy", "ok-own-words.md");
    let time = |checker: &Checker| {
        let started = Instant::now();
        for _ in 0..20 {
            checker.check_text(&post, DocumentKind::Markdown);
        }
        started.elapsed() / 20
    };
    let (with_time, without_time) = (time(&with), time(&without));
    eprintln!(
        "1000 key messages: load {loaded:?}, index {indexed:?}; check {with_time:?} (vs {without_time:?} with none)"
    );
    assert!(
        with_time < without_time + Duration::from_millis(20),
        "checking slowed to {with_time:?}"
    );

    let copy = "---\nplatform: linkedin\n---\nMessage 512: our team quietly ships work number 512 for customers in region 31 with care and speed, every week of the year.";
    let (_, found) = with.check_text(copy, DocumentKind::Markdown);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0].message.contains("key-messages/0512.md"),
        "{}",
        found[0].message
    );
}

// ------------------------------------------------------------------ CLI

#[test]
fn cli_platform_flag_and_unknown_platforms() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("post.md"), "word ".repeat(70)).unwrap();
    let output = run_in(
        dir.path(),
        &[
            "check",
            "post.md",
            "--select",
            "share",
            "--platform",
            "x,bluesky",
            "--format",
            "concise",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert!(
        text.contains("[share/length-limit] 349/280 weighted characters on X"),
        "{text}"
    );
    assert!(text.contains("349/300 characters on Bluesky"), "{text}");

    let output = run_in(dir.path(), &["check", "post.md", "--platform", "myspace"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("unknown platform “myspace”"),
        "{}",
        stderr(&output)
    );
}

// ------------------------------------------------------ personal data

/// A card number of 16 digits starting with 4 whose last digit makes the
/// Luhn check pass, printed in groups of four.
fn card(digits: &[u8]) -> String {
    let mut number: Vec<u8> = std::iter::once(4)
        .chain(digits.iter().map(|d| d % 10))
        .collect();
    number.truncate(15);
    let sum: u32 = number
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let d = u32::from(d);
            if i % 2 == 0 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                d
            }
        })
        .sum();
    number.push(((10 - sum % 10) % 10) as u8);
    let text: String = number.iter().map(|d| char::from(b'0' + d)).collect();
    format!(
        "{} {} {} {}",
        &text[0..4],
        &text[4..8],
        &text[8..12],
        &text[12..16]
    )
}

fn sensitive_value() -> impl Strategy<Value = String> {
    prop_oneof![
        // A digit in each word keeps role addresses (`hi@`, `press.team@`),
        // which the rule rightly leaves alone, out of the personal ones.
        ("[a-z]{2,8}[0-9]", "[a-z]{2,8}[0-9]", "[a-z]{3,8}")
            .prop_map(|(a, b, c)| format!("{a}.{b}@{c}.com")),
        "[0-9]{4}".prop_map(|d| format!("+44 20 7946 {d}")),
        "[0-9]{4}".prop_map(|d| format!("(415) 555-{d}")),
        prop::collection::vec(0u8..10, 15).prop_map(|d| card(&d)),
        "[A-Za-z0-9]{24}".prop_map(|s| format!("sk-proj-{s}")),
        "[A-Za-z0-9]{36}".prop_map(|s| format!("ghp_{s}")),
        "[A-Z0-9]{16}".prop_map(|s| format!("AKIA{s}")),
    ]
}

/// Where the value goes: prose with other findings on the same line, a
/// heading, a list item, inline code, a code block, a link.
fn placement() -> impl Strategy<Value = usize> {
    0usize..6
}

fn place(value: &str, at: usize) -> String {
    match at {
        0 => format!(
            "We did this in order to ship: {value} is VERY IMPORTANT and really basically fine.\n"
        ),
        1 => format!("# Contact {value} in order to win\n\nThe end result.\n"),
        2 => format!("- call {value}\n- in order to win\n"),
        3 => format!("Use `{value}` in order to ship.\n"),
        4 => format!("In order to test:\n\n```\n{value}\n```\n"),
        _ => format!("[Write to us]({value}) in order to win. {value}\n"),
    }
}

/// Every built-in rule, for posts on X; built once (it compiles every term
/// table).
fn every_rule() -> &'static Checker {
    static CHECKER: std::sync::LazyLock<Checker> =
        std::sync::LazyLock::new(|| checker(Guide::builtin(), &[], &["x"]));
    &CHECKER
}

fn printed(path: &str, text: &str) -> Vec<String> {
    let (document, found) = every_rule().check_text(text, DocumentKind::Markdown);
    let report = FileReport {
        path,
        document: Some(&document),
        findings: &found,
        error: None,
        score: None,
    };
    let mut summary = Summary::default();
    summary.add(&report);
    let mut outputs = Vec::new();
    let printers: Vec<Box<dyn Printer>> = vec![
        Box::new(HumanPrinter {
            summary: true,
            plain: false,
        }),
        Box::new(HumanPrinter {
            summary: true,
            plain: true,
        }),
        Box::new(ConcisePrinter { summary: true }),
        Box::new(JsonPrinter::default()),
        Box::new(JsonLinesPrinter),
        Box::new(SarifPrinter::new(registry().iter().map(|f| f.meta))),
        Box::new(GithubPrinter),
        Box::new(JunitPrinter::default()),
        Box::new(CheckstylePrinter::default()),
    ];
    for mut printer in printers {
        let mut out = Vec::new();
        printer.file(&mut out, &report).unwrap();
        printer.finish(&mut out, &summary).unwrap();
        outputs.push(String::from_utf8(out).unwrap());
    }
    outputs
}

/// What every printer prints for a post with no findings: the rules'
/// metadata and documentation, whatever the post.
static PRINTED_FOR_NOTHING: std::sync::LazyLock<Vec<String>> =
    std::sync::LazyLock::new(|| printed("post.md", "Nothing to see.\n"));

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// No output format ever contains a full email, phone number, card
    /// number or secret found in the input.
    #[test]
    fn no_output_format_prints_a_found_value(value in sensitive_value(), at in placement()) {
        // The rules' own documentation (SARIF carries it) shows example
        // values such as +44 20 7946 0958; one drawn by chance is not a leak.
        prop_assume!(!PRINTED_FOR_NOTHING.iter().any(|o| o.contains(value.as_str())));
        let text = place(&value, at);
        let (_, found) = every_rule().check_text(&text, DocumentKind::Markdown);
        prop_assert!(
            found.iter().any(|f| f.rule == "share/personal-data"),
            "{value} not found in {text:?}"
        );
        for output in printed("post.md", &text) {
            prop_assert!(!output.contains(value.as_str()), "{value} printed:\n{output}");
        }
    }
}

#[test]
fn the_human_printer_masks_values_in_source_excerpts() {
    let text = "Call +44 20 7946 0958 in order to win.\n";
    let human = &printed("post.md", text)[0];
    assert!(
        human.contains("Call +** ** **** **** in order to win."),
        "{human}"
    );
    assert!(
        human.contains("Phone number “+…58” would be public"),
        "{human}"
    );
}

#[test]
fn bluesky_counts_graphemes_not_code_points() {
    let text = fixture_post("share/length-limit", "ok-bluesky-emoji.md");
    let body = text.rsplit("---\n").next().unwrap().trim();
    assert!(
        body.chars().count() > 300,
        "the fixture must be over 300 code points"
    );
    assert!(findings(&text, "share/length-limit").is_empty());
}

/// Text built from what the sharing rules look at: hashtags (fullwidth
/// too), mentions, URLs with parameters, numbers, emoji, Markdown.
fn post_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("#".to_owned()),
        Just("＃".to_owned()),
        Just("@".to_owned()),
        Just("#customeradvocacy".to_owned()),
        Just("@ana@social.example".to_owned()),
        Just("https://e.com/?utm_source=x&a=1#f".to_owned()),
        Just("[x](https://e.com/?fbclid=1)".to_owned()),
        Just("acme.com".to_owned()),
        Just("+44 20 7946 0958".to_owned()),
        Just("4111 1111 1111 1111".to_owned()),
        Just("Acme".to_owned()),
        Just("Project Falcon".to_owned()),
        Just("scam".to_owned()),
        Just("3x faster".to_owned()),
        Just("👩‍💻".to_owned()),
        Just("東".to_owned()),
        Just("e\u{301}".to_owned()),
        Just("`".to_owned()),
        Just("**".to_owned()),
        Just("- ".to_owned()),
        Just("\n".to_owned()),
        Just("\n\n".to_owned()),
        Just("---\n".to_owned()),
        "[a-zA-Z ,.!?:]{1,8}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..50).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// On any text, for every platform at once, the sharing rules neither
    /// panic nor report a span outside the text.
    #[test]
    fn sharing_rules_take_any_text(text in post_text(), sponsored in any::<bool>()) {
        static CHECKER: std::sync::LazyLock<Checker> = std::sync::LazyLock::new(|| {
            checker(
                fixture_guide(),
                &["share"],
                &["x", "linkedin", "bluesky", "threads", "mastodon", "instagram"],
            )
        });
        let text = if sponsored { format!("---\nsponsored: true\nauthor: employee\n---\n{text}") } else { text };
        let (_, found) = CHECKER.check_text(&text, DocumentKind::Markdown);
        for finding in &found {
            prop_assert!(finding.span.start <= finding.span.end && finding.span.end <= text.len());
            prop_assert!(text.is_char_boundary(finding.span.start) && text.is_char_boundary(finding.span.end));
        }
    }
}

/// The README's "Checking a post before publishing" output is the real
/// output of the examples.
#[test]
fn the_readme_shows_the_real_output() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(manifest.join("README.md")).unwrap();
    let examples = manifest.join("examples/sharing");
    for args in [
        &[
            "check",
            "linkedin-post.md",
            "x-post.md",
            "--format",
            "concise",
        ][..],
        &[
            "check",
            "linkedin-post.md",
            "--select",
            "share/personal-data",
        ][..],
    ] {
        let output = stdout(&run_in(&examples, args));
        assert!(
            readme.contains(&output),
            "README is out of date for `copydesk {}`:\n{output}",
            args.join(" ")
        );
    }
}
