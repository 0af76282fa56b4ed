//! Model review: questions a word list cannot answer (does this sound like
//! us, could it harm someone's reputation, is this superlative puffery),
//! asked of the configured model and reported as ordinary findings anchored
//! to the words that triggered them.
//!
//! The unit of review is a block of prose (paragraph, list item, heading of
//! three words or more). Each block is sent as its prose, with inline code,
//! links and emails written out, and answered per block: the persistent
//! cache keys on (endpoint, model, prompt version, guide hash, the questions
//! asked, the block's text), so reviewing a long post again after editing
//! one paragraph sends one paragraph. Blocks not in the cache are batched up
//! to `[review] max_review_chars` per request; a run's requests are capped by
//! a shared [`Budget`].
//!
//! Answers are JSON (`response_format` with a JSON schema where the server
//! takes it; servers that refuse it are asked again without, and answers that
//! ignore it are read tolerantly, see [`answer`]). Each finding's quote is
//! located in the block the model names, else in the others, by
//! [`anchor::locate`]; a quote found nowhere is dropped and counted, never
//! shown at a guessed position. Suggested rewrites pass
//! [`guard::check_rewrite`](super::guard::check_rewrite) and become
//! display-only fixes.
//!
//! Findings have rule ids `review/<question>` and a severity from `[rules]`
//! (the id or the `review` category), else the question's, else
//! `[review] severity`, else info; they go through the checker's
//! suppressions like any rule.

pub mod anchor;
pub mod answer;

use std::ops::Range;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::StreamExt;
use serde::Serialize;
use serde_json::json;

pub use answer::RawFinding;

use super::{CacheKey, Draft, Engine, JsonSchema, LlmError, Message, guard};
use crate::diff::word_edits_at;
use crate::document::directives::rule_matches;
use crate::document::prose::PLACEHOLDER;
use crate::document::{Block, BlockKind, Document};
use crate::finding::{Finding, quote};
use crate::fix::{Applicability, Edit, Fix, Provenance};
use crate::guide::{Confidence, Guide, ReviewQuestion};
use crate::hash::stable_hash_hex;

/// The rule id prefix of every review finding.
pub const RULE_PREFIX: &str = "review/";

/// Blocks with fewer words are not reviewed (a one-word heading says too
/// little to judge).
pub const MIN_WORDS: usize = 3;

/// Tokens a request may generate: a base plus this much per paragraph.
const ANSWER_TOKENS_BASE: u32 = 200;
const ANSWER_TOKENS_PER_PARAGRAPH: u32 = 150;
const ANSWER_TOKENS_MAX: u32 = 2000;

/// Choices of the caller, not the guide.
#[derive(Debug, Clone, Default)]
pub struct ReviewOptions {
    /// Show findings below the guide's `min_confidence` (`--review-all`).
    pub show_all: bool,
    /// Rule selectors, as `check --select`: empty asks every question.
    pub select: Vec<String>,
    /// Rule selectors never asked, as `check --ignore`.
    pub ignore: Vec<String>,
}

/// Model requests a run may still make, shared by every document of the
/// run (and every task reviewing one).
#[derive(Debug)]
pub struct Budget {
    left: AtomicUsize,
}

impl Budget {
    pub fn new(requests: usize) -> Budget {
        Budget {
            left: AtomicUsize::new(requests),
        }
    }

    /// Take one request, if any is left.
    pub fn take(&self) -> bool {
        self.left
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |left| {
                left.checked_sub(1)
            })
            .is_ok()
    }

    pub fn left(&self) -> usize {
        self.left.load(Ordering::SeqCst)
    }
}

/// What a review cost and what it could not use. Added up over a run for
/// the summary line.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReviewStats {
    /// Blocks reviewed, from the model or the cache.
    pub paragraphs: usize,
    /// Blocks answered from the cache, with no request.
    pub cache_hits: usize,
    /// Model requests made (a retry is a request).
    pub requests: usize,
    /// Requests whose answer reported token usage, and the tokens.
    pub requests_with_usage: usize,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// Findings whose quote is not in the text: dropped.
    pub unlocated: usize,
    /// Findings below the minimum confidence: hidden (`--review-all`).
    pub hidden_low_confidence: usize,
    /// Items of an answer with no quote or an unknown question: dropped.
    pub invalid: usize,
    /// Answers with no readable JSON, after the one retry.
    pub unreadable_answers: usize,
    /// Suggested rewrites the guard refused (the finding stays, without it).
    pub rewrites_refused: usize,
    /// Blocks not reviewed: the budget ran out.
    pub over_budget: usize,
    /// Blocks not reviewed: the request failed or the answer was unreadable.
    pub failed: usize,
}

