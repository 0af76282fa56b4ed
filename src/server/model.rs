//! Tighten and Bridge in the editor: model-backed code actions.
//!
//! Listing is instant: the actions are offered from the parsed document and
//! the settings alone, never with a model call, and only when the document's
//! guide (or the editor's `llm` settings) configures a model. The model is
//! called when the writer picks one (`codeAction/resolve`, or the
//! `copydesk.tighten` / `copydesk.bridge` commands for clients that cannot
//! resolve), with `$/progress`, under a timeout, and cancelled when the
//! client cancels the request, the writer cancels the progress, or the
//! document changes. A result for a version that is no longer current is
//! dropped. The edit is the suggestion's minimal word-level edits against
//! the version it was computed for, with a change annotation that carries
//! the unified diff and needs confirmation (VS Code previews it).
//!
//! Suggestions are remembered per document version, so each Bridge option
//! is listed as its own action once computed and picking another costs no
//! model call; an edit clears them.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::{Notify, watch};
use tower_lsp_server::Client;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::notification::Progress as ProgressNotification;
use tower_lsp_server::ls_types::{
    AnnotatedTextEdit, ChangeAnnotation, CodeAction, CodeActionDisabled, CodeActionKind,
    CodeActionParams, CodeActionTriggerKind, Command, Diagnostic, DocumentChanges,
    MessageActionItem, MessageType, NumberOrString, OneOf, OptionalVersionedTextDocumentIdentifier,
    Position, ProgressParams, ProgressParamsValue, ProgressToken, Range as LspRange,
    TextDocumentEdit, Uri, WorkDoneProgress, WorkDoneProgressBegin, WorkDoneProgressEnd,
    WorkspaceEdit,
};

use super::actions::{ResolveData, wanted, workspace_edit};
use super::backend::Shared;
use super::commands::{BRIDGE, TIGHTEN};
use super::convert::{Lines, SOURCE};
use super::settings::{ClientFeatures, Settings};
use super::state::{Checked, OpenDocument, State, file_path};
use crate::document::Document;
use crate::guide::{Guide, LlmConfig};
use crate::llm::{self, Draft, Engine, SuggestError, Suggestion, TightenTarget};
use crate::resolve::{EngineKey, ModelLayers};

/// The rule whose findings get "Suggest a transition".
const ABRUPT_TRANSITION: &str = "flow/abrupt-transition";

/// The change annotation every model edit carries.
const ANNOTATION: &str = "copydesk.model";

/// Remembered suggestion sets per document (the oldest goes first).
const MAX_REMEMBERED: usize = 16;

/// A finished request waits at most this long beyond the model's own
/// budget (two attempts of `timeout_secs`) before it is given up.
const TIMEOUT_MARGIN: Duration = Duration::from_secs(5);

pub fn tighten_kind() -> CodeActionKind {
    CodeActionKind::new("refactor.rewrite.copydesk.tighten")
}

pub fn bridge_kind() -> CodeActionKind {
    CodeActionKind::new("refactor.rewrite.copydesk.bridge")
}

/// What a model action asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ModelKind {
    TightenSelection,
    TightenSentence,
    TightenParagraph,
    Bridge,
}

impl ModelKind {
    fn is_tighten(self) -> bool {
        self != ModelKind::Bridge
    }
}

/// The `data` of a listed model action (and the argument of its command):
/// the document version and the range the writer asked about, in the
/// client's encoding. The server resolves the range to the sentence,
/// paragraph or insertion point again on that same version, the same way
/// listing did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelRequest {
    pub uri: Uri,
    pub version: i32,
    pub range: LspRange,
    pub kind: ModelKind,
    /// Which Bridge option; `None` in a command asks the writer to choose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option: Option<usize>,
}

/// Suggestions computed for one version of a document.
#[derive(Debug, Clone)]
pub struct Remembered {
    pub version: i32,
    pub kind: ModelKind,
    /// The resolved target: the rewritten range, or the insertion point.
    pub target: Range<usize>,
    pub suggestions: Arc<[Suggestion]>,
}

/// What listing needs besides the check result, read under the lock.
pub struct ModelContext {
    features: ClientFeatures,
    settings: Settings,
    remembered: Vec<Remembered>,
}

