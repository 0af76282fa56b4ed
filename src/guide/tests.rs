use super::*;

fn load(text: &str) -> Result<Guide, GuideError> {
    Guide::from_source(text, GuideSource::File(PathBuf::from("team/copydesk.toml")))
}

/// "line:column: message" of the error a built-in guide `text` gives; for
/// the section modules' own tests.
#[track_caller]
pub(super) fn invalid_at(text: &str) -> String {
    match Guide::from_source(text, GuideSource::BuiltIn) {
        Err(GuideError::Invalid {
            line,
            column,
            message,
            ..
        }) => format!("{line}:{column}: {message}"),
        other => panic!("expected an invalid guide, got {other:?}"),
    }
}

fn error_text(text: &str) -> String {
    match load(text) {
        Ok(_) => panic!("expected an error for:\n{text}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn unknown_key_names_file_line_and_column() {
    let message = error_text("[voice]\nmax_sentence_words = 30\nmax_sentense_words = 20\n");
    assert!(message.starts_with("team/copydesk.toml:3:1: "), "{message}");
    assert!(message.contains("max_sentense_words"), "{message}");
}

#[test]
fn wrong_type_is_located() {
    let message = error_text("[voice]\nreading_grade = \"ten\"\n");
    assert!(
        message.starts_with("team/copydesk.toml:2:17: "),
        "{message}"
    );
}

#[test]
fn unknown_rule_suggests_the_closest() {
    let message = error_text("[rules]\n\"voice/pasive\" = \"off\"\n");
    assert!(message.starts_with("team/copydesk.toml:2:"), "{message}");
    assert!(
        message.contains("did you mean “voice/passive”"),
        "{message}"
    );
}

#[test]
fn invalid_level_is_located_at_the_value() {
    let message = error_text("[rules]\n\"voice/passive\" = \"loud\"\n");
    assert!(
        message.starts_with("team/copydesk.toml:2:19: "),
        "{message}"
    );
    assert!(
        message.contains("off, hint, info, warning, error"),
        "{message}"
    );
}

#[test]
fn extends_default_adds_to_builtin_tables() {
    let guide =
        load("[concise]\nwordy = [{ find = \"at the present moment\", use = \"now\" }]\n").unwrap();
    let wordy = guide.config.concise.table("wordy");
    assert!(wordy.len() > 1);
    assert!(
        wordy
            .iter()
            .any(|row| row.find.as_slice() == ["at the present moment"])
    );
    assert!(
        wordy
            .iter()
            .any(|row| row.find.as_slice().contains(&"in order to".to_owned()))
    );
}

#[test]
fn extends_none_starts_empty() {
    let guide = load("extends = \"none\"\n[voice.casing]\nnames = [\"Acme\"]\n").unwrap();
    assert!(guide.config.concise.table("wordy").is_empty());
    assert_eq!(guide.config.voice.casing.names, ["Acme"]);
    assert!(!guide.extends_default());
}

#[test]
fn rule_level_prefers_the_exact_id_over_the_category() {
    let guide = load("[rules]\nconcise = \"off\"\n\"concise/filler\" = \"warning\"\n").unwrap();
    assert_eq!(
        guide.rule_level("concise/filler"),
        Some(Some(Severity::Warning))
    );
    assert_eq!(guide.rule_level("concise/redundancy"), Some(None));
    assert_eq!(guide.rule_level("voice/passive"), None);
}

#[test]
fn starter_guide_is_valid() {
    load(STARTER_GUIDE).unwrap();
}

#[test]
fn hash_changes_with_the_text() {
    let a = load("allow = [\"a\"]\n").unwrap();
    let b = load("allow = [\"b\"]\n").unwrap();
    assert_ne!(a.hash, b.hash);
    assert_eq!(a.hash, load("allow = [\"a\"]\n").unwrap().hash);
}

#[test]
fn a_table_key_no_rule_declares_is_refused_at_the_key_with_the_nearest() {
    let message = error_text("[concise]\nfiler = [{ find = \"really\", use = \"\" }]\n");
    assert!(message.starts_with("team/copydesk.toml:2:1: "), "{message}");
    assert!(message.contains("unknown field `filer`"), "{message}");
    assert!(message.contains("did you mean `filler`?"), "{message}");
    // The keys a section accepts are its own and its table rules'.
    let message = error_text("[voice]\njargn = []\n");
    assert!(message.starts_with("team/copydesk.toml:2:1: "), "{message}");
    assert!(message.contains("`jargon`"), "{message}");
    assert!(message.contains("`max_sentence_words`"), "{message}");
    assert!(message.contains("did you mean `jargon`?"), "{message}");
}

#[test]
fn an_error_inside_a_table_row_keeps_its_line_and_column() {
    let message = error_text(
        "[voice]\nmax_sentence_words = 30\njargon = [\n  { find = \"synergy\", usee = \"\" },\n]\n",
    );
    assert!(message.starts_with("team/copydesk.toml:4:"), "{message}");
    assert!(message.contains("usee"), "{message}");
    let message = error_text("[[concise.wordy]]\nfind = 3\n");
    assert!(message.starts_with("team/copydesk.toml:2:8: "), "{message}");
}

#[test]
fn table_rules_read_their_own_key_and_keep_the_built_in_rows() {
    let guide = load(
        "[voice]\nmax_sentence_words = 30\nhedges = [{ find = \"arguably\" }]\n\n[[concise.filler]]\nfind = \"kinda\"\n",
    )
    .unwrap();
    assert_eq!(guide.config.voice.max_sentence_words, Some(30));
    let hedge = super::catalog::find_meta("voice/hedge").unwrap();
    let hedges = guide.config.table(hedge);
    assert_eq!(
        hedges.last().map(|row| row.find.as_slice()),
        Some(&["arguably".to_owned()][..])
    );
    assert!(hedges.len() > 1, "the built-in hedges stay");
    let filler = super::catalog::find_meta("concise/filler").unwrap();
    assert!(
        guide
            .config
            .table(filler)
            .iter()
            .any(|row| row.find.as_slice() == ["kinda"])
    );
    // A rule without a table has no rows.
    let passive = super::catalog::find_meta("voice/passive").unwrap();
    assert!(guide.config.table(passive).is_empty());
}

#[test]
fn every_table_rule_has_its_table_in_the_built_in_guide() {
    let builtin = Guide::builtin();
    for &meta in super::catalog::rules() {
        if meta.table.is_some() {
            assert!(
                meta.defaults.is_some(),
                "{} declares a table key but no built-in table",
                meta.id
            );
            assert!(
                !builtin.config.table(meta).is_empty(),
                "{}: its table “{}” is empty in the built-in guide (is the key in a section of its category?)",
                meta.id,
                meta.table.unwrap_or_default()
            );
        }
    }
}
