//! Markdown → prose blocks, via pulldown-cmark's offset iterator.

use std::ops::Range;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::{Atom, AtomKind, Block, BlockKind, Document, DocumentKind, ProseText, front_matter};

struct OpenBlock {
    kind: BlockKind,
    in_quote: bool,
    prose: ProseText,
    atoms: Vec<Atom>,
}

struct OpenLink {
    url: String,
    prose_start: usize,
    span: Range<usize>,
}

struct Builder<'t> {
    text: &'t str,
    blocks: Vec<Block>,
    open: Option<OpenBlock>,
    links: Vec<OpenLink>,
    quote_depth: usize,
    item_depth: usize,
    /// Inside a code block, HTML block or image: text is not prose.
    skip_depth: usize,
    /// Source ranges where `<!--` does not start a comment (code).
    code_ranges: Vec<Range<usize>>,
    /// Source ranges of images' alt text.
    alt_texts: Vec<Range<usize>>,
}

impl Builder<'_> {
    fn begin(&mut self, kind: BlockKind) {
        self.finish();
        self.open = Some(OpenBlock {
            kind,
            in_quote: self.quote_depth > 0,
            prose: ProseText::default(),
            atoms: Vec::new(),
        });
    }

    /// The open block, opening a list item or paragraph for loose text.
    fn current(&mut self) -> &mut OpenBlock {
        if self.open.is_none() {
            let kind = if self.item_depth > 0 {
                BlockKind::ListItem
            } else {
                BlockKind::Paragraph
            };
            self.begin(kind);
        }
        self.open.as_mut().expect("a block was just opened")
    }

    fn finish(&mut self) {
        if let Some(mut open) = self.open.take() {
            open.prose.trim_end();
            // A paragraph written as "• point" reads as a list item.
            if open.kind == BlockKind::Paragraph && starts_with_bullet_glyph(&open.prose.text) {
                open.kind = BlockKind::ListItem;
            }
            if open.prose.text.chars().any(|c| c.is_alphanumeric()) {
                self.blocks
                    .push(Block::new(open.kind, open.in_quote, open.prose, open.atoms));
            }
        }
    }
}

pub(super) fn parse(document: &mut Document) {
    let text = document.text.as_str();
    let (front_matter, body_start) = front_matter::detect(text);
    document.front_matter = front_matter;
    let body = &text[body_start..];

    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let mut builder = Builder {
        text,
        blocks: Vec::new(),
        open: None,
        links: Vec::new(),
        quote_depth: 0,
        item_depth: 0,
        skip_depth: 0,
        code_ranges: Vec::new(),
        alt_texts: Vec::new(),
    };
    if body_start > 0 {
        builder.code_ranges.push(0..body_start);
    }

    // CommonMark's parser does not end lines at a lone CR (old Mac files):
    // read those as LF, byte for byte, so every offset stays the same.
    let normalized;
    let body = if has_lone_cr(body) {
        normalized = normalize_lone_cr(body);
        normalized.as_str()
    } else {
        body
    };
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        let range = range.start + body_start..range.end + body_start;
        handle(&mut builder, event, range);
    }
    builder.finish();

    if document.kind == DocumentKind::Mdx {
        builder
            .blocks
            .retain(|block| !is_mdx_statement(text, block));
    }
    document.comments = find_comments(text, body_start, &builder.code_ranges);
    document.blocks = builder.blocks;
    document.alt_texts = builder.alt_texts;
}

fn has_lone_cr(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes
        .iter()
        .enumerate()
        .any(|(i, &b)| b == b'\r' && bytes.get(i + 1) != Some(&b'\n'))
}

/// `text` with every CR not followed by LF replaced by LF (same length).
fn normalize_lone_cr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() != Some(&'\n') {
            out.push('\n');
        } else {
            out.push(c);
        }
    }
    out
}

/// The alt text of an image whose source is `![alt](url)` or
/// `![alt][ref]` starting at `start`: up to the bracket that closes it.
fn alt_text(text: &str, span: Range<usize>) -> Option<Range<usize>> {
    let inner = text.get(span.clone())?.strip_prefix("![")?;
    let mut depth = 0usize;
    let mut escaped = false;
    for (i, c) in inner.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' => depth += 1,
            ']' if depth == 0 => {
                let start = span.start + 2;
                return (!inner[..i].trim().is_empty()).then_some(start..start + i);
            }
            ']' => depth -= 1,
            _ => {}
        }
    }
    None
}

fn handle(builder: &mut Builder<'_>, event: Event<'_>, range: Range<usize>) {
    match event {
        Event::Start(tag) => start(builder, tag, range),
        Event::End(tag) => end(builder, tag),
        _ if builder.skip_depth > 0 => {}
        Event::Text(text) => {
            let source = &builder.text[range.clone()];
            let open = builder.current();
            if source == &*text {
                super::push_text(&mut open.prose, &mut open.atoms, source, range.start);
            } else {
                open.prose.push_replaced(&text, range);
            }
        }
        Event::Code(_) => {
            builder.code_ranges.push(range.clone());
            push_atom(builder.current(), AtomKind::Code, range, None);
        }
        Event::InlineMath(_) | Event::DisplayMath(_) => {
            push_atom(builder.current(), AtomKind::Code, range, None);
        }
        Event::FootnoteReference(label) => {
            push_atom(
                builder.current(),
                AtomKind::FootnoteRef,
                range,
                Some(label.to_string()),
            );
        }
        Event::SoftBreak | Event::HardBreak => {
            if let Some(open) = builder.open.as_mut() {
                open.prose.push_space(range);
            }
        }
        Event::Rule => builder.finish(),
        Event::Html(_) | Event::InlineHtml(_) | Event::TaskListMarker(_) => {}
    }
}

