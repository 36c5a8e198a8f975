//! Page data: cells, tables, figures, sections, forms and the page itself, as the template reads them.

use mlgov_domain::Id;
use serde::Serialize;

use crate::convert::{self};
use crate::wire::*;

/// A table cell: text with an optional link; `num` right-aligns.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct Cell {
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
pub(super) fn n(s: impl ToString) -> Cell {
    Cell { text: s.to_string(), num: true, ..Cell::default() }
}
pub(crate) fn link(s: impl Into<String>, href: Option<String>) -> Cell {
    Cell { text: s.into(), href, ..Cell::default() }
}
pub(super) fn r(e: &EntityRef) -> Cell {
    link(e.name.clone(), e.href.clone())
}
/// A vocabulary code in words (`formal_only` → "formal only", `opted_out` → "opted out").
pub(super) fn code(s: &str) -> Cell {
    t(s.replace('_', " "))
}
pub(super) fn opt(o: &Option<String>) -> Cell {
    t(o.clone().unwrap_or_default())
}
pub(super) fn yr(y: Option<i32>) -> String {
    y.map(|y| y.to_string()).unwrap_or_default()
}
/// A statement's permanent link, its id as text.
pub(super) fn stmt(id: &str) -> Cell {
    link(id, Some(format!("/statements/{id}")))
}

pub(super) fn cite(c: &CitationOut) -> Cell {
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
pub(crate) struct Table {
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
pub(crate) const TABLE_ROWS: usize = 100;

/// The paging of one long table.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct TablePager {
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
pub(crate) struct Figure {
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
pub(super) fn figure_id(s: &Section) -> Option<String> {
    s.figure.as_ref().map(|f| f.table_id.clone().unwrap_or_else(|| s.id.clone()))
}

/// A client-side widget placeholder (map, graph).
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct Widget {
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
pub(crate) struct Pager {
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
pub(crate) struct Section {
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
pub(super) fn html_marked(text: &str, marks: &[(usize, usize)]) -> String {
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
pub(crate) struct PostForm {
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
pub(crate) struct Opt {
    /// Value.
    pub value: String,
    /// Label.
    pub label: String,
}

/// A form field.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct Field {
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

pub(super) fn any_opts(
    label: &str,
    values: impl IntoIterator<Item = String>,
) -> Vec<(String, String)> {
    std::iter::once((String::new(), label.to_string()))
        .chain(values.into_iter().map(|v| (v.clone(), v.replace('_', " "))))
        .collect()
}

/// A filter form.
#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct Form {
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
pub(crate) struct Page {
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
pub(crate) struct Toc {
    /// Anchor.
    pub id: String,
    /// Heading.
    pub heading: String,
}
