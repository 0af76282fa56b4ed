//! Vale's extension points ("checks"), each with the semantics Vale's
//! documentation gives it.
//!
//! `existence`, `substitution`, `occurrence`, `repetition`,
//! `capitalization`, `sequence` and `spelling` run on one unit of text at a
//! time. `consistency` and `conditional` remember what earlier blocks said,
//! and `metric` measures the whole body text, so those three run over the
//! document.

use std::collections::HashSet;
use std::ops::Range;
use std::path::PathBuf;

use super::metric::{Condition, Formula};
use super::pattern::{Pattern, unicode_edges};
use super::rule::{Exceptions, Hit, Unit};
use super::script::{Limits, Script, ScriptError, ScriptMatch};
use super::spelling::Speller;
use super::yaml::Value;
use crate::document::segment;

/// Why a rule could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildError {
    /// The definition is wrong (a missing or mistyped key): an error.
    Invalid(String),
    /// copydesk cannot run this rule (a pattern its engines reject, a
    /// feature it lacks): reported once, and the rule is skipped.
    Unsupported(String),
}

/// A script file a `script` rule names (`<StylesPath>/config/scripts/…`):
/// its path and text.
pub type ScriptFile<'a> = &'a dyn Fn(&str) -> Result<(PathBuf, String), BuildError>;

/// What building a rule may consult.
pub struct BuildContext<'a> {
    /// Accepted vocabulary terms (exceptions for rules with `vocab: true`).
    pub accepted: &'a [String],
    /// `WordTemplate` from `.vale.ini`, if set.
    pub word_template: Option<&'a str>,
    /// Spelling dictionaries and ignore files, found from `StylesPath`.
    pub spelling: &'a dyn Fn(&Value) -> Result<Speller, BuildError>,
    /// Script files, found from `StylesPath`.
    pub script_file: ScriptFile<'a>,
    /// The rule file's text, to place errors in an inline script.
    pub rule_text: &'a str,
}

/// See [`Check::search_key`].
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct SearchKey<'a> {
    kind: &'static str,
    whole_words: bool,
    ignorecase: bool,
    patterns: Vec<&'a str>,
    exceptions: [Option<&'a str>; 2],
}

#[derive(Debug)]
pub enum Check {
    Existence(Existence),
    Substitution(Substitution),
    Occurrence(Occurrence),
    Repetition(Repetition),
    Consistency(Consistency),
    Conditional(Conditional),
    Capitalization(Capitalization),
    Metric(Metric),
    Sequence(Sequence),
    Spelling(Spelling),
    Script(ScriptCheck),
}

pub const EXTENSION_POINTS: &[&str] = &[
    "existence",
    "substitution",
    "occurrence",
    "repetition",
    "consistency",
    "conditional",
    "capitalization",
    "metric",
    "sequence",
    "spelling",
    "script",
    "readability",
];

impl Check {
    pub fn build(extends: &str, yaml: &Value, cx: &BuildContext) -> Result<Check, BuildError> {
        Ok(match extends {
            "existence" => Check::Existence(Existence::build(yaml, cx)?),
            "substitution" => Check::Substitution(Substitution::build(yaml, cx)?),
            "occurrence" => Check::Occurrence(Occurrence::build(yaml)?),
            "repetition" => Check::Repetition(Repetition::build(yaml, cx)?),
            "consistency" => Check::Consistency(Consistency::build(yaml, cx)?),
            "conditional" => Check::Conditional(Conditional::build(yaml, cx)?),
            "capitalization" => Check::Capitalization(Capitalization::build(yaml, cx)?),
            "metric" => Check::Metric(Metric::build(yaml)?),
            "sequence" => Check::Sequence(Sequence::build(yaml)?),
            "spelling" => Check::Spelling(Spelling::build(yaml, cx)?),
            "script" => Check::Script(ScriptCheck::build(yaml, cx)?),
            "readability" => {
                return Err(BuildError::Unsupported(
                    "`readability` is Vale's older form of `metric`; rewrite it as a `metric` rule"
                        .to_owned(),
                ));
            }
            other => {
                return Err(BuildError::Invalid(format!(
                    "“extends: {other}” is not a Vale extension point (expected one of {})",
                    EXTENSION_POINTS.join(", ")
                )));
            }
        })
    }

    /// Whether `%s` in a `replace` message lists the swap's replacements.
    pub fn formats_replacements(&self) -> bool {
        matches!(self, Check::Substitution(_))
    }

    pub fn ignores_case(&self) -> bool {
        match self {
            Check::Existence(c) => c.ignorecase,
            Check::Substitution(c) => c.ignorecase,
            _ => false,
        }
    }

    /// The patterns of a check that finds nothing in a text none of them
    /// matches, each as [`Pattern::set_source`]: the check may be skipped
    /// where a [`super::pattern::PatternSet`] of them finds nothing. `None`
    /// when a pattern cannot join a set, or the check is of another kind.
    pub fn set_sources(&self) -> Option<Vec<&str>> {
        let patterns = match self {
            Check::Existence(c) => &c.patterns,
            Check::Substitution(c) => &c.patterns,
            _ => return None,
        };
        patterns.iter().map(Pattern::set_source).collect()
    }

    /// [`Check::run`] when every match of the check's patterns is known to
    /// start at one of `starts` (sorted offsets in the unit's text, see
    /// [`Pattern::find_ranges_from`]): the same hits, searched only there.
    pub fn run_from(&self, unit: &Unit, source: &str, starts: &[usize]) -> Vec<Hit> {
        match self {
            Check::Existence(c) => c.run_from(unit.text, Some(starts)),
            Check::Substitution(c) => c.run_from(unit.text, Some(starts)),
            _ => self.run(unit, source),
        }
    }

