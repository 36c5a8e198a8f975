//! Text encodings: names and their parser, and decoding to UTF-8 (a BOM always wins; without one,
//! the reader's [`WithoutBom`] policy decides).

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

/// Character encoding of a text file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8, with or without BOM.
    Utf8,
    /// UTF-16 little endian (Excel's "Unicode Text", R's `fileEncoding = "UTF-16LE"`).
    Utf16Le,
    /// UTF-16 big endian.
    Utf16Be,
    /// Windows-1252 (Excel's "CSV" on Western-European Windows); ISO-8859-1 files read the same.
    Windows1252,
}

impl TextEncoding {
    /// The name used on the command line and in messages.
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "utf-8",
            TextEncoding::Utf16Le => "utf-16le",
            TextEncoding::Utf16Be => "utf-16be",
            TextEncoding::Windows1252 => "windows-1252",
        }
    }
}

impl fmt::Display for TextEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An encoding name that is not supported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown encoding {0:?}; expected utf-8, utf-16, utf-16le, utf-16be, windows-1252 (or cp1252, latin1)"
)]
pub struct UnknownEncoding(pub String);

impl FromStr for TextEncoding {
    type Err = UnknownEncoding;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Ok(TextEncoding::Utf8),
            // Plain "utf-16" without a BOM is little endian, as Windows writes it.
            "utf-16" | "utf16" | "utf-16le" | "utf16le" | "ucs-2" => Ok(TextEncoding::Utf16Le),
            "utf-16be" | "utf16be" => Ok(TextEncoding::Utf16Be),
            "windows-1252" | "cp1252" | "latin1" | "latin-1" | "iso-8859-1" | "iso-8859-15" => {
                Ok(TextEncoding::Windows1252)
            }
            _ => Err(UnknownEncoding(s.to_string())),
        }
    }
}

/// What a file without a BOM is taken to be when no encoding was asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithoutBom {
    /// Guess, as the survey intake does: valid UTF-8 is UTF-8, text whose every other byte is zero
    /// is UTF-16, a file with both valid and invalid multi-byte UTF-8 is damaged UTF-8 (an error at
    /// its line), and anything else is Windows-1252 (every byte is a character there).
    Guess,
    /// UTF-8, as the knowledge-base reader requires: Windows-1252 and BOM-less UTF-16 only when
    /// asked for, so that a UTF-8 file with one broken byte is reported, not read as another
    /// encoding.
    Utf8,
}

/// Why bytes could not be decoded with the encoding that was asked for or detected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "line {line}: the file is not valid {encoding} (byte {offset}); give the right encoding (utf-8, utf-16le, utf-16be, windows-1252)"
)]
pub struct DecodeError {
    /// The encoding tried.
    pub encoding: TextEncoding,
    /// Byte offset of the first invalid sequence.
    pub offset: usize,
    /// 1-based line of that byte.
    pub line: usize,
}

/// Decode a whole text file to UTF-8 and say which encoding was used. A BOM always wins when no
/// other encoding is asked for (it also tells UTF-16's byte order); without one, `asked` and then
/// `without_bom` decide. Invalid UTF-8 or UTF-16 is an error at its byte and line.
pub fn decode(
    bytes: &[u8],
    asked: Option<TextEncoding>,
    without_bom: WithoutBom,
) -> Result<(Cow<'_, str>, TextEncoding), DecodeError> {
    let (enc, bom_len) = choose(bytes, asked, without_bom);
    decode_as(bytes, enc, bom_len).map(|s| (s, enc))
}

/// [`decode`] to UTF-8 bytes, except that UTF-8 is returned as it is (only its BOM dropped) and not
/// checked, so that the caller can report an invalid sequence where it stands (at its cell).
/// Only UTF-16 can fail here.
pub fn transcode(
    bytes: &[u8],
    asked: Option<TextEncoding>,
    without_bom: WithoutBom,
) -> Result<(Cow<'_, [u8]>, TextEncoding), DecodeError> {
    let (enc, bom_len) = choose(bytes, asked, without_bom);
    match enc {
        TextEncoding::Utf8 => Ok((Cow::Borrowed(&bytes[bom_len..]), enc)),
        _ => match decode_as(bytes, enc, bom_len)? {
            Cow::Borrowed(s) => Ok((Cow::Borrowed(s.as_bytes()), enc)),
            Cow::Owned(s) => Ok((Cow::Owned(s.into_bytes()), enc)),
        },
    }
}

