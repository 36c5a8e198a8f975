//! Survey dashboards: the Whole-COMM interaction-survey analyses of `mlgov-survey` on a
//! SYNTHETIC dataset (no real responses ship with mlgov), generated once per process with a fixed
//! seed, filtered by analysis, grouping, period and respondent role. Every output carries the
//! synthetic flag.

use std::sync::OnceLock;

use axum::extract::{RawQuery, State};
use axum::Json;
use mlgov_survey::{analyze, synth, synth_localities, AnalysisConfig, AnalysisKind, Dataset, Dimension, Instrument, LocalityInfo, ResultTable, SynthParams, SynthSize};

use crate::error::{ApiError, ErrorBody};
use crate::params::Params;
use crate::state::AppState;
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
}

impl Default for SurveyData {
    fn default() -> Self {
        Self::new()
    }
}

impl SurveyData {
    /// Empty; data are generated on first use.
    pub fn new() -> SurveyData {
        SurveyData { cell: OnceLock::new() }
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
