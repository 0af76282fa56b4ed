use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use regex::Regex;

use crate::declare_rule;
use crate::document::{AtomKind, Block, Document};
use crate::finding::{Finding, quote};
use crate::guide::Guide;
use crate::rules::{DocumentContext, Rule, RuleFactory, RuleMeta};

use super::{at_word_boundaries, find_phrase};

declare_rule! {
    /// ## What it does
    /// Flags marketing claims that need a source: rankings (“#1”, “number
    /// one in”, “best-in-class”, “industry-leading”), promised results
    /// (“guaranteed to double your leads”, “guaranteed uptime”, “money-back
    /// guarantee”, “risk-free”), superlatives with a market to rank in (“the
    /// best CRM on the market”), proof claims (“clinically proven”, “studies
    /// show”), and generic green claims (“eco-friendly”, “carbon neutral”,
    /// “non-toxic”). Result numbers (“3x faster”, “cut costs by 40%”) count
    /// only in a sentence about the author's own organisation or product,
    /// or what it does for the reader or its customers (“we”, “our”,
    /// “your”, “customers”, or an `[sharing] employer` name), and not in one
    /// that reports a measurement (a survey, a benchmark, testing, a
    /// dashboard). It stays
    /// silent on goals and plans (“our goal of 100% encryption”), on
    /// technical guarantees (“Rust's safety guarantees”, “guaranteed to
    /// build”), and when the same sentence or the next one carries a link, a
    /// footnote reference (`[^1]`), “according to …” or “source:”.
    ///
    /// ## Why is this bad?
    /// Readers, and advertising regulators, expect an objective claim to be
    /// backed. Without a source it reads as hype, and a green or health claim
    /// without one can be a legal problem (greenwashing rules).
    ///
    /// ## Example
    /// ```markdown
    /// Our platform makes teams 3x faster and is 100% carbon neutral.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// In our 2026 customer study, teams closed tickets 3x faster
    /// ([report](https://example.com/study)). Our offices run on certified
    /// renewable power[^1].
    /// ```
    ///
    /// ## Fix safety
    /// No fix: only the writer knows the source.
    ///
    /// ## Options
    /// `[[sharing.claims]]` rows (`find`, `why`: what substantiation the
    /// claim needs) add phrases; the top-level `allow` list removes them.
    ///
    /// ## When it runs
    /// On every document, social post or not.
    pub static META = {
        id: "share/unsubstantiated-claim",
        category: Share,
        severity: Warning,
        fixable: No,
        defaults: include_str!("unsubstantiated_claim.toml"),
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

/// Result claims no word list can hold: “3x faster”, “cut costs by 40%”,
/// “40% more leads”.
static RESULT_CLAIM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?-u:\b)[0-9]+(?:[.,][0-9]+)?\s?(?:x|×|times)\s+(?:faster|quicker|more|better|cheaper|higher|bigger|greater|less|fewer|lower|the)(?-u:\b)",
        r"|(?-u:\b)(?:increas|reduc|cut|cutting|boost|improv|grow|grew|sav|lift|rais|lower|doubl|tripl|slash|drop)\w*\s+(?:\w+\s+){0,3}?by\s+(?:up\s+to\s+|over\s+|more\s+than\s+)?[0-9]+(?:[.,][0-9]+)?\s?(?:%|percent(?-u:\b)|x(?-u:\b)|times(?-u:\b))",
        r"|(?-u:\b)[0-9]+(?:[.,][0-9]+)?\s?(?:%|percent)\s+(?:faster|quicker|more|better|cheaper|higher|less|fewer|lower|increase|decrease|reduction|improvement|growth|savings|uplift|boost)(?-u:\b)",
    ))
    .expect("result claim pattern is valid")
});

/// “Guaranteed to double your leads”, “proven to cut costs”: a promised
/// result. “Guaranteed to build” (a technical guarantee) is not one.
static PROMISE_CLAIM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?-u:\b)(?:guaranteed|guarantee|guarantees|proven|promised)\s+to\s+",
        r"(?:double|triple|quadruple|boost|increase|grow|improve|save|cut|reduce|deliver|win|",
        r"make\s+you|get\s+you|transform|skyrocket|maximi[sz]e|multiply|pay\s+for)(?-u:\b)",
        // “guaranteed uptime”, “guaranteed savings”: a benefit promised.
        r"|(?i)(?-u:\b)guaranteed\s+(?:uptime|results|savings|returns|growth|income|profits?|",
        r"approval|success|leads|roi|weight\s+loss|delivery|satisfaction)(?-u:\b)",
    ))
    .expect("promise pattern is valid")
});

/// “The best CRM on the market”: a superlative with a field to rank in.
static BEST_CLAIM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?-u:\b)(?:the|our|is) (?:very )?(?:best|fastest|cheapest|safest|most \w+) (?:[\w-]+ ){0,3}?",
        r"(?:on the market|in the (?:world|industry|business|country|market)|available|ever (?:made|built)|money can buy|out there)(?-u:\b)",
    ))
    .expect("superlative pattern is valid")
});

