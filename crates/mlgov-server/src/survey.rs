//! Survey figures in the explorer and the API, from the surveys stored in the database (imported,
//! synthetic by a user's choice, or collected through invitation links) and their published
//! releases. Who sees what is decided here, once, by [`Audience`]:
//!
//! * the anonymous public and viewers see only the latest published **release** of a survey
//!   (frozen figures that passed disclosure control when they were published,
//!   `mlgov_survey::publish`); a survey without a release is invisible to them;
//! * a project's researchers (any researcher for a survey without a project) and admins see the
//!   **live** figures of stored datasets, computed by the same `mlgov-survey` analyses as the CLI,
//!   with n, localities, intervals that treat localities as clusters and small-n / few-localities
//!   flags; for other surveys they see the release.
//!
//! Nothing is generated here: synthetic figures appear only for a dataset a user made with
//! `mlgov survey synth`, and carry the SYNTHETIC label. A locality's survey section shows the
//! Whole-COMM report's statements about it and the figures of the groups it belongs to in each
//! visible survey (never its own respondents' answers to the public).

use axum::extract::{Path, RawQuery, State};
use axum::{Extension, Json};
use mlgov_analysis::tables::WHOLE_COMM;
use mlgov_auth::Principal;
use mlgov_domain::{Id, IdKind, Property};
use mlgov_survey::dashboard::{self, LiveQuery};
use mlgov_survey::publish::PublishedChoice;
use mlgov_survey::{AnalysisKind, Dimension, Instrument, ResultRow, ResultTable};

use crate::catalog::{Audience, Catalog, ReleaseEntry, View};
use crate::convert;
use crate::error::{ApiError, ErrorBody, blocking};
use crate::learningapi::{self, OBSERVED};
use crate::params::Params;
use crate::state::{AppState, Snapshot};
use crate::wire::*;

/// The audience of a request from its principal extension.
pub fn audience(who: Option<Extension<Principal>>) -> Audience {
    Audience::of(who.as_ref().map(|e| &e.0))
}

/// Dashboard filters.
#[derive(Clone, Debug)]
pub struct SurveyQuery {
    /// Survey name (None: the first visible one).
    pub survey: Option<String>,
    /// Analysis (live views).
    pub analysis: AnalysisKind,
    /// Grouping (live views).
    pub group_by: Dimension,
    /// Period id (None: all periods; live views).
    pub period: Option<String>,
    /// Respondents (live views): None the report's population (elected policymakers and local
    /// officials), `all` every role, or one role id.
    pub role: Option<String>,
    /// Published table id (release views; None: the first class-aggregate table).
    pub table: Option<String>,
}

/// Analyses offered.
pub fn analysis_ids() -> Vec<&'static str> {
    AnalysisKind::ALL.iter().map(|k| k.id()).collect()
}

/// Groupings offered.
pub const GROUPINGS: [&str; 5] = ["size", "orientation", "typology", "country", "role"];

impl SurveyQuery {
    /// Reads the filters; which values are valid depends on the surveys `views` offers.
    pub fn parse(views: &[View], p: &mut Params) -> SurveyQuery {
        let names: Vec<&str> = views.iter().map(|v| v.name()).collect();
        let survey = p.choice("survey", &names);
        let view =
            survey.as_deref().and_then(|n| views.iter().find(|v| v.name() == n)).or(views.first());
        let ins = view.and_then(View::instrument).unwrap_or_else(Instrument::whole_comm);
        let ids = analysis_ids();
        let analysis = p
            .choice("analysis", &ids)
            .and_then(|a| a.parse().ok())
            .unwrap_or(AnalysisKind::ClassAggregates);
        let group_by = p
            .choice("group_by", &GROUPINGS)
            .and_then(|g| g.parse().ok())
            .unwrap_or(Dimension::Size);
        let periods: Vec<&str> = ins.periods.iter().map(|x| x.id.as_str()).chain(["all"]).collect();
        let period = p.choice("period", &periods).filter(|x| x != "all");
        let roles: Vec<&str> =
            ins.roles.iter().map(|x| x.id.as_str()).chain(["all", "report"]).collect();
        let role = p.choice("role", &roles).filter(|x| x != "report");
        let tables: Vec<&str> = view
            .and_then(View::release)
            .map(|r| r.figures.tables.iter().map(|t| t.id.as_str()).collect())
            .unwrap_or_default();
        let table = if tables.is_empty() {
            p.string("table").and(None)
        } else {
            p.choice("table", &tables)
        };
        SurveyQuery { survey, analysis, group_by, period, role, table }
    }
}

