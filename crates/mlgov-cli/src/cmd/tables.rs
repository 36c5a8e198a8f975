//! Reproduced tables: `compare`, `crosstab`, `countries`, `phases`, `networks overview`.

use crate::ctx::{CliError, Ctx};
use crate::output::{table, wrap};
use mlgov_analysis::tables::{self, fmt_count, CompareOptions, CROSSTABS};
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

/// `mlgov compare A B [C…]`: memberships with years side by side, mode of internationalisation,
/// mayors (Table 3 and Table 2 of Caponio & Clément 2020 for Turin and Saint-Étienne).
pub fn compare(ctx: &Ctx, names: &[String], table3: bool, svg: Option<&std::path::Path>) -> Result<(), CliError> {
    if names.len() < 2 {
        return Err(CliError::Usage("compare needs at least two localities".into()));
    }
    let kb = ctx.load_kb()?;
    let ids = names.iter().map(|n| ctx.resolve(&kb, n, &[IdKind::Locality])).collect::<Result<Vec<_>, _>>()?;
    let opts = if table3 {
        CompareOptions { only: Some(("src:caponio-clement-2020".into(), "Table 3".into())), roles: false }
    } else {
        CompareOptions { only: None, roles: true }
    };
    let cols = tables::compare(&kb, &ids, &opts);
    if let Some(path) = svg {
        std::fs::write(path, mlgov_analysis::trajectory::gantt_svg(&kb, &ids, 2020))?;
        eprintln!("wrote {}", path.display());
    }
    ctx.emit(&json!({"localities": cols, "table3_only": table3}), || {
        let mut out = String::new();
        let depth = cols.iter().map(|c| c.memberships.len()).max().unwrap_or(0);
        let headers: Vec<&str> = std::iter::once("").chain(cols.iter().map(|c| c.name.as_str())).collect();
        let mut rows = Vec::new();
        for i in 0..depth {
            let mut r = vec![if i == 0 { "Involvements in networks".to_string() } else { String::new() }];
            for c in &cols {
                r.push(c.memberships.get(i).map(|m| {
                    let role = if m.role == "member" { String::new() } else { format!(" [{}]", m.role) };
                    let via = m.via.as_ref().map(|v| format!(" via {v}")).unwrap_or_default();
                    format!("{} ({}){role}{via}", m.name, years(m.from, m.to))
                }).unwrap_or_default());
            }
            rows.push(r);
        }
        let mut r = vec!["Mode of internationalisation".to_string()];
        r.extend(cols.iter().map(|c| c.mode.join("; ")));
        rows.push(r);
        let mdepth = cols.iter().map(|c| c.mayors.len()).max().unwrap_or(0);
        for i in 0..mdepth {
            let mut r = vec![if i == 0 { "Mayors".to_string() } else { String::new() }];
            for c in &cols {
                r.push(c.mayors.get(i).map(|m| format!("{} {} ({})", years(m.from, m.to), m.name, m.party.clone().unwrap_or_default())).unwrap_or_default());
            }
            rows.push(r);
        }
        out.push_str(&table(&headers, &rows));
        out
    });
    Ok(())
}

/// `mlgov crosstab <name>`: the Whole-COMM cross-tabs with totals.
pub fn crosstab(ctx: &Ctx, name: &str) -> Result<(), CliError> {
    let kb = ctx.load_kb()?;
    let specs: Vec<_> = if name == "all" { CROSSTABS.iter().collect() } else {
        CROSSTABS.iter().filter(|s| s.name == name).collect()
    };
    if specs.is_empty() {
        return Err(CliError::Usage(format!("unknown cross-tab {name:?}; expected all, {}", CROSSTABS.iter().map(|s| s.name).collect::<Vec<_>>().join(", "))));
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
        let rows: Vec<Vec<String>> = order.iter().map(|k| vec![k.to_string(), t.get(*k).map(|v| v.join(", ")).unwrap_or_default()]).collect();
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
        let rows: Vec<Vec<String>> = c.by_region.iter().map(|(k, v)| vec![k.clone(), v.to_string()]).collect();
        out.push_str(&format!("\nBy region\n{}", table(&["region", "networks"], &rows)));
        out
    });
    Ok(())
}
