//! Horizontal Gantt timeline: labelled rows with bars over years (open-ended bars fade out) and
//! point markers per row plus global event lines, e.g. a locality's memberships in city networks.

use std::fmt::Write;

use crate::svg::{OKABE_ITO, escape, fmt_num, text_width, wrap};

/// A bar over an interval of (fractional) years; `to = None` means still ongoing.
#[derive(Debug, Clone, PartialEq)]
pub struct GanttBar {
    /// Start year.
    pub from: f64,
    /// End (exclusive: 2015.0..2019.0 spans the four years 2015–2018, and the hover text says
    /// "2015–2018"); `None` for still running.
    pub to: Option<f64>,
    /// Text drawn inside or after the bar.
    pub label: Option<String>,
    /// Palette index.
    pub colour: usize,
}

/// A point in time with a label.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    /// Year.
    pub at: f64,
    /// Label.
    pub label: String,
}

/// One row.
#[derive(Debug, Clone, PartialEq)]
pub struct GanttRow {
    /// Row label.
    pub label: String,
    /// Bars.
    pub bars: Vec<GanttBar>,
    /// Markers on this row (diamonds).
    pub markers: Vec<Marker>,
}

/// A Gantt chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Gantt {
    /// Title.
    pub title: String,
    /// Subtitle.
    pub subtitle: Option<String>,
    /// Mark as synthetic.
    pub synthetic: bool,
    /// First year shown.
    pub from: f64,
    /// Last year shown.
    pub to: f64,
    /// Rows.
    pub rows: Vec<GanttRow>,
    /// Events drawn as vertical dashed lines across all rows.
    pub events: Vec<Marker>,
    /// Legend: (label, palette index).
    pub legend: Vec<(String, usize)>,
}

const W: f64 = 960.0;
const FONT: &str = "font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\"";
const ROW_H: f64 = 26.0;

/// The chart's geometry, computed once and read by each part of the drawing.
struct Frame {
    /// Left edge of the plot.
    left: f64,
    /// Width of the plot.
    plot_w: f64,
    /// Years shown.
    from: f64,
    to: f64,
    /// Top and bottom of the rows.
    top: f64,
    bottom: f64,
    /// Room for event labels above the rows.
    ev_space: f64,
}

impl Frame {
    /// The x position of year `v` (clamped to the years shown).
    fn x(&self, v: f64) -> f64 {
        self.left + (v.clamp(self.from, self.to) - self.from) / (self.to - self.from) * self.plot_w
    }
}

impl Gantt {
    /// Render a standalone SVG document.
    pub fn render(&self) -> String {
        let title = if self.synthetic {
            format!("SYNTHETIC DATA — {}", self.title)
        } else {
            self.title.clone()
        };
        let (head, y) = self.header(&title);
        let f = self.frame(y);
        let mut body = self.year_ticks(&f);
        for (i, r) in self.rows.iter().enumerate() {
            self.row(&f, i, r, &mut body);
        }
        self.event_lines(&f, &mut body);
        self.document(&f, &title, [head, body])
    }

    /// The plot's position below the header ending at `y`, and the years shown.
    fn frame(&self, y: f64) -> Frame {
        let label_w =
            self.rows.iter().map(|r| text_width(&r.label, 12.0)).fold(60.0, f64::max).min(260.0);
        let left = label_w + 24.0;
        let (from, to) =
            if self.to > self.from { (self.from, self.to) } else { (self.from, self.from + 1.0) };
        // Event labels need room above the plot.
        let ev_space = match self.events.len() {
            0 => 0.0,
            1 => 18.0,
            _ => 30.0,
        };
        let top = y + 16.0 + ev_space;
        let bottom = top + self.rows.len() as f64 * ROW_H;
        Frame { left, plot_w: W - left - 30.0, from, to, top, bottom, ev_space }
    }

