//! Prompt templates: Markdown files with a front matter version, embedded at
//! build time, overridable per guide with `[llm] prompts_dir`.
//!
//! A template is text with `{{name}}` placeholders. Each template has a fixed
//! set of variables; an override that uses an unknown one is refused when it
//! is loaded, not when a writer first asks for a suggestion.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::guide::Guide;
use crate::hash::stable_hash_hex;
use crate::project_files::{Project, Refusal, TEXT_FILE_LIMIT};

const SYSTEM: &str = include_str!("../../prompts/system.md");
const TIGHTEN: &str = include_str!("../../prompts/tighten.md");
const BRIDGE: &str = include_str!("../../prompts/bridge.md");
const REVIEW: &str = include_str!("../../prompts/review.md");

/// The templates, with the variables each accepts and must use.
const KINDS: [(PromptKind, &str, &[&str], &[&str]); 4] = [
    (PromptKind::System, SYSTEM, &["voice"], &[]),
    (
        PromptKind::Tighten,
        TIGHTEN,
        &["text", "unit", "target_words", "context"],
        &["text"],
    ),
    (
        PromptKind::Bridge,
        BRIDGE,
        &["first", "second", "count"],
        &["first", "second"],
    ),
    (
        PromptKind::Review,
        REVIEW,
        &["voice", "questions", "paragraphs"],
        &["questions", "paragraphs"],
    ),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PromptKind {
    System,
    Tighten,
    Bridge,
    Review,
}

impl PromptKind {
    pub fn name(self) -> &'static str {
        match self {
            PromptKind::System => "system",
            PromptKind::Tighten => "tighten",
            PromptKind::Bridge => "bridge",
            PromptKind::Review => "review",
        }
    }

    fn file_name(self) -> String {
        format!("{}.md", self.name())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PromptError {
    #[error(
        "{path}: prompt has no front matter with a version (start it with ---, version: 1, ---)"
    )]
    NoVersion { path: String },
    #[error("{path}: unknown placeholder “{{{{{name}}}}}” (this prompt accepts: {accepted})")]
    UnknownVariable {
        path: String,
        name: String,
        accepted: String,
    },
    #[error("{path}: prompt must use “{{{{{name}}}}}”")]
    MissingVariable { path: String, name: String },
    #[error("could not read prompt {path}: {message}")]
    Read { path: String, message: String },
    /// A prompt file or folder the guide's project does not allow.
    #[error("{message}")]
    Refused { message: String },
}

/// Where a template came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptOrigin {
    BuiltIn,
    File(PathBuf),
}

