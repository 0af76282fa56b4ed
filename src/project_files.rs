//! Reading the files a guide names, within limits.
//!
//! A guide (`copydesk.toml`) or a Vale configuration travels with the
//! repository it sits in and may be written by someone else, yet the files
//! it names (key messages, Vale styles, vocabularies, dictionaries, prompt
//! templates) are read as soon as it loads, in the CLI and in the language
//! server. Every such read goes through a [`Project`], which guarantees:
//!
//! - **Inside the project.** A named path must resolve (symbolic links
//!   followed) inside the guide's project: the repository holding the guide
//!   (the nearest folder at or above it with a `.git`), else the guide's own
//!   folder. Absolute paths, `..` that climbs out and links that point out
//!   are refused. Folders listed in the `COPYDESK_GUIDE_PATHS` environment
//!   variable (a path list, like `PATH`) are allowed as well: that is the
//!   user's escape hatch, never the guide's.
//! - **Regular files only.** FIFOs, devices, sockets and `/proc` entries are
//!   refused before they are opened for reading.
//! - **Bounded.** Each file has a size limit, a whole load a total, and a
//!   folder walk a file count.
//! - **No loops.** A walk visits each folder once by its canonical path and
//!   yields each file once, so a symbolic link back up ends the descent.
//!
//! Every refusal is an error that names the path; callers add the key and
//! where the guide names it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable listing folders outside a guide's project that
/// guides may still read from.
pub const EXTRA_ROOTS_ENV: &str = "COPYDESK_GUIDE_PATHS";

/// Size and count limits of one guide load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes read from all files of one load together.
    pub total_bytes: u64,
    /// Files one folder walk may yield.
    pub walk_files: usize,
    /// Folders one folder walk may enter.
    pub walk_folders: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            total_bytes: 64 * MIB,
            walk_files: 2_000,
            walk_folders: 1_000,
        }
    }
}

pub const KIB: u64 = 1024;
pub const MIB: u64 = 1024 * KIB;

/// The size limit of one key message file, a Vale rule, a `.vale.ini`, a
/// vocabulary list or a prompt template.
pub const TEXT_FILE_LIMIT: u64 = MIB;
/// The size limit of one Hunspell dictionary or affix file.
pub const DICTIONARY_LIMIT: u64 = 16 * MIB;
/// The size limit of a guide file (`copydesk.toml`) itself.
pub const GUIDE_FILE_LIMIT: u64 = 4 * MIB;

/// Why a file a guide names was not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error(
        "{path} is outside the guide's project {root} (a guide may only name files inside it; list other folders in {EXTRA_ROOTS_ENV} to allow them)"
    )]
    Outside { path: String, root: String },
    #[error("{path} is not a regular file")]
    NotRegular { path: String },
    #[error("{path} is larger than {limit}")]
    TooLarge { path: String, limit: String },
    #[error("reading {path} would take the guide's files over {limit} in total")]
    TotalTooLarge { path: String, limit: String },
    #[error("{path} holds more than {limit} files or folders; copydesk reads at most that many")]
    TooManyFiles { path: String, limit: usize },
    #[error("could not read {path}: {message}")]
    Io { path: String, message: String },
}

/// The folder(s) a guide may read from, and what it has read so far.
#[derive(Debug)]
pub struct Project {
    /// The project folder, canonical; then the user's extra roots.
    roots: Vec<PathBuf>,
    limits: Limits,
    read_bytes: AtomicU64,
}

impl Project {
    /// The project of a guide file at `guide` (a `copydesk.toml` or a
    /// `.vale.ini`), with the extra roots from the environment.
    pub fn for_guide(guide: &Path) -> Project {
        let extra = std::env::var_os(EXTRA_ROOTS_ENV)
            .map(|value| std::env::split_paths(&value).collect::<Vec<_>>())
            .unwrap_or_default();
        Project::with_roots(guide, &extra, Limits::default())
    }

