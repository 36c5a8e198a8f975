//! `mlgov graph …` on the bundled data: centrality, communities, brokerage (the Turin vs
//! Saint-Étienne contrast of Caponio & Clément 2020) and both exports.

use crate::common::Env;

fn demo_env() -> Env {
    let env = Env::new();
    env.demo();
    env
}

#[test]
fn turin_has_a_boundary_spanner_and_saint_etienne_has_none() {
    let env = demo_env();
    let turin = env.json(&["graph", "brokerage", "--locality", "Turin"]);
    let spanners = turin["report"]["boundary_spanners"].as_array().unwrap();
    assert!(
        spanners.iter().any(|s| s == "org:turin-citizenship-rights-dept"),
        "Turin's Citizenship and Rights department connects public/non-public and local/international: {spanners:?}"
    );
    let st = env.json(&["graph", "brokerage", "--locality", "Saint-Etienne"]);
    assert_eq!(st["report"]["boundary_spanners"].as_array().unwrap().len(), 0, "mayor-centred Saint-Étienne");
    let human = env.ok(&["graph", "brokerage", "--locality", "Saint-Etienne"]);
    assert!(human.contains("No boundary spanner around Saint-Étienne"), "{human}");
}

#[test]
fn centrality_communities_and_brokerage_tables() {
    let env = demo_env();
    let c = env.json(&["graph", "centrality", "--top", "0"]);
    let rows = c["rows"].as_array().unwrap();
    assert_eq!(rows.len() as u64, c["nodes"].as_u64().unwrap());
    let degrees: u64 = rows.iter().map(|r| r["degree"].as_u64().unwrap()).sum();
    assert!(degrees > 0 && degrees % 2 == 0);
    assert!(rows.windows(2).all(|w| w[0]["betweenness"].as_f64() >= w[1]["betweenness"].as_f64()));
    let at = env.json(&["graph", "centrality", "--year", "2010", "--projection", "localities"]);
    assert!(at["nodes"].as_u64().unwrap() > 0);
    let k = env.json(&["graph", "communities", "--seed", "7"]);
    assert!(k["modularity"].as_f64().unwrap() > 0.0);
    assert_eq!(k, env.json(&["graph", "communities", "--seed", "7"]), "seeded and deterministic");
    let b = env.json(&["graph", "brokerage", "--partition", "level", "--top", "0"]);
    let total: u64 = b["rows"].as_array().unwrap().iter().map(|r| {
        let x = &r["roles"];
        ["coordinator", "itinerant", "gatekeeper", "representative", "liaison"].iter().map(|k| x[k].as_u64().unwrap()).sum::<u64>()
    }).sum();
    assert_eq!(total, b["open_two_paths"].as_u64().unwrap());
}

#[test]
fn exports_write_files_with_every_node_and_edge() {
    let env = demo_env();
    let c = env.json(&["graph", "centrality", "--top", "1"]);
    let (nodes, edges) = (c["nodes"].as_u64().unwrap(), c["edges"].as_u64().unwrap());
    let gexf = env.path("graph.gexf");
    let r = env.json(&["graph", "export", "--format", "gexf", "--out", gexf.to_str().unwrap()]);
    assert_eq!((r["nodes"].as_u64().unwrap(), r["edges"].as_u64().unwrap()), (nodes, edges));
    let text = std::fs::read_to_string(&gexf).unwrap();
    assert!(text.contains("mode=\"dynamic\"") && text.contains("timeformat=\"integer\""));
    assert_eq!(text.matches("<node ").count() as u64, nodes);
    assert_eq!(text.matches("<edge ").count() as u64, edges);
    let graphml = env.ok(&["graph", "export", "--format", "graphml"]);
    assert_eq!(graphml.matches("<node ").count() as u64, nodes);
    assert_eq!(graphml.matches("<edge ").count() as u64, edges);
}
