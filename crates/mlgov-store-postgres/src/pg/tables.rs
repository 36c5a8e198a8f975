//! The statements of a change set, a history and a past load in PostgreSQL's dialect
//! ([`mlgov_store::backend::Tables`]), inside one transaction.
//!
//! Each is SQLite's (`mlgov_store`'s `sqlite/tables.rs`) but for the dialect: `$n` for `?n`,
//! `json_build_object(…)::text` for `json_object`, `= ANY($1)` over a text array for a JSON array,
//! and binary `COPY` for one `INSERT` a row. Errors name what failed (`clearing`, `closing`,
//! `writing`, `reading`), as the server's messages are terser than SQLite's.

use super::{db, db_in, json_of};
use mlgov_domain::Record;
use mlgov_store::backend::{Closing, HistoryRow, Tables};
use mlgov_store::{ChangeSetInfo, Decision, KB_TABLES, StoreError};
use postgres::Transaction;
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::{ToSql, Type};

/// A transaction running [`Tables`]' statements.
pub(super) struct Pg<'a, 'b>(pub(super) &'a mut Transaction<'b>);

impl Tables for Pg<'_, '_> {
    /// DELETE rather than TRUNCATE: readers keep their snapshot instead of waiting for an
    /// exclusive lock; deferred keys make the order irrelevant.
    fn clear(&mut self) -> Result<(), StoreError> {
        for t in KB_TABLES {
            self.0
                .execute(&format!("DELETE FROM {t}"), &[])
                .map_err(|e| db_in(&format!("clearing {t}"), e))?;
        }
        self.0.batch_execute("DELETE FROM record_history; DELETE FROM change_sets").map_err(db)
    }

    fn record_change_set(&mut self, info: &ChangeSetInfo) -> Result<i64, StoreError> {
        Ok(self.0
            .query_one(
                "INSERT INTO change_sets (id, recorded_at, recorded_by, kind, note) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM change_sets), $1, $2, $3, $4) RETURNING id",
                &[&info.recorded_at, &info.recorded_by, &info.kind, &info.note],
            )
            .map_err(|e| db_in("recording the change set", e))?
            .get(0))
    }

    fn latest_before(&mut self, id: i64) -> Result<Option<i64>, StoreError> {
        Ok(self
            .0
            .query_one("SELECT max(id) FROM change_sets WHERE id < $1", &[&id])
            .map_err(db)?
            .get(0))
    }

    fn stored_ids(&mut self, table: &str, ids: &[String]) -> Result<Vec<String>, StoreError> {
        Ok(self
            .0
            .query(&format!("SELECT id FROM {table} WHERE id = ANY($1) LIMIT 10"), &[&ids])
            .map_err(db)?
            .iter()
            .map(|r| r.get(0))
            .collect())
    }

    fn archive(&mut self, table: &str, id: &str, c: Closing<'_>) -> Result<u64, StoreError> {
        // The same statement as SQLite's but for `$n` and `json_build_object`.
        self.0
            .execute(
                &format!("INSERT INTO record_history (table_name, id, cells, opened, closed, op, reason) SELECT $1, id, {}, coalesce(\"_cs\", 0), $2, $3, $4 FROM {table} WHERE id = $5 AND coalesce(\"_cs\", 0) <= $6", json_of(table)),
                &[&table, &c.cs, &c.op, &c.reason, &id, &c.prepared],
            )
            .map_err(|e| db_in(&format!("closing {id}"), e))
    }

    fn delete_current(&mut self, table: &str, id: &str) -> Result<(), StoreError> {
        self.0
            .execute(&format!("DELETE FROM {table} WHERE id = $1"), &[&id])
            .map_err(|e| db_in(&format!("closing {id}"), e))?;
        Ok(())
    }

