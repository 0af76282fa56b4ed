use crate::declare_rule;
use crate::document::Block;
use crate::finding::{Finding, quote};
use crate::fix::{Edit, Fix};
use crate::guide::Guide;
use crate::rules::{Context, Rule, RuleFactory, RuleMeta, Term, TermMatch};

declare_rule! {
    /// ## What it does
    /// Flags brand and product names written with the wrong capitals
    /// (“Github”, “Linkedin”, “Javascript”) and fixes them.
    ///
    /// ## Why is this bad?
    /// Names have one right spelling. Getting a partner's or your own product's
    /// name wrong looks careless in a public post.
    ///
    /// ## Example
    /// ```markdown
    /// Follow us on Linkedin and star the repo on Github.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// Follow us on LinkedIn and star the repo on GitHub.
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the guide gives the one right spelling. Hashtags, @mentions and
    /// domain names (“github.com”) are left alone.
    ///
    /// ## Options
    /// `[voice.casing] names = ["GitHub", …]` adds names.
    pub static META = {
        id: "voice/casing",
        category: Voice,
        severity: Warning,
        fixable: Safe,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

struct Casing {
    names: Vec<String>,
}

fn build(guide: &Guide) -> Box<dyn Rule> {
    Box::new(Casing {
        names: guide.config.voice.casing.names.clone(),
    })
}

impl Rule for Casing {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn terms(&self) -> Vec<Term> {
        self.names
            .iter()
            .enumerate()
            .map(|(entry, name)| Term {
                phrase: name.clone(),
                case_sensitive: false,
                entry,
            })
            .collect()
    }

    fn on_term(&self, cx: &Context, block: &Block, found: &TermMatch, out: &mut Vec<Finding>) {
        let Some(name) = self.names.get(found.entry) else {
            return;
        };
        let prose = &block.prose.text;
        let written = &prose[found.prose.clone()];
        if written == name {
            return;
        }
        let before = prose[..found.prose.start].chars().next_back();
        let mut after = prose[found.prose.end..].chars();
        let is_tag = matches!(before, Some('#' | '@' | '/' | '.'));
        let is_domain =
            after.next() == Some('.') && after.next().is_some_and(char::is_alphanumeric);
        if is_tag || is_domain {
            return;
        }
        let source = cx.document.text();
        let mut finding = Finding::new(
            META.id,
            block.source_range(found.prose.clone()),
            META.severity,
            format!("{} is spelt {}", quote(written), quote(name)),
        );
        if let Some(range) = block.prose.clean_source_range(found.prose.clone(), source) {
            finding = finding.with_fix(Fix::safe(
                format!("Replace with {}", quote(name)),
                Edit::replace(range, name.clone()),
            ));
        }
        out.push(finding);
    }
}
