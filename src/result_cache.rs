//! A per-file cache of check results, so a re-run over a big tree where few
//! files changed reads the rest from disk instead of checking them again.
//!
//! An entry is keyed by the file's absolute path, the guide's hash and the
//! check options (rule selection, today's date for embargoes, …), and holds
//! the file's length and two independent hashes of its text, its word count
//! and its findings. A lookup is a hit only when every one of those matches
//! the file as it is now, so an edited file, an edited guide or other options
//! are checked afresh. Entries live under a folder named for this copydesk
//! build (its version and the executable's size and modification time), so a
//! new build never reads an old build's results; the few most recently used
//! build folders are kept and older ones removed.
//!
//! Location: `$COPYDESK_CACHE_DIR`, else the user's cache folder
//! (`$XDG_CACHE_HOME` or `~/.cache` on Linux, `~/Library/Caches` on macOS,
//! `%LOCALAPPDATA%` on Windows) under `copydesk/results/`.
//!
//! The cache is an optimisation and nothing more: every IO error is ignored
//! (a failed read is a miss, a failed write is forgotten), entries are
//! written to a temporary file and renamed into place so concurrent runs
//! never see half an entry, and deleting the folder at any time is safe.

use std::hash::Hasher;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use crate::finding::Finding;
use crate::hash::stable_hash_hex;

/// The entry format; part of every key, so a change of format is a miss.
const FORMAT: &str = "copydesk-result-cache-1";

/// How many build folders (the current one included) are kept.
const KEEP_BUILDS: usize = 4;

/// Set to use this folder as the cache root instead of the user's cache dir.
pub const CACHE_DIR_ENV: &str = "COPYDESK_CACHE_DIR";

/// What a hit gives back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CachedResult {
    pub words: usize,
    pub findings: Vec<Finding>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    /// Everything the key was computed from, compared on read so that two
    /// keys that hash alike can never return each other's results.
    key: String,
    length: usize,
    fnv: String,
    sip: String,
    words: usize,
    findings: Vec<Finding>,
}

/// The results folder of this copydesk build.
#[derive(Debug, Clone)]
pub struct ResultCache {
    dir: PathBuf,
}

/// The user's cache folder for copydesk (see the module docs).
pub fn default_root() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os(CACHE_DIR_ENV).filter(|d| !d.is_empty()) {
        return Some(PathBuf::from(dir));
    }
    let absolute = |var: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    let base = if cfg!(windows) {
        absolute("LOCALAPPDATA")
    } else if cfg!(target_os = "macos") {
        absolute("HOME").map(|home| home.join("Library").join("Caches"))
    } else {
        absolute("XDG_CACHE_HOME").or_else(|| absolute("HOME").map(|home| home.join(".cache")))
    };
    base.map(|base| base.join("copydesk"))
}

impl ResultCache {
    /// Open (creating it if needed) this build's results folder under
    /// `root`, and remove build folders that have not been used for a while.
    /// `None` when the folder cannot be made or this executable cannot be
    /// identified.
    pub fn open(root: &Path) -> Option<ResultCache> {
        let results = root.join("results");
        let dir = results.join(build_id()?);
        std::fs::create_dir_all(&dir).ok()?;
        // Mark the folder as a cache for backup tools (best effort).
        let tag = root.join("CACHEDIR.TAG");
        if !tag.exists() {
            let _ = std::fs::write(
                &tag,
                "Signature: 8a477f597d28d172789f06886806bc55\n# copydesk's result cache; safe to delete.\n",
            );
        }
        // The marker's modification time says when this build last ran.
        let _ = std::fs::write(dir.join("last-used"), b"");
        prune(&results, &dir);
        Some(ResultCache { dir })
    }

    /// The key of `path` (made absolute) checked with a guide of `guide_hash`
    /// and `options` (any text that captures the check options).
    pub fn key(&self, path: &Path, guide_hash: &str, options: &str) -> String {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        format!("{FORMAT}\n{}\n{guide_hash}\n{options}", absolute.display())
    }

    fn entry_path(&self, key: &str) -> PathBuf {
        let name = stable_hash_hex(&[key.as_bytes()]);
        self.dir.join(&name[..2]).join(&name[2..])
    }

    /// The cached result for `key`, if it was stored for exactly `text`.
    pub fn get(&self, key: &str, text: &str) -> Option<CachedResult> {
        let bytes = std::fs::read(self.entry_path(key)).ok()?;
        let entry: Entry = serde_json::from_slice(&bytes).ok()?;
        let matches = entry.key == key
            && entry.length == text.len()
            && entry.fnv == stable_hash_hex(&[text.as_bytes()])
            && entry.sip == sip_hash_hex(text);
        matches.then_some(CachedResult {
            words: entry.words,
            findings: entry.findings,
        })
    }

