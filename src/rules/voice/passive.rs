use crate::declare_rule;
use crate::document::Block;
use crate::finding::{Finding, quote};
use crate::guide::Guide;
use crate::rules::context::begins_noun_phrase;
use crate::rules::{Context, Rule, RuleFactory, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags passive constructions: a form of “to be” followed by a past
    /// participle (“was written”, “are being reviewed”, “has been made”).
    /// Adjectival uses such as “we are excited”, “we are based in” or “I am
    /// used to” are not flagged.
    ///
    /// Off by default: published technical writing uses the passive about
    /// five times per 1,000 words, mostly where the actor does not matter
    /// ("the flag is stabilized in 1.70"). Turn it on with
    /// `[rules] "voice/passive" = "info"`.
    ///
    /// ## Why is this bad?
    /// The passive hides who did what. Active sentences are shorter and give
    /// credit or responsibility where it belongs. The passive is sometimes the
    /// right choice, so this rule is informational.
    ///
    /// ## Example
    /// ```markdown
    /// The report was written by our analysts.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// Our analysts wrote the report.
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: turning a sentence around needs a writer (or the
    /// model-backed Tighten).
    ///
    /// ## Options
    /// `[rules] "voice/passive" = "off"` turns it off.
    pub static META = {
        id: "voice/passive",
        category: Voice,
        severity: Info,
        fixable: No,
        enabled_by_default: false,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

fn build(_guide: &Guide) -> Box<dyn Rule> {
    Box::new(Passive)
}

struct Passive;

#[rustfmt::skip]
const BE_VERBS: &[&str] = &[
    "am", "is", "are", "was", "were", "be", "been", "being",
];

/// Words that may stand between the be-verb and the participle.
#[rustfmt::skip]
const INTERVENING: &[&str] = &[
    "not", "also", "never", "already", "often", "always", "still", "just", "now", "then", "being",
    "been", "all", "both", "usually", "sometimes", "rarely", "widely", "finally", "recently",
];

#[rustfmt::skip]
const IRREGULAR_PARTICIPLES: &[&str] = &[
    "arisen", "awoken", "beaten", "become", "begun", "bent", "bitten", "bled", "blown", "broken",
    "brought", "built", "burnt", "bought", "caught", "chosen", "cut", "dealt", "dug", "drawn",
    "dreamt", "driven", "drunk", "eaten", "fallen", "fed", "felt", "fought", "found", "forbidden",
    "forgotten", "forgiven", "frozen", "given", "ground", "grown", "hung", "heard", "hidden", "hit",
    "held", "hurt", "kept", "known", "laid", "led", "lent", "lit", "lost", "made", "meant", "met",
    "paid", "put", "read", "ridden", "rung", "risen", "said", "seen", "sought", "sold", "sent",
    "shaken", "shot", "shown", "shut", "sung", "sunk", "slain", "slid", "spoken", "spent", "spun",
    "spread", "stolen", "stuck", "stung", "struck", "sworn", "swept", "taken", "taught", "torn",
    "told", "thought", "thrown", "understood", "woken", "worn", "woven", "won", "wound", "written",
    "overseen", "undertaken", "withdrawn", "rebuilt", "rewritten", "redone", "overtaken",
    "overlooked", "mistaken", "forecast", "upheld", "withheld", "outgrown", "overthrown",
];

/// Participles that usually describe a state or a feeling, not an action
/// done to the subject: "we are excited", "we are based in Leeds".
#[rustfmt::skip]
const ADJECTIVAL: &[&str] = &[
    "excited", "thrilled", "delighted", "pleased", "honored", "honoured", "humbled", "interested",
    "based", "located", "headquartered", "situated", "tired", "bored", "worried", "concerned",
    "involved", "committed", "dedicated", "focused", "focussed", "determined", "married", "engaged",
    "supposed", "used", "qualified", "experienced", "skilled", "talented", "convinced", "satisfied",
    "surprised", "amazed", "impressed", "obsessed", "blessed", "prepared", "equipped", "scared",
    "exhausted", "overwhelmed", "motivated", "aligned", "closed", "done", "gone", "finished",
    "limited", "advanced", "sophisticated", "complicated", "detailed", "varied", "mixed", "united",
    "connected", "related", "fixed", "inspired", "energized", "energised", "disappointed",
    "frustrated", "confused", "embarrassed", "ashamed", "annoyed", "relieved", "stressed",
    "fascinated", "hooked", "invested", "entitled", "allowed", "required", "expected", "set",
    "hurt", "lost", "known", "hidden", "open", "armed", "unmatched", "unparalleled",
    "unprecedented", "unsurpassed", "sold", "gifted", "thought", "struck", "stuck", "built",
    "positioned", "poised", "geared", "designed", "meant", "tasked", "responsible", "biased",
    "accustomed", "acquainted", "attached", "devoted", "distracted", "divided", "organized",
    "organised", "pressed", "rushed", "spoiled", "spoilt", "stoked", "wired", "thrilled",
    // States rather than actions in technical prose: "is deprecated", "is
    // enabled by default", "is needed", "is called Foo", "is supported on".
    "deprecated", "needed", "enabled", "disabled", "supported", "called", "named", "titled",
    "intended", "guaranteed", "bearded", "unsupported", "outdated", "broken", "licensed",
    "excluded", "included", "contained", "complete", "completed", "untested", "stable",
];

/// A participle and a preposition after it that together describe a state:
/// "is composed of", "are tied to", "is focused on". The passive reading of
/// these is rare and no editor would turn them around.
#[rustfmt::skip]
const ADJECTIVAL_WITH: &[(&str, &[&str])] = &[
    ("to", &["related", "tied", "attached", "limited", "restricted", "opposed", "exposed",
        "subjected", "accustomed", "dedicated", "committed", "devoted", "scoped", "bound",
        "compared", "similar", "specific", "linked", "mapped", "confined", "entitled"]),
    ("of", &["composed", "made", "comprised", "aware", "convinced", "afraid", "tired"]),
    ("on", &["based", "built", "focused", "focussed", "dependent", "centered", "centred",
        "modeled", "modelled", "keen", "hooked"]),
    ("in", &["interested", "involved", "engaged", "written", "implemented", "rooted",
        "expressed", "versed", "embedded", "experienced", "located", "skilled"]),
    ("with", &["associated", "concerned", "satisfied", "pleased", "equipped", "familiar",
        "prefixed", "suffixed", "annotated", "compatible", "integrated", "shipped", "bundled",
        "filled", "packed", "covered", "crowded", "obsessed", "unfamiliar", "faced"]),
    ("about", &["concerned", "excited", "worried", "confused", "passionate", "curious"]),
    ("for", &["known", "prepared", "qualified", "suited", "designed", "intended", "optimized",
        "optimised", "responsible", "eligible", "reserved", "meant", "used", "needed"]),
    ("as", &["known", "considered", "regarded", "seen", "viewed", "classified", "marked",
        "labeled", "labelled", "described", "treated"]),
];

/// Words ending in -ed that are not participles.
#[rustfmt::skip]
const NOT_PARTICIPLES: &[&str] = &[
    "need", "bed", "red", "seed", "feed", "speed", "shed", "hundred", "sacred", "naked", "wicked",
    "rugged", "kindred", "ragged", "crooked", "beloved", "aged", "learned", "indeed", "led", "bled",
    "embed", "proceed", "succeed", "exceed", "breed", "greed", "deed", "weed", "steed",
];

/// "am", "is", "are", "was", "were", "be", "been", "being".
fn is_be_verb(word: &str) -> bool {
    (2..=5).contains(&word.len())
        && matches!(word.as_bytes()[0] | 0x20, b'a' | b'i' | b'w' | b'b')
        && is_in(BE_VERBS, word)
}

fn is_in(list: &[&str], word: &str) -> bool {
    list.iter().any(|entry| entry.eq_ignore_ascii_case(word))
}

fn is_participle(word: &str) -> bool {
    let ends_in_ed = word.len() > 4
        && word
            .get(word.len() - 2..)
            .is_some_and(|end| end.eq_ignore_ascii_case("ed"));
    if !ends_in_ed && !is_in(IRREGULAR_PARTICIPLES, word) {
        return false;
    }
    !is_in(ADJECTIVAL, word) && !is_in(NOT_PARTICIPLES, word) && !is_negated_adjective(word)
}

/// "unaffected", "unchanged", "unexpected", "undefined": un- before a
/// participle makes an adjective (nothing "unaffects" anything). Verbs that
/// begin with "un" ("understood", "undone", "unlocked" with an agent) are
/// left to the list of irregular participles or are rare in the passive.
fn is_negated_adjective(word: &str) -> bool {
    word.len() > 5
        && word.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("un"))
        && !word
            .get(..5)
            .is_some_and(|p| p.eq_ignore_ascii_case("under"))
        && !is_in(IRREGULAR_PARTICIPLES, word)
}

/// The participle describes a state because of the words after it: a
/// preposition that makes it an adjective ("is based on"), or "to" and a
/// verb ("is expected to ship", "are designed to scale").
fn is_stative_use(participle: &str, next: Option<&str>, after_next: Option<&str>) -> bool {
    let Some(next) = next else {
        return false;
    };
    if ADJECTIVAL_WITH.iter().any(|(preposition, participles)| {
        next.eq_ignore_ascii_case(preposition) && is_in(participles, participle)
    }) {
        return true;
    }
    next.eq_ignore_ascii_case("to") && after_next.is_some_and(|word| !begins_noun_phrase(word))
}

impl Rule for Passive {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_block(&self, _cx: &Context, block: &Block, out: &mut Vec<Finding>) {
        if block.is_heading() {
            return;
        }
        let prose = &block.prose.text;
        for sentence in 0..block.sentences.len() {
            let words = block.sentence_words(sentence);
            let mut index = 0;
            while index < words.len() {
                if !is_be_verb(&prose[words[index].clone()]) {
                    index += 1;
                    continue;
                }
                let mut next = index + 1;
                while next < words.len()
                    && next - index <= 3
                    && (is_in(INTERVENING, &prose[words[next].clone()])
                        || prose[words[next].clone()].ends_with("ly"))
                {
                    next += 1;
                }
                let Some(candidate) = words.get(next) else {
                    break;
                };
                let candidate_text = &prose[candidate.clone()];
                let next_word = words.get(next + 1).map(|w| &prose[w.clone()]);
                let after_next = words.get(next + 2).map(|w| &prose[w.clone()]);
                if is_participle(candidate_text)
                    && !is_stative_use(candidate_text, next_word, after_next)
                {
                    let range = words[index].start..candidate.end;
                    out.push(Finding::new(
                        META.id,
                        block.source_range(range.clone()),
                        META.severity,
                        format!("Passive voice {}", quote(&prose[range])),
                    ));
                    index = next + 1;
                } else {
                    index += 1;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn participles() {
        assert!(is_participle("written"));
        assert!(is_participle("reviewed"));
        assert!(!is_participle("excited"));
        assert!(!is_participle("hundred"));
        assert!(!is_participle("red"));
    }
}
