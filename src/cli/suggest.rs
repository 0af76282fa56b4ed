//! `copydesk suggest`: Tighten and Bridge from the command line, as unified
//! diffs (or JSON), applied atomically with `--apply`.
//!
//! Tighten runs on every paragraph that is a draft (at least two sentences);
//! Bridge runs where `flow/abrupt-transition` flags a paragraph start.
//! Without an `[llm]` section in the guide this command stops before any
//! network code runs.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::{Args, ValueEnum};
use serde::Serialize;

use super::Status;
use super::args::GuideArgs;
use super::progress::Progress;
use crate::check::{CheckOptions, Checker};
use crate::document::{BlockKind, Document, DocumentKind};
use crate::files::{self, expand_paths_each, read_draft, write_atomically};
use crate::fix::{Edit, apply_edits};
use crate::llm::{Action, Draft, Engine, LlmError, SuggestError, Suggestion, TightenTarget};
use crate::resolve::{Engines, ModelLayers, Resolver};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SuggestFormat {
    /// Unified diffs, each after a `#` line naming the model and prompt
    Diff,
    /// One JSON document with every suggestion and every skip reason
    Json,
}

#[derive(Debug, Args)]
pub struct SuggestArgs {
    /// Files or folders to suggest edits for
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Tighten paragraphs (default: both Tighten and Bridge)
    #[arg(long)]
    pub tighten: bool,
    /// Suggest transitions where paragraphs join abruptly
    #[arg(long)]
    pub bridge: bool,
    #[arg(long, value_enum, default_value_t = SuggestFormat::Diff)]
    pub format: SuggestFormat,
    /// Write the suggestions into the files (atomically; only files unchanged since read)
    #[arg(long)]
    pub apply: bool,
    #[command(flatten)]
    pub guide: GuideArgs,
}

/// A request for one place in one file.
#[derive(Debug, Clone)]
struct Job {
    action: Action,
    offset: usize,
    line: usize,
    /// A paragraph of one sentence is tightened as that sentence.
    sentence: bool,
}

/// What happened to one request.
#[derive(Debug, Serialize)]
struct Skipped {
    action: Action,
    line: usize,
    reason: String,
}

#[derive(Debug, Serialize)]
struct FileOutcome {
    path: String,
    suggestions: Vec<Suggestion>,
    /// Bridge alternatives beyond the first, per insertion line.
    skipped: Vec<Skipped>,
    error: Option<String>,
    applied: bool,
    /// Requests that failed talking to the model (not guard refusals).
    #[serde(skip)]
    model_errors: usize,
    /// The 1-based line of each suggestion, for the diff headers.
    #[serde(skip)]
    lines: Vec<usize>,
}

