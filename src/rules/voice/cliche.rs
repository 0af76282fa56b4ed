use crate::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags stock phrases worn smooth by use (“the tip of the iceberg”,
    /// “crystal clear”, “a double-edged sword”) that are neither business
    /// jargon (`voice/jargon`) nor sentence-openers (`concise/throat-clearing`).
    ///
    /// Off by default until its precision on published posts is measured
    /// (see docs/precision.md). Turn it on with `[rules] "voice/cliche" =
    /// "info"` or `--select voice/cliche`.
    ///
    /// ## Why is this bad?
    /// Readers have met these phrases so often that they skim past them: the
    /// sentence says less than it seems to. The plain version says what the
    /// cliché only gestures at.
    ///
    /// ## Example
    /// ```markdown
    /// The outage was the tip of the iceberg.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// The outage was the first of four incidents that week.
    /// ```
    ///
    /// ## Fix safety
    /// No fix for the built-in rows: the plain version depends on what the
    /// writer meant, and each row's note says what to say instead. A row a
    /// guide adds with `use` is offered as a suggestion, never applied
    /// automatically.
    ///
    /// ## Options
    /// `[voice] cliche = [{ find = "…", why = "…" }]` adds rows; `allow`
    /// lists phrases never to flag.
    pub static META = {
        id: "voice/cliche",
        category: Voice,
        severity: Info,
        fixable: No,
        enabled_by_default: false,
        table: "cliche",
        defaults: include_str!("cliche.toml"),
        table_style: {
            message: "Cliché {quoted}",
            single_fix: DisplayOnly,
        },
    }
}
