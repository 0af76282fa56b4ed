use crate::declare_rule;
use crate::document::Block;
use crate::fix::Applicability;
use crate::rules::context::{NOUN_PHRASE_STARTS, next_word, previous_word, starts_sentence};
use crate::rules::table::Verdict;
use std::ops::Range;

declare_rule! {
    /// ## What it does
    /// Flags phrases that say in several words what one or two say better,
    /// such as “in order to”, “due to the fact that” or “at this point in time”.
    ///
    /// ## Why is this bad?
    /// Wordy phrases slow the reader down and dilute the point. On social
    /// platforms every character counts against a limit and against attention.
    ///
    /// ## Example
    /// ```markdown
    /// We rebuilt the editor in order to ship faster.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// We rebuilt the editor to ship faster.
    /// ```
    ///
    /// ## Fix safety
    /// Safe when the table row has one replacement: it keeps the meaning, and
    /// the original's capitalisation is kept (“In order to” → “To”). Where
    /// the right replacement depends on the words around it, the fix follows
    /// them or is Unsafe: “a large number of their customers” becomes “many
    /// of their customers”; “in order to” is Safe at the start of a sentence
    /// or clause and after a pronoun, verb or adverb (“did this in order to
    /// ship”), but Unsafe after a noun, where the short form can change who
    /// does what (“thank our supporters in order to provide”); phrases such
    /// as “in many cases”, “in the vast majority of cases”, “in order for”, “at this point in time” (“now” is
    /// wrong in a past-tense story), “on an ongoing basis” (“continually”
    /// says nonstop) and “the question of whether” (“There is whether …”)
    /// are Unsafe. “Utilization” is
    /// flagged only before “of” (“resource utilization” is a metric), and
    /// “in some cases” and its kin not in a set-aside after “or,” or “and,”
    /// (“(or, in some cases, lack thereof)”), where “sometimes” reads oddly,
    /// nor “utilizing” after a prefix written apart (“under utilizing”).
    ///
    /// ## Options
    /// `[concise] wordy = [{ find = "…", use = "…" }]` adds rows; `allow`
    /// lists phrases never to flag; `[rules] "concise/wordy-phrase"` sets the level.
    pub static META = {
        id: "concise/wordy-phrase",
        category: Concise,
        severity: Info,
        fixable: Safe,
        table: "wordy",
        defaults: include_str!("wordy_phrase.toml"),
        table_style: {
            message: "Wordy phrase {quoted}",
            single_fix: Safe,
            context: wordy_context,
        },
    }
}

/// Rows whose one replacement fits most, not all, sentences.
#[rustfmt::skip]
const CONTEXT_DEPENDENT: &[&str] = &[
    "in all cases", "in many cases", "in most cases", "in some cases", "as of yet",
    "in such a way that", "in the amount of", "utilisation", "utilization", "at which point",
    "at which time", "on the basis of", "in conjunction with", "along the lines of",
    "for a period of", "in the field of", "on the part of", "in regard to", "in regards to",
    "with regard to", "with regards to", "in reference to", "with reference to", "a total of",
    "for the duration of", "in the course of", "the entirety of", "by means of", "in order for",
    // "now" is wrong in past narration ("had 9 versions at this point in time").
    "at this point in time",
    // "almost always" sits oddly inside a clause ("leave off lifetimes from
    // function signatures almost always").
    "in the vast majority of cases",
    // "continually" says nonstop; "on an ongoing basis" means from now on.
    "on an ongoing basis",
    // After "There is" or "raises" the noun is needed: "There is whether …".
    "the question of whether",
];

/// In technical prose "CPU utilization" is a metric, not a wordy "use":
/// only "utilization of …" is flagged.
const UTILIZATION: &[&str] = &["utilisation", "utilization"];

/// Prefixes sometimes written apart from the verb: "under utilizing" is
/// "underutilizing", and "under using" says something else.
const SPLIT_PREFIXES: &[&str] = &["under", "over", "re", "mis", "non", "co", "self"];

