//! A typed cursor ⇄ the opaque string the host stores between calls.
//!
//! The host creates a fresh instance for every `fetch`, so everything a
//! plugin must remember (the last item seen, the page it stopped on, what it
//! has already emitted) lives in the cursor it returns. The host treats the
//! cursor as an opaque string; this module makes it a serde struct.
//!
//! The encoding is compact JSON, `{"v":VERSION,"s":STATE}`. JSON rather than
//! base64 keeps a stored cursor readable when somebody debugs a source; it is
//! still opaque to the host. The version is the plugin's own cursor-format
//! version ([`CursorState::VERSION`]): bump it whenever the state struct
//! changes incompatibly, and a cursor written by the old format is refused
//! with an error that says so, instead of silently restarting a crawl from
//! the beginning or skipping data.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::SourceError;

/// A plugin's cursor state.
pub trait CursorState: Serialize + DeserializeOwned {
    /// The cursor format's version. Bump it when the struct changes in a way
    /// old cursors cannot be read as.
    const VERSION: u32;
}

/// Why a cursor could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CursorError {
    /// The cursor is not one this plugin wrote (not the envelope JSON).
    #[error(
        "the cursor is not in this plugin's format ({reason}); reset the source's cursor to start over"
    )]
    Malformed {
        /// Where decoding failed.
        reason: String,
    },
    /// The cursor was written by another version of the cursor format.
    #[error(
        "the cursor was written in cursor format version {found}, but this plugin reads version {expected}; reset the source's cursor to start over"
    )]
    Version {
        /// The version in the cursor.
        found: u32,
        /// The version this plugin reads.
        expected: u32,
    },
}

impl From<CursorError> for SourceError {
    fn from(e: CursorError) -> SourceError {
        SourceError::Other(e.to_string())
    }
}

#[derive(Serialize)]
struct EnvelopeOut<'a, T> {
    v: u32,
    s: &'a T,
}

#[derive(serde::Deserialize)]
struct VersionOnly {
    v: u32,
}

#[derive(serde::Deserialize)]
struct EnvelopeIn<T> {
    s: T,
}

/// Encodes `state` as a cursor string.
pub fn encode<T: CursorState>(state: &T) -> String {
    // Serializing a plain serde struct to a String cannot fail unless the
    // struct has a map with non-string keys; fall back to the empty state
    // marker rather than panic.
    serde_json::to_string(&EnvelopeOut {
        v: T::VERSION,
        s: state,
    })
    .unwrap_or_else(|_| format!("{{\"v\":{},\"s\":null}}", T::VERSION))
}

/// Decodes a cursor: `Ok(None)` for no cursor (a source's first run).
pub fn decode<T: CursorState>(cursor: Option<&str>) -> Result<Option<T>, CursorError> {
    let Some(raw) = cursor else {
        return Ok(None);
    };
    // Two passes over the string: the version first, so that a cursor of
    // another format version gets the version error rather than a shape
    // error; then the state, straight from the text (not through a
    // `serde_json::Value`, which would lose integer map keys).
    let version: VersionOnly = serde_json::from_str(raw).map_err(|e| CursorError::Malformed {
        reason: format!("line {}, column {}", e.line(), e.column()),
    })?;
    if version.v != T::VERSION {
        return Err(CursorError::Version {
            found: version.v,
            expected: T::VERSION,
        });
    }
    let de = &mut serde_json::Deserializer::from_str(raw);
    serde_path_to_error::deserialize::<_, EnvelopeIn<T>>(de)
        .map(|e| Some(e.s))
        .map_err(|e| CursorError::Malformed {
            reason: format!("at `{}`: {}", e.path(), e.inner()),
        })
}

/// Decodes a cursor, or `T::default()` when there is none.
pub fn decode_or_default<T: CursorState + Default>(cursor: Option<&str>) -> Result<T, CursorError> {
    Ok(decode(cursor)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq, Serialize, serde::Deserialize)]
    struct V1 {
        page: u32,
        seen: Vec<String>,
    }
    impl CursorState for V1 {
        const VERSION: u32 = 1;
    }

    #[derive(Debug, Default, PartialEq, Serialize, serde::Deserialize)]
    struct V2 {
        next: String,
    }
    impl CursorState for V2 {
        const VERSION: u32 = 2;
    }

    #[test]
    fn round_trip() {
        let s = V1 {
            page: 3,
            seen: vec!["p1".into(), "p\"2".into()],
        };
        let c = encode(&s);
        assert_eq!(c, r#"{"v":1,"s":{"page":3,"seen":["p1","p\"2"]}}"#);
        assert_eq!(decode::<V1>(Some(&c)).unwrap(), Some(s));
    }

    #[derive(Debug, Default, PartialEq, Serialize, serde::Deserialize)]
    struct Keyed {
        marks: std::collections::BTreeMap<u64, u32>,
    }
    impl CursorState for Keyed {
        const VERSION: u32 = 3;
    }

    #[test]
    fn integer_map_keys_round_trip() {
        let s = Keyed {
            marks: [(57, 14), (9, 2)].into_iter().collect(),
        };
        let c = encode(&s);
        assert_eq!(c, r#"{"v":3,"s":{"marks":{"9":2,"57":14}}}"#);
        assert_eq!(decode::<Keyed>(Some(&c)).unwrap(), Some(s));
    }

    #[test]
    fn no_cursor_is_first_run() {
        assert_eq!(decode::<V1>(None).unwrap(), None);
        assert_eq!(decode_or_default::<V1>(None).unwrap(), V1::default());
    }

    #[test]
    fn old_version_is_refused_clearly() {
        let c = encode(&V1 {
            page: 1,
            seen: vec![],
        });
        let e = decode::<V2>(Some(&c)).unwrap_err();
        assert_eq!(
            e,
            CursorError::Version {
                found: 1,
                expected: 2
            }
        );
        let msg = SourceError::from(e).message().to_string();
        assert!(
            msg.contains("version 1") && msg.contains("version 2") && msg.contains("reset"),
            "{msg}"
        );
    }

    #[test]
    fn garbage_is_malformed() {
        assert!(matches!(
            decode::<V1>(Some("page=3")),
            Err(CursorError::Malformed { .. })
        ));
        let wrong_shape = r#"{"v":1,"s":{"page":"three","seen":[]}}"#;
        match decode::<V1>(Some(wrong_shape)) {
            Err(CursorError::Malformed { reason }) => {
                assert!(reason.contains("s.page"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
    }
}