impl ModelContext {
    pub fn new(state: &State, uri: &Uri) -> ModelContext {
        ModelContext {
            features: state.features,
            settings: state.settings.clone(),
            remembered: state
                .documents
                .get(uri)
                .map(|document| document.suggestions.clone())
                .unwrap_or_default(),
        }
    }

    fn remembered(
        &self,
        version: i32,
        kind: ModelKind,
        target: &Range<usize>,
    ) -> Option<&Remembered> {
        self.remembered
            .iter()
            .find(|r| r.version == version && r.kind == kind && &r.target == target)
    }
}

/// The name shown in action titles.
fn model_name(config: &LlmConfig) -> String {
    config
        .model
        .clone()
        .or_else(|| config.deployment.clone())
        .unwrap_or_else(|| "the model".to_owned())
}

/// The sentence, paragraph, selection or insertion point a request is about
/// in `document`, or why there is none. The same functions the engine uses,
/// so listing offers only what can be asked and resolving targets exactly
/// what was listed.
fn resolve_target(
    document: &Document,
    kind: ModelKind,
    asked: &Range<usize>,
) -> std::result::Result<Range<usize>, SuggestError> {
    match kind {
        ModelKind::Bridge => llm::bridge_insertion(document, asked.start).map(|at| at..at),
        _ => llm::tighten_range(document, &tighten_target(kind, asked)),
    }
}

fn tighten_target(kind: ModelKind, asked: &Range<usize>) -> TightenTarget {
    match kind {
        ModelKind::TightenSelection => TightenTarget::Selection(asked.clone()),
        ModelKind::TightenParagraph => TightenTarget::Paragraph(asked.start),
        _ => TightenTarget::Sentence(asked.start),
    }
}

/// Whether `offset` is on a line with nothing but whitespace.
fn on_blank_line(document: &Document, offset: usize) -> bool {
    let index = &document.line_index;
    let text = document.text();
    let line = index.line_of(offset);
    let start = index.line_start(line);
    let end = index.line_content_end(text, line).max(start);
    text.get(start..end)
        .is_some_and(|line| line.trim().is_empty())
}

/// The model actions at the requested range. No model call, no IO.
pub fn code_actions(
    checked: &Checked,
    uri: &Uri,
    params: &CodeActionParams,
    context: &ModelContext,
) -> Vec<CodeAction> {
    let Some(document) = &checked.document else {
        return Vec::new();
    };
    let Some(config) = context.settings.effective_llm(checked.checker.guide()) else {
        return Vec::new();
    };
    let lister = Lister {
        checked,
        document,
        uri,
        context,
        lines: Lines::of(document, context.features.encoding),
        model: model_name(&config),
    };
    let asked = lister.lines.byte_range(params.range);
    let only = params.context.only.as_deref();
    // The lightbulb asks on every cursor move: model actions then appear
    // only for a selection or a finding, not on every line of prose.
    let invoked = params.context.trigger_kind != Some(CodeActionTriggerKind::AUTOMATIC);
    let mut actions = Vec::new();

    if wanted(only, &tighten_kind()) && (invoked || !asked.is_empty()) {
        let mut sentence = None;
        if !asked.is_empty() {
            lister.tighten(
                &mut actions,
                ModelKind::TightenSelection,
                &asked,
                "selection",
            );
        } else {
            sentence = lister.tighten(&mut actions, ModelKind::TightenSentence, &asked, "sentence");
        }
        if invoked {
            let paragraph = resolve_target(document, ModelKind::TightenParagraph, &asked).ok();
            // A paragraph that cannot be tightened is listed too (disabled,
            // with the reason) when the client shows such actions.
            if paragraph.is_none() || paragraph != sentence {
                lister.tighten(
                    &mut actions,
                    ModelKind::TightenParagraph,
                    &asked,
                    "paragraph",
                );
            }
        }
    }

    let mut bridged = Vec::new();
    if wanted(only, &CodeActionKind::QUICKFIX) {
        for diagnostic in params.context.diagnostics.iter().filter(|d| {
            d.source.as_deref() == Some(SOURCE)
                && d.code == Some(NumberOrString::String(ABRUPT_TRANSITION.to_owned()))
        }) {
            let at = lister.lines.offset(diagnostic.range.start);
            lister.bridge(&mut actions, &mut bridged, at..at, Some(diagnostic));
        }
    }
    let requested = only.is_some() && wanted(only, &bridge_kind());
    if requested || (only.is_none() && invoked && on_blank_line(document, asked.start)) {
        lister.bridge(&mut actions, &mut bridged, asked.start..asked.start, None);
    }
    actions
}

