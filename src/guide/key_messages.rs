//! Curated key messages named by `[sharing] key_messages`: files or folders
//! relative to the guide file. Reading them is the only IO here, done once
//! when a guide is loaded, so rules only ever see text.
//!
//! A file holds one message, or several separated by a line that is only
//! `---`. Folders are walked recursively for `.md`, `.markdown` and `.txt`
//! files, in path order.

use std::path::{Path, PathBuf};

use super::GuideError;

/// One curated message, with where it came from (for messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyMessage {
    /// The file, as named relative to the guide (`key-messages/launch.md`),
    /// with `#N` appended when the file holds several messages.
    pub source: String,
    pub text: String,
    /// The file it was read from, made absolute (lexically), so that a
    /// check can tell a key-message file from a post.
    pub path: PathBuf,
}

const EXTENSIONS: [&str; 3] = ["md", "markdown", "txt"];

/// Read every key message under `entries`, resolved against `root`.
pub fn load(root: &Path, entries: &[String]) -> Result<Vec<KeyMessage>, GuideError> {
    let mut messages = Vec::new();
    for entry in entries {
        let path = root.join(entry);
        let metadata = std::fs::metadata(&path).map_err(|source| read_error(&path, source))?;
        let mut files = Vec::new();
        if metadata.is_dir() {
            collect_files(&path, &mut files)?;
            files.sort();
        } else {
            files.push(path);
        }
        for file in files {
            let bytes = std::fs::read(&file).map_err(|source| read_error(&file, source))?;
            let text = String::from_utf8(bytes).map_err(|_| {
                read_error(
                    &file,
                    std::io::Error::new(std::io::ErrorKind::InvalidData, "it is not UTF-8 text"),
                )
            })?;
            let shown = file
                .strip_prefix(root)
                .unwrap_or(&file)
                .display()
                .to_string();
            let parts = split_messages(&text);
            let several = parts.len() > 1;
            for (index, part) in parts.into_iter().enumerate() {
                let source = if several {
                    format!("{shown}#{}", index + 1)
                } else {
                    shown.clone()
                };
                messages.push(KeyMessage {
                    source,
                    text: part.to_owned(),
                    path: std::path::absolute(&file).unwrap_or_else(|_| file.clone()),
                });
            }
        }
    }
    Ok(messages)
}

fn collect_files(folder: &Path, out: &mut Vec<PathBuf>) -> Result<(), GuideError> {
    let entries = std::fs::read_dir(folder).map_err(|source| read_error(folder, source))?;
    for entry in entries {
        let entry = entry.map_err(|source| read_error(folder, source))?;
        let path = entry.path();
        let file_type = entry
            .file_type()
            .map_err(|source| read_error(&path, source))?;
        if file_type.is_dir() {
            collect_files(&path, out)?;
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            out.push(path);
        }
    }
    Ok(())
}

/// Split on lines that are only `---`; drop empty parts.
fn split_messages(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        if line.trim() == "---" {
            parts.push(&text[start..line_start]);
            start = line_start + line.len();
        }
        line_start += line.len();
    }
    parts.push(&text[start..]);
    parts.retain(|part| !part.trim().is_empty());
    parts
}

fn read_error(path: &Path, source: std::io::Error) -> GuideError {
    GuideError::KeyMessages {
        path: path.display().to_string(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_split_on_rule_lines() {
        assert_eq!(
            split_messages("One message.\n---\nTwo\nlines.\n---\n\n"),
            ["One message.\n", "Two\nlines.\n"]
        );
        assert_eq!(split_messages("Just one."), ["Just one."]);
    }

    #[test]
    fn folders_are_walked_and_missing_files_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("km/sub")).unwrap();
        std::fs::write(dir.path().join("km/a.md"), "First.").unwrap();
        std::fs::write(dir.path().join("km/sub/b.txt"), "Second.\n---\nThird.").unwrap();
        std::fs::write(dir.path().join("km/skip.png"), [0xff, 0xfe]).unwrap();
        let messages = load(dir.path(), &["km".to_owned()]).unwrap();
        let sources: Vec<_> = messages.iter().map(|m| m.source.as_str()).collect();
        assert_eq!(sources, ["km/a.md", "km/sub/b.txt#1", "km/sub/b.txt#2"]);

        let error = load(dir.path(), &["missing.md".to_owned()]).unwrap_err();
        assert!(error.to_string().contains("missing.md"), "{error}");
    }
}
