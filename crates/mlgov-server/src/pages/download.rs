//! Tables and figures of a page as files (`download=`, `figure=`), and the paging of long lists.

use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::params::Params;
use crate::state::Snapshot;
use crate::wire::*;

use super::model::{Page, Pager, Table, figure_id};
use super::render::{PageError, PageResult, render_html};

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
pub(super) fn finish(
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

/// The download asked for by a page whose only parameters are the downloads (a 400 page for any
/// other parameter).
pub(super) fn only_downloads(q: Option<&str>) -> Result<Option<Download>, PageError> {
    let mut p = Params::parse(q);
    let dl = download_param(&mut p);
    p.finish()?;
    Ok(dl)
}

/// Reads `figure` (a figure as svg|png|pdf), or `download` (a table), and `format`.
pub(super) fn download_param(p: &mut Params) -> Option<Download> {
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

pub(super) fn pager(path: &str, query: Option<&str>, meta: &PageMeta) -> Pager {
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
