//! `copydesk serve`: time from sending a 3,000-character post to
//! `POST /api/check` to having its findings, platform counts and thread
//! split back, through the real binary over real HTTP (what the page sees,
//! JSON included). Target: p95 under 50 ms.
//!
//! `cargo bench --bench serve` runs it in full (release build); under
//! `cargo test --benches` it runs a few iterations as a smoke test. Results
//! are recorded in the README (“copydesk serve”).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SENTENCES: &[&str] = &[
    "We are thrilled to utilize our new search in order to help every team.",
    "It finds answers in every document you keep, in under a second.",
    "Our customers asked for it for a long time and we listened.",
    "Read the notes at https://example.com/notes/search-release for details.",
    "The team basically rebuilt the index from scratch this spring.",
    "Thanks to everyone who tried the preview and told us what broke.",
    "#search #launch @acme",
];

fn post(chars: usize) -> String {
    let mut text = String::new();
    let mut index = 0;
    while text.chars().count() < chars {
        text.push_str(SENTENCES[index % SENTENCES.len()]);
        text.push(if index % 5 == 4 { '\n' } else { ' ' });
        index += 1;
    }
    text.chars().take(chars).collect()
}

fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    let iterations = if full { 300 } else { 5 };
    let mut child = Command::new(env!("CARGO_BIN_EXE_copydesk"))
        .args(["serve", "--port", "0"])
        .env_remove("COPYDESK_SERVE_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("copydesk serve starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut line)
        .expect("serve prints its URL");
    let rest = line
        .trim()
        .strip_prefix("copydesk serve: http://127.0.0.1:")
        .expect("the URL");
    let (port, token) = rest.split_once("/?token=").expect("a token");
    let port: u16 = port.parse().expect("a port");
    let text = post(3000);
    let body =
        serde_json::json!({ "text": text, "platforms": ["x", "linkedin", "bluesky"] }).to_string();
    let request = format!(
        "POST /api/check HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nX-Copydesk-Token: {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut times: Vec<Duration> = Vec::with_capacity(iterations);
    for round in 0..iterations + 3 {
        let started = Instant::now();
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connects");
        stream.write_all(request.as_bytes()).expect("sends");
        let mut reply = String::new();
        stream.read_to_string(&mut reply).expect("reads");
        let elapsed = started.elapsed();
        assert!(reply.starts_with("HTTP/1.1 200"), "{reply}");
        assert!(reply.contains("\"findings\":["));
        // The first rounds load the guide and warm caches.
        if round >= 3 {
            times.push(elapsed);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    times.sort();
    let at = |q: f64| times[((times.len() as f64 * q).ceil() as usize).saturating_sub(1)];
    println!(
        "serve /api/check, 3,000-character post, {} requests: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        times.len(),
        at(0.5).as_secs_f64() * 1000.0,
        at(0.95).as_secs_f64() * 1000.0,
        at(1.0).as_secs_f64() * 1000.0
    );
}
