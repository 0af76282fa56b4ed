//! Rule sets loaded at run time (Vale styles), next to the built-in rules.
//!
//! The interface lives here, below the guide (which loads sets) and the
//! rules (whose checker runs them), because Vale styles implement it and
//! Vale sits below both; `rules::external` re-exports it.
//!
//! Built-in rules have `&'static` metadata and are compiled into the binary;
//! a rule set's rules are read from files when the guide is loaded, have
//! ids of their own shape (`Style.Rule`), and are listed by the set. The
//! checker (`check::Checker`) decides, per rule, what the guide and
//! the caller say ([`RuleState`]); the set decides the rest (which of its
//! rules run for which file, at which level) and reports findings with its
//! own rule ids, which inline suppression and `[rules]` address like any
//! other id.

use std::fmt;

use super::{Filter, Level};
use crate::document::{Block, Document};
use crate::finding::{Finding, Severity};
use crate::fix::Fixable;

/// What a rule set sees of the document being checked (the checker makes
/// it from the rules' `Context`).
#[derive(Debug, Clone, Copy)]
pub struct SetContext<'a> {
    pub document: &'a Document,
    /// Vale's `--minAlertLevel`, overriding the configuration's.
    pub vale_min_alert_level: Option<Level>,
    /// When the set stops running rules on this document: all of a
    /// check's blocks and the document pass share one budget.
    pub deadline: std::time::Instant,
}

/// How long all of one style set's rules may run on one document in one
/// check: 30 s, or `COPYDESK_VALE_BUDGET_SECS`. Each rule is bounded on
/// each unit of text (backtracking steps, a script's steps), but a style
/// from a cloned repository may hold 2,000 rules; this bounds their sum.
pub fn document_budget() -> std::time::Duration {
    static BUDGET: std::sync::LazyLock<std::time::Duration> = std::sync::LazyLock::new(|| {
        std::env::var("COPYDESK_VALE_BUDGET_SECS")
            .ok()
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|secs| secs.is_finite() && *secs >= 0.0)
            .map_or(
                std::time::Duration::from_secs(30),
                std::time::Duration::from_secs_f64,
            )
    });
    *BUDGET
}

/// A rule of a rule set, for listings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalRule {
    pub id: String,
    /// The level it reports at when nothing overrides it.
    pub severity: Severity,
    /// Whether the set's own configuration turns it on (for some files).
    pub enabled: bool,
    pub fixable: Fixable,
    /// One line: what it flags.
    pub summary: String,
    /// Markdown documentation.
    pub docs: String,
    /// The file that defines it, or "built-in".
    pub source: String,
}

/// What the guide and the caller decided for one rule of a set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleState {
    /// Turned off (`[rules]` says "off", `--ignore`, or not `--select`ed).
    Off,
    /// Nothing said: the set's own configuration decides.
    Auto,
    /// Turned on by the guide or `--select`, at this severity if given.
    On(Option<Severity>),
}

pub trait RuleSet: Send + Sync + fmt::Debug {
    /// Where the set comes from, for `copydesk doctor` and logs.
    fn describe(&self) -> String;

    /// Problems found while loading that did not stop it (rules skipped),
    /// each to be shown once.
    fn warnings(&self) -> &[String];

    /// A stable hash of everything the set was loaded from, for caches.
    fn content_hash(&self) -> u64;

    /// Every rule, in a stable order; [`RuleState`] slices follow it.
    fn rules(&self) -> &[ExternalRule];

    /// The text Vale looks a rule's match up in again, for Vale's output
    /// formats (see `vale::place_as_vale`); `None` for rules not Vale's.
    fn vale_unit(&self, _rule: &str) -> Option<crate::vale::MatchedIn> {
        None
    }

    /// Whether a rule id belongs to this set.
    fn owns(&self, rule: &str) -> bool {
        self.rules().iter().any(|r| r.id == rule)
    }

    /// Whether `selector` (`Style.Rule`, or a style's name) addresses any
    /// rule of this set, including rules skipped at load time.
    fn knows(&self, selector: &str) -> bool {
        self.rules()
            .iter()
            .any(|r| crate::document::directives::rule_matches(selector, &r.id))
    }

    /// Whether rule `index` passes Vale's `--filter` expression.
    fn passes_filter(&self, _index: usize, _filter: &Filter) -> bool {
        true
    }

    /// Findings that depend on this block alone (cacheable per block).
    fn check_block(
        &self,
        cx: &SetContext,
        block: &Block,
        states: &[RuleState],
        out: &mut Vec<Finding>,
    );

    /// [`RuleSet::check_block`] for each of `blocks`, into the `outs` at
    /// the same index: the same findings, which a set may find in another
    /// order of work (rule by rule over the blocks).
    fn check_blocks(
        &self,
        cx: &SetContext,
        blocks: &[Block],
        states: &[RuleState],
        outs: &mut [Vec<Finding>],
    ) {
        for (block, out) in blocks.iter().zip(outs) {
            self.check_block(cx, block, states, out);
        }
    }

    /// Findings that need the whole document.
    fn check_document(&self, cx: &SetContext, states: &[RuleState], out: &mut Vec<Finding>);

    /// Whether a rule's findings obey Vale's inline comments
    /// (`<!-- vale off -->`); Vale's `raw` rules do not.
    fn obeys_vale_comments(&self, _rule: &str) -> bool {
        true
    }

    /// Last pass over all of a document's findings, before suppression:
    /// drop this set's findings its configuration ignores, cap counts.
    fn finish(&self, _document: &Document, _findings: &mut Vec<Finding>) {}
}
