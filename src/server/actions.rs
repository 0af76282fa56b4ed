//! Code actions: each fix of a diagnostic as a quick fix, "Ignore rule
//! here", "Disable rule in copydesk.toml", and fix-all.
//!
//! Quick fixes come from the diagnostic's `data` (byte edits and the
//! document version they were computed for), so no server state is needed
//! to offer them; edits for another version than the one checked now are
//! dropped, never applied. Fix-all is listed without its edit when the
//! client can resolve it, and computed on `codeAction/resolve`.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CreateFile,
    CreateFileOptions, Diagnostic, DocumentChangeOperation, DocumentChanges, NumberOrString, OneOf,
    OptionalVersionedTextDocumentIdentifier, Position, Range as LspRange, ResourceOp,
    TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

use super::convert::{DiagnosticData, Lines, MODEL_SOURCE, SOURCE};
use super::guide_edit::{disable_rule, new_guide_disabling};
use super::ignore::ignore_edit;
use super::model::ModelRequest;
use super::settings::ClientFeatures;
use super::state::{Checked, State, file_path, file_uri};
use crate::diff::word_edits;
use crate::document::LineIndex;
use crate::fix::{Applicability, Edit};
use crate::guide::FILE_NAME;

/// The kind of the fix-all action; matches a request for `source.fixAll`.
pub fn fix_all_kind() -> CodeActionKind {
    CodeActionKind::new("source.fixAll.copydesk")
}

/// What the actions need besides the check result, read under the lock.
pub struct ActionContext {
    features: ClientFeatures,
    /// The guide file the document uses, if any.
    guide_path: Option<PathBuf>,
    /// Where a new guide would go when there is none.
    new_guide_path: Option<PathBuf>,
}

impl ActionContext {
    pub fn new(state: &State, uri: &Uri) -> ActionContext {
        let document_path = file_path(uri);
        let new_guide_dir = document_path.as_ref().and_then(|path| {
            state
                .roots
                .iter()
                .find(|root| path.starts_with(root))
                .cloned()
                .or_else(|| path.parent().map(PathBuf::from))
        });
        ActionContext {
            features: state.features,
            guide_path: state
                .documents
                .get(uri)
                .and_then(|document| document.guide_path.clone()),
            new_guide_path: new_guide_dir.map(|dir| dir.join(FILE_NAME)),
        }
    }
}

impl ActionContext {
    /// The guide file the document uses, or where a new one would go.
    fn guide_target(&self) -> Option<PathBuf> {
        self.guide_path
            .clone()
            .or_else(|| self.new_guide_path.clone())
    }
}

/// The `data` of an action listed without its edit, for
/// `codeAction/resolve`. Tagged `"copydesk": "fixAll" | "disableRule" |
/// "model"` (Tighten or Bridge, see `model`) to tell it from other servers'
/// data.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "copydesk", rename_all = "camelCase")]
pub enum ResolveData {
    FixAll { uri: Uri, version: i32 },
    DisableRule { uri: Uri, rule: String },
    Model(ModelRequest),
}

impl ResolveData {
    pub fn from_value(value: Option<&Value>) -> Option<ResolveData> {
        serde_json::from_value(value?.clone()).ok()
    }

    fn to_value(&self) -> Option<Value> {
        serde_json::to_value(self).ok()
    }
}

