//! Voice profiles: a writer's (or a brand's) voice learned from their own
//! posts, deterministically, as a small reviewable TOML file.
//!
//! [`learn`] counts what stylometry and editors look at (sentence and
//! paragraph lengths, reading grade, contractions, person, questions,
//! punctuation, spelling variety, favoured openers, a function-word profile
//! for Burrows' Delta, sign-offs, plain-word preferences) and keeps a few
//! short representative sentences. [`drift`] compares a draft with a
//! profile and says where it moves far from it (the `voice/drift` rule);
//! [`distance`] and [`excerpts_for`] are for model-backed suggestions;
//! [`attribution_scores`] attributes a text to the nearest of several
//! profiles (`attribution.rs`).
//!
//! Everything here is pure: no IO, no clock. Reading posts and writing the
//! profile file is the CLI's job (`copydesk voice learn`).

mod attribution;
pub mod connectives;
pub mod draft;
mod in_effect;
mod loaded;
pub mod stats;
pub mod words;

pub use attribution::{
    ATTRIBUTION_WEIGHTS, DELTA_WORDS, attribution_scores, char_ngram_delta, delta,
    ngram_dissimilarity,
};
pub use in_effect::{InEffect, ProfileSource};
pub use loaded::{LoadedProfile, UnknownProfile, Voices};

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::document::Document;
use draft::DraftCounts;
use stats::{TextCounts, mean, mean_usize, quantile, sd};
use words::{FUNCTION_WORDS, OPENERS, WORD_PREFERENCES};

/// The profile file format version this build writes and reads.
pub const PROFILE_VERSION: u32 = 1;
/// The least prose [`learn`] accepts by default, in words. Below this the
/// per-post spreads that keep `voice/drift` quiet on the writer's own posts
/// are not measurable (see docs/voice.md).
pub const DEFAULT_MIN_WORDS: usize = 2_000;
/// The least number of posts [`learn`] accepts: spreads need several.
pub const MIN_POSTS: usize = 3;
/// How many short excerpts a profile keeps.
pub const EXCERPTS: usize = 15;
/// How many character trigrams (and, apart, how many 4-grams) a profile keeps.
pub const PROFILE_NGRAMS: usize = 300;

/// A mean and the spread of the per-post values around it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spread {
    pub mean: f64,
    /// Standard deviation across the writer's posts.
    pub sd: f64,
}

/// A length distribution (words).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lengths {
    pub mean: f64,
    pub median: f64,
    pub p90: f64,
    /// Standard deviation of single lengths.
    pub sd: f64,
    /// Standard deviation of the per-post mean.
    pub post_sd: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LearnedFrom {
    pub posts: usize,
    pub words: usize,
    pub sentences: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contractions {
    pub per_100_words: Spread,
    /// How many of the posts use at least one contraction.
    pub posts_using: usize,
}

/// Pronoun rates per 100 words.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub i: Spread,
    pub we: Spread,
    pub you: Spread,
}

/// Marks per 100 sentences (emoji and hashtags per 100 words).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Habits {
    pub questions: Spread,
    pub exclamations: Spread,
    pub em_dashes: Spread,
    pub en_dashes: Spread,
    pub semicolons: Spread,
    pub parentheses: Spread,
    pub emoji_per_100_words: Spread,
    pub hashtags_per_100_words: Spread,
    /// Share of serial lists with a comma before "and"/"or"; absent with
    /// fewer than three lists.
    pub oxford_comma: Option<f64>,
    pub serial_lists: usize,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spelling {
    pub british: usize,
    pub american: usize,
    /// "british", "american", "mixed" or "unknown" (too few telling words).
    pub variety: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Openers {
    /// Openers used at least twice as often as general prose (and 3+ times).
    pub favoured: Vec<String>,
    /// Common openers used less than a quarter as often as general prose.
    pub avoided: Vec<String>,
}

/// A learned voice. Serialised as the profile file (TOML).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoiceProfile {
    pub version: u32,
    pub name: String,
    pub learned_from: LearnedFrom,
    /// Words per sentence.
    pub sentences: Lengths,
    /// Words per paragraph.
    pub paragraphs: Lengths,
    /// Flesch–Kincaid grade per post.
    pub reading_grade: Spread,
    pub contractions: Contractions,
    pub person: Person,
    pub habits: Habits,
    pub spelling: Spelling,
    pub openers: Openers,
    /// Short last paragraphs seen in at least two posts.
    #[serde(default)]
    pub sign_offs: Vec<String>,
    /// Formal word → the plain word this writer uses instead (only with
    /// evidence: the plain word 5+ times, the formal one never).
    #[serde(default)]
    pub prefers: BTreeMap<String, String>,
    /// How often each of [`connectives::CONNECTIVES`] appears in the
    /// writer's prose, zeros included (a rewrite that brings in one the
    /// writer never uses moves away from the voice). Profiles learned before
    /// it existed lack it.
    #[serde(default)]
    pub connectives: BTreeMap<String, usize>,
    /// Function words per 1,000 words: `[mean, sd across posts]`.
    pub function_words: BTreeMap<String, [f64; 2]>,
    /// The [`PROFILE_NGRAMS`] most frequent character trigrams of the
    /// writer's prose, per 1,000 trigrams (see [`stats::char_ngrams`]);
    /// used for attribution. Profiles learned before it existed lack it.
    #[serde(default)]
    pub char_ngrams: BTreeMap<String, f64>,
    /// The [`PROFILE_NGRAMS`] most frequent character 4-grams, per 1,000
    /// 4-grams, read like `char_ngrams`; used for attribution. Profiles
    /// learned before it existed lack it.
    #[serde(default)]
    pub char_4grams: BTreeMap<String, f64>,
    /// Short sentences (under 30 words) chosen to represent the voice.
    #[serde(default)]
    pub excerpts: Vec<String>,
}

