//! The malformed-input suite: each case is a small knowledge-base directory (or file) with one
//! defect and the diagnostics `mlgov validate` and `mlgov import` must print (file, line, field,
//! message). Every failing case must exit 2 and leave the store exactly as it was; the accepted
//! cases (BOM + CRLF, header-only files) must exit 0.

use crate::common::{Env, parse_json};
use serde_json::Value;
use std::fmt::Write as _;

const SOURCES: &str = "id,short,title,kind\nsrc:fixture,Fixture 2024,A fixture source,other\n";
const NETWORKS: &str =
    "id,name,kind,source,locator\nnet:fixture-net,Fixture Network,network,src:fixture,p. 1\n";
const LOCALITIES: &str = "id,name,kind,country,source,locator\nloc:fixture-town,Fixture Town,municipality,IT,src:fixture,p. 2\n";
const MEM_HEADER: &str = "id,network,member,role,from,to,exit_reason,note,source,locator\n";

/// A valid membership row with the given id, role, interval and locator.
fn mem(id: &str, role: &str, from: &str, to: &str, locator: &str) -> String {
    format!("{id},net:fixture-net,loc:fixture-town,{role},{from},{to},,,src:fixture,{locator}\n")
}

/// One expected diagnostic: the file label, line (None when the problem concerns the whole file),
/// field, and a substring of the message.
#[derive(Debug)]
struct Expect {
    file: &'static str,
    line: Option<u64>,
    field: Option<&'static str>,
    message: &'static str,
}

fn expect(
    file: &'static str,
    line: Option<u64>,
    field: Option<&'static str>,
    message: &'static str,
) -> Expect {
    Expect { file, line, field, message }
}

/// A case: files written under `<tmp>/case/` (the path given to the commands is `case`, or
/// `case/<single>` when `single` is set), and the diagnostics expected.
struct Case {
    files: Vec<(&'static str, Vec<u8>)>,
    single: Option<&'static str>,
    expected: Vec<Expect>,
}

impl Case {
    /// The defect is relative to the stored base only (e.g. an id the store already holds): the
    /// same input is valid on an empty store.
    fn store_only(self) -> (Case, bool) {
        (self, true)
    }
}

impl From<Case> for (Case, bool) {
    fn from(c: Case) -> (Case, bool) {
        (c, false)
    }
}

/// The fixture directory with `memberships.csv` replaced by `memberships`.
fn with_memberships(memberships: impl Into<Vec<u8>>) -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("sources.csv", SOURCES.into()),
        ("networks.csv", NETWORKS.into()),
        ("localities.csv", LOCALITIES.into()),
        ("memberships.csv", memberships.into()),
    ]
}

/// The text line `Diagnostic`'s Display prints: `file:line: field "f": message`.
fn display_prefix(e: &Expect) -> String {
    let mut s = e.file.to_string();
    if let Some(l) = e.line {
        write!(s, ":{l}").unwrap();
    }
    if let Some(f) = e.field {
        write!(s, ": field {f:?}").unwrap();
    }
    s.push_str(": ");
    s
}

fn check_problems(case: &str, cmd: &str, problems: &[Value], expected: &[Expect]) {
    for e in expected {
        let hit = problems.iter().any(|p| {
            p["file"].as_str() == Some(e.file)
                && p["line"].as_u64() == e.line
                && p["field"].as_str() == e.field
                && p["message"].as_str().is_some_and(|m| m.contains(e.message))
        });
        assert!(
            hit,
            "{case}: `mlgov {cmd} --json` did not report {e:?}; problems: {}",
            serde_json::to_string_pretty(problems).unwrap()
        );
    }
}

fn check_stderr(case: &str, cmd: &str, err: &str, expected: &[Expect]) {
    for e in expected {
        let prefix = format!("error: {}", display_prefix(e));
        let hit = err.lines().any(|l| l.starts_with(&prefix) && l.contains(e.message));
        assert!(
            hit,
            "{case}: `mlgov {cmd}` did not print a line starting {prefix:?} containing {:?}; stderr:\n{err}",
            e.message
        );
    }
    assert!(err.contains("nothing was written"), "{case}: {err}");
}

