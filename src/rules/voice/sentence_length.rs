use crate::declare_rule;
use crate::document::{Block, BlockKind};
use crate::finding::Finding;
use crate::guide::Guide;
use crate::rules::{Context, Rule, RuleFactory, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags sentences longer than the guide's `max_sentence_words` (45 by
    /// default: a sentence editors would call really long), counting words of prose (code and URLs do not count).
    ///
    /// ## Why is this bad?
    /// Long sentences ask the reader to hold too much at once, and on a phone
    /// screen they become walls of text. Two shorter sentences are easier to
    /// read and to quote.
    ///
    /// ## Example
    /// ```markdown
    /// Our new onboarding flow, which we designed together with twelve customers
    /// over three months of interviews, prototypes and usability tests, cuts the
    /// time it takes a new team to send its first campaign from two days to under
    /// an hour, and it does so without any extra setup.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// We designed the new onboarding flow with twelve customers over three
    /// months. It cuts the time to a team's first campaign from two days to under
    /// an hour, with no extra setup.
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: where to split is the writer's call (or Tighten's).
    ///
    /// ## Options
    /// `[voice] max_sentence_words = 45`.
    pub static META = {
        id: "voice/sentence-length",
        category: Voice,
        severity: Warning,
        fixable: No,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

const DEFAULT_MAX_WORDS: usize = 45;

fn build(guide: &Guide) -> Box<dyn Rule> {
    Box::new(SentenceLength {
        max_words: guide
            .config
            .voice
            .max_sentence_words
            .unwrap_or(DEFAULT_MAX_WORDS),
    })
}

struct SentenceLength {
    max_words: usize,
}

impl Rule for SentenceLength {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_block(&self, _cx: &Context, block: &Block, out: &mut Vec<Finding>) {
        if matches!(block.kind, BlockKind::Heading(_) | BlockKind::TableCell) {
            return;
        }
        for (index, sentence) in block.sentences.iter().enumerate() {
            let count = block.sentence_words(index).len();
            if count > self.max_words {
                out.push(Finding::new(
                    META.id,
                    block.source_range(sentence.clone()),
                    META.severity,
                    format!(
                        "Sentence of {count} words; the guide's limit is {}",
                        self.max_words
                    ),
                ));
            }
        }
    }
}
