use crate::declare_rule;
use crate::document::Block;
use crate::finding::Finding;
use crate::guide::Guide;
use crate::rules::{DocumentContext, Rule, RuleFactory, RuleMeta};
use crate::text::syllables;

declare_rule! {
    /// ## What it does
    /// Flags a document whose Flesch–Kincaid grade level, over all its prose,
    /// is above the guide's `reading_grade` (12 by default): one finding per
    /// document, on its first sentence. Paragraphs are not judged one by one
    /// (a single dense paragraph in a long post is normal), and documents
    /// under 100 words are not judged at all.
    ///
    /// Off by default: on published technical posts its document grades (12 to 15) were a
    /// matter of degree, not something an editor would ask to change. Turn it on with
    /// `[rules] "voice/readability" = "info"` or `--select voice/readability` (see docs/precision.md).
    ///
    /// ## Why is this bad?
    /// Readers skim. Text above the audience's comfortable grade loses them,
    /// however good the ideas. Most brand guides aim at grade 8 to 10.
    ///
    /// ## Example
    /// ```markdown
    /// Organisational transformation necessitates comprehensive stakeholder
    /// alignment regarding prioritisation methodologies.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// To change how we work, everyone has to agree on how we pick priorities.
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: simpler wording is the writer's (or Tighten's) job.
    ///
    /// ## Options
    /// `[voice] reading_grade = 10`. The grade is
    /// 0.39 × words per sentence + 11.8 × syllables per word − 15.59.
    pub static META = {
        id: "voice/readability",
        category: Voice,
        severity: Info,
        fixable: No,
        enabled_by_default: false,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

const DEFAULT_GRADE: f64 = 12.0;
const MIN_DOCUMENT_WORDS: usize = 100;

fn build(guide: &Guide) -> Box<dyn Rule> {
    Box::new(Readability {
        target: guide.config.voice.reading_grade.unwrap_or(DEFAULT_GRADE),
    })
}

struct Readability {
    target: f64,
}

/// Counts behind a Flesch–Kincaid grade.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TextStats {
    pub words: usize,
    pub sentences: usize,
    pub syllables: usize,
}

impl TextStats {
    pub fn of_block(block: &Block) -> TextStats {
        let prose = &block.prose.text;
        TextStats {
            words: block.words.len(),
            sentences: block.sentences.len().max(1),
            syllables: block
                .words
                .iter()
                .map(|w| syllables(&prose[w.clone()]))
                .sum(),
        }
    }

    pub fn add(&mut self, other: TextStats) {
        self.words += other.words;
        self.sentences += other.sentences;
        self.syllables += other.syllables;
    }

    /// Flesch–Kincaid grade level; `None` with no words.
    pub fn grade(&self) -> Option<f64> {
        crate::text::grade(self.words, self.sentences, self.syllables)
    }
}

impl Rule for Readability {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, cx: &DocumentContext, out: &mut Vec<Finding>) {
        let mut total = TextStats::default();
        for block in cx.document.blocks.iter().filter(|b| !b.is_heading()) {
            total.add(TextStats::of_block(block));
        }
        if total.words < MIN_DOCUMENT_WORDS {
            return;
        }
        if let Some(grade) = total.grade()
            && grade > self.target
            && let Some(first) = cx.document.blocks.iter().find(|b| !b.is_heading())
            && let Some(sentence) = first.sentences.first()
        {
            out.push(Finding::new(
                META.id,
                first.source_range(sentence.clone()),
                META.severity,
                format!(
                    "Document reads at grade {grade:.1}; the guide aims for {} or below",
                    self.target
                ),
            ));
        }
    }
}
