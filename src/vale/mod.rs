//! Vale styles as copydesk rules.
//!
//! [`ValeStyles::load`] reads a `.vale.ini`, the styles it names under
//! `StylesPath` (each `Style/Rule.yml` is the rule `Style.Rule`), the
//! vocabularies (`config/vocabularies/<Name>/accept.txt`, `reject.txt`) and
//! Vale's built-in `Vale` style, and compiles every rule once. All file
//! reading happens there, when the guide is loaded; errors name the file
//! (and line). Rules copydesk cannot run (a `script` using what its Tengo
//! interpreter lacks, `sequence` with part-of-speech tags, `spelling`
//! without a dictionary on disk, patterns its regex engines reject) are
//! skipped and reported once as warnings.
//!
//! Checking is pure: [`ValeStyles`] is a [`RuleSet`] the checker runs next
//! to the built-in rules. Which rules run for a file, and at which level,
//! follows Vale: a section's `BasedOnStyles` (the last matching glob
//! section wins, else `[*]`), then rule and style settings (a matching glob
//! section first, then `[*]`), then `MinAlertLevel`. copydesk's own
//! `[rules]` entries for a `Style.Rule` id come first of all.

mod checks;
mod config;
mod filter;
mod ini;
mod literals;
mod locate;
mod metric;
mod pattern;
mod prefilter;
mod rule;
pub mod rule_set;
mod scope;
mod script;
pub(crate) mod spelling;
mod yaml;

pub use locate::{MatchedIn, place_as_vale};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use rayon::prelude::*;

use self::checks::{BuildContext, BuildError, Check};
use self::config::{Config, SettingValue};
pub use self::filter::Filter;
use self::pattern::Pattern;
use self::prefilter::{BlockScan, Prefilter};
pub use self::rule::Level;
use self::rule::{Action, Hit, Rule, Unit};
pub use self::rule_set::document_budget;
use self::rule_set::{ExternalRule, RuleSet, RuleState, SetContext};
use self::scope::{Scope, UnitKind};
use self::spelling::{Dictionary, Speller, SpellerSource};
use self::yaml::Value;
use crate::document::{Block, BlockKind, Document};
use crate::finding::{Finding, Severity};
use crate::fix::Fixable;
use crate::project_files::{
    EXTRA_ROOTS_ENV, Limits, Project, Refusal, TEXT_FILE_LIMIT, read_regular_text,
};

/// File names of a Vale configuration, in the order Vale looks for them
/// in a folder.
pub const CONFIG_NAMES: &[&str] = &[".vale", "_vale", "vale.ini", ".vale.ini", "_vale.ini"];

/// Whether a path names a Vale configuration file: one of Vale's names, or
/// any `.ini` file (`vale --config team.ini`).
pub fn is_config_file(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|name| CONFIG_NAMES.contains(&name))
        || path.extension().is_some_and(|ext| ext == "ini")
}