pub fn run(args: SuggestArgs) -> anyhow::Result<Status> {
    if args.apply {
        // Before the runtime's threads start, as `check --fix` does.
        files::remove_temporaries_on_signal();
    }
    let (tighten, bridge) = if args.tighten || args.bridge {
        (args.tighten, args.bridge)
    } else {
        (true, true)
    };
    let mut guides = Resolver::new(args.guide.config.clone(), CheckOptions::default());
    let expanded = expand_paths_each(&args.paths, |path| {
        guides
            .guide_for(path)
            .map(|g| g.config.files.extensions.clone())
            .unwrap_or_default()
    });
    if let Some((path, error)) = expanded.errors.into_iter().next() {
        bail!("{}: {error}", path.display());
    }
    let files_found = expanded.files;

    // Every file's guide must have [llm] before anything is sent anywhere.
    let mut engines = Engines::default();
    let mut plan: Vec<(PathBuf, Arc<Engine>)> = Vec::new();
    for path in files_found {
        let guide = guides.guide_for(&path)?;
        let (engine, made_now) = engines.get_or_build(&guide, &ModelLayers::default())?;
        if made_now && let Some(warning) = &engine.cache_warning {
            eprintln!("warning: suggestions are not cached: {warning}");
        }
        plan.push((path, engine));
    }

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let mut progress =
        Progress::with_template(0, true, "{spinner} {msg} {pos}/{len} requests {wide_bar}");
    let mut outcomes = Vec::new();
    let mut status = Status::Clean;
    let mut abort: Option<LlmError> = None;
    for (path, engine) in plan {
        let display = path
            .strip_prefix("./")
            .unwrap_or(&path)
            .display()
            .to_string();
        if let Some(error) = &abort {
            outcomes.push(FileOutcome {
                path: display,
                suggestions: Vec::new(),
                skipped: Vec::new(),
                error: Some(format!("not asked: {error}")),
                applied: false,
                model_errors: 0,
                lines: Vec::new(),
            });
            continue;
        }
        let outcome = runtime.block_on(suggest_file(
            &path,
            &display,
            engine,
            tighten,
            bridge,
            args.apply,
            &mut progress,
            &mut abort,
        ));
        if outcome.error.is_some() || outcome.model_errors > 0 {
            status = Status::Findings;
        }
        outcomes.push(outcome);
    }
    progress.finish();

    let stdout = io::stdout();
    let mut out = stdout.lock();
    match args.format {
        SuggestFormat::Json => {
            let json = serde_json::json!({ "version": 1, "files": outcomes });
            serde_json::to_writer_pretty(&mut out, &json)?;
            writeln!(out)?;
        }
        SuggestFormat::Diff => {
            for outcome in &outcomes {
                print_diffs(&mut out, outcome)?;
            }
        }
    }
    out.flush()?;
    let count: usize = outcomes.iter().map(|o| o.suggestions.len()).sum();
    let skipped: usize = outcomes.iter().map(|o| o.skipped.len()).sum();
    let applied = outcomes.iter().filter(|o| o.applied).count();
    let mut sentence = format!(
        "{} from {}",
        crate::output::plural(count, "suggestion"),
        engines.models().first().map_or("no model", String::as_str)
    );
    if skipped > 0 {
        sentence.push_str(&format!("; {skipped} skipped (reasons above)"));
    }
    sentence.push('.');
    if args.apply {
        sentence.push_str(&format!(
            " Rewrote {}.",
            crate::output::plural(applied, "file")
        ));
    }
    eprintln!("{sentence}");
    if let Some(error) = abort {
        eprintln!("error: {error}");
        return Ok(Status::Error);
    }
    Ok(status)
}

