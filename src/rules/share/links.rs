use crate::declare_rule;
use crate::document::{Atom, AtomKind, Block, Document};
use crate::finding::{Finding, quote};
use crate::fix::{Edit, Fix};
use crate::guide::Guide;
use crate::rules::{Context, Rule, RuleFactory, RuleMeta};

use super::post_span;

declare_rule! {
    /// ## What it does
    /// Flags links with tracking parameters (`utm_*`, `fbclid`, `gclid` and
    /// their kin) and offers to remove them, and flags posts with more links
    /// than the platform allows (Threads: 5) or the guide sets.
    ///
    /// ## Why is this bad?
    /// Tracking parameters make a link long and ugly, leak where it was
    /// copied from, and count against length limits on platforms that count
    /// URLs as written. Too many links read as spam, and some platforms
    /// refuse the post.
    ///
    /// ## Example
    /// ```markdown
    /// Read the report: https://example.com/report?utm_source=newsletter&id=7
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// Read the report: https://example.com/report?id=7
    /// ```
    ///
    /// ## Fix safety
    /// Removing tracking parameters is Safe: they do not change the page a
    /// link opens. Other parameters and the fragment are kept.
    ///
    /// ## Options
    /// `[sharing.limits.NAME] max_links = N` sets a platform's limit.
    ///
    /// ## When it runs
    /// Click identifiers (`fbclid`, `gclid`, `msclkid`…) are flagged in any
    /// document: they leak who clicked where. `utm_*` campaign tags, which a
    /// link's author sets on purpose, and the link count are checked only
    /// on social posts: when
    /// a platform is known (front matter `platform`/`platforms`,
    /// `--platform`, or `[sharing] platforms` for files inside
    /// `[sharing] posts`, or for every file when `posts` is unset), and
    /// never on the guide's key-message files.
    pub static META = {
        id: "share/links",
        category: Share,
        severity: Warning,
        fixable: Safe,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

fn build(_guide: &Guide) -> Box<dyn Rule> {
    Box::new(Links)
}

struct Links;

/// Query parameters that only track where a click came from.
fn is_tracking(name: &str) -> bool {
    name.to_ascii_lowercase().starts_with("utm_") || is_click_id(name)
}

/// Parameters a platform adds to identify one click or one reader: a link
/// copied with one leaks who clicked where. `utm_*` campaign tags, by
/// contrast, are set on purpose by whoever wrote the link.
fn is_click_id(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "fbclid"
            | "gclid"
            | "dclid"
            | "gbraid"
            | "wbraid"
            | "msclkid"
            | "twclid"
            | "li_fat_id"
            | "igshid"
            | "mc_cid"
            | "mc_eid"
            | "_hsenc"
            | "_hsmi"
            | "yclid"
    )
}

/// `url` without its tracking parameters, or `None` when it has none.
pub fn without_tracking(url: &str) -> Option<String> {
    without_params(url, is_tracking)
}

/// `url` without the query parameters `drop` names, or `None` when it has
/// none of them.
fn without_params(url: &str, drop: fn(&str) -> bool) -> Option<String> {
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((head, fragment)) => (head, Some(fragment)),
        None => (url, None),
    };
    let (base, query) = before_fragment.split_once('?')?;
    let pairs: Vec<&str> = query.split('&').collect();
    let kept: Vec<&str> = pairs
        .iter()
        .copied()
        .filter(|pair| {
            let name = pair.split_once('=').map_or(*pair, |(name, _)| name);
            !drop(name)
        })
        .collect();
    if kept.len() == pairs.len() {
        return None;
    }
    let mut clean = base.to_owned();
    let kept: Vec<&str> = kept.into_iter().filter(|pair| !pair.is_empty()).collect();
    if !kept.is_empty() {
        clean.push('?');
        clean.push_str(&kept.join("&"));
    }
    if let Some(fragment) = fragment {
        clean.push('#');
        clean.push_str(fragment);
    }
    Some(clean)
}

/// Links a reader can follow: Markdown links and bare URLs, counted once
/// when a link's text is its own URL.
pub fn web_links(block: &Block) -> impl Iterator<Item = &Atom> {
    block.atoms.iter().filter(move |atom| {
        let web = atom.target.as_deref().is_some_and(|t| {
            t.starts_with("http://") || t.starts_with("https://") || t.starts_with("www.")
        });
        match atom.kind {
            AtomKind::Link => web,
            // A URL inside a link's text is the same link.
            AtomKind::Url => {
                web && !block.atoms.iter().any(|link| {
                    link.kind == AtomKind::Link
                        && link.span.start <= atom.span.start
                        && atom.span.end <= link.span.end
                })
            }
            _ => false,
        }
    })
}

fn link_count(document: &Document) -> usize {
    document.blocks.iter().map(|b| web_links(b).count()).sum()
}

impl Rule for Links {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, cx: &crate::rules::DocumentContext, out: &mut Vec<Finding>) {
        // Campaign tags matter where a post is shared; click identifiers
        // leak wherever the link is published.
        let drop = if cx.post.is_social_post() {
            is_tracking
        } else {
            is_click_id
        };
        for block in &cx.document.blocks {
            tracking(cx, block, drop, out);
        }
        self.check_count(cx, out);
    }
}

/// Report the parameters `drop` names in the links of `block`, with a fix
/// that removes them.
fn tracking(cx: &Context, block: &Block, drop: fn(&str) -> bool, out: &mut Vec<Finding>) {
    let source = cx.document.text();
    for atom in &block.atoms {
        if !matches!(atom.kind, AtomKind::Link | AtomKind::Url) {
            continue;
        }
        let Some(url) = atom.target.as_deref() else {
            continue;
        };
        let Some(clean) = without_params(url, drop) else {
            continue;
        };
        let span = atom.target_span.clone().unwrap_or(atom.span.clone());
        let mut finding = Finding::new(
            META.id,
            span.clone(),
            META.severity,
            format!("Tracking parameters in {}", quote(url)),
        );
        // Only edit when the URL's own bytes are known.
        if let Some(target) = &atom.target_span
            && source.get(target.clone()) == Some(url)
        {
            finding = finding.with_fix(Fix::safe(
                "Remove the tracking parameters".to_owned(),
                Edit::replace(target.clone(), clean),
            ));
        }
        out.push(finding);
    }
}

impl Links {
    fn check_count(&self, cx: &crate::rules::DocumentContext, out: &mut Vec<Finding>) {
        if !cx.post.is_social_post() {
            return;
        }
        let count = link_count(cx.document);
        for platform in &cx.post.platforms {
            let Some(max) = platform.max_links else {
                continue;
            };
            if count > max {
                out.push(Finding::new(
                    META.id,
                    post_span(cx.document),
                    META.severity,
                    format!("{count} links on {}; it allows {max}", platform.name),
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_only_tracking_parameters() {
        assert_eq!(
            without_tracking("https://a.com/r?utm_source=x&id=7&utm_medium=y#top").as_deref(),
            Some("https://a.com/r?id=7#top")
        );
        assert_eq!(
            without_tracking("https://a.com/?fbclid=abc").as_deref(),
            Some("https://a.com/")
        );
        assert_eq!(without_tracking("https://a.com/?id=7"), None);
        assert_eq!(without_tracking("https://a.com/utm_source"), None);
    }
}
