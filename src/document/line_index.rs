//! Byte offsets ↔ line/column positions, in UTF-8 bytes, UTF-16 code units
//! and characters. Every front end converts through here, once, at its edge.
//!
//! Lines end at `\n`, `\r\n` or a lone `\r`, as the Language Server
//! Protocol counts them (old Mac files use `\r` alone). A position past the
//! end of a line's content clamps to the end of the content, never into the
//! middle of `\r\n`.

/// A position as a 0-based line and a 0-based column in some unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// The unit a column counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ColumnUnit {
    Utf8,
    Utf16,
    Char,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset where each line starts; always starts with 0.
    line_starts: Vec<usize>,
    len: usize,
    /// Characters and UTF-16 code units before every multiple of
    /// [`CHECKPOINT_STRIDE`] bytes; empty when the text is ASCII (where every
    /// unit is a byte). A column is the difference of two such counts, so a
    /// position costs at most two short scans however long its line is: a
    /// one-line document of megabytes with a finding every few words stays
    /// linear.
    checkpoints: Vec<UnitCounts>,
}

/// How many bytes apart [`LineIndex`] keeps running unit counts.
const CHECKPOINT_STRIDE: usize = 128;

/// Characters and UTF-16 code units in a prefix of the text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct UnitCounts {
    chars: usize,
    utf16: usize,
}

impl UnitCounts {
    /// The counts of `bytes`, which may start or end inside a character: a
    /// character counts where its first byte is, and a four-byte character
    /// (a surrogate pair in UTF-16) counts two UTF-16 units there.
    fn of(bytes: &[u8]) -> UnitCounts {
        let mut counts = UnitCounts::default();
        for &byte in bytes {
            let starts_char = usize::from(!is_continuation(byte));
            counts.chars += starts_char;
            counts.utf16 += starts_char + usize::from(byte >= 0xF0);
        }
        counts
    }

    /// The count in `unit`; UTF-8 columns are byte differences and never
    /// come here.
    fn get(self, unit: ColumnUnit) -> usize {
        if unit == ColumnUnit::Utf16 {
            self.utf16
        } else {
            self.chars
        }
    }
}

