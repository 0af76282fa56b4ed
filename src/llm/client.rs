//! The HTTP side: an async-openai client for any OpenAI-compatible server,
//! with copydesk's own retry policy and error messages.
//!
//! async-openai's built-in retry honours any `Retry-After` (a server could
//! park a request for an hour) and its error type cannot read servers that
//! send a numeric error `code` (llama.cpp's server does). So the client is
//! installed over a plain `ReqwestService` wrapped in [`RetryService`]:
//! bounded retries on 429 and 5xx, `Retry-After` honoured only up to a cap,
//! and every failed response turned into an `ApiError` read leniently.
//!
//! The API key comes from the environment variable the guide names, is sent
//! only as a header, and is scrubbed from every message this module makes.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use async_openai::Client;
use async_openai::config::{AzureConfig, Config, OpenAIConfig};
use async_openai::error::{ApiError, ApiErrorResponse, OpenAIError};
use async_openai::middleware::{HttpRequestFactory, ReqwestService};
use async_openai::types::chat::{
    ChatCompletionRequestAssistantMessage, ChatCompletionRequestMessage,
    ChatCompletionRequestSystemMessage, ChatCompletionRequestUserMessage,
    CreateChatCompletionRequestArgs, FinishReason, ResponseFormat, ResponseFormatJsonSchema,
};
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::guide::LlmConfig;

/// What went wrong talking to the model. Each message is one line the writer
/// can act on; none contains the API key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LlmError {
    #[error(
        "no model is configured: add an [llm] section to copydesk.toml (see `copydesk doctor`)"
    )]
    NotConfigured,
    #[error("[llm] {0}")]
    Config(String),
    #[error("the API key variable ${0} is not set (api_key_env in [llm])")]
    MissingKey(String),
    #[error("could not connect to {endpoint}: connection refused (is the server running?)")]
    ConnectionRefused { endpoint: String },
    #[error("could not resolve the host “{host}” of {endpoint}")]
    Dns { host: String, endpoint: String },
    #[error("could not connect to {endpoint}: {reason}")]
    Connect { endpoint: String, reason: String },
    #[error("the model did not answer within {secs} s (timeout_secs in [llm])")]
    Timeout { secs: u64 },
    #[error("the server refused the API key ({status}){hint}")]
    Unauthorized { status: u16, hint: String },
    #[error("the server does not know the model “{model}” (404){detail}")]
    UnknownModel { model: String, detail: String },
    #[error("rate limited by the server (429){detail}; try again later")]
    RateLimited { detail: String },
    #[error("the server failed ({status}){detail}")]
    Server { status: u16, detail: String },
    #[error("the server rejected the request ({status}){detail}")]
    Rejected { status: u16, detail: String },
    #[error("the server's answer is not JSON: {snippet}")]
    NotJson { snippet: String },
    #[error("the server's answer is not a chat completion: {detail}")]
    Malformed { detail: String },
    #[error("the server's answer has no choices")]
    NoChoices,
    #[error("the model returned an empty answer")]
    EmptyCompletion,
    #[error("the model refused: {0}")]
    Refused(String),
    #[error("the server closed the connection before the answer was complete")]
    ClosedMidResponse,
    #[error("request failed: {0}")]
    Other(String),
}

/// A model's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    pub text: String,
    /// The model stopped at the token limit, not where it wanted to.
    pub truncated: bool,
    /// Tokens used, when the server reports them.
    pub usage: Option<TokenUsage>,
}

/// Tokens one request used, as the server reported them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenUsage {
    pub prompt: u64,
    pub completion: u64,
}

impl TokenUsage {
    fn from_json(value: Option<&serde_json::Value>) -> Option<TokenUsage> {
        let value = value?;
        let count = |name: &str| value.get(name).and_then(serde_json::Value::as_u64);
        Some(TokenUsage {
            prompt: count("prompt_tokens")?,
            completion: count("completion_tokens").unwrap_or(0),
        })
    }
}

/// A JSON schema the answer must follow, sent as OpenAI's `response_format`
/// of type `json_schema` (llama.cpp's server, vLLM and Ollama read it too).
#[derive(Debug, Clone, PartialEq)]
pub struct JsonSchema {
    /// `[a-zA-Z0-9_-]`, at most 64 characters.
    pub name: String,
    pub schema: serde_json::Value,
}

