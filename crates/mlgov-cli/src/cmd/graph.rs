//! `mlgov graph centrality|communities|brokerage|export`: the governance graph of the knowledge
//! base (built by `mlgov_analysis::graph`: one tie per pair and layer, with spells and
//! statements) viewed as a year snapshot or over all years, on a projection or on chosen
//! layers (`mlgov_analysis::graph::GraphView`, shared with the API and the explorer), and
//! analysed with `mlgov-graph`.

use std::collections::BTreeSet;
use std::path::PathBuf;

use crate::ctx::{CliError, Ctx};
use crate::output::table;
use mlgov_analysis::graph::mlgov_graph::{
    self as mg, BrokerageConfig, CentralityConfig, Direction, EdgeKind, ExportConfig, FocusSpec,
    GexfVersion, LouvainConfig, PartitionBy, Weighting,
};
use mlgov_analysis::graph::{
    GraphOptions, GraphView, On, ViewGraph, default_year, governance_graph, locality_focus,
    view_graph,
};
use mlgov_domain::IdKind;
use serde_json::json;

/// Options shared by every graph command: which graph, at which time, weighted how.
#[derive(clap::Args, Debug, Clone)]
pub struct GraphFilter {
    /// Snapshot at this year: ties holding that year (default: the latest year the sources
    /// name).
    #[arg(long, conflicts_with = "all_years")]
    pub year: Option<i32>,
    /// All years at once; betweenness and brokerage then count only time-respecting paths
    /// (consecutive ties must hold at a common time).
    #[arg(long)]
    pub all_years: bool,
    /// The graph: `localities` (tied while they share a network), `networks` (tied while they
    /// share a member) or `layers` (the multilayer graph of every kind of actor).
    #[arg(long, value_enum)]
    pub on: Option<OnArg>,
    /// Layers kept with `--on layers` (comma-separated: membership, office, affiliation, funding,
    /// partnership, founding, coordination, hosting, support, interaction); implies `--on
    /// layers`.
    #[arg(long, value_delimiter = ',')]
    pub layers: Vec<String>,
    /// Keep ties that no statement dates, as holding every year (left out by default).
    #[arg(long)]
    pub include_undated: bool,
    /// Tie weights for strength, eigenvector and communities: none (every tie 1, the
    /// default), years (years the tie holds), statements (statements behind it), value (the
    /// data's value: interaction frequency, shared networks of a projected tie).
    #[arg(long, value_enum, default_value = "none")]
    pub weight: WeightArg,
    /// Keep `opposes` relations as an `opposition` layer.
    #[arg(long)]
    pub include_opposition: bool,
    /// Add an `interaction` layer (locality → survey actor category, valued by mean
    /// frequency) from this imported survey (`mlgov survey import` / `synth`).
    #[arg(long)]
    pub survey: Option<String>,
    /// Survey period for the interaction ties (an id such as p2; default: the latest).
    #[arg(long)]
    pub period: Option<String>,
}

/// `--on`.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnArg {
    /// Locality–locality while they share a network.
    Localities,
    /// Network–network while they share a member.
    Networks,
    /// The chosen layers, every kind of actor.
    Layers,
}

/// `--weight`.
#[derive(clap::ValueEnum, Debug, Clone, Copy)]
pub enum WeightArg {
    None,
    Years,
    Statements,
    Value,
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
    Country,
}

