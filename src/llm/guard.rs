//! The guard: model output is untrusted.
//!
//! A candidate is cleaned (code fences, quotes, "Here is…" preambles), then
//! checked against the writer's original: Tighten must be at least 10%
//! shorter, add no sentences and stay in the same language; every fact
//! (number, URL, email, @mention, #hashtag, quoted passage, capitalised name)
//! must survive and none may be added; and the deterministic rules must find
//! nothing in the candidate that they did not find in the original. Bridge
//! options must be one sentence of at most 30 words that repeats neither
//! paragraph's opening. The guard is pure and synchronous.
//!
//! Input that is not a draft (empty, a one-sentence paragraph, an outline of
//! bullet fragments) is refused before any model is asked.

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::sync::LazyLock;

use regex::Regex;

use crate::check::Checker;
use crate::document::{BlockKind, Document, DocumentKind, segment};
use crate::finding::quote;
use crate::llm::meaning::{self, MeaningChange};
use crate::llm::voice_guard::{self, VoiceChange};
use crate::voice::VoiceProfile;

/// Tighten must cut at least this share of the words.
pub const MIN_WORD_CUT: f64 = 0.10;
/// A Bridge option is one sentence of at most this many words.
pub const MAX_BRIDGE_WORDS: usize = 30;
/// Tighten needs at least this many words to be worth a model call.
pub const MIN_TIGHTEN_WORDS: usize = 6;

/// Why a candidate was not offered. The message is what the writer sees
/// after "no safe suggestion: ", and what the model is told on the retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejection {
    Empty,
    Unchanged,
    NotShorter {
        original: usize,
        candidate: usize,
    },
    MoreSentences {
        original: usize,
        candidate: usize,
    },
    OtherLanguage,
    DroppedFact {
        kind: FactKind,
        value: String,
    },
    AddedFact {
        kind: FactKind,
        value: String,
    },
    NewFinding {
        rule: String,
        message: String,
    },
    SeveralParagraphs,
    Truncated,
    BridgeTooLong {
        words: usize,
    },
    BridgeSeveralSentences,
    BridgeRepeatsOpening,
    BridgeAboutTheText,
    NoOptions,
    /// The rewrite changes what the text says or how the writer says it.
    Meaning(MeaningChange),
    /// The rewrite moves away from the voice profile in effect for the post.
    Voice {
        profile: String,
        change: VoiceChange,
    },
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::Empty => f.write_str("the model returned no text"),
            Rejection::Unchanged => f.write_str("the rewrite is the same as the original"),
            Rejection::NotShorter {
                original,
                candidate,
            } => write!(
                f,
                "the rewrite is not short enough: {original} → {candidate} words (at least 10% fewer needed)"
            ),
            Rejection::MoreSentences {
                original,
                candidate,
            } => write!(
                f,
                "the rewrite has {candidate} sentences where the original has {original}"
            ),
            Rejection::OtherLanguage => {
                f.write_str("the rewrite is not in the same language as the original")
            }
            Rejection::DroppedFact { kind, value } => {
                write!(f, "the rewrite drops the {kind} {}", quote(value))
            }
            Rejection::AddedFact { kind, value } => write!(
                f,
                "the rewrite adds the {kind} {}, which is not in the original",
                quote(value)
            ),
            Rejection::NewFinding { rule, message } => {
                write!(f, "the rewrite breaks the guide: {message} [{rule}]")
            }
            Rejection::SeveralParagraphs => {
                f.write_str("the rewrite has several paragraphs where the original has one")
            }
            Rejection::Truncated => f.write_str("the model's answer was cut off"),
            Rejection::BridgeTooLong { words } => write!(
                f,
                "the transition has {words} words (at most {MAX_BRIDGE_WORDS})"
            ),
            Rejection::BridgeSeveralSentences => {
                f.write_str("the transition is more than one sentence")
            }
            Rejection::BridgeRepeatsOpening => {
                f.write_str("the transition repeats a paragraph's first sentence")
            }
            Rejection::BridgeAboutTheText => {
                f.write_str("the transition talks about the text instead of continuing it")
            }
            Rejection::NoOptions => f.write_str("the model offered no transition"),
            Rejection::Meaning(change) => change.fmt(f),
            Rejection::Voice { profile, change } => {
                write!(f, "{change} (voice profile “{profile}”)")
            }
        }
    }
}

/// The kinds of fact a rewrite must keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FactKind {
    Number,
    Url,
    Email,
    Mention,
    Hashtag,
    Quotation,
    Name,
}

impl fmt::Display for FactKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FactKind::Number => "number",
            FactKind::Url => "link",
            FactKind::Email => "email address",
            FactKind::Mention => "mention",
            FactKind::Hashtag => "hashtag",
            FactKind::Quotation => "quotation",
            FactKind::Name => "name",
        })
    }
}

/// The facts of a text, in order of first appearance, without repeats.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facts {
    pub items: Vec<(FactKind, String)>,
}

