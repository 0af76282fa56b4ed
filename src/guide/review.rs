//! `[review]` and `[[voice.examples]]`: what model review asks, and the
//! voice it compares the draft with.
//!
//! Model review asks a configured model questions a word list cannot answer
//! (does this sound like us, could it harm someone's reputation) and reports
//! each answer as a finding with the rule id `review/<question id>`. The
//! built-in questions are the employee-advocacy checklist, voice match, vague
//! advocacy and puffery; `[[review.questions]]` adds questions or rewords a
//! built-in one (same id), and `builtin_questions = false` starts from none.
//! Key names are part of the product: renaming one breaks users' guides.

use serde::{Deserialize, Serialize};

use super::merge::{merge_by_replacing, mergeable};

use super::GuideError;
use super::config::key_offset;
use crate::finding::Severity;

/// Characters of draft text per model request, by default: paragraphs are
/// batched up to this.
pub const DEFAULT_MAX_REVIEW_CHARS: usize = 4000;
/// Model requests per run, by default (`copydesk review` over a folder, or
/// one review in the editor).
pub const DEFAULT_REVIEW_BUDGET: usize = 100;

/// `[[voice.examples]]`: a snippet in the brand voice, one that is not, or
/// both (a before and after).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VoiceExample {
    /// Written in the voice.
    pub good: Option<String>,
    /// Not in the voice.
    pub bad: Option<String>,
    /// What makes the difference, for the model.
    pub why: Option<String>,
}

/// How sure the model says it is about a finding.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }

    /// Lenient: models write "High", "HIGH", "very high", "0.9".
    pub fn parse(text: &str) -> Option<Confidence> {
        let lower = text.trim().to_ascii_lowercase();
        if let Ok(number) = lower.parse::<f64>() {
            return Some(match number {
                n if n >= 0.75 => Confidence::High,
                n if n >= 0.4 => Confidence::Medium,
                _ => Confidence::Low,
            });
        }
        if lower.contains("high") {
            Some(Confidence::High)
        } else if lower.contains("med") {
            Some(Confidence::Medium)
        } else if lower.contains("low") {
            Some(Confidence::Low)
        } else {
            None
        }
    }
}

/// `[[review.questions]]`: one question the model is asked about every
/// paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewQuestion {
    /// The rule id is `review/<id>`: lowercase letters, digits and dashes.
    pub id: String,
    /// What to flag, as the model reads it: "Passages that …".
    pub ask: String,
    /// How findings are titled ("Puffery “…”: reason"); default: the id.
    pub title: Option<String>,
    /// This question's findings' severity (default: `[review] severity`);
    /// `[rules] "review/<id>"` overrides it.
    pub severity: Option<Severity>,
}

mergeable! {
    /// `[review]`.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct ReviewConfig {
        /// Model review may run (default true; it still needs `[llm]`).
        pub enabled: Option<bool>,
        /// Review a document in the editor when it is saved (default true).
        pub on_save: Option<bool>,
        /// Keep the built-in questions (default true); `false` asks only the
        /// questions below.
        pub builtin_questions: Option<bool>,
        /// Questions to add; one with a built-in id rewords that question.
        #[serde(default)]
        @merge(replace_by_id)
        pub questions: Vec<ReviewQuestion>,
        /// Characters of draft text per request (paragraphs are batched).
        pub max_review_chars: Option<usize>,
        /// Model requests per run; the rest of the draft is not reviewed.
        pub budget: Option<usize>,
        /// Findings below this confidence are hidden unless `--review-all`
        /// (default "medium").
        pub min_confidence: Option<Confidence>,
        /// The severity of review findings (default "info"); a question's own
        /// `severity` and `[rules]` override it.
        pub severity: Option<Severity>,
    }
}

merge_by_replacing!(Confidence);

/// Questions add; a later question with the same id replaces an earlier one.
fn replace_by_id(ours: &mut Vec<ReviewQuestion>, theirs: Vec<ReviewQuestion>) {
    for question in theirs {
        ours.retain(|q| q.id != question.id);
        ours.push(question);
    }
}