    fn holds(&mut self, table: &str, id: &str) -> Result<bool, StoreError> {
        let found =
            self.0.query(&format!("SELECT 1 FROM {table} WHERE id = $1"), &[&id]).map_err(db)?;
        Ok(!found.is_empty())
    }

    fn approve(&mut self, d: &Decision, at: &str, cs: i64) -> Result<u64, StoreError> {
        self.0
            .execute(
                "UPDATE change_proposals SET status = 'approved', decided_at = $1, decided_by = $2, decision_note = $3, change_set = $4 WHERE id = $5 AND status = 'pending'",
                &[&at, &d.by, &d.note, &cs, &d.proposal],
            )
            .map_err(db)
    }

    /// Binary `COPY` (SQLite runs one prepared `INSERT` a row).
    fn insert<R: Record>(&mut self, rows: &[R], cs: i64) -> Result<(), StoreError> {
        let table = R::FILE.trim_end_matches(".csv");
        let cols: Vec<String> = R::COLUMNS.iter().map(|c| format!("\"{}\"", c.name)).collect();
        let sql = format!("COPY {table} ({}, \"_cs\") FROM STDIN (FORMAT binary)", cols.join(","));
        let mut types = vec![Type::TEXT; R::COLUMNS.len()];
        types.push(Type::INT8);
        let result = (|| -> Result<(), postgres::Error> {
            let sink = self.0.copy_in(&sql)?;
            let mut writer = BinaryCopyInWriter::new(sink, &types);
            for r in rows {
                let cells: Vec<Option<String>> = r
                    .to_cells()
                    .into_iter()
                    .map(|c| if c.is_empty() { None } else { Some(c) })
                    .collect();
                let mut values: Vec<&(dyn ToSql + Sync)> =
                    cells.iter().map(|c| c as &(dyn ToSql + Sync)).collect();
                values.push(&cs);
                writer.write(&values)?;
            }
            writer.finish()?;
            Ok(())
        })();
        result.map_err(|e| db_in(&format!("writing {table}"), e))
    }

    fn change_set(&mut self, id: i64) -> Result<Option<ChangeSetInfo>, StoreError> {
        let rows = self
            .0
            .query(
                "SELECT id, recorded_at, recorded_by, kind, note FROM change_sets WHERE id = $1",
                &[&id],
            )
            .map_err(db)?;
        Ok(rows.first().map(|r| ChangeSetInfo {
            id: r.get(0),
            recorded_at: r.get(1),
            recorded_by: r.get(2),
            kind: r.get(3),
            note: r.get(4),
        }))
    }

    fn closed_versions(&mut self, id: &str) -> Result<Vec<HistoryRow>, StoreError> {
        let rows = self.0.query("SELECT table_name, cells, opened, closed, op, reason FROM record_history WHERE id = $1 ORDER BY opened", &[&id]).map_err(db)?;
        Ok(rows
            .iter()
            .map(|r| HistoryRow {
                table: r.get(0),
                cells: r.get(1),
                opened: r.get(2),
                closed: r.get(3),
                op: r.get(4),
                reason: r.get(5),
            })
            .collect())
    }

    fn current(&mut self, table: &str, id: &str) -> Result<(String, Option<i64>), StoreError> {
        let r = self
            .0
            .query_one(
                &format!("SELECT {}, \"_cs\" FROM {table} WHERE id = $1", json_of(table)),
                &[&id],
            )
            .map_err(db)?;
        Ok((r.get(0), r.get(1)))
    }

    fn cells_at(&mut self, table: &str, at: i64) -> Result<Vec<String>, StoreError> {
        let sql = format!(
            "SELECT {} FROM {table} WHERE coalesce(\"_cs\", 0) <= $1 UNION ALL SELECT cells FROM record_history WHERE table_name = $2 AND opened <= $1 AND closed > $1",
            json_of(table)
        );
        let rows = self
            .0
            .query(&sql, &[&at, &table])
            .map_err(|e| db_in(&format!("reading {table}"), e))?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }
}
