//! Spelling for Vale `spelling` rules: Hunspell `.dic`/`.aff` dictionaries
//! the rule names (prefixes and suffixes expanded; compounding and the rarer
//! flags are not), ignore files, filters and the vocabulary.
//!
//! `en_US` is bundled (SCOWL's Hunspell en_US, from Debian's
//! `hunspell-en-us`; `dictionaries/en_US/COPYRIGHT`), as Vale bundles one
//! (its own `en_US-web`, which no reachable registry publishes): a rule
//! that names no dictionary uses it alone, `append: true` adds it to the
//! named ones, and a named `en_US` that is not on disk is it. Another
//! dictionary that is not on disk is reported at load time and its rule
//! skipped. The `.aff` files' `ICONV` pairs convert a word before lookup.
//!
//! copydesk's own `voice/spelling` ([`Speller::bundled_with`]) also reads a
//! web and software words supplement, converted from cspell's MIT-licensed
//! `@cspell/dict-software-terms` (`dictionaries/software-terms`, made by
//! `scripts/software-terms-dictionary.py`; its lower-case entries get
//! English noun plurals and possessives), so "webhooks" and "backtick" are
//! not typos. Vale mode does not: measured against Vale's own tests
//! (docs/vale.md), the supplement accepts words `en_US-web` flags ("todo",
//! "config", "json", "lorem") in more places than it accepts words only
//! `en_US-web` has. Each bundled dictionary is expanded once per process
//! and shared.

use std::collections::HashSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use super::pattern::Pattern;
use crate::document::segment;
use crate::project_files::{DICTIONARY_LIMIT, Project, Refusal, TEXT_FILE_LIMIT};

#[derive(Debug, Default)]
pub struct Speller {
    /// Every word form, as spelled in the dictionary.
    words: HashSet<String>,
    /// Ignore-file entries and accepted vocabulary words, lower-cased.
    ignored: HashSet<String>,
    /// Accepted vocabulary patterns (case-insensitive for spelling).
    accepted: Option<Pattern>,
    filters: Vec<Pattern>,
    /// Dictionary stems, for suggestions.
    stems: Vec<String>,
    /// Per stem, its [`letter_kinds`] in lower case.
    kinds: Vec<u32>,
    /// The bundled en_US dictionary, expanded once per process and shared.
    bundled: Option<Arc<Expanded>>,
    /// The bundled software terms (`voice/spelling` only), likewise.
    supplement: Option<Arc<Expanded>>,
    /// Input conversions (`ICONV` of the dictionaries' `.aff` files, such as
    /// `’` to `'`), applied to a word before it is filtered and looked up.
    iconv: Vec<(String, String)>,
}

/// A dictionary's word forms and stems.
#[derive(Debug, Default)]
struct Expanded {
    words: HashSet<String>,
    stems: Vec<String>,
    /// Per stem, its [`letter_kinds`] in lower case, found once.
    kinds: Vec<u32>,
    iconv: Vec<(String, String)>,
}

impl Expanded {
    fn add(&mut self, dic_text: &str, aff_text: &str) {
        let affixes = Affixes::parse(aff_text);
        self.iconv.extend(iconv(aff_text));
        for line in dic_text.lines().skip(1) {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let entry = line.split(['\t', ' ']).next().unwrap_or(line);
            let (word, flags) = split_entry(entry);
            self.stems.push(word.to_owned());
            self.kinds.push(letter_kinds(&word.to_lowercase()));
            affixes.expand(word, &affixes.flags(flags), &mut self.words);
        }
    }
}

fn bundled_en_us() -> Arc<Expanded> {
    static BUNDLED: OnceLock<Arc<Expanded>> = OnceLock::new();
    expanded_once(&BUNDLED, BUNDLED_EN_US)
}

fn bundled_software_terms() -> Arc<Expanded> {
    static BUNDLED: OnceLock<Arc<Expanded>> = OnceLock::new();
    expanded_once(&BUNDLED, BUNDLED_SOFTWARE_TERMS)
}

