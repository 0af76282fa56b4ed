//! The guard's profile check: does a model's rewrite move the paragraph
//! away from the writer's own voice, as their profile records it?
//!
//! [`super::meaning`] already holds a rewrite to the paragraph in front of
//! it (no person added, contractions neither expanded nor introduced). This
//! module compares the candidate and the original against the profile in
//! effect for the post ([`crate::voice::Voices::for_document`]) and rejects
//! only when the candidate is clearly further from it than the original:
//!
//! - **copied examples**: an answer that repeats one of the writer's
//!   sentences the prompt showed (small models do), unless the text being
//!   edited holds it;
//! - **contractions removed**: every contraction of the original gone, for
//!   a writer who uses them in 4 of 5 posts (a lone “it's” or “there's” of
//!   a cut stock phrase does not count); for Bridge, a contraction from a
//!   writer who never uses them;
//! - **longer sentences**, for a writer of short ones (a mean of at most 15
//!   words): sentences of an original within the writer's range (a mean of
//!   at most 1.4× theirs) merged so that the mean is over 1.4× theirs and at
//!   least `max(3, 0.2 × theirs)` words above both the original's mean and
//!   the writer's;
//! - **person**: a person the writer uses (1+ per 100 words) used twice or
//!   more in the original and gone from the rewrite, or one person swapped
//!   for another; for Bridge, a person neither paragraph uses that the
//!   writer rarely uses (under 0.3 per 100 words);
//! - **connectives**: one the writer never used in 2,000+ words of posts
//!   brought in (“moreover”, “therefore”; not words such as “yet” or “so”
//!   that are as often something else), or a sentence opened with a
//!   connective the writer avoids as an opener (for Bridge, not “But”,
//!   “So” or “Then”, which its prompt asks for);
//! - **Bridge length**: a transition over 1.25× the writer's 90th
//!   percentile sentence and 1.8× their mean.
//!
//! Precision over recall: a good tightening must pass (see docs/voice.md
//! for the measurement on the guard set). Pure and synchronous.

use std::fmt;

use crate::document::{Document, DocumentKind, segment};
use crate::voice::connectives::{self, is_connective};
use crate::voice::stats::{TextCounts, is_contraction, normalise};
use crate::voice::{DEFAULT_MIN_WORDS, VoiceProfile};

/// How a candidate moves away from the writer's profile. Each message
/// gives the writer's own figure.
#[derive(Debug, Clone, PartialEq)]
pub enum VoiceChange {
    RemovedContractions {
        removed: Vec<String>,
        posts_using: usize,
        posts: usize,
    },
    LongerSentences {
        original: f64,
        candidate: f64,
        yours: f64,
    },
    DroppedPerson {
        person: &'static str,
        uses: usize,
        yours: f64,
    },
    ChangedPerson {
        from: &'static str,
        to: &'static str,
        yours_to: f64,
    },
    AddedPerson {
        person: &'static str,
        yours: f64,
    },
    NeverUsedConnective {
        word: String,
        words: usize,
    },
    AvoidedOpener {
        word: String,
    },
    AddedContraction {
        contraction: String,
    },
    LongTransition {
        words: usize,
        yours: f64,
        p90: f64,
    },
    /// The answer repeats one of the writer's sentences the prompt showed
    /// as examples, which the text being edited does not hold.
    CopiedExample {
        sentence: String,
    },
}

/// The figures are finite means and rates (never NaN), so equality is total.
impl Eq for VoiceChange {}

