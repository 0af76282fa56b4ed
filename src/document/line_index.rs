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
        LineIndex {
            line_starts,
            len: text.len(),
        }
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
        let prefix = &text[start..offset];
        let col = match unit {
            ColumnUnit::Utf8 => prefix.len(),
            ColumnUnit::Utf16 => prefix.chars().map(char::len_utf16).sum(),
            ColumnUnit::Char => prefix.chars().count(),
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
                let mut units = 0;
                for (index, c) in content.char_indices() {
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
}
