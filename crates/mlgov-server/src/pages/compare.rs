//! The compare page: two to four localities on one timeline.

use axum::extract::{RawQuery, State};
use mlgov_domain::{Id, IdKind};

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
        let columns = convert::compare_columns(&s, &ids, table3);
        let chart = mlgov_analysis::gantt::from_comparison(&columns);
        let cmp = convert::compare_out(&s, columns);
        page.sections.push(timeline_section(&cmp, &chart));
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
fn timeline_section(cmp: &CompareOut, chart: &mlgov_charts::Gantt) -> Section {
    let names: Vec<String> = cmp.localities.iter().map(|c| c.locality.name.clone()).collect();
    let mut tl = section("timeline", "On one timeline");
    tl.figure = Some(Figure {
        svg: strip_prolog(&chart.render()),
        caption: format!(
            "Memberships and mayors of {} on a shared axis (the tables below list every row, the undated included).",
            names.join(", ")
        ),
        table_id: Some("compare-1".into()),
        downloads: Vec::new(),
    });
    tl
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
