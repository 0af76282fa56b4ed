//! The "Ignore rule here" edit: a `copydesk-disable-next-line` directive
//! placed so that the rendered document does not change.
//!
//! The directive applies to the first non-blank line after the line it ends
//! on. In Markdown, a paragraph or heading that starts after a blank line
//! gets the comment on a line of its own above it. Elsewhere a comment line
//! could split a paragraph or a list (an HTML block interrupts both), so when
//! the nearest non-blank line above the finding ends inside a paragraph or
//! list item, the comment is appended to that line as inline HTML, which
//! renders as nothing; failing that it goes on a new line above the finding,
//! after the same indentation and block-quote markers. Plain text takes the bare directive
//! on a line of its own. MDX (where `<!--` is a syntax error) and commit
//! messages (where a directive line would end up in the commit) get no edit.

use crate::document::{BlockKind, Document, DocumentKind};
use crate::fix::Edit;

/// The edit that suppresses `rule` for a finding starting at byte `at`.
pub fn ignore_edit(document: &Document, rule: &str, at: usize) -> Option<Edit> {
    let text = document.text();
    let index = &document.line_index;
    let at = at.min(text.len());
    let line = index.line_of(at);
    let line_start = index.line_start(line);
    let line_text = index.line_text(text, line);
    match document.kind() {
        DocumentKind::Mdx | DocumentKind::GitCommit => None,
        DocumentKind::PlainText | DocumentKind::Verbatim => {
            let indent: String = line_text
                .chars()
                .take_while(|c| matches!(c, ' ' | '\t'))
                .collect();
            Some(Edit::insert(
                line_start,
                format!("{indent}copydesk-disable-next-line {rule}{}", newline(text)),
            ))
        }
        DocumentKind::Markdown => {
            if document
                .blocks
                .iter()
                .any(|block| block.kind == BlockKind::TableCell && contains(&block.span(), at))
            {
                // A line above a table row would end the table.
                return None;
            }
            let comment = format!("<!-- copydesk-disable-next-line {rule} -->");
            // A paragraph or heading that starts after a blank line can take
            // a comment line above it; anywhere else a line of its own could
            // split the paragraph or list.
            let starts_after_blank = (line == 0
                || index.line_text(text, line - 1).trim().is_empty())
                && document.blocks.iter().any(|block| {
                    let span = block.span();
                    matches!(block.kind, BlockKind::Paragraph | BlockKind::Heading(_))
                        && contains(&span, at)
                        && index.line_of(span.start) == line
                });
            if !starts_after_blank && let Some(end) = inline_point_above(document, line) {
                return Some(Edit::insert(end, format!(" {comment}")));
            }
            let prefix: String = line_text
                .chars()
                .take_while(|c| matches!(c, ' ' | '\t' | '>'))
                .collect();
            Some(Edit::insert(
                line_start,
                format!("{prefix}{comment}{}", newline(text)),
            ))
        }
    }
}

/// Where to append an inline comment: the end of the nearest non-blank line
/// above `line` (before a hard line break), when that line ends inside a
/// paragraph or list item.
fn inline_point_above(document: &Document, line: usize) -> Option<usize> {
    let text = document.text();
    let index = &document.line_index;
    let above = (0..line)
        .rev()
        .find(|&l| !index.line_text(text, l).trim().is_empty())?;
    let content = index.line_text(text, above);
    let trimmed = content
        .trim_end_matches([' ', '\t'])
        .trim_end_matches('\\')
        .trim_end_matches([' ', '\t']);
    let end = index.line_start(above) + trimmed.len();
    let inside_prose = document.blocks.iter().any(|block| {
        matches!(block.kind, BlockKind::Paragraph | BlockKind::ListItem) && {
            let span = block.span();
            span.start < end && end <= span.end
        }
    });
    inside_prose.then_some(end)
}

fn contains(span: &std::ops::Range<usize>, at: usize) -> bool {
    span.start <= at && at < span.end
}

