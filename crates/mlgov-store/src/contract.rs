//! The storage contract every [`Store`] backend honours, as plain functions over `&mut dyn Store`
//! that assert (panic) on a violation, each given a fresh, empty store. Backends' integration tests
//! instantiate it: SQLite in this crate, PostgreSQL in `mlgov-store-postgres` (when
//! `MLGOV_TEST_PG_URL` names a server). Test support, hidden from the documented API; the
//! `contract-tests` feature is kept for compatibility and changes nothing.

use crate::{
    AsOf, Change, Comment, Decision, Proposal, Retraction, Store, StoreError, StoredRelease,
    StoredSurvey, SurveyOrigin, SurveySummary,
};
use mlgov_domain::{Id, KnowledgeBase, Record};
use std::collections::BTreeMap;

/// Every check of the contract by name.
pub const CHECKS: &[(&str, fn(&mut dyn Store))] = &[
    ("fresh_store_is_empty", fresh_store_is_empty),
    ("insert_then_load_round_trips", insert_then_load_round_trips),
    ("a_large_table_loads_whole_and_in_order", a_large_table_loads_whole_and_in_order),
    ("inserts_accumulate", inserts_accumulate),
    ("failing_insert_changes_nothing", failing_insert_changes_nothing),
    ("dangling_citation_is_refused", dangling_citation_is_refused),
    ("replace_all_swaps_everything", replace_all_swaps_everything),
    ("cells_survive_storage", cells_survive_storage),
    ("forward_references_are_accepted", forward_references_are_accepted),
    ("dangling_parent_rolls_back", dangling_parent_rolls_back),
    ("surveys_round_trip", surveys_round_trip),
    ("survey_reimport_replaces_and_counts_versions", survey_reimport_replaces_and_counts_versions),
    ("releases_are_numbered_and_frozen", releases_are_numbered_and_frozen),
    ("versions_keep_the_past", versions_keep_the_past),
    ("a_stale_change_is_refused_whole", a_stale_change_is_refused_whole),
    (
        "an_addition_stored_meanwhile_is_refused_whole",
        an_addition_stored_meanwhile_is_refused_whole,
    ),
    ("records_are_found_by_id_and_member", records_are_found_by_id_and_member),
    ("proposals_are_decided_once", proposals_are_decided_once),
];

/// Runs every check in [`CHECKS`], each on a fresh store from `open_empty`, naming the check on
/// stderr before it runs (so a failure says which one).
pub fn run_all(open_empty: &mut dyn FnMut() -> Box<dyn Store>) {
    for (name, check) in CHECKS {
        let mut store = open_empty();
        eprintln!("storage contract: {name}");
        check(store.as_mut());
    }
}

/// Builds a record from (column, value) pairs through the interchange cell parser.
pub fn rec<R: Record>(cells: &[(&str, &str)]) -> R {
    let map: BTreeMap<String, String> =
        cells.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    R::from_cells(&map).unwrap_or_else(|ps| panic!("fixture row {cells:?} is invalid: {ps:?}"))
}

