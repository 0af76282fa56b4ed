//! `--format json-lines`: one JSON object per line, one line per finding,
//! for `jq`, log shippers and anything that reads a stream.
//!
//! A finding's line is its `--format json` finding object (same fields,
//! same meaning) with the file's `path` added. A file that could not be
//! checked has one line `{"path": …, "error": …}` instead. Nothing else is
//! written: no header, no summary.

use std::io::{self, Write};

use serde_json::json;

use super::json::FindingJson;
use super::{FileReport, Printer, Summary};

#[derive(Default)]
pub struct JsonLinesPrinter;

impl Printer for JsonLinesPrinter {
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        if let Some(error) = report.error {
            serde_json::to_writer(&mut *out, &json!({ "path": report.path, "error": error }))?;
            writeln!(out)?;
        }
        for finding in report.findings {
            let mut line = FindingJson::new(report.document, finding);
            line.path = Some(report.path);
            serde_json::to_writer(&mut *out, &line)?;
            writeln!(out)?;
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}
