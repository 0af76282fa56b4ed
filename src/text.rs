//! Word-level helpers shared by the layers above the document: the rules,
//! voice profiles and Vale styles all count syllables, and the guide, the
//! rules and Vale's spelling suggest the nearest name by edit distance.
//! Pure functions of their arguments; nothing here knows a guide or a rule.

/// Levenshtein distance in characters (strsim's, which clap already
/// brings in).
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

/// [`edit_distance`] when it is at most `limit`, else `None`; for words,
/// without allocating, and it stops as soon as every alignment is over the
/// limit (a spelling suggestion compares a word with every dictionary stem).
pub fn edit_distance_within(a: &str, b: &str, limit: usize) -> Option<usize> {
    const LONGEST: usize = 32;
    let mut a_chars = ['\0'; LONGEST];
    let mut n = 0;
    for c in a.chars() {
        let Some(slot) = a_chars.get_mut(n) else {
            let distance = edit_distance(a, b);
            return (distance <= limit).then_some(distance);
        };
        *slot = c;
        n += 1;
    }
    let mut previous = [0usize; LONGEST + 1];
    let mut current = [0usize; LONGEST + 1];
    for (j, cell) in previous.iter_mut().enumerate().take(n + 1) {
        *cell = j;
    }
    for (i, bc) in b.chars().enumerate() {
        current[0] = i + 1;
        let mut row_least = current[0];
        for j in 1..=n {
            let substitute = previous[j - 1] + usize::from(a_chars[j - 1] != bc);
            current[j] = substitute.min(previous[j] + 1).min(current[j - 1] + 1);
            row_least = row_least.min(current[j]);
        }
        if row_least > limit {
            return None;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    let distance = previous[n];
    (distance <= limit).then_some(distance)
}

/// The Flesch–Kincaid grade level: 0.39 × words per sentence + 11.8 ×
/// syllables per word − 15.59; `None` without words or sentences.
pub fn grade(words: usize, sentences: usize, syllables: usize) -> Option<f64> {
    if words == 0 || sentences == 0 {
        return None;
    }
    let words = words as f64;
    Some(0.39 * words / sentences as f64 + 11.8 * syllables as f64 / words - 15.59)
}

/// `count` per 100 of `total` (0 when `total` is 0).
pub fn per_100(count: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        100.0 * count as f64 / total as f64
    }
}

/// Whether `byte` is a word character to an ASCII word boundary
/// (`(?-u:\b)`, which Vale's word lists are built with): an ASCII letter,
/// digit or underscore. Bytes of non-ASCII characters are not.
pub fn is_ascii_word_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// `each` of `text` with its ASCII letters lowercased: every byte stays
/// where it was, so offsets found in the copy hold in `text`. The copy
/// lives in a buffer each thread reuses (the literal automata run on every
/// block and sentence); a nested call gets a copy of its own.
pub fn with_ascii_lowercase<R>(text: &str, each: impl FnOnce(&str) -> R) -> R {
    thread_local! {
        static LOWER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    LOWER.with(|buffer| match buffer.try_borrow_mut() {
        Ok(mut lower) => {
            lower.clear();
            lower.push_str(text);
            lower.make_ascii_lowercase();
            each(&lower)
        }
        Err(_) => each(&text.to_ascii_lowercase()),
    })
}

/// English syllables in a word, by vowel groups with the usual corrections
/// (silent final e, "-ed"/"-es" after most consonants); at least one per
/// word. Allocation-free: it runs for every word of every paragraph.
pub fn syllables(word: &str) -> usize {
    match ascii_word(word.as_bytes()) {
        Some(facts) => facts.syllables,
        None => count_syllables(word.chars()),
    }
}

/// Byte classes for [`ascii_word`]:
/// `LETTER`, `VOWEL` for a, e, i, o, u and y in either case, `UPPER`,
/// `APOSTROPHE` and `NOT_ASCII`.
const LETTER: u8 = 1;
const VOWEL: u8 = 2;
const UPPER: u8 = 4;
const APOSTROPHE: u8 = 8;
const NOT_ASCII: u8 = 16;
static ASCII_CLASS: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        if byte.is_ascii_alphabetic() {
            table[b] = LETTER;
            if matches!(byte | 0x20, b'a' | b'e' | b'i' | b'o' | b'u' | b'y') {
                table[b] |= VOWEL;
            }
            if byte.is_ascii_uppercase() {
                table[b] |= UPPER;
            }
        } else if byte == b'\'' {
            table[b] = APOSTROPHE;
        } else if !byte.is_ascii() {
            table[b] = NOT_ASCII;
        }
        b += 1;
    }
    table
};