impl Facts {
    pub fn of(text: &str) -> Facts {
        let mut items: Vec<(FactKind, String)> = Vec::new();
        let mut push = |kind: FactKind, value: &str| {
            let value = value.to_owned();
            if !items.iter().any(|(k, v)| *k == kind && *v == value) {
                items.push((kind, value));
            }
        };
        // URLs and emails first, then blank them out so their digits and
        // capitals do not count as numbers and names.
        let mut rest = text.to_owned();
        for found in URL.find_iter(text) {
            push(FactKind::Url, found.as_str());
        }
        for found in EMAIL.find_iter(text) {
            push(FactKind::Email, found.as_str());
        }
        blank_out(&mut rest, &URL);
        blank_out(&mut rest, &EMAIL);
        for captures in MENTION.captures_iter(&rest) {
            push(FactKind::Mention, &captures[1]);
        }
        for captures in HASHTAG.captures_iter(&rest) {
            push(FactKind::Hashtag, &captures[1]);
        }
        for captures in QUOTATION.captures_iter(&rest) {
            if let Some(inner) = captures.get(1).or_else(|| captures.get(2)) {
                push(FactKind::Quotation, inner.as_str().trim());
            }
        }
        for found in NUMBER.find_iter(&rest) {
            push(FactKind::Number, found.as_str());
        }
        for name in names(&rest) {
            push(FactKind::Name, name);
        }
        Facts { items }
    }
}

static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:https?://|www\.)[^\s<>()\[\]]*[^\s<>.,;:!?'\x22)\]}”’]").expect("valid")
});
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
        .expect("valid")
});
static MENTION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[^\w@])(@[A-Za-z0-9_]+(?:[.-][A-Za-z0-9_]+)*)").expect("valid")
});
static HASHTAG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:^|[^\w#&])(#\p{L}[\p{L}\p{N}_]*)").expect("valid"));
static QUOTATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"“([^”]{2,})”|"([^"\n]{2,})""#).expect("valid"));
static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[$€£¥]?\d(?:[\d.,:/]*\d)?(?:%|\s?(?:k|K|m|M|bn|x)\b)?").expect("valid")
});

fn blank_out(text: &mut String, regex: &Regex) {
    let ranges: Vec<_> = regex.find_iter(text).map(|m| m.range()).collect();
    for range in ranges.into_iter().rev() {
        let spaces = " ".repeat(range.len());
        text.replace_range(range, &spaces);
    }
}

/// Capitalised words that are not the first word of a sentence or line, and
/// not "I": proper names, brands, acronyms.
fn names(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for range in segment::words(text) {
        let word = &text[range.clone()];
        let Some(first) = word.chars().next() else {
            continue;
        };
        let inner_capital = word.chars().skip(1).any(char::is_uppercase);
        if !(first.is_uppercase() || (inner_capital && first.is_lowercase())) || word == "I" {
            continue;
        }
        if first.is_uppercase() && starts_sentence(text, range.start) && !inner_capital {
            continue;
        }
        out.push(strip_possessive(word));
    }
    out
}

/// "Berlin's" names Berlin.
fn strip_possessive(word: &str) -> &str {
    word.strip_suffix("'s")
        .or_else(|| word.strip_suffix("’s"))
        .unwrap_or(word)
}

/// Whether the word at `start` opens a sentence, a line, or a quotation.
fn starts_sentence(text: &str, start: usize) -> bool {
    let before = text[..start].trim_end_matches(['“', '"', '‘', '\'', '(', '*', '_', ' ', '\t']);
    match before.chars().next_back() {
        None => true,
        Some(c) => matches!(
            c,
            '.' | '!' | '?' | ':' | '\n' | '-' | '•' | '>' | '#' | '…'
        ),
    }
}

/// Remove what models wrap answers in: code fences, a "Here is…" line,
/// surrounding quotes, trailing notes.
pub fn clean_candidate(raw: &str) -> String {
    let mut text = raw.trim().replace("\r\n", "\n");
    // A fenced block anywhere: keep its inside.
    if let Some(start) = text.find("```") {
        let after = &text[start + 3..];
        let body_start = after.find('\n').map_or(after.len(), |i| i + 1);
        let body = &after[body_start..];
        let body_end = body.find("```").unwrap_or(body.len());
        text = body[..body_end].trim().to_owned();
    }
    // A preamble line: "Here is the tightened version:", "Sure! …:".
    loop {
        let first_line = text.lines().next().unwrap_or("").trim();
        let lower = first_line.to_lowercase();
        let is_preamble = PREAMBLES.iter().any(|p| lower.starts_with(p))
            && (first_line.ends_with(':') || text.lines().count() > 1);
        if !is_preamble {
            break;
        }
        text = text[text.find('\n').map_or(text.len(), |i| i + 1)..]
            .trim()
            .to_owned();
    }
    // Trailing notes after a blank line.
    if let Some(index) = text.find("\n\n") {
        let tail = text[index..].trim_start().to_lowercase();
        if NOTES.iter().any(|n| tail.starts_with(n)) {
            text.truncate(index);
        }
    }
    strip_wrapping_quotes(text.trim()).to_owned()
}

const PREAMBLES: &[&str] = &[
    "here is",
    "here's",
    "here are",
    "sure",
    "certainly",
    "of course",
    "okay",
    "ok,",
    "tightened",
    "revised",
    "rewritten",
    "edited",
    "shorter version",
    "concise version",
    "transition",
    "transitions",
    "options",
];

const NOTES: &[&str] = &[
    "note:",
    "notes:",
    "(note",
    "explanation:",
    "changes:",
    "changes made",
    "i removed",
    "i cut",
    "i made",
    "i changed",
    "i've ",
    "this version",
    "the revised",
];

fn strip_wrapping_quotes(text: &str) -> &str {
    for (open, close) in [('"', '"'), ('“', '”'), ('\'', '\''), ('«', '»')] {
        if let Some(inner) = text.strip_prefix(open).and_then(|t| t.strip_suffix(close))
            && !inner.contains(close)
            && !inner.contains(open)
        {
            return inner.trim();
        }
    }
    text
}

/// Split a Bridge answer into options: one per line, list markers and
/// quotes removed.
pub fn bridge_options(raw: &str) -> Vec<String> {
    let cleaned = clean_candidate(raw);
    let mut options: Vec<String> = Vec::new();
    for line in cleaned.lines() {
        let line = line.trim();
        let line = line.trim_start_matches(['-', '*', '•']).trim_start();
        let line = strip_list_number(line);
        let line = strip_wrapping_quotes(line.trim());
        let lower = line.to_lowercase();
        if line.is_empty()
            || (line.ends_with(':') && PREAMBLES.iter().any(|p| lower.starts_with(p)))
        {
            continue;
        }
        if !options.iter().any(|o| o == line) {
            options.push(line.to_owned());
        }
    }
    options
}

fn strip_list_number(line: &str) -> &str {
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        return line;
    }
    let rest = &line[digits..];
    rest.strip_prefix('.')
        .or_else(|| rest.strip_prefix(')'))
        .or_else(|| rest.strip_prefix(':'))
        .map_or(line, str::trim_start)
}

