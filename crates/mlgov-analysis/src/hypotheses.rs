//! The two hypotheses of Lacroix, Furri & Hombert 2022 (file 001) as checks on the data.
//!
//! * H1 — "restrictive national policies favour the emergence of militant networks": for every
//!   network with a founding date and a country, is a restrictive national policy event (an event
//!   of kind `decree`, `law` or `policy_shock` in that country) dated in the `window` years up to
//!   its founding? Compared between militant and non-militant networks (computed typology).
//! * H2 — "a dense civil-society ecosystem favours militant networks": does the network have at
//!   least `min_cso` civil-society organisations among its members and partners (assemblage)?
//!
//! Each prints its evidence table, a 2×2 table and Fisher's exact test (two-sided; Fisher 1922,
//! as in Agresti, *Categorical Data Analysis*, 3rd ed., §3.5.1) when every margin is non-zero,
//! and a plain sentence on what the data can and cannot show.

use mlgov_domain::{EventKind, KnowledgeBase, PartialDate, Property};
use serde::Serialize;

/// One network's row of evidence.
#[derive(Clone, Debug, Serialize)]
pub struct HypothesisRow {
    /// Network id.
    pub network: String,
    /// Name.
    pub name: String,
    /// Computed class on the spectrum.
    pub class: String,
    /// Countries.
    pub countries: Vec<String>,
    /// Founding year.
    pub founded: Option<i32>,
    /// Whether the condition holds (H1: preceded by a restrictive event; H2: dense civil society).
    pub condition: Option<bool>,
    /// The evidence (event titles with dates, or organisations).
    pub evidence: Vec<String>,
}

/// The result of one hypothesis check.
#[derive(Clone, Debug, Serialize)]
pub struct HypothesisCheck {
    /// H1 or H2.
    pub id: String,
    /// Statement of the hypothesis.
    pub statement: String,
    /// The paper's own verdict, as the paper words it.
    pub paper_verdict: String,
    /// Evidence rows.
    pub rows: Vec<HypothesisRow>,
    /// 2×2 table [[militant & condition, militant & not], [other & condition, other & not]].
    pub table: [[u64; 2]; 2],
    /// Two-sided Fisher exact p-value, when every margin is non-zero.
    pub fisher_p: Option<f64>,
    /// What the data can and cannot show.
    pub sentence: String,
}

fn ln_fact(n: u64) -> f64 {
    (1..=n).map(|k| (k as f64).ln()).sum()
}

fn hyper_p(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let n = a + b + c + d;
    (ln_fact(a + b) + ln_fact(c + d) + ln_fact(a + c) + ln_fact(b + d) - ln_fact(n) - ln_fact(a) - ln_fact(b) - ln_fact(c) - ln_fact(d)).exp()
}

/// Two-sided Fisher exact test of a 2×2 table: the sum of the probabilities of all tables with
/// the same margins that are no more likely than the observed one. None when a margin is zero.
pub fn fisher_exact(t: [[u64; 2]; 2]) -> Option<f64> {
    let (a, b, c, d) = (t[0][0], t[0][1], t[1][0], t[1][1]);
    let (r1, r2, c1) = (a + b, c + d, a + c);
    if r1 == 0 || r2 == 0 || c1 == 0 || b + d == 0 {
        return None;
    }
    let p0 = hyper_p(a, b, c, d);
    let lo = c1.saturating_sub(r2);
    let hi = c1.min(r1);
    let mut p = 0.0;
    for x in lo..=hi {
        let px = hyper_p(x, r1 - x, c1 - x, r2 - (c1 - x));
        if px <= p0 * (1.0 + 1e-7) {
            p += px;
        }
    }
    Some(p.min(1.0))
}

fn countries(kb: &KnowledgeBase, id: &mlgov_domain::Id) -> Vec<String> {
    let mut c: Vec<String> = kb.facts_of(id, Property::Country).iter().map(|f| f.value.clone()).collect();
    c.sort();
    c.dedup();
    c
}

fn founded(kb: &KnowledgeBase, id: &mlgov_domain::Id) -> Option<i32> {
    kb.facts_of(id, Property::Founded).iter().filter_map(|f| PartialDate::parse(&f.value).ok()).map(|d| d.year).min()
}

