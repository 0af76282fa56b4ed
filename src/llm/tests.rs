use std::sync::Arc;

use super::*;
use crate::guide::GuideSource;

const GUIDE: &str = r#"
[voice]
description = "Warm, plain and direct. No hype."
max_sentence_words = 25
reading_grade = 9

[[voice.terms]]
use = "sign in"
instead_of = ["log in", "login"]

[[voice.avoid]]
terms = ["synergy", "disrupt"]

[llm]
base_url = "http://127.0.0.1:9/v1"
model = "house-model"
cache = false
"#;

fn engine() -> Engine {
    let guide = Guide::from_source(GUIDE, GuideSource::BuiltIn).expect("guide parses");
    Engine::with_env(Arc::new(guide), EngineOptions::default(), &|_| None).expect("engine")
}

fn render(messages: &[Message]) -> String {
    messages
        .iter()
        .map(|message| match message {
            Message::System(text) => format!("## system\n{text}"),
            Message::User(text) => format!("## user\n{text}"),
            Message::Assistant(text) => format!("## assistant\n{text}"),
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[test]
fn tighten_prompt_renders_voice_context_and_text() {
    let engine = engine();
    let messages = engine.tighten_messages(
        "We are really very excited to announce that our team has basically finished the work.",
        "paragraph",
        "Before: Last quarter we planned the launch.",
    );
    insta::assert_snapshot!(render(&messages));
}

#[test]
fn bridge_prompt_renders_both_paragraphs() {
    let engine = engine();
    let messages = engine.bridge_messages(
        "Our support team answered 12,000 tickets this quarter.",
        "Berlin will host the partner summit in October.",
    );
    insta::assert_snapshot!(render(&messages));
}

#[test]
fn builtin_guide_prompt_uses_the_default_limits() {
    let guide = Guide::from_source(
        "[llm]\nbase_url = \"http://127.0.0.1:9/v1\"\nmodel = \"m\"\ncache = false\n",
        GuideSource::BuiltIn,
    )
    .expect("guide parses");
    let engine = Engine::with_env(Arc::new(guide), EngineOptions::default(), &|_| None).unwrap();
    let messages = engine.tighten_messages("One two three four five six seven.", "sentence", "");
    insta::assert_snapshot!(render(&messages));
}

#[test]
fn no_llm_section_means_no_engine() {
    let error = Engine::new(Guide::builtin(), EngineOptions::default()).unwrap_err();
    assert_eq!(error, SuggestError::Model(LlmError::NotConfigured));
}

#[test]
fn paragraph_range_keeps_list_markers_and_covers_markup() {
    let text = "Intro line here.\n\n- **Bold** start of an item that [links](https://x.example).\n\n> Quoted words go here.\n";
    let document = Document::parse(text, DocumentKind::Markdown);
    let ranges: Vec<&str> = document
        .blocks
        .iter()
        .map(|block| &text[block_source_range(&document, block)])
        .collect();
    assert_eq!(
        ranges,
        [
            "Intro line here.",
            "**Bold** start of an item that [links](https://x.example).",
            "Quoted words go here."
        ]
    );
}

#[path = "../../benches/guard/voices.rs"]
pub(crate) mod voices;

/// A profile learned from one of the two writers of benches/guard/voices.rs.
pub(crate) fn writer(name: &str) -> crate::voice::VoiceProfile {
    let (_, posts) = voices::writers()
        .into_iter()
        .find(|(n, _)| *n == name)
        .expect("a writer");
    let documents: Vec<Document> = posts
        .iter()
        .map(|p| Document::parse(p.as_str(), DocumentKind::Markdown))
        .collect();
    crate::voice::learn(name, &documents, crate::voice::DEFAULT_MIN_WORDS).expect("enough text")
}

const PARAGRAPH: &str = "We are really very excited to say that the whole team basically uses the new picker every single day now.";

#[test]
fn tighten_prompt_carries_three_of_the_writers_sentences_closest_to_the_paragraph() {
    let engine = engine();
    let profile = writer("plain");
    let messages = engine.tighten_messages_in_voice(PARAGRAPH, "paragraph", "", Some(&profile));
    let rendered = render(&messages);
    let chosen = crate::voice::excerpts_for(&profile, PARAGRAPH, 3);
    assert_eq!(chosen.len(), 3);
    // In the system message, away from the text to edit.
    let (Message::System(system), Message::User(user)) = (&messages[0], &messages[1]) else {
        panic!("{rendered}");
    };
    for excerpt in &chosen {
        assert!(system.contains(&format!("- {excerpt}")), "{rendered}");
        assert!(!user.contains(excerpt.as_str()), "{rendered}");
    }
    // The closest sentence shares "picker", "single" and "day" with it.
    assert_eq!(chosen[0], "We use the picker ourselves every single day.");
    insta::assert_snapshot!(rendered);
    // Without a profile the prompt has no such section.
    let plain = render(&engine.tighten_messages(PARAGRAPH, "paragraph", ""));
    assert!(!plain.contains("How this writer writes"), "{plain}");
    assert!(!plain.contains(&chosen[0]), "{plain}");
}

#[test]
fn bridge_prompt_carries_the_writers_sentences_with_a_profile_only() {
    let engine = engine();
    let profile = writer("formal");
    let (first, second) = (
        "The reporting service now runs on the new cluster.",
        "Scheduled exports will be reviewed before the end of the quarter.",
    );
    let with = render(&engine.bridge_messages_in_voice(first, second, Some(&profile)));
    insta::assert_snapshot!(with);
    assert!(with.contains("How this writer writes"), "{with}");
    let without = render(&engine.bridge_messages(first, second));
    assert!(!without.contains("How this writer writes"), "{without}");
}

#[test]
fn the_cache_key_changes_with_the_profile_in_effect() {
    let engine = engine();
    let plain = writer("plain");
    let formal = writer("formal");
    let mut edited = plain.clone();
    edited.excerpts.pop();
    let key = |voice: Option<&crate::voice::VoiceProfile>| {
        engine
            .cache_key(&engine.prompts.tighten, PARAGRAPH, "", voice)
            .prompt
    };
    let keys = [
        key(None),
        key(Some(&plain)),
        key(Some(&formal)),
        key(Some(&edited)),
    ];
    for (i, a) in keys.iter().enumerate() {
        for b in &keys[i + 1..] {
            assert_ne!(a, b);
        }
    }
    assert_eq!(key(Some(&plain)), key(Some(&writer("plain"))), "stable");
}
