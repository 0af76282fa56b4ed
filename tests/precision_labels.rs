//! The precision labels (`benches/precision/labels.tsv`, see docs/precision.md)
//! as a regression test: run the checker over the real posts in
//! `../shared/corpus/real` with the built-in guide and every rule selected,
//! and fail if a finding someone labelled `false` comes back. Skips with a
//! visible message when the corpus is not there (a failure under
//! `COPYDESK_REQUIRE_E2E=1`).
//!
//! The key (file, rule, quote, context hash) is computed exactly as
//! `scripts/lib/precision_eval.py` computes it; keep the two in step.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

const LABELS: &str = "benches/precision/labels.tsv";
const COLUMNS: [&str; 6] = ["file", "rule", "quote", "context", "verdict", "why"];

/// The corpus: `$COPYDESK_REAL_CORPUS`, else `../shared/corpus/real` beside
/// the repository, or beside the main checkout when this is a git worktree.
fn corpus() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("COPYDESK_REAL_CORPUS") {
        return Some(PathBuf::from(path)).filter(|p| p.is_dir());
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut candidates = vec![repo.join("../shared/corpus/real")];
    if let Ok(out) = Command::new("git")
        .args(["rev-parse", "--path-format=absolute", "--git-common-dir"])
        .current_dir(repo)
        .output()
        && out.status.success()
    {
        let common_dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if let Some(main) = common_dir.parent() {
            candidates.push(main.join("../shared/corpus/real"));
        }
    }
    candidates.into_iter().find(|p| p.is_dir())
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

fn read_labels() -> HashMap<Key, Label> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(LABELS);
    let text = std::fs::read_to_string(&path).expect("benches/precision/labels.tsv is readable");
    let mut labels = HashMap::new();
    for (index, line) in text.lines().enumerate() {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        if cells == COLUMNS {
            continue;
        }
        assert_eq!(
            cells.len(),
            COLUMNS.len(),
            "{LABELS}:{}: expected {} tab-separated columns",
            index + 1,
            COLUMNS.len()
        );
        assert!(
            ["true", "false", "debatable"].contains(&cells[4]),
            "{LABELS}:{}: verdict {:?} is not true, false or debatable",
            index + 1,
            cells[4]
        );
        let key = (
            cells[0].to_owned(),
            cells[1].to_owned(),
            cells[2].to_owned(),
            cells[3].to_owned(),
        );
        labels.insert(
            key,
            Label {
                line: index + 1,
                verdict: cells[4].to_owned(),
                why: cells[5].to_owned(),
            },
        );
    }
    labels
}

fn offset(range: &Value, end: &str) -> usize {
    range[end]["offset"]
        .as_u64()
        .and_then(|o| usize::try_from(o).ok())
        .expect("a finding's range has byte offsets")
}

#[test]
fn no_finding_labelled_false_comes_back() {
    let Some(root) = corpus() else {
        common::skip(
            "the real-writing corpus (../shared/corpus/real, or COPYDESK_REAL_CORPUS) is not there",
        );
        return;
    };
    let labels = read_labels();
    assert!(
        labels.values().any(|l| l.verdict == "false"),
        "{LABELS} has no `false` labels, so this test could not fail"
    );
    let posts = posts(&root);
    assert!(!posts.is_empty(), "no posts in {}", root.display());

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

    // An empty guide: the built-in default, whatever copydesk.toml sits above
    // the corpus.
    let guide = tempfile::NamedTempFile::new().expect("a temporary guide");
    let guide_path = guide.path().to_string_lossy().into_owned();
    let select = ids.join(",");
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
        "--select",
        &select,
    ];
    args.extend(posts.iter().map(String::as_str));
    let output = common::run_in(&root, &args);
    assert!(
        output.status.success(),
        "copydesk check failed: {}",
        common::stderr(&output)
    );
    let report: Value = serde_json::from_slice(&output.stdout).expect("check --format json");

    let mut back = Vec::new();
    let mut findings = 0;
    for file in report["files"].as_array().expect("a files list") {
        let path = file["path"].as_str().expect("a file path");
        assert!(file["error"].is_null(), "{path}: {}", file["error"]);
        let text = std::fs::read_to_string(root.join(path)).expect("the post is readable");
        for finding in file["findings"].as_array().expect("a findings list") {
            findings += 1;
            let rule = finding["rule"].as_str().expect("a rule id");
            let (start, end) = (
                offset(&finding["range"], "start"),
                offset(&finding["range"], "end"),
            );
            let key = (
                path.to_owned(),
                rule.to_owned(),
                quote(&text[start..end]),
                context_hash(&text, start, end),
            );
            if let Some(label) = labels.get(&key).filter(|l| l.verdict == "false") {
                back.push(format!(
                    "{path}:{}:{} {rule} “{}” [{}] ({LABELS}:{}: {})",
                    finding["range"]["start"]["line"],
                    finding["range"]["start"]["column"],
                    key.2,
                    key.3,
                    label.line,
                    label.why
                ));
            }
        }
    }
    assert!(findings > 0, "no findings at all on {} posts", posts.len());
    assert!(
        back.is_empty(),
        "{} findings labelled false came back:\n{}",
        back.len(),
        back.join("\n")
    );
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
