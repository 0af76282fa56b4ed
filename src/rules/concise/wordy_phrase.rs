use crate::declare_rule;
use crate::fix::Applicability;
use crate::guide::Guide;
use crate::rules::table::{TableRule, TableStyle};
use crate::rules::{Rule, RuleFactory};

declare_rule! {
    /// ## What it does
    /// Flags phrases that say in several words what one or two say better,
    /// such as “in order to”, “due to the fact that” or “at this point in time”.
    ///
    /// ## Why is this bad?
    /// Wordy phrases slow the reader down and dilute the point. On social
    /// platforms every character counts against a limit and against attention.
    ///
    /// ## Example
    /// ```markdown
    /// We rebuilt the editor in order to ship faster.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// We rebuilt the editor to ship faster.
    /// ```
    ///
    /// ## Fix safety
    /// Safe when the table row has one replacement: it keeps the meaning, and
    /// the original's capitalisation is kept (“In order to” → “To”).
    ///
    /// ## Options
    /// `[concise] wordy = [{ find = "…", use = "…" }]` adds rows; `allow`
    /// lists phrases never to flag; `[rules] "concise/wordy-phrase"` sets the level.
    pub static META = {
        id: "concise/wordy-phrase",
        category: Concise,
        severity: Warning,
        fixable: Safe,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

fn build(guide: &Guide) -> Box<dyn Rule> {
    TableRule::boxed(
        &META,
        &guide.config.concise.wordy,
        TableStyle {
            message: |quoted| format!("Wordy phrase {quoted}"),
            single_fix: Applicability::Safe,
        },
    )
}
