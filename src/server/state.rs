//! The server's state: open documents, settings, guides. Everything here is
//! synchronous and runs under one `std::sync::Mutex`, never across an
//! `.await`.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use tower_lsp_server::ls_types::{
    Diagnostic, DiagnosticSeverity, MessageType, Position, Range as LspRange,
    TextDocumentContentChangeEvent, Uri,
};

use tokio::sync::watch;

use super::cache::{BlockCache, check_cached};
use super::convert::{self, Lines, SOURCE};
use super::guides::{GuideEvent, GuideProblem, GuideStore};
use super::model::Remembered;
use super::settings::{ClientFeatures, Settings};
use crate::check::Checker;
use crate::document::{ColumnUnit, Document, DocumentKind, LineCol, LineIndex};
use crate::finding::Finding;
use crate::guide::Guide;
use crate::guide::platforms;

/// Something to send to the client, in order.
#[derive(Debug)]
pub enum Outgoing {
    Diagnostics {
        uri: Uri,
        diagnostics: Vec<Diagnostic>,
        version: Option<i32>,
    },
    Message {
        kind: MessageType,
        text: String,
    },
    /// A line for the client's log (`window/logMessage`), for what the
    /// writer need not be interrupted with.
    Log {
        kind: MessageType,
        text: String,
    },
    /// Ask a pull-diagnostics client to pull again (the guide changed).
    RefreshDiagnostics,
}

/// One document the client opened.
pub struct OpenDocument {
    /// Shared with running checks; edits copy it only while a check holds it.
    pub text: Arc<String>,
    pub version: i32,
    pub language_id: String,
    pub guide_path: Option<PathBuf>,
    /// Bumped on every change that can alter the diagnostics (text, guide,
    /// settings); a check result is used only if this has not moved.
    pub generation: u64,
    /// The newest version whose diagnostics were published.
    pub published: Option<i32>,
    /// A check task is running for this document.
    pub checking: bool,
    /// Something changed while the check task was running.
    pub rerun: bool,
    pub cache: Arc<Mutex<BlockCache>>,
    /// The newest result, for hover, code actions and pull diagnostics.
    pub last: Option<Arc<Checked>>,
    /// Tells model requests running for this document that its text
    /// changed (the new version); dropped on close.
    pub edits: watch::Sender<i32>,
    /// Model suggestions computed for the current version, so listing can
    /// show each Bridge option and picking one costs no model call.
    pub suggestions: Vec<Remembered>,
    /// Model review findings, added to every check (see `review`).
    pub review: Option<Arc<super::review::Reviewed>>,
}

impl OpenDocument {
    pub fn kind(&self) -> DocumentKind {
        DocumentKind::from_language_id(&self.language_id)
    }

    /// The newest result if it still describes the document as it is now.
    pub fn current(&self) -> Option<Arc<Checked>> {
        self.last
            .as_ref()
            .filter(|checked| checked.generation == self.generation)
            .cloned()
    }

    /// Apply one `didChange` content change: a full replacement, or a range
    /// in the negotiated encoding (clamped to the text when past its end).
    ///
    /// A range boundary between the halves of a surrogate pair (or inside a
    /// UTF-8 sequence) splits that character. The client's buffer then
    /// holds the half outside the range on its own; here that half becomes
    /// U+FFFD, which is one UTF-16 code unit like the lone surrogate, so
    /// every later position agrees with the client's (and it is what the
    /// client's text becomes once written as UTF-8).
    pub fn apply_change(&mut self, change: TextDocumentContentChangeEvent, unit: ColumnUnit) {
        let Some(range) = change.range else {
            self.text = Arc::new(change.text);
            return;
        };
        let (start, end) = {
            let index = LineIndex::new(&self.text);
            let at = |position: Position| {
                index.offset_split(
                    &self.text,
                    LineCol {
                        line: position.line,
                        col: position.character,
                    },
                    unit,
                )
            };
            let (start, end) = (at(range.start), at(range.end));
            // A reversed range is put in order; inside a character is
            // after its start.
            (start.min(end), start.max(end))
        };
        let ((start, start_split), (end, end_split)) = (start, end);
        let mut replacement = String::with_capacity(change.text.len() + 6);
        if start_split {
            replacement.push(char::REPLACEMENT_CHARACTER);
        }
        replacement.push_str(&change.text);
        let mut end = end;
        if end_split {
            replacement.push(char::REPLACEMENT_CHARACTER);
            end += self.text[end..].chars().next().map_or(0, char::len_utf8);
        }
        Arc::make_mut(&mut self.text).replace_range(start..end, &replacement);
    }
}

