//! The checker: a guide's active rules, compiled once, run over documents.
//!
//! Building a [`Checker`] is the expensive step (term tables become one
//! Aho–Corasick automaton); checking is cheap and takes `&self`, so one
//! checker serves many documents on many threads.

use std::ops::Range;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::document::directives::rule_matches;
use crate::document::{Block, DirectiveKind, Document, DocumentKind};
use crate::finding::{Finding, Severity};
use crate::fix::{Applicability, apply_edits, non_overlapping};
use crate::guide::{Guide, RuleLevel};
use crate::rules::external::{RuleSet, RuleState};
use crate::rules::share::post::PostMeta;
use crate::rules::{Context, DocumentContext, Rule, Term, TermMatch, registry};

/// Choices made by the caller, not the guide.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// Rule ids or categories to run; empty runs every rule the guide enables.
    /// A selected rule runs even if it is off by default (not if the guide
    /// turns it off).
    pub select: Vec<String>,
    /// Rule ids or categories never to run.
    pub ignore: Vec<String>,
    /// Today's date (year, month, day), for embargoes.
    pub today: (i32, u32, u32),
    /// Platforms a post is for when its front matter does not say
    /// (`--platform`); the guide's `[sharing] platforms` come after these.
    pub platforms: Vec<String>,
    /// Vale's `--minAlertLevel`: overrides the `.vale.ini`'s
    /// `MinAlertLevel` for Vale rules nothing else sets a level for.
    pub vale_min_alert_level: Option<crate::vale::Level>,
    /// Vale's `--filter`: only the Vale rules it keeps run.
    pub vale_filter: Option<Arc<crate::vale::Filter>>,
}

impl Default for CheckOptions {
    fn default() -> CheckOptions {
        CheckOptions {
            select: Vec::new(),
            ignore: Vec::new(),
            today: today_utc(),
            platforms: Vec::new(),
            vale_min_alert_level: None,
            vale_filter: None,
        }
    }
}

struct ActiveRule {
    rule: Box<dyn Rule>,
}

/// Once a checker has scanned this much text (one large document, a batch
/// of many, or a long editing session), it switches to a full DFA, built
/// once. By callgrind on the default guide, the build costs about as many
/// instructions as the NFA spends on 4 MiB more than the DFA would, so
/// below that the NFA is cheaper.
const DFA_THRESHOLD: usize = 4 * 1024 * 1024;

/// All active rules' terms, in one automaton.
struct Lexicon {
    automaton: Option<AhoCorasick>,
    dfa: std::sync::OnceLock<Option<AhoCorasick>>,
    /// Bytes of prose scanned so far, across documents and threads.
    scanned: std::sync::atomic::AtomicUsize,
    /// For each pattern: the index of its rule and the term.
    owners: Vec<(usize, Term)>,
}

/// A rule set loaded at run time (Vale styles), with what the guide and the
/// options decided for each of its rules.
struct ActiveRuleSet {
    set: Arc<dyn RuleSet>,
    states: Vec<RuleState>,
}

pub struct Checker {
    guide: Arc<Guide>,
    rules: Vec<ActiveRule>,
    /// The guide's level for each active rule that has one, by rule id: it
    /// overrides the severity the rule reports.
    levels: rustc_hash::FxHashMap<&'static str, Severity>,
    lexicon: Lexicon,
    options: CheckOptions,
    rule_sets: Vec<ActiveRuleSet>,
}

/// How many blocks [`Checker::check_blocks_into`] takes at a time in a
/// check: a rule set's rules then each run over this many blocks in turn.
/// 64 to 256 measured alike on the bench's document (about 435 bytes a
/// block); fewer lose part of the gain.
const BLOCK_RUN: usize = 64;

