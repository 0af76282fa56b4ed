//! Fuzzing the language server's input framing (`server::transport::Framer`)
//! with proptest: arbitrary byte streams, and valid frames interleaved with
//! garbage, split into reads at arbitrary points.
//!
//! Invariants: it never panics; every valid frame after garbage is
//! delivered, unchanged and in order, as soon as its last byte has arrived
//! (never waiting for input that a hung client would not send); everything
//! it delivers is a message tower-lsp-server can decode (anything else would
//! end the server's read loop); memory stays bounded.
//!
//! Cases per property: `COPYDESK_FUZZ_CASES` (default 64, for `cargo
//! test`); `scripts/test.d/20-fuzz.sh` runs many more. Failing inputs are
//! kept in `proptest-regressions/fuzz_framing.txt` and replayed first.
//! (cargo-fuzz would need a nightly toolchain; proptest runs on stable in
//! the ordinary test harness.)

use crate::common;

use copydesk::server::transport::{Frame, Framer, INVALID_MESSAGE, MAX_HEADER_BYTES};
use proptest::prelude::*;
use serde::Deserialize;
use serde_json::{Value, json};
use tower_lsp_server::jsonrpc;

/// What tower-lsp-server decodes each frame into (its own `Message` is
/// private; this is the same untagged pair).
#[derive(Deserialize)]
#[serde(untagged)]
#[allow(dead_code)] // decoded only to see that it decodes
enum Message {
    Response(jsonrpc::Response),
    Request(jsonrpc::Request),
}

#[track_caller]
fn assert_decodable(frame: &Frame) {
    let text = std::str::from_utf8(&frame.body).expect("a delivered body is UTF-8");
    assert!(
        serde_json::from_str::<Message>(text).is_ok(),
        "tower-lsp-server could not decode {text:?}"
    );
}

/// Feed `chunks` one read at a time; every frame delivered, and the most
/// bytes held at once.
fn feed<'a>(chunks: impl IntoIterator<Item = &'a [u8]>) -> (Vec<Frame>, usize, Framer) {
    let mut framer = Framer::default();
    let mut frames = Vec::new();
    let mut most = 0;
    for chunk in chunks {
        framer.push(chunk);
        most = most.max(framer.buffered());
        while let Some(frame) = framer.next_frame() {
            assert_decodable(&frame);
            frames.push(frame);
        }
        most = most.max(framer.buffered());
    }
    (frames, most, framer)
}

/// Split `bytes` at the given points (taken modulo its length).
fn split(bytes: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut points: Vec<usize> = cuts.iter().map(|cut| cut % (bytes.len() + 1)).collect();
    points.push(0);
    points.push(bytes.len());
    points.sort_unstable();
    points.dedup();
    points
        .windows(2)
        .map(|pair| bytes[pair[0]..pair[1]].to_vec())
        .collect()
}

/// Header styles real clients use, and lenient ones the server accepts.
fn header(style: u8, length: usize) -> String {
    match style % 5 {
        0 => format!("Content-Length: {length}\r\n\r\n"),
        1 => format!("Content-Length: {length}\n\n"),
        2 => format!("content-length:{length}\r\n\r\n"),
        3 => format!(
            "Content-Length: {length}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"
        ),
        _ => {
            format!("Content-Type: application/vscode-jsonrpc\r\nContent-Length: {length}\r\n\r\n")
        }
    }
}

/// Strings inside messages, including ones that look like headers.
fn payload() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Content-Length: 5\r\n\r\n{}".to_owned()),
        Just("Content-Length: 12".to_owned()),
        Just("😀 東京 e\u{301}".to_owned()),
        Just("\"\\".to_owned()),
        any::<String>(),
        "\\PC{0,40}",
    ]
}

/// A valid message carrying `seq`: a request, a notification or a response.
fn valid_body(seq: usize, kind: u8, text: &str, depth: usize) -> Vec<u8> {
    let mut nested = json!(text);
    for _ in 0..depth {
        nested = json!([nested]);
    }
    let message = match kind % 3 {
        0 => {
            json!({ "jsonrpc": "2.0", "id": seq, "method": "fuzz/valid", "params": { "seq": seq, "text": nested } })
        }
        1 => {
            json!({ "jsonrpc": "2.0", "method": "fuzz/valid", "params": { "seq": seq, "text": nested } })
        }
        _ => json!({ "jsonrpc": "2.0", "id": seq, "result": { "seq": seq, "text": nested } }),
    };
    serde_json::to_vec(&message).expect("JSON")
}

