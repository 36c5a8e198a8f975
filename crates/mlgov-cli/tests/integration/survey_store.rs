//! Surveys live in the database: `survey synth|import|list|delete|analyze` on SQLite and on
//! PostgreSQL, no files beside the database, a legacy `<db>.surveys/` folder moved in on first
//! use, and a re-import killed with SIGKILL at many moments leaving the old or the new version.

use std::path::Path;
use std::time::{Duration, Instant};

use mlgov_store_postgres::testing::{TestSchema, server_url};
use serde_json::Value;

use crate::common::{Env, parse_json, run, synth_args};

fn sidecar(env: &Env) -> std::path::PathBuf {
    env.path("mlgov.db.surveys")
}

fn respondents(list: &Value, name: &str) -> Option<i64> {
    list.as_array()?.iter().find(|s| s["name"] == name)?["respondents"].as_i64()
}

#[test]
fn surveys_live_in_the_database_and_nothing_beside_it() {
    let env = Env::new();
    env.demo();
    let out = env.path("s.csv");
    let v = env.json(&[
        "survey",
        "synth",
        "--respondents",
        "60",
        "--seed",
        "3",
        "--name",
        "s",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(v["stored"].as_str().unwrap().contains("version 1"), "{v}");
    let v = env.json(&["survey", "import", out.to_str().unwrap(), "--name", "again"]);
    assert_eq!(v["respondents"], 60);
    assert!(!sidecar(&env).exists(), "no <db>.surveys folder any more");
    let dir: Vec<String> = std::fs::read_dir(env.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        dir.iter().all(|f| f == "s.csv" || f.starts_with("mlgov.db")),
        "only the database and its WAL files: {dir:?}"
    );
    let list = env.json(&["survey", "list"]);
    assert_eq!(respondents(&list, "s"), Some(60));
    assert_eq!(respondents(&list, "again"), Some(60));
    let s = list.as_array().unwrap().iter().find(|s| s["name"] == "s").unwrap();
    assert_eq!((s["origin"].as_str(), s["synthetic"].as_bool()), (Some("synthetic"), Some(true)));
    // The stored synthetic survey and its re-import analyse identically (same answers, same flag).
    let a = env.json(&["survey", "analyze", "s", "frequency", "--resamples", "50", "--seed", "2"]);
    let b =
        env.json(&["survey", "analyze", "again", "frequency", "--resamples", "50", "--seed", "2"]);
    assert_eq!(a[0]["rows"], b[0]["rows"]);
    assert_eq!(a[0]["synthetic"], true);
    // A second import under the same name is a new version that replaces the first.
    let v = env.json(&["survey", "import", out.to_str().unwrap(), "--name", "again"]);
    assert!(v["stored"].as_str().unwrap().contains("version 2"), "{v}");
    assert_eq!(env.json(&["survey", "list"]).as_array().unwrap().len(), 2);
    env.json(&["survey", "delete", "again"]);
    let (code, _, err) = env.mlgov(&["survey", "analyze", "again"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("no survey named \"again\"") && err.contains("stored surveys: s"),
        "{err}"
    );
}

#[test]
fn a_legacy_surveys_folder_is_moved_into_the_database_on_first_use() {
    let env = Env::new();
    env.demo();
    env.write(
        "mlgov.db.surveys/old.csv",
        "respondent,locality,role,affiliation,period,item,value\n\
         r1,loc:wc-se-jonkoping,elected_policymaker,progressive,p2,freq_pro_migrant_groups,3\n\
         r2,loc:wc-se-jonkoping,local_official,,p2,freq_pro_migrant_groups,4\n",
    );
    let list = env.json(&["survey", "list"]);
    assert_eq!(respondents(&list, "old"), Some(2), "{list}");
    assert_eq!(list[0]["origin"], "migrated");
    assert!(!sidecar(&env).exists());
    assert!(
        env.path("mlgov.db.surveys.migrated/old.csv").exists(),
        "the old folder is kept, renamed, until the user deletes it"
    );
    let t =
        env.json(&["survey", "analyze", "old", "frequency", "--by", "none", "--resamples", "0"]);
    assert!(t[0]["rows"].as_array().unwrap().iter().any(|r| r["estimate"]["n"] == 2), "{t}");
}

#[test]
fn a_legacy_file_that_no_longer_reads_says_what_to_do_and_moves_nothing() {
    let env = Env::new();
    env.demo();
    env.write("mlgov.db.surveys/broken.csv", "respondent,locality,role,affiliation,period,item,value\nr1,loc:x,nobody,,p2,freq_pro_migrant_groups,3\n");
    let (code, _, err) = env.mlgov(&["survey", "list"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("broken.csv") && err.contains("nobody") && err.contains("fix or delete"),
        "names the file, the problem and the remedy: {err}"
    );
    assert!(sidecar(&env).join("broken.csv").exists(), "nothing is moved when a file fails");
    std::fs::remove_file(sidecar(&env).join("broken.csv")).unwrap();
    assert_eq!(env.json(&["survey", "list"]), Value::Array(vec![]));
}

/// SIGKILL during a re-import, at many moments: afterwards the survey is whole — either the old
/// version (300 respondents) or the new one (8,000) — and the database passes its checks.
#[cfg(unix)]
#[test]
fn sigkill_during_reimport_leaves_the_old_or_the_new_version() {
    let env = Env::new();
    env.demo();
    let small = env.path("small.csv");
    let big = env.path("big.csv");
    env.json(&synth_args("300", "tmp", &["--seed", "1", "--out", small.to_str().unwrap()]));
    env.json(&synth_args("8000", "tmp", &["--seed", "2", "--out", big.to_str().unwrap()]));
    env.json(&["survey", "delete", "tmp"]);
    env.json(&["survey", "import", small.to_str().unwrap(), "--name", "wave"]);
    // How long a whole re-import takes here, to spread 12 kills from 0 to 110 % of it.
    let t = Instant::now();
    env.json(&["survey", "import", big.to_str().unwrap(), "--name", "probe"]);
    let full = t.elapsed();
    env.json(&["survey", "delete", "probe"]);
    let (mut old, mut new, mut mid_write) = (0, 0, 0);
    let mut current = 300;
    let wal = env.path("mlgov.db-wal");
    let wal_len = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    // Kill points: 8 moments spread from 0 to 200 % of one import, then 4 moments when the
    // write-ahead log has grown by 128 KiB, 512 KiB, 1 and 1.5 MiB (inside the writing transaction,
    // whatever the speed of the machine).
    let points: Vec<(Option<Duration>, u64)> = (0..8u32)
        .map(|i| (Some(full.mul_f64(f64::from(i) / 4.0)), 0))
        .chain([128 << 10, 512 << 10, 1 << 20, 3 << 19].map(|g| (None, g)))
        .collect();
    for (delay, growth) in points {
        let base = wal_len();
        let mut child = env
            .command(&["survey", "import", big.to_str().unwrap(), "--name", "wave"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        match delay {
            Some(d) => std::thread::sleep(d),
            None => {
                let t = Instant::now();
                while wal_len() < base + growth
                    && child.try_wait().unwrap().is_none()
                    && t.elapsed() < Duration::from_secs(60)
                {
                    std::thread::sleep(Duration::from_millis(1));
                }
                if child.try_wait().unwrap().is_none() {
                    mid_write += 1;
                }
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        let list = env.json(&["survey", "list"]);
        let n = respondents(&list, "wave").expect("the survey is never lost");
        assert!(
            n == 300 || n == 8_000,
            "kill at {delay:?} / WAL +{growth}: {n} respondents, neither version"
        );
        assert!(n >= current, "a version never goes back");
        current = n;
        if n == 300 {
            old += 1
        } else {
            new += 1
        }
        let t = env.json(&[
            "survey",
            "analyze",
            "wave",
            "frequency",
            "--by",
            "none",
            "--resamples",
            "0",
        ]);
        assert!(
            t[0]["rows"].as_array().is_some_and(|r| !r.is_empty()),
            "the stored version analyses"
        );
        if n == 8_000 {
            // Back to the old version for the next round.
            env.json(&["survey", "import", small.to_str().unwrap(), "--name", "wave"]);
            current = 300;
        }
    }
    assert!(
        mid_write >= 1,
        "at least one kill must land while the transaction is writing (WAL growing)"
    );
    eprintln!(
        "SIGKILL during re-import: {old} kills left the old version, {new} the new one; {mid_write} kills while the WAL was growing"
    );
    let store = mlgov_store::SqliteStore::open_existing(&env.db).expect("open after the kills");
    assert_eq!(
        mlgov_store::Store::integrity_check(&store).expect("check"),
        Vec::<String>::new(),
        "integrity check after the kills"
    );
}

#[test]
fn surveys_live_in_postgres_too() {
    let Some(base) = server_url("surveys_live_in_postgres_too") else { return };
    let db = TestSchema::new(&base, "cli_surveys");
    let env = Env::new();
    let url = db.url();
    let go = |args: &[&str]| -> Value {
        let mut a = args.to_vec();
        a.push("--json");
        let (code, out, err) = run(env.command_with_db(Path::new(&url), &a));
        assert_eq!(code, 0, "mlgov {a:?}: {err}");
        parse_json(&out, &a)
    };
    go(&["demo"]);
    let out = env.path("s.csv");
    go(&[
        "survey",
        "synth",
        "--respondents",
        "40",
        "--seed",
        "5",
        "--name",
        "pg",
        "--out",
        out.to_str().unwrap(),
    ]);
    go(&["survey", "import", out.to_str().unwrap(), "--name", "pg"]);
    let list = go(&["survey", "list"]);
    assert_eq!(respondents(&list, "pg"), Some(40));
    assert_eq!(list[0]["version"], 2, "the import replaced the synthetic version");
    let t = go(&["survey", "analyze", "pg", "frequency", "--resamples", "0"]);
    assert!(!t[0]["rows"].as_array().unwrap().is_empty());
    assert!(!Path::new(&format!("{url}.surveys")).exists());
}

#[test]
fn releases_from_the_cli_follow_the_release_rule() {
    let env = Env::new();
    env.demo();
    let out = env.path("s.csv");
    env.json(&synth_args("300", "wave", &["--seed", "4", "--out", out.to_str().unwrap()]));
    let r = env.json(&["survey", "release", "wave"]);
    assert_eq!(
        (r["release"].as_i64(), r["respondents"].as_u64(), r["synthetic"].as_bool()),
        (Some(1), Some(300), Some(true)),
        "{r}"
    );
    // One respondent fewer: every figure that respondent stood behind would differ by 1.
    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.remove(1);
    let fewer = env.write("fewer.csv", lines.join("\n") + "\n");
    env.json(&["survey", "import", fewer.to_str().unwrap(), "--name", "wave"]);
    let (code, _, err) = env.mlgov(&["survey", "release", "wave"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("refused") && err.contains("release 1") && err.contains("1 respondent"),
        "says which release and by how many: {err}"
    );
    // Back to the published answers: nothing differs, so a second release is accepted.
    env.json(&["survey", "import", out.to_str().unwrap(), "--name", "wave"]);
    assert_eq!(env.json(&["survey", "release", "wave"])["release"], 2);
    let list = env.json(&["survey", "releases", "wave"]);
    assert_eq!(
        list.as_array().unwrap().iter().map(|r| r["release"].as_i64().unwrap()).collect::<Vec<_>>(),
        [1, 2]
    );
    assert!(list.to_string().find("cell_members").is_none(), "cell members are never shown");
    let (code, _, err) = env.mlgov(&["survey", "release", "wave", "--min-cell", "1"]);
    assert_eq!(code, 1, "k below 2 is a usage error: {err}");
}