/// Why a profile could not be learned or read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ProfileError {
    #[error(
        "too little text to learn a voice: {words} words of prose in {posts} posts; it needs at least {min_words} words in {MIN_POSTS} posts ({more} more words)"
    )]
    TooLittle {
        words: usize,
        posts: usize,
        min_words: usize,
        more: usize,
    },
    #[error("not a voice profile: {0}")]
    Invalid(String),
    #[error(
        "voice profile version {found} is not supported (this copydesk reads version {PROFILE_VERSION})"
    )]
    Version { found: u32 },
}

fn round(value: f64, places: i32) -> f64 {
    let factor = 10f64.powi(places);
    (value * factor).round() / factor
}

fn spread(values: &[f64], pooled: f64) -> Spread {
    Spread {
        mean: round(pooled, 3),
        sd: round(sd(values), 3),
    }
}

fn lengths(all: &[usize], per_post_means: &[f64]) -> Lengths {
    let mut sorted = all.to_vec();
    sorted.sort_unstable();
    let as_f64: Vec<f64> = all.iter().map(|&v| v as f64).collect();
    Lengths {
        mean: round(mean_usize(all).unwrap_or(0.0), 2),
        median: quantile(&sorted, 0.5),
        p90: quantile(&sorted, 0.9),
        sd: round(sd(&as_f64), 2),
        post_sd: round(sd(per_post_means), 2),
    }
}

