//! A small interpreter for the part of Tengo that Vale's `script` rules use.
//!
//! Vale runs a rule's Tengo script with the variable `scope` set to the
//! text of the rule's scope and reads back the global `matches`: an array
//! of maps `{begin: int, end: int, message?: string}`, byte offsets into
//! `scope`. No Tengo crate exists for Rust, so this is our own: lexing
//! ([`lex`]), parsing ([`parse`]), a static check that refuses what it
//! cannot run before any document is read ([`resolve`]), and a tree-walking
//! evaluator ([`eval`]) with Tengo's `text` module ([`text_module`]) and
//! its `math` and `fmt` ([`modules`]).
//!
//! Scripts come with styles, and styles come with repositories the user
//! may not control, so a script must never hurt the checker: it has no
//! file, network, environment or clock access (only the `text`, `math`
//! and `fmt` modules exist, and `fmt` prints nothing), and every run is
//! bounded by [`Limits`]: evaluation steps, bytes of strings and arrays
//! built, nesting depth (checked when parsing) and call depth. A script
//! that goes past a bound stops with a [`ScriptError`] naming the bound;
//! it never panics and never hangs.

mod eval;
mod lex;
mod modules;
mod parse;
mod resolve;
mod text_module;

use std::cell::RefCell;
use std::fmt;
use std::sync::{Arc, mpsc};

pub use eval::ScriptMatch;

/// A place in a script: 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// What stopped a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The script does not parse, or uses what copydesk does not run.
    Compile,
    /// A run-time error (a wrong type, an index out of range, …).
    Runtime,
    /// The run went past one of its [`Limits`].
    Limit,
}

/// An error in a script, at a place in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptError {
    pub kind: ErrorKind,
    pub pos: Pos,
    pub message: String,
}

impl ScriptError {
    pub fn compile(pos: Pos, message: impl Into<String>) -> ScriptError {
        ScriptError {
            kind: ErrorKind::Compile,
            pos,
            message: message.into(),
        }
    }

    pub fn runtime(pos: Pos, message: impl Into<String>) -> ScriptError {
        ScriptError {
            kind: ErrorKind::Runtime,
            pos,
            message: message.into(),
        }
    }

    pub fn limit(pos: Pos, message: impl Into<String>) -> ScriptError {
        ScriptError {
            kind: ErrorKind::Limit,
            pos,
            message: message.into(),
        }
    }
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.pos.line == 0 {
            // Not at a place in the script (the `matches` it left).
            return f.write_str(&self.message);
        }
        write!(f, "{}:{}: {}", self.pos.line, self.pos.column, self.message)
    }
}

impl std::error::Error for ScriptError {}

/// The evaluator thread's stack: reserved, and only touched as deep as a
/// script nests.
const STACK_BYTES: usize = 64 << 20;

/// What one run of a script may use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Evaluation steps: one per statement and expression evaluated, and
    /// one per 32 bytes a `text` regex function reads (256 for the others).
    pub steps: u64,
    /// Bytes of strings, arrays and maps built over the whole run (what is
    /// built counts even when it is dropped again).
    pub memory: usize,
    /// Nested function calls.
    pub calls: usize,
    /// Time, as a backstop behind the steps (a step of a `text` function
    /// can cost more than most); read every few thousand steps.
    pub time: std::time::Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            steps: 10_000_000,
            memory: 64 << 20,
            calls: 256,
            time: std::time::Duration::from_secs(2),
        }
    }
}

/// A parsed and checked script, ready to run on any number of texts.
#[derive(Debug)]
pub struct Script {
    body: Arc<Vec<parse::Stmt>>,
}

impl Script {
    /// Parse and check a script. Everything the evaluator cannot run (an
    /// unknown name, a module other than `text`, an unknown `text`
    /// function, syntax Tengo has but this interpreter lacks) is an error
    /// here, before any document is read.
    pub fn compile(source: &str) -> Result<Script, ScriptError> {
        let body = parse::parse(source)?;
        resolve::check(&body, &["scope"])?;
        Ok(Script {
            body: Arc::new(body),
        })
    }

    /// Run the script with `scope` set to `text`, and return its `matches`.
    ///
    /// The evaluator recurses along the script's tree, so it runs on a
    /// thread with a stack sized for [`eval::EVAL_DEPTH`] levels, whatever
    /// the caller's stack (a rayon worker's is small): the calling thread's
    /// own evaluator, started on its first script and kept (starting one
    /// per run cost 65 µs, most of a script scoped to sentences).
    pub fn run(&self, text: &str, limits: Limits) -> Result<Vec<ScriptMatch>, ScriptError> {
        let failed = || ScriptError::runtime(Pos::default(), "the script's evaluator failed");
        let (reply, answer) = mpsc::channel();
        let job = Job {
            body: Arc::clone(&self.body),
            text: text.to_owned(),
            limits,
            reply,
        };
        if evaluator()?.send(job).is_err() {
            forget_evaluator();
            return Err(failed());
        }
        answer.recv().unwrap_or_else(|_| {
            // The evaluator stopped (it never should): the next run starts
            // a new one.
            forget_evaluator();
            Err(failed())
        })
    }
}

/// One run for an evaluator thread.
struct Job {
    body: Arc<Vec<parse::Stmt>>,
    text: String,
    limits: Limits,
    reply: mpsc::Sender<Result<Vec<ScriptMatch>, ScriptError>>,
}

thread_local! {
    /// This thread's evaluator; it ends when this thread does (its jobs'
    /// sender is dropped).
    static EVALUATOR: RefCell<Option<mpsc::Sender<Job>>> = const { RefCell::new(None) };
}

fn evaluator() -> Result<mpsc::Sender<Job>, ScriptError> {
    EVALUATOR.with(|cell| {
        let mut cell = cell.borrow_mut();
        if let Some(jobs) = cell.as_ref() {
            return Ok(jobs.clone());
        }
        let (jobs, incoming) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("copydesk-script".to_owned())
            .stack_size(STACK_BYTES)
            .spawn(move || {
                for job in incoming {
                    let result = eval::run(&job.body, &job.text, job.limits);
                    let _ = job.reply.send(result);
                }
            })
            .map_err(|e| {
                ScriptError::runtime(Pos::default(), format!("could not start the script: {e}"))
            })?;
        *cell = Some(jobs.clone());
        Ok(jobs)
    })
}

fn forget_evaluator() {
    EVALUATOR.with(|cell| *cell.borrow_mut() = None);
}

#[cfg(test)]
mod tests;
