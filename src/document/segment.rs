//! Splitting prose into sentences and words.
//!
//! Sentences follow UAX #29's rules, implemented here for speed (and checked
//! against unicode-segmentation by a property test), then rejoin where a
//! boundary follows a known abbreviation ("e.g.", "Mr.", "U.S.") or an initial.
//! Words are runs of letters and digits with inner apostrophes and hyphens
//! ("don't", "state-of-the-art") and inner separators between digits ("3.5").

use std::ops::Range;

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
    let mut start = 0;
    let mut pieces = sentence_boundaries(text);
    pieces.push(text.len());
    for end in pieces {
        if end <= start {
            continue;
        }
        if join_next && let Some(last) = out.last_mut() {
            last.end = end;
        } else {
            out.push(start..end);
        }
        let current = out.last().cloned().unwrap_or(start..end);
        join_next = ends_with_abbreviation(&text[current]) && end < text.len();
        start = end;
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

/// Sentence break classes of UAX #29 (table 4), for the characters prose
/// holds. `Other` is the spec's "Any".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SentenceClass {
    ATerm,
    STerm,
    Close,
    Sp,
    Sep,
    SContinue,
    Upper,
    Lower,
    OLetter,
    Numeric,
    Extend,
    Other,
}

fn sentence_class(c: char) -> SentenceClass {
    use SentenceClass::*;
    if c.is_ascii() {
        return match c {
            '.' => ATerm,
            '!' | '?' => STerm,
            '"' | '\'' | '(' | ')' | '[' | ']' | '{' | '}' => Close,
            ' ' | '\t' | '\x0b' | '\x0c' => Sp,
            '\n' | '\r' => Sep,
            ',' | '-' | ':' | ';' => SContinue,
            'A'..='Z' => Upper,
            'a'..='z' => Lower,
            '0'..='9' => Numeric,
            _ => Other,
        };
    }
    match c {
        '\u{2024}' | '\u{FE52}' | '\u{FF0E}' => ATerm,
        '\u{0589}'
        | '\u{061F}'
        | '\u{06D4}'
        | '\u{0700}'..='\u{0702}'
        | '\u{07F9}'
        | '\u{0964}'
        | '\u{0965}'
        | '\u{104A}'
        | '\u{104B}'
        | '\u{1362}'
        | '\u{1367}'
        | '\u{1368}'
        | '\u{166E}'
        | '\u{1803}'
        | '\u{1809}'
        | '\u{1944}'
        | '\u{1945}'
        | '\u{203C}'
        | '\u{203D}'
        | '\u{2047}'..='\u{2049}'
        | '\u{2E2E}'
        | '\u{2E3C}'
        | '\u{3002}'
        | '\u{FE56}'
        | '\u{FE57}'
        | '\u{FF01}'
        | '\u{FF1F}'
        | '\u{FF61}' => STerm,
        '\u{00AB}'
        | '\u{00BB}'
        | '\u{2018}'..='\u{201F}'
        | '\u{2039}'
        | '\u{203A}'
        | '\u{2045}'
        | '\u{2046}'
        | '\u{207D}'
        | '\u{207E}'
        | '\u{208D}'
        | '\u{208E}'
        | '\u{2329}'
        | '\u{232A}'
        | '\u{275B}'..='\u{2760}'
        | '\u{2768}'..='\u{2775}'
        | '\u{27E6}'..='\u{27EF}'
        | '\u{2983}'..='\u{2998}'
        | '\u{29D8}'..='\u{29DB}'
        | '\u{29FC}'
        | '\u{29FD}'
        | '\u{2E00}'..='\u{2E0D}'
        | '\u{2E1C}'
        | '\u{2E1D}'
        | '\u{2E20}'..='\u{2E29}'
        | '\u{3008}'..='\u{3011}'
        | '\u{3014}'..='\u{301B}'
        | '\u{301D}'..='\u{301F}'
        | '\u{FD3E}'
        | '\u{FD3F}'
        | '\u{FE17}'
        | '\u{FE18}'
        | '\u{FE35}'..='\u{FE44}'
        | '\u{FE47}'
        | '\u{FE48}'
        | '\u{FE59}'..='\u{FE5E}'
        | '\u{FF08}'
        | '\u{FF09}'
        | '\u{FF3B}'
        | '\u{FF3D}'
        | '\u{FF5B}'
        | '\u{FF5D}'
        | '\u{FF5F}'
        | '\u{FF60}'
        | '\u{FF62}'
        | '\u{FF63}'
        | '\u{0F3A}'..='\u{0F3D}'
        | '\u{169B}'
        | '\u{169C}'
        | '\u{2E42}'
        | '\u{2E55}'..='\u{2E5C}' => Close,
        '\u{0085}' | '\u{2028}' | '\u{2029}' => Sep,
        '\u{037E}' | '\u{055D}' | '\u{060C}' | '\u{060D}' | '\u{07F8}' | '\u{1802}'
        | '\u{1808}' | '\u{2013}' | '\u{2014}' | '\u{3001}' | '\u{FE10}' | '\u{FE11}'
        | '\u{FE13}' | '\u{FE31}' | '\u{FE32}' | '\u{FE50}' | '\u{FE51}' | '\u{FE55}'
        | '\u{FE58}' | '\u{FE63}' | '\u{FF0C}' | '\u{FF0D}' | '\u{FF1A}' | '\u{FF1B}'
        | '\u{FF64}' => SContinue,
        '\u{0300}'..='\u{036F}'
        | '\u{0483}'..='\u{0489}'
        | '\u{0591}'..='\u{05BD}'
        | '\u{0610}'..='\u{061A}'
        | '\u{064B}'..='\u{065F}'
        | '\u{0E31}'
        | '\u{0E34}'..='\u{0E3A}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{200C}'
        | '\u{200D}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FE20}'..='\u{FE2F}'
        | '\u{00AD}'
        | '\u{200B}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{FEFF}'
        | '\u{E0020}'..='\u{E007F}'
        | '\u{E0100}'..='\u{E01EF}'
        | '\u{1F3FB}'..='\u{1F3FF}' => Extend,
        _ if c.is_whitespace() => Sp,
        _ if c.is_uppercase() => Upper,
        _ if c.is_lowercase() => Lower,
        _ if c.is_alphabetic() => OLetter,
        _ if c.is_numeric() => Numeric,
        _ => Other,
    }
}

