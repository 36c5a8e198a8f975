//! The analyses page: the cross-tabulations and tests of the base.

use axum::extract::{RawQuery, State};
use mlgov_analysis::tables::{CROSSTABS, fmt_count};

use crate::convert;
use crate::params::Params;
use crate::state::{AppState, Snapshot};
use crate::wire::*;
use mlgov_domain::Id;

use super::compare::pick_localities;
use super::download::{download_param, finish};
use super::model::{
    Cell, Field, Form, Page, Section, cite, input, link, n, opt, r, section, select, t, table, yr,
};
use super::render::PageResult;
use super::tables::{
    compared_mayors_table, compared_memberships_table, from_cell, table_of, to_cell,
};

/// `/analyses`: the papers' tables reproduced from the statements, one section each.
pub(super) async fn analyses(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let compare = p.string("compare").unwrap_or_else(|| "Turin,Saint-Etienne".into());
    let table3 = p.bool("table3").unwrap_or(false);
    let window = p.int("window", 0..=50).unwrap_or(5) as i32;
    let min_cso = p.int("min_cso", 0..=100).unwrap_or(2) as usize;
    let (ids, problems) = pick_localities(&s, compare.split(','));
    let dl = download_param(&mut p);
    p.finish()?;
    let mut page = Page { title: "Analyses".into(), nav: "analyses".into(), ..Page::default() };
    if !problems.is_empty() || ids.len() < 2 {
        page.notice = Some(format!(
            "Comparison: {}",
            if problems.is_empty() {
                "name at least two localities, separated by commas".to_string()
            } else {
                problems.join("; ")
            }
        ));
    }
    page.lead.push("The papers' tables reproduced from the statements: the Turin / Saint-Étienne comparison, Whole-COMM cross-tabs, national configurations, named phases, the hypotheses on militant networks and the typology of every network.".into());
    page.form = Some(settings_form(&compare, table3, window, min_cso));
    page.sections.extend([
        compare_section(&s, &ids, table3),
        crosstabs_section(&s),
        countries_section(&s),
        phases_section(&s),
        hypotheses_section(&s, window, min_cso),
        typology_section(&s),
    ]);
    finish(&s, page, "/analyses", q.as_deref(), dl)
}

/// The settings: the localities compared, which memberships, and the hypotheses' thresholds.
fn settings_form(compare: &str, table3: bool, window: i32, min_cso: usize) -> Form {
    Form {
        action: "/analyses".into(),
        label: "Settings".into(),
        submit: "Update".into(),
        auto: false,
        fields: vec![
            Field {
                placeholder: Some("Turin,Saint-Etienne".into()),
                ..input("compare", "Compare (comma-separated)", "text", compare)
            },
            select(
                "table3",
                "Memberships",
                if table3 { "true" } else { "false" },
                vec![
                    ("false".into(), "all, with roles".into()),
                    ("true".into(), "Table 3 only".into()),
                ],
            ),
            Field {
                min: Some(0),
                max: Some(50),
                ..input("window", "H1 window (years)", "number", &window.to_string())
            },
            Field {
                min: Some(0),
                max: Some(100),
                ..input("min_cso", "H2 civil-society threshold", "number", &min_cso.to_string())
            },
        ],
    }
}

/// The localities side by side: memberships and mayors of each.
fn compare_section(s: &Snapshot, ids: &[Id], table3: bool) -> Section {
    let cmp = convert::compare(s, ids, table3);
    let mut c = section("compare", "Localities side by side");
    c.links.push(link(
        "Compare them on one timeline",
        Some(format!(
            "/compare?{}",
            ids.iter()
                .enumerate()
                .map(|(i, x)| format!("l{}={}", i + 1, x.body()))
                .collect::<Vec<_>>()
                .join("&")
        )),
    ));
    for (i, col) in cmp.localities.iter().enumerate() {
        c.tables.push(compared_memberships_table(
            &format!("compare-{}", i + 1),
            format!(
                "{}: memberships{}",
                col.locality.name,
                if col.mode.is_empty() {
                    String::new()
                } else {
                    format!(" (mode: {})", col.mode.join(", ").replace('_', " "))
                }
            ),
            &col.memberships,
            &|role| t(role),
        ));
        c.tables.push(compared_mayors_table(
            &format!("mayors-{}", i + 1),
            format!("{}: mayors", col.locality.name),
            &col.mayors,
        ));
    }
    c
}

