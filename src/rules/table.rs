//! Term-table rules: a table of rows (phrases to find, what to use instead,
//! why) drives matching, the message, and case-kept fixes.
//!
//! One replacement gives one fix of the rule's chosen applicability; several
//! give display-only candidates (none is applied automatically); none gives
//! a finding without a fix.
//!
//! A replacement may contain the phrase it replaces (`use = "GitHub
//! Actions"`, `instead_of = ["Actions"]`). Text that already reads as a
//! replacement around the match is what the guide asks for, so it is not a
//! finding; that is also what keeps a fix from matching its own output.

use std::ops::Range;

use crate::document::Block;
use crate::finding::{Finding, quote};
use crate::fix::{Applicability, Fix};
use crate::guide::{AvoidTerms, PreferredTerm, TermEntry};

use super::replace::replacement_fix;
use super::{Context, Rule, RuleMeta, Term, TermMatch};

/// One row of a term table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    pub phrases: Vec<String>,
    pub replacements: Vec<String>,
    pub why: Option<String>,
    pub case_sensitive: bool,
}

impl TableRow {
    pub fn from_entry(entry: &TermEntry) -> TableRow {
        TableRow {
            phrases: entry.find.as_slice().to_vec(),
            replacements: entry.replace_with.as_slice().to_vec(),
            why: entry.why.clone(),
            case_sensitive: entry.case_sensitive,
        }
    }

    pub fn from_preferred(term: &PreferredTerm) -> TableRow {
        TableRow {
            phrases: term.instead_of.clone(),
            replacements: vec![term.preferred.clone()],
            why: term.why.clone(),
            case_sensitive: term.case_sensitive,
        }
    }

    pub fn from_avoid(avoid: &AvoidTerms) -> TableRow {
        TableRow {
            phrases: avoid.terms.clone(),
            replacements: Vec::new(),
            why: avoid.why.clone(),
            case_sensitive: avoid.case_sensitive,
        }
    }
}

/// Every phrase of every row, for the shared term matcher; a match's
/// `entry` is the row's index.
pub fn table_terms(rows: &[TableRow]) -> Vec<Term> {
    rows.iter()
        .enumerate()
        .flat_map(|(entry, row)| {
            row.phrases.iter().map(move |phrase| Term {
                phrase: phrase.clone(),
                case_sensitive: row.case_sensitive,
                entry,
            })
        })
        .collect()
}

/// How a table rule words its findings and how safe its single fixes are.
pub struct TableStyle {
    /// The message for a match; gets the quoted matched text.
    pub message: fn(&str) -> String,
    /// Applicability of the fix when a row has exactly one replacement.
    pub single_fix: Applicability,
}

/// What the words around a match say about it, for rows whose fix (or whose
/// very finding) depends on what comes before or after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The table's replacement fits here as it is.
    Keep,
    /// Not the phrase the row means ("quite a few" is no hedge): no finding.
    Skip,
    /// The finding stands; its single fix may be at most this applicable.
    AtMost(Applicability),
    /// The finding stands, and this replacement fits the context instead
    /// ("a large number of their" → "many of their").
    Replace(String),
}

/// Judges one match: the block, the matched prose range and the row's single
/// replacement ("" for a removal; `None` when the row has none or several).
pub type ContextCheck = fn(&Block, &Range<usize>, Option<&str>) -> Verdict;

/// The [`ContextCheck`] of a table rule whose rows mean the same wherever
/// they match.
pub fn keep(_: &Block, _: &Range<usize>, _: Option<&str>) -> Verdict {
    Verdict::Keep
}

pub struct TableRule {
    meta: &'static RuleMeta,
    rows: Vec<TableRow>,
    style: TableStyle,
    context: ContextCheck,
}

impl TableRule {
    pub fn new(meta: &'static RuleMeta, rows: Vec<TableRow>, style: TableStyle) -> TableRule {
        TableRule {
            meta,
            rows,
            style,
            context: keep,
        }
    }

    pub fn boxed(
        meta: &'static RuleMeta,
        entries: &[TermEntry],
        style: TableStyle,
    ) -> Box<dyn Rule> {
        TableRule::boxed_with_context(meta, entries, style, keep)
    }