/// Whether a byte can start a character that may end a sentence: ASCII
/// terminators and line breaks, or any non-ASCII lead byte (those are
/// classified properly).
const fn may_end_sentence(byte: u8) -> bool {
    matches!(byte, b'.' | b'!' | b'?' | b'\n' | b'\r') || byte >= 0xC0
}

/// Byte offsets where UAX #29 puts a sentence boundary inside `text`
/// (neither 0 nor the end). Implements rules SB4–SB11 directly, treating
/// Extend and Format characters as part of what precedes them (SB5). Only
/// terminators and separators can end a sentence, so everything else is
/// skipped without being classified.
fn sentence_boundaries(text: &str) -> Vec<usize> {
    use SentenceClass::*;
    let bytes = text.as_bytes();
    let mut boundaries = Vec::new();
    let mut index = 0;
    while index < bytes.len() {
        if !may_end_sentence(bytes[index]) {
            index += 1;
            continue;
        }
        let Some(c) = text[index..].chars().next() else {
            break;
        };
        let class = sentence_class(c);
        let after = index + c.len_utf8();
        match class {
            Sep => {
                // SB4: break after a paragraph separator (CR LF stays together).
                let end = if c == '\r' && bytes.get(after) == Some(&b'\n') {
                    after + 1
                } else {
                    after
                };
                let end = skip_extend(text, end);
                if end < text.len() {
                    boundaries.push(end);
                }
                index = end;
            }
            ATerm | STerm => {
                let cursor = skip_extend(text, after);
                let next = class_at(text, cursor);
                if class == ATerm {
                    // SB6: ATerm × Numeric ("3.5").
                    if next == Some(Numeric) {
                        index = after;
                        continue;
                    }
                    // SB7: (Upper | Lower) ATerm × Upper ("U.S").
                    if next == Some(Upper)
                        && matches!(class_before(text, index), Some(Upper | Lower))
                    {
                        index = after;
                        continue;
                    }
                }
                // SATerm Close* Sp* …
                let mut cursor = cursor;
                while class_at(text, cursor) == Some(Close) {
                    cursor = skip_extend(text, cursor + char_len(text, cursor));
                }
                while class_at(text, cursor) == Some(Sp) {
                    cursor = skip_extend(text, cursor + char_len(text, cursor));
                }
                let following = class_at(text, cursor);
                // SB8a: … × (SContinue | SATerm).
                // SB8: ATerm Close* Sp* × (¬(OLetter|Upper|Lower|Sep|SATerm))* Lower.
                if matches!(following, Some(SContinue | ATerm | STerm))
                    || (class == ATerm && lower_follows(text, cursor))
                {
                    index = after;
                    continue;
                }
                // SB9–SB11: break after Close* Sp* (and one Sep).
                let mut boundary = cursor;
                if following == Some(Sep) {
                    let c = text[cursor..].chars().next().unwrap_or(' ');
                    boundary = cursor + c.len_utf8();
                    if c == '\r' && bytes.get(boundary) == Some(&b'\n') {
                        boundary += 1;
                    }
                    boundary = skip_extend(text, boundary);
                }
                if boundary < text.len() {
                    boundaries.push(boundary);
                }
                index = boundary.max(after);
            }
            _ => index = after,
        }
    }
    boundaries
}

