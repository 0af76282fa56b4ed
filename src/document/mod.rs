//! The document model: what a reader reads, with exact byte spans.
//!
//! A [`Document`] owns the full source text and splits it into prose
//! [`Block`]s (paragraphs, headings, list items, table cells). Each block
//! holds its [`ProseText`] (markup removed, whitespace collapsed, non-prose
//! atoms replaced by a placeholder), its sentences and words as prose ranges,
//! and the [`Atom`]s (links, code, URLs, emails) found in it. Parsing never
//! fails: malformed front matter is recorded, not raised.

pub mod directives;
mod front_matter;
pub mod line_index;
mod markdown;
mod plain;
pub mod prose;
pub mod segment;

use std::ops::Range;
use std::path::{Path, PathBuf};

pub use directives::{Directive, DirectiveKind};
pub use front_matter::{FrontMatter, FrontMatterFormat};
pub use line_index::{ColumnUnit, LineCol, LineIndex};
pub use prose::{PLACEHOLDER, ProseText};

/// How a text is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    /// CommonMark with GFM tables, strikethrough, task lists and footnotes,
    /// and YAML (`---`) or TOML (`+++`) front matter.
    Markdown,
    /// Markdown whose top-level `import`/`export` lines and JSX are not prose.
    Mdx,
    /// Paragraphs separated by blank lines; lines starting with a bullet are
    /// list items.
    PlainText,
    /// A commit message: plain text without `#` comment lines and without
    /// anything below the scissors line.
    GitCommit,
    /// Plain text with nothing hidden, not even URLs and email addresses
    /// (Vale's `--ignore-syntax`).
    Verbatim,
}

