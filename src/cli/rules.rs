//! `copydesk rules [ID]`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::bail;
use clap::Args;

use super::Status;
use crate::rules::external::ExternalRule;
use crate::rules::{find_rule, registry};

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A rule id (`concise/wordy-phrase`) to show its documentation
    pub rule: Option<String>,
    /// Print as JSON
    #[arg(long)]
    pub json: bool,
    /// List the rules of this guide (copydesk.toml or .vale.ini) too; by
    /// default the nearest one is used
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// Rules loaded from files (Vale styles) by the guide in effect: each set's
/// description and rules.
fn external_rules(args: &RulesArgs) -> anyhow::Result<Vec<(String, Vec<ExternalRule>)>> {
    let path = match &args.config {
        Some(path) => Some(path.clone()),
        None => crate::guide::discover(&std::env::current_dir()?),
    };
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let guide = match crate::guide::Guide::load(&path) {
        Ok(guide) => guide,
        Err(error) if args.config.is_none() => {
            // A broken guide nearby should not hide the built-in rules.
            eprintln!("warning: {error}");
            return Ok(Vec::new());
        }
        Err(error) => return Err(error.into()),
    };
    Ok(guide
        .rule_sets
        .iter()
        .map(|set| (set.describe(), set.rules().to_vec()))
        .collect())
}

fn external_level(rule: &ExternalRule) -> &'static str {
    if rule.enabled {
        rule.severity.as_str()
    } else {
        "off"
    }
}

fn external_json(rule: &ExternalRule) -> serde_json::Value {
    serde_json::json!({
        "id": rule.id,
        "category": "vale",
        "default": external_level(rule),
        "severity": rule.severity,
        "fix": rule.fixable.as_str(),
        "summary": rule.summary,
        "docs": rule.docs,
        "source": rule.source,
    })
}

pub fn run(args: RulesArgs) -> anyhow::Result<Status> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let external = external_rules(&args)?;
    match &args.rule {
        Some(id) => {
            if find_rule(id).is_none()
                && let Some(rule) = external
                    .iter()
                    .flat_map(|(_, rules)| rules)
                    .find(|r| r.id == *id)
            {
                if args.json {
                    serde_json::to_writer_pretty(&mut out, &external_json(rule))?;
                    writeln!(out)?;
                } else {
                    writeln!(
                        out,
                        "# {}
",
                        rule.id
                    )?;
                    writeln!(
                        out,
                        "Default: {}. Fix: {}.\n",
                        external_level(rule),
                        rule.fixable.as_str()
                    )?;
                    write!(out, "{}", rule.docs)?;
                }
                return Ok(Status::Clean);
            }
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
                write!(out, "{}", meta.documentation())?;
            }
        }
        None if args.json => {
            let rules: Vec<_> = registry()
                .iter()
                .map(|f| rule_json(f.meta))
                .chain(
                    external
                        .iter()
                        .flat_map(|(_, rules)| rules)
                        .map(external_json),
                )
                .collect();
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
            // The summary column starts after the three others; on a
            // terminal, summaries wrap to its width and continue under
            // that column. Piped output keeps one line per rule, for grep.
            let indent = width + 2 + 8 + 2 + 7 + 2;
            let columns = std::io::IsTerminal::is_terminal(&std::io::stdout())
                .then(terminal_columns)
                .flatten();
            for factory in registry() {
                let meta = factory.meta;
                writeln!(
                    out,
                    "{:width$}  {:8}  {:7}  {}",
                    meta.id,
                    default_level(meta),
                    meta.fixable.as_str(),
                    wrap_summary(meta.summary(), indent, columns)
                )?;
            }
            for (description, rules) in &external {
                writeln!(out, "\n{description}:")?;
                let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0).max(4);
                writeln!(
                    out,
                    "{:width$}  {:8}  {:7}  SOURCE",
                    "RULE", "DEFAULT", "FIX"
                )?;
                for rule in rules {
                    writeln!(
                        out,
                        "{:width$}  {:8}  {:7}  {}",
                        rule.id,
                        external_level(rule),
                        rule.fixable.as_str(),
                        rule.source
                    )?;
                }
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
        "docs": meta.documentation(),
    })
}

/// The terminal's width: `COLUMNS` when set, else what the terminal says.
fn terminal_columns() -> Option<usize> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
        .or_else(|| terminal_size::terminal_size().map(|(width, _)| usize::from(width.0)))
}

/// A summary on one line (its source may break lines), or, given the
/// terminal's `columns`, wrapped at word boundaries so that every line fits
/// and continuation lines start at column `indent`. Narrower than 20
/// columns for the summary, it is not wrapped (one word a line helps no one).
fn wrap_summary(summary: &str, indent: usize, columns: Option<usize>) -> String {
    let words: Vec<&str> = summary.split_whitespace().collect();
    let Some(room) = columns
        .and_then(|c| c.checked_sub(indent))
        .filter(|&room| room >= 20)
    else {
        return words.join(" ");
    };
    let mut lines: Vec<String> = vec![String::new()];
    for word in words {
        let line = lines.last_mut().expect("starts with one line");
        let width = unicode_width::UnicodeWidthStr::width(line.as_str());
        if !line.is_empty() && width + 1 + unicode_width::UnicodeWidthStr::width(word) > room {
            lines.push(word.to_owned());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines.join(&format!("\n{}", " ".repeat(indent)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summaries_wrap_under_their_column() {
        let summary =
            "Flags words the brand has a preferred\n replacement for, as listed in the guide.";
        assert_eq!(
            wrap_summary(summary, 10, None),
            "Flags words the brand has a preferred replacement for, as listed in the guide."
        );
        let wrapped = wrap_summary(summary, 10, Some(40));
        let lines: Vec<&str> = wrapped.lines().collect();
        assert!(lines.len() > 2, "{wrapped}");
        for line in &lines[1..] {
            assert!(line.starts_with(&" ".repeat(10)), "{line:?}");
            assert!(!line[10..].starts_with(' '), "{line:?}");
        }
        // The first line sits after the other columns: every line fits.
        assert!(
            lines.iter().all(|line| line.trim_start().len() <= 30),
            "{wrapped}"
        );
        // Too narrow to help: one line.
        assert_eq!(wrap_summary(summary, 70, Some(80)).lines().count(), 1);
    }
}
