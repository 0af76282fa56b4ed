//! Vale's regular expressions, on the fastest engine that can run each.
//!
//! Vale's patterns are Go regexps plus look-around and back-references. The
//! `regex` crate runs most of them in linear time with literal prefilters;
//! `fancy-regex` (a backtracker) runs the rest. Fancy patterns get a
//! prefilter of their own: the pattern with its look-arounds dropped and its
//! back-references widened, which matches wherever the real one could, so
//! the backtracker only sees text that might match.
//!
//! Word boundaries: Go's `\b` is ASCII-only, and so is the `regex` crate's
//! `(?-u:\b)`, which its DFA runs at full speed on any text (a Unicode `\b`
//! sends non-ASCII text to a much slower engine). Patterns are compiled with
//! ASCII boundaries, like Vale; [`unicode_edges`] then drops the matches an
//! ASCII boundary lets through next to a non-ASCII letter ("caf" in "café").
//! A pattern that spells non-ASCII letters itself keeps Unicode boundaries.
//!
//! Budgets: a style's patterns come with the repository and may backtrack
//! without end (`(a|a)+\1b`). The backtracker stops any one search after
//! [`BACKTRACK_LIMIT`] steps, and every search a rule makes on one unit of
//! text runs under a [`Budget`] (see [`with_budget`]) of [`TIME_BUDGET`]:
//! when either runs out, the rule gives up on that text, keeps what it
//! found so far, and the caller reports it once. The `regex` engine needs
//! no budget: it runs in linear time, and its compiled size is capped.

use std::cell::Cell;
use std::ops::Range;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A compiled pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    engine: Engine,
    /// When the pattern's matches are simple runs of characters (see
    /// [`Runs`]): they are found here without the regex engine.
    run_of: Option<Runs>,
    /// The fast engine's pattern for searches anchored where they start
    /// (see [`Pattern::find_ranges_from`]), built on first need.
    anchored: OnceLock<Option<regex_automata::meta::Regex>>,
    /// Whether the pattern keeps Unicode word boundaries (it spells
    /// non-ASCII letters), which the lazy DFA cannot run on non-ASCII text.
    unicode_boundaries: bool,
}

#[derive(Debug, Clone)]
enum Engine {
    Fast(regex::Regex),
    Fancy(Box<Fancy>),
}

#[derive(Debug, Clone)]
struct Fancy {
    regex: fancy_regex::Regex,
    /// `regex` anchored where a search starts (`\G`), to verify one
    /// candidate without scanning on.
    anchored: Option<fancy_regex::Regex>,
    prefilter: Option<regex::Regex>,
}

/// One match: its range and its capture groups (index 0 is the match).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub range: Range<usize>,
    pub groups: Vec<Option<Range<usize>>>,
}

/// The compiled size a pattern may reach (the `regex` default is 10 MiB). A
/// pattern near it takes long to compile, so it is kept close to the default.
const SIZE_LIMIT: usize = 16 * 1024 * 1024;

/// Backtracking steps one search of the backtracker may take.
pub const BACKTRACK_LIMIT: usize = 100_000;

/// Time all searches of one rule on one unit of text may take together.
pub const TIME_BUDGET: Duration = Duration::from_secs(2);

/// The budget of the searches running on this thread.
#[derive(Debug, Clone, Copy)]
struct Budget {
    /// Set by the first look at the budget: only the backtracker looks,
    /// and most rules never run it, so reading the clock for each of the
    /// tens of thousands of units a check runs rules on would be waste.
    /// The linear-time searches a rule may run before its first
    /// backtracking one are not counted.
    deadline: Option<Instant>,
    gave_up: bool,
}

thread_local! {
    static BUDGET: Cell<Option<Budget>> = const { Cell::new(None) };
}

/// Run `searches` (a rule on one unit of text) under a fresh budget;
/// returns its result and whether a search gave up.
pub fn with_budget<T>(searches: impl FnOnce() -> T) -> (T, bool) {
    let outer = BUDGET.replace(Some(Budget {
        deadline: None,
        gave_up: false,
    }));
    let result = searches();
    let gave_up = BUDGET.replace(outer).is_some_and(|budget| budget.gave_up);
    (result, gave_up)
}

/// Whether the searches may go on: false once the budget ran out (and from
/// then on, until the budget ends). Without a budget, searches are bounded
/// only by the backtracking limit.
fn budget_left() -> bool {
    BUDGET.with(|cell| match cell.get() {
        None => true,
        Some(budget) if budget.gave_up => false,
        Some(Budget { deadline: None, .. }) => {
            cell.set(Some(Budget {
                deadline: Some(Instant::now() + TIME_BUDGET),
                gave_up: false,
            }));
            true
        }
        Some(Budget {
            deadline: Some(deadline),
            ..
        }) if Instant::now() >= deadline => {
            give_up();
            false
        }
        Some(_) => true,
    })
}

fn give_up() {
    BUDGET.with(|cell| {
        if let Some(mut budget) = cell.get() {
            budget.gave_up = true;
            cell.set(Some(budget));
        }
    });
}

