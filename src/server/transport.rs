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
//! Framing recovers by itself ([`Framer`]): bytes that are not a header
//! (garbage, a header without a usable `Content-Length`, the rest of a body
//! whose `Content-Length` was too short) are skipped up to the next
//! `Content-Length` header; a body that holds the start of a complete header
//! (its `Content-Length` was too long) ends there; a declared length over
//! [`MAX_BODY_BYTES`] is never buffered. Header lines may end in `\r\n` or
//! `\n`. Everything skipped or replaced is logged on stderr, with its byte
//! offset in the input. A JSON body can never contain a header (a raw line
//! break cannot occur inside a JSON string, and `Content-Length` outside one
//! is not JSON), so none of this ever cuts a well-formed message.
//!
//! The input also tells the server when the client is gone: at the end of
//! input, on a read error, and when the `exit` notification passes through
//! (tower-lsp-server would otherwise wait for handlers that are themselves
//! waiting for a client that will never answer).

use std::io;
use std::pin::Pin;
use std::sync::{Arc, LazyLock};
use std::task::{Context, Poll};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder};
use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};
use serde_json::json;
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::Notify;
use tower_lsp_server::jsonrpc;

/// The method a malformed frame is replaced with.
pub const INVALID_MESSAGE: &str = "$/copydesk/invalidMessage";

/// A header block (from `Content-Length` to the blank line) longer than this
/// is not an LSP header.
pub const MAX_HEADER_BYTES: usize = 8 * 1024;

/// The largest body accepted. A message that declares more is skipped
/// without being buffered (VS Code stops syncing documents to extensions at
/// 50 MB; JSON escaping can nearly double that).
pub const MAX_BODY_BYTES: u64 = 128 * 1024 * 1024;

/// Nesting deeper than this is refused: serde_json, and with it
/// tower-lsp-server's decoder, stops at 128 levels.
const MAX_DEPTH: usize = 127;

const TOKEN: &[u8] = b"content-length";

static TOKEN_FINDER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .build([TOKEN])
        .expect("one literal pattern always builds")
});

/// Reads framed messages from `inner` and hands on only frames
/// tower-lsp-server can decode.
pub struct CheckedInput<R> {
    inner: R,
    framer: Framer,
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
            framer: Framer::default(),
            ready: Vec::new(),
            ready_position: 0,
            finished: false,
            ended,
        }
    }
}

/// Problems go to stderr, which editors keep in the server's log.
fn log_problems(framer: &mut Framer) {
    for problem in framer.take_problems() {
        eprintln!("copydesk lsp: {problem}");
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
            let next = this.framer.next_frame();
            log_problems(&mut this.framer);
            if let Some(frame) = next {
                if frame.exit {
                    this.ended.notify_one();
                }
                this.ready = format!("Content-Length: {}\r\n\r\n", frame.body.len()).into_bytes();
                this.ready.extend_from_slice(&frame.body);
                continue;
            }
            let mut chunk = [0u8; 16 * 1024];
            let mut read = ReadBuf::new(&mut chunk);
            match Pin::new(&mut this.inner).poll_read(cx, &mut read) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(error)) => {
                    eprintln!("copydesk lsp: reading the input failed: {error}");
                    this.ended.notify_one();
                    return Poll::Ready(Err(error));
                }
                Poll::Ready(Ok(())) if read.filled().is_empty() => {
                    this.framer.finish();
                    log_problems(&mut this.framer);
                    this.finished = true;
                    this.ended.notify_one();
                }
                Poll::Ready(Ok(())) => this.framer.push(read.filled()),
            }
        }
    }
}

/// One checked message for the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// The body: the client's, or a call to [`INVALID_MESSAGE`] instead.
    pub body: Vec<u8>,
    /// The body is the `exit` notification.
    pub exit: bool,
}

