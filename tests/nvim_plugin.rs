//! The Neovim plugin as a plugin manager installs it, in real headless
//! Neovim 0.11: `:checkhealth copydesk` on a working setup and on broken
//! ones, the default command finding the binary `cargo build --release`
//! leaves in the plugin's folder (lazy.nvim's `build` step) when loaded on
//! the first markdown buffer (lazy.nvim's `ft`), and `:help
//! copydesk` after `:helptags`. `scripts/setup/30-neovim.sh` installs Neovim.

use crate::common;
use crate::common::nvim::run as run_nvim;

use std::path::{Path, PathBuf};

const POST: &str = "# Launch\n\nIn order to ship faster, we cut scope.\n";

/// A copy of the plugin's folders (what a plugin manager clones), so a test
/// may add to it (help tags, a built binary) without writing in the clone.
fn copy_plugin(dest: &Path) {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in ["lua", "lsp", "doc", "plugin"] {
        let source = manifest.join(folder);
        if source.is_dir() {
            copy_dir(&source, &dest.join(folder));
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    for entry in std::fs::read_dir(from).expect("read folder").flatten() {
        let path = entry.path();
        let target = to.join(entry.file_name());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).expect("copy file");
        }
    }
}

/// PATH with no copydesk on it: only the folders the system's tools live in.
fn path_without_copydesk() -> PathBuf {
    let path = PathBuf::from("/usr/local/bin:/usr/bin:/bin");
    for dir in std::env::split_paths(&path) {
        assert!(
            !dir.join("copydesk").exists(),
            "{} holds a copydesk",
            dir.display()
        );
    }
    path
}

/// Run tests/nvim/health.lua in `root` with the command `which` and
/// `vars`; returns the report and Neovim's stderr.
fn checkhealth(
    nvim: &Path,
    root: &Path,
    which: &str,
    vars: &[(&str, &PathBuf)],
) -> (String, String) {
    let out = root.join("health.txt");
    let which = PathBuf::from(which);
    let config = root.join("copydesk-config");
    let mut all = vec![
        ("COPYDESK_HEALTH_OUT", &out),
        ("COPYDESK_HEALTH_CMD", &which),
        // Consent to a guide's model is kept here, not in the user's config.
        ("COPYDESK_CONFIG_DIR", &config),
    ];
    all.extend_from_slice(vars);
    let stderr = run_nvim(nvim, "tests/nvim/health.lua", root, &all);
    let report = std::fs::read_to_string(&out).expect("the report was written");
    (report, stderr)
}

/// A folder with a guide (`guide` as its text) and a post with a finding.
fn project(guide: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("copydesk.toml"), guide).expect("guide");
    let post = dir.path().join("post.md");
    std::fs::write(&post, POST).expect("post");
    (dir, post)
}

#[test]
fn checkhealth_is_ok_for_a_working_setup() {
    let Some(nvim) = common::require_tool("nvim", "COPYDESK_NVIM") else {
        return;
    };
    let (dir, post) = project("# test guide\n");
    let root = dir.path();
    let (report, stderr) = checkhealth(&nvim, root, "bin", &[("COPYDESK_POST", &post)]);
    let binary = env!("CARGO_BIN_EXE_copydesk");
    for expected in [
        format!(
            "OK copydesk {} at {binary} (the command from setup())",
            env!("CARGO_PKG_VERSION")
        ),
        format!("OK guide: {}", root.join("copydesk.toml").display()),
        "model: not configured".to_owned(),
        format!("root {}), attached to 1 buffer(s): post.md", root.display()),
    ] {
        assert!(
            report.contains(&expected),
            "no {expected:?} in:\n{report}\n{stderr}"
        );
    }
    assert!(!report.contains("ERROR"), "{report}");
    assert!(!report.contains("WARNING"), "{report}");
}