/// Runs a failing case through validate and import (text and JSON), asserting exit 2, the
/// diagnostics, and an unchanged store.
fn run_failing(name: &str, case: impl Into<(Case, bool)>) {
    let (case, store_only) = case.into();
    let env = Env::new();
    env.demo();
    for (rel, bytes) in &case.files {
        env.write(&format!("case/{rel}"), bytes);
    }
    let target = match case.single {
        Some(f) => format!("case/{f}"),
        None => "case".to_string(),
    };
    let before = env.snapshot();
    assert!(!before.is_empty());
    for cmd in ["validate", "import"] {
        let (code, out, err) = env.mlgov(&[cmd, &target]);
        assert_eq!(code, 2, "{name}: `mlgov {cmd}` exited {code}\nstdout:\n{out}\nstderr:\n{err}");
        check_stderr(name, cmd, &err, &case.expected);
        let (code, out, _) = env.mlgov(&[cmd, &target, "--json"]);
        assert_eq!(code, 2, "{name}: `mlgov {cmd} --json` exited {code}");
        let v = parse_json(&out, &[cmd]);
        let problems =
            v["problems"].as_array().unwrap_or_else(|| panic!("{name}: no problems array: {v}"));
        check_problems(name, cmd, problems, &case.expected);
        assert_eq!(env.snapshot(), before, "{name}: `mlgov {cmd}` changed the store");
    }
    if store_only {
        return;
    }
    // The same input against a fresh, empty store: still rejected, and nothing is written.
    let fresh = Env::new();
    for (rel, bytes) in &case.files {
        fresh.write(&format!("case/{rel}"), bytes);
    }
    let (code, _, err) = fresh.mlgov(&["import", &target]);
    assert_eq!(code, 2, "{name}: import into an empty store: {err}");
    if fresh.db.exists() {
        let v = fresh.json(&["list", "memberships"]);
        assert_eq!(v["count"], 0, "{name}: rows written into an empty store");
        let v = fresh.json(&["list", "sources"]);
        assert_eq!(v["count"], 0, "{name}: rows written into an empty store");
    }
}

macro_rules! failing {
    ($($name:ident => $case:expr;)*) => {$(
        #[test]
        fn $name() {
            run_failing(stringify!($name), $case);
        }
    )*};
}

