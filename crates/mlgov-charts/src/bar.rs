//! Grouped horizontal bar chart with interval whiskers: categories (e.g. actor categories) are
//! rows, series (e.g. locality size classes) are coloured bars within a row, the value axis is
//! labelled with the scale's words, and every bar carries its n.

use std::fmt::Write;

use crate::svg::{OKABE_ITO, escape, fmt_num, nice_ticks, text_width, wrap};

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Estimate (None = no answers or suppressed).
    pub value: Option<f64>,
    /// Interval lower bound.
    pub low: Option<f64>,
    /// Interval upper bound.
    pub high: Option<f64>,
    /// Respondents behind the estimate.
    pub n: usize,
    /// Draw as small-n (lighter, marked with †).
    pub small_n: bool,
    /// Suppressed for publication.
    pub suppressed: bool,
}

/// One coloured series (a group).
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    /// Legend name.
    pub name: String,
    /// One bar per category (None = not applicable).
    pub bars: Vec<Option<Bar>>,
}

/// The value axis.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueAxis {
    /// Axis title.
    pub title: String,
    /// Minimum.
    pub min: f64,
    /// Maximum.
    pub max: f64,
    /// Labelled ticks (value, words); empty = numeric ticks.
    pub ticks: Vec<(f64, String)>,
    /// Widen to fit bars and whiskers.
    pub fit_to_data: bool,
    /// Show values as percentages (0..1 → 0%..100%).
    pub percent: bool,
    /// Draw a dashed reference line here (e.g. 0.5 for a balanced share).
    pub reference: Option<f64>,
}

/// A grouped bar chart.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    /// Title.
    pub title: String,
    /// Subtitle (period, grouping, interval method).
    pub subtitle: Option<String>,
    /// Adds "SYNTHETIC DATA" to the title and a banner.
    pub synthetic: bool,
    /// Category labels (rows).
    pub categories: Vec<String>,
    /// Section headings: (index of the first category of the section, heading), e.g. actor
    /// classes. Empty = no sections.
    pub sections: Vec<(usize, String)>,
    /// Series (colours).
    pub series: Vec<Series>,
    /// Value axis.
    pub axis: ValueAxis,
    /// Footnote lines.
    pub notes: Vec<String>,
    /// Extra alt-text description.
    pub description: String,
}

const W: f64 = 960.0;
const FONT: &str = "font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\"";
const ROW_GAP: f64 = 10.0;
const SECTION_H: f64 = 20.0;

/// The chart's geometry, computed once and read by each part of the drawing.
struct Frame {
    /// Number of series (at least 1).
    ns: usize,
    /// Height of one bar.
    bar_h: f64,
    /// Height of one category row.
    row_h: f64,
    /// Left edge of the plot.
    left: f64,
    /// Width of the plot.
    plot_w: f64,
    /// Value range.
    lo: f64,
    hi: f64,
    /// Labelled ticks.
    ticks: Vec<(f64, String)>,
    /// Title with the synthetic-data mark.
    title: String,
}

impl Frame {
    /// The x position of value `v` (clamped to the range).
    fn x(&self, v: f64) -> f64 {
        self.left + (v.clamp(self.lo, self.hi) - self.lo) / (self.hi - self.lo) * self.plot_w
    }
    /// Where bars start: zero when the range holds it, else the range's start.
    fn base(&self) -> f64 {
        if self.lo <= 0.0 && self.hi >= 0.0 { 0.0 } else { self.lo }
    }
}

/// Where the rows go: each category's top, each section heading's top, the plot's bottom.
struct Rows {
    top: Vec<f64>,
    sections: Vec<(f64, String)>,
    plot_top: f64,
    plot_bottom: f64,
}

/// A value as the axis shows it: a percentage or a plain number.
fn shown(v: f64, percent: bool) -> String {
    if percent { format!("{}%", fmt_num(v * 100.0)) } else { fmt_num(v) }
}

impl BarChart {
    /// Render a standalone SVG document.
    pub fn render(&self) -> String {
        let cat_lines: Vec<Vec<String>> = self.categories.iter().map(|c| wrap(c, 30)).collect();
        let f = self.frame(&cat_lines);
        let (head, y) = self.header(&f.title);
        let rows = self.rows(y + 16.0, f.row_h);
        let mut body = self.grid(&f, &rows);
        for (ci, lines) in cat_lines.iter().enumerate() {
            self.row(&f, ci, lines, rows.top[ci], &mut body);
        }
        let (foot, height) = self.footer(&f, rows.plot_bottom);
        self.document(&f, height, [head, body, foot])
    }

