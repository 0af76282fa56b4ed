//! `copydesk rules [ID]`.

use std::io::Write;

use anyhow::bail;
use clap::Args;

use super::Status;
use crate::rules::{find_rule, registry};

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A rule id (`concise/wordy-phrase`) to show its documentation
    pub rule: Option<String>,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: RulesArgs) -> anyhow::Result<Status> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match &args.rule {
        Some(id) => {
            let Some(factory) = find_rule(id) else {
                let hint = crate::rules::closest_rule_id(id)
                    .map(|id| format!("; did you mean “{id}”?"))
                    .unwrap_or_default();
                bail!("unknown rule “{id}”{hint} (see `copydesk rules`)");
            };
            let meta = factory.meta;
            if args.json {
                serde_json::to_writer_pretty(&mut out, &rule_json(meta))?;
                writeln!(out)?;
            } else {
                writeln!(out, "# {}\n", meta.id)?;
                writeln!(
                    out,
                    "Default: {}. Fix: {}.\n",
                    default_level(meta),
                    meta.fixable.as_str()
                )?;
                write!(out, "{}", dedent_docs(meta.docs))?;
            }
        }
        None if args.json => {
            let rules: Vec<_> = registry().iter().map(|f| rule_json(f.meta)).collect();
            serde_json::to_writer_pretty(&mut out, &rules)?;
            writeln!(out)?;
        }
        None => {
            let width = registry()
                .iter()
                .map(|f| f.meta.id.len())
                .max()
                .unwrap_or(0);
            writeln!(
                out,
                "{:width$}  {:8}  {:7}  SUMMARY",
                "RULE", "DEFAULT", "FIX"
            )?;
            for factory in registry() {
                let meta = factory.meta;
                writeln!(
                    out,
                    "{:width$}  {:8}  {:7}  {}",
                    meta.id,
                    default_level(meta),
                    meta.fixable.as_str(),
                    meta.summary()
                )?;
            }
        }
    }
    Ok(Status::Clean)
}

fn default_level(meta: &crate::rules::RuleMeta) -> &'static str {
    if meta.enabled_by_default {
        meta.severity.as_str()
    } else {
        "off"
    }
}

fn rule_json(meta: &crate::rules::RuleMeta) -> serde_json::Value {
    serde_json::json!({
        "id": meta.id,
        "category": meta.category.as_str(),
        "default": default_level(meta),
        "severity": meta.severity,
        "fix": meta.fixable.as_str(),
        "summary": meta.summary(),
        "docs": dedent_docs(meta.docs),
    })
}

/// Doc comments arrive with one leading space per line.
pub fn dedent_docs(docs: &str) -> String {
    docs.lines()
        .map(|line| line.strip_prefix(' ').unwrap_or(line))
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}
