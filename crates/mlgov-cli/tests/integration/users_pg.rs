//! `mlgov user` and `mlgov token` against PostgreSQL (`--db postgres://…`): accounts and tokens
//! live in that database, across processes. Runs in a fresh schema of its own on the server named
//! by `MLGOV_TEST_PG_URL` (`mlgov_store_postgres::testing::TestSchema`, dropped afterwards);
//! without the variable it prints a notice and passes (fails under `CI`). Password changes and
//! one account's tokens are tested on both backends (`a_new_password_revokes_tokens_unless_kept_*`).

use std::path::Path;

use mlgov_store_postgres::testing::{TestSchema, server_url};

use serde_json::{Value, json};

use crate::common::{Env, parse_json, run};

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
    assert!(
        added["password"].as_str().is_some_and(|p| p.len() == 24),
        "a generated password is shown once: {added}"
    );
    // Names are unique case-insensitively: exit 2 (data), nothing added.
    let (code, _, err) = mlgov(&env, url, &["user", "add", "ANN", "--role", "viewer"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("already exists"), "{err}");

    let listed = ok(&env, url, &["user", "list"]);
    let users = listed["users"].as_array().expect("users");
    assert_eq!(users.len(), 1, "{listed}");
    assert_eq!(
        (&users[0]["username"], &users[0]["role"], &users[0]["projects"]),
        (&json!("ann"), &json!("researcher"), &json!(["p1"]))
    );

    let issued = ok(&env, url, &["token", "issue", "--user", "ann", "--label", "nightly"]);
    let id = issued["id"].as_i64().expect("token id");
    let token = issued["token"].as_str().expect("token");
    assert_eq!(token.len(), 64, "{issued}");
    assert_eq!(issued["username"], "ann");

    let tokens = ok(&env, url, &["token", "list"]);
    let list = tokens["tokens"].as_array().expect("tokens");
    assert_eq!(list.len(), 1, "{tokens}");
    assert_eq!(
        (&list[0]["id"], &list[0]["username"], &list[0]["label"], &list[0]["revoked"]),
        (&json!(id), &json!("ann"), &json!("nightly"), &Value::Null)
    );
    assert!(!tokens.to_string().contains(token), "the token is never listed");

    // Behind the CLI's back: the rows are in PostgreSQL, secrets only as digests, actions audited.
    assert_eq!(db.strings("SELECT username FROM auth_users"), ["ann"]);
    let digest = db.strings("SELECT token_hash FROM auth_tokens").remove(0);
    assert!(digest.len() == 64 && digest != token);
    assert_eq!(
        db.strings("SELECT action || ' ' || resource FROM auth_audit ORDER BY id"),
        ["user_add user:ann", &format!("token_issue token:{id} user:ann")]
    );
    assert!(!env.db.exists(), "no SQLite file was created");

    assert_eq!(ok(&env, url, &["token", "revoke", &id.to_string()]), json!({ "revoked": id }));
    let tokens = ok(&env, url, &["token", "list"]);
    assert!(tokens["tokens"][0]["revoked"].is_i64(), "{tokens}");
    let (code, _, err) = mlgov(&env, url, &["token", "revoke", &id.to_string()]);
    assert_eq!(code, 2, "revoking twice: {err}");

    assert_eq!(ok(&env, url, &["user", "remove", "ann"]), json!({ "removed": "ann" }));
    assert_eq!(ok(&env, url, &["user", "list"]), json!({ "users": [] }));
    assert_eq!(
        ok(&env, url, &["token", "list"]),
        json!({ "tokens": [] }),
        "tokens die with their account"
    );
    let (code, _, err) = mlgov(&env, url, &["user", "remove", "ann"]);
    assert_eq!(code, 2, "removing twice: {err}");
}

/// `mlgov user password` revokes the account's tokens unless `--keep-tokens`; `mlgov token list
/// --user` lists one account's tokens (never the secret), on the database at `db` (a SQLite file
/// or a PostgreSQL URL).
fn a_new_password_revokes_tokens_unless_kept(env: &Env, db: &str) {
    ok(env, db, &["user", "add", "ann", "--role", "researcher"]);
    ok(env, db, &["user", "add", "bob", "--role", "viewer"]);
    let secrets: Vec<String> = [("ann", "a"), ("ann", "b"), ("bob", "c")]
        .iter()
        .map(|(u, l)| {
            ok(env, db, &["token", "issue", "--user", u, "--label", l])["token"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let changed = ok(env, db, &["user", "password", "ann"]);
    assert_eq!(
        (
            &changed["user"]["username"],
            &changed["tokens_revoked"],
            &changed["sessions_ended"],
            &changed["tokens_kept"]
        ),
        (&json!("ann"), &json!(2), &json!(0), &json!(false)),
        "{changed}"
    );
    assert!(
        changed["password"].as_str().is_some_and(|p| p.len() == 24),
        "a generated password is shown once: {changed}"
    );
    let anns = ok(env, db, &["token", "list", "--user", "ann"]);
    let list = anns["tokens"].as_array().expect("tokens");
    assert_eq!(
        list.iter()
            .map(|t| (t["label"].as_str().unwrap(), t["revoked"].is_i64()))
            .collect::<Vec<_>>(),
        [("b", true), ("a", true)],
        "{anns}"
    );
    let bobs = ok(env, db, &["token", "list", "--user", "bob"]);
    assert!(bobs["tokens"][0]["revoked"].is_null(), "another account's token stays live: {bobs}");
    for listing in [&anns, &bobs, &ok(env, db, &["token", "list"])] {
        assert!(
            secrets.iter().all(|s| !listing.to_string().contains(s.as_str())),
            "a token in a listing: {listing}"
        );
    }
    // Kept on request.
    ok(env, db, &["token", "issue", "--user", "ann", "--label", "d"]);
    let changed = ok(env, db, &["user", "password", "ann", "--keep-tokens"]);
    assert_eq!((&changed["tokens_revoked"], &changed["tokens_kept"]), (&json!(0), &json!(true)));
    assert!(
        ok(env, db, &["token", "list", "--user", "ann"])["tokens"][0]["revoked"].is_null(),
        "kept"
    );
    // From standard input: not shown.
    let mut c = env
        .command_with_db(Path::new(db), &["user", "password", "bob", "--password-stdin", "--json"]);
    c.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().expect("mlgov user password");
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"a long enough passphrase\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((&v["password"], &v["tokens_revoked"]), (&Value::Null, &json!(1)));
    // Unknown accounts and a short password: exit 2, nothing changed.
    let (code, _, err) = mlgov(env, db, &["user", "password", "nobody"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not found: user \"nobody\""), "{err}");
    let (code, _, err) = mlgov(env, db, &["token", "list", "--user", "nobody"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn a_new_password_revokes_tokens_unless_kept_on_sqlite() {
    let env = Env::new();
    let db = env.db.to_str().unwrap().to_string();
    a_new_password_revokes_tokens_unless_kept(&env, &db);
}

#[test]
fn a_new_password_revokes_tokens_unless_kept_on_postgres() {
    let Some(base) = server_url("a_new_password_revokes_tokens_unless_kept_on_postgres") else {
        return;
    };
    let db = TestSchema::new(&base, "cli_passwords");
    a_new_password_revokes_tokens_unless_kept(&Env::new(), &db.url());
}
