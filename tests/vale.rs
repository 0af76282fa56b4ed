//! Vale styles as copydesk rules: every rule type and configuration key on
//! fixture styles (tests/fixtures/vale), expectations written from Vale's
//! documentation; then the seven public style packages in ../shared.

use crate::common;

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use copydesk::check::{CheckOptions, Checker};
use copydesk::document::DocumentKind;
use copydesk::fix::Applicability;
use copydesk::guide::{Guide, GuideSource};
use copydesk::{Finding, Severity};

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vale")
}

fn guide() -> Arc<Guide> {
    static GUIDE: OnceLock<Arc<Guide>> = OnceLock::new();
    Arc::clone(GUIDE.get_or_init(|| {
        Arc::new(Guide::load(&fixture().join(".vale.ini")).expect("the fixture config loads"))
    }))
}

fn checker() -> &'static Checker {
    static CHECKER: OnceLock<Checker> = OnceLock::new();
    CHECKER.get_or_init(|| Checker::new(guide(), CheckOptions::default()))
}

/// Check `text` as the file `name` under the fixture folder.
fn check_with(checker: &Checker, name: &str, text: &str) -> Vec<Finding> {
    let path = fixture().join(name);
    checker
        .check_text_at(text, DocumentKind::from_path(&path), Some(&path))
        .1
}

fn check(name: &str, text: &str) -> Vec<Finding> {
    check_with(checker(), name, text)
}

/// (matched source text, message) of one rule's findings.
fn hits(text: &str, findings: &[Finding], rule: &str) -> Vec<(String, String)> {
    findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| (text[f.span.clone()].to_owned(), f.message.clone()))
        .collect()
}

fn matched(text: &str, findings: &[Finding], rule: &str) -> Vec<String> {
    hits(text, findings, rule)
        .into_iter()
        .map(|(m, _)| m)
        .collect()
}

fn one<'a>(findings: &'a [Finding], rule: &str) -> &'a Finding {
    let mut found = findings.iter().filter(|f| f.rule == rule);
    let first = found
        .next()
        .unwrap_or_else(|| panic!("no {rule} in {findings:#?}"));
    assert!(
        found.next().is_none(),
        "more than one {rule}: {findings:#?}"
    );
    first
}

#[test]
fn existence_tokens_ignore_case_and_honour_exceptions() {
    let text = "Basically, it works. The design is basically sound. It is sort of done.\n";
    let findings = check("doc.md", text);
    assert_eq!(
        hits(text, &findings, "Test.Hedge"),
        [
            (
                "Basically".to_owned(),
                "Consider removing 'Basically'.".to_owned()
            ),
            (
                "sort of".to_owned(),
                "Consider removing 'sort of'.".to_owned()
            ),
        ]
    );
    let hedge = findings.iter().find(|f| f.rule == "Test.Hedge").unwrap();
    assert_eq!(hedge.severity, Severity::Info, "suggestion is info");
    assert_eq!(
        hedge.note.as_deref(),
        Some("Hedges weaken a claim. See https://example.com/hedges")
    );
    // action: remove → a removal that needs --unsafe-fixes.
    let [fix] = hedge.fixes.as_slice() else {
        panic!("one fix: {hedge:#?}")
    };
    assert_eq!(fix.applicability, Applicability::Unsafe);
    assert_eq!(fix.title, "Remove “Basically”");
}

#[test]
fn existence_raw_append_and_nonword_edit() {
    let text = "It costs $5 dollars, approx. Great! Approximately right.\n";
    let findings = check("doc.md", text);
    assert_eq!(matched(text, &findings, "Test.Dollars"), ["$5 dollars"]);
    assert_eq!(matched(text, &findings, "Test.Append"), ["approx."]);
    let exclaim = one(&findings, "Test.Exclaim");
    assert_eq!(&text[exclaim.span.clone()], "Great!");
    // A nonword match is edited only on request: the fix is a suggestion.
    let [fix] = exclaim.fixes.as_slice() else {
        panic!("one fix: {exclaim:#?}")
    };
    assert_eq!(fix.applicability, Applicability::DisplayOnly);
    assert_eq!(fix.edits[0].replacement, "Great");
}

