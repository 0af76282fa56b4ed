//! What `voice/drift` reads of a draft, counted in one lean pass.
//!
//! [`TextCounts`] records everything a profile is learned from (function
//! words, openers, serial lists, emoji, …). A draft checked against a
//! profile needs only a few of those figures, and `check` runs on every
//! keystroke and over whole folders, so [`DraftCounts`] counts exactly
//! those, with the same definitions, and nothing else: words, sentence
//! lengths, syllables, contractions, person, exclamations, em dashes and
//! the marked words (spelling pairs and plain-word preferences).
//! `DraftCounts::of_document(d) == DraftCounts::from(&TextCounts::of_document(d))`
//! for every document (a unit test and a property test hold it).
//!
//! Contract: pure; no IO; allocates only for the few marked words and for
//! words that need lowercasing and do not fit a small stack buffer.

use std::ops::Range;
use std::sync::LazyLock;

use rustc_hash::FxHashSet;

use super::stats::{
    PERSON_WORDS, TextCounts, counts_as_prose, final_mark, is_contraction, normalise, person,
};
use super::words::{SPELLING_PAIRS, WORD_PREFERENCES};
use crate::document::{Block, Document};
use crate::text::{AsciiWord, ascii_word, syllables};

/// The figures of a draft that `voice/drift` compares with a profile.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DraftCounts {
    pub words: usize,
    /// Sentences with at least one word.
    pub sentences: usize,
    /// Words in those sentences.
    pub sentence_words: usize,
    pub syllables: usize,
    pub contractions: usize,
    pub first_person_singular: usize,
    pub first_person_plural: usize,
    pub second_person: usize,
    pub exclamations: usize,
    pub em_dashes: usize,
    /// As [`TextCounts::marked_words`]: (block index, range in the block's
    /// prose, the normalised word).
    pub marked_words: Vec<(usize, Range<usize>, &'static str)>,
}

/// Every spelling-pair or preference word (normalised).
static MARKED: LazyLock<FxHashSet<&'static str>> = LazyLock::new(|| {
    SPELLING_PAIRS
        .iter()
        .chain(WORD_PREFERENCES)
        .flat_map(|(a, b)| [*a, *b])
        .collect()
});

/// A quick, conservative test of whether a lowercase ASCII word can be in
/// a fixed list: a bit for each (first byte, length, last byte) of the
/// list's words, with bytes folded to their low five bits (so `A` and `a`
/// share one) and lengths over 31 together. A word that fails is not in the
/// list; one that passes may be, and is looked up. Built at compile time.
struct Shapes([[u32; 32]; 32]);

impl Shapes {
    const fn empty() -> Shapes {
        Shapes([[0; 32]; 32])
    }

    const fn with(mut self, word: &str) -> Shapes {
        if let [first, .., last] | [first @ last] = word.as_bytes() {
            let len = if word.len() < 31 { word.len() } else { 31 };
            self.0[(*first & 31) as usize][len] |= 1 << (*last & 31);
        }
        self
    }

    /// Whether a word of these bytes (in either case) may be in the list.
    #[inline]
    fn may_hold(&self, word: &[u8]) -> bool {
        match word {
            [first, .., last] | [first @ last] => {
                self.0[usize::from(first & 31)][word.len().min(31)] & (1 << (last & 31)) != 0
            }
            [] => false,
        }
    }
}

/// The shapes of every marked word (spelling pairs, word preferences).
static MARKED_SHAPES: Shapes = {
    let mut shapes = Shapes::empty();
    let mut i = 0;
    while i < SPELLING_PAIRS.len() {
        shapes = shapes.with(SPELLING_PAIRS[i].0).with(SPELLING_PAIRS[i].1);
        i += 1;
    }
    let mut i = 0;
    while i < WORD_PREFERENCES.len() {
        shapes = shapes
            .with(WORD_PREFERENCES[i].0)
            .with(WORD_PREFERENCES[i].1);
        i += 1;
    }
    shapes
};

/// The shapes of [`person`]'s words.
static PERSON_SHAPES: Shapes = {
    let mut shapes = Shapes::empty();
    let mut i = 0;
    while i < PERSON_WORDS.len() {
        shapes = shapes.with(PERSON_WORDS[i].0);
        i += 1;
    }
    shapes
};

