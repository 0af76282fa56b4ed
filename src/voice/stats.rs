//! Counts of one text: what a voice profile is learned from and what a
//! draft is compared with. Only prose counts (paragraphs and list items
//! outside block quotes, as [`Document`] reads them): code, front matter,
//! headings, tables and quoted text do not.

use std::collections::BTreeMap;
use std::ops::Range;

use super::words::{FUNCTION_WORDS, OPENERS, SPELLING_PAIRS, WORD_PREFERENCES};
use crate::document::{Block, BlockKind, Document};
use crate::text::syllables;

/// The counts of one text (a post or a draft).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextCounts {
    pub words: usize,
    /// Words of each sentence, in order.
    pub sentence_lengths: Vec<usize>,
    /// Words of each paragraph (or list item), in order.
    pub paragraph_lengths: Vec<usize>,
    /// Mean sentence length of each paragraph with at least three sentences.
    pub paragraph_sentence_means: Vec<f64>,
    pub syllables: usize,
    pub contractions: usize,
    pub first_person_singular: usize,
    pub first_person_plural: usize,
    pub second_person: usize,
    pub questions: usize,
    pub exclamations: usize,
    pub emoji: usize,
    pub hashtags: usize,
    pub em_dashes: usize,
    pub en_dashes: usize,
    pub semicolons: usize,
    pub parentheses: usize,
    /// Lists of three or more written with a comma before the last "and"/"or".
    pub oxford_lists: usize,
    /// Lists of three or more written without it.
    pub plain_lists: usize,
    pub british: usize,
    pub american: usize,
    /// Sentence openers from the fixed list, by lowercase word.
    pub openers: BTreeMap<&'static str, usize>,
    /// Function words, by index into [`FUNCTION_WORDS`].
    pub function_words: Vec<usize>,
    /// Words of [`WORD_PREFERENCES`] (either side), lowercase.
    pub preference_words: BTreeMap<&'static str, usize>,
    /// The last paragraph when it is short (a sign-off such as "Cheers, Dana").
    pub sign_off: Option<String>,
    /// Every word of [`SPELLING_PAIRS`] or [`WORD_PREFERENCES`] met, in
    /// order: (index of its block in the document, its range in the
    /// block's prose, the normalised word). Lets `voice/drift` judge word
    /// choices without reading every word again.
    pub marked_words: Vec<(usize, Range<usize>, &'static str)>,
    /// The block [`add_block`](Self::add_block) is counting (set by
    /// [`of_document`](Self::of_document)).
    pub block_index: usize,
}

/// What a listed word counts towards.
#[derive(Debug, Clone, Copy)]
enum WordKind {
    Function(usize),
    British,
    American,
    Preference(&'static str),
}

/// Every listed word, for one lookup per word of text.
static LOOKUP: std::sync::LazyLock<std::collections::HashMap<&'static str, Vec<WordKind>>> =
    std::sync::LazyLock::new(|| {
        let mut map: std::collections::HashMap<&'static str, Vec<WordKind>> =
            std::collections::HashMap::new();
        for (index, word) in FUNCTION_WORDS.iter().enumerate() {
            map.entry(word).or_default().push(WordKind::Function(index));
        }
        for (british, american) in SPELLING_PAIRS {
            map.entry(british).or_default().push(WordKind::British);
            map.entry(american).or_default().push(WordKind::American);
        }
        for (plain, formal) in WORD_PREFERENCES {
            for side in [*plain, *formal] {
                let kinds = map.entry(side).or_default();
                if !kinds.iter().any(|k| matches!(k, WordKind::Preference(_))) {
                    kinds.push(WordKind::Preference(side));
                }
            }
        }
        map
    });

/// Whether a block is prose this module counts.
pub fn counts_as_prose(block: &Block) -> bool {
    matches!(block.kind, BlockKind::Paragraph | BlockKind::ListItem) && !block.in_quote
}

/// Lowercase a word and straighten its apostrophes (without allocating
/// for the common lowercase ASCII word).
pub fn normalise(word: &str) -> std::borrow::Cow<'_, str> {
    if word
        .bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
    {
        return std::borrow::Cow::Borrowed(word);
    }
    std::borrow::Cow::Owned(
        word.chars()
            .map(|c| if c == '’' { '\'' } else { c })
            .flat_map(char::to_lowercase)
            .collect(),
    )
}

/// Whether a (normalised) word is a contraction ("don't", "we're", "it's");
/// possessives ("Rust's") are not.
pub fn is_contraction(word: &str) -> bool {
    const ENDINGS: [&str; 6] = ["n't", "'re", "'ve", "'ll", "'d", "'m"];
    const S_FORMS: [&str; 12] = [
        "it's", "that's", "there's", "here's", "what's", "let's", "he's", "she's", "who's",
        "where's", "how's", "i'm",
    ];
    ENDINGS
        .iter()
        .any(|e| word.len() > e.len() && word.ends_with(e))
        || S_FORMS.contains(&word)
}

