//! `mlgov graph centrality|communities|brokerage|export`: the governance graph of the knowledge
//! base (built by `mlgov_analysis::graph`) analysed with `mlgov-graph`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::ctx::{CliError, Ctx};
use crate::output::table;
use mlgov_analysis::graph::mlgov_graph::{
    self as mg, BrokerageConfig, CentralityConfig, Direction, EdgeKind, ExportConfig, FocusSpec, GexfVersion,
    GovernanceGraph, LouvainConfig, NodeSelection, PartitionBy, ProjectionSpec, SubgraphSpec,
};
use mlgov_analysis::graph::{GraphOptions, governance_graph, locality_focus};
use mlgov_domain::IdKind;
use serde_json::json;

/// Options shared by every graph command.
#[derive(clap::Args, Debug, Clone)]
pub struct GraphFilter {
    /// Snapshot at this year (edges whose interval contains it, and their nodes).
    #[arg(long)]
    pub year: Option<i32>,
    /// Keep only these edge kinds (comma-separated: membership, affiliation, partnership,
    /// funding, interaction, or a relation name such as supports).
    #[arg(long, value_delimiter = ',')]
    pub edge_kinds: Vec<String>,
    /// Keep `opposes` relations as edges.
    #[arg(long)]
    pub include_opposition: bool,
    /// Add `interaction` edges (locality → survey actor category, weighted by mean frequency)
    /// from this imported survey (`mlgov survey import` / `synth`).
    #[arg(long)]
    pub survey: Option<String>,
    /// Survey period for the interaction edges (an id such as p2; default: the latest).
    #[arg(long)]
    pub period: Option<String>,
}

/// Which one-mode projection to analyse instead of the full graph.
#[derive(clap::ValueEnum, Debug, Clone, Copy)]
pub enum Projection {
    /// Locality–locality, weighted by shared networks.
    Localities,
    /// Network–network, weighted by shared members.
    Networks,
}

/// Sort key of the centrality table.
#[derive(clap::ValueEnum, Debug, Clone, Copy)]
pub enum SortKey {
    Degree,
    Strength,
    Betweenness,
    Closeness,
    Eigenvector,
}

/// Partition for brokerage roles.
#[derive(clap::ValueEnum, Debug, Clone, Copy)]
pub enum Partition {
    Level,
    Sector,
    Kind,
}

/// Export formats.
#[derive(clap::ValueEnum, Debug, Clone, Copy)]
pub enum Format {
    Graphml,
    Gexf,
}

/// GEXF versions.
#[derive(clap::ValueEnum, Debug, Clone, Copy)]
pub enum GexfVer {
    #[value(name = "1.3")]
    V13,
    #[value(name = "1.2")]
    V12,
}

#[derive(clap::Subcommand, Debug)]
pub enum GraphCommand {
    /// Degree, strength, betweenness, closeness and eigenvector centrality.
    Centrality {
        #[command(flatten)]
        filter: GraphFilter,
        /// Analyse a one-mode projection instead of the full graph.
        #[arg(long, value_enum)]
        projection: Option<Projection>,
        /// Sort by this measure (descending).
        #[arg(long, value_enum, default_value = "betweenness")]
        sort: SortKey,
        /// Rows shown (all with 0).
        #[arg(long, default_value_t = 20)]
        top: usize,
    },
    /// Louvain communities (seeded) and connected components.
    Communities {
        #[command(flatten)]
        filter: GraphFilter,
        /// Analyse a one-mode projection instead of the full graph.
        #[arg(long, value_enum)]
        projection: Option<Projection>,
        /// Seed of the node visiting order.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Modularity resolution.
        #[arg(long, default_value_t = 1.0)]
        resolution: f64,
    },
    /// Gould–Fernandez brokerage roles; with --locality, the boundary spanners around it.
    Brokerage {
        #[command(flatten)]
        filter: GraphFilter,
        /// Report the boundary spanners around this locality and its officials.
        #[arg(long)]
        locality: Option<String>,
        /// Groups for the role classification (ignored with --locality, which reports both).
        #[arg(long, value_enum, default_value = "sector")]
        partition: Partition,
        /// Read edges as directed (source → target).
        #[arg(long)]
        directed: bool,
        /// Rows shown (all with 0).
        #[arg(long, default_value_t = 20)]
        top: usize,
    },
    /// Write the graph as GraphML or GEXF (dynamic, with time intervals).
    Export {
        #[command(flatten)]
        filter: GraphFilter,
        /// Output format.
        #[arg(long, value_enum, default_value = "gexf")]
        format: Format,
        /// GEXF version.
        #[arg(long, value_enum, default_value = "1.3")]
        gexf_version: GexfVer,
        /// Output file (stdout when absent).
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
}

pub fn run(cmd: &GraphCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        GraphCommand::Centrality { filter, projection, sort, top } => centrality(ctx, filter, *projection, *sort, *top),
        GraphCommand::Communities { filter, projection, seed, resolution } => {
            communities(ctx, filter, *projection, *seed, *resolution)
        }
        GraphCommand::Brokerage { filter, locality, partition, directed, top } => {
            brokerage(ctx, filter, locality.as_deref(), *partition, *directed, *top)
        }
        GraphCommand::Export { filter, format, gexf_version, out } => export(ctx, filter, *format, *gexf_version, out),
    }
}

