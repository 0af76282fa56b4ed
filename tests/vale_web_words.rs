//! Web and software words (issue 17): Vale's own default dictionary,
//! `en_US-web`, knows "webhooks" and "backtick", which SCOWL's en_US does
//! not; copydesk bundles a software-terms supplement beside en_US for its
//! own `voice/spelling`, and keeps Vale mode to en_US.
//!
//! Each test writes a small setup and runs `copydesk check` on it, as a
//! writer would, and reads the words reported.

use crate::common;
use crate::vale_dictionaries::reported;

/// A draft with software words in their plural, capitalised and possessive
/// forms, and two real misspellings.
const PAGE: &str = "Webhooks fire on every push, and each webhook's payload is signed.\n\
Wrap inline code in a backtick; our proxies cache the tooltips.\n\
The relase notes list every chnage.\n";

/// Vale mode keeps to en_US: the supplement accepts words Vale's
/// `en_US-web` flags ("todo", "config", "json") in more of Vale's own
/// tests than it accepts words only `en_US-web` has (docs/vale.md), so
/// Vale's `Vale.Spelling` and a `spelling` rule naming no dictionary do
/// not read it.
#[test]
fn vale_spelling_keeps_to_en_us() {
    let vale = reported(&[
        (
            ".vale.ini",
            "StylesPath = styles\n\n[*]\nBasedOnStyles = Vale\n",
        ),
        ("styles/.keep", ""),
        ("page.md", PAGE),
    ]);
    let rule = reported(&[
        (
            ".vale.ini",
            "StylesPath = styles\n\n[*]\nBasedOnStyles = Team\n",
        ),
        (
            "styles/Team/Spelling.yml",
            "extends: spelling\nmessage: \"Did you really mean '%s'?\"\n",
        ),
        ("page.md", PAGE),
    ]);
    assert_eq!(vale, rule);
    for word in ["Webhooks", "backtick", "relase", "chnage"] {
        assert!(vale.iter().any(|w| w == word), "{word} in {vale:?}");
    }
}

#[test]
fn voice_spelling_accepts_software_words_and_flags_typos() {
    let dir = common::folder_with(&[
        ("copydesk.toml", "[rules]\n\"voice/spelling\" = \"info\"\n"),
        ("page.md", PAGE),
    ]);
    let output = common::run_in(
        dir.path(),
        &[
            "check",
            "page.md",
            "--format",
            "json",
            "--select",
            "voice/spelling",
        ],
    );
    let stdout = common::stdout(&output);
    let report: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("JSON output ({e}): {stdout}{}", common::stderr(&output)));
    let flagged: Vec<&str> = report["files"][0]["findings"]
        .as_array()
        .expect("a findings list")
        .iter()
        .map(|finding| {
            let start = finding["range"]["start"]["offset"]
                .as_u64()
                .expect("offset") as usize;
            let end = finding["range"]["end"]["offset"].as_u64().expect("offset") as usize;
            &PAGE[start..end]
        })
        .collect();
    assert_eq!(flagged, ["relase", "chnage"], "{stdout}");
    // The typo's suggestions lead with the general English word.
    let message = report["files"][0]["findings"][0]["message"]
        .as_str()
        .expect("a message");
    assert!(message.contains("“release”"), "{message}");
}
