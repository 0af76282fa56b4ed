//! Byte offsets ↔ LSP positions, findings → diagnostics, and the answer
//! to a diagnostics pull.
//!
//! Every conversion goes through [`LineIndex`] with the negotiated
//! [`ColumnUnit`]; nothing else in the server counts columns.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tower_lsp_server::ls_types::{
    CodeDescription, Diagnostic, DiagnosticSeverity, DiagnosticTag, DocumentDiagnosticReport,
    FullDocumentDiagnosticReport, NumberOrString, Position, Range as LspRange,
    RelatedFullDocumentDiagnosticReport, RelatedUnchangedDocumentDiagnosticReport, TextEdit,
    UnchangedDocumentDiagnosticReport, Uri,
};

use crate::document::{ColumnUnit, Document, LineCol, LineIndex};
use crate::finding::{Finding, Severity};
use crate::fix::{Applicability, Edit, Fix};

/// The `source` of every diagnostic this server publishes, but model
/// review's.
pub const SOURCE: &str = "copydesk";

/// The `source` of a diagnostic from model review (`review.rs`), so a
/// writer can tell a model's opinion from a rule.
pub const MODEL_SOURCE: &str = "copydesk (model)";

/// The diagnostic `source` for a finding.
pub fn source(finding: &Finding) -> &'static str {
    if finding.rule.starts_with(crate::llm::review::RULE_PREFIX) {
        MODEL_SOURCE
    } else {
        SOURCE
    }
}

/// A text and its line index, for converting positions.
pub struct Lines<'a> {
    pub text: &'a str,
    pub index: &'a LineIndex,
    pub unit: ColumnUnit,
}

impl<'a> Lines<'a> {
    pub fn of(document: &'a Document, unit: ColumnUnit) -> Lines<'a> {
        Lines {
            text: document.text(),
            index: &document.line_index,
            unit,
        }
    }

    pub fn position(&self, offset: usize) -> Position {
        let LineCol { line, col } = self.index.position(self.text, offset, self.unit);
        Position::new(line, col)
    }

    /// The byte offset of a client position; positions past the end of a
    /// line or of the text clamp to it.
    pub fn offset(&self, position: Position) -> usize {
        self.index.offset(
            self.text,
            LineCol {
                line: position.line,
                col: position.character,
            },
            self.unit,
        )
    }

    pub fn range(&self, range: &Range<usize>) -> LspRange {
        LspRange::new(self.position(range.start), self.position(range.end))
    }

    /// Byte range of a client range; a reversed range is put in order.
    pub fn byte_range(&self, range: LspRange) -> Range<usize> {
        let start = self.offset(range.start);
        let end = self.offset(range.end);
        start.min(end)..start.max(end)
    }

    pub fn text_edit(&self, edit: &Edit) -> TextEdit {
        TextEdit::new(self.range(&edit.range), edit.replacement.clone())
    }
}

/// What a diagnostic carries in `data`, so code actions need no server
/// state: the document version the offsets belong to, the finding's span,
/// and its fixes as byte-offset edits. The shape is part of the protocol
/// editors may rely on (documented in the README).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiagnosticData {
    pub version: i32,
    pub rule: String,
    /// The finding's byte span, `[start, end)`.
    pub span: [usize; 2],
    pub fixes: Vec<FixData>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixData {
    pub title: String,
    pub applicability: Applicability,
    pub edits: Vec<EditData>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditData {
    pub start: usize,
    pub end: usize,
    pub replacement: String,
}

impl DiagnosticData {
    pub fn new(finding: &Finding, version: i32) -> DiagnosticData {
        DiagnosticData {
            version,
            rule: finding.rule.clone(),
            span: [finding.span.start, finding.span.end],
            fixes: finding.fixes.iter().map(FixData::new).collect(),
        }
    }

    pub fn from_value(value: Option<&Value>) -> Option<DiagnosticData> {
        serde_json::from_value(value?.clone()).ok()
    }
}

impl FixData {
    fn new(fix: &Fix) -> FixData {
        FixData {
            title: fix.title.clone(),
            applicability: fix.applicability,
            edits: fix
                .edits
                .iter()
                .map(|edit| EditData {
                    start: edit.range.start,
                    end: edit.range.end,
                    replacement: edit.replacement.clone(),
                })
                .collect(),
        }
    }

    pub fn edits(&self) -> Vec<Edit> {
        self.edits
            .iter()
            .map(|edit| Edit::replace(edit.start..edit.end, edit.replacement.clone()))
            .collect()
    }
}

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// A finding as a diagnostic of document `version`.
pub fn diagnostic(lines: &Lines, finding: &Finding, version: i32) -> Diagnostic {
    Diagnostic {
        range: lines.range(&finding.span),
        severity: Some(severity(finding.severity)),
        code: Some(NumberOrString::String(finding.rule.clone())),
        code_description: rule_docs_url(&finding.rule).map(|href| CodeDescription { href }),
        source: Some(source(finding).to_owned()),
        message: finding.message.clone(),
        related_information: None,
        tags: removal_only(finding).then(|| vec![DiagnosticTag::UNNECESSARY]),
        data: serde_json::to_value(DiagnosticData::new(finding, version)).ok(),
    }
}

/// Text whose only fix deletes it is unnecessary (filler, throat-clearing),
/// which editors show faded.
fn removal_only(finding: &Finding) -> bool {
    match finding.fixes.as_slice() {
        [fix] => !fix.edits.is_empty() && fix.edits.iter().all(|edit| edit.replacement.is_empty()),
        _ => false,
    }
}

/// The first link in a rule's docs, when they have one (looked up once per
/// rule: a document can have thousands of findings).
fn rule_docs_url(rule: &str) -> Option<Uri> {
    static URLS: LazyLock<HashMap<&'static str, Uri>> = LazyLock::new(|| {
        crate::rules::registry()
            .iter()
            .filter_map(|factory| Some((factory.meta.id, first_url(factory.meta.docs)?)))
            .collect()
    });
    URLS.get(rule).cloned()
}

