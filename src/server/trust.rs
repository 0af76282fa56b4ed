//! Consent in the editor: the one way the server makes a model engine.
//!
//! `Engine::new` refuses a guide whose `[llm]` chooses the connection without
//! recorded consent (see `llm::trust`). Here the server asks the writer with
//! `window/showMessageRequest` ("Allow" / "Not now"), records an "Allow" in the
//! same store `copydesk trust` writes, and builds the engine again. After "Not
//! now" (or a dismissed question) the guide's `[llm]` is left out: the writer's
//! own `llm` settings are used if they name a model, else nothing is sent. A
//! save does not ask again in the same session; an explicit request (Tighten,
//! Bridge, `copydesk.review`, `copydesk.trust`) does.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{ExecuteCommandParams, MessageActionItem, MessageType};

use super::backend::Shared;
use crate::guide::Guide;
use crate::llm::trust::{self, Grant, TrustError, TrustStore};
use crate::llm::{Engine, GuideLlm, SuggestError};
use crate::resolve::ModelLayers;

/// Ask the writer to allow the guide of a document: `{"uri": …}` or the URI.
pub const COMMAND: &str = "copydesk.trust";

const ALLOW: &str = "Allow";
const NOT_NOW: &str = "Not now";

/// Whether the writer asked for this model request (a command, a code
/// action) or it happens on its own (review on save).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Asked {
    Explicitly,
    OnSave,
}

/// The engine for `guide` under the writer's own model settings (`layers`),
/// asking for consent when the guide's connection needs it. `Err` is the one
/// message to show the writer (nothing was sent).
pub async fn engine(
    shared: &Arc<Shared>,
    guide: Arc<Guide>,
    layers: ModelLayers,
    asked: Asked,
) -> std::result::Result<Engine, String> {
    let grant = match build(Arc::clone(&guide), layers.clone()).await {
        Err(SuggestError::Trust(TrustError::NotTrusted(grant))) => grant,
        other => return other.map_err(|error| error.to_string()),
    };
    let declined = shared.lock().trust_declined.contains(&grant);
    let allowed = if declined && asked == Asked::OnSave {
        false
    } else {
        ask(shared, &grant).await?
    };
    if allowed {
        return build(guide, layers)
            .await
            .map_err(|error| error.to_string());
    }
    let not_sent = TrustError::NotTrusted(grant).to_string();
    if layers
        .user
        .as_ref()
        .is_some_and(|config| config.model.is_some())
    {
        // The writer's own model, without anything from the guide's [llm].
        let own = ModelLayers {
            guide: GuideLlm::Leave,
            ..layers
        };
        return build(guide, own).await.map_err(|error| error.to_string());
    }
    Err(format!(
        "{not_sent}, or use the editor command “copydesk: Trust this folder's guide” (:CopydeskTrust in Neovim)"
    ))
}

/// `engine` if the consent it was made under still holds (the writer may
/// have run `copydesk untrust` since it was made); read off the executor.
pub async fn still_allowed(engine: Arc<Engine>) -> Option<Arc<Engine>> {
    let check = Arc::clone(&engine);
    tokio::task::spawn_blocking(move || check.consent_holds())
        .await
        .unwrap_or(false)
        .then_some(engine)
}

async fn build(
    guide: Arc<Guide>,
    layers: ModelLayers,
) -> std::result::Result<Engine, SuggestError> {
    // Off the executor: it reads the consent store, opens the cache and
    // builds the guard's checker.
    tokio::task::spawn_blocking(move || crate::resolve::build_engine(guide, &layers))
        .await
        .map_err(|error| {
            SuggestError::Prompt(format!("could not start the model client: {error}"))
        })?
}

/// Ask once at a time (two requests never show two questions); `Ok(true)`
/// when the consent is recorded, by this answer or another one meanwhile.
async fn ask(shared: &Arc<Shared>, grant: &Grant) -> std::result::Result<bool, String> {
    let _one_question = shared.asking.lock().await;
    let current = grant.clone();
    let recorded = tokio::task::spawn_blocking(move || trust::check(Some(&current)))
        .await
        .map_err(|error| error.to_string())?;
    match recorded {
        Ok(()) => return Ok(true),
        Err(TrustError::NotTrusted(_)) => {}
        Err(error) => return Err(error.to_string()),
    }
    let question = format!(
        "This folder's copydesk.toml ({}) wants to send drafts to {}. Allow?",
        grant.guide.display(),
        grant.describe()
    );
    let actions = [ALLOW, NOT_NOW].map(|title| MessageActionItem {
        title: title.to_owned(),
        properties: HashMap::new(),
    });
    let answer = shared
        .client
        .show_message_request(MessageType::WARNING, question, Some(actions.to_vec()))
        .await
        .ok()
        .flatten();
    if answer.is_none_or(|item| item.title != ALLOW) {
        shared.lock().trust_declined.insert(grant.clone());
        return Ok(false);
    }
    let allowed = grant.clone();
    tokio::task::spawn_blocking(move || {
        let mut store = TrustStore::load()?;
        store.allow(allowed);
        store.save()
    })
    .await
    .map_err(|error| error.to_string())?
    .map_err(|error| error.to_string())?;
    shared.lock().trust_declined.remove(grant);
    Ok(true)
}

/// `copydesk.trust`: ask the writer to allow the connection the document's
/// guide names. Answers `{"trusted": bool, "guide": path}`, or
/// `{"trusted": true}` without `guide` when the guide sends nothing that
/// needs consent.
pub async fn execute(shared: &Arc<Shared>, params: ExecuteCommandParams) -> Result<Option<Value>> {
    let uri = super::commands::target(&params.arguments)?.uri;
    let Some(checked) = shared.checked_now(&uri).await else {
        return Err(super::commands::failed(format!(
            "{} is not open",
            uri.as_str()
        )));
    };
    let Some(grant) = trust::grant_for(checked.checker.guide()) else {
        return Ok(Some(json!({ "trusted": true })));
    };
    let trusted = ask(shared, &grant).await.map_err(super::commands::failed)?;
    if trusted {
        // Engines made without the guide's [llm] (after "Not now") go.
        shared.lock().engines.clear();
    }
    Ok(Some(
        json!({ "trusted": trusted, "guide": grant.guide.display().to_string() }),
    ))
}