/// Whether `offset` is in a paragraph or list item. A disabled Tighten
/// explains why a writer's own prose gets none (too short, an outline, a
/// request for writing); on a heading or a table it would only be noise.
fn in_prose_block(document: &Document, offset: usize) -> bool {
    use crate::document::BlockKind;
    document.blocks.iter().any(|block| {
        matches!(block.kind, BlockKind::Paragraph | BlockKind::ListItem)
            && block.span().start <= offset
            && offset <= block.span().end
    })
}

struct Lister<'a> {
    checked: &'a Checked,
    document: &'a Document,
    uri: &'a Uri,
    context: &'a ModelContext,
    lines: Lines<'a>,
    model: String,
}

impl Lister<'_> {
    /// List one Tighten action if its target can be tightened; returns the
    /// target.
    fn tighten(
        &self,
        out: &mut Vec<CodeAction>,
        kind: ModelKind,
        asked: &Range<usize>,
        unit: &str,
    ) -> Option<Range<usize>> {
        let title = format!("Tighten {unit} with {}", self.model);
        let target = match resolve_target(self.document, kind, asked) {
            Ok(target) => target,
            Err(SuggestError::NotADraft(reason)) => {
                // Never silence: a client that can show a greyed-out action
                // says why this text gets no Tighten (not a draft, too
                // short, a request for writing).
                if self.context.features.disabled_actions
                    && kind != ModelKind::TightenSentence
                    && in_prose_block(self.document, asked.start)
                {
                    out.push(CodeAction {
                        title,
                        kind: Some(tighten_kind()),
                        disabled: Some(CodeActionDisabled { reason }),
                        ..CodeAction::default()
                    });
                }
                return None;
            }
            Err(_) => return None,
        };
        out.push(self.action(title, tighten_kind(), kind, asked, &target, None, None));
        Some(target)
    }

    /// List Bridge for the paragraph at `asked`: one action per remembered
    /// option, else one that asks the model.
    fn bridge(
        &self,
        out: &mut Vec<CodeAction>,
        bridged: &mut Vec<Range<usize>>,
        asked: Range<usize>,
        diagnostic: Option<&Diagnostic>,
    ) {
        let Ok(target) = resolve_target(self.document, ModelKind::Bridge, &asked) else {
            return;
        };
        if bridged.contains(&target) {
            return;
        }
        let action_kind = if diagnostic.is_some() {
            CodeActionKind::QUICKFIX
        } else {
            bridge_kind()
        };
        let version = self.checked.version;
        match self.context.remembered(version, ModelKind::Bridge, &target) {
            Some(remembered) => {
                for (index, suggestion) in remembered.suggestions.iter().enumerate() {
                    out.push(self.action(
                        suggestion.title.clone(),
                        action_kind.clone(),
                        ModelKind::Bridge,
                        &asked,
                        &target,
                        Some(index),
                        diagnostic,
                    ));
                }
            }
            None => out.push(self.action(
                "Suggest a transition".to_owned(),
                action_kind,
                ModelKind::Bridge,
                &asked,
                &target,
                Some(0),
                diagnostic,
            )),
        }
        bridged.push(target);
    }

    #[allow(clippy::too_many_arguments)]
    fn action(
        &self,
        title: String,
        action_kind: CodeActionKind,
        kind: ModelKind,
        asked: &Range<usize>,
        target: &Range<usize>,
        option: Option<usize>,
        diagnostic: Option<&Diagnostic>,
    ) -> CodeAction {
        let features = self.context.features;
        let version = self.checked.version;
        let request = ModelRequest {
            uri: self.uri.clone(),
            version,
            range: self.lines.range(asked),
            kind,
            option,
        };
        let mut action = CodeAction {
            title: title.clone(),
            kind: Some(action_kind),
            diagnostics: diagnostic.map(|d| vec![d.clone()]),
            ..CodeAction::default()
        };
        let remembered = self
            .context
            .remembered(version, kind, target)
            .and_then(|r| r.suggestions.get(option.unwrap_or(0)));
        if features.resolve_edits {
            action.data = serde_json::to_value(ResolveData::Model(request)).ok();
        } else if let Some(suggestion) = remembered {
            action.edit = Some(suggestion_edit(
                features,
                self.uri,
                version,
                &self.lines,
                suggestion,
            ));
        } else {
            let command = if kind.is_tighten() { TIGHTEN } else { BRIDGE };
            action.command = Some(Command {
                title,
                command: command.to_owned(),
                arguments: serde_json::to_value(&request).ok().map(|v| vec![v]),
            });
        }
        action
    }
}

