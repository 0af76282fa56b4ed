//! The page and its JSON API. Findings are the `check --format json`
//! (version 1) file object; positions are UTF-8 byte offsets of the text sent.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::{AppState, preview, refuse, thread};
use crate::check::{CheckOptions, Checker};
use crate::document::DocumentKind;
use crate::files::{self, WriteError};
use crate::guide::platforms;
use crate::llm::review::{self, Budget, ReviewOptions};
use crate::llm::{Action, Draft, Engine, TightenTarget};
use crate::output::{FileReport, JSON_VERSION, file_json};
use crate::resolve::{Engines, ModelLayers, Resolver};
use crate::rules::share::counting::measure;
use crate::rules::share::rendered::RenderedPost;

const INDEX: &str = include_str!("page/index.html");
const SCRIPT: &str = include_str!("page/app.js");
/// CodeMirror 6, bundled from `page/editor/` (see `scripts/build-serve-editor`).
const EDITOR: &str = include_str!("page/editor.js");
const STYLE: &str = include_str!("page/app.css");

/// The shared resolver (the CLI's and the language server's guide
/// discovery and engine cache), one per platform selection (the selection
/// is a checker option).
pub(crate) struct Guides {
    config: Option<PathBuf>,
    root: Option<PathBuf>,
    by_platforms: HashMap<Vec<String>, Resolver>,
    /// Model engines, made through `resolve` (consent checked first).
    engines: Engines,
}

impl Guides {
    pub(crate) fn new(config: Option<PathBuf>, root: Option<PathBuf>) -> Guides {
        Guides {
            config,
            root,
            by_platforms: HashMap::new(),
            engines: Engines::default(),
        }
    }

    /// The model engine for the guide of `path` (the same one `suggest`
    /// and the language server use: consent and keys checked there). Keys
    /// stay in this process; only the model's name reaches the page.
    fn engine(&mut self, path: Option<&Path>) -> Result<Arc<Engine>, String> {
        let checker = self.checker(path, &[]).map_err(|e| format!("{e:#}"))?;
        let guide = Arc::clone(checker.guide());
        self.engines
            .get_or_build(&guide, &ModelLayers::user(None))
            .map(|(engine, _)| engine)
            .map_err(|e| e.to_string())
    }

    /// The checker for a draft at `path` (or, pasted, for the folder
    /// served, else the current folder).
    fn checker(
        &mut self,
        path: Option<&Path>,
        platforms: &[String],
    ) -> anyhow::Result<Arc<Checker>> {
        let at = match (path, &self.root) {
            (Some(path), _) => path.to_path_buf(),
            (None, Some(root)) => root.clone(),
            (None, None) => std::env::current_dir()?,
        };
        let config = self.config.clone();
        self.by_platforms
            .entry(platforms.to_vec())
            .or_insert_with(|| {
                Resolver::new(
                    config,
                    CheckOptions {
                        platforms: platforms.to_vec(),
                        ..CheckOptions::default()
                    },
                )
            })
            .checker_for(&at)
            .map_err(anyhow::Error::from)
    }
}

pub(crate) fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/assets/app.js", get(script))
        .route("/assets/editor.js", get(editor))
        .route("/assets/app.css", get(style))
        .route("/api/info", get(info))
        .route("/api/check", post(check))
        .route("/api/files", get(list_files))
        .route("/api/file", get(open_file))
        .route("/api/save", post(save_file))
        .route("/api/suggest", post(suggest))
        .route("/api/review", post(review))
        .route("/api/login", post(login))
        .with_state(state)
}

/// The page, with a fresh style nonce in its policy and in a `<meta>` the
/// page hands to the editor.
async fn index() -> Response {
    let nonce = super::nonce();
    let page = INDEX.replace("{{STYLE_NONCE}}", &nonce);
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()),
            (header::CONTENT_SECURITY_POLICY, super::policy(Some(&nonce))),
        ],
        page,
    )
        .into_response()
}

async fn script() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        SCRIPT,
    )
        .into_response()
}