/// The figures a dashboard shows: a result table (live or converted from a release), the
/// instrument for its chart, and the release's choice tables.
pub struct Shown {
    /// The view.
    pub view: View,
    /// The table.
    pub table: ResultTable,
    /// Instrument (for charts), when known.
    pub instrument: Option<Instrument>,
    /// Published choice tables (release views).
    pub choices: Vec<PublishedChoice>,
    /// Ids and titles of the release's tables (release views).
    pub tables: Vec<(String, String)>,
}

/// Runs the dashboard query for `who`; `NotFound` when no survey is visible.
pub fn run(s: &Snapshot, who: &Audience, q: &SurveyQuery) -> Result<Shown, ApiError> {
    let views = s.surveys.visible(who);
    let view = match &q.survey {
        Some(n) => views.iter().find(|v| v.name() == n),
        None => views.first(),
    }
    .cloned()
    .ok_or_else(|| ApiError::NotFound(no_survey_message(who, &s.surveys)))?;
    if view.live { run_live(view, q) } else { run_release(view, q) }
}

/// The live figures of a view's dataset.
fn run_live(view: View, q: &SurveyQuery) -> Result<Shown, ApiError> {
    let d = view
        .entry
        .dataset
        .as_ref()
        .ok_or_else(|| ApiError::Internal("live view without a dataset".into()))?
        .decoded()?;
    let locs = view.localities(&d);
    let live = LiveQuery {
        analysis: q.analysis,
        group_by: q.group_by,
        period: q.period.as_deref(),
        role: q.role.as_deref(),
    };
    let table = dashboard::live_table(&live, &d.dataset, &d.instrument, &locs)
        .map_err(|e| ApiError::InvalidData(e.to_string(), vec![]))?;
    Ok(Shown {
        instrument: Some(d.instrument.clone()),
        view,
        table,
        choices: Vec::new(),
        tables: Vec::new(),
    })
}

/// The table of a view's release the query names (or the first class-aggregate one).
fn run_release(view: View, q: &SurveyQuery) -> Result<Shown, ApiError> {
    let r = view
        .release()
        .ok_or_else(|| ApiError::Internal("release view without a release".into()))?;
    let published = dashboard::release_table(&r.figures, q.table.as_deref()).ok_or_else(|| {
        ApiError::NotFound(format!(
            "release {} of survey {:?} has no such table",
            r.number,
            view.name()
        ))
    })?;
    let ins = view.instrument();
    Ok(Shown {
        table: dashboard::result_table(published, &r.figures),
        tables: dashboard::table_titles(&r.figures, ins.as_ref()),
        choices: r.figures.choices.clone(),
        instrument: ins,
        view: view.clone(),
    })
}

/// Why nothing is shown to `who`.
pub fn no_survey_message(who: &Audience, c: &Catalog) -> String {
    let mut m = match who {
        Audience::Public => "No survey figures are published yet. Researchers publish a frozen, disclosure-controlled release of a survey with `mlgov survey release NAME` (or POST /api/v1/surveys/NAME/releases); live figures are shown to signed-in researchers of the survey's project.".to_string(),
        Audience::Member { .. } => "No stored survey is visible to this account: import one with `mlgov survey import FILE` (or make a synthetic one with `mlgov survey synth`), or ask to be added to the survey's project.".to_string(),
    };
    for u in &c.unreadable {
        m.push(' ');
        m.push_str(u);
    }
    m
}

