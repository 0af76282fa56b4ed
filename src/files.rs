//! Reading and writing the files the CLI checks. The only module of the core
//! crate besides `guide` that touches the file system.
//!
//! Reading refuses, with a typed error, what is not a draft: files over the
//! size limit, binary files (NUL bytes), invalid UTF-8. Writing is atomic
//! (a temporary file in the same folder, renamed over the original, with the
//! original's permissions) and refused if the file changed since it was read.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use crate::guide::Guide;

/// The size limit when the guide sets none: 10 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 10 * 1024 * 1024;

/// Extensions checked in folder walks, before the guide's own.
pub const DEFAULT_EXTENSIONS: &[&str] = &["md", "markdown", "mdx", "txt"];

/// The name of copydesk's own ignore file, read like `.gitignore`.
pub const IGNORE_FILE: &str = ".copydeskignore";

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("could not read file: {0}")]
    Io(#[from] std::io::Error),
    #[error(
        "file is {size} bytes, over the {limit}-byte limit (raise [files] max_bytes to check it)"
    )]
    TooLarge { size: u64, limit: u64 },
    /// Input whose size is not known in advance (standard input), which is
    /// read only up to one byte past the limit.
    #[error("input is over the {limit}-byte limit (raise [files] max_bytes to check it)")]
    OverLimit { limit: u64 },
    #[error("binary file (contains a NUL byte at offset {offset}); not checked")]
    Binary { offset: usize },
    #[error("not valid UTF-8 at line {line}, byte {byte}; save the file as UTF-8 to check it")]
    NotUtf8 { line: usize, byte: usize },
}

pub fn max_bytes(guide: &Guide) -> u64 {
    guide.config.files.max_bytes.unwrap_or(DEFAULT_MAX_BYTES)
}

/// Read a file as a draft.
pub fn read_draft(path: &Path, limit: u64) -> Result<String, ReadError> {
    let size = std::fs::metadata(path)?.len();
    if size > limit {
        return Err(ReadError::TooLarge { size, limit });
    }
    decode_draft(read_limited(std::fs::File::open(path)?, limit)?, limit)
}

