//! copydesk in CI: the machine-readable formats (validated against their
//! schemas), `--output`, scores and `--min-score`, and the result cache.

use crate::common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use common::{copydesk, stderr, stdout};
use serde_json::Value;

/// Two findings on line 1 (one after an emoji, so UTF-16 and character
/// columns differ), one on line 3; a note, a safe and an unsafe fix.
const POST: &str = "😀 We did this in order to ship.\n\nThe Github app is really fast.\n";
const CLEAN: &str = "We shipped the editor today.\n";

struct Fixture {
    dir: tempfile::TempDir,
    cache: tempfile::TempDir,
}

impl Fixture {
    fn new(files: &[(&str, &[u8])]) -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        for (name, contents) in files {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, contents).unwrap();
        }
        Fixture {
            dir,
            cache: tempfile::tempdir().unwrap(),
        }
    }

    fn posts() -> Fixture {
        Fixture::new(&[
            ("posts/launch day.md", POST.as_bytes()),
            ("posts/clean.md", CLEAN.as_bytes()),
            ("posts/broken.md", b"bad \xff byte\n"),
        ])
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Run copydesk in the fixture folder with its own result cache.
    fn run(&self, args: &[&str]) -> Output {
        copydesk()
            .args(args)
            .current_dir(self.dir.path())
            .env("NO_COLOR", "1")
            .env("COPYDESK_CACHE_DIR", self.cache.path())
            .output()
            .expect("copydesk runs")
    }
}

const SELECT: &str = "concise/wordy-phrase,voice/casing,concise/filler";

/// Validate with tests/support/validate.py; false when Python with
/// jsonschema is not available (the test is then skipped, or fails under
/// COPYDESK_REQUIRE_E2E=1).
fn validate(mode: &[&str], input: &[u8]) -> bool {
    let Some(python) = common::require_tool("python3", "COPYDESK_PYTHON") else {
        return false;
    };
    let has_jsonschema = Command::new(&python)
        .args(["-c", "import jsonschema"])
        .status()
        .is_ok_and(|status| status.success());
    if !has_jsonschema {
        common::skip("python3 has no jsonschema (scripts/setup/python-jsonschema.sh installs it)");
        return false;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/validate.py");
    let mut child = Command::new(&python)
        .arg(script)
        .args(mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python runs");
    child.stdin.take().unwrap().write_all(input).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{mode:?} validation failed:\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
    true
}

fn schema_path() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/sarif/sarif-schema-2.1.0.json")
        .display()
        .to_string()
}

#[test]
fn sarif_is_valid_sarif_2_1_0_with_rules_results_fixes_and_notifications() {
    let fixture = Fixture::posts();
    let output = fixture.run(&["check", "posts", "--format", "sarif", "--select", SELECT]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    validate(&["sarif", &schema_path()], &output.stdout);

    let sarif: Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    // In registry order: by category, then by rule file name.
    assert_eq!(
        ids,
        ["voice/casing", "concise/filler", "concise/wordy-phrase"]
    );
    for rule in rules {
        for field in ["shortDescription", "fullDescription", "help"] {
            let text = rule[field]["text"].as_str().unwrap_or_default();
            assert!(!text.is_empty(), "{} has no {field}", rule["id"]);
        }
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("## Why is this bad?")
        );
    }
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[index]["id"], result["ruleId"],
            "ruleIndex points at the rule"
        );
    }
    // The unreadable file is a notification, not a result.
    let notifications = &run["invocations"][0]["toolExecutionNotifications"];
    assert_eq!(
        notifications[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "posts/broken.md"
    );
    assert_eq!(run["invocations"][0]["executionSuccessful"], false);

    let results = serde_json::to_string_pretty(&run["results"]).unwrap();
    insta::assert_snapshot!("sarif_results", results);
}

