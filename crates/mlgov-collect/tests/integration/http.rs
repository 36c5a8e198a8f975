//! The router through `oneshot`: the authorisation matrix (every route of the server's accounts
//! and collection × every role), the respondent form over HTTP, and `mount_at`. (CSRF rejection,
//! cookie attributes and rate limiting are the auth layer's: mlgov-auth's tests.)

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::common::*;
/// Every route — the accounts' (`ACCOUNT_ROUTES` of `mlgov_auth::testing`) and the collection's —
/// × every role (admin, researcher of the survey's project, researcher of another project,
/// viewer, public) → expected status. Each cell runs on a fresh database.
#[tokio::test]
async fn authorisation_matrix() {
    let survey = r#"{"name":"s2","instrument":"whole-comm-interactions","project":"p1"}"#;
    let survey_routes: &[MatrixRow] = &[
        ("GET", "/api/v1/surveys", None, [200, 200, 200, 403, 401]),
        ("POST", "/api/v1/surveys", Some(survey), [201, 403, 403, 403, 401]),
        // A survey of a project the account does not belong to is 404, as one that does not
        // exist (hidden.rs); a researcher of its project sees it but may not invite (403).
        ("GET", "/api/v1/surveys/s1", None, [200, 200, 404, 404, 401]),
        (
            "POST",
            "/api/v1/surveys/s1/invitations",
            Some(r#"{"count":2}"#),
            [201, 403, 404, 404, 401],
        ),
        ("GET", "/api/v1/surveys/s1/answers", None, [200, 200, 404, 404, 401]),
        ("GET", "/api/v1/surveys/s1/aggregates", None, [404, 404, 404, 404, 404]),
        ("GET", "/api/v1/surveys/s1/aggregates?live=true", None, [200, 200, 404, 404, 401]),
        ("GET", "/api/v1/surveys/s1/releases", None, [200, 200, 200, 200, 200]),
        ("POST", "/api/v1/surveys/s1/releases", None, [201, 201, 404, 404, 401]),
        ("GET", "/admin/surveys/s1", None, [200, 200, 404, 404, 401]),
        ("GET", "/respond/{invitation}", None, [200, 200, 200, 200, 200]),
    ];
    let mut failures = Mismatches::default();
    for (method, path, body, expected) in ACCOUNT_ROUTES.iter().chain(survey_routes) {
        for (col, who) in WHO.iter().enumerate() {
            let f = Fixture::new();
            let uri = path.replace("{invitation}", &f.invitation);
            let (status, _, text) =
                send(f.app(), request(method, &uri, f.bearer(who), *body)).await;
            failures.check((method, path), who, (status, &text), expected[col]);
        }
    }
    failures.assert_none();
}

fn form_post(uri: &str, body: &str) -> Request<Body> {
    Request::builder()
        .method("POST")
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body.to_string()))
        .unwrap()
}