    /// Bar and row sizes, the label column's width and the value range with its ticks.
    fn frame(&self, cat_lines: &[Vec<String>]) -> Frame {
        let ns = self.series.len().max(1);
        let bar_h = if ns <= 3 {
            12.0
        } else if ns <= 6 {
            9.0
        } else {
            7.0
        };
        let label_w =
            cat_lines.iter().flatten().map(|l| text_width(l, 12.0)).fold(60.0, f64::max).min(240.0);
        let left = label_w + 24.0;
        let (lo, hi, ticks) = self.range();
        let title = if self.synthetic {
            format!("SYNTHETIC DATA — {}", self.title)
        } else {
            self.title.clone()
        };
        Frame {
            ns,
            bar_h,
            row_h: ns as f64 * bar_h + ROW_GAP,
            left,
            plot_w: W - left - 70.0,
            lo,
            hi,
            ticks,
            title,
        }
    }

    /// The value range (widened to the data when asked, and to the numeric ticks) and the ticks.
    fn range(&self) -> (f64, f64, Vec<(f64, String)>) {
        let (mut lo, mut hi) = (self.axis.min, self.axis.max);
        if self.axis.fit_to_data {
            for s in &self.series {
                for b in s.bars.iter().flatten() {
                    for v in [b.value, b.low, b.high].into_iter().flatten() {
                        lo = lo.min(v);
                        hi = hi.max(v);
                    }
                }
            }
        }
        let ticks: Vec<(f64, String)> = if self.axis.ticks.is_empty() {
            let t = nice_ticks(lo, hi, 6);
            lo = lo.min(t[0]);
            hi = hi.max(*t.last().unwrap_or(&hi));
            t.into_iter().map(|v| (v, shown(v, self.axis.percent))).collect()
        } else {
            self.axis.ticks.clone()
        };
        if hi <= lo {
            hi = lo + 1.0;
        }
        (lo, hi, ticks)
    }

    /// Title, subtitle, banner and legend; returns them and the baseline of the legend's last
    /// line.
    fn header(&self, title: &str) -> (String, f64) {
        let mut y = 28.0;
        let mut head = String::new();
        let _ = writeln!(
            head,
            r##"<text x="20" y="{y}" font-size="18" font-weight="bold" {FONT} fill="#111">{}</text>"##,
            escape(title)
        );
        if let Some(sub) = &self.subtitle {
            for line in wrap(sub, 130) {
                y += 18.0;
                let _ = writeln!(
                    head,
                    r##"<text x="20" y="{y}" font-size="12.5" {FONT} fill="#444">{}</text>"##,
                    escape(&line)
                );
            }
        }
        if self.synthetic {
            y += 20.0;
            let _ = writeln!(
                head,
                r##"<rect x="20" y="{}" width="{}" height="18" fill="#FBE3D6" stroke="#D55E00"/><text x="28" y="{}" font-size="12" font-weight="bold" {FONT} fill="#8A3A00">SYNTHETIC DATA — generated for tests and demonstrations; not survey results.</text>"##,
                y - 13.0,
                W - 40.0,
                y
            );
        }
        let y = self.legend(&mut head, y + 24.0);
        (head, y)
    }

    /// The legend from baseline `y`, wrapping; returns the last line's baseline.
    fn legend(&self, head: &mut String, mut y: f64) -> f64 {
        let mut lx = 20.0;
        for (i, s) in self.series.iter().enumerate() {
            let col = OKABE_ITO[i % OKABE_ITO.len()];
            let w = 18.0 + text_width(&s.name, 12.0) + 20.0;
            if lx + w > W - 20.0 {
                lx = 20.0;
                y += 18.0;
            }
            let _ = writeln!(
                head,
                r##"<rect x="{lx}" y="{}" width="12" height="12" fill="{col}"/><text x="{}" y="{}" font-size="12" {FONT} fill="#222">{}</text>"##,
                y - 10.0,
                lx + 16.0,
                y,
                escape(&s.name)
            );
            lx += w;
        }
        y
    }

    /// The rows' positions from `plot_top`, a section heading before its first category.
    fn rows(&self, plot_top: f64, row_h: f64) -> Rows {
        let mut top = Vec::with_capacity(self.categories.len());
        let mut sections = Vec::new();
        let mut cy0 = plot_top;
        for ci in 0..self.categories.len() {
            if let Some((_, h)) = self.sections.iter().find(|(i, _)| *i == ci) {
                sections.push((cy0, h.clone()));
                cy0 += SECTION_H;
            }
            top.push(cy0);
            cy0 += row_h;
        }
        Rows { top, sections, plot_top, plot_bottom: cy0 }
    }