/// Word and sentence counts of prose as a reader reads it (markup and URLs
/// do not count as words).
pub fn measure(text: &str, kind: DocumentKind) -> (usize, usize) {
    let shape = Shape::of(text, kind);
    (shape.words, shape.sentences)
}

/// Paragraphs, words and sentences of a text, from one parse.
struct Shape {
    paragraphs: usize,
    words: usize,
    sentences: usize,
}

impl Shape {
    fn of(text: &str, kind: DocumentKind) -> Shape {
        let document = Document::parse(text, kind);
        Shape {
            paragraphs: document.blocks.len(),
            words: document.word_count(),
            sentences: document.blocks.iter().map(|b| b.sentences.len()).sum(),
        }
    }
}

/// Which of the guard's checks run. Every front end runs [`Checks::All`];
/// [`Checks::WithoutMeaning`] is the guard as it was before [`meaning`]
/// (facts, shape, language and the guide's rules only), kept so that
/// `scripts/bench-tighten` can show what the meaning and voice checks add.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Checks {
    #[default]
    All,
    WithoutMeaning,
}

/// Check a Tighten candidate (already cleaned) against the original.
pub fn check_tighten(
    original: &str,
    candidate: &str,
    kind: DocumentKind,
    checker: &Checker,
) -> Result<(), Rejection> {
    check_tighten_with(original, candidate, kind, checker, Checks::All)
}

/// [`check_tighten`] with a choice of checks.
pub fn check_tighten_with(
    original: &str,
    candidate: &str,
    kind: DocumentKind,
    checker: &Checker,
    checks: Checks,
) -> Result<(), Rejection> {
    check_tighten_in_voice(original, candidate, kind, checker, checks, None)
}

/// [`check_tighten_with`], and with a voice profile in effect for the post,
/// [`voice_guard::check_tighten`] against it.
pub fn check_tighten_in_voice(
    original: &str,
    candidate: &str,
    kind: DocumentKind,
    checker: &Checker,
    checks: Checks,
    voice: Option<&VoiceProfile>,
) -> Result<(), Rejection> {
    check_edit(original, candidate, kind, checker, true)?;
    if let Some(profile) = voice {
        voice_guard::check_tighten(original, candidate, kind, profile)
            .map_err(|change| voice_rejection(profile, change))?;
    }
    if checks == Checks::All {
        // A Tighten only cuts words; a review rewrite exists to change what
        // the flagged passage says, so only its facts are held.
        meaning::check_meaning(original, candidate, &meaning::BUILTIN_LEXICON)
            .map_err(Rejection::Meaning)?;
    }
    Ok(())
}

/// Check a model's rewrite of a passage it flagged in review (already
/// cleaned): like Tighten without the length target.
pub fn check_rewrite(
    original: &str,
    candidate: &str,
    kind: DocumentKind,
    checker: &Checker,
) -> Result<(), Rejection> {
    check_edit(original, candidate, kind, checker, false)
}

/// What Tighten and review rewrites share: not empty, changed, no more
/// paragraphs or sentences, same language, every fact kept and none added,
/// no new finding from the guide's rules; and, when `shorter`, at least
/// [`MIN_WORD_CUT`] fewer words.
fn check_edit(
    original: &str,
    candidate: &str,
    kind: DocumentKind,
    checker: &Checker,
    shorter: bool,
) -> Result<(), Rejection> {
    if candidate.trim().is_empty() {
        return Err(Rejection::Empty);
    }
    if normalize_space(candidate) == normalize_space(original) {
        return Err(Rejection::Unchanged);
    }
    let before = Shape::of(original, kind);
    let after = Shape::of(candidate, kind);
    if after.paragraphs > before.paragraphs.max(1) {
        return Err(Rejection::SeveralParagraphs);
    }
    let allowed = (before.words as f64 * (1.0 - MIN_WORD_CUT)).floor() as usize;
    if shorter && after.words > allowed {
        return Err(Rejection::NotShorter {
            original: before.words,
            candidate: after.words,
        });
    }
    if after.sentences > before.sentences.max(1) {
        return Err(Rejection::MoreSentences {
            original: before.sentences,
            candidate: after.sentences,
        });
    }
    if !same_language(original, candidate) {
        return Err(Rejection::OtherLanguage);
    }
    facts_kept(original, candidate)?;
    no_facts_added(original, candidate)?;
    no_new_findings(original, candidate, kind, checker)
}

