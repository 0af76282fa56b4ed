//! "Disable rule in copydesk.toml": set a rule to `"off"` in a guide file,
//! keeping its comments and layout (the guide is code, reviewed as a diff).

use toml_edit::{DocumentMut, Item, Table, Value, value};

use crate::guide::{Guide, GuideSource};

/// Why a guide file could not be edited.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GuideEditError {
    #[error("the guide is not valid TOML: {0}")]
    Parse(String),
    #[error("`rules` in the guide is not a table")]
    RulesNotATable,
    #[error("the edited guide would not load: {0}")]
    Invalid(String),
}

/// The guide text with `rule` set to `"off"` under `[rules]` (added when
/// missing). The result is loaded once to make sure it is a valid guide that
/// turns the rule off.
pub fn disable_rule(text: &str, rule: &str) -> Result<String, GuideEditError> {
    let mut document: DocumentMut = text
        .parse()
        .map_err(|error: toml_edit::TomlError| GuideEditError::Parse(error.message().to_owned()))?;
    let root = document.as_table_mut();
    if !root.contains_key("rules") {
        root.insert("rules", Item::Table(Table::new()));
    }
    match root.get_mut("rules") {
        Some(Item::Table(table)) => match table.get_mut(rule).and_then(Item::as_value_mut) {
            Some(existing) => set_off(existing),
            None => {
                table.insert(rule, value("off"));
            }
        },
        Some(Item::Value(Value::InlineTable(table))) => match table.get_mut(rule) {
            Some(existing) => set_off(existing),
            None => {
                table.insert(rule, "off".into());
            }
        },
        _ => return Err(GuideEditError::RulesNotATable),
    }
    let mut edited = document.to_string();
    if !text.is_empty() && text.ends_with('\n') && !edited.ends_with('\n') {
        edited.push('\n');
    }
    let guide = Guide::from_source(&edited, GuideSource::BuiltIn)
        .map_err(|error| GuideEditError::Invalid(error.to_string()))?;
    if guide.rule_level(rule) != Some(None) {
        return Err(GuideEditError::Invalid(format!(
            "“{rule}” is still on after the edit"
        )));
    }
    Ok(edited)
}

/// Replace a value with `"off"`, keeping the whitespace and comment around
/// it.
fn set_off(existing: &mut Value) {
    let decor = existing.decor().clone();
    *existing = Value::from("off");
    *existing.decor_mut() = decor;
}

/// A new guide that turns one rule off, for a workspace without one.
pub fn new_guide_disabling(rule: &str) -> String {
    format!(
        "# copydesk.toml — run `copydesk init` for a commented starter guide.\n\n[rules]\n\"{rule}\" = \"off\"\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_the_rule_under_an_existing_rules_table_keeping_comments() {
        let text = "# Our guide\nallow = [\"Copydesk\"] # product name\n\n[rules]\n# noisy for us\n\"voice/passive\" = \"info\"\n\n[voice]\nmax_sentence_words = 30\n";
        let edited = disable_rule(text, "concise/filler").expect("edits");
        assert_eq!(
            edited,
            "# Our guide\nallow = [\"Copydesk\"] # product name\n\n[rules]\n# noisy for us\n\"voice/passive\" = \"info\"\n\"concise/filler\" = \"off\"\n\n[voice]\nmax_sentence_words = 30\n"
        );
    }

    #[test]
    fn changes_an_existing_level_in_place() {
        let text = "[rules]\n\"concise/filler\" = \"warning\" # keep\n";
        assert_eq!(
            disable_rule(text, "concise/filler").as_deref(),
            Ok("[rules]\n\"concise/filler\" = \"off\" # keep\n")
        );
    }

    #[test]
    fn adds_a_rules_table_when_there_is_none() {
        let text = "[voice]\nmax_sentence_words = 30\n";
        let edited = disable_rule(text, "voice/hedge").expect("edits");
        assert_eq!(
            edited,
            "[voice]\nmax_sentence_words = 30\n\n[rules]\n\"voice/hedge\" = \"off\"\n"
        );
        let inline = "rules = { \"voice/passive\" = \"info\" }\n";
        let edited = disable_rule(inline, "voice/hedge").expect("edits");
        assert!(edited.contains("\"voice/hedge\" = \"off\""), "{edited}");
    }

    #[test]
    fn broken_guides_are_not_edited() {
        assert!(matches!(
            disable_rule("[rules\n", "voice/hedge"),
            Err(GuideEditError::Parse(_))
        ));
        assert_eq!(
            disable_rule("rules = 3\n", "voice/hedge"),
            Err(GuideEditError::RulesNotATable)
        );
        let new = new_guide_disabling("voice/hedge");
        assert_eq!(
            Guide::from_source(&new, GuideSource::BuiltIn)
                .expect("valid")
                .rule_level("voice/hedge"),
            Some(None)
        );
    }
}
