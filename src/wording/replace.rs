//! Turning a match in a block's prose into a fix: case kept, spaces and
//! commas tidied, a sentence start re-capitalised.
//!
//! Every function here returns `None` rather than a fix that could damage
//! markup: when a match spans Markdown syntax, the finding is still
//! reported, without an automatic edit.

use std::ops::Range;

use crate::document::Block;
use crate::finding::quote;
use crate::fix::{Applicability, Edit, Fix};

/// Adapt `replacement` to the case of `original`: "In order to" → "To",
/// "IN ORDER TO" → "TO". Replacements with capitals of their own (names)
/// are kept exactly.
pub fn match_case(original: &str, replacement: &str) -> String {
    if replacement.chars().any(char::is_uppercase) {
        return replacement.to_owned();
    }
    let letters: Vec<char> = original.chars().filter(|c| c.is_alphabetic()).collect();
    if letters.len() > 1 && letters.iter().all(|c| c.is_uppercase()) {
        return replacement.to_uppercase();
    }
    if original.chars().next().is_some_and(char::is_uppercase) {
        return capitalize(replacement);
    }
    replacement.to_owned()
}

pub fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A fix replacing the prose range `found` with `replacement`, or removing
/// it when `replacement` is empty.
pub fn replacement_fix(
    block: &Block,
    source: &str,
    found: Range<usize>,
    replacement: &str,
    applicability: Applicability,
) -> Option<Fix> {
    let prose = &block.prose.text;
    let original = prose.get(found.clone())?;
    if replacement.is_empty() {
        let removal = removal_edits(block, source, found)?;
        // Dropping a phrase from between two commas may also drop a comma the
        // sentence needs ("Hey team, needless to say, …"): never Safe.
        let applicability = if removal.parenthetical {
            applicability.min(Applicability::Unsafe)
        } else {
            applicability
        };
        return Some(Fix::new(
            format!("Remove {}", quote(original)),
            removal.edits,
            applicability,
        ));
    }
    let replacement = match_apostrophes(original, &match_case(original, replacement));
    let range = block.prose.clean_source_range(found, source)?;
    Some(Fix::new(
        format!("Replace with {}", quote(&replacement)),
        vec![Edit::replace(range, replacement)],
        applicability,
    ))
}

/// Use the original's apostrophe style in the replacement: a draft written
/// with curly apostrophes keeps them.
pub fn match_apostrophes(original: &str, replacement: &str) -> String {
    if original.contains('’') && !original.contains('\'') {
        replacement.replace('\'', "’")
    } else if original.contains('\'') && !original.contains('’') {
        replacement.replace('’', "'")
    } else {
        replacement.to_owned()
    }
}

/// The edits that remove a phrase.
pub struct Removal {
    pub edits: Vec<Edit>,
    /// The phrase stood between two commas, and both went with it.
    pub parenthetical: bool,
}

/// Edits that remove a phrase and leave no double space, no space before
/// punctuation, no stray comma, and a capital at a sentence start.
pub fn removal_edits(block: &Block, source: &str, found: Range<usize>) -> Option<Removal> {
    let prose = block.prose.text.as_str();
    let before = &prose[..found.start];
    let after = &prose[found.end..];
    let sentence_start = block.sentences.iter().any(|s| s.start == found.start);

    let parenthetical = before.ends_with(", ") && after.starts_with(',');
    // The prose range to delete, and where the following word starts.
    let original = &prose[found.clone()];
    let repeated = after
        .strip_prefix(", ")
        .and_then(|rest| rest.get(..original.len()))
        .is_some_and(|next| next.eq_ignore_ascii_case(original));
    let (delete, next_word): (Range<usize>, Option<usize>) = if repeated {
        // "It was really, really deep" → "It was really deep": the comma
        // belonged to the repetition and goes with the first copy.
        (found.start..found.end + 2, Some(found.end + 2))
    } else if let Some(rest) = after
        .strip_prefix(", ")
        .filter(|_| sentence_start || before.is_empty())
    {
        // "Basically, we ship" → "We ship".
        (found.start..found.end + 2, Some(prose.len() - rest.len()))
    } else if parenthetical {
        // "It is, basically, done" → "It is done".
        (found.start - 2..found.end + 1, None)
    } else if after.starts_with(", ") && after_conjunction(block, &found) {
        // "because as we all know, we are" → "because we are": an opener
        // after a conjunction takes its comma with it.
        (found.start - 1..found.end + 1, None)
    } else if before.ends_with(", ") && (after.is_empty() || starts_with_closing_punctuation(after))
    {
        // "That's good, really." → "That's good."
        (found.start - 2..found.end, None)
    } else if after.starts_with(' ') && (before.is_empty() || before.ends_with(' ')) {
        // "It is really good" → "It is good".
        (found.start..found.end + 1, Some(found.end + 1))
    } else if before.ends_with(' ') && (after.is_empty() || starts_with_closing_punctuation(after))
    {
        // "It works, really well done really." → "… done."
        (found.start - 1..found.end, None)
    } else {
        return None;
    };

    let range = block.prose.clean_source_range(delete, source)?;
    let mut edits = vec![Edit::delete(range)];
    if sentence_start
        && let Some(word_start) = next_word
        && let Some(first) = prose[word_start..].chars().next()
        && first.is_lowercase()
    {
        let char_range = word_start..word_start + first.len_utf8();
        let source_range = block.prose.clean_source_range(char_range, source)?;
        edits.push(Edit::replace(
            source_range,
            first.to_uppercase().collect::<String>(),
        ));
    }
    Some(Removal {
        edits,
        parenthetical,
    })
}

