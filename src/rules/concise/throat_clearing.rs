use crate::declare_rule;
use crate::fix::Applicability;
use crate::guide::Guide;
use crate::rules::table::{TableRule, TableStyle};
use crate::rules::{Rule, RuleFactory};

declare_rule! {
    /// ## What it does
    /// Flags throat-clearing openers that delay the point: “I just wanted to
    /// say that”, “It goes without saying that”, “It is important to note that”.
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
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

fn build(guide: &Guide) -> Box<dyn Rule> {
    TableRule::boxed(
        &META,
        &guide.config.concise.throat_clearing,
        TableStyle {
            message: |quoted| format!("Throat-clearing opener {quoted}"),
            single_fix: Applicability::Safe,
        },
    )
}