    pub fn with_roots(guide: &Path, extra: &[PathBuf], limits: Limits) -> Project {
        let folder = guide
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let folder = std::fs::canonicalize(folder).unwrap_or_else(|_| folder.to_path_buf());
        let root = folder
            .ancestors()
            .find(|dir| dir.join(".git").exists())
            .unwrap_or(&folder)
            .to_path_buf();
        let mut roots = vec![root];
        roots.extend(
            extra
                .iter()
                .filter(|p| !p.as_os_str().is_empty())
                .filter_map(|p| std::fs::canonicalize(p).ok()),
        );
        Project {
            roots,
            limits,
            read_bytes: AtomicU64::new(0),
        }
    }

    /// The project folder.
    pub fn root(&self) -> &Path {
        &self.roots[0]
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// `named` resolved against `base` (relative names) and checked to be
    /// inside the project. Returns the path as named (joined to `base`), so
    /// messages show what the guide wrote; the target need not exist.
    pub fn resolve(&self, base: &Path, named: &Path) -> Result<PathBuf, Refusal> {
        let joined = base.join(named);
        self.check_inside(&joined)?;
        Ok(joined)
    }

    /// Refuse `path` when it (or, if it does not exist, the nearest folder
    /// above it that does) resolves outside every allowed root.
    pub fn check_inside(&self, path: &Path) -> Result<(), Refusal> {
        let resolved = canonical_or_nearest(path);
        if self.roots.iter().any(|root| resolved.starts_with(root)) {
            Ok(())
        } else {
            Err(Refusal::Outside {
                path: path.display().to_string(),
                root: self.root().display().to_string(),
            })
        }
    }

    /// Whether `path` is a folder inside the project (false for anything
    /// else, outside included).
    pub fn is_dir(&self, path: &Path) -> bool {
        self.check_inside(path).is_ok() && path.is_dir()
    }

    /// Whether `path` is a regular file inside the project.
    pub fn is_file(&self, path: &Path) -> bool {
        self.check_inside(path).is_ok()
            && std::fs::metadata(path).is_ok_and(|m| m.file_type().is_file())
    }

    /// Read a regular file inside the project, at most `limit` bytes, as
    /// UTF-8 text.
    pub fn read_text(&self, path: &Path, limit: u64) -> Result<String, Refusal> {
        let bytes = self.read(path, limit)?;
        String::from_utf8(bytes).map_err(|_| Refusal::Io {
            path: path.display().to_string(),
            message: "it is not UTF-8 text".to_owned(),
        })
    }

    /// Read a regular file inside the project, at most `limit` bytes.
    pub fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
        self.check_inside(path)?;
        let bytes = read_regular(path, limit)?;
        let total = self
            .read_bytes
            .fetch_add(bytes.len() as u64, Ordering::Relaxed)
            + bytes.len() as u64;
        if total > self.limits.total_bytes {
            return Err(Refusal::TotalTooLarge {
                path: path.display().to_string(),
                limit: size(self.limits.total_bytes),
            });
        }
        Ok(bytes)
    }

