//! Which language a text is in — or the honest answer that we cannot tell.
//!
//! VADER and the codebook are English. A Spanish post scored by VADER gets a
//! number that means nothing, and a researcher quoting "38% negative" cannot
//! see that some of the 38% were never read. So every document gets a
//! language, and the rule is **never a confident wrong guess**: short or
//! unclear text gets the fallback (`und` unless configured), not the
//! detector's best try.
//!
//! # How
//!
//! 1. Strip what is not language: URLs, `@handles`, `#hashtags`,
//!    de-identification placeholders (`[NAME]`), emoji and emoticons.
//! 2. If fewer than `min_chars` letters remain, answer the fallback.
//! 3. Run [whatlang](whatlang) on the first 300 bytes of what is left,
//!    restricted to an allowlist. A deployment
//!    names the languages it expects (`expected`, ISO 639-1, default
//!    `["en"]`), but **the allowlist is the expected languages plus a fixed
//!    contrast set** of widely written languages (Spanish, French,
//!    Portuguese, German, Chinese, Arabic, …). With an allowlist of English
//!    alone, whatlang has one candidate and reports it with confidence 1.0
//!    for any Latin-script text: exactly the confident wrong guess this
//!    module exists to prevent. The contrast languages give it something to
//!    weigh English against.
//! 4. The reported `code` is always an expected language or the fallback:
//!    an expected language when whatlang picks it and calls the result
//!    reliable (its confidence above 0.9), the fallback otherwise. When
//!    whatlang reliably picks a language that is *not* expected, the code is
//!    the fallback and [`LanguageGuess::unexpected`] says which language it
//!    was, so a caller can leave that text unscored rather than treat it as
//!    merely unknown.

use serde::{Deserialize, Serialize};
use whatlang::{Detector, Lang};

use crate::AnalysisError;

/// ISO 639-1 codes of the languages whatlang knows.
const ISO1: &[(&str, Lang)] = &[
    ("eo", Lang::Epo),
    ("en", Lang::Eng),
    ("ru", Lang::Rus),
    ("zh", Lang::Cmn),
    ("es", Lang::Spa),
    ("pt", Lang::Por),
    ("it", Lang::Ita),
    ("bn", Lang::Ben),
    ("fr", Lang::Fra),
    ("de", Lang::Deu),
    ("uk", Lang::Ukr),
    ("ka", Lang::Kat),
    ("ar", Lang::Ara),
    ("hi", Lang::Hin),
    ("ja", Lang::Jpn),
    ("he", Lang::Heb),
    ("yi", Lang::Yid),
    ("pl", Lang::Pol),
    ("am", Lang::Amh),
    ("jv", Lang::Jav),
    ("ko", Lang::Kor),
    ("nb", Lang::Nob),
    ("da", Lang::Dan),
    ("sv", Lang::Swe),
    ("fi", Lang::Fin),
    ("tr", Lang::Tur),
    ("nl", Lang::Nld),
    ("hu", Lang::Hun),
    ("cs", Lang::Ces),
    ("el", Lang::Ell),
    ("bg", Lang::Bul),
    ("be", Lang::Bel),
    ("mr", Lang::Mar),
    ("kn", Lang::Kan),
    ("ro", Lang::Ron),
    ("sl", Lang::Slv),
    ("hr", Lang::Hrv),
    ("sr", Lang::Srp),
    ("mk", Lang::Mkd),
    ("lt", Lang::Lit),
    ("lv", Lang::Lav),
    ("et", Lang::Est),
    ("ta", Lang::Tam),
    ("vi", Lang::Vie),
    ("ur", Lang::Urd),
    ("th", Lang::Tha),
    ("gu", Lang::Guj),
    ("uz", Lang::Uzb),
    ("pa", Lang::Pan),
    ("az", Lang::Aze),
    ("id", Lang::Ind),
    ("te", Lang::Tel),
    ("fa", Lang::Pes),
    ("ml", Lang::Mal),
    ("or", Lang::Ori),
    ("my", Lang::Mya),
    ("ne", Lang::Nep),
    ("si", Lang::Sin),
    ("km", Lang::Khm),
    ("tk", Lang::Tuk),
    ("ak", Lang::Aka),
    ("zu", Lang::Zul),
    ("sn", Lang::Sna),
    ("af", Lang::Afr),
    ("la", Lang::Lat),
    ("sk", Lang::Slk),
    ("ca", Lang::Cat),
    ("tl", Lang::Tgl),
    ("hy", Lang::Hye),
    ("cy", Lang::Cym),
];

