//! Classes of findings that kept `voice/casing` and `concise/redundancy`
//! under their precision bars on published posts (docs/precision.md).
//! Every sentence here is written for this test in the shape of the real
//! one; none is copied from a post.

use copydesk::check::{CheckOptions, Checker};
use copydesk::document::DocumentKind;
use copydesk::fix::Applicability;
use copydesk::guide::Guide;

fn checker(rule: &str) -> Checker {
    let options = CheckOptions {
        select: vec![rule.to_owned()],
        today: (2026, 11, 23),
        ..CheckOptions::default()
    };
    Checker::new(Guide::builtin(), options)
}

/// The text each finding of `rule` covers.
#[track_caller]
fn flagged(input: &str, rule: &str) -> Vec<String> {
    let (document, findings) = checker(rule).check_text(input, DocumentKind::Markdown);
    findings
        .iter()
        .map(|f| document.text()[f.span.clone()].to_owned())
        .collect()
}

#[track_caller]
fn fixed_safe(input: &str, rule: &str) -> String {
    checker(rule)
        .fix_text(input, DocumentKind::Markdown, Applicability::Safe)
        .text
}

/// Link text that reads as the title of the issue, pull request, merge
/// request or discussion it links to is that title as filed: a quotation,
/// not the writer's spelling.
#[test]
fn casing_leaves_the_titles_of_linked_tracker_items() {
    for text in [
        "- [Github: retry uploads when the token expires](https://github.com/acme/tool/issues/4410)",
        "We merged [Add a Youtube embed to the docs site](https://github.com/acme/site/pull/97).",
        "See [Support Mysql 8 in the importer](https://gitlab.com/acme/db/-/merge_requests/12#note_3).",
        "The thread [Links from reddit break the preview](https://github.com/acme/site/discussions/5) has more.",
        "Reference links too: [Linkedin cards are cropped][card].\n\n[card]: https://github.com/acme/site/issues/31",
    ] {
        assert_eq!(
            flagged(text, "voice/casing"),
            Vec::<String>::new(),
            "{text}"
        );
        assert_eq!(fixed_safe(text, "voice/casing"), text, "{text}");
    }
}

/// Only a title-like link text is exempt, and only for a tracker item: the
/// writer's own words around it or in the link, and link text naming a
/// repository or a page, are still checked and fixed.
#[test]
fn casing_still_fixes_the_writers_own_words_around_and_in_other_links() {
    assert_eq!(
        fixed_safe(
            "Our Github bot closed [a stale report](https://github.com/acme/tool/issues/7).",
            "voice/casing"
        ),
        "Our GitHub bot closed [a stale report](https://github.com/acme/tool/issues/7)."
    );
    assert_eq!(
        fixed_safe(
            "Star [the project on Github](https://github.com/acme/tool).",
            "voice/casing"
        ),
        "Star [the project on GitHub](https://github.com/acme/tool)."
    );
    // Short lowercase link text is the writer's own words, whatever it
    // links to.
    assert_eq!(
        fixed_safe(
            "Tell us [on Github](https://github.com/acme/tool/issues/77) or by mail.",
            "voice/casing"
        ),
        "Tell us [on GitHub](https://github.com/acme/tool/issues/77) or by mail."
    );
    // A page listing the issues is not one item's title.
    assert_eq!(
        flagged(
            "File it on [our Github tracker](https://github.com/acme/tool/issues).",
            "voice/casing"
        ),
        ["Github"]
    );
    assert_eq!(
        flagged(
            "Read [why we left Youtube](https://example.com/blog/issues-with-video).",
            "voice/casing"
        ),
        ["Youtube"]
    );
}

/// Idioms whose short form changes the sense or the emphasis are not
/// redundancies to fix.
#[test]
fn redundancy_leaves_idioms_of_emphasis_and_union() {
    for text in [
        "First and foremost, the release has to be safe.",
        "We read any and all reports before the freeze.",
        "The three groups joined together to run the event.",
        "Volunteers join together every spring to clean the docs.",
        "We knew from past experiences that the first build is slow.",
    ] {
        assert_eq!(
            flagged(text, "concise/redundancy"),
            Vec::<String>::new(),
            "{text}"
        );
    }
}

/// After "any", neither "period" nor "time" keeps the sense ("for any time"
/// means whenever); elsewhere the pair is still flagged.
#[test]
fn redundancy_leaves_any_period_of_time() {
    for text in [
        "No key is kept for any period of time after logout.",
        "The cache is not valid for ANY time period at all.",
    ] {
        assert_eq!(
            flagged(text, "concise/redundancy"),
            Vec::<String>::new(),
            "{text}"
        );
    }
    assert_eq!(
        flagged(
            "The flag stayed unstable for a long period of time.",
            "concise/redundancy"
        ),
        ["period of time"]
    );
    assert_eq!(
        fixed_safe(
            "We gained from past experience and the end result shows it.",
            "concise/redundancy"
        ),
        "We gained from experience and the result shows it."
    );
}
