//! The one way every list of the API answers: `sort`/`direction` over the items' own fields, then
//! a JSON page with RFC 8288 `Link` headers, or CSV of every matching row (`?format=csv` or
//! `Accept: text/csv`): the JSON item's fields flattened in their order (nested objects as `a.b`
//! columns, arrays joined with `; `), formula-like cells neutralised unless `raw=true`.

use std::cmp::Ordering;

use axum::Json;
use axum::http::{HeaderMap, HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};
use mlgov_domain::fold;
use serde::Serialize;
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::convert::paginate;
use crate::params::{self, Params};
use crate::wire::PageMeta;

/// One list endpoint: where it is, the name of its CSV file, its sort keys (`key`, the dotted path
/// of the item field it sorts by) and whether its JSON is paginated.
#[derive(Debug)]
pub struct ListSpec {
    /// Path of the endpoint.
    pub path: &'static str,
    /// CSV file name without `.csv`.
    pub file: &'static str,
    /// Accepted `sort` keys and the item field each sorts by.
    pub sort: &'static [(&'static str, &'static str)],
    /// Whether the JSON is paginated (`page`, `per_page`, `meta`, `Link`).
    pub paginated: bool,
}

impl ListSpec {
    /// The accepted sort keys, comma-separated.
    pub fn sort_keys(&self) -> String {
        self.sort.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
    }
}

macro_rules! spec {
    ($name:ident, $path:literal, $file:literal, $paginated:literal, [$(($k:literal, $f:literal)),* $(,)?]) => {
        #[doc = concat!("`", $path, "`.")]
        pub const $name: ListSpec = ListSpec { path: $path, file: $file, paginated: $paginated, sort: &[$(($k, $f)),*] };
    };
}

spec!(
    LOCALITIES,
    "/api/v1/localities",
    "localities",
    true,
    [
        ("id", "id"),
        ("name", "name"),
        ("kind", "kind"),
        ("country", "country"),
        ("region", "region"),
        ("size_class", "size_class"),
        ("memberships", "memberships")
    ]
);
spec!(
    NETWORKS,
    "/api/v1/networks",
    "networks",
    true,
    [
        ("id", "id"),
        ("name", "name"),
        ("acronym", "acronym"),
        ("kind", "kind"),
        ("scale", "scale"),
        ("origin", "origin"),
        ("founded", "founded"),
        ("countries", "countries"),
        ("members", "members"),
        ("class", "class")
    ]
);
spec!(
    ORGANISATIONS,
    "/api/v1/organisations",
    "organisations",
    true,
    [
        ("id", "id"),
        ("name", "name"),
        ("acronym", "acronym"),
        ("kind", "kind"),
        ("country", "country")
    ]
);
spec!(PERSONS, "/api/v1/persons", "persons", true, [("id", "id"), ("name", "name")]);
spec!(
    EVENTS,
    "/api/v1/events",
    "events",
    true,
    [
        ("id", "id"),
        ("title", "title"),
        ("kind", "kind"),
        ("from", "when.from"),
        ("to", "when.to"),
        ("country", "country"),
        ("source", "citation.source")
    ]
);
spec!(
    MEMBERSHIPS,
    "/api/v1/memberships",
    "memberships",
    true,
    [
        ("id", "id"),
        ("network", "network.name"),
        ("member", "member.name"),
        ("role", "role"),
        ("from", "when.from"),
        ("to", "when.to"),
        ("source", "citation.source")
    ]
);
spec!(
    SOURCES,
    "/api/v1/sources",
    "sources",
    true,
    [
        ("id", "id"),
        ("short", "short"),
        ("title", "title"),
        ("authors", "authors"),
        ("year", "year"),
        ("kind", "kind"),
        ("statements", "statements")
    ]
);
spec!(
    FACTS,
    "/api/v1/facts",
    "facts",
    true,
    [
        ("id", "id"),
        ("subject", "subject.name"),
        ("property", "property"),
        ("value", "value"),
        ("from", "when.from"),
        ("to", "when.to"),
        ("source", "citation.source")
    ]
);
spec!(
    TERMS,
    "/api/v1/terms",
    "terms",
    true,
    [
        ("id", "id"),
        ("locality", "locality.name"),
        ("person", "person.name"),
        ("office", "office"),
        ("party", "party"),
        ("orientation", "orientation"),
        ("from", "when.from"),
        ("to", "when.to"),
        ("source", "citation.source")
    ]
);
spec!(
    RELATIONS,
    "/api/v1/relations",
    "relations",
    true,
    [
        ("id", "id"),
        ("subject", "subject.name"),
        ("kind", "kind"),
        ("object", "object.name"),
        ("from", "when.from"),
        ("to", "when.to"),
        ("source", "citation.source")
    ]
);
spec!(
    AFFILIATIONS,
    "/api/v1/affiliations",
    "affiliations",
    true,
    [
        ("id", "id"),
        ("person", "person.name"),
        ("organisation", "organisation.name"),
        ("role", "role"),
        ("sector", "sector"),
        ("from", "when.from"),
        ("to", "when.to"),
        ("source", "citation.source")
    ]
);
spec!(
    PRACTICES,
    "/api/v1/practices",
    "practices",
    true,
    [
        ("id", "id"),
        ("title", "title"),
        ("policy_area", "policy_area"),
        ("origin", "origin.name"),
        ("from", "when.from"),
        ("to", "when.to"),
        ("adopters", "adopters"),
        ("source", "citation.source")
    ]
);
spec!(
    ADOPTIONS,
    "/api/v1/adoptions",
    "adoptions",
    true,
    [
        ("id", "id"),
        ("practice", "practice.name"),
        ("locality", "locality.name"),
        ("from", "from"),
        ("source", "citation.source")
    ]
);
spec!(
    PHASES,
    "/api/v1/phases",
    "phases",
    false,
    [
        ("id", "id"),
        ("locality", "locality.name"),
        ("label", "label"),
        ("kind", "kind"),
        ("from", "when.from"),
        ("to", "when.to"),
        ("source", "citation.source")
    ]
);
spec!(
    COUNTRIES,
    "/api/v1/countries",
    "countries",
    false,
    [
        ("country", "country"),
        ("localities", "localities"),
        ("with_coordinates", "with_coordinates"),
        ("memberships", "memberships")
    ]
);

