//! Listing the model actions (Tighten, Bridge) at a range: pure and
//! synchronous, no model call and no IO. It uses the engine's own
//! pre-checks (`llm::tighten_range`, `llm::bridge_insertion`, through
//! [`resolve_target`]) so it lists only what the engine would accept.

use std::collections::HashMap;
use std::ops::Range;

use tower_lsp_server::ls_types::{
    AnnotatedTextEdit, ChangeAnnotation, CodeAction, CodeActionDisabled, CodeActionKind,
    CodeActionParams, CodeActionTriggerKind, Command, Diagnostic, DocumentChanges, NumberOrString,
    OneOf, OptionalVersionedTextDocumentIdentifier, TextDocumentEdit, Uri, WorkspaceEdit,
};

use super::super::actions::{ResolveData, wanted, workspace_edit};
use super::super::commands::{BRIDGE, TIGHTEN};
use super::super::convert::{Lines, SOURCE};
use super::super::settings::{ClientFeatures, Settings};
use super::super::state::{Checked, State};
use super::remembered::Remembered;
use super::request::{ModelKind, ModelRequest, resolve_target};
use crate::document::Document;
use crate::guide::LlmConfig;
use crate::llm::{SuggestError, Suggestion};

/// The rule whose findings get "Suggest a transition".
const ABRUPT_TRANSITION: &str = "flow/abrupt-transition";

/// The change annotation every model edit carries.
const ANNOTATION: &str = "copydesk.model";

pub fn tighten_kind() -> CodeActionKind {
    CodeActionKind::new("refactor.rewrite.copydesk.tighten")
}

pub fn bridge_kind() -> CodeActionKind {
    CodeActionKind::new("refactor.rewrite.copydesk.bridge")
}

/// What listing needs besides the check result, read under the lock.
pub struct ModelContext {
    features: ClientFeatures,
    settings: Settings,
    remembered: Vec<Remembered>,
}

impl ModelContext {
    pub fn new(state: &State, uri: &Uri) -> ModelContext {
        ModelContext {
            features: state.features,
            settings: state.settings.clone(),
            remembered: state
                .documents
                .get(uri)
                .map(|document| document.suggestions.clone())
                .unwrap_or_default(),
        }
    }

    fn remembered(
        &self,
        version: i32,
        kind: ModelKind,
        target: &Range<usize>,
    ) -> Option<&Remembered> {
        super::remembered::find(&self.remembered, version, kind, target)
    }
}

/// The name shown in action titles.
fn model_name(config: &LlmConfig) -> String {
    config
        .model
        .clone()
        .or_else(|| config.deployment.clone())
        .unwrap_or_else(|| "the model".to_owned())
}

/// Whether `offset` is on a line with nothing but whitespace.
fn on_blank_line(document: &Document, offset: usize) -> bool {
    let index = &document.line_index;
    let text = document.text();
    let line = index.line_of(offset);
    let start = index.line_start(line);
    let end = index.line_content_end(text, line).max(start);
    text.get(start..end)
        .is_some_and(|line| line.trim().is_empty())
}

