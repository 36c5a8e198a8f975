//! One-record edits from the command line — `mlgov add KIND --column value …` and `mlgov correct ID
//! --column value …` — validated exactly like an import (the same reader and `plan_addition`), each
//! recorded as a change set.

use crate::ctx::{CliError, Ctx, store_err};
use mlgov_domain::{KnowledgeBase, Record, TableVisitor};
use mlgov_interchange::CSV_FILES;
use serde_json::json;

/// The global options (`--json`, `--db`, `--as-of`) that a user may write after the columns: the
/// column list takes every argument, so they are picked out here. Returns the context to use and
/// the remaining arguments.
pub fn with_globals(ctx: &Ctx, fields: &[String]) -> Result<(Ctx, Vec<String>), CliError> {
    let mut out = Ctx {
        db: ctx.db.clone(),
        json: ctx.json,
        as_of: ctx.as_of.clone(),
        xlsx: None,
        xlsx_written: Default::default(),
    };
    let mut rest = Vec::new();
    let mut it = fields.iter();
    while let Some(f) = it.next() {
        match f.as_str() {
            "--json" => out.json = true,
            "--db" => {
                out.db =
                    it.next().ok_or_else(|| CliError::Usage("--db needs a value".into()))?.into()
            }
            "--as-of" => {
                out.as_of = Some(
                    mlgov_store::AsOf::parse(
                        it.next().ok_or_else(|| CliError::Usage("--as-of needs a value".into()))?,
                    )
                    .map_err(CliError::Usage)?,
                )
            }
            _ => rest.push(f.clone()),
        }
    }
    Ok((out, rest))
}

/// Parses `--column value` and `--column=value` pairs.
fn pairs(fields: &[String]) -> Result<Vec<(String, String)>, CliError> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut it = fields.iter();
    while let Some(f) = it.next() {
        let Some(name) = f.strip_prefix("--") else {
            return Err(CliError::Usage(format!("expected --<column> <value>, found {f:?}")));
        };
        let (name, value) = match name.split_once('=') {
            Some((n, v)) => (n.to_string(), v.to_string()),
            None => (
                name.to_string(),
                it.next()
                    .cloned()
                    .ok_or_else(|| CliError::Usage(format!("--{name} needs a value")))?,
            ),
        };
        let name = name.replace('-', "_");
        if out.iter().any(|(n, _)| *n == name) {
            return Err(CliError::Usage(format!("--{name} is given twice")));
        }
        out.push((name, value));
    }
    Ok(out)
}

/// The file of a record kind (`membership`, `memberships`, `locality`).
fn file_of(kind: &str) -> Result<&'static str, CliError> {
    let k = kind.trim().to_lowercase();
    let plural = if k.ends_with('s') {
        k.clone()
    } else if let Some(stem) = k.strip_suffix('y') {
        format!("{stem}ies")
    } else {
        format!("{k}s")
    };
    CSV_FILES.iter().find(|f| f.trim_end_matches(".csv") == plural).copied().ok_or_else(|| {
        CliError::Usage(format!(
            "unknown record kind {kind:?}; expected one of: {}",
            CSV_FILES.iter().map(|f| f.trim_end_matches(".csv")).collect::<Vec<_>>().join(", ")
        ))
    })
}

/// The columns and the id prefix of a table.
fn columns_of(file: &str) -> (Vec<&'static str>, &'static str) {
    struct F<'a>(&'a str, Vec<&'static str>, &'static str);
    impl TableVisitor for F<'_> {
        fn table<R: Record>(&mut self, _rows: &[R]) {
            if R::FILE == self.0 {
                self.1 = R::COLUMNS.iter().map(|c| c.name).collect();
                self.2 = R::KIND.prefix();
            }
        }
    }
    let mut f = F(file, Vec::new(), "");
    KnowledgeBase::default().visit(&mut f);
    (f.1, f.2)
}

/// A one-row CSV file.
fn one_row(file: &str, cells: &[(String, String)]) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(cells.iter().map(|(n, _)| n.as_str())).expect("in memory");
    w.write_record(cells.iter().map(|(_, v)| v.as_str())).expect("in memory");
    let _ = file;
    w.into_inner().expect("in memory")
}

/// An id from the key fields: `mem:` + member + network + start, `fct:` + subject + property, …
fn make_id(kb_ids: &dyn Fn(&str) -> bool, prefix: &str, cells: &[(String, String)]) -> String {
    let get = |n: &str| cells.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str()).unwrap_or("");
    let body =
        |v: &str| v.split_once(':').map(|(_, b)| b.to_string()).unwrap_or_else(|| v.to_string());
    let parts: Vec<String> = match prefix {
        "mem:" => vec![body(get("member")), body(get("network")), get("from").to_string()],
        "trm:" => vec![body(get("person")), body(get("locality")), get("from").to_string()],
        "aff:" => vec![body(get("person")), body(get("organisation"))],
        "rel:" => vec![body(get("subject")), get("kind").to_string(), body(get("object"))],
        "fct:" => vec![body(get("subject")), get("property").to_string(), get("from").to_string()],
        "phs:" => vec![body(get("locality")), get("kind").to_string(), get("from").to_string()],
        "adp:" => vec![body(get("locality")), body(get("practice"))],
        _ => vec![if get("name").is_empty() {
            get("title").to_string()
        } else {
            get("name").to_string()
        }],
    };
    let slug = mlgov_domain::fold(&parts.join(" "))
        .split(' ')
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let base = format!("{prefix}{}", if slug.is_empty() { "new".into() } else { slug });
    (1..)
        .map(|i| if i == 1 { base.clone() } else { format!("{base}-{i}") })
        .find(|c| !kb_ids(c))
        .expect("some id is free")
}

