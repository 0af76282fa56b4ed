//! Vale `script` rules (Tengo), end to end through `copydesk check --format
//! vale-line`: a script from `<StylesPath>/config/scripts/`, inline scripts
//! with and without their own messages, a script refused when the styles
//! load, and runaway scripts stopped while the other rules still report;
//! beside them, the time budget a style's rules share and a rule whose
//! pattern gives up, neither of whose results is cached. Every style and
//! script is written here.

use crate::common;

const CONFIG: &str = "StylesPath = styles\nMinAlertLevel = suggestion\n\n[*]\nBasedOnStyles = T\n";

/// A project with `.vale.ini`, the style `T` (one rule file per entry),
/// script files under `styles/config/scripts`, and `doc.md`.
fn project(rules: &[(&str, &str)], scripts: &[(&str, &str)], doc: &str) -> tempfile::TempDir {
    let mut all: Vec<(String, &str)> =
        vec![(".vale.ini".to_owned(), CONFIG), ("doc.md".to_owned(), doc)];
    for (name, yaml) in rules {
        all.push((format!("styles/T/{name}.yml"), yaml));
    }
    for (name, text) in scripts {
        all.push((format!("styles/config/scripts/{name}"), text));
    }
    let borrowed: Vec<(&str, &str)> = all.iter().map(|(n, t)| (n.as_str(), *t)).collect();
    common::folder_with(&borrowed)
}

fn vale_line(dir: &std::path::Path) -> (String, String, Option<i32>) {
    vale_line_with(dir, &[])
}

/// [`vale_line`] with environment variables set.
fn vale_line_with(
    dir: &std::path::Path,
    env: &[(&str, &std::ffi::OsStr)],
) -> (String, String, Option<i32>) {
    let output = common::copydesk()
        .args(["check", "--format", "vale-line", "doc.md"])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .envs(env.iter().copied())
        .output()
        .expect("copydesk runs");
    (
        common::stdout(&output),
        common::stderr(&output),
        output.status.code(),
    )
}

/// Flags each line that starts with a label such as `Note:`, reading the
/// whole file (`scope: raw`) from a script file.
const LABELS_RULE: &str = "extends: script\nmessage: \"Don't open a line with '%s'\"\nlevel: warning\nscope: raw\nscript: Labels.tengo\n";

const LABELS_SCRIPT: &str = r#"// Lines that open with a label.
text := import("text")

matches := []
offset := 0
for line in text.split(scope, "\n") {
    label := text.re_find(`^(Note|Tip):`, line)
    if label != undefined {
        matches = append(matches, {begin: offset, end: offset + label[0][0].end})
    }
    offset += len(line) + 1
}
"#;

const DOC: &str = "# Release notes\n\nNote: this release drops the old importer.\n\nWe utilize a faster parser, and you can leverage it today.\n\nTip: read the upgrade guide first.\n";

#[test]
fn a_script_from_config_scripts_reports_each_match_where_vale_prints_it() {
    let dir = project(
        &[("Labels", LABELS_RULE)],
        &[("Labels.tengo", LABELS_SCRIPT)],
        DOC,
    );
    let (out, err, code) = vale_line(dir.path());
    assert_eq!(
        out,
        "doc.md:3:1:T.Labels:Don't open a line with 'Note:'\ndoc.md:7:1:T.Labels:Don't open a line with 'Tip:'\n",
        "{err}"
    );
    // Findings at `warning`: status 1.
    assert_eq!(code, Some(1), "{err}");
    // Nothing was skipped.
    assert!(!err.contains("skipped"), "{err}");
}

