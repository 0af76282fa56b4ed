use crate::declare_rule;
use std::ops::Range;

use crate::document::Block;
use crate::rules::context::next_word;
use crate::rules::table::Verdict;

declare_rule! {
    /// ## What it does
    /// Flags gendered job titles, ableist terms and condescending phrases
    /// (“chairman”, “sanity check”, “everyone knows”), and suggests inclusive
    /// alternatives.
    /// A capitalised title before “of” (“Chairman of the Board”) is a
    /// person's official title and is left alone.
    ///
    /// Off by default: on published posts most of its few findings named a real thing (a git
    /// branch called master) or were literal, not condescending. Turn it on with
    /// `[rules] "voice/inclusive" = "warning"` or `--select voice/inclusive` (see docs/precision.md).
    ///
    /// ## Why is this bad?
    /// Words that exclude or belittle part of the audience push it away, often
    /// without the writer meaning to. The alternatives say the same thing to
    /// everyone.
    ///
    /// ## Example
    /// ```markdown
    /// Our chairman ran a quick sanity check on the numbers.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// Our chair ran a quick check on the numbers.
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe when a row has one alternative (check it reads right in
    /// context); rows with several alternatives offer them all.
    ///
    /// ## Options
    /// `[voice] inclusive = [{ find = "…", use = […], why = "…" }]` adds rows;
    /// `allow` keeps a term (for example a proper name).
    pub static META = {
        id: "voice/inclusive",
        category: Voice,
        severity: Warning,
        fixable: Unsafe,
        enabled_by_default: false,
        table: "inclusive",
        defaults: include_str!("inclusive.toml"),
        table_style: {
            message: "Non-inclusive term {quoted}",
            single_fix: Unsafe,
            context: inclusive_context,
        },
    }
}

/// A capitalised title followed by "of" ("Chairman of the Board") is a
/// person's official title, which the writer cannot rename; "our chairman"
/// is still flagged.
fn inclusive_context(block: &Block, found: &Range<usize>, _: Option<&str>) -> Verdict {
    let text = &block.prose.text[found.clone()];
    let is_title = text.split_whitespace().count() == 1
        && text.starts_with(char::is_uppercase)
        && text.to_lowercase().ends_with("man")
        && next_word(block, found).is_some_and(|w| w == "of");
    if is_title {
        return Verdict::Skip;
    }
    Verdict::Keep
}
