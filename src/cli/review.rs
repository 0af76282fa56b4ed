//! `copydesk review` and `copydesk check --review`: model review from the
//! command line.
//!
//! Every file's guide must configure a model (`[llm]`) before anything is
//! sent anywhere; files whose guide turns review off are skipped with one
//! warning per guide. Each guide gets one engine and one request budget for
//! the run. Answers come from the persistent cache where they can, so a
//! second run over an unchanged post sends nothing. A progress bar shows on
//! a terminal; the run ends with one summary line of paragraphs, requests,
//! cache hits and tokens on standard error.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::Args;

use super::Status;
use super::args::{FormatArgs, GuideArgs, ResultArgs};
use super::format::{Format, new_printer};
use super::progress::Progress;
use super::suggest::is_endpoint_error;
use crate::check::CheckOptions;
use crate::diff::unified_diff;
use crate::document::{Document, DocumentKind};
use crate::files::{self, expand_paths_each, read_draft};
use crate::finding::Finding;
use crate::fix::{Provenance, apply_edits};
use crate::guide::Guide;
use crate::llm::review::{Budget, ReviewOptions, ReviewStats};
use crate::llm::{Draft, Engine, LlmError};
use crate::output::{FileReport, Printer, Summary, plural};
use crate::resolve::{self, EngineKey, ModelLayers, Resolver};

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Files or folders to review
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub printing: FormatArgs,
    #[command(flatten)]
    pub guide: GuideArgs,
    /// Ask only these questions (review/<id> or review; comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Do not ask these questions (comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Also show findings the model is not sure of (below [review] min_confidence)
    #[arg(long)]
    pub review_all: bool,
    #[command(flatten)]
    pub result: ResultArgs,
}

