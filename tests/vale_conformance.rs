//! Vale conformance: Vale's own Cucumber scenarios (`../shared/vale-testdata`,
//! see its README) run against copydesk the way Vale's step definitions
//! (`features/steps.rb`) run `vale`, and the output compared exactly.
//!
//! Each scenario's steps become one command line: Vale's
//! `vale --output=line --sort --normalize --relative --no-global ARGS` is
//! run as `copydesk check --format vale-line --fail-on error ARGS`, in the
//! folder the step definition changes to (under a scratch copy of aruba's
//! `tmp/aruba` working folder, with `fixtures/` and `styles/` linked next to
//! it, so `StylesPath = ../../styles/` resolves as in Vale's suite). Vale's
//! own flags pass through unchanged (`--config`, `--minAlertLevel`,
//! `--filter`, `--ignore-syntax`, `--glob`, `--ext`); the four that only
//! make Vale behave as copydesk already does (`--sort`, `--normalize`,
//! `--relative`, `--no-global`, `--mode-compat`) are dropped. `vale sync`
//! and `vale fix` have no copydesk counterpart and fail.
//!
//! Scenarios "should contain exactly" compare copydesk's standard output
//! with Vale's expected lines (copydesk's notes on standard error, such as a
//! skipped rule, are not part of Vale's `line` output); "should contain"
//! and "should not contain" look at both streams, as aruba does; an exit
//! status is compared when the scenario names one.
//!
//! The test prints a table of every scenario and asserts a floor on the
//! scenarios whose inputs are Markdown, text or MDX, so conformance cannot
//! regress. `scripts/vale-conformance` prints the same table.

use crate::common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Markdown/text/MDX scenarios that pass exactly today; raise it as
/// conformance improves.
const FLOOR_PROSE_PASSES: usize = 41;
/// Expected lines of those scenarios that copydesk prints (of 172).
const FLOOR_PROSE_LINES: usize = 172;

fn testdata() -> Option<PathBuf> {
    let dir = std::env::var_os("COPYDESK_VALE_TESTDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/vale-testdata"));
    if dir.join("features").is_dir() {
        Some(dir)
    } else {
        common::skip(&format!(
            "Vale's behaviour tests not found at {} (set COPYDESK_VALE_TESTDATA; see docs/vale.md)",
            dir.display()
        ));
        None
    }
}

#[derive(Debug, Clone)]
enum Step {
    /// `a file named "X" with:` in aruba's working folder.
    File(String, String),
    /// A command: the folder (relative to aruba's), Vale's arguments.
    Run(String, Vec<String>),
    /// A command Vale has and copydesk has not.
    Unsupported(String),
    Exactly(String),
    Contains(String),
    NotContains(String),
    Status(i32),
}

#[derive(Debug)]
struct Scenario {
    feature: String,
    line: usize,
    name: String,
    steps: Vec<Step>,
}

/// Split a shell word list, honouring single and double quotes.
fn shell_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => word.push(c),
            None if c == '\'' || c == '"' => {
                quote = Some(c);
                in_word = true;
            }
            None if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            None => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The quoted arguments of a step: `I lint "test.md"` gives `["test.md"]`.
fn quoted(step: &str) -> Vec<String> {
    step.split('"')
        .enumerate()
        .filter(|(i, _)| i % 2 == 1)
        .map(|(_, s)| s.to_owned())
        .collect()
}

