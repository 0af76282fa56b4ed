//! Language server latency and memory, measured through the real binary
//! over stdio (what an editor sees, JSON included):
//!
//! - time from sending `didChange` (a one-word edit) to receiving
//!   `publishDiagnostics` for that version, in a 2,000-word post and in a
//!   1 MB document;
//! - the server's resident memory after opening 50 posts.
//!
//! `cargo bench --bench lsp` runs it in full (release build); under
//! `cargo test` it runs a few iterations on small inputs as a smoke test.
//! The posts are generated here from sentences written for this benchmark.
//! Results are recorded in the README (“copydesk lsp: performance”).

#[path = "../tests/lsp_client/mod.rs"]
mod lsp_client;

use std::time::{Duration, Instant};

use lsp_client::{LspClient, editor_capabilities, file_uri, position_of};
use serde_json::{Value, json};

/// Sentences in the voice of a product post, some with findings.
const SENTENCES: &[&str] = &[
    "We rebuilt the editor in order to ship faster.",
    "The new sync engine keeps drafts safe when the network drops.",
    "Our team basically rewrote the storage layer from scratch.",
    "The end result is a tool that opens large files in a blink.",
    "It was decided that the beta would run for six weeks.",
    "Github users can install the extension today.",
    "Writers told us the old review flow felt slow and noisy.",
    "So we cut the number of steps from seven to three.",
    "Comments now live next to the paragraph they are about.",
    "You can accept or reject each suggestion with one key.",
    "We are really proud of how quick the search feels now.",
    "Due to the fact that exports were flaky, we replaced them.",
    "The team tested every change on real posts from real teams.",
    "Thanks to everyone who filed a report during the preview.",
    "Next month we will share what we learned about onboarding.",
    "Each and every plan includes the new history view.",
    "If something breaks, the undo stack goes back a full day.",
    "Numbers matter: median load time fell from 2.1 s to 0.4 s.",
    "We would like to thank the design team for the new icons.",
    "Read the docs at https://example.com/docs for the details.",
];

/// A post of at least `words` words: headings, paragraphs, a list.
fn post(words: usize, seed: usize) -> String {
    let mut text = format!("---\ntitle: Release notes {seed}\n---\n# Release notes {seed}\n\n");
    let mut count = 0;
    let mut index = seed;
    let mut paragraph = 0;
    while count < words {
        paragraph += 1;
        if paragraph % 6 == 0 {
            text.push_str(&format!("## Part {paragraph}\n\n"));
        }
        let length = 3 + index % 4;
        let mut sentences = Vec::with_capacity(length);
        for _ in 0..length {
            let sentence = SENTENCES[index % SENTENCES.len()];
            count += sentence.split_whitespace().count();
            sentences.push(sentence);
            index = (index * 7 + 3) % 10_007;
        }
        if paragraph % 5 == 0 {
            for sentence in sentences {
                text.push_str("- ");
                text.push_str(sentence);
                text.push('\n');
            }
        } else {
            text.push_str(&format!("In part {paragraph}, "));
            text.push_str(&sentences.join(" "));
            text.push('\n');
        }
        text.push('\n');
    }
    text
}

/// A document of at least `bytes` bytes made of posts.
fn big_document(bytes: usize) -> String {
    let mut text = String::new();
    let mut seed = 0;
    while text.len() < bytes {
        text.push_str(&post(2_000, seed));
        seed += 1;
    }
    text
}

struct Latencies(Vec<Duration>);

impl Latencies {
    fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.0.clone();
        sorted.sort();
        let rank = ((p / 100.0) * (sorted.len() as f64 - 1.0)).round() as usize;
        sorted[rank.min(sorted.len() - 1)]
    }

    fn report(&self, name: &str, cpu_per_edit: Option<Duration>) {
        println!(
            "{name}: n={} p50={:.2} ms p99={:.2} ms max={:.2} ms; server CPU per edit {}",
            self.0.len(),
            ms(self.percentile(50.0)),
            ms(self.percentile(99.0)),
            ms(self.percentile(100.0)),
            cpu_per_edit.map_or("n/a".to_owned(), |cpu| format!("{:.2} ms", ms(cpu))),
        );
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// CPU time (user + system) the process `pid` has used so far.
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // Linux reports in clock ticks of 1/100 s on every common configuration.
    Some(Duration::from_millis(ticks * 10))
}

