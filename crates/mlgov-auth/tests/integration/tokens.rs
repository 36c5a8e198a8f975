//! Password changes, tokens and hidden accounts over HTTP, on both backends (the router through
//! `oneshot` over the fixture's store): a new password revokes the account's API tokens unless
//! `keep_tokens`; admins list any account's tokens (never a secret) and revoke any of them; for
//! every route naming an account or a token, an account without the right — and the public — gets
//! the same answer before the account or token exists as after (no enumeration).

use serde_json::json;

use mlgov_auth::testing::*;
use mlgov_store_postgres::testing::*;

/// The fixture, built off the async executor (the PostgreSQL client runs its own runtime).
async fn accounts(db: TestDb) -> Accounts {
    tokio::task::spawn_blocking(move || Accounts::on(db)).await.expect("fixture")
}

async fn a_password_change_revokes_tokens_unless_kept(f: Accounts) {
    let (admin, rita) = (f.tokens[0].clone(), f.tokens[1].clone());
    assert_eq!(call(&f, "GET", "/api/v1/me", Some(&rita), None).await.0, 200);
    let (s, v) = call(
        &f,
        "PATCH",
        "/api/v1/users/rita",
        Some(&admin),
        Some(r#"{"password":"a new long passphrase"}"#),
    )
    .await;
    assert_eq!(s, 200, "{v}");
    assert_eq!(
        (&v["username"], &v["ended"]),
        (&json!("rita"), &json!({ "sessions": 0, "tokens": 1 }))
    );
    assert_eq!(
        call(&f, "GET", "/api/v1/me", Some(&rita), None).await.0,
        401,
        "the old token is revoked"
    );

    // A new token survives a change with keep_tokens.
    let (s, issued) = call(
        &f,
        "POST",
        "/api/v1/tokens",
        Some(&admin),
        Some(r#"{"username":"rita","label":"notebook"}"#),
    )
    .await;
    assert_eq!(s, 201);
    let (token, id) =
        (issued["token"].as_str().unwrap().to_string(), issued["id"].as_i64().unwrap());
    let (s, v) = call(
        &f,
        "PATCH",
        "/api/v1/users/rita",
        Some(&admin),
        Some(r#"{"password":"another long passphrase","keep_tokens":true}"#),
    )
    .await;
    assert_eq!((s, &v["ended"]), (200, &json!({ "sessions": 0, "tokens": 0 })));
    let (s, me) = call(&f, "GET", "/api/v1/me", Some(&token), None).await;
    assert_eq!((s, &me["username"]), (200, &json!("rita")), "kept");
    let (s, v) =
        call(&f, "PATCH", "/api/v1/users/rita", Some(&admin), Some(r#"{"keep_tokens":true}"#))
            .await;
    assert_eq!((s, &v["error"]["fields"][0]["field"]), (422, &json!("keep_tokens")));
    let (s, v) =
        call(&f, "PATCH", "/api/v1/users/rita", Some(&admin), Some(r#"{"role":"viewer"}"#)).await;
    assert!(s == 200 && v.get("ended").is_none(), "no new password, nothing ended: {v}");

    // The admin lists rita's tokens, newest first, without any secret, and revokes the live one.
    let (s, v) = call(&f, "GET", "/api/v1/users/rita/tokens", Some(&admin), None).await;
    assert_eq!(s, 200);
    let rows: Vec<(i64, &str, &str, bool)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["id"].as_i64().unwrap(),
                t["username"].as_str().unwrap(),
                t["label"].as_str().unwrap(),
                t["revoked"].is_null(),
            )
        })
        .collect();
    assert_eq!(rows, [(id, "rita", "notebook", true), (2, "rita", "tests", false)]);
    let text = v.to_string();
    for secret in [token.as_str(), rita.as_str(), &mlgov_auth::secret::token_digest(&token)] {
        assert!(!text.contains(secret), "a token or its digest is listed: {text}");
    }
    assert!(
        v.as_array().unwrap().iter().all(|t| t
            .as_object()
            .unwrap()
            .keys()
            .all(|k| ["id", "user_id", "username", "label", "created", "revoked"]
                .contains(&k.as_str()))),
        "{text}"
    );
    assert_eq!(
        call(&f, "DELETE", &format!("/api/v1/tokens/{id}"), Some(&admin), None).await.0,
        204
    );
    assert_eq!(call(&f, "GET", "/api/v1/me", Some(&token), None).await.0, 401);
}

async fn others_cannot_list_or_revoke_tokens_nor_tell_what_exists(f: Accounts) {
    let admin = f.tokens[0].clone();
    let routes: [(&str, &str, Option<&str>); 6] = [
        ("GET", "/api/v1/users/zoe", None),
        ("PATCH", "/api/v1/users/zoe", Some(r#"{"role":"admin"}"#)),
        ("PATCH", "/api/v1/users/zoe", Some(r#"{"password":"a new long passphrase"}"#)),
        ("DELETE", "/api/v1/users/zoe", None),
        ("GET", "/api/v1/users/zoe/tokens", None),
        ("DELETE", "/api/v1/tokens/5", None),
    ];
    let askers = [
        ("member", f.bearer("member")),
        ("outsider", f.bearer("outsider")),
        ("viewer", f.bearer("viewer")),
        ("public", None),
    ];
    let mut before = Vec::new();
    for (method, uri, body) in routes {
        for (who, bearer) in askers {
            let a = answer(&f, request(method, uri, bearer, body)).await;
            assert_eq!(
                a.0,
                if who == "public" { 401 } else { 404 },
                "{method} {uri} as {who}: {a:?}"
            );
            before.push(a);
        }
    }
    // zoe and her token (id 5, after the fixture's four) now exist.
    let auth = f.auth.clone();
    let id = tokio::task::spawn_blocking(move || {
        let cli = mlgov_auth::Principal::cli_admin();
        auth.add_user(&cli, "zoe", mlgov_auth::Role::Researcher, PASSWORD, &["p1".into()]).unwrap();
        auth.issue_token(&cli, "zoe", "hers").unwrap().id
    })
    .await
    .unwrap();
    assert_eq!(id, 5);
    let mut after = Vec::new();
    for (method, uri, body) in routes {
        for (_, bearer) in askers {
            after.push(answer(&f, request(method, uri, bearer, body)).await);
        }
    }
    for (i, (b, a)) in before.iter().zip(&after).enumerate() {
        let ((method, uri, _), (who, _)) = (routes[i / askers.len()], askers[i % askers.len()]);
        assert_eq!(b, a, "{method} {uri} as {who}: the answer tells that it exists");
    }
    // Nothing was changed by them, and the admin sees both.
    let (s, v) = call(&f, "GET", "/api/v1/users/zoe/tokens", Some(&admin), None).await;
    assert_eq!((s, v[0]["id"].as_i64(), v[0]["revoked"].is_null()), (200, Some(5), true));
    assert_eq!(
        call(&f, "GET", "/api/v1/users/zoe", Some(&admin), None).await.1["role"],
        "researcher"
    );
}

on_both_backends!(async accounts;
    a_password_change_revokes_tokens_unless_kept,
    others_cannot_list_or_revoke_tokens_nor_tell_what_exists,
);
