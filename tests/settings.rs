//! Rule settings through the real binary: a table rule's table is read
//! from the key the rule declares, layered over its built-in rows, and a
//! key no rule declares is refused where it is written.

use crate::common::{folder_with, run_in, stderr, stdout};

#[test]
fn a_guide_adds_rows_to_a_rule_table_under_the_key_the_rule_declares() {
    let dir = folder_with(&[
        (
            "copydesk.toml",
            "[rules]\n\"voice/cliche\" = \"warning\"\n\n[voice]\ncliche = [{ find = \"move mountains\", why = \"Say what you will do\" }]\n",
        ),
        (
            "post.md",
            "We will move mountains for you.\n\nThe launch was the tip of the iceberg.\n",
        ),
    ]);
    let output = run_in(
        dir.path(),
        &[
            "check",
            "post.md",
            "--select",
            "voice/cliche",
            "--format",
            "json",
        ],
    );
    let out = stdout(&output);
    // The guide's row, and the built-in row the guide did not repeat.
    assert!(out.contains("move mountains"), "{out}");
    assert!(out.contains("Say what you will do"), "{out}");
    assert!(out.contains("the tip of the iceberg"), "{out}");
}

#[test]
fn extends_none_keeps_only_the_guide_rows() {
    let dir = folder_with(&[
        (
            "copydesk.toml",
            "extends = \"none\"\n\n[rules]\n\"voice/cliche\" = \"warning\"\n\n[[voice.cliche]]\nfind = \"move mountains\"\n",
        ),
        (
            "post.md",
            "We will move mountains for you.\n\nThe launch was the tip of the iceberg.\n",
        ),
    ]);
    let output = run_in(dir.path(), &["check", "post.md", "--format", "json"]);
    let out = stdout(&output);
    assert!(out.contains("move mountains"), "{out}");
    assert!(!out.contains("iceberg"), "{out}");
}

#[test]
fn a_table_key_no_rule_declares_is_refused_at_its_line_with_the_nearest() {
    let dir = folder_with(&[
        (
            "copydesk.toml",
            "[voice]\nmax_sentence_words = 30\n\n[concise]\nwordy = []\nfillers = [{ find = \"really\", use = \"\" }]\n",
        ),
        ("post.md", "Hi.\n"),
    ]);
    let output = run_in(dir.path(), &["check", "post.md"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(
        err.contains("copydesk.toml:6:1: unknown field `fillers`"),
        "{err}"
    );
    assert!(err.contains("did you mean `filler`?"), "{err}");
}

#[test]
fn a_mistake_inside_a_table_row_names_its_line_and_column() {
    let dir = folder_with(&[
        (
            "copydesk.toml",
            "[concise]\nfiller = [\n  { find = \"really\", use = \"\" },\n  { find = \"kinda\", replace = \"\" },\n]\n",
        ),
        ("post.md", "Hi.\n"),
    ]);
    let output = run_in(dir.path(), &["check", "post.md"]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("copydesk.toml:4:"), "{err}");
    assert!(err.contains("unknown field `replace`"), "{err}");
}
