//! The default format, rustc/ruff style:
//!
//! ```text
//! warning[concise/wordy-phrase]: Wordy phrase “in order to”
//!   --> post.md:3:23
//!    |
//!  3 | We rebuilt the editor in order to ship faster.
//!    |                       ^^^^^^^^^^^
//!    = help: Replace with “to”
//! ```
//!
//! Styles are always written; the caller's stream strips them when colour
//! is off (anstream).

use std::io::{self, Write};
use std::ops::Range;

use anstyle::{AnsiColor, Style};
use unicode_width::UnicodeWidthStr;

use super::{FileReport, Printer, Summary, line_column, plural};
use crate::document::Document;
use crate::finding::{Finding, Severity};
use crate::fix::Applicability;

const BOLD: Style = Style::new().bold();
const GUTTER: Style = AnsiColor::Blue.on_default().bold();
const HELP: Style = AnsiColor::Cyan.on_default().bold();

#[derive(Default)]
pub struct HumanPrinter {
    pub summary: bool,
}

fn severity_style(severity: Severity) -> Style {
    match severity {
        Severity::Error => AnsiColor::Red.on_default().bold(),
        Severity::Warning => AnsiColor::Yellow.on_default().bold(),
        Severity::Info => AnsiColor::Cyan.on_default().bold(),
        Severity::Hint => AnsiColor::Green.on_default().bold(),
    }
}

impl Printer for HumanPrinter {
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        if let Some(error) = report.error {
            let style = severity_style(Severity::Error);
            writeln!(
                out,
                "{style}error{style:#}{BOLD}: {}: {error}{BOLD:#}",
                report.path
            )?;
            writeln!(out)?;
        }
        // Source excerpts never show a sensitive value, whichever finding
        // they illustrate.
        let concealed: Vec<Range<usize>> = report
            .findings
            .iter()
            .filter(|f| f.sensitive)
            .map(|f| f.span.clone())
            .collect();
        for finding in report.findings {
            write_finding(out, report.path, report.document, finding, &concealed)?;
        }
        if let Some(tally) = &report.score {
            writeln!(
                out,
                "{BOLD}score{BOLD:#}: {}: {}",
                report.path,
                tally.score().describe()
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        if let Some(tally) = &summary.score {
            writeln!(
                out,
                "{BOLD}score{BOLD:#}: {}: {}",
                plural(tally.files, "file"),
                tally.score().describe()
            )?;
        }
        if self.summary {
            writeln!(out, "{BOLD}{}{BOLD:#}", summary.sentence())?;
        }
        Ok(())
    }
}

fn write_finding(
    out: &mut dyn Write,
    path: &str,
    document: Option<&Document>,
    finding: &Finding,
    concealed: &[Range<usize>],
) -> io::Result<()> {
    let style = severity_style(finding.severity);
    writeln!(
        out,
        "{style}{}[{}]{style:#}{BOLD}: {}{BOLD:#}",
        finding.severity, finding.rule, finding.message
    )?;
    let (line, column) = line_column(document, finding.span.start);
    let gutter_width = line.to_string().len();
    let pad = " ".repeat(gutter_width);
    writeln!(out, "{pad}{GUTTER}-->{GUTTER:#} {path}:{line}:{column}")?;
    if let Some(document) = document {
        let text = document.text();
        let index = &document.line_index;
        let line_index = index.line_of(finding.span.start);
        let line_start = index.line_start(line_index);
        let line_end = index.line_content_end(text, line_index);
        let start = finding.span.start.clamp(line_start, line_end);
        let end = finding.span.end.clamp(start, line_end);
        let shown = |range: Range<usize>| conceal(text, range, concealed);
        let prefix_width = display_width(&shown(line_start..start));
        let marker_width = display_width(&shown(start..end)).max(1);
        let continues = finding.span.end > line_end;
        writeln!(out, "{pad} {GUTTER}|{GUTTER:#}")?;
        writeln!(
            out,
            "{GUTTER}{line:>gutter_width$} |{GUTTER:#} {}",
            expand_tabs(&shown(line_start..line_end))
        )?;
        writeln!(
            out,
            "{pad} {GUTTER}|{GUTTER:#} {}{style}{}{}{style:#}",
            " ".repeat(prefix_width),
            "^".repeat(marker_width),
            if continues { "…" } else { "" }
        )?;
    }
    for fix in &finding.fixes {
        let marker = match fix.applicability {
            Applicability::Safe => "",
            Applicability::Unsafe => " (unsafe fix)",
            Applicability::DisplayOnly => " (suggestion)",
        };
        writeln!(
            out,
            "{pad} {GUTTER}={GUTTER:#} {HELP}help{HELP:#}: {}{marker}",
            fix.title
        )?;
    }
    if let Some(note) = &finding.note {
        writeln!(out, "{pad} {GUTTER}={GUTTER:#} {BOLD}note{BOLD:#}: {note}")?;
    }
    writeln!(out)
}

/// `text[range]` with every letter and digit inside a concealed range
/// replaced by `*` (punctuation kept, so the shape and width stay).
fn conceal(text: &str, range: Range<usize>, concealed: &[Range<usize>]) -> String {
    let slice = &text[range.clone()];
    if !concealed
        .iter()
        .any(|c| c.start < range.end && range.start < c.end)
    {
        return slice.to_owned();
    }
    slice
        .char_indices()
        .map(|(i, c)| {
            let at = range.start + i;
            if c.is_alphanumeric() && concealed.iter().any(|r| r.contains(&at)) {
                '*'
            } else {
                c
            }
        })
        .collect()
}

fn expand_tabs(text: &str) -> String {
    text.replace('\t', "    ")
}

fn display_width(text: &str) -> usize {
    // This runs once per finding over the line up to it, which for a
    // Markdown paragraph is a long line: expand tabs only when there are any.
    if text.contains('\t') {
        expand_tabs(text).width()
    } else {
        text.width()
    }
}
