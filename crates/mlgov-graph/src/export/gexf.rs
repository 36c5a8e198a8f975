//! GEXF writer (GEXF 1.3 by default, 1.2draft on request), static or dynamic: with any time
//! interval present the graph is `mode="dynamic"` with `timerepresentation="interval"` and
//! `timeformat="integer"` (years), or `timeformat="date"` (ISO dates, full dates where the sources
//! give a month or a day, 1 January / 31 December of a year otherwise) as soon as one statement
//! gives more than a year. Each tie (one edge per pair and layer) that holds during one period
//! carries `start` / `end`, one holding during several periods a `<spells>` list (inclusive,
//! absent end = open), which Gephi's timeline reads; nodes carry their own period (a network's
//! founding) or else the spells of their ties when all are dated. `statements` counts the
//! statements behind the tie and `undated` flags a tie no statement dates.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use serde::{Deserialize, Serialize};

use super::{ExportConfig, extra_keys, extra_name, extra_values, io_error, utf8};
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
            GexfVersion::V1_2Draft => {
                "http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd"
            }
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
    let dynamic = graph.nodes().iter().any(|n| has_bound(n.interval))
        || graph.edges().iter().any(|e| !e.spells.is_empty());
    let clock = Clock::of(graph);
    let edge_spells: Vec<Vec<Interval>> =
        graph.edges().iter().map(|e| clock.edge_spells(e)).collect();
    let node_spells = clock.node_spells(graph, &edge_spells);
    let mut node_attrs: Vec<(String, String)> =
        ["kind", "level", "sector"].iter().map(|s| (format!("n_{s}"), s.to_string())).collect();
    node_attrs
        .extend(node_extras.iter().enumerate().map(|(i, k)| (format!("n_x{i}"), extra_name(k))));
    let mut edge_attrs: Vec<(String, String)> = vec![
        ("e_kind".into(), "kind".into()),
        ("e_statements".into(), "statements".into()),
        ("e_undated".into(), "undated".into()),
        ("e_running".into(), "running".into()),
    ];
    edge_attrs
        .extend(edge_extras.iter().enumerate().map(|(i, k)| (format!("e_x{i}"), extra_name(k))));

    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None))).map_err(&err)?;
    w.create_element("gexf")
        .with_attribute(("xmlns", version.namespace()))
        .with_attribute(("xmlns:xsi", "http://www.w3.org/2001/XMLSchema-instance"))
        .with_attribute(("xsi:schemaLocation", version.schema()))
        .with_attribute(("version", version.version()))
        .write_inner_content(|w| {
            write_meta(w)?;
            let mut g = w
                .create_element("graph")
                .with_attribute(("mode", if dynamic { "dynamic" } else { "static" }))
                .with_attribute((
                    "defaultedgetype",
                    if config.directed { "directed" } else { "undirected" },
                ));
            if dynamic {
                g = g.with_attribute(("timeformat", if clock.dates { "date" } else { "integer" }));
                if version == GexfVersion::V1_3 {
                    g = g.with_attribute(("timerepresentation", "interval"));
                }
            }
            g.write_inner_content(|w| {
                write_declarations(w, "node", &node_attrs)?;
                write_declarations(w, "edge", &edge_attrs)?;
                let parts = Parts { graph, node_extras: &node_extras, edge_extras: &edge_extras };
                let presence = Presence { nodes: &node_spells, edges: &edge_spells, clock: &clock };
                write_nodes(w, &parts, &presence)?;
                write_edges(w, &parts, &presence)
            })?;
            Ok(())
        })
        .map_err(&err)?;
    utf8(FORMAT, w.into_inner())
}

fn write_meta(w: &mut Writer<Vec<u8>>) -> std::io::Result<()> {
    w.create_element("meta").write_inner_content(|w| {
        w.create_element("creator").write_text_content(BytesText::new("mlgov"))?;
        w.create_element("description").write_text_content(BytesText::new(
            "multilevel governance graph of migration policy actors",
        ))?;
        Ok(())
    })?;
    Ok(())
}

/// What the document shows: the graph and the extra attributes of its nodes and edges.
struct Parts<'a> {
    graph: &'a GovernanceGraph,
    node_extras: &'a [String],
    edge_extras: &'a [String],
}

