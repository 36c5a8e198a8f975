//! Fault injection on SQLite: SIGKILL `mlgov import` in the middle of writing a large import,
//! SIGKILL `mlgov serve` while it serves reads (and while an import commits under it), and the
//! survey submission (when the collection routes are mounted). After every kill the store must
//! open, pass the integrity checks, and hold either the state before or the whole import.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use super::common::*;

/// Membership rows of the large import (≈ 15–25 s for a debug build on 2 cores, ≈ 3–5 s of it
/// writing).
const ROWS: usize = 200_000;

fn wal_len(db: &Path) -> Option<u64> {
    let mut p = db.as_os_str().to_owned();
    p.push("-wal");
    std::fs::metadata(std::path::PathBuf::from(p)).ok().map(|m| m.len())
}

fn copy_db(from: &Path, to: &Path) {
    std::fs::copy(from, to).expect("copy db");
}

/// What one import run did.
struct Run {
    /// When the WAL first grew (the write transaction began).
    write_start: Duration,
    /// When the WAL last grew (≈ the commit; afterwards SQLite checkpoints and closes).
    last_growth: Duration,
    /// When the process ended or was killed.
    end: Duration,
    /// Exit code, `None` when killed.
    code: Option<i32>,
    /// Largest WAL size seen (bytes).
    max_wal: u64,
}

