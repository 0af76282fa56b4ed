//! What a model request asks for: the request a listed action carries,
//! the arguments of the `copydesk.tighten` / `copydesk.bridge` commands, and
//! the text a request is about. Pure: no state, no IO.

use std::ops::Range;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{Position, Range as LspRange, Uri};

use super::super::commands::{BRIDGE, TIGHTEN};
use crate::document::Document;
use crate::llm::{self, SuggestError, TightenTarget};

/// What a model action asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ModelKind {
    TightenSelection,
    TightenSentence,
    TightenParagraph,
    Bridge,
}

impl ModelKind {
    pub fn is_tighten(self) -> bool {
        self != ModelKind::Bridge
    }
}

/// The `data` of a listed model action (and the argument of its command):
/// the document version and the range the writer asked about, in the
/// client's encoding. The server resolves the range to the sentence,
/// paragraph or insertion point again on that same version, the same way
/// listing did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelRequest {
    pub uri: Uri,
    pub version: i32,
    pub range: LspRange,
    pub kind: ModelKind,
    /// Which Bridge option; `None` in a command asks the writer to choose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub option: Option<usize>,
}

/// The sentence, paragraph, selection or insertion point a request is about
/// in `document`, or why there is none. The same functions the engine uses,
/// so listing offers only what can be asked and resolving targets exactly
/// what was listed.
pub fn resolve_target(
    document: &Document,
    kind: ModelKind,
    asked: &Range<usize>,
) -> std::result::Result<Range<usize>, SuggestError> {
    match kind {
        ModelKind::Bridge => llm::bridge_insertion(document, asked.start).map(|at| at..at),
        _ => llm::tighten_range(document, &tighten_target(kind, asked)),
    }
}

pub fn tighten_target(kind: ModelKind, asked: &Range<usize>) -> TightenTarget {
    match kind {
        ModelKind::TightenSelection => TightenTarget::Selection(asked.clone()),
        ModelKind::TightenParagraph => TightenTarget::Paragraph(asked.start),
        _ => TightenTarget::Sentence(asked.start),
    }
}

/// The argument of `copydesk.tighten` / `copydesk.bridge`: a listed
/// action's request, or what an editor command knows (a range or position,
/// and for Tighten a `scope`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CommandArgument {
    uri: Uri,
    #[serde(default)]
    version: Option<i32>,
    #[serde(default)]
    range: Option<LspRange>,
    #[serde(default)]
    position: Option<Position>,
    #[serde(default)]
    kind: Option<ModelKind>,
    /// `"selection"`, `"sentence"` or `"paragraph"`.
    #[serde(default)]
    scope: Option<String>,
    #[serde(default)]
    option: Option<usize>,
}

