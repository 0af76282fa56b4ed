use super::*;
use crate::document::DocumentKind;

/// Short sentences, contractions, "we", British spelling: one post of about
/// `sentences` sentences, varied by `seed`.
pub(crate) fn plain_post(seed: usize, sentences: usize) -> String {
    const PARTS: [&str; 8] = [
        "We've shipped the new colour picker today.",
        "It's faster and we think you'll like it.",
        "Our team spent a month on the behaviour of the menus.",
        "We didn't want a big redesign.",
        "So we kept the layout and fixed what hurt.",
        "You can organise your palettes by project now.",
        "We're still learning, so tell us what's missing.",
        "The centre panel won't jump around any more.",
    ];
    let mut out = String::new();
    for i in 0..sentences {
        out.push_str(PARTS[(seed + i * 3) % PARTS.len()]);
        out.push(if i % 4 == 3 { '\n' } else { ' ' });
        if i % 4 == 3 {
            out.push('\n');
        }
    }
    out
}

/// Long, formal, impersonal sentences with American spelling.
fn formal_draft() -> String {
    let sentence = "The organization is pleased to announce that the comprehensive color management functionality, which has been developed over an extended period in close collaboration with numerous stakeholders across the enterprise, will be made available to all customers in the forthcoming quarter.";
    let mut out = String::new();
    for i in 0..8 {
        out.push_str(sentence);
        out.push_str(if i % 2 == 1 { "\n\n" } else { " " });
    }
    out
}

fn docs(texts: &[String]) -> Vec<Document> {
    texts
        .iter()
        .map(|t| Document::parse(t.as_str(), DocumentKind::Markdown))
        .collect()
}

pub(crate) fn learned() -> VoiceProfile {
    let posts: Vec<String> = (0..8).map(|seed| plain_post(seed, 40)).collect();
    learn("dana", &docs(&posts), 1_000).expect("enough text")
}

#[test]
fn learns_known_statistics() {
    let profile = learned();
    assert_eq!(profile.version, 1);
    assert_eq!(profile.learned_from.posts, 8);
    // Every sentence has 6 to 11 words.
    assert!(profile.sentences.median >= 6.0 && profile.sentences.median <= 11.0);
    assert!(profile.sentences.p90 <= 11.0);
    assert_eq!(profile.contractions.posts_using, 8);
    assert!(profile.contractions.per_100_words.mean > 3.0);
    assert!(profile.person.we.mean > profile.person.i.mean);
    assert_eq!(profile.spelling.variety, "british");
    assert!(profile.excerpts.len() >= 5);
    assert!(profile.excerpts.iter().all(|e| stats_words(e) < 30.0));
    assert!(profile.function_words.contains_key("the"));
}

#[test]
fn refuses_too_little_text_and_says_how_much_more() {
    let posts: Vec<String> = (0..3).map(|seed| plain_post(seed, 10)).collect();
    let error = learn("dana", &docs(&posts), DEFAULT_MIN_WORDS).unwrap_err();
    let ProfileError::TooLittle { words, more, .. } = error.clone() else {
        panic!("expected TooLittle, got {error:?}");
    };
    assert_eq!(words + more, DEFAULT_MIN_WORDS);
    assert!(error.to_string().contains(&format!("{more} more words")));
}

#[test]
fn toml_round_trip() {
    let profile = learned();
    let text = profile.to_toml();
    assert!(text.contains("version = 1"));
    assert!(text.len() < 16_000, "profile is {} bytes", text.len());
    assert_eq!(VoiceProfile::from_toml(&text), Ok(profile));
}

#[test]
fn rejects_other_versions_and_unknown_keys() {
    let text = learned().to_toml();
    let newer = text.replacen("version = 1", "version = 2", 1);
    assert_eq!(
        VoiceProfile::from_toml(&newer),
        Err(ProfileError::Version { found: 2 })
    );
    let extra = format!("surprise = 1\n{text}");
    assert!(matches!(
        VoiceProfile::from_toml(&extra),
        Err(ProfileError::Invalid(_))
    ));
}

