//! The one resolver (`src/resolve.rs`) as a writer meets it: every file gets
//! its own guide, and consent belongs to a guide file, not to its text.

use crate::common;
use crate::fake_openai;

use std::path::Path;
use std::process::Output;

use fake_openai::{FakeServer, completion};

const KEY_VAR: &str = "COPYDESK_RESOLVER_TEST_API_KEY";
const PARAGRAPH: &str = "We are really very excited to announce that, in order to better serve our customers, we will be opening a brand new office. You can read all about it on our site.";

async fn run(dir: &Path, home: &Path, args: &[&str]) -> Output {
    let mut command = common::copydesk();
    command
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("COPYDESK_CONFIG_DIR", home.join("config"))
        .env("COPYDESK_CACHE_DIR", home.join("cache"))
        .env(KEY_VAR, "sk-resolver-test")
        .stdin(std::process::Stdio::null());
    tokio::task::spawn_blocking(move || command.output().expect("copydesk runs"))
        .await
        .expect("joined")
}

/// Two teams copied the same guide. The writer trusted only the first
/// team's file: a run over both teams' posts must not send the second team's
/// drafts under the first file's consent (engines are per guide file).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consent_for_one_guide_file_does_not_cover_a_copy_of_it() {
    let fake = FakeServer::always(completion("We open a new office.")).await;
    let dir = tempfile::tempdir().expect("temp dir");
    let home = tempfile::tempdir().expect("temp dir");
    let guide = format!(
        "[llm]\nbase_url = \"{}\"\nmodel = \"test-model\"\napi_key_env = \"{KEY_VAR}\"\ntimeout_secs = 5\ncache = false\n",
        fake.base_url()
    );
    for team in ["alpha", "beta"] {
        let folder = dir.path().join(team);
        std::fs::create_dir_all(&folder).expect("folder");
        std::fs::write(folder.join("copydesk.toml"), &guide).expect("guide");
        std::fs::write(folder.join("post.md"), format!("# News\n\n{PARAGRAPH}\n")).expect("post");
    }
    let trusted = run(dir.path(), home.path(), &["trust", "--yes", "alpha"]).await;
    assert_eq!(
        trusted.status.code(),
        Some(0),
        "{}",
        common::stderr(&trusted)
    );

    for args in [
        &["suggest", "alpha/post.md", "beta/post.md"][..],
        &["review", "alpha/post.md", "beta/post.md"],
    ] {
        let output = run(dir.path(), home.path(), args).await;
        let stderr = common::stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("beta") && stderr.contains("is not trusted"),
            "{args:?} must name the untrusted copy: {stderr}"
        );
    }
    assert_eq!(
        fake.connections(),
        0,
        "a draft left without its guide's consent"
    );

    // The trusted file alone works.
    let alone = run(dir.path(), home.path(), &["suggest", "alpha/post.md"]).await;
    assert_eq!(alone.status.code(), Some(0), "{}", common::stderr(&alone));
    assert!(
        !fake.requests().is_empty(),
        "the trusted guide's model was asked"
    );
}

/// Each file is checked with its nearest guide, and a broken guide is
/// reported once however many files it would have checked, while the other
/// files are still checked.
#[test]
fn each_folder_gets_its_guide_and_a_broken_one_is_reported_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::write(
        root.join("copydesk.toml"),
        "[rules]\n\"concise/filler\" = \"off\"\n",
    )
    .expect("guide");
    std::fs::create_dir_all(root.join("strict")).expect("folder");
    std::fs::write(
        root.join("strict/copydesk.toml"),
        "[rules]\n\"concise/filler\" = \"error\"\n",
    )
    .expect("guide");
    std::fs::create_dir_all(root.join("broken")).expect("folder");
    std::fs::write(
        root.join("broken/copydesk.toml"),
        "[rules]\n\"concise/filer\" = \"error\"\n",
    )
    .expect("guide");
    let text = "# Note\n\nThis is really just a very simple note.\n";
    for path in ["a.md", "strict/b.md", "broken/c.md", "broken/d.md"] {
        std::fs::write(root.join(path), text).expect("post");
    }
    let output = common::copydesk()
        .args(["check", "--format", "concise", "--no-cache", "."])
        .current_dir(root)
        .env("NO_COLOR", "1")
        .output()
        .expect("copydesk runs");
    let stdout = common::stdout(&output);
    let stderr = common::stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("strict/b.md") && stdout.contains("concise/filler"),
        "{stdout}"
    );
    assert!(
        !stdout
            .lines()
            .any(|l| l.starts_with("a.md") && l.contains("concise/filler")),
        "{stdout}"
    );
    assert_eq!(
        stderr.matches("broken/copydesk.toml:2:1").count(),
        1,
        "one report for the broken guide: {stderr}"
    );
    assert!(stderr.contains("2 files not checked"), "{stderr}");
}