/// The nearest Vale configuration at or above `start` (a file or folder).
pub fn discover(start: &Path) -> Option<PathBuf> {
    let start = if start.is_dir() {
        start
    } else {
        start.parent()?
    };
    start.ancestors().find_map(|dir| {
        CONFIG_NAMES
            .iter()
            .map(|name| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// What went wrong loading Vale's configuration or styles.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ValeError {
    #[error("{path}:{line}: {message}")]
    At {
        path: String,
        line: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    File { path: String, message: String },
    /// A file the configuration names that is outside its project, not a
    /// regular file, or too large (see `project_files`).
    #[error("{0}")]
    Refused(Refusal),
    /// A style `BasedOnStyles` names could not be read: Vale's `loadStyles`
    /// error.
    #[error("{0}")]
    LoadStyles(Box<ValeError>),
}

impl ValeError {
    /// Where Vale reports this error, in its `E100 [context] Runtime error`
    /// form, when Vale has one.
    pub fn vale_context(&self) -> Option<&'static str> {
        match self {
            ValeError::LoadStyles(_) => Some("loadStyles"),
            _ => None,
        }
    }
}

/// An error as Vale prints it (`E100 [context] Runtime error`, the message,
/// and Vale's closing line), for `--format vale-line`/`vale-json`.
pub fn vale_runtime_error(context: &str, message: &str) -> String {
    format!("E100 [{context}] Runtime error\n\n{message}\n\nExecution stopped with code 1.")
}

/// Vale's built-in style.
const BUILT_IN_STYLE: &str = "Vale";

/// A loaded `.vale.ini` with its compiled rules.
#[derive(Debug)]
pub struct ValeStyles {
    config: Config,
    rules: Vec<Rule>,
    infos: Vec<ExternalRule>,
    warnings: Vec<String>,
    /// Ids of rules skipped at load time: still valid selectors.
    skipped: Vec<String>,
    hash: u64,
    /// Per-file rule choices, by path.
    files: RwLock<HashMap<PathBuf, Arc<FileRules>>>,
    prefilter: Prefilter,
    /// Each rule's index in `rules`, by id: findings are matched to their
    /// rules by id, once each (a binary search compares strings that share
    /// their style's prefix).
    index_of: rustc_hash::FxHashMap<String, usize>,
    /// The rules' distinct scopes (most rules share a few), and per rule
    /// the index of its own: a block is matched against each once.
    scopes: Vec<Scope>,
    scope_of: Vec<usize>,
    /// Per rule: the first rule that finds exactly what it finds, in the
    /// same scope (see [`Check::search_key`]), or itself. The blocks' pass
    /// searches once for each such family and hands its hits to the rest.
    twin_of: Vec<usize>,
    /// Per rule: whether a later rule is its twin, so its hits are kept.
    has_twins: Vec<bool>,
}

/// Which rules run for one file, and what it ignores.
#[derive(Debug)]
struct FileRules {
    /// Per rule: the level it runs at, or `None` when this file leaves it off.
    levels: Vec<Option<Level>>,
    token_ignores: Vec<Pattern>,
    block_ignores: Vec<Pattern>,
}

struct Source {
    id: String,
    style: String,
    path: Option<PathBuf>,
    text: String,
}

impl ValeStyles {
    /// Read and compile a Vale configuration and everything it names.
    pub fn load(config_path: &Path) -> Result<ValeStyles, ValeError> {
        let display = config_path.display().to_string();
        let text =
            read_regular_text(config_path, TEXT_FILE_LIMIT).map_err(|e| ValeError::File {
                path: display.clone(),
                message: format!("could not read Vale configuration: {e}"),
            })?;
        let config = Config::parse(config_path, &text)?;
        let project = vale_project(&config)?;
        let mut warnings = config.warnings.clone();
        let mut hash_parts: Vec<Vec<u8>> = vec![text.clone().into_bytes()];

        let (accepted, rejected) = load_vocabularies(&config, &project, &mut hash_parts)?;
        let sources = collect_sources(&config, &project, &mut hash_parts, &mut warnings)?;
        let uses_built_in = config
            .based_on_styles()
            .iter()
            .any(|(s, _)| s == BUILT_IN_STYLE)
            || config
                .all_settings()
                .any(|s| style_of(&s.key) == BUILT_IN_STYLE && s.value.is_on());

        let accepted_ref = &accepted;
        let word_template = config.word_template.as_deref();
        // Script files read while compiling, for the hash.
        let scripts_read = std::sync::Mutex::new(Vec::new());
        let compiled: Vec<Result<Option<Rule>, ValeError>> = sources
            .par_iter()
            .map(|source| {
                let cx = BuildContext {
                    accepted: accepted_ref,
                    word_template,
                    spelling: &|yaml: &Value| {
                        speller_for(&config.styles_path, &project, yaml, accepted_ref)
                    },
                    script_file: &|name: &str| {
                        let (path, text) = script_file(&config.styles_path, &project, name)?;
                        if let Ok(mut read) = scripts_read.lock() {
                            read.push((path.clone(), text.clone()));
                        }
                        Ok((path, text))
                    },
                    rule_text: &source.text,
                };
                compile_rule(source, &cx)
            })
            .collect();
        let mut scripts_read = scripts_read.into_inner().unwrap_or_default();
        scripts_read.sort();
        for (path, text) in scripts_read {
            hash_parts.push(path.display().to_string().into_bytes());
            hash_parts.push(text.into_bytes());
        }
        let mut rules = Vec::new();
        let mut skipped = Vec::new();
        for (result, source) in compiled.into_iter().zip(&sources) {
            match result {
                Ok(Some(rule)) => rules.push(rule),
                Ok(None) => {}
                Err(ValeError::File { message, .. }) if message.starts_with("skipped: ") => {
                    skipped.push(source.id.clone());
                    warnings.push(format!(
                        "{} ({}): {message}",
                        source.id,
                        source
                            .path
                            .as_ref()
                            .map_or("built-in".to_owned(), |p| p.display().to_string())
                    ));
                }
                Err(error) => return Err(error),
            }
        }
        if uses_built_in {
            let built_in = built_in_rules(
                &config,
                &project,
                &accepted,
                &rejected,
                &mut warnings,
                &mut skipped,
            )?;
            rules.extend(built_in);
        }
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        for rule in &rules {
            let unknown = rule.scope.unknown_parts();
            if !unknown.is_empty() && !rule.scope.can_match() {
                warnings.push(format!(
                    "{} ({}): scope “{}” has no counterpart in copydesk's documents; the rule never runs",
                    rule.id,
                    source_label(rule),
                    unknown.join(", ")
                ));
            }
        }
        let infos = rules.iter().map(|rule| info(&config, rule)).collect();
        let parts: Vec<&[u8]> = hash_parts.iter().map(Vec::as_slice).collect();
        let hash = crate::hash::stable_hash(&parts);
        let prefilter = Prefilter::new(&rules);
        let mut scopes: Vec<Scope> = Vec::new();
        let scope_of: Vec<usize> = rules
            .iter()
            .map(|rule| {
                scopes
                    .iter()
                    .position(|s| *s == rule.scope)
                    .unwrap_or_else(|| {
                        scopes.push(rule.scope.clone());
                        scopes.len() - 1
                    })
            })
            .collect();
        let index_of = rules
            .iter()
            .enumerate()
            .map(|(index, rule)| (rule.id.clone(), index))
            .collect();
        let mut families = HashMap::new();
        let twin_of: Vec<usize> = rules
            .iter()
            .zip(&scope_of)
            .enumerate()
            .map(|(index, (rule, scope))| match rule.check.search_key() {
                Some(key) => *families.entry((*scope, key)).or_insert(index),
                None => index,
            })
            .collect();
        // The keys borrow the rules, which move into the styles below.
        drop(families);
        let mut has_twins = vec![false; rules.len()];
        for (index, &twin) in twin_of.iter().enumerate() {
            if twin != index {
                has_twins[twin] = true;
            }
        }
        Ok(ValeStyles {
            twin_of,
            has_twins,
            config,
            prefilter,
            index_of,
            scopes,
            scope_of,
            rules,
            infos,
            warnings,
            skipped,
            hash,
            files: RwLock::new(HashMap::new()),
        })
    }

    pub fn config_path(&self) -> &Path {
        &self.config.path
    }

    fn file_rules(&self, document: &Document) -> Arc<FileRules> {
        let path = document_path(document);
        if let Ok(files) = self.files.read()
            && let Some(found) = files.get(&path)
        {
            return Arc::clone(found);
        }
        let computed = Arc::new(self.compute_file_rules(&path));
        if let Ok(mut files) = self.files.write() {
            if files.len() > 4096 {
                files.clear();
            }
            files.insert(path, Arc::clone(&computed));
        }
        computed
    }

    fn compute_file_rules(&self, path: &Path) -> FileRules {
        let sections = self.config.sections_for(path);
        let mut base_styles: &[String] = self
            .config
            .global
            .based_on
            .as_ref()
            .map_or(&[], |(styles, _)| styles.as_slice());
        for section in &sections {
            if let Some((styles, _)) = &section.based_on {
                base_styles = styles;
            }
        }
        let lookup =
            |settings: &mut dyn Iterator<Item = &config::Setting>, id: &str, style: &str| {
                let mut by_rule = None;
                let mut by_style = None;
                for setting in settings {
                    if setting.key == id {
                        by_rule = Some(setting.value);
                    } else if setting.key == style {
                        by_style = Some(setting.value);
                    }
                }
                by_rule.or(by_style)
            };
        let levels = self
            .rules
            .iter()
            .map(|rule| {
                let local = lookup(
                    &mut sections.iter().flat_map(|s| &s.settings),
                    &rule.id,
                    &rule.style,
                );
                let global = lookup(
                    &mut self.config.global.settings.iter(),
                    &rule.id,
                    &rule.style,
                );
                let on = match local.or(global) {
                    Some(value) => value.is_on(),
                    None => base_styles.contains(&rule.style),
                };
                if !on {
                    return None;
                }
                let level = [local, global]
                    .into_iter()
                    .flatten()
                    .find_map(|value| match value {
                        SettingValue::Level(level) => Some(level),
                        _ => None,
                    })
                    .unwrap_or(rule.level);
                Some(level)
            })
            .collect();
        let compile_all = |patterns: &mut dyn Iterator<Item = &String>| {
            patterns
                .filter_map(|p| Pattern::compile(p).ok())
                .collect::<Vec<_>>()
        };
        let token_ignores = compile_all(
            &mut self
                .config
                .global
                .token_ignores
                .iter()
                .chain(sections.iter().flat_map(|s| &s.token_ignores)),
        );
        let block_ignores = compile_all(
            &mut self
                .config
                .global
                .block_ignores
                .iter()
                .chain(sections.iter().flat_map(|s| &s.block_ignores)),
        );
        FileRules {
            levels,
            token_ignores,
            block_ignores,
        }
    }

    /// The index in `rules` of the rule with id `id`.
    fn rule_index(&self, id: &str) -> Option<usize> {
        self.index_of.get(id).copied()
    }

    /// The severity a rule reports at in a file, or `None` when it does not
    /// run there.
    fn severity(
        &self,
        cx: &SetContext,
        index: usize,
        state: RuleState,
        file: &FileRules,
    ) -> Option<Severity> {
        match state {
            RuleState::Off => None,
            RuleState::On(Some(severity)) => Some(severity),
            RuleState::On(None) => Some(
                file.levels[index]
                    .unwrap_or(self.rules[index].level)
                    .severity(),
            ),
            RuleState::Auto => file.levels[index]
                .filter(|level| {
                    *level
                        >= cx
                            .vale_min_alert_level
                            .unwrap_or(self.config.min_alert_level)
                })
                .map(Level::severity),
        }
    }

    /// What one rule finds in the document as a whole: on the raw text,
    /// in images' alt text, and the checks that remember earlier units
    /// (metric rules are done by [`RuleSet::check_document`], which
    /// counts once for them all).
    fn check_whole(
        &self,
        document: &Document,
        rule: &Rule,
        severity: Severity,
        out: &mut Vec<Finding>,
        mut record: Option<&mut Replay>,
    ) {
        let source = document.text();
        let format = scope::format_part(document.kind());
        if rule.scope.matches(UnitKind::Raw, &["raw", format]) && !rule.check.is_document_level() {
            let unit = Unit {
                text: source,
                base: 0,
                block: None,
            };
            self.run_unit(rule, &unit, source, severity, None, out);
            return;
        }
        // Images' alt text: units of their own (Vale's `alt`, which
        // `text` reaches too), in the source.
        if !document.alt_texts.is_empty()
            && !rule.check.is_document_level()
            && rule
                .scope
                .matches(UnitKind::Block, &["text", format, "alt"])
        {
            for alt in &document.alt_texts {
                let unit = Unit {
                    text: &source[alt.clone()],
                    base: alt.start,
                    block: None,
                };
                self.run_unit(rule, &unit, source, severity, None, out);
            }
        }
        // These remember earlier units: they run in document order, and
        // the whole document shares one budget.
        let mut in_order = |hits_of: &mut dyn FnMut(&str) -> Vec<Hit>| {
            let ((), gave_up) = pattern::with_budget(|| {
                for_each_unit(document, rule, format, |unit| {
                    let hits = hits_of(unit.text);
                    self.emit(rule, &unit, source, &hits, false, severity, out);
                    if let Some(record) = record.as_deref_mut() {
                        record.units.push(hits);
                    }
                });
            });
            if gave_up {
                out.push(gave_up_finding(rule, 0));
            }
            if let Some(record) = record.as_deref_mut() {
                record.gave_up = gave_up;
            }
        };
        match &rule.check {
            Check::Consistency(consistency) => {
                let mut state = Vec::new();
                in_order(&mut |text| consistency.run(text, &mut state));
            }
            Check::Conditional(conditional) => {
                let mut defined = HashSet::new();
                in_order(&mut |text| conditional.run(text, &mut defined));
            }
            _ => {}
        }
    }

    /// The document pass's twin of rule `index`: its `twin_of` when it is
    /// a document-level rule, else itself (check_whole also runs block
    /// rules on alt text and raw scopes, which are not recorded).
    fn doc_twin(&self, index: usize) -> usize {
        match self.rules.get(index) {
            Some(rule) if rule.check.is_document_level() => {
                self.twin_of.get(index).copied().unwrap_or(index)
            }
            _ => index,
        }
    }

    /// What [`ValeStyles::check_whole`] would give `rule`, from the hits
    /// its twin (see `twin_of`) found: the same units, in the same order.
    fn replay(
        &self,
        document: &Document,
        rule: &Rule,
        severity: Severity,
        record: &Replay,
        out: &mut Vec<Finding>,
    ) {
        let source = document.text();
        let format = scope::format_part(document.kind());
        let mut units = record.units.iter();
        for_each_unit(document, rule, format, |unit| {
            if let Some(hits) = units.next() {
                self.emit(rule, &unit, source, hits, false, severity, out);
            }
        });
        if record.gave_up {
            out.push(gave_up_finding(rule, 0));
        }
    }

    fn skips(&self, block: &Block) -> bool {
        self.config
            .skipped_scopes
            .iter()
            .any(|tag| match tag.as_str() {
                "blockquote" => block.in_quote,
                "li" | "ul" | "ol" => block.kind == BlockKind::ListItem,
                "table" | "td" | "th" | "tr" | "thead" | "tbody" => {
                    block.kind == BlockKind::TableCell
                }
                "p" => block.kind == BlockKind::Paragraph,
                heading => match block.kind {
                    BlockKind::Heading(level) => heading == format!("h{level}"),
                    _ => false,
                },
            })
    }

    /// Run a rule on one unit of text under a search budget; a rule that
    /// gives up keeps what it found and adds one warning at `at`.
    fn run_unit(
        &self,
        rule: &Rule,
        unit: &Unit,
        source: &str,
        severity: Severity,
        starts: Option<&[usize]>,
        out: &mut Vec<Finding>,
    ) {
        if let Check::Script(script) = &rule.check {
            self.run_script(rule, script, unit, severity, unit_start(unit), out);
            return;
        }
        let (hits, gave_up) = search_unit(rule, unit, source, starts);
        self.emit(rule, unit, source, &hits, gave_up, severity, out);
    }

    /// [`ValeStyles::run_unit`] in the blocks' pass, where a rule's twins
    /// (see `twin_of`) share one search: the first of a family to run on a
    /// unit keeps its hits in `kept`, under the family and `place` (the
    /// block's index in the run, and the unit's), and the others take them
    /// from there.
    #[allow(clippy::too_many_arguments)]
    fn run_unit_in_run(
        &self,
        index: usize,
        unit: &Unit,
        source: &str,
        severity: Severity,
        starts: Option<&[usize]>,
        kept: &mut Kept,
        place: (usize, usize),
        out: &mut Vec<Finding>,
    ) {
        let Some(rule) = self.rules.get(index) else {
            return;
        };
        let twin = self.twin_of.get(index).copied().unwrap_or(index);
        if twin == index && !self.has_twins.get(index).copied().unwrap_or(false) {
            self.run_unit(rule, unit, source, severity, starts, out);
            return;
        }
        let key = (twin, place.0, place.1);
        if let Some((hits, gave_up)) = kept.get(&key) {
            self.emit(rule, unit, source, hits, *gave_up, severity, out);
            return;
        }
        let (hits, gave_up) = search_unit(rule, unit, source, starts);
        self.emit(rule, unit, source, &hits, gave_up, severity, out);
        kept.insert(key, (hits, gave_up));
    }

    /// A `script` rule on one unit: each match a finding, with the match's
    /// own message when it gives one (`%s` is the matched text, as in
    /// Vale); a script that stops is reported once per file, and the
    /// other rules go on.
    fn run_script(
        &self,
        rule: &Rule,
        script: &checks::ScriptCheck,
        unit: &Unit,
        severity: Severity,
        at: usize,
        out: &mut Vec<Finding>,
    ) {
        match script.run(unit.text) {
            Ok(matches) => {
                for found in matches {
                    let matched = &unit.text[found.begin..found.end];
                    let message = found.message.as_deref().unwrap_or(&rule.message);
                    let message = rule::format_message(message, &[matched.to_owned()]);
                    let span = unit.source_range(found.begin..found.end);
                    out.push(
                        Finding::new(&rule.id, span, severity, message)
                            .with_note(rule.note.clone()),
                    );
                }
            }
            Err(error) => out.push(
                Finding::new(
                    &rule.id,
                    at..at,
                    Severity::Warning,
                    format!("{} {GAVE_UP}: its script stopped: {error}", rule.id),
                )
                .with_note(Some(format!("Defined in {}.", source_label(rule))))
                .marked_cut_short(),
            ),
        }
    }

    /// A rule's findings from its hits on a unit, and the warning that it
    /// gave up there.
    #[allow(clippy::too_many_arguments)]
    fn emit(
        &self,
        rule: &Rule,
        unit: &Unit,
        source: &str,
        hits: &[Hit],
        gave_up: bool,
        severity: Severity,
        out: &mut Vec<Finding>,
    ) {
        out.extend(
            hits.iter()
                .filter_map(|hit| rule.finding(unit, source, hit, severity)),
        );
        if gave_up {
            out.push(gave_up_finding(rule, unit_start(unit)));
        }
    }
}

/// Where a rule that gives up on `unit` is reported: at the start of its
/// block (the server caches per block), or of its text outside blocks.
fn unit_start(unit: &Unit) -> usize {
    unit.block.map_or(unit.base, |block| block.span().start)
}

/// A rule's hits on one unit under a search budget (only from `starts`
/// when given, see [`Check::run_from`]), and whether it gave up.
fn search_unit(
    rule: &Rule,
    unit: &Unit,
    source: &str,
    starts: Option<&[usize]>,
) -> (Vec<Hit>, bool) {
    pattern::with_budget(|| match starts {
        Some(starts) => rule.check.run_from(unit, source, starts),
        None => rule.check.run(unit, source),
    })
}

/// The hits a rule family's first search found in a run of blocks (see
/// [`ValeStyles::run_unit_in_run`]), by family, block and unit.
type Kept = rustc_hash::FxHashMap<(usize, usize, usize), (Vec<Hit>, bool)>;

/// A document-level rule's hits, unit by unit in document order, for its
/// twins to [replay](ValeStyles::replay), and whether it gave up.
#[derive(Debug, Default)]
struct Replay {
    units: Vec<Vec<Hit>>,
    gave_up: bool,
}

/// A block in a run [`ValeStyles`] checks rule by rule: where its findings
/// go, what the prefilter found in it and in each sentence, and whether
/// each distinct scope reaches it and its sentences.
struct InRun<'a> {
    block: &'a Block,
    out: &'a mut Vec<Finding>,
    scan: BlockScan,
    reaches: Vec<(bool, bool)>,
}

/// The words that tell a reader a rule gave up (see `pattern`); such
/// findings are also [marked](Finding::marked_cut_short).
const GAVE_UP: &str = "gave up on this file";

/// The id of the warning that a style set ran out of its time on a
/// document ([`document_budget`]).
const BUDGET_RULE: &str = "Vale.Budget";

/// How many rules run (each on one block, or on the document) between two
/// looks at the clock.
const BUDGET_EVERY: usize = 16;

/// The warning that the style set's rules stopped on this document,
/// reported once per file (at the first place they stopped).
fn budget_finding(at: usize) -> Finding {
    Finding::new(
        BUDGET_RULE,
        at..at,
        Severity::Warning,
        format!(
            "{BUDGET_RULE} {GAVE_UP}: the styles' rules ran longer than {} s in all, so they did not check the rest of it (COPYDESK_VALE_BUDGET_SECS sets the limit)",
            document_budget().as_secs_f64()
        ),
    )
    .marked_cut_short()
}

/// The warning for a rule whose searches ran out of budget.
fn gave_up_finding(rule: &Rule, at: usize) -> Finding {
    Finding::new(
        &rule.id,
        at..at,
        Severity::Warning,
        gave_up_message(&rule.id),
    )
    .with_note(Some(format!("Defined in {}.", source_label(rule))))
    .marked_cut_short()
}

fn gave_up_message(what: &str) -> String {
    format!(
        "{what} {GAVE_UP}: a pattern needed more than {} backtracking steps, or {} s in all; its matches after that point are not reported",
        pattern::BACKTRACK_LIMIT,
        pattern::TIME_BUDGET.as_secs()
    )
}

fn source_label(rule: &Rule) -> String {
    rule.source
        .as_ref()
        .map_or_else(|| "built-in".to_owned(), |p| p.display().to_string())
}

/// The path Vale's sections are matched against: the document's own, or a
/// stand-in named for its kind (as Vale names standard input).
fn document_path(document: &Document) -> PathBuf {
    match document.path() {
        Some(path) => path.to_path_buf(),
        None => PathBuf::from(format!("stdin.{}", scope::format_part(document.kind()))),
    }
}

fn style_of(key: &str) -> &str {
    key.split('.').next().unwrap_or(key)
}

/// The project a Vale configuration may read from (see
/// `project_files`): the repository holding it, plus the user's
/// default styles folder and `DICPATH` when the configuration names
/// neither. A `StylesPath` outside the project is refused at its line.
fn vale_project(config: &Config) -> Result<Project, ValeError> {
    let mut extra: Vec<PathBuf> = std::env::var_os(EXTRA_ROOTS_ENV)
        .map(|value| std::env::split_paths(&value).collect())
        .unwrap_or_default();
    if config.styles_path_line.is_none() {
        extra.push(config.styles_path.clone());
    }
    if let Some(dicpath) = std::env::var_os("DICPATH") {
        extra.push(PathBuf::from(dicpath));
    }
    let project = Project::with_roots(&config.path, &extra, Limits::default());
    if let Some(line) = config.styles_path_line {
        project
            .check_inside(&config.styles_path)
            .map_err(|refusal| ValeError::At {
                path: config.path.display().to_string(),
                line,
                message: format!("StylesPath: {refusal}"),
            })?;
    }
    Ok(project)
}

fn read_lines(
    path: &Path,
    project: &Project,
    hash_parts: &mut Vec<Vec<u8>>,
) -> Result<Vec<String>, ValeError> {
    let text = project
        .read_text(path, TEXT_FILE_LIMIT)
        .map_err(ValeError::Refused)?;
    hash_parts.push(text.clone().into_bytes());
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(str::to_owned)
        .collect())
}

fn load_vocabularies(
    config: &Config,
    project: &Project,
    hash_parts: &mut Vec<Vec<u8>>,
) -> Result<(Vec<String>, Vec<String>), ValeError> {
    let mut accepted = Vec::new();
    let mut rejected = Vec::new();
    for (name, line) in &config.vocab {
        let candidates = [
            config
                .styles_path
                .join("config")
                .join("vocabularies")
                .join(name),
            config.styles_path.join("Vocab").join(name),
        ];
        let Some(dir) = candidates.iter().find(|dir| project.is_dir(dir)) else {
            return Err(ValeError::At {
                path: config.path.display().to_string(),
                line: *line,
                message: format!(
                    "vocabulary “{name}” not found: expected the folder {}",
                    candidates[0].display()
                ),
            });
        };
        for (file, list) in [("accept.txt", &mut accepted), ("reject.txt", &mut rejected)] {
            let path = dir.join(file);
            if path.exists() {
                list.extend(read_lines(&path, project, hash_parts)?);
            }
        }
    }
    Ok((accepted, rejected))
}

/// Rule files of every style the configuration names, and of rules it
/// turns on one by one.
fn collect_sources(
    config: &Config,
    project: &Project,
    hash_parts: &mut Vec<Vec<u8>>,
    warnings: &mut Vec<String>,
) -> Result<Vec<Source>, ValeError> {
    let config_display = config.path.display().to_string();
    let mut loaded_styles: HashSet<String> = HashSet::new();
    let mut sources: Vec<Source> = Vec::new();
    for (style, line) in config.based_on_styles() {
        if style == BUILT_IN_STYLE || !loaded_styles.insert(style.clone()) {
            continue;
        }
        let dir = config.styles_path.join(&style);
        // A style from `Packages` that `vale sync` has not put in
        // StylesPath: copydesk downloads nothing, so say so and go on.
        if !dir.is_dir()
            && let Some((_, package_line)) = config.packages.iter().find(|(p, _)| *p == style)
        {
            warnings.push(format!(
                "{config_display}:{package_line}: package “{style}” is not in StylesPath ({}): copydesk does not download packages; run `vale sync` once, or put the style there; its rules are skipped",
                config.styles_path.display()
            ));
            continue;
        }
        let at_line = |message: String| {
            ValeError::LoadStyles(Box::new(ValeError::At {
                path: config_display.clone(),
                line,
                message,
            }))
        };
        project
            .check_inside(&dir)
            .map_err(|refusal| at_line(format!("style “{style}”: {refusal}")))?;
        if !dir.is_dir() {
            return Err(at_line(format!(
                "style “{style}” not found: expected the folder {} (StylesPath is {})",
                dir.display(),
                config.styles_path.display()
            )));
        }
        // Folders starting with `.` or `_` are skipped, as Vale skips them.
        let files = project
            .walk(
                &dir,
                &|_, name| !name.starts_with('.') && !name.starts_with('_'),
                &|_, name| name.ends_with(".yml") && !name.ends_with("_test.yml"),
            )
            .map_err(|refusal| at_line(format!("style “{style}”: {refusal}")))?;
        for file in files {
            let relative = file.strip_prefix(&dir).unwrap_or(&file).with_extension("");
            let name: Vec<String> = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            sources.push(read_source(
                &style,
                &format!("{style}.{}", name.join(".")),
                file,
                project,
                hash_parts,
            )?);
        }
    }
    for setting in config.all_settings() {
        let style = style_of(&setting.key);
        if !setting.key.contains('.')
            || style == BUILT_IN_STYLE
            || loaded_styles.contains(style)
            || !setting.value.is_on()
            || sources.iter().any(|s| s.id == setting.key)
        {
            continue;
        }
        let parts: Vec<&str> = setting.key.split('.').collect();
        let mut file = config.styles_path.join(parts[0]);
        for part in &parts[1..] {
            file = file.join(part);
        }
        let file = file.with_extension("yml");
        project
            .check_inside(&file)
            .map_err(|refusal| ValeError::At {
                path: config_display.clone(),
                line: setting.line,
                message: format!("rule “{}”: {refusal}", setting.key),
            })?;
        if !file.is_file() {
            return Err(ValeError::At {
                path: config_display.clone(),
                line: setting.line,
                message: format!(
                    "rule “{}” not found: expected the file {}",
                    setting.key,
                    file.display()
                ),
            });
        }
        sources.push(read_source(style, &setting.key, file, project, hash_parts)?);
    }
    Ok(sources)
}

fn read_source(
    style: &str,
    id: &str,
    path: PathBuf,
    project: &Project,
    hash_parts: &mut Vec<Vec<u8>>,
) -> Result<Source, ValeError> {
    let text = project
        .read_text(&path, TEXT_FILE_LIMIT)
        .map_err(|refusal| ValeError::File {
            path: path.display().to_string(),
            message: format!("could not read rule: {refusal}"),
        })?;
    hash_parts.push(path.display().to_string().into_bytes());
    hash_parts.push(text.clone().into_bytes());
    Ok(Source {
        id: id.to_owned(),
        style: style.to_owned(),
        path: Some(path),
        text,
    })
}

/// A rule's spelling dictionaries and ignore files, from `StylesPath`.
fn speller_for(
    styles_path: &Path,
    project: &Project,
    yaml: &Value,
    accepted: &[String],
) -> Result<Speller, BuildError> {
    // As Vale: a rule that names no dictionary uses the built-in one only
    // (never `<StylesPath>/config/dictionaries/en_US.dic`); one that names
    // some uses those, and the built-in one too with `append: true`.
    let names = yaml
        .get("dictionaries")
        .map(Value::as_strings)
        .unwrap_or_default();
    let append = yaml.get("append").and_then(Value::as_bool).unwrap_or(false);
    let dic_dir = yaml
        .get("dicpath")
        .and_then(Value::as_str)
        .map(|p| styles_path.join(p))
        .or_else(|| std::env::var_os("DICPATH").map(PathBuf::from))
        .unwrap_or_else(|| styles_path.join("config").join("dictionaries"));
    // `dic` and `aff`: one pair of files, found on the StylesPath (or as
    // given), used instead of every other dictionary when both exist.
    let asset = |key: &str| {
        let given = PathBuf::from(yaml.get(key).and_then(Value::as_str)?);
        [styles_path.join(&given), given]
            .into_iter()
            .find(|p| project.is_file(p))
    };
    let pair = asset("dic").zip(asset("aff"));
    let names = if pair.is_some() { Vec::new() } else { names };
    let mut dictionaries = Vec::new();
    if let Some((dic, aff)) = pair {
        dictionaries.push(Dictionary::Pair { dic, aff });
    } else if names.is_empty() || append {
        dictionaries.push(Dictionary::BundledEnUs);
    }
    for name in &names {
        let dic = dic_dir.join(format!("{name}.dic"));
        if project.is_file(&dic) {
            dictionaries.push(Dictionary::File(dic));
        } else if name == "en_US" {
            if !dictionaries.contains(&Dictionary::BundledEnUs) {
                dictionaries.push(Dictionary::BundledEnUs);
            }
        } else {
            return Err(BuildError::Unsupported(format!(
                "no Hunspell dictionary {} (copydesk bundles only en_US; put {name}.dic and {name}.aff there)",
                dic.display()
            )));
        }
    }
    let mut ignore_files = Vec::new();
    for name in yaml
        .get("ignore")
        .map(Value::as_strings)
        .unwrap_or_default()
    {
        let candidates = [
            styles_path.join("config").join("ignore").join(&name),
            styles_path.join(&name),
        ];
        match candidates.iter().find(|p| project.is_file(p)) {
            Some(found) => ignore_files.push(found.clone()),
            None => {
                return Err(BuildError::Invalid(format!(
                    "ignore file “{name}” not found: expected {}",
                    candidates[0].display()
                )));
            }
        }
    }
    let filters = yaml
        .get("filters")
        .map(Value::as_strings)
        .unwrap_or_default();
    // The rule's own `exceptions` join the accepted vocabulary, as in Vale.
    let mut exceptions = yaml
        .get("exceptions")
        .map(Value::as_strings)
        .unwrap_or_default();
    exceptions.extend(accepted.iter().cloned());
    Speller::load(&SpellerSource {
        dictionaries,
        ignore_files,
        filters: &filters,
        custom_filters_only: yaml.get("custom").and_then(Value::as_bool).unwrap_or(false),
        accepted: &exceptions,
        project,
    })
    .map_err(BuildError::Invalid)
}

/// A script file a `script` rule names, from
/// `<StylesPath>/config/scripts/` (as Vale's `FindConfigAsset`), inside
/// the project like every other file a style names.
fn script_file(
    styles_path: &Path,
    project: &Project,
    name: &str,
) -> Result<(PathBuf, String), BuildError> {
    let path = styles_path.join("config").join("scripts").join(name);
    if !project.is_file(&path) {
        return Err(BuildError::Unsupported(format!(
            "script “{name}” not found: expected the file {}",
            path.display()
        )));
    }
    let text = project
        .read_text(&path, TEXT_FILE_LIMIT)
        .map_err(|refusal| BuildError::Unsupported(format!("could not read script: {refusal}")))?;
    Ok((path, text))
}

fn compile_rule(source: &Source, cx: &BuildContext) -> Result<Option<Rule>, ValeError> {
    let display = source
        .path
        .as_ref()
        .map_or_else(|| "built-in".to_owned(), |p| p.display().to_string());
    let yaml = yaml::parse(&source.text).map_err(|e| ValeError::At {
        path: display.clone(),
        line: e.line,
        message: format!("invalid YAML: {}", e.message),
    })?;
    build_rule(source, &yaml, cx)
        .map_err(|error| match error {
            BuildError::Invalid(message) => ValeError::File {
                path: display.clone(),
                message,
            },
            BuildError::Unsupported(message) => ValeError::File {
                path: display.clone(),
                message: format!("skipped: {message}"),
            },
        })
        .map(Some)
}

fn build_rule(source: &Source, yaml: &Value, cx: &BuildContext) -> Result<Rule, BuildError> {
    if !matches!(yaml, Value::Map(_)) {
        return Err(BuildError::Invalid(
            "a rule file must be a YAML map".to_owned(),
        ));
    }
    let extends = yaml
        .get("extends")
        .and_then(Value::as_str)
        .ok_or_else(|| BuildError::Invalid("missing the required key “extends”".to_owned()))?;
    let message = yaml
        .get("message")
        .and_then(Value::as_str)
        .ok_or_else(|| BuildError::Invalid("missing the required key “message”".to_owned()))?;
    let level = match yaml.get("level").and_then(Value::as_str) {
        Some(text) => Level::parse(text).ok_or_else(|| {
            BuildError::Invalid(format!(
                "level “{text}” must be suggestion, warning or error"
            ))
        })?,
        None => Level::Warning,
    };
    let check = Check::build(extends, yaml, cx)?;
    let scope = match &check {
        Check::Metric(_) => Scope::summary(),
        Check::Sequence(_) if yaml.get("scope").is_none() => Scope::parse(&["sentence".to_owned()]),
        _ => Scope::parse(&yaml.get("scope").map(Value::as_strings).unwrap_or_default()),
    };
    let action = match yaml.get("action") {
        Some(action) => Action {
            name: action
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            params: action
                .get("params")
                .map(Value::as_strings)
                .unwrap_or_default(),
        },
        None => Action::default(),
    };
    let text = |key: &str| {
        yaml.get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
            .to_owned()
    };
    let mut rule = Rule {
        id: source.id.clone(),
        style: source.style.clone(),
        source: source.path.clone(),
        extends: extends.to_owned(),
        message: message.to_owned(),
        description: text("description"),
        link: text("link"),
        level,
        scope,
        limit: yaml
            .get("limit")
            .and_then(Value::as_f64)
            .map_or(0, |n| n.max(0.0) as usize),
        action,
        check,
        note: None,
    };
    rule.note = rule.note();
    Ok(rule)
}

/// Vale's built-in style: `Vale.Repetition`, `Vale.Terms` (accepted
/// vocabulary, exact case), `Vale.Avoid` (rejected vocabulary) and
/// `Vale.Spelling` (the built-in en_US plus `config/dictionaries`).
fn built_in_rules(
    config: &Config,
    project: &Project,
    accepted: &[String],
    rejected: &[String],
    warnings: &mut Vec<String>,
    skipped: &mut Vec<String>,
) -> Result<Vec<Rule>, ValeError> {
    let quote_yaml = |s: &str| format!("'{}'", s.replace('\'', "''"));
    let mut definitions = vec![(
        "Repetition",
        "extends: repetition\nmessage: \"'%s' is repeated!\"\nlevel: error\nalpha: true\naction:\n  name: edit\n  params: [truncate, ' ']\ntokens: ['[^\\s]+']\n".to_owned(),
    )];
    // Vale.Spelling reads every word list under <StylesPath>/config/ignore.
    let mut ignore_files = Vec::new();
    list_files(
        &config.styles_path.join("config").join("ignore"),
        Path::new(""),
        &mut ignore_files,
    );
    ignore_files.sort();
    let ignore: String = ignore_files
        .iter()
        .map(|f| format!("  - {}\n", quote_yaml(&f.to_string_lossy())))
        .collect();
    let ignore = if ignore.is_empty() {
        String::new()
    } else {
        format!("ignore:\n{ignore}")
    };
    // …and every dictionary in <StylesPath>/config/dictionaries (an en_US.dic
    // there too), on top of the built-in en_US (`append`), as Vale does.
    let mut dictionaries: Vec<String> = Vec::new();
    if let Ok(entries) = std::fs::read_dir(config.styles_path.join("config").join("dictionaries")) {
        dictionaries = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "dic"))
            .filter_map(|p| Some(p.file_stem()?.to_string_lossy().into_owned()))
            .collect();
        dictionaries.sort();
    }
    let dictionaries: Vec<String> = dictionaries.iter().map(|d| quote_yaml(d)).collect();
    let ignore = if dictionaries.is_empty() {
        ignore
    } else {
        format!(
            "{ignore}append: true\ndictionaries: [{}]\n",
            dictionaries.join(", ")
        )
    };
    definitions.push((
        "Spelling",
        format!("extends: spelling\nmessage: \"Did you really mean '%s'?\"\nlevel: error\naction:\n  name: suggest\n  params: [spellings]\n{ignore}"),
    ));
    // Vale.Terms holds the accepted entries that are plain phrases
    // (letters, digits, spaces, hyphens): a pattern such as `(?i)GitHub`
    // or `[pP]y.*` is an exception elsewhere, never a spelling to enforce.
    let phrases: Vec<&String> = accepted.iter().filter(|t| is_phrase(t)).collect();
    if !phrases.is_empty() {
        let swaps: String = phrases
            .iter()
            .map(|term| {
                format!(
                    "  {}: {}\n",
                    quote_yaml(&term.to_lowercase()),
                    quote_yaml(term)
                )
            })
            .collect();
        definitions.push((
            "Terms",
            format!("extends: substitution\nmessage: \"Use '%s' instead of '%s'.\"\nlevel: error\nignorecase: true\nvocab: false\naction:\n  name: replace\nswap:\n{swaps}"),
        ));
    }
    if !rejected.is_empty() {
        let tokens: String = rejected
            .iter()
            .map(|t| format!("  - {}\n", quote_yaml(t)))
            .collect();
        definitions.push((
            "Avoid",
            format!("extends: existence\nmessage: \"Avoid using '%s'.\"\nlevel: error\nignorecase: false\nvocab: false\ntokens:\n{tokens}"),
        ));
    }
    let cx = BuildContext {
        accepted,
        word_template: config.word_template.as_deref(),
        spelling: &|yaml: &Value| speller_for(&config.styles_path, project, yaml, accepted),
        script_file: &|name: &str| script_file(&config.styles_path, project, name),
        rule_text: "",
    };
    let mut rules = Vec::new();
    for (name, text) in definitions {
        let source = Source {
            id: format!("{BUILT_IN_STYLE}.{name}"),
            style: BUILT_IN_STYLE.to_owned(),
            path: None,
            text,
        };
        let yaml = yaml::parse(&source.text).map_err(|e| ValeError::File {
            path: config.path.display().to_string(),
            message: format!("built-in rule {}: {}", source.id, e.message),
        })?;
        match build_rule(&source, &yaml, &cx) {
            Ok(rule) => rules.push(rule),
            Err(BuildError::Unsupported(message)) => {
                skipped.push(source.id.clone());
                warnings.push(format!("{} (built-in): skipped: {message}", source.id));
            }
            Err(BuildError::Invalid(message)) => {
                // A vocabulary entry that does not compile.
                return Err(ValeError::File {
                    path: config.path.display().to_string(),
                    message: format!("{}: {message}", source.id),
                });
            }
        }
    }
    Ok(rules)
}