/// The encoding to read `bytes` with and the length of the BOM to skip.
fn choose(
    bytes: &[u8],
    asked: Option<TextEncoding>,
    without_bom: WithoutBom,
) -> (TextEncoding, usize) {
    match bom(bytes) {
        Some((found, len)) if asked.is_none_or(|e| e == found) => (found, len),
        _ => match (asked, without_bom) {
            (Some(e), _) => (e, 0),
            (None, WithoutBom::Guess) => (sniff(bytes), 0),
            (None, WithoutBom::Utf8) => (TextEncoding::Utf8, 0),
        },
    }
}

/// The text of `bytes[bom_len..]` in `enc`; errors are placed in the whole of `bytes`.
fn decode_as(bytes: &[u8], enc: TextEncoding, bom_len: usize) -> Result<Cow<'_, str>, DecodeError> {
    let body = &bytes[bom_len..];
    let utf16 = match enc {
        TextEncoding::Windows1252 => {
            return Ok(encoding_rs::WINDOWS_1252.decode_without_bom_handling(body).0);
        }
        TextEncoding::Utf8 => {
            return std::str::from_utf8(body)
                .map(Cow::Borrowed)
                .map_err(|e| error_at(bytes, enc, bom_len + e.valid_up_to()));
        }
        TextEncoding::Utf16Le => encoding_rs::UTF_16LE,
        TextEncoding::Utf16Be => encoding_rs::UTF_16BE,
    };
    match utf16.decode_without_bom_handling_and_without_replacement(body) {
        Some(s) => Ok(Cow::Owned(s.into_owned())),
        None => {
            Err(error_at(bytes, enc, bom_len + first_bad_utf16(body, enc == TextEncoding::Utf16Le)))
        }
    }
}

fn error_at(bytes: &[u8], encoding: TextEncoding, offset: usize) -> DecodeError {
    DecodeError {
        encoding,
        offset,
        line: 1 + bytes[..offset.min(bytes.len())].iter().filter(|&&b| b == b'\n').count(),
    }
}

fn bom(bytes: &[u8]) -> Option<(TextEncoding, usize)> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        Some((TextEncoding::Utf8, 3))
    } else if bytes.starts_with(b"\xFF\xFE") {
        Some((TextEncoding::Utf16Le, 2))
    } else if bytes.starts_with(b"\xFE\xFF") {
        Some((TextEncoding::Utf16Be, 2))
    } else {
        None
    }
}

/// The [`WithoutBom::Guess`] policy.
fn sniff(bytes: &[u8]) -> TextEncoding {
    let head = &bytes[..bytes.len().min(512) & !1];
    if head.len() >= 4 {
        let (mut even0, mut odd0) = (0, 0);
        for pair in head.chunks_exact(2) {
            even0 += usize::from(pair[0] == 0);
            odd0 += usize::from(pair[1] == 0);
        }
        let half = head.len() / 2;
        if odd0 * 10 >= half * 9 && even0 == 0 {
            return TextEncoding::Utf16Le;
        }
        if even0 * 10 >= half * 9 && odd0 == 0 {
            return TextEncoding::Utf16Be;
        }
    }
    // Invalid UTF-8 that nevertheless holds valid multi-byte sequences is a damaged UTF-8 file,
    // not Windows-1252: reading it as such would silently garble every accented letter.
    if std::str::from_utf8(bytes).is_ok() || bytes.utf8_chunks().any(|c| !c.valid().is_ascii()) {
        TextEncoding::Utf8
    } else {
        TextEncoding::Windows1252
    }
}

fn first_bad_utf16(body: &[u8], le: bool) -> usize {
    let units: Vec<u16> =
        body.chunks_exact(2)
            .map(|c| {
                if le { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) }
            })
            .collect();
    let mut i = 0;
    while i < units.len() {
        let u = units[i];
        if (0xD800..0xDC00).contains(&u) {
            if units.get(i + 1).is_some_and(|n| (0xDC00..0xE000).contains(n)) {
                i += 2;
                continue;
            }
            return 2 * i;
        }
        if (0xDC00..0xE000).contains(&u) {
            return 2 * i;
        }
        i += 1;
    }
    2 * units.len() // an odd trailing byte
}