/// Whether a conjunction stands right before the match ("… because as").
fn after_conjunction(block: &Block, found: &Range<usize>) -> bool {
    const CONJUNCTIONS: &[&str] = &[
        "and", "but", "or", "so", "because", "since", "although", "though", "while", "if", "when",
        "that", "yet",
    ];
    super::context::previous_word(block, found)
        .is_some_and(|word| CONJUNCTIONS.iter().any(|c| c.eq_ignore_ascii_case(word)))
}

fn starts_with_closing_punctuation(text: &str) -> bool {
    text.starts_with(['.', ',', '!', '?', ';', ':', ')', '…'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Document, DocumentKind};
    use crate::fix::apply_edits;

    fn remove(text: &str, phrase: &str) -> Option<String> {
        let document = Document::parse(text, DocumentKind::Markdown);
        let block = &document.blocks[0];
        let start = block.prose.text.find(phrase)?;
        let removal = removal_edits(block, text, start..start + phrase.len())?;
        apply_edits(text, &removal.edits).ok()
    }

    #[test]
    fn removal_tidies_spaces_commas_and_capitals() {
        assert_eq!(
            remove("It is really good.", "really").as_deref(),
            Some("It is good.")
        );
        assert_eq!(
            remove("Basically, we ship.", "Basically").as_deref(),
            Some("We ship.")
        );
        assert_eq!(
            remove("It is, basically, done.", "basically").as_deref(),
            Some("It is done.")
        );
        assert_eq!(
            remove("That's good, really.", "really").as_deref(),
            Some("That's good.")
        );
        assert_eq!(remove("Done, really", "really").as_deref(), Some("Done"));
        assert_eq!(
            remove(
                "It helps because as we all know, we own our careers.",
                "as we all know"
            )
            .as_deref(),
            Some("It helps because we own our careers.")
        );
        assert_eq!(
            remove("It was done really, and then it shipped.", "really").as_deref(),
            Some("It was done, and then it shipped.")
        );
        assert_eq!(
            remove(
                "I just wanted to say that we\nshipped.",
                "I just wanted to say that"
            )
            .as_deref(),
            Some("We\nshipped.")
        );
        assert_eq!(
            remove("We won. Really great.", "Really").as_deref(),
            Some("We won. Great.")
        );
        assert_eq!(
            remove("It was really, really deep.", "really").as_deref(),
            Some("It was really deep.")
        );
    }

    #[test]
    fn removal_refuses_to_cut_markup() {
        assert_eq!(remove("It is **really** good.", "really"), None);
    }

    #[test]
    fn apostrophes_follow_the_original() {
        assert_eq!(match_apostrophes("it’s kind of", "it's"), "it’s");
        assert_eq!(match_apostrophes("it's kind of", "it’s"), "it's");
        assert_eq!(match_apostrophes("kind of", "it's"), "it's");
    }

    #[test]
    fn case_follows_the_original() {
        assert_eq!(match_case("In order to", "to"), "To");
        assert_eq!(match_case("IN ORDER TO", "to"), "TO");
        assert_eq!(match_case("in order to", "to"), "to");
        assert_eq!(match_case("Github", "GitHub"), "GitHub");
    }
}
