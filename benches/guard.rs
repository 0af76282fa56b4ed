//! Cost of the guard, which runs on every model answer.
//!
//! Run with `cargo bench --bench guard`. Times `guard::check_tighten` and
//! `guard::check_bridge` (the whole guard: facts, the guide's rules, and the
//! meaning and voice checks) and `meaning::check_meaning` alone over every
//! candidate in `benches/guard/pairs.toml`, and prints the mean and the
//! slowest per candidate. The target is under 1 ms per candidate paragraph.

use std::time::{Duration, Instant};

use copydesk::check::{CheckOptions, Checker};
use copydesk::document::DocumentKind;
use copydesk::guide::Guide;
use copydesk::llm::{guard, meaning};
use serde::Deserialize;

#[derive(Deserialize)]
struct Set {
    pair: Vec<Pair>,
}

#[derive(Deserialize)]
struct Pair {
    kind: String,
    #[serde(default)]
    original: String,
    #[serde(default)]
    first: String,
    #[serde(default)]
    second: String,
    candidate: String,
}

fn main() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/guard/pairs.toml");
    let text = std::fs::read_to_string(path).expect("the guard set");
    let set: Set = toml::from_str(&text).expect("the guard set parses");
    let checker = Checker::new(Guide::builtin(), CheckOptions::default());
    let lexicon = &*meaning::BUILTIN_LEXICON;
    const ROUNDS: usize = 20;

    let mut whole = Vec::new();
    let mut meaning_only = Vec::new();
    for pair in &set.pair {
        let started = Instant::now();
        for _ in 0..ROUNDS {
            let verdict = match pair.kind.as_str() {
                "bridge" => guard::check_bridge(
                    &pair.first,
                    &pair.second,
                    &pair.candidate,
                    DocumentKind::Markdown,
                    &checker,
                ),
                _ => guard::check_tighten(
                    &pair.original,
                    &pair.candidate,
                    DocumentKind::Markdown,
                    &checker,
                ),
            };
            std::hint::black_box(verdict.is_ok());
        }
        whole.push(started.elapsed() / ROUNDS as u32);
        if pair.kind == "tighten" {
            let started = Instant::now();
            for _ in 0..ROUNDS {
                let verdict = meaning::check_meaning(&pair.original, &pair.candidate, lexicon);
                std::hint::black_box(verdict.is_ok());
            }
            meaning_only.push(started.elapsed() / ROUNDS as u32);
        }
    }
    report("whole guard", &whole);
    report("meaning and voice checks alone", &meaning_only);
}

fn report(what: &str, times: &[Duration]) {
    let total: Duration = times.iter().sum();
    let mean = total / times.len().max(1) as u32;
    let max = times.iter().max().copied().unwrap_or_default();
    println!(
        "{what}: {} candidates, mean {:.3} ms, slowest {:.3} ms per candidate",
        times.len(),
        mean.as_secs_f64() * 1000.0,
        max.as_secs_f64() * 1000.0
    );
}
