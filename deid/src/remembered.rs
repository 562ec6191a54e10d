//! Names remembered from earlier batches, as keyed fingerprints.
//!
//! [`KnownNames`](crate::KnownNames) holds the names a caller has in hand — in the ingest, every
//! author of the batch being de-identified. A member who names another member ("thanks margo_w, that
//! helped") is then redacted only when the member named happens to post in the same batch, so what a
//! document looks like after de-identification depended on which pages shared its plugin call: a
//! page read again in another call could come out different, and a name was removed or kept by
//! chance.
//!
//! The fix is to remember every author a source has returned. The privacy rules forbid keeping raw
//! names, so what is remembered is a *fingerprint*: SipHash-1-3, keyed with a key derived from the
//! data directory's pseudonym key, over the same 64-bit word fingerprint the tokeniser computes for
//! every token. That is exactly as strong as the author pseudonyms already stored: without the key
//! nobody can test a guessed name against it, and deleting the key file severs these along with the
//! pseudonyms. A remembered word is found by fingerprinting each token of a text with the key (one
//! SipHash of eight bytes a token); a remembered handle by fingerprinting each handle-shaped run of
//! characters.
//!
//! The first time a source is read, a post that names a member before that member's first post
//! still keeps the name unless the word rules catch it; the next read of that post removes it, and
//! from then on the document is stable.

use std::hash::Hasher;

use rustc_hash::{FxHashMap, FxHashSet};
use siphasher::sip::SipHasher13;

use crate::gazetteer;

/// The key of name fingerprints, derived from the [`PseudonymKey`](crate::PseudonymKey)
/// (see [`PseudonymKey::name_key`](crate::PseudonymKey::name_key)).
#[derive(Clone)]
pub struct NameKey {
    k0: u64,
    k1: u64,
}

impl std::fmt::Debug for NameKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NameKey(..)")
    }
}

impl NameKey {
    pub(crate) fn from_derived(bytes: [u8; 32]) -> Self {
        let word = |i: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&bytes[i..i + 8]);
            u64::from_le_bytes(b)
        };
        NameKey {
            k0: word(0),
            k1: word(8),
        }
    }

    /// The keyed fingerprint of a word fingerprint ([`gazetteer::key`] of the lower-cased word).
    fn fingerprint(&self, word_key: u64) -> u64 {
        let mut h = SipHasher13::new_with_keys(self.k0, self.k1);
        h.write_u64(word_key);
        h.finish()
    }
}

/// What a remembered fingerprint stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NameKind {
    /// A word of a name that counts wherever it occurs as a word.
    Word,
    /// A word of a name that is also a common word ("Will", "Hope"): it counts only capitalised and
    /// not opening a sentence, or possessive.
    WordCapitalised,
    /// A whole handle (`margo_w`, `dana.k`), lower-cased, without a leading `@`.
    Handle,
}

impl NameKind {
    /// The stable code stored with a fingerprint.
    pub fn code(self) -> u8 {
        match self {
            NameKind::Word => 0,
            NameKind::WordCapitalised => 1,
            NameKind::Handle => 2,
        }
    }

    /// The kind a stored code stands for (`None` for a code this build does not know).
    pub fn from_code(code: u8) -> Option<NameKind> {
        match code {
            0 => Some(NameKind::Word),
            1 => Some(NameKind::WordCapitalised),
            2 => Some(NameKind::Handle),
            _ => None,
        }
    }
}

/// One remembered name part: a keyed fingerprint and what it stands for. Holds no text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NameFingerprint {
    /// SipHash-1-3 under the [`NameKey`].
    pub fingerprint: u64,
    /// What it stands for.
    pub kind: NameKind,
}

/// A name's handle (if it looks like one) and its words, each with whether it needs a capital —
/// the one reading of a name shared by [`KnownNames`](crate::KnownNames) and [`fingerprints`].
pub(crate) struct NameParts {
    /// The handle, lower-cased, without a leading `@`.
    pub handle: Option<String>,
    /// Lower-cased words and whether each counts only capitalised.
    pub words: Vec<(String, bool)>,
}

/// The part of a name that can be a person's: a handle's server is not. `@maria@mastodon.social`
/// and `maria@example.org` give `maria`, and a Bluesky handle `margo-w.bsky.social` gives
/// `margo-w`, so that "mastodon", "bsky" and "social" are not taken for name words and redacted
/// wherever the source's later documents use them. (The whole handle is still a name.) Anything
/// else is the whole name: a handle on a domain of its own (`jane.doe.name`) can be made of name
/// words.
fn personal_part(name: &str) -> &str {
    let bare = name.trim_start_matches('@');
    if let Some((user, host)) = bare.split_once('@')
        && !user.is_empty()
        && host.contains('.')
        && !host.contains(char::is_whitespace)
    {
        return user;
    }
    const BLUESKY_HOSTED: &str = ".bsky.social";
    let cut = bare.len().saturating_sub(BLUESKY_HOSTED.len());
    if cut > 0 && bare.is_char_boundary(cut) && bare[cut..].eq_ignore_ascii_case(BLUESKY_HOSTED) {
        return &bare[..cut];
    }
    name
}

