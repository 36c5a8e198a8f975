//! Reproduced tables: `tables`, `compare`, `crosstab`, `countries`, `phases`, `networks overview`.

use crate::ctx::{CliError, Ctx};
use crate::output::{table, wrap};
use mlgov_analysis::tables::{self, CROSSTABS, CompareOptions, fmt_count};
use mlgov_domain::IdKind;
use serde_json::json;

fn years(a: Option<i32>, b: Option<i32>) -> String {
    match (a, b) {
        (Some(a), Some(b)) => format!("{a}-{b}"),
        (Some(a), None) => format!("{a}-"),
        (None, Some(b)) => format!("-{b}"),
        (None, None) => String::new(),
    }
}

/// The tables `mlgov tables` rebuilds, with what they are.
const TABLES: [(&str, &str); 6] = [
    (
        "000-table1",
        "Caponio & Clément 2020, Table 1: population and foreign residents of Turin and Saint-Etienne (2017)",
    ),
    (
        "000-table2",
        "Caponio & Clément 2020, Table 2: mayors, parties and coalitions since the 1990s (= mlgov compare Turin Saint-Etienne)",
    ),
    (
        "000-table3",
        "Caponio & Clément 2020, Table 3: memberships in TCNs on migration (= mlgov compare Turin Saint-Etienne --table3)",
    ),
    (
        "003-outcome-by-size",
        "Schiller et al. 2023: policy outcome by size (= mlgov crosstab outcome-by-size)",
    ),
    (
        "003-outcome-by-typology",
        "Schiller et al. 2023: policy outcome by typology (= mlgov crosstab outcome-by-typology)",
    ),
    (
        "003-outcome-by-orientation",
        "Schiller et al. 2023: policy outcome by political orientation (= mlgov crosstab outcome-by-orientation)",
    ),
];

