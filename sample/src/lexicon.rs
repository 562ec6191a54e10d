//! The words the generator speaks with: sentence templates per theme and
//! the slot lists that fill them.
//!
//! Variety comes from combination, not from length of lists: a template such
//! as "the {visit}s are {freq} and each one is {duration} door to door" has
//! dozens of slot choices per slot, templates nest (`[a|b]` alternatives
//! may hold further slots), per-author facts (condition, trial, drug,
//! relatives, site) change between authors, and per-author style (typos,
//! lowercase, "tbh", "!!!") is applied afterwards. A million documents
//! therefore repeat whole sentences rarely, while every sentence still
//! reads like something a patient would write.
//!
//! Template syntax, expanded by `compose`:
//! * `{key}` — a slot: an author fact, an identifier (recorded in the
//!   truth), or one of the lists returned by [`list`];
//! * `[a|b|c]` — inline alternatives, which may be empty and may nest.
//!
//! Every theme's templates use the plain words a codebook for trial
//! recruitment and retention would look for (visits, travel, side effects,
//! placebo, time off work, childcare, app, diary, cost, reimbursement,
//! trust, consent, helping others, access to new treatment), because that
//! is how real patients talk about these things.

/// The ten themes that planted segments are defined by, in the codebook's
/// ids.
pub(crate) const THEME_IDS: [&str; 10] = [
    "travel_burden",
    "side_effects",
    "placebo_worry",
    "time_work",
    "caregiving",
    "digital_burden",
    "trust",
    "cost_compensation",
    "altruism",
    "hope_access",
];

/// Number of themes.
pub(crate) const THEMES: usize = THEME_IDS.len();

/// Index of `caregiving` in [`THEME_IDS`].
pub(crate) const CAREGIVING: usize = 4;

/// Caregiving as a carer of a partner or parent says it.
pub(crate) static CARER_SAID: &[&str] = &[
    "I'm the one driving {caree} to every {visit}, and I'm not getting any younger either.",
    "{caree} can't manage the paperwork so I do all of it, and the phone calls.",
    "Caring for {caree} and doing the trial admin is basically a second job.",
    "Nobody asks how the carer is doing, you know?",
    "I sit with {caree} through every infusion, it's hours.",
    "I'm {caree_short}'s carer and I'd be lost without the study nurse, honestly.",
    "{caree} gets confused about the tablets so I've set up a pill box and alarms.",
    "Being a carer means my own health stuff always comes last.",
    "{caree} gets anxious before every {visit} so the night before is always hard.",
    "The nurses always ask how {caree_short} is doing but never how I'm doing.",
    "I'll see {caree_short} through this trial, whatever it takes.",
    "I keep a notebook of everything for {caree}, the doctors seem to like that.",
    "Since I retired looking after {caree} is my full time job.",
    "My knees aren't great so pushing {caree_short}'s wheelchair round the hospital is hard going.",
];

/// What the generator says about one theme, per register.
pub(crate) struct ThemeLex {
    /// Written first-person sentences (forum posts, longer feed posts).
    pub(crate) said: &'static [&'static str],
    /// Questions an author asks others about it.
    pub(crate) asks: &'static [&'static str],
    /// Forum thread titles for a thread opened on it.
    pub(crate) titles: &'static [&'static str],
    /// Hashtags (without `#`) for the feed.
    pub(crate) tags: &'static [&'static str],
    /// Spoken first-person turns at an advisory board.
    pub(crate) spoken: &'static [&'static str],
    /// What a moderator asks to open it with a named participant.
    pub(crate) prompts: &'static [&'static str],
    /// How site staff or a sponsor answer it.
    pub(crate) staff: &'static [&'static str],
}

