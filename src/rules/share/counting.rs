//! Counting a post the way each platform does.

use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

use super::rendered::RenderedPost;
use crate::guide::Counting;

/// X counts a URL, whatever its length, as this many characters; so does
/// Mastodon.
pub const SHORT_URL_LENGTH: usize = 23;

/// The result of counting a post against a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measure {
    pub total: usize,
    /// The first rendered byte offset past the limit, if it is exceeded.
    pub overflow_at: Option<usize>,
}

/// Count `post` as `counting` does, finding where it passes `limit`.
pub fn measure(post: &RenderedPost, counting: Counting, limit: usize) -> Measure {
    let text = post.text.as_str();
    let zero_weight = match counting {
        Counting::Mastodon => remote_mention_domains(text),
        _ => Vec::new(),
    };
    let short_urls = matches!(counting, Counting::XWeighted | Counting::Mastodon);
    let mut url_ranges = post.urls.clone();
    if counting == Counting::XWeighted {
        // X links bare domains too (“acme.com/jobs”), and counts them as 23.
        url_ranges.extend(bare_domains(text, &post.urls));
        url_ranges.sort_by_key(|range| range.start);
    }
    let mut total = 0usize;
    let mut overflow_at = None;
    let mut urls = url_ranges.iter().peekable();
    let mut offset = 0;
    let mut add = |weight: usize, at: usize, total: &mut usize| {
        *total += weight;
        if *total > limit && overflow_at.is_none() {
            overflow_at = Some(at);
        }
    };
    for (at, grapheme) in text.grapheme_indices(true) {
        if at < offset {
            continue;
        }
        while urls.peek().is_some_and(|url| url.end <= at) {
            urls.next();
        }
        if short_urls && let Some(url) = urls.peek().filter(|url| url.start == at) {
            add(SHORT_URL_LENGTH, at, &mut total);
            offset = url.end;
            continue;
        }
        if zero_weight.iter().any(|range| range.contains(&at)) {
            continue;
        }
        let weight = match counting {
            Counting::Characters | Counting::Mastodon => grapheme.chars().count(),
            Counting::Graphemes => 1,
            Counting::XWeighted => x_weight(grapheme),
        };
        add(weight, at, &mut total);
    }
    Measure { total, overflow_at }
}

/// X's weight of one grapheme: 2 for an emoji; otherwise, after NFC, 1 for
/// each code point in X's light ranges and 2 for every other.
fn x_weight(grapheme: &str) -> usize {
    if is_emoji(grapheme) {
        return 2;
    }
    grapheme
        .nfc()
        .map(|c| {
            let code = u32::from(c);
            let light = matches!(code, 0..=4351 | 8192..=8205 | 8208..=8223 | 8242..=8247);
            if light { 1 } else { 2 }
        })
        .sum()
}

/// Whether a grapheme is an emoji (a pictograph, a flag, a keycap, or
/// anything with an emoji presentation selector).
fn is_emoji(grapheme: &str) -> bool {
    grapheme.chars().any(|c| {
        matches!(
            u32::from(c),
            0x1F000..=0x1FAFF | 0x2600..=0x27BF | 0x2B00..=0x2BFF | 0xFE0F | 0x20E3
        )
    })
}

/// Domains written without a scheme (`acme.com`, `example.org/jobs`) that
/// X turns into links, outside the ranges already known to be URLs.
fn bare_domains(text: &str, known: &[std::ops::Range<usize>]) -> Vec<std::ops::Range<usize>> {
    static DOMAIN: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(concat!(
            r"(?i)\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*",
            r"\.(?:com|org|net|io|co|dev|ai|app|gov|edu|info|biz|me|tv|ly|us|uk|de|fr|eu|ca|au|nl|es|it|jp|in|br|ch|se|no|dk|fi|ie|nz)\b",
            r"(?:/[^\s]*[^\s.,;:!?)\]])?",
        ))
        .expect("domain pattern is valid")
    });
    DOMAIN
        .find_iter(text)
        .map(|found| found.range())
        .filter(|range| {
            let before = text[..range.start].chars().next_back();
            !matches!(before, Some('@' | '.' | '/' | '#'))
                && !known
                    .iter()
                    .any(|url| url.start < range.end && range.start < url.end)
        })
        .collect()
}

/// In `@user@example.social`, Mastodon counts only `@user`.
fn remote_mention_domains(text: &str) -> Vec<std::ops::Range<usize>> {
    super::tags::mentions(text)
        .filter_map(|range| {
            let mention = &text[range.clone()];
            let second_at = mention[1..].find('@')? + 1;
            Some(range.start + second_at..range.end)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Document, DocumentKind};

    fn count(text: &str, counting: Counting) -> usize {
        let document = Document::parse(text, DocumentKind::Markdown);
        measure(&RenderedPost::new(&document), counting, usize::MAX).total
    }

    #[test]
    fn x_weights_urls_emoji_and_cjk() {
        assert_eq!(count("Hello", Counting::XWeighted), 5);
        let long_url = format!("See https://example.com/{}", "a".repeat(80));
        assert_eq!(count(&long_url, Counting::XWeighted), 4 + 23);
        assert_eq!(count("Hi 🎉", Counting::XWeighted), 3 + 2);
        assert_eq!(count("Hi 👩‍💻", Counting::XWeighted), 3 + 2);
        assert_eq!(count("東京", Counting::XWeighted), 4);
        assert_eq!(count("café", Counting::XWeighted), 4);
        // A bare domain is a link on X: 23, however short.
        assert_eq!(count("Go to x.com now", Counting::XWeighted), 6 + 23 + 4);
        assert_eq!(
            count("Mail jo@x.com", Counting::XWeighted),
            "Mail jo@x.com".len()
        );
        // NFC first: e + combining acute is one code point after NFC.
        assert_eq!(count("cafe\u{301}", Counting::XWeighted), 4);
        // Curly quotes are in a light range.
        assert_eq!(count("“hi”", Counting::XWeighted), 4);
    }

    #[test]
    fn markdown_syntax_is_not_counted_but_link_urls_are() {
        assert_eq!(count("**Big** news", Counting::Characters), 8);
        assert_eq!(
            count("[our report](https://acme.com/r)", Counting::Characters),
            "our report https://acme.com/r".len()
        );
        assert_eq!(
            count("[our report](https://acme.com/r)", Counting::XWeighted),
            "our report ".len() + 23
        );
        assert_eq!(
            count("One\n\nTwo\n\n- a\n- b", Counting::Characters),
            "One\n\nTwo\n\n- a\n- b".len()
        );
        assert_eq!(count("Run `cargo test` now", Counting::Characters), 20 - 2);
    }

    #[test]
    fn bluesky_counts_graphemes_and_mastodon_short_mentions() {
        assert_eq!(count("👩‍💻 ok", Counting::Graphemes), 4);
        assert_eq!(count("👩‍💻 ok", Counting::Characters), 6);
        assert_eq!(
            count("Hi @bob@mastodon.social", Counting::Mastodon),
            "Hi @bob".len()
        );
    }

    #[test]
    fn overflow_points_at_the_first_character_past_the_limit() {
        let document = Document::parse("abcdef", DocumentKind::PlainText);
        let post = RenderedPost::new(&document);
        let measured = measure(&post, Counting::Characters, 4);
        assert_eq!(measured.total, 6);
        assert_eq!(measured.overflow_at, Some(4));
    }
}
