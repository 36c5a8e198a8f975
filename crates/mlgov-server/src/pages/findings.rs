//! The learning-profile and survey sections of a locality page, and the wording of estimates they share with the survey page.

use crate::wire::*;

use super::model::{Cell, Section, Table, cite, link, n, r, section, t, table};

/// The learning-profile section of a locality page: isolation at a glance, then the attributes
/// and enabling factors, the ties and the peers as tables, every value with its status and source.
pub(super) fn learning_section(lp: &LearningOut, body: &str) -> Section {
    let name = &lp.locality.name;
    let year = lp.year;
    let mut sec = section("learning", "Learning profile");
    sec.paragraphs.push(format!("Policy learning (Pettrachin 2023): how isolated {name} is, what enables it to learn, and which NGOs bridge it to others, with ties read in {year}. Every value gives its source or its status: observed (a sourced statement), assumed (derived by mlgov under the assumption stated) or not in the data."));
    sec.pairs.extend(learning_pairs(lp));
    sec.tables.extend(learning_tables(lp));
    if !lp.findings.is_empty() {
        sec.tables.push(table("learning-findings", format!("What the studies found for localities like {name}: group-level evidence, not an observation of {name}"), &["topic", "finding", "applies because", "source"],
            lp.findings.iter().map(|x| vec![t(&x.topic), t(&x.finding), t(&x.applies_because), t(&x.source)]).collect()));
    }
    sec.notes.extend(
        lp.notes.iter().map(|x| x.replace("(mlgov diffusion)", "(see the Diffusion page)")),
    );
    sec.links.push(link(
        "JSON of this learning profile",
        Some(format!("/api/v1/localities/{body}/learning")),
    ));
    sec
}

/// The learning profile in a few pairs: networks, domestic ties only, ties and peers.
fn learning_pairs(lp: &LearningOut) -> Vec<(String, Cell)> {
    let year = lp.year;
    let mut pairs = Vec::new();
    let recorded = |k: usize| if k == 0 { "none recorded".to_string() } else { k.to_string() };
    let unscaled = if lp.networks_without_scale == 0 {
        String::new()
    } else {
        format!("; {} without a stated scale", lp.networks_without_scale)
    };
    pairs.push((
        format!("Networks in {year}"),
        t(if lp.networks == 0 {
            "none recorded".to_string()
        } else {
            format!("{} ({} continental or global{unscaled})", lp.networks, lp.international)
        }),
    ));
    let domestic = if lp.networks == 0 {
        "no network recorded".to_string()
    } else if lp.international > 0 {
        "no".to_string()
    } else if lp.networks_without_scale > 0 {
        format!(
            "unknown: {} of its {} networks have no stated scale",
            lp.networks_without_scale, lp.networks
        )
    } else {
        (if lp.only_domestic_networks { "yes" } else { "no" }).to_string()
    };
    pairs.push(("Ties only to local, subnational or national networks".into(), t(domestic)));
    pairs.push((
        "Vertical ties (regional, national, EU and international bodies)".into(),
        t(recorded(lp.vertical)),
    ));
    pairs.push(("Horizontal ties (NGOs and civil society)".into(), t(recorded(lp.horizontal))));
    pairs.push(("NGO bridges to other localities or networks".into(), t(recorded(lp.ngo_bridges))));
    pairs.push(("Localities sharing a network".into(), t(recorded(lp.peers.len()))));
    pairs
}

/// The learning profile's attributes, enabling factors, ties and peers, as tables.
fn learning_tables(lp: &LearningOut) -> Vec<Table> {
    let year = lp.year;
    let factor_row = |f: &LearningFactorOut| {
        vec![t(&f.name), t(f.value.replace('_', " ")), t(&f.status), t(&f.source)]
    };
    vec![
        table(
            "learning-attributes",
            "Attributes, each with its status and source",
            &["attribute", "value", "status", "source"],
            lp.attributes.iter().map(factor_row).collect(),
        ),
        table(
            "learning-enabling",
            "Enabling factors, each with its status and source",
            &["enabling factor", "value", "status", "source"],
            lp.enabling.iter().map(factor_row).collect(),
        ),
        table(
            "learning-ties",
            format!("Ties in force in {year}, all observed, each with its source"),
            &["tie", "with", "detail", "source"],
            lp.ties
                .iter()
                .map(|x| {
                    vec![
                        t(&x.tie),
                        r(&x.with),
                        t(&x.detail),
                        t(if x.source.is_empty() {
                            "its relations and memberships (see its page)"
                        } else {
                            &x.source
                        }),
                    ]
                })
                .collect(),
        ),
        table(
            "learning-peers",
            "Localities sharing a network",
            &["locality", "networks shared"],
            lp.peers.iter().map(|x| vec![r(&x.locality), t(&x.shares)]).collect(),
        ),
    ]
}

/// The flags of an estimate, in words.
pub(super) fn flags(small_n: bool, few_localities: bool) -> String {
    [(small_n, "small n"), (few_localities, "fewer than 5 localities")]
        .iter()
        .filter(|x| x.0)
        .map(|x| x.1)
        .collect::<Vec<_>>()
        .join("; ")
}

/// An interval as `low–high` (three decimals, as on the survey dashboards).
pub(super) fn interval(low: Option<f64>, high: Option<f64>) -> String {
    match (low, high) {
        (Some(a), Some(b)) => format!("{a:.3}–{b:.3}"),
        _ => String::new(),
    }
}

fn group_dimension(d: &str) -> &str {
    if d == "size" { "size class" } else { d }
}

