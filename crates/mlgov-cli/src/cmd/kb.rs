//! Knowledge-base commands: init, import, validate, export, show, list, timeline, conflicts,
//! sources, search and demo.

use crate::ctx::{CliError, Ctx, store_err};
use crate::output::{GanttRow, gantt, table, wrap};
use crate::progress::{HumanBytes, HumanCount, Phases};
use mlgov_analysis::{filter, gantt::GanttLayout, trajectory::Lane};
use mlgov_domain::*;
use mlgov_interchange::{CsvOptions, Loaded, ReadStep, read_memory};
use serde_json::{Value, json};
use std::path::Path;

include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// Loads the knowledge base bundled in the binary (data/kb at build time).
pub fn bundled() -> Result<Loaded, CliError> {
    read_memory(BUNDLED_KB).map_err(|e| CliError::Diagnostics(e.diagnostics()))
}

/// `mlgov init`: creates the database (applying migrations).
pub fn init(ctx: &Ctx) -> Result<(), CliError> {
    let s = ctx.store_create()?;
    let v = s.schema_version().map_err(store_err)?;
    ctx.emit(&json!({"db": ctx.db.display().to_string(), "schema_version": v}), || {
        format!("initialised {} (schema version {v})", ctx.db.display())
    });
    Ok(())
}

/// How the CSV files of `mlgov import` and `mlgov validate` are decoded (docs/data-format.md).
#[derive(clap::Args, Debug, Clone, Default)]
pub struct CsvArgs {
    /// CSV separator: , ; tab or any one character (default: detected from the header line).
    #[arg(long)]
    pub delimiter: Option<String>,
    /// Text encoding of CSV files: utf-8, utf-16le, utf-16be, windows-1252 (default: UTF-8, or
    /// UTF-16 by its BOM). Excel on Western-European Windows saves "CSV" as windows-1252.
    #[arg(long)]
    pub encoding: Option<String>,
}

impl CsvArgs {
    /// The interchange reader's options, or a usage error naming the flag.
    pub fn options(&self) -> Result<CsvOptions, CliError> {
        super::survey_tools::text_options(self.delimiter.as_deref(), self.encoding.as_deref())
    }
}

/// Reads `path` (a whole base, or a batch when not `whole`) with each step of the reader shown:
/// "reading 2/3: memberships.csv (17.9 MB) — 1,000,000 rows", then "checking … together".
fn read_shown(
    path: &Path,
    opts: &CsvOptions,
    whole: bool,
    progress: &Phases,
) -> Result<Loaded, CliError> {
    let mut file = String::new();
    let mut on_step = |step: ReadStep<'_>| match step {
        ReadStep::File { index, of, name, bytes } => {
            file = format!("reading {index}/{of}: {name} ({})", HumanBytes(bytes));
            progress.step(file.clone());
        }
        ReadStep::Rows(n) => progress.message(format!(
            "{file} — {} row{}",
            HumanCount(n),
            if n == 1 { "" } else { "s" }
        )),
        ReadStep::Checking => {
            progress.step("checking the records together (ids, references, overlaps)")
        }
    };
    mlgov_interchange::read_path_progress(path, opts, whole, &mut on_step)
        .map_err(|e| CliError::Diagnostics(e.diagnostics()))
}

/// `mlgov import <dir|file>`: validates against the store and writes everything or nothing.
pub fn import(ctx: &Ctx, path: &Path, update: bool, csv: &CsvArgs) -> Result<(), CliError> {
    let progress = ctx.phases();
    progress.step("opening the database");
    let mut store = ctx.store_create()?;
    let mut prepared_against = store.latest_change_set().map_err(store_err)?;
    // Into an empty store the input must be a whole base; into a stored base it is a batch whose
    // references may point at stored records, and rows stored identically are no-ops.
    let mut empty = store.counts().map_err(store_err)?.iter().all(|(_, n)| *n == 0);
    let opts = csv.options()?;
    let mut loaded = read_shown(path, &opts, empty, &progress)?;
    let mut attempts = 0;
    let (cs, report, n_corrected, unchanged) = loop {
        let (new, corrected, unchanged) = if empty {
            (std::mem::take(&mut loaded.kb), KnowledgeBase::default(), 0)
        } else {
            let n: usize = loaded.kb.counts().values().sum();
            progress
                .step(format!("checking {} records against the stored base", HumanCount(n as u64)));
            let plan = plan_against_store(store.as_ref(), &loaded, update)?;
            (plan.new, plan.changed, plan.unchanged)
        };
        let n_corrected: usize = corrected.counts().values().sum();
        let n_new: usize = new.counts().values().sum();
        progress.step(format!(
            "writing {} records to {}",
            HumanCount((n_new + n_corrected) as u64),
            ctx.db.display()
        ));
        let change = mlgov_store::Change {
            kind: if n_corrected > 0 { "update".into() } else { "import".into() },
            note: Some(format!("mlgov import {}", path.display())),
            new,
            corrected,
            retracted: Vec::new(),
            prepared_against,
            approves: None,
        };
        match store.apply(&change) {
            Ok((cs, report)) => break (cs, report, n_corrected, unchanged),
            // Another import stored some of these records after they were checked (two imports
            // at once): check them again against the base as it is now, exactly as this import
            // run after the other one would have been — identical rows become no-ops, differing
            // ones the precise diagnostics.
            Err(mlgov_store::StoreError::AlreadyStored(_)) if attempts < 3 => {
                attempts += 1;
                if empty {
                    loaded.kb = change.new;
                    empty = false;
                }
                prepared_against = store.latest_change_set().map_err(store_err)?;
            }
            Err(e) => return Err(store_err(e)),
        }
    };
    progress.finish();
    let written: Vec<Value> =
        report.written.iter().map(|(f, n)| json!({"file": f, "rows": n})).collect();
    ctx.emit(&json!({"imported": report.total() - n_corrected, "corrected": n_corrected, "unchanged": unchanged, "change_set": cs, "tables": written, "db": ctx.db.display().to_string()}), || {
        let rows: Vec<Vec<String>> = report.written.iter().map(|(f, n)| vec![f.to_string(), n.to_string()]).collect();
        let same = if unchanged > 0 { format!(" ({unchanged} already stored identically: nothing to do)") } else { String::new() };
        let fixed = if n_corrected > 0 { format!(", {n_corrected} new version(s) of stored records") } else { String::new() };
        format!("imported {} records into {}{fixed}{same} — change set {} by {} at {}\n{}", report.total() - n_corrected, ctx.db.display(), cs.id, cs.recorded_by, cs.recorded_at, table(&["file", "rows"], &rows))
    });
    Ok(())
}

