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
//! rest of the printer). Each finding is formatted into one reused buffer and
//! written at once, so a file with a million findings streams in constant
//! memory.
//!
//! A long line is not reprinted whole for every finding: the excerpt is a
//! window of at most [`CONTEXT_CHARS`] characters either side of the
//! finding (and at most [`SPAN_CHARS`] of the finding itself), cut at
//! characters and marked with `…`, so output grows with the number of
//! findings, not with findings × line length.

use std::io::{self, Write};
use std::ops::Range;

use anstyle::{AnsiColor, Style};
use unicode_width::UnicodeWidthStr;

use super::{FileReport, Printer, Summary, line_column, plural};
use crate::document::Document;
use crate::document::line_index::floor_char_boundary;
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
        self.write_file(out, report)
    }

    fn finish(&mut self, out: &mut dyn Write, summary: &Summary) -> io::Result<()> {
        let bold = Palette::new(!self.plain).bold;
        if let Some(tally) = &summary.score {
            writeln!(
                out,
                "{bold}score{bold:#}: {}: {}",
                plural(tally.files, "file"),
                super::describe_score(&tally.score())
            )?;
        }
        if self.summary {
            writeln!(out, "{bold}{}{bold:#}", summary.sentence())?;
        }
        Ok(())
    }
}

