use crate::declare_rule;
use crate::finding::Finding;
use crate::guide::Guide;
use crate::rules::{DocumentContext, Rule, RuleFactory, RuleMeta};
use crate::voice::{self, draft::DraftCounts};

declare_rule! {
    /// ## What it does
    /// Compares a draft with the writer's voice profile (`[voice] profile`,
    /// learned by `copydesk voice learn` from their own posts) and says where
    /// it moves far from it, with numbers: sentence length (for the draft or
    /// one paragraph), contractions, reading grade, “I”/“we”/“you”,
    /// exclamation marks, em dashes, British or American spelling, and
    /// formal words where the profile shows the writer uses a plain one.
    ///
    /// ## Why is this bad?
    /// A tighter draft should still sound like its writer. A post that
    /// suddenly writes 30-word sentences, drops every contraction or says
    /// “utilize” where the writer always says “use” reads like someone else
    /// wrote it. The rule only speaks when the difference is large against
    /// the writer's own variation from post to post (a z-score above 3), and
    /// judges the whole draft only from 150 words, so the writer's own
    /// unseen posts get almost no findings (see docs/voice.md).
    ///
    /// ## Example
    /// ```markdown
    /// ---
    /// voice_profile: dana
    /// ---
    /// We are pleased to announce that the organization will utilize a new
    /// approach to color management, which has been developed over an
    /// extended period in close collaboration with many stakeholders.
    /// ```
    ///
    /// ## Use instead
    /// ```markdown
    /// We've changed how colour works. We built it with you over the summer.
    /// ```
    ///
    /// ## Fix safety
    /// No automatic fix: a voice is not one right answer. Tighten and Bridge
    /// use the profile's excerpts as examples.
    ///
    /// ## Options
    /// Off until a profile is in effect: `[voice] profile = "voices/dana.toml"`
    /// for every post, `[voice] profiles = [...]` for others a post picks with
    /// `voice_profile: <name or path>` in its front matter (`none` turns it
    /// off for that post).
    pub static META = {
        id: "voice/drift",
        category: Voice,
        severity: Info,
        fixable: No,
    }
}

pub const FACTORY: RuleFactory = RuleFactory { meta: &META, build };

fn build(_guide: &Guide) -> Box<dyn Rule> {
    Box::new(Drift)
}

struct Drift;

impl Rule for Drift {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn check_document(&self, cx: &DocumentContext, out: &mut Vec<Finding>) {
        let voices = &cx.guide.voices;
        let in_effect = match voices.for_document(cx.document) {
            Ok(Some(in_effect)) => in_effect,
            Ok(None) => return,
            Err(voice::UnknownProfile(wanted)) => {
                let span = cx
                    .document
                    .front_matter
                    .as_ref()
                    .map_or(0..0, |f| f.span.clone());
                let known: Vec<&str> = voices.all.iter().map(|l| l.profile.name.as_str()).collect();
                let message = if known.is_empty() {
                    format!(
                        "voice_profile “{wanted}”: the guide names no voice profiles ([voice] profile, profiles)"
                    )
                } else {
                    format!(
                        "voice_profile “{wanted}” is not one the guide loads ({})",
                        known.join(", ")
                    )
                };
                out.push(Finding::new(META.id, span, META.severity, message));
                return;
            }
        };
        let loaded = in_effect.loaded;
        let counts = DraftCounts::of_document(cx.document);
        let note = in_effect.describe();
        for drift in voice::drift(&loaded.profile, cx.document, &counts) {
            let Some(block) = cx.document.blocks.get(drift.block) else {
                continue;
            };
            let mut finding = Finding::new(
                META.id,
                block.source_range(drift.prose.clone()),
                META.severity,
                drift.message,
            );
            finding.note = Some(note.clone());
            out.push(finding);
        }
    }
}
