//! The guard against the team's labelled set (`benches/guard/pairs.toml`):
//! every candidate that changes the meaning or the voice must be rejected,
//! and at least 90% of the good ones accepted.

use std::collections::BTreeMap;

use copydesk::check::{CheckOptions, Checker};
use copydesk::document::DocumentKind;
use copydesk::guide::Guide;
use copydesk::llm::guard;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Set {
    pair: Vec<Pair>,
}

#[derive(Debug, Deserialize)]
struct Pair {
    id: String,
    kind: String,
    #[serde(default)]
    original: String,
    #[serde(default)]
    first: String,
    #[serde(default)]
    second: String,
    candidate: String,
    verdict: String,
    #[serde(default)]
    class: Option<String>,
}

fn load() -> Vec<Pair> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/guard/pairs.toml");
    let text =
        std::fs::read_to_string(path).expect("benches/guard/pairs.toml is in the repository");
    let set: Set = toml::from_str(&text).expect("the guard set parses");
    set.pair
}

#[test]
fn the_guard_rejects_every_meaning_change_and_accepts_nine_in_ten_good_edits() {
    let checker = Checker::new(Guide::builtin(), CheckOptions::default());
    let pairs = load();
    assert!(pairs.len() >= 150, "the set has {} pairs", pairs.len());
    let mut good = 0;
    let mut good_accepted = 0;
    let mut wrongly_accepted = Vec::new();
    let mut wrongly_rejected = Vec::new();
    let mut by_class: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for pair in &pairs {
        let verdict = match pair.kind.as_str() {
            "tighten" => guard::check_tighten(
                &pair.original,
                &pair.candidate,
                DocumentKind::Markdown,
                &checker,
            ),
            "bridge" => guard::check_bridge(
                &pair.first,
                &pair.second,
                &pair.candidate,
                DocumentKind::Markdown,
                &checker,
            ),
            other => panic!("{}: unknown kind {other}", pair.id),
        };
        match pair.verdict.as_str() {
            "accept" => {
                good += 1;
                match verdict {
                    Ok(()) => good_accepted += 1,
                    Err(reason) => wrongly_rejected.push(format!("{}: {reason}", pair.id)),
                }
            }
            "reject" => {
                let class = pair.class.clone().unwrap_or_default();
                let entry = by_class.entry(class).or_default();
                entry.0 += 1;
                match verdict {
                    Ok(()) => wrongly_accepted.push(pair.id.clone()),
                    Err(_) => entry.1 += 1,
                }
            }
            other => panic!("{}: unknown verdict {other}", pair.id),
        }
    }
    let rejected: usize = by_class.values().map(|(_, r)| r).sum();
    let bad: usize = by_class.values().map(|(n, _)| n).sum();
    eprintln!("guard set: {} pairs", pairs.len());
    eprintln!("  good accepted: {good_accepted}/{good}");
    eprintln!("  meaning changes rejected: {rejected}/{bad}");
    for (class, (n, r)) in &by_class {
        eprintln!("    {class}: {r}/{n}");
    }
    for line in &wrongly_rejected {
        eprintln!("  good but rejected: {line}");
    }
    for id in &wrongly_accepted {
        eprintln!("  bad but accepted: {id}");
    }
    assert!(
        wrongly_accepted.is_empty(),
        "meaning-changing candidates accepted: {wrongly_accepted:?}"
    );
    assert!(
        good_accepted * 10 >= good * 9,
        "only {good_accepted} of {good} good candidates accepted"
    );
}
