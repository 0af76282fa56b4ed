//! Throughput of `check` with the built-in default guide.
//!
//! Run with `cargo bench --bench check`. Reports MB/s on one long Markdown
//! document (one thread) and wall time for a folder of 2,000 posts of about
//! 2 KB each through the release binary (all cores). Uses the real posts in
//! ../shared/corpus/posts when present, else generated text.

/// The allocator the `copydesk` binary uses (src/main.rs), so that this
/// measures what it runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use copydesk::check::{CheckOptions, Checker};
use copydesk::document::DocumentKind;
use copydesk::guide::Guide;

fn corpus() -> String {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/posts");
    let mut text = String::new();
    if let Ok(entries) = std::fs::read_dir(&shared) {
        let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        paths.sort();
        for path in paths {
            if let Ok(post) = std::fs::read_to_string(&path) {
                text.push_str(&post);
                text.push_str("\n\n");
            }
        }
    }
    if text.is_empty() {
        eprintln!("../shared/corpus not found: using generated text");
        text = generated_post();
    }
    text
}

fn generated_post() -> String {
    let sentences = [
        "We rebuilt the editor in order to ship faster and the end result is a faster app.",
        "Our customers asked for **shared inboxes**, so we built them with forty teams.",
        "Read the [guide](https://example.com/docs) or run `copydesk check` on your drafts.",
        "The report was written by our analysts, who basically care about every detail.",
        "Registration is open now, and seats at the Berlin workshop are limited to 40.",
        "东京 and 😀 appear in real posts too, so positions must stay exact.",
    ];
    let mut text = String::from("# A generated post\n\n");
    for paragraph in 0..40 {
        for sentence in 0..4 {
            text.push_str(sentences[(paragraph * 4 + sentence) % sentences.len()]);
            text.push(' ');
        }
        text.push_str("\n\n");
    }
    text
}

/// CPU time (user + system) this process has used so far, from
/// /proc/self/stat; `None` off Linux. CPU time barely moves when other
/// processes share the machine, unlike wall time.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split(' ').collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // The kernel's USER_HZ is 100 on every Linux this runs on.
    Some(Duration::from_millis(ticks * 10))
}

/// CPU time of a finished child process and its children, from `/usr/bin/time`-free
/// accounting: the difference in this process's children CPU (cutime + cstime).
fn children_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split(' ').collect();
    let ticks: u64 = fields.get(13)?.parse::<u64>().ok()? + fields.get(14)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this
    // binary without it (unoptimised), where it should only prove it builds.
    if !std::env::args().any(|a| a == "--bench") {
        println!("benchmark skipped: run it with `cargo bench --bench check`");
        return;
    }
    let base = corpus();
    let mut long = String::new();
    while long.len() < 8 * 1024 * 1024 {
        long.push_str(&base);
    }
    let megabytes = long.len() as f64 / (1024.0 * 1024.0);

    let start = Instant::now();
    let checker = Checker::new(Guide::builtin(), CheckOptions::default());
    println!(
        "build checker (default guide):  {:>8.1} ms",
        start.elapsed().as_secs_f64() * 1e3
    );

    let mut samples = Vec::new();
    let mut findings = 0;
    let cpu_before = cpu_time();
    for _ in 0..5 {
        let start = Instant::now();
        let (_, found) = checker.check_text(&long, DocumentKind::Markdown);
        samples.push(start.elapsed());
        findings = found.len();
    }
    let cpu = cpu_before.zip(cpu_time()).map(|(a, b)| (b - a) / 5);
    let time = median(samples);
    println!(
        "long document, {megabytes:.1} MB, 1 thread: {:>8.1} ms wall {:>6.1} MB/s; {} ({findings} findings)",
        time.as_secs_f64() * 1e3,
        megabytes / time.as_secs_f64(),
        cpu.map_or("CPU time unavailable".to_owned(), |cpu| format!(
            "{:.1} ms CPU {:.1} MB per CPU-second",
            cpu.as_secs_f64() * 1e3,
            megabytes / cpu.as_secs_f64()
        ))
    );

    // Parsing alone, to see where the time goes.
    let mut samples = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let document = copydesk::document::Document::parse(long.as_str(), DocumentKind::Markdown);
        samples.push(start.elapsed());
        std::hint::black_box(document);
    }
    let time = median(samples);
    println!(
        "  of which parsing:               {:>8.1} ms  {:>6.1} MB/s",
        time.as_secs_f64() * 1e3,
        megabytes / time.as_secs_f64()
    );

    // A folder of 2,000 posts of about 2 KB, through the binary.
    let folder = tempfile::tempdir().expect("temp folder");
    let chars: Vec<char> = base.chars().collect();
    let mut offset = 0;
    for index in 0..2000 {
        let mut post = String::new();
        while post.len() < 2048 {
            let end = (offset + 400).min(chars.len());
            post.extend(&chars[offset..end]);
            offset = if end == chars.len() { 0 } else { end };
        }
        std::fs::write(folder.path().join(format!("post-{index:04}.md")), post)
            .expect("write post");
    }
    let binary = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/copydesk");
    if !binary.is_file() {
        println!(
            "folder benchmark skipped: build target/release/copydesk first (cargo build --release)"
        );
        return;
    }
    let mut samples = Vec::new();
    let children_before = children_cpu_time();
    for _ in 0..5 {
        let start = Instant::now();
        let status = std::process::Command::new(&binary)
            .args([
                "check",
                "--format",
                "concise",
                "--quiet",
                // Every run does the work: the result cache would answer
                // all but the first.
                "--no-cache",
                "--fail-on",
                "never",
            ])
            .arg(folder.path())
            .stdout(std::process::Stdio::null())
            .status()
            .expect("run copydesk");
        samples.push(start.elapsed());
        assert!(status.success());
    }
    let cpu = children_before
        .zip(children_cpu_time())
        .map(|(a, b)| (b - a) / 5);
    let time = median(samples);
    println!(
        "2,000 posts of 2 KB, binary, {} threads: {:>8.1} ms wall {:>6.0} files/s; {}",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        time.as_secs_f64() * 1e3,
        2000.0 / time.as_secs_f64(),
        cpu.map_or("CPU time unavailable".to_owned(), |cpu| format!(
            "{:.0} ms CPU",
            cpu.as_secs_f64() * 1e3
        ))
    );
}
