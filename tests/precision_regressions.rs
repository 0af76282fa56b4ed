//! False positives and broken fixes found by reading copydesk's findings on
//! published blog posts (issue 12). Every sentence here is written for this
//! test in the same shape as the real one; none is copied from a post.

use copydesk::check::{CheckOptions, Checker};
use copydesk::document::DocumentKind;
use copydesk::fix::Applicability;
use copydesk::guide::Guide;

fn checker(select: &[&str]) -> Checker {
    let options = CheckOptions {
        select: select.iter().map(|s| (*s).to_owned()).collect(),
        today: (2026, 11, 23),
        ..CheckOptions::default()
    };
    Checker::new(Guide::builtin(), options)
}

/// The text each finding of `rule` covers.
#[track_caller]
fn flagged(input: &str, rule: &str) -> Vec<String> {
    let (document, findings) = checker(&[rule]).check_text(input, DocumentKind::Markdown);
    findings
        .iter()
        .map(|f| document.text()[f.span.clone()].to_owned())
        .collect()
}

#[track_caller]
fn fixed(input: &str, rule: &str, at_least: Applicability) -> String {
    checker(&[rule])
        .fix_text(input, DocumentKind::Markdown, at_least)
        .text
}

#[test]
fn shouting_leaves_acronyms_files_and_speaker_labels() {
    for text in [
        "Read the README and the CONTRIBUTING guide first.",
        "Keys are signed with ECDSA and zones with DNSSEC.",
        "The backend emits LLVM IR for the GPU.",
        "The REST API returns JSON.",
        "PAT MORGAN: Thanks for having me.",
        "She smiled [LAUGHS] and carried on.",
        "Set POOL\\_SIZE before you start.",
    ] {
        assert_eq!(
            flagged(text, "voice/shouting"),
            Vec::<String>::new(),
            "{text}"
        );
    }
    assert_eq!(flagged("Seats are LIMITED.", "voice/shouting"), ["LIMITED"]);
}

#[test]
fn shouting_fix_never_lowercases_an_acronym() {
    assert_eq!(
        fixed(
            "Try our AMAZING REST API today.",
            "voice/shouting",
            Applicability::Unsafe
        ),
        "Try our amazing REST API today."
    );
    assert_eq!(
        fixed(
            "Doors are OPEN NOW.",
            "voice/shouting",
            Applicability::Unsafe
        ),
        "Doors are open now."
    );
}

#[test]
fn exclamation_count_is_for_social_posts_only() {
    let article = "We shipped it! Thanks to everyone who helped! See you at the meetup!";
    assert_eq!(flagged(article, "voice/exclamation"), Vec::<String>::new());
    let post = format!("---\nplatform: linkedin\n---\n{article}\n");
    assert_eq!(flagged(&post, "voice/exclamation"), ["!", "!"]);
    assert_eq!(flagged("Done!!", "voice/exclamation"), ["!!"]);
}

#[test]
fn sentence_length_default_flags_only_really_long_sentences() {
    // 40 words: long, but within what editors let pass.
    let forty = format!("{}.", vec!["word"; 40].join(" "));
    assert_eq!(
        flagged(&forty, "voice/sentence-length"),
        Vec::<String>::new()
    );
    let fifty = format!("{}.", vec!["word"; 50].join(" "));
    assert_eq!(flagged(&fifty, "voice/sentence-length").len(), 1);
}

#[test]
fn readability_is_judged_per_document() {
    let dense = "Comprehensive organisational transformation necessitates institutional \
        prioritisation methodologies, interdepartmental communication, and operationalisation \
        of considerable strategic complexity.";
    let plain = "We ship small changes. We test them first. Then we tell you what changed. \
        It is a simple way to work, and it keeps the tool calm for you.";
    // One dense paragraph among plain ones is not a finding.
    let dense_paragraph = [dense; 3].join(" ");
    let text = format!(
        "{plain}\n\n{dense_paragraph}\n\n{}\n",
        [plain; 8].join("\n\n")
    );
    assert_eq!(flagged(&text, "voice/readability"), Vec::<String>::new());
    // A document that is dense throughout gets one finding, on its first sentence.
    let dense_text = [dense; 8].join("\n\n");
    assert_eq!(flagged(&dense_text, "voice/readability").len(), 1);
}

