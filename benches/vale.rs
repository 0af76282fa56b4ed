//! Vale styles at scale: load the seven public style packages, then check
//! a 1 MB Markdown document built from the shared corpus with all of them.
//!
//! `cargo bench --bench vale`. Needs ../shared (or COPYDESK_VALE_STYLES and
//! COPYDESK_CORPUS); without it, says so and exits. Results are recorded
//! in docs/vale.md.

/// The allocator the `copydesk` binary uses (src/main.rs), so that this
/// measures what it runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use copydesk::check::{CheckOptions, Checker};
use copydesk::document::{Document, DocumentKind};
use copydesk::guide::Guide;

const PACKAGES: &str = "Google, Microsoft, write-good, proselint, alex, Joblint, Readability";
const TARGET_BYTES: usize = 1024 * 1024;

fn shared(env: &str, relative: &str) -> Option<PathBuf> {
    let path = std::env::var_os(env)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(relative));
    path.is_dir().then_some(path)
}

/// This process's CPU time (user + system), from /proc on Linux: on a
/// shared, loaded machine it says more than the wall clock.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after_name = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// CPU time of all this process's threads, in nanoseconds (the first
/// field of each thread's /proc schedstat): finer than [`cpu_time`]'s
/// 10 ms ticks.
fn threads_cpu_time() -> Option<Duration> {
    let mut total = 0u64;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(Duration::from_nanos(total))
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn main() {
    // `cargo test --all-targets` runs this too; measure only under
    // `cargo bench`, which passes `--bench`.
    if !std::env::args().any(|arg| arg == "--bench") {
        println!("benches/vale.rs measures under `cargo bench --bench vale`");
        return;
    }
    let (Some(styles), Some(corpus)) = (
        shared("COPYDESK_VALE_STYLES", "../shared/vale-styles"),
        shared("COPYDESK_CORPUS", "../shared/corpus/posts"),
    ) else {
        eprintln!("SKIPPED: ../shared/vale-styles or ../shared/corpus/posts not found");
        return;
    };
    // The packages live outside the temporary project: allow them, as a
    // user would (no other thread runs yet).
    unsafe { std::env::set_var("COPYDESK_GUIDE_PATHS", &styles) };
    let dir = tempfile::tempdir().expect("a temporary folder");
    let config = dir.path().join(".vale.ini");
    std::fs::write(
        &config,
        format!(
            "StylesPath = {}\nMinAlertLevel = suggestion\n\n[*.md]\nBasedOnStyles = {PACKAGES}\n",
            styles.display()
        ),
    )
    .expect("the configuration is written");

    // Loading: read and compile every rule of the seven packages.
    let mut loads = Vec::new();
    let mut guide = None;
    let cpu_before = cpu_time();
    // `VALE_BENCH_ONLY=builtin|vale|none` (see scripts/vale-speed): load
    // once, then run only that checker `VALE_BENCH_RUNS` times (default 5)
    // and print its least and median CPU time.
    let only = std::env::var("VALE_BENCH_ONLY").ok();
    let load_runs = if only.is_some() { 1 } else { 5 };
    for _ in 0..load_runs {
        let start = Instant::now();
        guide = Some(Guide::load(&config).expect("the packages load"));
        loads.push(start.elapsed());
    }
    let cpu = cpu_before
        .zip(cpu_time())
        .map(|(before, after)| format!(", {:?} CPU per load", (after - before) / load_runs))
        .unwrap_or_default();
    let guide = Arc::new(guide.expect("loaded"));
    let rules: usize = guide.rule_sets.iter().map(|s| s.rules().len()).sum();
    println!(
        "load 7 packages ({rules} rules): median {:?} wall{cpu}",
        median(loads)
    );

    // A 1 MB Markdown document: the corpus posts, repeated.
    let mut posts: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("the corpus is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    posts.sort();
    let mut text = String::with_capacity(TARGET_BYTES + 64 * 1024);
    while text.len() < TARGET_BYTES {
        for post in &posts {
            text.push_str(&std::fs::read_to_string(post).expect("a post"));
            text.push_str("\n\n");
        }
    }
    let path = dir.path().join("big.md");
    let document = Document::parse(text.as_str(), DocumentKind::Markdown).with_path(&path);
    println!(
        "document: {} bytes, {} blocks, {} words",
        text.len(),
        document.blocks.len(),
        document.word_count()
    );

    let vale_only = Checker::new(
        Arc::clone(&guide),
        CheckOptions {
            select: guide.rule_sets[0]
                .rules()
                .iter()
                .map(|r| r.id.clone())
                .collect(),
            ..CheckOptions::default()
        },
    );
    let everything = Checker::new(Arc::clone(&guide), CheckOptions::default());
    let builtin_only = Checker::new(Guide::builtin(), CheckOptions::default());
    if let Some(only) = only {
        let runs: usize = std::env::var("VALE_BENCH_RUNS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(5);
        let checker = match only.as_str() {
            "builtin" => &builtin_only,
            "vale" => &vale_only,
            "none" => return,
            other => panic!("VALE_BENCH_ONLY={other}: expected builtin, vale or none"),
        };
        let mut count = 0;
        let mut times = Vec::new();
        let mut walls = Vec::new();
        for _ in 0..runs {
            let before = threads_cpu_time();
            let start = Instant::now();
            count = checker.check(&document).len();
            walls.push(start.elapsed());
            if let (Some(before), Some(after)) = (before, threads_cpu_time()) {
                times.push(after - before);
            }
        }
        times.sort();
        walls.sort();
        println!(
            "check 1 MB, {only} only: {runs} runs, CPU min {:?}, median {:?}; wall min {:?}, median {:?} ({count} findings)",
            times.first().copied().unwrap_or_default(),
            times.get(times.len() / 2).copied().unwrap_or_default(),
            walls.first().copied().unwrap_or_default(),
            walls.get(walls.len() / 2).copied().unwrap_or_default(),
        );
        return;
    }
    for (name, checker) in [
        ("built-in rules only", &builtin_only),
        ("Vale rules only", &vale_only),
        ("built-in + Vale rules", &everything),
    ] {
        let mut runs = Vec::new();
        let mut count = 0;
        let cpu_before = cpu_time();
        for _ in 0..3 {
            let start = Instant::now();
            count = checker.check(&document).len();
            runs.push(start.elapsed());
        }
        let cpu = cpu_before
            .zip(cpu_time())
            .map(|(before, after)| format!(", {:?} CPU per run", (after - before) / 3))
            .unwrap_or_default();
        println!(
            "check 1 MB, {name}: median {:?} wall{cpu} ({count} findings)",
            median(runs)
        );
    }

    if std::env::var_os("VALE_BENCH_PER_RULE").is_some() {
        let mut timings: Vec<(Duration, String)> = guide.rule_sets[0]
            .rules()
            .iter()
            .map(|rule| {
                let one = Checker::new(
                    Arc::clone(&guide),
                    CheckOptions {
                        select: vec![rule.id.clone()],
                        ..CheckOptions::default()
                    },
                );
                let start = Instant::now();
                one.check(&document);
                (start.elapsed(), rule.id.clone())
            })
            .collect();
        timings.sort();
        let total: Duration = timings.iter().map(|(t, _)| *t).sum();
        println!("  sum over rules: {total:?}; fastest: {:?}", &timings[..3]);
        // The 20 slowest, or every rule with VALE_BENCH_ALL_RULES set.
        let shown = if std::env::var_os("VALE_BENCH_ALL_RULES").is_some() {
            timings.len()
        } else {
            20
        };
        for (time, id) in timings.iter().rev().take(shown) {
            println!("  {id}: {time:?}");
        }
    }

    // One paragraph, as the editor re-checks it after a keystroke.
    let block = &document.blocks[document.blocks.len() / 2];
    let cx = everything.context(&document);
    let start = Instant::now();
    let mut out = Vec::new();
    for _ in 0..100 {
        out.clear();
        everything.check_block_into(&cx, block, &mut out);
    }
    println!(
        "check one block ({} bytes), built-in + Vale: {:?}",
        block.text().len(),
        start.elapsed() / 100
    );
}
