//! What a survey dashboard and a locality's survey section show, computed: the analysis run for
//! live figures, the published table asked of a release (in the form of the analyses' result
//! tables), and a locality's groups with their respondents and localities. Who may see what, and
//! the wire and HTML forms, stay with the server.

use std::collections::BTreeSet;

use crate::analysis::REPORT_ROLES;
use crate::publish::{PublishedFigures, PublishedRow, PublishedTable};
use crate::{
    AnalysisConfig, AnalysisError, AnalysisKind, ClassAggregate, Dataset, Dimension, Estimate,
    FEW_LOCALITIES, Instrument, IntervalMethod, LocalityInfo, ResultRow, ResultTable, analyze,
};

/// Bootstrap resamples per live estimate (releases carry their own).
pub const RESAMPLES: usize = 200;

/// What a dashboard asks of live figures.
#[derive(Clone, Debug)]
pub struct LiveQuery<'a> {
    /// Analysis.
    pub analysis: AnalysisKind,
    /// Grouping.
    pub group_by: Dimension,
    /// Period id (None: every period).
    pub period: Option<&'a str>,
    /// Respondents: None the report's population, `all` every role, or one role id.
    pub role: Option<&'a str>,
}

/// The live figures of a dataset for a dashboard (seed 1, [`RESAMPLES`] resamples).
pub fn live_table(
    q: &LiveQuery<'_>,
    ds: &Dataset,
    ins: &Instrument,
    locs: &[LocalityInfo],
) -> Result<ResultTable, AnalysisError> {
    let cfg = AnalysisConfig {
        group_by: vec![q.group_by],
        periods: q.period.map(|p| vec![p.to_string()]),
        roles: q.role.into_iter().filter(|r| *r != "all").map(str::to_string).collect(),
        all_roles: q.role == Some("all"),
        resamples: RESAMPLES,
        seed: 1,
        ..AnalysisConfig::default()
    };
    analyze(q.analysis, ds, ins, locs, &cfg)
}

/// The published table a dashboard shows: the one named, else the first class-aggregate table,
/// else the first; None when the release has no such table.
pub fn release_table<'a>(f: &'a PublishedFigures, id: Option<&str>) -> Option<&'a PublishedTable> {
    match id {
        Some(id) => f.tables.iter().find(|t| t.id == id),
        None => f
            .tables
            .iter()
            .find(|t| t.analysis == AnalysisKind::ClassAggregates)
            .or(f.tables.first()),
    }
}

/// The ids and titles (with grouping and period) of a release's tables, for the table picker.
pub fn table_titles(f: &PublishedFigures, ins: Option<&Instrument>) -> Vec<(String, String)> {
    f.tables
        .iter()
        .map(|t| {
            let by: Vec<&str> = t.group_by.iter().map(|d| d.id()).collect();
            let title = format!(
                "{} — by {}{}",
                t.title,
                by.join(" × "),
                period_words(&t.id, t.analysis, ins)
            );
            (t.id.clone(), title)
        })
        .collect()
}

/// The period of a published table in words, from its id's period suffix (`…_p2` → ", 2020–2023"
/// as the instrument labels it), or the two periods a change compares; empty when neither applies.
pub fn period_words(table_id: &str, analysis: AnalysisKind, ins: Option<&Instrument>) -> String {
    let Some(ins) = ins else { return String::new() };
    if analysis == AnalysisKind::Change {
        return match (ins.periods.first(), ins.periods.last()) {
            (Some(a), Some(b)) if a.id != b.id => {
                format!(", {} compared with {}", b.label, a.label)
            }
            _ => String::new(),
        };
    }
    ins.periods
        .iter()
        .find(|p| table_id.ends_with(&format!("_{}", p.id)))
        .map(|p| format!(", {}", p.label))
        .unwrap_or_default()
}

/// A published table in the form of the analyses' result tables (for charts and the wire type):
/// suppressed cells keep no n, mean or interval.
pub fn result_table(t: &PublishedTable, f: &PublishedFigures) -> ResultTable {
    ResultTable {
        analysis: t.analysis,
        id: t.id.clone(),
        title: t.title.clone(),
        figure: t.figure.clone(),
        synthetic: f.synthetic,
        instrument: f.instrument.clone(),
        group_by: t.group_by.clone(),
        roles: t.roles.clone(),
        resamples: t.resamples,
        seed: 0,
        confidence: t.confidence,
        small_n: f.min_cell as usize,
        publication_min_n: Some(f.min_cell as usize),
        class_aggregate: t.class_aggregate.unwrap_or(ClassAggregate::Sum),
        interval: t.interval.unwrap_or(IntervalMethod::RespondentBootstrap),
        scale: t.scale.clone(),
        notes: t.notes.clone(),
        rows: t.rows.iter().map(result_row).collect(),
    }
}