/// A bundled dictionary, expanded on first need and shared.
fn expanded_once(cell: &OnceLock<Arc<Expanded>>, (dic, aff): (&str, &str)) -> Arc<Expanded> {
    Arc::clone(cell.get_or_init(|| {
        let mut expanded = Expanded::default();
        expanded.add(dic, aff);
        Arc::new(expanded)
    }))
}

/// Vale's built-in filters: mixed case (MongoDB), anything but ASCII
/// letters, apostrophes and underscores, and all capitals.
const DEFAULT_FILTERS: &[&str] = &[r"[A-Z]{1}[a-z]+[A-Z]+\w+", r"[^a-zA-Z_']", r"[A-Z]+$"];

/// The bundled en_US dictionary and its affixes.
const BUNDLED_EN_US: (&str, &str) = (
    include_str!("../../dictionaries/en_US/en_US.dic"),
    include_str!("../../dictionaries/en_US/en_US.aff"),
);

/// The bundled web and software words, read by `voice/spelling` with
/// en_US (Vale's `en_US-web` has such words; SCOWL's en_US has not).
const BUNDLED_SOFTWARE_TERMS: (&str, &str) = (
    include_str!("../../dictionaries/software-terms/software-terms.dic"),
    include_str!("../../dictionaries/software-terms/software-terms.aff"),
);

/// A Hunspell dictionary: on disk (`X.dic` beside `X.aff`), a rule's own
/// `dic`/`aff` pair, or bundled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dictionary {
    File(PathBuf),
    Pair {
        dic: PathBuf,
        aff: PathBuf,
    },
    /// The bundled en_US, standing in for Vale's `en_US-web`.
    BundledEnUs,
}

pub struct SpellerSource<'a> {
    pub dictionaries: Vec<Dictionary>,
    pub ignore_files: Vec<PathBuf>,
    pub filters: &'a [String],
    pub custom_filters_only: bool,
    pub accepted: &'a [String],
    /// Where the files may be read from, within limits.
    pub project: &'a Project,
}

impl Speller {
    pub fn load(source: &SpellerSource) -> Result<Speller, String> {
        let mut speller = Speller::default();
        let mut own = Expanded::default();
        for dictionary in &source.dictionaries {
            match dictionary {
                Dictionary::File(dic) => {
                    let aff = dic.with_extension("aff");
                    let aff_text = if aff.exists() {
                        read(source.project, &aff, DICTIONARY_LIMIT)?
                    } else {
                        String::new()
                    };
                    own.add(&read(source.project, dic, DICTIONARY_LIMIT)?, &aff_text);
                }
                Dictionary::Pair { dic, aff } => {
                    let aff_text = read(source.project, aff, DICTIONARY_LIMIT)?;
                    own.add(&read(source.project, dic, DICTIONARY_LIMIT)?, &aff_text);
                }
                Dictionary::BundledEnUs => speller.bundled = Some(bundled_en_us()),
            }
        }
        speller.words = own.words;
        speller.stems = own.stems;
        speller.kinds = own.kinds;
        speller.iconv = speller
            .bundled
            .iter()
            .flat_map(|b| b.iconv.iter().cloned())
            .chain(own.iconv)
            .collect();
        for file in &source.ignore_files {
            for line in read(source.project, file, TEXT_FILE_LIMIT)?.lines() {
                let word = line.trim();
                if !word.is_empty() && !word.starts_with('#') {
                    speller.ignored.insert(word.to_lowercase());
                }
            }
        }
        let accepted: Vec<&String> = source.accepted.iter().filter(|a| !a.is_empty()).collect();
        if !accepted.is_empty() {
            let joined: Vec<&str> = accepted.iter().map(|a| a.as_str()).collect();
            speller.accepted = Pattern::compile(&format!("(?i)^(?:{})$", joined.join("|"))).ok();
        }
        let defaults = if source.custom_filters_only {
            &[][..]
        } else {
            DEFAULT_FILTERS
        };
        for filter in defaults
            .iter()
            .copied()
            .chain(source.filters.iter().map(String::as_str))
        {
            speller
                .filters
                .push(Pattern::compile(filter).map_err(|e| format!("filter “{filter}”: {e}"))?);
        }
        Ok(speller)
    }

