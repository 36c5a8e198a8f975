//! GraphML and GEXF exports parsed back with quick-xml: counts, declared attributes, time
//! intervals, escaping.

use std::collections::BTreeMap;

use mlgov_graph::{
    EdgeKind, EdgeSpec, ExportConfig, GexfVersion, GovernanceGraph, Level, Node, NodeKind, Sector,
    to_gexf, to_graphml,
};
use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::events::Event;

use super::fixtures::eurocities;

fn sample() -> GovernanceGraph {
    let mut g = GovernanceGraph::new();
    g.add_node(
        Node::new(
            "turin",
            "Turin & <Torino> \"TO\"",
            NodeKind::Locality,
            Level::Local,
            Sector::Public,
        )
        .with_attribute("country", "IT"),
    )
    .unwrap();
    g.add_node(eurocities()).unwrap();
    g.add_node(
        Node::new("ngo", "NGO", NodeKind::Organisation, Level::Local, Sector::NonPublic)
            .with_attribute("kind", "church"),
    )
    .unwrap();
    g.add_edge(
        EdgeSpec::new("turin", "eurocities", EdgeKind::Membership)
            .with_interval(Some(1991), Some(2014)),
    )
    .unwrap();
    g.add_edge(
        EdgeSpec::new("turin", "eurocities", EdgeKind::Membership).with_interval(Some(2018), None),
    )
    .unwrap();
    g.add_edge(
        EdgeSpec::new("ngo", "turin", EdgeKind::Interaction)
            .with_weight(4.0)
            .with_attribute("source", "003 Part 3"),
    )
    .unwrap();
    g
}

type Element = (String, BTreeMap<String, String>, String);