    /// A table rule whose matches `context` judges first.
    pub fn boxed_with_context(
        meta: &'static RuleMeta,
        entries: &[TermEntry],
        style: TableStyle,
        context: ContextCheck,
    ) -> Box<dyn Rule> {
        let rows = entries.iter().map(TableRow::from_entry).collect();
        let mut rule = TableRule::new(meta, rows, style);
        rule.context = context;
        Box::new(rule)
    }
}

impl Rule for TableRule {
    fn meta(&self) -> &'static RuleMeta {
        self.meta
    }

    fn terms(&self) -> Vec<Term> {
        table_terms(&self.rows)
    }

    fn on_term(&self, cx: &Context, block: &Block, found: &TermMatch, out: &mut Vec<Finding>) {
        // Concise rules tighten the writer's own wording; a block quote is
        // someone else's words, which an editor quotes as they were.
        if block.in_quote && self.meta.category == crate::rules::Category::Concise {
            return;
        }
        let Some(row) = self.rows.get(found.entry) else {
            return;
        };
        if already_preferred(&block.prose.text, &found.prose, &row.replacements) {
            return;
        }
        let single = match row.replacements.as_slice() {
            [only] => Some(only.as_str()),
            _ => None,
        };
        let verdict = (self.context)(block, &found.prose, single);
        if verdict == Verdict::Skip {
            return;
        }
        let text = &block.prose.text[found.prose.clone()];
        let source = cx.document.text();
        let span = block.source_range(found.prose.clone());
        let mut finding = Finding::new(
            self.meta.id,
            span,
            self.meta.severity,
            (self.style.message)(&quote(text)),
        )
        .with_note(row.why.clone());
        let fixes: Vec<Fix> = match row.replacements.as_slice() {
            [] => Vec::new(),
            [only] => {
                let (replacement, applicability) = match &verdict {
                    Verdict::Replace(other) => (other.as_str(), self.style.single_fix),
                    Verdict::AtMost(cap) => (only.as_str(), self.style.single_fix.min(*cap)),
                    Verdict::Keep | Verdict::Skip => (only.as_str(), self.style.single_fix),
                };
                replacement_fix(
                    block,
                    source,
                    found.prose.clone(),
                    replacement,
                    applicability,
                )
                .into_iter()
                .collect()
            }
            several => several
                .iter()
                .filter_map(|candidate| {
                    replacement_fix(
                        block,
                        source,
                        found.prose.clone(),
                        candidate,
                        Applicability::DisplayOnly,
                    )
                })
                .collect(),
        };
        finding.fixes = fixes;
        out.push(finding);
    }
}

/// Whether the text around `range` already reads as one of `replacements`
/// (ASCII case aside): the matched phrase is part of a replacement ("Actions"
/// in "GitHub Actions") and the text holds that whole replacement there.
fn already_preferred(text: &str, range: &Range<usize>, replacements: &[String]) -> bool {
    let matched = text[range.clone()].to_ascii_lowercase();
    if matched.is_empty() {
        return false;
    }
    replacements.iter().any(|replacement| {
        let lower = replacement.to_ascii_lowercase();
        lower.match_indices(matched.as_str()).any(|(offset, _)| {
            range
                .start
                .checked_sub(offset)
                .and_then(|start| text.get(start..start + replacement.len()))
                .is_some_and(|around| around.eq_ignore_ascii_case(replacement))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_already_in_the_preferred_form_is_recognised() {
        let replacements = ["GitHub Actions".to_owned()];
        let text = "We use GitHub Actions and Actions.";
        let first = text.find("Actions").unwrap();
        assert!(already_preferred(text, &(first..first + 7), &replacements));
        let second = text.rfind("Actions").unwrap();
        assert!(!already_preferred(
            text,
            &(second..second + 7),
            &replacements
        ));
        let doubled = ["loop loop".to_owned()];
        assert!(already_preferred("a loop loop b", &(2..6), &doubled));
        assert!(already_preferred("a loop loop b", &(7..11), &doubled));
        assert!(!already_preferred("a loop b", &(2..6), &doubled));
    }
}
