//! Diffusion commands: Monte Carlo simulation of practice diffusion over the knowledge base
//! (`mlgov diffusion run`) and paired what-if comparison (`mlgov diffusion compare`).
//!
//! Simulation files are TOML, all tables optional:
//!
//! ```toml
//! name = "baseline"
//! [simulation]            # mlgov_diffusion::SimulationConfig: model, runs, seed, max_steps, seeds, susceptibility
//! [edges]                 # mlgov_analysis::diffusion::DiffusionGraphOptions
//! [[intervention]]        # mlgov_diffusion::Intervention, e.g. kind = "join_network"
//! ```
//!
//! Node keys in seeds and interventions may be knowledge-base ids or names (resolved like any
//! name; keys of carriers added by the file itself are left as they are).

use std::path::{Path, PathBuf};

use mlgov_analysis::diffusion::mlgov_diffusion::{
    self as diff, Comparison, DiffusionGraph, Intervention, Model, MonteCarloResult, Progress,
    Scenario, SimulationConfig,
};
use mlgov_analysis::diffusion::{DiffusionGraphOptions, DiffusionMapping, diffusion_graph};
use mlgov_domain::{Id, IdKind, KnowledgeBase, fold};
use serde::Deserialize;
use serde_json::json;

use crate::ctx::{CliError, Ctx};
use crate::output::table;
use crate::progress::Phases;

const KINDS: &[IdKind] = &[IdKind::Locality, IdKind::Network, IdKind::Organisation];

const HONESTY: &str = "Assumed, not observed: edge probabilities and susceptibilities are user-set parameters \
(see docs/diffusion.md); the sources hold no data on how often practices travel. Results explore scenarios; \
they are not estimates.";

/// Model names on the command line.
#[derive(clap::ValueEnum, Clone, Copy, Debug)]
pub enum ModelArg {
    /// Independent cascade.
    Ic,
    /// Linear threshold.
    Lt,
}

#[derive(clap::Subcommand, Debug)]
pub enum DiffusionCommand {
    /// Monte Carlo simulation: adoption curve, adoption probability per locality, bridges.
    #[command(after_help = "\
Examples:
  # a practice spreading from Barcelona and Bologna (independent cascade, 1000 runs)
  mlgov diffusion run --seeds Barcelona,Bologna --seed 7
  # from the localities that adopted the Palermo Charter, linear threshold
  mlgov diffusion run --practice \"Palermo Charter\" --model lt --runs 500
  # parameters in a file, with a what-if scenario applied (docs/diffusion.md)
  mlgov diffusion run --config baseline.toml --scenario scenario.toml")]
    Run {
        /// Simulation file (TOML with [simulation], [edges], [[intervention]]).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Scenario file whose interventions are applied before simulating.
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// Model: ic (independent cascade: each tie one chance to pass it on) or lt (linear
        /// threshold: adopt when enough neighbours have); overrides the file; default ic.
        #[arg(long, value_enum)]
        model: Option<ModelArg>,
        /// Monte Carlo runs (overrides the file; default 1000).
        #[arg(long)]
        runs: Option<u32>,
        /// Master seed (overrides the file; default 0).
        #[arg(long)]
        seed: Option<u64>,
        /// Maximum time steps per run (overrides the file; default 20).
        #[arg(long)]
        max_steps: Option<u32>,
        /// Initial adopters: names or ids, comma-separated (adds to the file's seeds).
        #[arg(long, value_delimiter = ',')]
        seeds: Vec<String>,
        /// Use the localities that adopted this practice (and its origin) as seeds: its title or
        /// id (`Palermo Charter`, `prc:palermo-charter`).
        #[arg(long)]
        practice: Option<String>,
        /// Rows shown in the node, bridge and carrier tables.
        #[arg(long, default_value_t = 15)]
        top: usize,
    },
    /// Paired comparison of a baseline file and a scenario file (scenario applied on top).
    #[command(after_help = "\
Examples:
  # the two files of docs/diffusion.md: Bardonecchia joins Eurocities, an NGO works in two places
  mlgov diffusion compare baseline.toml scenario.toml
  mlgov diffusion compare baseline.toml scenario.toml --runs 5000 --seed 3 --json")]
    Compare {
        /// Baseline file (TOML): [simulation], [edges] and optional [[intervention]] tables
        /// (docs/diffusion.md).
        baseline: PathBuf,
        /// Scenario file (TOML): the [[intervention]] tables applied on top of the baseline
        /// (join_network, set_attributes, add_carrier, add_edges; docs/diffusion.md).
        scenario: PathBuf,
        /// Monte Carlo runs (overrides the baseline file).
        #[arg(long)]
        runs: Option<u32>,
        /// Master seed (overrides the baseline file).
        #[arg(long)]
        seed: Option<u64>,
        /// Rows shown in the node table.
        #[arg(long, default_value_t = 15)]
        top: usize,
    },
}

