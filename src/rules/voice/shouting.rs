use std::collections::HashSet;

use crate::declare_rule;
use crate::document::Block;
use crate::finding::{Finding, quote};
use crate::fix::{Edit, Fix};
use crate::guide::Guide;
use crate::rules::context::names_link_target;
use crate::rules::english::is_dictionary_word;
use crate::rules::replace::capitalize;
use crate::rules::{Context, Rule, RuleFactory, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags words and phrases in ALL CAPS that shout: a common English word
    /// of five or more letters (“AMAZING”) or a short word that is never an
    /// abbreviation (“FREE”, “NOW”), alone or in a run of capitals. Acronyms
    /// and initialisms are fine: those in the built-in list and the guide's
    /// `acronyms`, tokens with digits, files named in capitals (“README”,
    /// “LICENSE”), words of up to four letters (“REST API”, “SIG”), and
    /// tokens that are no English word (“DNSSEC”, “ECDSA”). Transcript
    /// speaker labels (“JANE DOE:” at the start of a paragraph or sentence),
    /// stage directions in brackets (“[LAUGHS]”), parts of constants
    /// (`MAX\_SIZE`) and link text that names its own URL
    /// (`[CHERI](https://…/cheri/)`) are not checked.
    ///
    /// Off by default: half of its findings on published posts were acronyms, product names
    /// or labels in capitals, not shouting. Turn it on with
    /// `[rules] "voice/shouting" = "warning"` or `--select voice/shouting` (see docs/precision.md).
    ///
    /// ## Why is this bad?
    /// Capitals read as shouting, are harder to read, and screen readers may
    /// spell them out letter by letter.
    ///
    /// ## Example
    /// ```markdown
    /// Registration is OPEN NOW and it is FREE.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// Registration is open now, and it is free.
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: lowercasing keeps the words but drops the emphasis the writer
    /// chose, and a name written in capitals may need its own casing. The fix
    /// never changes the case of an acronym (“AMAZING REST API” → “amazing
    /// REST API”).
    ///
    /// ## Options
    /// `[voice] acronyms = ["ACME", …]` accepts more acronyms.
    pub static META = {
        id: "voice/shouting",
        category: Voice,
        severity: Warning,
        fixable: Unsafe,
        enabled_by_default: false,
        defaults: include_str!("acronyms.toml"),
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

/// Short words that are shouted, not abbreviated, when written in capitals.
#[rustfmt::skip]
const SHOUTED_SHORT_WORDS: &[&str] = &[
    "NOW", "FREE", "NEW", "BIG", "HUGE", "BEST", "MUST", "WOW", "YES", "OMG", "STOP", "LAST",
    "SALE", "HOT", "ALL", "NOT", "NEVER", "EVER", "GET", "BUY", "WIN", "OFF", "OUT", "YOU", "OUR",
    "THE", "AND", "THIS", "JUST", "ONLY", "SAVE", "DEAL", "LIVE", "LOVE", "COOL", "EPIC", "VERY",
    "MUCH", "SO", "DO", "DONT", "CANT", "WONT", "HELP", "GOOD", "EASY", "FAST", "HERE", "WHAT",
    "WHY", "HOW", "WHO", "NO", "MORE", "NEXT", "TOP", "YOUR", "WITH", "FOR", "ARE", "IS", "WAS",
];

/// Files and markers conventionally named in capitals: "see the README".
#[rustfmt::skip]
const CAPITALISED_NAMES: &[&str] = &[
    "README", "LICENSE", "LICENCE", "CHANGELOG", "CHANGES", "CONTRIBUTING", "AUTHORS", "COPYING",
    "CODEOWNERS", "MAINTAINERS", "NOTICE", "INSTALL", "TODO", "FIXME", "XXX", "MAKEFILE",
    "DOCKERFILE", "OWNERS", "SECURITY", "HACKING", "GOVERNANCE",
];

fn build(guide: &Guide) -> Box<dyn Rule> {
    Box::new(Shouting {
        acronyms: guide.config.voice.acronyms.iter().cloned().collect(),
    })
}

struct Shouting {
    acronyms: HashSet<String>,
}

fn is_capitalised_word(word: &str) -> bool {
    if word.as_bytes().first().is_some_and(u8::is_ascii_lowercase) {
        return false; // Nearly every word: reject it at once.
    }
    let mut letters = 0;
    for c in word.chars() {
        if c.is_alphabetic() {
            if !c.is_uppercase() {
                return false;
            }
            letters += 1;
        }
    }
    letters >= 2
}

fn letter_count(word: &str) -> usize {
    word.chars().filter(|c| c.is_alphabetic()).count()
}

impl Shouting {
    /// A word in capitals that is written that way on purpose: a listed
    /// acronym (or its plural), a token with digits ("HTTP2", "G20"), a file
    /// named in capitals ("README"), a short initialism ("SIG", "REST" in
    /// "REST API") that is no common shouted word, or a capitalised token that
    /// is no English word at all ("DNSSEC", "ECDSA", "NVPTX").
    fn is_acronym(&self, word: &str) -> bool {
        self.is_name_in_capitals(word)
            || (letter_count(word) <= 4 && !SHOUTED_SHORT_WORDS.contains(&word))
    }

    /// A token that is certainly written in capitals on purpose, whatever
    /// stands around it: listed (or its plural), with digits, a file name,
    /// or no English word.
    fn is_name_in_capitals(&self, word: &str) -> bool {
        self.acronyms.contains(word)
            || word.chars().any(|c| c.is_ascii_digit())
            || word
                .strip_suffix('S')
                .is_some_and(|singular| self.acronyms.contains(singular))
            || CAPITALISED_NAMES.contains(&word)
            || !is_dictionary_word(&word.to_lowercase())
    }

    /// A word that shouts on its own: a common word of five or more letters
    /// ("AMAZING") or a short one that is never an abbreviation ("FREE").
    fn shouts(&self, word: &str) -> bool {
        !self.is_acronym(word) && (letter_count(word) >= 5 || SHOUTED_SHORT_WORDS.contains(&word))
    }

    fn report(
        &self,
        cx: &Context,
        block: &Block,
        run: &[std::ops::Range<usize>],
        out: &mut Vec<Finding>,
    ) {
        let prose = &block.prose.text;
        if !run.iter().any(|w| self.shouts(&prose[w.clone()])) {
            return;
        }
        let range = run[0].start..run[run.len() - 1].end;
        if is_speaker_label(block, range.clone())
            || is_stage_direction(prose, range.clone())
            || is_in_identifier(cx.document.text(), block.source_range(range.clone()))
            || names_link_target(block, &range)
        {
            return;
        }
        // Acronyms keep their capitals: a listed, numbered, file or
        // non-dictionary token always, and a short word when it stands next
        // to one ("AMAZING REST API" → "amazing REST API", but "OPEN NOW" →
        // "open now").
        let word = |i: usize| &prose[run[i].clone()];
        let keeps_capitals = |i: usize| {
            self.is_name_in_capitals(word(i))
                || (self.is_acronym(word(i))
                    && [i.checked_sub(1), Some(i + 1)]
                        .into_iter()
                        .flatten()
                        .filter(|&j| j < run.len())
                        .any(|j| self.is_name_in_capitals(word(j))))
        };
        let shouted: Vec<&std::ops::Range<usize>> = (0..run.len())
            .filter(|&i| !keeps_capitals(i))
            .map(|i| &run[i])
            .collect();
        let source = cx.document.text();
        let mut edits = Vec::new();
        for word in &shouted {
            let lower = prose[(*word).clone()].to_lowercase();
            let sentence_start = block.sentences.iter().any(|s| s.start == word.start);
            let replacement = if sentence_start {
                capitalize(&lower)
            } else {
                lower
            };
            match block.prose.clean_source_range((*word).clone(), source) {
                Some(source_range) => edits.push(Edit::replace(source_range, replacement)),
                None => {
                    edits.clear();
                    break;
                }
            }
        }
        let mut finding = Finding::new(
            META.id,
            block.source_range(range.clone()),
            META.severity,
            format!("All-caps {}", quote(&prose[range])),
        );
        if !edits.is_empty() {
            finding = finding.with_fix(Fix::new(
                "Write in lowercase".to_owned(),
                edits,
                crate::fix::Applicability::Unsafe,
            ));
        }
        out.push(finding);
    }
}

/// A transcript's stage direction in brackets: "[LAUGHS]".
fn is_stage_direction(prose: &str, run: std::ops::Range<usize>) -> bool {
    prose[..run.start].ends_with('[') && prose[run.end..].starts_with(']')
}

/// Capitals that are part of a constant or a placeholder rather than words:
/// `MAX_POOL_SIZE` written without code marks (or with escaped
/// underscores), `--replicas=COUNT`.
fn is_in_identifier(source: &str, run: std::ops::Range<usize>) -> bool {
    let before = source[..run.start].chars().next_back();
    let after = source[run.end..].chars().next();
    matches!(before, Some('_' | '\\' | '=' | '$')) || matches!(after, Some('_' | '\\' | '='))
}

/// A transcript's speaker label: a run of capitals that starts a paragraph,
/// a sentence or a line and ends in a colon ("ADAM SMITH: Welcome back").
fn is_speaker_label(block: &Block, run: std::ops::Range<usize>) -> bool {
    let prose = &block.prose.text;
    if !prose[run.end..].starts_with(':') {
        return false;
    }
    run.start == 0
        || block.sentences.iter().any(|s| s.start == run.start)
        || prose[..run.start]
            .trim_end_matches(' ')
            .ends_with(['\n', ':', '.', '?', '!'])
}

impl Rule for Shouting {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_block(&self, cx: &Context, block: &Block, out: &mut Vec<Finding>) {
        let prose = &block.prose.text;
        let mut run: Vec<std::ops::Range<usize>> = Vec::new();
        for word in &block.words {
            let text = &prose[word.clone()];
            let joined = run.last().is_some_and(|previous| {
                prose[previous.end..word.start]
                    .chars()
                    .all(|c| c == ' ' || c == '-' || c == '&' || c == ',')
            });
            if is_capitalised_word(text) {
                if !joined && !run.is_empty() {
                    self.report(cx, block, &run, out);
                    run.clear();
                }
                run.push(word.clone());
            } else if !run.is_empty() {
                self.report(cx, block, &run, out);
                run.clear();
            }
        }
        if !run.is_empty() {
            self.report(cx, block, &run, out);
        }
    }
}
