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
        for line in meta.documentation().lines() {
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

/// The README's rule table, parsed: for each rule named in it, its default
/// level as the table says (`None` for the "off by default" column).
fn readme_rule_table() -> Vec<(String, Option<String>)> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme
        .find("| category | on by default (level) |")
        .expect("README has the rule table");
    let mut rules = Vec::new();
    for row in readme[start..].lines().skip(2) {
        let Some(row) = row.strip_prefix('|').and_then(|r| r.strip_suffix('|')) else {
            break;
        };
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let [category, on, off] = cells[..] else {
            panic!("README rule table row has not three cells: {row}");
        };
        // On: backticked names, then a parenthesis whose first word is their
        // level ("`casing`, `exclamation` (warning); `ai-tells` (info)").
        let mut pending = Vec::new();
        let mut rest = on;
        while let Some(at) = rest.find(['`', '(']) {
            if rest[at..].starts_with('`') {
                let end = rest[at + 1..].find('`').expect("closing backtick") + at + 1;
                pending.push(format!("{category}/{}", &rest[at + 1..end]));
                rest = &rest[end + 1..];
            } else {
                let end = rest[at..].find(')').expect("closing parenthesis") + at;
                let level: String = rest[at + 1..end]
                    .chars()
                    .take_while(char::is_ascii_alphabetic)
                    .collect();
                for id in pending.drain(..) {
                    rules.push((id, Some(level.clone())));
                }
                rest = &rest[end + 1..];
            }
        }
        assert!(pending.is_empty(), "no level after {pending:?} in: {on}");
        for name in off.split('`').skip(1).step_by(2) {
            rules.push((format!("{category}/{name}"), None));
        }
    }
    rules
}

/// The README's table of rules and default levels is written by hand; it
/// must name every rule once, at the level the rule really has.
#[test]
fn readme_rule_table_matches_the_registry() {
    let table = readme_rule_table();
    for factory in registry() {
        let meta = factory.meta;
        let rows: Vec<_> = table.iter().filter(|(id, _)| id == meta.id).collect();
        assert_eq!(
            rows.len(),
            1,
            "README's rule table names {} {} times",
            meta.id,
            rows.len()
        );
        let expected = meta
            .enabled_by_default
            .then(|| meta.severity.as_str().to_owned());
        assert_eq!(
            rows[0].1, expected,
            "README's rule table gives {} the wrong default level",
            meta.id
        );
    }
    for (id, _) in &table {
        assert!(
            registry().iter().any(|f| f.meta.id == id),
            "README's rule table names {id}, which is not a rule"
        );
    }
}

/// Every table under `src/rules/` is merged into the built-in guide (a
/// rule's `defaults` in its `declare_rule!`, or, like the platform table,
/// compiled in by its own module): a table file left out would be silently
/// unused.
#[test]
fn every_rule_table_is_part_of_the_built_in_guide() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    let listed: Vec<&str> = copydesk::rules::default_fragments()
        .map(|(_, fragment)| fragment)
        .collect();
    for category in std::fs::read_dir(&root).unwrap().flatten() {
        if !category.path().is_dir() {
            continue;
        }
        for file in std::fs::read_dir(category.path()).unwrap().flatten() {
            let path = file.path();
            if path.extension().is_some_and(|e| e == "toml") {
                let relative = path
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let text = std::fs::read_to_string(&path).unwrap();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                let own_module = std::fs::read_dir(category.path())
                    .unwrap()
                    .flatten()
                    .filter(|f| f.path().extension().is_some_and(|e| e == "rs"))
                    .any(|f| {
                        let source = std::fs::read_to_string(f.path()).unwrap_or_default();
                        source.contains(&format!("include_str!(\"{name}\")"))
                            && !source.contains(&format!("defaults: include_str!(\"{name}\")"))
                    });
                assert!(
                    listed.contains(&text.as_str()) || own_module,
                    "{relative} is no rule's `defaults` (declare_rule!) nor included by its module"
                );
            }
        }
    }
}

/// Every rule declared under `src/rules/` is registered: a rule file whose
/// `FACTORY` is missing from `rules::registry()` would never run.
#[test]
fn every_declared_rule_is_registered() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
    let mut declared = Vec::new();
    for category in std::fs::read_dir(&root).unwrap().flatten() {
        if !category.path().is_dir() {
            continue;
        }
        for file in std::fs::read_dir(category.path()).unwrap().flatten() {
            let text = std::fs::read_to_string(file.path()).unwrap_or_default();
            if let Some(at) = text.find("pub static META = {") {
                let id = text[at..]
                    .split_once("id: \"")
                    .and_then(|(_, rest)| rest.split_once('"'))
                    .map(|(id, _)| id.to_owned())
                    .expect("META has an id");
                declared.push(id);
            }
        }
    }
    assert!(declared.len() > 20, "found only {declared:?}");
    for id in declared {
        assert!(
            registry().iter().any(|f| f.meta.id == id),
            "{id} is declared but not in rules::registry()"
        );
    }
}