impl Checker {
    pub fn new(guide: Arc<Guide>, options: CheckOptions) -> Checker {
        let mut levels = rustc_hash::FxHashMap::default();
        let rules: Vec<ActiveRule> = registry()
            .iter()
            .filter_map(|factory| {
                let meta = factory.meta;
                let level = guide.rule_level(meta.id);
                let selected = options.select.iter().any(|s| rule_matches(s, meta.id));
                let ignored = options.ignore.iter().any(|s| rule_matches(s, meta.id));
                let enabled = match level {
                    Some(None) => false,
                    Some(Some(_)) => true,
                    None => guide.extends_default() && meta.enabled_by_default,
                };
                let runs = !ignored
                    && level != Some(None)
                    && if options.select.is_empty() {
                        enabled
                    } else {
                        selected
                    };
                if runs && let Some(severity) = level.flatten() {
                    levels.insert(meta.id, severity);
                }
                runs.then(|| ActiveRule {
                    rule: (factory.build)(&guide),
                })
            })
            .collect();
        let lexicon = Lexicon::new(&rules);
        let rule_sets = guide
            .rule_sets
            .iter()
            .map(|set| ActiveRuleSet {
                states: set
                    .rules()
                    .iter()
                    .enumerate()
                    .map(|(index, rule)| match &options.vale_filter {
                        Some(filter) if !set.passes_filter(index, filter) => RuleState::Off,
                        _ => rule_set_state(&guide, &options, &rule.id),
                    })
                    .collect(),
                set: Arc::clone(set),
            })
            .collect();
        Checker {
            guide,
            rules,
            levels,
            lexicon,
            options,
            rule_sets,
        }
    }

    /// The rule sets loaded at run time (Vale styles) this checker runs.
    pub fn rule_sets(&self) -> impl Iterator<Item = &Arc<dyn RuleSet>> {
        self.rule_sets.iter().map(|active| &active.set)
    }

    pub fn guide(&self) -> &Arc<Guide> {
        &self.guide
    }

    pub fn options(&self) -> &CheckOptions {
        &self.options
    }

    /// Ids of the rules this checker runs.
    pub fn active_rule_ids(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.rules.iter().map(|active| active.rule.meta().id)
    }

    /// Check a document: findings sorted by position, suppressions applied.
    pub fn check(&self, document: &Document) -> Vec<Finding> {
        let cx = self.context(document);
        let mut findings = Vec::new();
        if document.blocks.len() >= crate::document::PARALLEL_BLOCKS {
            // A long document's blocks are independent: check them on
            // every core (the order is restored by `finish`), in runs of
            // blocks (see `check_blocks_into`), several per core so that
            // the cores share the work evenly.
            use rayon::prelude::*;
            let runs = rayon::current_num_threads().max(1) * 4;
            let run = (document.blocks.len() / runs).clamp(1, BLOCK_RUN);
            let per_block: Vec<Vec<Finding>> = document
                .blocks
                .par_chunks(run)
                .flat_map_iter(|blocks| {
                    let mut outs = vec![Vec::new(); blocks.len()];
                    self.check_blocks_into(&cx, blocks, &mut outs);
                    for out in &mut outs {
                        out.shrink_to_fit();
                    }
                    outs
                })
                .collect();
            let mut whole = Vec::new();
            self.check_document_into(&self.document_context(cx), &mut whole);
            // One allocation of the exact size, in the same order as
            // the sequential path (blocks, then the document's).
            let count = per_block.iter().map(Vec::len).sum::<usize>() + whole.len();
            findings.reserve_exact(count);
            findings.extend(per_block.into_iter().flatten());
            findings.append(&mut whole);
        } else {
            for blocks in document.blocks.chunks(BLOCK_RUN) {
                let mut outs = vec![Vec::new(); blocks.len()];
                self.check_blocks_into(&cx, blocks, &mut outs);
                findings.extend(outs.into_iter().flatten());
            }
            self.check_document_into(&self.document_context(cx), &mut findings);
        }
        self.finish(document, findings)
    }

    /// Parse and check a text in one step.
    pub fn check_text(&self, text: &str, kind: DocumentKind) -> (Document, Vec<Finding>) {
        self.check_text_at(text, kind, None)
    }

    /// [`check_text_at`](Self::check_text_at) for a text the caller hands
    /// over: the document keeps it instead of a copy (a file's text is the
    /// largest thing the command line holds after its findings).
    pub fn check_owned_at(
        &self,
        text: String,
        kind: DocumentKind,
        path: Option<&std::path::Path>,
    ) -> (Document, Vec<Finding>) {
        let document = parse_at(text, kind, path);
        let findings = self.check(&document);
        (document, findings)
    }

    /// [`check_text`](Self::check_text) for a text read from `path`, which
    /// rules configured per file (Vale's glob sections) match.
    pub fn check_text_at(
        &self,
        text: &str,
        kind: DocumentKind,
        path: Option<&std::path::Path>,
    ) -> (Document, Vec<Finding>) {
        self.check_owned_at(text.to_owned(), kind, path)
    }