/// [`mlgov_store::plan_batch`] with the CLI's errors.
pub fn plan_against_store(
    store: &dyn mlgov_store::Store,
    loaded: &Loaded,
    update: bool,
) -> Result<mlgov_interchange::AdditionPlan, CliError> {
    mlgov_store::plan_batch(store, loaded, update).map_err(|e| match e {
        mlgov_store::PlanError::Invalid(d) => CliError::Diagnostics(d),
        mlgov_store::PlanError::Store(e) => store_err(e),
    })
}

/// `mlgov sources verify [--texts DIR]`: every quotation of every locator against the cited
/// source's text — the texts bundled with mlgov (files 000 and 001, CC BY), and with `--texts` every
/// source's file from DIR (exit 2 when a quotation is not found).
pub fn verify_quotes(ctx: &Ctx, dir: Option<&Path>) -> Result<(), CliError> {
    use mlgov_analysis::quotes::{BUNDLED_TEXTS, QuoteStatus, verify};
    let kb = ctx.load_kb()?;
    let mut texts: std::collections::BTreeMap<String, String> =
        BUNDLED_TEXTS.iter().map(|(f, t)| (f.to_string(), t.to_string())).collect();
    if let Some(dir) = dir {
        for f in kb.sources.iter().filter_map(|s| s.file.clone()) {
            match std::fs::read(dir.join(&f)) {
                Ok(b) => {
                    texts.insert(f, String::from_utf8_lossy(&b).into_owned());
                }
                Err(e) => {
                    return Err(CliError::Data(format!(
                        "{}: {e} (a source's file named in sources.csv)",
                        dir.join(&f).display()
                    )));
                }
            }
        }
    }
    let checks = verify(&kb, &texts);
    let count = |st: QuoteStatus| checks.iter().filter(|c| c.status == st).count();
    let (ok, bad, no_quote, no_text) = (
        count(QuoteStatus::Verified),
        count(QuoteStatus::Unverified),
        count(QuoteStatus::NoQuote),
        count(QuoteStatus::NoText),
    );
    let unverified: Vec<_> =
        checks.iter().filter(|c| c.status == QuoteStatus::Unverified).collect();
    ctx.emit(&json!({"verified": ok, "unverified": bad, "no_quote": no_quote, "no_text": no_text, "unverified_quotes": unverified}), || {
        let rows: Vec<Vec<String>> = unverified.iter().take(crate::output::SHOWN_PROBLEMS).map(|c| vec![c.id.clone(), c.source.clone(), c.missing.clone().unwrap_or_default()]).collect();
        let listed = if rows.is_empty() {
            String::new()
        } else {
            // The first 100 quotations, then how many more.
            let mut t = table(&["statement", "source", "quotation not found"], &rows);
            if unverified.len() > rows.len() {
                t.push_str(&crate::output::more(unverified.len() - rows.len()));
            }
            t
        };
        format!(
            "{ok} statements quote their source verbatim, {bad} do not; {no_quote} cite a section, table or footnote without quoting; {no_text} cite a source whose text is not at hand (not bundled: give --texts DIR; datasets such as GeoNames have none)\n{listed}"
        )
    });
    if bad > 0 {
        return Err(CliError::Data(format!("{bad} quotation(s) not found in the cited text")));
    }
    Ok(())
}

/// `mlgov history ID`: every recorded version of a record.
pub fn history(ctx: &Ctx, id: &str) -> Result<(), CliError> {
    let store = ctx.store()?;
    let versions = store.history(id).map_err(store_err)?;
    if versions.is_empty() {
        return Err(CliError::Data(format!("{id} was never stored")));
    }
    ctx.emit(&json!({"id": id, "versions": versions}), || {
        let mut out = format!("{id} — {} version(s)\n", versions.len());
        let mut prev: Option<&std::collections::BTreeMap<String, String>> = None;
        for v in &versions {
            out.push_str(&format!(
                "\nrecorded {} by {} (change set {}, {})",
                v.opened.recorded_at, v.opened.recorded_by, v.opened.id, v.opened.kind
            ));
            match (&v.closed, v.closed_as.as_deref()) {
                (Some(c), Some(op)) => out.push_str(&format!(
                    "; {} {} by {} (change set {}){}\n",
                    if op == "retract" { "retracted" } else { "superseded" },
                    c.recorded_at,
                    c.recorded_by,
                    c.id,
                    v.reason.as_ref().map(|r| format!(": {r}")).unwrap_or_default()
                )),
                _ => out.push_str("; current\n"),
            }
            let rows: Vec<Vec<String>> = v
                .cells
                .iter()
                .filter(|(k, val)| {
                    prev.is_none_or(|p| p.get(*k) != Some(val)) && !val.is_empty()
                        || prev.is_some_and(|p| p.get(*k).is_some_and(|o| o != *val))
                })
                .map(|(k, val)| vec![k.clone(), val.clone()])
                .collect();
            out.push_str(&table(
                &[if prev.is_none() { "field" } else { "changed field" }, "value"],
                &rows,
            ));
            prev = Some(&v.cells);
        }
        out
    });
    Ok(())
}

