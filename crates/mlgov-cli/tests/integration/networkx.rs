//! GraphML and GEXF exports of the governance graph load in networkx (the reference reader of
//! Python users and the format Gephi's timeline reads), with the same node and edge counts and
//! attributes as `mlgov graph centrality --json` reports. networkx is installed by
//! `scripts/test.sh`; without it the test fails with a message saying so.

use crate::common::Env;

fn networkx_check(path: &std::path::Path, reader: &str) -> serde_json::Value {
    let script = format!(
        r#"
import json, sys
import networkx as nx
g = nx.{reader}(sys.argv[1])
nodes = list(g.nodes(data=True))
edges = list(g.edges(data=True))
kinds = sorted({{d.get("kind") for _, d in nodes if d.get("kind") is not None}})
edge_kinds = sorted({{d.get("kind") for _, _, d in edges if d.get("kind") is not None}})
turin = g.nodes["loc:turin"] if "loc:turin" in g.nodes else {{}}
luden = g.get_edge_data("loc:turin", "net:quartiers-en-crise") or {{}}
if g.is_multigraph() and luden:
    assert len(luden) == 1, luden  # one edge per pair and layer
    luden = next(iter(luden.values()))
spells = [list(s) for s in luden.get("spells", [])] or [[luden.get("start"), luden.get("end")]]
print(json.dumps({{"nodes": g.number_of_nodes(), "edges": g.number_of_edges(), "node_kinds": kinds, "edge_kinds": edge_kinds, "turin_label": turin.get("label"), "luden_spells": spells, "luden_weight": luden.get("weight")}}))
"#
    );
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(script)
        .arg(path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "networkx could not read {} (is networkx installed? scripts/test.sh installs it): {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON from the python check")
}

#[test]
fn graphml_and_gexf_load_in_networkx_with_the_same_counts() {
    let env = Env::new();
    env.demo();
    let central = env.layers_centrality();
    let graphml = env.path("kb.graphml");
    let gexf = env.path("kb.gexf");
    let (code, _, err) =
        env.mlgov(&["graph", "export", "--format", "graphml", "--out", graphml.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) =
        env.mlgov(&["graph", "export", "--format", "gexf", "--out", gexf.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let a = networkx_check(&graphml, "read_graphml");
    let b = networkx_check(&gexf, "read_gexf");
    assert!(a["nodes"].as_u64().unwrap() > 100, "{a}");
    assert_eq!(a["nodes"], b["nodes"], "GraphML and GEXF disagree on nodes");
    // One tie per pair and layer: networkx reads both files as the same multigraph.
    assert_eq!(b["edges"], a["edges"]);
    assert!(b["edges"].as_u64().unwrap() > 100, "{b}");
    for kind in ["locality", "network", "organisation"] {
        assert!(
            a["node_kinds"].as_array().unwrap().iter().any(|k| k == kind),
            "node kind {kind} missing: {a}"
        );
    }
    assert!(a["edge_kinds"].as_array().unwrap().iter().any(|k| k == "membership"), "{a}");
    assert_eq!(a["turin_label"], "Turin");
    // GEXF: Turin's tie to LUDEN is one edge with its period (years as dates: the document has
    // full dates elsewhere), weight 1.
    assert_eq!(b["luden_spells"], serde_json::json!([["1989-01-01", "2015-12-31"]]), "{b}");
    assert_eq!(b["luden_weight"].as_f64(), Some(1.0), "{b}");
    let g = &central["graph"];
    assert_eq!(
        a["nodes"].as_u64().unwrap(),
        g["nodes"].as_u64().unwrap() + g["isolates_left_out"].as_u64().unwrap(),
        "export and centrality disagree on the node count"
    );
}
