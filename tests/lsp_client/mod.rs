//! A small LSP client for tests and benchmarks: spawns the real
//! `copydesk lsp` binary and speaks JSON-RPC over its stdio.
//!
//! Server-to-client requests are answered the way an editor would:
//! `workspace/configuration` with [`LspClient::settings`],
//! `workspace/applyEdit` by recording the edit and answering `applied`,
//! `window/showMessageRequest` with [`LspClient::message_request_choice`],
//! everything else with `null`. Notifications are kept in arrival order.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// How long any single wait may take before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(60);

pub struct LspClient {
    child: Child,
    /// The server's own cache folder, unless the test gave one: with the
    /// user's, a fake model on a port an earlier run used would be
    /// answered from that run's cached suggestions.
    _cache: Option<tempfile::TempDir>,
    stdin: Option<ChildStdin>,
    incoming: Receiver<(Value, Instant)>,
    next_id: i64,
    /// When the last message read from the server had fully arrived (its
    /// bytes read, before this client parsed them): what a latency
    /// measurement should end at, since parsing is the client's own cost.
    pub last_arrival: Option<Instant>,
    /// Notifications from the server not yet consumed, in arrival order.
    pub notifications: Vec<Value>,
    /// Every `workspace/applyEdit` the server asked for.
    pub applied_edits: Vec<Value>,
    /// Every request the server sent (method names), in order.
    pub server_requests: Vec<String>,
    /// Responses read while waiting for something else, by request id.
    responses: HashMap<i64, Value>,
    /// The answer to `workspace/configuration` (the `copydesk` section).
    pub settings: Value,
    /// Which action to pick when the server asks `window/showMessageRequest`
    /// (`None`: dismiss it, answering `null`).
    pub message_request_choice: Option<usize>,
}

/// Client capabilities close to VS Code's for what copydesk uses.
pub fn editor_capabilities(encodings: &[&str]) -> Value {
    json!({
        "general": { "positionEncodings": encodings },
        "workspace": {
            "configuration": true,
            "didChangeConfiguration": { "dynamicRegistration": true },
            "didChangeWatchedFiles": { "dynamicRegistration": true },
            "workspaceEdit": {
                "documentChanges": true,
                "resourceOperations": ["create", "rename", "delete"]
            },
            "workspaceFolders": true,
            "applyEdit": true
        },
        "textDocument": {
            "synchronization": { "didSave": true, "dynamicRegistration": true },
            "publishDiagnostics": { "relatedInformation": true, "versionSupport": true, "dataSupport": true,
                                    "tagSupport": { "valueSet": [1, 2] }, "codeDescriptionSupport": true },
            "codeAction": {
                "codeActionLiteralSupport": { "codeActionKind": { "valueSet": ["", "quickfix", "source", "source.fixAll"] } },
                "isPreferredSupport": true,
                "dataSupport": true,
                "resolveSupport": { "properties": ["edit"] }
            },
            "hover": { "contentFormat": ["markdown", "plaintext"] },
            "diagnostic": { "dynamicRegistration": true }
        }
    })
}

impl LspClient {
    /// Start `copydesk lsp --stdio` in `dir`.
    pub fn spawn(dir: &Path) -> LspClient {
        LspClient::spawn_command(Command::new(env!("CARGO_BIN_EXE_copydesk")), dir)
    }

    /// [`LspClient::spawn`] with copydesk's config folder (where consent for
    /// a guide's model is recorded) at `config`.
    pub fn spawn_with_config(dir: &Path, config: &Path) -> LspClient {
        LspClient::spawn_with_env(dir, &[("COPYDESK_CONFIG_DIR", config.as_os_str())])
    }

    /// [`LspClient::spawn`] with these environment variables set.
    pub fn spawn_with_env(dir: &Path, vars: &[(&str, &std::ffi::OsStr)]) -> LspClient {
        let mut command = Command::new(env!("CARGO_BIN_EXE_copydesk"));
        command.envs(vars.iter().copied());
        LspClient::spawn_command(command, dir)
    }