#[test]
fn a_match_may_bring_its_own_message_and_block_scopes_run_per_block() {
    // On each paragraph: plain words for two inflated ones; "leverage"
    // gets its own message, "utilize" the rule's (with %s the match).
    let rule = r#"extends: script
message: "Prefer a plainer word than '%s'"
level: suggestion
scope: paragraph
script: |
  text := import("text")
  matches := []
  found := text.re_find(`\b(utilize|leverage)\b`, scope, -1)
  for m in found {
    w := m[1].text
    entry := {begin: m[0].begin, end: m[0].end}
    if w == "leverage" {
      entry.message = "Say 'use' rather than '" + w + "'"
    }
    matches = append(matches, entry)
  }
"#;
    let dir = project(&[("Plain", rule)], &[], DOC);
    let (out, err, _) = vale_line(dir.path());
    assert_eq!(
        out,
        "doc.md:5:4:T.Plain:Prefer a plainer word than 'utilize'\ndoc.md:5:41:T.Plain:Say 'use' rather than 'leverage'\n",
        "{err}"
    );
    // copydesk's own format: the same findings at the script's bytes.
    let output = common::run_in(dir.path(), &["check", "--format", "json", "doc.md"]);
    let json = common::stdout(&output);
    assert!(json.contains("Say 'use' rather than 'leverage'"), "{json}");
}

#[test]
fn the_offsets_vale_looks_up_land_where_vale_prints_them() {
    // The script reports byte 1 of the file, a `-` of the front matter
    // fence; Vale looks the text up in the file and prints the first `-`
    // between word edges: the one in the date on line 3.
    let rule = "extends: script\nmessage: \"Found '%s'\"\nscope: raw\nscript: |\n  matches := [{begin: 1, end: 2}]\n";
    let doc = "---\ntitle: Notes\ndate: 2026-12-04\n---\n\nBody text.\n";
    let dir = project(&[("Dash", rule)], &[], doc);
    let (out, err, _) = vale_line(dir.path());
    assert_eq!(out, "doc.md:3:11:T.Dash:Found '-'\n", "{err}");
}

#[test]
fn a_script_the_interpreter_refuses_is_skipped_with_its_place_and_the_rest_runs() {
    let reads_files = "extends: script\nmessage: \"x\"\nscope: raw\nscript: Env.tengo\n";
    let script = "os := import(\"os\")\nmatches := []\n";
    let unknown = "extends: script\nmessage: \"x\"\nscope: raw\nscript: |\n  text := import(\"text\")\n  n := text.levenshtein(scope, \"x\")\n";
    let dir = project(
        &[
            ("Env", reads_files),
            ("Unknown", unknown),
            ("Labels", LABELS_RULE),
        ],
        &[("Env.tengo", script), ("Labels.tengo", LABELS_SCRIPT)],
        DOC,
    );
    let (out, err, code) = vale_line(dir.path());
    // Findings, not a configuration error.
    assert_eq!(code, Some(1), "{err}");
    assert!(
        out.contains("T.Labels:Don't open a line with 'Note:'"),
        "{out}"
    );
    assert!(
        !out.contains("T.Env") && !out.contains("T.Unknown"),
        "{out}"
    );
    // The rule, the script file, its line and column, and why.
    assert!(err.contains("T.Env ("), "{err}");
    assert!(
        err.contains("Env.tengo:1:7: module “os” is refused"),
        "{err}"
    );
    // An inline script's place is the rule file's line.
    assert!(err.contains("T.Unknown ("), "{err}");
    assert!(
        err.contains("line 6, column 8: text.levenshtein is not in Tengo's text module"),
        "{err}"
    );
}

