//! The pages of one organisation or one person.

use axum::extract::{Path, RawQuery, State};
use mlgov_domain::IdKind;

use crate::convert::{self};
use crate::state::AppState;

use super::download::{finish, only_downloads};
use super::model::{Page, cite, section, t};
use super::render::PageResult;
use super::tables::{
    actor_memberships_table, affiliations_table, citations_table, facts_table, relations_table,
    terms_table,
};

pub(super) async fn actor(
    st: AppState,
    raw: String,
    q: Option<String>,
    kind: IdKind,
) -> PageResult {
    let s = st.snapshot();
    let dl = only_downloads(q.as_deref())?;
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
    m.tables.push(actor_memberships_table(&d.memberships));
    m.tables.push(terms_table(&d.terms));
    m.tables.push(affiliations_table(&d.affiliations));
    m.tables.push(relations_table("Relations", &d.relations));
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
