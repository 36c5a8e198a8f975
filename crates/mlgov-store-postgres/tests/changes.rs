//! Change propagation (`mlgov_store_postgres::changes`): every write path that changes what a
//! server shows changes the fingerprint and wakes a listener on the same schema when it commits —
//! not when it rolls back, and not for another schema —, a change made without a notification is
//! seen by the poll, and a listener whose connection the server ended reconnects and hands the
//! fingerprint over again.

use std::sync::mpsc;
use std::time::{Duration, Instant};

use mlgov_store::{Store, StoredRelease, contract};
use mlgov_store_postgres::PgStore;
use mlgov_store_postgres::changes::{self, Listener, ListenerOptions, fingerprint_at};
use mlgov_store_postgres::testing::{TestSchema, server_url};

/// A listener on `schema` whose poll is too slow to matter: what it reports within a test's
/// waits, it reports because of a notification (or a reconnection).
fn listen(schema: &TestSchema) -> (Listener, mpsc::Receiver<String>) {
    let (tx, rx) = mpsc::channel();
    let options = ListenerOptions { poll: Duration::from_secs(600), ..ListenerOptions::default() };
    let l = Listener::spawn(&schema.url(), options, move |fp| {
        let _ = tx.send(fp.to_string());
    })
    .expect("spawn the listener");
    (l, rx)
}

/// The next fingerprint within `within`, or `None`.
fn next(rx: &mpsc::Receiver<String>, within: Duration) -> Option<String> {
    rx.recv_timeout(within).ok()
}

/// Waits up to 10 s for a fingerprint, returning it with the time it took.
fn woken(rx: &mpsc::Receiver<String>, what: &str) -> (String, Duration) {
    let t = Instant::now();
    let fp = next(rx, Duration::from_secs(10))
        .unwrap_or_else(|| panic!("no notification within 10 s after {what}"));
    (fp, t.elapsed())
}

#[test]
fn every_write_notifies_listeners_on_commit_and_changes_the_fingerprint() {
    let Some(base) =
        server_url("every_write_notifies_listeners_on_commit_and_changes_the_fingerprint")
    else {
        return;
    };
    let schema = TestSchema::new(&base, "changes");
    let mut store = PgStore::connect(&schema.url()).expect("connect");
    let (listener, rx) = listen(&schema);
    let first = woken(&rx, "connecting").0;
    assert_eq!(
        first,
        fingerprint_at(&schema.url()).expect("fingerprint"),
        "the listener reports the database's fingerprint on connecting"
    );

    // A notification in a transaction that rolls back is never delivered.
    let mut admin = schema.admin();
    let mut tx = admin.transaction().expect("begin");
    changes::notify(&mut tx, "kb").expect("notify");
    tx.rollback().expect("rollback");
    assert_eq!(next(&rx, Duration::from_millis(1500)), None, "rolled back: nothing announced");

    // Another schema's writes wake nobody here.
    let other = TestSchema::new(&base, "changes_other");
    PgStore::connect(&other.url())
        .expect("connect")
        .insert_all(&contract::fixture())
        .expect("write elsewhere");
    assert_eq!(next(&rx, Duration::from_millis(1500)), None, "another schema's change");

    let mut seen = vec![first];
    let step = |what: &str, seen: &mut Vec<String>| {
        let (fp, took) = woken(&rx, what);
        assert!(!seen.contains(&fp), "{what}: the fingerprint {fp:?} was seen before ({seen:?})");
        assert!(took < Duration::from_secs(3), "{what}: woken after {took:?}");
        seen.push(fp);
    };
    store.insert_all(&contract::fixture()).expect("import");
    step("an import", &mut seen);
    // `mlgov demo` starts the change sets again at 1: still a new fingerprint.
    store.replace_all(&contract::fixture()).expect("demo");
    step("a replacement of the base", &mut seen);
    store.replace_all(&contract::fixture()).expect("demo again");
    step("another replacement with the same content", &mut seen);
    store.put_survey(&contract::survey_fixture("wave", "respondent\nr1\n")).expect("survey");
    step("a survey import", &mut seen);
    store
        .put_survey(&contract::survey_fixture("wave", "respondent\nr1\nr2\n"))
        .expect("survey again");
    step("a survey re-import", &mut seen);
    let release = StoredRelease {
        survey: "wave".into(),
        number: 1,
        survey_version: 2,
        created_at: "2026-12-06T10:00:00Z".into(),
        created_by: "ann".into(),
        min_cell: 5,
        content: "{}".into(),
        cell_members: "{}".into(),
    };
    store.put_release(&release).expect("release");
    step("a release", &mut seen);
    assert!(store.delete_survey("wave").expect("delete"));
    step("a survey deletion", &mut seen);
    assert_eq!(seen.last(), Some(&fingerprint_at(&schema.url()).expect("fingerprint")));
    listener.stop();
}

#[test]
fn a_listener_reconnects_after_the_server_ends_its_connection() {
    let Some(base) = server_url("a_listener_reconnects_after_the_server_ends_its_connection")
    else {
        return;
    };
    let schema = TestSchema::new(&base, "relisten");
    let mut store = PgStore::connect(&schema.url()).expect("connect");
    let (listener, rx) = listen(&schema);
    woken(&rx, "connecting");
    // Ends every connection of the schema (the store's and the listener's), as a restart does.
    assert!(schema.terminate_connections() >= 1);
    let (_, took) = woken(&rx, "the connection was ended");
    assert!(took < Duration::from_secs(5), "reconnected after {took:?}");
    // Listening again: a write through a new connection is announced.
    drop(store);
    store = PgStore::connect(&schema.url()).expect("reconnect the store");
    store.insert_all(&contract::fixture()).expect("import");
    let (fp, _) = woken(&rx, "an import after the reconnection");
    assert_eq!(fp, fingerprint_at(&schema.url()).expect("fingerprint"));
    listener.stop();
}

#[test]
fn the_poll_sees_a_change_made_without_a_notification() {
    let Some(base) = server_url("the_poll_sees_a_change_made_without_a_notification") else {
        return;
    };
    let schema = TestSchema::new(&base, "poll");
    drop(PgStore::connect(&schema.url()).expect("create the tables"));
    let (tx, rx) = mpsc::channel();
    let options =
        ListenerOptions { poll: Duration::from_millis(500), ..ListenerOptions::default() };
    let listener = Listener::spawn(&schema.url(), options, move |fp| {
        let _ = tx.send(fp.to_string());
    })
    .expect("spawn the listener");
    let first = woken(&rx, "connecting").0;
    // An operator's (or an older build's) change set, without NOTIFY.
    schema.admin().batch_execute("INSERT INTO change_sets (id, recorded_at, recorded_by, kind) VALUES (1, '2026-12-06T10:00:00Z', 'psql', 'import')").expect("insert");
    let t = Instant::now();
    let changed = loop {
        let fp = next(&rx, Duration::from_secs(5)).expect("the poll hands fingerprints over");
        if fp != first {
            break fp;
        }
        assert!(t.elapsed() < Duration::from_secs(5), "the poll did not see the change");
    };
    assert_eq!(changed, fingerprint_at(&schema.url()).expect("fingerprint"));
    listener.stop();
}