/// Per-theme lexicon, in [`THEME_IDS`] order.
pub(crate) static THEME_LEX: [ThemeLex; THEMES] = [
    // travel_burden
    ThemeLex {
        said: &[
            "The {site} is {miles} miles from us and the {visit}s are {freq}, so that's {hours} hours in the car each time.",
            "Honestly the travel is the worst part, not the {drug}.",
            "Parking at the hospital is a nightmare and the {visit}s always run late.",
            "I don't drive anymore so it's two buses and a train to get to {site}.",
            "We're out in the country, the nearest study site is over an hour away [on a good day|if the roads are clear|and that's without traffic].",
            "The {visit}s themselves are fine, it's the {hours} hour round trip that wears me down.",
            "Had to leave at 5am to make an 8:30 {visit} [at {site}|in {city}]. Not sustainable tbh.",
            "If they did some of the {visit}s at home or by video I'd stay in the trial [for sure|no question|in a heartbeat].",
            "The study offered a taxi but it only covers the first {n} visits.",
            "The car service the study uses is on {phone}, you have to book 48 hours ahead.",
            "Snow last week meant I missed a {visit} and now I'm worried they'll drop me.",
            "Three {visit}s in one month with the drive to {city} each time, I'm running on fumes.",
            "They keep scheduling the blood draws on a different day to the scans, so it's two trips instead of one.",
            "Gas alone is adding up, it's about {miles} miles each way.",
            "Is it normal for a study to need you in person {freq}? Feels like a lot for just bloods.",
            "We live at {address} and the closest site is in {city}, so every {visit} is basically a whole day.",
            "My legs are bad so the long walk from the car park to the research unit is a real problem.",
            "Would have signed up straight away if there was a site closer than {city}.",
            "The drive home after the infusion is the scary bit, I'm wiped and it's {hours} hours on the motorway.",
            "Round trip to {site} is most of a day, and that's if the trains run.",
            "I've started booking a cheap hotel the night before, the early {visit}s are impossible otherwise.",
            "The bus only goes twice a day out here so I'm stuck waiting around after every {visit}.",
            "It's {miles} miles to the nearest site and my car is on its last legs.",
            "My neighbour has been driving me to the {visit}s but I can't keep asking.",
            "Honestly if it wasn't for the travel I'd have no complaints about the study at all.",
            "They moved my {visit} to the other site which is even further, without asking.",
            "Motion sickness plus a {hours} hour drive plus fasting bloods is a special kind of misery.",
            "Last {visit} I got stuck in traffic and they nearly had to reschedule the infusion.",
            "If the nurse could come to the house for the bloods it'd save me a whole day every {freq2}.",
        ],
        asks: &[
            "How far do you all travel for your {visit}s?",
            "Does anyone know if {trial} will do home visits?",
            "Anyone managed to get visits moved to a closer site?",
            "Is there a way to ask the study team to combine visits?",
            "Do other sites do video check-ins or is it just ours?",
            "Has anyone got the study to pay for a taxi or a hotel?",
            "What do you do when the weather is bad and you can't make a visit?",
        ],
        titles: &[
            "How far do you travel for study visits?",
            "Travel to {site} every {freq2}?? help",
            "Home visits or closer sites in {trial}?",
            "Long drive to trial visits - worth it?",
            "Anyone else doing 3hr round trips for a trial",
            "Missed a visit because of the weather",
        ],
        tags: &[
            "clinicaltrials",
            "travel",
            "studyvisits",
            "rurallife",
            "patientvoice",
        ],
        spoken: &[
            "For me it's the travel. It's {miles} miles each way to {site}, and the visits are {freq}.",
            "I'd say the distance, honestly. I leave home before six to get there for the morning bloods.",
            "If even half the visits could be done at home, or by video, that would change everything for me.",
            "The drive is fine in summer but in winter I just can't promise I'll make it.",
            "Parking was twelve pounds a day at one point, and the visits run over, so you pay more.",
            "We don't have a bus that goes that way, so it's a favour from a neighbour every time.",
        ],
        prompts: &[
            "{addressee}, you mentioned the distance earlier. What's the journey like for you?",
            "{addressee}, how do you get to your visits?",
            "Let's talk about getting to the site. {addressee}, do you want to start?",
            "{addressee}, would home visits make a difference for you?",
        ],
        staff: &[
            "We do have a travel budget, and we can book transport for visits if that helps.",
            "Some of the follow-up visits can be done by phone, I'll check which ones with the sponsor.",
            "We're looking at a mobile nurse service for blood draws, so fewer trips to the site.",
            "We can try to line up the scans and the bloods on the same day.",
        ],
    },
    // side_effects
    ThemeLex {
        said: &[
            "Week {n} on {drug} and the {se} is [pretty bad|no joke|getting worse, not better].",
            "I was warned about {se} but nobody said it would be this rough.",
            "The {se} started after the second dose and hasn't really let up.",
            "Told the study nurse about the {se} and she logged it as an adverse event, which made me feel a bit better.",
            "I'm scared of what this stuff is doing long term, the consent form listed so many side effects.",
            "Does the {se} ever settle down? I'm at {weeks} weeks and still {feel_bad}.",
            "Honestly the side effects scare me more than the {cond} does some days.",
            "After the injection I get {se} for about two days, then I'm ok until the next one.",
            "My liver numbers came back a bit high and now they want extra bloods, which is worrying.",
            "Reading the side effect list before signing was terrifying tbh.",
            "I had {se} and {se} the first month, it calmed down once they lowered the dose.",
            "I keep a note of every symptom because I don't trust myself to remember at the {visit}.",
            "Nobody can tell me if the {se} is the drug or just me getting older.",
            "They paused my dosing for a week because of the {se}, glad they're careful.",
            "I've read that {drug} can affect the heart, is that true or just internet stuff?",
            "The {se} is manageable but it's always there, you know?",
            "I've had {se} on and off since the dose went up.",
            "They told me the {se} usually settles after {weeks} weeks, so fingers crossed.",
            "My GP wasn't sure if the {se} was from {drug} or something else, which didn't help.",
            "Had a reaction at the injection site that looked like a bullseye, the nurse took photos.",
            "I feel like I'm always waiting for the next side effect to show up.",
            "Between the {se} and the {se}, this month has been rough.",
            "The first week on {drug} I slept about 14 hours a day.",
            "I wish someone had told me honestly how common the {se} is.",
            "It scares me that they still don't know all the side effects, that's the point of the trial I guess.",
        ],
        asks: &[
            "Has anyone else had {se} on {drug}?",
            "How long did the side effects last for you?",
            "Is it worth reporting minor side effects or am I being a pain?",
            "Did anyone stop the trial because of side effects?",
            "Did the side effects get better after the first month for anyone?",
            "What helped with the {se}?",
        ],
        titles: &[
            "{drug} side effects - week {n}",
            "{se} on {trial}?? normal?",
            "Side effects thread - how are you coping",
            "Scared of the side effects list",
            "Adverse event reported, now what",
        ],
        tags: &[
            "sideeffects",
            "clinicaltrial",
            "spoonie",
            "chronicillness",
            "patientsafety",
        ],
        spoken: &[
            "The side effects were worse than I expected. The {se} in the first month was really hard.",
            "What worries me is the long-term side effects. Nobody can tell you what happens in ten years.",
            "I nearly quit after the {se}, to be honest with you.",
            "When I read the list of side effects on the consent form I almost didn't sign.",
            "I think people need to hear about side effects from other patients, not just from a leaflet.",
        ],
        prompts: &[
            "{addressee}, how have the side effects been for you?",
            "{addressee}, you said the {se} was a problem. Can you tell us more?",
            "What did you expect about side effects before you started, {addressee}?",
        ],
        staff: &[
            "Any side effect you report is logged and reviewed, even the small ones.",
            "You can always call the site between visits if something new comes up.",
            "The study line is {phone}, and someone answers it day and night.",
            "We do lower the dose or pause it if the side effects get too much, you won't be thrown out for that.",
        ],
    },
    // placebo_worry
    ThemeLex {
        said: &[
            "What if I'm on the placebo and I'm just getting worse for a year?",
            "My biggest worry is the placebo arm, I can't afford to lose a year of treatment.",
            "I honestly think I'm on placebo, I feel exactly the same as before.",
            "The randomisation thing freaks me out, it's basically a coin toss.",
            "They said it's double blind so even the nurse doesn't know if I'm on the real drug.",
            "I'd do it in a heartbeat if there was no placebo group.",
            "Apparently it's 2 to 1 so there's a better chance of getting the real {drug}.",
            "I got the {se} so I'm guessing I'm not on the sugar pill lol.",
            "Is there an open label extension after, so the placebo group get the drug too?",
            "Being on a dummy pill while my {cond} flares feels so wrong.",
            "I keep trying to guess if I'm on placebo or not, it's driving me mad.",
            "My rheumatologist said placebo in this trial is on top of normal treatment, which made me feel a bit better.",
            "Part of me hopes I'm on placebo because of the {se}, part of me really doesn't.",
            "I signed up knowing I might get placebo but it's harder than I expected.",
            "The not knowing is the worst part, honestly.",
            "If it turns out I was on placebo for the whole year I'll be gutted.",
            "Nobody can tell me which arm I'm in until the study is unblinded.",
            "I asked {nurse} if she could tell me if I'm on placebo, she just laughed.",
            "My {cond_short} is no better after {n} months so I'm pretty sure I'm in the placebo group.",
            "A placebo arm with no rescue treatment would have been a dealbreaker for me.",
        ],
        asks: &[
            "Did anyone find out afterwards if they were on placebo?",
            "Do placebo patients get the drug at the end?",
            "How did you decide it was worth the risk of placebo?",
            "Can you guess if you're on placebo? Is that a thing?",
            "When do they tell you which group you were in?",
        ],
        titles: &[
            "Placebo worries",
            "Am I on the placebo?? {trial}",
            "Randomisation - how do you cope with not knowing",
            "Open label extension after placebo?",
        ],
        tags: &["placebo", "clinicaltrials", "randomised", "patientvoice"],
        spoken: &[
            "The placebo was the big question for me. I didn't want to spend a year on nothing.",
            "I think if people knew they'd get the drug at the end, the placebo would be less scary.",
            "I still don't know if I was on placebo, and that's hard.",
            "For me it's not the needles, it's the idea that I might be on the placebo while I get worse.",
        ],
        prompts: &[
            "{addressee}, how did you feel about the chance of getting placebo?",
            "The placebo question comes up a lot. {addressee}, what did you think?",
        ],
        staff: &[
            "Everyone keeps their usual treatment, the placebo is added on top of it, not instead of it.",
            "There is an open-label extension, so everyone who finishes can get the study drug afterwards.",
            "If anyone gets worse we have rescue medication, nobody is left without care.",
        ],
    },
    // time_work
    ThemeLex {
        said: &[
            "I've used {n} days of annual leave on study visits already and it's only {month}.",
            "My manager is [ok about it|not thrilled|fine as long as I make the time up] but the {visit}s always run over.",
            "Every visit is basically a whole day off work, and I'm hourly so that's money gone.",
            "I work shifts so getting a 9am {visit} means swapping with someone every time.",
            "If they offered evening or weekend {visit}s I'd have signed up ages ago.",
            "The {visit} took four hours last time, I only booked the morning off.",
            "Honestly I can't keep taking unpaid leave for this.",
            "I'm self employed, no work no pay, so each {visit} really costs me.",
            "Between school runs and my job I have maybe one free hour a day.",
            "Work thinks I'm at the dentist a lot lol.",
            "I had to tell HR about the trial just to get the time off, which I really didn't want to do.",
            "The {visit}s are always on a Tuesday morning which is our busiest day at work.",
            "Started a new job in {month} and I'm scared to ask for more time off for study visits.",
            "I ended up doing the e-diary on my lunch break in the car.",
            "I'm using my holiday days for {visit}s, so no actual holiday this year.",
            "My boss asked why I keep leaving early and I didn't know what to say.",
            "Each {visit} is supposed to be an hour but it's never under three.",
            "I do the e-diary on the train to work, it's the only time I have.",
            "Working full time with two kids and a trial is a lot, I'm not going to pretend otherwise.",
            "If the {visit}s were on Saturdays I'd have no problem at all.",
            "I lost a shift every visit last month, that adds up fast.",
            "Had to cancel a work trip because it clashed with a {visit} I couldn't move.",
            "The coordinator only answers emails, {email_other}, so I'm writing to her at 11pm after the kids are down.",
            "Work has been really understanding, which I know not everyone gets.",
            "I'm on a zero hours contract so time off for {visit}s just means no pay.",
        ],
        asks: &[
            "How do you fit visits around work?",
            "Did your employer give you paid time off for a trial?",
            "Are there trials with evening or weekend visits?",
            "Should I tell my boss I'm in a trial?",
            "Does anyone do their visits on their lunch break?",
        ],
        titles: &[
            "Time off work for trial visits",
            "Juggling a full time job and {trial}",
            "Evening or weekend visits anywhere?",
            "Telling your boss about a trial?",
        ],
        tags: &[
            "workingmom",
            "worklife",
            "clinicaltrials",
            "timeoff",
            "busylife",
        ],
        spoken: &[
            "It's the time off work. Every visit is a day, and I've run out of leave.",
            "If the visits were early morning or after five I could do them without asking my manager.",
            "I'm paid by the hour, so a visit isn't free for me even if the trial is.",
            "The waiting is the problem. An appointment for one hour takes the whole morning.",
        ],
        prompts: &[
            "{addressee}, how do you fit the visits around work?",
            "{addressee}, what would make the schedule easier for you?",
            "Let's talk about time. {addressee}, how much time does a visit take you?",
        ],
        staff: &[
            "We can offer early appointments from seven, and we're trying to add a Saturday clinic.",
            "We can give you a letter for your employer if that helps with the time off.",
            "We try to keep visits under two hours, and we should tell you if we're running late.",
        ],
    },
    // caregiving
    ThemeLex {
        said: &[
            "I'm the one driving {caree} to every {visit}, and I'm not getting any younger either.",
            "Finding childcare for {kid} on visit days is the hardest part.",
            "{caree} can't manage the paperwork so I do all of it, and the phone calls.",
            "I had to bring {kid} to the {visit} because the sitter cancelled, the nurses were lovely about it.",
            "Caring for {caree} and doing the trial admin is basically a second job.",
            "Nobody asks how the carer is doing, you know?",
            "{kid} has a school thing the same day as my next {visit}, so now I'm juggling again.",
            "My {mom} looks after the kids when I go in but she's {age_plain} now and it's a lot for her.",
            "I sit with {caree} through every infusion, it's hours.",
            "If there was somewhere for kids to wait at the site I'd bring mine.",
            "I'm {caree_short}'s carer and I'd be lost without the study nurse, honestly.",
            "{caree} gets confused about the tablets so I've set up a pill box and alarms.",
            "Being a carer means my own health stuff always comes last.",
            "We have three kids under 10 and no family nearby, so every {visit} needs a plan.",
            "My {mom} has been amazing with the kids on visit days but I feel guilty every time.",
            "{kid} thinks the hospital is a fun day out now, which is something I guess.",
            "I have to plan every {visit} around school pick up.",
            "I'm the carer and the driver and the note taker and the pill counter.",
            "{caree} gets anxious before every {visit} so the night before is always hard.",
            "Bringing a toddler to a four hour {visit} is not something I'd recommend lol.",
            "My husband does nights so on visit days it's just me and the kids.",
            "We've missed two school plays because of {visit}s this term.",
            "Being a carer for {caree} while working part time is exhausting, I'm not going to lie.",
            "The nurses always ask how {caree_short} is doing but never how I'm doing.",
        ],
        asks: &[
            "How do other carers manage the visits?",
            "Do any trial sites help with childcare?",
            "Can a carer join the visits or is it patient only?",
            "Any tips for keeping track of appointments for someone else?",
            "Does anyone get help with childcare costs on visit days?",
        ],
        titles: &[
            "Carers - how do you manage trial visits?",
            "Childcare on visit days",
            "Looking after {caree_sig} and the trial paperwork",
            "Carer burnout and study visits",
        ],
        tags: &[
            "carers",
            "caregiving",
            "momlife",
            "familyfirst",
            "clinicaltrials",
        ],
        spoken: &[
            "I'm here as a carer. I drive {caree} to every visit and I sit with them through all of it.",
            "Childcare is the thing. If there was a creche or even a play corner at the site, I'd bring the kids.",
            "Nobody ever asks the carer. We do the forms, the calls, the tablets.",
            "I would say think about the family, not just the patient. We all go through the trial together.",
        ],
        prompts: &[
            "{addressee}, as a carer, what was hardest for you?",
            "{addressee}, how do you manage with the children on visit days?",
            "{addressee}, what support would have helped your family?",
        ],
        staff: &[
            "Carers are welcome at every visit, and we can reimburse their travel too.",
            "We can book visits around school hours if you tell us early.",
            "We're putting together a carer information pack, it's overdue honestly.",
        ],
    },
    // digital_burden
    ThemeLex {
        said: &[
            "The e-diary app keeps logging me out and then I miss a day and get a warning.",
            "I'm not good with phones, and the study app is [a nightmare|so fiddly|impossible] for me.",
            "They gave us a tablet for the diary but the screen is tiny and the buttons are even smaller.",
            "The app wants me to fill in the symptom diary at 8pm every night, and if I forget it's locked.",
            "I'd much rather just ring the nurse than use the app.",
            "The app helpline is {phone} but nobody ever picks up.",
            "The wearable needs charging every day and the app loses the Bluetooth connection constantly.",
            "Half the questions in the e-diary make no sense for {cond}.",
            "I asked if I could do the diary on paper and they said no, it has to be the app.",
            "My {mom} does my diary entries for me because the font is too small.",
            "We don't get good signal out here so the app just spins.",
            "Had to reset my password three times this month, the app is driving me up the wall.",
            "The video visit link didn't work and I sat there for half an hour.",
            "I'm fine with the app but {caree} can't use it at all, so it's another job for me.",
            "The wearable gave me a rash and the app still nags me to wear it.",
            "I've had the same login error for a week and nobody at the help desk can fix it.",
            "Every update the app changes where the buttons are.",
            "The e-diary questions are the same every day and half of them don't apply to me.",
            "It took me an hour to set up the app with {caree} watching and getting frustrated.",
            "I can't read the screen without my glasses and I never have my glasses lol.",
            "The app says I missed entries that I definitely did, so now I screenshot everything.",
            "Honestly a paper diary and a phone call would be so much easier for people my age.",
            "The video visits freeze every few minutes because our broadband is terrible.",
            "My grandson set up the app for me, I'd never have managed on my own.",
        ],
        asks: &[
            "Does anyone else have trouble with the study app?",
            "Can you do the e-diary on paper instead?",
            "Is there a way to make the text bigger on the diary tablet?",
            "What happens if you miss an e-diary entry?",
            "Does anyone know who to call when the study app stops working?",
        ],
        titles: &[
            "The e-diary app is driving me mad",
            "Study app logging me out?",
            "Paper diary instead of the app?",
            "Wearable keeps disconnecting",
        ],
        tags: &["ediary", "digitalhealth", "accessibility", "techfail"],
        spoken: &[
            "The app. I'm sorry, but the app. I'm seventy-three and the letters are tiny.",
            "I'd rather speak to a person. If I could phone the nurse instead of the diary, I'd be happy.",
            "The app kept logging me out, and then I got a message that I'd missed entries.",
            "Not everybody has a smartphone, or good internet at home. That gets forgotten.",
        ],
        prompts: &[
            "{addressee}, how did you get on with the e-diary?",
            "{addressee}, what about the app and the wearable?",
            "Let's talk about technology. {addressee}, what worked and what didn't?",
        ],
        staff: &[
            "We can set up phone reminders, and a paper back-up for the diary is possible in this study.",
            "We're testing a version of the app with larger text.",
            "If the app fails, call us, a missed entry because of the app is not held against you.",
        ],
    },
    // trust
    ThemeLex {
        said: &[
            "I trust {nurse} completely, she explains everything and never rushes me.",
            "I don't trust the drug companies, but I do trust {doctor}.",
            "The consent form was {pages} pages and I still don't know what happens to my data.",
            "Nobody has told us what happened with the results of the last trial I was in.",
            "It's the nurses that keep me in the study, honestly, not the sponsor.",
            "I read the consent form twice and asked {doctor} loads of questions, [they were|and got] really patient [with me|answers].",
            "Something about how fast they wanted me to sign didn't sit right with me.",
            "After what happened in the past with trials, people in my community are wary, and I get it.",
            "They say my samples are anonymised but who knows who they share them with.",
            "{doctor} sat with us for an hour and answered every question, that made all the difference.",
            "I'd like to know who is paying for the trial and what they get out of it.",
            "The study team always calls back the same day, which builds a lot of trust.",
            "{nurse_name} gave me her direct line, {phone}, and said call any time, which means a lot.",
            "It'd be nice to actually get the results back at the end, not just a thank you letter.",
            "{nurse} always remembers what I told her last time, it makes a difference.",
            "I trust my team at {site}, but I'd like to know more about who runs the trial.",
            "I asked what happens to my blood samples after the study and nobody really knew.",
            "The consent form was full of words I had to look up.",
            "When {doctor} admitted they didn't know the answer I actually trusted them more.",
            "I'd feel better if someone just explained the results in plain English.",
            "It's hard to trust a company that makes money from the drug, but the staff are great.",
            "I had a bad experience in a trial years ago, so I ask a lot of questions now.",
            "Someone from the sponsor came to a visit once and talked to us like we were data points.",
            "They gave me a copy of my consent form and went through it line by line, which was good.",
            "I emailed {email_other} to ask who sees my data and actually got a proper answer.",
        ],
        asks: &[
            "Did anyone get their trial results back at the end?",
            "How do you know who sees your data?",
            "Did you feel rushed into signing the consent form?",
            "Is it normal to ask for a copy of the consent form to take home?",
            "Who do you ask when you don't trust what the study team tells you?",
        ],
        titles: &[
            "Trust and consent forms",
            "Did you ever get the results back?",
            "Who sees our data in {trial}?",
            "Feeling rushed to sign consent",
        ],
        tags: &[
            "patienttrust",
            "informedconsent",
            "resultsback",
            "datarights",
        ],
        spoken: &[
            "I trust the nurse. I don't always trust the system. That's the honest answer.",
            "We never got the results back from my last study. That matters to people.",
            "The consent form was very long. I wanted someone to just tell me in plain words.",
            "When the doctor took time with us, that's when I decided I could do this.",
        ],
        prompts: &[
            "{addressee}, what made you trust the study team, or not?",
            "{addressee}, how did you find the consent process?",
            "{addressee}, would getting the results back matter to you?",
        ],
        staff: &[
            "We'll send everyone a plain-language summary of the results when the study ends.",
            "You can take the consent form home and talk it over, there's no rush to sign.",
            "Your data is coded, and we can go through exactly who sees what.",
        ],
    },
    // cost_compensation
    ThemeLex {
        said: &[
            "They reimburse mileage but it takes {weeks} weeks to come through, and I'm out of pocket till then.",
            "The stipend is {money} a visit, which doesn't even cover the petrol and parking.",
            "I had to pay for a hotel the night before the {visit} because it's so early, and that isn't covered.",
            "Money is tight and the reimbursement forms are a pain, half my receipts got lost.",
            "Nobody told me the parking wasn't covered until I'd been doing it for {n} months.",
            "We're on one income since I got sick so every trip to {city} is a real cost.",
            "I only found out about the travel reimbursement from someone on here, the site never mentioned it.",
            "If they paid up front instead of reimbursing later it would make a big difference for people like us.",
            "My insurance wouldn't cover the scans outside the trial so the study is honestly the only way I can afford them.",
            "Lost a day's pay, spent {money} on fuel, got {money} back. You do the maths.",
            "They give us a prepaid card now which is so much better than the cheques.",
            "The expenses team are on {phone} if anyone else is still waiting on money.",
            "My member ID is {member_id} and the insurance still keeps billing me for trial visits.",
            "The reimbursement came through after {weeks} weeks, just in time for the next lot of fuel.",
            "Parking at {site} is {money} a day and they only cover half of it.",
            "Nobody mentioned we could claim for meals until month {n}.",
            "It's not about being paid, it's about not being out of pocket.",
            "We had to choose between the car insurance and keeping up with the trial costs.",
            "The paperwork for expenses is longer than the consent form lol.",
            "If I didn't have savings I couldn't afford to take part, which isn't right.",
            "They paid {money} for the screening visit which was a nice surprise.",
            "My husband took unpaid leave to drive me, and that's money we'll never see again.",
            "The travel money only covers public transport, and there isn't any where we live.",
        ],
        asks: &[
            "Does your trial cover parking and fuel?",
            "How long does reimbursement take for you?",
            "Are trial payments taxed? Does it affect benefits?",
            "Has anyone been billed by their insurance for trial visits?",
            "Does anyone know if the study pays for a carer's travel too?",
        ],
        titles: &[
            "Reimbursement taking forever",
            "Travel costs and stipends - what's normal?",
            "Out of pocket for trial visits",
            "Does trial money affect benefits?",
        ],
        tags: &[
            "costofliving",
            "clinicaltrials",
            "reimbursement",
            "patientcosts",
        ],
        spoken: &[
            "The money. We pay for fuel, parking, a meal, and we wait weeks to get it back.",
            "If the payment came before the visit instead of after, more people could afford to take part.",
            "I lose a day's wages every visit, and that isn't counted anywhere.",
            "Nobody explained the reimbursement to me at the start. I found out months later.",
        ],
        prompts: &[
            "{addressee}, what about costs? Has the trial cost you money?",
            "{addressee}, how did the reimbursement work out for you?",
        ],
        staff: &[
            "We can pay travel in advance now, on a prepaid card, you don't have to wait for reimbursement.",
            "Parking is covered, please send us the tickets and we'll add it.",
            "I'll make sure the reimbursement is explained at the first visit from now on.",
        ],
    },
    // altruism
    ThemeLex {
        said: &[
            "Even if it doesn't help me, maybe it helps the next person with {cond}.",
            "I'm doing this for {kid}, in case it runs in the family.",
            "Someone was in a trial so that I could have the treatment I have now, it feels right to give back.",
            "I want my data to count for something, that's why I signed up.",
            "If my bloods help them understand {cond} a bit better then every needle is worth it.",
            "My {mom} had {cond} and there was nothing for her, so I want to be part of changing that.",
            "It feels good to be doing something useful with this illness for once.",
            "Research only happens if people like us take part, I keep telling my friends that.",
            "I'd love more people from my community in trials, the results should work for all of us.",
            "I don't need it to cure me, I just want to help move things forward.",
            "If my {se} helps them get the dose right for the next person, fine.",
            "I keep thinking about the people who did trials before me, I owe them.",
            "My {kid} asked why I do it and I said so other kids' mums get better medicine.",
            "There aren't many people like me in these trials, so I feel I should be in them.",
            "Helping research feels like getting a bit of control back.",
            "I'd do another trial tomorrow if it helps someone.",
            "Someone has to go first, might as well be me.",
            "If anyone wants to join the patient panel, email {email_other}, they need more of us.",
            "I told my sister about the trial and now she's signing up too.",
        ],
        asks: &[
            "What made you decide to take part?",
            "Does anyone else do it mainly to help others?",
            "How do we get more people to volunteer?",
            "Does anyone else feel like they're doing it for the next generation?",
        ],
        titles: &[
            "Why did you join a trial?",
            "Doing it for the next generation",
            "Giving something back",
        ],
        tags: &[
            "research",
            "givingback",
            "patientadvocate",
            "clinicaltrials",
            "bethechange",
        ],
        spoken: &[
            "I did it for other people, really. Someone did it for me once.",
            "I want my kids to have better options than I had. That's my reason.",
            "Research needs people like us in it, otherwise the medicines don't fit us.",
            "Even if it doesn't work for me, somebody learns something. That's enough.",
        ],
        prompts: &[
            "{addressee}, what made you want to take part in the first place?",
            "{addressee}, what would you tell someone who is thinking about joining?",
        ],
        staff: &[
            "Every participant helps us, including the ones on placebo, the data matters just as much.",
            "We'll share the findings with everyone who took part, it's the least we can do.",
        ],
    },
    // hope_access
    ThemeLex {
        said: &[
            "This trial is the first time in years I've felt hopeful about my {cond}.",
            "The standard treatments stopped working for me, so {trial} is honestly my best shot.",
            "Getting access to a new drug before it's approved felt like winning the lottery.",
            "I've been on {drug} for {n} months and my numbers are the best they've been since {year}.",
            "I know it might not work but I have to try something new.",
            "My consultant said nothing else is available on the NHS for me right now, so I jumped at the trial.",
            "Just got my latest results back and I actually cried, in a good way.",
            "The new treatment has given me my weekends back.",
            "If it works I want to stay on it after the study ends, does anyone know if that's possible?",
            "Finally something that isn't just managing symptoms.",
            "I was on the waiting list for ages, then {nurse} called to say I'm eligible!!!",
            "I'd tell anyone with {cond} to at least ask about trials, it's how I got here.",
            "My last scan was the best in years, I'm trying not to get my hopes up too much.",
            "I was out of options before {trial}, so this is a real lifeline.",
            "{nurse} rang with my results and I had to sit down, they were that good.",
            "For the first time in ages I'm planning things months ahead.",
            "I've got my energy back enough to take {kid} to the park again.",
            "The doctors were honest that it might not work, but even the chance is something.",
            "I really hope they keep the open label extension going after the study.",
            "Being in {trial} means I see a specialist every month, which I never had before.",
            "Three months in and I'm walking further than I have in two years.",
            "Even if it doesn't work out, I'm glad I tried something new.",
            "I wrote to the trial team at {email_other} to ask about staying on it afterwards.",
        ],
        asks: &[
            "Does anyone know if you can stay on the drug after the trial ends?",
            "How do you find trials that you're eligible for?",
            "Has anyone had really good results on a trial drug?",
            "Is it worth asking my doctor about trials?",
            "Has anyone been able to keep getting the drug after their trial finished?",
        ],
        titles: &[
            "Finally some hope - {trial} update",
            "Good news from my last visit!!",
            "Staying on the drug after the trial?",
            "How do you find trials you qualify for",
        ],
        tags: &[
            "hope",
            "newtreatment",
            "clinicaltrials",
            "research",
            "goodnews",
        ],
        spoken: &[
            "For me it was hope. Nothing else was working, and this was a real chance.",
            "I got access to a treatment I couldn't get any other way. I'm very grateful for that.",
            "I'm feeling better than I have in years. I want that for other people.",
            "What I want to know is, when it ends, can I keep taking it?",
        ],
        prompts: &[
            "{addressee}, what did you hope for when you joined?",
            "{addressee}, how has the treatment been for you so far?",
        ],
        staff: &[
            "There is a plan for continued access after the study, I'll get you the details.",
            "We can't promise it works, but we'll keep you updated on what the study finds.",
        ],
    },
];