fn first_url(docs: &str) -> Option<Uri> {
    let start = docs.find("https://")?;
    let url: String = docs[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ')' | '>' | ']' | '"' | '\''))
        .collect();
    url.trim_end_matches(['.', ',']).parse().ok()
}

/// The answer to a `textDocument/diagnostic` pull: "unchanged" when the
/// client already has the result `result_id` names, else the diagnostics.
pub fn pull_report(
    previous_result_id: Option<&str>,
    result_id: String,
    items: Vec<Diagnostic>,
) -> DocumentDiagnosticReport {
    if previous_result_id == Some(result_id.as_str()) {
        DocumentDiagnosticReport::Unchanged(RelatedUnchangedDocumentDiagnosticReport {
            related_documents: None,
            unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport { result_id },
        })
    } else {
        DocumentDiagnosticReport::Full(RelatedFullDocumentDiagnosticReport {
            related_documents: None,
            full_document_diagnostic_report: FullDocumentDiagnosticReport {
                result_id: Some(result_id),
                items,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::DocumentKind;

    #[test]
    fn a_pull_for_the_result_the_client_has_is_unchanged() {
        let item = || {
            vec![Diagnostic {
                message: "wordy".to_owned(),
                ..Diagnostic::default()
            }]
        };
        let DocumentDiagnosticReport::Unchanged(same) =
            pull_report(Some("3-7"), "3-7".to_owned(), item())
        else {
            panic!("the client has this result");
        };
        assert_eq!(same.unchanged_document_diagnostic_report.result_id, "3-7");
        for previous in [None, Some("3-6")] {
            let DocumentDiagnosticReport::Full(full) =
                pull_report(previous, "3-7".to_owned(), item())
            else {
                panic!("a new result is sent whole");
            };
            let report = full.full_document_diagnostic_report;
            assert_eq!(report.result_id.as_deref(), Some("3-7"));
            assert_eq!(report.items, item());
        }
    }

    /// Moved with `source` from review.rs.
    #[test]
    fn model_findings_have_their_own_source() {
        let finding = |rule: &str| Finding::new(rule, 0..1, Severity::Info, String::new());
        assert_eq!(source(&finding("review/voice")), "copydesk (model)");
        assert_eq!(source(&finding("concise/wordy-phrase")), "copydesk");
    }

    #[test]
    fn a_lone_carriage_return_is_a_line_break_as_lsp_says() {
        // LSP counts `\n`, `\r\n` and `\r` as line breaks: so must we, or
        // every diagnostic of an old Mac file lands on line 0.
        let text = "First line.\rWe will utilize this.\r\nLast in order to\n";
        let document = Document::parse(text, DocumentKind::PlainText);
        let lines = Lines::of(&document, ColumnUnit::Utf16);
        let utilize = text.find("utilize").expect("fixture");
        assert_eq!(lines.position(utilize), Position::new(1, 8));
        assert_eq!(lines.offset(Position::new(1, 8)), utilize);
        let order = text.find("order").expect("fixture");
        assert_eq!(lines.position(order), Position::new(2, 8));
        // Past the end of line 0 clamps before its `\r`.
        assert_eq!(
            lines.offset(Position::new(0, 99)),
            text.find('\r').expect("fixture")
        );
    }

    #[test]
    fn utf16_and_utf8_positions_differ_after_an_emoji() {
        let document = Document::parse("Hi 😀 there\r\nin order to\n", DocumentKind::PlainText);
        let there = document.text().find("there").expect("fixture");
        let utf16 = Lines::of(&document, ColumnUnit::Utf16);
        let utf8 = Lines::of(&document, ColumnUnit::Utf8);
        assert_eq!(utf16.position(there), Position::new(0, 6));
        assert_eq!(utf8.position(there), Position::new(0, 8));
        assert_eq!(utf16.offset(Position::new(0, 6)), there);
        // Past the end of a CRLF line clamps before the terminator.
        let end = utf16.offset(Position::new(0, 999));
        assert_eq!(&document.text()[end..end + 2], "\r\n");
        // A reversed range is put in order.
        let reversed = LspRange::new(Position::new(1, 2), Position::new(0, 1));
        assert_eq!(
            utf16.byte_range(reversed),
            1..document.text().find(" order").expect("fixture")
        );
    }
}