    /// What decides the hits this check finds in a unit, when that is all
    /// of it: two checks with equal keys find exactly the same hits
    /// everywhere (two packages often ship the same rule under their own
    /// names and messages: the three Passive rules, Google's and
    /// Microsoft's We, Spacing, Ellipses, the Acronyms rules), so one's
    /// hits serve both. Only `existence` and `conditional` checks have one.
    pub fn search_key(&self) -> Option<SearchKey<'_>> {
        match self {
            Check::Existence(c) => Some(SearchKey {
                kind: "existence",
                whole_words: c.whole_words,
                ignorecase: c.ignorecase,
                patterns: c.patterns.iter().map(Pattern::source).collect(),
                exceptions: c.exceptions.sources(),
            }),
            // Its flags are in its patterns' sources, and whether `second`
            // has a group follows from its source.
            Check::Conditional(c) => Some(SearchKey {
                kind: "conditional",
                whole_words: false,
                ignorecase: false,
                patterns: vec![c.first.source(), c.second.source()],
                exceptions: c.exceptions.sources(),
            }),
            _ => None,
        }
    }

    /// Whether this check needs the whole document (see the module docs).
    pub fn is_document_level(&self) -> bool {
        matches!(
            self,
            Check::Consistency(_) | Check::Conditional(_) | Check::Metric(_)
        )
    }

    /// Run a unit-level check (`source` is the document's text).
    pub fn run(&self, unit: &Unit, source: &str) -> Vec<Hit> {
        match self {
            Check::Existence(c) => c.run(unit.text),
            Check::Substitution(c) => c.run(unit.text),
            Check::Occurrence(c) => c.run(unit, source),
            Check::Repetition(c) => c.run(unit.text),
            Check::Capitalization(c) => c.run(unit.text),
            Check::Sequence(c) => c.run(unit),
            Check::Spelling(c) => c.run(unit),
            // A script's matches carry their own messages: see `ScriptCheck::run`.
            Check::Script(_) => Vec::new(),
            Check::Consistency(_) | Check::Conditional(_) | Check::Metric(_) => Vec::new(),
        }
    }
}

fn flag(yaml: &Value, key: &str, default: bool) -> bool {
    yaml.get(key).and_then(Value::as_bool).unwrap_or(default)
}

fn strings(yaml: &Value, key: &str) -> Vec<String> {
    yaml.get(key).map(Value::as_strings).unwrap_or_default()
}

fn number(yaml: &Value, key: &str) -> Result<Option<f64>, BuildError> {
    match yaml.get(key) {
        None => Ok(None),
        Some(value) if value.is_null() => Ok(None),
        Some(value) => value.as_f64().map(Some).ok_or_else(|| {
            BuildError::Invalid(format!("“{key}” must be a number, found {value:?}"))
        }),
    }
}

fn compile(pattern: &str) -> Result<Pattern, BuildError> {
    Pattern::compile(pattern).map_err(does_not_compile)
}

fn does_not_compile(error: String) -> BuildError {
    BuildError::Unsupported(format!(
        "its pattern does not compile here: {}",
        error.lines().last().unwrap_or(&error).trim()
    ))
}

const WORD_TEMPLATE: &str = r"(?m)\b(?:%s)\b";
const NONWORD_TEMPLATE: &str = r"(?m)(?:%s)";

/// One or two patterns for an alternation of `tokens`: when the whole needs
/// the backtracker, the tokens that do not are split off so that most text
/// is searched by the fast engine. Matches are merged by [`merged_ranges`].
fn alternation(flags: &str, template: &str, tokens: &[String]) -> Result<Vec<Pattern>, BuildError> {
    let whole = compile(&format!(
        "{flags}{}",
        template.replace("%s", &tokens.join("|"))
    ))?;
    if !whole.is_fancy() || tokens.len() < 2 {
        return Ok(vec![whole]);
    }
    let (fast, fancy): (Vec<String>, Vec<String>) = tokens
        .iter()
        .cloned()
        .partition(|token| Pattern::compile(token).is_ok_and(|p| !p.is_fancy()));
    let mut patterns = Vec::new();
    for group in [fast, fancy] {
        if !group.is_empty() {
            patterns.push(compile(&format!(
                "{flags}{}",
                template.replace("%s", &group.join("|"))
            ))?);
        }
    }
    Ok(patterns)
}

/// Match ranges of several patterns, leftmost first, without overlaps
/// (searched only at `starts` when given, see [`Check::run_from`]).
fn merged_ranges(patterns: &[Pattern], text: &str, starts: Option<&[usize]>) -> Vec<Range<usize>> {
    let ranges = |pattern: &Pattern| match starts {
        Some(starts) => pattern.find_ranges_from(text, starts),
        None => pattern.find_ranges(text),
    };
    if let [one] = patterns {
        return ranges(one);
    }
    let mut all: Vec<Range<usize>> = patterns.iter().flat_map(ranges).collect();
    all.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(all.len());
    for range in all {
        if out.last().is_none_or(|last| range.start >= last.end) {
            out.push(range);
        }
    }
    out
}

fn case_flag(ignorecase: bool) -> &'static str {
    if ignorecase { "(?i)" } else { "" }
}

/// `existence`: report every match of `tokens` (word-bounded unless
/// `nonword`) or of the `raw` pattern.
#[derive(Debug)]
pub struct Existence {
    patterns: Vec<Pattern>,
    whole_words: bool,
    ignorecase: bool,
    exceptions: Exceptions,
}

impl Existence {
    fn build(yaml: &Value, cx: &BuildContext) -> Result<Existence, BuildError> {
        let tokens: Vec<String> = strings(yaml, "tokens")
            .into_iter()
            .filter(|t| !t.trim().is_empty())
            .collect();
        let raw = strings(yaml, "raw").concat();
        let ignorecase = flag(yaml, "ignorecase", false);
        let nonword = flag(yaml, "nonword", false);
        let append = flag(yaml, "append", false);
        let vocab = flag(yaml, "vocab", true);
        if tokens.is_empty() && raw.is_empty() {
            return Err(BuildError::Invalid(
                "an existence rule needs `tokens` or `raw`".to_owned(),
            ));
        }
        let word = !nonword && !tokens.is_empty();
        let template = if word {
            cx.word_template.unwrap_or(WORD_TEMPLATE)
        } else {
            NONWORD_TEMPLATE
        };
        let flags = case_flag(ignorecase);
        let patterns = if raw.is_empty() {
            alternation(flags, template, &tokens)?
        } else if tokens.is_empty() {
            vec![compile(&format!("{flags}(?m){raw}"))?]
        } else {
            let group = template.replace("%s", &tokens.join("|"));
            let joined = if append {
                format!("{flags}{group}{raw}")
            } else {
                format!("{flags}{raw}{group}")
            };
            vec![compile(&joined)?]
        };
        // Vocabulary words are exceptions for word rules only: in a nonword
        // pattern a vocabulary word would excuse any match containing it.
        let exceptions =
            Exceptions::new(&strings(yaml, "exceptions"), cx.accepted, vocab && !nonword);
        Ok(Existence {
            patterns,
            whole_words: word && raw.is_empty(),
            ignorecase,
            exceptions,
        })
    }

    fn run(&self, text: &str) -> Vec<Hit> {
        self.run_from(text, None)
    }

    fn run_from(&self, text: &str, starts: Option<&[usize]>) -> Vec<Hit> {
        merged_ranges(&self.patterns, text, starts)
            .into_iter()
            .filter(|range| !range.is_empty())
            .filter(|range| !self.whole_words || unicode_edges(text, range))
            .filter(|range| !self.exceptions.excepts(text, range))
            .map(|range| {
                let mut hit = Hit::new(range.clone(), vec![text[range].trim().to_owned()]);
                hit.whole_words = self.whole_words;
                hit
            })
            .collect()
    }
}

