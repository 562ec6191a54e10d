//! Tricky cases for themes, journey stages and persona cues against the
//! built-in trial codebook. Every expected result here was worked out from
//! the sentence, not copied from the code's output.

use std::sync::OnceLock;

use hearken_analysis::codebook::Codebook;
use hearken_analysis::cues::CueMatcher;
use hearken_analysis::journey::{JourneyMatcher, Stage};
use hearken_analysis::sentences::split;
use hearken_analysis::themes::{ThemeMatch, ThemeMatcher};
use hearken_analysis::{Analyzer, cues, journey};

fn matcher() -> &'static ThemeMatcher {
    static M: OnceLock<ThemeMatcher> = OnceLock::new();
    M.get_or_init(|| ThemeMatcher::new(&Codebook::default_trial()))
}

fn themes(text: &str) -> Vec<ThemeMatch> {
    let found = matcher().find(text, &split(text));
    // Every piece of evidence must slice the text to words that exist there.
    for m in &found {
        assert!(!m.evidence.is_empty(), "{} has no evidence", m.theme);
        for e in &m.evidence {
            assert!(
                text.get(e.range.clone()).is_some(),
                "bad range {:?} for {}",
                e.range,
                e.term
            );
        }
    }
    found
}

fn ids(text: &str) -> Vec<String> {
    themes(text).into_iter().map(|m| m.theme).collect()
}

fn has(text: &str, theme: &str) -> bool {
    ids(text).iter().any(|t| t == theme)
}

fn quotes<'a>(text: &'a str, theme: &str) -> Vec<&'a str> {
    themes(text)
        .into_iter()
        .filter(|m| m.theme == theme)
        .flat_map(|m| m.evidence)
        .map(|e| &text[e.range])
        .collect()
}

#[test]
fn travel_complaints_are_travel_burden_with_their_words_as_evidence() {
    let text = "The site is a 3 hour drive each way and the gas money adds up.";
    assert_eq!(
        quotes(text, "travel_burden"),
        ["3 hour drive", "each way", "gas money"]
    );
}

#[test]
fn numbers_in_terms_match_any_number() {
    assert_eq!(
        quotes("it's a 2 hour drive for me", "travel_burden"),
        ["2 hour drive"]
    );
    assert_eq!(
        quotes("a 45-minute drive in traffic", "travel_burden"),
        ["45-minute drive", "traffic"]
    );
}

#[test]
fn negated_mentions_are_not_complaints() {
    assert!(!has(
        "No travel problems at all, the clinic is close.",
        "travel_burden"
    ));
    assert!(!has("I never had any side effects.", "side_effects_safety"));
    assert!(!has(
        "Honestly the parking fees weren't an issue.",
        "travel_burden"
    ));
    assert!(!has("Side effects: none so far!", "side_effects_safety"));
    assert!(!has("I don't mind the long drive.", "travel_burden"));
}

#[test]
fn negation_is_kept_apart_not_lost() {
    let text = "No side effects so far.";
    let f = matcher().find_detailed(text, &split(text));
    assert!(f.matches.is_empty());
    assert_eq!(f.negated.len(), 1);
    assert_eq!(f.negated[0].theme, "side_effects_safety");
    assert_eq!(
        &text[f.negated[0].evidence[0].range.clone()],
        "side effects"
    );
}

#[test]
fn negation_stops_at_clause_breaks_and_but() {
    // "no" scopes over "parking fees" only; the drive after "but" is a complaint.
    let text = "No parking fees but the 3 hour drive is killing me.";
    assert_eq!(quotes(text, "travel_burden"), ["3 hour drive"]);
    // A full stop ends the scope.
    let text = "No problems. The long drive wears me out though.";
    assert_eq!(quotes(text, "travel_burden"), ["long drive"]);
}

#[test]
fn modal_negation_is_not_denial() {
    // "can't" is not a negation cue: not being able to afford is the complaint.
    assert!(has(
        "I can't afford the gas money every week.",
        "travel_burden"
    ));
    assert!(has(
        "I can't afford the gas money every week.",
        "cost_compensation"
    ));
}

