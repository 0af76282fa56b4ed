use std::collections::HashSet;

use crate::declare_rule;
use crate::document::{Block, BlockKind};
use crate::finding::{Finding, quote};
use crate::guide::Guide;
use crate::rules::{Context, Rule, RuleFactory, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags a paragraph that opens with no connective and shares almost no
    /// content words with the paragraph before it (nor with any earlier
    /// paragraph of its section), so the reader has to guess how it relates.
    /// Paragraphs after a heading, list items, short paragraphs (under eight
    /// words), paragraphs that open with a bold lead-in (which act as a
    /// heading), and paragraphs after one ending in a colon are not checked.
    ///
    /// ## Why is this bad?
    /// A jump between topics with no signal makes a post feel like a list of
    /// notes. A short opener (“That is why…”, “Meanwhile…”, “The same goes
    /// for…”) carries the reader across.
    ///
    /// ## Example
    /// ```markdown
    /// Our support team answered 12,000 tickets this quarter, most within an hour.
    ///
    /// Berlin will host the partner summit in October, with two days of talks.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// Our support team answered 12,000 tickets this quarter, most within an hour.
    ///
    /// We want to hear from partners too: Berlin will host the partner summit in
    /// October, with two days of talks.
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix. With a model configured, the editor offers “Suggest a
    /// transition” (Bridge) on this finding.
    ///
    /// ## Options
    /// `[flow] transitions = ["Meanwhile", …]` adds openers that count as a
    /// transition.
    pub static META = {
        id: "flow/abrupt-transition",
        category: Flow,
        severity: Info,
        fixable: No,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

const MIN_WORDS: usize = 8;

/// Openers that signal how a paragraph relates to the one before it.
/// Multi-word entries are matched against the paragraph's first words.
#[rustfmt::skip]
const CONNECTIVES: &[&str] = &[
    "however", "but", "and", "so", "also", "then", "next", "finally", "first", "second", "third",
    "meanwhile", "still", "yet", "instead", "besides", "moreover", "furthermore", "additionally",
    "similarly", "likewise", "consequently", "therefore", "thus", "hence", "otherwise", "later",
    "afterwards", "after", "before", "since", "because", "while", "although", "though", "even",
    "again", "now", "today", "here", "there", "this", "that", "these", "those", "such", "it",
    "they", "he", "she", "both", "another", "other", "others", "same", "overall", "ultimately",
    "lastly", "above", "below", "in", "for", "as", "on", "at", "by", "with", "what", "which",
    "when", "why", "how", "one", "or", "nor", "plus", "thanks", "thank", "speaking", "beyond",
    "despite", "unlike", "like", "whether", "if", "unless", "once", "until", "during", "only",
    "their", "its", "none", "to", "just as", "in short", "that said", "of course", "all in all",
    "in the meantime", "at the same time", "in other words", "to sum up", "in fact",
    "as a result",
];

/// Function words that say nothing about a paragraph's topic.
#[rustfmt::skip]
const STOP_WORDS: &[&str] = &[
    "the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "for", "with", "at", "by", "from",
    "as", "is", "are", "was", "were", "be", "been", "being", "it", "its", "this", "that", "these",
    "those", "we", "our", "us", "you", "your", "they", "their", "them", "he", "she", "his", "her",
    "i", "my", "me", "not", "no", "so", "if", "then", "than", "there", "here", "what", "which",
    "who", "whom", "how", "when", "where", "why", "all", "any", "some", "more", "most", "can",
    "could", "will", "would", "should", "may", "might", "must", "do", "does", "did", "have", "has",
    "had", "just", "also", "very", "about", "into", "over", "out", "up", "one", "two", "new", "get",
    "got", "make", "made", "like", "each", "every", "other", "only", "own", "same", "such", "too",
    "now", "much", "many", "well", "even", "back", "after", "before", "while", "because", "through",
    "between", "both", "own", "again", "way", "yes",
];

fn build(guide: &Guide) -> Box<dyn Rule> {
    let mut connectives: Vec<String> = CONNECTIVES.iter().map(|s| (*s).to_owned()).collect();
    connectives.extend(
        guide
            .config
            .flow
            .transitions
            .iter()
            .map(|t| t.to_lowercase()),
    );
    Box::new(AbruptTransition { connectives })
}

struct AbruptTransition {
    connectives: Vec<String>,
}

/// A crude stem of a word already in lower case: without common
/// inflections, so "ship", "ships" and "shipped" count as one word. Reuses
/// the word's allocation: this runs on every word of every paragraph.
fn stem_lowercase(mut lower: String) -> String {
    let kept = lower
        .trim_end_matches(['\'', '’'])
        .trim_end_matches("'s")
        .len();
    lower.truncate(kept);
    for suffix in ["ing", "ed", "es", "s"] {
        if let Some(base) = lower.strip_suffix(suffix)
            && base.chars().count() >= 4
        {
            let kept = base.trim_end_matches('e').len();
            lower.truncate(kept);
            return lower;
        }
    }
    let kept = lower.trim_end_matches('e').len();
    lower.truncate(kept);
    lower
}

fn is_stop_word(lower: &str) -> bool {
    static SET: std::sync::LazyLock<HashSet<&'static str>> =
        std::sync::LazyLock::new(|| STOP_WORDS.iter().copied().collect());
    SET.contains(lower)
}

fn content_words(block: &Block) -> HashSet<String> {
    let prose = &block.prose.text;
    let mut words = HashSet::with_capacity(block.words.len());
    for range in &block.words {
        let word = &prose[range.clone()];
        if word.chars().count() < 3 {
            continue;
        }
        // Lowercase once, for the stop-word test and the stem both.
        let lower = word.to_lowercase();
        if !is_stop_word(&lower) {
            words.insert(stem_lowercase(lower));
        }
    }
    words
}

/// The first few words of a paragraph, for naming it in a message.
fn opening(block: &Block) -> String {
    let end = block
        .words
        .get(5)
        .map_or(block.prose.text.len(), |w| w.start);
    let text = block.prose.text[..end].trim_end();
    if end < block.prose.text.len() {
        format!("{text}…")
    } else {
        text.to_owned()
    }
}

/// Whether the paragraph starts with strong emphasis (`**Lead-in.** Text`),
/// which reads as an inline heading.
fn opens_with_bold_lead_in(source: &str, block: &Block) -> bool {
    let start = block.span().start;
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let before = source[line_start..start].trim_start();
    before.starts_with("**") || before.starts_with("__")
}

impl AbruptTransition {
    fn opens_with_connective(&self, block: &Block) -> bool {
        let first_words: Vec<String> = block
            .words
            .iter()
            .take(3)
            .map(|w| block.prose.text[w.clone()].to_lowercase())
            .collect();
        let opener = first_words.join(" ");
        self.connectives.iter().any(|connective| {
            opener == *connective
                || opener
                    .strip_prefix(connective.as_str())
                    .is_some_and(|rest| rest.starts_with(' '))
        })
    }
}

impl Rule for AbruptTransition {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, cx: &Context, out: &mut Vec<Finding>) {
        let source = cx.document.text();
        let mut paragraph_number = 0usize;
        let mut previous: Option<(usize, &Block, HashSet<String>)> = None;
        // Content words of the section so far, before the previous paragraph.
        let mut section_words: HashSet<String> = HashSet::new();
        for block in &cx.document.blocks {
            if block.is_heading() {
                section_words.clear();
            }
            if block.kind != BlockKind::Paragraph || block.in_quote {
                if let Some((_, _, words)) = previous.take() {
                    section_words.extend(words);
                }
                continue;
            }
            paragraph_number += 1;
            let words = content_words(block);
            if let Some((previous_number, previous_block, previous_words)) = &previous
                && block.words.len() >= MIN_WORDS
                && previous_block.words.len() >= MIN_WORDS
                && !previous_block.prose.text.ends_with(':')
                && !opens_with_bold_lead_in(source, block)
                && !self.opens_with_connective(block)
                && words.is_disjoint(&section_words)
            {
                let shared = words.intersection(previous_words).count();
                let smaller = words.len().min(previous_words.len()).max(1);
                if shared <= 1 && (shared as f64) / (smaller as f64) < 0.1 {
                    let first_sentence = block
                        .sentences
                        .first()
                        .cloned()
                        .unwrap_or(0..block.prose.text.len());
                    out.push(Finding::new(
                        META.id,
                        block.source_range(first_sentence),
                        META.severity,
                        format!(
                            "Paragraph {paragraph_number} ({}) opens with no transition from paragraph {previous_number} ({})",
                            quote(&opening(block)),
                            quote(&opening(previous_block)),
                        ),
                    ));
                }
            }
            if let Some((_, _, words)) = previous.take() {
                section_words.extend(words);
            }
            previous = Some((paragraph_number, block, words));
        }
    }
}
