//! [`PgStore`]: the knowledge base in PostgreSQL tables, with versioned migrations recorded in
//! `schema_migrations`, deferred foreign keys, binary `COPY` for bulk writes and snapshot reads.

use crate::redact;
use mlgov_domain::{KnowledgeBase, Record, TableVisitorMut};
use mlgov_store::{
    Change, ChangeSetInfo, Comment, DatabaseError, Decision, ImportReport, KB_TABLES, Proposal,
    Store, StoreError, StoredRelease, StoredSurvey, SurveySummary, Version, kb_columns,
};
use postgres::{Client, IsolationLevel, NoTls, Transaction};
use std::sync::{Mutex, MutexGuard};

mod tables;
use mlgov_store::backend::{PROPOSAL_SELECT, SUMMARY_COLUMNS};
use tables::Pg;

/// Versioned migrations, applied in order inside one transaction each; the table
/// `schema_migrations(version, name, applied_at)` records what was applied.
pub const MIGRATIONS: &[(i64, &str, &str)] = &[
    (1, "init", include_str!("../migrations/postgres/0001_init.sql")),
    (2, "surveys", include_str!("../migrations/postgres/0002_surveys.sql")),
    (3, "versions", include_str!("../migrations/postgres/0003_versions.sql")),
    (4, "proposals", include_str!("../migrations/postgres/0004_proposals.sql")),
];

/// Key of the advisory lock that serialises change sets, so that their numbers follow their times.
const CHANGE_LOCK: i64 = 0x6d6c_676f_7600_0002;

/// Key of the advisory lock that serialises migrations between processes starting together.
const MIGRATION_LOCK: i64 = 0x6d6c_676f_7600_0001;

/// At most this many orphan rows are reported per foreign key by [`Store::integrity_check`].
const ORPHANS_REPORTED: i64 = 20;

/// The server's message, detail and constraint when there are some (the client's own `Display`
/// says only "db error"), else the client error with its cause.
pub fn describe_error(e: &postgres::Error) -> String {
    if let Some(d) = e.as_db_error() {
        let mut s = format!("{} ({})", d.message(), d.code().code());
        if let Some(detail) = d.detail() {
            s.push_str(&format!("; {detail}"));
        }
        return s;
    }
    match std::error::Error::source(e) {
        Some(cause) => format!("{e}: {cause}"),
        None => e.to_string(),
    }
}

fn db(e: postgres::Error) -> StoreError {
    StoreError::Database(DatabaseError::with_source(describe_error(&e), e))
}

/// Parses fetched rows of `R`'s table (cells borrowed from the rows).
fn parse_rows<R: Record>(table: &str, found: &[postgres::Row]) -> Result<Vec<R>, StoreError> {
    let mut rows = Vec::with_capacity(found.len());
    for row in found {
        let mut values = Vec::with_capacity(R::COLUMNS.len());
        for (i, c) in R::COLUMNS.iter().enumerate() {
            let v: Option<&str> =
                row.try_get(i).map_err(|e| db_in(&format!("reading {table}.{}", c.name), e))?;
            values.push(std::borrow::Cow::Borrowed(v.unwrap_or_default()));
        }
        rows.push(mlgov_store::record_from_row(
            table,
            &mlgov_store::RowCells::new(R::COLUMNS, values),
        )?);
    }
    Ok(rows)
}

fn db_in(what: &str, e: postgres::Error) -> StoreError {
    StoreError::Database(DatabaseError::with_source(format!("{what}: {}", describe_error(&e)), e))
}

/// A read-only transaction on one snapshot: every read sees the same committed moment.
fn snapshot(client: &mut Client) -> Result<Transaction<'_>, StoreError> {
    client
        .build_transaction()
        .isolation_level(IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .map_err(db)
}

/// The change set a moment resolves to ([`Store::change_set_at`]).
fn resolve(
    c: &mut impl postgres::GenericClient,
    as_of: &mlgov_store::AsOf,
) -> Result<Option<i64>, StoreError> {
    match as_of {
        mlgov_store::AsOf::Instant(instant) => Ok(c
            .query_one("SELECT max(id) FROM change_sets WHERE recorded_at <= $1", &[&instant])
            .map_err(db)?
            .get(0)),
        mlgov_store::AsOf::ChangeSet(n) => Ok(Some(*n)),
    }
}

