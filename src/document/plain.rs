//! Plain text and commit messages → prose blocks.
//!
//! Paragraphs are separated by blank lines; a line starting with a bullet
//! (`-`, `*`, `•`, `1.`) starts a list item; a line holding only a copydesk
//! directive is not prose.

use super::{Block, BlockKind, Document, DocumentKind, ProseText};

pub(super) fn parse(document: &mut Document) {
    let text = document.text.as_str();
    let is_commit = document.kind == DocumentKind::GitCommit;
    let verbatim = document.kind == DocumentKind::Verbatim;
    let mut blocks = Vec::new();
    let mut comments = Vec::new();
    let mut open: Option<(BlockKind, ProseText, Vec<super::Atom>)> = None;

    let mut line_start = 0;
    while line_start < text.len() {
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i + 1);
        let line = text[line_start..line_end].trim_end_matches(['\n', '\r']);
        let trimmed = line.trim();

        if is_commit && line.starts_with('#') {
            if line.contains(">8") && line.contains("----") {
                break; // Everything below the scissors line is the diff.
            }
            line_start = line_end;
            continue;
        }
        if is_directive_line(trimmed) {
            let leading = line.len() - line.trim_start().len();
            comments.push(line_start + leading..line_start + leading + trimmed.len());
            finish(&mut blocks, &mut open);
        } else if trimmed.is_empty() {
            finish(&mut blocks, &mut open);
        } else {
            let leading = line.len() - line.trim_start().len();
            let (is_item, marker_len) = bullet(trimmed);
            if is_item {
                finish(&mut blocks, &mut open);
                open = Some((BlockKind::ListItem, ProseText::default(), Vec::new()));
            }
            let content_start = line_start + leading + marker_len;
            let content = &text[content_start..line_start + line.len()];
            let (_, prose, atoms) = open
                .get_or_insert_with(|| (BlockKind::Paragraph, ProseText::default(), Vec::new()));
            if !prose.is_empty() {
                prose.push_space(line_start..content_start);
            }
            if verbatim {
                prose.push_source(content.trim_end(), content_start);
            } else {
                super::push_text(prose, atoms, content.trim_end(), content_start);
            }
        }
        line_start = line_end;
    }
    finish(&mut blocks, &mut open);
    document.blocks = blocks;
    document.comments = comments;
}

fn finish(blocks: &mut Vec<Block>, open: &mut Option<(BlockKind, ProseText, Vec<super::Atom>)>) {
    if let Some((kind, mut prose, atoms)) = open.take() {
        prose.trim_end();
        if prose.text.chars().any(|c| c.is_alphanumeric()) {
            blocks.push(Block::new(kind, false, prose, atoms));
        }
    }
}

/// Whether a line starts with a list bullet; returns the marker's length
/// including the space after it.
fn bullet(line: &str) -> (bool, usize) {
    for marker in ["- ", "* ", "• ", "◦ ", "▪ ", "· ", "‣ ", "– "] {
        if line.starts_with(marker) {
            return (true, marker.len());
        }
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let rest = &line[digits..];
        if rest.starts_with(". ") || rest.starts_with(") ") {
            return (true, digits + 2);
        }
    }
    (false, 0)
}

pub(super) fn is_directive_line(trimmed: &str) -> bool {
    let inner = trimmed
        .strip_prefix("<!--")
        .and_then(|rest| rest.strip_suffix("-->"))
        .unwrap_or(trimmed)
        .trim();
    inner.starts_with("copydesk-disable") || inner.starts_with("copydesk-enable")
}