/// When the nodes and edges are present: their spells, and the clock that writes them.
struct Presence<'a> {
    nodes: &'a [Vec<Interval>],
    edges: &'a [Vec<Interval>],
    clock: &'a Clock,
}

/// The `<nodes>`: kind, level, sector and extras as values. A node's presence: its own period
/// when the sources give one (a network's founding), else the union of its ties' spells when all
/// are dated.
fn write_nodes(w: &mut Writer<Vec<u8>>, parts: &Parts, at: &Presence) -> std::io::Result<()> {
    let graph = parts.graph;
    w.create_element("nodes").write_inner_content(|w| {
        for (ni, n) in graph.nodes().iter().enumerate() {
            let mut values: Vec<(String, String)> = vec![
                ("n_kind".into(), n.kind.as_str().into()),
                ("n_level".into(), n.level.as_str().into()),
                ("n_sector".into(), n.sector.as_str().into()),
            ];
            values.extend(extra_values("n_", parts.node_extras, &n.attributes));
            let el = w
                .create_element("node")
                .with_attribute(("id", n.id.as_str()))
                .with_attribute(("label", n.label.as_str()));
            write_with_spells(el, &values, &at.nodes[ni], at.clock)?;
        }
        Ok(())
    })?;
    Ok(())
}

/// The `<edges>`: kind, statements, undated, running and extras as values, the layer's weight,
/// and the tie's spells.
fn write_edges(w: &mut Writer<Vec<u8>>, parts: &Parts, at: &Presence) -> std::io::Result<()> {
    let graph = parts.graph;
    w.create_element("edges").write_inner_content(|w| {
        for (ix, e) in graph.edges().iter().enumerate() {
            let running = e.spells.last().is_some_and(|s| s.to.is_none());
            let mut values: Vec<(String, String)> = vec![
                ("e_kind".into(), e.kind.as_str().into()),
                ("e_statements".into(), e.statements.len().to_string()),
                ("e_undated".into(), e.undated.to_string()),
                ("e_running".into(), running.to_string()),
            ];
            values.extend(extra_values("e_", parts.edge_extras, &e.attributes()));
            let weight = graph.weight(e).to_string();
            let el = w
                .create_element("edge")
                .with_attribute(("id", format!("e{ix}").as_str()))
                .with_attribute(("source", graph.nodes()[e.source].id.as_str()))
                .with_attribute(("target", graph.nodes()[e.target].id.as_str()))
                .with_attribute(("label", e.kind.as_str()))
                .with_attribute(("weight", weight.as_str()));
            write_with_spells(el, &values, &at.edges[ix], at.clock)?;
        }
        Ok(())
    })?;
    Ok(())
}

/// Writes a node or edge element with its values and its presence: one spell as `start` / `end`
/// on the element (every reader takes these, open ends omitted), several as a `<spells>` list.
fn write_with_spells(
    el: quick_xml::writer::ElementWriter<'_, Vec<u8>>,
    values: &[(String, String)],
    spells: &[Interval],
    clock: &Clock,
) -> std::io::Result<()> {
    let single = if spells.len() == 1 { clock.bounds(spells[0]) } else { (None, None) };
    let el = match &single.0 {
        Some(s) => el.with_attribute(("start", s.as_str())),
        None => el,
    };
    let el = match &single.1 {
        Some(s) => el.with_attribute(("end", s.as_str())),
        None => el,
    };
    el.write_inner_content(|w| {
        write_values(w, values)?;
        if spells.len() > 1 { write_spells(w, spells, clock) } else { Ok(()) }
    })?;
    Ok(())
}

fn has_bound(interval: Option<Interval>) -> bool {
    interval.is_some_and(|i| i.from.is_some() || i.to.is_some())
}

/// The time unit of a document: years (`timeformat="integer"`), or dates (`timeformat="date"`)
/// when some statement gives a month or a day. Spells are [`Interval`]s in that unit: a year, or a
/// date as the number `yyyymmdd` (ordered like the date; no calendar arithmetic needed — spells
/// that touch across a month's end stay two, which readers treat alike).
struct Clock {
    dates: bool,
    /// The latest time the data name, in the unit (the end of a running spell in `<spells>`).
    horizon: Option<i32>,
}

