//! GEXF writer (GEXF 1.3 by default, 1.2draft on request), static or dynamic: with any time
//! interval present the graph is `mode="dynamic"` with `timeformat="integer"` and
//! `timerepresentation="interval"`; nodes carry `start` / `end` years and so does each tie (one
//! edge per pair and layer) that holds during one period; a tie holding during several periods
//! carries a `<spells>` list of them (inclusive years, absent end = open), which Gephi's
//! timeline reads; `statements` counts the statements behind the tie and
//! `undated` flags a tie no statement dates.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use serde::{Deserialize, Serialize};

use super::{ExportConfig, extra_keys, extra_name, io_error, utf8};
use crate::error::GraphError;
use crate::model::{GovernanceGraph, Interval};

const FORMAT: &str = "GEXF";

/// Which GEXF schema to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GexfVersion {
    /// GEXF 1.3 (namespace `http://gexf.net/1.3`), current Gephi.
    #[default]
    V1_3,
    /// GEXF 1.2draft (namespace `http://www.gexf.net/1.2draft`), for older readers.
    V1_2Draft,
}

impl GexfVersion {
    fn namespace(self) -> &'static str {
        match self {
            GexfVersion::V1_3 => "http://gexf.net/1.3",
            GexfVersion::V1_2Draft => "http://www.gexf.net/1.2draft",
        }
    }

    fn version(self) -> &'static str {
        match self {
            GexfVersion::V1_3 => "1.3",
            GexfVersion::V1_2Draft => "1.2",
        }
    }

    fn schema(self) -> &'static str {
        match self {
            GexfVersion::V1_3 => "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd",
            GexfVersion::V1_2Draft => "http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd",
        }
    }
}

/// The graph as a GEXF document.
///
/// Declared attributes (`<attributes mode="static">`): nodes `kind`, `level`, `sector` and
/// one string per extra attribute; edges `kind` and extras. The node label is the GEXF
/// `label`, the edge weight the GEXF `weight`. Edge ids are `e<index>`.
///
/// # Errors
/// [`GraphError::Export`] only on an internal writer failure.
pub fn to_gexf(graph: &GovernanceGraph, config: &ExportConfig) -> Result<String, GraphError> {
    let err = io_error(FORMAT);
    let version = config.gexf_version;
    let (node_extras, edge_extras) = extra_keys(graph);
    let dynamic = graph.nodes().iter().any(|n| has_bound(n.interval)) || graph.edges().iter().any(|e| !e.spells.is_empty());
    let mut node_attrs: Vec<(String, String)> =
        ["kind", "level", "sector"].iter().map(|s| (format!("n_{s}"), s.to_string())).collect();
    node_attrs.extend(node_extras.iter().enumerate().map(|(i, k)| (format!("n_x{i}"), extra_name(k))));
    let mut edge_attrs: Vec<(String, String)> = vec![
        ("e_kind".into(), "kind".into()),
        ("e_statements".into(), "statements".into()),
        ("e_undated".into(), "undated".into()),
        ("e_running".into(), "running".into()),
    ];
    edge_attrs.extend(edge_extras.iter().enumerate().map(|(i, k)| (format!("e_x{i}"), extra_name(k))));

    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None))).map_err(&err)?;
    w.create_element("gexf")
        .with_attribute(("xmlns", version.namespace()))
        .with_attribute(("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"))
        .with_attribute(("xsi:schemaLocation", version.schema()))
        .with_attribute(("version", version.version()))
        .write_inner_content(|w| {
            w.create_element("meta").write_inner_content(|w| {
                w.create_element("creator").write_text_content(BytesText::new("mlgov"))?;
                w.create_element("description")
                    .write_text_content(BytesText::new("multilevel governance graph of migration policy actors"))?;
                Ok(())
            })?;
            let mut g = w
                .create_element("graph")
                .with_attribute(("mode", if dynamic { "dynamic" } else { "static" }))
                .with_attribute(("defaultedgetype", if config.directed { "directed" } else { "undirected" }));
            if dynamic {
                g = g.with_attribute(("timeformat", "integer"));
                if version == GexfVersion::V1_3 {
                    g = g.with_attribute(("timerepresentation", "interval"));
                }
            }
            g.write_inner_content(|w| {
                write_declarations(w, "node", &node_attrs)?;
                write_declarations(w, "edge", &edge_attrs)?;
                w.create_element("nodes").write_inner_content(|w| {
                    for n in graph.nodes() {
                        let mut values: Vec<(String, String)> = vec![
                            ("n_kind".into(), n.kind.as_str().into()),
                            ("n_level".into(), n.level.as_str().into()),
                            ("n_sector".into(), n.sector.as_str().into()),
                        ];
                        for (i, k) in node_extras.iter().enumerate() {
                            if let Some(v) = n.attributes.get(k) {
                                values.push((format!("n_x{i}"), v.clone()));
                            }
                        }
                        let el = w
                            .create_element("node")
                            .with_attribute(("id", n.id.as_str()))
                            .with_attribute(("label", n.label.as_str()));
                        let (start, end) = bounds(n.interval);
                        let el = match &start {
                            Some(s) => el.with_attribute(("start", s.as_str())),
                            None => el,
                        };
                        let el = match &end {
                            Some(s) => el.with_attribute(("end", s.as_str())),
                            None => el,
                        };
                        el.write_inner_content(|w| write_values(w, &values))?;
                    }
                    Ok(())
                })?;
                w.create_element("edges").write_inner_content(|w| {
                    for (ix, e) in graph.edges().iter().enumerate() {
                        let mut values: Vec<(String, String)> = vec![
                            ("e_kind".into(), e.kind.as_str().into()),
                            ("e_statements".into(), e.statements.len().to_string()),
                            ("e_undated".into(), e.undated.to_string()),
                            ("e_running".into(), e.spells.last().is_some_and(|s| s.to.is_none()).to_string()),
                        ];
                        let attributes = e.attributes();
                        for (i, k) in edge_extras.iter().enumerate() {
                            if let Some(v) = attributes.get(k) {
                                values.push((format!("e_x{i}"), v.clone()));
                            }
                        }
                        let weight = graph.weight(e).to_string();
                        let el = w
                            .create_element("edge")
                            .with_attribute(("id", format!("e{ix}").as_str()))
                            .with_attribute(("source", graph.nodes()[e.source].id.as_str()))
                            .with_attribute(("target", graph.nodes()[e.target].id.as_str()))
                            .with_attribute(("label", e.kind.as_str()))
                            .with_attribute(("weight", weight.as_str()));
                        // One spell: `start` / `end` on the edge (every reader takes these,
                        // open ends omitted); several: a `<spells>` list.
                        let single = if e.spells.len() == 1 { bounds(Some(e.spells[0])) } else { (None, None) };
                        let el = match &single.0 {
                            Some(x) => el.with_attribute(("start", x.as_str())),
                            None => el,
                        };
                        let el = match &single.1 {
                            Some(x) => el.with_attribute(("end", x.as_str())),
                            None => el,
                        };
                        el.write_inner_content(|w| {
                            write_values(w, &values)?;
                            if e.spells.len() > 1 { write_spells(w, &e.spells, graph.horizon) } else { Ok(()) }
                        })?;
                    }
                    Ok(())
                })?;
                Ok(())
            })?;
            Ok(())
        })
        .map_err(&err)?;
    utf8(FORMAT, w.into_inner())
}

