//! Hardening of the command line (issue 21): text from the data never drives the terminal, JSON
//! input is strict, lists of problems are bounded for a person and whole with `--json`, and two
//! identical imports racing end as two sequential ones.

use crate::common::{Env, parse_json};
use mlgov_store_postgres::testing::{TestDb, on_both_backends};

const SOURCES: &str = "id,short,title,kind\nsrc:a,A 2020,A paper,paper\n";
const LOCALITIES: &str = "id,name,aliases,kind,country,source,locator\nloc:redtown,Redtown,,municipality,IT,src:a,p. 1\n";
const MEMBERSHIPS: &str = "id,network,member,role,from,note,source,locator\nmem:r,net:n,loc:redtown,member,2010,a note,src:a,p. 2\n";
const NETWORKS: &str = "id,name,kind,source,locator\nnet:n,Net,network,src:a,p. 3\n";

fn small_base(env: &Env) -> std::path::PathBuf {
    env.write("kb/sources.csv", SOURCES);
    env.write("kb/localities.csv", LOCALITIES);
    env.write("kb/networks.csv", NETWORKS);
    env.write("kb/memberships.csv", MEMBERSHIPS);
    env.path("kb")
}

on_both_backends!(std::convert::identity; stored_control_characters_are_printed_escaped, racing_identical_imports_end_as_sequential_ones);