impl fmt::Display for VoiceChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VoiceChange::RemovedContractions {
                removed,
                posts_using,
                posts,
            } => write!(
                f,
                "the rewrite removes the contractions ({}); you use them in {posts_using} of {posts} posts",
                quoted(removed)
            ),
            VoiceChange::LongerSentences {
                original,
                candidate,
                yours,
            } => write!(
                f,
                "the rewrite merges sentences: they average {candidate:.0} words where the original's average {original:.0}; your sentences average {yours:.0}"
            ),
            VoiceChange::DroppedPerson {
                person,
                uses,
                yours,
            } => write!(
                f,
                "the rewrite drops “{person}” ({uses} times in the original); your posts use it {yours:.1} times per 100 words"
            ),
            VoiceChange::ChangedPerson { from, to, yours_to } => write!(
                f,
                "the rewrite changes “{from}” to “{to}”; your posts use “{to}” {yours_to:.1} times per 100 words"
            ),
            VoiceChange::AddedPerson { person, yours } => write!(
                f,
                "the transition brings in “{person}”, which neither paragraph uses; your posts use it {yours:.1} times per 100 words"
            ),
            VoiceChange::NeverUsedConnective { word, words } => write!(
                f,
                "the rewrite brings in “{word}”, which you never use (not once in {words} words of your posts)"
            ),
            VoiceChange::AvoidedOpener { word } => write!(
                f,
                "the rewrite opens a sentence with “{word}”, which you rarely do"
            ),
            VoiceChange::AddedContraction { contraction } => write!(
                f,
                "the transition uses the contraction “{contraction}”; your posts never use contractions"
            ),
            VoiceChange::CopiedExample { sentence } => write!(
                f,
                "the answer copies the example sentence “{sentence}” from the writer's posts instead of editing this text"
            ),
            VoiceChange::LongTransition { words, yours, p90 } => write!(
                f,
                "the transition has {words} words; your sentences average {yours:.0} (90% at most {p90:.0})"
            ),
        }
    }
}