/// One `When` step as steps.rb defines it.
fn when_step(text: &str) -> Step {
    let q = quoted(text);
    let arg = |i: usize| q.get(i).cloned().unwrap_or_default();
    let run = |dir: &str, args: &str| Step::Run(dir.to_owned(), shell_words(args));
    let formats = "../../fixtures/formats";
    if text.starts_with("I run command ") || text.starts_with("I lint \"") {
        run(formats, &arg(0))
    } else if text.starts_with("I sync pkg") {
        Step::Unsupported(format!("vale sync (downloads packages) in pkg/{}", arg(0)))
    } else if text.starts_with("I fix ") {
        Step::Unsupported("vale fix".to_owned())
    } else if text.starts_with("I use filter") {
        run(
            "../../fixtures/filters",
            &format!("--filter=\"filter/{}.expr\" .", arg(0)),
        )
    } else if text.starts_with("I lint simple") {
        run(formats, &format!("--ignore-syntax {}", arg(0)))
    } else if text.starts_with("I lint path with exclusions") {
        run("../../fixtures/folders", ".")
    } else if text.starts_with("I lint path ") {
        run(&format!("{formats}/{}", arg(0)), ".")
    } else if text.starts_with("I lint Sphinx") {
        run(&format!("{formats}/Sphinx"), &arg(0))
    } else if text.starts_with("I test template") {
        Step::Unsupported(format!("Vale's --output templates ({})", arg(0)))
    } else if text.starts_with("I lint AsciiDoc") {
        run(&format!("{formats}/adoc"), &arg(0))
    } else if text.starts_with("I lint reStructuredText") {
        run(&format!("{formats}/rst"), &arg(0))
    } else if text.starts_with("I lint file ") {
        run(formats, &format!("--ext='{}' {}", arg(1), arg(0)))
    } else if text.starts_with("I lint with config") {
        run(formats, &format!("--config='{}' test.md", arg(0)))
    } else if text.starts_with("I test comments for") {
        run("../../fixtures/comments", &format!("test{}", arg(0)))
    } else if text.starts_with("I test patterns for") {
        run("../../fixtures/patterns", &arg(0))
    } else if text.starts_with("I test plugins for") {
        run("../../fixtures/plugins", &arg(0))
    } else if text.starts_with("I test scope") {
        run(&format!("../../fixtures/scopes/{}", arg(0)), ".")
    } else if text.starts_with("I apply style") {
        run(&format!("../../fixtures/styles/{}", arg(0)), ".")
    } else if text.starts_with("I use Vocab") {
        run(&format!("../../fixtures/vocab/{}", arg(0)), ".")
    } else if text.starts_with("I test glob") {
        run(formats, &format!("--glob='{}' .", arg(0)))
    } else if text.starts_with("I test dir glob") {
        run("../../fixtures/glob", &format!("--glob='{}' .", arg(0)))
    } else if text.starts_with("I test \"") {
        run(&format!("../../fixtures/{}", arg(0)), ".")
    } else if text.starts_with("I inspect") {
        Step::Unsupported("vale without --output=line (its terminal output)".to_owned())
    } else if text.starts_with("I run vale") {
        run(".", &arg(0))
    } else if text.starts_with("I assign minAlertLevel") {
        run(".", &format!("--minAlertLevel='{}' {}", arg(0), arg(1)))
    } else if text.starts_with("I inherit from") {
        run(
            &arg(0),
            &format!("--mode-compat --config='{}' test.md", arg(1)),
        )
    } else if text.starts_with("I check inherited config") {
        run(
            "../../fixtures/configs",
            &format!("--mode-compat --config='{}' dc", arg(0)),
        )
    } else if text.starts_with("I overwrite sources") || text.starts_with("I inherit sources") {
        run(
            "../../fixtures/configs",
            &format!("--sources='{}' test.md", arg(0)),
        )
    } else if text.starts_with("I run cat") {
        Step::Run(
            formats.to_owned(),
            vec![
                "--stdin-from".to_owned(),
                arg(0),
                format!("--ext={}", arg(1)),
            ],
        )
    } else if text.starts_with("I lint string") {
        Step::Run(formats.to_owned(), vec![arg(0)])
    } else {
        Step::Unsupported(format!("step not understood: {text}"))
    }
}

