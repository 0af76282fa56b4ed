use std::sync::Arc;

use super::*;
use crate::document::DocumentKind;
use crate::finding::Severity;
use crate::guide::GuideSource;
use crate::llm::EngineOptions;

const GUIDE: &str = r#"
[voice]
description = "Warm, plain and confident. No hype."

[[voice.examples]]
good = "We cut build times in half."
bad = "We are thrilled to unveil a revolutionary build experience!"
why = "says what changed, with a number"

[review]
builtin_questions = false

[[review.questions]]
id = "puffery"
title = "Puffery"
ask = "Superlatives stated as fact with no source."

[[review.questions]]
id = "voice"
title = "Off the brand voice"
ask = "Passages that do not sound like the voice described above."

[llm]
base_url = "http://127.0.0.1:9/v1"
model = "house-model"
cache = false
"#;

fn guide(text: &str) -> Arc<Guide> {
    Arc::new(Guide::from_source(text, GuideSource::BuiltIn).expect("guide parses"))
}

fn engine(text: &str) -> Engine {
    Engine::with_env(guide(text), EngineOptions::default(), &|_| None).expect("engine")
}

fn ids(questions: &[ReviewQuestion]) -> Vec<&str> {
    questions.iter().map(|q| q.id.as_str()).collect()
}

fn raw(question: &str, paragraph: Option<usize>, quote: &str) -> RawFinding {
    RawFinding {
        question: question.to_owned(),
        paragraph,
        quote: quote.to_owned(),
        reason: "because".to_owned(),
        confidence: Some(Confidence::High),
        rewrite: None,
    }
}

#[test]
fn the_prompt_numbers_paragraphs_and_states_voice_examples_and_questions() {
    let engine = engine(GUIDE);
    let questions = questions(engine.guide(), &ReviewOptions::default());
    let messages = engine.review_messages(
        &questions,
        &[
            "We built the best app in the world.",
            "Try `cargo run` at https://acme.example today.",
        ],
    );
    let [Message::User(prompt)] = messages.as_slice() else {
        panic!("one user message: {messages:?}");
    };
    insta::assert_snapshot!(prompt);
}

#[test]
fn the_voice_question_needs_a_voice_and_rules_can_turn_questions_off() {
    let with_voice = guide(GUIDE);
    assert_eq!(
        ids(&questions(&with_voice, &ReviewOptions::default())),
        ["puffery", "voice"]
    );
    // The built-in guide has no voice description: nothing to compare with.
    let builtin = guide("");
    let asked = questions(&builtin, &ReviewOptions::default());
    assert!(!ids(&asked).contains(&"voice"), "{:?}", ids(&asked));
    assert!(ids(&asked).contains(&"reputation"));

    let off = guide(&format!("{GUIDE}\n[rules]\n\"review/puffery\" = \"off\"\n"));
    assert_eq!(ids(&questions(&off, &ReviewOptions::default())), ["voice"]);
    let whole_category_off = guide(&format!("{GUIDE}\n[rules]\nreview = \"off\"\n"));
    assert!(questions(&whole_category_off, &ReviewOptions::default()).is_empty());

    let selected = ReviewOptions {
        select: vec!["review/voice".to_owned()],
        ..ReviewOptions::default()
    };
    assert_eq!(ids(&questions(&with_voice, &selected)), ["voice"]);
    let ignored = ReviewOptions {
        ignore: vec!["review".to_owned()],
        ..ReviewOptions::default()
    };
    assert!(questions(&with_voice, &ignored).is_empty());
}

#[test]
fn the_schema_lists_exactly_the_asked_questions() {
    let questions = questions(&guide(GUIDE), &ReviewOptions::default());
    let schema = answer_schema(&questions);
    let item = &schema.schema["properties"]["findings"]["items"];
    assert_eq!(
        item["properties"]["question"]["enum"],
        serde_json::json!(["puffery", "voice"])
    );
    assert_eq!(
        item["properties"]["confidence"]["enum"],
        serde_json::json!(["low", "medium", "high"])
    );
    assert!(
        schema
            .name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    );
}

#[test]
fn code_links_and_urls_are_written_out_and_mapped_back_to_the_source() {
    let text = "# Launch\n\nRun `cargo run --release` on [our **new** site](https://acme.example/x) for the best speed ever.\n";
    let document = Document::parse(text, DocumentKind::Markdown);
    let units = units(&document);
    // The heading has one word: not reviewed.
    assert_eq!(units.len(), 1);
    let unit = &units[0];
    assert_eq!(
        unit.text,
        "Run `cargo run --release` on our new site for the best speed ever."
    );
    let block = &document.blocks[unit.block];
    let to_source = |quote: &str| {
        let anchored = anchor::locate(&unit.text, quote).expect("located");
        &text[block.source_range(unit.prose_range(anchored.range))]
    };
    assert_eq!(to_source("the best speed ever"), "the best speed ever");
    // A quote inside written-out code covers the whole code span.
    assert_eq!(to_source("--release"), "`cargo run --release`");
    assert_eq!(
        to_source("Run `cargo run --release` on"),
        "Run `cargo run --release` on"
    );
}

