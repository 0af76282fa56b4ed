//! Fuzzing the document model with proptest: arbitrary Markdown, MDX and
//! plain text (any Unicode, CR/LF mixes, front matter fragments) parses
//! without panicking; every range it returns is on char boundaries; line
//! positions round-trip in UTF-8, UTF-16 and chars; checking and fixing
//! never panic and fixes never overlap.
//!
//! Cases per property: `COPYDESK_FUZZ_CASES` (default 64, for `cargo
//! test`); `scripts/test.d/20-fuzz.sh` runs many more. Failing inputs are
//! kept in `proptest-regressions/fuzz_document.txt` and replayed first.

use crate::common;

use std::ops::Range;

use copydesk::check::{CheckOptions, Checker};
use copydesk::document::{ColumnUnit, Document, DocumentKind, LineCol};
use copydesk::fix::{Applicability, apply_edits, non_overlapping};
use copydesk::guide::Guide;
use proptest::prelude::*;

fn checker() -> &'static Checker {
    static CHECKER: std::sync::LazyLock<Checker> =
        std::sync::LazyLock::new(|| Checker::new(Guide::builtin(), CheckOptions::default()));
    &CHECKER
}

/// Text from pieces that stress the parsers and positions, with arbitrary
/// characters between them.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        // Line endings, mixed.
        Just("\n".to_owned()),
        Just("\r\n".to_owned()),
        Just("\r".to_owned()),
        Just("\n\n".to_owned()),
        // Front matter fences and fragments, also at the very start.
        Just("---\n".to_owned()),
        Just("---\r\n".to_owned()),
        Just("+++\n".to_owned()),
        Just("title: x\n".to_owned()),
        Just("key = \"v\"\n".to_owned()),
        Just(": [\n".to_owned()),
        Just("\u{feff}".to_owned()),
        // Markdown and MDX syntax.
        Just("# ".to_owned()),
        Just("- ".to_owned()),
        Just("> ".to_owned()),
        Just("```".to_owned()),
        Just("`".to_owned()),
        Just("**".to_owned()),
        Just("_".to_owned()),
        Just("[x](https://e.com)".to_owned()),
        Just("![i](a.png)".to_owned()),
        Just("| a | b |\n|---|---|\n".to_owned()),
        Just("[^1]: note\n".to_owned()),
        Just("<!-- copydesk-disable -->".to_owned()),
        Just("<!-- copydesk-enable concise -->".to_owned()),
        Just("<div>".to_owned()),
        Just("&amp;".to_owned()),
        Just("\\*".to_owned()),
        Just("import X from 'y'\n".to_owned()),
        Just("export const a = 1\n".to_owned()),
        Just("<Comp prop={1} />".to_owned()),
        Just("{expr}".to_owned()),
        // Prose rules react to.
        Just("in order to".to_owned()),
        Just("due to the fact that".to_owned()),
        Just("really very".to_owned()),
        Just("Github".to_owned()),
        Just(". ".to_owned()),
        // Wide characters.
        Just("😀".to_owned()),
        Just("👩‍💻".to_owned()),
        Just("东京".to_owned()),
        Just("e\u{301}".to_owned()),
        Just("\u{0}".to_owned()),
        "[a-zA-Z ,.!?'’]{1,10}",
        any::<char>().prop_map(|c| c.to_string()),
        "\\PC{1,6}",
    ];
    prop::collection::vec(piece, 0..80).prop_map(|pieces| pieces.concat())
}

fn kinds() -> impl Strategy<Value = DocumentKind> {
    prop_oneof![
        Just(DocumentKind::Markdown),
        Just(DocumentKind::Mdx),
        Just(DocumentKind::PlainText),
        Just(DocumentKind::GitCommit)
    ]
}

fn on_boundaries(text: &str, range: &Range<usize>) -> Result<(), TestCaseError> {
    prop_assert!(
        range.start <= range.end && range.end <= text.len(),
        "range {range:?} outside a {}-byte text",
        text.len()
    );
    prop_assert!(
        text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
        "range {range:?} splits a character in {text:?}"
    );
    Ok(())
}

