//! Which dictionaries a Vale `spelling` rule checks against, as Vale
//! decides it: a rule that names none uses the built-in en_US only (not an
//! `en_US.dic` in `<StylesPath>/config/dictionaries`); one that names some
//! uses those, plus the built-in one with `append: true`; `Vale.Spelling`
//! adds every dictionary of that folder to the built-in one. And the
//! `ICONV` conversions of the `.aff` file (`’` read as `'`).
//!
//! Each test writes a small Vale setup and runs
//! `copydesk check --format vale-line` on it, as a writer would.

use crate::common;

/// A team's own `en_US.dic`, far smaller than the built-in one: it knows
/// only these words.
const TEAM_EN_US: (&str, &str) = (
    "styles/config/dictionaries/en_US.dic",
    "4\nthe\nlight\nwas\nsoft\n",
);
const EMPTY_AFF: (&str, &str) = ("styles/config/dictionaries/en_US.aff", "SET UTF-8\n");
/// A configuration that runs the style `Team` on every file.
const TEAM_INI: (&str, &str) = (
    ".vale.ini",
    "StylesPath = styles\n\n[*]\nBasedOnStyles = Team\n",
);

/// The rule file `Team.Spelling`: a `spelling` rule with `keys` added.
fn team_spelling(keys: &str) -> String {
    format!("extends: spelling\nmessage: \"Did you really mean '%s'?\"\n{keys}")
}

/// The words copydesk reports in `page.md` (Vale's `line` output, last field
/// trimmed to the quoted word).
pub(crate) fn reported(files: &[(&str, &str)]) -> Vec<String> {
    let dir = common::folder_with(files);
    let output = common::run_in(dir.path(), &["check", "--format", "vale-line", "page.md"]);
    let stdout = common::stdout(&output);
    assert!(
        output.status.code().is_some_and(|c| c <= 1),
        "copydesk failed: {stdout}{}",
        common::stderr(&output)
    );
    stdout
        .lines()
        .filter_map(|line| {
            let start = line.find('\'')? + 1;
            let end = start + line[start..].find('\'')?;
            Some(line[start..end].to_owned())
        })
        .collect()
}

#[test]
fn a_rule_naming_no_dictionary_uses_the_built_in_one_not_the_styles_en_us() {
    let words = reported(&[
        TEAM_INI,
        ("styles/Team/Spelling.yml", &team_spelling("")),
        TEAM_EN_US,
        EMPTY_AFF,
        ("page.md", "The predawn light was soft and lovelly.\n"),
    ]);
    // Read with the team's en_US.dic, "predawn", "and" would be typos too.
    assert_eq!(words, ["lovelly"]);
}

#[test]
fn a_rule_naming_en_us_uses_the_styles_en_us() {
    let words = reported(&[
        TEAM_INI,
        (
            "styles/Team/Spelling.yml",
            &team_spelling("dictionaries:\n  - en_US\n"),
        ),
        TEAM_EN_US,
        EMPTY_AFF,
        ("page.md", "The predawn light was soft and lovelly.\n"),
    ]);
    assert_eq!(words, ["predawn", "and", "lovelly"]);
}

#[test]
fn append_adds_the_built_in_dictionary_to_the_named_ones() {
    let words = reported(&[
        TEAM_INI,
        (
            "styles/Team/Spelling.yml",
            &team_spelling("append: true\ndictionaries:\n  - en_US\n"),
        ),
        ("styles/config/dictionaries/en_US.dic", "1\nfrobnicate\n"),
        EMPTY_AFF,
        (
            "page.md",
            "We frobnicate the predawn light, not frobnicat.\n",
        ),
    ]);
    assert_eq!(words, ["frobnicat"]);
}

#[test]
fn vale_spelling_adds_the_styles_dictionaries_to_the_built_in_one() {
    let words = reported(&[
        (
            ".vale.ini",
            "StylesPath = styles\n\n[*]\nBasedOnStyles = Vale\n",
        ),
        // The folder's own en_US.dic does not replace the built-in one…
        TEAM_EN_US,
        EMPTY_AFF,
        // …and a team dictionary beside it adds its words.
        ("styles/config/dictionaries/team.dic", "1\nfrobnicate/S\n"),
        (
            "styles/config/dictionaries/team.aff",
            "SET UTF-8\nSFX S Y 1\nSFX S 0 s .\n",
        ),
        (
            "page.md",
            "We frobnicate and he frobnicates in the predawn light, not frobnicat.\n",
        ),
    ]);
    assert_eq!(words, ["frobnicat"]);
}

#[test]
fn curly_apostrophes_are_read_as_straight_ones_before_the_lookup() {
    // `custom: true` drops Vale's default filters, so the apostrophe is not
    // filtered away: the built-in .aff's `ICONV ’ '` makes "doesn’t" the
    // dictionary's "doesn't".
    let words = reported(&[
        TEAM_INI,
        ("styles/Team/Spelling.yml", &team_spelling("custom: true\n")),
        ("page.md", "That doesn’t work and that doesnt’t either.\n"),
    ]);
    assert_eq!(words, ["doesnt’t"]);
}

#[test]
fn a_dic_and_aff_pair_replaces_every_other_dictionary() {
    let words = reported(&[
        TEAM_INI,
        (
            "styles/Team/Spelling.yml",
            &team_spelling("dic: Team/words.dic\naff: Team/words.aff\ndictionaries:\n  - en_US\n"),
        ),
        ("styles/Team/words.dic", "3\nwidget/S\nship\nwe\n"),
        (
            "styles/Team/words.aff",
            "SET UTF-8\nSFX S Y 1\nSFX S 0 s .\n",
        ),
        ("page.md", "We ship widgets and gadgets.\n"),
    ]);
    // Only the pair is read: "and" is not in it, the built-in list is not used.
    assert_eq!(words, ["and", "gadgets"]);
}

#[test]
fn a_rules_exceptions_are_never_typos() {
    let words = reported(&[
        TEAM_INI,
        (
            "styles/Team/Spelling.yml",
            &team_spelling("exceptions:\n  - frobnicator\n  - '[Qq]uux\\w*'\n"),
        ),
        (
            "page.md",
            "The Frobnicator and quuxes pass; the frobnicatr does not.\n",
        ),
    ]);
    assert_eq!(words, ["frobnicatr"]);
}