#[test]
fn substitution_fixes_messages_and_capture_groups() {
    let text = "Utilize the masterful tool within the config folder. It is fine. So it is.\n";
    let findings = check("doc.md", text);
    assert_eq!(
        hits(text, &findings, "Test.Swap"),
        [
            (
                "Utilize".to_owned(),
                "Use 'use' instead of 'Utilize'.".to_owned()
            ),
            (
                "masterful".to_owned(),
                "Use 'skilled' or 'authoritative' instead of 'masterful'.".to_owned()
            ),
            (
                "within the config folder".to_owned(),
                "Use 'in the config folder' instead of 'within the config folder'.".to_owned()
            ),
            (
                "It is".to_owned(),
                "Use 'it's' instead of 'It is'.".to_owned()
            ),
        ]
    );
    let swaps: Vec<&Finding> = findings.iter().filter(|f| f.rule == "Test.Swap").collect();
    // One replacement: Safe, in the case of the original.
    assert_eq!(swaps[0].fixes.len(), 1);
    assert_eq!(swaps[0].fixes[0].applicability, Applicability::Safe);
    assert_eq!(swaps[0].fixes[0].edits[0].replacement, "Use");
    // Several: candidates, none applied automatically.
    assert_eq!(swaps[1].fixes.len(), 2);
    assert!(
        swaps[1]
            .fixes
            .iter()
            .all(|f| f.applicability == Applicability::DisplayOnly)
    );
    assert_eq!(
        swaps[2].fixes[0].edits[0].replacement,
        "in the config folder"
    );
    assert_eq!(swaps[3].fixes[0].edits[0].replacement, "It's");

    // Without an action the message takes expected, then observed; no fix.
    let text = "Fork it on Github or GitHub.\n";
    let findings = check("doc.md", text);
    let brand = one(&findings, "Test.Brands");
    assert_eq!(brand.message, "Write 'GitHub', not 'Github'.");
    assert!(brand.fixes.is_empty());
}

#[test]
fn safe_substitutions_apply_until_stable() {
    let text = "Utilize it within the docs folder.\n";
    let outcome = checker().fix_text_at(
        text,
        DocumentKind::Markdown,
        Some(&fixture().join("doc.md")),
        Applicability::Safe,
    );
    assert_eq!(outcome.text, "Use it in the docs folder.\n");
}

#[test]
fn occurrence_counts_per_scope() {
    let text = "One, two, three, four words here.\n\nToo short.\n";
    let findings = check("doc.md", text);
    assert_eq!(
        hits(text, &findings, "Test.Commas"),
        // As Vale: the first match (outside inline code).
        [(",".to_owned(), "Too many commas (3).".to_owned())]
    );
    assert_eq!(
        hits(text, &findings, "Test.Short"),
        [(
            "Too".to_owned(),
            "Paragraph too short (2 words).".to_owned()
        )]
    );
}

#[test]
fn repetition_flags_repeated_words_within_a_sentence() {
    let text = "We shipped the the release. It works. Works fine.\n";
    let findings = check("doc.md", text);
    assert_eq!(
        hits(text, &findings, "Test.Repeat"),
        [("the the".to_owned(), "'the' is repeated.".to_owned())]
    );
    assert_eq!(matched(text, &findings, "Vale.Repetition"), ["the the"]);
}

#[test]
fn consistency_keeps_the_first_spelling() {
    let text = "Ask an advisor today.\n\nThe adviser said yes, and the advisor agreed.\n\nAnother adviser came.\n";
    let findings = check("doc.md", text);
    assert_eq!(
        hits(text, &findings, "Test.Spelling"),
        [
            (
                "adviser".to_owned(),
                "Inconsistent spelling of 'adviser'.".to_owned()
            ),
            (
                "adviser".to_owned(),
                "Inconsistent spelling of 'adviser'.".to_owned()
            ),
        ]
    );
}