/// Whether the client asked for actions of `kind` (no filter asks for all).
pub(super) fn wanted(only: Option<&[CodeActionKind]>, kind: &CodeActionKind) -> bool {
    only.is_none_or(|kinds| {
        kinds.iter().any(|requested| {
            let requested = requested.as_str();
            kind.as_str() == requested
                || kind
                    .as_str()
                    .strip_prefix(requested)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    })
}

pub fn code_actions(
    checked: &Checked,
    uri: &Uri,
    params: &CodeActionParams,
    context: &ActionContext,
) -> Vec<CodeActionOrCommand> {
    let Some(document) = &checked.document else {
        return Vec::new();
    };
    let features = context.features;
    let lines = Lines::of(document, features.encoding);
    let only = params.context.only.as_deref();
    let ours: Vec<&Diagnostic> = params
        .context
        .diagnostics
        .iter()
        .filter(|diagnostic| matches!(diagnostic.source.as_deref(), Some(SOURCE | MODEL_SOURCE)))
        .collect();

    let mut fixes = Vec::new();
    let mut suppressions = Vec::new();
    if wanted(only, &CodeActionKind::QUICKFIX) {
        let mut ignored: HashSet<(String, u32)> = HashSet::new();
        let mut disabled: HashSet<String> = HashSet::new();
        for diagnostic in &ours {
            let Some(data) = DiagnosticData::from_value(diagnostic.data.as_ref())
                .or_else(|| data_from_findings(checked, &lines, diagnostic))
            else {
                continue;
            };
            if data.version != checked.version {
                continue; // computed for another version: never apply
            }
            let single = data.fixes.len() == 1;
            for fix in &data.fixes {
                let Some(edits) = checked_edits(document.text(), &fix.edits()) else {
                    continue;
                };
                let edits = edits.iter().map(|edit| lines.text_edit(edit)).collect();
                fixes.push(CodeAction {
                    title: fix.title.clone(),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![(*diagnostic).clone()]),
                    edit: Some(workspace_edit(features, uri, Some(checked.version), edits)),
                    is_preferred: Some(single && fix.applicability == Applicability::Safe),
                    ..CodeAction::default()
                });
            }
            if ignored.insert((data.rule.clone(), diagnostic.range.start.line))
                && let Some(edit) = ignore_edit(document, &data.rule, data.span[0])
            {
                suppressions.push(CodeAction {
                    title: format!("Ignore {} here", data.rule),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![(*diagnostic).clone()]),
                    edit: Some(workspace_edit(
                        features,
                        uri,
                        Some(checked.version),
                        vec![lines.text_edit(&edit)],
                    )),
                    ..CodeAction::default()
                });
            }
            if disabled.insert(data.rule.clone())
                && let Some(action) = disable_action(context, uri, &data.rule, diagnostic)
            {
                suppressions.push(action);
            }
        }
    }

    let mut actions: Vec<CodeActionOrCommand> = fixes
        .into_iter()
        .chain(suppressions)
        .map(CodeActionOrCommand::CodeAction)
        .collect();
    // Fix-all is offered when asked for, or next to a finding's quick fixes.
    let asked = only.is_some() && wanted(only, &fix_all_kind());
    if (asked || (only.is_none() && !ours.is_empty())) && has_safe_fix(checked) {
        let mut action = CodeAction {
            title: "Apply all safe copydesk fixes".to_owned(),
            kind: Some(fix_all_kind()),
            ..CodeAction::default()
        };
        if features.resolve_edits {
            action.data = ResolveData::FixAll {
                uri: uri.clone(),
                version: checked.version,
            }
            .to_value();
        } else {
            action.edit = fix_all_edit(checked, uri, features);
        }
        actions.push(CodeActionOrCommand::CodeAction(action));
    }
    actions
}

/// "Disable rule in copydesk.toml". Reading and editing the guide waits for
/// `codeAction/resolve` when the client can resolve, since editors ask for
/// code actions on every cursor move.
fn disable_action(
    context: &ActionContext,
    uri: &Uri,
    rule: &str,
    diagnostic: &Diagnostic,
) -> Option<CodeAction> {
    let features = context.features;
    let mut action = CodeAction {
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![diagnostic.clone()]),
        ..CodeAction::default()
    };
    if features.resolve_edits {
        let target = context.guide_target()?;
        let can_create = features.create_files && features.document_changes;
        if !(target.is_file() || can_create) {
            return None;
        }
        action.title = format!("Disable {rule} in {}", file_name(&target)?);
        action.data = ResolveData::DisableRule {
            uri: uri.clone(),
            rule: rule.to_owned(),
        }
        .to_value();
    } else {
        let (edit, file_name) = disable_in_guide(context, rule)?;
        action.title = format!("Disable {rule} in {file_name}");
        action.edit = Some(edit);
    }
    Some(action)
}

fn file_name(path: &std::path::Path) -> Option<String> {
    Some(path.file_name()?.to_string_lossy().into_owned())
}

/// For clients that do not send `data` back: the finding with the
/// diagnostic's rule and range.
fn data_from_findings(
    checked: &Checked,
    lines: &Lines,
    diagnostic: &Diagnostic,
) -> Option<DiagnosticData> {
    let Some(NumberOrString::String(rule)) = &diagnostic.code else {
        return None;
    };
    checked
        .findings
        .iter()
        .find(|finding| &finding.rule == rule && lines.range(&finding.span) == diagnostic.range)
        .map(|finding| DiagnosticData::new(finding, checked.version))
}