    /// What a rule sees of `document` for one block.
    pub fn context<'a>(&'a self, document: &'a Document) -> Context<'a> {
        Context {
            document,
            guide: &self.guide,
            today: self.options.today,
            vale_min_alert_level: self.options.vale_min_alert_level,
            started: std::time::Instant::now(),
        }
    }

    /// What a rule sees of a document as a whole: the blocks' context (the
    /// same check, so the same start and Vale time budget) and the post's
    /// platforms, sponsorship and author, resolved once.
    pub fn document_context<'a>(&'a self, base: Context<'a>) -> DocumentContext<'a> {
        DocumentContext {
            post: PostMeta::resolve(base.document, &self.options.platforms, &self.guide),
            base,
        }
    }

    /// Findings that depend on this block alone (term matches and
    /// block rules), before severity overrides and suppression. The
    /// language server caches these per block.
    pub fn check_block_into(&self, cx: &Context, block: &Block, out: &mut Vec<Finding>) {
        self.check_blocks_into(cx, std::slice::from_ref(block), std::slice::from_mut(out));
    }

    /// [`check_block_into`](Self::check_block_into) for each of `blocks`,
    /// into the `outs` at the same index, with the same findings in the
    /// same order; rule sets run each rule over all the blocks in turn.
    pub fn check_blocks_into(&self, cx: &Context, blocks: &[Block], outs: &mut [Vec<Finding>]) {
        for (block, out) in blocks.iter().zip(outs.iter_mut()) {
            self.lexicon.run(cx, block, &self.rules, out);
            for active in &self.rules {
                active.rule.check_block(cx, block, out);
            }
        }
        for active in &self.rule_sets {
            active
                .set
                .check_blocks(&cx.for_rule_sets(), blocks, &active.states, outs);
        }
    }

    /// Findings that need the whole document.
    pub fn check_document_into(&self, cx: &crate::rules::DocumentContext, out: &mut Vec<Finding>) {
        for active in &self.rules {
            active.rule.check_document(cx, out);
        }
        for active in &self.rule_sets {
            active
                .set
                .check_document(&cx.for_rule_sets(), &active.states, out);
        }
    }

    /// Apply configured severities, inline and front matter suppressions,
    /// and sort.
    pub fn finish(&self, document: &Document, mut findings: Vec<Finding>) -> Vec<Finding> {
        // Looked up by id: a style set's findings on a long document run
        // to tens of thousands.
        if !self.levels.is_empty() {
            for finding in &mut findings {
                if let Some(&severity) = self.levels.get(finding.rule.as_str()) {
                    finding.severity = severity;
                }
            }
        }
        // Rule sets report at their configured severities themselves; here
        // they drop what their configuration ignores.
        for active in &self.rule_sets {
            active.set.finish(document, &mut findings);
        }
        let disabled = front_matter_disabled(document);
        findings.retain(|finding| {
            if disabled
                .iter()
                .any(|selector| rule_matches(selector, &finding.rule))
            {
                return false;
            }
            if document.directives.is_empty() {
                return true;
            }
            let obeys_vale_comments = self
                .rule_sets
                .iter()
                .filter(|active| active.set.owns(&finding.rule))
                .all(|active| active.set.obeys_vale_comments(&finding.rule));
            !is_suppressed(document, obeys_vale_comments, finding)
        });
        crate::finding::elide_placeholders(&mut findings);
        crate::finding::conceal_sensitive_values(document.text(), &mut findings);
        sort_by_position(&mut findings);
        findings.dedup_by(|a, b| a.span == b.span && a.rule == b.rule && a.message == b.message);
        findings
    }
}

impl Lexicon {
    fn new(rules: &[ActiveRule]) -> Lexicon {
        let mut owners: Vec<(usize, Term)> = Vec::new();
        for (index, active) in rules.iter().enumerate() {
            for term in active.rule.terms() {
                if term.phrase.trim().is_empty() {
                    continue;
                }
                // Drafts pasted from word processors use curly apostrophes:
                // "it’s" must match a row written "it's", and the other way round.
                if let Some(variant) = apostrophe_variants(&term.phrase) {
                    owners.push((
                        index,
                        Term {
                            phrase: variant,
                            ..term.clone()
                        },
                    ));
                }
                owners.push((index, term));
            }
        }
        let automaton = if owners.is_empty() {
            None
        } else {
            // The crate picks the kind (a contiguous NFA for tables this size).
            Lexicon::builder().build(Lexicon::patterns(&owners)).ok()
        };
        Lexicon {
            automaton,
            dfa: std::sync::OnceLock::new(),
            scanned: std::sync::atomic::AtomicUsize::new(0),
            owners,
        }
    }