fn is_continuation(byte: u8) -> bool {
    byte & 0xC0 == 0x80
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut line_starts = Vec::with_capacity(text.len() / 40 + 1);
        line_starts.push(0);
        let bytes = text.as_bytes();
        line_starts.extend(
            memchr::memchr2_iter(b'\n', b'\r', bytes)
                // The `\r` of `\r\n` ends nothing: its `\n` ends the line.
                .filter(|&i| !(bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n')))
                .map(|i| i + 1),
        );
        let checkpoints = if text.is_ascii() {
            Vec::new()
        } else {
            let mut running = UnitCounts::default();
            let mut checkpoints = Vec::with_capacity(text.len() / CHECKPOINT_STRIDE + 1);
            checkpoints.push(running);
            for chunk in text.as_bytes().chunks(CHECKPOINT_STRIDE) {
                let counts = UnitCounts::of(chunk);
                running.chars += counts.chars;
                running.utf16 += counts.utf16;
                checkpoints.push(running);
            }
            checkpoints
        };
        LineIndex {
            line_starts,
            len: text.len(),
            checkpoints,
        }
    }

    /// Units of `unit` in `text[..offset]`, from the nearest checkpoint.
    fn units_before(&self, text: &str, offset: usize, unit: ColumnUnit) -> usize {
        if unit == ColumnUnit::Utf8 || self.checkpoints.is_empty() {
            return offset;
        }
        let checkpoint = offset / CHECKPOINT_STRIDE;
        let base = self.checkpoints[checkpoint].get(unit);
        base + UnitCounts::of(&text.as_bytes()[checkpoint * CHECKPOINT_STRIDE..offset]).get(unit)
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The 0-based line holding `offset` (offsets past the end clamp).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line).copied().unwrap_or(self.len)
    }

    /// End of the line's content: before its `\n`, `\r\n` or `\r`, or the
    /// end of text.
    pub fn line_content_end(&self, text: &str, line: usize) -> usize {
        let Some(&next) = self.line_starts.get(line + 1) else {
            return self.len;
        };
        let bytes = text.as_bytes();
        let mut end = next - 1; // the `\n` or lone `\r`
        if bytes.get(end) == Some(&b'\n')
            && end > self.line_start(line)
            && bytes.get(end - 1) == Some(&b'\r')
        {
            end -= 1;
        }
        end
    }

    /// The text of a line without its terminator.
    pub fn line_text<'t>(&self, text: &'t str, line: usize) -> &'t str {
        let start = self.line_start(line).min(text.len());
        let end = self.line_content_end(text, line).max(start);
        &text[start..end]
    }

    /// Convert a byte offset to a line and a column in `unit`. An offset
    /// inside a character rounds down to that character's start.
    pub fn position(&self, text: &str, offset: usize, unit: ColumnUnit) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let col = if unit == ColumnUnit::Utf8 || offset - start <= 2 * CHECKPOINT_STRIDE {
            let prefix = &text[start..offset];
            match unit {
                ColumnUnit::Utf8 => prefix.len(),
                ColumnUnit::Utf16 => prefix.chars().map(char::len_utf16).sum(),
                ColumnUnit::Char => prefix.chars().count(),
            }
        } else {
            self.units_before(text, offset, unit) - self.units_before(text, start, unit)
        };
        LineCol {
            line: to_u32(line),
            col: to_u32(col),
        }
    }

    /// Convert a line and column in `unit` to a byte offset. Lines past the
    /// end clamp to the end of the text; columns past the end of a line clamp
    /// to the end of its content; a UTF-16 column inside a surrogate pair
    /// rounds down to the character's start.
    pub fn offset(&self, text: &str, position: LineCol, unit: ColumnUnit) -> usize {
        self.offset_split(text, position, unit).0
    }

    /// [`LineIndex::offset`], and whether the column fell inside a character
    /// (between the halves of a surrogate pair, or between the bytes of a
    /// UTF-8 sequence) and was rounded down to its start.
    pub fn offset_split(&self, text: &str, position: LineCol, unit: ColumnUnit) -> (usize, bool) {
        let line = position.line as usize;
        if line >= self.line_starts.len() {
            return (self.len, false);
        }
        let start = self.line_start(line);
        let end = self.line_content_end(text, line);
        let content = &text[start..end];
        let wanted = position.col as usize;
        match unit {
            ColumnUnit::Utf8 => {
                let clamped = wanted.min(content.len());
                let floor = floor_char_boundary(content, clamped);
                (start + floor, floor != clamped)
            }
            ColumnUnit::Utf16 | ColumnUnit::Char => {
                // Start scanning from the last checkpoint on this line at or
                // before the wanted column, so a long line is not walked
                // from its start.
                let (from, mut units) = self.scan_start(text, start, end, wanted, unit);
                for (index, c) in text[from..end].char_indices() {
                    let index = from - start + index;
                    let width = if unit == ColumnUnit::Utf16 {
                        c.len_utf16()
                    } else {
                        1
                    };
                    if units + width > wanted {
                        return (start + index, units != wanted);
                    }
                    units += width;
                }
                (end, false)
            }
        }
    }
}

impl LineIndex {
    /// Where to start looking for `wanted` units into the line
    /// `start..end`, and how many units precede that place on the line.
    fn scan_start(
        &self,
        text: &str,
        start: usize,
        end: usize,
        wanted: usize,
        unit: ColumnUnit,
    ) -> (usize, usize) {
        if self.checkpoints.is_empty() {
            // ASCII: a unit is a byte.
            let from = start + wanted.min(end - start);
            return (from, from - start);
        }
        let first = start.div_ceil(CHECKPOINT_STRIDE);
        let last = end / CHECKPOINT_STRIDE;
        if first > last {
            return (start, 0);
        }
        let line_base = self.units_before(text, start, unit);
        let target = line_base + wanted;
        let within = &self.checkpoints[first..=last];
        let count = within.partition_point(|counts| counts.get(unit) <= target);
        if count == 0 {
            return (start, 0);
        }
        let checkpoint = first + count - 1;
        // A checkpoint inside a character counts that character already, so
        // scanning resumes at the next character boundary.
        let mut from = checkpoint * CHECKPOINT_STRIDE;
        while !text.is_char_boundary(from) {
            from += 1;
        }
        (from, self.checkpoints[checkpoint].get(unit) - line_base)
    }
}

