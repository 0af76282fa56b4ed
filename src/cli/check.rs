//! `copydesk check`.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::{Args, ValueEnum};
use rayon::prelude::*;

use super::progress::Progress;
use super::{ColorWhen, Status};
use crate::check::{CheckOptions, Checker};
use crate::diff::unified_diff;
use crate::document::{Document, DocumentKind};
use crate::files::{self, decode_draft, expand_paths_each, read_draft, write_atomically};
use crate::finding::{Finding, Severity};
use crate::fix::Applicability;
use crate::guide::{self, Guide};
use crate::output::{
    CheckstylePrinter, ConcisePrinter, FileReport, GithubPrinter, HumanPrinter, JsonLinesPrinter,
    JsonPrinter, JunitPrinter, PlainWriter, Printer, SarifPrinter, Summary, ValeJsonPrinter,
    ValeLinePrinter,
};
use crate::result_cache::{self, ResultCache};
use crate::rules::RuleMeta;
use crate::score::Tally;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Findings with the source line underlined, rustc style
    Human,
    /// One line per finding: path:line:col: severity [rule] message
    Concise,
    /// One JSON document (version 1; see the README)
    Json,
    /// Vale's `line` output: path:line:col:Style.Rule:message
    ValeLine,
    /// Vale's `JSON` output, to diff against `vale --output=JSON`
    ValeJson,
    /// One JSON object per finding, one per line
    JsonLines,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request)
    Github,
    /// JUnit XML: a test suite per file, a failing test case per finding
    Junit,
    /// Checkstyle XML, for reviewdog and CI plugins
    Checkstyle,
}