fn edge_kind(s: &str) -> EdgeKind {
    match s.trim() {
        "membership" => EdgeKind::Membership,
        "affiliation" => EdgeKind::Affiliation,
        "partnership" => EdgeKind::Partnership,
        "funding" => EdgeKind::Funding,
        "interaction" => EdgeKind::Interaction,
        "shared_membership" => EdgeKind::SharedMembership,
        other => EdgeKind::Other(other.to_string()),
    }
}

/// Loads the knowledge base, builds the graph and applies the filter and projection.
fn load(ctx: &Ctx, filter: &GraphFilter, projection: Option<Projection>) -> Result<(mlgov_domain::KnowledgeBase, GovernanceGraph, usize), CliError> {
    let kb = ctx.load_kb()?;
    let mut built = governance_graph(&kb, &GraphOptions { include_opposition: filter.include_opposition });
    if let Some(name) = &filter.survey {
        let l = crate::cmd::survey::load_survey(ctx, name)?;
        let period = match &filter.period {
            Some(p) => l.ins.periods.iter().position(|x| &x.id == p).ok_or_else(|| CliError::Usage(format!("unknown period {p:?}; expected one of: {}", l.ins.periods.iter().map(|x| x.id.as_str()).collect::<Vec<_>>().join(", "))))?,
            None => l.ins.periods.len().saturating_sub(1),
        };
        let n = mlgov_analysis::graph::add_survey_interactions(&mut built.graph, &l.ds, &l.ins, period);
        if !ctx.json {
            eprintln!("added {n} survey interaction edges from {name:?}{}", if l.ds.synthetic { " (SYNTHETIC survey)" } else { "" });
        }
    }
    let spec = SubgraphSpec {
        year: filter.year,
        edge_kinds: if filter.edge_kinds.is_empty() {
            None
        } else {
            Some(filter.edge_kinds.iter().map(|s| edge_kind(s)).collect::<BTreeSet<_>>())
        },
        node_kinds: None,
        nodes: if filter.year.is_some() { NodeSelection::Incident } else { NodeSelection::All },
    };
    let mut g = mg::subgraph(&built.graph, &spec);
    if let Some(p) = projection {
        let spec = match p {
            Projection::Localities => ProjectionSpec::localities_by_networks(filter.year),
            Projection::Networks => ProjectionSpec::networks_by_members(filter.year),
        };
        g = mg::project(&g, &spec);
    }
    Ok((kb, g, built.skipped.len()))
}

fn f3(x: f64) -> String {
    format!("{x:.3}")
}

