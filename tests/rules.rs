//! Rule behaviour through the public API: fixtures per rule, and targeted
//! checks of matching, fixes, configuration and suppression.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use copydesk::check::{CheckOptions, Checker};
use copydesk::document::{Document, DocumentKind};
use copydesk::fix::Applicability;
use copydesk::guide::{Guide, GuideSource};
use copydesk::{Finding, Severity};

/// A guide for the fixtures that need guide data of their own.
const TEST_GUIDE: &str = r#"
[[voice.terms]]
use = "customer advocacy"
instead_of = ["customer service"]
why = "We advocate for customers; service sounds passive."

[[voice.avoid]]
terms = ["rockstar", "ninja", "ninjas"]
why = "Say what the job is."
"#;

fn guide(text: &str) -> Arc<Guide> {
    Arc::new(
        Guide::from_source(text, GuideSource::File(PathBuf::from("copydesk.toml")))
            .expect("test guide is valid"),
    )
}

fn checker_for(rule: &str, guide_text: &str) -> Checker {
    let options = CheckOptions {
        select: vec![rule.to_owned()],
        today: (2026, 11, 23),
        ..CheckOptions::default()
    };
    Checker::new(guide(guide_text), options)
}

fn check(input: &str, rule: &str) -> (Document, Vec<Finding>) {
    checker_for(rule, TEST_GUIDE).check_text(input, DocumentKind::Markdown)
}

/// The source text each finding of `rule` covers.
#[track_caller]
fn assert_flags(input: &str, rule: &str, expected: &[&str]) {
    let (document, findings) = check(input, rule);
    let flagged: Vec<&str> = findings
        .iter()
        .map(|f| &document.text()[f.span.clone()])
        .collect();
    assert_eq!(
        flagged, expected,
        "findings of {rule} in {input:?}: {findings:#?}"
    );
}

#[track_caller]
fn assert_no_findings(input: &str, rule: &str) {
    assert_flags(input, rule, &[]);
}

/// Applying every fix of `rule` (Unsafe included) gives `expected`.
#[track_caller]
fn assert_fix(input: &str, rule: &str, expected: &str) {
    let (_, findings) = check(input, rule);
    assert!(!findings.is_empty(), "{rule} found nothing in {input:?}");
    let fixed = checker_for(rule, TEST_GUIDE).fix_text(
        input,
        DocumentKind::Markdown,
        Applicability::Unsafe,
    );
    assert_eq!(fixed.text, expected, "fixing {rule} in {input:?}");
}

/// Candidates offered (never applied) for the first finding.
#[track_caller]
fn assert_suggests(input: &str, rule: &str, expected: &[&str]) {
    let (_, findings) = check(input, rule);
    let first = findings
        .first()
        .unwrap_or_else(|| panic!("{rule} found nothing in {input:?}"));
    let titles: Vec<&str> = first.fixes.iter().map(|f| f.title.as_str()).collect();
    assert_eq!(titles, expected);
    assert!(
        first
            .fixes
            .iter()
            .all(|f| f.applicability == Applicability::DisplayOnly)
    );
}

// ---------------------------------------------------------------- fixtures

/// Each fixture under tests/fixtures/rules/<category>/<name>.md has a `# Bad`
/// section (every paragraph flagged; for flow rules, the section as a whole),
/// an `# OK` section that must stay silent, and optional `# Regressions`
/// (flagged like Bad). Findings and the fix diff are snapshotted.
#[test]
fn rule_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap()
        .flat_map(|category| std::fs::read_dir(category.unwrap().path()).unwrap())
        .map(|entry| entry.unwrap().path())
        .collect();
    fixtures.sort();
    assert!(fixtures.len() >= 18, "a fixture per rule");
    // Every fixture runs, so one failure does not hide the others.
    let failed: Vec<String> = fixtures
        .iter()
        .filter(|path| std::panic::catch_unwind(|| check_fixture(path)).is_err())
        .map(|path| path.display().to_string())
        .collect();
    assert!(
        failed.is_empty(),
        "rule fixtures failed (see above): {failed:#?}"
    );
}

