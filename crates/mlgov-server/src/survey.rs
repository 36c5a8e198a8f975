//! Survey dashboards: the Whole-COMM interaction-survey analyses of `mlgov-survey` on a
//! SYNTHETIC dataset (no real responses ship with mlgov), generated once per process with a fixed
//! seed, filtered by analysis, grouping, period and respondent role. Every output carries the
//! synthetic flag. A locality's own survey section (`/api/v1/localities/{id}/survey` and the
//! locality page) shows the Whole-COMM report's statements about it and the figures of the
//! groups it belongs to (size class, typology), labelled group-level and synthetic.

use std::sync::OnceLock;

use axum::extract::{Path, RawQuery, State};
use axum::Json;
use mlgov_analysis::tables::WHOLE_COMM;
use mlgov_domain::{Id, IdKind, Property};
use mlgov_survey::{analyze, synth, synth_localities, AnalysisConfig, AnalysisKind, Dataset, Dimension, Instrument, LocalityInfo, ResultTable, SynthParams, SynthSize};

use crate::convert;
use crate::error::{ApiError, ErrorBody};
use crate::learningapi::{self, OBSERVED};
use crate::params::Params;
use crate::state::{AppState, Snapshot};
use crate::wire::*;

/// Synthetic localities generated.
pub const LOCALITIES: usize = 48;
/// Respondents per synthetic locality.
pub const PER_LOCALITY: usize = 6;
/// Seed of the synthetic data.
pub const SEED: u64 = 2024;
/// Bootstrap resamples per estimate.
pub const RESAMPLES: usize = 200;

/// The instrument and a synthetic dataset, built on first use.
pub struct SurveyData {
    cell: OnceLock<(Instrument, Vec<LocalityInfo>, Dataset)>,
    groups: OnceLock<Result<Vec<(Dimension, ResultTable)>, String>>,
}

impl Default for SurveyData {
    fn default() -> Self {
        Self::new()
    }
}

impl SurveyData {
    /// Empty; data are generated on first use.
    pub fn new() -> SurveyData {
        SurveyData { cell: OnceLock::new(), groups: OnceLock::new() }
    }

    /// The instrument, localities and dataset.
    pub fn get(&self) -> &(Instrument, Vec<LocalityInfo>, Dataset) {
        self.cell.get_or_init(|| {
            let ins = Instrument::whole_comm();
            let locs = synth_localities(LOCALITIES, SEED);
            let ds = synth(&locs, SynthSize::PerLocality(PER_LOCALITY), SEED, &SynthParams::default(), &ins);
            (ins, locs, ds)
        })
    }

    /// The group figures of locality pages: interactions aggregated by class of actor in the
    /// last period, grouped by each of [`LOCALITY_GROUPINGS`] (the dashboard's
    /// `analysis=class_aggregates&group_by=…&period=<last>`), computed once.
    pub fn group_tables(&self) -> Result<&[(Dimension, ResultTable)], ApiError> {
        let r = self.groups.get_or_init(|| {
            let (ins, _, _) = self.get();
            let last = ins.periods.last().map(|p| p.id.clone());
            LOCALITY_GROUPINGS.iter().map(|&d| {
                let q = SurveyQuery { analysis: AnalysisKind::ClassAggregates, group_by: d, period: last.clone(), role: None };
                run(self, &q).map(|t| (d, t)).map_err(|e| e.to_string())
            }).collect()
        });
        r.as_deref().map_err(|e| ApiError::Internal(format!("survey group figures: {e}")))
    }
}

/// The dimensions a locality's group figures are shown for.
pub const LOCALITY_GROUPINGS: [Dimension; 2] = [Dimension::Size, Dimension::Typology];

/// Properties of the Whole-COMM report's statements shown in a locality's survey section.
const REPORT_PROPERTIES: [Property; 8] = [
    Property::SizeClass, Property::Typology, Property::PoliticalOrientation, Property::PolicyOutcome,
    Property::IntegrationOfficer, Property::StructuralConditions, Property::DiversityExperience, Property::AdministrativeRole,
];

