//! Behaviour of the public API on written examples: every identifier kind, the tricky cases the issue
//! names, policy options, known names and surrogates. The texts are invented.

use std::sync::Arc;

use hearken_deid::{
    Deidentifier, ExtraPattern, IdentifierKind as K, KnownNames, NameKind, Policy, PseudonymKey,
    RememberedNames, fingerprints,
};

fn deid() -> Deidentifier {
    Deidentifier::new(&Policy::default()).expect("default policy builds")
}

/// Redacts and checks that nothing in `gone` survives and everything in `kept` does.
#[track_caller]
fn check(text: &str, gone: &[&str], kept: &[&str]) -> String {
    let out = deid().redact(text, &[]);
    for g in gone {
        assert!(!out.text.contains(g), "{g:?} survived in {:?}", out.text);
    }
    for k in kept {
        assert!(
            out.text.contains(k),
            "{k:?} was removed from {:?}",
            out.text
        );
    }
    out.text
}

#[test]
fn every_kind_is_found_and_counted() {
    let text = "Dr. Okafor saw me. I live at 1234 Oak Street, Zanesville, Ohio 43701. \
                Born 03/04/1961. My aunt is 94 years old. Call 614-555-0199 or fax (614) 555-0100 fax. \
                Mail jane.doe@example.com. SSN 123-45-6789. MRN: 8812345. Member ID: XJH22310. \
                Account number 4455667788. Driver's license D1234567. VIN 1HGCM82633A004352. \
                Serial number SN-88812-Z. See https://example.org/x or 10.0.0.12. \
                I'm @spoonie_sarah, u/spoonie_sarah, sarah.bsky.social, did:plc:ewvi7nxzyoun6zhxrhs64oiz. \
                My profile: facebook.com/jane.doe.77. Card 4111 1111 1111 1111. \
                Code AB12345X. I go to the Riverside Okafor Clinic.";
    let out = deid().redact(text, &[]);
    for kind in [
        K::Name,
        K::Address,
        K::Location,
        K::Zip,
        K::Date,
        K::Age,
        K::Phone,
        K::Fax,
        K::Email,
        K::Ssn,
        K::MedicalRecord,
        K::HealthPlan,
        K::Account,
        K::Licence,
        K::Vehicle,
        K::Device,
        K::Url,
        K::Ip,
        K::Handle,
        K::ProfileLink,
        K::Organisation,
        K::Id,
        K::CreditCard,
    ] {
        assert!(
            out.counts.get(&kind).copied().unwrap_or(0) > 0,
            "no {kind} in {:?} ({:?})",
            out.text,
            out.counts
        );
    }
    assert_eq!(out.total() as usize, out.spans.len());
    for secret in [
        "Okafor",
        "1234 Oak",
        "Zanesville",
        "43701",
        "03/04",
        "94",
        "555-0199",
        "555-0100",
        "jane.doe",
        "6789",
        "8812345",
        "XJH22310",
        "4455667788",
        "D1234567",
        "1HGCM",
        "88812",
        "example.org",
        "10.0.0.12",
        "spoonie",
        "sarah.bsky",
        "ewvi7",
        "jane.doe.77",
        "4111",
        "AB12345X",
    ] {
        assert!(
            !out.text.contains(secret),
            "{secret:?} survived in {:?}",
            out.text
        );
    }
    // The state is kept.
    assert!(out.text.contains("Ohio"), "{}", out.text);
}

#[test]
fn dates_keep_the_year_in_every_form() {
    for (text, year) in [
        ("Seen on 03/04/2024 at the clinic.", Some("2024")),
        ("Seen on 2024-03-04 at the clinic.", Some("2024")),
        ("Seen on 4 March 2024 at the clinic.", Some("2024")),
        ("Seen on March 4th, 2024 at the clinic.", Some("2024")),
        ("Seen in March 2024 at the clinic.", Some("2024")),
        ("Seen on March 4th at the clinic.", None),
        ("Seen on 4 March at the clinic.", None),
        ("Seen last Tuesday the 4th at the clinic.", None),
    ] {
        let out = deid().redact(text, &[]);
        assert_eq!(out.counts.get(&K::Date), Some(&1), "{text} -> {}", out.text);
        assert!(
            !out.text.contains("March")
                && !out.text.contains("Tuesday")
                && !out.text.contains("4th")
        );
        match year {
            Some(y) => assert!(out.text.contains(&format!("[DATE] {y}")), "{}", out.text),
            None => assert!(out.text.contains("[DATE]"), "{}", out.text),
        }
    }
    // A year on its own is not an identifier.
    assert_eq!(
        check("I was diagnosed in 2019.", &[], &["2019"]),
        "I was diagnosed in 2019."
    );
}

