use std::collections::HashMap;

use crate::declare_rule;
use crate::document::Block;
use crate::finding::{Finding, quote};
use crate::fix::{Edit, Fix};
use crate::guide::{AuthorRelationship, Guide};
use crate::rules::{Context, Rule, RuleFactory, RuleMeta};

use super::disclosure::is_disclosure_tag;
use super::{tags, words};

declare_rule! {
    /// ## What it does
    /// Flags posts with more hashtags than the platform's norm (X 2,
    /// LinkedIn 5, Instagram 5, Threads 1, Bluesky 3, Mastodon 5),
    /// multi-word hashtags written all in lowercase (`#customeradvocacy`),
    /// and a disclosure such as `#ad` buried in a block of hashtags at the
    /// end of the post.
    ///
    /// ## Why is this bad?
    /// A wall of hashtags reads as spam and pushes the message down. Screen
    /// readers read `#customeradvocacy` as one long word; `#CustomerAdvocacy`
    /// is read as two. Readers skip a trailing block of hashtags, so a
    /// disclosure hidden there does not disclose.
    ///
    /// ## Example
    /// ```markdown
    /// Proud of our #customeradvocacy team! #cx #support #teamwork #hiring #ad
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// #ad Proud of our #CustomerAdvocacy team!
    /// ```
    ///
    /// ## Fix safety
    /// Re-casing a hashtag is Unsafe, and offered only when the guide spells
    /// the tag (`[sharing] hashtags`, employer, casing names); a split found
    /// in the built-in word list is a suggestion, and an ambiguous one gets
    /// no fix.
    ///
    /// ## Options
    /// `[sharing.limits.NAME] max_hashtags = N`; `[sharing] hashtags =
    /// ["#CustomerAdvocacy"]` lists the brand's own spellings.
    ///
    /// ## When it runs
    /// Only on social posts: when a platform is known (front matter
    /// `platform`/`platforms`, `--platform`, or `[sharing] platforms` for
    /// files inside `[sharing] posts`, or for every file when `posts` is
    /// unset), and never on the guide's key-message files. A long-form blog
    /// post with no platform is not checked as a social post.
    pub static META = {
        id: "share/hashtags",
        category: Share,
        severity: Warning,
        fixable: Unsafe,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

/// Multi-word hashtags shorter than this are left alone (`#tbt`, `#ootd`).
const MIN_LETTERS: usize = 6;

/// A trailing block of this many hashtags buries what is in it.
const BURYING_RUN: usize = 3;

struct Hashtags {
    /// Folded spelling → the guide's CamelCase spelling, for multi-word
    /// names only.
    known: HashMap<String, String>,
    /// Disclosure hashtags the guide accepts, folded.
    disclosures: Vec<String>,
}

fn build(guide: &Guide) -> Box<dyn Rule> {
    let sharing = &guide.config.sharing;
    let mut known = HashMap::new();
    let names = sharing
        .hashtags
        .iter()
        .chain(&sharing.employer)
        .chain(&sharing.competitors)
        .chain(&sharing.disclosure)
        .chain(&guide.config.voice.casing.names);
    for name in names {
        let spelling: String = name.chars().filter(|c| c.is_alphanumeric()).collect();
        let capitals = spelling.chars().filter(|c| c.is_uppercase()).count();
        if capitals >= 2 || name.trim_start_matches('#').contains(' ') {
            known.insert(tags::fold(&spelling), spelling);
        }
    }
    let disclosures = sharing
        .disclosure
        .iter()
        .filter(|d| d.trim_start().starts_with('#'))
        .map(|d| tags::fold(d))
        .collect();
    Box::new(Hashtags { known, disclosures })
}

impl Hashtags {
    fn check_casing(&self, cx: &Context, block: &Block, out: &mut Vec<Finding>) {
        let prose = block.prose.text.as_str();
        for tag in tags::hashtags(prose) {
            let written = &prose[tag.clone()];
            let body = written.trim_start_matches(['#', '＃']);
            let letters = body.chars().filter(|c| c.is_alphabetic()).count();
            if letters < MIN_LETTERS || body.chars().any(char::is_uppercase) || !body.is_ascii() {
                continue;
            }
            let folded = tags::fold(body);
            let from_guide = self.known.get(&folded);
            let split = words::split(&folded);
            let (suggestion, applicability) = match (from_guide, &split) {
                (Some(spelling), _) => (Some(spelling.clone()), Some(true)),
                (None, Some((parts, true))) => (Some(camel_case(parts)), Some(false)),
                (None, Some((_, false))) => (None, None),
                (None, None) => continue,
            };
            let mut finding = Finding::new(
                META.id,
                block.source_range(tag.clone()),
                META.severity,
                format!(
                    "Multi-word hashtag {} is all lowercase: screen readers read it as one word",
                    quote(written)
                ),
            );
            if let (Some(suggestion), Some(from_guide)) = (suggestion, applicability)
                && let Some(range) = block
                    .prose
                    .clean_source_range(tag.clone(), cx.document.text())
            {
                let replacement = format!("#{suggestion}");
                let title = format!("Write {}", quote(&replacement));
                let edit = Edit::replace(range, replacement);
                finding = finding.with_fix(if from_guide {
                    Fix::unsafe_(title, edit)
                } else {
                    Fix::display_only(title, edit)
                });
            }
            out.push(finding);
        }
    }

    fn is_disclosure(&self, tag: &str) -> bool {
        is_disclosure_tag(tag) || self.disclosures.contains(&tags::fold(tag))
    }
}

fn camel_case(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|part| crate::rules::replace::capitalize(part))
        .collect()
}

impl Rule for Hashtags {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, cx: &crate::rules::DocumentContext, out: &mut Vec<Finding>) {
        if !cx.post.is_social_post() {
            return;
        }
        let document = cx.document;
        // Casing runs here, not per block: whether a post is social is a
        // document fact, and per-block findings may not depend on it.
        for block in &document.blocks {
            self.check_casing(cx, block, out);
        }
        let all: Vec<_> = document
            .blocks
            .iter()
            .flat_map(|block| tags::hashtags(&block.prose.text).map(|tag| block.source_range(tag)))
            .collect();
        for platform in &cx.post.platforms {
            let Some(max) = platform.max_hashtags else {
                continue;
            };
            if all.len() > max
                && let (Some(first), Some(last)) = (all.get(max), all.last())
            {
                out.push(Finding::new(
                    META.id,
                    first.start..last.end,
                    META.severity,
                    format!(
                        "{} hashtags on {}; its norm is {max} or fewer",
                        all.len(),
                        platform.name
                    ),
                ));
            }
        }

        // share/disclosure reports buried disclosures where one is required.
        let required = cx.post.sponsored
            || matches!(
                cx.post.author,
                AuthorRelationship::Employee | AuthorRelationship::Agency
            ) && !cx.guide.config.sharing.employer.is_empty();
        let trailing = tags::trailing_run(document);
        if required || trailing.len() < BURYING_RUN {
            return;
        }
        for (index, tag) in &trailing {
            let block = &document.blocks[*index];
            let written = &block.prose.text[tag.clone()];
            if self.is_disclosure(written) {
                out.push(Finding::new(
                    META.id,
                    block.source_range(tag.clone()),
                    META.severity,
                    format!(
                        "Disclosure {} is buried among {} hashtags at the end: readers skip them; put it first",
                        quote(written),
                        trailing.len()
                    ),
                ));
            }
        }
    }
}
