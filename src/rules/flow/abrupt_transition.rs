use std::sync::LazyLock;

use crate::declare_rule;
use crate::document::{Block, BlockKind};
use crate::finding::{Finding, quote};
use crate::guide::Guide;
use crate::rules::{DocumentContext, Rule, RuleFactory, RuleMeta};
use rustc_hash::FxHashSet;

declare_rule! {
    /// ## What it does
    /// Flags a paragraph that opens with no connective and shares almost no
    /// content words with the paragraph before it (nor with any earlier
    /// paragraph of its section), so the reader has to guess how it relates.
    /// Paragraphs after a heading, list items, short paragraphs (under eight
    /// words), paragraphs that open with a bold lead-in (which act as a
    /// heading), and paragraphs after one ending in a colon are not checked.
    ///
    /// Off by default: on published blog posts its findings were rarely
    /// right (a paragraph after a byline or an editor's note, or one that
    /// names the post's subject in other words). Turn it on with
    /// `[rules] "flow/abrupt-transition" = "info"`.
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
        enabled_by_default: false,
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

fn stop_words() -> &'static FxHashSet<&'static str> {
    static SET: LazyLock<FxHashSet<&'static str>> =
        LazyLock::new(|| STOP_WORDS.iter().copied().collect());
    &SET
}

/// A crude stem of a lowercased word, without common inflections, so
/// "ship", "ships" and "shipped" count as one word.
fn stem(lower: &str) -> &str {
    let lower = lower.trim_end_matches(['\'', '’']);
    let lower = lower
        .strip_suffix("'s")
        .or_else(|| lower.strip_suffix("’s"))
        .unwrap_or(lower);
    for suffix in ["ing", "ed", "es", "s"] {
        if let Some(base) = lower.strip_suffix(suffix)
            && base.len() >= 4
        {
            return base.trim_end_matches('e');
        }
    }
    lower.trim_end_matches('e')
}

/// The paragraph's content words, as hashes of their stems.
fn content_words(block: &Block) -> FxHashSet<u64> {
    let prose = &block.prose.text;
    let mut words = FxHashSet::with_capacity_and_hasher(block.words.len(), Default::default());
    let mut buffer = [0u8; 48];
    let mut owned = String::new();
    for range in &block.words {
        let word = &prose[range.clone()];
        if word.len() < 3 {
            continue;
        }
        // Lowercase into a stack buffer when we can; allocate only for long
        // or non-ASCII words.
        let lower: &str = if word.is_ascii() && word.len() <= buffer.len() {
            let slot = &mut buffer[..word.len()];
            for (out, byte) in slot.iter_mut().zip(word.bytes()) {
                *out = byte.to_ascii_lowercase();
            }
            std::str::from_utf8(slot).unwrap_or(word)
        } else {
            owned.clear();
            owned.extend(word.chars().flat_map(char::to_lowercase));
            if owned.chars().count() < 3 {
                continue;
            }
            &owned
        };
        if stop_words().contains(lower) {
            continue;
        }
        words.insert(hash_word(stem(lower)));
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

    fn check_document(&self, cx: &DocumentContext, out: &mut Vec<Finding>) {
        let source = cx.document.text();
        // Paragraphs in order: (number, block, index of its section).
        let mut paragraphs: Vec<(usize, &Block, usize)> = Vec::new();
        let mut section = 0usize;
        // A paragraph only counts as "previous" when nothing stands between.
        let mut adjacent_to_previous: Vec<bool> = Vec::new();
        let mut last_was_paragraph = false;
        for block in &cx.document.blocks {
            if block.is_heading() {
                section += 1;
            }
            if block.kind != BlockKind::Paragraph || block.in_quote {
                last_was_paragraph = false;
                continue;
            }
            adjacent_to_previous.push(last_was_paragraph);
            paragraphs.push((paragraphs.len() + 1, block, section));
            last_was_paragraph = true;
        }

        // Content words are computed only for paragraphs that need them.
        let mut words: Vec<Option<FxHashSet<u64>>> = vec![None; paragraphs.len()];
        let words_of = |index: usize, words: &mut Vec<Option<FxHashSet<u64>>>| {
            if words[index].is_none() {
                words[index] = Some(content_words(paragraphs[index].1));
            }
        };
        // The union of content words of a section's paragraphs before the
        // previous one, grown lazily.
        let mut union: FxHashSet<u64> = FxHashSet::default();
        let mut union_section = usize::MAX;
        let mut union_upto = 0usize;

        for index in 1..paragraphs.len() {
            let (number, block, block_section) = paragraphs[index];
            let (previous_number, previous_block, _) = paragraphs[index - 1];
            let candidate = adjacent_to_previous[index]
                && block.words.len() >= MIN_WORDS
                && previous_block.words.len() >= MIN_WORDS
                && !previous_block.prose.text.ends_with(':')
                && !opens_with_bold_lead_in(source, block)
                && !self.opens_with_connective(block);
            if !candidate {
                continue;
            }
            words_of(index, &mut words);
            words_of(index - 1, &mut words);
            let (Some(current), Some(previous)) = (&words[index], &words[index - 1]) else {
                continue;
            };
            let shared = current.intersection(previous).count();
            let smaller = current.len().min(previous.len()).max(1);
            if shared > 1 || (shared as f64) / (smaller as f64) >= 0.1 {
                continue;
            }
            // New to its whole section too? Grow the union up to the
            // paragraph before the previous one.
            if union_section != block_section {
                union.clear();
                union_section = block_section;
                union_upto = paragraphs.partition_point(|p| p.2 < block_section);
            }
            while union_upto + 1 < index {
                words_of(union_upto, &mut words);
                if let Some(earlier) = &words[union_upto] {
                    union.extend(earlier.iter().copied());
                }
                union_upto += 1;
            }
            let Some(current) = &words[index] else {
                continue;
            };
            if !current.is_disjoint(&union) {
                continue;
            }
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
                    "Paragraph {number} ({}) opens with no transition from paragraph {previous_number} ({})",
                    quote(&opening(block)),
                    quote(&opening(previous_block)),
                ),
            ));
        }
    }
}

/// A word's Fx hash (rustc's fast, non-cryptographic hash): the sets of
/// content words compare hashes, not strings.
fn hash_word(word: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(word)
}