impl ReviewStats {
    pub fn add(&mut self, other: &ReviewStats) {
        self.paragraphs += other.paragraphs;
        self.cache_hits += other.cache_hits;
        self.requests += other.requests;
        self.requests_with_usage += other.requests_with_usage;
        self.prompt_tokens += other.prompt_tokens;
        self.completion_tokens += other.completion_tokens;
        self.unlocated += other.unlocated;
        self.hidden_low_confidence += other.hidden_low_confidence;
        self.invalid += other.invalid;
        self.unreadable_answers += other.unreadable_answers;
        self.rewrites_refused += other.rewrites_refused;
        self.over_budget += other.over_budget;
        self.failed += other.failed;
    }
}

/// One reviewed block and its findings (spans in the reviewed text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewedParagraph {
    /// The block's source range in the reviewed text.
    pub range: Range<usize>,
    pub findings: Vec<Finding>,
}

/// The outcome of reviewing one document.
#[derive(Debug, Clone, Default)]
pub struct Review {
    /// Every reviewed block, findings or not, in document order.
    pub paragraphs: Vec<ReviewedParagraph>,
    pub stats: ReviewStats,
    /// The first request error, if any request failed (the blocks it
    /// carried are counted in `stats.failed`).
    pub error: Option<LlmError>,
}

impl Review {
    /// Every finding, in document order.
    pub fn findings(&self) -> Vec<Finding> {
        self.paragraphs
            .iter()
            .flat_map(|p| p.findings.iter().cloned())
            .collect()
    }
}

/// A block as the model sees it, and the way back to the document.
#[derive(Debug, Clone)]
struct Unit {
    block: usize,
    /// The prose with placeholders written out.
    text: String,
    /// (range in `text`, range in the block's prose) of each written-out
    /// placeholder, in order.
    expansions: Vec<(Range<usize>, Range<usize>)>,
}

impl Unit {
    fn new(document: &Document, index: usize) -> Unit {
        let block = &document.blocks[index];
        let prose = &block.prose.text;
        let mut text = String::with_capacity(prose.len() + 32);
        let mut expansions = Vec::new();
        let mut copied = 0;
        let mut atoms: Vec<_> = block
            .atoms
            .iter()
            .filter(|atom| {
                prose
                    .get(atom.prose.clone())
                    .is_some_and(|p| p.chars().eq([PLACEHOLDER]))
            })
            .collect();
        atoms.sort_by_key(|atom| atom.prose.start);
        for atom in atoms {
            if atom.prose.start < copied {
                continue;
            }
            text.push_str(&prose[copied..atom.prose.start]);
            let written = document
                .text()
                .get(atom.span.clone())
                .unwrap_or("")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            let start = text.len();
            text.push_str(&written);
            expansions.push((start..text.len(), atom.prose.clone()));
            copied = atom.prose.end;
        }
        text.push_str(&prose[copied..]);
        Unit {
            block: index,
            text,
            expansions,
        }
    }

    /// The prose range of a range of `text`; a bound inside a written-out
    /// placeholder takes in the whole placeholder.
    fn prose_range(&self, range: Range<usize>) -> Range<usize> {
        let start = self.prose_offset(range.start, false);
        let end = self.prose_offset(range.end, true).max(start);
        start..end
    }

    fn prose_offset(&self, offset: usize, is_end: bool) -> usize {
        let mut delta: isize = 0;
        for (written, prose) in &self.expansions {
            if offset <= written.start {
                break;
            }
            if offset < written.end {
                return if is_end { prose.end } else { prose.start };
            }
            delta += prose.len() as isize - written.len() as isize;
        }
        offset.saturating_add_signed(delta)
    }
}

/// The blocks a review reads.
fn units(document: &Document) -> Vec<Unit> {
    document
        .blocks
        .iter()
        .enumerate()
        .filter(|(_, block)| is_reviewed(block))
        .map(|(index, _)| Unit::new(document, index))
        .collect()
}

fn is_reviewed(block: &Block) -> bool {
    matches!(
        block.kind,
        BlockKind::Paragraph | BlockKind::ListItem | BlockKind::Heading(_)
    ) && block.words.len() >= MIN_WORDS
}

