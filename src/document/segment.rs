//! Splitting prose into sentences and words.
//!
//! Sentences follow UAX #29 (unicode-segmentation), then rejoin where a
//! boundary follows a known abbreviation ("e.g.", "Mr.", "U.S.") or an initial.
//! Words are runs of letters and digits with inner apostrophes and hyphens
//! ("don't", "state-of-the-art") and inner separators between digits ("3.5").

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

use super::prose::PLACEHOLDER;

/// Abbreviations that end in a period but do not end a sentence, lowercased,
/// without their final period.
#[rustfmt::skip]
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "vs", "e.g", "i.e", "u.s", "u.k", "u.n",
    "e.u", "inc", "ltd", "co", "corp", "fig", "approx", "dept", "est", "jan", "feb", "mar", "apr",
    "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "cf", "al", "ph.d", "gen", "gov",
    "sen", "rep", "rev", "mt", "ft", "vol", "pp", "ed", "nos",
];

/// Sentence ranges in `text`, trimmed of surrounding whitespace; sentences
/// holding no letters or digits (a lone placeholder) are dropped.
pub fn sentences(text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    let mut join_next = false;
    for (start, piece) in text.split_sentence_bound_indices() {
        let end = start + piece.len();
        if join_next && let Some(last) = out.last_mut() {
            last.end = end;
        } else {
            out.push(start..end);
        }
        let current = out.last().cloned().unwrap_or(start..end);
        join_next = ends_with_abbreviation(&text[current]) && end < text.len();
    }
    out.into_iter()
        .filter_map(|range| {
            let slice = &text[range.clone()];
            let leading = slice.len() - slice.trim_start().len();
            let trimmed = slice.trim();
            let range = range.start + leading..range.start + leading + trimmed.len();
            trimmed
                .chars()
                .any(|c| c.is_alphanumeric())
                .then_some(range)
        })
        .collect()
}

fn ends_with_abbreviation(sentence: &str) -> bool {
    let trimmed = sentence.trim_end();
    let Some(without_period) = trimmed.strip_suffix('.') else {
        return false;
    };
    let last_word = without_period
        .rsplit(|c: char| c.is_whitespace() || c == '(' || c == '“' || c == '"')
        .next()
        .unwrap_or("");
    if last_word.is_empty() {
        return false;
    }
    // An initial: "J. Smith".
    let mut chars = last_word.chars();
    if let (Some(first), None) = (chars.next(), chars.next())
        && first.is_uppercase()
    {
        return true;
    }
    let lower = last_word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

/// Word ranges in `text`.
pub fn words(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::with_capacity(text.len() / 6);
    let mut start: Option<usize> = None;
    let mut chars = text.char_indices().peekable();
    let mut previous: Option<char> = None;
    while let Some((index, c)) = chars.next() {
        let is_word = c.is_alphanumeric() && c != PLACEHOLDER;
        if is_word {
            if start.is_none() {
                start = Some(index);
            }
        } else if let Some(word_start) = start {
            let next = chars.peek().map(|&(_, n)| n);
            let joins = match (previous, next) {
                (Some(p), Some(n)) => {
                    (matches!(c, '\'' | '’' | '-' | '‑')
                        && p.is_alphanumeric()
                        && n.is_alphanumeric())
                        || (matches!(c, '.' | ',') && p.is_ascii_digit() && n.is_ascii_digit())
                }
                _ => false,
            };
            if !joins {
                out.push(word_start..index);
                start = None;
            }
        }
        previous = Some(c);
    }
    if let Some(word_start) = start {
        out.push(word_start..text.len());
    }
    out
}

/// Whether a word is a run of digits and number punctuation ("2026", "3.5").
pub fn is_number(word: &str) -> bool {
    word.chars().next().is_some_and(|c| c.is_ascii_digit())
        && word
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentence_texts(text: &str) -> Vec<&str> {
        sentences(text).into_iter().map(|r| &text[r]).collect()
    }

    fn word_texts(text: &str) -> Vec<&str> {
        words(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        assert_eq!(
            sentence_texts(
                "We met Dr. Lee in the U.S. last week. Tools, e.g. linters, help. Done!"
            ),
            [
                "We met Dr. Lee in the U.S. last week.",
                "Tools, e.g. linters, help.",
                "Done!"
            ]
        );
        assert_eq!(
            sentence_texts("J. R. R. Tolkien wrote it. It sold."),
            ["J. R. R. Tolkien wrote it.", "It sold."]
        );
    }

    #[test]
    fn placeholder_only_sentences_are_dropped() {
        assert_eq!(sentence_texts("\u{FFFC}"), Vec::<&str>::new());
        assert_eq!(
            sentence_texts("See \u{FFFC}. Thanks."),
            ["See \u{FFFC}.", "Thanks."]
        );
    }

    #[test]
    fn words_keep_inner_apostrophes_hyphens_and_numbers() {
        assert_eq!(
            word_texts("Don’t ship state-of-the-art v3.5 — 1,200 users' data, ok?"),
            [
                "Don’t",
                "ship",
                "state-of-the-art",
                "v3.5",
                "1,200",
                "users",
                "data",
                "ok"
            ]
        );
        assert_eq!(word_texts("东京 café 😀 naïve"), ["东京", "café", "naïve"]);
    }
}
