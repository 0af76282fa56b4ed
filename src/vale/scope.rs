//! Vale scopes on copydesk's document model.
//!
//! A rule's `scope` is a list of alternatives; an alternative chains terms
//! with `&`; a term is dot-separated parts (`heading.h2`, `paragraph.md`),
//! `~` negates it. A term matches a unit whose scope parts include all of
//! its parts, as Vale's selectors do.
//!
//! Units and their parts:
//! - every prose block: `text`, the format (`md`, `txt`), and its kind:
//!   `heading` + `h1`…`h6`, `paragraph`, `list`, `table` + `cell`,
//!   `blockquote` (any block inside a quote), and `summary` (body text:
//!   paragraphs and list items, not headings or table cells — Vale's
//!   definition);
//! - each sentence of a paragraph or list item: `sentence` plus its block's
//!   parts other than `text` and `summary`;
//! - the whole source, once: `raw`.
//!
//! A sentence or the raw text is reached only by an alternative that names
//! `sentence` or `raw`; an alternative of negations alone (`~heading`) means
//! prose blocks, so a rule never sees the same words twice.

use crate::document::{Block, BlockKind, DocumentKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    alternatives: Vec<Vec<Term>>,
    /// The kind of unit each alternative runs on, found once.
    kinds: Vec<UnitKind>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Term {
    negated: bool,
    parts: Vec<String>,
}

/// The kinds of text a rule can run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnitKind {
    Block,
    Sentence,
    Raw,
}

/// Scope parts that have a counterpart in the document model.
const KNOWN_PARTS: &[&str] = &[
    "text",
    "heading",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "paragraph",
    "list",
    "table",
    "cell",
    "blockquote",
    "summary",
    "sentence",
    "raw",
    "alt",
];

/// File-format parts: Vale appends the file's format to every scope.
const FORMATS: &[&str] = &[
    "md", "markdown", "mdx", "txt", "html", "rst", "adoc", "org", "xml", "dita", "tex",
];

impl Scope {
    pub fn parse(values: &[String]) -> Scope {
        let values: Vec<&str> = if values.is_empty() {
            vec!["text"]
        } else {
            values.iter().map(String::as_str).collect()
        };
        let alternatives: Vec<Vec<Term>> = values
            .iter()
            .map(|value| {
                value
                    .split('&')
                    .map(str::trim)
                    .filter(|term| !term.is_empty())
                    .map(|term| {
                        let (negated, body) = match term.strip_prefix('~') {
                            Some(rest) => (true, rest.trim()),
                            None => (false, term),
                        };
                        Term {
                            negated,
                            parts: body.split('.').map(str::to_owned).collect(),
                        }
                    })
                    .collect()
            })
            .collect();
        let kinds = alternatives
            .iter()
            .map(|terms| alternative_kind(terms))
            .collect();
        Scope {
            alternatives,
            kinds,
        }
    }

    /// The scope as Vale's `--filter` sees it: one string per alternative
    /// (`heading.h1`, `~blockquote & text`).
    pub fn names(&self) -> Vec<String> {
        self.alternatives
            .iter()
            .map(|terms| {
                terms
                    .iter()
                    .map(|t| format!("{}{}", if t.negated { "~" } else { "" }, t.parts.join(".")))
                    .collect::<Vec<_>>()
                    .join(" & ")
            })
            .collect()
    }

    /// The scope of `metric` and `sequence`-free rules that run on the
    /// whole body text.
    pub fn summary() -> Scope {
        Scope::parse(&["summary".to_owned()])
    }

    /// Scope parts no unit ever has, for load-time warnings.
    pub fn unknown_parts(&self) -> Vec<String> {
        let mut unknown = Vec::new();
        for term in self.alternatives.iter().flatten() {
            for part in &term.parts {
                if !KNOWN_PARTS.contains(&part.as_str())
                    && !FORMATS.contains(&part.as_str())
                    && !unknown.contains(part)
                {
                    unknown.push(part.clone());
                }
            }
        }
        unknown
    }

    /// Whether some alternative can ever match a unit.
    pub fn can_match(&self) -> bool {
        self.alternatives.iter().any(|terms| {
            terms.iter().all(|term| {
                term.negated
                    || term.parts.iter().all(|part| {
                        KNOWN_PARTS.contains(&part.as_str()) || FORMATS.contains(&part.as_str())
                    })
            })
        })
    }

    /// Whether this scope reaches units of `kind` at all.
    pub fn reaches(&self, kind: UnitKind) -> bool {
        self.kinds.contains(&kind)
    }

    pub fn matches(&self, kind: UnitKind, parts: &[&str]) -> bool {
        self.alternatives.iter().zip(&self.kinds).any(|(terms, k)| {
            *k == kind
                && terms.iter().all(|term| {
                    let has_all = term.parts.iter().all(|part| parts.contains(&part.as_str()));
                    has_all != term.negated
                })
        })
    }
}

