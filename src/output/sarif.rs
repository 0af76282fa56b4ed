//! `--format sarif`: SARIF 2.1.0, as GitHub code scanning and other SARIF
//! viewers read it.
//!
//! One run. `tool.driver.rules` lists every rule the batch ran (with its
//! summary, its "What it does" section and its full documentation as help),
//! plus any rule id of another source that reported something. Each result
//! has its rule id and index, a level (`error`, `warning`, `note` for info
//! and hints), the message, one physical location whose region is in 1-based
//! lines and 1-based UTF-16 columns (`columnKind: utf16CodeUnits`, SARIF's
//! default), end exclusive, and the finding's fixes as SARIF `fixes`. Files
//! that could not be read become tool execution notifications.
//!
//! Results stream out file by file; the rules and notifications, which are
//! small, are written at the end (JSON objects have no key order).

use std::collections::HashMap;
use std::io::{self, Write};

use serde_json::{Value, json};

use super::{FileReport, Printer, Summary};
use crate::document::{ColumnUnit, Document};
use crate::finding::{Finding, Severity};
use crate::rules::RuleMeta;

/// The OASIS schema this output follows (and its test validates against).
pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// A rule as the run describes it: a built-in rule's metadata, or only the
/// id of a rule from another source (a Vale style, model review).
enum Descriptor {
    BuiltIn(&'static RuleMeta),
    Other(String),
}

impl Descriptor {
    fn id(&self) -> &str {
        match self {
            Descriptor::BuiltIn(meta) => meta.id,
            Descriptor::Other(id) => id,
        }
    }
}

pub struct SarifPrinter {
    rules: Vec<Descriptor>,
    index: HashMap<String, usize>,
    started: bool,
    first_result: bool,
    notifications: Vec<Value>,
}

impl SarifPrinter {
    /// A printer whose driver lists `rules` (the rules the batch runs), in
    /// that order.
    pub fn new(rules: impl IntoIterator<Item = &'static RuleMeta>) -> SarifPrinter {
        let mut printer = SarifPrinter {
            rules: Vec::new(),
            index: HashMap::new(),
            started: false,
            first_result: true,
            notifications: Vec::new(),
        };
        for meta in rules {
            if !printer.index.contains_key(meta.id) {
                printer
                    .index
                    .insert(meta.id.to_owned(), printer.rules.len());
                printer.rules.push(Descriptor::BuiltIn(meta));
            }
        }
        printer
    }

    fn start(&mut self, out: &mut dyn Write) -> io::Result<()> {
        if !self.started {
            self.started = true;
            write!(
                out,
                r#"{{"$schema":"{SARIF_SCHEMA}","version":"2.1.0","runs":[{{"columnKind":"utf16CodeUnits","results":["#
            )?;
        }
        Ok(())
    }

    fn rule_index(&mut self, id: &str) -> usize {
        if let Some(&index) = self.index.get(id) {
            return index;
        }
        let index = self.rules.len();
        self.index.insert(id.to_owned(), index);
        let descriptor = match crate::rules::find_rule(id) {
            Some(factory) => Descriptor::BuiltIn(factory.meta),
            None => Descriptor::Other(id.to_owned()),
        };
        self.rules.push(descriptor);
        index
    }

    fn result(&mut self, report: &FileReport, document: &Document, finding: &Finding) -> Value {
        let uri = artifact_uri(report.path);
        let mut result = json!({
            "ruleId": finding.rule,
            "ruleIndex": self.rule_index(&finding.rule),
            "level": level(finding.severity),
            "message": { "text": finding.message },
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": { "uri": uri },
                    "region": region(document, finding.span.start, finding.span.end),
                }
            }],
        });
        if let Some(note) = &finding.note {
            result["properties"] = json!({ "note": note });
        }
        let fixes: Vec<Value> = finding
            .fixes
            .iter()
            .filter(|fix| !fix.edits.is_empty())
            .map(|fix| {
                json!({
                    "description": { "text": fix.title },
                    "artifactChanges": [{
                        "artifactLocation": { "uri": uri },
                        "replacements": fix.edits.iter().map(|edit| json!({
                            "deletedRegion": region(document, edit.range.start, edit.range.end),
                            "insertedContent": { "text": edit.replacement },
                        })).collect::<Vec<_>>(),
                    }],
                })
            })
            .collect();
        if !fixes.is_empty() {
            result["fixes"] = Value::Array(fixes);
        }
        result
    }
}

