//! `--format github`: GitHub Actions workflow commands, which the runner
//! turns into annotations on the pull request's diff.
//!
//! ```text
//! ::warning file=post.md,line=3,col=23,endLine=3,endColumn=34,title=concise/wordy-phrase::Wordy phrase “in order to”%0Ahelp: Replace with “to”
//! ```
//!
//! Errors and warnings keep their level; info and hints become notices.
//! Columns are 1-based and count characters, like the other formats. Every
//! value is escaped as the runner expects: `%`, `\r` and `\n` everywhere,
//! and also `:` and `,` inside properties.

use std::io::{self, Write};

use super::{FileReport, Printer, Summary, line_column};
use crate::finding::{Finding, Severity};

#[derive(Default)]
pub struct GithubPrinter;

impl Printer for GithubPrinter {
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        if let Some(error) = report.error {
            writeln!(
                out,
                "::error file={},title={}::{}",
                escape_property(report.path),
                escape_property("copydesk: file not checked"),
                escape_data(error)
            )?;
        }
        for finding in report.findings {
            let (line, column) = line_column(report.document, finding.span.start);
            let (end_line, end_column) = line_column(report.document, finding.span.end);
            writeln!(
                out,
                "::{} file={},line={line},col={column},endLine={end_line},endColumn={end_column},title={}::{}",
                command(finding.severity),
                escape_property(report.path),
                escape_property(&finding.rule),
                escape_data(&message(finding))
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "notice",
    }
}

/// The message, then the fixes and the note on lines of their own (the
/// annotation shows them under the message).
fn message(finding: &Finding) -> String {
    let mut text = finding.message.clone();
    for fix in &finding.fixes {
        text.push_str("\nhelp: ");
        text.push_str(&fix.title);
    }
    if let Some(note) = &finding.note {
        text.push_str("\nnote: ");
        text.push_str(note);
    }
    text
}

/// Escape a command's message (after `::`).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value (`file=…`, `title=…`).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_data_and_properties_as_the_runner_expects() {
        assert_eq!(
            escape_data("100% sure\r\nnext: a, b"),
            "100%25 sure%0D%0Anext: a, b"
        );
        assert_eq!(escape_property("dir,1/a:b%.md\n"), "dir%2C1/a%3Ab%25.md%0A");
    }
}
