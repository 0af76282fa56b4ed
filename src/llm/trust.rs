//! Consent for a guide to send text off the machine.
//!
//! A guide (`copydesk.toml`) usually comes from a repository the writer cloned,
//! so it is untrusted input: it may configure checks freely, but the model
//! connection it names in `[llm]` (where requests go and which environment
//! variable's key they carry) is used only after the writer allowed exactly
//! that, for exactly that guide file. Consent lives outside every repository, in
//! `trust.toml` in copydesk's config folder (`$COPYDESK_CONFIG_DIR`, else
//! `$XDG_CONFIG_HOME/copydesk`, else `~/.config/copydesk`; `%APPDATA%\copydesk`
//! on Windows), as (canonical guide path, base URL, key variable): when the guide
//! later names another endpoint or key variable, its consent no longer applies.
//!
//! [`Engine::new`](super::Engine::new) checks consent, so every front end that
//! makes model requests (CLI, language server, doctor) goes through this.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::guide::{Guide, GuideSource, LlmConfig, Merge};

/// Relocates the config folder (tests, portable setups).
pub const CONFIG_DIR_ENV: &str = "COPYDESK_CONFIG_DIR";
/// The consent store's file name inside the config folder.
pub const FILE_NAME: &str = "trust.toml";

/// What a guide asks to be allowed: sending text to `base_url` with the key in
/// `api_key_env` (none when the guide names no variable).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Grant {
    /// The guide file, canonical (symlinks resolved).
    pub guide: PathBuf,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_env: Option<String>,
}

impl Grant {
    /// "http://host/v1 with $VAR" or "http://host/v1 with no key".
    pub fn describe(&self) -> String {
        let endpoint = self.base_url.as_deref().unwrap_or("(no base_url)");
        match &self.api_key_env {
            Some(name) => format!("{endpoint} using ${name}"),
            None => format!("{endpoint} with no API key"),
        }
    }

    /// The command that records this consent.
    pub fn command(&self) -> String {
        let path = self.guide.display().to_string();
        if path.contains(char::is_whitespace) {
            format!("copydesk trust \"{path}\"")
        } else {
            format!("copydesk trust {path}")
        }
    }
}

/// Why there is no model connection for a guide yet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrustError {
    #[error(
        "{} is not trusted to send text to {}: nothing was sent (run {} to allow it)",
        .0.guide.display(), .0.describe(), .0.command()
    )]
    NotTrusted(Grant),
    #[error("no folder for copydesk's settings: set {CONFIG_DIR_ENV}, XDG_CONFIG_HOME or HOME")]
    NoFolder,
    #[error("{path}: {message}")]
    Store { path: String, message: String },
}

/// The connection `guide`'s own `[llm]` chooses, as consent would name it;
/// `None` when it chooses none (no `[llm]`, or only keys like `model` or
/// `timeout_secs`, the connection then coming from the writer's own settings).
/// The built-in guide never has `[llm]`.
pub fn grant_for(guide: &Guide) -> Option<Grant> {
    let config = guide.config.llm.as_ref()?;
    let GuideSource::File(path) = &guide.source else {
        return None;
    };
    if !config.sets_connection() {
        return None;
    }
    Some(Grant {
        guide: canonical(path),
        base_url: config.base_url.clone(),
        api_key_env: config.api_key_env.clone(),
    })
}

/// `path` with symlinks and `..` resolved; absolute at least when it cannot be.
pub fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| std::path::absolute(path).unwrap_or(path.into()))
}

/// copydesk's config folder (see the module docs).
pub fn config_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var(CONFIG_DIR_ENV) {
        return Some(dir);
    }
    if cfg!(windows) {
        return var("APPDATA").map(|d| d.join("copydesk"));
    }
    var("XDG_CONFIG_HOME")
        .or_else(|| var("HOME").map(|h| h.join(".config")))
        .map(|d| d.join("copydesk"))
}

#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoreFile {
    #[serde(default)]
    allow: Vec<Grant>,
}

/// The recorded consents.
#[derive(Debug)]
pub struct TrustStore {
    path: PathBuf,
    grants: Vec<Grant>,
}

impl TrustStore {
    /// The store in [`config_dir`]; empty when the file does not exist yet.
    pub fn load() -> Result<TrustStore, TrustError> {
        let dir = config_dir().ok_or(TrustError::NoFolder)?;
        TrustStore::load_from(&dir.join(FILE_NAME))
    }

    pub fn load_from(path: &Path) -> Result<TrustStore, TrustError> {
        let fail = |message: String| TrustError::Store {
            path: path.display().to_string(),
            message,
        };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(error) => return Err(fail(error.to_string())),
        };
        let file: StoreFile = toml::from_str(&text).map_err(|error| {
            fail(
                error
                    .to_string()
                    .lines()
                    .last()
                    .unwrap_or_default()
                    .to_owned(),
            )
        })?;
        Ok(TrustStore {
            path: path.to_owned(),
            grants: file.allow,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn grants(&self) -> &[Grant] {
        &self.grants
    }

    pub fn allows(&self, grant: &Grant) -> bool {
        self.grants.contains(grant)
    }

    /// Record `grant`, replacing any earlier consent for the same guide.
    pub fn allow(&mut self, grant: Grant) {
        self.grants.retain(|g| g.guide != grant.guide);
        self.grants.push(grant);
    }

    /// Remove every consent for `guide`; how many there were.
    pub fn revoke(&mut self, guide: &Path) -> usize {
        let before = self.grants.len();
        self.grants.retain(|g| g.guide != guide);
        before - self.grants.len()
    }

    /// Write the store (a temporary file renamed over the old one, so a
    /// crash never leaves half a file).
    pub fn save(&self) -> Result<(), TrustError> {
        let fail = |message: String| TrustError::Store {
            path: self.path.display().to_string(),
            message,
        };
        let file = StoreFile {
            allow: self.grants.clone(),
        };
        let body = toml::to_string(&file).map_err(|e| fail(e.to_string()))?;
        let text = format!(
            "# Guides allowed to send text to a model: written by `copydesk trust`,\n# removed by `copydesk untrust`.\n\n{body}"
        );
        if let Some(parent) = self.path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| fail(e.to_string()))?;
        }
        let temp = self
            .path
            .with_extension(format!("toml.{}", std::process::id()));
        std::fs::write(&temp, text).map_err(|e| fail(e.to_string()))?;
        std::fs::rename(&temp, &self.path).map_err(|e| {
            let _ = std::fs::remove_file(&temp);
            fail(e.to_string())
        })
    }
}