/// Splits a byte stream into checked frames, recovering from bad framing at
/// the next header (see the module docs). Memory stays bounded by
/// [`MAX_BODY_BYTES`] plus a header, whatever the input.
#[derive(Debug, Default)]
pub struct Framer {
    /// Bytes received but not yet framed.
    pending: Vec<u8>,
    /// Input offset of `pending[0]`, for messages.
    consumed: u64,
    /// `pending[..searched]` holds no header token worth another look.
    searched: usize,
    /// How far the body of the frame at the start of `pending` was searched
    /// for a header inside it.
    body_searched: usize,
    /// Bytes skipped since the last frame, not yet reported: where the run
    /// started and how long it is.
    skipped: Option<(u64, u64)>,
    /// The first bytes of the skipped run, for the report.
    skipped_sample: Vec<u8>,
    problems: Vec<String>,
}

enum Header {
    /// More bytes are needed to decide.
    Incomplete,
    /// Not a header.
    Invalid,
    /// A header starting at `start` (the token; later than asked for when a
    /// second `Content-Length` line came before the blank line).
    Complete {
        start: usize,
        length: u64,
        body_start: usize,
    },
}

impl Framer {
    /// Add bytes read from the input.
    pub fn push(&mut self, bytes: &[u8]) {
        self.pending.extend_from_slice(bytes);
    }

    /// How many bytes are held, not yet framed.
    pub fn buffered(&self) -> usize {
        self.pending.len()
    }

    /// Problems met since the last call, for the log.
    pub fn take_problems(&mut self) -> Vec<String> {
        std::mem::take(&mut self.problems)
    }

    /// The input ended: report whatever was left unframed.
    pub fn finish(&mut self) {
        self.report_skipped();
        if !self.pending.is_empty() {
            let sample = String::from_utf8_lossy(&self.pending[..self.pending.len().min(48)]);
            self.problems.push(format!(
                "input byte {}: the input ended inside a message ({} bytes, starting {sample:?})",
                self.consumed,
                self.pending.len()
            ));
            let count = self.pending.len();
            self.drain(count);
        }
    }

    /// Take the next whole frame off the input, checked (and replaced when
    /// malformed), or `None` when more input is needed.
    pub fn next_frame(&mut self) -> Option<Frame> {
        loop {
            let Some(token) = find_token(&self.pending, self.searched) else {
                // Keep what could be the start of a token; drop the rest
                // once it is more than a header could be.
                let keep = (TOKEN.len() - 1).min(self.pending.len());
                self.searched = self.pending.len() - keep;
                if self.pending.len() > MAX_HEADER_BYTES {
                    self.skip(self.pending.len() - keep);
                }
                return None;
            };
            let (start, length, body_start) = match parse_header(&self.pending, token) {
                Header::Incomplete if self.pending.len() - token <= MAX_HEADER_BYTES => {
                    self.searched = token;
                    return None;
                }
                Header::Incomplete | Header::Invalid => {
                    self.searched = token + 1;
                    continue;
                }
                Header::Complete {
                    start,
                    length,
                    body_start,
                } => (start, length, body_start),
            };
            // What came before the header: other header lines, or garbage.
            if start > 0 {
                if is_header_lines(&self.pending[..start]) {
                    self.drain(start);
                } else {
                    self.skip(start);
                }
                continue;
            }
            self.report_skipped();
            let offset = self.consumed;
            if length > MAX_BODY_BYTES {
                self.problems.push(format!(
                    "input byte {offset}: a message declares Content-Length {length}, over the \
                     limit of {MAX_BODY_BYTES} bytes; skipped"
                ));
                self.drain(body_start);
                continue;
            }
            let declared_end =
                body_start.saturating_add(usize::try_from(length).unwrap_or(usize::MAX));
            // A header inside the body means the length was too long.
            let mut from = self.body_searched.max(body_start);
            let mut cut = None;
            while let Some(next) = find_token(&self.pending, from) {
                if next >= declared_end {
                    break;
                }
                match parse_header(&self.pending, next) {
                    Header::Incomplete => {
                        self.body_searched = next;
                        return None;
                    }
                    Header::Complete { start, .. } if start < declared_end => {
                        cut = Some(start);
                        break;
                    }
                    Header::Complete { .. } | Header::Invalid => from = next + 1,
                }
            }
            let body_end = match cut {
                Some(end) => end,
                None if self.pending.len() < declared_end
                    || token_may_start(&self.pending, body_start..declared_end) =>
                {
                    self.body_searched = self.pending.len().saturating_sub(TOKEN.len() - 1);
                    return None;
                }
                None => declared_end,
            };
            let body = self.pending[body_start..body_end].to_vec();
            self.drain(body_end);
            self.searched = 0;
            self.body_searched = 0;
            let verdict = match cut {
                Some(_) => Verdict::Refused {
                    id: salvage_id(&body),
                    code: jsonrpc::ErrorCode::InvalidRequest,
                    reason: format!(
                        "its Content-Length {length} is longer than the message (the next \
                         header starts after {} bytes)",
                        body.len()
                    ),
                },
                None => check(&body),
            };
            return Some(match verdict {
                Verdict::Valid { exit } => Frame { body, exit },
                Verdict::Repaired(body) => Frame { body, exit: false },
                Verdict::Refused { id, code, reason } => {
                    self.problems
                        .push(format!("input byte {offset}: message refused: {reason}"));
                    Frame {
                        body: replacement(id, code, &reason),
                        exit: false,
                    }
                }
            });
        }
    }