#[test]
fn sarif_columns_count_utf16_code_units() {
    let fixture = Fixture::posts();
    let output = fixture.run(&[
        "check",
        "posts/launch day.md",
        "--format",
        "sarif",
        "--select",
        "concise/wordy-phrase",
    ]);
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let region = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    // "😀 We did this " is two UTF-16 code units for the emoji, then 13.
    assert_eq!(region["startColumn"], 16);
    assert_eq!(region["endColumn"], 27);
    assert_eq!(sarif["runs"][0]["columnKind"], "utf16CodeUnits");
}

#[test]
fn github_format_is_workflow_commands_with_escaped_values() {
    let fixture = Fixture::new(&[
        (
            "a,b: c.md",
            "It is 100% done in order to ship.\n".as_bytes(),
        ),
        ("posts/launch day.md", POST.as_bytes()),
    ]);
    let output = fixture.run(&[
        "check", ".", "--format", "github", "--select", SELECT, "--quiet",
    ]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!("github", stdout(&output));
    let first = stdout(&output).lines().next().unwrap().to_owned();
    assert!(
        first.starts_with("::notice file=a%2Cb%3A c.md,line=1,col="),
        "{first}"
    );
}

#[test]
fn junit_and_checkstyle_are_well_formed_xml() {
    let fixture = Fixture::posts();
    for format in ["junit", "checkstyle"] {
        let output = fixture.run(&["check", "posts", "--format", format, "--select", SELECT]);
        assert_eq!(output.status.code(), Some(1));
        validate(&["xml"], &output.stdout);
        insta::assert_snapshot!(format, stdout(&output));
    }
}

#[test]
fn json_lines_has_one_json_finding_per_line_like_the_json_format() {
    let fixture = Fixture::posts();
    let lines = fixture.run(&[
        "check",
        "posts",
        "--format",
        "json-lines",
        "--select",
        SELECT,
    ]);
    let json = fixture.run(&["check", "posts", "--format", "json", "--select", SELECT]);
    let json: Value = serde_json::from_slice(&json.stdout).unwrap();
    let mut expected = Vec::new();
    for file in json["files"].as_array().unwrap() {
        if !file["error"].is_null() {
            expected.push(serde_json::json!({ "path": file["path"], "error": file["error"] }));
        }
        for finding in file["findings"].as_array().unwrap() {
            let mut finding = finding.clone();
            finding["path"] = file["path"].clone();
            expected.push(finding);
        }
    }
    let actual: Vec<Value> = stdout(&lines)
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    assert_eq!(actual, expected);
    assert_eq!(actual.len(), 4, "one error line and three findings");
}

#[test]
fn output_writes_the_format_to_a_file_and_human_to_the_terminal() {
    let fixture = Fixture::posts();
    let output = fixture.run(&[
        "check",
        "posts",
        "--format",
        "sarif",
        "--output",
        "report.sarif",
        "--select",
        SELECT,
    ]);
    assert_eq!(output.status.code(), Some(1));
    let terminal = stdout(&output);
    assert!(
        terminal.contains("info[concise/wordy-phrase]: Wordy phrase “in order to”"),
        "{terminal}"
    );
    assert!(
        terminal.contains("Found 3 findings in 3 files"),
        "{terminal}"
    );
    let file = std::fs::read(fixture.path("report.sarif")).unwrap();
    let sarif: Value = serde_json::from_slice(&file).expect("the file holds the SARIF");
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 3);
}

#[test]
fn machine_formats_carry_no_summary_sentence() {
    let fixture = Fixture::posts();
    for format in ["json-lines", "sarif", "junit", "checkstyle"] {
        let output = fixture.run(&["check", "posts", "--format", format]);
        assert!(!stdout(&output).contains("Found "), "{format}");
    }
}

