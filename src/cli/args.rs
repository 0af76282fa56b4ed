//! Flags that several commands share, each group defined once and
//! `#[command(flatten)]`ed into the commands that take it, so that a flag
//! reads and behaves the same everywhere it appears.

use std::path::PathBuf;

use clap::Args;

use super::ColorWhen;
use super::format::{FailOn, Format};

/// `--config`: the guide for commands that read one.
#[derive(Debug, Args)]
pub struct GuideArgs {
    /// Use this guide file instead of the nearest copydesk.toml
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// `--format` and `--color`: how findings are printed.
#[derive(Debug, Args)]
pub struct FormatArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// When to colour the output
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

/// `--fail-on` and `--quiet`: what fails the run and how much is said
/// besides the findings.
#[derive(Debug, Args)]
pub struct ResultArgs {
    /// Exit 1 when a finding is at or above this severity
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    pub fail_on: FailOn,
    /// Print findings only: no summary, no progress bar
    #[arg(long, short)]
    pub quiet: bool,
}
