use crate::declare_rule;
use crate::fix::Applicability;
use crate::guide::Guide;
use crate::rules::table::{TableRule, TableStyle};
use crate::rules::{Rule, RuleFactory};

declare_rule! {
    /// ## What it does
    /// Flags verbs buried in nouns (“make a decision”, “conduct an
    /// investigation”) and roundabout modals (“is able to”).
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
    ///
    /// ## Options
    /// `[concise] nominalization = [{ find = "…", use = "…" }]` adds rows.
    pub static META = {
        id: "concise/nominalization",
        category: Concise,
        severity: Warning,
        fixable: Safe,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

fn build(guide: &Guide) -> Box<dyn Rule> {
    TableRule::boxed(
        &META,
        &guide.config.concise.nominalization,
        TableStyle {
            message: |quoted| format!("Buried verb {quoted}"),
            single_fix: Applicability::Safe,
        },
    )
}
