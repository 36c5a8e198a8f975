//! The two hypotheses of Lacroix, Furri & Hombert 2022 (file 001), as the paper argues them and
//! as the data can check them, side by side.
//!
//! The paper's own reading of each case is data: `founding_trigger` facts (the event it names as
//! what set a network off) and `founding_civil_society` facts (whether it says the local
//! voluntary sector played a role in the emergence), each with its quote. For every network of
//! the comparison set (networks, campaigns, platforms…, not projects or funding programmes) mlgov
//! also computes a verdict from the statements, and says in a sentence why the two differ when
//! they do.
//!
//! * H1 — "authoritarian migration policies favor the emergence of militant city networks". The
//!   computed check: a restrictive policy event (`decree`, `law`, `policy_shock` or `eviction`)
//!   dated in one of the network's countries in the `window` years up to its founding. Founding:
//!   the `founded` fact, else the earliest dated membership (said so), else unknown.
//! * H2 — "militant networks are more likely to emerge if they are supported by a dense ecosystem
//!   of immigrant-serving voluntary sector". The computed check: at least `min_cso` local
//!   civil-society organisations tied to the network (membership or relation) from its founding
//!   year or before. Ties that start later, or are undated, do not count (they are listed);
//!   organisations whose scale is national, continental or global are the "large national and
//!   international organizations" the paper contrasts with the local voluntary sector.
//!
//! The 2×2 table of militant vs other networks (computed typology) with Fisher's exact test
//! (two-sided; Fisher 1922, as in Agresti, *Categorical Data Analysis*, 3rd ed., §3.5.1) is kept
//! as a descriptive complement: the networks are not a sample, and the paper argues from cases.

use mlgov_domain::{Event, EventKind, Id, KnowledgeBase, NetworkKind, PartialDate, Property};
use serde::Serialize;
use std::collections::HashMap;

/// The paper's own reading of one case.
#[derive(Clone, Debug, Serialize)]
pub struct Reading {
    /// Whether the paper reads the condition as present (H1: a triggering event; H2: a role of
    /// the local voluntary sector at the emergence).
    pub holds: bool,
    /// What it names (the event with its date, or the role).
    pub detail: String,
    /// Source and locator (with the quote).
    pub citation: String,
    /// The statement id.
    pub id: String,
}

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
    /// Founding year used.
    pub founded: Option<i32>,
    /// Where the founding year comes from (`founded fact`, `earliest membership`, `unknown`).
    pub founded_from: String,
    /// The computed verdict: whether the condition holds (None: the data cannot say).
    pub condition: Option<bool>,
    /// The evidence of the computed verdict (events with dates, or organisations with the start
    /// of their tie).
    pub evidence: Vec<String>,
    /// What does not count and why (later or undated ties, large organisations).
    pub not_counted: Vec<String>,
    /// The paper's own reading of this case, when it gives one.
    pub paper: Option<Reading>,
    /// `agrees`, `differs`, `not read by the paper`, or `cannot be computed`.
    pub agreement: String,
    /// Why the computed verdict differs from the paper's, in a sentence.
    pub explanation: Option<String>,
}

/// The result of one hypothesis check.
#[derive(Clone, Debug, Serialize)]
pub struct HypothesisCheck {
    /// H1 or H2.
    pub id: String,
    /// Statement of the hypothesis, as the paper words it.
    pub statement: String,
    /// What mlgov computes for each network.
    pub computed_rule: String,
    /// The paper's own verdict, as the paper words it.
    pub paper_verdict: String,
    /// Evidence rows (the comparison set).
    pub rows: Vec<HypothesisRow>,
    /// Networks left out of the comparison set, with why (projects, funding programmes).
    pub excluded: Vec<String>,
    /// Of the cases the paper reads: how many computed verdicts agree.
    pub cases_agree: usize,
    /// Of the cases the paper reads: how many differ.
    pub cases_differ: usize,
    /// 2×2 table [[militant & condition, militant & not], [other & condition, other & not]].
    pub table: [[u64; 2]; 2],
    /// Two-sided Fisher exact p-value, when every margin is non-zero.
    pub fisher_p: Option<f64>,
    /// The computed verdict beside the paper's, and what the data can and cannot show.
    pub sentence: String,
}

fn ln_fact(n: u64) -> f64 {
    (1..=n).map(|k| (k as f64).ln()).sum()
}

