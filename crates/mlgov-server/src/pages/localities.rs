//! The list of localities and the page of one locality.

use axum::extract::{Path, RawQuery, State};
use mlgov_domain::{Id, IdKind, fold};

use crate::api::{self, LocalityFilter};
use crate::convert::{self, paginate};
use crate::error::ApiError;
use crate::params::Params;
use crate::state::{AppState, Snapshot};
use crate::wire::*;
use crate::{learningapi, survey};

use super::download::{download_param, finish, pager};
use super::findings::{learning_section, strip_prolog, survey_section};
use super::home::countries_opts;
use super::model::{
    Field, Figure, Form, Page, Section, Table, any_opts, cite, input, link, n, opt, r, section,
    select, stmt, t, table, yr,
};
use super::networks::query_pairs;
use super::render::PageResult;
use super::tables::{
    citations_table, facts_table, from_cell, members_table, relations_table, table_of,
    table_section, to_cell,
};

/// `/localities`: the localities matching the filters, with facets that narrow them down.
pub(super) async fn localities(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let (page_no, per) = p.pagination(50);
    let f = api::locality_filter_with(&mut p, &s);
    let sort =
        p.choice("sort", &["name", "memberships", "country"]).unwrap_or_else(|| "name".into());
    let dl = download_param(&mut p);
    p.finish()?;
    let mut page = Page { title: "Localities".into(), nav: "localities".into(), ..Page::default() };
    page.lead.push("Municipalities, districts, provinces and regions in the sources. Localities the sources anonymise appear only by their public label. Choose a network and a year to see who was a member then.".into());
    page.form = Some(localities_form(&s, &f, &sort));
    let mut all = api::localities(&s, &f);
    match sort.as_str() {
        "memberships" => all.sort_by_key(|b| std::cmp::Reverse(b.memberships)),
        "country" => all.sort_by(|a, b| a.country.cmp(&b.country)),
        _ => {}
    }
    page.sections.push(facets_section(&s, &f, q.as_deref()));
    let (meta, items) =
        if dl.is_some() { paginate(all, 1, usize::MAX / 2) } else { paginate(all, page_no, per) };
    let mut sec = list_section(&s, &f, meta.total);
    sec.tables.push(localities_table(&items));
    sec.pager = Some(pager("/localities", q.as_deref(), &meta));
    page.sections.push(sec);
    finish(&s, page, "/localities", q.as_deref(), dl)
}

/// The filters of the list of localities.
fn localities_form(s: &Snapshot, f: &LocalityFilter, sort: &str) -> Form {
    let mut nets: Vec<(String, String)> =
        s.kb.networks.iter().map(|n| (n.id.body().to_string(), s.name(&n.id))).collect();
    nets.sort_by_key(|a| fold(&a.1));
    let mut outcomes: Vec<String> =
        s.kb.facts
            .iter()
            .filter(|x| x.property == mlgov_domain::Property::PolicyOutcome)
            .map(|x| x.value.clone())
            .collect();
    outcomes.sort();
    outcomes.dedup();
    Form {
        action: "/localities".into(),
        label: "Filter localities".into(),
        submit: "Filter".into(),
        auto: true,
        fields: vec![
            input("q", "Name contains", "search", f.q.as_deref().unwrap_or("")),
            select(
                "network",
                "Member of",
                f.network.as_ref().map(|n| n.body()).unwrap_or(""),
                std::iter::once((String::new(), "any network".to_string())).chain(nets).collect(),
            ),
            Field {
                min: Some(1900),
                max: Some(2100),
                ..input(
                    "year",
                    "In the year",
                    "number",
                    &f.year.map(|y| y.to_string()).unwrap_or_default(),
                )
            },
            select("country", "Country", f.country.as_deref().unwrap_or(""), countries_opts(s)),
            select(
                "size",
                "Size",
                f.size.unwrap_or(""),
                any_opts(
                    "any size",
                    ["rural_area", "small_town", "medium_town", "large_city"].map(String::from),
                )
                .into_iter()
                .map(|(v, l)| (v, l.replace('_', " ")))
                .collect(),
            ),
            select(
                "outcome",
                "Policy outcome",
                f.outcome.as_deref().unwrap_or(""),
                std::iter::once((String::new(), "any outcome".to_string()))
                    .chain(outcomes.iter().map(|o| (o.clone(), o.replace('_', " "))))
                    .collect(),
            ),
            select(
                "sort",
                "Sort by",
                sort,
                vec![
                    ("name".into(), "name".into()),
                    ("memberships".into(), "memberships (most first)".into()),
                    ("country".into(), "country".into()),
                ],
            ),
        ],
    }
}

