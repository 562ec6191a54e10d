//! The transcripts plugin's configuration.
//!
//! The operator names each file (the host serves only those through
//! `read-input`) and maps speaker names to roles. Names are matched without
//! regard to case or surrounding spaces, because the same person is `Dana
//! Whitfield` in one export and `DANA WHITFIELD` in the next. The role
//! vocabulary is closed (patient, caregiver, clinician, moderator, sponsor):
//! the persona stage keys on it, so a typo must be a config error, not a
//! silent new role.

use std::collections::{BTreeMap, HashMap, HashSet};

use hearken_plugin_sdk::schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::transcript::Format;

/// A speaker's role in the meeting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(crate = "hearken_plugin_sdk::schemars")]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A patient.
    Patient,
    /// A caregiver or family member.
    Caregiver,
    /// A clinician (doctor, nurse, study coordinator).
    Clinician,
    /// The meeting's moderator or facilitator.
    Moderator,
    /// Someone from the trial sponsor.
    Sponsor,
}

impl Role {
    /// The role as the record's `speaker-role` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Patient => "patient",
            Role::Caregiver => "caregiver",
            Role::Clinician => "clinician",
            Role::Moderator => "moderator",
            Role::Sponsor => "sponsor",
        }
    }
}

/// A file to read: its name alone, or the name with details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(crate = "hearken_plugin_sdk::schemars")]
#[serde(untagged)]
pub enum FileSpec {
    /// Just the file name, e.g. `board-2025-03.vtt`.
    Name(String),
    /// The file name with its meeting date, title or format.
    Detailed(FileDetails),
}

/// A file with details the file itself may not carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(crate = "hearken_plugin_sdk::schemars")]
#[serde(deny_unknown_fields)]
pub struct FileDetails {
    /// The file name, as granted to the source.
    pub name: String,
    /// The meeting date (`2025-03-04`) or start (`2025-03-04T14:00:00Z`);
    /// overrides the config-wide `date` and any date in the file.
    #[serde(default)]
    pub date: Option<String>,
    /// A title for the meeting, e.g. `Patient advisory board, March`.
    #[serde(default)]
    pub title: Option<String>,
    /// The format, when detection from the content and extension would get
    /// it wrong.
    #[serde(default)]
    pub format: Option<Format>,
}

impl FileSpec {
    /// The file name.
    pub fn name(&self) -> &str {
        match self {
            FileSpec::Name(n) => n,
            FileSpec::Detailed(d) => &d.name,
        }
    }

    /// The details, if any were given.
    pub fn details(&self) -> Option<&FileDetails> {
        match self {
            FileSpec::Name(_) => None,
            FileSpec::Detailed(d) => Some(d),
        }
    }
}

fn default_page_size() -> usize {
    200
}

/// The configuration of a transcripts source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(crate = "hearken_plugin_sdk::schemars")]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The transcript files to read, by the names the operator granted to
    /// this source (WebVTT, SRT, speaker-turn text or JSON).
    #[schemars(length(min = 1))]
    pub files: Vec<FileSpec>,
    /// Speaker name → role. Names match without regard to case.
    #[serde(default)]
    pub roles: BTreeMap<String, Role>,
    /// The role of speakers `roles` does not name; none if absent.
    #[serde(default)]
    pub default_role: Option<Role>,
    /// The meeting date for files that do not say (`2025-03-04`, or a start
    /// time in RFC 3339).
    #[serde(default)]
    pub date: Option<String>,
    /// Most speaker turns returned by one `fetch`.
    #[serde(default = "default_page_size")]
    #[schemars(range(min = 1, max = 5000))]
    pub page_size: usize,
}

impl Config {
    /// The speaker lookup for this configuration, built once per call: a
    /// board series can map thousands of names, and every turn of every
    /// file asks for its speaker's role.
    pub fn speakers(&self) -> Speakers {
        let mut roles: HashMap<String, Role> = HashMap::with_capacity(self.roles.len());
        // Names that differ only in case: the first in the map's order wins.
        for (name, role) in &self.roles {
            roles.entry(speaker_key(name)).or_insert(*role);
        }
        Speakers {
            known: roles.keys().cloned().collect(),
            roles,
            default_role: self.default_role,
        }
    }
}

/// Speaker names to roles, matched without regard to case or surrounding
/// whitespace.
#[derive(Debug, Clone, Default)]
pub struct Speakers {
    roles: HashMap<String, Role>,
    known: HashSet<String>,
    default_role: Option<Role>,
}

impl Speakers {
    /// The role for a speaker: the configured one, else the default.
    pub fn role_of(&self, speaker: &str) -> Option<Role> {
        self.roles
            .get(&speaker_key(speaker))
            .copied()
            .or(self.default_role)
    }

    /// The names the configuration maps, trimmed and lowercased, for the
    /// plain-text reader.
    pub fn known(&self) -> &HashSet<String> {
        &self.known
    }
}

/// How a speaker name is compared: trimmed, lowercased.
pub fn speaker_key(name: &str) -> String {
    name.trim().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_example() {
        let c: Config = hearken_plugin_sdk::config::parse(
            r#"{"files": ["board-2025-03.vtt", {"name": "notes.txt", "date": "2025-03-04", "format": "text"}],
                "roles": {"Dana Whitfield": "moderator", "Dr. Okafor": "clinician"},
                "default_role": "patient"}"#,
        )
        .unwrap();
        assert_eq!(c.files[0].name(), "board-2025-03.vtt");
        assert_eq!(c.files[1].details().unwrap().format, Some(Format::Text));
        let speakers = c.speakers();
        assert_eq!(speakers.role_of(" DANA WHITFIELD"), Some(Role::Moderator));
        assert_eq!(speakers.role_of("dr. okafor"), Some(Role::Clinician));
        assert_eq!(speakers.role_of("Someone Else"), Some(Role::Patient));
        assert!(speakers.known().contains("dana whitfield"));
        assert_eq!(c.page_size, 200);
    }

    #[test]
    fn unknown_roles_and_fields_are_config_errors() {
        let e = hearken_plugin_sdk::config::parse::<Config>(
            r#"{"files": ["a.vtt"], "roles": {"X": "doctor"}}"#,
        )
        .unwrap_err();
        assert!(e.message().contains("roles"), "{}", e.message());
        assert!(
            hearken_plugin_sdk::config::parse::<Config>(r#"{"files": ["a.vtt"], "hosts": []}"#)
                .is_err()
        );
    }

    #[test]
    fn schema_is_json_with_the_fields() {
        let s: serde_json::Value =
            serde_json::from_str(&hearken_plugin_sdk::config::schema::<Config>()).unwrap();
        let props = s["properties"].as_object().unwrap();
        for k in ["files", "roles", "default_role", "date", "page_size"] {
            assert!(props.contains_key(k), "schema lacks {k}");
        }
        assert_eq!(s["additionalProperties"], serde_json::Value::Bool(false));
    }
}