pub fn run(args: ReviewArgs) -> anyhow::Result<Status> {
    for selector in args.select.iter().chain(&args.ignore) {
        if selector != "review" && !selector.starts_with(crate::llm::review::RULE_PREFIX) {
            bail!(
                "“{selector}” is not a review question: use review/<question id> or review (see [review] in the README)"
            );
        }
    }
    let options = ReviewOptions {
        show_all: args.review_all,
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let mut reviewer = Reviewer::new(args.guide.config.clone(), options, !args.result.quiet)?;
    let mut status = Status::Clean;
    let expanded = expand_paths_each(&args.paths, |path| {
        reviewer
            .guides
            .guide_for(path)
            .map(|g| g.config.files.extensions.clone())
            .unwrap_or_default()
    });
    for (path, error) in expanded.errors {
        eprintln!("error: {}: {error}", path.display());
        status = Status::Error;
    }
    let files_found = expanded.files;
    for path in &files_found {
        reviewer.prepare(path)?;
    }

    let (mut out, plain) = args.printing.color.stdout();
    let mut printer: Box<dyn Printer> = new_printer(args.printing.format, &[], plain);
    let mut summary = Summary::default();
    let threshold = args.result.fail_on.threshold();
    for path in &files_found {
        let display = path
            .strip_prefix("./")
            .unwrap_or(path)
            .display()
            .to_string();
        let (document, error) = match read_draft(path, files::DEFAULT_MAX_BYTES) {
            Ok(text) => (
                Some(Document::parse(&text, DocumentKind::from_path(path)).with_path(path)),
                None,
            ),
            Err(error) => (None, Some(error.to_string())),
        };
        let mut findings = Vec::new();
        if let Some(document) = &document {
            reviewer.review_into(path, &display, document, &mut findings);
        }
        let report = FileReport {
            path: &display,
            document: document.as_ref(),
            findings: &findings,
            error: error.as_deref(),
            score: None,
        };
        summary.add(&report);
        if (error.is_some() || threshold.is_some_and(|t| findings.iter().any(|f| f.severity >= t)))
            && status == Status::Clean
        {
            status = Status::Findings;
        }
        reviewer.suspend(|| -> io::Result<()> {
            printer.file(&mut out, &report)?;
            if args.printing.format == Format::Human
                && let Some(document) = &document
            {
                print_rewrites(&mut out, &display, document, &findings)?;
            }
            out.flush()
        })?;
    }
    reviewer.clear();
    printer.finish(&mut out, &summary)?;
    if !args.result.quiet && !args.printing.format.is_machine_readable() {
        writeln!(out, "{}", summary.sentence())?;
    }
    out.flush()?;
    Ok(reviewer.finish(args.result.quiet, status))
}

/// The model's suggested rewrites as unified diffs, each after a `#` line
/// naming the place, the fix and the prompt (as `copydesk suggest` does).
fn print_rewrites(
    out: &mut dyn Write,
    display: &str,
    document: &Document,
    findings: &[Finding],
) -> io::Result<()> {
    let text = document.text();
    for finding in findings {
        for fix in &finding.fixes {
            let Provenance::Model { prompt, .. } = &fix.provenance else {
                continue;
            };
            let Ok(new_text) = apply_edits(text, &fix.edits) else {
                continue;
            };
            let (line, _) = document.line_column(finding.span.start);
            writeln!(out, "# {display}:{line}: {} ({prompt})", fix.title)?;
            out.write_all(unified_diff(text, &new_text, display).as_bytes())?;
            writeln!(out)?;
        }
    }
    Ok(())
}

/// One guide's model, and what is left of its budget.
struct GuideEngine {
    engine: Engine,
    budget: Budget,
}

/// Model review over a run of files: engines per guide, the run's totals.
pub(super) struct Reviewer {
    guides: Resolver,
    /// `None` when the guide turns review off.
    engines: HashMap<EngineKey, Option<Arc<GuideEngine>>>,
    runtime: tokio::runtime::Runtime,
    options: ReviewOptions,
    stats: ReviewStats,
    models: BTreeSet<String>,
    prompt: Option<String>,
    /// Guides whose "review is off" warning was shown.
    warned: HashSet<String>,
    /// Files whose review failed part-way (a request error).
    failed: usize,
    /// An error every further request would hit too: the run stops asking.
    abort: Option<LlmError>,
    progress: Progress,
}

impl Reviewer {
    pub(super) fn new(
        config: Option<PathBuf>,
        options: ReviewOptions,
        show_progress: bool,
    ) -> anyhow::Result<Reviewer> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("starting the async runtime")?;
        let progress = Progress::with_template(
            0,
            show_progress,
            "{spinner} reviewing {msg} {pos}/{len} paragraphs {wide_bar}",
        );
        Ok(Reviewer {
            guides: Resolver::new(config, CheckOptions::default()),
            engines: HashMap::new(),
            runtime,
            options,
            stats: ReviewStats::default(),
            models: BTreeSet::new(),
            prompt: None,
            warned: HashSet::new(),
            failed: 0,
            abort: None,
            progress,
        })
    }

    /// Make sure `path`'s guide can review, before anything is sent: its
    /// `[llm]` must build an engine.
    pub(super) fn prepare(&mut self, path: &Path) -> anyhow::Result<()> {
        let guide = self.guides.guide_for(path)?;
        self.engine_for(&guide)?;
        Ok(())
    }

    fn engine_for(&mut self, guide: &Arc<Guide>) -> anyhow::Result<Option<Arc<GuideEngine>>> {
        let layers = ModelLayers::default();
        let key = EngineKey::new(guide, &layers);
        if let Some(engine) = self.engines.get(&key) {
            return Ok(engine.clone());
        }
        let engine = if guide.config.review.is_enabled() {
            let engine = resolve::build_engine(Arc::clone(guide), &layers)
                .with_context(|| format!("model review with the guide {}", guide.source))?;
            if let Some(warning) = &engine.cache_warning {
                eprintln!("warning: model answers are not cached: {warning}");
            }
            self.models.insert(engine.model().to_owned());
            self.prompt = Some(engine.prompts().review.id());
            Some(Arc::new(GuideEngine {
                budget: Budget::new(guide.config.review.budget()),
                engine,
            }))
        } else {
            None
        };
        self.engines.insert(key, engine.clone());
        Ok(engine)
    }

    /// Review `document` (read from `path`) and add its findings to
    /// `findings`, in order. Problems are reported on standard error.
    pub(super) fn review_into(
        &mut self,
        path: &Path,
        display: &str,
        document: &Document,
        findings: &mut Vec<Finding>,
    ) {
        if self.abort.is_some() {
            return;
        }
        let guide = match self.guides.guide_for(path) {
            Ok(guide) => guide,
            Err(error) => {
                self.warn(&format!("error: {display}: not reviewed: {error:#}"));
                self.failed += 1;
                return;
            }
        };
        let engine = match self.engine_for(&guide) {
            Ok(Some(engine)) => engine,
            Ok(None) => {
                if self.warned.insert(guide.hash.clone()) {
                    self.warn(&format!(
                        "warning: model review is off in {} ([review] enabled = false); its files are not reviewed",
                        guide.source
                    ));
                }
                return;
            }
            Err(error) => {
                self.warn(&format!("error: {display}: not reviewed: {error:#}"));
                self.failed += 1;
                return;
            }
        };
        self.progress.show_now();
        self.progress.set_step(display, 0, 0);
        let draft = Draft {
            text: document.text(),
            kind: document.kind(),
            name: display,
        };
        let bar = self.progress.counter();
        let progress = move |done: usize, total: usize| {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        };
        let review = self.runtime.block_on(engine.engine.review_with_progress(
            draft,
            &self.options,
            &engine.budget,
            &progress,
        ));
        self.stats.add(&review.stats);
        if let Some(error) = &review.error {
            self.failed += 1;
            self.warn(&format!(
                "error: {display}: model review incomplete ({} not reviewed): {error}",
                plural(review.stats.failed, "paragraph")
            ));
            if is_endpoint_error(error) {
                self.abort = Some(error.clone());
            }
        } else if review.stats.unreadable_answers > 0 {
            self.failed += 1;
            self.warn(&format!(
                "error: {display}: model review incomplete ({} not reviewed): the model's answer was not JSON in the shape asked for, twice",
                plural(review.stats.failed, "paragraph")
            ));
        }
        findings.extend(review.findings());
        findings.sort_by(|a, b| {
            (a.span.start, a.span.end, &a.rule).cmp(&(b.span.start, b.span.end, &b.rule))
        });
    }

    fn warn(&self, message: &str) {
        self.progress.suspend(|| eprintln!("{message}"));
    }

    /// Run `print` with the progress bar out of the way.
    pub(super) fn suspend<R>(&self, print: impl FnOnce() -> R) -> R {
        self.progress.suspend(print)
    }

    pub(super) fn clear(&self) {
        self.progress.finish();
    }

    /// Print the summary line (unless `quiet`) and the run's status: an
    /// endpoint error makes it 2, a review that failed part-way at least 1.
    pub(super) fn finish(&self, quiet: bool, status: Status) -> Status {
        self.clear();
        if !quiet && let Some(prompt) = &self.prompt {
            let models: Vec<&str> = self.models.iter().map(String::as_str).collect();
            eprintln!("{}", summary_line(&models, prompt, &self.stats));
        }
        if let Some(error) = &self.abort {
            eprintln!("error: model review stopped: {error}");
            return Status::Error;
        }
        if self.failed > 0 && status == Status::Clean {
            return Status::Findings;
        }
        status
    }
}

