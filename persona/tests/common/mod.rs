//! A synthetic analysed corpus with planted author segments, for tests and
//! the sample report. Written by us; every name, place and handle in it is
//! invented, and the text imitates forum posts (typos, sign-offs, the
//! placeholders de-identification leaves behind).
//!
//! Each planted segment has defining themes, a life stage or role, a
//! preferred channel and favourite journey stages. Authors write 1–7
//! posts. At rate `noise` a post drifts: it is written from a random
//! segment's profile instead of the author's own; and, again at rate
//! `noise`, a post gets a sentence on a random theme. Analysis fields (themes,
//! sentiment, stage, cues, sentence ranges) are filled in exactly as the
//! analysis stage would, with byte spans into the body.

#![allow(dead_code)]

use std::collections::BTreeMap;

use hearken_document::{
    AnalysedDocument, CueTag, SentenceSentiment, Sentiment, SentimentLabel, Span, StageTag,
    ThemeTag,
};
use hearken_persona::{Polarity, ThemeInfo};
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};

/// (sentence, trigger phrase inside it, compound score)
type Line = (&'static str, &'static str, f64);

fn theme_lines(id: &str) -> &'static [Line] {
    match id {
        "travel_burden" => &[
            (
                "The drive to the site is nearly two hours each way and I cant keep doing it.",
                "drive to the site",
                -0.42,
            ),
            (
                "Parking at the hospital costs a fortune every single visit.",
                "Parking",
                -0.34,
            ),
            (
                "Honestly the travel is the worst part, three buses there and three back.",
                "travel",
                -0.62,
            ),
            (
                "If visits were remote I would of signed up months ago.",
                "visits were remote",
                0.36,
            ),
        ],
        "time_work" => &[
            (
                "My boss wont give me more time off for appointments.",
                "time off",
                -0.51,
            ),
            (
                "Every visit is a half day of annual leave gone.",
                "annual leave",
                -0.3,
            ),
            (
                "They only do visits 9 to 5 on weekdays which is impossible with my job.",
                "with my job",
                -0.44,
            ),
        ],
        "childcare" => &[
            (
                "Who is supposed to watch the kids while I sit in a waiting room for three hours?",
                "watch the kids",
                -0.38,
            ),
            (
                "Finding childcare for every visit is a nightmare.",
                "childcare",
                -0.6,
            ),
            (
                "The nurse said I cant bring my toddler into the infusion room.",
                "toddler",
                -0.25,
            ),
        ],
        "side_effects" => &[
            (
                "I am terrified of the side effects after what happened on my last treatment.",
                "side effects",
                -0.72,
            ),
            (
                "What if it makes me sicker than I already am?",
                "makes me sicker",
                -0.48,
            ),
            (
                "The list of possible reactions in the leaflet frightened me.",
                "possible reactions",
                -0.55,
            ),
        ],
        "digital_burden" => &[
            (
                "The e-diary app logs me out every time and I lose what I typed.",
                "e-diary app",
                -0.46,
            ),
            (
                "I dont own a smartphone so the app thing is no good for me.",
                "smartphone",
                -0.4,
            ),
            (
                "Filling in the tablet questionnaire every night is exhausting.",
                "tablet questionnaire",
                -0.52,
            ),
        ],
        "cost" => &[
            (
                "We had to pay for the petrol and the hotel up front and wait weeks to be paid back.",
                "paid back",
                -0.35,
            ),
            (
                "The compensation barely covers the bus fare.",
                "compensation",
                -0.28,
            ),
            (
                "Money is already tight and every visit costs us something.",
                "costs us",
                -0.4,
            ),
        ],
        "caregiving" => &[
            (
                "I go to every appointment with my husband because he gets confused.",
                "every appointment with my husband",
                0.0,
            ),
            (
                "Looking after mum full time means I decide what she can manage.",
                "Looking after mum",
                -0.2,
            ),
            (
                "My son relies on me for everything since his diagnosis.",
                "relies on me",
                -0.15,
            ),
        ],
        "placebo_worry" => &[
            (
                "What if I get the placebo and lose a year?",
                "placebo",
                -0.44,
            ),
            (
                "The randomisation thing scares me, I want the real drug.",
                "randomisation",
                -0.5,
            ),
            (
                "Nobody could tell me if I would be in the sugar pill group.",
                "sugar pill",
                -0.32,
            ),
        ],
        "eligibility" => &[
            (
                "I got excluded at screening because of one blood result, so frustrating.",
                "excluded at screening",
                -0.62,
            ),
            (
                "The eligibility criteria change every time I ask.",
                "eligibility criteria",
                -0.3,
            ),
            (
                "Too old for one trial, too young for the next lol.",
                "Too old for one trial",
                -0.1,
            ),
        ],
        "site_staff" => &[
            (
                "The research nurse [NAME] is lovely and always calls me back.",
                "research nurse",
                0.77,
            ),
            (
                "I trust the nurses there more than the doctors tbh.",
                "trust the nurses",
                0.5,
            ),
            (
                "The coordinator remembered my name and my dogs name, small things matter.",
                "coordinator",
                0.46,
            ),
        ],
        "altruism" => &[
            (
                "If it helps someone else down the line then its worth it.",
                "helps someone else",
                0.66,
            ),
            (
                "I want to give something back after all the care we got.",
                "give something back",
                0.55,
            ),
            (
                "Doing it so other families dont go through what we did.",
                "other families",
                0.4,
            ),
        ],
        "hope_access" => &[
            (
                "This trial might be my only chance at the new treatment.",
                "new treatment",
                0.45,
            ),
            (
                "Im hopeful the new drug will work where the others failed.",
                "new drug",
                0.58,
            ),
            (
                "Getting early access to something new gives me hope.",
                "early access",
                0.7,
            ),
        ],
        "results_back" => &[
            (
                "I would really like to know the results when it finishes.",
                "know the results",
                0.4,
            ),
            (
                "Nobody ever told us what the study found, which stung.",
                "what the study found",
                -0.3,
            ),
        ],
        "trust" => &[
            (
                "I dont trust the drug companies one bit.",
                "drug companies",
                -0.48,
            ),
            (
                "The sponsor was upfront about the risks which I appreciated.",
                "sponsor",
                0.45,
            ),
        ],
        _ => &[],
    }
}