/// Generic sentences with no theme, for the start and end of posts.
pub(crate) static OPENERS: &[&str] = &[
    "Hi all,",
    "Hi everyone,",
    "Hello,",
    "Hey all",
    "Long time lurker, first post.",
    "Not sure if this is the right board but here goes.",
    "Sorry if this has been asked before.",
    "Update from me:",
    "Bit of a ramble, sorry.",
    "Morning all.",
    "So, quick question.",
    "Hi, I'm new here.",
];

/// A line about the author's situation, to follow an opener.
pub(crate) static BACKGROUND: &[&str] = &[
    "I was diagnosed with {cond} in {year} and started on {trial} in {month}.",
    "I've had {cond} since {year} and this is my first trial.",
    "I'm [about|just over] {n} months into {trial} at {site}.",
    "Been screened for {trial} and I start next month.",
    "I've had {cond_short} for years, tried pretty much everything.",
    "I'm in the {trial} study at {site}, on {drug} (or placebo, who knows).",
    "Just finished screening for {trial} [and I'm in|but I'm still waiting to hear].",
];

/// Trial chatter that belongs to no planted theme: screening, visits done,
/// results, consent. It is the background every real forum has.
pub(crate) static GENERAL: &[&str] = &[
    "Screening took three visits and [a lot of|so many] bloods.",
    "Got my results back today, all normal apparently.",
    "Visit {n} done, [loads|a few|lots] to go.",
    "The research team at {site} are lovely.",
    "Anyone else in {trial}? Would love to compare notes.",
    "They took eight tubes of blood today, eight!",
    "Still waiting to hear if I passed screening.",
    "The study newsletter came out, nothing new really.",
    "Had my ECG and bloods, back next month.",
    "Just signed the consent form, nervous but [excited|ready].",
    "The eligibility criteria changed so now I qualify.",
    "Halfway through the study now.",
    "My coordinator left and the new one doesn't know me yet.",
    "Week {weeks} check-in done.",
    "Fasting bloods at 8am, then a coffee and a croissant as a reward lol.",
    "Got a lovely thank you card from the study team.",
    "They finally published the results of the last phase, I'll try to find the link.",
    "The information sheet was clearer than I expected, to be fair.",
];

