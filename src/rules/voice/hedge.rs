use crate::declare_rule;
use crate::fix::Applicability;
use crate::guide::Guide;
use crate::rules::table::{TableRule, TableStyle};
use crate::rules::{Rule, RuleFactory};

declare_rule! {
    /// ## What it does
    /// Flags hedges and intensifiers (“very”, “quite”, “kind of”, “I think”)
    /// that weaken a statement or inflate it without evidence.
    ///
    /// ## Why is this bad?
    /// A confident voice states what it knows. Hedges make a claim sound
    /// unsure; intensifiers ask the reader to feel what the facts should show.
    /// Both are sometimes right, so this rule is informational.
    ///
    /// ## Example
    /// ```markdown
    /// I think the new release is very fast.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// The new release loads pages in 200 ms.
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe where the table offers a removal: dropping a hedge changes how
    /// sure the sentence sounds.
    ///
    /// ## Options
    /// `[voice] hedges = [{ find = "…" }]` adds rows; `allow` keeps words.
    pub static META = {
        id: "voice/hedge",
        category: Voice,
        severity: Info,
        fixable: Unsafe,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

fn build(guide: &Guide) -> Box<dyn Rule> {
    TableRule::boxed(
        &META,
        &guide.config.voice.hedges,
        TableStyle {
            message: |quoted| format!("Hedge or intensifier {quoted}"),
            single_fix: Applicability::Unsafe,
        },
    )
}
