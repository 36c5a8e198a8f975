//! HTML pages against a real server: every page renders its core content without JavaScript;
//! every test runs on both storage backends (`common::both_backends!`).

use super::common::Env;

async fn every_page_renders(env: Env) {
    let pages = [
        ("/", "What is in the knowledge base"),
        ("/search?q=saint+etienne", "Saint-Étienne"),
        ("/localities?country=FR", "Localities matching the filters"),
        ("/localities/saint-etienne", "ICCAR"),
        ("/networks", "Networks matching the filters"),
        ("/networks/iccar", "Sponsored ↔ militant traits"),
        ("/map", "Localities per country"),
        ("/graph?year=2015", "Nodes by centrality"),
        ("/survey?group_by=orientation", "No survey figures are published yet"),
        ("/diffusion", "Adoption curves"),
        ("/analyses", "Whole-COMM cross-tabs"),
        ("/sources", "Sources"),
        ("/sources/caponio-clement-2020", "statements cite it"),
        ("/conflicts", "Identity ambiguity: localities sharing a label"),
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
        assert!(
            !html.contains("<link rel=\"stylesheet\" href=\"http"),
            "{path} loads a remote style"
        );
        // Every table offers CSV (plain and for Excel) and JSON downloads.
        assert_eq!(html.matches("<table").count(), html.matches("format=csv\"").count(), "{path}");
        assert_eq!(html.matches("<table").count(), html.matches("bom=true").count(), "{path}");
    }
}

async fn locality_profile_has_a_server_side_gantt(env: Env) {
    let html = env.get("/localities/saint-etienne").await.text();
    let svg_start = html.find("<svg").expect("inline SVG");
    let svg = &html[svg_start..html[svg_start..].find("</svg>").unwrap() + svg_start];
    assert!(svg.contains("<title"), "alt text");
    assert!(svg.contains("ICCAR"), "ICCAR row in the Gantt");
    assert!(html.contains("2019"));
    assert!(html.contains("id=\"timeline-rows\""), "table equivalent");
}

async fn tables_download_as_csv_and_json(env: Env) {
    let r = env.get("/localities?country=IT&download=localities&format=csv").await;
    assert_eq!(r.status, 200);
    assert!(r.header("content-type").unwrap().starts_with("text/csv"));
    let text = r.text();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("name,country,region,size,kind,memberships"));
    assert!(lines.all(|l| l.contains(",IT,")));
    let j = env.get("/networks/iccar?download=members&format=json").await.json();
    assert_eq!(j["table"], "members");
    assert!(
        j["rows"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["member"].as_str().unwrap().contains("Saint"))
    );
    let missing = env.get("/networks/iccar?download=nope").await;
    assert_eq!(missing.status, 400);
}

async fn unknown_pages_are_404_html(env: Env) {
    let r = env.get("/localities/atlantis").await;
    assert_eq!(r.status, 404);
    assert!(r.text().contains("Not found"));
    let r = env.get("/no/such/page").await;
    assert_eq!(r.status, 404);
}

async fn anonymised_profile_pages_show_the_public_label(env: Env) {
    let snap = env.state.snapshot();
    let l = snap.kb.localities.iter().find(|l| l.anonymised).expect("an anonymised locality");
    let html = env.get(&format!("/localities/{}", l.id.body())).await.text();
    assert!(
        html.contains(&mlgov_charts::escape(l.public_label.as_deref().unwrap()))
            || html.contains(l.public_label.as_deref().unwrap())
    );
    if l.public_label.as_deref() != Some(l.name.as_str()) {
        assert!(!html.contains(&format!(">{}<", l.name)));
    }
    assert!(html.contains("anonymise"));
}