/// Em dashes, as both [`TextCounts`] and [`DraftCounts`] count them: each `—`, and each ` -- ` (not
/// overlapping another). Jumps between candidate bytes with `memchr`.
pub(crate) fn em_dashes(text: &[u8]) -> usize {
    let mut count = 0;
    let mut from = 0;
    // A ` -- ` cannot share the space that ended the one before.
    let mut next_dash_pair = 1;
    while let Some(found) = memchr::memchr2(0xE2, b'-', &text[from..]) {
        let i = from + found;
        from = i + 1;
        if text[i] == 0xE2 {
            if text.get(i + 1..i + 3) == Some(&[0x80, 0x94]) {
                count += 1;
                from = i + 3;
            }
        } else if i >= next_dash_pair && text[i - 1] == b' ' && text.get(i..i + 3) == Some(b"-- ") {
            count += 1;
            from = i + 3;
            next_dash_pair = i + 4;
        }
    }
    count
}

impl DraftCounts {
    /// Count a parsed document's prose (the blocks [`TextCounts`] counts).
    pub fn of_document(document: &Document) -> DraftCounts {
        let mut counts = DraftCounts::default();
        for (index, block) in document.blocks.iter().enumerate() {
            if counts_as_prose(block) {
                counts.add_block(index, block);
            }
        }
        counts
    }

    fn add_block(&mut self, index: usize, block: &Block) {
        let text = block.text();
        self.words += block.words.len();
        // Words per sentence as `Block::sentence_words` counts them (words
        // starting at or after the sentence's start, up to the first that
        // ends after its end), walking both sorted lists once.
        let (mut first, mut last) = (0, 0);
        for sentence in &block.sentences {
            while first < block.words.len() && block.words[first].start < sentence.start {
                first += 1;
            }
            while last < block.words.len() && block.words[last].end <= sentence.end {
                last += 1;
            }
            let words = last.saturating_sub(first);
            if words == 0 {
                continue;
            }
            self.sentences += 1;
            self.sentence_words += words;
            if final_mark(&text[sentence.clone()]) == Some('!') {
                self.exclamations += 1;
            }
        }
        let bytes = text.as_bytes();
        for range in &block.words {
            match bytes.get(range.clone()).and_then(ascii_word) {
                Some(facts) => self.add_ascii_word(index, text, range.clone(), &facts),
                None => self.add_other_word(index, text, range.clone()),
            }
        }
        self.em_dashes += em_dashes(text.as_bytes());
    }

    /// An ASCII word: most words, so the tests that need the lowercased word
    /// run only when its apostrophe, or its first byte, length and last
    /// byte ([`Shapes`]), say it may be a contraction, a person word or a
    /// marked word.
    #[inline]
    fn add_ascii_word(&mut self, block: usize, text: &str, range: Range<usize>, facts: &AsciiWord) {
        self.syllables += facts.syllables;
        let bytes = &text.as_bytes()[range.clone()];
        if !(facts.has_apostrophe || PERSON_SHAPES.may_hold(bytes) || MARKED_SHAPES.may_hold(bytes))
        {
            return;
        }
        let raw = &text[range.clone()];
        let mut buffer = [0u8; 24];
        let word = match facts.has_upper {
            false => std::borrow::Cow::Borrowed(raw),
            true => match lowercase_ascii(raw, &mut buffer) {
                Some(lower) => std::borrow::Cow::Borrowed(lower),
                None => normalise(raw),
            },
        };
        self.add_lowercase_word(block, range, &word, facts.has_apostrophe);
    }

    /// A word with a character outside ASCII (accents, curly apostrophes).
    fn add_other_word(&mut self, block: usize, text: &str, range: Range<usize>) {
        let raw = &text[range.clone()];
        self.syllables += syllables(raw);
        let word = normalise(raw);
        let has_apostrophe = word.contains('\'');
        self.add_lowercase_word(block, range, &word, has_apostrophe);
    }

    #[inline]
    fn add_lowercase_word(
        &mut self,
        block: usize,
        range: Range<usize>,
        word: &str,
        has_apostrophe: bool,
    ) {
        if has_apostrophe && is_contraction(word) {
            self.contractions += 1;
        }
        if PERSON_SHAPES.may_hold(word.as_bytes()) {
            match person(word) {
                Some(0) => self.first_person_singular += 1,
                Some(1) => self.first_person_plural += 1,
                Some(_) => self.second_person += 1,
                None => {}
            }
        }
        if MARKED_SHAPES.may_hold(word.as_bytes())
            && let Some(key) = MARKED.get(word)
        {
            self.marked_words.push((block, range, key));
        }
    }

    /// Mean words per sentence; `None` without sentences.
    pub fn mean_sentence_length(&self) -> Option<f64> {
        (self.sentences > 0).then(|| self.sentence_words as f64 / self.sentences as f64)
    }

