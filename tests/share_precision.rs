//! Precision of the share/* rules (issue 12): the false-positive classes
//! measured on published posts, written here in the same shapes; which
//! rules run on social posts only; `--diff` that `git apply` and `patch`
//! accept on a post holding personal data; no U+FFFC in any message; and
//! key-message files never checked as posts.

use crate::common;
use crate::lsp_client;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use common::{run_in, stderr, stdout};
use copydesk::Finding;
use copydesk::check::{CheckOptions, Checker};
use copydesk::document::DocumentKind;
use copydesk::guide::{Guide, GuideSource};

fn guide_from(text: &str) -> Arc<Guide> {
    Arc::new(
        Guide::from_source(text, GuideSource::File(PathBuf::from("copydesk.toml")))
            .expect("test guide is valid"),
    )
}

use common::share_checker as checker;

/// Findings of `rule` in `text` under the built-in guide, no platform.
fn found(text: &str, rule: &str) -> Vec<Finding> {
    checker(Guide::builtin(), &[rule], &[])
        .check_text(text, DocumentKind::Markdown)
        .1
}

/// The source text each finding of `rule` covers.
#[track_caller]
fn flagged(text: &str, rule: &str) -> Vec<String> {
    found(text, rule)
        .iter()
        .map(|f| text[f.span.clone()].to_owned())
        .collect()
}

// ------------------------------------------------------- share/personal-data

#[test]
fn role_addresses_and_contact_links_are_public() {
    let text = "\
**Authors**: [Ana Lima](mailto:ana.lima@acme-mail.net) (Acme), [Ben Ortiz](mailto:ben.ortiz@acme-mail.net) (Acme)

Want to support the meetup? Write to [sponsor@acme-events.org](mailto:sponsor@acme-events.org), or to security-team@acme-events.org for reports, or noreply@acme-events.org never.

Questions go to the programme committee at <a href=\"mailto:cfp@acme-events.org\">dana.cole@acme-events.org</a>.

```toml
authors = [\"Your Name <you@example.com>\"]
```
";
    assert_eq!(flagged(text, "share/personal-data"), Vec::<String>::new());
}

#[test]
fn a_personal_address_is_reported_once_with_its_count() {
    let text = "Mail jo.bloggs@acme-mail.net today.\n\nOr later: Jo.Bloggs@acme-mail.net. Or call +44 20 7946 0958, that is +44 20 7946 0958.\n";
    let found = found(text, "share/personal-data");
    let messages: Vec<&str> = found.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "Email address “j***@acme-mail.net” would be public (2 times in the post)",
            "Phone number “+…58” would be public (2 times in the post)",
        ]
    );
    assert_eq!(&text[found[0].span.clone()], "jo.bloggs@acme-mail.net");
}

#[test]
fn the_human_printer_hides_every_occurrence_of_a_value_reported_once() {
    let dir = tempfile::tempdir().unwrap();
    // The second address sits on the line of another finding's excerpt.
    std::fs::write(
        dir.path().join("post.md"),
        "Mail jo.bloggs@acme-mail.net today.\n\nWe did this in order to ship; jo.bloggs@acme-mail.net knows.\n",
    )
    .unwrap();
    let output = run_in(dir.path(), &["check", "--no-cache", "post.md"]);
    let printed = stdout(&output);
    assert!(printed.contains("in order to"), "{printed}");
    assert!(!printed.contains("bloggs"), "{printed}");
}

// ---------------------------------------------- share/unsubstantiated-claim

