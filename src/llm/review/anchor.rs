//! Anchoring: where a model's quote is in the text it was shown.
//!
//! A model copies a passage to say what it means, and copies it imperfectly:
//! curly quotes become straight, a final period goes missing, a word
//! changes. A quote is located in three tiers, each tried on the whole text
//! before the next:
//!
//! 1. exactly, on word boundaries (the first occurrence);
//! 2. with whitespace, quotes, apostrophes, dashes, ellipses and case
//!    normalised on both sides (the first occurrence);
//! 3. the run of words most similar to the quote (character-level ratio),
//!    if it scores at least [`FUZZY_THRESHOLD`] (the first best run).
//!
//! A quote found by none of them is unlocatable: the caller drops the
//! finding and counts it. Nothing here guesses a position.
//!
//! Pure and synchronous.

use std::collections::HashSet;
use std::ops::Range;

use crate::document::segment;

/// The lowest similarity (0–1) at which a run of words counts as the quote.
pub const FUZZY_THRESHOLD: f64 = 0.8;

/// How a quote was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tier {
    Exact,
    Normalized,
    Fuzzy,
}

/// Where a quote is, as a byte range of the text searched.
#[derive(Debug, Clone, PartialEq)]
pub struct Anchor {
    pub range: Range<usize>,
    pub tier: Tier,
    /// 1.0 for exact and normalised matches.
    pub score: f64,
}

/// Locate `quote` in `text` (all three tiers).
pub fn locate(text: &str, quote: &str) -> Option<Anchor> {
    locate_in(text, quote, Tier::Fuzzy)
}

/// Locate `quote` in `text` with tiers up to `up_to`.
pub fn locate_in(text: &str, quote: &str, up_to: Tier) -> Option<Anchor> {
    let quote = clean_quote(quote);
    if quote.is_empty() || text.is_empty() {
        return None;
    }
    if let Some(range) = exact(text, quote) {
        return Some(Anchor {
            range,
            tier: Tier::Exact,
            score: 1.0,
        });
    }
    if up_to >= Tier::Normalized
        && let Some(range) = normalized(text, quote)
    {
        return Some(Anchor {
            range,
            tier: Tier::Normalized,
            score: 1.0,
        });
    }
    if up_to >= Tier::Fuzzy
        && let Some((range, score)) = fuzzy(text, quote)
    {
        return Some(Anchor {
            range,
            tier: Tier::Fuzzy,
            score,
        });
    }
    None
}

/// The quote without what models wrap around it: surrounding quotation
/// marks, ellipses, and trailing punctuation the text may not have there.
pub fn clean_quote(quote: &str) -> &str {
    let mut quote = quote.trim();
    loop {
        let before = quote;
        for (open, close) in [('"', '"'), ('“', '”'), ('\'', '\''), ('‘', '’'), ('«', '»')]
        {
            if let Some(inner) = quote.strip_prefix(open).and_then(|q| q.strip_suffix(close)) {
                quote = inner.trim();
            }
        }
        quote = quote
            .trim_start_matches(['.', '…'])
            .trim_end_matches(['.', '…', ',', ';', ':'])
            .trim();
        if quote == before {
            return quote;
        }
    }
}

/// The first occurrence of `quote` in `text` that does not cut a word.
fn exact(text: &str, quote: &str) -> Option<Range<usize>> {
    text.match_indices(quote)
        .map(|(start, found)| start..start + found.len())
        .find(|range| on_word_boundaries(text, range))
}

fn on_word_boundaries(text: &str, range: &Range<usize>) -> bool {
    let inside = &text[range.clone()];
    let starts_in_word = inside.chars().next().is_some_and(char::is_alphanumeric)
        && text[..range.start]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
    let ends_in_word = inside
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric)
        && text[range.end..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric);
    !starts_in_word && !ends_in_word
}

/// A text in normalised form, with each normalised byte's source range.
struct Normalized {
    text: String,
    /// For every byte of `text`, the source byte range of the character it
    /// came from.
    origin: Vec<Range<usize>>,
}