/// A built-in question: (id, title, what to flag).
pub const BUILTIN_QUESTIONS: [(&str, &str, &str); 8] = [
    (
        "helpful",
        "Not helpful to the reader",
        "Passages that give the reader's network nothing: self-promotion or filler with no news, insight, tip or takeaway.",
    ),
    (
        "conflict",
        "Could cause pain or conflict",
        "Words that could cause pain or conflict around race, religion, creed, culture or politics: stereotypes, mockery, slurs, inflammatory or divisive remarks.",
    ),
    (
        "reputation",
        "Could harm a reputation",
        "Negative claims about a named person or company that could harm their reputation and are not backed by facts in the text: accusations, insults, rumours.",
    ),
    (
        "inspire",
        "Neither teaches nor inspires",
        "Empty lines that neither teach nor inspire: generic slogans or motivational clichés with nothing concrete behind them.",
    ),
    (
        "proud",
        "Not something to be proud of",
        "Remarks the people the writer respects would not be proud to see shared: crude, mean-spirited, gloating or unprofessional.",
    ),
    (
        "voice",
        "Off the brand voice",
        "Passages that do not sound like the brand voice described above: wrong tone, hype, jargon or formality.",
    ),
    (
        "vague-advocacy",
        "Vague advocacy",
        "Half-hearted advocacy that praises or recommends without saying anything specific (\"great product, check it out!\").",
    ),
    (
        "puffery",
        "Puffery",
        "Superlatives and absolute claims stated as fact with no source or measurement (\"the best\", \"#1\", \"revolutionary\"); objective, checkable claims are fine.",
    ),
];

impl ReviewConfig {
    pub fn is_enabled(&self) -> bool {
        self.enabled.unwrap_or(true)
    }

    pub fn reviews_on_save(&self) -> bool {
        self.is_enabled() && self.on_save.unwrap_or(true)
    }

    pub fn max_review_chars(&self) -> usize {
        self.max_review_chars
            .unwrap_or(DEFAULT_MAX_REVIEW_CHARS)
            .max(1)
    }

    pub fn budget(&self) -> usize {
        self.budget.unwrap_or(DEFAULT_REVIEW_BUDGET)
    }

    pub fn min_confidence(&self) -> Confidence {
        self.min_confidence.unwrap_or(Confidence::Medium)
    }

    /// The severity of `question`'s findings before `[rules]`: its own,
    /// else the section's, else info.
    pub fn severity_of(&self, question: &ReviewQuestion) -> Severity {
        question
            .severity
            .or(self.severity)
            .unwrap_or(Severity::Info)
    }

    /// The questions in effect, built-in ones first (reworded where the
    /// guide says so), then the guide's own, in the order written.
    pub fn effective_questions(&self) -> Vec<ReviewQuestion> {
        let mut questions: Vec<ReviewQuestion> = Vec::new();
        if self.builtin_questions.unwrap_or(true) {
            for (id, title, ask) in BUILTIN_QUESTIONS {
                let question = self
                    .questions
                    .iter()
                    .find(|q| q.id == id)
                    .cloned()
                    .map(|mut q| {
                        q.title = q.title.or_else(|| Some(title.to_owned()));
                        q
                    })
                    .unwrap_or_else(|| ReviewQuestion {
                        id: id.to_owned(),
                        ask: ask.to_owned(),
                        title: Some(title.to_owned()),
                        severity: None,
                    });
                questions.push(question);
            }
        }
        for question in &self.questions {
            if !questions.iter().any(|q| q.id == question.id) {
                questions.push(question.clone());
            }
        }
        questions
    }