/// Facets: the matching localities by country, size and outcome, each a filter link (the
/// counts ignore the facet's own filter, so that every choice shows what it would give).
fn facets_section(s: &Snapshot, f: &LocalityFilter, q: Option<&str>) -> Section {
    let mut facets = section("facets", "Narrow down");
    let pairs = query_pairs(q);
    let href_with = |key: &str, value: &str| {
        let mut q: Vec<String> = pairs
            .iter()
            .filter(|(k, _)| k != key && k != "page" && k != "download" && k != "format")
            .map(|(k, v)| format!("{k}={}", crate::params::encode(v)))
            .collect();
        q.push(format!("{key}={}", crate::params::encode(value)));
        format!("/localities?{}", q.join("&"))
    };
    let facet = |key: &str,
                 caption: &str,
                 without: LocalityFilter,
                 value_of: &dyn Fn(&LocalitySummary) -> Vec<String>| {
        let mut counts: std::collections::BTreeMap<String, usize> = Default::default();
        for l in api::localities(s, &without) {
            for v in value_of(&l) {
                *counts.entry(v).or_default() += 1;
            }
        }
        table(
            &format!("facet-{key}"),
            caption,
            &[key, "localities"],
            counts
                .into_iter()
                .map(|(v, c)| vec![link(v.replace('_', " "), Some(href_with(key, &v))), n(c)])
                .collect(),
        )
    };
    facets.tables.push(facet(
        "country",
        "By country",
        LocalityFilter { country: None, ..f.clone() },
        &|l| vec![l.country.clone()],
    ));
    facets.tables.push(facet(
        "size",
        "By size",
        LocalityFilter { size: None, ..f.clone() },
        &|l| l.size_class.clone(),
    ));
    facets.tables.push(facet(
        "outcome",
        "By policy outcome",
        LocalityFilter { outcome: None, ..f.clone() },
        &|l| {
            Id::parse(&l.id)
                .map(|id| {
                    s.kb.facts_of(&id, mlgov_domain::Property::PolicyOutcome)
                        .iter()
                        .map(|x| x.value.clone())
                        .collect()
                })
                .unwrap_or_default()
        },
    ));
    facets
}

/// The list's heading and what it counts; in a network and a year, the members it cannot place.
fn list_section(s: &Snapshot, f: &LocalityFilter, total: usize) -> Section {
    let mut sec = section(
        "list",
        match (&f.network, f.year) {
            (Some(n), Some(y)) => format!("Members of {} in {y}", s.name(n)),
            (Some(n), None) => format!("Members of {} at any time", s.name(n)),
            _ => "Localities".to_string(),
        },
    );
    sec.paragraphs.push(format!("{} localities match.", total));
    if let (Some(net), Some(y)) = (&f.network, f.year) {
        let in_net = s.kb.memberships_in(net);
        let listed: std::collections::BTreeSet<&str> =
            in_net.iter().filter(|m| m.when.dated_in(y)).map(|m| m.member.as_str()).collect();
        let mut undated: Vec<String> = in_net
            .iter()
            .filter(|m| m.when.start_year().is_none() && !listed.contains(m.member.as_str()))
            .map(|m| s.name(&m.member))
            .collect();
        undated.sort();
        undated.dedup();
        if !undated.is_empty() {
            sec.paragraphs.push(format!("Not counted: {} — the sources state their membership of {} without a date, so it cannot be placed in {y}.", undated.join(", "), s.name(net)));
        }
    }
    sec
}

