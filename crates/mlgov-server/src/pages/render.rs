//! Rendering a page to HTML with the embedded templates; the error page; links that carry a parameter.

use std::sync::OnceLock;

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use minijinja::Environment;

use crate::error::ApiError;
use crate::state::Snapshot;

use super::model::{Page, TABLE_ROWS, TablePager, Toc, figure_id, link, section, t, table};

pub(super) fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut e = Environment::new();
        // The templates the build fingerprint covers ([`crate::assets::build_fingerprint`]).
        for (name, source) in crate::assets::TEMPLATES {
            e.add_template(name, source).expect("embedded template parses");
        }
        e
    })
}

/// An error shown as a page.
pub(crate) struct PageError(pub ApiError);

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let body = self.0.body();
        let mut page = Page {
            title: if status == StatusCode::NOT_FOUND {
                "Not found".into()
            } else {
                format!("{} — {}", status.as_u16(), status.canonical_reason().unwrap_or("error"))
            },
            ..Page::default()
        };
        page.lead.push(body.error.message.clone());
        if !body.error.fields.is_empty() {
            let mut s = section("problems", "What to change");
            s.tables.push(table(
                "problems",
                "Problems with the request",
                &["parameter", "problem"],
                body.error.fields.iter().map(|f| vec![t(&f.field), t(&f.message)]).collect(),
            ));
            page.sections.push(s);
        }
        let mut s = section("next", "Where to go");
        s.links = vec![link("Home", Some("/".into())), link("Search", Some("/search".into()))];
        page.sections.push(s);
        let html = render_html(None, page, "", None);
        (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
    }
}

/// The 404 page for unknown paths.
pub(crate) fn not_found_page(path: &str) -> Response {
    PageError(ApiError::NotFound(format!("There is no page at {path}."))).into_response()
}

pub(crate) type PageResult = Result<Response, PageError>;

pub(super) fn render_html(
    snap: Option<&Snapshot>,
    mut page: Page,
    path: &str,
    query: Option<&str>,
) -> String {
    let base_q = base_query(query);
    link_figures(&mut page, path, &base_q);
    link_tables(&mut page, path, query, &base_q);
    unique_section_ids(&mut page);
    page.toc = page
        .sections
        .iter()
        .map(|s| Toc { id: s.id.clone(), heading: s.heading.clone() })
        .collect();
    let entry = page.entry.unwrap_or("common");
    let (js, css) = crate::assets::entry(entry);
    page.scripts = js;
    page.styles = css;
    if let Some(d) = &page.data_json {
        page.data_json = Some(d.replace("</", "<\\/"));
    }
    let counts_line = snap
        .map(|s| {
            format!(
                "Data: {} localities, {} networks, {} statements from {} sources.",
                s.kb.localities.len(),
                s.kb.networks.len(),
                s.kb.statement_count(),
                s.kb.sources.len()
            )
        })
        .unwrap_or_default();
    let as_of = snap.and_then(|s| s.as_of.clone());
    // The same page of the current base: this path and query (the middleware took `as_of` out).
    let current = match query.filter(|q| !q.is_empty()) {
        Some(q) => format!("{path}?{q}"),
        None => path.to_string(),
    };
    env().get_template("page.html").and_then(|tpl| tpl.render(minijinja::context! { page => minijinja::Value::from(minijinja::value::Serde(&page)), version => env!("CARGO_PKG_VERSION"), counts_line => counts_line, as_of => minijinja::Value::from(minijinja::value::Serde(&as_of)), current => current }))
        .unwrap_or_else(|e| format!("<!doctype html><title>template error</title><p>template error: {e}</p>"))
}

/// The query's pairs other than a download's (`download`, `format`, `bom`, `figure`): what the
/// page's own links keep.
fn base_query(query: Option<&str>) -> Vec<String> {
    query
        .unwrap_or("")
        .split('&')
        .filter(|p| {
            !p.is_empty()
                && !p.starts_with("download=")
                && !p.starts_with("format=")
                && !p.starts_with("bom=")
                && !p.starts_with("figure=")
        })
        .map(str::to_string)
        .collect()
}

/// Each figure's download links (SVG, PNG, PDF).
fn link_figures(page: &mut Page, path: &str, base_q: &[String]) {
    let figure_dl = |id: &str, fmt: mlgov_charts::FigureFormat| {
        let mut q = base_q.to_vec();
        q.push(format!("figure={}", crate::params::encode(id)));
        q.push(format!("format={fmt}"));
        format!("{path}?{}", q.join("&"))
    };
    for s in &mut page.sections {
        if let Some(id) = figure_id(s)
            && let Some(f) = &mut s.figure
        {
            f.downloads = mlgov_charts::FigureFormat::ALL
                .iter()
                .map(|&fmt| link(fmt.label(), Some(figure_dl(&id, fmt))))
                .collect();
        }
    }
}

