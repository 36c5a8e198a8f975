//! The compare page: two to four localities on one timeline.

use axum::extract::{RawQuery, State};
use mlgov_domain::{Id, IdKind};

use mlgov_analysis::gantt::short_label;
use mlgov_charts::{Gantt, GanttBar, GanttRow};

use crate::convert;
use crate::params::Params;
use crate::state::{AppState, Snapshot};
use crate::wire::CompareOut;

use super::download::{download_param, finish};
use super::findings::strip_prolog;
use super::model::{Field, Figure, Form, Page, Section, section, select, t};
use super::render::PageResult;
use super::tables::{compared_mayors_table, compared_memberships_table};

/// Localities named by the user (names, aliases or ids, accents optional), distinct, with a
/// sentence for each name that does not resolve: a page that compares never fails on them.
pub(super) fn pick_localities<'a>(
    s: &Snapshot,
    names: impl Iterator<Item = &'a str>,
) -> (Vec<Id>, Vec<String>) {
    let mut ids: Vec<Id> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    for name in names.map(str::trim).filter(|n| !n.is_empty()) {
        match s.index.resolve(name, &[IdKind::Locality]) {
            mlgov_domain::Resolution::Found(id) if !ids.contains(&id) => ids.push(id),
            mlgov_domain::Resolution::Found(_) => {}
            mlgov_domain::Resolution::Ambiguous(c) => problems.push(format!(
                "“{name}” names several localities: {}",
                c.iter().map(|(_, d)| d.clone()).collect::<Vec<_>>().join(", ")
            )),
            mlgov_domain::Resolution::NotFound => {
                problems.push(format!("no locality named “{name}”"))
            }
        }
    }
    (ids, problems)
}

/// `/compare?l1=…&l2=…&l3=…&l4=…`: two to four localities on one shared timeline of their
/// memberships (all of them, with roles) and their mayors, picked from lists; then each one's
/// table, side by side in the page order.
pub(super) async fn compare_page(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let picked: Vec<String> = ["l1", "l2", "l3", "l4"]
        .iter()
        .filter_map(|k| p.string(k))
        .filter(|v| !v.trim().is_empty())
        .collect();
    let table3 = p.bool("table3").unwrap_or(false);
    let dl = download_param(&mut p);
    p.finish()?;
    let (ids, problems) = pick_localities(&s, picked.iter().map(String::as_str));
    let mut page =
        Page { title: "Compare localities".into(), nav: "analyses".into(), ..Page::default() };
    page.lead.push("Two to four localities on one shared timeline: every membership with its role, and the mayors, as the sources date them.".into());
    page.form = Some(compare_form(&s, &ids, table3));
    if !problems.is_empty() {
        page.notice = Some(problems.join("; "));
    } else if ids.len() < 2 {
        page.notice = Some(if ids.len() == 1 {
            format!("Choose at least one more locality to compare with {}.", s.name(&ids[0]))
        } else {
            "Choose two to four localities.".to_string()
        });
    }
    if ids.len() >= 2 {
        let cmp = convert::compare(&s, &ids, table3);
        page.sections.push(timeline_section(&cmp));
        page.sections.push(tables_section(&cmp));
    }
    finish(&s, page, "/compare", q.as_deref(), dl)
}

/// Four lists of localities (the first two required) and which memberships.
fn compare_form(s: &Snapshot, ids: &[Id], table3: bool) -> Form {
    let mut choices: Vec<(String, String)> =
        s.kb.localities.iter().map(|l| (l.id.body().to_string(), s.name(&l.id))).collect();
    choices.sort_by_key(|a| mlgov_domain::fold(&a.1));
    let value = |i: usize| ids.get(i).map(|x| x.body().to_string()).unwrap_or_default();
    let mut fields: Vec<Field> = (0..4)
        .map(|i| {
            let mut opts = vec![(
                String::new(),
                if i < 2 { "choose a locality".to_string() } else { "(none)".to_string() },
            )];
            opts.extend(choices.iter().cloned());
            select(&format!("l{}", i + 1), &format!("Locality {}", i + 1), &value(i), opts)
        })
        .collect();
    fields.push(select(
        "table3",
        "Memberships",
        if table3 { "true" } else { "false" },
        vec![
            ("false".into(), "all, with roles".into()),
            ("true".into(), "only those of Caponio & Clément's Table 3".into()),
        ],
    ));
    Form {
        action: "/compare".into(),
        label: "Localities to compare".into(),
        submit: "Compare".into(),
        auto: false,
        fields,
    }
}

