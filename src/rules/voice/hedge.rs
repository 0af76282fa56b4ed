use crate::declare_rule;
use std::ops::Range;

use crate::document::Block;
use crate::rules::context::{in_identifier, next_word, previous_word};
use crate::rules::table::Verdict;

declare_rule! {
    /// ## What it does
    /// Flags hedges and intensifiers (“very”, “quite”, “kind of”, “I think”)
    /// that weaken a statement or inflate it without evidence.
    ///
    /// Off by default: about 15% of a sample of its findings on published posts were right
    /// by a strict count (most qualifiers were doing work). Turn it on with
    /// `[rules] "voice/hedge" = "info"` or `--select voice/hedge` (see docs/precision.md).
    ///
    /// ## Why is this bad?
    /// A confident voice states what it knows. Hedges make a claim sound
    /// unsure; intensifiers ask the reader to feel what the facts should show.
    /// Both are sometimes right, so this rule is informational.
    ///
    /// ## Example
    /// ```markdown
    /// I think the new release is very fast.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// The new release loads pages in 200 ms.
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe where the table offers a removal: dropping a hedge changes how
    /// sure the sentence sounds.
    ///
    /// ## Options
    /// `[voice] hedges = [{ find = "…" }]` adds rows; `allow` keeps words.
    pub static META = {
        id: "voice/hedge",
        category: Voice,
        severity: Info,
        fixable: Unsafe,
        enabled_by_default: false,
        table: "hedges",
        defaults: include_str!("hedge.toml"),
        table_style: {
            message: "Hedge or intensifier {quoted}",
            single_fix: Unsafe,
            context: hedge_context,
        },
    }
}

/// Idioms that contain a hedge word but hedge nothing: "quite a few" is a
/// number, "the very first" a position, "not quite" a precise claim.
fn hedge_context(block: &Block, found: &Range<usize>, _: Option<&str>) -> Verdict {
    let prose = &block.prose.text;
    if in_identifier(prose, found) {
        return Verdict::Skip;
    }
    let word = prose[found.clone()].to_lowercase();
    let next = next_word(block, found).map(str::to_lowercase);
    let previous = previous_word(block, found).map(str::to_lowercase);
    let after = prose[found.end..].trim_start().to_lowercase();
    let idiom = match word.as_str() {
        "quite" => {
            previous.as_deref() == Some("not")
                || [
                    "a few",
                    "a bit",
                    "a lot",
                    "a while",
                    "a number",
                    "the opposite",
                    "the same",
                ]
                .iter()
                .any(|rest| {
                    after.starts_with(rest)
                        && !after[rest.len()..].starts_with(char::is_alphanumeric)
                })
        }
        "very" => {
            matches!(
                previous.as_deref(),
                Some("the" | "this" | "that" | "its" | "their")
            ) && next.as_deref().is_some_and(|n| {
                VERY_IDIOMS.contains(&n)
                    || (VERY_PLACES.contains(&n) && ends_noun_phrase(block, found, n))
            })
        }
        _ => false,
    };
    if idiom {
        return Verdict::Skip;
    }
    Verdict::Keep
}

/// "the very first", "the very same", "this very moment": "very" marks an
/// exact position or identity there, not intensity.
#[rustfmt::skip]
const VERY_IDIOMS: &[&str] = &[
    "first", "last", "same", "least", "next", "moment", "day", "idea", "thing", "reason", "one",
    "few", "existence", "nature",
];

/// Places in "the very end", "the very top of": an idiom only when the noun
/// ends there or "of" follows; "the very end result" is an intensifier on a
/// compound noun.
#[rustfmt::skip]
const VERY_PLACES: &[&str] = &[
    "end", "beginning", "start", "top", "bottom", "heart", "core", "edge", "point", "front",
    "back", "center", "centre", "middle",
];

fn ends_noun_phrase(block: &Block, very: &Range<usize>, place: &str) -> bool {
    let prose = &block.prose.text;
    let Some(place_start) = prose[very.end..].find(place).map(|i| very.end + i) else {
        return false;
    };
    let place_range = place_start..place_start + place.len();
    let rest = prose[place_range.end..].trim_start();
    rest.is_empty()
        || rest.starts_with(|c: char| !c.is_alphanumeric())
        || next_word(block, &place_range).is_some_and(|w| {
            [
                "of", "and", "or", "to", "in", "on", "at", "for", "with", "is", "was",
            ]
            .iter()
            .any(|p| p.eq_ignore_ascii_case(w))
        })
}