/// One message of a chat.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "role", content = "content", rename_all = "lowercase")]
pub enum Message {
    System(String),
    User(String),
    Assistant(String),
}

/// Bounded retries: how many, and how long to wait.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub max_retries: u32,
    pub first_delay: Duration,
    pub max_delay: Duration,
    /// A `Retry-After` longer than this is not waited for: the request
    /// fails at once with the server's wish in the message.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_retries: 3,
            first_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(4),
            max_retry_after: Duration::from_secs(10),
        }
    }
}

/// A configured client for one endpoint and model.
#[derive(Clone)]
pub struct ModelClient {
    client: Client<Arc<dyn Config>>,
    http: reqwest::Client,
    model: String,
    endpoint: String,
    timeout: Duration,
    temperature: f32,
    key: Option<String>,
    key_env: Option<String>,
    azure: bool,
    /// Requests sent, retries included (for tests and doctor).
    attempts: Arc<AtomicUsize>,
}

impl std::fmt::Debug for ModelClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelClient")
            .field("model", &self.model)
            .field("endpoint", &self.endpoint)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// Install ring as rustls' crypto provider once (reqwest is built without a
/// provider so aws-lc's large C build is not needed).
fn install_crypto_provider() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // Err means another part of the process installed one first: fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

impl ModelClient {
    /// A client for `[llm]`, with the key read from the environment through
    /// `env` (so tests need not touch the process environment).
    pub fn new(
        config: &LlmConfig,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<ModelClient, LlmError> {
        Self::with_policy(config, env, RetryPolicy::default())
    }

    pub fn with_policy(
        config: &LlmConfig,
        env: &dyn Fn(&str) -> Option<String>,
        policy: RetryPolicy,
    ) -> Result<ModelClient, LlmError> {
        install_crypto_provider();
        let endpoint = config
            .base_url
            .clone()
            .ok_or_else(|| LlmError::Config("base_url is missing".to_owned()))?;
        let endpoint = endpoint.trim_end_matches('/').to_owned();
        if !(endpoint.starts_with("http://") || endpoint.starts_with("https://")) {
            return Err(LlmError::Config(format!(
                "base_url “{endpoint}” must start with http:// or https://"
            )));
        }
        let model = match (&config.model, &config.deployment) {
            (Some(model), _) => model.clone(),
            (None, Some(deployment)) => deployment.clone(),
            (None, None) => return Err(LlmError::Config("model is missing".to_owned())),
        };
        let key = match &config.api_key_env {
            None => None,
            Some(name) => {
                let value = env(name).map(|v| v.trim().to_owned()).unwrap_or_default();
                if value.is_empty() {
                    return Err(LlmError::MissingKey(name.clone()));
                }
                if HeaderValue::from_str(&format!("Bearer {value}")).is_err() {
                    return Err(LlmError::Config(format!(
                        "the API key in ${name} has characters that cannot be sent in a header"
                    )));
                }
                Some(value)
            }
        };
        let mut headers = HeaderMap::new();
        for (name, value) in &config.extra_headers {
            let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                LlmError::Config(format!("extra_headers: invalid header name “{name}”"))
            })?;
            let header_value = HeaderValue::from_str(value).map_err(|_| {
                LlmError::Config(format!("extra_headers: invalid value for “{name}”"))
            })?;
            headers.insert(header_name, header_value);
        }
        let timeout = Duration::from_secs(config.timeout_secs());
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(10)))
            .build()
            .map_err(|error| LlmError::Other(error.to_string()))?;
        let secret = key.clone().unwrap_or_default();
        let api_config: Arc<dyn Config> = if config.is_azure() {
            let mut azure = AzureConfig::new()
                .with_api_base(endpoint.clone())
                .with_api_key(secret);
            if let Some(version) = &config.api_version {
                azure = azure.with_api_version(version.clone());
            }
            azure = azure.with_deployment_id(config.deployment.clone().unwrap_or(model.clone()));
            Arc::new(azure)
        } else {
            // Every field is set explicitly: OpenAIConfig's defaults read
            // OPENAI_API_KEY, OPENAI_BASE_URL and OPENAI_ORG_ID from the
            // environment, and copydesk must use only what the guide names.
            Arc::new(
                OpenAIConfig::new()
                    .with_api_base(endpoint.clone())
                    .with_api_key(secret)
                    .with_org_id("")
                    .with_project_id(""),
            )
        };
        let attempts = Arc::new(AtomicUsize::new(0));
        let service = RetryService {
            inner: ReqwestService::new(http.clone()),
            policy,
            attempts: Arc::clone(&attempts),
        };
        let client = Client::build(http.clone(), api_config).with_http_service(service);
        Ok(ModelClient {
            client,
            http,
            model,
            endpoint,
            timeout,
            temperature: config.temperature(),
            key,
            key_env: config.api_key_env.clone(),
            azure: config.is_azure(),
            attempts,
        })
    }

    pub fn model(&self) -> &str {
        &self.model
    }

    pub fn endpoint(&self) -> &str {
        &self.endpoint
    }

    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    /// HTTP requests sent so far, retries included.
    pub fn attempts(&self) -> usize {
        self.attempts.load(Ordering::Relaxed)
    }

    /// Ask for one chat completion, within the timeout, retries included.
    pub async fn complete(
        &self,
        messages: &[Message],
        max_tokens: u32,
    ) -> Result<Completion, LlmError> {
        self.complete_with(messages, max_tokens, None).await
    }

    /// [`complete`](Self::complete), asking for an answer that follows
    /// `schema` when one is given.
    pub async fn complete_with(
        &self,
        messages: &[Message],
        max_tokens: u32,
        schema: Option<&JsonSchema>,
    ) -> Result<Completion, LlmError> {
        let secs = self.timeout.as_secs();
        let request = self.complete_inner(messages, max_tokens, schema);
        match tokio::time::timeout(self.timeout, request).await {
            Ok(result) => result.map_err(|error| self.scrub(error)),
            Err(_) => Err(LlmError::Timeout { secs }),
        }
    }

    async fn complete_inner(
        &self,
        messages: &[Message],
        max_tokens: u32,
        schema: Option<&JsonSchema>,
    ) -> Result<Completion, LlmError> {
        let messages: Vec<ChatCompletionRequestMessage> = messages
            .iter()
            .map(|message| match message {
                Message::System(text) => {
                    ChatCompletionRequestSystemMessage::from(text.as_str()).into()
                }
                Message::User(text) => ChatCompletionRequestUserMessage::from(text.as_str()).into(),
                Message::Assistant(text) => {
                    ChatCompletionRequestAssistantMessage::from(text.as_str()).into()
                }
            })
            .collect();
        let mut builder = CreateChatCompletionRequestArgs::default();
        #[allow(deprecated)] // max_tokens is what most compatible servers read.
        builder
            .model(self.model.clone())
            .messages(messages)
            .temperature(self.temperature)
            .max_tokens(max_tokens);
        if let Some(schema) = schema {
            builder.response_format(ResponseFormat::JsonSchema {
                json_schema: ResponseFormatJsonSchema {
                    description: None,
                    name: schema.name.clone(),
                    schema: schema.schema.clone(),
                    strict: Some(true),
                },
            });
        }
        let request = builder
            .build()
            .map_err(|error| LlmError::Other(error.to_string()))?;
        match self.client.chat().create(request).await {
            Ok(response) => {
                let Some(choice) = response.choices.into_iter().next() else {
                    return Err(LlmError::NoChoices);
                };
                if let Some(refusal) = choice.message.refusal.filter(|r| !r.trim().is_empty()) {
                    return Err(LlmError::Refused(refusal));
                }
                let text = choice.message.content.unwrap_or_default();
                if text.trim().is_empty() {
                    return Err(LlmError::EmptyCompletion);
                }
                Ok(Completion {
                    text,
                    truncated: choice.finish_reason == Some(FinishReason::Length),
                    usage: response.usage.map(|usage| TokenUsage {
                        prompt: u64::from(usage.prompt_tokens),
                        completion: u64::from(usage.completion_tokens),
                    }),
                })
            }
            Err(OpenAIError::JSONDeserialize(error, content)) => {
                lenient_completion(&error, &content)
            }
            Err(error) => Err(self.map_error(error)),
        }
    }

    /// GET {base_url}/models: the models the server offers. Doctor's probe.
    pub async fn list_models(&self) -> Result<Vec<String>, LlmError> {
        let url = format!("{}/models", self.endpoint);
        let mut request = self.http.get(&url);
        if let Some(key) = &self.key {
            request = if self.azure {
                request.header("api-key", key)
            } else {
                request.bearer_auth(key)
            };
        }
        let result = async {
            let response = request.send().await.map_err(OpenAIError::Reqwest)?;
            let status = response.status();
            let body = response.bytes().await.map_err(OpenAIError::Reqwest)?;
            if !status.is_success() {
                return Err(api_error(status, &body));
            }
            Ok(body)
        };
        let body = match tokio::time::timeout(self.timeout, result).await {
            Err(_) => {
                return Err(LlmError::Timeout {
                    secs: self.timeout.as_secs(),
                });
            }
            Ok(Err(error)) => {
                return Err(self.scrub(match error {
                    OpenAIError::ApiError(api) if api.status_code == StatusCode::NOT_FOUND => {
                        LlmError::Rejected {
                            status: 404,
                            detail: format!(": {url} not found"),
                        }
                    }
                    other => self.map_error(other),
                }));
            }
            Ok(Ok(body)) => body,
        };
        let value: serde_json::Value =
            serde_json::from_slice(&body).map_err(|_| LlmError::NotJson {
                snippet: snippet(&String::from_utf8_lossy(&body)),
            })?;
        let models = value
            .get("data")
            .or_else(|| value.get("models"))
            .and_then(|list| list.as_array())
            .map(|list| {
                list.iter()
                    .filter_map(|model| {
                        model
                            .get("id")
                            .or_else(|| model.get("name"))
                            .or_else(|| model.get("model"))
                            .and_then(|id| id.as_str())
                            .map(str::to_owned)
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(models)
    }

    fn map_error(&self, error: OpenAIError) -> LlmError {
        match error {
            OpenAIError::Reqwest(error) => self.map_transport(&error),
            OpenAIError::ApiError(api) => {
                let status = api.status_code.as_u16();
                let detail = detail(&api.api_error.message);
                match status {
                    401 | 403 => LlmError::Unauthorized {
                        status,
                        hint: match &self.key_env {
                            Some(name) => format!(": check ${name}"),
                            None => ": set api_key_env in [llm] to the variable holding the key"
                                .to_owned(),
                        },
                    },
                    404 => LlmError::UnknownModel {
                        model: self.model.clone(),
                        detail,
                    },
                    429 => LlmError::RateLimited { detail },
                    500..=599 => LlmError::Server { status, detail },
                    _ => LlmError::Rejected { status, detail },
                }
            }
            OpenAIError::JSONDeserialize(error, content) => lenient_completion(&error, &content)
                .err()
                .unwrap_or(LlmError::EmptyCompletion),
            OpenAIError::StreamError(_) => LlmError::ClosedMidResponse,
            OpenAIError::InvalidArgument(message) => LlmError::Other(message),
            other => LlmError::Other(other.to_string()),
        }
    }

    fn map_transport(&self, error: &reqwest::Error) -> LlmError {
        let chain = error_chain(error);
        if error.is_timeout() {
            return LlmError::Timeout {
                secs: self.timeout.as_secs(),
            };
        }
        if error.is_connect() {
            if chain.contains("dns error") || chain.contains("failed to lookup address") {
                let host = reqwest::Url::parse(&self.endpoint)
                    .ok()
                    .and_then(|url| url.host_str().map(str::to_owned))
                    .unwrap_or_default();
                return LlmError::Dns {
                    host,
                    endpoint: self.endpoint.clone(),
                };
            }
            if chain.contains("refused") {
                return LlmError::ConnectionRefused {
                    endpoint: self.endpoint.clone(),
                };
            }
            return LlmError::Connect {
                endpoint: self.endpoint.clone(),
                reason: chain,
            };
        }
        if error.is_body()
            || error.is_decode()
            || chain.contains("connection closed")
            || chain.contains("IncompleteMessage")
            || chain.contains("unexpected end")
            || chain.contains("end of file")
            || chain.contains("reset by peer")
        {
            return LlmError::ClosedMidResponse;
        }
        LlmError::Other(chain)
    }

    /// Remove the key from anything a server may have echoed back.
    fn scrub(&self, error: LlmError) -> LlmError {
        let Some(key) = self.key.as_deref().filter(|k| k.len() >= 4) else {
            return error;
        };
        let text = |s: String| s.replace(key, "[redacted]");
        match error {
            LlmError::Unauthorized { status, hint } => LlmError::Unauthorized {
                status,
                hint: text(hint),
            },
            LlmError::UnknownModel { model, detail } => LlmError::UnknownModel {
                model,
                detail: text(detail),
            },
            LlmError::RateLimited { detail } => LlmError::RateLimited {
                detail: text(detail),
            },
            LlmError::Server { status, detail } => LlmError::Server {
                status,
                detail: text(detail),
            },
            LlmError::Rejected { status, detail } => LlmError::Rejected {
                status,
                detail: text(detail),
            },
            LlmError::NotJson { snippet } => LlmError::NotJson {
                snippet: text(snippet),
            },
            LlmError::Malformed { detail } => LlmError::Malformed {
                detail: text(detail),
            },
            LlmError::Refused(message) => LlmError::Refused(text(message)),
            LlmError::Connect { endpoint, reason } => LlmError::Connect {
                endpoint,
                reason: text(reason),
            },
            LlmError::Other(message) => LlmError::Other(text(message)),
            other => other,
        }
    }
}

/// A success response async-openai could not read: some servers leave out
/// fields OpenAI always sends. Take the first choice's text if it is there;
/// otherwise say exactly what is wrong.
fn lenient_completion(error: &serde_json::Error, content: &str) -> Result<Completion, LlmError> {
    if content.trim().is_empty() {
        return Err(LlmError::EmptyCompletion);
    }
    let Ok(value) = serde_json::from_str::<serde_json::Value>(content) else {
        return Err(LlmError::NotJson {
            snippet: snippet(content),
        });
    };
    let Some(choices) = value.get("choices").and_then(|c| c.as_array()) else {
        if value.get("error").is_some() {
            return Err(LlmError::Malformed {
                detail: snippet(content),
            });
        }
        return Err(LlmError::NoChoices);
    };
    let Some(first) = choices.first() else {
        return Err(LlmError::NoChoices);
    };
    let text = first
        .pointer("/message/content")
        .or_else(|| first.get("text"))
        .and_then(|t| t.as_str())
        .unwrap_or("");
    if text.trim().is_empty() {
        if first.pointer("/message").is_none() && first.get("text").is_none() {
            return Err(LlmError::Malformed {
                detail: error.to_string(),
            });
        }
        return Err(LlmError::EmptyCompletion);
    }
    Ok(Completion {
        text: text.to_owned(),
        truncated: first.get("finish_reason").and_then(|r| r.as_str()) == Some("length"),
        usage: TokenUsage::from_json(value.get("usage")),
    })
}

fn error_chain(error: &dyn std::error::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}

/// A server message as a suffix: ": message", shortened, one line.
fn detail(message: &str) -> String {
    let message = message.trim();
    if message.is_empty() {
        String::new()
    } else {
        format!(": {}", snippet(message))
    }
}

fn snippet(text: &str) -> String {
    const MAX: usize = 120;
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX {
        return format!("“{one_line}”");
    }
    let cut: String = one_line.chars().take(MAX).collect();
    format!("“{cut}…”")
}

/// An error response, read whatever shape it has: OpenAI's
/// `{"error": {"message", "type", "code": "…"}}`, llama.cpp's numeric
/// `code`, Ollama's `{"error": "…"}`, or plain text.
fn api_error(status: StatusCode, body: &[u8]) -> OpenAIError {
    let text = String::from_utf8_lossy(body);
    let value: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    let error = value.as_ref().and_then(|v| v.get("error"));
    let message = error
        .and_then(|e| {
            e.get("message")
                .and_then(|m| m.as_str())
                .or_else(|| e.as_str())
        })
        .or_else(|| {
            value
                .as_ref()
                .and_then(|v| v.get("message"))
                .and_then(|m| m.as_str())
        })
        .or_else(|| {
            value
                .as_ref()
                .and_then(|v| v.get("detail"))
                .and_then(|m| m.as_str())
        })
        .map(str::to_owned)
        .unwrap_or_else(|| text.trim().to_owned());
    let field = |name: &str| {
        error.and_then(|e| e.get(name)).and_then(|v| match v {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    };
    OpenAIError::ApiError(ApiErrorResponse {
        status_code: status,
        api_error: ApiError {
            message,
            r#type: field("type"),
            param: field("param"),
            code: field("code"),
            misalignment: None,
        },
    })
}

/// Retries around the plain reqwest transport. Failed responses become
/// `ApiError`s here, so async-openai never parses an error body itself.
#[derive(Clone)]
struct RetryService {
    inner: ReqwestService,
    policy: RetryPolicy,
    attempts: Arc<AtomicUsize>,
}

type ResponseFuture = Pin<Box<dyn Future<Output = Result<reqwest::Response, OpenAIError>> + Send>>;

impl tower::Service<HttpRequestFactory> for RetryService {
    type Response = reqwest::Response;
    type Error = OpenAIError;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), OpenAIError>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: HttpRequestFactory) -> ResponseFuture {
        let inner = self.inner.clone();
        let policy = self.policy;
        let attempts = Arc::clone(&self.attempts);
        Box::pin(async move {
            let mut retry = 0;
            loop {
                attempts.fetch_add(1, Ordering::Relaxed);
                let response = tower::Service::call(&mut inner.clone(), request.clone()).await?;
                let status = response.status();
                if status.is_success() {
                    return Ok(response);
                }
                let retryable = status == StatusCode::TOO_MANY_REQUESTS
                    || matches!(status.as_u16(), 500 | 502 | 503 | 504);
                let wait = retry_after(response.headers());
                let body = response.bytes().await.map_err(OpenAIError::Reqwest)?;
                let error = api_error(status, &body);
                let out_of_quota = matches!(&error, OpenAIError::ApiError(api)
                    if api.api_error.r#type.as_deref() == Some("insufficient_quota")
                        || api.api_error.code.as_deref() == Some("insufficient_quota"));
                if !retryable || out_of_quota || retry >= policy.max_retries {
                    return Err(error);
                }
                let delay = match wait {
                    Some(wait) if wait > policy.max_retry_after => {
                        return Err(with_message_suffix(
                            error,
                            &format!("the server asks to wait {} s", wait.as_secs()),
                        ));
                    }
                    Some(wait) => wait,
                    None => policy
                        .first_delay
                        .saturating_mul(2u32.saturating_pow(retry))
                        .min(policy.max_delay),
                };
                retry += 1;
                tokio::time::sleep(delay).await;
            }
        })
    }
}

fn with_message_suffix(error: OpenAIError, suffix: &str) -> OpenAIError {
    match error {
        OpenAIError::ApiError(mut api) => {
            api.api_error.message = if api.api_error.message.trim().is_empty() {
                suffix.to_owned()
            } else {
                format!("{}; {suffix}", api.api_error.message.trim())
            };
            OpenAIError::ApiError(api)
        }
        other => other,
    }
}

/// `Retry-After` in seconds (the HTTP-date form is rare for APIs and is
/// treated as absent, falling back to backoff).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|secs| secs.is_finite() && *secs >= 0.0)
        .map(Duration::from_secs_f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_numeric_error_codes_and_plain_errors() {
        let error = api_error(
            StatusCode::BAD_REQUEST,
            br#"{"error":{"code":400,"message":"the request exceeds the available context size","type":"exceed_context_size_error"}}"#,
        );
        let OpenAIError::ApiError(api) = error else {
            panic!("not an ApiError");
        };
        assert_eq!(api.api_error.code.as_deref(), Some("400"));
        assert_eq!(
            api.api_error.message,
            "the request exceeds the available context size"
        );
        let OpenAIError::ApiError(api) =
            api_error(StatusCode::NOT_FOUND, br#"{"error":"model 'x' not found"}"#)
        else {
            panic!("not an ApiError");
        };
        assert_eq!(api.api_error.message, "model 'x' not found");
    }

    #[test]
    fn missing_key_variable_is_a_clear_error_and_no_client() {
        let config = LlmConfig {
            base_url: Some("http://127.0.0.1:9/v1".into()),
            model: Some("m".into()),
            api_key_env: Some("COPYDESK_TEST_KEY".into()),
            ..LlmConfig::default()
        };
        let error = ModelClient::new(&config, &|_| None).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the API key variable $COPYDESK_TEST_KEY is not set (api_key_env in [llm])"
        );
    }
}