/// `mlgov retract ID --reason "…"`: the record leaves the current base (if nothing stored refers to
/// it) and stays in its history.
pub fn retract(ctx: &Ctx, id: &str, reason: &str) -> Result<(), CliError> {
    if reason.trim().is_empty() {
        return Err(CliError::Usage(
            "--reason must say why (and, where there is one, cite the source)".into(),
        ));
    }
    if let Some(problem) = mlgov_domain::text::control_problem(reason) {
        return Err(CliError::Usage(format!("--reason {problem}")));
    }
    let mut store = ctx.store_create()?;
    let prepared_against = store.latest_change_set().map_err(store_err)?;
    let mut kb = store.load().map_err(store_err)?;
    // The base without it must still be valid: nothing may refer to what is retracted.
    struct Drop<'a>(&'a str, bool);
    impl mlgov_domain::TableVisitorMut for Drop<'_> {
        fn table<R: mlgov_domain::Record>(&mut self, rows: &mut Vec<R>) {
            let n = rows.len();
            rows.retain(|r| r.id().as_str() != self.0);
            self.1 |= rows.len() != n;
        }
    }
    let mut d = Drop(id, false);
    kb.visit_mut(&mut d);
    if !d.1 {
        return Err(CliError::Data(format!(
            "{id} is not in the current base (see `mlgov history {id}`)"
        )));
    }
    let referrers: Vec<String> = kb
        .validate()
        .into_iter()
        .filter(|p| {
            p.message.contains(&format!(" {id},")) || p.message.contains(&format!(" {id} "))
        })
        .map(|p| format!("{} ({})", p.id, p.field))
        .collect();
    if !referrers.is_empty() {
        return Err(CliError::Data(format!(
            "{id} cannot be retracted while {} stored record(s) refer to it: {}; retract or correct them first",
            referrers.len(),
            referrers.join(", ")
        )));
    }
    let change = mlgov_store::Change {
        kind: "retract".into(),
        note: None,
        retracted: vec![mlgov_store::Retraction { id: id.to_string(), reason: reason.to_string() }],
        prepared_against,
        ..Default::default()
    };
    let (cs, _) = store.apply(&change).map_err(store_err)?;
    ctx.emit(&json!({"retracted": id, "reason": reason, "change_set": cs}), || format!("retracted {id} — change set {} by {} at {}: {reason}\n(its versions stay: mlgov history {id})", cs.id, cs.recorded_by, cs.recorded_at));
    Ok(())
}

/// `mlgov validate <dir|file>`: checks without writing.
pub fn validate(ctx: &Ctx, path: &Path, csv: &CsvArgs) -> Result<(), CliError> {
    // Checked against the store when there is one (a SQLite file or a PostgreSQL URL) and it holds
    // a base: then the input is a batch whose references may resolve in the store.
    let store = match ctx.store() {
        Ok(store) => Some(store)
            .filter(|s| s.counts().map(|c| c.iter().any(|(_, n)| *n > 0)).unwrap_or(false)),
        Err(CliError::Data(_)) => None,
        Err(e) => return Err(e),
    };
    let progress = ctx.phases();
    let opts = csv.options()?;
    let loaded = match &store {
        None => read_shown(path, &opts, true, &progress)?,
        Some(store) => {
            let loaded = read_shown(path, &opts, false, &progress)?;
            progress.step("checking the records against the stored base");
            plan_against_store(store.as_ref(), &loaded, false)?;
            loaded
        }
    };
    progress.finish();
    let counts = loaded.kb.counts();
    ctx.emit(&json!({"valid": true, "records": counts}), || {
        let rows: Vec<Vec<String>> = counts
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(f, n)| vec![f.to_string(), n.to_string()])
            .collect();
        format!(
            "{} is valid: {} records\n{}",
            path.display(),
            counts.values().sum::<usize>(),
            table(&["table", "records"], &rows)
        )
    });
    Ok(())
}

/// `mlgov export`: the whole base as a CSV directory, JSON, an XLSX workbook, Parquet files, or
/// its sources as BibTeX or CSL-JSON.
pub fn export(ctx: &Ctx, out: &Path, format: &str, raw: bool) -> Result<(), CliError> {
    let kb = ctx.load_kb()?;
    let to_stdout = out.as_os_str() == "-";
    let write_file = |bytes: &[u8], what: &str, records: usize| -> Result<(), CliError> {
        if to_stdout {
            use std::io::Write;
            // A closed pipe (`| head`) ends quietly.
            let _ = std::io::stdout().lock().write_all(bytes);
            return Ok(());
        }
        std::fs::write(out, bytes)
            .map_err(|e| CliError::Other(anyhow::anyhow!("{}: {e}", out.display())))?;
        ctx.emit(
            &json!({"out": out.display().to_string(), "format": format, "records": records}),
            || format!("exported {what} to {}", out.display()),
        );
        Ok(())
    };
    let records: usize = kb.counts().values().sum();
    match format {
        "csv" | "parquet" if to_stdout => {
            return Err(CliError::Usage(format!(
                "a {format} export is a directory of files (one per record kind) and cannot go to stdout; give a directory with --out DIR, or --format json --out - for one document on stdout"
            )));
        }
        "csv" => {
            let written = mlgov_interchange::write_dir_with(&kb, out, raw)
                .map_err(|e| CliError::Other(anyhow::anyhow!(e.to_string())))?;
            let total: usize = written.iter().map(|(_, n)| n).sum();
            ctx.emit(&json!({"out": out.display().to_string(), "format": "csv", "records": total, "raw": raw}), || format!("exported {total} records to {}", out.display()));
        }
        "parquet" => export_parquet(ctx, &kb, out, records)?,
        "xlsx" => {
            if to_stdout {
                return Err(CliError::Usage(
                    "an XLSX workbook is binary: give a file with --out FILE.xlsx".into(),
                ));
            }
            let bytes = kb_workbook(&kb, raw)?;
            write_file(&bytes, &format!("{records} records as an XLSX workbook"), records)?;
        }
        "bibtex" => write_file(
            mlgov_export::cite::bibtex(&kb.sources).as_bytes(),
            &format!("{} sources as BibTeX", kb.sources.len()),
            kb.sources.len(),
        )?,
        "csl-json" => {
            let s =
                serde_json::to_string_pretty(&mlgov_export::cite::csl_json(&kb.sources))? + "\n";
            write_file(
                s.as_bytes(),
                &format!("{} sources as CSL-JSON", kb.sources.len()),
                kb.sources.len(),
            )?;
        }
        "json" => {
            let s = mlgov_interchange::to_json(&kb);
            if to_stdout {
                use std::io::Write;
                let _ = std::io::stdout().lock().write_all(s.as_bytes());
            } else {
                std::fs::write(out, s)?;
                ctx.emit(&json!({"out": out.display().to_string(), "format": "json"}), || {
                    format!("exported to {}", out.display())
                });
            }
        }
        other => {
            return Err(CliError::Usage(format!(
                "unknown export format {other:?}; expected csv, json, xlsx, parquet, bibtex, csl-json or geojson"
            )));
        }
    }
    Ok(())
}

/// `mlgov export --format parquet`: one Parquet file per record kind in `out`.
fn export_parquet(
    ctx: &Ctx,
    kb: &KnowledgeBase,
    out: &Path,
    records: usize,
) -> Result<(), CliError> {
    std::fs::create_dir_all(out)?;
    let mut files = Vec::new();
    for t in mlgov_export::kb_tables(kb) {
        let bytes = mlgov_export::parquet::parquet_bytes(
            &t,
            &[("mlgov.version", env!("CARGO_PKG_VERSION"))],
        )
        .map_err(|e| CliError::Other(e.into()))?;
        let path = out.join(format!("{}.parquet", t.name));
        std::fs::write(&path, bytes)
            .map_err(|e| CliError::Other(anyhow::anyhow!("{}: {e}", path.display())))?;
        files.push(json!({"file": path.display().to_string(), "rows": t.rows.len()}));
    }
    ctx.emit(&json!({"out": out.display().to_string(), "format": "parquet", "records": records, "files": files}), || format!("exported {records} records to {} ({} Parquet files)", out.display(), files.len()));
    Ok(())
}