#[allow(clippy::too_many_arguments)]
async fn suggest_file(
    path: &Path,
    display: &str,
    engine: Arc<Engine>,
    tighten: bool,
    bridge: bool,
    apply: bool,
    progress: &mut Progress,
    abort: &mut Option<LlmError>,
) -> FileOutcome {
    let mut outcome = FileOutcome {
        path: display.to_owned(),
        suggestions: Vec::new(),
        skipped: Vec::new(),
        error: None,
        applied: false,
        model_errors: 0,
        lines: Vec::new(),
    };
    let text = match read_draft(path, files::DEFAULT_MAX_BYTES) {
        Ok(text) => text,
        Err(error) => {
            outcome.error = Some(error.to_string());
            return outcome;
        }
    };
    let kind = DocumentKind::from_path(path);
    let jobs = plan_jobs(&engine, &text, kind, tighten, bridge);
    let text = Arc::new(text);
    let mut set = tokio::task::JoinSet::new();
    for (index, job) in jobs.iter().cloned().enumerate() {
        let engine = Arc::clone(&engine);
        let text = Arc::clone(&text);
        let name = display.to_owned();
        set.spawn(async move {
            let draft = Draft {
                text: &text,
                kind,
                name: &name,
            };
            let result = match job.action {
                Action::Tighten => {
                    let target = if job.sentence {
                        TightenTarget::Sentence(job.offset)
                    } else {
                        TightenTarget::Paragraph(job.offset)
                    };
                    engine.tighten(draft, target).await.map(|s| vec![s])
                }
                Action::Bridge => engine.bridge(draft, job.offset).await,
            };
            (index, result)
        });
    }
    let total = jobs.len();
    let mut results = Vec::with_capacity(total);
    while let Some(joined) = set.join_next().await {
        progress.set_step(display, results.len() + 1, total);
        let Ok((index, result)) = joined else {
            continue;
        };
        if let Err(SuggestError::Model(error)) = &result
            && is_endpoint_error(error)
        {
            // Every other request would fail the same way: stop now, once.
            set.abort_all();
            *abort = Some(error.clone());
            outcome.error = Some(error.to_string());
            return outcome;
        }
        results.push((index, result));
    }
    results.sort_by_key(|(index, _)| *index);
    for (index, result) in results {
        let job = &jobs[index];
        match result {
            Ok(suggestions) => {
                for suggestion in suggestions {
                    outcome.lines.push(line_of(&text, suggestion.range.start));
                    outcome.suggestions.push(suggestion);
                }
            }
            Err(error) => {
                if matches!(error, SuggestError::Model(_)) {
                    outcome.model_errors += 1;
                }
                outcome.skipped.push(Skipped {
                    action: job.action,
                    line: job.line,
                    reason: error.to_string(),
                });
            }
        }
    }
    if apply {
        // First Tighten, then the first option of each Bridge; a suggestion
        // that touches another's range is left out.
        let mut taken: Vec<&Suggestion> = Vec::new();
        let mut seen_bridge_points = Vec::new();
        for suggestion in &outcome.suggestions {
            if suggestion.action == Action::Bridge {
                if seen_bridge_points.contains(&suggestion.range.start) {
                    continue;
                }
                seen_bridge_points.push(suggestion.range.start);
            }
            if taken
                .iter()
                .any(|t| ranges_touch(&t.range, &suggestion.range))
            {
                continue;
            }
            taken.push(suggestion);
        }
        let edits: Vec<Edit> = taken.iter().flat_map(|s| s.edits.iter().cloned()).collect();
        match apply_edits(&text, &edits) {
            Ok(new_text) if new_text != *text => match write_atomically(path, &text, &new_text) {
                Ok(()) => outcome.applied = true,
                Err(error) => outcome.error = Some(error.to_string()),
            },
            Ok(_) => {}
            Err(error) => outcome.error = Some(error.to_string()),
        }
    }
    outcome
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

fn ranges_touch(a: &std::ops::Range<usize>, b: &std::ops::Range<usize>) -> bool {
    a.start <= b.end && b.start <= a.end
}

/// Errors that would repeat for every request to this endpoint.
pub(super) fn is_endpoint_error(error: &LlmError) -> bool {
    matches!(
        error,
        LlmError::NotConfigured
            | LlmError::Config(_)
            | LlmError::MissingKey(_)
            | LlmError::ConnectionRefused { .. }
            | LlmError::Dns { .. }
            | LlmError::Connect { .. }
            | LlmError::Unauthorized { .. }
            | LlmError::UnknownModel { .. }
    )
}

/// Where to ask: every paragraph that is a draft for Tighten, every
/// `flow/abrupt-transition` finding for Bridge.
fn plan_jobs(
    engine: &Engine,
    text: &str,
    kind: DocumentKind,
    tighten: bool,
    bridge: bool,
) -> Vec<Job> {
    let document = Document::parse(text, kind);
    let mut jobs = Vec::new();
    if tighten {
        // Every paragraph gets an outcome: a suggestion, or a skip that says
        // why (too short, not a draft, no safe suggestion, a model error).
        for block in &document.blocks {
            if block.kind != BlockKind::Paragraph {
                continue;
            }
            let offset = block.span().start;
            jobs.push(Job {
                action: Action::Tighten,
                offset,
                line: document.line_column(offset).0,
                sentence: block.sentences.len() < 2,
            });
        }
    }
    if bridge {
        let checker = Checker::new(
            Arc::clone(engine.guide()),
            CheckOptions {
                select: vec!["flow/abrupt-transition".to_owned()],
                ..CheckOptions::default()
            },
        );
        for finding in checker.check(&document) {
            jobs.push(Job {
                action: Action::Bridge,
                offset: finding.span.start,
                line: document.line_column(finding.span.start).0,
                sentence: false,
            });
        }
    }
    jobs
}

fn print_diffs(out: &mut impl Write, outcome: &FileOutcome) -> io::Result<()> {
    let mut shown_bridge_points = Vec::new();
    for (suggestion, line) in outcome.suggestions.iter().zip(&outcome.lines) {
        let crate::fix::Provenance::Model { prompt, .. } = &suggestion.provenance else {
            continue;
        };
        let cached = if suggestion.cached { ", cached" } else { "" };
        if suggestion.action == Action::Bridge {
            if shown_bridge_points.contains(&suggestion.range.start) {
                writeln!(out, "#   or: {}", suggestion.replacement.trim())?;
                continue;
            }
            shown_bridge_points.push(suggestion.range.start);
        }
        writeln!(
            out,
            "# {}:{line}: {} ({prompt}{cached})",
            outcome.path, suggestion.title
        )?;
        out.write_all(suggestion.diff.as_bytes())?;
    }
    for skipped in &outcome.skipped {
        eprintln!(
            "{}:{}: {}: {}",
            outcome.path,
            skipped.line,
            match skipped.action {
                Action::Tighten => "tighten",
                Action::Bridge => "bridge",
            },
            skipped.reason
        );
    }
    if let Some(error) = &outcome.error {
        eprintln!("error: {}: {error}", outcome.path);
    }
    Ok(())
}