fn cue_lines(kind: &str, value: &str) -> &'static [Line] {
    match (kind, value) {
        ("life_stage", "working_parent") => &[
            (
                "As a working mum of two I barely have time to breathe.",
                "working mum",
                0.0,
            ),
            (
                "Single dad here, working full time.",
                "Single dad here, working full time",
                0.0,
            ),
        ],
        ("life_stage", "retiree") => &[
            (
                "Since I retired I have the time but not the energy.",
                "retired",
                0.1,
            ),
            ("Im 70 plus and on a pension.", "on a pension", 0.0),
        ],
        ("life_stage", "student") => &[
            (
                "Im a grad student so money and time are both tight.",
                "grad student",
                -0.1,
            ),
            (
                "Final year at uni and juggling this with exams.",
                "Final year at uni",
                0.0,
            ),
        ],
        ("role", "caregiver") => &[
            (
                "Im the main carer for my mum since her diagnosis.",
                "main carer",
                0.0,
            ),
            (
                "Posting on behalf of my husband, I look after him.",
                "on behalf of my husband",
                0.0,
            ),
        ],
        ("role", "patient") => &[(
            "I was diagnosed [DATE] and have been on treatment since.",
            "diagnosed",
            0.0,
        )],
        ("channel", "text_message") => &[
            (
                "Honestly just text me, I never pick up unknown numbers.",
                "text me",
                0.2,
            ),
            (
                "A quick SMS reminder the day before would help loads.",
                "SMS reminder",
                0.4,
            ),
        ],
        ("channel", "phone_call") => &[
            (
                "I would much rather someone rang me than sent an email.",
                "rang me",
                0.0,
            ),
            (
                "A phone call from a real person is what I need.",
                "phone call",
                0.0,
            ),
        ],
        ("channel", "email") => &[
            (
                "Email works best for me, I can read it when he is asleep.",
                "Email works best",
                0.3,
            ),
            (
                "Please send the details by email so I can show the family.",
                "by email",
                0.3,
            ),
        ],
        ("channel", "app") => &[(
            "If there was an app for bookings I would use it every day.",
            "an app for bookings",
            0.0,
        )],
        ("accessibility", "vision") => &[
            (
                "The print on the consent form was too small for me to read.",
                "too small for me to read",
                -0.3,
            ),
            (
                "My eyesight is going so large print please.",
                "large print",
                0.3,
            ),
        ],
        _ => &[],
    }
}