/// Read at most `limit + 1` bytes: enough to tell that the input is over the
/// limit without holding more of it (standard input may never end).
pub fn read_limited(reader: impl Read, limit: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Decode bytes (from a file or standard input) as a draft.
pub fn decode_draft(bytes: Vec<u8>, limit: u64) -> Result<String, ReadError> {
    if bytes.len() as u64 > limit {
        return Err(ReadError::OverLimit { limit });
    }
    if let Some(offset) = memchr::memchr(0, &bytes) {
        return Err(ReadError::Binary { offset });
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(error) => {
            let valid = error.utf8_error().valid_up_to();
            let bytes = error.as_bytes();
            let line = memchr::memchr_iter(b'\n', &bytes[..valid]).count() + 1;
            Err(ReadError::NotUtf8 { line, byte: valid })
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("file changed on disk since it was read; not written (run again)")]
    Changed,
    #[error("could not write file: {0}")]
    Io(#[from] std::io::Error),
}

/// Replace `path`'s contents with `new_text`, atomically, only if the file
/// still holds `original`.
pub fn write_atomically(path: &Path, original: &str, new_text: &str) -> Result<(), WriteError> {
    let current = std::fs::read(path)?;
    if current != original.as_bytes() {
        return Err(WriteError::Changed);
    }
    let permissions = std::fs::metadata(path)?.permissions();
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut temporary = tempfile::Builder::new()
        .prefix(".copydesk-")
        .tempfile_in(folder)?;
    temporary.write_all(new_text.as_bytes())?;
    temporary.as_file().sync_all()?;
    std::fs::set_permissions(temporary.path(), permissions)?;
    // Check once more just before the rename, to keep the window small.
    if std::fs::read(path)? != original.as_bytes() {
        return Err(WriteError::Changed);
    }
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// What a command-line path expanded to.
#[derive(Debug, Default)]
pub struct Expanded {
    pub files: Vec<PathBuf>,
    /// Paths that matched nothing or could not be walked, with why.
    pub errors: Vec<(PathBuf, String)>,
}

/// [`expand_paths`] for paths that may each have their own guide, so their
/// own extra extensions (`extensions_for`, usually `[files] extensions` of
/// the guide for that path). Sorted and free of duplicates, like it.
pub fn expand_paths_each(
    paths: &[PathBuf],
    mut extensions_for: impl FnMut(&Path) -> Vec<String>,
) -> Expanded {
    let mut all = Expanded::default();
    for path in paths {
        let expanded = expand_paths(std::slice::from_ref(path), &extensions_for(path));
        all.files.extend(expanded.files);
        all.errors.extend(expanded.errors);
    }
    all.files.sort();
    all.files.dedup();
    all
}

/// Expand command-line paths: a file is taken whatever its extension; a
/// folder is walked (respecting .gitignore, .copydeskignore, skipping hidden
/// files) for files with `extensions`; anything else is tried as a glob.
/// The result is sorted and free of duplicates.
pub fn expand_paths(paths: &[PathBuf], extensions: &[String]) -> Expanded {
    let mut expanded = Expanded::default();
    for path in paths {
        if path.is_file() {
            expanded.files.push(path.clone());
        } else if path.is_dir() {
            walk(path, extensions, None, &mut expanded);
        } else if let Some(pattern) = path.to_str().filter(|p| has_glob_meta(p)) {
            expand_glob(pattern, extensions, &mut expanded);
        } else {
            expanded
                .errors
                .push((path.clone(), "no such file or folder".to_owned()));
        }
    }
    expanded.files.sort();
    expanded.files.dedup();
    expanded
}

fn has_glob_meta(text: &str) -> bool {
    text.contains(['*', '?', '[', '{'])
}

fn expand_glob(pattern: &str, extensions: &[String], expanded: &mut Expanded) {
    let matcher = match globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
    {
        Ok(glob) => glob.compile_matcher(),
        Err(error) => {
            expanded
                .errors
                .push((PathBuf::from(pattern), format!("invalid glob: {error}")));
            return;
        }
    };
    // Walk from the longest leading part without glob characters.
    let base: PathBuf = Path::new(pattern)
        .components()
        .take_while(|c| !has_glob_meta(&c.as_os_str().to_string_lossy()))
        .collect();
    let base = if base.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        base
    };
    let before = expanded.files.len();
    walk(&base, extensions, Some(&matcher), expanded);
    if expanded.files.len() == before {
        expanded
            .errors
            .push((PathBuf::from(pattern), "glob matched no files".to_owned()));
    }
}

fn walk(
    root: &Path,
    extensions: &[String],
    glob: Option<&globset::GlobMatcher>,
    expanded: &mut Expanded,
) {
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .add_custom_ignore_filename(IGNORE_FILE)
        .build();
    for entry in walker {
        match entry {
            Ok(entry) => {
                if !entry.file_type().is_some_and(|t| t.is_file()) {
                    continue;
                }
                let path = entry.path();
                let matches = match glob {
                    Some(glob) => glob.is_match(path.strip_prefix("./").unwrap_or(path)),
                    None => has_extension(path, extensions),
                };
                if matches {
                    expanded.files.push(path.to_path_buf());
                }
            }
            Err(error) => expanded
                .errors
                .push((root.to_path_buf(), error.to_string())),
        }
    }
}

fn has_extension(path: &Path, extensions: &[String]) -> bool {
    let Some(extension) = path.extension().and_then(|e| e.to_str()) else {
        return false;
    };
    DEFAULT_EXTENSIONS
        .iter()
        .any(|known| known.eq_ignore_ascii_case(extension))
        || extensions.iter().any(|known| {
            known
                .trim_start_matches('.')
                .eq_ignore_ascii_case(extension)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decoding_refuses_binary_and_invalid_utf8() {
        assert!(matches!(
            decode_draft(b"ab\0c".to_vec(), 100),
            Err(ReadError::Binary { offset: 2 })
        ));
        assert!(matches!(
            decode_draft(b"ok\nbad \xff here".to_vec(), 100),
            Err(ReadError::NotUtf8 { line: 2, byte: 7 })
        ));
        assert!(matches!(
            decode_draft(vec![b'a'; 10], 5),
            Err(ReadError::OverLimit { limit: 5 })
        ));
        assert_eq!(decode_draft(b"fine".to_vec(), 100).unwrap(), "fine");
    }

    #[test]
    fn atomic_write_refuses_a_changed_file() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("post.md");
        std::fs::write(&path, "old").unwrap();
        assert!(matches!(
            write_atomically(&path, "older", "new"),
            Err(WriteError::Changed)
        ));
        write_atomically(&path, "old", "new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
    }
}
