//! The policy-learning profile of a locality (`mlgov_analysis::learning`, after Pettrachin 2023):
//! its isolation measures (networks, international networks, vertical and horizontal ties, ties
//! only to neighbours), enabling factors and NGO bridges, each value with its source or its status
//! — observed (a sourced statement), assumed (derived by mlgov under a stated assumption) or not
//! in the data. Served at `/api/v1/localities/{id}/learning` and on the locality page.

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use mlgov_analysis::{learning, profile};
use mlgov_domain::{Citation, Id, IdKind, Property};

use crate::convert;
use crate::error::{ApiError, ErrorBody};
use crate::params::Params;
use crate::state::{AppState, Snapshot};
use crate::wire::*;

/// Year the ties are read at when none is asked for (as `mlgov learning profile`).
pub const DEFAULT_YEAR: i32 = 2021;

pub use mlgov_analysis::profile::{ASSUMED, NOT_IN_DATA, OBSERVED};

/// "Short, locator" of a citation.
pub fn cite_text(s: &Snapshot, c: &Citation) -> String {
    format!("{}, {}", s.name(&c.source), c.locator)
}

/// A locality attribute with its status and source (`mlgov_analysis::profile::sourced_attribute`).
pub fn attribute(s: &Snapshot, id: &Id, p: Property, name: &str) -> LearningFactorOut {
    factor(name, profile::sourced_attribute(&s.kb, id, p))
}

/// The size class, stated or assumed from the population (`mlgov_analysis::profile::sourced_size_class`).
pub fn size_class(s: &Snapshot, id: &Id) -> LearningFactorOut {
    factor("size class", profile::sourced_size_class(&s.kb, id))
}

fn factor(name: &str, v: profile::Sourced) -> LearningFactorOut {
    LearningFactorOut {
        name: name.into(),
        value: v.value,
        status: v.status.into(),
        source: v.source,
    }
}

fn status_of(basis: &str) -> String {
    match basis {
        "observed" => OBSERVED.into(),
        "unknown" => NOT_IN_DATA.into(),
        "survey (synthetic)" => "survey (SYNTHETIC)".into(),
        b => b.into(),
    }
}

fn entity(s: &Snapshot, raw: &str, fallback: &str) -> EntityRef {
    match Id::parse(raw) {
        Ok(id) => convert::eref(s, &id),
        Err(_) => EntityRef { id: raw.into(), name: fallback.into(), href: None },
    }
}

/// The learning profile of locality `id` with its ties as of `year`.
pub fn learning_out(s: &Snapshot, id: &Id, year: i32) -> LearningOut {
    let p = learning::profile(&s.kb, id, year, None);
    let findings = p
        .findings
        .iter()
        .map(|g| LearningFindingOut { topic: g.topic.replace('_', " "), ..g.clone() })
        .collect();
    let peers = p
        .peer_localities
        .iter()
        .map(|i| LearningPeerOut {
            locality: entity(s, &i.id, &i.name),
            shares: i.detail.trim_start_matches("shares ").to_string(),
        })
        .collect();
    LearningOut {
        locality: convert::eref(s, id),
        year,
        attributes: attributes_out(s, id, &p),
        networks: p.networks.len(),
        international: p.international.len(),
        networks_without_scale: p
            .networks
            .iter()
            .filter(|i| {
                Id::parse(&i.id).is_ok_and(|n| s.kb.facts_of(&n, Property::Scale).is_empty())
            })
            .count(),
        only_domestic_networks: p.only_domestic_networks,
        vertical: p.vertical.len(),
        horizontal: p.horizontal.len(),
        ngo_bridges: p.ngo_bridges.len(),
        enabling: p.enabling.iter().map(enabling_out).collect(),
        ties: ties_out(s, &p),
        peers,
        findings,
        notes: p.notes.clone(),
    }
}

/// The locality's attributes: size class, typology, orientation, outcome and country.
fn attributes_out(s: &Snapshot, id: &Id, p: &learning::LearningProfile) -> Vec<LearningFactorOut> {
    let mut attributes = vec![size_class(s, id)];
    attributes.push(attribute(s, id, Property::Typology, "typology (Whole-COMM)"));
    attributes.push(attribute(s, id, Property::PoliticalOrientation, "political orientation"));
    attributes.push(attribute(s, id, Property::PolicyOutcome, "policy outcome"));
    let l = s.kb.localities.iter().find(|l| &l.id == id);
    attributes.push(LearningFactorOut {
        name: "country".into(),
        value: p.attributes.country.clone(),
        status: OBSERVED.into(),
        source: l.map(|l| cite_text(s, &l.citation)).unwrap_or_default(),
    });
    attributes
}

/// An enabling factor with its status and where it comes from.
fn enabling_out(f: &learning::Factor) -> LearningFactorOut {
    let mut source = if f.source.starts_with("needs survey answers") {
        "needs survey answers from this locality; none are loaded".to_string()
    } else {
        f.source.clone()
    };
    if !f.group_evidence.is_empty() {
        source.push_str(&format!(
            "; for localities of its class see the studies' findings ({})",
            f.group_evidence.len()
        ));
    }
    LearningFactorOut {
        name: f.name.clone(),
        value: f.value.clone(),
        status: status_of(&f.basis),
        source,
    }
}

/// The locality's ties: networks (international ones named so), vertical, horizontal and NGO
/// bridges.
fn ties_out(s: &Snapshot, p: &learning::LearningProfile) -> Vec<LearningTieOut> {
    let international: Vec<&str> = p.international.iter().map(|i| i.id.as_str()).collect();
    let mut ties = Vec::new();
    for i in &p.networks {
        let tie = if international.contains(&i.id.as_str()) {
            "international network"
        } else {
            "network"
        };
        ties.push(LearningTieOut {
            tie: tie.into(),
            with: entity(s, &i.id, &i.name),
            detail: i.detail.clone(),
            source: i.source.clone(),
        });
    }
    for (tie, items) in
        [("vertical", &p.vertical), ("horizontal", &p.horizontal), ("NGO bridge", &p.ngo_bridges)]
    {
        for i in items.iter() {
            ties.push(LearningTieOut {
                tie: tie.into(),
                with: entity(s, &i.id, &i.name),
                detail: i.detail.replace('_', " "),
                source: i.source.clone(),
            });
        }
    }
    ties
}

/// A locality's policy-learning profile: ties, enabling factors and NGO bridges, each with its
/// source or status (observed, assumed, not in the data).
#[utoipa::path(get, path = "/api/v1/localities/{id}/learning", operation_id = "get_locality_learning", tag = "analyses",
    params(("id" = String, Path, description = "Locality id, with or without the `loc:` prefix"),
        ("year" = Option<i32>, Query, description = "Year the ties are read at (default 2021)")),
    responses((status = 200, description = "What the locality may learn from, each value labelled", body = LearningOut), (status = 400, description = "Invalid parameters (every problem listed)", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn get_learning(
    State(st): State<AppState>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Json<LearningOut>, ApiError> {
    let mut p = Params::parse(q.as_deref());
    let year = p.int("year", 1900..=2100).unwrap_or(DEFAULT_YEAR as i64) as i32;
    p.finish()?;
    let (s, id) = crate::api::path_entity(&st, &id, IdKind::Locality)?;
    Ok(Json(learning_out(&s, &id, year)))
}