/// A name and a locator holding `ESC[31m`, BEL and a right-to-left override, stored before the rule
/// on input (written here with SQL behind mlgov's back), are printed escaped by `show`, `list` and
/// `search`, and exactly by `--json`.
fn stored_control_characters_are_printed_escaped(db: TestDb) {
    let env = Env::new();
    let loc = db.location();
    let dir = small_base(&env);
    let (code, _, err) = env.mlgov_db(loc.as_ref(), &["import", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let (esc, bel, rlo) = match db.name() {
        "sqlite" => ("char(27)", "char(7)", "char(8238)"),
        _ => ("chr(27)", "chr(7)", "chr(8238)"),
    };
    db.execute(&format!("UPDATE localities SET name = 'Red' || {esc} || '[31mtown' || {bel} WHERE id = 'loc:redtown'; UPDATE localities SET locator = 'p. ' || {rlo} || '1' || {esc} || '[0m' WHERE id = 'loc:redtown'"));
    let escaped = "Red\\u{1b}[31mtown\\u{7}";
    for args in
        [&["show", "locality", "loc:redtown"][..], &["list", "localities"], &["search", "redtown"]]
    {
        let (code, out, err) = env.mlgov_db(loc.as_ref(), args);
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(
            !out.contains('\u{1b}')
                && !out.contains('\u{7}')
                && !out.contains('\u{202e}')
                && !err.contains('\u{1b}'),
            "{args:?} printed a raw control character:\n{out:?}"
        );
        assert!(out.contains(escaped), "{args:?} does not show the name escaped:\n{out}");
    }
    let (_, out, _) = env.mlgov_db(loc.as_ref(), &["show", "locality", "loc:redtown"]);
    assert!(
        out.contains("source: A 2020, p. \\u{202e}1\\u{1b}[0m"),
        "the locator, escaped:\n{out}"
    );
    // JSON stays exact: the characters themselves, escaped by JSON.
    let (code, out, _) = env.mlgov_db(loc.as_ref(), &["list", "localities", "--json"]);
    assert_eq!(code, 0);
    assert!(out.contains("Red\\u001b[31mtown\\u0007"), "{out}");
    let v = parse_json(&out, &["list", "localities"]);
    assert_eq!(v["items"][0]["name"], "Red\u{1b}[31mtown\u{7}");
}

/// Input with control characters is refused at its file, line and field; the bundled rule names
/// what was expected.
#[test]
fn control_characters_in_input_are_refused() {
    let env = Env::new();
    // (A file whose name holds an escape sequence: the diagnostics name it, escaped.)
    env.write("kb/sources.csv", SOURCES);
    env.write("kb/red\u{1b}[31m/localities.csv", "id,name,aliases,kind,country,source,locator\nloc:redtown,Red\u{1b}[31mtown,,municipality,IT,src:a,p. 1\n");
    let (code, out, err) = env.mlgov(&["import", env.path("kb").to_str().unwrap()]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("error: red\\u{1b}[31m/localities.csv:2: field \"name\": contains U+001B (ESC) at character 4; expected text without control characters"), "{err}");
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(!env.snapshot().contains("redtown"), "nothing was written");
}

/// The reason of a retraction is free text under the same rule; `add` goes through the reader.
#[test]
fn edits_refuse_control_characters() {
    let env = Env::new();
    let dir = small_base(&env);
    env.ok(&["import", dir.to_str().unwrap()]);
    let (code, _, err) = env.mlgov(&["retract", "mem:r", "--reason", "see\u{1b}]8;;http://x\u{7}"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--reason contains U+001B (ESC) at character 4"), "{err:?}");
    let (code, _, err) = env.mlgov(&[
        "add",
        "person",
        "--name",
        "Ann\u{202e}",
        "--source",
        "src:a",
        "--locator",
        "p. 4",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("field \"name\": contains U+202E (RIGHT-TO-LEFT OVERRIDE) at character 4"),
        "{err:?}"
    );
}

/// `"version": 99` and a duplicate key are refused with their place.
#[test]
fn strict_json_import() {
    let env = Env::new();
    let p = env
        .write("kb.json", "{\"format\": \"mlgov-kb\",\n  \"version\": 99,\n  \"sources\": []}\n");
    let (code, _, err) = env.mlgov(&["import", p.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("kb.json:2: field \"version\": unsupported \"version\": 99; this mlgov reads \"version\": 1 at line 2 column 15"), "{err}");
    let p = env.write("kb.json", "{\"format\": \"mlgov-kb\", \"version\": 1,\n  \"sources\": [{\"id\": \"src:a\", \"short\": \"A\", \"title\": \"T\", \"kind\": \"paper\", \"kind\": \"report\"}]}\n");
    let (code, out, err) = env.mlgov(&["import", p.to_str().unwrap(), "--json"]);
    assert_eq!(code, 2, "{err}");
    let v = parse_json(&out, &["import"]);
    assert_eq!(v["problems"][0]["line"], 2, "{v}");
    assert!(
        v["problems"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("duplicate key \"kind\" in an object"),
        "{v}"
    );
}

/// A header of 100,000 unknown columns is one diagnostic, not 100,000 (the reader does no work
/// per column beyond reading it); a JSON file with 5,000 bad records lists 100 of them for a person
/// and every one with `--json`; a survey with 3,000 bad answers likewise (the intake keeps the
/// first 1,000 in detail and counts all).
#[test]
fn problem_lists_are_bounded_for_a_person_and_whole_in_json() {
    let env = Env::new();
    let mut header = String::from("id,short,title,kind");
    for i in 0..100_000 {
        header.push_str(&format!(",bad{i}"));
    }
    let dir = env.path("wide");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("sources.csv"), format!("{header}\nsrc:a,A,T,paper\n")).unwrap();
    let (code, out, err) = env.mlgov(&["import", dir.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(err.len() < 2_000, "{} bytes on stderr", err.len());
    assert!(err.contains("sources.csv:1: 100000 unknown columns (\"bad0\", \"bad1\", \"bad2\", \"bad3\", \"bad4\", …); expected columns: id,short,title"), "{err}");
    assert_eq!(err.lines().last(), Some("1 problem(s); nothing was written"), "{err}");

    // 5,000 records, each without its title.
    let records: Vec<String> = (0..5000)
        .map(|i| {
            format!(
                "{{\"id\": \"src:s{i}\", \"short\": \"S\", \"title\": \"\", \"kind\": \"paper\"}}"
            )
        })
        .collect();
    let p = env.write(
        "many.json",
        format!(
            "{{\"format\": \"mlgov-kb\", \"version\": 1, \"sources\": [\n{}\n]}}\n",
            records.join(",\n")
        ),
    );
    let (code, out, err) = env.mlgov(&["validate", p.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 102, "{err}");
    assert!(lines[0].starts_with("error: ") && lines[0].contains("sources[0].title"), "{err}");
    assert_eq!(lines[100], "… and 4,900 more (use --json for all)");
    assert_eq!(lines[101], "5,000 problem(s); nothing was written");
    assert!(err.len() < 20_000, "{} bytes", err.len());
    let (code, out, _) = env.mlgov(&["validate", p.to_str().unwrap(), "--json"]);
    assert_eq!(code, 2);
    let v = parse_json(&out, &["validate"]);
    assert_eq!(
        (v["count"].as_u64(), v["problems"].as_array().map(Vec::len)),
        (Some(5000), Some(5000))
    );

    // A survey of 3,000 answers out of range.
    let mut survey = String::from("respondent,locality,role,affiliation,period,item,value\n");
    for i in 0..3000 {
        survey.push_str(&format!("r{i},loc:a,local_official,,p1,freq_pro_migrant_groups,9\n"));
    }
    let p = env.write("answers.csv", survey);
    let (code, _, err) =
        env.mlgov(&["survey", "import", p.to_str().unwrap(), "--name", "w", "--no-kb-check"]);
    assert_eq!(code, 2, "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 102, "{err}");
    assert!(
        lines[0].starts_with("error: ")
            && lines[0].contains("answers.csv:2: column value: value 9 out of range"),
        "{err}"
    );
    assert_eq!(lines[100], "… and 2,900 more (use --json for all)");
    assert_eq!(lines[101], "3,000 problem(s); nothing was written");
    let (code, out, _) = env.mlgov(&[
        "survey",
        "import",
        p.to_str().unwrap(),
        "--name",
        "w",
        "--no-kb-check",
        "--json",
    ]);
    assert_eq!(code, 2);
    let v = parse_json(&out, &["survey", "import"]);
    assert_eq!(v["count"], 3000, "{v}");
    assert_eq!(
        v["problems"][0],
        serde_json::json!({"file": p.display().to_string(), "line": 2, "field": "value", "message": "value 9 out of range; expected 0..=5 or empty"})
    );
}

/// Two identical imports started together into an empty store: one imports the base, the other
/// ends exactly as the same import run after it (every row already stored identically: exit 0,
/// nothing written), never with a database error; the store holds the winner's records once.
fn racing_identical_imports_end_as_sequential_ones(db: TestDb) {
    let env = Env::new();
    let dir = env.path("kb");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("sources.csv"), SOURCES).unwrap();
    let mut locs = String::from("id,name,kind,country,source,locator\n");
    for i in 0..5000 {
        locs.push_str(&format!("loc:l{i},Town {i},municipality,IT,src:a,p. {i}\n"));
    }
    std::fs::write(dir.join("localities.csv"), locs).unwrap();
    let loc = db.location();
    // What a second, sequential import says (in another store of the same backend).
    let strip =
        |s: &str| s.lines().next().unwrap_or("").split(" — ").next().unwrap_or("").to_string();
    let (code, _, err) = env.mlgov_db(loc.as_ref(), &["init"]);
    assert_eq!(code, 0, "{err}");
    for round in 0..3 {
        if round > 0 {
            db.execute("DELETE FROM localities; DELETE FROM sources; DELETE FROM record_history; DELETE FROM change_sets");
        }
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(2));
        let runs: Vec<_> = (0..2)
            .map(|_| {
                let (barrier, cmd) = (
                    barrier.clone(),
                    env.command_with_db(loc.as_ref(), &["import", dir.to_str().unwrap()]),
                );
                std::thread::spawn(move || {
                    barrier.wait();
                    crate::common::run(cmd)
                })
            })
            .collect();
        let mut outs: Vec<_> = runs.into_iter().map(|t| t.join().unwrap()).collect();
        outs.sort_by_key(|(_, out, _)| out.contains("already stored identically"));
        for (code, out, err) in &outs {
            assert_eq!(*code, 0, "round {round}: an import failed:\n{out}\n{err}");
            assert!(!err.contains("database error") && !err.contains("UNIQUE"), "{err}");
        }
        assert_eq!(
            strip(&outs[0].1),
            format!("imported 5001 records into {loc}"),
            "round {round}: {outs:?}"
        );
        assert_eq!(
            strip(&outs[1].1),
            format!(
                "imported 0 records into {loc} (5001 already stored identically: nothing to do)"
            ),
            "round {round}: {outs:?}"
        );
        assert_eq!(db.strings("SELECT CAST(count(*) AS TEXT) FROM localities"), ["5000"]);
        assert_eq!(db.strings("SELECT CAST(count(*) AS TEXT) FROM record_history"), ["0"]);
        assert_eq!(
            db.strings("SELECT CAST(count(*) AS TEXT) FROM change_sets"),
            ["2"],
            "round {round}: as two sequential imports"
        );
    }
}