/// The survey section of a locality page: the Whole-COMM report's statements about it and, for
/// every survey the visitor may see (live for its project's researchers, the latest release for
/// everyone else), the group-level figures of its size class and typology — labelled SYNTHETIC
/// when the answers are — or an explicit statement that there is no survey data.
pub(super) fn survey_section(sv: &LocalitySurveyOut, body: &str) -> Section {
    let name = &sv.locality.name;
    let mut sec = section("survey", "Survey results");
    sec.links.push(link(
        "JSON of these survey results",
        Some(format!("/api/v1/localities/{body}/survey")),
    ));
    sec.links.insert(0, link("Survey dashboards", Some("/survey".into())));
    if sv.no_data {
        sec.notice = sv.notes.first().cloned();
        sec.notes.extend(sv.notes.iter().skip(1).cloned());
        return sec;
    }
    let notices: Vec<&str> =
        sv.surveys.iter().filter(|f| f.synthetic).map(|f| f.survey.as_str()).collect();
    if !notices.is_empty() {
        sec.notice = Some(format!(
            "SYNTHETIC DATA in {} — group-level figures on generated answers, not answers from {name}; they say nothing about real places.",
            notices.join(", ")
        ));
    }
    if sv.whole_comm {
        sec.paragraphs.push(format!("The Whole-COMM study covers {name}: {} statement(s) of its report (Schiller et al. 2023) class it, each with its table and cell.", sv.report.len()));
        sec.tables.push(table(
            "survey-report",
            "What the Whole-COMM report states about it",
            &["property", "value", "source"],
            sv.report
                .iter()
                .map(|f| {
                    vec![t(f.property.replace('_', " ")), t(&f.value_label), cite(&f.citation)]
                })
                .collect(),
        ));
    }
    if !sv.surveys.is_empty() {
        sec.paragraphs.push(format!("Interactions with each class of actor for the groups {name} belongs to, in each survey shown here, with the number of respondents n, the localities behind it and 95 % intervals. {}", sv.measure));
    }
    sec.pairs.extend(sv.surveys.iter().flat_map(survey_pairs));
    let rows = group_rows(sv);
    if !rows.is_empty() {
        sec.tables.push(table(
            "survey-groups",
            "Group-level figures: interactions by class of actor",
            &[
                "survey",
                "group",
                "class of actor",
                "period",
                "n",
                "localities",
                "mean",
                "95 % interval",
                "flags",
            ],
            rows,
        ));
        sec.tables.push(group_basis_table(sv));
    }
    sec.notes.extend(sv.notes.iter().cloned());
    sec
}

/// What a locality's survey page says of one survey: its notice, the answers from the locality
/// and the groups it belongs to.
fn survey_pairs(f: &LocalitySurveyFiguresOut) -> Vec<(String, Cell)> {
    let mut pairs = vec![(format!("Survey {}", f.label), t(&f.notice))];
    if let Some(n) = f.respondents {
        pairs.push((
            format!("Answers from this locality in {}", f.survey),
            t(if n == 0 { "none".to_string() } else { n.to_string() }),
        ));
    }
    for g in &f.groups {
        let dim = group_dimension(&g.dimension);
        let counts = match (g.localities, g.respondents) {
            (Some(l), Some(r)) => format!("; {l} localities, {r} respondents"),
            _ => String::new(),
        };
        pairs.push((
            format!("{}: group by {dim}", f.survey),
            t(format!(
                "{} ({}{counts}{})",
                g.value.replace('_', " "),
                g.status,
                if f.synthetic { ", synthetic" } else { "" }
            )),
        ));
    }
    pairs
}

/// The group-level figures of every survey, one row per group and class of actor.
fn group_rows(sv: &LocalitySurveyOut) -> Vec<Vec<Cell>> {
    sv.surveys
        .iter()
        .flat_map(|f| {
            f.groups.iter().flat_map(move |g| {
                let dim = group_dimension(&g.dimension);
                g.rows.iter().map(move |x| {
                    vec![
                        t(format!("{}{}", f.survey, if f.synthetic { " (SYNTHETIC)" } else { "" })),
                        t(format!("{dim}: {} ({})", g.value.replace('_', " "), g.status)),
                        t(&x.label),
                        t(&f.period),
                        n(x.estimate
                            .n
                            .map(|v| v.to_string())
                            .unwrap_or_else(|| "suppressed".into())),
                        n(x.estimate
                            .localities
                            .filter(|l| *l > 0)
                            .map(|v| v.to_string())
                            .unwrap_or_default()),
                        n(x.estimate.mean.map(|v| format!("{v:.3}")).unwrap_or_default()),
                        n(interval(x.estimate.ci_low, x.estimate.ci_high)),
                        t(flags(x.estimate.small_n, x.estimate.few_localities)),
                    ]
                })
            })
        })
        .collect()
}

/// Why the locality is in each group: the value, its status and its source.
fn group_basis_table(sv: &LocalitySurveyOut) -> Table {
    table(
        "survey-group-basis",
        "Why these groups",
        &["survey", "group", "value", "status", "source"],
        sv.surveys
            .iter()
            .flat_map(|f| {
                f.groups.iter().map(move |g| {
                    vec![
                        t(&f.survey),
                        t(group_dimension(&g.dimension)),
                        t(g.value.replace('_', " ")),
                        t(&g.status),
                        t(&g.source),
                    ]
                })
            })
            .collect(),
    )
}

pub(super) fn strip_prolog(svg: &str) -> String {
    svg.find("<svg").map(|i| svg[i..].to_string()).unwrap_or_default()
}