/// Check one Bridge option (already cleaned) that would open `second`.
pub fn check_bridge(
    first: &str,
    second: &str,
    option: &str,
    kind: DocumentKind,
    checker: &Checker,
) -> Result<(), Rejection> {
    check_bridge_in_voice(first, second, option, kind, checker, Checks::All, None)
}

fn voice_rejection(profile: &VoiceProfile, change: VoiceChange) -> Rejection {
    Rejection::Voice {
        profile: profile.name.clone(),
        change,
    }
}

/// [`check_bridge`] with a choice of checks, and with a voice profile in effect for the post,
/// [`voice_guard::check_bridge`] against it.
pub fn check_bridge_in_voice(
    first: &str,
    second: &str,
    option: &str,
    kind: DocumentKind,
    checker: &Checker,
    checks: Checks,
    voice: Option<&VoiceProfile>,
) -> Result<(), Rejection> {
    if option.trim().is_empty() {
        return Err(Rejection::Empty);
    }
    let (words, sentences) = measure(option, kind);
    if words > MAX_BRIDGE_WORDS {
        return Err(Rejection::BridgeTooLong { words });
    }
    if sentences > 1 {
        return Err(Rejection::BridgeSeveralSentences);
    }
    // Small models describe the text ("The second paragraph continues…")
    // instead of writing a line of it.
    let lower = option.to_lowercase();
    if ["paragraph", "transition", "this text", "the text"]
        .iter()
        .any(|meta| {
            lower.contains(meta) && !format!("{first} {second}").to_lowercase().contains(meta)
        })
    {
        return Err(Rejection::BridgeAboutTheText);
    }
    for paragraph in [first, second] {
        if let Some(opening) = first_sentence(paragraph, kind)
            && similar_sentence(&opening, option)
        {
            return Err(Rejection::BridgeRepeatsOpening);
        }
    }
    let context = format!("{first}\n\n{second}");
    if !same_language(&context, option) {
        return Err(Rejection::OtherLanguage);
    }
    no_facts_added(&context, option)?;
    if let Some(profile) = voice {
        voice_guard::check_bridge(first, second, option, kind, profile)
            .map_err(|change| voice_rejection(profile, change))?;
    }
    if checks == Checks::All {
        meaning::check_bridge_meaning(first, second, option).map_err(Rejection::Meaning)?;
    }
    let joined = format!("{} {}", option.trim(), second.trim_start());
    no_new_findings(second, &joined, kind, checker)
}

fn first_sentence(paragraph: &str, kind: DocumentKind) -> Option<String> {
    let document = Document::parse(paragraph, kind);
    let block = document.blocks.first()?;
    let range = block.sentences.first()?.clone();
    Some(block.prose.text[range].to_owned())
}

/// Two sentences are the same for Bridge when most of the option's words
/// come, in order, from the opening sentence.
fn similar_sentence(opening: &str, option: &str) -> bool {
    let a = lower_words(opening);
    let b = lower_words(option);
    if b.is_empty() {
        return false;
    }
    let shared = b.iter().filter(|word| a.contains(word)).count();
    shared * 10 >= b.len() * 8 && b.len() * 2 >= a.len()
}

fn lower_words(text: &str) -> Vec<String> {
    segment::words(text)
        .into_iter()
        .map(|r| text[r].to_lowercase())
        .collect()
}