/// Learn a profile from parsed posts. Refuses fewer than `min_words` words
/// of prose or fewer than [`MIN_POSTS`] posts, saying how much more it needs.
pub fn learn(
    name: &str,
    posts: &[Document],
    min_words: usize,
) -> Result<VoiceProfile, ProfileError> {
    let counts: Vec<TextCounts> = posts.iter().map(TextCounts::of_document).collect();
    let counts: Vec<TextCounts> = counts.into_iter().filter(|c| c.words > 0).collect();
    let words: usize = counts.iter().map(|c| c.words).sum();
    if words < min_words || counts.len() < MIN_POSTS {
        return Err(ProfileError::TooLittle {
            words,
            posts: counts.len(),
            min_words,
            more: min_words.saturating_sub(words),
        });
    }
    let mut total = TextCounts {
        function_words: vec![0; FUNCTION_WORDS.len()],
        ..TextCounts::default()
    };
    for c in &counts {
        total.words += c.words;
        total.syllables += c.syllables;
        total.sentence_lengths.extend(&c.sentence_lengths);
        total.paragraph_lengths.extend(&c.paragraph_lengths);
        total.contractions += c.contractions;
        total.first_person_singular += c.first_person_singular;
        total.first_person_plural += c.first_person_plural;
        total.second_person += c.second_person;
        total.questions += c.questions;
        total.exclamations += c.exclamations;
        total.emoji += c.emoji;
        total.hashtags += c.hashtags;
        total.em_dashes += c.em_dashes;
        total.en_dashes += c.en_dashes;
        total.semicolons += c.semicolons;
        total.parentheses += c.parentheses;
        total.oxford_lists += c.oxford_lists;
        total.plain_lists += c.plain_lists;
        total.british += c.british;
        total.american += c.american;
        for (k, v) in &c.openers {
            *total.openers.entry(k).or_default() += v;
        }
        for (i, v) in c.function_words.iter().enumerate() {
            total.function_words[i] += v;
        }
        for (k, v) in &c.preference_words {
            *total.preference_words.entry(k).or_default() += v;
        }
    }
    let per_post = |f: &dyn Fn(&TextCounts) -> f64| -> Vec<f64> { counts.iter().map(f).collect() };
    let words_rate = |count: fn(&TextCounts) -> usize| {
        let values = per_post(&|c| c.per_100_words(count(c)));
        spread(&values, total.per_100_words(count(&total)))
    };
    let sentence_rate = |count: fn(&TextCounts) -> usize| {
        let values = per_post(&|c| c.per_100_sentences(count(c)));
        spread(&values, total.per_100_sentences(count(&total)))
    };
    let sentence_means: Vec<f64> = counts
        .iter()
        .filter_map(TextCounts::mean_sentence_length)
        .collect();
    let paragraph_means: Vec<f64> = counts
        .iter()
        .filter_map(|c| mean_usize(&c.paragraph_lengths))
        .collect();
    let grades: Vec<f64> = counts.iter().filter_map(TextCounts::grade).collect();

    let lists = total.oxford_lists + total.plain_lists;
    let spelling = Spelling {
        british: total.british,
        american: total.american,
        variety: spelling_variety(total.british, total.american).to_owned(),
    };
    let sentences_total = total.sentence_lengths.len().max(1) as f64;
    let mut favoured = Vec::new();
    let mut avoided = Vec::new();
    for (opener, reference) in OPENERS {
        let used = total.openers.get(opener).copied().unwrap_or(0);
        let rate = 100.0 * used as f64 / sentences_total;
        if used >= 3 && rate >= 2.0 * reference {
            favoured.push((rate / reference, capitalise(opener)));
        } else if *reference >= 1.0 && rate < reference / 4.0 && sentences_total >= 200.0 {
            avoided.push((*reference, capitalise(opener)));
        }
    }
    favoured.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    avoided.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    let mut sign_offs: BTreeMap<String, usize> = BTreeMap::new();
    for c in &counts {
        if let Some(s) = &c.sign_off {
            *sign_offs.entry(s.clone()).or_default() += 1;
        }
    }
    let mut prefers = BTreeMap::new();
    for (plain, formal) in WORD_PREFERENCES {
        let plain_uses = total.preference_words.get(plain).copied().unwrap_or(0);
        let formal_uses = total.preference_words.get(formal).copied().unwrap_or(0);
        if plain_uses >= 5 && formal_uses == 0 {
            prefers.insert((*formal).to_owned(), (*plain).to_owned());
        }
    }
    let rates: Vec<Vec<f64>> = counts.iter().map(TextCounts::function_word_rates).collect();
    let pooled = total.function_word_rates();
    let function_words = FUNCTION_WORDS
        .iter()
        .enumerate()
        .map(|(i, word)| {
            let values: Vec<f64> = rates.iter().map(|r| r[i]).collect();
            (
                (*word).to_owned(),
                [round(pooled[i], 2), round(sd(&values), 2)],
            )
        })
        .collect();
    let sentence_lengths = lengths(&total.sentence_lengths, &sentence_means);
    Ok(VoiceProfile {
        version: PROFILE_VERSION,
        name: name.to_owned(),
        learned_from: LearnedFrom {
            posts: counts.len(),
            words: total.words,
            sentences: total.sentence_lengths.len(),
        },
        sentences: sentence_lengths,
        paragraphs: lengths(&total.paragraph_lengths, &paragraph_means),
        reading_grade: spread(&grades, mean(&grades).unwrap_or(0.0)),
        contractions: Contractions {
            per_100_words: words_rate(|c| c.contractions),
            posts_using: counts.iter().filter(|c| c.contractions > 0).count(),
        },
        person: Person {
            i: words_rate(|c| c.first_person_singular),
            we: words_rate(|c| c.first_person_plural),
            you: words_rate(|c| c.second_person),
        },
        habits: Habits {
            questions: sentence_rate(|c| c.questions),
            exclamations: sentence_rate(|c| c.exclamations),
            em_dashes: sentence_rate(|c| c.em_dashes),
            en_dashes: sentence_rate(|c| c.en_dashes),
            semicolons: sentence_rate(|c| c.semicolons),
            parentheses: sentence_rate(|c| c.parentheses),
            emoji_per_100_words: words_rate(|c| c.emoji),
            hashtags_per_100_words: words_rate(|c| c.hashtags),
            oxford_comma: (lists >= 3).then(|| round(total.oxford_lists as f64 / lists as f64, 2)),
            serial_lists: lists,
        },
        spelling,
        openers: Openers {
            favoured: favoured.into_iter().take(5).map(|(_, o)| o).collect(),
            avoided: avoided.into_iter().take(5).map(|(_, o)| o).collect(),
        },
        sign_offs: sign_offs
            .into_iter()
            .filter(|(_, n)| *n >= 2)
            .map(|(s, _)| s)
            .collect(),
        prefers,
        connectives: connectives::count(posts),
        function_words,
        char_ngrams: top_ngrams::<{ stats::NGRAM }>(posts),
        char_4grams: top_ngrams::<{ stats::NGRAM4 }>(posts),
        excerpts: choose_excerpts(posts, sentence_lengths.median),
    })
}

