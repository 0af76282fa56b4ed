//! `copydesk init`: write a commented starter guide.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;

use super::Status;
use crate::guide::{FILE_NAME, STARTER_GUIDE};

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to write copydesk.toml in (default: the current folder)
    pub folder: Option<PathBuf>,
}

pub fn run(args: InitArgs) -> anyhow::Result<Status> {
    let folder = args.folder.unwrap_or_else(|| PathBuf::from("."));
    let path = folder.join(FILE_NAME);
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path);
    let mut file = match file {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => {
            bail!("{} already exists; not overwriting it", path.display())
        }
        Err(error) => return Err(error).with_context(|| format!("creating {}", path.display())),
    };
    file.write_all(STARTER_GUIDE.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    println!(
        "Wrote {}. Edit it, then run `copydesk check`.",
        path.display()
    );
    Ok(Status::Clean)
}
