use std::ops::Range;

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
    /// “worst”, “garbage”, “rip-off”…) about a named person or organisation:
    /// a competitor from the guide, an @mention, or a capitalised name (at
    /// the start of a sentence, only a word no English dictionary holds,
    /// such as “Globex”). The judgement must be about the name:
    /// the name is the subject of a verb judgement (“Globex lied”), is
    /// linked to it within eight words and the same clause (“Globex's
    /// pricing is a rip-off”), or follows it directly (“crooked Globex”).
    /// A judgement word in a compound (“garbage collection”, “corrupt
    /// files”) or merely near a name (“Rust has no garbage collector”) is
    /// not flagged.
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
    ///
    /// ## When it runs
    /// On every document, social post or not.
    pub static META = {
        id: "share/reputation",
        category: Share,
        severity: Warning,
        fixable: No,
        defaults: include_str!("reputation.toml"),
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

/// Judgements that are verbs: “Globex lied”, “they ripped us off”.
const VERB_JUDGEMENTS: &[&str] = &[
    "stole",
    "stealing",
    "swindle",
    "swindled",
    "cheated",
    "cheats",
    "ripped off",
    "lied",
    "lying",
];

/// Words that link a subject to what is said about it: “Globex is a scam”,
/// “Globex's pricing looks like a rip-off”.
const LINKING_WORDS: &[&str] = &[
    "is", "are", "was", "were", "be", "been", "being", "isn't", "isn’t", "s", "seems", "seem",
    "seemed", "looks", "look", "looked", "sounds", "sounded", "feels", "felt", "remains", "became",
    "becomes", "called", "calls", "call", "calling", "proved", "proves",
];

/// Words that, after a judgement word, make it part of a technical or
/// everyday compound, not a judgement: “garbage collection”, “trash can”.
const COMPOUND_HEADS: &[&str] = &[
    "collection",
    "collections",
    "collector",
    "collectors",
    "collect",
    "collected",
    "collecting",
    "collects",
    "can",
    "cans",
    "bin",
    "bins",
    "in",
    "out",
    "value",
    "values",
    "data",
    "file",
    "files",
    "memory",
];

/// Whether the judgement at `judgement` is said about the name at
/// `target` in `prose`: the name is the subject of a verb judgement
/// (“Globex lied”), is linked to it (“Globex's pricing is a rip-off”), or
/// follows it directly (“crooked Globex”). A judgement word in a compound
/// (“garbage collection”) judges no one.
fn judges(prose: &str, target: &Range<usize>, judgement: &Range<usize>) -> bool {
    let judged = prose[judgement.clone()].to_lowercase();
    let next_word = prose[judgement.end..]
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .map(str::to_lowercase);
    let right_after = prose[judgement.end..]
        .chars()
        .next()
        .is_some_and(char::is_whitespace);
    if right_after && next_word.is_some_and(|w| COMPOUND_HEADS.contains(&w.as_str())) {
        return false;
    }
    if target.end <= judgement.start {
        let gap = &prose[target.end..judgement.start];
        if gap.contains([',', ';', ':', '.', '!', '?', '(', ')', '—', '–']) {
            return false;
        }
        let words: Vec<String> = gap
            .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        if words.len() > NAME_WINDOW_WORDS
            || words
                .iter()
                .any(|w| matches!(w.as_str(), "and" | "but" | "or" | "which" | "that" | "who"))
        {
            return false;
        }
        if VERB_JUDGEMENTS.contains(&judged.as_str()) {
            return words.len() <= 4;
        }
        // “Globex's” splits into “globex's” here; its “'s” links too.
        let possessive = gap.trim_start().starts_with(['\'', '’']);
        let Some(link) = words
            .iter()
            .rposition(|w| LINKING_WORDS.contains(&w.as_str()))
            .or(possessive.then_some(0))
        else {
            return false;
        };
        // “@ana is fixing useless spans”: after “is” comes a verb, and the
        // judgement is about its object, not the name.
        return !words[link..]
            .iter()
            .skip(1)
            .any(|w| w.len() > 4 && w.ends_with("ing") && w != "being");
    }
    // The judgement comes first: only directly before the name.
    judgement.end <= target.start && prose[judgement.end..target.start].trim().is_empty()
}

impl Reputation {
    /// The named target in sentence `sentence` of `block`, other than the
    /// judgement at `judgement`.
    fn target(
        &self,
        block: &Block,
        sentence: usize,
        judgement: &std::ops::Range<usize>,
    ) -> Option<Range<usize>> {
        let prose = block.prose.text.as_str();
        let range = block.sentences.get(sentence)?.clone();
        let text = &prose[range.clone()];
        let shift = |found: Range<usize>| found.start + range.start..found.end + range.start;
        let named = self
            .competitors
            .iter()
            .flat_map(|competitor| find_phrase(text, competitor))
            .chain(tags::mentions(text))
            .map(shift)
            .filter(|found| judges(prose, found, judgement))
            .min_by_key(|found| found.start);
        if named.is_some() {
            return named;
        }
        let hashtags: Vec<_> = tags::hashtags(prose).collect();
        let words = block.sentence_words(sentence);
        // A capitalised word is only a likely target near the judgement:
        // "37 Signals highlights … marketers are rendered useless" is not
        // about Signals.
        let judgement_word = words.partition_point(|w| w.end <= judgement.start);
        for (index, word) in words.iter().enumerate() {
            if word.start < judgement.end && judgement.start < word.end {
                continue;
            }
            // Every sentence starts with a capital: its first word is a
            // name only when it is no English word (“Globex is a scam”,
            // not “This is garbage”).
            if index == 0 && {
                let first = prose[word.clone()].to_lowercase();
                first.chars().count() <= 2 || super::words::is_word(&first)
            } {
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
                && judges(prose, word, judgement)
            {
                return Some(word.clone());
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
        let target = &block.prose.text[target];
        let target = target
            .strip_suffix("'s")
            .or_else(|| target.strip_suffix("’s"))
            .unwrap_or(target);
        out.push(
            Finding::new(
                META.id,
                block.source_range(found.prose.clone()),
                META.severity,
                format!(
                    "{} next to {}: could this harm someone's reputation? Do you have facts to back it?",
                    quote(judgement),
                    quote(target)
                ),
            )
            .with_note(row.why.clone()),
        );
    }
}
