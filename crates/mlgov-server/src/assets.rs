//! Embedded static files: the Vite bundle (`web/dist`, built from `web/src` and committed, so a
//! plain `cargo build` embeds it without npm; `scripts/test.sh` rebuilds it and fails when the
//! committed copy is stale; `allow_missing` still lets cargo build without it, pages then work
//! without their enhancements) and the server's own CSS; and the build fingerprint over
//! everything embedded, mixed into every ETag.

use std::sync::OnceLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
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

/// The page templates embedded in the binary, as (name, source): what the explorer renders
/// (`pages::render`) and part of the build fingerprint.
pub const TEMPLATES: [(&str, &str); 2] = [
    ("base.html", include_str!("../templates/base.html")),
    ("page.html", include_str!("../templates/page.html")),
];

/// The build fingerprint mixed into every page and API ETag, computed once: a hash of the
/// embedded page templates, the embedded files (the Vite bundle and the server's CSS: paths and
/// SHA-256 digests) and the crate version. The data snapshot's hash alone would let a client keep
/// a page rendered by an older build after an upgrade that changed templates or assets.
pub fn build_fingerprint() -> u64 {
    static FINGERPRINT: OnceLock<u64> = OnceLock::new();
    *FINGERPRINT
        .get_or_init(|| fingerprint(&TEMPLATES, &embedded_files(), env!("CARGO_PKG_VERSION")))
}

/// The embedded files (the Vite bundle and the server's CSS): paths and SHA-256 digests.
fn embedded_files() -> Vec<(String, [u8; 32])> {
    let mut files: Vec<(String, [u8; 32])> = WebDist::iter()
        .filter_map(|p| WebDist::get(&p).map(|f| (format!("web/{p}"), f.metadata.sha256_hash())))
        .collect();
    files.extend(Static::iter().filter_map(|p| {
        Static::get(&p).map(|f| (format!("static/{p}"), f.metadata.sha256_hash()))
    }));
    files
}

/// FNV-1a ([`crate::digest::fnv1a`]) over the length-prefixed template names and sources, the
/// asset paths and digests (in path order, so the listing order does not matter) and `version`.
/// O(total bytes of the templates).
pub fn fingerprint(
    templates: &[(&str, &str)],
    assets: &[(String, [u8; 32])],
    version: &str,
) -> u64 {
    let mut buf = Vec::new();
    let mut put = |bytes: &[u8]| {
        buf.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
        buf.extend_from_slice(bytes);
    };
    for (name, source) in templates {
        put(name.as_bytes());
        put(source.as_bytes());
    }
    let mut sorted: Vec<&(String, [u8; 32])> = assets.iter().collect();
    sorted.sort();
    for (path, digest) in sorted {
        put(path.as_bytes());
        put(digest);
    }
    put(version.as_bytes());
    crate::digest::fnv1a(&buf)
}

fn file_response(data: rust_embed::EmbeddedFile, path: &str, immutable: bool) -> Response {
    let mime = data.metadata.mimetype().to_string();
    let etag = format!(
        "\"{}\"",
        data.metadata.sha256_hash().iter().take(12).map(|b| format!("{b:02x}")).collect::<String>()
    );
    let mut r = (StatusCode::OK, data.data.into_owned()).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&mime)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::ETAG, HeaderValue::from_str(&etag).expect("hex"));
    let cc = if immutable && path.contains('-') {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
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
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(&m.data) else {
        return (vec![], vec![]);
    };
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
            if let Some(ie) = v.get(i) {
                collect_css(ie)
            }
        }
    }
    let js =
        e.get("file").and_then(|f| f.as_str()).map(|f| vec![format!("/{f}")]).unwrap_or_default();
    (js, css)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATES: [(&str, &str); 2] = [
        ("base.html", "<main>{% block content %}{% endblock %}</main>"),
        ("page.html", "<h1>{{ page.title }}</h1>"),
    ];

    fn assets() -> Vec<(String, [u8; 32])> {
        vec![("web/assets/app-1.js".into(), [1; 32]), ("static/app.css".into(), [2; 32])]
    }

    #[test]
    fn fingerprint_changes_with_any_template_asset_or_version() {
        let base = fingerprint(&TEMPLATES, &assets(), "1.0.0");
        assert_eq!(base, fingerprint(&TEMPLATES, &assets(), "1.0.0"), "deterministic");
        let mut edited = TEMPLATES;
        edited[1].1 = "<h1 class=\"title\">{{ page.title }}</h1>";
        assert_ne!(base, fingerprint(&edited, &assets(), "1.0.0"), "a changed template");
        let mut changed = assets();
        changed[0].1[0] = 9;
        assert_ne!(base, fingerprint(&TEMPLATES, &changed, "1.0.0"), "a changed asset");
        assert_ne!(base, fingerprint(&TEMPLATES, &assets()[..1], "1.0.0"), "a removed asset");
        assert_ne!(base, fingerprint(&TEMPLATES, &assets(), "1.0.1"), "another version");
        let mut reordered = assets();
        reordered.reverse();
        assert_eq!(
            base,
            fingerprint(&TEMPLATES, &reordered, "1.0.0"),
            "listing order does not matter"
        );
        // Moving text between a template's name and its source is not the same input.
        let shifted =
            [("base.html<main>", "{% block content %}{% endblock %}</main>"), TEMPLATES[1]];
        assert_ne!(base, fingerprint(&shifted, &assets(), "1.0.0"));
    }

    #[test]
    fn the_build_fingerprint_covers_the_embedded_templates() {
        assert_eq!(
            build_fingerprint(),
            fingerprint(&super::TEMPLATES, &embedded_files(), env!("CARGO_PKG_VERSION"))
        );
        assert!(
            super::TEMPLATES
                .iter()
                .any(|(n, src)| *n == "page.html" && src.contains("{% block content %}"))
        );
    }
}