impl Pattern {
    pub fn compile(pattern: &str) -> Result<Pattern, String> {
        let unicode_boundaries = has_non_ascii_word_char(pattern);
        let translated = if unicode_boundaries {
            pattern.to_owned()
        } else {
            ascii_boundaries(pattern)
        };
        let fast = regex::RegexBuilder::new(&translated)
            .size_limit(SIZE_LIMIT)
            .dfa_size_limit(SIZE_LIMIT)
            .build();
        match fast {
            Ok(regex) => Ok(Pattern {
                run_of: Runs::of(&translated),
                engine: Engine::Fast(regex),
                anchored: OnceLock::new(),
                unicode_boundaries,
            }),
            Err(fast_error) => {
                let regex = fancy_regex::RegexBuilder::new(pattern)
                    .backtrack_limit(BACKTRACK_LIMIT)
                    .delegate_size_limit(SIZE_LIMIT)
                    .delegate_dfa_size_limit(SIZE_LIMIT)
                    .build()
                    .map_err(|fancy_error| match fast_error {
                        regex::Error::CompiledTooBig(_) => fast_error.to_string(),
                        _ => fancy_error.to_string(),
                    })?;
                let prefilter = regex::RegexBuilder::new(&relaxed(&translated))
                    .size_limit(SIZE_LIMIT)
                    .dfa_size_limit(SIZE_LIMIT)
                    .build()
                    .ok();
                let anchored = fancy_regex::RegexBuilder::new(&format!("\\G(?:{pattern})"))
                    .backtrack_limit(BACKTRACK_LIMIT)
                    .delegate_size_limit(SIZE_LIMIT)
                    .delegate_dfa_size_limit(SIZE_LIMIT)
                    .build()
                    .ok();
                Ok(Pattern {
                    engine: Engine::Fancy(Box::new(Fancy {
                        regex,
                        anchored,
                        prefilter,
                    })),
                    anchored: OnceLock::new(),
                    run_of: None,
                    unicode_boundaries,
                })
            }
        }
    }

    /// The `regex` syntax of a pattern the fast engine runs with ASCII word
    /// boundaries: one that can join a [`regex::RegexSet`] searching many
    /// patterns in one pass (see [`PatternSet`]).
    ///
    /// For a pattern the backtracker runs, this is its prefilter (the
    /// pattern without look-arounds, see [`relaxed`]), which matches
    /// wherever the pattern can: a set or a literal read from it may let a
    /// text through that the pattern then rejects, never the reverse.
    pub fn set_source(&self) -> Option<&str> {
        if self.unicode_boundaries {
            return None;
        }
        self.fast_source()
    }

    /// The source of the engine that runs this pattern: two patterns with
    /// the same source find the same matches.
    pub fn source(&self) -> &str {
        match &self.engine {
            Engine::Fast(regex) => regex.as_str(),
            Engine::Fancy(fancy) => fancy.regex.as_str(),
        }
    }

    /// The source of the `regex` pattern that runs this pattern (the fast
    /// engine's) or prefilters it (the backtracker's).
    fn fast_source(&self) -> Option<&str> {
        match &self.engine {
            Engine::Fast(regex) => Some(regex.as_str()),
            Engine::Fancy(fancy) => fancy.prefilter.as_ref().map(regex::Regex::as_str),
        }
    }

    /// How many capture groups `pattern` has (with the whole match, as
    /// [`Pattern::group_count`] says) and whether it needs the
    /// backtracker, read from its syntax when the fast engine can parse it
    /// (much cheaper than compiling it); compiled only when not. An error
    /// is what [`Pattern::compile`] would say, except that a pattern too
    /// big to compile is found out only when compiled.
    pub fn shape(pattern: &str) -> Result<(usize, bool), String> {
        let translated = if has_non_ascii_word_char(pattern) {
            pattern.to_owned()
        } else {
            ascii_boundaries(pattern)
        };
        match super::literals::parse(&translated) {
            Some(hir) => Ok((hir.properties().explicit_captures_len() + 1, false)),
            None => Pattern::compile(pattern).map(|p| (p.group_count(), p.is_fancy())),
        }
    }

    pub fn is_fancy(&self) -> bool {
        matches!(self.engine, Engine::Fancy(_))
    }

    pub fn is_match(&self, text: &str) -> bool {
        match &self.engine {
            Engine::Fast(regex) => regex.is_match(text),
            Engine::Fancy(fancy) => {
                fancy.prefilter.as_ref().is_none_or(|p| p.is_match(text))
                    && budget_left()
                    && fancy.regex.is_match(text).unwrap_or_else(|_| {
                        give_up();
                        false
                    })
            }
        }
    }

    /// Match ranges, left to right, without overlaps.
    pub fn find_ranges(&self, text: &str) -> Vec<Range<usize>> {
        if let Some(runs) = &self.run_of {
            return runs.find(text);
        }
        match &self.engine {
            Engine::Fast(regex) => regex.find_iter(text).map(|m| m.range()).collect(),
            Engine::Fancy(_) => self.captures(text).into_iter().map(|m| m.range).collect(),
        }
    }

    /// How many matches [`Pattern::find_ranges`] finds.
    pub fn count(&self, text: &str) -> usize {
        if let Some(runs) = &self.run_of {
            return runs.count(text);
        }
        match &self.engine {
            Engine::Fast(regex) => regex.find_iter(text).count(),
            Engine::Fancy(_) => self.captures(text).len(),
        }
    }

    /// Matches with their capture groups.
    pub fn captures(&self, text: &str) -> Vec<Found> {
        match &self.engine {
            Engine::Fast(regex) => regex
                .captures_iter(text)
                .map(|caps| Found {
                    range: caps.get(0).map_or(0..0, |m| m.range()),
                    groups: caps.iter().map(|g| g.map(|m| m.range())).collect(),
                })
                .collect(),
            Engine::Fancy(fancy) => match (&fancy.anchored, &fancy.prefilter) {
                (Some(anchored), Some(prefilter)) => fancy_at_candidates(anchored, prefilter, text),
                _ => {
                    let mut found = Vec::new();
                    for caps in fancy.regex.captures_iter(text) {
                        match caps {
                            Ok(caps) if budget_left() => found.push(fancy_found(&caps)),
                            Ok(_) => break,
                            Err(_) => {
                                give_up();
                                break;
                            }
                        }
                    }
                    found
                }
            },
        }
    }

