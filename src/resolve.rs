//! One resolver for every front end: which guide checks a file, the checker
//! built from it, and the model engine for a guide.
//!
//! The command line (`check`, `review`, `suggest`), the language server and
//! any other front end (a web page) find guides and make engines here, so the
//! rules are the same everywhere:
//!
//! - A file's guide is the one the front end names (`--config`), else the
//!   nearest `copydesk.toml` (or `.vale.ini`) above the file, else the
//!   built-in guide. Discovery is cached per folder and each guide file is
//!   loaded once; a guide that cannot be loaded gives the same error every
//!   time it is asked for, so a front end can report it once per guide. A
//!   front end that lives long invalidates a guide file when it changes and
//!   may keep using the checker of its last good version while it is broken.
//! - A model engine is made only after consent ([`consent`]): a guide whose
//!   `[llm]` chooses the connection needs the writer's recorded "allow"
//!   (`llm::trust`). The editor's own model settings are an explicit layer
//!   ([`ModelLayers`]) under the guide's `[llm]`; the guide is never copied
//!   or changed to carry them. Engines are cached by [`EngineKey`].
//!
//! This module reads guide files (through [`Guide::load`] and
//! [`guide::discover`]) and the consent store; it never prints, never asks
//! the writer anything and never sends a request. Asking for consent is the
//! front end's part (the server's `window/showMessageRequest`, the CLI's
//! `copydesk trust`).
//!
//! ```no_run
//! use std::path::Path;
//! use copydesk::resolve::{Engines, ModelLayers, Resolver};
//! use copydesk::CheckOptions;
//!
//! let mut resolver = Resolver::new(None, CheckOptions::default());
//! let checker = resolver.checker_for(Path::new("posts/launch.md"))?;
//! let findings = checker.check_text_at("Some draft.", copydesk::DocumentKind::Markdown, None);
//! // A model, only if the guide configures one and the writer allowed it:
//! let mut engines = Engines::default();
//! let engine = engines.get_or_build(checker.guide(), &ModelLayers::default());
//! # Ok::<(), copydesk::resolve::ResolveError>(())
//! ```

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::check::{CheckOptions, Checker};
use crate::guide::{self, Guide, GuideError, GuideSource, LlmConfig};
use crate::llm::trust::{self, TrustError};
use crate::llm::{Engine, EngineOptions, GuideLlm, SuggestError};
use crate::rules::RuleMeta;

/// Why a file has no guide or checker, or a selector is refused.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ResolveError {
    /// The guide file could not be loaded (the message names the file and,
    /// when inside it, the line and column).
    #[error(transparent)]
    Guide(Arc<GuideError>),
    /// A platform in the check options that neither copydesk nor the guide
    /// knows.
    #[error(
        "unknown platform “{name}” in --platform: expected one of {known}, or one defined under [sharing.limits.{name}] in the guide ({guide})"
    )]
    UnknownPlatform {
        name: String,
        known: String,
        guide: String,
    },
    /// A `--select`/`--ignore` selector no loaded guide knows.
    #[error(
        "unknown rule, category or Vale style “{selector}” in {flag}{hint} (see `copydesk rules`)"
    )]
    UnknownSelector {
        selector: String,
        flag: String,
        hint: String,
    },
}

/// Guides and checkers for a run over many files (the CLI), or for one
/// request at a time (a web page). Not shared between threads: a front end
/// that serves several at once puts it behind a lock.
pub struct Resolver {
    /// The guide every file uses, when the front end names one.
    guide_file: Option<PathBuf>,
    options: CheckOptions,
    /// The guide file found from each folder (`None`: the built-in guide).
    by_folder: HashMap<PathBuf, Option<PathBuf>>,
    /// Each guide file, loaded once, in the order first met.
    guides: HashMap<Option<PathBuf>, Result<Arc<Guide>, ResolveError>>,
    /// The checker last built for each guide; after the guide file is
    /// invalidated and fails to load again, its last good checker.
    checkers: HashMap<Option<PathBuf>, Arc<Checker>>,
    /// Warnings of guides loaded since [`take_warnings`](Self::take_warnings).
    warnings: Vec<String>,
    /// Whether a platform in `options` that the guide does not know makes
    /// the guide an error (the CLI's `--platform`), or is left to the front
    /// end to warn about (the editor's `platforms` setting).
    refuse_unknown_platforms: bool,
}

