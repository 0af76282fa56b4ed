//! `workspace/executeCommand`: the commands editors bind.
//!
//! Every command takes one argument: a document URI as a string, or an
//! object `{ "uri": …, "rule": …, "position": {line, character} }` with the
//! fields that command needs. Commands compute an edit and ask the client to
//! apply it (`workspace/applyEdit`); they return `{ "applied": bool }`.
//! `copydesk.tighten` and `copydesk.bridge` take `{ "uri", "range" or
//! "position", "scope"?, "option"? }` (see `model`).

use std::sync::Arc;

use serde::Deserialize;
use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::{ExecuteCommandParams, Position, Uri, WorkspaceEdit};

use super::actions::{ActionContext, disable_in_guide, fix_all_edit, workspace_edit};
use super::backend::Shared;
use super::convert::Lines;
use super::ignore::ignore_edit;
use super::model;

pub const FIX_ALL: &str = "copydesk.fixAll";
pub const IGNORE_RULE: &str = "copydesk.ignoreRule";
pub const DISABLE_RULE: &str = "copydesk.disableRule";
/// Tighten a selection, sentence or paragraph with the configured model.
pub const TIGHTEN: &str = "copydesk.tighten";
/// Add a transition between two paragraphs with the configured model.
pub const BRIDGE: &str = "copydesk.bridge";

/// Every command the server advertises.
pub const COMMANDS: [&str; 7] = [
    FIX_ALL,
    IGNORE_RULE,
    DISABLE_RULE,
    TIGHTEN,
    BRIDGE,
    super::review::COMMAND,
    super::trust::COMMAND,
];

/// LSP's `RequestFailed`: the request was valid but could not be done.
const REQUEST_FAILED: i64 = -32803;

#[derive(Debug, Deserialize)]
pub(super) struct Target {
    pub(super) uri: Uri,
    #[serde(default)]
    rule: Option<String>,
    #[serde(default)]
    position: Option<Position>,
}

pub(super) fn target(arguments: &[Value]) -> Result<Target> {
    match arguments.first() {
        Some(Value::String(uri)) => Ok(Target {
            uri: uri
                .parse()
                .map_err(|_| Error::invalid_params(format!("not a URI: “{uri}”")))?,
            rule: None,
            position: None,
        }),
        Some(value) => serde_json::from_value(value.clone())
            .map_err(|error| Error::invalid_params(format!("bad command argument: {error}"))),
        None => Err(Error::invalid_params(
            "missing argument: a document URI or {\"uri\": …}",
        )),
    }
}

pub(super) fn failed(message: String) -> Error {
    Error {
        code: ErrorCode::ServerError(REQUEST_FAILED),
        message: message.into(),
        data: None,
    }
}

fn required<T>(value: Option<T>, name: &str) -> Result<T> {
    value.ok_or_else(|| Error::invalid_params(format!("missing “{name}” in the command argument")))
}

pub async fn execute(shared: &Arc<Shared>, params: ExecuteCommandParams) -> Result<Option<Value>> {
    let command = params.command.as_str();
    if command == super::review::COMMAND {
        return super::review::execute(shared, params).await;
    }
    if command == super::trust::COMMAND {
        return super::trust::execute(shared, params).await;
    }
    if command == TIGHTEN || command == BRIDGE {
        return model::execute(shared, command, &params.arguments).await;
    }
    if !COMMANDS.contains(&command) {
        return Err(Error::invalid_params(format!(
            "unknown command “{command}”"
        )));
    }
    let target = target(&params.arguments)?;
    let features = shared.features();
    let edit: Option<WorkspaceEdit> = match command {
        FIX_ALL => {
            let checked = shared
                .checked_now(&target.uri)
                .await
                .ok_or_else(|| failed(format!("{} is not open", target.uri.as_str())))?;
            let uri = target.uri.clone();
            tokio::task::spawn_blocking(move || fix_all_edit(&checked, &uri, features))
                .await
                .ok()
                .flatten()
        }
        IGNORE_RULE => {
            let rule = required(target.rule, "rule")?;
            let position = required(target.position, "position")?;
            let checked = shared
                .checked_now(&target.uri)
                .await
                .ok_or_else(|| failed(format!("{} is not open", target.uri.as_str())))?;
            checked.document.as_ref().and_then(|document| {
                let lines = Lines::of(document, features.encoding);
                let edit = ignore_edit(document, &rule, lines.offset(position))?;
                Some(workspace_edit(
                    features,
                    &target.uri,
                    Some(checked.version),
                    vec![lines.text_edit(&edit)],
                ))
            })
        }
        _ => {
            let rule = required(target.rule, "rule")?;
            let context = ActionContext::new(&shared.lock(), &target.uri);
            tokio::task::spawn_blocking(move || disable_in_guide(&context, &rule))
                .await
                .ok()
                .flatten()
                .map(|(edit, _)| edit)
        }
    };
    let Some(edit) = edit else {
        return Ok(Some(json!({ "applied": false })));
    };
    let response = shared.client.apply_edit(edit).await?;
    Ok(Some(json!({ "applied": response.applied })))
}