#[test]
fn measurements_goals_and_technical_guarantees_are_not_claims() {
    for text in [
        "The status dashboard shows the service is operating at 100% again.",
        "We are on track to reach our goal of 100% encryption for stored data by June.",
        "Rust's safety guarantees mean the compiler rejects data races.",
        "The layout of the enum is guaranteed to match a `u8`, and the target is guaranteed to build.",
        "In this year's survey, a 12% increase in respondents use it at work.",
        "Contributors were given 40% more time to finish their features.",
        "Any bound that can be proven must also appear on the type.",
        "Nobody is an expert in 100% of it.",
        "Supporting maintainers in a sustainable fashion came up again.",
        "We're seeing a 2-10% improvement on a variety of test cases.",
    ] {
        assert_eq!(
            flagged(text, "share/unsubstantiated-claim"),
            Vec::<String>::new(),
            "{text}"
        );
    }
}

#[test]
fn marketing_claims_about_the_own_product_are_still_flagged() {
    let text = "We are the #1 analytics platform. Our plan is guaranteed to double your leads.\n\nCustomers who switched cut reporting time by 40% in a month.\n\nIt comes with guaranteed uptime and a money-back guarantee.\n\nIt is clinically proven and eco-friendly.\n";
    assert_eq!(
        flagged(text, "share/unsubstantiated-claim"),
        [
            "#1",
            "guaranteed to double",
            "cut reporting time by 40%",
            "guaranteed uptime",
            "money-back guarantee",
            "clinically proven",
            "eco-friendly",
        ]
    );
}

// ----------------------------------------------------------- share/reputation

#[test]
fn judgement_words_without_a_judged_name_are_silent() {
    for text in [
        "## Garbage Collection\n\nIt runs in the background.",
        "Rust does not have a garbage collector or a runtime.",
        "An attacker could corrupt arbitrary files when Cargo unpacked the archive.",
        "- @dana is fixing useless spans in the macro output.",
        "Other LLVM sanitizers will help us support garbage collection.",
        "This is garbage. It is a scam. Software is garbage.",
    ] {
        assert_eq!(
            flagged(text, "share/reputation"),
            Vec::<String>::new(),
            "{text}"
        );
    }
}

#[test]
fn a_name_that_starts_the_sentence_can_be_judged() {
    let text = "Initech's support is garbage.\n\nGlobex is a scam.\n";
    let found = found(text, "share/reputation");
    let messages: Vec<&str> = found.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "“garbage” next to “Initech”: could this harm someone's reputation? Do you have facts to back it?",
            "“scam” next to “Globex”: could this harm someone's reputation? Do you have facts to back it?",
        ]
    );
}

#[test]
fn a_judgement_about_a_name_is_still_flagged() {
    let guide = guide_from("[sharing]\ncompetitors = [\"Globex\"]\n");
    let text = "Globex's new pricing is a total rip-off.\n\nWe met Dana Cole, and Dana lied about the numbers.\n\nNever trust crooked Initech.\n";
    let found = checker(guide, &["share/reputation"], &[])
        .check_text(text, DocumentKind::Markdown)
        .1;
    let flagged: Vec<&str> = found.iter().map(|f| &text[f.span.clone()]).collect();
    assert_eq!(flagged, ["rip-off", "lied", "crooked"]);
}

// ------------------------------------------------------ share/sensitive-topic

#[test]
fn given_names_are_names_not_religion() {
    for text in [
        "Meet our Chief Architect, Christian Weichel, who leads the platform team.",
        "Thanks to Ana Lima, Christian Moreau and Jesus Ortega for their reviews.",
        "* Chris Park\n* Christian Hofer\n* Clara Diaz",
    ] {
        assert_eq!(
            flagged(text, "share/sensitive-topic"),
            Vec::<String>::new(),
            "{text}"
        );
    }
    assert_eq!(
        flagged(
            "The Christian Church and Christian values came up, as did christian holidays.",
            "share/sensitive-topic"
        ),
        ["Christian", "Church", "Christian", "christian"]
    );
}