/// H1 with a look-back window in years.
pub fn h1(kb: &KnowledgeBase, window: i32) -> HypothesisCheck {
    let mut rows = Vec::new();
    for n in &kb.networks {
        let cs = countries(kb, &n.id);
        let f = founded(kb, &n.id);
        let class = crate::typology::network_typology(kb, &n.id).class;
        let (condition, evidence) = match (f, cs.is_empty()) {
            (Some(y), false) => {
                let ev: Vec<String> = kb.events.iter().filter(|e| {
                    matches!(e.kind, EventKind::Decree | EventKind::Law | EventKind::PolicyShock)
                        && e.country.as_ref().is_some_and(|c| cs.contains(c))
                        && e.when.start_year().is_some_and(|ey| ey <= y && ey >= y - window)
                }).map(|e| format!("{} {} ({})", e.when.display(), e.title, e.id)).collect();
                (Some(!ev.is_empty()), ev)
            }
            _ => (None, Vec::new()),
        };
        rows.push(HypothesisRow { network: n.id.to_string(), name: n.name.clone(), class, countries: cs, founded: f, condition, evidence });
    }
    finish(
        "H1",
        &format!("A restrictive national policy event in the network's country precedes its founding (within {window} years) more often for militant networks."),
        "confirmed by the paper: 'the first hypothesis is confirmed' (file 001, Discussion and conclusion)",
        rows,
        "restrictive event before founding",
    )
}

/// H2 with a minimum number of civil-society organisations.
pub fn h2(kb: &KnowledgeBase, min_cso: usize) -> HypothesisCheck {
    let mut rows = Vec::new();
    for n in &kb.networks {
        let a = crate::assemblage::assemblage(kb, &n.id);
        let cso = a.actors.get("civil_society").cloned().unwrap_or_default();
        let class = crate::typology::network_typology(kb, &n.id).class;
        let condition = if a.total == 0 { None } else { Some(cso.len() >= min_cso) };
        rows.push(HypothesisRow { network: n.id.to_string(), name: n.name.clone(), class, countries: countries(kb, &n.id), founded: founded(kb, &n.id), condition, evidence: cso });
    }
    finish(
        "H2",
        &format!("Militant networks more often have a dense civil-society ecosystem (at least {min_cso} civil-society organisations among members and partners)."),
        "only partly confirmed by the paper: the local voluntary sector played no role in the emergence, but civil-society partnership was key in scaling up (file 001, Discussion and conclusion)",
        rows,
        "dense civil society",
    )
}

fn finish(id: &str, statement: &str, verdict: &str, rows: Vec<HypothesisRow>, what: &str) -> HypothesisCheck {
    let mut t = [[0u64; 2]; 2];
    for r in &rows {
        let Some(c) = r.condition else { continue };
        if r.class == "unknown" {
            continue;
        }
        let i = if r.class == "militant" { 0 } else { 1 };
        t[i][if c { 0 } else { 1 }] += 1;
    }
    let p = fisher_exact(t);
    let n = t.iter().flatten().sum::<u64>();
    let share = |row: [u64; 2]| if row[0] + row[1] == 0 { "n/a".to_string() } else { format!("{}/{}", row[0], row[0] + row[1]) };
    let sentence = format!(
        "{what}: {} of militant networks vs {} of the others ({n} networks with known class and evidence){}. The bundled data record only the events, partners and founding dates the papers mention, so absence of evidence is not evidence of absence; {}.",
        share(t[0]),
        share(t[1]),
        match p { Some(p) => format!("; Fisher's exact test p = {p:.3}"), None => "; too few cases for a test".into() },
        if n < 20 { "with so few networks the test has little power and cannot confirm or reject the hypothesis; it shows whether the data are consistent with the paper's reading" } else { "treat the test as descriptive: the networks are not a random sample" }
    );
    HypothesisCheck { id: id.into(), statement: statement.into(), paper_verdict: verdict.into(), rows, table: t, fisher_p: p, sentence }
}

#[cfg(test)]
mod tests {
    use super::fisher_exact;

    #[test]
    fn fisher_matches_textbook_tea_tasting() {
        // Fisher's tea-tasting table [[3,1],[1,3]]: two-sided p = 0.4857 (Agresti 2013, §3.5.1).
        let p = fisher_exact([[3, 1], [1, 3]]).unwrap();
        assert!((p - 0.485714).abs() < 1e-5, "{p}");
        assert!(fisher_exact([[0, 0], [1, 3]]).is_none());
        let p = fisher_exact([[5, 0], [0, 5]]).unwrap();
        assert!((p - 0.0079365).abs() < 1e-6, "{p}");
    }
}