impl Resolver {
    /// `guide_file`: use this guide for every file instead of discovering
    /// one. `options` are the checkers' (selectors, platforms, Vale flags).
    pub fn new(guide_file: Option<PathBuf>, options: CheckOptions) -> Resolver {
        Resolver {
            guide_file,
            options,
            by_folder: HashMap::new(),
            guides: HashMap::new(),
            checkers: HashMap::new(),
            warnings: Vec::new(),
            refuse_unknown_platforms: true,
        }
    }

    /// Leave platforms the guide does not know out of its checks instead of
    /// refusing the guide (a front end that warns about them itself).
    #[must_use]
    pub fn ignoring_unknown_platforms(mut self) -> Resolver {
        self.refuse_unknown_platforms = false;
        self
    }

    pub fn options(&self) -> &CheckOptions {
        &self.options
    }

    /// Check with other options from now on: every checker is built again
    /// over the same guides (the last good ones of broken files included).
    pub fn set_options(&mut self, options: CheckOptions) {
        self.options = options;
        for checker in self.checkers.values_mut() {
            *checker = Arc::new(Checker::new(
                Arc::clone(checker.guide()),
                self.options.clone(),
            ));
        }
    }

    /// The guide file for `path` (a file or a folder): the named one, else
    /// the nearest above it; `None` means the built-in guide.
    pub fn guide_file_for(&mut self, path: &Path) -> Option<PathBuf> {
        if let Some(file) = &self.guide_file {
            return Some(file.clone());
        }
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let folder = if absolute.is_dir() {
            absolute
        } else {
            absolute.parent().map(Path::to_path_buf).unwrap_or_default()
        };
        if let Some(found) = self.by_folder.get(&folder) {
            return found.clone();
        }
        let found = guide::discover(&folder);
        self.by_folder.insert(folder, found.clone());
        found
    }

    /// The guide for `path`, loaded the first time its file is met.
    pub fn guide_for(&mut self, path: &Path) -> Result<Arc<Guide>, ResolveError> {
        let file = self.guide_file_for(path);
        self.guide_in(file.as_deref())
    }

    /// The checker for `path`, built once per guide.
    pub fn checker_for(&mut self, path: &Path) -> Result<Arc<Checker>, ResolveError> {
        let file = self.guide_file_for(path);
        self.checker_in(file.as_deref())
    }

    /// The guide in `file` (`None`: the built-in guide), loaded the first
    /// time it is asked for and again after [`invalidate`](Self::invalidate).
    pub fn guide_in(&mut self, file: Option<&Path>) -> Result<Arc<Guide>, ResolveError> {
        let key = file.map(Path::to_path_buf);
        if let Some(loaded) = self.guides.get(&key) {
            return loaded.clone();
        }
        let loaded = self.load(file);
        self.guides.insert(key, loaded.clone());
        loaded
    }

    /// The checker for the guide in `file` (`None`: the built-in guide),
    /// built once per loaded guide.
    pub fn checker_in(&mut self, file: Option<&Path>) -> Result<Arc<Checker>, ResolveError> {
        let guide = self.guide_in(file)?;
        let key = file.map(Path::to_path_buf);
        if let Some(checker) = self.checkers.get(&key)
            && Arc::ptr_eq(checker.guide(), &guide)
        {
            return Ok(Arc::clone(checker));
        }
        let checker = Arc::new(Checker::new(guide, self.options.clone()));
        self.checkers.insert(key, Arc::clone(&checker));
        Ok(checker)
    }

    /// The checker for the built-in guide, which always loads (an unknown
    /// platform is refused only through [`checker_for`](Self::checker_for)).
    pub fn builtin_checker(&mut self) -> Arc<Checker> {
        if let Some(checker) = self.checkers.get(&None) {
            return Arc::clone(checker);
        }
        let checker = Arc::new(Checker::new(Guide::builtin(), self.options.clone()));
        self.checkers.insert(None, Arc::clone(&checker));
        checker
    }

    /// Whether the guide in `file` was loaded (well or not) since it was
    /// last invalidated: a front end that reports each load's error once
    /// asks before [`checker_in`](Self::checker_in).
    pub fn is_loaded(&self, file: Option<&Path>) -> bool {
        self.guides.contains_key(&file.map(Path::to_path_buf))
    }