/// A small valid base touching most tables, including cells with commas, quotes, accents, empty
/// optional cells and partial dates.
// Long because it is test data: one record a line, every table in one place.
pub fn fixture() -> KnowledgeBase {
    let src = [("source", "src:fixture"), ("locator", "p. 1")];
    let with = |extra: &[(&'static str, &'static str)]| -> Vec<(&'static str, &'static str)> {
        extra.iter().chain(src.iter()).copied().collect()
    };
    let mut kb = KnowledgeBase::default();
    kb.sources.push(rec(&[
        ("id", "src:fixture"),
        ("short", "Fixture 2024"),
        ("title", "A \"quoted\", title"),
        ("kind", "other"),
        ("year", "2024"),
    ]));
    kb.sources.push(rec(&[
        ("id", "src:second"),
        ("short", "Second"),
        ("title", "Second source"),
        ("kind", "paper"),
    ]));
    kb.localities.push(rec(&with(&[
        ("id", "loc:saint-etienne"),
        ("name", "Saint-Étienne"),
        ("aliases", "Saint-Etienne;St-Étienne"),
        ("kind", "municipality"),
        ("country", "FR"),
    ])));
    kb.localities.push(rec(&with(&[
        ("id", "loc:metropole"),
        ("name", "Saint-Étienne Métropole"),
        ("kind", "intermunicipal"),
        ("country", "FR"),
        ("parent", "loc:saint-etienne"),
    ])));
    kb.networks.push(rec(&with(&[
        ("id", "net:eurocities"),
        ("name", "Eurocities"),
        ("kind", "network"),
    ])));
    kb.networks.push(rec(&with(&[
        ("id", "net:euromed"),
        ("name", "Euromed"),
        ("kind", "working_group"),
        ("parent", "net:eurocities"),
    ])));
    kb.organisations.push(rec(&with(&[
        ("id", "org:unhcr"),
        ("name", "UNHCR"),
        ("kind", "international_organisation"),
    ])));
    kb.persons.push(rec(&with(&[("id", "per:thiolliere"), ("name", "Michel Thiollière")])));
    kb.events.push(rec(&with(&[
        ("id", "evt:meeting"),
        ("title", "A meeting"),
        ("kind", "meeting"),
        ("from", "2019-02"),
        ("places", "loc:saint-etienne"),
    ])));
    kb.memberships.push(rec(&with(&[
        ("id", "mem:se-euromed"),
        ("network", "net:euromed"),
        ("member", "loc:saint-etienne"),
        ("role", "member"),
        ("from", "1999"),
        ("to", "2001"),
        ("exit_reason", "opted_out"),
    ])));
    kb.memberships.push(rec(&with(&[
        ("id", "mem:metropole-eurocities"),
        ("network", "net:eurocities"),
        ("member", "loc:metropole"),
        ("role", "member"),
        ("from", "2002-05-01"),
    ])));
    kb.terms.push(rec(&with(&[
        ("id", "trm:thiolliere"),
        ("locality", "loc:saint-etienne"),
        ("person", "per:thiolliere"),
        ("office", "mayor"),
        ("party", "Centre-Right coalition"),
        ("orientation", "conservative"),
        ("from", "1994"),
        ("to", "2008"),
    ])));
    kb.affiliations.push(rec(&with(&[
        ("id", "aff:x"),
        ("person", "per:thiolliere"),
        ("organisation", "loc:saint-etienne"),
        ("role", "mayor's office"),
        ("sector", "public"),
    ])));
    kb.relations.push(rec(&with(&[
        ("id", "rel:x"),
        ("subject", "org:unhcr"),
        ("kind", "supports"),
        ("object", "net:eurocities"),
    ])));
    kb.facts.push(rec(&with(&[
        ("id", "fct:pop"),
        ("subject", "loc:saint-etienne"),
        ("property", "population"),
        ("value", "172565"),
        ("from", "2017"),
        ("to", "2017"),
    ])));
    kb.facts.push(rec(&[
        ("id", "fct:cfg"),
        ("subject", "country:FR"),
        ("property", "policy_configuration"),
        ("value", "national_only"),
        ("source", "src:second"),
        ("locator", "Table 1, \"row\" FR"),
    ]));
    kb
}

/// Every table's rows in canonical (id) order, for comparisons.
pub fn sorted(mut kb: KnowledgeBase) -> KnowledgeBase {
    kb.sort();
    kb
}

/// Rows in the store, all tables together.
pub fn total(s: &dyn Store) -> usize {
    s.counts().unwrap().iter().map(|(_, n)| n).sum()
}

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