    /// Grid lines and tick labels, the zero and reference lines, the axis line and the section
    /// headings.
    fn grid(&self, f: &Frame, rows: &Rows) -> String {
        let (plot_top, plot_bottom) = (rows.plot_top, rows.plot_bottom);
        let mut body = String::new();
        for (v, label) in &f.ticks {
            if *v < f.lo - 1e-9 || *v > f.hi + 1e-9 {
                continue;
            }
            let xv = f.x(*v);
            let _ = writeln!(
                body,
                r##"<line x1="{xv:.1}" y1="{plot_top:.1}" x2="{xv:.1}" y2="{plot_bottom:.1}" stroke="#E3E3E3"/>"##
            );
            for (k, line) in wrap(label, 12).iter().enumerate() {
                let _ = writeln!(
                    body,
                    r##"<text x="{xv:.1}" y="{:.1}" font-size="11" text-anchor="middle" {FONT} fill="#333">{}</text>"##,
                    plot_bottom + 16.0 + k as f64 * 13.0,
                    escape(line)
                );
            }
        }
        if f.lo < 0.0 && f.hi > 0.0 {
            let _ = writeln!(
                body,
                r##"<line x1="{0:.1}" y1="{plot_top:.1}" x2="{0:.1}" y2="{plot_bottom:.1}" stroke="#777"/>"##,
                f.x(0.0)
            );
        }
        if let Some(r) = self.axis.reference {
            let _ = writeln!(
                body,
                r##"<line x1="{0:.1}" y1="{plot_top:.1}" x2="{0:.1}" y2="{plot_bottom:.1}" stroke="#555" stroke-dasharray="4 3"/>"##,
                f.x(r)
            );
        }
        let (left, right) = (f.left, f.left + f.plot_w);
        let _ = writeln!(
            body,
            r##"<line x1="{left}" y1="{plot_bottom:.1}" x2="{right:.1}" y2="{plot_bottom:.1}" stroke="#333"/>"##,
        );
        for (sy, h) in &rows.sections {
            let _ = writeln!(
                body,
                r##"<text x="20" y="{:.1}" font-size="12.5" font-weight="bold" {FONT} fill="#111">{}</text><line x1="20" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="#999" stroke-width="0.8"/>"##,
                sy + 14.0,
                escape(h),
                sy + 18.0,
                right,
                sy + 18.0
            );
        }
        body
    }

    /// Category `ci`'s row from `row_top`: its shading, its label lines and its bars.
    fn row(&self, f: &Frame, ci: usize, lines: &[String], row_top: f64, body: &mut String) {
        let top = row_top + ROW_GAP / 2.0;
        let mid = top + f.ns as f64 * f.bar_h / 2.0;
        if ci % 2 == 1 {
            let _ = writeln!(
                body,
                r##"<rect x="{}" y="{:.1}" width="{:.1}" height="{:.1}" fill="#000" fill-opacity="0.025"/>"##,
                f.left,
                top - ROW_GAP / 2.0,
                f.plot_w,
                f.row_h
            );
        }
        let n_lines = lines.len() as f64;
        for (k, line) in lines.iter().enumerate() {
            let ly = mid + 4.0 + (k as f64 - (n_lines - 1.0) / 2.0) * 13.0;
            let _ = writeln!(
                body,
                r##"<text x="{:.1}" y="{ly:.1}" font-size="12" text-anchor="end" {FONT} fill="#222">{}</text>"##,
                f.left - 8.0,
                escape(line)
            );
        }
        for si in 0..self.series.len() {
            self.bar(f, si, ci, top + si as f64 * f.bar_h, body);
        }
    }

    /// The tooltip of a bar: series, category, value, interval and n.
    fn tip(&self, s: &Series, ci: usize, b: &Bar) -> String {
        let percent = self.axis.percent;
        let value = b.value.map_or_else(|| "–".into(), |v| shown(v, percent));
        let iv = match (b.low, b.high) {
            (Some(l), Some(h)) => format!(" [{}, {}]", shown(l, percent), shown(h, percent)),
            _ => String::new(),
        };
        format!("{} — {}: {value}{iv}, n={}", s.name, self.categories[ci], b.n)
    }

