//! What every Vale rule has: the header keys (`extends`, `message`,
//! `level`, `scope`, `link`, `limit`, `action`, `description`, `vocab`),
//! exceptions, message formatting, and turning a match into a finding with
//! fixes.

use std::ops::Range;
use std::path::PathBuf;

use super::checks::Check;
use super::pattern::Pattern;
use super::scope::Scope;
use crate::document::Block;
use crate::finding::{Finding, Severity, quote};
use crate::fix::{Applicability, Edit, Fix};
use crate::wording::replace;

/// A Vale alert level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    Suggestion,
    Warning,
    Error,
}

impl Level {
    pub fn parse(text: &str) -> Option<Level> {
        match text.trim() {
            "suggestion" => Some(Level::Suggestion),
            "warning" => Some(Level::Warning),
            "error" => Some(Level::Error),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Suggestion => "suggestion",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    /// copydesk's severity for a Vale level: a suggestion is `info`.
    pub fn severity(self) -> Severity {
        match self {
            Level::Suggestion => Severity::Info,
            Level::Warning => Severity::Warning,
            Level::Error => Severity::Error,
        }
    }

    /// The Vale level of a copydesk severity (`hint` and `info` are
    /// suggestions), for Vale's output formats and `MinAlertLevel`.
    pub fn of_severity(severity: Severity) -> Level {
        match severity {
            Severity::Hint | Severity::Info => Level::Suggestion,
            Severity::Warning => Level::Warning,
            Severity::Error => Level::Error,
        }
    }
}

/// A rule's `action`: how a match can be corrected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Action {
    pub name: String,
    pub params: Vec<String>,
}

/// One loaded rule.
#[derive(Debug)]
pub struct Rule {
    /// `Style.Rule`.
    pub id: String,
    pub style: String,
    /// The YAML file, or `None` for Vale's built-in rules.
    pub source: Option<PathBuf>,
    pub extends: String,
    pub message: String,
    pub description: String,
    pub link: String,
    pub level: Level,
    pub scope: Scope,
    /// Report at most this many findings per file (0: no limit).
    pub limit: usize,
    pub action: Action,
    pub check: Check,
    /// [`Rule::note`], made once.
    pub note: Option<String>,
}

/// A match, before it becomes a finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// The range in the unit's text.
    pub range: Range<usize>,
    /// Arguments for the message's `%s`.
    pub args: Vec<String>,
    /// Replacement candidates a `replace` action offers when its `params`
    /// are empty (substitution fills them from `swap`).
    pub replacements: Vec<String>,
    /// Whether the match is whole words (a word-bounded pattern), which
    /// makes a single replacement or a removal trustworthy.
    pub whole_words: bool,
}

impl Hit {
    pub fn new(range: Range<usize>, args: Vec<String>) -> Hit {
        Hit {
            range,
            args,
            replacements: Vec::new(),
            whole_words: false,
        }
    }
}

/// The text a rule runs on, and how it maps to the source.
#[derive(Debug, Clone, Copy)]
pub struct Unit<'a> {
    pub text: &'a str,
    /// Where `text` starts in its block's prose (0 for the raw unit).
    pub base: usize,
    /// The block, or `None` when `text` is the raw source.
    pub block: Option<&'a Block>,
}

impl Unit<'_> {
    pub fn source_range(&self, range: Range<usize>) -> Range<usize> {
        let prose = self.base + range.start..self.base + range.end;
        match self.block {
            Some(block) => block.source_range(prose),
            None => prose,
        }
    }

    fn clean_source_range(&self, range: Range<usize>, source: &str) -> Option<Range<usize>> {
        let prose = self.base + range.start..self.base + range.end;
        match self.block {
            Some(block) => block.prose.clean_source_range(prose, source),
            None => Some(prose),
        }
    }
}

