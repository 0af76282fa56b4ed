//! share: the sharing guidelines a comms team checks before a post goes out.
//!
//! Each rule turns one question of the usual employee-advocacy checklist into
//! a check: does it fit the platform (`length-limit`, `hashtags`, `mentions`,
//! `links`), is it honest about who wrote it and who paid (`disclosure`),
//! does it leak (`personal-data`, `confidential`), could it cause pain or
//! harm someone (`sensitive-topic`, `reputation`), are its claims backed
//! (`unsubstantiated-claim`), and is it the author's own words
//! (`key-message-copy`).
//!
//! Platform-specific checks read the post's platforms from
//! [`Context::post`](crate::rules::Context) and stay silent when no platform
//! is known. They run in `check_document`: per-block findings must not
//! depend on anything but the block and the guide.

// The rules: every file here that declares `pub const FACTORY` (build.rs).
include!(concat!(env!("OUT_DIR"), "/rules/share.rs"));
pub mod counting;
pub mod post;
pub mod rendered;
pub mod tags;
mod words;

use std::ops::Range;

use crate::document::{Block, Document};

/// The source range of the whole post, from its first to its last prose
/// byte (front matter excluded).
pub(crate) fn post_span(document: &Document) -> Range<usize> {
    let start = document.blocks.first().map_or(0, |b| b.span().start);
    let end = document.blocks.last().map_or(start, |b| b.span().end);
    start..end.max(start)
}

/// Whether `range` of `text` does not continue a word on either side.
pub(crate) fn at_word_boundaries(text: &str, range: &Range<usize>) -> bool {
    let first = text[range.clone()].chars().next();
    let last = text[range.clone()].chars().next_back();
    let before_ok = !first.is_some_and(char::is_alphanumeric)
        || text[..range.start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
    let after_ok = !last.is_some_and(char::is_alphanumeric)
        || text[range.end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
    before_ok && after_ok
}

/// The index of the sentence of `block` that holds prose offset `at`.
pub(crate) fn sentence_index(block: &Block, at: usize) -> Option<usize> {
    block
        .sentences
        .iter()
        .position(|sentence| sentence.start <= at && at < sentence.end.max(sentence.start + 1))
}

/// Every case-insensitive, whole-word occurrence of `needle` in `haystack`
/// (ASCII case folding; whitespace runs in the needle match one space).
pub(crate) fn find_phrase(haystack: &str, needle: &str) -> Vec<Range<usize>> {
    let needle: String = needle.split_whitespace().collect::<Vec<_>>().join(" ");
    if needle.is_empty() {
        return Vec::new();
    }
    let lower_haystack = haystack.to_ascii_lowercase();
    let lower_needle = needle.to_ascii_lowercase();
    lower_haystack
        .match_indices(&lower_needle)
        .map(|(at, found)| at..at + found.len())
        .filter(|range| at_word_boundaries(haystack, range))
        .collect()
}

#[cfg(test)]
mod tests;
