//! The kinds of identifier the stage removes.
//!
//! The list follows the eighteen HIPAA Safe Harbor identifiers (45 CFR 164.514(b)(2)) as far as they
//! can occur in free text, split where an auditor wants separate counts (phone and fax; the several
//! kinds of record number), plus what public patient talk adds: social handles and profile links.
//! Photographs and biometrics cannot occur in text and have no kind.
//!
//! Every kind has a typed placeholder (`[NAME]`, `[PHONE]`, …) that replaces it in the output, and a
//! stable snake_case name used in configuration, the audit counts and JSON.

use serde::{Deserialize, Serialize};

/// One kind of identifier. Ordered so that per-kind counts print in a stable order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentifierKind {
    /// A person's name: patients, relatives, clinicians.
    Name,
    /// A street address, house number, unit, post-office box.
    Address,
    /// A city, county, town or other place smaller than a state (states and countries are kept).
    Location,
    /// A ZIP or other postal code.
    Zip,
    /// Any element of a date more specific than the year (the year itself is kept).
    Date,
    /// An age over 89 (written out as `90+`).
    Age,
    /// A telephone number.
    Phone,
    /// A fax number.
    Fax,
    /// An e-mail address.
    Email,
    /// A US social security number.
    Ssn,
    /// A medical record number.
    MedicalRecord,
    /// A health plan beneficiary or member number.
    HealthPlan,
    /// An account number (bank account, IBAN).
    Account,
    /// A certificate or licence number (driver's licence included).
    Licence,
    /// A vehicle identifier: VIN, licence plate.
    Vehicle,
    /// A device identifier or serial number.
    Device,
    /// A web address.
    Url,
    /// An IP address, v4 or v6.
    Ip,
    /// A social media handle: `@name`, `u/name`, a Bluesky handle or DID, a Mastodon address.
    Handle,
    /// A link to a person's profile on a social site.
    ProfileLink,
    /// The name of a small clinic, practice or support group that would single a person out.
    Organisation,
    /// Any other unique identifying number or code.
    Id,
    /// A payment card number.
    CreditCard,
}

impl IdentifierKind {
    /// Every kind, in order.
    pub const ALL: [IdentifierKind; 23] = [
        Self::Name,
        Self::Address,
        Self::Location,
        Self::Zip,
        Self::Date,
        Self::Age,
        Self::Phone,
        Self::Fax,
        Self::Email,
        Self::Ssn,
        Self::MedicalRecord,
        Self::HealthPlan,
        Self::Account,
        Self::Licence,
        Self::Vehicle,
        Self::Device,
        Self::Url,
        Self::Ip,
        Self::Handle,
        Self::ProfileLink,
        Self::Organisation,
        Self::Id,
        Self::CreditCard,
    ];

    /// The typed placeholder that replaces an identifier of this kind, e.g. `[NAME]`.
    pub fn placeholder(self) -> &'static str {
        match self {
            Self::Name => "[NAME]",
            Self::Address => "[ADDRESS]",
            Self::Location => "[LOCATION]",
            Self::Zip => "[ZIP]",
            Self::Date => "[DATE]",
            Self::Age => "[AGE]",
            Self::Phone => "[PHONE]",
            Self::Fax => "[FAX]",
            Self::Email => "[EMAIL]",
            Self::Ssn => "[SSN]",
            Self::MedicalRecord => "[MRN]",
            Self::HealthPlan => "[HEALTH_PLAN]",
            Self::Account => "[ACCOUNT]",
            Self::Licence => "[LICENCE]",
            Self::Vehicle => "[VEHICLE]",
            Self::Device => "[DEVICE]",
            Self::Url => "[URL]",
            Self::Ip => "[IP]",
            Self::Handle => "[HANDLE]",
            Self::ProfileLink => "[PROFILE]",
            Self::Organisation => "[ORG]",
            Self::Id => "[ID]",
            Self::CreditCard => "[CARD]",
        }
    }

    /// The stable snake_case name, as in configuration and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Name => "name",
            Self::Address => "address",
            Self::Location => "location",
            Self::Zip => "zip",
            Self::Date => "date",
            Self::Age => "age",
            Self::Phone => "phone",
            Self::Fax => "fax",
            Self::Email => "email",
            Self::Ssn => "ssn",
            Self::MedicalRecord => "medical_record",
            Self::HealthPlan => "health_plan",
            Self::Account => "account",
            Self::Licence => "licence",
            Self::Vehicle => "vehicle",
            Self::Device => "device",
            Self::Url => "url",
            Self::Ip => "ip",
            Self::Handle => "handle",
            Self::ProfileLink => "profile_link",
            Self::Organisation => "organisation",
            Self::Id => "id",
            Self::CreditCard => "credit_card",
        }
    }

    /// The placeholder without its brackets, used to build numbered surrogates (`NAME` → `[NAME-2]`).
    pub(crate) fn tag(self) -> &'static str {
        let p = self.placeholder();
        &p[1..p.len() - 1]
    }
}

impl std::fmt::Display for IdentifierKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde() {
        for kind in IdentifierKind::ALL {
            let json = serde_json::to_string(&kind).unwrap();
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
            let back: IdentifierKind = serde_json::from_str(&json).unwrap();
            assert_eq!(back, kind);
        }
    }

    #[test]
    fn placeholders_are_bracketed_and_distinct() {
        let mut seen = std::collections::BTreeSet::new();
        for kind in IdentifierKind::ALL {
            let p = kind.placeholder();
            assert!(p.starts_with('[') && p.ends_with(']'), "{p}");
            assert!(seen.insert(p), "duplicate placeholder {p}");
            assert_eq!(format!("[{}]", kind.tag()), p);
        }
    }
}
