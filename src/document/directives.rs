//! Inline suppression directives.
//!
//! Markdown: `<!-- copydesk-disable rule/id -->` … `<!-- copydesk-enable rule/id -->`
//! and `<!-- copydesk-disable-next-line rule/id -->`. Without ids a directive
//! applies to every rule; an id may also be a category (`concise`). Plain
//! text takes the same directives on a line of their own, with or without the
//! comment markers.

use std::ops::Range;

use super::DocumentKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DirectiveKind {
    Disable,
    Enable,
    DisableNextLine,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub kind: DirectiveKind,
    /// Rule ids or categories; empty means every rule.
    pub rules: Vec<String>,
    pub span: Range<usize>,
}

impl Directive {
    pub fn applies_to(&self, rule: &str) -> bool {
        self.rules.is_empty() || self.rules.iter().any(|id| rule_matches(id, rule))
    }
}

/// Whether a selector (`concise`, `concise/filler`) names `rule`.
pub fn rule_matches(selector: &str, rule: &str) -> bool {
    selector == rule
        || rule
            .strip_prefix(selector)
            .is_some_and(|rest| rest.starts_with('/'))
}

pub(super) fn parse(text: &str, comments: &[Range<usize>], _kind: DocumentKind) -> Vec<Directive> {
    comments
        .iter()
        .filter_map(|span| {
            let raw = text.get(span.clone())?;
            let inner = raw
                .strip_prefix("<!--")
                .and_then(|rest| rest.strip_suffix("-->"))
                .unwrap_or(raw)
                .trim();
            let mut words = inner.split_whitespace();
            let kind = match words.next()? {
                "copydesk-disable" => DirectiveKind::Disable,
                "copydesk-enable" => DirectiveKind::Enable,
                "copydesk-disable-next-line" => DirectiveKind::DisableNextLine,
                _ => return None,
            };
            let rules = words
                .flat_map(|word| word.split(','))
                .filter(|word| !word.is_empty())
                .map(str::to_owned)
                .collect();
            Some(Directive {
                kind,
                rules,
                span: span.clone(),
            })
        })
        .collect()
}