#[test]
fn drift_fires_on_a_different_draft_and_not_on_the_same_style() {
    let profile = learned();
    let far = distance(&profile, &formal_draft());
    let kinds: Vec<DriftKind> = far.drift.iter().map(|d| d.kind).collect();
    assert!(kinds.contains(&DriftKind::SentenceLength), "{kinds:?}");
    assert!(kinds.contains(&DriftKind::Contractions), "{kinds:?}");
    assert!(kinds.contains(&DriftKind::Spelling), "{kinds:?}");
    let near = distance(&profile, &plain_post(3, 40));
    assert_eq!(near.drift, [], "same style drifted");
    assert!(near.function_words < far.function_words);
}

#[test]
fn word_preference_needs_evidence() {
    let mut posts: Vec<String> = (0..6).map(|seed| plain_post(seed, 40)).collect();
    posts.push(
        "We use it daily. You can use it too. Teams use it everywhere. We use it for notes. Use it well."
            .to_owned(),
    );
    let profile = learn("dana", &docs(&posts), 1_000).expect("enough text");
    assert_eq!(
        profile.prefers.get("utilize").map(String::as_str),
        Some("use")
    );
    let found = distance(&profile, "Teams utilize it.");
    assert_eq!(found.drift.len(), 1);
    assert_eq!(found.drift[0].message, "“utilize”: you write “use”");
    // No evidence for "commence": nothing said about it.
    assert!(distance(&profile, "We commence today.").drift.is_empty());
}

#[test]
fn excerpts_for_prefers_shared_words() {
    let profile = learned();
    let chosen = excerpts_for(&profile, "How do palettes and projects work now?", 2);
    assert_eq!(chosen.len(), 2);
    assert!(chosen[0].contains("palettes"), "{chosen:?}");
    assert!(chosen.iter().all(|c| profile.excerpts.contains(c)));
    assert_eq!(
        excerpts_for(&profile, "anything", 100).len(),
        profile.excerpts.len()
    );
}

fn formal_profile() -> VoiceProfile {
    let formal_posts: Vec<String> = (0..4).map(|_| formal_draft()).collect();
    learn("corp", &docs(&formal_posts), 500).expect("enough text")
}

#[test]
fn delta_attributes_to_the_nearer_profile() {
    let plain = learned();
    let formal = formal_profile();
    let text = Document::parse(plain_post(5, 40), DocumentKind::Markdown);
    let d = delta(&[&plain, &formal], &text);
    assert!(d[0] < d[1], "{d:?}");
}

#[test]
fn portrait_reads_as_prose() {
    let portrait = learned().portrait();
    assert!(portrait.contains("Writes short sentences"), "{portrait}");
    assert!(
        portrait.contains("Uses contractions in 8 of 8 posts"),
        "{portrait}"
    );
    assert!(portrait.contains("Writes as “we”"), "{portrait}");
    assert!(portrait.contains("British spelling"), "{portrait}");
}

#[test]
fn char_ngrams_read_digits_alike_and_skip_code() {
    let a = Document::parse("Version 1.50.0 ships `cargo`.\n", DocumentKind::Markdown);
    let b = Document::parse("Version 7.62.3 ships `rustc`.\n", DocumentKind::Markdown);
    let (ca, na) = stats::char_ngrams(&a);
    let (cb, nb) = stats::char_ngrams(&b);
    assert_eq!(na, nb);
    assert_eq!(ca, cb);
    assert!(ca.contains_key(&['0', '.', '0']));
    assert!(!ca.keys().any(|g| g.contains(&'g')), "code was counted");
}

#[test]
fn a_profile_read_for_checking_skips_only_the_ngram_tables() {
    let profile = learned();
    let text = profile.to_toml();
    let for_checking = VoiceProfile::from_toml_for_checking(&text).expect("reads");
    let mut expected = profile.clone();
    expected.char_ngrams.clear();
    expected.char_4grams.clear();
    assert_eq!(for_checking, expected);
    // A table after the n-grams is still read; a broken profile still
    // reports its own error.
    let moved = format!("{text}\n[extra_after]\n");
    assert!(VoiceProfile::from_toml_for_checking(&moved).is_err());
    assert_eq!(
        VoiceProfile::from_toml_for_checking("version = 1\n[char_ngrams]\n\"ab\" = 1.0\n")
            .map_err(|e| e.to_string()),
        VoiceProfile::from_toml("version = 1\n[char_ngrams]\n\"ab\" = 1.0\n")
            .map_err(|e| e.to_string()),
    );
}

