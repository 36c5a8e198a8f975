//! JSON API against a real server on loopback, every test on both storage backends (SQLite
//! file and PostgreSQL schema; see `common::both_backends!`).

use super::common::{Env, csv_records};
use mlgov_domain::fold;
use serde_json::json;

async fn overview_counts_and_etag_revalidation(env: Env) {
    let r = env.get("/api/v1").await;
    assert_eq!(r.status, 200);
    let j = r.json();
    let kb = env.state.snapshot();
    assert_eq!(j["counts"]["localities"], kb.kb.localities.len());
    assert_eq!(j["counts"]["networks"], kb.kb.networks.len());
    let etag = r.header("etag").expect("ETag on a cacheable GET").to_string();
    let again = env.request("GET", "/api/v1", &[("If-None-Match", &etag)], b"").await;
    assert_eq!(again.status, 304);
    assert!(again.body.is_empty());
    let other = env.request("GET", "/api/v1", &[("If-None-Match", "\"nope\"")], b"").await;
    assert_eq!(other.status, 200);
    // A different URL has a different ETag.
    let l = env.get("/api/v1/localities").await;
    assert_ne!(l.header("etag"), Some(etag.as_str()));
}

async fn search_is_accent_insensitive(env: Env) {
    let j = env.get("/api/v1/search?q=saint+etienne").await.json();
    assert_eq!(j["hits"][0]["id"], "loc:saint-etienne");
    assert_eq!(j["hits"][0]["href"], "/localities/saint-etienne");
    let g = env.get("/api/v1/search?q=gavle").await.json();
    assert!(
        g["hits"].as_array().unwrap().iter().any(|h| h["name"].as_str().unwrap().contains("Gävle")),
        "{g}"
    );
    // Abbreviations and typos (#13): "st etienne", "eurocites".
    let st = env.get("/api/v1/search?q=st+etienne").await.json();
    assert_eq!(st["hits"][0]["id"], "loc:saint-etienne", "{st}");
    let typo = env.get("/api/v1/search?q=eurocites").await.json();
    assert_eq!(typo["hits"][0]["id"], "net:eurocities", "{typo}");
    assert_eq!(typo["hits"][0]["typo"], true);
    let missing = env.get("/api/v1/search").await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.json()["error"]["fields"][0]["field"], "q");
}