/// A suggestion as a workspace edit against `version`: its minimal
/// word-level edits, under a change annotation that carries the unified
/// diff and needs confirmation when the client supports annotations.
fn suggestion_edit(
    features: ClientFeatures,
    uri: &Uri,
    version: i32,
    lines: &Lines,
    suggestion: &Suggestion,
) -> WorkspaceEdit {
    let edits: Vec<_> = suggestion
        .edits
        .iter()
        .map(|edit| lines.text_edit(edit))
        .collect();
    if !(features.document_changes && features.change_annotations) {
        return workspace_edit(features, uri, Some(version), edits);
    }
    let label = match &suggestion.provenance {
        crate::fix::Provenance::Model { model, prompt } => {
            format!("{} (model {model}, prompt {prompt})", suggestion.title)
        }
        crate::fix::Provenance::Rule => suggestion.title.clone(),
    };
    WorkspaceEdit {
        document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri: uri.clone(),
                version: Some(version),
            },
            edits: edits
                .into_iter()
                .map(|text_edit| {
                    OneOf::Right(AnnotatedTextEdit {
                        text_edit,
                        annotation_id: ANNOTATION.to_owned(),
                    })
                })
                .collect(),
        }])),
        change_annotations: Some(HashMap::from([(
            ANNOTATION.to_owned(),
            ChangeAnnotation {
                label,
                needs_confirmation: Some(true),
                description: Some(suggestion.diff.clone()),
            },
        )])),
        ..WorkspaceEdit::default()
    }
}

/// Suggestions for one request, against the text of its version.
struct Computed {
    checked: Arc<Checked>,
    suggestions: Arc<[Suggestion]>,
}

impl Computed {
    fn edit(
        &self,
        features: ClientFeatures,
        uri: &Uri,
        suggestion: &Suggestion,
    ) -> Option<WorkspaceEdit> {
        let document = self.checked.document.as_ref()?;
        let lines = Lines::of(document, features.encoding);
        Some(suggestion_edit(
            features,
            uri,
            self.checked.version,
            &lines,
            suggestion,
        ))
    }
}

/// Why a model request ended without suggestions, besides the engine's own
/// reasons.
enum Stopped {
    Engine(SuggestError),
    Timeout(Duration),
    DocumentChanged,
    Cancelled,
}

/// `codeAction/resolve` for a model action: the edit, or `None` after
/// telling the writer why there is none.
pub async fn resolve(shared: &Arc<Shared>, request: ModelRequest) -> Option<WorkspaceEdit> {
    let computed = compute(shared, &request).await?;
    let suggestion = pick(shared, &computed, request.option.unwrap_or(0))?;
    computed.edit(shared.features(), &request.uri, suggestion)
}

fn pick<'a>(shared: &Shared, computed: &'a Computed, option: usize) -> Option<&'a Suggestion> {
    let found = computed.suggestions.get(option);
    if found.is_none() {
        shared.send([super::state::Outgoing::Message {
            kind: MessageType::INFO,
            text: format!(
                "copydesk: the model offered {} option(s) this time; list the actions again",
                computed.suggestions.len()
            ),
        }]);
    }
    found
}

/// The argument of `copydesk.tighten` / `copydesk.bridge`: a listed
/// action's request, or what an editor command knows (a range or position,
/// and for Tighten a `scope`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CommandArgument {
    uri: Uri,
    #[serde(default)]
    version: Option<i32>,
    #[serde(default)]
    range: Option<LspRange>,
    #[serde(default)]
    position: Option<Position>,
    #[serde(default)]
    kind: Option<ModelKind>,
    /// `"selection"`, `"sentence"` or `"paragraph"`.
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    option: Option<usize>,
}

