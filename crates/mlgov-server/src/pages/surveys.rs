//! The survey page: the findings of the bundled surveys, as figures and tables.

use axum::extract::{RawQuery, State};

use crate::error::ApiError;
use crate::params::Params;
use crate::state::AppState;
use crate::survey;
use crate::wire::{SurveyChoiceOut, SurveyOut};

use super::download::{download_param, finish};
use super::findings::{flags, strip_prolog};
use super::model::{Field, Figure, Form, Page, Section, n, section, select, t, table};
use super::render::PageResult;

/// `/survey`: the chosen survey's figure, its estimates and its choice questions; without a
/// survey to show, how survey figures get here.
pub(super) async fn survey_page(
    State(st): State<AppState>,
    who: Option<axum::Extension<mlgov_auth::Principal>>,
    RawQuery(q): RawQuery,
) -> PageResult {
    let who = survey::audience(who);
    let s = st.snapshot();
    let views = s.surveys.visible(&who);
    let mut p = Params::parse(q.as_deref());
    let sq = survey::SurveyQuery::parse(&views, &mut p);
    let dl = download_param(&mut p);
    p.finish()?;
    let mut page =
        Page { title: "Survey dashboards".into(), nav: "survey".into(), ..Page::default() };
    page.lead.push("The multilevel-governance interaction survey of the Whole-COMM project (Schiller et al. 2023): how often, and how collaboratively, local policymakers interact with civil society and with higher levels, by group of localities, with n, the localities behind it and 95 % intervals that treat localities as clusters.".into());
    if views.is_empty() {
        page.notice = Some(survey::no_survey_message(&who, &s.surveys));
        let mut how = section("how", "How survey figures get here");
        how.paragraphs.push("Import a survey-tool export with `mlgov survey import FILE --mapping map.toml --name NAME` (Qualtrics, LimeSurvey, KoboToolbox; docs/survey.md) or collect answers through invitation links (POST /api/v1/surveys), then publish a release with `mlgov survey release NAME`: releases are what the public and viewers see.".into());
        page.sections.push(how);
        return finish(&s, page, "/survey", q.as_deref(), dl);
    }
    let (s2, who2, sq2) = (s.clone(), who.clone(), sq.clone());
    let shown = tokio::task::spawn_blocking(move || survey::run(&s2, &who2, &sq2))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))??;
    let out = survey::to_wire(&s, &who, &shown);
    page.notice = Some(out.notice.clone());
    page.form = Some(Form {
        action: "/survey".into(),
        label: "Choose the survey and the figures".into(),
        submit: "Show".into(),
        auto: true,
        fields: survey_fields(&sq, &shown, &out),
    });
    let synthetic_note = if out.synthetic { " SYNTHETIC data." } else { "" };
    page.sections.push(figure_section(&shown, &out, synthetic_note));
    page.sections.push(estimates_section(&shown, &out, synthetic_note));
    if !out.choices.is_empty() {
        page.sections.push(choices_section(&out.choices));
    }
    finish(&s, page, "/survey", q.as_deref(), dl)
}

/// The survey, and either the live figures' analysis, grouping, period and respondents or a
/// release's published table.
fn survey_fields(sq: &survey::SurveyQuery, shown: &survey::Shown, out: &SurveyOut) -> Vec<Field> {
    let survey_field = select(
        "survey",
        "Survey",
        &out.survey,
        out.surveys.iter().map(|x| (x.name.clone(), x.label.clone())).collect(),
    );
    let mut fields = vec![survey_field];
    if shown.view.live {
        let ins = shown.instrument.clone().unwrap_or_else(mlgov_survey::Instrument::whole_comm);
        fields.extend([
            select(
                "analysis",
                "Analysis",
                sq.analysis.id(),
                mlgov_survey::AnalysisKind::ALL
                    .iter()
                    .map(|k| (k.id().to_string(), k.title().to_string()))
                    .collect(),
            ),
            select(
                "group_by",
                "Group by",
                sq.group_by.id(),
                survey::GROUPINGS.iter().map(|g| (g.to_string(), g.to_string())).collect(),
            ),
            select(
                "period",
                "Period",
                sq.period.as_deref().unwrap_or("all"),
                std::iter::once(("all".to_string(), "all periods".to_string()))
                    .chain(ins.periods.iter().map(|x| (x.id.clone(), x.label.clone())))
                    .collect(),
            ),
            select(
                "role",
                "Respondents",
                sq.role.as_deref().unwrap_or("report"),
                [
                    (
                        "report".to_string(),
                        "elected policymakers and local officials (the report's population)"
                            .to_string(),
                    ),
                    ("all".to_string(), "all roles".to_string()),
                ]
                .into_iter()
                .chain(ins.roles.iter().map(|x| (x.id.clone(), x.label.clone())))
                .collect(),
            ),
        ]);
    } else {
        fields.push(select("table", "Published table", &out.table, shown.tables.clone()));
    }
    fields
}