/// `substitution`: a `swap` of observed → expected; a match that is not
/// already the expected form is reported with it.
#[derive(Debug)]
pub struct Substitution {
    /// Each pattern with the swap entries (by index) it holds.
    patterns: Vec<Pattern>,
    /// Per pattern: (swap index, its group's index in the pattern), by swap
    /// index, found once instead of by name on every match.
    swap_groups: Vec<Vec<(usize, usize)>>,
    swaps: Vec<Swap>,
    ignorecase: bool,
    whole_words: bool,
    /// `capitalize: true`: a match that starts with a capital gets a
    /// replacement that does too.
    capitalize: bool,
    exceptions: Exceptions,
}

#[derive(Debug)]
struct Swap {
    expected: String,
    /// Capture groups of the observed pattern, for `$1` in `expected`.
    groups: usize,
    /// [`match_token`]'s pattern for `expected` as written, compiled once
    /// (not per match) when `expected` is a pattern without `$n`.
    token: Option<Token>,
}

impl Substitution {
    fn build(yaml: &Value, cx: &BuildContext) -> Result<Substitution, BuildError> {
        let Some(Value::Map(entries)) = yaml.get("swap") else {
            return Err(BuildError::Invalid(
                "a substitution rule needs a `swap` map".to_owned(),
            ));
        };
        let ignorecase = flag(yaml, "ignorecase", false);
        let nonword = flag(yaml, "nonword", false);
        let vocab = flag(yaml, "vocab", true);
        let template = if nonword {
            NONWORD_TEMPLATE
        } else {
            cx.word_template.unwrap_or(WORD_TEMPLATE)
        };
        let mut swaps = Vec::with_capacity(entries.len());
        let mut fast: Vec<String> = Vec::new();
        let mut fancy: Vec<String> = Vec::new();
        // Each key's groups and engine, read from its syntax: compiling
        // each key on its own (thousands in the public packages) was most
        // of the time loading them took.
        let mut shapes = Vec::with_capacity(entries.len());
        for (observed, expected) in entries {
            let (groups, fancy) = Pattern::shape(observed).map_err(does_not_compile)?;
            shapes.push(fancy);
            let expected = expected.as_str().unwrap_or("").to_owned();
            swaps.push(Swap {
                token: (!expected.contains('$')).then(|| Token::new(&expected)),
                expected,
                groups: groups - 1,
            });
        }
        // Vale tries the longest key first (`MyProduct Enterprise` before
        // `MyProduct`).
        let mut order: Vec<usize> = (0..entries.len()).collect();
        order.sort_by_key(|&index| std::cmp::Reverse(entries[index].0.len()));
        for index in order {
            let observed = &entries[index].0;
            let named = format!("(?P<s{index}>{observed})");
            if shapes[index] {
                fancy.push(named);
            } else {
                fast.push(named);
            }
        }
        let flags = case_flag(ignorecase);
        let mut patterns = Vec::new();
        for group in [fast, fancy] {
            if !group.is_empty() {
                patterns.push(compile(&format!(
                    "{flags}{}",
                    template.replace("%s", &group.join("|"))
                ))?);
            }
        }
        let swap_groups = patterns
            .iter()
            .map(|pattern| {
                (0..swaps.len())
                    .filter_map(|index| Some((index, pattern.group_index(&format!("s{index}"))?)))
                    .collect()
            })
            .collect();
        Ok(Substitution {
            patterns,
            swap_groups,
            swaps,
            ignorecase,
            whole_words: !nonword,
            capitalize: flag(yaml, "capitalize", false),
            exceptions: Exceptions::new(&strings(yaml, "exceptions"), cx.accepted, vocab),
        })
    }

    fn run(&self, text: &str) -> Vec<Hit> {
        self.run_from(text, None)
    }

    fn run_from(&self, text: &str, starts: Option<&[usize]>) -> Vec<Hit> {
        let mut found: Vec<(Range<usize>, usize, Vec<String>)> = Vec::new();
        for (pattern, swap_groups) in self.patterns.iter().zip(&self.swap_groups) {
            let matches = match starts {
                Some(starts) => pattern.captures_from(text, starts, true),
                None => pattern.captures(text),
            };
            for m in matches {
                let Some((index, at)) = swap_groups
                    .iter()
                    .find(|(_, at)| m.groups.get(*at).is_some_and(Option::is_some))
                    .copied()
                else {
                    continue;
                };
                let groups = (1..=self.swaps[index].groups)
                    .map(|k| {
                        m.groups
                            .get(at + k)
                            .and_then(|g| g.clone())
                            .map_or(String::new(), |g| text[g].to_owned())
                    })
                    .collect();
                found.push((m.range, index, groups));
            }
        }
        if self.patterns.len() > 1 {
            found.sort_by_key(|(range, index, _)| (range.start, *index));
            let mut last_end = 0;
            found.retain(|(range, _, _)| {
                let keep = range.start >= last_end;
                if keep {
                    last_end = range.end;
                }
                keep
            });
        }
        let mut hits = Vec::new();
        for (range, index, groups) in found {
            if range.is_empty() || (self.whole_words && !unicode_edges(text, &range)) {
                continue;
            }
            let observed = text[range.clone()].trim();
            let swap = &self.swaps[index];
            let mut expected = expand_groups(&swap.expected, &groups);
            let capitalized =
                self.capitalize && observed.chars().next().is_some_and(char::is_uppercase);
            if capitalized {
                expected = expected
                    .split('|')
                    .map(capitalize_first)
                    .collect::<Vec<_>>()
                    .join("|");
            }
            let already = match (&swap.token, capitalized) {
                (Some(token), false) => token.matches(observed),
                _ => match_token(&expected, observed),
            };
            if already || self.exceptions.excepts(text, &range) {
                continue;
            }
            let mut hit = Hit::new(range, vec![expected.clone(), observed.to_owned()]);
            hit.replacements = expected.split('|').map(|s| s.trim().to_owned()).collect();
            hit.whole_words = self.whole_words;
            hits.push(hit);
        }
        hits
    }
}

/// Replace `$1`…`$9` with capture groups.
fn expand_groups(template: &str, groups: &[String]) -> String {
    if !template.contains('$') {
        return template.to_owned();
    }
    let mut out = String::with_capacity(template.len());
    let mut chars = template.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$'
            && let Some(digit) = chars.peek().and_then(|d| d.to_digit(10))
            && digit > 0
        {
            chars.next();
            out.push_str(groups.get(digit as usize - 1).map_or("", |g| g.trim()));
        } else {
            out.push(c);
        }
    }
    out
}