    /// The bundled en_US dictionary and software terms with Vale's default
    /// filters, plus `words` (names, terms: each word of each entry, any
    /// case): `voice/spelling`'s speller.
    pub fn bundled_with(words: &[&str]) -> Speller {
        let bundled = bundled_en_us();
        let mut speller = Speller {
            iconv: bundled.iconv.clone(),
            bundled: Some(bundled),
            supplement: Some(bundled_software_terms()),
            ..Speller::default()
        };
        for entry in words {
            for word in entry.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’')) {
                if !word.is_empty() {
                    speller.ignored.insert(word.to_lowercase());
                }
            }
        }
        speller.filters = DEFAULT_FILTERS
            .iter()
            .filter_map(|filter| Pattern::compile(filter).ok())
            .collect();
        speller
    }

    /// Misspelled words in `text`, each with up to five suggestions.
    pub fn misspelled(&self, text: &str) -> Vec<(Range<usize>, Vec<String>)> {
        join_apostrophes(text, segment::words(text))
            .into_iter()
            .filter(|range| !self.knows(&text[range.clone()]))
            .map(|range| {
                let suggestions = self.suggest(&text[range.clone()]);
                (range, suggestions)
            })
            .collect()
    }

    fn knows(&self, word: &str) -> bool {
        let converted;
        let word = if self
            .iconv
            .iter()
            .any(|(from, _)| word.contains(from.as_str()))
        {
            converted = self.iconv.iter().fold(word.to_owned(), |w, (from, to)| {
                w.replace(from.as_str(), to)
            });
            converted.as_str()
        } else {
            word
        };
        let word = word.strip_suffix("'s").unwrap_or(word);
        if segment::is_number(word) || self.filters.iter().any(|f| f.is_match(word)) {
            return true;
        }
        let lower = word.to_lowercase();
        let has = |set: &Option<Arc<Expanded>>| {
            set.as_deref()
                .is_some_and(|b| b.words.contains(word) || b.words.contains(&lower))
        };
        self.words.contains(word)
            || self.words.contains(&lower)
            || has(&self.bundled)
            || has(&self.supplement)
            || self.ignored.contains(&lower)
            || self.accepted.as_ref().is_some_and(|a| a.is_match(word))
    }

    fn suggest(&self, word: &str) -> Vec<String> {
        let lower = word.to_lowercase();
        let (word_is_ascii, word_chars) = (lower.is_ascii(), lower.chars().count());
        let letters = letter_kinds(&lower);
        let (general_stems, general_kinds) = stems_of(self.bundled.as_deref());
        let (supplement_stems, supplement_kinds) = stems_of(self.supplement.as_deref());
        // Ranked by distance, then general words (the rule's own and en_US)
        // before software terms, then alphabetically.
        let mut scored: Vec<(usize, bool, &String)> = self
            .stems
            .iter()
            .zip(&self.kinds)
            .chain(general_stems.iter().zip(general_kinds))
            .map(|stem| (false, stem))
            .chain(
                supplement_stems
                    .iter()
                    .zip(supplement_kinds)
                    .map(|stem| (true, stem)),
            )
            // Two edits change a word by at most two characters: by at
            // most two bytes when both are ASCII, eight when not (a
            // character is up to four), then counted in characters.
            .filter(|(_, (stem, _))| {
                let bytes_apart = stem.len().abs_diff(lower.len());
                bytes_apart <= 2
                    || (bytes_apart <= 8
                        && !(word_is_ascii && stem.is_ascii())
                        && stem.chars().count().abs_diff(word_chars) <= 2)
            })
            // Each edit adds at most one kind of letter and takes away at
            // most one: more than two kinds apart is more than two edits.
            .filter(|&(_, (_, &kinds))| {
                (letters & !kinds).count_ones() <= 2 && (kinds & !letters).count_ones() <= 2
            })
            .filter_map(|(supplement, (stem, _))| {
                let stem_lower = if stem.chars().any(char::is_uppercase) {
                    std::borrow::Cow::Owned(stem.to_lowercase())
                } else {
                    std::borrow::Cow::Borrowed(stem.as_str())
                };
                let distance = crate::text::edit_distance_within(&lower, &stem_lower, 2)?;
                Some((distance, supplement, stem))
            })
            .collect();
        scored.sort();
        // A stem listed twice (en_US has "rust" with two sets of flags) or
        // in two dictionaries is offered once.
        let mut suggestions: Vec<String> = Vec::new();
        for (_, _, stem) in scored {
            if !suggestions.contains(stem) {
                suggestions.push(stem.clone());
                if suggestions.len() == 5 {
                    break;
                }
            }
        }
        suggestions
    }
}