fn command_request(shared: &Shared, command: &str, arguments: &[Value]) -> Result<ModelRequest> {
    let value = arguments.first().ok_or_else(|| {
        Error::invalid_params("missing argument: {\"uri\": …, \"range\" or \"position\": …}")
    })?;
    let argument: CommandArgument = serde_json::from_value(value.clone())
        .map_err(|error| Error::invalid_params(format!("bad command argument: {error}")))?;
    let range = match (argument.range, argument.position) {
        (Some(range), _) => range,
        (None, Some(position)) => LspRange::new(position, position),
        (None, None) => {
            return Err(Error::invalid_params(
                "missing “range” or “position” in the command argument",
            ));
        }
    };
    let kind = match (command, argument.kind, argument.scope.as_deref()) {
        (BRIDGE, None | Some(ModelKind::Bridge), _) => ModelKind::Bridge,
        (TIGHTEN, Some(kind), _) if kind.is_tighten() => kind,
        (TIGHTEN, None, Some("paragraph")) => ModelKind::TightenParagraph,
        (TIGHTEN, None, Some("sentence")) => ModelKind::TightenSentence,
        (TIGHTEN, None, None | Some("selection")) if range.start != range.end => {
            ModelKind::TightenSelection
        }
        (TIGHTEN, None, None | Some("selection")) => ModelKind::TightenSentence,
        (_, _, Some(scope)) if !matches!(scope, "selection" | "sentence" | "paragraph") => {
            return Err(Error::invalid_params(format!(
                "unknown scope “{scope}”: expected selection, sentence or paragraph"
            )));
        }
        _ => {
            return Err(Error::invalid_params(format!(
                "{command} cannot do {:?}",
                argument.kind
            )));
        }
    };
    let version = match argument.version {
        Some(version) => version,
        None => shared
            .lock()
            .documents
            .get(&argument.uri)
            .map(|document| document.version)
            .ok_or_else(|| {
                Error::invalid_params(format!("{} is not open", argument.uri.as_str()))
            })?,
    };
    Ok(ModelRequest {
        uri: argument.uri,
        version,
        range,
        kind,
        option: argument.option,
    })
}

/// `copydesk.tighten` / `copydesk.bridge`: compute the suggestion and ask
/// the client to apply it. Bridge without an `option` lets the writer
/// choose among the options (`window/showMessageRequest`).
pub async fn execute(
    shared: &Arc<Shared>,
    command: &str,
    arguments: &[Value],
) -> Result<Option<Value>> {
    let request = command_request(shared, command, arguments)?;
    let not_applied = Ok(Some(json!({ "applied": false })));
    let Some(computed) = compute(shared, &request).await else {
        return not_applied;
    };
    let option = match request.option {
        Some(option) => option,
        None if computed.suggestions.len() > 1 => {
            match choose(&shared.client, &computed.suggestions).await {
                Some(option) => option,
                None => return not_applied,
            }
        }
        None => 0,
    };
    let Some(suggestion) = pick(shared, &computed, option) else {
        return not_applied;
    };
    let Some(edit) = computed.edit(shared.features(), &request.uri, suggestion) else {
        return not_applied;
    };
    let response = shared.client.apply_edit(edit).await?;
    Ok(Some(json!({ "applied": response.applied })))
}

/// Ask the writer which option to apply; `None` when dismissed.
async fn choose(client: &Client, suggestions: &[Suggestion]) -> Option<usize> {
    let items: Vec<MessageActionItem> = suggestions
        .iter()
        .map(|s| MessageActionItem {
            title: s.replacement.trim().to_owned(),
            properties: HashMap::new(),
        })
        .collect();
    let chosen = client
        .show_message_request(
            MessageType::INFO,
            "copydesk: choose a transition to add",
            Some(items.clone()),
        )
        .await
        .ok()??;
    items.iter().position(|item| item.title == chosen.title)
}

