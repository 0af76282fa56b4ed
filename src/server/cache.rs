//! Per-block caching of findings, so an edit re-checks only what changed.
//!
//! [`Checker::check_block_into`] findings depend only on the block and the
//! guide, so they are cached under a hash of everything the block rules can
//! see: the block's source slice, its kind and quote depth, its prose and
//! atoms, the document kind and front matter, the guide and the date. Spans
//! are stored relative to the block's start, so a block that moved (text was
//! inserted above it) is still a hit. Findings whose spans or edits reach
//! outside the block's own source are never cached: they could depend on
//! text the key does not cover. Document rules and [`Checker::finish`] run on
//! the whole document every time; they are cheap next to the block rules.
//!
//! No LSP types here: this is plain core data, tested on its own.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::ops::Range;
use std::sync::{Arc, Mutex};

use crate::check::Checker;
use crate::document::{Block, Document};
use crate::finding::Finding;

/// How much work the last checks did, for tests and benchmarks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Blocks whose findings came from the cache.
    pub hits: usize,
    /// Blocks the rules ran on.
    pub misses: usize,
}

struct Entry {
    /// Findings with spans and edits relative to the block's start.
    findings: Arc<[Finding]>,
    last_used: u64,
}

/// One document's block cache. Entries not used by the last two checks are
/// dropped, so the cache holds about one document's worth of findings.
#[derive(Default)]
pub struct BlockCache {
    entries: HashMap<u64, Entry>,
    generation: u64,
    /// Totals for the most recent check.
    pub last: CacheStats,
}

impl BlockCache {
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Check `document` like [`Checker::check`], reusing cached block findings.
/// The result is identical to [`Checker::check`]'s.
pub fn check_cached(
    checker: &Checker,
    document: &Document,
    cache: &Mutex<BlockCache>,
) -> Vec<Finding> {
    let cx = checker.context(document);
    let document_key = document_key(checker, document);
    let keys: Vec<u64> = document
        .blocks
        .iter()
        .map(|block| block_key(document_key, document, block))
        .collect();

    // Look everything up under one short lock; the rules run unlocked.
    let (mut cached, generation) = {
        let mut cache = lock(cache);
        cache.generation += 1;
        let generation = cache.generation;
        let cached: Vec<Option<Arc<[Finding]>>> = keys
            .iter()
            .map(|key| {
                cache.entries.get_mut(key).map(|entry| {
                    entry.last_used = generation;
                    Arc::clone(&entry.findings)
                })
            })
            .collect();
        (cached, generation)
    };

    let mut findings = Vec::new();
    let mut fresh: Vec<(u64, Arc<[Finding]>)> = Vec::new();
    let mut stats = CacheStats::default();
    for ((block, key), hit) in document.blocks.iter().zip(&keys).zip(cached.iter_mut()) {
        let base = block.span().start;
        if let Some(relative) = hit.take() {
            stats.hits += 1;
            findings.extend(relative.iter().map(|finding| shifted(finding, base, true)));
            continue;
        }
        stats.misses += 1;
        let start = findings.len();
        checker.check_block_into(&cx, block, &mut findings);
        let block_span = block.span();
        let own = &findings[start..];
        // A block a time budget cut short is checked again next time.
        if own.iter().all(|finding| stays_inside(finding, &block_span))
            && !own.iter().any(|finding| finding.cut_short)
        {
            let relative: Arc<[Finding]> = own
                .iter()
                .map(|finding| shifted(finding, base, false))
                .collect();
            fresh.push((*key, relative));
        }
    }

    {
        let mut cache = lock(cache);
        for (key, relative) in fresh {
            cache.entries.insert(
                key,
                Entry {
                    findings: relative,
                    last_used: generation,
                },
            );
        }
        cache
            .entries
            .retain(|_, entry| entry.last_used + 1 >= generation);
        cache.last = stats;
    }

    checker.check_document_into(&checker.document_context(cx), &mut findings);
    checker.finish(document, findings)
}

fn lock(cache: &Mutex<BlockCache>) -> std::sync::MutexGuard<'_, BlockCache> {
    // A panic in another check leaves the map consistent (entries are
    // inserted whole), so a poisoned lock is still usable.
    cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Whether every span and edit of a finding lies within the block's source.
fn stays_inside(finding: &Finding, block: &Range<usize>) -> bool {
    let inside = |range: &Range<usize>| range.start >= block.start && range.end <= block.end;
    inside(&finding.span)
        && finding
            .fixes
            .iter()
            .all(|fix| fix.edits.iter().all(|edit| inside(&edit.range)))
}

/// A copy of `finding` with every offset moved by `base`: added when
/// `forward`, subtracted otherwise.
fn shifted(finding: &Finding, base: usize, forward: bool) -> Finding {
    let shift = |range: &Range<usize>| {
        if forward {
            range.start + base..range.end + base
        } else {
            range.start - base..range.end - base
        }
    };
    let mut copy = finding.clone();
    copy.span = shift(&finding.span);
    for fix in &mut copy.fixes {
        for edit in &mut fix.edits {
            edit.range = shift(&edit.range);
        }
    }
    copy
}

/// What every block of this document shares in its key.
fn document_key(checker: &Checker, document: &Document) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    checker.guide().hash.hash(&mut hasher);
    checker.options().today.hash(&mut hasher);
    checker.options().select.hash(&mut hasher);
    checker.options().ignore.hash(&mut hasher);
    // Block rules of the sharing category read the platforms.
    checker.options().platforms.hash(&mut hasher);
    document.kind().hash(&mut hasher);
    if let Some(front_matter) = &document.front_matter {
        document
            .text()
            .get(front_matter.span.clone())
            .hash(&mut hasher);
    }
    hasher.finish()
}