/// Rows that drop words before an infinitive ("in order to" → "to").
const PURPOSE: &[&str] = &["in order to", "so as to", "in an effort to"];

/// Words after which "in order to" can only mean purpose, so dropping
/// "in order" keeps the meaning: pronoun objects ("did this in order to"),
/// particles and adverbs ("worked hard in order to"). After a noun
/// ("thank our supporters in order to provide") the short form could read
/// as the noun's own infinitive.
#[rustfmt::skip]
const CLEAR_BEFORE_PURPOSE: &[&str] = &[
    "it", "this", "that", "them", "us", "him", "her", "me", "you", "everything", "something",
    "anything", "nothing", "so", "together", "here", "there", "now", "first", "again", "hard",
    "fast", "well", "early", "late", "more", "less", "back", "up", "down", "out", "away", "off",
    "on", "in", "over", "through",
];

/// "In some cases" and its kin, whose adverb ("sometimes") fits a clause but
/// not a set-aside that qualifies an alternative noun: "(or, in some
/// cases, lack thereof)" does not become "(or, sometimes, lack thereof)".
const HOW_OFTEN: &[&str] = &[
    "in all cases",
    "in many cases",
    "in most cases",
    "in some cases",
];

/// Whether the phrase opens a set-aside right after "or," or "and,".
fn after_coordinator_comma(block: &Block, found: &Range<usize>) -> bool {
    let before = block.prose.text[..found.start].trim_end();
    let Some(before) = before.strip_suffix(',') else {
        return false;
    };
    let word = before
        .rsplit(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default();
    word.eq_ignore_ascii_case("or") || word.eq_ignore_ascii_case("and")
}

/// Quantities that need "of" before a determiner: "many of their users".
const QUANTIFIERS: &[&str] = &["many", "much", "a few", "enough"];

fn wordy_context(block: &Block, found: &Range<usize>, replacement: Option<&str>) -> Verdict {
    let phrase = block.prose.text[found.clone()].to_lowercase();
    let phrase = phrase.split_whitespace().collect::<Vec<_>>().join(" ");
    let next = next_word(block, found);
    if let Some(replacement) = replacement
        && phrase.ends_with(" of")
        && QUANTIFIERS.contains(&replacement)
        && next.is_some_and(|word| {
            NOUN_PHRASE_STARTS
                .iter()
                .any(|d| d.eq_ignore_ascii_case(word))
        })
    {
        return Verdict::Replace(format!("{replacement} of"));
    }
    if UTILIZATION.contains(&phrase.as_str())
        && !next.is_some_and(|word| word.eq_ignore_ascii_case("of"))
    {
        return Verdict::Skip;
    }
    if phrase.starts_with("utili")
        && previous_word(block, found).is_some_and(|word| {
            SPLIT_PREFIXES
                .iter()
                .any(|prefix| prefix.eq_ignore_ascii_case(word))
        })
    {
        return Verdict::Skip;
    }
    if HOW_OFTEN.contains(&phrase.as_str()) && after_coordinator_comma(block, found) {
        return Verdict::Skip;
    }
    if PURPOSE.contains(&phrase.as_str()) {
        let prose = &block.prose.text;
        let after_comma = prose[..found.start]
            .trim_end()
            .ends_with([',', ';', ':', '—']);
        let after_object_or_verb = previous_word(block, found).is_some_and(|word| {
            let lower = word.to_lowercase();
            CLEAR_BEFORE_PURPOSE.contains(&lower.as_str())
                || lower.ends_with("ly")
                || lower.ends_with("ed")
        });
        if !starts_sentence(block, found) && !after_comma && !after_object_or_verb {
            return Verdict::AtMost(Applicability::Unsafe);
        }
    }
    if CONTEXT_DEPENDENT.contains(&phrase.as_str()) {
        return Verdict::AtMost(Applicability::Unsafe);
    }
    Verdict::Keep
}
