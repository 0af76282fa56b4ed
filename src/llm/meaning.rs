//! Does a rewrite keep the meaning and the voice of the writer's text?
//!
//! The guard's fact check ([`super::guard::facts_kept`]) keeps numbers, names
//! and links; this module keeps everything else a careful editor keeps when
//! cutting words. It aligns the candidate with the original sentence by
//! sentence (a candidate sentence may merge neighbouring originals) and
//! compares, per aligned group:
//!
//! - **content words** (lemmas of the words that are not function words):
//!   a Tighten may drop what the concise and hedge tables call removable
//!   (the words of a table phrase found in the original), fillers and
//!   repeated words, and may add what those tables offer instead, or a plain
//!   synonym from a short list; anything else dropped or added is a change
//!   of content. An original sentence with nothing aligned to it is a dropped
//!   sentence.
//! - **scope words**, in classes: negation, possibility, necessity, advice,
//!   ability, guarantee, attitude (hope, plan, think), universal and partial
//!   quantifiers, "only", comparisons (more than, up to, than), approximation,
//!   condition, cause and contrast. A class present on one side and absent
//!   on the other changes what the sentence promises.
//!
//! and, for the whole paragraph, the writer's voice: grammatical person
//! (none added), contractions (neither expanded nor introduced), spelling
//! variety (British or American), emoji (all kept, none added), exclamation
//! marks and intensifiers (none added).
//!
//! Everything here is deterministic, cheap (one pass over each text plus a
//! small dynamic programme over sentences) and explainable: a rejection names
//! the words and the sentence.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::fmt;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::document::segment;
use crate::finding::quote;
use crate::guide::{Guide, GuideFile, TermEntry};

/// Why a rewrite does not keep the meaning or the voice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeaningChange {
    DroppedSentence {
        sentence: String,
    },
    DroppedWords {
        words: Vec<String>,
        sentence: String,
    },
    AddedWords {
        words: Vec<String>,
    },
    ReplacedWords {
        dropped: Vec<String>,
        added: Vec<String>,
    },
    DroppedScope {
        class: ScopeClass,
        word: String,
        sentence: String,
    },
    AddedScope {
        class: ScopeClass,
        word: String,
    },
    AddedPerson {
        word: String,
    },
    ExpandedContraction {
        contraction: String,
    },
    AddedContraction {
        contraction: String,
    },
    ChangedSpelling {
        original: String,
        candidate: String,
    },
    DroppedEmoji {
        emoji: String,
    },
    AddedEmoji {
        emoji: String,
    },
    AddedExclamation,
    AddedIntensifier {
        word: String,
    },
    BridgeConnectsNothing,
    BridgeJudges {
        word: String,
    },
}

impl fmt::Display for MeaningChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MeaningChange::DroppedSentence { sentence } => {
                write!(f, "the rewrite drops the sentence {}", quote(&excerpt(sentence)))
            }
            MeaningChange::DroppedWords { words, sentence } => write!(
                f,
                "the rewrite drops {} from the sentence {}",
                quoted_list(words),
                quote(&excerpt(sentence))
            ),
            MeaningChange::AddedWords { words } => write!(
                f,
                "the rewrite adds {}, which the original does not say",
                quoted_list(words)
            ),
            MeaningChange::ReplacedWords { dropped, added } => write!(
                f,
                "the rewrite replaces {} with {}",
                quoted_list(dropped),
                quoted_list(added)
            ),
            MeaningChange::DroppedScope {
                class,
                word,
                sentence,
            } => write!(
                f,
                "the rewrite drops the {class} {} from the sentence {}",
                quote(word),
                quote(&excerpt(sentence))
            ),
            MeaningChange::AddedScope { class, word } => {
                write!(f, "the rewrite adds the {class} {}", quote(word))
            }
            MeaningChange::AddedPerson { word } => write!(
                f,
                "the rewrite changes who is speaking or addressed: it adds {}",
                quote(word)
            ),
            MeaningChange::ExpandedContraction { contraction } => write!(
                f,
                "the rewrite expands the contraction {}; keep the writer's contractions",
                quote(contraction)
            ),
            MeaningChange::AddedContraction { contraction } => write!(
                f,
                "the rewrite adds the contraction {}, which the writer does not use",
                quote(contraction)
            ),
            MeaningChange::ChangedSpelling {
                original,
                candidate,
            } => write!(
                f,
                "the rewrite changes the spelling {} to {}",
                quote(original),
                quote(candidate)
            ),
            MeaningChange::DroppedEmoji { emoji } => {
                write!(f, "the rewrite drops the emoji {emoji}")
            }
            MeaningChange::AddedEmoji { emoji } => write!(f, "the rewrite adds the emoji {emoji}"),
            MeaningChange::AddedExclamation => {
                f.write_str("the rewrite adds an exclamation mark")
            }
            MeaningChange::AddedIntensifier { word } => {
                write!(f, "the rewrite adds the intensifier {}", quote(word))
            }
            MeaningChange::BridgeConnectsNothing => f.write_str(
                "the transition connects nothing: it shares no words with one of the paragraphs and names no relation (but, so, then…)",
            ),
            MeaningChange::BridgeJudges { word } => write!(
                f,
                "the transition adds the judgement {}, which neither paragraph makes",
                quote(word)
            ),
        }
    }
}

fn quoted_list(words: &[String]) -> String {
    words
        .iter()
        .map(|w| quote(w))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The first words of a sentence, for a message.
fn excerpt(sentence: &str) -> String {
    let sentence = sentence.trim();
    let mut out = String::new();
    for (count, word) in sentence.split_whitespace().enumerate() {
        if count == 10 {
            out.push('…');
            return out;
        }
        if count > 0 {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Words that change what a sentence promises, in classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ScopeClass {
    Negation,
    Possibility,
    Necessity,
    Advice,
    Ability,
    Guarantee,
    Attitude,
    Universal,
    Partial,
    Only,
    More,
    Less,
    Comparison,
    Approximation,
    Condition,
    Cause,
    Contrast,
}

impl fmt::Display for ScopeClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ScopeClass::Negation => "negation",
            ScopeClass::Possibility => "possibility",
            ScopeClass::Necessity => "obligation",
            ScopeClass::Advice => "advice",
            ScopeClass::Ability => "ability",
            ScopeClass::Guarantee => "guarantee",
            ScopeClass::Attitude => "hedge of intent or belief",
            ScopeClass::Universal => "quantifier",
            ScopeClass::Partial => "quantifier",
            ScopeClass::Only => "limit",
            ScopeClass::More => "lower bound",
            ScopeClass::Less => "upper bound",
            ScopeClass::Comparison => "comparison",
            ScopeClass::Approximation => "approximation",
            ScopeClass::Condition => "condition",
            ScopeClass::Cause => "reason",
            ScopeClass::Contrast => "contrast",
        })
    }
}

