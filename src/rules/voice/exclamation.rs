use crate::declare_rule;
use crate::finding::Finding;
use crate::fix::{Edit, Fix};
use crate::guide::Guide;
use crate::rules::{DocumentContext, Rule, RuleFactory, RuleMeta};

declare_rule! {
    /// ## What it does
    /// Flags runs of exclamation marks (“!!”) anywhere, and, in a post for a
    /// social platform (a `platform` in front matter, `--platform`, or
    /// `[sharing] platforms`), every exclamation mark after the first.
    /// Articles and blog posts with no platform may use more than one: the
    /// one-per-post norm is a social-media norm.
    ///
    /// ## Why is this bad?
    /// One exclamation mark can carry real excitement; several read as
    /// shouting or as hype, and they wear out the reader's trust.
    ///
    /// ## Example
    /// ```markdown
    /// We did it!! Version 2 is live! Try it today!
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// We did it: version 2 is live. Try it today!
    /// ```
    ///
    /// ## Fix safety
    /// A run (“!!!”) becomes one mark: Safe. Replacing a later mark with a
    /// period is Unsafe, because the writer should choose which one stays.
    ///
    /// ## Options
    /// `[rules] "voice/exclamation" = "off"` turns it off.
    pub static META = {
        id: "voice/exclamation",
        category: Voice,
        severity: Warning,
        fixable: Safe,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

fn build(_guide: &Guide) -> Box<dyn Rule> {
    Box::new(Exclamation)
}

struct Exclamation;

impl Rule for Exclamation {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, cx: &DocumentContext, out: &mut Vec<Finding>) {
        let source = cx.document.text();
        // The one-per-post count applies only where a social platform is known.
        let count_marks = cx.post.knows_platform();
        let mut seen = 0usize;
        for block in &cx.document.blocks {
            let prose = &block.prose.text;
            let bytes = prose.as_bytes();
            let mut index = 0;
            while let Some(found) = memchr::memchr(b'!', &bytes[index..]) {
                index += found;
                let start = index;
                while index < bytes.len() && bytes[index] == b'!' {
                    index += 1;
                }
                let run = start..index;
                seen += 1;
                let span = block.source_range(run.clone());
                if run.len() > 1 {
                    let mut finding = Finding::new(
                        META.id,
                        span,
                        META.severity,
                        format!("{} exclamation marks in a row", run.len()),
                    );
                    if let Some(range) = block.prose.clean_source_range(run, source) {
                        finding = finding.with_fix(Fix::safe(
                            "Use one exclamation mark".to_owned(),
                            Edit::replace(range, "!"),
                        ));
                    }
                    out.push(finding);
                } else if count_marks && seen > 1 {
                    let mut finding = Finding::new(
                        META.id,
                        span,
                        META.severity,
                        format!("Exclamation mark number {seen} in this post; keep at most one"),
                    );
                    let ends_sentence =
                        prose[index..].trim_start().is_empty() || prose[index..].starts_with(' ');
                    if ends_sentence
                        && let Some(range) = block.prose.clean_source_range(run, source)
                    {
                        finding = finding.with_fix(Fix::unsafe_(
                            "Replace with a period".to_owned(),
                            Edit::replace(range, "."),
                        ));
                    }
                    out.push(finding);
                }
            }
        }
    }
}