    fn builder() -> AhoCorasickBuilder {
        let mut builder = AhoCorasickBuilder::new();
        builder.match_kind(MatchKind::Standard);
        builder
    }

    /// The patterns, ASCII-lowercased: blocks are scanned lowercased too.
    /// That matches exactly what an ASCII-case-insensitive automaton would
    /// (offsets do not move, as ASCII case changes keep every byte), and a
    /// case-sensitive automaton is smaller and several times faster.
    fn patterns(owners: &[(usize, Term)]) -> Vec<String> {
        owners
            .iter()
            .map(|(_, term)| term.phrase.to_ascii_lowercase())
            .collect()
    }

    /// The automaton to scan `len` more bytes with, in a document of
    /// `document_len` bytes.
    fn automaton(&self, document_len: usize, len: usize) -> Option<&AhoCorasick> {
        use std::sync::atomic::Ordering;
        let scanned = self.scanned.fetch_add(len, Ordering::Relaxed) + len;
        if document_len >= DFA_THRESHOLD || scanned >= DFA_THRESHOLD {
            let dfa = self.dfa.get_or_init(|| {
                Lexicon::builder()
                    .kind(Some(aho_corasick::AhoCorasickKind::DFA))
                    .build(Lexicon::patterns(&self.owners))
                    .ok()
            });
            if let Some(dfa) = dfa {
                return Some(dfa);
            }
        }
        self.automaton.as_ref()
    }

    fn run(&self, cx: &Context, block: &Block, rules: &[ActiveRule], out: &mut Vec<Finding>) {
        let Some(automaton) = self.automaton(cx.document.text().len(), block.prose.text.len())
        else {
            return;
        };
        let text = block.prose.text.as_str();
        // (rule index, start, end, entry), filtered to whole words.
        let mut hits: Vec<(usize, usize, usize, usize)> = Vec::new();
        crate::text::with_ascii_lowercase(text, |lower| {
            for found in automaton.find_overlapping_iter(lower) {
                let (rule, term) = &self.owners[found.pattern().as_usize()];
                let range = found.start()..found.end();
                if !at_word_boundaries(text, &range, &term.phrase) {
                    continue;
                }
                if term.case_sensitive && text[range.clone()] != *term.phrase {
                    continue;
                }
                hits.push((*rule, range.start, range.end, term.entry));
            }
        });
        if hits.is_empty() {
            return;
        }
        // Per rule: leftmost first, longest first, no overlaps.
        hits.sort_by(|a, b| {
            (a.0, a.1, std::cmp::Reverse(a.2)).cmp(&(b.0, b.1, std::cmp::Reverse(b.2)))
        });
        let mut last: Option<(usize, usize)> = None; // (rule, end)
        for (rule, start, end, entry) in hits {
            if let Some((last_rule, last_end)) = last
                && last_rule == rule
                && start < last_end
            {
                continue;
            }
            if cx.guide.allows(&text[start..end]) {
                continue;
            }
            last = Some((rule, end));
            let found = TermMatch {
                prose: start..end,
                entry,
            };
            rules[rule].rule.on_term(cx, block, &found, out);
        }
    }
}

/// Sort findings by (start, end, rule), stably, as `sort_by` would.
fn sort_by_position(findings: &mut [Finding]) {
    let order = crate::finding::order_by(findings, |f| (f.span.start, f.span.end, f.rule.as_str()));
    crate::finding::reorder(findings, order);
}

fn parse_at(
    text: impl Into<String>,
    kind: DocumentKind,
    path: Option<&std::path::Path>,
) -> Document {
    let document = Document::parse(text, kind);
    match path {
        Some(path) => document.with_path(path),
        None => document,
    }
}

/// What the guide and the options say about one rule of a rule set: the
/// guide's `[rules]` entry for its id, then `--ignore`, then `--select`.
fn rule_set_state(guide: &Guide, options: &CheckOptions, id: &str) -> RuleState {
    if options.ignore.iter().any(|s| rule_matches(s, id)) {
        return RuleState::Off;
    }
    let selected = options.select.iter().any(|s| rule_matches(s, id));
    match guide.rule_level(id) {
        Some(None) => RuleState::Off,
        Some(Some(severity)) if options.select.is_empty() || selected => {
            RuleState::On(Some(severity))
        }
        _ if options.select.is_empty() => RuleState::Auto,
        _ if selected => RuleState::On(None),
        _ => RuleState::Off,
    }
}