/// The [`PROFILE_NGRAMS`] most frequent character `N`-grams over all posts,
/// per 1,000 `N`-grams (ties broken by the n-gram, so learning is
/// deterministic).
fn top_ngrams<const N: usize>(posts: &[Document]) -> BTreeMap<String, f64> {
    let mut pooled = stats::NgramCounts::<N>::default();
    let mut total = 0;
    for post in posts {
        total += stats::add_char_ngrams(post, &mut pooled);
    }
    top_rates(pooled, total)
        .into_iter()
        .map(|(gram, rate)| (gram, round(rate, 2)))
        .collect()
}

/// The [`PROFILE_NGRAMS`] most frequent n-grams as rates per 1,000, most
/// frequent first.
fn top_rates<const N: usize>(counts: stats::NgramCounts<N>, total: usize) -> Vec<(String, f64)> {
    let mut ranked: Vec<([char; N], usize)> = counts.into_iter().collect();
    let order =
        |a: &([char; N], usize), b: &([char; N], usize)| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0));
    if ranked.len() > PROFILE_NGRAMS {
        // Only the first PROFILE_NGRAMS need sorting.
        ranked.select_nth_unstable_by(PROFILE_NGRAMS, order);
        ranked.truncate(PROFILE_NGRAMS);
    }
    ranked.sort_by(order);
    let total = total.max(1) as f64;
    ranked
        .into_iter()
        .map(|(gram, count)| {
            (
                gram.iter().collect::<String>(),
                1000.0 * count as f64 / total,
            )
        })
        .collect()
}

fn capitalise(word: &str) -> String {
    if word == "i" {
        return "I".to_owned();
    }
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn spelling_variety(british: usize, american: usize) -> &'static str {
    if british + american < 3 {
        "unknown"
    } else if british >= 4 * american {
        "british"
    } else if american >= 4 * british {
        "american"
    } else {
        "mixed"
    }
}

/// Candidate excerpt sentences: whole prose sentences of 8 to 29 words with
/// no code, links or markup left, starting with a capital and ending with a
/// full stop, question or exclamation mark.
fn candidate_sentences(document: &Document) -> Vec<String> {
    let mut out = Vec::new();
    for block in document.blocks.iter().filter(|b| stats::counts_as_prose(b)) {
        for (index, range) in block.sentences.iter().enumerate() {
            let count = block.sentence_words(index).len();
            let text = block.text()[range.clone()].trim();
            let clean = !text.contains(['\u{FFFC}', '`', '*', '[', ']', '<', '>', '|', '#']);
            let starts = text.chars().next().is_some_and(char::is_uppercase);
            let ends = text.ends_with(['.', '?', '!']);
            if (8..30).contains(&count) && clean && starts && ends {
                out.push(text.to_owned());
            }
        }
    }
    out
}

/// Pick up to [`EXCERPTS`] sentences: from each post in turn, the sentences
/// whose length is nearest the writer's median, so the set spreads over
/// posts and shows the usual sentence rather than the extremes.
fn choose_excerpts(posts: &[Document], median: f64) -> Vec<String> {
    let mut per_post: Vec<Vec<String>> = posts
        .iter()
        .map(|post| {
            let mut candidates = candidate_sentences(post);
            candidates.sort_by(|a, b| {
                let da = (stats_words(a) - median).abs();
                let db = (stats_words(b) - median).abs();
                da.total_cmp(&db).then_with(|| a.cmp(b))
            });
            candidates.reverse();
            candidates
        })
        .collect();
    let mut out: Vec<String> = Vec::new();
    while out.len() < EXCERPTS && per_post.iter().any(|c| !c.is_empty()) {
        for candidates in &mut per_post {
            if out.len() >= EXCERPTS {
                break;
            }
            if let Some(sentence) = candidates.pop()
                && !out.contains(&sentence)
            {
                out.push(sentence);
            }
        }
    }
    out
}

fn stats_words(text: &str) -> f64 {
    crate::document::segment::words(text).len() as f64
}

impl VoiceProfile {
    /// Read a profile file's text. `source` names it in errors.
    pub fn from_toml(text: &str) -> Result<VoiceProfile, ProfileError> {
        #[derive(Deserialize)]
        struct VersionOnly {
            version: Option<u32>,
        }
        // One parse in the common case; the version is read on its own only
        // when the whole profile does not read, so that a profile from
        // another version says so rather than naming a missing field.
        let full: Result<VoiceProfile, _> = toml::from_str(text);
        let version = match &full {
            Ok(profile) => Some(profile.version),
            Err(_) => {
                let version: VersionOnly = toml::from_str(text)
                    .map_err(|e| ProfileError::Invalid(e.message().to_owned()))?;
                version.version
            }
        };
        match version {
            Some(PROFILE_VERSION) => {}
            Some(found) => return Err(ProfileError::Version { found }),
            None => return Err(ProfileError::Invalid("missing `version = 1`".to_owned())),
        }
        full.map_err(|e| {
            let at = e
                .span()
                .map(|span| {
                    let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
                    format!("line {line}: ")
                })
                .unwrap_or_default();
            ProfileError::Invalid(format!("{at}{}", e.message()))
        })
    }