proptest! {
    #![proptest_config(common::fuzz::config("fuzz_document"))]

    #[test]
    fn parsing_never_panics_and_every_range_is_on_char_boundaries(text in text(), kind in kinds()) {
        let document = Document::parse(text.clone(), kind);
        prop_assert_eq!(document.text(), text.as_str());
        if let Some(front_matter) = &document.front_matter {
            on_boundaries(&text, &front_matter.span)?;
        }
        for directive in &document.directives {
            on_boundaries(&text, &directive.span)?;
        }
        for comment in &document.comments {
            on_boundaries(&text, comment)?;
        }
        for block in &document.blocks {
            on_boundaries(&text, &block.span())?;
            for range in block.words.iter().chain(&block.sentences) {
                on_boundaries(&block.prose.text, range)?;
                on_boundaries(&text, &block.source_range(range.clone()))?;
            }
        }
    }

    #[test]
    fn line_positions_round_trip_in_every_unit(text in text()) {
        let document = Document::parse(text.clone(), DocumentKind::PlainText);
        let bytes = text.as_bytes();
        for (offset, c) in text.char_indices().chain(std::iter::once((text.len(), ' '))) {
            // Between `\r` and `\n` is inside a line terminator: no
            // position names it.
            let inside_crlf = offset > 0 && bytes[offset - 1] == b'\r' && bytes.get(offset) == Some(&b'\n');
            for unit in [ColumnUnit::Utf8, ColumnUnit::Utf16, ColumnUnit::Char] {
                let position = document.position(offset, unit);
                if !inside_crlf {
                    prop_assert_eq!(document.offset(position, unit), offset, "{:?} at {:?}", unit, position);
                }
                // One unit into a wide character is inside it: the offset
                // rounds down to it and says so.
                let width = match unit {
                    ColumnUnit::Utf8 => c.len_utf8(),
                    ColumnUnit::Utf16 => c.len_utf16(),
                    ColumnUnit::Char => 1,
                };
                if width > 1 && offset < text.len() && !inside_crlf {
                    let inside = LineCol { line: position.line, col: position.col + 1 };
                    let (floor, split) = document.line_index.offset_split(&text, inside, unit);
                    prop_assert_eq!((floor, split), (offset, true), "{:?} inside {:?}", unit, c);
                }
            }
        }
        // Any position at all lands on a char boundary.
        let lines = document.line_index.line_count() as u32;
        for line in 0..=lines {
            for col in [0, 1, 2, 3, 5, 8, 1000] {
                for unit in [ColumnUnit::Utf8, ColumnUnit::Utf16, ColumnUnit::Char] {
                    let offset = document.offset(LineCol { line, col }, unit);
                    prop_assert!(offset <= text.len() && text.is_char_boundary(offset));
                }
            }
        }
    }

    #[test]
    fn checking_and_fixing_never_panic_and_fixes_never_overlap(text in text(), kind in kinds()) {
        let checker = checker();
        let (_, findings) = checker.check_text(&text, kind);
        for finding in &findings {
            on_boundaries(&text, &finding.span)?;
            for fix in &finding.fixes {
                for edit in &fix.edits {
                    on_boundaries(&text, &edit.range)?;
                }
                // A fix's own edits never overlap, so it always applies.
                prop_assert!(apply_edits(&text, &fix.edits).is_ok(), "{:?} in {:?}", fix, text);
            }
        }
        // The fixes chosen together never overlap, and apply together.
        let chosen: Vec<_> = non_overlapping(findings.iter().flat_map(|f| f.fixes.first())).into_iter().collect();
        let edits: Vec<_> = chosen.iter().flat_map(|fix| fix.edits.iter().cloned()).collect();
        prop_assert!(apply_edits(&text, &edits).is_ok(), "{:?} in {:?}", edits, text);
        for min in [Applicability::Safe, Applicability::Unsafe] {
            let outcome = checker.fix_text(&text, kind, min);
            // The fixed text still parses and checks.
            let _ = checker.check_text(&outcome.text, kind);
        }
    }
}