async fn editor() -> Response {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        EDITOR,
    )
        .into_response()
}

async fn style() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], STYLE).into_response()
}

fn error(status: StatusCode, message: impl std::fmt::Display) -> Response {
    refuse(status, &message.to_string())
}

/// Run blocking work (checking, the file system) off the async threads.
async fn blocking<F>(state: &Arc<AppState>, work: F) -> Response
where
    F: FnOnce(&AppState) -> Response + Send + 'static,
{
    let state = Arc::clone(state);
    match tokio::task::spawn_blocking(move || work(&state)).await {
        Ok(response) => response,
        Err(failure) => error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("internal error: {failure}"),
        ),
    }
}

/// The guide in effect, its platforms and key messages. Never its model
/// settings: no key or endpoint reaches the page.
async fn info(State(state): State<Arc<AppState>>) -> Response {
    blocking(&state, |state| {
        let checker = match lock(state).checker(None, &[]) {
            Ok(checker) => checker,
            Err(e) => return error(StatusCode::UNPROCESSABLE_ENTITY, format!("{e:#}")),
        };
        let guide = checker.guide();
        let model = lock(state).engine(None);
        let mut ids: Vec<String> = platforms::known_names().split(", ").map(str::to_owned).collect();
        for name in guide.config.sharing.limits.keys() {
            if platforms::builtin(name).is_none() && !ids.contains(name) {
                ids.push(name.clone());
            }
        }
        let table: Vec<Value> = ids
            .iter()
            .filter_map(|id| platforms::resolve(guide, id))
            .map(|p| json!({ "id": p.id, "name": p.name, "max_chars": p.max_chars, "fold_chars": p.fold_chars }))
            .collect();
        Json(json!({
            "folder": state.folder.as_ref().map(|f| f.display().to_string()),
            "guide": { "source": guide.source.to_string(), "hash": guide.hash },
            "platforms": table,
            "default_platforms": guide.config.sharing.platforms,
            "model": model.as_ref().ok().map(|engine| engine.model().to_owned()),
            "model_unavailable": model.err(),
            "voice": guide.voices.select(None).ok().flatten().map(|loaded| {
                voice_json(&crate::voice::InEffect { loaded, source: crate::voice::ProfileSource::Guide })
            }),
            "key_messages": guide.key_messages.iter().map(|m| json!({ "source": m.source, "text": m.text })).collect::<Vec<_>>(),
        }))
        .into_response()
    })
    .await
}

/// The voice profile in effect, for the page header: its name, its path as
/// the guide names it, and where it was chosen ("guide" or "front matter").
fn voice_json(in_effect: &crate::voice::InEffect<'_>) -> Value {
    json!({
        "name": in_effect.loaded.profile.name,
        "path": in_effect.loaded.path,
        "source": in_effect.source.as_str(),
        "description": in_effect.describe(),
    })
}

fn lock(state: &AppState) -> std::sync::MutexGuard<'_, Guides> {
    state
        .guides
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[derive(Deserialize)]
struct CheckRequest {
    text: String,
    /// The FOLDER-relative path of an opened draft.
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    platforms: Vec<String>,
}

async fn check(State(state): State<Arc<AppState>>, Json(request): Json<CheckRequest>) -> Response {
    blocking(&state, move |state| check_now(state, &request)).await
}