/// The phrase with its apostrophes swapped between straight and curly, if it
/// has any.
fn apostrophe_variants(phrase: &str) -> Option<String> {
    if phrase.contains('\'') {
        Some(phrase.replace('\'', "’"))
    } else if phrase.contains('’') {
        Some(phrase.replace('’', "'"))
    } else {
        None
    }
}

/// Whether a match sits on word boundaries: a phrase that starts (ends) with a
/// letter or digit must not continue a word on that side.
fn at_word_boundaries(text: &str, range: &Range<usize>, phrase: &str) -> bool {
    let first_is_word = phrase.chars().next().is_some_and(char::is_alphanumeric);
    let last_is_word = phrase
        .chars()
        .next_back()
        .is_some_and(char::is_alphanumeric);
    let before_ok = !first_is_word
        || text[..range.start]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
    let after_ok = !last_is_word
        || text[range.end..]
            .chars()
            .next()
            .is_none_or(|c| !c.is_alphanumeric());
    before_ok && after_ok
}

/// Rule ids listed under `copydesk: { disable: [...] }` in front matter.
fn front_matter_disabled(document: &Document) -> Vec<String> {
    document
        .front_matter_value("copydesk")
        .and_then(|value| value.get("disable"))
        .map(|value| match value {
            serde_json::Value::String(one) => vec![one.clone()],
            serde_json::Value::Array(many) => many
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        })
        .unwrap_or_default()
}

fn is_suppressed(document: &Document, obeys_vale_comments: bool, finding: &Finding) -> bool {
    let mut disabled = false;
    for directive in &document.directives {
        if directive.span.start >= finding.span.start {
            break;
        }
        if !directive.applies_to(&finding.rule) || (directive.vale && !obeys_vale_comments) {
            continue;
        }
        match directive.kind {
            DirectiveKind::Disable => disabled = true,
            DirectiveKind::Enable => disabled = false,
            DirectiveKind::DisableNextLine => {
                if next_line_holds(document, directive.span.end, finding.span.start) {
                    return true;
                }
            }
        }
    }
    disabled
}

/// Whether `offset` is on the first non-blank line after the line where
/// `directive_end` is.
fn next_line_holds(document: &Document, directive_end: usize, offset: usize) -> bool {
    let index = &document.line_index;
    let text = document.text();
    let mut line = index.line_of(directive_end.saturating_sub(1)) + 1;
    while line < index.line_count() && index.line_text(text, line).trim().is_empty() {
        line += 1;
    }
    index.line_of(offset) == line
}

/// The result of fixing a text until nothing more applies.
#[derive(Debug, Clone)]
pub struct FixOutcome {
    pub text: String,
    /// Fixes applied, over all passes.
    pub applied: usize,
    /// Findings left whose best fix is Unsafe (would apply with
    /// `--unsafe-fixes`).
    pub unsafe_remaining: usize,
    /// Findings left after fixing.
    pub findings: Vec<Finding>,
    /// The fixed text, parsed.
    pub document: Document,
}

/// Fixes are applied in passes: check, apply every non-overlapping fix at or
/// above `min`, check again, until a pass applies nothing (at most this many).
pub const MAX_FIX_PASSES: usize = 10;

impl Checker {
    /// Apply every fix at or above `min` until the text is stable.
    pub fn fix_text(&self, text: &str, kind: DocumentKind, min: Applicability) -> FixOutcome {
        self.fix_text_at(text, kind, None, min)
    }

