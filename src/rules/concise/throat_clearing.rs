use crate::declare_rule;
use std::ops::Range;

use crate::document::Block;

use crate::rules::table::Verdict;

declare_rule! {
    /// ## What it does
    /// Flags throat-clearing openers that delay the point: “I just wanted to
    /// say that”, “It goes without saying that”, “It is important to note that”.
    ///
    /// Off by default: 69% of its findings on published posts were right by a strict count
    /// (an opener such as “It is worth noting that” is often a matter of taste). Turn it on with
    /// `[rules] "concise/throat-clearing" = "warning"` or `--select concise/throat-clearing` (see docs/precision.md).
    ///
    /// ## Why is this bad?
    /// Readers decide in the first words whether to keep reading. An opener
    /// that announces the sentence instead of saying it spends them.
    ///
    /// ## Example
    /// ```markdown
    /// It is important to note that the beta closes on Friday.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// The beta closes on Friday.
    /// ```
    ///
    /// ## Fix safety
    /// Safe when the row says what to remove or use instead: the sentence that
    /// remains is complete and its first word is re-capitalised.
    ///
    /// ## Options
    /// `[concise] throat_clearing = [{ find = "…", use = "" }]` adds rows.
    pub static META = {
        id: "concise/throat-clearing",
        category: Concise,
        severity: Warning,
        fixable: Safe,
        enabled_by_default: false,
        table: "throat_clearing",
        defaults: include_str!("throat_clearing.toml"),
        table_style: {
            message: "Throat-clearing opener {quoted}",
            single_fix: Safe,
            context: throat_clearing_context,
        },
    }
}

/// "As you know, …" is throat-clearing; "as you know how to fix it" is a
/// clause that needs its "as". A row starting with "as" counts only when a
/// comma or the end of the sentence follows it.
fn throat_clearing_context(block: &Block, found: &Range<usize>, _: Option<&str>) -> Verdict {
    let prose = &block.prose.text;
    let phrase = &prose[found.clone()];
    let is_as_clause = phrase
        .split_whitespace()
        .next()
        .is_some_and(|first| first.eq_ignore_ascii_case("as"));
    let after = prose[found.end..].trim_start();
    if is_as_clause && !(after.is_empty() || after.starts_with([',', '.', ';', ':', ')', '—'])) {
        return Verdict::Skip;
    }
    Verdict::Keep
}
