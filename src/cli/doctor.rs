//! `copydesk doctor`: the guide in effect, the model it configures, and
//! whether that model answers, with a diagnosis when it does not.
//!
//! Without `[llm]` it says so and sends nothing anywhere; with a guide whose
//! connection the writer has not trusted (`copydesk trust`) it says that and
//! sends nothing either.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context as _;
use clap::Args;

use super::Status;
use super::args::GuideArgs;
use crate::check::CheckOptions;
use crate::llm::{self, Engine, LlmError, Message};
use crate::resolve::{ModelLayers, Resolver};

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The file or folder whose guide to examine (default: the current folder)
    pub path: Option<PathBuf>,
    #[command(flatten)]
    pub guide: GuideArgs,
}

/// The voice profile in effect for one post, and where it was chosen.
fn post_voice(guide: &crate::guide::Guide, path: &std::path::Path) -> String {
    let shown = path.display();
    let text = match crate::files::read_draft(path, crate::files::max_bytes(guide)) {
        Ok(text) => text,
        Err(error) => return format!("{shown}: {error}"),
    };
    let document =
        crate::document::Document::parse(text, crate::document::DocumentKind::from_path(path));
    match guide.voices.for_document(&document) {
        Ok(Some(in_effect)) => format!("{shown}: {}", in_effect.describe()),
        Ok(None) => format!("{shown}: no voice profile in effect"),
        Err(crate::voice::UnknownProfile(wanted)) => {
            format!("{shown}: voice_profile “{wanted}” is not one the guide loads")
        }
    }
}

pub fn run(args: DoctorArgs) -> anyhow::Result<Status> {
    let path = args.path.unwrap_or_else(|| PathBuf::from("."));
    let guide = Resolver::new(args.guide.config, CheckOptions::default()).guide_for(&path)?;
    let line = |label: &str, value: &str| println!("{label:<10} {value}");
    line("guide:", &guide.source.to_string());
    if guide.is_vale_only() {
        line(
            "rules:",
            "Vale styles only (no copydesk.toml: built-in rules off)",
        );
    }
    for set in &guide.rule_sets {
        line("styles:", &set.describe());
        for warning in set.warnings() {
            line("  warning:", warning);
        }
    }
    match guide.voices.select(None) {
        Ok(Some(loaded)) => line(
            "voice:",
            &format!(
                "profile “{}” ({}, {} posts, {} words; from the guide's [voice] profile; voice/drift compares drafts with it, Tighten and Bridge write in it)",
                loaded.profile.name,
                loaded.path,
                loaded.profile.learned_from.posts,
                loaded.profile.learned_from.words
            ),
        ),
        _ => line(
            "voice:",
            "no voice profile (`copydesk voice learn`, then [voice] profile)",
        ),
    }
    if path.is_file() {
        line("  post:", &post_voice(&guide, &path));
    }
    let Some(config) = llm::configured(&guide) else {
        line(
            "model:",
            "not configured: no network calls are made (add [llm] to copydesk.toml for Tighten and Bridge)",
        );
        return Ok(Status::Clean);
    };
    line(
        "model:",
        config
            .model
            .as_deref()
            .or(config.deployment.as_deref())
            .unwrap_or("(missing)"),
    );
    line(
        "endpoint:",
        config.base_url.as_deref().unwrap_or("(missing)"),
    );
    let key = match &config.api_key_env {
        Some(name) if std::env::var(name).is_ok_and(|v| !v.trim().is_empty()) => {
            format!("from ${name} (set)")
        }
        Some(name) => format!("from ${name} (NOT SET)"),
        None => "none sent (api_key_env is not set)".to_owned(),
    };
    line("api key:", &key);
    line(
        "limits:",
        &format!(
            "timeout {} s, {} at once, temperature {}",
            config.timeout_secs(),
            config.max_concurrency(),
            config.temperature()
        ),
    );
    // Consent first: without it, doctor sends nothing (not even its probe).
    match llm::trust::check(llm::trust::grant_for(&guide).as_ref()) {
        Ok(()) if llm::trust::grant_for(&guide).is_some() => {
            line(
                "trust:",
                "allowed: you trusted this guide with this endpoint and key variable",
            );
        }
        Ok(()) => {}
        Err(error) => {
            line("trust:", &format!("NOT TRUSTED: {error}"));
            return Ok(Status::Findings);
        }
    }
    let engine = match crate::resolve::build_engine(Arc::clone(&guide), &ModelLayers::default()) {
        Ok(engine) => engine,
        Err(error) => {
            line("answers:", &format!("no: {error}"));
            return Ok(Status::Findings);
        }
    };
    let prompts = engine.prompts();
    line(
        "prompts:",
        &[
            &prompts.system,
            &prompts.tighten,
            &prompts.bridge,
            &prompts.review,
        ]
        .iter()
        .map(|p| format!("{} ({})", p.id(), p.origin))
        .collect::<Vec<_>>()
        .join(", "),
    );
    line("review:", &review_line(&guide));
    let cache_line = match (engine.cache(), &engine.cache_warning) {
        (Some(cache), _) => match cache.stats() {
            Ok(stats) => format!("{} ({} entries)", cache.path().display(), stats.entries),
            Err(error) => error.to_string(),
        },
        (None, Some(warning)) => format!("unavailable: {warning}"),
        (None, None) => "off ([llm] cache = false)".to_owned(),
    };
    line("cache:", &cache_line);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let started = Instant::now();
    let verdict = runtime.block_on(probe(&engine));
    let elapsed = started.elapsed().as_millis();
    match verdict {
        Ok(how) => {
            line("answers:", &format!("yes: {how} ({elapsed} ms)"));
            Ok(Status::Clean)
        }
        Err(diagnosis) => {
            line("answers:", &format!("no: {diagnosis}"));
            Ok(Status::Findings)
        }
    }
}