/// The whole base as one workbook, with a README sheet naming the sources.
fn kb_workbook(kb: &KnowledgeBase, raw: bool) -> Result<Vec<u8>, CliError> {
    let tables = mlgov_export::kb_tables(kb);
    let mut lines = vec![
        ("Written by".to_string(), format!("mlgov {}", env!("CARGO_PKG_VERSION"))),
        ("Sheets".into(), "one per record type; every row cites its source (src: id, sheet sources) and a locator".into()),
        ("Dates".into(), "as the sources give them: 2015, 2015-03 or 2015-03-12 (text, not spreadsheet dates)".into()),
    ];
    for s in &kb.sources {
        lines.push((
            s.id.to_string(),
            format!(
                "{} — {}{}",
                s.short,
                s.title,
                s.licence.as_ref().map(|l| format!(" (licence {l})")).unwrap_or_default()
            ),
        ));
    }
    let readme = mlgov_export::xlsx::ReadMe { title: "mlgov knowledge base".into(), lines };
    mlgov_export::xlsx::workbook(&tables, Some(&readme), mlgov_export::xlsx::XlsxOptions { raw })
        .map_err(|e| CliError::Other(e.into()))
}

fn cite(kb: &KnowledgeBase, c: &Citation) -> String {
    format!("{}, {}", kb.display_name(&c.source), c.locator)
}

fn cite_json(kb: &KnowledgeBase, c: &Citation) -> Value {
    json!({"source": c.source.as_str(), "short": kb.display_name(&c.source), "locator": c.locator})
}

fn when_json(i: &Interval) -> Value {
    json!({"from": i.from.map(|d| d.to_string()), "to": i.to.map(|d| d.to_string())})
}

/// Facts of an entity as (JSON, rows).
fn facts_section(kb: &KnowledgeBase, id: &Id) -> (Vec<Value>, Vec<Vec<String>>) {
    let mut fs: Vec<&Fact> = kb.facts.iter().filter(|f| &f.subject == id).collect();
    fs.sort_by(|a, b| a.property.cmp(&b.property).then(a.when.cmp(&b.when)).then(a.id.cmp(&b.id)));
    let j = fs.iter().map(|f| json!({"id": f.id.as_str(), "property": f.property.as_str(), "value": f.value, "qualifier": f.qualifier, "when": when_json(&f.when), "citation": cite_json(kb, &f.citation)})).collect();
    let rows = fs
        .iter()
        .map(|f| {
            let v = match &f.qualifier {
                Some(q) => format!("{} ({q})", f.value),
                None => f.value.clone(),
            };
            let v = if f.property == Property::Headquarters {
                Id::parse(&f.value).map(|i| kb.display_name(&i)).unwrap_or(v)
            } else {
                v
            };
            vec![
                f.property.to_string(),
                v,
                if f.when.is_undated() { String::new() } else { f.when.display() },
                cite(kb, &f.citation),
            ]
        })
        .collect();
    (j, rows)
}

/// Push a titled table to `out` when it has rows.
fn section(out: &mut String, title: &str, headers: &[&str], rows: &[Vec<String>]) {
    if !rows.is_empty() {
        out.push_str(&format!("\n{title}\n{}", table(headers, rows)));
    }
}

/// The facts of an entity as a titled table, when it has any.
fn facts_table(out: &mut String, facts_rows: &[Vec<String>]) {
    section(out, "Facts", &["property", "value", "when", "source"], facts_rows);
}

/// `mlgov show <kind> <name>`.
pub fn show(ctx: &Ctx, kind: &str, name: &str) -> Result<(), CliError> {
    let kinds = match kind {
        "locality" | "localities" => vec![IdKind::Locality],
        "network" | "networks" => vec![IdKind::Network],
        "organisation" | "organization" | "organisations" => vec![IdKind::Organisation],
        "person" | "persons" | "people" => vec![IdKind::Person],
        "any" => vec![],
        other => {
            return Err(CliError::Usage(format!(
                "unknown kind {other:?}; expected locality, network, organisation or person"
            )));
        }
    };
    let kb = ctx.load_kb()?;
    let id = ctx.resolve(&kb, name, &kinds)?;
    let (facts_json, facts_rows) = facts_section(&kb, &id);
    let mut out = String::new();
    let mut j = json!({"id": id.as_str(), "kind": id.kind().noun(), "name": kb.display_name(&id), "facts": facts_json});
    match id.kind() {
        IdKind::Locality => show_locality(&kb, &id, &facts_rows, &mut j, &mut out),
        IdKind::Network => show_network(&kb, &id, &facts_rows, &mut j, &mut out),
        IdKind::Organisation => {
            let o = kb.organisations.iter().find(|o| o.id == id).unwrap();
            j["organisation_kind"] = json!(o.kind);
            j["citation"] = cite_json(&kb, &o.citation);
            out.push_str(&wrap(&format!(
                "{} — {}{}",
                o.name,
                o.kind,
                o.country.as_ref().map(|c| format!(" ({c})")).unwrap_or_default()
            )));
            out.push_str(&wrap(&format!("id {}; source: {}", o.id, cite(&kb, &o.citation))));
            facts_table(&mut out, &facts_rows);
        }
        IdKind::Person => show_person(&kb, &id, &facts_rows, &mut j, &mut out),
        _ => {}
    }
    show_relations(&kb, &id, &mut j, &mut out);
    ctx.emit(&j, || out);
    Ok(())
}