/// The questions asked: the guide's, minus those `[rules]` turns off or the
/// options deselect. The voice question needs a voice to compare with.
pub fn questions(guide: &Guide, options: &ReviewOptions) -> Vec<ReviewQuestion> {
    let has_voice = guide
        .config
        .voice
        .description
        .as_deref()
        .is_some_and(|d| !d.trim().is_empty())
        || !guide.config.voice.examples.is_empty();
    guide
        .config
        .review
        .effective_questions()
        .into_iter()
        .filter(|question| {
            let rule = format!("{RULE_PREFIX}{}", question.id);
            let off = guide.rule_level(&rule) == Some(None);
            let selected =
                options.select.is_empty() || options.select.iter().any(|s| rule_matches(s, &rule));
            let ignored = options.ignore.iter().any(|s| rule_matches(s, &rule));
            (question.id != "voice" || has_voice) && !off && selected && !ignored
        })
        .collect()
}

/// The guide's voice for the review prompt: its description and examples.
fn voice_section(guide: &Guide) -> String {
    let voice = &guide.config.voice;
    let mut lines = Vec::new();
    if let Some(description) = voice.description.as_deref().map(str::trim)
        && !description.is_empty()
    {
        lines.push(format!("The brand voice: {description}"));
    }
    for example in &voice.examples {
        let why = example
            .why
            .as_deref()
            .map(|why| format!(" ({})", why.trim()))
            .unwrap_or_default();
        if let Some(good) = &example.good {
            lines.push(format!("In the voice: “{}”", good.trim()));
        }
        if let Some(bad) = &example.bad {
            lines.push(format!("Not in the voice: “{}”{why}", bad.trim()));
        } else if !why.is_empty() {
            lines.push(format!("  Why:{why}"));
        }
    }
    if lines.is_empty() {
        String::new()
    } else {
        format!("\n{}", lines.join("\n"))
    }
}

/// The JSON schema of an answer, with the asked question ids.
pub fn answer_schema(questions: &[ReviewQuestion]) -> JsonSchema {
    let ids: Vec<&str> = questions.iter().map(|q| q.id.as_str()).collect();
    JsonSchema {
        name: "copydesk_review".to_owned(),
        schema: json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["findings"],
            "properties": {
                "findings": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["question", "paragraph", "quote", "reason", "confidence", "rewrite"],
                        "properties": {
                            "question": {"type": "string", "enum": ids},
                            "paragraph": {"type": "integer"},
                            "quote": {"type": "string"},
                            "reason": {"type": "string"},
                            "confidence": {"type": "string", "enum": ["low", "medium", "high"]},
                            "rewrite": {"type": ["string", "null"]}
                        }
                    }
                }
            }
        }),
    }
}

/// Consecutive units, each batch at most `max_chars` of text (a longer
/// unit goes alone).
fn batches(units: &[usize], texts: &[Unit], max_chars: usize) -> Vec<Vec<usize>> {
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut size = 0;
    for &unit in units {
        let len = texts[unit].text.chars().count();
        match out.last_mut() {
            Some(batch) if size + len <= max_chars => {
                batch.push(unit);
                size += len;
            }
            _ => {
                out.push(vec![unit]);
                size = len;
            }
        }
    }
    out
}

/// What one batch request came back with.
struct BatchResult {
    /// Blocks in the batch.
    size: usize,
    /// Per unit of the batch: its findings, when the answer was usable.
    answers: Vec<(usize, Vec<RawFinding>)>,
    stats: ReviewStats,
    error: Option<LlmError>,
}

/// What the model is told when its answer could not be read.
const UNREADABLE_NOTE: &str = "That answer cannot be used: it is not JSON in the shape asked for. Answer again with JSON only, like {\"findings\": []}.";

impl Engine {
    /// The messages a review request sends for these block texts.
    pub fn review_messages(
        &self,
        questions: &[ReviewQuestion],
        paragraphs: &[&str],
    ) -> Vec<Message> {
        let question_lines: Vec<String> = questions
            .iter()
            .map(|q| format!("- {}: {}", q.id, q.ask.trim()))
            .collect();
        let numbered: Vec<String> = paragraphs
            .iter()
            .enumerate()
            .map(|(index, text)| format!("[{}] {text}", index + 1))
            .collect();
        vec![Message::User(self.prompts.review.render(&[
            ("voice", &voice_section(&self.guide)),
            ("questions", &question_lines.join("\n")),
            ("paragraphs", &numbered.join("\n")),
        ]))]
    }

