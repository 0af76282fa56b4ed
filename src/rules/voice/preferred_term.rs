use crate::declare_rule;
use crate::fix::Applicability;
use crate::guide::Guide;
use crate::rules::table::{TableRow, TableRule, TableStyle};
use crate::rules::{Rule, RuleFactory};

declare_rule! {
    /// ## What it does
    /// Flags words the brand has a preferred replacement for, as listed in the
    /// guide's `[[voice.terms]]`, and offers the preferred term.
    ///
    /// ## Why is this bad?
    /// A brand that says the same thing the same way is easier to recognise and
    /// to trust. The guide records the choices so every writer makes them.
    ///
    /// ## Example
    /// ```toml
    /// [[voice.terms]]
    /// use = "customer advocacy"
    /// instead_of = ["customer service"]
    /// ```
    /// ```markdown
    /// Our customer service team answers within an hour.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// Our customer advocacy team answers within an hour.
    /// ```
    ///
    /// A preferred term may contain the term it replaces (`use = "GitHub
    /// Actions"`, `instead_of = ["Actions"]`): text that already reads as the
    /// preferred term ("GitHub Actions") is not flagged, so a fix never
    /// matches its own output. The same holds for every term-table rule
    /// (jargon, wordy phrases, your own rows).
    ///
    /// ## Fix safety
    /// Safe: the guide names exactly one replacement, and the original's
    /// capitalisation is kept. `--fix` never applies a replacement that
    /// contains the text it replaces twice at the same place.
    ///
    /// ## Options
    /// `[[voice.terms]]` with `use`, `instead_of`, `why`, `case_sensitive`.
    pub static META = {
        id: "voice/preferred-term",
        category: Voice,
        severity: Warning,
        fixable: Safe,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

fn build(guide: &Guide) -> Box<dyn Rule> {
    let rows = guide
        .config
        .voice
        .terms
        .iter()
        .map(TableRow::from_preferred)
        .collect();
    Box::new(TableRule::new(
        &META,
        rows,
        TableStyle {
            message: |quoted| format!("The guide prefers another term to {quoted}"),
            single_fix: Applicability::Safe,
        },
    ))
}
