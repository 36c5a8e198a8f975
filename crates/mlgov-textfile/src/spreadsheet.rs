//! Cells as spreadsheets will read them: formula-like text neutralised (OWASP "CSV injection")
//! and CSV quoting, the one home of both for every CSV mlgov writes for people (explorer
//! downloads, survey reports).

/// Whether a spreadsheet would read the cell as a formula (OWASP "CSV injection"): it begins with
/// `=`, `+`, `-`, `@`, a tab or a carriage return and is not a plain number (`-0.5` stays a
/// number).
///
/// ```
/// assert!(mlgov_textfile::formula_like("=HYPERLINK(\"http://x\")"));
/// assert!(mlgov_textfile::formula_like("+cmd|' /C calc'!A0"));
/// assert!(!mlgov_textfile::formula_like("-0.25"));
/// assert!(!mlgov_textfile::formula_like("Saint-Étienne"));
/// ```
pub fn formula_like(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.trim().parse::<f64>().is_err()
}

/// The cell as a spreadsheet should receive it: a formula-like cell gets a leading apostrophe,
/// which spreadsheets show as text and do not evaluate; anything else is unchanged.
pub fn spreadsheet_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if formula_like(s) { std::borrow::Cow::Owned(format!("'{s}")) } else { std::borrow::Cow::Borrowed(s) }
}

/// One CSV field: formula-like content neutralised ([`spreadsheet_safe`]) unless `raw`, then
/// quoted when needed (RFC 4180).
///
/// ```
/// use mlgov_textfile::csv_field;
/// assert_eq!(csv_field("=1+1", false), "'=1+1");
/// assert_eq!(csv_field("=1+1", true), "=1+1");
/// assert_eq!(csv_field("a,\"b\"", false), "\"a,\"\"b\"\"\"");
/// ```
pub fn csv_field(s: &str, raw: bool) -> String {
    let s = if raw { std::borrow::Cow::Borrowed(s) } else { spreadsheet_safe(s) };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.into_owned() }
}