/// What one pass over an ASCII word finds: its syllables (as
/// [`syllables`]), and whether it has a capital or an apostrophe.
pub(crate) struct AsciiWord {
    pub syllables: usize,
    pub has_upper: bool,
    pub has_apostrophe: bool,
}

/// [`syllables`] of an ASCII word, counted on bytes by table lookup in one
/// pass, with the two facts `voice/drift` needs next; `None` when the word
/// is not ASCII. It runs for every word `voice/drift` and
/// `voice/readability` read.
#[inline]
pub(crate) fn ascii_word(word: &[u8]) -> Option<AsciiWord> {
    // The pass is a table walk: `state` is 256 after a vowel letter, else 0.
    let mut sums = 0u64;
    let mut seen = 0u64;
    let mut state = 0usize;
    for &byte in word {
        let step = STEP[state | usize::from(byte)];
        sums += step & SUMS;
        seen |= step;
        state = ((step >> AFTER_VOWEL_SHIFT) & 256) as usize;
    }
    let class = (seen >> CLASS_SHIFT) as u8;
    let letters = (sums & u64::from(u32::MAX)) as usize;
    let groups = ((sums & SUMS) >> 32) as usize;
    (class & NOT_ASCII == 0).then(|| AsciiWord {
        syllables: ascii_corrections(word, letters, groups),
        has_upper: class & UPPER != 0,
        has_apostrophe: class & APOSTROPHE != 0,
    })
}

/// [`STEP`]'s fields: a letter adds 1 to bits 0–31, a vowel after a
/// non-vowel letter (or at the start) 1 to bits 32–55 (room for 16 million
/// groups: a word longer than any file copydesk reads); bit 56 is set after
/// a vowel letter (a non-letter keeps the state); bits 57–63 hold the
/// byte's class.
const SUMS: u64 = (1 << 56) - 1;
const AFTER_VOWEL: u64 = 1 << 56;
const AFTER_VOWEL_SHIFT: u32 = 48;
const CLASS_SHIFT: u32 = 57;
static STEP: [u64; 512] = {
    let mut table = [0u64; 512];
    let mut i = 0;
    while i < 512 {
        let after_vowel = i >= 256;
        let class = ASCII_CLASS[i % 256];
        let mut step = (class as u64) << CLASS_SHIFT;
        if class & LETTER != 0 {
            step |= 1;
            if class & VOWEL != 0 {
                step |= AFTER_VOWEL;
                if !after_vowel {
                    step |= 1 << 32;
                }
            }
        } else if after_vowel {
            step |= AFTER_VOWEL;
        }
        table[i] = step;
        i += 1;
    }
    table
};

/// The count of an ASCII word from its letters and vowel groups: digits
/// alone count one, short words one, a silent final e or "-ed"/"-es" one
/// less.
fn ascii_corrections(word: &[u8], letters: usize, mut count: usize) -> usize {
    if letters == 0 {
        return usize::from(word.iter().any(u8::is_ascii_digit));
    }
    if letters <= 3 {
        return 1;
    }
    // The last three letters, lowercased, oldest first.
    let tail = if letters == word.len() {
        let n = word.len();
        [word[n - 3] | 0x20, word[n - 2] | 0x20, word[n - 1] | 0x20]
    } else {
        let mut tail = [b' '; 3];
        let mut found = 0;
        for &byte in word.iter().rev() {
            if byte.is_ascii_alphabetic() {
                tail[2 - found] = byte | 0x20;
                found += 1;
                if found == 3 {
                    break;
                }
            }
        }
        tail
    };
    let is_vowel = |b: u8| ASCII_CLASS[usize::from(b)] & VOWEL != 0;
    let [third_last, second_last, last] = tail;
    let silent_e = last == b'e' && second_last != b'l' && second_last != b'e';
    let silent_ed = (second_last == b'e' && (last == b'd' || last == b's'))
        && letters > 4
        && !is_vowel(third_last)
        && !matches!(third_last, b'd' | b't' | b's' | b'x' | b'z' | b'c' | b'g');
    if (silent_e || silent_ed) && count > 1 {
        count -= 1;
    }
    count.max(1)
}

/// Accented Latin vowels count as their plain vowel ("naïve", "café").
fn fold_vowel(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'æ' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'é',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'œ' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ý' | 'ÿ' => 'y',
        _ => c,
    }
}