/// Every list endpoint (the OpenAPI document adds their common parameters from here).
pub const SPECS: [&ListSpec; 15] = [
    &LOCALITIES,
    &NETWORKS,
    &ORGANISATIONS,
    &PERSONS,
    &EVENTS,
    &MEMBERSHIPS,
    &SOURCES,
    &FACTS,
    &TERMS,
    &RELATIONS,
    &AFFILIATIONS,
    &PRACTICES,
    &ADOPTIONS,
    &PHASES,
    &COUNTRIES,
];

/// Items per page unless `per_page` says otherwise.
pub const DEFAULT_PER_PAGE: usize = 50;

/// How a list is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JSON (the default), paginated when the list is.
    Json,
    /// CSV, every matching row.
    Csv,
}

/// Whether the `Accept` header asks for CSV rather than JSON: `text/csv` with a higher quality
/// than `application/json` (or listed first at the same quality); `*/*` alone is JSON.
pub fn accept_prefers_csv(headers: &HeaderMap) -> bool {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let (mut csv, mut json) = (None, None);
    for (i, range) in accept.split(',').enumerate() {
        let mut parts = range.split(';');
        let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().split_once('='))
            .find(|(k, _)| k.trim().eq_ignore_ascii_case("q"))
            .and_then(|(_, v)| v.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        match media.as_str() {
            "text/csv" => csv = csv.or(Some((q, i))),
            "application/json" => json = json.or(Some((q, i))),
            _ => {}
        }
    }
    match (csv, json) {
        (Some((qc, _)), None) => qc > 0.0,
        (Some((qc, ic)), Some((qj, ij))) => qc > 0.0 && (qc > qj || (qc == qj && ic < ij)),
        _ => false,
    }
}

/// The list options of one request: pagination, format, sort, direction, raw cells.
#[derive(Debug)]
pub struct ListQuery {
    spec: &'static ListSpec,
    page: usize,
    per_page: usize,
    format: Format,
    sort: Option<&'static str>,
    descending: bool,
    raw: bool,
}

