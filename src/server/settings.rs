//! Editor settings (`initializationOptions`, `workspace/configuration`,
//! `didChangeConfiguration`) and what the client said it can do.

use serde::Deserialize;
use serde_json::Value;
use tower_lsp_server::ls_types::{ClientCapabilities, PositionEncodingKind};

use crate::document::ColumnUnit;
use crate::guide::{Guide, LlmConfig};

/// Documents above this size get one informational diagnostic instead of a
/// check, unless the settings say otherwise.
pub const DEFAULT_MAX_DOCUMENT_BYTES: u64 = 2 * 1024 * 1024;

/// At most this many findings of a document become diagnostics, unless the
/// settings say otherwise; one more diagnostic counts the rest.
pub const DEFAULT_MAX_DIAGNOSTICS: usize = 1000;

/// Language ids checked without any setting.
pub const LANGUAGES: [&str; 5] = ["markdown", "plaintext", "text", "gitcommit", "mdx"];

/// The `copydesk` section of the editor's settings. Every key is optional;
/// keys this server does not know (the VS Code extension's own, like
/// `path`) are ignored.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// A guide file to use for every document instead of the nearest
    /// `copydesk.toml`; relative paths resolve against the workspace root.
    pub guide_path: Option<String>,
    /// Language ids to check besides the built-in ones (as plain text,
    /// unless the id is one copydesk parses as Markdown).
    pub extra_languages: Vec<String>,
    /// Documents larger than this many bytes are not checked.
    pub max_document_bytes: Option<u64>,
    /// At most this many diagnostics per document (the most severe first).
    pub max_diagnostics: Option<usize>,
    /// `"push"` (default): publish diagnostics. `"pull"`: answer
    /// `textDocument/diagnostic` only, for clients that prefer it. Read at
    /// `initialize` only.
    pub diagnostic_mode: Option<String>,
    /// Model settings for Tighten and Bridge, the `[llm]` keys an editor may
    /// supply; the guide's own `[llm]` wins key by key.
    pub llm: Option<LlmSettings>,
    /// Platforms a post is for when its front matter does not say (the
    /// CLI's `--platform`), for the sharing rules.
    pub platforms: Vec<String>,
}

/// The `llm` object of the settings: the keys of the guide's `[llm]` that
/// belong to the writer's machine rather than to the brand (where the model
/// runs and which key to use). Snake-case names are accepted too, as the
/// guide spells them.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct LlmSettings {
    #[serde(alias = "base_url")]
    pub base_url: Option<String>,
    pub model: Option<String>,
    #[serde(alias = "api_key_env")]
    pub api_key_env: Option<String>,
    #[serde(alias = "timeout_secs")]
    pub timeout_secs: Option<u64>,
    #[serde(alias = "max_concurrency")]
    pub max_concurrency: Option<usize>,
    pub temperature: Option<f32>,
}

impl LlmSettings {
    /// As a guide `[llm]` section; `None` when no key is set, so an editor
    /// that sends an empty object configures no model.
    fn to_config(&self) -> Option<LlmConfig> {
        let config = LlmConfig {
            base_url: self.base_url.clone().filter(|url| !url.trim().is_empty()),
            model: self.model.clone().filter(|model| !model.trim().is_empty()),
            api_key_env: self.api_key_env.clone().filter(|name| !name.is_empty()),
            timeout_secs: self.timeout_secs,
            max_concurrency: self.max_concurrency,
            temperature: self.temperature,
            ..LlmConfig::default()
        };
        (config != LlmConfig::default()).then_some(config)
    }
}

impl Settings {
    /// Read settings from a JSON value that is either the `copydesk` section
    /// itself or an object holding it under `copydesk`. Anything malformed
    /// yields `None`, so a typo in the editor's settings never stops checks.
    pub fn from_value(value: &Value) -> Option<Settings> {
        Settings::parse(value).map(|(settings, _)| settings)
    }

    /// The settings in `value`, and the keys dropped because their values
    /// have the wrong type. One bad key costs that key only: the rest of
    /// the writer's settings still apply.
    pub fn parse(value: &Value) -> Option<(Settings, Vec<String>)> {
        let section = match value.get("copydesk") {
            Some(inner) if inner.is_object() => inner,
            _ => value,
        };
        let object = section.as_object()?;
        if let Ok(settings) = serde_json::from_value(section.clone()) {
            return Some((settings, Vec::new()));
        }
        let mut kept = serde_json::Map::new();
        let mut rejected = Vec::new();
        for (key, item) in object {
            let alone = Value::Object(std::iter::once((key.clone(), item.clone())).collect());
            if serde_json::from_value::<Settings>(alone).is_ok() {
                kept.insert(key.clone(), item.clone());
            } else {
                rejected.push(key.clone());
            }
        }
        let settings = serde_json::from_value(Value::Object(kept)).ok()?;
        Some((settings, rejected))
    }