failing! {
    invalid_utf8 => Case {
        files: vec![
            ("sources.csv", SOURCES.into()),
            ("networks.csv", NETWORKS.into()),
            ("localities.csv", b"id,name,kind,country,source,locator\nloc:fixture-town,Saint-\xC9tienne,municipality,FR,src:fixture,p. 2\n".to_vec()),
        ],
        single: None,
        expected: vec![expect("localities.csv", Some(2), Some("name"), "invalid UTF-8 at byte 6 of the cell; the file must be UTF-8")],
    };
    missing_header => Case {
        files: with_memberships(mem("mem:fixture-1", "member", "2001", "2005", "p. 3")),
        single: None,
        expected: vec![expect("memberships.csv", Some(1), None, "missing header row: the first line must name the columns")],
    };
    unknown_column => Case {
        files: with_memberships("id,network,member,role,colour,source,locator\nmem:fixture-1,net:fixture-net,loc:fixture-town,member,blue,src:fixture,p. 3\n".to_string()),
        single: None,
        expected: vec![expect("memberships.csv", Some(1), Some("colour"), "unknown column \"colour\"; expected columns: id,network,member,role")],
    };
    unknown_enum_value => Case {
        files: with_memberships(format!("{MEM_HEADER}{}{}", mem("mem:fixture-1", "member", "2001", "2005", "p. 3"), mem("mem:fixture-2", "grand_wizard", "2006", "", "p. 3"))),
        single: None,
        expected: vec![expect("memberships.csv", Some(3), Some("role"), "\"grand_wizard\"; expected one of: founder, member, president")],
    };
    end_before_start => Case {
        files: with_memberships(format!("{MEM_HEADER}{}", mem("mem:fixture-1", "member", "2010", "2005", "p. 3"))),
        single: None,
        expected: vec![expect("memberships.csv", Some(2), Some("to"), "end 2005 is before start 2010")],
    };
    end_before_start_at_month_precision => Case {
        files: with_memberships(format!("{MEM_HEADER}{}", mem("mem:fixture-1", "member", "2010-06", "2010-05-31", "p. 3"))),
        single: None,
        expected: vec![expect("memberships.csv", Some(2), Some("to"), "end 2010-05-31 is before start 2010-06")],
    };
    bad_date => Case {
        files: with_memberships(format!("{MEM_HEADER}{}", mem("mem:fixture-1", "member", "2010-13", "", "p. 3"))),
        single: None,
        expected: vec![expect("memberships.csv", Some(2), Some("from"), "2010-13")],
    };
    duplicate_id_in_input => Case {
        files: with_memberships(format!("{MEM_HEADER}{}{}", mem("mem:fixture-1", "member", "2001", "2005", "p. 3"), mem("mem:fixture-1", "founder", "2001", "", "p. 4"))),
        single: None,
        expected: vec![expect("memberships.csv", Some(3), Some("id"), "duplicate id mem:fixture-1: already defined at memberships.csv:2")],
    };
    duplicate_id_across_files => Case {
        files: vec![
            ("sources.csv", SOURCES.into()),
            ("networks.csv", NETWORKS.into()),
            ("localities.csv", LOCALITIES.into()),
            ("more/networks.csv", "id,name,kind,source,locator\nnet:fixture-net,Fixture Network again,network,src:fixture,p. 9\n".into()),
        ],
        single: None,
        expected: vec![expect("more/networks.csv", Some(2), Some("id"), "duplicate id net:fixture-net: already defined at networks.csv:2")],
    };
    duplicate_id_already_in_the_store => Case {
        files: vec![
            ("sources.csv", SOURCES.into()),
            ("localities.csv", "id,name,kind,country,source,locator\nloc:turin,Torino,municipality,IT,src:fixture,p. 2\n".into()),
        ],
        single: None,
        expected: vec![expect("localities.csv", Some(2), Some("id"), "loc:turin is already stored with other content (name: stored \"Turin\", here \"Torino\"")],
    }.store_only();
    reference_to_a_missing_id => Case {
        files: with_memberships(format!("{MEM_HEADER}{}mem:fixture-2,net:nowhere,loc:fixture-town,member,2001,,,,src:fixture,p. 3\n", mem("mem:fixture-1", "member", "2001", "2005", "p. 3"))),
        single: None,
        expected: vec![expect("memberships.csv", Some(3), Some("network"), "refers to net:nowhere, which does not exist")],
    };
    citation_of_a_missing_source => Case {
        files: with_memberships(format!("{MEM_HEADER}mem:fixture-1,net:fixture-net,loc:fixture-town,member,2001,,,,src:nowhere,p. 3\n")),
        single: None,
        expected: vec![expect("memberships.csv", Some(2), Some("source"), "cites src:nowhere, which is not in sources.csv")],
    };
    empty_file => Case {
        files: with_memberships(""),
        single: None,
        expected: vec![expect("memberships.csv", None, None, "file is empty; expected a header row: id,network,member,role")],
    };
    missing_locator => Case {
        files: with_memberships(format!("{MEM_HEADER}{}", mem("mem:fixture-1", "member", "2001", "2005", ""))),
        single: None,
        expected: vec![expect("memberships.csv", Some(2), Some("locator"), "is required: every statement cites a locator")],
    };
    missing_locator_column => Case {
        files: with_memberships("id,network,member,role,source\nmem:fixture-1,net:fixture-net,loc:fixture-town,member,src:fixture\n"),
        single: None,
        expected: vec![expect("memberships.csv", Some(1), Some("locator"), "missing required column \"locator\"")],
    };
    wrong_number_of_cells => Case {
        files: with_memberships(format!("{MEM_HEADER}mem:fixture-1,net:fixture-net,loc:fixture-town,member,2001\n")),
        single: None,
        expected: vec![expect("memberships.csv", Some(2), None, "expected 10 cells as in the header, found 5")],
    };
    overlapping_duplicate_membership => Case {
        files: with_memberships(format!("{MEM_HEADER}{}{}", mem("mem:fixture-1", "member", "2001", "2005", "p. 3"), mem("mem:fixture-2", "member", "2004", "2008", "p. 4"))),
        single: None,
        expected: vec![expect("memberships.csv", Some(3), Some("from"), "overlaps mem:fixture-1")],
    };
    unknown_file_name => Case {
        files: vec![("sources.csv", SOURCES.into()), ("membership.csv", MEM_HEADER.into())],
        single: None,
        expected: vec![expect("membership.csv", None, None, "unknown file name \"membership.csv\"")],
    };
    every_problem_is_listed => Case {
        files: with_memberships(format!(
            "{MEM_HEADER}{}{}{}",
            mem("mem:fixture-1", "grand_wizard", "2001", "2005", "p. 3"),
            mem("mem:fixture-2", "member", "2010", "2005", "p. 3"),
            mem("mem:fixture-3", "member", "2001", "2005", ""),
        )),
        single: None,
        expected: vec![
            expect("memberships.csv", Some(2), Some("role"), "\"grand_wizard\""),
            expect("memberships.csv", Some(3), Some("to"), "end 2005 is before start 2010"),
            expect("memberships.csv", Some(4), Some("locator"), "is required"),
        ],
    };
    crlf_file_names_the_right_line => Case {
        files: with_memberships(format!("{MEM_HEADER}{}{}", mem("mem:fixture-1", "member", "2001", "2005", "p. 3"), mem("mem:fixture-2", "grand_wizard", "2006", "", "p. 3")).replace('\n', "\r\n")),
        single: None,
        expected: vec![expect("memberships.csv", Some(3), Some("role"), "\"grand_wizard\"")],
    };
    single_file_with_a_bad_row => Case {
        files: vec![("extra.memberships.csv", format!("{MEM_HEADER}mem:fixture-1,net:eurocities,loc:turin,memberr,2030,,,,src:caponio-clement-2020,p. 1\n").into())],
        single: Some("extra.memberships.csv"),
        expected: vec![expect("case/extra.memberships.csv", Some(2), Some("role"), "\"memberr\"")],
    };
    json_file_with_a_bad_record => Case {
        files: vec![("kb.json", br#"{"format":"mlgov-kb","version":1,"sources":[{"id":"src:fixture","short":"F","title":"T","kind":"other"}],"networks":[{"id":"net:fixture-net","name":"N","kind":"network","source":"src:fixture","locator":""}]}"#.to_vec())],
        single: Some("kb.json"),
        expected: vec![expect("case/kb.json", None, Some("networks[0].locator"), "is required")],
    };
    malformed_json => Case {
        files: vec![("kb.json", b"{\"format\": \"mlgov-kb\",\n \"sources\": [\n".to_vec())],
        single: Some("kb.json"),
        expected: vec![expect("case/kb.json", Some(3), None, "malformed JSON")],
    };
}

/// Writes a knowledge base of `rows` valid memberships (1000 networks × ⌈rows/1000⌉ localities,
/// every (network, member) pair once) until the memberships file reaches `min_bytes`, with one
/// bad row (unknown role) `from_end` rows before the end. Returns (rows, line of the bad row).
fn write_big(dir: &std::path::Path, min_bytes: usize, from_end: usize) -> (usize, u64) {
    use std::io::Write;
    std::fs::create_dir_all(dir).unwrap();
    // Rows are ~75 bytes; compute the count first so the bad row is placed exactly.
    let sample = format!(
        "mem:b{:07},net:b{:04},loc:b{:04},member,2001,2005,,,src:fixture,p. {}\n",
        0, 0, 0, 0
    );
    let rows = min_bytes / (sample.len() - 2) + 1;
    let bad = rows - from_end;
    let nloc = rows / 1000 + 1;
    let mut f =
        std::io::BufWriter::new(std::fs::File::create(dir.join("memberships.csv")).unwrap());
    f.write_all(MEM_HEADER.as_bytes()).unwrap();
    for i in 0..rows {
        let role = if i == bad { "memberr" } else { "member" };
        writeln!(
            f,
            "mem:b{i:07},net:b{:04},loc:b{:04},{role},2001,2005,,,src:fixture,p. {}",
            i % 1000,
            i / 1000,
            i % 300
        )
        .unwrap();
    }
    f.flush().unwrap();
    let mut nets = String::from("id,name,kind,source,locator\n");
    for n in 0..1000 {
        writeln!(nets, "net:b{n:04},Network {n},network,src:fixture,p. 1").unwrap();
    }
    let mut locs = String::from("id,name,kind,country,source,locator\n");
    for l in 0..nloc {
        writeln!(locs, "loc:b{l:04},Town {l},municipality,IT,src:fixture,p. 2").unwrap();
    }
    std::fs::write(dir.join("networks.csv"), nets).unwrap();
    std::fs::write(dir.join("localities.csv"), locs).unwrap();
    std::fs::write(dir.join("sources.csv"), SOURCES).unwrap();
    (rows, bad as u64 + 2) // line 1 is the header
}

#[test]
fn fifty_megabyte_file_names_the_bad_line() {
    let env = Env::new();
    env.demo();
    let (rows, line) = write_big(&env.path("big"), 50 * 1024 * 1024, 7);
    let size = std::fs::metadata(env.path("big/memberships.csv")).unwrap().len();
    assert!(size >= 50 * 1024 * 1024, "generated only {size} bytes");
    assert!(rows > 500_000);
    let before = env.snapshot();
    for cmd in ["validate", "import"] {
        let (code, out, err) = env.mlgov(&[cmd, "big", "--json"]);
        assert_eq!(code, 2, "{cmd}: {err}");
        let v = parse_json(&out, &[cmd]);
        let problems = v["problems"].as_array().unwrap();
        assert_eq!(problems.len(), 1, "{cmd}: exactly the one bad row: {v}");
        let p = &problems[0];
        assert_eq!(p["file"], "memberships.csv");
        assert_eq!(p["line"].as_u64(), Some(line), "{cmd}: {p}");
        assert_eq!(p["field"], "role");
        assert!(p["message"].as_str().unwrap().contains("\"memberr\""), "{p}");
        assert_eq!(env.snapshot(), before, "{cmd} changed the store");
    }
    let (_, _, err) = env.mlgov(&["import", "big"]);
    assert!(err.contains(&format!("error: memberships.csv:{line}: field \"role\": ")), "{err}");
}

/// Accepted inputs: the import succeeds, and the records are then in the store.
#[test]
fn bom_and_crlf_are_accepted() {
    let env = Env::new();
    env.demo();
    let crlf = |s: &str| s.replace('\n', "\r\n");
    let mut bom_mem = vec![0xEF, 0xBB, 0xBF];
    bom_mem.extend(
        crlf(&format!(
            "{MEM_HEADER}{}",
            mem("mem:fixture-1", "member", "2001", "2005", "\"p. 3, \"\"quoted\"\"\"")
        ))
        .into_bytes(),
    );
    let mut bom_src = vec![0xEF, 0xBB, 0xBF];
    bom_src.extend(crlf(SOURCES).into_bytes());
    env.write("case/sources.csv", bom_src);
    env.write("case/networks.csv", crlf(NETWORKS));
    env.write("case/localities.csv", crlf(LOCALITIES));
    env.write("case/memberships.csv", bom_mem);
    let (code, out, err) = env.mlgov(&["validate", "case"]);
    assert_eq!(code, 0, "{out}{err}");
    let before = env.json(&["list", "memberships"])["count"].as_u64().unwrap();
    let v = env.json(&["import", "case"]);
    assert_eq!(v["imported"], 4, "{v}");
    assert_eq!(env.json(&["list", "memberships"])["count"].as_u64().unwrap(), before + 1);
    // The cells carry neither the BOM nor the CR.
    let s = env.json(&["sources", "src:fixture"]);
    assert_eq!(s["source"]["id"], "src:fixture", "{s}");
    assert_eq!(s["source"]["kind"], "other", "{s}");
    let n = env.json(&["show", "network", "net:fixture-net"]);
    assert_eq!(n["citation"]["locator"], "p. 1");
    let m = &n["members"][0];
    assert_eq!(m["citation"]["locator"], "p. 3, \"quoted\"", "{n}");
    assert_eq!(m["role"], "member");
    // Importing the same directory again finds every row stored identically: nothing to do.
    let snap = env.snapshot();
    let again = env.json(&["import", "case"]);
    assert_eq!(
        (again["imported"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(4)),
        "{again}"
    );
    assert_eq!(env.snapshot(), snap);
}

#[test]
fn header_only_files_and_optional_columns_are_accepted() {
    let env = Env::new();
    env.write("case/sources.csv", SOURCES);
    env.write("case/networks.csv", NETWORKS);
    env.write("case/localities.csv", LOCALITIES);
    env.write("case/memberships.csv", MEM_HEADER);
    // Columns in another order, optional ones omitted.
    env.write("case/events.csv", "title,id,source,locator,from,kind\nA meeting,evt:fixture-meeting,src:fixture,p. 5,2019-02,meeting\n");
    let (code, out, err) = env.mlgov(&["validate", "case"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!env.db.exists(), "validate must not create the database");
    let v = env.json(&["import", "case"]);
    assert_eq!(v["imported"], 4, "{v}");
    let e = env.json(&["list", "events"]);
    assert_eq!(e["items"][0]["id"], "evt:fixture-meeting");
    assert_eq!(e["items"][0]["date"], "2019-02", "an event without `to` happened at its date");
}