#[test]
fn conditional_needs_a_definition_before_use() {
    let text = "We work with WHO daily.\n\nThe World Health Organization (WHO) helps. WHO is global.\n\nThe CDC and HTML too.\n";
    let findings = check("doc.md", text);
    let acronyms = findings.iter().filter(|f| f.rule == "Test.Acronyms");
    let lines: Vec<(usize, String)> = acronyms
        .map(|f| {
            (
                text[..f.span.start].matches('\n').count() + 1,
                text[f.span.clone()].to_owned(),
            )
        })
        .collect();
    assert_eq!(lines, [(1, "WHO".to_owned()), (5, "CDC".to_owned())]);
}

#[test]
fn capitalization_sentence_and_title_case() {
    let text = "# a tale of two cities\n\nText here for you.\n\n## Getting Started With Vale\n\nText here for you.\n\n## Writing good Markdown\n\nText here for you.\n\n## Note: Use the CLI\n\nText here for you.\n";
    let findings = check("doc.md", text);
    assert_eq!(
        hits(text, &findings, "Test.Titles"),
        [(
            "a tale of two cities".to_owned(),
            "'a tale of two cities' should be in title case ('A Tale of Two Cities').".to_owned()
        )]
    );
    // Sentence case wants the first word capitalized too.
    assert_eq!(
        matched(text, &findings, "Test.Headings"),
        ["a tale of two cities", "Getting Started With Vale"]
    );
}

#[test]
fn metric_reports_once_at_the_start() {
    let text = "# Title\n\nThis sentence has quite a lot of words in it, more than twelve of them in fact.\n";
    let findings = check("doc.md", text);
    let grade = one(&findings, "Test.Grade");
    assert_eq!(grade.message, "Sentences average 17.00 words.");
    assert_eq!(grade.span, 0..0);
    let short = check("doc.md", "Short and sweet.\n");
    assert!(short.iter().all(|f| f.rule != "Test.Grade"));
}

#[test]
fn sequence_without_tags_matches_words_with_skips() {
    let text = "You should be able to go. You will be quickly able to run. Be unable to.\n";
    let findings = check("doc.md", text);
    assert_eq!(
        hits(text, &findings, "Test.BeAble"),
        [
            ("be able to".to_owned(), "Avoid 'be able to'.".to_owned()),
            (
                "be quickly able to".to_owned(),
                "Avoid 'be able to'.".to_owned()
            ),
        ]
    );
}

#[test]
fn unsupported_rules_are_reported_once_and_skipped() {
    let guide = guide();
    let warnings: Vec<&String> = guide.rule_sets.iter().flat_map(|s| s.warnings()).collect();
    let mentions = |id: &str| warnings.iter().filter(|w| w.starts_with(id)).count();
    assert_eq!(mentions("Test.Tagged"), 1, "{warnings:#?}");
    assert_eq!(mentions("Test.Script"), 1, "{warnings:#?}");
    // Vale.Spelling runs on the bundled en_US dictionary: not skipped.
    assert_eq!(mentions("Vale.Spelling"), 0, "{warnings:#?}");
    assert!(warnings.iter().any(|w| w.contains("part-of-speech")));
    let ids: Vec<&str> = guide.rule_sets[0]
        .rules()
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    assert!(!ids.contains(&"Test.Script"));
    assert!(ids.contains(&"Vale.Spelling"), "{ids:?}");
    assert!(ids.contains(&"Test.sub.Nested"), "{ids:?}");
}

#[test]
fn scopes_blockquote_summary_and_raw() {
    let text = "## A paradigm heading\n\nA famous paradigm and synergy.\n\n> A famous paradigm quote.\n\nLine one<br>line two.\n";
    let findings = check("doc.md", text);
    assert_eq!(matched(text, &findings, "Test.Quotes"), ["famous"]);
    let quote = findings.iter().find(|f| f.rule == "Test.Quotes").unwrap();
    assert!(text[..quote.span.start].contains('>'), "only in the quote");
    // Body text only, not the heading nor the quote; "synergy" is accepted.
    let bodies: Vec<usize> = findings
        .iter()
        .filter(|f| f.rule == "Test.Bodies")
        .map(|f| f.span.start)
        .collect();
    assert_eq!(bodies, [text.find("paradigm and").unwrap()]);
    assert_eq!(matched(text, &findings, "Test.Source"), ["<br>"]);
}