#[test]
fn pseudo_negations_do_not_negate() {
    assert!(has("I don't want the sugar pill.", "placebo_randomisation"));
    assert!(has(
        "Not sure about the placebo thing.",
        "placebo_randomisation"
    ));
}

#[test]
fn cue_words_inside_terms_open_no_scope() {
    // "no" belongs to the term "no car": the travel theme is asserted.
    assert_eq!(
        quotes("I have no car so the bus ride is 2 hours.", "travel_burden"),
        ["no car", "bus ride"]
    );
}

#[test]
fn phrases_match_across_line_breaks() {
    let text = "the worst part is the e-diary, the app kept\ncrashing every night";
    let q = quotes(text, "digital_burden");
    assert!(q.contains(&"the app kept\ncrashing"), "{q:?}");
    let text = "Took the day\r\noff work again";
    // "took the day off" and "day off work" overlap: one mention, the
    // leftmost match.
    assert_eq!(quotes(text, "time_work"), ["Took the day\r\noff"]);
    // The wrapped phrase lies in both line-sentences.
    let m = themes(text)
        .into_iter()
        .find(|m| m.theme == "time_work")
        .unwrap();
    assert_eq!(m.sentences, [0, 1]);
}

#[test]
fn words_that_are_themes_only_in_context() {
    // "trial" alone is never a theme.
    assert!(ids("I joined a trial last month.").is_empty());
    assert!(ids("The study started in May.").is_empty());
    // "drive" alone is not travel burden; next to "site" in one sentence it is.
    assert!(!has("I drive a truck for a living.", "travel_burden"));
    let text = "The drive to the site wrecks me.";
    assert_eq!(quotes(text, "travel_burden"), ["drive", "site"]);
    // The context word must be in the same sentence.
    assert!(!has("I drive a lot.\nThe site is nice.", "travel_burden"));
    // "crashing" is digital burden only near an app or diary.
    assert!(!has(
        "I was crashing on the couch all week.",
        "digital_burden"
    ));
    assert!(has("The diary kept crashing.", "digital_burden"));
}

#[test]
fn stemming_covers_inflections() {
    for t in [
        "Travelling to the clinic is hard.",
        "I traveled to the clinic twice.",
        "Travels to the clinic cost me.",
    ] {
        assert!(has(t, "travel_burden"), "{t}");
    }
    assert!(has("I was randomised last week.", "placebo_randomisation"));
    assert!(has("They randomized me.", "placebo_randomisation"));
    assert!(has("E-diaries are a pain.", "digital_burden"));
}

#[test]
fn word_boundaries_are_respected() {
    // "ride" is a term; "pride" and "rides"-as-part-of-a-word are not "ride".
    assert!(!has("I take pride in helping.", "travel_burden"));
    // "placebo" inside a longer made-up word does not count.
    assert!(!has("Placeboesque nonsense.", "placebo_randomisation"));
}

#[test]
fn blinded_is_placebo_talk_not_blindness() {
    assert!(has("It's a double blind study.", "placebo_randomisation"));
    assert!(!has("It's a double blind study.", "accessibility"));
    assert!(has(
        "I'm legally blind and the forms are small print.",
        "accessibility"
    ));
}

#[test]
fn evidence_ranges_slice_to_the_matched_text_with_unicode_around() {
    let text = "Naïve me — thought the “sugar pill” was a myth… 😬 The placebo arm scared me.";
    let q = quotes(text, "placebo_randomisation");
    assert_eq!(q, ["sugar pill", "placebo"]);
}

