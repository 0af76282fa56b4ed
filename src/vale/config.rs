//! `.vale.ini`: what Vale's configuration says, validated.
//!
//! The global section holds core settings (`StylesPath`, `MinAlertLevel`,
//! `Vocab`, `IgnoredScopes`, `SkippedScopes`, `WordTemplate`); `[*]` and
//! glob sections (`[*.md]`, `[*.{md,txt}]`, `[docs/**/*.md]`) hold
//! `BasedOnStyles`, `TokenIgnores`, `BlockIgnores` and rule settings
//! (`Style.Rule = NO | YES | suggestion | warning | error`, or `Style = …`
//! for a whole style). `[formats]` maps extensions (`mdx = md`).

use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobMatcher};

use super::ValeError;
use super::ini::{self, Section};
use super::rule::Level;

#[derive(Debug)]
pub struct Config {
    pub path: PathBuf,
    pub styles_path: PathBuf,
    /// The line of `StylesPath`, when the file sets it (else the default
    /// folder in the user's data directory applies).
    pub styles_path_line: Option<usize>,
    pub min_alert_level: Level,
    pub vocab: Vec<(String, usize)>,
    pub ignored_scopes: Vec<String>,
    pub skipped_scopes: Vec<String>,
    pub word_template: Option<String>,
    pub formats: Vec<(String, String)>,
    /// `Packages`: the style names they provide (a URL's or zip's file
    /// name without `.zip`), with the line.
    pub packages: Vec<(String, usize)>,
    /// `[*]`.
    pub global: SectionConfig,
    /// Glob sections, in file order (a later match wins).
    pub sections: Vec<SectionConfig>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Default)]
pub struct SectionConfig {
    pub matcher: Option<GlobMatcher>,
    /// `BasedOnStyles`, with its line.
    pub based_on: Option<(Vec<String>, usize)>,
    pub settings: Vec<Setting>,
    pub token_ignores: Vec<String>,
    pub block_ignores: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    /// `Style.Rule` or `Style`.
    pub key: String,
    pub value: SettingValue,
    pub line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingValue {
    On,
    Off,
    Level(Level),
}

impl SettingValue {
    pub fn is_on(self) -> bool {
        self != SettingValue::Off
    }
}

/// Core keys Vale reads that copydesk has no use for; accepted silently.
const IGNORED_CORE_KEYS: &[&str] = &[
    "Packages",
    "NLPEndpoint",
    "LTPath",
    "SphinxBuildPath",
    "SphinxAutoBuild",
    "ProcessTimeout",
    "IgnoredClasses",
    "DictionaryPath",
];

/// Glob-section keys copydesk does not support, with why.
const UNSUPPORTED_SECTION_KEYS: &[(&str, &str)] = &[
    (
        "Transform",
        "XSLT transforms apply to XML, which copydesk does not check",
    ),
    (
        "Lang",
        "copydesk's spelling uses the dictionaries a rule names",
    ),
    (
        "CommentDelimiters",
        "comments in source code are not checked",
    ),
    ("Parser", "copydesk reads Markdown and plain text itself"),
    (
        "View",
        "views apply to structured data files, which copydesk does not check",
    ),
];

impl Config {
    pub fn parse(path: &Path, text: &str) -> Result<Config, ValeError> {
        let display = path.display().to_string();
        let at = |line: usize, message: String| ValeError::At {
            path: display.clone(),
            line,
            message,
        };
        let sections = ini::parse(text).map_err(|e| at(e.line, e.message))?;
        let root_dir = path.parent().unwrap_or(Path::new("."));
        let mut warnings = Vec::new();

        let core = &sections[0];
        let styles_entry = core.last("StylesPath");
        let styles_path = match styles_entry {
            Some(entry) => {
                let given = PathBuf::from(&entry.value);
                if given.is_absolute() {
                    given
                } else {
                    root_dir.join(given)
                }
            }
            None => default_styles_path(),
        };
        let styles_path_line = styles_entry.map_or(1, |e| e.line);
        if styles_entry.is_some() && !styles_path.is_dir() {
            return Err(at(
                styles_path_line,
                format!("StylesPath “{}” is not a folder", styles_path.display()),
            ));
        }
        let min_alert_level = match core.last("MinAlertLevel") {
            Some(entry) => Level::parse(&entry.value).ok_or_else(|| {
                at(
                    entry.line,
                    format!(
                        "MinAlertLevel “{}” must be suggestion, warning or error",
                        entry.value
                    ),
                )
            })?,
            // Vale's default.
            None => Level::Warning,
        };
        let mut vocab = Vec::new();
        for key in ["Vocab", "Project"] {
            for entry in core.values(key) {
                for name in ini::split_list(&entry.value) {
                    vocab.push((name, entry.line));
                }
            }
        }
        let mut packages = Vec::new();
        for entry in core.values("Packages") {
            for package in ini::split_list(&entry.value) {
                let name = package
                    .trim_end_matches('/')
                    .rsplit(['/', '\\'])
                    .next()
                    .unwrap_or(&package)
                    .trim_end_matches(".zip")
                    .to_owned();
                packages.push((name, entry.line));
            }
        }
        let ignored_scopes = core.list("IgnoredScopes");
        let skipped_scopes = core.list("SkippedScopes");
        let word_template = core.last("WordTemplate").map(|e| e.value.clone());
        for entry in &core.entries {
            let known = matches!(
                entry.key.as_str(),
                "StylesPath"
                    | "MinAlertLevel"
                    | "Vocab"
                    | "Project"
                    | "IgnoredScopes"
                    | "SkippedScopes"
                    | "WordTemplate"
            ) || IGNORED_CORE_KEYS.contains(&entry.key.as_str());
            if !known {
                warnings.push(format!(
                    "{display}:{}: “{}” is not a core setting; Vale ignores it here (rule settings and BasedOnStyles belong under a section such as [*])",
                    entry.line, entry.key
                ));
            }
        }

        let mut formats = Vec::new();
        let mut global = SectionConfig::default();
        let mut globs = Vec::new();
        for section in &sections[1..] {
            if section.name == "formats" {
                for entry in &section.entries {
                    formats.push((entry.key.clone(), entry.value.clone()));
                }
                continue;
            }
            let parsed = parse_section(section, &display, &mut warnings)?;
            if section.name == "*" {
                global = parsed;
            } else {
                globs.push(parsed);
            }
        }
        Ok(Config {
            path: path.to_path_buf(),
            styles_path,
            styles_path_line: styles_entry.map(|e| e.line),
            min_alert_level,
            vocab,
            ignored_scopes,
            skipped_scopes,
            word_template,
            formats,
            packages,
            global,
            sections: globs,
            warnings,
        })
    }