    fn drain(&mut self, count: usize) {
        self.pending.drain(..count);
        self.consumed += count as u64;
        self.searched = self.searched.saturating_sub(count);
        self.body_searched = self.body_searched.saturating_sub(count);
    }

    /// Drop `count` bytes that are not part of any message.
    fn skip(&mut self, count: usize) {
        let (_, length) = self.skipped.get_or_insert((self.consumed, 0));
        *length += count as u64;
        let room = 48usize.saturating_sub(self.skipped_sample.len());
        self.skipped_sample
            .extend_from_slice(&self.pending[..count.min(room)]);
        self.drain(count);
    }

    fn report_skipped(&mut self) {
        if let Some((at, length)) = self.skipped.take() {
            let sample = String::from_utf8_lossy(&self.skipped_sample);
            self.problems.push(format!(
                "input byte {at}: skipped {length} bytes that are not an LSP message \
                 (starting {sample:?})"
            ));
            self.skipped_sample.clear();
        }
    }
}

/// The first `Content-Length` token at or after `from`.
fn find_token(bytes: &[u8], from: usize) -> Option<usize> {
    let from = from.min(bytes.len());
    TOKEN_FINDER
        .find(&bytes[from..])
        .map(|found| from + found.start())
}

/// Whether `bytes` ends with the start of a token that begins inside
/// `within`: whether the body there may still hold a header. A JSON body
/// never does (it ends in `}`), so a valid message never waits on this.
fn token_may_start(bytes: &[u8], within: std::ops::Range<usize>) -> bool {
    let first = within.end.saturating_sub(TOKEN.len() - 1).max(within.start);
    (first..within.end).any(|start| {
        let tail = &bytes[start..];
        tail.len() < TOKEN.len() && tail.eq_ignore_ascii_case(&TOKEN[..tail.len()])
    })
}

/// Parse the header whose `Content-Length` token is at `token`: the value,
/// other header lines, and the blank line, each line ending in `\r\n` or
/// `\n`. Another `Content-Length` before the blank line starts over there.
fn parse_header(bytes: &[u8], token: usize) -> Header {
    let mut token = token;
    'header: loop {
        let mut at = token + TOKEN.len();
        let skip_blanks = |at: &mut usize| {
            while matches!(bytes.get(*at), Some(b' ' | b'\t')) {
                *at += 1;
            }
        };
        skip_blanks(&mut at);
        match bytes.get(at) {
            None => return Header::Incomplete,
            Some(b':') => at += 1,
            Some(_) => return Header::Invalid,
        }
        skip_blanks(&mut at);
        let digits_start = at;
        let mut length: u64 = 0;
        while let Some(digit @ b'0'..=b'9') = bytes.get(at) {
            length = length
                .saturating_mul(10)
                .saturating_add(u64::from(digit - b'0'));
            at += 1;
        }
        if at == digits_start {
            return if at == bytes.len() {
                Header::Incomplete
            } else {
                Header::Invalid
            };
        }
        skip_blanks(&mut at);
        // The end of the value line, then other lines up to a blank one.
        loop {
            match line_break(bytes, at) {
                LineBreak::Ends(next) => at = next,
                LineBreak::Incomplete => return Header::Incomplete,
                LineBreak::No | LineBreak::Invalid => return Header::Invalid,
            }
            if at - token > MAX_HEADER_BYTES {
                return Header::Invalid;
            }
            match line_break(bytes, at) {
                LineBreak::Ends(body_start) => {
                    return Header::Complete {
                        start: token,
                        length,
                        body_start,
                    };
                }
                LineBreak::Incomplete => return Header::Incomplete,
                LineBreak::Invalid => return Header::Invalid,
                LineBreak::No => {}
            }
            // Another header line (`Content-Type`), or a new beginning.
            let line_end = memchr::memchr(b'\n', &bytes[at..]).map(|end| at + end);
            let line = &bytes[at..line_end.unwrap_or(bytes.len())];
            if let Some(next) = find_token(line, 0) {
                token = at + next;
                continue 'header;
            }
            let Some(line_end) = line_end else {
                return Header::Incomplete;
            };
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if !is_header_line(line) {
                return Header::Invalid;
            }
            at = line_end;
        }
    }
}

