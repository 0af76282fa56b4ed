//! The post as a platform shows it, for the page's preview: the published
//! text (Markdown markers removed: the text Ready to post copies), its
//! hashtags, mentions and links, each link as the platform displays it, the
//! fold and the overflow, and where a link card would go. Nothing is
//! fetched: the card is a placeholder naming the link's host.
//!
//! Offsets are UTF-8 byte offsets of the published text (`plain` in the
//! check response).

use std::ops::Range;

use serde::Serialize;

use crate::guide::platforms::Platform;
use crate::rules::share::rendered::RenderedPost;
use crate::rules::share::tags;

/// The placeholder X shows a link as: every URL is wrapped in a t.co link
/// and counted as 23 characters, whatever its length.
pub(crate) const X_LINK: &str = "https://t.co/xxxxxxxxxx";

/// Characters of a link Mastodon and Bluesky show (host and path, no
/// scheme) before cutting it with “…”.
const SHORT_LINK_CHARS: usize = 30;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Kind {
    Hashtag,
    Mention,
    Link,
}

/// A hashtag, mention or link of the published text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Entity {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    /// What the platform shows in its place (links only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shown: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Preview {
    pub entities: Vec<Entity>,
    /// Where “…see more” cuts the published text.
    pub fold: Option<usize>,
    /// Where the platform's limit is passed.
    pub overflow: Option<usize>,
    /// The host of the link a card would show (the first link), if the
    /// platform shows link cards.
    pub card: Option<String>,
    /// How the platform shows links, said on the page.
    pub links: &'static str,
}

/// The preview of `rendered` on `platform`, over the limit at `overflow`.
pub(crate) fn preview(
    rendered: &RenderedPost,
    platform: &Platform,
    overflow: Option<usize>,
) -> Preview {
    let text = rendered.text.as_str();
    let in_url = |range: &Range<usize>| {
        rendered
            .urls
            .iter()
            .any(|url| url.start < range.end && range.start < url.end)
    };
    let mut entities: Vec<Entity> = tags::hashtags(text)
        .map(|range| (Kind::Hashtag, range))
        .chain(tags::mentions(text).map(|range| (Kind::Mention, range)))
        .filter(|(_, range)| !in_url(range))
        .map(|(kind, range)| Entity {
            kind,
            start: range.start,
            end: range.end,
            shown: None,
        })
        .collect();
    entities.extend(rendered.urls.iter().map(|url| Entity {
        kind: Kind::Link,
        start: url.start,
        end: url.end,
        shown: Some(shown_link(&platform.id, &text[url.clone()])),
    }));
    entities.sort_by_key(|e| (e.start, e.end));
    let fold = platform
        .fold_chars
        .and_then(|fold| text.char_indices().nth(fold).map(|(at, _)| at));
    // Instagram does not link URLs in captions, so it shows no card.
    let card = (platform.id != "instagram")
        .then(|| rendered.urls.first().map(|url| host(&text[url.clone()])))
        .flatten();
    let links = match platform.id.as_str() {
        "x" => "X shows every link as a t.co link, counted as 23 characters",
        "mastodon" => {
            "Mastodon shows a link without https:// and cut after 30 characters; it counts 23"
        }
        "bluesky" => "Bluesky shows a link without https:// and cut after 30 characters",
        "instagram" => "Instagram does not make links in a caption clickable",
        _ => "links as written",
    };
    Preview {
        entities,
        fold,
        overflow,
        card,
        links,
    }
}

/// A link as `platform` displays it.
fn shown_link(platform: &str, url: &str) -> String {
    match platform {
        "x" => X_LINK.to_owned(),
        "mastodon" | "bluesky" => {
            let bare = without_scheme(url);
            if bare.chars().count() <= SHORT_LINK_CHARS {
                bare.to_owned()
            } else {
                let cut: String = bare.chars().take(SHORT_LINK_CHARS).collect();
                format!("{cut}…")
            }
        }
        _ => url.to_owned(),
    }
}

fn without_scheme(url: &str) -> &str {
    let bare = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .unwrap_or(url);
    bare.strip_prefix("www.").unwrap_or(bare)
}

/// The host of a link, as a card shows it.
fn host(url: &str) -> String {
    let bare = without_scheme(url);
    bare.split(['/', '?', '#'])
        .next()
        .unwrap_or(bare)
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{Document, DocumentKind};
    use crate::guide::platforms;

    fn of(text: &str, platform: &str) -> (String, Preview) {
        let document = Document::parse(text, DocumentKind::Markdown);
        let rendered = RenderedPost::new(&document);
        let guide = crate::guide::Guide::builtin();
        let platform = platforms::resolve(&guide, platform).expect("a known platform");
        let preview = preview(&rendered, &platform, None);
        (rendered.text, preview)
    }

    #[test]
    fn links_are_shown_as_each_platform_shortens_them() {
        let text = "**Big** news from @acme_team #launch: https://www.example.com/blog/2026/the-new-search-is-here?utm=x\n";
        let (plain, x) = of(text, "x");
        assert!(!plain.contains("**"));
        let kinds: Vec<(&Kind, &str)> = x
            .entities
            .iter()
            .map(|e| (&e.kind, &plain[e.start..e.end]))
            .collect();
        assert_eq!(
            kinds,
            [
                (&Kind::Mention, "@acme_team"),
                (&Kind::Hashtag, "#launch"),
                (
                    &Kind::Link,
                    "https://www.example.com/blog/2026/the-new-search-is-here?utm=x"
                ),
            ]
        );
        assert_eq!(x.entities[2].shown.as_deref(), Some(X_LINK));
        assert_eq!(X_LINK.chars().count(), 23);
        assert_eq!(x.card.as_deref(), Some("example.com"));
        let (_, mastodon) = of(text, "mastodon");
        assert_eq!(
            mastodon.entities[2].shown.as_deref(),
            Some("example.com/blog/2026/the-new-…")
        );
        let (_, linkedin) = of(text, "linkedin");
        assert_eq!(
            linkedin.entities[2].shown.as_deref(),
            Some("https://www.example.com/blog/2026/the-new-search-is-here?utm=x")
        );
        let (_, instagram) = of(text, "instagram");
        assert_eq!(instagram.card, None, "no card on Instagram");
    }

    #[test]
    fn a_hash_or_at_inside_a_link_is_part_of_the_link_and_folds_fall_on_characters() {
        let text = format!("Read https://example.com/a@b#c and {}\n", "é".repeat(300));
        let (plain, linkedin) = of(&text, "linkedin");
        assert_eq!(linkedin.entities.len(), 1, "{:?}", linkedin.entities);
        assert_eq!(linkedin.entities[0].kind, Kind::Link);
        let fold = linkedin.fold.expect("a long post folds on LinkedIn");
        assert_eq!(plain[..fold].chars().count(), 210);
        let (_, x) = of(&text, "x");
        assert_eq!(x.fold, None, "X does not fold");
    }
}
