//! Places: `mlgov reconcile` (linked, review, the edited review file fed back with --apply, a batch
//! of new localities only on request), typo-tolerant `search`, and `export --format geojson`.

use crate::common::Env;

fn demo_env() -> Env {
    let env = Env::new();
    env.demo();
    env
}

#[test]
fn reconcile_links_certain_names_and_sends_the_rest_to_review_without_touching_the_store() {
    let env = demo_env();
    let before = env.snapshot();
    let names = env.write(
        "members.csv",
        "name;country\nComune di Torino;IT\nSt Etienne;\nMünchen;\nLemberg;\nAtlantis;\n",
    );
    let out = env.path("members.reconciled.csv");
    let v = env.json(&["reconcile", names.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(v["names"], 5);
    let results = v["results"].as_array().unwrap();
    let decision = |i: usize| results[i]["outcome"]["decision"].as_str().unwrap().to_string();
    let best = |i: usize| {
        results[i]["outcome"]["candidates"][0]["target"].as_str().unwrap_or("").to_string()
    };
    assert_eq!((decision(0), best(0)), ("linked".into(), "loc:turin".into()), "{v}");
    assert_eq!((decision(1), best(1)), ("linked".into(), "loc:saint-etienne".into()));
    assert_eq!(
        (decision(2), best(2)),
        ("linked".into(), "geonames:2867714".into()),
        "München is Munich, a gazetteer place"
    );
    assert_eq!(decision(3), "review", "Lemberg: German villages and Lviv's old name");
    assert!(
        results[0]["outcome"]["candidates"][0]["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e.as_str().unwrap().contains("Torino")),
        "{v}"
    );
    assert_eq!(results[0]["line"], 2, "physical line numbers");
    assert_eq!(env.snapshot(), before, "reconciling writes nothing to the store");

    // The review file: an undecided row is refused with its line and field …
    let (code, _, err) =
        env.mlgov(&["reconcile", names.to_str().unwrap(), "--apply", out.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(":5: field \"decision\": still \"review\"") && err.contains("Lemberg"),
        "{err}"
    );
    // … then the user decides: Lemberg is Lviv (geonames:702550), Atlantis has no match.
    let text = std::fs::read_to_string(&out).unwrap();
    let mut rows: Vec<Vec<String>> = csv::Reader::from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    rows[3][3] = "linked".into();
    rows[3][4] = "geonames:702550".into();
    rows[4][3] = "no_match".into();
    let mut w = csv::Writer::from_path(&out).unwrap();
    w.write_record(text.lines().next().unwrap().split(',')).unwrap();
    rows.iter().for_each(|r| w.write_record(r).unwrap());
    w.flush().unwrap();
    let links = env.path("links.csv");
    let batch = env.path("new-localities");
    let a = env.json(&[
        "reconcile",
        names.to_str().unwrap(),
        "--apply",
        out.to_str().unwrap(),
        "-o",
        links.to_str().unwrap(),
        "--new-localities",
        batch.to_str().unwrap(),
    ]);
    assert_eq!(a["linked"], 4);
    assert_eq!(a["new_localities"], 2, "Munich and Lviv are not stored: {a}");
    let l = std::fs::read_to_string(&links).unwrap();
    assert!(l.contains("Comune di Torino,IT,loc:turin,3165524,stored"), "{l}");
    assert_eq!(env.snapshot(), before, "nothing is created until the batch is imported");
    env.ok(&["import", batch.to_str().unwrap()]);
    let show = env.json(&["show", "locality", "Lviv"]);
    assert!(show.to_string().contains("geonames_id"), "{show}");
}

#[test]
fn reconcile_rejects_a_bad_country_with_its_line() {
    let env = demo_env();
    let names = env.write("bad.csv", "name,country\nTorino,IT\nRoma,Italy\n");
    let (code, _, err) = env.mlgov(&["reconcile", names.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("line 3") && err.contains("field country") && err.contains("\"ITALY\""),
        "{err}"
    );
}

#[test]
fn search_tolerates_typos_and_abbreviations() {
    let env = demo_env();
    let v = env.json(&["search", "eurocites"]);
    assert_eq!(v["hits"][0]["id"], "net:eurocities", "{v}");
    assert_eq!(v["hits"][0]["typo"], true);
    let s = env.json(&["search", "st etienne"]);
    assert_eq!(s["hits"][0]["id"], "loc:saint-etienne", "{s}");
}

#[test]
fn geojson_export_of_localities_and_of_a_network() {
    let env = demo_env();
    let all = env.path("all.geojson");
    env.json(&["export", "--format", "geojson", "-o", all.to_str().unwrap()]);
    let j: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&all).unwrap()).unwrap();
    let fs = j["features"].as_array().unwrap();
    let se = fs.iter().find(|f| f["id"] == "loc:saint-etienne").unwrap();
    assert_eq!(se["geometry"]["coordinates"], serde_json::json!([4.39, 45.43389]));
    assert!(
        se["properties"]["size_class_basis"].as_str().unwrap().contains("250,000"),
        "the threshold is shown: {se}"
    );
    let net = env.path("anvita.geojson");
    env.json(&[
        "export",
        "--format",
        "geojson",
        "--network",
        "ANVITA",
        "-o",
        net.to_str().unwrap(),
    ]);
    let n: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&net).unwrap()).unwrap();
    assert!(
        n["features"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["properties"]["networks"].as_str().unwrap().contains("net:anvita"))
    );
    let (code, _, err) = env.mlgov(&["export", "--format", "csv", "--network", "ANVITA"]);
    assert_eq!(code, 1, "{err}");
}

#[test]
fn sources_verify_checks_every_quotation_against_the_text() {
    let env = Env::new();
    env.write("kb/sources.csv", "id,short,title,kind,file\nsrc:t,T 2024,A text,paper,t.txt\n");
    env.write("kb/localities.csv", "id,name,kind,country,source,locator\nloc:a,A,municipality,IT,src:t,\"p. 1: \"\"we started with Katowice [Poland]\"\"\"\nloc:b,B,municipality,IT,src:t,Table 2\n");
    env.ok(&["import", env.path("kb").to_str().unwrap()]);
    env.write("texts/t.txt", "Interview: “We started with\nKatowice [Poland] and Annaba.”");
    let v = env.json(&["sources", "verify", "--texts", env.path("texts").to_str().unwrap()]);
    assert_eq!(
        (v["verified"].as_u64(), v["unverified"].as_u64(), v["no_quote"].as_u64()),
        (Some(1), Some(0), Some(1)),
        "{v}"
    );
    env.write("texts/t.txt", "Interview: we began elsewhere.");
    let (code, out, err) =
        env.mlgov(&["sources", "verify", "--texts", env.path("texts").to_str().unwrap()]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(out.contains("loc:a") && out.contains("we started with Katowice [Poland]"), "{out}");
}
