//! The knowledge-base import formats (mlgov-interchange: one CSV file per record type, the JSON
//! document) and the domain's own small parsers (partial dates, ids, coordinates, finding
//! qualifiers, vocabulary words, property values, search keys).

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use mlgov_domain::{Id, IdKind, Interval, KnowledgeBase, PartialDate, Property, Vocabulary};
use mlgov_interchange::{CSV_FILES, Diagnostic, InterchangeError};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use super::harness::*;

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/kb")
}

/// Every bundled file of the record type `name` (`memberships.csv`), plus the header alone.
fn csv_seeds(name: &str) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut dirs = vec![data_dir()];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).expect("data/kb").flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.file_name().is_some_and(|n| n == name) {
                out.push(std::fs::read(&p).expect("read seed"));
            }
        }
    }
    out.sort();
    // Files of a few rows: whole files are long, and mutations of a short file reach every line.
    let short: Vec<Vec<u8>> = out
        .iter()
        .map(|f| f.split_inclusive(|&b| b == b'\n').take(4).flatten().copied().collect())
        .collect();
    out.extend(short);
    out
}

/// The bundled knowledge base, read once.
fn bundled() -> &'static KnowledgeBase {
    static KB: OnceLock<KnowledgeBase> = OnceLock::new();
    KB.get_or_init(|| {
        mlgov_interchange::read_path(&data_dir()).expect("the bundled knowledge base reads").kb
    })
}

/// The name index of the bundled knowledge base (what search and name resolution use).
fn bundled_index() -> &'static mlgov_domain::NameIndex {
    static INDEX: OnceLock<mlgov_domain::NameIndex> = OnceLock::new();
    INDEX.get_or_init(|| bundled().index())
}

/// A row of `file` whose list or text column holds `n` items, to make one row report many problems.
fn huge_list_row(file: &'static str) -> impl Strategy<Value = Bytes> {
    (
        1usize..40_000,
        proptest::sample::select(vec!["x", "loc:A", "2010-13", "=1", "''=", "\"\"", ""]),
    )
        .prop_map(move |(n, item)| {
            let cols: Vec<&str> = columns_of(file);
            let mut s = cols.join(",");
            s.push('\n');
            let cells: Vec<String> = cols
                .iter()
                .map(|c| {
                    if *c == "id" {
                        "loc:x".to_string()
                    } else {
                        format!("\"{}\"", vec![item; n].join(";").replace('"', "\"\""))
                    }
                })
                .collect();
            s.push_str(&cells.join(","));
            s.push('\n');
            Bytes::new(s.into_bytes())
        })
}

/// The first row of a seed repeated `n` times under new ids (`mem:x` → `mem:x-17`): whole-base
/// checks (duplicates, overlapping memberships and terms, conflicts) over many alike rows.
fn many_rows(seeds: &[Vec<u8>]) -> impl Strategy<Value = Bytes> {
    let firsts: Vec<(String, String)> = seeds
        .iter()
        .filter_map(|f| {
            let t = String::from_utf8(f.clone()).ok()?;
            let mut lines = t.lines();
            Some((lines.next()?.to_string(), lines.next()?.to_string()))
        })
        .collect();
    (0..firsts.len().max(1), prop_oneof![1 => 1usize..200, 1 => 200usize..6_000]).prop_map(
        move |(i, n)| {
            let Some((header, row)) = firsts.get(i) else { return Bytes::new(Vec::new()) };
            let (id, rest) = row.split_once(',').unwrap_or((row, ""));
            let mut s = format!("{header}\n");
            for k in 0..n {
                s.push_str(&format!("{id}-{k},{rest}\n"));
            }
            Bytes::new(s.into_bytes())
        },
    )
}

/// A header of `n` columns (unknown, repeated or known names), then a row: one problem per column.
fn wide_header(file: &'static str) -> impl Strategy<Value = Bytes> {
    (1usize..60_000, proptest::sample::select(vec!["a", "", "id", "x y", "\"q\"\"\""])).prop_map(
        move |(n, name)| {
            let mut s = String::from("id,");
            s.push_str(&vec![name; n].join(","));
            s.push_str("\nloc:a");
            s.push_str(&",".repeat(n));
            s.push('\n');
            let _ = file;
            Bytes::new(s.into_bytes())
        },
    )
}

