//! The server's input: LSP frames from stdin, checked before tower-lsp-server
//! sees them.
//!
//! tower-lsp-server stops reading for good after one frame it cannot decode
//! (a body that is not JSON, or JSON that is not a JSON-RPC message), which
//! would let a single bad message from a client end the session. Every frame
//! is therefore checked here, and a bad one is replaced by a call to
//! [`INVALID_MESSAGE`], which answers with a JSON-RPC error when the message
//! had an id and is ignored otherwise.
//!
//! The input also tells the server when the client is gone: at the end of
//! input, on a read error, and when the `exit` notification passes through
//! (tower-lsp-server would otherwise wait for handlers that are themselves
//! waiting for a client that will never answer).

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};
use serde_json::json;
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::Notify;
use tower_lsp_server::jsonrpc;

/// The method a malformed frame is replaced with.
pub const INVALID_MESSAGE: &str = "$/copydesk/invalidMessage";

/// Header blocks longer than this are not LSP headers: drop them.
const MAX_HEADER_BYTES: usize = 8 * 1024;

/// Reads framed messages from `inner` and hands on only frames
/// tower-lsp-server can decode.
pub struct CheckedInput<R> {
    inner: R,
    /// Bytes read but not yet framed.
    pending: Vec<u8>,
    /// A checked frame being handed on, and how much of it was.
    ready: Vec<u8>,
    ready_position: usize,
    finished: bool,
    /// Notified once the client is gone or said `exit`.
    ended: Arc<Notify>,
}

impl<R> CheckedInput<R> {
    pub fn new(inner: R, ended: Arc<Notify>) -> CheckedInput<R> {
        CheckedInput {
            inner,
            pending: Vec::new(),
            ready: Vec::new(),
            ready_position: 0,
            finished: false,
            ended,
        }
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for CheckedInput<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.ready_position < this.ready.len() {
                let left = &this.ready[this.ready_position..];
                let count = left.len().min(buf.remaining());
                buf.put_slice(&left[..count]);
                this.ready_position += count;
                if this.ready_position == this.ready.len() {
                    this.ready.clear();
                    this.ready_position = 0;
                }
                return Poll::Ready(Ok(()));
            }
            if this.finished {
                return Poll::Ready(Ok(()));
            }
            if let Some((frame, exit)) = next_frame(&mut this.pending) {
                this.ready = frame;
                if exit {
                    this.ended.notify_one();
                }
                continue;
            }
            let mut chunk = [0u8; 16 * 1024];
            let mut read = ReadBuf::new(&mut chunk);
            match Pin::new(&mut this.inner).poll_read(cx, &mut read) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(error)) => {
                    this.ended.notify_one();
                    return Poll::Ready(Err(error));
                }
                Poll::Ready(Ok(())) if read.filled().is_empty() => {
                    this.finished = true;
                    this.ended.notify_one();
                }
                Poll::Ready(Ok(())) => this.pending.extend_from_slice(read.filled()),
            }
        }
    }
}

/// Take the next whole frame off `pending`, checked (and replaced when
/// malformed); says whether it is the `exit` notification.
fn next_frame(pending: &mut Vec<u8>) -> Option<(Vec<u8>, bool)> {
    loop {
        let Some(header_end) = memchr::memmem::find(pending, b"\r\n\r\n") else {
            if pending.len() > MAX_HEADER_BYTES {
                pending.clear();
            }
            return None;
        };
        let body_start = header_end + 4;
        let Some(length) = content_length(&pending[..header_end]) else {
            // Not a header we can frame by: skip it and look for the next.
            pending.drain(..body_start);
            continue;
        };
        if pending.len() < body_start + length {
            return None;
        }
        let body: Vec<u8> = pending
            .drain(..body_start + length)
            .skip(body_start)
            .collect();
        let (body, exit) = match check(&body) {
            Verdict::Valid { exit } => (body, exit),
            Verdict::Invalid(replacement) => (replacement, false),
        };
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(&body);
        return Some((frame, exit));
    }
}

fn content_length(header: &[u8]) -> Option<usize> {
    let header = std::str::from_utf8(header).ok()?;
    header.split("\r\n").find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().ok())?
    })
}

enum Verdict {
    Valid {
        exit: bool,
    },
    /// The body to send instead.
    Invalid(Vec<u8>),
}