/// What the survey data say about locality `id`: the Whole-COMM report's statements about it and
/// the group-level figures of its size class and typology (the size class assumed from its
/// population when no source states it), explicitly empty when there is neither.
pub fn locality_survey(s: &Snapshot, data: &SurveyData, id: &Id) -> Result<LocalitySurveyOut, ApiError> {
    let (ins, locs, ds) = data.get();
    let name = s.name(id);
    let report: Vec<FactOut> = convert::facts(s, id).into_iter()
        .filter(|f| f.citation.source == WHOLE_COMM && REPORT_PROPERTIES.iter().any(|p| p.to_string() == f.property)).collect();
    let tables = data.group_tables()?;
    let measure = tables.first().map(|(_, t)| format!("{} ({}): {}", t.title, t.figure, t.notes.first().map(String::as_str).unwrap_or(""))).unwrap_or_default();
    let mut groups = Vec::new();
    let mut notes = Vec::new();
    let size = learningapi::size_class(s, id);
    let typology = learningapi::attribute(s, id, Property::Typology, "typology");
    for (dim, value) in [(Dimension::Size, size), (Dimension::Typology, typology)] {
        if value.status != OBSERVED && value.status != learningapi::ASSUMED {
            continue;
        }
        let in_group: Vec<&str> = locs.iter().filter(|l| if dim == Dimension::Size { &l.size_class } else { &l.typology }.as_deref() == Some(value.value.as_str())).map(|l| l.id.as_str()).collect();
        let Some((_, table)) = tables.iter().find(|(d, _)| *d == dim) else { continue };
        let rows: Vec<SurveyRowOut> = to_wire(data, table).rows.into_iter().filter(|r| r.group.len() == 1 && r.group[0] == value.value).collect();
        if rows.is_empty() {
            notes.push(format!("The survey dataset has no localities with {} {}, so there are no group figures for it.", dim.id(), value.value.replace('_', " ")));
            continue;
        }
        let respondents = ds.respondents.iter().filter(|r| in_group.contains(&r.locality.as_str())).count();
        groups.push(SurveyGroupOut { dimension: dim.id().to_string(), value: value.value, status: value.status, source: value.source, localities: in_group.len(), respondents, rows });
    }
    let respondents = ds.respondents.iter().filter(|r| r.locality == id.as_str()).count();
    let no_data = report.is_empty() && groups.is_empty() && respondents == 0;
    if no_data {
        notes.insert(0, format!("No survey data for {name}: the Whole-COMM report makes no statement about it, and neither its size class nor its typology is known, so no group figures apply."));
    } else {
        if report.is_empty() {
            notes.push(format!("The Whole-COMM report makes no statement about {name}."));
        }
        if respondents == 0 {
            notes.push(format!("The loaded survey dataset holds no answers from {name}: the figures are group-level, computed on respondents from other localities of the same group."));
        }
    }
    if ds.synthetic && !groups.is_empty() {
        notes.push(format!("SYNTHETIC DATA — the group figures are computed on {} generated respondents in {} invented localities (seed {SEED}) to show how the Whole-COMM interaction survey is analysed; they say nothing about real places.", ds.len(), locs.len()));
    }
    Ok(LocalitySurveyOut {
        locality: convert::eref(s, id),
        whole_comm: !report.is_empty(),
        report,
        respondents,
        synthetic: ds.synthetic,
        period: ins.periods.last().map(|p| p.label.clone()).unwrap_or_default(),
        measure,
        groups,
        no_data,
        notes,
    })
}

/// Dashboard filters.
#[derive(Clone, Debug)]
pub struct SurveyQuery {
    /// Analysis.
    pub analysis: AnalysisKind,
    /// Grouping.
    pub group_by: Dimension,
    /// Period id (None: all periods).
    pub period: Option<String>,
    /// Role id (None: all roles).
    pub role: Option<String>,
}

/// Analyses offered.
pub fn analysis_ids() -> Vec<&'static str> {
    AnalysisKind::ALL.iter().map(|k| k.id()).collect()
}

/// Groupings offered.
pub const GROUPINGS: [&str; 5] = ["size", "orientation", "typology", "country", "role"];

