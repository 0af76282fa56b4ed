//! `copydesk check`.

use std::collections::HashMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, bail};
use clap::Args;
use rayon::prelude::*;

use super::Status;
use super::args::{FormatArgs, GuideArgs, ResultArgs};
use super::format::{Format, new_printer};
use super::progress::Progress;
use crate::check::{CheckOptions, Checker};
use crate::diff::unified_diff;
use crate::document::{Document, DocumentKind};
use crate::files::{self, decode_draft, expand_paths_each, read_draft, write_atomically};
use crate::finding::Finding;
use crate::fix::Applicability;
use crate::output::{FileReport, PlainWriter, Printer, Summary};
use crate::resolve::Resolver;
use crate::result_cache::{self, ResultCache};
use crate::score::Tally;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files, folders or globs to check (default: the current folder)
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub printing: FormatArgs,
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
    #[command(flatten)]
    pub guide: GuideArgs,
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
    #[command(flatten)]
    pub result: ResultArgs,
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
    /// Vale's --minAlertLevel: report Vale rules at this level or above
    /// (suggestion, warning, error), whatever the .vale.ini says
    #[arg(long, alias = "minAlertLevel", value_name = "LEVEL", value_parser = parse_vale_level)]
    pub min_alert_level: Option<crate::vale::Level>,
    /// Vale's --ext: read every input as a file with this extension
    /// (`.md`, `.txt`); standard input is then named `stdin<EXT>`
    #[arg(long, value_name = "EXT")]
    pub ext: Option<String>,
    /// Vale's --filter: run only the Vale rules this expression keeps
    /// (`.Level in ["error"]`, `"heading" in .Scope`), or the file holding it
    #[arg(long, value_name = "EXPR")]
    pub filter: Option<String>,
    /// Vale's --glob: check only the files under the given folders whose
    /// path matches this glob (`*.{md,txt}`); `!` in front excludes them
    #[arg(long, value_name = "GLOB")]
    pub glob: Option<String>,
    /// Vale's --ignore-syntax: read every input as plain text
    #[arg(long)]
    pub ignore_syntax: bool,
}

fn parse_vale_level(text: &str) -> Result<crate::vale::Level, String> {
    crate::vale::Level::parse(text)
        .ok_or_else(|| format!("“{text}” is not a Vale level (suggestion, warning or error)"))
}

/// One input: a file on disk or standard input.
struct Input {
    /// As shown to the user.
    display: String,
    /// On disk (for reading, writing, kind and guide discovery).
    path: PathBuf,
    from_stdin: Option<Vec<u8>>,
}

/// An input and the checker for it.
type Job = (Input, Arc<Checker>);

/// With `--output`: the file, what it is written with, and the human
/// printer the terminal keeps.
struct FileOutput<'a> {
    path: &'a Path,
    writer: Box<dyn Write>,
    terminal: Box<dyn Printer>,
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

