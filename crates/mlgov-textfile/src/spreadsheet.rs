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

/// Whether [`spreadsheet_safe`] marks the cell: it is formula-like, or it already begins with
/// the apostrophe of a marked cell (so that marking can be undone exactly). Apostrophes are
/// skipped in a loop, not one call each: a cell of a million of them overflowed the stack.
fn needs_mark(s: &str) -> bool {
    formula_like(s.trim_start_matches('\''))
}

/// The cell as a spreadsheet should receive it: a formula-like cell gets a leading apostrophe,
/// which spreadsheets show as text and do not evaluate; anything else is unchanged. A cell that
/// already reads like a marked one (`'=x`) is marked again, so that [`spreadsheet_unmark`]
/// restores every value exactly.
///
/// ```
/// use mlgov_textfile::{spreadsheet_safe, spreadsheet_unmark};
/// for v in ["=1+1", "'=1+1", "''=1+1", "'quoted'", "-0.5", "Saint-Étienne", ""] {
///     assert_eq!(spreadsheet_unmark(&spreadsheet_safe(v)), v);
/// }
/// assert_eq!(spreadsheet_safe("'=1+1"), "''=1+1");
/// assert_eq!(spreadsheet_safe("'quoted'"), "'quoted'");
/// ```
pub fn spreadsheet_safe(s: &str) -> std::borrow::Cow<'_, str> {
    if needs_mark(s) {
        std::borrow::Cow::Owned(format!("'{s}"))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// Undoes [`spreadsheet_safe`]: a cell it marked loses its leading apostrophe; any other cell
/// is unchanged (importers read mlgov's own neutralised CSV files back exactly).
pub fn spreadsheet_unmark(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if needs_mark(rest) => rest,
        _ => s,
    }
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
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.into_owned()
    }
}
