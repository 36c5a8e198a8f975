//! HTML pages against a real server: every page renders its core content without JavaScript.

use super::common::Env;

#[tokio::test]
async fn every_page_renders() {
    let env = Env::start().await;
    let pages = [
        ("/", "What is in the knowledge base"),
        ("/search?q=saint+etienne", "Saint-Étienne"),
        ("/localities?country=FR", "Localities matching the filters"),
        ("/localities/saint-etienne", "ICCAR"),
        ("/networks", "Networks matching the filters"),
        ("/networks/iccar", "Sponsored ↔ militant traits"),
        ("/map", "Localities per country"),
        ("/graph?year=2015", "Nodes by centrality"),
        ("/survey?group_by=orientation", "SYNTHETIC DATA"),
        ("/diffusion", "Adoption curves"),
        ("/analyses", "Whole-COMM cross-tabs"),
        ("/sources", "Sources"),
        ("/sources/caponio-clement-2020", "statements cite it"),
        ("/conflicts", "Disagreeing statements"),
    ];
    for (path, needle) in pages {
        let r = env.get(path).await;
        assert_eq!(r.status, 200, "{path}");
        assert!(r.header("content-type").unwrap().starts_with("text/html"), "{path}");
        let html = r.text();
        assert!(html.contains(needle), "{path} lacks {needle:?}");
        assert!(html.contains("<main id=\"main\""), "{path}");
        // No request leaves the machine: no absolute http(s) URL in src/href of assets.
        assert!(!html.contains("src=\"http"), "{path} loads a remote script");
        assert!(!html.contains("<link rel=\"stylesheet\" href=\"http"), "{path} loads a remote style");
        // Every table offers CSV and JSON downloads.
        assert_eq!(html.matches("<table").count(), html.matches("format=csv").count(), "{path}");
    }
}

#[tokio::test]
async fn locality_profile_has_a_server_side_gantt() {
    let env = Env::start().await;
    let html = env.get("/localities/saint-etienne").await.text();
    let svg_start = html.find("<svg").expect("inline SVG");
    let svg = &html[svg_start..html[svg_start..].find("</svg>").unwrap() + svg_start];
    assert!(svg.contains("<title"), "alt text");
    assert!(svg.contains("ICCAR"), "ICCAR row in the Gantt");
    assert!(html.contains("2019"));
    assert!(html.contains("id=\"timeline-rows\""), "table equivalent");
}

#[tokio::test]
async fn tables_download_as_csv_and_json() {
    let env = Env::start().await;
    let r = env.get("/localities?country=IT&download=localities&format=csv").await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/csv"));
    let text = r.text();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("name,country,region,size,kind,memberships"));
    assert!(lines.all(|l| l.contains(",IT,")));
    let j = env.get("/networks/iccar?download=members&format=json").await.json();
    assert_eq!(j["table"], "members");
    assert!(j["rows"].as_array().unwrap().iter().any(|r| r["member"].as_str().unwrap().contains("Saint")));
    let missing = env.get("/networks/iccar?download=nope").await;
    assert_eq!(missing.status, 400);
}

#[tokio::test]
async fn unknown_pages_are_404_html() {
    let env = Env::start().await;
    let r = env.get("/localities/atlantis").await;
    assert_eq!(r.status, 404);
    assert!(r.text().contains("Not found"));
    let r = env.get("/no/such/page").await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn anonymised_profile_pages_show_the_public_label() {
    let env = Env::start().await;
    let snap = env.state.snapshot();
    let l = snap.kb.localities.iter().find(|l| l.anonymised).expect("an anonymised locality");
    let html = env.get(&format!("/localities/{}", l.id.body())).await.text();
    assert!(html.contains(&mlgov_charts::escape(l.public_label.as_deref().unwrap())) || html.contains(l.public_label.as_deref().unwrap()));
    if l.public_label.as_deref() != Some(l.name.as_str()) {
        assert!(!html.contains(&format!(">{}<", l.name)));
    }
    assert!(html.contains("anonymise"));
}
