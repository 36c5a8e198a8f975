//! Survey figures in the explorer and the API from the surveys stored in the database: nothing is
//! shown before a survey is stored; a project's researchers see live figures of its dataset,
//! viewers and the public only its published release (every instrument option listed, suppressed
//! cells saying nothing); locality pages show group figures from whatever the visitor may see;
//! caches never hand one audience's page to another. Every test runs on both backends.

use mlgov_disclosure::Rules;
use mlgov_store::{Store, StoredRelease, StoredSurvey, SurveyOrigin, SurveySummary};
use mlgov_survey::{
    AnalysisConfig, AnalysisKind, Dimension, Instrument, LocalityInfo, SynthParams, SynthSize,
    analyze,
};

use super::common::Env;

/// The Whole-COMM localities of the bundled base (what synthetic surveys are drawn over).
fn localities(env: &Env) -> Vec<LocalityInfo> {
    mlgov_analysis::survey::whole_comm_localities(&env.state.snapshot().kb)
}

/// Stores a synthetic survey `name` (6 respondents per Whole-COMM locality, seed 11) owned by
/// `project`; returns the dataset.
async fn store_synthetic(
    env: &Env,
    name: &'static str,
    project: Option<&'static str>,
) -> mlgov_survey::Dataset {
    let ins = Instrument::whole_comm();
    let locs = localities(env);
    let ds =
        mlgov_survey::synth(&locs, SynthSize::PerLocality(6), 11, &SynthParams::default(), &ins);
    let enc = mlgov_survey::stored::encode(&ds, &ins, None);
    let stored = StoredSurvey {
        summary: SurveySummary {
            name: name.into(),
            version: 0,
            origin: SurveyOrigin::Synthetic,
            synthetic: true,
            project: project.map(str::to_string),
            source_file: String::new(),
            instrument_id: ins.id.clone(),
            instrument_version: ins.version.clone(),
            respondents: ds.len() as i64,
            written_at: "2026-12-06T12:00:00Z".into(),
        },
        instrument_toml: enc.instrument_toml,
        localities_csv: enc.localities_csv,
        data: enc.data,
    };
    env.with_store(move |s: &mut dyn Store| s.put_survey(&stored).expect("put survey")).await;
    ds
}

/// Publishes release 1 of `name` from `ds` (k = 5); returns the published figures as JSON.
async fn publish(env: &Env, name: &'static str, ds: &mlgov_survey::Dataset) -> serde_json::Value {
    let p = mlgov_survey::publish::publish(
        ds,
        &Instrument::whole_comm(),
        &localities(env),
        &Rules::with_min_cell(5),
    )
    .expect("publish");
    let release = StoredRelease {
        survey: name.into(),
        number: 1,
        survey_version: 1,
        created_at: "2026-12-06T12:30:00Z".into(),
        created_by: "rita".into(),
        min_cell: 5,
        content: serde_json::to_string(&p.content).unwrap(),
        cell_members: serde_json::to_string(&p.cell_members).unwrap(),
    };
    env.with_store(move |s: &mut dyn Store| s.put_release(&release).expect("put release")).await;
    serde_json::to_value(&p.content).unwrap()
}

async fn nothing_is_shown_before_a_survey_is_stored(env: Env) {
    let r = env.get("/survey").await;
    assert_eq!(r.status, 200);
    let html = r.text();
    assert!(html.contains("No survey figures are published yet"), "{html}");
    assert!(!html.contains("SYNTHETIC"), "no generated data appears on its own");
    let api = env.get("/api/v1/survey").await;
    assert_eq!(api.status, 404);
    assert_eq!(api.json()["error"]["code"], "not_found");
    let r = env.get_as(&env.researcher_bearer, "/api/v1/survey").await;
    assert_eq!(r.status, 404, "nothing stored: nothing for researchers either");
    assert!(r.json()["error"]["message"].as_str().unwrap().contains("mlgov survey import"));
    let loc = env.get("/api/v1/localities/saint-etienne/survey").await.json();
    assert!(loc["surveys"].as_array().unwrap().is_empty());
}