/// The parts of a JSON-RPC message tower-lsp-server insists on. `params`
/// and `result` are skipped without building them.
#[derive(Deserialize)]
struct Envelope {
    jsonrpc: String,
    #[serde(default)]
    method: Option<String>,
    #[serde(default, deserialize_with = "present")]
    id: Option<jsonrpc::Id>,
    #[serde(default)]
    #[allow(dead_code)] // checked for shape only
    params: Option<IgnoredAny>,
    #[serde(default, deserialize_with = "present")]
    result: Option<IgnoredAny>,
    #[serde(default, deserialize_with = "present")]
    error: Option<jsonrpc::Error>,
}

/// A field that is there, even as `null`, is `Some`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

fn check(body: &[u8]) -> Verdict {
    let envelope: Envelope = match serde_json::from_slice(body) {
        Ok(envelope) => envelope,
        Err(error) => {
            let reason = if error.is_syntax() || error.is_eof() {
                "not JSON"
            } else {
                "not a JSON-RPC message"
            };
            // Salvage the id, if there is one, so the client gets an answer.
            let id = serde_json::from_slice::<serde_json::Value>(body)
                .ok()
                .and_then(|value| value.get("id").cloned())
                .filter(|id| id.is_i64() || id.is_string());
            return Verdict::Invalid(replacement(id, reason));
        }
    };
    let is_request = envelope.method.is_some();
    let is_response =
        envelope.id.is_some() && (envelope.result.is_some() || envelope.error.is_some());
    if envelope.jsonrpc != "2.0" || !(is_request || is_response) {
        let id = envelope
            .id
            .and_then(|id| serde_json::to_value(id).ok())
            .filter(|id| !id.is_null());
        return Verdict::Invalid(replacement(id, "not a JSON-RPC 2.0 message"));
    }
    Verdict::Valid {
        exit: envelope.method.as_deref() == Some("exit"),
    }
}

fn replacement(id: Option<serde_json::Value>, reason: &str) -> Vec<u8> {
    let mut message = json!({
        "jsonrpc": "2.0",
        "method": INVALID_MESSAGE,
        "params": { "reason": reason },
    });
    if let Some(id) = id {
        message["id"] = id;
    }
    message.to_string().into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    fn frames(input: &[u8]) -> Vec<String> {
        let mut pending = input.to_vec();
        let mut out = Vec::new();
        while let Some((frame, _)) = next_frame(&mut pending) {
            let text = String::from_utf8(frame).expect("UTF-8");
            let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned());
            out.push(body.unwrap_or_default());
        }
        out
    }

    #[test]
    fn good_frames_pass_unchanged_even_split_across_reads() {
        let good = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown","params":null}"#;
        let response = r#"{"jsonrpc":"2.0","id":7,"result":null}"#;
        let mut input = frame(good);
        input.extend(frame(response));
        assert_eq!(frames(&input), [good, response]);
        let mut pending = input[..10].to_vec();
        assert!(next_frame(&mut pending).is_none(), "half a header waits");
    }

    #[test]
    fn bad_frames_become_invalid_message_calls_keeping_the_id() {
        let got = frames(
            &[
                frame("{ not json"),
                frame(r#"{"id":4,"method":"x"}"#),
                frame("[1,2]"),
            ]
            .concat(),
        );
        assert_eq!(
            got,
            [
                r#"{"jsonrpc":"2.0","method":"$/copydesk/invalidMessage","params":{"reason":"not JSON"}}"#,
                r#"{"id":4,"jsonrpc":"2.0","method":"$/copydesk/invalidMessage","params":{"reason":"not a JSON-RPC message"}}"#,
                r#"{"jsonrpc":"2.0","method":"$/copydesk/invalidMessage","params":{"reason":"not a JSON-RPC message"}}"#,
            ]
        );
    }

    #[test]
    fn headers_without_a_length_are_skipped() {
        let good = r#"{"jsonrpc":"2.0","method":"exit"}"#;
        let mut input = b"Garbage: yes\r\n\r\n".to_vec();
        input.extend(frame(good));
        let mut pending = input;
        let (frame, exit) = next_frame(&mut pending).expect("a frame");
        assert!(exit);
        assert!(frame.ends_with(good.as_bytes()));
    }
}
