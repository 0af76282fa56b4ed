//! Post metadata: which platforms a post is for, whether it is sponsored,
//! and how its author relates to the organisation.
//!
//! Computed once per document, from (first match wins) the front matter
//! (`platform: x`, `platforms: [x, linkedin]`, `sponsored: true`,
//! `author: employee`), the caller's `--platform`, and `[sharing]` in the
//! guide. Rules read it from [`Context::post`](crate::rules::Context).
//!
//! A document is a *social post* when a platform is known for it and it is
//! not one of the guide's key-message files. The guide's `platforms` count
//! only for documents inside `[sharing] posts` when that is set; without
//! it, for every document (the built-in guide lists no platform, so by
//! default only front matter and `--platform` make a post social).
//! Platform rules (length-limit, hashtags, mentions, the link count) and
//! social-post rules (key-message-copy, the employee disclosure) run only
//! on social posts; leak rules run on everything.

use std::ops::Range;

use serde_json::Value;

use crate::document::Document;
use crate::guide::platforms::{self, Platform};
use crate::guide::{AuthorRelationship, Guide};

/// Where the platform list came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlatformSource {
    FrontMatter,
    Options,
    Guide,
    /// No platform is known: platform-specific rules stay silent.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostMeta {
    /// The platforms the post is for, resolved, without duplicates.
    pub platforms: Vec<Platform>,
    pub platform_source: PlatformSource,
    pub sponsored: bool,
    pub author: AuthorRelationship,
    /// Names in the front matter that are no known platform, with the front
    /// matter's span (share/length-limit reports them).
    pub unknown_platforms: Vec<String>,
    /// Problems with the sharing keys of the front matter (`author: boss`).
    pub front_matter_problems: Vec<String>,
    pub front_matter_span: Option<Range<usize>>,
    /// The document is one of the guide's key-message files: the source
    /// of posts, never a post itself.
    pub key_message: bool,
}

impl Default for PostMeta {
    fn default() -> PostMeta {
        PostMeta {
            platforms: Vec::new(),
            platform_source: PlatformSource::Unknown,
            sponsored: false,
            author: AuthorRelationship::Independent,
            unknown_platforms: Vec::new(),
            front_matter_problems: Vec::new(),
            front_matter_span: None,
            key_message: false,
        }
    }
}

impl PostMeta {
    /// Resolve a document's metadata. `options_platforms` are the caller's
    /// (`--platform`); names they hold were validated by the caller, and
    /// unknown ones are skipped here.
    pub fn resolve(document: &Document, options_platforms: &[String], guide: &Guide) -> PostMeta {
        let mut meta = PostMeta {
            front_matter_span: document.front_matter.as_ref().map(|f| f.span.clone()),
            key_message: document
                .path()
                .is_some_and(|path| guide.is_key_message_file(path)),
            ..PostMeta::default()
        };
        let front_matter_names = document
            .front_matter_value("platforms")
            .or_else(|| document.front_matter_value("platform"))
            .map(string_list)
            .unwrap_or_default();
        let sharing = &guide.config.sharing;
        let (names, source) = if !front_matter_names.is_empty() {
            (front_matter_names, PlatformSource::FrontMatter)
        } else if !options_platforms.is_empty() {
            (options_platforms.to_vec(), PlatformSource::Options)
        } else if !sharing.platforms.is_empty() && in_posts_folder(document, guide) {
            (sharing.platforms.clone(), PlatformSource::Guide)
        } else {
            (Vec::new(), PlatformSource::Unknown)
        };
        for name in &names {
            match platforms::resolve(guide, name) {
                Some(platform) if !meta.platforms.iter().any(|p| p.id == platform.id) => {
                    meta.platforms.push(platform);
                }
                Some(_) => {}
                None if source == PlatformSource::FrontMatter => {
                    meta.unknown_platforms.push(name.clone());
                }
                None => {}
            }
        }
        meta.platform_source = if meta.platforms.is_empty() {
            PlatformSource::Unknown
        } else {
            source
        };

        meta.sponsored = match document.front_matter_value("sponsored") {
            Some(Value::Bool(value)) => *value,
            Some(Value::String(text)) => matches!(text.trim(), "true" | "yes"),
            Some(Value::Null) | None => false,
            Some(other) => {
                meta.front_matter_problems.push(format!(
                    "“sponsored: {other}” in front matter: expected true or false"
                ));
                false
            }
        };
        meta.author = match document.front_matter_value("author") {
            Some(Value::String(text)) => match AuthorRelationship::parse(text) {
                Some(author) => author,
                // `author: Jane Doe` is a byline, not a relationship.
                None => sharing.author.unwrap_or_default(),
            },
            _ => sharing.author.unwrap_or_default(),
        };
        meta
    }