fn alternative_kind(terms: &[Term]) -> UnitKind {
    let names = |name: &str| {
        terms
            .iter()
            .any(|term| !term.negated && term.parts.iter().any(|part| part == name))
    };
    if names("raw") {
        UnitKind::Raw
    } else if names("sentence") {
        UnitKind::Sentence
    } else {
        UnitKind::Block
    }
}

/// The format part of a document's scopes.
pub fn format_part(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::Markdown => "md",
        DocumentKind::Mdx => "mdx",
        DocumentKind::PlainText | DocumentKind::GitCommit | DocumentKind::Verbatim => "txt",
    }
}

/// Whether a block counts as body text (Vale's `summary`).
pub fn is_summary_block(block: &Block) -> bool {
    matches!(block.kind, BlockKind::Paragraph | BlockKind::ListItem)
}

/// The scope parts of a block as one unit (`text`, the format, its own
/// parts, `summary` for body text) and of its sentences (`sentence`, the
/// format, its own parts), which are units only in body text.
pub struct BlockParts {
    block: Vec<&'static str>,
    sentences: Option<Vec<&'static str>>,
}

impl BlockParts {
    pub fn of(block: &Block, format: &'static str) -> BlockParts {
        let summary = is_summary_block(block);
        let mut parts = vec!["text", format];
        block_parts(block, &mut parts);
        if summary {
            parts.push("summary");
        }
        let sentences = summary.then(|| {
            let mut parts = vec!["sentence", format];
            block_parts(block, &mut parts);
            parts
        });
        BlockParts {
            block: parts,
            sentences,
        }
    }

    /// Whether `scope` reaches the block as a unit, and its sentences.
    pub fn reached_by(&self, scope: &Scope) -> (bool, bool) {
        (
            scope.matches(UnitKind::Block, &self.block),
            self.sentences
                .as_ref()
                .is_some_and(|parts| scope.matches(UnitKind::Sentence, parts)),
        )
    }
}

/// A block's scope parts, without `text`, `summary` and the format.
fn block_parts(block: &Block, parts: &mut Vec<&str>) {
    const LEVELS: [&str; 6] = ["h1", "h2", "h3", "h4", "h5", "h6"];
    match block.kind {
        BlockKind::Heading(level) => {
            parts.push("heading");
            let index = usize::from(level.clamp(1, 6)) - 1;
            parts.push(LEVELS[index]);
        }
        BlockKind::Paragraph => parts.push("paragraph"),
        BlockKind::ListItem => parts.push("list"),
        BlockKind::TableCell => {
            parts.push("table");
            parts.push("cell");
        }
    }
    if block.in_quote {
        parts.push("blockquote");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(values: &[&str]) -> Scope {
        Scope::parse(&values.iter().map(|v| (*v).to_owned()).collect::<Vec<_>>())
    }

    #[test]
    fn selectors_need_every_part() {
        let heading_two = ["text", "md", "heading", "h2"];
        assert!(scope(&["heading"]).matches(UnitKind::Block, &heading_two));
        assert!(scope(&["heading.h2"]).matches(UnitKind::Block, &heading_two));
        assert!(!scope(&["heading.h1"]).matches(UnitKind::Block, &heading_two));
        assert!(scope(&["heading.md"]).matches(UnitKind::Block, &heading_two));
        assert!(!scope(&["heading.rst"]).matches(UnitKind::Block, &heading_two));
        assert!(scope(&["text"]).matches(UnitKind::Block, &heading_two));
    }

    #[test]
    fn negation_chains_and_lists() {
        let quote = ["text", "md", "paragraph", "blockquote"];
        let paragraph = ["text", "md", "paragraph"];
        let either = scope(&["heading.h1", "heading.h2"]);
        assert!(either.matches(UnitKind::Block, &["text", "heading", "h1"]));
        assert!(!either.matches(UnitKind::Block, &paragraph));
        let neither = scope(&["~blockquote & ~heading"]);
        assert!(neither.matches(UnitKind::Block, &paragraph));
        assert!(!neither.matches(UnitKind::Block, &quote));
        // Negations alone never reach sentences or the raw text.
        assert!(!neither.matches(UnitKind::Sentence, &["sentence", "md"]));
        assert!(!neither.reaches(UnitKind::Raw));
    }

    #[test]
    fn sentences_and_raw_are_their_own_units() {
        assert!(scope(&["sentence"]).matches(UnitKind::Sentence, &["sentence", "md"]));
        assert!(!scope(&["sentence"]).matches(UnitKind::Block, &["text", "md", "paragraph"]));
        assert!(scope(&["raw"]).reaches(UnitKind::Raw));
    }

    #[test]
    fn unknown_scopes_are_reported() {
        assert_eq!(scope(&["figure"]).unknown_parts(), ["figure"]);
        assert!(!scope(&["figure"]).can_match());
        assert!(scope(&["~figure"]).can_match());
        assert!(scope(&["alt"]).unknown_parts().is_empty());
        assert!(scope(&["table.cell.md"]).unknown_parts().is_empty());
    }
}
