use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags buzzwords, corporate spiel and marketing clichés (“synergy”,
    /// “move the needle”, “best-of-breed”) and suggests plain alternatives.
    ///
    /// Off by default: 58% of its findings on published posts were right by a strict count
    /// (many phrases named something real: a “deep dive” session). Turn it on with
    /// `[rules] "voice/jargon" = "warning"` or `--select voice/jargon` (see docs/precision.md).
    ///
    /// ## Why is this bad?
    /// Jargon sounds like every other company and tells the reader nothing
    /// specific. Plain words say what the product or the team actually does.
    ///
    /// ## Example
    /// ```markdown
    /// We leverage synergies to move the needle for customers.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// We combine our tools to cut customers' reporting time in half.
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe when a row has one plain alternative (it changes tone); rows
    /// with several alternatives offer them without applying any.
    ///
    /// ## Options
    /// `[voice] jargon = [{ find = "…", use = […], why = "…" }]` adds rows;
    /// `allow` lists words your brand keeps.
    pub static META = {
        id: "voice/jargon",
        category: Voice,
        severity: Warning,
        fixable: Unsafe,
        enabled_by_default: false,
        table: "jargon",
        defaults: include_str!("jargon.toml"),
        table_style: {
            message: "Jargon {quoted}",
            single_fix: Unsafe,
        },
    }
}
