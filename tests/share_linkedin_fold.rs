//! LinkedIn's fold: about 210 characters show before “…see more” on the
//! desktop feed (observed; LinkedIn publishes no figure). The share rules
//! that care where a post folds (share/disclosure, share/length-limit's
//! hook) now see it on LinkedIn as they do on Instagram, and a guide can
//! move it.

use crate::common;

use std::path::PathBuf;
use std::sync::Arc;

use copydesk::document::DocumentKind;
use copydesk::guide::{Guide, GuideSource};

const GUIDE: &str =
    "[sharing]\nauthor = \"employee\"\nemployer = [\"Acme\"]\ndisclosure = [\"I work at Acme\"]\n";

fn guide(extra: &str) -> Arc<Guide> {
    Arc::new(
        Guide::from_source(
            &format!("{GUIDE}{extra}"),
            GuideSource::File(PathBuf::from("copydesk.toml")),
        )
        .expect("the test guide is valid"),
    )
}

/// (message, the words flagged) of `rule` on `platform`.
fn flagged(guide: Arc<Guide>, rule: &str, platform: &str, text: &str) -> Vec<(String, String)> {
    common::share_checker(guide, &[rule], &[platform])
        .check_text(text, DocumentKind::Markdown)
        .1
        .into_iter()
        .map(|f| (f.message.clone(), text[f.span.clone()].to_owned()))
        .collect()
}

/// An employee's post about Acme whose disclosure comes after a long
/// opening: `opening_words` filler words, then the disclosure.
fn late_disclosure(opening_words: usize) -> String {
    let opening = vec!["Our"; 1]
        .into_iter()
        .chain(std::iter::repeat_n("team", opening_words))
        .collect::<Vec<_>>()
        .join(" ");
    format!(
        "{opening} shipped the Acme dashboards this week and they build themselves. I work at Acme and I am proud of it.\n"
    )
}

#[test]
fn a_disclosure_after_the_linkedin_fold_is_flagged() {
    // About 250 characters before “I work at Acme”: below the fold.
    let late = late_disclosure(45);
    let at = late.find("I work at Acme").expect("the disclosure");
    assert!(late[..at].chars().count() > 210, "{at}");
    assert_eq!(
        flagged(guide(""), "share/disclosure", "linkedin", &late),
        [(
            "Disclosure “I work at Acme” comes after the first 210 characters on LinkedIn, which is all that shows before “more”".to_owned(),
            "I work at Acme".to_owned()
        )]
    );
    // Within the first 210 characters: shown, not flagged.
    let early = late_disclosure(20);
    assert!(early.find("I work at Acme").expect("the disclosure") < 210);
    assert_eq!(
        flagged(guide(""), "share/disclosure", "linkedin", &early),
        []
    );
    // A guide that measured its own feed moves the fold.
    assert_eq!(
        flagged(
            guide("\n[sharing.limits.linkedin]\nfold_chars = 400\n"),
            "share/disclosure",
            "linkedin",
            &late
        ),
        []
    );
}

#[test]
fn an_opening_of_only_hashtags_on_linkedin_has_no_hook() {
    let tags: Vec<String> = (1..=30).map(|n| format!("#launchday{n}")).collect();
    let text = format!(
        "{}\n\nWe rebuilt the search so answers come faster.\n",
        tags.join(" ")
    );
    let found = flagged(guide(""), "share/length-limit", "linkedin", &text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].0,
        "The first 210 characters on LinkedIn hold no hook: only hashtags, mentions or links show before “more”"
    );
    // The same post opening with the news is fine.
    let hooked = format!(
        "We rebuilt the search so answers come faster.\n\n{}\n",
        tags.join(" ")
    );
    assert_eq!(
        flagged(guide(""), "share/length-limit", "linkedin", &hooked),
        []
    );
}
