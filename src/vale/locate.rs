//! Where Vale prints a finding, for `--format vale-line`/`vale-json`.
//!
//! copydesk knows each match's exact place in the source. Vale does not: it
//! finds the matched text again in the source line, and that search decides
//! what it prints. So that Vale's output formats print what Vale prints,
//! findings are placed as Vale places them (copydesk's own formats keep the
//! exact places):
//!
//! - In a block on one line, the match is looked up in that line: the first
//!   occurrence of its text between word edges (else anywhere), where the
//!   first occurrence of each earlier match of the same rule in the block
//!   is blanked out. Two matches that land on the same line and column are
//!   one finding (Vale reports `is` once in "This is a very important
//!   sentence. There is …": its first `is` blanks the `is` inside "This").
//! - A match whose text is not in the source (it spans markup, such as a
//!   repetition across a link) is placed at column 1 of the first line of
//!   the block that holds every word of its sentence.
//! - A `script` rule's match on the raw source is looked up in the whole
//!   file the same way: the first occurrence of its text between word
//!   edges, with the rule's earlier matches blanked out (a script that
//!   reports bytes 1 to 2 of a file starting `---` is printed where the
//!   first `-` between word edges is, say in a date further down).

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::document::{Block, Document};
use crate::finding::Finding;

/// Blocks longer than this (in source bytes) keep their findings where they
/// matched: Vale's look-up costs a scan of the block for every finding.
const LONGEST_BLOCK: usize = 10_000;

/// The text a Vale rule matched in, which Vale looks the match up in again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MatchedIn {
    /// The source itself (`scope: raw`): the finding is where Vale puts it.
    Raw,
    /// The source, by a `script` rule: looked up in the whole file.
    Source,
    /// A block's prose.
    Block,
    /// One sentence of a block's prose.
    Sentence,
}

/// Place Vale findings where Vale prints them, and drop those that land
/// where the same rule already reported. `unit(rule)` says what each rule
/// matched in (findings of rules it does not know are left as they are).
pub fn place_as_vale(
    document: &Document,
    findings: &mut Vec<Finding>,
    unit: impl Fn(&str) -> Option<MatchedIn>,
) {
    if document.blocks.is_empty() && !findings.is_empty() {
        // Findings from the result cache come with the text unparsed.
        let mut parsed = Document::parse(document.text(), document.kind());
        if let Some(path) = document.path() {
            parsed = parsed.with_path(path);
        }
        if !parsed.blocks.is_empty() {
            place_as_vale(&parsed, findings, unit);
            return;
        }
    }
    let source = document.text();
    let index = &document.line_index;
    findings.sort_by_key(|f| f.span.start);
    // The line as Vale's search sees it, per rule and block.
    let mut lines: HashMap<(String, usize, usize), Vec<char>> = HashMap::new();
    // The file as Vale's search sees it, per script rule, and how many
    // matches were looked up in it.
    let mut files: HashMap<String, (String, usize)> = HashMap::new();
    for finding in findings.iter_mut() {
        if unit(&finding.rule) == Some(MatchedIn::Source) {
            place_in_file(source, finding, &mut files);
            continue;
        }
        let Some(matched_in @ (MatchedIn::Block | MatchedIn::Sentence)) = unit(&finding.rule)
        else {
            continue;
        };
        let Some(b) = block_at(document, finding.span.start) else {
            continue;
        };
        let block = &document.blocks[b];
        let block_span = block.span();
        if block_span.len() > LONGEST_BLOCK {
            continue;
        }
        let prose = prose_range(block, finding.span.clone());
        let Some(matched) = block
            .text()
            .get(prose.clone())
            .filter(|m| !m.is_empty() && !m.contains(crate::document::PLACEHOLDER))
        else {
            continue;
        };
        let first_line = index.line_of(block_span.start);
        let last_line = index.line_of(block_span.end.saturating_sub(1).max(block_span.start));
        let one_line = last_line == first_line;
        let len = finding.span.len();
        if one_line {
            let line_start = index.line_start(first_line);
            let line = index.line_text(source, first_line);
            // Vale starts again for each unit it runs a rule on.
            let sentence = block
                .sentences
                .iter()
                .position(|s| s.start <= prose.start && prose.start < s.end);
            let (key, unit_text) = match (matched_in, sentence) {
                (MatchedIn::Sentence, Some(i)) => (i, &block.text()[block.sentences[i].clone()]),
                _ => (usize::MAX, block.text()),
            };
            let seen = lines
                .entry((finding.rule.clone(), b, key))
                .or_insert_with(|| {
                    // Earlier blocks on the line are already read.
                    line.char_indices()
                        .map(|(i, c)| {
                            if line_start + i < block_span.start {
                                '@'
                            } else {
                                c
                            }
                        })
                        .collect()
                });
            let mut text: String = seen.iter().collect();
            // When the unit stands in the line as it is, Vale looks from
            // there on.
            if let Some(at) = text.find(unit_text) {
                let before = text[..at].chars().count();
                text = std::iter::repeat_n('@', before)
                    .chain(text[at..].chars())
                    .collect();
            }
            if let Some(at) = find_word(&text, matched).or_else(|| text.find(matched)) {
                let column = text[..at].chars().count();
                let byte = line
                    .char_indices()
                    .nth(column)
                    .map_or(line.len(), |(i, _)| i);
                finding.span = line_start + byte..(line_start + byte + len).min(source.len());
                blank_first(seen, matched);
                continue;
            }
        } else if source
            .get(index.line_start(first_line)..block_span.end)
            .is_some_and(|lines| lines.contains(matched))
        {
            continue;
        }
        if let Some(line) = line_with_sentence(document, block, first_line..=last_line, prose) {
            let start = index.line_start(line);
            finding.span = start..(start + len).min(source.len());
        }
    }
    let mut reported: HashSet<(String, usize)> = HashSet::new();
    findings.retain(|f| reported.insert((f.rule.clone(), f.span.start)));
}

