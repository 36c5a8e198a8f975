//! The pages of one organisation or one person.

use axum::extract::{Path, RawQuery, State};
use mlgov_domain::IdKind;

use crate::convert::{self};
use crate::params::Params;
use crate::state::AppState;

use super::download::{download_param, finish, when_cells};
use super::localities::{citations_table, facts_table};
use super::model::{Page, cite, code, opt, r, section, t, table};
use super::render::PageResult;

pub(super) async fn actor(
    st: AppState,
    raw: String,
    q: Option<String>,
    kind: IdKind,
) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let dl = download_param(&mut p);
    p.finish()?;
    let id = convert::path_id(&s, &raw, kind)?;
    let d = convert::actor_detail(&s, &id);
    let mut page = Page {
        title: d.entity.name.clone(),
        subtitle: Some(format!(
            "{}{}{}",
            d.kind,
            d.subtype.as_ref().map(|x| format!(" — {}", x.replace('_', " "))).unwrap_or_default(),
            d.country.as_ref().map(|c| format!(" ({c})")).unwrap_or_default()
        )),
        ..Page::default()
    };
    let mut about = section("about", "About");
    about.pairs.push(("Id".into(), t(&d.entity.id)));
    about.pairs.push(("Record source".into(), cite(&d.citation)));
    about.tables.push(facts_table("facts", &d.facts));
    page.sections.push(about);
    let mut m = section("ties", "Memberships, offices and affiliations");
    m.tables.push(table(
        "memberships",
        "Memberships in networks",
        &["network", "role", "from", "to", "source"],
        d.memberships
            .iter()
            .map(|x| {
                let [f, u] = when_cells(&x.when);
                vec![r(&x.network), code(&x.role), f, u, cite(&x.citation)]
            })
            .collect(),
    ));
    m.tables.push(table(
        "terms",
        "Office terms",
        &["locality", "office", "party", "from", "to", "source"],
        d.terms
            .iter()
            .map(|x| {
                let [f, u] = when_cells(&x.when);
                vec![r(&x.locality), t(&x.office), opt(&x.party), f, u, cite(&x.citation)]
            })
            .collect(),
    ));
    m.tables.push(table(
        "affiliations",
        "Affiliations",
        &["person", "with", "role", "from", "to", "source"],
        d.affiliations
            .iter()
            .map(|x| {
                let [f, u] = when_cells(&x.when);
                vec![r(&x.person), r(&x.organisation), t(&x.role), f, u, cite(&x.citation)]
            })
            .collect(),
    ));
    m.tables.push(table(
        "relations",
        "Relations",
        &["subject", "relation", "object", "when", "source"],
        d.relations
            .iter()
            .map(|x| {
                vec![
                    r(&x.subject),
                    t(x.kind.replace('_', " ")),
                    r(&x.object),
                    t(&x.when.display),
                    cite(&x.citation),
                ]
            })
            .collect(),
    ));
    page.sections.push(m);
    let mut c = section("citations", "Sources of these statements");
    c.tables.push(citations_table("citations", &d.citations));
    page.sections.push(c);
    let seg = if kind == IdKind::Person { "persons" } else { "organisations" };
    finish(&s, page, &format!("/{seg}/{raw}"), q.as_deref(), dl)
}

pub(super) async fn organisation(
    State(st): State<AppState>,
    Path(raw): Path<String>,
    RawQuery(q): RawQuery,
) -> PageResult {
    actor(st, raw, q, IdKind::Organisation).await
}

pub(super) async fn person(
    State(st): State<AppState>,
    Path(raw): Path<String>,
    RawQuery(q): RawQuery,
) -> PageResult {
    actor(st, raw, q, IdKind::Person).await
}