/// A locality: its names and kind, facts, memberships and office terms.
fn show_locality(
    kb: &KnowledgeBase,
    id: &Id,
    facts_rows: &[Vec<String>],
    j: &mut Value,
    out: &mut String,
) {
    let l = kb.localities.iter().find(|l| l.id == *id).unwrap();
    j["country"] = json!(l.country);
    j["region"] = json!(l.region);
    j["locality_kind"] = json!(l.kind);
    j["anonymised"] = json!(l.anonymised);
    j["aliases"] = json!(l.aliases);
    j["citation"] = cite_json(kb, &l.citation);
    out.push_str(&format!(
        "{} — {} ({}{}){}\n",
        l.display_name(),
        l.kind,
        l.country,
        l.region.as_ref().map(|r| format!(", {r}")).unwrap_or_default(),
        if l.anonymised { " [anonymised by its sources]" } else { "" }
    ));
    if !l.aliases.is_empty() {
        out.push_str(&wrap(&format!("also: {}", l.aliases.join(", "))))
    }
    out.push_str(&wrap(&format!("id {}; source: {}", l.id, cite(kb, &l.citation))));
    let mut ms: Vec<&Membership> = kb.memberships.iter().filter(|m| m.member == *id).collect();
    ms.sort_by(|a, b| a.when.cmp(&b.when).then(a.id.cmp(&b.id)));
    j["memberships"] = json!(ms.iter().map(|m| json!({"id": m.id.as_str(), "network": m.network.as_str(), "network_name": kb.display_name(&m.network), "role": m.role, "when": when_json(&m.when), "exit_reason": m.exit_reason, "citation": cite_json(kb, &m.citation)})).collect::<Vec<_>>());
    let mut ts: Vec<&Term> = kb.terms.iter().filter(|t| t.locality == *id).collect();
    ts.sort_by_key(|a| a.when);
    j["terms"] = json!(ts.iter().map(|t| json!({"person": t.person.as_str(), "name": kb.display_name(&t.person), "office": t.office, "portfolio": t.portfolio, "party": t.party, "orientation": t.orientation, "when": when_json(&t.when), "citation": cite_json(kb, &t.citation)})).collect::<Vec<_>>());
    facts_table(out, facts_rows);
    let rows: Vec<Vec<String>> = ms
        .iter()
        .map(|m| {
            vec![
                kb.display_name(&m.network),
                m.role.to_string(),
                m.when.display(),
                cite(kb, &m.citation),
            ]
        })
        .collect();
    section(out, "Memberships", &["network", "role", "years", "source"], &rows);
    let rows: Vec<Vec<String>> = ts
        .iter()
        .map(|t| {
            vec![
                kb.display_name(&t.person),
                t.office.to_string(),
                t.party.clone().unwrap_or_default(),
                t.when.display(),
                cite(kb, &t.citation),
            ]
        })
        .collect();
    section(out, "Office terms", &["person", "office", "party", "years", "source"], &rows);
}

/// A network: its name, parent and parts, facts and members.
fn show_network(
    kb: &KnowledgeBase,
    id: &Id,
    facts_rows: &[Vec<String>],
    j: &mut Value,
    out: &mut String,
) {
    let n = kb.networks.iter().find(|n| n.id == *id).unwrap();
    j["acronym"] = json!(n.acronym);
    j["network_kind"] = json!(n.kind);
    j["parent"] = json!(n.parent.as_ref().map(|p| p.as_str()));
    j["aliases"] = json!(n.aliases);
    j["citation"] = cite_json(kb, &n.citation);
    out.push_str(&format!(
        "{}{} — {}\n",
        n.name,
        n.acronym.as_ref().map(|a| format!(" ({a})")).unwrap_or_default(),
        n.kind
    ));
    if let Some(p) = &n.parent {
        out.push_str(&format!("part of {}\n", kb.display_name(p)))
    }
    let children: Vec<&Network> =
        kb.networks.iter().filter(|c| c.parent.as_ref() == Some(id)).collect();
    if !children.is_empty() {
        out.push_str(&wrap(&format!(
            "working groups / parts: {}",
            children.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")
        )))
    }
    out.push_str(&wrap(&format!("id {}; source: {}", n.id, cite(kb, &n.citation))));
    let mut ms: Vec<&Membership> = kb.memberships.iter().filter(|m| m.network == *id).collect();
    ms.sort_by(|a, b| a.when.cmp(&b.when).then(a.member.cmp(&b.member)));
    j["members"] = json!(ms.iter().map(|m| json!({"member": m.member.as_str(), "name": kb.display_name(&m.member), "role": m.role, "when": when_json(&m.when), "exit_reason": m.exit_reason, "citation": cite_json(kb, &m.citation)})).collect::<Vec<_>>());
    facts_table(out, facts_rows);
    let rows: Vec<Vec<String>> = ms
        .iter()
        .map(|m| {
            vec![
                kb.display_name(&m.member),
                m.role.to_string(),
                m.when.display(),
                m.exit_reason.map(|e| e.to_string()).unwrap_or_default(),
                cite(kb, &m.citation),
            ]
        })
        .collect();
    section(out, "Members", &["member", "role", "years", "exit", "source"], &rows);
}

/// A person: facts, office terms and affiliations.
fn show_person(
    kb: &KnowledgeBase,
    id: &Id,
    facts_rows: &[Vec<String>],
    j: &mut Value,
    out: &mut String,
) {
    let p = kb.persons.iter().find(|p| p.id == *id).unwrap();
    j["citation"] = cite_json(kb, &p.citation);
    out.push_str(&format!(
        "{}\n{}",
        p.name,
        wrap(&format!("id {}; source: {}", p.id, cite(kb, &p.citation)))
    ));
    if kb
        .facts_of(id, mlgov_domain::Property::NetworkProfessional)
        .iter()
        .any(|f| f.value == "true")
    {
        out.push_str("A network professional (boundary spanner between the city and its networks): see Facts\n");
    }
    facts_table(out, facts_rows);
    let ts: Vec<&Term> = kb.terms.iter().filter(|t| t.person == *id).collect();
    j["terms"] = json!(ts.iter().map(|t| json!({"locality": t.locality.as_str(), "office": t.office, "portfolio": t.portfolio, "party": t.party, "when": when_json(&t.when)})).collect::<Vec<_>>());
    let rows: Vec<Vec<String>> = ts
        .iter()
        .map(|t| {
            vec![
                kb.display_name(&t.locality),
                t.office.to_string(),
                t.portfolio.clone().unwrap_or_default(),
                t.party.clone().unwrap_or_default(),
                t.when.display(),
            ]
        })
        .collect();
    section(out, "Office terms", &["locality", "office", "portfolio", "party", "years"], &rows);
    let afs: Vec<&Affiliation> = kb.affiliations.iter().filter(|a| a.person == *id).collect();
    j["affiliations"] = json!(afs.iter().map(|a| json!({"organisation": a.organisation.as_str(), "role": a.role, "sector": a.sector, "when": when_json(&a.when)})).collect::<Vec<_>>());
    let rows: Vec<Vec<String>> = afs
        .iter()
        .map(|a| {
            vec![
                kb.display_name(&a.organisation),
                a.role.clone(),
                a.when.display(),
                cite(kb, &a.citation),
            ]
        })
        .collect();
    section(out, "Affiliations", &["with", "role", "years", "source"], &rows);
}

