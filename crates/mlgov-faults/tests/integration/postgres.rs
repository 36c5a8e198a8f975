//! PostgreSQL restarted mid-run (`$MLGOV_TEST_PG_CTL restart`, from scripts/pg-test.sh): clients
//! in flight get clean errors within a timeout — never a hang or a crash — and succeed again once
//! the database is back. Skipped with a notice when `MLGOV_TEST_PG_URL` is not set.

use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use mlgov_store_postgres::testing::TestSchema;

use super::common::*;

/// The PostgreSQL tests share one cluster and one of them restarts it: they take turns (the
/// tests here take the cluster whole; those that only use it, `two_servers`, share it).
static CLUSTER: RwLock<()> = RwLock::new(());

fn cluster_turn() -> std::sync::RwLockWriteGuard<'static, ()> {
    CLUSTER.write().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A share of the cluster for a test that does not restart it.
pub(super) fn cluster_shared() -> std::sync::RwLockReadGuard<'static, ()> {
    CLUSTER.read().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn restart_cluster(ctl: &str) -> (bool, Duration, String) {
    // pg_ctl's server inherits stdout/stderr: send them to a file, not to pipes we would wait on.
    let log = std::env::temp_dir().join(format!("mlgov-faults-pg-ctl-{}.log", std::process::id()));
    let file = std::fs::File::create(&log).expect("pg_ctl log");
    let t = Instant::now();
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("{ctl} -m fast -t 60 restart"))
        .stdin(std::process::Stdio::null())
        .stdout(file.try_clone().expect("log"))
        .stderr(file)
        .spawn()
        .expect("run pg_ctl");
    let code = wait_timeout(&mut child, Duration::from_secs(90));
    if code.is_none() {
        let _ = child.kill();
        let _ = child.wait();
    }
    let text = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    (code == Some(0), t.elapsed(), text)
}

/// What one client saw during the restart.
#[derive(Default, Debug)]
struct Tally {
    ok: usize,
    clean_errors: usize,
    samples: Vec<String>,
    problems: Vec<String>,
}

/// 2d. PostgreSQL restarted while `mlgov serve` (or, when serve cannot use PostgreSQL, the CLI)
/// works against it: every request finishes within its timeout with 200 or a clean error (5xx
/// with the JSON envelope / a non-zero exit with a message, no panic), and requests succeed again
/// afterwards.
#[test]
fn postgres_restart_gives_clean_errors_then_recovers() {
    let (Ok(url), Ok(ctl)) =
        (std::env::var("MLGOV_TEST_PG_URL"), std::env::var("MLGOV_TEST_PG_CTL"))
    else {
        eprintln!(
            "NOTICE: MLGOV_TEST_PG_URL/MLGOV_TEST_PG_CTL not set: PostgreSQL restart test skipped (run it inside scripts/pg-test.sh)"
        );
        return;
    };
    let _turn = cluster_turn();
    // A schema of our own, so the restart test does not disturb the shared `mlgov_test` database.
    let schema = TestSchema::new(&url, "faults");
    let url = schema.url();
    let (code, _, err) = mlgov(&url, &["--json", "demo"], Duration::from_secs(180));
    assert_eq!(code, 0, "mlgov demo into PostgreSQL failed: {err}");
    // Reloading is admin-only: an admin account and API token in the same PostgreSQL database
    // (which also puts the auth store through the restart: every request checks the token).
    let bearer = admin_bearer(&url);
    match Server::start(&url, Duration::from_secs(60)) {
        Ok(s) => through_the_server(s, &ctl, &bearer),
        Err(e) => {
            eprintln!(
                "NOTICE: `mlgov --db postgres://… serve` does not start ({}); testing the CLI against the restart instead",
                e.lines().next().unwrap_or("")
            );
            through_the_cli(&url, &ctl);
        }
    }
}

fn through_the_server(s: Server, ctl: &str, bearer: &str) {
    let addr = s.addr;
    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let mut clients = Vec::new();
    for t in 0..4 {
        let (stop, tally, bearer) = (stop.clone(), tally.clone(), bearer.to_string());
        clients.push(std::thread::spawn(move || {
            let reqs: [(&str, &str); 3] = [
                ("POST", "/api/v1/reload"),
                ("GET", "/api/v1/localities?per_page=5"),
                ("GET", "/api/v1"),
            ];
            let mut i = t;
            while !stop.load(Ordering::Relaxed) {
                let (m, p) = reqs[i % reqs.len()];
                i += 1;
                let t0 = Instant::now();
                let r = request(
                    addr,
                    m,
                    p,
                    &[("Authorization", &bearer)],
                    b"",
                    Duration::from_secs(30),
                );
                let took = t0.elapsed();
                let mut g = tally.lock().expect("lock");
                match r {
                    Ok(r) if r.status == 200 => g.ok += 1,
                    Ok(r) if r.status >= 500 && r.envelope_problem().is_none() => {
                        g.clean_errors += 1;
                        if g.samples.len() < 3 {
                            g.samples.push(format!(
                                "{m} {p}: {} {}",
                                r.status,
                                r.text().chars().take(200).collect::<String>()
                            ))
                        }
                    }
                    Ok(r) => g.problems.push(format!(
                        "{m} {p}: {} {}",
                        r.status,
                        r.text().chars().take(200).collect::<String>()
                    )),
                    Err(e) => g.problems.push(format!("{m} {p} after {took:?}: {e}")),
                }
                drop(g);
                std::thread::sleep(Duration::from_millis(20));
            }
        }));
    }
    std::thread::sleep(Duration::from_millis(500));
    let (restarted, took, err) = restart_cluster(ctl);
    assert!(restarted, "pg_ctl restart failed: {err}");
    std::thread::sleep(Duration::from_millis(500));
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().expect("client");
    }
    let mut s = s;
    assert!(s.alive(), "mlgov serve died during the PostgreSQL restart: {}", s.stderr());
    // Afterwards: reload and reads succeed (the pool may need a retry to reconnect).
    let deadline = Instant::now() + Duration::from_secs(30);
    let recovered = loop {
        let r = request(
            s.addr,
            "POST",
            "/api/v1/reload",
            &[("Authorization", bearer)],
            b"",
            Duration::from_secs(30),
        );
        if r.as_ref().is_ok_and(|r| r.status == 200) {
            break true;
        }
        if Instant::now() > deadline {
            break false;
        }
        std::thread::sleep(Duration::from_millis(500));
    };
    assert!(recovered, "POST /api/v1/reload does not succeed after the restart");
    assert_eq!(s.get("/api/v1").expect("overview").status, 200);
    let t = tally.lock().expect("lock");
    eprintln!(
        "PostgreSQL restart ({:.1} s) under mlgov serve: {} ok, {} clean 5xx, {} problems; errors seen: {:?}",
        took.as_secs_f64(),
        t.ok,
        t.clean_errors,
        t.problems.len(),
        t.samples
    );
    assert!(t.problems.is_empty(), "{:?}", t.problems);
}

