//! The codebook: what recruitment and retention teams mean by a "theme", a
//! journey stage and a persona cue, written down as data.
//!
//! # Why a TOML codebook
//!
//! Qualitative researchers work from a codebook: each code has a name, a
//! definition, the words that signal it, and what to do about it. Hearken
//! ships one for clinical-trial recruitment and retention
//! (`analysis/codebook/trial.toml`, embedded with `include_str!`) and lets a
//! team replace it in config ([`Codebook::from_toml_str`]) without a
//! rebuild. The same file holds the journey-stage and persona-cue terms and
//! the negation rules, so one document says everything the matcher will do.
//!
//! # Terms
//!
//! A term is written the way patients write it ("3 hour drive",
//! "took the day off", "the app kept crashing"). It is tokenised, case-folded
//! and stemmed exactly like the text (see [`crate::text`]), so one entry
//! covers inflections ("travelling", "traveled") and line wraps, and digits
//! stand for any number. Two kinds:
//!
//! * `terms` assign the theme on their own;
//! * `context` rules hold words that are themes **only in context**: each
//!   word in `terms` counts only when a word in `with` occurs in the same
//!   sentence. "drive" is a travel burden next to "site" or "visit", not in
//!   "I drive a truck"; "trial" is never a theme by itself and appears only
//!   as context.
//!
//! # Validation
//!
//! Parsing is strict (`deny_unknown_fields`: a typo in a field name is an
//! error, not a silently ignored setting), and validation collects every
//! problem in the file before failing, each naming its theme, stage or cue.

use std::collections::HashSet;

use serde::Deserialize;

use crate::AnalysisError;
use crate::journey::Stage;

/// The built-in codebook's TOML source.
pub const TRIAL_CODEBOOK_TOML: &str = include_str!("../codebook/trial.toml");

/// Whether a theme mainly keeps people out of trials or draws them in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Polarity {
    /// Keeps people from joining or staying.
    Barrier,
    /// Draws people in or keeps them.
    Motivator,
    /// Either, depending on how it is spoken of.
    Mixed,
}

impl Polarity {
    /// `barrier`, `motivator` or `mixed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Polarity::Barrier => "barrier",
            Polarity::Motivator => "motivator",
            Polarity::Mixed => "mixed",
        }
    }
}

/// Words that count only in context.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContextRule {
    /// Words or phrases that count only when one of `with` is in the same
    /// sentence.
    pub terms: Vec<String>,
    /// The context words or phrases.
    pub with: Vec<String>,
}

/// One theme of the codebook.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Theme {
    /// Stable id, lower snake case, e.g. `travel_burden`.
    pub id: String,
    /// Human label, e.g. "Travel and visit burden".
    pub label: String,
    /// One-line definition: what counts as this theme.
    pub definition: String,
    /// Barrier, motivator or mixed.
    pub polarity: Polarity,
    /// Terms and phrases that assign the theme on their own.
    pub terms: Vec<String>,
    /// Words that assign the theme only in context.
    #[serde(default)]
    pub context: Vec<ContextRule>,
    /// Engagement tactics a team can use against (or with) this theme.
    #[serde(default)]
    pub tactics: Vec<String>,
}

/// The terms that signal one journey stage.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StageCues {
    /// The stage.
    pub stage: Stage,
    /// Terms that signal it on their own.
    pub terms: Vec<String>,
    /// Words that signal it only in context.
    #[serde(default)]
    pub context: Vec<ContextRule>,
}

/// The kinds of persona cue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CueKind {
    /// patient, caregiver, clinician.
    Role,
    /// student, working parent, retiree, ….
    LifeStage,
    /// A decade band from a stated age. Found by built-in patterns, not
    /// codebook terms.
    AgeBand,
    /// How the author prefers to be reached.
    Channel,
    /// An accessibility need.
    Accessibility,
}

impl CueKind {
    /// `role`, `life_stage`, `age_band`, `channel` or `accessibility`.
    pub fn as_str(self) -> &'static str {
        match self {
            CueKind::Role => "role",
            CueKind::LifeStage => "life_stage",
            CueKind::AgeBand => "age_band",
            CueKind::Channel => "channel",
            CueKind::Accessibility => "accessibility",
        }
    }
}

