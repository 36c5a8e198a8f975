//! `mlgov graph …` on the bundled data: one tie per pair and layer (LUDEN's tie to Turin weighs
//! 1), year snapshots by default with undated ties left out and reported, centrality,
//! communities, brokerage against expectation (the Turin vs Saint-Étienne contrast of Caponio &
//! Clément 2020) and both exports.

use crate::common::Env;

fn demo_env() -> Env {
    let env = Env::new();
    env.demo();
    env
}

#[test]
fn luden_tie_to_turin_weighs_one_by_default() {
    let env = demo_env();
    // Turin–Quartiers-en-crise (renamed LUDEN) is four statements: member 1989–2015, founder,
    // president twice. One tie, weight 1 unless another weighting is chosen.
    let graphml = env.ok(&["graph", "export", "--format", "graphml"]);
    let edge = graphml
        .split("<edge ")
        .find(|e| e.contains("source=\"loc:turin\" target=\"net:quartiers-en-crise\""))
        .expect("Turin's tie to LUDEN");
    assert_eq!(
        graphml
            .split("<edge ")
            .filter(|e| e.contains("loc:turin\" target=\"net:quartiers-en-crise"))
            .count(),
        1,
        "one tie per pair and layer"
    );
    assert!(edge.contains("<data key=\"e_weight\">1</data>"), "{edge}");
    assert!(edge.contains("<data key=\"e_statements\">4</data>"), "{edge}");
    assert!(edge.contains("<data key=\"e_spells\">1989-2015</data>"), "{edge}");
    let by_statements =
        env.ok(&["graph", "export", "--format", "graphml", "--weight", "statements"]);
    let edge = by_statements
        .split("<edge ")
        .find(|e| e.contains("loc:turin\" target=\"net:quartiers-en-crise"))
        .unwrap();
    assert!(edge.contains("<data key=\"e_weight\">4</data>"), "{edge}");
    let by_years = env.ok(&["graph", "export", "--format", "graphml", "--weight", "years"]);
    let edge = by_years
        .split("<edge ")
        .find(|e| e.contains("loc:turin\" target=\"net:quartiers-en-crise"))
        .unwrap();
    assert!(edge.contains("<data key=\"e_weight\">27</data>"), "1989–2015 is 27 years: {edge}");
    // Strength on the layers graph: LUDEN counts 1 for Turin by default.
    let c = env.layers_centrality();
    let luden =
        c["rows"].as_array().unwrap().iter().find(|r| r["id"] == "net:quartiers-en-crise").unwrap();
    assert_eq!(
        luden["degree"].as_f64(),
        luden["strength"].as_f64(),
        "weight 1 per tie: strength = degree"
    );
}

#[test]
fn analyses_default_to_a_year_snapshot_without_undated_ties_and_say_so() {
    let env = demo_env();
    let c = env.json(&["graph", "centrality", "--top", "0"]);
    let g = &c["graph"];
    assert_eq!(g["on"], "localities", "locality questions run on the locality projection");
    let year = g["year"].as_i64().expect("a snapshot year by default");
    assert!((2015..=2030).contains(&year), "{g}");
    assert!(g["undated_ties_left_out"].as_u64().unwrap() > 0, "{g}");
    assert_eq!(g["include_undated"], false);
    let rows = c["rows"].as_array().unwrap();
    assert_eq!(rows.len() as u64, g["nodes"].as_u64().unwrap());
    assert!(rows.iter().all(|r| r["kind"] == "locality"));
    assert!(rows.windows(2).all(|w| w[0]["betweenness"].as_f64() >= w[1]["betweenness"].as_f64()));
    // The same ranking with undated ties is reported beside.
    assert!(rows.iter().all(|r| r["with_undated"]["rank"].is_u64()), "{}", rows[0]);
    assert_eq!(c["with_undated"]["graph"]["include_undated"], true);
    // Isolates are left out in every slice alike, and counted.
    let all = env.json(&["graph", "centrality", "--all-years", "--top", "0"]);
    assert_eq!(all["graph"]["time_respecting"], true);
    for v in [&c, &all] {
        let n = v["graph"]["nodes"].as_u64().unwrap();
        let iso = v["graph"]["isolates_left_out"].as_u64().unwrap();
        assert!(
            n + iso >= 47,
            "every locality is either in the graph or counted as isolated: {n} + {iso}"
        );
        assert!(v["rows"].as_array().unwrap().iter().all(|r| r["degree"].as_u64().unwrap() > 0));
    }
    let human = env.ok(&["graph", "centrality"]);
    assert!(human.contains("undated ties left out") && human.contains("with undated"), "{human}");
    // Eigenvector centrality is given within components, with the component size.
    assert!(rows.iter().all(|r| r["component_size"].as_u64().unwrap() >= 2));
}

#[test]
fn communities_are_the_best_of_several_seeds_and_deterministic() {
    let env = demo_env();
    let k = env.json(&["graph", "communities", "--all-years", "--include-undated", "--seed", "7"]);
    assert_eq!(k["method"], "leiden");
    assert_eq!(k["runs"], 20);
    let q = k["modularity"].as_f64().unwrap();
    assert!(q > 0.0);
    let range = k["modularity_range"].as_array().unwrap();
    assert!((range[1].as_f64().unwrap() - q).abs() < 1e-12, "the best run is reported");
    assert_eq!(
        k,
        env.json(&["graph", "communities", "--all-years", "--include-undated", "--seed", "7"]),
        "seeded and deterministic"
    );
    assert!(
        k["without_undated"]["modularity"].is_f64(),
        "the other treatment of undated ties is reported: {k}"
    );
    let louvain =
        env.json(&["graph", "communities", "--method", "louvain", "--on", "layers", "--runs", "5"]);
    assert_eq!(louvain["runs"], 5);
    assert_eq!(louvain["modularity_range"].as_array().unwrap().len(), 2);
}