    /// The checker built from the last guide `file` loaded well, kept while
    /// the file is broken; `None` when it never loaded.
    pub fn last_good(&self, file: Option<&Path>) -> Option<Arc<Checker>> {
        self.checkers.get(&file.map(Path::to_path_buf)).cloned()
    }

    /// `file` changed on disk: load it again when next asked, keeping its
    /// [`last_good`](Self::last_good) checker. (A guide file that appeared
    /// changes which guide the folders below it use: see
    /// [`forget_folder`](Self::forget_folder).)
    pub fn invalidate(&mut self, file: &Path) {
        self.guides.remove(&Some(file.to_path_buf()));
    }

    /// `file` was deleted: forget it, its last good checker included, and
    /// find the guide again for the folders below it.
    pub fn forget(&mut self, file: &Path) {
        self.invalidate(file);
        self.checkers.remove(&Some(file.to_path_buf()));
        self.forget_folder(file.parent().unwrap_or(file));
    }

    /// Find the guide again for `folder` and every folder below it (a guide
    /// file appeared or disappeared there).
    pub fn forget_folder(&mut self, folder: &Path) {
        let absolute = std::path::absolute(folder).unwrap_or_else(|_| folder.to_path_buf());
        self.by_folder
            .retain(|known, _| !known.starts_with(&absolute));
    }

    /// Find every folder's guide again (files the front end does not watch,
    /// such as `.vale.ini`, may have appeared or disappeared).
    pub fn forget_discovery(&mut self) {
        self.by_folder.clear();
    }

    fn load(&mut self, file: Option<&Path>) -> Result<Arc<Guide>, ResolveError> {
        let guide = match file {
            Some(file) => {
                Arc::new(Guide::load(file).map_err(|e| ResolveError::Guide(Arc::new(e)))?)
            }
            None => Guide::builtin(),
        };
        if let Some(name) = self
            .options
            .platforms
            .iter()
            .filter(|_| self.refuse_unknown_platforms)
            .find(|name| crate::guide::platforms::resolve(&guide, name).is_none())
        {
            return Err(ResolveError::UnknownPlatform {
                name: name.clone(),
                known: crate::guide::platforms::known_names(),
                guide: guide.source.to_string(),
            });
        }
        // Rules a Vale configuration names but copydesk cannot run: said
        // once per guide, when it is loaded.
        for set in &guide.rule_sets {
            self.warnings
                .extend(set.warnings().iter().map(ToString::to_string));
        }
        Ok(guide)
    }

    /// The warnings of the guides loaded since the last call (rules a Vale
    /// configuration names that copydesk cannot run), each once.
    pub fn take_warnings(&mut self) -> Vec<String> {
        std::mem::take(&mut self.warnings)
    }

    /// Refuse a selector (`flag` is where it came from, as `--select`) that
    /// names a rule, category or Vale style no loaded guide has: a typo would
    /// select nothing, and pass. Says nothing when no guide loaded (their
    /// errors say it).
    pub fn check_selectors(&self, selectors: &[String], flag: &str) -> Result<(), ResolveError> {
        let loaded: Vec<&Arc<Guide>> = self
            .guides
            .values()
            .filter_map(|g| g.as_ref().ok())
            .collect();
        if loaded.is_empty() {
            return Ok(());
        }
        let sets: Vec<_> = loaded
            .iter()
            .flat_map(|guide| guide.rule_sets.iter().cloned())
            .collect();
        for selector in selectors {
            if !crate::rules::is_selector_of(selector, &sets) {
                return Err(ResolveError::UnknownSelector {
                    selector: selector.clone(),
                    flag: flag.to_owned(),
                    hint: crate::rules::unknown_selector_hint(selector, &sets),
                });
            }
        }
        Ok(())
    }

    /// The rules any checker built so far runs, in registry order.
    pub fn active_rules(&self) -> Vec<&'static RuleMeta> {
        let active: HashSet<&str> = self
            .checkers
            .values()
            .flat_map(|checker| checker.active_rule_ids())
            .collect();
        crate::rules::registry()
            .iter()
            .map(|factory| factory.meta)
            .filter(|meta| active.contains(meta.id))
            .collect()
    }
}