fn parse_feature(name: &str, text: &str) -> Vec<Scenario> {
    let lines: Vec<&str> = text.lines().collect();
    let mut background: Vec<Step> = Vec::new();
    let mut scenarios: Vec<Scenario> = Vec::new();
    let mut in_background = false;
    let mut i = 0;
    // A docstring: the lines between two `"""`, unindented by the opening
    // quote's indentation.
    let docstring = |i: &mut usize| -> String {
        let mut out = Vec::new();
        if let Some(open) = lines.get(*i + 1)
            && open.trim() == "\"\"\""
        {
            let indent = open.len() - open.trim_start().len();
            *i += 2;
            while let Some(line) = lines.get(*i) {
                if line.trim() == "\"\"\"" {
                    break;
                }
                out.push(line.get(indent..).unwrap_or(line.trim_start()));
                *i += 1;
            }
        }
        out.join("\n")
    };
    while i < lines.len() {
        let line = lines[i].trim();
        let step_text = ["Given ", "When ", "Then ", "And ", "But "]
            .iter()
            .find_map(|k| line.strip_prefix(k));
        if line.starts_with('#') {
        } else if line.starts_with("Background:") {
            in_background = true;
        } else if let Some(title) = line.strip_prefix("Scenario:") {
            in_background = false;
            scenarios.push(Scenario {
                feature: name.to_owned(),
                line: i + 1,
                name: title.trim().to_owned(),
                steps: background.clone(),
            });
        } else if let Some(step) = step_text {
            let parsed = if step.starts_with("a file named") {
                let file = quoted(step).first().cloned().unwrap_or_default();
                Some(Step::File(file, docstring(&mut i)))
            } else if step.starts_with("the output should contain exactly") {
                Some(Step::Exactly(docstring(&mut i)))
            } else if step.starts_with("the output should not contain") {
                Some(Step::NotContains(
                    quoted(step).first().cloned().unwrap_or_default(),
                ))
            } else if step.starts_with("the output should contain") {
                Some(Step::Contains(docstring(&mut i)))
            } else if let Some(code) = step.strip_prefix("the exit status should be ") {
                code.trim().parse().ok().map(Step::Status)
            } else if step.starts_with("on Unix") {
                None
            } else {
                Some(when_step(step))
            };
            if let Some(parsed) = parsed {
                if in_background {
                    background.push(parsed);
                } else if let Some(scenario) = scenarios.last_mut() {
                    scenario.steps.push(parsed);
                }
            }
        }
        i += 1;
    }
    scenarios
}

/// Vale's arguments as copydesk's.
fn copydesk_args(vale: &[String]) -> Vec<String> {
    let mut args = vec![
        "check".to_owned(),
        "--format".to_owned(),
        "vale-line".to_owned(),
        "--fail-on".to_owned(),
        "error".to_owned(),
    ];
    for arg in vale {
        match arg.as_str() {
            "--sort" | "--normalize" | "--relative" | "--no-global" | "--mode-compat" => {}
            "--output=line" => {}
            other => args.push(other.to_owned()),
        }
    }
    args
}

/// The extensions of the files a command reads (its expected output's
/// paths when there are some, else its arguments, else the files under the
/// folder it checks).
fn input_extensions(dir: &Path, args: &[String], expected: Option<&str>) -> Vec<String> {
    let ext = |p: &str| {
        Path::new(p)
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase())
            .unwrap_or_default()
    };
    if let Some(expected) = expected {
        let from_output: Vec<String> = expected
            .lines()
            .filter_map(|l| l.split(':').next())
            .filter(|p| !p.is_empty())
            .map(ext)
            .collect();
        if !from_output.is_empty() {
            return from_output;
        }
    }
    let ext_flag = args.iter().find_map(|a| a.strip_prefix("--ext="));
    if let Some(e) = ext_flag {
        return vec![e.trim_start_matches('.').to_lowercase()];
    }
    let mut found = Vec::new();
    for arg in args.iter().filter(|a| !a.starts_with('-')) {
        let path = dir.join(arg);
        if path.is_dir() {
            collect_extensions(&path, &mut found);
        } else if path.is_file() {
            found.push(ext(arg));
        }
    }
    found
}

fn collect_extensions(dir: &Path, found: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if name.starts_with('.')
            || name.starts_with('_')
            || ["styles", "filter", "node_modules"].contains(&name.as_str())
        {
            continue;
        }
        if path.is_dir() {
            collect_extensions(&path, found);
        } else if let Some(e) = path.extension() {
            let e = e.to_string_lossy().to_lowercase();
            if !["ini", "yml", "yaml", "txt~", "expr", "tmpl", "json", "zip"].contains(&e.as_str())
                || name == "test.yml"
            {
                found.push(e);
            }
        }
    }
}