/// The first letter in upper case, the rest as written.
fn capitalize_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Whether an observed match already is the expected form (Vale's
/// `matchToken`): a plain phrase must be equal, a pattern must match, in
/// either case as written whatever `ignorecase` says (so `mpl 2.0` is not
/// `MPL 2.0`).
fn match_token(expected: &str, observed: &str) -> bool {
    Token::new(expected).matches(observed)
}

/// [`match_token`] for one `expected`: a pattern is compiled once, when
/// first needed (most swaps never match a given text, and compiling them
/// all made loading a style slow).
#[derive(Debug)]
struct Token {
    expected: String,
    /// `None` for a plain phrase; for a pattern, the pattern once compiled
    /// (`None` in it when it does not compile, and is then compared as a
    /// phrase).
    pattern: Option<std::sync::OnceLock<Option<Pattern>>>,
}

impl Token {
    fn new(expected: &str) -> Token {
        Token {
            expected: expected.to_owned(),
            pattern: (!is_phrase(expected)).then(std::sync::OnceLock::new),
        }
    }

    /// Whether `observed` already is the expected form (as [`match_token`]).
    fn matches(&self, observed: &str) -> bool {
        let compiled = self.pattern.as_ref().and_then(|pattern| {
            pattern
                .get_or_init(|| Pattern::compile(&format!("^(?:{})$", self.expected)).ok())
                .as_ref()
        });
        match compiled {
            Some(pattern) => pattern.is_match(observed),
            None => self.expected == observed,
        }
    }
}

/// Letters, digits, spaces and hyphens only (Vale's `IsPhrase`).
fn is_phrase(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
}

/// `occurrence`: `token` may appear at most `max` / at least `min` times in
/// a unit; the message's `%s` is the count.
#[derive(Debug)]
pub struct Occurrence {
    pattern: Pattern,
    max: usize,
    min: usize,
}

impl Occurrence {
    fn build(yaml: &Value) -> Result<Occurrence, BuildError> {
        let token = yaml
            .get("token")
            .and_then(Value::as_str)
            .ok_or_else(|| BuildError::Invalid("an occurrence rule needs a `token`".to_owned()))?;
        let ignorecase = flag(yaml, "ignorecase", false);
        let count = |key| number(yaml, key).map(|n| n.map_or(0, |n| n.max(0.0) as usize));
        Ok(Occurrence {
            pattern: compile(&format!("{}(?:{token})", case_flag(ignorecase)))?,
            max: count("max")?,
            min: count("min")?,
        })
    }

    fn run(&self, unit: &Unit, source: &str) -> Vec<Hit> {
        let text = unit.text;
        // Vale reads inline code as one `*` per character of the code: it
        // counts, but a finding is never placed on it.
        let view = CodeView::new(unit, source);
        let count = self.pattern.count(&view.text);
        let over = self.max > 0 && count > self.max;
        let under = self.min > 0 && count < self.min;
        if !over && !under {
            return Vec::new();
        }
        let found = self.pattern.find_ranges(&view.text);
        // As Vale: at the first match outside code (else the first), or
        // the whole unit when nothing matched.
        let span = found
            .iter()
            .find(|m| !view.in_code(m))
            .or(found.first())
            .map_or(0..text.len(), |m| view.to_unit(m.clone()));
        vec![Hit::new(span, vec![count.to_string()])]
    }
}

/// A unit's text as Vale reads it: each inline code placeholder becomes
/// one `*` per character of the code.
struct CodeView<'a> {
    /// The unit's own text when it holds no code.
    text: std::borrow::Cow<'a, str>,
    /// Where each code stands: in `text`, and its placeholder in the unit.
    code: Vec<(Range<usize>, Range<usize>)>,
}

impl<'a> CodeView<'a> {
    fn new(unit: &Unit<'a>, source: &str) -> CodeView<'a> {
        let mut text = String::new();
        let mut code = Vec::new();
        let unit_prose = unit.base..unit.base + unit.text.len();
        let mut cursor = 0;
        let atoms = unit.block.map_or(&[][..], |block| &block.atoms[..]);
        for atom in atoms {
            if atom.kind != crate::document::AtomKind::Code
                || atom.prose.start < unit_prose.start
                || atom.prose.end > unit_prose.end
            {
                continue;
            }
            let placeholder = atom.prose.start - unit.base..atom.prose.end - unit.base;
            let Some(before) = unit.text.get(cursor..placeholder.start) else {
                continue;
            };
            let quoted = source
                .get(atom.span.clone())
                .unwrap_or_default()
                .trim_matches('`')
                .trim();
            text.push_str(before);
            let start = text.len();
            text.extend(std::iter::repeat_n('*', quoted.chars().count().max(1)));
            code.push((start..text.len(), placeholder.clone()));
            cursor = placeholder.end;
        }
        let text = if code.is_empty() {
            std::borrow::Cow::Borrowed(unit.text)
        } else {
            text.push_str(unit.text.get(cursor..).unwrap_or_default());
            std::borrow::Cow::Owned(text)
        };
        CodeView { text, code }
    }

    fn in_code(&self, range: &Range<usize>) -> bool {
        self.code
            .iter()
            .any(|(code, _)| code.start < range.end && range.start < code.end)
    }

    /// A range of `text` in the unit's text; a bound inside code goes to
    /// that edge of its placeholder.
    fn to_unit(&self, range: Range<usize>) -> Range<usize> {
        let back = |offset: usize, end: bool| {
            let mut shift: isize = 0;
            for (code, placeholder) in &self.code {
                if offset >= code.end {
                    shift += code.len() as isize - placeholder.len() as isize;
                } else if offset > code.start {
                    return if end {
                        placeholder.end
                    } else {
                        placeholder.start
                    };
                } else {
                    break;
                }
            }
            (offset as isize - shift).max(0) as usize
        };
        back(range.start, false)..back(range.end, true)
    }
}

/// `repetition`: the same token twice in a row ("the the").
#[derive(Debug)]
pub struct Repetition {
    pattern: Pattern,
    max: usize,
    ignorecase: bool,
    alpha: bool,
    exceptions: Exceptions,
}

impl Repetition {
    fn build(yaml: &Value, cx: &BuildContext) -> Result<Repetition, BuildError> {
        let tokens = strings(yaml, "tokens");
        if tokens.is_empty() {
            return Err(BuildError::Invalid(
                "a repetition rule needs `tokens`".to_owned(),
            ));
        }
        let ignorecase = flag(yaml, "ignorecase", false);
        Ok(Repetition {
            pattern: compile(&format!("{}({})", case_flag(ignorecase), tokens.join("|")))?,
            max: number(yaml, "max")?.map_or(0, |n| n.max(0.0) as usize),
            ignorecase,
            alpha: flag(yaml, "alpha", false),
            exceptions: Exceptions::new(
                &strings(yaml, "exceptions"),
                cx.accepted,
                flag(yaml, "vocab", true),
            ),
        })
    }