impl Normalized {
    fn of(source: &str) -> Normalized {
        let mut text = String::with_capacity(source.len());
        let mut origin = Vec::with_capacity(source.len());
        let mut push = |piece: &str, from: Range<usize>, text: &mut String| {
            text.push_str(piece);
            origin.extend(std::iter::repeat_n(from, piece.len()));
        };
        let mut in_space = true; // drop leading whitespace
        for (index, c) in source.char_indices() {
            let from = index..index + c.len_utf8();
            if c.is_whitespace() {
                if !in_space {
                    push(" ", from, &mut text);
                    in_space = true;
                }
                continue;
            }
            in_space = false;
            let mut buffer = [0u8; 4];
            match c {
                // Invisible characters models drop.
                '\u{00AD}' | '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{FEFF}' => {}
                '‘' | '’' | '‚' | '‛' | '′' | '`' | '´' => push("'", from, &mut text),
                '“' | '”' | '„' | '‟' | '″' | '«' | '»' => push("\"", from, &mut text),
                '‐' | '‑' | '‒' | '–' | '—' | '―' | '−' => push("-", from, &mut text),
                '…' => push("...", from, &mut text),
                c if c.is_uppercase() => {
                    for lower in c.to_lowercase() {
                        push(lower.encode_utf8(&mut buffer), from.clone(), &mut text);
                    }
                }
                c => push(c.encode_utf8(&mut buffer), from, &mut text),
            }
        }
        // No trailing space.
        while text.ends_with(' ') {
            text.pop();
            origin.pop();
        }
        Normalized { text, origin }
    }

    /// The source range of a normalised range.
    fn source_range(&self, range: Range<usize>) -> Option<Range<usize>> {
        let start = self.origin.get(range.start)?.start;
        let end = self.origin.get(range.end.checked_sub(1)?)?.end;
        Some(start..end)
    }
}

/// Compare without the differences models make when copying.
pub fn normalize(text: &str) -> String {
    Normalized::of(text).text
}

fn normalized(text: &str, quote: &str) -> Option<Range<usize>> {
    let haystack = Normalized::of(text);
    let needle = normalize(quote);
    if needle.is_empty() {
        return None;
    }
    haystack
        .text
        .match_indices(&needle)
        .filter_map(|(start, found)| haystack.source_range(start..start + found.len()))
        .find(|range| on_word_boundaries(text, range))
}

/// The run of words in `text` most like `quote`, with its similarity, when
/// that is at least [`FUZZY_THRESHOLD`]. Runs are the quote's word count
/// give or take two; a run must share at least half of the quote's words
/// before its characters are compared.
fn fuzzy(text: &str, quote: &str) -> Option<(Range<usize>, f64)> {
    let words = segment::words(text);
    let quote_words: Vec<String> = segment::words(quote)
        .into_iter()
        .map(|range| quote[range].to_lowercase())
        .collect();
    if words.is_empty() || quote_words.is_empty() {
        return None;
    }
    let quote_set: HashSet<&str> = quote_words.iter().map(String::as_str).collect();
    let lower_words: Vec<String> = words
        .iter()
        .map(|range| text[range.clone()].to_lowercase())
        .collect();
    let needle = normalize(quote);
    let wanted = quote_words.len();
    let shortest = wanted.saturating_sub(2).max(1);
    let longest = (wanted + 2).min(words.len());
    let mut best: Option<(Range<usize>, f64)> = None;
    for start in 0..words.len() {
        for length in shortest..=longest {
            let end = start + length;
            if end > words.len() {
                break;
            }
            let shared = lower_words[start..end]
                .iter()
                .filter(|word| quote_set.contains(word.as_str()))
                .count();
            if shared * 2 < wanted.min(length) {
                continue;
            }
            let range = words[start].start..words[end - 1].end;
            let candidate = normalize(&text[range.clone()]);
            let score = f64::from(similar::TextDiff::from_chars(&candidate, &needle).ratio());
            if score >= FUZZY_THRESHOLD && best.as_ref().is_none_or(|(_, b)| score > *b) {
                best = Some((range, score));
            }
        }
    }
    best.map(|(range, score)| (extend_to_punctuation(text, range, quote), score))
}

