//! Accent-insensitive search keys ("saint etienne" finds Saint-Étienne, "gavle" finds Gävle), and
//! the characters free text may hold ([`control_problem`], [`is_unsafe`]).

use unicode_normalization::UnicodeNormalization;

/// Folds a name into its search key: Unicode NFKD, combining marks removed, a few letters that do
/// not decompose mapped to ASCII (ß→ss, æ→ae, ø→o, ł→l, đ→d, ı→i), lowercased, every run of
/// characters that are not letters or digits replaced by one space, trimmed.
///
/// ```
/// assert_eq!(mlgov_domain::fold("Saint-Étienne"), "saint etienne");
/// assert_eq!(mlgov_domain::fold("  GÄVLE "), "gavle");
/// ```
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfkd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let mapped: &str = match c {
            'ß' => "ss",
            'æ' | 'Æ' => "ae",
            'œ' | 'Œ' => "oe",
            'ø' | 'Ø' => "o",
            'ł' | 'Ł' => "l",
            'đ' | 'Đ' => "d",
            'ı' => "i",
            'þ' | 'Þ' => "th",
            _ => "",
        };
        if !mapped.is_empty() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push_str(mapped);
            continue;
        }
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

/// Whether `c` may not be shown raw nor stored in free text: C0 controls other than tab and line
/// feed (NUL, BEL, ESC…, and CR — allowed in input only before a line feed), DEL, C1 controls,
/// and the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) that
/// reorder what is displayed. Marks that only hint a direction (U+200E, U+200F, U+061C) are
/// ordinary text.
pub fn is_unsafe(c: char) -> bool {
    matches!(c, '\0'..='\u{8}' | '\u{b}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The name of an unsafe character, for messages (`ESC`, `RIGHT-TO-LEFT OVERRIDE`).
pub fn unsafe_name(c: char) -> &'static str {
    match c {
        '\0' => "NUL",
        '\u{7}' => "BEL",
        '\u{8}' => "BACKSPACE",
        '\u{b}' => "VERTICAL TAB",
        '\u{c}' => "FORM FEED",
        '\r' => "CARRIAGE RETURN",
        '\u{1b}' => "ESC",
        '\u{7f}' => "DEL",
        '\u{202a}' => "LEFT-TO-RIGHT EMBEDDING",
        '\u{202b}' => "RIGHT-TO-LEFT EMBEDDING",
        '\u{202c}' => "POP DIRECTIONAL FORMATTING",
        '\u{202d}' => "LEFT-TO-RIGHT OVERRIDE",
        '\u{202e}' => "RIGHT-TO-LEFT OVERRIDE",
        '\u{2066}' => "LEFT-TO-RIGHT ISOLATE",
        '\u{2067}' => "RIGHT-TO-LEFT ISOLATE",
        '\u{2068}' => "FIRST STRONG ISOLATE",
        '\u{2069}' => "POP DIRECTIONAL ISOLATE",
        '\u{80}'..='\u{9f}' => "C1 control",
        _ => "control character",
    }
}

/// The first character of `s` that free text may not hold ([`is_unsafe`]; a carriage return is
/// allowed before a line feed), with its 1-based position in characters.
pub fn first_unsafe(s: &str) -> Option<(usize, char)> {
    // Fast path over bytes: ASCII without controls other than tab and line feed, and no byte
    // that starts a C1 control (0xC2 0x80–0x9F) or a bidi control (0xE2 0x80/0x81 …).
    let b = s.as_bytes();
    let suspicious = b
        .iter()
        .any(|&x| (x < 0x20 && x != b'\t' && x != b'\n') || x == 0x7f || x == 0xc2 || x == 0xe2);
    if !suspicious {
        return None;
    }
    let mut chars = s.chars().enumerate().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\r' && chars.peek().is_some_and(|(_, n)| *n == '\n') {
            continue;
        }
        if is_unsafe(c) {
            return Some((i + 1, c));
        }
    }
    None
}

/// What is wrong with free text (a name, a note, a locator, an answer) that holds a character
/// [`first_unsafe`] finds, as a sentence saying what was expected; `None` when it holds none.
///
/// ```
/// assert_eq!(mlgov_domain::text::control_problem("Turin"), None);
/// assert_eq!(
///     mlgov_domain::text::control_problem("a\u{1b}[31m").unwrap(),
///     "contains U+001B (ESC) at character 2; expected text without control characters \
///      (tab and line breaks are allowed) or bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069)"
/// );
/// ```
pub fn control_problem(s: &str) -> Option<String> {
    let (at, c) = first_unsafe(s)?;
    Some(format!(
        "contains U+{:04X} ({}) at character {at}; expected text without control characters (tab and line breaks are allowed) or bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069)",
        c as u32,
        unsafe_name(c)
    ))
}

/// `s` with every [`is_unsafe`] character (every carriage return included) written as `\u{1b}`, so
/// that text from the data never drives a terminal; everything else, line breaks and tabs
/// included, is kept.
///
/// ```
/// assert_eq!(mlgov_domain::text::escape_unsafe("a\u{1b}[31mb\u{202e}"), "a\\u{1b}[31mb\\u{202e}");
/// ```
pub fn escape_unsafe(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn folds_accents_case_and_punctuation() {
        assert_eq!(fold("Saint-Étienne"), "saint etienne");
        assert_eq!(fold("Jönköping"), "jonkoping");
        assert_eq!(fold("Gävle"), "gavle");
        assert_eq!(fold("Seebrücke"), "seebrucke");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Łódź"), "lodz");
        assert_eq!(fold("IT (Piedmont)"), "it piedmont");
        assert_eq!(fold(""), "");
    }
}
