//! Vale's own output formats, so a team can diff copydesk against Vale
//! while migrating.
//!
//! `--format vale-line` is Vale's `line` output: one
//! `path:line:column:Check:message` per finding, in position order (Vale
//! sorts by line, then column). `--format vale-json` is Vale's `JSON`
//! output: an object from path to a list of alerts, pretty-printed with two
//! spaces, as `vale --output=JSON` prints it. Columns count characters,
//! 1-based; `Span` is the first and last column of the match on its line.
//! copydesk's `info` and `hint` are Vale's `suggestion`.

use std::io::{self, Write};

use std::collections::BTreeMap;

use super::{FileReport, Printer, Summary, line_column};
use crate::document::Document;
use crate::finding::Finding;
use crate::fix::Applicability;
use crate::vale::Level;

#[derive(Default)]
pub struct ValeLinePrinter;

impl Printer for ValeLinePrinter {
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        if let Some(error) = report.error {
            eprintln!("error: {}: {error}", report.path);
        }
        for finding in sorted(report.findings, report.document) {
            let (line, column) = line_column(report.document, finding.span.start);
            writeln!(
                out,
                "{}:{line}:{column}:{}:{}",
                report.path, finding.rule, finding.message
            )?;
        }
        Ok(())
    }

    fn finish(&mut self, _out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        Ok(())
    }
}

/// Collects every file's alerts, then prints one JSON object.
#[derive(Default)]
pub struct ValeJsonPrinter {
    /// Ordered by path, as Go orders a map's keys.
    files: BTreeMap<String, Vec<Alert>>,
}

impl Printer for ValeJsonPrinter {
    fn file(&mut self, _out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        if let Some(error) = report.error {
            eprintln!("error: {}: {error}", report.path);
        }
        if report.findings.is_empty() {
            return Ok(());
        }
        let alerts = sorted(report.findings, report.document)
            .into_iter()
            .map(|finding| alert(report.document, finding))
            .collect();
        self.files.insert(report.path.to_owned(), alerts);
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        let files = std::mem::take(&mut self.files);
        serde_json::to_writer_pretty(&mut *out, &files)?;
        writeln!(out)
    }
}

fn sorted<'a>(findings: &'a [Finding], document: Option<&Document>) -> Vec<&'a Finding> {
    let mut sorted: Vec<&Finding> = findings.iter().collect();
    sorted.sort_by_key(|f| line_column(document, f.span.start));
    sorted
}

/// One Vale alert, its fields in the order of Vale's `Alert` struct (the
/// order Go prints them in).
#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Alert {
    action: Action,
    span: [usize; 2],
    check: String,
    description: String,
    link: String,
    message: String,
    severity: &'static str,
    #[serde(rename = "Match")]
    matched: String,
    line: usize,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "PascalCase")]
struct Action {
    name: &'static str,
    params: Option<Vec<String>>,
}

pub fn alert(document: Option<&Document>, finding: &Finding) -> Alert {
    let (line, column) = line_column(document, finding.span.start);
    let matched = document
        .and_then(|d| d.text().get(finding.span.clone()))
        .unwrap_or("");
    let first_line = matched.split('\n').next().unwrap_or("");
    let end = column + first_line.chars().count().max(1) - 1;
    let (description, link) = split_note(finding.note.as_deref());
    Alert {
        action: action(finding),
        span: [column, end],
        check: finding.rule.clone(),
        description,
        link,
        message: finding.message.clone(),
        severity: Level::of_severity(finding.severity).as_str(),
        matched: matched.to_owned(),
        line,
    }
}

/// Vale's `Action` from a finding's fixes: a removal is `remove`, other
/// edits are `replace` with their replacement texts.
fn action(finding: &Finding) -> Action {
    let replacements: Vec<String> = finding
        .fixes
        .iter()
        .filter(|fix| fix.applicability >= Applicability::DisplayOnly)
        .filter_map(|fix| fix.edits.first().map(|edit| edit.replacement.clone()))
        .collect();
    match replacements.as_slice() {
        [] => Action {
            name: "",
            params: None,
        },
        [only] if only.is_empty() => Action {
            name: "remove",
            params: None,
        },
        _ => Action {
            name: "replace",
            params: Some(replacements),
        },
    }
}

/// A Vale finding's note is "description See link" (see the Vale rules);
/// split it back for the `Description` and `Link` fields.
fn split_note(note: Option<&str>) -> (String, String) {
    let Some(note) = note else {
        return (String::new(), String::new());
    };
    if let Some(link) = note.strip_prefix("See ") {
        return (String::new(), link.to_owned());
    }
    match note.rsplit_once(" See ") {
        Some((description, link)) if link.starts_with("http") => {
            (description.to_owned(), link.to_owned())
        }
        _ => (note.to_owned(), String::new()),
    }
}
