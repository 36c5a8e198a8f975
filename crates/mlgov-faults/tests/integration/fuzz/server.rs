//! The server's hand-written parsers: query strings (`Params`, `?as_of=`), `If-Modified-Since`
//! dates, the respondent form (URL-encoded body, then the instrument's validation), and the CSV
//! tables read back by the exporter.

use mlgov_server::ApiError;
use mlgov_server::params::Params;
use proptest::prelude::*;

use super::harness::*;

/// Query strings: pairs of the API's parameter names and hostile values, percent-encoded or not.
fn queries() -> impl Strategy<Value = Bytes> {
    let name = prop_oneof![
        proptest::sample::select(vec![
            "page",
            "per_page",
            "q",
            "year",
            "kind",
            "country",
            "as_of",
            "network",
            "include_undated",
            "lat",
            "on",
            "method",
            "bogus"
        ])
        .prop_map(String::from),
        "[%+=&a-z0-9]{0,8}",
    ];
    // `?as_of=` values: dates and times of the right length in bytes with a character of two,
    // three or four bytes somewhere (the parser cuts the text at byte 10).
    let as_of = (
        proptest::sample::select(vec![
            "2026-03-01",
            "2026-03-01T09:30:00Z",
            "cs:12",
            "2026-03-0",
            "2026-03-01T09:30:0",
        ]),
        proptest::sample::select(vec!["", "é", "€", "🙂", "Z", "0"]),
        0usize..21,
    )
        .prop_map(|(base, ch, at)| {
            let mut s = base.to_string();
            let at = (0..=at.min(s.len())).rev().find(|i| s.is_char_boundary(*i)).unwrap_or(0);
            s.insert_str(at, ch);
            s
        });
    let value = prop_oneof![
        "[-+0-9.e]{0,24}",
        "[%0-9A-Fa-fgz+=&;]{0,16}",
        "\\PC{0,20}",
        "(cs:)?[0-9T:Z-]{0,22}",
        as_of
    ];
    let query = proptest::collection::vec((name, value, any::<bool>()), 0..12).prop_map(|pairs| {
        let q: Vec<String> =
            pairs.into_iter().map(|(k, v, eq)| if eq { format!("{k}={v}") } else { k }).collect();
        Bytes::new(q.join("&").into_bytes())
    });
    prop_oneof![4 => query, 1 => texty_bytes(200)]
}

#[test]
fn query_strings() {
    fuzz("server query", 4000, queries(), |input, totals| {
        let ran = run("server query", &input.0, |b| {
            let raw = String::from_utf8_lossy(b).into_owned();
            let mut p = Params::parse(Some(&raw));
            let _ = p.pagination(20);
            let _ = p.int("year", 1000..=2999);
            let _ = p.float("lat", -90.0..=90.0);
            let _ = p.bool("include_undated");
            let _ = p.choice("on", &["networks", "layers"]);
            let _ = p.string("q");
            p.allow(&["as_of"]);
            let names: Vec<String> = raw
                .split('&')
                .map(|kv| mlgov_server::params::decode(kv.split_once('=').map_or(kv, |(k, _)| k)))
                .collect();
            let errors = match p.finish() {
                Ok(()) => Vec::new(),
                Err(ApiError::BadRequest(f)) => f.into_iter().map(|e| e.field).collect(),
                Err(e) => vec![format!("not a 400: {e}")],
            };
            // Every value as the `?as_of=` middleware would read it.
            let as_of: Vec<bool> = raw
                .split('&')
                .filter_map(|kv| kv.split_once('='))
                .map(|(_, v)| mlgov_store::AsOf::parse(&mlgov_server::params::decode(v)).is_ok())
                .collect();
            let round = mlgov_server::params::decode(&mlgov_server::params::encode(&raw)) == raw;
            (names, errors, as_of.len(), round)
        })?;
        totals.add(input.0.len(), &ran);
        let (names, errors, _, round) = &ran.value;
        prop_assert!(*round, "decode(encode(q)) != q");
        for f in errors {
            prop_assert!(names.contains(f), "a problem on {f:?}, which the query does not name");
        }
        Ok(())
    });
}

/// `If-Modified-Since` values: the three RFC 9110 forms with day, time and month mostly in range
/// and years (and sometimes the rest) of any size, and noise.
fn http_dates() -> impl Strategy<Value = Bytes> {
    let wide = || prop_oneof![1 => any::<i64>().prop_map(|v| v.to_string()), 1 => any::<u64>().prop_map(|v| v.to_string()), 1 => "[0-9]{0,30}", 1 => (0u64..100).prop_map(|v| v.to_string())];
    let small = |hi: u64| prop_oneof![6 => (0..=hi).prop_map(|v| format!("{v:02}")), 1 => wide()];
    let year = prop_oneof![2 => (1900i64..3000).prop_map(|v| v.to_string()), 2 => wide(), 1 => (1i64..19).prop_map(|k| 10i64.pow(k as u32).to_string())];
    let form = (
        0u8..3,
        small(31),
        year,
        small(23),
        small(59),
        small(60),
        proptest::sample::select(vec!["Jan", "Feb", "Nov", "Dec", "XYZ"]),
    )
        .prop_map(|(f, d, y, h, m, s, mo)| match f {
            0 => format!("Sun, {d} {mo} {y} {h}:{m}:{s} GMT"),
            1 => format!("Sunday, {d}-{mo}-{y} {h}:{m}:{s} GMT"),
            _ => format!("Sun {mo} {d} {h}:{m}:{s} {y}"),
        });
    prop_oneof![6 => form.prop_map(|s| Bytes::new(s.into_bytes())), 1 => texty_bytes(60)]
}

