//! The guide: a brand's voice and sharing rules, as a `copydesk.toml` file.
//!
//! A guide file is found by walking up from the checked file (nearest wins),
//! or named with `--config`; without one, the built-in default guide applies.
//! `extends = "default"` (the default) layers the file over the built-in
//! guide: scalars override, lists add. `extends = "none"` starts from nothing:
//! only the file's tables, and only the rules its `[rules]` table turns on.
//!
//! Loading validates everything (unknown keys, wrong types, unknown rule ids,
//! bad severities) and reports the file, line and column. This module reads
//! files only in [`Guide::load`], [`Guide::from_source`] (the Vale styles a
//! `vale` key names) and [`discover`]; everything else is pure.
//!
//! Without any `copydesk.toml` above a file, a Vale configuration
//! (`.vale.ini`, `_vale.ini`, `.vale`) found the same way is used: the
//! built-in guide plus the Vale styles.

pub mod catalog;
mod config;
pub mod key_messages;
mod llm;
pub mod merge;
pub mod platforms;
mod review;
mod sharing;
pub mod tables;
pub mod voice_profiles;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::vale::rule_set::RuleSet;
use std::sync::{Arc, LazyLock};

pub use config::*;
pub use llm::{FORBIDDEN_KEY_NAMES, FORBIDDEN_KEY_PREFIXES, LlmConfig, key_name_allowed};
pub use merge::Merge;
pub use review::*;
pub use sharing::*;

// Below the guide: the Vale styles and voice profiles a guide loads read
// their files and hash their text with these too.
use crate::hash::stable_hash_hex;
use crate::project_files;

use crate::finding::Severity;

/// The file name searched for when walking up from a document.
pub const FILE_NAME: &str = "copydesk.toml";

/// The built-in default guide's own settings; each rule's default table is a
/// fragment next to the rule, named by its `declare_rule!` (see
/// `catalog::default_fragments`).
const DEFAULT_GUIDE: &str = include_str!("default.toml");

/// A commented starter guide, written by `copydesk init`.
pub const STARTER_GUIDE: &str = include_str!("starter.toml");

/// The JSON schema of `copydesk.toml`, for completion and checking in
/// editors (Taplo / Even Better TOML, the VS Code extension). It is made
/// from the same types the guide is read with, so it cannot drift from
/// them; `schemas/copydesk.schema.json` holds a copy (tests/docs.rs keeps
/// it current).
pub fn json_schema() -> String {
    let mut schema = schemars::schema_for!(GuideFile);
    schema.insert("title".to_owned(), "copydesk.toml".into());
    schema.insert(
        "description".to_owned(),
        "A copydesk guide: brand voice and sharing guidelines, checked by copydesk".into(),
    );
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// What went wrong loading a guide. Messages name the file, and the line and
/// column when the problem is inside it.
#[derive(Debug, thiserror::Error)]
pub enum GuideError {
    #[error("{path}:{line}:{column}: {message}")]
    Invalid {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
    // The reason is part of the message and deliberately not a `source`:
    // printing the chain (`{:#}`) would say it twice.
    #[error("could not read guide {path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error(transparent)]
    Vale(#[from] crate::vale::ValeError),
}

impl GuideError {
    /// Locate a problem at byte `offset` of `source`.
    pub fn at(path: &str, source: &str, offset: usize, message: impl Into<String>) -> GuideError {
        let offset = crate::document::line_index::floor_char_boundary(source, offset);
        let before = &source[..offset];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        GuideError::Invalid {
            path: path.to_owned(),
            line,
            column,
            message: message.into(),
        }
    }
}

/// Where a guide came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuideSource {
    BuiltIn,
    File(PathBuf),
}

impl fmt::Display for GuideSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GuideSource::BuiltIn => f.write_str("built-in default guide"),
            GuideSource::File(path) => write!(f, "{}", path.display()),
        }
    }
}