#[test]
fn topics_named_as_categories_in_advice_are_not_flagged() {
    for text in [
        "Before you post, ask: could it stir tensions over race, religion, creed or culture?",
        "Steer clear of topics like politics and religion in team updates.",
        "We hire without regard to religion, gender, disability or age.",
    ] {
        assert_eq!(
            flagged(text, "share/sensitive-topic"),
            Vec::<String>::new(),
            "{text}"
        );
    }
    // A post on the topic, or an aside, is still flagged.
    for (text, expected) in [
        (
            "Our sale is so good it is practically a religious experience.",
            "religious",
        ),
        (
            "Politics aside, the new office opens on Monday.",
            "Politics",
        ),
        ("Religion and politics came up at lunch again.", "Religion"),
    ] {
        assert_eq!(
            flagged(text, "share/sensitive-topic")
                .first()
                .map(String::as_str),
            Some(expected),
            "{text}"
        );
    }
}

// --------------------------------------------------------------------- scope

/// A long-form blog post: headings, many hashtags and mentions, an
/// employer mention by an employee, tracking tags, over every limit.
fn blog_post() -> String {
    format!(
        "# Our year\n\nAcme Analytics shipped a lot. Thanks @ana @ben @chen @dara @eli @fay @gus! #analytics #data #dashboards #release #teamwork #customeradvocacy\n\nRead [the report](https://example.com/r?utm_source=blog&id=7).\n\n{}\n",
        "We wrote a great deal this year about dashboards. ".repeat(80)
    )
}

const PLATFORM_RULES: [&str; 6] = [
    "share/length-limit",
    "share/hashtags",
    "share/mentions",
    "share/links",
    "share/disclosure",
    "share/key-message-copy",
];

fn platform_findings(checker: &Checker, text: &str, path: Option<&Path>) -> Vec<String> {
    checker
        .check_text_at(text, DocumentKind::Markdown, path)
        .1
        .into_iter()
        .map(|f| f.rule)
        .filter(|rule| PLATFORM_RULES.contains(&rule.as_str()))
        .collect()
}

#[test]
fn platform_rules_run_only_when_a_platform_is_known() {
    let guide =
        guide_from("[sharing]\nauthor = \"employee\"\nemployer = [\"Acme\", \"Acme Analytics\"]\n");
    let text = blog_post();
    let none = checker(Arc::clone(&guide), &[], &[]);
    assert_eq!(platform_findings(&none, &text, None), Vec::<String>::new());

    let mut rules = platform_findings(&checker(Arc::clone(&guide), &[], &["x"]), &text, None);
    rules.sort();
    rules.dedup();
    assert_eq!(
        rules,
        [
            "share/disclosure",
            "share/hashtags",
            "share/length-limit",
            "share/links",
            "share/mentions"
        ]
    );
    let from_front_matter = format!("---\nplatform: linkedin\n---\n{text}");
    assert!(!platform_findings(&none, &from_front_matter, None).is_empty());
}

#[test]
fn click_identifiers_are_flagged_in_any_post() {
    let text = "Read [the summary](https://example.com/s?fbclid=IwAR0abc&utm_source=blog).\n";
    let found = found(text, "share/links");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].fixes.len(), 1);
    let fixed = checker(Guide::builtin(), &["share/links"], &[]).fix_text(
        text,
        DocumentKind::Markdown,
        copydesk::fix::Applicability::Safe,
    );
    assert_eq!(
        fixed.text,
        "Read [the summary](https://example.com/s?utm_source=blog).\n"
    );
}

#[test]
fn the_guides_platforms_apply_only_inside_its_posts_folders() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("copydesk.toml"),
        "[sharing]\nplatforms = [\"x\"]\nposts = [\"social/\"]\n",
    )
    .unwrap();
    for folder in ["social", "blog"] {
        std::fs::create_dir(dir.path().join(folder)).unwrap();
        std::fs::write(dir.path().join(folder).join("post.md"), blog_post()).unwrap();
    }
    let output = run_in(
        dir.path(),
        &[
            "check",
            "--no-cache",
            "--format",
            "concise",
            "--select",
            "share/length-limit,share/hashtags,share/mentions",
            ".",
        ],
    );
    let printed = stdout(&output);
    assert!(printed.contains("social/post.md"), "{printed}");
    assert!(!printed.contains("blog/post.md"), "{printed}");
    assert!(printed.contains("share/length-limit"), "{printed}");
}

