//! Reconciliation of free-text place names ("Torino", "Comune di Torino", "Gavle", "St Etienne")
//! with the stored localities and the gazetteer: candidates with a score and the evidence, and a
//! decision — linked when certain, review when not, no match — that never creates anything.

use crate::{Gazetteer, GeoPlace};
use mlgov_domain::names::{place_key, place_key_variants, typo_budget, within_typos};
use mlgov_domain::{Id, KnowledgeBase};
use serde::Serialize;
use std::collections::HashMap;

/// Score of an exact match on a stored locality's own name.
pub const EXACT_NAME: f64 = 1.0;
/// Score of an exact match on a stored alias or the GeoNames name of a stored locality's place.
pub const EXACT_ALIAS: f64 = 0.98;
/// Score of an exact match on a gazetteer place's main name.
pub const EXACT_PLACE: f64 = 0.96;
/// Score of an exact match on a GeoNames alternate name of a stored locality's place.
pub const EXACT_LINKED_ALT: f64 = 0.92;
/// Score of an exact match on a gazetteer alternate name.
pub const EXACT_PLACE_ALT: f64 = 0.90;
/// Scores at or above this are exact matches (typo matches score below).
pub const EXACT_MIN: f64 = 0.90;
/// Candidates within this of the best are its rivals.
pub const RIVAL_MARGIN: f64 = 0.03;
/// A name shared by several places is linked to the most populous one only when it is this many
/// times larger than every other candidate; and a candidate this many times larger than the best
/// (an exonym of a city beside a village's own name: "Bruges") sends the name to review.
pub const DOMINANCE: u64 = 5;
/// A one-typo match is linked only to a stored locality or a place of at least this population
/// that dominates every other candidate.
pub const TYPO_LINK_MIN_POPULATION: u64 = 50_000;

/// What a name was matched to.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(into = "String")]
pub enum Target {
    /// A stored locality.
    Locality(Id),
    /// A gazetteer place not (yet) in the knowledge base.
    Place(u64),
}

impl From<Target> for String {
    fn from(t: Target) -> String {
        t.to_string()
    }
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Locality(id) => write!(f, "{id}"),
            Target::Place(g) => write!(f, "geonames:{g}"),
        }
    }
}

impl Target {
    /// Parses `loc:…` or `geonames:N`.
    pub fn parse(s: &str) -> Option<Target> {
        if let Some(n) = s.strip_prefix("geonames:") {
            return n.parse().ok().map(Target::Place);
        }
        Id::parse(s)
            .ok()
            .filter(|i| i.kind() == mlgov_domain::IdKind::Locality)
            .map(Target::Locality)
    }
}

/// A candidate match.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Candidate {
    /// `loc:…` or `geonames:N`.
    pub target: Target,
    /// Its name.
    pub name: String,
    /// Its country.
    pub country: String,
    /// GeoNames id, when known.
    pub geonames_id: Option<u64>,
    /// Population as GeoNames lists it, when known.
    pub population: Option<u64>,
    /// 0..1: 1 an exact match on the stored name; typo matches score below [`EXACT_MIN`].
    pub score: f64,
    /// Edits between the name and the matched name (0: exact).
    pub typos: usize,
    /// Why: which name matched, how.
    pub evidence: Vec<String>,
}

/// The decision on one name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    /// Certain: one candidate.
    Linked,
    /// Uncertain: a person chooses among the candidates.
    Review,
    /// Nothing close enough.
    NoMatch,
}

impl Decision {
    /// The word used in files.
    pub fn as_str(&self) -> &'static str {
        match self {
            Decision::Linked => "linked",
            Decision::Review => "review",
            Decision::NoMatch => "no_match",
        }
    }
}

/// The outcome for one name.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    /// The name as given.
    pub name: String,
    /// The country it was restricted to.
    pub country: Option<String>,
    /// Linked, review or no match.
    pub decision: Decision,
    /// Why this decision.
    pub reason: String,
    /// Candidates, best first (at most five).
    pub candidates: Vec<Candidate>,
}

impl Outcome {
    /// The linked target, if certain.
    pub fn linked(&self) -> Option<&Candidate> {
        (self.decision == Decision::Linked).then(|| &self.candidates[0])
    }
}

struct Stored {
    id: Id,
    name: String,
    country: String,
    geonameid: Option<u64>,
    population: Option<u64>,
}

