//! `mlgov user` and `mlgov token` against PostgreSQL (`--db postgres://…`): accounts and tokens
//! live in that database, across processes. Runs in a fresh schema of its own on the server named
//! by `MLGOV_TEST_PG_URL` (`mlgov_store_postgres::testing::TestSchema`, dropped afterwards);
//! without the variable it prints a notice and passes (fails under `CI`).

use std::path::Path;

use mlgov_store_postgres::testing::{server_url, TestSchema};

use serde_json::{json, Value};

use crate::common::{parse_json, run, Env};

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
    let Some(base) = server_url("users_and_tokens_live_in_postgres") else { return };
    let db = TestSchema::new(&base, "cli_users");
    let env = Env::new();
    let url = &db.url();

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
    assert_eq!(db.strings("SELECT username FROM auth_users"), ["ann"]);
    let digest = db.strings("SELECT token_hash FROM auth_tokens").remove(0);
    assert!(digest.len() == 64 && digest != token);
    assert_eq!(db.strings("SELECT action || ' ' || resource FROM auth_audit ORDER BY id"), ["user_add user:ann", &format!("token_issue token:{id} user:ann")]);
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
