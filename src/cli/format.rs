//! The findings formats the `check` and `review` commands share: `--format`,
//! `--fail-on`, and the printer for each format.

use clap::ValueEnum;

use crate::finding::Severity;
use crate::output::{
    CheckstylePrinter, ConcisePrinter, GithubPrinter, HumanPrinter, JsonLinesPrinter, JsonPrinter,
    JunitPrinter, Printer, SarifPrinter, ValeJsonPrinter, ValeLinePrinter,
};
use crate::rules::RuleMeta;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Findings with the source line underlined, rustc style
    Human,
    /// One line per finding: path:line:col: severity [rule] message
    Concise,
    /// One JSON document (version 1; see the README)
    Json,
    /// Vale's `line` output: path:line:col:Style.Rule:message
    ValeLine,
    /// Vale's `JSON` output, to diff against `vale --output=JSON`
    ValeJson,
    /// One JSON object per finding, one per line
    JsonLines,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request)
    Github,
    /// JUnit XML: a test suite per file, a failing test case per finding
    Junit,
    /// Checkstyle XML, for reviewdog and CI plugins
    Checkstyle,
}

impl Format {
    /// Formats read by programs: nothing but the format goes to their stream.
    pub(super) fn is_machine_readable(self) -> bool {
        matches!(
            self,
            Format::Json
                | Format::JsonLines
                | Format::Sarif
                | Format::Junit
                | Format::Checkstyle
                | Format::ValeLine
                | Format::ValeJson
        )
    }

    /// Vale's own formats, which print what Vale would: Vale rules only.
    pub(super) fn is_vale(self) -> bool {
        matches!(self, Format::ValeLine | Format::ValeJson)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Hint,
    Info,
    Warning,
    Error,
    /// Never fail on findings (unreadable files still fail)
    Never,
}

impl FailOn {
    pub(super) fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Hint => Some(Severity::Hint),
            FailOn::Info => Some(Severity::Info),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Error => Some(Severity::Error),
            FailOn::Never => None,
        }
    }
}

/// `plain`: the output takes no colour, so a printer need not style it.
pub(super) fn new_printer(
    format: Format,
    active_rules: &[&'static RuleMeta],
    plain: bool,
) -> Box<dyn Printer> {
    match format {
        Format::Human => Box::new(HumanPrinter {
            summary: false,
            plain,
        }),
        Format::Concise => Box::new(ConcisePrinter { summary: false }),
        Format::Json => Box::new(JsonPrinter::default()),
        Format::JsonLines => Box::new(JsonLinesPrinter),
        Format::Sarif => Box::new(SarifPrinter::new(active_rules.iter().copied())),
        Format::Github => Box::new(GithubPrinter),
        Format::Junit => Box::new(JunitPrinter::default()),
        Format::Checkstyle => Box::new(CheckstylePrinter::default()),
        Format::ValeLine => Box::new(ValeLinePrinter),
        Format::ValeJson => Box::new(ValeJsonPrinter::default()),
    }
}
