//! Tighten and Bridge: model-backed edits, guarded and cached.
//!
//! This is the only module that knows HTTP. Everything else in copydesk works
//! offline; an [`Engine`] exists only when the guide has an `[llm]` section,
//! so without one no network call can happen.
//!
//! The public API is async and takes the document text and a byte offset or
//! range, so the language server and the CLI share it. Each call returns
//! guarded suggestions (replacement text, minimal word-level edits, a unified
//! diff and provenance) or a typed [`SuggestError`] saying why there is no
//! safe suggestion. Model output is never trusted: every candidate passes
//! [`guard`] before it is offered, and a rejected one is retried once with
//! the reason. Cancel a request by dropping its future (the language server
//! does when the user cancels or the document changes).

pub mod cache;
pub mod client;
pub mod guard;
pub mod meaning;
pub mod prompt;
pub mod review;
pub mod trust;
pub mod voice_guard;

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;
use tokio::sync::Semaphore;

pub use cache::{Cache, CacheError, CacheKey, CacheStats};
pub use client::{Completion, JsonSchema, LlmError, Message, ModelClient, RetryPolicy, TokenUsage};
pub use guard::Rejection;
pub use prompt::{PromptError, PromptKind, Prompts};

use crate::check::{CheckOptions, Checker};
use crate::diff::{unified_diff, word_edits_at};
use crate::document::{Block, BlockKind, Document, DocumentKind};
use crate::finding::quote;
use crate::fix::{Applicability, Edit, EditError, Fix, Provenance, apply_edits};
use crate::guide::{Guide, LlmConfig};
use crate::hash::stable_hash_hex;
use crate::project_files::Project;
use crate::voice::VoiceProfile;

/// How many transition options Bridge asks for.
pub const BRIDGE_OPTIONS: usize = 3;

/// Why a request produced no suggestion. Every variant prints as one line
/// for the writer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SuggestError {
    /// The input is not a draft (or not something copydesk edits): refused
    /// before any model call.
    #[error("{0}")]
    NotADraft(String),
    /// The model answered, twice, with nothing the guard lets through.
    #[error("no safe suggestion: {reason}")]
    NoSafeSuggestion { reason: String },
    /// Talking to the model failed.
    #[error(transparent)]
    Model(#[from] LlmError),
    #[error("{0}")]
    Prompt(String),
    /// The guide's model connection has no recorded consent (or the consent
    /// store could not be read): nothing was sent.
    #[error(transparent)]
    Trust(#[from] trust::TrustError),
}

/// Which model action made a suggestion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Tighten,
    Bridge,
}

/// What to tighten: byte offsets into the document text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TightenTarget {
    /// Exactly this range (trimmed of surrounding whitespace).
    Selection(Range<usize>),
    /// The sentence at this offset.
    Sentence(usize),
    /// The paragraph (or list item) at this offset.
    Paragraph(usize),
}

/// A document to suggest edits for.
#[derive(Debug, Clone, Copy)]
pub struct Draft<'a> {
    pub text: &'a str,
    pub kind: DocumentKind,
    /// Shown in diff headers.
    pub name: &'a str,
}

/// A guarded model suggestion against one version of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Suggestion {
    pub action: Action,
    /// Imperative: "Tighten with llama3.2", "Add transition “…”".
    pub title: String,
    /// The source range the suggestion rewrites (empty for an insertion).
    pub range: Range<usize>,
    pub original: String,
    pub replacement: String,
    /// Minimal word-level edits against the whole document text.
    pub edits: Vec<Edit>,
    /// The unified diff of the whole document.
    pub diff: String,
    pub provenance: Provenance,
    /// Served from the persistent cache, with no model call.
    pub cached: bool,
}

impl Suggestion {
    /// As a fix: model suggestions are display-only, never auto-applied.
    pub fn fix(&self) -> Fix {
        Fix {
            title: self.title.clone(),
            edits: self.edits.clone(),
            applicability: Applicability::DisplayOnly,
            provenance: self.provenance.clone(),
        }
    }

    pub fn apply(&self, text: &str) -> Result<String, EditError> {
        apply_edits(text, &self.edits)
    }
}