/// The contrast set always in the allowlist (see the module docs). For
/// Latin-script text whatlang's cost grows with the number of allowed Latin
/// languages, so the Latin part is the twelve most likely to turn up in
/// English-language patient forums; other scripts cost nothing on Latin
/// text.
const CONTRAST: &[Lang] = &[
    Lang::Eng,
    Lang::Spa,
    Lang::Fra,
    Lang::Por,
    Lang::Deu,
    Lang::Ita,
    Lang::Nld,
    Lang::Pol,
    Lang::Tur,
    Lang::Vie,
    Lang::Ind,
    Lang::Tgl,
    Lang::Rus,
    Lang::Ukr,
    Lang::Ara,
    Lang::Hin,
    Lang::Cmn,
    Lang::Jpn,
    Lang::Kor,
    Lang::Heb,
    Lang::Ell,
    Lang::Pes,
    Lang::Urd,
    Lang::Ben,
    Lang::Tha,
];

/// How much cleaned text whatlang sees, in bytes (cut back to a word
/// boundary). whatlang's cost is mostly linear in its input, and 300 bytes
/// (some fifty words) is far past the length at which it is reliable; a
/// post that changes language after its first fifty words is rare, and
/// then the first language is the post's.
const SAMPLE_BYTES: usize = 300;

/// Language detection settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LanguageConfig {
    /// ISO 639-1 codes of the languages this deployment expects, e.g.
    /// `["en"]` or `["en", "es"]`. Only these are ever reported.
    #[serde(default = "default_expected")]
    pub expected: Vec<String>,
    /// The code reported when detection is not reliable or finds a language
    /// that is not expected (default `und`; a source whose language is known
    /// can set its own).
    #[serde(default = "default_fallback")]
    pub fallback: String,
    /// Texts with fewer letters than this (after URLs, handles, hashtags,
    /// placeholders and emoji are stripped) get the fallback without asking
    /// the detector.
    #[serde(default = "default_min_chars")]
    pub min_chars: usize,
}

fn default_expected() -> Vec<String> {
    vec!["en".to_string()]
}

fn default_fallback() -> String {
    "und".to_string()
}

const fn default_min_chars() -> usize {
    20
}

impl Default for LanguageConfig {
    fn default() -> Self {
        LanguageConfig {
            expected: default_expected(),
            fallback: default_fallback(),
            min_chars: default_min_chars(),
        }
    }
}

/// The outcome of detection.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LanguageGuess {
    /// An expected ISO 639-1 code, or the fallback.
    pub code: String,
    /// whatlang's confidence in its pick, in [0, 1] (0 when the detector was
    /// not asked).
    pub confidence: f64,
    /// Whether `code` is a detected expected language (false for the
    /// fallback).
    pub reliable: bool,
    /// A language outside `expected` that whatlang picked reliably (ISO
    /// 639-1), in which case `code` is the fallback.
    pub unexpected: Option<String>,
}

impl LanguageGuess {
    /// Whether English-only analysis (VADER) applies: the text is English,
    /// or of unknown language with no other language reliably detected
    /// (short English posts such as "Thanks all!" land there).
    pub fn english_or_unknown(&self) -> bool {
        self.unexpected.is_none() && (self.code == "en" || !self.reliable)
    }
}

/// A compiled detector for one [`LanguageConfig`].
#[derive(Debug, Clone)]
pub struct LanguageDetector {
    detector: Detector,
    expected: Vec<Lang>,
    fallback: String,
    min_chars: usize,
}

