//! Server-rendered pages of the explorer. Every page is built as data — a title, an optional
//! filter form (a plain GET form: the page state lives in the URL), and sections holding text,
//! key/value pairs, inline SVG figures and tables — rendered by one minijinja template embedded
//! in the binary. Each table can be downloaded as CSV or JSON from the same URL with
//! `download=<table id>&format=csv|json`; each figure is followed by its table equivalent, and can
//! be downloaded as SVG, PNG or PDF with `figure=<figure id>&format=svg|png|pdf` (the id is the
//! figure's table id; `mlgov_charts::FigureFormat` parses the format and renders).
//! JavaScript (the Vite bundle) only enhances: type-ahead, the map, the interactive graph.

use std::sync::OnceLock;

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use minijinja::Environment;
use mlgov_analysis::tables::{CROSSTABS, fmt_count};
use mlgov_domain::{Id, IdKind, fold};
use serde::Serialize;

use crate::api::{self, LocalityFilter, NetworkFilter};
use crate::convert::{self, paginate};
use crate::error::ApiError;
use crate::params::Params;
use crate::state::{AppState, Snapshot};
use crate::wire::*;
use crate::{diffusionapi, graphapi, learningapi, survey, svg};

/// A table cell: text with an optional link; `num` right-aligns.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Cell {
    /// Text.
    pub text: String,
    /// Link.
    pub href: Option<String>,
    /// Numeric.
    pub num: bool,
    /// Highlighted (a value a proposed change alters).
    pub mark: bool,
}

pub(crate) fn t(s: impl Into<String>) -> Cell {
    Cell { text: s.into(), ..Cell::default() }
}
fn n(s: impl ToString) -> Cell {
    Cell { text: s.to_string(), num: true, ..Cell::default() }
}
pub(crate) fn link(s: impl Into<String>, href: Option<String>) -> Cell {
    Cell { text: s.into(), href, ..Cell::default() }
}
fn r(e: &EntityRef) -> Cell {
    link(e.name.clone(), e.href.clone())
}
/// A vocabulary code in words (`formal_only` → "formal only", `opted_out` → "opted out").
fn code(s: &str) -> Cell {
    t(s.replace('_', " "))
}
fn opt(o: &Option<String>) -> Cell {
    t(o.clone().unwrap_or_default())
}
fn yr(y: Option<i32>) -> String {
    y.map(|y| y.to_string()).unwrap_or_default()
}
/// A statement's permanent link, its id as text.
fn stmt(id: &str) -> Cell {
    link(id, Some(format!("/statements/{id}")))
}

fn cite(c: &CitationOut) -> Cell {
    // A locator that quotes its source links to the passage in context; others to the source.
    let href = if mlgov_analysis::quotes::quotations(&c.locator).is_empty() {
        convert::href(
            &Id::parse(&c.source).unwrap_or_else(|_| Id::parse("src:unknown").expect("id")),
        )
    } else {
        Some(format!(
            "/sources/{}/passage?locator={}",
            c.source.trim_start_matches("src:"),
            crate::params::encode(&c.locator)
        ))
    };
    link(format!("{}, {}", c.short, c.locator), href)
}

/// A table with download links.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Table {
    /// Element id and download key.
    pub id: String,
    /// Caption.
    pub caption: String,
    /// Column headers.
    pub headers: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
    /// CSV download URL (filled at render time).
    pub csv_href: String,
    /// JSON download URL.
    pub json_href: String,
    /// CSV with a UTF-8 byte-order mark, for Excel.
    pub excel_href: String,
    /// Download as an XLSX workbook (set when rendering).
    pub xlsx_href: String,
    /// Set when rendering a table longer than [`TABLE_ROWS`]: which rows are shown and links to
    /// the others (`rows=<table id>:<page>`); downloads always hold every row.
    pub pager: Option<TablePager>,
}

/// Rows of a table shown on one page; longer tables are paged (`rows=<table id>:<page>`) so
/// that no page grows with the base.
pub const TABLE_ROWS: usize = 100;

/// The paging of one long table.
#[derive(Clone, Debug, Default, Serialize)]
pub struct TablePager {
    /// First and last row shown (1-based) and the total.
    pub first: usize,
    /// Last row shown.
    pub last: usize,
    /// Rows in all.
    pub total: usize,
    /// Previous and next pages of the table, when there are.
    pub prev: Option<String>,
    /// Next page.
    pub next: Option<String>,
}

pub(crate) fn table(
    id: &str,
    caption: impl Into<String>,
    headers: &[&str],
    rows: Vec<Vec<Cell>>,
) -> Table {
    Table {
        id: id.into(),
        caption: caption.into(),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        rows,
        ..Table::default()
    }
}

/// An inline SVG figure.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Figure {
    /// SVG markup (trusted: produced by our chart code, text escaped).
    pub svg: String,
    /// Caption.
    pub caption: String,
    /// Id of the table with the same data; also the figure's id in `figure=` downloads.
    pub table_id: Option<String>,
    /// SVG · PNG · PDF download links (filled at render time).
    pub downloads: Vec<Cell>,
}

/// The id of a section's figure in `figure=<id>` downloads: its table's id, else the section's.
fn figure_id(s: &Section) -> Option<String> {
    s.figure.as_ref().map(|f| f.table_id.clone().unwrap_or_else(|| s.id.clone()))
}

/// A client-side widget placeholder (map, graph).
#[derive(Clone, Debug, Default, Serialize)]
pub struct Widget {
    /// Element id.
    pub id: String,
    /// map or graph.
    pub kind: String,
    /// Accessible label.
    pub label: String,
    /// Note shown under it.
    pub note: String,
}

/// Pagination links.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Pager {
    /// Page.
    pub page: usize,
    /// Pages.
    pub pages: usize,
    /// Total items.
    pub total: usize,
    /// Previous page URL.
    pub prev: Option<String>,
    /// Next page URL.
    pub next: Option<String>,
}

/// A page section.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Section {
    /// Anchor id.
    pub id: String,
    /// Heading.
    pub heading: String,
    /// Prominent notice at the top of the section (synthetic data, group-level figures).
    pub notice: Option<String>,
    /// Paragraphs.
    pub paragraphs: Vec<String>,
    /// Key/value pairs.
    pub pairs: Vec<(String, Cell)>,
    /// Figure.
    pub figure: Option<Figure>,
    /// Widget.
    pub widget: Option<Widget>,
    /// Links.
    pub links: Vec<Cell>,
    /// Tables.
    pub tables: Vec<Table>,
    /// Pagination.
    pub pager: Option<Pager>,
    /// Notes after the tables (what is observed, assumed or synthetic).
    pub notes: Vec<String>,
    /// Forms that change something (POST, with the session's CSRF token).
    pub forms: Vec<PostForm>,
    /// Paragraphs already rendered as HTML by [`html_marked`] (text escaped, `<mark>` added).
    pub html: Vec<String>,
    /// Short items shown as badges (a profile's current networks).
    pub badges: Vec<Cell>,
}

/// Escapes text for HTML.
fn escape_html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A paragraph of text as HTML with the byte ranges `marks` in `<mark>`: every piece escaped.
fn html_marked(text: &str, marks: &[(usize, usize)]) -> String {
    let mut out = String::new();
    let mut at = 0;
    let mut ms: Vec<(usize, usize)> = marks
        .iter()
        .copied()
        .filter(|(a, b)| {
            a < b && *b <= text.len() && text.is_char_boundary(*a) && text.is_char_boundary(*b)
        })
        .collect();
    ms.sort();
    for (a, b) in ms {
        if a < at {
            continue;
        }
        out.push_str(&escape_html(&text[at..a]));
        out.push_str("<mark>");
        out.push_str(&escape_html(&text[a..b]));
        out.push_str("</mark>");
        at = b;
    }
    out.push_str(&escape_html(&text[at..]));
    out
}

/// A form that changes something: posted with the session's CSRF token.
#[derive(Clone, Debug, Default, Serialize)]
pub struct PostForm {
    /// Element id (field ids are prefixed with it).
    pub id: String,
    /// Action URL.
    pub action: String,
    /// Accessible label.
    pub label: String,
    /// Fields (kinds: text, textarea, select, checkbox, hidden).
    pub fields: Vec<Field>,
    /// Submit label.
    pub submit: String,
    /// The session's CSRF token.
    pub csrf: String,
    /// `post`, or `get` for a form that only changes what the page shows.
    pub method: String,
}

pub(crate) fn section(id: &str, heading: impl Into<String>) -> Section {
    Section { id: id.into(), heading: heading.into(), ..Section::default() }
}

/// An option of a select field.
#[derive(Clone, Debug, Serialize)]
pub struct Opt {
    /// Value.
    pub value: String,
    /// Label.
    pub label: String,
}

/// A form field.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Field {
    /// Parameter name.
    pub name: String,
    /// Label.
    pub label: String,
    /// select, number, text, search.
    pub kind: String,
    /// Current value.
    pub value: String,
    /// Options (select).
    pub options: Vec<Opt>,
    /// Minimum (number).
    pub min: Option<i64>,
    /// Maximum (number).
    pub max: Option<i64>,
    /// Placeholder.
    pub placeholder: Option<String>,
    /// Help text under the field.
    pub help: Option<String>,
    /// Must be filled.
    pub required: bool,
}

/// Choices above which a select becomes a text field (a name or an id): a page must not carry
/// every locality of a large base as an option.
const SELECT_OPTIONS: usize = 300;

pub(crate) fn select(
    name: &str,
    label: &str,
    value: &str,
    options: Vec<(String, String)>,
) -> Field {
    if options.len() > SELECT_OPTIONS {
        let shown = options
            .iter()
            .find(|(v, _)| v == value)
            .map(|(_, l)| l.clone())
            .filter(|_| !value.is_empty())
            .unwrap_or_else(|| value.to_string());
        return Field {
            placeholder: Some(format!("a name or an id (one of {})", options.len())),
            ..input(name, label, "text", &shown)
        };
    }
    Field {
        name: name.into(),
        label: label.into(),
        kind: "select".into(),
        value: value.into(),
        options: options.into_iter().map(|(value, label)| Opt { value, label }).collect(),
        ..Field::default()
    }
}

pub(crate) fn input(name: &str, label: &str, kind: &str, value: &str) -> Field {
    Field {
        name: name.into(),
        label: label.into(),
        kind: kind.into(),
        value: value.into(),
        ..Field::default()
    }
}

fn any_opts(label: &str, values: impl IntoIterator<Item = String>) -> Vec<(String, String)> {
    std::iter::once((String::new(), label.to_string()))
        .chain(values.into_iter().map(|v| (v.clone(), v.replace('_', " "))))
        .collect()
}

/// A filter form.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Form {
    /// Action URL.
    pub action: String,
    /// Accessible label.
    pub label: String,
    /// Fields.
    pub fields: Vec<Field>,
    /// Submit label.
    pub submit: String,
    /// Submit on change when JavaScript runs.
    pub auto: bool,
}

/// A page.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Page {
    /// Title (h1).
    pub title: String,
    /// Subtitle.
    pub subtitle: Option<String>,
    /// Prominent notice (synthetic data, anonymisation).
    pub notice: Option<String>,
    /// Lead paragraphs.
    pub lead: Vec<String>,
    /// Filter form.
    pub form: Option<Form>,
    /// Sections.
    pub sections: Vec<Section>,
    /// Table of contents (filled at render).
    pub toc: Vec<Toc>,
    /// Active navigation item.
    pub nav: String,
    /// Search box value.
    pub query: String,
    /// Vite entry.
    #[serde(skip)]
    pub entry: Option<&'static str>,
    /// Scripts.
    pub scripts: Vec<String>,
    /// Styles.
    pub styles: Vec<String>,
    /// JSON for the client-side widget.
    pub data_json: Option<String>,
    /// Body class.
    pub body_class: String,
}

/// A table-of-contents entry.
#[derive(Clone, Debug, Serialize)]
pub struct Toc {
    /// Anchor.
    pub id: String,
    /// Heading.
    pub heading: String,
}

/// The page templates embedded in the binary, as (name, source); part of the build fingerprint
/// of every ETag ([`crate::assets::build_fingerprint`]).
pub const TEMPLATES: [(&str, &str); 2] = [
    ("base.html", include_str!("../templates/base.html")),
    ("page.html", include_str!("../templates/page.html")),
];

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut e = Environment::new();
        for (name, source) in TEMPLATES {
            e.add_template(name, source).expect("embedded template parses");
        }
        e
    })
}

/// An error shown as a page.
pub struct PageError(pub ApiError);

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
pub fn not_found_page(path: &str) -> Response {
    PageError(ApiError::NotFound(format!("There is no page at {path}."))).into_response()
}

pub(crate) type PageResult = Result<Response, PageError>;