/// Choices of the caller, not the guide.
#[derive(Debug, Clone, Default)]
pub struct EngineOptions {
    /// The cache file; `None` uses the default folder (see
    /// [`cache::default_dir`]). `[llm] cache = false` turns it off anyway.
    pub cache_path: Option<PathBuf>,
    pub retry: RetryPolicy,
    /// The writer's own model settings (the editor's `llm`), layered under
    /// the guide's `[llm]` by [`LlmConfig::over_user`]. They need no consent.
    pub user_llm: Option<LlmConfig>,
    /// Whether the guide's own `[llm]` takes part (see [`GuideLlm`]).
    pub guide_llm: GuideLlm,
}

/// Whether an engine uses the guide's `[llm]` layer. The layers are
/// combined inside the engine; the guide itself is never copied or changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum GuideLlm {
    /// The guide's `[llm]` over the writer's own settings (the default).
    #[default]
    Use,
    /// Only the writer's own settings: the writer declined the guide's
    /// connection, so nothing from its `[llm]` is used and no consent is
    /// needed.
    Leave,
}

/// The configured model, its prompts, the guard's checker, and the cache.
pub struct Engine {
    guide: Arc<Guide>,
    /// The model settings in effect: the guide's `[llm]` (unless left out)
    /// over the writer's own.
    llm: LlmConfig,
    checker: Checker,
    client: ModelClient,
    prompts: Prompts,
    cache: Option<Cache>,
    /// Set when the cache could not be opened (suggestions still work).
    pub cache_warning: Option<String>,
    permits: Arc<Semaphore>,
    voice: String,
    /// The server refused `response_format` with a JSON schema once: review
    /// asks without it from then on.
    review_schema_refused: std::sync::atomic::AtomicBool,
    /// The consent this engine was made under (`None`: the connection is the
    /// writer's own).
    grant: Option<trust::Grant>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("client", &self.client)
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}

/// The guide's `[llm]`, if it has one with a model.
pub fn configured(guide: &Guide) -> Option<&LlmConfig> {
    guide.config.llm.as_ref()
}

impl Engine {
    /// An engine for the guide's `[llm]` (over `options.user_llm`), with the
    /// key from the process environment. Fails with [`LlmError::NotConfigured`]
    /// without a model, and with [`trust::TrustError::NotTrusted`] when the
    /// guide chooses the connection and the writer has not allowed exactly
    /// that connection for exactly that guide file: the one check every
    /// front end passes before any request (see [`trust`]).
    pub fn new(guide: Arc<Guide>, options: EngineOptions) -> Result<Engine, SuggestError> {
        Engine::with_env(guide, options, &|name| std::env::var(name).ok())
    }