#[test]
fn a_quote_in_two_paragraphs_goes_where_the_model_points_else_the_first() {
    let document = Document::parse(
        "Our app is the best in class.\n\nThe rival app is the best in class too, they say.\n",
        DocumentKind::Markdown,
    );
    let units = units(&document);
    let batch = [0, 1];
    let mut stats = ReviewStats::default();
    let assigned = assign(
        vec![
            raw("puffery", Some(2), "the best in class"),
            raw("puffery", None, "the best in class"),
            raw("puffery", Some(9), "best in class"),
            raw("puffery", Some(1), "they say"),
        ],
        &batch,
        &units,
        &mut stats,
    );
    let quotes = |index: usize| -> Vec<(Option<usize>, &str)> {
        assigned[index]
            .1
            .iter()
            .map(|f| (f.paragraph, f.quote.as_str()))
            .collect()
    };
    assert_eq!(
        quotes(0),
        [(None, "the best in class"), (Some(9), "best in class")]
    );
    // Named paragraph 2; "they say" is only in paragraph 2 even though the
    // model said 1.
    assert_eq!(
        quotes(1),
        [(Some(2), "the best in class"), (Some(1), "they say")]
    );
    assert_eq!(stats.unlocated, 0);
}

#[test]
fn quotes_found_nowhere_are_counted_and_dropped() {
    let document = Document::parse("We ship on Monday, as planned.\n", DocumentKind::Markdown);
    let units = units(&document);
    let mut stats = ReviewStats::default();
    let assigned = assign(
        vec![
            raw("puffery", Some(1), "the fastest shipping on earth"),
            raw("puffery", Some(1), "as planned"),
        ],
        &[0],
        &units,
        &mut stats,
    );
    assert_eq!(stats.unlocated, 1);
    assert_eq!(assigned[0].1.len(), 1);
}

#[test]
fn overlapping_findings_keep_the_most_confident_per_question() {
    let finding = |rule: &str, span: Range<usize>| {
        Finding::new(rule, span, Severity::Info, format!("{rule} here"))
    };
    let kept = keep_strongest(vec![
        (finding("review/puffery", 0..20), Confidence::Medium),
        (finding("review/puffery", 5..12), Confidence::High),
        (finding("review/puffery", 10..30), Confidence::High),
        (finding("review/voice", 0..20), Confidence::Low),
        (finding("review/puffery", 40..45), Confidence::Low),
    ]);
    let spans: Vec<(&str, Range<usize>)> = kept
        .iter()
        .map(|f| (f.rule.as_str(), f.span.clone()))
        .collect();
    assert_eq!(
        spans,
        [
            ("review/puffery", 5..12),
            ("review/puffery", 40..45),
            ("review/voice", 0..20),
        ]
    );
}

#[test]
fn paragraphs_are_batched_up_to_the_character_limit() {
    let document = Document::parse(
        "One two three four.\n\nFive six seven eight.\n\nA much longer paragraph than the limit allows here.\n\nNine ten eleven.\n",
        DocumentKind::Markdown,
    );
    let units = units(&document);
    assert_eq!(
        batches(&[0, 1, 2, 3], &units, 45),
        [vec![0, 1], vec![2], vec![3]]
    );
    assert_eq!(batches(&[0, 3], &units, 10_000), [vec![0, 3]]);
    assert!(batches(&[], &units, 10).is_empty());
}

#[test]
fn budgets_run_out() {
    let budget = Budget::new(2);
    assert!(budget.take());
    assert!(budget.take());
    assert!(!budget.take());
    assert_eq!(budget.left(), 0);
}

#[test]
fn reasons_become_one_line_without_a_period() {
    assert_eq!(
        one_sentence("  No source given.\nMore text."),
        "No source given"
    );
    let long = "word ".repeat(100);
    let line = one_sentence(&long);
    assert!(line.ends_with('…'));
    assert!(line.chars().count() <= 201);
}

#[test]
fn schema_refusals_are_told_from_other_rejections() {
    let rejected = |status, detail: &str| LlmError::Rejected {
        status,
        detail: detail.to_owned(),
    };
    assert!(refuses_schema(&rejected(
        400,
        "response_format type json_schema is not supported"
    )));
    assert!(!refuses_schema(&rejected(400, "context length exceeded")));
    assert!(!refuses_schema(&rejected(500, "response_format")));
}