/// A document's text checked at one generation.
pub struct Checked {
    pub version: i32,
    pub generation: u64,
    /// The parsed text; `None` when the document was not checked (a language
    /// not checked, or over the size limit).
    pub document: Option<Document>,
    pub findings: Vec<Finding>,
    /// Set when the document was over the size limit: (its size, the limit).
    pub too_large: Option<(usize, u64)>,
    pub checker: Arc<Checker>,
    /// At most this many findings become diagnostics (setting
    /// `maxDiagnostics`); the rest are summed up in one more.
    pub max_diagnostics: usize,
}

impl Checked {
    /// The diagnostics to show, in the client's position encoding. Built
    /// when needed rather than kept, to keep memory small.
    pub fn diagnostics(&self, unit: ColumnUnit) -> Vec<Diagnostic> {
        if let Some((len, max)) = self.too_large {
            return vec![too_large(len, max)];
        }
        let Some(document) = &self.document else {
            return Vec::new();
        };
        let lines = Lines::of(document, unit);
        let shown = shown_findings(&self.findings, self.max_diagnostics);
        let mut diagnostics: Vec<Diagnostic> = shown
            .iter()
            .map(|&index| convert::diagnostic(&lines, &self.findings[index], self.version))
            .collect();
        let hidden = self.findings.len() - shown.len();
        if hidden > 0 {
            diagnostics.push(more_not_shown(hidden, self.max_diagnostics));
        }
        diagnostics
    }
}

/// Everything a check needs, taken under the lock and used without it.
pub struct Snapshot {
    pub text: Arc<String>,
    pub version: i32,
    pub generation: u64,
    pub kind: DocumentKind,
    pub checked_language: bool,
    pub checker: Arc<Checker>,
    pub cache: Arc<Mutex<BlockCache>>,
    pub unit: ColumnUnit,
    pub max_bytes: u64,
    pub max_diagnostics: usize,
    pub review: Option<Arc<super::review::Reviewed>>,
    /// The file behind the document, when its URI is a file: rules that
    /// depend on where a post lives (`[sharing] posts`, key-message files,
    /// Vale's glob sections) read it.
    pub path: Option<PathBuf>,
}

impl Snapshot {
    /// Check the snapshot. Runs on a blocking thread.
    pub fn check(self) -> Checked {
        let mut checked = Checked {
            version: self.version,
            generation: self.generation,
            document: None,
            findings: Vec::new(),
            too_large: None,
            checker: Arc::clone(&self.checker),
            max_diagnostics: self.max_diagnostics,
        };
        if !self.checked_language {
            return checked;
        }
        if self.text.len() as u64 > self.max_bytes {
            checked.too_large = Some((self.text.len(), self.max_bytes));
            return checked;
        }
        let mut document = Document::parse(self.text.as_str(), self.kind);
        if let Some(path) = self.path {
            document = document.with_path(path);
        }
        checked.findings = check_cached(&self.checker, &document, &self.cache);
        if let Some(review) = &self.review {
            super::review::add_findings(&self.checker, &document, review, &mut checked.findings);
        }
        checked.document = Some(document);
        checked
    }

    /// Check, and convert the findings to diagnostics, on this thread.
    pub fn check_and_convert(self) -> (Checked, Vec<Diagnostic>) {
        let unit = self.unit;
        let checked = self.check();
        let diagnostics = checked.diagnostics(unit);
        (checked, diagnostics)
    }
}

/// Indices of the findings to show when at most `max` may be: the most
/// severe first, then the earliest, returned in document order. An editor
/// shows thousands of diagnostics badly, and each costs the server memory
/// while it is built and sent.
fn shown_findings(findings: &[Finding], max: usize) -> Vec<usize> {
    let mut indices: Vec<usize> = (0..findings.len()).collect();
    if findings.len() > max {
        // `findings` is in document order, so a stable sort by severity
        // keeps the earliest of each severity first.
        indices.sort_by_key(|&index| std::cmp::Reverse(findings[index].severity));
        indices.truncate(max);
        indices.sort_unstable();
    }
    indices
}

/// The diagnostic that stands for the findings over the limit.
fn more_not_shown(hidden: usize, max: usize) -> Diagnostic {
    about_document(
        "more-findings-not-shown",
        format!(
            "{hidden} more findings not shown: copydesk shows at most {max} per document, the most severe first (setting “copydesk.maxDiagnostics”; `copydesk check` lists them all)"
        ),
    )
}

/// An informational diagnostic about the whole document, at its start.
fn about_document(code: &str, message: String) -> Diagnostic {
    Diagnostic {
        range: LspRange::new(Position::new(0, 0), Position::new(0, 0)),
        severity: Some(DiagnosticSeverity::INFORMATION),
        code: Some(tower_lsp_server::ls_types::NumberOrString::String(
            code.to_owned(),
        )),
        source: Some(SOURCE.to_owned()),
        message,
        ..Diagnostic::default()
    }
}