/// The Whole-COMM cross-tabs, each with its row and column totals.
fn crosstabs_section(s: &Snapshot) -> Section {
    let mut x = section("crosstabs", "Whole-COMM cross-tabs");
    for spec in CROSSTABS.iter() {
        let ct = convert::crosstab(s, spec);
        let mut headers: Vec<String> = vec![String::new()];
        headers.extend(ct.columns.iter().cloned());
        headers.push("total".into());
        let mut rows: Vec<Vec<Cell>> = ct
            .rows
            .iter()
            .enumerate()
            .map(|(i, rname)| {
                let mut row = vec![t(rname.replace('_', " "))];
                row.extend(ct.counts[i].iter().map(|v| n(fmt_count(*v))));
                row.push(n(fmt_count(ct.row_totals[i])));
                row
            })
            .collect();
        let mut tot = vec![t("total")];
        tot.extend(ct.column_totals.iter().map(|v| n(fmt_count(*v))));
        tot.push(n(fmt_count(ct.total)));
        rows.push(tot);
        let hs: Vec<&str> = headers.iter().map(|h| h.as_str()).collect();
        x.tables.push(table(&ct.name, &ct.title, &hs, rows));
    }
    x
}

/// National / regional policy configurations and localities per country.
fn countries_section(s: &Snapshot) -> Section {
    let cs = convert::countries(s);
    let mut co = section("countries", "Countries");
    co.tables.push(table_of(
        "countries",
        "National / regional policy configurations and localities per country",
        &cs.countries,
        &[
            ("country", &|c: &CountryOut| t(&c.country)),
            ("configurations", &|c| t(c.configurations.join(", ").replace('_', " "))),
            ("localities", &|c| n(c.localities)),
            ("memberships", &|c| n(c.memberships)),
        ],
    ));
    co
}

/// The trajectory phases as the authors name them.
fn phases_section(s: &Snapshot) -> Section {
    let mut ph = section("phases", "Trajectory phases as the authors name them");
    let mut phs: Vec<&mlgov_domain::Phase> = s.kb.phases.iter().collect();
    phs.sort_by(|a, b| a.locality.cmp(&b.locality).then(a.when.cmp(&b.when)));
    let phases: Vec<PhaseOut> = phs.iter().map(|x| convert::phase(s, x)).collect();
    ph.tables.push(table_of(
        "phases",
        "Named phases",
        &phases,
        &[
            ("locality", &|o: &PhaseOut| r(&o.locality)),
            ("phase", &|o| t(&o.label)),
            ("kind", &|o| opt(&o.kind)),
            ("from", &|o| from_cell(&o.when)),
            ("to", &|o| to_cell(&o.when)),
            ("source", &|o| cite(&o.citation)),
        ],
    ));
    ph
}

/// Yes, no or unknown.
fn yes_no(c: Option<bool>) -> &'static str {
    match c {
        Some(true) => "yes",
        Some(false) => "no",
        None => "unknown",
    }
}