/// Matches names against a knowledge base's named localities and a gazetteer.
pub struct Reconciler<'a> {
    gaz: &'a Gazetteer,
    stored: Vec<Stored>,
    /// key → (stored index, score, evidence)
    stored_keys: HashMap<String, Vec<(usize, f64, String)>>,
    by_geonameid: HashMap<u64, usize>,
    /// Every key of both sides, for typo scans.
    all_keys: Vec<String>,
    /// Letter counts of each key ([`signature`]): their difference bounds the edit distance from
    /// below, so most keys are passed over without computing it.
    signatures: Vec<[u8; 27]>,
    /// Keys by first character and by last two characters, each sorted by length in characters:
    /// a typo scan reads only the keys of the right length that share the start or the end.
    by_first: HashMap<char, Vec<(usize, u32)>>,
    by_tail: HashMap<(char, char), Vec<(usize, u32)>>,
}

impl<'a> Reconciler<'a> {
    /// Indexes the named (non-anonymised) localities of `kb`, with the alternate names of the
    /// gazetteer places they are linked to. Anonymised localities are never candidates.
    pub fn new(kb: &KnowledgeBase, gaz: &'a Gazetteer) -> Reconciler<'a> {
        let mut stored = Vec::new();
        let mut stored_keys: HashMap<String, Vec<(usize, f64, String)>> = HashMap::new();
        let mut by_geonameid = HashMap::new();
        for l in kb.localities.iter().filter(|l| !l.anonymised) {
            let place = kb.place(&l.id).unwrap_or_else(|| unreachable!());
            let i = stored.len();
            let mut add = |name: &str, score: f64, why: String| {
                let k = place_key(name);
                if k.is_empty() {
                    return;
                }
                let e = stored_keys.entry(k).or_default();
                if !e.iter().any(|(j, s, _)| *j == i && *s >= score) {
                    e.push((i, score, why));
                }
            };
            add(&l.name, EXACT_NAME, format!("stored name {:?}", l.name));
            for a in &l.aliases {
                add(a, EXACT_ALIAS, format!("stored alias {a:?}"));
            }
            if let Some(p) = place.geonames_id.and_then(|g| gaz.get(g)) {
                add(&p.name, EXACT_ALIAS, format!("GeoNames {} name {:?}", p.geonameid, p.name));
                for a in &p.alternate_names {
                    add(
                        a,
                        EXACT_LINKED_ALT,
                        format!("GeoNames {} alternate name {a:?}", p.geonameid),
                    );
                }
                by_geonameid.insert(p.geonameid, i);
            }
            stored.push(Stored {
                id: l.id.clone(),
                name: l.name.clone(),
                country: l.country.clone(),
                geonameid: place.geonames_id,
                population: place.population,
            });
        }
        let mut all_keys: Vec<String> = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for k in stored_keys.keys().map(String::as_str).chain(gaz.keys().map(|(k, _)| k)) {
            if seen.insert(k) {
                all_keys.push(k.to_string());
            }
        }
        all_keys.sort();
        let mut by_first: HashMap<char, Vec<(usize, u32)>> = HashMap::new();
        let mut by_tail: HashMap<(char, char), Vec<(usize, u32)>> = HashMap::new();
        for (i, k) in all_keys.iter().enumerate() {
            let len = k.chars().count();
            if let Some(c) = k.chars().next() {
                by_first.entry(c).or_default().push((len, i as u32));
            }
            if let Some(t) = tail(k) {
                by_tail.entry(t).or_default().push((len, i as u32));
            }
        }
        for v in by_first.values_mut().chain(by_tail.values_mut()) {
            v.sort_unstable();
        }
        let signatures = all_keys.iter().map(|k| signature(k)).collect();
        Reconciler {
            gaz,
            stored,
            stored_keys,
            by_geonameid,
            all_keys,
            signatures,
            by_first,
            by_tail,
        }
    }

    /// Matches one name, optionally within one country (ISO 3166-1 alpha-2).
    pub fn reconcile(&self, name: &str, country: Option<&str>) -> Outcome {
        let key = place_key(name);
        let country = country.map(|c| c.trim().to_ascii_uppercase()).filter(|c| !c.is_empty());
        let mut out = Outcome {
            name: name.to_string(),
            country: country.clone(),
            decision: Decision::NoMatch,
            reason: String::new(),
            candidates: Vec::new(),
        };
        if key.is_empty() {
            out.reason = "no letters to match".into();
            return out;
        }
        let mut cands: HashMap<Target, Candidate> = HashMap::new();
        for k in place_key_variants(name) {
            if cands.is_empty() {
                self.collect(&k, country.as_deref(), None, &mut cands);
            }
        }
        let exact = !cands.is_empty();
        if !exact {
            self.collect_typos(&key, country.as_deref(), &mut cands);
        }
        out.candidates = ranked(cands);
        if out.candidates.is_empty() {
            out.reason = format!(
                "no stored locality or gazetteer place named {key:?}{} (nor within {} typo(s))",
                country.as_deref().map(|c| format!(" in {c}")).unwrap_or_default(),
                typo_budget(key.chars().count())
            );
            return out;
        }
        (out.decision, out.reason) = decide(&out.candidates, &key, exact, country.is_some());
        out
    }

    /// Typos: every key within the budget of the name's length, among those that share its
    /// first letter or (a typo in the first letter) its end.
    fn collect_typos(
        &self,
        key: &str,
        country: Option<&str>,
        cands: &mut HashMap<Target, Candidate>,
    ) {
        let qlen = key.chars().count();
        let budget = typo_budget(qlen);
        if budget == 0 {
            return;
        }
        let first = key.chars().next();
        let (lo, hi) = (qlen.saturating_sub(budget), qlen + budget);
        let starts =
            first.and_then(|c| self.by_first.get(&c)).into_iter().flat_map(|v| in_range(v, lo, hi));
        let ends = tail(key)
            .and_then(|t| self.by_tail.get(&t))
            .into_iter()
            .flat_map(|v| in_range(v, lo, hi))
            .filter(|&i| self.all_keys[i].chars().next() != first);
        let qsig = signature(key);
        for i in starts.chain(ends) {
            if bag_distance(&qsig, &self.signatures[i]) > budget {
                continue;
            }
            let k = &self.all_keys[i];
            if let Some(d) = within_typos(key, k) {
                self.collect(k, country, Some(d), cands);
            }
        }
    }

    fn collect(
        &self,
        key: &str,
        country: Option<&str>,
        typos: Option<usize>,
        cands: &mut HashMap<Target, Candidate>,
    ) {
        let penalty = |score: f64| match typos {
            None => score,
            Some(d) => score - 0.08 - 0.07 * d as f64,
        };
        let how = |e: &str| match typos {
            None => e.to_string(),
            Some(d) => format!("{e} within {d} typo(s)"),
        };
        for (i, score, why) in self.stored_keys.get(key).into_iter().flatten() {
            let s = &self.stored[*i];
            if country.is_some_and(|c| c != s.country) {
                continue;
            }
            let c = cands.entry(Target::Locality(s.id.clone())).or_insert_with(|| Candidate {
                target: Target::Locality(s.id.clone()),
                name: s.name.clone(),
                country: s.country.clone(),
                geonames_id: s.geonameid,
                population: s.population,
                score: 0.0,
                typos: typos.unwrap_or(0),
                evidence: Vec::new(),
            });
            if penalty(*score) > c.score {
                c.score = penalty(*score);
                c.typos = typos.unwrap_or(0);
            }
            c.evidence.push(how(why));
        }
        for (p, main) in self.gaz.by_key(key) {
            if country.is_some_and(|c| c != p.country) {
                continue;
            }
            if let Some(&i) = self.by_geonameid.get(&p.geonameid) {
                // The place is a stored locality: its evidence is already there (or add it).
                let s = &self.stored[i];
                if let Some(c) = cands.get_mut(&Target::Locality(s.id.clone()))
                    && !c.evidence.iter().any(|e| e.contains(&p.geonameid.to_string()))
                {
                    c.evidence.push(how(&format!("GeoNames {}", p.geonameid)));
                }
                continue;
            }
            let score = penalty(if main { EXACT_PLACE } else { EXACT_PLACE_ALT });
            let c = cands.entry(Target::Place(p.geonameid)).or_insert_with(|| place_candidate(p));
            if score > c.score {
                c.score = score;
                c.typos = typos.unwrap_or(0);
            }
            c.evidence.push(how(&format!(
                "GeoNames {} {} {:?}",
                p.geonameid,
                if main { "name" } else { "alternate name" },
                if main { p.name.as_str() } else { key }
            )));
        }
    }
}

/// The key indexes of a length-sorted bucket whose length is within `lo..=hi`.
fn in_range(v: &[(usize, u32)], lo: usize, hi: usize) -> impl Iterator<Item = usize> + '_ {
    let start = v.partition_point(|(l, _)| *l < lo);
    v[start..].iter().take_while(move |(l, _)| *l <= hi).map(|(_, i)| *i as usize)
}