impl ListQuery {
    /// Reads `page`, `per_page` (paginated lists), `format` (else the `Accept` header), `sort`,
    /// `direction` and `raw`; problems are recorded in `p` (a 400 naming the accepted values).
    pub fn parse(spec: &'static ListSpec, p: &mut Params, headers: &HeaderMap) -> ListQuery {
        let (page, per_page) =
            if spec.paginated { p.pagination(DEFAULT_PER_PAGE) } else { (1, usize::MAX) };
        let format = match p.choice("format", &["json", "csv"]).as_deref() {
            Some("csv") => Format::Csv,
            Some(_) => Format::Json,
            None if accept_prefers_csv(headers) => Format::Csv,
            None => Format::Json,
        };
        let sort =
            p.string("sort").and_then(|k| match spec.sort.iter().find(|(key, _)| *key == k) {
                Some((_, path)) => Some(*path),
                None => {
                    p.error(
                        "sort",
                        format!("unknown sort key {k:?}; expected one of: {}", spec.sort_keys()),
                    );
                    None
                }
            });
        let descending = p.choice("direction", &["asc", "desc"]).as_deref() == Some("desc");
        let raw = p.bool("raw").unwrap_or(false);
        ListQuery { spec, page, per_page, format, sort, descending, raw }
    }

    /// [`ListQuery::respond`] over records still to convert: a page of JSON in the stored order
    /// converts only that page (a list of a million memberships answers in what one page costs);
    /// CSV and sorted lists convert every record.
    pub fn respond_with<R, T: Serialize + Default, B: Serialize>(
        &self,
        uri: &Uri,
        records: Vec<R>,
        convert: impl Fn(R) -> T,
        body: impl FnOnce(PageMeta, Vec<T>) -> B,
    ) -> Response {
        if matches!(self.format, Format::Json) && self.spec.paginated && self.sort.is_none() {
            let records: Vec<R> =
                if self.descending { records.into_iter().rev().collect() } else { records };
            let (meta, page) = paginate(records, self.page, self.per_page);
            let link = link_header(uri, &meta);
            let mut r = Json(body(meta, page.into_iter().map(convert).collect())).into_response();
            if let Some(l) = link {
                r.headers_mut().insert(header::LINK, l);
            }
            return r;
        }
        self.respond(uri, records.into_iter().map(convert).collect(), body)
    }

    /// Sorts `items` (stable: equal keys keep the list's own order), then answers with a JSON page
    /// built by `body` (with a `Link` header) or with CSV of every item. `uri` is the request's,
    /// whose other parameters the links keep.
    pub fn respond<T: Serialize + Default, B: Serialize>(
        &self,
        uri: &Uri,
        items: Vec<T>,
        body: impl FnOnce(PageMeta, Vec<T>) -> B,
    ) -> Response {
        let items = match self.sort {
            Some(path) => sort_by_field(items, path, self.descending),
            None if self.descending => items.into_iter().rev().collect(),
            None => items,
        };
        match self.format {
            Format::Csv => {
                let rows: Vec<Node> = items.iter().map(node).collect();
                let header = if rows.is_empty() { Some(node(&T::default())) } else { None };
                csv_response(self.spec.file, &rows, header.as_ref(), self.raw)
            }
            Format::Json if self.spec.paginated => {
                let (meta, page) = paginate(items, self.page, self.per_page);
                let link = link_header(uri, &meta);
                let mut r = Json(body(meta, page)).into_response();
                if let Some(l) = link {
                    r.headers_mut().insert(header::LINK, l);
                }
                r
            }
            Format::Json => {
                let n = items.len();
                Json(body(PageMeta { page: 1, per_page: n, total: n, pages: 1 }, items))
                    .into_response()
            }
        }
    }
}

/// `Link: <…page=2>; rel="next", <…page=1>; rel="first", …` (RFC 8288) for a page of a list:
/// `next` and `prev` when there are such pages, `first` and `last` always; the links are
/// relative references carrying every other parameter of the request.
pub fn link_header(uri: &Uri, meta: &PageMeta) -> Option<HeaderValue> {
    let rest: Vec<&str> = uri
        .query()
        .unwrap_or("")
        .split('&')
        .filter(|p| !p.is_empty() && params::decode(p.split('=').next().unwrap_or("")) != "page")
        .collect();
    let url = |page: usize| {
        let mut q = rest.join("&");
        if !q.is_empty() {
            q.push('&');
        }
        format!("{}?{q}page={page}", uri.path()).replace('<', "%3C").replace('>', "%3E")
    };
    let mut links = Vec::new();
    if meta.page < meta.pages {
        links.push((url(meta.page + 1), "next"));
    }
    if meta.page > 1 {
        links.push((url((meta.page - 1).min(meta.pages)), "prev"));
    }
    links.push((url(1), "first"));
    links.push((url(meta.pages), "last"));
    HeaderValue::from_str(
        &links
            .iter()
            .map(|(u, rel)| format!("<{u}>; rel=\"{rel}\""))
            .collect::<Vec<_>>()
            .join(", "),
    )
    .ok()
}

