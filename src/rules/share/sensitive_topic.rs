use crate::declare_rule;
use crate::document::Block;
use crate::finding::Finding;
use crate::fix::Applicability;
use crate::guide::Guide;
use crate::rules::table::{TableRow, TableRule, TableStyle};
use crate::rules::{Context, Rule, RuleFactory, RuleMeta, Term, TermMatch};

declare_rule! {
    /// ## What it does
    /// Points out words and phrases about race, ethnicity, religion, creed,
    /// culture, politics and tragedies, and asks the guideline's question:
    /// could this cause pain or conflict? It is a prompt to reconsider, not
    /// a ban: the finding is information, never an error.
    ///
    /// ## Why is this bad?
    /// It is not bad in itself. But a post on these topics from someone who
    /// speaks for an organisation reaches people who live them; a line that
    /// reads as a joke, an aside or a sales hook can hurt and start a fight
    /// the author did not mean to.
    ///
    /// ## Example
    /// ```markdown
    /// Our sale is so good it's practically a religious experience.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// Our sale runs until Friday: 30% off every plan.
    /// ```
    ///
    /// ## Fix safety
    /// No fix: whether and how to speak about these topics is the writer's
    /// judgement.
    ///
    /// ## Options
    /// `[[sharing.sensitive_topics]]` rows (`find`, `why`) add to the
    /// built-in lexicon, which is curated to stay quiet on ordinary business
    /// posts (“company culture” and “a race to market” are not flagged); the
    /// top-level `allow` list trims it.
    ///
    /// Words that are also given names (“Christian”, “Jesus”, “Islam”) are
    /// not flagged when they are a person's name: capitalised and followed
    /// by a capitalised surname (“our Chief Architect, Christian Weichel”),
    /// or after a title (“Dr. Christian”).
    ///
    /// A topic named as a category is not flagged either: in a list of three
    /// or more categories (“tensions over race, religion, creed or
    /// culture”), or in advice about such topics (“avoid topics like
    /// politics and religion”). That is a guideline, not a post on them.
    ///
    /// ## When it runs
    /// On every document, social post or not.
    pub static META = {
        id: "share/sensitive-topic",
        category: Share,
        severity: Info,
        fixable: No,
        defaults: include_str!("sensitive_topic.toml"),
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

fn build(guide: &Guide) -> Box<dyn Rule> {
    let rows = guide
        .config
        .sharing
        .sensitive_topics
        .iter()
        .map(TableRow::from_entry)
        .collect();
    Box::new(SensitiveTopic {
        table: TableRule::new(
            &META,
            rows,
            TableStyle {
                message: |quoted| {
                    format!("Sensitive topic {quoted}: could this cause pain or conflict?")
                },
                single_fix: Applicability::DisplayOnly,
            },
        ),
    })
}

struct SensitiveTopic {
    table: TableRule,
}

/// Topic words that are also given names.
const GIVEN_NAMES: &[&str] = &["christian", "jesus", "islam"];

/// Capitalised words after a topic word that make it a group's name, not a
/// person's: “Christian Church”, “Jewish Museum”.
const NOT_SURNAMES: &[&str] = &[
    "Church",
    "Churches",
    "Science",
    "Scientist",
    "Scientists",
    "Democrats",
    "Democratic",
    "Democrat",
    "Union",
    "Brotherhood",
    "Community",
    "Communities",
    "Council",
    "Museum",
    "Faith",
    "Bible",
    "Scripture",
    "Scriptures",
    "Temple",
    "Nationalism",
    "Nationalist",
    "Nationalists",
    "Right",
    "Coalition",
    "Party",
    "Holidays",
    "Holiday",
    "Music",
    "Rock",
    "Values",
    "School",
    "Schools",
    "University",
    "College",
    "Era",
    "World",
    "Europe",
    "Heritage",
];

/// Titles before a name.
const TITLES: &[&str] = &[
    "Dr", "Dr.", "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Mx", "Mx.", "Prof", "Prof.", "Sir",
    "Dame",
];

/// Whether `range` of `prose` is a person's name: a capitalised given name
/// followed by a capitalised surname, or after a title.
fn is_personal_name(prose: &str, range: &std::ops::Range<usize>) -> bool {
    let written = &prose[range.clone()];
    if !GIVEN_NAMES.contains(&written.to_lowercase().as_str())
        || !written.chars().next().is_some_and(char::is_uppercase)
        || written.chars().skip(1).all(char::is_uppercase)
    {
        return false;
    }
    let after = &prose[range.end..];
    let next = after
        .strip_prefix(' ')
        .and_then(|rest| {
            rest.split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '\''))
                .next()
        })
        .unwrap_or("");
    let surname = next.chars().next().is_some_and(char::is_uppercase)
        && next.chars().skip(1).any(char::is_lowercase)
        && !NOT_SURNAMES.contains(&next);
    let before = prose[..range.start].trim_end();
    let titled = before
        .rsplit(char::is_whitespace)
        .next()
        .is_some_and(|word| TITLES.contains(&word));
    surname || titled
}

/// Nouns that name a sensitive topic as a category.
const CATEGORIES: &[&str] = &[
    "race",
    "races",
    "religion",
    "religions",
    "creed",
    "creeds",
    "culture",
    "cultures",
    "ethnicity",
    "ethnicities",
    "politics",
    "gender",
    "genders",
    "nationality",
    "sexuality",
    "caste",
    "colour",
    "color",
    "disability",
    "disabilities",
    "age",
    "belief",
    "beliefs",
    "faith",
    "origin",
    "origins",
];

/// Words that make a sentence advice about topics rather than a post on one.
const ADVICE_CUES: &[&str] = &[
    "avoid",
    "avoiding",
    "topic",
    "topics",
    "subject",
    "subjects",
    "sensitive",
    "steer",
];

/// Whether the sentence of `block` holding `found` names topics as
/// categories: three or more category nouns, or two with an advice cue.
fn names_categories(block: &Block, found: &std::ops::Range<usize>) -> bool {
    let prose = &block.prose.text;
    let Some(sentence) = block
        .sentences
        .iter()
        .find(|s| s.start <= found.start && found.end <= s.end)
    else {
        return false;
    };
    let (mut categories, mut cue) = (0, false);
    for word in &block.words {
        if word.start < sentence.start || word.end > sentence.end {
            continue;
        }
        let word = &prose[word.clone()];
        let is = |list: &[&str]| list.iter().any(|w| w.eq_ignore_ascii_case(word));
        categories += usize::from(is(CATEGORIES));
        cue |= is(ADVICE_CUES);
    }
    categories >= 3 || (categories >= 2 && cue)
}

impl Rule for SensitiveTopic {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn terms(&self) -> Vec<Term> {
        self.table.terms()
    }

    fn on_term(&self, cx: &Context, block: &Block, found: &TermMatch, out: &mut Vec<Finding>) {
        if is_personal_name(&block.prose.text, &found.prose)
            || names_categories(block, &found.prose)
        {
            return;
        }
        self.table.on_term(cx, block, found, out);
    }
}
