//! Integration tests of the domain model's invariants: intervals, overlapping memberships,
//! citations, references, conflicts and name resolution.

use mlgov_domain::*;
use std::collections::BTreeMap;

fn row(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

fn src() -> Source {
    Source::from_cells(&row(&[("id", "src:a"), ("short", "A"), ("title", "T"), ("kind", "paper")]))
        .unwrap()
}

fn membership(id: &str, from: &str, to: &str, source: &str) -> Membership {
    Membership::from_cells(&row(&[
        ("id", id),
        ("network", "net:n"),
        ("member", "loc:t"),
        ("role", "member"),
        ("from", from),
        ("to", to),
        ("source", source),
        ("locator", "Table 3"),
    ]))
    .unwrap()
}

fn base() -> KnowledgeBase {
    let mut kb = KnowledgeBase::default();
    kb.sources.push(src());
    let mut s2 = src();
    s2.id = Id::parse("src:b").unwrap();
    kb.sources.push(s2);
    kb.localities.push(
        Locality::from_cells(&row(&[
            ("id", "loc:t"),
            ("name", "Saint-Étienne"),
            ("aliases", "St-Étienne"),
            ("kind", "municipality"),
            ("country", "FR"),
            ("source", "src:a"),
            ("locator", "Table 1"),
        ]))
        .unwrap(),
    );
    kb.networks.push(
        Network::from_cells(&row(&[
            ("id", "net:n"),
            ("name", "Intercultural Cities"),
            ("acronym", "ICC"),
            ("kind", "network"),
            ("source", "src:a"),
            ("locator", "p. 3"),
        ]))
        .unwrap(),
    );
    kb
}

#[test]
fn end_before_start_is_rejected_with_field() {
    let e = Membership::from_cells(&row(&[
        ("id", "mem:x"),
        ("network", "net:n"),
        ("member", "loc:t"),
        ("role", "member"),
        ("from", "2010"),
        ("to", "2009"),
        ("source", "src:a"),
        ("locator", "Table 3"),
    ]))
    .unwrap_err();
    assert_eq!(
        e,
        vec![FieldProblem { field: "to".into(), message: "end 2009 is before start 2010".into() }]
    );
}

#[test]
fn open_intervals_are_allowed() {
    let m = membership("mem:x", "2006", "", "src:a");
    assert_eq!(m.when.to, None);
    assert!(m.when.contains_year(2024));
    assert_eq!(m.when.display(), "2006–");
}

#[test]
fn statement_without_source_or_locator_is_rejected() {
    let e = Membership::from_cells(&row(&[
        ("id", "mem:x"),
        ("network", "net:n"),
        ("member", "loc:t"),
        ("role", "member"),
    ]))
    .unwrap_err();
    let fields: Vec<&str> = e.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, vec!["source", "locator"]);
}

#[test]
fn all_problems_of_a_row_are_reported() {
    let e = Locality::from_cells(&row(&[
        ("id", "loc:X"),
        ("name", ""),
        ("kind", "city"),
        ("country", "UK"),
        ("anonymised", "true"),
        ("source", "src:a"),
        ("locator", "x"),
    ]))
    .unwrap_err();
    let fields: Vec<&str> = e.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, vec!["id", "name", "kind", "country", "public_label"]);
    assert!(e[2].message.contains("expected one of: municipality, intermunicipal"));
}

#[test]
fn overlapping_memberships_same_source_are_rejected_different_sources_conflict() {
    let mut kb = base();
    kb.memberships.push(membership("mem:a", "1999", "2006", "src:a"));
    kb.memberships.push(membership("mem:b", "2005", "2008", "src:a"));
    let problems = kb.validate();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].id, "mem:b");
    assert!(problems[0].message.contains("merge the two rows"));

    let mut kb = base();
    kb.memberships.push(membership("mem:a", "1999", "2006", "src:a"));
    kb.memberships.push(membership("mem:b", "1999", "2001", "src:b"));
    assert!(kb.validate().is_empty());
    let c = kb.conflicts();
    assert_eq!(c.len(), 1);
    assert_eq!(c[0].kind, "membership");
    assert_eq!(c[0].statements.len(), 2);

    // Non-overlapping rejoin from the same source is fine.
    let mut kb = base();
    kb.memberships.push(membership("mem:a", "1999", "2001", "src:a"));
    kb.memberships.push(membership("mem:b", "2004", "2007", "src:a"));
    assert!(kb.validate().is_empty());
}

