//! The prefilter: which rules may match a block or a sentence, found in
//! one pass per block before any rule runs.

use std::collections::HashMap;

use rayon::prelude::*;

use super::literals;
use super::pattern::{PatternSet, SetMatches};
use super::rule::Rule;
use super::scope::UnitKind;
use crate::document::Block;

/// The patterns of every `existence` and `substitution` rule, searched in
/// one pass per block: a rule none of whose patterns matches a unit finds
/// nothing there, so it is not run on it. This keeps the cost of a block
/// from growing with the number of word-list rules.
///
/// Most such patterns need one of a few literals (see [`literals`]): those
/// are searched together by one Aho-Corasick automaton over the block, and
/// a rule runs on a unit (the block, or one of its sentences) only where
/// one of its literals lies wholly inside it. The patterns that need no
/// literal are searched in [`PatternSet`]s, unit by unit.
#[derive(Debug)]
pub(super) struct Prefilter {
    /// Every rule's required literals, ASCII case-insensitive.
    literals: Option<literals::Searcher>,
    /// Per literal (the automaton's pattern id): the rules that need it.
    literal_rules: Vec<Vec<LiteralRule>>,
    set: PatternSet,
    of_rule: Vec<Gate>,
}

/// The shortest literal worth searching for when it may stand anywhere:
/// shorter ones (`.`, `is`) are in most text, so the rule is gated by the
/// pattern sets instead.
const SHORTEST_LITERAL: usize = 3;

/// A rule that needs a literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LiteralRule {
    rule: u32,
    /// Whether the literal must stand between word boundaries (see
    /// [`literals::word_list`]).
    bounded: bool,
    /// Whether the rule's scope can reach a block as a unit, and a
    /// sentence: a literal is recorded only in the units the rule may be
    /// asked about.
    on_blocks: bool,
    on_sentences: bool,
}

/// How the prefilter decides whether a rule may match a unit.
#[derive(Debug, Clone)]
enum Gate {
    /// It cannot tell: the rule always runs.
    Always,
    /// One of the rule's literals must lie in the unit.
    Literals,
    /// The rule's patterns are word lists (see [`literals::word_list`]):
    /// one of its words must stand in the unit between word boundaries,
    /// and its matches start only where one does.
    Words,
    /// One of the patterns numbered so in the prefilter's set must match.
    Set(std::ops::Range<usize>),
}

/// What the prefilter found in one block, searched on first need.
#[derive(Debug, Default)]
pub(super) struct BlockScan {
    /// Whether the block was searched with the automaton.
    scanned: bool,
    /// Per unit (the block, then each sentence), a bit per rule: one of
    /// its literals lies in the unit.
    found: Vec<u64>,
    /// What the sets found in each unit.
    sets: Vec<SetMatches>,
    /// (rule, unit, offset in the unit) where a word of a word-list rule
    /// starts between word boundaries, sorted.
    starts: Vec<(u32, u32, u32)>,
}

impl Prefilter {
    pub(super) fn new(rules: &[Rule]) -> Prefilter {
        let mut sources: Vec<&str> = Vec::new();
        let mut of_rule = vec![Gate::Always; rules.len()];
        let mut literal_ids: HashMap<Vec<u8>, usize> = HashMap::new();
        let mut literal_rules: Vec<Vec<LiteralRule>> = Vec::new();
        // Each rule's patterns, and the literals that gate them: reading
        // the literals parses every pattern again (the word lists are
        // long), so it is done for all rules at once, on every core.
        let mut gated: Vec<Option<(Vec<&str>, Option<GateLiterals>)>> = rules
            .par_iter()
            .map(|rule| {
                rule.check.set_sources().map(|own| {
                    let needed = own
                        .iter()
                        .map(|source| gate_literals(source))
                        .collect::<Option<Vec<_>>>()
                        .map(|sets| sets.concat());
                    (own, needed)
                })
            })
            .collect();
        // Rules that run on sentences first, so that their patterns are in
        // sets of their own and a sentence is searched with those only.
        let mut sentence_sources = 0;
        for sentences in [true, false] {
            if !sentences {
                sentence_sources = sources.len();
            }
            for (index, rule) in rules.iter().enumerate() {
                if rule.scope.reaches(UnitKind::Sentence) != sentences {
                    continue;
                }
                let Some((own, needed)) = gated.get_mut(index).and_then(Option::take) else {
                    continue;
                };
                match (needed, u32::try_from(index)) {
                    (Some(needed), Ok(rule_id)) => {
                        of_rule[index] = if needed.iter().all(|(_, bounded)| *bounded) {
                            Gate::Words
                        } else {
                            Gate::Literals
                        };
                        for (literal, bounded) in needed {
                            let next = literal_rules.len();
                            let id = *literal_ids.entry(literal).or_insert(next);
                            if id == next {
                                literal_rules.push(Vec::new());
                            }
                            let needs = LiteralRule {
                                rule: rule_id,
                                bounded,
                                on_blocks: rule.scope.reaches(UnitKind::Block),
                                on_sentences: rule.scope.reaches(UnitKind::Sentence),
                            };
                            if !literal_rules[id].contains(&needs) {
                                literal_rules[id].push(needs);
                            }
                        }
                    }
                    _ => {
                        let start = sources.len();
                        sources.extend(own);
                        of_rule[index] = Gate::Set(start..sources.len());
                    }
                }
            }
        }
        let mut patterns: Vec<(usize, Vec<u8>)> =
            literal_ids.into_iter().map(|(l, id)| (id, l)).collect();
        patterns.sort();
        let literals = literals::Searcher::new(patterns.iter().map(|(_, literal)| literal));
        if literals.is_none() {
            // Cannot happen for plain literals; if it did, every rule runs.
            for gate in &mut of_rule {
                if matches!(gate, Gate::Literals | Gate::Words) {
                    *gate = Gate::Always;
                }
            }
        }
        Prefilter {
            literals,
            literal_rules,
            set: PatternSet::new(&[&sources[..sentence_sources], &sources[sentence_sources..]]),
            of_rule,
        }
    }

