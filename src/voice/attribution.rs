//! Attribution: which of several profiles a text is nearest to.
//!
//! Three distances, each standardised among the candidates and summed with
//! the weights of [`ATTRIBUTION_WEIGHTS`] (chosen by leave-one-out on the
//! ten writers of docs/voice.md's evaluation):
//! - [`delta`]: Cosine Delta over the most frequent function words;
//! - [`ngram_dissimilarity`]: the common n-grams measure over character
//!   4-grams;
//! - [`char_ngram_delta`]: Cosine Delta over character trigrams.

use std::collections::BTreeMap;

use super::stats::{self, TextCounts, mean, sd};
use super::words::FUNCTION_WORDS;
use super::{PROFILE_NGRAMS, VoiceProfile, top_rates};
use crate::document::Document;

/// How many of the most frequent function words [`delta`] compares (100
/// did best of 30, 60, 100 and 150 in docs/voice.md's evaluation).
pub const DELTA_WORDS: usize = 100;

/// Weights of the three standardised distances in [`attribution_scores`]:
/// function-word Cosine Delta, character 4-gram dissimilarity, character
/// trigram Cosine Delta. Chosen on the leave-one-out measure among the
/// variants docs/voice.md lists.
pub const ATTRIBUTION_WEIGHTS: [f64; 3] = [1.0, 2.0, 1.0];

/// One minus the cosine between the text's z-scores and each profile's
/// (Smith & Aldridge's Cosine Delta once the features are z-scores); 0..=2,
/// lowest is nearest. Without features every distance is 1.
fn cosine_distances(text_z: &[f64], profile_z: &[Vec<f64>]) -> Vec<f64> {
    let norm = |v: &[f64]| v.iter().map(|a| a * a).sum::<f64>().sqrt();
    profile_z
        .iter()
        .map(|z| {
            let dot: f64 = z.iter().zip(text_z).map(|(a, b)| a * b).sum();
            1.0 - dot / (norm(z) * norm(text_z)).max(1e-9)
        })
        .collect()
}

/// Z-scores across the profiles: for each feature, its mean and sample
/// spread over the profiles' `rates` (one row per profile) standardise both
/// the text's rate and each profile's. Features the profiles do not tell
/// apart (no spread), or that `keep` refuses given their mean, are left out.
/// Returns the text's z-scores and each profile's, feature by feature.
fn standardise_features(
    text: &[f64],
    rates: &[Vec<f64>],
    keep: impl Fn(f64) -> bool,
) -> (Vec<f64>, Vec<Vec<f64>>) {
    let mut text_z = Vec::new();
    let mut profile_z: Vec<Vec<f64>> = vec![Vec::new(); rates.len()];
    for (i, t) in text.iter().enumerate() {
        let values: Vec<f64> = rates.iter().map(|r| r[i]).collect();
        let mu = mean(&values).unwrap_or(0.0);
        let sigma = sd(&values);
        if sigma <= 0.0 || !keep(mu) {
            continue;
        }
        text_z.push((t - mu) / sigma);
        for (z, v) in profile_z.iter_mut().zip(&values) {
            z.push((v - mu) / sigma);
        }
    }
    (text_z, profile_z)
}

/// Cosine Delta (Smith & Aldridge 2011, a variant of Burrows' Delta) from a
/// text to each of several profiles, in order. Each of the
/// [`DELTA_WORDS`] most frequent function words is standardised by its mean
/// and spread across the profiles (so it needs two or more); the distance is
/// one minus the cosine between the text's z-scores and the profile's. It
/// ranges over 0..=2; lowest is nearest.
pub fn delta(profiles: &[&VoiceProfile], text: &Document) -> Vec<f64> {
    let counts = TextCounts::of_document(text);
    let rates = counts.function_word_rates();
    let tables: Vec<Vec<[f64; 2]>> = profiles.iter().map(|p| p.function_word_table()).collect();
    // The most frequent function words across the profiles (Burrows'
    // "most frequent words"): rarer ones are noise in short texts.
    let mut order: Vec<usize> = (0..FUNCTION_WORDS.len()).collect();
    let total = |i: usize| tables.iter().map(|t| t[i][0]).sum::<f64>();
    order.sort_by(|&a, &b| total(b).total_cmp(&total(a)).then(a.cmp(&b)));
    order.truncate(DELTA_WORDS);
    let text_rates: Vec<f64> = order.iter().map(|&i| rates[i]).collect();
    let profile_rates: Vec<Vec<f64>> = tables
        .iter()
        .map(|t| order.iter().map(|&i| t[i][0]).collect())
        .collect();
    let (text_z, profile_z) = standardise_features(&text_rates, &profile_rates, |mu| mu >= 0.5);
    cosine_distances(&text_z, &profile_z)
}

