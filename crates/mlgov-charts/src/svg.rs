//! Small SVG helpers shared by the charts: escaping, palette, tick choice, text width estimate.

/// The Okabe–Ito palette, reordered so that the first colours contrast most (blue, orange,
/// bluish green, vermillion, sky blue, reddish purple, yellow, black).
pub const OKABE_ITO: [&str; 8] =
    ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000"];

/// Escape text for SVG/XML content and attributes.
pub fn escape(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Rough rendered width of `s` at `size` px in a sans-serif font (average glyph ≈ 0.55 em).
pub(crate) fn text_width(s: &str, size: f64) -> f64 {
    s.chars().count() as f64 * size * 0.55
}

/// "Nice" tick positions covering `[min, max]` with about `target` intervals (1-2-5 steps).
/// Returns the ticks; the first is ≤ min and the last ≥ max.
pub fn nice_ticks(min: f64, max: f64, target: usize) -> Vec<f64> {
    let (min, max) = if max > min { (min, max) } else { (min - 1.0, min + 1.0) };
    let raw = (max - min) / target.max(1) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    let start = (min / step).floor() * step;
    let mut v = Vec::new();
    let mut x = start;
    while x < max + step * 0.999 {
        v.push(if x.abs() < step * 1e-9 { 0.0 } else { x });
        x += step;
        if v.len() > 1000 {
            break;
        }
    }
    v
}

/// Format a number compactly (no trailing zeros).
pub(crate) fn fmt_num(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// Split a label into lines of at most `max` characters at spaces.
pub(crate) fn wrap(s: &str, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for w in s.split_whitespace() {
        if !cur.is_empty() && cur.chars().count() + 1 + w.chars().count() > max {
            lines.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(w);
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    lines
}