fn quoted(words: &[String]) -> String {
    words
        .iter()
        .map(|w| format!("“{w}”"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A writer "uses" a person at this rate per 100 words or more.
const USES_PERSON: f64 = 1.0;
/// A writer "rarely uses" a person below this rate per 100 words.
const RARE_PERSON: f64 = 0.3;
/// A writer whose sentences average at most this many words writes short
/// ones; only their sentences are held short.
const SHORT_SENTENCES: f64 = 15.0;
/// Sentences this many times the writer's mean are out of their range
/// (the ratio `voice/drift` uses).
const LONG_RATIO: f64 = 1.4;

/// What the profile check reads from one text.
struct Measure {
    counts: TextCounts,
    /// The contractions, lowercase, in order.
    contractions: Vec<String>,
    /// [`connectives::CONNECTIVES`] counts.
    connectives: std::collections::BTreeMap<String, usize>,
}

impl Measure {
    fn of(text: &str, kind: DocumentKind) -> Measure {
        let document = Document::parse(text, kind);
        let counts = TextCounts::of_document(&document);
        let contractions = segment::words(text)
            .into_iter()
            .map(|r| normalise(&text[r]).into_owned())
            .filter(|w| is_contraction(w))
            .collect();
        let connectives = connectives::count(std::slice::from_ref(&document));
        Measure {
            counts,
            contractions,
            connectives,
        }
    }

    fn person(&self, index: usize) -> usize {
        match index {
            0 => self.counts.first_person_singular,
            1 => self.counts.first_person_plural,
            _ => self.counts.second_person,
        }
    }

    /// "thank you" is a stock phrase, not an addressee.
    fn thanks(text: &str) -> usize {
        text.to_lowercase().matches("thank you").count()
    }
}

const PERSONS: [&str; 3] = ["I", "we", "you"];

fn person_rate(profile: &VoiceProfile, index: usize) -> f64 {
    match index {
        0 => profile.person.i.mean,
        1 => profile.person.we.mean,
        _ => profile.person.you.mean,
    }
}

/// Whether the writer uses contractions in at least 4 of 5 posts.
fn uses_contractions(profile: &VoiceProfile) -> bool {
    let posts = profile.learned_from.posts.max(1);
    profile.contractions.posts_using * 5 >= posts * 4
        && profile.contractions.per_100_words.mean >= 0.5
}

/// Contractions of a stock opener a tightening may cut whole ("It's worth
/// noting that", "There's a chance that").
const STOCK_CONTRACTIONS: &[&str] = &["it's", "there's", "here's", "that's", "let's"];

/// The content words (not function words) of a sentence, lowercase.
fn content_words(sentence: &str) -> std::collections::BTreeSet<String> {
    segment::words(sentence)
        .into_iter()
        .map(|r| normalise(&sentence[r]).into_owned())
        .filter(|w| !crate::voice::words::FUNCTION_WORDS.contains(&w.as_str()))
        .collect()
}

/// Whether `sentence` repeats `example`: at least three content words, 80%
/// of them the example's, and at least half as many as the example has.
/// Function words do not count, so "We use the app every day" does not
/// repeat "We use the picker ourselves every single day".
fn similar_sentence(example: &str, sentence: &str) -> bool {
    let theirs = content_words(example);
    let ours = content_words(sentence);
    let shared = ours.intersection(&theirs).count();
    ours.len() >= 3 && shared * 10 >= ours.len() * 8 && ours.len() * 2 >= theirs.len()
}

/// A sentence of `answer` that repeats one of the profile's example
/// sentences (the prompt shows some of them) when no sentence of `source`,
/// the text being edited, is that example.
fn copied_example(profile: &VoiceProfile, source: &str, answer: &str) -> Result<(), VoiceChange> {
    let sentences = |text: &str| -> Vec<String> {
        segment::sentences(text)
            .into_iter()
            .map(|r| text[r].trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let source_sentences = sentences(source);
    for sentence in sentences(answer) {
        for example in &profile.excerpts {
            if similar_sentence(example, &sentence)
                && !source_sentences
                    .iter()
                    .any(|s| similar_sentence(example, s))
            {
                return Err(VoiceChange::CopiedExample {
                    sentence: example.clone(),
                });
            }
        }
    }
    Ok(())
}

/// Check a Tighten candidate against the writer's profile.
pub fn check_tighten(
    original: &str,
    candidate: &str,
    kind: DocumentKind,
    profile: &VoiceProfile,
) -> Result<(), VoiceChange> {
    copied_example(profile, original, candidate)?;
    let before = Measure::of(original, kind);
    let after = Measure::of(candidate, kind);

    if uses_contractions(profile)
        && after.contractions.is_empty()
        && (before.contractions.len() >= 2
            || before
                .contractions
                .iter()
                .any(|c| !STOCK_CONTRACTIONS.contains(&c.as_str())))
    {
        let mut removed = before.contractions.clone();
        removed.dedup();
        return Err(VoiceChange::RemovedContractions {
            removed,
            posts_using: profile.contractions.posts_using,
            posts: profile.learned_from.posts,
        });
    }

    if let (Some(b), Some(a)) = (
        before.counts.mean_sentence_length(),
        after.counts.mean_sentence_length(),
    ) {
        let yours = profile.sentences.mean;
        let margin = (0.2 * yours).max(3.0);
        if yours > 0.0
            && yours <= SHORT_SENTENCES
            && after.counts.sentence_lengths.len() < before.counts.sentence_lengths.len()
            && b <= LONG_RATIO * yours
            && a > LONG_RATIO * yours
            && a - b.max(yours) >= margin
        {
            return Err(VoiceChange::LongerSentences {
                original: b,
                candidate: a,
                yours,
            });
        }
    }

    let added_thanks = Measure::thanks(candidate);
    let gained: Vec<usize> = (0..3)
        .filter(|&p| before.person(p) == 0 && after.person(p) > usize::from(p == 2) * added_thanks)
        .collect();
    for (p, person) in PERSONS.iter().enumerate() {
        if before.person(p) > 0 && after.person(p) == 0 {
            if let Some(&to) = gained.first() {
                return Err(VoiceChange::ChangedPerson {
                    from: person,
                    to: PERSONS[to],
                    yours_to: person_rate(profile, to),
                });
            }
            if before.person(p) >= 2 && person_rate(profile, p) >= USES_PERSON {
                return Err(VoiceChange::DroppedPerson {
                    person,
                    uses: before.person(p),
                    yours: person_rate(profile, p),
                });
            }
        }
    }

    connectives_kept(&before, &after, profile, &[])
}

/// A connective the writer never uses, or an opener they avoid, that the
/// candidate has and `before` does not.
fn connectives_kept(
    before: &Measure,
    after: &Measure,
    profile: &VoiceProfile,
    allowed_openers: &[&str],
) -> Result<(), VoiceChange> {
    for (word, &count) in &after.connectives {
        if count > before.connectives.get(word).copied().unwrap_or(0) && never_uses(profile, word) {
            return Err(VoiceChange::NeverUsedConnective {
                word: word.clone(),
                words: profile.learned_from.words,
            });
        }
    }
    for (opener, &count) in &after.counts.openers {
        if count > before.counts.openers.get(opener).copied().unwrap_or(0)
            && is_connective(opener)
            && !allowed_openers.contains(opener)
            && profile
                .openers
                .avoided
                .iter()
                .any(|a| a.eq_ignore_ascii_case(opener))
        {
            let mut word = opener.to_string();
            if let Some(first) = word.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            return Err(VoiceChange::AvoidedOpener { word });
        }
    }
    Ok(())
}

/// Connectives that are as often something else ("not yet", "still
/// there", "so much", "it finally works"): a rewrite bringing one in is not
/// judged by whether the writer used it, only as an avoided opener.
const AMBIGUOUS: &[&str] = &[
    "also", "anyway", "besides", "but", "finally", "instead", "overall", "plus", "so", "still",
    "then", "yet",
];

/// Whether the profile shows the writer never using `word` (a connective
/// that is only a connective), with enough of their prose to say so.
fn never_uses(profile: &VoiceProfile, word: &str) -> bool {
    if profile.learned_from.words < DEFAULT_MIN_WORDS || AMBIGUOUS.contains(&word) {
        return false;
    }
    match profile.connectives.get(word) {
        Some(&uses) => uses == 0,
        // A profile learned before connectives were counted: its
        // function-word table, where the word is one.
        None if profile.connectives.is_empty() => profile
            .function_words
            .get(word)
            .is_some_and(|[mean, _]| *mean == 0.0),
        None => false,
    }
}

/// Check a Bridge option (one sentence opening `second`) against the
/// writer's profile.
pub fn check_bridge(
    first: &str,
    second: &str,
    option: &str,
    kind: DocumentKind,
    profile: &VoiceProfile,
) -> Result<(), VoiceChange> {
    let joined = format!("{first}\n\n{second}");
    copied_example(profile, &joined, option)?;
    let context = Measure::of(&joined, kind);
    let after = Measure::of(option, kind);
    let s = &profile.sentences;
    let words = after.counts.words;
    if s.mean > 0.0 && words as f64 > 1.25 * s.p90 && words as f64 > 1.8 * s.mean {
        return Err(VoiceChange::LongTransition {
            words,
            yours: s.mean,
            p90: s.p90,
        });
    }
    let thanks = Measure::thanks(option);
    for (p, person) in PERSONS.iter().enumerate() {
        let added = after.person(p) > usize::from(p == 2) * thanks;
        if added && context.person(p) == 0 && person_rate(profile, p) < RARE_PERSON {
            return Err(VoiceChange::AddedPerson {
                person,
                yours: person_rate(profile, p),
            });
        }
    }
    if profile.contractions.posts_using == 0
        && profile.learned_from.words >= DEFAULT_MIN_WORDS
        && context.contractions.is_empty()
        && let Some(contraction) = after.contractions.first()
    {
        return Err(VoiceChange::AddedContraction {
            contraction: contraction.clone(),
        });
    }
    // The Bridge prompt asks for these relations by name; a writer who
    // rarely opens with them may still join two paragraphs with one.
    connectives_kept(&context, &after, profile, BRIDGE_RELATIONS)
}

/// Openers the Bridge prompt itself suggests ("but, so, then").
const BRIDGE_RELATIONS: &[&str] = &["but", "so", "then"];

#[cfg(test)]
mod tests;
