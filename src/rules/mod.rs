//! Rules: pure functions from a document and a guide to findings.
//!
//! Every rule lives in its own file under a category folder and declares its
//! metadata with [`declare_rule!`], whose doc comment is the rule's
//! documentation (What it does / Why is this bad? / Example / Use instead /
//! Fix safety / Options). The same text feeds `copydesk rules <id>`, hover in
//! the editor, and the rule reference.
//!
//! Most voice and concise rules are data: a term table (see [`table`]) that
//! the [`Checker`](crate::check::Checker) compiles, together with every other
//! rule's terms, into one Aho–Corasick automaton run once per block. Rules
//! that a table cannot express implement [`Rule::check_block`] or
//! [`Rule::check_document`].
//!
//! Rules never do IO, never read the clock (the date comes in [`Context`]),
//! and never panic on any input.

pub mod concise;
pub mod english;
pub mod external;
pub mod flow;
pub mod share;
pub mod table;
pub mod voice;

// Below the rules, shared with Vale styles; kept at their old paths.
pub use crate::wording::{context, replace};

use std::ops::Range;

use crate::document::{Block, Document};
use crate::finding::{Finding, Severity};
use crate::guide::Guide;
// Defined below the rules, since Vale styles say it of their rules too.
pub use crate::fix::Fixable;
pub(crate) use crate::text::edit_distance;

/// Which category a rule belongs to; the first part of its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Category {
    Voice,
    Concise,
    Flow,
    Share,
}

impl Category {
    pub const ALL: [Category; 4] = [
        Category::Voice,
        Category::Concise,
        Category::Flow,
        Category::Share,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Voice => "voice",
            Category::Concise => "concise",
            Category::Flow => "flow",
            Category::Share => "share",
        }
    }
}

/// A rule's static description.
#[derive(Debug)]
pub struct RuleMeta {
    pub id: &'static str,
    pub category: Category,
    pub severity: Severity,
    /// Whether the rule runs under the built-in default guide. Rules that are
    /// noisy on real posts are off until a guide turns them on.
    pub enabled_by_default: bool,
    pub fixable: Fixable,
    /// Markdown documentation, from the rule's doc comment.
    pub docs: &'static str,
    /// A table rule's settings key: its term table is `[<category>] <key>`
    /// in `copydesk.toml` (`filler` → `[concise] filler`), and
    /// [`GuideFile::table`](crate::guide::GuideFile::table) reads it.
    pub table: Option<&'static str>,
    /// The rule's built-in settings (its default table), as a guide
    /// fragment merged into the built-in guide: `include_str!("<name>.toml")`
    /// next to the rule.
    pub defaults: Option<&'static str>,
}

impl RuleMeta {
    /// The rule's documentation as Markdown: its doc comment without the
    /// one leading space each line arrives with, ending in one newline.
    pub fn documentation(&self) -> String {
        let mut text = String::with_capacity(self.docs.len());
        for line in self.docs.lines() {
            text.push_str(line.strip_prefix(' ').unwrap_or(line));
            text.push('\n');
        }
        let trimmed = text.trim_end().len();
        text.truncate(trimmed);
        text.push('\n');
        text
    }

    /// The first sentence of "What it does".
    pub fn summary(&self) -> &'static str {
        let body = self
            .docs
            .split_once("## What it does")
            .map_or(self.docs, |(_, rest)| rest)
            .trim_start();
        let paragraph = body.split("\n\n").next().unwrap_or("").trim();
        let end = paragraph
            .find(". ")
            .map_or(paragraph.len(), |i| i + 1)
            .min(paragraph.len());
        &paragraph[..end]
    }

    /// The rule's name without its category (`wordy-phrase`).
    pub fn name(&self) -> &'static str {
        self.id.split_once('/').map_or(self.id, |(_, name)| name)
    }
}

