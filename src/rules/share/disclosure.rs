use std::ops::Range;

use crate::declare_rule;
use crate::document::Document;
use crate::finding::{Finding, quote};
use crate::guide::{AuthorRelationship, Guide};
use crate::rules::{DocumentContext, Rule, RuleFactory, RuleMeta};

use super::rendered::RenderedPost;
use super::{find_phrase, post_span, tags};

declare_rule! {
    /// ## What it does
    /// Checks that a post is honest about who wrote it and who paid. A post
    /// by an employee (or an agency) that mentions the employer or its
    /// products must carry an accepted disclosure; a sponsored post
    /// (`sponsored: true` in the front matter) must carry `#ad`,
    /// `#sponsored`, or wording such as “Ad:” or “Sponsored:”. The
    /// disclosure must come before the fold: within the first 125
    /// characters on Instagram and about 210 on LinkedIn (observed; LinkedIn
    /// publishes no figure), and on every platform not only in a block of
    /// hashtags at the end.
    /// Weak tags (`#spon`, `#sp`, `#partner`, `#collab`, or `#sponsored`
    /// hidden among five or more hashtags) do not count, and the message
    /// names them.
    ///
    /// ## Why is this bad?
    /// Readers weigh a recommendation differently when the author is paid or
    /// employed by the company. Consumer-protection rules (the FTC's
    /// endorsement guides, the UK's CAP code) require a clear disclosure that
    /// people see before they engage, and platforms' own policies ask for it.
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// author: employee
    /// ---
    /// Acme Analytics just shipped dashboards that build themselves. Try it!
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// ---
    /// author: employee
    /// ---
    /// I work at Acme, and I'm proud of this one: Acme Analytics just shipped
    /// dashboards that build themselves.
    /// ```
    ///
    /// ## Fix safety
    /// No fix: where the disclosure reads naturally is the writer's choice.
    ///
    /// ## Options
    /// `[sharing] employer` (names of the organisation and its products),
    /// `disclosure` (accepted wording, e.g. `"#AcmeEmployee"`, `"I work at
    /// Acme"`), `author` (the default relationship: employee, agency or
    /// independent). Besides the guide's wording, “I work at/for
    /// <employer>”, “#<employer>Employee” and `#employee` count for
    /// employees, and every sponsored disclosure counts for anyone.
    ///
    /// ## When it runs
    /// The employee (and agency) disclosure is checked only on social posts:
    /// when a platform is known (front matter `platform`/`platforms`,
    /// `--platform`, or `[sharing] platforms` for files inside
    /// `[sharing] posts`, or for every file when `posts` is unset). A post
    /// whose front matter says `sponsored: true` is checked wherever it is.
    /// The guide's key-message files are never checked.
    pub static META = {
        id: "share/disclosure",
        category: Share,
        severity: Error,
        fixable: No,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

/// Hashtags that disclose a paid post.
const SPONSORED_TAGS: &[&str] = &[
    "ad",
    "advert",
    "advertisement",
    "sponsored",
    "paidpartnership",
    "paidpost",
];

/// Wording that discloses a paid post.
const SPONSORED_PHRASES: &[&str] = &[
    "ad:",
    "sponsored:",
    "advertisement:",
    "[ad]",
    "(ad)",
    "paid partnership",
    "sponsored by",
    "paid for by",
];

/// Tags people use that readers do not understand as a disclosure.
const WEAK_TAGS: &[&str] = &["spon", "sp", "partner", "collab", "sponsoredpost", "thanks"];

/// Five or more hashtags in a row hide any disclosure among them.
const HIDING_RUN: usize = 5;

/// A trailing block of this many hashtags is skipped by readers.
const TRAILING_RUN: usize = 3;

/// Whether a hashtag is a sponsorship disclosure (`#ad`, `#Sponsored`).
pub fn is_disclosure_tag(tag: &str) -> bool {
    let folded = tags::fold(tag);
    SPONSORED_TAGS.contains(&folded.as_str())
}

struct Disclosure {
    employer: Vec<String>,
    /// The guide's `[sharing] disclosure` wording, as written.
    guide_wording: Vec<String>,
    /// Accepted employee (or agency) disclosures: the guide's plus those
    /// derived from the employer names.
    employee_phrases: Vec<String>,
    employee_tags: Vec<String>,
}

fn build(guide: &Guide) -> Box<dyn Rule> {
    let sharing = &guide.config.sharing;
    let mut employee_phrases = Vec::new();
    let mut employee_tags = vec!["employee".to_owned()];
    for wording in &sharing.disclosure {
        let wording = wording.trim();
        if wording.starts_with('#') {
            employee_tags.push(tags::fold(wording));
        } else if !wording.is_empty() {
            employee_phrases.push(wording.to_owned());
        }
    }
    for name in &sharing.employer {
        for verb in [
            "I work at",
            "I work for",
            "I'm an employee of",
            "I am an employee of",
        ] {
            employee_phrases.push(format!("{verb} {name}"));
        }
        employee_phrases.push(format!("{name} employee"));
        employee_tags.push(format!("{}employee", tags::fold(name)));
    }
    Box::new(Disclosure {
        employer: sharing.employer.clone(),
        guide_wording: sharing.disclosure.clone(),
        employee_phrases,
        employee_tags,
    })
}

/// A place in the post: block index and prose range.
type Place = (usize, Range<usize>);

fn source(document: &Document, (block, range): &Place) -> Range<usize> {
    document.blocks[*block].source_range(range.clone())
}

fn written<'d>(document: &'d Document, (block, range): &Place) -> &'d str {
    &document.blocks[*block].prose.text[range.clone()]
}