/// One fixture: Bad flagged, OK silent, findings and fixes as snapshotted.
fn check_fixture(path: &Path) {
    let category = path
        .parent()
        .unwrap()
        .file_name()
        .unwrap()
        .to_str()
        .unwrap();
    let name = path.file_stem().unwrap().to_str().unwrap();
    let rule = format!("{category}/{name}");
    assert!(
        copydesk::rules::find_rule(&rule).is_some(),
        "fixture for unknown rule {rule}"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let checker = checker_for(&rule, TEST_GUIDE);
    let (document, findings) = checker.check_text(&text, DocumentKind::Markdown);

    let section_of = |offset: usize| -> &str {
        let before = &text[..offset];
        ["# Regressions", "# OK", "# Bad"]
            .into_iter()
            .max_by_key(|heading| {
                before
                    .rfind(&format!("\n{heading}\n"))
                    .or_else(|| before.starts_with(heading).then_some(0))
                    .map_or(-1, |i| i as i64)
            })
            .unwrap()
    };
    for finding in &findings {
        assert_ne!(
            section_of(finding.span.start),
            "# OK",
            "{rule} flagged OK text {:?}: {}",
            &text[finding.span.clone()],
            finding.message
        );
    }
    let bad_blocks: Vec<_> = document
        .blocks
        .iter()
        .filter(|b| !b.is_heading() && section_of(b.span().start) != "# OK")
        .collect();
    if category == "flow" {
        assert!(
            !findings.is_empty(),
            "{rule}: the Bad section produced nothing"
        );
    } else {
        for block in bad_blocks {
            let span = block.span();
            assert!(
                findings
                    .iter()
                    .any(|f| f.span.start >= span.start && f.span.start < span.end),
                "{rule}: no finding in bad paragraph {:?}",
                block.text()
            );
        }
    }

    let mut snapshot = String::new();
    for finding in &findings {
        let (line, column) = document.line_column(finding.span.start);
        snapshot.push_str(&format!(
            "{line}:{column} {} {}\n",
            finding.severity, finding.message
        ));
        for fix in &finding.fixes {
            snapshot.push_str(&format!("    fix ({}): {}\n", fix.applicability, fix.title));
        }
    }
    let fixed = checker.fix_text(&text, DocumentKind::Markdown, Applicability::Unsafe);
    snapshot.push_str("\n--- diff with every fix applied ---\n");
    snapshot.push_str(&copydesk::diff::unified_diff(
        &text,
        &fixed.text,
        &format!("{rule}.md"),
    ));
    insta::assert_snapshot!(format!("{category}__{name}"), snapshot);
}

/// Every rule has a fixture. (Their docs are checked by `tests/docs.rs`,
/// every section in order.)
#[test]
fn every_rule_has_a_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    for factory in copydesk::rules::registry() {
        let meta = factory.meta;
        let (category, name) = meta.id.split_once('/').unwrap();
        if category == "share" {
            continue; // The sharing rules keep their fixtures beside their own tests.
        }
        if meta.id == "voice/drift" {
            continue; // Needs a learned voice profile: tests/voice.rs.
        }
        assert!(
            root.join(category).join(format!("{name}.md")).is_file(),
            "no fixture for {}",
            meta.id
        );
    }
}

// ------------------------------------------------------------ matching

#[test]
fn terms_match_across_line_breaks_and_keep_case() {
    assert_fix(
        "We did this in order\nto ship.",
        "concise/wordy-phrase",
        "We did this to ship.",
    );
    assert_fix(
        "In order to apply, write to us.",
        "concise/wordy-phrase",
        "To apply, write to us.",
    );
    assert_fix("IN ORDER TO WIN", "concise/wordy-phrase", "TO WIN");
}

#[test]
fn terms_across_emphasis_are_flagged_without_a_fix() {
    let (_, findings) = check("We did it in *order* to ship.", "concise/wordy-phrase");
    assert_eq!(findings.len(), 1);
    assert!(
        findings[0].fixes.is_empty(),
        "a fix would cut through the emphasis markers"
    );
}

#[test]
fn terms_match_whole_words_only() {
    assert_no_findings("Reorder in orderto ship.", "concise/wordy-phrase");
    assert_no_findings("Our lever broke.", "voice/jargon");
}