/// The localities of one page of the list.
fn localities_table(items: &[LocalitySummary]) -> Table {
    table_of(
        "localities",
        "Localities matching the filters",
        items,
        &[
            ("name", &|l: &LocalitySummary| link(&l.name, Some(l.href.clone()))),
            ("country", &|l| t(&l.country)),
            ("region", &|l| opt(&l.region)),
            ("size", &|l| t(l.size_class.join(" / ").replace('_', " "))),
            ("kind", &|l| t(&l.kind)),
            ("memberships", &|l| n(l.memberships)),
        ],
    )
}

/// The latest fact of a property (by its date), in words.
fn latest_fact<'a>(facts: &'a [FactOut], property: &str) -> Option<&'a FactOut> {
    facts
        .iter()
        .filter(|f| f.property == property)
        .max_by(|a, b| a.when.from.cmp(&b.when.from).then(a.id.cmp(&b.id)))
}

/// "In short" at the top of a locality's profile: its mayor, population, size, type and
/// outcome, its networks now (badges), and how much the sources say.
fn locality_summary(d: &crate::wire::LocalityDetail) -> Section {
    let mut sum = section("summary", "In short");
    let mayor = d.terms.iter().filter(|x| x.office == "mayor").max_by(|a, b| {
        (a.when.to.is_none(), &a.when.from).cmp(&(b.when.to.is_none(), &b.when.from))
    });
    if let Some(m) = mayor {
        let party = m.party.as_ref().map(|p| format!(", {p}")).unwrap_or_default();
        let label = if m.when.to.is_none() { "Mayor" } else { "Last mayor recorded" };
        sum.pairs.push((
            label.into(),
            link(format!("{} ({}{party})", m.person.name, m.when.display), m.person.href.clone()),
        ));
    }
    for (property, label) in [
        ("population", "Population"),
        ("size_class", "Size"),
        ("typology", "Whole-COMM type"),
        ("policy_outcome", "Policy outcome"),
        ("political_orientation", "Political orientation"),
    ] {
        if let Some(f) = latest_fact(&d.facts, property) {
            let when = if f.when.display.is_empty() {
                String::new()
            } else {
                format!(" ({})", f.when.display)
            };
            sum.pairs.push((label.into(), t(format!("{}{when}", f.value_label.replace('_', " ")))));
        }
    }
    let mut now: Vec<&crate::wire::MembershipOut> =
        d.memberships.iter().filter(|m| m.when.from.is_some() && m.when.to.is_none()).collect();
    now.sort_by(|a, b| a.network.name.cmp(&b.network.name));
    now.dedup_by(|a, b| a.network.id == b.network.id);
    if now.is_empty() {
        sum.paragraphs.push("No membership the sources date is still running.".into());
    } else {
        sum.paragraphs.push(format!(
            "Member now (dated memberships still running) of {} network{}:",
            now.len(),
            if now.len() == 1 { "" } else { "s" }
        ));
        sum.badges = now.iter().map(|m| r(&m.network)).collect();
    }
    let networks: std::collections::BTreeSet<&str> =
        d.memberships.iter().map(|m| m.network.id.as_str()).collect();
    sum.pairs.push(("In the sources".into(), t(format!(
        "{} membership statements in {} networks, {} office terms, {} events and {} relations: {} statements in all",
        d.memberships.len(), networks.len(), d.terms.len(), d.events.len(), d.relations.len(), d.citations.len()
    ))));
    sum
}