/// A bundled dictionary's stems and their letter kinds (none without it).
fn stems_of(set: Option<&Expanded>) -> (&[String], &[u32]) {
    set.map_or((&[], &[]), |b| (&b.stems[..], &b.kinds[..]))
}

/// The kinds of character in `word`, one bit each: `a` to `z`, and one bit
/// for everything else (which only makes the count of kinds apart smaller,
/// never larger).
fn letter_kinds(word: &str) -> u32 {
    word.chars().fold(0, |kinds, c| {
        kinds
            | match c {
                'a'..='z' => 1 << (c as u32 - 'a' as u32),
                _ => 1 << 26,
            }
    })
}

/// Words joined by one apostrophe of any kind (`doesn‘t`, `doesn’t`) are
/// one word, as Vale's tokenizer sees them (its filters then decide).
fn join_apostrophes(text: &str, words: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::with_capacity(words.len());
    for word in words {
        if let Some(last) = out.last_mut()
            && matches!(text.get(last.end..word.start), Some("'" | "’" | "‘"))
        {
            last.end = word.end;
            continue;
        }
        out.push(word);
    }
    out
}

/// The `ICONV from to` pairs of an `.aff` file (its `ICONV n` count line
/// aside), as Vale's speller reads them.
fn iconv(aff_text: &str) -> Vec<(String, String)> {
    aff_text
        .lines()
        .filter_map(
            |line| match line.split_whitespace().collect::<Vec<_>>()[..] {
                ["ICONV", from, to] => Some((from.to_owned(), to.to_owned())),
                _ => None,
            },
        )
        .collect()
}

fn read(project: &Project, path: &Path, limit: u64) -> Result<String, String> {
    project
        .read_text(path, limit)
        .map_err(|refusal| match refusal {
            Refusal::Io { path, message } => format!("could not read {path}: {message}"),
            other => other.to_string(),
        })
}