/// Files longer than this, and matches after this many per rule, keep
/// their places: each look-up scans the file.
const LONGEST_FILE: usize = 1 << 20;
const MOST_LOOKUPS: usize = 1_000;

/// Place a script's match as Vale does (see the module docs): the first
/// occurrence of its text between word edges in the file (else anywhere),
/// where the rule's earlier matches are blanked out, byte for byte so that
/// offsets stay those of the source.
fn place_in_file(
    source: &str,
    finding: &mut Finding,
    files: &mut HashMap<String, (String, usize)>,
) {
    let Some(matched) = source.get(finding.span.clone()).filter(|m| !m.is_empty()) else {
        return;
    };
    if source.len() > LONGEST_FILE {
        return;
    }
    let (seen, lookups) = files
        .entry(finding.rule.clone())
        .or_insert_with(|| (source.to_owned(), 0));
    *lookups += 1;
    if *lookups > MOST_LOOKUPS {
        return;
    }
    if let Some(at) = find_word(seen, matched).or_else(|| seen.find(matched)) {
        finding.span = at..at + matched.len();
    }
    // Vale blanks the first occurrence, wherever the match was placed.
    if let Some(first) = seen.find(matched) {
        let blank: String = matched
            .bytes()
            .map(|b| if b == b'\n' { '\n' } else { '#' })
            .collect();
        seen.replace_range(first..first + matched.len(), &blank);
    }
}

/// The block whose source holds `at`.
fn block_at(document: &Document, at: usize) -> Option<usize> {
    let blocks = &document.blocks;
    let next = blocks.partition_point(|b| b.span().start <= at);
    (1..=next)
        .rev()
        .take(4)
        .map(|i| i - 1)
        .find(|&i| blocks[i].span().contains(&at))
}

/// The prose range of a block that maps to `span` in the source (both
/// mappings grow with the prose offset, so they are searched by halves).
fn prose_range(block: &Block, span: Range<usize>) -> Range<usize> {
    let text = block.text();
    let offsets: Vec<usize> = (0..=text.len())
        .filter(|&p| text.is_char_boundary(p))
        .collect();
    let first = offsets.partition_point(|&p| block.source_range(p..p).start < span.start);
    let start = offsets.get(first).copied().unwrap_or(text.len());
    let rest = &offsets[first.min(offsets.len())..];
    let within =
        rest.partition_point(|&p| p == start || block.source_range(start..p).end <= span.end);
    let end = rest[..within].last().copied().unwrap_or(start);
    start..end
}

/// The first occurrence of `needle` in `text` with a word edge (or `_`) on
/// both sides, as Vale looks a match up (`\b` is ASCII, as in Go).
fn find_word(text: &str, needle: &str) -> Option<usize> {
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let first = needle.chars().next();
    let last = needle.chars().next_back();
    text.match_indices(needle).map(|(at, _)| at).find(|&at| {
        let before = text[..at].chars().next_back();
        let after = text[at + needle.len()..].chars().next();
        (before.is_none() || before == Some('_') || word(before) != word(first))
            && (after.is_none() || after == Some('_') || word(last) != word(after))
    })
}

