use crate::declare_rule;
use std::ops::Range;

use crate::document::Block;
use crate::rules::context::{in_identifier, names_link_target, previous_word};
use crate::rules::table::Verdict;

declare_rule! {
    /// ## What it does
    /// Flags filler words that rarely add meaning: “really”, “basically”,
    /// “actually”, “literally”. Not after a negation (“not really”, “isn't
    /// actually”), where the word carries meaning, nor inside a name
    /// (“really-simple-sync”, link text that spells its URL).
    ///
    /// Off by default: 47% of its findings on published posts were right by a strict count
    /// (most were debatable: “really” or “actually” that carries a contrast). Turn it on with
    /// `[rules] "concise/filler" = "info"` or `--select concise/filler` (see docs/precision.md).
    ///
    /// ## Why is this bad?
    /// Filler softens a sentence and pads it. Most sentences read stronger
    /// without it; some need it, which is why this rule is informational.
    ///
    /// ## Example
    /// ```markdown
    /// Basically, the new dashboard is really fast.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// The new dashboard is fast.
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: removing the word can change emphasis or tone, so it is applied
    /// only with `--unsafe-fixes` or from the editor. Spaces and commas around
    /// the word are tidied and a sentence start is re-capitalised.
    ///
    /// ## Options
    /// `[concise] filler = [{ find = "…", use = "" }]` adds rows; `allow`
    /// lists words never to flag.
    pub static META = {
        id: "concise/filler",
        category: Concise,
        severity: Info,
        fixable: Unsafe,
        enabled_by_default: false,
        table: "filler",
        defaults: include_str!("filler.toml"),
        table_style: {
            message: "Filler word {quoted}",
            single_fix: Unsafe,
            context: filler_context,
        },
    }
}

/// After a negation a filler word is no filler ("not really"). Inside a name
/// ("really-fast-parser", "actually/repo", link text naming the repository
/// it links to) it is part of the name.
fn filler_context(block: &Block, found: &Range<usize>, _: Option<&str>) -> Verdict {
    if in_identifier(&block.prose.text, found) || names_link_target(block, found) {
        return Verdict::Skip;
    }
    // "not really a subset", "isn't actually one thing", "without actually
    // running": after a negation the word carries meaning.
    let negated = previous_word(block, found).is_some_and(|word| {
        let lower = word.to_lowercase();
        matches!(
            lower.as_str(),
            "not" | "never" | "without" | "hardly" | "no"
        ) || lower.ends_with("n't")
            || lower.ends_with("n’t")
    });
    if negated {
        return Verdict::Skip;
    }
    Verdict::Keep
}