    /// Regular files under `folder` (recursively) for which `keep(path)` is
    /// true, in path order. Folders for which `enter(path, name)` is false
    /// are skipped. Each folder is entered once by its canonical path and
    /// each file is yielded once, so links that loop end the descent;
    /// links that point outside the project are skipped.
    pub fn walk(
        &self,
        folder: &Path,
        enter: &dyn Fn(&Path, &str) -> bool,
        keep: &dyn Fn(&Path, &str) -> bool,
    ) -> Result<Vec<PathBuf>, Refusal> {
        self.check_inside(folder)?;
        let too_many = || Refusal::TooManyFiles {
            path: folder.display().to_string(),
            limit: self.limits.walk_files,
        };
        let start = std::fs::canonicalize(folder).map_err(|error| Refusal::Io {
            path: folder.display().to_string(),
            message: error.to_string(),
        })?;
        let mut visited_folders = std::collections::HashSet::new();
        let mut seen_files = std::collections::HashSet::new();
        let mut pending = vec![folder.to_path_buf()];
        let mut files = Vec::new();
        while let Some(dir) = pending.pop() {
            let Ok(canonical) = std::fs::canonicalize(&dir) else {
                continue;
            };
            // A link up to the walk's folder or above it would walk
            // folders that are not part of it.
            let climbs = canonical != start && start.starts_with(&canonical);
            if climbs
                || !self.roots.iter().any(|root| canonical.starts_with(root))
                || !visited_folders.insert(canonical)
            {
                continue;
            }
            if visited_folders.len() > self.limits.walk_folders {
                return Err(Refusal::TooManyFiles {
                    path: folder.display().to_string(),
                    limit: self.limits.walk_folders,
                });
            }
            let entries = std::fs::read_dir(&dir).map_err(|error| Refusal::Io {
                path: dir.display().to_string(),
                message: error.to_string(),
            })?;
            for entry in entries.flatten() {
                let path = entry.path();
                let name = entry.file_name().to_string_lossy().into_owned();
                // Follows links: a link to a folder is walked (once), a
                // link to a file is read (once).
                let Ok(metadata) = std::fs::metadata(&path) else {
                    continue;
                };
                if metadata.is_dir() {
                    if enter(&path, &name) {
                        pending.push(path);
                    }
                } else if !keep(&path, &name) {
                    continue;
                } else if !metadata.file_type().is_file() {
                    // A FIFO or device named like a wanted file: say so
                    // rather than skip it quietly.
                    return Err(Refusal::NotRegular {
                        path: path.display().to_string(),
                    });
                } else {
                    let Ok(canonical) = std::fs::canonicalize(&path) else {
                        continue;
                    };
                    if !self.roots.iter().any(|root| canonical.starts_with(root))
                        || !seen_files.insert(canonical)
                    {
                        continue;
                    }
                    files.push(path);
                    if files.len() > self.limits.walk_files {
                        return Err(too_many());
                    }
                }
            }
        }
        files.sort();
        Ok(files)
    }
}

/// Read a regular file, at most `limit` bytes (not checked against any
/// project: for files the user chose, such as the guide itself).
pub fn read_regular(path: &Path, limit: u64) -> Result<Vec<u8>, Refusal> {
    let shown = || path.display().to_string();
    let io = |error: std::io::Error| Refusal::Io {
        path: shown(),
        message: error.to_string(),
    };
    // Check the type before opening: opening a FIFO for reading blocks
    // until a writer comes.
    let metadata = std::fs::metadata(path).map_err(io)?;
    if !metadata.file_type().is_file() || is_proc(path) {
        return Err(Refusal::NotRegular { path: shown() });
    }
    if metadata.len() > limit {
        return Err(Refusal::TooLarge {
            path: shown(),
            limit: size(limit),
        });
    }
    let file = std::fs::File::open(path).map_err(io)?;
    // The file may grow between the check and the read: read one byte past
    // the limit to notice.
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    if bytes.len() as u64 > limit {
        return Err(Refusal::TooLarge {
            path: shown(),
            limit: size(limit),
        });
    }
    Ok(bytes)
}

/// [`read_regular`] as UTF-8 text.
pub fn read_regular_text(path: &Path, limit: u64) -> Result<String, Refusal> {
    String::from_utf8(read_regular(path, limit)?).map_err(|_| Refusal::Io {
        path: path.display().to_string(),
        message: "it is not UTF-8 text".to_owned(),
    })
}

