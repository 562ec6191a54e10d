//! Feed bytes to text.
//!
//! A feed's encoding may be stated three ways, and they disagree in the
//! wild. The order here:
//!
//! 1. a byte-order mark (it cannot be wrong about the bytes after it);
//! 2. the XML declaration's `encoding` (written by the same software that
//!    wrote the bytes; `<?xml version="1.0" encoding="ISO-8859-1"?>`);
//! 3. the `charset` of the HTTP `Content-Type` (server configuration, often
//!    a default that has never seen the file);
//! 4. UTF-8.
//!
//! RFC 7303 puts the header first; feed readers learned not to, because a
//! server's `charset=utf-8` default on a Latin-1 file turns every accented
//! letter into U+FFFD, while the reverse mistake is rare. As a last guard,
//! text declared (or defaulted to) UTF-8 that is not valid UTF-8 is read as
//! Windows-1252, which recovers the common mislabelled Latin-1 feed.
//!
//! Labels are WHATWG's (`encoding_rs`), so `iso-8859-1` and `latin1` mean
//! Windows-1252 as browsers read them, and Shift_JIS, KOI8-R, GB18030 and
//! the rest work as well.

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// Decoded feed text and the encoding used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedFeed {
    /// The text, without a byte-order mark.
    pub text: String,
    /// The WHATWG name of the encoding used, e.g. `windows-1252`.
    pub encoding: &'static str,
}

/// The `encoding` pseudo-attribute of an XML declaration, read from the
/// first bytes (the declaration is ASCII in every ASCII-compatible encoding).
pub fn xml_declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(512)];
    let head = std::str::from_utf8(head)
        .ok()
        .map(str::to_string)
        .unwrap_or_else(|| head.iter().map(|&b| char::from(b)).collect());
    let decl_end = head.find("?>")?;
    let decl = head
        .get(..decl_end)?
        .trim_start_matches('\u{FEFF}')
        .trim_start();
    if !decl.starts_with("<?xml") {
        return None;
    }
    let at = decl.find("encoding")?;
    let rest = decl[at + "encoding".len()..]
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let label = rest[1..].split(quote).next()?;
    let enc = Encoding::for_label(label.trim().as_bytes())?;
    // A declaration read as ASCII cannot truly be UTF-16.
    if enc == UTF_16LE || enc == UTF_16BE {
        return Some(UTF_8);
    }
    Some(enc)
}

/// Decodes a feed document. `charset` is the `Content-Type` charset, if the
/// server sent one.
pub fn decode_feed(bytes: &[u8], charset: Option<&str>) -> DecodedFeed {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return DecodedFeed {
            text: text.into_owned(),
            encoding: enc.name(),
        };
    }
    let enc = xml_declared_encoding(bytes)
        .or_else(|| charset.and_then(|c| Encoding::for_label(c.trim().as_bytes())))
        .unwrap_or(UTF_8);
    let enc = if enc == UTF_8 && std::str::from_utf8(bytes).is_err() {
        WINDOWS_1252
    } else {
        enc
    };
    let (text, _) = enc.decode_without_bom_handling(bytes);
    DecodedFeed {
        text: text.into_owned(),
        encoding: enc.name(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declaration_beats_header() {
        let bytes = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><title>Informa\xe7\xf5es</title></rss>";
        let d = decode_feed(bytes, Some("utf-8"));
        assert_eq!(d.encoding, "windows-1252");
        assert!(d.text.contains("Informações"));
    }

    #[test]
    fn header_when_no_declaration_and_bom_first() {
        let d = decode_feed(b"<rss>\xe9</rss>", Some("iso-8859-1"));
        assert_eq!(d.text, "<rss>é</rss>");
        let d = decode_feed(
            b"\xEF\xBB\xBF<?xml version='1.0' encoding='iso-8859-1'?><a>\xc3\xa9</a>",
            None,
        );
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.ends_with("<a>é</a>"));
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("<a>é</a>".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(decode_feed(&utf16, None).text, "<a>é</a>");
    }

    #[test]
    fn invalid_utf8_falls_back_to_windows_1252() {
        let d = decode_feed(b"<?xml version=\"1.0\"?><a>caf\xe9 \x93ok\x94</a>", None);
        assert_eq!(d.encoding, "windows-1252");
        assert!(d.text.contains("café “ok”"));
    }
}