#[test]
fn theme_sentence_indices_point_at_the_carrying_sentences() {
    let text = "Hi all. The nurses are lovely! But the parking fees are brutal. Thanks.";
    let sents = split(text);
    let m = matcher().find(text, &sents);
    let travel = m.iter().find(|m| m.theme == "travel_burden").unwrap();
    assert_eq!(travel.sentences, [2]);
    assert_eq!(&text[sents[2].clone()], "But the parking fees are brutal.");
    let staff = m.iter().find(|m| m.theme == "site_staff").unwrap();
    assert_eq!(staff.sentences, [1]);
}

#[test]
fn per_theme_sentiment_is_the_mean_of_its_sentences() {
    let analyzer = Analyzer::new(Codebook::default_trial());
    let text = "The nurses are lovely and kind!\nThe parking fees are a horrible rip off.";
    let a = analyzer.analyse(text);
    let s = a.sentiment.as_ref().unwrap();
    let travel = a
        .themes
        .iter()
        .find(|t| t.theme == "travel_burden")
        .unwrap();
    let staff = a.themes.iter().find(|t| t.theme == "site_staff").unwrap();
    assert!(a.theme_sentiment(travel).unwrap() < -0.3);
    assert!(a.theme_sentiment(staff).unwrap() > 0.3);
    assert_eq!(a.theme_sentiment(travel), Some(s.sentences[1].compound));
}

#[test]
fn a_replacement_codebook_is_used() {
    let cb = Codebook::from_toml_str(
        r#"
name = "tiny"
[negation]
cues = ["no"]
[[themes]]
id = "infusion_chair"
label = "Infusion chair comfort"
definition = "The chairs in the infusion suite."
polarity = "barrier"
terms = ["infusion chair"]
"#,
        "tiny.toml",
    )
    .unwrap();
    let m = ThemeMatcher::new(&cb);
    let text = "Those infusion chairs are torture. No infusion chair problems at home though.";
    let found = m.find(text, &split(text));
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].evidence.len(), 1);
    assert_eq!(&text[found[0].evidence[0].range.clone()], "infusion chairs");
}

#[test]
fn journey_stage_from_cues() {
    let cb = Codebook::default_trial();
    let j = JourneyMatcher::new(&cb);
    let stage = |t: &str| j.stage(t, &split(t)).map(|s| s.stage);
    assert_eq!(
        stage("My doctor mentioned a trial, first time hearing about it."),
        Some(Stage::Awareness)
    );
    assert_eq!(
        stage("On the fence, should I sign up? Has anyone done one?"),
        Some(Stage::Consideration)
    );
    assert_eq!(
        stage("Screening visit tomorrow, hoping I qualify."),
        Some(Stage::Screening)
    );
    assert_eq!(
        stage("Signed the consent today and first infusion is Monday!"),
        Some(Stage::Enrolment)
    );
    assert_eq!(
        stage("Halfway through, next infusion on Tuesday."),
        Some(Stage::Participation)
    );
    assert_eq!(
        stage("The trial ended last month, still waiting for unblinding."),
        Some(Stage::FollowUp)
    );
    assert_eq!(
        stage("I dropped out after the third visit."),
        Some(Stage::Withdrawal)
    );
    assert_eq!(stage("Lovely weather today."), None);
    // A tie goes to the later stage.
    assert_eq!(
        stage("Passed screening, and I dropped out a week later."),
        Some(Stage::Withdrawal)
    );
    // Evidence is the words.
    let t = "I dropped out after the third visit.";
    let s = journey::stage(&cb, t).unwrap();
    assert_eq!(s.stage.as_str(), "withdrawal");
    assert_eq!(&t[s.evidence[0].range.clone()], "dropped out");
}

#[test]
fn stage_names_are_the_documented_strings() {
    let names: Vec<&str> = Stage::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(
        names,
        [
            "awareness",
            "consideration",
            "screening",
            "enrolment",
            "participation",
            "follow-up",
            "withdrawal"
        ]
    );
}

fn cue_matcher() -> &'static CueMatcher {
    static M: OnceLock<CueMatcher> = OnceLock::new();
    M.get_or_init(|| CueMatcher::new(&Codebook::default_trial()))
}

