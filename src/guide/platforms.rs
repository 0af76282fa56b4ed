//! The platforms a post can be for: the built-in table (`platforms.toml`),
//! with the guide's `[sharing.limits.NAME]` laid over it.

use std::sync::LazyLock;

use serde::Deserialize;

use crate::guide::{Counting, Guide, Merge, PlatformLimits};

/// A platform with its effective limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Platform {
    /// Canonical lowercase id (`x`, `linkedin`, or a guide's own name).
    pub id: String,
    /// As the platform writes its name (`X`, `LinkedIn`).
    pub name: String,
    pub counting: Counting,
    pub max_chars: Option<usize>,
    pub max_hashtags: Option<usize>,
    pub max_mentions: Option<usize>,
    pub max_links: Option<usize>,
    pub fold_chars: Option<usize>,
}

/// `deny_unknown_fields` is on the flattened limits: serde cannot deny
/// them here too.
#[derive(Debug, Deserialize)]
struct TableRow {
    name: String,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(flatten)]
    limits: PlatformLimits,
    #[allow(dead_code)]
    last_checked: String,
    #[allow(dead_code)]
    source: String,
}

#[derive(Debug, Deserialize)]
struct Table {
    #[allow(dead_code)]
    version: u32,
    #[serde(flatten)]
    platforms: std::collections::BTreeMap<String, TableRow>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    toml::from_str(include_str!("platforms.toml")).expect("the built-in platform table is valid")
});

/// The canonical id of a built-in platform named `name` or one of its
/// aliases, case-insensitively.
pub fn builtin(name: &str) -> Option<&'static str> {
    let name = name.trim().to_ascii_lowercase();
    TABLE
        .platforms
        .iter()
        .find(|(id, row)| **id == name || row.aliases.contains(&name))
        .map(|(id, _)| id.as_str())
}

/// The built-in platforms' ids, for messages: "x, bluesky, …".
pub fn known_names() -> String {
    let mut ids: Vec<&str> = TABLE.platforms.keys().map(String::as_str).collect();
    ids.sort_by_key(|id| display_order(id));
    ids.join(", ")
}

fn display_order(id: &str) -> usize {
    [
        "x",
        "linkedin",
        "bluesky",
        "threads",
        "mastodon",
        "instagram",
    ]
    .iter()
    .position(|known| *known == id)
    .unwrap_or(usize::MAX)
}

/// Resolve a platform name for `guide`: a built-in one (with the guide's
/// overrides) or one the guide defines under `[sharing.limits.NAME]`.
pub fn resolve(guide: &Guide, name: &str) -> Option<Platform> {
    let lower = name.trim().to_ascii_lowercase();
    let limits = &guide.config.sharing.limits;
    match builtin(&lower) {
        Some(id) => {
            let row = &TABLE.platforms[id];
            let mut effective = row.limits.clone();
            // The guide may key its override by the id or by an alias.
            for key in std::iter::once(id).chain(row.aliases.iter().map(String::as_str)) {
                if let Some(over) = limits.get(key) {
                    effective = effective.merged(over.clone());
                }
            }
            Some(platform(id, &row.name, effective))
        }
        None => limits
            .get(&lower)
            .map(|over| platform(&lower, name.trim(), over.clone())),
    }
}

fn platform(id: &str, name: &str, limits: PlatformLimits) -> Platform {
    Platform {
        id: id.to_owned(),
        name: name.to_owned(),
        counting: limits.counting.unwrap_or(Counting::Characters),
        max_chars: limits.max_chars,
        max_hashtags: limits.max_hashtags,
        max_mentions: limits.max_mentions,
        max_links: limits.max_links,
        fold_chars: limits.fold_chars,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_parses_with_dates_and_aliases() {
        assert_eq!(builtin("Twitter"), Some("x"));
        assert_eq!(builtin("bsky"), Some("bluesky"));
        assert_eq!(builtin("myspace"), None);
        for (id, row) in &TABLE.platforms {
            assert!(
                crate::guide::Date::parse(&row.last_checked).is_some(),
                "{id} has no valid last_checked"
            );
            assert!(row.limits.max_chars.is_some(), "{id} has no max_chars");
        }
        let x = resolve(&Guide::builtin(), "x").unwrap();
        assert_eq!((x.name.as_str(), x.max_chars), ("X", Some(280)));
        assert_eq!(x.counting, Counting::XWeighted);
    }
}