/// `2015-03-01` as 20150301.
fn date_number(s: &str) -> Option<i32> {
    let mut it = s.split('-');
    let (y, m, d): (i32, i32, i32) =
        (it.next()?.parse().ok()?, it.next()?.parse().ok()?, it.next()?.parse().ok()?);
    Some(y * 10_000 + m * 100 + d)
}

impl Clock {
    fn of(graph: &GovernanceGraph) -> Clock {
        let dates = graph
            .edges()
            .iter()
            .any(|e| e.statements.iter().any(|s| s.dates.as_ref().is_some_and(|d| d.precise)));
        let horizon = if dates { graph.horizon.map(|y| y * 10_000 + 1231) } else { graph.horizon };
        Clock { dates, horizon }
    }

    /// A year interval in the unit: 1 January of its first year to 31 December of its last.
    fn years(&self, i: Interval) -> Interval {
        if !self.dates {
            return i;
        }
        Interval { from: i.from.map(|y| y * 10_000 + 101), to: i.to.map(|y| y * 10_000 + 1231) }
    }

    fn edge_spells(&self, e: &crate::model::Edge) -> Vec<Interval> {
        if !self.dates {
            return e.spells.clone();
        }
        let spells = e
            .statements
            .iter()
            .filter_map(|s| {
                let years = self.years(s.interval?);
                let days = s.dates.as_ref();
                Some(Interval {
                    from: days.and_then(|d| d.from.as_deref()).and_then(date_number).or(years.from),
                    to: days.and_then(|d| d.to.as_deref()).and_then(date_number).or(years.to),
                })
            })
            .collect();
        crate::model::merge_spells(spells)
    }

    fn node_spells(
        &self,
        graph: &GovernanceGraph,
        edge_spells: &[Vec<Interval>],
    ) -> Vec<Vec<Interval>> {
        let n = graph.nodes().len();
        let mut always = vec![false; n];
        let mut tied: Vec<Vec<Interval>> = vec![Vec::new(); n];
        for (e, spells) in graph.edges().iter().zip(edge_spells) {
            for v in [e.source, e.target] {
                if spells.is_empty() {
                    always[v] = true;
                } else {
                    tied[v].extend(spells.iter().copied());
                }
            }
        }
        graph
            .nodes()
            .iter()
            .enumerate()
            .map(|(i, node)| match node.interval {
                Some(iv) if iv.from.is_some() || iv.to.is_some() => vec![self.years(iv)],
                _ if always[i] || tied[i].is_empty() => Vec::new(),
                _ => crate::model::merge_spells(std::mem::take(&mut tied[i])),
            })
            .collect()
    }

    fn fmt(&self, t: i32) -> String {
        if self.dates {
            format!("{:04}-{:02}-{:02}", t / 10_000, t / 100 % 100, t % 100)
        } else {
            t.to_string()
        }
    }

    fn bounds(&self, i: Interval) -> (Option<String>, Option<String>) {
        (i.from.map(|t| self.fmt(t)), i.to.map(|t| self.fmt(t)))
    }
}

/// Spells as a GEXF `<spells>` element (inclusive ends). Readers such as networkx need both ends
/// of a spell, so a still-running last spell ends at the horizon (the latest time the data name;
/// an edge's `running` attribute says so) and a spell with an unknown start starts at its end.
fn write_spells(
    w: &mut Writer<Vec<u8>>,
    spells: &[Interval],
    clock: &Clock,
) -> std::io::Result<()> {
    if spells.is_empty() {
        return Ok(());
    }
    w.create_element("spells").write_inner_content(|w| {
        for s in spells {
            let to = s.to.or(clock.horizon.map(|h| h.max(s.from.unwrap_or(h))));
            let from = s.from.or(to);
            let (start, end) = clock.bounds(Interval { from, to });
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

fn write_declarations(
    w: &mut Writer<Vec<u8>>,
    class: &str,
    attrs: &[(String, String)],
) -> std::io::Result<()> {
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