fn apply_one(
    ctx: &Ctx,
    file: &'static str,
    cells: Vec<(String, String)>,
    update: bool,
    kind: &str,
) -> Result<(), CliError> {
    let mut store = ctx.store_create()?;
    let bytes = one_row(file, &cells);
    let loaded = mlgov_interchange::read_memory_batch(&[(file, &bytes)])
        .map_err(|e| CliError::Diagnostics(e.diagnostics()))?;
    let id = cells.iter().find(|(k, _)| k == "id").map(|(_, v)| v.clone()).unwrap_or_default();
    let mut attempts = 0;
    let cs = loop {
        let prepared_against = store.latest_change_set().map_err(store_err)?;
        let plan = super::kb::plan_against_store(store.as_ref(), &loaded, update)?;
        if plan.unchanged > 0 {
            return Err(CliError::Data(
                "the record is already stored with exactly this content: nothing to do".into(),
            ));
        }
        let change = mlgov_store::Change {
            kind: kind.into(),
            note: Some(format!("mlgov {kind} {id}")),
            new: plan.new,
            corrected: plan.changed,
            retracted: Vec::new(),
            prepared_against,
            approves: None,
        };
        match store.apply(&change) {
            Ok((cs, _)) => break cs,
            // Stored by another writer since it was checked: checked again, as a second `add`.
            Err(mlgov_store::StoreError::AlreadyStored(_)) if attempts < 3 => attempts += 1,
            Err(e) => return Err(store_err(e)),
        }
    };
    ctx.emit(&json!({"id": id, "kind": kind, "change_set": cs, "cells": cells.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<std::collections::BTreeMap<_, _>>()}), || {
        format!("{} {id} — change set {} by {} at {}", if kind == "add" { "added" } else { "corrected" }, cs.id, cs.recorded_by, cs.recorded_at)
    });
    Ok(())
}

/// `mlgov add KIND --column value …`.
pub fn add(ctx: &Ctx, kind: &str, fields: &[String]) -> Result<(), CliError> {
    let (ctx, fields) = with_globals(ctx, fields)?;
    let (ctx, fields) = (&ctx, &fields[..]);
    ctx.refuse_as_of()?;
    let file = file_of(kind)?;
    let (columns, prefix) = columns_of(file);
    let mut cells = pairs(fields)?;
    for (n, _) in &cells {
        if !columns.contains(&n.as_str()) {
            return Err(CliError::Usage(format!(
                "{file} has no column {n:?}; its columns: {}",
                columns.join(", ")
            )));
        }
    }
    if !cells.iter().any(|(n, _)| n == "id") {
        let kb = ctx.load_kb()?;
        let ids: std::collections::HashSet<String> =
            mlgov_interchange::ids_of(&kb).into_iter().collect();
        // Never an id that was stored before (a retracted record keeps its id and its history).
        let store = ctx.store()?;
        let id = make_id(
            &|c| ids.contains(c) || store.history(c).map(|h| !h.is_empty()).unwrap_or(true),
            prefix,
            &cells,
        );
        cells.insert(0, ("id".into(), id));
    }
    apply_one(ctx, file, cells, false, "add")
}

/// `mlgov correct ID --column value …`: the stored record with those columns changed.
pub fn correct(ctx: &Ctx, id: &str, fields: &[String]) -> Result<(), CliError> {
    let (ctx, fields) = with_globals(ctx, fields)?;
    let (ctx, fields) = (&ctx, &fields[..]);
    ctx.refuse_as_of()?;
    let changes = pairs(fields)?;
    if changes.is_empty() {
        return Err(CliError::Usage("give the columns to change: --<column> <value> (and --source/--locator for what says so)".into()));
    }
    let store = ctx.store()?;
    let current = store
        .history(id)
        .map_err(store_err)?
        .into_iter()
        .rev()
        .find(|v| v.closed.is_none())
        .ok_or_else(|| {
            CliError::Data(format!("{id} is not in the current base (see `mlgov history {id}`)"))
        })?;
    drop(store);
    let file: &'static str = CSV_FILES
        .iter()
        .find(|f| f.trim_end_matches(".csv") == current.table)
        .copied()
        .ok_or_else(|| CliError::Data(format!("{id}: unknown table {}", current.table)))?;
    let (columns, _) = columns_of(file);
    let mut cells: Vec<(String, String)> = columns
        .iter()
        .map(|c| (c.to_string(), current.cells.get(*c).cloned().unwrap_or_default()))
        .collect();
    for (n, v) in changes {
        if n == "id" {
            return Err(CliError::Usage(
                "the id cannot be corrected; add a record under the new id and retract this one"
                    .into(),
            ));
        }
        match cells.iter_mut().find(|(c, _)| *c == n) {
            Some(c) => c.1 = v,
            None => {
                return Err(CliError::Usage(format!(
                    "{file} has no column {n:?}; its columns: {}",
                    columns.join(", ")
                )));
            }
        }
    }
    apply_one(ctx, file, cells, true, "correct")
}
