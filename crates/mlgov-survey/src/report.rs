//! The report builder: result tables → SVG charts, CSV and JSON tables and an `index.html` that
//! links them, returned as (relative file name, bytes) for the caller to write.

use std::fmt::Write;

use mlgov_charts::{Bar, BarChart, Series, ValueAxis, escape};

use crate::analysis::{AnalysisKind, ClassAggregate, RespondentIndexes, ResultRow, ResultTable};
use crate::instrument::ActorClass;
use crate::instrument::Instrument;
use crate::table::{table_csv_string, table_json, write_indexes_csv};

/// Descriptive data for the report's index page.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportMeta {
    /// Page title.
    pub title: String,
    /// Where the data came from (file name, or "synthetic, seed 1").
    pub data_source: String,
    /// Number of respondents.
    pub respondents: usize,
    /// Tool and version string.
    pub generated_by: String,
}

/// A file of the report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFile {
    /// Path relative to the report directory.
    pub name: String,
    /// Content.
    pub bytes: Vec<u8>,
}

fn group_name(g: &[String]) -> String {
    if g.is_empty() { "all respondents".into() } else { g.join(" · ").replace('_', " ") }
}

/// One chart of a table, with the file-name suffix that distinguishes it from its siblings.
pub struct TableChart {
    /// Period id, if the chart shows one period.
    pub period: Option<String>,
    /// Suffix for the file name ("" for the only chart; `_p2`, `_classes`, …).
    pub suffix: String,
    /// The chart.
    pub chart: BarChart,
}

/// The bar charts of one table: one per period and panel (actor rows and class rows go to separate
/// panels when their scales differ); the lead analysis charts the elected share.
pub fn charts_for(t: &ResultTable, ins: &Instrument) -> Vec<TableChart> {
    let stat = if t.analysis == AnalysisKind::Lead {
        "elected_share"
    } else {
        t.rows.first().map_or("mean", |r| r.statistic.as_str())
    };
    let mut periods: Vec<Option<String>> = Vec::new();
    for r in &t.rows {
        if !periods.contains(&r.period) {
            periods.push(r.period.clone());
        }
    }
    let is_class_row = |r: &ResultRow| r.class.is_some_and(|c| c.id() == r.measure);
    let has_actor = t.rows.iter().any(|r| r.class.is_some() && !is_class_row(r));
    let has_class = t.rows.iter().any(is_class_row);
    // Class rows of sums and changes live on another scale than single actors: separate panels.
    let split = has_actor && has_class && t.analysis != AnalysisKind::Nature;
    let panels: Vec<Option<bool>> = if split { vec![Some(false), Some(true)] } else { vec![None] };
    let mut out = Vec::new();
    for per in &periods {
        for panel in &panels {
            let rows: Vec<&ResultRow> = t
                .rows
                .iter()
                .filter(|r| {
                    &r.period == per
                        && r.statistic == stat
                        && panel.is_none_or(|want_class| is_class_row(r) == want_class)
                })
                .collect();
            if rows.is_empty() {
                continue;
            }
            let mut suffix = String::new();
            if periods.len() > 1
                && let Some(p) = per
            {
                suffix.push('_');
                suffix.push_str(p);
            }
            match panel {
                Some(true) => suffix.push_str("_classes"),
                Some(false) => suffix.push_str("_actors"),
                None => {}
            }
            let chart = chart_of(t, ins, per, &rows);
            out.push(TableChart { period: per.clone(), suffix, chart });
        }
    }
    out
}

/// A measure of a chart: (id, label, actor class, whether it is a class aggregate).
type Measure<'r> = (&'r str, &'r str, Option<ActorClass>, bool);

fn chart_of(
    t: &ResultTable,
    ins: &Instrument,
    per: &Option<String>,
    rows: &[&ResultRow],
) -> BarChart {
    let mut measures: Vec<Measure<'_>> = Vec::new();
    let mut groups: Vec<&Vec<String>> = Vec::new();
    for r in rows {
        if !measures.iter().any(|m| m.0 == r.measure) {
            let is_class = r.class.is_some_and(|c| c.id() == r.measure);
            measures.push((&r.measure, &r.measure_label, r.class, is_class));
        }
        if !groups.contains(&&r.group) {
            groups.push(&r.group);
        }
    }
    let series = groups.iter().map(|g| series_of(rows, g, &measures)).collect();
    let class_panel = measures.iter().all(|m| m.3);
    BarChart {
        title: t.title.clone(),
        subtitle: Some(subtitle(t, ins, per).join(" — ")),
        synthetic: t.synthetic,
        categories: measures.iter().map(|m| m.1.to_string()).collect(),
        sections: sections_of(t, &measures),
        series,
        axis: axis_of(t, class_panel),
        notes: chart_notes(t),
        description: format!("{} Small-n threshold {}.", t.figure, t.small_n),
    }
}

