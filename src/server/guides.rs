//! Which guide checks which document, and keeping the last good one.
//!
//! Each document uses the guide named in the settings, else the nearest
//! `copydesk.toml` above it, else the built-in guide. Finding, loading and
//! caching guides is `resolve::Resolver`'s, as for every front end; this is
//! the editor's policy on top. Guide files are reloaded when the client
//! reports a change (or, for clients that cannot watch files, when a check
//! finds the file's size or time changed). A guide that fails to load never
//! replaces a good one: the store keeps using the last good checker (or the
//! built-in one) and reports each failed load once, with where in the file
//! the problem is.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use crate::check::{CheckOptions, Checker};
use crate::guide::{FILE_NAME, GuideError};
use crate::resolve::{ResolveError, Resolver};

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

impl GuideProblem {
    fn new(path: &Path, error: &ResolveError) -> GuideProblem {
        let (location, detail) = match error {
            ResolveError::Guide(error) => match error.as_ref() {
                GuideError::Invalid {
                    line,
                    column,
                    message,
                    ..
                } => (Some((*line, *column)), message.clone()),
                // Read errors, key messages, Vale styles: the message
                // names the file (and line) at fault.
                other => (None, other.to_string()),
            },
            other => (None, other.to_string()),
        };
        GuideProblem {
            path: path.to_path_buf(),
            message: error.to_string(),
            detail,
            location,
            // Read again only to place the diagnostic.
            text: std::fs::read_to_string(path).ok(),
        }
    }
}

/// The file names whose changes the client should report (as
/// `**/<name>`): `copydesk.toml`, and the file name of the configured guide
/// (setting `guidePath`) when it has another.
pub fn watched_names(configured: Option<&str>) -> Vec<String> {
    let mut names = vec![FILE_NAME.to_owned()];
    if let Some(name) = configured
        .map(Path::new)
        .and_then(|path| path.file_name().map(|n| n.to_string_lossy().into_owned()))
        .filter(|name| name != FILE_NAME)
    {
        names.push(name);
    }
    names
}

/// Whether a file the client reports changed is a guide file: any
/// `copydesk.toml`, or the configured guide.
pub fn is_guide_file(path: &Path, configured: Option<&str>) -> bool {
    path.file_name().is_some_and(|name| name == FILE_NAME)
        || configured.is_some_and(|configured| path.ends_with(configured.trim_start_matches("./")))
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
    resolver: Resolver,
    /// Each loaded guide file's stamp when it was (last) loaded.
    stamps: HashMap<PathBuf, Option<Stamp>>,
    /// Guide files whose last load failed.
    broken: HashSet<PathBuf>,
}

impl Default for GuideStore {
    fn default() -> GuideStore {
        GuideStore::new(CheckOptions::default())
    }
}

impl GuideStore {
    pub fn new(options: CheckOptions) -> GuideStore {
        GuideStore {
            // The `platforms` setting names platforms a guide may not know:
            // the server warns and checks on (`State::snapshot`).
            resolver: Resolver::new(None, options).ignoring_unknown_platforms(),
            stamps: HashMap::new(),
            broken: HashSet::new(),
        }
    }

    /// Use these platforms for posts whose front matter names none (the
    /// `platforms` setting): every checker is rebuilt over the same guides,
    /// the last good ones included. Returns whether anything changed.
    pub fn set_platforms(&mut self, platforms: &[String]) -> bool {
        if self.resolver.options().platforms == platforms {
            return false;
        }
        let options = CheckOptions {
            platforms: platforms.to_vec(),
            ..self.resolver.options().clone()
        };
        self.resolver.set_options(options);
        true
    }

    pub fn platforms(&self) -> &[String] {
        &self.resolver.options().platforms
    }

    /// The guide file for a document (`resolve::Resolver::editor_guide_file`).
    pub fn guide_file(
        &mut self,
        document: Option<&Path>,
        configured: Option<&str>,
        roots: &[PathBuf],
    ) -> Option<PathBuf> {
        self.resolver.editor_guide_file(document, configured, roots)
    }

    /// Find every document's guide file again: files the client does not
    /// watch (`.vale.ini`, or any file without watching) may have appeared.
    pub fn rediscover(&mut self) {
        self.resolver.forget_discovery();
    }

    /// The checker for a document using the guide at `path` (`None`: the
    /// built-in guide), loading the file the first time.
    pub fn checker(&mut self, path: Option<&Path>, events: &mut Vec<GuideEvent>) -> Arc<Checker> {
        let Some(path) = path else {
            return self.resolver.builtin_checker();
        };
        if self.resolver.is_loaded(Some(path)) {
            return match self.resolver.checker_in(Some(path)) {
                Ok(checker) => checker,
                Err(_) => self.last_good(path),
            };
        }
        // A load: its outcome is reported, once.
        self.stamps.insert(path.to_path_buf(), stamp(path));
        let loaded = self.resolver.checker_in(Some(path));
        // Vale rules copydesk cannot run are not shown in the editor.
        drop(self.resolver.take_warnings());
        match loaded {
            Ok(checker) => {
                if self.broken.remove(path) {
                    events.push(GuideEvent::Repaired(path.to_path_buf()));
                }
                checker
            }
            Err(error) => {
                self.broken.insert(path.to_path_buf());
                events.push(GuideEvent::Broken(GuideProblem::new(path, &error)));
                self.last_good(path)
            }
        }
    }

    fn last_good(&mut self, path: &Path) -> Arc<Checker> {
        match self.resolver.last_good(Some(path)) {
            Some(checker) => checker,
            None => self.resolver.builtin_checker(),
        }
    }

    /// Reload `path` if its size or time changed since it was loaded.
    /// Returns whether the guide was reloaded.
    pub fn refresh_if_changed(&mut self, path: &Path, events: &mut Vec<GuideEvent>) -> bool {
        let current = stamp(path);
        match self.stamps.get(path) {
            Some(loaded) if self.resolver.is_loaded(Some(path)) && *loaded == current => false,
            _ => {
                self.resolver.invalidate(path);
                self.checker(Some(path), events);
                true
            }
        }
    }

    /// Reload a guide file the client says changed, if it was loaded; a
    /// broken file keeps the last good checker.
    pub fn reload(&mut self, path: &Path, events: &mut Vec<GuideEvent>) {
        if self.resolver.is_loaded(Some(path)) {
            self.resolver.invalidate(path);
            self.checker(Some(path), events);
        }
    }

    /// Forget a deleted guide file; the next [`checker`](Self::checker)
    /// call for that path loads it afresh.
    pub fn forget(&mut self, path: &Path, events: &mut Vec<GuideEvent>) {
        self.resolver.forget(path);
        self.stamps.remove(path);
        if self.broken.remove(path) {
            events.push(GuideEvent::Repaired(path.to_path_buf()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_copydesk_toml_and_the_configured_guide_are_watched() {
        assert_eq!(watched_names(None), ["copydesk.toml"]);
        assert_eq!(
            watched_names(Some("brand/copydesk.toml")),
            ["copydesk.toml"]
        );
        assert_eq!(
            watched_names(Some("./brand/voice.toml")),
            ["copydesk.toml", "voice.toml"]
        );
        assert!(is_guide_file(Path::new("/site/team/copydesk.toml"), None));
        assert!(!is_guide_file(Path::new("/site/team/voice.toml"), None));
        assert!(is_guide_file(
            Path::new("/site/brand/voice.toml"),
            Some("./brand/voice.toml")
        ));
        assert!(!is_guide_file(
            Path::new("/site/other/voice.toml"),
            Some("brand/voice.toml")
        ));
    }

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
