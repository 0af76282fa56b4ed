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
    /// A Vale comment (`<!-- vale off -->`), not a copydesk directive.
    pub vale: bool,
}

impl Directive {
    pub fn applies_to(&self, rule: &str) -> bool {
        self.rules.is_empty() || self.rules.iter().any(|id| rule_matches(id, rule))
    }
}

/// The selector a `<!-- vale off -->` comment stands for: every rule loaded
/// from Vale styles (ids shaped `Style.Rule`), and no built-in rule.
pub const VALE_RULES: &str = "vale:*";

/// Whether a selector (`concise`, `concise/filler`, a Vale style
/// `Microsoft` or rule `Microsoft.Contractions`) names `rule`.
pub fn rule_matches(selector: &str, rule: &str) -> bool {
    selector == rule
        || rule
            .strip_prefix(selector)
            .is_some_and(|rest| rest.starts_with('/') || rest.starts_with('.'))
        || (selector == VALE_RULES && rule.contains('.') && !rule.contains('/'))
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
            if let Some(rest) = inner.strip_prefix("vale ") {
                return vale_directive(rest.trim(), span);
            }
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
                vale: false,
            })
        })
        .collect()
}

/// Vale's comments: `vale off`, `vale on`, and `vale Style.Rule = NO` /
/// `= YES` (also for a whole style, and several comma-separated). They
/// apply to rules from Vale styles only. Comments Vale has that copydesk
/// does not follow (`Style.Rule["match"] = NO`, `vale style = …`) are
/// ignored.
fn vale_directive(rest: &str, span: &Range<usize>) -> Option<Directive> {
    match rest {
        "off" => {
            return Some(Directive {
                kind: DirectiveKind::Disable,
                rules: vec![VALE_RULES.to_owned()],
                span: span.clone(),
                vale: true,
            });
        }
        "on" => {
            return Some(Directive {
                kind: DirectiveKind::Enable,
                rules: vec![VALE_RULES.to_owned()],
                span: span.clone(),
                vale: true,
            });
        }
        _ => {}
    }
    let mut kind = None;
    let mut rules = Vec::new();
    for setting in rest.split(',') {
        let (name, value) = setting.split_once('=')?;
        let (name, value) = (name.trim(), value.trim());
        if name.is_empty() || name.contains(['[', ' ']) || name == "style" || name == "styles" {
            return None;
        }
        let this = match value {
            "NO" => DirectiveKind::Disable,
            "YES" => DirectiveKind::Enable,
            _ => return None,
        };
        if kind.is_some_and(|k| k != this) {
            return None;
        }
        kind = Some(this);
        rules.push(name.to_owned());
    }
    Some(Directive {
        kind: kind?,
        rules,
        span: span.clone(),
        vale: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn directives(text: &str) -> Vec<Directive> {
        parse(
            text,
            std::slice::from_ref(&(0..text.len())),
            DocumentKind::Markdown,
        )
    }

    #[test]
    fn vale_comments_become_directives_for_vale_rules() {
        let off = &directives("<!-- vale off -->")[0];
        assert_eq!(off.kind, DirectiveKind::Disable);
        assert!(off.applies_to("Microsoft.Contractions"));
        assert!(!off.applies_to("concise/wordy-phrase"));
        let rule = &directives("<!-- vale Microsoft.We = NO, Google.We = NO -->")[0];
        assert_eq!(rule.rules, ["Microsoft.We", "Google.We"]);
        let style = &directives("<!-- vale Google = YES -->")[0];
        assert_eq!(style.kind, DirectiveKind::Enable);
        assert!(style.applies_to("Google.We"));
        assert!(!style.applies_to("GoogleX.We"));
        assert!(directives("<!-- vale Google.We[\"us\"] = NO -->").is_empty());
        assert!(directives("<!-- vale style = Google -->").is_empty());
    }
}