    /// [`from_toml`](Self::from_toml) for a profile a guide loads to check
    /// drafts with: the character n-gram tables (`[char_ngrams]`,
    /// `[char_4grams]`), which only attribution reads and which are most of
    /// a profile's text, are left out before parsing. A text that does not
    /// read once they are cut is read whole, so errors are the same.
    pub fn from_toml_for_checking(text: &str) -> Result<VoiceProfile, ProfileError> {
        match without_ngram_tables(text) {
            Some(cut) => VoiceProfile::from_toml(&cut).or_else(|_| VoiceProfile::from_toml(text)),
            None => VoiceProfile::from_toml(text),
        }
    }

    /// The profile file's text: a short header comment, then TOML.
    pub fn to_toml(&self) -> String {
        let body = collapse_number_arrays(&toml::to_string_pretty(self).unwrap_or_default());
        format!(
            "# copydesk voice profile “{}”, learned by `copydesk voice learn`.\n# Review it like code; see docs/voice.md for what each number means.\n\n{body}",
            self.name
        )
    }

    /// Function-word rates (mean, sd) in [`FUNCTION_WORDS`] order; a word
    /// the file lacks counts as never used.
    fn function_word_table(&self) -> Vec<[f64; 2]> {
        FUNCTION_WORDS
            .iter()
            .map(|w| self.function_words.get(*w).copied().unwrap_or([0.0, 0.0]))
            .collect()
    }

    /// A short portrait in plain words, one trait per line.
    pub fn portrait(&self) -> String {
        let mut out = String::new();
        let posts = self.learned_from.posts;
        let _ = writeln!(
            out,
            "Voice “{}”, learned from {} posts ({} words).",
            self.name, posts, self.learned_from.words
        );
        let s = &self.sentences;
        let size = if s.median <= 14.0 {
            "short"
        } else if s.median <= 20.0 {
            "medium-length"
        } else {
            "long"
        };
        let _ = writeln!(
            out,
            "- Writes {size} sentences (median {} words, 90% at most {}); paragraphs of about {} words.",
            s.median, s.p90, self.paragraphs.median
        );
        let _ = writeln!(out, "- Reading grade {:.1}.", self.reading_grade.mean);
        let c = &self.contractions;
        if c.posts_using == 0 {
            let _ = writeln!(out, "- Never uses contractions.");
        } else {
            let _ = writeln!(
                out,
                "- Uses contractions in {} of {} posts ({:.1} per 100 words).",
                c.posts_using, posts, c.per_100_words.mean
            );
        }
        let p = &self.person;
        let mut persons = [
            ("“I”", p.i.mean),
            ("“we”", p.we.mean),
            ("“you”", p.you.mean),
        ];
        persons.sort_by(|a, b| b.1.total_cmp(&a.1));
        let _ = writeln!(
            out,
            "- Writes as {} ({:.1} per 100 words), then {} ({:.1}) and {} ({:.1}).",
            persons[0].0, persons[0].1, persons[1].0, persons[1].1, persons[2].0, persons[2].1
        );
        let h = &self.habits;
        let _ = writeln!(
            out,
            "- Per 100 sentences: {:.0} questions, {:.0} exclamations, {:.0} em dashes, {:.0} semicolons, {:.0} parentheses.",
            h.questions.mean,
            h.exclamations.mean,
            h.em_dashes.mean,
            h.semicolons.mean,
            h.parentheses.mean
        );
        if let Some(rate) = h.oxford_comma {
            let _ = writeln!(
                out,
                "- Oxford comma in {:.0}% of {} lists.",
                rate * 100.0,
                h.serial_lists
            );
        }
        if h.emoji_per_100_words.mean > 0.0 || h.hashtags_per_100_words.mean > 0.0 {
            let _ = writeln!(
                out,
                "- Emoji {:.1} and hashtags {:.1} per 100 words.",
                h.emoji_per_100_words.mean, h.hashtags_per_100_words.mean
            );
        } else {
            let _ = writeln!(out, "- No emoji or hashtags.");
        }
        let sp = &self.spelling;
        let variety = match sp.variety.as_str() {
            "british" => "British spelling",
            "american" => "American spelling",
            "mixed" => "mixed British and American spelling",
            _ => "spelling variety unknown (too few telling words)",
        };
        let _ = writeln!(
            out,
            "- {variety} ({} British, {} American).",
            sp.british, sp.american
        );
        if !self.openers.favoured.is_empty() {
            let _ = writeln!(
                out,
                "- Favours openers: {}.",
                quoted_list(&self.openers.favoured)
            );
        }
        if !self.openers.avoided.is_empty() {
            let _ = writeln!(
                out,
                "- Rarely opens with: {}.",
                quoted_list(&self.openers.avoided)
            );
        }
        if !self.prefers.is_empty() {
            let pairs: Vec<String> = self
                .prefers
                .iter()
                .map(|(formal, plain)| format!("“{plain}” over “{formal}”"))
                .collect();
            let _ = writeln!(out, "- Prefers {}.", pairs.join(", "));
        }
        if !self.sign_offs.is_empty() {
            let _ = writeln!(out, "- Signs off: {}.", quoted_list(&self.sign_offs));
        }
        if let Some(first) = self.excerpts.first() {
            let _ = writeln!(out, "- For example: “{first}”");
        }
        out
    }
}