fn too_large(len: usize, max: u64) -> Diagnostic {
    about_document(
        "document-too-large",
        format!(
            "Not checked: the document is {} and the limit is {} (setting “copydesk.maxDocumentBytes”)",
            human_size(len as u64),
            human_size(max)
        ),
    )
}

fn human_size(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

#[derive(Default)]
pub struct State {
    pub features: ClientFeatures,
    pub settings: Settings,
    /// Workspace folders, as paths.
    pub roots: Vec<PathBuf>,
    pub guides: GuideStore,
    pub documents: HashMap<Uri, OpenDocument>,
    /// Answer `textDocument/diagnostic` instead of publishing (fixed at
    /// `initialize`).
    pub pull_diagnostics: bool,
    /// Guide problems already shown in a message, so each shows once.
    shown_problems: HashSet<String>,
    /// One model engine per guide (with the editor's model settings), made
    /// when first used; cleared when guides or settings change.
    pub engines: crate::resolve::Engines,
    /// The "Cancel" handle of each model request showing progress, by token.
    pub progress_cancels: super::model::ProgressCancels,
    /// Guide connections the writer answered "Not now" to in this session:
    /// a save does not ask again.
    pub trust_declined: HashSet<crate::llm::trust::Grant>,
    next_generation: u64,
}

impl State {
    fn bump(&mut self) -> u64 {
        self.next_generation += 1;
        self.next_generation
    }

    pub fn open(&mut self, uri: Uri, language_id: String, version: i32, text: String) {
        let generation = self.bump();
        let guide_path = self.guide_path(&uri);
        self.documents.insert(
            uri,
            OpenDocument {
                text: Arc::new(text),
                version,
                language_id,
                guide_path,
                generation,
                published: None,
                checking: false,
                rerun: false,
                cache: Arc::default(),
                last: None,
                edits: watch::Sender::new(version),
                suggestions: Vec::new(),
                review: None,
            },
        );
    }

    /// Apply a `didChange`. Returns false when the document is not open.
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    ) -> bool {
        let generation = self.bump();
        let unit = self.features.encoding;
        let Some(document) = self.documents.get_mut(uri) else {
            return false;
        };
        for change in changes {
            document.apply_change(change, unit);
        }
        document.version = version;
        document.generation = generation;
        // Model suggestions belong to the old text: forget them, and stop
        // any request still computing one.
        document.suggestions.clear();
        document.edits.send_replace(version);
        true
    }

    /// Mark `uri`'s results stale though its text did not change (model
    /// review findings arrived), so the next check publishes anew. Model
    /// requests and suggestions for the text are kept.
    pub fn touch(&mut self, uri: &Uri) {
        let generation = self.bump();
        if let Some(document) = self.documents.get_mut(uri) {
            document.generation = generation;
        }
    }

    /// Re-resolve every document's guide and mark every result stale (after
    /// a settings or guide change).
    pub fn invalidate_all(&mut self) {
        self.engines.clear();
        let platforms = self.settings.platforms.clone();
        self.guides.set_platforms(&platforms);
        self.guides.rediscover();
        let uris: Vec<Uri> = self.documents.keys().cloned().collect();
        for uri in uris {
            let guide_path = self.guide_path(&uri);
            let generation = self.bump();
            if let Some(document) = self.documents.get_mut(&uri) {
                document.guide_path = guide_path;
                document.generation = generation;
            }
        }
    }

    fn guide_path(&mut self, uri: &Uri) -> Option<PathBuf> {
        self.guides.guide_file(
            file_path(uri).as_deref(),
            self.settings.guide_path.as_deref(),
            &self.roots,
        )
    }

    /// What a check of `uri` needs, loading its guide if needed.
    pub fn snapshot(&mut self, uri: &Uri, outbox: &mut Vec<Outgoing>) -> Option<Snapshot> {
        let mut events = Vec::new();
        let (guide_path, language_id) = {
            let document = self.documents.get(uri)?;
            (document.guide_path.clone(), document.language_id.clone())
        };
        if let Some(path) = &guide_path
            && !self.features.watch_files
        {
            // Without file watching, notice guide edits on the next check.
            self.guides.refresh_if_changed(path, &mut events);
        }
        let checker = self.guides.checker(guide_path.as_deref(), &mut events);
        outbox.extend(self.guide_messages(events));
        outbox.extend(self.unknown_platform_messages(checker.guide()));
        let checked_language = self.settings.checks_language(&language_id);
        let max_bytes = self.settings.max_document_bytes();
        let unit = self.features.encoding;
        let document = self.documents.get(uri)?;
        Some(Snapshot {
            text: Arc::clone(&document.text),
            version: document.version,
            generation: document.generation,
            kind: document.kind(),
            checked_language,
            checker,
            cache: Arc::clone(&document.cache),
            unit,
            max_bytes,
            max_diagnostics: self.settings.max_diagnostics(),
            review: document.review.clone(),
            path: file_path(uri),
        })
    }

    /// One message per platform in the `platforms` setting that neither
    /// copydesk nor `guide` knows (the sharing rules skip it).
    fn unknown_platform_messages(&mut self, guide: &Guide) -> Vec<Outgoing> {
        let mut out = Vec::new();
        for name in self.guides.platforms() {
            if platforms::resolve(guide, name).is_some() {
                continue;
            }
            let text = format!(
                "copydesk: unknown platform “{name}” in the “platforms” setting, ignored: expected one of {}, or one defined under [sharing.limits.{name}] in the guide ({})",
                platforms::known_names(),
                guide.source
            );
            if self.shown_problems.insert(text.clone()) {
                out.push(Outgoing::Message {
                    kind: MessageType::WARNING,
                    text,
                });
            }
        }
        out
    }

    /// A guide file changed, appeared or disappeared on disk.
    pub fn guide_file_changed(&mut self, path: &Path, deleted: bool) -> Vec<Outgoing> {
        let mut events = Vec::new();
        if deleted {
            self.guides.forget(path, &mut events);
        } else {
            self.guides.reload(path, &mut events);
        }
        self.invalidate_all();
        self.guide_messages(events)
    }

    /// Without file watching, a saved document may have a new nearest
    /// guide, and its guide may have changed. Returns the messages to send
    /// and whether anything changed.
    pub fn recheck_guides_on_save(&mut self, uri: &Uri) -> (Vec<Outgoing>, bool) {
        let mut events = Vec::new();
        self.guides.rediscover();
        let guide_path = self.guide_path(uri);
        let mut changed = false;
        if let Some(path) = &guide_path {
            changed |= self.guides.refresh_if_changed(path, &mut events);
        }
        if let Some(document) = self.documents.get(uri) {
            changed |= document.guide_path != guide_path;
        }
        (self.guide_messages(events), changed)
    }

    /// Turn guide load events into a diagnostic on the guide file and one
    /// message per distinct problem.
    fn guide_messages(&mut self, events: Vec<GuideEvent>) -> Vec<Outgoing> {
        let mut out = Vec::new();
        for event in events {
            match event {
                GuideEvent::Broken(problem) => {
                    if let Some(uri) = file_uri(&problem.path) {
                        out.push(Outgoing::Diagnostics {
                            uri,
                            diagnostics: guide_diagnostic(&problem, self.features.encoding)
                                .into_iter()
                                .collect(),
                            version: None,
                        });
                    }
                    if self.shown_problems.insert(problem.message.clone()) {
                        out.push(Outgoing::Message {
                            kind: MessageType::WARNING,
                            text: format!(
                                "copydesk: {}; checks keep using the last good guide until it is fixed",
                                problem.message
                            ),
                        });
                    }
                }
                GuideEvent::Repaired(path) => {
                    let prefix = path.display().to_string();
                    self.shown_problems
                        .retain(|message| !message.starts_with(&prefix));
                    if let Some(uri) = file_uri(&path) {
                        out.push(Outgoing::Diagnostics {
                            uri,
                            diagnostics: Vec::new(),
                            version: None,
                        });
                    }
                }
            }
        }
        out
    }
}

