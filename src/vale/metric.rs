//! `metric` formulas: arithmetic over the document's counts, and the
//! condition that triggers the rule.
//!
//! Variables (Vale's): `words`, `sentences`, `syllables`, `characters`,
//! `complex_words`, `long_words`, `polysyllabic_words`, `paragraphs`,
//! `list`, `pre`, `blockquote`, `heading.h1`…`heading.h6` (also written
//! `heading_h1`). Operators: `+ - * /`, parentheses, `math.sqrt`,
//! `math.abs`, `math.pow`, `math.min`, `math.max`.

use std::collections::HashMap;

use crate::document::{Block, BlockKind, Document};
use crate::text::syllables;

#[derive(Debug, Clone, PartialEq)]
pub enum Formula {
    Number(f64),
    Variable(String),
    Negate(Box<Formula>),
    Binary(Box<Formula>, char, Box<Formula>),
    Call(String, Vec<Formula>),
}

impl Formula {
    pub fn parse(text: &str) -> Result<Formula, String> {
        let tokens = tokenize(text)?;
        let mut parser = FormulaParser { tokens, at: 0 };
        let formula = parser.sum()?;
        if parser.at != parser.tokens.len() {
            return Err(format!(
                "unexpected “{}” in formula “{}”",
                parser.tokens[parser.at],
                text.trim()
            ));
        }
        formula.check_names()?;
        Ok(formula)
    }

    fn check_names(&self) -> Result<(), String> {
        match self {
            Formula::Number(_) => Ok(()),
            Formula::Variable(name) => {
                if VARIABLES.contains(&name.as_str()) {
                    Ok(())
                } else {
                    Err(format!(
                        "unknown variable “{name}” in formula (expected one of {})",
                        VARIABLES.join(", ")
                    ))
                }
            }
            Formula::Negate(inner) => inner.check_names(),
            Formula::Binary(a, _, b) => {
                a.check_names()?;
                b.check_names()
            }
            Formula::Call(name, args) => {
                let arity = match name.as_str() {
                    "math.sqrt" | "math.abs" => 1,
                    "math.pow" | "math.min" | "math.max" => 2,
                    _ => return Err(format!("unknown function “{name}” in formula")),
                };
                if args.len() != arity {
                    return Err(format!("“{name}” takes {arity} argument(s)"));
                }
                args.iter().try_for_each(Formula::check_names)
            }
        }
    }

    pub fn eval(&self, variables: &HashMap<&str, f64>) -> f64 {
        match self {
            Formula::Number(n) => *n,
            Formula::Variable(name) => variables.get(name.as_str()).copied().unwrap_or(0.0),
            Formula::Negate(inner) => -inner.eval(variables),
            Formula::Binary(a, op, b) => {
                let (a, b) = (a.eval(variables), b.eval(variables));
                match op {
                    '+' => a + b,
                    '-' => a - b,
                    '*' => a * b,
                    _ => a / b,
                }
            }
            Formula::Call(name, args) => {
                let values: Vec<f64> = args.iter().map(|a| a.eval(variables)).collect();
                match (name.as_str(), values.as_slice()) {
                    ("math.sqrt", [x]) => x.sqrt(),
                    ("math.abs", [x]) => x.abs(),
                    ("math.pow", [x, y]) => x.powf(*y),
                    ("math.min", [x, y]) => x.min(*y),
                    ("math.max", [x, y]) => x.max(*y),
                    _ => f64::NAN,
                }
            }
        }
    }
}

const VARIABLES: &[&str] = &[
    "words",
    "sentences",
    "syllables",
    "characters",
    "complex_words",
    "long_words",
    "polysyllabic_words",
    "paragraphs",
    "list",
    "pre",
    "blockquote",
    "heading_h1",
    "heading_h2",
    "heading_h3",
    "heading_h4",
    "heading_h5",
    "heading_h6",
];

fn tokenize(text: &str) -> Result<Vec<String>, String> {
    let mut tokens = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || c == '.' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            tokens.push(chars[start..i].iter().collect());
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                i += 1;
            }
            let name: String = chars[start..i].iter().collect();
            tokens.push(name.replace("heading.", "heading_"));
        } else if "+-*/(),".contains(c) {
            tokens.push(c.to_string());
            i += 1;
        } else {
            return Err(format!("unexpected “{c}” in formula “{}”", text.trim()));
        }
    }
    Ok(tokens)
}

struct FormulaParser {
    tokens: Vec<String>,
    at: usize,
}

