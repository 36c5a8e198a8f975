//! Server-side SVG charts for the pages: a locality's membership Gantt (memberships, leading
//! roles, mayoral and other office terms, named phases, events) through `mlgov-charts`, and a
//! small line chart with an interval band for diffusion curves. Each chart has alt text and the
//! page shows a table equivalent beside it.

use mlgov_charts::{escape, Gantt, GanttBar, GanttRow, Marker};

use crate::wire::{CurvePoint, TimelineOut};

/// The Gantt of a locality's time line. Open memberships run to `last_year + 1`.
pub fn gantt(t: &TimelineOut) -> String {
    let mut rows: Vec<GanttRow> = Vec::new();
    let mut events: std::collections::BTreeMap<i32, Vec<String>> = Default::default();
    let last = t.last_year.max(t.first_year);
    for r in &t.rows {
        let Some(from) = r.from else { continue };
        match r.lane.as_str() {
            "event" => events.entry(from).or_default().push(r.label.clone()),
            lane => {
                let colour = match lane {
                    "membership" if r.leading => 1,
                    "membership" => 0,
                    "term" | "network_professional" => 2,
                    _ => 3,
                };
                rows.push(GanttRow {
                    label: r.label.clone(),
                    bars: vec![GanttBar { from: from as f64, to: r.to.map(|x| x as f64 + 1.0), label: None, colour }],
                    markers: vec![],
                });
            }
        }
    }
    shorten_labels(&mut rows, t, 34);
    if !events.is_empty() {
        // One diamond per year, named: several events of a year share it (their names in the
        // hover text and in the table below), so that diamonds never overlap.
        let count: usize = events.values().map(Vec::len).sum();
        let markers = events
            .into_iter()
            .map(|(y, names)| Marker {
                at: y as f64 + 0.5,
                label: if names.len() == 1 { names[0].clone() } else { format!("{} events: {}", names.len(), names.join("; ")) },
            })
            .collect();
        rows.push(GanttRow { label: format!("events ({count})"), bars: vec![], markers });
    }
    let events = Vec::new();
    let g = Gantt {
        title: format!("{}: memberships, office terms, phases and events", t.locality.name),
        subtitle: Some(format!("{}–{}; bars fading out are still ongoing; diamonds are events (listed in the table)", t.first_year, last)),
        synthetic: false,
        from: t.first_year as f64,
        to: last as f64 + 1.0,
        rows,
        events,
        legend: vec![("member".into(), 0), ("leading role".into(), 1), ("office term".into(), 2), ("phase".into(), 3)],
    };
    g.render()
}

/// Shortens lane labels to `max` characters; lanes whose shortened labels would coincide keep
/// their beginning and end instead ("International Relations … 1995–2001"), so that no two lanes
/// read the same.
fn shorten_labels(rows: &mut [GanttRow], t: &TimelineOut, max: usize) {
    let mut spans = Vec::new();
    for r in t.rows.iter().filter(|r| r.from.is_some() && r.lane != "event") {
        let (from, to) = (r.from.unwrap_or_default(), r.to);
        spans.push(match to {
            Some(to) if to != from => format!("{from}–{to}"),
            Some(_) => from.to_string(),
            None => format!("{from}–"),
        });
    }
    let shortened: Vec<String> = rows.iter().map(|r| short(&r.label, max)).collect();
    for (i, r) in rows.iter_mut().enumerate() {
        let clash = shortened.iter().enumerate().any(|(j, s)| j != i && *s == shortened[i] && s.ends_with('…'));
        let years = spans.get(i).cloned().unwrap_or_default();
        r.label = if clash {
            let head: String = r.label.chars().take(max.saturating_sub(years.chars().count() + 3)).collect();
            format!("{}… {years}", head.trim_end())
        } else {
            shortened[i].clone()
        };
    }
}

/// Shortens a label to `max` characters with an ellipsis.
pub(crate) fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max { s.to_string() } else { format!("{}…", s.chars().take(max - 1).collect::<String>().trim_end()) }
}

/// A line chart of one or two curves with their 95 % bands (`series`: label, points).
pub fn curves(title: &str, series: &[(&str, &[CurvePoint])]) -> String {
    let (w, h, l, r, top, b) = (640.0, 300.0, 56.0, 16.0, 40.0, 44.0);
    let steps = series.iter().flat_map(|(_, p)| p.iter().map(|c| c.step)).max().unwrap_or(1).max(1) as f64;
    let ymax = series.iter().flat_map(|(_, p)| p.iter().map(|c| c.high)).fold(1.0_f64, f64::max);
    let x = |s: f64| l + (w - l - r) * s / steps;
    let y = |v: f64| top + (h - top - b) * (1.0 - v / ymax);
    let colours = ["#0072B2", "#D55E00"];
    let mut out = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-labelledby=\"dc-t dc-d\" class=\"chart\"><title id=\"dc-t\">{}</title><desc id=\"dc-d\">{}</desc>",
        escape(title),
        escape(&series.iter().map(|(n, p)| format!("{n}: {:.1} adopters after {} steps", p.last().map(|c| c.mean).unwrap_or(0.0), p.len().saturating_sub(1))).collect::<Vec<_>>().join("; "))
    );
    out.push_str(&format!("<rect x=\"0\" y=\"0\" width=\"{w}\" height=\"{h}\" fill=\"#fff\"/><text x=\"{l}\" y=\"22\" font-size=\"14\" font-weight=\"bold\">{}</text>", escape(title)));
    for i in 0..=4 {
        let v = ymax * i as f64 / 4.0;
        out.push_str(&format!("<line x1=\"{l}\" x2=\"{}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"#ddd\"/><text x=\"{}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\">{v:.1}</text>", w - r, l - 6.0, y(v) + 4.0, y = y(v)));
    }
    for (i, (name, pts)) in series.iter().enumerate() {
        let c = colours[i % 2];
        let upper: Vec<String> = pts.iter().map(|p| format!("{:.1},{:.1}", x(p.step as f64), y(p.high))).collect();
        let lower: Vec<String> = pts.iter().rev().map(|p| format!("{:.1},{:.1}", x(p.step as f64), y(p.low))).collect();
        out.push_str(&format!("<polygon points=\"{} {}\" fill=\"{c}\" fill-opacity=\"0.15\"/>", upper.join(" "), lower.join(" ")));
        let line: Vec<String> = pts.iter().map(|p| format!("{:.1},{:.1}", x(p.step as f64), y(p.mean))).collect();
        out.push_str(&format!("<polyline points=\"{}\" fill=\"none\" stroke=\"{c}\" stroke-width=\"2.5\"/>", line.join(" ")));
        out.push_str(&format!("<rect x=\"{}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{c}\"/><text x=\"{}\" y=\"{}\" font-size=\"12\">{}</text>", l + 10.0 + 200.0 * i as f64, h - 16.0, l + 26.0 + 200.0 * i as f64, h - 6.0, escape(name)));
    }
    for s in 0..=steps as usize {
        out.push_str(&format!("<text x=\"{:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\">{s}</text>", x(s as f64), h - b + 14.0));
    }
    out.push_str(&format!("<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">step</text>", w - r, h - b + 28.0));
    out.push_str("</svg>");
    out
}