/// Section headings by actor class when the rows are single actors.
fn sections_of(t: &ResultTable, measures: &[Measure<'_>]) -> Vec<(usize, String)> {
    let mut sections = Vec::new();
    if matches!(t.analysis, AnalysisKind::Frequency | AnalysisKind::Nature | AnalysisKind::Change)
        && measures.iter().any(|m| m.2.is_some() && !m.3)
    {
        let mut last: Option<(Option<ActorClass>, bool)> = None;
        for (i, m) in measures.iter().enumerate() {
            let key = if m.3 { (None, true) } else { (m.2, false) };
            if last != Some(key) {
                let h = if m.3 {
                    "Classes (aggregates)".to_string()
                } else {
                    m.2.map(|c| c.label().to_string()).unwrap_or_default()
                };
                sections.push((i, h));
                last = Some(key);
            }
        }
    }
    sections
}

/// The bars of one group, named with its largest n and its localities.
fn series_of(rows: &[&ResultRow], g: &Vec<String>, measures: &[Measure<'_>]) -> Series {
    let bars: Vec<Option<Bar>> = measures
        .iter()
        .map(|m| {
            rows.iter().find(|r| r.measure == m.0 && &r.group == g).map(|r| Bar {
                value: r.estimate.mean,
                low: r.estimate.ci_low,
                high: r.estimate.ci_high,
                n: r.estimate.n,
                small_n: r.estimate.small_n,
                suppressed: r.estimate.suppressed,
            })
        })
        .collect();
    // Only published cells count: a suppressed cell's n is withheld.
    let nmax = bars.iter().flatten().filter(|b| !b.suppressed).map(|b| b.n).max();
    // The localities behind the group (its sampling units), beside n.
    let lmax = rows
        .iter()
        .filter(|r| &r.group == g && !r.estimate.suppressed)
        .map(|r| r.estimate.localities)
        .max()
        .filter(|l| *l > 0);
    let name = match (nmax, lmax) {
        (Some(n), Some(l)) => {
            format!("{} (n≤{n}, {l} localit{})", group_name(g), if l == 1 { "y" } else { "ies" })
        }
        (Some(n), None) => format!("{} (n≤{n})", group_name(g)),
        _ => group_name(g),
    };
    Series { name, bars }
}

/// The parts of a chart's subtitle: period, grouping, roles and how the whiskers were made.
fn subtitle(t: &ResultTable, ins: &Instrument, per: &Option<String>) -> Vec<String> {
    let period_label =
        per.as_ref().and_then(|p| ins.periods.iter().find(|x| &x.id == p)).map(|p| p.label.clone());
    let mut sub = Vec::new();
    if let Some(p) = &period_label {
        sub.push(p.clone());
    } else if matches!(t.analysis, AnalysisKind::Change | AnalysisKind::Indexes)
        && ins.periods.len() > 1
    {
        sub.push(format!(
            "{} and {}",
            ins.periods[0].label,
            ins.periods[ins.periods.len() - 1].label
        ));
    }
    if !t.group_by.is_empty() {
        sub.push(format!(
            "by {}",
            t.group_by.iter().map(|d| d.id()).collect::<Vec<_>>().join(" × ")
        ));
    }
    if !t.roles.is_empty() {
        sub.push(format!("respondents: {}", t.roles.join(", ").replace('_', " ")));
    }
    if t.resamples > 0 {
        sub.push(match t.interval {
            crate::bootstrap::IntervalMethod::ClusterT => {
                format!("whiskers: {:.0}% interval, localities as clusters", t.confidence * 100.0)
            }
            crate::bootstrap::IntervalMethod::ClusterBootstrap => format!(
                "whiskers: {:.0}% locality-cluster bootstrap ({} resamples, seed {})",
                t.confidence * 100.0,
                t.resamples,
                t.seed
            ),
            crate::bootstrap::IntervalMethod::RespondentBootstrap => format!(
                "whiskers: {:.0}% percentile bootstrap interval ({} resamples, seed {})",
                t.confidence * 100.0,
                t.resamples,
                t.seed
            ),
        });
    } else {
        sub.push("point estimates only (no resampling)".into());
    }
    sub
}

/// The value axis from the table's scale (a class panel of sums says so in its title).
fn axis_of(t: &ResultTable, class_panel: bool) -> ValueAxis {
    let scale = &t.scale;
    let mut axis = ValueAxis {
        title: scale.title.clone(),
        min: scale.min,
        max: scale.max,
        ticks: scale.ticks.iter().map(|t| (t.value, t.label.clone())).collect(),
        fit_to_data: scale.fit_to_data,
        percent: scale.percent,
        reference: (t.analysis == AnalysisKind::Lead).then_some(0.5),
    };
    if class_panel
        && t.class_aggregate == ClassAggregate::Sum
        && matches!(t.analysis, AnalysisKind::ClassAggregates | AnalysisKind::Change)
    {
        axis.title = format!("{} (per respondent sum over the class's actors)", scale.title);
    }
    axis
}

/// The notes under a chart: the definitions' source, the table's notes, publication mode.
fn chart_notes(t: &ResultTable) -> Vec<String> {
    let mut notes =
        vec![format!("Source of the definitions: {}. Instrument {}.", t.figure, t.instrument)];
    notes.extend(t.notes.iter().cloned());
    if let Some(m) = t.publication_min_n {
        notes.push(format!(
            "Publication mode: cells with fewer than {m} respondents are suppressed."
        ));
    }
    notes
}

/// Build every file of the report: for each table `<id>.csv`, `<id>.json`, one SVG per period,
/// optionally `respondent_indexes.csv`, and `index.html` linking them.
pub fn build_report(
    tables: &[ResultTable],
    ins: &Instrument,
    indexes: Option<&[RespondentIndexes]>,
    meta: &ReportMeta,
) -> Vec<ReportFile> {
    match build_report_with(tables, ins, indexes, meta, |_| {
        Ok::<_, std::convert::Infallible>(Vec::new())
    }) {
        Ok(files) => files,
        Err(never) => match never {},
    }
}

/// [`build_report`], with each figure also in the formats `render` makes from its SVG text:
/// (file extension, bytes) pairs such as `("png", …)` and `("pdf", …)`, written beside
/// `<name>.svg` as `<name>.<extension>` and linked under the figure in `index.html`. The CLI
/// passes PNG and PDF (mlgov-charts' `raster`); this crate renders nothing itself.
///
/// # Errors
/// The first error of `render`.
pub fn build_report_with<E>(
    tables: &[ResultTable],
    ins: &Instrument,
    indexes: Option<&[RespondentIndexes]>,
    meta: &ReportMeta,
    render: impl Fn(&str) -> Result<Vec<(&'static str, Vec<u8>)>, E>,
) -> Result<Vec<ReportFile>, E> {
    let mut files = Vec::new();
    let mut html = index_head(tables, ins, indexes.is_some(), meta);
    for t in tables {
        files.push(ReportFile {
            name: format!("{}.csv", t.id),
            bytes: table_csv_string(t).into_bytes(),
        });
        files
            .push(ReportFile { name: format!("{}.json", t.id), bytes: table_json(t).into_bytes() });
        table_heading(&mut html, t);
        for TableChart { suffix, chart, .. } in charts_for(t, ins) {
            figure(&mut html, &mut files, &format!("{}{suffix}", t.id), &chart, &render)?;
        }
        table_html(&mut html, t);
    }
    if let Some(ix) = indexes {
        let classes: Vec<&str> = ins.classes().iter().map(|c| c.id()).collect();
        let mut v = Vec::new();
        write_indexes_csv(ix, &classes, &mut v).expect("Vec write");
        files.push(ReportFile { name: "respondent_indexes.csv".into(), bytes: v });
    }
    html.push_str("</body></html>\n");
    files.push(ReportFile { name: "index.html".into(), bytes: html.into_bytes() });
    Ok(files)
}

/// The index page's head, title, data line and table of contents.
fn index_head(
    tables: &[ResultTable],
    ins: &Instrument,
    has_indexes: bool,
    meta: &ReportMeta,
) -> String {
    let synthetic = tables.iter().any(|t| t.synthetic);
    let mut html = String::new();
    let title =
        if synthetic { format!("SYNTHETIC DATA — {}", meta.title) } else { meta.title.clone() };
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\n<style>body{{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222}}img{{max-width:100%;border:1px solid #ddd}}.syn{{background:#FBE3D6;border:1px solid #D55E00;padding:.6em;font-weight:bold}}table{{border-collapse:collapse;font-size:.85em}}td,th{{border:1px solid #ccc;padding:2px 6px;text-align:right}}td:first-child,th:first-child{{text-align:left}}.note{{color:#555;font-size:.9em}}</style></head><body>\n<h1>{}</h1>\n",
        escape(&title),
        escape(&title)
    );
    if synthetic {
        html.push_str("<p class=\"syn\">SYNTHETIC DATA: every number on this page was computed from generated responses (mlgov survey synth). They illustrate the method and are not Whole-COMM results.</p>\n");
    }
    let _ = writeln!(
        html,
        "<p>Data: {} — {} respondents. Instrument: {}@{}. Generated by {}. Every estimate carries n (respondents) and an interval; missing answers are excluded, never counted as 0.</p>\n<h2>Contents</h2><ul>",
        escape(&meta.data_source),
        meta.respondents,
        escape(&ins.id),
        escape(&ins.version),
        escape(&meta.generated_by)
    );
    for t in tables {
        let _ = writeln!(
            html,
            "<li><a href=\"#{0}\">{1}</a> <span class=\"note\">({0})</span></li>",
            escape(&t.id),
            escape(&t.title)
        );
    }
    if has_indexes {
        html.push_str(
            "<li><a href=\"respondent_indexes.csv\">Index 1–4 per respondent (CSV)</a></li>",
        );
    }
    html.push_str("</ul>\n");
    html
}

/// A table's heading, with its source, grouping, roles and notes.
fn table_heading(html: &mut String, t: &ResultTable) {
    let _ = writeln!(
        html,
        "<h2 id=\"{}\">{}</h2>\n<p class=\"note\">{} — grouping: {}{}</p>",
        escape(&t.id),
        escape(&t.title),
        escape(&t.figure),
        escape(&if t.group_by.is_empty() {
            "none".to_string()
        } else {
            t.group_by.iter().map(|d| d.id()).collect::<Vec<_>>().join(" × ")
        }),
        if t.roles.is_empty() {
            String::new()
        } else {
            format!("; roles: {}", escape(&t.roles.join(", ")))
        }
    );
    for n in &t.notes {
        let _ = writeln!(html, "<p class=\"note\">{}</p>", escape(n));
    }
}

/// One figure: `<stem>.svg` and the other formats `render` makes, linked from the page.
fn figure<E>(
    html: &mut String,
    files: &mut Vec<ReportFile>,
    stem: &str,
    chart: &BarChart,
    render: &impl Fn(&str) -> Result<Vec<(&'static str, Vec<u8>)>, E>,
) -> Result<(), E> {
    let name = format!("{stem}.svg");
    let _ = writeln!(
        html,
        "<p><a href=\"{0}\"><img src=\"{0}\" alt=\"{1}\"></a></p>",
        escape(&name),
        escape(&format!("{} {}", chart.title, chart.subtitle.clone().unwrap_or_default()))
    );
    let svg = chart.render();
    let others = render(&svg)?;
    if !others.is_empty() {
        let links: Vec<String> = std::iter::once(format!("<a href=\"{}\">SVG</a>", escape(&name)))
            .chain(others.iter().map(|(ext, _)| {
                format!("<a href=\"{}.{ext}\">{}</a>", escape(stem), ext.to_uppercase())
            }))
            .collect();
        let _ = writeln!(html, "<p class=\"note\">Figure: {}</p>", links.join(" · "));
    }
    files.push(ReportFile { name, bytes: svg.into_bytes() });
    for (ext, bytes) in others {
        files.push(ReportFile { name: format!("{stem}.{ext}"), bytes });
    }
    Ok(())
}

/// The links to a table's files and the table itself, folded.
fn table_html(html: &mut String, t: &ResultTable) {
    let _ = writeln!(
        html,
        "<p>Table: <a href=\"{0}.csv\">{0}.csv</a> · <a href=\"{0}.json\">{0}.json</a></p>",
        escape(&t.id)
    );
    let _ = writeln!(
        html,
        "<details><summary>Show table ({} rows)</summary><table><tr>{}<th>period</th><th>measure</th><th>statistic</th><th>n</th><th>localities</th><th>mean</th><th>{:.0}% interval</th><th>flags</th></tr>",
        t.rows.len(),
        t.group_by.iter().map(|d| format!("<th>{}</th>", d.id())).collect::<String>(),
        t.confidence * 100.0
    );
    for r in &t.rows {
        let f = |v: Option<f64>| v.map(|x| format!("{x:.2}")).unwrap_or_else(|| "–".into());
        let flags = [
            (r.estimate.small_n, "small n"),
            (r.estimate.few_localities && !r.estimate.suppressed, "fewer than 5 localities"),
            (r.estimate.suppressed, "suppressed"),
        ]
        .iter()
        .filter(|x| x.0)
        .map(|x| x.1)
        .collect::<Vec<_>>()
        .join(", ");
        let (n, l) = if r.estimate.suppressed {
            (String::new(), String::new())
        } else {
            (r.estimate.n.to_string(), r.estimate.localities.to_string())
        };
        let _ = writeln!(
            html,
            "<tr>{}<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>[{}, {}]</td><td>{}</td></tr>",
            r.group.iter().map(|g| format!("<td>{}</td>", escape(g))).collect::<String>(),
            escape(r.period.as_deref().unwrap_or("")),
            escape(&r.measure_label),
            escape(&r.statistic),
            n,
            l,
            f(r.estimate.mean),
            f(r.estimate.ci_low),
            f(r.estimate.ci_high),
            flags
        );
    }
    html.push_str("</table></details>\n");
}
