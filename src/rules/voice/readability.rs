use crate::declare_rule;
use crate::document::{Block, BlockKind};
use crate::finding::Finding;
use crate::guide::Guide;
use crate::rules::{Context, Rule, RuleFactory, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags paragraphs, and whole documents, whose Flesch–Kincaid grade level
    /// is above the guide's `reading_grade` (12 by default). Paragraphs shorter
    /// than 40 words are judged only as part of the whole document.
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
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

const DEFAULT_GRADE: f64 = 12.0;
const MIN_PARAGRAPH_WORDS: usize = 40;
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
        if self.words == 0 || self.sentences == 0 {
            return None;
        }
        let words = self.words as f64;
        Some(0.39 * words / self.sentences as f64 + 11.8 * self.syllables as f64 / words - 15.59)
    }
}

/// English syllables in a word, by vowel groups with the usual corrections
/// (silent final e, "-le", "-ed"); at least one per word.
pub fn syllables(word: &str) -> usize {
    // Nearly every word is short ASCII: lowercase it into a buffer on the
    // stack (this runs on every word, twice).
    let mut buffer = ['\0'; 32];
    if word.is_ascii() && word.len() <= buffer.len() {
        let mut len = 0;
        for byte in word.bytes().filter(u8::is_ascii_alphabetic) {
            buffer[len] = char::from(byte.to_ascii_lowercase());
            len += 1;
        }
        return syllables_of_letters(&buffer[..len], word);
    }
    let lower: Vec<char> = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    syllables_of_letters(&lower, word)
}

/// [`syllables`] of a word's letters, lowercased.
fn syllables_of_letters(lower: &[char], word: &str) -> usize {
    if lower.is_empty() {
        return if word.chars().any(|c| c.is_ascii_digit()) {
            1
        } else {
            0
        };
    }
    if lower.len() <= 3 {
        return 1;
    }
    let is_vowel = |c: char| matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
    let mut count = 0;
    let mut previous_vowel = false;
    for &c in lower {
        let vowel = is_vowel(c);
        if vowel && !previous_vowel {
            count += 1;
        }
        previous_vowel = vowel;
    }
    let n = lower.len();
    let ends = |suffix: &[char]| lower.ends_with(suffix);
    let silent_e = ends(&['e']) && !ends(&['l', 'e']) && !ends(&['e', 'e']);
    let silent_ed = (ends(&['e', 'd']) || ends(&['e', 's']))
        && n > 4
        && !is_vowel(lower[n - 3])
        && !matches!(lower[n - 3], 'd' | 't' | 's' | 'x' | 'z' | 'c' | 'g');
    if (silent_e || silent_ed) && count > 1 {
        count -= 1;
    }
    count.max(1)
}

impl Rule for Readability {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_block(&self, _cx: &Context, block: &Block, out: &mut Vec<Finding>) {
        if block.kind != BlockKind::Paragraph || block.words.len() < MIN_PARAGRAPH_WORDS {
            return;
        }
        let stats = TextStats::of_block(block);
        if let Some(grade) = stats.grade()
            && grade > self.target
        {
            out.push(Finding::new(
                META.id,
                block.span(),
                META.severity,
                format!(
                    "Paragraph reads at grade {grade:.1}; the guide aims for {} or below",
                    self.target
                ),
            ));
        }
    }

    fn check_document(&self, cx: &Context, out: &mut Vec<Finding>) {
        let mut stats = TextStats::default();
        let mut flagged_paragraph = false;
        for block in &cx.document.blocks {
            if block.is_heading() {
                continue;
            }
            let block_stats = TextStats::of_block(block);
            if block.kind == BlockKind::Paragraph
                && block.words.len() >= MIN_PARAGRAPH_WORDS
                && block_stats.grade().is_some_and(|g| g > self.target)
            {
                flagged_paragraph = true;
            }
            stats.add(block_stats);
        }
        // A document whose long paragraphs are already flagged needs no
        // second, vaguer finding.
        if flagged_paragraph || stats.words < MIN_DOCUMENT_WORDS {
            return;
        }
        if let Some(grade) = stats.grade()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_syllables_plausibly() {
        for (word, expected) in [
            ("cat", 1),
            ("table", 2),
            ("readability", 5),
            ("make", 1),
            ("wanted", 2),
            ("walked", 1),
            ("organisation", 5),
            ("the", 1),
            ("2026", 1),
        ] {
            assert_eq!(syllables(word), expected, "{word}");
        }
    }
}
