//! Bytes to text for transcript files.
//!
//! Meeting tools and subtitle editors write whatever their platform likes:
//! UTF-8 with or without a byte-order mark, UTF-16 from Windows tools (often
//! with a BOM, sometimes without), the odd UTF-32 export, and Windows-1252
//! from older SRT editors. The W3C WebVTT parser decodes strictly as UTF-8;
//! we are more forgiving because a transcript that decodes into replacement
//! characters is useless to an analyst, and a file's encoding carries no
//! meaning of its own.
//!
//! Detection, in order:
//!
//! 1. A byte-order mark decides (UTF-32 marks are checked before UTF-16's,
//!    since `FF FE 00 00` starts with the UTF-16LE mark).
//! 2. Without a mark, a NUL pattern in the first four bytes betrays UTF-16 or
//!    UTF-32 (transcripts start with ASCII: `WEBVTT`, a digit, a name).
//! 3. Bytes that are valid UTF-8 are UTF-8.
//! 4. Anything else is Windows-1252, which is also the right reading of
//!    ISO-8859-1 text in practice (WHATWG maps the `iso-8859-1` label to it).
//!
//! The tables are written out here rather than pulled from `encoding_rs`: the
//! WHATWG set has no UTF-32, and the only single-byte table we need is 32
//! entries long, so a dependency would add size to every plugin build for
//! nothing.

/// The encodings a transcript file is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-8 (with or without a BOM).
    Utf8,
    /// UTF-16, little-endian.
    Utf16Le,
    /// UTF-16, big-endian.
    Utf16Be,
    /// UTF-32, little-endian.
    Utf32Le,
    /// UTF-32, big-endian.
    Utf32Be,
    /// Windows-1252 (and ISO-8859-1, its subset in practice).
    Windows1252,
}

impl Encoding {
    /// The encoding's usual label, e.g. `utf-16le`.
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Utf32Le => "utf-32le",
            Encoding::Utf32Be => "utf-32be",
            Encoding::Windows1252 => "windows-1252",
        }
    }
}

/// Text decoded from a file, and how it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text, without any byte-order mark. Malformed sequences become
    /// U+FFFD.
    pub text: String,
    /// The encoding that was detected.
    pub encoding: Encoding,
    /// Whether the file started with a byte-order mark.
    pub had_bom: bool,
}

/// Decodes a transcript file's bytes, detecting the encoding as the module
/// documentation describes.
pub fn decode(bytes: &[u8]) -> Decoded {
    let (encoding, bom_len) = sniff(bytes);
    let body = &bytes[bom_len..];
    let text = match encoding {
        Encoding::Utf8 => String::from_utf8_lossy(body).into_owned(),
        Encoding::Utf16Le => utf16(body, u16::from_le_bytes),
        Encoding::Utf16Be => utf16(body, u16::from_be_bytes),
        Encoding::Utf32Le => utf32(body, u32::from_le_bytes),
        Encoding::Utf32Be => utf32(body, u32::from_be_bytes),
        Encoding::Windows1252 => body.iter().map(|&b| windows_1252(b)).collect(),
    };
    Decoded {
        text,
        encoding,
        had_bom: bom_len > 0,
    }
}

/// Detects the encoding and the length of the byte-order mark, if any.
fn sniff(bytes: &[u8]) -> (Encoding, usize) {
    match bytes {
        [0xFF, 0xFE, 0, 0, ..] => return (Encoding::Utf32Le, 4),
        [0, 0, 0xFE, 0xFF, ..] => return (Encoding::Utf32Be, 4),
        [0xEF, 0xBB, 0xBF, ..] => return (Encoding::Utf8, 3),
        [0xFF, 0xFE, ..] => return (Encoding::Utf16Le, 2),
        [0xFE, 0xFF, ..] => return (Encoding::Utf16Be, 2),
        _ => {}
    }
    match bytes {
        [a, 0, 0, 0, ..] if *a != 0 => return (Encoding::Utf32Le, 0),
        [0, 0, 0, a, ..] if *a != 0 => return (Encoding::Utf32Be, 0),
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 => return (Encoding::Utf16Le, 0),
        [0, a, 0, b, ..] if *a != 0 && *b != 0 => return (Encoding::Utf16Be, 0),
        _ => {}
    }
    if std::str::from_utf8(bytes).is_ok() {
        (Encoding::Utf8, 0)
    } else {
        (Encoding::Windows1252, 0)
    }
}