#[test]
fn passive_skips_adjectival_and_stative_participles() {
    for text in [
        "Older releases are unaffected.",
        "The old option is deprecated.",
        "Metrics are enabled by default.",
        "The scheduler is based on a priority queue.",
        "The fix is expected to land next week.",
        "The crate is composed of three modules.",
        "We are interested in your feedback.",
    ] {
        assert_eq!(
            flagged(text, "voice/passive"),
            Vec::<String>::new(),
            "{text}"
        );
    }
    assert_eq!(
        flagged("The tickets were sent to the team.", "voice/passive"),
        ["were sent"]
    );
}

#[test]
fn passive_and_flow_rules_are_off_by_default() {
    let text = "The report was written by our analysts.\n\nThe team met. The team ate. \
        The team left.\n\nBerlin hosts the summit in October, with two full days of talks.\n";
    let (_, findings) = checker(&[]).check_text(text, DocumentKind::Markdown);
    for rule in [
        "voice/passive",
        "flow/repeated-opener",
        "flow/abrupt-transition",
    ] {
        assert!(
            findings.iter().all(|f| f.rule != rule),
            "{rule} ran by default: {findings:?}"
        );
    }
}

#[test]
fn hedge_skips_idioms() {
    for text in [
        "Quite a few people asked.",
        "It took quite a bit of work.",
        "It is not quite ready.",
        "This was the very first release.",
        "It is the very same bug.",
        "Read it to the very end.",
    ] {
        assert_eq!(flagged(text, "voice/hedge"), Vec::<String>::new(), "{text}");
    }
    assert_eq!(flagged("It is very fast.", "voice/hedge"), ["very"]);
}

#[test]
fn casing_leaves_joined_names_and_plural_acronyms() {
    for text in [
        "Queries requiring many disk IOs were slow.",
        "The rust-for-linux folks joined.",
        "See the kubernetes/website repository.",
        "Mail the linux-kernel list.",
    ] {
        assert_eq!(
            flagged(text, "voice/casing"),
            Vec::<String>::new(),
            "{text}"
        );
    }
    assert_eq!(flagged("It runs on linux.", "voice/casing"), ["linux"]);
}

#[test]
fn filler_skips_names_built_from_filler_words() {
    assert_eq!(
        flagged("Try the really-simple-sync tool.", "concise/filler"),
        Vec::<String>::new()
    );
}

#[test]
fn removals_leave_no_stray_comma_or_double_space() {
    let out = fixed(
        "It was really, really deep.",
        "concise/filler",
        Applicability::Unsafe,
    );
    assert_eq!(out, "It was deep.");
    for text in [
        "It was, really, fine.",
        "Really, it works.",
        "It works, really.",
        "We really  care.",
    ] {
        let out = fixed(text, "concise/filler", Applicability::Unsafe);
        assert!(
            !out.contains(" ,") && !out.contains(",,") && !out.contains(", ."),
            "{out}"
        );
        assert!(!out.contains("  ") || text.contains("  "), "{out}");
    }
}

#[test]
fn safe_wordy_fixes_keep_grammar_and_meaning() {
    let safe = |text: &str| fixed(text, "concise/wordy-phrase", Applicability::Safe);
    assert_eq!(
        safe("It is open to a large number of their users."),
        "It is open to many of their users."
    );
    assert_eq!(safe("A large number of users asked."), "Many users asked.");
    // After a noun, dropping "in order" can change who does what: not Safe.
    assert_eq!(
        safe("We thank our donors in order to fund the servers."),
        "We thank our donors in order to fund the servers."
    );
    assert_eq!(
        safe("In order to apply, write to us."),
        "To apply, write to us."
    );
    assert_eq!(
        safe("We moved, in order to save money."),
        "We moved, to save money."
    );
    // "utilization" is a metric in technical prose, not a wordy "use".
    assert_eq!(safe("CPU utilization rose."), "CPU utilization rose.");
}

#[test]
fn safe_nominalization_fixes_need_a_noun_phrase_after_to() {
    let safe = |text: &str| fixed(text, "concise/nominalization", Applicability::Safe);
    assert_eq!(
        safe("Sponsors provided support to cover our costs."),
        "Sponsors provided support to cover our costs."
    );
    assert_eq!(
        safe("Sponsors provided support to the team."),
        "Sponsors supported the team."
    );
    // Still flagged, with the replacement offered for the writer to choose.
    assert_eq!(
        flagged(
            "Sponsors provided support to cover our costs.",
            "concise/nominalization"
        ),
        ["provided support to"]
    );
}