fn split_entry(entry: &str) -> (&str, &str) {
    match entry.find('/') {
        Some(at) if at > 0 && !entry[..at].ends_with('\\') => (&entry[..at], &entry[at + 1..]),
        _ => (entry, ""),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FlagMode {
    Char,
    Long,
    Numeric,
}

#[derive(Debug)]
struct Affix {
    flag: String,
    suffix: bool,
    cross: bool,
    strip: String,
    add: String,
    condition: Option<regex::Regex>,
}

#[derive(Debug)]
struct Affixes {
    mode: FlagMode,
    rules: Vec<Affix>,
}

impl Affixes {
    fn parse(text: &str) -> Affixes {
        let mut mode = FlagMode::Char;
        let mut rules = Vec::new();
        let mut cross: Vec<(String, bool)> = Vec::new();
        for line in text.lines() {
            let fields: Vec<&str> = line.split_whitespace().collect();
            match fields.as_slice() {
                ["FLAG", "long", ..] => mode = FlagMode::Long,
                ["FLAG", "num", ..] => mode = FlagMode::Numeric,
                [kind @ ("PFX" | "SFX"), flag, yes, count]
                    if count.parse::<usize>().is_ok() && (*yes == "Y" || *yes == "N") =>
                {
                    let _ = kind;
                    cross.push(((*flag).to_owned(), *yes == "Y"));
                }
                [kind @ ("PFX" | "SFX"), flag, strip, add, rest @ ..] => {
                    let suffix = *kind == "SFX";
                    let add = add.split('/').next().unwrap_or("");
                    let condition = rest.first().copied().unwrap_or(".");
                    let condition = if condition == "." {
                        None
                    } else if suffix {
                        regex::Regex::new(&format!("(?:{condition})$")).ok()
                    } else {
                        regex::Regex::new(&format!("^(?:{condition})")).ok()
                    };
                    rules.push(Affix {
                        flag: (*flag).to_owned(),
                        suffix,
                        cross: cross
                            .iter()
                            .rev()
                            .find(|(f, _)| f == flag)
                            .is_some_and(|(_, y)| *y),
                        strip: if *strip == "0" {
                            String::new()
                        } else {
                            (*strip).to_owned()
                        },
                        add: if add == "0" {
                            String::new()
                        } else {
                            add.to_owned()
                        },
                        condition,
                    });
                }
                _ => {}
            }
        }
        Affixes { mode, rules }
    }

    fn flags(&self, text: &str) -> Vec<String> {
        match self.mode {
            FlagMode::Char => text.chars().map(String::from).collect(),
            FlagMode::Long => text
                .chars()
                .collect::<Vec<_>>()
                .chunks(2)
                .map(|pair| pair.iter().collect())
                .collect(),
            FlagMode::Numeric => text.split(',').map(|f| f.trim().to_owned()).collect(),
        }
    }

    fn apply(&self, affix: &Affix, word: &str) -> Option<String> {
        if affix.condition.as_ref().is_some_and(|c| !c.is_match(word)) {
            return None;
        }
        if affix.suffix {
            let stem = word.strip_suffix(affix.strip.as_str())?;
            Some(format!("{stem}{}", affix.add))
        } else {
            let stem = word.strip_prefix(affix.strip.as_str())?;
            Some(format!("{}{stem}", affix.add))
        }
    }

    fn expand(&self, word: &str, flags: &[String], out: &mut HashSet<String>) {
        out.insert(word.to_owned());
        let matching: Vec<&Affix> = self
            .rules
            .iter()
            .filter(|rule| flags.contains(&rule.flag))
            .collect();
        for suffix in matching.iter().filter(|r| r.suffix) {
            if let Some(form) = self.apply(suffix, word) {
                if suffix.cross {
                    for prefix in matching.iter().filter(|r| !r.suffix && r.cross) {
                        if let Some(both) = self.apply(prefix, &form) {
                            out.insert(both);
                        }
                    }
                }
                out.insert(form);
            }
        }
        for prefix in matching.iter().filter(|r| !r.suffix) {
            if let Some(form) = self.apply(prefix, word) {
                out.insert(form);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn affixes_expand_dictionary_words() {
        let affixes = Affixes::parse(
            "SET UTF-8\nPFX U Y 1\nPFX U 0 un .\nSFX D Y 2\nSFX D 0 d e\nSFX D y ied [^aeiou]y\n",
        );
        let mut words = HashSet::new();
        affixes.expand("move", &affixes.flags("DU"), &mut words);
        affixes.expand("carry", &affixes.flags("D"), &mut words);
        for expected in ["move", "moved", "unmove", "unmoved", "carry", "carried"] {
            assert!(words.contains(expected), "{expected} in {words:?}");
        }
    }
}

#[cfg(test)]
mod software_terms_tests {
    use super::*;

    #[test]
    fn the_software_terms_affixes_make_noun_plurals_and_possessives() {
        let affixes = Affixes::parse(BUNDLED_SOFTWARE_TERMS.1);
        let mut words = HashSet::new();
        for stem in ["webhook", "proxy", "hash", "relay"] {
            affixes.expand(stem, &affixes.flags("SM"), &mut words);
        }
        for expected in [
            "webhooks",
            "webhook's",
            "proxies",
            "proxy's",
            "hashes",
            "relays",
        ] {
            assert!(words.contains(expected), "{expected} in {words:?}");
        }
        for wrong in ["proxys", "hashs", "relaies"] {
            assert!(!words.contains(wrong), "{wrong} in {words:?}");
        }
    }

    #[test]
    fn the_default_dictionary_has_the_software_terms_inflected_and_keeps_their_case() {
        let mut speller = Speller::bundled_with(&[]);
        // Without the filters, which would pass mixed case (`WordPress`)
        // unchecked.
        speller.filters.clear();
        for known in ["webhook", "Webhooks", "backticks", "WordPress", "release"] {
            assert!(speller.knows(known), "{known} should be known");
        }
        // A keep-case entry is not lower-cased, nor given a plural.
        for unknown in ["wordpress", "Wordpress", "WordPresses", "webhoook"] {
            assert!(!speller.knows(unknown), "{unknown} should be unknown");
        }
    }

    #[test]
    fn stems_of_other_scripts_are_suggested_as_far_as_their_characters() {
        // A custom dictionary (as Vale's `config/dictionaries`), and
        // nothing else.
        let mut own = Expanded::default();
        own.add("2\n東京\nnaïveté\n", "");
        let speller = Speller {
            stems: own.stems,
            kinds: own.kinds,
            words: own.words,
            ..Speller::default()
        };
        // One character (three bytes) apart: filtering stems by bytes
        // dropped it.
        let suggestions = speller.suggest("東京都");
        assert!(suggestions.iter().any(|s| s == "東京"), "{suggestions:?}");
        // Two characters apart, four bytes: still offered.
        let suggestions = speller.suggest("naïvetéés");
        assert!(
            suggestions.iter().any(|s| s == "naïveté"),
            "{suggestions:?}"
        );
        // Three characters apart is not.
        let suggestions = speller.suggest("東京都府県");
        assert!(!suggestions.iter().any(|s| s == "東京"), "{suggestions:?}");
    }

    #[test]
    fn a_stem_listed_twice_is_suggested_once() {
        let speller = Speller::bundled_with(&[]);
        let suggestions = speller.suggest("rustc");
        assert!(suggestions.iter().any(|s| s == "rust"), "{suggestions:?}");
        let mut unique = suggestions.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), suggestions.len(), "{suggestions:?}");
    }

    #[test]
    fn a_software_term_is_suggested_after_general_words_as_near() {
        let speller = Speller::bundled_with(&[]);
        // "rebase" (a software term) and "release" are one edit from the typo.
        let suggestions = speller.suggest("relase");
        let position = |word: &str| suggestions.iter().position(|s| s == word);
        assert!(position("release").is_some(), "{suggestions:?}");
        assert!(
            position("rebase").is_none_or(|rebase| position("release") < Some(rebase)),
            "{suggestions:?}"
        );
        // Where no general word is near, the software term is offered.
        assert_eq!(
            speller.suggest("webhok").first().map(String::as_str),
            Some("webhook")
        );
    }
}

#[cfg(test)]
mod iconv_tests {
    use super::*;

    #[test]
    fn iconv_pairs_are_read_and_the_count_line_skipped() {
        let aff = "SET UTF-8\nICONV 2\nICONV ’ '\nICONV ‘ '\nTRY abc\n";
        assert_eq!(
            iconv(aff),
            [
                ("’".to_owned(), "'".to_owned()),
                ("‘".to_owned(), "'".to_owned())
            ]
        );
    }

    #[test]
    fn a_converted_word_is_looked_up_in_its_converted_form() {
        let mut speller = Speller::bundled_with(&[]);
        // Without the conversion the curly form is unknown.
        speller.iconv.clear();
        speller.filters.clear();
        assert!(!speller.knows("doesn’t"));
        speller.iconv = vec![("’".to_owned(), "'".to_owned())];
        assert!(speller.knows("doesn’t"));
        assert!(!speller.knows("doesnt’t"));
    }
}

#[cfg(test)]
mod apostrophe_tests {
    use super::*;

    #[test]
    fn curly_apostrophes_join_a_word() {
        let text = "That doesn‘t and doesn’t work";
        let words: Vec<&str> = join_apostrophes(text, segment::words(text))
            .into_iter()
            .map(|r| &text[r])
            .collect();
        assert!(words.contains(&"doesn‘t"), "{words:?}");
        assert!(words.contains(&"doesn’t"), "{words:?}");
        assert!(!words.contains(&"doesn"), "{words:?}");
    }
}