#[test]
fn brokerage_reports_counts_against_their_expectation() {
    let env = demo_env();
    let b = env.json(&["graph", "brokerage", "--partition", "level", "--top", "0"]);
    assert_eq!(b["direction"], "undirected");
    assert_eq!(b["graph"]["on"], "layers");
    let rows = b["rows"].as_array().unwrap();
    let total: u64 = rows
        .iter()
        .map(|r| {
            r["stats"].as_array().unwrap().iter().find(|s| s["role"] == "total").unwrap()["count"]
                .as_u64()
                .unwrap()
        })
        .sum();
    assert_eq!(total, b["open_two_paths"].as_u64().unwrap());
    // Every count has its expected value and, where the sd is positive, a z-score.
    for r in rows {
        for s in r["stats"].as_array().unwrap() {
            assert!(s["expected"].is_f64(), "{s}");
            if s["sd"].as_f64().unwrap() > 0.0 {
                let z = (s["count"].as_f64().unwrap() - s["expected"].as_f64().unwrap())
                    / s["sd"].as_f64().unwrap();
                assert!((z - s["z"].as_f64().unwrap()).abs() < 1e-9);
            }
        }
        assert_eq!(
            r["roles"]["representative"], 0,
            "undirected: merged into gatekeeper_or_representative"
        );
    }
    assert!(
        b["groups"]["unstated"].as_u64().unwrap() > 0,
        "levels are never guessed: {}",
        b["groups"]
    );
    // The result with undated ties is reported beside.
    assert_eq!(b["with_undated"]["graph"]["include_undated"], true);
    assert!(
        b["with_undated"]["open_two_paths"].as_u64().unwrap()
            > b["open_two_paths"].as_u64().unwrap()
    );
    // Over all years the counts are time-respecting and no z-score is claimed.
    let t = env.json(&["graph", "brokerage", "--all-years", "--top", "0"]);
    assert_eq!(t["time_respecting"], true);
    assert!(
        t["rows"].as_array().unwrap().iter().all(|r| r["stats"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["z"].is_null()))
    );
    // Directed mode only on layers with a meaningful direction.
    let (code, _, err) = env.mlgov(&["graph", "brokerage", "--directed", "--layers", "membership"]);
    assert_eq!(code, 1, "a usage error: {err}");
    assert!(err.contains("membership") && err.contains("funding"), "{err}");
    let d = env.json(&["graph", "brokerage", "--directed", "--all-years", "--include-undated"]);
    assert_eq!(d["direction"], "directed");
    assert!(!d["graph"]["description"].as_str().unwrap().contains("membership"), "{}", d["graph"]);
}

#[test]
fn turin_has_a_boundary_spanner_and_saint_etienne_has_none() {
    let env = demo_env();
    // The paper's narrative rarely dates the ties it describes: the comparison needs the undated
    // ones, over all the years it covers.
    let args = |city: &'static str| {
        vec!["graph", "brokerage", "--locality", city, "--all-years", "--include-undated"]
    };
    let turin = env.json(&args("Turin"));
    let spanners = turin["report"]["boundary_spanners"].as_array().unwrap();
    assert!(
        spanners.iter().any(|s| s == "org:turin-citizenship-rights-dept"),
        "Turin's Citizenship and Rights department connects public/non-public and local/international: {spanners:?}"
    );
    let st = env.json(&args("Saint-Etienne"));
    assert_eq!(
        st["report"]["boundary_spanners"].as_array().unwrap().len(),
        0,
        "mayor-centred Saint-Étienne"
    );
    let human = env.ok(&args("Saint-Etienne"));
    assert!(human.contains("No boundary spanner around Saint-Étienne"), "{human}");
    // Without the undated ties there is too little left to compare, and the report says so.
    let dated = env.json(&["graph", "brokerage", "--locality", "Turin", "--all-years"]);
    assert!(dated["graph"]["undated_ties_left_out"].as_u64().unwrap() > 50, "{}", dated["graph"]);
}

#[test]
fn exports_write_files_with_every_node_and_tie() {
    let env = demo_env();
    let gexf = env.path("graph.gexf");
    let r = env.json(&["graph", "export", "--format", "gexf", "--out", gexf.to_str().unwrap()]);
    let (nodes, ties) = (r["nodes"].as_u64().unwrap(), r["edges"].as_u64().unwrap());
    assert!(r["statements"].as_u64().unwrap() > ties, "several statements share a tie: {r}");
    let text = std::fs::read_to_string(&gexf).unwrap();
    // Some statements give a month: the whole document is in dates (full where known).
    assert!(
        text.contains("mode=\"dynamic\"")
            && text.contains("timeformat=\"date\"")
            && text.contains("<spells>")
    );
    assert_eq!(text.matches("<node ").count() as u64, nodes);
    assert_eq!(text.matches("<edge ").count() as u64, ties);
    let graphml = env.ok(&["graph", "export", "--format", "graphml"]);
    assert_eq!(graphml.matches("<node ").count() as u64, nodes);
    assert_eq!(graphml.matches("<edge ").count() as u64, ties);
    let (code, _, err) = env.mlgov(&["graph", "export", "--layers", "membrship"]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown layer `membrship`") && err.contains("membership"), "{err}");
}
