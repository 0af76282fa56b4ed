//! `--format json`: one JSON document, version 1, streamed file by file.
//!
//! Offsets are 0-based UTF-8 byte offsets, end-exclusive; lines and columns
//! are 1-based, columns counted in characters. The shape is documented in the
//! README and is stable: fields may be added, never renamed or removed.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{FileReport, Printer, Summary, line_column};
use crate::document::Document;
use crate::finding::Finding;
use crate::fix::{Fix, Provenance};

pub const JSON_VERSION: u32 = 1;

#[derive(Default)]
pub struct JsonPrinter {
    started: bool,
}

impl JsonPrinter {
    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.started {
            write!(out, "{{\"version\":{JSON_VERSION},\"files\":[")?;
        }
        Ok(())
    }
}

impl Printer for JsonPrinter {
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        let first = !self.started;
        self.start(out)?;
        self.started = true;
        if !first {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, &file_json(report))?;
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        self.start(out)?;
        self.started = true;
        let mut summary_json = json!({
            "files": summary.files,
            "findings": summary.findings,
            "errors": summary.errors,
            "fixable": summary.fixable,
            "unsafe_fixable": summary.unsafe_fixable,
            "fixes_applied": summary.fixes_applied,
            "fixes_not_written": summary.not_written,
        });
        if let Some(tally) = &summary.score {
            summary_json["score"] = json!(tally.score());
        }
        write!(out, "],\"summary\":{summary_json}}}")?;
        writeln!(out)
    }
}

pub fn file_json(report: &FileReport) -> Value {
    let mut value = json!({
        "path": report.path,
        "error": report.error,
        "findings": report
            .findings
            .iter()
            .map(|finding| finding_json(report.document, finding))
            .collect::<Vec<_>>(),
    });
    if let Some(tally) = &report.score {
        value["score"] = json!(tally.score());
    }
    value
}

pub fn finding_json(document: Option<&Document>, finding: &Finding) -> Value {
    let point = |offset: usize| {
        let (line, column) = line_column(document, offset);
        json!({ "offset": offset, "line": line, "column": column })
    };
    json!({
        "rule": finding.rule,
        "severity": finding.severity,
        "message": finding.message,
        "note": finding.note,
        "range": { "start": point(finding.span.start), "end": point(finding.span.end) },
        "fixes": finding.fixes.iter().map(fix_json).collect::<Vec<_>>(),
    })
}

pub fn fix_json(fix: &Fix) -> Value {
    let mut value = json!({
        "title": fix.title,
        "applicability": fix.applicability,
        "provenance": match fix.provenance { Provenance::Rule => "rule", Provenance::Model { .. } => "model" },
        "edits": fix.edits.iter().map(|edit| json!({
            "start": edit.range.start,
            "end": edit.range.end,
            "replacement": edit.replacement,
        })).collect::<Vec<_>>(),
    });
    if let Provenance::Model { model, prompt } = &fix.provenance {
        value["model"] = json!(model);
        value["prompt_version"] = json!(prompt);
    }
    value
}
