//! Stage 3, de-identify: the privacy boundary.
//!
//! Everything before this stage holds raw text in memory; everything after
//! it sees only de-identified text. The stage removes the HIPAA Safe Harbor
//! identifiers (and social handles and profile links) from the body, the
//! title and the plugin's extra values, using `hearken_deid`; it replaces the
//! author's handle with a keyed pseudonym; and it keeps the count of what it
//! removed, per identifier type, for the audit.
//!
//! Names the caller knows belong to people — the author of every record in
//! the same batch, which for a transcript is every speaker — are removed
//! wherever they occur, so "thanks Dana" in one speaker's turn loses Dana's
//! name even when no rule would have recognised it.

use std::collections::BTreeMap;

use hearken_deid::{Deidentifier, PseudonymKey};

/// The de-identifier and the pseudonym key, built once.
#[derive(Debug)]
pub struct DeidStage {
    /// Removes identifiers.
    pub deid: Deidentifier,
    /// Turns handles into pseudonyms.
    pub key: PseudonymKey,
}

/// The raw fields of a record that carry text.
#[derive(Debug)]
pub struct RawFields<'a> {
    /// Normalized body.
    pub body: &'a str,
    /// Normalized title.
    pub title: Option<&'a str>,
    /// Extra key/values.
    pub extra: &'a [(String, String)],
    /// Author handle.
    pub author: Option<&'a str>,
}

/// The same fields, de-identified.
#[derive(Debug, Clone, PartialEq)]
pub struct Deidentified {
    /// Body without identifiers.
    pub body: String,
    /// Title without identifiers.
    pub title: Option<String>,
    /// Extra values without identifiers (keys are plugin-chosen names).
    pub extra: BTreeMap<String, String>,
    /// The author's keyed pseudonym.
    pub author: Option<String>,
    /// Identifiers removed, by type.
    pub redactions: BTreeMap<String, u32>,
}

/// De-identify one record's text fields. `known_names` are names of people
/// in the record's context (see the module docs); `source` scopes the
/// pseudonym.
pub fn deidentify(stage: &DeidStage, source: &str, raw: &RawFields<'_>, known_names: &[&str]) -> Deidentified {
    let mut redactions: BTreeMap<String, u32> = BTreeMap::new();
    let mut redact = |text: &str| {
        let r = stage.deid.redact(text, known_names);
        for (kind, n) in &r.counts {
            *redactions.entry(kind.as_str().to_string()).or_default() += n;
        }
        r.text
    };
    let body = redact(raw.body);
    let title = raw.title.map(&mut redact);
    let extra = raw.extra.iter().map(|(k, v)| (k.clone(), redact(v))).collect();
    let author = raw.author.filter(|a| !a.trim().is_empty()).map(|a| stage.key.pseudonym(source, a));
    Deidentified { body, title, extra, author, redactions }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearken_deid::Policy;

    fn stage() -> DeidStage {
        DeidStage { deid: Deidentifier::new(&Policy::default()).unwrap(), key: PseudonymKey::from_bytes([7; 32]) }
    }

    #[test]
    fn removes_identifiers_from_every_field_and_pseudonymises_the_author() {
        let s = stage();
        let extra = vec![("signature".to_string(), "call me on 555-201-7788".to_string())];
        let raw = RawFields {
            body: "Dana said the site is at 14 Larkspur Lane. Email me: jen.k@example.com",
            title: Some("Question for Dana"),
            extra: &extra,
            author: Some("jen_k82"),
        };
        let out = deidentify(&s, "forum", &raw, &["Dana"]);
        for leaked in ["Dana", "Larkspur", "jen.k@example.com", "555-201-7788", "jen_k82"] {
            assert!(!out.body.contains(leaked), "{leaked} in {}", out.body);
            assert!(!out.title.as_deref().unwrap_or("").contains(leaked));
            assert!(!out.extra["signature"].contains(leaked));
        }
        let author = out.author.clone().unwrap();
        assert_eq!(Some(author.clone()), deidentify(&s, "forum", &raw, &["Dana"]).author);
        assert_ne!(Some(author), deidentify(&s, "other-forum", &raw, &["Dana"]).author);
        assert!(out.redactions.get("email").copied().unwrap_or(0) >= 1, "{:?}", out.redactions);
        assert!(out.redactions.get("phone").copied().unwrap_or(0) >= 1, "{:?}", out.redactions);
    }
}
