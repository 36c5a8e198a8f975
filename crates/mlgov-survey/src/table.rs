//! Serialising result tables to CSV and JSON, and rounding them for stable snapshots.

use std::io::Write;

use crate::analysis::{RespondentIndexes, ResultTable};
use mlgov_textfile::csv_field;

fn num(v: Option<f64>) -> String {
    match v {
        Some(x) if x.is_finite() => {
            let s = format!("{x:.6}");
            let s = s.trim_end_matches('0').trim_end_matches('.');
            if s == "-0" { "0".into() } else { s.to_string() }
        }
        _ => String::new(),
    }
}

/// Write a result table as CSV: one column per grouping dimension, then `period, measure,
/// measure_label, class, statistic, n, localities, mean, ci_low, ci_high, small_n, few_localities,
/// suppressed, synthetic`.
/// Numbers have at most 6 decimals; missing or suppressed values are empty cells.
pub fn write_table_csv<W: Write>(t: &ResultTable, mut w: W) -> std::io::Result<()> {
    let mut header: Vec<String> = t.group_by.iter().map(|d| d.id().to_string()).collect();
    header.extend(
        [
            "period",
            "measure",
            "measure_label",
            "class",
            "statistic",
            "n",
            "localities",
            "mean",
            "ci_low",
            "ci_high",
            "small_n",
            "few_localities",
            "suppressed",
            "synthetic",
        ]
        .map(String::from),
    );
    writeln!(w, "{}", header.join(","))?;
    for r in &t.rows {
        let mut cells: Vec<String> = r.group.iter().map(|g| csv_field(g, false)).collect();
        cells.push(r.period.clone().unwrap_or_default());
        cells.push(csv_field(&r.measure, false));
        cells.push(csv_field(&r.measure_label, false));
        cells.push(r.class.map(|c| c.id().to_string()).unwrap_or_default());
        cells.push(r.statistic.clone());
        // A suppressed cell says nothing, not even its n.
        cells.push(if r.estimate.suppressed { String::new() } else { r.estimate.n.to_string() });
        cells.push(if r.estimate.suppressed {
            String::new()
        } else {
            r.estimate.localities.to_string()
        });
        cells.push(num(r.estimate.mean));
        cells.push(num(r.estimate.ci_low));
        cells.push(num(r.estimate.ci_high));
        cells.push((r.estimate.small_n && !r.estimate.suppressed).to_string());
        cells.push((r.estimate.few_localities && !r.estimate.suppressed).to_string());
        cells.push(r.estimate.suppressed.to_string());
        cells.push(t.synthetic.to_string());
        writeln!(w, "{}", cells.join(","))?;
    }
    Ok(())
}

/// The CSV text of a table.
pub fn table_csv_string(t: &ResultTable) -> String {
    let mut v = Vec::new();
    write_table_csv(t, &mut v).expect("writing to a Vec cannot fail");
    String::from_utf8(v).expect("CSV is UTF-8")
}

/// Pretty JSON of a table (the typed structure, full precision).
pub fn table_json(t: &ResultTable) -> String {
    serde_json::to_string_pretty(t).expect("result tables serialise")
}

/// A copy with every number rounded to `digits` decimals (for snapshots and display).
pub fn rounded(t: &ResultTable, digits: i32) -> ResultTable {
    let f = 10f64.powi(digits);
    let r = |v: Option<f64>| v.map(|x| (x * f).round() / f);
    let mut t = t.clone();
    for row in &mut t.rows {
        row.estimate.mean = r(row.estimate.mean);
        row.estimate.ci_low = r(row.estimate.ci_low);
        row.estimate.ci_high = r(row.estimate.ci_high);
    }
    t
}

/// Per-respondent indexes as CSV: `respondent, locality, index1..index4, index3_<class>...`.
pub fn write_indexes_csv<W: Write>(
    rows: &[RespondentIndexes],
    classes: &[&str],
    mut w: W,
) -> std::io::Result<()> {
    let mut header = vec![
        "respondent".to_string(),
        "locality".into(),
        "index1".into(),
        "index2".into(),
        "index3".into(),
        "index4".into(),
    ];
    header.extend(classes.iter().map(|c| format!("index3_{c}")));
    writeln!(w, "{}", header.join(","))?;
    for x in rows {
        let mut cells = vec![
            csv_field(&x.respondent, false),
            csv_field(&x.locality, false),
            num(x.index1),
            num(x.index2),
            num(x.index3),
            num(x.index4),
        ];
        cells.extend(x.index3_parts.iter().map(|p| num(*p)));
        writeln!(w, "{}", cells.join(","))?;
    }
    Ok(())
}
