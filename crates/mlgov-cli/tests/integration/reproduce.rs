//! Reproduction of the papers' tables by the CLI (`--json`), computed from the bundled data,
//! against the hand transcriptions in `tests-data/expected/`: Table 3 and Table 2 of Caponio &
//! Clément 2020, the phases of both trajectories, the Whole-COMM cross-tabs (every cell, totals,
//! the 12/24/13 conclusion) and the country configuration table; and the citation invariant
//! (every statement has an existing source and a non-empty locator).

use crate::common::{Env, expected};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn demo_env() -> Env {
    let env = Env::new();
    env.demo();
    env
}

/// A membership: network, from, to.
fn membership_row(m: &Value) -> (String, Option<i64>, Option<i64>) {
    (m["network"].as_str().unwrap().to_string(), opt_i64(&m["from"]), opt_i64(&m["to"]))
}

/// A mayor: name, from, to, party, orientation.
type MayorRow = (String, Option<i64>, Option<i64>, String, String);

/// A mayor of the expectations or of `mlgov compare`; `text` reads the party and orientation.
fn mayor_row(m: &Value, text: impl Fn(&Value) -> String) -> MayorRow {
    (
        m["name"].as_str().unwrap().to_string(),
        opt_i64(&m["from"]),
        opt_i64(&m["to"]),
        text(&m["party"]),
        text(&m["orientation"]),
    )
}

fn opt_i64(v: &Value) -> Option<i64> {
    v.as_i64()
}

fn city<'a>(cols: &'a [Value], id: &str) -> &'a Value {
    cols.iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("no column for {id}"))
}

#[test]
fn table3_memberships_and_mode_of_internationalisation() {
    let env = demo_env();
    let exp = expected("000-table3.json");
    let v = env.json(&["compare", "Turin", "Saint-Etienne", "--table3"]);
    assert_eq!(v["table3_only"], true);
    let cols = v["localities"].as_array().unwrap();
    assert_eq!(cols.len(), 2);
    for (label, loc_id) in exp["localities"].as_object().unwrap() {
        let loc_id = loc_id.as_str().unwrap();
        let col = city(cols, loc_id);
        // Networks and years, as a multiset of (network, from, to).
        let mut want: Vec<(String, Option<i64>, Option<i64>)> =
            exp[label.as_str()].as_array().unwrap().iter().map(membership_row).collect();
        let mut got: Vec<(String, Option<i64>, Option<i64>)> =
            col["memberships"].as_array().unwrap().iter().map(membership_row).collect();
        want.sort();
        got.sort();
        assert_eq!(got, want, "{label}: Table 3 memberships");
        // Each network under the name Table 3 prints, with its years: "Quartiers-en-crise
        // (1989-2015)", not today's "LUDEN".
        let years = |f: &Value, t: &Value| {
            format!(
                "{}-{}",
                opt_i64(f).map(|y| y.to_string()).unwrap_or_default(),
                opt_i64(t).map(|y| y.to_string()).unwrap_or_default()
            )
        };
        let mut want_labels: Vec<String> = exp[label.as_str()]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["label"].as_str().unwrap().to_string())
            .collect();
        let mut got_labels: Vec<String> = col["memberships"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| format!("{} ({})", m["name"].as_str().unwrap(), years(&m["from"], &m["to"])))
            .collect();
        want_labels.sort();
        got_labels.sort();
        assert_eq!(got_labels, want_labels, "{label}: Table 3 labels as printed");
        // Each row cites Table 3 of the paper.
        for m in col["memberships"].as_array().unwrap() {
            assert!(m["source"].as_str().unwrap().contains("Table 3"), "{m}");
            assert_eq!(m["role"], "member", "{m}");
        }
        // Mode of internationalisation, as printed.
        let mode: Vec<&str> =
            col["mode"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
        assert_eq!(mode, vec![exp["mode"][label.as_str()].as_str().unwrap()], "{label}: mode");
    }
    // Column order follows the command line.
    assert_eq!(cols[0]["id"], "loc:turin");
    assert_eq!(cols[1]["id"], "loc:saint-etienne");
}