/// The diagnostic on a broken guide file, at the line and column of the
/// problem (to the end of that line).
fn guide_diagnostic(problem: &GuideProblem, unit: ColumnUnit) -> Option<Diagnostic> {
    let text = problem.text.as_deref().unwrap_or("");
    let index = LineIndex::new(text);
    let (line, column) = problem.location.unwrap_or((1, 1));
    let start = index.offset(
        text,
        LineCol {
            line: u32::try_from(line.saturating_sub(1)).unwrap_or(u32::MAX),
            col: u32::try_from(column.saturating_sub(1)).unwrap_or(u32::MAX),
        },
        ColumnUnit::Char,
    );
    let end = index
        .line_content_end(text, index.line_of(start))
        .max(start);
    let lines = Lines {
        text,
        index: &index,
        unit,
    };
    Some(Diagnostic {
        range: lines.range(&(start..end)),
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(tower_lsp_server::ls_types::NumberOrString::String(
            "invalid-guide".to_owned(),
        )),
        source: Some(SOURCE.to_owned()),
        message: problem.detail.clone(),
        ..Diagnostic::default()
    })
}

/// The path of a `file:` URI.
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    if !uri.scheme().as_str().eq_ignore_ascii_case("file") {
        return None;
    }
    uri.to_file_path().map(|path| path.into_owned())
}

pub fn file_uri(path: &Path) -> Option<Uri> {
    Uri::from_file_path(path)
}
