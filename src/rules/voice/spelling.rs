use std::sync::Arc;

use crate::declare_rule;
use crate::document::Block;
use crate::finding::{Finding, quote};
use crate::guide::Guide;
use crate::rules::context::in_identifier;
use crate::rules::{Context, Rule, RuleFactory};
use crate::vale::spelling::Speller;

declare_rule! {
    /// ## What it does
    /// Flags words that are not in the en_US dictionary (SCOWL's, the one
    /// copydesk bundles for Vale's `Vale.Spelling`) or in a bundled list of
    /// web and software words (cspell's, such as “webhooks” and
    /// “backtick”), with up to five suggestions.
    ///
    /// ## Why is this bad?
    /// A typo in a public post is what readers remember.
    ///
    /// ## Example
    /// ```markdown
    /// We shipped the new relase today.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// We shipped the new release today.
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the suggestions are in the message; the writer picks one.
    ///
    /// ## Options
    /// Off by default (a dictionary never knows every name). The guide's own
    /// words are never misspelt: `[voice.casing] names`, the `use` side of
    /// `[[voice.terms]]`, `[voice] acronyms` and `[sharing] employer` are
    /// added to the dictionary, in any case. As Vale does, words with capitals
    /// inside (`MongoDB`), all capitals (`NASA`), or characters other than
    /// ASCII letters and apostrophes are not checked.
    pub static META = {
        id: "voice/spelling",
        category: Voice,
        severity: Info,
        fixable: No,
        enabled_by_default: false,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

struct Spelling {
    speller: Arc<Speller>,
}

fn build(guide: &Guide) -> Box<dyn Rule> {
    let voice = &guide.config.voice;
    let words: Vec<&str> = voice
        .casing
        .names
        .iter()
        .map(String::as_str)
        .chain(voice.terms.iter().map(|t| t.preferred.as_str()))
        .chain(voice.acronyms.iter().map(String::as_str))
        .chain(guide.config.sharing.employer.iter().map(String::as_str))
        .collect();
    Box::new(Spelling {
        speller: Arc::new(Speller::bundled_with(&words)),
    })
}

impl Rule for Spelling {
    fn meta(&self) -> &'static crate::rules::RuleMeta {
        &META
    }

    fn check_block(&self, _cx: &Context, block: &Block, out: &mut Vec<Finding>) {
        let prose = &block.prose.text;
        for (range, suggestions) in self.speller.misspelled(prose) {
            if in_identifier(prose, &range) {
                continue;
            }
            let word = &prose[range.clone()];
            let mut message = format!("Unknown word {}", quote(word));
            if !suggestions.is_empty() {
                let list: Vec<String> = suggestions.iter().map(|s| quote(s)).collect();
                message.push_str(&format!(": did you mean {}?", list.join(", ")));
            }
            out.push(Finding::new(
                META.id,
                block.source_range(range),
                META.severity,
                message,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::document::{Document, DocumentKind};
    use crate::guide::{Guide, GuideSource};
    use crate::rules::{Context, Rule};

    /// The rule on its own (the checker's part, that it is off by default,
    /// is tested in `check`).
    fn spelling_findings(toml: &str, text: &str) -> Vec<String> {
        let guide = Guide::from_source(toml, GuideSource::BuiltIn).expect("a valid guide");
        let rule: Box<dyn Rule> = (super::FACTORY.build)(&guide);
        let document = Document::parse(text, DocumentKind::Markdown);
        let cx = Context {
            document: &document,
            guide: &guide,
            today: (2026, 1, 1),
            vale_min_alert_level: None,
            started: std::time::Instant::now(),
        };
        let mut out = Vec::new();
        for block in &document.blocks {
            rule.check_block(&cx, block, &mut out);
        }
        out.into_iter()
            .filter(|f| f.rule == "voice/spelling")
            .map(|f| text[f.span].to_owned())
            .collect()
    }

    #[test]
    fn typos_are_flagged_and_the_guides_own_words_are_not() {
        let guide = "[rules]\n\"voice/spelling\" = \"info\"\n\n[voice.casing]\nnames = [\"Zorblax\"]\n\n[sharing]\nemployer = [\"Quibbleworks Ltd\"]\n";
        let found = spelling_findings(
            guide,
            "We shipped the new relase of Zorblax and ZORBLAX at quibbleworks, not `frobz`.\n",
        );
        assert_eq!(found, ["relase"]);
    }
}