/// Short openers for feed posts.
pub(crate) static FEED_OPENERS: &[&str] = &[
    "Update:",
    "PSA:",
    "Day {n}.",
    "Trial diary, week {weeks}:",
    "Honest thoughts:",
    "Small win:",
    "Vent incoming.",
    "Reminder to self:",
    "ok so",
    "Thread 🧵",
];

/// The thread starter coming back to thank people.
pub(crate) static OP_THANKS: &[&str] = &[
    "Thanks {mention}, that's really helpful.",
    "{mention} thank you, I'll ask about that at my next {visit}.",
    "Thanks everyone for replying, I feel less alone with this.",
    "Update: I asked the nurse and it's normal apparently. Thanks all.",
    "Just wanted to say thanks, this thread has helped a lot.",
    "{mention} that's exactly what I needed to hear, thank you.",
];

/// Ways to end a post.
pub(crate) static CLOSERS: &[&str] = &[
    "Thanks in advance.",
    "Any advice appreciated.",
    "Thanks for reading if you got this far.",
    "Sorry for the essay.",
    "Anyway, that's me.",
    "Take care all.",
    "Thanks all, this forum has been a lifesaver.",
    "Hugs to everyone going through it.",
    "Will update when I know more.",
    "x",
];

/// Replies reacting to an earlier post.
pub(crate) static REACTIONS: &[&str] = &[
    "Same here.",
    "This!!",
    "I hear you.",
    "Sorry you're going through that.",
    "That sounds really hard.",
    "Totally agree.",
    "Ugh, been there.",
    "Good question.",
    "So glad it's going well for you!",
    "Thanks for posting this.",
    "You're not alone in this.",
    "That's really helpful, thank you.",
    "I had almost exactly the same experience.",
    "Not the same for me, but I get it.",
];