    /// Warnings for keys of the `copydesk` section that look meant for
    /// this server but that it does not read: a near miss of a known key
    /// ("did you mean"), or a CLI option that has no setting. Other unknown
    /// keys (an extension's own, like `path`) stay silent.
    pub fn unknown_key_warnings(value: &Value) -> Vec<String> {
        const KNOWN: [&str; 7] = [
            "guidePath",
            "extraLanguages",
            "maxDocumentBytes",
            "maxDiagnostics",
            "diagnosticMode",
            "llm",
            "platforms",
        ];
        /// Keys read by the VS Code extension, not the server.
        const CLIENT: [&str; 2] = ["path", "trace"];
        let section = match value.get("copydesk") {
            Some(inner) if inner.is_object() => inner,
            _ => value,
        };
        let Some(object) = section.as_object() else {
            return Vec::new();
        };
        let mut warnings = Vec::new();
        for key in object.keys() {
            if KNOWN.contains(&key.as_str()) || CLIENT.contains(&key.as_str()) {
                continue;
            }
            if matches!(key.as_str(), "select" | "ignore" | "rules") {
                warnings.push(format!(
                    "copydesk: the setting copydesk.{key} is not read by the language server, ignored: turn rules on and off under [rules] in the guide"
                ));
            } else if let Some(near) = KNOWN.iter().find(|known| {
                crate::text::edit_distance(&known.to_lowercase(), &key.to_lowercase()) <= 2
            }) {
                warnings.push(format!(
                    "copydesk: unknown setting copydesk.{key}, ignored; did you mean copydesk.{near}?"
                ));
            }
        }
        warnings
    }

    pub fn max_document_bytes(&self) -> u64 {
        self.max_document_bytes
            .unwrap_or(DEFAULT_MAX_DOCUMENT_BYTES)
    }

    pub fn max_diagnostics(&self) -> usize {
        self.max_diagnostics.unwrap_or(DEFAULT_MAX_DIAGNOSTICS)
    }

    /// Whether documents with this language id are checked.
    pub fn checks_language(&self, language_id: &str) -> bool {
        LANGUAGES.contains(&language_id) || self.extra_languages.iter().any(|id| id == language_id)
    }

    pub fn pull_diagnostics(&self) -> bool {
        self.diagnostic_mode.as_deref() == Some("pull")
    }

    /// The model configuration for documents checked with `guide`: the
    /// editor's `llm` settings under the guide's `[llm]` by
    /// [`LlmConfig::over_user`] (the guide wins key by key, except that the
    /// connection comes whole from one side; a guide's connection needs
    /// consent when the engine is made). Without an `[llm]` in the guide,
    /// the editor's settings count only when they name a model: a timeout
    /// alone configures nothing. `None` means no model, so no network call.
    pub fn effective_llm(&self, guide: &Guide) -> Option<LlmConfig> {
        self.model_layers().effective(guide)
    }

    /// The editor's model settings as the layer under every guide's `[llm]`.
    pub fn model_layers(&self) -> crate::resolve::ModelLayers {
        crate::resolve::ModelLayers::user(self.user_llm())
    }

    /// The writer's own model settings (the editor's `llm`), if any key is set.
    pub fn user_llm(&self) -> Option<LlmConfig> {
        self.llm.as_ref().and_then(LlmSettings::to_config)
    }
}

/// What the client can do, read once from `initialize`.
#[derive(Debug, Clone, Copy)]
pub struct ClientFeatures {
    /// The unit of `Position.character`.
    pub encoding: ColumnUnit,
    /// `workspace/configuration` requests.
    pub configuration: bool,
    /// Dynamic registration of `workspace/didChangeWatchedFiles`.
    pub watch_files: bool,
    /// `WorkspaceEdit.documentChanges` (versioned edits).
    pub document_changes: bool,
    /// `create` resource operations in workspace edits.
    pub create_files: bool,
    /// `codeAction/resolve` for the `edit` property.
    pub resolve_edits: bool,
    /// `workspace/diagnostic/refresh`.
    pub diagnostic_refresh: bool,
    /// Change annotations in workspace edits (VS Code previews an edit
    /// whose annotation needs confirmation).
    pub change_annotations: bool,
    /// Server-initiated `$/progress` (`window/workDoneProgress/create`).
    pub work_done_progress: bool,
    /// `CodeAction.disabled`: an action listed greyed out with its reason.
    pub disabled_actions: bool,
}

