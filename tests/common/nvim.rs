//! Headless Neovim for the tests of the Neovim plugin (tests/nvim/*.lua),
//! installed by scripts/setup/30-neovim.sh (`COPYDESK_NVIM`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Run `script` (under tests/) in headless Neovim in `root` with the plugin
/// (`COPYDESK_PLUGIN`: the repository root, which a plugin manager puts on
/// 'runtimepath') and the binary under test; `vars` are set last, so they
/// may replace any of these (PATH too). Panics unless Neovim exits with 0.
/// Returns its stderr (the script's steps).
pub fn run(nvim: &Path, script: &str, root: &Path, vars: &[(&str, &PathBuf)]) -> String {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut command = Command::new(nvim);
    command
        .args(["--headless", "--clean", "-c"])
        .arg(format!("luafile {}", manifest.join(script).display()))
        .current_dir(root)
        .env("COPYDESK_PLUGIN", manifest)
        .env("COPYDESK_NVIM_TESTS", manifest.join("tests/nvim"))
        .env("COPYDESK_BIN", env!("CARGO_BIN_EXE_copydesk"))
        // Keep Neovim's state and logs in the temp dir.
        .env("XDG_STATE_HOME", root.join("state"))
        .env("XDG_DATA_HOME", root.join("data"))
        .env("XDG_CONFIG_HOME", root.join("config"))
        // And copydesk's cache: with the user's, a fake model on a port an
        // earlier run used would be answered from that run's suggestions.
        .env("COPYDESK_CACHE_DIR", root.join("copydesk-cache"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (name, value) in vars {
        command.env(name, value);
    }
    let mut child = command.spawn().expect("nvim starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("Neovim did not finish in time");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let output = child.wait_with_output().expect("output");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(status.success(), "nvim failed ({status}):\n{stderr}");
    stderr
}