/// `copydesk check`, step by step: gather the inputs, give each its
/// checker, check them in parallel in chunks (and ask the model, with
/// `--review`), print each chunk in path order, then the summary.
pub fn run(args: CheckArgs) -> anyhow::Result<Status> {
    validate(&args)?;
    if args.fix && !args.diff && !args.stdin {
        // Before any thread starts (loading Vale styles uses rayon).
        files::remove_temporaries_on_signal();
    }
    let mut guides = Resolver::new(args.guide.config.clone(), check_options(&args)?);
    let mut status = Status::Clean;
    let inputs = gather_inputs(&args, &mut guides, &mut status)?;
    let (jobs, unchecked_files) = assign_checkers(&args, &mut guides, inputs, &mut status)?;
    let mut reviewer = start_review(&args, &jobs)?;
    let mode = Mode::of(&args);
    let mut report = Report::open(&args, mode, &guides, &jobs, status, unchecked_files)?;
    let cache = result_cache(&args, mode);
    let vale_output = args.printing.format.is_vale();

    let mut progress = Progress::new(jobs.len(), !args.result.quiet);
    let counter = progress.counter();
    // Chunks keep memory bounded on huge trees and output in path order.
    const CHUNK: usize = 256;
    let mut jobs = jobs.into_iter().peekable();
    while jobs.peek().is_some() {
        let chunk: Vec<_> = jobs.by_ref().take(CHUNK).collect();
        let mut outcomes: Vec<Outcome> = chunk
            .into_par_iter()
            .map(|(input, checker)| {
                let mut outcome = check_input(input, &checker, mode, cache.as_ref());
                if vale_output {
                    let sets = &checker.guide().rule_sets;
                    outcome
                        .findings
                        .retain(|f| sets.iter().any(|set| set.owns(&f.rule)));
                    if let Some(document) = &outcome.document {
                        let unit = |rule: &str| sets.iter().find_map(|set| set.vale_unit(rule));
                        crate::vale::place_as_vale(document, &mut outcome.findings, unit);
                    }
                }
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
        progress.suspend(|| report.outcomes(outcomes))?;
    }
    progress.finish();

    let status = report.finish()?;
    Ok(match &reviewer {
        Some(reviewer) => reviewer.finish(args.result.quiet, status),
        None => status,
    })
}

/// The checker's options from the command line.
fn check_options(args: &CheckArgs) -> anyhow::Result<CheckOptions> {
    Ok(CheckOptions {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        platforms: args.platform.clone(),
        vale_min_alert_level: args.min_alert_level,
        vale_filter: vale_filter(args.filter.as_deref())?.map(Arc::new),
        ..CheckOptions::default()
    })
}

/// What to check: a text argument (Vale's formats), standard input, or the
/// files the paths name. A path that cannot be walked is reported and makes
/// the run fail (`status`); the others are still checked.
fn gather_inputs(
    args: &CheckArgs,
    guides: &mut Resolver,
    status: &mut Status,
) -> anyhow::Result<Vec<Input>> {
    // Vale lints a lone argument that names no file or folder as text, named
    // `stdin.txt` (or after --ext): `vale 'Some text'`.
    let text_argument = match args.paths.as_slice() {
        [only] if args.printing.format.is_vale() && !args.stdin && !only.exists() => only
            .to_str()
            .filter(|text| !files::has_glob_meta(text))
            .map(|text| text.as_bytes().to_vec()),
        _ => None,
    };
    if let Some(bytes) = text_argument {
        let ext = args
            .ext
            .as_deref()
            .unwrap_or(".txt")
            .trim_start_matches('.');
        let path = PathBuf::from(format!("stdin.{ext}"));
        return Ok(vec![Input {
            display: path.display().to_string(),
            path,
            from_stdin: Some(bytes),
        }]);
    }
    if args.stdin {
        return Ok(vec![stdin_input(args, guides)?]);
    }
    let mut paths = if args.paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        args.paths.clone()
    };
    if args.printing.format.is_vale() && args.guide.config.is_none() {
        // Vale stops when no configuration governs what it is asked to
        // lint: its output formats show Vale styles' findings only.
        let mut governed = Vec::with_capacity(paths.len());
        for path in paths {
            if checker_for(guides, &path).is_ok_and(|checker| checker.guide().rule_sets.is_empty())
            {
                let message = format!(
                    "{}: no Vale configuration ({}) in this folder or any above it, and no --config",
                    path.display(),
                    crate::vale::CONFIG_NAMES.join(", ")
                );
                eprintln!(
                    "{}",
                    crate::vale::vale_runtime_error(".vale.ini not found", &message)
                );
                *status = Status::Error;
            } else {
                governed.push(path);
            }
        }
        paths = governed;
    }
    let expanded = expand_paths_each(&paths, |path| match checker_for(guides, path) {
        Ok(checker) => checker.guide().config.files.extensions.clone(),
        Err(_) => Vec::new(),
    });
    for (path, error) in expanded.errors {
        eprintln!("error: {}: {error}", path.display());
        *status = Status::Error;
    }
    let glob = vale_glob(args.glob.as_deref())?;
    Ok(expanded
        .files
        .into_iter()
        .filter(|path| {
            glob.as_ref().is_none_or(|(matcher, negated)| {
                matcher.is_match(path.strip_prefix("./").unwrap_or(path)) != *negated
            })
        })
        .map(|path| Input {
            display: display_path(&path),
            path,
            from_stdin: None,
        })
        .collect())
}

/// Standard input, read up to its guide's size limit.
fn stdin_input(args: &CheckArgs, guides: &mut Resolver) -> anyhow::Result<Input> {
    // Vale names standard input `stdin<EXT>` after --ext.
    let stdin_filename = args.stdin_filename.clone().or_else(|| {
        args.ext
            .as_deref()
            .map(|ext| PathBuf::from(format!("stdin.{}", ext.trim_start_matches('.'))))
    });
    let path = stdin_filename
        .clone()
        .unwrap_or_else(|| PathBuf::from("stdin.md"));
    // Never hold more than the size limit of standard input, which may
    // not end: past it, the draft is reported as over the limit.
    let limit = checker_for(guides, &path).map_or(files::DEFAULT_MAX_BYTES, |checker| {
        files::max_bytes(checker.guide())
    });
    let bytes = files::read_limited(io::stdin().lock(), limit).context("reading standard input")?;
    Ok(Input {
        display: stdin_filename
            .as_ref()
            .map_or_else(|| "-".to_owned(), |p| p.display().to_string()),
        path,
        from_stdin: Some(bytes),
    })
}

/// Every input with its checker, and how many inputs were left unchecked
/// because their guide could not be loaded. Guides are resolved
/// sequentially (discovery is cached per folder) before checking starts; a
/// guide that cannot be loaded is reported once, with the number of files
/// it leaves unchecked, not once per file. Then the selectors are checked
/// against every guide loaded.
fn assign_checkers(
    args: &CheckArgs,
    guides: &mut Resolver,
    inputs: Vec<Input>,
    status: &mut Status,
) -> anyhow::Result<(Vec<Job>, usize)> {
    let mut jobs: Vec<Job> = Vec::with_capacity(inputs.len());
    let mut unchecked = UncheckedByGuide {
        vale_output: args.printing.format.is_vale(),
        ..UncheckedByGuide::default()
    };
    let mut key_message_files = 0;
    for input in inputs {
        match checker_for(guides, &input.path) {
            // A key-message file met in a folder walk is the guide's own
            // material, not a post: it would "copy" itself.
            Ok(checker)
                if input.from_stdin.is_none()
                    && !args.paths.contains(&input.path)
                    && checker.guide().is_key_message_file(&input.path) =>
            {
                key_message_files += 1;
            }
            Ok(checker) => jobs.push((input, checker)),
            Err(error) => {
                unchecked.add(&error);
                *status = Status::Error;
            }
        }
    }
    unchecked.report();

    guides.check_selectors(&args.select, "--select")?;
    guides.check_selectors(&args.ignore, "--ignore")?;

    if key_message_files > 0 && !args.result.quiet {
        eprintln!(
            "note: skipped {key_message_files} key-message file{} ([sharing] key_messages): they are the guide's messages, not posts",
            if key_message_files == 1 { "" } else { "s" }
        );
    }
    Ok((jobs, unchecked.files))
}

/// With `--review`, the model reviewer, once every guide has been found to
/// configure a model (before anything is sent).
fn start_review(args: &CheckArgs, jobs: &[Job]) -> anyhow::Result<Option<super::review::Reviewer>> {
    if !args.review {
        return Ok(None);
    }
    let options = crate::llm::review::ReviewOptions {
        show_all: args.review_all,
        select: args.select.clone(),
        ignore: args.ignore.clone(),
    };
    let mut reviewer =
        super::review::Reviewer::new(args.guide.config.clone(), options, !args.result.quiet)?;
    for (input, _) in jobs {
        reviewer.prepare(&input.path)?;
    }
    Ok(Some(reviewer))
}

/// The per-file result cache, when this run may use it: not when fixing,
/// not for standard input, and not with Vale's options, whose results the
/// cache key does not tell apart.
fn result_cache(args: &CheckArgs, mode: Mode) -> Option<ResultCache> {
    if args.no_cache
        || mode.fix
        || args.stdin
        || args.min_alert_level.is_some()
        || args.filter.is_some()
    {
        None
    } else {
        result_cache::default_root().and_then(|root| ResultCache::open(&root))
    }
}

/// Where the report goes and what it has counted so far: the printers,
/// standard output (and the `--output` file), the exit status, and the
/// totals for the summary.
struct Report<'a> {
    args: &'a CheckArgs,
    mode: Mode,
    out: Box<dyn Write>,
    printer: Box<dyn Printer>,
    file_output: Option<FileOutput<'a>>,
    status: Status,
    summary: Summary,
    fixes_applied: usize,
    files_changed: usize,
    below_min_score: usize,
}