    fn spawn_command(mut command: Command, dir: &Path) -> LspClient {
        let cache = if command
            .get_envs()
            .any(|(name, _)| name == "COPYDESK_CACHE_DIR")
        {
            None
        } else {
            let cache = tempfile::tempdir().expect("a temporary cache folder");
            command.env("COPYDESK_CACHE_DIR", cache.path());
            Some(cache)
        };
        let mut child = command
            .args(["lsp", "--stdio"])
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("copydesk lsp starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let stdin = child.stdin.take();
        let (sender, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        LspClient {
            child,
            _cache: cache,
            stdin,
            incoming,
            next_id: 0,
            last_arrival: None,
            notifications: Vec::new(),
            applied_edits: Vec::new(),
            server_requests: Vec::new(),
            responses: HashMap::new(),
            settings: Value::Null,
            message_request_choice: None,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// `initialize` + `initialized`; returns the initialize result.
    pub fn initialize(
        &mut self,
        capabilities: Value,
        options: Value,
        root: Option<&Path>,
    ) -> Value {
        let root_uri = root.map(file_uri);
        let folders = root_uri
            .as_ref()
            .map(|uri| json!([{ "uri": uri, "name": "workspace" }]))
            .unwrap_or(Value::Null);
        let response = self.request(
            "initialize",
            json!({
                "processId": std::process::id(),
                "rootUri": root_uri,
                "workspaceFolders": folders,
                "capabilities": capabilities,
                "initializationOptions": options,
            }),
        );
        let result = response["result"].clone();
        assert!(result.is_object(), "initialize failed: {response}");
        self.notify("initialized", json!({}));
        result
    }

    pub fn send_raw(&mut self, body: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin open");
        let header = format!("Content-Length: {}\r\n\r\n", body.len());
        // The server may have exited in a robustness test; the caller checks.
        let _ = stdin.write_all(header.as_bytes());
        let _ = stdin.write_all(body);
        let _ = stdin.flush();
    }

    fn send(&mut self, message: &Value) {
        let body = serde_json::to_vec(message).expect("JSON");
        self.send_raw(&body);
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Send a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// Send a request and wait for its response (the whole message, with
    /// `result` or `error`).
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.send_request(method, params);
        self.response(id)
    }

    pub fn response(&mut self, id: i64) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(response) = self.responses.remove(&id) {
                return response;
            }
            self.next_message(deadline);
        }
    }

    /// The next message from the server, answering its requests and
    /// keeping its notifications; panics at `deadline`.
    fn next_message(&mut self, deadline: Instant) {
        let timeout = deadline.saturating_duration_since(Instant::now());
        let message = match self.incoming.recv_timeout(timeout) {
            Ok((message, arrived)) => {
                self.last_arrival = Some(arrived);
                message
            }
            Err(RecvTimeoutError::Timeout) => panic!(
                "timed out waiting for the server; notifications so far: {:?}",
                self.notifications
                    .iter()
                    .map(|n| n["method"].clone())
                    .collect::<Vec<_>>()
            ),
            Err(RecvTimeoutError::Disconnected) => panic!("the server closed its output"),
        };
        self.process(message);
    }

    /// Answer a server request, or keep a notification or response.
    fn process(&mut self, message: Value) {
        if message.get("method").is_none() {
            if let Some(id) = message["id"].as_i64() {
                self.responses.insert(id, message);
            }
            return;
        }
        if let Some(method) = message.get("method").and_then(Value::as_str) {
            match message.get("id") {
                Some(id) => {
                    self.server_requests.push(method.to_owned());
                    let result = match method {
                        "workspace/configuration" => {
                            let count = message["params"]["items"].as_array().map_or(1, Vec::len);
                            Value::Array(vec![self.settings.clone(); count])
                        }
                        "workspace/applyEdit" => {
                            self.applied_edits.push(message["params"]["edit"].clone());
                            json!({ "applied": true })
                        }
                        "window/showMessageRequest" => {
                            // Kept like a notification, so tests can read it.
                            self.notifications.push(message.clone());
                            self.message_request_choice
                                .and_then(|index| message["params"]["actions"].get(index).cloned())
                                .unwrap_or(Value::Null)
                        }
                        _ => Value::Null,
                    };
                    let reply = json!({ "jsonrpc": "2.0", "id": id, "result": result });
                    self.send(&reply);
                }
                None => self.notifications.push(message),
            }
        }
    }

    /// Wait for (and consume) the first notification matching `wanted`.
    pub fn wait_notification(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(index) = self.notifications.iter().position(&wanted) {
                return self.notifications.remove(index);
            }
            self.next_message(deadline);
        }
    }

    /// Read everything the server sends for `duration` (answering requests).
    pub fn drain_for(&mut self, duration: Duration) {
        let deadline = Instant::now() + duration;
        while Instant::now() < deadline {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok((message, arrived)) => {
                    self.last_arrival = Some(arrived);
                    self.process(message)
                }
                Err(_) => break,
            }
        }
    }