#[test]
fn ages_over_89_become_90_plus_and_younger_ages_stay() {
    let out = deid().redact(
        "My grandmother is 96 years old and my dad is 64 years old.",
        &[],
    );
    assert_eq!(
        out.text,
        "My grandmother is 90+ years old and my dad is 64 years old."
    );
    let out = deid().redact("A 101-year-old patient.", &[]);
    assert_eq!(out.text, "A 90+-year-old patient.");
}

#[test]
fn names_that_are_words_need_context() {
    check("Will you call me after the scan?", &[], &["Will you"]);
    check("My son Will is 12 and worries a lot.", &["Will"], &["son"]);
    check("I hope May is kinder to me than April.", &[], &["hope"]);
    check("Hi Grace, thanks for the tip!", &["Grace"], &["Hi"]);
    check("Grace Okafor runs the group.", &["Grace", "Okafor"], &[]);
    check("Bill me later, said the receptionist.", &[], &["Bill me"]);
    check("My husband Mark drove.", &["Mark"], &["husband"]);
}

#[test]
fn clinicians_relatives_greetings_and_sign_offs() {
    let text = "Hi Jenny,\n\nDr. Okafor and nurse Adaeze said my wife Ngozi can come too. \
                My name is Tomasz Kowalczyk.\n\nThanks, Priya\n— Tom";
    let out = check(
        text,
        &[
            "Jenny",
            "Okafor",
            "Adaeze",
            "Ngozi",
            "Tomasz",
            "Kowalczyk",
            "Priya",
            "Tom",
        ],
        &["Dr.", "nurse", "wife", "Thanks"],
    );
    assert!(out.starts_with("Hi [NAME],"), "{out}");
}

#[test]
fn lower_case_names_with_context() {
    check(
        "my husband ravi and dr. okafor were great",
        &["ravi", "okafor"],
        &["husband", "dr."],
    );
}

#[test]
fn drug_and_condition_names_are_kept() {
    let text = "Humira stopped working, Keytruda gave me a rash, and metformin upsets my stomach. \
                My Crohn's and Parkinson's are stable on Ozempic.";
    let out = deid().redact(text, &[]);
    assert_eq!(out.text, text, "{:?}", out.counts);
}

#[test]
fn allow_list_beats_the_rules() {
    let text = "The Zorblatt trial starts soon.";
    let plain = deid().redact(text, &[]);
    assert!(
        !plain.text.contains("Zorblatt"),
        "an unknown capitalised word is removed by default"
    );
    let policy = Policy {
        allow: vec!["zorblatt".into()],
        ..Policy::default()
    };
    let out = Deidentifier::new(&policy).unwrap().redact(text, &[]);
    assert_eq!(out.text, text);
}

#[test]
fn disabled_kinds_are_left_alone() {
    let policy = Policy {
        disabled: vec![K::Date],
        ..Policy::default()
    };
    let out = Deidentifier::new(&policy)
        .unwrap()
        .redact("Dr. Okafor saw me on 4 March 2024.", &[]);
    assert_eq!(out.text, "Dr. [NAME] saw me on 4 March 2024.");
}

#[test]
fn extra_patterns_are_applied() {
    let policy = Policy {
        extra_patterns: vec![ExtraPattern {
            name: "site code".into(),
            pattern: r"HK-[0-9]{4}".into(),
            kind: K::MedicalRecord,
        }],
        ..Policy::default()
    };
    let out = Deidentifier::new(&policy)
        .unwrap()
        .redact("My chart is HK-2231 at the site.", &[]);
    assert_eq!(out.text, "My chart is [MRN] at the site.");
    assert_eq!(out.counts.get(&K::MedicalRecord), Some(&1));
}

