use std::ops::Range;

use crate::declare_rule;
use crate::document::Block;
use crate::fix::Applicability;
use crate::guide::Guide;
use crate::rules::table::{TableRule, TableStyle, Verdict};
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
    /// keeps the meaning. Unsafe for pairs that are also idioms, where the
    /// short form can change the sense (“joined together” as “united”;
    /// “from past experiences”; “first and foremost” as “above all”, where
    /// bare “first” reads as an order of work).
    ///
    /// ## Options
    /// `[concise] redundancy = [{ find = "…", use = "…" }]` adds rows; `allow`
    /// lists phrases never to flag.
    pub static META = {
        id: "concise/redundancy",
        category: Concise,
        severity: Info,
        fixable: Safe,
        table: "redundancy",
        defaults: include_str!("redundancy.toml"),
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

fn build(guide: &Guide) -> Box<dyn Rule> {
    TableRule::boxed_with_context(
        &META,
        guide.config.table(&META),
        TableStyle {
            message: |quoted| format!("Redundant phrase {quoted}"),
            single_fix: Applicability::Safe,
        },
        redundancy_context,
    )
}

/// Pairs that are also idioms: dropping the "redundant" word can change the
/// sense ("joined together" means united; bare "joined" can read as joining
/// something that exists; "first and foremost" means above all, bare "first"
/// can read as an order of work), so the writer chooses.
const IDIOMS: &[&str] = &["joined together", "past experiences", "first and foremost"];

fn redundancy_context(block: &Block, found: &Range<usize>, _: Option<&str>) -> Verdict {
    let phrase = block.prose.text[found.clone()].to_lowercase();
    let phrase = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
    if IDIOMS.contains(&phrase.as_str()) {
        Verdict::AtMost(Applicability::Unsafe)
    } else {
        Verdict::Keep
    }
}
