//! The post as published: what a platform counts.
//!
//! Built from the document's blocks and atoms: Markdown syntax (emphasis
//! markers, link brackets, heading marks) is gone, a link's URL follows its
//! text, inline code keeps its text, bare URLs and emails stay as written,
//! images and footnote markers are dropped, and blocks are separated by a
//! blank line (list items by a line break, after a "- " marker).

use std::ops::Range;

use crate::document::{AtomKind, Block, BlockKind, Document, PLACEHOLDER};

/// Where a stretch of the rendered text came from.
#[derive(Debug, Clone)]
enum Origin {
    /// Prose of `block`, starting at `prose_start` (bytes map one to one).
    Prose { block: usize, prose_start: usize },
    /// An atom or separator standing at a source offset.
    Source(usize),
}

#[derive(Debug, Clone)]
struct Piece {
    rendered_start: usize,
    origin: Origin,
}

#[derive(Debug, Clone, Default)]
pub struct RenderedPost {
    pub text: String,
    /// Ranges of `text` that are URLs (platforms count some at a fixed length).
    pub urls: Vec<Range<usize>>,
    pieces: Vec<Piece>,
}

impl RenderedPost {
    pub fn new(document: &Document) -> RenderedPost {
        let mut post = RenderedPost::default();
        let mut previous: Option<&Block> = None;
        for (index, block) in document.blocks.iter().enumerate() {
            let block_start = block.span().start;
            if let Some(previous) = previous {
                let separator =
                    if previous.kind == BlockKind::ListItem && block.kind == BlockKind::ListItem {
                        "\n"
                    } else {
                        "\n\n"
                    };
                post.push(separator, Origin::Source(block_start));
            }
            if block.kind == BlockKind::ListItem {
                post.push("- ", Origin::Source(block_start));
            }
            post.push_block(document.text(), index, block);
            previous = Some(block);
        }
        post
    }

    fn push(&mut self, text: &str, origin: Origin) {
        if text.is_empty() {
            return;
        }
        self.pieces.push(Piece {
            rendered_start: self.text.len(),
            origin,
        });
        self.text.push_str(text);
    }

    fn push_block(&mut self, source: &str, index: usize, block: &Block) {
        let prose = block.prose.text.as_str();
        let mut atoms: Vec<_> = block.atoms.iter().collect();
        atoms.sort_by_key(|atom| (atom.prose.start, std::cmp::Reverse(atom.prose.end)));
        // Placeholders are replaced by their atom; a link's URL is appended
        // after its text. (prose end, url, source end) of each open link:
        let mut links: Vec<(usize, &str, usize)> = Vec::new();
        let mut cursor = 0;
        for atom in atoms {
            if atom.kind == AtomKind::Link {
                let url = atom.target.as_deref().unwrap_or("");
                links.push((atom.prose.end, url, atom.span.end));
                continue;
            }
            let is_placeholder = prose
                .get(atom.prose.clone())
                .is_some_and(|text| text.starts_with(PLACEHOLDER));
            if !is_placeholder || atom.prose.start < cursor {
                continue;
            }
            self.flush_links(index, prose, &mut cursor, atom.prose.start, &mut links);
            self.push_prose(index, prose, cursor, atom.prose.start);
            let replacement = match atom.kind {
                AtomKind::Url | AtomKind::Email => atom.target.clone().unwrap_or_default(),
                AtomKind::Code => source
                    .get(atom.span.clone())
                    .map(code_text)
                    .unwrap_or_default()
                    .to_owned(),
                AtomKind::Image | AtomKind::FootnoteRef | AtomKind::Link => String::new(),
            };
            let start = self.text.len();
            self.push(&replacement, Origin::Source(atom.span.start));
            if atom.kind == AtomKind::Url {
                self.urls.push(start..self.text.len());
            }
            cursor = atom.prose.end;
        }
        self.flush_links(index, prose, &mut cursor, prose.len(), &mut links);
        self.push_prose(index, prose, cursor, prose.len());
    }

    /// Emit prose up to each link end before `until`, then the link's URL.
    fn flush_links(
        &mut self,
        index: usize,
        prose: &str,
        cursor: &mut usize,
        until: usize,
        links: &mut Vec<(usize, &str, usize)>,
    ) {
        links.sort_by_key(|(end, _, _)| std::cmp::Reverse(*end));
        while let Some(&(end, url, source)) = links.last() {
            if end > until {
                break;
            }
            links.pop();
            self.push_prose(index, prose, *cursor, end);
            *cursor = end.max(*cursor);
            if url.is_empty() || self.text.ends_with(url) || url.starts_with('#') {
                continue;
            }
            // `[mail us](mailto:jo@example.com)` publishes the address.
            let shown = url.strip_prefix("mailto:").unwrap_or(url);
            if self.text.ends_with(shown) {
                continue;
            }
            self.push(" ", Origin::Source(source));
            let start = self.text.len();
            self.push(shown, Origin::Source(source));
            if !url.starts_with("mailto:") {
                self.urls.push(start..self.text.len());
            }
        }
    }

    fn push_prose(&mut self, index: usize, prose: &str, from: usize, to: usize) {
        if from >= to {
            return;
        }
        let Some(text) = prose.get(from..to) else {
            return;
        };
        self.pieces.push(Piece {
            rendered_start: self.text.len(),
            origin: Origin::Prose {
                block: index,
                prose_start: from,
            },
        });
        self.text.push_str(text);
    }

    /// The source offset where the rendered text at `offset` came from.
    pub fn source_offset(&self, document: &Document, offset: usize) -> usize {
        let index = self
            .pieces
            .partition_point(|piece| piece.rendered_start <= offset)
            .saturating_sub(1);
        let Some(piece) = self.pieces.get(index) else {
            return document.blocks.first().map_or(0, |b| b.span().start);
        };
        match piece.origin {
            Origin::Source(at) => at,
            Origin::Prose { block, prose_start } => {
                let Some(block) = document.blocks.get(block) else {
                    return 0;
                };
                let prose = prose_start + (offset - piece.rendered_start);
                block.source_range(prose..prose).start
            }
        }
    }

    /// The source range from the rendered offset `from` to the end of the
    /// post.
    pub fn source_tail(&self, document: &Document, from: usize) -> Range<usize> {
        let start = self.source_offset(document, from);
        let end = document
            .blocks
            .last()
            .map_or(start, |b| b.span().end)
            .max(start);
        start..end
    }
}

/// Inline code as published: its text without the backticks (and the one
/// space CommonMark strips inside them).
fn code_text(source: &str) -> &str {
    let inner = source.trim_matches('`');
    match inner.strip_prefix(' ').and_then(|t| t.strip_suffix(' ')) {
        Some(stripped) if !stripped.trim().is_empty() => stripped,
        _ => inner,
    }
}
