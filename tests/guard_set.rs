//! The guard against the labelled set (`benches/guard/pairs.toml`): every
//! candidate that changes the meaning or the voice must be rejected, and at
//! least 90% of the good ones accepted — over the team's pairs and the real
//! model answers alike.

#[path = "../benches/guard/set.rs"]
pub(crate) mod set;

use copydesk::llm::guard::Checks;
use set::Tally;

fn print(label: &str, tally: &Tally) {
    eprintln!("{label}: {}", tally.summary());
    for (class, (n, r)) in &tally.by_class {
        eprintln!("    {class}: {r}/{n}");
    }
    for line in &tally.wrongly_rejected {
        eprintln!("  good but rejected: {line}");
    }
    for id in &tally.wrongly_accepted {
        eprintln!("  bad but accepted: {id}");
    }
}

#[test]
fn the_guard_rejects_every_meaning_change_and_accepts_nine_in_ten_good_edits() {
    let checker = set::checker();
    let pairs = set::load();
    assert!(pairs.len() >= 150, "the set has {} pairs", pairs.len());
    let tally = Tally::of(&pairs, &checker, Checks::All);
    eprintln!("guard set: {} pairs", pairs.len());
    print("all pairs", &tally);
    assert!(
        tally.wrongly_accepted.is_empty(),
        "meaning-changing candidates accepted: {:?}",
        tally.wrongly_accepted
    );
    assert!(
        tally.good_accepted * 10 >= tally.good * 9,
        "only {} of {} good candidates accepted",
        tally.good_accepted,
        tally.good
    );
}

#[test]
fn real_model_answers_are_in_the_set_and_every_meaning_change_among_them_is_rejected() {
    let checker = set::checker();
    let pairs = set::load();
    let real: Vec<_> = pairs.iter().filter(|p| p.source != "team").collect();
    for kind in ["tighten", "bridge"] {
        assert!(
            real.iter().any(|p| p.kind == kind),
            "the set has no real model answer for {kind}"
        );
    }
    let tally = Tally::of(real.iter().copied(), &checker, Checks::All);
    print("real model answers", &tally);
    assert!(
        tally.wrongly_accepted.is_empty(),
        "meaning-changing model answers accepted: {:?}",
        tally.wrongly_accepted
    );
}

#[test]
fn the_meaning_checks_catch_what_the_old_guard_let_through() {
    // The guard before `llm::meaning` (facts, shape, language, the guide's
    // rules) against the whole guard, which every front end runs.
    let checker = set::checker();
    let pairs = set::load();
    let old = Tally::of(&pairs, &checker, Checks::WithoutMeaning);
    let new = Tally::of(&pairs, &checker, Checks::All);
    eprintln!("old guard: {}", old.summary());
    eprintln!("new guard: {}", new.summary());
    assert!(
        new.bad_rejected > old.bad_rejected,
        "the meaning checks catch nothing the old guard missed"
    );
}
