use std::collections::HashMap;

use crate::declare_rule;
use crate::document::{Document, DocumentKind, PLACEHOLDER};
use crate::finding::{Finding, quote};
use crate::guide::Guide;
use crate::rules::{DocumentContext, Rule, RuleFactory, RuleMeta};

use super::post_span;

declare_rule! {
    /// ## What it does
    /// Flags a post that is a near-verbatim copy of one of the guide's
    /// curated key messages (word-shingle similarity of 0.9 or more,
    /// ignoring hashtags, links and whitespace) and adds fewer than 12 words
    /// of the author's own. A post that quotes a key message and adds the
    /// author's own perspective is fine.
    ///
    /// ## Why is this bad?
    /// When a hundred employees paste the same message, readers and
    /// platforms notice: it reads as a campaign, not a person, and reaches
    /// fewer people. A line or two in the author's own words is what makes
    /// advocacy work.
    ///
    /// ## Example
    /// ```markdown
    /// (the key message, pasted as it is)
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// (the key message, with a sentence or two on why it matters to you)
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the author's own words are the point.
    ///
    /// ## Options
    /// `[sharing] key_messages = ["key-messages/"]`: files or folders of
    /// messages (`.md`, `.markdown`, `.txt`; one message per file, or several
    /// separated by a line `---`), relative to the guide. They are read once
    /// when the guide is loaded and indexed once per check run. They must be
    /// regular files inside the guide's project (its repository, else its
    /// folder; `COPYDESK_GUIDE_PATHS` allows more), at most 1 MiB each and
    /// 2,000 per folder; anything else stops the guide from loading with an
    /// error at the entry's line and column.
    ///
    /// ## When it runs
    /// Only on social posts: when a platform is known (front matter
    /// `platform`/`platforms`, `--platform`, or `[sharing] platforms` for
    /// files inside `[sharing] posts`, or for every file when `posts` is
    /// unset), and never on the guide's key-message files. A long-form blog
    /// post with no platform is not checked as a social post.
    pub static META = {
        id: "share/key-message-copy",
        category: Share,
        severity: Info,
        fixable: No,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

/// Words per shingle.
const SHINGLE: usize = 3;
/// Share of a message's shingles the post must hold to be a copy.
const SIMILARITY: f64 = 0.9;
/// A copy with at least this many words of the author's own is fine.
const OWN_WORDS: usize = 12;

struct Message {
    source: String,
    shingles: Vec<u64>,
}

struct KeyMessageCopy {
    messages: Vec<Message>,
    /// Shingle hash → messages holding it (each message once per shingle).
    index: HashMap<u64, Vec<u32>>,
}

fn build(guide: &Guide) -> Box<dyn Rule> {
    let mut messages = Vec::with_capacity(guide.key_messages.len());
    let mut index: HashMap<u64, Vec<u32>> = HashMap::new();
    for message in guide.key_messages.iter() {
        let document = Document::parse(message.text.as_str(), DocumentKind::Markdown);
        let words = normalized_words(&document);
        let mut shingles = shingles(&words);
        shingles.sort_unstable();
        shingles.dedup();
        if shingles.is_empty() {
            continue;
        }
        let id = messages.len() as u32;
        for shingle in &shingles {
            index.entry(*shingle).or_default().push(id);
        }
        messages.push(Message {
            source: message.source.clone(),
            shingles,
        });
    }
    Box::new(KeyMessageCopy { messages, index })
}

/// A word of the post, lowercased.
struct Word {
    text: String,
}

/// The document's words, lowercased, without hashtags, @mentions and
/// atoms (links, code).
fn normalized_words(document: &Document) -> Vec<Word> {
    let mut out = Vec::new();
    for block in &document.blocks {
        let prose = block.prose.text.as_str();
        for word in &block.words {
            let before = prose[..word.start].chars().next_back();
            if matches!(before, Some('#' | '@' | '＃')) || prose[word.clone()].contains(PLACEHOLDER)
            {
                continue;
            }
            out.push(Word {
                text: prose[word.clone()].to_lowercase().replace('’', "'"),
            });
        }
    }
    out
}

fn shingles(words: &[Word]) -> Vec<u64> {
    if words.is_empty() {
        return Vec::new();
    }
    let size = SHINGLE.min(words.len());
    words
        .windows(size)
        .map(|window| {
            let parts: Vec<&[u8]> = window.iter().map(|w| w.text.as_bytes()).collect();
            crate::hash::stable_hash(&parts)
        })
        .collect()
}

impl Rule for KeyMessageCopy {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, cx: &DocumentContext, out: &mut Vec<Finding>) {
        if self.messages.is_empty() || !cx.post.is_social_post() {
            return;
        }
        let words = normalized_words(cx.document);
        let post_shingles = shingles(&words);
        if post_shingles.is_empty() {
            return;
        }
        // Count, per message, how many of its shingles the post holds.
        let mut distinct = post_shingles.clone();
        distinct.sort_unstable();
        distinct.dedup();
        let mut hits: HashMap<u32, usize> = HashMap::new();
        for shingle in &distinct {
            for &id in self.index.get(shingle).into_iter().flatten() {
                *hits.entry(id).or_default() += 1;
            }
        }
        let best = hits
            .into_iter()
            .map(|(id, count)| {
                let message = &self.messages[id as usize];
                (count as f64 / message.shingles.len() as f64, id)
            })
            .filter(|(similarity, _)| *similarity >= SIMILARITY)
            .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
        let Some((similarity, id)) = best else {
            return;
        };
        let message = &self.messages[id as usize];
        // The author's own words: those no shared shingle covers.
        let size = SHINGLE.min(words.len());
        let mut covered = vec![false; words.len()];
        for (start, shingle) in post_shingles.iter().enumerate() {
            if message.shingles.binary_search(shingle).is_ok() {
                for flag in &mut covered[start..start + size] {
                    *flag = true;
                }
            }
        }
        let own = covered.iter().filter(|c| !**c).count();
        if own >= OWN_WORDS {
            return;
        }
        out.push(
            Finding::new(
                META.id,
                post_span(cx.document),
                META.severity,
                format!(
                    "This post copies the key message {} ({}% the same) and adds {own} {} of your own",
                    quote(&message.source),
                    (similarity * 100.0).floor() as u32,
                    if own == 1 { "word" } else { "words" }
                ),
            )
            .with_note(Some(
                "Add a line or two in your own words: why it matters to you, what you saw".to_owned(),
            )),
        );
    }
}