/// The model actions at the requested range. No model call, no IO.
pub fn code_actions(
    checked: &Checked,
    uri: &Uri,
    params: &CodeActionParams,
    context: &ModelContext,
) -> Vec<CodeAction> {
    let Some(document) = &checked.document else {
        return Vec::new();
    };
    let Some(config) = context.settings.effective_llm(checked.checker.guide()) else {
        return Vec::new();
    };
    let lister = Lister {
        checked,
        document,
        uri,
        context,
        lines: Lines::of(document, context.features.encoding),
        model: model_name(&config),
    };
    let asked = lister.lines.byte_range(params.range);
    let only = params.context.only.as_deref();
    // The lightbulb asks on every cursor move: model actions then appear
    // only for a selection or a finding, not on every line of prose.
    let invoked = params.context.trigger_kind != Some(CodeActionTriggerKind::AUTOMATIC);
    let mut actions = Vec::new();

    if wanted(only, &tighten_kind()) && (invoked || !asked.is_empty()) {
        let mut sentence = None;
        if !asked.is_empty() {
            lister.tighten(
                &mut actions,
                ModelKind::TightenSelection,
                &asked,
                "selection",
            );
        } else {
            sentence = lister.tighten(&mut actions, ModelKind::TightenSentence, &asked, "sentence");
        }
        if invoked {
            let paragraph = resolve_target(document, ModelKind::TightenParagraph, &asked).ok();
            // A paragraph that cannot be tightened is listed too (disabled,
            // with the reason) when the client shows such actions.
            if paragraph.is_none() || paragraph != sentence {
                lister.tighten(
                    &mut actions,
                    ModelKind::TightenParagraph,
                    &asked,
                    "paragraph",
                );
            }
        }
    }

    let mut bridged = Vec::new();
    if wanted(only, &CodeActionKind::QUICKFIX) {
        for diagnostic in params.context.diagnostics.iter().filter(|d| {
            d.source.as_deref() == Some(SOURCE)
                && d.code == Some(NumberOrString::String(ABRUPT_TRANSITION.to_owned()))
        }) {
            let at = lister.lines.offset(diagnostic.range.start);
            lister.bridge(&mut actions, &mut bridged, at..at, Some(diagnostic));
        }
    }
    let requested = only.is_some() && wanted(only, &bridge_kind());
    if requested || (only.is_none() && invoked && on_blank_line(document, asked.start)) {
        lister.bridge(&mut actions, &mut bridged, asked.start..asked.start, None);
    }
    actions
}

/// Whether `offset` is in a paragraph or list item. A disabled Tighten
/// explains why a writer's own prose gets none (too short, an outline, a
/// request for writing); on a heading or a table it would only be noise.
fn in_prose_block(document: &Document, offset: usize) -> bool {
    use crate::document::BlockKind;
    document.blocks.iter().any(|block| {
        matches!(block.kind, BlockKind::Paragraph | BlockKind::ListItem)
            && block.span().start <= offset
            && offset <= block.span().end
    })
}

struct Lister<'a> {
    checked: &'a Checked,
    document: &'a Document,
    uri: &'a Uri,
    context: &'a ModelContext,
    lines: Lines<'a>,
    model: String,
}

impl Lister<'_> {
    /// List one Tighten action if its target can be tightened; returns the
    /// target.
    fn tighten(
        &self,
        out: &mut Vec<CodeAction>,
        kind: ModelKind,
        asked: &Range<usize>,
        unit: &str,
    ) -> Option<Range<usize>> {
        let title = format!("Tighten {unit} with {}", self.model);
        let target = match resolve_target(self.document, kind, asked) {
            Ok(target) => target,
            Err(SuggestError::NotADraft(reason)) => {
                // Never silence: a client that can show a greyed-out action
                // says why this text gets no Tighten (not a draft, too
                // short, a request for writing).
                if self.context.features.disabled_actions
                    && kind != ModelKind::TightenSentence
                    && in_prose_block(self.document, asked.start)
                {
                    out.push(CodeAction {
                        title,
                        kind: Some(tighten_kind()),
                        disabled: Some(CodeActionDisabled { reason }),
                        ..CodeAction::default()
                    });
                }
                return None;
            }
            Err(_) => return None,
        };
        out.push(self.action(title, tighten_kind(), kind, asked, &target, None, None));
        Some(target)
    }

    /// List Bridge for the paragraph at `asked`: one action per remembered
    /// option, else one that asks the model.
    fn bridge(
        &self,
        out: &mut Vec<CodeAction>,
        bridged: &mut Vec<Range<usize>>,
        asked: Range<usize>,
        diagnostic: Option<&Diagnostic>,
    ) {
        let Ok(target) = resolve_target(self.document, ModelKind::Bridge, &asked) else {
            return;
        };
        if bridged.contains(&target) {
            return;
        }
        let action_kind = if diagnostic.is_some() {
            CodeActionKind::QUICKFIX
        } else {
            bridge_kind()
        };
        let version = self.checked.version;
        match self.context.remembered(version, ModelKind::Bridge, &target) {
            Some(remembered) => {
                for (index, suggestion) in remembered.suggestions.iter().enumerate() {
                    out.push(self.action(
                        suggestion.title.clone(),
                        action_kind.clone(),
                        ModelKind::Bridge,
                        &asked,
                        &target,
                        Some(index),
                        diagnostic,
                    ));
                }
            }
            None => out.push(self.action(
                "Suggest a transition".to_owned(),
                action_kind,
                ModelKind::Bridge,
                &asked,
                &target,
                Some(0),
                diagnostic,
            )),
        }
        bridged.push(target);
    }

    #[allow(clippy::too_many_arguments)]
    fn action(
        &self,
        title: String,
        action_kind: CodeActionKind,
        kind: ModelKind,
        asked: &Range<usize>,
        target: &Range<usize>,
        option: Option<usize>,
        diagnostic: Option<&Diagnostic>,
    ) -> CodeAction {
        let features = self.context.features;
        let version = self.checked.version;
        let request = ModelRequest {
            uri: self.uri.clone(),
            version,
            range: self.lines.range(asked),
            kind,
            option,
        };
        let mut action = CodeAction {
            title: title.clone(),
            kind: Some(action_kind),
            diagnostics: diagnostic.map(|d| vec![d.clone()]),
            ..CodeAction::default()
        };
        let remembered = self
            .context
            .remembered(version, kind, target)
            .and_then(|r| r.suggestions.get(option.unwrap_or(0)));
        if features.resolve_edits {
            action.data = serde_json::to_value(ResolveData::Model(request)).ok();
        } else if let Some(suggestion) = remembered {
            action.edit = Some(suggestion_edit(
                features,
                self.uri,
                version,
                &self.lines,
                suggestion,
            ));
        } else {
            let command = if kind.is_tighten() { TIGHTEN } else { BRIDGE };
            action.command = Some(Command {
                title,
                command: command.to_owned(),
                arguments: serde_json::to_value(&request).ok().map(|v| vec![v]),
            });
        }
        action
    }
}

