use crate::declare_rule;
use crate::document::Block;
use crate::finding::{Finding, quote};
use crate::fix::{Edit, Fix};
use crate::guide::Guide;
use crate::rules::context::{in_identifier, in_tracker_item_title, previous_word};
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
    /// Safe: the guide gives the one right spelling. Hashtags, @mentions,
    /// domain names (“github.com”), parts of joined names (“rust-for-linux”,
    /// “kubernetes/api”), an all-lowercase name right after “named” or “name”
    /// (“a service named mysql”: the name it was given) and plural acronyms
    /// that only look like a name (“disk IOs” is not “iOS”) are left alone.
    /// So is link text that reads as the title of the issue, pull request
    /// or discussion it links to (`[Github login fails behind a
    /// proxy](https://…/issues/12)`: three words or more, starting with a
    /// capital): the title is quoted as it was filed.
    ///
    /// ## Options
    /// `[voice.casing] names = ["GitHub", …]` adds names.
    pub static META = {
        id: "voice/casing",
        category: Voice,
        severity: Warning,
        fixable: Safe,
        defaults: include_str!("casing.toml"),
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
        let is_tag = matches!(before, Some('#' | '@' | '/' | '.'));
        // "rust-for-linux", "kubernetes/api", "github.com": part of a name.
        if is_tag
            || in_identifier(prose, &found.prose)
            || is_plural_acronym(written, name)
            || is_given_name(block, found, written)
            || in_tracker_item_title(block, &found.prose)
        {
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

/// "a service named mysql", "the DNS name elasticsearch": an all-lowercase
/// form right after "named" or "name" is the name something was given (a
/// service, a host, a label), typed as it must be typed, not the product.
fn is_given_name(block: &Block, found: &TermMatch, written: &str) -> bool {
    !written.chars().any(char::is_uppercase)
        && previous_word(block, &found.prose)
            .is_some_and(|w| w.eq_ignore_ascii_case("named") || w.eq_ignore_ascii_case("name"))
}

/// "IOs" (plural of IO) is not "iOS": capitals and a final lowercase "s" are
/// a plural acronym, a different word from a name spelt with other capitals.
fn is_plural_acronym(written: &str, name: &str) -> bool {
    written.len() > 2
        && written.ends_with('s')
        && written[..written.len() - 1]
            .chars()
            .all(|c| c.is_ascii_uppercase())
        && !name.ends_with('s')
        && written.to_lowercase() == name.to_lowercase()
}
