//! Unified diffs for people, minimal edits for editors.

use similar::{ChangeTag, TextDiff};

use crate::fix::Edit;

/// A unified diff of `old` → `new` with `path` in both headers, three lines
/// of context; empty when the texts are equal.
pub fn unified_diff(old: &str, new: &str, path: &str) -> String {
    if old == new {
        return String::new();
    }
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("a/{}", path.trim_start_matches('/')),
            &format!("b/{}", path.trim_start_matches('/')),
        )
        .to_string()
}

/// [`word_edits`] for `old` found at byte `at` of a larger text: the edits'
/// ranges are in that text.
pub fn word_edits_at(at: usize, old: &str, new: &str) -> Vec<Edit> {
    word_edits(old, new)
        .into_iter()
        .map(|edit| Edit::replace(edit.range.start + at..edit.range.end + at, edit.replacement))
        .collect()
}

/// The smallest word-level edits that turn `old` into `new`, as byte ranges
/// of `old`. Adjacent deletions and insertions merge into one replacement,
/// so an editor shows each changed phrase as one edit.
pub fn word_edits(old: &str, new: &str) -> Vec<Edit> {
    let diff = TextDiff::from_words(old, new);
    let mut edits: Vec<Edit> = Vec::new();
    let mut offset = 0;
    for change in diff.iter_all_changes() {
        let value = change.value();
        match change.tag() {
            ChangeTag::Equal => offset += value.len(),
            ChangeTag::Delete => {
                push_merged(&mut edits, offset..offset + value.len(), "");
                offset += value.len();
            }
            ChangeTag::Insert => push_merged(&mut edits, offset..offset, value),
        }
    }
    edits
}

fn push_merged(edits: &mut Vec<Edit>, range: std::ops::Range<usize>, text: &str) {
    if let Some(last) = edits.last_mut()
        && last.range.end == range.start
    {
        last.range.end = range.end;
        last.replacement.push_str(text);
        return;
    }
    edits.push(Edit::replace(range, text));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fix::apply_edits;

    #[test]
    fn unified_diff_has_headers_and_hunks() {
        let diff = unified_diff("a\nin order to\nc\n", "a\nto\nc\n", "post.md");
        assert!(diff.starts_with("--- a/post.md\n+++ b/post.md\n"), "{diff}");
        assert!(diff.contains("-in order to\n+to\n"), "{diff}");
        assert_eq!(unified_diff("same", "same", "x"), "");
    }

    #[test]
    fn word_edits_are_minimal_and_exact() {
        let old = "We did this in order to ship 😀 faster today.";
        let new = "We did this to ship 😀 faster.";
        let edits = word_edits(old, new);
        assert_eq!(apply_edits(old, &edits).as_deref(), Ok(new));
        assert!(edits.len() <= 2, "{edits:?}");
        // Nothing outside the changed words is touched.
        assert!(edits.iter().all(|e| !old[e.range.clone()].contains("ship")));
    }
}
