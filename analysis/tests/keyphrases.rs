//! Emergent keyphrases: uncovered phrases surface with counts and example
//! ids; codebook terms never do; the order is deterministic.

use hearken_analysis::codebook::Codebook;
use hearken_analysis::keyphrases::{KeyphraseOptions, emergent, emergent_with};

const DOCS: &[(&str, &str)] = &[
    (
        "p1",
        "The infusion chair is so uncomfortable. Four hours in that infusion chair!\nAlso the gas money adds up.",
    ),
    (
        "p2",
        "Does anyone bring a pillow? The infusion chairs at my site are awful.",
    ),
    (
        "p3",
        "Gas money is killing me. Pharmacy wait was an hour again.",
    ),
    (
        "p4",
        "Pharmacy wait times are ridiculous, and the infusion chair hurts my back.",
    ),
    ("p5", "Love the coordinator. Gas money reimbursed finally."),
    (
        "p6",
        "Weather was nice, walked the dog before my appointment.",
    ),
];

#[test]
fn uncovered_phrases_surface_with_counts_and_examples() {
    let cb = Codebook::default_trial();
    let k = emergent(DOCS, &cb, 10);
    let chair = k
        .iter()
        .find(|k| k.phrase == "infusion chair")
        .unwrap_or_else(|| panic!("{k:#?}"));
    assert_eq!(chair.doc_count, 3);
    assert_eq!(chair.count, 4);
    assert_eq!(chair.examples, ["p1", "p2", "p4"]);
    let wait = k
        .iter()
        .find(|k| k.phrase == "pharmacy wait")
        .unwrap_or_else(|| panic!("{k:#?}"));
    assert_eq!(wait.doc_count, 2);
    assert_eq!(wait.examples, ["p3", "p4"]);
}

#[test]
fn codebook_terms_never_surface() {
    let cb = Codebook::default_trial();
    let k = emergent(DOCS, &cb, 50);
    for p in &k {
        // "gas money" is a travel term in three documents; neither it nor its
        // words inside it may come back.
        assert!(
            !p.phrase.contains("gas") && !p.phrase.contains("money"),
            "{p:?}"
        );
        assert!(p.doc_count >= 2, "{p:?}");
    }
}

#[test]
fn single_document_phrases_are_anecdotes() {
    let cb = Codebook::default_trial();
    let k = emergent(DOCS, &cb, 50);
    assert!(
        k.iter()
            .all(|p| !p.phrase.contains("dog") && !p.phrase.contains("pillow")),
        "{k:#?}"
    );
    let k = emergent_with(
        DOCS,
        &cb,
        &KeyphraseOptions {
            min_docs: 1,
            limit: 100,
            ..KeyphraseOptions::default()
        },
    );
    assert!(k.iter().any(|p| p.phrase.contains("dog")), "{k:#?}");
}

#[test]
fn order_is_deterministic_and_ties_are_broken_by_phrase() {
    let cb = Codebook::default_trial();
    // Symmetric documents: "blue lamp" and "red chair" have identical
    // statistics, so they tie and must come out in phrase order.
    let docs = [
        ("a", "Blue lamp. Red chair."),
        ("b", "Red chair. Blue lamp."),
    ];
    let k = emergent(&docs, &cb, 10);
    let again = emergent(&docs, &cb, 10);
    assert_eq!(k, again);
    let phrases: Vec<&str> = k.iter().map(|p| p.phrase.as_str()).collect();
    let mut ties = 0;
    for w in k.windows(2) {
        assert!(w[0].score <= w[1].score, "{phrases:?}");
        if w[0].score == w[1].score {
            ties += 1;
            assert!(w[0].phrase < w[1].phrase, "{phrases:?}");
        }
    }
    assert!(ties >= 1, "expected a tie in {k:#?}");
    assert!(
        phrases.contains(&"blue lamp") && phrases.contains(&"red chair"),
        "{phrases:?}"
    );
    assert!(
        phrases.iter().position(|p| *p == "blue lamp")
            < phrases.iter().position(|p| *p == "red chair")
    );
}

#[test]
fn empty_corpus_has_no_keyphrases() {
    assert!(emergent(&[], &Codebook::default_trial(), 10).is_empty());
}
