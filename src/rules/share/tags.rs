//! Hashtags and @mentions in a block's prose.

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

static HASHTAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[#＃][\p{L}\p{N}\p{M}_]+").expect("hashtag pattern is valid"));

/// `@user`, `@handle.bsky.social`, `@user@mastodon.social`.
static MENTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"@[A-Za-z0-9_]+(?:[.@-][A-Za-z0-9_]+)*").expect("mention pattern is valid")
});

/// Hashtags in `prose`, `#` included. A tag needs a letter (“#1” is not a
/// hashtag) and must not continue a word (“C#”, “foo#bar”).
pub fn hashtags(prose: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    HASHTAG
        .find_iter(prose)
        .filter(|found| starts_token(prose, found.start()))
        .filter(|found| found.as_str().chars().any(char::is_alphabetic))
        .map(|found| found.range())
}

/// @mentions in `prose`, `@` included.
pub fn mentions(prose: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    MENTION
        .find_iter(prose)
        .filter(|found| starts_token(prose, found.start()))
        .map(|found| found.range())
}

fn starts_token(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '_' | '&' | '/' | '#' | '@')))
}

/// Runs of hashtags in `prose` with nothing but spaces and punctuation
/// between them, in order.
pub fn runs(prose: &str) -> Vec<Vec<Range<usize>>> {
    let mut runs: Vec<Vec<Range<usize>>> = Vec::new();
    let mut previous_end: Option<usize> = None;
    for tag in hashtags(prose) {
        let joins = previous_end.is_some_and(|end| only_separators(&prose[end..tag.start]));
        match runs.last_mut() {
            Some(run) if joins => run.push(tag.clone()),
            _ => runs.push(vec![tag.clone()]),
        }
        previous_end = Some(tag.end);
    }
    runs
}

fn only_separators(text: &str) -> bool {
    text.chars()
        .all(|c| !c.is_alphanumeric() && c != crate::document::PLACEHOLDER)
}

/// The hashtags that end the post: the run at the end of the last block,
/// with the blocks before it that hold nothing but hashtags. Each is (block
/// index, prose range). Empty when the post does not end with a hashtag.
pub fn trailing_run(document: &crate::document::Document) -> Vec<(usize, Range<usize>)> {
    let mut out: Vec<(usize, Range<usize>)> = Vec::new();
    for (index, block) in document.blocks.iter().enumerate().rev() {
        let prose = block.prose.text.as_str();
        let Some(last) = runs(prose).pop() else {
            break;
        };
        let ends_block = last
            .last()
            .is_some_and(|tag| only_separators(&prose[tag.end..]));
        if !ends_block {
            break;
        }
        let whole_block = last
            .first()
            .is_some_and(|tag| only_separators(&prose[..tag.start]));
        for tag in last.into_iter().rev() {
            out.push((index, tag));
        }
        if !whole_block {
            break;
        }
    }
    out.reverse();
    out
}

/// A hashtag's letters and digits, lowercased, for comparing spellings.
pub fn fold(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(text: &str) -> Vec<&str> {
        hashtags(text).map(|r| &text[r]).collect()
    }

    #[test]
    fn hashtags_need_a_letter_and_a_token_start() {
        assert_eq!(
            tags("We are #1 at #DevOps, C# and #ai_ml! foo#bar #2024goals"),
            ["#DevOps", "#ai_ml", "#2024goals"]
        );
    }

    #[test]
    fn mentions_include_handles_with_domains() {
        let text = "Thanks @jane, @acme.bsky.social and @bob@mastodon.social!";
        let found: Vec<&str> = mentions(text).map(|r| &text[r]).collect();
        assert_eq!(
            found,
            ["@jane", "@acme.bsky.social", "@bob@mastodon.social"]
        );
    }
}
