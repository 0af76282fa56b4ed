//! Collect a real model's Tighten and Bridge answers for the guard set.
//!
//! Sends each paragraph of `benches/guard/real-tighten.md` and each pair of
//! `benches/guard/real-bridge.md` through copydesk's own prompts, exactly as
//! the product does: the first answer, and, when the guard rejects it, the
//! product's retry with the reason. Prints every answer as a `[[pair]]` stub
//! for `benches/guard/pairs.toml` with an empty verdict: a person labels it
//! by the rubric in that file's header, without looking at the guard.
//! The guard's verdicts go to stderr, for comparing afterwards.
//!
//! `cargo run --example guard_answers -- --config copydesk.toml --source
//! smollm2 [--tighten FILE] [--bridge FILE] > answers.toml`

use std::path::PathBuf;
use std::sync::Arc;

use copydesk::DocumentKind;
use copydesk::guide::Guide;
use copydesk::llm::{
    Engine, EngineOptions, Message, as_sentence, guard, retry_note, tighten_candidate,
};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut config = None;
    let mut source = None;
    let mut tighten = PathBuf::from("benches/guard/real-tighten.md");
    let mut bridge = PathBuf::from("benches/guard/real-bridge.md");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--config" => config = args.next().map(PathBuf::from),
            "--source" => source = args.next(),
            "--tighten" => tighten = args.next().map(PathBuf::from).unwrap_or(tighten),
            "--bridge" => bridge = args.next().map(PathBuf::from).unwrap_or(bridge),
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    let config =
        config.ok_or_else(|| anyhow::anyhow!("--config FILE (a guide with [llm]) is required"))?;
    let source = source.ok_or_else(|| anyhow::anyhow!("--source NAME is required"))?;
    let guide = Arc::new(Guide::load(&config)?);
    let engine = Engine::new(Arc::clone(&guide), EngineOptions::default())?;
    let checker = copydesk::Checker::new(guide, copydesk::CheckOptions::default());
    let kind = DocumentKind::Markdown;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;

    for (index, paragraph) in blocks(&std::fs::read_to_string(&tighten)?, "\n\n")
        .iter()
        .enumerate()
    {
        let mut messages = engine.tighten_messages(paragraph, "paragraph", "");
        let (words, _) = guard::measure(paragraph, kind);
        for attempt in 1..=2 {
            let completion =
                runtime.block_on(engine.client().complete(&messages, (words * 2 + 48) as u32))?;
            // As the product reads it: an answer cut off at the token limit
            // counts up to its last complete paragraph.
            let (candidate, verdict) = tighten_candidate(&completion, &|candidate| {
                guard::check_tighten(paragraph, candidate, kind, &checker)
            });
            let id = format!("{source}-t{:02}-a{attempt}", index + 1);
            if candidate.trim().is_empty() || verdict == Err(guard::Rejection::Truncated) {
                eprintln!("{id}: empty or cut off; not a candidate");
                break;
            }
            eprintln!("{id}: guard {verdict:?}");
            print_stub(&id, &source, &[("original", paragraph)], &candidate);
            match verdict {
                Ok(()) => break,
                Err(rejection) => {
                    messages.push(Message::Assistant(completion.text));
                    messages.push(Message::User(retry_note(&rejection)));
                }
            }
        }
    }

    let text = std::fs::read_to_string(&bridge)?;
    for (index, pair) in blocks(&text, "\n---\n").iter().enumerate() {
        let Some((first, second)) = pair.split_once("\n\n") else {
            anyhow::bail!("{}: pair {} has no blank line", bridge.display(), index + 1);
        };
        let (first, second) = (first.trim(), second.trim());
        let messages = engine.bridge_messages(first, second);
        // The product's limit for a Bridge answer.
        let max_tokens = 60 * copydesk::llm::BRIDGE_OPTIONS as u32 + 40;
        let completion = runtime.block_on(engine.client().complete(&messages, max_tokens))?;
        for (number, option) in guard::bridge_options(&completion.text).iter().enumerate() {
            let option = as_sentence(option);
            let id = format!("{source}-b{:02}-o{}", index + 1, number + 1);
            let verdict = guard::check_bridge(first, second, &option, kind, &checker);
            eprintln!("{id}: guard {verdict:?}");
            print_stub(
                &id,
                &source,
                &[("first", first), ("second", second)],
                &option,
            );
        }
    }
    Ok(())
}

/// An unlabelled `[[pair]]`: a Tighten when `texts` is the original, a
/// Bridge when it is the two paragraphs.
fn print_stub(id: &str, source: &str, texts: &[(&str, &str)], candidate: &str) {
    let kind = if texts.len() == 2 {
        "bridge"
    } else {
        "tighten"
    };
    println!("[[pair]]");
    println!("id = {}", quoted(id));
    println!("kind = \"{kind}\"");
    println!("source = {}", quoted(source));
    for (key, text) in texts {
        println!("{key} = {}", quoted(text));
    }
    println!("candidate = {}", quoted(candidate));
    println!("verdict = \"\"\nwhy = \"\"\n");
}

/// The blocks of a file split at `separator`, after its leading HTML
/// comment.
fn blocks(text: &str, separator: &str) -> Vec<String> {
    let text = match (text.trim_start().strip_prefix("<!--"), text.find("-->")) {
        (Some(_), Some(end)) => &text[end + 3..],
        _ => text,
    };
    text.split(separator)
        .map(str::trim)
        .filter(|b| !b.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A TOML basic string.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}
