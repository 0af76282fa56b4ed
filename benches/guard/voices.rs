//! Two writers for the guard's profile check, written by the team: the
//! posts a voice profile is learned from in `tests/guard_set.rs`,
//! `tests/voice_edits.rs`, `examples/guard_compare.rs` and the unit tests of
//! `llm::voice_guard` (each includes this file with `#[path]`; std only).
//!
//! "plain": short sentences, contractions in every post, “we” and “you”,
//! opens with “So” and “But”, never writes “however”, “moreover” or
//! “therefore”. "formal": long impersonal sentences, no contractions, no
//! “I”, “we” or “you”, “however” and “therefore” but never a sentence
//! opened with “But” or “So”.

#![allow(dead_code)]

pub const PLAIN: &[&str] = &[
    "We've shipped the new colour picker today.",
    "It's faster, and we think you'll like it.",
    "So we kept the layout and fixed what hurt.",
    "You can sort your palettes by project now.",
    "We didn't want a big redesign this time.",
    "But the old menus were slow, and you told us.",
    "We're still learning, so tell us what's missing.",
    "The side panel won't jump around any more.",
    "We use the picker ourselves every single day.",
    "You'll find the export button in the top bar.",
    "So that's the release, and there's more to come.",
    "We'd love to hear what you build with it.",
];

pub const FORMAL: &[&str] = &[
    "The platform team has completed the migration of the reporting service to the new cluster, which reduces the time required to produce monthly summaries.",
    "However, several customers have reported that scheduled exports do not yet include the archived projects that were moved during the same period.",
    "The engineering group will therefore review the export configuration and publish a corrected version before the end of the current quarter.",
    "Customers who depend on the archived data should continue to use the previous interface until the corrected version has been announced.",
    "The documentation describes each configuration option in detail and includes recommendations for organisations with more than one hundred active projects.",
    "The change is small but important for teams that publish reports to external partners every week.",
    "The new cluster also provides additional capacity, which allows the service to process larger reports without the delays observed in earlier releases.",
    "Further improvements to the scheduling component are planned for the following release and will be described in a separate announcement.",
    "In the meantime, administrators may export the archived projects manually from the previous interface without any loss of data.",
    "This approach has been tested with the largest customer accounts and has not produced any errors in the past two months.",
    "It is expected that the corrected configuration will reduce the number of support requests related to incomplete exports considerably.",
];

/// `count` posts of `per_post` sentences each, drawn in turn from
/// `sentences` (each post starts elsewhere), four sentences a paragraph.
pub fn posts(sentences: &[&str], count: usize, per_post: usize) -> Vec<String> {
    (0..count)
        .map(|seed| {
            let mut out = String::new();
            for i in 0..per_post {
                out.push_str(sentences[(seed + i * 5) % sentences.len()]);
                out.push_str(if i % 4 == 3 { "\n\n" } else { " " });
            }
            out
        })
        .collect()
}

/// The two writers' posts, by name.
pub fn writers() -> Vec<(&'static str, Vec<String>)> {
    vec![
        ("plain", posts(PLAIN, 8, 40)),
        ("formal", posts(FORMAL, 8, 30)),
    ]
}