/// Person words, each with its person (0: I, 1: we, 2: you), written once
/// for [`person`] and for [`PERSON_WORDS`] (the list `voice::draft` builds
/// its word filter from).
macro_rules! person_words {
    ($($person:literal => [$($word:literal),* $(,)?]),* $(,)?) => {
        pub(crate) const PERSON_WORDS: &[(&str, u8)] = &[$($(($word, $person),)*)*];

        pub(crate) fn person(word: &str) -> Option<u8> {
            match word {
                $($($word)|* => Some($person),)*
                _ => None,
            }
        }
    };
}

person_words! {
    0 => ["i", "me", "my", "mine", "myself", "i'm", "i've", "i'd", "i'll"],
    1 => ["we", "us", "our", "ours", "ourselves", "we're", "we've", "we'll", "we'd", "let's"],
    2 => ["you", "your", "yours", "yourself", "you're", "you've", "you'll", "you'd"],
}

fn is_emoji(c: char) -> bool {
    matches!(c as u32, 0x1F300..=0x1FAFF | 0x2600..=0x27BF | 0x1F1E6..=0x1F1FF)
}

/// The last char of a sentence that is not a closing quote, bracket or space.
pub(crate) fn final_mark(sentence: &str) -> Option<char> {
    sentence
        .trim_end()
        .chars()
        .rev()
        .find(|c| !matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '*' | '_'))
}

/// Count serial lists in one sentence: "a, b, and c" (Oxford) or "a, b and
/// c" (plain). A list is a comma followed, within four words, by "and"/"or"
/// whose own preceding item has at most four words.
fn serial_lists(sentence: &str) -> (usize, usize) {
    let (mut oxford, mut plain) = (0, 0);
    let segments: Vec<&str> = sentence.split(',').collect();
    if segments.len() < 3 {
        if let [first, last] = segments[..] {
            // "bread, milk and eggs": the last segment is one word, "and"
            // or "or", then at most two words.
            let last_words: Vec<&str> = last.split_whitespace().collect();
            if last_words.len() >= 3
                && last_words.len() <= 4
                && matches!(last_words[1], "and" | "or")
                && (1..=6).contains(&first.split_whitespace().count())
            {
                plain += 1;
            }
        }
        return (oxford, plain);
    }
    for window in segments.windows(3) {
        let [before, middle, after] = [window[0], window[1], window[2]];
        let short = |s: &str| (1..=4).contains(&s.split_whitespace().count());
        if !short(before) || !short(middle) {
            continue;
        }
        let after_words: Vec<&str> = after.split_whitespace().collect();
        if matches!(after_words.first(), Some(&"and" | &"or")) && after_words.len() <= 6 {
            oxford += 1;
        } else if let Some(pos) = after_words.iter().position(|w| *w == "and" || *w == "or")
            && (1..=4).contains(&pos)
            && after_words.len() - pos <= 5
        {
            plain += 1;
        }
    }
    (oxford, plain)
}

