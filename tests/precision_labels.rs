//! The precision labels (`benches/precision/labels.tsv` and `fix-labels.tsv`,
//! see docs/precision.md) as a regression test of what users get: run the
//! checker over the real posts in `../shared/corpus/real` (and, with
//! `heldout-labels.tsv` and `heldout-fix-labels.tsv`, the held-out posts in
//! `../shared/corpus/voices`) with the built-in
//! guide at its DEFAULT levels (the rules on by default), and fail if
//!
//! - a finding labelled `false` comes back at warning or error;
//! - a rule with 10 or more labelled findings in that run has a strict
//!   precision (true / labelled) below the bar of its level: 90% for warning
//!   and error, 70% for info (the defaults policy in docs/precision.md; an
//!   info rule may keep a few false findings, but no more than its bar allows);
//! - a Safe fix labelled `wrong` is offered (`--fix` applies Safe fixes
//!   without asking).
//!
//! A second run with every rule selected (so that rules off by default stay
//! visible) is printed as a report and fails nothing. Skips with a visible
//! message when the corpus is not there (a failure under
//! `COPYDESK_REQUIRE_E2E=1`).
//!
//! The key (file, rule, quote, context hash) is computed exactly as
//! `scripts/lib/precision_eval.py` computes it; keep the two in step.

use crate::common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::Value;

const LABELS: &str = "benches/precision/labels.tsv";
const COLUMNS: [&str; 6] = ["file", "rule", "quote", "context", "verdict", "why"];
const FIX_LABELS: &str = "benches/precision/fix-labels.tsv";
const HELDOUT_LABELS: &str = "benches/precision/heldout-labels.tsv";
const HELDOUT_FIX_LABELS: &str = "benches/precision/heldout-fix-labels.tsv";
const FIX_COLUMNS: [&str; 7] = [
    "file", "rule", "quote", "context", "after", "verdict", "why",
];

/// The development set (`../shared/corpus/real`), or `None` after a visible
/// skip (a failure under `COPYDESK_REQUIRE_E2E=1`).
fn corpus_or_skip() -> Option<PathBuf> {
    let found = common::corpus_at("COPYDESK_REAL_CORPUS", "real");
    if found.is_none() {
        common::skip(
            "the real-writing corpus (../shared/corpus/real, or COPYDESK_REAL_CORPUS) is not there",
        );
    }
    found
}

/// The posts: Markdown files one folder down, relative to the corpus, sorted.
fn posts(root: &Path) -> Vec<String> {
    let mut posts = Vec::new();
    let mut folders: Vec<_> = std::fs::read_dir(root)
        .expect("the corpus folder is readable")
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
        .collect();
    folders.sort_by_key(|e| e.file_name());
    for folder in folders {
        let mut names: Vec<String> = std::fs::read_dir(folder.path())
            .expect("a corpus sub-folder is readable")
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".md") || n.ends_with(".markdown") || n.ends_with(".mdx"))
            .collect();
        names.sort();
        let folder = folder.file_name().to_string_lossy().into_owned();
        posts.extend(names.into_iter().map(|n| format!("{folder}/{n}")));
    }
    posts
}

/// Runs of ASCII whitespace as one space (the Python side uses the same set).
fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c') {
            if !in_space {
                out.push(' ');
            }
            in_space = true;
        } else {
            out.push(c);
            in_space = false;
        }
    }
    out
}

/// A label's quote of a span: at most six words and 60 characters, e-mail
/// addresses reduced to their first character and domain.
fn quote(span: &str) -> String {
    let collapsed = collapse(span);
    let words: Vec<String> = collapsed
        .trim_matches(' ')
        .split(' ')
        .map(|w| match (w.find('@'), w.chars().next()) {
            (Some(at), Some(first)) if at > 0 => format!("{first}***{}", &w[at..]),
            _ => w.to_owned(),
        })
        .collect();
    let text = if words.len() <= 6 {
        words.join(" ")
    } else {
        format!("{} …", words[..4].join(" "))
    };
    if text.chars().count() <= 60 {
        text
    } else {
        format!("{}…", text.chars().take(40).collect::<String>())
    }
}

