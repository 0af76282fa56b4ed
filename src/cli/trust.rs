//! `copydesk trust` / `copydesk untrust`: record or remove the writer's consent
//! for a guide's `[llm]` connection (see `llm::trust`).

use std::io::{BufRead as _, IsTerminal as _, Write as _};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::Args;

use super::Status;
use crate::check::CheckOptions;
use crate::guide::Guide;
use crate::llm::trust::{self, TrustStore};
use crate::resolve::Resolver;

#[derive(Debug, Args)]
pub struct TrustArgs {
    /// The guide file, or a folder whose guide to trust (default: the guide
    /// of the current folder)
    pub guide: Option<PathBuf>,
    /// Do not ask for confirmation (for scripts)
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// List the recorded consents instead
    #[arg(long, conflicts_with_all = ["guide", "yes"])]
    pub list: bool,
}

#[derive(Debug, Args)]
pub struct UntrustArgs {
    /// The guide file, or a folder whose guide to stop trusting (default: the
    /// guide of the current folder)
    pub guide: Option<PathBuf>,
}

/// The guide `path` names: a file is the guide itself, a folder is searched
/// like a draft's.
fn guide_at(path: Option<PathBuf>) -> anyhow::Result<Guide> {
    let path = path.unwrap_or_else(|| PathBuf::from("."));
    let file = if path.is_dir() {
        let absolute = std::path::absolute(&path).unwrap_or_else(|_| path.clone());
        match crate::guide::discover(&absolute) {
            Some(file) => file,
            None => bail!(
                "{}: no copydesk.toml here or in a parent folder",
                path.display()
            ),
        }
    } else {
        path
    };
    let mut loader = Resolver::new(Some(file.clone()), CheckOptions::default());
    let guide = loader.guide_for(&file)?;
    Ok((*guide).clone())
}

fn store() -> anyhow::Result<TrustStore> {
    Ok(TrustStore::load()?)
}

pub fn run(args: TrustArgs) -> anyhow::Result<Status> {
    if args.list {
        let store = store()?;
        if store.grants().is_empty() {
            println!("No guide is trusted ({}).", store.path().display());
        }
        for grant in store.grants() {
            println!("{}", grant.guide.display());
            println!("  sends text to {}", grant.describe());
        }
        return Ok(Status::Clean);
    }
    let guide = guide_at(args.guide)?;
    let Some(grant) = trust::grant_for(&guide) else {
        println!(
            "{} names no model connection ([llm] base_url or api_key_env): it sends nothing, so there is nothing to trust.",
            guide.source
        );
        return Ok(Status::Clean);
    };
    let mut store = store()?;
    let review_on_save = guide.config.review.is_enabled() && guide.config.review.reviews_on_save();
    println!("guide:          {}", grant.guide.display());
    println!(
        "endpoint:       {}",
        grant.base_url.as_deref().unwrap_or("(none)")
    );
    println!(
        "key variable:   {}",
        grant
            .api_key_env
            .as_deref()
            .map_or("none (no key is sent)".to_owned(), |name| format!(
                "${name}"
            ))
    );
    println!(
        "review on save: {}",
        if review_on_save {
            "yes: the editor sends each saved draft"
        } else {
            "no"
        }
    );
    if store.allows(&grant) {
        println!("Already trusted ({}).", store.path().display());
        return Ok(Status::Clean);
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            bail!("not confirmed: run copydesk trust on a terminal, or add --yes");
        }
        print!(
            "Allow copydesk to send drafts and this key to {}? [y/N] ",
            grant.base_url.as_deref().unwrap_or("(none)")
        );
        std::io::stdout().flush().ok();
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .context("reading the answer")?;
        if !matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes") {
            println!("Not trusted.");
            return Ok(Status::Findings);
        }
    }
    store.allow(grant);
    store.save()?;
    println!("Trusted (recorded in {}).", store.path().display());
    Ok(Status::Clean)
}

pub fn run_untrust(args: UntrustArgs) -> anyhow::Result<Status> {
    // A guide that no longer parses can still be untrusted by its path.
    let path = args.guide.unwrap_or_else(|| PathBuf::from("."));
    let file = match guide_at(Some(path.clone())) {
        Ok(guide) => match guide.source {
            crate::guide::GuideSource::File(file) => file,
            crate::guide::GuideSource::BuiltIn => path,
        },
        Err(_) => path,
    };
    let canonical = trust::canonical(Path::new(&file));
    let mut store = store()?;
    let removed = store.revoke(&canonical);
    if removed == 0 {
        println!("{} was not trusted.", canonical.display());
        return Ok(Status::Clean);
    }
    store.save()?;
    println!(
        "{} is no longer trusted: copydesk sends nothing for it until you run copydesk trust again.",
        canonical.display()
    );
    Ok(Status::Clean)
}
