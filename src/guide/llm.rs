//! `[llm]`: the OpenAI-compatible model that Tighten and Bridge ask.
//!
//! Without this section copydesk makes no network call at all. The API key is
//! never part of the guide: `api_key_env` names the environment variable that
//! holds it, so a guide can be committed and shared safely.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Defaults for the keys a `[llm]` section may leave out.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
pub const DEFAULT_MAX_CONCURRENCY: usize = 2;
pub const DEFAULT_TEMPERATURE: f32 = 0.2;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LlmConfig {
    /// The API root, ending in `/v1` for most servers
    /// (`http://127.0.0.1:11434/v1`, `https://api.openai.com/v1`).
    pub base_url: Option<String>,
    /// The model name the server knows (`llama3.2`, `gpt-4o-mini`).
    pub model: Option<String>,
    /// The environment variable holding the API key. Unset: no key is sent
    /// (local servers need none).
    pub api_key_env: Option<String>,
    /// The whole budget for one suggestion, retries included.
    pub timeout_secs: Option<u64>,
    /// At most this many requests in flight at once.
    pub max_concurrency: Option<usize>,
    pub temperature: Option<f32>,
    /// Keep model answers in the persistent cache (default true).
    pub cache: Option<bool>,
    /// A folder whose `tighten.md`, `bridge.md` or `system.md` replace the
    /// built-in prompts; relative to the guide file.
    pub prompts_dir: Option<PathBuf>,
    /// Azure OpenAI: the `api-version` query parameter. Setting it (with
    /// `deployment`) switches to Azure's URL scheme and `api-key` header.
    pub api_version: Option<String>,
    /// Azure OpenAI: the deployment name.
    pub deployment: Option<String>,
    /// Extra HTTP headers sent with every request. Not for secrets: the
    /// guide is meant to be committed.
    #[serde(default)]
    pub extra_headers: BTreeMap<String, String>,
}

impl LlmConfig {
    /// `other` layered over `self`: its keys win, headers add.
    pub fn merged(self, other: LlmConfig) -> LlmConfig {
        let mut extra_headers = self.extra_headers;
        extra_headers.extend(other.extra_headers);
        LlmConfig {
            base_url: other.base_url.or(self.base_url),
            model: other.model.or(self.model),
            api_key_env: other.api_key_env.or(self.api_key_env),
            timeout_secs: other.timeout_secs.or(self.timeout_secs),
            max_concurrency: other.max_concurrency.or(self.max_concurrency),
            temperature: other.temperature.or(self.temperature),
            cache: other.cache.or(self.cache),
            prompts_dir: other.prompts_dir.or(self.prompts_dir),
            api_version: other.api_version.or(self.api_version),
            deployment: other.deployment.or(self.deployment),
            extra_headers,
        }
    }

    /// Merge two optional sections: a section in either means one in the
    /// result.
    pub fn merge_options(base: Option<LlmConfig>, other: Option<LlmConfig>) -> Option<LlmConfig> {
        match (base, other) {
            (Some(base), Some(other)) => Some(base.merged(other)),
            (base, other) => other.or(base),
        }
    }

    pub fn timeout_secs(&self) -> u64 {
        self.timeout_secs.unwrap_or(DEFAULT_TIMEOUT_SECS).max(1)
    }

    pub fn max_concurrency(&self) -> usize {
        self.max_concurrency
            .unwrap_or(DEFAULT_MAX_CONCURRENCY)
            .max(1)
    }

    pub fn temperature(&self) -> f32 {
        self.temperature.unwrap_or(DEFAULT_TEMPERATURE)
    }

    pub fn cache_enabled(&self) -> bool {
        self.cache.unwrap_or(true)
    }

    pub fn is_azure(&self) -> bool {
        self.api_version.is_some() || self.deployment.is_some()
    }
}
