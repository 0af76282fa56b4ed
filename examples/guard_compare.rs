//! The old guard against the new one on the labelled guard set.
//!
//! "Old" is the guard before `llm::meaning` (facts, shape, language and the
//! guide's rules: `Checks::WithoutMeaning`); "new" is the whole guard every
//! front end runs. For Tighten and Bridge separately, over all pairs and over
//! the real model answers alone: meaning changes caught, good rewrites kept,
//! and which meaning changes only the new guard catches.
//!
//! Run with `scripts/bench-tighten` (first step) or
//! `cargo run --example guard_compare`.

#[path = "../benches/guard/set.rs"]
mod set;

use copydesk::llm::guard::Checks;
use copydesk::llm::meaning;
use set::{Pair, Tally};

fn main() {
    let pairs = set::load();
    let checker = set::checker();
    println!(
        "guard set: {} pairs (benches/guard/pairs.toml)",
        pairs.len()
    );
    for (label, real_only) in [("all pairs", false), ("real model answers only", true)] {
        println!("\n{label}");
        for kind in ["tighten", "bridge"] {
            let chosen: Vec<&Pair> = pairs
                .iter()
                .filter(|p| p.kind == kind && (!real_only || p.source != "team"))
                .collect();
            let old = Tally::of(chosen.iter().copied(), &checker, Checks::WithoutMeaning);
            let new = Tally::of(chosen.iter().copied(), &checker, Checks::All);
            println!("  {kind} ({} pairs)", chosen.len());
            println!("    old guard: {}", old.summary());
            println!("    new guard: {}", new.summary());
            let only_new: Vec<&String> = old
                .wrongly_accepted
                .iter()
                .filter(|id| !new.wrongly_accepted.contains(id))
                .collect();
            if !only_new.is_empty() && real_only {
                println!("    caught only by the new guard: {}", join(&only_new));
            }
            if !new.wrongly_accepted.is_empty() {
                println!(
                    "    meaning changes the new guard misses: {}",
                    join(&new.wrongly_accepted.iter().collect::<Vec<_>>())
                );
            }
            for line in &new.wrongly_rejected {
                println!("    good but rejected by the new guard: {line}");
            }
            if !real_only {
                // What the meaning and voice checks would miss on their own:
                // changes that only the other checks catch.
                let missed: Vec<&String> = chosen
                    .iter()
                    .filter(|p| p.verdict == "reject" && meaning_alone(p).is_ok())
                    .map(|p| &p.id)
                    .collect();
                println!(
                    "    meaning changes the meaning checks alone let through ({}): {}",
                    missed.len(),
                    join(&missed)
                );
            }
        }
    }
}

fn meaning_alone(pair: &Pair) -> Result<(), meaning::MeaningChange> {
    if pair.kind == "bridge" {
        meaning::check_bridge_meaning(&pair.first, &pair.second, &pair.candidate)
    } else {
        meaning::check_meaning(&pair.original, &pair.candidate, &meaning::BUILTIN_LEXICON)
    }
}

fn join(ids: &[&String]) -> String {
    ids.iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