/// Exceptions: the rule's own list plus the vocabulary's accepted terms.
#[derive(Debug, Clone, Default)]
pub struct Exceptions {
    /// Any exception, as a word, inside the matched text.
    word: Option<Pattern>,
    /// Accepted multi-word phrases: a match inside one is not reported.
    phrase: Option<Pattern>,
}

impl Exceptions {
    /// The sources of the exception patterns: equal sources except
    /// exactly the same.
    pub fn sources(&self) -> [Option<&str>; 2] {
        [
            self.word.as_ref().map(Pattern::source),
            self.phrase.as_ref().map(Pattern::source),
        ]
    }

    pub fn new(own: &[String], accepted: &[String], use_vocab: bool) -> Exceptions {
        let mut terms: Vec<String> = own.to_vec();
        if use_vocab {
            terms.extend(accepted.iter().cloned());
        }
        terms.retain(|term| !term.trim().is_empty());
        if terms.is_empty() {
            return Exceptions::default();
        }
        // Longest first, so alternation prefers the whole phrase.
        terms.sort_by_key(|term| std::cmp::Reverse(term.len()));
        let terms: Vec<String> = terms
            .into_iter()
            .map(|term| {
                if Pattern::compile(&term).is_ok() {
                    term
                } else {
                    regex::escape(&term)
                }
            })
            .collect();
        let word = Pattern::compile(&format!(r"(?m)\b(?:{})\b", terms.join("|"))).ok();
        let phrases: Vec<&String> = terms
            .iter()
            .filter(|term| term.contains([' ', '\t']) || term.contains(r"\s"))
            .collect();
        let phrase = if phrases.is_empty() {
            None
        } else {
            let joined: Vec<&str> = phrases.iter().map(|p| p.as_str()).collect();
            Pattern::compile(&format!(r"(?i)\b(?:{})\b", joined.join("|"))).ok()
        };
        Exceptions { word, phrase }
    }

    /// Whether a match is excepted: its text holds an exception, or it lies
    /// inside an accepted phrase of the surrounding text.
    pub fn excepts(&self, text: &str, range: &Range<usize>) -> bool {
        let observed = text[range.clone()].trim();
        if self
            .word
            .as_ref()
            .is_some_and(|word| word.is_match(observed))
        {
            return true;
        }
        self.phrase.as_ref().is_some_and(|phrase| {
            phrase
                .find_ranges(text)
                .iter()
                .any(|span| span.start <= range.start && range.end <= span.end)
        })
    }

    pub fn matches_word(&self, observed: &str) -> bool {
        self.word
            .as_ref()
            .is_some_and(|word| word.is_match(observed))
    }

    pub fn pattern(&self) -> Option<&Pattern> {
        self.word.as_ref()
    }
}

/// Go's `fmt.Sprintf` for Vale messages: `%s` takes the next argument,
/// `%[n]s` the n-th, `%%` is a percent sign; a missing argument is empty
/// and extra arguments are ignored (Vale's `CondSprintf`). Whitespace runs
/// become one space, as Vale prints them.
pub fn format_message(message: &str, args: &[String]) -> String {
    // Room for every argument once: most messages take one, and a
    // growing string would be copied.
    let room = args.iter().map(String::len).sum::<usize>();
    let mut out = String::with_capacity(message.len() + room);
    let mut next = 0;
    let mut rest = message;
    while let Some(at) = memchr::memchr(b'%', rest.as_bytes()) {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('%') {
            out.push('%');
            rest = tail;
        } else if let Some(tail) = after.strip_prefix('s') {
            out.push_str(args.get(next).map_or("", String::as_str));
            next += 1;
            rest = tail;
        } else if let Some(tail) = after.strip_prefix('[')
            && let Some(close) = tail.find("]s")
            && let Ok(index) = tail[..close].parse::<usize>()
        {
            out.push_str(args.get(index.wrapping_sub(1)).map_or("", String::as_str));
            next = index;
            rest = &tail[close + 2..];
        } else {
            out.push('%');
            rest = after;
        }
    }
    out.push_str(rest);
    collapse_whitespace(out)
}