/// A suggestion as a workspace edit against `version`: its minimal
/// word-level edits, under a change annotation that carries the unified
/// diff and needs confirmation when the client supports annotations.
pub(super) fn suggestion_edit(
    features: ClientFeatures,
    uri: &Uri,
    version: i32,
    lines: &Lines,
    suggestion: &Suggestion,
) -> WorkspaceEdit {
    let edits: Vec<_> = suggestion
        .edits
        .iter()
        .map(|edit| lines.text_edit(edit))
        .collect();
    if !(features.document_changes && features.change_annotations) {
        return workspace_edit(features, uri, Some(version), edits);
    }
    let label = match &suggestion.provenance {
        crate::fix::Provenance::Model { model, prompt } => {
            format!("{} (model {model}, prompt {prompt})", suggestion.title)
        }
        crate::fix::Provenance::Rule => suggestion.title.clone(),
    };
    WorkspaceEdit {
        document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier {
                uri: uri.clone(),
                version: Some(version),
            },
            edits: edits
                .into_iter()
                .map(|text_edit| {
                    OneOf::Right(AnnotatedTextEdit {
                        text_edit,
                        annotation_id: ANNOTATION.to_owned(),
                    })
                })
                .collect(),
        }])),
        change_annotations: Some(HashMap::from([(
            ANNOTATION.to_owned(),
            ChangeAnnotation {
                label,
                needs_confirmation: Some(true),
                description: Some(suggestion.diff.clone()),
            },
        )])),
        ..WorkspaceEdit::default()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use tower_lsp_server::ls_types::{CodeActionContext, Position, Range as LspRange};

    use super::super::super::settings::LlmSettings;
    use super::super::remembered::tests::suggestion;
    use super::*;
    use crate::check::{CheckOptions, Checker};
    use crate::document::DocumentKind;
    use crate::guide::Guide;

    const TEXT: &str = "# Launch notes\n\nOur team shipped the new export feature after a long month of careful work. Customers can now send reports to their accounting tools.\n\nThe old importer stays available for another quarter while teams move over to the new one.\n";

    fn checked() -> Checked {
        Checked {
            version: 4,
            generation: 1,
            document: Some(Document::parse(TEXT, DocumentKind::Markdown)),
            findings: Vec::new(),
            too_large: None,
            checker: Arc::new(Checker::new(Guide::builtin(), CheckOptions::default())),
            max_diagnostics: 100,
        }
    }

    fn context(model: Option<&str>, remembered: Vec<Remembered>) -> ModelContext {
        ModelContext {
            features: ClientFeatures::default(),
            settings: Settings {
                llm: Some(LlmSettings {
                    model: model.map(str::to_owned),
                    ..LlmSettings::default()
                }),
                ..Settings::default()
            },
            remembered,
        }
    }

    fn uri() -> Uri {
        "file:///posts/launch.md".parse().expect("uri")
    }

    fn params(
        at: Position,
        only: Option<Vec<CodeActionKind>>,
        trigger: CodeActionTriggerKind,
        diagnostics: Vec<Diagnostic>,
    ) -> CodeActionParams {
        CodeActionParams {
            text_document: tower_lsp_server::ls_types::TextDocumentIdentifier { uri: uri() },
            range: LspRange::new(at, at),
            context: CodeActionContext {
                diagnostics,
                only,
                trigger_kind: Some(trigger),
            },
            work_done_progress_params: Default::default(),
            partial_result_params: Default::default(),
        }
    }

    fn titles(actions: &[CodeAction]) -> Vec<&str> {
        actions.iter().map(|action| action.title.as_str()).collect()
    }

    #[test]
    fn asked_in_a_sentence_it_offers_the_sentence_and_the_paragraph() {
        let invoked = params(
            Position::new(2, 5),
            None,
            CodeActionTriggerKind::INVOKED,
            Vec::new(),
        );
        let actions = code_actions(
            &checked(),
            &uri(),
            &invoked,
            &context(Some("m1"), Vec::new()),
        );
        assert_eq!(
            titles(&actions),
            ["Tighten sentence with m1", "Tighten paragraph with m1"]
        );
        // A client that cannot resolve gets the command, with the request.
        let command = actions[0].command.as_ref().expect("a command");
        assert_eq!(command.command, TIGHTEN);
        let request: ModelRequest =
            serde_json::from_value(command.arguments.as_ref().expect("arguments")[0].clone())
                .expect("a model request");
        assert_eq!(
            (request.version, request.kind),
            (4, ModelKind::TightenSentence)
        );
    }

    #[test]
    fn nothing_is_listed_without_a_model_or_on_a_mere_cursor_move() {
        let at = Position::new(2, 5);
        let invoked = params(at, None, CodeActionTriggerKind::INVOKED, Vec::new());
        assert!(code_actions(&checked(), &uri(), &invoked, &context(None, Vec::new())).is_empty());
        let automatic = params(at, None, CodeActionTriggerKind::AUTOMATIC, Vec::new());
        assert!(
            code_actions(
                &checked(),
                &uri(),
                &automatic,
                &context(Some("m1"), Vec::new())
            )
            .is_empty()
        );
    }

    #[test]
    fn an_abrupt_transition_gets_a_bridge_quick_fix_and_then_each_option() {
        let diagnostic = Diagnostic {
            range: LspRange::new(Position::new(4, 0), Position::new(4, 3)),
            source: Some(SOURCE.to_owned()),
            code: Some(NumberOrString::String(ABRUPT_TRANSITION.to_owned())),
            message: "abrupt".to_owned(),
            ..Diagnostic::default()
        };
        let asked = params(
            Position::new(4, 0),
            Some(vec![CodeActionKind::QUICKFIX]),
            CodeActionTriggerKind::INVOKED,
            vec![diagnostic.clone()],
        );
        let actions = code_actions(&checked(), &uri(), &asked, &context(Some("m1"), Vec::new()));
        assert_eq!(titles(&actions), ["Suggest a transition"]);
        assert_eq!(actions[0].kind, Some(CodeActionKind::QUICKFIX));
        assert_eq!(actions[0].diagnostics, Some(vec![diagnostic]));
        assert_eq!(
            actions[0].command.as_ref().map(|c| c.command.as_str()),
            Some(BRIDGE)
        );

        let second = TEXT.find("The old").expect("second paragraph");
        let options = Remembered {
            version: 4,
            kind: ModelKind::Bridge,
            target: second..second,
            suggestions: Arc::from(vec![
                suggestion("Add “Meanwhile,”", second..second, "Meanwhile, "),
                suggestion("Add “Still,”", second..second, "Still, "),
            ]),
        };
        let actions = code_actions(
            &checked(),
            &uri(),
            &asked,
            &context(Some("m1"), vec![options]),
        );
        assert_eq!(titles(&actions), ["Add “Meanwhile,”", "Add “Still,”"]);
        assert!(
            actions
                .iter()
                .all(|a| a.edit.is_some() && a.command.is_none()),
            "a computed option is an edit, with no second model call"
        );
    }
}