    /// Review a draft: ask the guide's questions about every block, from
    /// the cache where it can, within `budget`. Request errors do not fail
    /// the review: what was answered is returned, with the first error.
    pub async fn review(
        &self,
        draft: Draft<'_>,
        options: &ReviewOptions,
        budget: &Budget,
    ) -> Review {
        self.review_with_progress(draft, options, budget, &|_, _| {})
            .await
    }

    /// [`review`](Self::review), calling `progress(done, total)` with the
    /// blocks answered so far (cache hits first, then as each request
    /// returns) out of the blocks to review.
    pub async fn review_with_progress(
        &self,
        draft: Draft<'_>,
        options: &ReviewOptions,
        budget: &Budget,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Review {
        let document = Document::parse(draft.text, draft.kind);
        let mut review = Review::default();
        let questions = questions(&self.guide, options);
        if questions.is_empty() {
            return review;
        }
        let units = units(&document);
        let asked = stable_hash_hex(
            &questions
                .iter()
                .map(|q| q.id.as_bytes())
                .collect::<Vec<_>>(),
        );
        let keys: Vec<CacheKey> = units
            .iter()
            .map(|unit| CacheKey {
                base_url: self.endpoint().to_owned(),
                model: self.model().to_owned(),
                prompt: self.prompts.review.cache_id(),
                guide_hash: self.guide.hash.clone(),
                text: unit.text.clone(),
                context: asked.clone(),
            })
            .collect();
        let mut answers: Vec<Option<Vec<RawFinding>>> = keys
            .iter()
            .map(|key| {
                let stored = self.cache.as_ref()?.get(key).ok()??;
                serde_json::from_str(&stored).ok()
            })
            .collect();
        review.stats.cache_hits = answers.iter().filter(|a| a.is_some()).count();
        let misses: Vec<usize> = (0..units.len()).filter(|&i| answers[i].is_none()).collect();
        let max_chars = self.guide.config.review.max_review_chars();
        let schema = answer_schema(&questions);
        let mut done = review.stats.cache_hits;
        progress(done, units.len());
        let mut results = futures_util::stream::iter(batches(&misses, &units, max_chars))
            .map(|batch| self.review_batch(batch, &units, &questions, &schema, budget))
            .buffer_unordered(self.llm.max_concurrency());
        while let Some(result) = results.next().await {
            done += result.size;
            progress(done, units.len());
            review.stats.add(&result.stats);
            if review.error.is_none() {
                review.error = result.error;
            }
            for (unit, findings) in result.answers {
                if let (Some(cache), Ok(json)) = (&self.cache, serde_json::to_string(&findings)) {
                    // A cache that cannot be written costs a request next time.
                    let _ = cache.put(&keys[unit], &json);
                }
                answers[unit] = Some(findings);
            }
        }
        let min_confidence = if options.show_all {
            Confidence::Low
        } else {
            self.guide.config.review.min_confidence()
        };
        let mut findings: Vec<(Finding, Confidence)> = Vec::new();
        let mut reviewed_ranges = Vec::new();
        for (unit, answer) in units.iter().zip(answers) {
            let Some(raw) = answer else {
                continue;
            };
            review.stats.paragraphs += 1;
            let block = &document.blocks[unit.block];
            reviewed_ranges.push(block.span());
            for item in raw {
                let Some(question) = questions.iter().find(|q| q.id == item.question) else {
                    continue; // asked before, under other options
                };
                let confidence = item.confidence.unwrap_or(Confidence::Medium);
                if confidence < min_confidence {
                    review.stats.hidden_low_confidence += 1;
                    continue;
                }
                match self.review_finding(&document, unit, question, &item, confidence) {
                    Some((finding, refused)) => {
                        review.stats.rewrites_refused += usize::from(refused);
                        findings.push((finding, confidence));
                    }
                    None => review.stats.unlocated += 1,
                }
            }
        }
        let findings = self.checker.finish(&document, keep_strongest(findings));
        review.paragraphs = reviewed_ranges
            .into_iter()
            .map(|range| ReviewedParagraph {
                findings: findings
                    .iter()
                    .filter(|f| range.start <= f.span.start && f.span.end <= range.end)
                    .cloned()
                    .collect(),
                range,
            })
            .collect();
        review
    }

    /// Ask about one batch of units; read and split the answer per unit.
    async fn review_batch(
        &self,
        batch: Vec<usize>,
        units: &[Unit],
        questions: &[ReviewQuestion],
        schema: &JsonSchema,
        budget: &Budget,
    ) -> BatchResult {
        let mut result = BatchResult {
            size: batch.len(),
            answers: Vec::new(),
            stats: ReviewStats::default(),
            error: None,
        };
        let texts: Vec<&str> = batch.iter().map(|&u| units[u].text.as_str()).collect();
        let mut messages = self.review_messages(questions, &texts);
        let max_tokens = (ANSWER_TOKENS_BASE + ANSWER_TOKENS_PER_PARAGRAPH * batch.len() as u32)
            .min(ANSWER_TOKENS_MAX);
        let _permit = match self.permits.acquire().await {
            Ok(permit) => permit,
            Err(_) => {
                result.error = Some(LlmError::Other("the engine is shutting down".to_owned()));
                result.stats.failed += batch.len();
                return result;
            }
        };
        for attempt in 0..2 {
            let Some(completion) = self
                .review_request(&messages, max_tokens, schema, budget, &mut result)
                .await
            else {
                if result.error.is_none() {
                    result.stats.over_budget += batch.len();
                } else {
                    result.stats.failed += batch.len();
                }
                return result;
            };
            match answer::parse(&completion.text, questions) {
                Ok(answer) => {
                    result.stats.invalid += answer.invalid;
                    result.answers = assign(answer.findings, &batch, units, &mut result.stats);
                    return result;
                }
                Err(_) if attempt == 0 => {
                    messages.push(Message::Assistant(completion.text));
                    messages.push(Message::User(UNREADABLE_NOTE.to_owned()));
                }
                Err(_) => {}
            }
        }
        result.stats.unreadable_answers += 1;
        result.stats.failed += batch.len();
        result
    }

    /// One model call within the budget, with the schema unless the server
    /// has refused it; a server that refuses it is asked again without.
    /// `None` when the budget is spent or the request failed (the error is
    /// in `result`).
    async fn review_request(
        &self,
        messages: &[Message],
        max_tokens: u32,
        schema: &JsonSchema,
        budget: &Budget,
        result: &mut BatchResult,
    ) -> Option<super::Completion> {
        loop {
            if !budget.take() {
                return None;
            }
            result.stats.requests += 1;
            let with_schema = !self.review_schema_refused.load(Ordering::Relaxed);
            let answer = self
                .client
                .complete_with(messages, max_tokens, with_schema.then_some(schema))
                .await;
            match answer {
                Ok(completion) => {
                    if let Some(usage) = completion.usage {
                        result.stats.requests_with_usage += 1;
                        result.stats.prompt_tokens += usage.prompt;
                        result.stats.completion_tokens += usage.completion;
                    }
                    return Some(completion);
                }
                Err(error) if with_schema && refuses_schema(&error) => {
                    self.review_schema_refused.store(true, Ordering::Relaxed);
                }
                Err(error) => {
                    result.error = Some(error);
                    return None;
                }
            }
        }
    }

    /// A raw finding as a finding of the document, if its quote is in the
    /// unit's text; with whether a suggested rewrite was refused.
    fn review_finding(
        &self,
        document: &Document,
        unit: &Unit,
        question: &ReviewQuestion,
        item: &RawFinding,
        confidence: Confidence,
    ) -> Option<(Finding, bool)> {
        let block = &document.blocks[unit.block];
        let anchored = anchor::locate(&unit.text, &item.quote)?;
        let prose = unit.prose_range(anchored.range);
        if prose.is_empty() {
            return None;
        }
        let span = block.source_range(prose.clone());
        let text = document.text();
        let flagged = text.get(span.clone())?;
        let rule = format!("{RULE_PREFIX}{}", question.id);
        let severity = self
            .guide
            .rule_level(&rule)
            .flatten()
            .unwrap_or_else(|| self.guide.config.review.severity_of(question));
        let title = question.title.as_deref().unwrap_or(&question.id);
        let reason = one_sentence(&item.reason);
        let message = if reason.is_empty() {
            format!("{title} {}", quote(flagged))
        } else {
            format!("{title} {}: {reason}", quote(flagged))
        };
        let mut finding =
            Finding::new(&rule, span.clone(), severity, message).with_note(Some(format!(
                "{} ({} confidence, {}): a model's opinion, not a rule",
                self.model(),
                confidence.as_str(),
                self.prompts.review.id()
            )));
        let mut refused = false;
        if let Some(rewrite) = item.rewrite.as_deref() {
            match self.rewrite_fix(document, block, prose, rewrite) {
                Some(fix) => finding.fixes.push(fix),
                None => refused = true,
            }
        }
        Some((finding, refused))
    }

    /// A suggested rewrite as a display-only fix, if the guard lets it
    /// through and the flagged range can be replaced without cutting markup.
    fn rewrite_fix(
        &self,
        document: &Document,
        block: &Block,
        prose: Range<usize>,
        rewrite: &str,
    ) -> Option<Fix> {
        let text = document.text();
        let range = block.prose.clean_source_range(prose, text)?;
        let original = &text[range.clone()];
        let candidate = guard::clean_candidate(rewrite);
        guard::check_rewrite(original, &candidate, document.kind(), &self.checker).ok()?;
        let edits: Vec<Edit> = word_edits_at(range.start, original, &candidate);
        Some(Fix {
            title: format!("Rewrite as {}", quote(&candidate)),
            edits,
            applicability: Applicability::DisplayOnly,
            provenance: Provenance::Model {
                model: self.model().to_owned(),
                prompt: self.prompts.review.id(),
            },
        })
    }
}

/// A 400/422 that names the structured-output feature: the server does not
/// take `response_format` with a JSON schema.
fn refuses_schema(error: &LlmError) -> bool {
    let LlmError::Rejected { status, detail } = error else {
        return false;
    };
    let detail = detail.to_lowercase();
    matches!(status, 400 | 422)
        && [
            "response_format",
            "json_schema",
            "schema",
            "grammar",
            "structured",
        ]
        .iter()
        .any(|word| detail.contains(word))
}

/// Give each finding to the unit its quote is in: the paragraph the model
/// named first, then the batch in order, tier by tier. Unlocatable findings
/// are counted and dropped.
fn assign(
    findings: Vec<RawFinding>,
    batch: &[usize],
    units: &[Unit],
    stats: &mut ReviewStats,
) -> Vec<(usize, Vec<RawFinding>)> {
    let mut per_unit: Vec<(usize, Vec<RawFinding>)> =
        batch.iter().map(|&unit| (unit, Vec::new())).collect();
    for finding in findings {
        let named = finding
            .paragraph
            .and_then(|n| n.checked_sub(1))
            .filter(|&i| i < batch.len());
        let order: Vec<usize> = named
            .into_iter()
            .chain((0..batch.len()).filter(|&i| Some(i) != named))
            .collect();
        let place = [anchor::Tier::Exact, anchor::Tier::Normalized]
            .into_iter()
            .find_map(|tier| {
                order.iter().copied().find(|&i| {
                    anchor::locate_in(&units[batch[i]].text, &finding.quote, tier).is_some()
                })
            })
            .or_else(|| {
                // Fuzzy: the best score over the batch; the named paragraph,
                // then the earliest, wins a tie.
                let mut best: Option<(usize, f64)> = None;
                for &i in &order {
                    if let Some(found) = anchor::locate(&units[batch[i]].text, &finding.quote)
                        && best.is_none_or(|(_, score)| found.score > score)
                    {
                        best = Some((i, found.score));
                    }
                }
                best.map(|(i, _)| i)
            });
        match place {
            Some(i) => per_unit[i].1.push(finding),
            None => stats.unlocated += 1,
        }
    }
    per_unit
}

/// Of findings for the same question whose spans overlap, keep one: the
/// most confident, else the one that starts first (then the shorter).
/// Findings for different questions may overlap: each is its own opinion.
fn keep_strongest(mut findings: Vec<(Finding, Confidence)>) -> Vec<Finding> {
    findings.sort_by(|(a, a_confidence), (b, b_confidence)| {
        (
            &a.rule,
            std::cmp::Reverse(*a_confidence),
            a.span.start,
            a.span.end,
        )
            .cmp(&(
                &b.rule,
                std::cmp::Reverse(*b_confidence),
                b.span.start,
                b.span.end,
            ))
    });
    let mut kept: Vec<Finding> = Vec::with_capacity(findings.len());
    for (finding, _) in findings {
        let overlaps = kept.iter().any(|k| {
            k.rule == finding.rule
                && (k.span == finding.span
                    || (k.span.start < finding.span.end && finding.span.start < k.span.end))
        });
        if !overlaps {
            kept.push(finding);
        }
    }
    kept
}

/// The model's reason as one line: first line, no trailing period, at most
/// 200 characters.
fn one_sentence(reason: &str) -> String {
    const MAX_CHARS: usize = 200;
    let line = reason.trim().lines().next().unwrap_or("").trim();
    let line = line.trim_end_matches(['.', ' ']);
    if line.chars().count() <= MAX_CHARS {
        return line.to_owned();
    }
    let cut: String = line.chars().take(MAX_CHARS).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests;