fn fnv1a32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5, |hash: u32, &b| {
        (hash ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// 8 hex digits of FNV-1a over the 40 characters before the span, the span
/// and the 40 after, whitespace collapsed.
fn context_hash(text: &str, start: usize, end: usize) -> String {
    let before: Vec<char> = collapse(&text[..start]).chars().collect();
    let before: String = before[before.len().saturating_sub(40)..].iter().collect();
    let after: String = collapse(&text[end..]).chars().take(40).collect();
    let key = format!("{before}\u{1f}{}\u{1f}{after}", collapse(&text[start..end]));
    format!("{:08x}", fnv1a32(key.as_bytes()))
}

struct Label {
    line: usize,
    verdict: String,
    why: String,
}

type Key = (String, String, String, String);
/// A fix's key: the finding's key for the replaced text, plus the text after.
type FixKey = (String, String, String, String, String);

/// The rows of a labels file: the key columns, and the label. `columns` is
/// the header; the verdict and reason are its last two.
fn read_rows(file: &str, columns: &[&str], verdicts: &[&str]) -> Vec<(Vec<String>, Label)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{file} is readable: {e}"));
    let mut rows = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        if cells == columns {
            continue;
        }
        assert_eq!(
            cells.len(),
            columns.len(),
            "{file}:{}: expected {} tab-separated columns",
            index + 1,
            columns.len()
        );
        let verdict = cells[columns.len() - 2];
        assert!(
            verdicts.contains(&verdict),
            "{file}:{}: verdict {verdict:?} is not one of {verdicts:?}",
            index + 1,
        );
        let key = cells[..columns.len() - 2]
            .iter()
            .map(|c| (*c).to_owned())
            .collect();
        rows.push((
            key,
            Label {
                line: index + 1,
                verdict: verdict.to_owned(),
                why: cells[columns.len() - 1].to_owned(),
            },
        ));
    }
    rows
}

fn read_labels(file: &str) -> HashMap<Key, Label> {
    read_rows(file, &COLUMNS, &["true", "false", "debatable"])
        .into_iter()
        .map(|(k, label)| {
            let key = (k[0].clone(), k[1].clone(), k[2].clone(), k[3].clone());
            (key, label)
        })
        .collect()
}

fn read_fix_labels(file: &str) -> HashMap<FixKey, Label> {
    read_rows(file, &FIX_COLUMNS, &["right", "wrong"])
        .into_iter()
        .map(|(k, label)| {
            let key = (
                k[0].clone(),
                k[1].clone(),
                k[2].clone(),
                k[3].clone(),
                k[4].clone(),
            );
            (key, label)
        })
        .collect()
}

fn offset(range: &Value, end: &str) -> usize {
    range[end]["offset"]
        .as_u64()
        .and_then(|o| usize::try_from(o).ok())
        .expect("a finding's range has byte offsets")
}

fn byte(value: &Value) -> usize {
    value
        .as_u64()
        .and_then(|o| usize::try_from(o).ok())
        .expect("an edit has byte offsets")
}

/// One finding of a run, keyed as the labels are.
struct Seen {
    key: Key,
    severity: String,
    at: String,
    /// The keys of its Safe fixes.
    safe_fixes: Vec<FixKey>,
}