#[test]
fn learned_profile_keeps_trigrams_and_survives_toml() {
    let profile = learned();
    assert!(!profile.char_ngrams.is_empty());
    assert!(profile.char_ngrams.len() <= PROFILE_NGRAMS);
    assert!(
        profile.char_ngrams.contains_key("we'"),
        "{:?}",
        profile.char_ngrams.keys().take(20).collect::<Vec<_>>()
    );
    let back = VoiceProfile::from_toml(&profile.to_toml()).expect("reads back");
    assert_eq!(back.char_ngrams, profile.char_ngrams);
    assert!(!profile.char_4grams.is_empty());
    assert!(profile.char_4grams.len() <= PROFILE_NGRAMS);
    assert!(profile.char_4grams.keys().all(|g| g.chars().count() == 4));
    assert!(profile.char_4grams.contains_key(" we'"));
    assert_eq!(back.char_4grams, profile.char_4grams);
    // A profile file from before 4-grams (no `[char_4grams]` table) loads.
    let text = profile.to_toml();
    let start = text.find("[char_4grams]").expect("4-grams table");
    let end = text[start + 1..]
        .find("\n[")
        .map_or(text.len(), |i| start + 2 + i);
    let older = format!("{}{}", &text[..start], &text[end..]);
    assert!(!older.contains("char_4grams"), "{older}");
    let back = VoiceProfile::from_toml(&older).expect("older profile reads");
    assert!(back.char_4grams.is_empty());
    assert_eq!(back.char_ngrams, profile.char_ngrams);
}

#[test]
fn attribution_scores_prefer_the_nearer_profile_and_old_profiles_still_work() {
    let plain = learned();
    let formal = formal_profile();
    let text = Document::parse(plain_post(5, 40), DocumentKind::Markdown);
    let n = [&plain, &formal].map(|p| ngram_dissimilarity(p, &text).expect("has n-grams"));
    assert!(n[0] < n[1], "{n:?}");
    let s = attribution_scores(&[&plain, &formal], &text);
    assert!(s[0] < s[1], "{s:?}");
    // A profile from before character n-grams: Cosine Delta alone decides.
    let mut old = formal.clone();
    old.char_ngrams.clear();
    old.char_4grams.clear();
    let s = attribution_scores(&[&plain, &old], &text);
    assert!(s[0] < s[1], "{s:?}");
    assert_eq!(ngram_dissimilarity(&old, &text), None);
    assert_eq!(s, delta_z(&[&plain, &old], &text));
    // One from before 4-grams: function words and trigrams decide.
    let mut trigrams_only = formal.clone();
    trigrams_only.char_4grams.clear();
    let s = attribution_scores(&[&plain, &trigrams_only], &text);
    assert!(s[0] < s[1], "{s:?}");
    assert_ne!(s, delta_z(&[&plain, &trigrams_only], &text));
}

/// Cosine Delta alone, as z-scores among the profiles.
fn delta_z(profiles: &[&VoiceProfile], text: &Document) -> Vec<f64> {
    let d = delta(profiles, text);
    let mu = d.iter().sum::<f64>() / d.len() as f64;
    let sd = stats::sd(&d).max(1e-9);
    d.iter().map(|v| (v - mu) / sd).collect()
}

#[test]
fn top_rates_keeps_the_most_frequent_with_ties_by_gram() {
    let mut counts = stats::NgramCounts::<3>::default();
    // 400 distinct trigrams: counts 1..=400, plus a tie at the cut-off.
    for i in 0..400u32 {
        let c = char::from_u32(0x4E00 + i).expect("a CJK character");
        counts.insert(['a', 'b', c], i as usize + 1);
    }
    counts.insert(['a', 'a', 'a'], 101);
    let top = top_rates(counts, 1000);
    assert_eq!(top.len(), PROFILE_NGRAMS);
    assert_eq!(
        top[0].0,
        format!("ab{}", char::from_u32(0x4E00 + 399).unwrap())
    );
    assert!((top[0].1 - 400.0).abs() < 1e-9, "{:?}", top[0]);
    assert!(top.windows(2).all(|w| w[0].1 >= w[1].1));
    // Counts 400 down to 102 fill 299 places; of the two 101s, "aaa" sorts first.
    assert_eq!(top[PROFILE_NGRAMS - 1].0, "aaa");
}