fn start(builder: &mut Builder<'_>, tag: Tag<'_>, range: Range<usize>) {
    match tag {
        Tag::Paragraph => {
            let kind = if builder.item_depth > 0 {
                BlockKind::ListItem
            } else {
                BlockKind::Paragraph
            };
            builder.begin(kind);
        }
        Tag::Heading { level, .. } => builder.begin(BlockKind::Heading(level as u8)),
        Tag::TableCell => builder.begin(BlockKind::TableCell),
        Tag::BlockQuote(_) => {
            builder.finish();
            builder.quote_depth += 1;
        }
        Tag::Item => {
            builder.finish();
            builder.item_depth += 1;
        }
        Tag::List(_)
        | Tag::FootnoteDefinition(_)
        | Tag::Table(_)
        | Tag::TableHead
        | Tag::TableRow => {
            builder.finish();
        }
        Tag::CodeBlock(_) => {
            builder.finish();
            builder.skip_depth += 1;
            builder.code_ranges.push(range);
        }
        Tag::HtmlBlock | Tag::MetadataBlock(_) => {
            builder.finish();
            builder.skip_depth += 1;
        }
        Tag::Image { dest_url, .. } => {
            if builder.skip_depth == 0 {
                builder
                    .alt_texts
                    .extend(alt_text(builder.text, range.clone()));
                let url = dest_url.to_string();
                push_atom(builder.current(), AtomKind::Image, range, Some(url));
            }
            builder.skip_depth += 1;
        }
        Tag::Link { dest_url, .. } => {
            if builder.skip_depth == 0 {
                let prose_start = builder.current().prose.text.len();
                builder.links.push(OpenLink {
                    url: dest_url.to_string(),
                    prose_start,
                    span: range,
                });
            }
        }
        Tag::Emphasis
        | Tag::Strong
        | Tag::Strikethrough
        | Tag::Superscript
        | Tag::Subscript
        | Tag::DefinitionList
        | Tag::DefinitionListTitle
        | Tag::DefinitionListDefinition => {}
    }
}

fn end(builder: &mut Builder<'_>, tag: TagEnd) {
    match tag {
        TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::TableCell => builder.finish(),
        TagEnd::BlockQuote(_) => {
            builder.finish();
            builder.quote_depth = builder.quote_depth.saturating_sub(1);
        }
        TagEnd::Item => {
            builder.finish();
            builder.item_depth = builder.item_depth.saturating_sub(1);
        }
        TagEnd::CodeBlock | TagEnd::HtmlBlock | TagEnd::MetadataBlock(_) | TagEnd::Image => {
            builder.skip_depth = builder.skip_depth.saturating_sub(1);
        }
        TagEnd::Link => {
            if builder.skip_depth > 0 {
                return;
            }
            let Some(link) = builder.links.pop() else {
                return;
            };
            let target_span = find_target(builder.text, &link.span, &link.url);
            let open = builder.current();
            let prose_end = open.prose.text.len();
            open.atoms.push(Atom {
                kind: AtomKind::Link,
                prose: link.prose_start..prose_end,
                span: link.span,
                target: Some(link.url),
                target_span,
            });
        }
        TagEnd::List(_)
        | TagEnd::FootnoteDefinition
        | TagEnd::Table
        | TagEnd::TableHead
        | TagEnd::TableRow => builder.finish(),
        TagEnd::Emphasis
        | TagEnd::Strong
        | TagEnd::Strikethrough
        | TagEnd::Superscript
        | TagEnd::Subscript
        | TagEnd::DefinitionList
        | TagEnd::DefinitionListTitle
        | TagEnd::DefinitionListDefinition => {}
    }
}

fn starts_with_bullet_glyph(text: &str) -> bool {
    ["• ", "◦ ", "▪ ", "· ", "‣ ", "– "]
        .iter()
        .any(|bullet| text.starts_with(bullet))
}

fn push_atom(open: &mut OpenBlock, kind: AtomKind, span: Range<usize>, target: Option<String>) {
    let prose = open.prose.push_placeholder(span.clone());
    open.atoms.push(Atom {
        kind,
        prose,
        span,
        target,
        target_span: None,
    });
}

/// The URL's own bytes inside `[text](url)`: searched from the end of the
/// link, so link text that repeats the URL does not confuse it.
fn find_target(text: &str, link: &Range<usize>, url: &str) -> Option<Range<usize>> {
    if url.is_empty() {
        return None;
    }
    let source = text.get(link.clone())?;
    let at = source.rfind(url)?;
    Some(link.start + at..link.start + at + url.len())
}

/// Every `<!-- … -->` outside code and front matter.
fn find_comments(text: &str, body_start: usize, code_ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut comments = Vec::new();
    let mut from = body_start;
    let finder = memchr::memmem::Finder::new(b"<!--");
    while let Some(at) = finder.find(&text.as_bytes()[from..]) {
        let start = from + at;
        let Some(close) = memchr::memmem::find(&text.as_bytes()[start + 4..], b"-->") else {
            break;
        };
        let end = start + 4 + close + 3;
        if !code_ranges
            .iter()
            .any(|code| code.start <= start && start < code.end)
        {
            comments.push(start..end);
        }
        from = end;
    }
    comments
}

fn is_mdx_statement(text: &str, block: &Block) -> bool {
    let span = block.span();
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..];
    line_start == span.start && (line.starts_with("import ") || line.starts_with("export "))
}
