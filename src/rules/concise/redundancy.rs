use std::ops::Range;

use crate::declare_rule;
use crate::document::Block;
use crate::rules::context::previous_word;
use crate::rules::table::Verdict;

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
    /// keeps the meaning. Pairs that are also idioms, where the short form
    /// changes the sense or the emphasis, are not in the table (“any and
    /// all”, “first and foremost” as “above all”, “joined together” as
    /// “united”, “from past experiences”), and “period of time” after “any”
    /// is left alone (“for any time” means whenever).
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
        table_style: {
            message: "Redundant phrase {quoted}",
            single_fix: Safe,
            context: redundancy_context,
        },
    }
}

/// "For any period of time" is not "for any time" (whenever) nor "for any
/// period": after "any" the pair is the idiom "any length of time", and
/// neither short form keeps the sense.
fn redundancy_context(block: &Block, found: &Range<usize>, _: Option<&str>) -> Verdict {
    let phrase = block.prose.text[found.clone()].to_lowercase();
    let phrase = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
    let after_any = previous_word(block, found).is_some_and(|w| w.eq_ignore_ascii_case("any"));
    if after_any && matches!(phrase.as_str(), "period of time" | "time period") {
        Verdict::Skip
    } else {
        Verdict::Keep
    }
}