/// One word of a text: its lowercased form, its lemma and where it stands.
#[derive(Debug, Clone)]
struct Token {
    /// As written (for messages and spelling).
    text: String,
    lower: String,
    lemma: String,
    sentence: usize,
    /// Inside a table phrase found in the original (removable).
    removable: bool,
    /// In the candidate, what a table offered instead of a phrase of the
    /// original: its scope words are the phrase's.
    replacement: bool,
}

/// What the tables allow a Tighten to cut and to say instead.
pub struct Lexicon {
    /// Table phrases as lowercase word sequences, with the words they may be
    /// replaced by.
    phrases: Vec<(Vec<String>, Vec<String>)>,
}

impl Lexicon {
    /// The concise tables and hedges of a guide.
    pub fn from_guide(config: &GuideFile) -> Lexicon {
        let mut phrases = Vec::new();
        let tables: [&[TermEntry]; 6] = [
            config.concise.table("wordy"),
            config.concise.table("redundancy"),
            config.concise.table("filler"),
            config.concise.table("throat_clearing"),
            config.concise.table("nominalization"),
            config.voice.table("hedges"),
        ];
        for table in tables {
            for entry in table {
                let replacements: Vec<String> = entry
                    .replace_with
                    .as_slice()
                    .iter()
                    .flat_map(|r| words_lower(r))
                    .collect();
                for find in entry.find.as_slice() {
                    let words = words_lower(find);
                    if !words.is_empty() {
                        phrases.push((words, replacements.clone()));
                    }
                }
            }
        }
        for phrase in &TABLE.phrases {
            phrases.push((words_lower(&phrase.find), words_lower(&phrase.replace)));
        }
        // Longest first, so "a large number of" wins over "number of".
        phrases.sort_by_key(|(words, _)| std::cmp::Reverse(words.len()));
        Lexicon { phrases }
    }
}

/// The built-in guide's tables.
pub static BUILTIN_LEXICON: LazyLock<Lexicon> =
    LazyLock::new(|| Lexicon::from_guide(&Guide::builtin().config));

/// Function words: they carry grammar, not content, and are not compared.
const FUNCTION_WORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "this",
    "that",
    "these",
    "those",
    "there",
    "here",
    "it",
    "its",
    "it's",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "am",
    "have",
    "has",
    "had",
    "having",
    "do",
    "does",
    "did",
    "doing",
    "of",
    "in",
    "on",
    "at",
    "by",
    "for",
    "with",
    "from",
    "to",
    "into",
    "onto",
    "upon",
    "out",
    "up",
    "off",
    "as",
    "and",
    "or",
    "then",
    "which",
    "who",
    "whom",
    "whose",
    "what",
    "where",
    "when",
    "how",
    "why",
    "he",
    "him",
    "his",
    "she",
    "her",
    "hers",
    "they",
    "them",
    "their",
    "theirs",
    "themselves",
    "himself",
    "herself",
    "itself",
    "one",
    "ones",
    "also",
    "now",
    "just",
    "really",
    "very",
    "too",
    "quite",
    "actually",
    "basically",
    "simply",
    "currently",
    "completely",
    "totally",
    "absolutely",
    "literally",
    "truly",
    "honestly",
    "clearly",
    "rather",
    "fairly",
    "pretty",
    "even",
    "ever",
    "new",
    "brand",
    "please",
    "let",
    "lets",
    "let's",
    "get",
    "got",
    "make",
    "made",
    "take",
    "took",
    "go",
    "going",
    "goes",
    "went",
    "come",
    "comes",
    "came",
    "give",
    "giving",
    "gives",
    "gave",
    "put",
    "way",
    "thing",
    "things",
    "something",
    "anything",
    "any",
    "own",
    "same",
    "such",
    "other",
    "another",
    "either",
    "again",
    "further",
    "during",
    "before",
    "after",
    "until",
    "till",
    "between",
    "through",
    "across",
    "along",
    "among",
    "per",
    "via",
    "like",
    "well",
    "back",
    "still",
    "yet",
    "already",
    "soon",
    "later",
    "finally",
    "first",
    "next",
    "last",
    "single",
    "fact",
    "note",
    "sure",
    "certain",
    "case",
    "event",
    "terms",
    "point",
    "time",
    "order",
    "course",
    "period",
    "total",
    "whatsoever",
    "i",
    "me",
    "my",
    "mine",
    "myself",
    "we",
    "us",
    "our",
    "ours",
    "ourselves",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "i'm",
    "i've",
    "i'd",
    "i'll",
    "we're",
    "we've",
    "we'd",
    "we'll",
    "you're",
    "you've",
    "you'd",
    "you'll",
    "they're",
    "they've",
    "they'll",
    "that's",
    "there's",
    "here's",
    "what's",
    "will",
    "would",
    "shall",
    "'s",
    "s",
    "dear",
];

static FUNCTION_SET: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| FUNCTION_WORDS.iter().copied().collect());

/// `meaning.toml`: stock phrases and synonyms beyond the guide's tables.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Table {
    phrases: Vec<TablePhrase>,
    synonyms: Vec<(String, String)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TablePhrase {
    find: String,
    #[serde(rename = "use")]
    replace: String,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    toml::from_str(include_str!("meaning.toml")).expect("the built-in meaning table is valid")
});

static SYNONYM_MAP: LazyLock<HashMap<&'static str, Vec<&'static str>>> = LazyLock::new(|| {
    let mut map: HashMap<&str, Vec<&str>> = HashMap::new();
    for (a, b) in &TABLE.synonyms {
        map.entry(a.as_str()).or_default().push(b.as_str());
        map.entry(b.as_str()).or_default().push(a.as_str());
    }
    map
});

/// Empty nouns and light verbs that editors cut ("this effort", "the
/// question of", "conducting interviews"): dropping one costs half.
const LIGHT_WORDS: &[&str] = &[
    "effort",
    "place",
    "question",
    "matter",
    "regard",
    "kind",
    "sort",
    "type",
    "process",
    "level",
    "area",
    "aspect",
    "basis",
    "manner",
    "nature",
    "situation",
    "instance",
    "purpose",
    "conduct",
    "perform",
    "carry",
    "undertak",
    "provid",
    "start",
    "begin",
    "intend",
    "happen",
    "step",
];

/// Intensifiers a Tighten must not add.
const INTENSIFIERS: &[&str] = &[
    "incredibly",
    "amazing",
    "amazingly",
    "awesome",
    "absolutely",
    "extremely",
    "hugely",
    "super",
    "fantastic",
    "totally",
    "truly",
    "massive",
    "massively",
    "tremendous",
    "tremendously",
    "very",
    "really",
    "huge",
    "outstanding",
    "exceptional",
    "exceptionally",
    "remarkable",
    "remarkably",
    "unbelievable",
    "insanely",
    "crucial",
    "vital",
    "critical",
    "thrilled",
    "proud",
];