impl HumanPrinter {
    fn write_file(&self, out: &mut dyn Write, report: &FileReport) -> io::Result<()> {
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
        let concealed = Concealed::new(concealed.into_iter());
        let mut buffer = Vec::with_capacity(1024);
        for finding in report.findings {
            buffer.clear();
            write_finding(
                &mut buffer,
                &palette,
                report.path,
                report.document,
                finding,
                &concealed,
            )?;
            out.write_all(&buffer)?;
        }
        if let Some(tally) = &report.score {
            writeln!(
                out,
                "{bold}score{bold:#}: {}: {}",
                report.path,
                super::describe_score(&tally.score())
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
    concealed: &Concealed,
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
        let excerpt = Excerpt::new(document, finding.span.clone(), concealed);
        writeln!(out, "{pad} {gutter}|{gutter:#}")?;
        writeln!(
            out,
            "{gutter}{line:>gutter_width$} |{gutter:#} {}",
            excerpt.text
        )?;
        writeln!(
            out,
            "{pad} {gutter}|{gutter:#} {}{style}{}{}{style:#}",
            " ".repeat(excerpt.prefix_width),
            "^".repeat(excerpt.marker_width),
            if excerpt.continues { "…" } else { "" }
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

/// Characters of context shown on each side of a finding.
const CONTEXT_CHARS: usize = 60;
/// Characters of a finding's own text shown before the rest is cut.
const SPAN_CHARS: usize = 120;
const ELLIPSIS: &str = "…";

/// The line shown under a finding, and where its underline goes.
struct Excerpt {
    /// The window of the line, concealed, tabs expanded, `…` where cut.
    text: String,
    /// Columns before the underline.
    prefix_width: usize,
    /// Columns of the underline (at least one).
    marker_width: usize,
    /// The finding goes on past what is underlined.
    continues: bool,
}

impl Excerpt {
    /// The window of the finding's first line around `span`: every
    /// boundary on a character, each step bounded by a count of characters,
    /// so the cost does not depend on the line's length.
    fn new(document: &Document, span: Range<usize>, concealed: &Concealed) -> Excerpt {
        let text = document.text();
        let index = &document.line_index;
        let line = index.line_of(span.start);
        let line_start = index.line_start(line);
        let line_end = index.line_content_end(text, line);
        let start = floor_char_boundary(text, span.start.clamp(line_start, line_end));
        let end = floor_char_boundary(text, span.end.clamp(start, line_end));
        let from = back_chars(text, line_start, start, CONTEXT_CHARS);
        let shown_end = forward_chars(text, start, end, SPAN_CHARS);
        let to = if shown_end < end {
            shown_end
        } else {
            forward_chars(text, end, line_end, CONTEXT_CHARS)
        };
        let cut_before = if from > line_start { ELLIPSIS } else { "" };
        let cut_after = if to < line_end { ELLIPSIS } else { "" };
        let before = concealed.apply(text, from..start);
        let marked = concealed.apply(text, start..shown_end);
        let after = concealed.apply(text, shown_end..to);
        Excerpt {
            prefix_width: display_width(cut_before) + display_width(&before),
            marker_width: display_width(&marked).max(1),
            continues: span.end > shown_end,
            text: printable(&format!("{cut_before}{before}{marked}{after}{cut_after}")),
        }
    }
}

/// The offset `count` characters before `end`, not before `floor`.
fn back_chars(text: &str, floor: usize, end: usize, count: usize) -> usize {
    text[floor..end]
        .char_indices()
        .rev()
        .take(count)
        .last()
        .map_or(end, |(index, _)| floor + index)
}

/// The offset `count` characters after `start`, not past `ceiling`.
fn forward_chars(text: &str, start: usize, ceiling: usize, count: usize) -> usize {
    text[start..ceiling]
        .char_indices()
        .nth(count)
        .map_or(ceiling, |(index, _)| start + index)
}

/// The sensitive spans of a file, merged into sorted disjoint ranges so the
/// ones touching an excerpt are found by binary search.
struct Concealed(Vec<Range<usize>>);

impl Concealed {
    fn new(spans: impl Iterator<Item = Range<usize>>) -> Concealed {
        let mut spans: Vec<Range<usize>> = spans.filter(|s| s.start < s.end).collect();
        spans.sort_by_key(|s| s.start);
        let mut merged: Vec<Range<usize>> = Vec::with_capacity(spans.len());
        for span in spans {
            match merged.last_mut() {
                Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
                _ => merged.push(span),
            }
        }
        Concealed(merged)
    }

    /// `text[range]` with every letter and digit inside a concealed range
    /// replaced by `*` (punctuation kept, so the shape and width stay).
    fn apply(&self, text: &str, range: Range<usize>) -> String {
        let slice = &text[range.clone()];
        let first = self.0.partition_point(|c| c.end <= range.start);
        let touching = &self.0[first..];
        let touching = &touching[..touching.partition_point(|c| c.start < range.end)];
        if touching.is_empty() {
            return slice.to_owned();
        }
        slice
            .char_indices()
            .map(|(i, c)| {
                let at = range.start + i;
                if c.is_alphanumeric() && touching.iter().any(|r| r.contains(&at)) {
                    '*'
                } else {
                    c
                }
            })
            .collect()
    }
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

    fn excerpt(text: &str, span: Range<usize>) -> Excerpt {
        let document = Document::parse(text, crate::document::DocumentKind::PlainText);
        Excerpt::new(&document, span, &Concealed::new(std::iter::empty()))
    }

    #[test]
    fn long_lines_show_a_window_cut_at_characters() {
        let before = "语".repeat(200);
        let after = "😀".repeat(200);
        let text = format!("{before}in order to{after}");
        let start = before.len();
        let shown = excerpt(&text, start..start + "in order to".len());
        assert_eq!(
            shown.text,
            format!("…{}in order to{}…", "语".repeat(60), "😀".repeat(60))
        );
        // The ellipsis is one column and each CJK character two.
        assert_eq!(shown.prefix_width, 1 + 120);
        assert_eq!(shown.marker_width, 11);
        assert!(!shown.continues);
    }

    #[test]
    fn short_lines_and_line_edges_are_not_cut() {
        let text = "We rebuilt it in order to ship.\nNext line";
        let start = text.find("in order").unwrap();
        let shown = excerpt(text, start..start + 11);
        assert_eq!(shown.text, "We rebuilt it in order to ship.");
        assert_eq!(shown.prefix_width, 14);
        // A finding at the very start of a long line has no leading cut.
        let long = format!("Start {}", "word ".repeat(100));
        let shown = excerpt(&long, 0..5);
        assert!(shown.text.starts_with("Start word"));
        assert!(shown.text.ends_with('…'));
        assert_eq!(shown.text.chars().count(), 5 + 60 + 1);
    }

    #[test]
    fn long_findings_underline_a_bounded_part_and_say_they_go_on() {
        let text = format!("Intro {} end", "é".repeat(1000));
        let start = "Intro ".len();
        let shown = excerpt(&text, start..start + 2000);
        assert_eq!(shown.text, format!("Intro {}…", "é".repeat(120)));
        assert_eq!(shown.prefix_width, 6);
        assert_eq!(shown.marker_width, 120);
        assert!(shown.continues);
    }

    #[test]
    fn concealed_values_stay_hidden_in_windows() {
        let text = format!("{} call 555-0100 now", "x ".repeat(100));
        let value = text.find("555").unwrap();
        let concealed = Concealed::new([value..value + 8, value + 2..value + 5].into_iter());
        let document = Document::parse(&*text, crate::document::DocumentKind::PlainText);
        let shown = Excerpt::new(&document, value..value + 8, &concealed);
        assert!(shown.text.contains("call ***-**** now"), "{}", shown.text);
        assert!(shown.text.starts_with('…'));
    }
}