// ----------------------------------------------------------- --diff applies

fn tool(name: &str) -> Option<PathBuf> {
    common::require_tool(name, "COPYDESK_TEST_NO_SUCH_VARIABLE")
}

#[test]
fn diff_of_a_post_with_personal_data_applies_with_git_and_patch() {
    let (Some(git), Some(patch)) = (tool("git"), tool("patch")) else {
        return;
    };
    let original = "---\ntitle: Launch\n---\nWe did this in order to ship. Call +44 20 7946 0958 or mail jo.bloggs@acme-mail.net.\n\nIn order to win, write to jo.bloggs@acme-mail.net.\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("post.md"), original).unwrap();
    let output = run_in(dir.path(), &["check", "post.md", "--diff"]);
    let diff = stdout(&output);
    assert!(diff.contains("+We did this to ship."), "{diff}");
    assert!(diff.contains("jo.bloggs@acme-mail.net"), "{diff}");
    assert!(!diff.contains("[hidden]"), "{diff}");
    std::fs::write(dir.path().join("fix.diff"), &diff).unwrap();

    // What `--fix` writes is what applying the diff gives.
    let fixed_dir = tempfile::tempdir().unwrap();
    std::fs::write(fixed_dir.path().join("post.md"), original).unwrap();
    run_in(fixed_dir.path(), &["check", "post.md", "--fix"]);
    let fixed = std::fs::read_to_string(fixed_dir.path().join("post.md")).unwrap();
    assert_ne!(fixed, original);

    let run = |program: &Path, args: &[&str]| {
        let output = Command::new(program)
            .args(args)
            .current_dir(dir.path())
            .output()
            .expect("tool runs");
        assert!(
            output.status.success(),
            "{} {args:?}: {}{}",
            program.display(),
            stdout(&output),
            stderr(&output)
        );
    };
    run(&git, &["init", "-q", "."]);
    run(&git, &["apply", "--check", "fix.diff"]);
    run(&git, &["apply", "fix.diff"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("post.md")).unwrap(),
        fixed
    );

    std::fs::write(dir.path().join("post.md"), original).unwrap();
    run(&patch, &["-p1", "-i", "fix.diff"]);
    assert_eq!(
        std::fs::read_to_string(dir.path().join("post.md")).unwrap(),
        fixed
    );
}

// ------------------------------------------------------------ no U+FFFC