/// One published row as a result row.
fn result_row(r: &PublishedRow) -> ResultRow {
    ResultRow {
        group: r.group.clone(),
        period: r.period.clone(),
        measure: r.measure.clone(),
        measure_label: r.measure_label.clone(),
        class: r.class,
        statistic: r.statistic.clone(),
        estimate: Estimate {
            n: r.n.unwrap_or(0) as usize,
            localities: r.localities.unwrap_or(0) as usize,
            few_localities: r.localities.is_some_and(|l| (l as usize) < FEW_LOCALITIES),
            mean: r.mean,
            ci_low: r.ci_low,
            ci_high: r.ci_high,
            small_n: false,
            suppressed: r.n.is_none(),
        },
    }
}

/// The respondents of a dataset who answered for locality `id`.
pub fn respondents_of(ds: &Dataset, id: &str) -> usize {
    ds.respondents.iter().filter(|r| r.locality == id).count()
}

/// A locality's group in the live figures: the rows of its group, with the respondents and the
/// localities behind them.
#[derive(Clone, Debug)]
pub struct LiveGroup {
    /// The class-aggregate rows of the group.
    pub rows: Vec<ResultRow>,
    /// Localities the group's respondents come from.
    pub localities: usize,
    /// Respondents in the group.
    pub respondents: usize,
}

/// The interactions by class of actor, in the instrument's last period, of the localities whose
/// `dim` is `value` (size class or typology); None when no respondent is in that group.
pub fn live_group(
    ds: &Dataset,
    ins: &Instrument,
    locs: &[LocalityInfo],
    dim: Dimension,
    value: &str,
) -> Result<Option<LiveGroup>, AnalysisError> {
    let cfg = AnalysisConfig {
        group_by: vec![dim],
        periods: ins.periods.last().map(|p| vec![p.id.clone()]),
        resamples: RESAMPLES,
        seed: 1,
        ..AnalysisConfig::default()
    };
    let t = analyze(AnalysisKind::ClassAggregates, ds, ins, locs, &cfg)?;
    let rows: Vec<ResultRow> =
        t.rows.into_iter().filter(|r| r.group.len() == 1 && r.group[0] == value).collect();
    if rows.is_empty() {
        return Ok(None);
    }
    let in_group: BTreeSet<&str> = locs
        .iter()
        .filter(|l| {
            if dim == Dimension::Size { &l.size_class } else { &l.typology }.as_deref()
                == Some(value)
        })
        .map(|l| l.id.as_str())
        .collect();
    let answered: Vec<&str> = ds
        .respondents
        .iter()
        .map(|r| r.locality.as_str())
        .filter(|l| in_group.contains(l))
        .collect();
    let localities = answered.iter().collect::<BTreeSet<_>>().len();
    Ok(Some(LiveGroup { rows, localities, respondents: answered.len() }))
}

/// The label of the period a release's figures are about (its first row's period, as the
/// instrument labels it); empty when no row names one.
pub fn release_period(f: &PublishedFigures, ins: Option<&Instrument>) -> String {
    f.tables
        .iter()
        .find_map(|t| t.rows.first()?.period.clone())
        .map(|p| {
            ins.and_then(|i| i.periods.iter().find(|x| x.id == p))
                .map_or(p.clone(), |x| x.label.clone())
        })
        .unwrap_or_default()
}

/// The class-aggregate tables of a release over the report's population (releases before issue
/// 16 left `roles` empty for it; later ones name it): those a locality's groups are read from.
pub fn population_tables(f: &PublishedFigures) -> impl Iterator<Item = &PublishedTable> {
    let default_population =
        |roles: &[String]| roles.is_empty() || roles.iter().map(String::as_str).eq(REPORT_ROLES);
    f.tables.iter().filter(move |t| {
        t.analysis == AnalysisKind::ClassAggregates && default_population(&t.roles)
    })
}

/// The rows of a result table whose group is exactly `want` (one value per grouping dimension).
pub fn group_rows(t: &ResultTable, want: &[&str]) -> Vec<ResultRow> {
    t.rows
        .iter()
        .filter(|x| x.group.iter().map(String::as_str).eq(want.iter().copied()))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_id_s_period_suffix_is_named_as_the_instrument_labels_it() {
        let wc = Instrument::whole_comm();
        let last = wc.periods.last().expect("the Whole-COMM instrument has periods");
        let id = format!("class_aggregates_by_size_{}", last.id);
        assert_eq!(
            period_words(&id, AnalysisKind::ClassAggregates, Some(&wc)),
            format!(", {}", last.label)
        );
        assert_eq!(period_words("frequency_by_size", AnalysisKind::Frequency, Some(&wc)), "");
        assert_eq!(period_words(&id, AnalysisKind::ClassAggregates, None), "");
    }

    #[test]
    fn a_change_names_the_two_periods_it_compares() {
        let wc = Instrument::whole_comm();
        let (first, last) = (&wc.periods[0], &wc.periods[wc.periods.len() - 1]);
        assert_eq!(
            period_words("change_by_size", AnalysisKind::Change, Some(&wc)),
            format!(", {} compared with {}", last.label, first.label)
        );
    }
}