/// The compared localities on one Gantt chart.
fn timeline_section(cmp: &CompareOut) -> Section {
    let names: Vec<String> = cmp.localities.iter().map(|c| c.locality.name.clone()).collect();
    let mut tl = section("timeline", "On one timeline");
    tl.figure = Some(Figure {
        svg: strip_prolog(&compare_chart(cmp, &names).render()),
        caption: format!(
            "Memberships and mayors of {} on a shared axis (the tables below list every row, the undated included).",
            names.join(", ")
        ),
        table_id: Some("compare-1".into()),
        downloads: Vec::new(),
    });
    tl
}

/// One row of the chart: one bar from a dated start, fading out when still running.
fn dated_row(label: &str, from: i32, to: Option<i32>, colour: usize) -> GanttRow {
    GanttRow {
        label: short_label(label, 40),
        bars: vec![GanttBar {
            from: from as f64,
            to: to.map(|t| t as f64 + 1.0),
            label: None,
            colour,
        }],
        markers: vec![],
    }
}

/// The chart of the compared localities: per locality, a row per dated mayor then a row per dated
/// membership, each locality in its own pair of colours (membership `2k`, mayor `2k + 1`).
///
/// Built here, not by `mlgov_analysis::gantt::from_timelines`: none of its layouts colours by
/// locality, keeps only memberships and mayors (it also draws phases, events and other office
/// terms), labels a membership "<locality>: <network> (<role>)" and a mayor "<locality>: mayor
/// <name>" cut at 40 characters, or filters to Table 3 (`table3=true`).
fn compare_chart(cmp: &CompareOut, names: &[String]) -> Gantt {
    let first = cmp
        .localities
        .iter()
        .flat_map(|c| {
            c.memberships
                .iter()
                .filter_map(|m| m.from)
                .chain(c.mayors.iter().filter_map(|m| m.from))
        })
        .min()
        .unwrap_or(2000);
    let last = cmp
        .localities
        .iter()
        .flat_map(|c| {
            c.memberships
                .iter()
                .flat_map(|m| [m.from, m.to])
                .chain(c.mayors.iter().flat_map(|m| [m.from, m.to]))
        })
        .flatten()
        .max()
        .unwrap_or(first)
        .max(first);
    let mut rows = Vec::new();
    for (k, col) in cmp.localities.iter().enumerate() {
        let name = &col.locality.name;
        for m in &col.mayors {
            if let Some(from) = m.from {
                rows.push(dated_row(&format!("{name}: mayor {}", m.name), from, m.to, 2 * k + 1));
            }
        }
        for m in &col.memberships {
            if let Some(from) = m.from {
                let label = format!("{name}: {} ({})", m.network.name, m.role.replace('_', " "));
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

/// Each compared locality's memberships and mayors, as tables.
fn tables_section(cmp: &CompareOut) -> Section {
    let mut c = section("compare", "Each locality");
    for (i, col) in cmp.localities.iter().enumerate() {
        let undated = col.memberships.iter().filter(|m| m.from.is_none()).count();
        c.tables.push(compared_memberships_table(
            &format!("compare-{}", i + 1),
            format!(
                "{}: memberships{}",
                col.locality.name,
                if undated > 0 {
                    format!(" ({undated} without a start year, not on the timeline)")
                } else {
                    String::new()
                }
            ),
            &col.memberships,
            &|role| t(role.replace('_', " ")),
        ));
        c.tables.push(compared_mayors_table(
            &format!("mayors-{}", i + 1),
            format!("{}: mayors", col.locality.name),
            &col.mayors,
        ));
    }
    c
}
