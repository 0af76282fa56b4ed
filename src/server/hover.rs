//! Hover on a finding: its message, the guide's note, the fix as a small
//! diff, and the rule's documentation; with a voice profile in effect for
//! the post, a header naming it and where it was chosen.

use std::fmt::Write as _;
use std::ops::Range;

use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

use super::convert::Lines;
use crate::diff::unified_diff;
use crate::document::{ColumnUnit, Document};
use crate::finding::Finding;
use crate::fix::{Edit, Fix, Provenance, apply_edits};
use crate::guide::Guide;
use crate::llm::Suggestion;
use crate::rules::find_rule;

/// At most this many fixes are shown as diffs per finding.
const MAX_FIX_DIFFS: usize = 3;

/// The hover at `position`: the findings there, and the model suggestions
/// computed for this version (`suggestions`) that cover the position or
/// meet one of those findings, each as a diff.
/// `findings` are `document`'s, checked with `guide`.
pub fn hover(
    document: &Document,
    findings: &[Finding],
    guide: &Guide,
    position: Position,
    unit: ColumnUnit,
    suggestions: &[Suggestion],
) -> Option<Hover> {
    if position.line as usize >= document.line_index.line_count() {
        return None;
    }
    let lines = Lines::of(document, unit);
    let offset = lines.offset(position);
    let hits: Vec<&Finding> = findings
        .iter()
        .filter(|finding| {
            finding.span.start <= offset && offset < finding.span.end.max(finding.span.start + 1)
        })
        .collect();
    let mut range: Option<Range<usize>> = None;
    let mut value = String::new();
    for finding in &hits {
        if !value.is_empty() {
            value.push_str("\n\n---\n\n");
        }
        range = Some(cover(range, &finding.span));
        render(&mut value, document, finding);
    }
    let findings_range = range.clone();
    // An insertion (Bridge) covers its own offset.
    let meets = |a: &Range<usize>, b: &Range<usize>| a.start <= b.end && b.start <= a.end;
    for suggestion in suggestions.iter().filter(|s| {
        meets(&s.range, &(offset..offset))
            || findings_range
                .as_ref()
                .is_some_and(|found| meets(&s.range, found))
    }) {
        if !value.is_empty() {
            value.push_str("\n\n---\n\n");
        }
        range = Some(cover(range, &suggestion.range));
        render_suggestion(&mut value, suggestion);
    }
    let range = range?;
    // Which voice profile the post is checked and edited in, unless a
    // voice/drift finding's note already says it.
    if !hits.iter().any(|f| f.rule == "voice/drift")
        && let Ok(Some(in_effect)) = guide.voices.for_document(document)
    {
        value = format!("*{}*\n\n---\n\n{value}", in_effect.describe());
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(lines.range(&range)),
    })
}

/// The smallest range holding `range` (if any) and `more`.
fn cover(range: Option<Range<usize>>, more: &Range<usize>) -> Range<usize> {
    match range {
        Some(range) => range.start.min(more.start)..range.end.max(more.end),
        None => more.clone(),
    }
}

fn render(out: &mut String, document: &Document, finding: &Finding) {
    let _ = write!(
        out,
        "**{}** · `{}` · {}",
        finding.message, finding.rule, finding.severity
    );
    if let Some(note) = finding.note.as_deref().filter(|n| !n.trim().is_empty()) {
        out.push_str("\n\n");
        for line in note.lines() {
            let _ = writeln!(out, "> {line}");
        }
    }
    for fix in finding.fixes.iter().take(MAX_FIX_DIFFS) {
        let _ = write!(out, "\n\n{} ({}):", fix.title, fix.applicability);
        if let Some(diff) = small_diff(document, fix) {
            let _ = write!(out, "\n\n```diff\n{diff}```");
        }
    }
    if let Some(factory) = find_rule(&finding.rule) {
        out.push_str("\n\n---\n\n");
        for line in factory.meta.documentation().lines() {
            // Rule docs use `##` sections; in a hover they are sub-headings.
            match line.strip_prefix("## ") {
                Some(heading) => {
                    let _ = writeln!(out, "#### {heading}");
                }
                None => {
                    let _ = writeln!(out, "{line}");
                }
            }
        }
    }
}

/// A model suggestion computed earlier (not applied), as its diff.
fn render_suggestion(out: &mut String, suggestion: &Suggestion) {
    let _ = write!(out, "**{}**", suggestion.title);
    if let Provenance::Model { model, prompt } = &suggestion.provenance {
        let _ = write!(out, " · model `{model}`, prompt `{prompt}`");
    }
    let body: String = suggestion
        .diff
        .lines()
        .skip(2) // the ---/+++ headers
        .filter(|line| !line.starts_with("@@"))
        .map(|line| format!("{line}\n"))
        .collect();
    if !body.is_empty() {
        let _ = write!(out, "\n\n```diff\n{body}```");
    }
}

/// The lines a fix touches, before and after, without diff headers.
fn small_diff(document: &Document, fix: &Fix) -> Option<String> {
    let text = document.text();
    let range = fix.range()?;
    let index = &document.line_index;
    let start = index.line_start(index.line_of(range.start));
    let end = index
        .line_content_end(text, index.line_of(range.end))
        .max(range.end);
    let snippet: Range<usize> = start..end.min(text.len());
    let old = text.get(snippet.clone())?;
    let rebased: Vec<Edit> = fix
        .edits
        .iter()
        .map(|edit| {
            Some(Edit::replace(
                edit.range.start.checked_sub(start)?..edit.range.end.checked_sub(start)?,
                edit.replacement.clone(),
            ))
        })
        .collect::<Option<_>>()?;
    let new = apply_edits(old, &rebased).ok()?;
    let diff = unified_diff(&format!("{old}\n"), &format!("{new}\n"), "draft");
    let body: String = diff
        .lines()
        .skip(2) // the ---/+++ headers
        .filter(|line| !line.starts_with("@@"))
        .map(|line| format!("{line}\n"))
        .collect();
    (!body.is_empty()).then_some(body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{CheckOptions, Checker};
    use crate::document::DocumentKind;
    use std::sync::Arc;

    const TEXT: &str = "# Notes\n\nThe end result is a tool our team uses every day.\n";

    fn hover_at(line: u32, character: u32) -> Option<String> {
        let guide = Guide::builtin();
        let document = Document::parse(TEXT, DocumentKind::Markdown);
        let findings = Checker::new(Arc::clone(&guide), CheckOptions::default()).check(&document);
        let hover = hover(
            &document,
            &findings,
            &guide,
            Position::new(line, character),
            ColumnUnit::Utf16,
            &[],
        )?;
        match hover.contents {
            HoverContents::Markup(markup) => Some(markup.value),
            other => panic!("not markdown: {other:?}"),
        }
    }

    #[test]
    fn a_finding_shows_its_message_its_fix_as_a_diff_and_the_rule_docs() {
        // On "end result" (line 2, after "The ").
        let value = hover_at(2, 6).expect("a hover on the finding");
        assert!(value.contains("`concise/redundancy`"), "{value}");
        assert!(value.contains("```diff\n"), "{value}");
        assert!(value.contains("-The end result is"), "{value}");
        assert!(value.contains("#### What it does"), "{value}");
    }

    #[test]
    fn no_hover_off_the_findings_or_past_the_end() {
        assert_eq!(hover_at(0, 2), None);
        assert_eq!(hover_at(40, 0), None);
    }
}