#[derive(Debug, Default)]
struct Outcome {
    pass: bool,
    /// Whether every input is Markdown, text or MDX.
    prose: bool,
    expected_lines: usize,
    matched_lines: usize,
    extra_lines: usize,
    why: String,
    /// The inputs' formats copydesk does not parse (it reads them as text).
    unparsed: Vec<&'static str>,
    /// Whether every line missing or extra is a spelling rule's.
    spelling_only: bool,
}

/// The scratch folder and the test data its links point to, in
/// `COPYDESK_GUIDE_PATHS` form.
fn guide_paths(root: &Path) -> std::ffi::OsString {
    let mut roots = vec![root.to_path_buf()];
    for name in ["fixtures", "styles"] {
        if let Ok(target) = root.join(name).canonicalize() {
            roots.push(target);
        }
    }
    std::env::join_paths(roots).expect("test paths without the separator")
}

fn run_scenario(root: &Path, scenario: &Scenario) -> Outcome {
    let aruba = root.join("tmp/aruba");
    let _ = std::fs::remove_dir_all(&aruba);
    std::fs::create_dir_all(&aruba).expect("the scratch folder is writable");
    let mut outcome = Outcome {
        pass: true,
        ..Outcome::default()
    };
    let expected_exact = scenario.steps.iter().find_map(|s| match s {
        Step::Exactly(text) => Some(text.as_str()),
        _ => None,
    });
    let mut last: Option<(String, String, i32)> = None;
    for step in &scenario.steps {
        match step {
            Step::File(name, text) => {
                let path = aruba.join(name);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).expect("the scratch folder is writable");
                }
                std::fs::write(&path, format!("{text}\n")).expect("the scratch file is writable");
            }
            Step::Unsupported(what) => {
                outcome.pass = false;
                outcome.why = format!("not supported: {what}");
                last = None;
            }
            Step::Run(dir, vale_args) => {
                let dir = aruba.join(dir);
                let exts = input_extensions(&dir, vale_args, expected_exact);
                outcome.prose = !exts.is_empty()
                    && exts
                        .iter()
                        .all(|e| ["md", "txt", "mdx", "markdown"].contains(&e.as_str()));
                for name in exts.iter().filter_map(|e| unparsed_format(e)) {
                    if !outcome.unparsed.contains(&name) {
                        outcome.unparsed.push(name);
                    }
                }
                let mut args = copydesk_args(vale_args);
                let mut command = common::copydesk();
                // `I run cat FILE EXT`: the file on standard input.
                if let Some(i) = args.iter().position(|a| a == "--stdin-from") {
                    let file = args.remove(i + 1);
                    args.remove(i);
                    args.push("--stdin".to_owned());
                    match std::fs::File::open(dir.join(&file)) {
                        Ok(f) => {
                            command.stdin(f);
                        }
                        Err(e) => panic!("{}: {e}", dir.join(&file).display()),
                    }
                }
                let output = command
                    .args(&args)
                    .current_dir(&dir)
                    .env("NO_COLOR", "1")
                    .env("COPYDESK_CONFIG_DIR", root.join("config"))
                    // Vale's fixtures name styles up the tree (`../../styles`),
                    // outside the folder copydesk takes as the guide's
                    // project: allow the test data, as a user would.
                    .env("COPYDESK_GUIDE_PATHS", guide_paths(root))
                    .output()
                    .expect("copydesk runs");
                last = Some((
                    common::stdout(&output),
                    common::stderr(&output),
                    output.status.code().unwrap_or(-1),
                ));
            }
            Step::Exactly(expected) => {
                let expected: Vec<&str> = expected.lines().filter(|l| !l.is_empty()).collect();
                outcome.expected_lines += expected.len();
                let Some((stdout, stderr, _)) = &last else {
                    outcome.pass = false;
                    continue;
                };
                let actual: Vec<&str> = stdout.lines().filter(|l| !l.is_empty()).collect();
                let mut remaining: Vec<&str> = actual.clone();
                for line in &expected {
                    if let Some(i) = remaining.iter().position(|a| a == line) {
                        remaining.remove(i);
                        outcome.matched_lines += 1;
                    }
                }
                outcome.extra_lines += remaining.len();
                if actual != expected {
                    if std::env::var_os("COPYDESK_VALE_ONLY").is_some() {
                        eprintln!(
                            "expected:\n{}\nactual:\n{stdout}{stderr}",
                            expected.join("\n")
                        );
                    }
                    outcome.pass = false;
                    if outcome.why.is_empty() {
                        outcome.why = diff_summary(&expected, &actual, stderr);
                        let differing: Vec<&&str> = expected
                            .iter()
                            .filter(|l| !actual.contains(l))
                            .chain(actual.iter().filter(|l| !expected.contains(l)))
                            .collect();
                        // (Lines that only come in another order are not
                        // the dictionary's doing.)
                        outcome.spelling_only = !differing.is_empty()
                            && differing.iter().all(|l| l.contains("Spelling"));
                    }
                }
            }
            Step::Contains(text) | Step::NotContains(text) => {
                let wanted = matches!(step, Step::Contains(_));
                let found = last.as_ref().is_some_and(|(out, err, _)| {
                    out.contains(text.as_str()) || err.contains(text.as_str())
                });
                if found != wanted {
                    outcome.pass = false;
                    if outcome.why.is_empty() {
                        outcome.why = format!(
                            "output should {}contain {text:?}",
                            if wanted { "" } else { "not " }
                        );
                    }
                }
            }
            Step::Status(code) => {
                let actual = last.as_ref().map(|(_, _, c)| *c);
                if actual != Some(*code) {
                    outcome.pass = false;
                    if outcome.why.is_empty() {
                        outcome.why = format!("exit status {actual:?}, expected {code}");
                    }
                }
            }
        }
    }
    outcome
}

