//! The statements of a change set, a history and a past load in SQLite's dialect
//! ([`crate::backend::Tables`]), on a connection or inside its transaction.
//!
//! Each is PostgreSQL's (`mlgov_store_postgres`'s `pg/tables.rs`) but for the dialect: `?n` for
//! `$n`, `json_object` for `json_build_object`, `IN (SELECT value FROM json_each(?1))` over a JSON
//! array for `= ANY($1)` over a text array, and one prepared `INSERT` a row for binary `COPY`.
//! Clearing deletes the tables in reverse order (PostgreSQL defers every key).

use super::{db, json_of};
use crate::backend::{Closing, HistoryRow, Tables};
use crate::{ChangeSetInfo, DatabaseError, Decision, KB_TABLES, StoreError};
use mlgov_domain::Record;
use rusqlite::{Connection, OptionalExtension, params, params_from_iter};

/// A connection (or a transaction, which derefs to one) running [`Tables`]' statements.
pub(super) struct Sql<'a>(pub(super) &'a Connection);

impl Tables for Sql<'_> {
    fn clear(&mut self) -> Result<(), StoreError> {
        for t in KB_TABLES.iter().rev() {
            self.0.execute(&format!("DELETE FROM {t}"), []).map_err(db)?;
        }
        self.0.execute_batch("DELETE FROM record_history; DELETE FROM change_sets").map_err(db)
    }

    fn record_change_set(&mut self, info: &ChangeSetInfo) -> Result<i64, StoreError> {
        self.0
            .query_row(
                "INSERT INTO change_sets (id, recorded_at, recorded_by, kind, note) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM change_sets), ?1, ?2, ?3, ?4) RETURNING id",
                params![info.recorded_at, info.recorded_by, info.kind, info.note],
                |r| r.get(0),
            )
            .map_err(db)
    }

    fn latest_before(&mut self, id: i64) -> Result<Option<i64>, StoreError> {
        self.0
            .query_row("SELECT max(id) FROM change_sets WHERE id < ?1", params![id], |r| r.get(0))
            .map_err(db)
    }

    fn stored_ids(&mut self, table: &str, ids: &[String]) -> Result<Vec<String>, StoreError> {
        // PostgreSQL's `= ANY($1)` over a text array; here a JSON array.
        let list = serde_json::to_string(ids).expect("strings");
        let mut stmt = self
            .0
            .prepare(&format!(
                "SELECT id FROM {table} WHERE id IN (SELECT value FROM json_each(?1)) LIMIT 10"
            ))
            .map_err(db)?;
        stmt.query_map(params![list], |r| r.get::<_, String>(0))
            .map_err(db)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(db)
    }

    fn archive(&mut self, table: &str, id: &str, c: Closing<'_>) -> Result<u64, StoreError> {
        // The same statement as PostgreSQL's but for `?n` and `json_object`.
        let moved = self
            .0
            .execute(
                &format!("INSERT INTO record_history (table_name, id, cells, opened, closed, op, reason) SELECT ?1, id, {}, coalesce(\"_cs\", 0), ?2, ?3, ?4 FROM {table} WHERE id = ?5 AND coalesce(\"_cs\", 0) <= ?6", json_of(table)),
                params![table, c.cs, c.op, c.reason, id, c.prepared],
            )
            .map_err(db)?;
        Ok(moved as u64)
    }

    fn delete_current(&mut self, table: &str, id: &str) -> Result<(), StoreError> {
        self.0.execute(&format!("DELETE FROM {table} WHERE id = ?1"), params![id]).map_err(db)?;
        Ok(())
    }

    fn holds(&mut self, table: &str, id: &str) -> Result<bool, StoreError> {
        let found: Option<i64> = self
            .0
            .query_row(&format!("SELECT 1 FROM {table} WHERE id = ?1"), params![id], |r| r.get(0))
            .optional()
            .map_err(db)?;
        Ok(found.is_some())
    }

    fn approve(&mut self, d: &Decision, at: &str, cs: i64) -> Result<u64, StoreError> {
        let n = self
            .0
            .execute(
                "UPDATE change_proposals SET status = 'approved', decided_at = ?1, decided_by = ?2, decision_note = ?3, change_set = ?4 WHERE id = ?5 AND status = 'pending'",
                params![at, d.by, d.note, cs, d.proposal],
            )
            .map_err(db)?;
        Ok(n as u64)
    }

    /// One prepared `INSERT` a row (PostgreSQL copies them in binary).
    fn insert<R: Record>(&mut self, rows: &[R], cs: i64) -> Result<(), StoreError> {
        let table = R::FILE.trim_end_matches(".csv");
        let cols: Vec<String> = R::COLUMNS.iter().map(|c| format!("\"{}\"", c.name)).collect();
        let marks: Vec<&str> = R::COLUMNS.iter().map(|_| "?").collect();
        let sql = format!(
            "INSERT INTO {table} ({}, \"_cs\") VALUES ({}, ?)",
            cols.join(","),
            marks.join(",")
        );
        let cs = cs.to_string();
        let result = (|| -> rusqlite::Result<()> {
            let mut stmt = self.0.prepare_cached(&sql)?;
            for r in rows {
                let cells = r.to_cells();
                stmt.execute(params_from_iter(
                    cells
                        .iter()
                        .map(|c| if c.is_empty() { None } else { Some(c.as_str()) })
                        .chain(std::iter::once(Some(cs.as_str()))),
                ))?;
            }
            Ok(())
        })();
        result.map_err(|e| {
            StoreError::Database(DatabaseError::with_source(format!("writing {table}: {e}"), e))
        })
    }

    fn change_set(&mut self, id: i64) -> Result<Option<ChangeSetInfo>, StoreError> {
        let row: Option<(i64, String, String, String, Option<String>)> = self
            .0
            .query_row(
                "SELECT id, recorded_at, recorded_by, kind, note FROM change_sets WHERE id = ?1",
                params![id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()
            .map_err(db)?;
        Ok(row.map(|(id, recorded_at, recorded_by, kind, note)| ChangeSetInfo {
            id,
            recorded_at,
            recorded_by,
            kind,
            note,
        }))
    }

    fn closed_versions(&mut self, id: &str) -> Result<Vec<HistoryRow>, StoreError> {
        let mut stmt = self.0.prepare("SELECT table_name, cells, opened, closed, op, reason FROM record_history WHERE id = ?1 ORDER BY opened").map_err(db)?;
        let rows: Vec<(String, String, i64, i64, String, Option<String>)> = stmt
            .query_map(params![id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
            })
            .map_err(db)?
            .collect::<Result<_, _>>()
            .map_err(db)?;
        Ok(rows
            .into_iter()
            .map(|(table, cells, opened, closed, op, reason)| HistoryRow {
                table,
                cells,
                opened,
                closed,
                op,
                reason,
            })
            .collect())
    }

    fn current(&mut self, table: &str, id: &str) -> Result<(String, Option<i64>), StoreError> {
        self.0
            .query_row(
                &format!("SELECT {}, \"_cs\" FROM {table} WHERE id = ?1", json_of(table)),
                params![id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(db)
    }

    fn cells_at(&mut self, table: &str, at: i64) -> Result<Vec<String>, StoreError> {
        let sql = format!(
            "SELECT {} FROM {table} WHERE coalesce(\"_cs\", 0) <= ?1 UNION ALL SELECT cells FROM record_history WHERE table_name = ?2 AND opened <= ?1 AND closed > ?1",
            json_of(table)
        );
        let mut stmt = self.0.prepare(&sql).map_err(db)?;
        let mut q = stmt.query(params![at, table]).map_err(db)?;
        let mut out = Vec::new();
        while let Some(row) = q.next().map_err(db)? {
            out.push(row.get(0).map_err(db)?);
        }
        Ok(out)
    }
}
