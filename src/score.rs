//! Quality scores: 0–100 per category and overall, from findings per word.
//!
//! A score measures how dense the findings are, not how many there are, so a
//! long post is not penalised for being long:
//!
//! ```text
//! points  = Σ weight(severity)      error 4, warning 1, info 0.25, hint 0
//! density = 100 × points / max(words, 50)        points per 100 words
//! score   = floor(100 × 3 / (3 + density))
//! ```
//!
//! A text with no findings scores 100; three warning points per 100 words
//! halve the score. Repeating a text (same findings per word) keeps its score.
//! Texts under 50 words count as 50, so one finding in a ten-word post does
//! not sink it. Each category (voice, concise, flow, share) is scored from
//! its own findings; the overall score from all of them, findings of other
//! sources (Vale styles, model review) included. Over several files, the
//! points and the words (each file counting at least 50) are added up first.
//!
//! Pure: no IO.

use serde::Serialize;

use crate::finding::{Finding, Severity};
use crate::rules::Category;

/// Texts shorter than this many words are scored as if they had this many.
pub const MIN_SCORED_WORDS: usize = 50;

/// The density (points per 100 words) at which a score is 50.
pub const HALF_SCORE_DENSITY: f64 = 3.0;

/// Points per finding, in quarter points, by [`Severity`] (hint, info,
/// warning, error): integers keep tallies exact and comparable.
const QUARTER_POINTS: [u64; 4] = [0, 1, 4, 16];

/// What a score is computed from: words and penalty points, per category and
/// in total. Tallies add up over files.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// Files scored.
    pub files: usize,
    /// Words of prose, each file counting at least [`MIN_SCORED_WORDS`].
    pub scored_words: usize,
    /// Words of prose as counted.
    pub words: usize,
    /// Quarter points per category, indexed like [`Category::ALL`].
    pub by_category: [u64; 4],
    /// Quarter points over every finding.
    pub total: u64,
}

impl Tally {
    /// The tally of one file with `words` words of prose.
    pub fn of_file(words: usize, findings: &[Finding]) -> Tally {
        let mut tally = Tally {
            files: 1,
            scored_words: words.max(MIN_SCORED_WORDS),
            words,
            ..Tally::default()
        };
        for finding in findings {
            let points = QUARTER_POINTS[severity_index(finding.severity)];
            tally.total += points;
            if let Some(index) = Category::ALL
                .iter()
                .position(|c| c.as_str() == finding.category())
            {
                tally.by_category[index] += points;
            }
        }
        tally
    }

    pub fn add(&mut self, other: &Tally) {
        self.files += other.files;
        self.scored_words += other.scored_words;
        self.words += other.words;
        for (sum, points) in self.by_category.iter_mut().zip(other.by_category) {
            *sum += points;
        }
        self.total += other.total;
    }

    pub fn score(&self) -> Score {
        let words = self.scored_words.max(MIN_SCORED_WORDS);
        Score {
            overall: score_of(self.total, words),
            voice: score_of(self.by_category[0], words),
            concise: score_of(self.by_category[1], words),
            flow: score_of(self.by_category[2], words),
            share: score_of(self.by_category[3], words),
            words: self.words,
        }
    }
}

fn severity_index(severity: Severity) -> usize {
    match severity {
        Severity::Hint => 0,
        Severity::Info => 1,
        Severity::Warning => 2,
        Severity::Error => 3,
    }
}

fn score_of(quarter_points: u64, words: usize) -> u8 {
    let density = 100.0 * (quarter_points as f64 / 4.0) / words as f64;
    let score = 100.0 * HALF_SCORE_DENSITY / (HALF_SCORE_DENSITY + density);
    // Floor, so a shown 80 always means at least 80: `--min-score 80` never
    // fails a file that shows 80, and only a clean text shows 100.
    score.floor().clamp(0.0, 100.0) as u8
}

/// Scores from 0 (dense with findings) to 100 (no findings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Score {
    pub overall: u8,
    pub voice: u8,
    pub concise: u8,
    pub flow: u8,
    pub share: u8,
    /// Words of prose the score is over.
    pub words: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(rule: &str, severity: Severity) -> Finding {
        Finding::new(rule, 0..1, severity, "m".to_owned())
    }

    #[test]
    fn clean_text_scores_one_hundred() {
        let score = Tally::of_file(300, &[]).score();
        assert_eq!((score.overall, score.voice, score.share), (100, 100, 100));
    }

    #[test]
    fn three_warnings_per_hundred_words_halve_the_score() {
        let findings: Vec<Finding> = (0..3)
            .map(|_| finding("concise/wordy-phrase", Severity::Warning))
            .collect();
        let score = Tally::of_file(100, &findings).score();
        assert_eq!(score.concise, 50);
        assert_eq!(score.overall, 50);
        assert_eq!(score.voice, 100);
    }

    #[test]
    fn scores_are_fair_to_long_texts() {
        // Ten times the text with ten times the findings scores the same.
        let one = vec![
            finding("voice/hedge", Severity::Info),
            finding("concise/filler", Severity::Warning),
        ];
        let ten: Vec<Finding> = (0..10).flat_map(|_| one.clone()).collect();
        assert_eq!(
            Tally::of_file(120, &one).score().overall,
            Tally::of_file(1200, &ten).score().overall
        );
        // And the same findings in a longer text score better.
        assert!(
            Tally::of_file(1200, &one).score().overall > Tally::of_file(120, &one).score().overall
        );
    }

    #[test]
    fn short_texts_count_as_fifty_words() {
        let one = [finding("concise/filler", Severity::Warning)];
        assert_eq!(
            Tally::of_file(8, &one).score(),
            Tally::of_file(50, &one).score().with_words(8)
        );
    }

    #[test]
    fn severities_weigh_differently_and_hints_not_at_all() {
        let score = |severity| {
            Tally::of_file(100, &[finding("voice/jargon", severity)])
                .score()
                .voice
        };
        assert_eq!(score(Severity::Hint), 100);
        assert!(score(Severity::Info) > score(Severity::Warning));
        assert!(score(Severity::Warning) > score(Severity::Error));
    }

    #[test]
    fn other_sources_count_overall_only() {
        let score = Tally::of_file(100, &[finding("Acme.Spelling", Severity::Error)]).score();
        assert!(score.overall < 100);
        assert_eq!(
            (score.voice, score.concise, score.flow, score.share),
            (100, 100, 100, 100)
        );
    }

    #[test]
    fn tallies_add_up_over_files() {
        let mut all = Tally::default();
        all.add(&Tally::of_file(
            100,
            &[finding("flow/abrupt-transition", Severity::Warning)],
        ));
        all.add(&Tally::of_file(10, &[]));
        assert_eq!(all.scored_words, 150);
        assert_eq!(all.words, 110);
        assert_eq!(all.score().flow, score_of(4, 150));
    }

    impl Score {
        fn with_words(mut self, words: usize) -> Score {
            self.words = words;
            self
        }
    }
}