impl<'a> Report<'a> {
    fn open(
        args: &'a CheckArgs,
        mode: Mode,
        guides: &Resolver,
        jobs: &[Job],
        status: Status,
        unchecked_files: usize,
    ) -> anyhow::Result<Report<'a>> {
        let (out, plain) = args.printing.color.stdout();
        let active_rules = guides.active_rules();
        let printer = new_printer(args.printing.format, &active_rules, plain);
        // With --output, the format goes to the file and the terminal keeps
        // the human format.
        let file_output = match &args.output {
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
                Some(FileOutput {
                    path,
                    writer,
                    terminal: new_printer(Format::Human, &active_rules, true),
                })
            }
            None => None,
        };
        Ok(Report {
            args,
            mode,
            out,
            printer,
            file_output,
            status,
            summary: Summary {
                files: unchecked_files,
                errors: unchecked_files,
                ..Summary::default()
            },
            fixes_applied: 0,
            files_changed: 0,
            below_min_score: 0,
        })
    }

    /// `--stdin --fix`: the fixed text is the output.
    fn stdin_fix(&self) -> bool {
        self.args.stdin && self.args.fix && !self.args.diff
    }

    /// Let the run fail, unless something worse already did.
    fn fail(&mut self) {
        if self.status == Status::Clean {
            self.status = Status::Findings;
        }
    }

    /// Count and print one chunk's outcomes, in order.
    fn outcomes(&mut self, outcomes: Vec<Outcome>) -> anyhow::Result<()> {
        for outcome in outcomes {
            self.outcome(outcome)?;
        }
        self.out.flush()?;
        Ok(())
    }

    fn outcome(&mut self, outcome: Outcome) -> anyhow::Result<()> {
        let args = self.args;
        let scoring = args.score || args.min_score.is_some();
        let score = (scoring && outcome.document.is_some())
            .then(|| Tally::of_file(outcome.words, &outcome.findings));
        if let (Some(minimum), Some(tally)) = (args.min_score, &score)
            && tally.score().overall < minimum
        {
            self.below_min_score += 1;
            self.fail();
        }
        let report = FileReport {
            path: &outcome.display,
            document: outcome.document.as_ref(),
            findings: &outcome.findings,
            error: outcome.error.as_deref(),
            score,
        };
        self.summary.add(&report);
        if let Some(reason) = &outcome.not_written {
            self.summary.not_written += 1;
            eprintln!(
                "error: {}: checked, fixes not written: {reason}",
                outcome.display
            );
            self.fail();
        }
        self.fixes_applied += outcome.fixes_applied;
        if outcome.error.is_some() {
            self.fail();
        }
        let threshold = args.result.fail_on.threshold();
        if threshold.is_some_and(|t| outcome.findings.iter().any(|f| f.severity >= t)) {
            self.fail();
        }
        if self.mode.diff {
            if let Some(diff) = &outcome.diff {
                self.files_changed += 1;
                self.out.write_all(diff.as_bytes())?;
            }
            if let Some(error) = &outcome.error {
                eprintln!("error: {}: {error}", outcome.display);
            }
            return Ok(());
        }
        if self.stdin_fix() {
            let text = outcome
                .fixed_text
                .as_deref()
                .or_else(|| outcome.document.as_ref().map(Document::text))
                .unwrap_or_default();
            self.out.write_all(text.as_bytes())?;
            if let Some(error) = &outcome.error {
                eprintln!("error: {}: {error}", outcome.display);
            }
            return Ok(());
        }
        if outcome.fixed_text.is_some() {
            self.files_changed += 1;
        }
        match &mut self.file_output {
            Some(FileOutput {
                writer, terminal, ..
            }) => {
                self.printer.file(writer, &report)?;
                terminal.file(&mut self.out, &report)?;
            }
            None => self.printer.file(&mut self.out, &report)?,
        }
        Ok(())
    }

    /// The summary (or, with `--diff`, what would change), and the exit
    /// status before any model review.
    fn finish(mut self) -> anyhow::Result<Status> {
        let args = self.args;
        let quiet = args.result.quiet;
        if self.mode.fix {
            self.summary.fixes_applied = Some(self.fixes_applied);
        }
        if self.mode.diff {
            // --diff exits 1 when there is something to change, like ruff.
            if self.files_changed > 0 {
                self.fail();
            } else if self.status == Status::Findings && self.summary.errors == 0 {
                self.status = Status::Clean;
            }
            if !quiet {
                eprintln!(
                    "Would apply {} to {}.",
                    crate::output::plural(self.fixes_applied, "fix"),
                    crate::output::plural(self.files_changed, "file")
                );
            }
        } else if self.stdin_fix() {
            if !quiet {
                eprintln!("{}", self.summary.sentence());
            }
        } else {
            let terminal_format = match &mut self.file_output {
                Some(FileOutput {
                    path,
                    writer,
                    terminal,
                }) => {
                    self.printer.finish(writer, &self.summary)?;
                    writer
                        .flush()
                        .with_context(|| format!("writing {}", path.display()))?;
                    terminal.finish(&mut self.out, &self.summary)?;
                    Format::Human
                }
                None => {
                    self.printer.finish(&mut self.out, &self.summary)?;
                    args.printing.format
                }
            };
            if let Some(minimum) = args.min_score
                && self.below_min_score > 0
                && !quiet
            {
                eprintln!(
                    "{} below --min-score {minimum}.",
                    match self.below_min_score {
                        1 => "1 file scores".to_owned(),
                        n => format!("{n} files score"),
                    }
                );
            }
            if !quiet && !terminal_format.is_machine_readable() {
                let mut sentence = self.summary.sentence();
                if self.mode.write && self.files_changed > 0 {
                    sentence.push_str(&format!(
                        " Rewrote {}.",
                        crate::output::plural(self.files_changed, "file")
                    ));
                }
                writeln!(self.out, "{sentence}")?;
            }
        }
        self.out.flush()?;
        Ok(self.status)
    }
}

