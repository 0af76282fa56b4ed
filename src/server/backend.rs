//! The `LanguageServer` implementation: thin handlers over [`State`].

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::actions;
use super::commands;
use super::convert;
use super::guides;
use super::hover;
use super::model;
use super::settings::{ClientFeatures, Settings};
use super::state::{Checked, Outgoing, State, file_path};

pub struct Backend {
    shared: Arc<Shared>,
    /// Set by `shutdown`; decides the exit status after `exit`.
    pub shutdown_requested: Arc<AtomicBool>,
}

/// What handlers and background tasks share.
pub struct Shared {
    pub client: Client,
    state: Mutex<State>,
    /// Diagnostics and messages, delivered in the order they were queued.
    outbox: UnboundedSender<Outgoing>,
    pub review: super::review::ReviewState,
    /// Held while the writer is asked to allow a guide's model connection,
    /// so two requests never ask twice.
    pub asking: tokio::sync::Mutex<()>,
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        let (outbox, queue) = unbounded_channel();
        tokio::spawn(deliver(client.clone(), queue));
        Backend {
            shared: Arc::new(Shared {
                client,
                state: Mutex::new(State::default()),
                outbox,
                review: Default::default(),
                asking: tokio::sync::Mutex::new(()),
            }),
            shutdown_requested: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The stand-in for a frame that was not a JSON-RPC message, or a `$/`
    /// request (see `transport`): the error it carries, for the client when
    /// it had an id.
    pub async fn invalid_message(&self, params: Value) -> Result<()> {
        let code = params
            .get("code")
            .and_then(Value::as_i64)
            .map_or(ErrorCode::InvalidRequest, ErrorCode::from);
        let message = params
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("copydesk could not read the message")
            .to_owned();
        Err(Error {
            code,
            message: message.into(),
            data: None,
        })
    }

    /// `window/workDoneProgress/cancel`: the writer cancelled a model
    /// request's progress.
    pub async fn work_done_progress_cancel(&self, params: WorkDoneProgressCancelParams) {
        self.shared.lock().progress_cancels.cancel(&params.token);
    }

    async fn pull_settings(&self) {
        let item = ConfigurationItem {
            scope_uri: None,
            section: Some("copydesk".to_owned()),
        };
        let Ok(values) = self.shared.client.configuration(vec![item]).await else {
            return;
        };
        if let Some(value) = values.first() {
            self.shared.warn_unknown_settings(value);
        }
        if let Some(parsed) = values.first().and_then(Settings::parse) {
            self.shared.apply_parsed_settings(parsed);
        }
    }

    async fn register_watchers(&self) {
        let configured = self.shared.lock().settings.guide_path.clone();
        let watchers = guides::watched_names(configured.as_deref())
            .into_iter()
            .map(|name| FileSystemWatcher {
                glob_pattern: GlobPattern::String(format!("**/{name}")),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "copydesk-guide-files".to_owned(),
            method: "workspace/didChangeWatchedFiles".to_owned(),
            register_options: serde_json::to_value(options).ok(),
        };
        let _ = self
            .shared
            .client
            .register_capability(vec![registration])
            .await;
    }
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, State> {
        // Handlers never leave the state half-changed across a panic point,
        // so a poisoned lock is still consistent.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn send(&self, messages: impl IntoIterator<Item = Outgoing>) {
        for message in messages {
            // Fails only when the delivery task is gone (shutting down).
            let _ = self.outbox.send(message);
        }
    }

    /// Start checking `uri` unless a check is already running; a running
    /// check notices the new generation and runs again.
    pub(super) fn schedule(self: &Arc<Self>, state: &mut State, uri: &Uri) {
        if state.pull_diagnostics {
            return;
        }
        let Some(document) = state.documents.get_mut(uri) else {
            return;
        };
        if document.checking {
            document.rerun = true;
            return;
        }
        document.checking = true;
        tokio::spawn(Arc::clone(self).check_loop(uri.clone()));
    }

    fn schedule_all(self: &Arc<Self>, state: &mut State) {
        let uris: Vec<Uri> = state.documents.keys().cloned().collect();
        for uri in &uris {
            self.schedule(state, uri);
        }
        if state.pull_diagnostics && state.features.diagnostic_refresh {
            self.send([Outgoing::RefreshDiagnostics]);
        }
    }

    /// Tell the writer about setting keys that look like typos; settings
    /// still apply (a warning, never fatal).
    fn warn_unknown_settings(&self, value: &serde_json::Value) {
        let warnings = Settings::unknown_key_warnings(value);
        if !warnings.is_empty() {
            self.send(warnings.into_iter().map(|text| Outgoing::Message {
                kind: MessageType::WARNING,
                text,
            }));
        }
    }

    /// Apply settings, telling the writer which keys were ignored.
    fn apply_parsed_settings(self: &Arc<Self>, (settings, rejected): (Settings, Vec<String>)) {
        if !rejected.is_empty() {
            self.send([Outgoing::Message {
                kind: MessageType::WARNING,
                text: format!(
                    "copydesk: ignoring the setting{} {} (wrong type); the other settings apply",
                    if rejected.len() == 1 { "" } else { "s" },
                    rejected
                        .iter()
                        .map(|key| format!("copydesk.{key}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            }]);
        }
        self.apply_settings(settings);
    }

    fn apply_settings(self: &Arc<Self>, settings: Settings) {
        let mut state = self.lock();
        if state.settings == settings {
            return;
        }
        state.settings = settings;
        state.invalidate_all();
        self.schedule_all(&mut state);
    }

    /// Check `uri` until its newest generation is published. At most one of
    /// these runs per document.
    async fn check_loop(self: Arc<Self>, uri: Uri) {
        loop {
            let snapshot = {
                let mut state = self.lock();
                let mut outbox = Vec::new();
                let snapshot = state.snapshot(&uri, &mut outbox);
                if let Some(document) = state.documents.get_mut(&uri) {
                    document.rerun = false;
                }
                self.send(outbox);
                match snapshot {
                    Some(snapshot) => snapshot,
                    None => return, // closed
                }
            };
            let generation = snapshot.generation;
            let result = tokio::task::spawn_blocking(move || snapshot.check_and_convert()).await;

            let mut state = self.lock();
            let Some(document) = state.documents.get_mut(&uri) else {
                return;
            };
            match result {
                Ok((checked, diagnostics))
                    if checked.generation == document.generation
                        && document.published.is_none_or(|v| v <= checked.version) =>
                {
                    document.published = Some(checked.version);
                    let message = Outgoing::Diagnostics {
                        uri: uri.clone(),
                        diagnostics,
                        version: Some(checked.version),
                    };
                    document.last = Some(Arc::new(checked));
                    // Queued under the lock: a later version's diagnostics
                    // or the clearing on close can only come after these.
                    self.send([message]);
                }
                Ok(_) => {} // stale: the document moved on
                Err(error) => self.send([Outgoing::Message {
                    kind: MessageType::ERROR,
                    text: format!("copydesk: checking {} failed: {error}", uri.as_str()),
                }]),
            }
            if document.rerun || document.generation != generation {
                continue;
            }
            document.checking = false;
            return;
        }
    }

    /// The check result for the document as it is now, computing it when
    /// the newest published one is stale.
    pub async fn checked_now(&self, uri: &Uri) -> Option<Arc<Checked>> {
        let snapshot = {
            let mut state = self.lock();
            if let Some(current) = state.documents.get(uri)?.current() {
                return Some(current);
            }
            let mut outbox = Vec::new();
            let snapshot = state.snapshot(uri, &mut outbox);
            self.send(outbox);
            snapshot?
        };
        let checked = Arc::new(
            tokio::task::spawn_blocking(move || snapshot.check())
                .await
                .ok()?,
        );
        let mut state = self.lock();
        if let Some(document) = state.documents.get_mut(uri)
            && document.generation == checked.generation
        {
            document.last = Some(Arc::clone(&checked));
        }
        Some(checked)
    }

    pub fn features(&self) -> ClientFeatures {
        self.lock().features
    }
}

/// Deliver queued messages to the client, one at a time, in order.
async fn deliver(client: Client, mut queue: UnboundedReceiver<Outgoing>) {
    while let Some(message) = queue.recv().await {
        match message {
            Outgoing::Diagnostics {
                uri,
                diagnostics,
                version,
            } => client.publish_diagnostics(uri, diagnostics, version).await,
            Outgoing::Message { kind, text } => client.show_message(kind, text).await,
            Outgoing::Log { kind, text } => client.log_message(kind, text).await,
            Outgoing::RefreshDiagnostics => {
                // A request: wait for its answer elsewhere, not in the queue.
                let client = client.clone();
                tokio::spawn(async move {
                    let _ = client.workspace_diagnostic_refresh().await;
                });
            }
        }
    }
}

fn workspace_roots(params: &InitializeParams) -> Vec<PathBuf> {
    if let Some(folders) = &params.workspace_folders {
        return folders
            .iter()
            .filter_map(|folder| file_path(&folder.uri))
            .collect();
    }
    #[allow(deprecated)] // rootUri is how older clients name the workspace
    let root = params.root_uri.as_ref().and_then(file_path);
    root.into_iter().collect()
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let features = ClientFeatures::from_capabilities(&params.capabilities);
        let settings = params
            .initialization_options
            .as_ref()
            .and_then(Settings::from_value)
            .unwrap_or_default();
        let pull = settings.pull_diagnostics();
        {
            let mut state = self.shared.lock();
            state.features = features;
            state.guides.set_platforms(&settings.platforms);
            state.settings = settings;
            state.pull_diagnostics = pull;
            state.roots = workspace_roots(&params);
        }
        let capabilities = ServerCapabilities {
            position_encoding: Some(features.position_encoding()),
            text_document_sync: Some(TextDocumentSyncCapability::Options(
                TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(TextDocumentSyncKind::INCREMENTAL),
                    save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                        include_text: Some(false),
                    })),
                    ..TextDocumentSyncOptions::default()
                },
            )),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![
                    CodeActionKind::QUICKFIX,
                    actions::fix_all_kind(),
                    model::tighten_kind(),
                    model::bridge_kind(),
                ]),
                resolve_provider: Some(true),
                work_done_progress_options: WorkDoneProgressOptions::default(),
            })),
            execute_command_provider: Some(ExecuteCommandOptions {
                commands: commands::COMMANDS.iter().map(|c| (*c).to_owned()).collect(),
                work_done_progress_options: WorkDoneProgressOptions::default(),
            }),
            diagnostic_provider: pull.then(|| {
                DiagnosticServerCapabilities::Options(DiagnosticOptions {
                    identifier: Some("copydesk".to_owned()),
                    inter_file_dependencies: false,
                    workspace_diagnostics: false,
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                })
            }),
            workspace: Some(WorkspaceServerCapabilities {
                workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: Some(OneOf::Left(true)),
                }),
                file_operations: None,
            }),
            ..ServerCapabilities::default()
        };
        Ok(InitializeResult {
            capabilities,
            server_info: Some(ServerInfo {
                name: "copydesk".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        let features = self.shared.features();
        if features.watch_files {
            self.register_watchers().await;
        }
        if features.configuration {
            self.pull_settings().await;
        }
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown_requested.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        let mut state = self.shared.lock();
        state.open(
            document.uri.clone(),
            document.language_id,
            document.version,
            document.text,
        );
        self.shared.schedule(&mut state, &document.uri);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let mut state = self.shared.lock();
        if state.change(&uri, params.text_document.version, params.content_changes) {
            self.shared.schedule(&mut state, &uri);
        }
        // A change to a document never opened has nothing to apply to; the
        // client will send didOpen (or the full text) when it recovers.
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        super::review::on_save(&self.shared, &params.text_document.uri);
        let mut state = self.shared.lock();
        if state.features.watch_files {
            return;
        }
        let (messages, changed) = state.recheck_guides_on_save(&params.text_document.uri);
        self.shared.send(messages);
        if changed {
            state.invalidate_all();
            self.shared.schedule_all(&mut state);
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let mut state = self.shared.lock();
        if state.documents.remove(&uri).is_some() && !state.pull_diagnostics {
            self.shared.send([Outgoing::Diagnostics {
                uri,
                diagnostics: Vec::new(),
                version: None,
            }]);
        }
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        if self.shared.features().configuration {
            self.pull_settings().await;
        } else if let Some(parsed) = Settings::parse(&params.settings) {
            self.shared.warn_unknown_settings(&params.settings);
            self.shared.apply_parsed_settings(parsed);
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let mut state = self.shared.lock();
        let configured = state.settings.guide_path.clone();
        let mut any = false;
        for change in params.changes {
            let Some(path) = file_path(&change.uri) else {
                continue;
            };
            if !guides::is_guide_file(&path, configured.as_deref()) {
                continue;
            }
            let messages = state.guide_file_changed(&path, change.typ == FileChangeType::DELETED);
            self.shared.send(messages);
            any = true;
        }
        if any {
            self.shared.schedule_all(&mut state);
        }
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let mut state = self.shared.lock();
        let removed: Vec<PathBuf> = params
            .event
            .removed
            .iter()
            .filter_map(|folder| file_path(&folder.uri))
            .collect();
        state.roots.retain(|root| !removed.contains(root));
        state.roots.extend(
            params
                .event
                .added
                .iter()
                .filter_map(|folder| file_path(&folder.uri)),
        );
        state.invalidate_all();
        self.shared.schedule_all(&mut state);
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let position = params.text_document_position_params;
        let Some(checked) = self.shared.checked_now(&position.text_document.uri).await else {
            return Ok(None);
        };
        let (unit, suggestions) = {
            let state = self.shared.lock();
            let suggestions = model::remembered_for_hover(&state, &position.text_document.uri);
            (state.features.encoding, suggestions)
        };
        let Some(document) = &checked.document else {
            return Ok(None);
        };
        Ok(hover::hover(
            document,
            &checked.findings,
            checked.checker.guide(),
            position.position,
            unit,
            &suggestions,
        ))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let Some(checked) = self.shared.checked_now(&uri).await else {
            return Ok(None);
        };
        let (context, model_context) = {
            let state = self.shared.lock();
            (
                actions::ActionContext::new(&state, &uri),
                model::ModelContext::new(&state, &uri),
            )
        };
        let actions = tokio::task::spawn_blocking(move || {
            let mut actions = actions::code_actions(&checked, &uri, &params, &context);
            actions.extend(
                model::code_actions(&checked, &uri, &params, &model_context)
                    .into_iter()
                    .map(CodeActionOrCommand::CodeAction),
            );
            actions
        })
        .await
        .unwrap_or_default();
        Ok(Some(actions))
    }

    async fn code_action_resolve(&self, action: CodeAction) -> Result<CodeAction> {
        let features = self.shared.features();
        let edit = match actions::ResolveData::from_value(action.data.as_ref()) {
            Some(actions::ResolveData::FixAll { uri, .. }) => {
                // The edit is computed for the document as it is now and
                // versioned, so the client refuses it if it changed since.
                let Some(checked) = self.shared.checked_now(&uri).await else {
                    return Ok(action);
                };
                tokio::task::spawn_blocking(move || actions::fix_all_edit(&checked, &uri, features))
                    .await
                    .ok()
                    .flatten()
            }
            Some(actions::ResolveData::DisableRule { uri, rule }) => {
                let context = actions::ActionContext::new(&self.shared.lock(), &uri);
                tokio::task::spawn_blocking(move || actions::disable_in_guide(&context, &rule))
                    .await
                    .ok()
                    .flatten()
                    .map(|(edit, _)| edit)
            }
            Some(actions::ResolveData::Model(request)) => {
                model::resolve(&self.shared, request).await
            }
            None => return Ok(action),
        };
        Ok(CodeAction { edit, ..action })
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        let checked = self.shared.checked_now(&params.text_document.uri).await;
        let unit = self.shared.features().encoding;
        let (items, result_id) = match checked {
            Some(checked) => (
                checked.diagnostics(unit),
                format!("{}-{}", checked.version, checked.generation),
            ),
            None => (Vec::new(), "closed".to_owned()),
        };
        let report = convert::pull_report(params.previous_result_id.as_deref(), result_id, items);
        Ok(DocumentDiagnosticReportResult::Report(report))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<Value>> {
        commands::execute(&self.shared, params).await
    }
}
