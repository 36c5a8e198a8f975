//! The diffusion page: simulated spread of a practice over the network, with a what-if.

use axum::extract::{RawQuery, State};
use mlgov_domain::fold;

use crate::error::ApiError;
use crate::params::Params;
use crate::state::{AppState, Snapshot};
use crate::wire::*;
use crate::{diffusionapi, svg};

use super::download::{download_param, finish};
use super::model::{Cell, Field, Figure, Form, Page, Section, n, r, section, select, table};
use super::render::PageResult;

/// `/diffusion`: a simulated spread from a practice's adopters or a locality, as things are and
/// under a what-if: the verdict, the adoption curves and who adopts.
pub(super) async fn diffusion(State(st): State<AppState>, RawQuery(q): RawQuery) -> PageResult {
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let dq = diffusionapi::DiffusionQuery::parse(&s, &mut p);
    let dl = download_param(&mut p);
    p.finish()?;
    let s2 = s.clone();
    let dq2 = dq.clone();
    let (base, scen) = tokio::task::spawn_blocking(move || {
        let base = diffusionapi::run(
            &s2,
            &diffusionapi::DiffusionQuery { scenario: "baseline".into(), ..dq2.clone() },
        );
        let scen =
            if dq2.scenario == "baseline" { None } else { Some(diffusionapi::run(&s2, &dq2)) };
        (base, scen)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    let base = base?;
    let scen = scen.transpose()?;
    let mut page =
        Page { title: "Diffusion what-if".into(), nav: "diffusion".into(), ..Page::default() };
    page.notice = Some("Scenario exploration, not a forecast: tie strengths are assumptions and the sources record no adoptions.".into());
    page.form = Some(Form {
        action: "/diffusion".into(),
        label: "Choose the what-if".into(),
        submit: "Simulate".into(),
        auto: false,
        fields: diffusion_fields(&s, &dq),
    });
    if s.kb.practices.is_empty() {
        page.lead.push("The knowledge base records no practices yet, so the simulation starts from a chosen locality.".into());
    } else {
        page.lead.push(format!("{} practices are recorded (see Practices); choosing one starts from its origin and stated adopters.", s.kb.practices.len()));
    }
    let seeds_named = base.seeds.iter().map(|x| x.name.clone()).collect::<Vec<_>>().join(", ");
    let mut verdict = section("verdict", "What the what-if changes");
    verdict.paragraphs.push(diffusion_verdict(&base, scen.as_ref(), &seeds_named));
    page.sections.push(verdict);
    page.sections.push(curves_section(&base, scen.as_ref(), &seeds_named));
    page.sections.push(adopters_section(&base, scen.as_ref()));
    finish(&s, page, "/diffusion", q.as_deref(), dl)
}

/// The what-if's choices: practice, initial adopter, model, scenario and the network joined.
fn diffusion_fields(s: &Snapshot, dq: &diffusionapi::DiffusionQuery) -> Vec<Field> {
    let seed_default = dq.seed.clone().or_else(|| diffusionapi::DiffusionQuery::default_seed(s));
    let mut locs: Vec<(String, String)> =
        s.kb.localities
            .iter()
            .filter(|l| !s.kb.memberships_of(&l.id).is_empty())
            .map(|l| (l.id.body().to_string(), l.display_name().to_string()))
            .collect();
    locs.sort_by_key(|a| fold(&a.1));
    let mut nets: Vec<(String, String)> =
        s.kb.networks.iter().map(|n| (n.id.body().to_string(), s.name(&n.id))).collect();
    nets.sort_by_key(|a| fold(&a.1));
    let mut fields = Vec::new();
    if !s.kb.practices.is_empty() {
        fields.push(select(
            "practice",
            "Practice",
            dq.practice.as_ref().map(|x| x.as_str()).unwrap_or(""),
            std::iter::once((String::new(), "none: start from a locality".to_string()))
                .chain(s.kb.practices.iter().map(|x| (x.id.to_string(), x.title.clone())))
                .collect(),
        ));
    }
    fields.push(select(
        "seed",
        "Initial adopter",
        seed_default.as_ref().map(|x| x.body()).unwrap_or(""),
        locs,
    ));
    fields.push(select(
        "model",
        "Model",
        &dq.model,
        vec![("ic".into(), "independent cascade".into()), ("lt".into(), "linear threshold".into())],
    ));
    fields.push(select(
        "scenario",
        "Scenario",
        &dq.scenario,
        vec![
            ("baseline".into(), "baseline only".into()),
            ("integration_officers".into(), "every locality gets an integration officer".into()),
            ("join_network".into(), "the initial adopter joins a network".into()),
        ],
    ));
    fields.push(select(
        "network",
        "Network joined",
        dq.network.as_ref().map(|x| x.body()).unwrap_or(""),
        std::iter::once((String::new(), "the largest network".to_string())).chain(nets).collect(),
    ));
    fields
}

/// The adoption curves as things are and under the what-if, as a figure and a table.
fn curves_section(base: &DiffusionOut, scen: Option<&DiffusionOut>, seeds_named: &str) -> Section {
    let mut series: Vec<(&str, &[CurvePoint])> = vec![("as things are", &base.curve)];
    if let Some(sc) = scen {
        series.push((sc.scenario_label.as_str(), &sc.curve))
    }
    let mut fig = section("curves", "Adoption curves");
    fig.paragraphs.push(format!("Initial adopter(s): {seeds_named}; {} runs of the {} model over {} actors that can adopt (localities and organisations; networks relay without adopting).", base.runs, if base.model == "lt" { "linear threshold" } else { "independent cascade" }, base.adopter_nodes));
    for note in scen.unwrap_or(base).notes.iter() {
        fig.paragraphs.push(note.clone())
    }
    fig.figure = Some(Figure { svg: svg::curves("Mean adopters per step with 95 % band", &series), caption: "Mean number of adopting nodes per step across Monte Carlo runs, with the 2.5–97.5 % band.".into(), table_id: Some("curve".into()), downloads: Vec::new() });
    let mut rows = Vec::new();
    for (i, pt) in base.curve.iter().enumerate() {
        let mut row = vec![
            n(pt.step),
            n(format!("{:.2}", pt.mean)),
            n(format!("{:.1}", pt.low)),
            n(format!("{:.1}", pt.high)),
        ];
        if let Some(sc) = scen {
            let q = &sc.curve[i.min(sc.curve.len().saturating_sub(1))];
            row.extend([
                n(format!("{:.2}", q.mean)),
                n(format!("{:.1}", q.low)),
                n(format!("{:.1}", q.high)),
            ]);
        }
        rows.push(row);
    }
    let headers: Vec<&str> = if scen.is_some() {
        vec!["step", "as things are: mean", "low", "high", "what-if: mean", "low", "high"]
    } else {
        vec!["step", "mean", "low", "high"]
    };
    fig.tables.push(table(
        "curve",
        "Adopters per step (mean and 95 % band across runs)",
        &headers,
        rows,
    ));
    fig
}

/// The actors that adopt in at least one run, most likely first.
fn adopters_section(base: &DiffusionOut, scen: Option<&DiffusionOut>) -> Section {
    let mut who = section("who", "Who adopts");
    let names: std::collections::BTreeMap<&str, (f64, f64)> = {
        let mut m: std::collections::BTreeMap<&str, (f64, f64)> = Default::default();
        for a in &base.adopters {
            m.entry(a.entity.id.as_str()).or_default().0 = a.probability;
        }
        if let Some(sc) = scen {
            for a in &sc.adopters {
                m.entry(a.entity.id.as_str()).or_default().1 = a.probability;
            }
        }
        m
    };
    let entity = |id: &str| {
        base.adopters
            .iter()
            .chain(scen.iter().flat_map(|x| x.adopters.iter()))
            .find(|a| a.entity.id == id)
            .map(|a| a.entity.clone())
    };
    let mut rows: Vec<(f64, Vec<Cell>)> = names
        .iter()
        .filter_map(|(id, (b, w))| {
            let e = entity(id)?;
            let mut row = vec![r(&e), n(format!("{:.0} %", b * 100.0))];
            if scen.is_some() {
                row.push(n(format!("{:.0} %", w * 100.0)));
            }
            Some((b.max(*w), row))
        })
        .collect();
    rows.sort_by(|a, b| b.0.total_cmp(&a.0));
    let head: Vec<&str> = if scen.is_some() {
        vec!["actor", "adopts as things are (share of runs)", "adopts in the what-if"]
    } else {
        vec!["actor", "adopts (share of runs)"]
    };
    if rows.is_empty() {
        who.paragraphs.push("Nobody beyond the initial adopter(s) adopts in any run.".into());
    }
    who.tables.push(table(
        "adopters",
        "Actors that adopt in at least one run, most likely first",
        &head,
        rows.into_iter().map(|x| x.1).collect(),
    ));
    who
}

/// The what-if in one sentence: what changed, by how much, and how sure (the difference of the
/// mean final adopters with a 95 % interval from the runs' spread, independent runs assumed).
fn diffusion_verdict(
    base: &crate::wire::DiffusionOut,
    scen: Option<&crate::wire::DiffusionOut>,
    seeds: &str,
) -> String {
    let reach = format!(
        "Starting from {seeds}, a practice reaches on average {:.1} further actors out of {} ({} runs)",
        (base.final_mean - base.seeds.len() as f64).max(0.0),
        base.adopter_nodes,
        base.runs
    );
    let Some(sc) = scen else {
        return format!("{reach}. Choose a scenario to see what would change.");
    };
    let diff = sc.final_mean - base.final_mean;
    let se = (base.final_sd.powi(2) / base.runs.max(1) as f64
        + sc.final_sd.powi(2) / sc.runs.max(1) as f64)
        .sqrt();
    let (lo, hi) = (diff - 1.96 * se, diff + 1.96 * se);
    let sure = if lo > 0.0 {
        "a clear increase: the whole 95 % interval is above zero"
    } else if hi < 0.0 {
        "a clear decrease: the whole 95 % interval is below zero"
    } else {
        "no clear difference: the 95 % interval includes zero"
    };
    format!(
        "If {}, a practice adopted by {seeds} ends with {:.2} adopters on average instead of {:.2} as things are: a difference of {diff:+.2} (95 % interval {lo:+.2} to {hi:+.2}) — {sure}. {reach} as things are.",
        sc.scenario_label, sc.final_mean, base.final_mean
    )
}
