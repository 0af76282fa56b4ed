use super::*;

use crate::llm::tests::writer as profile;

fn tighten(name: &str, original: &str, candidate: &str) -> Result<(), VoiceChange> {
    check_tighten(original, candidate, DocumentKind::Markdown, &profile(name))
}

fn bridge(name: &str, first: &str, second: &str, option: &str) -> Result<(), VoiceChange> {
    check_bridge(
        first,
        second,
        option,
        DocumentKind::Markdown,
        &profile(name),
    )
}

#[test]
fn the_two_writers_differ_where_the_checks_look() {
    let plain = profile("plain");
    let formal = profile("formal");
    assert_eq!(plain.contractions.posts_using, 8);
    assert_eq!(formal.contractions.posts_using, 0);
    assert!(plain.sentences.mean < 10.0, "{}", plain.sentences.mean);
    assert!(formal.sentences.mean > 18.0, "{}", formal.sentences.mean);
    assert_eq!(plain.connectives["moreover"], 0);
    assert!(formal.connectives["however"] > 0);
    assert!(formal.openers.avoided.contains(&"But".to_owned()));
    assert!(plain.person.we.mean >= USES_PERSON);
}

#[test]
fn contractions_removed_for_a_writer_who_uses_them() {
    let original = "We've fixed the export bug, and it's live now. You don't need to do anything.";
    let candidate = "We fixed the export bug and it is live now. You need to do nothing.";
    let rejection = tighten("plain", original, candidate).unwrap_err();
    assert!(
        matches!(rejection, VoiceChange::RemovedContractions { .. }),
        "{rejection:?}"
    );
    let message = rejection.to_string();
    assert!(message.contains("“we've”, “it's”, “don't”"), "{message}");
    assert!(
        message.contains("you use them in 8 of 8 posts"),
        "{message}"
    );
    // The formal writer never contracts: the same rewrite is in their voice.
    assert_eq!(tighten("formal", original, candidate), Ok(()));
    // Cutting a stock "It's worth noting that" is not a change of voice.
    assert_eq!(
        tighten(
            "plain",
            "It's worth noting that we kept the layout. We fixed what hurt.",
            "We kept the layout. We fixed what hurt.",
        ),
        Ok(())
    );
}

#[test]
fn merged_sentences_for_a_writer_of_short_ones() {
    let original = "We moved the servers last week. It took four days. Nobody noticed at all. That was the whole goal.";
    let candidate =
        "We moved the servers last week over four days, and nobody noticed, which was the goal.";
    let rejection = tighten("plain", original, candidate).unwrap_err();
    assert!(
        matches!(rejection, VoiceChange::LongerSentences { .. }),
        "{rejection:?}"
    );
    let yours = format!(
        "your sentences average {:.0}",
        profile("plain").sentences.mean
    );
    assert!(rejection.to_string().contains(&yours), "{rejection}");
    // The formal writer does not write short sentences: no such limit.
    assert_eq!(tighten("formal", original, candidate), Ok(()));
    // Cutting words without merging keeps the plain writer's rhythm.
    assert_eq!(
        tighten(
            "plain",
            original,
            "We moved the servers last week. It took four days. Nobody noticed. That was the goal."
        ),
        Ok(())
    );
}

#[test]
fn person_dropped_or_changed() {
    let original = "We think the new menus are much faster. We measured them on old laptops and saw a clear gain.";
    let candidate = "The new menus are much faster. Tests on old laptops showed a clear gain.";
    let rejection = tighten("plain", original, candidate).unwrap_err();
    assert_eq!(
        rejection,
        VoiceChange::DroppedPerson {
            person: "we",
            uses: 2,
            yours: profile("plain").person.we.mean
        }
    );
    // The formal writer never writes "we": dropping it is fine for them.
    assert_eq!(tighten("formal", original, candidate), Ok(()));

    let rejection = tighten(
        "plain",
        "I tested the build on my old laptop. It ran well enough.",
        "We tested the build on an old laptop. It ran well.",
    )
    .unwrap_err();
    assert!(
        rejection.to_string().contains("changes “I” to “we”"),
        "{rejection}"
    );
}

