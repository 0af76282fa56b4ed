//! A writer that drops ANSI escape sequences: how styled output (the human
//! format) reaches a file, a pipe, or a terminal with colour off.
//!
//! anstream's strip adapter does the same for any input, a byte at a time,
//! and cost a sixth of a whole `copydesk check` run writing the human format
//! to a file. Printers only ever write SGR sequences (`ESC [ … m`) and plain
//! UTF-8, so this one finds ESC with memchr and copies everything between.

use std::io::{self, Write};

pub struct PlainWriter<W: Write> {
    inner: W,
    /// Inside an escape sequence that an earlier write began.
    in_escape: bool,
}

impl<W: Write> PlainWriter<W> {
    pub fn new(inner: W) -> PlainWriter<W> {
        PlainWriter {
            inner,
            in_escape: false,
        }
    }

    pub fn into_inner(self) -> W {
        self.inner
    }
}

impl<W: Write> Write for PlainWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while !rest.is_empty() {
            if self.in_escape {
                // Parameters and intermediates run until a final byte
                // (0x40–0x7E) after the opening `[`.
                match rest
                    .iter()
                    .position(|&b| (0x40..=0x7e).contains(&b) && b != b'[')
                {
                    Some(end) => {
                        self.in_escape = false;
                        rest = &rest[end + 1..];
                    }
                    None => rest = &[],
                }
                continue;
            }
            match memchr::memchr(0x1b, rest) {
                Some(escape) => {
                    self.inner.write_all(&rest[..escape])?;
                    self.in_escape = true;
                    rest = &rest[escape + 1..];
                }
                None => {
                    self.inner.write_all(rest)?;
                    rest = &[];
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_styles_even_when_split_across_writes() {
        let mut writer = PlainWriter::new(Vec::new());
        write!(writer, "\x1b[1m\x1b[33mwarning\x1b[0m: “naïve” ok\x1b[").unwrap();
        write!(writer, "0m done").unwrap();
        assert_eq!(
            String::from_utf8(writer.into_inner()).unwrap(),
            "warning: “naïve” ok done"
        );
    }
}
