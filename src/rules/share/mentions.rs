use crate::declare_rule;
use crate::finding::Finding;
use crate::guide::Guide;
use crate::rules::{DocumentContext, Rule, RuleFactory, RuleMeta};

use super::tags;

declare_rule! {
    /// ## What it does
    /// Flags posts that @mention more accounts than the platform's norm (5 by
    /// default; Instagram allows 20) or the guide's limit.
    ///
    /// ## Why is this bad?
    /// Tagging many people to widen reach reads as spam to them and to the
    /// platform, which may hide the post or refuse it.
    ///
    /// ## Example
    /// ```markdown
    /// Great panel with @ana @ben @chen @dara @eli @fay!
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// Great panel with @ana and @ben: thanks to everyone who joined!
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the writer chooses whom to keep.
    ///
    /// ## Options
    /// `[sharing.limits.NAME] max_mentions = N`.
    ///
    /// ## When it runs
    /// Only on social posts: when a platform is known (front matter
    /// `platform`/`platforms`, `--platform`, or `[sharing] platforms` for
    /// files inside `[sharing] posts`, or for every file when `posts` is
    /// unset), and never on the guide's key-message files. A long-form blog
    /// post with no platform is not checked as a social post.
    pub static META = {
        id: "share/mentions",
        category: Share,
        severity: Warning,
        fixable: No,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

fn build(_guide: &Guide) -> Box<dyn Rule> {
    Box::new(Mentions)
}

struct Mentions;

impl Rule for Mentions {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, cx: &DocumentContext, out: &mut Vec<Finding>) {
        if !cx.post.is_social_post() {
            return;
        }
        // Each distinct account counts once, as platforms count them.
        let mut seen: Vec<String> = Vec::new();
        let mut spans = Vec::new();
        for block in &cx.document.blocks {
            for range in tags::mentions(&block.prose.text) {
                let handle = block.prose.text[range.clone()].to_ascii_lowercase();
                if !seen.contains(&handle) {
                    seen.push(handle);
                    spans.push(block.source_range(range));
                }
            }
        }
        for platform in &cx.post.platforms {
            let Some(max) = platform.max_mentions else {
                continue;
            };
            if seen.len() > max
                && let (Some(first), Some(last)) = (spans.get(max), spans.last())
            {
                out.push(Finding::new(
                    META.id,
                    first.start..last.end,
                    META.severity,
                    format!(
                        "{} accounts mentioned on {}; keep to {max} or fewer",
                        seen.len(),
                        platform.name
                    ),
                ));
            }
        }
    }
}