fn has_bound(interval: Option<Interval>) -> bool {
    interval.is_some_and(|i| i.from.is_some() || i.to.is_some())
}

fn bounds(interval: Option<Interval>) -> (Option<String>, Option<String>) {
    match interval {
        Some(i) => (i.from.map(|y| y.to_string()), i.to.map(|y| y.to_string())),
        None => (None, None),
    }
}

/// The tie's spells as a GEXF `<spells>` element (start / end years inclusive). Readers such as
/// networkx need both ends of a spell, so a still-running last spell ends at `horizon` (the
/// latest year the data name; the edge's `running` attribute says so) and a spell with an
/// unknown start starts at its end year.
fn write_spells(w: &mut Writer<Vec<u8>>, spells: &[Interval], horizon: Option<i32>) -> std::io::Result<()> {
    if spells.is_empty() {
        return Ok(());
    }
    w.create_element("spells").write_inner_content(|w| {
        for s in spells {
            let to = s.to.or(horizon.map(|h| h.max(s.from.unwrap_or(h))));
            let from = s.from.or(to);
            let (start, end) = bounds(Some(Interval { from, to }));
            let mut el = w.create_element("spell");
            if let Some(x) = &start {
                el = el.with_attribute(("start", x.as_str()));
            }
            if let Some(x) = &end {
                el = el.with_attribute(("end", x.as_str()));
            }
            el.write_empty()?;
        }
        Ok(())
    })?;
    Ok(())
}

fn write_declarations(w: &mut Writer<Vec<u8>>, class: &str, attrs: &[(String, String)]) -> std::io::Result<()> {
    w.create_element("attributes")
        .with_attribute(("class", class))
        .with_attribute(("mode", "static"))
        .write_inner_content(|w| {
            for (id, title) in attrs {
                w.create_element("attribute")
                    .with_attribute(("id", id.as_str()))
                    .with_attribute(("title", title.as_str()))
                    .with_attribute(("type", "string"))
                    .write_empty()?;
            }
            Ok(())
        })?;
    Ok(())
}

fn write_values(w: &mut Writer<Vec<u8>>, values: &[(String, String)]) -> std::io::Result<()> {
    w.create_element("attvalues").write_inner_content(|w| {
        for (key, value) in values {
            w.create_element("attvalue")
                .with_attribute(("for", key.as_str()))
                .with_attribute(("value", value.as_str()))
                .write_empty()?;
        }
        Ok(())
    })?;
    Ok(())
}