/// Words of each scope class (lowercase). Multi-word entries match a run of
/// words. `@N` entries count only before a number within two words.
const SCOPE_WORDS: &[(ScopeClass, &[&str])] = &[
    (
        ScopeClass::Negation,
        &[
            "not", "no", "never", "none", "nothing", "nobody", "nowhere", "neither", "nor",
            "without", "cannot", "unable", "hardly", "barely", "nor",
        ],
    ),
    (
        ScopeClass::Possibility,
        &[
            "may",
            "might",
            "could",
            "possible",
            "possibly",
            "perhaps",
            "maybe",
            "likely",
            "probably",
            "potentially",
            "unlikely",
        ],
    ),
    (
        ScopeClass::Necessity,
        &[
            "must",
            "required",
            "require",
            "requires",
            "mandatory",
            "need to",
            "needs to",
            "have to",
            "has to",
            "obliged",
            "expected",
        ],
    ),
    (
        ScopeClass::Advice,
        &["should", "recommend", "recommended", "advise", "ought"],
    ),
    (
        ScopeClass::Ability,
        &[
            "can", "cannot", "unable", "able", "allow", "allows", "allowed", "enable", "enables",
            "let", "lets",
        ],
    ),
    (
        ScopeClass::Guarantee,
        &[
            "guarantee",
            "guaranteed",
            "guarantees",
            "promise",
            "promises",
            "ensure",
            "ensures",
            "certainly",
            "definitely",
            "always",
        ],
    ),
    (
        ScopeClass::Attitude,
        &[
            "think",
            "believe",
            "hope",
            "hoping",
            "hopes",
            "plan",
            "planning",
            "plans",
            "planned",
            "expect",
            "aim",
            "aims",
            "intend",
            "intends",
            "designed",
            "goal",
            "seems",
            "seem",
            "appears",
            "suspect",
            "suspected",
            "tend",
            "tends",
            "opinion",
            "want",
            "wants",
            "would like",
            "love",
            "wish",
        ],
    ),
    (
        ScopeClass::Universal,
        &[
            "all",
            "every",
            "each",
            "everyone",
            "everybody",
            "everything",
            "always",
        ],
    ),
    (
        ScopeClass::Partial,
        &[
            "some",
            "several",
            "many",
            "most",
            "majority",
            "few",
            "a few",
            "number of",
            "lot of",
            "lots of",
            "numerous",
            "various",
            "part of",
            "partial",
            "much of",
        ],
    ),
    (
        ScopeClass::Only,
        &["only", "solely", "exclusively", "merely"],
    ),
    (
        ScopeClass::More,
        &[
            "more than",
            "over@N",
            "above@N",
            "at least",
            "exceed",
            "exceeds",
            "greater than",
            "upwards of",
            "in excess of",
        ],
    ),
    (
        ScopeClass::Less,
        &[
            "less than",
            "fewer than",
            "under@N",
            "below@N",
            "up to",
            "at most",
            "no more than",
            "no longer than",
            "within",
            "maximum",
        ],
    ),
    (ScopeClass::Comparison, &["than"]),
    (
        ScopeClass::Approximation,
        &[
            "about@N",
            "around@N",
            "roughly",
            "approximately",
            "nearly",
            "almost",
            "some@N",
            "circa",
            "or so",
        ],
    ),
    (
        ScopeClass::Condition,
        &[
            "if",
            "unless",
            "as long as",
            "provided that",
            "in the event that",
            "in case",
            "whether",
            "only if",
        ],
    ),
    (
        ScopeClass::Cause,
        &[
            "because",
            "due to",
            "as a result",
            "therefore",
            "thus",
            "hence",
            "for this reason",
            "that is why",
            "which is why",
            "owing to",
            ", so",
            "so that",
            "since",
        ],
    ),
    (
        ScopeClass::Contrast,
        &[
            "but",
            "however",
            "though",
            "although",
            "even though",
            "whereas",
            "nevertheless",
            "instead",
        ],
    ),
];

/// Compiled scope patterns: class, words, whether a number must follow.
static SCOPE_PATTERNS: LazyLock<Vec<(ScopeClass, Vec<String>, bool)>> = LazyLock::new(|| {
    let mut patterns = Vec::new();
    for (class, words) in SCOPE_WORDS {
        for entry in words.iter() {
            let (phrase, before_number) = match entry.strip_suffix("@N") {
                Some(phrase) => (phrase, true),
                None => (*entry, false),
            };
            let phrase_words: Vec<String> = if let Some(rest) = phrase.strip_prefix(", ") {
                vec![",".to_owned(), rest.to_owned()]
            } else {
                phrase.split(' ').map(str::to_owned).collect()
            };
            patterns.push((*class, phrase_words, before_number));
        }
    }
    patterns.sort_by_key(|(_, words, _)| std::cmp::Reverse(words.len()));
    patterns
});

/// The lowercase words of a phrase.
fn words_lower(text: &str) -> Vec<String> {
    tokenize(text)
        .into_iter()
        .map(|(w, _)| w.to_lowercase())
        .collect()
}

/// Words (letters, digits, inner apostrophes and hyphens) and, as their own
/// tokens, commas; with their byte offsets.
fn tokenize(text: &str) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (index, &(offset, c)) in chars.iter().enumerate() {
        let next_is_alnum = chars
            .get(index + 1)
            .is_some_and(|(_, n)| n.is_alphanumeric());
        let joins = matches!(c, '\'' | '’' | '-' | '.' | ',' | ':' | '/')
            && !current.is_empty()
            && next_is_alnum
            && (c != '.' && c != ',' && c != ':' && c != '/'
                || current
                    .chars()
                    .all(|ch| ch.is_ascii_digit() || ".,:/".contains(ch)));
        if c.is_alphanumeric() || joins {
            if current.is_empty() {
                start = offset;
            }
            current.push(if c == '’' { '\'' } else { c });
        } else {
            if !current.is_empty() {
                out.push((std::mem::take(&mut current), start));
            }
            if c == ',' {
                out.push((",".to_owned(), offset));
            }
        }
    }
    if !current.is_empty() {
        out.push((current, start));
    }
    out
}

/// A crude, deterministic stem: enough to match "decided"/"decide",
/// "planning"/"plan", "customers"/"customer", "launched"/"launch".
fn lemma(word: &str) -> String {
    let mut w = word.to_lowercase();
    for suffix in ["'s", "'"] {
        if let Some(stripped) = w.strip_suffix(suffix) {
            w = stripped.to_owned();
        }
    }
    if w.chars().any(|c| c.is_ascii_digit()) {
        return w;
    }
    if let Some((_, base)) = IRREGULAR.iter().find(|(form, _)| *form == w) {
        return lemma_regular((*base).to_owned());
    }
    lemma_regular(w)
}