/// The largest char boundary at or before `index`.
pub fn floor_char_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_in_each_unit() {
        let text = "ab\n😀x语\r\nlast";
        let index = LineIndex::new(text);
        assert_eq!(index.line_count(), 3);
        let x = text.find('x').unwrap();
        assert_eq!(
            index.position(text, x, ColumnUnit::Utf8),
            LineCol { line: 1, col: 4 }
        );
        assert_eq!(
            index.position(text, x, ColumnUnit::Utf16),
            LineCol { line: 1, col: 2 }
        );
        assert_eq!(
            index.position(text, x, ColumnUnit::Char),
            LineCol { line: 1, col: 1 }
        );
        let yu = text.find('语').unwrap();
        assert_eq!(
            index.offset(text, LineCol { line: 1, col: 3 }, ColumnUnit::Utf16),
            yu
        );
        // Past the end of the line clamps before the CRLF.
        let end = index.offset(text, LineCol { line: 1, col: 99 }, ColumnUnit::Utf16);
        assert_eq!(&text[end..end + 2], "\r\n");
        // Inside a surrogate pair rounds down, and says so.
        assert_eq!(
            index.offset_split(text, LineCol { line: 1, col: 1 }, ColumnUnit::Utf16),
            (3, true)
        );
        assert_eq!(
            index.offset_split(text, LineCol { line: 1, col: 2 }, ColumnUnit::Utf16),
            (x, false)
        );
        assert_eq!(
            index.offset_split(text, LineCol { line: 1, col: 2 }, ColumnUnit::Utf8),
            (3, true)
        );
        assert_eq!(
            index.offset(text, LineCol { line: 7, col: 0 }, ColumnUnit::Utf16),
            text.len()
        );
        assert_eq!(index.line_text(text, 1), "😀x语");
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let text = "one\rtwo\r\nthree\nfour\r";
        let index = LineIndex::new(text);
        // "one", "two", "three", "four", and the empty line after the last `\r`.
        assert_eq!(index.line_count(), 5);
        let three = text.find("three").unwrap();
        assert_eq!(
            index.position(text, three, ColumnUnit::Utf16),
            LineCol { line: 2, col: 0 }
        );
        let two = text.find("two").unwrap();
        assert_eq!(
            index.position(text, two + 1, ColumnUnit::Utf8),
            LineCol { line: 1, col: 1 }
        );
        assert_eq!(index.line_text(text, 0), "one");
        assert_eq!(index.line_text(text, 1), "two");
        assert_eq!(index.line_text(text, 3), "four");
        // Past the end of a line clamps before its lone `\r`.
        assert_eq!(
            index.offset(text, LineCol { line: 0, col: 9 }, ColumnUnit::Utf16),
            3
        );
        assert_eq!(
            index.offset(text, LineCol { line: 1, col: 0 }, ColumnUnit::Char),
            two
        );
    }

    /// Every offset of long mixed lines (ASCII, Latin, CJK, emoji, CRLF)
    /// converts like a scan from the line start, both ways.
    #[test]
    fn checkpoints_agree_with_scanning_from_the_line_start() {
        let pieces = ["ab ", "é", "语", "😀", "x", "👩‍💻", "z"];
        let mut text = String::new();
        for i in 0..3000 {
            text.push_str(pieces[(i * 5 + i / 13) % pieces.len()]);
            match i % 400 {
                150 => text.push_str("\r\n"),
                300 => text.push_str(&"q".repeat(300)),
                399 => text.push('\n'),
                _ => {}
            }
        }
        let index = LineIndex::new(&text);
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            let line = index.line_of(offset);
            let start = index.line_start(line);
            let prefix = &text[start..offset];
            for (unit, expected) in [
                (ColumnUnit::Char, prefix.chars().count()),
                (ColumnUnit::Utf16, prefix.chars().map(char::len_utf16).sum()),
                (ColumnUnit::Utf8, prefix.len()),
            ] {
                let position = index.position(&text, offset, unit);
                assert_eq!(position.col as usize, expected, "{offset} {unit:?}");
                let back = index.offset(&text, position, unit);
                let content_end = index.line_content_end(&text, line);
                assert_eq!(back, offset.min(content_end), "{offset} {unit:?}");
            }
        }
        // Columns past a long line's end clamp to its content's end, and a
        // UTF-16 column inside a surrogate pair rounds down.
        let long_line = (0..index.line_count())
            .max_by_key(|&l| index.line_text(&text, l).len())
            .unwrap();
        let end = index.line_content_end(&text, long_line);
        let past = LineCol {
            line: to_u32(long_line),
            col: u32::MAX,
        };
        assert_eq!(index.offset(&text, past, ColumnUnit::Utf16), end);
        let emoji =
            index.line_start(long_line) + index.line_text(&text, long_line).rfind('😀').unwrap();
        let at = index.position(&text, emoji, ColumnUnit::Utf16);
        let inside = LineCol {
            col: at.col + 1,
            ..at
        };
        assert_eq!(index.offset(&text, inside, ColumnUnit::Utf16), emoji);
    }
}