/// Community detection methods.
#[derive(clap::ValueEnum, Debug, Clone, Copy)]
pub enum MethodArg {
    Leiden,
    Louvain,
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
    /// Degree, strength, betweenness, closeness and eigenvector centrality (default: the
    /// locality graph in the latest year; ranks with undated ties shown beside).
    #[command(after_help = "\
Examples:
  # localities tied while they share a network, in the latest year the sources name
  mlgov graph centrality --top 10
  # networks tied while they share a member, in 2015, by degree
  mlgov graph centrality --on networks --year 2015 --sort degree
  # mayors' offices and memberships over all years (time-respecting paths)
  mlgov graph centrality --layers membership,office --all-years")]
    Centrality {
        #[command(flatten)]
        filter: GraphFilter,
        /// Sort by this measure (descending).
        #[arg(long, value_enum, default_value = "betweenness")]
        sort: SortKey,
        /// Rows shown (all with 0).
        #[arg(long, default_value_t = 20)]
        top: usize,
    },
    /// Communities (Leiden or Louvain, best of several seeds) and connected components
    /// (default: the locality graph in the latest year).
    #[command(after_help = "\
Examples:
  mlgov graph communities
  mlgov graph communities --on networks --year 2015 --method louvain
  # smaller communities, weighted by the years each tie holds
  mlgov graph communities --resolution 1.5 --weight years")]
    Communities {
        #[command(flatten)]
        filter: GraphFilter,
        /// Method: leiden (Traag et al. 2019; communities are connected) or louvain (Blondel et
        /// al. 2008).
        #[arg(long, value_enum, default_value = "leiden")]
        method: MethodArg,
        /// First seed; seeds seed, seed+1, … are tried and the best modularity kept.
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Number of seeds tried (the partition with the best modularity is kept).
        #[arg(long, default_value_t = 20)]
        runs: usize,
        /// Modularity resolution: above 1 more and smaller communities, below 1 fewer and larger.
        #[arg(long, default_value_t = 1.0)]
        resolution: f64,
    },
    /// Gould–Fernandez brokerage roles against their expected values (default: every layer,
    /// groups by level); with --locality, the boundary spanners around it.
    #[command(after_help = "\
Examples:
  # brokerage roles between levels (local, regional, national, EU, international) on every layer
  mlgov graph brokerage
  mlgov graph brokerage --partition sector --year 2018
  # who connects Turin's public and non-public, local and international actors
  mlgov graph brokerage --locality Turin")]
    Brokerage {
        #[command(flatten)]
        filter: GraphFilter,
        /// Report the boundary spanners around this locality and its officials.
        #[arg(long)]
        locality: Option<String>,
        /// Groups for the role classification (ignored with --locality, which reports both
        /// level and sector).
        #[arg(long, value_enum, default_value = "level")]
        partition: Partition,
        /// Read ties as directed (source → target): only on directed layers (funding,
        /// founding, coordination, hosting, support).
        #[arg(long)]
        directed: bool,
        /// Rows shown (all with 0).
        #[arg(long, default_value_t = 20)]
        top: usize,
    },
    /// The boundary-spanner comparison of Turin and Saint-Étienne (Caponio & Clément 2020)
    /// under each time treatment, with the paper's reading beside the computed verdicts.
    #[command(after_help = "\
Examples:
  mlgov graph spanners
  mlgov graph spanners --year 2015 --json")]
    Spanners {
        /// The year of the snapshot treatment (default 2018, the year of the paper's interviews).
        #[arg(long, default_value_t = 2018)]
        year: i32,
    },
    /// Write the graph as GraphML or GEXF: one edge per pair and layer with its spells
    /// (default: every layer, every year, undated ties included and flagged).
    #[command(after_help = "\
Examples:
  # for Gephi, with spells for its timeline
  mlgov graph export --out governance.gexf
  # for networkx, igraph or R's igraph: the locality graph of 2018
  mlgov graph export --format graphml --on localities --year 2018 --out localities-2018.graphml")]
    Export {
        #[command(flatten)]
        filter: GraphFilter,
        /// Output format: gexf (Gephi) or graphml (networkx, igraph, yEd).
        #[arg(long, value_enum, default_value = "gexf")]
        format: Format,
        /// GEXF version: 1.3, or 1.2 for older readers.
        #[arg(long, value_enum, default_value = "1.3")]
        gexf_version: GexfVer,
        /// Output file (stdout when absent).
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
}

pub fn run(cmd: &GraphCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        GraphCommand::Centrality { filter, sort, top } => centrality(ctx, filter, *sort, *top),
        GraphCommand::Communities { filter, method, seed, runs, resolution } => {
            communities(ctx, filter, *method, *seed, *runs, *resolution)
        }
        GraphCommand::Brokerage { filter, locality, partition, directed, top } => {
            brokerage(ctx, filter, locality.as_deref(), *partition, *directed, *top)
        }
        GraphCommand::Export { filter, format, gexf_version, out } => {
            export(ctx, filter, *format, *gexf_version, out)
        }
        GraphCommand::Spanners { year } => spanners(ctx, *year),
    }
}

