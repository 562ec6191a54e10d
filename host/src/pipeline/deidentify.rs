//! Stage 3, de-identify: the privacy boundary.
//!
//! Everything before this stage holds raw text in memory; everything after
//! it sees only de-identified text. The stage removes the HIPAA Safe Harbor
//! identifiers (and social handles and profile links) from the body, the
//! title and the plugin's extra values, using `hearken_deid`; it replaces the
//! author's handle with a keyed pseudonym; and it keeps the count of what it
//! removed, per identifier type, for the audit.
//!
//! Link fields — the record id, its URL, its thread and parent ids — are
//! not prose, and replacing an identifier in them with `[HANDLE]` would
//! break the evidence link and the stable document id. Yet they carry
//! identifiers on real sources: a Bluesky post's URL is
//! `https://bsky.app/profile/HANDLE/post/RKEY` and its id is
//! `at://DID/app.bsky.feed.post/RKEY`; a Mastodon URL is
//! `https://host/@user/ID`. [`scrub_link`] swaps the author's handle (where
//! it stands as a whole path segment, subdomain, fragment or query value)
//! for the author's pseudonym, and every DID for a keyed pseudonym of the
//! DID. The result is stable for a given key, so ids stay idempotent across
//! runs; it no longer opens on the source, which is the price of not
//! storing the handle.
//!
//! Names the caller knows belong to people — the author of every record in
//! the same batch, which for a transcript is every speaker — are removed
//! wherever they occur, so "thanks Dana" in one speaker's turn loses Dana's
//! name even when no rule would have recognised it.

use std::collections::BTreeMap;

use hearken_deid::{Deidentifier, KnownNames, PseudonymKey};

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
pub fn deidentify(
    stage: &DeidStage,
    source: &str,
    raw: &RawFields<'_>,
    known_names: &KnownNames,
) -> Deidentified {
    let mut redactions: BTreeMap<String, u32> = BTreeMap::new();
    let mut redact = |text: &str| {
        let r = stage.deid.redact_known(text, known_names);
        for (kind, n) in &r.counts {
            *redactions.entry(kind.as_str().to_string()).or_default() += n;
        }
        r.text
    };
    let body = redact(raw.body);
    let title = raw.title.map(&mut redact);
    let extra = raw
        .extra
        .iter()
        .map(|(k, v)| (k.clone(), redact(v)))
        .collect();
    let author = raw
        .author
        .filter(|a| !a.trim().is_empty())
        .map(|a| stage.key.pseudonym(source, a));
    Deidentified {
        body,
        title,
        extra,
        author,
        redactions,
    }
}

/// A link field (record id, URL, thread or parent id) with the author's
/// handle replaced by its pseudonym and every DID by a keyed pseudonym of
/// the DID, and how many were replaced. See the module docs.
pub fn scrub_link(
    stage: &DeidStage,
    source: &str,
    link: &str,
    author: Option<&str>,
) -> (String, u32) {
    let mut replaced = 0u32;
    let mut out = replace_dids(link, |did| {
        replaced += 1;
        stage.key.pseudonym(source, did)
    });
    if let Some(author) = author {
        let pseudonym = stage.key.pseudonym(source, author);
        let handle = author.trim().trim_start_matches('@');
        // `user@instance`: a Mastodon URL shows only `@user` on the user's
        // own instance.
        let local = handle.split_once('@').map(|(user, _)| user);
        for form in std::iter::once(handle).chain(local) {
            let (scrubbed, n) = replace_delimited(&out, form, &pseudonym);
            out = scrubbed;
            replaced += n;
        }
    }
    (out, replaced)
}

/// `true` for the characters a handle is made of, so a handle counts only
/// where it is not part of a longer word.
fn handle_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// Replaces `needle` (ASCII case-insensitive) in `hay` wherever it is not
/// glued to another handle character. Needles under 3 characters are left
/// alone: in a URL they are as likely a path word as a handle.
fn replace_delimited(hay: &str, needle: &str, with: &str) -> (String, u32) {
    if needle.chars().count() < 3 {
        return (hay.to_string(), 0);
    }
    // ASCII lower-casing keeps byte offsets.
    let low = hay.to_ascii_lowercase();
    let needle = needle.to_ascii_lowercase();
    let mut out = String::with_capacity(hay.len());
    let mut last = 0;
    let mut n = 0;
    for (pos, _) in low.match_indices(needle.as_str()) {
        let end = pos + needle.len();
        if pos < last
            || hay[..pos].chars().next_back().is_some_and(handle_char)
            || hay[end..].chars().next().is_some_and(handle_char)
        {
            continue;
        }
        out.push_str(&hay[last..pos]);
        out.push_str(with);
        last = end;
        n += 1;
    }
    out.push_str(&hay[last..]);
    (out, n)
}