    pub fn with_env(
        guide: Arc<Guide>,
        options: EngineOptions,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Engine, SuggestError> {
        let (guide_layer, grant) = match options.guide_llm {
            GuideLlm::Use => (guide.config.llm.clone(), trust::grant_for(&guide)),
            GuideLlm::Leave => (None, None),
        };
        let config =
            LlmConfig::over_user(guide_layer, options.user_llm).ok_or(LlmError::NotConfigured)?;
        trust::check(grant.as_ref())?;
        let config = &config;
        let client = ModelClient::with_policy(config, env, options.retry)?;
        let prompts_dir = config.prompts_dir.as_ref().map(|dir| match guide.root() {
            Some(root) if dir.is_relative() => root.join(dir),
            _ => dir.clone(),
        });
        let project = Project::for_guide(
            &guide
                .root()
                .unwrap_or(Path::new("."))
                .join(crate::guide::FILE_NAME),
        );
        let prompts = Prompts::load(prompts_dir.as_deref(), &project)
            .map_err(|error| SuggestError::Prompt(error.to_string()))?;
        let (cache, cache_warning) = if config.cache_enabled() {
            match options.cache_path.or_else(cache::default_path) {
                Some(path) => match Cache::open(&path) {
                    Ok(cache) => (Some(cache), None),
                    Err(error) => (None, Some(error.to_string())),
                },
                None => (None, Some(CacheError::NoFolder.to_string())),
            }
        } else {
            (None, None)
        };
        let permits = Arc::new(Semaphore::new(config.max_concurrency()));
        let checker = Checker::new(Arc::clone(&guide), CheckOptions::default());
        let voice = prompt::voice_section(&guide);
        Ok(Engine {
            llm: config.clone(),
            guide,
            checker,
            client,
            prompts,
            cache,
            cache_warning,
            permits,
            voice,
            review_schema_refused: std::sync::atomic::AtomicBool::new(false),
            grant,
        })
    }

    /// Whether the consent this engine was made under still holds (the
    /// writer may have run `copydesk untrust` since): a long-lived front end
    /// asks before reusing an engine.
    pub fn consent_holds(&self) -> bool {
        trust::check(self.grant.as_ref()).is_ok()
    }

    pub fn model(&self) -> &str {
        self.client.model()
    }

    pub fn guide(&self) -> &Arc<Guide> {
        &self.guide
    }

    /// The model settings this engine runs with (all layers combined).
    pub fn llm(&self) -> &LlmConfig {
        &self.llm
    }

    pub fn endpoint(&self) -> &str {
        self.client.endpoint()
    }

    pub fn client(&self) -> &ModelClient {
        &self.client
    }

    pub fn prompts(&self) -> &Prompts {
        &self.prompts
    }

    pub fn cache(&self) -> Option<&Cache> {
        self.cache.as_ref()
    }

    /// The messages Tighten sends for `original` with `context` around it.
    pub fn tighten_messages(&self, original: &str, unit: &str, context: &str) -> Vec<Message> {
        self.tighten_messages_in_voice(original, unit, context, None)
    }

    /// [`Engine::tighten_messages`] for a post with a voice profile in
    /// effect: the system message carries the profile's sentences closest
    /// to `original` ([`prompt::voice_examples`]).
    pub fn tighten_messages_in_voice(
        &self,
        original: &str,
        unit: &str,
        context: &str,
        voice: Option<&VoiceProfile>,
    ) -> Vec<Message> {
        let words = Document::parse(original, DocumentKind::PlainText).word_count();
        let target = ((words as f64) * (1.0 - guard::MIN_WORD_CUT)).floor() as usize;
        let context_block = if context.trim().is_empty() {
            String::new()
        } else {
            format!(
                "\nThe text around it, for context only (do not edit or repeat it):\n{context}\n"
            )
        };
        let system = format!("{}{}", self.voice, prompt::voice_examples(voice, original));
        vec![
            Message::System(self.prompts.system.render(&[("voice", &system)])),
            Message::User(self.prompts.tighten.render(&[
                ("text", original),
                ("unit", unit),
                ("target_words", &target.max(1).to_string()),
                ("context", &context_block),
            ])),
        ]
    }

    /// The messages Bridge sends for two paragraphs.
    pub fn bridge_messages(&self, first: &str, second: &str) -> Vec<Message> {
        self.bridge_messages_in_voice(first, second, None)
    }

    /// [`Engine::bridge_messages`] for a post with a voice profile in
    /// effect: the system message carries the profile's sentences closest
    /// to the two paragraphs.
    pub fn bridge_messages_in_voice(
        &self,
        first: &str,
        second: &str,
        voice: Option<&VoiceProfile>,
    ) -> Vec<Message> {
        let examples = prompt::voice_examples(voice, &format!("{first}\n\n{second}"));
        let system = format!("{}{examples}", self.voice);
        vec![
            Message::System(self.prompts.system.render(&[("voice", &system)])),
            Message::User(self.prompts.bridge.render(&[
                ("first", first),
                ("second", second),
                ("count", &BRIDGE_OPTIONS.to_string()),
            ])),
        ]
    }

    /// The voice profile in effect for `document` (its front matter's
    /// `voice_profile:`, else the guide's `[voice] profile`); none when the
    /// post turns it off or names one the guide does not load (`voice/drift`
    /// reports that).
    pub fn voice_for<'a>(&'a self, document: &Document) -> Option<&'a VoiceProfile> {
        let in_effect = self.guide.voices.for_document(document).ok().flatten()?;
        Some(&in_effect.loaded.profile)
    }

    /// Tighten a selection, sentence or paragraph.
    pub async fn tighten(
        &self,
        draft: Draft<'_>,
        target: TightenTarget,
    ) -> Result<Suggestion, SuggestError> {
        let document = Document::parse(draft.text, draft.kind);
        let resolved = prepare_tighten(&document, &target)?;
        let original = &draft.text[resolved.range.clone()];
        let context = context_around(&document, &resolved.range);
        let voice = self.voice_for(&document);
        let key = self.cache_key(&self.prompts.tighten, original, &context, voice);
        let check = |candidate: &str| {
            guard::check_tighten_in_voice(
                original,
                candidate,
                draft.kind,
                &self.checker,
                guard::Checks::All,
                voice,
            )
        };
        let accept = |candidate: String, cached: bool| {
            self.tighten_suggestion(draft, resolved.range.clone(), candidate, cached)
        };
        if let Some(candidate) = self.cached_answers(&key).and_then(|a| a.into_iter().next())
            && check(&candidate).is_ok()
        {
            return Ok(accept(candidate, true));
        }
        let mut messages = self.tighten_messages_in_voice(original, resolved.unit, &context, voice);
        let words = Document::parse(original, draft.kind).word_count();
        let max_tokens = (words * 2 + 48) as u32;
        let _permit = self.permits.acquire().await.map_err(|_| {
            SuggestError::Model(LlmError::Other("the engine is shutting down".to_owned()))
        })?;
        let mut last_rejection = Rejection::Empty;
        for _attempt in 0..2 {
            let completion = self.client.complete(&messages, max_tokens).await?;
            let (candidate, verdict) = tighten_candidate(&completion, &check);
            match verdict {
                Ok(()) => {
                    self.store(&key, std::slice::from_ref(&candidate));
                    return Ok(accept(candidate, false));
                }
                Err(rejection) => {
                    messages.push(Message::Assistant(completion.text));
                    messages.push(Message::User(retry_note(&rejection)));
                    last_rejection = rejection;
                }
            }
        }
        Err(SuggestError::NoSafeSuggestion {
            reason: last_rejection.to_string(),
        })
    }

    /// Suggest 1–3 transition sentences to open the paragraph at `offset`,
    /// joining it to the paragraph before.
    pub async fn bridge(
        &self,
        draft: Draft<'_>,
        offset: usize,
    ) -> Result<Vec<Suggestion>, SuggestError> {
        let document = Document::parse(draft.text, draft.kind);
        let (first_block, second_block) = resolve_bridge(&document, offset)?;
        let first_range = block_source_range(&document, first_block);
        let second_range = block_source_range(&document, second_block);
        let first = &draft.text[first_range];
        let second = &draft.text[second_range.clone()];
        let insert_at = second_range.start;
        let voice = self.voice_for(&document);
        let check = |option: &str| {
            guard::check_bridge_in_voice(
                first,
                second,
                option,
                draft.kind,
                &self.checker,
                guard::Checks::All,
                voice,
            )
        };
        let pair = format!("{first}\n\n{second}");
        let key = self.cache_key(&self.prompts.bridge, &pair, "", voice);
        if let Some(options) = self.cached_answers(&key) {
            let accepted: Vec<String> = options.into_iter().filter(|o| check(o).is_ok()).collect();
            if !accepted.is_empty() {
                return Ok(self.bridge_suggestions(draft, insert_at, accepted, true));
            }
        }
        let mut messages = self.bridge_messages_in_voice(first, second, voice);
        let max_tokens = 60 * BRIDGE_OPTIONS as u32 + 40;
        let _permit = self.permits.acquire().await.map_err(|_| {
            SuggestError::Model(LlmError::Other("the engine is shutting down".to_owned()))
        })?;
        let mut last_rejection = Rejection::NoOptions;
        for _attempt in 0..2 {
            let completion = self.client.complete(&messages, max_tokens).await?;
            let mut accepted = Vec::new();
            let mut first_rejection = None;
            for option in guard::bridge_options(&completion.text) {
                let option = as_sentence(&option);
                match check(&option) {
                    Ok(()) if accepted.len() < BRIDGE_OPTIONS => accepted.push(option),
                    Ok(()) => {}
                    Err(rejection) => {
                        first_rejection.get_or_insert(rejection);
                    }
                }
            }
            if !accepted.is_empty() {
                self.store(&key, &accepted);
                return Ok(self.bridge_suggestions(draft, insert_at, accepted, false));
            }
            let rejection = first_rejection.unwrap_or(Rejection::NoOptions);
            messages.push(Message::Assistant(completion.text));
            messages.push(Message::User(retry_note(&rejection)));
            last_rejection = rejection;
        }
        Err(SuggestError::NoSafeSuggestion {
            reason: last_rejection.to_string(),
        })
    }

    fn tighten_suggestion(
        &self,
        draft: Draft<'_>,
        range: Range<usize>,
        replacement: String,
        cached: bool,
    ) -> Suggestion {
        let original = draft.text[range.clone()].to_owned();
        let edits: Vec<Edit> = word_edits_at(range.start, &original, &replacement);
        let new_text = apply_edits(draft.text, &edits).unwrap_or_else(|_| {
            let mut text = draft.text.to_owned();
            text.replace_range(range.clone(), &replacement);
            text
        });
        Suggestion {
            action: Action::Tighten,
            title: format!("Tighten with {}", self.model()),
            range,
            original,
            replacement,
            edits,
            diff: unified_diff(draft.text, &new_text, draft.name),
            provenance: Provenance::Model {
                model: self.model().to_owned(),
                prompt: self.prompts.tighten.id(),
            },
            cached,
        }
    }

    fn bridge_suggestions(
        &self,
        draft: Draft<'_>,
        at: usize,
        options: Vec<String>,
        cached: bool,
    ) -> Vec<Suggestion> {
        options
            .into_iter()
            .map(|option| {
                let insertion = format!("{option} ");
                let edits = vec![Edit::insert(at, insertion.clone())];
                let new_text = apply_edits(draft.text, &edits).unwrap_or_default();
                Suggestion {
                    action: Action::Bridge,
                    title: format!("Add transition {}", quote(&option)),
                    range: at..at,
                    original: String::new(),
                    replacement: insertion,
                    edits,
                    diff: unified_diff(draft.text, &new_text, draft.name),
                    provenance: Provenance::Model {
                        model: self.model().to_owned(),
                        prompt: self.prompts.bridge.id(),
                    },
                    cached,
                }
            })
            .collect()
    }

    /// The cache key of a Tighten or Bridge request. The voice profile in
    /// effect for the post (its name and a hash of its contents) is part of
    /// the prompt's identity: the prompt carries its sentences and the guard
    /// holds answers to it, so another profile (picked in front matter, or
    /// the file edited) misses the cache.
    fn cache_key(
        &self,
        template: &prompt::PromptTemplate,
        text: &str,
        context: &str,
        voice: Option<&VoiceProfile>,
    ) -> CacheKey {
        let voice_id = voice.map_or(String::new(), |profile| {
            format!(
                "+voice:{}#{}",
                profile.name,
                stable_hash_hex(&[profile.to_toml().as_bytes()])
            )
        });
        CacheKey {
            base_url: self.endpoint().to_owned(),
            model: self.model().to_owned(),
            prompt: format!(
                "{}+{}{voice_id}",
                template.cache_id(),
                self.prompts.system.cache_id()
            ),
            guide_hash: self.guide.hash.clone(),
            text: text.to_owned(),
            context: stable_hash_hex(&[context.as_bytes()]),
        }
    }

    fn cached_answers(&self, key: &CacheKey) -> Option<Vec<String>> {
        let answer = self.cache.as_ref()?.get(key).ok()??;
        serde_json::from_str(&answer).ok()
    }

    /// Store accepted answers; a cache that cannot be written only costs a
    /// model call next time.
    fn store(&self, key: &CacheKey, answers: &[String]) {
        if let (Some(cache), Ok(json)) = (&self.cache, serde_json::to_string(answers)) {
            let _ = cache.put(key, &json);
        }
    }
}