#[test]
fn levels_limits_and_settings_per_section() {
    let text = "levelword and loudword, onceword onceword. Then nestedword.\n";
    let findings = check("doc.md", text);
    assert_eq!(one(&findings, "Test.Level").severity, Severity::Error);
    assert_eq!(one(&findings, "Test.Loud").severity, Severity::Warning);
    assert_eq!(matched(text, &findings, "Test.Once"), ["onceword"]);
    assert_eq!(matched(text, &findings, "Test.sub.Nested"), ["nestedword"]);
    assert!(findings.iter().all(|f| f.rule != "Test.Off"));

    // [formats] mdx = md: an .mdx file takes the [*.md] section.
    let mdx = check("page.mdx", text);
    assert_eq!(one(&mdx, "Test.Loud").severity, Severity::Warning);

    // [notes/*.md] turns Test.Hedge off there only.
    let notes = check("notes/today.md", "Basically done here today.\n");
    assert!(notes.iter().all(|f| f.rule != "Test.Hedge"), "{notes:#?}");

    // [*.txt] is based on another style.
    let plain = "Basically a pickyword here.\n";
    let findings = check("notes.txt", plain);
    assert_eq!(matched(plain, &findings, "Other.Picky"), ["pickyword"]);
    assert!(findings.iter().all(|f| !f.rule.starts_with("Test.")));
}

#[test]
fn vocabulary_accepts_and_rejects() {
    let text = "We run kubernetes and Kubernetes. Do not leverage it.\n";
    let findings = check("doc.md", text);
    let terms = one(&findings, "Vale.Terms");
    assert_eq!(&text[terms.span.clone()], "kubernetes");
    assert_eq!(terms.message, "Use 'Kubernetes' instead of 'kubernetes'.");
    assert_eq!(terms.fixes[0].applicability, Applicability::Safe);
    assert_eq!(terms.fixes[0].edits[0].replacement, "Kubernetes");
    let avoid = one(&findings, "Vale.Avoid");
    assert_eq!(avoid.message, "Avoid using 'leverage'.");
    assert_eq!(avoid.severity, Severity::Error);
}

#[test]
fn token_block_and_skipped_scopes_are_ignored() {
    let text = "Basically {{< ref \"basically\" >}} works.\n\n{{< file >}}\n\nBasically inside.\n\n{{< /file >}}\n\n###### Basically small\n\nBasically after.\n";
    let findings = check("doc.md", text);
    let lines: Vec<usize> = findings
        .iter()
        .filter(|f| f.rule == "Test.Hedge")
        .map(|f| text[..f.span.start].matches('\n').count() + 1)
        .collect();
    assert_eq!(lines, [1, 11]);
}

#[test]
fn vale_comments_and_copydesk_directives() {
    let text = "Basically one.\n\n<!-- vale off -->\n\nBasically two, in order to test.\n\n<!-- vale on -->\n\nBasically three.\n\n<!-- vale Test.Hedge = NO -->\n\nBasically four.\n\n<!-- vale Test.Hedge = YES -->\n\n<!-- vale Test = NO -->\n\nBasically five.\n\n<!-- vale Test = YES -->\n\n<!-- copydesk-disable-next-line Test.Hedge -->\nBasically six.\n\nBasically seven.\n";
    let findings = check("doc.md", text);
    let lines: Vec<&str> = findings
        .iter()
        .filter(|f| f.rule == "Test.Hedge")
        .map(|f| &text[f.span.start..f.span.start + text[f.span.start..].find('\n').unwrap()])
        .collect();
    assert_eq!(
        lines,
        ["Basically one.", "Basically three.", "Basically seven."]
    );
    // `vale off` is Vale's: copydesk's own rules still run there.
    assert!(
        findings.iter().any(|f| f.rule == "concise/wordy-phrase"),
        "{findings:#?}"
    );
}

