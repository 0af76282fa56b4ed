use crate::declare_rule;
use crate::document::Block;
use crate::finding::{Finding, quote};
use crate::guide::Guide;
use crate::rules::table::TableRow;
use crate::rules::{Context, Rule, RuleFactory, RuleMeta, Term, TermMatch};

use super::{find_phrase, sentence_index, tags};

declare_rule! {
    /// ## What it does
    /// Flags a negative judgement (“scam”, “fraud”, “liar”, “incompetent”,
    /// “worst”, “garbage”, “rip-off”…) in the same sentence as a named person
    /// or organisation: a competitor from the guide, an @mention, or a
    /// capitalised name that does not start the sentence and stands within
    /// eight words of the judgement.
    ///
    /// ## Why is this bad?
    /// A public post that calls a named person or company a scam can harm
    /// their reputation, and yours, and may be defamatory if the facts are
    /// not there. The guideline asks: could this harm someone's reputation,
    /// and do you have facts to back it?
    ///
    /// ## Example
    /// ```markdown
    /// Globex's new pricing is a total rip-off.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// Globex raised its prices by 40% this year; ours stayed the same.
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the writer decides whether to keep the judgement and adds the
    /// facts behind it.
    ///
    /// ## Options
    /// `[sharing] competitors = [...]` names companies to watch for;
    /// `[[sharing.negative_judgements]]` rows (`find`, `why`) add words; the
    /// top-level `allow` list removes them.
    pub static META = {
        id: "share/reputation",
        category: Share,
        severity: Warning,
        fixable: No,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

struct Reputation {
    rows: Vec<TableRow>,
    competitors: Vec<String>,
}

fn build(guide: &Guide) -> Box<dyn Rule> {
    let sharing = &guide.config.sharing;
    Box::new(Reputation {
        rows: sharing
            .negative_judgements
            .iter()
            .map(TableRow::from_entry)
            .collect(),
        competitors: sharing.competitors.clone(),
    })
}

/// Capitalised words that are not names.
const NOT_NAMES: &[&str] = &[
    "I",
    "I'm",
    "I’m",
    "I've",
    "I’ve",
    "I'll",
    "I’ll",
    "I'd",
    "I’d",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "OK",
    "AI",
    "CEO",
    "CTO",
    "CFO",
    "COO",
    "HR",
    "PR",
    "UX",
    "UI",
    "API",
    "SaaS",
    "B2B",
    "B2C",
    "CRM",
    "ERP",
    "KPI",
    "ROI",
    "Q1",
    "Q2",
    "Q3",
    "Q4",
    "FY",
    "TL;DR",
    "PS",
    "P.S",
    "God",
];

/// How many words from the judgement a capitalised name may stand and still
/// be taken as its target.
const NAME_WINDOW_WORDS: usize = 8;

impl Reputation {
    /// The named target in sentence `sentence` of `block`, other than the
    /// judgement at `judgement`.
    fn target(
        &self,
        block: &Block,
        sentence: usize,
        judgement: &std::ops::Range<usize>,
    ) -> Option<String> {
        let prose = block.prose.text.as_str();
        let range = block.sentences.get(sentence)?.clone();
        let text = &prose[range.clone()];
        for competitor in &self.competitors {
            if let Some(found) = find_phrase(text, competitor).first() {
                return Some(text[found.clone()].to_owned());
            }
        }
        if let Some(mention) = tags::mentions(text).next() {
            return Some(text[mention].to_owned());
        }
        let hashtags: Vec<_> = tags::hashtags(prose).collect();
        let words = block.sentence_words(sentence);
        // A capitalised word is only a likely target near the judgement:
        // "37 Signals highlights … marketers are rendered useless" is not
        // about Signals.
        let judgement_word = words.partition_point(|w| w.end <= judgement.start);
        for (index, word) in words.iter().enumerate() {
            if index == 0 || word.start < judgement.end && judgement.start < word.end {
                continue;
            }
            if index.abs_diff(judgement_word) > NAME_WINDOW_WORDS {
                continue;
            }
            let written = &prose[word.clone()];
            let capitalised = written.chars().next().is_some_and(char::is_uppercase);
            let in_hashtag = hashtags
                .iter()
                .any(|tag| tag.start < word.end && word.start < tag.end);
            // After a colon, a quote mark or a line-opening dash a new
            // sentence-like start follows.
            let after_opener = prose[..word.start]
                .trim_end()
                .ends_with([':', '“', '"', '(', '—', '–']);
            if capitalised
                && !in_hashtag
                && !after_opener
                && !NOT_NAMES.contains(&written)
                && !crate::document::segment::is_number(written)
            {
                return Some(written.to_owned());
            }
        }
        None
    }
}

impl Rule for Reputation {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn terms(&self) -> Vec<Term> {
        crate::rules::table::table_terms(&self.rows)
    }

    fn on_term(&self, _cx: &Context, block: &Block, found: &TermMatch, out: &mut Vec<Finding>) {
        let Some(row) = self.rows.get(found.entry) else {
            return;
        };
        let Some(sentence) = sentence_index(block, found.prose.start) else {
            return;
        };
        let Some(target) = self.target(block, sentence, &found.prose) else {
            return;
        };
        let judgement = &block.prose.text[found.prose.clone()];
        out.push(
            Finding::new(
                META.id,
                block.source_range(found.prose.clone()),
                META.severity,
                format!(
                    "{} next to {}: could this harm someone's reputation? Do you have facts to back it?",
                    quote(judgement),
                    quote(&target)
                ),
            )
            .with_note(row.why.clone()),
        );
    }
}