/// What a model request needs, taken under the lock.
struct Prepared {
    checked: Arc<Checked>,
    target: Range<usize>,
    asked: Range<usize>,
    config: LlmConfig,
    /// The writer's own model settings, under the guide's `[llm]`.
    layers: ModelLayers,
    guide: Arc<Guide>,
    key: EngineKey,
    engine: Option<Arc<Engine>>,
    changes: watch::Receiver<i32>,
    name: String,
}

/// Send a message to the writer.
fn tell(shared: &Shared, kind: MessageType, text: String) {
    shared.send([super::state::Outgoing::Message { kind, text }]);
}

fn log(shared: &Shared, text: String) {
    shared.send([super::state::Outgoing::Log {
        kind: MessageType::INFO,
        text,
    }]);
}

/// The suggestions for `request`: remembered, or computed by the model.
/// `None` after telling the writer why there are none.
async fn compute(shared: &Arc<Shared>, request: &ModelRequest) -> Option<Computed> {
    let Some(checked) = shared.checked_now(&request.uri).await else {
        tell(
            shared,
            MessageType::WARNING,
            format!("copydesk: {} is not open", request.uri.as_str()),
        );
        return None;
    };
    let prepared = match prepare(shared, request, checked) {
        Ok(prepared) => prepared,
        Err(Some(computed)) => return Some(computed),
        Err(None) => return None,
    };
    // A remembered engine is used only while its consent holds (the writer
    // may have run `copydesk untrust` since).
    let remembered = match prepared.engine.clone() {
        Some(engine) => super::trust::still_allowed(engine).await,
        None => None,
    };
    let engine = match remembered {
        Some(engine) => engine,
        None => engine_for(shared, &prepared).await?,
    };
    let title = match request.kind {
        ModelKind::Bridge => format!("Suggesting transitions with {}", engine.model()),
        _ => format!("Tightening with {}", engine.model()),
    };
    let (cancel, progress) = Progress::begin(shared, title).await;
    let outcome = run(&engine, &prepared, request.kind, &cancel).await;
    if let Some(progress) = progress {
        progress.end().await;
    }
    let suggestions = match outcome {
        Ok(suggestions) if !suggestions.is_empty() => suggestions,
        Ok(_) => {
            tell_stopped(
                shared,
                &engine,
                Stopped::Engine(SuggestError::NoSafeSuggestion {
                    reason: "the model offered nothing".to_owned(),
                }),
            );
            return None;
        }
        Err(stopped) => {
            tell_stopped(shared, &engine, stopped);
            return None;
        }
    };
    let suggestions: Arc<[Suggestion]> = Arc::from(suggestions);
    {
        let mut state = shared.lock();
        let document = state.documents.get_mut(&request.uri)?;
        if document.version != request.version {
            drop(state);
            log(
                shared,
                format!(
                    "copydesk: {} changed while {} was working; the suggestion was dropped",
                    prepared.name,
                    engine.model()
                ),
            );
            return None;
        }
        remember(
            document,
            Remembered {
                version: request.version,
                kind: request.kind,
                target: prepared.target.clone(),
                suggestions: Arc::clone(&suggestions),
            },
        );
    }
    Some(Computed {
        checked: prepared.checked,
        suggestions,
    })
}

fn remember(document: &mut OpenDocument, remembered: Remembered) {
    document
        .suggestions
        .retain(|r| !(r.kind == remembered.kind && r.target == remembered.target));
    if document.suggestions.len() >= MAX_REMEMBERED {
        document.suggestions.remove(0);
    }
    document.suggestions.push(remembered);
}

