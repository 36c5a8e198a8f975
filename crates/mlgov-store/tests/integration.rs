//! The storage contract every [`Store`] backend must honour, written once over `&mut dyn Store`
//! and instantiated for the SQLite backend (file and in-memory). A PostgreSQL backend reuses it by
//! adding one `store_contract!` line with its own constructor.

use mlgov_domain::{KnowledgeBase, Record};
use mlgov_store::{SqliteStore, Store};
use std::collections::BTreeMap;

/// Builds a record from (column, value) pairs through the interchange cell parser.
fn rec<R: Record>(cells: &[(&str, &str)]) -> R {
    let map: BTreeMap<String, String> = cells.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    R::from_cells(&map).unwrap_or_else(|ps| panic!("fixture row {cells:?} is invalid: {ps:?}"))
}

/// A small valid base touching most tables, including cells with commas, quotes, accents, empty
/// optional cells and partial dates.
fn fixture() -> KnowledgeBase {
    let src = [("source", "src:fixture"), ("locator", "p. 1")];
    let with = |extra: &[(&'static str, &'static str)]| -> Vec<(&'static str, &'static str)> { extra.iter().chain(src.iter()).copied().collect() };
    let mut kb = KnowledgeBase::default();
    kb.sources.push(rec(&[("id", "src:fixture"), ("short", "Fixture 2024"), ("title", "A \"quoted\", title"), ("kind", "other"), ("year", "2024")]));
    kb.sources.push(rec(&[("id", "src:second"), ("short", "Second"), ("title", "Second source"), ("kind", "paper")]));
    kb.localities.push(rec(&with(&[("id", "loc:saint-etienne"), ("name", "Saint-Étienne"), ("aliases", "Saint-Etienne;St-Étienne"), ("kind", "municipality"), ("country", "FR")])));
    kb.localities.push(rec(&with(&[("id", "loc:metropole"), ("name", "Saint-Étienne Métropole"), ("kind", "intermunicipal"), ("country", "FR"), ("parent", "loc:saint-etienne")])));
    kb.networks.push(rec(&with(&[("id", "net:eurocities"), ("name", "Eurocities"), ("kind", "network")])));
    kb.networks.push(rec(&with(&[("id", "net:euromed"), ("name", "Euromed"), ("kind", "working_group"), ("parent", "net:eurocities")])));
    kb.organisations.push(rec(&with(&[("id", "org:unhcr"), ("name", "UNHCR"), ("kind", "international_organisation")])));
    kb.persons.push(rec(&with(&[("id", "per:thiolliere"), ("name", "Michel Thiollière")])));
    kb.events.push(rec(&with(&[("id", "evt:meeting"), ("title", "A meeting"), ("kind", "meeting"), ("from", "2019-02"), ("places", "loc:saint-etienne")])));
    kb.memberships.push(rec(&with(&[("id", "mem:se-euromed"), ("network", "net:euromed"), ("member", "loc:saint-etienne"), ("role", "member"), ("from", "1999"), ("to", "2001"), ("exit_reason", "opted_out")])));
    kb.memberships.push(rec(&with(&[("id", "mem:metropole-eurocities"), ("network", "net:eurocities"), ("member", "loc:metropole"), ("role", "member"), ("from", "2002-05-01")])));
    kb.terms.push(rec(&with(&[("id", "trm:thiolliere"), ("locality", "loc:saint-etienne"), ("person", "per:thiolliere"), ("office", "mayor"), ("party", "Centre-Right coalition"), ("orientation", "conservative"), ("from", "1994"), ("to", "2008")])));
    kb.affiliations.push(rec(&with(&[("id", "aff:x"), ("person", "per:thiolliere"), ("organisation", "loc:saint-etienne"), ("role", "mayor's office"), ("sector", "public")])));
    kb.relations.push(rec(&with(&[("id", "rel:x"), ("subject", "org:unhcr"), ("kind", "supports"), ("object", "net:eurocities")])));
    kb.facts.push(rec(&with(&[("id", "fct:pop"), ("subject", "loc:saint-etienne"), ("property", "population"), ("value", "172565"), ("from", "2017"), ("to", "2017")])));
    kb.facts.push(rec(&[("id", "fct:cfg"), ("subject", "country:FR"), ("property", "policy_configuration"), ("value", "national_only"), ("source", "src:second"), ("locator", "Table 1, \"row\" FR")]));
    kb
}

/// Every table's rows in canonical (id) order, for comparisons.
fn sorted(mut kb: KnowledgeBase) -> KnowledgeBase {
    kb.sort();
    kb
}

fn total(s: &dyn Store) -> usize {
    s.counts().unwrap().iter().map(|(_, n)| n).sum()
}

/// The contract, over any backend. Each function receives a fresh, empty store.
pub mod contract {
    use super::*;

