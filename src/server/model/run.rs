//! Running a model request, and why one stops: the engine's answer, a
//! timeout, a new version of the document, or the writer's "Cancel".

use std::time::Duration;

use tokio::sync::Notify;
use tower_lsp_server::ls_types::MessageType;

use super::super::state::Outgoing;
use super::Prepared;
use super::request::{ModelKind, tighten_target};
use crate::guide::LlmConfig;
use crate::llm::{Draft, Engine, SuggestError, Suggestion};

/// A finished request waits at most this long beyond the model's own
/// budget (two attempts of `timeout_secs`) before it is given up.
const TIMEOUT_MARGIN: Duration = Duration::from_secs(5);

/// Why a model request ended without suggestions, besides the engine's own
/// reasons.
#[derive(Debug)]
pub enum Stopped {
    Engine(SuggestError),
    Timeout(Duration),
    DocumentChanged,
    Cancelled,
}

/// How long a request may take: two attempts of the model's timeout, and
/// a margin (saturating: `timeout_secs` comes from the editor's settings).
fn time_limit(config: &LlmConfig) -> Duration {
    Duration::from_secs(config.timeout_secs().saturating_mul(2)).saturating_add(TIMEOUT_MARGIN)
}

/// Call the engine, until it answers, the time is up, the document
/// changes, or the writer cancels. Dropping the engine's future (here, or
/// when the client cancels the request and this future is dropped) frees
/// its concurrency slot.
pub async fn run(
    engine: &Engine,
    prepared: &Prepared,
    kind: ModelKind,
    cancel: &Notify,
) -> std::result::Result<Vec<Suggestion>, Stopped> {
    let Some(document) = prepared.checked.document.as_ref() else {
        return Err(Stopped::Cancelled);
    };
    let draft = Draft {
        text: document.text(),
        kind: document.kind(),
        name: &prepared.name,
    };
    let limit = time_limit(&prepared.config);
    let work = async {
        match kind {
            ModelKind::Bridge => engine.bridge(draft, prepared.asked.start).await,
            _ => engine
                .tighten(draft, tighten_target(kind, &prepared.asked))
                .await
                .map(|suggestion| vec![suggestion]),
        }
    };
    let mut changes = prepared.changes.clone();
    tokio::select! {
        result = tokio::time::timeout(limit, work) => match result {
            Ok(result) => result.map_err(Stopped::Engine),
            Err(_) => Err(Stopped::Timeout(limit)),
        },
        // A new version, or the document closed (the sender is gone).
        _ = changes.changed() => Err(Stopped::DocumentChanged),
        () = cancel.notified() => Err(Stopped::Cancelled),
    }
}

/// What the writer is told when a request to `model` stopped: a message
/// for what they need to know, a log line for what they caused (an edit,
/// a cancel).
pub fn stopped_message(model: &str, stopped: Stopped) -> Outgoing {
    let message = |kind, text| Outgoing::Message { kind, text };
    let log = |text| Outgoing::Log {
        kind: MessageType::INFO,
        text,
    };
    match stopped {
        Stopped::Engine(SuggestError::NoSafeSuggestion { reason }) => message(
            MessageType::WARNING,
            format!("copydesk: no safe suggestion: {reason}"),
        ),
        Stopped::Engine(SuggestError::NotADraft(reason)) => {
            message(MessageType::INFO, format!("copydesk: {reason}"))
        }
        Stopped::Engine(error) => message(
            MessageType::ERROR,
            format!("copydesk: {model} gave no suggestion: {error}"),
        ),
        Stopped::Timeout(limit) => message(
            MessageType::ERROR,
            format!(
                "copydesk: {model} gave no suggestion: no answer within {} s",
                limit.as_secs()
            ),
        ),
        Stopped::DocumentChanged => log(format!(
            "copydesk: the document changed while {model} was working; the request was stopped"
        )),
        Stopped::Cancelled => log(format!("copydesk: the request to {model} was cancelled")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(stopped: Stopped) -> (bool, MessageType, String) {
        match stopped_message("m1", stopped) {
            Outgoing::Message { kind, text } => (true, kind, text),
            Outgoing::Log { kind, text } => (false, kind, text),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn what_the_writer_caused_goes_to_the_log_the_rest_is_shown() {
        let (is_message, _, text) = shown(Stopped::Cancelled);
        assert!(!is_message);
        assert_eq!(text, "copydesk: the request to m1 was cancelled");
        let (is_message, _, text) = shown(Stopped::DocumentChanged);
        assert!(!is_message);
        assert!(text.contains("changed while m1 was working"), "{text}");

        let (is_message, kind, text) = shown(Stopped::Timeout(Duration::from_secs(125)));
        assert!(is_message);
        assert_eq!(kind, MessageType::ERROR);
        assert_eq!(
            text,
            "copydesk: m1 gave no suggestion: no answer within 125 s"
        );
    }

    #[test]
    fn the_engines_refusals_keep_their_reason() {
        let (_, kind, text) = shown(Stopped::Engine(SuggestError::NoSafeSuggestion {
            reason: "it changed a number".to_owned(),
        }));
        assert_eq!(kind, MessageType::WARNING);
        assert_eq!(text, "copydesk: no safe suggestion: it changed a number");
        let (_, kind, text) = shown(Stopped::Engine(SuggestError::NotADraft(
            "too short".to_owned(),
        )));
        assert_eq!(
            (kind, text.as_str()),
            (MessageType::INFO, "copydesk: too short")
        );
        let (_, kind, text) = shown(Stopped::Engine(SuggestError::Prompt("bad".to_owned())));
        assert_eq!(kind, MessageType::ERROR);
        assert!(
            text.starts_with("copydesk: m1 gave no suggestion: "),
            "{text}"
        );
    }

    #[test]
    fn a_request_may_take_two_attempts_and_a_margin() {
        let config = LlmConfig {
            timeout_secs: Some(30),
            ..LlmConfig::default()
        };
        assert_eq!(time_limit(&config), Duration::from_secs(65));
        let huge = LlmConfig {
            timeout_secs: Some(u64::MAX),
            ..LlmConfig::default()
        };
        // No overflow (a panic) on a setting of any size.
        assert_eq!(time_limit(&huge), Duration::MAX);
    }
}
