//! The old guard against the new one on the labelled guard set.
//!
//! "Old" is the guard before `llm::meaning` (facts, shape, language and the
//! guide's rules: `Checks::WithoutMeaning`); "new" is the whole guard every
//! front end runs. For Tighten and Bridge separately, over all pairs and over
//! the real model answers alone: meaning changes caught, good rewrites kept,
//! and which meaning changes only the new guard catches.
//!
//! Then the voice profile check (`llm::voice_guard`): the labelled pairs
//! judged with a writer's profile, and how many good rewrites the guard
//! kept without a profile it still keeps with each profile in effect: the
//! two writers of `benches/guard/voices.rs`, and, when
//! `../shared/corpus/voices` is present, each of its writers learned from
//! all their posts (`--min-words 500`).
//!
//! Run with `scripts/bench-tighten` (first step) or
//! `cargo run --example guard_compare`.

#[path = "../benches/guard/set.rs"]
mod set;

use copydesk::document::{Document, DocumentKind};
use copydesk::llm::guard::Checks;
use copydesk::llm::meaning;
use copydesk::voice::VoiceProfile;
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
    voice_profiles(&pairs, &checker);
}

/// The voice profile check on the set.
fn voice_profiles(pairs: &[Pair], checker: &copydesk::check::Checker) {
    println!("\nvoice profile check (llm::voice_guard)");
    let voiced: Vec<&Pair> = pairs.iter().filter(|p| p.profile.is_some()).collect();
    let bad: Vec<&&Pair> = voiced.iter().filter(|p| p.verdict == "reject").collect();
    let rejected = bad
        .iter()
        .filter(|p| p.check(checker, Checks::All).is_err())
        .count();
    let only_profile = bad
        .iter()
        .filter(|p| p.check_in_voice(checker, Checks::All, None).is_ok())
        .count();
    let good: Vec<&&Pair> = voiced.iter().filter(|p| p.verdict == "accept").collect();
    let kept = good
        .iter()
        .filter(|p| p.check(checker, Checks::All).is_ok())
        .count();
    println!(
        "  labelled with a writer's profile: voice changes rejected {rejected}/{} ({only_profile} of them only with the profile), good rewrites kept {kept}/{}",
        bad.len(),
        good.len()
    );
    let before: Vec<&Pair> = pairs
        .iter()
        .filter(|p| p.verdict == "accept" && p.profile.is_none())
        .filter(|p| p.check_in_voice(checker, Checks::All, None).is_ok())
        .collect();
    let mut profiles: Vec<VoiceProfile> = set::profiles().to_vec();
    profiles.extend(corpus_profiles());
    println!(
        "  good rewrites the guard keeps without a profile: {} ({} Tighten, {} Bridge); still kept with each profile:",
        before.len(),
        before.iter().filter(|p| p.kind == "tighten").count(),
        before.iter().filter(|p| p.kind == "bridge").count()
    );
    let mut lost_total = 0;
    for profile in &profiles {
        let lost: Vec<String> = before
            .iter()
            .filter_map(|p| {
                p.check_in_voice(checker, Checks::All, Some(profile))
                    .err()
                    .map(|reason| format!("{} ({}): {reason}", p.id, p.kind))
            })
            .collect();
        lost_total += lost.len();
        println!(
            "    {:<16} {}/{}",
            profile.name,
            before.len() - lost.len(),
            before.len()
        );
        for line in &lost {
            println!("      lost {line}");
        }
    }
    let checks = before.len() * profiles.len();
    println!(
        "  over {} profiles: {}/{checks} kept ({:.1}%)",
        profiles.len(),
        checks - lost_total,
        100.0 * (checks - lost_total) as f64 / checks.max(1) as f64
    );
}

/// Each writer of ../shared/corpus/voices learned from all their posts,
/// when the corpus is there (it is not part of the repository).
fn corpus_profiles() -> Vec<VoiceProfile> {
    let beside = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/voices");
    // A worktree under /work/wt/ has the corpus two folders up.
    let root = if beside.is_dir() {
        beside
    } else {
        std::path::PathBuf::from("/work/shared/corpus/voices")
    };
    let Ok(entries) = std::fs::read_dir(&root) else {
        println!("  (../shared/corpus/voices is absent: only the set's own writers)");
        return Vec::new();
    };
    let mut writers: Vec<std::path::PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    writers.sort();
    writers
        .iter()
        .filter_map(|writer| {
            let mut posts: Vec<std::path::PathBuf> = std::fs::read_dir(writer)
                .ok()?
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "md"))
                .collect();
            posts.sort();
            let documents: Vec<Document> = posts
                .iter()
                .filter_map(|p| std::fs::read_to_string(p).ok())
                .map(|text| Document::parse(text, DocumentKind::Markdown))
                .collect();
            let name = writer.file_name()?.to_string_lossy().into_owned();
            copydesk::voice::learn(&name, &documents, 500).ok()
        })
        .collect()
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
