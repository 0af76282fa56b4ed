//! Tighten quality benchmark (not a test): run the configured model over a
//! set of wordy paragraphs and report how often its suggestion passes the
//! guard, how much shorter accepted rewrites are, and how often the model's
//! first, unguarded answer keeps every fact.
//!
//! Run with `scripts/bench-tighten` (which starts a local llama-server), or
//! `cargo run --release --example tighten_quality -- --config copydesk.toml
//! [paragraphs.md]` against any configured endpoint.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use copydesk::DocumentKind;
use copydesk::guide::Guide;
use copydesk::llm::guard::Checks;
use copydesk::llm::{Draft, Engine, EngineOptions, SuggestError, TightenTarget, guard};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let mut config = None;
    let mut corpus = PathBuf::from("scripts/bench/wordy-paragraphs.md");
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--config" => config = args.next().map(PathBuf::from),
            "--help" | "-h" => {
                println!("tighten_quality --config copydesk.toml [paragraphs.md]");
                return Ok(());
            }
            path => corpus = PathBuf::from(path),
        }
    }
    let config =
        config.ok_or_else(|| anyhow::anyhow!("--config FILE (a guide with [llm]) is required"))?;
    let guide = Arc::new(Guide::load(&config)?);
    let cache = tempfile::tempdir()?;
    let engine = Engine::new(
        guide,
        EngineOptions {
            cache_path: Some(cache.path().join("bench.sqlite3")),
            ..EngineOptions::default()
        },
    )?;
    let text = std::fs::read_to_string(&corpus)?;
    let paragraphs: Vec<&str> = text
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    let kind = DocumentKind::Markdown;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;

    let mut accepted = 0;
    let mut first_try_pass = 0;
    let mut old_pass = 0;
    let mut facts_kept = 0;
    let mut answered = 0;
    let mut reductions = Vec::new();
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut errors = 0;
    let checker = checker(&engine);
    let started = Instant::now();
    for (index, paragraph) in paragraphs.iter().enumerate() {
        let (words, _) = guard::measure(paragraph, kind);
        // The model's first answer, unguarded: does it keep the facts?
        let messages = engine.tighten_messages(paragraph, "paragraph", "");
        match runtime.block_on(engine.client().complete(&messages, (words * 2 + 48) as u32)) {
            Ok(completion) => {
                answered += 1;
                let candidate = guard::clean_candidate(&completion.text);
                if guard::facts_kept(paragraph, &candidate).is_ok() {
                    facts_kept += 1;
                }
                if !completion.truncated {
                    let new = guard::check_tighten(paragraph, &candidate, kind, &checker);
                    let old = guard::check_tighten_with(
                        paragraph,
                        &candidate,
                        kind,
                        &checker,
                        Checks::WithoutMeaning,
                    );
                    if new.is_ok() {
                        first_try_pass += 1;
                    }
                    if old.is_ok() {
                        old_pass += 1;
                        if let Err(reason) = new {
                            eprintln!(
                                "{:>2}: the old guard would accept the first answer; now: {reason}",
                                index + 1
                            );
                        }
                    }
                }
            }
            Err(error) => {
                errors += 1;
                eprintln!("{}: {error}", index + 1);
            }
        }
        // The product path: guard, one retry with the reason.
        let draft = Draft {
            text: paragraph,
            kind,
            name: "bench.md",
        };
        match runtime.block_on(engine.tighten(draft, TightenTarget::Paragraph(0))) {
            Ok(suggestion) => {
                accepted += 1;
                let (after, _) = guard::measure(&suggestion.replacement, kind);
                reductions.push(1.0 - after as f64 / words as f64);
                eprintln!("{:>2}: accepted, {words} → {after} words", index + 1);
            }
            Err(SuggestError::NoSafeSuggestion { reason }) => {
                let kind_of_reason = reason
                    .split(['“', ':', '('])
                    .next()
                    .unwrap_or(&reason)
                    .trim()
                    .to_owned();
                *reasons.entry(kind_of_reason).or_default() += 1;
                eprintln!("{:>2}: no safe suggestion: {reason}", index + 1);
            }
            Err(error) => {
                errors += 1;
                eprintln!("{:>2}: {error}", index + 1);
            }
        }
    }
    let elapsed = started.elapsed();
    reductions.sort_by(f64::total_cmp);
    let median = if reductions.is_empty() {
        0.0
    } else if reductions.len() % 2 == 1 {
        reductions[reductions.len() / 2]
    } else {
        (reductions[reductions.len() / 2 - 1] + reductions[reductions.len() / 2]) / 2.0
    };
    let n = paragraphs.len();
    let percent = |part: usize, whole: usize| {
        if whole == 0 {
            0.0
        } else {
            100.0 * part as f64 / whole as f64
        }
    };
    println!(
        "model:                       {} at {}",
        engine.model(),
        engine.endpoint()
    );
    println!("paragraphs:                  {n}");
    println!(
        "passed the guard:            {accepted}/{n} ({:.0}%), with one retry",
        percent(accepted, n)
    );
    println!(
        "passed on the first answer:  {first_try_pass}/{answered} ({:.0}%)",
        percent(first_try_pass, answered)
    );
    println!(
        "old guard (no meaning check): {old_pass}/{answered} first answers pass; {} of them the whole guard rejects",
        old_pass - first_try_pass
    );
    println!(
        "median word reduction:       {:.0}% (accepted suggestions)",
        median * 100.0
    );
    println!(
        "facts preserved:             {facts_kept}/{answered} ({:.0}%) of first answers, unguarded",
        percent(facts_kept, answered)
    );
    println!("request errors:              {errors}");
    println!(
        "wall time:                   {:.1} s",
        elapsed.as_secs_f64()
    );
    println!("rejections (final reason):");
    for (reason, count) in &reasons {
        println!("  {count:>3}  {reason}");
    }
    Ok(())
}

fn checker(engine: &Engine) -> copydesk::Checker {
    copydesk::Checker::new(
        Arc::clone(engine.guide()),
        copydesk::CheckOptions::default(),
    )
}