/// Bytes that are not a message, some of them nearly one.
fn garbage() -> impl Strategy<Value = Vec<u8>> {
    let piece = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..40),
        Just(b"Content-Length: ".to_vec()),
        Just(b"Content-Length".to_vec()),
        Just(b"Content-Le".to_vec()),
        Just(b"Content-Length: 5\r\n\r\n".to_vec()),
        Just(b"Content-Length: 30\r\n\r\n".to_vec()),
        Just(b"Content-Length: 100000\r\n\r\n".to_vec()),
        Just(b"Content-Length: 99999999999999999999999\r\n\r\n".to_vec()),
        Just(b"Content-Length: abc\r\n\r\n".to_vec()),
        Just(b"Content-Length: 7\r\nX-Other: 1\r\n".to_vec()),
        Just(b"Content-Type: text/plain\r\n\r\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(b"\n\n".to_vec()),
        Just(b"\r\n\r\n".to_vec()),
        Just(b"\r".to_vec()),
        Just(br#"{"jsonrpc":"2.0","id":"#.to_vec()),
        Just(br#"{"jsonrpc":"2.0","method":"fuzz/garbage"}"#.to_vec()),
        "[0-9]{1,4}".prop_map(String::into_bytes),
        // A frame whose Content-Length is off, one way or the other.
        (any::<bool>(), 1usize..20).prop_map(|(longer, by)| {
            let body = br#"{"jsonrpc":"2.0","id":"g","method":"fuzz/garbage"}"#;
            let length = if longer {
                body.len() + by
            } else {
                body.len() - by
            };
            let mut frame = format!("Content-Length: {length}\r\n\r\n").into_bytes();
            frame.extend_from_slice(body);
            frame
        }),
        // The start of a frame that never finishes.
        (0usize..60).prop_map(|cut| {
            let body = br#"{"jsonrpc":"2.0","id":"h","method":"fuzz/garbage"}"#;
            let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
            frame.extend_from_slice(body);
            frame.truncate(cut);
            frame
        }),
    ];
    prop::collection::vec(piece, 0..6).prop_map(|pieces| pieces.concat())
}

/// The bodies of `fuzz/valid` messages among `frames`, by `seq`.
fn delivered_valid(frames: &[Frame]) -> Vec<(usize, Vec<u8>)> {
    frames
        .iter()
        .filter_map(|frame| {
            let value: Value = serde_json::from_slice(&frame.body).ok()?;
            let seq = value["params"]["seq"]
                .as_u64()
                .or_else(|| value["result"]["seq"].as_u64())?;
            Some((usize::try_from(seq).ok()?, frame.body.clone()))
        })
        .collect()
}

proptest! {
    #![proptest_config(common::fuzz::config("fuzz_framing"))]

    #[test]
    fn any_bytes_never_panic_and_memory_stays_bounded(
        bytes in prop::collection::vec(any::<u8>(), 0..4096),
        cuts in prop::collection::vec(any::<usize>(), 0..8),
    ) {
        let chunks = split(&bytes, &cuts);
        let (_, most, mut framer) = feed(chunks.iter().map(Vec::as_slice));
        // No header declares a body here that is kept for long: at most a
        // header's worth beyond what one read brings.
        prop_assert!(most <= bytes.len().min(MAX_HEADER_BYTES + 4096) + 16, "held {most} bytes");
        framer.finish();
        prop_assert_eq!(framer.buffered(), 0);
    }

    #[test]
    fn valid_frames_after_garbage_arrive_unchanged_and_in_order(
        messages in prop::collection::vec(
            (garbage(), any::<u8>(), any::<u8>(), payload(), 0usize..4),
            1..6,
        ),
        cuts in prop::collection::vec(any::<usize>(), 0..12),
    ) {
        let mut stream = Vec::new();
        let mut sent = Vec::new();
        for (seq, (garbage, style, kind, text, depth)) in messages.iter().enumerate() {
            stream.extend_from_slice(garbage);
            let body = valid_body(seq, *kind, text, *depth);
            stream.extend_from_slice(header(*style, body.len()).as_bytes());
            stream.extend_from_slice(&body);
            sent.push((seq, body));
        }
        // Everything was delivered once the last byte was read, without
        // `finish`: nothing waits for more input.
        let (frames, _, _) = feed(split(&stream, &cuts).iter().map(Vec::as_slice));
        prop_assert_eq!(delivered_valid(&frames), sent, "stream {:?}", String::from_utf8_lossy(&stream));
        for frame in &frames {
            let value: Value = serde_json::from_slice(&frame.body).expect("decodable");
            prop_assert!(!frame.exit || value["method"] == "exit");
        }
    }

    #[test]
    fn lone_surrogate_escapes_become_replacement_characters(
        prefix in "\\PC{0,8}",
        which in 0u8..4,
    ) {
        let lone = match which {
            0 => r"\ud83d",
            1 => r"\ude00",
            2 => r"\ude00\ud83d",
            _ => r"\ud83d\u0041",
        };
        let text = serde_json::to_string(&prefix).expect("JSON");
        let body = format!(
            r#"{{"jsonrpc":"2.0","method":"fuzz/valid","params":{{"text":{}{lone}"}}}}"#,
            &text[..text.len() - 1]
        );
        let mut input = header(0, body.len()).into_bytes();
        input.extend_from_slice(body.as_bytes());
        let (frames, _, _) = feed([input.as_slice()]);
        prop_assert_eq!(frames.len(), 1);
        let value: Value = serde_json::from_slice(&frames[0].body).expect("decodable");
        let got = value["params"]["text"].as_str().expect("text");
        let expected = match which {
            0 | 1 => format!("{prefix}\u{fffd}"),
            2 => format!("{prefix}\u{fffd}\u{fffd}"),
            _ => format!("{prefix}\u{fffd}A"),
        };
        prop_assert_eq!(got, expected.as_str());
    }
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    frame.extend_from_slice(body);
    frame
}

fn error_call(frame: &Frame) -> Value {
    let value: Value = serde_json::from_slice(&frame.body).expect("JSON");
    assert_eq!(value["method"], INVALID_MESSAGE, "{value}");
    value
}

#[test]
fn nesting_tower_lsp_server_cannot_decode_is_refused_with_the_id() {
    let nested = |depth: usize| {
        let params = "[".repeat(depth) + &"]".repeat(depth);
        format!(r#"{{"jsonrpc":"2.0","id":3,"method":"fuzz/deep","params":{params}}}"#)
    };
    // The object itself is one level: 126 more is the deepest that decodes.
    let (frames, _, _) = feed([frame(nested(126).as_bytes()).as_slice()]);
    assert_eq!(frames[0].body, nested(126).as_bytes());
    let (frames, _, _) = feed([frame(nested(127).as_bytes()).as_slice()]);
    let value = error_call(&frames[0]);
    assert_eq!(value["id"], 3);
    assert!(
        serde_json::from_str::<Message>(&nested(127)).is_err(),
        "the limit matches serde_json's"
    );
}

#[test]
fn dollar_requests_are_refused_as_method_not_found_and_notifications_pass() {
    let request = br#"{"jsonrpc":"2.0","id":9,"method":"$/unknown","params":{}}"#;
    let notification = br#"{"jsonrpc":"2.0","method":"$/unknown","params":{}}"#;
    let (frames, _, _) = feed([[frame(request), frame(notification)].concat().as_slice()]);
    let value = error_call(&frames[0]);
    assert_eq!(value["id"], 9);
    assert_eq!(value["params"]["code"], -32601);
    assert_eq!(frames[1].body, notification);
}

#[test]
fn a_declared_length_over_the_limit_is_never_buffered() {
    let good = br#"{"jsonrpc":"2.0","method":"exit"}"#;
    let mut framer = Framer::default();
    framer.push(b"Content-Length: 10737418240\r\n\r\n");
    // The client may really send that much: it streams through.
    let chunk = vec![b'x'; 64 * 1024];
    for _ in 0..64 {
        framer.push(&chunk);
        assert!(framer.next_frame().is_none());
        assert!(framer.buffered() <= MAX_HEADER_BYTES + chunk.len());
    }
    framer.push(&frame(good));
    let frame = framer.next_frame().expect("the next message");
    assert!(frame.exit);
    let problems = framer.take_problems().join("\n");
    assert!(
        problems.contains("Content-Length 10737418240"),
        "{problems}"
    );
    assert!(problems.contains("input byte 0"), "{problems}");
}

#[test]
fn each_malformed_frame_is_logged_with_its_offset() {
    let good = br#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
    let mut input = b"Content-Length: abc\r\n\r\n".to_vec();
    input.extend(frame(good));
    let (frames, _, mut framer) = feed([input.as_slice()]);
    assert_eq!(frames.len(), 1);
    assert_eq!(frames[0].body, good);
    let problems = framer.take_problems().join("\n");
    assert!(
        problems.contains("input byte 0: skipped 23 bytes"),
        "{problems}"
    );
    // The input ends in the middle of a message: said at the end.
    framer.push(b"Content-Length: 40\r\n\r\n{");
    assert!(framer.next_frame().is_none());
    framer.finish();
    let problems = framer.take_problems().join("\n");
    assert!(problems.contains("ended inside a message"), "{problems}");
}
