//! Rule behaviour through the public API: a fixture per rule (one test
//! each; the format is under `fixtures`), and targeted
//! checks of matching, fixes, configuration and suppression.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use copydesk::check::{CheckOptions, Checker};
use copydesk::document::{Document, DocumentKind};
use copydesk::fix::Applicability;
use copydesk::guide::{Guide, GuideSource};
use copydesk::{Finding, Severity};

/// The guide the rule fixtures are checked with (see `fixtures`).
const TEST_GUIDE: &str = include_str!("fixtures/rules/copydesk.toml");

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

/// One fixture format for every rule: `tests/fixtures/rules/<category>/<name>.md`.
///
/// - **Posts.** A fixture is one post, or several, each starting with a line
///   `<!-- post: <file name> -->`. A post is checked on its own, as that file
///   would be: its front matter says its platforms, sponsorship and author.
/// - **Parts.** A post named `bad-…` must be flagged, one named `ok-…` must
///   stay silent; any other post is divided by `# Bad`, `# OK` and
///   `# Regressions` headings (Regressions are flagged like Bad).
/// - **What "flagged" means.** In a fixture of several posts, each `bad-…`
///   post must have a finding somewhere (rules that read the whole post:
///   platforms, the fold, the writer's voice). In a fixture of one post,
///   every paragraph of a Bad part must have one, except for flow rules,
///   which judge paragraphs by their neighbours: there the post must. Every
///   finding is the rule's own.
/// - **The guide.** `<name>.toml` beside the fixture, else the category
///   folder's `copydesk.toml`, else `tests/fixtures/rules/copydesk.toml`;
///   today is pinned to 2026-11-23, and only the rule runs.
/// - **The snapshot**, `tests/snapshots/integration__rules__<category>__<name>.snap`:
///   for one post, its findings and the diff with every fix applied; for
///   several, each flagged post under `## <file name>` with its findings,
///   their notes, and its diff.
///
/// `build.rs` lists every rule of the registry, and this makes one test per
/// rule of it (`rules::fixtures::voice::jargon`), so `cargo test` names the
/// rule whose fixture fails.
mod fixtures {
    macro_rules! rule_fixture_tests {
        ($($category:ident: [$($name:ident),* $(,)?],)*) => {
            $(mod $category {
                $(#[test]
                fn $name() {
                    super::super::check_rule_fixture(stringify!($category), stringify!($name));
                })*
            })*
        };
    }

    include!(concat!(env!("OUT_DIR"), "/rules/fixture_tests.rs"));
}

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules")
}

/// A post of a fixture, as a file.
struct Post {
    /// Its file name; `<rule id>.md` for a fixture of one post.
    name: String,
    text: String,
}

/// The posts of the fixture text of `rule`.
fn fixture_posts(rule: &str, text: &str) -> Vec<Post> {
    let marker = |line: &str| {
        line.strip_prefix("<!-- post: ")
            .and_then(|rest| rest.trim_end().strip_suffix(" -->"))
            .map(str::to_owned)
    };
    let mut posts: Vec<Post> = Vec::new();
    for line in text.split_inclusive('\n') {
        match (marker(line), posts.last_mut()) {
            (Some(name), _) => posts.push(Post {
                name,
                text: String::new(),
            }),
            (None, Some(post)) => post.text.push_str(line),
            (None, None) => posts.push(Post {
                name: format!("{rule}.md"),
                text: line.to_owned(),
            }),
        }
    }
    posts
}

/// The text of the post `post` in the fixture of `rule`, for tests that
/// check one post in other ways.
pub(crate) fn fixture_post(rule: &str, post: &str) -> String {
    let (category, name) = rule.split_once('/').expect("a rule id");
    let path = fixtures_root().join(category).join(format!("{name}.md"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("reading {}: {error}", path.display()));
    fixture_posts(rule, &text)
        .into_iter()
        .find(|p| p.name == post)
        .unwrap_or_else(|| panic!("no post {post} in {}", path.display()))
        .text
}

/// The part of a post that a byte offset is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Bad,
    Ok,
}

fn part_of(post: &Post, offset: usize) -> Option<Part> {
    if post.name.starts_with("bad-") {
        return Some(Part::Bad);
    }
    if post.name.starts_with("ok-") {
        return Some(Part::Ok);
    }
    let before = &post.text[..offset];
    [
        ("# Regressions", Part::Bad),
        ("# OK", Part::Ok),
        ("# Bad", Part::Bad),
    ]
    .into_iter()
    .filter_map(|(heading, part)| {
        before
            .rfind(&format!("\n{heading}\n"))
            .or_else(|| before.starts_with(heading).then_some(0))
            .map(|at| (at, part))
    })
    .max_by_key(|(at, _)| *at)
    .map(|(_, part)| part)
}