#[test]
fn copydesk_rules_levels_and_selection_apply_to_vale_ids() {
    let guide_text =
        "vale = \".vale.ini\"\n\n[rules]\n\"Test.Hedge\" = \"error\"\n\"Test.Brands\" = \"off\"\n";
    let with_rules = Guide::from_source(
        guide_text,
        GuideSource::File(fixture().join("copydesk.toml")),
    )
    .expect("a guide with a vale key loads");
    let checker = Checker::new(Arc::new(with_rules), CheckOptions::default());
    let text = "Basically on Github.\n";
    let findings = check_with(&checker, "doc.md", text);
    assert_eq!(one(&findings, "Test.Hedge").severity, Severity::Error);
    assert!(findings.iter().all(|f| f.rule != "Test.Brands"));

    let only = Checker::new(
        guide(),
        CheckOptions {
            select: vec!["Test.Hedge".to_owned()],
            ..CheckOptions::default()
        },
    );
    let findings = check_with(&only, "doc.md", "Basically, in order to ship on Github.\n");
    let rules: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, ["Test.Hedge"]);

    let without = Checker::new(
        guide(),
        CheckOptions {
            ignore: vec!["Test".to_owned()],
            ..CheckOptions::default()
        },
    );
    let findings = check_with(&without, "doc.md", "Basically on Github.\n");
    assert!(
        findings.iter().all(|f| !f.rule.starts_with("Test.")),
        "{findings:#?}"
    );
}

#[test]
fn spelling_uses_the_rules_dictionary_and_ignore_files() {
    let text = "The cats sat on the matt and walked. A copydesk dog moved.\n";
    let findings = check("spell/page.md", text);
    let misspelled: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.rule == "Spell.Dictionary")
        .collect();
    let words: Vec<&str> = misspelled.iter().map(|f| &text[f.span.clone()]).collect();
    assert_eq!(words, ["matt"]);
    assert_eq!(misspelled[0].message, "Did you really mean 'matt'?");
    let suggestions: Vec<&str> = misspelled[0]
        .fixes
        .iter()
        .map(|f| f.edits[0].replacement.as_str())
        .collect();
    // Vale's suggestions: nearest dictionary words first, at most five.
    assert_eq!(suggestions, ["mat", "cat", "sat"]);
}