#[test]
fn terms_ignore_code_urls_and_front_matter() {
    assert_no_findings(
        "---\ntitle: in order to\n---\nRun `in order to` at https://x.com/in-order-to.\n\n```\nin order to\n```\n",
        "concise/wordy-phrase",
    );
}

#[test]
fn spans_stay_exact_after_emoji_and_cjk() {
    let input = "😀 东京 café: we did this in order to ship.";
    assert_flags(input, "concise/wordy-phrase", &["in order to"]);
    assert_fix(
        input,
        "concise/wordy-phrase",
        "😀 东京 café: we did this to ship.",
    );
}

#[test]
fn removals_leave_clean_spacing_and_capitals() {
    assert_fix("It is really good.", "concise/filler", "It is good.");
    assert_fix("Basically, we ship.", "concise/filler", "We ship.");
    assert_fix("It is, basically, done.", "concise/filler", "It is done.");
    assert_fix("That was good, really.", "concise/filler", "That was good.");
    assert_fix(
        "I just wanted to say that we shipped it.",
        "concise/throat-clearing",
        "We shipped it.",
    );
}

#[test]
fn preferred_terms_come_from_the_guide_with_case_kept() {
    assert_fix(
        "Customer service answers. Our customer service team is great.",
        "voice/preferred-term",
        "Customer advocacy answers. Our customer advocacy team is great.",
    );
}

#[test]
fn several_candidates_are_offered_not_applied() {
    assert_suggests(
        "Our chairman spoke.",
        "voice/inclusive",
        &["Replace with “chair”", "Replace with “chairperson”"],
    );
    let fixed = checker_for("voice/inclusive", TEST_GUIDE).fix_text(
        "Our chairman spoke.",
        DocumentKind::Markdown,
        Applicability::Unsafe,
    );
    assert_eq!(fixed.text, "Our chairman spoke.");
}

#[test]
fn casing_fixes_names_but_not_tags_or_domains() {
    assert_fix("Star us on Github.", "voice/casing", "Star us on GitHub.");
    assert_no_findings(
        "Tag #github, ping @github, see github.com/x.",
        "voice/casing",
    );
}

#[test]
fn passive_skips_adjectival_participles() {
    assert_flags(
        "The post was written by Ana.",
        "voice/passive",
        &["was written"],
    );
    assert_no_findings("We are excited and we are based in Leeds.", "voice/passive");
}

#[test]
fn shouting_accepts_acronyms_from_the_list_and_the_guide() {
    assert_flags("The CEO said it is FREE.", "voice/shouting", &["FREE"]);
    let guide_text = "[voice]\nacronyms = [\"ACMEX\"]\n";
    let (_, findings) = checker_for("voice/shouting", guide_text)
        .check_text("ACMEX ships.", DocumentKind::Markdown);
    assert!(findings.is_empty(), "{findings:?}");
}

#[test]
fn exclamation_runs_become_one_mark() {
    assert_fix(
        "We did it!!! Really.",
        "voice/exclamation",
        "We did it! Really.",
    );
}

#[test]
fn sentence_length_follows_the_guide() {
    let text = "One two three four five six.";
    let (_, findings) = checker_for("voice/sentence-length", "[voice]\nmax_sentence_words = 5\n")
        .check_text(text, DocumentKind::Markdown);
    assert_eq!(findings.len(), 1);
    assert_eq!(
        findings[0].message,
        "Sentence of 6 words; the guide's limit is 5"
    );
}

// ------------------------------------------------------- configuration

#[test]
fn allow_list_silences_table_terms() {
    let (_, findings) = checker_for("voice/jargon", "allow = [\"synergy\"]\n")
        .check_text("We love synergy.", DocumentKind::Markdown);
    assert!(findings.is_empty());
}

#[test]
fn guide_levels_override_and_turn_off() {
    let guide = guide("[rules]\n\"concise/wordy-phrase\" = \"error\"\n\"voice/hedge\" = \"off\"\n");
    let checker = Checker::new(guide, CheckOptions::default());
    let (_, findings) =
        checker.check_text("It is very good in order to win.", DocumentKind::Markdown);
    let rules: Vec<(&str, Severity)> = findings
        .iter()
        .map(|f| (f.rule.as_str(), f.severity))
        .collect();
    assert_eq!(rules, [("concise/wordy-phrase", Severity::Error)]);
}

