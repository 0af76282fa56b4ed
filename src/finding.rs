//! A finding: what a rule reports about a span of the document.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::fix::{Applicability, Fix};

/// How much a finding matters. Ordered so that `Hint < Info < Warning < Error`.
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
pub enum Severity {
    Hint,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub const ALL: [Severity; 4] = [
        Severity::Hint,
        Severity::Info,
        Severity::Warning,
        Severity::Error,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Hint => "hint",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rule's report about one span of a document.
///
/// `span` is a byte range into the document's full text (front matter
/// included), end-exclusive. Messages quote the offending text and have no
/// trailing period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Rule id, `category/name` for built-in rules (`concise/wordy-phrase`);
    /// other sources (Vale styles, model review) use their own id shapes.
    pub rule: String,
    pub span: Range<usize>,
    pub message: String,
    pub severity: Severity,
    /// Extra explanation, usually the guide's `why` for the entry that matched.
    pub note: Option<String>,
    /// Candidate fixes, best first. Several fixes mean several candidates:
    /// rules mark those `DisplayOnly` so none is applied automatically.
    pub fixes: Vec<Fix>,
    /// The span holds a secret or personal value (share/personal-data).
    /// Nothing may print the source text it covers: printers mask it in
    /// excerpts, and [`conceal_sensitive_values`] scrubs it from every other
    /// finding's text.
    pub sensitive: bool,
    /// The rule, or its whole rule set, stopped early on this document
    /// (out of time or backtracking steps): what else it found depends on
    /// time, so results holding such a finding are not cached. Not part of
    /// any output.
    #[serde(skip)]
    pub cut_short: bool,
}

impl Finding {
    pub fn new(rule: &str, span: Range<usize>, severity: Severity, message: String) -> Finding {
        Finding {
            rule: rule.to_owned(),
            span,
            message,
            severity,
            note: None,
            fixes: Vec::new(),
            sensitive: false,
            cut_short: false,
        }
    }

    /// This finding says its rule stopped early (see
    /// [`cut_short`](Finding::cut_short)).
    pub fn marked_cut_short(mut self) -> Finding {
        self.cut_short = true;
        self
    }

    pub fn with_fix(mut self, fix: Fix) -> Finding {
        self.fixes.push(fix);
        self
    }

    pub fn with_note(mut self, note: Option<String>) -> Finding {
        self.note = note;
        self
    }

    /// The most applicable fix this finding offers, if any.
    pub fn best_applicability(&self) -> Option<Applicability> {
        self.fixes.iter().map(|fix| fix.applicability).max()
    }

