//! Required literals: strings one of which every match of a pattern
//! contains, so that a text with none of them cannot match it.
//!
//! [`required`] reads a pattern's syntax tree (`regex-syntax`, the parser
//! the `regex` crate runs) and keeps, for each part, the finite set of
//! strings it matches when that set is small (`exact`), and a set one of
//! which each of its matches contains (`required`). Adjacent exact parts
//! of a concatenation multiply into longer strings (`[Vv][Ee][Rr][Yy]` is
//! `very`); the longest such run, or a part's own required set, stands for
//! the concatenation; an alternation needs one of its branches' sets.
//! Anything that may match the empty string, or a class too large to list
//! (`\w`, `.`), gives none.
//!
//! Strings are kept with ASCII letters in lower case, to be searched with
//! an ASCII case-insensitive automaton: a literal then matches wherever
//! one of its case variants would, which can only add candidates. Other
//! letters keep each variant a case-insensitive pattern allows (`s` and
//! `ſ`), so nothing is missed.

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// Strings an exact set may hold before it stops being exact.
const EXACT_LIMIT: usize = 64;

/// Characters a class may hold and still be listed.
const CLASS_LIMIT: usize = 4;

/// Literals one of which every match of `pattern` (in the `regex` crate's
/// syntax) contains, ASCII letters in lower case; `None` when there is no
/// such set (the pattern can match without one).
pub fn required(pattern: &str) -> Option<Vec<Vec<u8>>> {
    non_empty(walk(&parse(pattern)?).required?)
}

/// `pattern` parsed as the `regex` crate parses it, when it can.
pub(super) fn parse(pattern: &str) -> Option<Hir> {
    regex_syntax::ParserBuilder::new()
        .build()
        .parse(pattern)
        .ok()
}

/// One automaton searching for all of `literals` (as [`required`] and
/// [`word_list`] give them: ASCII letters in lower case) in any ASCII
/// case, reporting every occurrence, overlapping or not.
///
/// It is built case-sensitive over the lowercased literals and searches a
/// lowercased copy of the text: the same matches as an ASCII
/// case-insensitive automaton (ASCII case changes keep every byte where it
/// was), which for the seven public packages' 10,981 literals took three
/// times as long to build (27 ms against 9 ms) and searched no faster.
#[derive(Debug)]
pub(super) struct Searcher(aho_corasick::AhoCorasick);

impl Searcher {
    pub(super) fn new<L: AsRef<[u8]>>(literals: impl IntoIterator<Item = L>) -> Option<Searcher> {
        aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::Standard)
            .build(
                literals
                    .into_iter()
                    .map(|literal| literal.as_ref().to_ascii_lowercase()),
            )
            .ok()
            .map(Searcher)
    }

    /// Each occurrence of a literal in `text`, in any ASCII case, in the
    /// order the automaton reports them (by end, overlapping ones too).
    pub(super) fn each_overlapping(&self, text: &str, mut each: impl FnMut(aho_corasick::Match)) {
        crate::text::with_ascii_lowercase(text, |lowered| {
            for found in self.0.find_overlapping_iter(lowered) {
                each(found);
            }
        });
    }
}

/// `set`, when it has strings and none of them is empty.
fn non_empty(set: Vec<Vec<u8>>) -> Option<Vec<Vec<u8>>> {
    (!set.is_empty() && set.iter().all(|s| !s.is_empty())).then_some(set)
}

/// How many strings [`word_list`] may list.
const WORD_LIST_LIMIT: usize = 50_000;

/// When `pattern` (in the `regex` crate's syntax) starts with a list of
/// literals between ASCII word boundaries (`\b(?:very|really)\b`, as Vale
/// builds `tokens` and `swap` rules, or `\b(?:is|was)\b\s*\w+ed\b`): the
/// literals, as [`required`] gives them. Every match of such a pattern
/// starts where one of them occurs (in its case) with a word boundary on
/// each side, so a literal found without them cannot be the start of a
/// match.
pub fn word_list(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = parse(pattern)?;
    let mut hir = &hir;
    while let HirKind::Capture(capture) = hir.kind() {
        hir = &capture.sub;
    }
    let HirKind::Concat(parts) = hir.kind() else {
        return None;
    };
    let boundary = |part: &Hir| matches!(part.kind(), HirKind::Look(Look::WordAscii));
    let (first, rest) = parts.split_first()?;
    // The word ends at the next boundary; what follows may be anything.
    let middle = &rest[..rest.iter().position(boundary)?];
    if !boundary(first) || middle.is_empty() {
        return None;
    }
    let mut product: Vec<Vec<u8>> = vec![Vec::new()];
    for part in middle {
        product = cross(&product, &every_string(part)?, WORD_LIST_LIMIT)?;
    }
    non_empty(product)
}

/// Every string `hir` matches, alternations listed however long.
fn every_string(hir: &Hir) -> Option<Vec<Vec<u8>>> {
    match hir.kind() {
        HirKind::Capture(capture) => every_string(&capture.sub),
        HirKind::Alternation(branches) => {
            let mut all = Vec::new();
            for branch in branches {
                all.extend(every_string(branch)?);
                if all.len() > WORD_LIST_LIMIT {
                    return None;
                }
            }
            Some(all)
        }
        HirKind::Look(_) => None,
        _ => walk(hir).exact,
    }
}