/// The candidate in a Tighten answer, and the guard's verdict. An answer
/// cut off at the token limit is usable only up to its last complete
/// paragraph (small models often add commentary after the rewrite).
pub fn tighten_candidate(
    completion: &Completion,
    check: &dyn Fn(&str) -> Result<(), Rejection>,
) -> (String, Result<(), Rejection>) {
    let candidate = guard::clean_candidate(&completion.text);
    if !completion.truncated {
        let verdict = check(&candidate);
        return (candidate, verdict);
    }
    let complete = completion
        .text
        .trim()
        .rsplit_once("\n\n")
        .map(|(before, _)| guard::clean_candidate(before));
    match complete {
        Some(before) if !before.is_empty() => {
            let verdict = check(&before);
            (before, verdict)
        }
        _ => (candidate, Err(Rejection::Truncated)),
    }
}

/// What the model is told when its answer was rejected.
pub fn retry_note(rejection: &Rejection) -> String {
    format!(
        "That answer cannot be used: {rejection}. Try again, following every instruction. Answer with the text only."
    )
}

/// A Bridge option as a sentence that can open a paragraph.
pub fn as_sentence(option: &str) -> String {
    let trimmed = option
        .trim()
        .trim_end_matches([',', ';', ':', '-', '—'])
        .trim_end();
    if trimmed.ends_with(['.', '!', '?', '…']) {
        trimmed.to_owned()
    } else {
        format!("{trimmed}.")
    }
}