/// A table above [`crate::split_rows`] (read or parsed on two threads) loads every row once, in
/// id order, whatever order the rows were written in.
pub fn a_large_table_loads_whole_and_in_order(s: &mut dyn Store) {
    let mut kb = fixture();
    // Written in descending id order, so that storage order is not id order.
    for i in (0..60).rev() {
        let id = format!("mem:bulk-{i:03}");
        kb.memberships.push(rec(&[
            ("id", id.as_str()),
            ("network", "net:eurocities"),
            ("member", "loc:saint-etienne"),
            ("role", "member"),
            ("from", "2003"),
            ("source", "src:fixture"),
            ("locator", "p. 2"),
        ]));
    }
    s.insert_all(&kb).unwrap();
    let before = crate::split_rows();
    crate::set_split_rows(7);
    let loaded = s.load();
    crate::set_split_rows(before);
    let loaded = loaded.unwrap();
    assert_eq!(loaded.memberships.len(), 62);
    assert!(loaded.memberships.windows(2).all(|w| w[0].id < w[1].id), "id order");
    assert_eq!(loaded, sorted(kb));
}

/// Two additions accumulate.
pub fn inserts_accumulate(s: &mut dyn Store) {
    let kb = fixture();
    let first = KnowledgeBase {
        sources: kb.sources.clone(),
        localities: kb.localities.clone(),
        ..KnowledgeBase::default()
    };
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
    batch.sources.push(rec(&[
        ("id", "src:third"),
        ("short", "Third"),
        ("title", "Third"),
        ("kind", "web"),
    ]));
    batch.persons.push(rec(&[
        ("id", "per:new"),
        ("name", "New Person"),
        ("source", "src:third"),
        ("locator", "p. 2"),
    ]));
    batch.facts.push(kb.facts[0].clone());
    assert!(s.insert_all(&batch).is_err(), "a duplicate primary key must fail");
    assert_eq!(total(s), n);
    assert_eq!(s.load().unwrap(), before);
    assert_eq!(s.integrity_check().unwrap(), Vec::<String>::new());
    // A duplicate inside the batch itself fails too.
    let mut twice = KnowledgeBase::default();
    twice.sources.push(rec(&[("id", "src:dup"), ("short", "D"), ("title", "D"), ("kind", "web")]));
    twice.sources.push(rec(&[
        ("id", "src:dup"),
        ("short", "D2"),
        ("title", "D2"),
        ("kind", "web"),
    ]));
    assert!(s.insert_all(&twice).is_err());
    assert_eq!(s.load().unwrap(), before);
}

/// A batch citing a source that is neither stored nor in the batch is refused (referential
/// integrity is the backend's last line of defence), and changes nothing.
pub fn dangling_citation_is_refused(s: &mut dyn Store) {
    s.insert_all(&fixture()).unwrap();
    let before = s.load().unwrap();
    let mut batch = KnowledgeBase::default();
    batch.persons.push(rec(&[
        ("id", "per:ghost"),
        ("name", "Ghost"),
        ("source", "src:nowhere"),
        ("locator", "p. 1"),
    ]));
    assert!(s.insert_all(&batch).is_err(), "a citation of a missing source must fail");
    assert_eq!(s.load().unwrap(), before);
    assert_eq!(s.integrity_check().unwrap(), Vec::<String>::new());
}