async fn pagination_and_filters(env: Env) {
    let total = env.state.snapshot().kb.localities.len();
    let j = env.get("/api/v1/localities?per_page=5&page=2").await.json();
    assert_eq!(j["meta"]["total"], total);
    assert_eq!(j["meta"]["per_page"], 5);
    assert_eq!(j["meta"]["page"], 2);
    assert_eq!(j["meta"]["pages"], total.div_ceil(5));
    assert_eq!(j["items"].as_array().unwrap().len(), 5);
    let it = env.get("/api/v1/localities?country=it&per_page=200").await.json();
    let items = it["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|l| l["country"] == "IT"));
    let small = env.get("/api/v1/localities?size=small&per_page=200").await.json();
    assert!(
        small["items"].as_array().unwrap().iter().all(|l| l["size_class"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "small_town"))
    );
    let y = env.get("/api/v1/memberships?year=2010&per_page=200").await.json();
    assert!(y["items"].as_array().unwrap().iter().all(|m| {
        let from = m["when"]["from"].as_str().map(|s| s[..4].parse::<i32>().unwrap());
        let to = m["when"]["to"].as_str().map(|s| s[..4].parse::<i32>().unwrap());
        from.is_none_or(|f| f <= 2010) && to.is_none_or(|t| t >= 2010)
    }));
    let nets = env.get("/api/v1/networks?scale=national").await.json();
    assert!(
        nets["items"].as_array().unwrap().iter().all(|n| n["scale"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "national"))
    );
}

async fn bad_parameters_give_400_with_every_field(env: Env) {
    let r = env.get("/api/v1/localities?page=0&per_page=x&size=huge&bogus=1").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let j = r.json();
    assert_eq!(j["error"]["code"], "bad_request");
    let fields: Vec<&str> = j["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["page", "per_page", "size", "bogus"]);
    assert!(j["error"]["fields"][2]["message"].as_str().unwrap().contains("small"));
}

async fn not_found_has_the_error_body(env: Env) {
    for path in ["/api/v1/localities/atlantis", "/api/v1/nothing-here", "/api/v1/crosstabs/nope"] {
        let r = env.get(path).await;
        assert_eq!(r.status, 404, "{path}");
        let j = r.json();
        assert_eq!(j["error"]["code"], "not_found");
        assert!(j["error"]["fields"].as_array().unwrap().is_empty());
    }
}

async fn body_limit_gives_413_and_invalid_data_422(env: Env) {
    let big = vec![b' '; mlgov_server::BODY_LIMIT + 10];
    let r =
        env.request("POST", "/api/v1/compare", &[("Content-Type", "application/json")], &big).await;
    assert_eq!(r.status, 413);
    assert_eq!(r.json()["error"]["code"], "payload_too_large");
    let bad = env
        .request(
            "POST",
            "/api/v1/compare",
            &[("Content-Type", "application/json")],
            br#"{"localities":["Turin","Atlantis"]}"#,
        )
        .await;
    assert_eq!(bad.status, 422);
    let j = bad.json();
    assert_eq!(j["error"]["code"], "invalid_data");
    assert!(
        j["error"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("Atlantis"))
    );
    let ok = env
        .request(
            "POST",
            "/api/v1/compare",
            &[("Content-Type", "application/json")],
            br#"{"localities":["Turin","saint etienne"],"table3":true}"#,
        )
        .await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.json()["localities"][1]["locality"]["id"], "loc:saint-etienne");
    let malformed =
        env.request("POST", "/api/v1/compare", &[("Content-Type", "application/json")], b"{").await;
    assert_eq!(malformed.status, 400);
}

async fn locality_detail_has_iccar_from_2019_with_citations(env: Env) {
    let j = env.get("/api/v1/localities/saint-etienne").await.json();
    let ms = j["memberships"].as_array().unwrap();
    let iccar = ms.iter().find(|m| m["network"]["id"] == "net:iccar").expect("ICCAR membership");
    assert_eq!(iccar["when"]["from"], "2019");
    assert_eq!(iccar["citation"]["source"], "src:caponio-clement-2020");
    assert!(!j["citations"].as_array().unwrap().is_empty());
    let tl = env.get("/api/v1/localities/loc:saint-etienne/timeline").await.json();
    assert!(tl["rows"].as_array().unwrap().iter().any(|r| r["lane"] == "membership"
        && r["label"].as_str().unwrap().starts_with("ICCAR")
        && r["from"] == 2019));
    let tr = env.get("/api/v1/localities/turin/trajectory?until=2020").await.json();
    assert!(!tr["years"].as_array().unwrap().is_empty());
}

async fn anonymised_localities_only_by_public_label(env: Env) {
    let snap = env.state.snapshot();
    let anon: Vec<_> = snap.kb.localities.iter().filter(|l| l.anonymised).collect();
    assert!(!anon.is_empty());
    for l in anon.iter().take(10) {
        let r = env.get(&format!("/api/v1/localities/{}", l.id.body())).await;
        assert_eq!(r.status, 200);
        let text = r.text();
        if l.public_label.as_deref() != Some(l.name.as_str()) {
            assert!(!text.contains(&format!("\"{}\"", l.name)), "real name of {} leaked", l.id);
        }
        assert_eq!(r.json()["locality"]["name"], l.public_label.clone().unwrap());
        assert!(r.json()["aliases"].as_array().unwrap().is_empty());
    }
    let all = env.get("/api/v1/localities?per_page=200").await.json();
    for item in all["items"].as_array().unwrap() {
        if item["anonymised"] == true {
            assert!(item["lat"].is_null());
        }
    }
}

async fn analyses_endpoints(env: Env) {
    let x = env.get("/api/v1/crosstabs/outcome-by-size").await.json();
    assert_eq!(x["columns"].as_array().unwrap().len(), 3);
    let totals: f64 =
        x["column_totals"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).sum();
    assert!((totals - x["total"].as_f64().unwrap()).abs() < 1e-9);
    let n = env.get("/api/v1/networks/iccar").await.json();
    assert!(
        n["members"].as_array().unwrap().iter().any(|m| m["member"]["id"] == "loc:saint-etienne")
    );
    assert_eq!(n["typology"]["traits"].as_array().unwrap().len(), 4);
    let h = env.get("/api/v1/hypotheses?window=5").await.json();
    assert_eq!(h["hypotheses"].as_array().unwrap().len(), 2);
    let c = env.get("/api/v1/conflicts").await.json();
    assert_eq!(c["count"].as_u64().unwrap() as usize, c["conflicts"].as_array().unwrap().len());
    let src = env.get("/api/v1/sources/caponio-clement-2020").await.json();
    assert_eq!(
        src["source"]["statements"].as_u64().unwrap() as usize,
        src["citing"].as_array().unwrap().len()
    );
    assert_eq!(src["meta"]["total"], src["source"]["statements"]);
    // A page at a time: the pages together are the whole list, in the same order.
    let total = src["meta"]["total"].as_u64().unwrap() as usize;
    let mut paged = Vec::new();
    for page in 1..=total.div_ceil(7) {
        let p = env
            .get(&format!("/api/v1/sources/caponio-clement-2020?per_page=7&page={page}"))
            .await
            .json();
        assert_eq!(p["meta"]["pages"].as_u64().unwrap() as usize, total.div_ceil(7));
        paged.extend(p["citing"].as_array().unwrap().iter().cloned());
    }
    assert_eq!(&paged, src["citing"].as_array().unwrap());
    assert_eq!(env.get("/api/v1/sources/caponio-clement-2020?per_page=1001").await.status, 400);
    let g =
        env.get("/api/v1/graph?year=2019&edge_type=membership&centrality=betweenness").await.json();
    assert!(g["edges"].as_array().unwrap().iter().all(|e| e["kind"] == "membership"));
    assert!(!g["nodes"].as_array().unwrap().is_empty());
    // No survey is stored in a fresh base: the dashboard API says so (tests/integration/surveys.rs
    // covers stored surveys and releases).
    let sv = env.get("/api/v1/survey?analysis=indexes&group_by=orientation").await;
    assert_eq!(sv.status, 404);
    assert!(
        sv.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("No survey figures are published yet")
    );
    let d = env.get("/api/v1/diffusion?seed=turin&runs=50&scenario=join_network").await.json();
    assert_eq!(d["seeds"][0]["id"], "loc:turin");
    let curve = d["curve"].as_array().unwrap();
    assert!(curve[0]["mean"].as_f64().unwrap() >= 1.0);
    assert!(
        curve
            .windows(2)
            .all(|w| w[1]["mean"].as_f64().unwrap() >= w[0]["mean"].as_f64().unwrap() - 1e-9)
    );
}

async fn reload_swaps_the_snapshot(env: Env) {
    let anonymous = env.request("POST", "/api/v1/reload", &[], b"").await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.text());
    assert_eq!(anonymous.json()["error"]["code"], "unauthenticated");
    let viewer =
        env.request("POST", "/api/v1/reload", &[("Authorization", &env.viewer_bearer)], b"").await;
    assert_eq!(viewer.status, 403, "{}", viewer.text());
    assert_eq!(viewer.json()["error"]["code"], "forbidden");
    let r =
        env.request("POST", "/api/v1/reload", &[("Authorization", &env.admin_bearer)], b"").await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["reloaded"], true);
    assert_eq!(r.json()["version"], format!("{:016x}", env.state.snapshot().content_hash));
    let wrong = env.request("DELETE", "/api/v1/reload", &[], b"").await;
    assert_eq!(wrong.status, 405);
}