/// The wire form of a result table.
pub fn row_wire(r: &ResultRow) -> SurveyRowOut {
    let r3 = |x: Option<f64>| x.map(|v| (v * 1000.0).round() / 1000.0);
    let e = &r.estimate;
    SurveyRowOut {
        group: r.group.clone(),
        period: r.period.clone(),
        measure: r.measure.clone(),
        label: r.measure_label.clone(),
        statistic: r.statistic.clone(),
        estimate: EstimateOut {
            n: (!e.suppressed).then_some(e.n),
            localities: (!e.suppressed).then_some(e.localities),
            few_localities: e.few_localities && !e.suppressed,
            mean: r3(e.mean),
            ci_low: r3(e.ci_low),
            ci_high: r3(e.ci_high),
            small_n: e.small_n,
            suppressed: e.suppressed,
        },
    }
}

/// The wire form of what a dashboard shows.
pub fn to_wire(s: &Snapshot, who: &Audience, shown: &Shown) -> SurveyOut {
    let t = &shown.table;
    let v = &shown.view;
    SurveyOut {
        survey: v.name().to_string(),
        source: v.source().into(),
        release: v.release().map(|r| r.number),
        min_cell: v.release().map(|r| r.figures.min_cell),
        table: t.id.clone(),
        analysis: t.analysis.id().into(),
        title: t.title.clone(),
        figure: t.figure.clone(),
        synthetic: v.synthetic(),
        group_by: t.group_by.iter().map(|d| d.id().to_string()).collect(),
        respondents: v.respondents(),
        notes: t.notes.clone(),
        notice: v.notice(),
        rows: t.rows.iter().map(row_wire).collect(),
        choices: shown
            .choices
            .iter()
            .map(|c| SurveyChoiceOut {
                item: c.item.clone(),
                label: c.label.clone(),
                total: c.total,
                options: c.options.clone(),
            })
            .collect(),
        surveys: s
            .surveys
            .visible(who)
            .iter()
            .map(|x| SurveyRefOut {
                name: x.name().to_string(),
                label: x.label(),
                source: x.source().into(),
                release: x.release().map(|r| r.number),
                synthetic: x.synthetic(),
            })
            .collect(),
    }
}

/// Properties of the Whole-COMM report's statements shown in a locality's survey section.
const REPORT_PROPERTIES: [Property; 8] = [
    Property::SizeClass,
    Property::Typology,
    Property::PoliticalOrientation,
    Property::PolicyOutcome,
    Property::IntegrationOfficer,
    Property::StructuralConditions,
    Property::DiversityExperience,
    Property::AdministrativeRole,
];

/// The figures of one survey in a locality's section.
struct Figures {
    period: String,
    respondents: Option<usize>,
    groups: Vec<SurveyGroupOut>,
}

/// What the survey data say about locality `id` to `who`: the Whole-COMM report's statements about
/// it and, in every survey `who` may see, the interactions by class of actor in the last period
/// for the groups it belongs to (size class, typology; the size class assumed from its
/// population when no source states it) — explicitly empty when there is nothing.
pub fn locality_survey(
    s: &Snapshot,
    who: &Audience,
    id: &Id,
) -> Result<LocalitySurveyOut, ApiError> {
    let report: Vec<FactOut> = convert::facts(s, id)
        .into_iter()
        .filter(|f| {
            f.citation.source == WHOLE_COMM
                && REPORT_PROPERTIES.iter().any(|p| p.to_string() == f.property)
        })
        .collect();
    let known = known_groups(s, id);
    let mut surveys = Vec::new();
    let mut notes = Vec::new();
    let views = s.surveys.visible(who);
    for view in &views {
        let figures = match view.release() {
            _ if view.live => live_figures(view, id, &known, &mut notes)?,
            Some(r) => Some(release_figures(view, r, &known, &mut notes)),
            None => None,
        };
        let Some(f) = figures else { continue };
        if f.groups.is_empty() && f.respondents.unwrap_or(0) == 0 {
            continue;
        }
        surveys.push(LocalitySurveyFiguresOut {
            survey: view.name().into(),
            label: view.label(),
            source: view.source().into(),
            release: view.release().map(|r| r.number),
            synthetic: view.synthetic(),
            period: f.period,
            respondents: f.respondents,
            groups: f.groups,
            notice: view.notice(),
        });
    }
    let measure = "Interactions aggregated by class of actor (Whole-COMM report, Figures 2–4): for each respondent, the mean interaction frequency with the actors of a class (sums in releases made before issue 16); the mean over the respondents of a group, with its n, its localities and a 95 % interval that treats localities as clusters.".to_string();
    let no_data = report.is_empty() && surveys.is_empty();
    let name = s.name(id);
    section_notes(&name, &report, no_data, known.is_empty(), &mut notes);
    if views.is_empty() {
        notes.push(no_survey_message(who, &s.surveys));
    }
    Ok(LocalitySurveyOut {
        locality: convert::eref(s, id),
        whole_comm: !report.is_empty(),
        report,
        measure,
        surveys,
        no_data,
        notes,
    })
}

