//! `copydesk voice`: learn a voice profile from a writer's own posts, show
//! one as a short portrait, and attribute texts to the nearest profile.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use clap::{Args, Subcommand};

use super::Status;
use super::args::GuideArgs;
use crate::check::CheckOptions;
use crate::document::{Document, DocumentKind};
use crate::resolve::Resolver;
use crate::voice::{self, VoiceProfile};

#[derive(Debug, Args)]
pub struct VoiceArgs {
    #[command(subcommand)]
    pub command: VoiceCommand,
}

#[derive(Debug, Subcommand)]
pub enum VoiceCommand {
    /// Learn a voice profile from published posts (Markdown or text files, folders, globs)
    Learn(LearnArgs),
    /// Print a voice profile as a short portrait (default: the guide's profile)
    Show(ShowArgs),
    /// Say which of several profiles each text is nearest to (Burrows' Delta)
    Attribute(AttributeArgs),
}

#[derive(Debug, Args)]
pub struct LearnArgs {
    /// The posts to learn from
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The profile's name (what `voice_profile:` in front matter picks)
    #[arg(long)]
    pub name: String,
    /// Write the profile here (default: standard output)
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Refuse to learn from fewer words of prose than this
    #[arg(long, value_name = "WORDS", default_value_t = voice::DEFAULT_MIN_WORDS)]
    pub min_words: usize,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A profile file (default: the profile of the nearest guide)
    pub profile: Option<PathBuf>,
    #[command(flatten)]
    pub guide: GuideArgs,
}

#[derive(Debug, Args)]
pub struct AttributeArgs {
    /// Profile files to choose between (two or more)
    #[arg(long = "profile", value_name = "FILE", required = true)]
    pub profiles: Vec<PathBuf>,
    /// The texts to attribute
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

pub fn run(args: VoiceArgs) -> anyhow::Result<Status> {
    match args.command {
        VoiceCommand::Learn(args) => learn(args),
        VoiceCommand::Show(args) => show(args),
        VoiceCommand::Attribute(args) => attribute(args),
    }
}

const EXTENSIONS: [&str; 4] = ["md", "markdown", "mdx", "txt"];

fn read_posts(paths: &[PathBuf]) -> anyhow::Result<Vec<(PathBuf, Document)>> {
    let extensions: Vec<String> = EXTENSIONS.iter().map(|e| (*e).to_owned()).collect();
    let expanded = crate::files::expand_paths(paths, &extensions);
    if let Some((path, why)) = expanded.errors.first() {
        bail!("{}: {why}", path.display());
    }
    expanded
        .files
        .into_iter()
        .map(|path| {
            let text = crate::files::read_draft(&path, crate::files::DEFAULT_MAX_BYTES)
                .with_context(|| format!("could not read {}", path.display()))?;
            let document = Document::parse(text, DocumentKind::from_path(&path));
            Ok((path, document))
        })
        .collect()
}

fn learn(args: LearnArgs) -> anyhow::Result<Status> {
    let name = args.name.trim();
    if name.is_empty() || name.contains(['\n', '"']) {
        bail!(
            "--name must be a short name on one line (got “{}”)",
            args.name
        );
    }
    let posts = read_posts(&args.paths)?;
    let documents: Vec<Document> = posts.into_iter().map(|(_, d)| d).collect();
    let profile = voice::learn(name, &documents, args.min_words)?;
    let text = profile.to_toml();
    match &args.output {
        Some(path) => {
            std::fs::write(path, &text)
                .with_context(|| format!("could not write {}", path.display()))?;
            eprintln!(
                "Learned voice “{name}” from {} posts ({} words): {}",
                profile.learned_from.posts,
                profile.learned_from.words,
                path.display()
            );
        }
        None => print!("{text}"),
    }
    Ok(Status::Clean)
}

fn read_profile(path: &Path) -> anyhow::Result<VoiceProfile> {
    let text = crate::project_files::read_regular_text(path, crate::project_files::TEXT_FILE_LIMIT)
        .map_err(|refusal| anyhow::anyhow!("{refusal}"))?;
    VoiceProfile::from_toml(&text).with_context(|| format!("{}", path.display()))
}

fn show(args: ShowArgs) -> anyhow::Result<Status> {
    if let Some(path) = args.profile {
        print!("{}", read_profile(&path)?.portrait());
        return Ok(Status::Clean);
    }
    let guide =
        Resolver::new(args.guide.config, CheckOptions::default()).guide_for(Path::new("."))?;
    let Some(loaded) = guide.voices.select(None).ok().flatten() else {
        bail!(
            "{} names no voice profile; add `[voice] profile = \"voices/NAME.toml\"` or pass a profile file",
            guide.source
        );
    };
    println!("{} ({})", loaded.path, guide.source);
    print!("{}", loaded.profile.portrait());
    Ok(Status::Clean)
}

fn attribute(args: AttributeArgs) -> anyhow::Result<Status> {
    if args.profiles.len() < 2 {
        bail!("attribution needs two or more --profile files");
    }
    let profiles: Vec<VoiceProfile> = args
        .profiles
        .iter()
        .map(|p| read_profile(p))
        .collect::<anyhow::Result<_>>()?;
    let refs: Vec<&VoiceProfile> = profiles.iter().collect();
    for (path, document) in read_posts(&args.paths)? {
        let deltas = voice::attribution_scores(&refs, &document);
        let nearest = deltas
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(b.1))
            .map_or("", |(i, _)| profiles[i].name.as_str());
        let words = voice::stats::TextCounts::of_document(&document).words;
        let all: Vec<String> = deltas.iter().map(|d| format!("{d:.3}")).collect();
        println!("{}\t{nearest}\t{words}\t{}", path.display(), all.join("\t"));
    }
    Ok(Status::Clean)
}
