//! The shape of `copydesk.toml`. Key names are part of the product: renaming
//! one breaks users' guides.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use super::GuideError;
use super::catalog::{self, Category, RuleMeta};
use super::merge::{merge_by_replacing, mergeable};
use super::tables::{Section, SectionKeys};
use crate::finding::Severity;

#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Extends {
    #[default]
    Default,
    None,
}

/// A rule's level in `[rules]`: off, or a severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleLevel {
    Off,
    On(Severity),
}

impl RuleLevel {
    pub fn parse(text: &str) -> Option<RuleLevel> {
        if text == "off" {
            return Some(RuleLevel::Off);
        }
        Severity::parse(text).map(RuleLevel::On)
    }

    pub fn severity(self) -> Option<Severity> {
        match self {
            RuleLevel::Off => None,
            RuleLevel::On(severity) => Some(severity),
        }
    }
}

/// The values `[rules]` takes, for the schema (the guide reads them as
/// strings, to report an unknown one with its line and column).
#[derive(schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
enum RuleLevelName {
    Off,
    Hint,
    Info,
    Warning,
    Error,
}

/// One string or a list of strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

merge_by_replacing!(Extends);

impl Default for OneOrMany {
    fn default() -> OneOrMany {
        OneOrMany::Many(Vec::new())
    }
}

impl OneOrMany {
    pub fn as_slice(&self) -> &[String] {
        match self {
            OneOrMany::One(one) => std::slice::from_ref(one),
            OneOrMany::Many(many) => many,
        }
    }
}

/// A row of a term table: phrases to find, what to use instead, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TermEntry {
    pub find: OneOrMany,
    /// Replacements. One: a fix (Safe or Unsafe, per the rule). Several:
    /// candidates offered, none applied automatically. None: no fix.
    #[serde(rename = "use", default)]
    pub replace_with: OneOrMany,
    #[serde(default)]
    pub why: Option<String>,
    /// Match the exact case written in `find` (default: any case).
    #[serde(default)]
    pub case_sensitive: bool,
}

/// `[[voice.terms]]`: the brand's preferred wording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PreferredTerm {
    #[serde(rename = "use")]
    pub preferred: String,
    pub instead_of: Vec<String>,
    #[serde(default)]
    pub why: Option<String>,
    #[serde(default)]
    pub case_sensitive: bool,
}

/// `[[voice.avoid]]`: words the brand never uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AvoidTerms {
    pub terms: Vec<String>,
    #[serde(default)]
    pub why: Option<String>,
    #[serde(default)]
    pub case_sensitive: bool,
}

mergeable! {
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct CasingConfig {
        /// Names with their one right spelling: "GitHub", "LinkedIn".
        #[serde(default)]
        pub names: Vec<String>,
    }
}

mergeable! {
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct VoiceConfig {
        /// voice/sentence-length flags sentences longer than this.
        pub max_sentence_words: Option<usize>,
        /// voice/readability flags text above this Flesch–Kincaid grade.
        pub reading_grade: Option<f64>,
        /// A few sentences describing the brand voice ("warm, plain, no hype").
        pub description: Option<String>,
        /// Acronyms voice/shouting accepts in capitals, beyond the built-in list.
        #[serde(default)]
        pub acronyms: Vec<String>,
        #[serde(default)]
        pub terms: Vec<PreferredTerm>,
        #[serde(default)]
        pub avoid: Vec<AvoidTerms>,
        #[serde(default)]
        pub casing: CasingConfig,
        /// `[[voice.examples]]`: snippets in and out of the voice, for model review.
        #[serde(default)]
        pub examples: Vec<super::VoiceExample>,
        /// A voice profile file (`copydesk voice learn`), relative to the guide:
        /// voice/drift compares drafts with it.
        pub profile: Option<String>,
        /// More voice profiles a post may pick in front matter (`voice_profile:`).
        #[serde(default)]
        pub profiles: Vec<String>,
    }
}

mergeable! {
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
    /// `[concise]` has no keys of its own, only the tables of the concise
    /// rules.
    #[serde(deny_unknown_fields)]
    pub struct ConciseConfig {}
}

mergeable! {
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct FlowConfig {
        /// Openers that count as a transition for flow/abrupt-transition,
        /// beyond the built-in list ("Meanwhile", "On the other hand").
        #[serde(default)]
        pub transitions: Vec<String>,
    }
}