/// `/localities/{id}`: one locality — in short, about, its time line, facts, memberships, office
/// terms, trajectory, learning profile, survey findings, events, relations and sources; the
/// sections without a row are left out.
pub(super) async fn locality(
    State(st): State<AppState>,
    who: Option<axum::Extension<mlgov_auth::Principal>>,
    Path(raw): Path<String>,
    RawQuery(q): RawQuery,
) -> PageResult {
    let who = survey::audience(who);
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let until = p.int("until", 1900..=2100).unwrap_or(2020) as i32;
    let dl = download_param(&mut p);
    p.finish()?;
    let id = convert::path_id(&s, &raw, IdKind::Locality)?;
    let d = convert::locality_detail(&s, &id);
    let l = &d.locality;
    let mut page = Page { title: l.name.clone(), nav: "localities".into(), ..Page::default() };
    page.subtitle = Some(format!(
        "{} in {}{}",
        l.kind,
        l.country,
        l.region.as_ref().map(|r| format!(", {r}")).unwrap_or_default()
    ));
    page.sections.push(locality_summary(&d));
    if l.anonymised {
        page.notice = Some("The sources anonymise this locality: it is shown only by its public label, without aliases or coordinates.".into());
    }
    let learning = learningapi::learning_out(&s, &id, learningapi::DEFAULT_YEAR);
    page.sections.extend([
        locality_about(&d, &id),
        timeline_section(&s, &id, &l.name),
        table_section("facts", "Facts", facts_table("facts", &d.facts)),
        table_section(
            "memberships",
            "Memberships",
            members_table("memberships", "Memberships in networks".into(), &d.memberships, true),
        ),
        table_section("terms", "Office terms", office_holders_table(&d.terms)),
        trajectory_section(&s, &id, until),
        learning_section(&learning, id.body()),
    ]);
    let (s2, id2) = (s.clone(), id.clone());
    let sv = tokio::task::spawn_blocking(move || survey::locality_survey(&s2, &who, &id2))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))??;
    page.sections.push(survey_section(&sv, id.body()));
    page.sections.push(table_section("events", "Events", events_table(&d.events)));
    if !d.relations.is_empty() {
        page.sections.push(table_section(
            "relations",
            "Relations",
            relations_table("Relations with other actors", &d.relations),
        ));
    }
    page.sections.push(table_section(
        "citations",
        "Sources of these statements",
        citations_table("citations", &d.citations),
    ));
    drop_empty_sections(&mut page);
    finish(&s, page, &format!("/localities/{raw}"), q.as_deref(), dl)
}

/// About a locality: its id, size, aliases, parent and record source, with links.
fn locality_about(d: &LocalityDetail, id: &Id) -> Section {
    let l = &d.locality;
    let mut about = section("about", "About");
    about.pairs.push(("Id".into(), t(&l.id)));
    if !l.size_class.is_empty() {
        about.pairs.push(("Size class".into(), t(l.size_class.join(" / ").replace('_', " "))))
    }
    if !d.aliases.is_empty() {
        about.pairs.push(("Also known as".into(), t(d.aliases.join(", "))))
    }
    if let Some(pr) = &d.parent {
        about.pairs.push(("Part of".into(), r(pr)))
    }
    about.pairs.push(("Record source".into(), cite(&d.citation)));
    about.links.push(link("Compare with…", Some(format!("/compare?l1={}", id.body()))));
    about
        .links
        .push(link("JSON of this profile", Some(format!("/api/v1/localities/{}", id.body()))));
    about
}

/// The locality's time line as a Gantt chart, and as a table.
fn timeline_section(s: &Snapshot, id: &Id, name: &str) -> Section {
    let tl = mlgov_analysis::trajectory::timeline(&s.kb, id);
    let chart = mlgov_analysis::gantt::from_timelines(
        std::slice::from_ref(&tl),
        mlgov_analysis::gantt::GanttLayout::ByStatement,
    );
    let mut g = section("timeline", "Memberships, office terms, phases and events");
    g.figure = Some(Figure {
        svg: strip_prolog(&chart.render()),
        caption: format!(
            "Gantt chart of {}: network memberships (leading roles highlighted), mayoral and other office terms, trajectory phases and events.",
            name
        ),
        table_id: Some("timeline-rows".into()),
        downloads: Vec::new(),
    });
    g.tables.push(table(
        "timeline-rows",
        "Time line as a table",
        &["lane", "label", "from", "to", "source"],
        tl.rows
            .iter()
            .map(|x| {
                vec![
                    t(x.lane.as_str()),
                    t(&x.label),
                    n(yr(x.from)),
                    n(if x.lane == mlgov_analysis::trajectory::Lane::Event {
                        String::new()
                    } else {
                        x.to.map(|y| y.to_string()).unwrap_or_else(|| "ongoing".into())
                    }),
                    t(&x.source),
                ]
            })
            .collect(),
    ));
    g
}