/// Irregular verb forms, to their base form.
const IRREGULAR: &[(&str, &str)] = &[
    ("built", "build"),
    ("rebuilt", "rebuild"),
    ("found", "find"),
    ("made", "make"),
    ("took", "take"),
    ("taken", "take"),
    ("gave", "give"),
    ("given", "give"),
    ("went", "go"),
    ("gone", "go"),
    ("wrote", "write"),
    ("written", "write"),
    ("sent", "send"),
    ("spent", "spend"),
    ("began", "begin"),
    ("begun", "begin"),
    ("brought", "bring"),
    ("bought", "buy"),
    ("thought", "think"),
    ("told", "tell"),
    ("held", "hold"),
    ("kept", "keep"),
    ("left", "leave"),
    ("met", "meet"),
    ("paid", "pay"),
    ("ran", "run"),
    ("saw", "see"),
    ("seen", "see"),
    ("sold", "sell"),
    ("grew", "grow"),
    ("grown", "grow"),
    ("knew", "know"),
    ("known", "know"),
    ("chose", "choose"),
    ("chosen", "choose"),
    ("led", "lead"),
    ("lost", "lose"),
    ("felt", "feel"),
    ("shown", "show"),
    ("done", "do"),
    ("spoke", "speak"),
    ("spoken", "speak"),
    ("drove", "drive"),
    ("driven", "drive"),
    ("fell", "fall"),
    ("fallen", "fall"),
    ("broke", "break"),
    ("broken", "break"),
    ("won", "win"),
    ("understood", "understand"),
    ("became", "become"),
    ("ate", "eat"),
    ("eaten", "eat"),
    ("forgot", "forget"),
    ("forgotten", "forget"),
    ("hid", "hide"),
    ("hidden", "hide"),
    ("rose", "rise"),
    ("risen", "rise"),
    ("taught", "teach"),
    ("caught", "catch"),
    ("fought", "fight"),
    ("sought", "seek"),
    ("stood", "stand"),
    ("struck", "strike"),
    ("swore", "swear"),
    ("wore", "wear"),
    ("worn", "wear"),
];

fn lemma_regular(mut w: String) -> String {
    let n = w.chars().count();
    let strip = |w: &str, suffix: &str, min: usize| -> Option<String> {
        (w.len() >= suffix.len() + min && w.ends_with(suffix))
            .then(|| w[..w.len() - suffix.len()].to_owned())
    };
    if n > 4 {
        if let Some(s) = strip(&w, "ies", 2).or_else(|| strip(&w, "ied", 2)) {
            w = format!("{s}y");
        } else if let Some(s) = strip(&w, "ing", 3) {
            w = undouble(&s);
        } else if let Some(s) = strip(&w, "ed", 3) {
            w = undouble(&s);
        } else if let Some(s) = strip(&w, "ly", 3) {
            w = s;
        } else if let Some(s) = ["ches", "shes", "sses", "xes"].iter().find_map(|suffix| {
            strip(&w, suffix, 1).map(|s| format!("{s}{}", &suffix[..suffix.len() - 2]))
        }) {
            w = s;
        } else if !w.ends_with("ss")
            && !w.ends_with("us")
            && !w.ends_with("is")
            && let Some(s) = strip(&w, "s", 3)
        {
            w = s;
        }
    } else if n > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") {
        w.pop();
    }
    if w.len() >= 4 && w.ends_with('e') && !w.ends_with("ee") {
        w.pop();
    }
    w
}

fn undouble(stem: &str) -> String {
    let bytes = stem.as_bytes();
    let n = bytes.len();
    if n >= 2
        && bytes[n - 1] == bytes[n - 2]
        && !matches!(bytes[n - 1], b'l' | b's' | b'z' | b'e' | b'o')
        && bytes[n - 1].is_ascii_alphabetic()
    {
        stem[..n - 1].to_owned()
    } else {
        stem.to_owned()
    }
}

/// A text split into sentences and tokens.
struct Analysis {
    sentences: Vec<String>,
    tokens: Vec<Token>,
    /// Scope classes per sentence, with the word that made each: outside
    /// removable phrases only, and anywhere.
    scopes: Vec<Vec<(ScopeClass, String)>>,
    all_scopes: Vec<Vec<(ScopeClass, String)>>,
}

/// Which table phrases of a lexicon a text holds.
fn matched_phrases<'a>(
    tokens: &[Token],
    lexicon: &'a Lexicon,
) -> Vec<&'a (Vec<String>, Vec<String>)> {
    let lowers: Vec<&str> = tokens.iter().map(|t| t.lower.as_str()).collect();
    lexicon
        .phrases
        .iter()
        .filter(|(phrase, _)| contains_run(&lowers, phrase))
        .collect()
}

fn contains_run(words: &[&str], run: &[String]) -> bool {
    !run.is_empty()
        && run.len() <= words.len()
        && words
            .windows(run.len())
            .any(|window| window.iter().zip(run).all(|(a, b)| *a == b))
}

fn analyse(
    text: &str,
    removable_runs: &[&[String]],
    replacements: &[(&[String], usize)],
) -> Analysis {
    let mut analysis = Analysis::split(text);
    analysis.mark(removable_runs, replacements);
    analysis
}

impl Analysis {
    /// Sentences and tokens, nothing marked and no scopes yet.
    fn split(text: &str) -> Analysis {
        let sentence_ranges = segment::sentences(text);
        let sentence_ranges = if sentence_ranges.is_empty() {
            std::iter::once(0..text.len()).collect()
        } else {
            sentence_ranges
        };
        let mut sentences = Vec::new();
        let mut tokens = Vec::new();
        for (index, range) in sentence_ranges.iter().enumerate() {
            let sentence = &text[range.clone()];
            sentences.push(sentence.to_owned());
            for (word, _) in tokenize(sentence) {
                let lower = word.to_lowercase();
                tokens.push(Token {
                    lemma: lemma(&lower),
                    text: word,
                    lower,
                    sentence: index,
                    removable: false,
                    replacement: false,
                });
            }
        }
        Analysis {
            sentences,
            tokens,
            scopes: Vec::new(),
            all_scopes: Vec::new(),
        }
    }

    /// Mark the removable runs and the tables' replacements, then find the
    /// scope words of each sentence.
    fn mark(&mut self, removable_runs: &[&[String]], replacements: &[(&[String], usize)]) {
        mark_runs(&mut self.tokens, removable_runs);
        mark_replacements(&mut self.tokens, replacements);
        let tokens = &self.tokens;
        let scopes_where = |keep_removable: bool| -> Vec<Vec<(ScopeClass, String)>> {
            (0..self.sentences.len())
                .map(|index| {
                    // Left-out words stay as gaps, so their neighbours do not
                    // join into a phrase ("have [decided] to" is not "have to").
                    let words: Vec<Option<&Token>> = tokens
                        .iter()
                        .filter(|t| t.sentence == index)
                        .map(|t| (!t.replacement && (keep_removable || !t.removable)).then_some(t))
                        .collect();
                    scopes_of(&words)
                })
                .collect()
        };
        self.scopes = scopes_where(false);
        self.all_scopes = scopes_where(true);
    }
}

/// Mark the first `count` occurrences of each replacement run.
fn mark_replacements(tokens: &mut [Token], replacements: &[(&[String], usize)]) {
    for (run, count) in replacements {
        let mut left = *count;
        let mut start = 0;
        while left > 0 && !run.is_empty() && start + run.len() <= tokens.len() {
            if tokens[start..start + run.len()]
                .iter()
                .zip(run.iter())
                .all(|(t, w)| t.lower == *w && !t.replacement)
            {
                for token in &mut tokens[start..start + run.len()] {
                    token.replacement = true;
                }
                left -= 1;
                start += run.len();
            } else {
                start += 1;
            }
        }
    }
}