/// The edits, if every one fits the text (data from a client is not
/// trusted).
fn checked_edits(text: &str, edits: &[Edit]) -> Option<Vec<Edit>> {
    edits
        .iter()
        .all(|edit| {
            edit.range.start <= edit.range.end
                && text.is_char_boundary(edit.range.start)
                && text.is_char_boundary(edit.range.end)
        })
        .then(|| edits.to_vec())
}

fn has_safe_fix(checked: &Checked) -> bool {
    checked.findings.iter().any(|finding| {
        matches!(finding.fixes.as_slice(), [fix] if fix.applicability == Applicability::Safe)
    })
}

/// All Safe fixes of the checked text, applied until stable, as the
/// minimal word-level edits.
pub fn fix_all_edit(
    checked: &Checked,
    uri: &Uri,
    features: ClientFeatures,
) -> Option<WorkspaceEdit> {
    let document = checked.document.as_ref()?;
    let outcome = checked
        .checker
        .fix_text(document.text(), document.kind(), Applicability::Safe);
    if outcome.text == document.text() {
        return None;
    }
    let lines = Lines::of(document, features.encoding);
    let edits = word_edits(document.text(), &outcome.text)
        .iter()
        .map(|edit| lines.text_edit(edit))
        .collect();
    Some(workspace_edit(features, uri, Some(checked.version), edits))
}

/// Edits to one document, versioned when the client supports it (so it
/// refuses them if the document changed).
pub fn workspace_edit(
    features: ClientFeatures,
    uri: &Uri,
    version: Option<i32>,
    edits: Vec<TextEdit>,
) -> WorkspaceEdit {
    if features.document_changes {
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version,
                },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            }])),
            ..WorkspaceEdit::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }
    }
}

/// The edit that turns `rule` off in the document's guide (creating one at
/// the workspace root when there is none and the client can create files),
/// and the guide's file name for the title.
pub fn disable_in_guide(context: &ActionContext, rule: &str) -> Option<(WorkspaceEdit, String)> {
    let features = context.features;
    let target = context.guide_target()?;
    let file_name = file_name(&target)?;
    let uri = file_uri(&target)?;
    if target.is_file() {
        let text = std::fs::read_to_string(&target).ok()?;
        let edited = disable_rule(&text, rule).ok()?;
        let index = LineIndex::new(&text);
        let lines = Lines {
            text: &text,
            index: &index,
            unit: features.encoding,
        };
        let edits = word_edits(&text, &edited)
            .iter()
            .map(|edit| lines.text_edit(edit))
            .collect();
        return Some((workspace_edit(features, &uri, None, edits), file_name));
    }
    if !features.create_files || !features.document_changes || target.exists() {
        return None;
    }
    let start = Position::new(0, 0);
    let edit = WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(vec![
            DocumentChangeOperation::Op(ResourceOp::Create(CreateFile {
                uri: uri.clone(),
                options: Some(CreateFileOptions {
                    overwrite: Some(false),
                    ignore_if_exists: Some(true),
                }),
                annotation_id: None,
            })),
            DocumentChangeOperation::Edit(TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
                edits: vec![OneOf::Left(TextEdit::new(
                    LspRange::new(start, start),
                    new_guide_disabling(rule),
                ))],
            }),
        ])),
        ..WorkspaceEdit::default()
    };
    Some((edit, file_name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_match_by_prefix() {
        let source = CodeActionKind::SOURCE;
        let fix_all = CodeActionKind::new("source.fixAll");
        assert!(wanted(None, &fix_all_kind()));
        assert!(wanted(
            Some(std::slice::from_ref(&fix_all)),
            &fix_all_kind()
        ));
        assert!(wanted(Some(&[source]), &fix_all_kind()));
        assert!(!wanted(Some(&[CodeActionKind::QUICKFIX]), &fix_all_kind()));
        assert!(!wanted(Some(&[fix_all]), &CodeActionKind::QUICKFIX));
        assert!(!wanted(
            Some(&[CodeActionKind::new("source.fix")]),
            &fix_all_kind()
        ));
    }
}