/// The terms that signal one persona cue value.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CueRule {
    /// The kind of cue (not `age_band`, which is pattern-based).
    pub kind: CueKind,
    /// The value, lower snake case, e.g. `caregiver`, `text_message`.
    pub value: String,
    /// Terms that signal it on their own.
    pub terms: Vec<String>,
    /// Words that signal it only in context.
    #[serde(default)]
    pub context: Vec<ContextRule>,
}

/// Negation scope rules (see [`crate::themes`] for how they apply).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NegationRules {
    /// Words that open a negation scope over the terms shortly after them
    /// ("no", "never", "didn't", …), matched case-folded, unstemmed.
    pub cues: Vec<String>,
    /// Phrases that contain a cue but do not negate ("no idea",
    /// "don't want", "not sure"): their words never open a scope.
    #[serde(default)]
    pub pseudo: Vec<String>,
    /// Phrases that negate a term shortly *before* them ("wasn't an issue",
    /// "was no problem", "none").
    #[serde(default)]
    pub post: Vec<String>,
    /// Words that close a scope ("but", "however", …).
    #[serde(default)]
    pub breakers: Vec<String>,
    /// Words that make a following cue in the same clause hypothetical
    /// rather than a denial ("if", "unless", "wish"): "I'd join if there
    /// was no placebo" raises the placebo worry it seems to negate.
    #[serde(default)]
    pub conditionals: Vec<String>,
    /// How many tokens may lie between a cue and the term it negates (and
    /// between a term and a post-negation phrase).
    #[serde(default = "default_window")]
    pub window: usize,
}

const fn default_window() -> usize {
    3
}

