//! Layering one guide over another (a file over the built-in guide, each
//! rule's table over the default), derived from the types rather than
//! written key by key: lists add, an optional value that is set wins, maps
//! merge entry by entry, and a section merges field by field.
//!
//! A struct declared inside [`mergeable!`] merges every field with its
//! type's [`Merge`]; a field whose layering is its own (replace by id,
//! normalise keys) names a function with `@merge(path)`.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// `other` layered over `self`.
pub trait Merge {
    fn merge(&mut self, other: Self);

    /// `other` layered over `self`, by value.
    fn merged(mut self, other: Self) -> Self
    where
        Self: Sized,
    {
        self.merge(other);
        self
    }
}

/// Lists add: the later layer's rows come after the earlier one's.
impl<T> Merge for Vec<T> {
    fn merge(&mut self, other: Self) {
        self.extend(other);
    }
}

/// A value the later layer sets wins; two sections merge.
impl<T: Merge> Merge for Option<T> {
    fn merge(&mut self, other: Self) {
        match (self.as_mut(), other) {
            (Some(ours), Some(theirs)) => ours.merge(theirs),
            (None, Some(theirs)) => *self = Some(theirs),
            (_, None) => {}
        }
    }
}

/// Entry by entry: a key in both merges its values (a plain value: the
/// later one wins).
impl<K: Ord, V: Merge> Merge for BTreeMap<K, V> {
    fn merge(&mut self, other: Self) {
        for (key, value) in other {
            match self.entry(key) {
                std::collections::btree_map::Entry::Occupied(mut ours) => {
                    ours.get_mut().merge(value)
                }
                std::collections::btree_map::Entry::Vacant(slot) => {
                    slot.insert(value);
                }
            }
        }
    }
}

/// Plain values: the later layer wins.
macro_rules! merge_by_replacing {
    ($($ty:ty),* $(,)?) => {
        $(impl $crate::guide::merge::Merge for $ty {
            fn merge(&mut self, other: Self) {
                *self = other;
            }
        })*
    };
}

pub(crate) use merge_by_replacing;

merge_by_replacing!(
    String,
    PathBuf,
    bool,
    u64,
    usize,
    f32,
    f64,
    toml::Spanned<String>,
    crate::finding::Severity,
);

/// Declare a struct whose [`Merge`] merges every field in turn. A field
/// written `@merge(function) name: Type` is merged by
/// `function(&mut ours, theirs)` instead.
macro_rules! mergeable {
    (@field [] $ours:expr, $theirs:expr) => {
        $crate::guide::merge::Merge::merge(&mut $ours, $theirs)
    };
    (@field [$with:path] $ours:expr, $theirs:expr) => {
        $with(&mut $ours, $theirs)
    };
    (
        $(#[$attr:meta])*
        $vis:vis struct $name:ident {
            $(
                $(#[$field_attr:meta])*
                $(@merge($with:path))?
                $field_vis:vis $field:ident : $ty:ty
            ),* $(,)?
        }
    ) => {
        $(#[$attr])*
        $vis struct $name {
            $(
                $(#[$field_attr])*
                $field_vis $field: $ty,
            )*
        }

        impl $crate::guide::merge::Merge for $name {
            #[allow(unused_variables)]
            fn merge(&mut self, other: Self) {
                $( $crate::guide::merge::mergeable!(@field [$($with)?] self.$field, other.$field); )*
            }
        }
    };
}

pub(crate) use mergeable;

#[cfg(test)]
mod tests {
    use super::*;

    mergeable! {
        #[derive(Debug, Default, PartialEq)]
        struct Layer {
            name: Option<String>,
            rows: Vec<u64>,
            map: BTreeMap<String, Option<bool>>,
            @merge(keep_ours)
            fixed: Option<String>,
        }
    }

    fn keep_ours(ours: &mut Option<String>, theirs: Option<String>) {
        if ours.is_none() {
            *ours = theirs;
        }
    }

    #[test]
    fn later_values_win_lists_add_maps_merge_by_key() {
        let base = Layer {
            name: Some("base".into()),
            rows: vec![1, 2],
            map: BTreeMap::from([("a".into(), Some(true)), ("b".into(), Some(true))]),
            fixed: Some("first".into()),
        };
        let over = Layer {
            name: None,
            rows: vec![3],
            map: BTreeMap::from([("b".into(), Some(false)), ("c".into(), None)]),
            fixed: Some("second".into()),
        };
        let merged = base.merged(over);
        assert_eq!(merged.name.as_deref(), Some("base"));
        assert_eq!(merged.rows, [1, 2, 3]);
        assert_eq!(
            merged.map,
            BTreeMap::from([
                ("a".into(), Some(true)),
                ("b".into(), Some(false)),
                ("c".into(), None)
            ])
        );
        assert_eq!(merged.fixed.as_deref(), Some("first"));
        let named = Layer::default().merged(Layer {
            name: Some("over".into()),
            ..Layer::default()
        });
        assert_eq!(named.name.as_deref(), Some("over"));
    }
}
