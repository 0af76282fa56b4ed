//! The persistent suggestion cache: SQLite in WAL mode, so the language
//! server and a CLI run can share one file. Keyed by everything that shapes
//! an answer: endpoint, model, prompt version, guide hash, and the text (with
//! its context). Only guarded, accepted suggestions are stored, never a key
//! or a header.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

/// The file under the cache folder.
pub const FILE_NAME: &str = "suggestions.sqlite3";

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cache {path}: {message}")]
    Sqlite { path: String, message: String },
    #[error("no cache folder: set COPYDESK_CACHE_DIR or HOME")]
    NoFolder,
}

/// What a cached answer is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheKey {
    pub base_url: String,
    pub model: String,
    pub prompt: String,
    pub guide_hash: String,
    pub text: String,
    /// A hash of the surrounding text the prompt showed the model.
    pub context: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheStats {
    pub path: PathBuf,
    pub entries: u64,
    pub bytes: u64,
    /// (model, entries), most first.
    pub models: Vec<(String, u64)>,
}

pub struct Cache {
    path: PathBuf,
    connection: Mutex<Connection>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache").field("path", &self.path).finish()
    }
}

/// The cache folder: `$COPYDESK_CACHE_DIR`, else the platform's user cache
/// folder (`$XDG_CACHE_HOME/copydesk`, `~/.cache/copydesk`,
/// `~/Library/Caches/copydesk`, `%LOCALAPPDATA%\copydesk`).
pub fn default_dir() -> Option<PathBuf> {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(dir) = var("COPYDESK_CACHE_DIR") {
        return Some(dir);
    }
    if cfg!(windows) {
        return var("LOCALAPPDATA").map(|d| d.join("copydesk"));
    }
    if cfg!(target_os = "macos") {
        return var("HOME").map(|h| h.join("Library/Caches/copydesk"));
    }
    var("XDG_CACHE_HOME")
        .or_else(|| var("HOME").map(|h| h.join(".cache")))
        .map(|d| d.join("copydesk"))
}

pub fn default_path() -> Option<PathBuf> {
    default_dir().map(|dir| dir.join(FILE_NAME))
}

impl Cache {
    /// Open (creating if needed) the cache at `path`.
    pub fn open(path: &Path) -> Result<Cache, CacheError> {
        let fail = |message: String| CacheError::Sqlite {
            path: path.display().to_string(),
            message,
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| fail(e.to_string()))?;
        }
        let connection = Connection::open(path).map_err(|e| fail(e.to_string()))?;
        connection
            .busy_timeout(Duration::from_secs(5))
            .map_err(|e| fail(e.to_string()))?;
        // WAL lets readers and one writer from different processes proceed
        // together; journal_mode returns a row, so it is queried.
        connection
            .query_row("PRAGMA journal_mode=WAL", [], |_| Ok(()))
            .map_err(|e| fail(e.to_string()))?;
        connection
            .execute_batch(
                "PRAGMA synchronous=NORMAL;
                 CREATE TABLE IF NOT EXISTS suggestions (
                     base_url   TEXT NOT NULL,
                     model      TEXT NOT NULL,
                     prompt     TEXT NOT NULL,
                     guide_hash TEXT NOT NULL,
                     text       TEXT NOT NULL,
                     context    TEXT NOT NULL,
                     answer     TEXT NOT NULL,
                     created    INTEGER NOT NULL,
                     PRIMARY KEY (base_url, model, prompt, guide_hash, text, context)
                 ) WITHOUT ROWID;",
            )
            .map_err(|e| fail(e.to_string()))?;
        Ok(Cache {
            path: path.to_path_buf(),
            connection: Mutex::new(connection),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn fail(&self, error: rusqlite::Error) -> CacheError {
        CacheError::Sqlite {
            path: self.path.display().to_string(),
            message: error.to_string(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock leaves the connection usable.
        self.connection
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn get(&self, key: &CacheKey) -> Result<Option<String>, CacheError> {
        self.lock()
            .query_row(
                "SELECT answer FROM suggestions WHERE base_url=?1 AND model=?2 AND prompt=?3
                 AND guide_hash=?4 AND text=?5 AND context=?6",
                params![
                    key.base_url,
                    key.model,
                    key.prompt,
                    key.guide_hash,
                    key.text,
                    key.context
                ],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| self.fail(e))
    }

    pub fn put(&self, key: &CacheKey, answer: &str) -> Result<(), CacheError> {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        self.lock()
            .execute(
                "INSERT OR REPLACE INTO suggestions
                 (base_url, model, prompt, guide_hash, text, context, answer, created)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    key.base_url,
                    key.model,
                    key.prompt,
                    key.guide_hash,
                    key.text,
                    key.context,
                    answer,
                    now
                ],
            )
            .map(|_| ())
            .map_err(|e| self.fail(e))
    }

    pub fn stats(&self) -> Result<CacheStats, CacheError> {
        let connection = self.lock();
        let (entries, bytes): (i64, i64) = connection
            .query_row(
                "SELECT COUNT(*), COALESCE(SUM(LENGTH(text) + LENGTH(answer)), 0) FROM suggestions",
                [],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .map_err(|e| self.fail(e))?;
        let mut statement = connection
            .prepare(
                "SELECT model, COUNT(*) FROM suggestions GROUP BY model ORDER BY COUNT(*) DESC, model",
            )
            .map_err(|e| self.fail(e))?;
        let models = statement
            .query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, i64>(1)? as u64))
            })
            .map_err(|e| self.fail(e))?
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.fail(e))?;
        Ok(CacheStats {
            path: self.path.clone(),
            entries: entries as u64,
            bytes: bytes as u64,
            models,
        })
    }

    /// Remove every entry; returns how many there were.
    pub fn clear(&self) -> Result<u64, CacheError> {
        let connection = self.lock();
        let removed = connection
            .execute("DELETE FROM suggestions", [])
            .map_err(|e| self.fail(e))?;
        // Give the space back, so `clear` really removes the drafts' text.
        connection
            .execute_batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")
            .map_err(|e| self.fail(e))?;
        Ok(removed as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> CacheKey {
        CacheKey {
            base_url: "http://127.0.0.1:1/v1".into(),
            model: "m".into(),
            prompt: "tighten@1#abc".into(),
            guide_hash: "g".into(),
            text: text.into(),
            context: "c".into(),
        }
    }

    #[test]
    fn stores_reads_counts_and_clears_across_connections() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join(FILE_NAME);
        let cache = Cache::open(&path).unwrap();
        assert_eq!(cache.get(&key("a")).unwrap(), None);
        cache.put(&key("a"), "answer a").unwrap();
        // A second connection (another process, in real life) sees it.
        let other = Cache::open(&path).unwrap();
        assert_eq!(other.get(&key("a")).unwrap().as_deref(), Some("answer a"));
        let mut different_guide = key("a");
        different_guide.guide_hash = "other".into();
        assert_eq!(other.get(&different_guide).unwrap(), None);
        let stats = other.stats().unwrap();
        assert_eq!(stats.entries, 1);
        assert_eq!(stats.models, [("m".to_owned(), 1)]);
        assert_eq!(cache.clear().unwrap(), 1);
        assert_eq!(other.get(&key("a")).unwrap(), None);
    }
}