#[test]
fn if_modified_since() {
    fuzz("server http date", 5000, http_dates(), |input, totals| {
        let ran = run("server http date", &input.0, |b| {
            let parsed = mlgov_server::httpdate::parse(&String::from_utf8_lossy(b));
            parsed.map(|t| {
                (mlgov_server::httpdate::unix_seconds(t), mlgov_server::httpdate::format(t))
            })
        })?;
        totals.add(input.0.len(), &ran);
        if let Some((secs, text)) = &ran.value {
            // What is read is a time that prints and reads back.
            let again =
                mlgov_server::httpdate::parse(text).map(mlgov_server::httpdate::unix_seconds);
            prop_assert_eq!(again, Some(*secs), "{} does not read back", text);
        }
        Ok(())
    });
}

/// Respondent form bodies: the instrument's field names with values, and noise.
fn form_bodies() -> impl Strategy<Value = Bytes> {
    let ins = mlgov_survey::Instrument::whole_comm();
    let mut names: Vec<String> = vec![
        "role".into(),
        "affiliation".into(),
        "action".into(),
        "csrf_token".into(),
        "bogus".into(),
    ];
    for p in &ins.periods {
        for a in ins.actors.iter().take(3) {
            names.push(format!("freq_{}_{}", p.id, a.id));
            names.push(format!("nature_{}_{}", p.id, a.id));
        }
    }
    names.extend(ins.perceptions.iter().map(|p| p.id.clone()));
    let value = prop_oneof![
        "-?[0-9]{0,12}",
        "[a-z_;]{0,40}",
        "[%+=&]{0,6}[0-9A-F]{0,4}",
        "\\PC{0,250}",
        "submit|save|none"
    ];
    let body = proptest::collection::vec((proptest::sample::select(names), value), 0..30).prop_map(
        |pairs| {
            let s: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
            Bytes::new(s.join("&").into_bytes())
        },
    );
    prop_oneof![4 => body, 1 => texty_bytes(300), 1 => any_bytes(100)]
}

#[test]
fn respondent_form() {
    fuzz("respondent form", 2500, form_bodies(), |input, totals| {
        let ran = run("respondent form", &input.0, |b| {
            let ins = mlgov_survey::Instrument::whole_comm();
            let pairs = mlgov_auth::http::parse_form(b);
            let values = mlgov_collect::respond::collect(&pairs);
            let save = mlgov_collect::respond::validate(&ins, &values, false);
            let submit = mlgov_collect::respond::validate(&ins, &values, true);
            let keys: Vec<String> = values.keys().cloned().collect();
            let back = save
                .as_ref()
                .ok()
                .map(|answers| mlgov_collect::respond::values_of(&ins, answers).len());
            (
                keys,
                save.map(|a| a.len())
                    .map_err(|e| e.into_iter().map(|f| f.field).collect::<Vec<_>>()),
                submit
                    .map(|a| a.len())
                    .map_err(|e| e.into_iter().map(|f| f.field).collect::<Vec<_>>()),
                back,
            )
        })?;
        totals.add(input.0.len(), &ran);
        let (keys, save, submit, _) = &ran.value;
        for errs in [save, submit].into_iter().filter_map(|r| r.as_ref().err()) {
            for f in errs {
                prop_assert!(
                    keys.contains(f) || f == "role",
                    "a problem on field {f:?}, which the form does not hold"
                );
            }
        }
        Ok(())
    });
}

#[test]
fn csv_tables_read_back() {
    let seed =
        b"respondent,locality,freq,when\nr1,loc:a,3,2020-01\nr2,\"loc:b, c\",4.5,2021\n".to_vec();
    fuzz(
        "export csv table",
        2000,
        prop_oneof![3 => mutated(vec![seed]), 1 => texty_bytes(300)],
        |input, totals| {
            let ran = run("export csv table", &input.0, |b| {
                mlgov_export::csv_table(b, "t", "T")
                    .map(|t| t.rows.len())
                    .map_err(|e| (e.position().map(|p| p.line()), e.to_string()))
            })?;
            totals.add(input.0.len(), &ran);
            if let Err((Some(line), e)) = &ran.value {
                prop_assert!(
                    *line >= 1 && *line as usize <= line_count(&input.0),
                    "line {line} outside the input: {e}"
                );
            }
            Ok(())
        },
    );
}