enum LineBreak {
    /// A `\n` or `\r\n` that ends where the next line starts.
    Ends(usize),
    No,
    /// A `\r` not followed by `\n`.
    Invalid,
    Incomplete,
}

fn line_break(bytes: &[u8], at: usize) -> LineBreak {
    match (bytes.get(at), bytes.get(at + 1)) {
        (None, _) | (Some(b'\r'), None) => LineBreak::Incomplete,
        (Some(b'\n'), _) => LineBreak::Ends(at + 1),
        (Some(b'\r'), Some(b'\n')) => LineBreak::Ends(at + 2),
        (Some(b'\r'), Some(_)) => LineBreak::Invalid,
        (Some(_), _) => LineBreak::No,
    }
}

/// `Name: value`, with a name of HTTP token characters.
fn is_header_line(line: &[u8]) -> bool {
    let Some(colon) = memchr::memchr(b':', line) else {
        return false;
    };
    colon > 0
        && line[..colon]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
        && !line[colon + 1..].iter().any(|&b| b == b'\r' || b == b'\n')
}

/// Complete header lines other than `Content-Length` (a `Content-Type`
/// before it), which are dropped without a word.
fn is_header_lines(bytes: &[u8]) -> bool {
    bytes.ends_with(b"\n")
        && bytes[..bytes.len() - 1].split(|&b| b == b'\n').all(|line| {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            is_header_line(line) && find_token(line, 0).is_none()
        })
}

enum Verdict {
    Valid {
        exit: bool,
    },
    /// The message to deliver instead: lone surrogates replaced.
    Repaired(Vec<u8>),
    /// Refused: answered with this error when it has an id.
    Refused {
        id: Option<serde_json::Value>,
        code: jsonrpc::ErrorCode,
        reason: String,
    },
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
    use jsonrpc::ErrorCode;
    let refuse = |id, code, reason: &str| Verdict::Refused {
        id,
        code,
        reason: reason.to_owned(),
    };
    if std::str::from_utf8(body).is_err() {
        return refuse(None, ErrorCode::ParseError, "not UTF-8");
    }
    let envelope: Envelope = match serde_json::from_slice(body) {
        Ok(envelope) => envelope,
        Err(error) => {
            let (code, reason) = if error.is_syntax() || error.is_eof() {
                (ErrorCode::ParseError, "not JSON")
            } else {
                (ErrorCode::InvalidRequest, "not a JSON-RPC message")
            };
            return refuse(salvage_id(body), code, reason);
        }
    };
    let is_request = envelope.method.is_some();
    let is_response =
        envelope.id.is_some() && (envelope.result.is_some() || envelope.error.is_some());
    let id = envelope
        .id
        .as_ref()
        .and_then(|id| serde_json::to_value(id).ok())
        .filter(|id| !id.is_null());
    if envelope.jsonrpc != "2.0" || !(is_request || is_response) {
        return refuse(id, ErrorCode::InvalidRequest, "not a JSON-RPC 2.0 message");
    }
    // tower-lsp-server decodes the whole message, and its parser refuses two
    // things the envelope does not look at.
    let repaired = match scan_json(body) {
        Scan::Fine => None,
        Scan::TooDeep => {
            let reason = format!("nested more than {MAX_DEPTH} levels deep");
            return refuse(id, ErrorCode::InvalidRequest, &reason);
        }
        Scan::LoneSurrogates(fixed) => Some(fixed),
    };
    if let Some(method) = envelope.method.as_deref()
        && method.starts_with("$/")
        && envelope.id.is_some()
    {
        // tower-lsp-server drops the MethodNotFound answer to a `$/`
        // request, leaving the client waiting; the LSP specification says
        // to answer it.
        let reason = format!("method not found: {method}");
        return refuse(id, ErrorCode::MethodNotFound, &reason);
    }
    match repaired {
        Some(body) => Verdict::Repaired(body),
        None => Verdict::Valid {
            exit: envelope.method.as_deref() == Some("exit"),
        },
    }
}