impl TextCounts {
    /// Count a parsed document.
    pub fn of_document(document: &Document) -> TextCounts {
        let blocks: Vec<(usize, &Block)> = document
            .blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| counts_as_prose(b))
            .collect();
        let mut counts = TextCounts {
            function_words: vec![0; FUNCTION_WORDS.len()],
            ..TextCounts::default()
        };
        for (index, block) in &blocks {
            counts.block_index = *index;
            counts.add_block(block);
        }
        let blocks: Vec<&Block> = blocks.into_iter().map(|(_, b)| b).collect();
        if let Some(last) = blocks.last()
            && last.kind == BlockKind::Paragraph
            && (1..=5).contains(&last.words.len())
            && !last.text().contains('\u{FFFC}')
            && blocks.len() > 1
        {
            counts.sign_off = Some(last.text().trim().to_owned());
        }
        counts
    }

    /// Count one block (used by [`of_document`](Self::of_document) and for
    /// a single paragraph).
    pub fn add_block(&mut self, block: &Block) {
        if self.function_words.len() != FUNCTION_WORDS.len() {
            self.function_words = vec![0; FUNCTION_WORDS.len()];
        }
        let text = block.text();
        self.words += block.words.len();
        self.paragraph_lengths.push(block.words.len());
        let mut lengths = Vec::new();
        for (index, sentence) in block.sentences.iter().enumerate() {
            let words = block.sentence_words(index);
            if words.is_empty() {
                continue;
            }
            lengths.push(words.len());
            let sentence_text = &text[sentence.clone()];
            match final_mark(sentence_text) {
                Some('?') => self.questions += 1,
                Some('!') => self.exclamations += 1,
                _ => {}
            }
            let first = normalise(&text[words[0].clone()]);
            if let Some((opener, _)) = OPENERS.iter().find(|(o, _)| *o == first) {
                *self.openers.entry(opener).or_default() += 1;
            }
            let (oxford, plain) = serial_lists(sentence_text);
            self.oxford_lists += oxford;
            self.plain_lists += plain;
        }
        if lengths.len() >= 3 {
            self.paragraph_sentence_means
                .push(lengths.iter().sum::<usize>() as f64 / lengths.len() as f64);
        }
        self.sentence_lengths.extend(lengths);
        for range in &block.words {
            self.add_word(text, range.clone());
        }
        for c in text.chars() {
            match c {
                '–' => self.en_dashes += 1,
                ';' => self.semicolons += 1,
                '(' => self.parentheses += 1,
                c if is_emoji(c) => self.emoji += 1,
                _ => {}
            }
        }
        self.em_dashes += super::draft::em_dashes(text.as_bytes());
    }

    fn add_word(&mut self, text: &str, range: Range<usize>) {
        let raw = &text[range.clone()];
        self.syllables += syllables(raw);
        let hash_before = range.start > 0 && text.as_bytes()[range.start - 1] == b'#';
        let free_before = range.start < 2 || text.as_bytes()[range.start - 2].is_ascii_whitespace();
        if hash_before && free_before && raw.starts_with(|c: char| c.is_alphabetic()) {
            self.hashtags += 1;
        }
        let word = normalise(raw);
        if is_contraction(&word) {
            self.contractions += 1;
        }
        match person(&word) {
            Some(0) => self.first_person_singular += 1,
            Some(1) => self.first_person_plural += 1,
            Some(_) => self.second_person += 1,
            None => {}
        }
        let Some((key, kinds)) = LOOKUP.get_key_value(&*word) else {
            return;
        };
        if kinds.iter().any(|k| !matches!(k, WordKind::Function(_))) {
            self.marked_words.push((self.block_index, range, key));
        }
        for kind in kinds {
            match *kind {
                WordKind::Function(index) => self.function_words[index] += 1,
                WordKind::British => self.british += 1,
                WordKind::American => self.american += 1,
                WordKind::Preference(side) => {
                    *self.preference_words.entry(side).or_default() += 1;
                }
            }
        }
    }

    /// Mean words per sentence; `None` without sentences.
    pub fn mean_sentence_length(&self) -> Option<f64> {
        mean_usize(&self.sentence_lengths)
    }

    /// Flesch–Kincaid grade over the counted prose.
    pub fn grade(&self) -> Option<f64> {
        crate::text::grade(self.words, self.sentence_lengths.len(), self.syllables)
    }

    /// A count per 100 words (0 without words).
    pub fn per_100_words(&self, count: usize) -> f64 {
        crate::text::per_100(count, self.words)
    }

    /// A count per 100 sentences (0 without sentences).
    pub fn per_100_sentences(&self, count: usize) -> f64 {
        crate::text::per_100(count, self.sentence_lengths.len())
    }

    /// Function-word frequencies per 1,000 words, in [`FUNCTION_WORDS`] order.
    pub fn function_word_rates(&self) -> Vec<f64> {
        let words = self.words.max(1) as f64;
        self.function_words
            .iter()
            .map(|&count| 1000.0 * count as f64 / words)
            .collect()
    }
}

/// Length of the character n-grams of a profile's `char_ngrams` (see
/// [`char_ngrams`]); `char_4grams` keeps [`NGRAM4`]-grams.
pub const NGRAM: usize = 3;

/// Length of the character n-grams of a profile's `char_4grams`.
pub const NGRAM4: usize = 4;

/// Character n-grams with their counts (rustc's Fx hash: counting the
/// n-grams of a profile's posts is most of the cost of `voice learn`, and
/// the keys cannot make a count wrong, only slower).
pub type NgramCounts<const N: usize = NGRAM> = rustc_hash::FxHashMap<[char; N], usize>;

/// Character [`NGRAM`]-grams of a document's prose; see [`char_ngrams_of`].
pub fn char_ngrams(document: &Document) -> (NgramCounts, usize) {
    char_ngrams_of::<NGRAM>(document)
}