/// Cosine Delta over character trigrams (the profiles' `char_ngrams`), from
/// a text to each profile, in order; 0..=2, lowest is nearest. The features
/// are the [`PROFILE_NGRAMS`] trigrams with the highest summed rate over the
/// profiles; a trigram a profile does not keep is below that profile's
/// cut-off, so it counts as half the profile's smallest kept rate. Each is
/// standardised across the profiles like [`delta`]'s function words.
/// `None` when any profile keeps no trigrams (learned by an older copydesk).
pub fn char_ngram_delta(profiles: &[&VoiceProfile], text: &Document) -> Option<Vec<f64>> {
    if profiles.iter().any(|p| p.char_ngrams.is_empty()) {
        return None;
    }
    let mut summed: BTreeMap<&str, f64> = BTreeMap::new();
    for profile in profiles {
        for (gram, rate) in &profile.char_ngrams {
            *summed.entry(gram.as_str()).or_default() += rate;
        }
    }
    let mut order: Vec<(&str, f64)> = summed.into_iter().collect();
    order.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    order.truncate(PROFILE_NGRAMS);
    let (counts, total) = stats::char_ngrams(text);
    let per_1000 = 1000.0 / total.max(1) as f64;
    let text_rates: Vec<f64> = order
        .iter()
        .map(|(gram, _)| {
            let key: Vec<char> = gram.chars().collect();
            <[char; stats::NGRAM]>::try_from(key.as_slice())
                .ok()
                .and_then(|key| counts.get(&key))
                .map_or(0.0, |&n| n as f64 * per_1000)
        })
        .collect();
    let profile_rates: Vec<Vec<f64>> = profiles
        .iter()
        .map(|p| {
            let floor = p
                .char_ngrams
                .values()
                .copied()
                .fold(f64::INFINITY, f64::min)
                / 2.0;
            order
                .iter()
                .map(|(gram, _)| p.char_ngrams.get(*gram).copied().unwrap_or(floor))
                .collect()
        })
        .collect();
    let (text_z, profile_z) = standardise_features(&text_rates, &profile_rates, |_| true);
    Some(cosine_distances(&text_z, &profile_z))
}

/// Character n-gram dissimilarity from a text to a profile over character
/// 4-grams (Stamatatos' variant of Kešelj's common n-grams measure, which
/// suits texts much shorter than the profile): over the text's own
/// [`PROFILE_NGRAMS`] most frequent 4-grams, the mean of
/// `(2 (t - p) / (t + p))²`, where `t` and `p` are the rates in the text and
/// the profile's `char_4grams` (0 where the profile does not keep it).
/// 0..=4; `None` when the profile keeps no 4-grams or the text has none.
pub fn ngram_dissimilarity(profile: &VoiceProfile, text: &Document) -> Option<f64> {
    if profile.char_4grams.is_empty() {
        return None;
    }
    let (counts, total) = stats::char_ngrams_of::<{ stats::NGRAM4 }>(text);
    common_ngrams(&profile.char_4grams, &top_rates(counts, total))
}

/// The common n-grams dissimilarity of a text's most frequent n-grams
/// (`(gram, rate)`) from a profile's kept rates; see [`ngram_dissimilarity`].
fn common_ngrams(profile: &BTreeMap<String, f64>, text: &[(String, f64)]) -> Option<f64> {
    if text.is_empty() {
        return None;
    }
    let sum: f64 = text
        .iter()
        .map(|(gram, t)| {
            let p = profile.get(gram).copied().unwrap_or(0.0);
            let d = 2.0 * (t - p) / (t + p);
            d * d
        })
        .sum();
    Some(sum / text.len() as f64)
}

/// Each value's z-score among the values (0 for all when they are equal).
fn standardise(values: &[f64]) -> Vec<f64> {
    let mu = mean(values).unwrap_or(0.0);
    let sigma = sd(values).max(1e-9);
    values.iter().map(|v| (v - mu) / sigma).collect()
}

