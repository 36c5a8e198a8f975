//! Checks that the quotations in statements' locators stand in the cited source's text: every
//! passage between double quotes (straight or typographic) must occur in the bundled file, after
//! folding typography (curly quotes, dashes, ligatures by NFKC), case and whitespace; an ellipsis
//! splits a quotation into parts that must occur in order.

use mlgov_domain::{Citation, KnowledgeBase, Record, TableVisitor};
use serde::Serialize;
use std::collections::BTreeMap;
use unicode_normalization::UnicodeNormalization;

/// How one statement's locator fares.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuoteStatus {
    /// Every quotation is in the text.
    Verified,
    /// A quotation is not in the text.
    Unverified,
    /// The locator quotes nothing (a section, table or footnote).
    NoQuote,
    /// The source has no bundled text to check against (a dataset such as GeoNames).
    NoText,
}

/// One statement's check.
#[derive(Clone, Debug, Serialize)]
pub struct QuoteCheck {
    /// Statement id.
    pub id: String,
    /// Source id.
    pub source: String,
    /// Outcome.
    pub status: QuoteStatus,
    /// The quotation not found (when unverified).
    pub missing: Option<String>,
}

/// Folds text for matching: NFKC, typographic quotes and dashes to ASCII, soft hyphens dropped,
/// lower case, every run of whitespace one space.
pub fn fold_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfkc() {
        let Some(c) = fold_char(c) else { continue };
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// One (NFKC-normalised) character folded: typographic quotes and dashes to ASCII, soft hyphens
/// dropped (None).
fn fold_char(c: char) -> Option<char> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}' => '-',
        '\u{00AD}' => return None,
        c => c,
    })
}

/// The quotations of a locator: passages between straight or typographic double quotes.
pub fn quotations(locator: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for c in locator.chars() {
        match (c, current.as_mut()) {
            ('"' | '\u{201C}', None) => current = Some(String::new()),
            ('"' | '\u{201D}', Some(q)) => {
                if !q.trim().is_empty() {
                    out.push(q.trim().to_string());
                }
                current = None;
            }
            (c, Some(q)) => q.push(c),
            _ => {}
        }
    }
    out
}

/// Whether `quote` stands in `folded_text` (already [`fold_text`]ed): its parts between ellipses,
/// in order.
pub fn found_in(quote: &str, folded_text: &str) -> bool {
    let q = quote.replace('\u{2026}', "...").replace("[...]", "...").replace("(...)", "...");
    let mut at = 0;
    for part in q.split("...").map(fold_text).filter(|p| !p.is_empty()) {
        match folded_text[at..].find(&part) {
            Some(i) => at += i + part.len(),
            None => return false,
        }
    }
    true
}

/// The texts bundled with mlgov (`data/texts`: sources whose licence allows redistribution), as
/// (file name, text).
pub const BUNDLED_TEXTS: [(&str, &str); 2] = [
    ("000_3fb63639e0fbe218.txt", include_str!("../../../data/texts/000_3fb63639e0fbe218.txt")),
    ("001_c87ac04b6e06d7be.txt", include_str!("../../../data/texts/001_c87ac04b6e06d7be.txt")),
];

/// [`fold_text`] with, for every byte of the folded text, the byte offset in `s` of the character
/// it comes from (characters are normalised one at a time).
fn fold_with_map(s: &str) -> (String, Vec<usize>) {
    let (mut out, mut map) = (String::with_capacity(s.len()), Vec::with_capacity(s.len()));
    let mut space = false;
    let mut buf = [0u8; 4];
    for (at, orig) in s.char_indices() {
        for c in orig.to_string().nfkc() {
            let Some(c) = fold_char(c) else { continue };
            if c.is_whitespace() {
                space = !out.is_empty();
                continue;
            }
            if space {
                out.push(' ');
                map.push(at);
                space = false;
            }
            for l in c.to_lowercase() {
                let n = l.encode_utf8(&mut buf).len();
                out.push(l);
                map.extend(std::iter::repeat_n(at, n));
            }
        }
    }
    (out, map)
}

/// A paragraph of a source's text around a quoted passage.
#[derive(Clone, Debug, Serialize)]
pub struct PassageParagraph {
    /// Line number in the text (1-based).
    pub line: usize,
    /// The paragraph as in the text.
    pub text: String,
    /// Byte ranges of `text` that the locator quotes.
    pub marks: Vec<(usize, usize)>,
}