/// The columns of a file of the format (`R::COLUMNS` of its record type).
fn columns_of(file: &str) -> Vec<&'static str> {
    struct Columns<'a>(&'a str, Vec<&'static str>);
    impl mlgov_domain::TableVisitor for Columns<'_> {
        fn table<R: mlgov_domain::Record>(&mut self, _: &[R]) {
            if R::FILE == self.0 {
                self.1 = R::COLUMNS.iter().map(|c| c.name).collect();
            }
        }
    }
    let mut c = Columns(file, Vec::new());
    KnowledgeBase::default().visit(&mut c);
    c.1
}

/// Checks that every diagnostic of a CSV file is placed inside it: a line within the file (only
/// whole-file problems go without one), a field that is a column of the format or of the file.
fn check_csv_diagnostics(
    file: &str,
    input: &[u8],
    diags: &[Diagnostic],
) -> Result<(), TestCaseError> {
    let lines = line_count(input) as u64;
    let text = String::from_utf8_lossy(input);
    let columns = columns_of(file);
    let whole_file = ["file is empty", "file has no header row", "more than 200 problems"];
    for d in diags {
        prop_assert!(!d.message.is_empty(), "empty message: {d:?}");
        match d.line {
            Some(l) => {
                prop_assert!(l >= 1 && l <= lines, "{file}: line {l} outside 1..={lines}: {d}")
            }
            None => prop_assert!(
                whole_file.iter().any(|w| d.message.starts_with(w)),
                "{file}: a problem without a line: {d}"
            ),
        }
        if let Some(f) = &d.field {
            let numbered =
                f.strip_prefix("column ").and_then(|n| n.parse::<usize>().ok()).is_some();
            prop_assert!(
                columns.contains(&f.as_str())
                    || numbered
                    || in_text(&text, f)
                    || utf16_contains(input, f),
                "{file}: field {f:?} is neither a column of the format nor of the file: {d}"
            );
        }
    }
    Ok(())
}

/// Whether a cell (as the csv reader gives it) occurs in the text (quotes set aside).
pub fn in_text(text: &str, cell: &str) -> bool {
    let unquote = |s: &str| s.replace('"', "");
    unquote(text).contains(&unquote(cell))
}

fn utf16_contains(input: &[u8], f: &str) -> bool {
    mlgov_textfile::decode(input, None, mlgov_textfile::WithoutBom::Guess)
        .is_ok_and(|(t, _)| in_text(&t, f))
}

fn kb_csv(file: &'static str, cases: u32) {
    let target: &'static str = Box::leak(format!("kb csv {file}").into_boxed_str());
    let seeds = csv_seeds(file);
    for seed in &seeds {
        if let Err(e) = mlgov_interchange::read_memory_batch(&[(file, seed)]) {
            panic!("a seed of {file} does not read: {:?}", e.diagnostics());
        }
    }
    let inputs = prop_oneof![6 => mutated(seeds.clone()), 1 => texty_bytes(400), 1 => any_bytes(200), 1 => huge_list_row(file), 1 => wide_header(file), 1 => many_rows(&seeds)];
    fuzz(target, cases, inputs, |input, totals| {
        let ran = run(target, &input.0, move |b| {
            mlgov_interchange::read_memory_batch(&[(file, b)]).map(|l| l.kb.statement_count())
        })?;
        totals.add(input.0.len(), &ran);
        match &ran.value {
            Ok(_) => Ok(()),
            Err(InterchangeError::Invalid(d)) => {
                prop_assert!(!d.is_empty(), "rejected without a problem");
                check_csv_diagnostics(file, &input.0, d)
            }
            Err(e) => Err(TestCaseError::fail(format!("not a diagnostic: {e}"))),
        }
    });
}

#[test]
fn kb_csv_sources_localities_networks() {
    for f in ["sources.csv", "localities.csv", "networks.csv"] {
        kb_csv(f, 250);
    }
}

#[test]
fn kb_csv_memberships_terms_facts() {
    for f in ["memberships.csv", "terms.csv", "facts.csv"] {
        kb_csv(f, 250);
    }
}

#[test]
fn kb_csv_other_tables() {
    for f in CSV_FILES.iter().filter(|f| {
        ![
            "sources.csv",
            "localities.csv",
            "networks.csv",
            "memberships.csv",
            "terms.csv",
            "facts.csv",
        ]
        .contains(f)
    }) {
        kb_csv(f, 80);
    }
}