fn stage_lines(stage: &str) -> &'static [Line] {
    match stage {
        "awareness" => &[(
            "Just heard about this trial from a post here.",
            "heard about this trial",
            0.0,
        )],
        "consideration" => &[(
            "Still thinking about whether to sign up.",
            "thinking about whether to sign up",
            0.0,
        )],
        "screening" => &[(
            "Had my screening visit last week and they took eight vials of blood.",
            "screening visit",
            -0.1,
        )],
        "enrolment" => &[(
            "We signed the consent forms on Tuesday.",
            "signed the consent forms",
            0.1,
        )],
        "participation" => &[("Week six of the study now.", "Week six of the study", 0.0)],
        "withdrawal" => &[(
            "I think I am going to drop out of the study.",
            "drop out",
            -0.4,
        )],
        _ => &[],
    }
}

const FILLER: &[(&str, f64)] = &[
    ("Hi all, long time lurker here.", 0.0),
    ("Sorry for the long post.", -0.07),
    ("Thanks in advance x", 0.44),
    ("Anyway rant over.", 0.0),
    ("Any advice welcome!", 0.5),
    ("cheers, [NAME]", 0.0),
    ("Not sure if this is the right thread.", -0.2),
];

/// A planted segment.
pub struct Segment {
    pub name: &'static str,
    pub defining: &'static [&'static str],
    pub minor: &'static [&'static str],
    pub cues: &'static [(&'static str, &'static str)],
    pub stages: &'static [&'static str],
}

pub const SEGMENTS: [Segment; 4] = [
    Segment {
        name: "working_parents",
        defining: &["time_work", "childcare", "travel_burden"],
        minor: &["hope_access"],
        cues: &[
            ("life_stage", "working_parent"),
            ("role", "patient"),
            ("channel", "text_message"),
        ],
        stages: &["consideration", "screening"],
    },
    Segment {
        name: "older_cautious",
        defining: &["side_effects", "digital_burden"],
        minor: &["site_staff"],
        cues: &[
            ("life_stage", "retiree"),
            ("channel", "phone_call"),
            ("accessibility", "vision"),
        ],
        stages: &["participation", "withdrawal"],
    },
    Segment {
        name: "caregivers",
        defining: &["caregiving", "cost"],
        minor: &["altruism", "results_back"],
        cues: &[("role", "caregiver"), ("channel", "email")],
        stages: &["enrolment", "participation"],
    },
    Segment {
        name: "hopeful_newcomers",
        defining: &["hope_access", "placebo_worry", "eligibility"],
        minor: &["trust"],
        cues: &[("life_stage", "student"), ("channel", "app")],
        stages: &["awareness", "screening"],
    },
];

pub const ALL_THEMES: [&str; 14] = [
    "travel_burden",
    "time_work",
    "childcare",
    "side_effects",
    "digital_burden",
    "cost",
    "caregiving",
    "placebo_worry",
    "eligibility",
    "site_staff",
    "altruism",
    "hope_access",
    "results_back",
    "trust",
];

