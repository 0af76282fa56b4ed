//! `[llm]`: the OpenAI-compatible model that Tighten and Bridge ask.
//!
//! Without this section copydesk makes no network call at all, and with it
//! none until the writer trusts this guide's endpoint and key variable
//! (`copydesk trust`, see `llm::trust`). The API key is never part of the
//! guide: `api_key_env` names the environment variable that holds it, so a
//! guide can be committed and shared safely.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::merge::mergeable;

/// Defaults for the keys a `[llm]` section may leave out.
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
pub const DEFAULT_MAX_CONCURRENCY: usize = 2;
pub const DEFAULT_TEMPERATURE: f32 = 0.2;

mergeable! {
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct LlmConfig {
        /// The API root, ending in `/v1` for most servers
        /// (`http://127.0.0.1:11434/v1`, `https://api.openai.com/v1`).
        pub base_url: Option<String>,
        /// The model name the server knows (`llama3.2`, `gpt-4o-mini`).
        pub model: Option<String>,
        /// The environment variable holding the API key. Unset: no key is sent
        /// (local servers need none). Must end in `_API_KEY` or `_TOKEN` or start
        /// with `COPYDESK_`, and not be a cloud, CI or registry credential.
        pub api_key_env: Option<String>,
        /// The whole budget for one suggestion, retries included.
        pub timeout_secs: Option<u64>,
        /// At most this many requests in flight at once.
        pub max_concurrency: Option<usize>,
        pub temperature: Option<f32>,
        /// Keep model answers in the persistent cache (default true).
        pub cache: Option<bool>,
        /// A folder whose `tighten.md`, `bridge.md`, `system.md` or `review.md` replace the
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
}

impl LlmConfig {
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

    /// Checks serde cannot make, as (key, message) for the guide's error.
    pub fn validate(&self) -> Result<(), (&'static str, String)> {
        if let Some(url) = &self.base_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err((
                "base_url",
                format!("base_url “{url}” must start with http:// or https://"),
            ));
        }
        if let Some(name) = &self.api_key_env
            && (name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
        {
            // Most likely the key itself was pasted here: say so without
            // repeating it.
            return Err((
                "api_key_env",
                "api_key_env must name an environment variable (like OPENAI_API_KEY), not hold the key itself".to_owned(),
            ));
        }
        if let Some(temperature) = self.temperature
            && !(0.0..=2.0).contains(&temperature)
        {
            return Err((
                "temperature",
                format!("temperature {temperature} is out of range: expected 0 to 2"),
            ));
        }
        Ok(())
    }

    pub fn is_azure(&self) -> bool {
        self.api_version.is_some() || self.deployment.is_some()
    }
}

#[cfg(test)]
mod tests {
    use crate::guide::{Guide, GuideSource};

    use crate::guide::tests::invalid_at as error;

    #[test]
    fn a_pasted_key_is_refused_without_echoing_it() {
        let message = error("[llm]\nmodel = \"m\"\napi_key_env = \"sk-live-abc123/xyz\"\n");
        assert_eq!(
            message,
            "3:1: api_key_env must name an environment variable (like OPENAI_API_KEY), not hold the key itself"
        );
        assert!(!message.contains("sk-live"));
    }

    #[test]
    fn an_api_key_field_is_unknown() {
        assert!(error("[llm]\napi_key = \"sk-1\"\n").contains("unknown field `api_key`"));
    }

    #[test]
    fn base_url_needs_a_scheme_and_sections_merge() {
        assert_eq!(
            error("[llm]\nbase_url = \"localhost:8080\"\n"),
            "2:1: base_url “localhost:8080” must start with http:// or https://"
        );
        let guide = Guide::from_source(
            "[llm]\nbase_url = \"http://127.0.0.1:1/v1\"\nmodel = \"m\"\n",
            GuideSource::BuiltIn,
        )
        .unwrap();
        let llm = guide.config.llm.as_ref().unwrap();
        assert_eq!(llm.model.as_deref(), Some("m"));
        assert_eq!(llm.timeout_secs(), super::DEFAULT_TIMEOUT_SECS);
        assert!(
            Guide::builtin().config.llm.is_none(),
            "the built-in guide never configures a model"
        );
    }
}