/// Check the request against the document as it is now and gather what the
/// model call needs. `Err(Some(_))`: remembered suggestions; `Err(None)`:
/// nothing to do (the writer was told why).
fn prepare(
    shared: &Shared,
    request: &ModelRequest,
    checked: Arc<Checked>,
) -> std::result::Result<Prepared, Option<Computed>> {
    let state = shared.lock();
    let Some(open) = state.documents.get(&request.uri) else {
        return Err(None);
    };
    if open.version != request.version || checked.version != request.version {
        drop(state);
        tell(
            shared,
            MessageType::INFO,
            "copydesk: the document changed since this action was offered; ask again".to_owned(),
        );
        return Err(None);
    }
    let Some(document) = checked.document.as_ref() else {
        drop(state);
        tell(
            shared,
            MessageType::INFO,
            "copydesk: this document is not checked, so copydesk does not suggest edits for it"
                .to_owned(),
        );
        return Err(None);
    };
    let lines = Lines::of(document, state.features.encoding);
    let asked = lines.byte_range(request.range);
    let target = match resolve_target(document, request.kind, &asked) {
        Ok(target) => target,
        Err(error) => {
            drop(state);
            tell(shared, MessageType::INFO, format!("copydesk: {error}"));
            return Err(None);
        }
    };
    if let Some(remembered) = open
        .suggestions
        .iter()
        .find(|r| r.version == request.version && r.kind == request.kind && r.target == target)
    {
        return Err(Some(Computed {
            checked: Arc::clone(&checked),
            suggestions: Arc::clone(&remembered.suggestions),
        }));
    }
    let guide = Arc::clone(checked.checker.guide());
    let Some(config) = state.settings.effective_llm(&guide) else {
        drop(state);
        tell(
            shared,
            MessageType::INFO,
            format!("copydesk: {}", llm::LlmError::NotConfigured),
        );
        return Err(None);
    };
    let layers = state.settings.model_layers();
    let key = EngineKey::new(&guide, &layers);
    let engine = state.engines.get(&key);
    let name = file_path(&request.uri)
        .and_then(|path| path.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| request.uri.as_str().to_owned());
    let changes = open.edits.subscribe();
    Ok(Prepared {
        checked,
        target,
        asked,
        config,
        layers,
        guide,
        key,
        engine,
        changes,
        name,
    })
}

/// Make the engine for a guide and model configuration (off the executor:
/// it opens the cache and builds the checker the guard uses).
async fn engine_for(shared: &Arc<Shared>, prepared: &Prepared) -> Option<Arc<Engine>> {
    if let Err((key, message)) = prepared.config.validate() {
        tell(
            shared,
            MessageType::ERROR,
            format!("copydesk: [llm] {key}: {message}"),
        );
        return None;
    }
    let built = super::trust::engine(
        shared,
        Arc::clone(&prepared.guide),
        prepared.layers.clone(),
        super::trust::Asked::Explicitly,
    )
    .await;
    let engine = match built {
        Ok(engine) => Arc::new(engine),
        Err(error) => {
            tell(shared, MessageType::ERROR, format!("copydesk: {error}"));
            return None;
        }
    };
    if let Some(warning) = &engine.cache_warning {
        log(
            shared,
            format!("copydesk: the suggestion cache is off: {warning}"),
        );
    }
    log(
        shared,
        format!(
            "copydesk: model {} at {} for {}",
            engine.model(),
            engine.endpoint(),
            prepared.guide.source
        ),
    );
    shared
        .lock()
        .engines
        .insert(prepared.key.clone(), Arc::clone(&engine));
    Some(engine)
}

/// Call the engine, until it answers, the time is up, the document
/// changes, or the writer cancels. Dropping the engine's future (here, or
/// when the client cancels the request and this future is dropped) frees
/// its concurrency slot.
async fn run(
    engine: &Engine,
    prepared: &Prepared,
    kind: ModelKind,
    cancel: &Notify,
) -> std::result::Result<Vec<Suggestion>, Stopped> {
    let Some(document) = prepared.checked.document.as_ref() else {
        return Err(Stopped::Cancelled);
    };
    let draft = Draft {
        text: document.text(),
        kind: document.kind(),
        name: &prepared.name,
    };
    let limit =
        Duration::from_secs(prepared.config.timeout_secs().saturating_mul(2)) + TIMEOUT_MARGIN;
    let work = async {
        match kind {
            ModelKind::Bridge => engine.bridge(draft, prepared.asked.start).await,
            _ => engine
                .tighten(draft, tighten_target(kind, &prepared.asked))
                .await
                .map(|suggestion| vec![suggestion]),
        }
    };
    let mut changes = prepared.changes.clone();
    tokio::select! {
        result = tokio::time::timeout(limit, work) => match result {
            Ok(result) => result.map_err(Stopped::Engine),
            Err(_) => Err(Stopped::Timeout(limit)),
        },
        // A new version, or the document closed (the sender is gone).
        _ = changes.changed() => Err(Stopped::DocumentChanged),
        () = cancel.notified() => Err(Stopped::Cancelled),
    }
}