impl Resolver {
    /// The guide file for a document in an editor: the configured one
    /// (absolute, `~/`, or relative to the document's workspace root), else
    /// the nearest `copydesk.toml` above the document (or above the first
    /// workspace root, for documents that are not files; discovery cached
    /// per folder like [`guide_file_for`](Self::guide_file_for)); `None`
    /// means the built-in guide.
    pub fn editor_guide_file(
        &mut self,
        document: Option<&Path>,
        configured: Option<&str>,
        roots: &[PathBuf],
    ) -> Option<PathBuf> {
        let root = document
            .and_then(|path| roots.iter().find(|root| path.starts_with(root)))
            .or_else(|| roots.first());
        if let Some(configured) = configured.filter(|c| !c.trim().is_empty()) {
            let configured = expand_home(configured);
            if configured.is_absolute() {
                return Some(configured);
            }
            let base = root
                .cloned()
                .or_else(|| document.and_then(Path::parent).map(Path::to_path_buf))?;
            return Some(base.join(configured));
        }
        let start = document.or(root.map(PathBuf::as_path))?.to_path_buf();
        self.guide_file_for(&start)
    }
}

fn expand_home(path: &str) -> PathBuf {
    match (path.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => PathBuf::from(path),
    }
}

/// The model settings an engine is made with, besides the guide's `[llm]`:
/// the writer's own (the editor's `llm` settings), layered under the guide's
/// by [`LlmConfig::over_user`], and whether the guide's layer takes part.
#[derive(Debug, Clone, Default)]
pub struct ModelLayers {
    /// The writer's own settings; they need no consent.
    pub user: Option<LlmConfig>,
    /// [`GuideLlm::Leave`] after the writer declined the guide's connection.
    pub guide: GuideLlm,
}

impl ModelLayers {
    /// The writer's own settings over the guide's `[llm]`.
    pub fn user(user: Option<LlmConfig>) -> ModelLayers {
        ModelLayers {
            user,
            guide: GuideLlm::Use,
        }
    }

    /// The settings in effect for `guide`; `None`: no model, so no request.
    pub fn effective(&self, guide: &Guide) -> Option<LlmConfig> {
        let guide_layer = match self.guide {
            GuideLlm::Use => guide.config.llm.clone(),
            GuideLlm::Leave => None,
        };
        LlmConfig::over_user(guide_layer, self.user.clone())
    }

    fn engine_options(&self) -> EngineOptions {
        EngineOptions {
            user_llm: self.user.clone(),
            guide_llm: self.guide,
            ..EngineOptions::default()
        }
    }
}

/// Which engine serves a guide: the guide file (the built-in guide has
/// none), its content hash, and the model layers over it. Two keys are equal
/// exactly when the engines they stand for would be made the same way.
#[derive(Debug, Clone)]
pub struct EngineKey {
    guide_file: Option<PathBuf>,
    guide_hash: String,
    layers: ModelLayers,
}

impl EngineKey {
    pub fn new(guide: &Guide, layers: &ModelLayers) -> EngineKey {
        EngineKey {
            guide_file: match &guide.source {
                GuideSource::File(path) => Some(path.clone()),
                GuideSource::BuiltIn => None,
            },
            guide_hash: guide.hash.clone(),
            layers: layers.clone(),
        }
    }
}

/// `LlmConfig` holds an `f32`: compare and hash it by its bits, so the key
/// is a true equivalence (NaN equals itself, -0 differs from 0).
fn same_config(a: &LlmConfig, b: &LlmConfig) -> bool {
    a.base_url == b.base_url
        && a.model == b.model
        && a.api_key_env == b.api_key_env
        && a.timeout_secs == b.timeout_secs
        && a.max_concurrency == b.max_concurrency
        && a.temperature.map(f32::to_bits) == b.temperature.map(f32::to_bits)
        && a.cache == b.cache
        && a.prompts_dir == b.prompts_dir
        && a.api_version == b.api_version
        && a.deployment == b.deployment
        && a.extra_headers == b.extra_headers
}

fn hash_config(config: &LlmConfig, state: &mut impl Hasher) {
    config.base_url.hash(state);
    config.model.hash(state);
    config.api_key_env.hash(state);
    config.timeout_secs.hash(state);
    config.max_concurrency.hash(state);
    config.temperature.map(f32::to_bits).hash(state);
    config.cache.hash(state);
    config.prompts_dir.hash(state);
    config.api_version.hash(state);
    config.deployment.hash(state);
    config.extra_headers.hash(state);
}