#[test]
fn scores_show_per_file_and_overall_and_json_carries_them() {
    let fixture = Fixture::posts();
    let output = fixture.run(&[
        "check", "posts", "--score", "--format", "concise", "--select", SELECT,
    ]);
    let text = stdout(&output);
    assert!(
        text.contains(
            "posts/clean.md: score 100 (voice 100, concise 100, flow 100, share 100; 5 words)"
        ),
        "{text}"
    );
    assert!(text.contains("posts/launch day.md: score "), "{text}");
    assert!(text.contains("2 files: score "), "{text}");

    let json = fixture.run(&[
        "check", "posts", "--score", "--format", "json", "--select", SELECT,
    ]);
    let json: Value = serde_json::from_slice(&json.stdout).unwrap();
    let launch = json["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "posts/launch day.md")
        .unwrap();
    let score = &launch["score"];
    // 13 words count as 50; 1 warning and 2 info are 1.5 points; the
    // density is 3 per 100 words; 100 × 3 / (3 + 3) = 50.
    assert_eq!(score["overall"], 50);
    assert_eq!(score["words"], 13);
    assert_eq!(score["flow"], 100);
    assert!(score["concise"].as_u64() < Some(100) && score["voice"].as_u64() < Some(100));
    assert!(json["summary"]["score"]["overall"].is_u64());

    let plain = fixture.run(&["check", "posts", "--format", "json"]);
    let plain: Value = serde_json::from_slice(&plain.stdout).unwrap();
    assert!(
        plain["files"][0].get("score").is_none(),
        "scores only when asked for"
    );
}

#[test]
fn min_score_fails_the_run_only_when_a_file_scores_below_it() {
    let fixture = Fixture::new(&[
        ("launch.md", POST.as_bytes()),
        ("clean.md", CLEAN.as_bytes()),
    ]);
    let passing = fixture.run(&[
        "check",
        ".",
        "--min-score",
        "30",
        "--fail-on",
        "never",
        "--select",
        SELECT,
    ]);
    assert_eq!(passing.status.code(), Some(0), "{}", stderr(&passing));
    let failing = fixture.run(&[
        "check",
        ".",
        "--min-score",
        "60",
        "--fail-on",
        "never",
        "--select",
        SELECT,
    ]);
    assert_eq!(failing.status.code(), Some(1));
    assert!(
        stderr(&failing).contains("1 file scores below --min-score 60."),
        "{}",
        stderr(&failing)
    );
    let clean = fixture.run(&["check", "clean.md", "--min-score", "100"]);
    assert_eq!(clean.status.code(), Some(0));
    let usage = fixture.run(&["check", ".", "--min-score", "101"]);
    assert_eq!(usage.status.code(), Some(2));
}

/// Every entry file in a cache folder.
fn cache_entries(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path
                .file_name()
                .is_some_and(|n| n != "last-used" && n != "CACHEDIR.TAG")
            {
                found.push(path);
            }
        }
    }
    found
}

#[test]
fn unchanged_files_come_from_the_cache_and_edits_are_checked_again() {
    let fixture = Fixture::new(&[("post.md", POST.as_bytes())]);
    let args = [
        "check", "post.md", "--format", "concise", "--quiet", "--select", SELECT,
    ];
    let first = fixture.run(&args);
    let entries = cache_entries(fixture.cache.path());
    assert_eq!(entries.len(), 1, "one entry for the one file");

    // Plant a finding only the cache knows of: a re-run shows it, so the
    // unchanged file was not checked again.
    let entry = std::fs::read_to_string(&entries[0]).unwrap();
    let planted = entry.replace("Wordy phrase", "Cached wordy phrase");
    std::fs::write(&entries[0], planted).unwrap();
    let second = fixture.run(&args);
    assert_eq!(
        stdout(&second),
        stdout(&first).replace("Wordy phrase", "Cached wordy phrase")
    );
    assert_eq!(second.status.code(), first.status.code());

    // --no-cache checks afresh, and so does any edit of the file.
    let no_cache = fixture.run(&[&args[..], &["--no-cache"]].concat());
    assert_eq!(stdout(&no_cache), stdout(&first));
    std::fs::write(fixture.path("post.md"), POST.replace("ship", "sail")).unwrap();
    let edited = fixture.run(&args);
    assert!(!stdout(&edited).contains("Cached"), "{}", stdout(&edited));

    // Other options are another key: a different selection is checked afresh.
    let other = fixture.run(&[
        "check",
        "post.md",
        "--format",
        "concise",
        "--quiet",
        "--select",
        "voice/casing",
    ]);
    assert!(!stdout(&other).contains("Cached"));
}

