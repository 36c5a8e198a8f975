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
        let c = match c {
            '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{2032}' => '\'',
            '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{00AB}' | '\u{00BB}' => '"',
            '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}' => '-',
            '\u{00AD}' => continue,
            c => c,
        };
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

/// Checks every statement of `kb` against `texts` (bundled file name → its text).
pub fn verify(kb: &KnowledgeBase, texts: &BTreeMap<String, String>) -> Vec<QuoteCheck> {
    let files: BTreeMap<String, String> = kb
        .sources
        .iter()
        .filter_map(|s| s.file.as_ref().and_then(|f| texts.get(f)).map(|t| (s.id.to_string(), fold_text(t))))
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
                self.1.push(QuoteCheck { id: r.id().to_string(), source: source.to_string(), status, missing });
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
        assert_eq!(quotations(r#"Appendix: "to Alain Juppé, mayor of Bordeaux" and “a second”"#), ["to Alain Juppé, mayor of Bordeaux", "a second"]);
        let text = fold_text("We started with Katowice [Poland] and\nAnnaba [Algeria]. Obviously, these cities — were chosen");
        assert!(found_in("We started with Katowice [Poland] and Annaba [Algeria]", &text));
        assert!(found_in("We started with … these cities - were chosen", &text));
        assert!(!found_in("We started with Warsaw", &text));
        assert!(!found_in("these cities … We started", &text), "parts in order");
    }
}
