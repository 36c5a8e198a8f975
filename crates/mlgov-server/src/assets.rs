//! Embedded static files: the Vite bundle (`web/dist`, optional — `allow_missing` lets cargo
//! build without npm, pages then work without their enhancements) and the server's own CSS.

use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use rust_embed::RustEmbed;

/// The Vite build output.
#[derive(RustEmbed)]
#[folder = "../../web/dist/"]
#[allow_missing = true]
pub struct WebDist;

/// The server's own static files (CSS).
#[derive(RustEmbed)]
#[folder = "static/"]
pub struct Static;

fn file_response(data: rust_embed::EmbeddedFile, path: &str, immutable: bool) -> Response {
    let mime = data.metadata.mimetype().to_string();
    let etag = format!("\"{}\"", data.metadata.sha256_hash().iter().take(12).map(|b| format!("{b:02x}")).collect::<String>());
    let mut r = (StatusCode::OK, data.data.into_owned()).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_str(&mime).unwrap_or(HeaderValue::from_static("application/octet-stream")));
    h.insert(header::ETAG, HeaderValue::from_str(&etag).expect("hex"));
    let cc = if immutable && path.contains('-') { "public, max-age=31536000, immutable" } else { "no-cache" };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cc));
    r
}

/// `/assets/*`: files of the Vite bundle (hashed names, cached for a year).
pub async fn serve_asset(Path(path): Path<String>) -> Response {
    match WebDist::get(&format!("assets/{path}")) {
        Some(f) => file_response(f, &path, true),
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}

/// `/static/*`: the server's CSS.
pub async fn serve_static(Path(path): Path<String>) -> Response {
    match Static::get(&path) {
        Some(f) => file_response(f, &path, false),
        None => (StatusCode::NOT_FOUND, "no such file").into_response(),
    }
}

/// The script and style URLs of a page's Vite entry (from `web/dist/.vite/manifest.json`),
/// empty when the bundle was not built.
pub fn entry(name: &str) -> (Vec<String>, Vec<String>) {
    let Some(m) = WebDist::get(".vite/manifest.json") else { return (vec![], vec![]) };
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&m.data) else { return (vec![], vec![]) };
    let key = format!("src/{name}.js");
    let Some(e) = v.get(&key) else { return (vec![], vec![]) };
    let mut css: Vec<String> = Vec::new();
    let mut collect_css = |e: &serde_json::Value| {
        if let Some(a) = e.get("css").and_then(|c| c.as_array()) {
            css.extend(a.iter().filter_map(|x| x.as_str()).map(|x| format!("/{x}")));
        }
    };
    collect_css(e);
    if let Some(imports) = e.get("imports").and_then(|i| i.as_array()) {
        for i in imports.iter().filter_map(|x| x.as_str()) {
            if let Some(ie) = v.get(i) { collect_css(ie) }
        }
    }
    let js = e.get("file").and_then(|f| f.as_str()).map(|f| vec![format!("/{f}")]).unwrap_or_default();
    (js, css)
}