/// Adds `key=value` to every URL of a `Link` header (a list read with `?as_of=` links pages of
/// the same version).
pub fn link_with_param(link: &str, key: &str, value: &str) -> String {
    let pair = format!("{}={}", params::encode(key), params::encode(value));
    let mut out = String::with_capacity(link.len() + 32);
    let mut rest = link;
    while let Some(start) = rest.find('<') {
        let Some(len) = rest[start..].find('>') else { break };
        let url = &rest[start + 1..start + len];
        out.push_str(&rest[..start]);
        out.push('<');
        out.push_str(url);
        out.push(if url.contains('?') { '&' } else { '?' });
        out.push_str(&pair);
        out.push('>');
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// A JSON value with the order of its object members kept (the struct's field order), read back
/// from the item's serialisation.
#[derive(Clone, Debug, PartialEq)]
enum Node {
    Null,
    Bool(bool),
    Number(f64, String),
    Text(String),
    List(Vec<Node>),
    Object(Vec<(String, Node)>),
}

fn node<T: Serialize>(item: &T) -> Node {
    serde_json::to_vec(item)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(Node::Null)
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Node;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_none<E>(self) -> Result<Node, E> {
                Ok(Node::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
                Node::deserialize(d)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
                Ok(Node::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
                Ok(Node::Number(v as f64, v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
                Ok(Node::Number(v as f64, v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
                Ok(Node::Number(v, v.to_string()))
            }
            fn visit_str<E>(self, v: &str) -> Result<Node, E> {
                Ok(Node::Text(v.to_string()))
            }
            fn visit_string<E>(self, v: String) -> Result<Node, E> {
                Ok(Node::Text(v))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
                let mut v = Vec::new();
                while let Some(x) = a.next_element()? {
                    v.push(x);
                }
                Ok(Node::List(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Node, A::Error> {
                let mut v = Vec::new();
                while let Some((k, x)) = a.next_entry::<String, Node>()? {
                    v.push((k, x));
                }
                Ok(Node::Object(v))
            }
        }
        d.deserialize_any(V)
    }
}

impl Node {
    fn get(&self, path: &str) -> Option<&Node> {
        path.split('.').try_fold(self, |n, seg| match n {
            Node::Object(m) => m.iter().find(|(k, _)| k == seg).map(|(_, v)| v),
            _ => None,
        })
    }

    fn is_scalar(&self) -> bool {
        !matches!(self, Node::List(_) | Node::Object(_))
    }

    fn text(&self) -> String {
        match self {
            Node::Null => String::new(),
            Node::Bool(b) => b.to_string(),
            Node::Number(_, s) | Node::Text(s) => s.clone(),
            Node::List(_) | Node::Object(_) => String::new(),
        }
    }

    /// The cells of the node under column `prefix`: objects spread into `prefix.member`
    /// columns, arrays joined with `; ` per column (empty elements kept, so that the n-th value of
    /// `places.id` and of `places.name` belong together).
    fn flatten(&self, prefix: &str, out: &mut Vec<(String, String)>) {
        let col = |k: &str| if prefix.is_empty() { k.to_string() } else { format!("{prefix}.{k}") };
        match self {
            Node::Object(m) => m.iter().for_each(|(k, v)| v.flatten(&col(k), out)),
            Node::List(xs) if xs.iter().all(Node::is_scalar) => out.push((
                prefix.to_string(),
                xs.iter().map(Node::text).collect::<Vec<_>>().join("; "),
            )),
            Node::List(xs) => {
                let mut cols: Vec<(String, Vec<String>)> = Vec::new();
                for (i, x) in xs.iter().enumerate() {
                    let mut cells = Vec::new();
                    x.flatten(prefix, &mut cells);
                    for (c, v) in cells {
                        match cols.iter_mut().find(|(k, _)| *k == c) {
                            Some((_, vs)) => vs.push(v),
                            None => {
                                let mut vs = vec![String::new(); i];
                                vs.push(v);
                                cols.push((c, vs));
                            }
                        }
                    }
                    cols.iter_mut()
                        .filter(|(_, vs)| vs.len() <= i)
                        .for_each(|(_, vs)| vs.push(String::new()));
                }
                out.extend(cols.into_iter().map(|(c, vs)| (c, vs.join("; "))));
            }
            scalar => out.push((prefix.to_string(), scalar.text())),
        }
    }
}

/// CSV of `rows` (the columns of every row, in order of first appearance; `header` gives them
/// when there is no row), each cell spreadsheet-safe unless `raw`.
fn csv_response(file: &str, rows: &[Node], header: Option<&Node>, raw: bool) -> Response {
    let flat: Vec<Vec<(String, String)>> = rows
        .iter()
        .map(|r| {
            let mut cells = Vec::new();
            r.flatten("", &mut cells);
            cells
        })
        .collect();
    let mut header_cells = Vec::new();
    if let Some(h) = header {
        h.flatten("", &mut header_cells);
    }
    let columns =
        columns(flat.iter().flatten().chain(header_cells.iter()).map(|(c, _)| c.as_str()));
    let field = |s: &str| mlgov_textfile::csv_field(s, raw);
    let mut out = columns.iter().map(|c| field(c)).collect::<Vec<_>>().join(",");
    out.push('\n');
    for cells in &flat {
        let line: Vec<String> = columns
            .iter()
            .map(|c| cells.iter().find(|(k, _)| k == c).map(|(_, v)| field(v)).unwrap_or_default())
            .collect();
        out.push_str(&line.join(","));
        out.push('\n');
    }
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}.csv\"")),
        ],
        out,
    )
        .into_response()
}

/// The columns of the rows' cells in order of first appearance. An empty list or an absent
/// object gives one empty cell under its own name, and elsewhere the same field gives `name.member`
/// columns: those go where the field is, and the bare column is left out.
fn columns<'a>(cells: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut columns: Vec<String> = Vec::new();
    for c in cells {
        if columns.iter().any(|x| x == c) {
            continue;
        }
        let under = |p: &str, x: &str| {
            x == p || x.strip_prefix(p).is_some_and(|rest| rest.starts_with('.'))
        };
        let at = c
            .match_indices('.')
            .map(|(i, _)| &c[..i])
            .rev()
            .find_map(|p| columns.iter().rposition(|x| under(p, x)));
        match at {
            Some(i) => columns.insert(i + 1, c.to_string()),
            None => columns.push(c.to_string()),
        }
    }
    let bare: Vec<String> = columns
        .iter()
        .filter(|p| {
            columns
                .iter()
                .any(|x| x.strip_prefix(p.as_str()).is_some_and(|rest| rest.starts_with('.')))
        })
        .cloned()
        .collect();
    columns.retain(|c| !bare.contains(c));
    columns
}

/// A sort key: numbers by value, text accent- and case-insensitively (then as written), lists
/// element by element, objects by their `name` (else their first member); absent values last.
#[derive(Debug, PartialEq)]
enum Key {
    Bool(bool),
    Number(f64),
    Text(String, String),
    List(Vec<Key>),
}

fn key(n: &Node) -> Option<Key> {
    match n {
        Node::Null => None,
        Node::Bool(b) => Some(Key::Bool(*b)),
        Node::Number(x, _) => Some(Key::Number(*x)),
        Node::Text(s) if s.is_empty() => None,
        Node::Text(s) => Some(Key::Text(fold(s), s.clone())),
        Node::List(xs) if xs.is_empty() => None,
        Node::List(xs) => Some(Key::List(xs.iter().filter_map(key).collect())),
        Node::Object(m) => {
            m.iter().find(|(k, _)| k == "name").or(m.first()).and_then(|(_, v)| key(v))
        }
    }
}

fn rank(k: &Key) -> u8 {
    match k {
        Key::Bool(_) => 0,
        Key::Number(_) => 1,
        Key::Text(..) => 2,
        Key::List(_) => 3,
    }
}

fn compare(a: &Key, b: &Key) -> Ordering {
    match (a, b) {
        (Key::Bool(x), Key::Bool(y)) => x.cmp(y),
        (Key::Number(x), Key::Number(y)) => x.total_cmp(y),
        (Key::Text(fx, x), Key::Text(fy, y)) => fx.cmp(fy).then_with(|| x.cmp(y)),
        (Key::List(x), Key::List(y)) => x
            .iter()
            .zip(y)
            .map(|(p, q)| compare(p, q))
            .find(|o| o.is_ne())
            .unwrap_or_else(|| x.len().cmp(&y.len())),
        _ => rank(a).cmp(&rank(b)),
    }
}

/// Sorts by the field at `path` (stable; absent values last in both directions).
fn sort_by_field<T: Serialize>(items: Vec<T>, path: &str, descending: bool) -> Vec<T> {
    let mut keyed: Vec<(Option<Key>, T)> =
        items.into_iter().map(|x| (node(&x).get(path).and_then(key), x)).collect();
    keyed.sort_by(|(a, _), (b, _)| match (a, b) {
        (Some(a), Some(b)) if descending => compare(b, a),
        (Some(a), Some(b)) => compare(a, b),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    });
    keyed.into_iter().map(|(_, x)| x).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default, Serialize)]
    struct Place {
        id: String,
        name: String,
    }

    #[derive(Default, Serialize)]
    struct Row {
        name: String,
        n: Option<u32>,
        tags: Vec<String>,
        places: Vec<Place>,
        when: Option<Place>,
    }

    fn row(name: &str, n: Option<u32>) -> Row {
        Row { name: name.into(), n, ..Row::default() }
    }

    #[test]
    fn flattens_in_field_order_with_arrays_joined() {
        let r = Row {
            name: "=cmd".into(),
            n: Some(3),
            tags: vec!["a".into(), "b".into()],
            places: vec![
                Place { id: "loc:a".into(), name: "A".into() },
                Place { id: "loc:b".into(), name: String::new() },
            ],
            when: None,
        };
        let mut cells = Vec::new();
        node(&r).flatten("", &mut cells);
        let cols: Vec<&str> = cells.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(cols, ["name", "n", "tags", "places.id", "places.name", "when"]);
        assert_eq!(cells[2].1, "a; b");
        assert_eq!(cells[3].1, "loc:a; loc:b");
        assert_eq!(cells[4].1, "A; ");
    }

    #[test]
    fn empty_lists_and_absent_objects_take_the_columns_of_the_others() {
        let rows = [
            row("a", None),
            Row {
                places: vec![Place { id: "loc:b".into(), name: "B".into() }],
                when: Some(Place::default()),
                ..row("b", Some(1))
            },
        ];
        let cells: Vec<Vec<(String, String)>> = rows
            .iter()
            .map(|r| {
                let mut c = Vec::new();
                node(r).flatten("", &mut c);
                c
            })
            .collect();
        let cols = columns(cells.iter().flatten().map(|(c, _)| c.as_str()));
        assert_eq!(cols, ["name", "n", "tags", "places.id", "places.name", "when.id", "when.name"]);
    }

    #[test]
    fn sorts_accent_insensitively_stably_with_absent_values_last() {
        let names = |v: Vec<Row>| v.into_iter().map(|r| r.name).collect::<Vec<_>>();
        let v = vec![
            row("Évry", Some(2)),
            row("avignon", None),
            row("Zürich", Some(1)),
            row("Evry", Some(2)),
        ];
        assert_eq!(names(sort_by_field(v, "name", false)), ["avignon", "Evry", "Évry", "Zürich"]);
        let v = vec![
            row("Évry", Some(2)),
            row("avignon", None),
            row("Zürich", Some(1)),
            row("b", Some(2)),
        ];
        assert_eq!(names(sort_by_field(v, "n", true)), ["Évry", "b", "Zürich", "avignon"]);
    }

    #[test]
    fn negotiates_csv_by_accept() {
        let h = |v: &str| {
            let mut m = HeaderMap::new();
            m.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
            accept_prefers_csv(&m)
        };
        assert!(h("text/csv"));
        assert!(h("text/csv, */*"));
        assert!(h("application/json;q=0.5, text/csv"));
        assert!(!h("application/json, text/csv"));
        assert!(!h("*/*"));
        assert!(!h("text/csv;q=0"));
    }

    #[test]
    fn links_keep_other_parameters() {
        let uri: Uri = "/api/v1/localities?country=IT&page=2&per_page=5".parse().unwrap();
        let l = link_header(&uri, &PageMeta { page: 2, per_page: 5, total: 12, pages: 3 }).unwrap();
        assert_eq!(
            l.to_str().unwrap(),
            "</api/v1/localities?country=IT&per_page=5&page=3>; rel=\"next\", </api/v1/localities?country=IT&per_page=5&page=1>; rel=\"prev\", </api/v1/localities?country=IT&per_page=5&page=1>; rel=\"first\", </api/v1/localities?country=IT&per_page=5&page=3>; rel=\"last\""
        );
        assert_eq!(
            link_with_param(
                "</a?page=2>; rel=\"next\", </a?page=1>; rel=\"first\"",
                "as_of",
                "cs:3"
            ),
            "</a?page=2&as_of=cs:3>; rel=\"next\", </a?page=1&as_of=cs:3>; rel=\"first\""
        );
    }
}
