//! Numbers with a decimal comma, as Excel writes them in most European locales.

/// A number written with a decimal point or a decimal comma (`4,0`, `-1,5`); surrounding spaces
/// are ignored. Thousands separators are not accepted; infinities and NaN are not numbers.
pub fn parse_number(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Ok(v) = s.parse::<f64>() {
        return v.is_finite().then_some(v);
    }
    decimal_comma_to_point(s)?.parse::<f64>().ok()
}

/// `s` (trimmed) with its decimal comma as a point, when `s` is a finite number written with one
/// comma and no point, digits on both sides of the comma (`60,6745` → `60.6745`, `-1,5` → `-1.5`);
/// `None` otherwise (`1,5,0`, `1.000,5`, `,5`, `1,`, `a,b`). For readers that pass cells on as text.
pub fn decimal_comma_to_point(s: &str) -> Option<String> {
    let s = s.trim();
    if s.matches(',').count() != 1 || s.contains('.') {
        return None;
    }
    let (int, frac) = s.split_once(',')?;
    if int.trim_start_matches(['-', '+']).is_empty()
        || frac.is_empty()
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let pointed = s.replacen(',', ".", 1);
    pointed.parse::<f64>().is_ok_and(f64::is_finite).then_some(pointed)
}
