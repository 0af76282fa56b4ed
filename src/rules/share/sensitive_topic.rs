use crate::declare_rule;
use crate::fix::Applicability;
use crate::guide::Guide;
use crate::rules::table::{TableRule, TableStyle};
use crate::rules::{Rule, RuleFactory};

declare_rule! {
    /// ## What it does
    /// Points out words and phrases about race, ethnicity, religion, creed,
    /// culture, politics and tragedies, and asks the guideline's question:
    /// could this cause pain or conflict? It is a prompt to reconsider, not
    /// a ban: the finding is information, never an error.
    ///
    /// ## Why is this bad?
    /// It is not bad in itself. But a post on these topics from someone who
    /// speaks for an organisation reaches people who live them; a line that
    /// reads as a joke, an aside or a sales hook can hurt and start a fight
    /// the author did not mean to.
    ///
    /// ## Example
    /// ```markdown
    /// Our sale is so good it's practically a religious experience.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// Our sale runs until Friday: 30% off every plan.
    /// ```
    ///
    /// ## Fix safety
    /// No fix: whether and how to speak about these topics is the writer's
    /// judgement.
    ///
    /// ## Options
    /// `[[sharing.sensitive_topics]]` rows (`find`, `why`) add to the
    /// built-in lexicon, which is curated to stay quiet on ordinary business
    /// posts (“company culture” and “a race to market” are not flagged); the
    /// top-level `allow` list trims it.
    pub static META = {
        id: "share/sensitive-topic",
        category: Share,
        severity: Info,
        fixable: No,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

fn build(guide: &Guide) -> Box<dyn Rule> {
    TableRule::boxed(
        &META,
        &guide.config.sharing.sensitive_topics,
        TableStyle {
            message: |quoted| {
                format!("Sensitive topic {quoted}: could this cause pain or conflict?")
            },
            single_fix: Applicability::DisplayOnly,
        },
    )
}