/// The name of a format Vale parses and copydesk reads as plain text, by
/// file extension; `None` for Markdown, MDX and text.
fn unparsed_format(ext: &str) -> Option<&'static str> {
    Some(match ext {
        "md" | "markdown" | "mdx" | "txt" | "" => return None,
        "adoc" | "asciidoc" => "AsciiDoc",
        "rst" => "reStructuredText",
        "html" | "htm" => "HTML",
        "org" => "Org",
        "xml" | "dita" => "XML/DITA",
        "tex" => "LaTeX",
        _ => "code comments",
    })
}

/// Why a scenario fails, with its cause first where the runner can tell it:
/// an input format copydesk does not parse, or only spelling lines differing
/// (the bundled dictionary is not Vale's en_US-web).
fn failure_cause(o: &Outcome) -> String {
    if o.pass || o.why.starts_with("not supported") {
        return o.why.clone();
    }
    if !o.unparsed.is_empty() {
        return format!("format not parsed ({}): {}", o.unparsed.join(", "), o.why);
    }
    if o.spelling_only {
        return format!("dictionary (not Vale's en_US-web): {}", o.why);
    }
    o.why.clone()
}

fn diff_summary(expected: &[&str], actual: &[&str], stderr: &str) -> String {
    let missing: Vec<&&str> = expected.iter().filter(|l| !actual.contains(l)).collect();
    let extra: Vec<&&str> = actual.iter().filter(|l| !expected.contains(l)).collect();
    let mut why = String::new();
    if let Some(first) = missing.first() {
        let _ = write!(why, "{} missing (first: {first})", missing.len());
    }
    if let Some(first) = extra.first() {
        if !why.is_empty() {
            why.push_str("; ");
        }
        let _ = write!(why, "{} extra (first: {first})", extra.len());
    }
    if why.is_empty() {
        why = "order differs".to_owned();
    }
    if let Some(err) = stderr.lines().find(|l| l.starts_with("error")) {
        let _ = write!(why, "; stderr: {err}");
    }
    why
}