async fn geojson_of_localities_and_of_a_network(env: Env) {
    let r = env.get("/api/v1/localities.geojson").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/geo+json"));
    let j = r.json();
    assert_eq!(j["type"], "FeatureCollection");
    let fs = j["features"].as_array().unwrap();
    assert!(fs.len() >= 40, "{}", fs.len());
    let turin = fs.iter().find(|f| f["id"] == "loc:turin").expect("Turin");
    assert_eq!(
        turin["geometry"]["coordinates"],
        serde_json::json!([7.68682, 45.07049]),
        "GeoJSON is longitude, latitude"
    );
    assert_eq!(turin["properties"]["geonames_id"], 3165524);
    assert_eq!(turin["properties"]["subdivision"], "IT-21");
    assert!(turin["properties"]["attribution"].as_str().unwrap().contains("GeoNames"));
    assert!(
        fs.iter().all(|f| !f["id"].as_str().unwrap().starts_with("loc:wc-")),
        "anonymised localities are never placed"
    );
    let anvita = env.get("/api/v1/networks/anvita/members.geojson").await.json();
    let ids: Vec<&str> =
        anvita["features"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"loc:grande-synthe") && !ids.contains(&"loc:turin"), "{ids:?}");
    let y = env.get("/api/v1/localities.geojson?network=eurocities&year=2010").await.json();
    assert!(y["features"].as_array().unwrap().iter().any(|f| f["id"] == "loc:barcelona"), "{y}");
    assert!(y["features"].as_array().unwrap().iter().all(|f| f["id"] != "loc:turin"), "{y}");
    assert_eq!(env.get("/api/v1/networks/nope/members.geojson").await.status, 404);
    assert_eq!(env.get("/api/v1/localities.geojson?year=x").await.status, 400);
}

