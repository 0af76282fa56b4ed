//! Documentation that is generated from the code stays in sync with it.
//!
//! `docs/rules.md` is built from every rule's doc comment. Regenerate with
//! `COPYDESK_UPDATE_DOCS=1 cargo test --test integration docs::`.

use std::path::Path;

use copydesk::rules::registry;

const SECTIONS: [&str; 6] = [
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## Fix safety",
    "## Options",
];

fn dedent(docs: &str) -> String {
    docs.lines()
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
}

fn rule_reference() -> String {
    let mut out = String::from(
        "# Rule reference\n\n<!-- Generated from the rules' doc comments by `COPYDESK_UPDATE_DOCS=1 cargo test --test integration docs::`; do not edit by hand. -->\n\n",
    );
    out.push_str("| rule | default | fix | summary |\n| --- | --- | --- | --- |\n");
    for factory in registry() {
        let meta = factory.meta;
        let default = if meta.enabled_by_default {
            meta.severity.as_str()
        } else {
            "off"
        };
        let anchor = meta.id.replace('/', "");
        out.push_str(&format!(
            "| [`{}`](#{anchor}) | {default} | {} | {} |\n",
            meta.id,
            meta.fixable.as_str(),
            meta.summary().replace('|', "\\|")
        ));
    }
    for factory in registry() {
        let meta = factory.meta;
        out.push_str(&format!("\n## {}\n\n", meta.id));
        // Demote the rule's own headings one level under the rule's heading.
        for line in dedent(meta.docs).lines() {
            if let Some(rest) = line.strip_prefix("## ") {
                out.push_str(&format!("### {rest}\n"));
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

#[test]
fn every_rule_documents_every_section_in_order() {
    for factory in registry() {
        let docs = factory.meta.docs;
        let mut from = 0;
        for section in SECTIONS {
            let at = docs[from..]
                .find(section)
                .unwrap_or_else(|| panic!("{}: missing or misplaced “{section}”", factory.meta.id));
            from += at + section.len();
        }
        assert!(
            !factory.meta.summary().is_empty(),
            "{}: empty summary",
            factory.meta.id
        );
        assert!(
            factory.meta.summary().ends_with('.'),
            "{}: summary is not a sentence",
            factory.meta.id
        );
    }
}

/// `relative` holds `expected`, or is rewritten with it under
/// `COPYDESK_UPDATE_DOCS=1`.
fn assert_generated(relative: &str, expected: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(relative);
    if std::env::var("COPYDESK_UPDATE_DOCS").as_deref() == Ok("1") {
        std::fs::write(&path, expected).unwrap();
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "{relative} is out of date: run `COPYDESK_UPDATE_DOCS=1 cargo test --test integration docs::`"
    );
}

#[test]
fn rule_reference_is_up_to_date() {
    assert_generated("docs/rules.md", &rule_reference());
}

#[test]
fn guide_schemas_are_up_to_date() {
    // The copy users point their TOML tools at, and the one the VS Code
    // extension ships for completion in copydesk.toml.
    let schema = copydesk::guide::json_schema();
    assert_generated("schemas/copydesk.schema.json", &schema);
    assert_generated("editors/vscode/schemas/copydesk.schema.json", &schema);
}
