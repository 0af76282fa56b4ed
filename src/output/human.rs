//! The default format, rustc/ruff style:
//!
//! ```text
//! warning[concise/wordy-phrase]: Wordy phrase “in order to”
//!   --> post.md:3:23
//!    |
//!  3 | We rebuilt the editor in order to ship faster.
//!    |                       ^^^^^^^^^^^
//!    = help: Replace with “to”
//! ```
//!
//! Styles are written unless the printer is told the output is plain; then
//! none are formatted at all (stripping them afterwards cost more than the
//! rest of the printer). A file's report is formatted into one buffer and
//! written at once.

use std::io::{self, Write};
use std::ops::Range;

use anstyle::{AnsiColor, Style};
use unicode_width::UnicodeWidthStr;

use super::{FileReport, Printer, Summary, line_column, plural};
use crate::document::Document;
use crate::finding::{Finding, Severity};
use crate::fix::Applicability;

#[derive(Default)]
pub struct HumanPrinter {
    pub summary: bool,
    /// Write no styles: the output is not a colour terminal.
    pub plain: bool,
}

/// The styles of one run: real ones, or all plain (which format as nothing).
#[derive(Clone, Copy)]
struct Palette {
    bold: Style,
    gutter: Style,
    help: Style,
    styled: bool,
}

impl Palette {
    fn new(styled: bool) -> Palette {
        let pick = |style: Style| if styled { style } else { Style::new() };
        Palette {
            bold: pick(Style::new().bold()),
            gutter: pick(AnsiColor::Blue.on_default().bold()),
            help: pick(AnsiColor::Cyan.on_default().bold()),
            styled,
        }
    }

    fn severity(&self, severity: Severity) -> Style {
        if !self.styled {
            return Style::new();
        }
        match severity {
            Severity::Error => AnsiColor::Red.on_default().bold(),
            Severity::Warning => AnsiColor::Yellow.on_default().bold(),
            Severity::Info => AnsiColor::Cyan.on_default().bold(),
            Severity::Hint => AnsiColor::Green.on_default().bold(),
        }
    }
}

impl Printer for HumanPrinter {
    fn file(&mut self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
        let mut buffer = Vec::with_capacity(256 * report.findings.len() + 64);
        self.write_file(&mut buffer, report)?;
        out.write_all(&buffer)
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        let bold = Palette::new(!self.plain).bold;
        if let Some(tally) = &summary.score {
            writeln!(
                out,
                "{bold}score{bold:#}: {}: {}",
                plural(tally.files, "file"),
                tally.score().describe()
            )?;
        }
        if self.summary {
            writeln!(out, "{bold}{}{bold:#}", summary.sentence())?;
        }
        Ok(())
    }
}

impl HumanPrinter {
    fn write_file(&self, out: &mut Vec<u8>, report: &FileReport) -> io::Result<()> {
        let palette = Palette::new(!self.plain);
        let bold = palette.bold;
        if let Some(error) = report.error {
            let style = palette.severity(Severity::Error);
            writeln!(
                out,
                "{style}error{style:#}{bold}: {}: {error}{bold:#}",
                report.path
            )?;
            writeln!(out)?;
        }
        // Source excerpts never show a sensitive value, whichever finding
        // they illustrate.
        // A value is reported once but may stand in several places: hide
        // every occurrence of it.
        let text = report.document.map_or("", |d| d.text());
        let mut concealed: Vec<Range<usize>> = Vec::new();
        for finding in report.findings.iter().filter(|f| f.sensitive) {
            concealed.push(finding.span.clone());
            if let Some(value) = text.get(finding.span.clone()).filter(|v| !v.is_empty()) {
                concealed.extend(
                    text.match_indices(value)
                        .map(|(at, _)| at..at + value.len()),
                );
            }
        }
        for finding in report.findings {
            write_finding(
                out,
                &palette,
                report.path,
                report.document,
                finding,
                &concealed,
            )?;
        }
        if let Some(tally) = &report.score {
            writeln!(
                out,
                "{bold}score{bold:#}: {}: {}",
                report.path,
                tally.score().describe()
            )?;
        }
        Ok(())
    }
}

