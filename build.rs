//! Generates the rule registry, so that a rule is one file: every
//! `src/rules/<category>/<name>.rs` that declares `pub const FACTORY`, or
//! has `declare_rule!` write it (a `table_style:` entry), is a rule. For each category this writes its `pub mod` lines
//! (`$OUT_DIR/rules/<category>.rs`, included by the category's `mod.rs`),
//! and `$OUT_DIR/rules/registry.rs`, the list `rules::registry()` returns:
//! by category, then by file name. It also writes
//! `$OUT_DIR/rules/fixture_tests.rs`, the same list for `tests/rules.rs`,
//! which makes it one `#[test]` per rule (so `cargo test` names the rule
//! whose fixture fails).

use std::fmt::Write as _;
use std::path::Path;

/// The categories in listing order (`rules::Category::ALL`).
const CATEGORIES: [&str; 4] = ["voice", "concise", "flow", "share"];

fn main() {
    println!("cargo::rerun-if-changed=src/rules");
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let rules = Path::new(&manifest).join("src/rules");
    let generated = Path::new(&out).join("rules");
    std::fs::create_dir_all(&generated).expect("OUT_DIR is writable");

    let mut registry = String::from("&[\n");
    let mut fixture_tests = String::from("rule_fixture_tests! {\n");
    for category in CATEGORIES {
        let mut names = Vec::new();
        let folder = rules.join(category);
        let entries = std::fs::read_dir(&folder)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", folder.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            let Some(name) = path.file_stem().and_then(|s| s.to_str()) else {
                continue;
            };
            if path.extension().is_none_or(|e| e != "rs") || name == "mod" {
                continue;
            }
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
            if text.contains("pub const FACTORY") || text.contains("table_style:") {
                names.push((name.to_owned(), path));
            }
        }
        names.sort();
        let mut modules = String::new();
        for (name, path) in &names {
            // A path from the crate root: modules declared in an included
            // file resolve relative to that file (here, OUT_DIR).
            let _ = writeln!(
                modules,
                "#[path = {:?}]\npub mod {name};",
                path.display().to_string()
            );
            let _ = writeln!(registry, "    {category}::{name}::FACTORY,");
        }
        write_if_changed(&generated.join(format!("{category}.rs")), &modules);
        let names: Vec<&str> = names.iter().map(|(name, _)| name.as_str()).collect();
        let _ = writeln!(fixture_tests, "    {category}: [{}],", names.join(", "));
    }
    registry.push_str("]\n");
    write_if_changed(&generated.join("registry.rs"), &registry);
    fixture_tests.push_str("}\n");
    write_if_changed(&generated.join("fixture_tests.rs"), &fixture_tests);
}

/// Write `text` unless the file already holds it, so that an unchanged
/// registry does not look changed.
fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return;
    }
    std::fs::write(path, text)
        .unwrap_or_else(|error| panic!("cannot write {}: {error}", path.display()));
}