/// Declare a rule's metadata; the doc comment becomes its documentation.
/// A table rule also names its settings key (`table`) and its built-in
/// table (`defaults`); a rule with other built-in settings names only
/// `defaults`.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub static META = {
///         id: "concise/wordy-phrase",
///         category: Concise,
///         severity: Warning,
///         fixable: Safe,
///         table: "wordy",
///         defaults: include_str!("wordy_phrase.toml"),
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis static $name:ident = {
            id: $id:literal,
            category: $category:ident,
            severity: $severity:ident,
            fixable: $fixable:ident $(,)?
            $(enabled_by_default: $enabled:literal $(,)?)?
            $(table: $table:literal $(,)?)?
            $(defaults: $defaults:expr $(,)?)?
        }
    ) => {
        $vis static $name: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
            id: $id,
            category: $crate::rules::Category::$category,
            severity: $crate::finding::Severity::$severity,
            enabled_by_default: $crate::declare_rule!(@enabled $($enabled)?),
            fixable: $crate::rules::Fixable::$fixable,
            docs: concat!($($doc, "\n"),*),
            table: $crate::declare_rule!(@option $($table)?),
            defaults: $crate::declare_rule!(@option $($defaults)?),
        };
    };
    (@enabled) => { true };
    (@enabled $enabled:literal) => { $enabled };
    (@option) => { None };
    (@option $value:expr) => { Some($value) };
}

/// Everything a rule may look at for one block. Rules must not look
/// anywhere else. What only the whole document decides (the post's
/// platforms, sponsorship and author) is not here but in
/// [`DocumentContext`], which only `check_document` receives: per-block
/// findings are cached by block text and guide, and the type keeps them
/// from depending on anything else.
pub struct Context<'a> {
    pub document: &'a Document,
    pub guide: &'a Guide,
    /// Today's date as (year, month, day), for embargoes. Passed in so that
    /// rules stay pure and tests can pin it.
    pub today: (i32, u32, u32),
    /// Vale's `--minAlertLevel` (see [`crate::check::CheckOptions`]).
    pub vale_min_alert_level: Option<crate::vale::Level>,
}

impl<'a> Context<'a> {
    /// What a rule set loaded at run time (Vale styles) sees of it.
    pub fn for_rule_sets(&self) -> external::SetContext<'a> {
        external::SetContext {
            document: self.document,
            vale_min_alert_level: self.vale_min_alert_level,
        }
    }
}

/// A [`Context`] and what is resolved once per document, for
/// `check_document`. Dereferences to the [`Context`].
pub struct DocumentContext<'a> {
    pub base: Context<'a>,
    /// The post's platforms, sponsorship and author, resolved once per
    /// document (front matter, then the caller's options, then the guide).
    pub post: share::post::PostMeta,
}

impl<'a> std::ops::Deref for DocumentContext<'a> {
    type Target = Context<'a>;

    fn deref(&self) -> &Context<'a> {
        &self.base
    }
}

/// A phrase a rule asks the shared term matcher to find.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub phrase: String,
    pub case_sensitive: bool,
    /// The rule's own index for the table row this phrase came from.
    pub entry: usize,
}

/// A term found in a block's prose, at whole-word boundaries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TermMatch {
    /// The matched range in the block's prose text.
    pub prose: Range<usize>,
    /// The [`Term::entry`] of the matched term.
    pub entry: usize,
}

pub trait Rule: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;

    /// Phrases for the shared term matcher, compiled once per guide.
    fn terms(&self) -> Vec<Term> {
        Vec::new()
    }

    /// Report on one match of [`terms`](Self::terms) in a block. Matches
    /// arrive in order and never overlap each other.
    fn on_term(&self, _cx: &Context, _block: &Block, _found: &TermMatch, _out: &mut Vec<Finding>) {}

    /// Check one block on its own. Findings must lie inside the block, and
    /// must depend on nothing but the block and the guide (so they can be
    /// cached per block).
    fn check_block(&self, _cx: &Context, _block: &Block, _out: &mut Vec<Finding>) {}

    /// Check what only the whole document shows (counts, neighbours).
    fn check_document(&self, _cx: &DocumentContext, _out: &mut Vec<Finding>) {}
}

/// How to build a rule for a guide.
pub struct RuleFactory {
    pub meta: &'static RuleMeta,
    pub build: fn(&Guide) -> Box<dyn Rule>,
}

/// Every built-in rule, in listing order: by category, then by file name.
/// Generated by `build.rs` from the files under `src/rules/<category>/`
/// that declare `pub const FACTORY`.
pub fn registry() -> &'static [RuleFactory] {
    static REGISTRY: &[RuleFactory] = include!(concat!(env!("OUT_DIR"), "/rules/registry.rs"));
    REGISTRY
}

pub fn find_rule(id: &str) -> Option<&'static RuleFactory> {
    registry().iter().find(|factory| factory.meta.id == id)
}