/// Open `text`, then time `iterations` one-word edits in its middle, from
/// `didChange` to the arrival of the diagnostics of that version (all their
/// bytes read), and to the end of this client's parsing them into a
/// `serde_json::Value` (slow for megabytes of diagnostics, and not what an
/// editor's JSON parser costs). Also returns the server CPU time per edit (averaged: the clock ticks in 10 ms steps), which does
/// not depend on how busy the machine is.
fn edit_latency(
    client: &mut LspClient,
    uri: &str,
    text: &str,
    iterations: usize,
) -> (Latencies, Latencies, Option<Duration>) {
    client.open(uri, "markdown", 1, text);
    client.diagnostics(uri, 1);
    // The word to toggle: "slow" in the middle of the document.
    let anchor = text[text.len() / 2..]
        .find("slow")
        .map(|i| i + text.len() / 2)
        .or_else(|| text.find("slow"))
        .expect("the text has the word “slow”");
    let mut current = text.to_owned();
    let mut latencies = Vec::with_capacity(iterations);
    let mut parsed = Vec::with_capacity(iterations);
    let cpu_before = cpu_time(client.pid());
    for iteration in 0..iterations {
        let (old, new) = if iteration % 2 == 0 {
            ("slow", "late")
        } else {
            ("late", "slow")
        };
        let range = json!({
            "start": position_of(&current, anchor, true),
            "end": position_of(&current, anchor + old.len(), true),
        });
        current.replace_range(anchor..anchor + old.len(), new);
        let version = iteration as i64 + 2;
        let started = Instant::now();
        client.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{ "range": range, "text": new }] }),
        );
        client.wait_notification(|n| {
            n["method"] == "textDocument/publishDiagnostics"
                && n["params"]["uri"] == uri
                && n["params"]["version"] == json!(version)
        });
        // The matching message was the last one read: it arrived then.
        let arrived = client.last_arrival.unwrap_or_else(Instant::now);
        latencies.push(arrived - started);
        parsed.push(started.elapsed());
    }
    let cpu_per_edit = cpu_before
        .zip(cpu_time(client.pid()))
        .map(|(before, after)| (after - before) / iterations.max(1) as u32);
    (Latencies(latencies), Latencies(parsed), cpu_per_edit)
}

fn resident_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
}

fn server(dir: &std::path::Path) -> LspClient {
    let mut client = LspClient::spawn(dir);
    client.initialize(editor_capabilities(&["utf-16"]), Value::Null, Some(dir));
    client
}

fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    let (iterations, big_bytes, big_iterations, posts) = if full {
        (500, 1_000_000, 60, 50)
    } else {
        (5, 100_000, 2, 5)
    };
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("copydesk.toml"), "# benchmark guide\n").expect("guide");

    let text = post(2_000, 1);
    let words = text.split_whitespace().count();
    let mut client = server(dir.path());
    let uri = file_uri(&dir.path().join("post.md"));
    let (latencies, parsed, cpu) = edit_latency(&mut client, &uri, &text, iterations);
    let name = format!(
        "didChange → publishDiagnostics, {words}-word post ({} KB)",
        text.len() / 1000
    );
    latencies.report(&name, cpu);
    parsed.report("  …and parsed by this test client", None);

    let big = big_document(big_bytes);
    let uri = file_uri(&dir.path().join("big.md"));
    let (latencies, parsed, cpu) = edit_latency(&mut client, &uri, &big, big_iterations);
    let name = format!(
        "didChange → publishDiagnostics, {:.2} MB document",
        big.len() as f64 / 1e6
    );
    latencies.report(&name, cpu);
    parsed.report("  …and parsed by this test client", None);
    drop(client);

    let mut client = server(dir.path());
    let baseline = resident_kib(client.pid());
    let started = Instant::now();
    for index in 0..posts {
        let uri = file_uri(&dir.path().join(format!("post-{index}.md")));
        client.open(&uri, "markdown", 1, &post(2_000, index + 10));
        client.diagnostics(&uri, 1);
    }
    let opened = started.elapsed();
    match resident_kib(client.pid()) {
        Some(kib) => println!(
            "resident memory after opening {posts} posts of 2,000 words: {:.1} MB (at start: {:.1} MB; opened and checked in {:.0} ms)",
            kib as f64 / 1024.0,
            baseline.unwrap_or(0) as f64 / 1024.0,
            ms(opened)
        ),
        None => println!("resident memory: not available (no /proc)"),
    }
}
