//! Writing a dataset back to the long or wide CSV layout (used by the synthetic-data generator and
//! for round trips); answers that are missing are written as empty cells.

use std::io::Write;

// Report fields are read in spreadsheets: formula-like cells are neutralised (not raw).
use mlgov_textfile::csv_field;

use crate::dataset::{Dataset, PerceptionAnswer};
use crate::instrument::Instrument;

fn perception_text(ins: &Instrument, i: usize, a: &PerceptionAnswer) -> String {
    let it = &ins.perceptions[i];
    match a {
        PerceptionAnswer::Scale(v) => v.to_string(),
        PerceptionAnswer::Choice(o) => it.options[*o].id.clone(),
        PerceptionAnswer::Multi(v) if v.is_empty() => "none".into(),
        PerceptionAnswer::Multi(v) => {
            v.iter().map(|o| it.options[*o].id.as_str()).collect::<Vec<_>>().join(";")
        }
    }
}

/// Write the long layout: `respondent,locality,role,affiliation,period,item,value[,synthetic]`.
/// Only answered items are written (a missing answer is simply absent), except that a respondent
/// with no answer at all gets one row with an empty value, so that they are kept when the file is
/// read back. The `synthetic` column is written when the dataset is synthetic.
pub fn write_long_csv<W: Write>(ds: &Dataset, ins: &Instrument, out: W) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
    let syn = ds.synthetic;
    w.write_all(b"respondent,locality,role,affiliation,period,item,value")?;
    w.write_all(if syn { b",synthetic\n" } else { b"\n" })?;
    let tail: &[u8] = if syn { b",true\n" } else { b"\n" };
    let freq_items: Vec<String> = ins.actors.iter().map(|a| format!("freq_{}", a.id)).collect();
    let nat_items: Vec<String> = ins.actors.iter().map(|a| format!("nature_{}", a.id)).collect();
    let off = ins.nature.reported_offset;
    for (r, resp) in ds.respondents.iter().enumerate() {
        let prefix = format!(
            "{},{},{},{},",
            csv_field(&resp.id, false),
            csv_field(&resp.locality, false),
            ins.roles[resp.role].id,
            resp.affiliation.map(|a| ins.affiliations[a].id.as_str()).unwrap_or("")
        );
        let any = (0..ins.periods.len()).any(|p| {
            (0..ins.actors.len())
                .any(|a| ds.freq(r, p, a).is_some() || ds.nature(r, p, a).is_some())
        }) || (0..ins.perceptions.len()).any(|i| ds.perception(r, i).is_some());
        if !any && let (Some(per), Some(item)) = (ins.periods.first(), freq_items.first()) {
            w.write_all(prefix.as_bytes())?;
            write!(w, "{},{},", per.id, item)?;
            w.write_all(tail)?;
        }
        for (p, per) in ins.periods.iter().enumerate() {
            for a in 0..ins.actors.len() {
                if let Some(v) = ds.freq(r, p, a) {
                    w.write_all(prefix.as_bytes())?;
                    write!(w, "{},{},{}", per.id, freq_items[a], v)?;
                    w.write_all(tail)?;
                }
            }
            for a in 0..ins.actors.len() {
                if let Some(v) = ds.nature(r, p, a) {
                    w.write_all(prefix.as_bytes())?;
                    write!(w, "{},{},{}", per.id, nat_items[a], v as i32 - off)?;
                    w.write_all(tail)?;
                }
            }
        }
        for i in 0..ins.perceptions.len() {
            if let Some(a) = ds.perception(r, i) {
                w.write_all(prefix.as_bytes())?;
                write!(
                    w,
                    ",{},{}",
                    ins.perceptions[i].id,
                    csv_field(&perception_text(ins, i, a), false)
                )?;
                w.write_all(tail)?;
            }
        }
    }
    w.flush()
}

/// The columns of the instrument's wide layout: the respondent's attributes, then per period
/// the frequency and the nature of each actor, then the perception items.
pub(crate) fn wide_columns(ins: &Instrument) -> Vec<String> {
    let mut columns: Vec<String> =
        vec!["respondent".into(), "locality".into(), "role".into(), "affiliation".into()];
    for p in &ins.periods {
        for a in &ins.actors {
            columns.push(format!("freq_{}_{}", p.id, a.id));
        }
        for a in &ins.actors {
            columns.push(format!("nature_{}_{}", p.id, a.id));
        }
    }
    columns.extend(ins.perceptions.iter().map(|q| q.id.clone()));
    columns
}

/// Write the wide layout: one row per respondent, every item column present.
pub fn write_wide_csv<W: Write>(ds: &Dataset, ins: &Instrument, out: W) -> std::io::Result<()> {
    let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
    let mut header = wide_columns(ins);
    if ds.synthetic {
        header.push("synthetic".into());
    }
    writeln!(w, "{}", header.join(","))?;
    let off = ins.nature.reported_offset;
    let mut line = String::new();
    for (r, resp) in ds.respondents.iter().enumerate() {
        line.clear();
        line.push_str(&csv_field(&resp.id, false));
        line.push(',');
        line.push_str(&csv_field(&resp.locality, false));
        line.push(',');
        line.push_str(&ins.roles[resp.role].id);
        line.push(',');
        line.push_str(resp.affiliation.map(|a| ins.affiliations[a].id.as_str()).unwrap_or(""));
        for p in 0..ins.periods.len() {
            for a in 0..ins.actors.len() {
                line.push(',');
                if let Some(v) = ds.freq(r, p, a) {
                    line.push_str(&v.to_string());
                }
            }
            for a in 0..ins.actors.len() {
                line.push(',');
                if let Some(v) = ds.nature(r, p, a) {
                    line.push_str(&(v as i32 - off).to_string());
                }
            }
        }
        for i in 0..ins.perceptions.len() {
            line.push(',');
            if let Some(a) = ds.perception(r, i) {
                line.push_str(&csv_field(&perception_text(ins, i, a), false));
            }
        }
        if ds.synthetic {
            line.push_str(",true");
        }
        line.push('\n');
        w.write_all(line.as_bytes())?;
    }
    w.flush()
}