/// A simulation or scenario file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SimulationFile {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    simulation: Option<SimulationConfig>,
    #[serde(default)]
    edges: Option<DiffusionGraphOptions>,
    #[serde(default)]
    intervention: Vec<Intervention>,
}

impl SimulationFile {
    fn scenario(&self) -> Scenario {
        Scenario {
            name: self.name.clone(),
            description: self.description.clone(),
            interventions: self.intervention.clone(),
        }
    }
}

fn read_file(path: &Path) -> Result<SimulationFile, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", path.display())))?;
    toml::from_str(&text).map_err(|e| CliError::Data(format!("{}: {e}", path.display())))
}

fn data_err(e: diff::DiffusionError) -> CliError {
    CliError::Data(e.to_string())
}

/// Resolves a key: kept if the graph or `new_keys` has it, else resolved as a name.
fn resolve_key(
    ctx: &Ctx,
    kb: &KnowledgeBase,
    graph: &DiffusionGraph,
    new_keys: &[String],
    key: &mut String,
) -> Result<(), CliError> {
    if graph.node_id(key).is_none() && !new_keys.contains(key) {
        *key = ctx.resolve(kb, key, KINDS)?.to_string();
    }
    Ok(())
}

/// Resolves every node key of the interventions.
fn resolve_interventions(
    ctx: &Ctx,
    kb: &KnowledgeBase,
    graph: &DiffusionGraph,
    list: &mut [Intervention],
) -> Result<(), CliError> {
    let new_keys: Vec<String> = list
        .iter()
        .filter_map(|i| {
            if let Intervention::AddCarrier { node, .. } = i {
                Some(node.key.clone())
            } else {
                None
            }
        })
        .collect();
    let r = |k: &mut String| resolve_key(ctx, kb, graph, &new_keys, k);
    for i in list.iter_mut() {
        match i {
            Intervention::AddEdges { edges } | Intervention::AddCarrier { edges, .. } => {
                for e in edges {
                    r(&mut e.source)?;
                    r(&mut e.target)?;
                }
            }
            Intervention::JoinNetwork { locality, network, .. } => {
                r(locality)?;
                r(network)?;
            }
            Intervention::SetAttributes { nodes, .. } => {
                for n in nodes {
                    r(n)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Monte Carlo runs as a counted phase of `progress`: "Monte Carlo runs (independent cascade) 400/1,000".
fn progress_run<T>(
    progress: &Phases,
    runs: u32,
    msg: String,
    f: impl FnOnce(&(dyn Fn(Progress) + Sync)) -> T,
) -> T {
    progress.counted(msg, u64::from(runs));
    let callback = |p: Progress| progress.set_position(p.done as u64);
    let out = f(&callback);
    progress.finish();
    out
}

/// The model's name in a progress message.
fn model_name(m: Model) -> &'static str {
    match m {
        Model::IndependentCascade => "independent cascade",
        Model::LinearThreshold => "linear threshold",
        _ => "diffusion model",
    }
}

/// The practice `--practice` names: its id (with or without `prc:`) or its title, case- and
/// accent-insensitive; else the one practice whose title or id contains the words. (Practices are
/// not in the knowledge base's name index, which holds actors.)
fn resolve_practice(kb: &KnowledgeBase, name: &str) -> Result<Id, CliError> {
    let q = fold(name);
    let keys =
        |p: &mlgov_domain::Practice| [fold(p.id.as_str()), fold(p.id.body()), fold(&p.title)];
    let mut hits: Vec<&mlgov_domain::Practice> =
        kb.practices.iter().filter(|p| keys(p).contains(&q)).collect();
    if hits.is_empty() && !q.is_empty() {
        hits = kb.practices.iter().filter(|p| keys(p).iter().any(|k| k.contains(&q))).collect();
    }
    match hits.as_slice() {
        [one] => Ok(one.id.clone()),
        [] => Err(CliError::Data(format!(
            "no practice named {name:?}; practices are listed at /practices in `mlgov serve` (ids prc:…)"
        ))),
        many => Err(CliError::Data(format!(
            "{name:?} is ambiguous; candidates:\n{}",
            many.iter().map(|p| format!("  {}  {}", p.id, p.title)).collect::<Vec<_>>().join("\n")
        ))),
    }
}

/// Runs a diffusion command.
pub fn run(cmd: &DiffusionCommand, ctx: &Ctx) -> Result<(), CliError> {
    match cmd {
        DiffusionCommand::Run {
            config,
            scenario,
            model,
            runs,
            seed,
            max_steps,
            seeds,
            practice,
            top,
        } => {
            let progress = ctx.phases();
            progress.step("loading the knowledge base and its diffusion graph");
            let kb = ctx.load_kb()?;
            let file = config.as_deref().map(read_file).transpose()?.unwrap_or_default();
            let mapping =
                diffusion_graph(&kb, &file.edges.unwrap_or_default()).map_err(data_err)?;
            let mut sim = file.simulation.clone().unwrap_or_default();
            if let Some(m) = model {
                sim.model = match m {
                    ModelArg::Ic => Model::IndependentCascade,
                    ModelArg::Lt => Model::LinearThreshold,
                };
            }
            sim.runs = runs.unwrap_or(sim.runs);
            sim.seed = seed.unwrap_or(sim.seed);
            sim.max_steps = max_steps.unwrap_or(sim.max_steps);
            sim.seeds.extend(seeds.iter().cloned());
            initial_adopters(ctx, &kb, &mapping, &mut sim, practice.as_deref())?;
            let scen = scenario_of(ctx, &kb, &mapping, &file, scenario.as_deref())?;
            let graph = scen.apply(&mapping.graph).map_err(data_err)?;
            let msg = format!("Monte Carlo runs ({})", model_name(sim.model));
            let result =
                progress_run(&progress, sim.runs, msg, |cb| diff::simulate(&graph, &sim, Some(cb)))
                    .map_err(data_err)?;
            let labels = labels(&mapping, &graph);
            ctx.emit(
                &json!({"config": sim, "result": result, "labels": labels, "skipped": mapping.skipped, "note": HONESTY}),
                || render_run(&sim, &result, &labels, *top),
            );
            Ok(())
        }
        DiffusionCommand::Compare { baseline, scenario, runs, seed, top } => {
            compare(ctx, baseline, scenario, (*runs, *seed), *top)
        }
    }
}

/// The seeds of the simulation, `--practice`'s origin and adopters added, each resolved to a
/// node of the graph.
fn initial_adopters(
    ctx: &Ctx,
    kb: &KnowledgeBase,
    mapping: &DiffusionMapping,
    sim: &mut SimulationConfig,
    practice: Option<&str>,
) -> Result<(), CliError> {
    if let Some(p) = practice {
        let id = resolve_practice(kb, p)?;
        let pr = kb.practices.iter().find(|x| x.id == id);
        sim.seeds.extend(pr.and_then(|x| x.origin.as_ref()).map(ToString::to_string));
        sim.seeds.extend(
            kb.adoptions.iter().filter(|a| a.practice == id).map(|a| a.locality.to_string()),
        );
    }
    if sim.seeds.is_empty() {
        return Err(CliError::Usage(
            "give initial adopters with --seeds A,B, --practice NAME or `seeds` in [simulation]"
                .into(),
        ));
    }
    for s in &mut sim.seeds {
        resolve_key(ctx, kb, &mapping.graph, &[], s)?;
    }
    sim.seeds.sort();
    sim.seeds.dedup();
    Ok(())
}

/// The interventions of the simulation file and of `--scenario` (whose name wins), resolved.
fn scenario_of(
    ctx: &Ctx,
    kb: &KnowledgeBase,
    mapping: &DiffusionMapping,
    file: &SimulationFile,
    scenario: Option<&Path>,
) -> Result<Scenario, CliError> {
    let mut interventions = file.intervention.clone();
    let mut name = file.name.clone();
    if let Some(path) = scenario {
        let extra = read_file(path)?;
        interventions.extend(extra.intervention);
        if !extra.name.is_empty() {
            name = extra.name;
        }
    }
    resolve_interventions(ctx, kb, &mapping.graph, &mut interventions)?;
    Ok(Scenario { name, description: None, interventions })
}

/// `mlgov diffusion compare`: paired runs of a baseline and a scenario on top of it.
fn compare(
    ctx: &Ctx,
    baseline: &Path,
    scenario: &Path,
    (runs, seed): (Option<u32>, Option<u64>),
    top: usize,
) -> Result<(), CliError> {
    let progress = ctx.phases();
    progress.step("loading the knowledge base and its diffusion graph");
    let kb = ctx.load_kb()?;
    let base_file = read_file(baseline)?;
    let scen_file = read_file(scenario)?;
    if scen_file.simulation.is_some() || scen_file.edges.is_some() {
        return Err(CliError::Usage(format!(
            "{}: put [simulation] and [edges] in the baseline file only; the scenario file holds interventions",
            scenario.display()
        )));
    }
    let mapping = diffusion_graph(&kb, &base_file.edges.unwrap_or_default()).map_err(data_err)?;
    let mut sim = base_file.simulation.clone().unwrap_or_default();
    sim.runs = runs.unwrap_or(sim.runs);
    sim.seed = seed.unwrap_or(sim.seed);
    for s in &mut sim.seeds {
        resolve_key(ctx, &kb, &mapping.graph, &[], s)?;
    }
    let mut base_scen = base_file.scenario();
    resolve_interventions(ctx, &kb, &mapping.graph, &mut base_scen.interventions)?;
    let base_graph = base_scen.apply(&mapping.graph).map_err(data_err)?;
    let mut scen = scen_file.scenario();
    resolve_interventions(ctx, &kb, &base_graph, &mut scen.interventions)?;
    let scen_graph = scen.apply(&base_graph).map_err(data_err)?;
    let msg = format!("paired Monte Carlo runs, baseline and scenario ({})", model_name(sim.model));
    let cmp = progress_run(&progress, sim.runs, msg, |cb| {
        diff::compare_graphs(&base_graph, &scen_graph, &sim, Some(cb))
    })
    .map_err(data_err)?;
    let labels = labels(&mapping, &scen_graph);
    ctx.emit(
        &json!({"config": sim, "baseline": base_file.name, "scenario": scen.name, "comparison": cmp, "labels": labels, "note": HONESTY}),
        || render_compare(&scen.name, &sim, &cmp, &labels, top),
    );
    Ok(())
}

fn labels(
    mapping: &DiffusionMapping,
    graph: &DiffusionGraph,
) -> std::collections::BTreeMap<String, String> {
    let mut l = mapping.labels.clone();
    for n in graph.nodes() {
        l.entry(n.key.clone()).or_insert_with(|| n.key.clone());
    }
    l
}

fn label<'a>(labels: &'a std::collections::BTreeMap<String, String>, key: &'a str) -> &'a str {
    labels.get(key).map_or(key, String::as_str)
}

fn pct(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

fn render_run(
    sim: &SimulationConfig,
    r: &MonteCarloResult,
    labels: &std::collections::BTreeMap<String, String>,
    top: usize,
) -> String {
    let mut out = format!(
        "{:?}, {} runs, seed {}, {} steps; seeds: {}\nadopters at the end: mean {:.2} of {} (95% of runs in [{:.0}, {:.0}]); via NGOs/networks: {:.2} per run\n\n",
        r.model,
        r.runs,
        r.seed,
        r.max_steps,
        sim.seeds.iter().map(|s| label(labels, s)).collect::<Vec<_>>().join(", "),
        r.final_adopters.mean,
        r.adopter_nodes,
        r.final_adopters.band.low,
        r.final_adopters.band.high,
        r.mean_adoptions_via_carriers,
    );
    let last_change =
        r.curve.windows(2).rposition(|w| (w[1].mean - w[0].mean).abs() > 1e-9).map_or(1, |i| i + 2);
    let rows: Vec<Vec<String>> = r
        .curve
        .iter()
        .take(last_change.max(2))
        .map(|c| {
            vec![
                c.step.to_string(),
                format!("{:.2}", c.mean),
                format!("{:.0}–{:.0}", c.band.low, c.band.high),
            ]
        })
        .collect();
    out.push_str("Adoption curve\n");
    out.push_str(&table(&["step", "mean adopters", "2.5–97.5%"], &rows));
    out.push_str("\nFinal adoption probability (non-seed adopters)\n");
    out.push_str(&table(
        &["node", "kind", "P(adopt)", "95% Wilson", "susceptibility"],
        &probability_rows(r, labels, top),
    ));
    let rows: Vec<Vec<String>> = r
        .bridges
        .iter()
        .take(top)
        .map(|b| {
            vec![
                label(labels, &b.source).to_string(),
                label(labels, &b.target).to_string(),
                pct(b.share),
            ]
        })
        .collect();
    out.push_str("\nBridges that carried adoption (share of runs)\n");
    out.push_str(&table(&["from", "to", "runs"], &rows));
    out.push_str("\nCarriers (NGOs, networks)\n");
    out.push_str(&table(
        &["carrier", "reached", "relayed", "activations/run"],
        &carrier_rows(r, labels, top),
    ));
    out.push('\n');
    out.push_str(HONESTY);
    out
}

/// The `top` non-seed adopters most likely to adopt.
fn probability_rows(
    r: &MonteCarloResult,
    labels: &std::collections::BTreeMap<String, String>,
    top: usize,
) -> Vec<Vec<String>> {
    let mut nodes: Vec<_> = r.nodes.iter().filter(|n| !n.carrier && !n.seed).collect();
    nodes.sort_by(|a, b| b.probability.total_cmp(&a.probability).then(a.key.cmp(&b.key)));
    nodes
        .iter()
        .take(top)
        .map(|n| {
            vec![
                label(labels, &n.key).to_string(),
                format!("{:?}", n.kind).to_lowercase(),
                pct(n.probability),
                format!("{}–{}", pct(n.interval.low), pct(n.interval.high)),
                format!("{:.2}", n.susceptibility),
            ]
        })
        .collect()
}

/// The `top` carriers reached in some run: how often reached and relaying.
fn carrier_rows(
    r: &MonteCarloResult,
    labels: &std::collections::BTreeMap<String, String>,
    top: usize,
) -> Vec<Vec<String>> {
    r.carriers
        .iter()
        .filter(|c| c.runs_active > 0)
        .take(top)
        .map(|c| {
            vec![
                label(labels, &c.key).to_string(),
                pct(f64::from(c.runs_active) / f64::from(r.runs)),
                pct(f64::from(c.runs_relayed) / f64::from(r.runs)),
                format!("{:.2}", c.mean_direct_activations),
            ]
        })
        .collect()
}

fn render_compare(
    name: &str,
    sim: &SimulationConfig,
    c: &Comparison,
    labels: &std::collections::BTreeMap<String, String>,
    top: usize,
) -> String {
    let d = &c.final_adopters;
    let mut out = format!(
        "Scenario {name:?} vs baseline — {:?}, {} paired runs, seed {}\nfinal adopters: baseline {:.2}, scenario {:.2}, difference {:+.2} (95% CI {:+.2} to {:+.2}; per-run 2.5–97.5%: {:+.0} to {:+.0})\n",
        sim.model,
        sim.runs,
        sim.seed,
        c.baseline.final_adopters.mean,
        c.scenario.final_adopters.mean,
        d.mean,
        d.interval.low,
        d.interval.high,
        d.band.low,
        d.band.high
    );
    if !c.added_nodes.is_empty() {
        out.push_str(&format!(
            "added: {}\n",
            c.added_nodes.iter().map(|k| label(labels, k)).collect::<Vec<_>>().join(", ")
        ));
    }
    let mut nodes: Vec<_> =
        c.nodes.iter().filter(|n| n.difference != 0.0 || n.runs_gained > 0).collect();
    nodes.sort_by(|a, b| b.difference.abs().total_cmp(&a.difference.abs()).then(a.key.cmp(&b.key)));
    let rows: Vec<Vec<String>> = nodes
        .iter()
        .take(top)
        .map(|n| {
            vec![
                label(labels, &n.key).to_string(),
                pct(n.baseline),
                pct(n.scenario),
                format!("{:+.1} pts", 100.0 * n.difference),
                format!("{:+.1} to {:+.1}", 100.0 * n.interval.low, 100.0 * n.interval.high),
            ]
        })
        .collect();
    out.push_str("\nLargest changes in adoption probability\n");
    out.push_str(&table(&["node", "baseline", "scenario", "difference", "95% CI (pts)"], &rows));
    out.push('\n');
    out.push_str(HONESTY);
    out
}