/// Relations touching the entity.
fn show_relations(kb: &KnowledgeBase, id: &Id, j: &mut Value, out: &mut String) {
    let rels: Vec<&Relation> =
        kb.relations.iter().filter(|r| r.subject == *id || r.object == *id).collect();
    j["relations"] = json!(rels.iter().map(|r| json!({"subject": r.subject.as_str(), "kind": r.kind, "object": r.object.as_str(), "when": when_json(&r.when), "citation": cite_json(kb, &r.citation)})).collect::<Vec<_>>());
    let rows: Vec<Vec<String>> = rels
        .iter()
        .map(|r| {
            vec![
                kb.display_name(&r.subject),
                r.kind.to_string(),
                kb.display_name(&r.object),
                if r.when.is_undated() { String::new() } else { r.when.display() },
                cite(kb, &r.citation),
            ]
        })
        .collect();
    section(out, "Relations", &["subject", "relation", "object", "when", "source"], &rows);
}

/// Filters of `mlgov list`.
#[derive(Debug, Default, clap::Args)]
pub struct ListFilters {
    /// ISO country code (IT, FR, ES…).
    #[arg(long)]
    pub country: Option<String>,
    /// Size class: rural, small, medium, large.
    #[arg(long)]
    pub size: Option<String>,
    /// Network scale: subnational, national, continental, global.
    #[arg(long)]
    pub scale: Option<String>,
    /// Only records in force that year (memberships, terms, networks, events).
    #[arg(long)]
    pub year: Option<i32>,
    /// Network origin: sponsored, grassroots, mixed.
    #[arg(long)]
    pub origin: Option<String>,
}

