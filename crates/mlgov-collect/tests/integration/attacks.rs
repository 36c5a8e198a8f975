//! The two attacks on survey figures, replayed through HTTP against the real router and a real
//! store, recover nothing: (1) choice tables that listed only the options somebody picked, and
//! (2) figures recomputed after every submission, differenced before and after one.

use axum::http::StatusCode;
use mlgov_auth::Principal;

use crate::common::*;
/// Respondents submit `forms` through their invitation links (the no-JavaScript form).
async fn submit_all(f: &Fixture, forms: &[String]) {
    let links =
        f.collect.invite(&Principal::cli_admin(), "s1", forms.len(), Some("loc:x")).unwrap();
    for (link, form) in links.iter().zip(forms) {
        let (s, page) = text_of(
            f,
            form_request(
                "POST",
                &format!("/respond/{link}"),
                None,
                Some(&format!("{form}&action=submit")),
            ),
        )
        .await;
        assert_eq!(s, StatusCode::OK, "{page}");
    }
}

/// A world: the fixture's survey with these submissions and one release published by the
/// project's researcher; returns the public figures (the JSON of `figures`).
async fn world(forms: &[String]) -> (Fixture, serde_json::Value) {
    let f = Fixture::new();
    submit_all(&f, forms).await;
    let (s, body) =
        text_of(&f, form_request("POST", "/api/v1/surveys/s1/releases", f.bearer("member"), None))
            .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let (s, body) =
        text_of(&f, form_request("GET", "/api/v1/surveys/s1/aggregates", None, None)).await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    (f, v["figures"].clone())
}

fn choice<'a>(figures: &'a serde_json::Value, item: &str) -> &'a serde_json::Value {
    figures["choices"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["item"] == item)
        .unwrap_or_else(|| panic!("no {item} in {figures}"))
}