/// Every rule's built-in settings, as guide fragments: (rule id, TOML), in
/// registry order.
pub fn default_fragments() -> impl Iterator<Item = (&'static str, &'static str)> {
    registry()
        .iter()
        .filter_map(|factory| Some((factory.meta.id, factory.meta.defaults?)))
}

/// The table rules of `category`: (settings key, rule).
pub fn table_keys(category: Category) -> impl Iterator<Item = (&'static str, &'static RuleMeta)> {
    registry()
        .iter()
        .map(|factory| factory.meta)
        .filter(move |meta| meta.category == category)
        .filter_map(|meta| Some((meta.table?, meta)))
}

/// Whether `selector` names a rule or category a guide may configure:
/// a built-in rule id, a category, or an id of another source (`Style.Rule`
/// from Vale styles, `review/…` from model review).
pub fn is_known_selector(selector: &str) -> bool {
    Category::ALL.iter().any(|c| c.as_str() == selector)
        || find_rule(selector).is_some()
        || selector == "review"
        || selector.starts_with("review/")
        || (selector.contains('.') && !selector.contains('/'))
        || is_style_name(selector)
}

/// A bare name such as `Microsoft` or `write-good` may name a whole Vale
/// style, loaded later from the guide. A name a typo away from a category
/// (`concsie`) is taken for the typo, not a style.
fn is_style_name(selector: &str) -> bool {
    !selector.is_empty()
        && !selector.contains(['/', '.', ' '])
        && !Category::ALL
            .iter()
            .any(|c| edit_distance(c.as_str(), &selector.to_lowercase()) <= 2)
}

/// Whether `selector` is valid whatever rule sets are loaded: a built-in
/// rule id, a category, `review` or `review/…`, or `vale:*`.
pub fn is_builtin_selector(selector: &str) -> bool {
    Category::ALL.iter().any(|c| c.as_str() == selector)
        || find_rule(selector).is_some()
        || selector == "review"
        || selector.starts_with("review/")
        || selector == crate::document::directives::VALE_RULES
}

/// Whether `selector` addresses a built-in rule or category, or a rule of
/// one of `sets` (Vale styles the guide loaded). A `Style.Rule` or style
/// name no loaded set knows is a typo.
pub fn is_selector_of(selector: &str, sets: &[std::sync::Arc<dyn external::RuleSet>]) -> bool {
    is_builtin_selector(selector) || sets.iter().any(|set| set.knows(selector))
}

/// The end of an "unknown rule" error for `selector`: that no Vale styles
/// are loaded, if so, and the nearest known name ("did you mean").
pub fn unknown_selector_hint(
    selector: &str,
    sets: &[std::sync::Arc<dyn external::RuleSet>],
) -> String {
    let styles = if sets.is_empty() {
        " (no Vale styles are loaded)"
    } else {
        ""
    };
    let near = closest_selector(selector, sets)
        .map(|id| format!("; did you mean “{id}”?"))
        .unwrap_or_default();
    format!("{styles}{near}")
}

/// The rule id, category or Vale style nearest to a misspelt selector,
/// among the built-in ones and those of `sets`, for "did you mean".
fn closest_selector(
    selector: &str,
    sets: &[std::sync::Arc<dyn external::RuleSet>],
) -> Option<String> {
    let external = sets.iter().flat_map(|set| {
        set.rules().iter().flat_map(|rule| {
            let style = rule.id.split('.').next().unwrap_or_default();
            [rule.id.as_str(), style]
        })
    });
    registry()
        .iter()
        .map(|factory| factory.meta.id)
        .chain(Category::ALL.iter().map(|c| c.as_str()))
        .chain(external)
        .map(|id| (edit_distance(id, selector), id))
        .filter(|&(distance, _)| distance <= 3)
        .min()
        .map(|(_, id)| id.to_owned())
}

/// The built-in rule id nearest to a misspelt one, for "did you mean".
pub fn closest_rule_id(selector: &str) -> Option<&'static str> {
    registry()
        .iter()
        .map(|factory| factory.meta.id)
        .chain(Category::ALL.iter().map(|c| c.as_str()))
        .map(|id| (edit_distance(id, selector), id))
        .filter(|&(distance, _)| distance <= 3)
        .min()
        .map(|(_, id)| id)
}