#[test]
fn a_runaway_script_is_stopped_with_a_message_while_other_rules_report() {
    let forever =
        "extends: script\nmessage: \"x\"\nscope: raw\nscript: |\n  n := 0\n  for {\n    n++\n  }\n";
    let doubling = "extends: script\nmessage: \"x\"\nscope: raw\nscript: |\n  s := scope\n  for {\n    s += s\n  }\n";
    let dir = project(
        &[
            ("Forever", forever),
            ("Doubling", doubling),
            ("Labels", LABELS_RULE),
        ],
        &[("Labels.tengo", LABELS_SCRIPT)],
        DOC,
    );
    let (out, err, code) = vale_line(dir.path());
    assert!(matches!(code, Some(0 | 1)), "{code:?} {err}");
    let lines: Vec<&str> = out.lines().collect();
    // Stopped by its steps, or by the time backstop on a slow machine:
    // either way at the loop, with the reason.
    let forever = lines
        .iter()
        .find(|l| l.contains("T.Forever"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        forever.starts_with(
            "doc.md:1:1:T.Forever:T.Forever gave up on this file: its script stopped: line "
        ),
        "{out}"
    );
    // A run may take 20,000 steps plus 1,000 per byte of its text.
    let budget = 20_000 + 1_000 * DOC.len();
    assert!(
        forever.contains(&format!(
            "the script ran more than {budget} steps and was stopped (an endless loop?)"
        )) || forever.contains("the script ran longer than"),
        "{out}"
    );
    assert!(
        ["line 6, column 3", "line 7, column 5"]
            .iter()
            .any(|at| forever.contains(at)),
        "{out}"
    );
    assert!(
        lines.contains(&"doc.md:1:1:T.Doubling:T.Doubling gave up on this file: its script stopped: line 7, column 7: the script built more than 64 MiB of strings and arrays and was stopped"),
        "{out}"
    );
    assert!(
        lines.contains(&"doc.md:3:1:T.Labels:Don't open a line with 'Note:'"),
        "{out}"
    );
    assert!(
        lines.contains(&"doc.md:7:1:T.Labels:Don't open a line with 'Tip:'"),
        "{out}"
    );
}

/// A runaway script scoped to sentences runs once per sentence, each run
/// with a budget in proportion to its sentence, so a short post with a
/// hundred sentences is not held for a whole budget per sentence (which was
/// minutes, from a style in a repository the writer did not write).
#[test]
fn a_runaway_sentence_script_gets_a_budget_in_proportion_to_each_sentence() {
    let forever = "extends: script\nmessage: \"x\"\nscope: sentence\nscript: |\n  n := 0\n  for {\n    n++\n  }\n";
    let sentence = "This is one of many short sentences.";
    let doc: String = (0..100).map(|_| format!("{sentence}\n\n")).collect();
    let dir = project(
        &[("Forever", forever), ("Labels", LABELS_RULE)],
        &[("Labels.tengo", LABELS_SCRIPT)],
        &doc,
    );
    let (out, err, code) = vale_line(dir.path());
    assert!(matches!(code, Some(0 | 1)), "{code:?} {err}");
    let budget = 20_000 + 1_000 * sentence.len();
    let stopped: Vec<&str> = out.lines().filter(|l| l.contains("T.Forever")).collect();
    assert!(!stopped.is_empty(), "{out}");
    assert!(
        stopped.iter().all(
            |l| l.contains(&format!("the script ran more than {budget} steps"))
                || l.contains("the script ran longer than")
        ),
        "{out}"
    );
}

/// All of a style's rules share one time budget per check of a document
/// (`COPYDESK_VALE_BUDGET_SECS`, 30 s by default): a style with many slow
/// rules stops with one warning instead of holding the check. A budget of
/// 0 s stops before the first rule, so the test does not wait on a clock.
#[test]
fn a_styles_rules_share_one_budget_per_document_and_say_when_it_ran_out() {
    let dir = project(
        &[("Labels", LABELS_RULE)],
        &[("Labels.tengo", LABELS_SCRIPT)],
        DOC,
    );
    let cache = tempfile::tempdir().expect("a temporary folder");
    let run = |budget: Option<&str>| {
        let mut env = vec![("COPYDESK_CACHE_DIR", cache.path().as_os_str())];
        if let Some(budget) = budget {
            env.push(("COPYDESK_VALE_BUDGET_SECS", std::ffi::OsStr::new(budget)));
        }
        let (out, _, code) = vale_line_with(dir.path(), &env);
        (out, code)
    };
    let (out, code) = run(Some("0"));
    assert!(matches!(code, Some(0 | 1)), "{code:?}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            "doc.md:1:1:Vale.Budget:Vale.Budget gave up on this file: the styles' rules ran longer than 0 s in all, so they did not check the rest of it (COPYDESK_VALE_BUDGET_SECS sets the limit)"
        ],
        "{out}"
    );

    // The cut-short result was not cached: with the default budget the
    // same file gets its findings.
    let (out, code) = run(None);
    assert!(matches!(code, Some(0 | 1)), "{code:?}");
    assert!(out.contains("doc.md:3:1:T.Labels:"), "{out}");
    assert!(!out.contains("Vale.Budget"), "{out}");
}