    /// The bar of series `si` in category `ci` from `by`, if any: the bar with its whisker, and
    /// its n.
    fn bar(&self, f: &Frame, si: usize, ci: usize, by: f64, body: &mut String) {
        let s = &self.series[si];
        let Some(Some(b)) = s.bars.get(ci) else { return };
        let col = OKABE_ITO[si % OKABE_ITO.len()];
        let cy = by + f.bar_h / 2.0;
        let mut end = f.x(f.base());
        if let Some(v) = b.value {
            let (x0, x1) = (f.x(f.base()).min(f.x(v)), f.x(f.base()).max(f.x(v)));
            let op = if b.small_n {
                "0.35\" stroke=\"".to_string() + col + "\" stroke-width=\"1"
            } else {
                "1".to_string()
            };
            let _ = writeln!(
                body,
                r##"<rect x="{x0:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{col}" fill-opacity="{op}"><title>{}</title></rect>"##,
                by + 0.5,
                (x1 - x0).max(0.8),
                f.bar_h - 1.0,
                escape(&self.tip(s, ci, b))
            );
            end = end.max(f.x(v));
            if let (Some(l), Some(h)) = (b.low, b.high) {
                let (xl, xh) = (f.x(l), f.x(h));
                let _ = writeln!(
                    body,
                    r##"<path d="M{xl:.1} {cy:.1}H{xh:.1}M{xl:.1} {:.1}V{:.1}M{xh:.1} {:.1}V{:.1}" stroke="#222" stroke-width="1.1" fill="none"/>"##,
                    cy - 3.0,
                    cy + 3.0,
                    cy - 3.0,
                    cy + 3.0
                );
                end = end.max(xh);
            }
        }
        // A suppressed cell says nothing, not even its n (below the publication minimum).
        let label = if b.suppressed {
            "suppressed".to_string()
        } else if b.value.is_none() {
            "no answers".to_string()
        } else if b.small_n {
            format!("n={}†", b.n)
        } else {
            format!("n={}", b.n)
        };
        let fill = if b.small_n || b.suppressed { "#B04000" } else { "#666" };
        let fs = (f.bar_h - 1.0).clamp(7.0, 9.5);
        let _ = writeln!(
            body,
            r##"<text x="{:.1}" y="{:.1}" font-size="{fs}" {FONT} fill="{fill}">{}</text>"##,
            end + 4.0,
            cy + fs / 2.8,
            escape(&label)
        );
    }

    /// The axis title and the notes below the plot; returns them and the document's height.
    fn footer(&self, f: &Frame, plot_bottom: f64) -> (String, f64) {
        let max_tick_lines =
            f.ticks.iter().map(|(_, l)| wrap(l, 12).len()).max().unwrap_or(1) as f64;
        let mut fy = plot_bottom + 16.0 + max_tick_lines * 13.0 + 8.0;
        let mut foot = String::new();
        let _ = writeln!(
            foot,
            r##"<text x="{:.1}" y="{fy:.1}" font-size="12.5" text-anchor="middle" {FONT} fill="#222">{}</text>"##,
            f.left + f.plot_w / 2.0,
            escape(&self.axis.title)
        );
        fy += 8.0;
        let mut notes = self.notes.clone();
        if self.series.iter().flat_map(|s| s.bars.iter().flatten()).any(|b| b.small_n) {
            notes.push("† small n (pale, outlined bar): interpret with caution.".into());
        }
        for n in &notes {
            for line in wrap(n, 150) {
                fy += 15.0;
                let _ = writeln!(
                    foot,
                    r##"<text x="20" y="{fy:.1}" font-size="11" {FONT} fill="#555">{}</text>"##,
                    escape(&line)
                );
            }
        }
        (foot, fy + 16.0)
    }

    /// The SVG document: its title, its description for screen readers, and the parts.
    fn document(&self, f: &Frame, height: f64, parts: [String; 3]) -> String {
        let desc = format!(
            "Grouped horizontal bar chart. Rows: {}. Colours: {}. Value axis: {} from {} to {}. Whiskers show intervals; each bar is labelled with its number of respondents. {}",
            self.categories.join(", "),
            self.series.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", "),
            self.axis.title,
            fmt_num(f.lo),
            fmt_num(f.hi),
            self.description
        );
        let mut out = String::new();
        let _ = writeln!(
            out,
            r##"<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{height:.0}" viewBox="0 0 {W} {height:.0}" role="img" aria-labelledby="t d">"##
        );
        let _ = writeln!(out, "<title id=\"t\">{}</title>", escape(&f.title));
        let _ = writeln!(out, "<desc id=\"d\">{}</desc>", escape(desc.trim()));
        let _ = writeln!(out, r##"<rect width="100%" height="100%" fill="#FFFFFF"/>"##);
        for part in parts {
            out.push_str(&part);
        }
        out.push_str("</svg>\n");
        out
    }
}
