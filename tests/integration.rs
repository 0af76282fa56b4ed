//! The integration tests, as one test binary (ripgrep's layout): each
//! `tests/*.rs` file is a module of this crate, not a binary of its own, so
//! the dependency set is linked once and `mod common` compiled once.
//! `Cargo.toml` sets `autotests = false`; a new file under `tests/` must be
//! listed below, and `every_test_file_is_a_module` fails until it is.
//!
//! Run one file's tests with `cargo test --test integration cli::`, or one
//! test by name as before.

mod common;
mod fake_openai;
mod lsp_client;

mod ci;
mod cli;
mod docs;
mod editor_packages;
mod fuzz_document;
mod fuzz_framing;
mod guard_set;
mod hardening_files;
mod hardening_guide_inputs;
mod hardening_inputs;
mod hardening_lsp;
mod hardening_memory;
mod hardening_trust;
mod layering;
mod llm_cli;
mod llm_e2e;
mod llm_faults;
mod llm_review;
mod llm_review_e2e;
mod lsp;
mod lsp_guides;
mod lsp_model;
mod lsp_ordering;
mod lsp_review;
mod lsp_robustness;
mod nvim_e2e;
mod nvim_plugin;
mod precision_bars;
mod precision_labels;
mod precision_regressions;
mod properties;
mod resolver;
mod rules;
mod serve;
mod serve_e2e;
mod serve_editor;
mod serve_password;
mod serve_preview;
mod serve_review;
mod settings;
mod share;
mod share_linkedin_fold;
mod share_precision;
mod vale;
mod vale_conformance;
mod vale_dictionaries;
mod vale_misc;
mod vale_script;
mod vale_web_words;
mod voice;
mod voice_edits;

/// With `autotests = false`, a file under `tests/` that is not declared
/// above would never be compiled, and its tests would pass by not running.
#[test]
fn every_test_file_is_a_module() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let declared = include_str!("integration.rs");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&dir)
        .expect("tests/ is readable")
        .flatten()
    {
        let path = entry.path();
        let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".rs"))
        else {
            continue;
        };
        if name != "integration" && !declared.contains(&format!("\nmod {name};\n")) {
            missing.push(name.to_owned());
        }
    }
    assert!(
        missing.is_empty(),
        "tests/*.rs files not declared as modules in tests/integration.rs: {missing:?}"
    );
}