/// The class of the character before `at`, skipping Extend and Format.
fn class_before(text: &str, at: usize) -> Option<SentenceClass> {
    text[..at]
        .chars()
        .rev()
        .map(sentence_class)
        .find(|class| *class != SentenceClass::Extend)
}

fn char_len(text: &str, at: usize) -> usize {
    text[at..].chars().next().map_or(1, char::len_utf8)
}

fn class_at(text: &str, at: usize) -> Option<SentenceClass> {
    text.get(at..)?.chars().next().map(sentence_class)
}

/// Skip Extend and Format characters (SB5).
fn skip_extend(text: &str, mut at: usize) -> usize {
    while let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) {
        if sentence_class(c) != SentenceClass::Extend {
            break;
        }
        at += c.len_utf8();
    }
    at
}

/// SB8's look-ahead: skipping anything but letters, separators and
/// terminators, is the next such character lowercase?
fn lower_follows(text: &str, from: usize) -> bool {
    use SentenceClass::*;
    for c in text[from..].chars() {
        match sentence_class(c) {
            Lower => return true,
            OLetter | Upper | Sep | ATerm | STerm => return false,
            _ => {}
        }
    }
    false
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
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(text.len() / 6);
    let mut start: Option<usize> = None;
    let mut previous: Option<char> = None;
    let mut index = 0;
    while index < bytes.len() {
        let byte = bytes[index];
        // The common case: a run of ASCII letters and digits inside a word.
        if byte.is_ascii_alphanumeric() {
            if start.is_none() {
                start = Some(index);
            }
            while index < bytes.len() && bytes[index].is_ascii_alphanumeric() {
                index += 1;
            }
            previous = Some(bytes[index - 1] as char);
            continue;
        }
        let (c, width) = if byte.is_ascii() {
            (byte as char, 1)
        } else {
            let c = text[index..].chars().next().unwrap_or(' ');
            (c, c.len_utf8())
        };
        let is_word = if byte.is_ascii() {
            byte.is_ascii_alphanumeric()
        } else {
            c.is_alphanumeric()
        };
        if byte == b' ' {
            // The common word end: nothing can join across a space.
            if let Some(word_start) = start.take() {
                out.push(word_start..index);
            }
        } else if is_word {
            if start.is_none() {
                start = Some(index);
            }
        } else if let Some(word_start) = start {
            let next = text[index + width..].chars().next();
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
        index += width;
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

    /// The splitter agrees with unicode-segmentation's UAX #29 sentence
    /// boundaries on text from a broad alphabet of prose characters.
    #[test]
    fn boundaries_match_uax29() {
        use unicode_segmentation::UnicodeSegmentation;
        let alphabet: Vec<char> = "aZ éÉ 东ñ 9 . ! ? , ; : - \"'()[] “”‘’«» … — – 。！？、 \u{a0}\u{301}\u{200d}\u{fe0f}😀\u{fffc}\u{2024}"
            .chars()
            .collect();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let length = (next() % 24) as usize;
            let text: String = (0..length)
                .map(|_| alphabet[(next() % alphabet.len() as u64) as usize])
                .collect();
            let expected: Vec<usize> = text
                .split_sentence_bound_indices()
                .map(|(start, _)| start)
                .filter(|&start| start > 0)
                .collect();
            assert_eq!(sentence_boundaries(&text), expected, "{text:?}");
        }
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