    /// A fresh store is empty, reports a schema version ≥ 1 and passes its integrity check.
    pub fn fresh_store_is_empty(s: &mut dyn Store) {
        assert_eq!(total(s), 0);
        assert_eq!(s.load().unwrap(), KnowledgeBase::default());
        assert!(s.schema_version().unwrap() >= 1);
        assert_eq!(s.integrity_check().unwrap(), Vec::<String>::new());
        let names: Vec<&str> = s.counts().unwrap().iter().map(|(t, _)| *t).collect();
        assert_eq!(names.len(), 14, "{names:?}");
    }

    /// `insert_all` then `load` returns the same records; counts match the report.
    pub fn insert_then_load_round_trips(s: &mut dyn Store) {
        let kb = fixture();
        let report = s.insert_all(&kb).unwrap();
        assert_eq!(report.total(), kb.counts().values().sum::<usize>());
        assert_eq!(sorted(s.load().unwrap()), sorted(kb.clone()));
        let counts: BTreeMap<&str, usize> = s.counts().unwrap().into_iter().collect();
        for (table, n) in kb.counts() {
            assert_eq!(counts[table], n, "{table}");
        }
        assert_eq!(s.integrity_check().unwrap(), Vec::<String>::new());
    }

    /// Two additions accumulate.
    pub fn inserts_accumulate(s: &mut dyn Store) {
        let kb = fixture();
        let mut first = KnowledgeBase::default();
        first.sources = kb.sources.clone();
        first.localities = kb.localities.clone();
        s.insert_all(&first).unwrap();
        let mut rest = kb.clone();
        rest.sources.clear();
        rest.localities.clear();
        s.insert_all(&rest).unwrap();
        assert_eq!(sorted(s.load().unwrap()), sorted(kb));
    }

    /// A failing insert (a duplicate primary key in the last table written) leaves the store
    /// exactly as it was: nothing of the batch is written.
    pub fn failing_insert_changes_nothing(s: &mut dyn Store) {
        let kb = fixture();
        s.insert_all(&kb).unwrap();
        let before = s.load().unwrap();
        let n = total(s);
        // New rows in early tables plus one duplicate id in a late one.
        let mut batch = KnowledgeBase::default();
        batch.sources.push(rec(&[("id", "src:third"), ("short", "Third"), ("title", "Third"), ("kind", "web")]));
        batch.persons.push(rec(&[("id", "per:new"), ("name", "New Person"), ("source", "src:third"), ("locator", "p. 2")]));
        batch.facts.push(kb.facts[0].clone());
        assert!(s.insert_all(&batch).is_err(), "a duplicate primary key must fail");
        assert_eq!(total(s), n);
        assert_eq!(s.load().unwrap(), before);
        assert_eq!(s.integrity_check().unwrap(), Vec::<String>::new());
        // A duplicate inside the batch itself fails too.
        let mut twice = KnowledgeBase::default();
        twice.sources.push(rec(&[("id", "src:dup"), ("short", "D"), ("title", "D"), ("kind", "web")]));
        twice.sources.push(rec(&[("id", "src:dup"), ("short", "D2"), ("title", "D2"), ("kind", "web")]));
        assert!(s.insert_all(&twice).is_err());
        assert_eq!(s.load().unwrap(), before);
    }

    /// A batch citing a source that is neither stored nor in the batch is refused (referential
    /// integrity is the backend's last line of defence), and changes nothing.
    pub fn dangling_citation_is_refused(s: &mut dyn Store) {
        s.insert_all(&fixture()).unwrap();
        let before = s.load().unwrap();
        let mut batch = KnowledgeBase::default();
        batch.persons.push(rec(&[("id", "per:ghost"), ("name", "Ghost"), ("source", "src:nowhere"), ("locator", "p. 1")]));
        assert!(s.insert_all(&batch).is_err(), "a citation of a missing source must fail");
        assert_eq!(s.load().unwrap(), before);
        assert_eq!(s.integrity_check().unwrap(), Vec::<String>::new());
    }

    /// `replace_all` swaps the whole content; a failing replace keeps the old content.
    pub fn replace_all_swaps_everything(s: &mut dyn Store) {
        s.insert_all(&fixture()).unwrap();
        let mut small = KnowledgeBase::default();
        small.sources.push(rec(&[("id", "src:only"), ("short", "Only"), ("title", "Only"), ("kind", "web")]));
        small.persons.push(rec(&[("id", "per:only"), ("name", "Only One"), ("source", "src:only"), ("locator", "p. 9")]));
        let report = s.replace_all(&small).unwrap();
        assert_eq!(report.total(), 2);
        assert_eq!(s.load().unwrap(), small);
        assert_eq!(total(s), 2);
        // Replacing with the fixture again restores it.
        s.replace_all(&fixture()).unwrap();
        assert_eq!(sorted(s.load().unwrap()), sorted(fixture()));
        // A replace that fails midway (duplicate id in the new content) keeps the old content.
        let before = s.load().unwrap();
        let mut bad = small.clone();
        bad.persons.push(bad.persons[0].clone());
        assert!(s.replace_all(&bad).is_err());
        assert_eq!(s.load().unwrap(), before);
        // Replacing with an empty base empties the store.
        s.replace_all(&KnowledgeBase::default()).unwrap();
        assert_eq!(total(s), 0);
        assert_eq!(s.integrity_check().unwrap(), Vec::<String>::new());
    }

