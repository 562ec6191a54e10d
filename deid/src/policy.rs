//! What to remove and how: the `[deid]` table of `hearken.toml`.
//!
//! The default removes everything. An operator can only turn kinds *off* (a study that needs dates,
//! say), add words that must survive (a trial or drug name that looks like a surname), add patterns
//! for identifiers the built-in rules cannot know (a site's own record-number format), and choose
//! numbered surrogates over plain placeholders. There is deliberately no switch that turns off the
//! stage as a whole: a policy with every kind disabled is possible, but it has to be written out.

use serde::{Deserialize, Serialize};

use crate::IdentifierKind;

/// The de-identification policy.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    /// Kinds NOT to remove. Empty by default: every kind is removed.
    pub disabled: Vec<IdentifierKind>,
    /// Words or phrases that are never redacted, matched case-insensitively on word boundaries
    /// (drug or trial names that look like names, e.g. "Keytruda" or "Summit").
    pub allow: Vec<String>,
    /// Extra patterns for identifiers the built-in rules do not know.
    pub extra_patterns: Vec<ExtraPattern>,
    /// `false` (default): typed placeholders such as `[NAME]`. `true`: numbered surrogates that stay
    /// consistent within one document (`[NAME-1]` … `[NAME-1]`, `[NAME-2]`), never the original.
    pub surrogates: bool,
}

/// An operator-supplied pattern for an identifier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExtraPattern {
    /// A name for the pattern, used in error messages (the pattern itself never is).
    pub name: String,
    /// A regular expression (Rust `regex` syntax); every match is removed.
    pub pattern: String,
    /// The kind that matches are counted and replaced as.
    pub kind: IdentifierKind,
}

impl Policy {
    /// Whether the policy removes identifiers of `kind`.
    pub fn removes(&self, kind: IdentifierKind) -> bool {
        !self.disabled.contains(&kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_removes_everything() {
        let p = Policy::default();
        for kind in IdentifierKind::ALL {
            assert!(p.removes(kind), "{kind}");
        }
        assert!(!p.surrogates);
    }

    #[test]
    fn parses_from_toml_and_round_trips() {
        let text = r#"
disabled = ["date", "age"]
allow = ["Keytruda", "Summit trial"]
surrogates = true

[[extra_patterns]]
name = "site mrn"
pattern = "HK-[0-9]{6}"
kind = "medical_record"
"#;
        let p: Policy = toml::from_str(text).unwrap();
        assert_eq!(p.disabled, vec![IdentifierKind::Date, IdentifierKind::Age]);
        assert!(!p.removes(IdentifierKind::Date));
        assert!(p.removes(IdentifierKind::Name));
        assert_eq!(p.extra_patterns[0].kind, IdentifierKind::MedicalRecord);
        let back: Policy = toml::from_str(&toml::to_string(&p).unwrap()).unwrap();
        assert_eq!(back, p);
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = toml::from_str::<Policy>("surrogate = true").unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");
        let err = toml::from_str::<Policy>("disabled = [\"names\"]").unwrap_err();
        assert!(err.to_string().contains("unknown variant"), "{err}");
    }

    #[test]
    fn empty_table_is_the_default() {
        let p: Policy = toml::from_str("").unwrap();
        assert_eq!(p, Policy::default());
    }
}