/// How many times each letter a–z occurs in a key (saturating), and how many other characters.
fn signature(k: &str) -> [u8; 27] {
    let mut s = [0u8; 27];
    for c in k.chars() {
        let i = if c.is_ascii_lowercase() { (c as u8 - b'a') as usize } else { 26 };
        s[i] = s[i].saturating_add(1);
    }
    s
}

/// The bag distance of two signatures: the larger of what each has that the other lacks. An edit
/// (insertion, deletion, substitution, transposition) changes it by at most one, so it is a lower
/// bound of the optimal-string-alignment distance.
fn bag_distance(a: &[u8; 27], b: &[u8; 27]) -> usize {
    let (mut more, mut less) = (0usize, 0usize);
    for i in 0..27 {
        let (x, y) = (a[i] as usize, b[i] as usize);
        if x > y { more += x - y } else { less += y - x }
    }
    more.max(less)
}

/// The last two characters of a key.
fn tail(k: &str) -> Option<(char, char)> {
    let mut it = k.chars().rev();
    let (b, a) = (it.next()?, it.next()?);
    Some((a, b))
}

fn place_candidate(p: &GeoPlace) -> Candidate {
    Candidate {
        target: Target::Place(p.geonameid),
        name: p.name.clone(),
        country: p.country.clone(),
        geonames_id: Some(p.geonameid),
        population: Some(p.population),
        score: 0.0,
        typos: 0,
        evidence: Vec::new(),
    }
}