fn utf16(body: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = body.chunks(2).map(|c| match c {
        [a, b] => unit([*a, *b]),
        // A dangling odd byte: not a code unit at all.
        _ => 0xFFFD,
    });
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

fn utf32(body: &[u8], unit: fn([u8; 4]) -> u32) -> String {
    body.chunks(4)
        .map(|c| match c {
            [a, b, d, e] => {
                char::from_u32(unit([*a, *b, *d, *e])).unwrap_or(char::REPLACEMENT_CHARACTER)
            }
            _ => char::REPLACEMENT_CHARACTER,
        })
        .collect()
}

/// Windows-1252 bytes 0x80..=0x9F; the five undefined ones map to the C1
/// control of the same value, as WHATWG's index does.
const W1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{0081}', '\u{201A}', '\u{0192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{02C6}', '\u{2030}', '\u{0160}', '\u{2039}', '\u{0152}', '\u{008D}', '\u{017D}', '\u{008F}',
    '\u{0090}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{02DC}', '\u{2122}', '\u{0161}', '\u{203A}', '\u{0153}', '\u{009D}', '\u{017E}', '\u{0178}',
];

/// One Windows-1252 byte as a character.
pub fn windows_1252(b: u8) -> char {
    match b {
        0x80..=0x9F => W1252_HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le_with_bom(s: &str) -> Vec<u8> {
        let mut out = vec![0xFF, 0xFE];
        for u in s.encode_utf16() {
            out.extend_from_slice(&u.to_le_bytes());
        }
        out
    }

    #[test]
    fn utf8_bom_is_stripped() {
        let d = decode(b"\xEF\xBB\xBF1\r\n00:00:01,000");
        assert_eq!(d.encoding, Encoding::Utf8);
        assert!(d.had_bom);
        assert_eq!(d.text, "1\r\n00:00:01,000");
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let bytes = utf16le_with_bom("WEBVTT\n\nJosé — ok");
        let d = decode(&bytes);
        assert_eq!(d.encoding, Encoding::Utf16Le);
        assert_eq!(d.text, "WEBVTT\n\nJosé — ok");
        let d = decode(&bytes[2..]);
        assert_eq!(d.encoding, Encoding::Utf16Le);
        assert!(!d.had_bom);
        assert_eq!(d.text, "WEBVTT\n\nJosé — ok");
        let be: Vec<u8> = "1\nNé".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&be).encoding, Encoding::Utf16Be);
        assert_eq!(decode(&be).text, "1\nNé");
    }

    #[test]
    fn utf32_both_orders() {
        let le: Vec<u8> = [0xFEFFu32, 'h' as u32, 'é' as u32]
            .iter()
            .flat_map(|c| c.to_le_bytes())
            .collect();
        let d = decode(&le);
        assert_eq!((d.encoding, d.text.as_str()), (Encoding::Utf32Le, "hé"));
        let be: Vec<u8> = ['h' as u32, 'é' as u32]
            .iter()
            .flat_map(|c| c.to_be_bytes())
            .collect();
        let d = decode(&be);
        assert_eq!((d.encoding, d.text.as_str()), (Encoding::Utf32Be, "hé"));
    }

    #[test]
    fn windows_1252_fallback() {
        // "café – “ok”" as Windows-1252.
        let d = decode(b"caf\xE9 \x96 \x93ok\x94");
        assert_eq!(d.encoding, Encoding::Windows1252);
        assert_eq!(d.text, "café – “ok”");
    }

    #[test]
    fn odd_trailing_byte_becomes_replacement() {
        let d = decode(&[0xFF, 0xFE, b'a', 0, b'b']);
        assert_eq!(d.text, "a\u{FFFD}");
    }
}