#[test]
fn table1_population_and_foreign_residents() {
    let env = demo_env();
    let exp = expected("000-table1.json");
    let v = env.json(&["tables", "000-table1"]);
    assert_eq!(v["title"], exp["title"]);
    let cols = v["columns"].as_array().unwrap();
    let want = exp["columns"].as_array().unwrap();
    assert_eq!(cols.len(), want.len());
    for (got, w) in cols.iter().zip(want) {
        // In the paper's column order, each cell from a statement citing Table 1.
        assert_eq!(got["id"], w["locality"]);
        assert_eq!(
            got["population"]["value"].as_str().unwrap().parse::<f64>().unwrap(),
            w["population"].as_f64().unwrap()
        );
        assert_eq!(
            got["foreign_residents_share"]["value"].as_str().unwrap().parse::<f64>().unwrap(),
            w["foreign_residents_share"].as_f64().unwrap()
        );
        assert_eq!(got["country_share"][0], w["country"]);
        assert_eq!(
            got["country_share"][1]["value"].as_str().unwrap().parse::<f64>().unwrap(),
            w["country_share"].as_f64().unwrap()
        );
    }
    let text = env.ok(&["tables", "000-table1"]);
    assert!(text.contains("875 000") && text.contains("14.0% France: 7.0%"), "{text}");
    // The list names every reproducible table; an unknown name is a usage error.
    let list = env.json(&["tables"]);
    assert!(list["tables"].as_array().unwrap().iter().any(|t| t["name"] == "000-table1"));
    let (code, _, err) = env.mlgov(&["tables", "000-table9"]);
    assert_eq!(code, 1, "a usage error, as an unknown cross-tab: {err}");
    assert!(err.contains("000-table1"), "{err}");
}

