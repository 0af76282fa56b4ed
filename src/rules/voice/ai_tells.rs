use std::sync::LazyLock;

use regex::Regex;

use crate::declare_rule;
use crate::document::{Block, BlockKind};
use crate::finding::Finding;
use crate::fix::Applicability;
use crate::guide::Guide;
use crate::rules::table::{TableRule, TableStyle};
use crate::rules::{Context, Rule, RuleFactory, RuleMeta, Term, TermMatch};

declare_rule! {
    /// ## What it does
    /// Flags phrases and patterns over-represented in machine-written text:
    /// stock words and openers (“delve deeper”, “tapestry”, “in today's fast-paced
    /// world”, “unlock the power of”, “Let's dive in”, “I hope this message
    /// finds you well”), the “it's not just X, it's Y” turn, a paragraph
    /// dense with em dashes, and triplets of buzzwords (“seamless, scalable,
    /// and secure”).
    ///
    /// ## Why is this bad?
    /// Readers have learned these tells; a post that has them reads as
    /// generated, whoever wrote it, and loses the writer's own voice. The
    /// table holds phrases that are rare in people's own posts (its
    /// precision is measured on human-written blogs, see docs/voice.md), and
    /// the rule is informational.
    ///
    /// ## Example
    /// ```markdown
    /// In today's fast-paced world, let's dive in and unlock the power of
    /// automation. It's not just a tool, it's a revolution.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// Automation saves our support team four hours a week. Here is how.
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: the better sentence says something the stock one
    /// did not.
    ///
    /// ## Options
    /// `[voice] ai_tells = [{ find = "…", why = "…" }]` adds rows; `allow`
    /// keeps words.
    pub static META = {
        id: "voice/ai-tells",
        category: Voice,
        severity: Info,
        fixable: No,
        table: "ai_tells",
        defaults: include_str!("ai_tells.toml"),
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

fn build(guide: &Guide) -> Box<dyn Rule> {
    Box::new(AiTells {
        table: TableRule::boxed(
            &META,
            guide.config.table(&META),
            TableStyle {
                message: |quoted| format!("Reads as machine-written: {quoted}"),
                single_fix: Applicability::DisplayOnly,
            },
        ),
    })
}

struct AiTells {
    table: Box<dyn Rule>,
}

/// "It's not just a tool, it's a revolution", "This isn't only X — it's Y".
static NOT_JUST: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:it|this|that)(?:['’]s| is|['’]s)? ?(?:not|n['’]t) (?:just|only|merely|simply) [^.!?;:]{1,60}?(?:,|;|—|–| - ) ?(?:it|this|that)(?:['’]s| is) ",
    )
    .expect("valid pattern")
});

/// Words machine-written triplets are made of.
const BUZZWORDS: &[&str] = &[
    "seamless",
    "scalable",
    "secure",
    "efficient",
    "innovative",
    "robust",
    "powerful",
    "intuitive",
    "flexible",
    "reliable",
    "engaging",
    "dynamic",
    "effortless",
    "streamlined",
    "impactful",
    "transformative",
    "meaningful",
    "cutting-edge",
    "user-friendly",
    "versatile",
    "sustainable",
    "holistic",
    "personalized",
    "personalised",
    "actionable",
    "comprehensive",
    "insightful",
    "empowering",
    "inclusive",
    "agile",
];

static TRIPLET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b([a-z-]+), ([a-z-]+),? (?:and|&) ([a-z-]+)\b").expect("valid pattern")
});

/// A paragraph with at least this many em dashes, and at least one per
/// `EM_DASH_WORDS` words, is dense with them.
const EM_DASH_MIN: usize = 3;
const EM_DASH_WORDS: usize = 25;

impl Rule for AiTells {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn terms(&self) -> Vec<Term> {
        self.table.terms()
    }

    fn on_term(&self, cx: &Context, block: &Block, found: &TermMatch, out: &mut Vec<Finding>) {
        self.table.on_term(cx, block, found, out);
    }

    fn check_block(&self, _cx: &Context, block: &Block, out: &mut Vec<Finding>) {
        if matches!(block.kind, BlockKind::Heading(_) | BlockKind::TableCell) || block.in_quote {
            return;
        }
        let text = block.text();
        let mut push = |range: std::ops::Range<usize>, message: String| {
            out.push(Finding::new(
                META.id,
                block.source_range(range),
                META.severity,
                message,
            ));
        };
        for found in NOT_JUST.find_iter(text) {
            push(
                found.range(),
                "Reads as machine-written: the “it's not just X, it's Y” turn; say what it is"
                    .to_owned(),
            );
        }
        for caps in TRIPLET.captures_iter(text) {
            let all_buzz = (1..=3).all(|i| {
                caps.get(i)
                    .is_some_and(|m| BUZZWORDS.contains(&m.as_str().to_ascii_lowercase().as_str()))
            });
            if all_buzz && let Some(whole) = caps.get(0) {
                push(
                    whole.range(),
                    format!(
                        "Reads as machine-written: a triplet of buzzwords (“{}”); say what makes it so",
                        whole.as_str()
                    ),
                );
            }
        }
        let dashes: Vec<usize> = text.match_indices('—').map(|(i, _)| i).collect();
        if dashes.len() >= EM_DASH_MIN && dashes.len() * EM_DASH_WORDS >= block.words.len() {
            let start = dashes[0];
            let end = dashes[dashes.len() - 1] + '—'.len_utf8();
            push(
                start..end,
                format!(
                    "Reads as machine-written: {} em dashes in {} words; use a full stop or a comma for some",
                    dashes.len(),
                    block.words.len()
                ),
            );
        }
    }
}
