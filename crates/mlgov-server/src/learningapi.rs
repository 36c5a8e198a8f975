//! The policy-learning profile of a locality (`mlgov_analysis::learning`, after Pettrachin 2023):
//! its isolation measures (networks, international networks, vertical and horizontal ties, ties
//! only to neighbours), enabling factors and NGO bridges, each value with its source or its status
//! — observed (a sourced statement), assumed (derived by mlgov under a stated assumption) or not
//! in the data. Served at `/api/v1/localities/{id}/learning` and on the locality page.

use axum::extract::{Path, RawQuery, State};
use axum::Json;
use mlgov_analysis::learning;
use mlgov_domain::{Citation, Id, IdKind, Property, SizeThresholds};

use crate::convert;
use crate::error::{ApiError, ErrorBody};
use crate::params::Params;
use crate::state::{AppState, Snapshot};
use crate::wire::*;

/// Year the ties are read at when none is asked for (as `mlgov learning profile`).
pub const DEFAULT_YEAR: i32 = 2021;

/// Status of a value stated by a source.
pub const OBSERVED: &str = "observed";
/// Status of a value mlgov derived under a stated assumption.
pub const ASSUMED: &str = "assumed";
/// Status of a value the data do not give.
pub const NOT_IN_DATA: &str = "not in the data";

/// "Short, locator" of a citation.
pub fn cite_text(s: &Snapshot, c: &Citation) -> String {
    format!("{}, {}", s.name(&c.source), c.locator)
}

/// A locality attribute read from its facts (the first in id order, as the analyses read it),
/// with the source; "not in the data" when no fact states it.
pub fn attribute(s: &Snapshot, id: &Id, p: Property, name: &str) -> LearningFactorOut {
    let mut fs = s.kb.facts_of(id, p);
    fs.sort_by(|a, b| a.id.cmp(&b.id));
    match fs.first() {
        Some(f) => {
            let others: Vec<&str> = fs.iter().skip(1).map(|g| g.value.as_str()).filter(|v| *v != f.value).collect();
            let more = fs.len() - 1;
            let mut source = cite_text(s, &f.citation);
            if more > 0 {
                source.push_str(&format!(" (+{more} more statement{}{})", if more == 1 { "" } else { "s" },
                    if others.is_empty() { String::new() } else { format!(", also stating {}", others.join(", ")) }));
            }
            LearningFactorOut { name: name.into(), value: f.value.clone(), status: OBSERVED.into(), source }
        }
        None => LearningFactorOut { name: name.into(), value: "unknown".into(), status: NOT_IN_DATA.into(), source: format!("no {} statement about it", p.to_string().replace('_', " ")) },
    }
}

/// The size class of a locality: stated by a source (observed), else derived from its latest
/// stated population with mlgov's default thresholds (assumed), else not in the data.
pub fn size_class(s: &Snapshot, id: &Id) -> LearningFactorOut {
    let stated = attribute(s, id, Property::SizeClass, "size class");
    if stated.status == OBSERVED {
        return stated;
    }
    let pops = s.kb.facts_of(id, Property::Population);
    let Some((f, pop)) = pops.iter().rev().find_map(|f| f.value.parse::<u64>().ok().map(|p| (*f, p))) else { return stated };
    let th = SizeThresholds::default();
    let year = f.when.start_year().map(|y| format!(" in {y}")).unwrap_or_default();
    LearningFactorOut {
        name: "size class".into(),
        value: th.classify(pop).to_string(),
        status: ASSUMED.into(),
        source: format!("no source states it; derived from the population of {}{year} ({}) with mlgov's default thresholds: small town from {}, medium town from {} (file 004), large city from {} (an mlgov assumption)",
            thousands(pop), cite_text(s, &f.citation), thousands(th.small_town_min), thousands(th.medium_town_min), thousands(th.large_city_min)),
    }
}

