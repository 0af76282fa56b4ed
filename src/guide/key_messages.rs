//! Curated key messages named by `[sharing] key_messages`: files or folders
//! relative to the guide file. Reading them is the only IO here, done once
//! when a guide is loaded, so rules only ever see text.
//!
//! A file holds one message, or several separated by a line that is only
//! `---`. Folders are walked recursively for `.md`, `.markdown` and `.txt`
//! files, in path order. Paths stay inside the guide's project and are read
//! within limits (`project_files`): regular files of at most 1 MiB each.

use std::path::{Path, PathBuf};

use crate::project_files::{Project, Refusal, TEXT_FILE_LIMIT};

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

/// Read every key message under `entries`, resolved against `root` (the
/// guide's folder) and kept inside `project`. An error gives the index of
/// the entry at fault.
pub fn load(
    project: &Project,
    root: &Path,
    entries: &[String],
) -> Result<Vec<KeyMessage>, (usize, Refusal)> {
    let mut messages = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        let at = |refusal: Refusal| (index, refusal);
        let path = project.resolve(root, Path::new(entry)).map_err(at)?;
        let metadata = std::fs::metadata(&path).map_err(|error| {
            at(Refusal::Io {
                path: path.display().to_string(),
                message: error.to_string(),
            })
        })?;
        let files = if metadata.is_dir() {
            project
                .walk(&path, &|_, _| true, &|file, _| has_message_extension(file))
                .map_err(at)?
        } else {
            vec![path]
        };
        for file in files {
            let text = project.read_text(&file, TEXT_FILE_LIMIT).map_err(at)?;
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

fn has_message_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
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
        let project = Project::for_guide(&dir.path().join("copydesk.toml"));
        let messages = load(&project, dir.path(), &["km".to_owned()]).unwrap();
        let sources: Vec<_> = messages.iter().map(|m| m.source.as_str()).collect();
        assert_eq!(sources, ["km/a.md", "km/sub/b.txt#1", "km/sub/b.txt#2"]);

        let (index, error) = load(
            &project,
            dir.path(),
            &["km".to_owned(), "missing.md".to_owned()],
        )
        .unwrap_err();
        assert_eq!(index, 1);
        assert!(error.to_string().contains("missing.md"), "{error}");
    }
}
