//! The guard set (`benches/guard/pairs.toml`): its pairs, and the guard's
//! verdicts on them. One loader for `tests/guard_set.rs`, `benches/guard.rs`
//! and `examples/guard_compare.rs`, each of which includes this file with
//! `#[path]`.

use std::collections::BTreeMap;

use copydesk::check::{CheckOptions, Checker};
use copydesk::document::DocumentKind;
use copydesk::guide::Guide;
use copydesk::llm::Rejection;
use copydesk::llm::guard::{self, Checks};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Set {
    pair: Vec<Pair>,
}

/// One labelled candidate. Not every includer reads every field.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
pub struct Pair {
    pub id: String,
    /// "tighten" or "bridge".
    pub kind: String,
    /// Who wrote the candidate: "team" (the default) or the model whose
    /// real answer it is ("smollm2").
    #[serde(default = "team")]
    pub source: String,
    #[serde(default)]
    pub original: String,
    #[serde(default)]
    pub first: String,
    #[serde(default)]
    pub second: String,
    pub candidate: String,
    /// "accept" or "reject".
    pub verdict: String,
    #[serde(default)]
    pub class: Option<String>,
    #[serde(default)]
    pub why: String,
}

fn team() -> String {
    "team".to_owned()
}

impl Pair {
    /// The guard's verdict on this candidate.
    pub fn check(&self, checker: &Checker, checks: Checks) -> Result<(), Rejection> {
        match self.kind.as_str() {
            "bridge" => guard::check_bridge_with(
                &self.first,
                &self.second,
                &self.candidate,
                DocumentKind::Markdown,
                checker,
                checks,
            ),
            _ => guard::check_tighten_with(
                &self.original,
                &self.candidate,
                DocumentKind::Markdown,
                checker,
                checks,
            ),
        }
    }
}

/// Every pair of the set, checked for well-formedness.
pub fn load() -> Vec<Pair> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/guard/pairs.toml");
    let text =
        std::fs::read_to_string(path).expect("benches/guard/pairs.toml is in the repository");
    let set: Set = toml::from_str(&text).expect("the guard set parses");
    for pair in &set.pair {
        assert!(
            matches!(pair.kind.as_str(), "tighten" | "bridge"),
            "{}: unknown kind {}",
            pair.id,
            pair.kind
        );
        assert!(
            matches!(pair.verdict.as_str(), "accept" | "reject"),
            "{}: unknown verdict {:?}",
            pair.id,
            pair.verdict
        );
    }
    set.pair
}

/// The checker the guard set is run with: the built-in guide.
pub fn checker() -> Checker {
    Checker::new(Guide::builtin(), CheckOptions::default())
}

/// The guard's figures on some pairs.
#[derive(Debug, Default)]
pub struct Tally {
    pub good: usize,
    pub good_accepted: usize,
    pub bad: usize,
    pub bad_rejected: usize,
    /// Per class of meaning change: (pairs, rejected).
    pub by_class: BTreeMap<String, (usize, usize)>,
    pub wrongly_accepted: Vec<String>,
    /// Id and the guard's reason.
    pub wrongly_rejected: Vec<String>,
}

impl Tally {
    pub fn of<'a>(
        pairs: impl IntoIterator<Item = &'a Pair>,
        checker: &Checker,
        checks: Checks,
    ) -> Tally {
        let mut tally = Tally::default();
        for pair in pairs {
            let verdict = pair.check(checker, checks);
            if pair.verdict == "accept" {
                tally.good += 1;
                match verdict {
                    Ok(()) => tally.good_accepted += 1,
                    Err(reason) => tally
                        .wrongly_rejected
                        .push(format!("{}: {reason}", pair.id)),
                }
            } else {
                tally.bad += 1;
                let entry = tally
                    .by_class
                    .entry(pair.class.clone().unwrap_or_default())
                    .or_default();
                entry.0 += 1;
                match verdict {
                    Ok(()) => tally.wrongly_accepted.push(pair.id.clone()),
                    Err(_) => {
                        entry.1 += 1;
                        tally.bad_rejected += 1;
                    }
                }
            }
        }
        tally
    }

    /// "meaning changes rejected 12/12, good kept 9/10".
    pub fn summary(&self) -> String {
        format!(
            "meaning changes rejected {}/{}, good rewrites kept {}/{}",
            self.bad_rejected, self.bad, self.good_accepted, self.good
        )
    }
}