/// The PostgreSQL store. One connection, guarded by a mutex so that the read methods of
/// [`Store`] (which take `&self`) can use it; the store is `Send + Sync`.
pub struct PgStore {
    client: Mutex<Client>,
    location: String,
    recorder: String,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").field("location", &self.location).finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connects to `url` (a libpq-style URL, e.g. `postgres://user:pw@127.0.0.1:5432/mlgov`) and
    /// applies pending migrations, creating the tables on a fresh database.
    ///
    /// # Errors
    /// [`StoreError::Database`] when the server cannot be reached or a migration fails;
    /// [`StoreError::TooNew`] when the database was migrated by a newer mlgov.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        let mut store = Self::connect_only(url)?;
        store.migrate()?;
        Ok(store)
    }

    /// Connects to an initialised database (one that has `schema_migrations`) and applies pending
    /// migrations.
    ///
    /// # Errors
    /// [`StoreError::Missing`] when the database has never been initialised (`mlgov init`), and the
    /// errors of [`PgStore::connect`].
    pub fn connect_existing(url: &str) -> Result<Self, StoreError> {
        let mut store = Self::connect_only(url)?;
        let initialised: bool = store
            .client()
            .query_one("SELECT to_regclass('schema_migrations') IS NOT NULL", &[])
            .map_err(db)?
            .get(0);
        if !initialised {
            return Err(StoreError::Missing(store.location.clone()));
        }
        store.migrate()?;
        Ok(store)
    }

    fn connect_only(url: &str) -> Result<Self, StoreError> {
        let location = redact(url);
        let client = Client::connect(url, NoTls).map_err(|e| {
            StoreError::Database(DatabaseError::with_source(
                format!("connecting to {location}: {}", describe_error(&e)),
                e,
            ))
        })?;
        Ok(PgStore { client: Mutex::new(client), location, recorder: "unknown".into() })
    }

    /// The database URL with any password masked.
    pub fn location(&self) -> &str {
        &self.location
    }

    fn client(&self) -> MutexGuard<'_, Client> {
        // A panic while holding the lock leaves the connection usable (every write is one
        // transaction, rolled back when it was interrupted), so poisoning is ignored.
        self.client.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let newest = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
        let mut client = self.client();
        let mut tx = client.transaction().map_err(db)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).map_err(db)?;
        tx.batch_execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (
               version BIGINT PRIMARY KEY,
               name TEXT NOT NULL,
               applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
             )",
        )
        .map_err(db)?;
        let current: i64 = tx
            .query_one("SELECT coalesce(max(version), 0) FROM schema_migrations", &[])
            .map_err(db)?
            .get(0);
        if current > newest {
            return Err(StoreError::TooNew { found: current, supported: newest });
        }
        for (version, name, sql) in MIGRATIONS.iter().filter(|(v, _, _)| *v > current) {
            tx.batch_execute(sql)
                .map_err(|e| db_in(&format!("migration {version} ({name})"), e))?;
            tx.execute(
                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                &[version, name],
            )
            .map_err(db)?;
        }
        tx.commit().map_err(db)
    }

    /// The rows of every table (or only `only`), from one snapshot, in byte order of ids — all of
    /// them, or those matching a condition over one text-array parameter (`$1`).
    fn select_where(
        &self,
        filter: Option<(&str, &[String])>,
        only: Option<&str>,
    ) -> Result<KnowledgeBase, StoreError> {
        let mut client = self.client();
        let mut tx = snapshot(&mut client)?;
        let mut kb = KnowledgeBase::default();
        let mut reader = Reader { tx: &mut tx, filter, only, err: None };
        kb.visit_mut(&mut reader);
        if let Some(e) = reader.err {
            return Err(e);
        }
        tx.commit().map_err(db)?;
        Ok(kb)
    }
}

/// Reads the rows of every visited table (or only `only`) for [`PgStore::select_where`]; the
/// first error stops it.
struct Reader<'a, 'b, 'c> {
    tx: &'a mut Transaction<'b>,
    filter: Option<(&'c str, &'c [String])>,
    only: Option<&'c str>,
    err: Option<StoreError>,
}

impl TableVisitorMut for Reader<'_, '_, '_> {
    fn table<R: Record>(&mut self, rows: &mut Vec<R>) {
        let table = R::FILE.trim_end_matches(".csv");
        if self.err.is_some() || self.only.is_some_and(|o| o != table) {
            return;
        }
        if let Err(e) = self.read(table, rows) {
            self.err = Some(e);
        }
    }
}