async fn researchers_see_live_figures_and_the_public_sees_nothing_unpublished(env: Env) {
    let ds = store_synthetic(&env, "pilot", Some("p1")).await;
    // The public and viewers: nothing until a release is published.
    assert_eq!(env.get("/api/v1/survey").await.status, 404);
    assert_eq!(env.get_as(&env.viewer_bearer, "/api/v1/survey").await.status, 404);
    assert!(env.get("/survey").await.text().contains("No survey figures are published yet"));
    // The project's researcher: live figures, the same numbers as the analysis run here.
    let live = env
        .get_as(
            &env.researcher_bearer,
            "/api/v1/survey?survey=pilot&analysis=frequency&group_by=size&period=p2",
        )
        .await;
    assert_eq!(live.status, 200, "{}", live.text());
    assert_eq!(live.header("cache-control"), Some("private, no-cache"));
    let live = live.json();
    assert_eq!(
        (live["source"].as_str(), live["synthetic"].as_bool(), live["respondents"].as_u64()),
        (Some("live"), Some(true), Some(ds.len() as u64))
    );
    let cfg = AnalysisConfig {
        group_by: vec![Dimension::Size],
        periods: Some(vec!["p2".into()]),
        resamples: 200,
        seed: 1,
        ..AnalysisConfig::default()
    };
    let expected =
        analyze(AnalysisKind::Frequency, &ds, &Instrument::whole_comm(), &localities(&env), &cfg)
            .expect("analysis");
    let rows = live["rows"].as_array().unwrap();
    assert_eq!(rows.len(), expected.rows.len());
    for (got, want) in rows.iter().zip(&expected.rows) {
        assert_eq!(got["estimate"]["n"].as_u64(), Some(want.estimate.n as u64));
        assert!(
            (got["estimate"]["mean"].as_f64().unwrap() - want.estimate.mean.unwrap()).abs() < 1e-3
        );
    }
    assert!(live["notice"].as_str().unwrap().starts_with("SYNTHETIC DATA"));
    // Every estimate gives its localities; the default population is the report's, `role=all`
    // counts every role (more respondents), and the page says which.
    assert!(rows.iter().all(|r| r["estimate"]["localities"].as_u64().is_some()), "{rows:?}");
    let all = env
        .get_as(
            &env.researcher_bearer,
            "/api/v1/survey?survey=pilot&analysis=frequency&group_by=size&period=p2&role=all",
        )
        .await
        .json();
    let said = |v: &serde_json::Value, what: &str| {
        v["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap_or("").contains(what))
    };
    assert!(
        said(&live, "the report's population") && said(&all, "every role"),
        "{:?} / {:?}",
        live["notes"],
        all["notes"]
    );
    let page = env.get_as(&env.researcher_bearer, "/survey?survey=pilot").await.text();
    assert!(
        page.contains("the report&#x27;s population") || page.contains("the report's population"),
        "the respondents chosen are said"
    );
    assert!(
        page.contains("SYNTHETIC DATA")
            && page.contains("Live figures of survey &quot;pilot&quot;"),
        "the page says what it shows"
    );
    // An admin sees it too; a researcher of another project does not (that account is not in p1:
    // the viewer stands in here, as a non-member).
    assert_eq!(env.get_as(&env.admin_bearer, "/api/v1/survey?survey=pilot").await.status, 200);
}

async fn the_public_sees_the_published_release_with_every_option(env: Env) {
    let ds = store_synthetic(&env, "pilot", Some("p1")).await;
    let figures = publish(&env, "pilot", &ds).await;
    // The public: the release, never live figures.
    let r = env.get("/api/v1/survey").await;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.header("cache-control"), Some("no-cache"));
    let v = r.json();
    assert_eq!(
        (v["survey"].as_str(), v["source"].as_str(), v["release"].as_i64(), v["min_cell"].as_u64()),
        (Some("pilot"), Some("release"), Some(1), Some(5))
    );
    assert_eq!(v["synthetic"], true, "a release of synthetic data stays labelled");
    // The default table is the first class-aggregate table of the release, row for row.
    let table = figures["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["analysis"] == "class_aggregates")
        .unwrap();
    assert_eq!(v["table"], table["id"]);
    let got = v["rows"].as_array().unwrap();
    assert_eq!(got.len(), table["rows"].as_array().unwrap().len());
    for (g, w) in got.iter().zip(table["rows"].as_array().unwrap()) {
        assert_eq!(g["estimate"]["n"], w["n"]);
        assert_eq!(g["estimate"]["suppressed"], w["n"].is_null());
    }
    // Choice tables list every option of the instrument, whatever the data.
    let ins = Instrument::whole_comm();
    let role =
        v["choices"].as_array().unwrap().iter().find(|c| c["item"] == "role").expect("role table");
    let ids: Vec<&str> =
        role["options"].as_array().unwrap().iter().map(|o| o["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ins.roles.iter().map(|r| r.id.as_str()).collect::<Vec<_>>());
    // Every published table can be chosen; an unknown one is a 400.
    for t in figures["tables"].as_array().unwrap() {
        let id = t["id"].as_str().unwrap();
        let r = env.get(&format!("/api/v1/survey?table={id}")).await;
        assert_eq!(r.status, 200, "{id}");
        assert_eq!(r.json()["table"], id);
    }
    assert_eq!(env.get("/api/v1/survey?table=raw_answers").await.status, 400);
    // The page shows the release, its choice tables and no live filter.
    let html = env.get("/survey").await.text();
    assert!(html.contains("Published release 1 of survey &quot;pilot&quot;"), "{html}");
    assert!(html.contains("Choice questions") && !html.contains("name=\"analysis\""));
    // The researcher still gets live figures; the caches keep the two apart.
    let live = env.get_as(&env.researcher_bearer, "/api/v1/survey").await.json();
    assert_eq!(live["source"], "live");
    assert_eq!(
        env.get("/api/v1/survey").await.json()["source"],
        "release",
        "a cached live page never reaches the public"
    );
    let a = env.get("/survey").await;
    let b = env.get_as(&env.researcher_bearer, "/survey").await;
    assert_ne!(a.header("etag"), b.header("etag"), "audiences have their own ETags");
}

async fn locality_pages_show_group_figures_from_what_the_visitor_may_see(env: Env) {
    let ds = store_synthetic(&env, "pilot", Some("p1")).await;
    // Saint-Étienne: medium town (assumed from its population), not a respondent locality.
    let live =
        env.get_as(&env.researcher_bearer, "/api/v1/localities/saint-etienne/survey").await.json();
    let f = &live["surveys"][0];
    assert_eq!(
        (f["survey"].as_str(), f["source"].as_str(), f["respondents"].as_u64()),
        (Some("pilot"), Some("live"), Some(0))
    );
    let g = &f["groups"][0];
    assert_eq!(
        (g["dimension"].as_str(), g["value"].as_str(), g["status"].as_str()),
        (Some("size"), Some("medium_town"), Some("assumed"))
    );
    let cfg = AnalysisConfig {
        group_by: vec![Dimension::Size],
        periods: Some(vec!["p2".into()]),
        resamples: 200,
        seed: 1,
        ..AnalysisConfig::default()
    };
    let t = analyze(
        AnalysisKind::ClassAggregates,
        &ds,
        &Instrument::whole_comm(),
        &localities(&env),
        &cfg,
    )
    .unwrap();
    let want: Vec<_> = t.rows.iter().filter(|r| r.group == ["medium_town"]).collect();
    assert_eq!(g["rows"].as_array().unwrap().len(), want.len());
    assert_eq!(g["rows"][0]["estimate"]["n"].as_u64(), Some(want[0].estimate.n as u64));
    // The public: nothing before the release …
    let public = env.get("/api/v1/localities/saint-etienne/survey").await.json();
    assert!(public["surveys"].as_array().unwrap().is_empty());
    assert!(!env.get("/localities/saint-etienne").await.text().contains("SYNTHETIC"));
    // … and the release's figures after it, without respondent counts of the locality.
    let figures = publish(&env, "pilot", &ds).await;
    let public = env.get("/api/v1/localities/saint-etienne/survey").await.json();
    let f = &public["surveys"][0];
    assert_eq!((f["source"].as_str(), f["release"].as_i64()), (Some("release"), Some(1)));
    assert!(f["respondents"].is_null(), "a release never tells how many answered in one locality");
    let by_size = figures["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| {
            t["analysis"] == "class_aggregates"
                && t["group_by"] == serde_json::json!(["size"])
                && t["roles"] == serde_json::json!(["elected_policymaker", "local_official"])
        })
        .unwrap();
    let published: Vec<_> = by_size["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["group"] == serde_json::json!(["medium_town"]))
        .collect();
    let g = f["groups"].as_array().unwrap().iter().find(|g| g["dimension"] == "size").unwrap();
    assert_eq!(g["rows"].as_array().unwrap().len(), published.len());
    assert_eq!(g["rows"][0]["estimate"]["n"], published[0]["n"]);
    let html = env.get("/localities/saint-etienne").await.text();
    assert!(
        html.contains("id=\"survey-groups\"") && html.contains("SYNTHETIC DATA in pilot"),
        "the page shows the labelled release figures"
    );
}

async fn survey_outputs_never_name_a_respondent_locality(env: Env) {
    // Survey figures are group-level: neither the release nor the live dashboards list the
    // localities behind them (the anonymised Whole-COMM localities are known by public label
    // only; their ids appear nowhere in survey output).
    let ds = store_synthetic(&env, "pilot", Some("p1")).await;
    publish(&env, "pilot", &ds).await;
    let snap = env.state.snapshot();
    let anonymised: Vec<String> = snap
        .kb
        .localities
        .iter()
        .filter(|l| l.anonymised)
        .map(|l| l.id.body().to_string())
        .collect();
    assert!(
        ds.respondents.iter().any(|r| anonymised.iter().any(|a| r.locality.ends_with(a.as_str()))),
        "precondition: respondents in anonymised localities"
    );
    for bearer in [None, Some(env.researcher_bearer.clone())] {
        for path in
            ["/survey", "/api/v1/survey", "/survey?table=class_aggregates_by_size_typology_p2"]
        {
            let r = match &bearer {
                Some(b) => env.get_as(b, path).await,
                None => env.get(path).await,
            };
            assert_eq!(r.status, 200, "{path}");
            let text = r.text();
            assert!(
                !anonymised.iter().any(|a| text.contains(a.as_str())),
                "{path} names an anonymised locality"
            );
        }
    }
    let l = snap
        .kb
        .localities
        .iter()
        .find(|l| l.anonymised && l.public_label.is_some())
        .expect("an anonymised locality");
    let html = env.get(&format!("/localities/{}", l.id.body())).await.text();
    assert!(
        html.contains(&mlgov_charts::escape(l.public_label.as_deref().unwrap())),
        "its page uses the public label"
    );
}

async fn a_collected_survey_is_live_for_its_project_and_public_only_when_released(env: Env) {
    // Six respondents answer through invitation links (the collection tables of the same database).
    let location = env.location.to_string_lossy().into_owned();
    let ds = tokio::task::spawn_blocking(move || {
        let mut store = mlgov_collect::open_store(&location).expect("collection store");
        let s =
            store.create_survey("collected", "whole-comm-interactions", "p1", 0).expect("create");
        let ids = store
            .insert_invitations(
                s.id,
                &(0..7).map(|i| format!("{i:064x}")).collect::<Vec<_>>(),
                Some("loc:wc-se-jonkoping"),
                0,
            )
            .expect("invite");
        let answer = |item: &str, period: &str, value: &str| mlgov_collect::store::Answer {
            item: item.into(),
            period: period.into(),
            value: value.into(),
        };
        for (i, id) in ids.iter().enumerate() {
            let answers = vec![
                answer("role", "", "elected_policymaker"),
                answer("freq_trade_unions", "p2", &(1 + i % 3).to_string()),
            ];
            // The seventh saves a draft without submitting: never analysed.
            store.save_answers(*id, &answers, i < 6, 1).expect("save");
        }
        mlgov_collect::collected_dataset(store.as_ref(), &s, &Instrument::whole_comm())
            .expect("collected dataset")
    })
    .await
    .unwrap();
    let state = env.state.clone();
    tokio::task::spawn_blocking(move || state.reload().expect("reload")).await.unwrap();
    assert_eq!(
        env.get("/api/v1/survey?survey=collected").await.status,
        400,
        "the public does not even see the name"
    );
    let live = env
        .get_as(
            &env.researcher_bearer,
            "/api/v1/survey?survey=collected&analysis=frequency&group_by=role&period=p2",
        )
        .await;
    assert_eq!(live.status, 200, "{}", live.text());
    let live = live.json();
    assert_eq!(
        (live["source"].as_str(), live["respondents"].as_u64(), live["synthetic"].as_bool()),
        (Some("live"), Some(6), Some(false)),
        "submitted answers only"
    );
    let unions = live["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["measure"] == "trade_unions")
        .expect("trade unions row");
    assert_eq!(unions["estimate"]["n"], 6);
    assert!(
        (unions["estimate"]["mean"].as_f64().unwrap() - 2.0).abs() < 1e-9,
        "(1+2+3+1+2+3)/6 = 2: {unions}"
    );
    let html = env.get_as(&env.researcher_bearer, "/survey?survey=collected").await.text();
    assert!(html.contains("Live figures of survey &quot;collected&quot;"));
    // Released: the public sees the frozen figures, six respondents of one role all suppressed.
    publish(&env, "collected", &ds).await;
    let public = env.get("/api/v1/survey?survey=collected").await.json();
    assert_eq!(
        (public["source"].as_str(), public["release"].as_i64(), public["respondents"].as_u64()),
        (Some("release"), Some(1), Some(6))
    );
    let role = public["choices"].as_array().unwrap().iter().find(|c| c["item"] == "role").unwrap();
    assert!(
        role["options"].as_array().unwrap().iter().all(|o| o["count"].is_null()),
        "six of one role: no role count is published: {role}"
    );
    assert_eq!(
        env.get_as(&env.researcher_bearer, "/api/v1/survey?survey=collected").await.json()["source"],
        "live"
    );
}

/// What `path` tells a visitor with `bearer` (`Resp::comparable`).
async fn answer(env: &Env, bearer: Option<&str>, path: &str) -> (u16, String, String) {
    match bearer {
        Some(b) => env.get_as(b, path).await,
        None => env.get(path).await,
    }
    .comparable()
}

/// No enumeration: a stored survey of a project the visitor does not belong to (and without a
/// release) is answered — by the survey API, the dashboard page and a locality's survey section —
/// exactly as a survey name that does not exist, to a researcher of another project, a viewer, a
/// contributor and the public; its project is never named.
async fn a_survey_of_another_project_answers_as_one_that_does_not_exist(env: Env) {
    let askers = [
        ("researcher of p1", Some(env.researcher_bearer.clone())),
        ("viewer", Some(env.viewer_bearer.clone())),
        ("contributor", Some(env.contributor_bearer.clone())),
        ("public", None),
    ];
    let paths = [
        "/api/v1/survey?survey=hidden",
        "/api/v1/survey?survey=hidden&analysis=frequency",
        "/api/v1/survey",
        "/survey?survey=hidden",
        "/survey",
        "/api/v1/localities/saint-etienne/survey",
    ];
    let mut before = Vec::new();
    for path in paths {
        for (_, bearer) in &askers {
            before.push(answer(&env, bearer.as_deref(), path).await);
        }
    }
    store_synthetic(&env, "hidden", Some("p2")).await;
    for (i, path) in paths.iter().enumerate() {
        for (j, (who, bearer)) in askers.iter().enumerate() {
            let a = answer(&env, bearer.as_deref(), path).await;
            assert_eq!(
                a,
                before[i * askers.len() + j],
                "{path} as {who}: the answer tells that the survey exists"
            );
            assert!(!a.2.contains("p2"), "{path} as {who} names the survey's project: {}", a.2);
        }
    }
    let r = env.get_as(&env.researcher_bearer, "/api/v1/survey?survey=hidden").await;
    assert_eq!(r.status, 400, "{}", r.text());
    assert_eq!(
        r.json()["error"]["fields"][0]["message"],
        "unknown value \"hidden\"; expected one of: ",
        "the surveys the visitor may see, none here"
    );
    // The admin sees it, live.
    let v = env.get_as(&env.admin_bearer, "/api/v1/survey?survey=hidden").await.json();
    assert_eq!(v["source"], "live", "{v}");
}

/// A change of the surveys alone (here a stored survey; an answer submitted, a release or a
/// login likewise) keeps the loaded base — the change mark (PostgreSQL's fingerprint, SQLite's
/// `base_mark`) names the same base, so a server under a survey campaign does not read a million
/// memberships per answer — and shows the new surveys with a new content version; a change of the
/// base reads the base again.
async fn a_change_of_the_surveys_alone_keeps_the_base(env: Env) {
    // What the server does when the database changes: PostgreSQL's listener hands over the
    // fingerprint (the running server's own listener may take the change first; either way the
    // same reload runs, once), SQLite's watcher sees the file change.
    fn changed(state: &mlgov_server::AppState, location: &str) {
        match mlgov_store::Location::parse(location) {
            mlgov_store::Location::Postgres(url) => state
                .reload_if_fingerprint(
                    &mlgov_store_postgres::changes::fingerprint_at(&url).expect("fingerprint"),
                )
                .map(|_| ()),
            mlgov_store::Location::Sqlite(_) => state.reload_if_changed().map(|_| ()),
        }
        .expect("reload");
    }
    let location = env.location.to_string_lossy().to_string();
    let before = env.state.snapshot();
    let (state, l) = (env.state.clone(), location.clone());
    tokio::task::spawn_blocking(move || {
        let mut store =
            mlgov_store_postgres::open_any(&l, mlgov_store_postgres::OpenMode::Existing)
                .expect("open");
        store
            .put_survey(&mlgov_store::contract::survey_fixture("wave", "respondent\nr1\n"))
            .expect("put survey");
        changed(&state, &l);
    })
    .await
    .expect("task");
    let after = env.state.snapshot();
    assert!(
        std::sync::Arc::ptr_eq(&before.kb, &after.kb),
        "the base was read again for a change of the surveys"
    );
    assert_ne!(before.content_hash, after.content_hash, "a new content version (ETags change)");
    assert_eq!(env.get("/api/v1").await.json()["version"], format!("{:016x}", after.content_hash));
    // A change of the base: read again.
    let (state, l) = (env.state.clone(), location);
    tokio::task::spawn_blocking(move || {
        let mut store =
            mlgov_store_postgres::open_any(&l, mlgov_store_postgres::OpenMode::Existing)
                .expect("open");
        let mut kb = mlgov_domain::KnowledgeBase::default();
        kb.sources.push(mlgov_store::contract::rec(&[
            ("id", "src:added-meanwhile"),
            ("short", "Added"),
            ("title", "Added meanwhile"),
            ("kind", "other"),
        ]));
        store.insert_all(&kb).expect("import");
        changed(&state, &l);
    })
    .await
    .expect("task");
    let last = env.state.snapshot();
    assert!(!std::sync::Arc::ptr_eq(&after.kb, &last.kb));
    assert!(last.kb.sources.iter().any(|s| s.id.as_str() == "src:added-meanwhile"));
}

crate::both_backends!(
    a_change_of_the_surveys_alone_keeps_the_base,
    a_survey_of_another_project_answers_as_one_that_does_not_exist,
    a_collected_survey_is_live_for_its_project_and_public_only_when_released,
    nothing_is_shown_before_a_survey_is_stored,
    researchers_see_live_figures_and_the_public_sees_nothing_unpublished,
    the_public_sees_the_published_release_with_every_option,
    locality_pages_show_group_figures_from_what_the_visitor_may_see,
    survey_outputs_never_name_a_respondent_locality,
);