impl PartialEq for EngineKey {
    fn eq(&self, other: &EngineKey) -> bool {
        self.guide_file == other.guide_file
            && self.guide_hash == other.guide_hash
            && self.layers.guide == other.layers.guide
            && match (&self.layers.user, &other.layers.user) {
                (Some(a), Some(b)) => same_config(a, b),
                (None, None) => true,
                _ => false,
            }
    }
}

impl Eq for EngineKey {}

impl Hash for EngineKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.guide_file.hash(state);
        self.guide_hash.hash(state);
        self.layers.guide.hash(state);
        match &self.layers.user {
            Some(config) => {
                1u8.hash(state);
                hash_config(config, state);
            }
            None => 0u8.hash(state),
        }
    }
}

/// The consent check every engine passes first: `Ok` when the layers leave
/// the guide's connection out, when the guide chooses none, or when the
/// writer allowed exactly this connection for exactly this guide file.
pub fn consent(guide: &Guide, layers: &ModelLayers) -> Result<(), TrustError> {
    match layers.guide {
        GuideLlm::Leave => Ok(()),
        GuideLlm::Use => trust::check(trust::grant_for(guide).as_ref()),
    }
}

/// Make the engine for `guide` under `layers`: consent first, then the
/// engine (which opens the cache and builds the guard's checker; call it
/// off an async executor). Fails with `SuggestError::Trust` without consent
/// and with `LlmError::NotConfigured` without a model.
pub fn build_engine(guide: Arc<Guide>, layers: &ModelLayers) -> Result<Engine, SuggestError> {
    consent(&guide, layers)?;
    Engine::new(guide, layers.engine_options())
}

/// Model engines by [`EngineKey`], made once each.
#[derive(Default)]
pub struct Engines {
    by_key: HashMap<EngineKey, Arc<Engine>>,
}

impl Engines {
    pub fn get(&self, key: &EngineKey) -> Option<Arc<Engine>> {
        self.by_key.get(key).cloned()
    }

    pub fn insert(&mut self, key: EngineKey, engine: Arc<Engine>) {
        self.by_key.insert(key, engine);
    }

    /// Forget every engine (after a guide or settings change, or a new
    /// consent).
    pub fn clear(&mut self) {
        self.by_key.clear();
    }

    /// The engine for `guide` under `layers`, made the first time
    /// ([`build_engine`]); `Ok((engine, true))` when it was made now.
    pub fn get_or_build(
        &mut self,
        guide: &Arc<Guide>,
        layers: &ModelLayers,
    ) -> Result<(Arc<Engine>, bool), SuggestError> {
        let key = EngineKey::new(guide, layers);
        if let Some(engine) = self.by_key.get(&key) {
            return Ok((Arc::clone(engine), false));
        }
        let engine = Arc::new(build_engine(Arc::clone(guide), layers)?);
        self.by_key.insert(key, Arc::clone(&engine));
        Ok((engine, true))
    }

    /// The model names of every engine made, each once, sorted.
    pub fn models(&self) -> Vec<String> {
        let mut models: Vec<String> = self
            .by_key
            .values()
            .map(|engine| engine.model().to_owned())
            .collect();
        models.sort();
        models.dedup();
        models
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(&path, text).expect("write");
        path
    }

    #[test]
    fn each_file_gets_its_nearest_guide_and_each_guide_loads_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let outer = write(
            dir.path(),
            "copydesk.toml",
            "[rules]\n\"concise/filler\" = \"off\"\n",
        );
        let inner = write(
            dir.path(),
            "team/copydesk.toml",
            "[rules]\n\"concise/filler\" = \"warning\"\n",
        );
        let a = write(dir.path(), "a.md", "x");
        let b = write(dir.path(), "team/posts/b.md", "x");
        let mut resolver = Resolver::new(None, CheckOptions::default());
        assert_eq!(resolver.guide_file_for(&a), Some(outer.clone()));
        assert_eq!(resolver.guide_file_for(&b), Some(inner));
        let first = resolver.checker_for(&a).expect("loads");
        let again = resolver.checker_for(&a).expect("loads");
        assert!(Arc::ptr_eq(&first, &again), "one checker per guide");
        assert!(!first.active_rule_ids().any(|id| id == "concise/filler"));
        let other = resolver.checker_for(&b).expect("loads");
        assert!(other.active_rule_ids().any(|id| id == "concise/filler"));