fn cue_values(text: &str) -> Vec<String> {
    let found = cue_matcher().cues(text, &split(text));
    for c in &found {
        assert!(!c.evidence.is_empty());
        for e in &c.evidence {
            assert!(text.get(e.range.clone()).is_some());
        }
    }
    found
        .into_iter()
        .map(|c| format!("{}:{}", c.kind, c.value))
        .collect()
}

#[test]
fn the_one_off_cue_function_agrees_with_the_matcher() {
    let text = "I care for my mum. Please text me.";
    assert_eq!(
        cues::cues(&Codebook::default_trial(), text),
        cue_matcher().cues(text, &split(text))
    );
}

#[test]
fn roles_life_stages_channels_and_accessibility() {
    assert_eq!(
        cue_values("I was diagnosed with lupus in March."),
        ["role:patient"]
    );
    assert_eq!(
        cue_values("I care for my mum, she has COPD."),
        ["role:caregiver"]
    );
    assert_eq!(
        cue_values("As a research coordinator I see this a lot."),
        ["role:clinician"]
    );
    assert_eq!(
        cue_values("I'm retired so time isn't the issue."),
        ["life_stage:retiree"]
    );
    let v = cue_values("Working mom here, my boss hates when I leave early for my kids.");
    assert!(
        v.contains(&"life_stage:working_parent".to_string()),
        "{v:?}"
    );
    assert_eq!(
        cue_values("Please text me, I never check email."),
        ["channel:text_message"]
    );
    assert_eq!(
        cue_values("My daughter reads my emails for me."),
        ["life_stage:parent", "channel:family_reads"]
    );
    assert_eq!(
        cue_values("I'm legally blind so the forms are hard."),
        ["accessibility:vision"]
    );
    assert_eq!(
        cue_values("I use a walker and the site has stairs."),
        ["accessibility:mobility"]
    );
}

fn age(text: &str) -> Option<String> {
    cue_matcher()
        .cues(text, &split(text))
        .into_iter()
        .find(|c| c.kind == "age_band")
        .map(|c| {
            for e in &c.evidence {
                assert!(text.get(e.range.clone()).is_some());
            }
            c.value
        })
}

#[test]
fn age_bands_from_first_person_statements() {
    assert_eq!(
        age("I'm 34 and just got diagnosed.").as_deref(),
        Some("30-39")
    );
    assert_eq!(age("I am 61 years old.").as_deref(), Some("60-69"));
    assert_eq!(age("im 19 lol").as_deref(), Some("10-19"));
    assert_eq!(
        age("As a 45 year old woman I worry.").as_deref(),
        Some("40-49")
    );
    assert_eq!(age("I'm a 52-year-old dad.").as_deref(), Some("50-59"));
    assert_eq!(age("I just turned 50 last week.").as_deref(), Some("50-59"));
    assert_eq!(age("I'm in my 60s and retired.").as_deref(), Some("60-69"));
    assert_eq!(
        age("in my early sixties, still working").as_deref(),
        Some("60-69")
    );
    assert_eq!(
        age("Anyone else in my mid-40s doing this?").as_deref(),
        Some("40-49")
    );
    assert_eq!(age("Me (34F) and my husband").as_deref(), Some("30-39"));
    assert_eq!(age("I'm 93 and sharp as a tack").as_deref(), Some("90+"));
}

#[test]
fn ages_that_are_not_the_authors_are_ignored() {
    assert_eq!(age("My mom is 78 and in the trial."), None);
    assert_eq!(age("My son (6M) has it too."), None);
    assert_eq!(age("My mom (67F) is in the trial."), None);
    assert_eq!(age("I'm 34 weeks pregnant."), None);
    assert_eq!(age("I'm 3 cycles in."), None);
    assert_eq!(age("I'm 15 years cancer free!"), None);
    assert_eq!(age("I was diagnosed in my 30s."), None);
    assert_eq!(age("I'm 5/10 pain today"), None);
    assert_eq!(age("I'm 2.5 hours from the site"), None);
}

