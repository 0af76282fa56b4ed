//! `--format json`: one JSON document, version 1, streamed file by file.
//!
//! Offsets are 0-based UTF-8 byte offsets, end-exclusive; lines and columns
//! are 1-based, columns counted in characters. The shape is documented in the
//! README and is stable: fields may be added, never renamed or removed.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::json;

use super::{FileReport, Printer, Summary, line_column};
use crate::document::Document;
use crate::finding::{Finding, Severity};
use crate::fix::{Applicability, Fix, Provenance};

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
        write_file_json(out, report)
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

/// One file's object as a JSON value, exactly as `--format json` writes it
/// (for front ends that embed it in their own answer, such as `copydesk
/// serve`).
pub fn file_json(report: &FileReport) -> serde_json::Value {
    let mut bytes = Vec::new();
    write_file_json(&mut bytes, report).expect("writing to memory does not fail");
    serde_json::from_slice(&bytes).expect("copydesk writes valid JSON")
}

/// One file's object, written finding by finding so that memory does not
/// grow with the number of findings. Keys come in alphabetical order, as
/// they always have (the output was once built as a `serde_json::Value`).
fn write_file_json(out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
    out.write_all(b"{\"error\":")?;
    serde_json::to_writer(&mut *out, &report.error)?;
    out.write_all(b",\"findings\":[")?;
    for (index, finding) in report.findings.iter().enumerate() {
        if index > 0 {
            out.write_all(b",")?;
        }
        serde_json::to_writer(&mut *out, &FindingJson::new(report.document, finding))?;
    }
    out.write_all(b"],\"path\":")?;
    serde_json::to_writer(&mut *out, report.path)?;
    if let Some(tally) = &report.score {
        // Through a `Value`, which sorts the score's keys as before.
        out.write_all(b",\"score\":")?;
        serde_json::to_writer(&mut *out, &json!(tally.score()))?;
    }
    out.write_all(b"}")
}

/// A finding as JSON (`--format json` and `json-lines`), borrowed from the
/// finding. Fields in alphabetical order.
#[derive(Serialize)]
pub(super) struct FindingJson<'a> {
    fixes: Vec<FixJson<'a>>,
    message: &'a str,
    note: Option<&'a str>,
    /// Only in `json-lines`, where each line stands alone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) path: Option<&'a str>,
    range: RangeJson,
    rule: &'a str,
    severity: Severity,
}

#[derive(Serialize)]
struct RangeJson {
    end: PointJson,
    start: PointJson,
}

#[derive(Serialize)]
struct PointJson {
    column: usize,
    line: usize,
    offset: usize,
}

#[derive(Serialize)]
struct FixJson<'a> {
    applicability: Applicability,
    edits: Vec<EditJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    model: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prompt_version: Option<&'a str>,
    provenance: &'static str,
    title: &'a str,
}

#[derive(Serialize)]
struct EditJson<'a> {
    end: usize,
    replacement: &'a str,
    start: usize,
}

impl<'a> FindingJson<'a> {
    pub(super) fn new(document: Option<&Document>, finding: &'a Finding) -> FindingJson<'a> {
        let point = |offset: usize| {
            let (line, column) = line_column(document, offset);
            PointJson {
                column,
                line,
                offset,
            }
        };
        FindingJson {
            fixes: finding.fixes.iter().map(FixJson::new).collect(),
            message: &finding.message,
            note: finding.note.as_deref(),
            path: None,
            range: RangeJson {
                end: point(finding.span.end),
                start: point(finding.span.start),
            },
            rule: &finding.rule,
            severity: finding.severity,
        }
    }
}

impl<'a> FixJson<'a> {
    fn new(fix: &'a Fix) -> FixJson<'a> {
        let (provenance, model, prompt_version) = match &fix.provenance {
            Provenance::Rule => ("rule", None, None),
            Provenance::Model { model, prompt } => {
                ("model", Some(model.as_str()), Some(prompt.as_str()))
            }
        };
        FixJson {
            applicability: fix.applicability,
            edits: fix
                .edits
                .iter()
                .map(|edit| EditJson {
                    end: edit.range.end,
                    replacement: &edit.replacement,
                    start: edit.range.start,
                })
                .collect(),
            model,
            prompt_version,
            provenance,
            title: &fix.title,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::DocumentKind;
    use crate::fix::Edit;

    /// Written straight from the structs, a finding is byte for byte what a
    /// `serde_json::Value` (which sorts keys) makes of it: the output of
    /// earlier builds, which built Values.
    #[test]
    fn direct_serialization_keeps_the_sorted_key_order() {
        let document =
            Document::parse("😀 We did this in order to ship.\n", DocumentKind::Markdown);
        let mut finding = Finding::new(
            "concise/wordy-phrase",
            17..28,
            Severity::Warning,
            "Wordy phrase “in order to”".to_owned(),
        )
        .with_fix(Fix::safe(
            "Replace with “to”".to_owned(),
            Edit::replace(17..28, "to".to_owned()),
        ));
        finding.note = Some("Shorter".to_owned());
        let mut model_fix = Fix::new(
            "Tighten".to_owned(),
            vec![Edit::replace(0..4, String::new())],
            Applicability::DisplayOnly,
        );
        model_fix.provenance = Provenance::Model {
            model: "smol".to_owned(),
            prompt: "tighten-v1".to_owned(),
        };
        finding.fixes.push(model_fix);
        for path in [None, Some("post.md")] {
            let mut json = FindingJson::new(Some(&document), &finding);
            json.path = path;
            let direct = serde_json::to_string(&json).unwrap();
            let through_value = serde_json::to_value(&json).unwrap().to_string();
            assert_eq!(direct, through_value);
        }
        let report = FileReport {
            path: "post.md",
            document: Some(&document),
            findings: std::slice::from_ref(&finding),
            error: None,
            score: Some(crate::score::Tally::of_file(
                7,
                std::slice::from_ref(&finding),
            )),
        };
        let mut direct = Vec::new();
        write_file_json(&mut direct, &report).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&direct).unwrap();
        assert_eq!(String::from_utf8(direct).unwrap(), value.to_string());
    }
}