#[test]
fn no_message_shows_the_placeholder_character() {
    let text = "\
# Vale vs. `copydesk`: at a glance with ![logo](logo.png)

Reach me at jo.bloggs@acme-mail.net or +44 20 7946 0958, and run `copydesk check` in order to see [the docs](https://example.com/docs) because of the fact that `--fix` is basically very really quite unique.

Paragraph with `code` and `more code` and `even more code` and ![a picture](p.png) that goes on and on and on with more and more words in it so that the sentence length rule has something to say about it, which it really should, in order to make the point that `inline code` is text.

`one` `two` `three` `four`.

`one` `two` `three` `four`.
";
    let every = checker(Guide::builtin(), &[], &["x"]);
    let (_, found) = every.check_text(text, DocumentKind::Markdown);
    assert!(found.len() > 5, "{found:#?}");
    let with_placeholder = |found: &[Finding]| -> Vec<String> {
        found
            .iter()
            .flat_map(|f| {
                std::iter::once(f.message.clone())
                    .chain(f.note.clone())
                    .chain(f.fixes.iter().map(|x| x.title.clone()))
            })
            .filter(|m| m.contains('\u{FFFC}'))
            .collect()
    };
    assert_eq!(with_placeholder(&found), Vec::<String>::new());

    // Vale rules quote the prose too: a heading rule's “'%s'”.
    let vale = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/vale");
    let guide = Arc::new(Guide::load(&vale.join(".vale.ini")).expect("the Vale fixture loads"));
    let heading = "# a tale of `copydesk` and ![logo](l.png) vale\n\nText here for you.\n";
    let path = vale.join("doc.md");
    let (_, found) = Checker::new(guide, CheckOptions::default()).check_text_at(
        heading,
        DocumentKind::Markdown,
        Some(&path),
    );
    let titles: Vec<&Finding> = found.iter().filter(|f| f.rule == "Test.Titles").collect();
    assert_eq!(titles.len(), 1, "{found:#?}");
    assert!(titles[0].message.contains('…'), "{}", titles[0].message);
    assert_eq!(with_placeholder(&found), Vec::<String>::new());
}

// ------------------------------------------------------- key-message files

fn key_message_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("copydesk.toml"),
        "[sharing]\nplatforms = [\"linkedin\"]\nauthor = \"employee\"\nemployer = [\"Acme\"]\nkey_messages = [\"key-messages/\"]\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("key-messages")).unwrap();
    std::fs::write(
        dir.path().join("key-messages/launch.md"),
        "Acme now builds your dashboards for you: connect a data source, ask a question in plain words, and share the chart.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("post.md"),
        "Acme now builds your dashboards for you: connect a data source, ask a question in plain words, and share the chart.\n",
    )
    .unwrap();
    dir
}

#[test]
fn key_message_files_are_not_checked_as_posts() {
    let dir = key_message_project();
    let output = run_in(
        dir.path(),
        &["check", "--no-cache", "--format", "concise", "."],
    );
    let printed = stdout(&output);
    assert!(!printed.contains("key-messages/launch.md:"), "{printed}");
    // The post that pastes the message is still a copy without disclosure.
    assert!(
        printed.contains("post.md:1:1: info [share/key-message-copy]"),
        "{printed}"
    );
    assert!(printed.contains("share/disclosure"), "{printed}");
    assert!(
        stderr(&output).contains("skipped 1 key-message file"),
        "{}",
        stderr(&output)
    );

    // Opened on its own (as the language server does, by path), a
    // key-message file gets no post-only findings.
    let guide = Arc::new(Guide::load(&dir.path().join("copydesk.toml")).unwrap());
    let path = dir.path().join("key-messages/launch.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let all = checker(guide, &[], &[]);
    let on_message = platform_findings(&all, &text, Some(&path));
    assert_eq!(on_message, Vec::<String>::new());
    let on_post = platform_findings(&all, &text, Some(&dir.path().join("post.md")));
    assert!(
        on_post.contains(&"share/key-message-copy".to_owned()),
        "{on_post:?}"
    );
}

#[test]
fn the_language_server_gives_key_message_files_no_post_findings() {
    let dir = key_message_project();
    let mut client = lsp_client::LspClient::spawn(dir.path());
    client.initialize(
        lsp_client::editor_capabilities(&["utf-16"]),
        serde_json::Value::Null,
        Some(dir.path()),
    );
    let rules = |client: &mut lsp_client::LspClient, name: &str| -> Vec<String> {
        let path = dir.path().join(name);
        let uri = lsp_client::file_uri(&path);
        let text = std::fs::read_to_string(&path).unwrap();
        client.open(&uri, "markdown", 1, &text);
        client
            .diagnostics(&uri, 1)
            .iter()
            .filter_map(|d| d["code"].as_str().map(str::to_owned))
            .filter(|code| code.starts_with("share/"))
            .collect()
    };
    assert_eq!(
        rules(&mut client, "key-messages/launch.md"),
        Vec::<String>::new()
    );
    let mut on_post = rules(&mut client, "post.md");
    on_post.sort();
    assert_eq!(on_post, ["share/disclosure", "share/key-message-copy"]);
    client.shutdown();
}