#[test]
fn a_connective_the_writer_never_uses_or_an_opener_they_avoid() {
    let original = "We fixed the crash on start. The export is faster too.";
    let rejection = tighten(
        "plain",
        original,
        "We fixed the crash. Moreover, the export is faster.",
    )
    .unwrap_err();
    assert!(
        rejection
            .to_string()
            .contains("brings in “moreover”, which you never use"),
        "{rejection}"
    );
    // "so" is one of the plain writer's own words.
    assert_eq!(
        tighten(
            "plain",
            original,
            "We fixed the crash. So the export is faster."
        ),
        Ok(())
    );

    let rejection = tighten(
        "formal",
        "The service is faster after the migration. Some scheduled exports still fail for archived projects.",
        "The service is faster after the migration. But some exports still fail for archived projects.",
    )
    .unwrap_err();
    assert_eq!(
        rejection,
        VoiceChange::AvoidedOpener {
            word: "But".to_owned()
        }
    );
}

#[test]
fn good_tightenings_pass_for_both_writers() {
    for name in ["plain", "formal"] {
        assert_eq!(
            tighten(
                name,
                "We've basically finished the work, and we're really happy with how it turned out.",
                "We've finished the work, and we're happy with how it turned out.",
            ),
            Ok(()),
            "{name}"
        );
        assert_eq!(
            tighten(
                name,
                "It is important to note that the reporting service has been moved to the new cluster. Monthly summaries are now produced in less time than before.",
                "The reporting service has moved to the new cluster. Monthly summaries now take less time.",
            ),
            Ok(()),
            "{name}"
        );
    }
}

#[test]
fn bridge_options_in_and_out_of_voice() {
    let first = "We shipped the colour picker on Monday. It's faster than the old one.";
    let second = "We're now working on the export menu. It should land next month.";
    assert_eq!(
        bridge("plain", first, second, "So we're on to the next menu."),
        Ok(())
    );
    let long = "Having completed the colour picker and received encouraging early feedback from many users, the team has turned its attention to the export menu.";
    assert!(matches!(
        bridge("plain", first, second, long),
        Err(VoiceChange::LongTransition { .. })
    ));
    assert!(matches!(
        bridge(
            "plain",
            first,
            second,
            "Furthermore, the export menu is next."
        ),
        Err(VoiceChange::NeverUsedConnective { .. })
    ));

    let first = "The reporting service now runs on the new cluster. Monthly summaries are produced in less time.";
    let second = "The export configuration will be reviewed before the end of the quarter.";
    assert_eq!(
        bridge(
            "formal",
            first,
            second,
            "The faster cluster does not yet fix the scheduled exports."
        ),
        Ok(())
    );
    // The Bridge prompt asks for "but, so, then": a writer who rarely opens
    // with "But" may still join two paragraphs with it.
    assert_eq!(
        bridge(
            "formal",
            first,
            second,
            "But the faster cluster does not yet fix the scheduled exports."
        ),
        Ok(())
    );
    let rejection = bridge(
        "formal",
        first,
        second,
        "You may wonder what happens to the scheduled exports.",
    )
    .unwrap_err();
    assert!(
        rejection.to_string().contains("brings in “you”"),
        "{rejection}"
    );
    assert!(matches!(
        bridge(
            "formal",
            first,
            second,
            "The scheduled exports aren't fixed by the new cluster."
        ),
        Err(VoiceChange::AddedContraction { .. })
    ));
}

#[test]
fn an_answer_that_copies_an_example_sentence() {
    let first = "We shipped the colour picker on Monday. It's faster than the old one.";
    let second = "We're now working on the export menu. It should land next month.";
    let plain = profile("plain");
    let example = plain
        .excerpts
        .iter()
        .find(|e| e.starts_with("We use the picker"))
        .expect("an excerpt")
        .clone();
    let rejection = bridge("plain", first, second, &example).unwrap_err();
    assert_eq!(
        rejection,
        VoiceChange::CopiedExample {
            sentence: example.clone()
        }
    );
    // A Tighten that appends an example sentence.
    let original = "We have really been using the new picker a lot. It has been very fast for us.";
    let candidate = format!("We use the new picker a lot. {example}");
    assert!(matches!(
        tighten("plain", original, &candidate),
        Err(VoiceChange::CopiedExample { .. })
    ));
    // Sharing only function words and a verb with an example is not a copy.
    assert_eq!(
        tighten(
            "plain",
            "We really do use the new app basically every day. It is fast.",
            "We use the app every day. It is fast.",
        ),
        Ok(())
    );
    // The writer's own text may hold the sentence: editing it is fine.
    let own = format!("{example} It has been very, very fast for all of us.");
    assert_eq!(
        tighten(
            "plain",
            &own,
            &format!("{example} It has been very fast for us.")
        ),
        Ok(())
    );
}