/// `replace_all` swaps the whole content; a failing replace keeps the old content.
pub fn replace_all_swaps_everything(s: &mut dyn Store) {
    s.insert_all(&fixture()).unwrap();
    let mut small = KnowledgeBase::default();
    small.sources.push(rec(&[
        ("id", "src:only"),
        ("short", "Only"),
        ("title", "Only"),
        ("kind", "web"),
    ]));
    small.persons.push(rec(&[
        ("id", "per:only"),
        ("name", "Only One"),
        ("source", "src:only"),
        ("locator", "p. 9"),
    ]));
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

/// Rows may reference rows that come later in the same write, in any table order (deferred
/// foreign keys): here every table is written in reverse row order, so a locality comes before the
/// locality it names as its parent.
pub fn forward_references_are_accepted(s: &mut dyn Store) {
    let mut kb = fixture();
    struct Reverse;
    impl mlgov_domain::TableVisitorMut for Reverse {
        fn table<R: Record>(&mut self, rows: &mut Vec<R>) {
            rows.reverse();
        }
    }
    kb.visit_mut(&mut Reverse);
    let child = kb
        .localities
        .iter()
        .position(|l| l.parent.is_some())
        .expect("the fixture has a locality with a parent");
    let parent = kb
        .localities
        .iter()
        .position(|l| Some(&l.id) == kb.localities[child].parent.as_ref())
        .expect("its parent");
    if parent < child {
        kb.localities.swap(parent, child);
    }
    s.insert_all(&kb).unwrap();
    assert_eq!(s.load().unwrap(), sorted(kb));
    assert_eq!(s.integrity_check().unwrap(), Vec::<String>::new());
}

/// A reference to a missing row of the same table (a locality's parent) fails the whole write at
/// commit, and nothing of it is visible.
pub fn dangling_parent_rolls_back(s: &mut dyn Store) {
    let mut kb = fixture();
    let mut orphan = kb.localities[0].clone();
    orphan.id = Id::parse("loc:contract-orphan").unwrap();
    orphan.parent = Some(Id::parse("loc:contract-nowhere").unwrap());
    kb.localities.push(orphan);
    assert!(s.insert_all(&kb).is_err(), "a dangling parent must fail the write");
    assert_eq!(total(s), 0, "nothing of the failed write is visible");
    assert_eq!(s.integrity_check().unwrap(), Vec::<String>::new());
}

/// A small survey dataset: non-ASCII text, quotes, a large-ish data column.
pub fn survey_fixture(name: &str, data: &str) -> StoredSurvey {
    StoredSurvey {
        summary: SurveySummary {
            name: name.to_string(),
            version: 0,
            origin: SurveyOrigin::Imported,
            synthetic: false,
            project: Some("pilot".into()),
            source_file: "exports/Jönköping \"wave 1\".csv".into(),
            instrument_id: "whole-comm".into(),
            instrument_version: "1".into(),
            respondents: data.lines().count().saturating_sub(1) as i64,
            written_at: "2026-12-06T10:00:00Z".into(),
        },
        instrument_toml: "id = \"whole-comm\"\n# é, ö\n".into(),
        localities_csv: String::new(),
        data: data.to_string(),
    }
}

fn surveys_round_trip(store: &mut dyn Store) {
    assert!(store.surveys().expect("list").is_empty(), "a fresh store has no surveys");
    assert_eq!(store.survey("none").expect("read"), None);
    let big: String = std::iter::once("respondent,locality\n".to_string())
        .chain((0..20_000).map(|i| format!("r{i},loc:x\n")))
        .collect();
    let a = survey_fixture("wave-1", &big);
    let mut b = survey_fixture("synth", "respondent,locality\nr1,loc:y\n");
    b.summary.origin = SurveyOrigin::Synthetic;
    b.summary.synthetic = true;
    b.summary.project = None;
    b.localities_csv = "id,label\nloc:y,Y\n".into();
    assert_eq!(store.put_survey(&a).expect("put a"), 1);
    assert_eq!(store.put_survey(&b).expect("put b"), 1);
    let got = store.survey("wave-1").expect("read").expect("stored");
    let v1 = |s: &StoredSurvey| StoredSurvey {
        summary: SurveySummary { version: 1, ..s.summary.clone() },
        ..s.clone()
    };
    assert_eq!(got, v1(&a), "every column survives storage");
    let got_b = store.survey("synth").expect("read").expect("stored");
    assert_eq!(got_b, v1(&b));
    let list = store.surveys().expect("list");
    assert_eq!(
        list.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(),
        ["synth", "wave-1"],
        "listed by name"
    );
    assert_eq!(list[1], got.summary);
    assert!(store.delete_survey("synth").expect("delete"));
    assert!(!store.delete_survey("synth").expect("delete again"));
    assert_eq!(store.surveys().expect("list").len(), 1);
}

fn survey_reimport_replaces_and_counts_versions(store: &mut dyn Store) {
    let v1 = survey_fixture("wave", "respondent\nr1\n");
    let v2 = survey_fixture("wave", "respondent\nr1\nr2\n");
    assert_eq!(store.put_survey(&v1).expect("v1"), 1);
    assert_eq!(store.put_survey(&v2).expect("v2"), 2);
    let got = store.survey("wave").expect("read").expect("stored");
    assert_eq!(
        (got.summary.version, got.data.as_str(), got.summary.respondents),
        (2, "respondent\nr1\nr2\n", 2),
        "the second import replaced the first"
    );
    assert_eq!(store.surveys().expect("list").len(), 1, "one row per name");
    assert!(store.delete_survey("wave").expect("delete"));
    assert_eq!(
        store.put_survey(&v1).expect("v3"),
        3,
        "versions keep counting after a delete, so releases never point at a reused version"
    );
}

fn releases_are_numbered_and_frozen(store: &mut dyn Store) {
    let rel = |n: i64, content: &str| StoredRelease {
        survey: "wave".into(),
        number: n,
        survey_version: 1,
        created_at: "2026-12-06T10:00:00Z".into(),
        created_by: "ann".into(),
        min_cell: 5,
        content: content.into(),
        cell_members: "{\"a\":[1,2,3,4,5]}".into(),
    };
    assert!(store.releases("wave").expect("none").is_empty());
    store.put_release(&rel(1, "{\"n\":5}")).expect("first release");
    match store.put_release(&rel(1, "{\"n\":6}")) {
        Err(StoreError::Conflict(m)) => assert!(m.contains("next one is number 2"), "{m}"),
        other => panic!("a second release numbered 1 must conflict, got {other:?}"),
    }
    match store.put_release(&rel(3, "{}")) {
        Err(StoreError::Conflict(_)) => {}
        other => panic!("a gap in numbering must conflict, got {other:?}"),
    }
    store.put_release(&rel(2, "{\"n\":10}")).expect("second release");
    let got = store.releases("wave").expect("read");
    assert_eq!(
        got,
        vec![rel(1, "{\"n\":5}"), rel(2, "{\"n\":10}")],
        "releases are kept as published, oldest first"
    );
    assert!(store.releases("other").expect("read").is_empty(), "releases are per survey");
    store
        .put_release(&StoredRelease { survey: "collected".into(), ..rel(1, "{}") })
        .expect("another survey's first release");
    assert_eq!(
        store.released_surveys().expect("names"),
        ["collected", "wave"],
        "surveys with releases, sorted, each once"
    );
}

/// Corrections and retractions close versions instead of deleting them: the history lists every
/// version with who recorded it and why it was closed, and the base reads back as it was after each
/// change set.
pub fn versions_keep_the_past(s: &mut dyn Store) {
    let kb = fixture();
    let (first, cs, cs2, to) = correct_then_retract(s, &kb);
    let now = s.load().unwrap();
    assert_eq!(
        now.memberships.iter().find(|x| x.id.as_str() == "mem:se-euromed").unwrap().when.to,
        to
    );
    assert!(
        now.memberships.iter().all(|x| x.id.as_str() != "mem:metropole-eurocities"),
        "retracted from the current base"
    );
    histories_list_every_version(s, cs, cs2);
    past_bases_read_as_recorded(s, (&kb, &now), (first, cs, cs2), &to);
}

/// Loads the fixture (by `cli:ann`), then corrects one membership's dates (by `cli:bob`) and
/// retracts another: the three change sets, and the corrected end date.
fn correct_then_retract(
    s: &mut dyn Store,
    kb: &KnowledgeBase,
) -> (i64, i64, i64, Option<mlgov_domain::PartialDate>) {
    s.set_recorder("cli:ann");
    s.replace_all(kb).unwrap();
    let first = s.latest_change_set().unwrap().expect("the load is a change set");
    // A correction of one membership's dates, and a new fact.
    let mut corrected = KnowledgeBase::default();
    let mut m = kb.memberships.iter().find(|m| m.id.as_str() == "mem:se-euromed").unwrap().clone();
    m.when.to = Some(mlgov_domain::PartialDate::parse("2002").unwrap());
    corrected.memberships.push(m.clone());
    s.set_recorder("cli:bob");
    let (cs, _) = s
        .apply(&Change {
            kind: "update".into(),
            corrected,
            prepared_against: Some(first),
            ..Change::default()
        })
        .unwrap();
    assert!(cs.id > first && cs.recorded_by == "cli:bob" && cs.kind == "update", "{cs:?}");
    // A retraction with its reason.
    let (cs2, _) = s
        .apply(&Change {
            kind: "retract".into(),
            retracted: vec![Retraction {
                id: "mem:metropole-eurocities".into(),
                reason: "not a member (src:second, p. 2)".into(),
            }],
            prepared_against: Some(cs.id),
            ..Change::default()
        })
        .unwrap();
    (first, cs.id, cs2.id, m.when.to)
}

/// The history of the corrected and of the retracted membership of [`correct_then_retract`].
fn histories_list_every_version(s: &mut dyn Store, cs: i64, cs2: i64) {
    let h = s.history("mem:se-euromed").unwrap();
    assert_eq!(h.len(), 2, "{h:?}");
    assert_eq!(
        (h[0].cells["to"].as_str(), h[0].opened.recorded_by.as_str(), h[0].closed_as.as_deref()),
        ("2001", "cli:ann", Some("correct"))
    );
    assert_eq!(
        (h[1].cells["to"].as_str(), h[1].opened.id, h[1].closed.is_none()),
        ("2002", cs, true)
    );
    let r = s.history("mem:metropole-eurocities").unwrap();
    assert_eq!(
        (
            r.len(),
            r[0].closed_as.as_deref(),
            r[0].reason.as_deref(),
            r[0].closed.as_ref().map(|c| c.id)
        ),
        (1, Some("retract"), Some("not a member (src:second, p. 2)"), Some(cs2))
    );
    assert!(s.history("mem:never").unwrap().is_empty());
}

/// The base as recorded after each change set of [`correct_then_retract`] (`kb` as first loaded,
/// `now` as it is) and at moments before and after them.
fn past_bases_read_as_recorded(
    s: &mut dyn Store,
    (kb, now): (&KnowledgeBase, &KnowledgeBase),
    (first, cs, cs2): (i64, i64, i64),
    to: &Option<mlgov_domain::PartialDate>,
) {
    assert_eq!(
        sorted(s.load_as_of(&AsOf::ChangeSet(first)).unwrap()),
        sorted(kb.clone()),
        "the base as first loaded"
    );
    let after_fix = s.load_as_of(&AsOf::ChangeSet(cs)).unwrap();
    assert_eq!(after_fix.memberships.len(), kb.memberships.len());
    assert_eq!(
        &after_fix.memberships.iter().find(|x| x.id.as_str() == "mem:se-euromed").unwrap().when.to,
        to
    );
    assert_eq!(sorted(s.load_as_of(&AsOf::ChangeSet(cs2)).unwrap()), sorted(now.clone()));
    assert_eq!(
        total_kb(&s.load_as_of(&AsOf::Instant("2000-01-01T00:00:00Z".into())).unwrap()),
        0,
        "nothing was recorded in 2000"
    );
    assert_eq!(s.change_set_at(&AsOf::Instant("2000-01-01T00:00:00Z".into())).unwrap(), None);
    assert_eq!(
        s.change_set_at(&AsOf::Instant("2999-01-01T00:00:00Z".into())).unwrap(),
        Some(cs2),
        "a moment after the last change set reads it"
    );
    assert_eq!(s.change_set_at(&AsOf::ChangeSet(first)).unwrap(), Some(first));
    assert_eq!(
        sorted(s.load_as_of(&AsOf::Instant("2999-01-01T00:00:00Z".into())).unwrap()),
        sorted(now.clone())
    );
}

fn total_kb(kb: &KnowledgeBase) -> usize {
    kb.counts().values().sum()
}

/// Two changes prepared against the same state: the first applies, the second — which corrects the
/// record the first changed — is refused whole with a conflict, and nothing of it is written.
pub fn a_stale_change_is_refused_whole(s: &mut dyn Store) {
    let kb = fixture();
    s.replace_all(&kb).unwrap();
    let base = s.latest_change_set().unwrap();
    let fix = |to: &str, extra_fact: bool| {
        let mut c = Change { kind: "update".into(), prepared_against: base, ..Change::default() };
        let mut m =
            kb.memberships.iter().find(|m| m.id.as_str() == "mem:se-euromed").unwrap().clone();
        m.when.to = Some(mlgov_domain::PartialDate::parse(to).unwrap());
        c.corrected.memberships.push(m);
        if extra_fact {
            c.new.facts.push(rec(&[
                ("id", "fct:extra"),
                ("subject", "loc:saint-etienne"),
                ("property", "description"),
                ("value", "x"),
                ("source", "src:fixture"),
                ("locator", "p. 9"),
            ]));
        }
        c
    };
    s.apply(&fix("2002", false)).unwrap();
    let err = s.apply(&fix("2003", true)).unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err}");
    let now = s.load().unwrap();
    assert_eq!(
        now.memberships
            .iter()
            .find(|x| x.id.as_str() == "mem:se-euromed")
            .unwrap()
            .when
            .to
            .map(|d| d.to_string()),
        Some("2002".into())
    );
    assert!(
        now.facts.iter().all(|f| f.id.as_str() != "fct:extra"),
        "nothing of the refused change was written"
    );
}