fn check_now(state: &AppState, request: &CheckRequest) -> Response {
    let path = match &request.path {
        Some(relative) => match resolve(state, relative) {
            Ok(path) => Some(path),
            Err(refusal) => return refusal.into_response(),
        },
        None => None,
    };
    let checker = match lock(state).checker(path.as_deref(), &request.platforms) {
        Ok(checker) => checker,
        Err(e) => return error(StatusCode::UNPROCESSABLE_ENTITY, format!("{e:#}")),
    };
    if let Some(refusal) = too_large(&request.text, checker.guide()) {
        return refusal;
    }
    let kind = path
        .as_deref()
        .map_or(DocumentKind::Markdown, DocumentKind::from_path);
    let (document, findings) = checker.check_text_at(&request.text, kind, path.as_deref());
    let shown = request.path.clone().unwrap_or_else(|| "post".to_owned());
    let file = file_json(&FileReport {
        path: &shown,
        document: Some(&document),
        findings: &findings,
        error: None,
        score: None,
    });
    let mut rules = serde_json::Map::new();
    for finding in &findings {
        if let Some(meta) = crate::rules::registry()
            .iter()
            .map(|f| f.meta)
            .find(|m| m.id == finding.rule)
        {
            rules.insert(meta.id.to_owned(), json!({ "summary": meta.summary() }));
        }
    }
    let rendered = RenderedPost::new(&document);
    let guide = checker.guide();
    let shown_platforms: Vec<Value> = request
        .platforms
        .iter()
        .filter_map(|name| platforms::resolve(guide, name))
        .map(|platform| {
            let max = platform.max_chars.unwrap_or(usize::MAX);
            let measured = measure(&rendered, platform.counting, max);
            let fold_at = platform.fold_chars.and_then(|fold| {
                rendered
                    .text
                    .char_indices()
                    .nth(fold)
                    .map(|(at, _)| rendered.source_offset(&document, at))
            });
            let thread = (platform.id == "x" && measured.overflow_at.is_some())
                .then(|| thread::split(&rendered.text, platform.counting, max));
            json!({
                "id": platform.id,
                "name": platform.name,
                "counting": platform.counting,
                "count": measured.total,
                "max_chars": platform.max_chars,
                "overflow_at": measured.overflow_at.map(|at| rendered.source_offset(&document, at)),
                "fold_at": fold_at,
                "thread": thread,
                "preview": preview::preview(&rendered, &platform, measured.overflow_at),
            })
        })
        .collect();
    Json(json!({
        "version": JSON_VERSION,
        "file": file,
        "rules": rules,
        "platforms": shown_platforms,
        "plain": rendered.text,
        "words": document.word_count(),
        "guide": { "source": guide.source.to_string(), "hash": guide.hash },
        "voice": match guide.voices.for_document(&document) {
            Ok(Some(in_effect)) => voice_json(&in_effect),
            Ok(None) => Value::Null,
            Err(crate::voice::UnknownProfile(wanted)) => json!({ "unknown": wanted }),
        },
    }))
    .into_response()
}

/// The refusal of a text over the guide's size limit.
fn too_large(text: &str, guide: &crate::guide::Guide) -> Option<Response> {
    let limit = files::max_bytes(guide);
    (text.len() as u64 > limit).then(|| {
        error(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the text is {} bytes, over the guide's limit of {limit}",
                text.len()
            ),
        )
    })
}

/// The drafts in FOLDER, by the walk `check` uses, relative to it.
fn drafts(state: &AppState, root: &Path) -> Vec<PathBuf> {
    let extensions = lock(state)
        .checker(None, &[])
        .map(|checker| checker.guide().config.files.extensions.clone())
        .unwrap_or_default();
    files::expand_paths(&[root.to_path_buf()], &extensions).files
}

/// A refused file name: the status and the message for the page.
struct Refusal(StatusCode, String);

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        error(self.0, self.1)
    }
}

/// The draft `relative` names, only if it is one of FOLDER's drafts:
/// no absolute paths, no `..`, nothing a link leads out to.
fn resolve(state: &AppState, relative: &str) -> Result<PathBuf, Refusal> {
    let Some(root) = &state.folder else {
        return Err(Refusal(
            StatusCode::FORBIDDEN,
            "no folder is served: paste-only".to_owned(),
        ));
    };
    let candidate = Path::new(relative);
    let plain = !relative.is_empty()
        && !relative.contains('\0')
        && candidate
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    let outside = || {
        Refusal(
            StatusCode::FORBIDDEN,
            format!("refused: “{relative}” is not a draft in the folder served"),
        )
    };
    if !plain {
        return Err(outside());
    }
    let Ok(real) = std::fs::canonicalize(root.join(candidate)) else {
        return Err(Refusal(
            StatusCode::NOT_FOUND,
            format!("{relative}: no such draft"),
        ));
    };
    if !real.starts_with(root) {
        return Err(outside());
    }
    let listed = drafts(state, root)
        .iter()
        .any(|draft| std::fs::canonicalize(draft).is_ok_and(|d| d == real));
    if !listed {
        return Err(outside());
    }
    Ok(real)
}