    /// [`fix_text`](Self::fix_text) for a text read from `path`.
    pub fn fix_text_at(
        &self,
        text: &str,
        kind: DocumentKind,
        path: Option<&std::path::Path>,
        min: Applicability,
    ) -> FixOutcome {
        let mut current = text.to_owned();
        let mut applied = 0;
        let mut findings;
        let mut document;
        let mut pass = 0;
        // (replaced text, replacement) of every growing edit applied so
        // far: one that comes back would apply to its own output.
        let mut growing: std::collections::HashSet<(String, String)> =
            std::collections::HashSet::new();
        loop {
            document = parse_at(current.as_str(), kind, path);
            findings = self.check(&document);
            if pass == MAX_FIX_PASSES {
                break;
            }
            pass += 1;
            let candidates = findings.iter().filter_map(|finding| {
                // Several fixes are candidates to choose from, never applied.
                let [fix] = finding.fixes.as_slice() else {
                    return None;
                };
                // Guard: a replacement that contains what it replaces never
                // applies twice, or each pass would grow the text again.
                let repeats = growing_edits(&current, fix).any(|key| growing.contains(&key));
                (fix.applicability >= min && !repeats).then_some(fix)
            });
            let chosen = non_overlapping(candidates);
            for fix in &chosen {
                growing.extend(growing_edits(&current, fix));
            }
            if chosen.is_empty() {
                break;
            }
            let edits: Vec<_> = chosen
                .iter()
                .flat_map(|fix| fix.edits.iter().cloned())
                .collect();
            match apply_edits(&current, &edits) {
                Ok(next) if next != current => {
                    applied += chosen.len();
                    current = next;
                }
                _ => break,
            }
        }
        let unsafe_remaining = findings
            .iter()
            .filter(|f| matches!(f.fixes.as_slice(), [fix] if fix.applicability == Applicability::Unsafe))
            .count();
        FixOutcome {
            text: current,
            applied,
            unsafe_remaining,
            findings,
            document,
        }
    }
}

/// The edits of `fix` whose replacement contains the text it replaces
/// (ASCII case aside), as (replaced, replacement).
fn growing_edits<'a>(
    text: &'a str,
    fix: &'a crate::fix::Fix,
) -> impl Iterator<Item = (String, String)> + 'a {
    fix.edits.iter().filter_map(|edit| {
        let removed = text.get(edit.range.clone())?;
        let grows = !removed.is_empty()
            && edit.replacement.len() > removed.len()
            && edit
                .replacement
                .to_ascii_lowercase()
                .contains(&removed.to_ascii_lowercase());
        grows.then(|| (removed.to_owned(), edit.replacement.clone()))
    })
}

/// Today's date in UTC from the system clock, as (year, month, day).
pub fn today_utc() -> (i32, u32, u32) {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_from_days((seconds / 86_400) as i64)
}

/// Howard Hinnant's days-to-civil algorithm.
pub fn civil_from_days(days: i64) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

/// The configured level of `rule` as the checker sees it, for listings.
pub fn effective_level(guide: &Guide, rule: &crate::rules::RuleMeta) -> RuleLevel {
    match guide.rule_level(rule.id) {
        Some(Some(severity)) => RuleLevel::On(severity),
        Some(None) => RuleLevel::Off,
        None if guide.extends_default() && rule.enabled_by_default => RuleLevel::On(rule.severity),
        None => RuleLevel::Off,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_415), (2025, 11, 23));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn sorting_by_position_keeps_the_order_a_stable_sort_gives() {
        // Spans and rules that tie, with messages that tell the findings
        // apart: the order among ties is the order they were reported in.
        let mut findings: Vec<Finding> = (0..500usize)
            .map(|i| {
                let start = (i * 7919) % 37;
                let rule = ["b/two", "a/one", "c/three"][(i * 31) % 3];
                Finding::new(
                    rule,
                    start..start + (i % 3),
                    Severity::Info,
                    format!("finding {i}"),
                )
            })
            .collect();
        let mut expected = findings.clone();
        expected.sort_by(|a, b| {
            (a.span.start, a.span.end, &a.rule).cmp(&(b.span.start, b.span.end, &b.rule))
        });
        sort_by_position(&mut findings);
        assert_eq!(findings, expected);
        let mut none: Vec<Finding> = Vec::new();
        sort_by_position(&mut none);
        assert!(none.is_empty());
    }

    fn spelling_findings(toml: &str, text: &str) -> Vec<String> {
        let guide =
            Guide::from_source(toml, crate::guide::GuideSource::BuiltIn).expect("a valid guide");
        let checker = Checker::new(Arc::new(guide), CheckOptions::default());
        let document = Document::parse(text, DocumentKind::Markdown);
        checker
            .check(&document)
            .into_iter()
            .filter(|f| f.rule == "voice/spelling")
            .map(|f| text[f.span].to_owned())
            .collect()
    }

    #[test]
    fn a_rule_off_by_default_runs_only_when_the_guide_turns_it_on() {
        assert!(spelling_findings("", "A relase.\n").is_empty());
        let on = "[rules]\n\"voice/spelling\" = \"info\"\n";
        assert_eq!(spelling_findings(on, "A relase.\n"), ["relase"]);
    }
}