    fn run(&self, text: &str) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut previous: Option<(Range<usize>, &str)> = None;
        let mut count = 0;
        for range in self.pattern.find_ranges(text) {
            let current = text[range.clone()].trim();
            let hit = previous.as_ref().is_some_and(|(_, prev)| {
                !current.is_empty()
                    && if self.ignorecase {
                        current.to_lowercase() == prev.to_lowercase()
                    } else {
                        current == *prev
                    }
            }) && (!self.alpha || current.chars().all(char::is_alphabetic));
            if hit {
                count += 1;
            }
            if hit
                && count > self.max
                && let Some((previous_range, _)) = &previous
            {
                let span = previous_range.start..range.end;
                let one_sentence = segment::sentences(&text[span.clone()]).len() <= 1;
                if one_sentence && !self.exceptions.excepts(text, &span) {
                    let mut found = Hit::new(span, vec![current.to_owned()]);
                    found.whole_words = true;
                    hits.push(found);
                    count = 0;
                }
            }
            previous = Some((range, current));
        }
        hits
    }
}

/// `consistency`: of each `either` pair, only one spelling per document.
/// The spelling used first wins; every use of the other is reported.
#[derive(Debug)]
pub struct Consistency {
    pairs: Vec<Pattern>,
    /// The literals one of which each pair's every match holds (see
    /// [`super::literals::required`]), searched together, ASCII
    /// case-insensitive, with the pair each one stands for: a unit that
    /// holds none of a pair's literals cannot match it, so the pair is not
    /// searched there. `None` when some pair needs no literal.
    gate: Option<(super::literals::Searcher, Vec<usize>)>,
}

impl Consistency {
    fn build(yaml: &Value, cx: &BuildContext) -> Result<Consistency, BuildError> {
        let Some(Value::Map(entries)) = yaml.get("either") else {
            return Err(BuildError::Invalid(
                "a consistency rule needs an `either` map".to_owned(),
            ));
        };
        let ignorecase = flag(yaml, "ignorecase", false);
        let template = if flag(yaml, "nonword", false) {
            NONWORD_TEMPLATE
        } else {
            cx.word_template.unwrap_or(WORD_TEMPLATE)
        };
        let pairs = entries
            .iter()
            .map(|(first, second)| {
                let second = second.as_str().unwrap_or("");
                let body = format!("(?P<a>{first})|(?P<b>{second})");
                compile(&format!(
                    "{}{}",
                    case_flag(ignorecase),
                    template.replace("%s", &body)
                ))
            })
            .collect::<Result<Vec<Pattern>, _>>()?;
        let gate = consistency_gate(&pairs);
        Ok(Consistency { pairs, gate })
    }

    /// Findings over units in document order; `state` remembers, per pair,
    /// which spelling came first.
    pub fn run(&self, unit_text: &str, state: &mut Vec<Option<bool>>) -> Vec<Hit> {
        state.resize(self.pairs.len(), None);
        let mut hits = Vec::new();
        let mut present = vec![self.gate.is_none(); self.pairs.len()];
        if let Some((automaton, pair_of)) = &self.gate {
            automaton.each_overlapping(unit_text, |found| {
                if let Some(slot) = pair_of
                    .get(found.pattern().as_usize())
                    .and_then(|&pair| present.get_mut(pair))
                {
                    *slot = true;
                }
            });
        }
        for (index, pattern) in self.pairs.iter().enumerate() {
            if !present[index] {
                continue;
            }
            let Some(a) = pattern.group_index("a") else {
                continue;
            };
            for m in pattern.captures(unit_text) {
                let is_first = m.groups.get(a).is_some_and(Option::is_some);
                match state[index] {
                    None => state[index] = Some(is_first),
                    Some(winner) if winner != is_first => {
                        let text = unit_text[m.range.clone()].trim().to_owned();
                        hits.push(Hit::new(m.range, vec![text]));
                    }
                    Some(_) => {}
                }
            }
        }
        hits
    }
}

/// The literal gate of a consistency rule's pairs (see
/// [`Consistency::gate`]), when every pair has literals.
fn consistency_gate(pairs: &[Pattern]) -> Option<(super::literals::Searcher, Vec<usize>)> {
    let mut literals = Vec::new();
    let mut pair_of = Vec::new();
    for (pair, pattern) in pairs.iter().enumerate() {
        for literal in super::literals::required(pattern.set_source()?)? {
            literals.push(literal);
            pair_of.push(pair);
        }
    }
    Some((super::literals::Searcher::new(&literals)?, pair_of))
}

/// `conditional`: every match of `first` needs `second` — with a capture
/// group, `second` must have captured the same text earlier in the document
/// (an acronym defined before use); without one, `second` must appear in
/// the same unit.
#[derive(Debug)]
pub struct Conditional {
    first: Pattern,
    second: Pattern,
    second_has_group: bool,
    exceptions: Exceptions,
}

impl Conditional {
    fn build(yaml: &Value, cx: &BuildContext) -> Result<Conditional, BuildError> {
        let get = |key: &str| {
            yaml.get(key)
                .and_then(Value::as_str)
                .ok_or_else(|| BuildError::Invalid(format!("a conditional rule needs `{key}`")))
        };
        let flags = case_flag(flag(yaml, "ignorecase", false));
        let second = compile(&format!("{flags}{}", get("second")?))?;
        Ok(Conditional {
            first: compile(&format!("{flags}{}", get("first")?))?,
            second_has_group: second.group_count() > 1,
            second,
            exceptions: Exceptions::new(
                &strings(yaml, "exceptions"),
                cx.accepted,
                flag(yaml, "vocab", true),
            ),
        })
    }

    pub fn run(&self, text: &str, defined: &mut HashSet<String>) -> Vec<Hit> {
        let first = self.first.find_ranges(text);
        if first.is_empty() {
            return Vec::new();
        }
        if !self.second_has_group {
            if self.second.is_match(text) {
                return Vec::new();
            }
        } else {
            for m in self.second.captures(text) {
                for group in m.groups.iter().skip(1).flatten() {
                    if !group.is_empty() {
                        defined.insert(text[group.clone()].to_owned());
                    }
                }
            }
        }
        first
            .into_iter()
            .filter(|range| !range.is_empty())
            .filter(|range| !self.second_has_group || !defined.contains(&text[range.clone()]))
            .filter(|range| !self.exceptions.excepts(text, range))
            .map(|range| {
                let matched = text[range.clone()].to_owned();
                Hit::new(range, vec![matched])
            })
            .collect()
    }
}