/// A loaded, validated, effective guide (the file merged over the default).
#[derive(Debug, Clone)]
pub struct Guide {
    pub source: GuideSource,
    /// The effective configuration every rule reads.
    pub config: GuideFile,
    /// A stable hash of everything that shaped this guide (copydesk's
    /// version, the built-in tables, the file's text, loaded Vale styles),
    /// for caches.
    pub hash: String,
    /// Rule sets loaded from files (Vale styles), run next to the built-in
    /// rules.
    pub rule_sets: Vec<Arc<dyn RuleSet>>,
    /// The curated messages `[sharing] key_messages` names, read by
    /// [`Guide::load`] (or [`Guide::load_key_messages`]).
    pub key_messages: Arc<[key_messages::KeyMessage]>,
    /// The voice profiles `[voice] profile` and `profiles` name, read by
    /// [`Guide::load`].
    pub voices: Arc<crate::voice::Voices>,
}

impl Guide {
    /// The built-in default guide, parsed once per process.
    pub fn builtin() -> Arc<Guide> {
        static BUILTIN: LazyLock<Arc<Guide>> = LazyLock::new(|| {
            let config = builtin_config();
            Arc::new(Guide {
                source: GuideSource::BuiltIn,
                hash: stable_hash_hex(&[builtin_identity(), b"builtin"]),
                config,
                rule_sets: Vec::new(),
                key_messages: Arc::from([]),
                voices: Arc::default(),
            })
        });
        Arc::clone(&BUILTIN)
    }

    /// Load a guide file from disk: a `copydesk.toml` with the key messages
    /// it names, or a Vale configuration used on its own.
    pub fn load(path: &Path) -> Result<Guide, GuideError> {
        if crate::vale::is_config_file(path) {
            return Guide::from_vale_config(path);
        }
        let text = project_files::read_regular_text(path, project_files::GUIDE_FILE_LIMIT)
            .map_err(|refusal| GuideError::Read {
                path: path.display().to_string(),
                error: std::io::Error::other(refusal.to_string()),
            })?;
        let mut guide = Guide::from_source(&text, GuideSource::File(path.to_path_buf()))?;
        guide.load_key_messages(&text)?;
        guide.load_voice_profiles(&text)?;
        Ok(guide)
    }

    /// Read the files `[sharing] key_messages` names, relative to the
    /// guide's folder and inside its project (`project_files`), and fold
    /// their text into the guide's hash. A guide with no file (the built-in
    /// one) has none. `text` is the guide's own text, to place errors.
    fn load_key_messages(&mut self, text: &str) -> Result<(), GuideError> {
        let entries = &self.config.sharing.key_messages;
        let Some(root) = self.root().filter(|_| !entries.is_empty()) else {
            return Ok(());
        };
        let project = project_files::Project::for_guide(&root.join(FILE_NAME));
        let messages =
            key_messages::load(&project, root, entries).map_err(|(index, refusal)| {
                let entry = &entries[index];
                let offset = [format!("\"{entry}\""), format!("'{entry}'")]
                    .iter()
                    .find_map(|quoted| text.find(quoted.as_str()))
                    .or_else(|| config::key_offset(text, "key_messages"))
                    .unwrap_or(0);
                GuideError::at(
                    &self.source.to_string(),
                    text,
                    offset,
                    format!("key_messages: could not read key messages “{entry}”: {refusal}"),
                )
            })?;
        let mut parts: Vec<&[u8]> = vec![self.hash.as_bytes()];
        for message in &messages {
            parts.push(message.source.as_bytes());
            parts.push(message.text.as_bytes());
        }
        self.hash = stable_hash_hex(&parts);
        self.key_messages = Arc::from(messages);
        Ok(())
    }