/// A fuzzy match ends on a word; keep a closing mark the quote also has
/// ("…in the world!" should cover the "!").
fn extend_to_punctuation(text: &str, range: Range<usize>, quote: &str) -> Range<usize> {
    let Some(last) = quote.trim_end().chars().next_back() else {
        return range;
    };
    if last.is_alphanumeric() {
        return range;
    }
    match text[range.end..].chars().next() {
        Some(next) if next == last => range.start..range.end + next.len_utf8(),
        _ => range,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Our new app is the best tool in the world. Great product, check it out! We ship on “3 March” — don’t miss it.";

    #[track_caller]
    fn found(quote: &str) -> (&'static str, Tier) {
        let anchor = locate(TEXT, quote).unwrap_or_else(|| panic!("not found: {quote}"));
        (&TEXT[anchor.range], anchor.tier)
    }

    #[test]
    fn exact_quotes_are_found_on_word_boundaries() {
        assert_eq!(
            found("the best tool in the world"),
            ("the best tool in the world", Tier::Exact)
        );
        // "app" is a word here, not the start of "apple".
        let anchor = locate("An apple a day. The app works.", "app").unwrap();
        assert_eq!(anchor.range, 20..23);
    }

    #[test]
    fn wrapping_quotes_and_trailing_periods_are_not_part_of_the_quote() {
        assert_eq!(
            found("\"Great product, check it out\"."),
            ("Great product, check it out", Tier::Exact)
        );
        assert_eq!(found("…in the world…"), ("in the world", Tier::Exact));
    }

    #[test]
    fn straight_quotes_case_and_spacing_are_normalised() {
        assert_eq!(
            found("we ship on \"3 march\" - don't   miss it"),
            ("We ship on “3 March” — don’t miss it", Tier::Normalized)
        );
    }

    #[test]
    fn a_paraphrased_quote_finds_the_closest_run_of_words() {
        let (text, tier) = found("The new app is the best tool in the world. Check it out!");
        assert_eq!(tier, Tier::Fuzzy);
        // The closest run: the quote's words, give or take one it changed.
        assert_eq!(
            text,
            "new app is the best tool in the world. Great product, check it out!"
        );
        let (text, tier) = found("greatest tool in the world");
        assert_eq!(tier, Tier::Fuzzy);
        assert_eq!(text, "best tool in the world");
    }

    #[test]
    fn a_quote_that_is_not_there_is_not_located() {
        assert_eq!(locate(TEXT, "our prices are the lowest in town"), None);
        assert_eq!(locate(TEXT, "synergy"), None);
        assert_eq!(locate(TEXT, "   "), None);
        assert_eq!(locate("", "anything"), None);
    }

    #[test]
    fn the_first_occurrence_wins_in_every_tier() {
        let text = "Best in class. Then more text here. Best in class.";
        assert_eq!(locate(text, "Best in class").unwrap().range, 0..13);
        assert_eq!(locate(text, "best  in CLASS").unwrap().range, 0..13);
        assert_eq!(locate(text, "Best in klass").unwrap().range, 0..13);
    }

    #[test]
    fn ranges_are_on_char_boundaries_with_multibyte_text() {
        let text = "Ünïcödé naïve café — “très” chic. Straße!";
        for quote in ["naive cafe", "naïve café - \"très\"", "STRASSE", "Straße!"] {
            if let Some(anchor) = locate(text, quote) {
                assert!(text.is_char_boundary(anchor.range.start));
                assert!(text.is_char_boundary(anchor.range.end));
            }
        }
        assert_eq!(
            &text[locate(text, "naïve café - \"très\"").unwrap().range],
            "naïve café — “très”"
        );
    }
}
