//! The built-in rules as the guide knows them: their metadata
//! ([`RuleMeta`], [`Category`]), the ids, categories and table keys a guide
//! may name, and each rule's default settings.
//!
//! The guide sits below the rules (rules read the guide; the guide never
//! imports them), yet reading a guide needs the list of built-in rules:
//! `[rules]` ids and table keys are checked, with line and column, while
//! the TOML is read, and the built-in guide is made of the rules' default
//! tables. That list is made above, where `build.rs` generates the registry
//! from the rule files (`rules::registry`), and handed down through
//! [`Registry`]: the guide states what it needs, and `crate::rules`
//! implements it for [`BuiltinRules`]. Everything else here is a pure
//! function of that list.

use std::sync::Arc;

use crate::finding::Severity;
use crate::fix::Fixable;
use crate::text::edit_distance;
use crate::vale::rule_set::RuleSet;

/// The built-in rules' metadata, supplied by the rule registry
/// (`crate::rules` implements it for [`BuiltinRules`]).
pub trait Registry {
    /// Every built-in rule, in listing order: by category, then by file name.
    fn rules() -> &'static [&'static RuleMeta];
}

/// The rules compiled into copydesk (see [`Registry`]).
pub struct BuiltinRules;

/// Every built-in rule's metadata, in listing order.
pub fn rules() -> &'static [&'static RuleMeta] {
    <BuiltinRules as Registry>::rules()
}

/// The metadata of the built-in rule `id`.
pub fn find_meta(id: &str) -> Option<&'static RuleMeta> {
    rules().iter().copied().find(|meta| meta.id == id)
}

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

/// Every rule's built-in settings, as guide fragments: (rule id, TOML), in
/// registry order.
pub fn default_fragments() -> impl Iterator<Item = (&'static str, &'static str)> {
    rules()
        .iter()
        .filter_map(|meta| Some((meta.id, meta.defaults?)))
}

/// The table rules of `category`: (settings key, rule).
pub fn table_keys(category: Category) -> impl Iterator<Item = (&'static str, &'static RuleMeta)> {
    rules()
        .iter()
        .copied()
        .filter(move |meta| meta.category == category)
        .filter_map(|meta| Some((meta.table?, meta)))
}

/// Whether `selector` names a rule or category a guide may configure:
/// a built-in rule id, a category, or an id of another source (`Style.Rule`
/// from Vale styles, `review/…` from model review).
pub fn is_known_selector(selector: &str) -> bool {
    Category::ALL.iter().any(|c| c.as_str() == selector)
        || find_meta(selector).is_some()
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
        || find_meta(selector).is_some()
        || selector == "review"
        || selector.starts_with("review/")
        || selector == crate::document::directives::VALE_RULES
}

/// Whether `selector` addresses a built-in rule or category, or a rule of
/// one of `sets` (Vale styles the guide loaded). A `Style.Rule` or style
/// name no loaded set knows is a typo.
pub fn is_selector_of(selector: &str, sets: &[Arc<dyn RuleSet>]) -> bool {
    is_builtin_selector(selector) || sets.iter().any(|set| set.knows(selector))
}

/// The end of an "unknown rule" error for `selector`: that no Vale styles
/// are loaded, if so, and the nearest known name ("did you mean").
pub fn unknown_selector_hint(selector: &str, sets: &[Arc<dyn RuleSet>]) -> String {
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
fn closest_selector(selector: &str, sets: &[Arc<dyn RuleSet>]) -> Option<String> {
    let external = sets.iter().flat_map(|set| {
        set.rules().iter().flat_map(|rule| {
            let style = rule.id.split('.').next().unwrap_or_default();
            [rule.id.as_str(), style]
        })
    });
    rules()
        .iter()
        .map(|meta| meta.id)
        .chain(Category::ALL.iter().map(|c| c.as_str()))
        .chain(external)
        .map(|id| (edit_distance(id, selector), id))
        .filter(|&(distance, _)| distance <= 3)
        .min()
        .map(|(_, id)| id.to_owned())
}

/// The built-in rule id nearest to a misspelt one, for "did you mean".
pub fn closest_rule_id(selector: &str) -> Option<&'static str> {
    rules()
        .iter()
        .map(|meta| meta.id)
        .chain(Category::ALL.iter().map(|c| c.as_str()))
        .map(|id| (edit_distance(id, selector), id))
        .filter(|&(distance, _)| distance <= 3)
        .min()
        .map(|(_, id)| id)
}