/// The canonical form of `path`, or of the nearest existing folder above
/// it with the rest appended (so a missing file inside the project counts
/// as inside, and `missing/../../x` cannot climb out).
fn canonical_or_nearest(path: &Path) -> PathBuf {
    if let Ok(canonical) = std::fs::canonicalize(path) {
        return canonical;
    }
    let mut rest = Vec::new();
    let mut current = path;
    loop {
        match current.file_name() {
            Some(name) => rest.push(name.to_owned()),
            // `..` or the root: nothing we can safely append.
            None => return PathBuf::from("/nonexistent-outside"),
        }
        let Some(parent) = current.parent() else {
            return PathBuf::from("/nonexistent-outside");
        };
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        if let Ok(mut canonical) = std::fs::canonicalize(parent) {
            canonical.extend(rest.iter().rev());
            return canonical;
        }
        current = parent;
    }
}

fn is_proc(path: &Path) -> bool {
    std::fs::canonicalize(path).is_ok_and(|p| p.starts_with("/proc") || p.starts_with("/sys"))
}

fn size(bytes: u64) -> String {
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else if bytes >= KIB && bytes.is_multiple_of(KIB) {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(dir: &Path) -> Project {
        Project::with_roots(&dir.join("copydesk.toml"), &[], Limits::default())
    }

    #[test]
    fn paths_outside_the_project_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let inner = dir.path().join("site");
        std::fs::create_dir_all(&inner).unwrap();
        std::fs::write(dir.path().join("secret.txt"), "x").unwrap();
        let project = project(&inner);
        let refused = project
            .resolve(&inner, Path::new("../secret.txt"))
            .unwrap_err();
        assert!(matches!(refused, Refusal::Outside { .. }), "{refused}");
        assert!(project.resolve(&inner, Path::new("/etc/passwd")).is_err());
        assert!(
            project
                .resolve(&inner, Path::new("missing/../../x"))
                .is_err()
        );
        assert!(project.resolve(&inner, Path::new("missing.md")).is_ok());
        // The user's extra roots are allowed.
        let allowed = Project::with_roots(
            &inner.join("copydesk.toml"),
            &[dir.path().to_path_buf()],
            Limits::default(),
        );
        assert!(allowed.resolve(&inner, Path::new("../secret.txt")).is_ok());
    }

    #[test]
    fn a_repository_root_is_the_project() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(".git")).unwrap();
        std::fs::create_dir_all(dir.path().join("docs")).unwrap();
        std::fs::write(dir.path().join("styles.txt"), "x").unwrap();
        let project = project(&dir.path().join("docs"));
        assert!(
            project
                .resolve(&dir.path().join("docs"), Path::new("../styles.txt"))
                .is_ok()
        );
    }

    #[test]
    fn only_regular_files_within_the_size_limit_are_read() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("big.txt"), "x".repeat(2048)).unwrap();
        let project = Project::with_roots(
            &dir.path().join("copydesk.toml"),
            &[PathBuf::from("/dev")],
            Limits::default(),
        );
        let error = project.read_text(Path::new("/dev/zero"), KIB).unwrap_err();
        assert!(matches!(error, Refusal::NotRegular { .. }), "{error}");
        let error = project
            .read_text(&dir.path().join("big.txt"), KIB)
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            format!(
                "{} is larger than 1 KiB",
                dir.path().join("big.txt").display()
            )
        );
    }

    #[cfg(unix)]
    #[test]
    fn walks_end_at_symlink_loops_and_yield_each_file_once() {
        let dir = tempfile::tempdir().unwrap();
        let style = dir.path().join("styles/Loop");
        std::fs::create_dir_all(&style).unwrap();
        std::fs::write(style.join("A.yml"), "x").unwrap();
        std::os::unix::fs::symlink("..", style.join("up")).unwrap();
        std::os::unix::fs::symlink("..", style.join("up2")).unwrap();
        std::os::unix::fs::symlink("/", style.join("root")).unwrap();
        let project = project(dir.path());
        let files = project
            .walk(&style, &|_, _| true, &|_, name| name.ends_with(".yml"))
            .unwrap();
        assert_eq!(files, [style.join("A.yml")]);
    }
}