/// Run every scenario; the table as text and the outcomes.
fn run_all(testdata: &Path) -> (String, Vec<(String, Outcome)>) {
    let root =
        std::env::temp_dir().join(format!("copydesk-vale-conformance-{}", std::process::id()));
    std::fs::create_dir_all(&root).expect("the scratch folder is writable");
    for name in ["fixtures", "styles"] {
        let link = root.join(name);
        let _ = std::fs::remove_file(&link);
        #[cfg(unix)]
        std::os::unix::fs::symlink(testdata.join(name), &link).expect("symlink");
    }
    let mut features: Vec<PathBuf> = std::fs::read_dir(testdata.join("features"))
        .expect("features/ is readable")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "feature"))
        .collect();
    features.sort();
    // `COPYDESK_VALE_ONLY=Spelling`: run only the scenarios whose
    // `feature:line name` contains it (the floor is then not asserted).
    let only = std::env::var("COPYDESK_VALE_ONLY").ok();
    let mut results = Vec::new();
    for feature in &features {
        let text = std::fs::read_to_string(feature).expect("a feature file is readable");
        let name = feature
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for scenario in parse_feature(&name, &text) {
            let label = format!("{}:{} {}", scenario.feature, scenario.line, scenario.name);
            if only
                .as_ref()
                .is_some_and(|only| !label.contains(only.as_str()))
            {
                continue;
            }
            let outcome = run_scenario(&root, &scenario);
            results.push((
                format!("{}:{} {}", scenario.feature, scenario.line, scenario.name),
                outcome,
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&root);

    let mut table = String::new();
    let _ = writeln!(
        table,
        "| scenario | inputs | result | expected lines matched | extra lines | why |"
    );
    let _ = writeln!(table, "| --- | --- | --- | --- | --- | --- |");
    for (name, o) in &results {
        let _ = writeln!(
            table,
            "| {name} | {} | {} | {}/{} | {} | {} |",
            if o.prose { "md/txt/mdx" } else { "other" },
            if o.pass { "pass" } else { "FAIL" },
            o.matched_lines,
            o.expected_lines,
            o.extra_lines,
            failure_cause(o).replace('|', "\\|")
        );
    }
    let mut totals: BTreeMap<&str, [usize; 5]> = BTreeMap::new();
    for (_, o) in &results {
        for key in [if o.prose { "md/txt/mdx" } else { "other" }, "all"] {
            let t = totals.entry(key).or_default();
            t[0] += 1;
            t[1] += usize::from(o.pass);
            t[2] += o.matched_lines;
            t[3] += o.expected_lines;
            t[4] += o.extra_lines;
        }
    }
    let _ = writeln!(table);
    for (key, [n, pass, matched, expected, extra]) in &totals {
        let _ = writeln!(
            table,
            "{key}: {pass} of {n} scenarios pass; {matched} of {expected} expected lines ({:.0}%); {extra} extra lines",
            if *expected == 0 {
                100.0
            } else {
                *matched as f64 * 100.0 / *expected as f64
            }
        );
    }
    (table, results)
}

/// Rewrite docs/vale.md between its conformance markers: the date, the
/// commit, the totals and the table (`COPYDESK_UPDATE_DOCS=1
/// scripts/vale-conformance`).
fn write_docs_table(table: &str) {
    const START: &str = "<!-- vale-conformance:start -->";
    const END: &str = "<!-- vale-conformance:end -->";
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/vale.md");
    let docs = std::fs::read_to_string(&path).expect("docs/vale.md is readable");
    let (Some(start), Some(end)) = (docs.find(START), docs.find(END)) else {
        panic!("docs/vale.md has no {START} … {END} markers");
    };
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .ok()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
            .unwrap_or_default()
    };
    let commit = git(&["rev-parse", "--short", "HEAD"]);
    let date = git(&["log", "-1", "--format=%cs"]);
    let (rows, totals) = table.split_once("\n\n").unwrap_or((table, ""));
    let totals: String = totals
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| format!("- {l}\n"))
        .collect();
    let section = format!(
        "{START}\nMeasured on {date} at commit {commit} (`scripts/vale-conformance`):\n\n{totals}\n{rows}\n{END}"
    );
    let updated = format!("{}{section}{}", &docs[..start], &docs[end + END.len()..]);
    std::fs::write(&path, updated).expect("docs/vale.md is writable");
}

