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
use copydesk::voice::VoiceProfile;
use serde::Deserialize;

#[path = "voices.rs"]
pub mod voices;

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
    /// The writer of `voices.rs` ("plain", "formal") whose profile is in
    /// effect for the post; none for most pairs.
    #[serde(default)]
    pub profile: Option<String>,
}

fn team() -> String {
    "team".to_owned()
}

impl Pair {
    /// The guard's verdict on this candidate.
    pub fn check(&self, checker: &Checker, checks: Checks) -> Result<(), Rejection> {
        self.check_in_voice(checker, checks, self.profile.as_deref().map(profile))
    }

    /// The guard's verdict with `voice` in effect (whatever the pair names).
    pub fn check_in_voice(
        &self,
        checker: &Checker,
        checks: Checks,
        voice: Option<&VoiceProfile>,
    ) -> Result<(), Rejection> {
        match self.kind.as_str() {
            "bridge" => guard::check_bridge_in_voice(
                &self.first,
                &self.second,
                &self.candidate,
                DocumentKind::Markdown,
                checker,
                checks,
                voice,
            ),
            _ => guard::check_tighten_in_voice(
                &self.original,
                &self.candidate,
                DocumentKind::Markdown,
                checker,
                checks,
                voice,
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

/// The profiles of the writers of `voices.rs`, learned once.
static PROFILES: std::sync::LazyLock<Vec<VoiceProfile>> = std::sync::LazyLock::new(|| {
    voices::writers()
        .into_iter()
        .map(|(name, posts)| {
            let documents: Vec<copydesk::document::Document> = posts
                .iter()
                .map(|p| copydesk::document::Document::parse(p.as_str(), DocumentKind::Markdown))
                .collect();
            copydesk::voice::learn(name, &documents, copydesk::voice::DEFAULT_MIN_WORDS)
                .expect("the guard set's writers have enough text")
        })
        .collect()
});

/// Every writer's profile of `voices.rs`.
#[allow(dead_code)]
pub fn profiles() -> &'static [VoiceProfile] {
    &PROFILES
}

/// The profile of the writer `name` of `voices.rs`.
pub fn profile(name: &str) -> &'static VoiceProfile {
    PROFILES
        .iter()
        .find(|p| p.name == name)
        .unwrap_or_else(|| panic!("no writer {name:?} in benches/guard/voices.rs"))
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