/// Mark every occurrence of each run of words as removable.
fn mark_runs(tokens: &mut [Token], runs: &[&[String]]) {
    let lowers: Vec<String> = tokens.iter().map(|t| t.lower.clone()).collect();
    for run in runs {
        if run.is_empty() || run.len() > lowers.len() {
            continue;
        }
        for start in 0..=lowers.len() - run.len() {
            if lowers[start..start + run.len()] == run[..] {
                for token in &mut tokens[start..start + run.len()] {
                    token.removable = true;
                }
            }
        }
    }
}

fn scopes_of(words: &[Option<&Token>]) -> Vec<(ScopeClass, String)> {
    // Fillers do not break a phrase: "would really like" is "would like".
    let lowers: Vec<&str> = words
        .iter()
        .map(|t| t.map_or("\u{0}", |t| t.lower.as_str()))
        .filter(|w| {
            !matches!(
                *w,
                "really" | "very" | "just" | "actually" | "basically" | "truly"
            )
        })
        .collect();
    let mut used = vec![false; lowers.len()];
    let mut found = Vec::new();
    for (class, phrase, before_number) in SCOPE_PATTERNS.iter() {
        if phrase.len() > lowers.len() {
            continue;
        }
        for start in 0..=lowers.len() - phrase.len() {
            let end = start + phrase.len();
            let matches = lowers[start..end]
                .iter()
                .zip(phrase)
                .all(|(a, b)| *a == b || (b == "not" && a.ends_with("n't")));
            if !matches {
                continue;
            }
            // Several classes may share a word ("cannot": negation and
            // ability); but one pattern's words are not reused by a
            // shorter pattern of the same class.
            if used[start..end].iter().all(|u| *u)
                && found.iter().any(|(c, _): &(ScopeClass, String)| c == class)
            {
                continue;
            }
            if *before_number
                && !lowers[end..lowers.len().min(end + 2)]
                    .iter()
                    .any(|w| w.starts_with(|c: char| c.is_ascii_digit() || "$€£".contains(c)))
            {
                continue;
            }
            // "the most frequently", "at most": not a quantifier.
            if phrase.len() == 1
                && phrase[0] == "most"
                && (start > 0 && matches!(lowers[start - 1], "the" | "at")
                    || lowers.get(end).is_some_and(|next| next.ends_with("ly")))
            {
                continue;
            }
            // "a few" is partial; a bare "few" is close to a negation.
            if phrase.len() == 1 && phrase[0] == "few" && start > 0 && lowers[start - 1] == "a" {
                continue;
            }
            used[start..end].iter_mut().for_each(|u| *u = true);
            found.push((*class, phrase.join(" ").replace(" ,", ",")));
        }
    }
    // "n't" contractions are negations too.
    for word in &lowers {
        if word.ends_with("n't") && !found.iter().any(|(c, _)| *c == ScopeClass::Negation) {
            found.push((ScopeClass::Negation, (*word).to_owned()));
        }
        if matches!(*word, "can't" | "couldn't" | "won't") {
            found.push((ScopeClass::Ability, (*word).to_owned()));
        }
    }
    found.sort();
    found.dedup_by(|a, b| a.0 == b.0);
    found
}

fn is_content(token: &Token) -> bool {
    token.lower != ","
        && !token.removable
        && !FUNCTION_SET.contains(token.lower.as_str())
        && !is_scope_word(&token.lower)
        && !token
            .lower
            .chars()
            .all(|c| c.is_ascii_digit() || ".,:/%$€£".contains(c))
}

fn is_scope_word(word: &str) -> bool {
    static SCOPE_SINGLE: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
        SCOPE_WORDS
            .iter()
            .flat_map(|(_, words)| words.iter())
            .flat_map(|w| w.trim_end_matches("@N").split(' '))
            .filter(|w| !w.is_empty() && *w != ",")
            .collect()
    });
    SCOPE_SINGLE.contains(word) || word.ends_with("n't")
}

/// Monotone alignment of original sentences to candidate sentences: each
/// original sentence goes to one candidate sentence or to none (dropped);
/// the mapping never goes backwards, so merges are allowed and reorders
/// within a merged sentence too. Maximises shared content lemmas.
fn align(original: &Analysis, candidate: &Analysis) -> Vec<Option<usize>> {
    let n = original.sentences.len();
    let m = candidate.sentences.len();
    // Content words weigh 2, the words of stock phrases 1.
    let lemmas = |analysis: &Analysis, index: usize| -> BTreeSet<(String, i64)> {
        analysis
            .tokens
            .iter()
            .filter(|t| t.sentence == index)
            .filter(|t| t.lower != "," && !FUNCTION_SET.contains(t.lower.as_str()))
            .map(|t| (t.lemma.clone(), if is_content(t) { 2 } else { 1 }))
            .collect()
    };
    let original_sets: Vec<_> = (0..n).map(|i| lemmas(original, i)).collect();
    let candidate_sets: Vec<_> = (0..m).map(|j| lemmas(candidate, j)).collect();
    let score = |i: usize, j: usize| -> i64 {
        original_sets[i]
            .iter()
            .filter(|(lemma, _)| candidate_sets[j].iter().any(|(l, _)| l == lemma))
            .map(|(_, weight)| weight)
            .sum()
    };
    // best[i][j]: best total for originals 0..i, with original i-1 mapped to
    // a candidate index <= j-1 (or dropped). Small n and m: O(n·m²).
    let mut best = vec![vec![0i64; m + 1]; n + 1];
    let mut choice = vec![vec![None; m + 1]; n + 1];
    for i in 1..=n {
        for j in 0..=m {
            // Dropped.
            let mut value = best[i - 1][j];
            let mut pick = None;
            for k in 0..j {
                let s = score(i - 1, k);
                if s > 0 && best[i - 1][k + 1] + s > value {
                    value = best[i - 1][k + 1] + s;
                    pick = Some(k);
                }
            }
            best[i][j] = value;
            choice[i][j] = pick;
        }
    }
    let mut mapping = vec![None; n];
    let mut j = m;
    for i in (1..=n).rev() {
        if let Some(k) = choice[i][j] {
            mapping[i - 1] = Some(k);
            j = k + 1;
        }
    }
    mapping
}