/// Public reads of the API answer other origins (CORS for GET without credentials); the
/// Authorization header and state-changing methods are not allowed across origins.
async fn public_reads_allow_other_origins_and_nothing_else(env: Env) {
    let origin = ("Origin", "https://observablehq.com");
    let r = env.request("GET", "/api/v1/localities", &[origin], b"").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.header("access-control-allow-origin"), Some("https://observablehq.com"));
    assert!(r.header("access-control-allow-credentials").is_none());
    // Also when the answer comes from the page cache.
    let again = env.request("GET", "/api/v1/localities", &[origin], b"").await;
    assert_eq!(again.header("access-control-allow-origin"), Some("https://observablehq.com"));
    let pre = env
        .request(
            "OPTIONS",
            "/api/v1/networks",
            &[origin, ("Access-Control-Request-Method", "GET")],
            b"",
        )
        .await;
    assert!(pre.status == 200 || pre.status == 204, "preflight {}", pre.status);
    assert_eq!(pre.header("access-control-allow-origin"), Some("https://observablehq.com"));
    assert!(!pre.header("access-control-allow-methods").unwrap_or("").contains("POST"));
    let auth = env
        .request(
            "OPTIONS",
            "/api/v1/localities",
            &[
                origin,
                ("Access-Control-Request-Method", "GET"),
                ("Access-Control-Request-Headers", "authorization"),
            ],
            b"",
        )
        .await;
    assert!(
        !auth
            .header("access-control-allow-headers")
            .unwrap_or("")
            .to_lowercase()
            .contains("authorization"),
        "no Authorization across origins"
    );
    let post = env
        .request(
            "OPTIONS",
            "/api/v1/changes",
            &[origin, ("Access-Control-Request-Method", "POST")],
            b"",
        )
        .await;
    assert!(
        post.header("access-control-allow-origin").is_none(),
        "state-changing routes stay same-origin"
    );
    let page = env.request("GET", "/localities", &[origin], b"").await;
    assert!(
        page.header("access-control-allow-origin").is_none(),
        "explorer pages are not shared across origins"
    );
}

