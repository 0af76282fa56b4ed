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
//! files only in [`Guide::load`] and [`discover`]; everything else is pure.

mod config;
mod llm;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

pub use config::*;
pub use llm::LlmConfig;

use crate::finding::Severity;

/// The file name searched for when walking up from a document.
pub const FILE_NAME: &str = "copydesk.toml";

/// The built-in default guide's own settings; each rule's default table is a
/// fragment next to the rule (see `rules::default_fragments`).
const DEFAULT_GUIDE: &str = include_str!("default.toml");

/// A commented starter guide, written by `copydesk init`.
pub const STARTER_GUIDE: &str = include_str!("starter.toml");

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
    #[error("could not read guide {path}: {source}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
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
    /// version, the built-in tables, the file's text), for caches.
    pub hash: String,
}

impl Guide {
    /// The built-in default guide, parsed once per process.
    pub fn builtin() -> Arc<Guide> {
        static BUILTIN: LazyLock<Arc<Guide>> = LazyLock::new(|| {
            let config = builtin_config();
            Arc::new(Guide {
                source: GuideSource::BuiltIn,
                hash: stable_hash_hex(&[env!("CARGO_PKG_VERSION").as_bytes(), b"builtin"]),
                config,
            })
        });
        Arc::clone(&BUILTIN)
    }

    /// Load a guide file from disk.
    pub fn load(path: &Path) -> Result<Guide, GuideError> {
        let text = std::fs::read_to_string(path).map_err(|source| GuideError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Guide::from_source(&text, GuideSource::File(path.to_path_buf()))
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
        let config = match file.extends {
            Extends::Default => builtin_config().merged(file),
            Extends::None => file,
        };
        let hash = stable_hash_hex(&[
            env!("CARGO_PKG_VERSION").as_bytes(),
            text.as_bytes(),
            name.as_bytes(),
        ]);
        Ok(Guide {
            source,
            config,
            hash,
        })
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

fn builtin_config() -> GuideFile {
    static CONFIG: LazyLock<GuideFile> = LazyLock::new(|| {
        let mut config: GuideFile =
            toml::from_str(DEFAULT_GUIDE).expect("the built-in default guide is valid");
        for (name, fragment) in crate::rules::default_fragments() {
            let part: GuideFile = toml::from_str(fragment)
                .unwrap_or_else(|error| panic!("built-in table {name} is invalid: {error}"));
            config = config.merged(part);
        }
        config.extends = Extends::Default;
        config
    });
    CONFIG.clone()
}

/// Find the nearest guide file at or above `start` (a file or folder).
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
}

/// toml's messages end with a newline and sometimes a period; ours do not.
fn clean_toml_message(message: &str) -> String {
    message.trim().trim_end_matches('.').replace('\n', "; ")
}

/// FNV-1a over several byte strings, as 16 hex digits. Stable across
/// platforms and Rust versions, so it can key files on disk.
pub fn stable_hash_hex(parts: &[&[u8]]) -> String {
    format!("{:016x}", stable_hash(parts))
}

pub fn stable_hash(parts: &[&[u8]]) -> u64 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    for part in parts {
        for &byte in *part {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(PRIME);
        }
        // Separate parts so ("ab", "c") and ("a", "bc") differ.
        hash ^= 0xff;
        hash = hash.wrapping_mul(PRIME);
    }
    hash
}

#[cfg(test)]
mod tests;