/// Attribution scores of a text against several profiles (two or more), in
/// order; lowest is nearest. Each of three distances, Cosine Delta over
/// function words ([`delta`]), the character 4-gram dissimilarity
/// ([`ngram_dissimilarity`]) and Cosine Delta over character trigrams
/// ([`char_ngram_delta`]), is standardised across the candidates (its
/// z-score among them), and the score is their sum weighted by
/// [`ATTRIBUTION_WEIGHTS`]. A distance some profile lacks the data for
/// (learned by an older copydesk) is left out; function words always count.
pub fn attribution_scores(profiles: &[&VoiceProfile], text: &Document) -> Vec<f64> {
    let [delta_weight, fourgram_weight, trigram_weight] = ATTRIBUTION_WEIGHTS;
    let mut scores: Vec<f64> = standardise(&delta(profiles, text))
        .into_iter()
        .map(|z| delta_weight * z)
        .collect();
    let mut add = |distances: &[f64], weight: f64| {
        for (score, z) in scores.iter_mut().zip(standardise(distances)) {
            *score += weight * z;
        }
    };
    let fourgrams: Option<Vec<f64>> = profiles
        .iter()
        .map(|p| ngram_dissimilarity(p, text))
        .collect();
    if let Some(fourgrams) = fourgrams {
        add(&fourgrams, fourgram_weight);
    }
    if let Some(trigrams) = char_ngram_delta(profiles, text) {
        add(&trigrams, trigram_weight);
    }
    scores
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::DocumentKind;

    #[test]
    fn cosine_distances_are_zero_alike_one_orthogonal_two_opposite() {
        let text = [1.0, -1.0];
        let d = cosine_distances(&text, &[vec![2.0, -2.0], vec![1.0, 1.0], vec![-1.0, 1.0]]);
        assert!((d[0] - 0.0).abs() < 1e-12, "{d:?}");
        assert!((d[1] - 1.0).abs() < 1e-12, "{d:?}");
        assert!((d[2] - 2.0).abs() < 1e-12, "{d:?}");
    }

    #[test]
    fn features_are_standardised_across_profiles_and_flat_ones_dropped() {
        // Feature 0: profiles 2 and 4 (mean 3, sd √2); feature 1: flat.
        let (text_z, profile_z) =
            standardise_features(&[5.0, 9.0], &[vec![2.0, 7.0], vec![4.0, 7.0]], |_| true);
        let s = 2f64.sqrt();
        assert_eq!(text_z.len(), 1);
        assert!((text_z[0] - 2.0 / s).abs() < 1e-12, "{text_z:?}");
        assert!((profile_z[0][0] + 1.0 / s).abs() < 1e-12, "{profile_z:?}");
        assert!((profile_z[1][0] - 1.0 / s).abs() < 1e-12, "{profile_z:?}");
        // `keep` sees the mean across profiles.
        let (text_z, _) = standardise_features(&[5.0], &[vec![2.0], vec![4.0]], |mu| mu > 3.0);
        assert!(text_z.is_empty());
    }

    #[test]
    fn common_ngrams_measure_by_hand() {
        let profile: BTreeMap<String, f64> =
            [("abcd".to_owned(), 10.0), ("bcde".to_owned(), 30.0)].into();
        // (2·(10−10)/20)² = 0; (2·(10−30)/40)² = 1; a 4-gram the profile
        // lacks: (2·t/t)² = 4. Mean (0 + 1 + 4) / 3.
        let text = [
            ("abcd".to_owned(), 10.0),
            ("bcde".to_owned(), 10.0),
            ("zzzz".to_owned(), 5.0),
        ];
        let d = common_ngrams(&profile, &text).expect("text has n-grams");
        assert!((d - 5.0 / 3.0).abs() < 1e-12, "{d}");
        assert_eq!(common_ngrams(&profile, &[]), None);
    }

    #[test]
    fn standardise_gives_z_scores_among_candidates() {
        let z = standardise(&[1.0, 2.0, 3.0]);
        assert!((z[0] + 1.0).abs() < 1e-12 && z[1].abs() < 1e-12 && (z[2] - 1.0).abs() < 1e-12);
        assert_eq!(standardise(&[4.0, 4.0]), vec![0.0, 0.0]);
    }

    fn profile_with_trigrams(name: &str, grams: &[(&str, f64)]) -> VoiceProfile {
        let mut p = crate::voice::tests::learned();
        p.name = name.to_owned();
        p.char_ngrams = grams.iter().map(|(g, r)| ((*g).to_owned(), *r)).collect();
        p
    }

    #[test]
    fn trigram_delta_counts_a_missing_trigram_as_below_the_cut_off() {
        // The text is all "aaa". Profile `a` keeps it at 0.6 per 1,000;
        // profile `b` does not keep it, so it counts as half b's smallest
        // kept rate (2.0), which is more than a's: b is nearer. Were a
        // missing trigram read as 0, `a` would be.
        let a = profile_with_trigrams("a", &[("aaa", 0.6), ("xyz", 5.0)]);
        let b = profile_with_trigrams("b", &[("xyz", 4.0)]);
        let text = Document::parse("aaaa aaaa aaaa\n", DocumentKind::Markdown);
        let d = char_ngram_delta(&[&a, &b], &text).expect("both keep trigrams");
        assert!(d[1] < d[0], "{d:?}");
        // With two profiles their z-scores are opposite: the distances sum to 2.
        assert!((d[0] + d[1] - 2.0).abs() < 1e-9, "{d:?}");
        let mut old = b.clone();
        old.char_ngrams.clear();
        assert_eq!(char_ngram_delta(&[&a, &old], &text), None);
    }
}