/// `capitalization`: a unit must be in title, sentence, lower or upper
/// case, or match a pattern.
#[derive(Debug)]
pub struct Capitalization {
    style: CaseStyle,
    exceptions: Exceptions,
    indicators: Vec<String>,
    threshold: f64,
    prefix: Option<Pattern>,
}

#[derive(Debug)]
enum CaseStyle {
    Title { chicago: bool },
    Sentence,
    Lower,
    Upper,
    Pattern(Box<Pattern>),
}

impl Capitalization {
    fn build(yaml: &Value, cx: &BuildContext) -> Result<Capitalization, BuildError> {
        let Some(matching) = yaml.get("match").and_then(Value::as_str) else {
            return Err(BuildError::Invalid(
                "a capitalization rule needs `match`".to_owned(),
            ));
        };
        let style = match matching {
            "$title" => CaseStyle::Title {
                chicago: yaml.get("style").and_then(Value::as_str) == Some("Chicago"),
            },
            "$sentence" => CaseStyle::Sentence,
            "$lower" => CaseStyle::Lower,
            "$upper" => CaseStyle::Upper,
            pattern => CaseStyle::Pattern(Box::new(compile(pattern)?)),
        };
        let threshold = number(yaml, "threshold")?
            .filter(|t| *t > 0.0)
            .unwrap_or(0.8);
        let prefix = match yaml.get("prefix").and_then(Value::as_str) {
            Some(prefix) if !prefix.is_empty() => Some(compile(&format!("^(?:{prefix})"))?),
            _ => None,
        };
        Ok(Capitalization {
            style,
            exceptions: Exceptions::new(
                &strings(yaml, "exceptions"),
                cx.accepted,
                flag(yaml, "vocab", true),
            ),
            indicators: strings(yaml, "indicators"),
            threshold,
            prefix,
        })
    }

    fn run(&self, text: &str) -> Vec<Hit> {
        let mut checked = text.trim();
        if let Some(prefix) = &self.prefix
            && let Some(range) = prefix.find_ranges(checked).first()
        {
            checked = &checked[range.end..];
        }
        if checked.is_empty() {
            return Vec::new();
        }
        let (ok, expected) = match &self.style {
            CaseStyle::Title { chicago } => {
                let expected = title_case(checked, *chicago);
                (self.title_ok(checked, &expected), expected)
            }
            CaseStyle::Sentence => (self.sentence_ok(checked), sentence_case(checked)),
            CaseStyle::Lower => (
                checked == checked.to_lowercase() || self.exceptions.matches_word(checked),
                checked.to_lowercase(),
            ),
            CaseStyle::Upper => (
                checked == checked.to_uppercase() || self.exceptions.matches_word(checked),
                checked.to_uppercase(),
            ),
            CaseStyle::Pattern(pattern) => (
                pattern.is_match(checked) || self.exceptions.matches_word(checked),
                String::new(),
            ),
        };
        if ok {
            return Vec::new();
        }
        vec![Hit::new(
            0..text.len(),
            vec![text.trim().to_owned(), expected],
        )]
    }

    fn tokens<'t>(&self, text: &'t str) -> Vec<&'t str> {
        static WORD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(r"[\p{N}\p{L}*]+[^\s]*").expect("the word pattern is valid")
        });
        // Exceptions are tokens of their own, so "Visual Studio" counts once.
        let mut tokens = Vec::new();
        let mut cursor = 0;
        let exception_spans: Vec<Range<usize>> = self
            .exceptions
            .pattern()
            .map(|p| p.find_ranges(text))
            .unwrap_or_default();
        for span in exception_spans
            .iter()
            .chain(std::iter::once(&(text.len()..text.len())))
        {
            if span.start < cursor {
                continue;
            }
            tokens.extend(
                WORD.find_iter(&text[cursor..span.start])
                    .map(|m| m.as_str()),
            );
            if !span.is_empty() {
                tokens.push(&text[span.clone()]);
            }
            cursor = span.end;
        }
        tokens
    }

    fn title_ok(&self, text: &str, expected: &str) -> bool {
        let words = self.tokens(text);
        let wanted = self.tokens(expected);
        if words.is_empty() {
            return true;
        }
        let good = words
            .iter()
            .enumerate()
            .filter(|(i, word)| {
                wanted.get(*i).is_none_or(|w| w == *word)
                    || self.exceptions.matches_word(word)
                    || **word == word.to_uppercase()
            })
            .count();
        good as f64 / words.len() as f64 >= self.threshold
    }

    fn sentence_ok(&self, text: &str) -> bool {
        let trimmed = text.trim_end_matches(['?', '!', '.', ':']);
        let mut tokens = self.tokens(trimmed);
        // A leading number (`1.`, `2)`) is a numbering, not the first word.
        let numbering = tokens
            .iter()
            .take_while(|t| !t.chars().any(char::is_alphabetic))
            .count();
        tokens.drain(..numbering);
        if tokens.is_empty() {
            return true;
        }
        let mut count = 0usize;
        for (i, token) in tokens.iter().enumerate() {
            let previous = if i > 0 { tokens[i - 1] } else { "" };
            let word = token.split(['-', '\'', '’']).next().unwrap_or(token);
            if word == word.to_uppercase()
                || self
                    .indicators
                    .iter()
                    .any(|s| previous.ends_with(s.as_str()))
                || self.exceptions.matches_word(token)
            {
                count += 1;
            } else if i == 0 && word != go_title(&word.to_lowercase()) {
                return false;
            } else if i == 0 || word == word.to_lowercase() {
                count += 1;
            }
        }
        count as f64 / tokens.len() as f64 >= self.threshold
    }
}