fn normalize_space(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every fact of `original` is in `candidate` (the first one missing, if not).
pub fn facts_kept(original: &str, candidate: &str) -> Result<(), Rejection> {
    let candidate_words: BTreeSet<&str> = segment::words(candidate)
        .into_iter()
        .map(|r| strip_possessive(&candidate[r]))
        .collect();
    for (kind, value) in Facts::of(original).items {
        let kept = match kind {
            // A name is a word: "Berlin" in "Berliners" does not count.
            FactKind::Name => candidate_words.contains(value.as_str()),
            FactKind::Number => contains_number(candidate, &value),
            _ => candidate.contains(value.as_str()),
        };
        if !kept {
            return Err(Rejection::DroppedFact { kind, value });
        }
    }
    Ok(())
}

/// `number` in `text`, not as part of a longer number ("20" is not in "2020").
fn contains_number(text: &str, number: &str) -> bool {
    text.match_indices(number).any(|(index, _)| {
        let before = text[..index].chars().next_back();
        let after = text[index + number.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_digit()) && !after.is_some_and(|c| c.is_ascii_digit())
    })
}

fn no_facts_added(original: &str, candidate: &str) -> Result<(), Rejection> {
    let original_lower = original.to_lowercase();
    let original_words: BTreeSet<String> = lower_words(original).into_iter().collect();
    for (kind, value) in Facts::of(candidate).items {
        let known = match kind {
            // A name the original has anywhere, in any case, is not new: the
            // rewrite may move it to the start of a sentence or vice versa.
            FactKind::Name => original_words.contains(&value.to_lowercase()),
            FactKind::Number => contains_number(original, &value),
            // A quotation the rewrite adds around the writer's own words is
            // fine; new quoted words are not.
            FactKind::Quotation => original_lower.contains(&value.to_lowercase()),
            _ => original.contains(value.as_str()),
        };
        if !known {
            return Err(Rejection::AddedFact { kind, value });
        }
    }
    Ok(())
}

/// Findings the candidate has that the original does not. Findings are
/// compared per rule by the text they flag; rules that flag whole sentences
/// (length, readability) are compared by count, since their text changes
/// with any edit.
fn no_new_findings(
    original: &str,
    candidate: &str,
    kind: DocumentKind,
    checker: &Checker,
) -> Result<(), Rejection> {
    let (original_document, original_findings) = checker.check_text(original, kind);
    let (candidate_document, candidate_findings) = checker.check_text(candidate, kind);
    let flagged = |document: &Document, span: &std::ops::Range<usize>| {
        document
            .text()
            .get(span.clone())
            .unwrap_or("")
            .to_lowercase()
    };
    let mut counts: HashMap<&str, isize> = HashMap::new();
    let mut texts: HashMap<&str, Vec<String>> = HashMap::new();
    for finding in &original_findings {
        *counts.entry(finding.rule.as_str()).or_default() += 1;
        texts
            .entry(finding.rule.as_str())
            .or_default()
            .push(flagged(&original_document, &finding.span));
    }
    for finding in &candidate_findings {
        let text = flagged(&candidate_document, &finding.span);
        let long = segment::words(&text).len() > 6;
        let count = counts.entry(finding.rule.as_str()).or_default();
        *count -= 1;
        let known_text = texts
            .get(finding.rule.as_str())
            .is_some_and(|known| known.contains(&text));
        let is_new = if long { *count < 0 } else { !known_text };
        if is_new {
            return Err(Rejection::NewFinding {
                rule: finding.rule.clone(),
                message: finding.message.clone(),
            });
        }
    }
    Ok(())
}

/// Function words of the languages drafts are usually written in; the
/// language whose words are most frequent wins.
const FUNCTION_WORDS: &[(&str, &[&str])] = &[
    (
        "en",
        &[
            "the", "and", "of", "to", "a", "in", "is", "that", "for", "it", "with", "on", "we",
            "our", "you", "this", "are", "be", "as", "at", "by", "or", "will", "from", "your",
        ],
    ),
    (
        "de",
        &[
            "der", "die", "und", "das", "ist", "nicht", "mit", "den", "ein", "eine", "wir", "zu",
            "für", "auf", "sich", "auch", "dem", "des", "sie", "von",
        ],
    ),
    (
        "fr",
        &[
            "le", "la", "les", "et", "est", "des", "une", "un", "du", "que", "pour", "nous",
            "vous", "dans", "pas", "sur", "avec", "qui", "au", "ce",
        ],
    ),
    (
        "es",
        &[
            "el", "la", "los", "las", "y", "es", "que", "del", "una", "un", "para", "con", "por",
            "nosotros", "se", "su", "lo", "como", "más", "pero",
        ],
    ),
    (
        "nl",
        &[
            "de", "het", "een", "en", "is", "van", "niet", "met", "voor", "op", "zijn", "wij",
            "ook", "dat", "die", "naar", "maar", "om", "bij", "ze",
        ],
    ),
];

fn language(text: &str) -> Option<&'static str> {
    let words = lower_words(text);
    let mut best: Option<(&str, usize)> = None;
    for (language, list) in FUNCTION_WORDS {
        let hits = words.iter().filter(|w| list.contains(&w.as_str())).count();
        if hits > best.map_or(0, |(_, h)| h) {
            best = Some((language, hits));
        }
    }
    // Too few function words to tell: say nothing rather than guess.
    best.filter(|(_, hits)| *hits >= 2)
        .map(|(language, _)| language)
}

fn same_language(original: &str, candidate: &str) -> bool {
    match (language(original), language(candidate)) {
        (Some(a), Some(b)) => a == b,
        _ => true,
    }
}

/// Why input is not something copydesk edits. The message says what to do.
pub fn refuse_tighten(text: &str, kind: DocumentKind, whole_paragraph: bool) -> Option<String> {
    let document = Document::parse(text, kind);
    let words = document.word_count();
    if words == 0 {
        return Some("there is no text to tighten".to_owned());
    }
    let items = document
        .blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::ListItem | BlockKind::Heading(_)))
        .count();
    let fragments = document
        .blocks
        .iter()
        .filter(|b| matches!(b.kind, BlockKind::ListItem | BlockKind::Heading(_)))
        .filter(|b| b.words.len() < 8 || !b.prose.text.trim_end().ends_with(['.', '!', '?']))
        .count();
    if items >= 2 && items == document.blocks.len() && fragments * 2 >= items {
        return Some(
            "this is an outline of bullet fragments: copydesk edits drafts, it does not write them"
                .to_owned(),
        );
    }
    if let Some(request) = asks_for_writing(text) {
        return Some(format!(
            "copydesk edits drafts you wrote; it does not write them: {} reads as a request for writing, not a draft",
            quote(&request)
        ));
    }
    if words < MIN_TIGHTEN_WORDS {
        return Some(format!(
            "too short to tighten ({words} words; at least {MIN_TIGHTEN_WORDS} needed)"
        ));
    }
    let sentences: usize = document.blocks.iter().map(|b| b.sentences.len()).sum();
    if whole_paragraph && sentences < 2 {
        return Some(
            "a paragraph needs at least 2 sentences to tighten; select the sentence instead"
                .to_owned(),
        );
    }
    None
}

