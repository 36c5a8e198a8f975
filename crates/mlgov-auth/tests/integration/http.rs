//! The router through `oneshot`: the authorisation matrix (every route of this crate × every
//! role; with the collection routes: mlgov-collect's test of the same name), CSRF rejection,
//! cookie attributes, rate limiting.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use mlgov_auth::http::COOKIE;

use mlgov_auth::testing::*;
/// Every route ([`ACCOUNT_ROUTES`], shared with mlgov-collect's matrix) × every role (admin,
/// researcher of the survey's project, researcher of another project, viewer, public) → expected
/// status. Each cell runs on a fresh database.
#[tokio::test]
async fn authorisation_matrix() {
    let mut failures = Mismatches::default();
    for (method, path, body, expected) in ACCOUNT_ROUTES {
        for (col, who) in WHO.iter().enumerate() {
            let f = Accounts::new();
            let (status, _, text) =
                send(f.app(), request(method, path, f.bearer(who), *body)).await;
            failures.check((method, path), who, (status, &text), expected[col]);
        }
    }
    failures.assert_none();
}

#[tokio::test]
async fn revoked_or_bad_bearer_is_refused_not_downgraded() {
    let f = Accounts::new();
    f.auth.revoke_token(&mlgov_auth::Principal::cli_admin(), 2).unwrap();
    let (s, h, _) =
        send(f.app(), request("GET", "/api/v1/surveys/s1/aggregates", Some(&f.tokens[1]), None))
            .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(h.get(header::WWW_AUTHENTICATE).unwrap(), "Bearer realm=\"mlgov\"");
    let (s, _, _) = send(f.app(), request("GET", "/api/v1/me", Some("not-a-token"), None)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
}

async fn login(f: &Accounts, extra: &[(&str, &str)]) -> (String, String, String) {
    let mut b = Request::builder()
        .method("POST")
        .uri("/login")
        .header(header::HOST, "mlgov.test")
        .header(header::CONTENT_TYPE, "application/json");
    for (k, v) in extra {
        b = b.header(*k, *v);
    }
    let (s, h, body) = send(
        f.app(),
        b.body(Body::from(format!(r#"{{"username":"ada","password":"{PASSWORD}"}}"#))).unwrap(),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let set_cookie = h.get(header::SET_COOKIE).unwrap().to_str().unwrap().to_string();
    let sid =
        set_cookie.split(';').next().unwrap().trim_start_matches(&format!("{COOKIE}=")).to_string();
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    (sid, v["csrf_token"].as_str().unwrap().to_string(), set_cookie)
}

#[tokio::test]
async fn session_cookie_attributes() {
    let f = Accounts::new();
    let (sid, _, cookie) = login(&f, &[]).await;
    assert_eq!(sid.len(), 64);
    assert_eq!(cookie, format!("{COOKIE}={sid}; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600"));
    let (_, _, cookie) = login(&f, &[("x-forwarded-proto", "https")]).await;
    assert!(cookie.ends_with("; Secure"), "{cookie}");
    // The session authenticates /api/v1/me, which returns the CSRF token.
    let (_, csrf, _) = login(&f, &[]).await;
    let req = Request::builder()
        .uri("/api/v1/me")
        .header(header::COOKIE, format!("{COOKIE}={sid}"))
        .body(Body::empty())
        .unwrap();
    let (s, _, body) = send(f.app(), req).await;
    assert_eq!(s, StatusCode::OK);
    assert!(
        body.contains("\"role\":\"admin\"") && !body.contains(&csrf),
        "a different session's token is not shown: {body}"
    );
}

fn post_with_session(
    sid: &str,
    uri: &str,
    headers: &[(&str, &str)],
    content_type: &str,
    body: &str,
) -> Request<Body> {
    let mut b = Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::HOST, "mlgov.test")
        .header(header::COOKIE, format!("{COOKIE}={sid}"))
        .header(header::CONTENT_TYPE, content_type);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Body::from(body.to_string())).unwrap()
}

#[tokio::test]
async fn csrf_rejections() {
    let f = Accounts::new();
    let (sid, csrf, _) = login(&f, &[]).await;
    let json = "application/json";
    let body = r#"{"name":"p7"}"#;
    // No token → 403; wrong token → 403; right token → 201.
    let (s, _, _) =
        send(f.app(), post_with_session(&sid, "/api/v1/projects", &[], json, body)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = send(
        f.app(),
        post_with_session(
            &sid,
            "/api/v1/projects",
            &[("x-csrf-token", &"0".repeat(64))],
            json,
            body,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = send(
        f.app(),
        post_with_session(&sid, "/api/v1/projects", &[("x-csrf-token", &csrf)], json, body),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    // Right token but a cross-site origin or fetch site → 403.
    for extra in [
        ("origin", "https://evil.example"),
        ("sec-fetch-site", "cross-site"),
        ("sec-fetch-site", "same-site"),
        ("origin", "null"),
    ] {
        let (s, _, text) = send(
            f.app(),
            post_with_session(
                &sid,
                "/api/v1/projects",
                &[("x-csrf-token", &csrf), extra],
                json,
                r#"{"name":"p8"}"#,
            ),
        )
        .await;
        assert_eq!(s, StatusCode::FORBIDDEN, "{extra:?}: {text}");
    }
    // Same origin passes.
    let (s, _, _) = send(
        f.app(),
        post_with_session(
            &sid,
            "/api/v1/projects",
            &[
                ("x-csrf-token", &csrf),
                ("origin", "http://mlgov.test"),
                ("sec-fetch-site", "same-origin"),
            ],
            json,
            r#"{"name":"p8"}"#,
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    // A browser's same-site form post under `Referrer-Policy: no-referrer` says `Origin: null`
    // with `Sec-Fetch-Site: same-origin` (what Chromium sends for the respondent form): accepted.
    let mut both = post_with_session(
        &sid,
        "/api/v1/projects",
        &[("x-csrf-token", &csrf), ("sec-fetch-site", "same-origin")],
        json,
        r#"{"name":"p10"}"#,
    );
    both.headers_mut().insert("origin", "null".parse().unwrap());
    assert_eq!(send(f.app(), both).await.0, StatusCode::CREATED);
    // Form posts carry the token as a field.
    let form = "application/x-www-form-urlencoded";
    let (s, _, _) = send(f.app(), post_with_session(&sid, "/logout", &[], form, "x=1")).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, h, _) =
        send(f.app(), post_with_session(&sid, "/logout", &[], form, &format!("csrf_token={csrf}")))
            .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    assert!(h.get(header::SET_COOKIE).unwrap().to_str().unwrap().contains("Max-Age=0"));
    assert!(f.auth.session_principal(&sid).unwrap().is_none());
    // Bearer requests need no CSRF token but still pass the cross-site checks.
    let mut r = request("POST", "/api/v1/projects", Some(&f.tokens[0]), Some(r#"{"name":"p9"}"#));
    r.headers_mut().insert("origin", "https://evil.example".parse().unwrap());
    assert_eq!(send(f.app(), r).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        send(
            f.app(),
            request("POST", "/api/v1/projects", Some(&f.tokens[0]), Some(r#"{"name":"p9"}"#))
        )
        .await
        .0,
        StatusCode::CREATED
    );
    // A cross-site login form post is refused too (login CSRF).
    let mut r = request(
        "POST",
        "/login",
        None,
        Some(&format!(r#"{{"username":"ada","password":"{PASSWORD}"}}"#)),
    );
    r.headers_mut().insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(send(f.app(), r).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn login_rate_limited_after_five_failures_over_http() {
    let f = Accounts::new();
    let form = |pw: &str| {
        Request::builder()
            .method("POST")
            .uri("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("username=rita&password={}", pw.replace(' ', "+"))))
            .unwrap()
    };
    for _ in 0..5 {
        let (s, _, body) = send(f.app(), form("wrong password")).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert!(body.contains("wrong user name or password"));
    }
    let (s, h, _) = send(f.app(), form(PASSWORD)).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(h.get(header::RETRY_AFTER).unwrap(), "900");
    f.clock.advance(900);
    let (s, h, _) = send(f.app(), form(PASSWORD)).await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    assert_eq!(h.get(header::LOCATION).unwrap(), "/");
}

#[tokio::test]
async fn mount_at_opens_the_store_in_the_database_file_and_keeps_other_routes() {
    let f = Accounts::new();
    let other = hello_router();
    let app = mlgov_auth::http::mount_at(other, Some(&f.backend.location()));
    // The layer covers the other router's routes too: the principal is in the extensions.
    let (s, _, body) = send(app.clone(), request("GET", "/hello", Some(&f.tokens[3]), None)).await;
    assert_eq!((s, body.as_str()), (StatusCode::OK, "vic"));
    let (s, _, body) = send(app.clone(), request("GET", "/hello", None, None)).await;
    assert_eq!((s, body.as_str()), (StatusCode::OK, "-"));
    let (s, _, _) = send(app, request("GET", "/api/v1/users", Some(&f.tokens[0]), None)).await;
    assert_eq!(s, StatusCode::OK);
    // A store that cannot be opened: the auth routes answer 503, nothing panics.
    let broken = mlgov_auth::http::mount_at(Router::new(), Some("/nonexistent/dir/x.db"));
    assert_eq!(
        send(broken, request("GET", "/api/v1/me", None, None)).await.0,
        StatusCode::SERVICE_UNAVAILABLE
    );
}
