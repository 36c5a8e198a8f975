//! The one home of every Gantt chart's input (rows of bars, markers, legend): locality time lines
//! (`from_timelines`, the CLI's `--figure` and the explorer's locality page) and the comparison of
//! localities (`from_comparison`, the explorer's `/compare`); it reads typed rows, never labels.

use std::collections::{BTreeMap, BTreeSet};

use mlgov_charts::{Gantt, GanttBar, GanttRow, Marker};
use mlgov_domain::{Id, Office, Orientation};

use crate::tables::CityColumn;
use crate::trajectory::{Lane, RowDetail, Timeline, TimelineRow};

/// How the rows of a time line are arranged on the chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GanttLayout {
    /// The figure of `mlgov timeline|compare --figure`: per locality, one row per network (a
    /// bar per membership, leading roles in a second colour, roles other than plain membership
    /// written on the bar), a row of mayors coloured by orientation, a row of network
    /// professionals, a row of the authors' phases and a row of events. Open intervals run to
    /// `until`.
    ByNetwork {
        /// Last year of open intervals.
        until: i32,
    },
    /// The explorer's locality page: one row per dated statement, in the order of the table
    /// beside the chart (so the hover text and the table agree), open intervals fading out, and
    /// the events gathered into one diamond per year.
    ByStatement,
}

/// Maps time lines (usually one; several share the axis, each row prefixed with its locality)
/// onto the Gantt chart's input. Rows without a first year are left out (the tables list them).
pub fn from_timelines(timelines: &[Timeline], layout: GanttLayout) -> Gantt {
    match layout {
        GanttLayout::ByNetwork { until } => by_network(timelines, until),
        GanttLayout::ByStatement => by_statement(timelines),
    }
}

/// The chart of compared localities (`tables::compare`), the explorer's `/compare`: per locality,
/// a row per dated mayor then a row per dated membership, each locality in its own pair of colours
/// (membership `2k`, mayor `2k + 1`), open intervals fading out. Only memberships and mayors, as
/// the comparison (Table 3 of file 000 with `table3=true`) holds them; undated rows are left out
/// (the page's tables list them).
pub fn from_comparison(columns: &[CityColumn]) -> Gantt {
    let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    let spans = columns.iter().flat_map(|c| {
        let ms = c.memberships.iter().map(|m| (m.from, m.to));
        ms.chain(c.mayors.iter().map(|m| (m.from, m.to)))
    });
    let first = spans.clone().filter_map(|(from, _)| from).min().unwrap_or(2000);
    let last = spans.flat_map(|(from, to)| [from, to]).flatten().max().unwrap_or(first).max(first);
    let mut rows = Vec::new();
    for (k, col) in columns.iter().enumerate() {
        let name = &col.name;
        for m in &col.mayors {
            if let Some(from) = m.from {
                rows.push(dated_row(&format!("{name}: mayor {}", m.name), from, m.to, 2 * k + 1));
            }
        }
        for m in &col.memberships {
            if let Some(from) = m.from {
                let label = format!("{name}: {} ({})", m.name, m.role.replace('_', " "));
                rows.push(dated_row(&label, from, m.to, 2 * k));
            }
        }
    }
    Gantt {
        title: format!("{} on one timeline", names.join(", ")),
        subtitle: Some(format!(
            "{first}–{last}; memberships and mayors with dated starts; bars fading out are still running"
        )),
        synthetic: false,
        from: first as f64,
        to: last as f64 + 1.0,
        rows,
        events: vec![],
        legend: names
            .iter()
            .enumerate()
            .flat_map(|(k, n)| {
                [(format!("{n}: membership"), 2 * k), (format!("{n}: mayor"), 2 * k + 1)]
            })
            .collect(),
    }
}

/// One row of a comparison: one bar from a dated start, fading out when still running.
fn dated_row(label: &str, from: i32, to: Option<i32>, colour: usize) -> GanttRow {
    let bar = GanttBar { from: from as f64, to: to.map(|t| t as f64 + 1.0), label: None, colour };
    GanttRow { label: short_label(label, 40), bars: vec![bar], markers: vec![] }
}