/// Words that ask someone (an assistant) to write.
const WRITING_VERBS: &[&str] = &[
    "write",
    "draft",
    "create",
    "compose",
    "generate",
    "produce",
    "craft",
    "prepare",
    "suggest",
    "brainstorm",
    "give",
    "come",
    "rewrite",
    "outline",
    "summarize",
    "summarise",
    "list",
    "propose",
];

/// Things one asks to have written.
const WRITTEN_THINGS: &[&str] = &[
    "post",
    "posts",
    "tweet",
    "tweets",
    "thread",
    "email",
    "emails",
    "e-mail",
    "article",
    "articles",
    "blog",
    "headline",
    "headlines",
    "caption",
    "captions",
    "message",
    "messages",
    "announcement",
    "announcements",
    "press",
    "copy",
    "paragraph",
    "paragraphs",
    "summary",
    "bio",
    "newsletter",
    "reply",
    "response",
    "slogan",
    "slogans",
    "tagline",
    "taglines",
    "description",
    "update",
    "story",
    "script",
    "ideas",
    "hashtags",
    "title",
    "titles",
    "linkedin",
    "instagram",
    "twitter",
    "bluesky",
    "mastodon",
    "threads",
    "essay",
    "letter",
    "intro",
    "introduction",
    "outro",
    "text",
    "draft",
    "version",
    "pitch",
    "speech",
    "ad",
    "advert",
    "advertisement",
    "listicle",
    "faq",
    "memo",
    "statement",
];

/// Openers that address an assistant before the request.
const REQUEST_OPENERS: &[&[&str]] = &[
    &["please"],
    &["can", "you"],
    &["could", "you"],
    &["would", "you"],
    &["will", "you"],
    &["help", "me"],
    &["i", "need", "you", "to"],
    &["i", "want", "you", "to"],
    &["i'd", "like", "you", "to"],
    &["i", "would", "like", "you", "to"],
    &["i", "need"],
    &["i", "want"],
    &["now"],
    &["quickly"],
];

/// The opening of `text` when it asks for writing rather than being writing:
/// an imperative to write something that is written ("Write a LinkedIn post
/// about…", "Can you draft an email…", "Give me three headlines…"), a
/// prompt addressed to an assistant ("You are a social media manager…"),
/// or notes under a label ("Launch post: new dashboards, 40% faster, thank
/// the team").
pub fn asks_for_writing(text: &str) -> Option<String> {
    let first_line = text.trim().lines().next().unwrap_or("").trim();
    let words: Vec<String> = first_line
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().replace('’', "'"))
        .collect();
    let opening = || -> String {
        let mut out: Vec<&str> = first_line.split_whitespace().take(8).collect();
        if first_line.split_whitespace().count() > 8 {
            out.push("…");
        }
        out.join(" ")
    };
    // "You are a …", "Act as a …", "As an AI …"
    if words.len() >= 3
        && (words[0] == "you"
            && matches!(words[1].as_str(), "are" | "will")
            && matches!(words[2].as_str(), "a" | "an" | "my" | "the")
            || words[0] == "act" && words[1] == "as"
            || words[0] == "pretend" && words[1] == "to")
    {
        return Some(opening());
    }
    // Skip polite openers, then look for a writing verb and, within the
    // next dozen words, something that gets written.
    let mut start = 0;
    loop {
        let rest = &words[start..];
        let Some(opener) = REQUEST_OPENERS.iter().find(|o| {
            rest.len() > o.len() && rest[..o.len()].iter().zip(o.iter()).all(|(a, b)| a == b)
        }) else {
            break;
        };
        start += opener.len();
    }
    let rest = &words[start..];
    let verb = rest.first()?;
    if !WRITING_VERBS.contains(&verb.as_str()) {
        return notes_under_a_label(first_line).then(opening);
    }
    // "Write your name": a writing verb whose object is not a written thing
    // is an instruction the writer wrote for readers. The object follows
    // the verb closely ("Write a short and friendly post").
    let object = rest
        .iter()
        .skip(1)
        .take(6)
        .any(|w| WRITTEN_THINGS.contains(&w.as_str()));
    object.then(opening)
}