/// The files under `dir`, as paths relative to it (`tech/more.txt`).
fn list_files(dir: &Path, relative: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = relative.join(entry.file_name());
        if path.is_dir() {
            list_files(&path, &name, out);
        } else if path.is_file() {
            out.push(name);
        }
    }
}

/// Whether an accepted vocabulary entry is a plain phrase rather than a
/// pattern.
fn is_phrase(term: &str) -> bool {
    !term.is_empty()
        && term
            .chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || c == '-' || c == '\'' || c == '’')
}

fn info(config: &Config, rule: &Rule) -> ExternalRule {
    let enabled = config
        .based_on_styles()
        .iter()
        .any(|(s, _)| *s == rule.style)
        || config
            .all_settings()
            .any(|s| (s.key == rule.id || s.key == rule.style) && s.value.is_on());
    let fixable = match rule.action.name.as_str() {
        "replace" if matches!(rule.check, Check::Substitution(_)) => Fixable::Safe,
        "replace" => Fixable::Unsafe,
        "remove" | "edit" => Fixable::Unsafe,
        "suggest" => Fixable::DisplayOnly,
        _ => Fixable::No,
    };
    let summary = if rule.description.is_empty() {
        rule::format_message(&rule.message, &[])
    } else {
        rule.description
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut docs = format!(
        "## What it does\n\nA Vale `{}` rule from the style {}.\n\nMessage: {}\n",
        rule.extends,
        rule.style,
        rule.message
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    );
    if !rule.description.is_empty() {
        docs.push_str(&format!("\n{}\n", rule.description));
    }
    if !rule.link.is_empty() {
        docs.push_str(&format!("\nSee {}\n", rule.link));
    }
    docs.push_str(&format!("\nDefined in {}.\n", source_label(rule)));
    ExternalRule {
        id: rule.id.clone(),
        severity: rule.level.severity(),
        enabled,
        fixable,
        summary,
        docs,
        source: source_label(rule),
    }
}

impl RuleSet for ValeStyles {
    fn passes_filter(&self, index: usize, filter: &Filter) -> bool {
        let Some(rule) = self.rules.get(index) else {
            return true;
        };
        filter.keeps(&filter::FilterFields {
            name: &rule.id,
            level: rule.level.as_str(),
            scope: rule.scope.names(),
            extends: &rule.extends,
            message: &rule.message,
            description: &rule.description,
            link: &rule.link,
        })
    }

    fn describe(&self) -> String {
        format!(
            "Vale styles from {} ({} rules)",
            self.config.path.display(),
            self.rules.len()
        )
    }

    fn warnings(&self) -> &[String] {
        &self.warnings
    }

    fn content_hash(&self) -> u64 {
        self.hash
    }

    fn rules(&self) -> &[ExternalRule] {
        &self.infos
    }

    fn owns(&self, rule: &str) -> bool {
        rule == BUDGET_RULE || self.rule_index(rule).is_some()
    }

    fn knows(&self, selector: &str) -> bool {
        self.rules
            .iter()
            .map(|rule| rule.id.as_str())
            .chain(self.skipped.iter().map(String::as_str))
            .any(|id| crate::document::directives::rule_matches(selector, id))
    }

    fn vale_unit(&self, rule: &str) -> Option<MatchedIn> {
        let i = self.rule_index(rule)?;
        let scope = &self.rules[i].scope;
        Some(if scope.reaches(UnitKind::Raw) {
            if matches!(self.rules[i].check, Check::Script(_)) {
                MatchedIn::Source
            } else {
                MatchedIn::Raw
            }
        } else if scope.reaches(UnitKind::Sentence) {
            MatchedIn::Sentence
        } else {
            MatchedIn::Block
        })
    }

    fn obeys_vale_comments(&self, rule: &str) -> bool {
        // Vale runs `raw` rules on the file before it reads its comments.
        self.rule_index(rule)
            .is_none_or(|i| !self.rules[i].scope.reaches(UnitKind::Raw))
    }

    fn check_block(
        &self,
        cx: &SetContext,
        block: &Block,
        states: &[RuleState],
        out: &mut Vec<Finding>,
    ) {
        self.check_blocks(
            cx,
            std::slice::from_ref(block),
            states,
            std::slice::from_mut(out),
        );
    }

    /// Rule by rule, each over all of `blocks`: a rule's patterns and
    /// their search caches stay in the processor's caches across the
    /// blocks, where block by block all 148 rules of the public packages
    /// took turns evicting each other (about a tenth of the check's time
    /// on the bench's document). Each block's findings come in the order
    /// [`RuleSet::check_block`] gives them.
    fn check_blocks(
        &self,
        cx: &SetContext,
        blocks: &[Block],
        states: &[RuleState],
        outs: &mut [Vec<Finding>],
    ) {
        let file = self.file_rules(cx.document);
        let format = scope::format_part(cx.document.kind());
        let source = cx.document.text();
        // Each block, unless its scope is skipped.
        let mut checked: Vec<InRun> = blocks
            .iter()
            .zip(outs.iter_mut())
            .filter(|(block, _)| !self.skips(block))
            .map(|(block, out)| {
                let parts = scope::BlockParts::of(block, format);
                let reaches = self
                    .scopes
                    .iter()
                    .map(|scope| parts.reached_by(scope))
                    .collect();
                InRun {
                    block,
                    out,
                    scan: BlockScan::default(),
                    reaches,
                }
            })
            .collect();
        let mut starts = Vec::new();
        let mut kept = Kept::default();
        // Rules run on blocks so far: the clock is read every
        // `BUDGET_EVERY` of them, however many blocks the run holds.
        let mut runs = 0usize;
        let cut_short = 'rules: {
            for (index, rule) in self.rules.iter().enumerate() {
                if rule.check.is_document_level() {
                    continue;
                }
                let Some(severity) = self.severity(
                    cx,
                    index,
                    states.get(index).copied().unwrap_or(RuleState::Auto),
                    &file,
                ) else {
                    continue;
                };
                let scope = self.scope_of.get(index).copied();
                for (
                    in_run,
                    InRun {
                        block,
                        out,
                        scan,
                        reaches,
                    },
                ) in checked.iter_mut().enumerate()
                {
                    if runs.is_multiple_of(BUDGET_EVERY) && std::time::Instant::now() >= cx.deadline
                    {
                        break 'rules true;
                    }
                    runs += 1;
                    let block: &Block = block;
                    let (in_block, in_sentences) = scope
                        .and_then(|scope| reaches.get(scope))
                        .copied()
                        .unwrap_or_default();
                    let text = block.text();
                    if in_block && self.prefilter.may_match(index, block, 0, scan) {
                        let unit = Unit {
                            text,
                            base: 0,
                            block: Some(block),
                        };
                        let starts = self.prefilter.starts(index, 0, scan, &mut starts);
                        let place = (in_run, 0);
                        self.run_unit_in_run(
                            index, &unit, source, severity, starts, &mut kept, place, out,
                        );
                    }
                    if in_sentences {
                        for (n, sentence) in block.sentences.iter().enumerate() {
                            if !self.prefilter.may_match(index, block, n + 1, scan) {
                                continue;
                            }
                            let unit = Unit {
                                text: &text[sentence.clone()],
                                base: sentence.start,
                                block: Some(block),
                            };
                            let starts = self.prefilter.starts(index, n + 1, scan, &mut starts);
                            let place = (in_run, n + 1);
                            self.run_unit_in_run(
                                index, &unit, source, severity, starts, &mut kept, place, out,
                            );
                        }
                    }
                }
            }
            false
        };
        // Each block of the run is missing the rules not yet run on it.
        if cut_short {
            for one in &mut checked {
                one.out.push(budget_finding(one.block.span().start));
            }
        }
    }

    fn check_document(&self, cx: &SetContext, states: &[RuleState], out: &mut Vec<Finding>) {
        let file = self.file_rules(cx.document);
        let document = cx.document;
        let severities: Vec<Option<Severity>> = (0..self.rules.len())
            .map(|index| {
                let state = states.get(index).copied().unwrap_or(RuleState::Auto);
                self.severity(cx, index, state, &file)
            })
            .collect();
        // The rules of this pass read the whole document, each on its own:
        // they run on every core (the blocks' pass is over), next to the
        // counts the metric rules share, and their findings are then
        // put in the rules' order, as one rule after another would.
        let needs_variables =
            self.rules.iter().zip(&severities).any(|(rule, severity)| {
                severity.is_some() && matches!(rule.check, Check::Metric(_))
            });
        let (variables, mut per_rule) = rayon::join(
            || needs_variables.then(|| metric::document_variables(document)),
            || {
                self.rules
                    .par_iter()
                    .zip(&severities)
                    .enumerate()
                    .map(|(index, (rule, severity))| {
                        if index % BUDGET_EVERY == 0 && std::time::Instant::now() >= cx.deadline {
                            return None;
                        }
                        let mut found = Vec::new();
                        let Some(severity) = *severity else {
                            return Some((found, None));
                        };
                        // A document-level rule's twin that runs gives it
                        // its hits, below (block rules' twins share theirs
                        // in the blocks' pass).
                        let twin = self.doc_twin(index);
                        if twin != index && severities.get(twin).is_some_and(Option::is_some) {
                            return Some((found, None));
                        }
                        let mut record = (twin == index
                            && rule.check.is_document_level()
                            && self.has_twins.get(index).copied().unwrap_or(false))
                        .then(Replay::default);
                        self.check_whole(document, rule, severity, &mut found, record.as_mut());
                        Some((found, record))
                    })
                    .collect::<Vec<Option<(Vec<Finding>, Option<Replay>)>>>()
            },
        );
        // Each twin left for its first rule replays what that one recorded
        // (a first rule that did not run, off or stopped by the budget,
        // recorded nothing, and its twins ran on their own).
        for index in 0..per_rule.len() {
            let twin = self.doc_twin(index);
            let (Some(rule), Some(&Some(severity))) =
                (self.rules.get(index), severities.get(index))
            else {
                continue;
            };
            if twin == index {
                continue;
            }
            let Some(Some((_, Some(record)))) = per_rule.get(twin) else {
                continue;
            };
            let mut found = Vec::new();
            self.replay(document, rule, severity, record, &mut found);
            if let Some(Some((slot, _))) = per_rule.get_mut(index) {
                *slot = found;
            }
        }
        for ((rule, severity), found) in self.rules.iter().zip(severities).zip(per_rule) {
            let Some((mut found, _)) = found else {
                out.push(budget_finding(0));
                return;
            };
            out.append(&mut found);
            if let (Some(severity), Check::Metric(metric), Some(variables)) =
                (severity, &rule.check, &variables)
            {
                if variables.get("words").copied().unwrap_or(0.0) == 0.0 {
                    continue;
                }
                let result = metric.formula.eval(variables);
                if result.is_finite() && metric.condition.holds(result) {
                    let message = rule::format_message(&rule.message, &[format!("{result:.2}")]);
                    out.push(
                        Finding::new(&rule.id, 0..0, severity, message)
                            .with_note(rule.note.clone()),
                    );
                }
            }
        }
    }

    fn finish(&self, document: &Document, findings: &mut Vec<Finding>) {
        if !findings.iter().any(|f| self.owns(&f.rule)) {
            return;
        }
        let file = self.file_rules(document);
        let source = document.text();
        let mut ignored: Vec<std::ops::Range<usize>> = Vec::new();
        let mut ignores_gave_up = Vec::new();
        for (key, patterns) in [
            ("TokenIgnores", &file.token_ignores),
            ("BlockIgnores", &file.block_ignores),
        ] {
            for pattern in patterns {
                let (found, gave_up) = pattern::with_budget(|| pattern.captures(source));
                if gave_up {
                    ignores_gave_up.push(key);
                }
                ignored.extend(found.into_iter().map(|found| {
                    found
                        .groups
                        .get(1)
                        .cloned()
                        .flatten()
                        .unwrap_or(found.range)
                }));
            }
        }
        let ignore_links = self.config.ignored_scopes.iter().any(|s| s == "a");
        if ignore_links {
            for block in &document.blocks {
                for atom in &block.atoms {
                    if atom.kind == crate::document::AtomKind::Link {
                        ignored.push(atom.span.clone());
                    }
                }
            }
        }
        // `IgnoredScopes = strong` (or `b`), `em` (or `i`): Markdown's
        // `**…**`/`__…__` and `*…*`/`_…_` in the source.
        if document.kind().is_markdown() {
            let scopes = &self.config.ignored_scopes;
            let wants = |names: [&str; 2]| scopes.iter().any(|s| names.contains(&s.as_str()));
            let mut patterns = Vec::new();
            if wants(["strong", "b"]) {
                patterns.push(r"\*\*[^*\n]+?\*\*|__[^_\n]+?__");
            }
            if wants(["em", "i"]) {
                patterns.push(r"(?:^|[^*])\*([^*\n]+?)\*|\b_([^_\n]+?)_\b");
            }
            for pattern in patterns.iter().filter_map(|p| Pattern::compile(p).ok()) {
                for found in pattern.captures(source) {
                    ignored.push(found.range);
                }
            }
        }
        // Per rule (by index), the findings kept so far.
        let mut counts = vec![0usize; self.rules.len()];
        let mut gave_up: HashSet<String> = HashSet::new();
        // Most often nothing is ignored, no rule has a `limit` and none
        // gave up: then every finding stays, and their order is the
        // checker's to set (its sort by position keeps findings that start
        // alike in the order they came, as this one would have).
        let limits = self.rules.iter().any(|rule| rule.limit > 0);
        if ignored.is_empty()
            && ignores_gave_up.is_empty()
            && !limits
            && !findings.iter().any(|f| f.cut_short)
        {
            return;
        }
        let order = crate::finding::order_by(findings, |f| f.span.start);
        crate::finding::reorder(findings, order);
        findings.retain(|finding| {
            let rule = self.rule_index(&finding.rule);
            if rule.is_none() && finding.rule != BUDGET_RULE {
                return true;
            }
            // A rule that gave up on several blocks is reported once.
            if finding.cut_short {
                return gave_up.insert(finding.rule.clone());
            }
            if ignored.iter().any(|range| {
                range.start < finding.span.end.max(finding.span.start + 1)
                    && finding.span.start < range.end
            }) {
                return false;
            }
            if let Some(rule) = rule
                && self.rules[rule].limit > 0
            {
                counts[rule] += 1;
                return counts[rule] <= self.rules[rule].limit;
            }
            true
        });
        for key in ignores_gave_up {
            let id = format!("{BUILT_IN_STYLE}.{key}");
            findings.push(
                Finding::new(
                    &id,
                    0..0,
                    Severity::Warning,
                    gave_up_message(&format!("{key} in {}", self.config.path.display())),
                )
                .marked_cut_short(),
            );
        }
    }
}

/// Units of a document in order, for the rules that remember earlier ones.
fn for_each_unit<'d>(
    document: &'d Document,
    rule: &Rule,
    format: &'static str,
    mut run: impl FnMut(Unit<'d>),
) {
    for block in &document.blocks {
        let (in_block, in_sentences) = scope::BlockParts::of(block, format).reached_by(&rule.scope);
        if in_block {
            run(Unit {
                text: block.text(),
                base: 0,
                block: Some(block),
            });
        }
        if in_sentences {
            for sentence in &block.sentences {
                run(Unit {
                    text: &block.text()[sentence.clone()],
                    base: sentence.start,
                    block: Some(block),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests;
