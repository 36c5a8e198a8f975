//! The embedded gazetteer and the reconciler, against the bundled knowledge base.

use mlgov_domain::KnowledgeBase;
use mlgov_gazetteer::Gazetteer;
use mlgov_gazetteer::reconcile::{Decision, Reconciler, Target};

trait ParseId {
    fn parse_id(&self) -> mlgov_domain::Id;
}
impl ParseId for str {
    fn parse_id(&self) -> mlgov_domain::Id {
        mlgov_domain::Id::parse(self).unwrap()
    }
}

fn bundled_kb() -> KnowledgeBase {
    // The bundled base as CSV directories (the CLI embeds the same files).
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/kb");
    mlgov_interchange::read_path(&root).expect("the bundled base loads").kb
}

#[test]
fn named_localities_of_the_papers_are_linked_at_their_real_coordinates() {
    let kb = bundled_kb();
    let turin = kb.place(&"loc:turin".parse_id()).unwrap();
    assert_eq!(turin.geonames_id, Some(3165524));
    assert!(
        (turin.lat.unwrap() - 45.0705).abs() < 0.001 && (turin.lon.unwrap() - 7.6868).abs() < 0.001,
        "{turin:?}"
    );
    assert_eq!(turin.subdivision.as_deref(), Some("IT-21"));
    // The paper's population (875,000 in 2017) is used over GeoNames' (847,287, 2020 snapshot);
    // where no paper gives one (Lyon), the gazetteer's.
    assert_eq!(
        (turin.population, turin.population_source.as_ref().map(|s| s.as_str())),
        (Some(875_000), Some("src:caponio-clement-2020"))
    );
    let lyon = kb.place(&"loc:lyon".parse_id()).unwrap();
    assert_eq!(
        (lyon.population, lyon.population_source.as_ref().map(|s| s.as_str())),
        (Some(520_774), Some("src:geonames"))
    );
    let se = kb.place(&"loc:saint-etienne".parse_id()).unwrap();
    assert_eq!(se.geonames_id, Some(2980291));
    assert!(
        (se.lat.unwrap() - 45.4339).abs() < 0.001 && (se.lon.unwrap() - 4.39).abs() < 0.001,
        "{se:?}"
    );
    // Every named locality that is a populated place is linked; the two that are not (an
    // intermunicipal authority, an island) are the documented exceptions.
    let g = Gazetteer::bundled();
    let mut unlinked = Vec::new();
    for l in kb.localities.iter().filter(|l| !l.anonymised) {
        let p = kb.place(&l.id).unwrap();
        match p.geonames_id {
            Some(id) => {
                let gp = g
                    .get(id)
                    .unwrap_or_else(|| panic!("{}: GeoNames {id} is not in the extract", l.id));
                assert_eq!(gp.country, l.country, "{}", l.id);
                assert!(p.lat.is_some() && p.population.is_some(), "{}", l.id);
            }
            None => unlinked.push(l.id.to_string()),
        }
    }
    unlinked.sort();
    assert_eq!(unlinked, ["loc:lesbos", "loc:saint-etienne-metropole"]);
    // Anonymised localities are never placed; their region is known.
    for l in kb.localities.iter().filter(|l| l.anonymised) {
        let p = kb.place(&l.id).unwrap();
        assert!(p.lat.is_none() && p.lon.is_none() && p.geonames_id.is_none(), "{}", l.id);
    }
    assert_eq!(
        kb.place(&"loc:wc-it-piedmont-small".parse_id()).map(|p| p.subdivision),
        Some(Some("IT-21".to_string()))
    );
}

