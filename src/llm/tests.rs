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
