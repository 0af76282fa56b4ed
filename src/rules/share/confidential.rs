use crate::declare_rule;
use crate::document::Block;
use crate::finding::{Finding, quote};
use crate::guide::{Date, Guide};
use crate::rules::{Context, Rule, RuleFactory, RuleMeta, Term, TermMatch};

use super::tags;

declare_rule! {
    /// ## What it does
    /// Flags codenames and terms the guide lists as confidential, and terms
    /// under an embargo that has not lifted yet. Matching ignores case,
    /// needs whole words, runs across line breaks, and also catches the term
    /// written as a hashtag (`#ProjectFalcon`).
    ///
    /// ## Why is this bad?
    /// A post is public the moment it goes out and cannot be taken back. A
    /// codename or an embargoed product name in it is a leak.
    ///
    /// ## Example
    /// ```toml
    /// [sharing]
    /// confidential = ["Project Falcon"]
    /// [[sharing.embargo]]
    /// term = "Falcon 2.0"
    /// until = "2027-01-15"
    /// ```
    /// ```markdown
    /// Proud of the team shipping Project Falcon, a.k.a. Falcon 2.0!
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// Proud of the team shipping our next release. More soon!
    /// ```
    ///
    /// ## Fix safety
    /// No fix: what to say instead is the writer's call.
    ///
    /// ## Options
    /// `[sharing] confidential = [...]` and `[[sharing.embargo]]` with
    /// `term`, `until` (the day the embargo lifts: the term is flagged before
    /// it, allowed from it on) and an optional `why`.
    ///
    /// ## When it runs
    /// On every document, social post or not: a leak is a leak wherever it
    /// is published.
    pub static META = {
        id: "share/confidential",
        category: Share,
        severity: Error,
        fixable: No,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

/// A confidential term, or an embargoed one with the day it lifts.
struct Secret {
    term: String,
    until: Option<Date>,
    why: Option<String>,
}

struct Confidential {
    secrets: Vec<Secret>,
}

fn build(guide: &Guide) -> Box<dyn Rule> {
    let sharing = &guide.config.sharing;
    let confidential = sharing.confidential.iter().map(|term| Secret {
        term: term.clone(),
        until: None,
        why: None,
    });
    let embargoed = sharing.embargo.iter().map(|embargo| Secret {
        term: embargo.term.clone(),
        until: Some(embargo.until),
        why: embargo.why.clone(),
    });
    Box::new(Confidential {
        secrets: confidential
            .chain(embargoed)
            .filter(|secret| !secret.term.trim().is_empty())
            .collect(),
    })
}

impl Confidential {
    fn report(
        &self,
        cx: &Context,
        block: &Block,
        prose: std::ops::Range<usize>,
        secret: &Secret,
    ) -> Option<Finding> {
        let written = &block.prose.text[prose.clone()];
        let message = match secret.until {
            Some(until) if Date::from_tuple(cx.today) >= until => return None,
            Some(until) => format!("{} is under embargo until {until}", quote(written)),
            None => format!("{} is confidential", quote(written)),
        };
        let note = secret.why.clone().or_else(|| {
            Some(if secret.until.is_some() {
                "The guide lists it under [[sharing.embargo]]: it must not appear before the embargo lifts".to_owned()
            } else {
                "The guide lists it under [sharing] confidential: it must never appear in a post".to_owned()
            })
        });
        Some(
            Finding::new(META.id, block.source_range(prose), META.severity, message)
                .with_note(note),
        )
    }
}

impl Rule for Confidential {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn terms(&self) -> Vec<Term> {
        self.secrets
            .iter()
            .enumerate()
            .map(|(entry, secret)| Term {
                phrase: secret.term.split_whitespace().collect::<Vec<_>>().join(" "),
                case_sensitive: false,
                entry,
            })
            .collect()
    }

    fn on_term(&self, cx: &Context, block: &Block, found: &TermMatch, out: &mut Vec<Finding>) {
        let Some(secret) = self.secrets.get(found.entry) else {
            return;
        };
        out.extend(self.report(cx, block, found.prose.clone(), secret));
    }

    fn check_block(&self, cx: &Context, block: &Block, out: &mut Vec<Finding>) {
        if self.secrets.is_empty() {
            return;
        }
        // `#ProjectFalcon` spells the term without its spaces.
        for tag in tags::hashtags(&block.prose.text) {
            let folded = tags::fold(&block.prose.text[tag.clone()]);
            let Some(secret) = self
                .secrets
                .iter()
                .find(|secret| tags::fold(&secret.term) == folded && secret.term.contains(' '))
            else {
                continue;
            };
            out.extend(self.report(cx, block, tag, secret));
        }
    }
}