/// Files in the result cache under `root` (entries only, not the
/// bookkeeping files).
fn cached_entries(root: &std::path::Path) -> usize {
    fn walk(dir: &std::path::Path, count: &mut usize) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, count);
            } else if !matches!(
                path.file_name().and_then(|n| n.to_str()),
                Some("last-used" | "CACHEDIR.TAG")
            ) {
                *count += 1;
            }
        }
    }
    let mut count = 0;
    walk(&root.join("results"), &mut count);
    count
}

/// One rule whose pattern runs away (a back-reference the backtracker
/// cannot settle in its step limit) reports that it gave up, the other
/// rules still report, and the file's result is not cached: what a rule
/// that gave up finds depends on where it stopped. The same project
/// without the runaway rule is cached, so the count can tell.
#[test]
fn a_rule_that_gives_up_says_so_and_its_file_is_not_cached() {
    const RUNAWAY: &str = "extends: existence\nmessage: \"Runaway '%s'\"\nlevel: warning\nnonword: true\nraw:\n  - '(a|a)+\\1b'\n";
    let doc = format!("Note: a label.\n\n{}c b\n", "a".repeat(3000));
    let run = |rules: &[(&str, &str)]| {
        let dir = project(rules, &[("Labels.tengo", LABELS_SCRIPT)], &doc);
        let cache = tempfile::tempdir().expect("a temporary folder");
        let (out, err, code) = vale_line_with(
            dir.path(),
            &[("COPYDESK_CACHE_DIR", cache.path().as_os_str())],
        );
        assert!(matches!(code, Some(0 | 1)), "{code:?} {err}");
        (out, cached_entries(cache.path()))
    };

    let (out, entries) = run(&[("Runaway", RUNAWAY), ("Labels", LABELS_RULE)]);
    let gave_up: Vec<&str> = out.lines().filter(|l| l.contains("T.Runaway")).collect();
    assert_eq!(gave_up.len(), 1, "{out}");
    assert!(
        gave_up[0].contains("T.Runaway gave up on this file: a pattern needed more than"),
        "{out}"
    );
    assert!(out.contains("doc.md:1:1:T.Labels:"), "{out}");
    assert_eq!(entries, 0, "a cut-short result was cached");

    let (out, entries) = run(&[("Labels", LABELS_RULE)]);
    assert!(out.contains("doc.md:1:1:T.Labels:"), "{out}");
    assert_eq!(entries, 1, "a complete result is cached");
}

/// A style's own message that uses the words of a gave-up warning is an
/// ordinary finding: each match is reported (gave-up warnings are reported
/// once per rule) and the result is cached.
#[test]
fn a_message_that_only_reads_like_a_gave_up_warning_is_an_ordinary_finding() {
    const LOOKALIKE: &str = "extends: existence\nmessage: \"'%s' gave up on this file\"\nlevel: warning\ntokens:\n  - quitter\n";
    let dir = project(
        &[("Quit", LOOKALIKE)],
        &[],
        "A quitter.\n\nAnother quitter.\n",
    );
    let cache = tempfile::tempdir().expect("a temporary folder");
    let (out, err, code) = vale_line_with(
        dir.path(),
        &[("COPYDESK_CACHE_DIR", cache.path().as_os_str())],
    );
    assert!(matches!(code, Some(0 | 1)), "{code:?} {err}");
    let found: Vec<&str> = out.lines().filter(|l| l.contains("T.Quit")).collect();
    assert_eq!(found.len(), 2, "{out}");
    assert_eq!(cached_entries(cache.path()), 1, "{out}");
}