#[test]
fn throat_clearing_needs_the_as_phrase_to_stand_alone() {
    assert_eq!(
        flagged(
            "It could have been easy, as you know how to fix it.",
            "concise/throat-clearing"
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        fixed(
            "As you know, we ship on Fridays.",
            "concise/throat-clearing",
            Applicability::Unsafe
        ),
        "We ship on Fridays."
    );
}

#[test]
fn link_text_that_names_its_target_is_a_name() {
    assert_eq!(
        flagged(
            "Targets such as [FALCON](https://example.org/falcon/) are supported.",
            "voice/shouting"
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        flagged(
            "We forked [actually](https://example.com/team/actually) last year.",
            "concise/filler"
        ),
        Vec::<String>::new()
    );
    // Link text that does not name its target is still prose.
    assert_eq!(
        flagged(
            "It is [really fast](https://example.com/benchmarks).",
            "concise/filler"
        ),
        ["really"]
    );
}

#[test]
fn inclusive_leaves_official_titles() {
    assert_eq!(
        flagged(
            "Dana Reyes, Chairman of the Board, opened the meeting.",
            "voice/inclusive"
        ),
        Vec::<String>::new()
    );
    assert_eq!(
        flagged("Our chairman opened the meeting.", "voice/inclusive"),
        ["chairman"]
    );
}

#[test]
fn filler_after_a_negation_carries_meaning() {
    for text in [
        "It is not really a subset.",
        "The tool isn't actually one program.",
        "It returned without actually writing the file.",
    ] {
        assert_eq!(
            flagged(text, "concise/filler"),
            Vec::<String>::new(),
            "{text}"
        );
    }
    assert_eq!(
        flagged("It is actually one program.", "concise/filler"),
        ["actually"]
    );
}

#[test]
fn casing_leaves_a_lowercase_name_something_was_given() {
    for text in [
        "The database service could be named mysql in every environment.",
        "Pods reach it through the DNS name elasticsearch within the namespace.",
    ] {
        assert_eq!(
            flagged(text, "voice/casing"),
            Vec::<String>::new(),
            "{text}"
        );
    }
    // The product itself, even right after "named", is still spelt right.
    assert_eq!(
        fixed(
            "We use mysql for the orders table.",
            "voice/casing",
            Applicability::Safe
        ),
        "We use MySQL for the orders table."
    );
    assert_eq!(
        flagged("A tool named Github Actions runs it.", "voice/casing"),
        ["Github"]
    );
}

#[test]
fn redundancy_leaves_idioms_to_the_writer() {
    // Idioms whose short form changes the sense are no longer in the table
    // (tests/precision_bars.rs has the rest).
    for text in [
        "We knew from past experiences that it would be slow.",
        "The two teams joined together as one group.",
    ] {
        assert_eq!(
            flagged(text, "concise/redundancy"),
            Vec::<String>::new(),
            "{text}"
        );
    }
    assert_eq!(
        fixed(
            "The end result is a faster build.",
            "concise/redundancy",
            Applicability::Safe
        ),
        "The result is a faster build."
    );
}

/// Safe fixes judged wrong on the held-out posts (docs/precision.md,
/// "Held-out set"): each is still flagged, but `--fix` leaves it to the
/// writer, because the short form depends on the sentence around it.
#[test]
fn held_out_safe_fixes_that_changed_meaning_are_left_to_the_writer() {
    for (text, rule, phrase) in [
        // Past narration: "now" would move the story to today.
        (
            "Back then the package had only four releases at this point in time.",
            "concise/wordy-phrase",
            "at this point in time",
        ),
        // After "There is", "whether" alone leaves no noun.
        (
            "There is the question of whether the flag name is clear.",
            "concise/wordy-phrase",
            "the question of whether",
        ),
        // A standing duty, not a nonstop one.
        (
            "The new group will run the release process on an ongoing basis.",
            "concise/wordy-phrase",
            "on an ongoing basis",
        ),
    ] {
        assert_eq!(flagged(text, rule), [phrase], "{text}");
        assert_eq!(fixed(text, rule, Applicability::Safe), text, "{text}");
        assert_ne!(
            fixed(text, rule, Applicability::Unsafe),
            text,
            "the Unsafe fix is still offered: {text}"
        );
    }
}

#[test]
fn concise_rules_leave_a_block_quote_as_it_was_said() {
    // Someone else's words, quoted: an editor does not tighten them. The
    // same sentence as the writer's own is flagged.
    let quoted = "As the maintainers wrote in their update:\n\n> We paused the rollout in order to fix the migration first.\n";
    assert_eq!(
        flagged(quoted, "concise/wordy-phrase"),
        Vec::<String>::new()
    );
    let own = "We paused the rollout in order to fix the migration first.\n";
    assert_eq!(flagged(own, "concise/wordy-phrase").len(), 1);
}