/// Two identical imports prepared against the same (empty) state, as when they run at once: the
/// first writes; the second is refused whole as [`StoreError::AlreadyStored`], naming records the
/// first stored (not a database error), and writes nothing — no records, no change set — so that
/// its caller can plan it again against the current base.
pub fn an_addition_stored_meanwhile_is_refused_whole(s: &mut dyn Store) {
    let change = Change {
        kind: "import".into(),
        new: fixture(),
        prepared_against: s.latest_change_set().unwrap(),
        ..Change::default()
    };
    s.apply(&change).unwrap();
    let (counts, latest) = (s.counts().unwrap(), s.latest_change_set().unwrap());
    match s.apply(&change) {
        Err(StoreError::AlreadyStored(ids)) => {
            assert!(!ids.is_empty() && ids.len() <= 10, "{ids:?}");
            assert!(
                ids.iter().all(|id| crate::ids_by_table(&fixture())
                    .iter()
                    .any(|(_, all)| all.contains(id))),
                "{ids:?}"
            );
        }
        other => panic!("expected AlreadyStored, got {other:?}"),
    }
    assert_eq!(
        (s.counts().unwrap(), s.latest_change_set().unwrap()),
        (counts, latest),
        "nothing of the refused change was written"
    );
    // Prepared against the current state, new records need no such check (the caller planned
    // them against it): a new source is written.
    let mut more = KnowledgeBase::default();
    more.sources.push(rec(&[
        ("id", "src:more"),
        ("short", "M"),
        ("title", "More"),
        ("kind", "paper"),
    ]));
    s.apply(&Change {
        kind: "import".into(),
        new: more,
        prepared_against: latest,
        ..Change::default()
    })
    .unwrap();
}