    pub fn knows_platform(&self) -> bool {
        !self.platforms.is_empty()
    }

    /// Whether platform and social-post rules apply: a platform is known
    /// and the document is not a key-message file.
    pub fn is_social_post(&self) -> bool {
        self.knows_platform() && !self.key_message
    }

    /// Several platforms: messages name the platform.
    pub fn platform(&self, id: &str) -> Option<&Platform> {
        self.platforms.iter().find(|p| p.id == id)
    }
}

/// Whether the guide's `platforms` apply to `document`: always when the
/// guide sets no `[sharing] posts`, else only to files inside them.
fn in_posts_folder(document: &Document, guide: &Guide) -> bool {
    let posts = &guide.config.sharing.posts;
    if posts.is_empty() {
        return true;
    }
    let (Some(path), Some(root)) = (document.path(), guide.root()) else {
        return false;
    };
    let absolute = |p: &std::path::Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let path = absolute(path);
    posts
        .iter()
        .any(|entry| path.starts_with(absolute(&root.join(entry))))
}

fn string_list(value: &Value) -> Vec<String> {
    match value {
        Value::String(one) => one
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        Value::Array(many) => many
            .iter()
            .filter_map(|v| v.as_str())
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::DocumentKind;
    use crate::guide::GuideSource;

    fn meta(text: &str, options: &[&str], guide: &str) -> PostMeta {
        let guide = Guide::from_source(guide, GuideSource::BuiltIn).unwrap();
        let options: Vec<String> = options.iter().map(|s| s.to_string()).collect();
        PostMeta::resolve(
            &Document::parse(text, DocumentKind::Markdown),
            &options,
            &guide,
        )
    }

    fn ids(meta: &PostMeta) -> Vec<&str> {
        meta.platforms.iter().map(|p| p.id.as_str()).collect()
    }

    #[test]
    fn front_matter_then_options_then_guide() {
        let guide = "[sharing]\nplatforms = [\"linkedin\"]\nauthor = \"employee\"\n";
        let from_front = meta(
            "---\nplatforms: [twitter, linkedin, x]\nsponsored: true\nauthor: agency\n---\nHi",
            &["bluesky"],
            guide,
        );
        assert_eq!(ids(&from_front), ["x", "linkedin"]);
        assert_eq!(from_front.platform_source, PlatformSource::FrontMatter);
        assert!(from_front.sponsored);
        assert_eq!(from_front.author, AuthorRelationship::Agency);

        let from_options = meta("Hi", &["bluesky"], guide);
        assert_eq!(ids(&from_options), ["bluesky"]);
        assert_eq!(from_options.author, AuthorRelationship::Employee);

        let from_guide = meta("---\nplatform: x\n---\nHi", &[], guide);
        assert_eq!(ids(&from_guide), ["x"]);
        assert_eq!(ids(&meta("Hi", &[], guide)), ["linkedin"]);

        let nothing = meta("---\nauthor: Jane Doe\n---\nHi", &[], "");
        assert!(!nothing.knows_platform());
        assert_eq!(nothing.author, AuthorRelationship::Independent);
    }

    #[test]
    fn unknown_front_matter_platforms_are_kept_for_reporting() {
        let post = meta("---\nplatform: myspace, x\n---\nHi", &[], "");
        assert_eq!(ids(&post), ["x"]);
        assert_eq!(post.unknown_platforms, ["myspace"]);
    }
}
