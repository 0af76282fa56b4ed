//! Model review in the editor: on `didSave` and on the `copydesk.review`
//! command, never on a keystroke.
//!
//! A review runs on the document as it is when it starts, off the state
//! lock, with the guide's `[llm]` engine (one per guide, kept for the
//! session) and a fresh request budget. Its findings are kept on the open
//! document per reviewed paragraph, keyed by the paragraph's source text:
//! every check adds the findings of the paragraphs that are still there,
//! unchanged, at their current position, so editing one paragraph drops only
//! that paragraph's model findings until the next review (which asks the
//! model about that paragraph alone; the rest comes from the cache). When a
//! review ends, the document is checked again so its diagnostics include
//! the new findings, with `source: "copydesk (model)"`.
//!
//! Reviews of one document run one at a time; saves while one runs make at
//! most one more, of the newest text. Review errors show once each in a
//! message (on save) or come back to the caller (the command).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{ExecuteCommandParams, MessageType, Uri};

use super::backend::Shared;
use super::state::Outgoing;
use crate::check::Checker;
use crate::document::Document;
use crate::finding::Finding;
use crate::llm::review::{Budget, Review, ReviewOptions};
use crate::llm::{Draft, LlmError};

/// The command that reviews a document now.
pub const COMMAND: &str = "copydesk.review";

/// A document's model findings, per reviewed paragraph.
#[derive(Debug, Default)]
pub struct Reviewed {
    /// Paragraph source text → its findings, spans relative to its start.
    paragraphs: HashMap<String, Vec<Finding>>,
}

impl Reviewed {
    /// `review` of `text`, over what an earlier review of the same document
    /// found in paragraphs this one did not answer (budget, errors) and that
    /// are still in `text`.
    fn new(text: &str, review: &Review, earlier: Option<&Reviewed>) -> Reviewed {
        let mut paragraphs = HashMap::new();
        if let Some(earlier) = earlier {
            for (paragraph, findings) in &earlier.paragraphs {
                if text.contains(paragraph.as_str()) {
                    paragraphs.insert(paragraph.clone(), findings.clone());
                }
            }
        }
        for reviewed in &review.paragraphs {
            let Some(paragraph) = text.get(reviewed.range.clone()) else {
                continue;
            };
            let start = reviewed.range.start;
            let findings = reviewed
                .findings
                .iter()
                .map(|finding| shifted(finding, |offset| offset - start))
                .collect();
            paragraphs.insert(paragraph.to_owned(), findings);
        }
        Reviewed { paragraphs }
    }

    /// The findings of every paragraph of `document` that was reviewed with
    /// the same text, at its current position.
    fn findings_for(&self, document: &Document) -> Vec<Finding> {
        let text = document.text();
        let mut findings = Vec::new();
        for block in &document.blocks {
            let span = block.span();
            let Some(found) = text
                .get(span.clone())
                .and_then(|paragraph| self.paragraphs.get(paragraph))
            else {
                continue;
            };
            findings.extend(
                found
                    .iter()
                    .map(|finding| shifted(finding, |offset| offset + span.start)),
            );
        }
        findings
    }

    fn count(&self) -> usize {
        self.paragraphs.values().map(Vec::len).sum()
    }
}

fn shifted(finding: &Finding, by: impl Fn(usize) -> usize) -> Finding {
    let mut finding = finding.clone();
    finding.span = by(finding.span.start)..by(finding.span.end);
    for fix in &mut finding.fixes {
        for edit in &mut fix.edits {
            edit.range = by(edit.range.start)..by(edit.range.end);
        }
    }
    finding
}

/// Add the kept model findings that still apply to `document` to a check's
/// `findings` (suppressions and `[rules]` applied again), in order.
pub fn add_findings(
    checker: &Checker,
    document: &Document,
    reviewed: &Reviewed,
    findings: &mut Vec<Finding>,
) {
    let guide = checker.guide();
    let mut kept = reviewed.findings_for(document);
    // The guide may have changed since the review ("Disable in
    // copydesk.toml", a new severity): it decides again.
    kept.retain_mut(|finding| match guide.rule_level(&finding.rule) {
        Some(None) => false,
        Some(Some(severity)) => {
            finding.severity = severity;
            true
        }
        None => true,
    });
    if kept.is_empty() {
        return;
    }
    findings.extend(checker.finish(document, kept));
    findings.sort_by(|a, b| {
        (a.span.start, a.span.end, &a.rule).cmp(&(b.span.start, b.span.end, &b.rule))
    });
}

/// One document's reviews: one at a time, and at most one save waiting.
#[derive(Default)]
struct DocumentReviews {
    running: tokio::sync::Mutex<()>,
    save_waiting: AtomicBool,
}

