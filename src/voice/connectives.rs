//! Connectives a writer uses, and the ones they never use: counted over
//! their posts so the guard can tell a rewrite that brings in “moreover”
//! for a writer who has never written it (see `llm::voice_guard`).

use std::collections::BTreeMap;

use super::stats::{counts_as_prose, normalise};
use crate::document::Document;

/// Linking words and sentence connectives, formal and plain. A profile
/// records how often each appears (anywhere in a sentence) in the
/// writer's prose, zeros included, so "never" is written down.
pub const CONNECTIVES: &[&str] = &[
    "accordingly",
    "additionally",
    "also",
    "anyway",
    "besides",
    "but",
    "consequently",
    "conversely",
    "finally",
    "firstly",
    "furthermore",
    "hence",
    "however",
    "importantly",
    "indeed",
    "instead",
    "lastly",
    "likewise",
    "meanwhile",
    "moreover",
    "nevertheless",
    "nonetheless",
    "notably",
    "overall",
    "plus",
    "secondly",
    "similarly",
    "so",
    "still",
    "subsequently",
    "then",
    "therefore",
    "thus",
    "ultimately",
    "yet",
];

/// Whether a (lowercase) word is one of [`CONNECTIVES`].
pub fn is_connective(word: &str) -> bool {
    CONNECTIVES.binary_search(&word).is_ok()
}

/// How often each of [`CONNECTIVES`] appears in the prose of `posts`
/// (every connective listed, zeros included).
pub fn count(posts: &[Document]) -> BTreeMap<String, usize> {
    let mut counts: BTreeMap<String, usize> =
        CONNECTIVES.iter().map(|c| ((*c).to_owned(), 0)).collect();
    for post in posts {
        for block in post.blocks.iter().filter(|b| counts_as_prose(b)) {
            let text = block.text();
            for range in &block.words {
                let word = normalise(&text[range.clone()]);
                if let Some(n) = counts.get_mut(word.as_ref()) {
                    *n += 1;
                }
            }
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::DocumentKind;

    #[test]
    fn the_list_is_sorted_for_lookup() {
        let mut sorted = CONNECTIVES.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, CONNECTIVES);
        assert!(is_connective("moreover"));
        assert!(!is_connective("the"));
    }

    #[test]
    fn counts_every_connective_in_prose_only() {
        let post = Document::parse(
            "However, we shipped. So it works, and so do you.\n\n```\nmoreover\n```\n\n> Moreover, quoted.\n",
            DocumentKind::Markdown,
        );
        let counts = count(&[post]);
        assert_eq!(counts["however"], 1);
        assert_eq!(counts["so"], 2);
        assert_eq!(counts["moreover"], 0, "code and quotes do not count");
        assert_eq!(counts.len(), CONNECTIVES.len());
    }
}