/// The column headers and rows of a list.
type ListRows = (Vec<&'static str>, Vec<Vec<String>>);

/// `mlgov list <kind>`.
pub fn list(ctx: &Ctx, kind: &str, f: &ListFilters) -> Result<(), CliError> {
    let kb = ctx.load_kb()?;
    let (headers, rows): ListRows = match kind {
        "localities" | "locality" => locality_rows(&kb, f)?,
        "networks" | "network" => network_rows(&kb, f),
        "organisations" | "organisation" | "organizations" => organisation_rows(&kb, f),
        "persons" | "people" | "person" => person_rows(&kb),
        "memberships" | "membership" => membership_rows(&kb, f),
        "terms" | "term" => term_rows(&kb, f),
        "events" | "event" => event_rows(&kb, f),
        "sources" | "source" => source_rows(&kb),
        other => {
            return Err(CliError::Usage(format!(
                "unknown kind {other:?}; expected localities, networks, organisations, persons, memberships, terms, events or sources"
            )));
        }
    };
    let mut rows = rows;
    rows.sort();
    let j: Vec<Value> = rows
        .iter()
        .map(|r| {
            Value::Object(headers.iter().zip(r).map(|(h, v)| (h.to_string(), json!(v))).collect())
        })
        .collect();
    ctx.emit(&json!({"kind": kind, "count": rows.len(), "items": j}), || {
        format!("{}{} {kind}", table(&headers, &rows), rows.len())
    });
    Ok(())
}

/// `mlgov list localities`: by country, size class and year.
fn locality_rows(kb: &KnowledgeBase, f: &ListFilters) -> Result<ListRows, CliError> {
    let fact = |id: &Id, p: Property| {
        kb.facts_of(id, p).iter().map(|f| f.value.clone()).collect::<Vec<_>>()
    };
    let size = f
        .size
        .as_deref()
        .map(|s| {
            filter::size_class(s).ok_or_else(|| {
                CliError::Usage(format!(
                    "unknown size {s:?}; expected rural, small, medium or large"
                ))
            })
        })
        .transpose()?;
    let keep = filter::LocalityFilter {
        country: f.country.clone(),
        size,
        year: f.year,
        year_rule: filter::YearRule::Overlaps,
        ..Default::default()
    };
    let rows = keep
        .apply(kb)
        .into_iter()
        .map(|l| {
            vec![
                l.id.to_string(),
                l.display_name().to_string(),
                l.country.clone(),
                l.region.clone().unwrap_or_default(),
                fact(&l.id, Property::SizeClass).join("/"),
                l.kind.to_string(),
            ]
        })
        .collect();
    Ok((vec!["id", "name", "country", "region", "size", "kind"], rows))
}

/// `mlgov list networks`: by country, scale, origin and year.
fn network_rows(kb: &KnowledgeBase, f: &ListFilters) -> ListRows {
    let fact = |id: &Id, p: Property| {
        kb.facts_of(id, p).iter().map(|f| f.value.clone()).collect::<Vec<_>>()
    };
    let keep = filter::NetworkFilter {
        country: f.country.clone(),
        scale: f.scale.clone(),
        origin: f.origin.clone(),
        year: f.year,
        ..Default::default()
    };
    let rows = keep
        .apply(kb)
        .into_iter()
        .map(|n| {
            vec![
                n.id.to_string(),
                n.name.clone(),
                n.kind.to_string(),
                fact(&n.id, Property::Scale).join("/"),
                fact(&n.id, Property::Origin).join("/"),
                fact(&n.id, Property::Founded).join("/"),
            ]
        })
        .collect();
    (vec!["id", "name", "kind", "scale", "origin", "founded"], rows)
}

/// `mlgov list organisations`: by country.
fn organisation_rows(kb: &KnowledgeBase, f: &ListFilters) -> ListRows {
    let keep = filter::OrganisationFilter { country: f.country.clone(), ..Default::default() };
    let rows = kb
        .organisations
        .iter()
        .filter(|o| keep.matches(o))
        .map(|o| {
            vec![
                o.id.to_string(),
                o.name.clone(),
                o.kind.to_string(),
                o.country.clone().unwrap_or_default(),
            ]
        })
        .collect();
    (vec!["id", "name", "kind", "country"], rows)
}

/// `mlgov list persons`, each with their offices.
fn person_rows(kb: &KnowledgeBase) -> ListRows {
    let rows = kb
        .persons
        .iter()
        .map(|p| {
            let offices: Vec<String> = kb
                .terms
                .iter()
                .filter(|t| t.person == p.id)
                .map(|t| {
                    format!("{} of {} {}", t.office, kb.display_name(&t.locality), t.when.display())
                })
                .collect();
            vec![p.id.to_string(), p.name.clone(), offices.join("; ")]
        })
        .collect();
    (vec!["id", "name", "offices"], rows)
}

/// `mlgov list memberships`: by year and country.
fn membership_rows(kb: &KnowledgeBase, f: &ListFilters) -> ListRows {
    let keep =
        filter::MembershipFilter { year: f.year, country: f.country.clone(), ..Default::default() };
    let rows = keep
        .apply(kb)
        .into_iter()
        .map(|m| {
            vec![
                kb.display_name(&m.member),
                kb.display_name(&m.network),
                m.role.to_string(),
                m.when.display(),
                m.id.to_string(),
            ]
        })
        .collect();
    (vec!["member", "network", "role", "years", "id"], rows)
}

/// `mlgov list terms`: by year.
fn term_rows(kb: &KnowledgeBase, f: &ListFilters) -> ListRows {
    let rows = kb
        .terms
        .iter()
        .filter(|t| f.year.is_none_or(|y| t.when.contains_year(y)))
        .map(|t| {
            vec![
                kb.display_name(&t.locality),
                kb.display_name(&t.person),
                t.office.to_string(),
                t.party.clone().unwrap_or_default(),
                t.when.display(),
            ]
        })
        .collect();
    (vec!["locality", "person", "office", "party", "years"], rows)
}

/// `mlgov list events`: by year and country.
fn event_rows(kb: &KnowledgeBase, f: &ListFilters) -> ListRows {
    // An event without `to` happened at its `from` date (it is not ongoing).
    let keep = filter::EventFilter {
        year: f.year,
        country: f.country.clone(),
        open: filter::OpenEvent::AtStart,
    };
    let rows = kb
        .events
        .iter()
        .filter(|e| keep.matches(e))
        .map(|e| {
            vec![
                keep.span(e).display(),
                e.title.clone(),
                e.kind.to_string(),
                e.country.clone().unwrap_or_default(),
                e.id.to_string(),
            ]
        })
        .collect();
    (vec!["date", "title", "kind", "country", "id"], rows)
}

/// `mlgov list sources`, each with how many statements cite it.
fn source_rows(kb: &KnowledgeBase) -> ListRows {
    let rows = kb
        .sources
        .iter()
        .map(|s| {
            vec![
                s.id.to_string(),
                s.short.clone(),
                s.kind.to_string(),
                kb.citing(&s.id).len().to_string(),
            ]
        })
        .collect();
    (vec!["id", "short", "kind", "statements"], rows)
}

/// `mlgov timeline <locality>`: memberships, roles, terms, events and phases as a text Gantt.
/// `figure`: also the Gantt chart as SVG, PNG or PDF, by the file's extension.
pub fn timeline(ctx: &Ctx, name: &str, figure: Option<&Path>) -> Result<(), CliError> {
    let format = figure.map(super::figure::format_of).transpose()?;
    let kb = ctx.load_kb()?;
    let id = ctx.resolve(&kb, name, &[IdKind::Locality])?;
    let tl = mlgov_analysis::trajectory::timeline(&kb, &id);
    if let (Some(path), Some(format)) = (figure, format) {
        let chart = mlgov_analysis::gantt::from_timelines(
            std::slice::from_ref(&tl),
            GanttLayout::ByNetwork { until: tl.last_year.max(2020) },
        );
        super::figure::write(path, format, &chart.render())?;
        eprintln!("wrote {}", path.display());
    }
    ctx.emit(&serde_json::to_value(&tl)?, || {
        let (y0, y1) = (tl.first_year, tl.last_year);
        let mut rows = Vec::new();
        for r in &tl.rows {
            let mark = match r.lane {
                Lane::Membership if r.leading => '▓',
                Lane::Membership => '█',
                Lane::Term => '░',
                Lane::NetworkProfessional => '▒',
                Lane::Phase => '─',
                Lane::Event => '◆',
            };
            rows.push(GanttRow { label: r.label.clone(), from: r.from, to: if r.lane == Lane::Event { r.from } else { r.to }, mark });
        }
        format!("{} — {y0}–{y1}\n(█ member  ▓ leading role  ░ office term  ▒ network professional  ─ phase  ◆ event  ▶ ongoing)\n{}", tl.name, gantt(&rows, y0, y1))
    });
    Ok(())
}

/// `mlgov conflicts`: statements that disagree, each with its source.
pub fn conflicts(ctx: &Ctx) -> Result<(), CliError> {
    let kb = ctx.load_kb()?;
    let cs = kb.conflicts();
    let by_nature: std::collections::BTreeMap<&str, usize> = KnowledgeBase::CONFLICT_NATURES
        .iter()
        .map(|n| (*n, cs.iter().filter(|c| c.nature == *n).count()))
        .collect();
    ctx.emit(&json!({"count": cs.len(), "by_nature": by_nature, "conflicts": cs}), || {
        let mut out = format!("{} group(s) of statements that do not agree\n", cs.len());
        for n in KnowledgeBase::CONFLICT_NATURES {
            out.push_str(&format!("  {:>3}  {}\n", by_nature[n], nature_heading(n).to_lowercase()));
        }
        for nature in KnowledgeBase::CONFLICT_NATURES {
            let group: Vec<_> = cs.iter().filter(|c| c.nature == nature).collect();
            if group.is_empty() {
                continue;
            }
            out.push_str(&format!("\n== {} ({}) ==\n", nature_heading(nature), group.len()));
            for c in group {
                let subj =
                    Id::parse(&c.subject).map(|i| kb.display_name(&i)).unwrap_or(c.subject.clone());
                out.push_str(&format!(
                    "\n{}",
                    wrap(&format!("{} — {} ({})", subj, c.about, c.subject))
                ));
                out.push_str(&wrap(&format!("  {}", c.explanation)));
                let rows: Vec<Vec<String>> = c
                    .statements
                    .iter()
                    .map(|s| {
                        vec![
                            s.value.clone(),
                            if s.when.is_undated() { String::new() } else { s.when.display() },
                            cite(&kb, &s.citation),
                            s.id.clone(),
                        ]
                    })
                    .collect();
                out.push_str(&table(&["value", "when", "source", "statement"], &rows));
            }
        }
        out
    });
    Ok(())
}

/// The heading of a conflict nature.
fn nature_heading(n: &str) -> &'static str {
    match n {
        "sources_disagree" => "Sources disagree",
        "source_disagrees_with_itself" => "A source disagrees with itself",
        "change_over_time" => "Possibly a change over time",
        "identity_ambiguity" => "Identity ambiguity (localities sharing a label)",
        _ => "Other",
    }
}