/// Blank out the first occurrence of `matched`, as Vale does after a
/// report, so the rule's next match is looked up past it.
fn blank_first(line: &mut [char], matched: &str) {
    let needle: Vec<char> = matched.chars().collect();
    if needle.is_empty() || needle.len() > line.len() {
        return;
    }
    if let Some(at) =
        (0..=line.len() - needle.len()).find(|&i| line[i..i + needle.len()] == needle[..])
    {
        for c in &mut line[at..at + needle.len()] {
            *c = '#';
        }
    }
}

/// The first of the block's lines that holds every word of the sentence
/// around `prose` (Vale's guess when a match is not in the text).
fn line_with_sentence(
    document: &Document,
    block: &Block,
    lines: std::ops::RangeInclusive<usize>,
    prose: Range<usize>,
) -> Option<usize> {
    let sentence = block
        .sentences
        .iter()
        .find(|s| s.start <= prose.start && prose.end <= s.end)?;
    let words: Vec<&str> = block.text()[sentence.clone()]
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() || block.text()[sentence.clone()].contains(crate::document::PLACEHOLDER) {
        return None;
    }
    let index = &document.line_index;
    lines.into_iter().find(|&line| {
        let text = index.line_text(document.text(), line);
        words.iter().all(|w| text.contains(w))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::DocumentKind;

    fn placed(text: &str, spans: &[(&str, Range<usize>)]) -> Vec<(String, usize)> {
        let document = Document::parse(text, DocumentKind::Markdown);
        let mut findings: Vec<Finding> = spans
            .iter()
            .map(|(rule, span)| {
                Finding::new(
                    rule,
                    span.clone(),
                    crate::finding::Severity::Warning,
                    String::new(),
                )
            })
            .collect();
        place_as_vale(&document, &mut findings, |rule| {
            Some(if rule.ends_with("Sentence") {
                MatchedIn::Sentence
            } else {
                MatchedIn::Block
            })
        });
        findings
            .into_iter()
            .map(|f| (f.rule, f.span.start))
            .collect()
    }

    #[test]
    fn a_second_match_found_where_the_first_was_is_one_finding() {
        let text = "This is a very important sentence. There is a sentence here too.\n";
        let second = text.rfind(" is ").unwrap() + 1;
        assert_eq!(
            placed(text, &[("S.R", 5..7), ("S.R", second..second + 2)]),
            [("S.R".to_owned(), 5)]
        );
        // Another rule's match is its own.
        assert_eq!(
            placed(text, &[("S.R", 5..7), ("S.Q", second..second + 2)]).len(),
            2
        );
    }

    #[test]
    fn a_very_long_block_keeps_exact_places() {
        let text = format!(
            "This is a start. There is more{}.\n",
            " and more".repeat(LONGEST_BLOCK / 9)
        );
        let second = text.find("There is").unwrap() + 6;
        assert_eq!(
            placed(&text, &[("S.R", 5..7), ("S.R", second..second + 2)]),
            [("S.R".to_owned(), 5), ("S.R".to_owned(), second)]
        );
    }

    #[test]
    fn matches_blank_out_in_order() {
        let text = "is it? it is.\n";
        assert_eq!(
            placed(text, &[("S.R", 0..2), ("S.R", 10..12)]),
            [("S.R".to_owned(), 0), ("S.R".to_owned(), 10)]
        );
    }

    #[test]
    fn a_sentence_rule_looks_its_match_up_from_its_sentence_on() {
        let text = "One, two. Three, four.\n";
        let comma = text.rfind(',').unwrap();
        assert_eq!(
            placed(text, &[("S.Sentence", comma..comma + 1)]),
            [("S.Sentence".to_owned(), comma)]
        );
        // A block rule looks from the block's start: the first comma.
        assert_eq!(
            placed(text, &[("S.Block", comma..comma + 1)]),
            [("S.Block".to_owned(), 3)]
        );
    }

    #[test]
    fn a_match_across_a_link_goes_to_the_start_of_its_line() {
        let text = "First line here.\nWe met [in the hall in](https://x.example) in May.\n";
        let start = text.find("in](").unwrap();
        let end = text.find(") in May").unwrap() + 4;
        assert_eq!(
            placed(text, &[("S.Rep", start..end)]),
            [("S.Rep".to_owned(), text.find("We met").unwrap())]
        );
    }
}