        let mut named = Resolver::new(Some(outer.clone()), CheckOptions::default());
        assert_eq!(named.guide_file_for(&b), Some(outer));
    }

    #[test]
    fn a_broken_guide_gives_the_same_error_each_time_and_others_still_load() {
        let dir = tempfile::tempdir().expect("temp dir");
        write(
            dir.path(),
            "broken/copydesk.toml",
            "[rules]\n\"concise/filer\" = \"error\"\n",
        );
        let bad = write(dir.path(), "broken/a.md", "x");
        let good = write(dir.path(), "fine/b.md", "x");
        let mut resolver = Resolver::new(None, CheckOptions::default());
        let first = resolver.guide_for(&bad).expect_err("broken").to_string();
        let second = resolver.guide_for(&bad).expect_err("broken").to_string();
        assert_eq!(first, second);
        assert!(first.contains("copydesk.toml:2:1"), "{first}");
        assert!(resolver.checker_for(&good).is_ok());
    }

    #[test]
    fn selectors_are_checked_against_the_loaded_guides() {
        let dir = tempfile::tempdir().expect("temp dir");
        let post = write(dir.path(), "a.md", "x");
        let mut resolver = Resolver::new(None, CheckOptions::default());
        // Nothing loaded yet: the guide's own error would say it.
        assert!(
            resolver
                .check_selectors(&["Nope.Rule".to_owned()], "--select")
                .is_ok()
        );
        resolver.checker_for(&post).expect("built-in guide");
        assert!(
            resolver
                .check_selectors(&["concise".to_owned()], "--select")
                .is_ok()
        );
        let error = resolver
            .check_selectors(&["Nope.Rule".to_owned()], "--select")
            .expect_err("unknown style");
        assert!(
            error.to_string().contains("“Nope.Rule” in --select"),
            "{error}"
        );
    }

    #[test]
    fn an_unknown_platform_is_the_guides_error() {
        let dir = tempfile::tempdir().expect("temp dir");
        let post = write(dir.path(), "a.md", "x");
        let options = CheckOptions {
            platforms: vec!["myspace".to_owned()],
            ..CheckOptions::default()
        };
        let mut resolver = Resolver::new(None, options);
        let Err(error) = resolver.checker_for(&post) else {
            panic!("an unknown platform must be refused");
        };
        assert!(
            error.to_string().starts_with("unknown platform “myspace”"),
            "{error}"
        );
    }

    /// Moved with `editor_guide_file` from server/guides.rs.
    #[test]
    fn configured_guides_resolve_against_the_workspace_root() {
        let roots = [PathBuf::from("/work/site")];
        let doc = Path::new("/work/site/posts/a.md");
        let mut resolver = Resolver::new(None, CheckOptions::default());
        assert_eq!(
            resolver.editor_guide_file(Some(doc), Some("brand/copydesk.toml"), &roots),
            Some(PathBuf::from("/work/site/brand/copydesk.toml"))
        );
        assert_eq!(
            resolver.editor_guide_file(Some(doc), Some("/etc/copydesk.toml"), &roots),
            Some(PathBuf::from("/etc/copydesk.toml"))
        );
    }

    #[test]
    fn a_guide_that_breaks_keeps_its_last_good_checker_until_it_loads_again() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = write(
            dir.path(),
            "copydesk.toml",
            "[rules]\n\"concise/filler\" = \"error\"\n",
        );
        let mut resolver = Resolver::new(None, CheckOptions::default());
        assert!(!resolver.is_loaded(Some(&file)));
        let good = resolver.checker_in(Some(&file)).expect("loads");
        assert!(resolver.is_loaded(Some(&file)));

        write(
            dir.path(),
            "copydesk.toml",
            "[rules]\n\"concise/filer\" = \"error\"\n",
        );
        // Not read again until invalidated.
        assert!(resolver.checker_in(Some(&file)).is_ok());
        resolver.invalidate(&file);
        assert!(!resolver.is_loaded(Some(&file)));
        let Err(error) = resolver.checker_in(Some(&file)) else {
            panic!("the broken guide must not load");
        };
        assert!(error.to_string().contains("copydesk.toml:2:1"), "{error}");
        let kept = resolver
            .last_good(Some(&file))
            .expect("the last good checker");
        assert!(Arc::ptr_eq(&good, &kept));

        write(
            dir.path(),
            "copydesk.toml",
            "[rules]\n\"concise/filler\" = \"off\"\n",
        );
        resolver.invalidate(&file);
        let repaired = resolver.checker_in(Some(&file)).expect("repaired");
        assert!(!repaired.active_rule_ids().any(|id| id == "concise/filler"));
        assert!(Arc::ptr_eq(
            &repaired,
            &resolver.last_good(Some(&file)).expect("kept")
        ));
        resolver.forget(&file);
        assert!(resolver.last_good(Some(&file)).is_none());
    }

    #[test]
    fn a_new_guide_file_is_found_after_its_folder_is_forgotten() {
        let dir = tempfile::tempdir().expect("temp dir");
        let post = write(dir.path(), "team/posts/a.md", "x");
        let mut resolver = Resolver::new(None, CheckOptions::default());
        let roots = [dir.path().to_path_buf()];
        let before = resolver.editor_guide_file(Some(&post), None, &roots);
        let created = write(dir.path(), "team/copydesk.toml", "");
        // Discovery is cached per folder until told.
        assert_eq!(
            resolver.editor_guide_file(Some(&post), None, &roots),
            before
        );
        resolver.forget_folder(dir.path().join("team").as_path());
        assert_eq!(
            resolver.editor_guide_file(Some(&post), None, &roots),
            Some(created.clone())
        );
        // Deleting it hands back to what is above.
        std::fs::remove_file(&created).expect("delete");
        resolver.forget(&created);
        assert_eq!(
            resolver.editor_guide_file(Some(&post), None, &roots),
            before
        );
    }

    #[test]
    fn unknown_platforms_can_be_left_to_the_front_end() {
        let options = CheckOptions {
            platforms: vec!["myspace".to_owned()],
            ..CheckOptions::default()
        };
        let dir = tempfile::tempdir().expect("temp dir");
        let file = write(dir.path(), "copydesk.toml", "");
        let mut resolver = Resolver::new(None, options.clone()).ignoring_unknown_platforms();
        assert!(resolver.checker_in(Some(&file)).is_ok());
        let mut strict = Resolver::new(None, options);
        assert!(strict.checker_in(Some(&file)).is_err());
    }

    fn llm(model: &str, temperature: Option<f32>) -> LlmConfig {
        LlmConfig {
            model: Some(model.to_owned()),
            temperature,
            ..LlmConfig::default()
        }
    }

    #[test]
    fn engine_keys_differ_exactly_when_the_engine_would() {
        let guide = Guide::builtin();
        let key = |layers: &ModelLayers| EngineKey::new(&guide, layers);
        let set: HashSet<EngineKey> = [
            key(&ModelLayers::default()),
            key(&ModelLayers::user(Some(llm("a", Some(0.2))))),
            key(&ModelLayers::user(Some(llm("a", Some(0.2))))),
            key(&ModelLayers::user(Some(llm("a", Some(0.3))))),
            key(&ModelLayers::user(Some(llm("b", Some(0.2))))),
            key(&ModelLayers {
                user: Some(llm("a", Some(0.2))),
                guide: GuideLlm::Leave,
            }),
            key(&ModelLayers::user(Some(llm("a", Some(f32::NAN))))),
            key(&ModelLayers::user(Some(llm("a", Some(f32::NAN))))),
        ]
        .into_iter()
        .collect();
        assert_eq!(set.len(), 6, "{set:#?}");
    }

    #[test]
    fn the_writers_own_model_needs_no_consent_and_leaving_the_guide_drops_its_layer() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = write(
            dir.path(),
            "copydesk.toml",
            "[llm]\nbase_url = \"http://127.0.0.1:9/v1\"\nmodel = \"guide-model\"\n",
        );
        let guide = Guide::load(&file).expect("loads");
        let user = ModelLayers::user(Some(llm("own-model", None)));
        assert_eq!(
            user.effective(&guide).and_then(|c| c.model),
            Some("guide-model".to_owned()),
            "the guide wins key by key"
        );
        let leave = ModelLayers {
            guide: GuideLlm::Leave,
            ..user
        };
        assert_eq!(
            leave.effective(&guide).and_then(|c| c.model),
            Some("own-model".to_owned())
        );
        assert!(consent(&guide, &leave).is_ok());
        assert!(guide.config.llm.is_some(), "the guide is not changed");
        assert!(
            ModelLayers::default()
                .effective(&Guide::builtin())
                .is_none()
        );
    }
}