struct ResolvedTighten {
    range: Range<usize>,
    unit: &'static str,
    whole_paragraph: bool,
}

fn block_at(document: &Document, offset: usize) -> Option<usize> {
    document.blocks.iter().position(|block| {
        let span = block_source_range(document, block);
        span.start <= offset && offset <= span.end
    })
}

fn resolve_tighten(
    document: &Document,
    target: &TightenTarget,
) -> Result<ResolvedTighten, SuggestError> {
    let text = document.text();
    let not_found = || SuggestError::NotADraft("there is no prose to tighten here".to_owned());
    match target {
        TightenTarget::Selection(range) => {
            if range.start > range.end
                || range.end > text.len()
                || !text.is_char_boundary(range.start)
                || !text.is_char_boundary(range.end)
            {
                return Err(SuggestError::NotADraft(
                    "the selection is outside the document".to_owned(),
                ));
            }
            let slice = &text[range.clone()];
            let start = range.start + (slice.len() - slice.trim_start().len());
            let end = range.start + slice.trim_end().len();
            Ok(ResolvedTighten {
                range: start..end.max(start),
                unit: "selection",
                whole_paragraph: false,
            })
        }
        TightenTarget::Paragraph(offset) => {
            let index = block_at(document, *offset).ok_or_else(not_found)?;
            let block = &document.blocks[index];
            refuse_block_kind(block)?;
            Ok(ResolvedTighten {
                range: block_source_range(document, block),
                unit: if block.kind == BlockKind::ListItem {
                    "list item"
                } else {
                    "paragraph"
                },
                whole_paragraph: true,
            })
        }
        TightenTarget::Sentence(offset) => {
            let index = block_at(document, *offset).ok_or_else(not_found)?;
            let block = &document.blocks[index];
            refuse_block_kind(block)?;
            for sentence in &block.sentences {
                let source = block.source_range(sentence.clone());
                if source.start <= *offset && *offset <= source.end {
                    // A sentence whose source holds markup (a link, emphasis
                    // across it) is tightened with its whole paragraph, so
                    // the rewrite cannot cut the markup in half.
                    if let Some(clean) = block.prose.clean_source_range(sentence.clone(), text) {
                        return Ok(ResolvedTighten {
                            range: clean,
                            unit: "sentence",
                            whole_paragraph: false,
                        });
                    }
                    break;
                }
            }
            Ok(ResolvedTighten {
                range: block_source_range(document, block),
                unit: "paragraph",
                whole_paragraph: false,
            })
        }
    }
}