fn spanners(ctx: &Ctx, year: i32) -> Result<(), CliError> {
    let kb = ctx.load_kb()?;
    let full = governance_graph(&kb, &GraphOptions::default()).graph;
    let c = mlgov_analysis::spanners::compare(&kb, &full, year);
    ctx.emit(&serde_json::to_value(&c).unwrap_or_default(), || {
        let mut out = format!("The paper ({}, {}): \"{}\"\n", c.source, c.locator, c.quote);
        for s in &c.settings {
            let body: Vec<Vec<String>> = s
                .cities
                .iter()
                .map(|x| {
                    vec![
                        x.name.clone(),
                        if x.paper_has_spanners {
                            "network professionals".into()
                        } else {
                            "mayor-centred, none".into()
                        },
                        if x.spanners.is_empty() { "none".into() } else { x.spanners.join(", ") },
                        x.report.candidates.to_string(),
                        if x.agrees { "agrees".into() } else { "DIFFERS".into() },
                    ]
                })
                .collect();
            out.push_str(&format!(
                "\n{} — {}\n{}",
                s.label,
                s.description,
                table(
                    &["locality", "paper", "boundary spanners found", "candidates", "verdict"],
                    &body
                )
            ));
            if !s.explanation.is_empty() {
                out.push_str(&format!("{}\n", s.explanation));
            }
        }
        out
    });
    Ok(())
}

/// The knowledge base and its full graph (with survey interactions when asked).
fn load_full(
    ctx: &Ctx,
    filter: &GraphFilter,
) -> Result<(mlgov_domain::KnowledgeBase, mg::GovernanceGraph, usize), CliError> {
    let kb = ctx.load_kb()?;
    let mut built =
        governance_graph(&kb, &GraphOptions { include_opposition: filter.include_opposition });
    if let Some(name) = &filter.survey {
        let l = crate::cmd::survey::load_survey(ctx, name)?;
        let period = match &filter.period {
            Some(p) => l.ins.periods.iter().position(|x| &x.id == p).ok_or_else(|| {
                CliError::Usage(format!(
                    "unknown period {p:?}; expected one of: {}",
                    l.ins.periods.iter().map(|x| x.id.as_str()).collect::<Vec<_>>().join(", ")
                ))
            })?,
            None => l.ins.periods.len().saturating_sub(1),
        };
        let n =
            mlgov_analysis::graph::add_survey_interactions(&mut built.graph, &l.ds, &l.ins, period);
        if !ctx.json {
            eprintln!(
                "added {n} survey interaction ties from {name:?}{}",
                if l.ds.synthetic { " (SYNTHETIC survey)" } else { "" }
            );
        }
    }
    Ok((kb, built.graph, built.skipped.len()))
}

/// The view asked for by the flags, with `default_on` when neither --on nor --layers is given.
fn view_of(
    filter: &GraphFilter,
    full: &mg::GovernanceGraph,
    default_on: On,
) -> Result<GraphView, CliError> {
    let layers = if filter.layers.is_empty() {
        None
    } else {
        Some(
            filter
                .layers
                .iter()
                .map(|s| EdgeKind::parse(s))
                .collect::<Result<BTreeSet<_>, _>>()
                .map_err(|e| CliError::Usage(e.to_string()))?,
        )
    };
    let on = match (filter.on, &layers) {
        (Some(OnArg::Localities), Some(_)) | (Some(OnArg::Networks), Some(_)) => {
            return Err(CliError::Usage(
                "--layers goes with --on layers (the projections use the membership layer)".into(),
            ));
        }
        (Some(OnArg::Localities), None) => On::Localities,
        (Some(OnArg::Networks), None) => On::Networks,
        (Some(OnArg::Layers), _) | (None, Some(_)) => On::Layers,
        (None, None) => default_on,
    };
    let year = if filter.all_years { None } else { filter.year.or_else(|| default_year(full)) };
    let weighting = match filter.weight {
        WeightArg::None => Weighting::None,
        WeightArg::Years => Weighting::Years,
        WeightArg::Statements => Weighting::Statements,
        WeightArg::Value => Weighting::Value,
    };
    Ok(GraphView { on, layers, year, include_undated: filter.include_undated, weighting })
}