    /// The fast engine's pattern (or the backtracker's prefilter) built to
    /// search anchored at a position, with the same syntax and match
    /// semantics as `regex::Regex`.
    fn anchored(&self) -> Option<&regex_automata::meta::Regex> {
        let source = self.fast_source()?;
        self.anchored
            .get_or_init(|| {
                regex_automata::meta::Builder::new()
                    .configure(
                        regex_automata::meta::Config::new()
                            .match_kind(regex_automata::MatchKind::LeftmostFirst)
                            .utf8_empty(true)
                            .nfa_size_limit(Some(SIZE_LIMIT)),
                    )
                    .syntax(regex_automata::util::syntax::Config::new().utf8(true))
                    .build(source)
                    .ok()
            })
            .as_ref()
    }

    /// [`Pattern::find_ranges`] when every match is known to start at one of
    /// `starts` (sorted): the pattern is tried only there, anchored, with
    /// all of `text` around it as context. The matches are the same, left
    /// to right without overlaps; a pattern the fast engine does not run
    /// searches the whole text.
    pub fn find_ranges_from(&self, text: &str, starts: &[usize]) -> Vec<Range<usize>> {
        self.captures_from(text, starts, false)
            .into_iter()
            .map(|found| found.range)
            .collect()
    }

    /// [`Pattern::captures`] when every match is known to start at one of
    /// `starts` (as [`Pattern::find_ranges_from`]).
    pub fn captures_from(&self, text: &str, starts: &[usize], groups: bool) -> Vec<Found> {
        let Some(anchored) = self.anchored() else {
            return self.everywhere(text, groups);
        };
        if let Engine::Fancy(fancy) = &self.engine {
            return match &fancy.anchored {
                Some(verify) => fancy_at_starts(verify, anchored, text, starts),
                None => self.everywhere(text, groups),
            };
        }
        let mut found = Vec::new();
        let mut caps = anchored.create_captures();
        let mut at = 0;
        for &start in starts {
            if start < at || start > text.len() {
                continue;
            }
            let input = regex_automata::Input::new(text)
                .span(start..text.len())
                .anchored(regex_automata::Anchored::Yes);
            let one = if groups {
                anchored.search_captures(&input, &mut caps);
                caps.get_match().map(|m| Found {
                    range: m.range(),
                    groups: (0..caps.group_len())
                        .map(|g| caps.get_group(g).map(|span| span.range()))
                        .collect(),
                })
            } else {
                anchored.search(&input).map(|m| Found {
                    range: m.range(),
                    groups: Vec::new(),
                })
            };
            // An empty match would not move the search on: leave such
            // patterns to the full search.
            match one {
                Some(one) if one.range.is_empty() => return self.everywhere(text, groups),
                Some(one) => {
                    at = one.range.end;
                    found.push(one);
                }
                None => {}
            }
        }
        found
    }

    /// Every match in `text`, with its groups if asked for.
    fn everywhere(&self, text: &str, groups: bool) -> Vec<Found> {
        if groups {
            return self.captures(text);
        }
        self.find_ranges(text)
            .into_iter()
            .map(|range| Found {
                range,
                groups: Vec::new(),
            })
            .collect()
    }

    /// The index of a named group.
    pub fn group_index(&self, name: &str) -> Option<usize> {
        match &self.engine {
            Engine::Fast(regex) => regex.capture_names().position(|n| n == Some(name)),
            Engine::Fancy(fancy) => fancy.regex.capture_names().position(|n| n == Some(name)),
        }
    }

    /// Number of groups, the whole match included.
    pub fn group_count(&self) -> usize {
        match &self.engine {
            Engine::Fast(regex) => regex.captures_len(),
            Engine::Fancy(fancy) => fancy.regex.captures_len(),
        }
    }
}

/// Many fast patterns searched together: whether any of some of them
/// matches a text anywhere, each as its own [`Pattern::is_match`] would
/// say (or, for a pattern the backtracker runs, wherever it could: see
/// [`Pattern::set_source`]). The patterns come in groups that are searched
/// on different texts (sentences, blocks); each group is split into sets
/// of at most [`SET_CHUNK`], so each set's lazy DFA stays small enough to
/// keep its states, and a text is searched only with the sets asked about,
/// never with another group's patterns. A set that does not compile
/// reports all of its patterns as matching.
#[derive(Debug)]
pub struct PatternSet {
    sets: Vec<Option<regex::RegexSet>>,
    /// Per pattern, numbered across the groups: its set, and its index
    /// there.
    at: Vec<(usize, usize)>,
}

/// What a [`PatternSet`] found in one text, set by set as it was asked.
#[derive(Debug, Default)]
pub struct SetMatches {
    sets: Vec<Option<Vec<bool>>>,
}

/// Patterns per [`regex::RegexSet`] of a [`PatternSet`]. Measured on the
/// seven public packages (docs/vale.md, "Speed"): 8 or 32 cost about the
/// same, 64 makes the lazy DFA thrash and the check ten times slower. Their
/// 31 block patterns in one set of 32 make the check about 3% faster than
/// in two sets (16 and 15), measured interleaved.
const SET_CHUNK: usize = 32;

/// The lazy DFA cache of one set of a [`PatternSet`].
const SET_DFA_LIMIT: usize = 8 * 1024 * 1024;

impl PatternSet {
    /// Sets of the patterns given by [`Pattern::set_source`], in groups;
    /// the patterns are numbered across the groups, in order.
    pub fn new(groups: &[&[&str]]) -> PatternSet {
        let mut sets = Vec::new();
        let mut at = Vec::new();
        for chunk in groups.iter().flat_map(|group| group.chunks(SET_CHUNK)) {
            at.extend((0..chunk.len()).map(|k| (sets.len(), k)));
            sets.push(
                regex::RegexSetBuilder::new(chunk)
                    .size_limit(SIZE_LIMIT)
                    .dfa_size_limit(SET_DFA_LIMIT)
                    .build()
                    .ok(),
            );
        }
        PatternSet { sets, at }
    }

