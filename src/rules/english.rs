//! A plain English word list (SCOWL size 50, the same file share/hashtags
//! splits hashtags with), for rules that must tell a shouted word ("AMAZING")
//! from an acronym or a name in capitals ("NVIDIA", "DNSSEC").

use std::collections::HashSet;
use std::sync::LazyLock;

static WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("share/words.txt")
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .collect()
});

/// Whether `lowercase` (already lowercased) is an English dictionary word.
pub fn is_dictionary_word(lowercase: &str) -> bool {
    WORDS.contains(lowercase)
}