fn count_syllables(chars: impl Iterator<Item = char>) -> usize {
    // An accented e stays distinct from "e" so it is never a silent final e.
    let is_vowel = |c: char| matches!(c, 'a' | 'e' | 'é' | 'i' | 'o' | 'u' | 'y');
    let mut letters = 0usize;
    let mut count = 0usize;
    let mut previous_vowel = false;
    // The last three letters, lowercased, newest last.
    let mut tail = [' '; 3];
    let mut has_digit = false;
    for c in chars {
        if !c.is_alphabetic() {
            has_digit |= c.is_ascii_digit();
            continue;
        }
        let lower = fold_vowel(if c.is_ascii() {
            c.to_ascii_lowercase()
        } else {
            c.to_lowercase().next().unwrap_or(c)
        });
        letters += 1;
        let vowel = is_vowel(lower);
        // A diaeresis marks a vowel said on its own ("naïve", "Zoë").
        let hiatus = matches!(c, 'ä' | 'ë' | 'ï' | 'ö' | 'ü' | 'ÿ');
        if vowel && (!previous_vowel || hiatus) {
            count += 1;
        }
        previous_vowel = vowel;
        tail = [tail[1], tail[2], lower];
    }
    if letters == 0 {
        return usize::from(has_digit);
    }
    if letters <= 3 {
        return 1;
    }
    let [third_last, second_last, last] = tail;
    let silent_e = last == 'e' && second_last != 'l' && second_last != 'e';
    let silent_ed = (second_last == 'e' && (last == 'd' || last == 's'))
        && letters > 4
        && !is_vowel(third_last)
        && !matches!(third_last, 'd' | 't' | 's' | 'x' | 'z' | 'c' | 'g');
    if (silent_e || silent_ed) && count > 1 {
        count -= 1;
    }
    count.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_lowercasing_keeps_offsets_and_nests() {
        let text = "Ünïcode ÉTÉ and ASCII Case";
        with_ascii_lowercase(text, |outer| {
            assert_eq!(outer, "Ünïcode ÉtÉ and ascii case");
            assert_eq!(outer.len(), text.len());
            // A call inside another (its buffer is in use) still works.
            with_ascii_lowercase("NESTED", |inner| assert_eq!(inner, "nested"));
            assert_eq!(outer, "Ünïcode ÉtÉ and ascii case");
        });
    }

    #[test]
    fn counts_syllables_plausibly() {
        for (word, expected) in [
            ("cat", 1),
            ("table", 2),
            ("readability", 5),
            ("make", 1),
            ("wanted", 2),
            ("walked", 1),
            ("organisation", 5),
            ("the", 1),
            ("2026", 1),
            ("naïve", 2),
            ("café", 2),
        ] {
            assert_eq!(syllables(word), expected, "{word}");
        }
        // The ASCII fast path agrees with the general one.
        for word in [
            "readability",
            "walked",
            "table",
            "organisation",
            "rhythm",
            "queue",
            "A1b2",
        ] {
            assert_eq!(
                ascii_word(word.as_bytes()).map(|w| w.syllables),
                Some(count_syllables(word.chars())),
                "{word}"
            );
        }
    }

    /// A word of any length: the table walk's sums do not run into each
    /// other (70,000 vowel groups, past 16 bits).
    #[test]
    fn a_very_long_word_counts_as_the_general_count() {
        let word = "ba".repeat(70_000);
        assert_eq!(
            ascii_word(word.as_bytes()).map(|w| w.syllables),
            Some(count_syllables(word.chars()))
        );
    }

    proptest::proptest! {
        #[test]
        fn edit_distance_within_agrees_with_edit_distance(
            a in "[abcé日 ]{0,8}",
            b in "[abcé日 ]{0,8}",
            limit in 0usize..4,
        ) {
            let full = edit_distance(&a, &b);
            proptest::prop_assert_eq!(
                edit_distance_within(&a, &b, limit),
                (full <= limit).then_some(full)
            );
        }

        /// The table-driven ASCII count is the general count, for any ASCII word.
        #[test]
        fn ascii_path_agrees_with_the_general_one(word in "[a-zA-Z0-9 .'-]{0,16}") {
            proptest::prop_assert_eq!(
                ascii_word(word.as_bytes()).map(|w| w.syllables),
                Some(count_syllables(word.chars()))
            );
        }

        /// Any other word, accented ones too, counts as before.
        #[test]
        fn every_word_counts_as_the_general_count(word in "[a-zé’A-Z]{0,9}") {
            proptest::prop_assert_eq!(syllables(&word), count_syllables(word.chars()));
        }
    }
}