/// What `copydesk review` would ask, and within what limits.
fn review_line(guide: &crate::guide::Guide) -> String {
    let review = &guide.config.review;
    if !review.is_enabled() {
        return "off ([review] enabled = false)".to_owned();
    }
    let questions = llm::review::questions(guide, &llm::review::ReviewOptions::default());
    let ids: Vec<&str> = questions.iter().map(|q| q.id.as_str()).collect();
    format!(
        "{} ({}); {} characters per request, {} per run",
        crate::output::plural(ids.len(), "question"),
        ids.join(", "),
        review.max_review_chars(),
        crate::output::plural(review.budget(), "request")
    )
}

/// Ask the server for its models; if it has no list (or does not list the
/// configured model), ask for a one-token completion.
async fn probe(engine: &Engine) -> Result<String, String> {
    let client = engine.client();
    let model = client.model().to_owned();
    let listed = match client.list_models().await {
        Ok(models) => Some(models),
        Err(LlmError::Rejected {
            status: 404 | 405, ..
        }) => None,
        Err(error) => return Err(error.to_string()),
    };
    if let Some(models) = &listed
        && models.iter().any(|id| {
            *id == model
                || id
                    .strip_prefix(model.as_str())
                    .is_some_and(|rest| rest.starts_with(':'))
        })
    {
        return Ok(format!("GET /models lists “{model}”"));
    }
    let reply = client
        .complete(&[Message::User("Reply with OK.".to_owned())], 1)
        .await;
    match (reply, &listed) {
        (Ok(_), None) => Ok(format!("a one-token completion from “{model}” worked")),
        (Ok(_), Some(models)) => Ok(format!(
            "a one-token completion worked, though GET /models lists only {}",
            list(models)
        )),
        (Err(LlmError::EmptyCompletion), _) => Ok(format!(
            "“{model}” answered a one-token completion (with no text)"
        )),
        (Err(LlmError::UnknownModel { .. }), Some(models)) if !models.is_empty() => Err(format!(
            "the server does not know the model “{model}”; it offers {}",
            list(models)
        )),
        (Err(error), _) => Err(error.to_string()),
    }
}

fn list(models: &[String]) -> String {
    const MAX: usize = 8;
    let mut shown: Vec<String> = models.iter().take(MAX).map(|m| format!("“{m}”")).collect();
    if models.len() > MAX {
        shown.push(format!("and {} more", models.len() - MAX));
    }
    shown.join(", ")
}