/// Words that show a source follows or precedes.
const SOURCE_MARKERS: &[&str] = &[
    "according to",
    "source:",
    "sources:",
    "(source",
    "data from",
    "study by",
    "survey by",
    "report by",
];

/// Words that make a sentence a goal or a plan, not a claim: “our goal of
/// 100% renewable power”, “we aim to be carbon neutral by 2030”.
const GOAL_MARKERS: &[&str] = &[
    "goal",
    "goals",
    "aim to",
    "aims to",
    "aiming",
    "our aim",
    "target",
    "targets",
    "plan to",
    "plans to",
    "planning to",
    "strive",
    "striving",
    "working toward",
    "working towards",
    "on track to",
    "committed to",
    "commitment to",
    "pledge",
    "pledged",
    "hope to",
    "want to",
];

/// Words that make a number a measurement reported, not a result claimed
/// for a product: a survey's figures, a benchmark, a status page.
const MEASUREMENT_MARKERS: &[&str] = &[
    "survey",
    "respondents",
    "benchmark",
    "benchmarks",
    "benchmarking",
    "measured",
    "measurements",
    "dashboard",
    "status page",
    "operating at",
    "testing",
    "test cases",
    "test suite",
    "profiling",
    "preliminary",
];

/// Words that make a sentence about the author's organisation or product,
/// what it does for the reader, or for its customers: result claims need
/// one.
const OWN_WORDS: &[&str] = &[
    "we",
    "we're",
    "we’re",
    "we've",
    "we’ve",
    "we'll",
    "we’ll",
    "our",
    "ours",
    "us",
    "you",
    "your",
    "you'll",
    "you’ll",
    "you're",
    "you’re",
    "customers",
    "customer",
    "clients",
    "client",
    "subscribers",
    "buyers",
    "shoppers",
];

/// A “100%” that is effort, not a claim: “give 100%”.
const EFFORT_VERBS: &[&str] = &["give", "gave", "giving", "gives"];

/// A “#1” that numbers a list item, not a rank: “Lesson #1”.
const COUNTED_NOUNS: &[&str] = &[
    "tip", "lesson", "step", "rule", "reason", "mistake", "part", "day", "week", "episode", "ep",
    "chapter", "issue", "item", "question", "point", "takeaway", "myth", "sign", "habit", "truth",
    "priority", "goal", "fan", "level", "round", "phase", "option", "idea", "hack",
];

struct Claims {
    automaton: Option<AhoCorasick>,
    /// For each pattern: its row's `why`.
    needs: Vec<String>,
    /// The guide's `[sharing] employer` names, lowercased.
    employer: Vec<String>,
}

/// A claim found in a block: its prose range, what source it needs, and
/// whether it counts only in a sentence about the author's own
/// organisation or product (result numbers, superlatives).
struct Found {
    range: Range<usize>,
    needs: String,
    own_only: bool,
}

fn build(guide: &Guide) -> Box<dyn Rule> {
    let mut phrases = Vec::new();
    let mut needs = Vec::new();
    for row in &guide.config.sharing.claims {
        for phrase in row.find.as_slice() {
            if guide.allows(phrase) || phrase.trim().is_empty() {
                continue;
            }
            phrases.push(phrase.to_ascii_lowercase());
            needs.push(row.why.clone().unwrap_or_else(|| "a source".to_owned()));
        }
    }
    // This rule keeps its own automaton instead of the shared term matcher:
    // whether a claim is backed depends on the next sentence, which can be
    // in the next block, and per-block findings must depend on their block
    // alone.
    let automaton = (!phrases.is_empty())
        .then(|| {
            AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::LeftmostLongest)
                .build(&phrases)
                .ok()
        })
        .flatten();
    let employer = guide
        .config
        .sharing
        .employer
        .iter()
        .map(|name| name.to_lowercase())
        .collect();
    Box::new(Claims {
        automaton,
        needs,
        employer,
    })
}

/// Sentence `(block, sentence)` positions in reading order.
fn sentences(document: &Document) -> Vec<(usize, usize)> {
    document
        .blocks
        .iter()
        .enumerate()
        .flat_map(|(b, block)| (0..block.sentences.len()).map(move |s| (b, s)))
        .collect()
}

/// Whether a sentence carries a source: a link, a URL, a footnote
/// reference, or a source marker.
fn has_source(block: &Block, sentence: &Range<usize>) -> bool {
    let linked = block.atoms.iter().any(|atom| {
        matches!(
            atom.kind,
            AtomKind::Link | AtomKind::Url | AtomKind::FootnoteRef
        ) && atom.prose.start < sentence.end.max(sentence.start + 1)
            && sentence.start < atom.prose.end.max(atom.prose.start + 1)
    });
    if linked {
        return true;
    }
    let text = block.prose.text[sentence.clone()].to_lowercase();
    SOURCE_MARKERS.iter().any(|marker| text.contains(marker))
}