#[test]
fn fix_never_uses_the_cache() {
    let fixture = Fixture::new(&[("post.md", POST.as_bytes())]);
    fixture.run(&["check", "post.md", "--select", SELECT]);
    let before = cache_entries(fixture.cache.path()).len();
    let fixed = fixture.run(&["check", "post.md", "--fix", "--select", SELECT]);
    assert!(stdout(&fixed).contains("Applied"), "{}", stdout(&fixed));
    assert_eq!(cache_entries(fixture.cache.path()).len(), before);
    assert!(
        std::fs::read_to_string(fixture.path("post.md"))
            .unwrap()
            .contains("did this to ship")
    );
}

#[test]
fn a_batch_piped_to_a_file_prints_no_progress_bar() {
    let files: Vec<(String, &[u8])> = (0..300)
        .map(|n| (format!("p/{n:03}.md"), POST.as_bytes()))
        .collect();
    let files: Vec<(&str, &[u8])> = files.iter().map(|(n, c)| (n.as_str(), *c)).collect();
    let fixture = Fixture::new(&files);
    let output = fixture.run(&["check", "p", "--format", "json-lines", "--select", SELECT]);
    assert_eq!(stderr(&output), "");
    assert_eq!(stdout(&output).lines().count(), 300 * 3);
}

#[test]
fn quiet_prints_findings_only() {
    let fixture = Fixture::posts();
    let output = fixture.run(&[
        "check", "posts", "--quiet", "--format", "concise", "--select", SELECT,
    ]);
    let text = stdout(&output);
    assert!(!text.contains("Found"), "{text}");
    assert_eq!(
        text.lines().count(),
        3 + 1,
        "three findings and the unreadable file"
    );
}

/// A guide file as the JSON a TOML tool checks against the schema: dates
/// become strings, as Taplo treats them.
fn guide_as_json(toml_text: &str) -> Vec<u8> {
    fn convert(value: toml::Value) -> Value {
        match value {
            toml::Value::String(s) => Value::String(s),
            toml::Value::Integer(i) => Value::from(i),
            toml::Value::Float(f) => Value::from(f),
            toml::Value::Boolean(b) => Value::Bool(b),
            toml::Value::Datetime(d) => Value::String(d.to_string()),
            toml::Value::Array(items) => Value::Array(items.into_iter().map(convert).collect()),
            toml::Value::Table(table) => {
                Value::Object(table.into_iter().map(|(k, v)| (k, convert(v))).collect())
            }
        }
    }
    let value: toml::Value = toml::from_str(toml_text).expect("the guide is TOML");
    serde_json::to_vec(&convert(value)).expect("JSON")
}

#[test]
fn the_guide_schema_accepts_real_guides_and_rejects_mistakes() {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("schemas/copydesk.schema.json")
        .display()
        .to_string();
    // What `copydesk init` writes, and the built-in default guide.
    validate(
        &["schema", &schema],
        &guide_as_json(copydesk::guide::STARTER_GUIDE),
    );
    validate(
        &["schema", &schema],
        &guide_as_json(include_str!("../src/guide/default.toml")),
    );
    validate(
        &["schema", &schema],
        &guide_as_json(
            "[[sharing.embargo]]\nterm = \"Project Falcon\"\nuntil = 2027-01-15\n\n[rules]\n\"voice/passive\" = \"off\"\n",
        ),
    );
    // A misspelt key, a wrong type, and a level that does not exist: each is
    // what completion in an editor should catch before copydesk does.
    for mistake in [
        "[voice]\nmax_sentence_word = 30\n",
        "[voice]\nmax_sentence_words = \"thirty\"\n",
        "[rules]\n\"voice/passive\" = \"loud\"\n",
    ] {
        validate(&["reject", &schema], &guide_as_json(mistake));
    }
}