/// Put arrays of numbers back on one line (`the = [61.2, 8.3]`): the pretty
/// printer spreads every array over lines, which suits the excerpts only.
fn collapse_number_arrays(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending: Option<(String, Vec<String>)> = None;
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some((head, items)) = pending.as_mut() {
            if trimmed == "]" {
                let _ = writeln!(out, "{head}{}]", items.join(", "));
                pending = None;
            } else if trimmed.trim_end_matches(',').parse::<f64>().is_ok() {
                items.push(trimmed.trim_end_matches(',').to_owned());
            } else {
                // Not a number array after all: give the lines back as they were.
                let _ = writeln!(out, "{head}");
                for item in items.iter() {
                    let _ = writeln!(out, "    {item},");
                }
                let _ = writeln!(out, "{line}");
                pending = None;
            }
        } else if line.ends_with("= [") {
            pending = Some((line.to_owned(), Vec::new()));
        } else {
            let _ = writeln!(out, "{line}");
        }
    }
    if let Some((head, items)) = pending {
        let _ = writeln!(out, "{head}");
        for item in items {
            let _ = writeln!(out, "    {item},");
        }
    }
    out
}

fn quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|i| format!("“{i}”"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The stored excerpts most like `paragraph`, at most `n`, best first.
///
/// Contract: pure and deterministic; returns clones of
/// [`VoiceProfile::excerpts`] (never other text), each under 30 words, and
/// fewer than `n` only when the profile stores fewer. "Like" means sharing
/// the most content words (not function words) with the paragraph, then
/// the nearest length to the paragraph's mean sentence length, then the
/// stored order. Meant as few-shot examples of the writer's voice for
/// Tighten and Bridge prompts.
pub fn excerpts_for(profile: &VoiceProfile, paragraph: &str, n: usize) -> Vec<String> {
    let content = |text: &str| -> std::collections::BTreeSet<String> {
        crate::document::segment::words(text)
            .into_iter()
            .map(|r| stats::normalise(&text[r]).into_owned())
            .filter(|w| w.chars().count() >= 3 && !FUNCTION_WORDS.contains(&w.as_str()))
            .collect()
    };
    let wanted = content(paragraph);
    let sentences = crate::document::segment::sentences(paragraph).len().max(1);
    let target = stats_words(paragraph) / sentences as f64;
    let mut scored: Vec<(usize, f64, usize)> = profile
        .excerpts
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let shared = content(e).intersection(&wanted).count();
            (shared, (stats_words(e) - target).abs(), i)
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
    scored
        .into_iter()
        .take(n)
        .map(|(_, _, i)| profile.excerpts[i].clone())
        .collect()
}

/// How far a text is from a profile.
#[derive(Debug, Clone, PartialEq)]
pub struct VoiceDistance {
    /// Words of prose in the text.
    pub words: usize,
    /// Mean absolute z-score of the text's function-word rates against the
    /// writer's own per-post mean and spread (widened for a short text's
    /// sampling noise). About 1 for the writer's own posts; higher is
    /// further away. Meaningful from about 150 words.
    pub function_words: f64,
    /// The style differences large enough for `voice/drift` to report.
    pub drift: Vec<Drift>,
}

/// `text` without its top-level `[char_ngrams]` and `[char_4grams]` tables
/// (each from its header to the next header); `None` when it has neither.
fn without_ngram_tables(text: &str) -> Option<String> {
    let mut kept = String::with_capacity(text.len());
    let (mut skipping, mut cut) = (false, false);
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            skipping = matches!(trimmed, "[char_ngrams]" | "[char_4grams]");
            cut |= skipping;
        }
        if !skipping {
            kept.push_str(line);
        }
    }
    cut.then_some(kept)
}