    /// Flesch–Kincaid grade over the counted prose (as [`TextCounts::grade`]).
    pub fn grade(&self) -> Option<f64> {
        crate::text::grade(self.words, self.sentences, self.syllables)
    }

    /// A count per 100 words (0 without words).
    pub fn per_100_words(&self, count: usize) -> f64 {
        crate::text::per_100(count, self.words)
    }

    /// A count per 100 sentences (0 without sentences).
    pub fn per_100_sentences(&self, count: usize) -> f64 {
        crate::text::per_100(count, self.sentences)
    }
}

/// [`normalise`] for an ASCII word with capitals that fits `buffer`,
/// without allocating; `None` for a longer word.
fn lowercase_ascii<'a>(word: &'a str, buffer: &'a mut [u8; 24]) -> Option<&'a str> {
    let bytes = word.as_bytes();
    let target = buffer.get_mut(..bytes.len())?;
    for (to, &from) in target.iter_mut().zip(bytes) {
        *to = from.to_ascii_lowercase();
    }
    std::str::from_utf8(target).ok()
}

impl From<&TextCounts> for DraftCounts {
    fn from(counts: &TextCounts) -> DraftCounts {
        DraftCounts {
            words: counts.words,
            sentences: counts.sentence_lengths.len(),
            sentence_words: counts.sentence_lengths.iter().sum(),
            syllables: counts.syllables,
            contractions: counts.contractions,
            first_person_singular: counts.first_person_singular,
            first_person_plural: counts.first_person_plural,
            second_person: counts.second_person,
            exclamations: counts.exclamations,
            em_dashes: counts.em_dashes,
            marked_words: counts.marked_words.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::DocumentKind;

    fn same_as_full_counts(text: &str) {
        let document = Document::parse(text, DocumentKind::Markdown);
        assert_eq!(
            DraftCounts::of_document(&document),
            DraftCounts::from(&TextCounts::of_document(&document)),
            "{text}"
        );
    }

    #[test]
    fn counts_what_the_full_pass_counts() {
        for text in [
            "",
            "# Title\n\nWe don’t utilise it. I'm sure you'll SEE! Honestly -- really — yes!\n",
            "Colour and color. We’re UTILIZING the Organisation's catalogue; you can't.\n\n> We quoted this!\n\n- I list it. Commence!\n",
            "Ünïcode wörds and an extraordinarilylongwordthatdoesnotfit IT'S here. Let’s go!!\n",
            "```\ncode don't count\n```\n\nThen: 你好, we 🎉 utilise! And I've—well—colour.\n",
        ] {
            same_as_full_counts(text);
        }
    }

    #[test]
    fn marked_words_keep_their_place() {
        let document = Document::parse("Intro.\n\nWe Utilise colour.\n", DocumentKind::Markdown);
        let counts = DraftCounts::of_document(&document);
        let words: Vec<(usize, &str)> = counts
            .marked_words
            .iter()
            .map(|(block, range, _)| (*block, &document.blocks[*block].text()[range.clone()]))
            .collect();
        assert!(words.contains(&(1, "Utilise")), "{words:?}");
        assert!(words.contains(&(1, "colour")), "{words:?}");
    }

    #[test]
    fn shapes_never_turn_a_listed_word_away() {
        for (word, _) in PERSON_WORDS {
            for form in [word.to_string(), word.to_uppercase(), capitalised(word)] {
                assert!(PERSON_SHAPES.may_hold(form.as_bytes()), "{form}");
            }
        }
        for word in MARKED.iter() {
            for form in [word.to_string(), word.to_uppercase(), capitalised(word)] {
                assert!(MARKED_SHAPES.may_hold(form.as_bytes()), "{form}");
            }
        }
        // And they do turn the common words away.
        for word in ["the", "and", "of", "in", "with", "was", "most", "It"] {
            assert!(!PERSON_SHAPES.may_hold(word.as_bytes()), "{word}");
        }
    }

    fn capitalised(word: &str) -> String {
        let mut chars = word.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default()
    }

    proptest::proptest! {
        /// Any text: words, capitals, apostrophes both ways, dashes, marks.
        #[test]
        fn agrees_with_the_full_pass(
            text in r"([A-Za-zéü’' ]{0,12}(utilise|Colour|We|I'm|don’t|YOU|Ours|LET'S|yourself|Mine|—| -- |[.!?,;]|\n\n|- |# |> )){0,30}"
        ) {
            same_as_full_counts(&text);
        }
    }
}