/// The source range Tighten rewrites for `target`, or why it refuses:
/// everything [`Engine::tighten`] checks before it calls the model. Pure and
/// cheap, so an editor can list only the actions that can succeed.
pub fn tighten_range(
    document: &Document,
    target: &TightenTarget,
) -> Result<Range<usize>, SuggestError> {
    prepare_tighten(document, target).map(|resolved| resolved.range)
}

fn prepare_tighten(
    document: &Document,
    target: &TightenTarget,
) -> Result<ResolvedTighten, SuggestError> {
    let resolved = resolve_tighten(document, target)?;
    let original = &document.text()[resolved.range.clone()];
    if original.contains("```") || original.contains("~~~") {
        return Err(SuggestError::NotADraft(
            "the selection includes a code block; copydesk tightens prose only".to_owned(),
        ));
    }
    if let Some(reason) = guard::refuse_tighten(original, document.kind(), resolved.whole_paragraph)
    {
        return Err(SuggestError::NotADraft(reason));
    }
    Ok(resolved)
}

/// Where Bridge inserts a transition for the paragraph at (or after)
/// `offset`, or why it refuses: what [`Engine::bridge`] checks before it
/// calls the model.
pub fn bridge_insertion(document: &Document, offset: usize) -> Result<usize, SuggestError> {
    let (_, second) = resolve_bridge(document, offset)?;
    Ok(block_source_range(document, second).start)
}

fn refuse_block_kind(block: &Block) -> Result<(), SuggestError> {
    match block.kind {
        BlockKind::Heading(_) => Err(SuggestError::NotADraft(
            "headings are not tightened; select a paragraph".to_owned(),
        )),
        BlockKind::TableCell => Err(SuggestError::NotADraft(
            "table cells are not tightened; select a paragraph".to_owned(),
        )),
        BlockKind::Paragraph | BlockKind::ListItem => Ok(()),
    }
}

