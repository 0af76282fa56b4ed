//! `--format concise`: one line per finding, `path:line:col: severity [rule] message`.

use std::io::{self, Write};

use super::{FileReport, Printer, Summary, line_column, plural};

#[derive(Default)]
pub struct ConcisePrinter {
    /// Print the summary line at the end.
    pub summary: bool,
}

impl Printer for ConcisePrinter {
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        if let Some(error) = report.error {
            writeln!(out, "{}:1:1: error [io] {error}", report.path)?;
        }
        for finding in report.findings {
            let (line, column) = line_column(report.document, finding.span.start);
            writeln!(
                out,
                "{}:{line}:{column}: {} [{}] {}",
                report.path, finding.severity, finding.rule, finding.message
            )?;
        }
        if let Some(tally) = &report.score {
            writeln!(
                out,
                "{}: score {}",
                report.path,
                super::describe_score(&tally.score())
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        if let Some(tally) = &summary.score {
            writeln!(
                out,
                "{}: score {}",
                plural(tally.files, "file"),
                super::describe_score(&tally.score())
            )?;
        }
        if self.summary {
            writeln!(out, "{}", summary.sentence())?;
        }
        Ok(())
    }
}