pub(crate) fn name_parts(name: &str) -> NameParts {
    let g = gazetteer::get();
    let name = name.trim();
    let mut parts = NameParts {
        handle: None,
        words: Vec::new(),
    };
    if name.chars().count() < 2 {
        return parts;
    }
    if name.contains(['@', '_', '.']) || name.chars().any(|c| c.is_ascii_digit()) {
        let h = name.trim_start_matches('@').to_ascii_lowercase();
        if h.len() >= 2 {
            parts.handle = Some(h);
        }
    }
    for part in
        personal_part(name).split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '\u{2019}')
    {
        let part = part.trim_matches(['\'', '\u{2019}']);
        if part.chars().count() < 2 || !part.chars().any(char::is_alphabetic) {
            continue;
        }
        let lower = part.to_lowercase();
        let flags = g.word(&lower);
        let listed_name = flags & gazetteer::NAMEISH != 0;
        if flags & (gazetteer::TITLE | gazetteer::FUNC) != 0 && !listed_name {
            continue;
        }
        let needs_cap = flags & (gazetteer::COMMON | gazetteer::FUNC) != 0;
        parts.words.push((lower, needs_cap));
    }
    parts
}

/// The fingerprints to remember for one name (a display name, a handle, a speaker's name), sorted
/// and without repeats. Empty for a name too short to match.
pub fn fingerprints(name: &str, key: &NameKey) -> Vec<NameFingerprint> {
    let parts = name_parts(name);
    let mut out: Vec<NameFingerprint> = parts
        .words
        .iter()
        .map(|(lower, needs_cap)| NameFingerprint {
            fingerprint: key.fingerprint(gazetteer::key(lower)),
            kind: if *needs_cap {
                NameKind::WordCapitalised
            } else {
                NameKind::Word
            },
        })
        .chain(parts.handle.iter().map(|h| NameFingerprint {
            fingerprint: key.fingerprint(gazetteer::key(h)),
            kind: NameKind::Handle,
        }))
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The fingerprints a source has remembered, ready to match. Why and how: the docs at the top of
/// `deid/src/remembered.rs`.
#[derive(Debug, Clone)]
pub struct RememberedNames {
    key: NameKey,
    /// Word fingerprint → whether it counts only capitalised.
    words: FxHashMap<u64, bool>,
    handles: FxHashSet<u64>,
}

impl RememberedNames {
    /// An empty set under `key`.
    pub fn new(key: NameKey) -> Self {
        RememberedNames {
            key,
            words: FxHashMap::default(),
            handles: FxHashSet::default(),
        }
    }

    /// The key fingerprints are made with.
    pub fn key(&self) -> &NameKey {
        &self.key
    }

    /// Adds one fingerprint; `true` if it was new. A word remembered both ways counts wherever it
    /// occurs (one author's name is another's common word, and either may be named).
    pub fn insert(&mut self, fp: NameFingerprint) -> bool {
        match fp.kind {
            NameKind::Handle => self.handles.insert(fp.fingerprint),
            NameKind::Word | NameKind::WordCapitalised => {
                let needs_cap = fp.kind == NameKind::WordCapitalised;
                match self.words.get_mut(&fp.fingerprint) {
                    Some(old) if *old && !needs_cap => {
                        *old = false;
                        true
                    }
                    Some(_) => false,
                    None => {
                        self.words.insert(fp.fingerprint, needs_cap);
                        true
                    }
                }
            }
        }
    }

    /// How many fingerprints are remembered.
    pub fn len(&self) -> usize {
        self.words.len() + self.handles.len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.handles.is_empty()
    }

    /// Whether the word with this token fingerprint is remembered, and if so whether it needs a
    /// capital.
    pub(crate) fn word(&self, word_key: u64) -> Option<bool> {
        if self.words.is_empty() {
            return None;
        }
        self.words.get(&self.key.fingerprint(word_key)).copied()
    }

    /// Remembered handles in `text`: byte ranges of handle-shaped runs (letters, digits, `_`, `.`,
    /// `-`, with a `_`, a `.` or a digit among them, as a name needs to be taken for a handle;
    /// trailing dots and hyphens are not part of them) whose fingerprint is remembered, a directly
    /// preceding `@` included.
    pub(crate) fn handles_in(&self, text: &str, out: &mut Vec<(usize, usize)>) {
        if self.handles.is_empty() {
            return;
        }
        let in_run = |c: char| c.is_alphanumeric() || matches!(c, '_' | '.' | '-');
        let mut lower = String::new();
        let mut chars = text.char_indices().peekable();
        while let Some(&(start, c)) = chars.peek() {
            if !in_run(c) {
                chars.next();
                continue;
            }
            let mut end = start;
            while let Some(&(i, c)) = chars.peek() {
                if !in_run(c) {
                    break;
                }
                end = i + c.len_utf8();
                chars.next();
            }
            let run = text[start..end].trim_end_matches(['.', '-']);
            if run.len() >= 2
                && run
                    .chars()
                    .any(|c| matches!(c, '_' | '.') || c.is_ascii_digit())
            {
                lower.clear();
                lower.extend(run.chars().map(|c| c.to_ascii_lowercase()));
                if self
                    .handles
                    .contains(&self.key.fingerprint(gazetteer::key(&lower)))
                {
                    let from = if text[..start].ends_with('@') {
                        start - 1
                    } else {
                        start
                    };
                    out.push((from, start + run.len()));
                }
            }
        }
    }
}
