//! Files that hold secrets or raw survey answers are readable by their owner only (issue 21): under
//! the usual umask 022, a new database and the `-wal` and `-shm` files SQLite keeps beside it
//! while it is open are 0600, whichever command creates it (`serve`, `demo`, `user add`); exports
//! of raw answers (`survey export`, `survey synth --out`) are 0600, and a report's folder is 0700
//! with its per-respondent indexes 0600. An existing file keeps its mode, with a warning when
//! every user of the machine can read it. (Unix only: modes mean nothing elsewhere.)

#![cfg(unix)]

use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::common::{Env, Output, run, synth_args};

/// `mlgov <args> --db <db>` started by `sh` under `umask 022` (the `exec` keeps its process id).
fn under_umask(env: &Env, db: &Path, args: &[&str]) -> Command {
    let mut c = Command::new("sh");
    c.arg("-c")
        .arg("umask 022 && exec \"$0\" \"$@\"")
        .arg(Env::bin())
        .args(args)
        .arg("--db")
        .arg(db);
    c.current_dir(env.root()).env_remove("MLGOV_DB").stdin(Stdio::null());
    c
}

fn mlgov_022(env: &Env, args: &[&str]) -> Output {
    let out = run(under_umask(env, &env.db, args));
    assert_eq!(out.0, 0, "mlgov {args:?}: {}", out.2);
    out
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())).permissions().mode()
        & 0o777
}

fn companion(db: &Path, suffix: &str) -> std::path::PathBuf {
    let mut p = db.as_os_str().to_os_string();
    p.push(suffix);
    p.into()
}

#[test]
fn a_new_database_and_its_wal_files_are_private_under_umask_022() {
    let env = Env::new();
    // The umask is the usual one: a file created the ordinary way is 0644.
    let shell = run({
        let mut c = Command::new("sh");
        c.arg("-c").arg("umask 022 && : > plain.txt").current_dir(env.root());
        c
    });
    assert_eq!(shell.0, 0);
    assert_eq!(mode(&env.path("plain.txt")), 0o644);

    // `mlgov serve` on a missing file creates it with the bundled base and keeps it open (WAL):
    // the database, its -wal and its -shm are 0600 while it runs.
    let mut server = under_umask(&env, &env.db, &["serve", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starting mlgov serve");
    let mut line = String::new();
    BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("reading the address");
    // The accounts' store opens right after the address is printed, and keeps its connection.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !(companion(&env.db, "-wal").exists() && companion(&env.db, "-shm").exists())
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let modes: Vec<(String, Option<u32>)> = ["", "-wal", "-shm"]
        .iter()
        .map(|s| {
            (
                s.to_string(),
                std::fs::metadata(companion(&env.db, s))
                    .ok()
                    .map(|m| m.permissions().mode() & 0o777),
            )
        })
        .collect();
    let _ = server.kill();
    let _ = server.wait();
    assert!(line.contains("listening on http://127.0.0.1:"), "{line}");
    assert_eq!(
        modes,
        [("".to_string(), Some(0o600)), ("-wal".into(), Some(0o600)), ("-shm".into(), Some(0o600))],
        "mlgov.db, -wal, -shm while serving"
    );

    // The other commands that create a database.
    for (name, args) in [
        ("demo.db", &["demo"][..]),
        ("init.db", &["init"][..]),
        ("users.db", &["user", "add", "ana", "--role", "viewer"][..]),
        ("synth.db", &["survey", "synth", "--respondents", "20"][..]),
    ] {
        let db = env.path(name);
        let out = run(under_umask(&env, &db, args));
        assert_eq!(out.0, 0, "{args:?}: {}", out.2);
        assert_eq!(mode(&db), 0o600, "{name} made by mlgov {args:?}");
        assert!(!out.2.contains("warning"), "{args:?}: {}", out.2);
        for s in ["-wal", "-shm"] {
            if let Ok(m) = std::fs::metadata(companion(&db, s)) {
                assert_eq!(m.permissions().mode() & 0o777, 0o600, "{name}{s}");
            }
        }
    }
}

#[test]
fn raw_answer_exports_are_private_and_an_existing_file_keeps_its_mode_with_a_warning() {
    let env = Env::new();
    mlgov_022(&env, &synth_args("40", "s", &["--localities", "4", "--out", "synth.csv"]));
    assert_eq!(mode(&env.path("synth.csv")), 0o600, "survey synth --out");
    for out in ["s.csv", "s.parquet", "s.xlsx"] {
        mlgov_022(&env, &["survey", "export", "s", "-o", out]);
        assert_eq!(mode(&env.path(out)), 0o600, "survey export -o {out}");
    }
    assert_eq!(
        mode(&env.path("s.csv.localities.csv")),
        0o600,
        "the localities exported beside the answers"
    );
    let long = env.path("long.csv");
    mlgov_022(&env, &["survey", "export", "s", "-o", "long.csv", "--layout", "long"]);
    assert_eq!(mode(&long), 0o600);

    // A report: its folder is private (it holds every respondent's indexes), and so is that file.
    mlgov_022(&env, &["survey", "report", "s", "--out", "reports/s", "--resamples", "20"]);
    assert_eq!((mode(&env.path("reports")), mode(&env.path("reports/s"))), (0o700, 0o700));
    assert_eq!(mode(&env.path("reports/s/respondent_indexes.csv")), 0o600);

    // Exporting over a file that exists keeps its mode (it may be so on purpose) and says so.
    let old = env.write("old.csv", "x");
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
    let (_, _, err) = mlgov_022(&env, &["survey", "export", "s", "-o", "old.csv"]);
    assert_eq!(mode(&old), 0o644);
    assert!(err.contains("warning: ") && err.contains("old.csv existed with mode 0644"), "{err}");
    assert!(
        std::fs::read_to_string(&old).unwrap().starts_with("respondent,"),
        "written all the same"
    );
}

#[test]
fn an_existing_world_readable_database_is_left_as_it_is_with_a_warning() {
    let env = Env::new();
    mlgov_022(&env, &["demo"]);
    let (_, _, err) = mlgov_022(&env, &["list", "networks"]);
    assert!(!err.contains("warning"), "a private database: {err}");
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o644)).unwrap();
    for args in [&["list", "networks"][..], &["user", "list"][..]] {
        let (_, _, err) = mlgov_022(&env, args);
        assert_eq!(
            err.matches("warning: every user of this machine can read").count(),
            1,
            "{args:?}: once per run: {err}"
        );
        assert!(err.contains("mlgov.db (mode 0644)") && err.contains("chmod 600 "), "{err}");
        assert_eq!(mode(&env.db), 0o644, "{args:?} left the mode alone");
    }
    // Shared with a group on purpose: no warning.
    std::fs::set_permissions(&env.db, std::fs::Permissions::from_mode(0o640)).unwrap();
    let (_, _, err) = mlgov_022(&env, &["list", "networks"]);
    assert!(!err.contains("warning"), "{err}");
}