/// Found by the fuzzing of the parsers (mlgov-faults, `fuzz::kb::kb_csv_memberships_terms_facts`):
/// every overlapping pair was a problem, and 12,000 alike rows of one member asked for gigabytes.
#[test]
fn overlapping_memberships_are_one_problem_per_row() {
    let mut kb = base();
    for k in 0..12_000 {
        kb.memberships.push(membership(&format!("mem:x-{k}"), "2010", "2015", "src:a"));
    }
    let start = std::time::Instant::now();
    let problems = kb.validate();
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
    assert_eq!(problems.len(), 11_999);
    assert!(
        problems.iter().all(|p| p
            .message
            .starts_with("overlaps mem:x-0 (loc:t in net:n as member, 2010–2015 and 2010–2015)")),
        "{:?}",
        &problems[..2]
    );
}

#[test]
fn references_and_duplicates_are_checked() {
    let mut kb = base();
    let mut m = membership("mem:a", "1999", "2006", "src:a");
    m.network = Id::parse("net:missing").unwrap();
    kb.memberships.push(m);
    let mut dup = kb.localities[0].clone();
    dup.name = "Other".into();
    kb.localities.push(dup);
    let mut bad_src = membership("mem:c", "2010", "", "src:a");
    bad_src.citation.source = Id::parse("src:zzz").unwrap();
    kb.memberships.push(bad_src);
    let msgs: Vec<String> =
        kb.validate().iter().map(|p| format!("{} {}: {}", p.id, p.field, p.message)).collect();
    assert!(msgs.contains(&"loc:t id: duplicate id loc:t: already defined in localities.csv (again in localities.csv)".to_string()), "{msgs:?}");
    assert!(
        msgs.contains(&"mem:a network: refers to net:missing, which does not exist".to_string()),
        "{msgs:?}"
    );
    assert!(
        msgs.contains(&"mem:c source: cites src:zzz, which is not in sources.csv".to_string()),
        "{msgs:?}"
    );
}

#[test]
fn facts_are_typed_and_conflicts_keep_both() {
    let f = |id: &str, value: &str, locator: &str| {
        Fact::from_cells(&row(&[
            ("id", id),
            ("subject", "loc:t"),
            ("property", "policy_outcome"),
            ("value", value),
            ("source", "src:a"),
            ("locator", locator),
        ]))
    };
    assert!(
        f("fct:x", "great", "T1").unwrap_err()[0]
            .message
            .contains("expected one of: accommodative, mixed, restrictive")
    );
    let mut kb = base();
    kb.facts.push(f("fct:a", "mixed", "Table 1").unwrap());
    kb.facts.push(f("fct:b", "accommodative", "Table 2").unwrap());
    kb.facts.push(f("fct:c", "mixed", "Table 3").unwrap());
    let c = kb.conflicts();
    assert_eq!(c.len(), 1);
    assert_eq!(
        c[0].statements.iter().map(|s| s.id.as_str()).collect::<Vec<_>>(),
        vec!["fct:a", "fct:b", "fct:c"]
    );
    // Dated, non-overlapping values are a change over time, not a conflict.
    let pop = |id: &str, v: &str, y: &str| {
        Fact::from_cells(&row(&[
            ("id", id),
            ("subject", "loc:t"),
            ("property", "population"),
            ("value", v),
            ("from", y),
            ("to", y),
            ("source", "src:a"),
            ("locator", "T1"),
        ]))
        .unwrap()
    };
    let mut kb = base();
    kb.facts.push(pop("fct:p1", "172500", "2017"));
    kb.facts.push(pop("fct:p2", "171000", "2019"));
    assert!(kb.conflicts().is_empty());
    // A property that does not apply to the subject kind.
    let e = Fact::from_cells(&row(&[
        ("id", "fct:z"),
        ("subject", "net:n"),
        ("property", "population"),
        ("value", "3"),
        ("source", "src:a"),
        ("locator", "x"),
    ]))
    .unwrap_err();
    assert_eq!(e[0].field, "subject");
}

