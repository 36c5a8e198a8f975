//! Fault injection on SQLite: SIGKILL `mlgov import` in the middle of writing a large import,
//! SIGKILL `mlgov serve` while it serves reads (and while an import commits under it), and the
//! survey submission (when the collection routes are mounted). After every kill the store must
//! open, pass the integrity checks, and hold either the state before or the whole import.

use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
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

/// Runs `mlgov import` on `db`; when `kill_after` is given, SIGKILLs it that long after it began
/// writing (the WAL file first grows). Returns (write start, end or kill, exit code or None when
/// killed, whether the kill happened while it was still running).
fn import(db: &Path, kb: &Path, kill_after: Option<Duration>) -> (Duration, Duration, Option<i32>) {
    let t0 = Instant::now();
    let mut child = Command::new(mlgov_bin()).arg("--db").arg(db).args(["--json", "import"]).arg(kb)
        .stdin(Stdio::null()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn import");
    let deadline = t0 + Duration::from_secs(300);
    let mut write_start = None;
    loop {
        if let Ok(Some(st)) = child.try_wait() {
            return (write_start.unwrap_or(t0.elapsed()), t0.elapsed(), Some(st.code().unwrap_or(-1)));
        }
        let now = t0.elapsed();
        if write_start.is_none() && wal_len(db).is_some_and(|n| n > 0) {
            write_start = Some(now);
        }
        if let (Some(ws), Some(k)) = (write_start, kill_after) {
            if now >= ws + k {
                child.kill().expect("SIGKILL import");
                let _ = child.wait();
                return (ws, now, None);
            }
        }
        assert!(Instant::now() < deadline, "import did not finish within 300 s");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// 2a. SIGKILL `mlgov import` of 200,000 memberships at several moments of its write phase
/// (15 %, 50 %, 90 % of the measured write time): the store opens, the integrity checks
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
    let (ws, end, code) = import(&full_db, &kb, None);
    assert_eq!(code, Some(0), "the reference import failed");
    let after = checked_counts(&full_db);
    assert_eq!(total(&after), total(&before) + ROWS + 1000 + ROWS.div_ceil(1000) + 1, "full import counts");
    let write = end.saturating_sub(ws).max(Duration::from_millis(200));
    eprintln!("import of {ROWS} memberships: {:.1} s, writing from {:.1} s ({:.1} s)", end.as_secs_f64(), ws.as_secs_f64(), write.as_secs_f64());

    let mut outcomes = Vec::new();
    for (i, frac) in [0.15, 0.5, 0.9].into_iter().enumerate() {
        let db = dir.path().join(format!("kill{i}.db"));
        copy_db(&pristine, &db);
        let (_, at, code) = import(&db, &kb, Some(write.mul_f64(frac)));
        let wal = wal_len(&db).unwrap_or(0);
        sqlite_integrity(&db);
        let counts = checked_counts(&db);
        let state = if counts == before { "before" } else if counts == after { "after" } else { "PARTIAL" };
        eprintln!("kill at {:.0} % of the write phase ({:.2} s; exit {code:?}; WAL {wal} bytes): {state}", frac * 100.0, at.as_secs_f64());
        assert!(state != "PARTIAL", "partial import visible after a kill at {frac}: {counts:?}");
        if state == "before" {
            // The killed store takes the next import normally.
            let small = dir.path().join(format!("small{i}"));
            generate_kb(&small, 100, &format!("retry{i}"));
            let (code, _, err) = mlgov(db.to_str().expect("utf-8"), &["--json", "import", small.to_str().expect("utf-8")], Duration::from_secs(120));
            assert_eq!(code, 0, "import into a store whose import was killed: {err}");
            assert_eq!(total(&checked_counts(&db)), total(&before) + 100 + 100 + 1 + 1);
        }
        outcomes.push(state);
        let _ = std::fs::remove_file(&db);
    }
    assert!(outcomes.contains(&"before"), "no kill landed before the commit: {outcomes:?} (is the write phase measured?)");
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
    let mut s = serve(&db);
    let addr = s.addr;
    let stop = Arc::new(AtomicBool::new(false));
    let ok = Arc::new(AtomicUsize::new(0));
    let bad = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut readers = Vec::new();
    for t in 0..4 {
        let (stop, ok, bad) = (stop.clone(), ok.clone(), bad.clone());
        readers.push(std::thread::spawn(move || {
            let urls = ["/api/v1", "/api/v1/localities?per_page=20", "/api/v1/memberships?per_page=50", "/localities", "/api/v1/typology"];
            let mut i = t;
            while !stop.load(Ordering::Relaxed) {
                let url = urls[i % urls.len()];
                i += 1;
                match request(addr, "GET", url, &[], b"", Duration::from_secs(10)) {
                    Ok(r) if r.status < 500 => { ok.fetch_add(1, Ordering::Relaxed); }
                    Ok(r) => bad.lock().expect("lock").push(format!("{url}: {}", r.status)),
                    Err(_) => {} // connection refused/reset once the server is killed
                }
            }
        }));
    }
    // Commit an import while the server is reading.
    let (code, _, err) = mlgov(db.to_str().expect("utf-8"), &["--json", "import", kb.to_str().expect("utf-8")], Duration::from_secs(180));
    assert_eq!(code, 0, "import under a running server: {err}");
    let committed = checked_counts(&db);
    assert_eq!(total(&committed), total(&before) + 20_000 + 1000 + 20 + 1);
    // Wait until the server picked it up (file watcher, every 2 s), still under load.
    let deadline = Instant::now() + Duration::from_secs(30);
    let seen = loop {
        let v = s.get("/api/v1").ok().and_then(|r| r.json());
        if v.as_ref().is_some_and(|v| v["counts"]["memberships"].as_u64() == Some(80 + 20_000)) { break true }
        if Instant::now() > deadline { break false }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(seen, "the server did not reload the committed import within 30 s");
    std::thread::sleep(Duration::from_millis(500));
    s.kill();
    stop.store(true, Ordering::Relaxed);
    for r in readers { r.join().expect("reader"); }
    assert!(bad.lock().expect("lock").is_empty(), "5xx before the kill: {:?}", bad.lock().expect("lock"));
    assert!(ok.load(Ordering::Relaxed) > 20, "too few reads served before the kill: {}", ok.load(Ordering::Relaxed));

    // Restart on the same file.
    sqlite_integrity(&db);
    assert_eq!(checked_counts(&db), committed, "committed data lost by the kill");
    let s2 = serve(&db);
    let v = s2.get("/api/v1").expect("overview").json().expect("JSON");
    assert_eq!(v["counts"]["memberships"].as_u64(), Some(80 + 20_000), "restarted server: {v}");
    let m = s2.get("/api/v1/memberships?network=net:served-0007&per_page=100").expect("memberships");
    assert_eq!(m.status, 200, "{}", m.text());
    assert_eq!(m.json().expect("JSON")["meta"]["total"].as_u64(), Some(20), "memberships of one generated network");
    for url in ["/", "/localities", "/api/v1/localities?per_page=5", "/api/v1/typology"] {
        assert_eq!(s2.get(url).expect(url).status, 200, "{url} after restart");
    }
    eprintln!("serve kill: {} reads served before the SIGKILL; restart serves the committed import", ok.load(Ordering::Relaxed));
}

/// 2c. SIGKILL during a survey submission (`POST /respond/<token>`). Runs only when the survey
/// collection routes are mounted in `mlgov serve`; otherwise prints that it is left.
#[test]
fn sigkill_during_a_survey_submission_is_all_or_nothing_when_mounted() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = demo_db(dir.path(), "survey.db");
    let s = serve(&db);
    let doc = s.get("/api/openapi.json").expect("openapi").json().expect("JSON");
    let mounted = doc["paths"].as_object().is_some_and(|p| p.keys().any(|k| k.starts_with("/respond") || k.starts_with("/api/v1/surveys")));
    let probe = s.get("/respond/not-a-token").expect("probe");
    let page_404 = probe.status == 404 && probe.text().contains("<html");
    if !mounted && (page_404 || probe.status == 404) {
        eprintln!("NOTICE: survey collection (/respond/<token>) is not mounted in `mlgov serve` yet: the SIGKILL-during-submission test is left (see docs/security.md, Fault tests)");
        return;
    }
    // When mounted, the submission is one SQLite transaction in the auth store; the test of that
    // path is to be written against the merged routes (left: see docs/security.md).
    eprintln!("NOTICE: survey collection routes are mounted (status {} for an unknown token); the kill test for submissions is not written yet", probe.status);
    assert!(probe.status < 500, "unknown invitation token gives {}", probe.status);
}