fn centrality(ctx: &Ctx, filter: &GraphFilter, projection: Option<Projection>, sort: SortKey, top: usize) -> Result<(), CliError> {
    let (_, g, skipped) = load(ctx, filter, projection)?;
    let report = mg::centralities(&g, &CentralityConfig::default());
    let mut rows = report.rows.clone();
    let key = |r: &mg::CentralityRow| match sort {
        SortKey::Degree => r.degree as f64,
        SortKey::Strength => r.strength,
        SortKey::Betweenness => r.betweenness,
        SortKey::Closeness => r.closeness,
        SortKey::Eigenvector => r.eigenvector.unwrap_or(0.0),
    };
    rows.sort_by(|a, b| key(b).total_cmp(&key(a)).then_with(|| a.id.cmp(&b.id)));
    let shown = if top == 0 { rows.len() } else { top.min(rows.len()) };
    let value = json!({
        "year": filter.year, "nodes": g.node_count(), "edges": g.edge_count(), "skipped_statements": skipped,
        "eigenvector_converged": report.eigenvector_converged, "rows": &rows[..shown],
    });
    ctx.emit(&value, || {
        let body: Vec<Vec<String>> = rows[..shown]
            .iter()
            .map(|r| {
                vec![
                    r.label.clone(),
                    r.kind.as_str().to_string(),
                    r.degree.to_string(),
                    format!("{:.1}", r.strength),
                    f3(r.betweenness_normalized),
                    f3(r.closeness),
                    r.eigenvector.map(f3).unwrap_or_else(|| "n/a".into()),
                ]
            })
            .collect();
        format!(
            "Governance graph{}: {} nodes, {} edges\n{}",
            filter.year.map(|y| format!(" in {y}")).unwrap_or_default(),
            g.node_count(),
            g.edge_count(),
            table(&["actor", "kind", "degree", "strength", "betweenness", "closeness", "eigenvector"], &body)
        )
    });
    Ok(())
}

fn communities(ctx: &Ctx, filter: &GraphFilter, projection: Option<Projection>, seed: u64, resolution: f64) -> Result<(), CliError> {
    let (_, g, _) = load(ctx, filter, projection)?;
    let c = mg::louvain(&g, &LouvainConfig { seed, resolution });
    let comps = mg::connected_components(&g);
    let mut groups: Vec<Vec<&str>> = vec![Vec::new(); c.count];
    for (i, n) in g.nodes().iter().enumerate() {
        groups[c.community[i]].push(n.label.as_str());
    }
    let value = json!({
        "seed": seed, "resolution": resolution, "modularity": c.modularity, "levels": c.levels,
        "communities": groups, "components": comps.sizes,
        "membership": g.nodes().iter().enumerate().map(|(i, n)| json!({"id": n.id, "community": c.community[i], "component": comps.component[i]})).collect::<Vec<_>>(),
    });
    ctx.emit(&value, || {
        let mut order: Vec<usize> = (0..groups.len()).collect();
        order.sort_by_key(|&k| std::cmp::Reverse(groups[k].len()));
        let body: Vec<Vec<String>> = order
            .iter()
            .filter(|&&k| groups[k].len() > 1)
            .map(|&k| vec![k.to_string(), groups[k].len().to_string(), groups[k].join(", ")])
            .collect();
        format!(
            "Louvain (seed {seed}, resolution {resolution}): {} communities, modularity {:.3}; {} connected components (largest {})\n{}",
            c.count,
            c.modularity,
            comps.sizes.len(),
            comps.sizes.first().copied().unwrap_or(0),
            table(&["community", "size", "members"], &body)
        )
    });
    Ok(())
}

fn roles(r: &mg::RoleCounts) -> String {
    format!("{}/{}/{}/{}/{}", r.coordinator, r.itinerant, r.gatekeeper, r.representative, r.liaison)
}