impl Format {
    /// Formats read by programs: nothing but the format goes to their stream.
    pub(super) fn is_machine_readable(self) -> bool {
        matches!(
            self,
            Format::Json
                | Format::JsonLines
                | Format::Sarif
                | Format::Junit
                | Format::Checkstyle
                | Format::ValeLine
                | Format::ValeJson
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Hint,
    Info,
    Warning,
    Error,
    /// Never fail on findings (unreadable files still fail)
    Never,
}

impl FailOn {
    pub(super) fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Hint => Some(Severity::Hint),
            FailOn::Info => Some(Severity::Info),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Error => Some(Severity::Error),
            FailOn::Never => None,
        }
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files, folders or globs to check (default: the current folder)
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// When to colour the output
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    /// Apply Safe fixes and rewrite the files
    #[arg(long)]
    pub fix: bool,
    /// With --fix or --diff, also apply Unsafe fixes
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Print the unified diff of what --fix would change; write nothing
    #[arg(long)]
    pub diff: bool,
    /// Check standard input
    #[arg(long)]
    pub stdin: bool,
    /// The path standard input stands for (picks the format and the guide)
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
    /// Use this guide file instead of the nearest copydesk.toml
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Run only these rules or categories (comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Skip these rules or categories (comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Platforms the posts are for (x, linkedin, bluesky, threads, mastodon,
    /// instagram), when their front matter does not say; repeatable or
    /// comma-separated
    #[arg(long, value_delimiter = ',', value_name = "NAME")]
    pub platform: Vec<String>,
    /// Exit 1 when a finding is at or above this severity
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
    /// Print findings only: no summary, no progress bar
    #[arg(long, short)]
    pub quiet: bool,
    /// Write the --format output to FILE; the terminal still gets the human format
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Print a 0–100 score per file and overall, per category (see the README)
    #[arg(long)]
    pub score: bool,
    /// Exit 1 when any file scores below N (implies --score)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(0..=100))]
    pub min_score: Option<u8>,
    /// Neither read nor write the per-file result cache
    #[arg(long)]
    pub no_cache: bool,
    /// Also ask the configured model the guide's review questions (see `copydesk review`)
    #[arg(long)]
    pub review: bool,
    /// With --review, also show findings the model is not sure of
    #[arg(long, requires = "review")]
    pub review_all: bool,
}

/// One input: a file on disk or standard input.
struct Input {
    /// As shown to the user.
    display: String,
    /// On disk (for reading, writing, kind and guide discovery).
    path: PathBuf,
    from_stdin: Option<Vec<u8>>,
}

/// What checking one input produced.
struct Outcome {
    display: String,
    /// Where its guide is looked up (for --review).
    path: PathBuf,
    document: Option<Document>,
    findings: Vec<Finding>,
    error: Option<String>,
    /// Why --fix did not write the fixes of a file it checked.
    not_written: Option<String>,
    /// The fixed text, when fixing changed it.
    fixed_text: Option<String>,
    /// The unified diff, in --diff mode.
    diff: Option<String>,
    fixes_applied: usize,
    /// Words of prose in the checked text, for scores.
    words: usize,
}

pub fn run(args: CheckArgs) -> anyhow::Result<Status> {
    validate(&args)?;
    if args.fix && !args.diff && !args.stdin {
        // Before any thread starts (loading Vale styles uses rayon).
        files::remove_temporaries_on_signal();
    }
    let options = CheckOptions {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        platforms: args.platform.clone(),
        ..CheckOptions::default()
    };
    let mut guides = GuideCache::new(args.config.clone(), options);

    let mut status = Status::Clean;
    let inputs = if args.stdin {
        let mut bytes = Vec::new();
        io::stdin()
            .lock()
            .read_to_end(&mut bytes)
            .context("reading standard input")?;
        let path = args
            .stdin_filename
            .clone()
            .unwrap_or_else(|| PathBuf::from("stdin.md"));
        vec![Input {
            display: args
                .stdin_filename
                .as_ref()
                .map_or_else(|| "-".to_owned(), |p| p.display().to_string()),
            path,
            from_stdin: Some(bytes),
        }]
    } else {
        let paths = if args.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            args.paths.clone()
        };
        let expanded = expand_paths_each(&paths, |path| match guides.checker_for(path) {
            Ok(checker) => checker.guide().config.files.extensions.clone(),
            Err(_) => Vec::new(),
        });
        for (path, error) in expanded.errors {
            eprintln!("error: {}: {error}", path.display());
            status = Status::Error;
        }
        expanded
            .files
            .into_iter()
            .map(|path| Input {
                display: display_path(&path),
                path,
                from_stdin: None,
            })
            .collect()
    };

    // Resolve every input's guide first (sequentially: discovery is cached
    // per folder), then check in parallel.
    let mut jobs: Vec<(Input, Option<Arc<Checker>>)> = Vec::with_capacity(inputs.len());
    let mut key_message_files = 0;
    for input in inputs {
        let checker = match guides.checker_for(&input.path) {
            // A key-message file met in a folder walk is the guide's own
            // material, not a post: it would "copy" itself.
            Ok(checker)
                if input.from_stdin.is_none()
                    && !args.paths.contains(&input.path)
                    && checker.guide().is_key_message_file(&input.path) =>
            {
                key_message_files += 1;
                continue;
            }
            Ok(checker) => Some(checker),
            Err(error) => {
                if guides.report_once(&error) {
                    eprintln!("error: {error:#}");
                }
                status = Status::Error;
                None
            }
        };
        jobs.push((input, checker));
    }

    guides.check_selectors(&args.select, "--select")?;
    guides.check_selectors(&args.ignore, "--ignore")?;

    if key_message_files > 0 && !args.quiet {
        eprintln!(
            "note: skipped {key_message_files} key-message file{} ([sharing] key_messages): they are the guide's messages, not posts",
            if key_message_files == 1 { "" } else { "s" }
        );
    }

    // Model review: every guide must configure a model before anything is sent.
    let mut reviewer = if args.review {
        let options = crate::llm::review::ReviewOptions {
            show_all: args.review_all,
            select: args.select.clone(),
            ignore: args.ignore.clone(),
        };
        let mut reviewer = super::review::Reviewer::new(args.config.clone(), options, !args.quiet)?;
        for (input, checker) in &jobs {
            if checker.is_some() {
                reviewer.prepare(&input.path)?;
            }
        }
        Some(reviewer)
    } else {
        None
    };

    let min_fix = if args.unsafe_fixes {
        Applicability::Unsafe
    } else {
        Applicability::Safe
    };
    let mode = Mode {
        fix: args.fix || args.diff,
        write: args.fix && !args.diff && !args.stdin,
        diff: args.diff,
        min_fix,
    };

    let (mut out, plain) = args.color.stdout();
    let active_rules = guides.active_rules();
    let mut printer = new_printer(args.format, &active_rules, plain);
    // With --output, the format goes to the file and the terminal keeps the
    // human format.
    let mut file_output = match &args.output {
        Some(path) => {
            // Before anything is written: never put a report over a draft.
            if let Some((input, _)) = jobs.iter().find(|(input, _)| {
                input.from_stdin.is_none() && files::same_file(path, &input.path)
            }) {
                bail!(
                    "--output {} is also an input ({}); not overwriting it",
                    path.display(),
                    input.display
                );
            }
            let file = std::fs::File::create(path)
                .with_context(|| format!("creating {}", path.display()))?;
            let writer: Box<dyn Write> = Box::new(PlainWriter::new(io::BufWriter::new(file)));
            Some((
                path,
                writer,
                new_printer(Format::Human, &active_rules, true),
            ))
        }
        None => None,
    };
    let cache = if args.no_cache || mode.fix || args.stdin {
        None
    } else {
        result_cache::default_root().and_then(|root| ResultCache::open(&root))
    };
    let scoring = args.score || args.min_score.is_some();
    let mut below_min_score = 0;
    let mut progress = Progress::new(jobs.len(), !args.quiet);
    let counter = progress.counter();
    let threshold = args.fail_on.threshold();
    let mut summary = Summary::default();
    let mut fixes_applied = 0;
    let mut files_changed = 0;
    let stdin_fix = args.stdin && args.fix && !args.diff;

    // Chunks keep memory bounded on huge trees and output in path order.
    const CHUNK: usize = 256;
    let mut jobs = jobs.into_iter().peekable();
    while jobs.peek().is_some() {
        let chunk: Vec<_> = jobs.by_ref().take(CHUNK).collect();
        let mut outcomes: Vec<Outcome> = chunk
            .into_par_iter()
            .map(|(input, checker)| {
                let outcome = check_input(input, checker.as_deref(), mode, cache.as_ref());
                counter.inc(1);
                outcome
            })
            .collect();
        if let Some(reviewer) = &mut reviewer {
            for outcome in &mut outcomes {
                if let (Some(document), None) = (&outcome.document, &outcome.error) {
                    let (path, display) = (&outcome.path, &outcome.display);
                    progress.suspend(|| {
                        reviewer.review_into(path, display, document, &mut outcome.findings)
                    });
                }
            }
        }
        progress.tick();
        progress.suspend(|| -> anyhow::Result<()> {
            for outcome in outcomes {
                let score = (scoring && outcome.document.is_some())
                    .then(|| Tally::of_file(outcome.words, &outcome.findings));
                if let (Some(minimum), Some(tally)) = (args.min_score, &score)
                    && tally.score().overall < minimum
                {
                    below_min_score += 1;
                    if status == Status::Clean {
                        status = Status::Findings;
                    }
                }
                let report = FileReport {
                    path: &outcome.display,
                    document: outcome.document.as_ref(),
                    findings: &outcome.findings,
                    error: outcome.error.as_deref(),
                    score,
                };
                summary.add(&report);
                if let Some(reason) = &outcome.not_written {
                    summary.not_written += 1;
                    eprintln!(
                        "error: {}: checked, fixes not written: {reason}",
                        outcome.display
                    );
                    if status == Status::Clean {
                        status = Status::Findings;
                    }
                }
                fixes_applied += outcome.fixes_applied;
                if outcome.error.is_some() && status == Status::Clean {
                    status = Status::Findings;
                }
                if threshold.is_some_and(|t| outcome.findings.iter().any(|f| f.severity >= t))
                    && status == Status::Clean
                {
                    status = Status::Findings;
                }
                if mode.diff {
                    if let Some(diff) = &outcome.diff {
                        files_changed += 1;
                        out.write_all(diff.as_bytes())?;
                    }
                    if let Some(error) = &outcome.error {
                        eprintln!("error: {}: {error}", outcome.display);
                    }
                    continue;
                }
                if stdin_fix {
                    let text = outcome
                        .fixed_text
                        .as_deref()
                        .or_else(|| outcome.document.as_ref().map(Document::text))
                        .unwrap_or_default();
                    out.write_all(text.as_bytes())?;
                    if let Some(error) = &outcome.error {
                        eprintln!("error: {}: {error}", outcome.display);
                    }
                    continue;
                }
                if outcome.fixed_text.is_some() {
                    files_changed += 1;
                }
                match &mut file_output {
                    Some((_, file, terminal)) => {
                        printer.file(file, &report)?;
                        terminal.file(&mut out, &report)?;
                    }
                    None => printer.file(&mut out, &report)?,
                }
            }
            out.flush()?;
            Ok(())
        })?;
    }
    progress.finish();

    if mode.fix {
        summary.fixes_applied = Some(fixes_applied);
    }
    if mode.diff {
        // --diff exits 1 when there is something to change, like ruff.
        if files_changed > 0 && status == Status::Clean {
            status = Status::Findings;
        } else if files_changed == 0 && status == Status::Findings && summary.errors == 0 {
            status = Status::Clean;
        }
        if !args.quiet {
            eprintln!(
                "Would apply {} to {}.",
                crate::output::plural(fixes_applied, "fix"),
                crate::output::plural(files_changed, "file")
            );
        }
    } else if stdin_fix {
        if !args.quiet {
            eprintln!("{}", summary.sentence());
        }
    } else {
        let terminal_format = match &mut file_output {
            Some((path, file, terminal)) => {
                printer.finish(file, &summary)?;
                file.flush()
                    .with_context(|| format!("writing {}", path.display()))?;
                terminal.finish(&mut out, &summary)?;
                Format::Human
            }
            None => {
                printer.finish(&mut out, &summary)?;
                args.format
            }
        };
        if let Some(minimum) = args.min_score
            && below_min_score > 0
            && !args.quiet
        {
            eprintln!(
                "{} below --min-score {minimum}.",
                match below_min_score {
                    1 => "1 file scores".to_owned(),
                    n => format!("{n} files score"),
                }
            );
        }
        if !args.quiet && !terminal_format.is_machine_readable() {
            let mut sentence = summary.sentence();
            if mode.write && files_changed > 0 {
                sentence.push_str(&format!(
                    " Rewrote {}.",
                    crate::output::plural(files_changed, "file")
                ));
            }
            writeln!(out, "{sentence}")?;
        }
    }
    out.flush()?;
    if let Some(reviewer) = &reviewer {
        status = reviewer.finish(args.quiet, status);
    }
    Ok(status)
}

#[derive(Debug, Clone, Copy)]
struct Mode {
    fix: bool,
    write: bool,
    diff: bool,
    min_fix: Applicability,
}

fn validate(args: &CheckArgs) -> anyhow::Result<()> {
    if args.unsafe_fixes && !(args.fix || args.diff) {
        bail!("--unsafe-fixes only works with --fix or --diff");
    }
    if args.stdin && !args.paths.is_empty() {
        bail!("--stdin checks standard input; do not name paths too");
    }
    if args.output.is_some() && (args.diff || (args.stdin && args.fix)) {
        bail!("--output writes findings; --diff and --stdin --fix print text instead");
    }
    if args.stdin_filename.is_some() && !args.stdin {
        bail!("--stdin-filename needs --stdin");
    }
    if args.review && (args.diff || (args.stdin && args.fix)) {
        bail!("--review reports findings; --diff and --stdin --fix print text instead");
    }
    for selector in args.select.iter().chain(&args.ignore) {
        if !crate::rules::is_known_selector(selector) {
            let hint = crate::rules::closest_rule_id(selector)
                .map(|id| format!("; did you mean “{id}”?"))
                .unwrap_or_default();
            bail!("unknown rule or category “{selector}”{hint} (see `copydesk rules`)");
        }
    }
    Ok(())
}

/// `plain`: the output takes no colour, so a printer need not style it.
pub(super) fn new_printer(
    format: Format,
    active_rules: &[&'static RuleMeta],
    plain: bool,
) -> Box<dyn Printer> {
    match format {
        Format::Human => Box::new(HumanPrinter {
            summary: false,
            plain,
        }),
        Format::Concise => Box::new(ConcisePrinter { summary: false }),
        Format::Json => Box::new(JsonPrinter::default()),
        Format::JsonLines => Box::new(JsonLinesPrinter),
        Format::Sarif => Box::new(SarifPrinter::new(active_rules.iter().copied())),
        Format::Github => Box::new(GithubPrinter),
        Format::Junit => Box::new(JunitPrinter::default()),
        Format::Checkstyle => Box::new(CheckstylePrinter::default()),
        Format::ValeLine => Box::new(ValeLinePrinter),
        Format::ValeJson => Box::new(ValeJsonPrinter::default()),
    }
}

fn display_path(path: &Path) -> String {
    let shown = path.strip_prefix("./").unwrap_or(path);
    shown.display().to_string()
}

fn check_input(
    input: Input,
    checker: Option<&Checker>,
    mode: Mode,
    cache: Option<&ResultCache>,
) -> Outcome {
    let mut outcome = Outcome {
        display: input.display,
        path: input.path.clone(),
        document: None,
        findings: Vec::new(),
        error: None,
        not_written: None,
        fixed_text: None,
        diff: None,
        fixes_applied: 0,
        words: 0,
    };
    let Some(checker) = checker else {
        outcome.error = Some("not checked: its guide could not be loaded".to_owned());
        return outcome;
    };
    let limit = files::max_bytes(checker.guide());
    let unnamed_stdin = input.from_stdin.is_some() && outcome.display == "-";
    let text = match input.from_stdin {
        Some(bytes) => decode_draft(bytes, limit),
        None => read_draft(&input.path, limit),
    };
    let text = match text {
        Ok(text) => text,
        Err(error) => {
            outcome.error = Some(error.to_string());
            return outcome;
        }
    };
    let kind = DocumentKind::from_path(&input.path);
    // Standard input has a path only when --stdin-filename names one.
    let path = (!unnamed_stdin).then_some(input.path.as_path());
    if !mode.fix {
        let key = cache.map(|cache| {
            let options = format!("{:?}", checker.options());
            cache.key(&input.path, &checker.guide().hash, &options)
        });
        if let (Some(cache), Some(key)) = (cache, &key)
            && let Some(hit) = cache.get(key, &text)
        {
            outcome.findings = hit.findings;
            outcome.words = hit.words;
            let document = Document::unparsed(text, kind);
            outcome.document = Some(match path {
                Some(path) => document.with_path(path),
                None => document,
            });
            return outcome;
        }
        let (document, findings) = checker.check_text_at(&text, kind, path);
        outcome.words = document.word_count();
        if let (Some(cache), Some(key)) = (cache, &key) {
            cache.put(key, &text, outcome.words, &findings);
        }
        outcome.findings = findings;
        outcome.document = Some(document);
        return outcome;
    }
    let fixed = checker.fix_text_at(&text, kind, path, mode.min_fix);
    outcome.fixes_applied = fixed.applied;
    outcome.findings = fixed.findings;
    if fixed.text != text {
        if mode.diff {
            // The diff is of the writer's own file, printed for them to
            // apply: it shows every line as it is (values that
            // share/personal-data found included), or `git apply` and
            // `patch` would reject its hunks. Messages and excerpts mask.
            outcome.diff = Some(unified_diff(&text, &fixed.text, &outcome.display));
        } else if mode.write
            && let Err(error) = write_atomically(&input.path, &text, &fixed.text)
        {
            outcome.not_written = Some(error.to_string());
            outcome.fixes_applied = 0;
            let (document, findings) = checker.check_text_at(&text, kind, path);
            outcome.words = document.word_count();
            outcome.findings = findings;
            outcome.document = Some(document);
            return outcome;
        }
        outcome.fixed_text = Some(fixed.text);
    }
    outcome.words = fixed.document.word_count();
    outcome.document = Some(fixed.document);
    outcome
}

/// An error for a `--platform` name that neither copydesk nor the guide
/// knows.
fn unknown_platform(guide: &Guide, names: &[String]) -> Option<anyhow::Error> {
    let unknown = names
        .iter()
        .find(|name| crate::rules::share::platforms::resolve(guide, name).is_none())?;
    Some(anyhow::anyhow!(
        "unknown platform “{unknown}” in --platform: expected one of {}, or one defined under [sharing.limits.{unknown}] in the guide ({})",
        crate::rules::share::platforms::known_names(),
        guide.source
    ))
}

/// Guides and their checkers, loaded once per guide file.
pub(crate) struct GuideCache {
    config: Option<PathBuf>,
    options: CheckOptions,
    by_guide: HashMap<Option<PathBuf>, Result<Arc<Checker>, Arc<anyhow::Error>>>,
    by_folder: HashMap<PathBuf, Option<PathBuf>>,
    reported: Vec<String>,
}

impl GuideCache {
    pub(crate) fn new(config: Option<PathBuf>, options: CheckOptions) -> GuideCache {
        GuideCache {
            config,
            options,
            by_guide: HashMap::new(),
            by_folder: HashMap::new(),
            reported: Vec::new(),
        }
    }

    fn guide_path(&mut self, path: &Path) -> Option<PathBuf> {
        if let Some(config) = &self.config {
            return Some(config.clone());
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let folder = if absolute.is_dir() {
            absolute
        } else {
            absolute.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        if let Some(found) = self.by_folder.get(&folder) {
            return found.clone();
        }
        let found = guide::discover(&folder);
        self.by_folder.insert(folder, found.clone());
        found
    }

    pub(crate) fn checker_for(&mut self, path: &Path) -> anyhow::Result<Arc<Checker>> {
        let guide_path = self.guide_path(path);
        let entry = self.by_guide.entry(guide_path.clone()).or_insert_with(|| {
            let guide = match &guide_path {
                Some(file) => Guide::load(file)
                    .map(Arc::new)
                    .map_err(|e| Arc::new(anyhow::Error::new(e))),
                None => Ok(Guide::builtin()),
            };
            guide.and_then(|guide| {
                unknown_platform(&guide, &self.options.platforms)
                    .map_or(Ok(()), |error| Err(Arc::new(error)))?;
                // Rules a Vale configuration names but copydesk cannot run:
                // said once per guide, when it is loaded.
                for set in &guide.rule_sets {
                    for warning in set.warnings() {
                        eprintln!("warning: {warning}");
                    }
                }
                Ok(Arc::new(Checker::new(guide, self.options.clone())))
            })
        });
        match entry {
            Ok(checker) => Ok(Arc::clone(checker)),
            Err(error) => Err(anyhow::anyhow!("{error:#}")),
        }
    }

    /// Refuse a `--select`/`--ignore` selector that names a Vale rule or
    /// style no loaded guide has (a typo would select nothing, and pass).
    /// Said only when some guide loaded: otherwise the guide error says it.
    fn check_selectors(&self, selectors: &[String], flag: &str) -> anyhow::Result<()> {
        let sets: Vec<_> = self
            .by_guide
            .values()
            .filter_map(|checker| checker.as_ref().ok())
            .flat_map(|checker| checker.guide().rule_sets.iter().cloned())
            .collect();
        if !self.by_guide.values().any(Result::is_ok) {
            return Ok(());
        }
        for selector in selectors {
            if !crate::rules::is_selector_of(selector, &sets) {
                bail!(
                    "unknown rule, category or Vale style “{selector}” in {flag}{} (see `copydesk rules`)",
                    crate::rules::unknown_selector_hint(selector, &sets)
                );
            }
        }
        Ok(())
    }

    /// The rules any of the loaded guides runs, in registry order.
    fn active_rules(&self) -> Vec<&'static RuleMeta> {
        let active: std::collections::HashSet<&str> = self
            .by_guide
            .values()
            .filter_map(|checker| checker.as_ref().ok())
            .flat_map(|checker| checker.active_rule_ids())
            .collect();
        crate::rules::registry()
            .iter()
            .map(|factory| factory.meta)
            .filter(|meta| active.contains(meta.id))
            .collect()
    }

    fn report_once(&mut self, error: &anyhow::Error) -> bool {
        let text = format!("{error:#}");
        if self.reported.contains(&text) {
            return false;
        }
        self.reported.push(text);
        true
    }
}