#[test]
fn accent_insensitive_resolution() {
    let kb = base();
    let idx = kb.index();
    for q in ["saint etienne", "SAINT-ETIENNE", "st etienne", "Saint-Étienne", "loc:t"] {
        assert_eq!(idx.resolve(q, &[]), Resolution::Found(Id::parse("loc:t").unwrap()), "{q}");
    }
    assert_eq!(
        idx.resolve("icc", &[IdKind::Network]),
        Resolution::Found(Id::parse("net:n").unwrap())
    );
    assert_eq!(idx.resolve("nowhere", &[]), Resolution::NotFound);
    let hits = idx.search("etien", &[], 10);
    assert_eq!(hits[0].id.as_str(), "loc:t");
}

#[test]
fn ambiguous_names_list_candidates() {
    let mut kb = base();
    for (id, region) in [("loc:wc-a", "Piedmont"), ("loc:wc-b", "Piedmont")] {
        kb.localities.push(
            Locality::from_cells(&row(&[
                ("id", id),
                ("name", "IT (Piedmont)"),
                ("kind", "municipality"),
                ("country", "IT"),
                ("region", region),
                ("anonymised", "true"),
                ("public_label", "IT (Piedmont)"),
                ("source", "src:a"),
                ("locator", "x"),
            ]))
            .unwrap(),
        );
    }
    match kb.index().resolve("it piedmont", &[]) {
        Resolution::Ambiguous(c) => assert_eq!(c.len(), 2),
        other => panic!("expected ambiguity, got {other:?}"),
    }
}

#[test]
fn size_thresholds_classify() {
    let t = SizeThresholds::default();
    assert_eq!(t.classify(875_000), SizeClass::LargeCity);
    assert_eq!(t.classify(172_500), SizeClass::MediumTown);
    assert_eq!(t.classify(100_000), SizeClass::SmallTown);
    assert_eq!(t.classify(800), SizeClass::RuralArea);
}

mod props {
    use mlgov_domain::{Interval, PartialDate};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn overlap_is_symmetric_and_reflexive(a in 1900i32..2030, b in 0i32..20, c in 1900i32..2030, d in 0i32..20) {
            let x = Interval::new(Some(PartialDate::year(a)), Some(PartialDate::year(a + b))).unwrap();
            let y = Interval::new(Some(PartialDate::year(c)), Some(PartialDate::year(c + d))).unwrap();
            prop_assert_eq!(x.overlaps(&y), y.overlaps(&x));
            prop_assert!(x.overlaps(&x));
            prop_assert_eq!(x.overlaps(&y), a <= c + d && c <= a + b);
        }

        /// The rows reported as overlapping are those that overlap an earlier one (by start, then
        /// id), each naming one it overlaps.
        #[test]
        fn overlap_problems_are_the_rows_overlapping_an_earlier_one(rows in proptest::collection::vec((proptest::option::of(1990i32..2010), proptest::option::of(0i32..6)), 2..12)) {
            let mut kb = super::base();
            for (k, (from, span)) in rows.iter().enumerate() {
                let from_s = from.map(|y| y.to_string()).unwrap_or_default();
                let to_s = span.map(|s| (from.unwrap_or(1990) + s).to_string()).unwrap_or_default();
                kb.memberships.push(super::membership(&format!("mem:r{k:02}"), &from_s, &to_s, "src:a"));
            }
            let mut sorted: Vec<&mlgov_domain::Membership> = kb.memberships.iter().collect();
            sorted.sort_by(|a, b| a.when.cmp(&b.when).then(a.id.cmp(&b.id)));
            let mut expected: Vec<String> = (1..sorted.len()).filter(|&j| (0..j).any(|i| sorted[i].when.overlaps(&sorted[j].when))).map(|j| sorted[j].id.to_string()).collect();
            expected.sort();
            let problems = kb.validate();
            let mut got: Vec<String> = problems.iter().map(|p| p.id.clone()).collect();
            got.sort();
            prop_assert_eq!(got, expected);
            for p in &problems {
                let other = p.message.strip_prefix("overlaps ").and_then(|m| m.split(' ').next()).unwrap();
                let (a, b) = (kb.memberships.iter().find(|m| m.id.as_str() == other).unwrap(), kb.memberships.iter().find(|m| m.id.as_str() == p.id).unwrap());
                prop_assert!(a.when.overlaps(&b.when), "{} does not overlap {}", p.id, other);
            }
        }

        #[test]
        fn date_display_round_trips(y in 1000i32..2999, m in 1u8..13, d in 1u8..29) {
            let s = format!("{y:04}-{m:02}-{d:02}");
            prop_assert_eq!(PartialDate::parse(&s).unwrap().to_string(), s);
        }
    }
}

