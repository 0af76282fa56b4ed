//! `$/progress` for model requests: server-initiated work-done progress
//! with a "Cancel" button, and the cancel handles by progress token that
//! `window/workDoneProgress/cancel` notifies.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::Notify;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::notification::Progress as ProgressNotification;
use tower_lsp_server::ls_types::{
    NumberOrString, ProgressParams, ProgressParamsValue, ProgressToken, WorkDoneProgress,
    WorkDoneProgressBegin, WorkDoneProgressEnd,
};

use super::super::backend::Shared;

/// The "Cancel" handle of each model request showing progress, by token
/// (kept in `State`).
#[derive(Default)]
pub struct ProgressCancels {
    by_id: HashMap<String, Arc<Notify>>,
}

impl ProgressCancels {
    fn insert(&mut self, id: String, cancel: Arc<Notify>) {
        self.by_id.insert(id, cancel);
    }

    fn remove(&mut self, token: &ProgressToken) {
        if let NumberOrString::String(id) = token {
            self.by_id.remove(id);
        }
    }

    /// The writer pressed "Cancel" on `token`'s progress: stop its request.
    /// Returns whether a running request had that token.
    pub fn cancel(&self, token: &ProgressToken) -> bool {
        let NumberOrString::String(id) = token else {
            return false;
        };
        let Some(cancel) = self.by_id.get(id) else {
            return false;
        };
        // A permit is kept if the request is not waiting yet.
        cancel.notify_one();
        true
    }
}

/// A new progress token, never the same twice in one server.
fn next_token() -> (String, ProgressToken) {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let id = format!("copydesk-model-{}", NEXT.fetch_add(1, Ordering::Relaxed));
    (id.clone(), NumberOrString::String(id))
}

/// The `$/progress` that begins a model request: cancellable, titled.
fn begin_params(token: ProgressToken, title: String) -> ProgressParams {
    ProgressParams {
        token,
        value: ProgressParamsValue::WorkDone(WorkDoneProgress::Begin(WorkDoneProgressBegin {
            title,
            cancellable: Some(true),
            message: None,
            percentage: None,
        })),
    }
}

/// The `$/progress` that ends it.
fn end_params(token: ProgressToken) -> ProgressParams {
    ProgressParams {
        token,
        value: ProgressParamsValue::WorkDone(WorkDoneProgress::End(WorkDoneProgressEnd {
            message: None,
        })),
    }
}

/// Server-initiated work-done progress. Ends when dropped, so a request the
/// client cancels does not leave a spinner behind.
pub struct Progress {
    client: Client,
    token: ProgressToken,
    /// Removed from the state's cancel handles at the end.
    shared: Arc<Shared>,
    ended: bool,
}

impl Progress {
    /// Begin progress when the client supports it. Returns the handle the
    /// writer's "Cancel" notifies either way.
    pub async fn begin(shared: &Arc<Shared>, title: String) -> (Arc<Notify>, Option<Progress>) {
        let cancel = Arc::new(Notify::new());
        if !shared.features().work_done_progress {
            return (cancel, None);
        }
        let (id, token) = next_token();
        if shared
            .client
            .create_work_done_progress(token.clone())
            .await
            .is_err()
        {
            return (cancel, None);
        }
        shared
            .lock()
            .progress_cancels
            .insert(id, Arc::clone(&cancel));
        shared
            .client
            .send_notification::<ProgressNotification>(begin_params(token.clone(), title))
            .await;
        let progress = Progress {
            client: shared.client.clone(),
            token,
            shared: Arc::clone(shared),
            ended: false,
        };
        (cancel, Some(progress))
    }

    pub async fn end(mut self) {
        self.ended = true;
        self.forget();
        send_end(&self.client, self.token.clone()).await;
    }

    fn forget(&self) {
        self.shared.lock().progress_cancels.remove(&self.token);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if self.ended {
            return;
        }
        self.forget();
        let client = self.client.clone();
        let token = self.token.clone();
        tokio::spawn(async move { send_end(&client, token).await });
    }
}

async fn send_end(client: &Client, token: ProgressToken) {
    client
        .send_notification::<ProgressNotification>(end_params(token))
        .await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::FutureExt;

    #[test]
    fn cancel_notifies_the_request_with_that_token_and_no_other() {
        let mut cancels = ProgressCancels::default();
        let (id, token) = next_token();
        let (other_id, other_token) = next_token();
        assert_ne!(token, other_token, "tokens are never reused");
        let cancel = Arc::new(Notify::new());
        let other = Arc::new(Notify::new());
        cancels.insert(id, Arc::clone(&cancel));
        cancels.insert(other_id, Arc::clone(&other));

        assert!(cancels.cancel(&token));
        // The request had not started waiting: the cancel is kept for it.
        assert!(cancel.notified().now_or_never().is_some());
        assert!(other.notified().now_or_never().is_none());
    }

    #[test]
    fn a_finished_or_unknown_token_cancels_nothing() {
        let mut cancels = ProgressCancels::default();
        let (id, token) = next_token();
        let cancel = Arc::new(Notify::new());
        cancels.insert(id, Arc::clone(&cancel));
        cancels.remove(&token);
        assert!(!cancels.cancel(&token));
        assert!(!cancels.cancel(&NumberOrString::Number(1)));
        assert!(!cancels.cancel(&NumberOrString::String("someone-else".to_owned())));
        assert!(cancel.notified().now_or_never().is_none());
    }

    #[test]
    fn progress_begins_cancellable_with_its_title_and_ends() {
        let (_, token) = next_token();
        let begin = serde_json::to_value(begin_params(token.clone(), "Tightening with m".into()))
            .expect("serializes");
        assert_eq!(begin["token"], serde_json::json!(token_text(&token)));
        assert_eq!(begin["value"]["kind"], "begin");
        assert_eq!(begin["value"]["title"], "Tightening with m");
        assert_eq!(begin["value"]["cancellable"], true);
        let end = serde_json::to_value(end_params(token)).expect("serializes");
        assert_eq!(end["value"]["kind"], "end");
    }

    fn token_text(token: &ProgressToken) -> String {
        match token {
            NumberOrString::String(id) => {
                assert!(id.starts_with("copydesk-model-"), "{id}");
                id.clone()
            }
            NumberOrString::Number(n) => panic!("a number token {n}"),
        }
    }
}