    /// Whether one of the patterns numbered `patterns` matches somewhere in
    /// `text`; `found` keeps what each set found in `text`.
    pub fn any_match(&self, patterns: Range<usize>, text: &str, found: &mut SetMatches) -> bool {
        found.sets.resize(self.sets.len(), None);
        patterns.into_iter().any(|index| {
            let Some(&(chunk, at)) = self.at.get(index) else {
                return true;
            };
            let (Some(set), Some(slot)) = (self.sets.get(chunk), found.sets.get_mut(chunk)) else {
                return true;
            };
            let matched = slot.get_or_insert_with(|| match set {
                Some(set) => {
                    let matches = set.matches(text);
                    (0..set.len()).map(|k| matches.matched(k)).collect()
                }
                None => vec![true; SET_CHUNK],
            });
            matched.get(at).copied().unwrap_or(true)
        })
    }
}

/// The longest pattern [`Runs::of`] reads: a class may list many
/// characters, but a longer pattern just runs on the regex engine, which
/// finds the same matches.
const RUNS_LONGEST: usize = 512;

/// Patterns whose matches are runs of characters, found without the
/// regex engine, exactly as it would find them.
#[derive(Debug, Clone)]
enum Runs {
    /// One class repeated once or more, greedily (`[^\s]+`, `(\w+)`): the
    /// longest runs of the class's characters.
    Class(CharClass),
    /// `\w+` between ASCII word boundaries, greedily (Vale's `\b(\w+)\b`
    /// after [`ascii_boundaries`]): see [`bounded_words`].
    BoundedWords,
}

impl Runs {
    /// The shortcut for `pattern` (in the `regex` crate's syntax), if it
    /// has one.
    fn of(pattern: &str) -> Option<Runs> {
        use regex_syntax::hir::{Class, HirKind, Look};
        // Each shape repeats a class once or more (`+` or `{1,}`) and is
        // short: a pattern without either is not parsed at all (the word
        // lists, thousands of bytes long, are most of a style's patterns).
        if pattern.len() > RUNS_LONGEST || !(pattern.contains('+') || pattern.contains("{1,")) {
            return None;
        }
        let hir = super::literals::parse(pattern)?;
        fn strip(mut hir: &regex_syntax::hir::Hir) -> &regex_syntax::hir::Hir {
            while let HirKind::Capture(capture) = hir.kind() {
                hir = &capture.sub;
            }
            hir
        }
        let greedy_class = |hir: &regex_syntax::hir::Hir| match strip(hir).kind() {
            HirKind::Repetition(r) if r.min == 1 && r.max.is_none() && r.greedy => {
                match r.sub.kind() {
                    HirKind::Class(Class::Unicode(class)) => Some(class.clone()),
                    _ => None,
                }
            }
            _ => None,
        };
        let hir = strip(&hir);
        if let Some(class) = greedy_class(hir) {
            return Some(Runs::Class(CharClass::new(&class)));
        }
        let HirKind::Concat(parts) = hir.kind() else {
            return None;
        };
        let boundary =
            |part: &regex_syntax::hir::Hir| matches!(part.kind(), HirKind::Look(Look::WordAscii));
        // Unicode `\w`, parsed once.
        static WORD: std::sync::LazyLock<Option<regex_syntax::hir::Hir>> =
            std::sync::LazyLock::new(|| regex_syntax::parse(r"\w").ok());
        let word = WORD.as_ref()?;
        let is_word = |class: regex_syntax::hir::ClassUnicode| matches!(word.kind(), HirKind::Class(Class::Unicode(w)) if *w == class);
        match parts.as_slice() {
            [before, middle, after]
                if boundary(before)
                    && boundary(after)
                    && greedy_class(middle).is_some_and(is_word) =>
            {
                Some(Runs::BoundedWords)
            }
            _ => None,
        }
    }

    /// Each match, left to right.
    fn each(&self, text: &str, found: impl FnMut(Range<usize>)) {
        match self {
            Runs::Class(class) => class_runs(class, text, found),
            Runs::BoundedWords => bounded_words(text, found),
        }
    }

    fn find(&self, text: &str) -> Vec<Range<usize>> {
        let mut found = Vec::new();
        self.each(text, |range| found.push(range));
        found
    }

    fn count(&self, text: &str) -> usize {
        if matches!(self, Runs::BoundedWords) && text.is_ascii() {
            return ascii_word_starts(text.as_bytes());
        }
        let mut count = 0;
        self.each(text, |_| count += 1);
        count
    }
}

/// A Unicode class, with a bitmap for ASCII.
#[derive(Debug, Clone)]
struct CharClass {
    ascii: u128,
    /// The class's ranges, sorted.
    ranges: Vec<(char, char)>,
}

impl CharClass {
    fn new(class: &regex_syntax::hir::ClassUnicode) -> CharClass {
        let ranges: Vec<(char, char)> = class
            .ranges()
            .iter()
            .map(|r| (r.start(), r.end()))
            .collect();
        let mut ascii = 0u128;
        for &(low, high) in &ranges {
            for c in low..=high.min('\u{7f}') {
                ascii |= 1 << (c as u32);
            }
        }
        CharClass { ascii, ranges }
    }

