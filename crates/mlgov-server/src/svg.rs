//! Server-side SVG charts for the pages: a small line chart with an interval band for diffusion
//! curves (a locality's Gantt is `mlgov_analysis::gantt`'s, rendered by `mlgov-charts`). Each
//! chart has alt text and the page shows a table equivalent beside it.

use mlgov_charts::escape;

use crate::wire::CurvePoint;

/// A line chart of one or two curves with their 95 % bands (`series`: label, points).
pub(crate) fn curves(title: &str, series: &[(&str, &[CurvePoint])]) -> String {
    let (w, h, l, r, top, b) = (640.0, 300.0, 56.0, 16.0, 40.0, 44.0);
    let steps =
        series.iter().flat_map(|(_, p)| p.iter().map(|c| c.step)).max().unwrap_or(1).max(1) as f64;
    let ymax = series.iter().flat_map(|(_, p)| p.iter().map(|c| c.high)).fold(1.0_f64, f64::max);
    let x = |s: f64| l + (w - l - r) * s / steps;
    let y = |v: f64| top + (h - top - b) * (1.0 - v / ymax);
    let colours = ["#0072B2", "#D55E00"];
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"dc-t dc-d\" class=\"chart\"><title id=\"dc-t\">{}</title><desc id=\"dc-d\">{}</desc>",
        escape(title),
        escape(
            &series
                .iter()
                .map(|(n, p)| format!(
                    "{n}: {:.1} adopters after {} steps",
                    p.last().map(|c| c.mean).unwrap_or(0.0),
                    p.len().saturating_sub(1)
                ))
                .collect::<Vec<_>>()
                .join("; ")
        )
    );
    out.push_str(&format!("<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#fff\"/><text x=\"{l}\" y=\"22\" font-size=\"14\" font-weight=\"bold\">{}</text>", escape(title)));
    for i in 0..=4 {
        let v = ymax * i as f64 / 4.0;
        out.push_str(&format!("<line x1=\"{l}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{v:.1}</text>", w - r, l - 6.0, y(v) + 4.0, y = y(v)));
    }
    for (i, (name, pts)) in series.iter().enumerate() {
        let c = colours[i % 2];
        let upper: Vec<String> =
            pts.iter().map(|p| format!("{:.1},{:.1}", x(p.step as f64), y(p.high))).collect();
        let lower: Vec<String> =
            pts.iter().rev().map(|p| format!("{:.1},{:.1}", x(p.step as f64), y(p.low))).collect();
        out.push_str(&format!(
            "<polygon points=\"{} {}\" fill=\"{c}\" fill-opacity=\"0.15\"/>",
            upper.join(" "),
            lower.join(" ")
        ));
        let line: Vec<String> =
            pts.iter().map(|p| format!("{:.1},{:.1}", x(p.step as f64), y(p.mean))).collect();
        out.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{c}\" stroke-width=\"2.5\"/>",
            line.join(" ")
        ));
        out.push_str(&format!("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{c}\"/><text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>", l + 10.0 + 200.0 * i as f64, h - 16.0, l + 26.0 + 200.0 * i as f64, h - 6.0, escape(name)));
    }
    for s in 0..=steps as usize {
        out.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{s}</text>",
            x(s as f64),
            h - b + 14.0
        ));
    }
    out.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">step</text>",
        w - r,
        h - b + 28.0
    ));
    out.push_str("</svg>");
    out
}