impl DocumentKind {
    /// The kind for a file, by extension; anything unknown is plain text.
    pub fn from_path(path: &Path) -> DocumentKind {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("md" | "markdown" | "mdown" | "mkd") => DocumentKind::Markdown,
            Some("mdx") => DocumentKind::Mdx,
            _ if path.file_name().and_then(|n| n.to_str()) == Some("COMMIT_EDITMSG") => {
                DocumentKind::GitCommit
            }
            _ => DocumentKind::PlainText,
        }
    }

    /// The kind for an LSP language id.
    pub fn from_language_id(language_id: &str) -> DocumentKind {
        match language_id {
            "markdown" => DocumentKind::Markdown,
            "mdx" => DocumentKind::Mdx,
            "gitcommit" => DocumentKind::GitCommit,
            _ => DocumentKind::PlainText,
        }
    }

    pub fn is_markdown(self) -> bool {
        matches!(self, DocumentKind::Markdown | DocumentKind::Mdx)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BlockKind {
    Paragraph,
    Heading(u8),
    ListItem,
    TableCell,
}

/// Something in a block that is not prose, or that carries a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AtomKind {
    /// Inline code: a placeholder in prose.
    Code,
    /// A Markdown link: its text is prose, its URL is `target`.
    Link,
    /// A bare or autolinked URL: a placeholder in prose.
    Url,
    /// An email address: a placeholder in prose.
    Email,
    /// An image: a placeholder in prose; its URL is `target`.
    Image,
    /// A footnote reference (`[^1]`): a placeholder; its label is `target`.
    FootnoteRef,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Atom {
    pub kind: AtomKind,
    /// Where the atom stands in the block's prose (for a link, its text).
    pub prose: Range<usize>,
    /// The atom's whole source range.
    pub span: Range<usize>,
    /// The URL, email address, or footnote label, as written.
    pub target: Option<String>,
    /// Where `target` is in the source, when it can be found exactly.
    pub target_span: Option<Range<usize>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    /// Inside a block quote.
    pub in_quote: bool,
    pub prose: ProseText,
    /// Sentence ranges in `prose.text`.
    pub sentences: Vec<Range<usize>>,
    /// Word ranges in `prose.text`.
    pub words: Vec<Range<usize>>,
    pub atoms: Vec<Atom>,
}

impl Block {
    fn new(kind: BlockKind, in_quote: bool, mut prose: ProseText, mut atoms: Vec<Atom>) -> Block {
        // A block lives as long as its document: keep no spare capacity
        // from growing (up to half of each buffer, and the words alone take
        // 16 bytes a word, three times the text).
        prose.shrink_to_fit();
        atoms.shrink_to_fit();
        let mut sentences = if matches!(kind, BlockKind::Heading(_) | BlockKind::TableCell) {
            // Headings and cells are one unit each, punctuation or not.
            std::iter::once(0..prose.text.len()).collect()
        } else {
            segment::sentences(&prose.text)
        };
        sentences.shrink_to_fit();
        let mut words = segment::words(&prose.text);
        words.shrink_to_fit();
        Block {
            kind,
            in_quote,
            prose,
            sentences,
            words,
            atoms,
        }
    }

    pub fn text(&self) -> &str {
        &self.prose.text
    }

    /// The block's source range (from its first to its last prose byte).
    pub fn span(&self) -> Range<usize> {
        self.prose.source_start().unwrap_or(0)..self.prose.source_end().unwrap_or(0)
    }

    pub fn source_range(&self, prose: Range<usize>) -> Range<usize> {
        self.prose.source_range(prose)
    }

    pub fn word(&self, index: usize) -> &str {
        self.words
            .get(index)
            .map_or("", |range| &self.prose.text[range.clone()])
    }

    /// Words of the sentence at `sentence` (an index into `sentences`).
    pub fn sentence_words(&self, sentence: usize) -> &[Range<usize>] {
        let Some(range) = self.sentences.get(sentence) else {
            return &[];
        };
        let first = self.words.partition_point(|w| w.start < range.start);
        let last = self.words.partition_point(|w| w.end <= range.end);
        &self.words[first..last.max(first)]
    }

    pub fn is_heading(&self) -> bool {
        matches!(self.kind, BlockKind::Heading(_))
    }
}

/// Documents with at least this many blocks are worth checking on every
/// core (the checker's blocks, and the Vale metric rules' word counts).
pub const PARALLEL_BLOCKS: usize = 256;

/// A parsed text. Cheap to query; immutable once built.
#[derive(Debug, Clone)]
pub struct Document {
    text: String,
    kind: DocumentKind,
    pub front_matter: Option<FrontMatter>,
    pub blocks: Vec<Block>,
    /// copydesk directives (`<!-- copydesk-disable … -->`), in source order.
    pub directives: Vec<Directive>,
    /// Source ranges of every HTML comment outside code (Markdown), or of
    /// every directive line (plain text).
    pub comments: Vec<Range<usize>>,
    /// Source ranges of images' alt text (`![alt](url)`, Markdown), whether
    /// or not the image stands in a prose block.
    pub alt_texts: Vec<Range<usize>>,
    pub line_index: LineIndex,
    /// The file this text came from, when known (rules configured per
    /// file, such as Vale's glob sections, match it).
    path: Option<PathBuf>,
}

impl Document {
    pub fn parse(text: impl Into<String>, kind: DocumentKind) -> Document {
        let text = text.into();
        let line_index = LineIndex::new(&text);
        let mut document = Document {
            text,
            kind,
            front_matter: None,
            blocks: Vec::new(),
            directives: Vec::new(),
            comments: Vec::new(),
            alt_texts: Vec::new(),
            line_index,
            path: None,
        };
        match kind {
            DocumentKind::Markdown | DocumentKind::Mdx => markdown::parse(&mut document),
            DocumentKind::PlainText | DocumentKind::GitCommit | DocumentKind::Verbatim => {
                plain::parse(&mut document)
            }
        }
        document.directives = directives::parse(&document.text, &document.comments, kind);
        document.blocks.shrink_to_fit();
        document
    }

    /// The text and its line index, without parsing: enough to print
    /// findings computed earlier (the CLI's result cache), not to check.
    pub fn unparsed(text: impl Into<String>, kind: DocumentKind) -> Document {
        let text = text.into();
        Document {
            line_index: LineIndex::new(&text),
            text,
            kind,
            front_matter: None,
            blocks: Vec::new(),
            directives: Vec::new(),
            comments: Vec::new(),
            alt_texts: Vec::new(),
            path: None,
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Record the file this text came from.
    pub fn with_path(mut self, path: impl Into<PathBuf>) -> Document {
        self.path = Some(path.into());
        self
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    pub fn kind(&self) -> DocumentKind {
        self.kind
    }

    /// 1-based line and 1-based character column, as printers show them.
    pub fn line_column(&self, offset: usize) -> (usize, usize) {
        let position = self
            .line_index
            .position(&self.text, offset, ColumnUnit::Char);
        (position.line as usize + 1, position.col as usize + 1)
    }

    pub fn position(&self, offset: usize, unit: ColumnUnit) -> LineCol {
        self.line_index.position(&self.text, offset, unit)
    }

    pub fn offset(&self, position: LineCol, unit: ColumnUnit) -> usize {
        self.line_index.offset(&self.text, position, unit)
    }

    /// Number of words of prose in the whole document.
    pub fn word_count(&self) -> usize {
        self.blocks.iter().map(|block| block.words.len()).sum()
    }

    /// A front matter value by key (`platform`, `copydesk`), if any.
    pub fn front_matter_value(&self, key: &str) -> Option<&serde_json::Value> {
        self.front_matter.as_ref()?.data.get(key)
    }
}

/// Append source text to a block's prose, turning bare URLs and email
/// addresses into placeholder atoms.
pub(crate) fn push_text(
    prose: &mut ProseText,
    atoms: &mut Vec<Atom>,
    text: &str,
    source_start: usize,
) {
    let might_hold_atoms = memchr::memmem::find(text.as_bytes(), b"://").is_some()
        || memchr::memmem::find(text.as_bytes(), b"www.").is_some()
        || memchr::memchr(b'@', text.as_bytes()).is_some();
    if !might_hold_atoms {
        prose.push_source(text, source_start);
        return;
    }
    let mut cursor = 0;
    for found in url_or_email_regex().find_iter(text) {
        let (start, end) = (found.start(), found.end());
        // "@mention" has no local part; the regex already requires one, but a
        // URL glued to a word ("seehttps://") is left as prose, and so is a
        // Mastodon handle ("@ana@social.example"), which is no email address.
        if start > 0
            && text[..start]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '@')
        {
            continue;
        }
        prose.push_source(&text[cursor..start], source_start + cursor);
        let span = source_start + start..source_start + end;
        let placeholder = prose.push_placeholder(span.clone());
        let value = found.as_str();
        let kind = if value.contains('@') && !value.contains('/') {
            AtomKind::Email
        } else {
            AtomKind::Url
        };
        atoms.push(Atom {
            kind,
            prose: placeholder,
            span: span.clone(),
            target: Some(value.to_owned()),
            target_span: Some(span),
        });
        cursor = end;
    }
    prose.push_source(&text[cursor..], source_start + cursor);
}

fn url_or_email_regex() -> &'static regex::Regex {
    static REGEX: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(concat!(
            r"(?:https?://|www\.)[^\s<>]*[^\s<>.,;:!?'\x22)\]}”’]",
            r"|[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
        ))
        .expect("URL pattern is valid")
    });
    &REGEX
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str, kind: DocumentKind) -> Vec<(BlockKind, String)> {
        Document::parse(text, kind)
            .blocks
            .into_iter()
            .map(|b| (b.kind, b.prose.text))
            .collect()
    }

    #[test]
    fn lone_carriage_returns_end_lines_so_code_fences_close() {
        let text = "# Title\r\rSome prose.\r\r```go\r// not prose\r```\r\rMore prose.\r";
        let got = blocks(text, DocumentKind::Markdown);
        let prose: Vec<&str> = got.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(prose, ["Title", "Some prose.", "More prose."]);
    }

    #[test]
    fn image_alt_text_is_recorded_in_and_out_of_prose_blocks() {
        let text =
            "![Alone here](/a.png)\n\nSee [![Boxy [x] icon][ref]][ref] now.\n\n[ref]: https://x\n";
        let document = Document::parse(text, DocumentKind::Markdown);
        let alts: Vec<&str> = document
            .alt_texts
            .iter()
            .map(|r| &text[r.clone()])
            .collect();
        assert_eq!(alts, ["Alone here", "Boxy [x] icon"]);
    }

    #[test]
    fn markdown_prose_drops_markup_code_and_urls() {
        let text = "---\ntitle: Hi\n---\n# A *big* day\n\nWe did it **in\norder** to ship `code` at https://x.com/a.\n\n```\nin order to\n```\n\n- one item\n- [two](https://example.com) items\n\n| a | b |\n|---|---|\n| cell one | cell two |\n";
        let got = blocks(text, DocumentKind::Markdown);
        assert_eq!(
            got,
            [
                (BlockKind::Heading(1), "A big day".to_owned()),
                (
                    BlockKind::Paragraph,
                    "We did it in order to ship \u{FFFC} at \u{FFFC}.".to_owned()
                ),
                (BlockKind::ListItem, "one item".to_owned()),
                (BlockKind::ListItem, "two items".to_owned()),
                (BlockKind::TableCell, "a".to_owned()),
                (BlockKind::TableCell, "b".to_owned()),
                (BlockKind::TableCell, "cell one".to_owned()),
                (BlockKind::TableCell, "cell two".to_owned()),
            ]
        );
        let document = Document::parse(text, DocumentKind::Markdown);
        assert_eq!(
            document.front_matter_value("title"),
            Some(&serde_json::json!("Hi"))
        );
        let link = &document.blocks[3].atoms[0];
        assert_eq!(link.kind, AtomKind::Link);
        assert_eq!(link.target.as_deref(), Some("https://example.com"));
        let url_span = link.target_span.clone().unwrap();
        assert_eq!(&text[url_span], "https://example.com");
    }

    #[test]
    fn plain_text_paragraphs_and_bullets() {
        let text = "Hello team,\nwe shipped it.\n\n- first point\n* second point\n\nMail me at jo@example.com today.\n";
        let got = blocks(text, DocumentKind::PlainText);
        assert_eq!(
            got,
            [
                (
                    BlockKind::Paragraph,
                    "Hello team, we shipped it.".to_owned()
                ),
                (BlockKind::ListItem, "first point".to_owned()),
                (BlockKind::ListItem, "second point".to_owned()),
                (
                    BlockKind::Paragraph,
                    "Mail me at \u{FFFC} today.".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn mastodon_handles_are_prose_not_emails() {
        let got = blocks(
            "Thanks @ana@social.example, mail jo@example.com.",
            DocumentKind::Markdown,
        );
        assert_eq!(
            got,
            [(
                BlockKind::Paragraph,
                "Thanks @ana@social.example, mail \u{FFFC}.".to_owned()
            )]
        );
    }

    #[test]
    fn git_commit_skips_comments_and_below_scissors() {
        let text = "Fix the thing\n\nLonger body here.\n# Please enter the commit message\n# ------------------------ >8 ------------------------\ndiff --git a b\n";
        let got = blocks(text, DocumentKind::GitCommit);
        assert_eq!(
            got,
            [
                (BlockKind::Paragraph, "Fix the thing".to_owned()),
                (BlockKind::Paragraph, "Longer body here.".to_owned()),
            ]
        );
    }
}