/// Write a Vale setup into a temporary folder.
fn setup(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temporary folder");
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn load_error(files: &[(&str, &str)]) -> String {
    let dir = setup(files);
    match Guide::load(&dir.path().join(".vale.ini")) {
        Ok(_) => panic!("expected an error"),
        Err(error) => error
            .to_string()
            .replace(&dir.path().display().to_string(), "DIR"),
    }
}

#[test]
fn configuration_errors_name_the_file_and_line() {
    assert_eq!(
        load_error(&[
            (
                ".vale.ini",
                "StylesPath = styles\n\n[*]\nBasedOnStyles = Missing\n"
            ),
            ("styles/.keep", ""),
        ]),
        "DIR/.vale.ini:4: style “Missing” not found: expected the folder DIR/styles/Missing (StylesPath is DIR/styles)"
    );
    assert_eq!(
        load_error(&[
            (".vale.ini", "StylesPath = styles\n\n[*]\nGone.Rule = YES\n"),
            ("styles/.keep", ""),
        ]),
        "DIR/.vale.ini:4: rule “Gone.Rule” not found: expected the file DIR/styles/Gone/Rule.yml"
    );
    assert_eq!(
        load_error(&[(".vale.ini", "StylesPath = nowhere\n")]),
        "DIR/.vale.ini:1: StylesPath “DIR/nowhere” is not a folder"
    );
    assert_eq!(
        load_error(&[
            (
                ".vale.ini",
                "StylesPath = styles\n\n[*]\nBasedOnStyles = S\nS.Rule = loud\n"
            ),
            (
                "styles/S/Rule.yml",
                "extends: existence\nmessage: x\ntokens: [a]\n"
            ),
        ]),
        "DIR/.vale.ini:5: “S.Rule = loud”: expected YES, NO, suggestion, warning or error"
    );
    let bad_yaml = load_error(&[
        (
            ".vale.ini",
            "StylesPath = styles\n\n[*]\nBasedOnStyles = S\n",
        ),
        (
            "styles/S/Rule.yml",
            "extends: existence\nmessage: x\ntokens: [a, b\n",
        ),
    ]);
    assert!(bad_yaml.starts_with("DIR/styles/S/Rule.yml:"), "{bad_yaml}");
    assert_eq!(
        load_error(&[
            (
                ".vale.ini",
                "StylesPath = styles\n\n[*]\nBasedOnStyles = S\n"
            ),
            ("styles/S/Rule.yml", "extends: existance\nmessage: x\n"),
        ]),
        "DIR/styles/S/Rule.yml: “extends: existance” is not a Vale extension point (expected one of existence, substitution, occurrence, repetition, consistency, conditional, capitalization, metric, sequence, spelling, script, readability)"
    );
    assert_eq!(
        load_error(&[
            (".vale.ini", "StylesPath = styles\nVocab = Nope\n"),
            ("styles/.keep", ""),
        ]),
        "DIR/.vale.ini:2: vocabulary “Nope” not found: expected the folder DIR/styles/config/vocabularies/Nope"
    );
}

#[test]
fn rule_files_load_leniently() {
    // A repeated key (the later wins) and a backslash YAML has no escape
    // for, as Vale's loader accepts them.
    let dir = setup(&[
        (
            ".vale.ini",
            "StylesPath = styles\n\n[*]\nBasedOnStyles = S\n",
        ),
        (
            "styles/S/Rule.yml",
            "extends: existence\nmessage: first\nmessage: \"'%s' found.\"\nnonword: true\ntokens:\n  - \"e\\.g\\.\"\n",
        ),
    ]);
    let guide = Guide::load(&dir.path().join(".vale.ini")).expect("loads");
    let checker = Checker::new(Arc::new(guide), CheckOptions::default());
    let path = dir.path().join("a.md");
    let text = "Tools, e.g. linters, help.\n";
    let (_, findings) = checker.check_text_at(text, DocumentKind::Markdown, Some(&path));
    assert_eq!(
        hits(text, &findings, "S.Rule"),
        [("e.g.".to_owned(), "'e.g.' found.".to_owned())]
    );
}

/// The seven public packages in ../shared/vale-styles (or
/// $COPYDESK_VALE_STYLES): every one loads and runs on a post.
fn shared_styles() -> Option<PathBuf> {
    let path = std::env::var_os("COPYDESK_VALE_STYLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/vale-styles"));
    if path.is_dir() {
        return Some(path);
    }
    // Not `common::skip`: that fails under scripts/test, which can install
    // tools from the registries. These packages live on GitHub, which CI
    // cannot reach, so a clone without ../shared beside it cannot have
    // them; the fixture styles above cover every rule type regardless.
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: Vale style packages not found at {} (set COPYDESK_VALE_STYLES; they come from GitHub, not a registry, so scripts/test cannot install them)",
        path.display()
    );
    None
}

const POST: &str = "# Why We Migrated Our Docs\n\nWe utilize a lot of tools, and it is very important that the the team be able to ship. In order to do this, we basically rewrote everything!\n\nThe API is extremely fast. He said that it was obviously simple; it was implemented by the rockstar ninja engineers.\n\n- There are many reasons.\n- Click here to learn more e.g. about the CLI.\n\nOrganizational interoperability considerations necessitate comprehensive institutional documentation standardization initiatives across multidisciplinary departments.\n";

