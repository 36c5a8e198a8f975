//! The storage contract of [`CollectStore`], run against both backends (`on_sqlite::…` always,
//! `on_postgres::…` when `MLGOV_TEST_PG_URL` is set): surveys, invitations and answers (including
//! two concurrent submissions of one invitation), reopening; a database written before survey
//! collection left the auth crate opens with its answers; then PostgreSQL-only behaviour
//! (migrations under concurrency, reconnecting after the server dropped the connection).

use std::sync::Barrier;

use mlgov_auth::Principal;
use mlgov_collect::store::*;
use mlgov_collect::{CollectError, CollectStore, PgCollectStore};
use mlgov_survey::Instrument;

use crate::common::*;

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn answer(item: &str, period: &str, value: &str) -> Answer {
    Answer { item: item.into(), period: period.into(), value: value.into() }
}

fn surveys_invitations_and_answers(b: TestDb) {
    let mut s = b.open_collect();
    let s1 = s.create_survey("s1", "whole-comm-interactions", "p9", 7).unwrap();
    assert_eq!(
        (s1.name.as_str(), s1.instrument.as_str(), s1.project.as_str(), s1.created),
        ("s1", "whole-comm-interactions", "p9", 7)
    );
    assert_eq!(b.open_auth().projects().unwrap(), strs(&["p9"]), "the project is created");
    assert!(matches!(
        s.create_survey("s1", "whole-comm-interactions", "p9", 8),
        Err(CollectError::Conflict(_))
    ));
    let a0 = s.create_survey("a0", "whole-comm-interactions", "p9", 8).unwrap();
    assert_eq!(s.survey("s1").unwrap(), Some(s1.clone()));
    assert_eq!(s.survey_by_id(s1.id).unwrap(), Some(s1.clone()));
    assert_eq!(s.survey("none").unwrap(), None);
    assert_eq!(s.surveys().unwrap(), [a0.clone(), s1.clone()]);

    let ids = s.insert_invitations(s1.id, &strs(&["i1", "i2", "i3"]), Some("loc:x"), 8).unwrap();
    assert_eq!(ids.len(), 3);
    assert!(ids.windows(2).all(|w| w[0] < w[1]));
    let i4 = s.insert_invitations(s1.id, &strs(&["i4"]), None, 9).unwrap()[0];
    assert_eq!(
        s.invitation("i1").unwrap(),
        Some(InvitationRecord {
            id: ids[0],
            survey_id: s1.id,
            token_hash: "i1".into(),
            locality: Some("loc:x".into()),
            created: 8,
            started: None,
            submitted: None
        })
    );
    assert_eq!(s.invitation("i4").unwrap().unwrap().locality, None);
    assert_eq!(s.invitation("nope").unwrap(), None);
    // One transaction: a duplicate digest inserts none of the batch.
    assert!(s.insert_invitations(s1.id, &strs(&["i5", "i1"]), None, 9).is_err());
    assert_eq!(s.invitation("i5").unwrap(), None);
    assert_eq!(s.progress(s1.id).unwrap(), Progress { invited: 4, started: 0, submitted: 0 });

    // Save, resume (replace), submit, then the invitation is used up.
    let (i1, i2) = (ids[0], ids[1]);
    s.save_answers(
        i1,
        &[
            answer("role", "", "local_official"),
            answer("freq_trade_unions", "p2", "3"),
            answer("freq_trade_unions", "p1", "4"),
        ],
        false,
        10,
    )
    .unwrap();
    assert_eq!(
        s.answers_of(i1).unwrap(),
        [
            answer("freq_trade_unions", "p1", "4"),
            answer("freq_trade_unions", "p2", "3"),
            answer("role", "", "local_official")
        ]
    );
    let inv = s.invitation("i1").unwrap().unwrap();
    assert_eq!((inv.started, inv.submitted), (Some(10), None));
    assert_eq!(s.progress(s1.id).unwrap(), Progress { invited: 4, started: 1, submitted: 0 });
    s.save_answers(i1, &[answer("freq_trade_unions", "p1", "5")], false, 11).unwrap();
    assert_eq!(
        s.answers_of(i1).unwrap(),
        [answer("freq_trade_unions", "p1", "5")],
        "a save replaces the previous answers"
    );
    assert_eq!(
        s.invitation("i1").unwrap().unwrap().started,
        Some(10),
        "started keeps the first save"
    );
    let final_answers =
        [answer("freq_trade_unions", "p1", "5"), answer("role", "", "expert_journalist")];
    s.save_answers(i1, &final_answers, true, 12).unwrap();
    let inv = s.invitation("i1").unwrap().unwrap();
    assert_eq!((inv.started, inv.submitted), (Some(10), Some(12)));
    assert!(matches!(s.save_answers(i1, &[], false, 13), Err(CollectError::Gone(_))));
    assert!(matches!(
        s.save_answers(i1, &[answer("role", "", "x")], true, 13),
        Err(CollectError::Gone(_))
    ));
    assert!(
        matches!(s.save_answers(i4 + 1000, &[], true, 13), Err(CollectError::Gone(_))),
        "no such invitation"
    );
    assert_eq!(s.answers_of(i1).unwrap(), final_answers, "refused saves change nothing");
    assert_eq!(s.invitation("i1").unwrap().unwrap().submitted, Some(12));
    // Submitting directly, without a prior save, starts and submits at once.
    s.save_answers(ids[2], &[answer("role", "", "local_official")], true, 14).unwrap();
    let inv = s.invitation("i3").unwrap().unwrap();
    assert_eq!((inv.started, inv.submitted), (Some(14), Some(14)));
    s.save_answers(i2, &[answer("freq_employers", "p1", "2")], false, 15).unwrap();

    // Raw answers: every respondent's, submitted or not, by respondent then item and period.
    let raw = s.raw_answers(s1.id).unwrap();
    type Flat<'a> = (i64, Option<&'a str>, bool, &'a str, &'a str, &'a str);
    let rows: Vec<Flat<'_>> = raw
        .iter()
        .map(|r| {
            (
                r.respondent,
                r.locality.as_deref(),
                r.submitted,
                r.answer.item.as_str(),
                r.answer.period.as_str(),
                r.answer.value.as_str(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (i1, Some("loc:x"), true, "freq_trade_unions", "p1", "5"),
            (i1, Some("loc:x"), true, "role", "", "expert_journalist"),
            (i2, Some("loc:x"), false, "freq_employers", "p1", "2"),
            (ids[2], Some("loc:x"), true, "role", "", "local_official"),
        ]
    );
    assert_eq!(s.raw_answers(a0.id).unwrap(), []);
    assert_eq!(s.answers_of(i4).unwrap(), []);
    assert_eq!(s.progress(s1.id).unwrap(), Progress { invited: 4, started: 1, submitted: 2 });
    assert_eq!(s.progress(a0.id).unwrap(), Progress::default());
}

/// Two connections submit the same invitation at the same moment, many times over: exactly one
/// submission lands each time, the other is told the link is used, and the stored answers are the
/// winner's.
fn concurrent_submissions_land_once(b: TestDb) {
    let mut setup = b.open_collect();
    let survey = setup.create_survey("race", "whole-comm-interactions", "p1", 1).unwrap();
    let hashes: Vec<String> = (0..12).map(|i| format!("race-{i}")).collect();
    let ids = setup.insert_invitations(survey.id, &hashes, None, 1).unwrap();
    let mut stores = [b.open_collect(), b.open_collect()];
    for &inv in &ids {
        let barrier = Barrier::new(2);
        let results: Vec<Result<(), CollectError>> = std::thread::scope(|sc| {
            let handles: Vec<_> = stores
                .iter_mut()
                .enumerate()
                .map(|(k, store)| {
                    let barrier = &barrier;
                    sc.spawn(move || {
                        let mine = [
                            answer("freq_trade_unions", "p1", &k.to_string()),
                            answer("role", "", &format!("writer_{k}")),
                        ];
                        barrier.wait();
                        store.save_answers(inv, &mine, true, 2)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().expect("thread")).collect()
        });
        let winners: Vec<usize> =
            results.iter().enumerate().filter(|(_, r)| r.is_ok()).map(|(k, _)| k).collect();
        assert_eq!(winners.len(), 1, "invitation {inv}: {results:?}");
        let loser = &results[1 - winners[0]];
        assert!(matches!(loser, Err(CollectError::Gone(_))), "invitation {inv}: {loser:?}");
        let k = winners[0];
        assert_eq!(
            setup.answers_of(inv).unwrap(),
            [
                answer("freq_trade_unions", "p1", &k.to_string()),
                answer("role", "", &format!("writer_{k}"))
            ]
        );
    }
    assert_eq!(
        setup.progress(survey.id).unwrap(),
        Progress { invited: 12, started: 0, submitted: 12 }
    );
    // Concurrent saves (not submissions) of one invitation both succeed; one of them is kept whole.
    let inv = setup.insert_invitations(survey.id, &strs(&["race-save"]), None, 3).unwrap()[0];
    let barrier = Barrier::new(2);
    std::thread::scope(|sc| {
        for (k, store) in stores.iter_mut().enumerate() {
            let barrier = &barrier;
            sc.spawn(move || {
                barrier.wait();
                store
                    .save_answers(
                        inv,
                        &[
                            answer("role", "", &format!("saver_{k}")),
                            answer("x", "", &k.to_string()),
                        ],
                        false,
                        4,
                    )
                    .unwrap();
            });
        }
    });
    let kept = setup.answers_of(inv).unwrap();
    assert!(
        kept == [answer("role", "", "saver_0"), answer("x", "", "0")]
            || kept == [answer("role", "", "saver_1"), answer("x", "", "1")],
        "{kept:?}"
    );
}

fn reopening_keeps_everything_and_migrates_once(b: TestDb) {
    let mut s = b.open_collect();
    let survey = s.create_survey("kept", "whole-comm-interactions", "p1", 1).unwrap();
    drop(s);
    let s = b.open_collect();
    assert_eq!(s.survey("kept").unwrap(), Some(survey));
    assert_eq!(
        b.strings("SELECT CAST(version AS TEXT) FROM auth_schema ORDER BY version"),
        ["1", "2", "3"]
    );
    assert_eq!(b.strings("SELECT CAST(version AS TEXT) FROM collect_schema"), ["1"]);
}

on_both_backends!(std::convert::identity;
    surveys_invitations_and_answers,
    concurrent_submissions_land_once,
    reopening_keeps_everything_and_migrates_once,
);

// ---------------------------------------------------------------- databases of earlier versions

/// A SQLite file as mlgov wrote it before survey collection left `mlgov-auth`: the auth
/// migration 1 (which then also created the `survey_*` tables) applied and recorded in
/// `auth_schema`, no `collect_schema`, and a survey with two invitations, one submitted and one
/// saved, written with the statements of that version's store. Opening it with this crate keeps
/// every row, records collection version 1 without touching the tables, and collection goes on.
#[test]
fn a_database_written_before_the_split_opens_with_its_answers() {
    let b = TestDb::sqlite();
    let location = b.location();
    {
        // The historical migration, exactly as applied then (it is never edited).
        let conn = rusqlite::Connection::open(&location).unwrap();
        conn.execute_batch(
            "PRAGMA foreign_keys = ON; CREATE TABLE auth_schema (version INTEGER NOT NULL) STRICT;",
        )
        .unwrap();
        conn.execute_batch(include_str!("../../../mlgov-auth/migrations/sqlite/0001_auth.sql"))
            .unwrap();
        conn.execute_batch(
            "INSERT INTO auth_schema (version) VALUES (1);
             INSERT INTO auth_projects (name, created) VALUES ('p1', 5);
             INSERT INTO survey_collections (name, instrument, project, created) VALUES ('wave0', 'whole-comm-interactions', 'p1', 5);
             INSERT INTO survey_invitations (survey_id, token_hash, locality, created, started, submitted) VALUES (1, 'h-done', 'loc:x', 6, 7, 8);
             INSERT INTO survey_invitations (survey_id, token_hash, locality, created, started, submitted) VALUES (1, 'h-draft', NULL, 6, 9, NULL);
             INSERT INTO survey_raw_answers (survey_id, invitation_id, item, period, value) VALUES
               (1, 1, 'role', '', 'local_official'), (1, 1, 'freq_trade_unions', 'p1', '4'), (1, 2, 'freq_employers', 'p2', '1');",
        )
        .unwrap();
    }
    assert_eq!(
        b.strings("SELECT name FROM sqlite_master WHERE name = 'collect_schema'"),
        Vec::<String>::new()
    );
    let mut s = b.open_collect();
    // Nothing was lost or rewritten.
    let wave0 = s.survey("wave0").unwrap().expect("the collected survey is still there");
    assert_eq!(
        (wave0.id, wave0.instrument.as_str(), wave0.project.as_str(), wave0.created),
        (1, "whole-comm-interactions", "p1", 5)
    );
    assert_eq!(s.progress(wave0.id).unwrap(), Progress { invited: 2, started: 1, submitted: 1 });
    let raw: Vec<(i64, bool, String, String, String)> = s
        .raw_answers(wave0.id)
        .unwrap()
        .into_iter()
        .map(|r| (r.respondent, r.submitted, r.answer.item, r.answer.period, r.answer.value))
        .collect();
    assert_eq!(
        raw,
        [
            (1, true, "freq_trade_unions".into(), "p1".into(), "4".into()),
            (1, true, "role".into(), "".into(), "local_official".into()),
            (2, false, "freq_employers".into(), "p2".into(), "1".into()),
        ]
    );
    let ds =
        mlgov_collect::collected_dataset(s.as_ref(), &wave0, &Instrument::whole_comm()).unwrap();
    assert_eq!(ds.respondents.len(), 1, "the submitted response, not the draft");
    // The auth tables are brought to the current schema (the contributor role, login failures) on the way.
    assert_eq!(
        b.strings("SELECT CAST(version AS TEXT) FROM auth_schema ORDER BY version"),
        ["1", "2", "3"]
    );
    assert_eq!(b.strings("SELECT CAST(version AS TEXT) FROM collect_schema"), ["1"]);
    // Collection goes on in the same tables: the draft is submitted, a new survey is created.
    s.save_answers(
        2,
        &[answer("freq_employers", "p2", "1"), answer("role", "", "expert_journalist")],
        true,
        10,
    )
    .unwrap();
    assert_eq!(s.progress(wave0.id).unwrap(), Progress { invited: 2, started: 0, submitted: 2 });
    assert!(matches!(
        s.create_survey("wave0", "whole-comm-interactions", "p1", 11),
        Err(CollectError::Conflict(_))
    ));
    assert_eq!(s.create_survey("wave1", "whole-comm-interactions", "p1", 11).unwrap().id, 2);
    drop(s);
    // And through the service, with rights and the audit log of the auth crate on the same file.
    let auth = mlgov_auth::Auth::new(b.open_auth(), config());
    let collect = mlgov_collect::Collect::new(
        b.open_collect(),
        auth.clone(),
        mlgov_collect::Config::default(),
    );
    let rows = collect.raw_answers(&Principal::cli_admin(), "wave0").unwrap();
    assert_eq!(rows.iter().filter(|r| r.submitted).count(), 4);
    assert!(
        auth.audit_log(&Principal::cli_admin(), 10)
            .unwrap()
            .iter()
            .any(|e| e.action == "read_raw_answers" && e.resource == "survey:wave0")
    );
}

/// A database migrated by this version, then opened by the auth store alone (as `mlgov user`
/// does): the auth crate leaves the collection tables and their version alone.
#[test]
fn the_auth_store_alone_leaves_the_collection_tables_alone() {
    let b = TestDb::sqlite();
    let mut s = b.open_collect();
    let survey = s.create_survey("s", "whole-comm-interactions", "p", 1).unwrap();
    drop(s);
    drop(b.open_auth());
    assert_eq!(b.open_collect().survey("s").unwrap(), Some(survey));
    assert_eq!(b.strings("SELECT CAST(version AS TEXT) FROM collect_schema"), ["1"]);
}

// ---------------------------------------------------------------- PostgreSQL only

#[test]
fn pg_concurrent_first_connections_migrate_once() {
    let Some(schema) =
        TestSchema::for_test("pg_concurrent_first_connections_migrate_once", "collect")
    else {
        return;
    };
    let url = schema.url();
    std::thread::scope(|sc| {
        let handles: Vec<_> = (0..4)
            .map(|_| sc.spawn(|| PgCollectStore::connect(&url).map(|s| s.surveys())))
            .collect();
        for h in handles {
            assert_eq!(
                h.join().unwrap().expect("connect").expect("query"),
                Vec::<SurveyRecord>::new()
            );
        }
    });
    // Each migration recorded once, not once per connection.
    for (table, want) in
        [("auth_schema", mlgov_auth::postgres::MIGRATIONS.len() as i64), ("collect_schema", 1)]
    {
        let n: i64 =
            schema.admin().query_one(&format!("SELECT count(*) FROM {table}"), &[]).unwrap().get(0);
        assert_eq!(n, want, "{table}");
    }
}

#[test]
fn pg_a_newer_collect_schema_is_refused() {
    let Some(schema) = TestSchema::for_test("pg_a_newer_collect_schema_is_refused", "collect")
    else {
        return;
    };
    drop(PgCollectStore::connect(&schema.url()).unwrap());
    schema.admin().execute("INSERT INTO collect_schema (version) VALUES (99)", &[]).unwrap();
    match PgCollectStore::connect(&schema.url()) {
        Err(CollectError::Database(m)) => {
            assert!(m.message().contains("collect schema version 99 is newer"), "{m}")
        }
        other => panic!("expected a Database error, got {other:?}"),
    }
}

#[test]
fn pg_reconnects_after_the_server_drops_the_connection() {
    let Some(schema) =
        TestSchema::for_test("pg_reconnects_after_the_server_drops_the_connection", "collect")
    else {
        return;
    };
    let mut s = PgCollectStore::connect(&schema.url()).unwrap();
    assert_eq!(schema.terminate_connections(), 1);
    let survey = s.create_survey("s", "whole-comm-interactions", "p", 4).unwrap();
    let inv = s.insert_invitations(survey.id, &strs(&["i"]), None, 4).unwrap()[0];
    assert_eq!(schema.terminate_connections(), 1);
    s.save_answers(inv, &[answer("role", "", "x")], true, 5).unwrap();
    assert!(matches!(s.save_answers(inv, &[], true, 6), Err(CollectError::Gone(_))));
    assert_eq!(schema.terminate_connections(), 1);
    assert_eq!(
        s.survey("s").unwrap(),
        Some(survey),
        "a read after the connection died reconnects and answers"
    );
}

#[test]
fn pg_an_unreachable_server_is_a_clean_error_without_the_password() {
    match PgCollectStore::connect("postgres://ann:hunter2@127.0.0.1:1/mlgov?connect_timeout=2") {
        Err(e) => {
            let m = e.to_string();
            assert!(m.contains("127.0.0.1:1") && !m.contains("hunter2"), "{m}");
        }
        Ok(_) => panic!("expected an error, got a store"),
    }
}