#[test]
fn known_names_are_replaced_everywhere() {
    let text = "ROSA DELGADO: my sister drives me.\nHANNAH: Thanks Rosa. Did rosa's clinic pay? \
                I saw Delgado's note. Maria's too.";
    let out = deid().redact(text, &["Rosa Delgado", "Hannah", "Maria"]);
    for s in [
        "ROSA", "DELGADO", "Rosa", "rosa", "Delgado", "HANNAH", "Maria",
    ] {
        assert!(!out.text.contains(s), "{s} survived in {}", out.text);
    }
    assert!(out.text.contains("[NAME]'s clinic"), "{}", out.text);
    assert!(out.text.contains("[NAME]'s too"), "{}", out.text);
}

#[test]
fn known_handles_and_common_word_names() {
    // A speaker called Will: the name goes, the verb stays.
    let out = deid().redact("Will: I will try. Thanks, Will.", &["Will"]);
    assert_eq!(out.text, "[NAME]: I will try. Thanks, [NAME].");
    let out = deid().redact("as mark_t_1987 said, Mark is right", &["mark_t_1987"]);
    assert!(!out.text.contains("mark_t_1987"), "{}", out.text);
}

/// Names remembered from earlier batches count as the batch's own do, held only as keyed
/// fingerprints.
#[test]
fn remembered_names_are_replaced_as_known_ones_are() {
    let key = PseudonymKey::from_bytes([3; 32]).name_key();
    let mut remembered = RememberedNames::new(key.clone());
    for name in ["kettle_corn", "Dana Kowalczyk", "Will"] {
        for fp in fingerprints(name, &key) {
            assert!(remembered.insert(fp));
        }
    }
    // kettle_corn: the handle and its two words; Dana Kowalczyk: two words; Will: a word needing a
    // capital.
    assert_eq!(remembered.len(), 6);
    let text = "agree with kettle_corn. and @kettle_corn, dana kowalczyk said the same. I will ask \
                Will's nurse. kettle_corn2 is someone else";
    let batch_alone = deid().redact_known(text, &KnownNames::new(&[]));
    assert!(
        batch_alone.text.contains("kettle_corn."),
        "{}",
        batch_alone.text
    );
    assert!(
        batch_alone.text.contains("kowalczyk"),
        "{}",
        batch_alone.text
    );
    let out = deid().redact_known(
        text,
        &KnownNames::new(&[]).with_remembered(Arc::new(remembered.clone())),
    );
    for gone in [
        "kettle_corn ",
        "kettle_corn.",
        "dana",
        "kowalczyk",
        "Will's",
    ] {
        assert!(!out.text.contains(gone), "{gone} survived in {}", out.text);
    }
    assert!(out.text.contains("I will ask"), "{}", out.text);
    assert!(out.text.contains("kettle_corn2 is"), "{}", out.text);
    // The same as naming them in the batch.
    let named = deid().redact(text, &["kettle_corn", "Dana Kowalczyk", "Will"]);
    assert_eq!(out.text, named.text);

    // Another key gives other fingerprints: a stored one cannot be tested against a guessed name
    // without the key.
    let other = PseudonymKey::from_bytes([4; 32]).name_key();
    assert_ne!(
        fingerprints("kettle_corn", &key),
        fingerprints("kettle_corn", &other)
    );
    let under_other = deid().redact_known(
        text,
        &KnownNames::new(&[]).with_remembered(Arc::new({
            let mut r = RememberedNames::new(other);
            for fp in fingerprints("kettle_corn", &key) {
                r.insert(fp);
            }
            r
        })),
    );
    assert!(
        under_other.text.contains("kettle_corn."),
        "{}",
        under_other.text
    );
    // Kinds survive their stored code.
    for fp in fingerprints("kettle_corn", &key) {
        assert_eq!(NameKind::from_code(fp.kind.code()), Some(fp.kind));
    }
    assert_eq!(NameKind::from_code(9), None);
}