/// The JSON description of a view graph.
fn describe(v: &ViewGraph) -> serde_json::Value {
    json!({
        "on": v.on.as_str(), "year": v.year, "time_respecting": v.time_respecting,
        "include_undated": v.include_undated, "undated_ties_left_out": v.undated_left_out,
        "weight": v.graph.weighting.as_str(), "nodes": v.graph.node_count(), "ties": v.graph.edge_count(),
        "statements": v.graph.statement_count(), "isolates_left_out": v.isolates, "description": v.description,
    })
}

fn heading(v: &ViewGraph) -> String {
    format!(
        "Governance graph: {}
{} nodes, {} ties ({} statements); {} without a tie left out",
        v.description,
        v.graph.node_count(),
        v.graph.edge_count(),
        v.graph.statement_count(),
        v.isolates
    )
}

fn f3(x: f64) -> String {
    format!("{x:.3}")
}

fn sort_rows(rows: &mut [mg::CentralityRow], sort: SortKey) {
    let key = |r: &mg::CentralityRow| match sort {
        SortKey::Degree => r.degree as f64,
        SortKey::Strength => r.strength,
        SortKey::Betweenness => r.betweenness,
        SortKey::Closeness => r.closeness,
        SortKey::Eigenvector => r.eigenvector.unwrap_or(0.0),
    };
    rows.sort_by(|a, b| key(b).total_cmp(&key(a)).then_with(|| a.id.cmp(&b.id)));
}

fn centrality(ctx: &Ctx, filter: &GraphFilter, sort: SortKey, top: usize) -> Result<(), CliError> {
    let (_, full, skipped) = load_full(ctx, filter)?;
    let view = view_of(filter, &full, On::Localities)?;
    let run = |view: &GraphView| {
        let v = view_graph(&full, view);
        let config =
            CentralityConfig { time_respecting: v.time_respecting, ..CentralityConfig::default() };
        let report = mg::centralities(&v.graph, &config);
        let mut rows = report.rows.clone();
        sort_rows(&mut rows, sort);
        (v, report, rows)
    };
    let (v, report, rows) = run(&view);
    // The same question with the other treatment of undated ties, for the ranks beside (the
    // same graph when the layers hold no undated tie).
    let (ov, other_rows) = if v.undated_in_layers == 0 {
        (v.clone(), rows.clone())
    } else {
        let (ov, _, other_rows) =
            run(&GraphView { include_undated: !view.include_undated, ..view.clone() });
        (ov, other_rows)
    };
    let other_rank = |id: &str| other_rows.iter().position(|r| r.id == id).map(|p| p + 1);
    let shown = if top == 0 { rows.len() } else { top.min(rows.len()) };
    let other_label = if view.include_undated { "without_undated" } else { "with_undated" };
    let value = json!({
        "graph": describe(&v), "skipped_statements": skipped,
        "eigenvector_converged": report.eigenvector_converged,
        "rows": rows[..shown].iter().map(|r| {
            let mut x = serde_json::to_value(r).unwrap_or_default();
            let o = other_rows.iter().find(|o| o.id == r.id);
            x[other_label] = json!({"rank": other_rank(&r.id), "betweenness": o.map(|o| o.betweenness), "degree": o.map(|o| o.degree)});
            x
        }).collect::<Vec<_>>(),
        other_label: {"graph": describe(&ov)},
    });
    ctx.emit(&value, || {
        let body: Vec<Vec<String>> = rows[..shown]
            .iter()
            .enumerate()
            .map(|(i, r)| {
                vec![
                    (i + 1).to_string(),
                    r.label.clone(),
                    r.kind.as_str().to_string(),
                    r.degree.to_string(),
                    format!("{:.1}", r.strength),
                    f3(r.betweenness_normalized),
                    f3(r.closeness),
                    r.eigenvector.map(f3).unwrap_or_else(|| "n/a".into()),
                    other_rank(&r.id).map(|k| k.to_string()).unwrap_or_else(|| "absent".into()),
                ]
            })
            .collect();
        let other_head = if view.include_undated { "without undated" } else { "with undated" };
        format!(
            "{}\n{}eigenvector centrality is computed within each connected component{}\n",
            heading(&v),
            table(
                &[
                    "#",
                    "actor",
                    "kind",
                    "degree",
                    "strength",
                    "betweenness",
                    "closeness",
                    "eigenvector",
                    other_head
                ],
                &body
            ),
            if v.time_respecting { "; betweenness counts time-respecting paths only" } else { "" }
        )
    });
    Ok(())
}