/// Go's `strings.Title`: the first letter of every word in upper case.
fn go_title(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut previous_letter = false;
    for c in text.chars() {
        if !previous_letter && c.is_alphabetic() {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        previous_letter = c.is_alphanumeric() || c == '\'' || c == '’';
    }
    out
}

/// Small words title case keeps lower (AP: articles, conjunctions and
/// prepositions of three letters or fewer).
const AP_SMALL: &[&str] = &[
    "a", "an", "and", "as", "at", "but", "by", "en", "for", "if", "in", "nor", "of", "off", "on",
    "or", "per", "so", "the", "to", "up", "via", "vs", "yet",
];

/// Chicago: articles, coordinating conjunctions, and prepositions of any
/// length.
const CHICAGO_SMALL: &[&str] = &[
    "a",
    "an",
    "the",
    "and",
    "but",
    "or",
    "for",
    "nor",
    "yet",
    "so",
    "about",
    "above",
    "across",
    "after",
    "against",
    "along",
    "among",
    "around",
    "as",
    "at",
    "before",
    "behind",
    "below",
    "beneath",
    "beside",
    "between",
    "beyond",
    "by",
    "down",
    "during",
    "except",
    "from",
    "in",
    "inside",
    "into",
    "like",
    "near",
    "of",
    "off",
    "on",
    "onto",
    "out",
    "outside",
    "over",
    "past",
    "per",
    "since",
    "through",
    "throughout",
    "till",
    "to",
    "toward",
    "towards",
    "under",
    "underneath",
    "until",
    "up",
    "upon",
    "via",
    "vs",
    "with",
    "within",
    "without",
];

/// Title case: first and last word capitalized, small words lower, words
/// with capitals of their own (iPhone, API) kept.
pub fn title_case(text: &str, chicago: bool) -> String {
    let small = if chicago { CHICAGO_SMALL } else { AP_SMALL };
    let words: Vec<(usize, &str)> = text
        .split(' ')
        .scan(0usize, |offset, word| {
            let start = *offset;
            *offset += word.len() + 1;
            Some((start, word))
        })
        .collect();
    let last = words.iter().rposition(|(_, w)| !w.is_empty()).unwrap_or(0);
    let mut out = String::with_capacity(text.len());
    for (index, (_, word)) in words.iter().enumerate() {
        if index > 0 {
            out.push(' ');
        }
        let bare = word
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        let has_inner_capital = word.chars().skip(1).any(char::is_uppercase);
        let follows_colon = index > 0 && words[index - 1].1.ends_with(':');
        if has_inner_capital {
            out.push_str(word);
        } else if index != 0 && index != last && !follows_colon && small.contains(&bare.as_str()) {
            out.push_str(&word.to_lowercase());
        } else {
            out.push_str(&capitalize_word(word));
        }
    }
    out
}

fn capitalize_word(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    let mut done = false;
    for c in word.chars() {
        if !done && c.is_alphabetic() {
            out.extend(c.to_uppercase());
            done = true;
        } else {
            out.push(c);
        }
    }
    out
}

/// Sentence case: the first word capitalized, the rest as written when they
/// look like names or acronyms, else lower.
fn sentence_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (index, word) in text.split(' ').enumerate() {
        if index > 0 {
            out.push(' ');
            let keeps_case = word.chars().skip(1).any(char::is_uppercase);
            if keeps_case {
                out.push_str(word);
            } else {
                out.push_str(&word.to_lowercase());
            }
        } else {
            out.push_str(&capitalize_word(word));
        }
    }
    out
}

/// `metric`: a formula over the body text's counts, compared with a
/// condition; reported once, at the start of the document.
#[derive(Debug)]
pub struct Metric {
    pub formula: Formula,
    pub condition: Condition,
}

impl Metric {
    fn build(yaml: &Value) -> Result<Metric, BuildError> {
        let formula = yaml
            .get("formula")
            .and_then(Value::as_str)
            .ok_or_else(|| BuildError::Invalid("a metric rule needs a `formula`".to_owned()))?;
        let condition = yaml
            .get("condition")
            .and_then(Value::as_str)
            .ok_or_else(|| BuildError::Invalid("a metric rule needs a `condition`".to_owned()))?;
        Ok(Metric {
            formula: Formula::parse(formula).map_err(BuildError::Invalid)?,
            condition: Condition::parse(condition).map_err(BuildError::Invalid)?,
        })
    }
}

/// `sequence`, without part-of-speech tags: a run of words, each matching
/// its token's `pattern` (or not, with `negate`), with up to `skip` other
/// words allowed after a token.
#[derive(Debug)]
pub struct Sequence {
    tokens: Vec<SequenceToken>,
}

#[derive(Debug)]
struct SequenceToken {
    pattern: Pattern,
    negate: bool,
    skip: usize,
}

impl Sequence {
    fn build(yaml: &Value) -> Result<Sequence, BuildError> {
        let Some(Value::List(items)) = yaml.get("tokens") else {
            return Err(BuildError::Invalid(
                "a sequence rule needs a list of `tokens`".to_owned(),
            ));
        };
        let ignorecase = flag(yaml, "ignorecase", false);
        let mut tokens = Vec::new();
        for item in items {
            if item
                .get("tag")
                .and_then(Value::as_str)
                .is_some_and(|t| !t.is_empty())
            {
                return Err(BuildError::Unsupported(
                    "its tokens use part-of-speech `tag`s, which need a tagger copydesk does not have"
                        .to_owned(),
                ));
            }
            let Some(pattern) = item.get("pattern").and_then(Value::as_str) else {
                return Err(BuildError::Invalid(
                    "every sequence token needs a `pattern` or a `tag`".to_owned(),
                ));
            };
            tokens.push(SequenceToken {
                pattern: compile(&format!("{}^(?:{pattern})$", case_flag(ignorecase)))?,
                negate: flag(item, "negate", false),
                skip: number(item, "skip")?.map_or(0, |n| n.max(0.0) as usize),
            });
        }
        if tokens.is_empty() {
            return Err(BuildError::Invalid(
                "a sequence rule needs tokens".to_owned(),
            ));
        }
        Ok(Sequence { tokens })
    }

    fn run(&self, unit: &Unit) -> Vec<Hit> {
        let words: Vec<Range<usize>> = segment::words(unit.text);
        let mut hits = Vec::new();
        let mut start = 0;
        while start < words.len() {
            let mut matched = Vec::with_capacity(self.tokens.len());
            if self.match_from(unit.text, &words, start, 0, &mut matched) {
                let first = words[matched[0]].start;
                let last = words[*matched.last().unwrap_or(&matched[0])].end;
                let args = matched
                    .iter()
                    .map(|&w| unit.text[words[w].clone()].to_owned())
                    .collect();
                hits.push(Hit::new(first..last, args));
                start = matched.last().map_or(start + 1, |&w| w + 1);
            } else {
                start += 1;
            }
        }
        hits
    }

    fn match_from(
        &self,
        text: &str,
        words: &[Range<usize>],
        word: usize,
        token: usize,
        matched: &mut Vec<usize>,
    ) -> bool {
        let Some(current) = self.tokens.get(token) else {
            return true;
        };
        let Some(range) = words.get(word) else {
            return false;
        };
        if current.pattern.is_match(&text[range.clone()]) == current.negate {
            return false;
        }
        matched.push(word);
        if token + 1 == self.tokens.len() {
            return true;
        }
        for next in word + 1..=word + 1 + current.skip {
            if self.match_from(text, words, next, token + 1, matched) {
                return true;
            }
        }
        matched.pop();
        false
    }
}

/// `spelling`, with the dictionaries and ignore files the rule names (the
/// built-in en_US when it names none; see `spelling.rs`).
#[derive(Debug)]
pub struct Spelling {
    speller: Speller,
}