/// The codebook metadata for the themes above.
pub fn codebook() -> Vec<ThemeInfo> {
    let t = |id: &str, label: &str, def: &str, polarity: Polarity, tactics: &[&str]| ThemeInfo {
        id: id.into(),
        label: label.into(),
        definition: def.into(),
        polarity,
        tactics: tactics.iter().map(|s| s.to_string()).collect(),
    };
    use Polarity::*;
    vec![
        t(
            "travel_burden",
            "Travel and visit burden",
            "Distance, transport and parking make visits hard.",
            Barrier,
            &[
                "Travel reimbursement or arranged transport",
                "Home or remote visits where the protocol allows",
            ],
        ),
        t(
            "time_work",
            "Time and work conflicts",
            "Visits clash with work hours or leave.",
            Barrier,
            &[
                "Evening and weekend visit slots",
                "A letter for employers and shorter visits",
            ],
        ),
        t(
            "childcare",
            "Childcare",
            "Looking after children gets in the way of visits.",
            Barrier,
            &[
                "Childcare support or child-friendly visit rooms",
                "Home or remote visits where the protocol allows",
            ],
        ),
        t(
            "side_effects",
            "Side effects and safety fears",
            "Fear of harm from the study drug.",
            Barrier,
            &[
                "Plain-language safety briefing with a named nurse",
                "A clear who-to-call plan for side effects",
            ],
        ),
        t(
            "digital_burden",
            "Digital and app burden",
            "Apps, e-diaries and devices are a struggle.",
            Barrier,
            &[
                "Paper or phone alternatives to the e-diary",
                "Accessible, simpler e-PRO tools",
            ],
        ),
        t(
            "cost",
            "Cost and compensation",
            "Out-of-pocket costs and slow or thin compensation.",
            Barrier,
            &[
                "Pay expenses up front instead of reimbursing",
                "A clear compensation schedule",
            ],
        ),
        t(
            "caregiving",
            "Caregiving and family influence",
            "A carer or family member shapes the decision.",
            Mixed,
            &[
                "Involve family in consent conversations",
                "Carer support during visits",
            ],
        ),
        t(
            "placebo_worry",
            "Placebo and randomisation worry",
            "Fear of getting no active treatment.",
            Barrier,
            &["Explain randomisation and crossover options plainly"],
        ),
        t(
            "eligibility",
            "Eligibility and screening frustration",
            "Exclusions and shifting criteria.",
            Barrier,
            &[
                "Pre-screening questionnaires",
                "Explain exclusion reasons and other options",
            ],
        ),
        t(
            "site_staff",
            "Relationships with site staff",
            "How people feel about nurses and coordinators.",
            Mixed,
            &["Keep a consistent named coordinator"],
        ),
        t(
            "altruism",
            "Altruism and helping others",
            "Joining to help others.",
            Motivator,
            &[],
        ),
        t(
            "hope_access",
            "Hope and access to new treatment",
            "Trials as a way to new treatment.",
            Motivator,
            &[],
        ),
        t(
            "results_back",
            "Wanting results back",
            "Wanting to hear what the study found.",
            Motivator,
            &["Send a plain-language results summary"],
        ),
        t(
            "trust",
            "Trust in sponsors and researchers",
            "Trust or distrust in who runs the trial.",
            Mixed,
            &["Be open about funding and risks"],
        ),
    ]
}

pub struct Corpus {
    pub docs: Vec<AnalysedDocument>,
    pub truth: BTreeMap<String, String>,
    pub defining: BTreeMap<String, Vec<String>>,
    pub themes: Vec<ThemeInfo>,
}

struct Gen {
    rng: ChaCha8Rng,
}

