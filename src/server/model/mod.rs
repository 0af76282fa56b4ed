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
//!
//! This file is the request's course (`resolve`, `execute`: check the
//! version, take the engine, run under progress, remember the result). One
//! concern per file besides: `listing.rs` lists the actions (pure),
//! `request.rs` what a request asks for (the command arguments, its target;
//! pure), `engines.rs` the engine store shared with model review,
//! `run.rs` running a request and why it stopped, `progress.rs` `$/progress`
//! and the "Cancel" handles, `remembered.rs` the suggestions kept per
//! version.

mod engines;
mod listing;
mod progress;
mod remembered;
mod request;
mod run;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use serde_json::{Value, json};
use tokio::sync::watch;
use tower_lsp_server::Client;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{MessageActionItem, MessageType, Uri, WorkspaceEdit};

use super::backend::Shared;
use super::convert::Lines;
use super::settings::ClientFeatures;
use super::state::{Checked, Outgoing, file_path};
use crate::guide::{Guide, LlmConfig};
use crate::llm::{self, SuggestError, Suggestion};

pub use engines::engine;
pub use listing::{ModelContext, bridge_kind, code_actions, tighten_kind};
pub use progress::ProgressCancels;
pub use remembered::{Remembered, remembered_for_hover};
pub use request::ModelRequest;

use listing::suggestion_edit;
use progress::Progress;
use remembered::remember;
use request::{ModelKind, command_request, resolve_target};
use run::{Stopped, run, stopped_message};

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
        shared.send([Outgoing::Message {
            kind: MessageType::INFO,
            text: format!(
                "copydesk: the model offered {} option(s) this time; list the actions again",
                computed.suggestions.len()
            ),
        }]);
    }
    found
}

/// `copydesk.tighten` / `copydesk.bridge`: compute the suggestion and ask
/// the client to apply it. Bridge without an `option` lets the writer
/// choose among the options (`window/showMessageRequest`).
pub async fn execute(
    shared: &Arc<Shared>,
    command: &str,
    arguments: &[Value],
) -> Result<Option<Value>> {
    let request = command_request(command, arguments, |uri| {
        shared
            .lock()
            .documents
            .get(uri)
            .map(|document| document.version)
    })?;
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
    guide: Arc<Guide>,
    changes: watch::Receiver<i32>,
    name: String,
}

/// Send a message to the writer.
fn tell(shared: &Shared, kind: MessageType, text: String) {
    shared.send([Outgoing::Message { kind, text }]);
}

fn log(shared: &Shared, text: String) {
    shared.send([Outgoing::Log {
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
    let engine = engine_for(shared, &prepared).await?;
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
            let nothing = Stopped::Engine(SuggestError::NoSafeSuggestion {
                reason: "the model offered nothing".to_owned(),
            });
            shared.send([stopped_message(engine.model(), nothing)]);
            return None;
        }
        Err(stopped) => {
            shared.send([stopped_message(engine.model(), stopped)]);
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
    if let Some(remembered) =
        remembered::find(&open.suggestions, request.version, request.kind, &target)
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
    let name = file_path(&request.uri)
        .and_then(|path| path.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| request.uri.as_str().to_owned());
    let changes = open.edits.subscribe();
    Ok(Prepared {
        checked,
        target,
        asked,
        config,
        guide,
        changes,
        name,
    })
}

/// The engine for a request (see [`engine`]), or `None` after telling the
/// writer why there is none.
async fn engine_for(shared: &Arc<Shared>, prepared: &Prepared) -> Option<Arc<llm::Engine>> {
    let found = match engine(shared, &prepared.guide, super::trust::Asked::Explicitly).await {
        Ok(Some(found)) => found,
        Ok(None) => {
            tell(
                shared,
                MessageType::INFO,
                format!("copydesk: {}", llm::LlmError::NotConfigured),
            );
            return None;
        }
        Err(error) => {
            tell(shared, MessageType::ERROR, format!("copydesk: {error}"));
            return None;
        }
    };
    let engine = found.engine;
    if found.made {
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
    }
    Some(engine)
}
