use crate::declare_rule;
use crate::finding::{Finding, Severity, quote};
use crate::guide::{Counting, Guide};
use crate::rules::{Context, Rule, RuleFactory, RuleMeta};

use super::counting::measure;
use super::rendered::RenderedPost;
use super::{post_span, tags};
use crate::guide::platforms::{self, Platform};

declare_rule! {
    /// ## What it does
    /// Counts the post as each of its platforms does and flags it when it is
    /// too long: X 280 weighted characters (URLs count 23; emoji, CJK and
    /// most non-Latin characters count 2; text NFC-normalized first),
    /// Bluesky 300 graphemes, Threads 500, Mastodon 500 (URLs count 23),
    /// LinkedIn 3,000, Instagram 2,200. It counts the post as published:
    /// Markdown syntax (emphasis markers, link brackets) does not count, a
    /// link's URL does. Where a platform folds a post, it also notes when
    /// what shows before “more” holds no hook: the first 125 characters on
    /// Instagram, about 210 on LinkedIn (“…see more” on the desktop feed;
    /// LinkedIn publishes no figure, so this is observed, and the guide can
    /// set `fold_chars`).
    ///
    /// ## Why is this bad?
    /// A post over the limit is refused or cut by the platform, often at the
    /// worst place. Counting by hand is error-prone: each platform counts
    /// differently.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// platform: x
    /// ---
    /// (a 312-character announcement)
    /// ```
    ///
    /// ## Use instead
    /// A post within the limit; the message says by how much to cut
    /// (“312/280 weighted characters on X”), and the finding starts where the
    /// platform would cut.
    ///
    /// ## Fix safety
    /// No fix: what to cut is the writer's choice (a model suggestion can
    /// propose a tighter version).
    ///
    /// ## Options
    /// The post's platforms come from its front matter (`platform: x` or
    /// `platforms: [x, linkedin]`), then `--platform`, then
    /// `[sharing] platforms`; with none, this rule is silent.
    /// `[sharing.limits.NAME] max_chars = N` (and `counting`, for a platform
    /// copydesk does not know) overrides the built-in table.
    ///
    /// ## When it runs
    /// Only on social posts: when a platform is known (front matter
    /// `platform`/`platforms`, `--platform`, or `[sharing] platforms` for
    /// files inside `[sharing] posts`, or for every file when `posts` is
    /// unset), and never on the guide's key-message files. A long-form blog
    /// post with no platform is not checked as a social post.
    pub static META = {
        id: "share/length-limit",
        category: Share,
        severity: Warning,
        fixable: No,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

fn build(_guide: &Guide) -> Box<dyn Rule> {
    Box::new(LengthLimit)
}

struct LengthLimit;

/// Fewer prose words than this before the fold is no hook.
const HOOK_WORDS: usize = 3;

fn unit(counting: Counting) -> &'static str {
    match counting {
        Counting::XWeighted => "weighted characters",
        Counting::Characters | Counting::Graphemes | Counting::Mastodon => "characters",
    }
}

fn how_counted(platform: &Platform) -> Option<String> {
    let name = &platform.name;
    match platform.counting {
        Counting::XWeighted => Some(format!(
            "{name} counts every URL as 23, and emoji, CJK and most non-Latin characters as 2"
        )),
        Counting::Graphemes => Some(format!(
            "{name} counts what a reader sees as one character (an emoji is 1)"
        )),
        Counting::Mastodon => Some(format!(
            "{name} counts every URL as 23 and a remote mention by its @user part"
        )),
        Counting::Characters => None,
    }
}

impl Rule for LengthLimit {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, cx: &crate::rules::DocumentContext, out: &mut Vec<Finding>) {
        let post = &cx.post;
        let front_matter = post.front_matter_span.clone().unwrap_or(0..0);
        for name in &post.unknown_platforms {
            out.push(Finding::new(
                META.id,
                front_matter.clone(),
                META.severity,
                format!(
                    "Unknown platform {} in front matter: expected one of {}, or one defined under [sharing.limits]",
                    quote(name),
                    platforms::known_names()
                ),
            ));
        }
        for problem in &post.front_matter_problems {
            out.push(Finding::new(
                META.id,
                front_matter.clone(),
                META.severity,
                problem.clone(),
            ));
        }
        if !post.is_social_post() || cx.document.blocks.is_empty() {
            return;
        }
        let rendered = RenderedPost::new(cx.document);
        for platform in &post.platforms {
            if let Some(max) = platform.max_chars {
                let measured = measure(&rendered, platform.counting, max);
                if let Some(overflow) = measured.overflow_at {
                    out.push(
                        Finding::new(
                            META.id,
                            rendered.source_tail(cx.document, overflow),
                            META.severity,
                            format!(
                                "{}/{max} {} on {}",
                                measured.total,
                                unit(platform.counting),
                                platform.name
                            ),
                        )
                        .with_note(how_counted(platform)),
                    );
                }
            }
            if let Some(fold) = platform.fold_chars {
                check_hook(cx, &rendered, platform, fold, out);
            }
        }
    }
}

/// Note a caption whose visible start is only hashtags, mentions and links.
fn check_hook(
    cx: &Context,
    rendered: &RenderedPost,
    platform: &Platform,
    fold: usize,
    out: &mut Vec<Finding>,
) {
    let text = rendered.text.as_str();
    let Some((fold_byte, _)) = text.char_indices().nth(fold) else {
        return;
    };
    let visible = &text[..fold_byte];
    let mut hidden: Vec<std::ops::Range<usize>> = tags::hashtags(visible)
        .chain(tags::mentions(visible))
        .collect();
    hidden.extend(
        rendered
            .urls
            .iter()
            .filter(|url| url.start < fold_byte)
            .cloned(),
    );
    let words = crate::document::segment::words(visible)
        .into_iter()
        .filter(|word| {
            !hidden
                .iter()
                .any(|h| h.start <= word.start && word.end <= h.end)
        })
        .count();
    if words < HOOK_WORDS {
        let mut finding = Finding::new(
            META.id,
            post_span(cx.document).start..rendered.source_offset(cx.document, fold_byte),
            Severity::Info,
            format!(
                "The first {fold} characters on {} hold no hook: only hashtags, mentions or links show before “more”",
                platform.name
            ),
        );
        finding.note = Some("Open with the sentence that makes people read on".to_owned());
        out.push(finding);
    }
}