#[test]
fn the_seven_public_packages_load_and_run() {
    let Some(styles) = shared_styles() else {
        return;
    };
    let packages = [
        "Google",
        "Microsoft",
        "write-good",
        "proselint",
        "alex",
        "Joblint",
        "Readability",
    ];
    for package in packages {
        let dir = setup(&[(
            ".vale.ini",
            &format!(
                "StylesPath = styles\nMinAlertLevel = suggestion\n\n[*.md]\nBasedOnStyles = {package}\n"
            ),
        )]);
        // Inside the project, where a Vale configuration may read.
        copy_folder(
            &styles.join(package),
            &dir.path().join("styles").join(package),
        );
        let guide = Guide::load(&dir.path().join(".vale.ini")).unwrap_or_excerpt_panic(package);
        let set = &guide.rule_sets[0];
        let files = std::fs::read_dir(styles.join(package))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "yml"))
            })
            .count();
        assert_eq!(
            set.rules().len(),
            files,
            "{package}: every rule file loads: {:#?}",
            set.warnings()
        );
        assert!(
            set.warnings().is_empty(),
            "{package}: {:#?}",
            set.warnings()
        );
        let checker = Checker::new(Arc::new(guide), CheckOptions::default());
        let path = dir.path().join("post.md");
        let (_, findings) = checker.check_text_at(POST, DocumentKind::Markdown, Some(&path));
        let ids: Vec<&str> = findings
            .iter()
            .map(|f| f.rule.as_str())
            .filter(|id| id.starts_with(&format!("{package}.")))
            .collect();
        let expected: &[&str] = match package {
            "Google" => &[
                "Google.We",
                "Google.Exclamation",
                "Google.Latin",
                "Google.Headings",
            ],
            "Microsoft" => &[
                "Microsoft.Contractions",
                "Microsoft.We",
                "Microsoft.Adverbs",
            ],
            "write-good" => &[
                "write-good.Weasel",
                "write-good.Passive",
                "write-good.ThereIs",
            ],
            "proselint" => &["proselint.Very"],
            "alex" => &["alex.Condescending"],
            "Joblint" => &["Joblint.DumbTitles", "Joblint.Gendered"],
            _ => &["Readability.FleschKincaid"],
        };
        for id in expected {
            assert!(ids.contains(id), "{package}: expected {id} in {ids:?}");
        }
    }
}

trait ExcerptPanic<T> {
    fn unwrap_or_excerpt_panic(self, what: &str) -> T;
}

impl<T, E: std::fmt::Display> ExcerptPanic<T> for Result<T, E> {
    fn unwrap_or_excerpt_panic(self, what: &str) -> T {
        self.unwrap_or_else(|error| panic!("{what} does not load: {error}"))
    }
}