#[tokio::test]
async fn attack_1_suppressed_choice_cells_reveal_no_answer() {
    let ins = mlgov_survey::Instrument::whole_comm();
    let roles: Vec<&str> = ins.roles.iter().map(|r| r.id.as_str()).collect();
    let options: Vec<&str> = ins
        .perceptions
        .iter()
        .find(|p| p.id == "responsibility")
        .unwrap()
        .options
        .iter()
        .map(|o| o.id.as_str())
        .collect();
    // One respondent: whatever role they have, the public figures are the same bytes.
    let (_, a) = world(&[format!("role={}", roles[0])]).await;
    let (_, b) = world(&[format!("role={}", roles[roles.len() - 1])]).await;
    assert_eq!(a, b, "one respondent's role must not change what the public sees");
    let role = choice(&a, "role");
    assert_eq!(
        role["options"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        roles,
        "every role of the instrument is listed"
    );
    assert!(role["options"].as_array().unwrap().iter().all(|o| o["count"].is_null()), "{role}");
    assert!(role["total"].is_null() && a["respondents"].is_null());
    // Four respondents who all chose the same option, against four who chose two others.
    let same: Vec<String> =
        (0..4).map(|_| "role=local_official&responsibility=shared".to_string()).collect();
    let mixed: Vec<String> =
        (0..4).map(|i| format!("role=local_official&responsibility={}", options[i % 2])).collect();
    let (_, c) = world(&same).await;
    let (_, d) = world(&mixed).await;
    assert_eq!(c, d, "four identical answers must look like four different ones");
    let resp = choice(&c, "responsibility");
    let opts = resp["options"].as_array().unwrap();
    assert_eq!(opts.iter().map(|o| o["id"].as_str().unwrap()).collect::<Vec<_>>(), options);
    // Every suppressed cell is the same `null` with nothing beside it.
    for o in opts {
        assert_eq!(
            o.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["count", "id", "label"],
            "{o}"
        );
        assert!(o["count"].is_null());
    }
}

#[tokio::test]
async fn attack_2_differencing_before_and_after_one_submission_recovers_nothing() {
    let forms: Vec<String> =
        (1..=5).map(|v| format!("role=local_official&freq_p1_trade_unions={v}")).collect();
    let (f, _) = world(&forms).await;
    let (_, before) =
        text_of(&f, form_request("GET", "/api/v1/surveys/s1/aggregates", None, None)).await;
    // One more respondent answers 5.
    submit_all(&f, &["role=local_official&freq_p1_trade_unions=5".to_string()]).await;
    let (_, after) =
        text_of(&f, form_request("GET", "/api/v1/surveys/s1/aggregates", None, None)).await;
    assert_eq!(before, after, "the public figures are frozen until a new release");
    // The project's researcher sees the live figures (6 respondents)…
    let (s, live) = text_of(
        &f,
        form_request("GET", "/api/v1/surveys/s1/aggregates?live=true", f.bearer("member"), None),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert!(live.contains(r#""respondents":6"#), "{live}");
    // …but a release one respondent away from release 1 is refused, saying why.
    let (s, body) =
        text_of(&f, form_request("POST", "/api/v1/surveys/s1/releases", f.bearer("member"), None))
            .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["error"]["code"], "conflict");
    let msg = v["error"]["message"].as_str().unwrap();
    assert!(
        msg.contains("differs from release 1 by 1 respondent") && msg.contains("at least 5"),
        "{msg}"
    );
    let (_, again) =
        text_of(&f, form_request("GET", "/api/v1/surveys/s1/aggregates", None, None)).await;
    assert_eq!(before, again, "a refused release publishes nothing");
    // Four more (five since release 1 = k): accepted.
    submit_all(
        &f,
        &(0..4)
            .map(|_| "role=local_official&freq_p1_trade_unions=1".to_string())
            .collect::<Vec<_>>(),
    )
    .await;
    let (s, body) =
        text_of(&f, form_request("POST", "/api/v1/surveys/s1/releases", f.bearer("member"), None))
            .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    assert!(body.contains(r#""number":2"#) && body.contains(r#""respondents":10"#), "{body}");
    let (_, list) =
        text_of(&f, form_request("GET", "/api/v1/surveys/s1/releases", None, None)).await;
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(
        list.as_array().unwrap().iter().map(|r| r["number"].as_i64().unwrap()).collect::<Vec<_>>(),
        [1, 2]
    );
    assert!(!list.to_string().contains("cell_members") && !list.to_string().contains("content"));
}

#[tokio::test]
async fn a_collection_cannot_take_the_name_of_a_stored_dataset() {
    let f = Fixture::new();
    let mut kb = mlgov_store_postgres::open_any(
        &f.backend.location(),
        mlgov_store_postgres::OpenMode::Existing,
    )
    .unwrap();
    let ds = mlgov_survey::synth(
        &mlgov_survey::synth_localities(2, 1),
        mlgov_survey::SynthSize::PerLocality(6),
        1,
        &Default::default(),
        &mlgov_survey::Instrument::whole_comm(),
    );
    let stored = mlgov_store::StoredSurvey {
        summary: mlgov_store::SurveySummary {
            name: "imported".into(),
            version: 0,
            origin: mlgov_store::SurveyOrigin::Imported,
            synthetic: true,
            project: Some("p1".into()),
            source_file: "x.csv".into(),
            instrument_id: "whole-comm-interactions".into(),
            instrument_version: "1".into(),
            respondents: ds.len() as i64,
            written_at: "2026-01-01T00:00:00Z".into(),
        },
        instrument_toml: mlgov_survey::instrument::WHOLE_COMM_TOML.into(),
        localities_csv: String::new(),
        data: String::from_utf8(write_wide(&ds)).unwrap(),
    };
    kb.put_survey(&stored).unwrap();
    let (s, body) = send_json(
        &f,
        "/api/v1/surveys",
        r#"{"name":"imported","instrument":"whole-comm-interactions","project":"p1"}"#,
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{body}");
    assert!(body.contains("already stored"), "{body}");
    // The stored dataset is published and served like a collected survey.
    let (s, body) = text_of(
        &f,
        form_request("POST", "/api/v1/surveys/imported/releases", f.bearer("member"), None),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    assert!(body.contains(r#""respondents":12"#), "{body}");
    let (s, body) =
        text_of(&f, form_request("GET", "/api/v1/surveys/imported/aggregates", None, None)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.contains(r#""synthetic":true"#), "{body}");
    // Another project's researcher: as for a survey that does not exist.
    let (s, body) = text_of(
        &f,
        form_request(
            "GET",
            "/api/v1/surveys/imported/aggregates?live=true",
            f.bearer("outsider"),
            None,
        ),
    )
    .await;
    assert_eq!(
        (s, body.replace("imported", "nosuch")),
        text_of(
            &f,
            form_request(
                "GET",
                "/api/v1/surveys/nosuch/aggregates?live=true",
                f.bearer("outsider"),
                None
            )
        )
        .await
    );
    assert_eq!(s, StatusCode::NOT_FOUND);
}

fn write_wide(ds: &mlgov_survey::Dataset) -> Vec<u8> {
    let mut out = Vec::new();
    mlgov_survey::write_wide_csv(ds, &mlgov_survey::Instrument::whole_comm(), &mut out).unwrap();
    out
}

async fn send_json(f: &Fixture, uri: &str, json: &str) -> (StatusCode, String) {
    text_of(f, request("POST", uri, f.bearer("admin"), Some(json))).await
}
