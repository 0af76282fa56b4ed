//! `copydesk lsp`: the language server, over stdio.
//!
//! This module is the only one that knows LSP types. It keeps the open
//! documents, turns findings into diagnostics, fixes into code actions and
//! rule docs into hovers, and converts byte offsets to the negotiated
//! position encoding (UTF-8 when the client offers it, else UTF-16) here and
//! nowhere else.
//!
//! Ordering: tower-lsp-server runs up to 32 handlers at once
//! (`HANDLERS_AT_ONCE`), so every `didOpen`/`didChange` is applied to the
//! store synchronously, before the handler's first `.await`. Checks run on a snapshot on tokio's blocking
//! pool, one at a time per document; a result is published only if the
//! document has not changed since its snapshot was taken, and diagnostics
//! leave through one ordered queue, so a client never sees an older version
//! after a newer one.
//!
//! What this module must never do: block the async executor with a check,
//! hold the state lock across an `.await`, panic on anything a client sends,
//! or apply an edit computed for another version of a document.
//!
//! Rooms: `transport` checks the input frames; `backend` holds the
//! handlers and the per-document check task; `state` the open documents,
//! settings and check snapshots; `guides` the editor's guide policy over
//! `resolve::Resolver` (last good guide, each failed load reported once,
//! stamps for clients that cannot watch files); `cache` the per-block
//! findings; `convert` positions and diagnostics; `actions`, `hover`,
//! `commands` the features, with the pure edits in `ignore` and
//! `guide_edit`; `model/` Tighten and Bridge (one file per concern, see its
//! docs); `review` model review; `trust` consent; `settings` the editor's
//! settings and the client's capabilities.

mod actions;
mod backend;
pub mod cache;
mod commands;
mod convert;
pub mod guide_edit;
mod guides;
mod hover;
pub mod ignore;
mod model;
mod review;
mod settings;
mod state;
pub mod transport;
mod trust;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use clap::Args;
use tokio::sync::Notify;
use tower_lsp_server::{LspService, Server};

pub use commands::COMMANDS;

/// Requests and notifications handled at once.
const HANDLERS_AT_ONCE: usize = 32;

/// How long in-flight work may go on after `exit` or the end of input.
const EXIT_GRACE: Duration = Duration::from_millis(300);

/// `copydesk lsp`.
#[derive(Debug, Args)]
pub struct LspArgs {
    /// Talk over standard input and output (the default and only transport;
    /// accepted because editor clients such as vscode-languageclient pass it)
    #[arg(long)]
    pub stdio: bool,
}

/// Run the server until the client sends `exit` or closes the stream.
///
/// The exit status follows the LSP specification: 0 when `shutdown` came
/// before `exit`, 1 otherwise (including a client that disappeared).
pub fn main(_args: LspArgs) -> ExitCode {
    // IO as well as time: the model client (reqwest) needs the IO driver.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .max_blocking_threads(4)
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start the language server runtime: {error}");
            return ExitCode::from(2);
        }
    };
    let shutdown_requested = runtime.block_on(async {
        let ended = Arc::new(Notify::new());
        let input = transport::CheckedInput::new(tokio::io::stdin(), Arc::clone(&ended));
        let (service, socket) = LspService::build(backend::Backend::new)
            .custom_method(
                transport::INVALID_MESSAGE,
                backend::Backend::invalid_message,
            )
            .custom_method(
                "window/workDoneProgress/cancel",
                backend::Backend::work_done_progress_cancel,
            )
            .finish();
        let shutdown_requested = Arc::clone(&service.inner().shutdown_requested);
        // Model requests can take many seconds each; with tower-lsp-server's
        // default of four handlers at once, a few of them would hold up
        // `didChange` and with it the diagnostics.
        let serve = Server::new(input, tokio::io::stdout(), socket)
            .concurrency_level(HANDLERS_AT_ONCE)
            .serve(service);
        tokio::pin!(serve);
        tokio::select! {
            () = &mut serve => {}
            () = ended.notified() => {
                // The client said `exit` or is gone. Handlers waiting on it
                // would keep `serve` from returning; give the rest a moment.
                let _ = tokio::time::timeout(EXIT_GRACE, &mut serve).await;
            }
        }
        shutdown_requested
    });
    // A check still running on the blocking pool must not hold up the exit.
    runtime.shutdown_background();
    if shutdown_requested.load(Ordering::SeqCst) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