impl Reader<'_, '_, '_> {
    fn read<R: Record>(&mut self, table: &str, rows: &mut Vec<R>) -> Result<(), StoreError> {
        let cols: Vec<String> = R::COLUMNS.iter().map(|c| format!("\"{}\"", c.name)).collect();
        let condition = self.filter.map(|(c, _)| format!(" WHERE {c}")).unwrap_or_default();
        // Byte order of ids, as SQLite's default BINARY collation gives, whatever the database locale.
        let sql =
            format!("SELECT {} FROM {table}{condition} ORDER BY id COLLATE \"C\"", cols.join(","));
        let param: Vec<String> = self.filter.map(|(_, p)| p.to_vec()).unwrap_or_default();
        let found = match self.filter {
            Some(_) => self.tx.query(&sql, &[&param]),
            None => self.tx.query(&sql, &[]),
        }
        .map_err(|e| db_in(&format!("reading {table}"), e))?;
        rows.reserve(found.len());
        for part in parse_in_halves::<R>(table, &found) {
            rows.extend(part?);
        }
        Ok(())
    }
}

/// Parses fetched rows; a large table's on two threads (half of a server's start at a million
/// memberships). The order stays the query's.
fn parse_in_halves<R: Record>(
    table: &str,
    found: &[postgres::Row],
) -> Vec<Result<Vec<R>, StoreError>> {
    let halves: Vec<&[postgres::Row]> = if found.len() > mlgov_store::split_rows() {
        found.chunks(found.len().div_ceil(2)).collect()
    } else {
        vec![found]
    };
    std::thread::scope(|sc| {
        let handles: Vec<_> =
            halves.iter().skip(1).map(|h| sc.spawn(move || parse_rows::<R>(table, h))).collect();
        let first = parse_rows::<R>(table, halves[0]);
        std::iter::once(first)
            .chain(handles.into_iter().map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(StoreError::Database(format!("parsing {table} failed").into()))
                })
            }))
            .collect()
    })
}

/// `json_build_object('id', "id", …)::text` over a table's columns.
fn json_of(table: &str) -> String {
    let parts: Vec<String> =
        kb_columns(table).iter().map(|c| format!("'{0}', \"{0}\"", c.name)).collect();
    format!("json_build_object({})::text", parts.join(", "))
}

fn proposal_row(r: &postgres::Row) -> Result<Proposal, StoreError> {
    let update: i64 = r.get(5);
    let base = Proposal {
        id: r.get(0),
        submitted_at: r.get(1),
        submitted_by: r.get(2),
        note: r.get(3),
        files: Default::default(),
        update: update != 0,
        prepared_against: r.get(6),
        status: r.get(7),
        decided_at: r.get(8),
        decided_by: r.get(9),
        decision_note: r.get(10),
        change_set: r.get(11),
        comments: Vec::new(),
    };
    mlgov_store::proposal_parts(base, r.get::<_, &str>(4), r.get::<_, &str>(12))
}

impl Store for PgStore {
    fn set_recorder(&mut self, who: &str) {
        self.recorder = who.to_string();
    }