/// Shortens a label to `max` characters, ending in an ellipsis when it was cut.
pub fn short_label(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max - 1).collect::<String>().trim_end())
    }
}

/// The prefix naming a time line's locality when several share a chart.
fn prefix(timelines: &[Timeline], tl: &Timeline, separator: &str) -> String {
    if timelines.len() > 1 { format!("{}{separator}", tl.name) } else { String::new() }
}

/// A bar over a row's years, open intervals ending at `until` (inclusive).
fn closed_bar(
    r: &TimelineRow,
    from: i32,
    until: i32,
    label: Option<String>,
    colour: usize,
) -> GanttBar {
    GanttBar { from: from as f64, to: Some((r.to.unwrap_or(until) + 1) as f64), label, colour }
}

fn by_network(timelines: &[Timeline], until: i32) -> Gantt {
    let mut rows = Vec::new();
    let (mut y0, mut y1) = (i32::MAX, i32::MIN);
    for tl in timelines {
        y0 = y0.min(tl.first_year);
        y1 = y1.max(tl.last_year).max(until);
        network_rows(timelines, tl, until, &mut rows);
    }
    if y0 == i32::MAX {
        y0 = until - 10;
        y1 = until;
    }
    let names: Vec<&str> = timelines.iter().map(|t| t.name.as_str()).collect();
    Gantt {
        title: format!("{} — participation in city networks", names.join(" and ")),
        subtitle: Some("memberships and roles, mayoral terms, the authors' phases and events; every bar is a sourced statement".into()),
        synthetic: false,
        from: y0 as f64,
        to: (y1 + 1) as f64,
        rows,
        events: Vec::new(),
        legend: vec![("member".into(), 0), ("leading role".into(), 1), ("progressive mayor".into(), 2), ("conservative mayor".into(), 3), ("other mayor".into(), 4), ("phase".into(), 5)],
    }
}

/// The rows of one time line by network: a row per network (its memberships), then mayors,
/// network professionals, the authors' phases and events, each when it has any.
fn network_rows(timelines: &[Timeline], tl: &Timeline, until: i32, rows: &mut Vec<GanttRow>) {
    let prefix = prefix(timelines, tl, " · ");
    let mut by_network: Vec<(&Id, &str, Vec<GanttBar>)> = Vec::new();
    let (mut mayors, mut pros, mut phases, mut markers) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut phase_names = BTreeSet::new();
    for r in &tl.rows {
        let Some(from) = r.from else { continue };
        match &r.detail {
            RowDetail::Membership { network, network_name, role, via } => {
                let role = format!(
                    "{role}{}",
                    via.as_ref().map(|v| format!(" (via {v})")).unwrap_or_default()
                );
                let bar = closed_bar(
                    r,
                    from,
                    until,
                    (role != "member").then_some(role),
                    if r.leading { 1 } else { 0 },
                );
                match by_network.iter_mut().find(|(n, _, _)| *n == network) {
                    Some((_, _, bars)) => bars.push(bar),
                    None => by_network.push((network, network_name, vec![bar])),
                }
            }
            RowDetail::Term { person_name, office: Office::Mayor, orientation, .. } => {
                let colour = match orientation {
                    Some(Orientation::Progressive) => 2,
                    Some(Orientation::Conservative) => 3,
                    _ => 4,
                };
                mayors.push(closed_bar(r, from, until, Some(person_name.clone()), colour));
            }
            RowDetail::Term { .. } => {}
            RowDetail::NetworkProfessional { person_name, .. } => pros.push(closed_bar(
                r,
                from,
                until,
                Some(person_name.chars().take(28).collect()),
                4,
            )),
            RowDetail::Phase { name } if phase_names.insert(name) => {
                phases.push(closed_bar(r, from, until, Some(name.chars().take(28).collect()), 5))
            }
            RowDetail::Phase { .. } => {}
            RowDetail::Event { .. } => markers
                .push(Marker { at: from as f64 + 0.5, label: r.label.chars().take(40).collect() }),
        }
    }
    for (_, name, bars) in by_network {
        rows.push(GanttRow {
            label: short_label(&format!("{prefix}{name}"), 32),
            bars,
            markers: Vec::new(),
        });
    }
    for (label, bars) in
        [("mayors", mayors), ("network professionals", pros), ("phases (authors)", phases)]
    {
        if !bars.is_empty() {
            rows.push(GanttRow { label: format!("{prefix}{label}"), bars, markers: Vec::new() });
        }
    }
    if !markers.is_empty() {
        rows.push(GanttRow { label: format!("{prefix}events"), bars: Vec::new(), markers });
    }
}

