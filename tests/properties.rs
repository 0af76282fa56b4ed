//! Property tests: positions round-trip on any Unicode; parsing never
//! panics and every range it returns is exact; fixes touch only their
//! ranges; applying Safe fixes converges without creating findings.

use copydesk::check::{CheckOptions, Checker};
use copydesk::document::{ColumnUnit, Document, DocumentKind};
use copydesk::fix::{Applicability, apply_edits};
use copydesk::guide::Guide;
use proptest::prelude::*;

/// Building a checker compiles every term table; do it once.
fn checker() -> &'static Checker {
    static CHECKER: std::sync::LazyLock<Checker> =
        std::sync::LazyLock::new(|| Checker::new(Guide::builtin(), CheckOptions::default()));
    &CHECKER
}

/// Text built from pieces that stress positions: emoji (surrogate pairs),
/// CJK, combining marks, CRLF, tabs, Markdown syntax.
fn unicode_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("a".to_owned()),
        Just(" ".to_owned()),
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\t".to_owned()),
        Just("😀".to_owned()),
        Just("👩‍💻".to_owned()),
        Just("东京".to_owned()),
        Just("e\u{301}".to_owned()),
        Just("**".to_owned()),
        Just("`".to_owned()),
        Just("[x](https://e.com)".to_owned()),
        Just("# ".to_owned()),
        Just("- ".to_owned()),
        Just("> ".to_owned()),
        Just("<!-- c -->".to_owned()),
        Just("---\n".to_owned()),
        "[a-zA-Z ,.!?'’]{1,8}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

/// Prose assembled from words and phrases that rules care about.
fn draft_text() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        Just("in order to"),
        Just("end result"),
        Just("really"),
        Just("Basically,"),
        Just("very"),
        Just("Github"),
        Just("FREE"),
        Just("was written"),
        Just("due to the fact that"),
        Just("each and every"),
        Just("make a decision"),
        Just("I just wanted to say that"),
        Just("synergy"),
        Just("chairman"),
        Just("we"),
        Just("ship"),
        Just("the"),
        Just("team"),
        Just("😀"),
        Just("东京"),
        Just("!!"),
        Just("."),
        Just(","),
        Just("\n"),
        Just("\n\n"),
        Just("*"),
        Just("**"),
    ];
    prop::collection::vec(word, 1..40).prop_map(|words| words.join(" "))
}

fn kinds() -> impl Strategy<Value = DocumentKind> {
    prop_oneof![
        Just(DocumentKind::Markdown),
        Just(DocumentKind::PlainText),
        Just(DocumentKind::GitCommit)
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn positions_round_trip(text in unicode_text()) {
        let document = Document::parse(text.clone(), DocumentKind::Markdown);
        for (offset, _) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            // Between `\r` and `\n` is inside a line terminator: no position
            // names it, and editors never send one.
            if offset > 0 && text.as_bytes()[offset - 1] == b'\r' && text.as_bytes().get(offset) == Some(&b'\n') {
                continue;
            }
            for unit in [ColumnUnit::Utf8, ColumnUnit::Utf16, ColumnUnit::Char] {
                let position = document.position(offset, unit);
                let back = document.offset(position, unit);
                prop_assert_eq!(back, offset, "unit {:?}, position {:?}", unit, position);
            }
        }
    }

    #[test]
    fn parsing_returns_exact_ranges(text in unicode_text(), kind in kinds()) {
        let document = Document::parse(text.clone(), kind);
        for block in &document.blocks {
            let span = block.span();
            prop_assert!(span.start <= span.end && span.end <= text.len());
            prop_assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            for range in block.words.iter().chain(&block.sentences) {
                let source = block.source_range(range.clone());
                prop_assert!(source.end <= text.len());
                prop_assert!(text.is_char_boundary(source.start) && text.is_char_boundary(source.end));
                let prose = &block.prose.text[range.clone()];
                let atoms_inside = prose.contains(copydesk::document::PLACEHOLDER)
                    || text[source.clone()].contains(['&', '\\']);
                if let Some(clean) = block.prose.clean_source_range(range.clone(), &text).filter(|_| !atoms_inside) {
                    // A clean range reads the same as the prose, up to whitespace.
                    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
                    prop_assert_eq!(squash(&text[clean]), squash(prose));
                }
            }
        }
    }

    #[test]
    fn each_fix_changes_only_its_ranges(text in draft_text()) {
        let checker = checker();
        let (_, findings) = checker.check_text(&text, DocumentKind::Markdown);
        for finding in &findings {
            for fix in &finding.fixes {
                let fixed = apply_edits(&text, &fix.edits).expect("a fix's edits apply");
                let range = fix.range().expect("a fix has edits");
                prop_assert_eq!(&fixed[..range.start], &text[..range.start]);
                let tail = text.len() - range.end;
                prop_assert_eq!(&fixed[fixed.len() - tail..], &text[range.end..]);
            }
        }
    }

    #[test]
    fn safe_fixes_converge_without_new_findings(text in draft_text()) {
        let checker = checker();
        let (_, before) = checker.check_text(&text, DocumentKind::Markdown);
        let outcome = checker.fix_text(&text, DocumentKind::Markdown, Applicability::Safe);
        let again = checker.fix_text(&outcome.text, DocumentKind::Markdown, Applicability::Safe);
        prop_assert_eq!(&again.text, &outcome.text, "a second pass changes nothing");
        // A rule's own fixes must not create findings of that rule; other
        // rules may legitimately react (removing an opener can make two
        // paragraphs start alike).
        let fixing_rules = copydesk::rules::registry()
            .iter()
            .filter(|f| f.meta.fixable != copydesk::rules::Fixable::No)
            .map(|f| f.meta.id);
        for rule in fixing_rules {
            let count = |findings: &[copydesk::Finding]| findings.iter().filter(|f| f.rule == rule).count();
            prop_assert!(
                count(&outcome.findings) <= count(&before),
                "fixing created {} findings: {:?} → {:?}", rule, text, outcome.text
            );
        }
    }
}