impl LanguageDetector {
    /// Build a detector; fails if an expected code is not an ISO 639-1 code
    /// whatlang supports.
    pub fn new(cfg: &LanguageConfig) -> Result<Self, AnalysisError> {
        let mut expected = Vec::new();
        for code in &cfg.expected {
            match from_iso1(code) {
                Some(l) => expected.push(l),
                None => return Err(AnalysisError::UnknownLanguage { code: code.clone() }),
            }
        }
        Ok(Self::from_langs(expected, cfg))
    }

    fn from_langs(expected: Vec<Lang>, cfg: &LanguageConfig) -> Self {
        let mut allow: Vec<Lang> = CONTRAST.to_vec();
        for l in &expected {
            if !allow.contains(l) {
                allow.push(*l);
            }
        }
        LanguageDetector {
            detector: Detector::with_allowlist(allow),
            expected,
            fallback: cfg.fallback.clone(),
            min_chars: cfg.min_chars,
        }
    }

    /// Detect the language of `text`.
    pub fn detect(&self, text: &str) -> LanguageGuess {
        let fallback = |confidence: f64, unexpected: Option<String>| LanguageGuess {
            code: self.fallback.clone(),
            confidence,
            reliable: false,
            unexpected,
        };
        let clean = strip_noise(text);
        if clean.chars().filter(|c| c.is_alphabetic()).count() < self.min_chars {
            return fallback(0.0, None);
        }
        let sample = if clean.len() <= SAMPLE_BYTES {
            clean.as_str()
        } else {
            let mut cut = SAMPLE_BYTES;
            while !clean.is_char_boundary(cut) {
                cut -= 1;
            }
            let head = &clean[..cut];
            head.rfind(' ').map_or(head, |sp| &head[..sp])
        };
        let Some(info) = self.detector.detect(sample) else {
            return fallback(0.0, None);
        };
        let conf = info.confidence();
        if !info.is_reliable() {
            return fallback(conf, None);
        }
        if self.expected.contains(&info.lang()) {
            LanguageGuess {
                code: to_iso1(info.lang()).to_string(),
                confidence: conf,
                reliable: true,
                unexpected: None,
            }
        } else {
            fallback(conf, Some(to_iso1(info.lang()).to_string()))
        }
    }
}

/// One-off detection. Expected codes whatlang does not know are ignored
/// (use [`LanguageDetector::new`] to have them rejected); for many texts
/// build a [`LanguageDetector`] once.
pub fn detect(text: &str, cfg: &LanguageConfig) -> LanguageGuess {
    let expected = cfg.expected.iter().filter_map(|c| from_iso1(c)).collect();
    LanguageDetector::from_langs(expected, cfg).detect(text)
}

fn from_iso1(code: &str) -> Option<Lang> {
    let code = code.trim().to_ascii_lowercase();
    ISO1.iter().find(|(c, _)| *c == code).map(|(_, l)| *l)
}

fn to_iso1(lang: Lang) -> &'static str {
    ISO1.iter()
        .find(|(_, l)| *l == lang)
        .map_or(lang.code(), |(c, _)| c)
}

