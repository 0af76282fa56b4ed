//! The prose of one block as a reader reads it, mapped back to the source.
//!
//! Markdown puts markup between words (`in *order* to`) and line breaks in
//! the middle of phrases. Rules match on [`ProseText::text`], where markup is
//! gone, every whitespace run is one space, and non-prose atoms (inline code,
//! URLs, images) are one placeholder character; [`ProseText::source_range`]
//! maps a match back to exact source bytes.

use std::ops::Range;

/// Stands in for a non-prose atom (inline code, a URL, an image) in prose.
pub const PLACEHOLDER: char = '\u{FFFC}';

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SegmentKind {
    /// Prose bytes equal source bytes.
    Copy,
    /// Prose bytes stand for a source range of another length (a collapsed
    /// whitespace run, an entity, an escape, a placeholder).
    Replaced,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Segment {
    prose_start: usize,
    prose_end: usize,
    source_start: usize,
    source_end: usize,
    kind: SegmentKind,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProseText {
    pub text: String,
    segments: Vec<Segment>,
}

impl ProseText {
    /// Append source text that reads as it is written, collapsing whitespace
    /// runs to one space (and dropping whitespace at the very start). A single
    /// space stays inside the copied run, so ordinary prose is one segment.
    pub fn push_source(&mut self, source: &str, source_start: usize) {
        let bytes = source.as_bytes();
        // Most text has only single spaces inside: one copied run.
        let plain_inside = memchr::memchr3(b'\n', b'\t', b'\r', bytes).is_none()
            && memchr::memmem::find(bytes, b"  ").is_none()
            && !bytes.contains(&0x0c);
        if plain_inside && bytes.first().is_some_and(|b| *b != b' ') {
            self.push_copy(source, source_start);
            return;
        }
        let mut run_start = 0;
        let mut i = 0;
        while i < bytes.len() {
            if !is_space_byte(bytes[i]) {
                i += 1;
                continue;
            }
            let ws_start = i;
            while i < bytes.len() && is_space_byte(bytes[i]) {
                i += 1;
            }
            let at_start = ws_start == 0 && self.text.is_empty();
            let copied_prefix_ends_in_space =
                ws_start == run_start && ws_start == 0 && self.text.ends_with(' ');
            let plain_space = i - ws_start == 1
                && bytes[ws_start] == b' '
                && !at_start
                && !copied_prefix_ends_in_space;
            if plain_space {
                continue; // Keep it in the copied run.
            }
            if ws_start > run_start {
                self.push_copy(&source[run_start..ws_start], source_start + run_start);
            }
            self.push_space(source_start + ws_start..source_start + i);
            run_start = i;
        }
        if run_start < bytes.len() {
            self.push_copy(&source[run_start..], source_start + run_start);
        }
    }

    /// Append text that stands for `source` but is spelled differently there
    /// (an entity `&amp;`, an escape `\*`). Whitespace inside is collapsed.
    pub fn push_replaced(&mut self, text: &str, source: Range<usize>) {
        let collapsed = collapse_whitespace(text);
        if collapsed.is_empty() {
            return;
        }
        if collapsed == " " {
            self.push_space(source);
            return;
        }
        self.push_segment(&collapsed, source, SegmentKind::Replaced);
    }

    /// Append a single space standing for `source` (a line break or a run of
    /// whitespace), unless the prose already ends in whitespace or is empty.
    pub fn push_space(&mut self, source: Range<usize>) {
        match self.text.as_bytes().last() {
            // A space already ends the prose (inside a copied run or a
            // replaced space): the new run joins it, or stays a whitespace gap.
            None => {}
            Some(b' ') => {
                // Widen the previous space so a contiguous source run maps to
                // one space. Across a gap (dropped markup such as an HTML
                // comment) the gap must stay visible to `clean_source_range`.
                if let Some(last) = self.segments.last_mut()
                    && last.kind == SegmentKind::Replaced
                    && last.source_end == source.start
                {
                    last.source_end = source.end;
                }
            }
            Some(_) => self.push_segment(" ", source, SegmentKind::Replaced),
        }
    }

    /// Append a placeholder for a non-prose atom; returns its prose range.
    pub fn push_placeholder(&mut self, source: Range<usize>) -> Range<usize> {
        let start = self.text.len();
        let mut buffer = [0u8; 4];
        self.push_segment(
            PLACEHOLDER.encode_utf8(&mut buffer),
            source,
            SegmentKind::Replaced,
        );
        start..self.text.len()
    }

    fn push_copy(&mut self, text: &str, source_start: usize) {
        if let Some(last) = self.segments.last_mut()
            && last.kind == SegmentKind::Copy
            && last.source_end == source_start
            && last.prose_end == self.text.len()
        {
            self.text.push_str(text);
            last.prose_end = self.text.len();
            last.source_end += text.len();
            return;
        }
        self.push_segment(
            text,
            source_start..source_start + text.len(),
            SegmentKind::Copy,
        );
    }

    fn push_segment(&mut self, text: &str, source: Range<usize>, kind: SegmentKind) {
        let prose_start = self.text.len();
        self.text.push_str(text);
        self.segments.push(Segment {
            prose_start,
            prose_end: self.text.len(),
            source_start: source.start,
            source_end: source.end,
            kind,
        });
    }

    /// Drop a trailing space, so prose never ends in whitespace.
    pub fn trim_end(&mut self) {
        while self.text.ends_with(' ') {
            let Some(last) = self.segments.last_mut() else {
                break;
            };
            self.text.pop();
            if last.kind == SegmentKind::Copy {
                last.prose_end -= 1;
                last.source_end -= 1;
            } else {
                last.prose_end = last.prose_end.min(self.text.len());
            }
            if last.prose_end <= last.prose_start {
                self.segments.pop();
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Drop spare capacity left from appending.
    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.segments.shrink_to_fit();
    }

    /// The source byte range a prose range covers. A bound inside a replaced
    /// segment widens to the whole segment.
    pub fn source_range(&self, prose: Range<usize>) -> Range<usize> {
        let start = self.map_start(prose.start);
        let end = self.map_end(prose.end).max(start);
        start..end
    }

    /// Like [`source_range`](Self::source_range), but only when replacing the
    /// source range is the same as replacing the prose range: no markup
    /// (emphasis markers, link brackets, block-quote markers) is hidden in
    /// between and no bound cuts through a replaced segment. Fixes use this;
    /// a match that spans markup is reported without an automatic edit.
    pub fn clean_source_range(&self, prose: Range<usize>, source: &str) -> Option<Range<usize>> {
        if prose.start > prose.end || prose.end > self.text.len() {
            return None;
        }
        let first = self.segment_index_at_or_after(prose.start)?;
        let mut previous_end: Option<usize> = None;
        for segment in &self.segments[first..] {
            if segment.prose_start >= prose.end
                && !(prose.is_empty() && segment.prose_start == prose.start)
            {
                break;
            }
            if segment.kind == SegmentKind::Replaced
                && (segment.prose_start < prose.start || segment.prose_end > prose.end)
                && !prose.is_empty()
            {
                // A space at the edge of a match is fine to cut through only if
                // the match does not include it; otherwise the bound is unclear.
                return None;
            }
            if let Some(end) = previous_end {
                let gap = source.get(end..segment.source_start)?;
                if !gap.bytes().all(is_space_byte) {
                    return None;
                }
            }
            previous_end = Some(segment.source_end);
        }
        Some(self.source_range(prose))
    }

    fn segment_index_at_or_after(&self, prose_offset: usize) -> Option<usize> {
        let index = self
            .segments
            .partition_point(|segment| segment.prose_end <= prose_offset);
        (index < self.segments.len()).then_some(index)
    }

    fn map_start(&self, prose_offset: usize) -> usize {
        let index = self
            .segments
            .partition_point(|segment| segment.prose_end <= prose_offset);
        match self.segments.get(index) {
            Some(segment) if segment.prose_start <= prose_offset => match segment.kind {
                SegmentKind::Copy => segment.source_start + (prose_offset - segment.prose_start),
                SegmentKind::Replaced => segment.source_start,
            },
            Some(segment) => segment.source_start,
            None => self.segments.last().map_or(0, |s| s.source_end),
        }
    }

    fn map_end(&self, prose_offset: usize) -> usize {
        let index = self
            .segments
            .partition_point(|segment| segment.prose_end < prose_offset);
        match self.segments.get(index) {
            Some(segment) if segment.prose_start < prose_offset => match segment.kind {
                SegmentKind::Copy => segment.source_start + (prose_offset - segment.prose_start),
                SegmentKind::Replaced => segment.source_end,
            },
            Some(segment) => segment.source_start,
            None => self.segments.last().map_or(0, |s| s.source_end),
        }
    }

    /// The source position where the prose starts (for an empty block, 0).
    pub fn source_start(&self) -> Option<usize> {
        self.segments.first().map(|s| s.source_start)
    }

    pub fn source_end(&self) -> Option<usize> {
        self.segments.last().map(|s| s.source_end)
    }
}

fn is_space_byte(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
}

fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last_space = false;
    for c in text.chars() {
        if c.is_ascii_whitespace() {
            if !last_space {
                out.push(' ');
            }
            last_space = true;
        } else {
            out.push(c);
            last_space = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_across_collapsed_whitespace() {
        let source = "in\n   order  to";
        let mut prose = ProseText::default();
        prose.push_source(source, 0);
        assert_eq!(prose.text, "in order to");
        assert_eq!(prose.source_range(0..11), 0..source.len());
        assert_eq!(prose.source_range(3..8), 6..11);
        assert_eq!(
            prose.clean_source_range(0..11, source),
            Some(0..source.len())
        );
    }

    #[test]
    fn markup_between_words_is_not_clean() {
        // "in *order* to": emphasis markers are gaps in the source.
        let source = "in *order* to";
        let mut prose = ProseText::default();
        prose.push_source("in ", 0);
        prose.push_source("order", 4);
        prose.push_source(" to", 10);
        assert_eq!(prose.text, "in order to");
        assert_eq!(prose.source_range(0..11), 0..13);
        assert_eq!(prose.clean_source_range(0..11, source), None);
        assert_eq!(prose.clean_source_range(3..8, source), Some(4..9));
    }

    #[test]
    fn whitespace_after_dropped_markup_keeps_the_gap() {
        // "a <!-- c --> b": the comment is dropped; a fix over the space
        // between "a" and "b" must not be clean.
        let source = "a <!-- c --> b";
        let mut prose = ProseText::default();
        prose.push_source("a ", 0);
        prose.push_source(" b", 12);
        assert_eq!(prose.text, "a b");
        assert_eq!(prose.clean_source_range(0..3, source), None);
        assert_eq!(prose.clean_source_range(2..3, source), Some(13..14));
    }

    #[test]
    fn placeholders_stand_for_atoms() {
        let source = "run `cargo test` now";
        let mut prose = ProseText::default();
        prose.push_source("run ", 0);
        let range = prose.push_placeholder(4..16);
        prose.push_source(" now", 16);
        assert_eq!(prose.text, "run \u{FFFC} now");
        assert_eq!(prose.source_range(range.clone()), 4..16);
        assert_eq!(
            prose.clean_source_range(range.start..range.start + 1, source),
            None
        );
    }
}
