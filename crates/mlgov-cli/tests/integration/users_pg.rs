//! `mlgov user` and `mlgov token` against PostgreSQL (`--db postgres://…`): accounts and tokens
//! live in that database, across processes. Runs on a fresh database of its own on the server named
//! by `MLGOV_TEST_PG_URL` (created with `psql`, dropped afterwards); without the variable it prints
//! a notice and passes (fails under `CI`).

use std::path::Path;
use std::process::Command;

use serde_json::{json, Value};

use crate::common::{parse_json, run, Env};

/// A database of its own on the test server, dropped on drop.
struct FreshDb {
    admin: String,
    psql: String,
    name: String,
    url: String,
}

impl FreshDb {
    /// `None` with a notice when no server is configured.
    fn new(test: &str) -> Option<FreshDb> {
        let base = match std::env::var("MLGOV_TEST_PG_URL") {
            Ok(u) if !u.trim().is_empty() => u,
            _ if std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false") => {
                panic!("{test}: MLGOV_TEST_PG_URL is not set but CI is: run the tests under scripts/pg-test.sh")
            }
            _ => {
                eprintln!("SKIPPED {test}: MLGOV_TEST_PG_URL is not set (run under scripts/pg-test.sh to test PostgreSQL)");
                return None;
            }
        };
        let (without_query, query) = match base.split_once('?') {
            Some((u, q)) => (u.to_string(), format!("?{q}")),
            None => (base.clone(), String::new()),
        };
        let (server, _db) = without_query.rsplit_once('/').expect("MLGOV_TEST_PG_URL ends with /<database>");
        let psql = match std::env::var("MLGOV_TEST_PG_BIN") {
            Ok(bin) => Path::new(&bin).join("psql").to_string_lossy().into_owned(),
            Err(_) => "psql".to_string(),
        };
        let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let name = format!("mlgov_auth_cli_{}_{nanos}", std::process::id());
        let db = FreshDb { admin: format!("{server}/postgres{query}"), psql, url: format!("{server}/{name}{query}"), name };
        let (ok, err) = db.psql(&format!("CREATE DATABASE {}", db.name));
        assert!(ok, "creating the test database with {}: {err}", db.psql);
        Some(db)
    }

    fn psql(&self, sql: &str) -> (bool, String) {
        match Command::new(&self.psql).args(["-X", "-q", "-d", &self.admin, "-c", sql]).output() {
            Ok(o) => (o.status.success(), String::from_utf8_lossy(&o.stderr).into_owned()),
            Err(e) => (false, e.to_string()),
        }
    }

    /// The first column of `sql` run in the fresh database, one value per line.
    fn query(&self, sql: &str) -> Vec<String> {
        let o = Command::new(&self.psql).args(["-X", "-q", "-A", "-t", "-d", &self.url, "-c", sql]).output().expect("psql");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).lines().map(str::to_string).collect()
    }
}

impl Drop for FreshDb {
    fn drop(&mut self) {
        let _ = self.psql(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
    }
}

/// Runs `mlgov <args> --json --db <url>`; returns (exit code, parsed stdout or Null, stderr).
fn mlgov(env: &Env, url: &str, args: &[&str]) -> (i32, Value, String) {
    let mut a = args.to_vec();
    a.push("--json");
    let (code, out, err) = run(env.command_with_db(Path::new(url), &a));
    let v = if code == 0 { parse_json(&out, &a) } else { Value::Null };
    (code, v, err)
}

fn ok(env: &Env, url: &str, args: &[&str]) -> Value {
    let (code, v, err) = mlgov(env, url, args);
    assert_eq!(code, 0, "mlgov {args:?} exited {code}: {err}");
    v
}

#[test]
fn users_and_tokens_live_in_postgres() {
    let Some(db) = FreshDb::new("users_and_tokens_live_in_postgres") else { return };
    let env = Env::new();
    let url = db.url.as_str();

    let added = ok(&env, url, &["user", "add", "ann", "--role", "researcher", "--project", "p1"]);
    assert_eq!(added["user"]["username"], "ann");
    assert_eq!(added["user"]["role"], "researcher");
    assert_eq!(added["user"]["projects"], json!(["p1"]));
    assert!(added["password"].as_str().is_some_and(|p| p.len() == 24), "a generated password is shown once: {added}");
    // Names are unique case-insensitively: exit 2 (data), nothing added.
    let (code, _, err) = mlgov(&env, url, &["user", "add", "ANN", "--role", "viewer"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("already exists"), "{err}");

    let listed = ok(&env, url, &["user", "list"]);
    let users = listed["users"].as_array().expect("users");
    assert_eq!(users.len(), 1, "{listed}");
    assert_eq!((&users[0]["username"], &users[0]["role"], &users[0]["projects"]), (&json!("ann"), &json!("researcher"), &json!(["p1"])));

    let issued = ok(&env, url, &["token", "issue", "--user", "ann", "--label", "nightly"]);
    let id = issued["id"].as_i64().expect("token id");
    let token = issued["token"].as_str().expect("token");
    assert_eq!(token.len(), 64, "{issued}");
    assert_eq!(issued["username"], "ann");

    let tokens = ok(&env, url, &["token", "list"]);
    let list = tokens["tokens"].as_array().expect("tokens");
    assert_eq!(list.len(), 1, "{tokens}");
    assert_eq!((&list[0]["id"], &list[0]["username"], &list[0]["label"], &list[0]["revoked"]), (&json!(id), &json!("ann"), &json!("nightly"), &Value::Null));
    assert!(!tokens.to_string().contains(token), "the token is never listed");

    // Behind the CLI's back: the rows are in PostgreSQL, secrets only as digests, actions audited.
    assert_eq!(db.query("SELECT username FROM auth_users"), ["ann"]);
    let digest = db.query("SELECT token_hash FROM auth_tokens").remove(0);
    assert!(digest.len() == 64 && digest != token);
    assert_eq!(db.query("SELECT action || ' ' || resource FROM auth_audit ORDER BY id"), ["user_add user:ann", &format!("token_issue token:{id} user:ann")]);
    assert!(!env.db.exists(), "no SQLite file was created");

    assert_eq!(ok(&env, url, &["token", "revoke", &id.to_string()]), json!({ "revoked": id }));
    let tokens = ok(&env, url, &["token", "list"]);
    assert!(tokens["tokens"][0]["revoked"].is_i64(), "{tokens}");
    let (code, _, err) = mlgov(&env, url, &["token", "revoke", &id.to_string()]);
    assert_eq!(code, 2, "revoking twice: {err}");

    assert_eq!(ok(&env, url, &["user", "remove", "ann"]), json!({ "removed": "ann" }));
    assert_eq!(ok(&env, url, &["user", "list"]), json!({ "users": [] }));
    assert_eq!(ok(&env, url, &["token", "list"]), json!({ "tokens": [] }), "tokens die with their account");
    let (code, _, err) = mlgov(&env, url, &["user", "remove", "ann"]);
    assert_eq!(code, 2, "removing twice: {err}");
}