impl Printer for SarifPrinter {
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        self.start(out)?;
        if let Some(error) = report.error {
            self.notifications.push(json!({
                "level": "error",
                "message": { "text": error },
                "locations": [{
                    "physicalLocation": { "artifactLocation": { "uri": artifact_uri(report.path) } }
                }],
            }));
        }
        let Some(document) = report.document else {
            return Ok(());
        };
        for finding in report.findings {
            let result = self.result(report, document, finding);
            if !self.first_result {
                out.write_all(b",")?;
            }
            self.first_result = false;
            serde_json::to_writer(&mut *out, &result)?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        self.start(out)?;
        let driver = json!({
            "name": "copydesk",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "rules": self.rules.iter().map(descriptor_json).collect::<Vec<_>>(),
        });
        let invocation = json!({
            "executionSuccessful": summary.errors == 0,
            "toolExecutionNotifications": self.notifications,
        });
        write!(
            out,
            r#"],"tool":{{"driver":{driver}}},"invocations":[{invocation}]}}]}}"#
        )?;
        writeln!(out)
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info | Severity::Hint => "note",
    }
}

/// A SARIF region: 1-based lines, 1-based UTF-16 columns, end exclusive.
fn region(document: &Document, start: usize, end: usize) -> Value {
    let start = document.position(start, ColumnUnit::Utf16);
    let end = document.position(end, ColumnUnit::Utf16);
    json!({
        "startLine": start.line + 1,
        "startColumn": start.col + 1,
        "endLine": end.line + 1,
        "endColumn": end.col + 1,
    })
}

fn descriptor_json(descriptor: &Descriptor) -> Value {
    let Descriptor::BuiltIn(meta) = descriptor else {
        let id = descriptor.id();
        return json!({ "id": id, "shortDescription": { "text": id } });
    };
    let docs = meta.documentation().trim_end().to_owned();
    json!({
        "id": meta.id,
        "name": meta.name(),
        "shortDescription": { "text": meta.summary() },
        "fullDescription": { "text": section(&docs, "What it does") },
        "help": { "text": docs, "markdown": docs },
        "defaultConfiguration": { "level": level(meta.severity), "enabled": meta.enabled_by_default },
        "properties": { "tags": ["prose", meta.category.as_str()] },
    })
}

/// The body of a `## heading` section, joined into one paragraph.
fn section(docs: &str, heading: &str) -> String {
    let marker = format!("## {heading}");
    let Some((_, rest)) = docs.split_once(&marker) else {
        return String::new();
    };
    let body = rest.split("\n## ").next().unwrap_or("");
    body.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A relative URI reference for a relative path (GitHub resolves it against
/// the repository root), a `file://` URI for an absolute one.
fn artifact_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let mut uri = String::with_capacity(path.len() + 8);
    if path.starts_with('/') {
        uri.push_str("file://");
    } else if path.as_bytes().get(1) == Some(&b':') {
        // A Windows drive path: C:/x → file:///C:/x
        uri.push_str("file:///");
    }
    for byte in path.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(byte as char)
            }
            b':' if uri.starts_with("file:") => uri.push(':'),
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded_references() {
        assert_eq!(artifact_uri("posts/launch day.md"), "posts/launch%20day.md");
        assert_eq!(
            artifact_uri("/srv/blog/ünï.md"),
            "file:///srv/blog/%C3%BCn%C3%AF.md"
        );
        assert_eq!(artifact_uri(r"C:\blog\a#1.md"), "file:///C:/blog/a%231.md");
    }

    #[test]
    fn sections_come_out_as_one_paragraph() {
        let docs = "## What it does\nFlags a thing,\nand another.\n\n## Why is this bad?\nBecause.";
        assert_eq!(section(docs, "What it does"), "Flags a thing, and another.");
        assert_eq!(section(docs, "Options"), "");
    }
}