    /// Whether rule `index` may find something in unit `unit` of `block`
    /// (0 for the block, 1 + n for sentence n); `scan` keeps what was
    /// found in the block.
    pub(super) fn may_match(
        &self,
        index: usize,
        block: &Block,
        unit: usize,
        scan: &mut BlockScan,
    ) -> bool {
        match self.of_rule.get(index) {
            Some(Gate::Literals | Gate::Words) => {
                let words = self.of_rule.len().div_ceil(64);
                if !scan.scanned {
                    scan.scanned = true;
                    self.scan(block, words, scan);
                }
                scan.found
                    .get(unit * words + index / 64)
                    .is_some_and(|bits| bits & (1 << (index % 64)) != 0)
            }
            Some(Gate::Set(patterns)) => {
                if scan.sets.len() <= unit {
                    scan.sets.resize_with(unit + 1, SetMatches::default);
                }
                let text = match unit.checked_sub(1) {
                    None => block.text(),
                    Some(n) => block
                        .sentences
                        .get(n)
                        .and_then(|range| block.text().get(range.clone()))
                        .unwrap_or_default(),
                };
                self.set
                    .any_match(patterns.clone(), text, &mut scan.sets[unit])
            }
            _ => true,
        }
    }

    /// The offsets in unit `unit` where a match of rule `index` may start,
    /// when it is a word-list rule (`into` holds them).
    pub(super) fn starts<'a>(
        &self,
        index: usize,
        unit: usize,
        scan: &BlockScan,
        into: &'a mut Vec<usize>,
    ) -> Option<&'a [usize]> {
        if !matches!(self.of_rule.get(index), Some(Gate::Words)) || !scan.scanned {
            return None;
        }
        let key = (u32::try_from(index).ok()?, u32::try_from(unit).ok()?);
        let from = scan.starts.partition_point(|s| (s.0, s.1) < key);
        into.clear();
        into.extend(
            scan.starts[from..]
                .iter()
                .take_while(|s| (s.0, s.1) == key)
                .map(|s| s.2 as usize),
        );
        into.dedup();
        Some(into)
    }

    /// Mark, per unit of `block`, the rules one of whose literals lies in
    /// it, and where word-list rules' words start.
    fn scan(&self, block: &Block, words: usize, scan: &mut BlockScan) {
        let Some(automaton) = &self.literals else {
            return;
        };
        let text = block.text();
        let bytes = text.as_bytes();
        let sentences = &block.sentences;
        let found = &mut scan.found;
        found.clear();
        found.resize(words * (1 + sentences.len()), 0);
        // The first sentence not ending before the hit: hits come by their
        // ends, so it only moves on.
        let mut sentence = 0;
        automaton.each_overlapping(text, |hit| {
            let Some(rules) = self.literal_rules.get(hit.pattern().as_usize()) else {
                return;
            };
            let (start, end) = (hit.start(), hit.end());
            while sentences.get(sentence).is_some_and(|s| s.end < end) {
                sentence += 1;
            }
            // ASCII word boundaries on both sides, as `(?-u:\b)` means, in
            // the block and in the sentence holding the literal (whose
            // edges are the ends of its text).
            let in_sentence = sentences
                .get(sentence)
                .filter(|s| s.start <= start && end <= s.end);
            let bounded = |unit: std::ops::Range<usize>| {
                let word_at = |i: Option<usize>| {
                    i.is_some_and(|i| {
                        unit.contains(&i)
                            && bytes
                                .get(i)
                                .copied()
                                .is_some_and(crate::text::is_ascii_word_byte)
                    })
                };
                let boundary = |i: usize| word_at(i.checked_sub(1)) != word_at(Some(i));
                boundary(start) && boundary(end)
            };
            let in_block = bounded(0..bytes.len());
            let in_its_sentence = in_sentence.is_some_and(|s| bounded(s.clone()));
            for needs in rules {
                let (word, bit) = (needs.rule as usize / 64, 1u64 << (needs.rule % 64));
                if needs.on_blocks && (!needs.bounded || in_block) {
                    found[word] |= bit;
                    if needs.bounded
                        && let Ok(at) = u32::try_from(start)
                    {
                        scan.starts.push((needs.rule, 0, at));
                    }
                }
                if needs.on_sentences
                    && let Some(s) = in_sentence
                    && (!needs.bounded || in_its_sentence)
                {
                    found[(1 + sentence) * words + word] |= bit;
                    if needs.bounded
                        && let (Ok(unit), Ok(at)) =
                            (u32::try_from(1 + sentence), u32::try_from(start - s.start))
                    {
                        scan.starts.push((needs.rule, unit, at));
                    }
                }
            }
        });
        scan.starts.sort_unstable();
    }
}

/// A rule's literals, each with whether it must stand between word
/// boundaries.
type GateLiterals = Vec<(Vec<u8>, bool)>;

/// The literals that gate a pattern, each with whether it must stand
/// between word boundaries; `None` when they would not help.
fn gate_literals(source: &str) -> Option<GateLiterals> {
    if let Some(words) = literals::word_list(source) {
        return Some(words.into_iter().map(|w| (w, true)).collect());
    }
    let needed = literals::required(source)?;
    needed
        .iter()
        .all(|literal| literal.len() >= SHORTEST_LITERAL)
        .then(|| needed.into_iter().map(|l| (l, false)).collect())
}