/// Advice a replier gives.
pub(crate) static ADVICE: &[&str] = &[
    "Definitely tell the study nurse, that's what they're there for.",
    "Write everything down before your visit, I always forget otherwise.",
    "Ask for the coordinator's direct number, it saves so much time.",
    "You can always ask to take the consent form home first.",
    "Keep all your receipts in one envelope, trust me.",
    "Ask them if any visits can be done by phone.",
    "Don't be afraid to say it's too much, you can withdraw any time.",
    "The patient liaison at our site was really good, maybe yours has one too?",
    "Set an alarm for the diary, it's the only way I remember.",
    "Bring snacks, the waits are long.",
];

/// Off-topic lines that real threads are full of.
pub(crate) static OFF_TOPIC: &[&str] = &[
    "Anyway the weather here has been awful all week.",
    "Off topic but does anyone else's cat sit on the keyboard when they're typing?",
    "PS sorry for any typos, typing on my phone.",
    "Also happy birthday to {kid_short} for yesterday lol.",
    "Random but the coffee at the hospital has got so much better.",
    "Is it just me or is the forum really slow today?",
    "Edit: spelling.",
    "Went to the garden centre today, first time out in ages.",
    "Sorry, kids are screaming, will finish this later.",
    "ps. anyone watching the football tonight?",
];