/// "Launch post: new dashboards, 40% faster, thank the data team": a short
/// label, a colon, then comma-separated fragments and no sentence.
fn notes_under_a_label(line: &str) -> bool {
    let Some((label, body)) = line.split_once(':') else {
        return false;
    };
    if label.split_whitespace().count() > 4 || body.trim().is_empty() || label.contains("//") {
        return false;
    }
    // An image's alt text ("![Chart: 36.5% rustup, …]") is not notes.
    if label.contains("![") {
        return false;
    }
    let fragments: Vec<&str> = body.split([',', ';']).map(str::trim).collect();
    // Fragments that mostly open with a capital are names and titles (a
    // byline: "Authors: Xing Yang, VMware & Xiangqian Yu, Google"; an
    // editor's note), not notes to be turned into a post.
    let capitalised = fragments
        .iter()
        .filter(|f| {
            let f = f.strip_prefix("and ").unwrap_or(f);
            f.trim_start_matches(['[', '*', '_', '"', '“'])
                .chars()
                .next()
                .is_some_and(char::is_uppercase)
        })
        .count();
    fragments.len() >= 3
        && capitalised * 2 < fragments.len()
        && fragments.iter().all(|f| f.split_whitespace().count() <= 7)
        && !body.trim_end().trim_end_matches('.').contains(". ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::CheckOptions;
    use crate::guide::Guide;

    fn checker() -> Checker {
        Checker::new(Guide::builtin(), CheckOptions::default())
    }

    #[track_caller]
    fn assert_tighten(original: &str, candidate: &str, expected: Result<(), &str>) {
        let got = check_tighten(original, candidate, DocumentKind::Markdown, &checker())
            .map_err(|r| r.to_string());
        assert_eq!(got.as_ref().map(|_| ()).map_err(String::as_str), expected);
    }

    const WORDY: &str = "We are really very excited to announce that, in order to better serve our 12,000 customers in Berlin, @acme will be opening a brand new office on 3 March. You can read more at https://acme.example/berlin or write to press@acme.example.";

    #[test]
    fn review_rewrites_need_not_be_shorter_but_keep_every_fact() {
        let check = |original: &str, candidate: &str| {
            check_rewrite(original, candidate, DocumentKind::Markdown, &checker())
                .map_err(|r| r.to_string())
        };
        let original = "the best tool in the world, used by 12,000 teams";
        assert_eq!(
            check(original, "a tool that 12,000 teams rely on every day"),
            Ok(())
        );
        assert!(check(original, "a tool many teams rely on").is_err());
        assert!(check(original, "a tool 12,000 teams rated 9 out of 10").is_err());
        assert!(check(original, "the best tool in the world, used by 12,000 teams").is_err());
        assert!(check(original, "  ").is_err());
        assert!(check(original, "A tool. Used by 12,000 teams. Every day.").is_err());
    }

    #[test]
    fn accepts_a_shorter_rewrite_that_keeps_every_fact() {
        assert_tighten(
            WORDY,
            "To better serve our 12,000 customers in Berlin, @acme opens a new office on 3 March. You can read more at https://acme.example/berlin or write to press@acme.example.",
            Ok(()),
        );
    }

    #[test]
    fn rejects_dropped_and_added_facts() {
        assert_tighten(
            WORDY,
            "To serve our customers in Berlin, @acme opens a new office on 3 March. Read more at https://acme.example/berlin or write to press@acme.example.",
            Err("the rewrite drops the number “12,000”"),
        );
        assert_tighten(
            WORDY,
            "To serve our 12,000 customers in Berlin, @acme opens a new office on 3 March. Read more at https://acme.example/berlin.",
            Err("the rewrite drops the email address “press@acme.example”"),
        );
        assert_tighten(
            WORDY,
            "To serve our 12,000 customers in Berlin, @acme opens a new office on 3 March with Google. Read more at https://acme.example/berlin or press@acme.example.",
            Err("the rewrite adds the name “Google”, which is not in the original"),
        );
        assert_tighten(
            WORDY,
            "To serve our 12,000 customers in Berlin, @acme opens 2 new offices on 3 March. Read more at https://acme.example/berlin or press@acme.example.",
            Err("the rewrite adds the number “2”, which is not in the original"),
        );
    }

    #[test]
    fn rejects_rewrites_that_are_not_shorter_or_add_sentences() {
        assert_tighten(
            "The team worked hard on the release and shipped it on time for everyone.",
            "The team worked very hard on the release and shipped it on time for all.",
            Err("the rewrite is not short enough: 14 → 15 words (at least 10% fewer needed)"),
        );
        assert_tighten(
            "The team worked really hard on the big release and then shipped it on time for everyone who waited.",
            "The team worked hard. They shipped on time. Everyone waited.",
            Err("the rewrite has 3 sentences where the original has 1"),
        );
    }

    #[test]
    fn a_possessive_is_the_same_name() {
        assert_tighten(
            "We are opening a brand new office in Berlin on 3 March, and it will be a really great place to work.",
            "Berlin's new office opens on 3 March, and it will be a great place to work.",
            Ok(()),
        );
    }

    #[test]
    fn rejects_new_findings_from_the_guide() {
        assert_tighten(
            "We are going to work together with partners across the region to improve the service we offer.",
            "We will work with partners in order to improve our service.",
            Err("the rewrite breaks the guide: Wordy phrase “in order to” [concise/wordy-phrase]"),
        );
    }

    #[test]
    fn rejects_another_language() {
        assert_tighten(
            "We are very happy to tell you that the new office in the city is open for all of our visitors now.",
            "Wir freuen uns, dass das neue Büro in der Stadt jetzt offen ist.",
            Err("the rewrite is not in the same language as the original"),
        );
    }

    #[test]
    fn cleans_fences_preambles_quotes_and_notes() {
        assert_eq!(
            clean_candidate("Here is the tightened version:\n\n\"We ship on Monday.\""),
            "We ship on Monday."
        );
        assert_eq!(
            clean_candidate("```text\nWe ship on Monday.\n```"),
            "We ship on Monday."
        );
        assert_eq!(
            clean_candidate("We ship on Monday.\n\nNote: I removed the filler."),
            "We ship on Monday."
        );
        // A quotation inside the text is the writer's, not a wrapper.
        assert_eq!(
            clean_candidate("“Ship it,” she said, “on Monday.”"),
            "“Ship it,” she said, “on Monday.”"
        );
    }

    #[test]
    fn bridge_options_are_split_and_checked() {
        let options = bridge_options(
            "Here are three options:\n1. \"That growth needs room.\"\n2) It also changes how we hire.\n- That growth needs room.",
        );
        assert_eq!(
            options,
            ["That growth needs room.", "It also changes how we hire."]
        );
        let first = "Our support team answered 12,000 tickets this quarter, most within an hour.";
        let second = "Berlin will host the partner summit in October, with two days of talks.";
        let c = checker();
        let kind = DocumentKind::Markdown;
        assert_eq!(
            check_bridge(first, second, "Partners help us keep that pace.", kind, &c),
            Ok(())
        );
        assert_eq!(
            check_bridge(
                first,
                second,
                "The second paragraph continues the first paragraph.",
                kind,
                &c
            ),
            Err(Rejection::BridgeAboutTheText)
        );
        assert_eq!(
            check_bridge(first, second, "Partners help. They matter.", kind, &c),
            Err(Rejection::BridgeSeveralSentences)
        );
        assert_eq!(
            check_bridge(
                first,
                second,
                "Berlin will host the partner summit in October.",
                kind,
                &c
            ),
            Err(Rejection::BridgeRepeatsOpening)
        );
        assert!(matches!(
            check_bridge(
                first,
                second,
                "Partners in Paris saw 40 new sign-ups.",
                kind,
                &c
            ),
            Err(Rejection::AddedFact { .. })
        ));
        let long = "word ".repeat(31);
        assert_eq!(
            check_bridge(first, second, &long, kind, &c),
            Err(Rejection::BridgeTooLong { words: 31 })
        );
    }

    #[test]
    fn facts_cover_every_kind_without_counting_url_digits() {
        let facts = Facts::of(
            "Join Ana at the Lisbon meetup on 14 May with @devrel and #RustLang: “bring a laptop”. Details: https://x.example/2026 or ana@x.example.",
        );
        let kinds: Vec<(FactKind, &str)> =
            facts.items.iter().map(|(k, v)| (*k, v.as_str())).collect();
        assert_eq!(
            kinds,
            [
                (FactKind::Url, "https://x.example/2026"),
                (FactKind::Email, "ana@x.example"),
                (FactKind::Mention, "@devrel"),
                (FactKind::Hashtag, "#RustLang"),
                (FactKind::Quotation, "bring a laptop"),
                (FactKind::Number, "14"),
                (FactKind::Name, "Ana"),
                (FactKind::Name, "Lisbon"),
                (FactKind::Name, "May"),
                (FactKind::Name, "RustLang"),
            ]
        );
    }

    #[test]
    fn refuses_what_is_not_a_draft() {
        let kind = DocumentKind::Markdown;
        assert!(refuse_tighten("", kind, false).is_some());
        assert!(
            refuse_tighten("- growth\n- hiring plans\n- Berlin office\n", kind, false)
                .is_some_and(|m| m.contains("outline"))
        );
        assert!(
            refuse_tighten(
                "We shipped the new release to every customer today.",
                kind,
                true
            )
            .is_some_and(|m| m.contains("2 sentences"))
        );
        assert_eq!(
            refuse_tighten(
                "We shipped the new release to every customer today.",
                kind,
                false
            ),
            None
        );
    }

    #[test]
    fn image_alt_text_is_not_a_request_for_writing() {
        assert_eq!(
            asks_for_writing("![Chart: 61% daily, 27% weekly, 9% monthly, 3% never](usage.png)"),
            None
        );
    }

    #[test]
    fn requests_for_writing_are_not_drafts() {
        for request in [
            "Write a LinkedIn post announcing our new dashboards. Mention the 40% speedup and thank the team.",
            "Draft an email to customers telling them that the API will be down on Sunday.",
            "Give me three catchy headlines for a blog post about our sustainability report.",
            "Can you please write a short and friendly post for Instagram about our summer sale?",
            "Help me write a post thanking Priya and the growth team for the new onboarding flow.",
            "Create a tweet thread explaining how our new caching layer cut page load times by 35%.",
            "You are a social media manager. Announce our new office in Berlin in two sentences.",
            "Launch post: new dashboards, 40% faster, thank the data team, link to the docs.",
        ] {
            let refusal = refuse_tighten(request, DocumentKind::Markdown, false);
            assert!(
                refusal
                    .as_deref()
                    .is_some_and(|r| r
                        .starts_with("copydesk edits drafts you wrote; it does not write them")),
                "{request}: {refusal:?}"
            );
        }
        for draft in [
            "Write your name and the date at the top of each page, and please write clearly so that the examiners can read your answers.",
            "We write a post every Friday about what shipped. This week it was the new dashboards.",
            "Make sure you save your work before the update begins. Unsaved changes may be lost.",
            "Our launch went well: 40% faster dashboards, happier customers and a proud team. Thank you all.",
            "Please note that the API will be down on Sunday between 02:00 and 04:00 UTC. Retry failed requests later.",
            // Bylines, editor's notes and image alt text look like notes
            // under a label; published posts are full of them.
            "**Authors:** Ana Lima (Acme), Ben Okafor (Globex), and Chen Wu (Initech)",
            "Editor's note: Today's post is by Dana Ito, Staff Engineer at Acme, and Eli Park, Developer Advocate at Globex.",
            "Author: [Ana Lima](https://example.com/ana) (Acme), [Ben Okafor](https://example.com/ben) (Globex), [Chen Wu](https://example.com/chen)",
        ] {
            assert_eq!(
                refuse_tighten(draft, DocumentKind::Markdown, false),
                None,
                "{draft}"
            );
        }
    }
}