async fn list_files(State(state): State<Arc<AppState>>) -> Response {
    blocking(&state, |state| {
        let Some(root) = &state.folder else {
            return Json(json!({ "files": [] })).into_response();
        };
        let names: Vec<String> = drafts(state, root)
            .iter()
            .filter_map(|draft| draft.strip_prefix(root).ok())
            .map(|relative| relative.to_string_lossy().replace('\\', "/"))
            .collect();
        Json(json!({ "files": names })).into_response()
    })
    .await
}

#[derive(Deserialize)]
struct FileQuery {
    path: String,
}

async fn open_file(State(state): State<Arc<AppState>>, Query(query): Query<FileQuery>) -> Response {
    blocking(&state, move |state| {
        let path = match resolve(state, &query.path) {
            Ok(path) => path,
            Err(refusal) => return refusal.into_response(),
        };
        let limit = lock(state)
            .checker(Some(&path), &[])
            .map(|checker| files::max_bytes(checker.guide()))
            .unwrap_or(u64::MAX);
        match files::read_draft(&path, limit) {
            Ok(text) => Json(json!({ "path": query.path, "text": text })).into_response(),
            Err(e) => error(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("{}: {e}", query.path),
            ),
        }
    })
    .await
}

#[derive(Deserialize)]
struct SaveRequest {
    path: String,
    /// The text as it was opened: the save is refused if the file no
    /// longer holds it.
    original: String,
    text: String,
}

async fn save_file(
    State(state): State<Arc<AppState>>,
    Json(request): Json<SaveRequest>,
) -> Response {
    blocking(&state, move |state| {
        let path = match resolve(state, &request.path) {
            Ok(path) => path,
            Err(refusal) => return refusal.into_response(),
        };
        match files::write_atomically(&path, &request.original, &request.text) {
            Ok(()) => Json(json!({ "saved": request.path })).into_response(),
            Err(WriteError::Changed) => error(
                StatusCode::CONFLICT,
                format!(
                    "not saved: {} changed on disk since it was opened; copy your text, reopen the file and apply your changes again",
                    request.path
                ),
            ),
            Err(e) => error(StatusCode::UNPROCESSABLE_ENTITY, format!("not saved: {}: {e}", request.path)),
        }
    })
    .await
}

#[derive(Deserialize)]
struct SuggestRequest {
    text: String,
    #[serde(default)]
    path: Option<String>,
    /// `tighten` or `bridge`.
    action: String,
    /// A UTF-8 byte offset in the paragraph to tighten, or between the two
    /// paragraphs to bridge.
    offset: usize,
}

/// Tighten or Bridge through the model engine. The page cancels by closing
/// the request: the handler's future, and the model call with it, is dropped.
async fn suggest(
    State(state): State<Arc<AppState>>,
    Json(request): Json<SuggestRequest>,
) -> Response {
    let (path, engine) = match model_for(&state, request.path.as_deref()).await {
        Ok(found) => found,
        Err(refusal) => return refusal,
    };
    if !request
        .text
        .is_char_boundary(request.offset.min(request.text.len()))
    {
        return error(
            StatusCode::BAD_REQUEST,
            format!("offset {} is not on a character boundary", request.offset),
        );
    }
    let kind = path
        .as_deref()
        .map_or(DocumentKind::Markdown, DocumentKind::from_path);
    let name = request.path.clone().unwrap_or_else(|| "post".to_owned());
    let draft = Draft {
        text: &request.text,
        kind,
        name: &name,
    };
    let action = match request.action.as_str() {
        "tighten" => Action::Tighten,
        "bridge" => Action::Bridge,
        other => {
            return error(
                StatusCode::BAD_REQUEST,
                format!("unknown action “{other}”: expected tighten or bridge"),
            );
        }
    };
    let result = match action {
        Action::Tighten => engine
            .tighten(draft, TightenTarget::Paragraph(request.offset))
            .await
            .map(|suggestion| vec![suggestion]),
        Action::Bridge => engine.bridge(draft, request.offset).await,
    };
    match result {
        Ok(suggestions) => Json(json!({ "suggestions": suggestions })).into_response(),
        // No safe suggestion, not a paragraph, the model failing: said as is.
        Err(reason) => {
            Json(json!({ "suggestions": [], "reason": reason.to_string() })).into_response()
        }
    }
}