/// Sentences that exist to carry an identifier, as people really do share
/// them (contact details, where they live, dates).
pub(crate) static IDENT_ASIDES: &[&str] = &[
    "If anyone wants to talk you can email me at {email}.",
    "The study coordinator's number is {phone} if that helps anyone.",
    "We're at {address}, {city}, so it's a long way to any site.",
    "My next {visit} is on {date}.",
    "The research nurse, {nurse_name}, is on {phone}.",
    "My {visit} on {date} got moved again.",
    "I found the trial through {url}.",
    "There's a patient group in {city} that meets monthly, message {email_other} for details.",
    "{doctor} at {site} in {city} is running it.",
    "Follow {handle} for updates, she posts about the trial a lot.",
    "Screening was on {date} and I heard back on {date}.",
    "Anyone near {zip}? Would be nice to car share.",
    "My hospital number is {mrn} in case I need to quote it on here, lol probably shouldn't.",
    "{partner} says hi, [reading over my shoulder lol|always asks what you lot are saying on here].",
    "I'm in {city}, about {miles} miles from {site}.",
    "Found this page useful: {url}",
    "my old number was {phone} but I'm on {phone} now if anyone from the group needs me.",
    "My {dad} is {age_old} and still asks me about the trial every day.",
    "The reimbursement form asked for my {ssn_phrase}, is that normal??",
];