    /// Wait for the diagnostics of `uri` at `version`.
    pub fn diagnostics(&mut self, uri: &str, version: i64) -> Vec<Value> {
        let message = self.wait_notification(|n| {
            n["method"] == "textDocument/publishDiagnostics"
                && n["params"]["uri"] == uri
                && n["params"]["version"] == json!(version)
        });
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    pub fn open(&mut self, uri: &str, language_id: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": {
                "uri": uri, "languageId": language_id, "version": version, "text": text
            }}),
        );
    }

    /// Close stdin without `shutdown`/`exit`, as a crashed editor would.
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Wait for the process to end, up to `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// `shutdown` then `exit`; returns the exit status.
    pub fn shutdown(mut self) -> ExitStatus {
        let response = self.request("shutdown", Value::Null);
        assert!(response.get("error").is_none(), "{response}");
        self.notify("exit", Value::Null);
        self.wait_exit(TIMEOUT).expect("server exits after exit")
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The next message and when its bytes had all arrived.
pub fn read_message(reader: &mut impl BufRead) -> Option<(Value, Instant)> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    let arrived = Instant::now();
    serde_json::from_slice(&body)
        .ok()
        .map(|message| (message, arrived))
}

pub fn file_uri(path: &Path) -> String {
    let mut uri = String::from("file://");
    for byte in path.to_string_lossy().bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'/' | b'-' | b'_' | b'.' | b'~' => {
                uri.push(byte as char)
            }
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri
}

/// Byte offset of an LSP position, counting columns in UTF-16 code units or
/// UTF-8 bytes. Written independently of the server's own conversion.
pub fn offset_at(text: &str, position: &Value, utf16: bool) -> usize {
    let line = position["line"].as_u64().expect("line") as usize;
    let character = position["character"].as_u64().expect("character") as usize;
    let mut line_start = 0;
    for _ in 0..line {
        match text[line_start..].find('\n') {
            Some(i) => line_start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let content = text[line_start..line_end].trim_end_matches('\r');
    let mut units = 0;
    for (index, c) in content.char_indices() {
        if units >= character {
            return line_start + index;
        }
        units += if utf16 { c.len_utf16() } else { c.len_utf8() };
    }
    line_start + content.len()
}

/// The LSP position of a byte offset.
pub fn position_of(text: &str, offset: usize, utf16: bool) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..offset];
    let character: usize = if utf16 {
        prefix.chars().map(char::len_utf16).sum()
    } else {
        prefix.len()
    };
    json!({ "line": line, "character": character })
}

/// Apply LSP text edits (all against the same text) to `text`.
pub fn apply_text_edits(text: &str, edits: &[Value], utf16: bool) -> String {
    let mut resolved: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|edit| {
            let start = offset_at(text, &edit["range"]["start"], utf16);
            let end = offset_at(text, &edit["range"]["end"], utf16);
            (
                start,
                end,
                edit["newText"].as_str().expect("newText").to_owned(),
            )
        })
        .collect();
    resolved.sort_by_key(|(start, end, _)| (*start, *end));
    let mut out = String::new();
    let mut cursor = 0;
    for (start, end, new_text) in resolved {
        assert!(start >= cursor, "overlapping edits: {edits:?}");
        out.push_str(&text[cursor..start]);
        out.push_str(&new_text);
        cursor = end;
    }
    out.push_str(&text[cursor..]);
    out
}

/// The text edits a workspace edit makes to `uri` (either shape).
pub fn edits_for(edit: &Value, uri: &str) -> Vec<Value> {
    if let Some(changes) = edit["changes"].get(uri) {
        return changes.as_array().cloned().unwrap_or_default();
    }
    edit["documentChanges"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|change| change["textDocument"]["uri"] == uri)
        .flat_map(|change| change["edits"].as_array().cloned().unwrap_or_default())
        .collect()
}