impl fmt::Display for PromptOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PromptOrigin::BuiltIn => f.write_str("built-in"),
            PromptOrigin::File(path) => write!(f, "{}", path.display()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct PromptTemplate {
    pub kind: PromptKind,
    /// From the front matter: bump it whenever the wording changes.
    pub version: String,
    pub body: String,
    pub origin: PromptOrigin,
    /// A hash of the whole file, so an edited override without a version
    /// bump still misses the cache.
    pub hash: String,
}

impl PromptTemplate {
    /// `tighten@1`: what provenance shows.
    pub fn id(&self) -> String {
        format!("{}@{}", self.kind.name(), self.version)
    }

    /// `tighten@1#hash`: what the cache keys on.
    pub fn cache_id(&self) -> String {
        format!("{}#{}", self.id(), self.hash)
    }

    fn parse(kind: PromptKind, text: &str, origin: PromptOrigin) -> Result<Self, PromptError> {
        let path = origin.to_string();
        let (_, _, accepted, required) = KINDS
            .iter()
            .find(|(k, ..)| *k == kind)
            .expect("every prompt kind is listed");
        let (version, body) = split_front_matter(text)
            .ok_or_else(|| PromptError::NoVersion { path: path.clone() })?;
        for name in placeholders(body) {
            if !accepted.contains(&name) {
                return Err(PromptError::UnknownVariable {
                    path,
                    name: name.to_owned(),
                    accepted: accepted.join(", "),
                });
            }
        }
        for name in *required {
            if !placeholders(body).any(|used| used == *name) {
                return Err(PromptError::MissingVariable {
                    path,
                    name: (*name).to_owned(),
                });
            }
        }
        Ok(PromptTemplate {
            kind,
            version: version.to_owned(),
            body: body.to_owned(),
            origin,
            hash: stable_hash_hex(&[text.as_bytes()]),
        })
    }

    /// Fill in the placeholders. Variables not given render empty; runs of
    /// blank lines left by empty sections collapse to one.
    pub fn render(&self, variables: &[(&str, &str)]) -> String {
        let mut out = String::with_capacity(self.body.len() + 256);
        let mut rest = self.body.as_str();
        while let Some(start) = rest.find("{{") {
            let Some(end) = rest[start..].find("}}") else {
                break;
            };
            out.push_str(&rest[..start]);
            let name = rest[start + 2..start + end].trim();
            if let Some((_, value)) = variables.iter().find(|(n, _)| *n == name) {
                out.push_str(value);
            }
            rest = &rest[start + end + 2..];
        }
        out.push_str(rest);
        collapse_blank_lines(&out)
    }
}

/// The templates in effect.
#[derive(Debug, Clone)]
pub struct Prompts {
    pub system: PromptTemplate,
    pub tighten: PromptTemplate,
    pub bridge: PromptTemplate,
    /// Model review's whole request (it does not use `system`).
    pub review: PromptTemplate,
}

impl Prompts {
    pub fn builtin() -> Prompts {
        let load = |kind: PromptKind| {
            let (_, text, ..) = KINDS.iter().find(|(k, ..)| *k == kind).expect("listed");
            PromptTemplate::parse(kind, text, PromptOrigin::BuiltIn)
                .expect("built-in prompts are valid (tested)")
        };
        Prompts {
            system: load(PromptKind::System),
            tighten: load(PromptKind::Tighten),
            bridge: load(PromptKind::Bridge),
            review: load(PromptKind::Review),
        }
    }

    /// The built-in prompts, with any of `dir`'s `system.md`, `tighten.md`,
    /// `bridge.md`, `review.md` in their place. The folder and its files
    /// must be inside the guide's project (`project_files`); each
    /// file is a regular file of at most 1 MiB.
    pub fn load(dir: Option<&Path>, project: &Project) -> Result<Prompts, PromptError> {
        let mut prompts = Prompts::builtin();
        let Some(dir) = dir else {
            return Ok(prompts);
        };
        project
            .check_inside(dir)
            .map_err(|refusal| PromptError::Refused {
                message: format!("prompts_dir: {refusal}"),
            })?;
        if !dir.is_dir() {
            return Err(PromptError::Read {
                path: dir.display().to_string(),
                message: "prompts_dir is not a folder".to_owned(),
            });
        }
        for slot in [
            &mut prompts.system,
            &mut prompts.tighten,
            &mut prompts.bridge,
            &mut prompts.review,
        ] {
            let path = dir.join(slot.kind.file_name());
            if !path.is_file() {
                continue;
            }
            let text =
                project
                    .read_text(&path, TEXT_FILE_LIMIT)
                    .map_err(|refusal| match refusal {
                        Refusal::Io { path, message } => PromptError::Read { path, message },
                        other => PromptError::Refused {
                            message: other.to_string(),
                        },
                    })?;
            *slot = PromptTemplate::parse(slot.kind, &text, PromptOrigin::File(path))?;
        }
        Ok(prompts)
    }
}

/// The guide's voice, as the system prompt's `{{voice}}` section: a few
/// lines the model can follow, empty when the guide says nothing.
pub fn voice_section(guide: &Guide) -> String {
    const MAX_TERMS: usize = 20;
    let voice = &guide.config.voice;
    let mut lines = Vec::new();
    if let Some(description) = voice.description.as_deref().map(str::trim)
        && !description.is_empty()
    {
        lines.push(format!("The brand voice: {description}"));
    }
    let preferred: Vec<String> = voice
        .terms
        .iter()
        .take(MAX_TERMS)
        .map(|term| {
            format!(
                "“{}” (not {})",
                term.preferred,
                term.instead_of
                    .iter()
                    .map(|old| format!("“{old}”"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        })
        .collect();
    if !preferred.is_empty() {
        lines.push(format!("Preferred terms: {}.", preferred.join("; ")));
    }
    let avoid: Vec<String> = voice
        .avoid
        .iter()
        .flat_map(|entry| entry.terms.iter())
        .take(MAX_TERMS)
        .map(|term| format!("“{term}”"))
        .collect();
    if !avoid.is_empty() {
        lines.push(format!("Never use: {}.", avoid.join(", ")));
    }
    if let Some(words) = voice.max_sentence_words {
        lines.push(format!("Keep sentences under {words} words."));
    }
    if let Some(grade) = voice.reading_grade {
        lines.push(format!("Write for a reading grade of {grade} or lower."));
    }
    if lines.is_empty() {
        return String::new();
    }
    format!("\nStyle guide:\n- {}", lines.join("\n- "))
}

/// How many of the writer's own sentences Tighten and Bridge prompts carry
/// when a voice profile is in effect.
pub const VOICE_EXAMPLES: usize = 3;

/// The writer's own sentences for a Tighten or Bridge request, appended to
/// the system prompt's `{{voice}}` section: the profile's stored sentences
/// closest to `text` ([`crate::voice::excerpts_for`]), empty without a
/// profile (or when it stores none). In the system message rather than
/// beside the text: SmolLM2-135M, given them in the user message, rewrote
/// the examples instead of the text (docs/voice.md).
pub fn voice_examples(profile: Option<&crate::voice::VoiceProfile>, text: &str) -> String {
    let Some(profile) = profile else {
        return String::new();
    };
    let excerpts = crate::voice::excerpts_for(profile, text, VOICE_EXAMPLES);
    if excerpts.is_empty() {
        return String::new();
    }
    let lines: Vec<String> = excerpts.iter().map(|e| format!("- {e}")).collect();
    format!(
        "\n\nHow this writer writes (sentences from their published posts: match their sentence length, contractions, person and linking words; they are never part of an answer):\n{}",
        lines.join("\n")
    )
}

fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let end = rest.find("\n---")?;
    let header = &rest[..end];
    let body = rest[end + 4..].trim_start_matches(['\r', '\n']);
    let version = header.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == "version").then(|| value.trim().trim_matches('"'))
    })?;
    (!version.is_empty()).then_some((version, body))
}