/// The draft `relative` names (if any) and the model engine for its guide,
/// or the response that refuses the request.
async fn model_for(
    state: &Arc<AppState>,
    relative: Option<&str>,
) -> Result<(Option<PathBuf>, Arc<Engine>), Response> {
    let path = match relative {
        Some(relative) => Some(resolve(state, relative).map_err(IntoResponse::into_response)?),
        None => None,
    };
    let state = Arc::clone(state);
    let at = path.clone();
    match tokio::task::spawn_blocking(move || lock(&state).engine(at.as_deref())).await {
        Ok(Ok(engine)) => Ok((path, engine)),
        Ok(Err(reason)) => Err(error(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("no model: {reason}"),
        )),
        Err(failure) => Err(error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("internal error: {failure}"),
        )),
    }
}

#[derive(Deserialize)]
struct ReviewRequest {
    text: String,
    #[serde(default)]
    path: Option<String>,
}

/// The model review of the post (the review `copydesk review` and the
/// language server run, with the guide's questions, cache and budget), as
/// the `check` JSON: each finding is anchored to the words of the post it
/// quotes (a quote that is not in the post was dropped by the review and is
/// only counted in `unlocated`). The page cancels by closing the request.
async fn review(
    State(state): State<Arc<AppState>>,
    Json(request): Json<ReviewRequest>,
) -> Response {
    let (path, engine) = match model_for(&state, request.path.as_deref()).await {
        Ok(found) => found,
        Err(refusal) => return refusal,
    };
    let guide = Arc::clone(engine.guide());
    let settings = &guide.config.review;
    if !settings.is_enabled() {
        return error(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "model review is off in {} ([review] enabled = false)",
                guide.source
            ),
        );
    }
    if let Some(refusal) = too_large(&request.text, &guide) {
        return refusal;
    }
    let kind = path
        .as_deref()
        .map_or(DocumentKind::Markdown, DocumentKind::from_path);
    let name = request.path.clone().unwrap_or_else(|| "post".to_owned());
    let options = ReviewOptions::default();
    let budget = Budget::new(settings.budget());
    let draft = Draft {
        text: &request.text,
        kind,
        name: &name,
    };
    let outcome = engine.review(draft, &options, &budget).await;
    let findings = outcome.findings();
    let document = crate::document::Document::parse(&request.text, kind);
    let file = file_json(&FileReport {
        path: &name,
        document: Some(&document),
        findings: &findings,
        error: None,
        score: None,
    });
    let questions: Vec<Value> = review::questions(&guide, &options)
        .iter()
        .map(|q| json!({ "id": q.id, "title": q.title.as_deref().unwrap_or(&q.id) }))
        .collect();
    Json(json!({
        "version": JSON_VERSION,
        "model": engine.model(),
        "file": file,
        "questions": questions,
        "stats": outcome.stats,
        "error": outcome.error.map(|e| e.to_string()),
    }))
    .into_response()
}

#[derive(Deserialize)]
struct LoginRequest {
    password: String,
}

/// The token for the password set with `--password-env` or
/// `--password-prompt`; nothing without one.
async fn login(State(state): State<Arc<AppState>>, Json(request): Json<LoginRequest>) -> Response {
    match super::login(&state, &request.password).await {
        Some(token) => Json(json!({ "token": token })).into_response(),
        None => error(StatusCode::UNAUTHORIZED, "refused: wrong password"),
    }
}