#[test]
fn vale_scenarios_pass_at_least_the_floor() {
    let Some(testdata) = testdata() else {
        return;
    };
    let (table, results) = run_all(&testdata);
    // Not `println!`: shown in a plain `cargo test` run.
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{table}");
    let prose_passes = results.iter().filter(|(_, o)| o.prose && o.pass).count();
    if std::env::var_os("COPYDESK_VALE_ONLY").is_some() {
        return;
    }
    if std::env::var_os("COPYDESK_UPDATE_DOCS").is_some() {
        write_docs_table(&table);
    }
    assert!(
        results.len() > 100,
        "Vale's features hold about 130 scenarios; read {}",
        results.len()
    );
    let prose_lines: usize = results
        .iter()
        .filter(|(_, o)| o.prose)
        .map(|(_, o)| o.matched_lines)
        .sum();
    assert!(
        prose_lines >= FLOOR_PROSE_LINES,
        "only {prose_lines} expected lines of Markdown/text/MDX scenarios match (the floor is {FLOOR_PROSE_LINES}):\n{table}"
    );
    assert!(
        prose_passes >= FLOOR_PROSE_PASSES,
        "only {prose_passes} Markdown/text/MDX scenarios pass (the floor is {FLOOR_PROSE_PASSES}):\n{table}"
    );
}

#[test]
fn shell_words_keep_quoted_arguments_whole() {
    assert_eq!(
        shell_words("--config='a b.ini' test.md \"x y\""),
        vec!["--config=a b.ini", "test.md", "x y"]
    );
}

/// A Vale project in a scratch folder: `.vale.ini`, one style `S` with the
/// rule `Very`, and `doc.md`.
fn project(ini: &str, doc: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "copydesk-vale-project-{}-{}",
        std::process::id(),
        doc.len() + ini.len()
    ));
    std::fs::create_dir_all(dir.join("styles/S")).expect("scratch folder");
    std::fs::write(
        dir.join("styles/S/Very.yml"),
        "extends: existence\nmessage: \"Avoid '%s'\"\nlevel: warning\ntokens: [very]\n",
    )
    .expect("scratch file");
    std::fs::write(dir.join(".vale.ini"), ini).expect("scratch file");
    std::fs::write(dir.join("doc.md"), doc).expect("scratch file");
    dir
}