/// The server's review state: reviews per document. Engines are the
/// server's (`State::engines`), shared with Tighten and Bridge.
#[derive(Default)]
pub struct ReviewState {
    documents: Mutex<HashMap<Uri, Arc<DocumentReviews>>>,
    /// Errors already shown in a message.
    shown: Mutex<HashSet<String>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl ReviewState {
    fn document(&self, uri: &Uri) -> Arc<DocumentReviews> {
        Arc::clone(lock(&self.documents).entry(uri.clone()).or_default())
    }
}

/// Why a review did not run, or what it did.
enum Outcome {
    /// Not for this document or guide (closed, not checked, no `[llm]`,
    /// review off): said only to the command.
    NotRun(String),
    Done {
        review: Review,
        findings: usize,
    },
}

/// `didSave`: review the document if its guide asks for reviews on save.
/// Returns at once; the review runs in the background.
pub fn on_save(shared: &Arc<Shared>, uri: &Uri) {
    let reviews = shared.review.document(uri);
    if reviews.save_waiting.swap(true, Ordering::SeqCst) {
        return; // a review of the newest text is already waiting
    }
    let shared = Arc::clone(shared);
    let uri = uri.clone();
    tokio::spawn(async move {
        let _running = reviews.running.lock().await;
        reviews.save_waiting.store(false, Ordering::SeqCst);
        if let Outcome::Done { review, .. } = review_now(&shared, &uri, false, false).await
            && let Some(error) = review.error
        {
            show_once(&shared, &error.to_string());
        }
    });
}

/// `copydesk.review`: review the document now and answer with what the
/// review did. The argument is the document URI, or `{"uri": …, "all":
/// true}` to include findings of low confidence.
pub async fn execute(shared: &Arc<Shared>, params: ExecuteCommandParams) -> Result<Option<Value>> {
    let (uri, all) = match params.arguments.first() {
        Some(Value::String(uri)) => (uri.clone(), false),
        Some(value) => (
            value
                .get("uri")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned(),
            value.get("all").and_then(Value::as_bool).unwrap_or(false),
        ),
        None => (String::new(), false),
    };
    let uri: Uri = uri.parse().map_err(|_| {
        Error::invalid_params(format!(
            "{COMMAND} takes a document URI or {{\"uri\": …, \"all\": true}}"
        ))
    })?;
    let reviews = shared.review.document(&uri);
    let _running = reviews.running.lock().await;
    match review_now(shared, &uri, true, all).await {
        Outcome::NotRun(reason) => Err(Error {
            code: ErrorCode::ServerError(-32803), // RequestFailed
            message: reason.into(),
            data: None,
        }),
        Outcome::Done { review, findings } => {
            let stats = &review.stats;
            Ok(Some(json!({
                "findings": findings,
                "paragraphs": stats.paragraphs,
                "requests": stats.requests,
                "cacheHits": stats.cache_hits,
                "unlocated": stats.unlocated,
                "hiddenLowConfidence": stats.hidden_low_confidence,
                "overBudget": stats.over_budget,
                "error": review.error.as_ref().map(LlmError::to_string),
            })))
        }
    }
}

/// Review `uri` as it is now and keep the findings on it.
async fn review_now(shared: &Arc<Shared>, uri: &Uri, explicit: bool, all: bool) -> Outcome {
    let snapshot = {
        let mut state = shared.lock();
        let mut outbox = Vec::new();
        let snapshot = state.snapshot(uri, &mut outbox);
        shared.send(outbox);
        match snapshot {
            Some(snapshot) => snapshot,
            None => return Outcome::NotRun(format!("{} is not open", uri.as_str())),
        }
    };
    if !snapshot.checked_language {
        return Outcome::NotRun("copydesk does not check this language".to_owned());
    }
    if snapshot.text.len() as u64 > snapshot.max_bytes {
        return Outcome::NotRun("the document is over the size limit".to_owned());
    }
    let guide = Arc::clone(snapshot.checker.guide());
    let review_config = &guide.config.review;
    if !review_config.is_enabled() {
        return Outcome::NotRun(format!(
            "model review is off in {} ([review] enabled = false)",
            guide.source
        ));
    }
    if !explicit && !review_config.reviews_on_save() {
        return Outcome::NotRun("not reviewed on save".to_owned());
    }
    let asked = if explicit {
        super::trust::Asked::Explicitly
    } else {
        super::trust::Asked::OnSave
    };
    let engine = match super::model::engine(shared, &guide, asked).await {
        Ok(Some(found)) => found.engine,
        Ok(None) => return Outcome::NotRun(LlmError::NotConfigured.to_string()),
        Err(error) => {
            if !explicit {
                show_once(shared, &error);
            }
            return Outcome::NotRun(error);
        }
    };
    let budget = Budget::new(review_config.budget());
    let options = ReviewOptions {
        show_all: all,
        ..ReviewOptions::default()
    };
    let draft = Draft {
        text: &snapshot.text,
        kind: snapshot.kind,
        name: uri.as_str(),
    };
    let review = engine.review(draft, &options, &budget).await;

    let mut state = shared.lock();
    let Some(document) = state.documents.get_mut(uri) else {
        return Outcome::NotRun(format!("{} was closed", uri.as_str()));
    };
    let reviewed = Reviewed::new(&snapshot.text, &review, document.review.as_deref());
    let findings = reviewed.count();
    document.review = Some(Arc::new(reviewed));
    // Check again (same text and version, a new generation), so the
    // diagnostics carry the new findings.
    state.touch(uri);
    shared.schedule(&mut state, uri);
    if state.pull_diagnostics && state.features.diagnostic_refresh {
        shared.send([Outgoing::RefreshDiagnostics]);
    }
    Outcome::Done { review, findings }
}

fn show_once(shared: &Shared, error: &str) {
    let text = format!("copydesk: model review failed: {error}");
    if lock(&shared.review.shown).insert(text.clone()) {
        shared.send([Outgoing::Message {
            kind: MessageType::WARNING,
            text,
        }]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::DocumentKind;
    use crate::finding::Severity;
    use crate::fix::{Applicability, Edit, Fix, Provenance};
    use crate::llm::review::ReviewedParagraph;

    const TEXT: &str = "# Launch notes\n\nThe best app in the world.\n\nWe ship on Monday.\n";

    fn review_of(text: &str) -> Review {
        let start = text.find("The best").unwrap();
        let end = start + "The best app in the world.".len();
        let mut finding = Finding::new(
            "review/puffery",
            start + 4..start + 8,
            Severity::Info,
            "Puffery “best”".to_owned(),
        );
        finding.fixes.push(Fix {
            title: "Rewrite as “fastest”".to_owned(),
            edits: vec![Edit::replace(start + 4..start + 8, "fastest".to_owned())],
            applicability: Applicability::DisplayOnly,
            provenance: Provenance::Model {
                model: "m".to_owned(),
                prompt: "review@1".to_owned(),
            },
        });
        Review {
            paragraphs: vec![ReviewedParagraph {
                range: start..end,
                findings: vec![finding],
            }],
            ..Review::default()
        }
    }

    fn spans(reviewed: &Reviewed, text: &str) -> Vec<(String, String)> {
        let document = Document::parse(text, DocumentKind::Markdown);
        reviewed
            .findings_for(&document)
            .iter()
            .map(|f| {
                let fix = &f.fixes[0].edits[0];
                (
                    text[f.span.clone()].to_owned(),
                    text[fix.range.clone()].to_owned(),
                )
            })
            .collect()
    }

    #[test]
    fn findings_follow_their_paragraph_and_leave_with_its_edit() {
        let reviewed = Reviewed::new(TEXT, &review_of(TEXT), None);
        let best = || ("best".to_owned(), "best".to_owned());
        assert_eq!(spans(&reviewed, TEXT), [best()]);
        // Text added above moves the finding and its fix along.
        let moved = format!("Intro line here.\n\n{TEXT}");
        assert_eq!(spans(&reviewed, &moved), [best()]);
        // The paragraph edited: its model findings go until the next review.
        let edited = TEXT.replace("in the world", "in town");
        assert!(spans(&reviewed, &edited).is_empty());
    }

    #[test]
    fn a_partial_review_keeps_earlier_findings_of_paragraphs_still_there() {
        let first = Reviewed::new(TEXT, &review_of(TEXT), None);
        let nothing_answered = Review::default();
        let second = Reviewed::new(TEXT, &nothing_answered, Some(&first));
        assert_eq!(second.count(), 1);
        let gone = TEXT.replace("The best app in the world.", "A new app.");
        let third = Reviewed::new(&gone, &nothing_answered, Some(&first));
        assert_eq!(third.count(), 0);
        // Answered again with no findings: the old ones go.
        let mut clean = review_of(TEXT);
        clean.paragraphs[0].findings.clear();
        assert_eq!(Reviewed::new(TEXT, &clean, Some(&first)).count(), 0);
    }

    #[test]
    fn the_guide_in_effect_decides_again_whether_and_how_loud() {
        let reviewed = Reviewed::new(TEXT, &review_of(TEXT), None);
        let document = Document::parse(TEXT, DocumentKind::Markdown);
        let with = |guide: &str| {
            let guide = crate::guide::Guide::from_source(guide, crate::guide::GuideSource::BuiltIn)
                .expect("guide");
            let checker = Checker::new(Arc::new(guide), crate::check::CheckOptions::default());
            let mut findings = Vec::new();
            add_findings(&checker, &document, &reviewed, &mut findings);
            findings
                .into_iter()
                .filter(|f| f.rule.starts_with(crate::llm::review::RULE_PREFIX))
                .map(|f| f.severity)
                .collect::<Vec<_>>()
        };
        assert_eq!(with(""), [Severity::Info]);
        assert_eq!(
            with("[rules]\n\"review/puffery\" = \"warning\"\n"),
            [Severity::Warning]
        );
        assert!(with("[rules]\nreview = \"off\"\n").is_empty());
    }
}