/// Replaces every DID (`did:METHOD:ID`, the shape `hearken_deid` detects
/// in text) with `pseudonym(did)`.
fn replace_dids(hay: &str, mut pseudonym: impl FnMut(&str) -> String) -> String {
    let bytes = hay.as_bytes();
    let mut out = String::with_capacity(hay.len());
    let mut last = 0;
    let mut i = 0;
    while let Some(found) = hay[i..].find("did:") {
        let start = i + found;
        let method_end = bytes[start + 4..]
            .iter()
            .position(|b| !b.is_ascii_lowercase())
            .map_or(bytes.len(), |p| start + 4 + p);
        let method_len = method_end - (start + 4);
        let glued = start > 0 && bytes[start - 1].is_ascii_alphanumeric();
        if glued || !(2..=10).contains(&method_len) || bytes.get(method_end) != Some(&b':') {
            i = start + 4;
            continue;
        }
        let id_start = method_end + 1;
        let mut end = bytes[id_start..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || b"._:%-".contains(b)))
            .map_or(bytes.len(), |p| id_start + p);
        while end > id_start && !bytes[end - 1].is_ascii_alphanumeric() {
            end -= 1;
        }
        if end == id_start {
            i = id_start;
            continue;
        }
        out.push_str(&hay[last..start]);
        out.push_str(&pseudonym(&hay[start..end]));
        last = end;
        i = end;
    }
    out.push_str(&hay[last..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use hearken_deid::Policy;

    fn stage() -> DeidStage {
        DeidStage {
            deid: Deidentifier::new(&Policy::default()).unwrap(),
            key: PseudonymKey::from_bytes([7; 32]),
        }
    }

    #[test]
    fn link_fields_lose_the_authors_handle_and_dids_but_stay_stable() {
        let s = stage();
        let author = "alice.bsky.social";
        let p = s.key.pseudonym("bsky", author);
        let (url, n) = scrub_link(
            &s,
            "bsky",
            "https://bsky.app/profile/Alice.bsky.social/post/3kxyz",
            Some(author),
        );
        assert_eq!(url, format!("https://bsky.app/profile/{p}/post/3kxyz"));
        assert_eq!(n, 1);
        let (id, n) = scrub_link(
            &s,
            "bsky",
            "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3kxyz",
            Some(author),
        );
        assert!(
            !id.contains("ewvi7nxzyoun6zhxrhs64oiz") && id.ends_with("/app.bsky.feed.post/3kxyz"),
            "{id}"
        );
        assert_eq!(n, 1);
        assert_eq!(
            id,
            scrub_link(
                &s,
                "bsky",
                "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3kxyz",
                None
            )
            .0,
            "the same DID gets the same pseudonym whoever the author is"
        );
        // Mastodon: a remote account's local part in the URL, fragments and queries.
        let (url, n) = scrub_link(
            &s,
            "m",
            "https://other.social/@margo_w/1099?by=margo_w#margo_w",
            Some("@margo_w@other.social"),
        );
        assert!(!url.contains("margo_w"), "{url}");
        assert_eq!(n, 3);
        // Not inside a longer word, not a two-letter handle, nothing else touched.
        for (link, author) in [
            (
                "http://127.0.0.1:7471/forum/topic-3/page-1.html#p17",
                "margo_w",
            ),
            ("https://example.org/annabel/1", "anna"),
            ("https://example.org/al/1", "al"),
            ("https://example.org/didn't:x", "zed"),
        ] {
            assert_eq!(
                scrub_link(&s, "f", link, Some(author)),
                (link.to_string(), 0)
            );
        }
    }

    #[test]
    fn removes_identifiers_from_every_field_and_pseudonymises_the_author() {
        let s = stage();
        let extra = vec![(
            "signature".to_string(),
            "call me on 555-201-7788".to_string(),
        )];
        let raw = RawFields {
            body: "Dana said the site is at 14 Larkspur Lane. Email me: jen.k@example.com",
            title: Some("Question for Dana"),
            extra: &extra,
            author: Some("jen_k82"),
        };
        let out = deidentify(&s, "forum", &raw, &KnownNames::new(&["Dana"]));
        for leaked in [
            "Dana",
            "Larkspur",
            "jen.k@example.com",
            "555-201-7788",
            "jen_k82",
        ] {
            assert!(!out.body.contains(leaked), "{leaked} in {}", out.body);
            assert!(!out.title.as_deref().unwrap_or("").contains(leaked));
            assert!(!out.extra["signature"].contains(leaked));
        }
        let author = out.author.clone().unwrap();
        assert_eq!(
            Some(author.clone()),
            deidentify(&s, "forum", &raw, &KnownNames::new(&["Dana"])).author
        );
        assert_ne!(
            Some(author),
            deidentify(&s, "other-forum", &raw, &KnownNames::new(&["Dana"])).author
        );
        assert!(
            out.redactions.get("email").copied().unwrap_or(0) >= 1,
            "{:?}",
            out.redactions
        );
        assert!(
            out.redactions.get("phone").copied().unwrap_or(0) >= 1,
            "{:?}",
            out.redactions
        );
    }
}