/// The names of a JSON list's items.
fn names(j: &serde_json::Value, field: &str) -> Vec<String> {
    j["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i[field].as_str().unwrap_or("").to_string())
        .collect()
}

/// CSV of every matching row by `?format=csv` and by `Accept: text/csv` (a distinct representation
/// of the URL: its own ETag, never the cached JSON), the JSON item's columns flattened; an unknown
/// format is a 400 with the error envelope.
async fn lists_answer_csv_by_format_and_by_accept(env: Env) {
    let total = env.state.snapshot().kb.localities.len();
    // The JSON first, so that it is in the page cache when the same URL is asked for as CSV.
    let json = env.get("/api/v1/localities?per_page=5").await;
    assert_eq!(json.header("content-type"), Some("application/json"));
    let r = env.get("/api/v1/localities?per_page=5&format=csv").await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(r.header("content-disposition"), Some("attachment; filename=\"localities.csv\""));
    let rows = csv_records(&r.text());
    assert_eq!(
        rows[0],
        [
            "id",
            "name",
            "kind",
            "country",
            "region",
            "size_class",
            "anonymised",
            "lat",
            "lon",
            "memberships",
            "href"
        ]
    );
    assert_eq!(rows.len() - 1, total, "CSV gives every matching row, whatever per_page says");
    let turin = rows.iter().find(|r| r[0] == "loc:turin").expect("Turin");
    let tj = env.get("/api/v1/localities/turin").await.json();
    assert_eq!((turin[1].as_str(), turin[3].as_str()), ("Turin", "IT"));
    assert_eq!(
        turin[7],
        tj["locality"]["lat"].as_f64().map(|x| x.to_string()).unwrap_or_default(),
        "null is an empty cell"
    );
    assert_eq!(turin[9], tj["locality"]["memberships"].to_string());
    assert!(
        rows.iter().any(|r| r[5].contains("; ")) || rows.iter().all(|r| !r[5].contains(',')),
        "lists joined with '; '"
    );
    let by_accept =
        env.request("GET", "/api/v1/localities?per_page=5", &[("Accept", "text/csv")], b"").await;
    assert_eq!(by_accept.status, 200);
    assert_eq!(by_accept.header("content-type"), Some("text/csv; charset=utf-8"));
    assert_eq!(by_accept.body, r.body);
    assert_ne!(
        by_accept.header("etag"),
        json.header("etag"),
        "CSV and JSON of one URL have different ETags"
    );
    assert!(by_accept.header("vary").unwrap().contains("Accept"));
    // JSON stays the default, and an explicit format wins over Accept.
    let again = env
        .request(
            "GET",
            "/api/v1/localities?per_page=5",
            &[("Accept", "application/json, text/csv")],
            b"",
        )
        .await;
    assert_eq!(again.json()["items"].as_array().unwrap().len(), 5);
    let explicit = env
        .request("GET", "/api/v1/localities?per_page=5&format=json", &[("Accept", "text/csv")], b"")
        .await;
    assert_eq!(explicit.header("content-type"), Some("application/json"));
    // Nested objects as a.b columns, arrays of objects joined per column.
    let m = csv_records(&env.get("/api/v1/memberships?format=csv&member=turin").await.text());
    for c in [
        "network.id",
        "network.name",
        "member.name",
        "when.from",
        "when.to",
        "citation.source",
        "citation.locator",
    ] {
        assert!(m[0].iter().any(|h| h == c), "{c} in {:?}", m[0]);
    }
    let snap = env.state.snapshot();
    let e = snap.kb.events.iter().find(|e| e.places.len() >= 2).expect("an event in two places");
    let ev = csv_records(&env.get("/api/v1/events?format=csv").await.text());
    let col = ev[0].iter().position(|h| h == "places.id").expect("places.id column");
    let row = ev.iter().find(|r| r[0] == e.id.as_str()).unwrap();
    assert_eq!(row[col], e.places.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "));
    // Unpaginated lists too.
    let countries = csv_records(&env.get("/api/v1/countries?format=csv").await.text());
    assert_eq!(
        countries[0],
        ["country", "configurations", "localities", "with_coordinates", "memberships"]
    );
    let bad = env.get("/api/v1/localities?format=xml").await;
    assert_eq!(bad.status, 400);
    let j = bad.json();
    assert_eq!(j["error"]["code"], "bad_request");
    assert_eq!(j["error"]["fields"][0]["field"], "format");
    assert!(j["error"]["fields"][0]["message"].as_str().unwrap().contains("csv"));
}

/// A stored value a spreadsheet would run is neutralised in the API's CSV (a leading apostrophe),
/// given as stored with `raw=true`, and untouched in JSON. The new content is dated later
/// (Last-Modified), so If-Modified-Since does not hide it.
async fn csv_neutralises_formula_like_cells(env: Env) {
    let before = env.get("/api/v1/localities?country=IT").await;
    let lm = before.header("last-modified").expect("Last-Modified").to_string();
    let hostile = "=HYPERLINK(\"http://evil.example\",\"x\")";
    let rows = format!(
        "id,name,kind,country,source,locator\nloc:formula-town,\"{}\",municipality,IT,src:caponio-clement-2020,fixture\n",
        hostile.replace('"', "\"\"")
    );
    env.apply_change(json!({"localities.csv": rows})).await;
    let csv = env.get("/api/v1/localities?country=IT&format=csv").await.text();
    assert!(
        csv.contains(",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\","),
        "neutralised with a leading apostrophe: {csv}"
    );
    assert!(
        !csv.lines().any(|l| l.split(',').any(|c| c.starts_with('=') || c.starts_with("\"="))),
        "no cell starts a formula"
    );
    let raw = env.get("/api/v1/localities?country=IT&format=csv&raw=true").await.text();
    assert!(raw.contains(",\"=HYPERLINK("), "raw=true gives the cell as stored");
    let j = env.get("/api/v1/localities/formula-town").await.json();
    assert_eq!(j["locality"]["name"], hostile, "JSON is data, not a spreadsheet");
    let after = env
        .request("GET", "/api/v1/localities?country=IT", &[("If-Modified-Since", &lm)], b"")
        .await;
    assert_eq!(after.status, 200, "changed since {lm}");
    assert!(
        mlgov_server::httpdate::parse(after.header("last-modified").unwrap())
            > mlgov_server::httpdate::parse(&lm)
    );
}

/// `sort` by the items' fields, both directions, text accent-insensitively, stable; an unknown
/// key is a 400 naming the accepted ones.
async fn lists_sort_by_fields_in_both_directions(env: Env) {
    let up = names(&env.get("/api/v1/localities?sort=name&per_page=200").await.json(), "name");
    assert!(up.len() > 50);
    assert!(
        up.windows(2).all(|w| fold(&w[0]) <= fold(&w[1])),
        "ascending, accent-insensitive: {up:?}"
    );
    let down = names(
        &env.get("/api/v1/localities?sort=name&direction=desc&per_page=200").await.json(),
        "name",
    );
    assert!(down.windows(2).all(|w| fold(&w[0]) >= fold(&w[1])), "descending: {down:?}");
    let s = env.state.snapshot();
    // Accent-insensitive: "Saint-Étienne" sorts with the S, not after Z.
    let se = up.iter().position(|n| n == "Saint-Étienne").expect("Saint-Étienne");
    assert!(
        fold(&up[se + 1]) >= fold("saint-etienne") && fold(&up[se - 1]) <= fold("saint-etienne")
    );
    // Numbers by value, and stable: equal keys keep the list's own order (by name).
    let by_members =
        env.get("/api/v1/localities?sort=memberships&direction=desc&per_page=200").await.json();
    let items = by_members["items"].as_array().unwrap();
    assert!(items.windows(2).all(|w| {
        let (a, b) = (w[0]["memberships"].as_u64().unwrap(), w[1]["memberships"].as_u64().unwrap());
        a > b
            || (a == b
                && fold(w[0]["name"].as_str().unwrap()) <= fold(w[1]["name"].as_str().unwrap()))
    }));
    let by_date = env.get("/api/v1/memberships?sort=from&per_page=200").await.json();
    let froms: Vec<Option<&str>> =
        by_date["items"].as_array().unwrap().iter().map(|m| m["when"]["from"].as_str()).collect();
    let dated: Vec<&str> = froms.iter().map_while(|f| *f).collect();
    assert!(dated.windows(2).all(|w| w[0] <= w[1]), "dated first, ascending");
    assert!(froms[dated.len()..].iter().all(Option::is_none), "undated last");
    // CSV keeps the order.
    let csv = csv_records(
        &env.get("/api/v1/localities?sort=name&direction=desc&format=csv").await.text(),
    );
    assert_eq!(
        csv.iter().skip(1).map(|r| r[1].clone()).collect::<Vec<_>>(),
        names(
            &env.get(&format!(
                "/api/v1/localities?sort=name&direction=desc&per_page={}",
                s.kb.localities.len().min(200)
            ))
            .await
            .json(),
            "name"
        )
    );
    let bad = env.get("/api/v1/localities?sort=population").await;
    assert_eq!(bad.status, 400);
    let f = &bad.json()["error"]["fields"][0];
    assert_eq!(f["field"], "sort");
    assert!(f["message"].as_str().unwrap().contains("name, kind, country"), "{f}");
    assert_eq!(
        env.get("/api/v1/localities?sort=name&direction=down").await.json()["error"]["fields"][0]["field"],
        "direction"
    );
}

/// RFC 8288 Link headers on paginated JSON lists: next and last on page 1 (no prev), prev on
/// page 2, each keeping the other parameters; also from the page cache; following next works.
async fn paginated_lists_have_link_headers(env: Env) {
    let r = env.get("/api/v1/localities?country=IT&per_page=2").await;
    let total = r.json()["meta"]["total"].as_u64().unwrap();
    let pages = total.div_ceil(2);
    assert!(pages >= 3, "{total}");
    let link = r.header("link").expect("Link header").to_string();
    let rel = |link: &str, rel: &str| -> Option<String> {
        link.split(", ")
            .find(|l| l.ends_with(&format!("rel=\"{rel}\"")))
            .map(|l| l[1..l.find('>').unwrap()].to_string())
    };
    assert_eq!(
        rel(&link, "next").as_deref(),
        Some("/api/v1/localities?country=IT&per_page=2&page=2")
    );
    assert_eq!(
        rel(&link, "last"),
        Some(format!("/api/v1/localities?country=IT&per_page=2&page={pages}"))
    );
    assert_eq!(
        rel(&link, "first").as_deref(),
        Some("/api/v1/localities?country=IT&per_page=2&page=1")
    );
    assert!(rel(&link, "prev").is_none());
    let cached = env.get("/api/v1/localities?country=IT&per_page=2").await;
    assert_eq!(cached.header("link"), Some(link.as_str()), "kept with the cached response");
    let p2 = env.get(&rel(&link, "next").unwrap()).await;
    assert_eq!(p2.json()["meta"]["page"], 2);
    let l2 = p2.header("link").unwrap().to_string();
    assert_eq!(
        rel(&l2, "prev").as_deref(),
        Some("/api/v1/localities?country=IT&per_page=2&page=1")
    );
    assert_eq!(
        rel(&l2, "next").as_deref(),
        Some("/api/v1/localities?country=IT&per_page=2&page=3")
    );
    let last = env.get(&rel(&link, "last").unwrap()).await;
    assert!(rel(last.header("link").unwrap(), "next").is_none());
    // Read across origins too.
    let cors = env
        .request("GET", "/api/v1/facts?per_page=1", &[("Origin", "https://observablehq.com")], b"")
        .await;
    assert!(
        cors.header("access-control-expose-headers").unwrap_or("").to_lowercase().contains("link"),
        "{:?}",
        cors.headers
    );
    assert!(
        env.get("/api/v1/localities?format=csv").await.header("link").is_none(),
        "CSV is not paginated"
    );
    // A list read in an earlier version links pages of that version.
    let cs = env.with_store(|s| s.latest_change_set().unwrap().unwrap()).await;
    let old = env.get(&format!("/api/v1/localities?country=IT&per_page=2&as_of=cs:{cs}")).await;
    assert_eq!(old.status, 200, "{}", old.text());
    assert_eq!(
        rel(old.header("link").unwrap(), "next"),
        Some(format!("/api/v1/localities?country=IT&per_page=2&page=2&as_of=cs:{cs}"))
    );
}

/// Last-Modified beside the ETag; If-Modified-Since answers 304 unless the data are newer, and
/// If-None-Match takes precedence over it.
async fn last_modified_and_if_modified_since(env: Env) {
    let r = env.get("/api/v1/networks").await;
    let lm = r.header("last-modified").expect("Last-Modified").to_string();
    let t = mlgov_server::httpdate::parse(&lm).expect("an HTTP date");
    assert!(t <= std::time::SystemTime::now());
    let same = env.request("GET", "/api/v1/networks", &[("If-Modified-Since", &lm)], b"").await;
    assert_eq!(same.status, 304);
    assert!(same.body.is_empty());
    assert_eq!(same.header("last-modified"), Some(lm.as_str()));
    assert_eq!(same.header("etag"), r.header("etag"));
    let earlier = mlgov_server::httpdate::format(t - std::time::Duration::from_secs(86_400));
    assert_eq!(
        env.request("GET", "/api/v1/networks", &[("If-Modified-Since", &earlier)], b"")
            .await
            .status,
        200
    );
    assert_eq!(
        env.request(
            "GET",
            "/api/v1/networks",
            &[("If-Modified-Since", &lm), ("If-None-Match", "\"other\"")],
            b""
        )
        .await
        .status,
        200
    );
    assert_eq!(
        env.request("GET", "/api/v1/networks", &[("If-Modified-Since", "not a date")], b"")
            .await
            .status,
        200
    );
    // Pages carry it too.
    assert_eq!(env.get("/localities").await.header("last-modified"), Some(lm.as_str()));
}

/// Every item of a statement list carries its source and locator.
fn assert_cited(j: &serde_json::Value, what: &str) {
    let items = j["items"].as_array().unwrap_or_else(|| panic!("{what}: {j}"));
    assert!(!items.is_empty(), "{what}: no items");
    for i in items {
        assert!(i["citation"]["source"].as_str().unwrap().starts_with("src:"), "{what}: {i}");
        assert!(!i["citation"]["locator"].as_str().unwrap().is_empty(), "{what}: {i}");
        assert!(!i["citation"]["short"].as_str().unwrap().is_empty(), "{what}: {i}");
    }
}

/// Facts, terms, relations, affiliations, practices and adoptions: paginated, filtered, cited,
/// CSV-able and sortable; a practice by id, 404 for an unknown one; anonymised localities by their
/// public label only.
async fn statement_endpoints_with_citations(env: Env) {
    let s = env.state.snapshot();
    for (path, n) in [
        ("facts", s.kb.facts.len()),
        ("terms", s.kb.terms.len()),
        ("relations", s.kb.relations.len()),
        ("affiliations", s.kb.affiliations.len()),
        ("practices", s.kb.practices.len()),
        ("adoptions", s.kb.adoptions.len()),
    ] {
        let j = env.get(&format!("/api/v1/{path}?per_page=200")).await.json();
        assert_cited(&j, path);
        assert_eq!(j["meta"]["total"].as_u64().unwrap() as usize, n, "{path}: every record");
        let csv = csv_records(&env.get(&format!("/api/v1/{path}?format=csv")).await.text());
        assert_eq!(csv.len() - 1, n, "{path} CSV");
        assert!(
            csv[0].contains(&"citation.source".to_string())
                && csv[0].contains(&"citation.locator".to_string()),
            "{path}: {:?}",
            csv[0]
        );
        assert!(
            !csv[0].iter().any(|c| csv[0].iter().any(|d| d.starts_with(&format!("{c}.")))),
            "{path}: a field is one column or its members' columns, not both: {:?}",
            csv[0]
        );
        assert!(csv.iter().all(|r| r.len() == csv[0].len()), "{path}: every row has every column");
        let sorted =
            env.get(&format!("/api/v1/{path}?sort=id&direction=desc&per_page=200")).await.json();
        let ids = names(&sorted, "id");
        assert!(ids.windows(2).all(|w| fold(&w[0]) >= fold(&w[1])), "{path} by id desc");
    }
    // Filters.
    let f = env.get("/api/v1/facts?subject=saint+etienne&per_page=200").await.json();
    assert_cited(&f, "facts of Saint-Étienne");
    assert!(
        f["items"].as_array().unwrap().iter().all(|x| x["subject"]["id"] == "loc:saint-etienne")
    );
    let sc = env.get("/api/v1/facts?property=size_class&per_page=200").await.json();
    assert!(sc["items"].as_array().unwrap().iter().all(|x| x["property"] == "size_class"));
    assert_eq!(
        env.get("/api/v1/facts?subject=atlantis").await.json()["error"]["fields"][0]["field"],
        "subject"
    );
    let t = env.get("/api/v1/terms?locality=turin").await.json();
    assert_cited(&t, "terms in Turin");
    assert!(t["items"].as_array().unwrap().iter().all(|x| x["locality"]["id"] == "loc:turin"
        && x["person"]["id"].as_str().unwrap().starts_with("per:")));
    let r0 = &s.kb.relations[0];
    let rel =
        env.get(&format!("/api/v1/relations?entity={}&kind={}", r0.subject, r0.kind)).await.json();
    assert!(rel["items"].as_array().unwrap().iter().any(|x| x["id"] == r0.id.as_str()), "{rel}");
    let a0 = &s.kb.affiliations[0];
    let aff = env.get(&format!("/api/v1/affiliations?person={}", a0.person)).await.json();
    assert!(
        aff["items"].as_array().unwrap().iter().all(|x| x["person"]["id"] == a0.person.as_str())
    );
    let p0 =
        s.kb.practices
            .iter()
            .find(|p| s.kb.adoptions.iter().any(|a| a.practice == p.id))
            .expect("an adopted practice");
    let ad = env.get(&format!("/api/v1/adoptions?practice={}", p0.id.body())).await.json();
    assert_cited(&ad, "adoptions of a practice");
    assert!(ad["items"].as_array().unwrap().iter().all(|x| x["practice"]["id"] == p0.id.as_str()));
    let pr = env.get(&format!("/api/v1/practices/{}", p0.id.body())).await;
    assert_eq!(pr.status, 200);
    let pr = pr.json();
    assert_eq!(pr["practice"]["id"], p0.id.as_str());
    assert_eq!(pr["practice"]["href"], format!("/practices/{}", p0.id.body()));
    assert_eq!(
        pr["adoptions"].as_array().unwrap().len(),
        ad["meta"]["total"].as_u64().unwrap() as usize
    );
    assert!(pr["practice"]["citation"]["source"].as_str().unwrap().starts_with("src:"));
    assert_eq!(
        env.get(&format!("/api/v1/practices/{}", p0.id)).await.status,
        200,
        "with its prefix"
    );
    for missing in ["/api/v1/practices/atlantis", "/api/v1/practices/loc:turin"] {
        let r = env.get(missing).await;
        assert_eq!(r.status, 404, "{missing}");
        assert_eq!(r.json()["error"]["code"], "not_found");
    }
    // Anonymised localities: the public label, whatever the list.
    let anon =
        s.kb.localities
            .iter()
            .find(|l| {
                l.anonymised
                    && l.public_label.as_deref() != Some(l.name.as_str())
                    && s.kb.facts.iter().any(|f| f.subject == l.id)
            })
            .or_else(|| {
                s.kb.localities
                    .iter()
                    .find(|l| l.anonymised && s.kb.facts.iter().any(|f| f.subject == l.id))
            })
            .expect("an anonymised locality with facts");
    let fa = env.get(&format!("/api/v1/facts?subject={}&per_page=200", anon.id)).await;
    let label = anon.public_label.clone().unwrap();
    assert!(
        fa.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["subject"]["name"] == label.as_str())
    );
    if label != anon.name {
        assert!(
            !fa.text().contains(&format!("\"{}\"", anon.name)),
            "real name of {} leaked",
            anon.id
        );
    }
    assert!(
        fa.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["property"] != "coordinates" && x["property"] != "geonames_id")
    );
    let all = env.get("/api/v1/facts?format=csv").await.text();
    for l in
        s.kb.localities
            .iter()
            .filter(|l| l.anonymised && l.public_label.as_deref() != Some(l.name.as_str()))
    {
        assert!(!all.contains(&format!(",{},", l.name)), "real name of {} in the facts CSV", l.id);
    }
}

crate::both_backends!(
    lists_answer_csv_by_format_and_by_accept,
    csv_neutralises_formula_like_cells,
    lists_sort_by_fields_in_both_directions,
    paginated_lists_have_link_headers,
    last_modified_and_if_modified_since,
    statement_endpoints_with_citations,
    public_reads_allow_other_origins_and_nothing_else,
    geojson_of_localities_and_of_a_network,
    overview_counts_and_etag_revalidation,
    search_is_accent_insensitive,
    pagination_and_filters,
    bad_parameters_give_400_with_every_field,
    not_found_has_the_error_body,
    body_limit_gives_413_and_invalid_data_422,
    locality_detail_has_iccar_from_2019_with_citations,
    anonymised_localities_only_by_public_label,
    analyses_endpoints,
    reload_swaps_the_snapshot,
);
