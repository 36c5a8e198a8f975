//! The sources, one source, one statement and one quoted passage.

use axum::extract::{Path, RawQuery, State};
use mlgov_domain::{Id, IdKind};

use crate::convert::{self};
use crate::error::ApiError;
use crate::params::Params;
use crate::state::{AppState, Snapshot};

use super::download::{download_param, finish, only_downloads, pager};
use super::model::{Cell, Page, cite, html_marked, link, n, r, section, t, table};
use super::render::PageResult;

pub(super) async fn sources(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
    let s = st.snapshot();
    let dl = only_downloads(q.as_deref())?;
    let mut page = Page { title: "Sources".into(), nav: "sources".into(), ..Page::default() };
    page.lead.push("Every source the statements cite, with the number of statements citing it. Open a source to see what it supports.".into());
    let mut sec = section("list", "Sources");
    sec.tables.push(table(
        "sources",
        "Sources",
        &["source", "title", "year", "kind", "statements"],
        s.kb.sources
            .iter()
            .map(|x| {
                let o = convert::source_summary(&s, x);
                vec![
                    link(&o.short, Some(o.href.clone())),
                    t(&o.title),
                    n(o.year.map(|y| y.to_string()).unwrap_or_default()),
                    t(&o.kind),
                    n(o.statements),
                ]
            })
            .collect(),
    ));
    page.sections.push(sec);
    finish(&s, page, "/sources", q.as_deref(), dl)
}

pub(super) async fn source(
    State(st): State<AppState>,
    Path(raw): Path<String>,
    RawQuery(q): RawQuery,
) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let (page_no, per) = p.pagination(200);
    let dl = download_param(&mut p);
    p.finish()?;
    let id = convert::path_id(&s, &raw, IdKind::Source)?;
    // Only the statements of the page asked for are read in full (a source may be cited a
    // million times); a download takes them all.
    let d = if dl.is_some() {
        convert::source_detail_page(&s, &id, 1, usize::MAX)
    } else {
        convert::source_detail_page(&s, &id, page_no, per)
    };
    let total = d.meta.total;
    let mut page = Page {
        title: d.source.short.clone(),
        subtitle: Some(d.source.title.clone()),
        nav: "sources".into(),
        ..Page::default()
    };
    let mut about = section("about", "About");
    about.pairs.push(("Id".into(), t(&d.source.id)));
    if !d.source.authors.is_empty() {
        about.pairs.push(("Authors".into(), t(d.source.authors.join("; "))))
    }
    if let Some(y) = d.source.year {
        about.pairs.push(("Year".into(), t(y.to_string())))
    }
    about.pairs.push(("Kind".into(), t(&d.source.kind)));
    if let Some(l) = &d.source.licence {
        about.pairs.push(("Licence".into(), t(l)))
    }
    if let Some(u) = &d.source.url {
        about.pairs.push(("DOI / URL".into(), t(u)))
    }
    page.sections.push(about);
    let items = d.citing;
    let meta = crate::wire::PageMeta {
        page: if dl.is_some() { 1 } else { page_no },
        per_page: per,
        total,
        pages: total.div_ceil(per).max(1),
    };
    let mut c = section("citing", format!("{} statements cite it", meta.total));
    let wanted: std::collections::HashSet<Id> =
        items.iter().filter_map(|x| Id::parse(&x.id).ok()).collect();
    let records = s.kb.statements(&wanted);
    c.tables.push(table(
        "citing",
        "Statements citing this source (open one for its passage)",
        &["table", "statement", "about", "what it states", "locator"],
        items
            .iter()
            .map(|x| {
                vec![
                    t(x.table.trim_end_matches(".csv").replace('_', " ")),
                    link(&x.id, Some(format!("/statements/{}", x.id))),
                    x.about.as_ref().map(r).unwrap_or_default(),
                    t(statement_gist(&s, Id::parse(&x.id).ok().and_then(|i| records.get(&i)))),
                    t(&x.locator),
                ]
            })
            .collect(),
    ));
    c.pager = Some(pager(&format!("/sources/{raw}"), q.as_deref(), &meta));
    page.sections.push(c);
    finish(&s, page, &format!("/sources/{raw}"), q.as_deref(), dl)
}