    fn contains(&self, c: char) -> bool {
        if c.is_ascii() {
            return self.ascii & (1 << (c as u32)) != 0;
        }
        self.ranges
            .binary_search_by(|&(low, high)| {
                if c < low {
                    std::cmp::Ordering::Greater
                } else if c > high {
                    std::cmp::Ordering::Less
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }
}

/// The longest runs of characters in `class`, left to right: the matches
/// of the class repeated, greedy and leftmost.
fn class_runs(class: &CharClass, text: &str, mut found: impl FnMut(Range<usize>)) {
    let mut start = None;
    for_each_char(text, |at, c| match (class.contains(c), start) {
        (true, None) => start = Some(at),
        (false, Some(from)) => {
            found(from..at);
            start = None;
        }
        _ => {}
    });
    if let Some(from) = start {
        found(from..text.len());
    }
}

/// Each character of `text` with its offset, as `char_indices` gives them,
/// with ASCII read byte by byte (prose is mostly ASCII).
#[inline]
fn for_each_char(text: &str, mut each: impl FnMut(usize, char)) {
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(&byte) = bytes.get(at) {
        if byte.is_ascii() {
            each(at, char::from(byte));
            at += 1;
        } else if let Some(c) = text.get(at..).and_then(|rest| rest.chars().next()) {
            each(at, c);
            at += c.len_utf8();
        } else {
            break;
        }
    }
}

/// How many runs of ASCII word characters `bytes` holds: the number of
/// [`bounded_words`] matches in ASCII text, where `\w` and the ASCII
/// boundary see the same characters as word characters. Microsoft's
/// SentenceLength counts the words of every sentence; this form has no
/// branches, so the compiler vectorises it.
fn ascii_word_starts(bytes: &[u8]) -> usize {
    let word = |byte: &u8| usize::from(crate::text::is_ascii_word_byte(*byte));
    let first = bytes.first().map_or(0, word);
    first
        + bytes
            .iter()
            .zip(bytes.iter().skip(1))
            .map(|(before, at)| word(at) & (1 - word(before)))
            .sum::<usize>()
}

/// The matches of `(?-u:\b)\w+(?-u:\b)`: a Unicode word character run
/// between boundaries that see only ASCII letters, digits and `_` as word
/// characters, as the regex engine finds them.
///
/// Inside a longest run of `\w` characters, the ASCII boundary holds
/// where the run starts with an ASCII word character, where it turns from
/// ASCII to other word characters or back, and where it ends after an
/// ASCII one; nowhere else, and never outside runs (the characters around
/// a run are not word characters, so not ASCII ones). A match starts at
/// the first boundary of a run and, the repetition being greedy, ends at
/// its last; the search then goes on after it, where no boundary of the
/// run is left. So each run holds one match, from its first boundary to
/// its last, when it has two (it holds an ASCII word character), and none
/// otherwise ("日本" has no boundary; "café" matches "caf").
fn bounded_words(text: &str, mut found: impl FnMut(Range<usize>)) {
    // A run of word characters holds one match, from its first ASCII word
    // character to the end of its last (ASCII boundaries see other
    // characters as non-word). ASCII words are skipped in a tight byte
    // loop; other characters are decoded.
    let bytes = text.as_bytes();
    // In the run being read: its first ASCII word character, and the end
    // of its last.
    let (mut first, mut last) = (None, None);
    let mut at = 0;
    loop {
        let byte = bytes.get(at).copied();
        if byte.is_some_and(crate::text::is_ascii_word_byte) {
            first.get_or_insert(at);
            at += bytes[at..]
                .iter()
                .position(|&b| !crate::text::is_ascii_word_byte(b))
                .unwrap_or(bytes.len() - at);
            last = Some(at);
            continue;
        }
        // Any other character: a word character continues the run, and
        // anything else (or the end) closes it.
        let other = match byte {
            Some(byte) if !byte.is_ascii() => text
                .get(at..)
                .and_then(|rest| rest.chars().next())
                .map(|c| (regex_syntax::is_word_character(c), c.len_utf8())),
            Some(_) => Some((false, 1)),
            None => None,
        };
        if let Some((true, len)) = other {
            at += len;
            continue;
        }
        if let (Some(first), Some(last)) = (first.take(), last.take()) {
            found(first..last);
        }
        match other {
            Some((_, len)) => at += len,
            None => break,
        }
    }
}

fn fancy_found(caps: &fancy_regex::Captures<'_, str>) -> Found {
    Found {
        range: caps.get(0).map_or(0..0, |m| m.range()),
        groups: caps.iter().map(|g| g.map(|m| m.range())).collect(),
    }
}

/// How far past a candidate the backtracker may look (for look-aheads).
const WINDOW: usize = 512;

/// Run the backtracker only where the prefilter found a candidate: the
/// anchored pattern must match right at the candidate's start, within a
/// window of text after it (all text before it stays visible to
/// look-behinds). A rejected candidate moves the search one character on,
/// so no match is missed. A search over its backtracking limit, or the
/// budget running out, ends the run with what was found so far.
fn fancy_at_candidates(
    anchored: &fancy_regex::Regex,
    prefilter: &regex::Regex,
    text: &str,
) -> Vec<Found> {
    fancy_each(anchored, text, |at| {
        prefilter
            .find_at(text, at)
            .map(|candidate| candidate.range())
    })
}

/// [`fancy_at_candidates`] when every candidate is known to start at one
/// of `starts` (sorted): the prefilter is tried anchored there instead of
/// searched for, so the candidates, and the matches, are the same.
fn fancy_at_starts(
    verify: &fancy_regex::Regex,
    prefilter: &regex_automata::meta::Regex,
    text: &str,
    starts: &[usize],
) -> Vec<Found> {
    let mut rest = starts;
    fancy_each(verify, text, |at| {
        while let Some((&start, tail)) = rest.split_first() {
            rest = tail;
            if start < at || start > text.len() {
                continue;
            }
            let input = regex_automata::Input::new(text)
                .span(start..text.len())
                .anchored(regex_automata::Anchored::Yes);
            if let Some(candidate) = prefilter.search(&input) {
                return Some(candidate.range());
            }
        }
        None
    })
}

/// Verify candidates left to right: `next_candidate(at)` gives the first
/// candidate starting at `at` or later.
fn fancy_each(
    verify: &fancy_regex::Regex,
    text: &str,
    mut next_candidate: impl FnMut(usize) -> Option<Range<usize>>,
) -> Vec<Found> {
    let mut found = Vec::new();
    let mut at = 0;
    while at <= text.len() {
        let Some(candidate) = next_candidate(at) else {
            break;
        };
        match fancy_at(verify, text, candidate, &mut found) {
            Some(next) => at = next,
            None => break,
        }
    }
    found
}

/// Verify one candidate (a prefilter match) with the backtracker anchored
/// at its start, looking at most [`WINDOW`] bytes past its end; a match
/// goes to `found`. Returns where the search goes on, or `None` when it
/// must stop (the budget ran out).
fn fancy_at(
    anchored: &fancy_regex::Regex,
    text: &str,
    candidate: Range<usize>,
    found: &mut Vec<Found>,
) -> Option<usize> {
    if !budget_left() {
        return None;
    }
    let start = candidate.start;
    let mut end = (candidate.end + WINDOW).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let next = text[start..]
        .chars()
        .next()
        .map_or(start + 1, |c| start + c.len_utf8());
    match anchored.captures_from_pos(&text[..end], start) {
        Ok(Some(caps)) if caps.get(0).is_some_and(|m| m.start() == start) => {
            let one = fancy_found(&caps);
            let after = if one.range.end > start {
                one.range.end
            } else {
                next
            };
            found.push(one);
            Some(after)
        }
        Ok(_) => Some(next),
        Err(_) => {
            give_up();
            None
        }
    }
}

/// Whether a match that an ASCII `\b` accepted also sits on Unicode word
/// edges: a match starting (ending) with an ASCII word character must not
/// continue a non-ASCII word on that side.
pub fn unicode_edges(text: &str, range: &Range<usize>) -> bool {
    let is_ascii_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let starts_word = text[range.clone()]
        .chars()
        .next()
        .is_some_and(is_ascii_word);
    let ends_word = text[range.clone()]
        .chars()
        .next_back()
        .is_some_and(is_ascii_word);
    let before_ok = !starts_word
        || text[..range.start]
            .chars()
            .next_back()
            .is_none_or(|c| c.is_ascii() || !c.is_alphanumeric());
    let after_ok = !ends_word
        || text[range.end..]
            .chars()
            .next()
            .is_none_or(|c| c.is_ascii() || !c.is_alphanumeric());
    before_ok && after_ok
}

fn has_non_ascii_word_char(pattern: &str) -> bool {
    pattern
        .chars()
        .any(|c| !c.is_ascii() && c.is_alphanumeric())
}

/// Rewrite `\b` and `\B` outside character classes as their ASCII forms.
fn ascii_boundaries(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut chars = pattern.chars().peekable();
    let mut class_depth = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('b') if class_depth == 0 => out.push_str("(?-u:\\b)"),
                Some('B') if class_depth == 0 => out.push_str("(?-u:\\B)"),
                Some(next) => {
                    out.push('\\');
                    out.push(next);
                }
                None => out.push('\\'),
            },
            '[' => {
                class_depth += 1;
                out.push(c);
                // A `]` right after `[` or `[^` is a literal.
                if chars.peek() == Some(&'^') {
                    out.push('^');
                    chars.next();
                }
                if chars.peek() == Some(&']') {
                    out.push(']');
                    chars.next();
                }
            }
            ']' if class_depth > 0 => {
                class_depth -= 1;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// A pattern that matches wherever `pattern` can: look-behinds and
/// negative look-aheads removed, positive look-aheads made plain groups
/// (`I(?=\s)` becomes `I(?:\s)`: its matches start where the pattern's
/// do, and run on over what the look-ahead saw), back-references widened
/// to any text, atomic groups made plain.
fn relaxed(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len());
    let mut i = 0;
    let mut in_class = false;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            let next = chars[i + 1];
            if !in_class && next.is_ascii_digit() && next != '0' {
                out.push_str("(?s:.*?)");
            } else {
                out.push(c);
                out.push(next);
            }
            i += 2;
            continue;
        }
        if in_class {
            if c == ']' {
                in_class = false;
            }
            out.push(c);
            i += 1;
            continue;
        }
        if c == '[' {
            in_class = true;
            out.push(c);
            i += 1;
            continue;
        }
        if c == '(' {
            let rest: String = chars[i..chars.len().min(i + 4)].iter().collect();
            if rest.starts_with("(?=") {
                out.push_str("(?:");
                i += 3;
                continue;
            }
            if rest.starts_with("(?!") || rest.starts_with("(?<=") || rest.starts_with("(?<!") {
                i = skip_group(&chars, i);
                continue;
            }
            if rest.starts_with("(?>") {
                out.push_str("(?:");
                i += 3;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// The index just after the group opening at `start`.
fn skip_group(chars: &[char], start: usize) -> usize {
    let mut depth = 0usize;
    let mut i = start;
    let mut in_class = false;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' if !in_class => in_class = true,
            ']' if in_class => in_class = false,
            '(' if !in_class => depth += 1,
            ')' if !in_class => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    chars.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_patterns_use_the_fast_engine_with_ascii_boundaries() {
        let pattern = Pattern::compile(r"(?i)\b(?:very|really)\b").unwrap();
        assert!(!pattern.is_fancy());
        let text = "It’s “really” very — done";
        let found: Vec<&str> = pattern
            .find_ranges(text)
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert_eq!(found, ["really", "very"]);
    }

    #[test]
    fn non_ascii_neighbours_are_not_boundaries() {
        let pattern = Pattern::compile(r"\b(?:caf)\b").unwrap();
        let text = "café caf";
        let kept: Vec<Range<usize>> = pattern
            .find_ranges(text)
            .into_iter()
            .filter(|r| unicode_edges(text, r))
            .collect();
        assert_eq!(kept, std::slice::from_ref(&(6..9)));
    }

    #[test]
    fn look_around_and_backreferences_use_fancy_regex() {
        let pattern = Pattern::compile(r"(?i)\b(?:it is(?!\.))\b").unwrap();
        assert!(pattern.is_fancy());
        assert_eq!(
            pattern.find_ranges("It is done. So it is."),
            std::slice::from_ref(&(0..5))
        );
        let repeated = Pattern::compile(r"\b(\w+) \1\b").unwrap();
        assert_eq!(
            repeated.find_ranges("the the end"),
            std::slice::from_ref(&(0..7))
        );
        // Variable-length look-behind (Google.Colons).
        let colons = Pattern::compile(r"(?<!:[^ ]+?):\s[A-Z]").unwrap();
        assert_eq!(
            colons.find_ranges("Note: Use it. a:b: X"),
            std::slice::from_ref(&(4..7))
        );
    }

    #[test]
    fn a_shape_read_from_syntax_is_what_compiling_says() {
        // Substitution keys are read, not compiled, at load: their groups
        // (for `$1` in the replacement) and engine must be the same.
        for source in [
            r"utili[sz]e",
            r"(?i)(\w+)-(\w+)",
            r"(?:a|b)(c)?",
            r"(?P<name>x)(y)",
            r"ſtraße (\d+)",
            r"it is(?!\.)",
            r"\b(\w+) \1\b",
            r"(?<=a)(b)(c)",
            r"\bcafé\b",
        ] {
            let compiled = Pattern::compile(source).unwrap();
            assert_eq!(
                Pattern::shape(source),
                Ok((compiled.group_count(), compiled.is_fancy())),
                "{source}"
            );
        }
        // A key that does not parse gets compiling's own error.
        let error = Pattern::compile(r"a(b").expect_err("an unclosed group");
        assert_eq!(Pattern::shape(r"a(b"), Err(error));
    }

    #[test]
    fn a_runaway_backtracker_gives_up_within_its_budget() {
        let pattern = Pattern::compile(r"(a|a)+\1b").unwrap();
        assert!(pattern.is_fancy());
        // The `b` at the end gives the prefilter candidates to try.
        let text = format!("{}c b", "a".repeat(3000));
        let (found, gave_up) = with_budget(|| pattern.find_ranges(&text));
        assert!(found.is_empty());
        assert!(gave_up, "the search should report that it gave up");
        // A pattern that finishes reports nothing.
        let fine = Pattern::compile(r"(\w+) \1").unwrap();
        let (found, gave_up) = with_budget(|| fine.find_ranges("go go"));
        assert_eq!(found, std::slice::from_ref(&(0..5)));
        assert!(!gave_up);
    }

    #[test]
    fn a_pattern_set_agrees_with_each_pattern() {
        // More patterns than one set holds, with anchors, case and word
        // boundaries: the set must say what each pattern says on its own.
        let mut sources = vec![
            r"(?m)^Note",
            r"(?i)\b(?:very|really)\b",
            r"(?m)\b(?:in order to)\b",
            r"\d{4}-\d{2}",
            r"(?m)end$",
        ];
        let words: Vec<String> = (0..SET_CHUNK + 4)
            .map(|i| format!(r"(?m)\b(?:word{i})\b"))
            .collect();
        sources.extend(words.iter().map(String::as_str));
        let patterns: Vec<Pattern> = sources
            .iter()
            .map(|p| Pattern::compile(p).unwrap())
            .collect();
        let set_sources: Vec<&str> = patterns.iter().filter_map(Pattern::set_source).collect();
        assert_eq!(set_sources.len(), patterns.len());
        let set = PatternSet::new(&[&set_sources[..2], &set_sources[2..]]);
        let last = format!("word{}", SET_CHUNK + 2);
        for text in [
            "Note: it is Really done by 2024-05, the end",
            "a note: in order to go, word3 and",
            last.as_str(),
            "nothing here at all",
            "",
        ] {
            for (index, pattern) in patterns.iter().enumerate() {
                let mut found = SetMatches::default();
                assert_eq!(
                    set.any_match(index..index + 1, text, &mut found),
                    pattern.is_match(text),
                    "pattern {} on {text:?}",
                    sources[index]
                );
            }
            let mut found = SetMatches::default();
            assert_eq!(
                set.any_match(0..patterns.len(), text, &mut found),
                patterns.iter().any(|p| p.is_match(text)),
            );
        }
        // A pattern with Unicode word boundaries stays out of sets.
        assert!(
            Pattern::compile(r"\bcafé\b")
                .unwrap()
                .set_source()
                .is_none()
        );
    }

    #[test]
    fn anchored_searches_at_every_possible_start_find_what_a_full_search_finds() {
        // Leftmost-first among words sharing a start, boundaries judged
        // with the text before the start, overlapping candidates skipped.
        let pattern =
            Pattern::compile(r"(?i)\b(?:(?P<a>in order)|(?P<b>in order to)|order)\b").unwrap();
        let text = "In order to go, reorder: in order, order to";
        let every_start: Vec<usize> = (0..=text.len()).collect();
        assert_eq!(
            pattern.find_ranges_from(text, &every_start),
            pattern.find_ranges(text)
        );
        assert_eq!(
            pattern.captures_from(text, &every_start, true),
            pattern.captures(text)
        );
        // Only the given starts are tried.
        assert_eq!(pattern.find_ranges_from(text, &[25]), vec![25..33]);
        assert!(pattern.find_ranges_from(text, &[11]).is_empty());
        // A pattern the backtracker runs is tried at the given starts only,
        // its look-arounds judged on the whole text.
        let fancy = Pattern::compile(r"(?i)\b(?:order|in order)(?= to)").unwrap();
        assert_eq!(fancy.find_ranges(text), vec![0..8, 35..40]);
        assert_eq!(
            fancy.find_ranges_from(text, &every_start),
            fancy.find_ranges(text)
        );
        assert_eq!(fancy.find_ranges_from(text, &[3, 35]), vec![3..8, 35..40]);
        assert!(fancy.find_ranges_from(text, &[]).is_empty());
    }

    #[test]
    fn a_repeated_class_finds_what_the_regex_finds() {
        let text = "It’s  a\tcafé—really, ſtop! 12_3 \u{a0}end\n";
        for source in [r"[^\s]+", r"(?i)([^\s]+)", r"\w+", r"[a-z]+", r"(?i)[a-z]+"] {
            let pattern = Pattern::compile(source).unwrap();
            assert!(pattern.run_of.is_some(), "{source}");
            let regex = regex::Regex::new(source).unwrap();
            let expected: Vec<Range<usize>> = regex.find_iter(text).map(|m| m.range()).collect();
            assert_eq!(pattern.find_ranges(text), expected, "{source}");
            assert_eq!(pattern.count(text), expected.len(), "{source}");
        }
        for source in [
            r"[a-z]+?",
            r"[a-z]*",
            r"\w{2,}",
            r"\b\w+",
            r"\b[a-z]+\b",
            r"\b\w+?\b",
        ] {
            assert!(
                Pattern::compile(source).unwrap().run_of.is_none(),
                "{source}"
            );
        }
    }

    /// Texts mixing ASCII word characters, other word characters (letters,
    /// CJK, a combining mark, a connector, a joiner), digits that are not
    /// `\w` (`²`) and separators.
    fn mixed_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::strategy::Strategy;
        const PIECES: &[&str] = &[
            "a", "Z", "7", "_", " ", "\n", "-", "'", ".", "é", "ſ", "日本", "\u{301}", "‿",
            "\u{200d}", "²", "—", "\u{a0}", "😀",
        ];
        proptest::collection::vec(proptest::sample::select(PIECES), 0..24)
            .prop_map(|parts| parts.concat())
    }

    /// ASCII text of word and non-word characters.
    fn ascii_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::strategy::Strategy;
        const PIECES: &[&str] = &["a", "Z", "7", "_", " ", "\n", "-", "'", ".", "ab9"];
        proptest::collection::vec(proptest::sample::select(PIECES), 0..40)
            .prop_map(|parts| parts.concat())
    }

    proptest::proptest! {
        #[test]
        fn bounded_words_are_what_the_regex_finds(text in mixed_text()) {
            // Vale's sentence-length token, as Vale rules compile it.
            for source in [r"\b(\w+)\b", r"(?:\b(\w+)\b)", r"(?i)(?:\b\w+\b)"] {
                let pattern = Pattern::compile(source).unwrap();
                proptest::prop_assert!(matches!(pattern.run_of, Some(Runs::BoundedWords)));
                let Engine::Fast(regex) = &pattern.engine else {
                    panic!("{source} runs on the fast engine");
                };
                let expected: Vec<Range<usize>> = regex.find_iter(&text).map(|m| m.range()).collect();
                proptest::prop_assert_eq!(pattern.find_ranges(&text), expected.clone(), "{}", source);
                proptest::prop_assert_eq!(pattern.count(&text), expected.len());
            }
        }

        #[test]
        fn ascii_words_are_counted_as_the_regex_counts_them(text in ascii_text()) {
            // The counting shortcut for ASCII text (SentenceLength).
            let pattern = Pattern::compile(r"\b(\w+)\b").unwrap();
            let regex = regex::Regex::new(r"\b(\w+)\b").unwrap();
            proptest::prop_assert_eq!(pattern.count(&text), regex.find_iter(&text).count());
        }

        #[test]
        fn repeated_classes_are_what_the_regex_finds(text in mixed_text()) {
            // write-good.Illusions' token, and classes with ASCII members
            // only, non-ASCII members, and a negated one.
            for source in [r"[^\s]+", r"\w+", r"(?i)[a-z]+", r"[é日-本]+", r"[^a-z_]+"] {
                let pattern = Pattern::compile(source).unwrap();
                proptest::prop_assert!(matches!(pattern.run_of, Some(Runs::Class(_))), "{}", source);
                let regex = regex::Regex::new(source).unwrap();
                let expected: Vec<Range<usize>> = regex.find_iter(&text).map(|m| m.range()).collect();
                proptest::prop_assert_eq!(pattern.find_ranges(&text), expected.clone(), "{}", source);
                proptest::prop_assert_eq!(pattern.count(&text), expected.len());
            }
        }
    }

    #[test]
    fn bounded_words_split_where_ascii_boundaries_do() {
        let pattern = Pattern::compile(r"\b(\w+)\b").unwrap();
        let words = |text: &str| -> Vec<String> {
            pattern
                .find_ranges(text)
                .into_iter()
                .map(|r| text[r].to_owned())
                .collect()
        };
        assert_eq!(
            words("Le café est là, 日本 ok"),
            ["Le", "caf", "est", "l", "ok"]
        );
        assert_eq!(words("aéb x_1"), ["aéb", "x_1"]);
    }

    #[test]
    fn a_pattern_that_compiles_huge_is_refused() {
        let error = Pattern::compile(r"(?:\w{100}){100}").unwrap_err();
        assert!(error.contains("size limit"), "{error}");
    }

    #[test]
    fn relaxed_patterns_drop_look_arounds() {
        assert_eq!(relaxed(r"it is(?!\.)"), "it is");
        assert_eq!(relaxed(r"(?:^|\s)I(?=,\s)"), r"(?:^|\s)I(?:,\s)");
        assert_eq!(relaxed(r"a(?=b(?!c))"), r"a(?:b)");
        assert_eq!(relaxed(r"(?<=\s)-\d+"), r"-\d+");
        assert_eq!(relaxed(r"(\w+) \1"), r"(\w+) (?s:.*?)");
        assert_eq!(relaxed(r"[(?=]x"), r"[(?=]x");
    }
}