    /// Title, subtitle and legend; returns them and the baseline of the last line.
    fn header(&self, title: &str) -> (String, f64) {
        let mut y = 28.0;
        let mut head = String::new();
        let _ = writeln!(
            head,
            r##"<text x="20" y="{y}" font-size="18" font-weight="bold" {FONT} fill="#111">{}</text>"##,
            escape(title)
        );
        if let Some(s) = &self.subtitle {
            y += 18.0;
            let _ = writeln!(
                head,
                r##"<text x="20" y="{y}" font-size="12.5" {FONT} fill="#444">{}</text>"##,
                escape(s)
            );
        }
        if !self.legend.is_empty() {
            y += 22.0;
            let mut lx = 20.0;
            for (l, c) in &self.legend {
                let _ = writeln!(
                    head,
                    r##"<rect x="{lx}" y="{}" width="12" height="12" fill="{}"/><text x="{}" y="{y}" font-size="12" {FONT} fill="#222">{}</text>"##,
                    y - 10.0,
                    OKABE_ITO[c % 8],
                    lx + 16.0,
                    escape(l)
                );
                lx += 36.0 + text_width(l, 12.0);
            }
        }
        (head, y)
    }

    /// Year grid lines and labels, at most 16 steps of 1, 2, 5, 10, 20, 50 or 100 years.
    fn year_ticks(&self, f: &Frame) -> String {
        let (top, bottom) = (f.top, f.bottom);
        let mut body = String::new();
        let span = f.to - f.from;
        let step = [1.0, 2.0, 5.0, 10.0, 20.0, 50.0]
            .into_iter()
            .find(|s| span / s <= 16.0)
            .unwrap_or(100.0);
        let mut t = (f.from / step).ceil() * step;
        while t <= f.to + 1e-9 {
            let xt = f.x(t);
            let _ = writeln!(
                body,
                r##"<line x1="{xt:.1}" y1="{top:.1}" x2="{xt:.1}" y2="{bottom:.1}" stroke="#E3E3E3"/><text x="{xt:.1}" y="{:.1}" font-size="11" text-anchor="middle" {FONT} fill="#333">{}</text>"##,
                bottom + 15.0,
                fmt_num(t)
            );
            t += step;
        }
        body
    }

    /// Row `i`: its shading, its label, its bars and its markers.
    fn row(&self, f: &Frame, i: usize, r: &GanttRow, body: &mut String) {
        let ry = f.top + i as f64 * ROW_H;
        if i % 2 == 1 {
            let _ = writeln!(
                body,
                r##"<rect x="{}" y="{ry:.1}" width="{:.1}" height="{ROW_H}" fill="#000" fill-opacity="0.03"/>"##,
                f.left, f.plot_w
            );
        }
        let _ = writeln!(
            body,
            r##"<text x="{:.1}" y="{:.1}" font-size="12" text-anchor="end" {FONT} fill="#222">{}</text>"##,
            f.left - 8.0,
            ry + ROW_H / 2.0 + 4.0,
            escape(&r.label)
        );
        for b in &r.bars {
            bar(f, i, &r.label, b, ry, body);
        }
        for m in &r.markers {
            let mx = f.x(m.at);
            let my = ry + ROW_H / 2.0;
            let _ = writeln!(
                body,
                r##"<path d="M{mx:.1} {:.1}L{:.1} {my:.1}L{mx:.1} {:.1}L{:.1} {my:.1}Z" fill="#111" stroke="#FFF" stroke-width="0.8"><title>{}</title></path>"##,
                my - 6.0,
                mx + 6.0,
                my + 6.0,
                mx - 6.0,
                escape(&format!("{} ({})", m.label, fmt_num(m.at.floor())))
            );
        }
    }

    /// The events: dashed vertical lines over the rows, labels above them alternating in height.
    fn event_lines(&self, f: &Frame, body: &mut String) {
        let label_top = f.top - f.ev_space;
        for (k, e) in self.events.iter().enumerate() {
            let ex = f.x(e.at);
            let _ = writeln!(
                body,
                r##"<line x1="{ex:.1}" y1="{:.1}" x2="{ex:.1}" y2="{:.1}" stroke="#D55E00" stroke-dasharray="4 3"><title>{}</title></line>"##,
                label_top + 4.0,
                f.bottom,
                escape(&e.label)
            );
            let anchor = if ex > W - 160.0 { "end" } else { "start" };
            let _ = writeln!(
                body,
                r##"<text x="{:.1}" y="{:.1}" font-size="10" text-anchor="{anchor}" {FONT} fill="#8A3A00">{}</text>"##,
                ex + if anchor == "start" { 3.0 } else { -3.0 },
                label_top + 12.0 + (k % 2) as f64 * 12.0,
                escape(&wrap(&e.label, 40).join(" "))
            );
        }
    }