#[derive(Debug, Clone, Copy)]
struct Mode {
    fix: bool,
    write: bool,
    diff: bool,
    min_fix: Applicability,
    /// `--ext` or `--ignore-syntax`: the kind every input is read as.
    kind: Option<DocumentKind>,
}

impl Mode {
    fn of(args: &CheckArgs) -> Mode {
        Mode {
            fix: args.fix || args.diff,
            write: args.fix && !args.diff && !args.stdin,
            diff: args.diff,
            min_fix: if args.unsafe_fixes {
                Applicability::Unsafe
            } else {
                Applicability::Safe
            },
            kind: if args.ignore_syntax {
                Some(DocumentKind::Verbatim)
            } else {
                ext_kind(args.ext.as_deref())
            },
        }
    }
}

/// Vale's `--glob`: the matcher, and whether it excludes (`!` in front).
fn vale_glob(given: Option<&str>) -> anyhow::Result<Option<(globset::GlobMatcher, bool)>> {
    let Some(given) = given else {
        return Ok(None);
    };
    let (pattern, negated) = match given.strip_prefix('!') {
        Some(rest) => (rest, true),
        None => (given, false),
    };
    let glob = globset::GlobBuilder::new(pattern)
        .literal_separator(false)
        .build()
        .with_context(|| format!("--glob “{given}” is not a glob"))?;
    Ok(Some((glob.compile_matcher(), negated)))
}