impl Claims {
    fn claims_in(&self, block: &Block) -> Vec<Found> {
        let text = block.prose.text.as_str();
        let mut found: Vec<Found> = Vec::new();
        if let Some(automaton) = &self.automaton {
            for hit in automaton.find_iter(text) {
                let range = hit.start()..hit.end();
                if !at_word_boundaries(text, &range) {
                    continue;
                }
                let phrase = &text[range.clone()];
                if phrase.starts_with("100") && follows_one_of(text, range.start, EFFORT_VERBS)
                    || phrase == "#1" && follows_one_of(text, range.start, COUNTED_NOUNS)
                    // “in a sustainable fashion” is a manner, not a product.
                    || phrase.ends_with(" fashion") && follows_one_of(text, range.start, &["a", "an"])
                {
                    continue;
                }
                found.push(Found {
                    range,
                    needs: self.needs[hit.pattern().as_usize()].clone(),
                    own_only: false,
                });
            }
        }
        let shapes = [
            (
                &*RESULT_CLAIM,
                "the data behind the result, and who measured it",
                true,
            ),
            (
                &*BEST_CLAIM,
                "a ranking, award or market data, with who measured it",
                false,
            ),
            (&*PROMISE_CLAIM, "the terms of the guarantee", false),
        ];
        // Each shape needs a digit or a superlative; most paragraphs have
        // neither, and a byte scan is far cheaper than the patterns.
        let wanted = [
            text.bytes().any(|b| b.is_ascii_digit()),
            // “best”, “fastest”, “cheapest”, “safest” hold “est”, “most” “ost”.
            text.as_bytes().windows(3).any(|w| {
                matches!(w[0] | 0x20, b'e' | b'o') && w[1] | 0x20 == b's' && w[2] | 0x20 == b't'
            }),
            // “guaranteed to”, “proven to”, “guaranteed uptime”.
            memchr::memmem::find(text.as_bytes(), b" to ").is_some()
                || memchr::memmem::find(text.as_bytes(), b"uaranteed ").is_some(),
        ];
        for ((pattern, needs, own_only), wanted) in shapes.into_iter().zip(wanted) {
            if !wanted {
                continue;
            }
            for hit in pattern.find_iter(text) {
                let range = hit.range();
                if found
                    .iter()
                    .any(|other| other.range.start < range.end && range.start < other.range.end)
                {
                    continue;
                }
                found.push(Found {
                    range,
                    needs: needs.to_owned(),
                    own_only,
                });
            }
        }
        found.sort_by_key(|claim| claim.range.start);
        found
    }

    /// Whether a sentence speaks for the author's organisation or its
    /// product, or promises the reader something: “we”, “our”, “your”, or
    /// an employer name.
    fn about_own(&self, sentence: &str) -> bool {
        let lower = sentence.to_lowercase();
        lower
            .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
            .any(|word| OWN_WORDS.contains(&word))
            || self
                .employer
                .iter()
                .any(|name| !find_phrase(&lower, name).is_empty())
    }
}

/// Whether `sentence` (lowercased) holds one of `markers` as whole words.
fn mentions_any(sentence: &str, markers: &[&str]) -> bool {
    markers
        .iter()
        .any(|marker| !find_phrase(sentence, marker).is_empty())
}

/// Whether the word before `at` is one of `words` (any case).
fn follows_one_of(text: &str, at: usize, words: &[&str]) -> bool {
    let before = text[..at].trim_end().to_ascii_lowercase();
    words.iter().any(|verb| {
        before.strip_suffix(verb).is_some_and(|rest| {
            rest.chars()
                .next_back()
                .is_none_or(|c| !c.is_alphanumeric())
        })
    })
}

impl Rule for Claims {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, cx: &DocumentContext, out: &mut Vec<Finding>) {
        let document = cx.document;
        let order = sentences(document);
        // A block's claims, found once for all its sentences: finding them
        // per sentence scanned each paragraph once per sentence in it.
        let mut claims_of: Option<usize> = None;
        let mut block_claims = Vec::new();
        for (position, &(b, s)) in order.iter().enumerate() {
            let block = &document.blocks[b];
            let sentence = block.sentences[s].clone();
            if claims_of != Some(b) {
                claims_of = Some(b);
                block_claims = self.claims_in(block);
            }
            let sentence_text = &block.prose.text[sentence.clone()];
            let lower = sentence_text.to_lowercase();
            let mut own: Option<bool> = None;
            let claims: Vec<&Found> = block_claims
                .iter()
                .filter(|claim| {
                    sentence.start <= claim.range.start && claim.range.start < sentence.end
                })
                .filter(|claim| {
                    !claim.own_only
                        || (!mentions_any(&lower, MEASUREMENT_MARKERS)
                            && *own.get_or_insert_with(|| self.about_own(sentence_text)))
                })
                .collect();
            if claims.is_empty() || mentions_any(&lower, GOAL_MARKERS) {
                continue;
            }
            let backed = has_source(block, &sentence)
                || order.get(position + 1).is_some_and(|&(nb, ns)| {
                    let next = &document.blocks[nb];
                    has_source(next, &next.sentences[ns])
                });
            if backed {
                continue;
            }
            for claim in claims {
                let written = &block.prose.text[claim.range.clone()];
                out.push(Finding::new(
                    META.id,
                    block.source_range(claim.range.clone()),
                    META.severity,
                    format!("Claim {} needs a source: {}", quote(written), claim.needs),
                ));
            }
        }
    }
}
