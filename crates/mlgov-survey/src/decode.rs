//! Text files as Excel and R save them: encoding detection (UTF-8, UTF-16 with BOM, Windows-1252),
//! separator detection from the header line (`,` `;` tab), and numbers with a decimal comma.
//!
//! Pure functions over bytes; the intake calls them before the CSV reader sees the file.

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
#[error("unknown encoding {0:?}; expected utf-8, utf-16, utf-16le, utf-16be, windows-1252 (or cp1252, latin1)")]
pub struct UnknownEncoding(pub String);

impl FromStr for TextEncoding {
    type Err = UnknownEncoding;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "utf-8" | "utf8" => Ok(TextEncoding::Utf8),
            // Plain "utf-16" without a BOM is little endian, as Windows writes it.
            "utf-16" | "utf16" | "utf-16le" | "utf16le" | "ucs-2" => Ok(TextEncoding::Utf16Le),
            "utf-16be" | "utf16be" => Ok(TextEncoding::Utf16Be),
            "windows-1252" | "cp1252" | "latin1" | "latin-1" | "iso-8859-1" | "iso-8859-15" => Ok(TextEncoding::Windows1252),
            _ => Err(UnknownEncoding(s.to_string())),
        }
    }
}

/// How to read a text (CSV) file. `None` means detect.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TextOptions {
    /// Field separator (`b','`, `b';'`, `b'\t'`); detected from the header line when `None`.
    pub delimiter: Option<u8>,
    /// Encoding; detected from the BOM, then UTF-8 validity, else Windows-1252, when `None`.
    pub encoding: Option<TextEncoding>,
}

/// Why bytes could not be decoded with the encoding that was asked for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: the file is not valid {encoding} (byte {offset}); give the right encoding (utf-8, utf-16le, utf-16be, windows-1252)")]
pub struct DecodeError {
    /// The encoding tried.
    pub encoding: TextEncoding,
    /// Byte offset of the first invalid sequence.
    pub offset: usize,
    /// 1-based line of that byte.
    pub line: usize,
}

/// Decode a whole text file to UTF-8 and say which encoding was used. A BOM always wins (it also
/// tells UTF-16's byte order); without one, valid UTF-8 is UTF-8, text whose every other byte is
/// zero is UTF-16, a file with both valid and invalid multi-byte UTF-8 is damaged UTF-8 (an error
/// at its line), and anything else is Windows-1252 (every byte is a character there).
pub fn decode(bytes: &[u8], encoding: Option<TextEncoding>) -> Result<(Cow<'_, str>, TextEncoding), DecodeError> {
    let (enc, body) = match bom(bytes) {
        Some((found, len)) if encoding.is_none_or(|e| e == found) => (found, &bytes[len..]),
        _ => (encoding.unwrap_or_else(|| sniff(bytes)), bytes),
    };
    let err = |offset: usize| DecodeError { encoding: enc, offset, line: 1 + bytes[..offset.min(bytes.len())].iter().filter(|&&b| b == b'\n').count() };
    match enc {
        TextEncoding::Utf8 => std::str::from_utf8(body).map(|s| (Cow::Borrowed(s), enc)).map_err(|e| err(e.valid_up_to() + (bytes.len() - body.len()))),
        TextEncoding::Windows1252 => Ok((encoding_rs::WINDOWS_1252.decode_without_bom_handling(body).0, enc)),
        TextEncoding::Utf16Le | TextEncoding::Utf16Be => {
            let e = if enc == TextEncoding::Utf16Le { encoding_rs::UTF_16LE } else { encoding_rs::UTF_16BE };
            match e.decode_without_bom_handling_and_without_replacement(body) {
                Some(s) => Ok((Cow::Owned(s.into_owned()), enc)),
                None => Err(err(first_bad_utf16(body, enc == TextEncoding::Utf16Le) + (bytes.len() - body.len()))),
            }
        }
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
    let units: Vec<u16> = body.chunks_exact(2).map(|c| if le { u16::from_le_bytes([c[0], c[1]]) } else { u16::from_be_bytes([c[0], c[1]]) }).collect();
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

/// The separator of a delimited text: among `,` `;` and tab, the one that occurs most often
/// outside quotes on the first line (a tie or none at all: `,`).
pub fn detect_delimiter(text: &str) -> u8 {
    let (mut comma, mut semi, mut tab) = (0usize, 0usize, 0usize);
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ',' if !quoted => comma += 1,
            ';' if !quoted => semi += 1,
            '\t' if !quoted => tab += 1,
            _ => {}
        }
    }
    if semi > comma && semi >= tab {
        b';'
    } else if tab > comma && tab > semi {
        b'\t'
    } else {
        b','
    }
}

/// The name of a separator for messages.
pub fn delimiter_name(d: u8) -> String {
    match d {
        b'\t' => "tab".into(),
        b',' => "comma".into(),
        b';' => "semicolon".into(),
        other => format!("{:?}", other as char),
    }
}

/// Parse a separator given on the command line: `,` `;` `tab` (or `\t`), `|`, or any single ASCII
/// character.
pub fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        "comma" => Ok(b','),
        "semicolon" => Ok(b';'),
        s if s.len() == 1 && s.is_ascii() && s != "\"" && s != "\n" && s != "\r" => Ok(s.as_bytes()[0]),
        other => Err(format!("delimiter {other:?}: expected one character such as , ; | or the word tab")),
    }
}

/// A number written with a decimal point or a decimal comma (`4,0`, `-1,5`): the comma form is
/// what Excel writes in most European locales. Thousands separators are not accepted.
pub fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Ok(v) = s.parse::<f64>() {
        return v.is_finite().then_some(v);
    }
    if s.matches(',').count() == 1 && !s.contains('.') {
        let (int, frac) = s.split_once(',')?;
        if !int.trim_start_matches(['-', '+']).is_empty() && !frac.is_empty() && frac.bytes().all(|b| b.is_ascii_digit()) {
            return s.replacen(',', ".", 1).parse::<f64>().ok().filter(|v| v.is_finite());
        }
    }
    None
}
