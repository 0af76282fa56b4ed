use crate::declare_rule;
use crate::fix::Applicability;
use crate::guide::Guide;
use crate::rules::table::{TableRow, TableRule, TableStyle};
use crate::rules::{Rule, RuleFactory};

declare_rule! {
    /// ## What it does
    /// Flags words the guide bans (`[[voice.avoid]]`), with the guide's reason.
    ///
    /// ## Why is this bad?
    /// Some words clash with the brand's voice or carry a history the brand
    /// does not want. The guide says which and why.
    ///
    /// ## Example
    /// ```toml
    /// [[voice.avoid]]
    /// terms = ["synergy", "rockstar"]
    /// why = "Corporate spiel: say what the product does."
    /// ```
    /// ```markdown
    /// We are hiring a rockstar engineer.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// We are hiring a senior engineer.
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the right word depends on what the writer meant.
    ///
    /// ## Options
    /// `[[voice.avoid]]` with `terms`, `why`, `case_sensitive`.
    pub static META = {
        id: "voice/avoid-term",
        category: Voice,
        severity: Warning,
        fixable: No,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

fn build(guide: &Guide) -> Box<dyn Rule> {
    let rows = guide
        .config
        .voice
        .avoid
        .iter()
        .map(TableRow::from_avoid)
        .collect();
    Box::new(TableRule::new(
        &META,
        rows,
        TableStyle {
            message: |quoted| format!("The guide says to avoid {quoted}"),
            single_fix: Applicability::DisplayOnly,
        },
    ))
}