/// The JSON document of a few bundled tables (the writer's own form).
fn json_seeds() -> Vec<Vec<u8>> {
    let kb = bundled();
    let mut small = KnowledgeBase::default();
    small.sources = kb.sources.iter().take(3).cloned().collect();
    small.localities = kb.localities.iter().take(3).cloned().collect();
    small.networks = kb.networks.iter().take(2).cloned().collect();
    small.memberships = kb
        .memberships
        .iter()
        .filter(|m| small.networks.iter().any(|n| n.id == m.network))
        .take(4)
        .cloned()
        .collect();
    small.facts = kb.facts.iter().take(3).cloned().collect();
    let json = mlgov_interchange::to_json(&small);
    let empty = mlgov_interchange::to_json(&KnowledgeBase::default());
    vec![
        json.into_bytes(),
        empty.into_bytes(),
        br#"{"format":"mlgov-kb","version":1,"format":"mlgov-kb","sources":[],"sources":[]}"#
            .to_vec(),
    ]
}

#[test]
fn kb_json() {
    let dir = Arc::new(tempfile::tempdir().expect("tempdir"));
    let inputs = prop_oneof![
        6 => mutated(json_seeds()),
        1 => texty_bytes(300),
        1 => nested("[", "1", "]", "{\"format\":\"mlgov-kb\",\"version\":1,\"sources\":"),
        1 => nested("{\"a\":", "1", "}", "{\"format\":\"mlgov-kb\",\"version\":1,\"x\":"),
        1 => nested("[", "", "]", ""),
    ];
    let n = std::sync::atomic::AtomicUsize::new(0);
    fuzz("kb json", 1500, inputs, |input, totals| {
        let path = dir
            .path()
            .join(format!("kb-{}.json", n.fetch_add(1, std::sync::atomic::Ordering::Relaxed)));
        std::fs::write(&path, &*input.0).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let p = path.clone();
        let ran = run("kb json", &input.0, move |_| {
            mlgov_interchange::read_path(&p).map(|l| l.kb.statement_count())
        });
        let _ = std::fs::remove_file(&path);
        let ran = ran?;
        totals.add(input.0.len(), &ran);
        let lines = line_count(&input.0) as u64;
        match &ran.value {
            Ok(_) => Ok(()),
            Err(InterchangeError::Invalid(d)) => {
                prop_assert!(!d.is_empty());
                for d in d {
                    if let Some(l) = d.line {
                        prop_assert!(l >= 1 && l <= lines, "line {l} outside 1..={lines}: {d}");
                    }
                    prop_assert!(
                        d.line.is_some() || d.field.is_some(),
                        "a problem placed neither at a line nor at a field: {d}"
                    );
                }
                Ok(())
            }
            Err(e) => Err(TestCaseError::fail(format!("not a diagnostic: {e}"))),
        }
    });
}

/// Cells as the knowledge-base files hold them, valid and not.
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => "[0-9]{1,5}(-[0-9]{1,3}){0,3}",
        2 => "(loc|net|org|per|evt|src|prc|country|mem|trm|aff|rel|fct|phs|adp|x)?:?[a-zA-Z0-9_ -]{0,12}",
        1 => "[-+]?[0-9]{0,4}[.,]?[0-9]{0,8} ?, ?[-+]?[0-9]{0,4}[.,]?[0-9]{0,8}",
        1 => "[a-z_]{0,20}(@[a-z_]{0,12}(:[A-Za-z_]{0,12})?)?",
        1 => any::<String>(),
        1 => "\\PC{0,2000}",
    ]
}

#[test]
fn domain_small_parsers() {
    fuzz(
        "domain parsers",
        4000,
        cell().prop_map(|s| Bytes::new(s.into_bytes())),
        |input, totals| {
            let ran = run("domain parsers", &input.0, |b| {
                let s = std::str::from_utf8(b).expect("text");
                let date = PartialDate::parse(s).map(|d| (d, d.to_string()));
                let id = Id::parse(s).map(|i| (i.kind(), i.body().to_string(), i.to_string()));
                let kinds = Id::parse_kind(s, &[IdKind::Locality, IdKind::Network]).is_ok();
                let latlon = mlgov_domain::property::parse_lat_lon(s);
                let finding = mlgov_domain::property::parse_finding_qualifier(s).is_ok();
                let checked: Vec<bool> = Property::ALL
                    .iter()
                    .map(|p| p.parse::<Property>().expect("own name").check_value(s).is_ok())
                    .collect();
                let words = s.parse::<Property>().is_ok();
                // Intervals between this date and a fixed one, both ways.
                let iv = date.as_ref().ok().map(|(d, _)| {
                    let other = PartialDate::parse("2010-06").expect("date");
                    (
                        Interval::new(Some(*d), Some(other)).map(|i| i.display()),
                        Interval::new(Some(other), Some(*d)).is_ok(),
                        Interval::new(Some(*d), None).map(|i| i.contains_year(d.year)),
                    )
                });
                (
                    date.map(|(_, t)| t),
                    id,
                    kinds,
                    latlon,
                    finding,
                    checked.len(),
                    words,
                    iv.is_some(),
                )
            })?;
            totals.add(input.0.len(), &ran);
            let s = std::str::from_utf8(&input.0).expect("text");
            let (date, id, _, latlon, ..) = &ran.value;
            if let Ok(t) = date {
                prop_assert_eq!(t.as_str(), s, "a parsed date does not print back as written");
            }
            if let Ok((kind, body, text)) = id {
                prop_assert_eq!(text.as_str(), s);
                prop_assert_eq!(format!("{}{body}", kind.prefix()), s);
            }
            if let Some((lat, lon)) = latlon {
                prop_assert!(lat.abs() <= 90.0 && lon.abs() <= 180.0);
            }
            Ok(())
        },
    );
}

