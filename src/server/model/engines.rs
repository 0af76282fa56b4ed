//! The server's model engines: one per guide and editor model settings
//! (`resolve::EngineKey`), kept in `State::engines` and shared by Tighten,
//! Bridge and model review. Made through `server::trust` (which asks for
//! consent), reused only while that consent holds.

use std::sync::Arc;

use super::super::backend::Shared;
use super::super::trust::{self, Asked};
use crate::guide::Guide;
use crate::llm::Engine;
use crate::resolve::EngineKey;

/// An engine, and whether it was made by this call (not taken from the
/// store).
pub struct Found {
    pub engine: Arc<Engine>,
    pub made: bool,
}

/// The engine for `guide` under the editor's model settings (the guide's
/// `[llm]` wins key by key), made once and kept; `Ok(None)` when no model
/// is configured. `Err` is the one message to show the writer, without the
/// `copydesk: ` in front (nothing was sent).
pub async fn engine(
    shared: &Arc<Shared>,
    guide: &Arc<Guide>,
    asked: Asked,
) -> std::result::Result<Option<Found>, String> {
    let (config, layers, key, remembered) = {
        let state = shared.lock();
        let Some(config) = state.settings.effective_llm(guide) else {
            return Ok(None);
        };
        let layers = state.settings.model_layers();
        let key = EngineKey::new(guide, &layers);
        let remembered = state.engines.get(&key);
        (config, layers, key, remembered)
    };
    // A remembered engine is used only while its consent holds (the writer
    // may have run `copydesk untrust` since).
    if let Some(engine) = remembered
        && let Some(engine) = trust::still_allowed(engine).await
    {
        return Ok(Some(Found {
            engine,
            made: false,
        }));
    }
    if let Err((name, message)) = config.validate() {
        return Err(format!("[llm] {name}: {message}"));
    }
    let engine = Arc::new(trust::engine(shared, Arc::clone(guide), layers, asked).await?);
    shared.lock().engines.insert(key, Arc::clone(&engine));
    Ok(Some(Found { engine, made: true }))
}