    /// Store the result of checking `text` under `key` (best effort).
    pub fn put(&self, key: &str, text: &str, words: usize, findings: &[Finding]) {
        let entry = Entry {
            key: key.to_owned(),
            length: text.len(),
            fnv: stable_hash_hex(&[text.as_bytes()]),
            sip: sip_hash_hex(text),
            words,
            findings: findings.to_vec(),
        };
        let path = self.entry_path(key);
        let Some(folder) = path.parent() else {
            return;
        };
        let write = || -> std::io::Result<()> {
            let create = || {
                tempfile::Builder::new()
                    .prefix(".entry-")
                    .tempfile_in(folder)
            };
            // The shard folder exists after its first entry: make it only then.
            let mut temporary = match create() {
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                    std::fs::create_dir_all(folder)?;
                    create()?
                }
                other => other?,
            };
            // One write: serde_json on a bare File writes token by token.
            temporary.write_all(&serde_json::to_vec(&entry)?)?;
            temporary.persist(&path).map_err(|error| error.error)?;
            Ok(())
        };
        let _ = write();
    }
}

/// This executable: its version, size and modification time. A rebuilt or
/// reinstalled copydesk gets a new id, even at the same version.
fn build_id() -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let metadata = std::fs::metadata(exe).ok()?;
    let modified = metadata
        .modified()
        .ok()?
        .duration_since(UNIX_EPOCH)
        .ok()?
        .as_nanos();
    let identity = format!("{}:{modified}", metadata.len());
    Some(format!(
        "{}-{}",
        env!("CARGO_PKG_VERSION"),
        &stable_hash_hex(&[identity.as_bytes()])[..12]
    ))
}

/// Remove all but the [`KEEP_BUILDS`] most recently used build folders,
/// always keeping `current`.
fn prune(results: &Path, current: &Path) {
    let Ok(entries) = std::fs::read_dir(results) else {
        return;
    };
    let mut builds: Vec<(std::time::SystemTime, PathBuf)> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.file_type().is_ok_and(|t| t.is_dir()) && entry.path() != current)
        .map(|entry| {
            let used = std::fs::metadata(entry.path().join("last-used"))
                .and_then(|m| m.modified())
                .unwrap_or(UNIX_EPOCH);
            (used, entry.path())
        })
        .collect();
    if builds.len() < KEEP_BUILDS {
        return;
    }
    builds.sort_by_key(|(used, _)| std::cmp::Reverse(*used));
    for (_, old) in builds.into_iter().skip(KEEP_BUILDS - 1) {
        let _ = std::fs::remove_dir_all(old);
    }
}

/// A second, independent 64-bit hash of the text (SipHash with fixed keys):
/// together with the length and FNV-1a, a stale entry that matches by
/// accident is out of the question. Its value may differ between Rust
/// releases; the build folder changes with the executable anyway.
fn sip_hash_hex(text: &str) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    hasher.write(text.as_bytes());
    format!("{:016x}", hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;

    fn cache(root: &Path) -> ResultCache {
        ResultCache::open(root).expect("cache opens")
    }

    #[test]
    fn hit_only_for_the_same_text_guide_and_options() {
        let root = tempfile::tempdir().unwrap();
        let cache = cache(root.path());
        let findings = vec![Finding::new(
            "voice/hedge",
            3..9,
            Severity::Info,
            "m".into(),
        )];
        let key = cache.key(Path::new("post.md"), "guide-a", "options");
        cache.put(&key, "the text", 2, &findings);

        let hit = cache.get(&key, "the text").expect("hit");
        assert_eq!(hit, CachedResult { words: 2, findings });
        assert_eq!(cache.get(&key, "the text!"), None, "edited file");
        assert_eq!(cache.get(&key, "tha text"), None, "same length, other text");
        let other_guide = cache.key(Path::new("post.md"), "guide-b", "options");
        assert_eq!(cache.get(&other_guide, "the text"), None);
        let other_options = cache.key(Path::new("post.md"), "guide-a", "select=voice");
        assert_eq!(cache.get(&other_options, "the text"), None);
        let other_path = cache.key(Path::new("other.md"), "guide-a", "options");
        assert_eq!(cache.get(&other_path, "the text"), None);
    }

    #[test]
    fn a_corrupt_entry_is_a_miss() {
        let root = tempfile::tempdir().unwrap();
        let cache = cache(root.path());
        let key = cache.key(Path::new("post.md"), "g", "o");
        cache.put(&key, "text", 1, &[]);
        std::fs::write(cache.entry_path(&key), b"{not json").unwrap();
        assert_eq!(cache.get(&key, "text"), None);
    }

    #[test]
    fn keeps_only_the_most_recently_used_builds() {
        let root = tempfile::tempdir().unwrap();
        let results = root.path().join("results");
        let now = std::time::SystemTime::now();
        for days in 1..=6 {
            let dir = results.join(format!("used-{days}-days-ago"));
            std::fs::create_dir_all(&dir).unwrap();
            let marker = std::fs::File::create(dir.join("last-used")).unwrap();
            let then = now - std::time::Duration::from_secs(days * 86_400);
            marker.set_modified(then).unwrap();
        }
        let current = cache(root.path());
        let mut left: Vec<String> = std::fs::read_dir(&results)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with("used-"))
            .collect();
        left.sort();
        assert_eq!(
            left,
            ["used-1-days-ago", "used-2-days-ago", "used-3-days-ago"]
        );
        assert!(current.dir.exists(), "the running build's folder stays");
    }
}