#[test]
fn search_keys_and_search() {
    let query = prop_oneof![3 => "[A-Za-zÀ-ÿ .'()\\[\\]-]{0,40}", 1 => any::<String>(), 1 => "\\PC{0,4000}", 1 => "[(\\[]{0,3000}[a-z ]{0,20}"];
    bundled_index();
    fuzz(
        "search keys",
        800,
        query.prop_map(|s: String| Bytes::new(s.into_bytes())),
        |input, totals| {
            let ran = run("search keys", &input.0, |b| {
                let s = std::str::from_utf8(b).expect("text");
                let fold = mlgov_domain::fold(s);
                let key = mlgov_domain::names::place_key(s);
                let variants = mlgov_domain::names::place_key_variants(s);
                let typos = mlgov_domain::names::within_typos(&fold, "saint etienne");
                let kb = bundled_index();
                let hits = kb.search(s, &[], 20).len();
                let places = kb.search(s, &[IdKind::Locality], 5).len();
                let resolved =
                    format!("{:?}", kb.resolve(s, &[IdKind::Locality, IdKind::Network])).len();
                (fold, key, variants.len(), typos, hits, places, resolved)
            })?;
            totals.add(input.0.len(), &ran);
            let (fold, ..) = &ran.value;
            prop_assert!(
                !fold.starts_with(' ') && !fold.ends_with(' ') && !fold.contains("  "),
                "fold leaves stray spaces: {fold:?}"
            );
            prop_assert!(
                ran.value.4 <= 20 && ran.value.5 <= 5,
                "search returns more hits than its limit"
            );
            Ok(())
        },
    );
}

/// The names `mlgov reconcile` reads from a file: place names with or without a country, matched
/// against the bundled base and the GeoNames extract (keys, typo budget, candidates).
#[test]
fn reconcile_place_names() {
    static RECONCILER: OnceLock<mlgov_gazetteer::reconcile::Reconciler<'static>> = OnceLock::new();
    let reconciler = RECONCILER.get_or_init(|| {
        mlgov_gazetteer::reconcile::Reconciler::new(
            bundled(),
            mlgov_gazetteer::Gazetteer::bundled(),
        )
    });
    let name = prop_oneof![
        3 => "(Comune di |Ville de |City of |St[.] )?[A-Za-zÀ-ÿ' -]{0,24}( \\([A-Z]{2}\\))?( kommun| City)?",
        1 => any::<String>(),
        1 => "[(\\[ .'-]{0,2000}",
        1 => "\\PC{0,3000}",
    ];
    let country = proptest::option::of(prop_oneof!["[A-Z]{2}", "[a-z ]{0,3}", any::<String>()]);
    let input = (name, country).prop_map(|(n, c): (String, Option<String>)| {
        Bytes::new(
            format!("{}\t{}", n.replace('\t', " "), c.unwrap_or_default().replace('\t', " "))
                .into_bytes(),
        )
    });
    fuzz("reconcile names", 1000, input, |input, totals| {
        let ran = run("reconcile names", &input.0, move |b| {
            let text = String::from_utf8_lossy(b);
            let (name, country) = text.split_once('\t').unwrap_or((&text, ""));
            let out = reconciler.reconcile(name, (!country.is_empty()).then_some(country));
            (out.candidates.len(), format!("{:?}", out.decision))
        })?;
        totals.add(input.0.len(), &ran);
        Ok(())
    });
}