/// Every element: (name, attributes, text) in document order.
fn elements(xml: &str) -> Vec<Element> {
    let mut reader = Reader::from_str(xml);
    let mut out: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    loop {
        let event = reader.read_event().expect("well-formed XML");
        match &event {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.name().as_ref().to_string();
                let attrs = e
                    .attributes()
                    .map(|a| {
                        let a = a.unwrap();
                        (
                            a.key.as_ref().to_string(),
                            a.normalized_value(XmlVersion::default()).unwrap().into_owned(),
                        )
                    })
                    .collect();
                out.push((name, attrs, String::new()));
                if matches!(event, Event::Start(_)) {
                    open.push(out.len() - 1);
                }
            }
            Event::Text(t) => {
                if let Some(&i) = open.last() {
                    out[i].2.push_str(&t.xml10_content());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(&i) = open.last() {
                    let name = r.as_ref().to_string();
                    out[i].2.push_str(match name.as_str() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("unexpected entity {other}"),
                    });
                }
            }
            Event::End(_) => {
                open.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn named<'a>(els: &'a [Element], name: &str) -> Vec<&'a Element> {
    els.iter().filter(|e| e.0 == name).collect()
}

#[test]
fn graphml_round_trip() {
    let xml = to_graphml(&sample(), &ExportConfig::default()).unwrap();
    let els = elements(&xml);
    assert_eq!(named(&els, "node").len(), 3);
    assert_eq!(named(&els, "edge").len(), 2, "one edge per pair and layer");
    assert_eq!(named(&els, "graph")[0].1["edgedefault"], "undirected");
    let keys: Vec<(String, String)> =
        named(&els, "key").iter().map(|k| (k.1["for"].clone(), k.1["attr.name"].clone())).collect();
    for expected in [
        ("node", "label"),
        ("node", "kind"),
        ("node", "country"),
        ("node", "attr_kind"),
        ("edge", "weight"),
        ("edge", "source"),
        ("edge", "from_year"),
    ] {
        assert!(
            keys.contains(&(expected.0.into(), expected.1.into())),
            "missing key {expected:?} in {keys:?}"
        );
    }
    let data = named(&els, "data");
    assert!(data.iter().any(|d| d.2 == "Turin & <Torino> \"TO\""), "label escaped and restored");
    assert_eq!(
        data.iter().filter(|d| d.1["key"] == "e_from").count(),
        1,
        "the undated tie has no span"
    );
    assert_eq!(data.iter().filter(|d| d.1["key"] == "e_to").count(), 0, "open end omitted");
    let spells: Vec<&str> =
        data.iter().filter(|d| d.1["key"] == "e_spells").map(|d| d.2.as_str()).collect();
    assert_eq!(spells, ["1991-2014;2018-"]);
    let statements: Vec<&str> =
        data.iter().filter(|d| d.1["key"] == "e_statements").map(|d| d.2.as_str()).collect();
    assert_eq!(statements, ["2", "1"]);
    assert!(xml.contains("&amp;") && xml.contains("&lt;Torino&gt;"));
}

#[test]
fn gexf_dynamic_round_trip() {
    let xml = to_gexf(&sample(), &ExportConfig::default()).unwrap();
    let els = elements(&xml);
    let root = &named(&els, "gexf")[0].1;
    assert_eq!(root["version"], "1.3");
    assert_eq!(root["xmlns"], "http://gexf.net/1.3");
    let graph = &named(&els, "graph")[0].1;
    assert_eq!((graph["mode"].as_str(), graph["timeformat"].as_str()), ("dynamic", "integer"));
    assert_eq!(graph["defaultedgetype"], "undirected");
    let nodes = named(&els, "node");
    assert_eq!(nodes.len(), 3);
    assert_eq!(nodes[0].1["label"], "Turin & <Torino> \"TO\"");
    assert_eq!(nodes[1].1.get("start").map(String::as_str), Some("1986"));
    assert!(!nodes[1].1.contains_key("end"));
    let edges = named(&els, "edge");
    assert_eq!(edges.len(), 2, "one edge per pair and layer");
    let spells: Vec<(Option<&str>, Option<&str>)> = named(&els, "spell")
        .iter()
        .map(|s| (s.1.get("start").map(String::as_str), s.1.get("end").map(String::as_str)))
        .collect();
    // The running last spell ends at the horizon (2018, the latest year named) for readers
    // that need both ends; the edge says it is running.
    assert_eq!(spells, [(Some("1991"), Some("2014")), (Some("2018"), Some("2018"))]);
    assert!(!edges[0].1.contains_key("start"), "several spells go in <spells>");
    // A tie of one period carries it as start / end.
    let mut one = sample();
    one.add_edge(
        EdgeSpec::new("ngo", "eurocities", EdgeKind::Membership)
            .with_interval(Some(2001), Some(2003)),
    )
    .unwrap();
    let els_one = elements(&to_gexf(&one, &ExportConfig::default()).unwrap());
    let e = named(&els_one, "edge")[2];
    assert_eq!((e.1["start"].as_str(), e.1["end"].as_str()), ("2001", "2003"));
    assert_eq!(edges[1].1["weight"], "1", "weight none by default");
    let mut valued = sample();
    valued.weighting = mlgov_graph::Weighting::Value;
    let xml_valued = to_gexf(&valued, &ExportConfig::default()).unwrap();
    assert_eq!(named(&elements(&xml_valued), "edge")[1].1["weight"], "4");
    let declared: Vec<(String, String)> = named(&els, "attributes")
        .iter()
        .map(|a| (a.1["class"].clone(), a.1["mode"].clone()))
        .collect();
    assert_eq!(
        declared,
        [("node".to_string(), "static".to_string()), ("edge".into(), "static".into())]
    );
    let titles: Vec<&str> =
        named(&els, "attribute").iter().map(|a| a.1["title"].as_str()).collect();
    assert_eq!(
        titles,
        [
            "kind",
            "level",
            "sector",
            "country",
            "attr_kind",
            "kind",
            "statements",
            "undated",
            "running",
            "source"
        ]
    );
    // Every attvalue refers to a declared attribute id.
    let ids: Vec<&str> = named(&els, "attribute").iter().map(|a| a.1["id"].as_str()).collect();
    assert!(named(&els, "attvalue").iter().all(|v| ids.contains(&v.1["for"].as_str())));
    assert_eq!(named(&els, "attvalue").len(), 3 * 3 + 2 + 2 * 4 + 1);
}

#[test]
fn gexf_static_and_1_2draft() {
    let mut g = GovernanceGraph::new();
    g.add_node(Node::new("a", "A", NodeKind::Person, Level::Local, Sector::Public)).unwrap();
    g.add_node(Node::new("b", "B", NodeKind::Person, Level::Local, Sector::Public)).unwrap();
    g.add_edge(EdgeSpec::new("a", "b", EdgeKind::Interaction)).unwrap();
    let xml = to_gexf(&g, &ExportConfig { directed: true, gexf_version: GexfVersion::V1_2Draft })
        .unwrap();
    let els = elements(&xml);
    assert_eq!(named(&els, "gexf")[0].1["xmlns"], "http://www.gexf.net/1.2draft");
    let graph = &named(&els, "graph")[0].1;
    assert_eq!(graph["mode"], "static");
    assert!(!graph.contains_key("timeformat"));
    assert_eq!(graph["defaultedgetype"], "directed");
}