/// Runs `mlgov import` on `db`; when `kill_at` is given, SIGKILLs it as soon as the WAL holds
/// that many bytes (a point inside the write transaction that does not depend on the speed).
fn import(db: &Path, kb: &Path, kill_at: Option<u64>) -> Run {
    let t0 = Instant::now();
    let mut child = Command::new(mlgov_bin())
        .arg("--db")
        .arg(db)
        .args(["--json", "import"])
        .arg(kb)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn import");
    let deadline = t0 + Duration::from_secs(300);
    let (mut write_start, mut last_growth, mut last_len) = (None, Duration::ZERO, 0u64);
    loop {
        if let Ok(Some(st)) = child.try_wait() {
            let end = t0.elapsed();
            return Run {
                write_start: write_start.unwrap_or(end),
                last_growth,
                end,
                code: Some(st.code().unwrap_or(-1)),
                max_wal: last_len,
            };
        }
        let now = t0.elapsed();
        let len = wal_len(db).unwrap_or(0);
        if len > last_len {
            last_len = len;
            last_growth = now;
            write_start.get_or_insert(now);
        }
        if let (Some(ws), Some(k)) = (write_start, kill_at)
            && len >= k
        {
            child.kill().expect("SIGKILL import");
            let _ = child.wait();
            return Run { write_start: ws, last_growth, end: now, code: None, max_wal: last_len };
        }
        assert!(Instant::now() < deadline, "import did not finish within 300 s");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// 2a. SIGKILL `mlgov import` of 200,000 memberships at several moments of its write phase
/// (when its WAL reaches 15 %, 50 %, 90 %, 99 % of the size a full import reaches): the store opens, the integrity checks
/// pass, and the counts are exactly the state before or exactly the full import — never a part.
#[test]
fn sigkill_during_a_large_import_leaves_before_or_after_never_a_part() {
    let dir = tempfile::tempdir().expect("temp dir");
    let kb = dir.path().join("big");
    generate_kb(&kb, ROWS, "fault");
    let pristine = demo_db(dir.path(), "pristine.db");
    let before = checked_counts(&pristine);

    // The full import, measured.
    let full_db = dir.path().join("full.db");
    copy_db(&pristine, &full_db);
    let run = import(&full_db, &kb, None);
    assert_eq!(run.code, Some(0), "the reference import failed");
    let after = checked_counts(&full_db);
    assert_eq!(
        total(&after),
        total(&before) + ROWS + 1000 + ROWS.div_ceil(1000) + 1,
        "full import counts"
    );
    // The transaction writes the WAL up to `max_wal` bytes, then commits and checkpoints.
    assert!(run.max_wal > 1 << 20, "the import wrote only {} bytes of WAL", run.max_wal);
    eprintln!(
        "import of {ROWS} memberships: {:.1} s; WAL grows from {:.1} s to {:.1} s, to {} bytes; exit at {:.1} s",
        run.end.as_secs_f64(),
        run.write_start.as_secs_f64(),
        run.last_growth.as_secs_f64(),
        run.max_wal,
        run.end.as_secs_f64()
    );

    let mut outcomes = Vec::new();
    let mut killed = 0;
    for (i, frac) in [0.15, 0.5, 0.9, 0.99].into_iter().enumerate() {
        let db = dir.path().join(format!("kill{i}.db"));
        copy_db(&pristine, &db);
        let r = import(&db, &kb, Some((run.max_wal as f64 * frac) as u64));
        let (at, code) = (r.end, r.code);
        killed += usize::from(code.is_none());
        let wal = wal_len(&db).unwrap_or(0);
        sqlite_integrity(&db);
        let counts = checked_counts(&db);
        let state = if counts == before {
            "before"
        } else if counts == after {
            "after"
        } else {
            "PARTIAL"
        };
        eprintln!(
            "kill at {:.0} % of the WAL size of a full import ({:.2} s; exit {code:?}; WAL {wal} bytes): {state}",
            frac * 100.0,
            at.as_secs_f64()
        );
        assert!(state != "PARTIAL", "partial import visible after a kill at {frac}: {counts:?}");
        if state == "before" {
            // The killed store takes the next import normally.
            let small = dir.path().join(format!("small{i}"));
            generate_kb(&small, 100, &format!("retry{i}"));
            let (code, _, err) = mlgov(
                db.to_str().expect("utf-8"),
                &["--json", "import", small.to_str().expect("utf-8")],
                Duration::from_secs(120),
            );
            assert_eq!(code, 0, "import into a store whose import was killed: {err}");
            assert_eq!(total(&checked_counts(&db)), total(&before) + 100 + 100 + 1 + 1);
        }
        outcomes.push(state);
        let _ = std::fs::remove_file(&db);
    }
    assert!(
        outcomes.contains(&"before"),
        "no kill landed before the commit: {outcomes:?} (is the write phase measured?)"
    );
    assert!(killed >= 3, "only {killed} of 4 imports were still running when the kill came");
}

/// 2b. SIGKILL `mlgov serve` while four clients read and an import commits underneath it, then
/// restart it on the same database: the committed import is there (through the store and the
/// API), integrity holds, and the new server answers every read.
#[test]
fn sigkill_of_a_serving_server_loses_no_committed_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = demo_db(dir.path(), "serve.db");
    let kb = dir.path().join("small");
    generate_kb(&kb, 20_000, "served");
    let before = checked_counts(&db);
    let bundled_memberships = before
        .iter()
        .find(|(t, _)| *t == "memberships")
        .map(|c| c.1 as u64)
        .expect("memberships counted");
    let mut s = serve(&db);
    let addr = s.addr;
    let stop = Arc::new(AtomicBool::new(false));
    let ok = Arc::new(AtomicUsize::new(0));
    let bad = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut readers = Vec::new();
    for t in 0..4 {
        let (stop, ok, bad) = (stop.clone(), ok.clone(), bad.clone());
        readers.push(std::thread::spawn(move || {
            let urls = [
                "/api/v1",
                "/api/v1/localities?per_page=20",
                "/api/v1/memberships?per_page=50",
                "/localities",
                "/api/v1/typology",
            ];
            let mut i = t;
            while !stop.load(Ordering::Relaxed) {
                let url = urls[i % urls.len()];
                i += 1;
                match request(addr, "GET", url, &[], b"", Duration::from_secs(10)) {
                    Ok(r) if r.status < 500 => {
                        ok.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok(r) => bad.lock().expect("lock").push(format!("{url}: {}", r.status)),
                    Err(_) => {} // connection refused/reset once the server is killed
                }
            }
        }));
    }
    // Commit an import while the server is reading.
    let (code, _, err) = mlgov(
        db.to_str().expect("utf-8"),
        &["--json", "import", kb.to_str().expect("utf-8")],
        Duration::from_secs(180),
    );
    assert_eq!(code, 0, "import under a running server: {err}");
    let committed = checked_counts(&db);
    assert_eq!(total(&committed), total(&before) + 20_000 + 1000 + 20 + 1);
    // Wait until the server picked it up (file watcher, every 2 s), still under load.
    let deadline = Instant::now() + Duration::from_secs(30);
    let seen = loop {
        let v = s.get("/api/v1").ok().and_then(|r| r.json());
        if v.as_ref().is_some_and(|v| {
            v["counts"]["memberships"].as_u64() == Some(bundled_memberships + 20_000)
        }) {
            break true;
        }
        if Instant::now() > deadline {
            break false;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(seen, "the server did not reload the committed import within 30 s");
    std::thread::sleep(Duration::from_millis(500));
    s.kill();
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        r.join().expect("reader");
    }
    assert!(
        bad.lock().expect("lock").is_empty(),
        "5xx before the kill: {:?}",
        bad.lock().expect("lock")
    );
    assert!(
        ok.load(Ordering::Relaxed) > 20,
        "too few reads served before the kill: {}",
        ok.load(Ordering::Relaxed)
    );

    // Restart on the same file.
    sqlite_integrity(&db);
    assert_eq!(checked_counts(&db), committed, "committed data lost by the kill");
    let s2 = serve(&db);
    let v = s2.get("/api/v1").expect("overview").json().expect("JSON");
    assert_eq!(
        v["counts"]["memberships"].as_u64(),
        Some(bundled_memberships + 20_000),
        "restarted server: {v}"
    );
    let m =
        s2.get("/api/v1/memberships?network=net:served-0007&per_page=100").expect("memberships");
    assert_eq!(m.status, 200, "{}", m.text());
    assert_eq!(
        m.json().expect("JSON")["meta"]["total"].as_u64(),
        Some(20),
        "memberships of one generated network"
    );
    for url in ["/", "/localities", "/api/v1/localities?per_page=5", "/api/v1/typology"] {
        assert_eq!(s2.get(url).expect(url).status, 200, "{url} after restart");
    }
    eprintln!(
        "serve kill: {} reads served before the SIGKILL; restart serves the committed import",
        ok.load(Ordering::Relaxed)
    );
}

/// Stored answers of one respondent as `(item, period, value)`, sorted.
type Answers = Vec<(String, String, String)>;

/// What a client knows about one invitation when the server is killed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Outcome {
    /// Not touched.
    Untouched,
    /// The draft save was acknowledged (303).
    Saved,
    /// The submission was acknowledged (200 "Thank you").
    Submitted,
    /// A request was in flight when the server died: no answer.
    InFlight,
}

/// The draft (2 answers) and the submission (5 answers) of respondent `i` (a nature needs a
/// frequency above 0).
fn draft(i: usize) -> String {
    format!("freq_p1_trade_unions={}&nature_p1_trade_unions={}&action=save", i % 5 + 1, i % 5 + 1)
}
fn submission(i: usize) -> String {
    format!(
        "freq_p1_trade_unions={}&nature_p1_trade_unions={}&freq_p1_employers={}&freq_p2_regional_government={}&role=local_official&action=submit",
        i % 5 + 1,
        i % 5 + 1,
        (i + 1) % 6,
        (i + 2) % 6
    )
}

/// 2c. SIGKILL `mlgov serve` while respondents save and submit survey forms
/// (`POST /respond/<token>`, four clients), restart it on the same database: every
/// acknowledged submission is there with all its answers; every other response is wholly
/// absent, the acknowledged draft, or wholly submitted — never a part; integrity holds; the
/// progress counts agree with the answers; an unfinished link still works and a submitted one
/// is gone (410).
#[test]
fn sigkill_during_survey_submissions_loses_no_acknowledged_answer() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = demo_db(dir.path(), "survey.db");
    survey_kill_scenario(db.to_str().expect("utf-8"), &|| {
        sqlite_integrity(&db);
        checked_counts(&db);
    });
}

/// The scenario of [`sigkill_during_survey_submissions_loses_no_acknowledged_answer`] on the
/// demo database `db` (a SQLite file or a PostgreSQL URL); `integrity` checks the store after
/// the kill, before the restart.
pub fn survey_kill_scenario(db: &str, integrity: &dyn Fn()) {
    let bearer = admin_bearer(db);
    let auth: &[(&str, &str)] = &[("Authorization", &bearer), ("Content-Type", "application/json")];
    let mut s = Server::start(db, Duration::from_secs(60)).unwrap_or_else(|e| panic!("{e}"));
    let r = request(
        s.addr,
        "POST",
        "/api/v1/surveys",
        auth,
        br#"{"name":"kill","instrument":"whole-comm-interactions","project":"p1"}"#,
        Duration::from_secs(20),
    )
    .expect("create survey");
    assert_eq!(r.status, 201, "{}", r.text());
    let r = request(
        s.addr,
        "POST",
        "/api/v1/surveys/kill/invitations",
        auth,
        br#"{"count":1000}"#,
        Duration::from_secs(60),
    )
    .expect("invite");
    assert_eq!(r.status, 201, "{}", r.text());
    let links: Vec<String> = r.json().expect("JSON")["links"]
        .as_array()
        .expect("links")
        .iter()
        .map(|l| l.as_str().expect("link").to_string())
        .collect();
    assert_eq!(links.len(), 1000);

    let outcomes = Arc::new(std::sync::Mutex::new(vec![Outcome::Untouched; links.len()]));
    let next = Arc::new(AtomicUsize::new(0));
    let submitted = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let problems = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let links = Arc::new(links);
    let addr = s.addr;
    let form: &'static [(&str, &str)] = &[("Content-Type", "application/x-www-form-urlencoded")];
    let mut clients = Vec::new();
    for _ in 0..4 {
        let (outcomes, next, submitted, stop, problems, links) = (
            outcomes.clone(),
            next.clone(),
            submitted.clone(),
            stop.clone(),
            problems.clone(),
            links.clone(),
        );
        clients.push(std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(link) = links.get(i) else { break };
                for (body, done, expected) in
                    [(draft(i), Outcome::Saved, 303), (submission(i), Outcome::Submitted, 200)]
                {
                    outcomes.lock().expect("lock")[i] = Outcome::InFlight;
                    match request(
                        addr,
                        "POST",
                        link,
                        form,
                        body.as_bytes(),
                        Duration::from_secs(20),
                    ) {
                        Ok(r) if r.status == expected => {
                            outcomes.lock().expect("lock")[i] = done;
                            if done == Outcome::Submitted {
                                submitted.fetch_add(1, Ordering::Relaxed);
                            }
                        }
                        Ok(r) => {
                            problems.lock().expect("lock").push(format!(
                                "{link}: {} {}",
                                r.status,
                                r.text().chars().take(300).collect::<String>()
                            ));
                            return;
                        }
                        // The server died under this request: its outcome is unknown.
                        Err(_) => return,
                    }
                }
            }
        }));
    }
    // Kill once a good number of submissions landed, while the clients keep posting.
    let deadline = Instant::now() + Duration::from_secs(120);
    while submitted.load(Ordering::Relaxed) < 150
        && Instant::now() < deadline
        && problems.lock().expect("lock").is_empty()
    {
        std::thread::sleep(Duration::from_millis(5));
    }
    s.kill();
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().expect("client");
    }
    assert!(
        problems.lock().expect("lock").is_empty(),
        "unexpected answers before the kill: {:?}",
        problems.lock().expect("lock")
    );
    let outcomes = outcomes.lock().expect("lock").clone();
    let count = |o: Outcome| outcomes.iter().filter(|&&x| x == o).count();
    let acked = count(Outcome::Submitted);
    assert!(acked >= 150, "only {acked} submissions were acknowledged before the kill");
    let in_flight = count(Outcome::InFlight);
    assert!(
        in_flight >= 1,
        "no request was in flight when the server was killed: the kill did not land during submissions"
    );

    // The database as the kill left it.
    integrity();
    let s2 = Server::start(db, Duration::from_secs(60)).unwrap_or_else(|e| panic!("{e}"));
    let r =
        request(s2.addr, "GET", "/api/v1/surveys/kill/answers", auth, b"", Duration::from_secs(30))
            .expect("raw answers");
    assert_eq!(r.status, 200, "{}", r.text());
    let raw = r.json().expect("JSON");
    let rows = raw["answers"]
        .as_array()
        .or_else(|| raw.as_array())
        .unwrap_or_else(|| panic!("no answers array in {raw}"));
    // Invitations of the first survey of a fresh database are numbered 1, 2, … in the order
    // their links were returned; the answer values below (which depend on the index) check it.
    let link_of_respondent =
        |id: i64| -> usize { usize::try_from(id - 1).expect("respondent id ≥ 1") };
    let mut by_link: std::collections::BTreeMap<usize, (bool, Answers)> = Default::default();
    for a in rows {
        let i = link_of_respondent(a["respondent"].as_i64().expect("respondent"));
        let e = by_link.entry(i).or_default();
        e.0 = a["submitted"].as_bool().expect("submitted");
        e.1.push((
            a["item"].as_str().expect("item").into(),
            a["period"].as_str().expect("period").into(),
            a["value"].as_str().expect("value").into(),
        ));
    }
    let expected_draft = |i: usize| -> Answers {
        let mut v = vec![
            ("freq_trade_unions".into(), "p1".into(), (i % 5 + 1).to_string()),
            ("nature_trade_unions".into(), "p1".into(), (i % 5 + 1).to_string()),
        ];
        v.sort();
        v
    };
    let expected_submission = |i: usize| -> Answers {
        let mut v: Answers = vec![
            ("freq_trade_unions".into(), "p1".into(), (i % 5 + 1).to_string()),
            ("nature_trade_unions".into(), "p1".into(), (i % 5 + 1).to_string()),
            ("freq_employers".into(), "p1".into(), ((i + 1) % 6).to_string()),
            ("freq_regional_government".into(), "p2".into(), ((i + 2) % 6).to_string()),
            ("role".into(), String::new(), "local_official".into()),
        ];
        v.sort();
        v
    };
    let mut states = [0usize; 3]; // absent, draft, submitted
    for (i, o) in outcomes.iter().enumerate() {
        let got = by_link.get(&i).map(|(sub, answers)| {
            let mut a = answers.clone();
            a.sort();
            (*sub, a)
        });
        match (o, got) {
            (_, None) => {
                assert!(
                    matches!(o, Outcome::Untouched | Outcome::InFlight),
                    "respondent {i}: acknowledged {o:?} but nothing stored"
                );
                states[0] += 1;
            }
            (_, Some((false, a))) => {
                assert!(
                    matches!(o, Outcome::Saved | Outcome::InFlight),
                    "respondent {i}: {o:?} but only a draft is stored"
                );
                assert_eq!(
                    a,
                    expected_draft(i),
                    "respondent {i}: the stored draft is not the acknowledged one"
                );
                states[1] += 1;
            }
            (_, Some((true, a))) => {
                assert!(
                    matches!(o, Outcome::Submitted | Outcome::InFlight),
                    "respondent {i}: {o:?} but stored as submitted"
                );
                assert_eq!(
                    a,
                    expected_submission(i),
                    "respondent {i}: the stored submission is not whole"
                );
                states[2] += 1;
            }
        }
    }
    let r = request(s2.addr, "GET", "/api/v1/surveys/kill", auth, b"", Duration::from_secs(30))
        .expect("progress");
    let p = &r.json().expect("JSON")["progress"];
    assert_eq!(p["invited"].as_u64(), Some(1000));
    assert_eq!(
        p["submitted"].as_u64(),
        Some(states[2] as u64),
        "progress disagrees with the stored answers: {p}"
    );
    assert_eq!(
        p["started"].as_u64(),
        Some(states[1] as u64),
        "progress disagrees with the stored answers: {p}"
    );
    // Service continues: a submitted link is gone, an untouched one takes a submission.
    let done = outcomes.iter().position(|&o| o == Outcome::Submitted).expect("a submitted link");
    let again = request(
        s2.addr,
        "POST",
        &links[done],
        form,
        submission(done).as_bytes(),
        Duration::from_secs(20),
    )
    .expect("resubmit");
    assert_eq!(again.status, 410, "a submitted link must stay used after the restart");
    let fresh = outcomes.iter().rposition(|&o| o == Outcome::Untouched).expect("an untouched link");
    let r = request(
        s2.addr,
        "POST",
        &links[fresh],
        form,
        submission(fresh).as_bytes(),
        Duration::from_secs(20),
    )
    .expect("submit after restart");
    assert_eq!(r.status, 200, "{}", r.text());
    eprintln!(
        "survey kill: {acked} submissions acknowledged, {in_flight} requests in flight at the SIGKILL; after restart {} absent, {} drafts, {} submitted (all whole)",
        states[0], states[1], states[2]
    );
}