fn resolve_bridge(document: &Document, offset: usize) -> Result<(&Block, &Block), SuggestError> {
    let refuse = |message: &str| Err(SuggestError::NotADraft(message.to_owned()));
    let Some(index) = block_at(document, offset).or_else(|| {
        document
            .blocks
            .iter()
            .position(|block| block_source_range(document, block).start >= offset)
    }) else {
        return refuse("there is no paragraph here to open with a transition");
    };
    let second = &document.blocks[index];
    if index == 0 {
        return refuse("a transition joins two paragraphs; this is the first one");
    }
    let first = &document.blocks[index - 1];
    if first.is_heading() {
        return refuse("a heading already separates these paragraphs; no transition is needed");
    }
    if first.kind != BlockKind::Paragraph || second.kind != BlockKind::Paragraph {
        return refuse("a transition joins two paragraphs of prose");
    }
    for block in [first, second] {
        if block.words.len() < 4 || block.sentences.is_empty() {
            return refuse(
                "both paragraphs need a full sentence: copydesk edits drafts, it does not write them",
            );
        }
        let source = &document.text()[block_source_range(document, block)];
        if let Some(request) = guard::asks_for_writing(source) {
            return Err(SuggestError::NotADraft(format!(
                "copydesk edits drafts you wrote; it does not write them: {} reads as a request for writing, not a draft",
                quote(&request)
            )));
        }
    }
    Ok((first, second))
}

/// A block's whole source range: from the first character after its line's
/// indentation, quote and list markers, to the end of its last line, so a
/// rewrite replaces markup around the prose too (never half of it).
fn block_source_range(document: &Document, block: &Block) -> Range<usize> {
    let text = document.text();
    let span = block.span();
    if span.is_empty() || block.kind == BlockKind::TableCell {
        return span;
    }
    let index = &document.line_index;
    let first_line = index.line_of(span.start);
    let last_line = index.line_of(span.end.saturating_sub(1).max(span.start));
    let line_start = index.line_start(first_line);
    let end = index.line_content_end(text, last_line).max(span.end);
    let prefix = &text[line_start..span.start];
    let mut start = line_start + leading_markers(prefix, block.kind);
    if start > span.start {
        start = span.start;
    }
    let end = text[..end].trim_end().len().max(span.end);
    start..end
}

/// Bytes of `prefix` that are indentation, block-quote markers and (for a
/// list item) the list marker: what a rewrite must not replace.
fn leading_markers(prefix: &str, kind: BlockKind) -> usize {
    let mut position = 0;
    let bytes = prefix.as_bytes();
    loop {
        while position < bytes.len() && matches!(bytes[position], b' ' | b'\t' | b'>') {
            position += 1;
        }
        if kind != BlockKind::ListItem {
            return position;
        }
        let rest = &prefix[position..];
        let marker = if rest.starts_with("- ") || rest.starts_with("* ") || rest.starts_with("+ ") {
            2
        } else {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 && (rest[digits..].starts_with(". ") || rest[digits..].starts_with(") "))
            {
                digits + 2
            } else if rest.starts_with("[ ] ")
                || rest.starts_with("[x] ")
                || rest.starts_with("[X] ")
            {
                4
            } else {
                0
            }
        };
        if marker == 0 {
            return position;
        }
        position += marker;
    }
}

/// The paragraphs before and after `range`, for the model's context: at
/// most one each way, shortened.
fn context_around(document: &Document, range: &Range<usize>) -> String {
    const MAX_CHARS: usize = 600;
    let before = document
        .blocks
        .iter()
        .rev()
        .find(|block| block.span().end <= range.start && !block.prose.text.trim().is_empty());
    let after = document
        .blocks
        .iter()
        .find(|block| block.span().start >= range.end && !block.prose.text.trim().is_empty());
    let shorten = |text: &str| -> String {
        if text.chars().count() <= MAX_CHARS {
            text.to_owned()
        } else {
            let cut: String = text.chars().take(MAX_CHARS).collect();
            format!("{cut}…")
        }
    };
    let mut parts = Vec::new();
    if let Some(block) = before {
        parts.push(format!("Before: {}", shorten(&block.prose.text)));
    }
    if let Some(block) = after {
        parts.push(format!("After: {}", shorten(&block.prose.text)));
    }
    parts.join("\n")
}

#[cfg(test)]
mod tests;
