//! Suggestions remembered per document version: each Bridge option is
//! listed as its own action once computed, picking another costs no model
//! call, and the hover shows them. An edit clears them (`State::change`).

use std::ops::Range;
use std::sync::Arc;

use tower_lsp_server::ls_types::Uri;

use super::super::state::{OpenDocument, State};
use super::request::ModelKind;
use crate::llm::Suggestion;

/// Remembered suggestion sets per document (the oldest goes first).
const MAX_REMEMBERED: usize = 16;

/// Suggestions computed for one version of a document.
#[derive(Debug, Clone)]
pub struct Remembered {
    pub version: i32,
    pub kind: ModelKind,
    /// The resolved target: the rewritten range, or the insertion point.
    pub target: Range<usize>,
    pub suggestions: Arc<[Suggestion]>,
}

/// Remember `remembered` on `document`, in place of an earlier set for the
/// same kind and target; the oldest set goes when there are too many.
pub fn remember(document: &mut OpenDocument, remembered: Remembered) {
    remember_in(&mut document.suggestions, remembered);
}

fn remember_in(sets: &mut Vec<Remembered>, remembered: Remembered) {
    sets.retain(|r| !(r.kind == remembered.kind && r.target == remembered.target));
    if sets.len() >= MAX_REMEMBERED {
        sets.remove(0);
    }
    sets.push(remembered);
}

/// The set remembered for exactly this version, kind and target.
pub fn find<'a>(
    sets: &'a [Remembered],
    version: i32,
    kind: ModelKind,
    target: &Range<usize>,
) -> Option<&'a Remembered> {
    sets.iter()
        .find(|r| r.version == version && r.kind == kind && &r.target == target)
}

/// The remembered model suggestions for the current version of `uri`, for
/// the hover.
pub fn remembered_for_hover(state: &State, uri: &Uri) -> Vec<Suggestion> {
    state
        .documents
        .get(uri)
        .map(|document| {
            document
                .suggestions
                .iter()
                .filter(|r| r.version == document.version)
                .flat_map(|r| r.suggestions.iter().cloned())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
pub(in crate::server) mod tests {
    use super::*;

    fn set(version: i32, kind: ModelKind, target: Range<usize>, title: &str) -> Remembered {
        Remembered {
            version,
            kind,
            target: target.clone(),
            suggestions: Arc::from(vec![suggestion(title, target.clone(), "")]),
        }
    }

    /// A suggestion to replace `range` with `replacement`.
    pub(in crate::server) fn suggestion(
        title: &str,
        range: Range<usize>,
        replacement: &str,
    ) -> Suggestion {
        Suggestion {
            action: crate::llm::Action::Bridge,
            title: title.to_owned(),
            range: range.clone(),
            original: String::new(),
            replacement: replacement.to_owned(),
            edits: vec![crate::fix::Edit::replace(range, replacement)],
            diff: String::new(),
            provenance: crate::fix::Provenance::Rule,
            cached: false,
        }
    }

    fn titles(sets: &[Remembered]) -> Vec<&str> {
        sets.iter()
            .flat_map(|r| r.suggestions.iter().map(|s| s.title.as_str()))
            .collect()
    }

    #[test]
    fn a_new_set_for_the_same_target_replaces_the_old_one() {
        let mut sets = Vec::new();
        remember_in(&mut sets, set(1, ModelKind::Bridge, 5..5, "first"));
        remember_in(&mut sets, set(1, ModelKind::TightenSentence, 0..9, "tight"));
        remember_in(&mut sets, set(1, ModelKind::Bridge, 5..5, "again"));
        assert_eq!(titles(&sets), ["tight", "again"]);
        assert_eq!(
            find(&sets, 1, ModelKind::Bridge, &(5..5)).map(|r| titles(std::slice::from_ref(r))),
            Some(vec!["again"])
        );
        assert!(
            find(&sets, 2, ModelKind::Bridge, &(5..5)).is_none(),
            "another version"
        );
        assert!(
            find(&sets, 1, ModelKind::Bridge, &(6..6)).is_none(),
            "another target"
        );
    }

    #[test]
    fn at_most_sixteen_sets_are_kept_the_oldest_going_first() {
        let mut sets = Vec::new();
        for at in 0..20 {
            remember_in(
                &mut sets,
                set(1, ModelKind::Bridge, at..at, &at.to_string()),
            );
        }
        assert_eq!(sets.len(), MAX_REMEMBERED);
        assert_eq!(sets.first().map(|r| r.target.start), Some(4));
        assert_eq!(sets.last().map(|r| r.target.start), Some(19));
    }
}
