//! JSON API against a real server on loopback, every test on both storage backends (SQLite
//! file and PostgreSQL schema; see `common::both_backends!`).

use super::common::Env;

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
    assert!(g["hits"].as_array().unwrap().iter().any(|h| h["name"].as_str().unwrap().contains("Gävle")), "{g}");
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
    assert!(small["items"].as_array().unwrap().iter().all(|l| l["size_class"].as_array().unwrap().iter().any(|s| s == "small_town")));
    let y = env.get("/api/v1/memberships?year=2010&per_page=200").await.json();
    assert!(y["items"].as_array().unwrap().iter().all(|m| {
        let from = m["when"]["from"].as_str().map(|s| s[..4].parse::<i32>().unwrap());
        let to = m["when"]["to"].as_str().map(|s| s[..4].parse::<i32>().unwrap());
        from.is_none_or(|f| f <= 2010) && to.is_none_or(|t| t >= 2010)
    }));
    let nets = env.get("/api/v1/networks?scale=national").await.json();
    assert!(nets["items"].as_array().unwrap().iter().all(|n| n["scale"].as_array().unwrap().iter().any(|s| s == "national")));
}

async fn bad_parameters_give_400_with_every_field(env: Env) {
    let r = env.get("/api/v1/localities?page=0&per_page=x&size=huge&bogus=1").await;
    assert_eq!(r.status, 400);
    assert_eq!(r.header("content-type"), Some("application/json"));
    let j = r.json();
    assert_eq!(j["error"]["code"], "bad_request");
    let fields: Vec<&str> = j["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
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
    let r = env.request("POST", "/api/v1/compare", &[("Content-Type", "application/json")], &big).await;
    assert_eq!(r.status, 413);
    assert_eq!(r.json()["error"]["code"], "payload_too_large");
    let bad = env.request("POST", "/api/v1/compare", &[("Content-Type", "application/json")], br#"{"localities":["Turin","Atlantis"]}"#).await;
    assert_eq!(bad.status, 422);
    let j = bad.json();
    assert_eq!(j["error"]["code"], "invalid_data");
    assert!(j["error"]["fields"].as_array().unwrap().iter().any(|f| f["message"].as_str().unwrap().contains("Atlantis")));
    let ok = env.request("POST", "/api/v1/compare", &[("Content-Type", "application/json")], br#"{"localities":["Turin","saint etienne"],"table3":true}"#).await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.json()["localities"][1]["locality"]["id"], "loc:saint-etienne");
    let malformed = env.request("POST", "/api/v1/compare", &[("Content-Type", "application/json")], b"{").await;
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
    assert!(tl["rows"].as_array().unwrap().iter().any(|r| r["lane"] == "membership" && r["label"].as_str().unwrap().starts_with("ICCAR") && r["from"] == 2019));
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
    let totals: f64 = x["column_totals"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).sum();
    assert!((totals - x["total"].as_f64().unwrap()).abs() < 1e-9);
    let n = env.get("/api/v1/networks/iccar").await.json();
    assert!(n["members"].as_array().unwrap().iter().any(|m| m["member"]["id"] == "loc:saint-etienne"));
    assert_eq!(n["typology"]["traits"].as_array().unwrap().len(), 4);
    let h = env.get("/api/v1/hypotheses?window=5").await.json();
    assert_eq!(h["hypotheses"].as_array().unwrap().len(), 2);
    let c = env.get("/api/v1/conflicts").await.json();
    assert_eq!(c["count"].as_u64().unwrap() as usize, c["conflicts"].as_array().unwrap().len());
    let src = env.get("/api/v1/sources/caponio-clement-2020").await.json();
    assert_eq!(src["source"]["statements"].as_u64().unwrap() as usize, src["citing"].as_array().unwrap().len());
    let g = env.get("/api/v1/graph?year=2019&edge_type=membership&centrality=betweenness").await.json();
    assert!(g["edges"].as_array().unwrap().iter().all(|e| e["kind"] == "membership"));
    assert!(!g["nodes"].as_array().unwrap().is_empty());
    // No survey is stored in a fresh base: the dashboard API says so (tests/integration/surveys.rs
    // covers stored surveys and releases).
    let sv = env.get("/api/v1/survey?analysis=indexes&group_by=orientation").await;
    assert_eq!(sv.status, 404);
    assert!(sv.json()["error"]["message"].as_str().unwrap().contains("No survey figures are published yet"));
    let d = env.get("/api/v1/diffusion?seed=turin&runs=50&scenario=join_network").await.json();
    assert_eq!(d["seeds"][0]["id"], "loc:turin");
    let curve = d["curve"].as_array().unwrap();
    assert!(curve[0]["mean"].as_f64().unwrap() >= 1.0);
    assert!(curve.windows(2).all(|w| w[1]["mean"].as_f64().unwrap() >= w[0]["mean"].as_f64().unwrap() - 1e-9));
}

async fn reload_swaps_the_snapshot(env: Env) {
    let anonymous = env.request("POST", "/api/v1/reload", &[], b"").await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.text());
    assert_eq!(anonymous.json()["error"]["code"], "unauthenticated");
    let viewer = env.request("POST", "/api/v1/reload", &[("Authorization", &env.viewer_bearer)], b"").await;
    assert_eq!(viewer.status, 403, "{}", viewer.text());
    assert_eq!(viewer.json()["error"]["code"], "forbidden");
    let r = env.request("POST", "/api/v1/reload", &[("Authorization", &env.admin_bearer)], b"").await;
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
    assert_eq!(turin["geometry"]["coordinates"], serde_json::json!([7.68682, 45.07049]), "GeoJSON is longitude, latitude");
    assert_eq!(turin["properties"]["geonames_id"], 3165524);
    assert_eq!(turin["properties"]["subdivision"], "IT-21");
    assert!(turin["properties"]["attribution"].as_str().unwrap().contains("GeoNames"));
    assert!(fs.iter().all(|f| !f["id"].as_str().unwrap().starts_with("loc:wc-")), "anonymised localities are never placed");
    let anvita = env.get("/api/v1/networks/anvita/members.geojson").await.json();
    let ids: Vec<&str> = anvita["features"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
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
    let pre = env.request("OPTIONS", "/api/v1/networks", &[origin, ("Access-Control-Request-Method", "GET")], b"").await;
    assert!(pre.status == 200 || pre.status == 204, "preflight {}", pre.status);
    assert_eq!(pre.header("access-control-allow-origin"), Some("https://observablehq.com"));
    assert!(!pre.header("access-control-allow-methods").unwrap_or("").contains("POST"));
    let auth = env.request("OPTIONS", "/api/v1/localities", &[origin, ("Access-Control-Request-Method", "GET"), ("Access-Control-Request-Headers", "authorization")], b"").await;
    assert!(!auth.header("access-control-allow-headers").unwrap_or("").to_lowercase().contains("authorization"), "no Authorization across origins");
    let post = env.request("OPTIONS", "/api/v1/changes", &[origin, ("Access-Control-Request-Method", "POST")], b"").await;
    assert!(post.header("access-control-allow-origin").is_none(), "state-changing routes stay same-origin");
    let page = env.request("GET", "/localities", &[origin], b"").await;
    assert!(page.header("access-control-allow-origin").is_none(), "explorer pages are not shared across origins");
}

crate::both_backends!(
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
