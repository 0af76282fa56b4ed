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
use crate::finding::Finding;
use crate::guide::Guide;
// Defined below the rules, since Vale styles say it of their rules too.
pub use crate::fix::Fixable;
// The rules' metadata and what a guide may name are the guide's to check at
// load time, so they live in `guide::catalog`; the registry below supplies
// its list (`impl Registry for BuiltinRules`).
use crate::guide::catalog::{BuiltinRules, Registry};
pub use crate::guide::catalog::{
    Category, RuleMeta, closest_rule_id, default_fragments, is_builtin_selector, is_known_selector,
    is_selector_of, table_keys, unknown_selector_hint,
};

/// Declare a rule's metadata; the doc comment becomes its documentation.
/// A table rule also names its settings key (`table`) and its built-in
/// table (`defaults`); a rule with other built-in settings names only
/// `defaults`.
///
/// A table rule that is nothing but its table also gives its
/// `table_style`: the message (`{quoted}` is the matched text, quoted),
/// the applicability of a row's single fix (`Safe`, `Unsafe` or
/// `DisplayOnly`) and, when a row's finding or fix depends on the words
/// around it, a [`table::ContextCheck`] (`context`). The macro then writes
/// the rule's `FACTORY` and `build`: the file is its doc comment, its
/// metadata and its context check, if any.
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
///         table_style: {
///             message: "Wordy phrase {quoted}",
///             single_fix: Safe,
///             context: wordy_context,
///         },
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
            $(defaults: $defaults:expr,)?
            $(table_style: {
                message: $message:literal,
                single_fix: $single_fix:ident
                $(, context: $context:path)? $(,)?
            } $(,)?)?
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
        $($crate::declare_rule!(@table_rule $name, $message, $single_fix $(, $context)?);)?
    };
    (@table_rule $meta:ident, $message:literal, $single_fix:ident) => {
        $crate::declare_rule!(@table_rule $meta, $message, $single_fix, $crate::rules::table::keep);
    };
    (@table_rule $meta:ident, $message:literal, $single_fix:ident, $context:path) => {
        pub const FACTORY: $crate::rules::RuleFactory = $crate::rules::RuleFactory { meta: &$meta, build };

        fn build(guide: &$crate::guide::Guide) -> Box<dyn $crate::rules::Rule> {
            $crate::rules::table::TableRule::boxed_with_context(
                &$meta,
                guide.config.table(&$meta),
                $crate::rules::table::TableStyle {
                    message: |quoted| format!($message, quoted = quoted),
                    single_fix: $crate::fix::Applicability::$single_fix,
                },
                $context,
            )
        }
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
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub document: &'a Document,
    pub guide: &'a Guide,
    /// Today's date as (year, month, day), for embargoes. Passed in so that
    /// rules stay pure and tests can pin it.
    pub today: (i32, u32, u32),
    /// Vale's `--minAlertLevel` (see [`crate::check::CheckOptions`]).
    pub vale_min_alert_level: Option<crate::vale::Level>,
    /// When this check of the document began: Vale styles from a
    /// repository share one time budget per check (see
    /// [`crate::vale::document_budget`]). Passed in, like the date.
    pub started: std::time::Instant,
}

impl<'a> Context<'a> {
    /// What a rule set loaded at run time (Vale styles) sees of it.
    pub fn for_rule_sets(&self) -> external::SetContext<'a> {
        external::SetContext {
            document: self.document,
            vale_min_alert_level: self.vale_min_alert_level,
            deadline: self.started + crate::vale::document_budget(),
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

/// The registry's metadata, handed to the guide (see `guide::catalog`).
impl Registry for BuiltinRules {
    fn rules() -> &'static [&'static RuleMeta] {
        static METAS: std::sync::LazyLock<Vec<&'static RuleMeta>> =
            std::sync::LazyLock::new(|| registry().iter().map(|factory| factory.meta).collect());
        &METAS
    }
}

pub fn find_rule(id: &str) -> Option<&'static RuleFactory> {
    registry().iter().find(|factory| factory.meta.id == id)
}