fn newline(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{CheckOptions, Checker};
    use crate::fix::apply_edits;
    use crate::guide::Guide;

    /// Apply "ignore" to the first finding of `rule` and return the new
    /// text, asserting the finding is gone and nothing else changed.
    #[track_caller]
    fn assert_ignored(input: &str, kind: DocumentKind, rule: &str) -> String {
        let checker = Checker::new(Guide::builtin(), CheckOptions::default());
        let (document, before) = checker.check_text(input, kind);
        let finding = before
            .iter()
            .find(|f| f.rule == rule)
            .unwrap_or_else(|| panic!("no {rule} finding in {input:?}: {before:?}"));
        let edit = ignore_edit(&document, rule, finding.span.start).expect("an edit");
        let output = apply_edits(input, &[edit]).expect("edit applies");
        let (_, after) = checker.check_text(output.as_str(), kind);
        let count = |findings: &[crate::finding::Finding]| {
            findings.iter().filter(|f| f.rule == rule).count()
        };
        assert_eq!(count(&after), count(&before) - 1, "{output}");
        let others = |findings: &[crate::finding::Finding]| {
            findings
                .iter()
                .filter(|f| f.rule != rule)
                .map(|f| f.message.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(others(&after), others(&before), "{output}");
        output
    }

    #[test]
    fn inside_a_paragraph_the_comment_goes_inline_on_the_line_above() {
        let output = assert_ignored(
            "# Notes\n\nWe shipped the release today\nin order to help.\n",
            DocumentKind::Markdown,
            "concise/wordy-phrase",
        );
        assert_eq!(
            output,
            "# Notes\n\nWe shipped the release today <!-- copydesk-disable-next-line concise/wordy-phrase -->\nin order to help.\n"
        );
    }

    #[test]
    fn at_a_paragraph_start_after_a_heading_the_comment_gets_its_own_line() {
        let output = assert_ignored(
            "# Notes\n\n> We moved the code to Github last week.\n",
            DocumentKind::Markdown,
            "voice/casing",
        );
        assert_eq!(
            output,
            "# Notes\n\n> <!-- copydesk-disable-next-line voice/casing -->\n> We moved the code to Github last week.\n"
        );
    }

    #[test]
    fn list_items_stay_one_list() {
        let output = assert_ignored(
            "- first item here\n- in order to help\n",
            DocumentKind::Markdown,
            "concise/wordy-phrase",
        );
        assert_eq!(
            output,
            "- first item here <!-- copydesk-disable-next-line concise/wordy-phrase -->\n- in order to help\n"
        );
    }

    #[test]
    fn a_hard_break_stays_a_hard_break() {
        let output = assert_ignored(
            "Line one ends with a break  \nin order to help.\n",
            DocumentKind::Markdown,
            "concise/wordy-phrase",
        );
        assert!(
            output.starts_with("Line one ends with a break <!-- copydesk-disable-next-line concise/wordy-phrase -->  \n"),
            "{output}"
        );
    }

    #[test]
    fn plain_text_takes_a_bare_directive_line() {
        let output = assert_ignored(
            "Hello team,\n\n  We did it in order to ship.\n",
            DocumentKind::PlainText,
            "concise/wordy-phrase",
        );
        assert_eq!(
            output,
            "Hello team,\n\n  copydesk-disable-next-line concise/wordy-phrase\n  We did it in order to ship.\n"
        );
    }

    #[test]
    fn crlf_files_get_crlf_lines() {
        let output = assert_ignored(
            "# Notes\r\n\r\nIn order to help, we shipped.\r\n",
            DocumentKind::Markdown,
            "concise/wordy-phrase",
        );
        assert!(output.contains("-->\r\nIn order"), "{output:?}");
    }

    #[test]
    fn mdx_commits_and_table_cells_get_no_edit() {
        let document = Document::parse("In order to help.\n", DocumentKind::Mdx);
        assert_eq!(ignore_edit(&document, "concise/wordy-phrase", 0), None);
        let document = Document::parse("In order to help.\n", DocumentKind::GitCommit);
        assert_eq!(ignore_edit(&document, "concise/wordy-phrase", 0), None);
        let table = "| a | b |\n|---|---|\n| in order to | x |\n";
        let document = Document::parse(table, DocumentKind::Markdown);
        let at = table.find("in order").expect("fixture");
        assert_eq!(ignore_edit(&document, "concise/wordy-phrase", at), None);
    }
}
