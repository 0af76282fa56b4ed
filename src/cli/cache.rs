//! `copydesk cache stats|clear`: where the persistent suggestion cache is,
//! what it holds, and emptying it.

use anyhow::Context as _;
use clap::Args;

use super::Status;
use crate::llm::cache;

/// `copydesk cache stats|clear`.
#[derive(Debug, Args)]
pub struct CacheArgs {
    #[command(subcommand)]
    pub command: CacheCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum CacheCommand {
    /// Show where the suggestion cache is and what it holds
    Stats,
    /// Delete every cached suggestion
    Clear,
}

pub fn run(args: CacheArgs) -> anyhow::Result<Status> {
    let path = cache::default_path()
        .ok_or(crate::llm::CacheError::NoFolder)
        .context("finding the cache")?;
    if !path.exists() {
        println!("No suggestion cache yet at {}.", path.display());
        return Ok(Status::Clean);
    }
    let store = crate::llm::Cache::open(&path)?;
    match args.command {
        CacheCommand::Stats => {
            let stats = store.stats()?;
            println!("cache:    {}", stats.path.display());
            println!(
                "entries:  {} ({} of text)",
                stats.entries,
                human_bytes(stats.bytes)
            );
            for (model, count) in &stats.models {
                println!("  {model}: {count}");
            }
        }
        CacheCommand::Clear => {
            let removed = store.clear()?;
            println!(
                "Removed {} from {}.",
                crate::output::plural(removed as usize, "cached suggestion"),
                path.display()
            );
        }
    }
    Ok(Status::Clean)
}

fn human_bytes(bytes: u64) -> String {
    if bytes < 1024 {
        format!("{bytes} B")
    } else if bytes < 1024 * 1024 {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    } else {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    }
}