/// The mayors and other office holders of a locality.
fn office_holders_table(terms: &[TermOut]) -> Table {
    table_of(
        "terms",
        "Mayors and other office holders",
        terms,
        &[
            ("person", &|x: &TermOut| r(&x.person)),
            ("office", &|x| t(&x.office)),
            ("party", &|x| opt(&x.party)),
            ("orientation", &|x| opt(&x.orientation)),
            ("from", &|x| from_cell(&x.when)),
            ("to", &|x| to_cell(&x.when)),
            ("source", &|x| cite(&x.citation)),
            ("statement", &|x| stmt(&x.id)),
        ],
    )
}

/// The events there or involving the locality.
fn events_table(events: &[EventOut]) -> Table {
    table_of(
        "events",
        "Events there or involving it",
        events,
        &[
            ("date", &|x: &EventOut| t(&x.when.display)),
            ("event", &|x| t(&x.title)),
            ("kind", &|x| t(&x.kind)),
            ("source", &|x| cite(&x.citation)),
        ],
    )
}

/// The trajectory: phases as the sources name them, computed from participation, and the
/// participation by year.
fn trajectory_section(s: &Snapshot, id: &Id, until: i32) -> Section {
    let tr = convert::trajectory_out(s, id, until);
    let mut ph = section("trajectory", "Trajectory phases");
    ph.paragraphs.push(format!("Phases computed from yearly participation (up to {until}) beside the phases the sources name{}.", tr.agreement.map(|a| format!("; they agree in {:.0} % of years", a * 100.0)).unwrap_or_default()));
    ph.tables.push(table(
        "phases-named",
        "Phases as the sources name them",
        &["phase", "kind", "from", "to", "source"],
        tr.named
            .iter()
            .map(|x| vec![t(&x.label), opt(&x.kind), n(yr(x.from)), n(yr(x.to)), opt(&x.source)])
            .collect(),
    ));
    ph.tables.push(table(
        "phases-computed",
        "Phases computed from participation",
        &["phase", "from", "to"],
        tr.computed.iter().map(|x| vec![t(&x.label), n(yr(x.from)), n(yr(x.to))]).collect(),
    ));
    ph.tables.push(table(
        "years",
        "Participation by year",
        &["year", "active memberships", "leading roles", "joins", "exits"],
        tr.years
            .iter()
            .map(|y| vec![n(y.year), n(y.active), n(y.leading), n(y.joins), n(y.exits)])
            .collect(),
    ));
    ph
}

/// Leaves out the sections that would show only empty tables (an anonymised locality has no
/// memberships, terms or events) and says in the summary what the sources do not record,
/// instead of a row of "None." tables. Downloads are unaffected: only sections without any row
/// go, and their tables would be empty files.
fn drop_empty_sections(page: &mut Page) {
    let empty = |s: &Section| {
        s.id != "summary"
            && s.figure.as_ref().is_none_or(|f| f.table_id.is_some())
            && !s.tables.is_empty()
            && s.tables.iter().all(|t| t.rows.is_empty())
            && s.pairs.is_empty()
            && s.widget.is_none()
            && s.notice.is_none()
    };
    let gone: Vec<String> =
        page.sections.iter().filter(|s| empty(s)).map(|s| s.heading.to_lowercase()).collect();
    if gone.is_empty() {
        return;
    }
    page.sections.retain(|s| !empty(s));
    if let Some(sum) = page.sections.iter_mut().find(|s| s.id == "summary") {
        sum.paragraphs.push(format!("The sources record nothing on: {}.", gone.join("; ")));
    }
}