/// The groups of locality `id` whose figures apply: its size class and typology, when observed
/// or assumed.
fn known_groups(s: &Snapshot, id: &Id) -> Vec<(Dimension, LearningFactorOut)> {
    let size = learningapi::size_class(s, id);
    let typology = learningapi::attribute(s, id, Property::Typology, "typology");
    [(Dimension::Size, size), (Dimension::Typology, typology)]
        .into_iter()
        .filter(|(_, v)| v.status == OBSERVED || v.status == learningapi::ASSUMED)
        .collect()
}

/// The live figures of a locality's groups in a view's dataset (None without a dataset).
fn live_figures(
    view: &View,
    id: &Id,
    known: &[(Dimension, LearningFactorOut)],
    notes: &mut Vec<String>,
) -> Result<Option<Figures>, ApiError> {
    let Some(d) = view.entry.dataset.as_ref() else { return Ok(None) };
    let d = d.decoded()?;
    let locs = view.localities(&d);
    let period = d.instrument.periods.last().map(|p| p.label.clone()).unwrap_or_default();
    let respondents = Some(dashboard::respondents_of(&d.dataset, id.as_str()));
    let mut groups = Vec::new();
    for (dim, value) in known {
        let group = dashboard::live_group(&d.dataset, &d.instrument, &locs, *dim, &value.value)
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let Some(g) = group else {
            notes.push(format!(
                "Survey {:?} has no respondents with {} {}, so it has no group figures for it.",
                view.name(),
                dim.id(),
                value.value.replace('_', " ")
            ));
            continue;
        };
        groups.push(SurveyGroupOut {
            dimension: dim.id().into(),
            value: value.value.clone(),
            status: value.status.clone(),
            source: value.source.clone(),
            localities: Some(g.localities),
            respondents: Some(g.respondents),
            rows: g.rows.iter().map(row_wire).collect(),
        });
    }
    Ok(Some(Figures { period, respondents, groups }))
}

/// The published figures of a locality's groups in a view's release: the class-aggregate tables
/// over the report's population whose groups are exactly the locality's values on every
/// grouping dimension.
fn release_figures(
    view: &View,
    r: &ReleaseEntry,
    known: &[(Dimension, LearningFactorOut)],
    notes: &mut Vec<String>,
) -> Figures {
    let period = dashboard::release_period(&r.figures, view.instrument().as_ref());
    let mut groups = Vec::new();
    for t in dashboard::population_tables(&r.figures) {
        let values: Option<Vec<&LearningFactorOut>> =
            t.group_by.iter().map(|d| known.iter().find(|(k, _)| k == d).map(|(_, v)| v)).collect();
        let Some(values) = values else { continue };
        let want: Vec<&str> = values.iter().map(|v| v.value.as_str()).collect();
        let rows = dashboard::group_rows(&dashboard::result_table(t, &r.figures), &want);
        if rows.is_empty() {
            notes.push(format!("Release {} of survey {:?} publishes no group {} (fewer than {} respondents, or none).", r.number, view.name(), want.join(" · ").replace('_', " "), r.figures.min_cell));
            continue;
        }
        groups.push(SurveyGroupOut {
            dimension: t.group_by.iter().map(|d| d.id()).collect::<Vec<_>>().join(" × "),
            value: want.join(" · "),
            status: values.iter().map(|v| v.status.as_str()).collect::<Vec<_>>().join(" · "),
            source: values.iter().map(|v| v.source.as_str()).collect::<Vec<_>>().join("; "),
            localities: None,
            respondents: None,
            rows: rows.iter().map(row_wire).collect(),
        });
    }
    Figures { period, respondents: None, groups }
}

