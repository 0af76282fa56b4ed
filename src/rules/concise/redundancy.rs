use crate::declare_rule;
use crate::fix::Applicability;
use crate::guide::Guide;
use crate::rules::table::{TableRule, TableStyle};
use crate::rules::{Rule, RuleFactory};

declare_rule! {
    /// ## What it does
    /// Flags redundant pairs where one word already carries the meaning of
    /// the other, such as “end result”, “each and every” or “free gift”.
    ///
    /// ## Why is this bad?
    /// The extra word adds length without adding meaning, and careful readers
    /// notice it.
    ///
    /// ## Example
    /// ```markdown
    /// The end result is a faster checkout for each and every customer.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// The result is a faster checkout for every customer.
    /// ```
    ///
    /// ## Fix safety
    /// Safe when the row has one replacement: dropping the redundant word
    /// keeps the meaning.
    ///
    /// ## Options
    /// `[concise] redundancy = [{ find = "…", use = "…" }]` adds rows; `allow`
    /// lists phrases never to flag.
    pub static META = {
        id: "concise/redundancy",
        category: Concise,
        severity: Warning,
        fixable: Safe,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

fn build(guide: &Guide) -> Box<dyn Rule> {
    TableRule::boxed(
        &META,
        &guide.config.concise.redundancy,
        TableStyle {
            message: |quoted| format!("Redundant phrase {quoted}"),
            single_fix: Applicability::Safe,
        },
    )
}