/// How far `text` (Markdown) is from `profile`.
///
/// Contract: pure and deterministic; no IO. `function_words` compares the
/// whole text's function-word profile with the writer's (see
/// [`VoiceDistance`]); `drift` is exactly what `voice/drift` would report
/// for the text as a whole document. For a model guard: a rewrite that
/// raises `function_words` by more than ~0.3, or adds a drift item the
/// original did not have, moved away from the writer's voice.
pub fn distance(profile: &VoiceProfile, text: &str) -> VoiceDistance {
    let document = Document::parse(text, crate::document::DocumentKind::Markdown);
    let counts = TextCounts::of_document(&document);
    VoiceDistance {
        words: counts.words,
        function_words: function_word_distance(profile, &counts),
        drift: drift(profile, &document, &DraftCounts::from(&counts)),
    }
}

fn function_word_distance(profile: &VoiceProfile, counts: &TextCounts) -> f64 {
    let table = profile.function_word_table();
    let rates = counts.function_word_rates();
    let n = counts.words.max(1) as f64;
    let mut total = 0.0;
    let mut used = 0usize;
    for (rate, [mean, sd]) in rates.iter().zip(&table) {
        if *mean < 1.0 {
            continue;
        }
        // Sampling noise of a rate per 1,000 over n words (Poisson).
        let sampling = 1000.0 * mean / n;
        let spread = (sd * sd + sampling).sqrt().max(0.5);
        total += (rate - mean).abs() / spread;
        used += 1;
    }
    if used == 0 { 0.0 } else { total / used as f64 }
}