    /// Checks serde cannot make: question ids, sizes.
    pub(super) fn validate(&self, name: &str, text: &str) -> Result<(), GuideError> {
        let at = |needle: &str, message: String| {
            GuideError::at(name, text, key_offset(text, needle).unwrap_or(0), message)
        };
        for question in &self.questions {
            let id = question.id.as_str();
            let valid = !id.is_empty()
                && id.len() <= 40
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !id.starts_with('-');
            if !valid {
                return Err(at(
                    id,
                    format!(
                        "invalid review question id “{id}”: use lowercase letters, digits and dashes (it becomes the rule id review/{id})"
                    ),
                ));
            }
            if question.ask.trim().is_empty() {
                return Err(at(
                    id,
                    format!("review question “{id}” needs an “ask”: what the model should flag"),
                ));
            }
        }
        if self.max_review_chars == Some(0) {
            return Err(at(
                "max_review_chars",
                "max_review_chars must be at least 1".to_owned(),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::guide::{Guide, GuideSource};

    use super::*;

    use crate::guide::tests::invalid_at as error;

    #[test]
    fn built_in_questions_can_be_reworded_added_and_dropped() {
        let guide = Guide::from_source(
            r#"
[review]
max_review_chars = 2000
severity = "warning"

[[review.questions]]
id = "puffery"
ask = "Claims of being the best without a benchmark."

[[review.questions]]
id = "pricing"
title = "Pricing promise"
ask = "Promises about prices or discounts."
severity = "error"
"#,
            GuideSource::BuiltIn,
        )
        .unwrap();
        let review = &guide.config.review;
        let questions = review.effective_questions();
        assert_eq!(questions.len(), BUILTIN_QUESTIONS.len() + 1);
        let puffery = questions.iter().find(|q| q.id == "puffery").unwrap();
        assert_eq!(puffery.ask, "Claims of being the best without a benchmark.");
        assert_eq!(puffery.title.as_deref(), Some("Puffery"));
        assert_eq!(questions.last().unwrap().id, "pricing");
        assert_eq!(review.severity_of(puffery), Severity::Warning);
        assert_eq!(
            review.severity_of(questions.last().unwrap()),
            Severity::Error
        );
        assert_eq!(ReviewConfig::default().severity_of(puffery), Severity::Info);
        assert_eq!(review.max_review_chars(), 2000);
        assert_eq!(review.budget(), DEFAULT_REVIEW_BUDGET);

        let only_own = Guide::from_source(
            "[review]\nbuiltin_questions = false\n[[review.questions]]\nid = \"tone\"\nask = \"Sarcasm.\"\n",
            GuideSource::BuiltIn,
        )
        .unwrap();
        let ids: Vec<String> = only_own
            .config
            .review
            .effective_questions()
            .into_iter()
            .map(|q| q.id)
            .collect();
        assert_eq!(ids, ["tone"]);
    }

    #[test]
    fn bad_question_ids_and_sizes_are_located() {
        assert_eq!(
            error("[[review.questions]]\nid = \"Tone Check\"\nask = \"x\"\n"),
            "2:6: invalid review question id “Tone Check”: use lowercase letters, digits and dashes (it becomes the rule id review/Tone Check)"
        );
        assert_eq!(
            error("[[review.questions]]\nid = \"tone\"\nask = \" \"\n"),
            "2:6: review question “tone” needs an “ask”: what the model should flag"
        );
        assert_eq!(
            error("[review]\nmax_review_chars = 0\n"),
            "2:1: max_review_chars must be at least 1"
        );
        assert!(error("[review]\nbudgett = 3\n").contains("unknown field `budgett`"));
    }

    #[test]
    fn voice_examples_parse_and_add_up() {
        let guide = Guide::from_source(
            "[voice]\ndescription = \"Warm and plain.\"\n[[voice.examples]]\ngood = \"We fixed it.\"\nbad = \"We are thrilled to announce a fix!\"\n",
            GuideSource::BuiltIn,
        )
        .unwrap();
        assert_eq!(guide.config.voice.examples.len(), 1);
        assert_eq!(
            guide.config.voice.examples[0].bad.as_deref(),
            Some("We are thrilled to announce a fix!")
        );
        assert!(error("[[voice.examples]]\nnice = \"x\"\n").contains("unknown field `nice`"));
    }

    #[test]
    fn confidence_reads_what_models_write() {
        assert_eq!(Confidence::parse("High"), Some(Confidence::High));
        assert_eq!(Confidence::parse("MEDIUM"), Some(Confidence::Medium));
        assert_eq!(Confidence::parse("0.3"), Some(Confidence::Low));
        assert_eq!(Confidence::parse("sure"), None);
        assert!(Confidence::Low < Confidence::Medium);
    }
}