#[derive(Debug, Default)]
struct Found {
    /// Every string the part matches, when there are few.
    exact: Option<Vec<Vec<u8>>>,
    /// Strings one of which each of its matches contains (never empty
    /// strings).
    required: Option<Vec<Vec<u8>>>,
}

impl Found {
    fn exact(mut set: Vec<Vec<u8>>) -> Found {
        set.sort();
        set.dedup();
        if set.len() > EXACT_LIMIT {
            return Found::default();
        }
        let required = set.iter().all(|s| !s.is_empty()).then(|| set.clone());
        Found {
            exact: Some(set),
            required,
        }
    }
}

fn walk(hir: &Hir) -> Found {
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => Found::exact(vec![Vec::new()]),
        HirKind::Literal(literal) => Found::exact(vec![literal.0.to_ascii_lowercase()]),
        HirKind::Class(class) => class_strings(class).map_or_else(Found::default, Found::exact),
        HirKind::Capture(capture) => walk(&capture.sub),
        HirKind::Repetition(repetition) => {
            let sub = walk(&repetition.sub);
            match (repetition.min, repetition.max) {
                (0, Some(1)) => match sub.exact {
                    Some(mut set) => {
                        set.push(Vec::new());
                        Found::exact(set)
                    }
                    None => Found::default(),
                },
                (0, _) => Found::default(),
                (min, max) => {
                    if max == Some(min)
                        && min <= 3
                        && let Some(set) = &sub.exact
                    {
                        let mut product = vec![Vec::new()];
                        for _ in 0..min {
                            product = cross(&product, set, EXACT_LIMIT).unwrap_or_default();
                        }
                        if !product.is_empty() {
                            return Found::exact(product);
                        }
                    }
                    Found {
                        exact: None,
                        required: sub.required,
                    }
                }
            }
        }
        HirKind::Concat(parts) => concat(parts),
        HirKind::Alternation(branches) => {
            let found: Vec<Found> = branches.iter().map(walk).collect();
            let exact = found
                .iter()
                .map(|f| f.exact.as_ref())
                .collect::<Option<Vec<_>>>()
                .map(|sets| sets.into_iter().flatten().cloned().collect::<Vec<_>>())
                .filter(|set| set.len() <= EXACT_LIMIT);
            if let Some(set) = exact {
                return Found::exact(set);
            }
            let mut required = Vec::new();
            for branch in found {
                match branch.required {
                    Some(set) => required.extend(set),
                    None => return Found::default(),
                }
            }
            required.sort();
            required.dedup();
            Found {
                exact: None,
                required: Some(required),
            }
        }
    }
}

/// A concatenation: runs of exact parts multiplied out, and the best of
/// those runs and of the other parts' required sets.
fn concat(parts: &[Hir]) -> Found {
    let mut candidates: Vec<Vec<Vec<u8>>> = Vec::new();
    let mut run: Vec<Vec<u8>> = vec![Vec::new()];
    let mut all_exact = true;
    for part in parts {
        let found = walk(part);
        match found.exact {
            Some(set) => match cross(&run, &set, EXACT_LIMIT) {
                Some(longer) => run = longer,
                None => {
                    all_exact = false;
                    candidates.push(std::mem::replace(&mut run, set));
                }
            },
            None => {
                all_exact = false;
                candidates.push(std::mem::replace(&mut run, vec![Vec::new()]));
                candidates.extend(found.required);
            }
        }
    }
    if all_exact {
        return Found::exact(run);
    }
    candidates.push(run);
    let best = candidates
        .into_iter()
        .filter(|set| !set.is_empty() && set.iter().all(|s| !s.is_empty()))
        .max_by_key(|set| {
            let shortest = set.iter().map(Vec::len).min().unwrap_or(0);
            (shortest.min(8), std::cmp::Reverse(set.len()))
        });
    Found {
        exact: None,
        required: best.map(|mut set| {
            set.sort();
            set.dedup();
            set
        }),
    }
}

/// Every string of `left` followed by every string of `right`, sorted;
/// `None` when there would be more than `limit`.
fn cross(left: &[Vec<u8>], right: &[Vec<u8>], limit: usize) -> Option<Vec<Vec<u8>>> {
    if left.len().saturating_mul(right.len()) > limit {
        return None;
    }
    let mut out = Vec::with_capacity(left.len() * right.len());
    for l in left {
        for r in right {
            let mut joined = l.clone();
            joined.extend_from_slice(r);
            out.push(joined);
        }
    }
    out.sort();
    out.dedup();
    Some(out)
}