mergeable! {
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct FilesConfig {
        /// Extensions checked in folder walks, beyond md, markdown, mdx, txt.
        #[serde(default)]
        pub extensions: Vec<String>,
        /// Files larger than this are reported, not checked (default 10 MiB).
        pub max_bytes: Option<u64>,
    }
}

mergeable! {
    /// The whole file. Every section is optional.
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
    #[serde(deny_unknown_fields)]
    pub struct GuideFile {
        #[serde(default)]
        pub extends: Extends,
        /// Rule id or category → "off" | "hint" | "info" | "warning" | "error".
        #[serde(default)]
        #[schemars(with = "BTreeMap<String, RuleLevelName>")]
        pub rules: BTreeMap<String, Spanned<String>>,
        /// Words and phrases no term table flags (like a Vale accept list).
        #[serde(default)]
        pub allow: Vec<String>,
        /// `[voice]`: its own keys, and the tables of the voice table rules.
        #[serde(default)]
        pub voice: Section<VoiceConfig>,
        /// `[concise]`: the tables of the concise table rules.
        #[serde(default)]
        pub concise: Section<ConciseConfig>,
        #[serde(default)]
        pub flow: Section<FlowConfig>,
        #[serde(default)]
        pub files: FilesConfig,
        /// `[llm]`: the model for Tighten and Bridge; absent means no network.
        #[serde(default)]
        pub llm: Option<super::LlmConfig>,
        /// A Vale configuration (`.vale.ini`) whose styles run as rules; the
        /// path is relative to this guide.
        #[serde(default)]
        pub vale: Option<String>,
        #[serde(default)]
        pub sharing: super::SharingConfig,
        /// `[review]`: what model review asks (it runs only with `[llm]`).
        #[serde(default)]
        pub review: super::ReviewConfig,
    }
}

impl SectionKeys for VoiceConfig {
    const CATEGORY: Category = Category::Voice;
}

impl SectionKeys for ConciseConfig {
    const CATEGORY: Category = Category::Concise;
}

impl SectionKeys for FlowConfig {
    const CATEGORY: Category = Category::Flow;
}

impl GuideFile {
    /// A table rule's rows: its `table` key in its category's section
    /// (none for a rule that declares no table).
    pub fn table(&self, meta: &RuleMeta) -> &[TermEntry] {
        let Some(key) = meta.table else {
            return &[];
        };
        match meta.category {
            Category::Voice => self.voice.table(key),
            Category::Concise => self.concise.table(key),
            Category::Flow => self.flow.table(key),
            Category::Share => &[],
        }
    }

    /// Checks serde cannot make: rule ids and severities in `[rules]`.
    pub(super) fn validate(&self, name: &str, text: &str) -> Result<(), GuideError> {
        for (rule, level) in &self.rules {
            if RuleLevel::parse(level.get_ref()).is_none() {
                return Err(GuideError::at(
                    name,
                    text,
                    level.span().start,
                    format!(
                        "invalid level “{}” for “{rule}”: expected one of off, hint, info, warning, error",
                        level.get_ref()
                    ),
                ));
            }
            if !catalog::is_known_selector(rule) {
                let hint = catalog::closest_rule_id(rule)
                    .map(|id| format!("; did you mean “{id}”?"))
                    .unwrap_or_default();
                return Err(GuideError::at(
                    name,
                    text,
                    key_offset(text, rule).unwrap_or(level.span().start),
                    format!("unknown rule “{rule}” in [rules]{hint}"),
                ));
            }
        }
        if let Some(llm) = &self.llm
            && let Err((key, message)) = llm.validate().and_then(|()| {
                match llm.api_key_env.as_deref().map(super::llm::key_name_allowed) {
                    Some(Err(message)) => Err(("api_key_env", message)),
                    _ => Ok(()),
                }
            })
        {
            return Err(GuideError::at(
                name,
                text,
                key_offset(text, key).unwrap_or(0),
                message,
            ));
        }
        if let Some(grade) = self.voice.reading_grade
            && !(1.0..=30.0).contains(&grade)
        {
            return Err(GuideError::at(
                name,
                text,
                key_offset(text, "reading_grade").unwrap_or(0),
                format!("reading_grade {grade} is out of range: expected 1 to 30"),
            ));
        }
        self.sharing.validate(name, text)?;
        self.review.validate(name, text)?;
        Ok(())
    }
}

/// Where a key (bare or quoted) is written, to point errors at it.
pub(super) fn key_offset(text: &str, key: &str) -> Option<usize> {
    text.find(&format!("\"{key}\""))
        .or_else(|| text.find(&format!("'{key}'")))
        .or_else(|| text.find(key))
}
