//! The `copydesk` command line. An edge: errors are `anyhow`, printed once.
//!
//! Exit status: 0 when no finding is at or above `--fail-on`, 1 when one is
//! (or a file could not be checked), 2 on usage, guide or IO errors. A closed
//! pipe (`copydesk check | head`) ends the run quietly with status 0.

mod args;
mod cache;
pub(crate) mod check;
mod doctor;
mod format;
mod init;
mod progress;
mod review;
mod rules;
mod suggest;
mod trust;
mod voice;

use std::io;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// The outcome of a command, as an exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Nothing at or above the failing severity.
    Clean = 0,
    /// Findings at or above the failing severity, or unreadable files.
    Findings = 1,
    /// Usage, guide or IO errors.
    Error = 2,
}

#[derive(Debug, Parser)]
#[command(
    name = "copydesk",
    version,
    about = "A copy editor for brand voice and sharing guidelines: checks drafts, offers edits as diffs",
    after_help = "Run `copydesk check --help` for the main command."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check files, folders or globs against the guide
    Check(check::CheckArgs),
    /// List the rules, or show one rule's documentation
    Rules(rules::RulesArgs),
    /// Write a commented starter copydesk.toml
    Init(init::InitArgs),
    /// Print the JSON schema of copydesk.toml (for completion in editors)
    Schema,
    /// Ask the configured model to tighten paragraphs and bridge abrupt ones; print diffs
    Suggest(suggest::SuggestArgs),
    /// Ask the configured model the guide's review questions (voice, sharing, puffery)
    Review(review::ReviewArgs),
    /// Show the guide in effect and whether the configured model answers
    Doctor(doctor::DoctorArgs),
    /// Inspect or clear the persistent suggestion cache
    Cache(cache::CacheArgs),
    /// Allow a guide's [llm] to send drafts (and its key) to the endpoint it names
    Trust(trust::TrustArgs),
    /// Withdraw the consent `copydesk trust` recorded for a guide
    Untrust(trust::UntrustArgs),
    /// Learn a voice profile from a writer's own posts, or show one
    Voice(voice::VoiceArgs),
    /// Run the language server over stdio (started by editors)
    Lsp(crate::server::LspArgs),
    /// Serve the pre-publish page for a folder of drafts (or paste-only) on localhost
    Serve(crate::serve::ServeArgs),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => check::run(args),
        Command::Rules(args) => rules::run(args),
        Command::Init(args) => init::run(args),
        Command::Schema => {
            print!("{}", crate::guide::json_schema());
            Ok(Status::Clean)
        }
        Command::Suggest(args) => suggest::run(args),
        Command::Review(args) => review::run(args),
        Command::Doctor(args) => doctor::run(args),
        Command::Cache(args) => cache::run(args),
        Command::Trust(args) => trust::run(args),
        Command::Untrust(args) => trust::run_untrust(args),
        Command::Voice(args) => voice::run(args),
        // The server has its own exit status rules (the LSP specification's).
        Command::Lsp(args) => return crate::server::main(args),
        Command::Serve(args) => crate::serve::run(args).map(|()| Status::Clean),
    };
    match result {
        Ok(status) => ExitCode::from(status as u8),
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(Status::Error as u8)
        }
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// `--color auto|always|never`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

impl ColorWhen {
    pub fn choice(self) -> anstream::ColorChoice {
        match self {
            ColorWhen::Auto => anstream::ColorChoice::Auto,
            ColorWhen::Always => anstream::ColorChoice::Always,
            ColorWhen::Never => anstream::ColorChoice::Never,
        }
    }

    /// Standard output for a report, and whether it is plain (no colour).
    /// Without colour, styles are dropped by a fast writer of our own, and
    /// output is written in blocks rather than line by line.
    pub fn stdout(self) -> (Box<dyn std::io::Write>, bool) {
        let stream = anstream::AutoStream::new(std::io::stdout().lock(), self.choice());
        if stream.current_choice() == anstream::ColorChoice::Never {
            let plain =
                crate::output::PlainWriter::new(std::io::BufWriter::new(stream.into_inner()));
            (Box::new(plain), true)
        } else {
            (Box::new(stream), false)
        }
    }
}