/// Lane labels are shortened to this many characters on the explorer's chart.
const STATEMENT_LABEL: usize = 34;

fn by_statement(timelines: &[Timeline]) -> Gantt {
    let mut rows: Vec<GanttRow> = Vec::new();
    let mut spans: Vec<String> = Vec::new();
    let mut events: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    let (mut first, mut last) = (i32::MAX, i32::MIN);
    for tl in timelines {
        first = first.min(tl.first_year);
        last = last.max(tl.last_year.max(tl.first_year));
        let prefix = prefix(timelines, tl, ": ");
        for r in &tl.rows {
            let Some(from) = r.from else { continue };
            let colour = match r.lane {
                Lane::Event => {
                    events.entry(from).or_default().push(format!("{prefix}{}", r.label));
                    continue;
                }
                Lane::Membership if r.leading => 1,
                Lane::Membership => 0,
                Lane::Term | Lane::NetworkProfessional => 2,
                Lane::Phase => 3,
            };
            rows.push(GanttRow {
                label: format!("{prefix}{}", r.label),
                bars: vec![GanttBar {
                    from: from as f64,
                    to: r.to.map(|x| x as f64 + 1.0),
                    label: None,
                    colour,
                }],
                markers: vec![],
            });
            spans.push(match r.to {
                Some(to) if to != from => format!("{from}–{to}"),
                Some(_) => from.to_string(),
                None => format!("{from}–"),
            });
        }
    }
    if first == i32::MAX {
        (first, last) = (2000, 2020);
    }
    shorten_labels(&mut rows, &spans, STATEMENT_LABEL);
    if !events.is_empty() {
        // One diamond per year, named: several events of a year share it (their names in the
        // hover text and in the table beside the chart), so that diamonds never overlap.
        let count: usize = events.values().map(Vec::len).sum();
        let markers = events
            .into_iter()
            .map(|(y, names)| Marker {
                at: y as f64 + 0.5,
                label: if names.len() == 1 {
                    names[0].clone()
                } else {
                    format!("{} events: {}", names.len(), names.join("; "))
                },
            })
            .collect();
        rows.push(GanttRow { label: format!("events ({count})"), bars: vec![], markers });
    }
    let names: Vec<&str> = timelines.iter().map(|t| t.name.as_str()).collect();
    Gantt {
        title: format!("{}: memberships, office terms, phases and events", names.join(" and ")),
        subtitle: Some(format!(
            "{first}–{last}; bars fading out are still ongoing; diamonds are events (listed in the table)"
        )),
        synthetic: false,
        from: first as f64,
        to: last as f64 + 1.0,
        rows,
        events: Vec::new(),
        legend: vec![
            ("member".into(), 0),
            ("leading role".into(), 1),
            ("office term".into(), 2),
            ("phase".into(), 3),
        ],
    }
}

/// Shortens row labels to `max` characters; rows whose shortened labels would coincide keep
/// their beginning and their years (`spans`, one per row) instead ("International Relations …
/// 1995–2001"), so that no two rows read the same.
fn shorten_labels(rows: &mut [GanttRow], spans: &[String], max: usize) {
    let shortened: Vec<String> = rows.iter().map(|r| short_label(&r.label, max)).collect();
    for (i, r) in rows.iter_mut().enumerate() {
        let clash = shortened
            .iter()
            .enumerate()
            .any(|(j, s)| j != i && *s == shortened[i] && s.ends_with('…'));
        r.label = if clash {
            let years = &spans[i];
            let head: String =
                r.label.chars().take(max.saturating_sub(years.chars().count() + 3)).collect();
            format!("{}… {years}", head.trim_end())
        } else {
            shortened[i].clone()
        };
    }
}