/// Check that `candidate` keeps the meaning and voice of `original`, as a
/// Tighten must. `lexicon` says what may be cut.
pub fn check_meaning(
    original: &str,
    candidate: &str,
    lexicon: &Lexicon,
) -> Result<(), MeaningChange> {
    // The original is split once; which stock phrases it holds decides
    // what is marked removable in it.
    let mut before = Analysis::split(original);
    let matched = matched_phrases(&before.tokens, lexicon);
    let finds: Vec<&[String]> = matched.iter().map(|(find, _)| find.as_slice()).collect();
    // In the candidate, the same stock phrases and what the tables offer
    // instead are removable too, so "due to the fact that" → "because" is
    // neither a dropped nor an added reason.
    let mut candidate_runs = finds.clone();
    candidate_runs.extend(
        matched
            .iter()
            .map(|(_, replacement)| replacement.as_slice())
            .filter(|r| !r.is_empty()),
    );
    let plain_lowers: Vec<&str> = before.tokens.iter().map(|t| t.lower.as_str()).collect();
    let replacements: Vec<(&[String], usize)> = matched
        .iter()
        .filter(|(_, replacement)| !replacement.is_empty())
        .map(|(find, replacement)| {
            let count = plain_lowers
                .windows(find.len())
                .filter(|w| w.iter().zip(find.iter()).all(|(a, b)| *a == b))
                .count();
            (replacement.as_slice(), count)
        })
        .collect();
    before.mark(&finds, &[]);
    let after = analyse(candidate, &candidate_runs, &replacements);
    // Scope words in a stock phrase may go with it ("it is possible that"),
    // and the tables' replacements carry their phrase's scope ("due to the
    // fact that" → "because"): the candidate's scopes count everywhere.
    let mapping = align(&before, &after);
    let allowed: HashSet<String> = matched
        .iter()
        .flat_map(|(_, replacement)| replacement.iter().map(|w| lemma(w)))
        .collect();
    let original_lemmas: HashSet<&str> = before.tokens.iter().map(|t| t.lemma.as_str()).collect();
    let candidate_lemmas: HashSet<&str> = after.tokens.iter().map(|t| t.lemma.as_str()).collect();
    let known_in = |lemmas: &HashSet<&str>, token: &Token| -> bool {
        lemmas.contains(token.lemma.as_str())
            || synonyms(&token.lemma).any(|s| lemmas.contains(s))
            || lemmas.iter().any(|o| shares_stem(o, &token.lemma))
    };

    // An original sentence with content and nothing aligned to it.
    for (index, sentence) in before.sentences.iter().enumerate() {
        let has_content = before
            .tokens
            .iter()
            .any(|t| t.sentence == index && is_content(t));
        if mapping[index].is_none() && has_content {
            return Err(MeaningChange::DroppedSentence {
                sentence: sentence.clone(),
            });
        }
    }

    // An original sentence aligned somewhere but with most of its content
    // gone is dropped too, just merged into a neighbour's place.
    for (index, sentence) in before.sentences.iter().enumerate() {
        let content: Vec<&Token> = before
            .tokens
            .iter()
            .filter(|t| t.sentence == index && is_content(t))
            .collect();
        let kept = content
            .iter()
            .filter(|t| known_in(&candidate_lemmas, t))
            .count();
        if content.len() >= 3 && kept * 2 < content.len() {
            return Err(MeaningChange::DroppedSentence {
                sentence: sentence.clone(),
            });
        }
    }

    for (index, _) in after.sentences.iter().enumerate() {
        let sources: Vec<usize> = (0..before.sentences.len())
            .filter(|i| mapping[*i] == Some(index))
            .collect();
        let group_original: Vec<&Token> = before
            .tokens
            .iter()
            .filter(|t| sources.contains(&t.sentence))
            .collect();
        let group_candidate: Vec<&Token> = after
            .tokens
            .iter()
            .filter(|t| t.sentence == index)
            .collect();
        let group_original_lemmas: HashSet<&str> =
            group_original.iter().map(|t| t.lemma.as_str()).collect();
        let group_candidate_lemmas: HashSet<&str> =
            group_candidate.iter().map(|t| t.lemma.as_str()).collect();

        // Words of the aligned originals missing here: a full point when
        // they are gone from the whole candidate, half when they moved to
        // another sentence.
        let mut dropped: Vec<String> = Vec::new();
        let mut gone: Vec<String> = Vec::new();
        let mut dropped_weight = 0.0;
        let mut content_count = 0;
        for token in group_original.iter().filter(|t| is_content(t)) {
            content_count += 1;
            if known_in(&group_candidate_lemmas, token) || dropped.contains(&token.text) {
                continue;
            }
            dropped.push(token.text.clone());
            if known_in(&candidate_lemmas, token) || LIGHT_WORDS.contains(&token.lemma.as_str()) {
                dropped_weight += 0.5;
            } else {
                dropped_weight += 1.0;
                gone.push(token.text.clone());
            }
        }
        // Words here that the aligned originals do not have.
        let mut added: Vec<String> = Vec::new();
        let mut added_weight = 0.0;
        for token in group_candidate.iter().filter(|t| is_content(t)) {
            if known_in(&group_original_lemmas, token)
                || allowed.contains(&token.lemma)
                || added.contains(&token.text)
            {
                continue;
            }
            if known_in(&original_lemmas, token) {
                added_weight += 0.5;
            } else {
                added.push(token.text.clone());
                added_weight += 1.0;
            }
        }
        if sources.is_empty() {
            if !added.is_empty() {
                return Err(MeaningChange::AddedWords { words: added });
            }
            continue;
        }
        if !added.is_empty() && !gone.is_empty() {
            return Err(MeaningChange::ReplacedWords {
                dropped: gone,
                added,
            });
        }
        if !added.is_empty() {
            return Err(MeaningChange::AddedWords { words: added });
        }
        if dropped_weight + added_weight > dropped_limit(content_count) {
            return Err(MeaningChange::DroppedWords {
                words: dropped,
                sentence: before.sentences[sources[0]].clone(),
            });
        }

        // Scope classes.
        let candidate_scopes = &after.all_scopes[index];
        for &source in &sources {
            for (class, word) in &before.scopes[source] {
                if !candidate_scopes.iter().any(|(c, _)| c == class) {
                    return Err(MeaningChange::DroppedScope {
                        class: *class,
                        word: word.clone(),
                        sentence: before.sentences[source].clone(),
                    });
                }
            }
        }
        for (class, word) in candidate_scopes {
            if !sources
                .iter()
                .any(|&s| before.all_scopes[s].iter().any(|(c, _)| c == class))
            {
                return Err(MeaningChange::AddedScope {
                    class: *class,
                    word: word.clone(),
                });
            }
        }
    }
    // What is said first, then how.
    check_voice(original, candidate, &before, &after)
}

/// How many content words a sentence may lose: a Tighten cuts words, but a
/// good one keeps nearly all that carry content.
fn dropped_limit(content_words: usize) -> f64 {
    (content_words + 1) as f64 / 7.0
}

fn synonyms(lemma: &str) -> impl Iterator<Item = &'static str> + '_ {
    SYNONYM_MAP
        .get(lemma)
        .into_iter()
        .flat_map(|list| list.iter().copied())
}

/// "reorganis" and "reorganiz", "launch" and "launched": the same word
/// written another way.
fn shares_stem(a: &str, b: &str) -> bool {
    let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    common >= 5 && common + 2 >= a.chars().count().max(b.chars().count())
}