/// The guide the fixture `<category>/<name>.md` is checked with.
fn fixture_guide(category: &str, name: &str) -> Arc<Guide> {
    let folder = fixtures_root().join(category);
    let path = [
        folder.join(format!("{name}.toml")),
        folder.join("copydesk.toml"),
        fixtures_root().join("copydesk.toml"),
    ]
    .into_iter()
    .find(|path| path.is_file())
    .expect("tests/fixtures/rules/copydesk.toml exists");
    Arc::new(
        Guide::load(&path)
            .unwrap_or_else(|error| panic!("the fixture guide {}: {error}", path.display())),
    )
}

/// One rule's fixture: Bad parts flagged, OK parts silent, findings and
/// fixes as snapshotted. `name` is the rule's module (`wordy_phrase`).
fn check_rule_fixture(category: &str, name: &str) {
    let name = name.replace('_', "-");
    let rule = format!("{category}/{name}");
    assert!(
        copydesk::rules::find_rule(&rule).is_some(),
        "{rule} is not a rule id"
    );
    let path = fixtures_root().join(category).join(format!("{name}.md"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("no fixture for {rule} ({}): {error}", path.display()));
    let posts = fixture_posts(&rule, &text);
    let several = posts.len() > 1 || posts[0].name != format!("{rule}.md");
    let per_post = several || category == "flow";
    if several {
        assert!(
            posts.iter().any(|p| p.name.starts_with("bad-")),
            "{rule} has no bad post"
        );
        assert!(
            posts.iter().any(|p| p.name.starts_with("ok-")),
            "{rule} has no OK post"
        );
    }

    let checker = Checker::new(
        fixture_guide(category, &name),
        CheckOptions {
            select: vec![rule.clone()],
            today: (2026, 11, 23),
            ..CheckOptions::default()
        },
    );
    let mut snapshot = String::new();
    for post in &posts {
        let (document, findings) = checker.check_text(&post.text, DocumentKind::Markdown);
        for finding in &findings {
            assert_eq!(finding.rule, rule, "in {}", post.name);
            assert_ne!(
                part_of(post, finding.span.start),
                Some(Part::Ok),
                "{rule} flagged OK text {:?} in {}: {}",
                &post.text[finding.span.clone()],
                post.name,
                finding.message
            );
        }
        let bad_blocks: Vec<_> = document
            .blocks
            .iter()
            .filter(|b| !b.is_heading() && part_of(post, b.span().start) != Some(Part::Ok))
            .collect();
        if per_post {
            if !bad_blocks.is_empty() {
                assert!(
                    !findings.is_empty(),
                    "{rule} found nothing in {}",
                    post.name
                );
            }
        } else {
            for block in &bad_blocks {
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
        if several && findings.is_empty() {
            continue;
        }
        if several {
            snapshot.push_str(&format!("## {}\n", post.name));
        }
        for finding in &findings {
            let (line, column) = document.line_column(finding.span.start);
            snapshot.push_str(&format!(
                "{line}:{column} {} {}\n",
                finding.severity, finding.message
            ));
            if let (true, Some(note)) = (several, &finding.note) {
                snapshot.push_str(&format!("    note: {note}\n"));
            }
            for fix in &finding.fixes {
                snapshot.push_str(&format!("    fix ({}): {}\n", fix.applicability, fix.title));
            }
        }
        let fixed = checker.fix_text(&post.text, DocumentKind::Markdown, Applicability::Unsafe);
        let diff = copydesk::diff::unified_diff(&post.text, &fixed.text, &post.name);
        if several {
            if fixed.text != post.text {
                snapshot.push_str(&diff);
            }
            snapshot.push('\n');
        } else {
            snapshot.push_str("\n--- diff with every fix applied ---\n");
            snapshot.push_str(&diff);
        }
    }
    insta::assert_snapshot!(format!("{category}__{name}"), snapshot);
}

/// Every `.md` file in a category folder is the fixture of a rule.
#[test]
fn every_fixture_is_of_a_rule() {
    let mut orphans = Vec::new();
    for category in std::fs::read_dir(fixtures_root()).expect("tests/fixtures/rules") {
        let category = category.expect("a folder entry").path();
        if !category.is_dir() {
            continue;
        }
        let category_name = category.file_name().unwrap().to_string_lossy().into_owned();
        for entry in std::fs::read_dir(&category).expect("a category folder") {
            let path = entry.expect("a folder entry").path();
            if path.extension().is_some_and(|e| e == "md") {
                let stem = path.file_stem().unwrap().to_string_lossy();
                let rule = format!("{category_name}/{stem}");
                if copydesk::rules::find_rule(&rule).is_none() {
                    orphans.push(rule);
                }
            }
        }
    }
    assert!(orphans.is_empty(), "fixtures of unknown rules: {orphans:?}");
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