fn write_finding(
    out: &mut Vec<u8>,
    palette: &Palette,
    path: &str,
    document: Option<&Document>,
    finding: &Finding,
    concealed: &[Range<usize>],
) -> io::Result<()> {
    let style = palette.severity(finding.severity);
    let Palette {
        bold, gutter, help, ..
    } = *palette;
    writeln!(
        out,
        "{style}{}[{}]{style:#}{bold}: {}{bold:#}",
        finding.severity,
        finding.rule,
        printable(&finding.message)
    )?;
    let (line, column) = line_column(document, finding.span.start);
    let gutter_width = line.to_string().len();
    let pad = " ".repeat(gutter_width);
    writeln!(out, "{pad}{gutter}-->{gutter:#} {path}:{line}:{column}")?;
    if let Some(document) = document {
        let text = document.text();
        let index = &document.line_index;
        let line_index = index.line_of(finding.span.start);
        let line_start = index.line_start(line_index);
        let line_end = index.line_content_end(text, line_index);
        let start = finding.span.start.clamp(line_start, line_end);
        let end = finding.span.end.clamp(start, line_end);
        let shown = |range: Range<usize>| conceal(text, range, concealed);
        let prefix_width = display_width(&shown(line_start..start));
        let marker_width = display_width(&shown(start..end)).max(1);
        let continues = finding.span.end > line_end;
        writeln!(out, "{pad} {gutter}|{gutter:#}")?;
        writeln!(
            out,
            "{gutter}{line:>gutter_width$} |{gutter:#} {}",
            printable(&shown(line_start..line_end))
        )?;
        writeln!(
            out,
            "{pad} {gutter}|{gutter:#} {}{style}{}{}{style:#}",
            " ".repeat(prefix_width),
            "^".repeat(marker_width),
            if continues { "…" } else { "" }
        )?;
    }
    for fix in &finding.fixes {
        let marker = match fix.applicability {
            Applicability::Safe => "",
            Applicability::Unsafe => " (unsafe fix)",
            Applicability::DisplayOnly => " (suggestion)",
        };
        writeln!(
            out,
            "{pad} {gutter}={gutter:#} {help}help{help:#}: {}{marker}",
            fix.title
        )?;
    }
    if let Some(note) = &finding.note {
        writeln!(out, "{pad} {gutter}={gutter:#} {bold}note{bold:#}: {note}")?;
    }
    writeln!(out)
}

/// `text[range]` with every letter and digit inside a concealed range
/// replaced by `*` (punctuation kept, so the shape and width stay).
fn conceal(text: &str, range: Range<usize>, concealed: &[Range<usize>]) -> String {
    let slice = &text[range.clone()];
    if !concealed
        .iter()
        .any(|c| c.start < range.end && range.start < c.end)
    {
        return slice.to_owned();
    }
    slice
        .char_indices()
        .map(|(i, c)| {
            let at = range.start + i;
            if c.is_alphanumeric() && concealed.iter().any(|r| r.contains(&at)) {
                '*'
            } else {
                c
            }
        })
        .collect()
}

/// `text` safe to put on a terminal: tabs as four spaces, and every other
/// control character (a lone `\r`, escape, DEL, C1) as a visible symbol of
/// one column, so it can neither move the cursor nor start an escape
/// sequence.
fn printable(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return text.to_owned();
    }
    text.chars()
        .map(|c| match c {
            '\t' => "    ".to_owned(),
            // The Control Pictures block has one symbol per C0 control.
            '\0'..='\u{1f}' => char::from_u32(0x2400 + c as u32)
                .unwrap_or('\u{fffd}')
                .to_string(),
            '\u{7f}' => '\u{2421}'.to_string(),
            c if c.is_control() => '\u{fffd}'.to_string(),
            c => c.to_string(),
        })
        .collect()
}

fn display_width(text: &str) -> usize {
    // This runs once per finding over the line up to it, which for a
    // Markdown paragraph is a long line. Printable ASCII, Latin letters and
    // the common punctuation (curly quotes, dashes, ellipsis) are one column
    // a character and a tab four; only other text needs the Unicode tables,
    // which also know about emoji sequences and combining marks.
    let mut width = 0;
    for c in text.chars() {
        width += match c {
            // Not U+00AD, the soft hyphen: it takes no column.
            ' '..='~' | '\u{a0}'..='\u{ac}' | '\u{ae}'..='\u{2ff}' | '\u{2010}'..='\u{2027}' => 1,
            '\t' => 4,
            _ => return printable(text).width(),
        };
    }
    width
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_not_sent() {
        let shown = printable("a\rb\u{1b}[31mc\td\u{7f}\u{85}");
        assert_eq!(shown, "a\u{240d}b\u{241b}[31mc    d\u{2421}\u{fffd}");
        assert!(!shown.chars().any(char::is_control));
        // One column each, so carets stay under the text they mark.
        assert_eq!(display_width("a\rb"), 3);
    }

    #[test]
    fn fast_width_agrees_with_the_unicode_tables() {
        // Every character the fast path counts as one column is one column
        // to unicode-width too, alone and in a run, so carets line up the same.
        let fast = (' '..='~')
            .chain('\u{a0}'..='\u{ac}')
            .chain('\u{ae}'..='\u{2ff}')
            .chain('\u{2010}'..='\u{2027}');
        let mut run = String::new();
        for c in fast {
            assert_eq!(display_width(&c.to_string()), 1, "{c:?}");
            assert_eq!(c.to_string().width(), 1, "{c:?}");
            run.push(c);
        }
        assert_eq!(display_width(&run), run.width());
        for text in [
            "a\tb",
            "“Quoted” — text…",
            "日本語 mixed",
            "👩‍💻 dev",
            "e\u{301}",
            "soft\u{ad}hyphen",
        ] {
            assert_eq!(display_width(text), printable(text).width(), "{text:?}");
        }
    }
}