fn tell_stopped(shared: &Shared, engine: &Engine, stopped: Stopped) {
    let model = engine.model();
    match stopped {
        Stopped::Engine(SuggestError::NoSafeSuggestion { reason }) => tell(
            shared,
            MessageType::WARNING,
            format!("copydesk: no safe suggestion: {reason}"),
        ),
        Stopped::Engine(SuggestError::NotADraft(reason)) => {
            tell(shared, MessageType::INFO, format!("copydesk: {reason}"));
        }
        Stopped::Engine(error) => tell(
            shared,
            MessageType::ERROR,
            format!("copydesk: {model} gave no suggestion: {error}"),
        ),
        Stopped::Timeout(limit) => tell(
            shared,
            MessageType::ERROR,
            format!(
                "copydesk: {model} gave no suggestion: no answer within {} s",
                limit.as_secs()
            ),
        ),
        Stopped::DocumentChanged => log(
            shared,
            format!(
                "copydesk: the document changed while {model} was working; the request was stopped"
            ),
        ),
        Stopped::Cancelled => log(
            shared,
            format!("copydesk: the request to {model} was cancelled"),
        ),
    }
}

/// Server-initiated work-done progress. Ends when dropped, so a request the
/// client cancels does not leave a spinner behind.
struct Progress {
    client: Client,
    token: ProgressToken,
    /// Removed from the state's cancel handles at the end.
    shared: Arc<Shared>,
    ended: bool,
}

impl Progress {
    /// Begin progress when the client supports it. Returns the handle the
    /// writer's "Cancel" notifies either way.
    async fn begin(shared: &Arc<Shared>, title: String) -> (Arc<Notify>, Option<Progress>) {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let cancel = Arc::new(Notify::new());
        if !shared.features().work_done_progress {
            return (cancel, None);
        }
        let id = format!("copydesk-model-{}", NEXT.fetch_add(1, Ordering::Relaxed));
        let token = NumberOrString::String(id.clone());
        if shared
            .client
            .create_work_done_progress(token.clone())
            .await
            .is_err()
        {
            return (cancel, None);
        }
        shared
            .lock()
            .progress_cancels
            .insert(id, Arc::clone(&cancel));
        shared
            .client
            .send_notification::<ProgressNotification>(ProgressParams {
                token: token.clone(),
                value: ProgressParamsValue::WorkDone(WorkDoneProgress::Begin(
                    WorkDoneProgressBegin {
                        title,
                        cancellable: Some(true),
                        message: None,
                        percentage: None,
                    },
                )),
            })
            .await;
        let progress = Progress {
            client: shared.client.clone(),
            token,
            shared: Arc::clone(shared),
            ended: false,
        };
        (cancel, Some(progress))
    }

    async fn end(mut self) {
        self.ended = true;
        self.forget();
        send_end(&self.client, self.token.clone()).await;
    }

    fn forget(&self) {
        if let NumberOrString::String(id) = &self.token {
            self.shared.lock().progress_cancels.remove(id);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if self.ended {
            return;
        }
        self.forget();
        let client = self.client.clone();
        let token = self.token.clone();
        tokio::spawn(async move { send_end(&client, token).await });
    }
}

async fn send_end(client: &Client, token: ProgressToken) {
    client
        .send_notification::<ProgressNotification>(ProgressParams {
            token,
            value: ProgressParamsValue::WorkDone(WorkDoneProgress::End(WorkDoneProgressEnd {
                message: None,
            })),
        })
        .await;
}

/// `window/workDoneProgress/cancel`: the writer pressed "Cancel".
pub fn cancel_progress(state: &State, token: &ProgressToken) {
    if let NumberOrString::String(id) = token
        && let Some(cancel) = state.progress_cancels.get(id)
    {
        cancel.notify_one();
    }
}

/// The remembered model suggestions for the current version of `uri`, for
/// the hover.
pub fn remembered_for_hover(state: &State, uri: &Uri) -> Vec<Suggestion> {
    state
        .documents
        .get(uri)
        .map(|document| {
            document
                .suggestions
                .iter()
                .filter(|r| r.version == document.version)
                .flat_map(|r| r.suggestions.iter().cloned())
                .collect()
        })
        .unwrap_or_default()
}