/// The view with the other treatment of undated ties (the same graph when it has none).
fn other_undated(full: &mg::GovernanceGraph, view: &GraphView, v: &ViewGraph) -> ViewGraph {
    if v.undated_in_layers == 0 {
        v.clone()
    } else {
        view_graph(full, &GraphView { include_undated: !view.include_undated, ..view.clone() })
    }
}

fn communities(
    ctx: &Ctx,
    filter: &GraphFilter,
    method: MethodArg,
    seed: u64,
    runs: usize,
    resolution: f64,
) -> Result<(), CliError> {
    let (_, full, _) = load_full(ctx, filter)?;
    let view = view_of(filter, &full, On::Localities)?;
    let v = view_graph(&full, &view);
    let g = &v.graph;
    let method = match method {
        MethodArg::Leiden => mg::Method::Leiden,
        MethodArg::Louvain => mg::Method::Louvain,
    };
    let adj = g.simple_adjacency();
    let best = mg::best_of(&adj, &LouvainConfig { seed, resolution }, runs.max(1), method);
    let c = &best.best;
    let comps = mg::connected_components(g);
    let mut groups: Vec<Vec<&str>> = vec![Vec::new(); c.count];
    for (i, n) in g.nodes().iter().enumerate() {
        groups[c.community[i]].push(n.label.as_str());
    }
    let (lo, hi) = modularity_range(&best);
    // The same question with the other treatment of undated ties.
    let ov = other_undated(&full, &view, &v);
    let other = if v.undated_in_layers == 0 {
        best.clone()
    } else {
        mg::best_of(
            &ov.graph.simple_adjacency(),
            &LouvainConfig { seed, resolution },
            runs.max(1),
            method,
        )
    };
    let other_label = if view.include_undated { "without_undated" } else { "with_undated" };
    let value = json!({
        other_label: {"graph": describe(&ov), "modularity": other.best.modularity, "communities": other.best.count},
        "graph": describe(&v), "method": method, "seed": best.seed, "runs": best.runs, "resolution": resolution,
        "modularity": c.modularity, "modularity_range": [lo, hi], "distinct_partitions": best.distinct_partitions,
        "levels": c.levels, "communities": groups, "components": comps.sizes,
        "membership": g.nodes().iter().enumerate().map(|(i, n)| json!({"id": n.id, "community": c.community[i], "component": comps.component[i]})).collect::<Vec<_>>(),
    });
    ctx.emit(&value, || {
        let found = Found { method, seed, resolution, best: &best, groups: &groups, comps: &comps };
        communities_text(&v, &view, &ov, &found, &other)
    });
    Ok(())
}

/// The lowest and highest modularity of the seeds tried.
fn modularity_range(best: &mg::BestOf) -> (f64, f64) {
    best.modularities
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| (a.min(x), b.max(x)))
}

/// What `mlgov graph communities` found, for its text.
struct Found<'a> {
    method: mg::Method,
    seed: u64,
    resolution: f64,
    best: &'a mg::BestOf,
    groups: &'a [Vec<&'a str>],
    comps: &'a mg::Components,
}

/// The text of `mlgov graph communities`: the communities of more than one member, and the
/// answer with the other treatment of undated ties.
fn communities_text(
    v: &ViewGraph,
    view: &GraphView,
    ov: &ViewGraph,
    f: &Found<'_>,
    other: &mg::BestOf,
) -> String {
    let (lo, hi) = modularity_range(f.best);
    let mut order: Vec<usize> = (0..f.groups.len()).collect();
    order.sort_by_key(|&k| std::cmp::Reverse(f.groups[k].len()));
    let body: Vec<Vec<String>> = order
        .iter()
        .filter(|&&k| f.groups[k].len() > 1)
        .map(|&k| vec![k.to_string(), f.groups[k].len().to_string(), f.groups[k].join(", ")])
        .collect();
    format!(
        "{}\n{} (best of {} seeds from {}, resolution {}): {} communities, modularity {:.4} (seeds ranged {:.4}–{:.4}, {} distinct partitions); {} connected components (largest {})\n{}",
        heading(v),
        match f.method {
            mg::Method::Leiden => "Leiden",
            mg::Method::Louvain => "Louvain",
        },
        f.best.runs,
        f.seed,
        f.resolution,
        f.best.best.count,
        f.best.best.modularity,
        lo,
        hi,
        f.best.distinct_partitions,
        f.comps.sizes.len(),
        f.comps.sizes.first().copied().unwrap_or(0),
        table(&["community", "size", "members"], &body)
    ) + &format!(
        "{} undated ties: {} communities, modularity {:.4} ({} nodes)\n",
        if view.include_undated { "Without" } else { "With" },
        other.best.count,
        other.best.modularity,
        ov.graph.node_count()
    )
}

