//! `--format junit`: JUnit XML, for CI systems that render test reports.
//!
//! One `<testsuite>` per file, one failing `<testcase>` per finding (named
//! after the rule and the position). A file with no findings has one passing
//! test case, so it still shows as checked; a file that could not be read has
//! one test case with an `<error>`. Lines and columns are 1-based, columns in
//! characters.

use std::io::{self, Write};

use super::xml::escape;
use super::{FileReport, Printer, Summary, line_column};

#[derive(Default)]
pub struct JunitPrinter {
    started: bool,
}

impl JunitPrinter {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.started {
            self.started = true;
            writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
            writeln!(out, r#"<testsuites name="copydesk">"#)?;
        }
        Ok(())
    }
}

impl Printer for JunitPrinter {
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        self.start(out)?;
        let path = escape(report.path);
        let errors = usize::from(report.error.is_some());
        let tests = (report.findings.len() + errors).max(1);
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{tests}" failures="{}" errors="{errors}">"#,
            report.findings.len()
        )?;
        if let Some(error) = report.error {
            writeln!(
                out,
                r#"    <testcase name="read" classname="{path}" file="{path}">"#
            )?;
            writeln!(
                out,
                r#"      <error type="io" message="{}"/>"#,
                escape(error)
            )?;
            writeln!(out, "    </testcase>")?;
        } else if report.findings.is_empty() {
            writeln!(
                out,
                r#"    <testcase name="copydesk" classname="{path}" file="{path}"/>"#
            )?;
        }
        for finding in report.findings {
            let (line, column) = line_column(report.document, finding.span.start);
            let rule = escape(&finding.rule);
            writeln!(
                out,
                r#"    <testcase name="{rule} at {line}:{column}" classname="{path}" file="{path}" line="{line}">"#
            )?;
            let mut body = format!(
                "{}: {}:{line}:{column}: {}",
                finding.severity, report.path, finding.message
            );
            for fix in &finding.fixes {
                body.push_str("\nhelp: ");
                body.push_str(&fix.title);
            }
            if let Some(note) = &finding.note {
                body.push_str("\nnote: ");
                body.push_str(note);
            }
            writeln!(
                out,
                r#"      <failure type="{rule}" message="{}">{}</failure>"#,
                escape(&finding.message),
                escape(&body)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        self.start(out)?;
        writeln!(out, "</testsuites>")
    }
}