fn placeholders(body: &str) -> impl Iterator<Item = &str> {
    let mut rest = body;
    std::iter::from_fn(move || {
        let start = rest.find("{{")?;
        let end = rest[start..].find("}}")?;
        let name = rest[start + 2..start + end].trim();
        rest = &rest[start + end + 2..];
        Some(name)
    })
}

fn collapse_blank_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.trim().lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.trim_end().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project_of(dir: &Path) -> Project {
        Project::for_guide(&dir.join("copydesk.toml"))
    }

    #[test]
    fn a_prompts_dir_outside_the_guide_project_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let guide_dir = dir.path().join("site");
        std::fs::create_dir_all(&guide_dir).unwrap();
        let error = Prompts::load(Some(dir.path()), &project_of(&guide_dir)).unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("prompts_dir: "), "{message}");
        assert!(message.contains("outside the guide's project"), "{message}");
    }

    #[test]
    fn builtin_prompts_parse_with_versions() {
        let prompts = Prompts::builtin();
        assert_eq!(prompts.tighten.id(), "tighten@2");
        assert_eq!(prompts.bridge.id(), "bridge@2");
        assert_eq!(prompts.system.id(), "system@1");
        assert_eq!(prompts.review.id(), "review@1");
    }

    #[test]
    fn override_with_unknown_placeholder_is_refused_with_its_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("tighten.md"),
            "---\nversion: 7\n---\nTighten {{text}} for {{audience}}\n",
        )
        .unwrap();
        let error = Prompts::load(Some(dir.path()), &project_of(dir.path())).unwrap_err();
        let message = error.to_string();
        assert!(message.contains("tighten.md"), "{message}");
        assert!(message.contains("“{{audience}}”"), "{message}");
    }

    #[test]
    fn override_replaces_only_its_own_prompt() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("bridge.md"),
            "---\nversion: 2-house\n---\nJoin {{first}} and {{second}}\n",
        )
        .unwrap();
        let prompts = Prompts::load(Some(dir.path()), &project_of(dir.path())).unwrap();
        assert_eq!(prompts.bridge.id(), "bridge@2-house");
        assert_eq!(prompts.tighten.origin, PromptOrigin::BuiltIn);
        assert_eq!(
            prompts.bridge.render(&[("first", "A."), ("second", "B.")]),
            "Join A. and B."
        );
    }

    #[test]
    fn missing_front_matter_or_required_variable_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("tighten.md"), "Tighten {{text}}\n").unwrap();
        assert!(matches!(
            Prompts::load(Some(dir.path()), &project_of(dir.path())),
            Err(PromptError::NoVersion { .. })
        ));
        std::fs::write(
            dir.path().join("tighten.md"),
            "---\nversion: 1\n---\nTighten it\n",
        )
        .unwrap();
        assert!(matches!(
            Prompts::load(Some(dir.path()), &project_of(dir.path())),
            Err(PromptError::MissingVariable { .. })
        ));
    }
}