#[test]
fn analyzer_puts_it_together() {
    let analyzer = Analyzer::new(Codebook::default_trial());
    let text = "I'm 42, working mom of two. The site is a 3 hour drive and my boss won't give me time off.\n\
                Screening visit went ok but the e-diary app kept crashing :(";
    let a = analyzer.analyse(text);
    assert_eq!(a.language.code, "en");
    assert_eq!(a.sentences.len(), 3);
    let t: Vec<&str> = a.themes.iter().map(|t| t.theme.as_str()).collect();
    assert_eq!(t, ["travel_burden", "time_work", "digital_burden"]);
    // "Screening visit" (screening) and "the e-diary" (participation) tie;
    // the later stage wins.
    assert_eq!(
        a.stage.as_ref().map(|s| s.stage),
        Some(Stage::Participation)
    );
    let c: Vec<String> = a
        .cues
        .iter()
        .map(|c| format!("{}:{}", c.kind, c.value))
        .collect();
    assert!(
        c.contains(&"life_stage:working_parent".to_string()),
        "{c:?}"
    );
    assert!(c.contains(&"age_band:40-49".to_string()), "{c:?}");
    assert!(a.sentiment.is_some());
}

#[test]
fn analyzer_leaves_non_english_unscored() {
    let analyzer = Analyzer::new(Codebook::default_trial());
    let a = analyzer.analyse("Estaba muy nerviosa por la visita de selección, pero la enfermera me explicó todo y el viaje no fue tan malo.");
    assert_eq!(a.language.code, "und");
    assert_eq!(a.language.unexpected.as_deref(), Some("es"));
    assert!(a.sentiment.is_none());
}

#[test]
fn hashtags_are_read_as_the_words_they_are_made_of() {
    let text = "Third check-in this month, boss is not impressed 😩 #timeoff #WorkingMom";
    let q = quotes(text, "time_work");
    assert!(q.contains(&"timeoff"), "{q:?}");
    // No phrase runs across two hashtags ("time off" + "Working" is not
    // the term "time off work").
    assert!(q.iter().all(|q| !q.contains('#')), "{q:?}");
    assert!(
        cue_values(text).contains(&"life_stage:working_parent".to_string()),
        "{:?}",
        cue_values(text)
    );
    let text = "Made it back before dark. #longdrive #TrialLife";
    assert_eq!(quotes(text, "travel_burden"), ["longdrive"]);
    let text = "Week 6 and the nausea is finally easing #sideeffects";
    assert_eq!(
        quotes(text, "side_effects_safety"),
        ["nausea", "sideeffects"]
    );
    // Through the analyzer, which tokenises once for every matcher.
    let a = Analyzer::new(Codebook::default_trial()).analyse("Signed up today #givingback");
    let found: Vec<&str> = a.themes.iter().map(|t| t.theme.as_str()).collect();
    assert_eq!(found, ["altruism"]);
}

#[test]
fn hashtags_the_codebook_has_no_words_for_tag_nothing() {
    assert!(ids("Sunday roast with the grandkids 🥰 #together #blessed #spoonie").is_empty());
    // A hash inside a word is not a hashtag.
    assert!(ids("Wrote it up in C#sharp notation, no idea why").is_empty());
}

#[test]
fn a_negation_does_not_reach_into_a_hashtag() {
    // "no pay" would otherwise negate the caregiving hashtag right after it.
    let text = "Another unpaid morning off, no pay #caregiving";
    assert!(has(text, "caregiving_family"), "{:?}", ids(text));
}

#[test]
fn zero_hours_contracts_are_not_negation() {
    let text = "I'm on a zero hours contract so time off for visits just means no pay.";
    assert!(has(text, "time_work"), "{:?}", ids(text));
    // "zero" still denies what follows it on its own.
    assert!(!has(
        "Zero side effects so far, touch wood.",
        "side_effects_safety"
    ));
}