/// Runs of whitespace as one space, none at either end (as
/// `split_whitespace` then `join(" ")`), without copying text that has none.
fn collapse_whitespace(text: String) -> String {
    let bytes = text.as_bytes();
    let clean = if text.is_ascii() {
        // Most messages: bytes are characters, and the only whitespace is
        // the ASCII kind (`char::is_whitespace` holds for 0x09 to 0x0D and
        // the space). Folds without an early exit, which the compiler
        // turns into a few vector steps for a message's few dozen bytes.
        let control = bytes
            .iter()
            .fold(false, |seen, &b| seen | (b.wrapping_sub(0x09) < 5));
        let doubled = bytes
            .iter()
            .zip(bytes.iter().skip(1))
            .fold(false, |seen, (&a, &b)| seen | ((a == b' ') & (b == b' ')));
        !bytes.is_empty()
            && bytes[0] != b' '
            && bytes[bytes.len() - 1] != b' '
            && !control
            && !doubled
    } else {
        let mut previous_space = true;
        text.chars().all(|c| {
            let ok = if c == ' ' {
                !previous_space
            } else {
                !c.is_whitespace()
            };
            previous_space = c == ' ';
            ok
        }) && !previous_space
    };
    if clean || text.is_empty() {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// `'a'`, `'a' or 'b'`, `'a', 'b', or 'c'` (Vale's `ToSentence`).
pub fn to_sentence(words: &[String], conjunction: &str) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [a, b] => format!("{a} {conjunction} {b}"),
        [init @ .., last] => format!("{}, {conjunction} {last}", init.join(", ")),
    }
}

/// For a message with two quoted `%s`, drop the quotes around the first,
/// which [`to_sentence`] supplies (Vale's `convertMessage`).
pub fn unquote_first(message: &str) -> String {
    for spec in ["'%s'", "\"%s\""] {
        if message.matches(spec).count() == 2 {
            return message.replacen(spec, "%s", 1);
        }
    }
    message.to_owned()
}

impl Rule {
    /// The finding for a hit, or `None` when the hit is empty.
    pub fn finding(
        &self,
        unit: &Unit,
        source: &str,
        hit: &Hit,
        severity: Severity,
    ) -> Option<Finding> {
        let (start, end) = trimmed(unit.text, &hit.range);
        if start >= end && !hit.range.is_empty() {
            return None;
        }
        let message = if self.check.formats_replacements()
            && self.action.name == "replace"
            && self.action.params.is_empty()
            && !hit.replacements.is_empty()
        {
            let mut args = hit.args.clone();
            if let Some(first) = args.first_mut() {
                *first = to_sentence(&hit.replacements, "or");
            }
            format_message(&unquote_first(&self.message), &args)
        } else {
            format_message(&self.message, &hit.args)
        };
        let span = unit.source_range(start..end);
        let mut finding =
            Finding::new(&self.id, span, severity, message).with_note(self.note.clone());
        finding.fixes = self.fixes(unit, source, hit, start..end);
        Some(finding)
    }

    /// The rule's description and link, shown under its findings.
    pub fn note(&self) -> Option<String> {
        let description = self
            .description
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let link = self.link.trim();
        match (description.is_empty(), link.is_empty()) {
            (true, true) => None,
            (false, true) => Some(description),
            (true, false) => Some(format!("See {link}")),
            (false, false) => Some(format!("{description} See {link}")),
        }
    }