/// A statement's values in a few words: its fields other than id, source, locator and note, ids
/// shown by name ("Turin · Eurocities · member · 1991").
fn statement_gist(s: &Snapshot, rec: Option<&mlgov_domain::StatementRecord>) -> String {
    let Some(rec) = rec else { return String::new() };
    rec.fields
        .iter()
        .filter(|(name, _, v)| {
            !v.is_empty() && !["id", "source", "locator", "note", "description"].contains(name)
        })
        .take(5)
        .map(|(_, _, v)| match Id::parse(v) {
            Ok(x) if s.exists(&x) => s.name(&x),
            _ => v.replace('_', " "),
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// A citation as the pages show it.
pub(super) fn cite_of(s: &Snapshot, c: &mlgov_domain::Citation) -> Cell {
    cite(&convert::cite(s, c))
}

/// `/statements/{id}`: the permanent page of one statement — its values, what they mean, its
/// source and locator, the passage it quotes, and the entities it is about.
pub(super) async fn statement(
    State(st): State<AppState>,
    Path(raw): Path<String>,
    RawQuery(q): RawQuery,
) -> PageResult {
    let s = st.snapshot();
    let dl = only_downloads(q.as_deref())?;
    let id = Id::parse(&raw)
        .map_err(|e| ApiError::NotFound(format!("{raw:?} is not a statement id: {e}")))?;
    let rec = s
        .kb
        .statement(&id)
        .ok_or_else(|| ApiError::NotFound(format!("no statement {id} in the knowledge base")))?;
    let table_name = rec.file.trim_end_matches(".csv").replace('_', " ");
    let mut page = Page {
        title: format!("Statement {id}"),
        subtitle: Some(format!("one row of {table_name}")),
        nav: "sources".into(),
        ..Page::default()
    };
    let mut v = section("values", "What it states");
    v.tables.push(table(
        "fields",
        format!("The fields of {id}, as stored"),
        &["field", "value", "meaning"],
        rec.fields
            .iter()
            .filter(|(_, _, value)| !value.is_empty())
            .map(|(name, doc, value)| {
                let cell = match Id::parse(value) {
                    Ok(x) if s.exists(&x) => link(s.name(&x), crate::convert::href(&x)),
                    _ => t(value),
                };
                vec![t(name.replace('_', " ")), cell, t(*doc)]
            })
            .collect(),
    ));
    page.sections.push(v);
    let mut c = section("source", "Its source");
    match &rec.citation {
        Some(cit) => {
            let src = s.kb.sources.iter().find(|x| x.id == cit.source);
            c.pairs.push((
                "Source".into(),
                link(
                    src.map(|x| x.short.clone()).unwrap_or_else(|| cit.source.to_string()),
                    crate::convert::href(&cit.source),
                ),
            ));
            c.pairs.push(("Locator".into(), t(&cit.locator)));
            if !mlgov_analysis::quotes::quotations(&cit.locator).is_empty() {
                c.links.push(link(
                    "The quoted passage in its context",
                    Some(format!(
                        "/sources/{}/passage?locator={}",
                        cit.source.body(),
                        crate::params::encode(&cit.locator)
                    )),
                ));
            }
            c.links
                .push(link("Everything this source supports", crate::convert::href(&cit.source)));
        }
        None => c.paragraphs.push("A source record: it cites nothing itself.".into()),
    }
    page.sections.push(c);
    let path = format!("/statements/{raw}");
    finish(&s, page, &path, q.as_deref(), dl)
}

/// `/sources/{id}/passage?locator=…`: where a locator's quotations stand in the source's text,
/// the quoted words marked, with a paragraph of context on each side.
pub(super) async fn passage(
    State(st): State<AppState>,
    Path(raw): Path<String>,
    RawQuery(q): RawQuery,
) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let locator = p.string("locator").unwrap_or_default();
    p.finish()?;
    let id = convert::path_id(&s, &raw, IdKind::Source)?;
    let src =
        s.kb.sources
            .iter()
            .find(|x| x.id == id)
            .ok_or_else(|| ApiError::NotFound(format!("no source {id}")))?;
    let mut page = Page {
        title: format!("{} — the passage in context", src.short),
        subtitle: Some(src.title.clone()),
        nav: "sources".into(),
        ..Page::default()
    };
    page.lead.push(format!("Locator: {locator}"));
    let mut sec = section("passage", "Passage");
    let text = src.file.as_deref().and_then(|f| st.texts.get(f));
    match text {
        None => sec.paragraphs.push(format!(
            "The text of {} is not available on this server{}: its licence does not allow mlgov to redistribute it. Start the server with --texts DIR (the folder holding {}) to see quoted passages in context.",
            src.short, if src.file.is_none() { " (no file is recorded for it)" } else { "" }, src.file.clone().unwrap_or_default()
        )),
        Some(text) => {
            let found = mlgov_analysis::quotes::passage(text, &locator);
            if mlgov_analysis::quotes::quotations(&locator).is_empty() {
                sec.paragraphs.push("This locator quotes nothing (a section, table or footnote): there is no passage to show.".into());
            } else if found.is_empty() {
                sec.notice = Some("The quotation was not found in the text (mlgov sources verify lists such locators).".into());
            } else {
                sec.paragraphs.push(format!("Line numbers refer to {} (the quoted words are marked).", src.file.clone().unwrap_or_default()));
                for para in &found {
                    sec.html.push(format!("<span class=\"line-no\">{}</span> {}", para.line, html_marked(&para.text, &para.marks)));
                }
            }
        }
    }
    sec.links.push(link(
        format!("Everything that cites {}", src.short),
        Some(format!("/sources/{raw}")),
    ));
    page.sections.push(sec);
    finish(&s, page, &format!("/sources/{raw}/passage"), q.as_deref(), None)
}
