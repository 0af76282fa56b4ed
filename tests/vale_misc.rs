//! Vale's output where copydesk used to differ (issue 17): Vale's error
//! form, `--ignore-syntax`, where Vale places a finding (a repeated match on
//! one line, an `occurrence` after inline code, a match across a link), and
//! `node_modules` left out of a folder walk. Styles are written here.

use crate::common;

const CONFIG: &str = "StylesPath = styles\nMinAlertLevel = suggestion\n\n[*]\nBasedOnStyles = T\n";

/// A project with `.vale.ini`, the style `T` (one rule file per entry) and
/// the given files.
fn project(rules: &[(&str, &str)], files: &[(&str, &str)]) -> tempfile::TempDir {
    let mut all: Vec<(String, &str)> = vec![(".vale.ini".to_owned(), CONFIG)];
    for (name, yaml) in rules {
        all.push((format!("styles/T/{name}.yml"), yaml));
    }
    for (name, text) in files {
        all.push(((*name).to_owned(), text));
    }
    let borrowed: Vec<(&str, &str)> = all.iter().map(|(n, t)| (n.as_str(), *t)).collect();
    common::folder_with(&borrowed)
}

fn vale_line(dir: &std::path::Path, args: &[&str]) -> (String, String, Option<i32>) {
    let mut all = vec!["check", "--format", "vale-line"];
    all.extend_from_slice(args);
    let output = common::run_in(dir, &all);
    (
        common::stdout(&output),
        common::stderr(&output),
        output.status.code(),
    )
}

const BE: &str = "extends: existence\nmessage: \"Avoid '%s'\"\nlevel: warning\nignorecase: true\ntokens:\n  - is\n";

#[test]
fn a_style_missing_from_styles_path_is_vales_load_styles_error_with_the_line() {
    let dir = common::folder_with(&[
        (
            ".vale.ini",
            "StylesPath = styles\n\n[*]\nBasedOnStyles = Absent\n",
        ),
        ("styles/.keep", ""),
        ("doc.md", "Some text.\n"),
    ]);
    let (out, err, code) = vale_line(dir.path(), &["doc.md"]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(out, "");
    assert!(err.contains("E100 [loadStyles] Runtime error"), "{err}");
    // copydesk's detail stays: the file and line naming the style.
    assert!(
        err.contains(".vale.ini:4: style “Absent” not found"),
        "{err}"
    );
    // copydesk's own formats keep copydesk's form.
    let output = common::run_in(dir.path(), &["check", "doc.md"]);
    assert!(!common::stderr(&output).contains("E100"));
}

#[test]
fn vale_output_without_any_vale_configuration_is_vales_not_found_error() {
    let dir = common::folder_with(&[("doc.md", "It is what it is.\n")]);
    let (out, err, code) = vale_line(dir.path(), &["."]);
    assert_eq!(code, Some(2), "{err}");
    assert_eq!(out, "");
    assert!(
        err.contains("E100 [.vale.ini not found] Runtime error"),
        "{err}"
    );
    // copydesk's own format needs no Vale configuration.
    let output = common::run_in(dir.path(), &["check", "."]);
    assert!(!common::stderr(&output).contains("E100"));
}

#[test]
fn ignore_syntax_reads_urls_as_text() {
    let todo =
        "extends: existence\nmessage: \"'%s' left in text\"\nlevel: warning\ntokens:\n  - TODO\n";
    let dir = project(
        &[("Todo", todo)],
        &[(
            "doc.md",
            "See https://TODO.example.com/x and `TODO` here.\n",
        )],
    );
    let (out, _, _) = vale_line(dir.path(), &["--ignore-syntax", "doc.md"]);
    assert_eq!(
        out,
        "doc.md:1:13:T.Todo:'TODO' left in text\ndoc.md:1:37:T.Todo:'TODO' left in text\n"
    );
    // Read as Markdown, the URL and the code are not prose.
    let (out, _, _) = vale_line(dir.path(), &["doc.md"]);
    assert_eq!(out, "");
}

#[test]
fn a_match_vale_finds_again_where_it_already_reported_is_reported_once() {
    let text = "This is a very important sentence. There is a sentence here too.\n";
    let dir = project(&[("Be", BE)], &[("doc.md", text)]);
    let (out, _, _) = vale_line(dir.path(), &["doc.md"]);
    assert_eq!(out, "doc.md:1:6:T.Be:Avoid 'is'\n");
    // The same again, from the result cache.
    let (again, _, _) = vale_line(dir.path(), &["doc.md"]);
    assert_eq!(again, out);
    // Without a word containing the match before it, both are found.
    std::fs::write(dir.path().join("doc.md"), "It is big. There is more.\n").unwrap();
    let (out, _, _) = vale_line(dir.path(), &["doc.md"]);
    assert_eq!(
        out,
        "doc.md:1:4:T.Be:Avoid 'is'\ndoc.md:1:18:T.Be:Avoid 'is'\n"
    );
    // copydesk's own output keeps every match, where it is.
    std::fs::write(dir.path().join("doc.md"), text).unwrap();
    let output = common::run_in(
        dir.path(),
        &[
            "check",
            "doc.md",
            "--format",
            "json-lines",
            "--select",
            "T.Be",
        ],
    );
    assert_eq!(common::stdout(&output).matches("\"T.Be\"").count(), 2);
}

#[test]
fn occurrence_counts_inline_code_and_reports_after_it() {
    let short = "extends: occurrence\nmessage: \"Keep headings short.\"\nscope: heading\nlevel: warning\nmax: 20\ntoken: .\n";
    // 15 characters of code and 8 of text: 23 in all.
    let dir = project(
        &[("Short", short)],
        &[(
            "doc.md",
            "# `abcdefghijklmno`, yes ok\n\nBody.\n\n# `abcdefghijk` ok\n",
        )],
    );
    let (out, _, _) = vale_line(dir.path(), &["doc.md"]);
    assert_eq!(out, "doc.md:1:20:T.Short:Keep headings short.\n");
}

#[test]
fn a_repetition_across_a_link_is_reported_at_the_start_of_its_line() {
    let repeated = "extends: repetition\nmessage: '\"%s\" is repeated.'\nlevel: error\nalpha: true\ntokens:\n  - '[^\\s]+'\n";
    let text =
        "A first sentence here.\nIt was [added to the API in](https://example.com/x) in May.\n";
    let dir = project(&[("Rep", repeated)], &[("doc.md", text)]);
    let (out, _, _) = vale_line(dir.path(), &["doc.md"]);
    assert_eq!(out, "doc.md:2:1:T.Rep:\"in\" is repeated.\n");
}

#[test]
fn folder_walks_leave_node_modules_out() {
    let dir = project(
        &[("Be", BE)],
        &[
            ("doc.md", "It is here.\n"),
            ("node_modules/pkg/readme.md", "It is there.\n"),
            ("docs/node_modules/readme.md", "It is there.\n"),
        ],
    );
    let (out, _, _) = vale_line(dir.path(), &["."]);
    assert_eq!(out, "doc.md:1:4:T.Be:Avoid 'is'\n");
    // Named on the command line, it is checked.
    let (out, _, _) = vale_line(dir.path(), &["node_modules/pkg/readme.md"]);
    assert_eq!(out, "node_modules/pkg/readme.md:1:4:T.Be:Avoid 'is'\n");
}