impl Disclosure {
    /// The first mention of the employer or its products.
    fn employer_mention(&self, document: &Document) -> Option<Place> {
        for (index, block) in document.blocks.iter().enumerate() {
            let prose = block.prose.text.as_str();
            let mut hits: Vec<Range<usize>> = self
                .employer
                .iter()
                .flat_map(|name| find_phrase(prose, name))
                .collect();
            let folded: Vec<String> = self.employer.iter().map(|n| tags::fold(n)).collect();
            hits.extend(
                tags::hashtags(prose)
                    .chain(tags::mentions(prose))
                    .filter(|tag| folded.contains(&tags::fold(&prose[tag.clone()]))),
            );
            if let Some(first) = hits
                .into_iter()
                .min_by_key(|r| (r.start, std::cmp::Reverse(r.end)))
            {
                return Some((index, first));
            }
        }
        None
    }

    /// Accepted disclosures in the post, in order.
    fn disclosures(&self, document: &Document, employee: bool) -> Vec<Place> {
        let mut found = Vec::new();
        for (index, block) in document.blocks.iter().enumerate() {
            let prose = block.prose.text.as_str();
            for tag in tags::hashtags(prose) {
                let folded = tags::fold(&prose[tag.clone()]);
                let accepted = SPONSORED_TAGS.contains(&folded.as_str())
                    || (employee && self.employee_tags.contains(&folded));
                if accepted {
                    found.push((index, tag));
                }
            }
            let phrases = SPONSORED_PHRASES.iter().map(|p| p.to_string()).chain(
                employee
                    .then(|| self.employee_phrases.iter().cloned())
                    .into_iter()
                    .flatten(),
            );
            for phrase in phrases {
                let normalized = phrase.replace('’', "'");
                let prose_normalized = prose.replace('’', "'");
                for range in find_phrase(&prose_normalized, &normalized) {
                    // The apostrophe swap keeps lengths: both are one char,
                    // but ’ is three bytes; map back by searching the prose.
                    if let Some(mapped) = map_back(prose, &prose_normalized, range) {
                        found.push((index, mapped));
                    }
                }
            }
        }
        found.sort_by_key(|(block, range)| (*block, range.start));
        found.dedup();
        found
    }
}

/// Map a range of `normalized` (where ’ became ') back to `original`.
fn map_back(original: &str, normalized: &str, range: Range<usize>) -> Option<Range<usize>> {
    if original.len() == normalized.len() {
        return Some(range);
    }
    let start_chars = normalized[..range.start].chars().count();
    let len_chars = normalized[range.clone()].chars().count();
    let mut indices = original
        .char_indices()
        .map(|(i, _)| i)
        .chain([original.len()]);
    let start = indices.nth(start_chars)?;
    let end = original
        .char_indices()
        .map(|(i, _)| i)
        .chain([original.len()])
        .nth(start_chars + len_chars)?;
    Some(start..end)
}

/// Hashtags in runs of five or more: a disclosure there is hidden.
fn hidden_in_runs(document: &Document) -> Vec<Place> {
    let mut hidden = Vec::new();
    for (index, block) in document.blocks.iter().enumerate() {
        for run in tags::runs(&block.prose.text) {
            if run.len() >= HIDING_RUN {
                hidden.extend(run.into_iter().map(|tag| (index, tag)));
            }
        }
    }
    let trailing = tags::trailing_run(document);
    if trailing.len() >= HIDING_RUN {
        hidden.extend(trailing);
    }
    hidden
}