    /// The category part of the rule id (`concise` for `concise/wordy-phrase`).
    pub fn category(&self) -> &str {
        self.rule.split('/').next().unwrap_or(&self.rule)
    }
}

/// Stands in for a sensitive value in other findings' text.
pub const CONCEALED: &str = "[hidden]";

/// Make sure no finding repeats a value that a sensitive finding covers: a
/// finding that lies wholly inside a sensitive span (a casing or shouting
/// finding on an API key) is dropped; any other finding's message, note and
/// fix titles have the value replaced by [`CONCEALED`], and fixes whose
/// edits would write the value are dropped.
pub fn conceal_sensitive_values(text: &str, findings: &mut Vec<Finding>) {
    let secrets: Vec<(Range<usize>, String)> = findings
        .iter()
        .filter(|f| f.sensitive)
        .filter_map(|f| Some((f.span.clone(), text.get(f.span.clone())?.to_owned())))
        .filter(|(_, value)| !value.is_empty())
        .flat_map(|(span, value)| {
            // Messages quote prose, where whitespace runs are one space.
            let collapsed = value.split_whitespace().collect::<Vec<_>>().join(" ");
            let extra = (collapsed != value).then(|| (span.clone(), collapsed));
            std::iter::once((span, value)).chain(extra)
        })
        .collect();
    if secrets.is_empty() {
        return;
    }
    // A value is reported once but may stand in several places: a finding
    // inside any of them goes.
    let places: Vec<Range<usize>> = secrets
        .iter()
        .flat_map(|(span, value)| {
            std::iter::once(span.clone()).chain(
                text.match_indices(value.as_str())
                    .map(|(at, found)| at..at + found.len()),
            )
        })
        .collect();
    findings.retain(|finding| {
        finding.sensitive
            || !places
                .iter()
                .any(|span| span.start <= finding.span.start && finding.span.end <= span.end)
    });
    for finding in findings.iter_mut().filter(|f| !f.sensitive) {
        for (_, value) in &secrets {
            let hide = |text: &mut String| {
                if text.contains(value.as_str()) {
                    *text = text.replace(value.as_str(), CONCEALED);
                }
            };
            hide(&mut finding.message);
            if let Some(note) = &mut finding.note {
                hide(note);
            }
            for fix in &mut finding.fixes {
                hide(&mut fix.title);
            }
            finding.fixes.retain(|fix| {
                !fix.edits
                    .iter()
                    .any(|edit| edit.replacement.contains(value.as_str()))
            });
        }
    }
}

/// What a message shows where its quote of the prose held an atom (inline
/// code, a link's URL, an email address, an image): prose text marks those
/// with U+FFFC, which no reader should see, and an atom may be a value
/// that must stay hidden, so it is elided rather than written out.
pub const ELIDED: &str = "…";

/// The order that sorts findings by `key`, stably: `order[j]` is the
/// index of the finding that goes to place `j` (see [`reorder`]).
pub fn order_by<'a, K: Ord + Send>(
    findings: &'a [Finding],
    key: impl Fn(&'a Finding) -> K,
) -> Vec<usize> {
    let mut keyed: Vec<(K, usize)> = findings.iter().map(key).zip(0..).collect();
    // The index breaks ties, so an unstable sort keeps their order (and
    // sorting on every core gives the same order).
    if keyed.len() >= PARALLEL_FINDINGS {
        use rayon::slice::ParallelSliceMut;
        keyed.par_sort_unstable();
    } else {
        keyed.sort_unstable();
    }
    keyed.into_iter().map(|(_, index)| index).collect()
}

/// Put findings in `order` (from [`order_by`]), moving each once by
/// following the permutation's cycles: unlike `sort_by_key`, no scratch
/// copy of up to every finding (8 MB on a large file).
pub fn reorder(findings: &mut [Finding], mut order: Vec<usize>) {
    // Place `j` takes the finding now at `order[j]`; a place done is
    // marked `usize::MAX`.
    for start in 0..order.len() {
        let mut place = start;
        while order.get(place).is_some_and(|&from| from != usize::MAX) {
            let from = order[place];
            order[place] = usize::MAX;
            if from == start {
                break;
            }
            findings.swap(place, from);
            place = from;
        }
    }
}

/// Replace the U+FFFC placeholders prose text holds for atoms in every
/// message, note and fix title, whichever rule or rule set wrote them.
pub fn elide_placeholders(findings: &mut [Finding]) {
    let placeholder = crate::document::PLACEHOLDER;
    let elide = |text: &mut String| {
        if text.contains(placeholder) {
            *text = text.replace(placeholder, ELIDED);
        }
    };
    let elide_all = |finding: &mut Finding| {
        elide(&mut finding.message);
        if let Some(note) = &mut finding.note {
            elide(note);
        }
        for fix in &mut finding.fixes {
            elide(&mut fix.title);
        }
    };
    if findings.len() >= PARALLEL_FINDINGS {
        use rayon::prelude::*;
        findings.par_iter_mut().for_each(elide_all);
    } else {
        findings.iter_mut().for_each(elide_all);
    }
}

/// Findings from which sorting them, or reading all their texts, pays on
/// every core (a style set's findings on a long document run to tens of
/// thousands).
const PARALLEL_FINDINGS: usize = 4096;

/// Quote a piece of the document for a message, the way every message does:
/// curly double quotes, inner whitespace collapsed, long quotes shortened.
pub fn quote(text: &str) -> String {
    const MAX_CHARS: usize = 60;
    let mut collapsed = String::with_capacity(text.len().min(MAX_CHARS * 4) + 8);
    let mut chars = 0;
    let mut last_was_space = false;
    for c in text.trim().chars() {
        if c.is_whitespace() {
            if last_was_space {
                continue;
            }
            last_was_space = true;
            collapsed.push(' ');
        } else {
            last_was_space = false;
            collapsed.push(c);
        }
        chars += 1;
        if chars == MAX_CHARS {
            collapsed.push('…');
            break;
        }
    }
    format!("“{collapsed}”")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_order_from_hint_to_error() {
        assert!(Severity::Hint < Severity::Info);
        assert!(Severity::Info < Severity::Warning);
        assert!(Severity::Warning < Severity::Error);
        assert_eq!(Severity::parse("warning"), Some(Severity::Warning));
        assert_eq!(Severity::parse("loud"), None);
    }

    #[test]
    fn quotes_collapse_whitespace_and_shorten() {
        assert_eq!(quote("in\n  order to"), "“in order to”");
        let long = "word ".repeat(30);
        let quoted = quote(&long);
        assert!(quoted.ends_with("…”"), "{quoted}");
        assert_eq!(quoted.chars().count(), 60 + 3);
    }
}
