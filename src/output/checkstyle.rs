//! `--format checkstyle`: checkstyle XML, which reviewdog and many CI
//! plugins read.
//!
//! ```xml
//! <file name="post.md">
//!   <error line="3" column="23" severity="warning" message="Wordy phrase “in order to”" source="concise/wordy-phrase"/>
//! </file>
//! ```
//!
//! Severities map to checkstyle's: error, warning, info (info and hints).
//! Lines and columns are 1-based, columns in characters.

use std::io::{self, Write};

use super::xml::escape;
use super::{FileReport, Printer, Summary, line_column};
use crate::finding::Severity;

#[derive(Default)]
pub struct CheckstylePrinter {
    started: bool,
}

impl CheckstylePrinter {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.started {
            self.started = true;
            writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
            writeln!(out, r#"<checkstyle version="4.3">"#)?;
        }
        Ok(())
    }
}

impl Printer for CheckstylePrinter {
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        self.start(out)?;
        writeln!(out, r#"  <file name="{}">"#, escape(report.path))?;
        if let Some(error) = report.error {
            writeln!(
                out,
                r#"    <error line="1" column="1" severity="error" message="{}" source="copydesk/io"/>"#,
                escape(error)
            )?;
        }
        for finding in report.findings {
            let (line, column) = line_column(report.document, finding.span.start);
            let severity = match finding.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info | Severity::Hint => "info",
            };
            writeln!(
                out,
                r#"    <error line="{line}" column="{column}" severity="{severity}" message="{}" source="{}"/>"#,
                escape(&finding.message),
                escape(&finding.rule)
            )?;
        }
        writeln!(out, "  </file>")
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        self.start(out)?;
        writeln!(out, "</checkstyle>")
    }
}