#[test]
fn surrogates_are_consistent_within_a_document_and_never_the_original() {
    let policy = Policy {
        surrogates: true,
        ..Policy::default()
    };
    let d = Deidentifier::new(&policy).unwrap();
    let out = d.redact(
        "Dr. Adaeze Okafor called. Later Okafor called again, and Dr. Patel too. \
         Ring 614-555-0199 or 614-555-0199 or 614-555-0188.",
        &[],
    );
    assert_eq!(
        out.text,
        "Dr. [NAME-1] called. Later [NAME-1] called again, and Dr. [NAME-2] too. \
         Ring [PHONE-1] or [PHONE-1] or [PHONE-2]."
    );
    // A new document starts numbering afresh.
    let again = d.redact("Dr. Patel called.", &[]);
    assert_eq!(again.text, "Dr. [NAME-1] called.");
}

#[test]
fn placeholders_never_contain_the_original() {
    let secrets = ["Okafor", "614-555-0199", "jane@example.com", "Zanesville"];
    let text = "Dr. Okafor, 614-555-0199, jane@example.com, we live in Zanesville.";
    for surrogates in [false, true] {
        let policy = Policy {
            surrogates,
            ..Policy::default()
        };
        let out = Deidentifier::new(&policy).unwrap().redact(text, &[]);
        for s in secrets {
            assert!(!out.text.contains(s), "{s} in {}", out.text);
        }
        assert_eq!(out.total(), 4, "{}", out.text);
    }
}

#[test]
fn spans_point_into_the_original() {
    let text = "Ask Dr. Okafor on 614-555-0199.";
    let out = deid().redact(text, &[]);
    let removed: Vec<(&str, K)> = out
        .spans
        .iter()
        .map(|s| (&text[s.start..s.end], s.kind))
        .collect();
    assert_eq!(
        removed,
        vec![("Okafor", K::Name), ("614-555-0199", K::Phone)]
    );
}

#[test]
fn unusual_text_never_panics() {
    let d = deid();
    let samples = [
        "",
        " ",
        "'",
        "'s",
        "@",
        "@@",
        "did:",
        "::",
        "1.",
        "Ünïcödé Ñame's 1°2′3″ — ☃️ 👩🏽‍⚕️ Dr. ✓",
        "é123 ß4 ÆØÅ 7'",
        "\u{200b}Maria\u{200b}",
        "Dr.",
        "Dr. ",
        "my husband",
        "Name:",
        "1234",
        "+",
        "(",
        "1-",
        "ΑΣΚΕΙΑ 1234\nΛΕΥΚΩΣΙΑ",
        "東京都 123-4567",
        "Apt.\n\n\n9",
    ];
    for s in samples {
        let out = d.redact(s, &["é", "Ñame", "😀 x", ""]);
        // Only whole identifiers are replaced: the rest of the text is untouched.
        let _ = out.text.len();
    }
    // Every prefix of a tricky string, cut on character boundaries.
    let text = "Hi Zoë, Dr. O'Brien-Ngũgĩ at 12 Rue de la Paix, 75002 Paris, +33 1 42 68 53 00.";
    for (i, _) in text.char_indices() {
        let _ = d.redact(&text[..i], &["Zoë"]);
    }
}

#[test]
fn lower_case_posts_keep_compounds_and_misspellings() {
    let text = "went to screening and it was alot. they did bloodwork and a questionaire \
                about my mood. my wife priya drove me.";
    let out = deid().redact(text, &[]);
    assert!(
        out.text.contains("bloodwork") && out.text.contains("questionaire"),
        "{}",
        out.text
    );
    assert!(!out.text.contains("priya"), "{}", out.text);
}

#[test]
fn a_birth_year_showing_an_age_over_89_goes_too() {
    let out = deid().redact("Mum was born in 1925 and I was born in 1980.", &[]);
    assert_eq!(out.text, "Mum was born in [DATE] and I was born in 1980.");
    let out = deid().redact("She was born on 02/14/1925.", &[]);
    assert_eq!(out.text, "She was born on [DATE].");
}

