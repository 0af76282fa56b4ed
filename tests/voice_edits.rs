//! Edits in the writer's voice (issue 18, parts 3 and 5): the guard's
//! profile check on the labelled guard set, and which profile is in effect,
//! as the language server's hover, `copydesk doctor` and the `serve` page
//! show it.

use crate::common;
use crate::lsp_client;

#[path = "../benches/guard/set.rs"]
mod set;

use copydesk::llm::Rejection;
use copydesk::llm::guard::Checks;

/// Every pair labelled with a writer's profile gets its label, and each
/// rejection is the profile check's, naming the profile.
#[test]
fn labelled_voice_pairs_are_judged_against_their_writers_profile() {
    let checker = set::checker();
    let pairs = set::load();
    let voiced: Vec<&set::Pair> = pairs.iter().filter(|p| p.profile.is_some()).collect();
    assert!(voiced.len() >= 12, "{} pairs with a profile", voiced.len());
    let mut only_with_profile = Vec::new();
    for pair in &voiced {
        let name = pair.profile.as_deref().unwrap_or_default();
        let verdict = pair.check(&checker, Checks::All);
        if pair.verdict == "accept" {
            assert_eq!(verdict, Ok(()), "{}", pair.id);
            continue;
        }
        match verdict {
            Err(Rejection::Voice { profile, change }) => {
                assert_eq!(profile, name, "{}", pair.id);
                let reason = Rejection::Voice { profile, change }.to_string();
                assert!(
                    reason.ends_with(&format!("(voice profile “{name}”)")),
                    "{}: {reason}",
                    pair.id
                );
            }
            other => panic!("{}: not rejected by the profile check: {other:?}", pair.id),
        }
        if pair.check_in_voice(&checker, Checks::All, None).is_ok() {
            only_with_profile.push(pair.id.as_str());
        }
    }
    eprintln!("caught only with the profile: {only_with_profile:?}");
    // Each class has a case the guard let through before profiles.
    for class in ["voice-longer-sentences", "voice-connective"] {
        assert!(
            voiced
                .iter()
                .any(|p| p.class.as_deref() == Some(class)
                    && only_with_profile.contains(&p.id.as_str())),
            "no {class} case that only the profile check catches"
        );
    }
    for class in [
        "voice-contractions",
        "voice-longer-sentences",
        "voice-person",
        "voice-connective",
    ] {
        for kind in ["tighten", "bridge"] {
            let has = voiced
                .iter()
                .any(|p| p.class.as_deref() == Some(class) && p.kind == kind);
            if kind == "tighten" || class != "voice-contractions" {
                assert!(has, "no {kind} pair of class {class}");
            }
        }
    }
}

/// Precision over recall: every good Tighten rewrite the guard kept without
/// a profile is still kept with either writer's profile in effect, and
/// every good Bridge option with the plain writer's, whose voice (“we”,
/// contractions, short sentences) most of the set is written in. The
/// formal writer's profile may refuse a transition that is fine in general
/// but not theirs (docs/voice.md gives the figures).
#[test]
fn the_profile_check_keeps_the_good_rewrites_the_guard_kept() {
    let checker = set::checker();
    let pairs = set::load();
    let kept: Vec<&set::Pair> = pairs
        .iter()
        .filter(|p| p.verdict == "accept" && p.profile.is_none())
        .filter(|p| p.check_in_voice(&checker, Checks::All, None).is_ok())
        .collect();
    assert!(kept.len() >= 60, "{} good rewrites kept", kept.len());
    let bridges = kept.iter().filter(|p| p.kind == "bridge").count();
    for profile in set::profiles() {
        let lost: Vec<String> = kept
            .iter()
            .filter_map(|p| {
                p.check_in_voice(&checker, Checks::All, Some(profile))
                    .err()
                    .map(|reason| format!("{}: {reason}", p.id))
            })
            .collect();
        eprintln!(
            "profile {}: {} of {} good rewrites still kept ({bridges} of them Bridge options); lost: {lost:#?}",
            profile.name,
            kept.len() - lost.len(),
            kept.len()
        );
        let lost_tighten: Vec<&String> = lost
            .iter()
            .filter(|line| {
                kept.iter()
                    .any(|p| p.kind == "tighten" && line.starts_with(&format!("{}: ", p.id)))
            })
            .collect();
        assert!(
            lost_tighten.is_empty(),
            "{}: {lost_tighten:#?}",
            profile.name
        );
        if profile.name == "plain" {
            assert!(lost.is_empty(), "{lost:#?}");
        }
    }
}
