//! The words around a match, for rules whose finding or fix depends on them:
//! is the match part of an identifier, what word comes next, does the match
//! start a sentence.

use std::ops::Range;

use crate::document::{AtomKind, Block, PLACEHOLDER};

/// Determiners and pronouns that begin a noun phrase: "the", "their", "us".
#[rustfmt::skip]
pub const NOUN_PHRASE_STARTS: &[&str] = &[
    "the", "a", "an", "our", "your", "their", "his", "her", "its", "my", "this", "that", "these",
    "those", "all", "any", "some", "each", "every", "both", "other", "another", "many", "more",
    "most", "no", "one", "two", "three", "us", "them", "him", "me", "you", "it", "whom", "which",
];

/// Whether the match is one part of a name joined with `-`, `_`, `/`, `@`
/// or a dot ("rust-for-linux", "kubernetes/api", "node.example"), where
/// changing or dropping the word would change the name.
pub fn in_identifier(prose: &str, found: &Range<usize>) -> bool {
    let before = prose[..found.start].chars().next_back();
    let mut after = prose[found.end..].chars();
    let next = after.next();
    let joins = |c: Option<char>| matches!(c, Some('-' | '_' | '/' | '@' | '\\'));
    joins(before)
        || joins(next)
        || (before == Some('.')
            && prose[..found.start - 1]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric))
        || (next == Some('.') && after.next().is_some_and(char::is_alphanumeric))
}

/// The word after the match, if the next thing after spaces is a word.
pub fn next_word<'a>(block: &'a Block, found: &Range<usize>) -> Option<&'a str> {
    let prose = &block.prose.text;
    // Words are in order: a binary search, so a paragraph that is one long
    // line does not cost a scan per match.
    let word = block
        .words
        .get(block.words.partition_point(|w| w.start < found.end))?;
    prose[found.end..word.start]
        .chars()
        .all(char::is_whitespace)
        .then(|| &prose[word.clone()])
}

/// The word before the match, if only spaces stand between them.
pub fn previous_word<'a>(block: &'a Block, found: &Range<usize>) -> Option<&'a str> {
    let prose = &block.prose.text;
    let word = block
        .words
        .partition_point(|w| w.end <= found.start)
        .checked_sub(1)
        .map(|index| &block.words[index])?;
    prose[word.end..found.start]
        .chars()
        .all(char::is_whitespace)
        .then(|| &prose[word.clone()])
}

/// Whether the match starts a sentence.
pub fn starts_sentence(block: &Block, found: &Range<usize>) -> bool {
    let at = block.sentences.partition_point(|s| s.start < found.start);
    block
        .sentences
        .get(at)
        .is_some_and(|s| s.start == found.start)
}

/// Whether `word` can begin a noun phrase: a determiner or pronoun, a name
/// or a number ("to the team", "to Alice", "to 40 people").
pub fn begins_noun_phrase(word: &str) -> bool {
    NOUN_PHRASE_STARTS
        .iter()
        .any(|start| start.eq_ignore_ascii_case(word))
        || word
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
}

/// Whether the match is (part of) the text of a link whose URL spells the
/// same word: `[CHERI](https://…/cheri/)`, `[actually](https://github.com/x/actually)`.
/// The text names the thing linked to, so it is a name, not prose to edit.
pub fn names_link_target(block: &Block, found: &Range<usize>) -> bool {
    let word: String = block.prose.text[found.clone()]
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    !word.is_empty()
        && block.atoms.iter().any(|atom| {
            atom.kind == AtomKind::Link
                && atom.prose.start <= found.start
                && found.end <= atom.prose.end
                && atom
                    .target
                    .as_deref()
                    .is_some_and(|url| url.to_lowercase().contains(&word))
        })
}

/// Whether the match is inside the text of a link to one item of an issue
/// tracker (an issue, a pull or merge request, a discussion:
/// `https://github.com/o/r/issues/12`, `…/-/merge_requests/7`) and that text
/// reads as the item's title: at least three words, starting with a capital
/// or with inline code (`[Github login fails behind a proxy](…/issues/12)`).
/// Such text is the title quoted as it was filed, not the writer's own words;
/// "report it [on Github](…/issues/12)" is the writer's.
pub fn in_tracker_item_title(block: &Block, found: &Range<usize>) -> bool {
    block.atoms.iter().any(|atom| {
        atom.kind == AtomKind::Link
            && atom.prose.start <= found.start
            && found.end <= atom.prose.end
            && atom.target.as_deref().is_some_and(is_tracker_item_url)
            && reads_as_title(&block.prose.text[atom.prose.clone()])
    })
}

fn reads_as_title(text: &str) -> bool {
    let starts_like_a_title = text
        .chars()
        .find(|c| c.is_alphanumeric() || *c == PLACEHOLDER)
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit() || c == PLACEHOLDER);
    starts_like_a_title && text.split_whitespace().count() >= 3
}

/// A URL whose path has "issues", "pull", "pulls", "merge_requests" or
/// "discussions" followed by a number.
fn is_tracker_item_url(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    let segments: Vec<&str> = path.split('/').collect();
    segments.windows(2).any(|pair| {
        matches!(
            pair[0],
            "issues" | "pull" | "pulls" | "merge_requests" | "discussions"
        ) && !pair[1].is_empty()
            && pair[1].bytes().all(|b| b.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::{is_tracker_item_url, reads_as_title};

    #[test]
    fn titles() {
        assert!(reads_as_title("Github: fix colour handling"));
        assert!(reads_as_title("\u{FFFC} fails on Macos"));
        assert!(!reads_as_title("on Github"));
        assert!(!reads_as_title("report it on Github"));
        assert!(!reads_as_title("Github"));
    }

    #[test]
    fn tracker_item_urls() {
        for url in [
            "https://github.com/o/r/issues/12",
            "https://github.com/o/r/pull/7#issuecomment-1",
            "https://gitlab.com/g/p/-/merge_requests/3",
            "https://github.com/o/r/discussions/40?sort=new",
        ] {
            assert!(is_tracker_item_url(url), "{url}");
        }
        for url in [
            "https://github.com/o/r/issues",
            "https://github.com/o/r/issues/new",
            "https://github.com/o/pull-requests",
            "https://github.com/o/r",
        ] {
            assert!(!is_tracker_item_url(url), "{url}");
        }
    }
}