/// The five best candidates: by score, stored localities first, then the most populous.
fn ranked(cands: HashMap<Target, Candidate>) -> Vec<Candidate> {
    let mut list: Vec<Candidate> = cands.into_values().collect();
    list.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(
                matches!(b.target, Target::Locality(_))
                    .cmp(&matches!(a.target, Target::Locality(_))),
            )
            .then(b.population.cmp(&a.population))
            .then(a.target.cmp(&b.target))
    });
    list.truncate(5);
    list
}

/// Whether the best of the (non-empty, ranked) `candidates` for `key` is linked or left for
/// review, and why: a much bigger namesake asks for review; a typo match links only when long,
/// one typo away and dominant; an exact match links when it has no rival or dominates them.
fn decide(candidates: &[Candidate], key: &str, exact: bool, country: bool) -> (Decision, String) {
    let best = &candidates[0];
    let others = &candidates[1..];
    let rivals: Vec<&Candidate> =
        others.iter().filter(|c| c.score >= best.score - RIVAL_MARGIN).collect();
    let pop = |c: &Candidate| c.population.unwrap_or(0);
    let dominates = others.iter().all(|r| pop(best) >= DOMINANCE * pop(r).max(1));
    let bigger =
        others.iter().find(|r| r.typos == best.typos && pop(r) >= DOMINANCE * pop(best).max(1));
    if let Some(b) = bigger {
        let reason = format!(
            "{} ({}) also goes by this name and is at least {DOMINANCE}× more populous",
            b.name, b.country
        );
        (Decision::Review, reason)
    } else if !exact {
        let stored = matches!(best.target, Target::Locality(_));
        if best.typos == 1
            && key.chars().count() >= 6
            && (stored || pop(best) >= TYPO_LINK_MIN_POPULATION)
            && dominates
        {
            let reason = format!(
                "one typo from {}, which is at least {DOMINANCE}× more populous than any other candidate",
                best.name
            );
            (Decision::Linked, reason)
        } else {
            let plural = if candidates.len() == 1 { "" } else { "es" };
            (Decision::Review, format!("typo match{plural}: confirm"))
        }
    } else if rivals.is_empty() {
        let reason = if candidates.len() == 1 {
            "one exact candidate"
        } else {
            "the exact match outranks the others"
        };
        (Decision::Linked, reason.into())
    } else if rivals.iter().all(|r| pop(best) >= DOMINANCE * pop(r).max(1)) {
        let reason = format!(
            "{} other place(s) share the name; this one is at least {DOMINANCE}× more populous",
            rivals.len()
        );
        (Decision::Linked, reason)
    } else {
        let reason = format!(
            "{} candidates share the name{}",
            rivals.len() + 1,
            if country { "" } else { "; give --country to narrow" }
        );
        (Decision::Review, reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The bag distance never exceeds the edit distance, so the typo scan's filter loses no match.
        #[test]
        fn bag_distance_bounds_the_edit_distance(a in "[a-zé ]{0,12}", b in "[a-zé ]{0,12}") {
            prop_assert!(bag_distance(&signature(&a), &signature(&b)) <= mlgov_domain::names::distance(&a, &b));
        }
    }
}
