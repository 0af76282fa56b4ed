//! Splitting an over-long post into a numbered thread, at sentence
//! boundaries, counted the way the platform counts.

use unicode_segmentation::UnicodeSegmentation;

use crate::guide::Counting;
use crate::rules::share::counting::measure;
use crate::rules::share::rendered::RenderedPost;

/// Room kept for the " 12/12" numbering on each part.
const NUMBER_ROOM: usize = 6;

fn count(text: &str, counting: Counting) -> usize {
    let mut post = RenderedPost::default();
    post.text = text.to_owned();
    post.urls = url_ranges(text);
    measure(&post, counting, usize::MAX).total
}

/// `http(s)://` runs, which X and Mastodon count as 23.
fn url_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut from = 0;
    while let Some(found) = text[from..].find("http") {
        let start = from + found;
        let rest = &text[start..];
        if rest.starts_with("https://") || rest.starts_with("http://") {
            let end = rest
                .find(char::is_whitespace)
                .map_or(text.len(), |e| start + e);
            ranges.push(start..end);
            from = end;
        } else {
            from = start + 4;
        }
    }
    ranges
}

/// The parts of `text` for a platform whose posts hold `limit`, each
/// numbered "n/N". Sentences stay whole; a sentence longer than a part is
/// split between words. One part when it fits.
pub fn split(text: &str, counting: Counting, limit: usize) -> Vec<String> {
    let text = text.trim();
    if count(text, counting) <= limit {
        return vec![text.to_owned()];
    }
    let room = limit.saturating_sub(NUMBER_ROOM).max(1);
    let mut pieces: Vec<String> = Vec::new();
    for sentence in text.split_sentence_bounds() {
        let sentence = sentence.trim();
        if sentence.is_empty() {
            continue;
        }
        if count(sentence, counting) <= room {
            pieces.push(sentence.to_owned());
            continue;
        }
        let mut current = String::new();
        for word in sentence.split_whitespace() {
            let candidate = if current.is_empty() {
                word.to_owned()
            } else {
                format!("{current} {word}")
            };
            if !current.is_empty() && count(&candidate, counting) > room {
                pieces.push(std::mem::take(&mut current));
                current = word.to_owned();
            } else {
                current = candidate;
            }
        }
        if !current.is_empty() {
            pieces.push(current);
        }
    }
    let mut parts: Vec<String> = Vec::new();
    for piece in pieces {
        match parts.last_mut() {
            Some(last) if count(&format!("{last} {piece}"), counting) <= room => {
                last.push(' ');
                last.push_str(&piece);
            }
            _ => parts.push(piece),
        }
    }
    let total = parts.len();
    parts
        .into_iter()
        .enumerate()
        .map(|(index, part)| format!("{part} {}/{total}", index + 1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_post_is_one_part() {
        assert_eq!(
            split("Hello there.", Counting::XWeighted, 280),
            ["Hello there."]
        );
    }

    #[test]
    fn splits_between_sentences_and_numbers_parts() {
        let sentence = "This sentence has exactly enough words to matter here. ";
        let text = sentence.repeat(12);
        let parts = split(&text, Counting::XWeighted, 280);
        assert!(parts.len() >= 3, "{parts:?}");
        for (index, part) in parts.iter().enumerate() {
            assert!(count(part, Counting::XWeighted) <= 280, "{part}");
            assert!(part.ends_with(&format!(" {}/{}", index + 1, parts.len())));
            // Whole sentences only: each part ends with a full stop before its number.
            assert!(
                part.rsplit_once(' ')
                    .is_some_and(|(body, _)| body.ends_with('.'))
            );
        }
    }

    #[test]
    fn a_link_counts_as_23_on_x() {
        let link = format!("https://example.com/{}", "a".repeat(300));
        assert_eq!(count(&link, Counting::XWeighted), 23);
    }
}