    /// One change set in one transaction.
    fn write_change(
        &mut self,
        change: &Change,
        clear: bool,
    ) -> Result<(ChangeSetInfo, ImportReport), StoreError> {
        let mut client = self.client();
        let mut tx = client.transaction().map_err(db)?;
        tx.batch_execute("SET CONSTRAINTS ALL DEFERRED").map_err(db)?;
        // Held to the end: no other change set can be recorded meanwhile.
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&CHANGE_LOCK]).map_err(db)?;
        let recorder = self.recorder.clone();
        let written =
            mlgov_store::backend::write_change(&mut Pg(&mut tx), change, clear, recorder)?;
        // Servers listening on this database reload when (and only if) this commits.
        crate::changes::notify(&mut tx, "kb").map_err(db)?;
        // Deferred foreign keys are checked here: a dangling reference fails the whole write.
        tx.commit().map_err(|e| db_in("committing", e))?;
        Ok(written)
    }

    fn records_by_id(&self, ids: &[String]) -> Result<KnowledgeBase, StoreError> {
        self.select_where(Some(("id = ANY($1)", ids)), None)
    }

    fn memberships_of(
        &self,
        members: &[String],
    ) -> Result<Vec<mlgov_domain::Membership>, StoreError> {
        Ok(self.select_where(Some(("member = ANY($1)", members)), Some("memberships"))?.memberships)
    }

    fn put_proposal(&mut self, p: &Proposal) -> Result<i64, StoreError> {
        let files = serde_json::to_string(&p.files).expect("strings");
        let mut client = self.client();
        let mut tx = client.transaction().map_err(db)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&CHANGE_LOCK]).map_err(db)?;
        let id: i64 = tx
            .query_one(
                "INSERT INTO change_proposals (id, submitted_at, submitted_by, note, files, update_rows, prepared_against) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM change_proposals), $1, $2, $3, $4, $5, $6) RETURNING id",
                &[&p.submitted_at, &p.submitted_by, &p.note, &files, &(p.update as i64), &p.prepared_against],
            )
            .map_err(db)?
            .get(0);
        tx.commit().map_err(db)?;
        Ok(id)
    }

    fn proposals(&self) -> Result<Vec<Proposal>, StoreError> {
        let mut client = self.client();
        client
            .query(&format!("{PROPOSAL_SELECT} ORDER BY id DESC"), &[])
            .map_err(db)?
            .iter()
            .map(proposal_row)
            .collect()
    }

    fn proposal(&self, id: i64) -> Result<Option<Proposal>, StoreError> {
        let mut client = self.client();
        client
            .query(&format!("{PROPOSAL_SELECT} WHERE id = $1"), &[&id])
            .map_err(db)?
            .first()
            .map(proposal_row)
            .transpose()
    }

    fn comment_proposal(&mut self, id: i64, comment: &Comment) -> Result<(), StoreError> {
        let c = serde_json::to_string(comment).expect("strings");
        let mut client = self.client();
        let n = client.execute("UPDATE change_proposals SET comments = (comments::jsonb || jsonb_build_array($1::text::jsonb))::text WHERE id = $2", &[&c, &id]).map_err(db)?;
        mlgov_store::backend::commented(n as u64, id)
    }

    fn reject_proposal(&mut self, d: &Decision) -> Result<(), StoreError> {
        let mut client = self.client();
        let n = client
            .execute(
                "UPDATE change_proposals SET status = 'rejected', decided_at = $1, decided_by = $2, decision_note = $3 WHERE id = $4 AND status = 'pending'",
                &[&mlgov_store::utc_now(), &d.by, &d.note, &d.proposal],
            )
            .map_err(db)?;
        mlgov_store::backend::rejected(n as u64, d)
    }

    fn latest_change_set(&self) -> Result<Option<i64>, StoreError> {
        let mut client = self.client();
        Ok(client.query_one("SELECT max(id) FROM change_sets", &[]).map_err(db)?.get(0))
    }

    fn history(&self, id: &str) -> Result<Vec<Version>, StoreError> {
        let mut client = self.client();
        let mut tx = snapshot(&mut client)?;
        let out = mlgov_store::backend::history(&mut Pg(&mut tx), id)?;
        tx.commit().map_err(db)?;
        Ok(out)
    }

    fn change_set_at(&self, as_of: &mlgov_store::AsOf) -> Result<Option<i64>, StoreError> {
        resolve(&mut *self.client(), as_of)
    }

    fn load_as_of(&self, as_of: &mlgov_store::AsOf) -> Result<KnowledgeBase, StoreError> {
        let mut client = self.client();
        let mut tx = snapshot(&mut client)?;
        let Some(at) = resolve(&mut tx, as_of)? else { return Ok(KnowledgeBase::default()) };
        let kb = mlgov_store::backend::load_at(&mut Pg(&mut tx), at)?;
        tx.commit().map_err(db)?;
        Ok(kb)
    }

    fn load(&self) -> Result<KnowledgeBase, StoreError> {
        self.select_where(None, None)
    }

    fn counts(&self) -> Result<Vec<(&'static str, usize)>, StoreError> {
        let mut client = self.client();
        let mut tx = snapshot(&mut client)?;
        let mut out = Vec::with_capacity(KB_TABLES.len());
        for t in KB_TABLES {
            let n: i64 = tx
                .query_one(&format!("SELECT count(*) FROM {t}"), &[])
                .map_err(|e| db_in(&format!("counting {t}"), e))?
                .get(0);
            out.push((t, usize::try_from(n).unwrap_or(0)));
        }
        tx.commit().map_err(db)?;
        Ok(out)
    }

    /// PostgreSQL enforces its constraints itself, so this is the second safety net the SQLite
    /// `foreign_key_check` is: every table exists; every foreign key of the schema is present and
    /// validated; no row references a missing parent (which can only happen when triggers were
    /// disabled or constraints dropped by hand); the applied migrations are exactly the known ones.
    fn integrity_check(&self) -> Result<Vec<String>, StoreError> {
        let mut problems = Vec::new();
        let mut client = self.client();
        let mut tx = snapshot(&mut client)?;
        for t in KB_TABLES {
            let present: bool =
                tx.query_one("SELECT to_regclass($1) IS NOT NULL", &[&t]).map_err(db)?.get(0);
            if !present {
                problems.push(format!("table {t} is missing"));
            }
        }
        let applied: Vec<i64> = tx
            .query("SELECT version FROM schema_migrations ORDER BY version", &[])
            .map_err(db)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let known: Vec<i64> = MIGRATIONS.iter().map(|m| m.0).collect();
        if applied != known {
            problems.push(format!(
                "applied migrations {applied:?} differ from the known migrations {known:?}"
            ));
        }
        let keys = tx
            .query(
                "SELECT con.conname::text, cl.relname::text, att.attname::text, fcl.relname::text, fatt.attname::text, con.convalidated
                   FROM pg_constraint con
                   JOIN pg_class cl ON cl.oid = con.conrelid
                   JOIN pg_namespace ns ON ns.oid = cl.relnamespace
                   JOIN pg_class fcl ON fcl.oid = con.confrelid
                   JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
                   JOIN pg_attribute fatt ON fatt.attrelid = con.confrelid AND fatt.attnum = con.confkey[1]
                  WHERE con.contype = 'f' AND ns.nspname = current_schema() AND cl.relname = ANY($1)
                  ORDER BY cl.relname, att.attname",
                &[&KB_TABLES.as_slice()],
            )
            .map_err(db)?;
        let expected =
            MIGRATIONS.iter().map(|m| m.2.matches(" REFERENCES ").count()).sum::<usize>();
        if keys.len() != expected {
            problems
                .push(format!("the schema has {} foreign keys, expected {expected}", keys.len()));
        }
        for k in &keys {
            let (name, table, column, parent, parent_column, validated): (
                String,
                String,
                String,
                String,
                String,
                bool,
            ) = (k.get(0), k.get(1), k.get(2), k.get(3), k.get(4), k.get(5));
            if !validated {
                problems.push(format!("foreign key {name} on {table}.{column} is not validated"));
            }
            let orphans = tx
                .query(
                    &format!(
                        "SELECT c.id, c.\"{column}\" FROM {table} c
                          WHERE c.\"{column}\" IS NOT NULL
                            AND NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.\"{parent_column}\" = c.\"{column}\")
                          ORDER BY c.id COLLATE \"C\" LIMIT {ORPHANS_REPORTED}"
                    ),
                    &[],
                )
                .map_err(|e| db_in(&format!("checking {table}.{column}"), e))?;
            for o in orphans {
                let (id, value): (String, String) = (o.get(0), o.get(1));
                problems.push(format!("foreign key violation in {table} row {id}: {column} = {value:?} is not in {parent}"));
            }
        }
        tx.commit().map_err(db)?;
        Ok(problems)
    }

    fn schema_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .client()
            .query_one("SELECT coalesce(max(version), 0) FROM schema_migrations", &[])
            .map_err(db)?
            .get(0))
    }

    fn surveys(&self) -> Result<Vec<SurveySummary>, StoreError> {
        let rows = self
            .client()
            .query(&format!("SELECT {SUMMARY_COLUMNS} FROM survey_datasets ORDER BY name"), &[])
            .map_err(|e| db_in("listing surveys", e))?;
        rows.iter().map(summary_row).collect()
    }

    fn survey(&self, name: &str) -> Result<Option<StoredSurvey>, StoreError> {
        let row = self
            .client()
            .query_opt(&format!("SELECT {SUMMARY_COLUMNS}, instrument_toml, localities_csv, data FROM survey_datasets WHERE name = $1"), &[&name])
            .map_err(|e| db_in("reading a survey", e))?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(StoredSurvey {
            summary: summary_row(&r)?,
            instrument_toml: r.get(10),
            localities_csv: r.get(11),
            data: r.get(12),
        }))
    }

    fn put_survey(&mut self, survey: &StoredSurvey) -> Result<i64, StoreError> {
        let s = &survey.summary;
        let mut client = self.client();
        let mut tx = client.transaction().map_err(db)?;
        // The row lock on survey_versions serialises concurrent writers of one name.
        let version: i64 = tx
            .query_one(
                "INSERT INTO survey_versions (name, version) VALUES ($1, 1)
                 ON CONFLICT (name) DO UPDATE SET version = survey_versions.version + 1 RETURNING version",
                &[&s.name],
            )
            .map_err(|e| db_in("numbering the survey version", e))?
            .get(0);
        tx.execute("DELETE FROM survey_datasets WHERE name = $1", &[&s.name])
            .map_err(|e| db_in("replacing the survey", e))?;
        tx.execute(
            "INSERT INTO survey_datasets (name, version, origin, synthetic, project, source_file, instrument_id, instrument_version, instrument_toml, localities_csv, data, respondents, written_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            &[&s.name, &version, &s.origin.as_str(), &s.synthetic, &s.project, &s.source_file, &s.instrument_id, &s.instrument_version, &survey.instrument_toml, &survey.localities_csv, &survey.data, &s.respondents, &s.written_at],
        )
        .map_err(|e| db_in("writing the survey", e))?;
        crate::changes::notify(&mut tx, "survey").map_err(db)?;
        tx.commit().map_err(|e| db_in("committing", e))?;
        Ok(version)
    }

    fn delete_survey(&mut self, name: &str) -> Result<bool, StoreError> {
        let mut client = self.client();
        let mut tx = client.transaction().map_err(db)?;
        let deleted =
            tx.execute("DELETE FROM survey_datasets WHERE name = $1", &[&name]).map_err(db)? > 0;
        if deleted {
            crate::changes::notify(&mut tx, "survey").map_err(db)?;
        }
        tx.commit().map_err(db)?;
        Ok(deleted)
    }

    fn released_surveys(&self) -> Result<Vec<String>, StoreError> {
        let rows = self
            .client()
            .query("SELECT DISTINCT survey FROM survey_releases ORDER BY survey", &[])
            .map_err(|e| db_in("listing releases", e))?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn releases(&self, survey: &str) -> Result<Vec<StoredRelease>, StoreError> {
        let rows = self
            .client()
            .query(
                "SELECT survey, number, survey_version, created_at, created_by, min_cell, content, cell_members FROM survey_releases WHERE survey = $1 ORDER BY number",
                &[&survey],
            )
            .map_err(|e| db_in("reading releases", e))?;
        Ok(rows
            .iter()
            .map(|r| StoredRelease {
                survey: r.get(0),
                number: r.get(1),
                survey_version: r.get(2),
                created_at: r.get(3),
                created_by: r.get(4),
                min_cell: r.get(5),
                content: r.get(6),
                cell_members: r.get(7),
            })
            .collect())
    }

    fn put_release(&mut self, r: &StoredRelease) -> Result<(), StoreError> {
        let mut client = self.client();
        let mut tx = client.transaction().map_err(db)?;
        tx.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", &[&RELEASE_LOCK, &r.survey])
            .map_err(db)?;
        let latest: i64 = tx
            .query_one(
                "SELECT coalesce(max(number), 0) FROM survey_releases WHERE survey = $1",
                &[&r.survey],
            )
            .map_err(db)?
            .get(0);
        mlgov_store::backend::next_release(latest, r)?;
        tx.execute(
            "INSERT INTO survey_releases (survey, number, survey_version, created_at, created_by, min_cell, content, cell_members) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[&r.survey, &r.number, &r.survey_version, &r.created_at, &r.created_by, &r.min_cell, &r.content, &r.cell_members],
        )
        .map_err(|e| db_in("writing the release", e))?;
        crate::changes::notify(&mut tx, "release").map_err(db)?;
        tx.commit().map_err(|e| db_in("committing", e))
    }
}

/// Key (first half) of the advisory lock that serialises publications of one survey's releases.
const RELEASE_LOCK: i32 = 0x6d6c_6772;

/// A [`SurveySummary`] from the first columns of a row ([`mlgov_store::backend::SUMMARY_COLUMNS`]).
fn summary_row(r: &postgres::Row) -> Result<SurveySummary, StoreError> {
    let name: String = r.get(0);
    let origin: String = r.get(2);
    let origin = mlgov_store::backend::survey_origin(&name, &origin)?;
    Ok(SurveySummary {
        name,
        version: r.get(1),
        origin,
        synthetic: r.get(3),
        project: r.get(4),
        source_file: r.get(5),
        instrument_id: r.get(6),
        instrument_version: r.get(7),
        respondents: r.get(8),
        written_at: r.get(9),
    })
}