fn render_html(snap: Option<&Snapshot>, mut page: Page, path: &str, query: Option<&str>) -> String {
    let base_q: Vec<String> = query
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
        .collect();
    let figure_dl = |id: &str, fmt: mlgov_charts::FigureFormat| {
        let mut q = base_q.clone();
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
    let dl = |id: &str, fmt: &str| {
        let mut q = base_q.clone();
        q.push(format!("download={id}"));
        q.push(format!("format={fmt}"));
        format!("{path}?{}", q.join("&"))
    };
    // `rows=<table id>:<page>`: which page of a long table to show.
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
    // Ids are unique on a page: a section named like one of the page's tables (the section
    // "members" holding the table "members") takes the suffix "-section".
    let table_ids: std::collections::HashSet<String> =
        page.sections.iter().flat_map(|s| s.tables.iter().map(|t| t.id.clone())).collect();
    for sec in &mut page.sections {
        if table_ids.contains(&sec.id) {
            sec.id = format!("{}-section", sec.id);
        }
    }
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
pub fn carry_param(html: &str, name: &str, value: &str) -> String {
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

/// One table of `page` as CSV or JSON (`download=<table id>&format=csv|json` on pages that are
/// not cached).
pub(crate) fn download(page: &Page, id: &str, format: &str) -> PageResult {
    download_as(
        page,
        &Download {
            table: id.to_string(),
            format: format.to_string(),
            bom: false,
            raw: false,
            figure: None,
        },
        id,
    )
}

/// A table asked for as a file: `download=<table id>`, `format=csv|json`, `bom=true` (a UTF-8
/// byte-order mark, so that Excel opens the CSV as UTF-8).
#[derive(Clone, Debug)]
pub(crate) struct Download {
    table: String,
    format: String,
    bom: bool,
    /// Cells exactly as stored (no neutralising of formula-like cells).
    raw: bool,
    /// A figure, not a table, was asked for (`figure=<id>`, the id in `table`), in this format.
    figure: Option<mlgov_charts::FigureFormat>,
}

fn download_as(page: &Page, d: &Download, stem: &str) -> PageResult {
    let id = &d.table;
    let tb =
        page.sections.iter().flat_map(|s| s.tables.iter()).find(|tb| &tb.id == id).ok_or_else(
            || {
                ApiError::field(
                    "download",
                    format!(
                        "no table {id:?} on this page; expected one of: {}",
                        page.sections
                            .iter()
                            .flat_map(|s| s.tables.iter().map(|t| t.id.clone()))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            },
        )?;
    Ok(download_table(tb, &d.format, d.bom, d.raw, stem))
}

/// The file name of a download, after what it holds: the page's path, the table and the
/// filters (`/networks/eurocities?year=2010&download=members` → `networks-eurocities-members-year-2010`).
fn file_stem(path: &str, query: Option<&str>, table: &str) -> String {
    let mut parts: Vec<String> =
        path.split('/').filter(|p| !p.is_empty()).map(str::to_string).collect();
    if parts.last().map(String::as_str) != Some(table) {
        parts.push(table.to_string());
    }
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        if !["download", "figure", "format", "bom", "raw", "page", "per_page"].contains(&k)
            && !v.is_empty()
        {
            parts.push(format!("{k}-{v}"));
        }
    }
    let joined = parts.join("-");
    let mut out = String::with_capacity(joined.len());
    for c in mlgov_domain::text::fold(&joined).chars() {
        let c = if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' };
        if !(c == '-' && out.ends_with('-')) {
            out.push(c);
        }
    }
    let out = out.trim_matches('-');
    if out.is_empty() { "table".to_string() } else { out.chars().take(120).collect() }
}

/// Renders a page, or one of its tables as CSV/JSON when `download` is asked for.
fn finish(
    snap: &Snapshot,
    page: Page,
    path: &str,
    query: Option<&str>,
    download: Option<Download>,
) -> PageResult {
    if let Some(d) = download {
        if let Some(format) = d.figure {
            return download_figure(&page, &d.table, format, &file_stem(path, query, &d.table));
        }
        return download_as(&page, &d, &file_stem(path, query, &d.table));
    }
    let html = render_html(Some(snap), page, path, query);
    Ok(([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response())
}

/// A period as two cells, first and last year (empty when open), so that a download has
/// `from` and `to` columns a spreadsheet can sort.
fn when_cells(w: &crate::wire::WhenOut) -> [Cell; 2] {
    [n(w.from.clone().unwrap_or_default()), n(w.to.clone().unwrap_or_default())]
}

fn download_table(tb: &Table, format: &str, bom: bool, raw: bool, stem: &str) -> Response {
    let csv_field = |s: &str| mlgov_textfile::csv_field(s, raw);
    if format == "xlsx" {
        let title = tb.caption.clone();
        let t = mlgov_export::Table::from_text(
            &tb.id,
            &title,
            tb.headers.clone(),
            tb.rows.iter().map(|r| r.iter().map(|c| c.text.clone()).collect()).collect(),
        );
        let readme = mlgov_export::xlsx::ReadMe {
            title: title.clone(),
            lines: vec![
                ("From".into(), format!("mlgov explorer: {stem}")),
                ("Written by".into(), format!("mlgov {}", env!("CARGO_PKG_VERSION"))),
            ],
        };
        return match mlgov_export::xlsx::workbook(
            &[t],
            Some(&readme),
            mlgov_export::xlsx::XlsxOptions { raw },
        ) {
            Ok(body) => (
                [
                    (
                        header::CONTENT_TYPE,
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            .to_string(),
                    ),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{stem}.xlsx\"")),
                ],
                body,
            )
                .into_response(),
            Err(e) => PageError(ApiError::Internal(e.to_string())).into_response(),
        };
    }
    if format == "json" {
        let rows: Vec<serde_json::Map<String, serde_json::Value>> = tb
            .rows
            .iter()
            .map(|r| {
                tb.headers
                    .iter()
                    .zip(r)
                    .map(|(h, c)| (h.clone(), serde_json::Value::String(c.text.clone())))
                    .collect()
            })
            .collect();
        let body = serde_json::to_vec_pretty(
            &serde_json::json!({"table": tb.id, "caption": tb.caption, "rows": rows}),
        )
        .unwrap_or_default();
        return (
            [
                (header::CONTENT_TYPE, "application/json".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{stem}.json\"")),
            ],
            body,
        )
            .into_response();
    }
    let mut out = if bom { "\u{FEFF}".to_string() } else { String::new() };
    out.push_str(&tb.headers.iter().map(|h| csv_field(h)).collect::<Vec<_>>().join(","));
    out.push('\n');
    for r in &tb.rows {
        out.push_str(&r.iter().map(|c| csv_field(&c.text)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{stem}.csv\"")),
        ],
        out,
    )
        .into_response()
}

/// One figure of `page` as SVG, PNG or PDF (`figure=<id>&format=svg|png|pdf`), named like the
/// table downloads (`/localities/turin?figure=timeline-rows&format=pdf` →
/// `localities-turin-timeline-rows.pdf`).
fn download_figure(
    page: &Page,
    id: &str,
    format: mlgov_charts::FigureFormat,
    stem: &str,
) -> PageResult {
    let fig = page
        .sections
        .iter()
        .find(|s| figure_id(s).as_deref() == Some(id))
        .and_then(|s| s.figure.as_ref())
        .ok_or_else(|| {
            ApiError::field(
                "figure",
                format!(
                    "no figure {id:?} on this page; expected one of: {}",
                    page.sections.iter().filter_map(figure_id).collect::<Vec<_>>().join(", ")
                ),
            )
        })?;
    let body = format
        .render(&fig.svg)
        .map_err(|e| ApiError::Internal(format!("figure {id:?} as {}: {e}", format.label())))?;
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{stem}.{}\"", format.extension()),
            ),
        ],
        body,
    )
        .into_response())
}

/// Reads `figure` (a figure as svg|png|pdf), or `download` (a table), and `format`.
fn download_param(p: &mut Params) -> Option<Download> {
    // Which page of a long table to show (read when rendering, see `render_html`).
    p.allow(&["rows"]);
    if let Some(id) = p.string("figure") {
        let names = mlgov_charts::FigureFormat::ALL.map(|f| f.extension());
        let format = p
            .choice("format", &names)
            .and_then(|f| f.parse().ok())
            .unwrap_or(mlgov_charts::FigureFormat::Svg);
        if p.string("download").is_some() {
            p.error(
                "download",
                "figure and download ask for two different files; give one of them",
            );
        }
        return Some(Download {
            table: id,
            format: format.extension().into(),
            bom: false,
            raw: false,
            figure: Some(format),
        });
    }
    let table = p.string("download")?;
    let format = p.choice("format", &["csv", "json", "xlsx"]).unwrap_or_else(|| "csv".into());
    let bom = p.bool("bom").unwrap_or(false);
    let raw = p.bool("raw").unwrap_or(false);
    Some(Download { table, format, bom, raw, figure: None })
}

fn pager(path: &str, query: Option<&str>, meta: &PageMeta) -> Pager {
    let base: Vec<String> = query
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("page="))
        .map(str::to_string)
        .collect();
    let url = |page: usize| {
        let mut q = base.clone();
        q.push(format!("page={page}"));
        format!("{path}?{}", q.join("&"))
    };
    Pager {
        page: meta.page,
        pages: meta.pages,
        total: meta.total,
        prev: (meta.page > 1).then(|| url(meta.page - 1)),
        next: (meta.page < meta.pages).then(|| url(meta.page + 1)),
    }
}

/// Adds the page routes to `router`.
pub fn routes(router: Router<AppState>) -> Router<AppState> {
    router
        .route("/", get(home))
        .route("/search", get(search))
        .route("/localities", get(localities))
        .route("/localities/{id}", get(locality))
        .route("/networks", get(networks))
        .route("/networks/{id}", get(network))
        .route("/organisations/{id}", get(organisation))
        .route("/persons/{id}", get(person))
        .route("/map", get(map))
        .route("/graph", get(graph))
        .route("/survey", get(survey_page))
        .route("/diffusion", get(diffusion))
        .route("/analyses", get(analyses))
        .route("/compare", get(compare_page))
        .route("/sources", get(sources))
        .route("/sources/{id}", get(source))
        .route("/sources/{id}/passage", get(passage))
        .route("/statements/{id}", get(statement))
        .route("/practices", get(practices))
        .route("/practices/{id}", get(practice))
        .route("/conflicts", get(conflicts))
}

fn countries_opts(s: &Snapshot) -> Vec<(String, String)> {
    let mut cs: Vec<String> = s.kb.localities.iter().map(|l| l.country.clone()).collect();
    cs.sort();
    cs.dedup();
    any_opts("any country", cs)
}

async fn home(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let dl = download_param(&mut p);
    p.finish()?;
    let ov = convert::overview(&s);
    let mut page = Page {
        title: "The multilevel governance of migration".into(),
        nav: "home".into(),
        entry: Some("search"),
        ..Page::default()
    };
    page.lead.push("A sourced, dated knowledge base of cities, small towns and rural areas, the networks they form and the actors around them — every statement cites its source, and disagreeing sources stay visible.".into());
    let mut start = section("start", "Start here");
    start.links = vec![
        link(
            "Saint-Étienne: profile and membership Gantt",
            Some("/localities/saint-etienne".into()),
        ),
        link("Turin: profile and membership Gantt", Some("/localities/turin".into())),
        link(
            "Compare Turin and Saint-Étienne on one timeline",
            Some("/compare?l1=turin&l2=saint-etienne".into()),
        ),
        link("Networks on the sponsored ↔ militant spectrum", Some("/networks".into())),
        link("Map of localities and country counts", Some("/map".into())),
        link("Governance graph", Some("/graph".into())),
        link("Survey dashboards", Some("/survey".into())),
        link("Diffusion what-if", Some("/diffusion".into())),
        link("Whole-COMM cross-tabs, hypotheses, phases", Some("/analyses".into())),
        link("Statements that disagree", Some("/conflicts".into())),
        link("Practices and who adopted them", Some("/practices".into())),
    ];
    page.sections.push(start);
    let mut counts = section("counts", "What is in the knowledge base");
    counts.paragraphs.push(format!(
        "{} sourced statements from {} sources; {} conflicts between statements are kept visible.",
        ov.statements,
        s.kb.sources.len(),
        ov.conflicts
    ));
    let href_of = |k: &str| match k {
        "localities" => Some("/localities".to_string()),
        "networks" => Some("/networks".to_string()),
        "sources" => Some("/sources".to_string()),
        "practices" | "adoptions" => Some("/practices".to_string()),
        _ => None,
    };
    // What each table holds, in words (the internal table names stay in the downloads' file names).
    let words = |k: &str| -> String {
        match k {
            "localities" => "localities (municipalities, towns, rural areas)",
            "networks" => "city networks and their working groups",
            "organisations" => "organisations (NGOs, governments, foundations, EU bodies)",
            "persons" => "persons (mayors, officials, activists)",
            "memberships" => "memberships of localities in networks",
            "terms" => "office terms (mayors, deputy mayors)",
            "affiliations" => "persons' posts in organisations",
            "relations" => {
                "ties between organisations and networks (funding, partnership, support…)"
            }
            "events" => "events (crises, elections, meetings)",
            "facts" => "dated facts (population, scale, founding, policy outcome…)",
            "phases" => "trajectory phases named by the authors",
            "practices" => "good practices",
            "adoptions" => "adoptions of practices by localities",
            "sources" => "sources (papers, reports, datasets)",
            other => other,
        }
        .to_string()
    };
    counts.tables.push(table(
        "counts",
        "Records by kind",
        &["kind of record", "records"],
        ov.counts
            .iter()
            .filter(|(_, v)| **v > 0)
            .map(|(k, v)| vec![link(words(k), href_of(k)), n(v)])
            .collect(),
    ));
    page.sections.push(counts);
    let mut top = section("networks", "Networks with the most members");
    let mut nets = api::networks(&s, &NetworkFilter::default());
    nets.sort_by(|a, b| b.members.cmp(&a.members).then(a.name.cmp(&b.name)));
    top.tables.push(table(
        "top-networks",
        "Networks by number of members",
        &["network", "kind", "members", "position"],
        nets.iter()
            .take(10)
            .map(|x| {
                vec![link(&x.name, Some(x.href.clone())), code(&x.kind), n(x.members), t(&x.class)]
            })
            .collect(),
    ));
    page.sections.push(top);
    finish(&s, page, "/", q.as_deref(), dl)
}

async fn search(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let query = p.string("q").unwrap_or_default();
    let kind = p.choice("kind", &["locality", "network", "organisation", "person"]);
    let dl = download_param(&mut p);
    p.finish()?;
    let mut page = Page {
        title: "Search".into(),
        nav: "search".into(),
        query: query.clone(),
        entry: Some("search"),
        ..Page::default()
    };
    page.lead.push("Names, aliases and acronyms of localities, networks, organisations and people; accents and case do not matter (\"saint etienne\", \"gavle\").".into());
    page.form = Some(Form {
        action: "/search".into(),
        label: "Search".into(),
        submit: "Search".into(),
        auto: false,
        fields: vec![
            Field {
                placeholder: Some("e.g. saint etienne".into()),
                ..input("q", "Words", "search", &query)
            },
            select(
                "kind",
                "Kind",
                kind.as_deref().unwrap_or(""),
                any_opts(
                    "any kind",
                    ["locality", "network", "organisation", "person"].map(String::from),
                ),
            ),
        ],
    });
    if !query.is_empty() {
        let res = api::search_results(&s, &query, kind.as_deref(), 100);
        let mut sec = section("results", format!("{} result(s) for “{}”", res.hits.len(), query));
        sec.tables.push(table(
            "results",
            "Search results, best first",
            &["name", "kind", "id"],
            res.hits
                .iter()
                .map(|h| vec![link(&h.name, Some(h.href.clone())), t(&h.kind), t(&h.id)])
                .collect(),
        ));
        page.sections.push(sec);
    }
    finish(&s, page, "/search", q.as_deref(), dl)
}