    /// Every cell survives storage byte for byte (quotes, commas, accents, partial dates, lists).
    pub fn cells_survive_storage(s: &mut dyn Store) {
        let kb = fixture();
        s.insert_all(&kb).unwrap();
        let back = s.load().unwrap();
        struct Cells(Vec<(String, Vec<String>)>);
        impl mlgov_domain::TableVisitor for Cells {
            fn table<R: Record>(&mut self, rows: &[R]) {
                for r in rows {
                    self.0.push((r.id().to_string(), r.to_cells()));
                }
            }
        }
        let (mut a, mut b) = (Cells(Vec::new()), Cells(Vec::new()));
        sorted(kb).visit(&mut a);
        back.visit(&mut b);
        assert_eq!(a.0, b.0);
        assert!(b.0.iter().any(|(_, c)| c.iter().any(|x| x == "Saint-Étienne")));
        assert!(b.0.iter().any(|(_, c)| c.iter().any(|x| x == "2002-05-01")));
    }
}

/// Instantiates every contract function as a test for one backend; `$make` is an expression that
/// yields a `(guard, store)` pair (the guard keeps e.g. a temp dir alive).
macro_rules! store_contract {
    ($backend:ident, $make:expr) => {
        mod $backend {
            use super::*;
            fn run(f: fn(&mut dyn Store)) {
                let (_guard, mut store) = $make;
                f(&mut store);
            }
            #[test]
            fn fresh_store_is_empty() { run(contract::fresh_store_is_empty) }
            #[test]
            fn insert_then_load_round_trips() { run(contract::insert_then_load_round_trips) }
            #[test]
            fn inserts_accumulate() { run(contract::inserts_accumulate) }
            #[test]
            fn failing_insert_changes_nothing() { run(contract::failing_insert_changes_nothing) }
            #[test]
            fn dangling_citation_is_refused() { run(contract::dangling_citation_is_refused) }
            #[test]
            fn replace_all_swaps_everything() { run(contract::replace_all_swaps_everything) }
            #[test]
            fn cells_survive_storage() { run(contract::cells_survive_storage) }
        }
    };
}

fn sqlite_file() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStore::open(&dir.path().join("kb.db")).unwrap();
    (dir, s)
}

store_contract!(sqlite_file_backend, sqlite_file());
store_contract!(sqlite_memory_backend, ((), SqliteStore::in_memory().unwrap()));

// SQLite-specific: the file, migrations and reopening.

#[test]
fn open_twice_is_idempotent_and_keeps_data() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb.db");
    let v = {
        let mut s = SqliteStore::open(&path).unwrap();
        s.insert_all(&fixture()).unwrap();
        s.schema_version().unwrap()
    };
    assert!(v >= 1);
    for _ in 0..2 {
        let s = SqliteStore::open(&path).unwrap();
        assert_eq!(s.schema_version().unwrap(), v, "reopening must not re-run or skip migrations");
        assert_eq!(sorted(s.load().unwrap()), sorted(fixture()));
        assert_eq!(s.integrity_check().unwrap(), Vec::<String>::new());
    }
    let s = SqliteStore::open_existing(&path).unwrap();
    assert_eq!(s.path(), path.as_path());
    assert_eq!(total(&s), fixture().counts().values().sum::<usize>());
}

#[test]
fn open_existing_refuses_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("none.db");
    let e = SqliteStore::open_existing(&path).err().expect("missing file");
    assert!(matches!(e, mlgov_store::StoreError::Missing(_)), "{e}");
    assert!(e.to_string().contains("mlgov init"), "{e}");
    assert!(!path.exists(), "open_existing must not create the file");
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb.db");
    drop(SqliteStore::open(&path).unwrap());
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute_batch("PRAGMA user_version = 999").unwrap();
    }
    let e = SqliteStore::open(&path).err().expect("too new");
    assert!(matches!(e, mlgov_store::StoreError::TooNew { found: 999, .. }), "{e}");
}

#[test]
fn foreign_keys_and_wal_are_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb.db");
    let mut s = SqliteStore::open(&path).unwrap();
    s.insert_all(&fixture()).unwrap();
    let c = rusqlite::Connection::open(&path).unwrap();
    let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode.to_lowercase(), "wal");
    // The stored cells are the canonical text; empty cells are NULL.
    let (to, exit): (Option<String>, Option<String>) = c.query_row("SELECT \"to\", exit_reason FROM memberships WHERE id = 'mem:metropole-eurocities'", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((to, exit), (None, None));
}

#[test]
fn corrupt_rows_are_reported_not_panicked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb.db");
    let mut s = SqliteStore::open(&path).unwrap();
    s.insert_all(&fixture()).unwrap();
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        c.execute("UPDATE memberships SET role = 'grand_wizard' WHERE id = 'mem:se-euromed'", []).unwrap();
    }
    let e = s.load().err().expect("corrupt row");
    let msg = e.to_string();
    assert!(msg.contains("memberships/mem:se-euromed") && msg.contains("role"), "{msg}");
}
