//! The editor packages' metadata agrees with the crate's: the VS Code
//! manifest's licence and repository are Cargo.toml's (no `--skip-license`
//! or `--allow-missing-repository` anywhere), the .vsix takes the LICENSE
//! and the bundled server, and the lazy.nvim specs in the README and in
//! `:help copydesk` name the repository Cargo.toml names. The packages
//! themselves are exercised by scripts/test.d/40-vscode.sh (code-server)
//! and tests/nvim_plugin.rs (headless Neovim).

use std::path::Path;

fn read(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// "owner/name" of Cargo.toml's GitHub repository.
fn repository_slug() -> String {
    let url = env!("CARGO_PKG_REPOSITORY");
    url.strip_prefix("https://github.com/")
        .unwrap_or_else(|| panic!("Cargo.toml's repository is not on GitHub: {url:?}"))
        .trim_end_matches('/')
        .to_owned()
}

#[test]
fn the_vscode_manifest_names_the_crates_licence_and_repository() {
    let manifest: serde_json::Value =
        serde_json::from_str(&read("editors/vscode/package.json")).expect("package.json");
    assert_eq!(manifest["license"], env!("CARGO_PKG_LICENSE"));
    assert_eq!(manifest["repository"]["url"], env!("CARGO_PKG_REPOSITORY"));
    assert_eq!(manifest["version"], env!("CARGO_PKG_VERSION"));
    let publisher = manifest["publisher"].as_str().expect("a publisher");
    assert!(!publisher.is_empty());
    assert!(read("LICENSE").contains(&format!("{} License", env!("CARGO_PKG_LICENSE"))));
    for file in [
        "editors/vscode/package.json",
        "scripts/test.d/40-vscode.sh",
        "editors/vscode/scripts/package.mjs",
        "README.md",
    ] {
        let text = read(file);
        for flag in ["--skip-license", "--allow-missing-repository"] {
            assert!(!text.contains(flag), "{file} still uses {flag}");
        }
    }
    let ignore = read("editors/vscode/.vscodeignore");
    for kept in ["!LICENSE", "!server/copydesk", "!server/copydesk.exe"] {
        assert!(
            ignore.lines().any(|line| line == kept),
            "{kept} missing from .vscodeignore"
        );
    }
}

#[test]
fn the_lazy_nvim_specs_name_the_crates_repository() {
    let spec = format!("\"{}\",", repository_slug());
    for file in ["README.md", "doc/copydesk.txt"] {
        assert!(
            read(file).contains(&spec),
            "{file} has no lazy.nvim spec for {spec}"
        );
    }
    for file in [
        "lua/copydesk/init.lua",
        "lua/copydesk/health.lua",
        "lsp/copydesk.lua",
        "doc/copydesk.txt",
    ] {
        assert!(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(file).is_file(),
            "{file} is not where plugin managers look"
        );
    }
}