impl FormulaParser {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.at).map(String::as_str)
    }

    fn sum(&mut self) -> Result<Formula, String> {
        let mut left = self.product()?;
        while let Some(op @ ("+" | "-")) = self.peek() {
            let op = op.chars().next().unwrap_or('+');
            self.at += 1;
            left = Formula::Binary(Box::new(left), op, Box::new(self.product()?));
        }
        Ok(left)
    }

    fn product(&mut self) -> Result<Formula, String> {
        let mut left = self.unary()?;
        while let Some(op @ ("*" | "/")) = self.peek() {
            let op = op.chars().next().unwrap_or('*');
            self.at += 1;
            left = Formula::Binary(Box::new(left), op, Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Formula, String> {
        if self.peek() == Some("-") {
            self.at += 1;
            return Ok(Formula::Negate(Box::new(self.unary()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Formula, String> {
        let Some(token) = self.tokens.get(self.at).cloned() else {
            return Err("the formula ends too early".to_owned());
        };
        self.at += 1;
        if token == "(" {
            let inner = self.sum()?;
            self.expect(")")?;
            return Ok(inner);
        }
        if let Ok(number) = token.parse::<f64>() {
            return Ok(Formula::Number(number));
        }
        if token
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
        {
            if self.peek() == Some("(") {
                self.at += 1;
                let mut args = Vec::new();
                if self.peek() != Some(")") {
                    args.push(self.sum()?);
                    while self.peek() == Some(",") {
                        self.at += 1;
                        args.push(self.sum()?);
                    }
                }
                self.expect(")")?;
                return Ok(Formula::Call(token, args));
            }
            return Ok(Formula::Variable(token));
        }
        Err(format!("unexpected “{token}” in formula"))
    }

    fn expect(&mut self, token: &str) -> Result<(), String> {
        if self.peek() == Some(token) {
            self.at += 1;
            Ok(())
        } else {
            Err(format!("expected “{token}” in formula"))
        }
    }
}

/// `condition`: a comparison with a number, such as `> 8`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    op: String,
    value: f64,
}

impl Condition {
    pub fn parse(text: &str) -> Result<Condition, String> {
        let text = text.trim();
        for op in [">=", "<=", "==", "!=", ">", "<"] {
            if let Some(rest) = text.strip_prefix(op) {
                let value = rest
                    .trim()
                    .parse::<f64>()
                    .map_err(|_| format!("condition “{text}” must compare with a number"))?;
                return Ok(Condition {
                    op: op.to_owned(),
                    value,
                });
            }
        }
        Err(format!(
            "condition “{text}” must start with one of >, <, >=, <=, =="
        ))
    }

    pub fn holds(&self, result: f64) -> bool {
        match self.op.as_str() {
            ">" => result > self.value,
            "<" => result < self.value,
            ">=" => result >= self.value,
            "<=" => result <= self.value,
            "==" => (result - self.value).abs() < 1e-9,
            _ => (result - self.value).abs() >= 1e-9,
        }
    }
}

/// The counts a formula may use, over the document's body text (Vale's
/// `summary`: paragraphs and list items), plus structural counts.
pub fn document_variables(document: &Document) -> HashMap<&'static str, f64> {
    let mut counts: HashMap<&'static str, f64> = VARIABLES.iter().map(|v| (*v, 0.0)).collect();
    let mut add = |key: &'static str, n: usize| {
        if let Some(value) = counts.get_mut(key) {
            *value += n as f64;
        }
    };
    let mut previous: Option<&Block> = None;
    for block in &document.blocks {
        match block.kind {
            BlockKind::Heading(level) => {
                const NAMES: [&str; 6] = [
                    "heading_h1",
                    "heading_h2",
                    "heading_h3",
                    "heading_h4",
                    "heading_h5",
                    "heading_h6",
                ];
                add(NAMES[usize::from(level.clamp(1, 6)) - 1], 1);
            }
            BlockKind::Paragraph => add("paragraphs", 1),
            BlockKind::ListItem => {
                if previous.is_none_or(|p| p.kind != BlockKind::ListItem) {
                    add("list", 1);
                }
            }
            BlockKind::TableCell => {}
        }
        if block.in_quote && previous.is_none_or(|p| !p.in_quote) {
            add("blockquote", 1);
        }
        previous = Some(block);
    }
    // The words' counts (syllables above all) are most of the work, and
    // a sum of integers: counted block by block on every core. This runs
    // in the document pass, after the blocks' pass, when the cores are
    // free.
    let summary = |block: &&Block| super::scope::is_summary_block(block);
    let words = if document.blocks.len() >= crate::document::PARALLEL_BLOCKS {
        use rayon::prelude::*;
        document
            .blocks
            .par_iter()
            .filter(summary)
            .map(WordCounts::of)
            .reduce(WordCounts::default, WordCounts::add)
    } else {
        document
            .blocks
            .iter()
            .filter(summary)
            .map(WordCounts::of)
            .fold(WordCounts::default(), WordCounts::add)
    };
    add("sentences", words.sentences);
    // Counted in integers, added once: the same sums, without a map
    // look-up per word.
    add("words", words.words);
    add("characters", words.characters);
    add("syllables", words.syllables);
    add("long_words", words.long_words);
    add("polysyllabic_words", words.polysyllabic_words);
    add("complex_words", words.complex_words);
    add("pre", fenced_blocks(document));
    counts
}

/// What [`document_variables`] counts in the words of summary blocks.
#[derive(Default)]
struct WordCounts {
    sentences: usize,
    words: usize,
    characters: usize,
    syllables: usize,
    long_words: usize,
    polysyllabic_words: usize,
    complex_words: usize,
}

impl WordCounts {
    fn of(block: &Block) -> WordCounts {
        let prose = block.text();
        let mut counts = WordCounts {
            sentences: block.sentences.len(),
            ..WordCounts::default()
        };
        for word in &block.words {
            let word = &prose[word.clone()];
            // Most words are ASCII: counted on bytes, which is the same
            // count as by characters.
            let letters = if word.is_ascii() {
                word.bytes().filter(u8::is_ascii_alphanumeric).count()
            } else {
                word.chars().filter(|c| c.is_alphanumeric()).count()
            };
            let syllables = syllables(word);
            counts.words += 1;
            counts.characters += letters;
            counts.syllables += syllables;
            if letters > 6 {
                counts.long_words += 1;
            }
            if syllables > 2 {
                counts.polysyllabic_words += 1;
                if is_complex(word) {
                    counts.complex_words += 1;
                }
            }
        }
        counts
    }

    fn add(self, other: WordCounts) -> WordCounts {
        WordCounts {
            sentences: self.sentences + other.sentences,
            words: self.words + other.words,
            characters: self.characters + other.characters,
            syllables: self.syllables + other.syllables,
            long_words: self.long_words + other.long_words,
            polysyllabic_words: self.polysyllabic_words + other.polysyllabic_words,
            complex_words: self.complex_words + other.complex_words,
        }
    }
}

/// A polysyllabic word that is not a name, not hyphenated, and still has
/// three syllables without a common suffix.
fn is_complex(word: &str) -> bool {
    if word.contains('-') || word.chars().next().is_some_and(char::is_uppercase) {
        return false;
    }
    // ASCII case changes no syllable count (see `text::syllables`): an
    // ASCII word is read as it is, with its suffix matched in any case,
    // and only another is lowercased first.
    let lowered;
    let word = if word.is_ascii() {
        word
    } else {
        lowered = word.to_lowercase();
        lowered.as_str()
    };
    let stem = ["ing", "ed", "es"]
        .iter()
        .find_map(|suffix| {
            let at = word.len().checked_sub(suffix.len())?;
            word.as_bytes()[at..]
                .eq_ignore_ascii_case(suffix.as_bytes())
                .then(|| &word[..at])
        })
        .unwrap_or(word);
    syllables(stem) > 2
}

/// Fenced code blocks in a Markdown document (Vale's `pre` count).
fn fenced_blocks(document: &Document) -> usize {
    if !document.kind().is_markdown() {
        return 0;
    }
    let mut open = false;
    let mut count = 0;
    for line in document.text().lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            if !open {
                count += 1;
            }
            open = !open;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complex_words_are_found_the_same_without_lowercasing() {
        // The reference: lowercase, strip one common suffix, count.
        let reference = |word: &str| {
            if word.contains('-') || word.starts_with(char::is_uppercase) {
                return false;
            }
            let lower = word.to_lowercase();
            let stem = ["ing", "ed", "es"]
                .iter()
                .find_map(|suffix| lower.strip_suffix(suffix))
                .unwrap_or(&lower);
            syllables(stem) > 2
        };
        // Mixed case, each suffix, words that are nothing but a suffix,
        // and words that are not ASCII.
        for word in [
            "organization",
            "ORGANIZATIONS",
            "calculating",
            "calculatING",
            "celebrated",
            "celebratED",
            "opERATES",
            "interestING",
            "beautiful",
            "ing",
            "ed",
            "es",
            "s",
            "",
            "mississippi's",
            "re-evaluate",
            "décolletage",
            "réINVENTING",
            "ÉTÉ",
        ] {
            assert_eq!(is_complex(word), reference(word), "{word:?}");
        }
    }

    #[test]
    fn formulas_evaluate_with_variables() {
        let formula =
            Formula::parse("1.0430 * math.sqrt((polysyllabic_words * 30.0) / sentences) + 3.1291")
                .unwrap();
        let variables: HashMap<&str, f64> = [("polysyllabic_words", 10.0), ("sentences", 30.0)]
            .into_iter()
            .collect();
        let value = formula.eval(&variables);
        assert!(
            (value - (1.0430 * 10f64.sqrt() + 3.1291)).abs() < 1e-9,
            "{value}"
        );
        let headings = Formula::parse("heading.h1 + -2").unwrap();
        let variables: HashMap<&str, f64> = [("heading_h1", 3.0)].into_iter().collect();
        assert_eq!(headings.eval(&variables), 1.0);
    }

    #[test]
    fn bad_formulas_and_conditions_are_errors() {
        assert!(Formula::parse("words / sentencez").is_err());
        assert!(Formula::parse("(words").is_err());
        assert!(Condition::parse("about 8").is_err());
        let condition = Condition::parse("> 8.0").unwrap();
        assert!(condition.holds(8.5));
        assert!(!condition.holds(8.0));
    }
}
