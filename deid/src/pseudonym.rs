//! Keyed pseudonyms for authors.
//!
//! An author handle becomes `p-` and twelve hex digits of a keyed BLAKE3 hash over the source name and
//! the normalised handle. The same author in the same source is always the same pseudonym, so personas
//! can group a person's posts; without the key nobody can go back from a pseudonym to a handle, not
//! even by hashing a list of likely handles (that is what the key is for — an unkeyed hash of a handle
//! is no protection at all).
//!
//! The key is 32 random bytes in a file in the data directory, created on first use with mode 0600.
//! Deleting it severs every link at once: new runs produce new, unrelated pseudonyms. For the same
//! reason a key file that exists but is damaged is an error, never silently replaced.
//!
//! Input is length-prefixed so that ("ab", "c") and ("a", "bc") can never collide, and handles are
//! normalised (trimmed, a leading `@` dropped, lower-cased) because `@Maria_K` and `maria_k` are the
//! same account on every platform we read.

use std::fs;
use std::io::Write;
use std::path::Path;

use crate::DeidError;

/// The secret behind author pseudonyms.
#[derive(Clone)]
pub struct PseudonymKey {
    key: [u8; 32],
}

impl std::fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PseudonymKey(..)")
    }
}

impl PseudonymKey {
    /// Loads the key from `path`, or creates it there (32 random bytes, mode 0600 on Unix) if there is
    /// no file. A file of the wrong length is an error that says so; it is never replaced.
    pub fn load_or_create(path: &Path) -> Result<Self, DeidError> {
        let io = |source| DeidError::KeyIo {
            path: path.to_path_buf(),
            source,
        };
        match fs::read(path) {
            Ok(bytes) => return Self::from_file_bytes(path, &bytes),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(io(e)),
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            fs::create_dir_all(dir).map_err(io)?;
        }
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| DeidError::Random(e.to_string()))?;
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(path) {
            Ok(mut file) => {
                file.write_all(&key).map_err(io)?;
                file.sync_all().map_err(io)?;
                tracing::info!(path = %path.display(), "created a new pseudonym key");
                Ok(PseudonymKey { key })
            }
            // Another process created it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let bytes = fs::read(path).map_err(io)?;
                Self::from_file_bytes(path, &bytes)
            }
            Err(e) => Err(io(e)),
        }
    }

    fn from_file_bytes(path: &Path, bytes: &[u8]) -> Result<Self, DeidError> {
        let key: [u8; 32] = bytes.try_into().map_err(|_| DeidError::KeyCorrupt {
            path: path.to_path_buf(),
            found: bytes.len() as u64,
        })?;
        Ok(PseudonymKey { key })
    }

    /// A key from raw bytes (tests, or a key kept in a secret store).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        PseudonymKey { key: bytes }
    }

    /// The key of remembered-name fingerprints ([`crate::RememberedNames`]), derived from this
    /// one, so that deleting the key file severs those fingerprints as it severs pseudonyms.
    pub fn name_key(&self) -> crate::NameKey {
        let mut h = blake3::Hasher::new_keyed(&self.key);
        h.update(b"hearken remembered-name key v1\0");
        crate::NameKey::from_derived(*h.finalize().as_bytes())
    }

    /// The pseudonym of `handle` in `source`: `p-` and 12 hex digits (48 bits).
    pub fn pseudonym(&self, source: &str, handle: &str) -> String {
        let handle = normalise_handle(handle);
        let mut h = blake3::Hasher::new_keyed(&self.key);
        h.update(b"hearken pseudonym v1\0");
        for part in [source.as_bytes(), handle.as_bytes()] {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part);
        }
        let digest = h.finalize();
        let mut out = String::with_capacity(14);
        out.push_str("p-");
        for b in &digest.as_bytes()[..6] {
            out.push_str(&format!("{b:02x}"));
        }
        out
    }
}

fn normalise_handle(handle: &str) -> String {
    handle.trim().trim_start_matches('@').to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_short_and_normalised() {
        let k = PseudonymKey::from_bytes([7; 32]);
        let p = k.pseudonym("forum", "Maria_K");
        assert_eq!(p.len(), 14);
        assert!(p.starts_with("p-"));
        assert!(p[2..].chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(p, k.pseudonym("forum", "maria_k"));
        assert_eq!(p, k.pseudonym("forum", " @Maria_K "));
        assert_ne!(p, k.pseudonym("posts", "maria_k"));
        assert_ne!(p, k.pseudonym("forum", "maria_j"));
        // Length prefixes keep the two fields apart.
        assert_ne!(k.pseudonym("ab", "c"), k.pseudonym("a", "bc"));
    }

    #[test]
    fn depends_on_the_key() {
        let a = PseudonymKey::from_bytes([1; 32]);
        let b = PseudonymKey::from_bytes([2; 32]);
        assert_ne!(a.pseudonym("forum", "maria"), b.pseudonym("forum", "maria"));
    }

    #[test]
    fn created_once_then_loaded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub").join("pseudonym.key");
        let a = PseudonymKey::load_or_create(&path).unwrap();
        assert_eq!(fs::metadata(&path).unwrap().len(), 32);
        let b = PseudonymKey::load_or_create(&path).unwrap();
        assert_eq!(a.pseudonym("s", "h"), b.pseudonym("s", "h"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Two fresh keys differ.
        let other = PseudonymKey::load_or_create(&dir.path().join("other.key")).unwrap();
        assert_ne!(a.pseudonym("s", "h"), other.pseudonym("s", "h"));
    }

    #[test]
    fn corrupt_key_is_an_error_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pseudonym.key");
        fs::write(&path, [9u8; 20]).unwrap();
        let err = PseudonymKey::load_or_create(&path).unwrap_err();
        assert!(
            matches!(err, DeidError::KeyCorrupt { found: 20, .. }),
            "{err:?}"
        );
        let msg = err.to_string();
        assert!(msg.contains("corrupt") && msg.contains("20"), "{msg}");
        assert_eq!(fs::read(&path).unwrap(), vec![9u8; 20]);
        fs::write(&path, []).unwrap();
        assert!(matches!(
            PseudonymKey::load_or_create(&path),
            Err(DeidError::KeyCorrupt { found: 0, .. })
        ));
    }

    #[test]
    fn debug_does_not_show_the_key() {
        let k = PseudonymKey::from_bytes([0xab; 32]);
        assert_eq!(format!("{k:?}"), "PseudonymKey(..)");
    }
}
