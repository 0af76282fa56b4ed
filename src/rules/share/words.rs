//! An English word list, to tell multi-word hashtags (`#customeradvocacy`)
//! from single words (`#sustainability`).

/// Whether `lowercase` (already lowercased) is an English word: the one
/// word list of [`crate::rules::english`], loaded once.
pub fn is_word(lowercase: &str) -> bool {
    crate::rules::english::is_dictionary_word(lowercase)
}

/// Words that are also suffixes: a split that needs one after the first
/// part (“sustain|ability”, “mentor|ship”) is a derived single word the
/// list lacks, not two words.
const SUFFIX_WORDS: &[&str] = &[
    "ability",
    "abilities",
    "able",
    "ion",
    "ions",
    "ward",
    "wards",
    "wise",
    "less",
    "ness",
    "ship",
    "ships",
    "hood",
    "hoods",
    "ism",
    "isms",
    "ist",
    "ists",
    "ment",
    "ments",
    "ant",
    "ants",
    "ate",
    "ates",
    "ing",
    "ings",
    "ally",
    "ous",
    "ize",
    "ise",
    "ity",
    "ery",
    "ory",
    "ive",
    "ives",
    "age",
    "ages",
    "dom",
    "est",
    "ess",
    "let",
    "lets",
    "ling",
    "ward",
    "ure",
];

/// How `lowercase` splits into two or more words: `None` when it is a word
/// itself or does not split; otherwise the split with the fewest words and
/// whether it is the only one.
pub fn split(lowercase: &str) -> Option<(Vec<&str>, bool)> {
    if !lowercase.is_ascii() || is_word(lowercase) || is_derived(lowercase) {
        return None;
    }
    let n = lowercase.len();
    // best[i]: (fewest words, number of ways capped at 2, previous cut) for
    // the prefix of length i.
    let mut best: Vec<Option<(usize, usize, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 1, 0));
    for end in 1..=n {
        for start in 0..end {
            let Some((words, ways, _)) = best[start] else {
                continue;
            };
            let part = &lowercase[start..end];
            if !is_word(part) && !is_number(part) {
                continue;
            }
            let candidate = (words + 1, ways, start);
            best[end] = Some(match best[end] {
                None => candidate,
                Some((w, k, s)) => {
                    let total_ways = (k + ways).min(2);
                    if candidate.0 < w {
                        (candidate.0, total_ways, start)
                    } else {
                        (w, total_ways, s)
                    }
                }
            });
        }
    }
    let (count, ways, _) = best[n]?;
    if count < 2 {
        return None;
    }
    let mut parts = Vec::with_capacity(count);
    let mut end = n;
    while end > 0 {
        let (_, _, start) = best[end]?;
        parts.push(&lowercase[start..end]);
        end = start;
    }
    parts.reverse();
    Some((parts, ways == 1))
}

/// A word plus a suffix (“mentor|ship”, “sustain|ability”): one word the
/// list lacks, however else it might split (“mentors|hip”).
fn is_derived(lowercase: &str) -> bool {
    SUFFIX_WORDS.iter().any(|suffix| {
        lowercase
            .strip_suffix(suffix)
            .is_some_and(|stem| stem.len() >= 3 && (is_word(stem) || is_word(&format!("{stem}e"))))
    })
}

fn is_number(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_compound_hashtags_only() {
        assert_eq!(
            split("customeradvocacy"),
            Some((vec!["customer", "advocacy"], true))
        );
        assert_eq!(split("sustainability"), None);
        assert_eq!(split("mentorship"), None);
        assert_eq!(split("marketing"), None);
        assert_eq!(split("xqzt"), None);
        let (parts, _) = split("womenintech").unwrap();
        assert_eq!(parts, ["women", "in", "tech"]);
    }
}
