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

/// Environment variables a guide may name in `api_key_env`. The writer's own
/// editor settings are not limited; a guide is. A name is allowed when it
/// ends in `_API_KEY` or `_TOKEN` (how model providers name their keys:
/// `OPENAI_API_KEY`, `AZURE_OPENAI_API_KEY`, `HF_TOKEN`) or starts with
/// `COPYDESK_`, and it is neither a well-known cloud, CI or registry
/// credential nor in one of their families (see [`FORBIDDEN_KEY_NAMES`] and
/// [`FORBIDDEN_KEY_PREFIXES`]).
pub fn key_name_allowed(name: &str) -> Result<(), String> {
    if name.starts_with("COPYDESK_") {
        return Ok(());
    }
    let upper = name.to_ascii_uppercase();
    if FORBIDDEN_KEY_NAMES.contains(&upper.as_str())
        || FORBIDDEN_KEY_PREFIXES.iter().any(|p| upper.starts_with(p))
    {
        return Err(format!(
            "api_key_env “{name}” names a cloud, CI or registry credential, which a guide may not send anywhere"
        ));
    }
    if !(upper.ends_with("_API_KEY") || upper.ends_with("_TOKEN")) {
        return Err(format!(
            "api_key_env “{name}” is not a model key's name: a guide may name a variable ending in _API_KEY or _TOKEN, or starting with COPYDESK_"
        ));
    }
    Ok(())
}

/// Credentials that end in `_API_KEY` or `_TOKEN` but are not model keys.
pub const FORBIDDEN_KEY_NAMES: &[&str] = &[
    "GH_TOKEN",
    "GH_ENTERPRISE_TOKEN",
    "NPM_TOKEN",
    "NODE_AUTH_TOKEN",
    "CI_JOB_TOKEN",
    "CI_DEPLOY_TOKEN",
    "CODECOV_TOKEN",
    "SENTRY_AUTH_TOKEN",
    "SLACK_TOKEN",
    "SLACK_BOT_TOKEN",
    "HEROKU_API_KEY",
    "STRIPE_API_KEY",
    "SENDGRID_API_KEY",
    "TWILIO_AUTH_TOKEN",
    "DIGITALOCEAN_TOKEN",
    "DIGITALOCEAN_ACCESS_TOKEN",
    "CLOUDFLARE_API_TOKEN",
    "CLOUDFLARE_API_KEY",
    "VERCEL_TOKEN",
    "NETLIFY_AUTH_TOKEN",
    "SNYK_TOKEN",
    "SONAR_TOKEN",
    "CIRCLE_TOKEN",
    "TRAVIS_TOKEN",
    "BUILDKITE_AGENT_TOKEN",
    "VAULT_TOKEN",
    "CONSUL_HTTP_TOKEN",
    "NOMAD_TOKEN",
    "TF_API_TOKEN",
    "TFE_TOKEN",
    "DOCKER_TOKEN",
    "DOCKERHUB_TOKEN",
    "PYPI_TOKEN",
    "PYPI_API_TOKEN",
    "CARGO_REGISTRY_TOKEN",
    "HOMEBREW_GITHUB_API_TOKEN",
    "BITBUCKET_TOKEN",
    "KUBE_TOKEN",
];

/// Families of credentials (cloud accounts, CI systems, forges, package
/// registries): no name starting with one of these is allowed.
pub const FORBIDDEN_KEY_PREFIXES: &[&str] = &[
    "AWS_",
    "AZURE_CLIENT_",
    "ARM_",
    "GOOGLE_APPLICATION_",
    "GCP_",
    "GITHUB_",
    "GITLAB_",
    "ACTIONS_",
    "CI_",
    "NPM_",
    "CARGO_",
    "TWINE_",
];

#[cfg(test)]
mod tests {
    use super::key_name_allowed;
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

    #[test]
    fn key_names_follow_the_documented_rule() {
        for allowed in [
            "OPENAI_API_KEY",
            "AZURE_OPENAI_API_KEY",
            "HF_TOKEN",
            "COPYDESK_KEY",
            "GROQ_API_KEY",
        ] {
            assert_eq!(key_name_allowed(allowed), Ok(()), "{allowed}");
        }
        for forbidden in [
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "GITHUB_TOKEN",
            "GH_TOKEN",
            "NPM_TOKEN",
            "CI_JOB_TOKEN",
            "HOME",
            "PATH",
            "DATABASE_PASSWORD",
            "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
        ] {
            assert!(key_name_allowed(forbidden).is_err(), "{forbidden}");
        }
    }
}