/// Forum signatures (identifier-free by design; see `truth`).
pub(crate) static SIGNATURES: &[&str] = &[
    "{role_sig} | {cond_short} since {year} | in the {trial} trial",
    "{cond_short} dx {year}. {trial} participant. One day at a time.",
    "{role_sig}. Not a doctor, just been through it.",
    "\"You never know how strong you are until being strong is the only choice you have.\"",
    "{trial} (visit {n} of 24) | {cond_short} warrior",
    "{role_sig} | coffee first",
    "Carer to {caree_sig} | {cond_short} | tired but hopeful",
];

/// The mood marks that become a phpBB smiley, an emoji, or nothing.
pub(crate) static MOODS: &[(&str, &str, &str, &str)] = &[
    // (phpBB code, phpBB image, phpBB title, emoji)
    (":)", "icon_e_smile.gif", "Smile", "🙂"),
    (":(", "icon_e_sad.gif", "Sad", "😞"),
    (";)", "icon_e_wink.gif", "Wink", "😉"),
    (":lol:", "icon_lol.gif", "Laughing", "😂"),
    (":?", "icon_e_confused.gif", "Confused", "😕"),
    (":oops:", "icon_redface.gif", "Embarrassed", "😳"),
    (":D", "icon_e_biggrin.gif", "Very Happy", "😄"),
];

/// Extra emoji for the feed.
pub(crate) static EMOJI: &[&str] = &[
    "💪", "🙏", "😩", "🤞", "❤️", "😴", "💉", "🚗", "😤", "✨", "🥲",
];

/// Transcript: how a moderator opens the meeting. `{participants}` is the
/// list of introductions.
pub(crate) static MEETING_OPEN: &[&str] = &[
    "Good morning everyone, and thank you for joining this patient advisory board for the {trial} programme. I'm {moderator_name}, and I'll be moderating today.",
    "Okay, I think we're all here. Welcome, everyone, to the {trial} patient advisory board. My name is {moderator_name} and I'm your moderator.",
];

/// Transcript: the recording and ground rules line.
pub(crate) static MEETING_RULES: &[&str] = &[
    "Just a reminder that we're recording this session for our notes, and nothing you say will be shared with your name on it.",
    "We're recording today so we get your words right. There are no wrong answers, and you can skip any question.",
];

/// Transcript: how a moderator closes the meeting.
pub(crate) static MEETING_CLOSE: &[&str] = &[
    "That's all we have time for. Thank you all so much, this has been really valuable.",
    "Thank you, everyone. We'll send a summary of today, and we'll come back to you with what changes.",
];

/// Transcript: short spoken acknowledgements.
pub(crate) static SPOKEN_ACKS: &[&str] = &[
    "Thank you, {addressee}, that's really helpful.",
    "That's a really good point, {addressee}.",
    "Thanks, {addressee}. I think a lot of people will recognise that.",
    "Okay, thank you {addressee}.",
    "Mm, yes. Thank you.",
];

/// Transcript: a participant building on another's point.
pub(crate) static SPOKEN_CHIME: &[&str] = &[
    "Can I add to what {addressee} said?",
    "I agree with {addressee}, actually.",
    "Just to pick up on {addressee}'s point.",
    "Same as {addressee}, really.",
    "Yeah, {addressee} is right about that.",
];

/// Transcript: spoken fillers mixed into turns.
pub(crate) static FILLERS: &[&str] = &[
    "um,",
    "uh,",
    "you know,",
    "I mean,",
    "so,",
    "yeah,",
    "like,",
    "well,",
];

/// Invented trial programme prefixes, matched to a condition.
pub(crate) static CONDITIONS: &[(&str, &str, &str)] = &[
    // (condition as said, short form, trial prefix)
    ("type 2 diabetes", "T2D", "GLUCO"),
    ("asthma", "asthma", "AIRWAY"),
    ("rheumatoid arthritis", "RA", "JOINT"),
    ("multiple sclerosis", "MS", "MYELIN"),
    ("Crohn's disease", "Crohn's", "IBD"),
    ("psoriasis", "psoriasis", "DERMA"),
    ("heart failure", "HF", "CARDIO"),
    ("COPD", "COPD", "BREATHE"),
    ("migraine", "migraines", "HALO"),
    ("lupus", "lupus", "LUMEN"),
    ("Parkinson's", "Parkinson's", "STEADY"),
    ("kidney disease", "CKD", "NEPHRO"),
    ("early Alzheimer's", "Alzheimer's", "MEMORY"),
    ("breast cancer", "breast cancer", "ONCO"),
];

/// Syllables of invented drug names ("Zel" + "va" + "print").
pub(crate) static DRUG_PARTS: (&[&str], &[&str], &[&str]) = (
    &[
        "Zel", "Dor", "Vex", "Lum", "Tor", "Bri", "Cal", "Mer", "Quin", "Sol", "Ari", "Nex", "Oza",
        "Pel", "Tiv",
    ],
    &["va", "ri", "o", "a", "e", "ta", "li", "ne", "ca"],
    &[
        "print", "zumab", "tinib", "mab", "stat", "lora", "dex", "sertib", "glip", "fen", "cept",
        "limus",
    ],
);

/// Invented research sites.
pub(crate) static SITES: &[&str] = &[
    "Riverside Clinical Research Centre",
    "the Northgate research unit",
    "Harbour View Hospital",
    "Eastfield Medical Centre",
    "St Brannoc's",
    "the Lakeside trials clinic",
    "Westmoor University Hospital",
    "Pinecrest Research",
    "the Meadowbank site",
    "Kingsbridge Infirmary",
];