/// Where a draft moves far from a profile.
#[derive(Debug, Clone, PartialEq)]
pub struct Drift {
    pub kind: DriftKind,
    /// What to say, with numbers.
    pub message: String,
    /// Where: a block index, and a range in that block's prose (the first
    /// sentence for whole-document differences).
    pub block: usize,
    pub prose: std::ops::Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriftKind {
    SentenceLength,
    ParagraphSentenceLength,
    Contractions,
    ReadingGrade,
    Person,
    Exclamations,
    EmDashes,
    Spelling,
    WordChoice,
}

/// A draft needs this many words of prose before it is judged as a whole.
pub const MIN_DRAFT_WORDS: usize = 150;
/// A z-score this far from the writer's own posts counts as drift.
pub const Z_LIMIT: f64 = 3.0;

fn z(value: f64, spread: Spread, sampling_variance: f64) -> f64 {
    let sd = (spread.sd * spread.sd + sampling_variance).sqrt().max(1e-6);
    (value - spread.mean) / sd
}

/// Each spelling-pair word: the first pair that holds it (in
/// [`words::SPELLING_PAIRS`] order), and whether it is that pair's American
/// form.
static SPELLING_PAIR_OF: std::sync::LazyLock<rustc_hash::FxHashMap<&'static str, (usize, bool)>> =
    std::sync::LazyLock::new(|| {
        let mut map = rustc_hash::FxHashMap::default();
        for (pair, (british, american)) in words::SPELLING_PAIRS.iter().enumerate() {
            map.entry(*american).or_insert((pair, true));
            map.entry(*british).or_insert((pair, false));
        }
        map
    });

/// Everything `voice/drift` reports for a document against a profile.
pub fn drift(profile: &VoiceProfile, document: &Document, counts: &DraftCounts) -> Vec<Drift> {
    let mut out = Vec::new();
    let Some(first) = document.blocks.iter().position(stats::counts_as_prose) else {
        return out;
    };
    let first_sentence = document.blocks[first]
        .sentences
        .first()
        .cloned()
        .unwrap_or(0..document.blocks[first].text().len());
    let whole = |kind, message| Drift {
        kind,
        message,
        block: first,
        prose: first_sentence.clone(),
    };
    // Word choice: where the profile has evidence, whatever the length.
    let mut seen: rustc_hash::FxHashSet<&'static str> = rustc_hash::FxHashSet::default();
    for &(index, ref range, word) in &counts.marked_words {
        if let Some(plain) = profile.prefers.get(word)
            && seen.insert(word)
        {
            out.push(Drift {
                kind: DriftKind::WordChoice,
                message: format!("“{word}”: you write “{plain}”"),
                block: index,
                prose: range.clone(),
            });
        }
        // (this spelling, the writer's, the writer's form of the word)
        let spelling = SPELLING_PAIR_OF.get(word).map(|&(pair, american)| {
            let (british, american_form) = words::SPELLING_PAIRS[pair];
            if american {
                ("American", "british", profile.spelling.british, british)
            } else {
                (
                    "British",
                    "american",
                    profile.spelling.american,
                    american_form,
                )
            }
        });
        if let Some((found, theirs, evidence, their_form)) = spelling
            && profile.spelling.variety == theirs
            && evidence >= 5
            && seen.insert(word)
        {
            let theirs = if theirs == "british" {
                "British"
            } else {
                "American"
            };
            out.push(Drift {
                kind: DriftKind::Spelling,
                message: format!(
                    "{found} spelling “{word}”; your posts spell it the {theirs} way (“{their_form}”)"
                ),
                block: index,
                prose: range.clone(),
            });
        }
    }
    let posts = profile.learned_from.posts.max(1);
    let sentences = counts.sentences;
    let mut document_length_drift = false;
    if counts.words >= MIN_DRAFT_WORDS && sentences >= 5 {
        let s = &profile.sentences;
        if let Some(m) = counts.mean_sentence_length() {
            let spread = Spread {
                mean: s.mean,
                sd: s.post_sd,
            };
            let zs = z(m, spread, s.sd * s.sd / sentences as f64);
            let ratio = m / s.mean.max(1.0);
            if zs.abs() > Z_LIMIT && !(0.7..=1.4).contains(&ratio) {
                document_length_drift = true;
                out.push(whole(
                    DriftKind::SentenceLength,
                    format!(
                        "Sentences here average {m:.0} words; your posts average {:.0}",
                        s.mean
                    ),
                ));
            }
        }
        if let Some(grade) = counts.grade() {
            let zg = z(grade, profile.reading_grade, 0.0);
            if zg.abs() > Z_LIMIT && (grade - profile.reading_grade.mean).abs() >= 3.0 {
                out.push(whole(
                    DriftKind::ReadingGrade,
                    format!(
                        "Reading grade {grade:.0} here; your posts read at grade {:.0}",
                        profile.reading_grade.mean
                    ),
                ));
            }
        }
        let c = &profile.contractions;
        let expected = c.per_100_words.mean * counts.words as f64 / 100.0;
        if counts.contractions == 0 && c.posts_using * 5 >= posts * 4 && expected >= 3.0 {
            out.push(whole(
                DriftKind::Contractions,
                format!(
                    "No contractions in {} words; you use them in {} of {} posts",
                    counts.words, c.posts_using, posts
                ),
            ));
        } else if c.posts_using * 5 <= posts && counts.contractions >= 3 {
            let rate = counts.per_100_words(counts.contractions);
            if z(
                rate,
                c.per_100_words,
                100.0 * c.per_100_words.mean.max(0.05) / counts.words as f64,
            ) > Z_LIMIT
            {
                out.push(whole(
                    DriftKind::Contractions,
                    format!(
                        "{} contractions here; you use them in {} of {} posts",
                        counts.contractions, c.posts_using, posts
                    ),
                ));
            }
        }
        for (label, count, spread) in [
            ("I", counts.first_person_singular, profile.person.i),
            ("we", counts.first_person_plural, profile.person.we),
            ("you", counts.second_person, profile.person.you),
        ] {
            let rate = counts.per_100_words(count);
            let sampling = 100.0 * spread.mean.max(0.05) / counts.words as f64;
            let zp = z(rate, spread, sampling);
            if zp > Z_LIMIT && count >= 5 && rate >= 3.0 * spread.mean.max(0.1) {
                out.push(whole(
                    DriftKind::Person,
                    format!(
                        "“{label}” {rate:.1} times per 100 words here; your posts use it {:.1} times",
                        spread.mean
                    ),
                ));
            }
        }
        for (kind, label, count, spread) in [
            (
                DriftKind::Exclamations,
                "exclamation marks",
                counts.exclamations,
                profile.habits.exclamations,
            ),
            (
                DriftKind::EmDashes,
                "em dashes",
                counts.em_dashes,
                profile.habits.em_dashes,
            ),
        ] {
            let rate = counts.per_100_sentences(count);
            let sampling = 100.0 * spread.mean.max(0.5) / sentences as f64;
            if count >= 5
                && z(rate, spread, sampling) > Z_LIMIT
                && rate >= 4.0 * spread.mean.max(1.0)
            {
                out.push(whole(
                    kind,
                    format!(
                        "{count} {label} here ({rate:.0} per 100 sentences); your posts have {:.0} per 100",
                        spread.mean
                    ),
                ));
            }
        }
    }
    // Paragraphs: sentence length, where the whole document did not drift.
    if !document_length_drift {
        let s = &profile.sentences;
        for (index, block) in document.blocks.iter().enumerate() {
            if !stats::counts_as_prose(block) || block.words.len() < 60 {
                continue;
            }
            let lengths: Vec<usize> = (0..block.sentences.len())
                .map(|i| block.sentence_words(i).len())
                .filter(|&n| n > 0)
                .collect();
            if lengths.len() < 3 {
                continue;
            }
            let Some(m) = mean_usize(&lengths) else {
                continue;
            };
            let spread = Spread {
                mean: s.mean,
                sd: s.post_sd,
            };
            let zs = z(m, spread, s.sd * s.sd / lengths.len() as f64);
            if zs > Z_LIMIT + 0.5 && m >= 1.8 * s.mean {
                out.push(Drift {
                    kind: DriftKind::ParagraphSentenceLength,
                    message: format!(
                        "Sentences in this paragraph average {m:.0} words; your posts average {:.0}",
                        s.mean
                    ),
                    block: index,
                    prose: 0..block.text().len(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
