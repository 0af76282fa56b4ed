//! Cost of the guard, which runs on every model answer.
//!
//! Run with `cargo bench --bench guard`. Times `guard::check_tighten` and
//! `guard::check_bridge` (the whole guard: facts, the guide's rules, and the
//! meaning and voice checks) and `meaning::check_meaning` alone over every
//! candidate in `benches/guard/pairs.toml`, and prints the mean and the
//! slowest per candidate. The target is under 1 ms per candidate paragraph.
//! Then the whole guard over every candidate without a voice profile and
//! with one (the set's first writer's): what `[voice] profile` costs.

#[path = "guard/set.rs"]
mod set;

use std::time::{Duration, Instant};

use copydesk::llm::guard::Checks;
use copydesk::llm::meaning;

fn main() {
    let pairs = set::load();
    let checker = set::checker();
    let lexicon = &*meaning::BUILTIN_LEXICON;
    const ROUNDS: usize = 20;

    let mut whole = Vec::new();
    let mut meaning_only = Vec::new();
    for pair in &pairs {
        let started = Instant::now();
        for _ in 0..ROUNDS {
            std::hint::black_box(pair.check(&checker, Checks::All).is_ok());
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
    // The same candidates with no profile, then each in the voice of the
    // set's first writer: what a `[voice] profile` adds to the guard.
    let voice = set::profiles().first();
    for (what, voice) in [
        ("whole guard, no voice profile", None),
        ("whole guard, every candidate in a voice profile", voice),
    ] {
        let mut times = Vec::new();
        for pair in &pairs {
            let started = Instant::now();
            for _ in 0..ROUNDS {
                std::hint::black_box(pair.check_in_voice(&checker, Checks::All, voice).is_ok());
            }
            times.push(started.elapsed() / ROUNDS as u32);
        }
        report(what, &times);
    }
    // What was timed: the verdicts on the same pairs.
    println!(
        "verdicts: {}",
        set::Tally::of(&pairs, &checker, Checks::All).summary()
    );
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