#[test]
fn reconciliation_of_spellings_of_the_papers_cities() {
    let kb = bundled_kb();
    let r = Reconciler::new(&kb, Gazetteer::bundled());
    for (name, country, want) in [
        ("Torino", None, "loc:turin"),
        ("Comune di Torino", Some("IT"), "loc:turin"),
        ("Città di Torino", None, "loc:turin"),
        ("St Etienne", None, "loc:saint-etienne"),
        ("Ville de Saint-Étienne", Some("FR"), "loc:saint-etienne"),
        ("Napoli", None, "loc:naples"),
        ("Siracusa", None, "loc:syracuse"),
        ("München", None, "geonames:2867714"),
        ("Gavle", Some("SE"), "geonames:2712414"),
    ] {
        let o = r.reconcile(name, country);
        assert_eq!(o.decision, Decision::Linked, "{name}: {o:?}");
        assert_eq!(o.candidates[0].target.to_string(), want, "{name}: {o:?}");
        assert!(!o.candidates[0].evidence.is_empty());
    }
    let typo = r.reconcile("Barcellona", Some("ES"));
    assert_eq!(typo.candidates[0].target, Target::Locality("loc:barcelona".parse_id()), "{typo:?}");
    assert_eq!(r.reconcile("Xyzzyville", None).decision, Decision::NoMatch);
    // Any script, punctuation or length is an answer, never a panic.
    for odd in ["Москва", "東京", "É", "ßß", "--", "", "Ω(α)", &"x".repeat(500)] {
        let o = r.reconcile(odd, None);
        assert!(o.decision != Decision::Linked || !o.candidates.is_empty(), "{odd}: {o:?}");
    }
    // Anonymised localities are never candidates, whatever their public label.
    assert!(
        r.reconcile("AUT (Lower Austria)", None)
            .candidates
            .iter()
            .all(|c| !c.target.to_string().starts_with("loc:wc-"))
    );
}

#[test]
fn the_extract_has_the_cities_of_the_papers() {
    let g = Gazetteer::bundled();
    assert!(g.len() > 60_000, "{}", g.len());
    let turin = g.get(3165524).expect("Turin");
    assert_eq!((turin.name.as_str(), turin.country.as_str()), ("Turin", "IT"));
    assert!((turin.lat - 45.07).abs() < 0.01 && (turin.lon - 7.687).abs() < 0.01);
    assert!(
        g.by_key("torino").any(|(p, _)| p.geonameid == 3165524),
        "the endonym is an alternate name"
    );
    assert!(
        g.region("IT-21")
            .is_some_and(|r| r.outline.len() >= 3 && r.labels.contains(&"Piedmont".to_string()))
    );
}

/// Precision and recall of the linked matches on a list of names with known answers.
fn score(r: &Reconciler, file: &str) -> (usize, f64, f64, Vec<String>) {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/reconcile").join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    let (mut tp, mut fp, mut positives, mut total) = (0usize, 0usize, 0usize, 0usize);
    let mut wrong = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.rsplitn(3, ',').collect();
        let (expected, country, name) = (f[0], f[1], f[2].trim_matches('"'));
        total += 1;
        positives += usize::from(expected != "none");
        let o = r.reconcile(name, Some(country).filter(|c| !c.is_empty()));
        if let Some(c) = o.linked() {
            if c.target.to_string() == expected {
                tp += 1;
            } else {
                fp += 1;
                wrong.push(format!("{name} → {} (expected {expected})", c.target));
            }
        }
    }
    (total, tp as f64 / (tp + fp).max(1) as f64, tp as f64 / positives as f64, wrong)
}

/// The reconciliation benchmark (bench/reconcile: 328 names the rules were set on, 143 held-out
/// names; figures in docs/benchmarks-reconcile.md): precision and recall of the linked matches.
#[test]
fn reconciliation_benchmark_precision_and_recall() {
    let kb = bundled_kb();
    let r = Reconciler::new(&kb, Gazetteer::bundled());
    let (total, precision, recall, wrong) = score(&r, "names.csv");
    println!(
        "names.csv: {total} names: precision {precision:.3}, recall {recall:.3}; wrong links: {wrong:?}"
    );
    assert!(total >= 200, "the benchmark has at least 200 names");
    assert!(
        precision >= 0.98 && recall >= 0.95,
        "precision {precision:.3}, recall {recall:.3}: {wrong:?}"
    );
    let (total, precision, recall, wrong) = score(&r, "heldout.csv");
    println!(
        "heldout.csv: {total} names: precision {precision:.3}, recall {recall:.3}; wrong links: {wrong:?}"
    );
    assert!(total >= 100);
    assert!(
        precision >= 0.97 && recall >= 0.93,
        "held out: precision {precision:.3}, recall {recall:.3}: {wrong:?}"
    );
}