/// Vale's `--filter`: an expression, or a file holding one.
fn vale_filter(given: Option<&str>) -> anyhow::Result<Option<crate::vale::Filter>> {
    let Some(given) = given else {
        return Ok(None);
    };
    let path = Path::new(given);
    let (text, origin) = if path.is_file() {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the filter {}", path.display()))?;
        (text, path.display().to_string())
    } else {
        (given.to_owned(), "--filter".to_owned())
    };
    crate::vale::Filter::parse(text.trim())
        .map(Some)
        .map_err(|e| anyhow::anyhow!("{origin}: invalid filter: {e}"))
}

/// The kind of a file with extension `ext` (`.md` or `md`).
fn ext_kind(ext: Option<&str>) -> Option<DocumentKind> {
    ext.map(|ext| DocumentKind::from_path(Path::new(&format!("x.{}", ext.trim_start_matches('.')))))
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

fn display_path(path: &Path) -> String {
    let shown = path.strip_prefix("./").unwrap_or(path);
    shown.display().to_string()
}

fn check_input(
    input: Input,
    checker: &Checker,
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
    let kind = mode
        .kind
        .unwrap_or_else(|| DocumentKind::from_path(&input.path));
    // Standard input has a path only when --stdin-filename names one.
    let path = (!unnamed_stdin).then_some(input.path.as_path());
    if !mode.fix {
        let key = cache.map(|cache| {
            // The kind too: --ext and --ignore-syntax read the same text
            // differently.
            let options = format!("{:?} {kind:?}", checker.options());
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
        let (document, findings) = checker.check_owned_at(text, kind, path);
        outcome.words = document.word_count();
        // A check that a time budget cut short is not kept: its findings
        // depend on how busy the machine was.
        if let (Some(cache), Some(key)) = (cache, &key)
            && !findings.iter().any(|finding| finding.cut_short)
        {
            cache.put(key, document.text(), outcome.words, &findings);
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

/// The checker for `path`, with the warnings of a guide loaded for it
/// printed once, as it is loaded.
fn checker_for(guides: &mut Resolver, path: &Path) -> anyhow::Result<Arc<Checker>> {
    let checker = guides.checker_for(path);
    for warning in guides.take_warnings() {
        eprintln!("warning: {warning}");
    }
    Ok(checker?)
}

/// The guides that could not be loaded, each with how many files it would
/// have checked.
#[derive(Default)]
struct UncheckedByGuide {
    /// Each distinct error, in the order first met, with its count.
    errors: Vec<(String, usize)>,
    by_text: HashMap<String, usize>,
    files: usize,
    /// Vale's output was asked for: errors Vale also stops on are printed
    /// in Vale's form (`E100 [loadStyles] Runtime error`).
    vale_output: bool,
}

/// An error in Vale's `E100 [context] Runtime error` form, when Vale stops
/// on it too; copydesk's message (with its file and line) is the body.
fn vale_form(error: &anyhow::Error) -> Option<String> {
    let crate::resolve::ResolveError::Guide(guide) =
        error.downcast_ref::<crate::resolve::ResolveError>()?
    else {
        return None;
    };
    let crate::guide::GuideError::Vale(vale) = guide.as_ref() else {
        return None;
    };
    Some(crate::vale::vale_runtime_error(
        vale.vale_context()?,
        &format!("{error:#}"),
    ))
}

impl UncheckedByGuide {
    fn add(&mut self, error: &anyhow::Error) {
        let text = self
            .vale_output
            .then(|| vale_form(error))
            .flatten()
            .unwrap_or_else(|| format!("error: {error:#}"));
        let index = *self.by_text.entry(text.clone()).or_insert_with(|| {
            self.errors.push((text, 0));
            self.errors.len() - 1
        });
        self.errors[index].1 += 1;
        self.files += 1;
    }

    fn report(&self) {
        for (error, count) in &self.errors {
            eprintln!("{error}");
            eprintln!(
                "error: {} not checked because this guide could not be loaded",
                crate::output::plural(*count, "file")
            );
        }
    }
}