fn brokerage(
    ctx: &Ctx,
    filter: &GraphFilter,
    locality: Option<&str>,
    partition: Partition,
    directed: bool,
    top: usize,
) -> Result<(), CliError> {
    let (kb, g, _) = load(ctx, filter, None)?;
    if let Some(name) = locality {
        let id = ctx.resolve(&kb, name, &[IdKind::Locality])?;
        let focal: Vec<String> = locality_focus(&kb, &id).into_iter().filter(|f| g.node_index(f).is_some()).collect();
        if focal.is_empty() {
            return Err(CliError::Data(format!("{} has no node in the graph{}", kb.display_name(&id), filter.year.map(|y| format!(" in {y}")).unwrap_or_default())));
        }
        let report = mg::focus_report(&g, &FocusSpec::new(focal)).map_err(|e| CliError::Data(e.to_string()))?;
        let label = kb.display_name(&id);
        ctx.emit(&json!({"locality": id.to_string(), "name": label, "year": filter.year, "report": report}), || {
            let body: Vec<Vec<String>> = report
                .rows
                .iter()
                .map(|r| {
                    vec![
                        r.label.clone(),
                        format!("{} {}/{}", r.kind.as_str(), r.level.as_str(), r.sector.as_str()),
                        if r.is_boundary_spanner() { "yes".into() } else { String::new() },
                        r.public_nonpublic_pairs.to_string(),
                        r.local_international_pairs.to_string(),
                        roles(&r.sector_roles),
                        roles(&r.level_roles),
                    ]
                })
                .collect();
            let verdict = if report.boundary_spanners.is_empty() {
                format!("No boundary spanner around {label}: nobody connects both public with non-public actors and the local with the international sphere.")
            } else {
                let names: Vec<&str> = report.rows.iter().filter(|r| r.is_boundary_spanner()).map(|r| r.label.as_str()).collect();
                format!("Boundary spanners (network professionals) around {label}: {}.", names.join(", "))
            };
            format!(
                "{verdict}\n{} candidates (persons and organisations among {label}, its officials and their ties)\n{}roles: coordinator/itinerant/gatekeeper/representative/liaison\n",
                report.candidates,
                table(&["actor", "kind level/sector", "spanner", "pub-nonpub", "local-intl", "roles by sector", "roles by level"], &body)
            )
        });
        return Ok(());
    }
    let partition = match partition {
        Partition::Level => PartitionBy::Level,
        Partition::Sector => PartitionBy::Sector,
        Partition::Kind => PartitionBy::Kind,
    };
    let config = BrokerageConfig { direction: if directed { Direction::Directed } else { Direction::Undirected }, partition };
    let report = mg::brokerage(&g, &config).map_err(|e| CliError::Data(e.to_string()))?;
    let mut rows: Vec<&mg::BrokerageRow> = report.rows.iter().filter(|r| r.roles.total() > 0).collect();
    rows.sort_by(|a, b| b.roles.total().cmp(&a.roles.total()).then_with(|| a.id.cmp(&b.id)));
    let shown = if top == 0 { rows.len() } else { top.min(rows.len()) };
    ctx.emit(
        &json!({"partition": report.partition, "direction": report.direction, "open_two_paths": report.open_two_paths, "rows": &rows[..shown]}),
        || {
            let body: Vec<Vec<String>> = rows[..shown]
                .iter()
                .map(|r| {
                    let c = r.roles;
                    vec![r.label.clone(), r.group.clone(), c.coordinator.to_string(), c.itinerant.to_string(), c.gatekeeper.to_string(), c.representative.to_string(), c.liaison.to_string(), c.total().to_string()]
                })
                .collect();
            format!(
                "Gould–Fernandez brokerage by {} ({}): {} brokered two-paths\n{}",
                report.partition,
                if directed { "directed" } else { "undirected: each open triad counted in both directions" },
                report.open_two_paths,
                table(&["actor", "group", "coordinator", "itinerant", "gatekeeper", "representative", "liaison", "total"], &body)
            )
        },
    );
    Ok(())
}

fn export(ctx: &Ctx, filter: &GraphFilter, format: Format, version: GexfVer, out: &Option<PathBuf>) -> Result<(), CliError> {
    let (_, g, _) = load(ctx, filter, None)?;
    let config = ExportConfig {
        directed: false,
        gexf_version: match version {
            GexfVer::V13 => GexfVersion::V1_3,
            GexfVer::V12 => GexfVersion::V1_2Draft,
        },
    };
    let (name, text) = match format {
        Format::Graphml => ("graphml", mg::to_graphml(&g, &config)),
        Format::Gexf => ("gexf", mg::to_gexf(&g, &config)),
    };
    let text = text.map_err(|e| CliError::Other(anyhow::anyhow!(e.to_string())))?;
    match out {
        Some(path) => {
            std::fs::write(path, &text).map_err(|e| CliError::Data(format!("cannot write {}: {e}", path.display())))?;
            ctx.emit(&json!({"format": name, "nodes": g.node_count(), "edges": g.edge_count(), "path": path}), || {
                format!("wrote {} ({} nodes, {} edges) to {}", name, g.node_count(), g.edge_count(), path.display())
            });
        }
        None if ctx.json => {
            ctx.emit(&json!({"format": name, "nodes": g.node_count(), "edges": g.edge_count(), "document": text}), String::new);
        }
        None => print!("{text}"),
    }
    Ok(())
}