    /// Read the voice profiles `[voice] profile` and `profiles` name
    /// (`voice_profiles`), and fold their text into the guide's hash.
    fn load_voice_profiles(&mut self, text: &str) -> Result<(), GuideError> {
        let voice = &self.config.voice;
        let Some(root) = self
            .root()
            .filter(|_| voice.profile.is_some() || !voice.profiles.is_empty())
        else {
            return Ok(());
        };
        let project = project_files::Project::for_guide(&root.join(FILE_NAME));
        let voices =
            voice_profiles::load(&project, root, voice.profile.as_deref(), &voice.profiles)
                .map_err(|error| {
                    let offset = [format!("\"{}\"", error.entry), format!("'{}'", error.entry)]
                        .iter()
                        .find_map(|quoted| text.find(quoted.as_str()))
                        .or_else(|| config::key_offset(text, "profile"))
                        .unwrap_or(0);
                    GuideError::at(
                        &self.source.to_string(),
                        text,
                        offset,
                        format!(
                            "could not read voice profile “{}”: {}",
                            error.entry, error.message
                        ),
                    )
                })?;
        let mut parts: Vec<String> = vec![self.hash.clone()];
        parts.extend(voices.all.iter().map(|l| l.digest.clone()));
        let bytes: Vec<&[u8]> = parts.iter().map(|p| p.as_bytes()).collect();
        self.hash = stable_hash_hex(&bytes);
        self.voices = Arc::new(voices);
        Ok(())
    }

    /// Parse and validate guide text. `source` names it in errors and sets
    /// the directory that relative paths in it resolve against.
    pub fn from_source(text: &str, source: GuideSource) -> Result<Guide, GuideError> {
        let name = source.to_string();
        let file: GuideFile = toml::from_str(text).map_err(|error| {
            let offset = error.span().map_or(0, |span| span.start);
            GuideError::at(&name, text, offset, clean_toml_message(error.message()))
        })?;
        file.validate(&name, text)?;
        // Checked once the Vale styles are loaded: only they know their ids.
        let external_keys: Vec<String> = file
            .rules
            .keys()
            .filter(|rule| !catalog::is_builtin_selector(rule))
            .cloned()
            .collect();
        let config = match file.extends {
            Extends::Default => builtin_config().merged(file),
            Extends::None => file,
        };
        let mut rule_sets: Vec<Arc<dyn RuleSet>> = Vec::new();
        if let Some(vale) = &config.vale {
            let base = match &source {
                GuideSource::File(path) => path.parent().map(Path::to_path_buf).unwrap_or_default(),
                GuideSource::BuiltIn => PathBuf::new(),
            };
            let at = |message: String| {
                GuideError::at(
                    &name,
                    text,
                    config::key_offset(text, "vale").unwrap_or(0),
                    message,
                )
            };
            let project = project_files::Project::for_guide(&base.join(FILE_NAME));
            let path = project
                .resolve(&base, Path::new(vale))
                .map_err(|refusal| at(format!("vale: {refusal}")))?;
            if !path.is_file() {
                return Err(at(format!(
                    "Vale configuration “{}” not found",
                    path.display()
                )));
            }
            rule_sets.push(Arc::new(crate::vale::ValeStyles::load(&path)?));
        }
        for rule in &external_keys {
            if !catalog::is_selector_of(rule, &rule_sets) {
                return Err(GuideError::at(
                    &name,
                    text,
                    config::key_offset(text, rule).unwrap_or(0),
                    format!(
                        "unknown rule “{rule}” in [rules]{}",
                        catalog::unknown_selector_hint(rule, &rule_sets)
                    ),
                ));
            }
        }
        let set_hashes: Vec<[u8; 8]> = rule_sets
            .iter()
            .map(|s| s.content_hash().to_le_bytes())
            .collect();
        let mut parts: Vec<&[u8]> = vec![builtin_identity(), text.as_bytes(), name.as_bytes()];
        parts.extend(set_hashes.iter().map(|h| h.as_slice()));
        let hash = stable_hash_hex(&parts);
        Ok(Guide {
            source,
            config,
            hash,
            rule_sets,
            key_messages: Arc::from([]),
            voices: Arc::default(),
        })
    }