    /// Every style named in a `BasedOnStyles`, with where, in file order.
    pub fn based_on_styles(&self) -> Vec<(String, usize)> {
        let mut styles: Vec<(String, usize)> = Vec::new();
        for section in std::iter::once(&self.global).chain(&self.sections) {
            if let Some((names, line)) = &section.based_on {
                for name in names {
                    if !styles.iter().any(|(n, _)| n == name) {
                        styles.push((name.clone(), *line));
                    }
                }
            }
        }
        styles
    }

    /// Every rule setting, in file order.
    pub fn all_settings(&self) -> impl Iterator<Item = &Setting> {
        std::iter::once(&self.global)
            .chain(&self.sections)
            .flat_map(|section| &section.settings)
    }

    /// The sections that apply to a file, `[*]` not included, in file order.
    pub fn sections_for(&self, path: &Path) -> Vec<&SectionConfig> {
        // As given, and relative to the configuration's folder, both
        // without `.` and `..` (`./x.md`, `dir/x.md` and `.` all match
        // `[x.md]` or `[dir/*.md]` as in Vale).
        let absolute = lexical_absolute(path);
        let mut candidates: Vec<PathBuf> = vec![path.to_path_buf()];
        if let Some(root) = self.path.parent().map(lexical_absolute)
            && let Ok(relative) = absolute.strip_prefix(&root)
        {
            candidates.push(relative.to_path_buf());
        }
        if let Some(extension) = path.extension().and_then(|e| e.to_str())
            && let Some((_, mapped)) = self.formats.iter().find(|(from, _)| from == extension)
        {
            let more: Vec<PathBuf> = candidates
                .iter()
                .map(|c| c.with_extension(mapped))
                .collect();
            candidates.extend(more);
        }
        self.sections
            .iter()
            .filter(|section| {
                section
                    .matcher
                    .as_ref()
                    .is_some_and(|m| candidates.iter().any(|c| m.is_match(c)))
            })
            .collect()
    }
}

/// `path` made absolute (against the working folder) with `.` and `..`
/// resolved by name, without touching the file system.
fn lexical_absolute(path: &Path) -> PathBuf {
    let joined = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for component in joined.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn parse_section(
    section: &Section,
    display: &str,
    warnings: &mut Vec<String>,
) -> Result<SectionConfig, ValeError> {
    let at = |line: usize, message: String| ValeError::At {
        path: display.to_owned(),
        line,
        message,
    };
    let matcher = if section.name == "*" {
        None
    } else {
        Some(
            GlobBuilder::new(&section.name)
                .literal_separator(false)
                .build()
                .map_err(|e| {
                    at(
                        section.line,
                        format!("section [{}] is not a glob: {e}", section.name),
                    )
                })?
                .compile_matcher(),
        )
    };
    let mut parsed = SectionConfig {
        matcher,
        ..SectionConfig::default()
    };
    for entry in &section.entries {
        match entry.key.as_str() {
            "BasedOnStyles" => {}
            "TokenIgnores" => parsed.token_ignores.extend(ini::split_list(&entry.value)),
            "BlockIgnores" | "IgnorePatterns" => {
                parsed.block_ignores.extend(ini::split_list(&entry.value));
            }
            key => {
                if let Some((_, why)) = UNSUPPORTED_SECTION_KEYS.iter().find(|(k, _)| *k == key) {
                    warnings.push(format!(
                        "{display}:{}: “{key}” is not supported: {why}",
                        entry.line
                    ));
                    continue;
                }
                let value = match entry.value.as_str() {
                    "YES" | "yes" | "Yes" | "true" => SettingValue::On,
                    "NO" | "no" | "No" | "false" => SettingValue::Off,
                    other => SettingValue::Level(Level::parse(other).ok_or_else(|| {
                        at(
                            entry.line,
                            format!(
                                "“{key} = {other}”: expected YES, NO, suggestion, warning or error"
                            ),
                        )
                    })?),
                };
                parsed.settings.push(Setting {
                    key: key.to_owned(),
                    value,
                    line: entry.line,
                });
            }
        }
    }
    if section.last("BasedOnStyles").is_some() {
        let line = section
            .last("BasedOnStyles")
            .map_or(section.line, |e| e.line);
        parsed.based_on = Some((section.list("BasedOnStyles"), line));
    }
    Ok(parsed)
}

/// Vale's default `StylesPath` when the configuration names none.
fn default_styles_path() -> PathBuf {
    if let Some(path) = std::env::var_os("VALE_STYLES_PATH") {
        return PathBuf::from(path);
    }
    let data = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share")))
        .unwrap_or_default();
    data.join("vale").join("styles")
}