fn block_key(document_key: u64, document: &Document, block: &Block) -> u64 {
    let mut hasher = std::hash::DefaultHasher::new();
    document_key.hash(&mut hasher);
    let span = block.span();
    block.kind.hash(&mut hasher);
    block.in_quote.hash(&mut hasher);
    document.text().get(span.clone()).hash(&mut hasher);
    block.prose.text.hash(&mut hasher);
    for atom in &block.atoms {
        atom.kind.hash(&mut hasher);
        atom.prose.hash(&mut hasher);
        atom.target.hash(&mut hasher);
        atom.span.start.wrapping_sub(span.start).hash(&mut hasher);
        atom.span.end.wrapping_sub(span.start).hash(&mut hasher);
    }
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::CheckOptions;
    use crate::document::DocumentKind;
    use crate::guide::Guide;

    const POST: &str = "# Launch notes\n\nWe did it in order to ship faster. The end result is great.\n\nThis paragraph is basically fine, really.\n\n- In order to help, we added docs.\n- A second item.\n\nA closing line that says thanks.\n";

    fn checker() -> Checker {
        Checker::new(
            Guide::builtin(),
            CheckOptions {
                today: (2026, 1, 1),
                ..CheckOptions::default()
            },
        )
    }

    #[test]
    fn cached_check_equals_a_full_check_and_survives_moves() {
        let checker = checker();
        let cache = Mutex::new(BlockCache::default());
        let document = Document::parse(POST, DocumentKind::Markdown);
        let full = checker.check(&document);
        assert!(!full.is_empty(), "the fixture has findings");
        assert_eq!(check_cached(&checker, &document, &cache), full);

        // Insert a paragraph above everything: every old block moves, none
        // changes, so only the new block is checked.
        let moved = POST.replacen(
            "\n\n",
            "\n\nA brand new opening paragraph, in order to test.\n\n",
            1,
        );
        let document = Document::parse(moved.as_str(), DocumentKind::Markdown);
        assert_eq!(
            check_cached(&checker, &document, &cache),
            checker.check(&document)
        );
        let stats = lock(&cache).last;
        assert_eq!(stats.misses, 1, "{stats:?}");
        assert_eq!(stats.hits, document.blocks.len() - 1);
    }

    #[test]
    fn an_edit_rechecks_only_the_changed_block() {
        let checker = checker();
        let cache = Mutex::new(BlockCache::default());
        let document = Document::parse(POST, DocumentKind::Markdown);
        check_cached(&checker, &document, &cache);
        assert_eq!(lock(&cache).last.misses, document.blocks.len());

        let edited = POST.replace("basically fine", "basically fine and good");
        let document = Document::parse(edited.as_str(), DocumentKind::Markdown);
        let findings = check_cached(&checker, &document, &cache);
        assert_eq!(
            lock(&cache).last,
            CacheStats {
                hits: document.blocks.len() - 1,
                misses: 1
            }
        );
        assert_eq!(findings, checker.check(&document));
    }

    #[test]
    fn a_new_guide_misses_and_old_entries_are_dropped() {
        let cache = Mutex::new(BlockCache::default());
        let document = Document::parse(POST, DocumentKind::Markdown);
        check_cached(&checker(), &document, &cache);
        let guide = Guide::from_source(
            "[rules]\n\"concise/wordy-phrase\" = \"error\"\n",
            crate::guide::GuideSource::BuiltIn,
        )
        .expect("guide parses");
        let other = Checker::new(Arc::new(guide), checker().options().clone());
        let findings = check_cached(&other, &document, &cache);
        assert_eq!(lock(&cache).last.hits, 0);
        assert_eq!(findings, other.check(&document));
        // Two generations later, the first guide's entries are gone.
        check_cached(&other, &document, &cache);
        assert_eq!(lock(&cache).len(), document.blocks.len());
    }
}