fn through_the_cli(url: &str, ctl: &str) {
    let stop = Arc::new(AtomicBool::new(false));
    let tally = Arc::new(Mutex::new(Tally::default()));
    let mut clients = Vec::new();
    for t in 0..2 {
        let (stop, tally, url) = (stop.clone(), tally.clone(), url.to_string());
        clients.push(std::thread::spawn(move || {
            let cmds: [&[&str]; 2] = [&["--json", "list", "localities"], &["--json", "conflicts"]];
            let mut i = t;
            while !stop.load(Ordering::Relaxed) {
                let args = cmds[i % cmds.len()];
                i += 1;
                // `mlgov` panics inside `mlgov()` if it exceeds the timeout: that is a hang.
                let (code, out, err) = mlgov(&url, args, Duration::from_secs(60));
                let mut g = tally.lock().expect("lock");
                match code {
                    0 if serde_json::from_str::<serde_json::Value>(&out).is_ok() => g.ok += 1,
                    2 | 3 if !err.trim().is_empty() && !err.contains("panicked") => {
                        g.clean_errors += 1;
                        if g.samples.len() < 3 {
                            g.samples.push(format!(
                                "exit {code}: {}",
                                err.trim().chars().take(200).collect::<String>()
                            ))
                        }
                    }
                    _ => g.problems.push(format!(
                        "{args:?}: exit {code}: {}",
                        err.chars().take(300).collect::<String>()
                    )),
                }
            }
        }));
    }
    std::thread::sleep(Duration::from_millis(300));
    let (restarted, took, err) = restart_cluster(ctl);
    assert!(restarted, "pg_ctl restart failed: {err}");
    stop.store(true, Ordering::Relaxed);
    for c in clients {
        c.join().expect("client");
    }
    let (code, out, err) = mlgov(url, &["--json", "list", "localities"], Duration::from_secs(60));
    assert_eq!(code, 0, "mlgov against PostgreSQL after the restart: {err}");
    assert!(out.contains("loc:"), "localities after the restart");
    let t = tally.lock().expect("lock");
    eprintln!(
        "PostgreSQL restart ({:.1} s) under the CLI: {} ok, {} clean errors, {} problems; errors seen: {:?}",
        took.as_secs_f64(),
        t.ok,
        t.clean_errors,
        t.problems.len(),
        t.samples
    );
    assert!(t.ok > 0, "no command succeeded around the restart");
    assert!(t.problems.is_empty(), "{:?}", t.problems);
}

/// 2c on PostgreSQL: SIGKILL `mlgov serve --db postgres://…` while respondents save and submit
/// survey forms; the same checks as on SQLite, with the store's integrity check
/// (`Store::integrity_check`: foreign keys, schema) through `mlgov_store_postgres`.
#[test]
fn sigkill_during_survey_submissions_on_postgres() {
    let Ok(url) = std::env::var("MLGOV_TEST_PG_URL") else {
        eprintln!(
            "NOTICE: MLGOV_TEST_PG_URL not set: PostgreSQL survey kill test skipped (run it inside scripts/pg-test.sh)"
        );
        return;
    };
    let _turn = cluster_turn();
    let schema = TestSchema::new(&url, "faults_survey");
    let url = schema.url();
    let (code, _, err) = mlgov(&url, &["--json", "demo"], Duration::from_secs(180));
    assert_eq!(code, 0, "mlgov demo into PostgreSQL failed: {err}");
    super::faults::survey_kill_scenario(&url, &|| {
        let store = mlgov_store_postgres::open_any(&url, mlgov_store_postgres::OpenMode::Existing)
            .unwrap_or_else(|e| panic!("store does not open after the kill: {e}"));
        let problems = store.integrity_check().expect("integrity check runs");
        assert!(problems.is_empty(), "integrity check after the kill: {problems:?}");
    });
}