/// First names, by the relations they fit: (female, male, either).
pub(crate) static NAMES: (&[&str], &[&str], &[&str]) = (
    &[
        "Joan", "Ella", "Priya", "Aisha", "Grace", "Maya", "Nadia", "Rosa", "Fiona", "Lily",
        "Ines", "Ruth", "Holly", "Tessa", "Molly", "Zara", "Marisol", "Gwen", "Bea", "Amara",
        "Kezia", "Nell", "Hattie", "Elsie", "Wendy", "Noor", "Sunita", "Olga", "Carmen", "Dolores",
        "Ngozi", "Mei",
    ],
    &[
        "Mark", "Tom", "Dev", "Owen", "Leo", "Carl", "Ben", "Kwame", "Dan", "Jamal", "Reggie",
        "Arjun", "Finn", "Hugh", "Theo", "Ronan", "Lewis", "Ivan", "Yusuf", "Cliff", "Raj",
        "Tariq", "Emeka", "Bruno", "Stan", "Wes", "Hamish", "Jorge", "Kenji", "Malik",
    ],
    &[
        "Sam", "Pat", "Mo", "Jo", "Alex", "Robin", "Charlie", "Frankie", "Kit", "Jesse",
    ],
);

/// The names that fit a relation word ("husband" → male names).
pub(crate) fn names_for(relation: &str) -> &'static [&'static str] {
    match relation {
        "husband" | "son" | "dad" | "father" | "brother" => NAMES.1,
        "wife" | "daughter" | "mum" | "mom" | "mother" | "sister" => NAMES.0,
        _ => NAMES.2,
    }
}

/// Any first name: female, male or either.
pub(crate) fn any_name(rng: &mut crate::rng::Rand) -> &'static str {
    match rng.below(9) {
        0..4 => rng.pick(NAMES.0),
        4..8 => rng.pick(NAMES.1),
        _ => rng.pick(NAMES.2),
    }
}

/// Surnames (clinicians, speakers). Common words, combined at random, so
/// that no full name names anybody.
pub(crate) static SURNAMES: &[&str] = &[
    "Okafor",
    "Lindqvist",
    "Patel",
    "Moreno",
    "Hughes",
    "Nakamura",
    "Brennan",
    "Adeyemi",
    "Kowalski",
    "Fairbairn",
    "Osei",
    "Hollis",
    "Delacroix",
    "Mbeki",
    "Thornton",
    "Quayle",
    "Ramsden",
    "Achebe",
    "Whitlock",
    "Castellano",
    "Duarte",
    "Farrow",
    "Gallagher",
    "Iqbal",
    "Jovanovic",
    "Kerrigan",
    "Lam",
    "Marchetti",
    "Nwosu",
    "Ostrowski",
    "Pemberton",
    "Rahman",
    "Sandoval",
    "Tremblay",
    "Underhill",
    "Vance",
    "Winslow",
    "Yildiz",
    "Zhou",
    "Abernathy",
];

/// Street names and suffixes for invented addresses.
pub(crate) static STREETS: (&[&str], &[&str]) = (
    &[
        "Larkspur", "Orchard", "Mill", "Hawthorn", "Juniper", "Station", "Church", "Willow",
        "Meadow", "Kestrel", "Alder", "Quarry", "Beacon", "Foxglove", "Harbour", "Chestnut",
    ],
    &[
        "Lane", "Road", "Street", "Avenue", "Close", "Drive", "Way", "Court", "Place", "Crescent",
    ],
);

/// Towns by locale: (US, UK).
pub(crate) static TOWNS: (&[&str], &[&str]) = (
    &[
        "Springfield",
        "Riverton",
        "Fairview",
        "Millbrook",
        "Dayton",
        "Tulsa",
        "Greenville",
        "Cedar Falls",
        "Bakersfield",
        "Lakewood",
        "Harrisburg",
        "Boise",
        "Macon",
        "Yuma",
        "Duluth",
    ],
    &[
        "Leeds",
        "Bristol",
        "Ashford",
        "Carlisle",
        "Truro",
        "Wrexham",
        "Dundee",
        "Norwich",
        "Hexham",
        "Stockport",
        "Bangor",
        "Kendal",
        "Yeovil",
        "Derby",
        "Lincoln",
    ],
);

/// Forum boards, in id order: (title, description, themes it attracts).
pub(crate) static BOARDS: &[(&str, &str)] = &[
    (
        "Clinical trials — questions & experiences",
        "Thinking about a trial, in one now, or finished? Ask, share, vent.",
    ),
    (
        "Caregivers' corner",
        "For partners, parents, children and friends who care for someone in a study.",
    ),
    (
        "Side effects & treatment talk",
        "What the drugs do, good and bad. Not medical advice.",
    ),
    (
        "Travel, costs & practical stuff",
        "Getting to visits, reimbursement, time off work, apps and diaries.",
    ),
    (
        "Good news & results",
        "Results back, milestones, hope. Celebrate with us.",
    ),
    ("Off topic", "Anything else. Be kind."),
];

/// Which board a thread goes to, by the opening post's main theme: a
/// preference list of board indexes (the first that exists is used).
pub(crate) static THEME_BOARDS: [&[usize]; THEMES] = [
    &[3, 0],    // travel_burden
    &[2, 0],    // side_effects
    &[2, 0],    // placebo_worry
    &[3, 0],    // time_work
    &[1, 0],    // caregiving
    &[3, 1, 0], // digital_burden
    &[0],       // trust
    &[3, 0],    // cost_compensation
    &[4, 0],    // altruism
    &[4, 0],    // hope_access
];

/// Plain slot lists, looked up by name from templates.
pub(crate) fn list(key: &str) -> Option<&'static [&'static str]> {
    Some(match key {
        "visit" => &[
            "visit",
            "appointment",
            "study visit",
            "check-in",
            "site visit",
            "infusion visit",
        ],
        "freq" => &[
            "every two weeks",
            "every week",
            "twice a month",
            "once a month",
            "every 3 weeks",
            "every other week",
            "weekly for the first 3 months",
        ],
        "freq2" => &["week", "fortnight", "month", "2 weeks"],
        "hours" => &["2", "3", "4", "two", "three", "five", "2.5"],
        "se" => &[
            "nausea",
            "headaches",
            "a rash",
            "fatigue",
            "stomach cramps",
            "dizziness",
            "injection site reactions",
            "hair thinning",
            "weird dreams",
            "joint pain",
            "heartburn",
            "insomnia",
            "brain fog",
            "diarrhoea",
            "mouth ulcers",
        ],
        "feel_bad" => &[
            "wiped out",
            "exhausted",
            "nauseous",
            "dizzy",
            "foggy",
            "rough",
            "awful",
            "shaky",
        ],
        "month" => &[
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        "pages" => &["20", "24", "31", "38", "45", "50-odd"],
        "weeks" => &["3", "4", "6", "8", "six", "eight", "ten", "12"],
        "n" => &["2", "3", "4", "5", "6", "8", "three", "four", "five"],
        "year" => &[
            "2009", "2012", "2015", "2017", "2018", "2019", "2020", "2021", "2022", "2023",
        ],
        "role_sig" => &[
            "Mum of 2",
            "Dad of 3",
            "Wife, mum, tired",
            "Retired teacher",
            "Night nurse",
            "Grandad x5",
            "Mom of a teen",
        ],
        "age_plain" => &["70", "74", "78", "81", "67"],
        _ => return None,
    })
}
