//! Prints a small dynamic governance graph as GraphML or GEXF on stdout, so that external
//! readers (networkx, Gephi) can be checked against the exporters:
//! `export_demo graphml|gexf|gexf12 > file`.

use mlgov_graph::{
    EdgeKind, EdgeSpec, ExportConfig, GexfVersion, GovernanceGraph, Level, Node, NodeKind, Sector,
    to_gexf, to_graphml,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let format = std::env::args().nth(1).unwrap_or_else(|| "gexf".into());
    let mut g = GovernanceGraph::new();
    g.add_node(
        Node::new("turin", "Turin & <Torino>", NodeKind::Locality, Level::Local, Sector::Public)
            .with_attribute("country", "IT"),
    )?;
    g.add_node(
        Node::new("eurocities", "Eurocities", NodeKind::Network, Level::Eu, Sector::Public)
            .with_interval(Some(1986), None),
    )?;
    g.add_node(Node::new("curti", "Ilda Curti", NodeKind::Person, Level::Local, Sector::Public))?;
    g.add_node(Node::new("ngo", "NGO", NodeKind::Organisation, Level::Local, Sector::NonPublic))?;
    g.add_edge(
        EdgeSpec::new("turin", "eurocities", EdgeKind::Membership)
            .with_interval(Some(1991), Some(2014)),
    )?;
    g.add_edge(
        EdgeSpec::new("turin", "eurocities", EdgeKind::Membership).with_interval(Some(2018), None),
    )?;
    g.add_edge(
        EdgeSpec::new("curti", "turin", EdgeKind::Affiliation)
            .with_interval(Some(2006), Some(2016)),
    )?;
    g.add_edge(
        EdgeSpec::new("curti", "ngo", EdgeKind::Interaction)
            .with_weight(4.0)
            .with_attribute("source", "000 p. 7"),
    )?;
    let text = match format.as_str() {
        "graphml" => to_graphml(&g, &ExportConfig::default())?,
        "gexf" => to_gexf(&g, &ExportConfig::default())?,
        "gexf12" => to_gexf(
            &g,
            &ExportConfig { gexf_version: GexfVersion::V1_2Draft, ..Default::default() },
        )?,
        other => {
            return Err(
                format!("unknown format `{other}`: expected graphml, gexf or gexf12").into()
            );
        }
    };
    println!("{text}");
    Ok(())
}