    fn fixes(&self, unit: &Unit, source: &str, hit: &Hit, range: Range<usize>) -> Vec<Fix> {
        let Some(block) = unit.block else {
            return self.raw_fixes(source, hit, unit, range);
        };
        let matched = &unit.text[range.clone()];
        let prose = unit.base + range.start..unit.base + range.end;
        // One candidate from a word-bounded match is the one right answer;
        // anything else is offered, not applied.
        let single = if hit.whole_words {
            Applicability::Safe
        } else {
            Applicability::Unsafe
        };
        let edited = if hit.whole_words {
            Applicability::Unsafe
        } else {
            Applicability::DisplayOnly
        };
        match self.action.name.as_str() {
            "replace" => {
                let candidates: Vec<String> = if self.action.params.is_empty() {
                    hit.replacements.clone()
                } else {
                    self.action.params.clone()
                };
                let candidates: Vec<String> = candidates
                    .into_iter()
                    .filter(|c| is_literal_replacement(c) && c != matched)
                    .collect();
                let applicability = if candidates.len() == 1 {
                    single
                } else {
                    Applicability::DisplayOnly
                };
                candidates
                    .iter()
                    .filter_map(|candidate| {
                        let replacement = if self.check.ignores_case() {
                            replace::match_case(matched, candidate)
                        } else {
                            candidate.clone()
                        };
                        replace::replacement_fix(
                            block,
                            source,
                            prose.clone(),
                            &replacement,
                            applicability,
                        )
                    })
                    .collect()
            }
            "remove" => replace::replacement_fix(block, source, prose, "", edited)
                .into_iter()
                .collect(),
            "edit" => {
                let Some(new_text) = edit(matched, &self.action.params) else {
                    return Vec::new();
                };
                if new_text == matched {
                    return Vec::new();
                }
                let Some(source_range) = unit.clean_source_range(range, source) else {
                    return Vec::new();
                };
                let title = if new_text.trim().is_empty() {
                    format!("Remove {}", quote(matched))
                } else {
                    format!("Change to {}", quote(&new_text))
                };
                vec![Fix::new(
                    title,
                    vec![Edit::replace(source_range, new_text)],
                    edited,
                )]
            }
            "suggest" => hit
                .replacements
                .iter()
                .filter_map(|candidate| {
                    replace::replacement_fix(
                        block,
                        source,
                        prose.clone(),
                        candidate,
                        Applicability::DisplayOnly,
                    )
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Fixes for a match in the raw source: only literal replacements,
    /// offered, never applied automatically.
    fn raw_fixes(&self, _source: &str, hit: &Hit, unit: &Unit, range: Range<usize>) -> Vec<Fix> {
        if self.action.name != "replace" {
            return Vec::new();
        }
        let candidates = if self.action.params.is_empty() {
            &hit.replacements
        } else {
            &self.action.params
        };
        let span = unit.source_range(range);
        candidates
            .iter()
            .filter(|c| is_literal_replacement(c))
            .map(|candidate| {
                Fix::display_only(
                    format!("Replace with {}", quote(candidate)),
                    Edit::replace(span.clone(), candidate.clone()),
                )
            })
            .collect()
    }
}

/// A match range without surrounding whitespace.
fn trimmed(text: &str, range: &Range<usize>) -> (usize, usize) {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = range.end - (slice.len() - slice.trim_end().len());
    (start, end.max(start))
}

/// Whether a replacement is text, not a regex Vale would compare against.
fn is_literal_replacement(candidate: &str) -> bool {
    !candidate.trim().is_empty()
        && !candidate.contains([
            '[', ']', '(', ')', '{', '}', '*', '+', '?', '\\', '^', '$', '|',
        ])
}

/// Vale's `edit` action on a matched text.
pub fn edit(matched: &str, params: &[String]) -> Option<String> {
    let (kind, rest) = params.split_first()?;
    let arg = rest.first().map_or("", String::as_str);
    // Keep the whitespace a nonword pattern matched around the text.
    let body = matched.trim_end();
    let trailing = &matched[body.len()..];
    let edited = match kind.as_str() {
        "regex" => {
            let pattern = regex::Regex::new(arg).ok()?;
            let replacement = rest.get(1).map_or("", String::as_str);
            return Some(pattern.replace_all(matched, replacement).into_owned());
        }
        "trim_right" => body.trim_end_matches(|c| arg.contains(c)).to_owned(),
        "trim_left" => return Some(matched.trim_start_matches(|c| arg.contains(c)).to_owned()),
        "trim" => body.trim_matches(|c| arg.contains(c)).to_owned(),
        "remove" => body.chars().filter(|c| !arg.contains(*c)).collect(),
        "truncate" | "split" => body.split(arg).next().unwrap_or(body).to_owned(),
        _ => return None,
    };
    Some(format!("{edited}{trailing}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_collapse_whitespace_as_split_and_join() {
        for text in [
            "",
            " ",
            "a",
            "a b",
            " a",
            "a ",
            "a  b",
            "a\tb",
            "a\n\n b ",
            "\u{a0}x\u{2003}y",
            "é è",
            "a\u{b}b",
            "a\u{c}b\r",
            "  ",
            "a b  ",
        ] {
            let expected = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(collapse_whitespace(text.to_owned()), expected, "{text:?}");
        }
        // Every ASCII text, against the reference.
        proptest::proptest!(|(text in "[ a\t\n\u{b}\u{c}\r]{0,12}")| {
            let expected = text.split_whitespace().collect::<Vec<_>>().join(" ");
            proptest::prop_assert_eq!(collapse_whitespace(text.clone()), expected);
        });
        assert_eq!(
            format_message("Use '%s'  instead of\n '%s'.", &["a".into(), "b".into()]),
            "Use 'a' instead of 'b'."
        );
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn messages_format_like_go() {
        assert_eq!(
            format_message(
                "Use '%s' instead of '%s'.",
                &strings(&["to", "in order to"])
            ),
            "Use 'to' instead of 'in order to'."
        );
        assert_eq!(format_message("No args: '%s'", &[]), "No args: ''");
        assert_eq!(
            format_message("100%% sure, %s", &strings(&["yes", "extra"])),
            "100% sure, yes"
        );
        assert_eq!(
            format_message(
                "The '%[2]s' after '%[1]s'\n  needs 'to'.",
                &strings(&["be", "able"])
            ),
            "The 'able' after 'be' needs 'to'."
        );
    }

    #[test]
    fn several_replacements_read_as_a_sentence() {
        assert_eq!(to_sentence(&strings(&["a"]), "or"), "'a'");
        assert_eq!(to_sentence(&strings(&["a", "b"]), "or"), "'a' or 'b'");
        assert_eq!(
            to_sentence(&strings(&["a", "b", "c"]), "or"),
            "'a', 'b', or 'c'"
        );
        assert_eq!(
            unquote_first("Consider using '%s' instead of '%s'."),
            "Consider using %s instead of '%s'."
        );
    }

    #[test]
    fn edit_actions() {
        let trim = strings(&["trim_right", "!"]);
        assert_eq!(edit("great! ", &trim).as_deref(), Some("great "));
        let regex = strings(&["regex", "([A-Z]\\w+)([A-Z]\\w+)", "$1-$2"]);
        assert_eq!(edit("FooBar", &regex).as_deref(), Some("Foo-Bar"));
        let remove = strings(&["remove", ".?!"]);
        assert_eq!(edit("Heading.", &remove).as_deref(), Some("Heading"));
        let truncate = strings(&["truncate", " "]);
        assert_eq!(edit("the the", &truncate).as_deref(), Some("the"));
    }

    #[test]
    fn exceptions_match_words_and_accepted_phrases() {
        let exceptions = Exceptions::new(&strings(&["CLI"]), &strings(&["Azure DevOps"]), true);
        let text = "Use the CLI in Azure DevOps today";
        assert!(exceptions.excepts(text, &(8..11)));
        assert!(exceptions.excepts(text, &(21..27)));
        assert!(!exceptions.excepts(text, &(28..33)));
        let without_vocab = Exceptions::new(&[], &strings(&["Azure DevOps"]), false);
        assert!(!without_vocab.excepts(text, &(21..27)));
    }
}