    /// The built-in guide with the styles of a Vale configuration.
    pub fn from_vale_config(path: &Path) -> Result<Guide, GuideError> {
        let styles = crate::vale::ValeStyles::load(path)?;
        let hash = stable_hash_hex(&[
            builtin_identity(),
            b"vale",
            path.display().to_string().as_bytes(),
            &styles.content_hash().to_le_bytes(),
        ]);
        Ok(Guide {
            source: GuideSource::File(path.to_path_buf()),
            config: builtin_config(),
            hash,
            rule_sets: vec![Arc::new(styles)],
            key_messages: Arc::from([]),
            voices: Arc::default(),
        })
    }

    /// Whether `path` is one of the files `[sharing] key_messages` names.
    /// Key-message files are the guide's own material, never posts: the
    /// CLI's folder walk skips them and post-only rules stay silent on them.
    pub fn is_key_message_file(&self, path: &Path) -> bool {
        if self.key_messages.is_empty() {
            return false;
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        self.key_messages.iter().any(|m| m.path == absolute)
    }

    /// Whether this guide is a Vale configuration used on its own.
    pub fn is_vale_only(&self) -> bool {
        matches!(&self.source, GuideSource::File(path) if crate::vale::is_config_file(path))
    }

    /// The directory relative paths in the guide resolve against.
    pub fn root(&self) -> Option<&Path> {
        match &self.source {
            GuideSource::BuiltIn => None,
            GuideSource::File(path) => path.parent(),
        }
    }

    /// Whether the built-in tables and rule defaults apply.
    pub fn extends_default(&self) -> bool {
        self.config.extends == Extends::Default
    }

    /// The configured level of a rule: `Some(Some(severity))` when the guide
    /// sets one (the rule's own id wins over its category), `Some(None)`
    /// when it turns the rule off, `None` when the guide says nothing.
    pub fn rule_level(&self, rule: &str) -> Option<Option<Severity>> {
        let exact = self.config.rules.get(rule);
        let category = rule
            .split_once('/')
            .and_then(|(category, _)| self.config.rules.get(category));
        exact
            .or(category)
            .map(|level| RuleLevel::parse(level.get_ref()).and_then(|l| l.severity()))
    }

    /// Whether `phrase` is on the guide's allow list (matched case-insensitively).
    pub fn allows(&self, phrase: &str) -> bool {
        self.config
            .allow
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(phrase))
    }
}

/// copydesk's version and a hash of the built-in default guide and rule
/// tables: part of every guide's hash, so a cache keyed on it is not reused
/// by a build whose tables differ, even under the same version number.
fn builtin_identity() -> &'static [u8] {
    static IDENTITY: LazyLock<String> = LazyLock::new(|| {
        let mut parts: Vec<&[u8]> = vec![DEFAULT_GUIDE.as_bytes()];
        for (name, fragment) in catalog::default_fragments() {
            parts.push(name.as_bytes());
            parts.push(fragment.as_bytes());
        }
        format!("{} {}", env!("CARGO_PKG_VERSION"), stable_hash_hex(&parts))
    });
    IDENTITY.as_bytes()
}

fn builtin_config() -> GuideFile {
    static CONFIG: LazyLock<GuideFile> = LazyLock::new(|| {
        let mut config: GuideFile =
            toml::from_str(DEFAULT_GUIDE).expect("the built-in default guide is valid");
        for (name, fragment) in catalog::default_fragments() {
            let part: GuideFile = toml::from_str(fragment)
                .unwrap_or_else(|error| panic!("built-in table {name} is invalid: {error}"));
            config = config.merged(part);
        }
        config.extends = Extends::Default;
        config
    });
    CONFIG.clone()
}

/// Find the nearest guide file at or above `start` (a file or folder); when
/// there is none, the nearest Vale configuration.
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = if start.is_dir() {
        start
    } else {
        start.parent()?
    };
    start
        .ancestors()
        .map(|dir| dir.join(FILE_NAME))
        .find(|candidate| candidate.is_file())
        .or_else(|| crate::vale::discover(start))
}

/// toml's messages end with a newline and sometimes a period; ours do not.
fn clean_toml_message(message: &str) -> String {
    message.trim().trim_end_matches('.').replace('\n', "; ")
}

#[cfg(test)]
mod tests;