/// Where the quotations of `locator` stand in `text`: the paragraphs holding them, with the
/// quoted ranges, and the paragraph before and after as context. Empty when nothing is found.
pub fn passage(text: &str, locator: &str) -> Vec<PassageParagraph> {
    let (folded, map) = fold_with_map(text);
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for quote in quotations(locator) {
        let q = quote.replace('\u{2026}', "...").replace("[...]", "...").replace("(...)", "...");
        let mut at = 0;
        for part in q.split("...").map(fold_text).filter(|p| !p.is_empty()) {
            let Some(i) = folded[at..].find(&part) else { break };
            let (a, b) = (at + i, at + i + part.len());
            let end = map.get(b).copied().unwrap_or(text.len());
            // The end of the last character quoted, in the original text.
            let last = map[b - 1];
            let end = if end > last {
                end.min(last + text[last..].chars().next().map_or(1, char::len_utf8))
            } else {
                last + 1
            };
            ranges.push((map[a], end));
            at = b;
        }
    }
    if ranges.is_empty() {
        return Vec::new();
    }
    // Lines with their byte spans.
    let mut lines = Vec::new();
    let mut start = 0;
    for (n, l) in text.split('\n').enumerate() {
        lines.push((n + 1, start, l));
        start += l.len() + 1;
    }
    let hit: std::collections::BTreeSet<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, (_, s, l))| ranges.iter().any(|(a, b)| *a < s + l.len() && *b > *s))
        .map(|(i, _)| i)
        .collect();
    let mut keep = std::collections::BTreeSet::new();
    for &i in &hit {
        keep.insert(i);
        // The nearest non-empty line before and after, as context.
        if let Some(j) = (0..i).rev().find(|&j| !lines[j].2.trim().is_empty()) {
            keep.insert(j);
        }
        if let Some(j) = (i + 1..lines.len()).find(|&j| !lines[j].2.trim().is_empty()) {
            keep.insert(j);
        }
    }
    keep.into_iter()
        .map(|i| {
            let (line, s, l) = lines[i];
            let marks = ranges
                .iter()
                .filter(|(a, b)| *a < s + l.len() && *b > s)
                .map(|(a, b)| (a.saturating_sub(s).min(l.len()), (b - s).min(l.len())))
                .collect();
            PassageParagraph { line, text: l.to_string(), marks }
        })
        .collect()
}

/// Checks every statement of `kb` against `texts` (bundled file name → its text).
pub fn verify(kb: &KnowledgeBase, texts: &BTreeMap<String, String>) -> Vec<QuoteCheck> {
    let files: BTreeMap<String, String> = kb
        .sources
        .iter()
        .filter_map(|s| {
            s.file.as_ref().and_then(|f| texts.get(f)).map(|t| (s.id.to_string(), fold_text(t)))
        })
        .collect();
    struct V<'a>(&'a BTreeMap<String, String>, Vec<QuoteCheck>);
    impl TableVisitor for V<'_> {
        fn table<R: Record>(&mut self, rows: &[R]) {
            for r in rows {
                let Some(Citation { source, locator }) = r.citation() else { continue };
                let quotes = quotations(locator);
                let (status, missing) = if quotes.is_empty() {
                    (QuoteStatus::NoQuote, None)
                } else {
                    match self.0.get(source.as_str()) {
                        None => (QuoteStatus::NoText, None),
                        Some(text) => match quotes.iter().find(|q| !found_in(q, text)) {
                            Some(q) => (QuoteStatus::Unverified, Some(q.clone())),
                            None => (QuoteStatus::Verified, None),
                        },
                    }
                };
                self.1.push(QuoteCheck {
                    id: r.id().to_string(),
                    source: source.to_string(),
                    status,
                    missing,
                });
            }
        }
    }
    let mut v = V(&files, Vec::new());
    kb.visit(&mut v);
    v.1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotations_fold_and_ellipses() {
        assert_eq!(
            quotations(r#"Appendix: "to Alain Juppé, mayor of Bordeaux" and “a second”"#),
            ["to Alain Juppé, mayor of Bordeaux", "a second"]
        );
        let text = fold_text(
            "We started with Katowice [Poland] and\nAnnaba [Algeria]. Obviously, these cities — were chosen",
        );
        assert!(found_in("We started with Katowice [Poland] and Annaba [Algeria]", &text));
        assert!(found_in("We started with … these cities - were chosen", &text));
        assert!(!found_in("We started with Warsaw", &text));
        assert!(!found_in("these cities … We started", &text), "parts in order");
    }

    #[test]
    fn passages_mark_the_quoted_ranges_in_the_original_text() {
        let text = "Title\n\nFirst paragraph.\nIn June 2006 “Ilda Curti” was appointed — Deputy Mayor.\nLast one.\n";
        let p = passage(text, r#"Turin: "was appointed - deputy""#);
        let lines: Vec<usize> = p.iter().map(|x| x.line).collect();
        assert_eq!(
            lines,
            [3, 4, 5],
            "the quoted paragraph with one paragraph of context on each side"
        );
        let q = &p[1];
        let (a, b) = q.marks[0];
        assert_eq!(&q.text[a..b], "was appointed — Deputy");
        assert!(passage(text, r#""not in the text""#).is_empty());
        assert!(
            passage(text, "Table 3").is_empty(),
            "a locator without a quotation has no passage"
        );
    }
}
