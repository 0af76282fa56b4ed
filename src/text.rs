//! Word-level helpers shared by the layers above the document: the rules,
//! voice profiles and Vale styles all count syllables, and the guide, the
//! rules and Vale's spelling suggest the nearest name by edit distance.
//! Pure functions of their arguments; nothing here knows a guide or a rule.

/// Levenshtein distance in characters (strsim's, which clap already
/// brings in).
pub fn edit_distance(a: &str, b: &str) -> usize {
    strsim::levenshtein(a, b)
}

/// English syllables in a word, by vowel groups with the usual corrections
/// (silent final e, "-ed"/"-es" after most consonants); at least one per
/// word. Allocation-free: it runs for every word of every paragraph.
pub fn syllables(word: &str) -> usize {
    if word.is_ascii() {
        count_ascii_syllables(word.as_bytes())
    } else {
        count_syllables(word.chars())
    }
}

/// The same count as [`count_syllables`], for ASCII words, on bytes.
fn count_ascii_syllables(word: &[u8]) -> usize {
    let is_vowel = |b: u8| matches!(b | 0x20, b'a' | b'e' | b'i' | b'o' | b'u' | b'y');
    let mut letters = 0usize;
    let mut count = 0usize;
    let mut previous_vowel = false;
    for &byte in word {
        if byte.is_ascii_alphabetic() {
            letters += 1;
            let vowel = is_vowel(byte);
            count += usize::from(vowel && !previous_vowel);
            previous_vowel = vowel;
        }
    }
    if letters == 0 {
        return usize::from(word.iter().any(u8::is_ascii_digit));
    }
    if letters <= 3 {
        return 1;
    }
    // The last three letters, lowercased, oldest first.
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
                count_ascii_syllables(word.as_bytes()),
                count_syllables(word.chars()),
                "{word}"
            );
        }
    }
}