/// `mlgov tables [NAME]`: the papers' tables rebuilt from the statements.
pub fn tables(ctx: &Ctx, name: Option<&str>) -> Result<(), CliError> {
    match name {
        None => {
            ctx.emit(&json!({"tables": TABLES.iter().map(|(n, d)| json!({"name": n, "what": d})).collect::<Vec<_>>()}), || {
                let rows: Vec<Vec<String>> = TABLES.iter().map(|(n, d)| vec![n.to_string(), d.to_string()]).collect();
                table(&["table", "what"], &rows)
            });
            Ok(())
        }
        Some("000-table1") => {
            let kb = ctx.load_kb()?;
            let t = tables::caponio_clement_table1(&kb);
            ctx.emit(&serde_json::to_value(&t)?, || {
                let v = |c: &Option<tables::SourcedCell>| {
                    c.as_ref().map(|c| c.value.clone()).unwrap_or_else(|| "—".into())
                };
                let pop = |c: &Option<tables::SourcedCell>| {
                    c.as_ref()
                        .and_then(|c| c.value.parse::<u64>().ok())
                        .map(|x| {
                            let s = x.to_string();
                            let b = s.as_bytes();
                            let mut o = String::new();
                            for (i, ch) in b.iter().enumerate() {
                                if i > 0 && (b.len() - i) % 3 == 0 {
                                    o.push(' ');
                                }
                                o.push(*ch as char);
                            }
                            o
                        })
                        .unwrap_or_else(|| "—".into())
                };
                let mut headers = vec![""];
                headers.extend(t.columns.iter().map(|c| c.name.as_str()));
                let mut r1 = vec!["Municipal population".to_string()];
                r1.extend(t.columns.iter().map(|c| pop(&c.population)));
                let mut r2 = vec!["Ratio of foreign residents on the total population".to_string()];
                r2.extend(t.columns.iter().map(|c| {
                    format!(
                        "{}%{}",
                        v(&c.foreign_residents_share),
                        c.country_share
                            .as_ref()
                            .map(|(n, s)| format!(" {n}: {}%", s.value))
                            .unwrap_or_default()
                    )
                }));
                format!(
                    "{}\n{}\n{}\n",
                    wrap(&format!("Table 1. {}", t.title)),
                    table(&headers, &[r1, r2]),
                    t.source
                )
            });
            Ok(())
        }
        Some("000-table2") => compare(ctx, &["Turin".into(), "Saint-Etienne".into()], false, None),
        Some("000-table3") => compare(ctx, &["Turin".into(), "Saint-Etienne".into()], true, None),
        Some(n) if n.starts_with("003-") && CROSSTABS.iter().any(|c| c.name == &n[4..]) => {
            crosstab(ctx, &n[4..])
        }
        Some(n) => Err(CliError::Usage(format!(
            "unknown table {n:?}; expected one of: {}",
            TABLES.iter().map(|t| t.0).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// `mlgov compare A B [C…]`: memberships with years side by side, mode of internationalisation,
/// mayors (Table 3 and Table 2 of Caponio & Clément 2020 for Turin and Saint-Étienne).
/// `figure`: also the Gantt chart as SVG, PNG or PDF, by the file's extension.
pub fn compare(
    ctx: &Ctx,
    names: &[String],
    table3: bool,
    figure: Option<&std::path::Path>,
) -> Result<(), CliError> {
    if names.len() < 2 {
        return Err(CliError::Usage("compare needs at least two localities".into()));
    }
    let format = figure.map(super::figure::format_of).transpose()?;
    let kb = ctx.load_kb()?;
    let ids = names
        .iter()
        .map(|n| ctx.resolve(&kb, n, &[IdKind::Locality]))
        .collect::<Result<Vec<_>, _>>()?;
    let opts = if table3 {
        CompareOptions {
            only: Some(("src:caponio-clement-2020".into(), "Table 3".into())),
            roles: false,
        }
    } else {
        CompareOptions { only: None, roles: true }
    };
    let cols = tables::compare(&kb, &ids, &opts);
    if let (Some(path), Some(format)) = (figure, format) {
        let timelines: Vec<_> =
            ids.iter().map(|id| mlgov_analysis::trajectory::timeline(&kb, id)).collect();
        let chart = mlgov_analysis::gantt::from_timelines(
            &timelines,
            mlgov_analysis::gantt::GanttLayout::ByNetwork { until: 2020 },
        );
        super::figure::write(path, format, &chart.render())?;
        eprintln!("wrote {}", path.display());
    }
    ctx.emit(&json!({"localities": cols, "table3_only": table3}), || compare_text(&cols));
    Ok(())
}

/// The compared localities side by side: memberships, mode of internationalisation, mayors.
fn compare_text(cols: &[tables::CityColumn]) -> String {
    let depth = cols.iter().map(|c| c.memberships.len()).max().unwrap_or(0);
    let headers: Vec<&str> =
        std::iter::once("").chain(cols.iter().map(|c| c.name.as_str())).collect();
    let mut rows = Vec::new();
    for i in 0..depth {
        let mut r =
            vec![if i == 0 { "Involvements in networks".to_string() } else { String::new() }];
        for c in cols {
            r.push(
                c.memberships
                    .get(i)
                    .map(|m| {
                        let role = if m.role == "member" {
                            String::new()
                        } else {
                            format!(" [{}]", m.role)
                        };
                        let via = m.via.as_ref().map(|v| format!(" via {v}")).unwrap_or_default();
                        format!("{} ({}){role}{via}", m.name, years(m.from, m.to))
                    })
                    .unwrap_or_default(),
            );
        }
        rows.push(r);
    }
    let mut r = vec!["Mode of internationalisation".to_string()];
    r.extend(cols.iter().map(|c| c.mode.join("; ")));
    rows.push(r);
    let mdepth = cols.iter().map(|c| c.mayors.len()).max().unwrap_or(0);
    for i in 0..mdepth {
        let mut r = vec![if i == 0 { "Mayors".to_string() } else { String::new() }];
        for c in cols {
            r.push(
                c.mayors
                    .get(i)
                    .map(|m| {
                        format!(
                            "{} {} ({})",
                            years(m.from, m.to),
                            m.name,
                            m.party.clone().unwrap_or_default()
                        )
                    })
                    .unwrap_or_default(),
            );
        }
        rows.push(r);
    }
    table(&headers, &rows)
}

/// `mlgov crosstab <name>`: the Whole-COMM cross-tabs with totals.
pub fn crosstab(ctx: &Ctx, name: &str) -> Result<(), CliError> {
    let kb = ctx.load_kb()?;
    let specs: Vec<_> = if name == "all" {
        CROSSTABS.iter().collect()
    } else {
        CROSSTABS.iter().filter(|s| s.name == name).collect()
    };
    if specs.is_empty() {
        return Err(CliError::Usage(format!(
            "unknown cross-tab {name:?}; expected all, {}",
            CROSSTABS.iter().map(|s| s.name).collect::<Vec<_>>().join(", ")
        )));
    }
    let results: Vec<_> = specs.iter().map(|s| tables::crosstab(&kb, s)).collect();
    ctx.emit(&json!({"crosstabs": results}), || {
        let mut out = String::new();
        for t in &results {
            out.push_str(&format!("{}\n", t.title));
            let mut rows: Vec<Vec<String>> = t.rows.iter().enumerate().map(|(i, r)| {
                let mut v = vec![r.clone()];
                v.extend(t.counts[i].iter().map(|x| fmt_count(*x)));
                v.push(fmt_count(t.row_totals[i]));
                v
            }).collect();
            let mut tot = vec!["total".to_string()];
            tot.extend(t.column_totals.iter().map(|x| fmt_count(*x)));
            tot.push(fmt_count(t.total));
            rows.push(tot);
            out.push_str(&table(&["", "accommodative", "mixed", "restrictive", "total"], &rows));
            if !t.ambiguous.is_empty() {
                out.push_str(&wrap(&format!("counted fractionally (the report does not say which same-label locality is which): {}", t.ambiguous.join(", "))));
            }
            if !t.unplaced.is_empty() {
                out.push_str(&wrap(&format!("in the table without a row value: {}", t.unplaced.join(", "))));
            }
            out.push('\n');
        }
        out
    });
    Ok(())
}

/// `mlgov countries`: the country policy-configuration table.
pub fn countries(ctx: &Ctx) -> Result<(), CliError> {
    let kb = ctx.load_kb()?;
    let t = tables::country_configuration(&kb);
    ctx.emit(&json!({"configurations": t}), || {
        let order = ["national_only", "national_and_regional", "regional_only", "neither"];
        let rows: Vec<Vec<String>> = order
            .iter()
            .map(|k| vec![k.to_string(), t.get(*k).map(|v| v.join(", ")).unwrap_or_default()])
            .collect();
        table(&["configuration", "countries"], &rows)
    });
    Ok(())
}

/// `mlgov phases`: the trajectory phases as the authors name and date them.
pub fn phases(ctx: &Ctx) -> Result<(), CliError> {
    let kb = ctx.load_kb()?;
    let p = tables::named_phases(&kb);
    ctx.emit(&json!({"phases": p.iter().map(|(k, v)| json!({"locality": k, "phases": v.iter().map(|(l, kind, a, b, s)| json!({"label": l, "kind": kind, "from": a, "to": b, "source": s})).collect::<Vec<_>>()})).collect::<Vec<_>>()}), || {
        let mut out = String::new();
        for (loc, ps) in &p {
            out.push_str(&format!("{loc}\n"));
            let rows: Vec<Vec<String>> = ps.iter().map(|(l, k, a, b, s)| vec![years(*a, *b), k.clone(), l.clone(), s.clone()]).collect();
            out.push_str(&table(&["years", "kind", "phase (authors' words)", "source"], &rows));
            out.push('\n');
        }
        out
    });
    Ok(())
}

/// `mlgov networks overview`: counts by kind, scale, origin, focus, region and founding decade.
pub fn networks_overview(ctx: &Ctx) -> Result<(), CliError> {
    let kb = ctx.load_kb()?;
    let c = tables::network_counts(&kb);
    ctx.emit(&serde_json::to_value(&c)?, || {
        let mut out = tables::network_counts_text(&c);
        let rows: Vec<Vec<String>> =
            c.by_region.iter().map(|(k, v)| vec![k.clone(), v.to_string()]).collect();
        out.push_str(&format!("\nBy region\n{}", table(&["region", "networks"], &rows)));
        out
    });
    Ok(())
}
