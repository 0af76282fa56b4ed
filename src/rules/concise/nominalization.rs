use crate::declare_rule;
use crate::fix::Applicability;
use std::ops::Range;

use crate::document::Block;
use crate::rules::context::{begins_noun_phrase, next_word};
use crate::rules::table::Verdict;

declare_rule! {
    /// ## What it does
    /// Flags verbs buried in nouns (“make a decision”, “conduct an
    /// investigation”) and roundabout modals (“is able to”).
    ///
    /// Off by default: 68% of its findings on published posts were right by a strict count
    /// (past-tense “were able to” is often the meant sense). Turn it on with
    /// `[rules] "concise/nominalization" = "warning"` or `--select concise/nominalization` (see docs/precision.md).
    ///
    /// ## Why is this bad?
    /// A nominalisation turns an action into a thing and needs a weak verb to
    /// carry it. The plain verb is shorter and more direct.
    ///
    /// ## Example
    /// ```markdown
    /// The team made a decision to conduct an investigation.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// The team decided to investigate.
    /// ```
    ///
    /// ## Fix safety
    /// Safe when the row has one replacement in the same tense and person.
    /// A row ending in “to” whose replacement drops it (“provided support to”
    /// → “supported”) is Safe only when a noun phrase follows (“to the
    /// team”); before a verb (“provided support to cover costs”) the
    /// replacement is only suggested.
    ///
    /// ## Options
    /// `[concise] nominalization = [{ find = "…", use = "…" }]` adds rows.
    pub static META = {
        id: "concise/nominalization",
        category: Concise,
        severity: Warning,
        fixable: Safe,
        enabled_by_default: false,
        table: "nominalization",
        defaults: include_str!("nominalization.toml"),
        table_style: {
            message: "Buried verb {quoted}",
            single_fix: Safe,
            context: nominalization_context,
        },
    }
}

/// "… to" read as a preposition needs a noun phrase after it; before a verb
/// the "to" was an infinitive and the replacement would break the sentence.
fn nominalization_context(
    block: &Block,
    found: &Range<usize>,
    replacement: Option<&str>,
) -> Verdict {
    let phrase = &block.prose.text[found.clone()];
    let drops_to =
        replacement.is_some_and(|r| !r.ends_with(" to") && !matches!(r, "can" | "could"));
    let ends_with_to = phrase
        .rsplit(char::is_whitespace)
        .next()
        .is_some_and(|last| last.eq_ignore_ascii_case("to"));
    if drops_to && ends_with_to && !next_word(block, found).is_some_and(begins_noun_phrase) {
        return Verdict::AtMost(Applicability::DisplayOnly);
    }
    Verdict::Keep
}