/// The source a name designates, case- and accent-insensitive: its short citation ("Caponio &
/// Clément 2020"), its id without `src:` or its title; else the one source whose short citation
/// contains the words. Sources are not in the name index, which holds entities.
fn source_named(kb: &KnowledgeBase, name: &str) -> Result<Option<Id>, CliError> {
    let q = fold(name);
    let exact: Vec<&Source> = kb
        .sources
        .iter()
        .filter(|s| [fold(&s.short), fold(s.id.body()), fold(&s.title)].contains(&q))
        .collect();
    let hits = if exact.is_empty() && !q.is_empty() {
        kb.sources.iter().filter(|s| fold(&s.short).contains(&q)).collect()
    } else {
        exact
    };
    match hits.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(one.id.clone())),
        many => Err(CliError::Data(format!(
            "{name:?} is ambiguous; candidates:\n{}",
            many.iter().map(|s| format!("  {}  {}", s.id, s.short)).collect::<Vec<_>>().join("\n")
        ))),
    }
}

/// `mlgov sources <name-or-id>`: for a source, what cites it; for an entity, where its statements come from.
pub fn sources(ctx: &Ctx, name: &str) -> Result<(), CliError> {
    let kb = ctx.load_kb()?;
    let id = match Id::parse(name) {
        Ok(i) => i,
        Err(_) => match source_named(&kb, name)? {
            Some(i) => i,
            None => ctx.resolve(&kb, name, &[])?,
        },
    };
    if id.kind() == IdKind::Source {
        let Some(src) = kb.sources.iter().find(|s| s.id == id) else {
            return Err(CliError::Data(format!("no source {id}")));
        };
        let cites = kb.citing(&id);
        // Statements about the source made by other sources (a paper reporting its figures).
        let about: Vec<&mlgov_domain::Fact> =
            kb.facts.iter().filter(|f| f.subject == id && f.citation.source != id).collect();
        ctx.emit(&json!({
            "source": src,
            "statements": cites.iter().map(|(f, i, l)| json!({"file": f, "id": i.as_str(), "locator": l})).collect::<Vec<_>>(),
            "about_it": about.iter().map(|f| json!({"id": f.id.as_str(), "property": f.property, "value": f.value, "citation": cite_json(&kb, &f.citation)})).collect::<Vec<_>>(),
        }), || {
            let rows: Vec<Vec<String>> = cites.iter().map(|(f, i, l)| vec![f.trim_end_matches(".csv").to_string(), i.to_string(), l.clone()]).collect();
            let mut out = format!("{}{} statement(s) cite it\n{}", wrap(&format!("{} — {}", src.short, src.title)), cites.len(), table(&["table", "statement", "locator"], &rows));
            if !about.is_empty() {
                let rows: Vec<Vec<String>> = about.iter().map(|f| vec![f.id.to_string(), f.property.to_string(), f.value.clone(), cite(&kb, &f.citation)]).collect();
                out.push_str(&format!("\n{} statement(s) about it from other sources\n{}", about.len(), table(&["statement", "property", "value", "source"], &rows)));
            }
            out
        });
    } else {
        let cs = kb.citations_about(&id);
        ctx.emit(&json!({"entity": id.as_str(), "name": kb.display_name(&id), "citations": cs.iter().map(|(f, i, c)| json!({"file": f, "id": i.as_str(), "source": c.source.as_str(), "locator": c.locator})).collect::<Vec<_>>()}), || {
            let rows: Vec<Vec<String>> = cs.iter().map(|(f, i, c)| vec![f.trim_end_matches(".csv").to_string(), i.to_string(), kb.display_name(&c.source), c.locator.clone()]).collect();
            format!("{} — {} statement(s)\n{}", kb.display_name(&id), cs.len(), table(&["table", "statement", "source", "locator"], &rows))
        });
    }
    Ok(())
}

/// `mlgov search <text>`: accent-insensitive search across entities.
pub fn search(ctx: &Ctx, q: &str, limit: usize) -> Result<(), CliError> {
    let kb = ctx.load_kb()?;
    let hits = kb.index().search(
        q,
        &[IdKind::Locality, IdKind::Network, IdKind::Organisation, IdKind::Person],
        limit,
    );
    ctx.emit(&json!({"query": q, "hits": hits}), || {
        let rows: Vec<Vec<String>> = hits
            .iter()
            .map(|h| {
                vec![h.name.clone(), h.kind.noun().to_string(), h.id.to_string(), h.matched.clone()]
            })
            .collect();
        table(&["name", "kind", "id", "matched"], &rows)
    });
    Ok(())
}

/// `mlgov demo`: (re)creates the store with the bundled knowledge base and prints an overview.
pub fn demo(ctx: &Ctx) -> Result<(), CliError> {
    let loaded = bundled()?;
    let mut store = ctx.store_create()?;
    let report = store.replace_all(&loaded.kb).map_err(store_err)?;
    let kb = store.load().map_err(store_err)?;
    let counts = kb.counts();
    let overview = mlgov_analysis::tables::network_counts(&kb);
    let conflicts = kb.conflicts().len();
    ctx.emit(&json!({"db": ctx.db.display().to_string(), "records": report.total(), "counts": counts, "conflicts": conflicts, "networks": overview}), || {
        let mut out = format!("mlgov demo — loaded the bundled knowledge base into {}\n\n", ctx.db.display());
        let rows: Vec<Vec<String>> = counts.iter().map(|(k, v)| vec![k.to_string(), v.to_string()]).collect();
        out.push_str(&table(&["records", "count"], &rows));
        out.push_str(&format!("\n{} sourced statements from {} sources; {} conflict(s) between statements kept visible.\n\n", kb.statement_count(), kb.sources.len(), conflicts));
        out.push_str(&mlgov_analysis::tables::network_counts_text(&overview));
        out.push_str("\nTry:\n  mlgov show locality \"saint etienne\"\n  mlgov timeline Turin\n  mlgov compare Turin Saint-Etienne\n  mlgov crosstab outcome-by-size\n  mlgov conflicts\n  mlgov list networks --scale national\n");
        out
    });
    Ok(())
}
