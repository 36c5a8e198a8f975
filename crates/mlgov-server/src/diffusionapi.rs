//! The diffusion what-if endpoint: the knowledge base mapped by `mlgov_analysis::diffusion`,
//! Monte Carlo runs of `mlgov_diffusion` (independent cascade or linear threshold) from a
//! practice's adopters or a chosen locality, under a baseline or an intervention scenario.
//! Outputs are scenario explorations under stated assumptions, not estimates.

use axum::Json;
use axum::extract::{RawQuery, State};
use mlgov_analysis::diffusion::mlgov_diffusion::{
    self as d, EnablingFactors, Intervention, Model, Scenario, SimulationConfig,
};
use mlgov_analysis::diffusion::{DiffusionGraphOptions, diffusion_graph};
use mlgov_domain::{Id, IdKind, Resolution};

use crate::error::{ApiError, ErrorBody, blocking};
use crate::params::Params;
use crate::state::{AppState, Snapshot};
use crate::wire::*;

/// Scenarios offered.
pub const SCENARIOS: [&str; 3] = ["baseline", "integration_officers", "join_network"];

/// What-if settings.
#[derive(Clone, Debug)]
pub struct DiffusionQuery {
    /// Practice id (seeds: its origin and adopters).
    pub practice: Option<Id>,
    /// Seed locality (when no practice).
    pub seed: Option<Id>,
    /// ic or lt.
    pub model: String,
    /// Scenario.
    pub scenario: String,
    /// Network joined by the seed locality (join_network).
    pub network: Option<Id>,
    /// Runs.
    pub runs: u32,
}

impl DiffusionQuery {
    /// Reads the settings.
    pub fn parse(s: &Snapshot, p: &mut Params) -> DiffusionQuery {
        let resolve = |p: &mut Params, name: &'static str, kind: IdKind| -> Option<Id> {
            let v = p.string(name)?;
            match s.index.resolve(&v, &[kind]) {
                Resolution::Found(id) => Some(id),
                Resolution::Ambiguous(c) => {
                    p.error(
                        name,
                        format!(
                            "{v:?} is ambiguous: {}",
                            c.iter().map(|(_, d)| d.as_str()).collect::<Vec<_>>().join(", ")
                        ),
                    );
                    None
                }
                Resolution::NotFound => {
                    if let Ok(id) = Id::parse_kind(&v, &[kind])
                        && s.exists(&id)
                    {
                        return Some(id);
                    }
                    p.error(name, format!("no {} named {v:?}", kind.noun()));
                    None
                }
            }
        };
        let practice = p.string("practice").and_then(|v| {
            let id = Id::parse_kind(&v, &[IdKind::Practice])
                .ok()
                .filter(|i| s.kb.practices.iter().any(|x| &x.id == i));
            if id.is_none() {
                p.error("practice", format!("no practice {v:?}"))
            }
            id
        });
        let seed = resolve(p, "seed", IdKind::Locality);
        let network = resolve(p, "network", IdKind::Network);
        DiffusionQuery {
            practice,
            seed,
            model: p.choice("model", &["ic", "lt"]).unwrap_or_else(|| "ic".into()),
            scenario: p.choice("scenario", &SCENARIOS).unwrap_or_else(|| "baseline".into()),
            network,
            runs: p.int("runs", 10..=2000).unwrap_or(300) as u32,
        }
    }

    /// The default seed: the locality with the most memberships.
    pub fn default_seed(s: &Snapshot) -> Option<Id> {
        s.kb.localities
            .iter()
            .max_by_key(|l| (s.kb.memberships_of(&l.id).len(), std::cmp::Reverse(l.id.clone())))
            .map(|l| l.id.clone())
    }
}

/// Runs the what-if.
pub fn run(s: &Snapshot, q: &DiffusionQuery) -> Result<DiffusionOut, ApiError> {
    let mapping = diffusion_graph(&s.kb, &DiffusionGraphOptions::default()).map_err(bad)?;
    let seeds = seeds_of(s, q, &mapping.graph)?;
    let mut notes = vec!["Scenario exploration under assumed tie strengths (membership and relation frequency 3 of 5); the sources hold no adoption data.".to_string()];
    let (scenario_label, interventions) =
        interventions(s, q, &mapping.graph, &seeds[0], &mut notes)?;
    let scen = Scenario { name: q.scenario.clone(), description: None, interventions };
    let graph = scen.apply(&mapping.graph).map_err(bad)?;
    let sim = SimulationConfig {
        model: if q.model == "lt" { Model::LinearThreshold } else { Model::IndependentCascade },
        runs: q.runs,
        seed: 1,
        max_steps: 10,
        seeds: seeds.iter().map(|i| i.to_string()).collect(),
        ..SimulationConfig::default()
    };
    let r = d::simulate(&graph, &sim, None).map_err(bad)?;
    let curve: Vec<CurvePoint> = r
        .curve
        .iter()
        .map(|c| CurvePoint {
            step: c.step as usize,
            mean: c.mean,
            low: c.band.low,
            high: c.band.high,
        })
        .collect();
    Ok(DiffusionOut {
        practice: q.practice.as_ref().map(|p| crate::convert::eref(s, p)),
        model: q.model.clone(),
        scenario: q.scenario.clone(),
        seeds: seeds.iter().map(|i| crate::convert::eref(s, i)).collect(),
        runs: q.runs as usize,
        nodes: graph.node_count(),
        final_mean: r.final_adopters.mean,
        final_sd: r.final_adopters.sd,
        adopter_nodes: r.adopter_nodes,
        scenario_label,
        adopters: adopters_out(s, &r.nodes),
        curve,
        notes,
    })
}