async fn localities(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
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
    page.form = Some(Form {
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
            select("country", "Country", f.country.as_deref().unwrap_or(""), countries_opts(&s)),
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
                &sort,
                vec![
                    ("name".into(), "name".into()),
                    ("memberships".into(), "memberships (most first)".into()),
                    ("country".into(), "country".into()),
                ],
            ),
        ],
    });
    let mut all = api::localities(&s, &f);
    match sort.as_str() {
        "memberships" => all.sort_by_key(|b| std::cmp::Reverse(b.memberships)),
        "country" => all.sort_by(|a, b| a.country.cmp(&b.country)),
        _ => {}
    }
    // Facets: the matching localities by country, size and outcome, each a filter link (the
    // counts ignore the facet's own filter, so that every choice shows what it would give).
    let mut facets = section("facets", "Narrow down");
    let pairs = query_pairs(q.as_deref());
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
        for l in api::localities(&s, &without) {
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
    page.sections.push(facets);
    let (meta, items) =
        if dl.is_some() { paginate(all, 1, usize::MAX / 2) } else { paginate(all, page_no, per) };
    let mut sec = section(
        "list",
        match (&f.network, f.year) {
            (Some(n), Some(y)) => format!("Members of {} in {y}", s.name(n)),
            (Some(n), None) => format!("Members of {} at any time", s.name(n)),
            _ => "Localities".to_string(),
        },
    );
    sec.paragraphs.push(format!("{} localities match.", meta.total));
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
    sec.tables.push(table(
        "localities",
        "Localities matching the filters",
        &["name", "country", "region", "size", "kind", "memberships"],
        items
            .iter()
            .map(|l| {
                vec![
                    link(&l.name, Some(l.href.clone())),
                    t(&l.country),
                    opt(&l.region),
                    t(l.size_class.join(" / ").replace('_', " ")),
                    t(&l.kind),
                    n(l.memberships),
                ]
            })
            .collect(),
    ));
    sec.pager = Some(pager("/localities", q.as_deref(), &meta));
    page.sections.push(sec);
    finish(&s, page, "/localities", q.as_deref(), dl)
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

fn facts_table(id: &str, facts: &[FactOut]) -> Table {
    table(
        id,
        "Facts, each with its source",
        &["property", "value", "when", "source"],
        facts
            .iter()
            .map(|f| {
                vec![
                    t(f.property.replace('_', " ")),
                    t(match &f.qualifier {
                        Some(q) => format!("{} ({q})", f.value_label),
                        None => f.value_label.clone(),
                    }),
                    t(&f.when.display),
                    cite(&f.citation),
                ]
            })
            .collect(),
    )
}

fn citations_table(id: &str, cs: &[StatementRef]) -> Table {
    table(
        id,
        "Every statement about it, with its source",
        &["table", "statement", "source", "locator"],
        cs.iter()
            .map(|c| {
                vec![
                    t(c.table.trim_end_matches(".csv").replace('_', " ")),
                    stmt(&c.id),
                    link(
                        &c.short,
                        convert::href(
                            &Id::parse(&c.source)
                                .unwrap_or_else(|_| Id::parse("src:unknown").expect("id")),
                        ),
                    ),
                    t(&c.locator),
                ]
            })
            .collect(),
    )
}

async fn locality(
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
    page.sections.push(about);
    let tl = mlgov_analysis::trajectory::timeline(&s.kb, &id);
    let chart = mlgov_analysis::gantt::from_timelines(
        std::slice::from_ref(&tl),
        mlgov_analysis::gantt::GanttLayout::ByStatement,
    );
    let mut g = section("timeline", "Memberships, office terms, phases and events");
    g.figure = Some(Figure {
        svg: strip_prolog(&chart.render()),
        caption: format!(
            "Gantt chart of {}: network memberships (leading roles highlighted), mayoral and other office terms, trajectory phases and events.",
            l.name
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
    page.sections.push(g);
    let mut f = section("facts", "Facts");
    f.tables.push(facts_table("facts", &d.facts));
    page.sections.push(f);
    let mut m = section("memberships", "Memberships");
    m.tables.push(table(
        "memberships",
        "Memberships in networks",
        &["network", "member", "role", "from", "to", "exit", "source", "statement"],
        d.memberships
            .iter()
            .map(|x| {
                let [f, u] = when_cells(&x.when);
                vec![
                    r(&x.network),
                    r(&x.member),
                    code(&x.role),
                    f,
                    u,
                    code(x.exit_reason.as_deref().unwrap_or_default()),
                    cite(&x.citation),
                    stmt(&x.id),
                ]
            })
            .collect(),
    ));
    page.sections.push(m);
    let mut tm = section("terms", "Office terms");
    tm.tables.push(table(
        "terms",
        "Mayors and other office holders",
        &["person", "office", "party", "orientation", "from", "to", "source", "statement"],
        d.terms
            .iter()
            .map(|x| {
                let [f, u] = when_cells(&x.when);
                vec![
                    r(&x.person),
                    t(&x.office),
                    opt(&x.party),
                    opt(&x.orientation),
                    f,
                    u,
                    cite(&x.citation),
                    stmt(&x.id),
                ]
            })
            .collect(),
    ));
    page.sections.push(tm);
    let tr = convert::trajectory_out(&s, &id, until);
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
    page.sections.push(ph);
    page.sections.push(learning_section(
        &learningapi::learning_out(&s, &id, learningapi::DEFAULT_YEAR),
        id.body(),
    ));
    let (s2, id2) = (s.clone(), id.clone());
    let sv = tokio::task::spawn_blocking(move || survey::locality_survey(&s2, &who, &id2))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))??;
    page.sections.push(survey_section(&sv, id.body()));
    let mut ev = section("events", "Events");
    ev.tables.push(table(
        "events",
        "Events there or involving it",
        &["date", "event", "kind", "source"],
        d.events
            .iter()
            .map(|x| vec![t(&x.when.display), t(&x.title), t(&x.kind), cite(&x.citation)])
            .collect(),
    ));
    page.sections.push(ev);
    if !d.relations.is_empty() {
        let mut rl = section("relations", "Relations");
        rl.tables.push(table(
            "relations",
            "Relations with other actors",
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
        page.sections.push(rl);
    }
    let mut c = section("citations", "Sources of these statements");
    c.tables.push(citations_table("citations", &d.citations));
    page.sections.push(c);
    drop_empty_sections(&mut page);
    finish(&s, page, &format!("/localities/{raw}"), q.as_deref(), dl)
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

/// The learning-profile section of a locality page: isolation at a glance, then the attributes
/// and enabling factors, the ties and the peers as tables, every value with its status and source.
fn learning_section(lp: &LearningOut, body: &str) -> Section {
    let name = &lp.locality.name;
    let year = lp.year;
    let mut sec = section("learning", "Learning profile");
    sec.paragraphs.push(format!("Policy learning (Pettrachin 2023): how isolated {name} is, what enables it to learn, and which NGOs bridge it to others, with ties read in {year}. Every value gives its source or its status: observed (a sourced statement), assumed (derived by mlgov under the assumption stated) or not in the data."));
    let recorded = |k: usize| if k == 0 { "none recorded".to_string() } else { k.to_string() };
    let unscaled = if lp.networks_without_scale == 0 {
        String::new()
    } else {
        format!("; {} without a stated scale", lp.networks_without_scale)
    };
    sec.pairs.push((
        format!("Networks in {year}"),
        t(if lp.networks == 0 {
            "none recorded".to_string()
        } else {
            format!("{} ({} continental or global{unscaled})", lp.networks, lp.international)
        }),
    ));
    let domestic = if lp.networks == 0 {
        "no network recorded".to_string()
    } else if lp.international > 0 {
        "no".to_string()
    } else if lp.networks_without_scale > 0 {
        format!(
            "unknown: {} of its {} networks have no stated scale",
            lp.networks_without_scale, lp.networks
        )
    } else {
        (if lp.only_domestic_networks { "yes" } else { "no" }).to_string()
    };
    sec.pairs.push(("Ties only to local, subnational or national networks".into(), t(domestic)));
    sec.pairs.push((
        "Vertical ties (regional, national, EU and international bodies)".into(),
        t(recorded(lp.vertical)),
    ));
    sec.pairs.push(("Horizontal ties (NGOs and civil society)".into(), t(recorded(lp.horizontal))));
    sec.pairs
        .push(("NGO bridges to other localities or networks".into(), t(recorded(lp.ngo_bridges))));
    sec.pairs.push(("Localities sharing a network".into(), t(recorded(lp.peers.len()))));
    let factor_row = |f: &LearningFactorOut| {
        vec![t(&f.name), t(f.value.replace('_', " ")), t(&f.status), t(&f.source)]
    };
    sec.tables.push(table(
        "learning-attributes",
        "Attributes, each with its status and source",
        &["attribute", "value", "status", "source"],
        lp.attributes.iter().map(factor_row).collect(),
    ));
    sec.tables.push(table(
        "learning-enabling",
        "Enabling factors, each with its status and source",
        &["enabling factor", "value", "status", "source"],
        lp.enabling.iter().map(factor_row).collect(),
    ));
    sec.tables.push(table(
        "learning-ties",
        format!("Ties in force in {year}, all observed, each with its source"),
        &["tie", "with", "detail", "source"],
        lp.ties
            .iter()
            .map(|x| {
                vec![
                    t(&x.tie),
                    r(&x.with),
                    t(&x.detail),
                    t(if x.source.is_empty() {
                        "its relations and memberships (see its page)"
                    } else {
                        &x.source
                    }),
                ]
            })
            .collect(),
    ));
    sec.tables.push(table(
        "learning-peers",
        "Localities sharing a network",
        &["locality", "networks shared"],
        lp.peers.iter().map(|x| vec![r(&x.locality), t(&x.shares)]).collect(),
    ));
    if !lp.findings.is_empty() {
        sec.tables.push(table("learning-findings", format!("What the studies found for localities like {name}: group-level evidence, not an observation of {name}"), &["topic", "finding", "applies because", "source"],
            lp.findings.iter().map(|x| vec![t(&x.topic), t(&x.finding), t(&x.applies_because), t(&x.source)]).collect()));
    }
    sec.notes.extend(
        lp.notes.iter().map(|x| x.replace("(mlgov diffusion)", "(see the Diffusion page)")),
    );
    sec.links.push(link(
        "JSON of this learning profile",
        Some(format!("/api/v1/localities/{body}/learning")),
    ));
    sec
}

/// The flags of an estimate, in words.
fn flags(small_n: bool, few_localities: bool) -> String {
    [(small_n, "small n"), (few_localities, "fewer than 5 localities")]
        .iter()
        .filter(|x| x.0)
        .map(|x| x.1)
        .collect::<Vec<_>>()
        .join("; ")
}

/// An interval as `low–high` (three decimals, as on the survey dashboards).
fn interval(low: Option<f64>, high: Option<f64>) -> String {
    match (low, high) {
        (Some(a), Some(b)) => format!("{a:.3}–{b:.3}"),
        _ => String::new(),
    }
}

fn group_dimension(d: &str) -> &str {
    if d == "size" { "size class" } else { d }
}

/// The survey section of a locality page: the Whole-COMM report's statements about it and, for
/// every survey the visitor may see (live for its project's researchers, the latest release for
/// everyone else), the group-level figures of its size class and typology — labelled SYNTHETIC
/// when the answers are — or an explicit statement that there is no survey data.
fn survey_section(sv: &LocalitySurveyOut, body: &str) -> Section {
    let name = &sv.locality.name;
    let mut sec = section("survey", "Survey results");
    sec.links.push(link(
        "JSON of these survey results",
        Some(format!("/api/v1/localities/{body}/survey")),
    ));
    sec.links.insert(0, link("Survey dashboards", Some("/survey".into())));
    if sv.no_data {
        sec.notice = sv.notes.first().cloned();
        sec.notes.extend(sv.notes.iter().skip(1).cloned());
        return sec;
    }
    let notices: Vec<&str> =
        sv.surveys.iter().filter(|f| f.synthetic).map(|f| f.survey.as_str()).collect();
    if !notices.is_empty() {
        sec.notice = Some(format!(
            "SYNTHETIC DATA in {} — group-level figures on generated answers, not answers from {name}; they say nothing about real places.",
            notices.join(", ")
        ));
    }
    if sv.whole_comm {
        sec.paragraphs.push(format!("The Whole-COMM study covers {name}: {} statement(s) of its report (Schiller et al. 2023) class it, each with its table and cell.", sv.report.len()));
        sec.tables.push(table(
            "survey-report",
            "What the Whole-COMM report states about it",
            &["property", "value", "source"],
            sv.report
                .iter()
                .map(|f| {
                    vec![t(f.property.replace('_', " ")), t(&f.value_label), cite(&f.citation)]
                })
                .collect(),
        ));
    }
    if !sv.surveys.is_empty() {
        sec.paragraphs.push(format!("Interactions with each class of actor for the groups {name} belongs to, in each survey shown here, with the number of respondents n, the localities behind it and 95 % intervals. {}", sv.measure));
    }
    for f in &sv.surveys {
        sec.pairs.push((format!("Survey {}", f.label), t(&f.notice)));
        if let Some(n) = f.respondents {
            sec.pairs.push((
                format!("Answers from this locality in {}", f.survey),
                t(if n == 0 { "none".to_string() } else { n.to_string() }),
            ));
        }
        for g in &f.groups {
            let dim = group_dimension(&g.dimension);
            let counts = match (g.localities, g.respondents) {
                (Some(l), Some(r)) => format!("; {l} localities, {r} respondents"),
                _ => String::new(),
            };
            sec.pairs.push((
                format!("{}: group by {dim}", f.survey),
                t(format!(
                    "{} ({}{counts}{})",
                    g.value.replace('_', " "),
                    g.status,
                    if f.synthetic { ", synthetic" } else { "" }
                )),
            ));
        }
    }
    let rows: Vec<Vec<Cell>> = sv
        .surveys
        .iter()
        .flat_map(|f| {
            f.groups.iter().flat_map(move |g| {
                let dim = group_dimension(&g.dimension);
                g.rows.iter().map(move |x| {
                    vec![
                        t(format!("{}{}", f.survey, if f.synthetic { " (SYNTHETIC)" } else { "" })),
                        t(format!("{dim}: {} ({})", g.value.replace('_', " "), g.status)),
                        t(&x.label),
                        t(&f.period),
                        n(x.estimate
                            .n
                            .map(|v| v.to_string())
                            .unwrap_or_else(|| "suppressed".into())),
                        n(x.estimate
                            .localities
                            .filter(|l| *l > 0)
                            .map(|v| v.to_string())
                            .unwrap_or_default()),
                        n(x.estimate.mean.map(|v| format!("{v:.3}")).unwrap_or_default()),
                        n(interval(x.estimate.ci_low, x.estimate.ci_high)),
                        t(flags(x.estimate.small_n, x.estimate.few_localities)),
                    ]
                })
            })
        })
        .collect();
    if !rows.is_empty() {
        sec.tables.push(table(
            "survey-groups",
            "Group-level figures: interactions by class of actor",
            &[
                "survey",
                "group",
                "class of actor",
                "period",
                "n",
                "localities",
                "mean",
                "95 % interval",
                "flags",
            ],
            rows,
        ));
        sec.tables.push(table(
            "survey-group-basis",
            "Why these groups",
            &["survey", "group", "value", "status", "source"],
            sv.surveys
                .iter()
                .flat_map(|f| {
                    f.groups.iter().map(move |g| {
                        vec![
                            t(&f.survey),
                            t(group_dimension(&g.dimension)),
                            t(g.value.replace('_', " ")),
                            t(&g.status),
                            t(&g.source),
                        ]
                    })
                })
                .collect(),
        ));
    }
    sec.notes.extend(sv.notes.iter().cloned());
    sec
}

fn strip_prolog(svg: &str) -> String {
    svg.find("<svg").map(|i| svg[i..].to_string()).unwrap_or_default()
}

async fn networks(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let (page_no, per) = p.pagination(100);
    let f = api::network_filter(&mut p);
    let sort = p
        .choice("sort", &["name", "members", "position", "founded", "coverage"])
        .unwrap_or_else(|| "name".into());
    let dl = download_param(&mut p);
    p.finish()?;
    let mut page = Page { title: "Networks".into(), nav: "networks".into(), ..Page::default() };
    page.lead.push("City networks, programmes, campaigns and platforms, with their computed position on the sponsored ↔ militant spectrum (Lacroix, Furri & Hombert 2022): the mean of four traits (stated origin, scale, institutionalisation, focus), given only when at least two are observed, beside the paper's own placement.".into());
    page.form = Some(Form {
        action: "/networks".into(),
        label: "Filter networks".into(),
        submit: "Filter".into(),
        auto: true,
        fields: vec![
            input("q", "Name contains", "search", f.q.as_deref().unwrap_or("")),
            select(
                "position",
                "Position",
                f.position.as_deref().unwrap_or(""),
                any_opts("any position", api::POSITIONS.map(String::from)),
            ),
            select(
                "scale",
                "Scale",
                f.scale.as_deref().unwrap_or(""),
                any_opts("any scale", api::SCALES.map(String::from)),
            ),
            select(
                "origin",
                "Stated origin",
                f.origin.as_deref().unwrap_or(""),
                any_opts("any origin", ["sponsored", "grassroots", "mixed"].map(String::from)),
            ),
            Field {
                min: Some(1900),
                max: Some(2100),
                ..input(
                    "year",
                    "Active in",
                    "number",
                    &f.year.map(|y| y.to_string()).unwrap_or_default(),
                )
            },
            select(
                "sort",
                "Sort by",
                &sort,
                [
                    ("name", "name"),
                    ("members", "members (most first)"),
                    ("position", "position (most militant first)"),
                    ("coverage", "traits observed (most first)"),
                    ("founded", "founding year"),
                ]
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect(),
            ),
        ],
    });
    let all = api::networks(&s, &f);
    // Facets: how many of the matching networks fall in each position class, each a filter link.
    let mut facets = section(
        "facets",
        "Positions among these networks (the paper's placement where a source gives one, else the traits')",
    );
    let without_position = api::networks(&s, &NetworkFilter { position: None, ..f.clone() });
    facets.tables.push(table(
        "positions",
        "Matching networks by position (select one to filter)",
        &["position", "networks"],
        api::POSITIONS
            .iter()
            .map(|c| {
                let k = without_position.iter().filter(|x| x.class == *c).count();
                let mut q: Vec<String> = query_pairs(q.as_deref())
                    .into_iter()
                    .filter(|(k, _)| k != "position" && k != "page")
                    .map(|(k, v)| format!("{k}={}", crate::params::encode(&v)))
                    .collect();
                q.push(format!("position={c}"));
                vec![link(*c, Some(format!("/networks?{}", q.join("&")))), n(k)]
            })
            .collect(),
    ));
    page.sections.push(facets);
    let typ: std::collections::HashMap<String, crate::wire::TypologyOut> = all
        .iter()
        .filter_map(|x| Id::parse(&x.id).ok())
        .map(|id| (id.to_string(), convert::typology_out(&s, &id)))
        .collect();
    let mut all = all;
    let position_of = |x: &NetworkSummary| typ.get(&x.id).and_then(|t| t.position);
    match sort.as_str() {
        "members" => all.sort_by_key(|b| std::cmp::Reverse(b.members)),
        "position" => all.sort_by(|a, b| {
            position_of(b)
                .unwrap_or(f64::NEG_INFINITY)
                .total_cmp(&position_of(a).unwrap_or(f64::NEG_INFINITY))
        }),
        "coverage" => all.sort_by(|a, b| {
            typ.get(&b.id).map(|t| t.coverage).cmp(&typ.get(&a.id).map(|t| t.coverage))
        }),
        "founded" => all.sort_by(|a, b| {
            a.founded
                .first()
                .cmp(&b.founded.first())
                .then(a.founded.is_empty().cmp(&b.founded.is_empty()))
        }),
        _ => {}
    }
    let (meta, items) =
        if dl.is_some() { paginate(all, 1, usize::MAX / 2) } else { paginate(all, page_no, per) };
    let mut sec = section("list", "Networks");
    sec.tables.push(table("networks", "Networks matching the filters: position (−1 sponsored … +1 militant) with the traits it rests on, and the paper's placement", &["network", "kind", "scale", "origin", "founded", "members", "position", "traits give", "traits observed", "paper's placement", "agreement"],
        items.iter().map(|x| {
            let ty = typ.get(&x.id);
            vec![
                link(&x.name, Some(x.href.clone())), code(&x.kind), t(x.scale.join(" / ")), t(x.origin.join(" / ")), t(x.founded.join(" / ")), n(x.members),
                n(ty.and_then(|t| t.position).map(|p| format!("{p:+.2}")).unwrap_or_default()), t(ty.map(|t| t.computed_class.clone()).unwrap_or_default()),
                link(format!("{} of 4", ty.map(|t| t.coverage).unwrap_or(0)), Some(format!("{}#typology", x.href))),
                t(ty.map(|t| t.paper.iter().map(|p| p.value.clone()).collect::<Vec<_>>().join(", ")).unwrap_or_default()),
                t(ty.map(|t| t.agreement.clone()).unwrap_or_default()),
            ]
        }).collect()));
    sec.pager = Some(pager("/networks", q.as_deref(), &meta));
    page.sections.push(sec);
    finish(&s, page, "/networks", q.as_deref(), dl)
}

/// The query's pairs, decoded.
fn query_pairs(q: Option<&str>) -> Vec<(String, String)> {
    q.unwrap_or("")
        .split('&')
        .filter(|x| !x.is_empty())
        .map(|x| {
            let (k, v) = x.split_once('=').unwrap_or((x, ""));
            (k.to_string(), crate::params::decode(v))
        })
        .collect()
}

async fn network(
    State(st): State<AppState>,
    Path(raw): Path<String>,
    RawQuery(q): RawQuery,
) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let year = p.int("year", 1900..=2100).map(|y| y as i32);
    let dl = download_param(&mut p);
    p.finish()?;
    let id = convert::path_id(&s, &raw, IdKind::Network)?;
    let d = convert::network_detail(&s, &id);
    let x = &d.network;
    let mut page = Page { title: x.name.clone(), nav: "networks".into(), ..Page::default() };
    page.subtitle = Some(format!(
        "{}{} — position on the sponsored ↔ militant spectrum: {}",
        x.kind,
        x.acronym.as_ref().map(|a| format!(" ({a})")).unwrap_or_default(),
        x.class
    ));
    let mut sum = section("summary", "In short");
    if !x.founded.is_empty() {
        sum.pairs.push(("Founded".into(), t(x.founded.join(", "))))
    }
    if !x.scale.is_empty() {
        sum.pairs.push(("Scale".into(), t(x.scale.join(", "))))
    }
    sum.pairs.push((
        "Position".into(),
        t(format!(
            "{}{}",
            d.typology.class,
            if d.typology.class_from == "paper" {
                " (as the sources place it)"
            } else {
                " (from its traits)"
            }
        )),
    ));
    let running: std::collections::BTreeSet<&str> = d
        .members
        .iter()
        .filter(|m| m.when.from.is_some() && m.when.to.is_none())
        .map(|m| m.member.id.as_str())
        .collect();
    let all_members: std::collections::BTreeSet<&str> =
        d.members.iter().map(|m| m.member.id.as_str()).collect();
    sum.pairs.push((
        "Members".into(),
        t(format!(
            "{} now (dated memberships still running), {} at any time",
            running.len(),
            all_members.len()
        )),
    ));
    page.sections.push(sum);
    let mut about = section("about", "Attributes");
    about.pairs.push(("Id".into(), t(&x.id)));
    if !x.scale.is_empty() {
        about.pairs.push(("Scale".into(), t(x.scale.join(", "))))
    }
    if !x.origin.is_empty() {
        about.pairs.push(("Stated origin".into(), t(x.origin.join(", "))))
    }
    if !x.founded.is_empty() {
        about.pairs.push(("Founded".into(), t(x.founded.join(", "))))
    }
    if let Some(pr) = &d.parent {
        about.pairs.push(("Part of".into(), r(pr)))
    }
    if !d.parts.is_empty() {
        about.pairs.push((
            "Parts".into(),
            t(d.parts.iter().map(|p| p.name.clone()).collect::<Vec<_>>().join(", ")),
        ))
    }
    about.pairs.push(("Record source".into(), cite(&d.citation)));
    about.links.push(link("Members on the map", Some(format!("/map?network={}", id.body()))));
    about.links.push(link("JSON of this profile", Some(format!("/api/v1/networks/{}", id.body()))));
    about.tables.push(facts_table("facts", &d.facts));
    page.sections.push(about);
    let mut ty = section("typology", "Sponsored ↔ militant traits");
    ty.paragraphs.push(format!(
        "Position {} (−1 sponsored … +1 militant): {}.",
        d.typology.position.map(|p| format!("{p:+.2}")).unwrap_or_else(|| "unknown".into()),
        d.typology.class
    ));
    ty.tables.push(table(
        "traits",
        "Traits with their evidence",
        &["trait", "value", "score", "evidence", "source"],
        d.typology
            .traits
            .iter()
            .flat_map(|tr| {
                if tr.evidence.is_empty() {
                    vec![vec![
                        t(tr.name.replace('_', " ")),
                        t(&tr.value),
                        n(tr.score.map(|s| format!("{s:+.2}")).unwrap_or_default()),
                        t("no statement in the data"),
                        t(""),
                    ]]
                } else {
                    tr.evidence
                        .iter()
                        .map(|e| {
                            vec![
                                t(tr.name.replace('_', " ")),
                                t(&tr.value),
                                n(format!("{:+.0}", e.score)),
                                t(&e.statement),
                                t(&e.source),
                            ]
                        })
                        .collect()
                }
            })
            .collect(),
    ));
    page.sections.push(ty);
    let short = x.acronym.clone().unwrap_or(x.name.clone());
    let mut mem = section(
        "members",
        match year {
            Some(y) => format!("Members in {y}"),
            None => "Members over time".to_string(),
        },
    );
    // The statements in force in the chosen year, by the same rule as the localities list.
    let dated: std::collections::HashSet<&str> = year
        .map(|y| {
            s.kb.memberships_in(&id)
                .into_iter()
                .filter(|m| m.when.dated_in(y))
                .map(|m| m.id.as_str())
                .collect()
        })
        .unwrap_or_default();
    let in_force = |m: &crate::wire::MembershipOut, _: i32| dated.contains(m.id.as_str());
    if let Some(y) = year {
        let members: std::collections::BTreeSet<&str> =
            d.members.iter().filter(|m| in_force(m, y)).map(|m| m.member.id.as_str()).collect();
        let undated = d.members.iter().filter(|m| m.when.from.is_none()).count();
        mem.paragraphs.push(format!(
            "{} members of {short} in {y} (memberships dated to include {y}; still running memberships included){}.",
            members.len(),
            if undated > 0 { format!("; {undated} memberships have no start year and are not counted") } else { String::new() }
        ));
        mem.links.push(link(
            format!("{short} members in {y} on the map"),
            Some(format!("/map?network={}&year={y}", id.body())),
        ));
        mem.links.push(link("All years", Some(format!("/networks/{}#members", id.body()))));
    } else if let Some(last) = d.members_by_year.last() {
        mem.paragraphs.push(format!(
            "Choose a year to list the members in force then (for example {}).",
            last.year
        ));
    }
    if !d.members_by_year.is_empty() {
        let pts: Vec<(String, f64)> =
            d.members_by_year.iter().map(|y| (y.year.to_string(), y.count as f64)).collect();
        let last = d.members_by_year.last().map(|y| y.year).unwrap_or_default();
        mem.figure = Some(Figure {
            svg: mlgov_charts::ColumnChart {
                title: format!("Members of {short} by year"),
                points: pts,
            }
            .render(),
            caption: format!(
                "Distinct members with a dated membership in force each year; memberships still running are counted up to {last}, the latest year the sources name."
            ),
            table_id: Some("members-by-year".into()),
            downloads: Vec::new(),
        });
    }
    let listed: Vec<&crate::wire::MembershipOut> =
        d.members.iter().filter(|m| year.is_none_or(|y| in_force(m, y))).collect();
    mem.tables.push(table(
        "members",
        match year {
            Some(y) => format!("Members of {short} in {y}, roles and years"),
            None => "Members, roles and years".to_string(),
        },
        &["member", "role", "from", "to", "exit", "source", "statement"],
        listed
            .iter()
            .map(|m| {
                let [f, u] = when_cells(&m.when);
                vec![
                    r(&m.member),
                    code(&m.role),
                    f,
                    u,
                    code(m.exit_reason.as_deref().unwrap_or_default()),
                    cite(&m.citation),
                    stmt(&m.id),
                ]
            })
            .collect(),
    ));
    mem.tables.push(table(
        "members-by-year",
        "Members by year",
        &["year", "members"],
        d.members_by_year.iter().map(|y| vec![n(y.year), n(y.count)]).collect(),
    ));
    page.sections.push(mem);
    page.form = Some(Form {
        action: format!("/networks/{}", id.body()),
        label: format!("Members of {short} in a year"),
        submit: "Show".into(),
        auto: false,
        fields: vec![Field {
            min: Some(1900),
            max: Some(2100),
            placeholder: Some("all years".into()),
            ..input("year", "Year", "number", &year.map(|y| y.to_string()).unwrap_or_default())
        }],
    });
    // Its members on the map: the same widget and data as /map?network=… (open there to choose a
    // year or another colouring).
    let v = map_view(
        &s,
        &MapQuery {
            network: Some(id.clone()),
            year: None,
            colour: MapColour::Network,
            colour_fallback: false,
            trim_spells: s.kb.localities.len() > MAP_POINTS_LIMIT,
        },
    );
    let mut secs = map_sections(&v, "members-map", "Members on the map").into_iter();
    if let (Some(mut mm), Some(located)) = (secs.next(), secs.next()) {
        mm.links.push(link(
            "Open on the full map (year, colours)",
            Some(format!("/map?network={}", id.body())),
        ));
        mm.tables.extend(located.tables);
        if let Some(rg) = secs.next().filter(|r| r.tables.iter().any(|t| !t.rows.is_empty())) {
            mm.tables.extend(rg.tables);
        }
        page.sections.push(mm);
    }
    page.entry = Some("map");
    page.data_json = Some(serde_json::to_string(&v).unwrap_or_default());
    let mut asm = section("assemblage", "Assemblage");
    asm.paragraphs.push(format!(
        "{} distinct actors among members and partners, by type.",
        d.assemblage.total
    ));
    asm.tables.push(table(
        "assemblage",
        "Actors by type",
        &["actor type", "count", "actors"],
        d.assemblage
            .counts
            .iter()
            .map(|(k, v)| {
                vec![
                    t(k.replace('_', " ")),
                    n(v),
                    t(d.assemblage.actors.get(k).map(|a| a.join(", ")).unwrap_or_default()),
                ]
            })
            .collect(),
    ));
    page.sections.push(asm);
    if !d.relations.is_empty() {
        let mut rl = section("relations", "Relations");
        rl.tables.push(table(
            "relations",
            "Funding, sponsorship and partnerships",
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
        page.sections.push(rl);
    }
    let mut c = section("citations", "Sources of these statements");
    c.tables.push(citations_table("citations", &d.citations));
    page.sections.push(c);
    finish(&s, page, &format!("/networks/{raw}"), q.as_deref(), dl)
}

async fn actor(st: AppState, raw: String, q: Option<String>, kind: IdKind) -> PageResult {
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

async fn organisation(
    State(st): State<AppState>,
    Path(raw): Path<String>,
    RawQuery(q): RawQuery,
) -> PageResult {
    actor(st, raw, q, IdKind::Organisation).await
}

async fn person(
    State(st): State<AppState>,
    Path(raw): Path<String>,
    RawQuery(q): RawQuery,
) -> PageResult {
    actor(st, raw, q, IdKind::Person).await
}

/// How the map colours its points (`colour=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum MapColour {
    /// Member of the chosen network in the selected year, or in other years only.
    Network,
    /// The most militant position among the locality's networks (in the selected year).
    Position,
    /// The locality's policy outcome (latest statement).
    Outcome,
}

impl MapColour {
    const ALL: [&'static str; 3] = ["position", "network", "outcome"];

    fn id(self) -> &'static str {
        match self {
            MapColour::Network => "network",
            MapColour::Position => "position",
            MapColour::Outcome => "outcome",
        }
    }
}

/// What the map shows: the filters and the colouring (the page's `network`, `year`, `colour`).
#[derive(Clone, Debug)]
struct MapQuery {
    network: Option<Id>,
    year: Option<i32>,
    colour: MapColour,
    /// `colour=network` was asked for without a network: coloured by position instead.
    colour_fallback: bool,
    /// Points carry only the memberships of `network` (a base larger than [`MAP_POINTS_LIMIT`]).
    trim_spells: bool,
}

/// Localities above which the map shows one network at a time.
const MAP_POINTS_LIMIT: usize = 2_000;

/// One membership of a point's locality, as the widget's tooltip lists it.
#[derive(Clone, Debug, Serialize)]
struct MapSpell {
    id: String,
    name: String,
    from: Option<i32>,
    to: Option<i32>,
    role: String,
    /// −1 sponsored … +1 militant, when the typology knows it.
    position: Option<f64>,
    /// sponsored / intermediate / militant / unknown.
    class: String,
    /// In force in the selected year (always true without a year).
    in_year: bool,
}

/// A located, named locality on the map.
#[derive(Clone, Debug, Serialize)]
struct MapPoint {
    id: String,
    name: String,
    lat: f64,
    lon: f64,
    href: Option<String>,
    country: String,
    subdivision: Option<String>,
    population: Option<u64>,
    /// accommodative / mixed / restrictive (latest statement), if any.
    outcome: Option<String>,
    networks: Vec<MapSpell>,
    /// Colour class (a key of the legend).
    key: String,
    /// The colour class in words, for this locality.
    label: String,
}

/// Anonymised localities counted in one ISO 3166-2 region: nothing finer ever leaves the server.
#[derive(Clone, Debug, Serialize)]
struct MapRegion {
    code: String,
    name: String,
    count: usize,
    /// Approximate outline, (longitude, latitude) pairs.
    outline: Vec<(f64, f64)>,
}

/// Counts per country.
#[derive(Clone, Debug, Default, Serialize)]
struct MapCountry {
    country: String,
    /// Localities shown (named and anonymised).
    localities: usize,
    /// Points on the map.
    located: usize,
    /// Anonymised localities counted in a shaded region.
    in_regions: usize,
    /// Anonymised localities counted at country level only (their region has no outline).
    country_only: usize,
    /// Named localities without coordinates.
    unlocated: usize,
}

/// A colour class of the legend.
#[derive(Clone, Debug, Serialize)]
struct MapClass {
    key: &'static str,
    label: String,
    count: usize,
}

/// Everything the map widget draws, and the tables under it are made from.
#[derive(Clone, Debug, Serialize)]
struct MapView {
    colour: &'static str,
    network: Option<EntityRef>,
    year: Option<i32>,
    /// How the colour is decided, in words (shown in the legend).
    rule: String,
    classes: Vec<MapClass>,
    points: Vec<MapPoint>,
    regions: Vec<MapRegion>,
    countries: Vec<MapCountry>,
    /// Zoom to the points rather than to Europe.
    fit: bool,
    attribution: [&'static str; 2],
}

const NATURAL_EARTH: &str = "Boundaries: Natural Earth (world-atlas, public domain)";

/// The colour classes of each colouring, in legend order.
fn map_classes(c: MapColour, year: Option<i32>) -> Vec<(&'static str, String)> {
    let in_year = year.map(|y| format!(" in {y}")).unwrap_or_default();
    match c {
        MapColour::Network => match year {
            Some(y) => vec![
                ("member", format!("member in {y}")),
                ("other_years", format!("member in other years, not in {y}")),
            ],
            None => vec![("member", "member (at some time)".into())],
        },
        MapColour::Position => vec![
            ("militant", "militant (position ≥ +0.5)".into()),
            ("intermediate", "intermediate (−0.5 < position < +0.5)".into()),
            ("sponsored", "sponsored (position ≤ −0.5)".into()),
            ("unknown", "networks without a known position".into()),
            ("none", format!("no network membership recorded{in_year}")),
        ],
        MapColour::Outcome => vec![
            ("accommodative", "accommodative".into()),
            ("mixed", "mixed".into()),
            ("restrictive", "restrictive".into()),
            ("none", "no policy outcome in the data".into()),
        ],
    }
}

/// The map's data: points for the located, named localities (never an anonymised one), region
/// counts for the anonymised ones, and country counts. Filters: with `colour=network`, the
/// members of the network at any time (the year decides the colour); otherwise the members of the
/// network (in the year, when given) and, with a year, localities with a membership in force that
/// year — the memberships' years as `/api/v1/memberships?year=` reads them
/// ([`mlgov_domain::Interval::contains_year`]).
fn map_view(s: &Snapshot, q: &MapQuery) -> MapView {
    use mlgov_domain::Property;
    use std::collections::{BTreeMap, HashMap};
    let kb = &s.kb;
    // Positions and classes of the networks, computed once per snapshot.
    let typology: HashMap<&Id, (Option<f64>, String)> = s
        .derived()
        .networks
        .iter()
        .map(|r| (&kb.networks[r.at].id, (r.position, r.summary.class.clone())))
        .collect();
    let in_year = |m: &mlgov_domain::Membership| q.year.is_none_or(|y| m.when.contains_year(y));
    // With a network, only its members are candidates; each locality's memberships by lookup.
    let candidates: Vec<&mlgov_domain::Locality> = match &q.network {
        Some(n) => {
            let members: std::collections::HashSet<&Id> =
                kb.memberships_in(n).into_iter().map(|m| &m.member).collect();
            kb.localities.iter().filter(|l| members.contains(&l.id)).collect()
        }
        None => kb.localities.iter().collect(),
    };
    let by_member: HashMap<&Id, Vec<&mlgov_domain::Membership>> = candidates
        .iter()
        .map(|l| {
            let mut ms = kb.memberships_of(&l.id);
            // A large base keeps, per point, only the memberships of the network shown: the page
            // must not grow with the base.
            if q.trim_spells {
                ms.retain(|m| q.network.as_ref().is_none_or(|n| &m.network == n));
            }
            (&l.id, ms)
        })
        .collect();
    let shown = |l: &mlgov_domain::Locality| -> bool {
        let ms = by_member.get(&l.id).map(Vec::as_slice).unwrap_or(&[]);
        match (&q.network, q.colour) {
            (Some(n), MapColour::Network) => ms.iter().any(|m| &m.network == n),
            (Some(n), _) => ms.iter().any(|m| &m.network == n && in_year(m)),
            (None, _) => q.year.is_none() || ms.iter().any(|m| in_year(m)),
        }
    };
    let classes = map_classes(q.colour, q.year);
    let mut counts: HashMap<&'static str, usize> = HashMap::new();
    let mut points = Vec::new();
    let mut regions: BTreeMap<String, MapRegion> = BTreeMap::new();
    let mut countries: BTreeMap<String, MapCountry> = BTreeMap::new();
    for l in candidates.iter().copied().filter(|l| shown(l)) {
        let c = countries
            .entry(l.country.clone())
            .or_insert_with(|| MapCountry { country: l.country.clone(), ..MapCountry::default() });
        c.localities += 1;
        let place = kb.place(&l.id);
        if l.anonymised {
            // Only the count of its region (or of its country) leaves the server.
            match place
                .as_ref()
                .and_then(|p| p.subdivision.as_deref())
                .and_then(mlgov_gazetteer::region)
                .filter(|r| r.outline.len() >= 3)
            {
                Some(r) => {
                    c.in_regions += 1;
                    regions
                        .entry(r.code.clone())
                        .or_insert_with(|| MapRegion {
                            code: r.code.clone(),
                            name: r.name.clone(),
                            count: 0,
                            outline: r.outline.clone(),
                        })
                        .count += 1;
                }
                None => c.country_only += 1,
            }
            continue;
        }
        let Some((lat, lon, place)) = place.and_then(|p| Some((p.lat?, p.lon?, p))) else {
            c.unlocated += 1;
            continue;
        };
        c.located += 1;
        let mut spells: Vec<MapSpell> = by_member
            .get(&l.id)
            .map(Vec::as_slice)
            .unwrap_or(&[])
            .iter()
            .map(|m| {
                let (position, class) =
                    typology.get(&m.network).cloned().unwrap_or((None, "unknown".into()));
                MapSpell {
                    id: m.network.to_string(),
                    name: s.name(&m.network),
                    from: m.when.start_year(),
                    to: m.when.end_year(),
                    role: m.role.to_string(),
                    position,
                    class,
                    in_year: in_year(m),
                }
            })
            .collect();
        spells.sort_by(|a, b| a.from.cmp(&b.from).then(a.name.cmp(&b.name)));
        let outcome = kb.facts_of(&l.id, Property::PolicyOutcome).last().map(|f| f.value.clone());
        let (key, label): (&'static str, String) = match q.colour {
            MapColour::Network => {
                let n = q.network.as_ref().map(|n| n.to_string()).unwrap_or_default();
                if spells.iter().any(|x| x.id == n && x.in_year) {
                    ("member", classes[0].1.clone())
                } else {
                    ("other_years", classes.get(1).map(|c| c.1.clone()).unwrap_or_default())
                }
            }
            MapColour::Position => {
                let current: Vec<&MapSpell> = spells.iter().filter(|x| x.in_year).collect();
                match current
                    .iter()
                    .filter_map(|x| x.position.map(|p| (p, x)))
                    .max_by(|a, b| a.0.partial_cmp(&b.0).unwrap_or(std::cmp::Ordering::Equal))
                {
                    Some((p, x)) => {
                        let key = if p >= 0.5 {
                            "militant"
                        } else if p <= -0.5 {
                            "sponsored"
                        } else {
                            "intermediate"
                        };
                        (key, format!("{key} ({p:+.2}, {})", x.name))
                    }
                    None if current.is_empty() => ("none", classes[4].1.clone()),
                    None => ("unknown", classes[3].1.clone()),
                }
            }
            MapColour::Outcome => match outcome.as_deref() {
                Some("accommodative") => ("accommodative", "accommodative".into()),
                Some("mixed") => ("mixed", "mixed".into()),
                Some("restrictive") => ("restrictive", "restrictive".into()),
                _ => ("none", classes[3].1.clone()),
            },
        };
        *counts.entry(key).or_default() += 1;
        points.push(MapPoint {
            id: l.id.to_string(),
            name: l.display_name().to_string(),
            lat,
            lon,
            href: convert::href(&l.id),
            country: l.country.clone(),
            subdivision: place.subdivision.clone(),
            population: place.population,
            outcome,
            networks: spells,
            key: key.to_string(),
            label,
        });
    }
    points.sort_by(|a, b| fold(&a.name).cmp(&fold(&b.name)).then(a.id.cmp(&b.id)));
    let network_name = q.network.as_ref().map(|n| s.name(n)).unwrap_or_default();
    let when = q.year.map(|y| format!("in {y}")).unwrap_or_else(|| "at any time".into());
    let rule = match q.colour {
        MapColour::Network => format!(
            "Colour: membership of {network_name} {}; the map shows its members at any time.",
            if q.year.is_some() { when.clone() } else { "(no year chosen)".into() }
        ),
        MapColour::Position => format!(
            "Colour: the most militant position among the networks the locality belonged to {when} (−1 sponsored … +1 militant, from the typology of each network).{}",
            if q.network.is_some() {
                format!(" Only members of {network_name} {when} are shown.")
            } else if q.year.is_some() {
                format!(" Only localities with a membership in force {when} are shown.")
            } else {
                String::new()
            }
        ),
        MapColour::Outcome => format!(
            "Colour: the locality's policy outcome (latest statement).{}",
            if q.network.is_some() {
                format!(" Only members of {network_name} {when} are shown.")
            } else if q.year.is_some() {
                format!(" Only localities with a membership in force {when} are shown.")
            } else {
                String::new()
            }
        ),
    };
    let mut rule = rule;
    if q.colour == MapColour::Outcome
        && points.iter().all(|p| p.outcome.is_none())
        && kb
            .localities
            .iter()
            .any(|l| l.anonymised && !kb.facts_of(&l.id, Property::PolicyOutcome).is_empty())
    {
        rule.push_str(" No located locality has a policy outcome statement: the sources state outcomes only for anonymised localities, which the map counts by region and never colours.");
    }
    MapView {
        colour: q.colour.id(),
        network: q.network.as_ref().map(|n| convert::eref(s, n)),
        year: q.year,
        rule,
        classes: classes
            .into_iter()
            .map(|(key, label)| MapClass {
                key,
                label,
                count: counts.get(key).copied().unwrap_or(0),
            })
            .collect(),
        points,
        regions: regions.into_values().collect(),
        countries: countries.into_values().collect(),
        fit: q.network.is_some(),
        attribution: [mlgov_gazetteer::ATTRIBUTION, NATURAL_EARTH],
    }
}

/// The map widget, its explanation and its tables (the same data without JavaScript).
fn map_sections(v: &MapView, id: &str, heading: &str) -> Vec<Section> {
    let mut m = section(id, heading);
    let what = match v.colour {
        "network" => "membership",
        "outcome" => "policy outcome",
        _ => "position on the sponsored ↔ militant spectrum",
    };
    m.widget = Some(Widget {
        id: "map-widget".into(), kind: "map".into(),
        label: format!("Map of {} located localities coloured by {what}, with regions shaded by their number of anonymised localities", v.points.len()),
        note: "Numbered circles group nearby localities (select one to zoom in); select a point to open the locality's profile. Pan with the arrow keys, zoom with + and −, Tab through the points. The tables below hold the same data.".into(),
    });
    if !v.regions.is_empty() || v.countries.iter().any(|c| c.country_only > 0) {
        m.paragraphs.push("Shaded regions count the localities the sources anonymise (the Whole-COMM study's): an anonymised locality is never a point, only a number in its ISO 3166-2 region, whose outline is approximate (the hull of the GeoNames places in it). Those whose region has no outline (the Turkish statistical regions) count only in their country.".into());
    }
    m.notes.push(format!("{}. {}.", v.attribution[0], v.attribution[1]));
    m.tables.push(table(
        "map-colours",
        &v.rule,
        &["colour class", "localities"],
        v.classes.iter().map(|c| vec![t(&c.label), n(c.count)]).collect(),
    ));
    let spells = |p: &MapPoint| {
        p.networks
            .iter()
            .filter(|x| x.in_year)
            .map(|x| {
                format!(
                    "{} ({})",
                    x.name,
                    match (x.from, x.to) {
                        (Some(a), Some(b)) if a == b => a.to_string(),
                        (a, b) => format!("{}–{}", yr(a), yr(b)),
                    }
                )
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    let net_head = match v.year {
        Some(y) => format!("networks in {y}"),
        None => "networks".into(),
    };
    let mut pts = section("points", "Localities on the map");
    pts.tables.push(table(
        "located",
        "Located localities shown on the map, with their colour class",
        &[
            "locality",
            "country",
            "region",
            "latitude",
            "longitude",
            "population",
            "colour class",
            &net_head,
        ],
        v.points
            .iter()
            .map(|p| {
                vec![
                    link(&p.name, p.href.clone()),
                    t(&p.country),
                    opt(&p.subdivision),
                    n(format!("{:.4}", p.lat)),
                    n(format!("{:.4}", p.lon)),
                    n(p.population.map(|x| x.to_string()).unwrap_or_default()),
                    t(&p.label),
                    t(spells(p)),
                ]
            })
            .collect(),
    ));
    let mut rg = section("by-region", "Anonymised localities by region");
    rg.tables.push(table(
        "regions",
        "Anonymised localities per ISO 3166-2 region (outline approximate)",
        &["region", "name", "anonymised localities"],
        v.regions.iter().map(|r| vec![t(&r.code), t(&r.name), n(r.count)]).collect(),
    ));
    let mut c = section("by-country", "Localities per country");
    c.tables.push(table(
        "countries",
        "Localities per country",
        &[
            "country",
            "localities",
            "on the map",
            "anonymised, in a shaded region",
            "anonymised, counted in the country only",
            "named, without coordinates",
        ],
        v.countries
            .iter()
            .map(|x| {
                vec![
                    t(&x.country),
                    n(x.localities),
                    n(x.located),
                    n(x.in_regions),
                    n(x.country_only),
                    n(x.unlocated),
                ]
            })
            .collect(),
    ));
    vec![m, pts, rg, c]
}

/// Years offered by the map's year filter: from the first to the last year of any membership.
fn membership_years(s: &Snapshot) -> Vec<i32> {
    let ys: Vec<i32> =
        s.kb.memberships
            .iter()
            .flat_map(|m| [m.when.start_year(), m.when.end_year()])
            .flatten()
            .collect();
    match (ys.iter().min(), ys.iter().max()) {
        (Some(&a), Some(&b)) => (a..=b).rev().collect(),
        _ => Vec::new(),
    }
}

async fn map(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let net = p.string("network");
    let year = p.int("year", 1800..=2200).map(|y| y as i32);
    let colour = p.choice("colour", &MapColour::ALL);
    let dl = download_param(&mut p);
    p.finish()?;
    // A network by id, or by name or acronym (the field is free text on a large base).
    let network = match &net {
        Some(raw) => Some(convert::path_id(&s, raw, IdKind::Network).or_else(|e| {
            match s.index.resolve(raw, &[IdKind::Network]) {
                mlgov_domain::Resolution::Found(id) => Ok(id),
                _ => Err(e),
            }
        })?),
        None => None,
    };
    let colour_fallback = colour.as_deref() == Some("network") && network.is_none();
    let colour = match colour.as_deref() {
        Some("outcome") => MapColour::Outcome,
        Some("position") => MapColour::Position,
        Some("network") if network.is_some() => MapColour::Network,
        None if network.is_some() => MapColour::Network,
        _ => MapColour::Position,
    };
    // A base with more localities than a map page should carry is shown network by network:
    // the largest network unless one is chosen, each point with that network's memberships only.
    let large = s.kb.localities.len() > MAP_POINTS_LIMIT;
    let defaulted = large && network.is_none();
    let network = if defaulted {
        s.derived()
            .networks
            .iter()
            .max_by_key(|n| (n.summary.members, std::cmp::Reverse(n.summary.id.clone())))
            .and_then(|n| Id::parse(&n.summary.id).ok())
    } else {
        network
    };
    let colour = if defaulted && colour == MapColour::Position && !colour_fallback {
        MapColour::Network
    } else {
        colour
    };
    let mq = MapQuery { network, year, colour, colour_fallback, trim_spells: large };
    let v = map_view(&s, &mq);
    let title = match &mq.network {
        Some(nid) => format!("Map: members of {}", s.name(nid)),
        None => "Map of localities".into(),
    };
    let mut page = Page {
        title,
        nav: "map".into(),
        entry: Some("map"),
        body_class: "page-map".into(),
        ..Page::default()
    };
    page.lead.push("Located localities as points (coordinates from GeoNames), coloured by their networks' position on the sponsored ↔ militant spectrum, by membership of a network in a year, or by policy outcome; regions shaded by their number of anonymised localities. Everything is bundled: nothing is fetched from the network.".into());
    if mq.colour_fallback {
        page.notice = Some("Colouring by membership needs a network: choose one. Meanwhile the points are coloured by position.".into());
    }
    if large {
        page.notice = Some(format!(
            "The knowledge base holds {} localities, more than a map page carries ({MAP_POINTS_LIMIT}): the map shows {} network at a time{}, and each point lists only that network's memberships. GET /api/v1/localities.geojson gives every located locality.",
            s.kb.localities.len(),
            if defaulted { "one" } else { "the chosen" },
            if defaulted {
                ", starting with the one with the most members; choose another above"
            } else {
                ""
            }
        ));
    }
    let mut nets: Vec<(String, String)> =
        s.kb.networks
            .iter()
            .filter(|n| !s.kb.memberships_in(&n.id).is_empty())
            .map(|n| (n.id.body().to_string(), s.name(&n.id)))
            .collect();
    nets.sort_by_key(|a| fold(&a.1));
    page.form = Some(Form {
        action: "/map".into(),
        label: "Choose what the map shows".into(),
        submit: "Show".into(),
        auto: true,
        fields: vec![
            select(
                "network",
                "Network",
                mq.network.as_ref().map(|i| i.body()).unwrap_or(""),
                std::iter::once((String::new(), "all localities".to_string()))
                    .chain(nets)
                    .collect(),
            ),
            select(
                "year",
                "Year",
                &mq.year.map(|y| y.to_string()).unwrap_or_default(),
                std::iter::once((String::new(), "any year".to_string()))
                    .chain(membership_years(&s).into_iter().map(|y| (y.to_string(), y.to_string())))
                    .collect(),
            ),
            select(
                "colour",
                "Colour by",
                if mq.colour_fallback { "network" } else { mq.colour.id() },
                vec![
                    ("position".into(), "position of its networks (most militant)".into()),
                    ("network".into(), "membership of the chosen network".into()),
                    ("outcome".into(), "policy outcome".into()),
                ],
            ),
        ],
    });
    page.sections.extend(map_sections(&v, "map", "Map"));
    page.data_json = Some(serde_json::to_string(&v).unwrap_or_default());
    finish(&s, page, "/map", q.as_deref(), dl)
}

async fn graph(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let gq = graphapi::GraphQuery::parse(&mut p);
    let dl = download_param(&mut p);
    p.finish()?;
    let focus = graphapi::focus_of(&s, &gq)?;
    let g = graphapi::build_around(&s, &gq, focus.as_ref());
    let mut page = Page {
        title: "Governance graph".into(),
        nav: "graph".into(),
        entry: Some("graph"),
        body_class: "page-graph".into(),
        ..Page::default()
    };
    page.lead.push("Localities, networks, organisations, persons and countries tied by memberships, offices, affiliations, funding, partnerships, founding, coordination, hosting and support, as the sources state them: one tie per pair and layer, carrying its periods and statements. Node size follows the chosen centrality.".into());
    page.lead.push(format!("Shown: {}. Choose “Undated ties: kept” to add the ties no statement dates, or “all years” to follow paths that respect time.", g.description));
    if let Some(f) = &focus {
        let why = if gq.focus.is_none() {
            format!(
                "The knowledge base holds more than {} tie statements, too many to draw and rank at once: the graph shows the neighbourhood of the network with the most members. ",
                graphapi::FULL_GRAPH_LIMIT
            )
        } else {
            String::new()
        };
        page.notice = Some(format!(
            "{why}Centred on {}: the statements naming it and those among the actors they name. Type another network, locality, organisation or person in “Centred on”.",
            s.name(f)
        ));
    }
    let yes_no = |a: &str, b: &str| {
        vec![("false".to_string(), a.to_string()), ("true".to_string(), b.to_string())]
    };
    page.form = Some(Form {
        action: "/graph".into(),
        label: "Filter the graph".into(),
        submit: "Apply".into(),
        auto: true,
        fields: vec![
            Field {
                placeholder: Some("the whole base, or a network, locality, person…".into()),
                ..input("focus", "Centred on", "text", gq.focus.as_deref().unwrap_or_default())
            },
            Field {
                min: Some(1900),
                max: Some(2100),
                placeholder: Some("latest year".into()),
                ..input(
                    "year",
                    "Year",
                    "number",
                    &gq.year.map(|y| y.to_string()).unwrap_or_default(),
                )
            },
            select(
                "all_years",
                "Time",
                if gq.all_years { "true" } else { "false" },
                yes_no("the year above (snapshot)", "all years, paths that respect time"),
            ),
            select(
                "include_undated",
                "Undated ties",
                if gq.include_undated { "true" } else { "false" },
                yes_no("left out", "kept, as holding every year"),
            ),
            select(
                "on",
                "Graph",
                gq.on.as_deref().unwrap_or("layers"),
                vec![
                    ("layers".into(), "every kind of actor (layers)".into()),
                    ("localities".into(), "localities tied while they share a network".into()),
                    ("networks".into(), "networks tied while they share a member".into()),
                ],
            ),
            select(
                "edge_type",
                "Layer",
                gq.edge_type.as_deref().unwrap_or(""),
                any_opts(
                    "all layers",
                    graphapi::edge_kinds().into_iter().map(String::from).collect::<Vec<_>>(),
                ),
            ),
            select(
                "actor_type",
                "Actor type",
                gq.actor_type.as_deref().unwrap_or(""),
                any_opts("all actors", graphapi::ACTOR_KINDS.map(String::from)),
            ),
            select(
                "weight",
                "Tie weight",
                gq.weight.as_deref().unwrap_or("none"),
                graphapi::WEIGHTS.iter().map(|c| (c.to_string(), c.to_string())).collect(),
            ),
            select(
                "centrality",
                "Size by",
                &gq.centrality,
                graphapi::CENTRALITIES.iter().map(|c| (c.to_string(), c.to_string())).collect(),
            ),
        ],
    });
    let mut w = section("graph", format!("{} nodes, {} ties", g.nodes.len(), g.edges.len()));
    w.widget = Some(Widget { id: "graph-widget".into(), kind: "graph".into(), label: "Interactive governance graph".into(), note: "Tab into the graph and use the arrow keys to move between nodes, Enter to open one. The tables below list the same nodes and edges.".into() });
    page.sections.push(w);
    let mut nodes = g.nodes.clone();
    nodes.sort_by(|a, b| {
        b.centrality
            .partial_cmp(&a.centrality)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.label.cmp(&b.label))
    });
    let mut nt = section("nodes", "Nodes by centrality");
    // One column per measure: sorted by degree, the degree column is the measure.
    let by_degree = g.centrality == "degree";
    let mut head = vec!["node", "kind", "level", "sector", "degree"];
    if !by_degree {
        head.push(&g.centrality)
    }
    nt.tables.push(table(
        "nodes",
        format!("Nodes sorted by {}", g.centrality),
        &head,
        nodes
            .iter()
            .map(|x| {
                let mut row = vec![
                    link(&x.label, x.href.clone()),
                    t(&x.kind),
                    t(&x.level),
                    t(x.sector.replace('_', "-")),
                    n(x.degree),
                ];
                if !by_degree {
                    row.push(n(format!("{:.4}", x.centrality)))
                }
                row
            })
            .collect(),
    ));
    page.sections.push(nt);
    let label = |id: &str| {
        g.nodes
            .iter()
            .find(|x| x.id == id)
            .map(|x| x.label.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let mut et = section("edges", "Ties");
    let periods = |e: &crate::wire::GraphEdgeOut| {
        if e.undated {
            "undated".to_string()
        } else {
            e.spells
                .iter()
                .map(|p| format!("{}–{}", yr(p.from), yr(p.to)))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    et.tables.push(table(
        "edges",
        "Ties of the filtered graph: one per pair and layer",
        &["from", "to", "layer", "periods", "statements", "weight"],
        g.edges
            .iter()
            .map(|e| {
                vec![
                    t(label(&e.source)),
                    t(label(&e.target)),
                    t(&e.kind),
                    t(periods(e)),
                    n(e.statements),
                    n(e.weight),
                ]
            })
            .collect(),
    ));
    page.sections.push(et);
    page.sections.push(spanner_section(&s));
    page.data_json = Some(serde_json::to_string(&g).unwrap_or_default());
    finish(&s, page, "/graph", q.as_deref(), dl)
}

/// The Turin / Saint-Étienne boundary-spanner comparison with the paper's reading beside it.
fn spanner_section(s: &Snapshot) -> Section {
    let Some(c) = s.spanners() else {
        let mut sec = section(
            "spanners",
            "Boundary spanners: Turin and Saint-Étienne (Caponio & Clément 2020)",
        );
        sec.paragraphs.push("Turin and Saint-Étienne are not both in this knowledge base: the comparison with the paper cannot be made.".into());
        return sec;
    };
    let mut sec =
        section("spanners", "Boundary spanners: Turin and Saint-Étienne (Caponio & Clément 2020)");
    sec.paragraphs.push(format!("The paper's reading ({}): “{}”", c.locator, c.quote));
    sec.paragraphs.push("A boundary spanner is an actor around the city (an official, a department, an organisation tied to them) through whom public and non-public actors, and local and international ones, are connected without a direct tie of their own. Over all years a connection counts only when both ties hold at a common time.".into());
    for st in &c.settings {
        sec.tables.push(table(
            &format!("spanners-{}", st.id),
            format!("{}: {}", st.label, st.description),
            &["locality", "the paper", "boundary spanners found", "candidates", "verdict"],
            st.cities
                .iter()
                .map(|x| {
                    vec![
                        link(
                            &x.name,
                            Id::parse(&x.locality).ok().as_ref().and_then(crate::convert::href),
                        ),
                        t(if x.paper_has_spanners {
                            "network professionals"
                        } else {
                            "mayor-centred, none"
                        }),
                        t(if x.spanners.is_empty() {
                            "none".to_string()
                        } else {
                            x.spanners.join(", ")
                        }),
                        n(x.report.candidates),
                        t(if x.agrees {
                            "agrees with the paper"
                        } else {
                            "differs from the paper"
                        }),
                    ]
                })
                .collect(),
        ));
        if !st.explanation.is_empty() {
            sec.notes.push(format!("{}: {}", st.label, st.explanation));
        }
    }
    sec
}

async fn survey_page(
    State(st): State<AppState>,
    who: Option<axum::Extension<mlgov_auth::Principal>>,
    RawQuery(q): RawQuery,
) -> PageResult {
    let who = survey::audience(who);
    let s = st.snapshot();
    let views = s.surveys.visible(&who);
    let mut p = Params::parse(q.as_deref());
    let sq = survey::SurveyQuery::parse(&views, &mut p);
    let dl = download_param(&mut p);
    p.finish()?;
    let mut page =
        Page { title: "Survey dashboards".into(), nav: "survey".into(), ..Page::default() };
    page.lead.push("The multilevel-governance interaction survey of the Whole-COMM project (Schiller et al. 2023): how often, and how collaboratively, local policymakers interact with civil society and with higher levels, by group of localities, with n, the localities behind it and 95 % intervals that treat localities as clusters.".into());
    if views.is_empty() {
        page.notice = Some(survey::no_survey_message(&who, &s.surveys));
        let mut how = section("how", "How survey figures get here");
        how.paragraphs.push("Import a survey-tool export with `mlgov survey import FILE --mapping map.toml --name NAME` (Qualtrics, LimeSurvey, KoboToolbox; docs/survey.md) or collect answers through invitation links (POST /api/v1/surveys), then publish a release with `mlgov survey release NAME`: releases are what the public and viewers see.".into());
        page.sections.push(how);
        return finish(&s, page, "/survey", q.as_deref(), dl);
    }
    let (s2, who2, sq2) = (s.clone(), who.clone(), sq.clone());
    let shown = tokio::task::spawn_blocking(move || survey::run(&s2, &who2, &sq2))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))??;
    let out = survey::to_wire(&s, &who, &shown);
    page.notice = Some(out.notice.clone());
    let survey_field = select(
        "survey",
        "Survey",
        &out.survey,
        out.surveys.iter().map(|x| (x.name.clone(), x.label.clone())).collect(),
    );
    let mut fields = vec![survey_field];
    let synthetic_note = if out.synthetic { " SYNTHETIC data." } else { "" };
    if shown.view.live {
        let ins = shown.instrument.clone().unwrap_or_else(mlgov_survey::Instrument::whole_comm);
        fields.extend([
            select(
                "analysis",
                "Analysis",
                sq.analysis.id(),
                mlgov_survey::AnalysisKind::ALL
                    .iter()
                    .map(|k| (k.id().to_string(), k.title().to_string()))
                    .collect(),
            ),
            select(
                "group_by",
                "Group by",
                sq.group_by.id(),
                survey::GROUPINGS.iter().map(|g| (g.to_string(), g.to_string())).collect(),
            ),
            select(
                "period",
                "Period",
                sq.period.as_deref().unwrap_or("all"),
                std::iter::once(("all".to_string(), "all periods".to_string()))
                    .chain(ins.periods.iter().map(|x| (x.id.clone(), x.label.clone())))
                    .collect(),
            ),
            select(
                "role",
                "Respondents",
                sq.role.as_deref().unwrap_or("report"),
                [
                    (
                        "report".to_string(),
                        "elected policymakers and local officials (the report's population)"
                            .to_string(),
                    ),
                    ("all".to_string(), "all roles".to_string()),
                ]
                .into_iter()
                .chain(ins.roles.iter().map(|x| (x.id.clone(), x.label.clone())))
                .collect(),
            ),
        ]);
    } else {
        fields.push(select("table", "Published table", &out.table, shown.tables.clone()));
    }
    page.form = Some(Form {
        action: "/survey".into(),
        label: "Choose the survey and the figures".into(),
        submit: "Show".into(),
        auto: true,
        fields,
    });
    let period =
        survey::period_words(&shown.table.id, shown.table.analysis, shown.instrument.as_ref());
    let mut fig = section("figure", format!("{}{period} ({})", out.title, out.figure));
    if let Some(ins) = &shown.instrument {
        for (i, c) in mlgov_survey::charts_for(&shown.table, ins).into_iter().enumerate() {
            let svg = strip_prolog(&c.chart.render());
            if i == 0 {
                fig.figure = Some(Figure {
                    svg,
                    caption: format!(
                        "{} by {}, mean with its 95 % interval and n per bar (the legend gives the localities).{synthetic_note}",
                        out.title,
                        out.group_by.join(", ")
                    ),
                    table_id: Some("estimates".into()),
                    downloads: Vec::new(),
                });
            } else {
                fig.links.push(t(format!("Further panel: {}", c.suffix.trim_start_matches('_'))));
            }
        }
    }
    for note in &out.notes {
        fig.paragraphs.push(note.clone())
    }
    page.sections.push(fig);
    // Period ids (p1, p2) in words, as the instrument labels them.
    let period_label = |id: Option<&str>| -> String {
        let Some(id) = id else { return String::new() };
        shown
            .instrument
            .as_ref()
            .and_then(|ins| ins.periods.iter().find(|p| p.id == id))
            .map(|p| p.label.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let mut tb = section("table", "Estimates");
    let caption = match out.release {
        Some(r) => format!(
            "Estimates with n, localities and 95 % intervals, release {r}: cells below {} respondents suppressed.{synthetic_note}",
            out.min_cell.unwrap_or(0)
        ),
        None => format!(
            "Estimates with n, localities and 95 % intervals (localities as clusters; live figures).{synthetic_note}"
        ),
    };
    tb.tables.push(table(
        "estimates",
        caption,
        &[
            "group",
            "period",
            "measure",
            "statistic",
            "n",
            "localities",
            "mean",
            "low",
            "high",
            "flags",
        ],
        out.rows
            .iter()
            .map(|r| {
                vec![
                    t(r.group.join(" · ").replace('_', " ")),
                    t(period_label(r.period.as_deref())),
                    t(&r.label),
                    t(&r.statistic),
                    n(r.estimate.n.map(|v| v.to_string()).unwrap_or_else(|| "suppressed".into())),
                    n(r.estimate
                        .localities
                        .filter(|l| *l > 0)
                        .map(|v| v.to_string())
                        .unwrap_or_default()),
                    n(r.estimate.mean.map(|x| format!("{x:.3}")).unwrap_or_default()),
                    n(r.estimate.ci_low.map(|x| format!("{x:.3}")).unwrap_or_default()),
                    n(r.estimate.ci_high.map(|x| format!("{x:.3}")).unwrap_or_default()),
                    t(flags(r.estimate.small_n, r.estimate.few_localities)),
                ]
            })
            .collect(),
    ));
    page.sections.push(tb);
    if !out.choices.is_empty() {
        let mut ch = section("choices", "Choice questions");
        ch.paragraphs.push("Every option of the questionnaire is listed whether or not anyone chose it; a suppressed count (fewer than k respondents, or hidden to protect another cell) says nothing — not even whether anyone chose the option.".into());
        for (i, c) in out.choices.iter().enumerate() {
            let total = c.total.map(|v| v.to_string()).unwrap_or_else(|| "suppressed".into());
            ch.tables.push(table(
                &format!("choice-{i}"),
                format!("{} (respondents who answered: {total})", c.label),
                &["option", "respondents"],
                c.options
                    .iter()
                    .map(|o| {
                        vec![
                            t(&o.label),
                            n(o.count
                                .map(|v| v.to_string())
                                .unwrap_or_else(|| "suppressed".into())),
                        ]
                    })
                    .collect(),
            ));
        }
        page.sections.push(ch);
    }
    finish(&s, page, "/survey", q.as_deref(), dl)
}

async fn diffusion(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let dq = diffusionapi::DiffusionQuery::parse(&s, &mut p);
    let dl = download_param(&mut p);
    p.finish()?;
    let s2 = s.clone();
    let dq2 = dq.clone();
    let (base, scen) = tokio::task::spawn_blocking(move || {
        let base = diffusionapi::run(
            &s2,
            &diffusionapi::DiffusionQuery { scenario: "baseline".into(), ..dq2.clone() },
        );
        let scen =
            if dq2.scenario == "baseline" { None } else { Some(diffusionapi::run(&s2, &dq2)) };
        (base, scen)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    let base = base?;
    let scen = scen.transpose()?;
    let mut page =
        Page { title: "Diffusion what-if".into(), nav: "diffusion".into(), ..Page::default() };
    page.notice = Some("Scenario exploration, not a forecast: tie strengths are assumptions and the sources record no adoptions.".into());
    let seed_default = dq.seed.clone().or_else(|| diffusionapi::DiffusionQuery::default_seed(&s));
    let mut locs: Vec<(String, String)> =
        s.kb.localities
            .iter()
            .filter(|l| !s.kb.memberships_of(&l.id).is_empty())
            .map(|l| (l.id.body().to_string(), l.display_name().to_string()))
            .collect();
    locs.sort_by_key(|a| fold(&a.1));
    let mut nets: Vec<(String, String)> =
        s.kb.networks.iter().map(|n| (n.id.body().to_string(), s.name(&n.id))).collect();
    nets.sort_by_key(|a| fold(&a.1));
    let mut fields = Vec::new();
    if !s.kb.practices.is_empty() {
        fields.push(select(
            "practice",
            "Practice",
            dq.practice.as_ref().map(|x| x.as_str()).unwrap_or(""),
            std::iter::once((String::new(), "none: start from a locality".to_string()))
                .chain(s.kb.practices.iter().map(|x| (x.id.to_string(), x.title.clone())))
                .collect(),
        ));
    }
    fields.push(select(
        "seed",
        "Initial adopter",
        seed_default.as_ref().map(|x| x.body()).unwrap_or(""),
        locs,
    ));
    fields.push(select(
        "model",
        "Model",
        &dq.model,
        vec![("ic".into(), "independent cascade".into()), ("lt".into(), "linear threshold".into())],
    ));
    fields.push(select(
        "scenario",
        "Scenario",
        &dq.scenario,
        vec![
            ("baseline".into(), "baseline only".into()),
            ("integration_officers".into(), "every locality gets an integration officer".into()),
            ("join_network".into(), "the initial adopter joins a network".into()),
        ],
    ));
    fields.push(select(
        "network",
        "Network joined",
        dq.network.as_ref().map(|x| x.body()).unwrap_or(""),
        std::iter::once((String::new(), "the largest network".to_string())).chain(nets).collect(),
    ));
    page.form = Some(Form {
        action: "/diffusion".into(),
        label: "Choose the what-if".into(),
        submit: "Simulate".into(),
        auto: false,
        fields,
    });
    if s.kb.practices.is_empty() {
        page.lead.push("The knowledge base records no practices yet, so the simulation starts from a chosen locality.".into());
    } else {
        page.lead.push(format!("{} practices are recorded (see Practices); choosing one starts from its origin and stated adopters.", s.kb.practices.len()));
    }
    let seeds_named = base.seeds.iter().map(|x| x.name.clone()).collect::<Vec<_>>().join(", ");
    let mut verdict = section("verdict", "What the what-if changes");
    verdict.paragraphs.push(diffusion_verdict(&base, scen.as_ref(), &seeds_named));
    page.sections.push(verdict);
    let mut series: Vec<(&str, &[CurvePoint])> = vec![("as things are", &base.curve)];
    if let Some(sc) = &scen {
        series.push((sc.scenario_label.as_str(), &sc.curve))
    }
    let mut fig = section("curves", "Adoption curves");
    fig.paragraphs.push(format!("Initial adopter(s): {seeds_named}; {} runs of the {} model over {} actors that can adopt (localities and organisations; networks relay without adopting).", base.runs, if base.model == "lt" { "linear threshold" } else { "independent cascade" }, base.adopter_nodes));
    for note in scen.as_ref().unwrap_or(&base).notes.iter() {
        fig.paragraphs.push(note.clone())
    }
    fig.figure = Some(Figure { svg: svg::curves("Mean adopters per step with 95 % band", &series), caption: "Mean number of adopting nodes per step across Monte Carlo runs, with the 2.5–97.5 % band.".into(), table_id: Some("curve".into()), downloads: Vec::new() });
    let mut rows = Vec::new();
    for (i, pt) in base.curve.iter().enumerate() {
        let mut row = vec![
            n(pt.step),
            n(format!("{:.2}", pt.mean)),
            n(format!("{:.1}", pt.low)),
            n(format!("{:.1}", pt.high)),
        ];
        if let Some(sc) = &scen {
            let q = &sc.curve[i.min(sc.curve.len().saturating_sub(1))];
            row.extend([
                n(format!("{:.2}", q.mean)),
                n(format!("{:.1}", q.low)),
                n(format!("{:.1}", q.high)),
            ]);
        }
        rows.push(row);
    }
    let headers: Vec<&str> = if scen.is_some() {
        vec!["step", "as things are: mean", "low", "high", "what-if: mean", "low", "high"]
    } else {
        vec!["step", "mean", "low", "high"]
    };
    fig.tables.push(table(
        "curve",
        "Adopters per step (mean and 95 % band across runs)",
        &headers,
        rows,
    ));
    page.sections.push(fig);
    let mut who = section("who", "Who adopts");
    let names: std::collections::BTreeMap<&str, (f64, f64)> = {
        let mut m: std::collections::BTreeMap<&str, (f64, f64)> = Default::default();
        for a in &base.adopters {
            m.entry(a.entity.id.as_str()).or_default().0 = a.probability;
        }
        if let Some(sc) = &scen {
            for a in &sc.adopters {
                m.entry(a.entity.id.as_str()).or_default().1 = a.probability;
            }
        }
        m
    };
    let entity = |id: &str| {
        base.adopters
            .iter()
            .chain(scen.iter().flat_map(|x| x.adopters.iter()))
            .find(|a| a.entity.id == id)
            .map(|a| a.entity.clone())
    };
    let mut rows: Vec<(f64, Vec<Cell>)> = names
        .iter()
        .filter_map(|(id, (b, w))| {
            let e = entity(id)?;
            let mut row = vec![r(&e), n(format!("{:.0} %", b * 100.0))];
            if scen.is_some() {
                row.push(n(format!("{:.0} %", w * 100.0)));
            }
            Some((b.max(*w), row))
        })
        .collect();
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    let head: Vec<&str> = if scen.is_some() {
        vec!["actor", "adopts as things are (share of runs)", "adopts in the what-if"]
    } else {
        vec!["actor", "adopts (share of runs)"]
    };
    if rows.is_empty() {
        who.paragraphs.push("Nobody beyond the initial adopter(s) adopts in any run.".into());
    }
    who.tables.push(table(
        "adopters",
        "Actors that adopt in at least one run, most likely first",
        &head,
        rows.into_iter().map(|x| x.1).collect(),
    ));
    page.sections.push(who);
    finish(&s, page, "/diffusion", q.as_deref(), dl)
}

/// The what-if in one sentence: what changed, by how much, and how sure (the difference of the
/// mean final adopters with a 95 % interval from the runs' spread, independent runs assumed).
fn diffusion_verdict(
    base: &crate::wire::DiffusionOut,
    scen: Option<&crate::wire::DiffusionOut>,
    seeds: &str,
) -> String {
    let reach = format!(
        "Starting from {seeds}, a practice reaches on average {:.1} further actors out of {} ({} runs)",
        (base.final_mean - base.seeds.len() as f64).max(0.0),
        base.adopter_nodes,
        base.runs
    );
    let Some(sc) = scen else {
        return format!("{reach}. Choose a scenario to see what would change.");
    };
    let diff = sc.final_mean - base.final_mean;
    let se = (base.final_sd.powi(2) / base.runs.max(1) as f64
        + sc.final_sd.powi(2) / sc.runs.max(1) as f64)
        .sqrt();
    let (lo, hi) = (diff - 1.96 * se, diff + 1.96 * se);
    let sure = if lo > 0.0 {
        "a clear increase: the whole 95 % interval is above zero"
    } else if hi < 0.0 {
        "a clear decrease: the whole 95 % interval is below zero"
    } else {
        "no clear difference: the 95 % interval includes zero"
    };
    format!(
        "If {}, a practice adopted by {seeds} ends with {:.2} adopters on average instead of {:.2} as things are: a difference of {diff:+.2} (95 % interval {lo:+.2} to {hi:+.2}) — {sure}. {reach} as things are.",
        sc.scenario_label, sc.final_mean, base.final_mean
    )
}

/// Localities named by the user (names, aliases or ids, accents optional), distinct, with a
/// sentence for each name that does not resolve: a page that compares never fails on them.
fn pick_localities<'a>(
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
async fn compare_page(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
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
    page.form = Some(Form {
        action: "/compare".into(),
        label: "Localities to compare".into(),
        submit: "Compare".into(),
        auto: false,
        fields,
    });
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
            for m in col.mayors.iter().filter(|m| m.from.is_some()) {
                rows.push(mlgov_charts::GanttRow {
                    label: mlgov_analysis::gantt::short_label(
                        &format!("{}: mayor {}", col.locality.name, m.name),
                        40,
                    ),
                    bars: vec![mlgov_charts::GanttBar {
                        from: m.from.unwrap_or(first) as f64,
                        to: m.to.map(|t| t as f64 + 1.0),
                        label: None,
                        colour: 2 * k + 1,
                    }],
                    markers: vec![],
                });
            }
            for m in col.memberships.iter().filter(|m| m.from.is_some()) {
                let label = format!(
                    "{}: {} ({})",
                    col.locality.name,
                    m.network.name,
                    m.role.replace('_', " ")
                );
                rows.push(mlgov_charts::GanttRow {
                    label: mlgov_analysis::gantt::short_label(&label, 40),
                    bars: vec![mlgov_charts::GanttBar {
                        from: m.from.unwrap_or(first) as f64,
                        to: m.to.map(|t| t as f64 + 1.0),
                        label: None,
                        colour: 2 * k,
                    }],
                    markers: vec![],
                });
            }
        }
        let names: Vec<String> = cmp.localities.iter().map(|c| c.locality.name.clone()).collect();
        let chart = mlgov_charts::Gantt {
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
        };
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
        page.sections.push(tl);
        let mut c = section("compare", "Each locality");
        for (i, col) in cmp.localities.iter().enumerate() {
            let undated = col.memberships.iter().filter(|m| m.from.is_none()).count();
            c.tables.push(table(
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
                &["network", "role", "from", "to", "via", "source"],
                col.memberships
                    .iter()
                    .map(|m| {
                        vec![
                            r(&m.network),
                            t(m.role.replace('_', " ")),
                            n(yr(m.from)),
                            n(yr(m.to)),
                            opt(&m.via),
                            t(&m.source),
                        ]
                    })
                    .collect(),
            ));
            c.tables.push(table(
                &format!("mayors-{}", i + 1),
                format!("{}: mayors", col.locality.name),
                &["mayor", "party", "orientation", "from", "to"],
                col.mayors
                    .iter()
                    .map(|m| {
                        vec![
                            t(&m.name),
                            opt(&m.party),
                            opt(&m.orientation),
                            n(yr(m.from)),
                            n(yr(m.to)),
                        ]
                    })
                    .collect(),
            ));
        }
        page.sections.push(c);
    }
    finish(&s, page, "/compare", q.as_deref(), dl)
}

async fn analyses(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
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
    page.form = Some(Form {
        action: "/analyses".into(),
        label: "Settings".into(),
        submit: "Update".into(),
        auto: false,
        fields: vec![
            Field {
                placeholder: Some("Turin,Saint-Etienne".into()),
                ..input("compare", "Compare (comma-separated)", "text", &compare)
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
    });
    let cmp = convert::compare(&s, &ids, table3);
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
        c.tables.push(table(
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
            &["network", "role", "from", "to", "via", "source"],
            col.memberships
                .iter()
                .map(|m| {
                    vec![
                        r(&m.network),
                        t(&m.role),
                        n(yr(m.from)),
                        n(yr(m.to)),
                        opt(&m.via),
                        t(&m.source),
                    ]
                })
                .collect(),
        ));
        c.tables.push(table(
            &format!("mayors-{}", i + 1),
            format!("{}: mayors", col.locality.name),
            &["mayor", "party", "orientation", "from", "to"],
            col.mayors
                .iter()
                .map(|m| {
                    vec![t(&m.name), opt(&m.party), opt(&m.orientation), n(yr(m.from)), n(yr(m.to))]
                })
                .collect(),
        ));
    }
    page.sections.push(c);
    let mut x = section("crosstabs", "Whole-COMM cross-tabs");
    for spec in CROSSTABS.iter() {
        let ct = convert::crosstab(&s, spec);
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
    page.sections.push(x);
    let cs = convert::countries(&s);
    let mut co = section("countries", "Countries");
    co.tables.push(table(
        "countries",
        "National / regional policy configurations and localities per country",
        &["country", "configurations", "localities", "memberships"],
        cs.countries
            .iter()
            .map(|c| {
                vec![
                    t(&c.country),
                    t(c.configurations.join(", ").replace('_', " ")),
                    n(c.localities),
                    n(c.memberships),
                ]
            })
            .collect(),
    ));
    page.sections.push(co);
    let mut ph = section("phases", "Trajectory phases as the authors name them");
    let mut phs: Vec<&mlgov_domain::Phase> = s.kb.phases.iter().collect();
    phs.sort_by(|a, b| a.locality.cmp(&b.locality).then(a.when.cmp(&b.when)));
    ph.tables.push(table(
        "phases",
        "Named phases",
        &["locality", "phase", "kind", "from", "to", "source"],
        phs.iter()
            .map(|x| {
                let o = convert::phase(&s, x);
                let [f, u] = when_cells(&o.when);
                vec![r(&o.locality), t(&o.label), opt(&o.kind), f, u, cite(&o.citation)]
            })
            .collect(),
    ));
    page.sections.push(ph);
    let hy = convert::hypotheses_out(&s, window, min_cso);
    let mut hs = section("hypotheses", "Hypotheses on militant networks");
    for h in &hy.hypotheses {
        let yn = |c: Option<bool>| match c {
            Some(true) => "yes",
            Some(false) => "no",
            None => "unknown",
        };
        hs.paragraphs
            .push(format!("{}: {} The paper's verdict: {}.", h.id, h.statement, h.paper_verdict));
        hs.paragraphs
            .push(format!("mlgov computes, for each network: {}. {}", h.computed_rule, h.sentence));
        hs.tables.push(table(
            &format!("{}-cases", h.id.to_lowercase()),
            format!("{}: the paper's cases — its reading beside mlgov's", h.id),
            &["network", "the paper", "its source", "mlgov", "agreement", "why they differ"],
            h.rows
                .iter()
                .filter_map(|x| {
                    x.paper.as_ref().map(|p| {
                        vec![
                            r(&x.network),
                            t(format!("{} — {}", yn(Some(p.holds)), p.detail)),
                            t(&p.citation),
                            t(yn(x.condition)),
                            t(&x.agreement),
                            t(x.explanation.clone().unwrap_or_default()),
                        ]
                    })
                })
                .collect(),
        ));
        hs.tables.push(table(
            &format!("{}-rows", h.id.to_lowercase()),
            format!(
                "{}: every network compared (Fisher's exact p = {})",
                h.id,
                h.fisher_p.map(|p| format!("{p:.3}")).unwrap_or_else(|| "n/a".into())
            ),
            &[
                "network",
                "class",
                "countries",
                "founded",
                "founding from",
                "condition",
                "evidence",
                "not counted",
            ],
            h.rows
                .iter()
                .map(|x| {
                    vec![
                        r(&x.network),
                        t(&x.class),
                        t(x.countries.join(", ")),
                        n(yr(x.founded)),
                        t(&x.founded_from),
                        t(yn(x.condition)),
                        t(x.evidence.join("; ")),
                        t(x.not_counted.join("; ")),
                    ]
                })
                .collect(),
        ));
        if !h.excluded.is_empty() {
            hs.notes.push(format!("Left out of {}: {}.", h.id, h.excluded.join("; ")));
        }
    }
    page.sections.push(hs);
    let mut ty = section("typology", "Every network on the sponsored ↔ militant spectrum");
    let mut all: Vec<TypologyOut> =
        s.kb.networks.iter().map(|x| convert::typology_out(&s, &x.id)).collect();
    all.sort_by(|a, b| {
        a.position
            .partial_cmp(&b.position)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.network.name.cmp(&b.network.name))
    });
    ty.paragraphs.push(format!("A position is the mean of the observed traits, computed only when at least {} of the four are observed; \"traits\" says how many are. Where the paper places a network itself, its placement and quote stand beside the computed class.", mlgov_analysis::typology::MIN_TRAITS));
    ty.tables.push(table(
        "typology",
        "Networks by position (−1 sponsored … +1 militant)",
        &[
            "network",
            "position",
            "class",
            "traits",
            "the paper",
            "why they differ",
            "stated origin",
            "funding",
            "partners",
            "scope",
            "issue focus",
        ],
        all.iter()
            .map(|x| {
                let tr = |name: &str| {
                    t(x.traits
                        .iter()
                        .find(|tr| tr.name == name)
                        .map(|tr| tr.value.clone())
                        .unwrap_or_default())
                };
                vec![
                    r(&x.network),
                    n(x.position.map(|p| format!("{p:+.2}")).unwrap_or_default()),
                    t(&x.class),
                    n(format!("{}/4", x.coverage)),
                    t(x.paper
                        .iter()
                        .map(|p| format!("{} ({})", p.value, p.citation))
                        .collect::<Vec<_>>()
                        .join("; ")),
                    t(x.explanation.clone().unwrap_or_default()),
                    t(x.stated_origin.join(", ")),
                    tr("funding"),
                    tr("partners"),
                    tr("scope"),
                    tr("issue_focus"),
                ]
            })
            .collect(),
    ));
    page.sections.push(ty);
    finish(&s, page, "/analyses", q.as_deref(), dl)
}

async fn sources(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let dl = download_param(&mut p);
    p.finish()?;
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

async fn source(
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
fn cite_of(s: &Snapshot, c: &mlgov_domain::Citation) -> Cell {
    cite(&convert::cite(s, c))
}

/// `/practices`: the good practices the sources describe, where they come from and who adopted
/// them.
async fn practices(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let dl = download_param(&mut p);
    p.finish()?;
    let mut page = Page { title: "Practices".into(), nav: "analyses".into(), ..Page::default() };
    page.lead.push("Integration practices the sources describe: where each comes from, when, and which localities are stated to have adopted it. Open one to simulate its diffusion.".into());
    let mut list: Vec<&mlgov_domain::Practice> = s.kb.practices.iter().collect();
    list.sort_by_key(|a| fold(&a.title));
    let mut sec = section("list", format!("{} practices", list.len()));
    if list.is_empty() {
        sec.paragraphs.push("The knowledge base records no practices yet.".into());
    }
    sec.tables.push(table(
        "practices",
        "Practices, their origin and adoptions",
        &["practice", "policy area", "origin", "since", "adopted by", "source"],
        list.iter()
            .map(|x| {
                let adopters =
                    s.kb.adoptions_naming(&x.id).into_iter().filter(|a| a.practice == x.id).count();
                vec![
                    link(&x.title, Some(format!("/practices/{}", x.id.body()))),
                    code(&x.policy_area),
                    x.origin
                        .as_ref()
                        .map(|o| link(s.name(o), convert::href(o)))
                        .unwrap_or_default(),
                    n(x.when.start_year().map(|y| y.to_string()).unwrap_or_default()),
                    n(adopters),
                    cite_of(&s, &x.citation),
                ]
            })
            .collect(),
    ));
    page.sections.push(sec);
    finish(&s, page, "/practices", q.as_deref(), dl)
}

/// `/practices/{id}`: one practice, its adoptions and a link to simulate its diffusion.
async fn practice(
    State(st): State<AppState>,
    Path(raw): Path<String>,
    RawQuery(q): RawQuery,
) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let dl = download_param(&mut p);
    p.finish()?;
    let body = raw.trim_start_matches("prc:");
    let x =
        s.kb.practices
            .iter()
            .find(|x| x.id.body() == body)
            .ok_or_else(|| ApiError::NotFound(format!("no practice {raw:?}")))?;
    let mut page = Page {
        title: x.title.clone(),
        subtitle: Some(format!("practice in {}", x.policy_area.replace('_', " "))),
        nav: "analyses".into(),
        ..Page::default()
    };
    let mut about = section("about", "What it is");
    if let Some(d) = &x.description {
        about.paragraphs.push(d.clone())
    }
    if let Some(o) = &x.origin {
        about.pairs.push(("Origin".into(), link(s.name(o), convert::href(o))))
    }
    about.pairs.push((
        "When".into(),
        t(if x.when.is_undated() {
            "undated".to_string()
        } else {
            format!(
                "{}–{}",
                x.when.start_year().map(|y| y.to_string()).unwrap_or_default(),
                x.when.end_year().map(|y| y.to_string()).unwrap_or_default()
            )
        }),
    ));
    if !x.actors.is_empty() {
        about.badges = x.actors.iter().map(|a| link(s.name(a), convert::href(a))).collect()
    }
    about.pairs.push(("Source".into(), cite_of(&s, &x.citation)));
    about.links.push(link(
        "Simulate its diffusion",
        Some(format!("/diffusion?practice={}", crate::params::encode(x.id.as_str()))),
    ));
    about.links.push(link("Its statement", Some(format!("/statements/{}", x.id))));
    page.sections.push(about);
    let mut ad = section("adoptions", "Adopted by");
    let adoptions: Vec<&mlgov_domain::Adoption> =
        s.kb.adoptions_naming(&x.id).into_iter().filter(|a| a.practice == x.id).collect();
    if adoptions.is_empty() {
        ad.paragraphs.push("No adoption is recorded.".into());
    }
    ad.tables.push(table(
        "adopted-by",
        "Localities stated to have adopted it",
        &["locality", "from", "source", "statement"],
        adoptions
            .iter()
            .map(|a| {
                vec![
                    link(s.name(&a.locality), convert::href(&a.locality)),
                    n(a.from.as_ref().map(|d| d.year.to_string()).unwrap_or_default()),
                    cite_of(&s, &a.citation),
                    stmt(a.id.as_str()),
                ]
            })
            .collect(),
    ));
    page.sections.push(ad);
    finish(&s, page, &format!("/practices/{raw}"), q.as_deref(), dl)
}

/// `/statements/{id}`: the permanent page of one statement — its values, what they mean, its
/// source and locator, the passage it quotes, and the entities it is about.
async fn statement(
    State(st): State<AppState>,
    Path(raw): Path<String>,
    RawQuery(q): RawQuery,
) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let dl = download_param(&mut p);
    p.finish()?;
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
async fn passage(
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

async fn conflicts(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let dl = download_param(&mut p);
    p.finish()?;
    let cs = convert::conflicts(&s);
    let mut page = Page {
        title: "Conflicts between statements".into(),
        nav: "conflicts".into(),
        ..Page::default()
    };
    page.lead.push(format!("{} groups of statements do not agree (single-valued facts with overlapping dates and different values, memberships or events dated differently). All are kept, each with its source, and grouped by what the difference is: sources that disagree, a source that disagrees with itself, an undated statement beside dated ones (possibly a change over time), and candidate values for anonymised localities that share a public label (identity ambiguity, not disagreement).", cs.count));
    for (nature, heading) in [
        ("sources_disagree", "Sources disagree"),
        ("source_disagrees_with_itself", "A source disagrees with itself"),
        ("change_over_time", "Possibly a change over time"),
        ("identity_ambiguity", "Identity ambiguity: localities sharing a label"),
    ] {
        let group: Vec<&ConflictOut> = cs.conflicts.iter().filter(|c| c.nature == nature).collect();
        let mut sec = section(&nature.replace('_', "-"), format!("{heading} ({})", group.len()));
        if let Some(c) = group.first()
            && (nature == "identity_ambiguity" || nature == "change_over_time")
        {
            sec.paragraphs.push(
                c.explanation.split(" (the same candidates").next().unwrap_or("").to_string(),
            );
        }
        // Subjects sharing a display name (anonymised localities with the same public label) are
        // told apart by their id; each group of disagreeing statements has its number.
        let mut names: std::collections::HashMap<&str, std::collections::BTreeSet<&str>> =
            Default::default();
        for c in &cs.conflicts {
            names.entry(c.subject.name.as_str()).or_default().insert(c.subject.id.as_str());
        }
        let subject = |c: &ConflictOut| {
            let shared = names.get(c.subject.name.as_str()).is_some_and(|ids| ids.len() > 1);
            let label = if shared {
                format!("{} ({})", c.subject.name, c.subject.id)
            } else {
                c.subject.name.clone()
            };
            link(label, c.subject.href.clone())
        };
        sec.tables.push(table(&format!("conflicts-{}", nature.replace('_', "-")), format!("{heading}: each group of statements that do not agree, each statement with its source"), &["group", "subject", "about", "value", "when", "source", "statement", "what it is"],
            group.iter().enumerate().flat_map(|(k, c)| c.statements.iter().map(move |x| vec![n(k + 1), subject(c), t(c.about.replace('_', " ")), t(&x.value), t(&x.when.display), cite(&x.citation), stmt(&x.id), t(&c.explanation)])).collect()));
        page.sections.push(sec);
    }
    finish(&s, page, "/conflicts", q.as_deref(), dl)
}