fn z(s: Option<&mg::RoleStat>) -> String {
    match s {
        Some(s) => match s.z {
            Some(z) => format!("{} ({z:+.1})", s.count),
            None => s.count.to_string(),
        },
        None => String::new(),
    }
}

fn roles(r: &mg::RoleCounts) -> String {
    format!("{}/{}/{}/{}", r.coordinator, r.itinerant, r.gatekeeper + r.representative, r.liaison)
}

/// `mlgov graph brokerage --locality`: the boundary spanners around a locality.
fn spanners_around(
    ctx: &Ctx,
    kb: &mlgov_domain::KnowledgeBase,
    v: &ViewGraph,
    name: &str,
) -> Result<(), CliError> {
    let g = &v.graph;
    let id = ctx.resolve(kb, name, &[IdKind::Locality])?;
    let focal: Vec<String> =
        locality_focus(kb, &id).into_iter().filter(|f| g.node_index(f).is_some()).collect();
    if focal.is_empty() {
        return Err(CliError::Data(format!(
            "{} has no tie in this graph ({})",
            kb.display_name(&id),
            v.description
        )));
    }
    let mut spec = FocusSpec::new(focal);
    spec.time_respecting = v.time_respecting;
    let report = mg::focus_report(g, &spec).map_err(|e| CliError::Data(e.to_string()))?;
    let label = kb.display_name(&id);
    ctx.emit(&json!({"locality": id.to_string(), "name": label, "graph": describe(v), "report": report}), || {
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
            "{}\n{verdict}\n{} candidates (persons and organisations among {label}, its officials and their ties)\n{}roles (unordered open triads): coordinator/itinerant/gatekeeper-or-representative/liaison\n",
            heading(v),
            report.candidates,
            table(&["actor", "kind level/sector", "spanner", "pub-nonpub", "local-intl", "roles by sector", "roles by level"], &body)
        )
    });
    Ok(())
}

/// The actors with a brokerage role, most roles first.
fn brokers(report: &mg::BrokerageReport) -> Vec<&mg::BrokerageRow> {
    let mut rows: Vec<&mg::BrokerageRow> =
        report.rows.iter().filter(|r| r.roles.total() > 0).collect();
    rows.sort_by(|a, b| b.roles.total().cmp(&a.roles.total()).then_with(|| a.id.cmp(&b.id)));
    rows
}

/// The brokers and their roles: the count of each, with its z-score where there is one.
fn broker_table(rows: &[&mg::BrokerageRow], names: &[&str]) -> String {
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut line = vec![r.label.clone(), r.group.clone()];
            line.extend(names.iter().map(|n| z(r.stat(n))));
            line
        })
        .collect();
    let mut head = vec!["actor", "group"];
    head.extend(names.iter().map(|n| {
        if *n == "gatekeeper_or_representative" { "gatekeeper/representative" } else { n }
    }));
    table(&head, &body)
}