fn hyper_p(a: u64, b: u64, c: u64, d: u64) -> f64 {
    let n = a + b + c + d;
    (ln_fact(a + b) + ln_fact(c + d) + ln_fact(a + c) + ln_fact(b + d)
        - ln_fact(n)
        - ln_fact(a)
        - ln_fact(b)
        - ln_fact(c)
        - ln_fact(d))
    .exp()
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

fn countries(kb: &KnowledgeBase, id: &Id) -> Vec<String> {
    let mut c: Vec<String> =
        kb.facts_of(id, Property::Country).iter().map(|f| f.value.clone()).collect();
    c.sort();
    c.dedup();
    c
}

/// The founding year and where it comes from.
fn founding(kb: &KnowledgeBase, id: &Id) -> (Option<i32>, &'static str) {
    if let Some(y) = kb
        .facts_of(id, Property::Founded)
        .iter()
        .filter_map(|f| PartialDate::parse(&f.value).ok())
        .map(|d| d.year)
        .min()
    {
        return (Some(y), "founded fact");
    }
    match kb.memberships_in(id).iter().filter_map(|m| m.when.start_year()).min() {
        Some(y) => (Some(y), "earliest membership"),
        None => (None, "unknown"),
    }
}

/// The networks a hypothesis about networks compares, and those it leaves out with why.
fn comparison_set(kb: &KnowledgeBase) -> (Vec<&mlgov_domain::Network>, Vec<String>) {
    let (mut keep, mut out) = (Vec::new(), Vec::new());
    for n in &kb.networks {
        match n.kind {
            NetworkKind::Project => out.push(format!("{} (a project, not a network)", n.name)),
            NetworkKind::Programme => out.push(format!("{} (a programme, not a network)", n.name)),
            _ => keep.push(n),
        }
    }
    (keep, out)
}

fn cite(kb: &KnowledgeBase, c: &mlgov_domain::Citation) -> String {
    format!("{}, {}", kb.display_name(&c.source), c.locator)
}

const RESTRICTIVE: [EventKind; 4] =
    [EventKind::Decree, EventKind::Law, EventKind::PolicyShock, EventKind::Eviction];

fn event_label(e: &Event) -> String {
    format!("{} {} ({})", e.when.display(), e.title, e.id)
}

/// H1 with a look-back window in years.
pub fn h1(kb: &KnowledgeBase, window: i32) -> HypothesisCheck {
    let (set, excluded) = comparison_set(kb);
    // Restrictive events by country (positions in the events table) and events by id, found once
    // rather than by a scan of the events for every network.
    let mut restrictive: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut event_by_id: HashMap<&Id, &Event> = HashMap::new();
    for (i, e) in kb.events.iter().enumerate() {
        if let Some(c) = e.country.as_deref().filter(|_| RESTRICTIVE.contains(&e.kind)) {
            restrictive.entry(c).or_default().push(i);
        }
        event_by_id.entry(&e.id).or_insert(e);
    }
    let mut rows = Vec::new();
    for n in set {
        let cs = countries(kb, &n.id);
        let (f, from) = founding(kb, &n.id);
        let class = crate::typology::network_typology(kb, &n.id).class;
        let mut evidence = Vec::new();
        let condition = match f {
            Some(y) if !cs.is_empty() => {
                let mut at: Vec<usize> = cs
                    .iter()
                    .flat_map(|c| restrictive.get(c.as_str()).into_iter().flatten().copied())
                    .collect();
                at.sort_unstable();
                at.dedup();
                evidence = at
                    .into_iter()
                    .map(|i| &kb.events[i])
                    .filter(|e| e.when.start_year().is_some_and(|ey| ey <= y && ey >= y - window))
                    .map(event_label)
                    .collect();
                Some(!evidence.is_empty())
            }
            _ => None,
        };
        let reading = kb.facts_of(&n.id, Property::FoundingTrigger).first().copied();
        let trigger = reading
            .and_then(|fct| Id::parse(&fct.value).ok())
            .and_then(|id| event_by_id.get(&id).copied());
        let paper = reading.map(|fct| Reading {
            holds: true,
            detail: trigger.map(event_label).unwrap_or_else(|| fct.value.clone()),
            citation: cite(kb, &fct.citation),
            id: fct.id.to_string(),
        });
        let (agreement, explanation) =
            compare_h1(paper.is_some(), trigger, condition, f, &cs, window);
        rows.push(HypothesisRow {
            network: n.id.to_string(),
            name: n.name.clone(),
            class,
            countries: cs,
            founded: f,
            founded_from: from.into(),
            condition,
            evidence,
            not_counted: vec![],
            paper,
            agreement,
            explanation,
        });
    }
    finish(
        "H1",
        "Authoritarian migration policies favor the emergence of militant city networks.",
        &format!(
            "a restrictive policy event (decree, law, policy shock, eviction) dated in one of the network's countries within {window} years up to its founding"
        ),
        "confirmed: \"The first hypothesis driving this research is confirmed by empirical observations: the policy context affecting the condition of reception and settlement of immigrants is a key driver for the emergence of militant city networks\" (Lacroix, Furri & Hombert 2022, Discussion and conclusion)",
        rows,
        excluded,
        "restrictive policy event before founding",
    )
}

/// The paper's reading (whether it gives one, and its trigger event when that is an event of the
/// data) against the computed verdict.
fn compare_h1(
    read: bool,
    trigger: Option<&Event>,
    computed: Option<bool>,
    founded: Option<i32>,
    cs: &[String],
    window: i32,
) -> (String, Option<String>) {
    if !read {
        return ("not read by the paper".into(), None);
    }
    match computed {
        Some(true) => ("agrees".into(), None),
        None => (
            "cannot be computed".into(),
            Some(if founded.is_none() {
                "the data hold no founding date and no dated membership for this network, so nothing can be placed before its founding".into()
            } else {
                "the data give this network no country, so no national policy event can be matched"
                    .into()
            }),
        ),
        Some(false) => {
            let why = match trigger {
                Some(e) if !RESTRICTIVE.contains(&e.kind) => format!(
                    "the paper's trigger, {}, is not a restrictive policy measure (kind {}): the paper's verdict reads \"the policy context affecting the condition of reception and settlement of immigrants\" more broadly than the hypothesis's \"authoritarian migration policies\", which is what mlgov checks",
                    e.title, e.kind
                ),
                Some(e) if e.country.as_ref().is_none_or(|c| !cs.contains(c)) => format!(
                    "the paper's trigger, {}, is not dated in the network's countries ({})",
                    e.title,
                    cs.join(", ")
                ),
                Some(e) => format!(
                    "the paper's trigger, {} ({}), falls outside the {window} years up to the founding year used ({})",
                    e.title,
                    e.when.display(),
                    founded.map(|y| y.to_string()).unwrap_or_default()
                ),
                None => "the paper's trigger is not an event of the data".into(),
            };
            ("differs".into(), Some(why))
        }
    }
}

/// Whether an organisation is one of the large national or international ones (by its scale).
fn is_large(kb: &KnowledgeBase, id: &Id) -> bool {
    kb.facts_of(id, Property::Scale)
        .iter()
        .any(|f| matches!(f.value.as_str(), "national" | "continental" | "global"))
}

/// H2 with a minimum number of local civil-society organisations at the founding.
pub fn h2(kb: &KnowledgeBase, min_cso: usize) -> HypothesisCheck {
    let (set, excluded) = comparison_set(kb);
    let mut rows = Vec::new();
    for n in set {
        let (f, from) = founding(kb, &n.id);
        let class = crate::typology::network_typology(kb, &n.id).class;
        let (evidence, not_counted) = founding_ties(kb, &cso_ties(kb, &n.id), f);
        let condition = f.map(|_| evidence.len() >= min_cso);
        let paper = kb.facts_of(&n.id, Property::FoundingCivilSociety).first().map(|fct| Reading {
            holds: fct.value == "true",
            detail: if fct.value == "true" {
                "the voluntary sector drove the emergence".into()
            } else {
                "no role of the local voluntary sector in the emergence".into()
            },
            citation: cite(kb, &fct.citation),
            id: fct.id.to_string(),
        });
        let (agreement, explanation) =
            h2_agreement(paper.as_ref(), condition, f, evidence.len(), min_cso);
        rows.push(HypothesisRow {
            network: n.id.to_string(),
            name: n.name.clone(),
            class,
            countries: countries(kb, &n.id),
            founded: f,
            founded_from: from.into(),
            condition,
            evidence,
            not_counted,
            paper,
            agreement,
            explanation,
        });
    }
    finish(
        "H2",
        "Militant networks are more likely to emerge if they are supported by a dense ecosystem of immigrant-serving voluntary sector.",
        &format!(
            "at least {min_cso} local civil-society organisations tied to the network (membership or relation) from its founding year or before; later or undated ties and large national or international organisations do not count"
        ),
        "only partly confirmed: \"the second hypothesis regarding the role of civil society organizations is only partly confirmed. In the three investigated countries, there is no evidence of the role played by the local voluntary sector in the emergence of militant city networks\" (Lacroix, Furri & Hombert 2022, Discussion and conclusion)",
        rows,
        excluded,
        "local civil society at the founding",
    )
}

/// Every civil-society organisation tied to the network (membership, or a relation other than
/// opposition), with the start of its tie, sorted.
fn cso_ties(kb: &KnowledgeBase, network: &Id) -> Vec<(Id, Option<i32>)> {
    let mut ties: Vec<(Id, Option<i32>)> = Vec::new();
    for m in kb.memberships_in(network) {
        if crate::assemblage::actor_type(kb, &m.member) == "civil_society" {
            ties.push((m.member.clone(), m.when.start_year()));
        }
    }
    for r in kb.relations_naming(network) {
        let other = if &r.object == network { &r.subject } else { &r.object };
        if r.kind != mlgov_domain::RelationKind::Opposes
            && crate::assemblage::actor_type(kb, other) == "civil_society"
        {
            ties.push((other.clone(), r.when.start_year()));
        }
    }
    ties.sort();
    ties
}

/// The ties that count (local organisations tied by the founding year `founded`, each once) and
/// those that do not, with why.
fn founding_ties(
    kb: &KnowledgeBase,
    ties: &[(Id, Option<i32>)],
    founded: Option<i32>,
) -> (Vec<String>, Vec<String>) {
    let (mut evidence, mut not_counted) = (Vec::new(), Vec::new());
    let mut seen = std::collections::BTreeSet::new();
    for (id, start) in ties {
        let name = kb.display_name(id);
        let at_founding = matches!((start, founded), (Some(s), Some(y)) if *s <= y);
        if is_large(kb, id) {
            not_counted.push(format!("{name} (a large national or international organisation)"));
        } else if at_founding {
            if seen.insert(id.clone()) {
                evidence.push(format!(
                    "{name} (from {})",
                    start.map(|s| s.to_string()).unwrap_or_default()
                ));
            }
        } else {
            not_counted.push(match start {
                Some(s) => format!("{name} (from {s}, after the founding)"),
                None => format!("{name} (undated tie)"),
            });
        }
    }
    not_counted.sort();
    not_counted.dedup();
    (evidence, not_counted)
}

/// Whether the paper's reading of H2 and the computed condition agree, and why not.
fn h2_agreement(
    paper: Option<&Reading>,
    condition: Option<bool>,
    founded: Option<i32>,
    counted: usize,
    min_cso: usize,
) -> (String, Option<String>) {
    match (paper, condition) {
        (None, _) => ("not read by the paper".to_string(), None),
        (Some(_), None) => ("cannot be computed".to_string(), Some("the data hold no founding date for this network, so no tie can be placed at its founding".to_string())),
        (Some(p), Some(c)) if p.holds == c => ("agrees".to_string(), None),
        (Some(p), Some(_)) => ("differs".to_string(), Some(if p.holds {
            format!("the paper names civil-society groups behind the emergence that the data do not record as organisations tied to the network by {} ({} counted, {} needed)", founded.map(|y| y.to_string()).unwrap_or_default(), counted, min_cso)
        } else {
            format!("{} local civil-society organisation(s) are tied to the network from its founding year in the data, where the paper sees no role of the local voluntary sector in the emergence: a tie at the founding is not necessarily a role in the founding", counted)
        })),
    }
}

fn finish(
    id: &str,
    statement: &str,
    rule: &str,
    verdict: &str,
    rows: Vec<HypothesisRow>,
    excluded: Vec<String>,
    what: &str,
) -> HypothesisCheck {
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
    let read: Vec<&HypothesisRow> = rows.iter().filter(|r| r.paper.is_some()).collect();
    let agree = read.iter().filter(|r| r.agreement == "agrees").count();
    let differ = read.iter().filter(|r| r.agreement == "differs").count();
    let unknown = read.len() - agree - differ;
    let share = |row: [u64; 2]| {
        if row[0] + row[1] == 0 {
            "n/a".to_string()
        } else {
            format!("{}/{}", row[0], row[0] + row[1])
        }
    };
    let sentence = format!(
        "The paper reads {} case(s): the computed check agrees on {agree}, differs on {differ}{} (each difference is explained in its row). Across all {} networks with a known class and evidence, {what}: {} of militant networks vs {} of the others{}. The bundled data record only the events, partners and founding dates the papers mention, so absence of evidence is not evidence of absence, and the networks are not a sample: the test is descriptive, the paper's verdict rests on its cases.",
        read.len(),
        if unknown > 0 { format!(", cannot compute {unknown}") } else { String::new() },
        n,
        share(t[0]),
        share(t[1]),
        match p {
            Some(p) => format!(" (Fisher's exact test p = {p:.3})"),
            None => " (too few cases for a test)".into(),
        },
    );
    HypothesisCheck {
        id: id.into(),
        statement: statement.into(),
        computed_rule: rule.into(),
        paper_verdict: verdict.into(),
        rows,
        excluded,
        cases_agree: agree,
        cases_differ: differ,
        table: t,
        fisher_p: p,
        sentence,
    }
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
