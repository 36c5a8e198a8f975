//! Round trips through the real binary: demo → export → import into an empty store → export gives
//! byte-identical files, for the CSV directory and for the JSON document.

use crate::common::{Env, read_tree};

fn assert_same_tree(a: &std::path::Path, b: &std::path::Path) {
    let ta = read_tree(a);
    let tb = read_tree(b);
    let names = |t: &[(String, Vec<u8>)]| t.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&ta), names(&tb), "the two exports hold different files");
    for ((name, x), (_, y)) in ta.iter().zip(&tb) {
        if x != y {
            let (xs, ys) = (String::from_utf8_lossy(x), String::from_utf8_lossy(y));
            let first = xs.lines().zip(ys.lines()).position(|(l, m)| l != m);
            panic!(
                "{name} differs (first differing line {first:?}; {} vs {} bytes)",
                x.len(),
                y.len()
            );
        }
    }
}

#[test]
fn csv_round_trip_is_byte_identical() {
    let env = Env::new();
    env.demo();
    env.ok(&["export", "--out", "first"]);
    let first = read_tree(&env.path("first"));
    // Every table of the format is written, header included, even when empty.
    assert_eq!(first.len(), 14, "{:?}", first.iter().map(|f| &f.0).collect::<Vec<_>>());
    for (name, bytes) in &first {
        assert!(name.ends_with(".csv"));
        assert!(!bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "{name} has a BOM");
        assert!(!bytes.contains(&b'\r'), "{name} has CR line ends");
        assert!(bytes.ends_with(b"\n"), "{name} does not end with a newline");
    }
    let second_db = env.path("second.db");
    let (code, _, err) = env.mlgov_db(&second_db, &["import", "first"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = env.mlgov_db(&second_db, &["export", "--out", "second"]);
    assert_eq!(code, 0, "{err}");
    assert_same_tree(&env.path("first"), &env.path("second"));
    // And a third generation from the second store, for good measure.
    let third_db = env.path("third.db");
    assert_eq!(env.mlgov_db(&third_db, &["import", "second"]).0, 0);
    assert_eq!(env.mlgov_db(&third_db, &["export", "--out", "third"]).0, 0);
    assert_same_tree(&env.path("first"), &env.path("third"));
}

#[test]
fn csv_export_rows_are_sorted_by_id() {
    let env = Env::new();
    env.demo();
    env.ok(&["export", "--out", "ex"]);
    for (name, bytes) in read_tree(&env.path("ex")) {
        let mut rdr = csv::ReaderBuilder::new().from_reader(bytes.as_slice());
        let ids: Vec<String> = rdr.records().map(|r| r.unwrap()[0].to_string()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted, "{name} is not sorted by id");
        assert_eq!(&rdr.headers().unwrap()[0], "id", "{name}");
    }
}

#[test]
fn json_round_trip_is_byte_identical() {
    let env = Env::new();
    env.demo();
    env.ok(&["export", "--format", "json", "--out", "first.json"]);
    let first = std::fs::read(env.path("first.json")).unwrap();
    let v: serde_json::Value = serde_json::from_slice(&first).unwrap();
    assert_eq!(v["format"], "mlgov-kb");
    let second_db = env.path("second.db");
    let (code, _, err) = env.mlgov_db(&second_db, &["import", "first.json"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) =
        env.mlgov_db(&second_db, &["export", "--format", "json", "--out", "second.json"]);
    assert_eq!(code, 0, "{err}");
    let second = std::fs::read(env.path("second.json")).unwrap();
    assert!(first == second, "JSON exports differ ({} vs {} bytes)", first.len(), second.len());
    // `--out -` prints the same document.
    let (code, out, _) = env.mlgov_db(&second_db, &["export", "--format", "json", "--out", "-"]);
    assert_eq!(code, 0);
    assert_eq!(out.as_bytes(), first.as_slice());
}

#[test]
fn csv_and_json_carry_the_same_base() {
    let env = Env::new();
    env.demo();
    env.ok(&["export", "--out", "csv"]);
    env.ok(&["export", "--format", "json", "--out", "kb.json"]);
    // CSV → store → JSON equals the demo's JSON; JSON → store → CSV equals the demo's CSV.
    let a = env.path("a.db");
    assert_eq!(env.mlgov_db(&a, &["import", "csv"]).0, 0);
    assert_eq!(env.mlgov_db(&a, &["export", "--format", "json", "--out", "a.json"]).0, 0);
    assert!(
        std::fs::read(env.path("a.json")).unwrap() == std::fs::read(env.path("kb.json")).unwrap(),
        "CSV → JSON differs"
    );
    let b = env.path("b.db");
    assert_eq!(env.mlgov_db(&b, &["import", "kb.json"]).0, 0);
    assert_eq!(env.mlgov_db(&b, &["export", "--out", "b"]).0, 0);
    assert_same_tree(&env.path("csv"), &env.path("b"));
}

#[test]
fn bundled_source_directory_round_trips_to_the_same_records() {
    // Importing data/kb directly (the layout with one subdirectory per paper) gives the same
    // store as `mlgov demo`.
    let env = Env::new();
    env.demo();
    env.ok(&["export", "--out", "demo"]);
    let kb_dir = crate::common::repo_root().join("data/kb");
    let other = env.path("other.db");
    let (code, _, err) = env.mlgov_db(&other, &["import", kb_dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(env.mlgov_db(&other, &["export", "--out", "direct"]).0, 0);
    assert_same_tree(&env.path("demo"), &env.path("direct"));
}