/// The notes of a locality's section about what it lacks.
fn section_notes(
    name: &str,
    report: &[FactOut],
    no_data: bool,
    groups_unknown: bool,
    notes: &mut Vec<String>,
) {
    if no_data {
        notes.insert(
            0,
            if groups_unknown {
                format!("No survey data for {name}: the Whole-COMM report makes no statement about it, and neither its size class nor its typology is known, so no group figures apply.")
            } else {
                format!("No survey data for {name}: the Whole-COMM report makes no statement about it, and no survey visible here has figures for its groups.")
            },
        );
    } else if report.is_empty() {
        notes.push(format!("The Whole-COMM report makes no statement about {name}."));
    }
}

/// A survey analysis: live figures of a stored dataset for its project's researchers, or the
/// latest published release for everyone else.
#[utoipa::path(get, path = "/api/v1/survey", operation_id = "get_survey", tag = "analyses",
    params(("survey" = Option<String>, Query, description = "Survey name (default: the first visible survey)"),
        ("analysis" = Option<String>, Query, description = "Live figures: frequency, class_aggregates (default), change, nature, lead, indexes, attitudes, responsibility, information_sources"),
        ("group_by" = Option<String>, Query, description = "Live figures: size (default), orientation, typology, country, role"),
        ("period" = Option<String>, Query, description = "Live figures: period id of the instrument, or all"),
        ("role" = Option<String>, Query, description = "Live figures: respondent role id, or all"),
        ("table" = Option<String>, Query, description = "Releases: id of a published table (default: the first class-aggregate table)")),
    responses((status = 200, description = "Survey figures for the audience", body = SurveyOut), (status = 400, description = "Invalid parameters (every problem listed)", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody), (status = 422, description = "Well-formed but invalid data", body = ErrorBody)))]
pub async fn get_survey(
    State(st): State<AppState>,
    who: Option<Extension<Principal>>,
    RawQuery(q): RawQuery,
) -> Result<Json<SurveyOut>, ApiError> {
    let who = audience(who);
    let s = st.snapshot();
    let mut p = Params::parse(q.as_deref());
    let sq = SurveyQuery::parse(&s.surveys.visible(&who), &mut p);
    p.finish()?;
    let out = blocking(move || run(&s, &who, &sq).map(|shown| to_wire(&s, &who, &shown))).await?;
    Ok(Json(out))
}

/// What the survey data say about a locality: the Whole-COMM report's statements about it and,
/// in every survey the caller may see, group-level figures for its size class and typology.
#[utoipa::path(get, path = "/api/v1/localities/{id}/survey", operation_id = "get_locality_survey", tag = "analyses",
    params(("id" = String, Path, description = "Locality id, with or without the `loc:` prefix")),
    responses((status = 200, description = "The locality's survey figures, each labelled", body = LocalitySurveyOut), (status = 400, description = "Invalid parameters (every problem listed)", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub async fn get_locality_survey(
    State(st): State<AppState>,
    who: Option<Extension<Principal>>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Result<Json<LocalitySurveyOut>, ApiError> {
    Params::parse(q.as_deref()).finish()?;
    let who = audience(who);
    let (s, id) = crate::api::path_entity(&st, &id, IdKind::Locality)?;
    Ok(Json(blocking(move || locality_survey(&s, &who, &id)).await?))
}