impl Default for ClientFeatures {
    fn default() -> ClientFeatures {
        ClientFeatures {
            encoding: ColumnUnit::Utf16,
            configuration: false,
            watch_files: false,
            document_changes: false,
            create_files: false,
            resolve_edits: false,
            diagnostic_refresh: false,
            change_annotations: false,
            work_done_progress: false,
            disabled_actions: false,
        }
    }
}

impl ClientFeatures {
    pub fn from_capabilities(capabilities: &ClientCapabilities) -> ClientFeatures {
        let offers_utf8 = capabilities
            .general
            .as_ref()
            .and_then(|general| general.position_encodings.as_ref())
            .is_some_and(|encodings| encodings.contains(&PositionEncodingKind::UTF8));
        let workspace = capabilities.workspace.as_ref();
        let workspace_edit = workspace.and_then(|w| w.workspace_edit.as_ref());
        let code_action = capabilities
            .text_document
            .as_ref()
            .and_then(|t| t.code_action.as_ref());
        ClientFeatures {
            encoding: if offers_utf8 {
                ColumnUnit::Utf8
            } else {
                ColumnUnit::Utf16
            },
            configuration: workspace.and_then(|w| w.configuration).unwrap_or(false),
            watch_files: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false),
            document_changes: workspace_edit
                .and_then(|e| e.document_changes)
                .unwrap_or(false),
            create_files: workspace_edit
                .and_then(|e| e.resource_operations.as_ref())
                .is_some_and(|ops| {
                    ops.contains(&tower_lsp_server::ls_types::ResourceOperationKind::Create)
                }),
            disabled_actions: code_action
                .and_then(|c| c.disabled_support)
                .unwrap_or(false),
            resolve_edits: code_action
                .and_then(|c| c.resolve_support.as_ref())
                .is_some_and(|r| r.properties.iter().any(|p| p == "edit")),
            diagnostic_refresh: workspace
                .and_then(|w| w.diagnostics.as_ref())
                .and_then(|d| d.refresh_support)
                .unwrap_or(false),
            change_annotations: workspace_edit
                .is_some_and(|e| e.change_annotation_support.is_some()),
            work_done_progress: capabilities
                .window
                .as_ref()
                .and_then(|w| w.work_done_progress)
                .unwrap_or(false),
        }
    }

    pub fn position_encoding(self) -> PositionEncodingKind {
        match self.encoding {
            ColumnUnit::Utf8 => PositionEncodingKind::UTF8,
            ColumnUnit::Utf16 => PositionEncodingKind::UTF16,
            ColumnUnit::Char => PositionEncodingKind::UTF32,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_accept_the_section_or_its_parent_and_ignore_unknown_keys() {
        let direct = json!({"guidePath": "brand/copydesk.toml", "path": "/usr/bin/copydesk"});
        let nested = json!({"copydesk": {"extraLanguages": ["rst"], "maxDocumentBytes": 10}});
        assert_eq!(
            Settings::from_value(&direct).and_then(|s| s.guide_path),
            Some("brand/copydesk.toml".to_owned())
        );
        let nested = Settings::from_value(&nested).expect("nested settings parse");
        assert!(nested.checks_language("rst"));
        assert!(nested.checks_language("markdown"));
        assert!(!nested.checks_language("rust"));
        assert_eq!(nested.max_document_bytes(), 10);
        assert_eq!(Settings::from_value(&json!(null)), None);
        // A wrong type drops that key, not the writer's other settings.
        let (settings, rejected) = Settings::parse(
            &json!({"maxDocumentBytes": "big", "guidePath": "brand/copydesk.toml"}),
        )
        .expect("the valid keys parse");
        assert_eq!(rejected, ["maxDocumentBytes"]);
        assert_eq!(settings.guide_path.as_deref(), Some("brand/copydesk.toml"));
        assert_eq!(settings.max_document_bytes(), DEFAULT_MAX_DOCUMENT_BYTES);
    }

    #[test]
    fn near_misses_and_cli_options_in_settings_are_warned_about() {
        let warnings = Settings::unknown_key_warnings(&json!({
            "copydesk": {
                "guidPath": "x.toml",
                "select": ["voice"],
                "path": "/usr/bin/copydesk",
                "somethingElse": 1,
                "platforms": ["x"],
            }
        }));
        assert_eq!(
            warnings,
            [
                "copydesk: unknown setting copydesk.guidPath, ignored; did you mean copydesk.guidePath?",
                "copydesk: the setting copydesk.select is not read by the language server, ignored: turn rules on and off under [rules] in the guide",
            ]
        );
        assert!(Settings::unknown_key_warnings(&json!({"guidePath": "x"})).is_empty());
    }
}