#[test]
fn extends_none_runs_only_the_rules_the_guide_names() {
    let guide = guide(
        "extends = \"none\"\n[rules]\n\"voice/avoid-term\" = \"error\"\n[[voice.avoid]]\nterms = [\"acme\"]\n",
    );
    let checker = Checker::new(guide, CheckOptions::default());
    let (_, findings) = checker.check_text(
        "In order to win, ACME ships!! Really.",
        DocumentKind::Markdown,
    );
    let rules: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, ["voice/avoid-term"]);
}

#[test]
fn select_and_ignore_take_categories() {
    let options = CheckOptions {
        select: vec!["concise".into()],
        ignore: vec!["concise/filler".into()],
        ..CheckOptions::default()
    };
    let checker = Checker::new(Guide::builtin(), options);
    let (_, findings) = checker.check_text(
        "It is really very good in order to win!!",
        DocumentKind::Markdown,
    );
    let rules: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, ["concise/wordy-phrase"]);
}

// ----------------------------------------------------------- suppression

fn rules_found(input: &str, kind: DocumentKind) -> Vec<String> {
    let checker = Checker::new(
        Guide::builtin(),
        CheckOptions {
            select: vec!["concise".into()],
            ..CheckOptions::default()
        },
    );
    checker
        .check_text(input, kind)
        .1
        .into_iter()
        .map(|f| f.rule)
        .collect()
}

#[test]
fn inline_directives_disable_and_enable() {
    let input = "<!-- copydesk-disable concise/wordy-phrase -->\n\nIn order to win.\n\n<!-- copydesk-enable concise/wordy-phrase -->\n\nIn order to lose.\n";
    assert_eq!(
        rules_found(input, DocumentKind::Markdown),
        ["concise/wordy-phrase"]
    );
    let all = "<!-- copydesk-disable -->\n\nIn order to win. The end result.\n";
    assert!(rules_found(all, DocumentKind::Markdown).is_empty());
    let category = "<!-- copydesk-disable concise -->\n\nIn order to win.\n";
    assert!(rules_found(category, DocumentKind::Markdown).is_empty());
}

#[test]
fn disable_next_line_covers_only_the_next_line() {
    let input = "<!-- copydesk-disable-next-line concise/wordy-phrase -->\nIn order to win.\nIn order to lose.\n";
    let checker = Checker::new(
        Guide::builtin(),
        CheckOptions {
            select: vec!["concise".into()],
            ..CheckOptions::default()
        },
    );
    let (document, findings) = checker.check_text(input, DocumentKind::Markdown);
    let lines: Vec<usize> = findings
        .iter()
        .map(|f| document.line_column(f.span.start).0)
        .collect();
    assert_eq!(lines, [3]);
}

#[test]
fn plain_text_takes_directives_on_their_own_line() {
    let input =
        "copydesk-disable-next-line concise/wordy-phrase\nIn order to win.\n\nIn order to lose.\n";
    assert_eq!(
        rules_found(input, DocumentKind::PlainText),
        ["concise/wordy-phrase"]
    );
}

#[test]
fn front_matter_disables_rules_for_one_post() {
    let input = "---\ncopydesk:\n  disable: [concise/wordy-phrase]\n---\nIn order to win. The end result.\n";
    assert_eq!(
        rules_found(input, DocumentKind::Markdown),
        ["concise/redundancy"]
    );
}

// ------------------------------------------------------------ clean posts

/// Realistic, well-written posts must produce no warnings or errors with the
/// built-in default guide: false positives are bugs.
#[test]
fn clean_posts_have_no_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean");
    let checker = Checker::new(Guide::builtin(), CheckOptions::default());
    let mut checked = 0;
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let (document, findings) = checker.check_text(&text, DocumentKind::from_path(&path));
        let loud: Vec<String> = findings
            .iter()
            .filter(|f| f.severity >= Severity::Warning)
            .map(|f| {
                format!(
                    "{}:{}: {} {}",
                    path.display(),
                    document.line_column(f.span.start).0,
                    f.rule,
                    f.message
                )
            })
            .collect();
        assert!(loud.is_empty(), "false positives:\n{}", loud.join("\n"));
        checked += 1;
    }
    assert!(checked >= 10, "the clean folder holds at least ten posts");
}
