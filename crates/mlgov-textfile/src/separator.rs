//! Field separators: detection from the header line, names for messages, and the parser of the
//! `--delimiter` flag.

/// The separator of a delimited text: among `,` `;` and tab, the one that occurs most often
/// outside quotes on the first line (a tie or none at all: `,`). Works on UTF-8 bytes (the
/// characters counted are ASCII, which never occur inside a multi-byte sequence), so it takes
/// both decoded text (`text.as_bytes()`) and UTF-8 not yet checked.
pub fn detect_delimiter(text: &[u8]) -> u8 {
    let (mut comma, mut semi, mut tab, mut quoted) = (0usize, 0usize, 0usize, false);
    for &b in text {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => comma += 1,
            b';' if !quoted => semi += 1,
            b'\t' if !quoted => tab += 1,
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
        s if s.len() == 1 && s.is_ascii() && s != "\"" && s != "\n" && s != "\r" => {
            Ok(s.as_bytes()[0])
        }
        other => Err(format!(
            "delimiter {other:?}: expected one character such as , ; | or the word tab"
        )),
    }
}
