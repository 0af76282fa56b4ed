use crate::declare_rule;
use crate::document::{Block, BlockKind};
use crate::finding::{Finding, quote};
use crate::guide::Guide;
use crate::rules::{Context, Rule, RuleFactory, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags three or more sentences in a row, or two paragraphs in a row,
    /// that start with the same word.
    ///
    /// Off by default: in published posts most repeated openers were the
    /// subject the paragraph is about, which is good writing. Turn it on with
    /// `[rules] "flow/repeated-opener" = "info"`.
    ///
    /// ## Why is this bad?
    /// Repeated openers make prose sound like a list read aloud (“We built…
    /// We added… We fixed…”) and hide which point matters most.
    ///
    /// ## Example
    /// ```markdown
    /// We rebuilt the editor. We added comments. We fixed the export bug.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// We rebuilt the editor and added comments. The export bug is fixed too.
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: rewording an opener is the writer's choice.
    ///
    /// ## Options
    /// `[rules] "flow/repeated-opener" = "off"` turns it off.
    pub static META = {
        id: "flow/repeated-opener",
        category: Flow,
        severity: Info,
        fixable: No,
        enabled_by_default: false,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

const SENTENCE_RUN: usize = 3;

fn build(_guide: &Guide) -> Box<dyn Rule> {
    Box::new(RepeatedOpener)
}

struct RepeatedOpener;

/// The first word of a sentence, as a prose range.
fn first_word(block: &Block, sentence: usize) -> Option<std::ops::Range<usize>> {
    block.sentence_words(sentence).first().cloned()
}

impl Rule for RepeatedOpener {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_block(&self, _cx: &Context, block: &Block, out: &mut Vec<Finding>) {
        let prose = &block.prose.text;
        let mut run = 0usize;
        let mut previous: Option<&str> = None;
        for sentence in 0..block.sentences.len() {
            let Some(word) = first_word(block, sentence) else {
                previous = None;
                run = 0;
                continue;
            };
            let text = &prose[word.clone()];
            if previous.is_some_and(|p| same_word(p, text)) {
                run += 1;
            } else {
                run = 1;
                previous = Some(text);
            }
            if run == SENTENCE_RUN {
                out.push(Finding::new(
                    META.id,
                    block.source_range(word.clone()),
                    META.severity,
                    format!(
                        "{SENTENCE_RUN} sentences in a row start with {}",
                        quote(&prose[word])
                    ),
                ));
            }
        }
    }

    fn check_document(&self, cx: &crate::rules::DocumentContext, out: &mut Vec<Finding>) {
        let mut previous: Option<&str> = None;
        for block in &cx.document.blocks {
            if block.kind != BlockKind::Paragraph {
                previous = None;
                continue;
            }
            let Some(word) = first_word(block, 0) else {
                previous = None;
                continue;
            };
            let text = &block.prose.text[word.clone()];
            if previous.is_some_and(|p| same_word(p, text)) {
                out.push(Finding::new(
                    META.id,
                    block.source_range(word.clone()),
                    META.severity,
                    format!(
                        "Two paragraphs in a row start with {}",
                        quote(&block.prose.text[word])
                    ),
                ));
            }
            previous = Some(text);
        }
    }
}

fn same_word(a: &str, b: &str) -> bool {
    a.eq_ignore_ascii_case(b) || (!a.is_ascii() && a.to_lowercase() == b.to_lowercase())
}