#[test]
fn vale_output_has_vale_rules_only_and_honours_ignored_scopes_and_filters() {
    let dir = project(
        "StylesPath = styles\nIgnoredScopes = code, strong\n\n[doc.md]\nBasedOnStyles = S\n",
        "It is **very** bold and very plain, basically.\n",
    );
    // `./doc.md` matches the `[doc.md]` section; the bold match is ignored;
    // copydesk's own filler-word rule is not in Vale's output. The plain
    // match is printed where Vale prints it: Vale looks the matched text up
    // again in the line, and finds the bold one first (docs/vale.md).
    let output = common::run_in(&dir, &["check", "--format", "vale-line", "./doc.md"]);
    assert_eq!(common::stdout(&output), "doc.md:1:9:S.Very:Avoid 'very'\n");
    // copydesk's own output keeps the plain match where it is.
    let output = common::run_in(&dir, &["check", "--format", "concise", "./doc.md"]);
    assert!(
        common::stdout(&output).contains("doc.md:1:25:"),
        "{}",
        common::stdout(&output)
    );
    // --filter keeps only the rules it accepts.
    let output = common::run_in(
        &dir,
        &[
            "check",
            "--format",
            "vale-line",
            "--filter",
            ".Level == \"error\"",
            "doc.md",
        ],
    );
    assert_eq!(common::stdout(&output), "");
    // --minAlertLevel error hides the warning.
    let output = common::run_in(
        &dir,
        &[
            "check",
            "--format",
            "vale-line",
            "--minAlertLevel",
            "error",
            "doc.md",
        ],
    );
    assert_eq!(common::stdout(&output), "");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A scratch Vale project with the rule files given as (name, YAML) in
/// style `S` and one document.
fn project_with(tag: &str, rules: &[(&str, &str)], doc_name: &str, doc: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "copydesk-vale-behaviour-{}-{tag}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("styles/S")).expect("scratch folder");
    for (name, yaml) in rules {
        std::fs::write(dir.join(format!("styles/S/{name}.yml")), yaml).expect("scratch file");
    }
    std::fs::write(
        dir.join(".vale.ini"),
        "StylesPath = styles\nMinAlertLevel = suggestion\n\n[*]\nBasedOnStyles = S\n",
    )
    .expect("scratch file");
    std::fs::write(dir.join(doc_name), doc).expect("scratch file");
    dir
}

const TODO_RULE: &str =
    "extends: existence\nmessage: \"'%s' left in text\"\nlevel: warning\ntokens: [TODO]\n";

#[test]
fn alt_text_is_checked_and_reaches_the_alt_scope() {
    let long_alt = "extends: occurrence\nmessage: Alt text too long\nscope: alt\nlevel: warning\nmax: 10\ntoken: '\\w'\n";
    let dir = project_with(
        "alt",
        &[("Todo", TODO_RULE), ("Alt", long_alt)],
        "doc.md",
        "Intro.\n\n![TODO](/a.png)\n\nSee ![short](/b.png) and ![a much longer description](/c.png).\n",
    );
    let output = common::run_in(&dir, &["check", "--format", "vale-line", "doc.md"]);
    assert_eq!(
        common::stdout(&output),
        "doc.md:3:3:S.Todo:'TODO' left in text\ndoc.md:5:28:S.Alt:Alt text too long\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn raw_rules_ignore_vale_comments_and_a_lone_argument_is_text() {
    let raw = "extends: existence\nmessage: \"Link '%s' uses .html\"\nlevel: error\nscope: raw\nraw: ['\\]\\([\\w./]+\\.html\\)']\n";
    let dir = project_with(
        "raw",
        &[("Todo", TODO_RULE), ("Raw", raw)],
        "doc.md",
        "<!-- vale off -->\n\nA TODO and [a link](../index.html).\n",
    );
    // `vale off` silences the prose rule, not the raw one (as Vale).
    let output = common::run_in(&dir, &["check", "--format", "vale-line", "doc.md"]);
    assert_eq!(
        common::stdout(&output),
        "doc.md:3:19:S.Raw:Link '](../index.html)' uses .html\n"
    );
    // `vale 'some text'`: an argument that is no file is checked as text.
    let output = common::run_in(&dir, &["check", "--format", "vale-line", "Still TODO here"]);
    assert_eq!(
        common::stdout(&output),
        "stdin.txt:1:7:S.Todo:'TODO' left in text\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn substitution_capitalizes_and_compares_the_expected_form_as_written() {
    let swap = "extends: substitution\nmessage: \"Use '%s' instead of '%s'.\"\nlevel: error\nignorecase: true\ncapitalize: true\nswap:\n  mankind: human kind\n  MPL[ -]?2(?:\\.0)?: MPL 2.0\n";
    let dir = project_with(
        "swap",
        &[("Swap", swap)],
        "doc.md",
        "Mankind and mankind.\n\nUnder mpl 2.0 or MPL 2.0.\n",
    );
    let output = common::run_in(&dir, &["check", "--format", "vale-line", "doc.md"]);
    assert_eq!(
        common::stdout(&output),
        "doc.md:1:1:S.Swap:Use 'Human kind' instead of 'Mankind'.\n\
         doc.md:1:13:S.Swap:Use 'human kind' instead of 'mankind'.\n\
         doc.md:3:7:S.Swap:Use 'MPL 2.0' instead of 'mpl 2.0'.\n"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