impl Spelling {
    fn build(yaml: &Value, cx: &BuildContext) -> Result<Spelling, BuildError> {
        Ok(Spelling {
            speller: (cx.spelling)(yaml)?,
        })
    }

    fn run(&self, unit: &Unit) -> Vec<Hit> {
        self.speller
            .misspelled(unit.text)
            .into_iter()
            .map(|(range, suggestions)| {
                let mut hit = Hit::new(range.clone(), vec![unit.text[range].to_owned()]);
                hit.replacements = suggestions;
                hit
            })
            .collect()
    }
}

/// `script`: a Tengo script (inline, or a `.tengo` file in
/// `<StylesPath>/config/scripts/`) that sees the unit's text as `scope`
/// and leaves its findings in `matches` (see `super::script`).
#[derive(Debug)]
pub struct ScriptCheck {
    script: Script,
    origin: ScriptOrigin,
}

/// Where a script came from, to place its errors.
#[derive(Debug)]
enum ScriptOrigin {
    /// A `.tengo` file.
    File(PathBuf),
    /// Inside the rule file: the line before the script's first, and the
    /// script's indentation there (when it is a `|` block).
    Inline(Option<(usize, usize)>),
}

impl ScriptCheck {
    fn build(yaml: &Value, cx: &BuildContext) -> Result<ScriptCheck, BuildError> {
        let Some(given) = yaml.get("script").and_then(Value::as_str) else {
            return Err(BuildError::Invalid(
                "a `script` rule needs the key “script” (Tengo source, or a .tengo file in <StylesPath>/config/scripts)"
                    .to_owned(),
            ));
        };
        // As Vale: a value ending in `.tengo` names a file.
        let (origin, source) = if given.trim_end().ends_with(".tengo") {
            let (path, text) = (cx.script_file)(given.trim())?;
            (ScriptOrigin::File(path), text)
        } else {
            (
                ScriptOrigin::Inline(inline_script_at(cx.rule_text)),
                given.to_owned(),
            )
        };
        let script = Script::compile(&source).map_err(|error| {
            BuildError::Unsupported(format!(
                "its script does not run here: {}",
                origin.locate(&error)
            ))
        })?;
        Ok(ScriptCheck { script, origin })
    }

    /// Run the script on `text`: its matches (ranges into `text`), or why
    /// it stopped, with the place in the script.
    pub fn run(&self, text: &str) -> Result<Vec<ScriptMatch>, String> {
        self.script
            .run(text, limits_for(text.len()))
            .map_err(|error| self.origin.locate(&error))
    }
}

/// Steps a script run may take whatever its text, and for each byte of it.
const SCRIPT_BASE_STEPS: u64 = 20_000;
const SCRIPT_STEPS_PER_BYTE: u64 = 1_000;
const SCRIPT_LEAST_TIME: std::time::Duration = std::time::Duration::from_millis(250);

/// What one run may use, in proportion to its text: a script scoped to
/// sentences runs once per sentence, so a runaway one given the whole
/// budget each time would cost seconds per sentence (minutes on a short
/// post) from a style in a cloned repository. `scope: raw` over a file of
/// 10 KB or more gets the whole budget.
fn limits_for(bytes: usize) -> Limits {
    let whole = Limits::default();
    let steps =
        SCRIPT_BASE_STEPS.saturating_add(SCRIPT_STEPS_PER_BYTE.saturating_mul(bytes as u64));
    let share = steps.min(whole.steps) as f64 / whole.steps as f64;
    Limits {
        steps: steps.min(whole.steps),
        // Time is a backstop behind the steps, kept long enough that load
        // on the machine never stops a script that is within them.
        time: whole.time.mul_f64(share).max(SCRIPT_LEAST_TIME),
        ..whole
    }
}

impl ScriptOrigin {
    /// An error with its place: the `.tengo` file's path, line and column,
    /// or the rule file's line and column for an inline script.
    fn locate(&self, error: &ScriptError) -> String {
        if error.pos.line == 0 {
            return error.message.clone();
        }
        let (line, column) = (error.pos.line, error.pos.column);
        match self {
            ScriptOrigin::File(path) => {
                format!("{}:{line}:{column}: {}", path.display(), error.message)
            }
            ScriptOrigin::Inline(Some((before, indent))) => format!(
                "line {}, column {}: {}",
                before + line,
                column + indent,
                error.message
            ),
            ScriptOrigin::Inline(None) => {
                format!("script line {line}, column {column}: {}", error.message)
            }
        }
    }
}

/// Where an inline `script: |` block starts in a rule file: the line of
/// `script:` (1-based, so the script's line n is this plus n) and the
/// block's indentation. `None` when the script is not a block scalar.
fn inline_script_at(rule_text: &str) -> Option<(usize, usize)> {
    let lines: Vec<&str> = rule_text.lines().collect();
    let at = lines.iter().position(|l| l.starts_with("script:"))?;
    let value = lines[at]["script:".len()..].trim();
    if !value.starts_with(['|', '>']) {
        return None;
    }
    let indent = lines[at + 1..]
        .iter()
        .find(|l| !l.trim().is_empty())
        .map_or(0, |l| l.len() - l.trim_start_matches(' ').len());
    Some((at + 1, indent))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_case_styles() {
        assert_eq!(
            title_case("a tale of two cities", false),
            "A Tale of Two Cities"
        );
        assert_eq!(title_case("what to look for", false), "What to Look For");
        assert_eq!(
            title_case("working with the iPhone API", true),
            "Working with the iPhone API"
        );
        assert_eq!(
            title_case("jump over the fence", true),
            "Jump over the Fence"
        );
        assert_eq!(
            title_case("jump over the fence", false),
            "Jump Over the Fence"
        );
    }

    #[test]
    fn swaps_expand_groups_and_compare_tokens() {
        assert_eq!(
            expand_groups("in the $1 directory", &["config ".to_owned()]),
            "in the config directory"
        );
        assert!(match_token("MongoDB", "MongoDB"));
        assert!(!match_token("MongoDB", "mongodb"));
        assert!(match_token("[Oo]bservability", "observability"));
        assert!(!match_token("MPL 2.0", "mpl 2.0"));
        // An expected form that is not a valid pattern is compared as
        // written (Vale's fallback), however often it is asked.
        let broken = Token::new("C++ (beta");
        assert!(broken.matches("C++ (beta") && broken.matches("C++ (beta"));
        assert!(!broken.matches("C++"));
        // A pattern is compiled once and then answers every time.
        let pattern = Token::new("[Oo]bservability");
        assert!(pattern.matches("Observability") && pattern.matches("observability"));
        assert!(!pattern.matches("OBSERVABILITY"));
        assert_eq!(capitalize_first("human kind"), "Human kind");
    }
}
