//! Vertical column chart of one series over ordered labels (e.g. members of a network by year):
//! one column per point, every twelfth-or-so label written under its column, the maximum on the
//! axis, the value in each column's hover text.

use crate::svg::escape;

/// A column chart: one value per label, in the order given.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnChart {
    /// Title, also the alt text.
    pub title: String,
    /// Label and value of each column (values ≥ 0).
    pub points: Vec<(String, f64)>,
}

impl ColumnChart {
    /// The chart as an inline SVG element (no XML prolog), 640 × 220, in the first colour of
    /// the Okabe–Ito palette; the value axis runs from 0 to the largest value (at least 1).
    pub fn render(&self) -> String {
        let (title, points) = (&self.title, &self.points);
        let w = 640.0;
        let h = 220.0;
        let (l, b, top) = (40.0, 36.0, 30.0);
        let max = points.iter().map(|p| p.1).fold(1.0_f64, f64::max);
        let bw = (w - l - 10.0) / points.len().max(1) as f64;
        let mut out = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"bs-t\" class=\"chart\"><title id=\"bs-t\">{}</title><rect width=\"{w}\" height=\"{h}\" fill=\"#fff\"/><text x=\"{l}\" y=\"18\" font-size=\"13\" font-weight=\"bold\">{}</text>",
            escape(title),
            escape(title)
        );
        let step = (points.len() / 12).max(1);
        for (i, (label, v)) in points.iter().enumerate() {
            let x = l + i as f64 * bw;
            let bh = (h - top - b) * v / max;
            out.push_str(&format!("<rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"#0072B2\"><title>{}: {v}</title></rect>", x + 1.0, h - b - bh, (bw - 2.0).max(1.0), escape(label)));
            if i % step == 0 {
                out.push_str(&format!(
                    "<text x=\"{:.1}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
                    x + bw / 2.0,
                    h - b + 14.0,
                    escape(label)
                ));
            }
        }
        out.push_str(&format!("<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"end\">{max}</text><line x1=\"{l}\" x2=\"{}\" y1=\"{}\" y2=\"{}\" stroke=\"#999\"/></svg>", l - 4.0, top + 4.0, w - 10.0, h - b, h - b));
        out
    }
}
