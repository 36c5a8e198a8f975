//! GraphML writer (GraphML 1.0 primer, Brandes et al.): typed `<key>` declarations, one
//! `<data>` per present value; intervals as integer `from_year` / `to_year` (absent = open).

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::{ExportConfig, extra_keys, extra_name, extra_values, io_error, utf8};
use crate::error::GraphError;
use crate::model::GovernanceGraph;

const FORMAT: &str = "GraphML";

/// The graph as a GraphML document.
///
/// Keys: nodes `label`, `kind`, `level`, `sector` (string), `from_year`, `to_year` (int) and
/// one string key per extra attribute; edges (one per pair and layer) `kind` (string),
/// `weight` (double, under the graph's weighting), `from_year`, `to_year` (int, the span of the
/// tie), `spells` (string, for example `1989-2015;2017-`), `statements` (int), `undated`
/// (boolean) and extras. Edge ids are `e<index>`.
///
/// # Errors
/// [`GraphError::Export`] only on an internal writer failure.
pub fn to_graphml(graph: &GovernanceGraph, config: &ExportConfig) -> Result<String, GraphError> {
    let err = io_error(FORMAT);
    let (node_extras, edge_extras) = extra_keys(graph);
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None))).map_err(&err)?;
    // (id, for, name, type)
    let mut keys: Vec<(String, &str, String, &str)> = vec![
        ("n_label".into(), "node", "label".into(), "string"),
        ("n_kind".into(), "node", "kind".into(), "string"),
        ("n_level".into(), "node", "level".into(), "string"),
        ("n_sector".into(), "node", "sector".into(), "string"),
        ("n_from".into(), "node", "from_year".into(), "int"),
        ("n_to".into(), "node", "to_year".into(), "int"),
        ("e_kind".into(), "edge", "kind".into(), "string"),
        ("e_weight".into(), "edge", "weight".into(), "double"),
        ("e_from".into(), "edge", "from_year".into(), "int"),
        ("e_to".into(), "edge", "to_year".into(), "int"),
        ("e_spells".into(), "edge", "spells".into(), "string"),
        ("e_statements".into(), "edge", "statements".into(), "int"),
        ("e_undated".into(), "edge", "undated".into(), "boolean"),
    ];
    for (i, k) in node_extras.iter().enumerate() {
        keys.push((format!("n_x{i}"), "node", extra_name(k), "string"));
    }
    for (i, k) in edge_extras.iter().enumerate() {
        keys.push((format!("e_x{i}"), "edge", extra_name(k), "string"));
    }
    w.create_element("graphml")
        .with_attribute(("xmlns", "http://graphml.graphdrawing.org/xmlns"))
        .with_attribute(("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"))
        .with_attribute((
            "xsi:schemaLocation",
            "http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd",
        ))
        .write_inner_content(|w| {
            for (id, target, name, ty) in &keys {
                w.create_element("key")
                    .with_attribute(("id", id.as_str()))
                    .with_attribute(("for", *target))
                    .with_attribute(("attr.name", name.as_str()))
                    .with_attribute(("attr.type", *ty))
                    .write_empty()?;
            }
            w.create_element("graph")
                .with_attribute(("id", "G"))
                .with_attribute(("edgedefault", if config.directed { "directed" } else { "undirected" }))
                .write_inner_content(|w| {
                    for n in graph.nodes() {
                        w.create_element("node")
                            .with_attribute(("id", n.id.as_str()))
                            .write_inner_content(|w| write_data(w, &node_data(n, &node_extras)))?;
                    }
                    for (ix, e) in graph.edges().iter().enumerate() {
                        let data = edge_data(graph, e, &edge_extras);
                        w.create_element("edge")
                            .with_attribute(("id", format!("e{ix}").as_str()))
                            .with_attribute(("source", graph.nodes()[e.source].id.as_str()))
                            .with_attribute(("target", graph.nodes()[e.target].id.as_str()))
                            .write_inner_content(|w| write_data(w, &data))?;
                    }
                    Ok(())
                })?;
            Ok(())
        })
        .map_err(&err)?;
    utf8(FORMAT, w.into_inner())
}

/// A node's `<data>`: label, kind, level, sector, its years when known, and its extras.
fn node_data(n: &crate::model::Node, node_extras: &[String]) -> Vec<(String, String)> {
    let mut data: Vec<(String, String)> = vec![
        ("n_label".into(), n.label.clone()),
        ("n_kind".into(), n.kind.as_str().into()),
        ("n_level".into(), n.level.as_str().into()),
        ("n_sector".into(), n.sector.as_str().into()),
    ];
    if let Some(f) = n.interval.and_then(|i| i.from) {
        data.push(("n_from".into(), f.to_string()));
    }
    if let Some(t) = n.interval.and_then(|i| i.to) {
        data.push(("n_to".into(), t.to_string()));
    }
    data.extend(extra_values("n_", node_extras, &n.attributes));
    data
}

/// An edge's `<data>`: kind, weight, years and spells when known, statements, undated, extras.
fn edge_data(
    graph: &GovernanceGraph,
    e: &crate::model::Edge,
    edge_extras: &[String],
) -> Vec<(String, String)> {
    let mut data: Vec<(String, String)> = vec![
        ("e_kind".into(), e.kind.as_str().into()),
        ("e_weight".into(), graph.weight(e).to_string()),
    ];
    if let Some(f) = e.span().and_then(|i| i.from) {
        data.push(("e_from".into(), f.to_string()));
    }
    if let Some(t) = e.span().and_then(|i| i.to) {
        data.push(("e_to".into(), t.to_string()));
    }
    if !e.spells.is_empty() {
        data.push(("e_spells".into(), spells_text(&e.spells)));
    }
    data.push(("e_statements".into(), e.statements.len().to_string()));
    data.push(("e_undated".into(), e.undated.to_string()));
    data.extend(extra_values("e_", edge_extras, &e.attributes()));
    data
}

fn write_data(w: &mut Writer<Vec<u8>>, data: &[(String, String)]) -> std::io::Result<()> {
    for (key, value) in data {
        w.create_element("data")
            .with_attribute(("key", key.as_str()))
            .write_text_content(BytesText::new(value))?;
    }
    Ok(())
}

/// Spells as text: `from-to` per spell (an open end left empty), separated by `;`.
pub(crate) fn spells_text(spells: &[crate::model::Interval]) -> String {
    spells
        .iter()
        .map(|s| {
            format!(
                "{}-{}",
                s.from.map(|y| y.to_string()).unwrap_or_default(),
                s.to.map(|y| y.to_string()).unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join(";")
}