#[test]
fn hypothetical_negation_raises_the_theme() {
    let text = "I'd sign up tomorrow if there was no placebo group.";
    assert!(has(text, "placebo_randomisation"), "{:?}", ids(text));
    let text = "Honestly if it wasn't for the travel I'd have no complaints about the study.";
    assert!(has(text, "travel_burden"), "{:?}", ids(text));
    let text =
        "If the visits were early morning or after five I could do them without asking my manager.";
    assert!(has(text, "time_work"), "{:?}", ids(text));
    // Without a conditional the denial stands.
    assert!(!has(
        "There was no placebo group, which was a relief.",
        "placebo_randomisation"
    ));
    // A conditional in an earlier clause does not reach over the comma.
    assert!(!has(
        "If you ask me, I never had any side effects.",
        "side_effects_safety"
    ));
}

#[test]
fn scarcity_is_not_denial() {
    let text = "There aren't many people like me in these trials, so I said yes.";
    assert!(has(text, "representation"), "{:?}", ids(text));
}

#[test]
fn common_ways_of_saying_work_gets_in_the_way() {
    for text in [
        "I've used six days of annual leave on study visits already and it's only March.",
        "The check-in took four hours last time, I only booked the morning off.",
        "I lost a shift every visit last month, that adds up fast.",
        "I'm using my holiday days for infusions, so no actual holiday this year.",
        "If they offered evening or weekend visits I'd have signed up ages ago.",
    ] {
        assert!(has(text, "time_work"), "{text}: {:?}", ids(text));
    }
    assert!(!has(
        "Morning all, lovely weather for a walk today.",
        "time_work"
    ));
}

#[test]
fn children_around_visits_are_childcare() {
    for text in [
        "We have three kids under 10 and no family nearby, so every infusion visit needs a plan.",
        "If there was somewhere for kids to wait at the site I'd bring mine.",
        "We've missed two school plays because of study visits this term.",
        "My husband does nights so on visit days it's just me and the kids.",
    ] {
        assert!(has(text, "childcare"), "{text}: {:?}", ids(text));
    }
    // Children without a visit to arrange around are not a childcare need.
    for text in [
        "I'm doing this for my kids, so they get better medicine one day.",
        "I've got my energy back enough to take the kids to the park again.",
    ] {
        assert!(!has(text, "childcare"), "{text}: {:?}", ids(text));
    }
}

#[test]
fn spelled_out_numbers_match_number_terms() {
    assert_eq!(
        quotes(
            "It's a five hour drive with the roadworks.",
            "travel_burden"
        ),
        ["five hour drive"]
    );
    // "no one" is not a number: the pseudo-negation still holds.
    assert!(has(
        "There's no one to watch the kids on visit days.",
        "childcare"
    ));
}

#[test]
fn symptoms_patients_report_are_side_effects() {
    for text in [
        "The diarrhoea is manageable but it's always there.",
        "Week four and the heartburn is getting worse, not better.",
        "After the injection I get joint pain for about two days.",
        "My liver numbers came back a bit high and now they want extra bloods.",
    ] {
        assert!(has(text, "side_effects_safety"), "{text}: {:?}", ids(text));
    }
    // A symptom word with nothing about a treatment is not one.
    assert!(!has(
        "My knee has some swelling from five-a-side football.",
        "side_effects_safety"
    ));
}

#[test]
fn other_common_phrasings() {
    assert!(has(
        "Would have signed up straight away if there was a site closer than the city.",
        "travel_burden"
    ));
    assert!(has(
        "The video visits freeze every few minutes because our broadband is terrible.",
        "digital_burden"
    ));
    assert!(has(
        "I lose a day's wages every visit, and that isn't counted anywhere.",
        "cost_compensation"
    ));
    assert!(has(
        "The standard treatments stopped working, so this trial is my best shot.",
        "hope_access"
    ));
    assert!(!has(
        "I learned something new about my cat today.",
        "hope_access"
    ));
}