/// Character `N`-grams of a document's prose (the blocks
/// [`counts_as_prose`] accepts), counted. The text is lowercased, curly
/// apostrophes straightened, every digit read as `0` (so "1.50.0" and
/// "1.62.0" look alike), runs of whitespace read as one space, and the
/// placeholder of inline code or links as a space; each block is read with
/// a space either side. Returns the counts and the total number of n-grams.
/// Kept apart from [`TextCounts`] so that `voice/drift` never pays for it.
pub fn char_ngrams_of<const N: usize>(document: &Document) -> (NgramCounts<N>, usize) {
    let mut counts = NgramCounts::<N>::default();
    let total = add_char_ngrams(document, &mut counts);
    (counts, total)
}

/// Add a document's character `N`-grams (read as [`char_ngrams_of`] reads
/// them) to `counts`; returns how many it added.
pub fn add_char_ngrams<const N: usize>(document: &Document, counts: &mut NgramCounts<N>) -> usize {
    let mut total = 0;
    let mut window = [' '; N];
    for block in document.blocks.iter().filter(|b| counts_as_prose(b)) {
        let mut filled = 0usize;
        let chars = std::iter::once(' ')
            .chain(block.text().chars())
            .chain(std::iter::once(' '));
        let mut last_space = false;
        for c in chars.flat_map(char::to_lowercase) {
            let c = match c {
                '’' => '\'',
                '\u{FFFC}' => ' ',
                c if c.is_whitespace() => ' ',
                c if c.is_ascii_digit() => '0',
                c => c,
            };
            if c == ' ' && last_space {
                continue;
            }
            last_space = c == ' ';
            window.rotate_left(1);
            window[N - 1] = c;
            filled += 1;
            if filled >= N {
                *counts.entry(window).or_default() += 1;
                total += 1;
            }
        }
    }
    total
}

pub fn mean_usize(values: &[usize]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<usize>() as f64 / values.len() as f64)
}

pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// Sample standard deviation (0 with fewer than two values).
pub fn sd(values: &[f64]) -> f64 {
    if values.len() < 2 {
        return 0.0;
    }
    let m = values.iter().sum::<f64>() / values.len() as f64;
    let var = values.iter().map(|v| (v - m) * (v - m)).sum::<f64>() / (values.len() - 1) as f64;
    var.sqrt()
}

/// The `p` quantile (0..=1) of sorted values, nearest rank.
pub fn quantile(sorted: &[usize], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::DocumentKind;

    fn counts(text: &str) -> TextCounts {
        TextCounts::of_document(&Document::parse(text, DocumentKind::Markdown))
    }

    #[test]
    fn sentence_and_paragraph_lengths_count_prose_only() {
        let text = "---\ntitle: A long title that is not prose at all\n---\n\n# Heading words here\n\nOne two three four. One two.\n\n```\nlet code = not_prose();\n```\n\nOne two three.\n";
        let c = counts(text);
        assert_eq!(c.sentence_lengths, [4, 2, 3]);
        assert_eq!(c.paragraph_lengths, [6, 3]);
        assert_eq!(c.words, 9);
    }

    #[test]
    fn contractions_persons_and_marks() {
        let c = counts(
            "We don't know. You’re right! Is it Rust's fault? I'm sure it's fine; we'll see — maybe (or not).",
        );
        // don't, You’re, I'm, it's, we'll: not the possessive Rust's.
        assert_eq!(c.contractions, 5);
        assert_eq!(c.first_person_plural, 2);
        assert_eq!(c.second_person, 1);
        assert_eq!(c.first_person_singular, 1);
        assert_eq!(c.questions, 1);
        assert_eq!(c.exclamations, 1);
        assert_eq!((c.semicolons, c.em_dashes, c.parentheses), (1, 1, 1));
    }

    #[test]
    fn spelling_variety() {
        let c =
            counts("Our organisation will prioritise colour and behaviour. The center is gray.");
        assert_eq!((c.british, c.american), (4, 2));
    }

    #[test]
    fn serial_comma_lists() {
        let c = counts("We bought apples, pears, and plums. They sold bread, milk and eggs.");
        assert_eq!((c.oxford_lists, c.plain_lists), (1, 1));
    }

    #[test]
    fn function_words_and_openers() {
        let c = counts("So the cat sat on the mat. But the dog did not.");
        let the = FUNCTION_WORDS.iter().position(|w| *w == "the").unwrap_or(0);
        assert_eq!(c.function_words[the], 3);
        assert_eq!(c.openers.get("so"), Some(&1));
        assert_eq!(c.openers.get("but"), Some(&1));
    }

    #[test]
    fn hashtags_emoji_and_sign_off() {
        let c = counts("Shipping today 🎉 #rust #release.\n\nCheers, Dana\n");
        assert_eq!(c.hashtags, 2);
        assert_eq!(c.emoji, 1);
        assert_eq!(c.sign_off.as_deref(), Some("Cheers, Dana"));
    }
}
