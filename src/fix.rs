//! Edits and fixes, and applying them to text without overlap.
//!
//! Everything here works on byte offsets into one version of a text. Applying
//! never touches bytes outside the edits' ranges; edits that overlap an edit
//! already accepted are skipped, never merged.

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

/// Replace `range` (byte offsets, end-exclusive) with `replacement`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Edit {
    pub range: Range<usize>,
    pub replacement: String,
}

impl Edit {
    pub fn replace(range: Range<usize>, replacement: impl Into<String>) -> Edit {
        Edit {
            range,
            replacement: replacement.into(),
        }
    }

    pub fn delete(range: Range<usize>) -> Edit {
        Edit::replace(range, "")
    }

    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit::replace(at..at, text)
    }
}

/// How safe a fix is to apply without the writer looking at it.
///
/// Ordered `DisplayOnly < Unsafe < Safe`, so "at least Unsafe" is a comparison.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Shown to the writer, never applied by `--fix` (several candidates, or a
    /// model's suggestion).
    DisplayOnly,
    /// Applied by `--fix --unsafe-fixes`: may change tone or meaning.
    Unsafe,
    /// Applied by `--fix`: one unambiguous replacement, meaning kept.
    Safe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::DisplayOnly => "display-only",
            Applicability::Unsafe => "unsafe",
            Applicability::Safe => "safe",
        }
    }
}

impl fmt::Display for Applicability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a fix came from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Provenance {
    /// A deterministic rule (the finding's rule id says which).
    Rule,
    /// A language model, with the prompt template version that asked it.
    Model { model: String, prompt: String },
}

/// One way to resolve a finding: a titled set of non-overlapping edits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fix {
    /// Imperative, no trailing period: "Replace with “to”".
    pub title: String,
    pub edits: Vec<Edit>,
    pub applicability: Applicability,
    pub provenance: Provenance,
}

impl Fix {
    pub fn new(title: String, edits: Vec<Edit>, applicability: Applicability) -> Fix {
        Fix {
            title,
            edits,
            applicability,
            provenance: Provenance::Rule,
        }
    }

    pub fn safe(title: String, edit: Edit) -> Fix {
        Fix::new(title, vec![edit], Applicability::Safe)
    }

    pub fn unsafe_(title: String, edit: Edit) -> Fix {
        Fix::new(title, vec![edit], Applicability::Unsafe)
    }

    pub fn display_only(title: String, edit: Edit) -> Fix {
        Fix::new(title, vec![edit], Applicability::DisplayOnly)
    }

    /// The byte range spanned by all of this fix's edits.
    pub fn range(&self) -> Option<Range<usize>> {
        let start = self.edits.iter().map(|e| e.range.start).min()?;
        let end = self.edits.iter().map(|e| e.range.end).max()?;
        Some(start..end)
    }
}

/// Why a set of edits could not be applied to a text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditError {
    #[error("edit range {start}..{end} is outside the text ({len} bytes)")]
    OutOfBounds {
        start: usize,
        end: usize,
        len: usize,
    },
    #[error("edit range {start}..{end} does not fall on character boundaries")]
    NotCharBoundary { start: usize, end: usize },
    #[error("edits overlap at byte {at}")]
    Overlap { at: usize },
}

/// Apply non-overlapping edits to `text`. Edits may come in any order.
pub fn apply_edits(text: &str, edits: &[Edit]) -> Result<String, EditError> {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|edit| (edit.range.start, edit.range.end));
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    for edit in sorted {
        let Range { start, end } = edit.range;
        if start > end || end > text.len() {
            return Err(EditError::OutOfBounds {
                start,
                end,
                len: text.len(),
            });
        }
        if !text.is_char_boundary(start) || !text.is_char_boundary(end) {
            return Err(EditError::NotCharBoundary { start, end });
        }
        if start < cursor {
            return Err(EditError::Overlap { at: start });
        }
        out.push_str(&text[cursor..start]);
        out.push_str(&edit.replacement);
        cursor = end;
    }
    out.push_str(&text[cursor..]);
    Ok(out)
}

/// Choose, from fixes in priority order, the largest prefix-greedy set whose
/// edits do not overlap each other. Two insertions at the same point overlap,
/// as do an insertion and a replacement that starts or ends there: their order
/// would be ambiguous.
pub fn non_overlapping<'a>(fixes: impl IntoIterator<Item = &'a Fix>) -> Vec<&'a Fix> {
    let mut taken: Vec<Range<usize>> = Vec::new();
    let mut chosen = Vec::new();
    for fix in fixes {
        let clashes = fix
            .edits
            .iter()
            .any(|edit| taken.iter().any(|other| ranges_clash(&edit.range, other)));
        let self_clash = fix.edits.iter().enumerate().any(|(i, a)| {
            fix.edits[i + 1..]
                .iter()
                .any(|b| ranges_clash(&a.range, &b.range))
        });
        if clashes || self_clash {
            continue;
        }
        taken.extend(fix.edits.iter().map(|edit| edit.range.clone()));
        chosen.push(fix);
    }
    chosen
}

fn ranges_clash(a: &Range<usize>, b: &Range<usize>) -> bool {
    if a.is_empty() || b.is_empty() {
        // An insertion clashes with anything that touches its point.
        return a.start <= b.end && b.start <= a.end;
    }
    a.start < b.end && b.start < a.end
}

/// What kind of fix a rule can offer, for listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixable {
    /// Never offers a fix.
    No,
    /// Offers fixes; the best is Safe when there is exactly one answer.
    Safe,
    /// Offers fixes that need `--unsafe-fixes`.
    Unsafe,
    /// Offers candidates to choose from, never applied automatically.
    DisplayOnly,
}

impl Fixable {
    pub fn as_str(self) -> &'static str {
        match self {
            Fixable::No => "no",
            Fixable::Safe => "safe",
            Fixable::Unsafe => "unsafe",
            Fixable::DisplayOnly => "suggest",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_edits_in_any_order() {
        let text = "We did it in order to ship it.";
        let edits = [Edit::replace(27..29, "them"), Edit::replace(10..21, "to")];
        assert_eq!(
            apply_edits(text, &edits).as_deref(),
            Ok("We did it to ship them.")
        );
    }

    #[test]
    fn rejects_overlap_and_bad_ranges() {
        let text = "héllo";
        assert!(matches!(
            apply_edits(text, &[Edit::replace(0..3, "a"), Edit::replace(1..4, "b")]),
            Err(EditError::Overlap { .. })
        ));
        assert!(matches!(
            apply_edits(text, &[Edit::replace(2..3, "e")]),
            Err(EditError::NotCharBoundary { .. })
        ));
        assert!(matches!(
            apply_edits(text, &[Edit::replace(4..99, "")]),
            Err(EditError::OutOfBounds { .. })
        ));
    }

    #[test]
    fn non_overlapping_keeps_first_of_clashing_fixes() {
        let a = Fix::safe("a".into(), Edit::replace(0..5, "x"));
        let b = Fix::safe("b".into(), Edit::replace(3..8, "y"));
        let c = Fix::safe("c".into(), Edit::replace(8..9, "z"));
        let d = Fix::safe("d".into(), Edit::insert(8, "!"));
        let chosen = non_overlapping([&a, &b, &c, &d]);
        let titles: Vec<&str> = chosen.iter().map(|f| f.title.as_str()).collect();
        assert_eq!(titles, ["a", "c"]);
    }

    #[test]
    fn applicability_orders_display_only_lowest() {
        assert!(Applicability::DisplayOnly < Applicability::Unsafe);
        assert!(Applicability::Unsafe < Applicability::Safe);
    }
}