/// The survey's figure: its first panel drawn, the further panels named, and its notes.
fn figure_section(shown: &survey::Shown, out: &SurveyOut, synthetic_note: &str) -> Section {
    let period = mlgov_survey::dashboard::period_words(
        &shown.table.id,
        shown.table.analysis,
        shown.instrument.as_ref(),
    );
    let mut fig = section("figure", format!("{}{period} ({})", out.title, out.figure));
    if let Some(ins) = &shown.instrument {
        for (i, c) in mlgov_survey::charts_for(&shown.table, ins).into_iter().enumerate() {
            let svg = strip_prolog(&c.chart.render());
            if i == 0 {
                fig.figure = Some(Figure {
                    svg,
                    caption: format!(
                        "{} by {}, mean with its 95 % interval and n per bar (the legend gives the localities).{synthetic_note}",
                        out.title,
                        out.group_by.join(", ")
                    ),
                    table_id: Some("estimates".into()),
                    downloads: Vec::new(),
                });
            } else {
                fig.links.push(t(format!("Further panel: {}", c.suffix.trim_start_matches('_'))));
            }
        }
    }
    for note in &out.notes {
        fig.paragraphs.push(note.clone())
    }
    fig
}

/// The estimates with n, localities and 95 % intervals.
fn estimates_section(shown: &survey::Shown, out: &SurveyOut, synthetic_note: &str) -> Section {
    // Period ids (p1, p2) in words, as the instrument labels them.
    let period_label = |id: Option<&str>| -> String {
        let Some(id) = id else { return String::new() };
        shown
            .instrument
            .as_ref()
            .and_then(|ins| ins.periods.iter().find(|p| p.id == id))
            .map(|p| p.label.clone())
            .unwrap_or_else(|| id.to_string())
    };
    let mut tb = section("table", "Estimates");
    let caption = match out.release {
        Some(r) => format!(
            "Estimates with n, localities and 95 % intervals, release {r}: cells below {} respondents suppressed.{synthetic_note}",
            out.min_cell.unwrap_or(0)
        ),
        None => format!(
            "Estimates with n, localities and 95 % intervals (localities as clusters; live figures).{synthetic_note}"
        ),
    };
    tb.tables.push(table(
        "estimates",
        caption,
        &[
            "group",
            "period",
            "measure",
            "statistic",
            "n",
            "localities",
            "mean",
            "low",
            "high",
            "flags",
        ],
        out.rows
            .iter()
            .map(|r| {
                vec![
                    t(r.group.join(" · ").replace('_', " ")),
                    t(period_label(r.period.as_deref())),
                    t(&r.label),
                    t(&r.statistic),
                    n(r.estimate.n.map(|v| v.to_string()).unwrap_or_else(|| "suppressed".into())),
                    n(r.estimate
                        .localities
                        .filter(|l| *l > 0)
                        .map(|v| v.to_string())
                        .unwrap_or_default()),
                    n(r.estimate.mean.map(|x| format!("{x:.3}")).unwrap_or_default()),
                    n(r.estimate.ci_low.map(|x| format!("{x:.3}")).unwrap_or_default()),
                    n(r.estimate.ci_high.map(|x| format!("{x:.3}")).unwrap_or_default()),
                    t(flags(r.estimate.small_n, r.estimate.few_localities)),
                ]
            })
            .collect(),
    ));
    tb
}

/// The choice questions of a release, every option listed.
fn choices_section(choices: &[SurveyChoiceOut]) -> Section {
    let mut ch = section("choices", "Choice questions");
    ch.paragraphs.push("Every option of the questionnaire is listed whether or not anyone chose it; a suppressed count (fewer than k respondents, or hidden to protect another cell) says nothing — not even whether anyone chose the option.".into());
    for (i, c) in choices.iter().enumerate() {
        let total = c.total.map(|v| v.to_string()).unwrap_or_else(|| "suppressed".into());
        ch.tables.push(table(
            &format!("choice-{i}"),
            format!("{} (respondents who answered: {total})", c.label),
            &["option", "respondents"],
            c.options
                .iter()
                .map(|o| {
                    vec![
                        t(&o.label),
                        n(o.count.map(|v| v.to_string()).unwrap_or_else(|| "suppressed".into())),
                    ]
                })
                .collect(),
        ));
    }
    ch
}