/// The hypotheses on militant networks: the paper's cases beside mlgov's reading, and every
/// network compared.
fn hypotheses_section(s: &Snapshot, window: i32, min_cso: usize) -> Section {
    let hy = convert::hypotheses_out(s, window, min_cso);
    let mut hs = section("hypotheses", "Hypotheses on militant networks");
    for h in &hy.hypotheses {
        hs.paragraphs
            .push(format!("{}: {} The paper's verdict: {}.", h.id, h.statement, h.paper_verdict));
        hs.paragraphs
            .push(format!("mlgov computes, for each network: {}. {}", h.computed_rule, h.sentence));
        let cases: Vec<(&HypothesisRowOut, &mlgov_analysis::hypotheses::Reading)> =
            h.rows.iter().filter_map(|x| x.paper.as_ref().map(|p| (x, p))).collect();
        hs.tables.push(table_of(
            &format!("{}-cases", h.id.to_lowercase()),
            format!("{}: the paper's cases — its reading beside mlgov's", h.id),
            &cases,
            &[
                ("network", &|(x, _): &(
                    &HypothesisRowOut,
                    &mlgov_analysis::hypotheses::Reading,
                )| r(&x.network)),
                ("the paper", &|(_, p)| t(format!("{} — {}", yes_no(Some(p.holds)), p.detail))),
                ("its source", &|(_, p)| t(&p.citation)),
                ("mlgov", &|(x, _)| t(yes_no(x.condition))),
                ("agreement", &|(x, _)| t(&x.agreement)),
                ("why they differ", &|(x, _)| t(x.explanation.clone().unwrap_or_default())),
            ],
        ));
        hs.tables.push(table_of(
            &format!("{}-rows", h.id.to_lowercase()),
            format!(
                "{}: every network compared (Fisher's exact p = {})",
                h.id,
                h.fisher_p.map(|p| format!("{p:.3}")).unwrap_or_else(|| "n/a".into())
            ),
            &h.rows,
            &[
                ("network", &|x: &HypothesisRowOut| r(&x.network)),
                ("class", &|x| t(&x.class)),
                ("countries", &|x| t(x.countries.join(", "))),
                ("founded", &|x| n(yr(x.founded))),
                ("founding from", &|x| t(&x.founded_from)),
                ("condition", &|x| t(yes_no(x.condition))),
                ("evidence", &|x| t(x.evidence.join("; "))),
                ("not counted", &|x| t(x.not_counted.join("; "))),
            ],
        ));
        if !h.excluded.is_empty() {
            hs.notes.push(format!("Left out of {}: {}.", h.id, h.excluded.join("; ")));
        }
    }
    hs
}

/// One observed trait of a network's typology, in words (empty when not observed).
fn trait_cell(x: &TypologyOut, name: &str) -> Cell {
    t(x.traits.iter().find(|tr| tr.name == name).map(|tr| tr.value.clone()).unwrap_or_default())
}

/// Every network on the sponsored ↔ militant spectrum.
fn typology_section(s: &Snapshot) -> Section {
    let mut ty = section("typology", "Every network on the sponsored ↔ militant spectrum");
    let mut all: Vec<TypologyOut> =
        s.kb.networks.iter().map(|x| convert::typology_out(s, &x.id)).collect();
    all.sort_by(|a, b| {
        a.position
            .partial_cmp(&b.position)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.network.name.cmp(&b.network.name))
    });
    ty.paragraphs.push(format!("A position is the mean of the observed traits, computed only when at least {} of the four are observed; \"traits\" says how many are. Where the paper places a network itself, its placement and quote stand beside the computed class.", mlgov_analysis::typology::MIN_TRAITS));
    ty.tables.push(table_of(
        "typology",
        "Networks by position (−1 sponsored … +1 militant)",
        &all,
        &[
            ("network", &|x: &TypologyOut| r(&x.network)),
            ("position", &|x| n(x.position.map(|p| format!("{p:+.2}")).unwrap_or_default())),
            ("class", &|x| t(&x.class)),
            ("traits", &|x| n(format!("{}/4", x.coverage))),
            ("the paper", &|x| {
                t(x.paper
                    .iter()
                    .map(|p| format!("{} ({})", p.value, p.citation))
                    .collect::<Vec<_>>()
                    .join("; "))
            }),
            ("why they differ", &|x| t(x.explanation.clone().unwrap_or_default())),
            ("stated origin", &|x| t(x.stated_origin.join(", "))),
            ("funding", &|x| trait_cell(x, "funding")),
            ("partners", &|x| trait_cell(x, "partners")),
            ("scope", &|x| trait_cell(x, "scope")),
            ("issue focus", &|x| trait_cell(x, "issue_focus")),
        ],
    ));
    ty
}