/// `172500` → `172,500`.
pub fn thousands(v: u64) -> String {
    let digits = v.to_string();
    let head = match digits.len() % 3 { 0 => 3, r => r }.min(digits.len());
    let mut out = digits[..head].to_string();
    for group in digits.as_bytes()[head..].chunks(3) {
        out.push(',');
        out.extend(group.iter().map(|&b| b as char));
    }
    out
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
    let mut attributes = vec![size_class(s, id)];
    attributes.push(attribute(s, id, Property::Typology, "typology (Whole-COMM)"));
    attributes.push(attribute(s, id, Property::PoliticalOrientation, "political orientation"));
    attributes.push(attribute(s, id, Property::PolicyOutcome, "policy outcome"));
    let l = s.kb.localities.iter().find(|l| &l.id == id);
    attributes.push(LearningFactorOut { name: "country".into(), value: p.attributes.country.clone(), status: OBSERVED.into(), source: l.map(|l| cite_text(s, &l.citation)).unwrap_or_default() });
    let enabling = p.enabling.iter().map(|f| LearningFactorOut {
        name: f.name.clone(),
        value: f.value.clone(),
        status: status_of(&f.basis),
        source: if f.source.starts_with("needs survey answers") { "needs survey answers from this locality; none are loaded".into() } else { f.source.clone() },
    }).collect();
    let international: Vec<&str> = p.international.iter().map(|i| i.id.as_str()).collect();
    let mut ties = Vec::new();
    for i in &p.networks {
        let tie = if international.contains(&i.id.as_str()) { "international network" } else { "network" };
        ties.push(LearningTieOut { tie: tie.into(), with: entity(s, &i.id, &i.name), detail: i.detail.clone(), source: i.source.clone() });
    }
    for (tie, items) in [("vertical", &p.vertical), ("horizontal", &p.horizontal), ("NGO bridge", &p.ngo_bridges)] {
        for i in items.iter() {
            ties.push(LearningTieOut { tie: tie.into(), with: entity(s, &i.id, &i.name), detail: i.detail.replace('_', " "), source: i.source.clone() });
        }
    }
    let peers = p.peer_localities.iter().map(|i| LearningPeerOut { locality: entity(s, &i.id, &i.name), shares: i.detail.trim_start_matches("shares ").to_string() }).collect();
    LearningOut {
        locality: convert::eref(s, id),
        year,
        attributes,
        networks: p.networks.len(),
        international: p.international.len(),
        networks_without_scale: p.networks.iter().filter(|i| Id::parse(&i.id).is_ok_and(|n| s.kb.facts_of(&n, Property::Scale).is_empty())).count(),
        only_domestic_networks: p.only_domestic_networks,
        vertical: p.vertical.len(),
        horizontal: p.horizontal.len(),
        ngo_bridges: p.ngo_bridges.len(),
        enabling,
        ties,
        peers,
        notes: p.notes.clone(),
    }
}

/// A locality's policy-learning profile: ties, enabling factors and NGO bridges, each with its
/// source or status (observed, assumed, not in the data).
#[utoipa::path(get, path = "/api/v1/localities/{id}/learning", operation_id = "get_locality_learning", tag = "analyses",
    params(("id" = String, Path, description = "Locality id, with or without the `loc:` prefix"),
        ("year" = Option<i32>, Query, description = "Year the ties are read at (default 2021)")),
    responses((status = 200, body = LearningOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_learning(State(st): State<AppState>, Path(id): Path<String>, RawQuery(q): RawQuery) -> Result<Json<LearningOut>, ApiError> {
    let mut p = Params::parse(q.as_deref());
    let year = p.int("year", 1900..=2100).unwrap_or(DEFAULT_YEAR as i64) as i32;
    p.finish()?;
    let s = st.snapshot();
    let id = convert::path_id(&s, &id, IdKind::Locality)?;
    Ok(Json(learning_out(&s, &id, year)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_separates_groups_of_three() {
        for (v, s) in [(0, "0"), (999, "999"), (1_000, "1,000"), (5_000, "5,000"), (100_001, "100,001"), (172_500, "172,500"), (1_234_567, "1,234,567")] {
            assert_eq!(super::thousands(v), s);
        }
    }
}