    /// The SVG document: its title, its description for screen readers, and the parts.
    fn document(&self, f: &Frame, title: &str, parts: [String; 2]) -> String {
        let height = f.bottom + 30.0;
        let desc = format!(
            "Timeline from {} to {} with {} rows ({}); bars are intervals, diamonds are dated events of a row, dashed vertical lines are events: {}.",
            fmt_num(f.from),
            fmt_num(f.to),
            self.rows.len(),
            self.rows.iter().map(|r| r.label.as_str()).collect::<Vec<_>>().join(", "),
            self.events
                .iter()
                .map(|e| format!("{} ({})", e.label, fmt_num(e.at)))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let mut out = String::new();
        let _ = writeln!(
            out,
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{height:.0}" viewBox="0 0 {W} {height:.0}" role="img" aria-labelledby="t d">"##
        );
        let _ = writeln!(
            out,
            "<title id=\"t\">{}</title>\n<desc id=\"d\">{}</desc>",
            escape(title),
            escape(&desc)
        );
        let _ = writeln!(out, r##"<rect width="100%" height="100%" fill="#FFFFFF"/>"##);
        for part in parts {
            out.push_str(&part);
        }
        out.push_str("</svg>\n");
        out
    }
}

/// One bar of row `i` (labelled `row`) at `ry`: faded when ongoing, with its hover text and its
/// label inside when it fits, else after it.
fn bar(f: &Frame, i: usize, row: &str, b: &GanttBar, ry: f64, body: &mut String) {
    let col = OKABE_ITO[b.colour % 8];
    let x0 = f.x(b.from);
    let x1 = f.x(b.to.unwrap_or(f.to));
    let w = (x1 - x0).max(2.0);
    // Bars end where the next year starts (1999–2001 is drawn 1999.0..2002.0): the hover text
    // gives the last year the bar covers, as the tables do.
    let last = |t: f64| if t.fract() == 0.0 && t > b.from { t - 1.0 } else { t };
    let tip = format!(
        "{}: {}–{}{}",
        row,
        fmt_num(b.from),
        b.to.map(|t| fmt_num(last(t))).unwrap_or_else(|| "ongoing".into()),
        b.label.as_ref().map(|l| format!(" ({l})")).unwrap_or_default()
    );
    if b.to.is_none() {
        let id = format!("fade{i}_{}", (b.from * 10.0) as i64);
        let _ = writeln!(
            body,
            r##"<defs><linearGradient id="{id}"><stop offset="0.7" stop-color="{col}"/><stop offset="1" stop-color="{col}" stop-opacity="0.1"/></linearGradient></defs><rect x="{x0:.1}" y="{:.1}" width="{w:.1}" height="{:.1}" fill="url(#{id})" rx="2"><title>{}</title></rect>"##,
            ry + 5.0,
            ROW_H - 10.0,
            escape(&tip)
        );
    } else {
        let _ = writeln!(
            body,
            r##"<rect x="{x0:.1}" y="{:.1}" width="{w:.1}" height="{:.1}" fill="{col}" rx="2"><title>{}</title></rect>"##,
            ry + 5.0,
            ROW_H - 10.0,
            escape(&tip)
        );
    }
    if let Some(l) = &b.label {
        let fits = text_width(l, 10.0) + 6.0 < w;
        let (tx, fill) = if fits { (x0 + 4.0, "#FFFFFF") } else { (x1 + 4.0, "#222") };
        let _ = writeln!(
            body,
            r##"<text x="{tx:.1}" y="{:.1}" font-size="10" {FONT} fill="{fill}">{}</text>"##,
            ry + ROW_H / 2.0 + 3.5,
            escape(l)
        );
    }
}