impl Default for NegationRules {
    fn default() -> Self {
        NegationRules {
            cues: Vec::new(),
            pseudo: Vec::new(),
            post: Vec::new(),
            breakers: Vec::new(),
            conditionals: Vec::new(),
            window: default_window(),
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CodebookFile {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    negation: NegationRules,
    #[serde(default)]
    themes: Vec<Theme>,
    #[serde(default)]
    stages: Vec<StageCues>,
    #[serde(default)]
    cues: Vec<CueRule>,
}

/// A validated codebook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Codebook {
    name: String,
    description: String,
    origin: String,
    negation: NegationRules,
    themes: Vec<Theme>,
    stages: Vec<StageCues>,
    cues: Vec<CueRule>,
}

impl Codebook {
    /// The built-in codebook for trial recruitment and retention.
    pub fn default_trial() -> Codebook {
        match Codebook::from_toml_str(TRIAL_CODEBOOK_TOML, "built-in trial codebook") {
            Ok(c) => c,
            // The file is embedded at build time and a unit test parses it,
            // so this cannot happen in a released build.
            Err(e) => panic!("{e}"),
        }
    }

    /// Parse and validate a codebook. `origin` names it in errors (a path,
    /// or a description such as `config [codebook]`).
    pub fn from_toml_str(src: &str, origin: &str) -> Result<Codebook, AnalysisError> {
        let file: CodebookFile = toml::from_str(src).map_err(|e| AnalysisError::CodebookParse {
            origin: origin.to_string(),
            source: Box::new(e),
        })?;
        let problems = validate(&file);
        if !problems.is_empty() {
            return Err(AnalysisError::CodebookInvalid {
                origin: origin.to_string(),
                problems,
            });
        }
        Ok(Codebook {
            name: file.name,
            description: file.description,
            origin: origin.to_string(),
            negation: file.negation,
            themes: file.themes,
            stages: file.stages,
            cues: file.cues,
        })
    }

    /// The codebook's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The codebook's description.
    pub fn description(&self) -> &str {
        &self.description
    }

    /// Where the codebook came from, as given to
    /// [`from_toml_str`](Self::from_toml_str).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The themes, in codebook order.
    pub fn themes(&self) -> &[Theme] {
        &self.themes
    }

    /// The theme with this id.
    pub fn theme(&self, id: &str) -> Option<&Theme> {
        self.themes.iter().find(|t| t.id == id)
    }

    /// The journey-stage cues.
    pub fn stages(&self) -> &[StageCues] {
        &self.stages
    }

    /// The persona-cue rules.
    pub fn cues(&self) -> &[CueRule] {
        &self.cues
    }

    /// The negation rules.
    pub fn negation(&self) -> &NegationRules {
        &self.negation
    }

    /// Every term of every theme, stage and cue, including the words of
    /// context rules but not their `with` words: what "covered by the
    /// codebook" means for emergent keyphrases. (`with` words such as
    /// "site", "infusion" or "trial" are not themes on their own, so a
    /// phrase built on them, like "infusion chair", can still be new.)
    pub fn covered_terms(&self) -> impl Iterator<Item = &str> {
        fn rule_terms<'a>(
            terms: &'a [String],
            context: &'a [ContextRule],
        ) -> impl Iterator<Item = &'a str> {
            terms
                .iter()
                .chain(context.iter().flat_map(|c| c.terms.iter()))
                .map(String::as_str)
        }
        self.themes
            .iter()
            .flat_map(|t| rule_terms(&t.terms, &t.context))
            .chain(
                self.stages
                    .iter()
                    .flat_map(|s| rule_terms(&s.terms, &s.context)),
            )
            .chain(
                self.cues
                    .iter()
                    .flat_map(|c| rule_terms(&c.terms, &c.context)),
            )
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

fn check_terms(what: &str, terms: &[String], context: &[ContextRule], problems: &mut Vec<String>) {
    if terms.is_empty() && context.is_empty() {
        problems.push(format!("{what}: has no `terms` and no `context` rules"));
    }
    let check = |field: &str, t: &str, problems: &mut Vec<String>| {
        if crate::text::pattern(t).is_none() {
            problems.push(format!("{what}: {field} entry {t:?} has no words"));
        }
    };
    for t in terms {
        check("`terms`", t, problems);
    }
    for (i, c) in context.iter().enumerate() {
        if c.terms.is_empty() || c.with.is_empty() {
            problems.push(format!(
                "{what}: context rule {} needs both `terms` and `with`",
                i + 1
            ));
        }
        for t in &c.terms {
            check("context `terms`", t, problems);
        }
        for t in &c.with {
            check("context `with`", t, problems);
        }
    }
}

fn validate(file: &CodebookFile) -> Vec<String> {
    let mut problems = Vec::new();
    if file.name.trim().is_empty() {
        problems.push("`name` is empty".to_string());
    }
    let n = &file.negation;
    if n.window == 0 || n.window > 10 {
        problems.push(format!(
            "[negation] `window` must be 1..=10, is {}",
            n.window
        ));
    }
    for (field, list) in [
        ("cues", &n.cues),
        ("breakers", &n.breakers),
        ("conditionals", &n.conditionals),
    ] {
        for w in list {
            if w.trim().is_empty() || w.contains(char::is_whitespace) {
                problems.push(format!("[negation] `{field}` entry {w:?} must be one word"));
            }
        }
    }
    for (field, list) in [("pseudo", &n.pseudo), ("post", &n.post)] {
        for w in list {
            if crate::text::pattern(w).is_none() {
                problems.push(format!("[negation] `{field}` entry {w:?} has no words"));
            }
        }
    }
    let mut ids = HashSet::new();
    for (i, t) in file.themes.iter().enumerate() {
        let what = format!("theme {} (`{}`)", i + 1, t.id);
        if !is_id(&t.id) {
            problems.push(format!(
                "{what}: `id` must be lower case letters, digits, `_` or `-`"
            ));
        }
        if !ids.insert(t.id.as_str()) {
            problems.push(format!("{what}: duplicate `id`"));
        }
        if t.label.trim().is_empty() {
            problems.push(format!("{what}: `label` is empty"));
        }
        if t.definition.trim().is_empty() || t.definition.contains('\n') {
            problems.push(format!("{what}: `definition` must be one non-empty line"));
        }
        check_terms(&what, &t.terms, &t.context, &mut problems);
    }
    let mut stages = HashSet::new();
    for s in &file.stages {
        let what = format!("stage `{}`", s.stage.as_str());
        if !stages.insert(s.stage) {
            problems.push(format!("{what}: listed twice"));
        }
        check_terms(&what, &s.terms, &s.context, &mut problems);
    }
    let mut cues = HashSet::new();
    for c in &file.cues {
        let what = format!("cue `{}:{}`", c.kind.as_str(), c.value);
        if c.kind == CueKind::AgeBand {
            problems.push(format!(
                "{what}: age bands come from the built-in age patterns, not codebook terms"
            ));
        }
        if !is_id(&c.value) {
            problems.push(format!(
                "{what}: `value` must be lower case letters, digits, `_` or `-`"
            ));
        }
        if !cues.insert((c.kind, c.value.as_str())) {
            problems.push(format!("{what}: listed twice"));
        }
        check_terms(&what, &c.terms, &c.context, &mut problems);
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trial_codebook_parses_and_covers_the_required_themes() {
        let cb = Codebook::default_trial();
        for id in [
            "travel_burden",
            "cost_compensation",
            "side_effects_safety",
            "placebo_randomisation",
            "trust",
            "information_consent",
            "eligibility_screening",
            "time_work",
            "caregiving_family",
            "childcare",
            "digital_burden",
            "accessibility",
            "language_barriers",
            "privacy_data",
            "altruism",
            "hope_access",
            "site_staff",
            "results_back",
            "representation",
            "withdrawal_reasons",
        ] {
            let t = cb.theme(id).unwrap_or_else(|| panic!("missing theme {id}"));
            assert!(t.terms.len() >= 10, "{id} has only {} terms", t.terms.len());
            assert!(!t.tactics.is_empty(), "{id} has no tactics");
        }
        let stages: HashSet<Stage> = cb.stages().iter().map(|s| s.stage).collect();
        assert_eq!(stages.len(), 7);
        let kinds: HashSet<CueKind> = cb.cues().iter().map(|c| c.kind).collect();
        for k in [
            CueKind::Role,
            CueKind::LifeStage,
            CueKind::Channel,
            CueKind::Accessibility,
        ] {
            assert!(kinds.contains(&k), "no {k:?} cues");
        }
    }

    #[test]
    fn unknown_fields_are_rejected_with_a_location() {
        let err = Codebook::from_toml_str(
            "name = \"x\"\n[[themes]]\nid = \"a\"\nlabel = \"A\"\ndefinition = \"d\"\npolarity = \"barrier\"\nterms = [\"x\"]\ntactic = []\n",
            "test.toml",
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("test.toml") && msg.contains("tactic") && msg.contains("line 8"),
            "{msg}"
        );
    }

    #[test]
    fn conditional_words_must_be_single_words() {
        let src = "name = \"x\"\n[negation]\ncues = [\"no\"]\nconditionals = [\"if\", \"as if\"]\n[[themes]]\nid = \"a\"\nlabel = \"A\"\ndefinition = \"d\"\npolarity = \"barrier\"\nterms = [\"x\"]\n";
        let Err(AnalysisError::CodebookInvalid { problems, .. }) =
            Codebook::from_toml_str(src, "t")
        else {
            panic!("expected an invalid codebook");
        };
        assert_eq!(
            problems,
            ["[negation] `conditionals` entry \"as if\" must be one word"]
        );
        let cb = Codebook::default_trial();
        assert!(cb.negation().conditionals.iter().any(|w| w == "if"));
    }

    #[test]
    fn every_problem_is_reported() {
        let src = r#"
name = "x"
[[themes]]
id = "Bad Id"
label = ""
definition = "two\nlines"
polarity = "mixed"
terms = ["ok", "..."]
[[themes]]
id = "dup"
label = "D"
definition = "d"
polarity = "barrier"
terms = ["a"]
[[themes]]
id = "dup"
label = "D"
definition = "d"
polarity = "barrier"
terms = []
[[cues]]
kind = "age_band"
value = "30-39"
terms = ["thirty"]
"#;
        let Err(AnalysisError::CodebookInvalid { problems, .. }) =
            Codebook::from_toml_str(src, "t")
        else {
            panic!("expected an invalid codebook");
        };
        let all = problems.join("\n");
        for needle in [
            "`id` must be",
            "`label` is empty",
            "one non-empty line",
            "\"...\" has no words",
            "duplicate `id`",
            "no `terms`",
            "age bands",
        ] {
            assert!(all.contains(needle), "missing {needle:?} in:\n{all}");
        }
    }
}
