//! Which guide checks which document, and keeping the last good one.
//!
//! Each document uses the guide named in the settings, else the nearest
//! `copydesk.toml` above it, else the built-in guide. Guide files are loaded
//! once and reloaded when the client reports a change (or, for clients that
//! cannot watch files, when a check finds the file's size or time changed).
//! A guide that fails to load never replaces a good one: the store keeps
//! using the last good checker (or the built-in one) and reports the problem
//! once, with where in the file it is.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use crate::check::{CheckOptions, Checker};
use crate::guide::{Guide, GuideError};

/// A guide file's size and modification time, to notice changes cheaply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
}

fn stamp(path: &Path) -> Option<Stamp> {
    let metadata = std::fs::metadata(path).ok()?;
    Some(Stamp {
        len: metadata.len(),
        modified: metadata.modified().ok(),
    })
}

/// Why a guide file could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuideProblem {
    pub path: PathBuf,
    /// The whole error, as `copydesk check` prints it.
    pub message: String,
    /// The error without the file and position in front.
    pub detail: String,
    /// 1-based line and character column inside the file, when known.
    pub location: Option<(usize, usize)>,
    /// The file's text, to convert the location to the client's encoding.
    pub text: Option<String>,
}

struct LoadedGuide {
    checker: Arc<Checker>,
    stamp: Option<Stamp>,
    problem: Option<GuideProblem>,
}

/// What changed when a guide file was (re)loaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GuideEvent {
    /// The file is broken; the server keeps the last good guide.
    Broken(GuideProblem),
    /// The file was broken and is fine again.
    Repaired(PathBuf),
}

pub struct GuideStore {
    builtin: Arc<Checker>,
    files: HashMap<PathBuf, LoadedGuide>,
    options: CheckOptions,
}

impl Default for GuideStore {
    fn default() -> GuideStore {
        GuideStore::new(CheckOptions::default())
    }
}

impl GuideStore {
    pub fn new(options: CheckOptions) -> GuideStore {
        GuideStore {
            builtin: Arc::new(Checker::new(Guide::builtin(), options.clone())),
            files: HashMap::new(),
            options,
        }
    }

    /// Use these platforms for posts whose front matter names none (the
    /// `platforms` setting): every checker is rebuilt over the same guides,
    /// the last good ones included. Returns whether anything changed.
    pub fn set_platforms(&mut self, platforms: &[String]) -> bool {
        if self.options.platforms == platforms {
            return false;
        }
        self.options.platforms = platforms.to_vec();
        let options = &self.options;
        let rebuild = |checker: &Arc<Checker>| {
            Arc::new(Checker::new(Arc::clone(checker.guide()), options.clone()))
        };
        self.builtin = rebuild(&self.builtin);
        for loaded in self.files.values_mut() {
            loaded.checker = rebuild(&loaded.checker);
        }
        true
    }

    pub fn platforms(&self) -> &[String] {
        &self.options.platforms
    }

    /// The checker for a document using the guide at `path` (`None`: the
    /// built-in guide), loading the file the first time.
    pub fn checker(&mut self, path: Option<&Path>, events: &mut Vec<GuideEvent>) -> Arc<Checker> {
        let Some(path) = path else {
            return Arc::clone(&self.builtin);
        };
        if !self.files.contains_key(path) {
            self.load(path, events);
        }
        self.files.get(path).map_or_else(
            || Arc::clone(&self.builtin),
            |loaded| Arc::clone(&loaded.checker),
        )
    }

    /// Reload `path` if its size or time changed since it was loaded.
    /// Returns whether the guide was reloaded.
    pub fn refresh_if_changed(&mut self, path: &Path, events: &mut Vec<GuideEvent>) -> bool {
        let current = stamp(path);
        match self.files.get(path) {
            Some(loaded) if loaded.stamp == current => false,
            _ => {
                self.load(path, events);
                true
            }
        }
    }

    /// Reload a guide file the client says changed, if it was loaded; a
    /// broken file keeps the last good checker.
    pub fn reload(&mut self, path: &Path, events: &mut Vec<GuideEvent>) {
        if self.files.contains_key(path) {
            self.load(path, events);
        }
    }

    /// Forget a deleted guide file; the next [`checker`](Self::checker)
    /// call for that path loads it afresh.
    pub fn forget(&mut self, path: &Path, events: &mut Vec<GuideEvent>) {
        if let Some(loaded) = self.files.remove(path)
            && loaded.problem.is_some()
        {
            events.push(GuideEvent::Repaired(path.to_path_buf()));
        }
    }

    fn load(&mut self, path: &Path, events: &mut Vec<GuideEvent>) {
        let stamp_before = stamp(path);
        let previous = self.files.remove(path);
        let had_problem = previous.as_ref().is_some_and(|p| p.problem.is_some());
        let last_good = previous.map_or_else(|| Arc::clone(&self.builtin), |p| p.checker);
        // The same loading as the CLI (key messages, Vale configurations).
        let result = Guide::load(path);
        let loaded = match result {
            Ok(guide) => {
                if had_problem {
                    events.push(GuideEvent::Repaired(path.to_path_buf()));
                }
                LoadedGuide {
                    checker: Arc::new(Checker::new(Arc::new(guide), self.options.clone())),
                    stamp: stamp_before,
                    problem: None,
                }
            }
            Err(error) => {
                let (location, detail) = match &error {
                    GuideError::Invalid {
                        line,
                        column,
                        message,
                        ..
                    } => (Some((*line, *column)), message.clone()),
                    // Read errors, key messages, Vale styles: the message
                    // names the file (and line) at fault.
                    other => (None, other.to_string()),
                };
                let problem = GuideProblem {
                    path: path.to_path_buf(),
                    message: error.to_string(),
                    detail,
                    location,
                    // Read again only to place the diagnostic.
                    text: std::fs::read_to_string(path).ok(),
                };
                events.push(GuideEvent::Broken(problem.clone()));
                LoadedGuide {
                    checker: last_good,
                    stamp: stamp_before,
                    problem: Some(problem),
                }
            }
        };
        self.files.insert(path.to_path_buf(), loaded);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_guide_keeps_the_last_good_checker_and_reports_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("copydesk.toml");
        std::fs::write(&path, "[rules]\n\"concise/filler\" = \"error\"\n").expect("write");
        let mut store = GuideStore::default();
        let mut events = Vec::new();
        let good = store.checker(Some(&path), &mut events);
        assert!(events.is_empty());
        assert!(good.active_rule_ids().any(|id| id == "concise/filler"));

        std::fs::write(&path, "[rules]\n\"concise/filer\" = \"error\"\n").expect("write");
        store.refresh_if_changed(&path, &mut events);
        let [GuideEvent::Broken(problem)] = events.as_slice() else {
            panic!("expected one problem, got {events:?}");
        };
        assert_eq!(problem.location, Some((2, 1)));
        assert!(
            problem.message.contains("did you mean"),
            "{}",
            problem.message
        );
        let kept = store.checker(Some(&path), &mut events);
        assert!(Arc::ptr_eq(&good, &kept), "the last good guide stays");

        events.clear();
        std::fs::write(&path, "[rules]\n\"concise/filler\" = \"off\"\n").expect("write");
        store.reload(&path, &mut events);
        let repaired = store.checker(Some(&path), &mut events);
        assert_eq!(events, [GuideEvent::Repaired(path.clone())]);
        assert!(!repaired.active_rule_ids().any(|id| id == "concise/filler"));
    }
}