/// A project folder whose `.vale.ini` uses the fixture styles, and no
/// copydesk.toml.
fn vale_project(doc: &str) -> tempfile::TempDir {
    // A copy inside the project: a Vale configuration may only name files
    // inside its own project.
    let dir = setup(&[
        (
            ".vale.ini",
            "StylesPath = styles\nVocab = Blog\n\n[*.md]\nBasedOnStyles = Test\nTest.Grade = NO\nTest.Short = NO\n",
        ),
        ("doc.md", doc),
    ]);
    copy_folder(&fixture().join("styles"), &dir.path().join("styles"));
    dir
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_folder(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

const CLI_DOC: &str = "# notes\n\nBasically, we utilize it.\n\nIt is “great” and masterful.\n";

#[test]
fn cli_finds_vale_ini_without_a_guide_and_prints_vale_line() {
    let dir = vale_project(CLI_DOC);
    let output = common::run_in(
        dir.path(),
        &[
            "check",
            "doc.md",
            "--format",
            "vale-line",
            "--select",
            "Test.Titles,Test.Hedge,Test.Swap",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", common::stderr(&output));
    assert_eq!(
        common::stdout(&output),
        "doc.md:1:3:Test.Titles:'notes' should be in title case ('Notes').\n\
         doc.md:3:1:Test.Hedge:Consider removing 'Basically'.\n\
         doc.md:3:15:Test.Swap:Use 'use' instead of 'utilize'.\n\
         doc.md:5:1:Test.Swap:Use 'it's' instead of 'It is'.\n\
         doc.md:5:19:Test.Swap:Use 'skilled' or 'authoritative' instead of 'masterful'.\n"
    );
}

#[test]
fn cli_prints_vale_json() {
    let dir = vale_project(CLI_DOC);
    let output = common::run_in(
        dir.path(),
        &[
            "check",
            "doc.md",
            "--format",
            "vale-json",
            "--select",
            "Test.Swap,Test.Hedge",
        ],
    );
    insta::assert_snapshot!("vale_json", common::stdout(&output));
}

#[test]
fn cli_lists_vale_rules_with_their_source() {
    let dir = vale_project(CLI_DOC);
    let output = common::run_in(dir.path(), &["rules"]);
    let listing = common::stdout(&output);
    assert!(listing.contains("concise/wordy-phrase"), "{listing}");
    let styles = dir.path().join("styles");
    let line = listing
        .lines()
        .find(|line| line.starts_with("Test.Swap "))
        .unwrap_or_else(|| panic!("Test.Swap listed: {listing}"));
    assert!(line.contains("warning"), "{line}");
    assert!(line.contains("safe"), "{line}");
    assert!(
        line.ends_with(&styles.join("Test/Swap.yml").display().to_string()),
        "{line}"
    );
    let docs = common::stdout(&common::run_in(dir.path(), &["rules", "Test.Hedge"]));
    assert!(docs.starts_with("# Test.Hedge\n"), "{docs}");
    assert!(docs.contains("Hedges weaken a claim."), "{docs}");
}

#[test]
fn cli_reports_a_broken_vale_ini_with_file_and_line() {
    let dir = setup(&[
        (
            ".vale.ini",
            "StylesPath = .\n\n[*]\nBasedOnStyles = Nowhere\n",
        ),
        ("doc.md", "Hello there.\n"),
    ]);
    let output = common::run_in(dir.path(), &["check", "doc.md"]);
    assert_eq!(output.status.code(), Some(2));
    let error = common::stderr(&output);
    assert!(
        error.contains(".vale.ini:4: style “Nowhere” not found"),
        "{error}"
    );
}

#[test]
fn cli_prefers_a_copydesk_guide_above_a_vale_ini() {
    let dir = vale_project(CLI_DOC);
    std::fs::write(dir.path().join("copydesk.toml"), "").unwrap();
    let output = common::run_in(dir.path(), &["check", "doc.md", "--format", "concise"]);
    assert!(
        !common::stdout(&output).contains("Test."),
        "{}",
        common::stdout(&output)
    );
    std::fs::write(dir.path().join("copydesk.toml"), "vale = \".vale.ini\"\n").unwrap();
    let output = common::run_in(dir.path(), &["check", "doc.md", "--format", "concise"]);
    // Test.Hedge is a suggestion, below Vale's default MinAlertLevel
    // (warning); Test.Swap is a warning.
    let out = common::stdout(&output);
    assert!(out.contains("[Test.Swap]"), "{out}");
    assert!(!out.contains("[Test.Hedge]"), "{out}");
}

#[test]
fn cli_selects_a_whole_style_by_name() {
    let dir = vale_project(CLI_DOC);
    let output = common::run_in(
        dir.path(),
        &[
            "check", "doc.md", "--format", "concise", "--quiet", "--select", "Test",
        ],
    );
    let out = common::stdout(&output);
    let rules: Vec<&str> = out
        .lines()
        .filter_map(|line| line.split('[').nth(1)?.split(']').next())
        .collect();
    assert!(!rules.is_empty(), "{out}\n{}", common::stderr(&output));
    assert!(rules.iter().all(|rule| rule.starts_with("Test.")), "{out}");
}

#[test]
fn doctor_reports_the_styles_and_what_it_skips() {
    // A writer asking "why does Vale.Spelling never fire?" gets the answer
    // from `copydesk doctor`, not by reading the source.
    let output = common::copydesk()
        .args(["doctor", "--config"])
        .arg(fixture().join(".vale.ini"))
        .env("NO_COLOR", "1")
        .output()
        .expect("copydesk runs");
    let text = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("rules:     Vale styles only"), "{text}");
    assert!(text.contains("styles:    Vale styles from "), "{text}");
    assert!(
        text.contains("warning: Test.Script (") && text.contains("module “os” is refused"),
        "{text}"
    );
    // The bundled en_US dictionary: Vale.Spelling is not among the skipped.
    assert!(!text.contains("warning: Vale.Spelling"), "{text}");

    // The built-in guide has no styles to report.
    let dir = tempfile::tempdir().expect("temp dir");
    let output = common::run_in(dir.path(), &["doctor"]);
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("built-in default guide"), "{text}");
    assert!(!text.contains("styles:"), "{text}");
}
