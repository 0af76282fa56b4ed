//! Printers: one per output format. Only this module knows formats.
//!
//! A printer receives one [`FileReport`] at a time, in path order, and a
//! [`Summary`] at the end, so a batch of any size streams through it.

mod checkstyle;
mod concise;
mod github;
mod human;
mod json;
mod json_lines;
mod junit;
mod plain;
mod sarif;
mod vale;
mod xml;

use std::io::{self, Write};

pub use concise::ConcisePrinter;
pub use human::HumanPrinter;
pub use json::{JSON_VERSION, JsonPrinter, file_json};
pub use vale::{ValeJsonPrinter, ValeLinePrinter};

pub use checkstyle::CheckstylePrinter;
pub use github::GithubPrinter;
pub use json_lines::JsonLinesPrinter;
pub use junit::JunitPrinter;
pub use plain::PlainWriter;
pub use sarif::SarifPrinter;

use crate::document::Document;
use crate::finding::{Finding, Severity};
use crate::fix::Applicability;
use crate::score::Tally;

/// What the batch found in one file.
pub struct FileReport<'a> {
    /// The path as the user named it (or the `--stdin-filename`).
    pub path: &'a str,
    /// The parsed document; `None` when the file could not be read.
    pub document: Option<&'a Document>,
    pub findings: &'a [Finding],
    /// Why the file could not be checked.
    pub error: Option<&'a str>,
    /// What the file's score is computed from, when scores were asked for
    /// (`--score`, `--min-score`).
    pub score: Option<Tally>,
}

/// Totals over a batch.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub findings: usize,
    pub errors: usize,
    /// Files checked whose fixes `--fix` could not write (counted apart
    /// from `errors`: they were checked).
    pub not_written: usize,
    /// Count of findings per severity, indexed like [`Severity::ALL`].
    pub by_severity: [usize; 4],
    /// Findings whose one fix `--fix` would apply.
    pub fixable: usize,
    /// Findings whose one fix needs `--unsafe-fixes`.
    pub unsafe_fixable: usize,
    /// Fixes applied by `--fix`, when it ran.
    pub fixes_applied: Option<usize>,
    /// All scored files' tallies added up, when scores were asked for.
    pub score: Option<Tally>,
}

impl Summary {
    pub fn add(&mut self, report: &FileReport) {
        self.files += 1;
        if report.error.is_some() {
            self.errors += 1;
        }
        if let Some(tally) = &report.score {
            self.score.get_or_insert_default().add(tally);
        }
        for finding in report.findings {
            self.findings += 1;
            self.by_severity[finding.severity as usize] += 1;
            match finding.fixes.as_slice() {
                [fix] if fix.applicability == Applicability::Safe => self.fixable += 1,
                [fix] if fix.applicability == Applicability::Unsafe => self.unsafe_fixable += 1,
                _ => {}
            }
        }
    }

    /// A one-line, human summary (no trailing period on purpose in the
    /// fragments; sentences end with one).
    pub fn sentence(&self) -> String {
        let mut text = if self.findings == 0 && self.errors == 0 && self.not_written == 0 {
            format!("No findings in {}.", plural(self.files, "file"))
        } else {
            let severities: Vec<String> = Severity::ALL
                .iter()
                .rev()
                .filter(|s| self.by_severity[**s as usize] > 0)
                .map(|s| severity_count(self.by_severity[*s as usize], *s))
                .collect();
            let mut text = format!(
                "Found {} in {}",
                plural(self.findings, "finding"),
                plural(self.files, "file")
            );
            if !severities.is_empty() {
                text.push_str(&format!(" ({})", severities.join(", ")));
            }
            if self.errors > 0 {
                text.push_str(&format!(
                    "; {} could not be checked",
                    plural(self.errors, "file")
                ));
            }
            if self.not_written > 0 {
                text.push_str(&format!(
                    "; {} checked but fixes not written",
                    plural(self.not_written, "file")
                ));
            }
            text.push('.');
            text
        };
        match self.fixes_applied {
            Some(applied) => {
                text.push_str(&format!(" Applied {}.", plural(applied, "fix")));
                if self.unsafe_fixable > 0 {
                    text.push_str(&format!(
                        " {} more with --unsafe-fixes.",
                        self.unsafe_fixable
                    ));
                }
            }
            None if self.fixable > 0 || self.unsafe_fixable > 0 => {
                if self.fixable > 0 {
                    text.push_str(&format!(" {} fixable with --fix", self.fixable));
                }
                if self.unsafe_fixable > 0 {
                    let joiner = if self.fixable > 0 { "; " } else { " " };
                    text.push_str(&format!(
                        "{joiner}{} more with --unsafe-fixes",
                        self.unsafe_fixable
                    ));
                }
                text.push('.');
            }
            None => {}
        }
        text
    }
}

fn severity_count(count: usize, severity: Severity) -> String {
    match severity {
        Severity::Info => format!("{count} info"),
        _ if count == 1 => format!("1 {severity}"),
        _ => format!("{count} {severity}s"),
    }
}

/// A score as the text printers show it:
/// `71 (voice 80, concise 64, flow 100, share 100; 350 words)`.
pub fn describe_score(score: &crate::score::Score) -> String {
    format!(
        "{} (voice {}, concise {}, flow {}, share {}; {})",
        score.overall,
        score.voice,
        score.concise,
        score.flow,
        score.share,
        plural(score.words, "word")
    )
}

pub fn plural(count: usize, noun: &str) -> String {
    match (count, noun) {
        (1, _) => format!("1 {noun}"),
        (_, "fix") => format!("{count} fixes"),
        _ => format!("{count} {noun}s"),
    }
}

pub trait Printer {
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()>;
    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()>;
}

/// 1-based (line, column in characters) of a byte offset, or (1, 1) for a
/// file that could not be parsed.
pub(crate) fn line_column(document: Option<&Document>, offset: usize) -> (usize, usize) {
    document.map_or((1, 1), |d| d.line_column(offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_sentences() {
        let mut summary = Summary {
            files: 3,
            ..Summary::default()
        };
        assert_eq!(summary.sentence(), "No findings in 3 files.");
        summary.findings = 4;
        summary.by_severity = [0, 1, 3, 0];
        summary.fixable = 2;
        summary.unsafe_fixable = 1;
        assert_eq!(
            summary.sentence(),
            "Found 4 findings in 3 files (3 warnings, 1 info). 2 fixable with --fix; 1 more with --unsafe-fixes."
        );
    }
}