#[test]
fn search_tolerates_typos_and_abbreviations() {
    use mlgov_domain::{IdKind, KnowledgeBase};
    let mut kb = KnowledgeBase::default();
    let src = mlgov_domain::Id::parse("src:x").unwrap();
    let cit = mlgov_domain::Citation { source: src, locator: "x".into() };
    for (id, name, country) in [
        ("loc:saint-etienne", "Saint-Étienne", "FR"),
        ("loc:gavle", "Gävle", "SE"),
        ("loc:torino", "Turin", "IT"),
    ] {
        kb.localities.push(mlgov_domain::Locality {
            id: mlgov_domain::Id::parse(id).unwrap(),
            name: name.into(),
            aliases: vec![],
            kind: mlgov_domain::LocalityKind::Municipality,
            country: country.into(),
            region: None,
            parent: None,
            anonymised: false,
            public_label: None,
            lat: None,
            lon: None,
            coord_source: None,
            citation: cit.clone(),
        });
    }
    let idx = kb.index();
    let first =
        |q: &str| idx.search(q, &[IdKind::Locality], 5).first().map(|h| (h.id.to_string(), h.typo));
    assert_eq!(first("st etienne"), Some(("loc:saint-etienne".into(), false)), "abbreviation");
    assert_eq!(first("saint etiene"), Some(("loc:saint-etienne".into(), true)), "one typo");
    assert_eq!(first("gavel"), Some(("loc:gavle".into(), true)), "a transposition");
    assert_eq!(first("gavle"), Some(("loc:gavle".into(), false)), "accents");
    assert_eq!(first("xq"), None, "short nonsense finds nothing");
    assert!(
        idx.search("turon", &[IdKind::Locality], 5)
            .iter()
            .any(|h| h.id.as_str() == "loc:torino" && h.typo)
    );
}

/// Input is checked for control characters and bidi overrides in every cell (issue 21); a row read
/// back from a store written before the rule still parses, so that it can be shown (escaped).
#[test]
fn input_rows_refuse_control_characters_stored_rows_still_read() {
    let cells = row(&[
        ("id", "loc:t"),
        ("name", "\u{1b}[31mRed"),
        ("kind", "municipality"),
        ("country", "FR"),
        ("source", "src:a"),
        ("locator", "p.\u{202e} 1"),
    ]);
    let problems = Locality::from_input(&cells).unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["name", "locator"]);
    assert!(
        problems[0].message.starts_with(
            "contains U+001B (ESC) at character 1; expected text without control characters"
        ),
        "{problems:?}"
    );
    assert_eq!(Locality::from_cells(&cells).unwrap().name, "\u{1b}[31mRed");
    // A cell refused by its own grammar is reported once, by that grammar.
    let cells = row(&[
        ("id", "loc:\u{7}"),
        ("name", "T"),
        ("kind", "municipality"),
        ("country", "FR"),
        ("source", "src:a"),
        ("locator", "p. 1"),
    ]);
    let problems = Locality::from_input(&cells).unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].message.contains("must continue after its prefix"), "{problems:?}");
    assert_eq!(
        text::escape_unsafe("a\u{1b}[31mb\r\n\tc\u{9b}\u{2069}é"),
        "a\\u{1b}[31mb\\u{d}\n\tc\\u{9b}\\u{2069}é"
    );
}

/// Issue 22: the record parsers build a record only from values their readers returned; a
/// reader that returned nothing without recording a problem refuses the row instead of panicking.
#[test]
fn a_row_reader_that_lost_a_value_refuses_the_row_and_never_panics() {
    use mlgov_domain::record::RowReader;
    let cells = row(&[("id", "src:a")]);
    let r = RowReader::new(&cells);
    let missing: Option<Id> = None;
    let e = r.finish(|| missing).unwrap_err();
    assert_eq!(e.len(), 1);
    assert!(e[0].message.contains("bug in the row reader"), "{:?}", e[0]);
    // With every required value present the record is built.
    let mut r = RowReader::new(&cells);
    let id = r.id("id", &[IdKind::Source]);
    assert_eq!(r.finish(|| id).unwrap().as_str(), "src:a");
    // Every required cell missing: one problem per cell, and no record.
    let e = Source::from_cells(&row(&[])).unwrap_err();
    let fields: Vec<&str> = e.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["id", "short", "title", "kind"]);
}