/// A diffusion error is a problem of the data (422).
fn bad(e: d::DiffusionError) -> ApiError {
    ApiError::InvalidData(e.to_string(), vec![])
}

/// The initial adopters: the practice's origin and adopters, else the chosen (or default) seed
/// locality; only nodes of the graph, sorted; 422 when none is.
fn seeds_of(
    s: &Snapshot,
    q: &DiffusionQuery,
    graph: &d::DiffusionGraph,
) -> Result<Vec<Id>, ApiError> {
    let mut seeds: Vec<Id> = Vec::new();
    if let Some(pid) = &q.practice {
        let pr = s.kb.practices.iter().find(|x| &x.id == pid);
        seeds.extend(pr.and_then(|x| x.origin.clone()));
        seeds.extend(
            s.kb.adoptions.iter().filter(|a| &a.practice == pid).map(|a| a.locality.clone()),
        );
    }
    if seeds.is_empty() {
        seeds.extend(q.seed.clone().or_else(|| DiffusionQuery::default_seed(s)));
    }
    seeds.retain(|k| graph.node_id(k.as_str()).is_some());
    seeds.sort();
    seeds.dedup();
    if seeds.is_empty() {
        return Err(ApiError::InvalidData(
            "no initial adopter is a node of the diffusion graph".into(),
            vec![],
        ));
    }
    Ok(seeds)
}

/// The scenario's label and interventions (`first` is the first seed, who joins a network in
/// `join_network`); what it changes is noted.
fn interventions(
    s: &Snapshot,
    q: &DiffusionQuery,
    graph: &d::DiffusionGraph,
    first: &Id,
    notes: &mut Vec<String>,
) -> Result<(String, Vec<Intervention>), ApiError> {
    match q.scenario.as_str() {
        "integration_officers" => {
            let nodes: Vec<String> =
                s.kb.localities
                    .iter()
                    .map(|l| l.id.to_string())
                    .filter(|k| graph.node_id(k).is_some())
                    .collect();
            notes.push(format!(
                "Every locality ({}) gets an official with an integration mandate.",
                nodes.len()
            ));
            let set =
                EnablingFactors { integration_officer: Some(true), ..EnablingFactors::default() };
            Ok((
                "every locality gets an official with an integration mandate".to_string(),
                vec![Intervention::SetAttributes { nodes, set }],
            ))
        }
        "join_network" => {
            let net = q.network.clone().or_else(|| {
                s.kb.networks
                    .iter()
                    .max_by_key(|n| s.kb.memberships_in(&n.id).len())
                    .map(|n| n.id.clone())
            });
            let Some(net) = net else {
                return Err(ApiError::InvalidData("no network to join".into(), vec![]));
            };
            notes.push(format!("{} joins {}.", s.name(first), s.name(&net)));
            let join = Intervention::JoinNetwork {
                locality: first.to_string(),
                network: net.to_string(),
                frequency: 3.0,
            };
            Ok((format!("{} joins {}", s.name(first), s.name(&net)), vec![join]))
        }
        _ => Ok(("as things are (baseline)".to_string(), Vec::new())),
    }
}

/// The localities that adopted in some run (not seeds or carriers), most probable first.
fn adopters_out(s: &Snapshot, nodes: &[d::NodeAdoption]) -> Vec<AdopterOut> {
    let mut adopters: Vec<AdopterOut> = nodes
        .iter()
        .filter(|n| !n.seed && !n.carrier && n.runs_active > 0)
        .filter_map(|n| {
            Id::parse(&n.key).ok().map(|id| AdopterOut {
                entity: crate::convert::eref(s, &id),
                probability: n.probability,
            })
        })
        .collect();
    adopters.sort_by(|a, b| {
        b.probability.total_cmp(&a.probability).then(a.entity.name.cmp(&b.entity.name))
    });
    adopters
}

/// Diffusion what-if: adoption curve with a 95 % band across Monte Carlo runs.
#[utoipa::path(get, path = "/api/v1/diffusion", operation_id = "get_diffusion", tag = "analyses",
    params(("practice" = Option<String>, Query, description = "Practice id (seeds: its origin and adopters)"),
        ("seed" = Option<String>, Query, description = "Initial adopter locality when no practice (default: the locality with most memberships)"),
        ("model" = Option<String>, Query, description = "ic (default) or lt"),
        ("scenario" = Option<String>, Query, description = "baseline, integration_officers, join_network"),
        ("network" = Option<String>, Query, description = "Network joined by the seed locality (join_network)"),
        ("runs" = Option<u32>, Query, description = "Monte Carlo runs, 10..=2000 (default 300)")),
    responses((status = 200, description = "The simulated diffusion", body = DiffusionOut), (status = 400, description = "Invalid parameters (every problem listed)", body = ErrorBody), (status = 422, description = "Well-formed but invalid data", body = ErrorBody)))]
pub async fn get_diffusion(
    State(st): State<AppState>,
    RawQuery(q): RawQuery,
) -> Result<Json<DiffusionOut>, ApiError> {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let dq = DiffusionQuery::parse(&s, &mut p);
    p.finish()?;
    Ok(Json(blocking(move || run(&s, &dq)).await?))
}