/// Indexed reads for planning a batch: records by id across tables, memberships by member.
pub fn records_are_found_by_id_and_member(s: &mut dyn Store) {
    s.replace_all(&fixture()).unwrap();
    let got = s
        .records_by_id(&[
            "loc:saint-etienne".into(),
            "src:second".into(),
            "mem:se-euromed".into(),
            "nowhere:x".into(),
        ])
        .unwrap();
    assert_eq!(
        (got.localities.len(), got.sources.len(), got.memberships.len(), total_kb(&got)),
        (1, 1, 1, 3)
    );
    let ms = s.memberships_of(&["loc:metropole".into()]).unwrap();
    assert_eq!(ms.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(), ["mem:metropole-eurocities"]);
    assert!(s.records_by_id(&[]).unwrap().counts().values().all(|n| *n == 0));
}

/// Proposed change sets: stored as submitted, commented, approved by the change set that applies
/// them (in its transaction) or rejected — once: a second decision is a conflict and writes nothing.
pub fn proposals_are_decided_once(s: &mut dyn Store) {
    s.replace_all(&fixture()).unwrap();
    let base = s.latest_change_set().unwrap();
    let mut files = BTreeMap::new();
    files.insert("facts.csv".to_string(), "id,subject,property,value,source,locator\nfct:p1,loc:saint-etienne,description,proposed,src:fixture,p. 3\n".to_string());
    let p = Proposal {
        id: 0,
        submitted_at: crate::utc_now(),
        submitted_by: "ann".into(),
        note: Some("a fact".into()),
        files,
        update: false,
        prepared_against: base,
        status: String::new(),
        decided_at: None,
        decided_by: None,
        decision_note: None,
        change_set: None,
        comments: vec![],
    };
    let a = s.put_proposal(&p).unwrap();
    let b = s.put_proposal(&p).unwrap();
    assert!(b > a);
    s.comment_proposal(
        a,
        &Comment { at: crate::utc_now(), by: "bob".into(), text: "source checked".into() },
    )
    .unwrap();
    let got = s.proposal(a).unwrap().unwrap();
    assert_eq!(
        (got.status.as_str(), got.comments.len(), got.files.len(), got.submitted_by.as_str()),
        ("pending", 1, 1, "ann")
    );
    assert_eq!(
        s.proposals().unwrap().iter().map(|p| p.id).collect::<Vec<_>>(),
        [b, a],
        "newest first"
    );
    let mut change = Change {
        kind: "review".into(),
        approves: Some(Decision { proposal: a, by: "bob".into(), note: Some("ok".into()) }),
        prepared_against: base,
        ..Change::default()
    };
    change.new.facts.push(rec(&[
        ("id", "fct:p1"),
        ("subject", "loc:saint-etienne"),
        ("property", "description"),
        ("value", "proposed"),
        ("source", "src:fixture"),
        ("locator", "p. 3"),
    ]));
    let (cs, _) = s.apply(&change).unwrap();
    let done = s.proposal(a).unwrap().unwrap();
    assert_eq!(
        (done.status.as_str(), done.change_set, done.decided_by.as_deref()),
        ("approved", Some(cs.id), Some("bob"))
    );
    // A second approval of the same proposal (another reviewer, at the same time): refused whole.
    let mut again = change.clone();
    again.new.facts[0] = rec(&[
        ("id", "fct:p1-again"),
        ("subject", "loc:saint-etienne"),
        ("property", "description"),
        ("value", "x"),
        ("source", "src:fixture"),
        ("locator", "p. 3"),
    ]);
    assert!(matches!(s.apply(&again), Err(StoreError::Conflict(_))));
    assert!(s.load().unwrap().facts.iter().all(|f| f.id.as_str() != "fct:p1-again"));
    assert!(matches!(
        s.reject_proposal(&Decision { proposal: a, by: "carl".into(), note: None }),
        Err(StoreError::Conflict(_))
    ));
    s.reject_proposal(&Decision { proposal: b, by: "carl".into(), note: Some("duplicate".into()) })
        .unwrap();
    assert_eq!(s.proposal(b).unwrap().unwrap().status, "rejected");
    assert!(s.proposal(999).unwrap().is_none());
}