#[tokio::test]
async fn respondent_flow_over_http() {
    let f = Fixture::new();
    let admin = f.tokens[0].clone();
    // The admin creates a survey and issues two links.
    let (s, _, _) = send(
        f.app(),
        request(
            "POST",
            "/api/v1/surveys",
            Some(&admin),
            Some(r#"{"name":"pilot","instrument":"whole-comm-interactions","project":"p1"}"#),
        ),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _, body) = send(
        f.app(),
        request("POST", "/api/v1/surveys/pilot/invitations", Some(&admin), Some(r#"{"count":2}"#)),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let link = v["links"][0].as_str().unwrap().to_string();
    assert!(link.starts_with("/respond/") && link.len() == "/respond/".len() + 64);
    // The form renders without JavaScript.
    let (s, h, page) = send(f.app(), request("GET", &link, None, None)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(h.get(header::CACHE_CONTROL).unwrap(), "no-store");
    assert_eq!(h.get(header::REFERRER_POLICY).unwrap(), "no-referrer");
    assert!(
        page.contains("<form method=\"post\"")
            && page.contains("name=\"freq_p1_trade_unions\"")
            && !page.contains("<script")
    );
    // Invalid entry: 422, message next to the field, nothing saved.
    let (s, _, page) = send(f.app(), form_post(&link, "freq_p1_trade_unions=7&action=save")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"freq_p1_trade_unions-err\">7 is out of range; expected a whole number from 0 to 5</span>"), "{page}");
    // Save, then resume with the same link.
    let (s, h, _) = send(
        f.app(),
        form_post(&link, "freq_p1_trade_unions=3&nature_p1_trade_unions=4&action=save"),
    )
    .await;
    assert_eq!(s, StatusCode::SEE_OTHER);
    let again = h.get(header::LOCATION).unwrap().to_str().unwrap().to_string();
    let (s, _, page) = send(f.app(), request("GET", &again, None, None)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("Your answers have been saved"));
    assert!(
        page.contains("<option value=\"3\" selected>3 — monthly</option>"),
        "saved value is selected again"
    );
    let (_, _, body) =
        send(f.app(), request("GET", "/api/v1/surveys/pilot", Some(&admin), None)).await;
    assert!(body.contains(r#""progress":{"invited":2,"started":1,"submitted":0}"#), "{body}");
    // Submit without a role: refused with the message by the role field.
    let (s, _, page) =
        send(f.app(), form_post(&link, "freq_p1_trade_unions=3&action=submit")).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("your role is required to submit"));
    // Submit.
    let (s, _, page) = send(
        f.app(),
        form_post(
            &link,
            "freq_p1_trade_unions=3&nature_p1_trade_unions=4&role=local_official&action=submit",
        ),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(page.contains("This link can no longer be used"));
    // The link is now unusable.
    assert_eq!(send(f.app(), request("GET", &link, None, None)).await.0, StatusCode::GONE);
    assert_eq!(
        send(f.app(), form_post(&link, "freq_p1_trade_unions=0&action=submit")).await.0,
        StatusCode::GONE
    );
    let (_, _, body) =
        send(f.app(), request("GET", "/api/v1/surveys/pilot", Some(&admin), None)).await;
    assert!(body.contains(r#""progress":{"invited":2,"started":0,"submitted":1}"#), "{body}");
    let (_, _, page) =
        send(f.app(), request("GET", "/admin/surveys/pilot", Some(&admin), None)).await;
    assert!(page.contains("<td>2</td><td>0</td><td>1</td><td>1</td>"), "{page}");
    // Raw answers for the admin (audited); aggregates for the public are suppressed (n = 1 < 5).
    let (_, _, body) =
        send(f.app(), request("GET", "/api/v1/surveys/pilot/answers", Some(&admin), None)).await;
    assert!(body.contains(r#""item":"freq_trade_unions","period":"p1","value":"3""#), "{body}");
    let (s, _, body) =
        send(f.app(), request("GET", "/api/v1/surveys/pilot/aggregates", None, None)).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "no release yet: {body}");
    assert!(body.contains("no release of survey") && !body.contains(r#""mean":3"#), "{body}");
    // Unknown and malformed links.
    assert_eq!(
        send(f.app(), request("GET", &format!("/respond/{}", "a".repeat(64)), None, None)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        send(f.app(), request("GET", "/respond/..%2F..%2Fetc%2Fpasswd", None, None)).await.0,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn html_in_answers_is_escaped() {
    let f = Fixture::new();
    let link = format!("/respond/{}", f.invitation);
    let (s, _, page) =
        send(f.app(), form_post(&link, "role=%3Cscript%3Ealert(1)%3C%2Fscript%3E&action=save"))
            .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!page.contains("<script>alert(1)") && page.contains("&lt;script&gt;"), "{page}");
}

#[tokio::test]
async fn mount_at_opens_both_stores_in_the_database_file_and_keeps_other_routes() {
    let f = Fixture::new();
    let other = hello_router();
    let app = mlgov_collect::http::mount_at(other, Some(&f.backend.location()));
    // The layer covers the other router's routes too: the principal is in the extensions.
    let (s, _, body) = send(app.clone(), request("GET", "/hello", Some(&f.tokens[3]), None)).await;
    assert_eq!((s, body.as_str()), (StatusCode::OK, "vic"));
    let (s, _, _) =
        send(app.clone(), request("GET", "/api/v1/users", Some(&f.tokens[0]), None)).await;
    assert_eq!(s, StatusCode::OK);
    // The collection routes read the fixture's survey from the same file, with the principal.
    let (s, _, body) =
        send(app.clone(), request("GET", "/api/v1/surveys/s1", Some(&f.tokens[1]), None)).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert!(body.contains(r#""progress":{"invited":1,"started":0,"submitted":0}"#), "{body}");
    assert_eq!(
        send(app.clone(), request("GET", "/api/v1/surveys/s1", None, None)).await.0,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send(app, request("GET", &format!("/respond/{}", f.invitation), None, None)).await.0,
        StatusCode::OK
    );
    // A store that cannot be opened: the auth and collection routes answer 503, nothing panics.
    let broken = mlgov_collect::http::mount_at(Router::new(), Some("/nonexistent/dir/x.db"));
    for path in ["/api/v1/me", "/api/v1/surveys", "/api/v1/surveys/s1/aggregates", "/respond/x"] {
        assert_eq!(
            send(broken.clone(), request("GET", path, None, None)).await.0,
            StatusCode::SERVICE_UNAVAILABLE,
            "{path}"
        );
    }
}

/// The respondent form is the one state-changing route open to the public: a cross-site post is
/// refused even when the routes are mounted without the auth layer.
#[tokio::test]
async fn the_respondent_form_refuses_cross_site_posts_even_without_the_layer() {
    let f = Fixture::new();
    let bare = mlgov_collect::http::routes(f.collect.clone());
    let link = format!("/respond/{}", f.invitation);
    let mut r = form_post(&link, "role=local_official&action=submit");
    r.headers_mut().insert("sec-fetch-site", "cross-site".parse().unwrap());
    assert_eq!(send(bare.clone(), r).await.0, StatusCode::FORBIDDEN);
    let mut r = form_post(&link, "role=local_official&action=submit");
    r.headers_mut().insert("origin", "https://evil.example".parse().unwrap());
    assert_eq!(send(bare.clone(), r).await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        send(bare, form_post(&link, "role=local_official&action=save")).await.0,
        StatusCode::SEE_OTHER
    );
}