/// `copydesk check --format json` over the posts with the built-in guide,
/// and `--select` of `select` when given; every finding with its key.
fn check(root: &Path, posts: &[String], select: Option<&str>) -> Vec<Seen> {
    // An empty guide: the built-in default, whatever copydesk.toml sits above
    // the corpus.
    let guide = tempfile::NamedTempFile::new().expect("a temporary guide");
    let guide_path = guide.path().to_string_lossy().into_owned();
    let mut args = vec![
        "check",
        "--format",
        "json",
        "--fail-on",
        "never",
        "--color",
        "never",
        "--config",
        &guide_path,
    ];
    if let Some(select) = select {
        args.extend(["--select", select]);
    }
    args.extend(posts.iter().map(String::as_str));
    let output = common::run_in(root, &args);
    assert!(
        output.status.success(),
        "copydesk check failed: {}",
        common::stderr(&output)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("check --format json");
    let mut seen = Vec::new();
    for file in report["files"].as_array().expect("a files list") {
        let path = file["path"].as_str().expect("a file path");
        assert!(file["error"].is_null(), "{path}: {}", file["error"]);
        let text = std::fs::read_to_string(root.join(path)).expect("the post is readable");
        for finding in file["findings"].as_array().expect("a findings list") {
            let rule = finding["rule"].as_str().expect("a rule id");
            let (start, end) = (
                offset(&finding["range"], "start"),
                offset(&finding["range"], "end"),
            );
            let mut safe_fixes = Vec::new();
            for fix in finding["fixes"].as_array().expect("a fixes list") {
                if fix["applicability"] != "safe" {
                    continue;
                }
                let mut edits: Vec<(usize, usize, &str)> = fix["edits"]
                    .as_array()
                    .expect("a fix has edits")
                    .iter()
                    .map(|e| {
                        let replacement = e["replacement"].as_str().expect("a replacement");
                        (byte(&e["start"]), byte(&e["end"]), replacement)
                    })
                    .collect();
                let (Some(from), Some(to)) = (
                    edits.iter().map(|e| e.0).min(),
                    edits.iter().map(|e| e.1).max(),
                ) else {
                    continue;
                };
                // Applied from the last edit back, as the harness does.
                edits.sort_by(|a, b| b.cmp(a));
                let mut region = text[from..to].to_owned();
                for (s, e, replacement) in edits {
                    region.replace_range(s - from..e - from, replacement);
                }
                let after = if region.trim().is_empty() {
                    "(deleted)".to_owned()
                } else {
                    quote(&region)
                };
                safe_fixes.push((
                    path.to_owned(),
                    rule.to_owned(),
                    quote(&text[from..to]),
                    context_hash(&text, from, to),
                    after,
                ));
            }
            seen.push(Seen {
                key: (
                    path.to_owned(),
                    rule.to_owned(),
                    quote(&text[start..end]),
                    context_hash(&text, start, end),
                ),
                severity: finding["severity"].as_str().unwrap_or("").to_owned(),
                at: format!(
                    "{path}:{}:{}",
                    finding["range"]["start"]["line"], finding["range"]["start"]["column"]
                ),
                safe_fixes,
            });
        }
    }
    seen
}

fn describe(seen: &Seen, label: &Label, file: &str) -> String {
    format!(
        "{} {} “{}” [{}] ({file}:{}: {})",
        seen.at, seen.key.1, seen.key.2, seen.key.3, label.line, label.why
    )
}

/// A level's bar under the defaults policy: the strict precision a rule
/// needs to be on by default at that level.
fn bar(severity: &str) -> f64 {
    if severity == "info" { 0.70 } else { 0.90 }
}

#[test]
fn the_default_run_meets_the_labels() {
    let Some(root) = corpus_or_skip() else {
        return;
    };
    meets_the_labels(&root, LABELS, FIX_LABELS, true);
}

/// The same on the held-out set (`../shared/corpus/voices`, docs/precision.md
/// "Held-out set"): labels made after the rules were tuned, on posts the
/// rules were not tuned on. A false finding at warning or a wrong Safe fix
/// fails; a rule below its bar there is printed, not failed, because the
/// levels are chosen on both sets together (docs/precision.md).
#[test]
fn the_default_run_meets_the_held_out_labels() {
    let Some(root) = common::corpus_at("COPYDESK_HELDOUT_CORPUS", "voices") else {
        common::skip(
            "the held-out corpus (../shared/corpus/voices, or COPYDESK_HELDOUT_CORPUS) is not there",
        );
        return;
    };
    meets_the_labels(&root, HELDOUT_LABELS, HELDOUT_FIX_LABELS, false);
}

fn meets_the_labels(root: &Path, labels_file: &str, fix_labels_file: &str, enforce_bar: bool) {
    let labels = read_labels(labels_file);
    let fix_labels = read_fix_labels(fix_labels_file);
    assert!(
        labels.values().any(|l| l.verdict == "false")
            && fix_labels.values().any(|l| l.verdict == "wrong"),
        "{labels_file} has no `false` labels or {fix_labels_file} no `wrong` ones, so this test could not fail"
    );
    let posts = posts(root);
    assert!(!posts.is_empty(), "no posts in {}", root.display());

    // What users get: the rules on by default, at their default levels.
    let seen = check(root, &posts, None);
    assert!(
        !seen.is_empty(),
        "no findings at all on {} posts",
        posts.len()
    );

    let mut false_at_warning = Vec::new();
    let mut false_at_info = Vec::new();
    let mut wrong_safe_fixes = Vec::new();
    // rule -> (severity, true, labelled)
    let mut per_rule: BTreeMap<&str, (&str, usize, usize)> = BTreeMap::new();
    for s in &seen {
        for fix in &s.safe_fixes {
            if let Some(label) = fix_labels.get(fix).filter(|l| l.verdict == "wrong") {
                wrong_safe_fixes.push(format!(
                    "{} → “{}”",
                    describe(s, label, fix_labels_file),
                    fix.4
                ));
            }
        }
        let Some(label) = labels.get(&s.key) else {
            continue;
        };
        let entry = per_rule
            .entry(s.key.1.as_str())
            .or_insert((s.severity.as_str(), 0, 0));
        entry.2 += 1;
        if label.verdict == "true" {
            entry.1 += 1;
        }
        if label.verdict == "false" {
            if s.severity == "info" {
                false_at_info.push(describe(s, label, labels_file));
            } else {
                false_at_warning.push(describe(s, label, labels_file));
            }
        }
    }
    let below_bar: Vec<String> = per_rule
        .iter()
        .filter(|(_, (severity, right, n))| {
            *n >= 10 && (*right as f64) < bar(severity) * (*n as f64)
        })
        .map(|(rule, (severity, right, n))| {
            format!(
                "{rule} is on at {severity} but {right} of its {n} labelled findings are true ({:.0}%; {severity} needs {:.0}%): lower its default level (docs/precision.md)",
                100.0 * (*right as f64) / (*n as f64),
                100.0 * bar(severity)
            )
        })
        .collect();
    if !false_at_info.is_empty() {
        println!(
            "{} info findings labelled false come back (allowed while their rule meets the 70% bar):\n{}",
            false_at_info.len(),
            false_at_info.join("\n")
        );
    }

    let mut failures = Vec::new();
    if !false_at_warning.is_empty() {
        failures.push(format!(
            "{} findings labelled false come back at warning or error by default:\n{}",
            false_at_warning.len(),
            false_at_warning.join("\n")
        ));
    }
    if !below_bar.is_empty() && !enforce_bar {
        println!(
            "{} rules are on by default below their level's bar on {labels_file} (reported, not failed):\n{}",
            below_bar.len(),
            below_bar.join("\n")
        );
    } else if !below_bar.is_empty() {
        failures.push(format!(
            "{} rules are on by default below their level's bar:\n{}",
            below_bar.len(),
            below_bar.join("\n")
        ));
    }
    if !wrong_safe_fixes.is_empty() {
        failures.push(format!(
            "{} Safe fixes labelled wrong are offered by default (--fix applies them):\n{}",
            wrong_safe_fixes.len(),
            wrong_safe_fixes.join("\n")
        ));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_rule_selected_is_reported() {
    let Some(root) = corpus_or_skip() else {
        return;
    };
    let labels = read_labels(LABELS);
    let posts = posts(&root);
    let rules = common::copydesk()
        .args(["rules", "--json"])
        .output()
        .expect("copydesk rules runs");
    let rules: Value = serde_json::from_slice(&rules.stdout).expect("rules --json is JSON");
    let ids: Vec<&str> = rules
        .as_array()
        .expect("rules --json is a list")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    let seen = check(&root, &posts, Some(&ids.join(",")));
    assert!(
        !seen.is_empty(),
        "no findings at all on {} posts",
        posts.len()
    );
    // A report, not a failure: rules off by default may be wrong often; that
    // is why they are off. Shown with `cargo test --test integration precision_labels:: -- --nocapture`.
    let mut back: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &seen {
        if labels.get(&s.key).is_some_and(|l| l.verdict == "false") {
            *back.entry(s.key.1.as_str()).or_default() += 1;
        }
    }
    println!("With every rule selected, findings labelled false that come back, per rule:");
    for (rule, count) in &back {
        println!("  {rule}: {count}");
    }
    if back.is_empty() {
        println!("  none");
    }
}

#[test]
fn the_key_matches_the_python_harness() {
    // Worked by hand from the definition in docs/precision.md, and checked
    // against scripts/lib/precision_eval.py.
    assert_eq!(fnv1a32(b""), 0x811c_9dc5);
    assert_eq!(fnv1a32(b"a"), 0xe40c_292c);
    assert_eq!(quote("  in\n order   to "), "in order to");
    assert_eq!(
        quote("one two three four five six seven"),
        "one two three four …"
    );
    assert_eq!(
        quote("mail jane.doe@example.com now"),
        "mail j***@example.com now"
    );
    assert_eq!(quote(&"x".repeat(70)), format!("{}…", "x".repeat(40)));
    let text = "Before  the\tspan: in order to do it.";
    let start = text.find("in order").expect("the span is in the text");
    assert_eq!(
        context_hash(text, start, start + "in order to".len()),
        format!(
            "{:08x}",
            fnv1a32("Before the span: \u{1f}in order to\u{1f} do it.".as_bytes())
        )
    );
}