impl SurveyQuery {
    /// Reads the filters.
    pub fn parse(data: &SurveyData, p: &mut Params) -> SurveyQuery {
        let (ins, _, _) = data.get();
        let ids = analysis_ids();
        let analysis = p.choice("analysis", &ids).and_then(|a| a.parse().ok()).unwrap_or(AnalysisKind::ClassAggregates);
        let group_by = p.choice("group_by", &GROUPINGS).and_then(|g| g.parse().ok()).unwrap_or(Dimension::Size);
        let periods: Vec<&str> = ins.periods.iter().map(|x| x.id.as_str()).chain(["all"]).collect();
        let period = p.choice("period", &periods).filter(|x| x != "all");
        let roles: Vec<&str> = ins.roles.iter().map(|x| x.id.as_str()).chain(["all"]).collect();
        let role = p.choice("role", &roles).filter(|x| x != "all");
        SurveyQuery { analysis, group_by, period, role }
    }
}

/// Runs the analysis.
pub fn run(data: &SurveyData, q: &SurveyQuery) -> Result<ResultTable, ApiError> {
    let (ins, locs, ds) = data.get();
    let cfg = AnalysisConfig {
        group_by: vec![q.group_by], periods: q.period.clone().map(|p| vec![p]), roles: q.role.clone().into_iter().collect(),
        resamples: RESAMPLES, seed: 1, ..AnalysisConfig::default()
    };
    analyze(q.analysis, ds, ins, locs, &cfg).map_err(|e| ApiError::InvalidData(e.to_string(), vec![]))
}

/// The wire form of a result table.
pub fn to_wire(data: &SurveyData, t: &ResultTable) -> SurveyOut {
    let r2 = |x: Option<f64>| x.map(|v| (v * 1000.0).round() / 1000.0);
    SurveyOut {
        analysis: t.analysis.id().into(), title: t.title.clone(), figure: t.figure.clone(), synthetic: t.synthetic,
        group_by: t.group_by.iter().map(|d| d.id().to_string()).collect(), respondents: data.get().2.len(), notes: t.notes.clone(),
        rows: t.rows.iter().map(|r| SurveyRowOut {
            group: r.group.clone(), period: r.period.clone(), measure: r.measure.clone(), label: r.measure_label.clone(), statistic: r.statistic.clone(),
            estimate: EstimateOut { n: r.estimate.n, mean: r2(r.estimate.mean), ci_low: r2(r.estimate.ci_low), ci_high: r2(r.estimate.ci_high), small_n: r.estimate.small_n },
        }).collect(),
    }
}

/// A survey analysis on the synthetic dataset, with bootstrap intervals.
#[utoipa::path(get, path = "/api/v1/survey", operation_id = "get_survey", tag = "analyses",
    params(("analysis" = Option<String>, Query, description = "frequency, class_aggregates (default), change, nature, lead, indexes, attitudes, responsibility, information_sources"),
        ("group_by" = Option<String>, Query, description = "size (default), orientation, typology, country, role"),
        ("period" = Option<String>, Query, description = "Period id of the instrument, or all"),
        ("role" = Option<String>, Query, description = "Respondent role id, or all")),
    responses((status = 200, body = SurveyOut), (status = 400, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn get_survey(State(st): State<AppState>, RawQuery(q): RawQuery) -> Result<Json<SurveyOut>, ApiError> {
    let data = st.extras.clone();
    let mut p = Params::parse(q.as_deref());
    let sq = SurveyQuery::parse(&data, &mut p);
    p.finish()?;
    let out = tokio::task::spawn_blocking(move || run(&data, &sq).map(|t| to_wire(&data, &t))).await.map_err(|e| ApiError::Internal(e.to_string()))??;
    Ok(Json(out))
}

/// What the survey data say about a locality: the Whole-COMM report's statements about it and
/// group-level figures (mean interaction frequency per class of actor, with n and bootstrap
/// intervals) for its size class and typology — on the synthetic dataset, flagged as such.
#[utoipa::path(get, path = "/api/v1/localities/{id}/survey", operation_id = "get_locality_survey", tag = "analyses",
    params(("id" = String, Path, description = "Locality id, with or without the `loc:` prefix")),
    responses((status = 200, body = LocalitySurveyOut), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get_locality_survey(State(st): State<AppState>, Path(id): Path<String>, RawQuery(q): RawQuery) -> Result<Json<LocalitySurveyOut>, ApiError> {
    Params::parse(q.as_deref()).finish()?;
    let s = st.snapshot();
    let id = convert::path_id(&s, &id, IdKind::Locality)?;
    let data = st.extras.clone();
    let out = tokio::task::spawn_blocking(move || locality_survey(&s, &data, &id)).await.map_err(|e| ApiError::Internal(e.to_string()))??;
    Ok(Json(out))
}