/// The text without URLs, handles, hashtags, placeholders, emoji and
/// emoticons, words separated by single spaces.
pub(crate) fn strip_noise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        let w = word.trim_start_matches(['(', '"', '\'', '“']);
        let lower_starts = |p: &str| {
            w.len() >= p.len() && w.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes())
        };
        if lower_starts("http://") || lower_starts("https://") || lower_starts("www.") {
            continue;
        }
        if w.starts_with('@') || w.starts_with('#') {
            continue;
        }
        if crate::sentences::is_emoticon(w.trim_end_matches(['.', ',', '!', '?'])) {
            continue;
        }
        let mut rest = word;
        while !rest.is_empty() {
            if rest.starts_with('[')
                && let Some(close) = rest.find(']')
            {
                let inner = &rest[1..close];
                if !inner.is_empty()
                    && inner
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b == b'_' || b.is_ascii_digit())
                {
                    rest = &rest[close + 1..];
                    continue;
                }
            }
            let Some(c) = rest.chars().next() else {
                break;
            };
            if !crate::sentences::is_emoji(c) && !matches!(c as u32, 0xFE0F | 0x200D) {
                out.push(c);
            }
            rest = &rest[c.len_utf8()..];
        }
        out.push(' ');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const EN: &str = "I was really nervous about the screening visit but the nurse explained everything and the drive was not as bad as I thought.";
    const ES: &str = "Estaba muy nerviosa por la visita de selección, pero la enfermera me explicó todo y el viaje no fue tan malo como pensaba.";

    fn en_only() -> LanguageDetector {
        LanguageDetector::new(&LanguageConfig::default()).unwrap()
    }

    #[test]
    fn english_post_is_english() {
        let g = en_only().detect(EN);
        assert_eq!((g.code.as_str(), g.reliable), ("en", true), "{g:?}");
        assert!(g.english_or_unknown());
    }

    #[test]
    fn an_unexpected_language_is_not_forced_into_english() {
        let g = en_only().detect(ES);
        assert_eq!(g.code, "und", "{g:?}");
        assert!(!g.reliable);
        assert_eq!(g.unexpected.as_deref(), Some("es"));
        assert!(!g.english_or_unknown());
    }

    #[test]
    fn expected_languages_are_reported() {
        let cfg = LanguageConfig {
            expected: vec!["en".into(), "es".into()],
            ..LanguageConfig::default()
        };
        let d = LanguageDetector::new(&cfg).unwrap();
        assert_eq!(d.detect(ES).code, "es");
        assert_eq!(d.detect(EN).code, "en");
    }

    #[test]
    fn short_text_gets_the_fallback() {
        for t in [
            "ok thx",
            "Same here!!",
            "lol yes",
            "Thanks all :)",
            "Gracias!",
        ] {
            let g = en_only().detect(t);
            assert_eq!(g.code, "und", "{t}: {g:?}");
            assert!(!g.reliable);
        }
        let cfg = LanguageConfig {
            fallback: "en".into(),
            ..LanguageConfig::default()
        };
        assert_eq!(detect("ok thx", &cfg).code, "en");
    }

    #[test]
    fn noise_is_stripped_before_detection() {
        let noisy = "@[NAME] #clinicaltrials https://example.org/estudio?id=1 www.ejemplo.es 😊🎉 :) [NAME] [PHONE]";
        assert_eq!(strip_noise(noisy).trim(), "");
        let g = en_only().detect(noisy);
        assert_eq!((g.code.as_str(), g.confidence), ("und", 0.0));
        let g = en_only().detect(&format!("{noisy} {EN} {noisy}"));
        assert_eq!(g.code, "en");
    }

    #[test]
    fn mixed_text_is_never_confidently_the_minority_language() {
        let mostly_en = format!(
            "{EN} The coordinator said gracias and adiós at the end of every visit, which was sweet."
        );
        assert_eq!(en_only().detect(&mostly_en).code, "en");
        let mostly_es = format!("{ES} My doctor said the trial is ok.");
        assert_eq!(en_only().detect(&mostly_es).code, "und");
    }

    #[test]
    fn unknown_expected_codes_are_rejected() {
        let cfg = LanguageConfig {
            expected: vec!["xx".into()],
            ..LanguageConfig::default()
        };
        let err = LanguageDetector::new(&cfg).unwrap_err();
        assert!(err.to_string().contains("`xx`"), "{err}");
        assert_eq!(detect(EN, &cfg).code, "und");
    }

    #[test]
    fn config_rejects_unknown_fields() {
        let err =
            toml::from_str::<LanguageConfig>("expected = [\"en\"]\nfalback = \"en\"").unwrap_err();
        assert!(err.to_string().contains("falback"), "{err}");
        let cfg: LanguageConfig = toml::from_str("").unwrap();
        assert_eq!(cfg, LanguageConfig::default());
    }
}