/// Person, contractions, spelling, emoji, exclamation marks, intensifiers.
fn check_voice(
    original: &str,
    candidate: &str,
    before: &Analysis,
    after: &Analysis,
) -> Result<(), MeaningChange> {
    // Person: a rewrite may drop an "I" or "you" that only sat in a stock
    // phrase, but never brings in a speaker or an addressee.
    let persons = |analysis: &Analysis| -> BTreeSet<Person> {
        analysis
            .tokens
            .iter()
            .filter_map(|t| person(&t.lower))
            .collect()
    };
    let before_persons = persons(before);
    for (index, token) in after.tokens.iter().enumerate() {
        let thank_you = index > 0 && after.tokens[index - 1].lower == "thank";
        if let Some(p) = person(&token.lower)
            && !before_persons.contains(&p)
            && !thank_you
        {
            return Err(MeaningChange::AddedPerson {
                word: token.text.clone(),
            });
        }
    }

    // Contractions: kept as the writer has them.
    let before_contractions: Vec<&Token> = before
        .tokens
        .iter()
        .filter(|t| is_contraction(&t.lower))
        .collect();
    let after_lowers: Vec<&str> = after.tokens.iter().map(|t| t.lower.as_str()).collect();
    for token in &before_contractions {
        if let Some(expanded) = expand_contraction(&token.lower) {
            let expanded_words: Vec<&str> = expanded.split(' ').collect();
            let still_contracted = after_lowers.contains(&token.lower.as_str());
            let expanded_now = after_lowers
                .windows(expanded_words.len())
                .any(|w| w == expanded_words.as_slice());
            if expanded_now && !still_contracted {
                return Err(MeaningChange::ExpandedContraction {
                    contraction: token.text.clone(),
                });
            }
        }
    }
    if before_contractions.is_empty()
        && let Some(token) = after.tokens.iter().find(|t| is_contraction(&t.lower))
    {
        return Err(MeaningChange::AddedContraction {
            contraction: token.text.clone(),
        });
    }

    // Spelling variety: the candidate spells an original word the other way.
    let original_words: HashSet<&str> = before.tokens.iter().map(|t| t.lower.as_str()).collect();
    for token in &after.tokens {
        if original_words.contains(token.lower.as_str()) {
            continue;
        }
        for variant in spelling_variants(&token.lower) {
            if original_words.contains(variant.as_str()) {
                return Err(MeaningChange::ChangedSpelling {
                    original: variant,
                    candidate: token.text.clone(),
                });
            }
        }
    }

    // Emoji: all kept, none added.
    let emoji = |text: &str| -> Vec<String> {
        use unicode_segmentation::UnicodeSegmentation;
        text.graphemes(true)
            .filter(|g| g.chars().any(is_emoji))
            .map(str::to_owned)
            .collect()
    };
    let before_emoji = emoji(original);
    let after_emoji = emoji(candidate);
    for e in &before_emoji {
        if !after_emoji.contains(e) {
            return Err(MeaningChange::DroppedEmoji { emoji: e.clone() });
        }
    }
    for e in &after_emoji {
        if !before_emoji.contains(e) {
            return Err(MeaningChange::AddedEmoji { emoji: e.clone() });
        }
    }

    if candidate.matches('!').count() > original.matches('!').count() {
        return Err(MeaningChange::AddedExclamation);
    }
    for token in &after.tokens {
        if INTENSIFIERS.contains(&token.lower.as_str())
            && !original_words.contains(token.lower.as_str())
        {
            return Err(MeaningChange::AddedIntensifier {
                word: token.text.clone(),
            });
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Person {
    FirstSingular,
    FirstPlural,
    Second,
}

fn person(word: &str) -> Option<Person> {
    match word {
        "i" | "me" | "my" | "mine" | "myself" | "i'm" | "i've" | "i'd" | "i'll" => {
            Some(Person::FirstSingular)
        }
        "we" | "us" | "our" | "ours" | "ourselves" | "we're" | "we've" | "we'd" | "we'll"
        | "let's" => Some(Person::FirstPlural),
        "you" | "your" | "yours" | "yourself" | "yourselves" | "you're" | "you've" | "you'd"
        | "you'll" => Some(Person::Second),
        _ => None,
    }
}

fn is_contraction(word: &str) -> bool {
    expand_contraction(word).is_some()
}

fn expand_contraction(word: &str) -> Option<String> {
    let fixed = match word {
        "can't" => Some("cannot"),
        "won't" => Some("will not"),
        "shan't" => Some("shall not"),
        "let's" => Some("let us"),
        "i'm" => Some("i am"),
        _ => None,
    };
    if let Some(fixed) = fixed {
        return Some(fixed.to_owned());
    }
    for (suffix, full) in [
        ("n't", " not"),
        ("'re", " are"),
        ("'ve", " have"),
        ("'ll", " will"),
        ("'d", " would"),
    ] {
        if let Some(stem) = word.strip_suffix(suffix)
            && !stem.is_empty()
        {
            return Some(format!("{stem}{full}"));
        }
    }
    // "it's", "that's", "here's": "is" (never a possessive on these).
    if let Some(stem) = word.strip_suffix("'s")
        && matches!(
            stem,
            "it" | "that" | "there" | "here" | "what" | "who" | "he" | "she" | "where" | "how"
        )
    {
        return Some(format!("{stem} is"));
    }
    None
}

/// The other variety's spellings of a word (British ↔ American).
fn spelling_variants(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    let swaps: &[(&str, &str)] = &[
        ("isation", "ization"),
        ("ization", "isation"),
        ("ise", "ize"),
        ("ize", "ise"),
        ("ised", "ized"),
        ("ized", "ised"),
        ("ises", "izes"),
        ("izes", "ises"),
        ("ising", "izing"),
        ("izing", "ising"),
        ("yse", "yze"),
        ("yze", "yse"),
        ("our", "or"),
        ("or", "our"),
        ("ours", "ors"),
        ("ors", "ours"),
        ("tre", "ter"),
        ("ter", "tre"),
        ("tres", "ters"),
        ("lled", "led"),
        ("led", "lled"),
        ("lling", "ling"),
        ("ling", "lling"),
        ("ence", "ense"),
        ("ense", "ence"),
        ("ogue", "og"),
        ("og", "ogue"),
        ("amme", "am"),
        ("am", "amme"),
    ];
    for (from, to) in swaps {
        if let Some(stem) = word.strip_suffix(from)
            && stem.len() >= 3
        {
            out.push(format!("{stem}{to}"));
        }
    }
    // Inner "our": colours/colors, favourite/favorite, behaviour/behavior.
    if let Some(index) = word.find("our")
        && index >= 2
    {
        out.push(format!("{}or{}", &word[..index], &word[index + 3..]));
    }
    if let Some(index) = word.find("or")
        && index >= 2
        && !word[index..].starts_with("our")
    {
        out.push(format!("{}our{}", &word[..index], &word[index + 2..]));
    }
    out.retain(|v| v != word);
    out
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32,
        0x1F300..=0x1FAFF | 0x2600..=0x27BF | 0x1F000..=0x1F2FF | 0x2B00..=0x2BFF)
}

/// Words that state how two paragraphs relate: contrast, cause, sequence.
const RELATIONS: &[&str] = &[
    "but",
    "however",
    "though",
    "although",
    "yet",
    "still",
    "instead",
    "so",
    "therefore",
    "because",
    "thus",
    "hence",
    "then",
    "next",
    "once",
    "after",
    "afterwards",
    "before",
    "later",
    "meanwhile",
    "first",
    "finally",
    "since",
    "that's",
    "why",
    "result",
    "despite",
    "while",
    "whereas",
    "also",
    "too",
    "now",
    "today",
    "again",
];

/// Judgements a transition must not bring in.
const JUDGEMENTS: &[&str] = &[
    "disaster",
    "disastrous",
    "terrible",
    "awful",
    "horrible",
    "amazing",
    "best",
    "worst",
    "great",
    "greatest",
    "perfect",
    "incredible",
    "failure",
    "mess",
    "brilliant",
    "excellent",
    "outstanding",
    "revolutionary",
    "game-changing",
    "world-class",
    "leading",
    "unique",
    "fantastic",
    "superior",
    "inferior",
    "useless",
    "broken",
    "flawless",
    "stunning",
    // Feelings are claims about people too.
    "miss",
    "love",
    "hate",
    "enjoy",
    "regret",
    "worri",
    "fear",
    "proud",
    "happy",
    "sad",
    "excit",
    "frustrat",
    "angry",
    "thrill",
    "disappoint",
    "upset",
];

/// Check a Bridge option: it must connect the paragraphs (words from each,
/// or a word that names the relation) and bring in no claim (at most two
/// new content words, unless it asks a question; no judgement).
pub fn check_bridge_meaning(first: &str, second: &str, option: &str) -> Result<(), MeaningChange> {
    let first = analyse(first, &[], &[]);
    let second = analyse(second, &[], &[]);
    let option = analyse(option, &[], &[]);
    let meaningful = |t: &&Token| t.lower != "," && !FUNCTION_SET.contains(t.lower.as_str());
    let first_lemmas: HashSet<&str> = first.tokens.iter().map(|t| t.lemma.as_str()).collect();
    let second_lemmas: HashSet<&str> = second.tokens.iter().map(|t| t.lemma.as_str()).collect();
    let shares = |lemmas: &HashSet<&str>| {
        option
            .tokens
            .iter()
            .filter(meaningful)
            .any(|t| lemmas.contains(t.lemma.as_str()))
    };
    // "that pace", "those weekends": a demonstrative points back.
    let points_back = option.tokens.windows(2).any(|pair| {
        matches!(pair[0].lower.as_str(), "that" | "this" | "those" | "these")
            && is_content(&pair[1])
    });
    let names_relation = points_back
        || option
            .tokens
            .iter()
            .any(|t| RELATIONS.contains(&t.lower.as_str()));
    if !(names_relation || shares(&first_lemmas) && shares(&second_lemmas)) {
        return Err(MeaningChange::BridgeConnectsNothing);
    }
    let mut added = Vec::new();
    for (index, token) in option.tokens.iter().enumerate() {
        if !is_content(token) {
            continue;
        }
        let known = first_lemmas.contains(token.lemma.as_str())
            || second_lemmas.contains(token.lemma.as_str())
            || first_lemmas
                .iter()
                .chain(second_lemmas.iter())
                .any(|l| shares_stem(l, &token.lemma));
        if known {
            continue;
        }
        let superlative = token.lower.len() > 5 && token.lower.ends_with("est");
        if JUDGEMENTS.contains(&token.lower.as_str())
            || JUDGEMENTS.contains(&token.lemma.as_str())
            || superlative
        {
            return Err(MeaningChange::BridgeJudges {
                word: token.text.clone(),
            });
        }
        // A new thing named ("across the city", "on the market") is a new
        // claim about the paragraphs.
        let after_determiner =
            index > 0 && matches!(option.tokens[index - 1].lower.as_str(), "the" | "a" | "an");
        if after_determiner {
            return Err(MeaningChange::AddedWords {
                words: vec![token.text.clone()],
            });
        }
        let after_demonstrative = index > 0
            && matches!(
                option.tokens[index - 1].lower.as_str(),
                "that" | "this" | "those" | "these"
            );
        if !after_demonstrative && !added.contains(&token.text) {
            added.push(token.text.clone());
        }
    }
    let question = option.sentences.iter().any(|s| s.trim_end().ends_with('?'));
    if added.len() > 2 && !question {
        return Err(MeaningChange::AddedWords { words: added });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(original: &str, candidate: &str) -> Result<(), String> {
        check_meaning(original, candidate, &BUILTIN_LEXICON).map_err(|c| c.to_string())
    }

    #[test]
    fn the_table_lets_a_stock_phrase_go_and_a_synonym_stand_in() {
        // "take a moment to" is in meaning.toml, not in the guide's tables.
        let original = "We want to take a moment to inform every customer about the change.";
        assert_eq!(
            check(original, "We want to tell every customer about the change."),
            Ok(())
        );
        assert!(check(original, "We want to warn every customer about the change.").is_err());
    }

    #[test]
    fn lemmas_meet_across_inflections() {
        assert_eq!(lemma("decided"), lemma("decide"));
        assert_eq!(lemma("planning"), lemma("plan"));
        assert_eq!(lemma("customers"), lemma("customer"));
        assert_eq!(lemma("launched"), lemma("launch"));
        assert_eq!(lemma("Berlin's"), "berlin");
    }

    #[test]
    fn a_dropped_sentence_is_named() {
        let original = "The office opens in March. None of the data is ever shared with partners.";
        let error = check(original, "The office opens in March.").unwrap_err();
        assert!(
            error.contains("drops the sentence “None of the data"),
            "{error}"
        );
    }

    #[test]
    fn a_flipped_negation_is_named() {
        let original = "Our support team will never ask you for your password.";
        let error = check(original, "Our support team may ask you for your password.").unwrap_err();
        assert!(error.contains("negation “never”"), "{error}");
    }

    #[test]
    fn cutting_table_phrases_keeps_the_meaning() {
        let original = "In order to make a decision, we are currently in the process of reading all of the feedback.";
        assert_eq!(
            check(original, "To decide, we are reading all of the feedback."),
            Ok(())
        );
    }

    #[test]
    fn voice_is_kept() {
        let original = "I'm happy with the colours we chose 🎉 and we've shipped them.";
        assert!(
            check(
                original,
                "I am happy with the colours we chose 🎉 and we've shipped them."
            )
            .is_err()
        );
        assert!(
            check(
                original,
                "I'm happy with the colors we chose 🎉 and we've shipped them."
            )
            .is_err()
        );
        assert!(
            check(
                original,
                "I'm happy with the colours we chose and we've shipped them."
            )
            .is_err()
        );
        assert!(
            check(
                original,
                "I'm happy with the colours we chose 🎉 and we've shipped them!"
            )
            .is_err()
        );
        assert_eq!(
            check(
                original,
                "I'm happy with the colours we chose 🎉, and we've shipped them."
            ),
            Ok(())
        );
    }
}