/// The request a `copydesk.tighten` / `copydesk.bridge` command asks for.
/// `open_version` gives the version of an open document, for arguments
/// that name none.
pub fn command_request(
    command: &str,
    arguments: &[Value],
    open_version: impl FnOnce(&Uri) -> Option<i32>,
) -> Result<ModelRequest> {
    let value = arguments.first().ok_or_else(|| {
        Error::invalid_params("missing argument: {\"uri\": …, \"range\" or \"position\": …}")
    })?;
    let argument: CommandArgument = serde_json::from_value(value.clone())
        .map_err(|error| Error::invalid_params(format!("bad command argument: {error}")))?;
    let range = match (argument.range, argument.position) {
        (Some(range), _) => range,
        (None, Some(position)) => LspRange::new(position, position),
        (None, None) => {
            return Err(Error::invalid_params(
                "missing “range” or “position” in the command argument",
            ));
        }
    };
    let kind = match (command, argument.kind, argument.scope.as_deref()) {
        (BRIDGE, None | Some(ModelKind::Bridge), _) => ModelKind::Bridge,
        (TIGHTEN, Some(kind), _) if kind.is_tighten() => kind,
        (TIGHTEN, None, Some("paragraph")) => ModelKind::TightenParagraph,
        (TIGHTEN, None, Some("sentence")) => ModelKind::TightenSentence,
        (TIGHTEN, None, None | Some("selection")) if range.start != range.end => {
            ModelKind::TightenSelection
        }
        (TIGHTEN, None, None | Some("selection")) => ModelKind::TightenSentence,
        (_, _, Some(scope)) if !matches!(scope, "selection" | "sentence" | "paragraph") => {
            return Err(Error::invalid_params(format!(
                "unknown scope “{scope}”: expected selection, sentence or paragraph"
            )));
        }
        _ => {
            return Err(Error::invalid_params(format!(
                "{command} cannot do {:?}",
                argument.kind
            )));
        }
    };
    let version = match argument.version {
        Some(version) => version,
        None => open_version(&argument.uri).ok_or_else(|| {
            Error::invalid_params(format!("{} is not open", argument.uri.as_str()))
        })?,
    };
    Ok(ModelRequest {
        uri: argument.uri,
        version,
        range,
        kind,
        option: argument.option,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const URI: &str = "file:///posts/a.md";

    fn parse(command: &str, argument: Value) -> Result<ModelRequest> {
        command_request(command, &[argument], |uri| {
            (uri.as_str() == URI).then_some(7)
        })
    }

    fn kind_of(command: &str, argument: Value) -> ModelKind {
        match parse(command, argument) {
            Ok(request) => request.kind,
            Err(error) => panic!("refused: {error:?}"),
        }
    }

    fn refusal(command: &str, argument: Value) -> String {
        match parse(command, argument) {
            Ok(request) => panic!("accepted: {request:?}"),
            Err(error) => error.message.into_owned(),
        }
    }

    #[test]
    fn a_listed_actions_request_parses_back_to_itself() {
        let request = ModelRequest {
            uri: URI.parse().expect("uri"),
            version: 3,
            range: LspRange::new(Position::new(1, 2), Position::new(1, 9)),
            kind: ModelKind::TightenSelection,
            option: None,
        };
        let value = serde_json::to_value(&request).expect("serializes");
        assert_eq!(value.get("option"), None, "no option, no key");
        assert_eq!(parse(TIGHTEN, value).expect("parses"), request);
    }

    #[test]
    fn tighten_picks_its_scope_from_the_argument_or_the_selection() {
        let at = json!({"line": 0, "character": 4});
        let span =
            json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 9}});
        assert_eq!(
            kind_of(TIGHTEN, json!({"uri": URI, "range": span})),
            ModelKind::TightenSelection
        );
        assert_eq!(
            kind_of(TIGHTEN, json!({"uri": URI, "position": at})),
            ModelKind::TightenSentence
        );
        assert_eq!(
            kind_of(
                TIGHTEN,
                json!({"uri": URI, "position": at, "scope": "paragraph"})
            ),
            ModelKind::TightenParagraph
        );
        assert_eq!(
            kind_of(
                TIGHTEN,
                json!({"uri": URI, "range": span, "scope": "sentence"})
            ),
            ModelKind::TightenSentence
        );
        assert_eq!(
            kind_of(BRIDGE, json!({"uri": URI, "position": at})),
            ModelKind::Bridge
        );
    }

    #[test]
    fn a_missing_version_is_the_open_documents() {
        let at = json!({"line": 0, "character": 0});
        let request = parse(BRIDGE, json!({"uri": URI, "position": at})).expect("parses");
        assert_eq!((request.version, request.option), (7, None));
        let chosen = parse(
            BRIDGE,
            json!({"uri": URI, "position": at, "version": 2, "option": 1}),
        )
        .expect("parses");
        assert_eq!((chosen.version, chosen.option), (2, Some(1)));
        let closed = refusal(BRIDGE, json!({"uri": "file:///other.md", "position": at}));
        assert_eq!(closed, "file:///other.md is not open");
    }

    #[test]
    fn bad_arguments_are_refused_with_what_is_wrong() {
        let at = json!({"line": 0, "character": 0});
        assert!(
            command_request(TIGHTEN, &[], |_| Some(1))
                .expect_err("no argument")
                .message
                .starts_with("missing argument")
        );
        assert_eq!(
            refusal(TIGHTEN, json!({"uri": URI})),
            "missing “range” or “position” in the command argument"
        );
        assert!(refusal(TIGHTEN, json!({"range": 3})).starts_with("bad command argument"));
        assert_eq!(
            refusal(
                TIGHTEN,
                json!({"uri": URI, "position": at, "scope": "page"})
            ),
            "unknown scope “page”: expected selection, sentence or paragraph"
        );
        assert_eq!(
            refusal(
                TIGHTEN,
                json!({"uri": URI, "position": at, "kind": "bridge"})
            ),
            "copydesk.tighten cannot do Some(Bridge)"
        );
        assert_eq!(
            refusal(
                BRIDGE,
                json!({"uri": URI, "position": at, "kind": "tightenSentence"})
            ),
            "copydesk.bridge cannot do Some(TightenSentence)"
        );
    }

    #[test]
    fn targets_are_what_the_engine_would_rewrite() {
        let text = "# Title\n\nThe first paragraph says one thing in a plain way. It goes on.\n\nThe second paragraph says another thing entirely here.\n";
        let document = Document::parse(text, crate::document::DocumentKind::Markdown);
        let second = text.find("The second").expect("second paragraph");
        let first = text.find("The first").expect("first paragraph");
        assert_eq!(
            resolve_target(&document, ModelKind::Bridge, &(second + 4..second + 4))
                .expect("a transition fits"),
            second..second
        );
        assert!(matches!(
            resolve_target(&document, ModelKind::Bridge, &(first..first)),
            Err(SuggestError::NotADraft(_))
        ));
        assert!(matches!(
            resolve_target(&document, ModelKind::TightenSentence, &(2..2)),
            Err(SuggestError::NotADraft(reason)) if reason.contains("headings")
        ));
    }
}