#[test]
fn table2_mayors() {
    let env = demo_env();
    let exp = expected("000-table2.json");
    let v = env.json(&["compare", "Turin", "Saint-Etienne"]);
    let cols = v["localities"].as_array().unwrap();
    for (label, loc_id) in exp["localities"].as_object().unwrap() {
        let loc_id = loc_id.as_str().unwrap();
        let want: Vec<MayorRow> = exp[label.as_str()]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| mayor_row(t, |v| v.as_str().unwrap().to_string()))
            .collect();
        // The comparison lists every Table 2 mayor with party and orientation.
        let mayors: Vec<MayorRow> = city(cols, loc_id)["mayors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| mayor_row(m, |v| v.as_str().unwrap_or("").to_string()))
            .collect();
        for w in &want {
            assert!(mayors.contains(w), "{label}: {w:?} missing from compare: {mayors:?}");
        }
        // The terms citing Table 2 are exactly the table's cells.
        let show = env.json(&["show", "locality", loc_id]);
        let mut got: Vec<_> = show["terms"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| {
                t["office"] == "mayor"
                    && t["citation"]["source"] == "src:caponio-clement-2020"
                    && t["citation"]["locator"].as_str().unwrap().starts_with("Table 2")
            })
            .map(|t| {
                (
                    t["name"].as_str().unwrap().to_string(),
                    t["when"]["from"].as_str().map(|s| s[..4].parse::<i64>().unwrap()),
                    t["when"]["to"].as_str().map(|s| s[..4].parse::<i64>().unwrap()),
                    t["party"].as_str().unwrap_or("").to_string(),
                    t["orientation"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        let mut want = want.clone();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{label}: Table 2 terms");
        // Parties map to orientations as the transcription says.
        for (party, orientation) in exp["orientation_mapping"].as_object().unwrap() {
            for t in got.iter().filter(|t| &t.3 == party) {
                assert_eq!(t.4, orientation.as_str().unwrap(), "{t:?}");
            }
        }
    }
}

#[test]
fn phases_of_both_trajectories() {
    let env = demo_env();
    let exp = expected("000-phases.json");
    let v = env.json(&["phases"]);
    // locality display name → phase id → phase JSON (the id is the `[…]` suffix of `source`).
    let mut got: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
    for l in v["phases"].as_array().unwrap() {
        for p in l["phases"].as_array().unwrap() {
            let s = p["source"].as_str().unwrap();
            let id = s
                .rsplit_once('[')
                .and_then(|(_, r)| r.strip_suffix(']'))
                .unwrap_or_else(|| panic!("no id in {s}"))
                .to_string();
            got.entry(l["locality"].as_str().unwrap().to_string())
                .or_default()
                .insert(id, p.clone());
        }
    }
    for (label, name) in [("Turin", "Turin"), ("Saint-Etienne", "Saint-Étienne")] {
        let have =
            got.get(name).unwrap_or_else(|| panic!("no phases for {name}: {:?}", got.keys()));
        let block = &exp[label];
        let mut want_ids = BTreeSet::new();
        for p in block["phases"].as_array().unwrap() {
            let id = p["id"].as_str().unwrap();
            want_ids.insert(id.to_string());
            let h = have.get(id).unwrap_or_else(|| panic!("{label}: phase {id} missing"));
            assert_eq!(h["label"], p["label"], "{id}");
            assert_eq!(h["kind"], p["kind"], "{id}");
            assert_eq!(h["from"], p["from"], "{id}");
            assert_eq!(h["to"], p["to"], "{id}");
            assert!(h["source"].as_str().unwrap().starts_with("Caponio & Clément 2020"), "{h}");
        }
        assert_eq!(want_ids.len(), block["phases"].as_array().unwrap().len());
        // The authors' enumerations: five phases for Turin, four for Saint-Étienne, numbered in order.
        let n: Vec<i64> =
            block["phases"].as_array().unwrap().iter().map(|p| p["n"].as_i64().unwrap()).collect();
        assert_eq!(n, (1..=n.len() as i64).collect::<Vec<_>>());
        for t in exp["text_variants"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["locality"] == block["locality"])
        {
            let id = t["id"].as_str().unwrap();
            want_ids.insert(id.to_string());
            let h = have.get(id).unwrap_or_else(|| panic!("{label}: text variant {id} missing"));
            assert_eq!(h["from"], t["from"], "{id}");
            assert_eq!(h["to"], t["to"], "{id}");
        }
        let have_ids: BTreeSet<String> = have.keys().cloned().collect();
        assert_eq!(have_ids, want_ids, "{label}: phase rows");
    }
}

/// The outcome column keys of the expected cross-tabs, in the CLI's column order.
const OUTCOMES: [&str; 3] = ["accommodative", "mixed", "restrictive"];

fn crosstab(env: &Env, name: &str) -> Value {
    let v = env.json(&["crosstab", name]);
    let ts = v["crosstabs"].as_array().unwrap();
    assert_eq!(ts.len(), 1, "{v}");
    let t = ts[0].clone();
    assert_eq!(t["name"], name);
    let cols: Vec<&str> =
        t["columns"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    assert_eq!(cols, OUTCOMES);
    t
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

/// Checks that row and column totals and the grand total are the sums of the cells.
fn check_totals_consistent(t: &Value) {
    let counts: Vec<Vec<f64>> = t["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_array().unwrap().iter().map(f).collect())
        .collect();
    for (i, r) in counts.iter().enumerate() {
        assert!(close(r.iter().sum(), f(&t["row_totals"][i])), "row {i} total: {t}");
    }
    for c in 0..3 {
        assert!(
            close(counts.iter().map(|r| r[c]).sum(), f(&t["column_totals"][c])),
            "column {c} total: {t}"
        );
    }
    assert!(close(counts.iter().flatten().sum(), f(&t["total"])), "grand total: {t}");
}

#[test]
fn crosstab_outcome_by_size_every_cell_and_the_conclusion() {
    let env = demo_env();
    let exp = expected("003-crosstabs.json");
    let size = &exp["tables"]["size"]["rows"];
    let t = crosstab(&env, "outcome-by-size");
    check_totals_consistent(&t);
    let rows: Vec<&str> =
        t["rows"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    assert_eq!(rows, ["medium_town", "small_town", "rural_area"]);
    let mut col_tot = [0.0; 3];
    for (i, row) in rows.iter().enumerate() {
        let mut row_tot = 0.0;
        for (c, col) in OUTCOMES.iter().enumerate() {
            let want = f(&size[row][col]["count"]);
            let got = f(&t["counts"][i][c]);
            assert!(
                close(got, want),
                "cell ({row}, {col}): got {got}, the report prints {want}; members {}",
                t["members"][i][c]
            );
            // Whole localities, no fractional attribution in this table.
            assert_eq!(t["members"][i][c].as_array().unwrap().len() as f64, want, "({row}, {col})");
            row_tot += want;
            col_tot[c] += want;
        }
        assert!(close(f(&t["row_totals"][i]), row_tot), "row total {row}");
    }
    for c in 0..3 {
        assert!(close(f(&t["column_totals"][c]), col_tot[c]), "column total {}", OUTCOMES[c]);
    }
    // The conclusion: 12 accommodating, 24 in between, 13 without (accommodating) policies, of 49.
    let concl = &exp["conclusion"];
    for (c, col) in OUTCOMES.iter().enumerate() {
        assert!(
            close(f(&t["column_totals"][c]), f(&concl[col])),
            "{col}: {} vs conclusion {}",
            t["column_totals"][c],
            concl[col]
        );
        assert!(close(f(&t["column_totals"][c]), f(&exp["column_totals_as_printed"]["size"][col])));
    }
    assert!(close(f(&t["total"]), f(&concl["total"])), "total {}", t["total"]);
    assert!(t["ambiguous"].as_array().unwrap().is_empty(), "{}", t["ambiguous"]);
    assert!(t["unplaced"].as_array().unwrap().is_empty(), "{}", t["unplaced"]);
    // The human table prints the same totals.
    let out = env.ok(&["crosstab", "outcome-by-size"]);
    let total_line = out.lines().find(|l| l.starts_with("total")).unwrap();
    let nums: Vec<&str> = total_line.split_whitespace().skip(1).collect();
    assert_eq!(nums, ["12", "24", "13", "49"], "{out}");
}

/// Column totals of a cross-tab against `column_totals_as_printed[key]`.
fn check_printed_column_totals(name: &str, key: &str) {
    let env = demo_env();
    let exp = expected("003-crosstabs.json");
    let t = crosstab(&env, name);
    check_totals_consistent(&t);
    let printed = &exp["column_totals_as_printed"][key];
    let got: Vec<f64> = (0..3).map(|c| f(&t["column_totals"][c])).collect();
    let want: Vec<f64> = OUTCOMES.iter().map(|c| f(&printed[c])).collect();
    assert_eq!(
        got, want,
        "{name}: column totals (unplaced: {}, ambiguous: {})",
        t["unplaced"], t["ambiguous"]
    );
}

/// Every cell count of the typology (or orientation) tables against the transcription: the
/// expected file has one table per row value (`typology_revitalising`, `politics_progressive`…).
fn check_cells(name: &str, prefix: &str, rename: &[(&str, &str)]) {
    let env = demo_env();
    let exp = expected("003-crosstabs.json");
    let t = crosstab(&env, name);
    let rows: Vec<String> =
        t["rows"].as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_string()).collect();
    let mut diffs = Vec::new();
    for (key, table) in
        exp["tables"].as_object().unwrap().iter().filter(|(k, _)| k.starts_with(prefix))
    {
        let suffix = &key[prefix.len()..];
        let row = rename.iter().find(|(a, _)| *a == suffix).map(|(_, b)| *b).unwrap_or(suffix);
        let i =
            rows.iter().position(|r| r == row).unwrap_or_else(|| panic!("{name}: no row {row}"));
        for (c, col) in OUTCOMES.iter().enumerate() {
            let (got, want) = (f(&t["counts"][i][c]), f(&table["rows"][row][col]["count"]));
            if !close(got, want) {
                diffs.push(format!("({row}, {col}): computed {got}, printed {want}"));
            }
        }
    }
    assert!(diffs.is_empty(), "{name}: {}", diffs.join("; "));
}

#[test]
fn crosstab_outcome_by_typology_column_totals_as_printed() {
    check_printed_column_totals("outcome-by-typology", "typology");
}

#[test]
fn crosstab_outcome_by_orientation_column_totals_as_printed() {
    check_printed_column_totals("outcome-by-orientation", "politics");
}

#[test]
fn crosstab_outcome_by_typology_every_cell() {
    check_cells("outcome-by-typology", "typology_", &[]);
}

#[test]
fn crosstab_outcome_by_orientation_every_cell() {
    check_cells("outcome-by-orientation", "politics_", &[]);
}

#[test]
fn country_configuration_table() {
    let env = demo_env();
    let exp = expected("003-crosstabs.json");
    let v = env.json(&["countries"]);
    let conf = v["configurations"].as_object().unwrap();
    let mut want: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (country, c) in exp["country_configuration"]["countries"].as_object().unwrap() {
        want.entry(c.as_str().unwrap().to_string()).or_default().insert(country.clone());
    }
    let got: BTreeMap<String, BTreeSet<String>> = conf
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_string()).collect(),
            )
        })
        .collect();
    assert_eq!(got, want);
    // Every configuration of the printed table is present, with its countries.
    assert_eq!(got.len(), exp["country_configuration"]["columns"].as_object().unwrap().len());
}

#[test]
fn every_statement_has_an_existing_source_and_a_locator() {
    let env = demo_env();
    let kb: Value =
        serde_json::from_str(&env.ok(&["export", "--format", "json", "--out", "-"])).unwrap();
    let obj = kb.as_object().unwrap();
    let sources: BTreeSet<&str> =
        obj["sources"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert!(sources.len() >= 4);
    let mut statements = 0usize;
    let mut bad = Vec::new();
    for (table, rows) in obj.iter().filter(|(k, v)| *k != "sources" && v.is_array()) {
        for r in rows.as_array().unwrap() {
            statements += 1;
            let id = r["id"].as_str().unwrap_or("?");
            match r["source"].as_str() {
                Some(s) if sources.contains(s) => {}
                other => bad.push(format!("{table}/{id}: source {other:?}")),
            }
            match r["locator"].as_str() {
                Some(l) if !l.trim().is_empty() => {}
                other => bad.push(format!("{table}/{id}: locator {other:?}")),
            }
        }
    }
    assert!(statements > 1000, "only {statements} statements");
    let share = 100.0 * (statements - bad.len()) as f64 / statements as f64;
    assert!(
        bad.is_empty(),
        "{share:.2}% of {statements} statements are fully cited; {} are not:\n{}",
        bad.len(),
        bad.join("\n")
    );
    // Coordinates, when present, cite an existing gazetteer source too.
    for l in obj["localities"].as_array().unwrap() {
        if let Some(cs) = l["coord_source"].as_str() {
            assert!(sources.contains(cs), "{}: coord_source {cs}", l["id"]);
        }
    }
}