/// "Model review (smollm2, review@1): 12 paragraphs, 3 requests, 9 cache
/// hits, 1,234 tokens." and, when they happened, what was dropped.
fn summary_line(models: &[&str], prompt: &str, stats: &ReviewStats) -> String {
    let mut parts = vec![
        plural(stats.paragraphs, "paragraph"),
        plural(stats.requests, "request"),
        plural(stats.cache_hits, "cache hit"),
    ];
    if stats.requests_with_usage > 0 {
        let tokens = stats.prompt_tokens + stats.completion_tokens;
        let mut text = format!(
            "{} tokens ({} prompt, {} completion)",
            thousands(tokens),
            thousands(stats.prompt_tokens),
            thousands(stats.completion_tokens)
        );
        if stats.requests_with_usage < stats.requests {
            text.push_str(&format!(
                ", reported for {} of {} requests",
                stats.requests_with_usage, stats.requests
            ));
        }
        parts.push(text);
    }
    let mut line = format!(
        "Model review ({}, {prompt}): {}.",
        models.join(", "),
        parts.join(", ")
    );
    let mut notes = Vec::new();
    if stats.unlocated > 0 {
        notes.push(format!(
            "dropped {} whose quote is not in the text",
            plural(stats.unlocated, "finding")
        ));
    }
    if stats.invalid > 0 {
        notes.push(format!(
            "dropped {} with no quote or an unknown question",
            plural(stats.invalid, "answer item")
        ));
    }
    if stats.hidden_low_confidence > 0 {
        notes.push(format!(
            "hid {} of low confidence (--review-all shows them)",
            plural(stats.hidden_low_confidence, "finding")
        ));
    }
    if stats.rewrites_refused > 0 {
        notes.push(format!(
            "refused {} that changed facts or broke the guide",
            plural(stats.rewrites_refused, "suggested rewrite")
        ));
    }
    if stats.unreadable_answers > 0 {
        notes.push(format!(
            "could not read {}",
            plural(stats.unreadable_answers, "answer")
        ));
    }
    if stats.over_budget > 0 {
        notes.push(format!(
            "the request budget ran out: {} not reviewed ([review] budget)",
            plural(stats.over_budget, "paragraph")
        ));
    }
    if !notes.is_empty() {
        let mut text = notes.join("; ");
        if let Some(first) = text.get(..1) {
            text = format!("{}{}", first.to_uppercase(), &text[1..]);
        }
        line.push_str(&format!(" {text}."));
    }
    line
}

fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, c) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_line_says_what_the_run_cost_and_dropped() {
        let mut stats = ReviewStats {
            paragraphs: 12,
            cache_hits: 9,
            requests: 3,
            requests_with_usage: 3,
            prompt_tokens: 1200,
            completion_tokens: 34,
            ..ReviewStats::default()
        };
        assert_eq!(
            summary_line(&["smollm2"], "review@1", &stats),
            "Model review (smollm2, review@1): 12 paragraphs, 3 requests, 9 cache hits, 1,234 tokens (1,200 prompt, 34 completion)."
        );
        stats.requests_with_usage = 0;
        stats.unlocated = 2;
        stats.hidden_low_confidence = 1;
        stats.over_budget = 4;
        assert_eq!(
            summary_line(&["m"], "review@1", &stats),
            "Model review (m, review@1): 12 paragraphs, 3 requests, 9 cache hits. Dropped 2 findings whose quote is not in the text; hid 1 finding of low confidence (--review-all shows them); the request budget ran out: 4 paragraphs not reviewed ([review] budget)."
        );
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
