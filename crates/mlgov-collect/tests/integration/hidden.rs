//! No enumeration, over HTTP and on both backends: for every route that names a survey, an account
//! that may not see the survey (a researcher of another project, a viewer) gets the same answer —
//! status, content type, body — before the survey exists as after, and so does the public (asked
//! to authenticate, whatever the name). The answers never name the survey's project.

use mlgov_auth::Principal;

use crate::common::*;

/// The fixture, built off the async executor (the PostgreSQL client runs its own runtime).
async fn fixture(db: TestDb) -> Fixture {
    tokio::task::spawn_blocking(move || Fixture::on(db)).await.expect("fixture")
}
const ROUTES: [(&str, &str, Option<&str>); 9] = [
    ("GET", "/api/v1/surveys/hidden", None),
    ("POST", "/api/v1/surveys/hidden/invitations", Some(r#"{"count":1}"#)),
    ("GET", "/api/v1/surveys/hidden/answers", None),
    ("GET", "/api/v1/surveys/hidden/aggregates?live=true", None),
    ("GET", "/api/v1/surveys/hidden/aggregates", None),
    ("GET", "/api/v1/surveys/hidden/releases", None),
    ("POST", "/api/v1/surveys/hidden/releases", None),
    ("GET", "/admin/surveys/hidden", None),
    (
        "POST",
        "/api/v1/surveys",
        Some(r#"{"name":"hidden","instrument":"whole-comm-interactions","project":"p1"}"#),
    ),
];

async fn a_survey_of_another_project_answers_as_one_that_does_not_exist(f: Fixture) {
    // Survey "hidden" will be of project p2: rita (p1) and vic (viewer) may not see it.
    let askers = [("member", f.bearer("member")), ("viewer", f.bearer("viewer")), ("public", None)];
    let mut before = Vec::new();
    for (method, uri, body) in ROUTES {
        for (_, bearer) in askers {
            before.push(answer(&f, request(method, uri, bearer, body)).await);
        }
    }
    let (collect, admin) = (f.collect.clone(), f.bearer("admin").unwrap().to_string());
    tokio::task::spawn_blocking(move || {
        let cli = Principal::cli_admin();
        collect.create_survey(&cli, "hidden", "whole-comm-interactions", "p2").unwrap();
        collect.invite(&cli, "hidden", 3, Some("loc:x")).unwrap();
    })
    .await
    .unwrap();
    for (i, (method, uri, body)) in ROUTES.iter().enumerate() {
        for (j, (who, bearer)) in askers.iter().enumerate() {
            let b = &before[i * askers.len() + j];
            let a = answer(&f, request(method, uri, *bearer, *body)).await;
            assert_eq!(&a, b, "{method} {uri} as {who}: the answer tells that the survey exists");
            assert!(
                !a.2.contains("p2"),
                "{method} {uri} as {who} names the survey's project: {}",
                a.2
            );
        }
    }
    // What they got: 404 naming only the survey asked for (401 for the public) on every route
    // that reads the survey; the public figures and the releases are everyone's (no release yet).
    let (s, _, body) =
        answer(&f, request("GET", "/api/v1/surveys/hidden", f.bearer("member"), None)).await;
    assert_eq!(
        (s, body.as_str()),
        (
            404,
            r#"{"error":{"code":"not_found","fields":[],"message":"not found: survey \"hidden\""}}"#
        )
    );
    assert_eq!(
        answer(&f, request("GET", "/api/v1/surveys/hidden/answers", None, None)).await.0,
        401
    );
    assert_eq!(
        answer(&f, request("GET", "/admin/surveys/hidden", f.bearer("viewer"), None)).await.0,
        404
    );
    // Those who may see it do: its project's researcher and the admin.
    let (s, _, body) =
        answer(&f, request("GET", "/api/v1/surveys/hidden", f.bearer("outsider"), None)).await;
    assert!(s == 200 && body.contains(r#""invited":3"#), "{body}");
    assert_eq!(
        answer(&f, request("GET", "/api/v1/surveys/hidden/answers", Some(&admin), None)).await.0,
        200
    );
    assert_eq!(
        answer(
            &f,
            request(
                "POST",
                "/api/v1/surveys/hidden/invitations",
                f.bearer("outsider"),
                Some(r#"{"count":1}"#)
            )
        )
        .await
        .0,
        403,
        "seen, but inviting is the admin's"
    );
}

on_both_backends!(async fixture;
    a_survey_of_another_project_answers_as_one_that_does_not_exist,
);