#[test]
fn a_given_name_that_is_a_word_is_a_name_when_it_tells_or_gives() {
    check(
        "Rose texted me last night. Grace gave me her direct line and it helped.",
        &["Rose", "Grace"],
        &["texted me", "gave me her direct line"],
    );
    // A word that is a name only by accident of the list still needs more than a verb.
    check(
        "Hope gave me strength through the third cycle.",
        &[],
        &["Hope gave me strength"],
    );
}

#[test]
fn dedications_name_a_person_in_any_case() {
    check(
        "happy birthday to kit for yesterday! and a shout out to Jo, best nurse on the ward",
        &[" kit ", " Jo,"],
        &["happy birthday to", "shout out to", "best nurse"],
    );
    // Not a person: a dedication to everyone is left as it is.
    check(
        "happy birthday to everyone born this month",
        &[],
        &["happy birthday to everyone"],
    );
}

#[test]
fn bare_zip_codes_where_the_words_say_place() {
    check(
        "Anyone near 48044? Would be nice to car share. we're in 10025 area too",
        &["48044", "10025"],
        &["Anyone near", "car share"],
    );
    // A five-digit count is not a place.
    check(
        "I walked in 10000 steps a day before the trial",
        &[],
        &["10000 steps"],
    );
}

#[test]
fn ages_over_89_stated_as_being_are_aggregated() {
    let out = check(
        "My dad is 95 and still asks about the trial. my nan just turned 101! she's 92 tomorrow",
        &["95", "101", "92"],
        &["My dad is", "still asks"],
    );
    assert_eq!(out.matches("90+").count(), 3, "{out}");
    // Ages Safe Harbor keeps, and numbers that are not ages.
    check(
        "my mum is 78 and she's 95% sure the nurse said 2 weeks",
        &[],
        &["78", "95%"],
    );
}

#[test]
fn lower_case_text_keeps_contractions_typos_and_hashtags() {
    check(
        "it hasn't let up and i couldnt sleep, taht is the worst part. didnt help #spoonie #chemobrain",
        &[],
        &[
            "hasn't",
            "couldnt",
            "taht",
            "didnt",
            "#spoonie",
            "#chemobrain",
        ],
    );
}

#[test]
fn a_journey_is_not_an_address() {
    check(
        "its a 90 min drive each way, and a 30 mile drive for my mum. I live at 90 Main Drive though",
        &["90 Main Drive"],
        &["90 min drive", "30 mile drive"],
    );
}

/// A handle's server is not part of anybody's name: its labels are not taken for name words, in the
/// batch's known names or in what a source remembers, while the person's part and the whole handle
/// still are.
#[test]
fn a_handles_server_is_not_a_name() {
    let key = PseudonymKey::from_bytes([3; 32]).name_key();
    let text = "Saw this on Mastodon, shared it to my bsky too. Social workers at the site were \
                kind, and Maria and Margo both replied, as did @maria@mastodon.social and \
                margo-w.bsky.social, and then Jane and Doe.";
    let authors = [
        "@maria@mastodon.social",
        "margo-w.bsky.social",
        "jane.doe.name",
    ];
    let named = deid().redact(text, &authors);
    for kept in ["on Mastodon", "my bsky", "Social workers"] {
        assert!(named.text.contains(kept), "{kept} lost in {}", named.text);
    }
    for gone in [
        "Maria ",
        "Margo ",
        "@maria@mastodon.social",
        "margo-w.bsky.social",
        "Jane",
        "Doe",
    ] {
        assert!(
            !named.text.contains(gone),
            "{gone} survived in {}",
            named.text
        );
    }
    // Remembered, the same: the handle and the person's words only.
    let mut remembered = RememberedNames::new(key.clone());
    for name in authors {
        for fp in fingerprints(name, &key) {
            remembered.insert(fp);
        }
    }
    // maria and the handle; margo (w is too short) and the handle.
    assert_eq!(fingerprints("@maria@mastodon.social", &key).len(), 2);
    assert_eq!(fingerprints("margo-w.bsky.social", &key).len(), 2);
    let out = deid().redact_known(
        text,
        &KnownNames::new(&[]).with_remembered(Arc::new(remembered)),
    );
    assert_eq!(out.text, named.text);
}