#[test]
fn checkhealth_reports_an_error_when_the_binary_is_missing() {
    let Some(nvim) = common::require_tool("nvim", "COPYDESK_NVIM") else {
        return;
    };
    let (dir, _) = project("# test guide\n");
    let root = dir.path();
    let missing = root.join("no-such-copydesk");
    let (report, stderr) = checkhealth(&nvim, root, &missing.display().to_string(), &[]);
    assert!(
        report.contains(&format!(
            "ERROR copydesk binary not found: \"{}\" (the command from setup())",
            missing.display()
        )),
        "{report}\n{stderr}"
    );
    assert!(report.contains("cargo install --path ."), "{report}");
    assert!(!report.contains("OK copydesk"), "{report}");
}

#[test]
fn checkhealth_reports_a_guide_that_does_not_load_and_an_untrusted_model() {
    let Some(nvim) = common::require_tool("nvim", "COPYDESK_NVIM") else {
        return;
    };
    let (dir, _) = project("[rules]\nbad = [\n");
    let (report, stderr) = checkhealth(&nvim, dir.path(), "bin", &[]);
    let guide = dir.path().join("copydesk.toml");
    assert!(
        report.contains(&format!(
            "ERROR the guide does not load: error: {}:2:",
            guide.display()
        )),
        "{report}\n{stderr}"
    );

    // Nothing listens on port 9: the check must not reach it anyway, since
    // the guide is not trusted.
    let (dir, _) = project(
        "[llm]\nbase_url = \"http://127.0.0.1:9/v1\"\nmodel = \"test-model\"\ncache = false\n",
    );
    let (report, stderr) = checkhealth(&nvim, dir.path(), "bin", &[]);
    assert!(report.contains("model: test-model"), "{report}\n{stderr}");
    assert!(
        report.contains("WARNING the guide's [llm] is not trusted: nothing is sent to its model"),
        "{report}\n{stderr}"
    );
    assert!(!report.contains("the model does not answer"), "{report}");
}

#[test]
fn the_default_command_runs_the_binary_built_in_the_plugin_folder() {
    let Some(nvim) = common::require_tool("nvim", "COPYDESK_NVIM") else {
        return;
    };
    let (dir, post) = project("# test guide\n");
    let root = dir.path();
    let plugin = root.join("plugin-clone");
    copy_plugin(&plugin);
    // What `build = "cargo build --release --locked"` leaves behind.
    let built = plugin.join("target/release/copydesk");
    std::fs::create_dir_all(built.parent().expect("parent")).expect("target folder");
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_copydesk"), &built).expect("symlink");
    let path = path_without_copydesk();
    let on = PathBuf::from("1");
    // Loaded on the first markdown buffer, as the README's lazy.nvim spec
    // (`ft = ...`) does.
    let (report, stderr) = checkhealth(
        &nvim,
        root,
        "default",
        &[
            ("COPYDESK_PLUGIN", &plugin),
            ("PATH", &path),
            ("COPYDESK_POST", &post),
            ("COPYDESK_LAZY_FT", &on),
        ],
    );
    assert!(
        stderr.contains("step: FileType: loading the plugin"),
        "{stderr}"
    );
    assert!(
        report.contains(&format!(
            "OK copydesk {} at {} (the command from setup())",
            env!("CARGO_PKG_VERSION"),
            built.display()
        )),
        "{report}\n{stderr}"
    );
    assert!(
        report.contains("attached to 1 buffer(s): post.md"),
        "{report}"
    );
}

#[test]
fn help_copydesk_opens_after_helptags_and_every_link_resolves() {
    let Some(nvim) = common::require_tool("nvim", "COPYDESK_NVIM") else {
        return;
    };
    let dir = tempfile::tempdir().expect("temp dir");
    let plugin = dir.path().join("plugin-clone");
    copy_plugin(&plugin);
    let stderr = run_nvim(
        &nvim,
        "tests/nvim/help.lua",
        dir.path(),
        &[("COPYDESK_PLUGIN", &plugin)],
    );
    assert!(
        stderr.contains("step: :help copydesk opened copydesk.txt"),
        "{stderr}"
    );
    let tags = std::fs::read_to_string(plugin.join("doc/tags")).expect(":helptags wrote doc/tags");
    for tag in [
        "copydesk\t",
        "copydesk-lazy.nvim\t",
        "copydesk-health\t",
        ":CopydeskFixAll\t",
    ] {
        assert!(tags.contains(tag), "no {tag:?} in doc/tags:\n{tags}");
    }
}