/// Whether `grant` (if any) is allowed now, reading the store afresh.
pub fn check(grant: Option<&Grant>) -> Result<(), TrustError> {
    let Some(grant) = grant else {
        return Ok(());
    };
    if TrustStore::load()?.allows(grant) {
        Ok(())
    } else {
        Err(TrustError::NotTrusted(grant.clone()))
    }
}

impl LlmConfig {
    /// Whether this section chooses where requests go or what they carry:
    /// `base_url`, `api_key_env`, Azure's `api_version`/`deployment`, or
    /// `extra_headers`. These keys come whole from one place (see
    /// [`LlmConfig::over_user`]).
    pub fn sets_connection(&self) -> bool {
        self.base_url.is_some()
            || self.api_key_env.is_some()
            || self.api_version.is_some()
            || self.deployment.is_some()
            || !self.extra_headers.is_empty()
    }

    /// A guide's `[llm]` over the writer's own model settings (the editor's
    /// `llm`). The guide wins key by key for how to ask (model, temperature,
    /// timeout, prompts), but the connection (base URL, key variable, Azure
    /// keys, headers) is never mixed: it is the guide's when the guide sets
    /// any connection key (and then needs consent), else the writer's. So a
    /// guide cannot send the writer's key to its own endpoint, nor send text
    /// to the writer's endpoint with a key of its choosing. Without a guide
    /// section, the writer's settings count only when they name a model.
    pub fn over_user(guide: Option<LlmConfig>, user: Option<LlmConfig>) -> Option<LlmConfig> {
        match (guide, user) {
            (None, user) => user.filter(|config| config.model.is_some()),
            (Some(guide), None) => Some(guide),
            (Some(guide), Some(user)) => {
                let connection = if guide.sets_connection() {
                    guide.clone()
                } else {
                    user.clone()
                };
                let mut merged = user.merged(guide);
                merged.base_url = connection.base_url;
                merged.api_key_env = connection.api_key_env;
                merged.api_version = connection.api_version;
                merged.deployment = connection.deployment;
                merged.extra_headers = connection.extra_headers;
                Some(merged)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_connection_is_never_mixed() {
        let user = LlmConfig {
            base_url: Some("http://mine/v1".into()),
            api_key_env: Some("MY_API_KEY".into()),
            model: Some("mine".into()),
            ..LlmConfig::default()
        };
        // The guide names only an endpoint: the writer's key does not go there.
        let guide = LlmConfig {
            base_url: Some("http://theirs/v1".into()),
            model: Some("theirs".into()),
            ..LlmConfig::default()
        };
        let merged = LlmConfig::over_user(Some(guide), Some(user.clone())).unwrap();
        assert_eq!(merged.base_url.as_deref(), Some("http://theirs/v1"));
        assert_eq!(merged.api_key_env, None);
        assert_eq!(merged.model.as_deref(), Some("theirs"));
        // The guide names no connection: the writer's endpoint and key, the
        // guide's model.
        let guide = LlmConfig {
            model: Some("theirs".into()),
            temperature: Some(0.5),
            ..LlmConfig::default()
        };
        let merged = LlmConfig::over_user(Some(guide), Some(user)).unwrap();
        assert_eq!(merged.base_url.as_deref(), Some("http://mine/v1"));
        assert_eq!(merged.api_key_env.as_deref(), Some("MY_API_KEY"));
        assert_eq!(merged.model.as_deref(), Some("theirs"));
    }

    #[test]
    fn the_store_round_trips_and_consent_names_the_exact_connection() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join(FILE_NAME);
        let mut store = TrustStore::load_from(&path).unwrap();
        assert!(store.grants().is_empty());
        let grant = Grant {
            guide: dir.path().join("copydesk.toml"),
            base_url: Some("http://127.0.0.1:1/v1".into()),
            api_key_env: Some("OPENAI_API_KEY".into()),
        };
        store.allow(grant.clone());
        store.save().unwrap();
        let store = TrustStore::load_from(&path).unwrap();
        assert!(store.allows(&grant));
        let moved = Grant {
            base_url: Some("http://elsewhere/v1".into()),
            ..grant.clone()
        };
        assert!(!store.allows(&moved));
        let other_key = Grant {
            api_key_env: Some("OTHER_API_KEY".into()),
            ..grant
        };
        assert!(!store.allows(&other_key));
        std::fs::write(&path, "allow = 3\n").unwrap();
        let error = TrustStore::load_from(&path).unwrap_err().to_string();
        assert!(error.starts_with(&path.display().to_string()), "{error}");
    }
}