impl Gen {
    fn below(&mut self, n: usize) -> usize {
        (self.rng.next_u64() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        ((self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// What a sentence is about, for tagging.
enum Tag {
    None,
    Theme(&'static str),
    Cue(&'static str, &'static str),
    Stage(&'static str),
}

/// Build one document from tagged sentences, computing every analysis
/// field from the text it actually contains.
fn assemble(
    id: String,
    author: Option<String>,
    published: i64,
    thread: usize,
    parts: Vec<(&'static str, &'static str, f64, Tag)>,
) -> AnalysedDocument {
    let mut body = String::new();
    let mut sentences = Vec::new();
    let mut themes: BTreeMap<&str, (Vec<f64>, Vec<Span>)> = BTreeMap::new();
    let mut cues: BTreeMap<(&str, &str), Vec<Span>> = BTreeMap::new();
    let mut stage: Option<(&str, Vec<Span>)> = None;
    for (i, (text, term, compound, tag)) in parts.into_iter().enumerate() {
        if i > 0 {
            // Forum posts break lines as often as they use spaces.
            body.push_str(if i % 3 == 0 { "\n" } else { " " });
        }
        let start = body.len();
        body.push_str(text);
        let end = body.len();
        sentences.push(SentenceSentiment {
            start: start as u32,
            end: end as u32,
            compound,
        });
        let span = |term: &str| {
            let at = start + text.find(term).expect("trigger inside its sentence");
            Span {
                term: term.to_lowercase(),
                start: at as u32,
                end: (at + term.len()) as u32,
            }
        };
        match tag {
            Tag::None => {}
            Tag::Theme(t) => {
                let e = themes.entry(t).or_default();
                e.0.push(compound);
                e.1.push(span(term));
            }
            Tag::Cue(k, v) => cues.entry((k, v)).or_default().push(span(term)),
            Tag::Stage(s) => {
                if stage.is_none() {
                    stage = Some((s, vec![span(term)]));
                }
            }
        }
    }
    let doc_compound = if sentences.is_empty() {
        0.0
    } else {
        sentences.iter().map(|s| s.compound).sum::<f64>() / sentences.len() as f64
    };
    let (neg, pos) = if doc_compound < 0.0 {
        (-doc_compound / 2.0, 0.0)
    } else {
        (0.0, doc_compound / 2.0)
    };
    AnalysedDocument {
        url: format!(
            "https://forum.example.org/t/{thread}/{}",
            id.rsplit(':').next().unwrap_or("0")
        ),
        id,
        source: "patient-forum".into(),
        plugin: "forum".into(),
        plugin_version: "0.1.0".into(),
        kind: "post".into(),
        thread_id: Some(format!("t{thread}")),
        parent_id: None,
        author,
        speaker_role: None,
        published: Some(published),
        language: "en".into(),
        title: None,
        body,
        sentiment: Sentiment {
            compound: doc_compound,
            neg,
            neu: 1.0 - neg - pos,
            pos,
            label: SentimentLabel::from_compound(doc_compound),
        },
        sentences,
        themes: themes
            .into_iter()
            .map(|(id, (scores, evidence))| ThemeTag {
                id: id.into(),
                sentiment: Some(scores.iter().sum::<f64>() / scores.len() as f64),
                evidence,
            })
            .collect(),
        stage: stage.map(|(s, evidence)| StageTag {
            stage: s.into(),
            evidence,
        }),
        cues: cues
            .into_iter()
            .map(|((k, v), evidence)| CueTag {
                kind: k.into(),
                value: v.into(),
                evidence,
            })
            .collect(),
        redactions: BTreeMap::new(),
        run_id: "run-synthetic".into(),
        extra: BTreeMap::new(),
    }
}

/// A corpus over the first `segments` planted segments.
pub fn corpus(
    seed: u64,
    segments: usize,
    authors_per_segment: usize,
    noise: f64,
    standalone: usize,
) -> Corpus {
    let mut g = Gen {
        rng: ChaCha8Rng::seed_from_u64(seed),
    };
    let segs = &SEGMENTS[..segments];
    let mut docs = Vec::new();
    let mut truth = BTreeMap::new();
    let mut post = 0usize;
    let base = 1_688_169_600i64; // 2023-07-01
    let write_post = |g: &mut Gen, seg: &Segment, author: Option<String>, post: usize| {
        let mut parts: Vec<(&'static str, &'static str, f64, Tag)> = Vec::new();
        if g.chance(0.3) {
            let (f, c) = *g.pick(FILLER);
            parts.push((f, "", c, Tag::None));
        }
        if g.chance(0.5) {
            let (k, v) = *g.pick(seg.cues);
            let (s, t, c) = *g.pick(cue_lines(k, v));
            parts.push((s, t, c, Tag::Cue(k, v)));
        }
        if g.chance(0.7) {
            let st = *g.pick(seg.stages);
            let (s, t, c) = *g.pick(stage_lines(st));
            parts.push((s, t, c, Tag::Stage(st)));
        }
        let mut any = false;
        for &th in seg.defining {
            if g.chance(0.55) {
                let (s, t, c) = *g.pick(theme_lines(th));
                parts.push((s, t, c, Tag::Theme(th)));
                any = true;
            }
        }
        for &th in seg.minor {
            if g.chance(0.3) {
                let (s, t, c) = *g.pick(theme_lines(th));
                parts.push((s, t, c, Tag::Theme(th)));
                any = true;
            }
        }
        if !any {
            let th = *g.pick(seg.defining);
            let (s, t, c) = *g.pick(theme_lines(th));
            parts.push((s, t, c, Tag::Theme(th)));
        }
        if g.chance(noise) {
            let th = *g.pick(&ALL_THEMES);
            let (s, t, c) = *g.pick(theme_lines(th));
            parts.push((s, t, c, Tag::Theme(th)));
        }
        if g.chance(0.2) {
            let (f, c) = *g.pick(FILLER);
            parts.push((f, "", c, Tag::None));
        }
        let thread = 100 + g.below(60);
        let published = base + (post as i64) * 17 * 3600 + g.below(3600) as i64;
        assemble(
            format!("patient-forum:{:05}", post * 7 + 3),
            author,
            published,
            thread,
            parts,
        )
    };
    for (si, seg) in segs.iter().enumerate() {
        for a in 0..authors_per_segment {
            // Pseudonyms look like keyed hashes; the segment is not in them.
            let h = (seed ^ (si as u64 * 1_000 + a as u64)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
            let author = format!("au_{:012x}", h >> 16);
            truth.insert(author.clone(), seg.name.to_string());
            let n = 1 + g.below(7);
            for _ in 0..n {
                // Topic drift: at rate `noise` a post reads as if another
                // segment wrote it.
                let profile = if g.chance(noise) {
                    &segs[g.below(segs.len())]
                } else {
                    seg
                };
                docs.push(write_post(&mut g, profile, Some(author.clone()), post));
                post += 1;
            }
        }
    }
    for _ in 0..standalone {
        let seg = &segs[g.below(segs.len())];
        docs.push(write_post(&mut g, seg, None, post));
        post += 1;
    }
    // Shuffle so the input order carries no hint of the segments.
    for i in (1..docs.len()).rev() {
        let j = g.below(i + 1);
        docs.swap(i, j);
    }
    Corpus {
        docs,
        truth,
        defining: segs
            .iter()
            .map(|s| {
                (
                    s.name.to_string(),
                    s.defining.iter().map(|t| t.to_string()).collect(),
                )
            })
            .collect(),
        themes: codebook(),
    }
}

/// A plain document for small hand-built cases.
pub fn doc(
    id: &str,
    author: Option<&str>,
    body: &str,
    theme: Option<(&str, &str)>,
) -> AnalysedDocument {
    let mut d = assemble(
        id.into(),
        author.map(String::from),
        1_700_000_000,
        1,
        vec![],
    );
    d.body = body.into();
    d.sentences = vec![SentenceSentiment {
        start: 0,
        end: body.len() as u32,
        compound: -0.5,
    }];
    d.sentiment = Sentiment {
        compound: -0.5,
        neg: 0.25,
        neu: 0.75,
        pos: 0.0,
        label: SentimentLabel::Negative,
    };
    if let Some((t, term)) = theme {
        let at = body.find(term).expect("term in body");
        d.themes = vec![ThemeTag {
            id: t.into(),
            sentiment: Some(-0.5),
            evidence: vec![Span {
                term: term.into(),
                start: at as u32,
                end: (at + term.len()) as u32,
            }],
        }];
    }
    d
}