/// The id of a request that could not be read, when it can be found.
fn salvage_id(body: &[u8]) -> Option<serde_json::Value> {
    serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|value| value.get("id").cloned())
        .filter(|id| id.is_i64() || id.is_string())
}

enum Scan {
    Fine,
    TooDeep,
    /// The body with every unpaired `\uD800`–`\uDFFF` escape replaced by
    /// `\uFFFD` (the same length): what a client's UTF-16 buffer holding a
    /// lone surrogate means, one code unit wide.
    LoneSurrogates(Vec<u8>),
}

/// One pass over a JSON text already known to be valid but for surrogates:
/// its nesting depth and its unpaired surrogate escapes.
fn scan_json(body: &[u8]) -> Scan {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut fixed: Option<Vec<u8>> = None;
    let mut at = 0;
    // A high surrogate escape waiting for its low half: where it starts.
    let mut high: Option<usize> = None;
    let hex = |at: usize| -> Option<u16> {
        let digits = std::str::from_utf8(body.get(at..at + 4)?).ok()?;
        u16::from_str_radix(digits, 16).ok()
    };
    while at < body.len() {
        let byte = body[at];
        if in_string {
            match byte {
                b'"' => {
                    in_string = false;
                    at += 1;
                }
                b'\\' if body.get(at + 1) == Some(&b'u') => {
                    let unit = hex(at + 2).unwrap_or(0);
                    let escape = at;
                    at += 6;
                    match unit {
                        0xD800..=0xDBFF => {
                            if let Some(lone) = high.replace(escape) {
                                replace_escape(&mut fixed, body, lone);
                            }
                            continue;
                        }
                        0xDC00..=0xDFFF => {
                            if high.take().is_none() {
                                replace_escape(&mut fixed, body, escape);
                            }
                            continue;
                        }
                        _ => {}
                    }
                }
                b'\\' => at += 2,
                _ => at += 1,
            }
            // Anything but another escape ends a pair's chance.
            if let Some(lone) = high.take() {
                replace_escape(&mut fixed, body, lone);
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Scan::TooDeep;
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        at += 1;
    }
    if let Some(lone) = high {
        replace_escape(&mut fixed, body, lone);
    }
    match fixed {
        Some(fixed) => Scan::LoneSurrogates(fixed),
        None => Scan::Fine,
    }
}

fn replace_escape(fixed: &mut Option<Vec<u8>>, body: &[u8], at: usize) {
    let fixed = fixed.get_or_insert_with(|| body.to_vec());
    fixed[at..at + 6].copy_from_slice(b"\\uFFFD");
}

/// A call to [`INVALID_MESSAGE`] that answers `id` (when there is one)
/// with `code`.
fn replacement(id: Option<serde_json::Value>, code: jsonrpc::ErrorCode, reason: &str) -> Vec<u8> {
    let message = if code == jsonrpc::ErrorCode::MethodNotFound {
        reason.to_owned()
    } else {
        format!("copydesk could not read the message: {reason}")
    };
    let mut message = json!({
        "jsonrpc": "2.0",
        "method": INVALID_MESSAGE,
        "params": { "code": code.code(), "message": message },
    });
    if let Some(id) = id {
        message["id"] = id;
    }
    message.to_string().into_bytes()
}