/// Each table's download links, and the paging of a table longer than [`TABLE_ROWS`]
/// (`rows=<table id>:<page>`: which page of a long table to show).
fn link_tables(page: &mut Page, path: &str, query: Option<&str>, base_q: &[String]) {
    let dl = |id: &str, fmt: &str| {
        let mut q = base_q.to_vec();
        q.push(format!("download={id}"));
        q.push(format!("format={fmt}"));
        format!("{path}?{}", q.join("&"))
    };
    let rows_q: Option<(String, usize)> =
        query.unwrap_or("").split('&').find_map(|kv| kv.strip_prefix("rows=")).and_then(|v| {
            let v = crate::params::decode(v);
            let (id, k) = v.rsplit_once(':')?;
            Some((id.to_string(), k.parse::<usize>().ok()?.max(1)))
        });
    let page_link = |id: &str, k: usize| {
        let mut q: Vec<String> =
            base_q.iter().filter(|p| !p.starts_with("rows=")).cloned().collect();
        q.push(format!("rows={}", crate::params::encode(&format!("{id}:{k}"))));
        format!("{path}?{}#{id}", q.join("&"))
    };
    for s in &mut page.sections {
        for tb in &mut s.tables {
            if tb.rows.len() > TABLE_ROWS {
                let total = tb.rows.len();
                let pages = total.div_ceil(TABLE_ROWS);
                let k = rows_q
                    .as_ref()
                    .filter(|(id, _)| id == &tb.id)
                    .map_or(1, |(_, k)| (*k).min(pages));
                let first = (k - 1) * TABLE_ROWS;
                tb.rows = tb.rows.drain(first..(first + TABLE_ROWS).min(total)).collect();
                tb.pager = Some(TablePager {
                    first: first + 1,
                    last: first + tb.rows.len(),
                    total,
                    prev: (k > 1).then(|| page_link(&tb.id, k - 1)),
                    next: (k < pages).then(|| page_link(&tb.id, k + 1)),
                });
            }
            tb.csv_href = dl(&tb.id, "csv");
            tb.json_href = dl(&tb.id, "json");
            tb.excel_href = format!("{}&bom=true", tb.csv_href);
            tb.xlsx_href = dl(&tb.id, "xlsx");
        }
    }
}

/// Ids are unique on a page: a section named like one of the page's tables (the section
/// "members" holding the table "members") takes the suffix "-section".
fn unique_section_ids(page: &mut Page) {
    let table_ids: std::collections::HashSet<String> =
        page.sections.iter().flat_map(|s| s.tables.iter().map(|t| t.id.clone())).collect();
    for sec in &mut page.sections {
        if table_ids.contains(&sec.id) {
            sec.id = format!("{}-section", sec.id);
        }
    }
}

/// An HTML response of `page` over `snap` (pages that are not cached: forms, proposals).
pub(crate) fn html(snap: &Snapshot, page: Page, path: &str, status: StatusCode) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "private, no-store"),
        ],
        render_html(Some(snap), page, path, None),
    )
        .into_response()
}

/// `html` with every internal link (`href="/…"`, but not assets, static files, the API docs, or a
/// link marked `data-current`) given `name=value`, and every GET form a hidden field for it: how
/// a page read with `?as_of=` keeps its reader in that version of the base.
pub(crate) fn carry_param(html: &str, name: &str, value: &str) -> String {
    let enc = crate::params::encode(value);
    let attr = value.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;");
    // The templates escape `/` in attribute values as `&#x2f;`; it means `/` everywhere.
    let html = html.replace("&#x2f;", "/");
    let mut out = String::with_capacity(html.len() + html.len() / 16);
    let mut rest = html.as_str();
    loop {
        let (href, form) = (rest.find("href=\"/"), rest.find("<form "));
        let at = match (href, form) {
            (None, None) => break,
            (Some(h), None) => h,
            (None, Some(f)) => f,
            (Some(h), Some(f)) => h.min(f),
        };
        if Some(at) == form {
            let Some(end) = rest[at..].find('>') else { break };
            let tag = &rest[at..=at + end];
            out.push_str(&rest[..=at + end]);
            if tag.contains("method=\"get\"") {
                out.push_str(&format!("<input type=\"hidden\" name=\"{name}\" value=\"{attr}\">"));
            }
            rest = &rest[at + end + 1..];
            continue;
        }
        let start = at + "href=\"".len();
        let Some(len) = rest[start..].find('"') else { break };
        let url = &rest[start..start + len];
        out.push_str(&rest[..start]);
        let marked = rest[..at].ends_with("data-current ");
        let skip = marked
            || url.starts_with("//")
            || ["/static/", "/assets/", "/api/docs", "/api/openapi.json"]
                .iter()
                .any(|p| url.starts_with(p))
            || url.contains(&format!("{name}="));
        if skip {
            out.push_str(url);
        } else {
            let (path, frag) = url.split_once('#').map_or((url, None), |(p, f)| (p, Some(f)));
            out.push_str(path);
            out.push_str(if path.contains('?') { "&amp;" } else { "?" });
            out.push_str(&format!("{name}={enc}"));
            if let Some(f) = frag {
                out.push('#');
                out.push_str(f);
            }
        }
        rest = &rest[start + len..];
    }
    out.push_str(rest);
    out
}
