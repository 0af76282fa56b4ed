//! The proptest configuration shared by the fuzz targets.

use proptest::test_runner::{Config, FileFailurePersistence};

/// `COPYDESK_FUZZ_CASES` cases per property (64 by default, for `cargo
/// test`; `scripts/test.d/20-fuzz.sh` raises it). Failing inputs persist in
/// `proptest-regressions/<target>.txt` and are replayed first.
pub fn config(target: &'static str) -> Config {
    let cases = std::env::var("COPYDESK_FUZZ_CASES")
        .ok()
        .and_then(|cases| cases.parse().ok())
        .unwrap_or(64);
    let path: &'static str =
        Box::leak(format!("proptest-regressions/{target}.txt").into_boxed_str());
    Config {
        cases,
        // Keep shrinking bounded: a long fuzz run must end.
        max_shrink_iters: 2048,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(path))),
        ..Config::default()
    }
}