/// The strings a small class matches, ASCII letters folded to lower case.
fn class_strings(class: &Class) -> Option<Vec<Vec<u8>>> {
    let mut out: Vec<Vec<u8>> = Vec::new();
    match class {
        Class::Unicode(class) => {
            for range in class.ranges() {
                let (start, end) = (u32::from(range.start()), u32::from(range.end()));
                if end - start >= (CLASS_LIMIT * 2) as u32 {
                    return None;
                }
                for c in (start..=end).filter_map(char::from_u32) {
                    let mut bytes = [0; 4];
                    out.push(c.encode_utf8(&mut bytes).as_bytes().to_ascii_lowercase());
                }
            }
        }
        Class::Bytes(class) => {
            for range in class.ranges() {
                if usize::from(range.end() - range.start()) >= CLASS_LIMIT * 2 {
                    return None;
                }
                out.extend((range.start()..=range.end()).map(|b| vec![b.to_ascii_lowercase()]));
            }
        }
    }
    out.sort();
    out.dedup();
    (!out.is_empty() && out.len() <= CLASS_LIMIT).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(pattern: &str) -> Option<Vec<String>> {
        required(pattern).map(|set| {
            set.into_iter()
                .map(|s| String::from_utf8(s).unwrap())
                .collect()
        })
    }

    #[test]
    fn word_lists_give_their_words() {
        assert_eq!(
            strings(r"(?i)(?m)(?-u:\b)(?:very|really)(?-u:\b)").unwrap(),
            ["really", "very"]
        );
        assert_eq!(
            strings(r"(?m)\b(?:in order to|colou?r)\b").unwrap(),
            ["color", "colour", "in order to"]
        );
    }

    #[test]
    fn case_insensitive_letters_keep_their_unicode_variants() {
        // `(?i)s` also matches U+017F (long s), which ASCII folding misses.
        let found = strings(r"(?i)yes").unwrap();
        assert!(found.contains(&"yes".to_owned()), "{found:?}");
        assert!(found.contains(&"yeſ".to_owned()), "{found:?}");
    }

    #[test]
    fn the_longest_required_part_stands_for_a_concatenation() {
        assert_eq!(strings(r"\d+ percent\b").unwrap(), [" percent"]);
        assert_eq!(strings(r"(?i)\b\w+ly\b").unwrap(), ["ly"]);
        assert_eq!(strings(r"\w+@\w+\.com").unwrap(), [".com"]);
    }

    #[test]
    fn word_lists_are_recognised_with_their_boundaries() {
        let list = |pattern: &str| {
            word_list(pattern).map(|set| {
                set.into_iter()
                    .map(|s| String::from_utf8(s).unwrap())
                    .collect::<Vec<_>>()
            })
        };
        let words: Vec<String> = (0..100).map(|i| format!("word{i}")).collect();
        let long = format!(r"(?m)(?-u:\b)(?:{})(?-u:\b)", words.join("|"));
        assert_eq!(list(&long).map(|l| l.len()), Some(100));
        assert_eq!(
            list(r"(?i)(?-u:\b)(?:(?P<s0>in order to)|(?P<s1>utili[sz]e))(?-u:\b)").unwrap(),
            // `(?i)s` also matches U+017F.
            ["in order to", "utilise", "utilize", "utiliſe"]
        );
        // A list followed by more: matches start at its words.
        assert_eq!(
            list(r"(?i)(?-u:\b)(am|is|be)(?-u:\b)\s*(?-u:\b)(?:\w+ed|known)(?-u:\b)").unwrap(),
            ["am", "be", "is", "iſ"]
        );
        // A boundary on one side only, or a part that is not a list.
        assert_eq!(list(r"(?-u:\b)(?:very|really)"), None);
        assert_eq!(list(r"(?-u:\b)(?:\w+ly)(?-u:\b)"), None);
        assert_eq!(list(r"(?:very|really)(?-u:\b)\w+"), None);
    }

    #[test]
    fn patterns_that_need_no_literal_give_none() {
        assert_eq!(strings(r"\b(\w+)\b"), None);
        assert_eq!(strings(r"[^\s]+"), None);
        assert_eq!(strings(r"(?:foo)?\d"), None);
        assert_eq!(strings(r"foo|\w"), None);
        assert_eq!(strings(r"x*"), None);
    }

    #[test]
    fn every_match_contains_a_required_literal() {
        // A few patterns of the shapes the packages use, each with texts
        // it matches: the match must contain one of the literals.
        let cases: &[(&str, &[&str])] = &[
            (r"(?i)\b(?:e\.g\.|i\.e\.)", &["E.G. this", "so i.e. that"]),
            (r"[A-Z]{2,}s?\b", &["APIs", "HTTP"]),
            (r"(?i)\b(?:(?:web|home) ?page)\b", &["Web page", "HOMEPAGE"]),
            (r"\.{3}|…", &["wait...", "wait…"]),
            (
                r"(?i)\bk(?:ilo)?b(?:yte)?s?\b",
                &["KBytes", "kb", "Kilobyte"],
            ),
        ];
        for (pattern, texts) in cases {
            let regex = regex::Regex::new(pattern).unwrap();
            let literals = required(pattern);
            for text in *texts {
                let found = regex.find(text).unwrap().as_str().to_ascii_lowercase();
                if let Some(literals) = &literals {
                    assert!(
                        literals
                            .iter()
                            .any(|l| found.contains(std::str::from_utf8(l).unwrap())),
                        "{pattern} on {text:?}: {literals:?}"
                    );
                }
            }
        }
    }
}