impl Rule for Disclosure {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, cx: &DocumentContext, out: &mut Vec<Finding>) {
        let document = cx.document;
        let post = &cx.post;
        if post.key_message {
            return;
        }
        let employee = post.is_social_post()
            && matches!(
                post.author,
                AuthorRelationship::Employee | AuthorRelationship::Agency
            );
        let mention = if employee {
            self.employer_mention(document)
        } else {
            None
        };
        if !post.sponsored && mention.is_none() {
            return;
        }
        let hidden = hidden_in_runs(document);
        let trailing = tags::trailing_run(document);
        let all = self.disclosures(document, mention.is_some());
        let weak: Vec<String> = document
            .blocks
            .iter()
            .enumerate()
            .flat_map(|(index, block)| {
                tags::hashtags(&block.prose.text).map(move |tag| (index, tag))
            })
            .filter(|place| {
                let text = written(document, place);
                WEAK_TAGS.contains(&tags::fold(text).as_str())
                    || (hidden.contains(place) && all.contains(place))
            })
            .map(|place| quote(written(document, &place)))
            .collect();
        let visible: Vec<&Place> = all.iter().filter(|place| !hidden.contains(place)).collect();
        let above_fold: Vec<&Place> = visible
            .iter()
            .copied()
            .filter(|place| !(trailing.len() >= TRAILING_RUN && trailing.contains(place)))
            .collect();

        let what = if post.sponsored {
            "Sponsored post".to_owned()
        } else {
            let name = mention
                .as_ref()
                .map(|m| quote(written(document, m)))
                .unwrap_or_default();
            format!(
                "Post about {name} by {}",
                match post.author {
                    AuthorRelationship::Agency => "an agency",
                    _ => "an employee",
                }
            )
        };
        // The employer mention, or the post's first sentence: where a
        // disclosure belongs.
        let span = mention
            .as_ref()
            .map(|m| source(document, m))
            .or_else(|| {
                let block = document.blocks.first()?;
                Some(block.source_range(block.sentences.first()?.clone()))
            })
            .unwrap_or_else(|| post_span(document));

        if visible.is_empty() {
            let weak_note = if weak.is_empty() {
                String::new()
            } else {
                format!("; {} does not count as one", weak.join(", "))
            };
            let suggestion = if post.sponsored {
                "“#ad” or “Sponsored:”".to_owned()
            } else {
                self.suggestion()
            };
            out.push(Finding::new(
                META.id,
                span,
                META.severity,
                format!(
                    "{what} has no clear disclosure{weak_note}: add {suggestion} near the start"
                ),
            ));
            return;
        }
        if above_fold.is_empty() {
            let place = visible[0];
            out.push(Finding::new(
                META.id,
                source(document, place),
                META.severity,
                format!(
                    "Disclosure {} is only in the hashtags at the end: readers skip them; put it near the start",
                    quote(written(document, place))
                ),
            ));
            return;
        }
        // Instagram (125) and LinkedIn (about 210) show only the start of a
        // post before “more”: `fold_chars`.
        for platform in &post.platforms {
            let Some(fold) = platform.fold_chars else {
                continue;
            };
            let rendered = RenderedPost::new(document);
            let fold_byte = rendered
                .text
                .char_indices()
                .nth(fold)
                .map_or(rendered.text.len(), |(i, _)| i);
            if fold_byte >= rendered.text.len() {
                continue;
            }
            let fold_source = rendered.source_offset(document, fold_byte);
            let first = above_fold[0];
            if source(document, first).start >= fold_source {
                out.push(Finding::new(
                    META.id,
                    source(document, first),
                    META.severity,
                    format!(
                        "Disclosure {} comes after the first {fold} characters on {}, which is all that shows before “more”",
                        quote(written(document, first)),
                        platform.name
                    ),
                ));
            }
        }
    }
}

impl Disclosure {
    /// What to add: the guide's first two disclosures, or ones derived from
    /// the employer's name.
    fn suggestion(&self) -> String {
        let options: Vec<String> = if self.guide_wording.is_empty() {
            self.employer
                .first()
                .map(|name| {
                    vec![
                        format!("I work at {name}"),
                        format!("#{}Employee", name.split_whitespace().collect::<String>()),
                    ]
                })
                .unwrap_or_default()
        } else {
            self.guide_wording.iter().take(2).cloned().collect()
        };
        if options.is_empty() {
            return "a disclosure".to_owned();
        }
        options
            .iter()
            .map(|o| quote(o))
            .collect::<Vec<_>>()
            .join(" or ")
    }
}