/// The text of the `<section id="{id}">` of a page: tags removed, entities decoded, white space
/// collapsed — so tests compare what a reader sees.
fn section_text(html: &str, id: &str) -> String {
    let start =
        html.find(&format!("<section id=\"{id}\"")).unwrap_or_else(|| panic!("no section {id}"));
    let end = html[start..].find("</section>").map(|e| start + e).expect("section end");
    let mut out = String::new();
    let mut in_tag = false;
    for c in html[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ')
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

async fn saint_etienne_profile_shows_its_learning_profile(env: Env) {
    let snap = env.state.snapshot();
    let id = mlgov_domain::Id::parse("loc:saint-etienne").unwrap();
    let expected = mlgov_analysis::learning::profile(&snap.kb, &id, 2021, None);
    let html = env.get("/localities/saint-etienne").await.text();
    assert!(
        html.contains("<a href=\"#learning\">Learning profile</a>"),
        "listed in the table of contents"
    );
    let text = section_text(&html, "learning");
    // Isolation at a glance, from the analysis.
    assert!(!expected.networks.is_empty());
    assert!(
        text.contains(&format!(
            "Networks in 2021 {} ({} continental or global",
            expected.networks.len(),
            expected.international.len()
        )),
        "{text}"
    );
    let peers = match expected.peer_localities.len() {
        0 => "none recorded".to_string(),
        n => n.to_string(),
    };
    assert!(text.contains(&format!("Localities sharing a network {peers}")), "{text}");
    // Every network tie with its detail and source; ICCAR from 2019 as Table 3 of the paper says.
    for n in &expected.networks {
        assert!(
            text.contains(&format!("{} {} {}", n.name, n.detail, n.source)),
            "tie {} missing in {text}",
            n.name
        );
    }
    assert!(text.contains("ICCAR member since 2019"), "{text}");
    for p in &expected.peer_localities {
        assert!(text.contains(&p.name), "peer {} missing", p.name);
    }
    // Attributes with their status: the size class is assumed from the paper's population
    // (172,500 in 2017; GeoNames' 176,280 of its 2020 snapshot sits beside it and never wins over a
    // paper's figure), the typology is not in the data, the country is observed.
    assert!(text.contains("size class medium town assumed no source states it; derived from the population of 172,500 in 2017 (Caponio & Clément 2020, Table 1)"), "{text}");
    assert!(text.contains("typology (Whole-COMM) unknown not in the data"), "{text}");
    assert!(text.contains("country FR observed Caponio & Clément 2020"), "{text}");
    // Enabling factors as the analysis gives them, unknown ones marked "not in the data".
    for f in &expected.enabling {
        let status = if f.basis == "observed" { "observed" } else { "not in the data" };
        assert!(
            text.contains(&format!("{} {} {status}", f.name, f.value)),
            "factor {} missing in {text}",
            f.name
        );
    }
    assert!(text.contains("a missing tie is not evidence of its absence"));
    // The ties table downloads like every other table.
    let j = env.get("/localities/saint-etienne?download=learning-ties&format=json").await.json();
    let iccar =
        j["rows"].as_array().unwrap().iter().find(|r| r["with"] == "ICCAR").expect("ICCAR row");
    assert!(
        iccar["source"].as_str().unwrap().starts_with("Caponio & Clément 2020, Table 3"),
        "{iccar}"
    );
    let csv =
        env.get("/localities/saint-etienne?download=learning-attributes&format=csv").await.text();
    assert!(
        csv.starts_with("attribute,value,status,source\n")
            && csv.contains("\nsize class,medium town,assumed,"),
        "{csv}"
    );
    // The same profile from the API.
    let api = env.get("/api/v1/localities/saint-etienne/learning").await.json();
    assert_eq!(api["networks"], expected.networks.len());
    assert_eq!(api["locality"]["name"], "Saint-Étienne");
    assert_eq!(api["attributes"][0]["status"], "assumed");
    assert!(
        api["ties"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["with"]["id"] == "net:iccar" && t["with"]["href"] == "/networks/iccar")
    );
    let earlier = env.get("/api/v1/localities/saint-etienne/learning?year=2005").await.json();
    let then = mlgov_analysis::learning::profile(&snap.kb, &id, 2005, None);
    assert_eq!(
        earlier["networks"].as_u64().unwrap(),
        then.networks.len() as u64,
        "the ties in force in 2005"
    );
    assert!(
        then.networks.iter().any(|n| n.name.contains("URBACT"))
            && !expected.networks.iter().any(|n| n.name.contains("URBACT")),
        "URBACT in 2005, not since 2008"
    );
    assert_eq!(env.get("/api/v1/localities/saint-etienne/learning?year=x").await.status, 400);
}

async fn saint_etienne_profile_without_stored_surveys_says_so(env: Env) {
    let html = env.get("/localities/saint-etienne").await.text();
    let text = section_text(&html, "survey");
    assert!(text.contains("No survey data for Saint-Étienne: the Whole-COMM report makes no statement about it, and no survey visible here has figures for its groups."), "{text}");
    assert!(!text.contains("SYNTHETIC"), "nothing generated appears on its own: {text}");
    assert!(!html.contains("id=\"survey-report\""), "no Whole-COMM statements to show");
    let api = env.get("/api/v1/localities/saint-etienne/survey").await.json();
    assert_eq!(api["no_data"], true);
    assert!(api["surveys"].as_array().unwrap().is_empty());
}

async fn anonymised_whole_comm_profile_shows_report_statements_by_public_label(env: Env) {
    let snap = env.state.snapshot();
    let wc = mlgov_analysis::tables::WHOLE_COMM;
    let stated = |l: &mlgov_domain::Locality, p: mlgov_domain::Property| {
        let mut fs: Vec<_> = snap
            .kb
            .facts_of(&l.id, p)
            .into_iter()
            .filter(|f| f.citation.source.as_str() == wc)
            .collect();
        fs.sort_by(|a, b| a.id.cmp(&b.id));
        fs.first().map(|f| f.value.clone())
    };
    let l = snap
        .kb
        .localities
        .iter()
        .find(|l| {
            l.anonymised
                && stated(l, mlgov_domain::Property::SizeClass).is_some()
                && stated(l, mlgov_domain::Property::Typology).is_some()
        })
        .expect("an anonymised Whole-COMM locality with a size class and a typology");
    let label = l.public_label.clone().unwrap();
    let (size, typology) = (
        stated(l, mlgov_domain::Property::SizeClass).unwrap(),
        stated(l, mlgov_domain::Property::Typology).unwrap(),
    );
    let html = env.get(&format!("/localities/{}", l.id.body())).await.text();
    if label != l.name {
        assert!(!html.contains(&l.name), "the real name never appears");
    }
    let learning = section_text(&html, "learning");
    assert!(learning.contains(&format!("how isolated {label} is")), "{learning}");
    assert!(
        learning.contains(&format!(
            "size class {} observed {}",
            size.replace('_', " "),
            snap.name(&snap.kb.sources.iter().find(|s| s.id.as_str() == wc).unwrap().id)
        )),
        "{learning}"
    );
    let text = section_text(&html, "survey");
    assert!(text.contains(&format!("The Whole-COMM study covers {label}")), "{text}");
    assert!(
        text.contains(&format!("typology {} Schiller et al. 2023", typology.replace('_', " "))),
        "{text}"
    );
    assert!(text.contains(&format!("size class {}", size.replace('_', " "))), "{text}");
    assert!(!text.contains("SYNTHETIC"), "no survey stored, no figures: {text}");
    let api = env.get(&format!("/api/v1/localities/{}/survey", l.id.body())).await.json();
    assert_eq!(api["locality"]["name"], label.as_str());
    assert_eq!(api["whole_comm"], true);
    assert!(
        api["report"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["property"] == "typology" && f["value"] == typology.as_str())
    );
    assert!(api["surveys"].as_array().unwrap().is_empty());
    let learning_api =
        env.get(&format!("/api/v1/localities/{}/learning", l.id.body())).await.json();
    assert_eq!(learning_api["locality"]["name"], label.as_str());
}

async fn a_locality_without_survey_data_says_so(env: Env) {
    let snap = env.state.snapshot();
    // Lesbos: neither a size class, a typology nor a population is stated.
    let lesbos = mlgov_domain::Id::parse("loc:lesbos").unwrap();
    for p in [
        mlgov_domain::Property::SizeClass,
        mlgov_domain::Property::Typology,
        mlgov_domain::Property::Population,
    ] {
        assert!(
            snap.kb.facts_of(&lesbos, p).is_empty(),
            "precondition: Lesbos has no {p} statement"
        );
    }
    let html = env.get("/localities/lesbos").await.text();
    let text = section_text(&html, "survey");
    assert!(text.contains("No survey data for Lesbos: the Whole-COMM report makes no statement about it, and neither its size class nor its typology is known"), "{text}");
    assert!(!text.contains("SYNTHETIC"), "no synthetic figures are shown for it: {text}");
    assert!(!html.contains("id=\"survey-groups\""));
    assert!(section_text(&html, "learning").contains("size class unknown not in the data"));
    // Lyon: its size class is assumed from GeoNames' population; still no survey data.
    let lyon = mlgov_domain::Id::parse("loc:lyon").unwrap();
    for p in [mlgov_domain::Property::SizeClass, mlgov_domain::Property::Typology] {
        assert!(snap.kb.facts_of(&lyon, p).is_empty(), "precondition: Lyon has no {p} statement");
    }
    let html = env.get("/localities/lyon").await.text();
    let text = section_text(&html, "survey");
    assert!(
        text.contains("No survey data for Lyon: the Whole-COMM report makes no statement about it"),
        "{text}"
    );
    assert!(!text.contains("SYNTHETIC"), "no synthetic figures are shown for it: {text}");
    assert!(!html.contains("id=\"survey-groups\""));
    let learning = section_text(&html, "learning");
    assert!(learning.contains("size class large city assumed"), "{learning}");
    assert!(learning.contains("Eurocities member since ?; scale continental"), "{learning}");
    let api = env.get("/api/v1/localities/lyon/survey").await.json();
    assert_eq!(api["no_data"], true);
    assert!(api["surveys"].as_array().unwrap().is_empty());
    assert_eq!(env.get("/api/v1/localities/atlantis/survey").await.status, 404);
    assert_eq!(env.get("/api/v1/localities/atlantis/learning").await.status, 404);
}

async fn etags_carry_the_build_fingerprint(env: Env) {
    let r = env.get("/localities/saint-etienne").await;
    let etag = r.header("etag").expect("ETag").to_string();
    let build = mlgov_server::build_fingerprint();
    assert!(
        etag.contains(&format!("-{build:016x}-")),
        "{etag} lacks the build fingerprint {build:016x}"
    );
    let snap = env.state.snapshot();
    // The key is the URL and the audience (anonymous visitors: `public`).
    assert_eq!(
        etag,
        mlgov_server::etag(snap.content_hash, build, "/localities/saint-etienne#public")
    );
    // Another build (changed templates or assets) gives another ETag for the same data and URL,
    // so a client holding the old one gets the new page instead of a 304.
    let other =
        mlgov_server::etag(snap.content_hash, build ^ 1, "/localities/saint-etienne#public");
    assert_ne!(other, etag);
    assert_eq!(
        env.request("GET", "/localities/saint-etienne", &[("If-None-Match", &etag)], b"")
            .await
            .status,
        304
    );
    assert_eq!(
        env.request("GET", "/localities/saint-etienne", &[("If-None-Match", &other)], b"")
            .await
            .status,
        200
    );
    let api = env.get("/api/v1/localities/saint-etienne/learning").await;
    assert!(api.header("etag").unwrap().contains(&format!("-{build:016x}-")));
}

/// The bundle is committed (`web/dist`), so a build without npm embeds it: the interactive pages
/// load their module scripts, and every script and style they name is served from the binary.
async fn interactive_pages_load_the_embedded_bundle(env: Env) {
    for (path, entry) in [("/map", "map"), ("/graph?year=2015", "graph"), ("/", "search")] {
        // Attribute values are entity-escaped (`&#x2f;` for `/`), as browsers read them.
        let html = env.get(path).await.text().replace("&#x2f;", "/");
        let srcs: Vec<&str> =
            html.split("src=\"/assets/").skip(1).filter_map(|s| s.split('"').next()).collect();
        assert!(
            srcs.iter().any(|s| s.starts_with(entry) && s.ends_with(".js")),
            "{path} loads no {entry} script: {srcs:?}"
        );
        let styles: Vec<&str> =
            html.split("href=\"/assets/").skip(1).filter_map(|s| s.split('"').next()).collect();
        for asset in srcs.iter().chain(&styles) {
            let r = env.get(&format!("/assets/{asset}")).await;
            assert_eq!(r.status, 200, "{asset}");
            let ct = r.header("content-type").unwrap_or("");
            assert!(ct.contains("javascript") || ct.contains("css"), "{asset}: {ct}");
            assert!(r.body.len() > 100, "{asset} is empty");
        }
    }
    assert!(
        env.get("/search?q=saint").await.text().contains("data-typeahead"),
        "the type-ahead input is marked for the bundle"
    );
}

/// The widget's data of a page (`<script type="application/json" id="page-data">`).
fn page_data(html: &str) -> serde_json::Value {
    let start = html.find("id=\"page-data\">").expect("page data") + "id=\"page-data\">".len();
    let end = start + html[start..].find("</script>").expect("end of page data");
    serde_json::from_str(&html[start..end].replace("<\\/", "</")).expect("page data is JSON")
}

/// The map: every located, named locality is a point at its GeoNames coordinates with its
/// networks; anonymised localities are only counts of their region (or country), never a point, an
/// id or a label.
async fn the_map_places_named_localities_and_counts_anonymised_ones_by_region(env: Env) {
    let snap = env.state.snapshot();
    let html = env.get("/map").await.text();
    let data = page_data(&html);
    let points = data["points"].as_array().expect("points");
    let point =
        |id: &str| points.iter().find(|p| p["id"] == id).unwrap_or_else(|| panic!("no point {id}"));
    for (id, lat, lon, href) in [
        ("loc:turin", 45.07049, 7.68682, "/localities/turin"),
        ("loc:saint-etienne", 45.43389, 4.39, "/localities/saint-etienne"),
    ] {
        let p = point(id);
        assert!(
            (p["lat"].as_f64().unwrap() - lat).abs() < 1e-9
                && (p["lon"].as_f64().unwrap() - lon).abs() < 1e-9,
            "{id}: {p}"
        );
        assert_eq!(p["href"], href);
        assert!(p["population"].as_u64().unwrap() > 100_000, "{id}: population from GeoNames");
    }
    // Saint-Étienne's networks with their years and positions; ICCAR from 2019.
    let se = point("loc:saint-etienne");
    let iccar =
        se["networks"].as_array().unwrap().iter().find(|n| n["id"] == "net:iccar").expect("ICCAR");
    assert_eq!(iccar["from"], 2019);
    assert!(iccar["class"].is_string());
    // Every located, named locality is a point; none is anonymised.
    let located: Vec<&mlgov_domain::Locality> = snap
        .kb
        .localities
        .iter()
        .filter(|l| !l.anonymised && snap.kb.place(&l.id).is_some_and(|p| p.lat.is_some()))
        .collect();
    assert!(located.len() >= 40, "{} located localities", located.len());
    assert_eq!(points.len(), located.len());
    let data_text = data.to_string();
    for l in snap.kb.localities.iter().filter(|l| l.anonymised) {
        assert!(
            !html.contains(l.id.as_str())
                && !html.contains(&format!("/localities/{}", l.id.body())),
            "{} appears on the map page",
            l.id
        );
        let label = l.public_label.as_deref().unwrap_or(&l.name);
        assert!(
            !html.contains(label)
                && !html.contains(&mlgov_charts::escape(label))
                && !data_text.contains(label),
            "the label {label:?} of {} appears on the map page",
            l.id
        );
    }
    // Regions: code, name, count and outline only; Piedmont holds the three Whole-COMM localities.
    let regions = data["regions"].as_array().expect("regions");
    let piedmont = regions.iter().find(|r| r["code"] == "IT-21").expect("IT-21");
    assert_eq!(piedmont["count"], 3);
    assert!(piedmont["outline"].as_array().unwrap().len() >= 3);
    for r in regions {
        let mut keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        keys.sort();
        assert_eq!(
            keys,
            ["code", "count", "name", "outline"],
            "nothing finer than a count per region"
        );
    }
    let in_regions: u64 = regions.iter().map(|r| r["count"].as_u64().unwrap()).sum();
    let anonymised = snap.kb.localities.iter().filter(|l| l.anonymised).count() as u64;
    // The Turkish statistical regions have no outline: their localities count in the country only.
    let tr =
        data["countries"].as_array().unwrap().iter().find(|c| c["country"] == "TR").expect("TR");
    assert_eq!(tr["country_only"], 3);
    assert_eq!(in_regions + 3, anonymised);
    assert!(
        html.contains("GeoNames.org (CC BY 4.0)") && html.contains("Natural Earth"),
        "attribution on the page"
    );
    // The same data without JavaScript.
    let text = section_text(&html, "points");
    assert!(text.contains("Turin IT IT-21 45.0705 7.6868"), "{text}");
    assert!(section_text(&html, "by-region").contains("IT-21 Piemonte 3"));
}

/// Filters and colours of the map, in the URL: a network's members coloured by membership in a
/// year; positions; policy outcomes; bad values are 400.
async fn map_filters_and_colours_follow_the_query(env: Env) {
    // ICCAR: Saint-Étienne joined in 2019.
    let data = page_data(&env.get("/map?network=iccar&year=2015").await.text());
    assert_eq!(data["colour"], "network");
    let points = data["points"].as_array().unwrap();
    let se = points
        .iter()
        .find(|p| p["id"] == "loc:saint-etienne")
        .expect("Saint-Étienne is an ICCAR member");
    assert_eq!(se["key"], "other_years", "not a member in 2015");
    assert!(
        points.iter().all(|p| p["networks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["id"] == "net:iccar")),
        "members only"
    );
    assert!(data["regions"].as_array().unwrap().is_empty());
    let data = page_data(&env.get("/map?network=iccar&year=2020").await.text());
    assert_eq!(
        data["points"].as_array().unwrap().iter().find(|p| p["id"] == "loc:saint-etienne").unwrap()
            ["key"],
        "member"
    );
    // Position: the most militant of its networks in the year; only localities with a membership then.
    let data = page_data(&env.get("/map?colour=position&year=2020").await.text());
    let snap = env.state.snapshot();
    for p in data["points"].as_array().unwrap() {
        let current: Vec<&serde_json::Value> =
            p["networks"].as_array().unwrap().iter().filter(|n| n["in_year"] == true).collect();
        assert!(!current.is_empty(), "{p}");
        let max = current
            .iter()
            .filter_map(|n| n["position"].as_f64())
            .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
        let expected = match max {
            Some(x) if x >= 0.5 => "militant",
            Some(x) if x <= -0.5 => "sponsored",
            Some(_) => "intermediate",
            None => "unknown",
        };
        assert_eq!(p["key"], expected, "{p}");
    }
    let counted: u64 =
        data["classes"].as_array().unwrap().iter().map(|c| c["count"].as_u64().unwrap()).sum();
    assert_eq!(counted as usize, data["points"].as_array().unwrap().len());
    // Policy outcome: the key is the latest statement's value, or none.
    let data = page_data(&env.get("/map?colour=outcome").await.text());
    for p in data["points"].as_array().unwrap() {
        let id = mlgov_domain::Id::parse(p["id"].as_str().unwrap()).unwrap();
        let latest = snap
            .kb
            .facts_of(&id, mlgov_domain::Property::PolicyOutcome)
            .last()
            .map(|f| f.value.clone())
            .unwrap_or_else(|| "none".into());
        assert_eq!(p["key"], latest.as_str());
    }
    // Membership colouring needs a network: position instead, with a notice.
    let html = env.get("/map?colour=network").await.text();
    assert_eq!(page_data(&html)["colour"], "position");
    assert!(html.contains("Colouring by membership needs a network"));
    for bad in ["/map?colour=rainbow", "/map?year=abc", "/map?network=atlantis"] {
        assert!(matches!(env.get(bad).await.status, 400 | 404), "{bad}");
    }
    // Tables download like everywhere else.
    let csv = env.get("/map?network=iccar&download=located&format=csv").await.text();
    assert!(
        csv.starts_with(
            "locality,country,region,latitude,longitude,population,colour class,networks\n"
        ) && csv.contains("Saint-Étienne,FR,FR-ARA,45.4339,4.3900"),
        "{csv}"
    );
}

/// A network page shows its members on the same map widget.
async fn network_pages_show_their_members_on_the_map(env: Env) {
    let html = env.get("/networks/iccar").await.text();
    assert!(html.contains("id=\"map-widget\""), "the map widget");
    let src = html.replace("&#x2f;", "/");
    assert!(
        src.split("src=\"/assets/").skip(1).any(|s| s.starts_with("map")),
        "loads the map module"
    );
    let data = page_data(&html);
    assert_eq!(data["network"]["id"], "net:iccar");
    let points = data["points"].as_array().unwrap();
    assert!(points.iter().any(|p| p["id"] == "loc:saint-etienne"));
    assert!(points.iter().all(|p| p["key"] == "member"));
    assert!(section_text(&html, "members-map").contains("Saint-Étienne FR FR-ARA"));
}

async fn quoted_locators_open_their_passage_in_context(env: Env) {
    // Ilda Curti's page: the citation of her office term quotes file 000 and links to the passage.
    let html = env.get("/persons/ilda-curti").await.text();
    let html = html.replace("&#x2f;", "/");
    let href = html
        .split("href=\"")
        .map(|h| h.split('"').next().unwrap_or(""))
        .find(|h| h.contains("/passage?locator="))
        .expect("a link to a passage")
        .replace("&amp;", "&");
    assert!(href.starts_with("/sources/caponio-clement-2020/passage?locator="), "{href}");
    let page = env.get(&href).await;
    assert_eq!(page.status, 200, "{href}");
    let text = page.text();
    assert!(
        text.contains("<mark>") && text.contains("Ilda Curti"),
        "the quoted words are marked in the text"
    );
    assert!(text.contains("class=\"line-no\""), "with line numbers");
    // A source whose text is not redistributed says so, and how to see it.
    let pet =
        env.get("/sources/pettrachin-2023/passage?locator=%22small+localities%22").await.text();
    assert!(pet.contains("not available on this server") && pet.contains("--texts"), "{pet}");
    // A quotation that is not in the text is reported, not invented.
    let miss = env
        .get("/sources/caponio-clement-2020/passage?locator=%22no+such+words+anywhere%22")
        .await
        .text();
    assert!(miss.contains("was not found in the text"));
}

/// The page's HTML with the escapes of attribute values undone (`&#x2f;` → `/`, `&amp;` → `&`).
fn unescaped(html: String) -> String {
    html.replace("&#x2f;", "/").replace("&amp;", "&")
}

/// Task 7 of the explorer issue: a downloaded table named after its content, with from/to
/// columns, and a UTF-8 byte-order mark on request (Excel).
async fn downloads_are_named_after_their_content_with_from_and_to(env: Env) {
    let r = env.get("/networks/eurocities?year=2010&download=members&format=csv").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("content-disposition"),
        Some("attachment; filename=\"networks-eurocities-members-year-2010.csv\"")
    );
    let text = r.text();
    assert_eq!(text.lines().next(), Some("member,role,from,to,exit,source,statement"));
    assert!(!text.starts_with('\u{FEFF}'));
    let excel =
        env.get("/networks/eurocities?year=2010&download=members&format=csv&bom=true").await;
    assert!(excel.body.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM for Excel");
    let j = env.get("/localities/turin?download=memberships&format=json").await;
    assert_eq!(
        j.header("content-disposition"),
        Some("attachment; filename=\"localities-turin-memberships.json\"")
    );
    let rows = j.json()["rows"].as_array().unwrap().clone();
    let euromed = rows
        .iter()
        .find(|r| r["network"].as_str().unwrap().contains("Euromed"))
        .expect("Turin in Euromed");
    assert!(
        euromed["from"].as_str().unwrap().len() == 4 && euromed.get("years").is_none(),
        "{euromed}"
    );
}

/// Every figure downloads as SVG, PNG or PDF from its page's URL (`figure=<table id>&format=…`),
/// with the content type and a file name after the page, like the tables.
async fn figures_download_as_svg_png_and_pdf_named_after_the_page(env: Env) {
    let html = unescaped(env.get("/localities/turin").await.text());
    for f in ["svg", "png", "pdf"] {
        assert!(
            html.contains(&format!(
                "href=\"/localities/turin?figure=timeline-rows&format={f}\" download>{}</a>",
                f.to_uppercase()
            )),
            "{f} link under the figure"
        );
    }
    let png = env.get("/localities/turin?figure=timeline-rows&format=png").await;
    assert_eq!(png.status, 200);
    assert_eq!(png.header("content-type"), Some("image/png"));
    assert_eq!(
        png.header("content-disposition"),
        Some("attachment; filename=\"localities-turin-timeline-rows.png\"")
    );
    assert_eq!(&png.body[..8], b"\x89PNG\r\n\x1a\n");
    assert_eq!(&png.body[12..16], b"IHDR");
    assert_eq!(
        u32::from_be_bytes(png.body[16..20].try_into().unwrap()),
        1920,
        "960-unit-wide chart at 2 px per unit"
    );
    let pdf = env.get("/localities/turin?figure=timeline-rows&format=pdf").await;
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert_eq!(
        pdf.header("content-disposition"),
        Some("attachment; filename=\"localities-turin-timeline-rows.pdf\"")
    );
    assert!(pdf.body.starts_with(b"%PDF-"));
    assert!(
        String::from_utf8_lossy(&pdf.body).contains("DejaVuSans"),
        "text set in the bundled font"
    );
    let svg = env.get("/localities/turin?figure=timeline-rows").await;
    assert_eq!(svg.header("content-type"), Some("image/svg+xml"), "SVG when no format is given");
    assert!(svg.text().starts_with("<svg") && svg.text().contains("LUDEN"));
    // The server's own charts (no font-family in them) and the filters in the URL.
    let bars = env.get("/networks/eurocities?year=2010&figure=members-by-year&format=pdf").await;
    assert_eq!(bars.status, 200);
    assert_eq!(
        bars.header("content-disposition"),
        Some("attachment; filename=\"networks-eurocities-members-by-year-year-2010.pdf\"")
    );
    for bad in [
        "/localities/turin?figure=nope&format=png",
        "/localities/turin?figure=timeline-rows&format=gif",
        "/localities/turin?figure=timeline-rows&download=memberships",
        "/localities/turin?figure=timeline-rows&format=png&bom=true",
    ] {
        let r = env.get(bad).await;
        assert_eq!(r.status, 400, "{bad}");
    }
    assert!(
        env.get("/localities/turin?figure=nope").await.text().contains("timeline-rows"),
        "the error names the figures there are"
    );
}

/// Task 4: the members of a network in a year, counts by year that include running memberships.
async fn network_members_in_a_year_and_running_memberships_by_year(env: Env) {
    let html = unescaped(env.get("/networks/eurocities?year=2010").await.text());
    assert!(html.contains("Members in 2010"), "heading");
    assert!(html.contains("members of Eurocities in 2010"), "count sentence");
    assert!(html.contains("/map?network=eurocities&year=2010"), "map of that year");
    let all = env.get("/networks/anvita?download=members-by-year&format=json").await.json();
    let years: Vec<i64> = all["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["year"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(years.len() > 1, "ANVITA's running memberships are counted after 2018: {years:?}");
    let snap = env.state.snapshot();
    let latest = snap
        .kb
        .memberships
        .iter()
        .flat_map(|m| [m.when.start_year(), m.when.end_year()])
        .flatten()
        .max()
        .unwrap();
    assert_eq!(*years.last().unwrap(), i64::from(latest));
}

/// Task 8: every statement has a permanent page with its values, source and passage.
async fn statements_have_a_permanent_page_with_source_and_passage(env: Env) {
    let html = unescaped(env.get("/statements/mem:turin-quartiers-en-crise").await.text());
    assert!(html.contains("Statement mem:turin-quartiers-en-crise"));
    assert!(html.contains("1989") && html.contains("2015"), "its values");
    assert!(
        html.contains("/networks/quartiers-en-crise"),
        "the entities it names link to their pages"
    );
    assert!(html.contains("/sources/caponio-clement-2020/passage?locator="), "its passage");
    // The source's table of statements is paged (100 rows a page): look on each page.
    let mut src = String::new();
    for k in 1..=3 {
        src.push_str(&unescaped(
            env.get(&format!("/sources/caponio-clement-2020?rows=citing:{k}")).await.text(),
        ));
    }
    assert!(
        src.contains("href=\"/statements/mem:turin-quartiers-en-crise\""),
        "source pages link to each statement"
    );
    assert!(src.contains("LUDEN · Turin · member · 1989 · 2015"), "and say what it states");
    let locality = unescaped(env.get("/localities/turin").await.text());
    assert!(
        locality.contains("href=\"/statements/mem:turin-quartiers-en-crise\""),
        "membership rows link to their statement"
    );
    assert_eq!(env.get("/statements/mem:no-such-statement").await.status, 404);
    assert_eq!(env.get("/statements/not-an-id").await.status, 404);
}

/// Task 1: the Gantt's hover text ends in the same year as the table, events are named.
async fn gantt_hover_text_matches_the_table(env: Env) {
    let html = env.get("/localities/saint-etienne").await.text();
    let svg = &html[html.find("<svg").unwrap()..html.find("</svg>").unwrap()];
    assert!(
        svg.contains("Euromed") && svg.contains("1999–2001</title>"),
        "bar hover ends in 2001 like the table"
    );
    assert!(!svg.contains("1999–2002</title>"));
    assert!(!svg.contains(" (2015.5)") && !svg.contains("<title> ("), "event diamonds are named");
}

/// Task 2: localities side by side on one shared timeline, from a profile's "Compare with…".
async fn localities_compare_on_one_timeline(env: Env) {
    let turin = unescaped(env.get("/localities/turin").await.text());
    assert!(turin.contains("href=\"/compare?l1=turin\""), "a profile links to the comparison");
    let one = env.get("/compare?l1=turin").await;
    assert_eq!(one.status, 200, "one locality is not an error");
    assert!(one.text().contains("Choose at least one more locality to compare with Turin"));
    let two = env.get("/compare?l1=turin&l2=saint-etienne").await.text();
    let svg = &two[two.find("<svg").unwrap()..two.find("</svg>").unwrap()];
    assert!(svg.contains("Turin: ") && svg.contains("Saint-Étienne: "), "both on one timeline");
    assert!(
        svg.contains("URBACT"),
        "all memberships by default (Saint-Étienne's URBACT is not in Table 3)"
    );
    assert!(two.contains("id=\"compare-1\"") && two.contains("id=\"compare-2\""));
    let typo = env.get("/compare?l1=turin&l2=atlantis").await;
    assert_eq!(typo.status, 200);
    assert!(typo.text().contains("no locality named “atlantis”"));
    let analyses = env.get("/analyses?compare=Turin").await;
    assert_eq!(analyses.status, 200, "the Analyses page survives a single name");
}

/// Pages, JSON and downloads are compressed when the client accepts it.
async fn responses_are_compressed_when_accepted(env: Env) {
    for (enc, path) in [
        ("gzip", "/localities/turin"),
        ("br", "/api/v1/localities"),
        ("gzip", "/localities/turin?download=memberships&format=csv"),
        ("gzip", "/localities/turin?as_of=cs:1"),
    ] {
        let r = env.request("GET", path, &[("Accept-Encoding", enc)], b"").await;
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-encoding"), Some(enc), "{path}");
        let plain = env.get(path).await;
        assert!(plain.header("content-encoding").is_none());
        assert!(
            r.body.len() * 2 < plain.body.len(),
            "{path}: {} compressed vs {} plain bytes",
            r.body.len(),
            plain.body.len()
        );
        // It decompresses to the plain page (a page rewritten after rendering, as with as_of,
        // is compressed once, after the rewrite).
        if enc == "gzip" {
            let mut text = String::new();
            std::io::Read::read_to_string(
                &mut flate2::read::GzDecoder::new(&r.body[..]),
                &mut text,
            )
            .expect("valid gzip");
            assert_eq!(text.len(), plain.body.len(), "{path}");
        }
    }
}

/// Task 3: which networks are militant or sponsored, on what evidence and coverage.
async fn networks_filter_by_position_with_counts_coverage_and_the_papers_placement(env: Env) {
    let html = unescaped(env.get("/networks?position=militant&sort=position").await.text());
    assert!(
        html.contains("Association Nationale des Villes et Territoires Accueillants"),
        "ANVITA is militant"
    );
    assert!(!html.contains(">Eurocities<"), "Eurocities is not");
    assert!(
        html.contains("href=\"/networks/anvita#typology\""),
        "the coverage links to the traits and their evidence"
    );
    let j = env
        .get("/networks?position=militant&sort=position&download=networks&format=json")
        .await
        .json();
    let rows = j["rows"].as_array().unwrap();
    assert!(rows.iter().all(|r| r["traits observed"].as_str().unwrap().ends_with("of 4")));
    let anvita = rows
        .iter()
        .find(|r| r["network"].as_str().unwrap().starts_with("Association Nationale"))
        .unwrap();
    assert_eq!(
        (anvita["paper's placement"].as_str(), anvita["agreement"].as_str()),
        (Some("militant"), Some("agrees"))
    );
    // Facet counts: each class with its number, together the whole list.
    let f = env.get("/networks?download=positions&format=json").await.json();
    let total: usize = f["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["networks"].as_str().unwrap().parse::<usize>().unwrap())
        .sum();
    let all = env.get("/networks?download=networks&format=json").await.json();
    assert_eq!(total, all["rows"].as_array().unwrap().len());
    // Sorted by position: the most militant first.
    let pos: Vec<f64> =
        rows.iter().filter_map(|r| r["position"].as_str().unwrap().parse().ok()).collect();
    assert!(pos.windows(2).all(|w| w[0] >= w[1]), "{pos:?}");
    assert_eq!(
        env.get("/api/v1/networks?position=militant").await.json()["meta"]["total"]
            .as_u64()
            .unwrap() as usize,
        rows.len()
    );
}

/// Task 6: a diffusion what-if says what changed, by how much and how sure, and who adopts.
async fn diffusion_what_if_has_a_plain_verdict_and_lists_who_adopts(env: Env) {
    let html = env.get("/diffusion?scenario=integration_officers&runs=200").await.text();
    assert!(
        html.contains("If every locality gets an official with an integration mandate"),
        "the what-if in words"
    );
    assert!(
        html.contains("95 % interval")
            && (html.contains("a clear increase")
                || html.contains("no clear difference")
                || html.contains("a clear decrease")),
        "how sure"
    );
    assert!(html.contains("id=\"adopters\""), "who adopts");
    assert!(
        !html.contains("integration_officers<") && !html.contains(">baseline<"),
        "no raw codes in the page's text"
    );
    let j = env.get("/api/v1/diffusion?scenario=integration_officers&runs=200").await.json();
    assert!(j["adopter_nodes"].as_u64().unwrap() > 0 && j["final_sd"].is_f64());
    assert!(
        j["adopters"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| (0.0..=1.0).contains(&a["probability"].as_f64().unwrap()))
    );
}

/// Profiles open with a summary: the mayor, the facts that place the locality, its networks now.
async fn profiles_open_with_a_summary(env: Env) {
    let html = env.get("/localities/saint-etienne").await.text();
    let summary = &html[html.find("id=\"summary\"").expect("a summary")
        ..html.find("id=\"about\"").expect("then the attributes")];
    assert!(summary.contains("Gaël Perdriau"), "the mayor of the latest term");
    assert!(
        summary.contains("class=\"badges\"") && summary.contains("ICCAR"),
        "its networks now, as badges"
    );
    assert!(summary.contains("statements in all"));
    let net = env.get("/networks/anvita").await.text();
    let summary =
        &net[net.find("id=\"summary\"").expect("a summary")..net.find("id=\"about\"").unwrap()];
    assert!(
        summary.contains("militant") && summary.contains("now (dated memberships still running)")
    );
}

/// Conflicts are grouped, and two localities sharing a public label never look the same.
async fn conflicts_are_numbered_groups_with_distinct_subjects(env: Env) {
    let csv = env.get("/conflicts?download=conflicts-identity-ambiguity&format=csv").await.text();
    let mut lines = csv.lines();
    assert!(lines.next().unwrap().starts_with("group,subject,about"));
    let rows: Vec<(String, String)> = lines
        .map(|l| {
            let mut f = l.splitn(3, ',');
            (f.next().unwrap().to_string(), f.next().unwrap().to_string())
        })
        .collect();
    let by_group: std::collections::BTreeMap<&str, std::collections::BTreeSet<&str>> =
        rows.iter().fold(Default::default(), |mut m, (g, s)| {
            m.entry(g.as_str()).or_default().insert(s.as_str());
            m
        });
    assert!(by_group.values().all(|s| s.len() == 1), "one subject per group");
    let subjects: std::collections::BTreeSet<&str> = rows.iter().map(|(_, s)| s.as_str()).collect();
    let labels: std::collections::BTreeSet<&str> =
        subjects.iter().map(|s| s.split(" (loc:").next().unwrap()).collect();
    assert!(subjects.len() > labels.len(), "same-label localities are told apart: {subjects:?}");
}

/// Practices have pages: origin, adopters, and a way to simulate their diffusion.
async fn practices_have_pages(env: Env) {
    let list = unescaped(env.get("/practices").await.text());
    assert!(list.contains("href=\"/practices/barcelona-emergency-accommodation\""));
    let one = unescaped(env.get("/practices/barcelona-emergency-accommodation").await.text());
    assert!(
        one.contains("Emergency accommodation funded by the City Council")
            && one.contains("/localities/barcelona")
    );
    assert!(
        one.contains("/diffusion?practice=prc%3Abarcelona-emergency-accommodation")
            || one.contains("/diffusion?practice=prc:barcelona-emergency-accommodation")
    );
    assert_eq!(env.get("/practices/no-such-practice").await.status, 404);
    assert!(
        unescaped(env.get("/").await.text()).contains("href=\"/practices\""),
        "linked from the home page"
    );
}

/// The localities list answers "members of Eurocities in 2010", with facets and counts.
async fn localities_list_has_network_year_filters_facets_and_sorting(env: Env) {
    let html = env.get("/localities?network=eurocities&year=2010").await.text();
    assert!(html.contains("Members of Eurocities in 2010"));
    assert!(
        html.contains("Not counted:") && html.contains("without a date"),
        "undated memberships said apart"
    );
    let j = env
        .get("/localities?network=eurocities&year=2010&download=localities&format=json")
        .await
        .json();
    let names: Vec<&str> =
        j["rows"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"Barcelona") && !names.contains(&"Turin"), "{names:?}");
    // The network page agrees.
    let net = env.get("/networks/eurocities?year=2010&download=members&format=json").await.json();
    let members: std::collections::BTreeSet<&str> =
        net["rows"].as_array().unwrap().iter().map(|r| r["member"].as_str().unwrap()).collect();
    assert_eq!(
        members,
        names.iter().copied().collect(),
        "the localities list and the network page agree"
    );
    let facet = env.get("/localities?download=facet-country&format=json").await.json();
    let total: usize = facet["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["localities"].as_str().unwrap().parse::<usize>().unwrap())
        .sum();
    let all = env.get("/localities?download=localities&format=json").await.json();
    assert_eq!(total, all["rows"].as_array().unwrap().len(), "country counts add up to the list");
    let sorted =
        env.get("/localities?sort=memberships&download=localities&format=json").await.json();
    let m: Vec<usize> = sorted["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["memberships"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(m.windows(2).all(|w| w[0] >= w[1]));
    assert_eq!(env.get("/localities?network=atlantis").await.status, 400);
}

/// An anonymised profile says what the sources do not record instead of empty tables.
async fn anonymised_profiles_leave_out_empty_sections(env: Env) {
    let snap = env.state.snapshot();
    let l = snap
        .kb
        .localities
        .iter()
        .find(|l| l.anonymised && !snap.kb.memberships.iter().any(|m| m.member == l.id))
        .expect("an anonymised locality without memberships");
    let html = env.get(&format!("/localities/{}", l.id.body())).await.text();
    assert!(html.contains("The sources record nothing on:"), "said once, in the summary");
    assert!(!html.contains("id=\"memberships\""), "no empty memberships table");
    // Only the learning profile's lists may be empty (no ties in force, no peers): they say so.
    assert!(html.matches(">None.<").count() <= 2, "not a row of None. tables");
}

async fn long_tables_are_paged_and_downloads_hold_every_row(env: Env) {
    // A table longer than 100 rows shows 100 with links to the others; its downloads hold all.
    let page = unescaped(env.get("/sources/schiller-et-al-2023").await.text());
    assert!(page.contains("Rows 1–100 of 200"), "first page of the table");
    assert!(
        page.contains("rows=citing%3A2#citing") || page.contains("rows=citing:2#citing"),
        "a link to the next rows"
    );
    assert!(page.matches("<tr>").count() <= 100 + 40, "no more than a page of rows per table");
    let second = unescaped(env.get("/sources/schiller-et-al-2023?rows=citing:2").await.text());
    assert!(
        second.contains("Rows 101–200 of 200") && second.contains("previous rows"),
        "second page"
    );
    // A page past the end shows the last one; an unknown table id changes nothing.
    assert!(
        unescaped(env.get("/sources/schiller-et-al-2023?rows=citing:99").await.text())
            .contains("Rows 101–200 of 200")
    );
    assert!(
        unescaped(env.get("/sources/schiller-et-al-2023?rows=nothing:2").await.text())
            .contains("Rows 1–100 of 200")
    );
    let csv = env
        .get("/sources/schiller-et-al-2023?rows=citing:2&download=citing&format=csv")
        .await
        .text();
    assert!(csv.lines().count() > 200, "the download holds every row: {}", csv.lines().count());
}

crate::both_backends!(
    long_tables_are_paged_and_downloads_hold_every_row,
    anonymised_profiles_leave_out_empty_sections,
    localities_list_has_network_year_filters_facets_and_sorting,
    practices_have_pages,
    conflicts_are_numbered_groups_with_distinct_subjects,
    profiles_open_with_a_summary,
    diffusion_what_if_has_a_plain_verdict_and_lists_who_adopts,
    networks_filter_by_position_with_counts_coverage_and_the_papers_placement,
    responses_are_compressed_when_accepted,
    localities_compare_on_one_timeline,
    downloads_are_named_after_their_content_with_from_and_to,
    figures_download_as_svg_png_and_pdf_named_after_the_page,
    network_members_in_a_year_and_running_memberships_by_year,
    statements_have_a_permanent_page_with_source_and_passage,
    gantt_hover_text_matches_the_table,
    quoted_locators_open_their_passage_in_context,
    interactive_pages_load_the_embedded_bundle,
    every_page_renders,
    locality_profile_has_a_server_side_gantt,
    tables_download_as_csv_and_json,
    unknown_pages_are_404_html,
    anonymised_profile_pages_show_the_public_label,
    saint_etienne_profile_shows_its_learning_profile,
    saint_etienne_profile_without_stored_surveys_says_so,
    anonymised_whole_comm_profile_shows_report_statements_by_public_label,
    a_locality_without_survey_data_says_so,
    etags_carry_the_build_fingerprint,
    the_map_places_named_localities_and_counts_anonymised_ones_by_region,
    map_filters_and_colours_follow_the_query,
    network_pages_show_their_members_on_the_map,
);