fn brokerage(
    ctx: &Ctx,
    filter: &GraphFilter,
    locality: Option<&str>,
    partition: Partition,
    directed: bool,
    top: usize,
) -> Result<(), CliError> {
    let (kb, full, _) = load_full(ctx, filter)?;
    let mut view = view_of(filter, &full, On::Layers)?;
    if directed && view.on == On::Layers && view.layers.is_none() {
        view.layers = Some(EdgeKind::ALL.into_iter().filter(|k| k.is_directed()).collect());
    }
    let v = view_graph(&full, &view);
    let g = &v.graph;
    if let Some(name) = locality {
        return spanners_around(ctx, &kb, &v, name);
    }
    let partition = match partition {
        Partition::Level => PartitionBy::Level,
        Partition::Sector => PartitionBy::Sector,
        Partition::Kind => PartitionBy::Kind,
        Partition::Country => PartitionBy::Attribute("country".into()),
    };
    let config = BrokerageConfig {
        direction: if directed { Direction::Directed } else { Direction::Undirected },
        partition,
        time_respecting: v.time_respecting,
    };
    let report = mg::brokerage(g, &config).map_err(|e| CliError::Usage(e.to_string()))?;
    let rows = brokers(&report);
    let shown = if top == 0 { rows.len() } else { top.min(rows.len()) };
    let names = mg::brokerage::role_names(report.direction);
    // The same question with the other treatment of undated ties: how many triads, who leads.
    let ov = other_undated(&full, &view, &v);
    let other = if v.undated_in_layers == 0 {
        report.clone()
    } else {
        mg::brokerage(
            &ov.graph,
            &BrokerageConfig { time_respecting: ov.time_respecting, ..config.clone() },
        )
        .map_err(|e| CliError::Usage(e.to_string()))?
    };
    let mut other_top = brokers(&other);
    other_top.truncate(5);
    let other_label = if view.include_undated { "without_undated" } else { "with_undated" };
    ctx.emit(
        &json!({other_label: {"graph": describe(&ov), "open_two_paths": other.open_two_paths, "top": other_top.iter().map(|r| json!({"id": r.id, "total": r.roles.total()})).collect::<Vec<_>>()},
            "graph": describe(&v), "partition": report.partition, "direction": report.direction, "time_respecting": report.time_respecting,
            "density": report.density, "groups": report.groups, "open_two_paths": report.open_two_paths, "global": report.global, "rows": &rows[..shown]}),
        || {
            format!(
                "{}\nGould–Fernandez brokerage by {} ({}): {} brokered {}; groups {}\n{}{}\n",
                heading(&v),
                report.partition,
                if directed { "directed" } else { "undirected: unordered open triads, gatekeeper and representative merged" },
                report.open_two_paths,
                if directed { "two-paths" } else { "triads" },
                report.groups.iter().map(|(k, n)| format!("{k} {n}")).collect::<Vec<_>>().join(", "),
                broker_table(&rows[..shown], names) + &format!(
                    "{} undated ties: {} brokered {}; most: {}\n",
                    if view.include_undated { "Without" } else { "With" },
                    other.open_two_paths,
                    if directed { "two-paths" } else { "triads" },
                    other_top.iter().map(|r| format!("{} ({})", r.label, r.roles.total())).collect::<Vec<_>>().join(", ")
                ),
                if report.time_respecting {
                    "counts of time-respecting two-paths; no z-scores (the Gould–Fernandez null model is static: use --year)"
                } else {
                    "count (z-score against the Gould–Fernandez null model: a random graph of the same density and group sizes)"
                }
            )
        },
    );
    Ok(())
}

fn export(
    ctx: &Ctx,
    filter: &GraphFilter,
    format: Format,
    version: GexfVer,
    out: &Option<PathBuf>,
) -> Result<(), CliError> {
    let (_, full, _) = load_full(ctx, filter)?;
    // An export is the data, not an analysis: every year and undated ties (flagged) unless a
    // year or a view is asked for.
    let mut view = view_of(filter, &full, On::Layers)?;
    if filter.year.is_none() {
        view.year = None;
    }
    if filter.year.is_none() && !filter.all_years {
        view.include_undated = true;
    }
    let v = view_graph(&full, &view);
    let g = if view.on == On::Layers && view.year.is_none() && view.layers.is_none() {
        // Keep the isolated nodes too: the whole base.
        let mut all = full.clone();
        all.weighting = view.weighting;
        all
    } else {
        v.graph.clone()
    };
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
            std::fs::write(path, &text)
                .map_err(|e| CliError::Data(format!("cannot write {}: {e}", path.display())))?;
            ctx.emit(&json!({"format": name, "nodes": g.node_count(), "edges": g.edge_count(), "statements": g.statement_count(), "path": path}), || {
                format!("wrote {} ({} nodes, {} ties from {} statements) to {}", name, g.node_count(), g.edge_count(), g.statement_count(), path.display())
            });
        }
        None if ctx.json => {
            ctx.emit(&json!({"format": name, "nodes": g.node_count(), "edges": g.edge_count(), "document": text}), String::new);
        }
        None => {
            use std::io::Write;
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
        }
    }
    Ok(())
}
