//! The knowledge base: all records together, whole-base validation (references, duplicates,
//! overlapping memberships), conflicts between sources, and name resolution.

use crate::date::Interval;
use crate::fxhash::FxHashMap;
use crate::id::{Id, IdKind};
use crate::model::*;
use crate::property::Property;
use crate::text::fold;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// Every record of a knowledge base.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KnowledgeBase {
    /// Bibliographic records.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Localities.
    #[serde(default)]
    pub localities: Vec<Locality>,
    /// Networks.
    #[serde(default)]
    pub networks: Vec<Network>,
    /// Organisations.
    #[serde(default)]
    pub organisations: Vec<Organisation>,
    /// Persons.
    #[serde(default)]
    pub persons: Vec<Person>,
    /// Events.
    #[serde(default)]
    pub events: Vec<Event>,
    /// Memberships.
    #[serde(default)]
    pub memberships: Vec<Membership>,
    /// Office terms.
    #[serde(default)]
    pub terms: Vec<Term>,
    /// Affiliations.
    #[serde(default)]
    pub affiliations: Vec<Affiliation>,
    /// Relations.
    #[serde(default)]
    pub relations: Vec<Relation>,
    /// Facts.
    #[serde(default)]
    pub facts: Vec<Fact>,
    /// Trajectory phases as sources name them.
    #[serde(default)]
    pub phases: Vec<Phase>,
    /// Good practices.
    #[serde(default)]
    pub practices: Vec<Practice>,
    /// Adoptions of practices.
    #[serde(default)]
    pub adoptions: Vec<Adoption>,
    /// Lookups by id, set by [`KnowledgeBase::freeze`] (see [`crate::index`]).
    #[serde(skip)]
    pub frozen: crate::index::IndexCell,
}

/// A problem found by whole-base validation, attached to a record and (usually) a field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The record's id (as written).
    pub id: String,
    /// The field concerned.
    pub field: String,
    /// What is wrong and what was expected.
    pub message: String,
}

/// Visits every record of every table, for code generic over record types.
pub trait TableVisitor {
    /// Called once per table.
    fn table<R: Record>(&mut self, rows: &[R]);
}

/// Mutable visitor over tables.
pub trait TableVisitorMut {
    /// Called once per table.
    fn table<R: Record>(&mut self, rows: &mut Vec<R>);
}

impl KnowledgeBase {
    /// Calls `v` for every table, in the data format's file order.
    pub fn visit<V: TableVisitor>(&self, v: &mut V) {
        v.table(&self.sources);
        v.table(&self.localities);
        v.table(&self.networks);
        v.table(&self.organisations);
        v.table(&self.persons);
        v.table(&self.events);
        v.table(&self.memberships);
        v.table(&self.terms);
        v.table(&self.affiliations);
        v.table(&self.relations);
        v.table(&self.facts);
        v.table(&self.phases);
        v.table(&self.practices);
        v.table(&self.adoptions);
    }

    /// Mutable variant of [`KnowledgeBase::visit`].
    pub fn visit_mut<V: TableVisitorMut>(&mut self, v: &mut V) {
        self.frozen = Default::default();
        v.table(&mut self.sources);
        v.table(&mut self.localities);
        v.table(&mut self.networks);
        v.table(&mut self.organisations);
        v.table(&mut self.persons);
        v.table(&mut self.events);
        v.table(&mut self.memberships);
        v.table(&mut self.terms);
        v.table(&mut self.affiliations);
        v.table(&mut self.relations);
        v.table(&mut self.facts);
        v.table(&mut self.phases);
        v.table(&mut self.practices);
        v.table(&mut self.adoptions);
    }

    /// Appends every record of `other`.
    pub fn extend(&mut self, other: KnowledgeBase) {
        self.frozen = Default::default();
        self.sources.extend(other.sources);
        self.localities.extend(other.localities);
        self.networks.extend(other.networks);
        self.organisations.extend(other.organisations);
        self.persons.extend(other.persons);
        self.events.extend(other.events);
        self.memberships.extend(other.memberships);
        self.terms.extend(other.terms);
        self.affiliations.extend(other.affiliations);
        self.relations.extend(other.relations);
        self.facts.extend(other.facts);
        self.phases.extend(other.phases);
        self.practices.extend(other.practices);
        self.adoptions.extend(other.adoptions);
    }

    /// Sorts every table by id (the canonical order of exports).
    pub fn sort(&mut self) {
        struct S;
        impl TableVisitorMut for S {
            fn table<R: Record>(&mut self, rows: &mut Vec<R>) {
                rows.sort_by(|a, b| a.id().cmp(b.id()));
            }
        }
        self.visit_mut(&mut S);
    }

    /// Number of records per file.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        struct C(BTreeMap<&'static str, usize>);
        impl TableVisitor for C {
            fn table<R: Record>(&mut self, rows: &[R]) {
                self.0.insert(R::FILE.trim_end_matches(".csv"), rows.len());
            }
        }
        let mut c = C(BTreeMap::new());
        self.visit(&mut c);
        c.0
    }

    /// Total number of statements (records that carry a citation).
    pub fn statement_count(&self) -> usize {
        self.counts().iter().filter(|(k, _)| **k != "sources").map(|(_, v)| v).sum()
    }

    /// Validates the whole base: duplicate ids, references to missing records or sources,
    /// overlapping duplicate memberships, anonymised-locality rules. Returns every problem.
    pub fn validate(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut p = |id: &Id, field: &str, message: String| {
            problems.push(Problem { id: id.to_string(), field: field.to_string(), message })
        };
        let (seen, duplicates) = self.ids_seen();
        for (id, file, prev) in duplicates {
            p(&id, "id", format!("duplicate id {id}: already defined in {prev} (again in {file})"));
        }
        for (id, src) in self.uncited_sources(&seen) {
            p(&id, "source", format!("cites {src}, which is not in sources.csv"));
        }
        let exists = |id: &Id| id.kind() == IdKind::Country || seen.contains_key(id.as_str());
        self.references(&mut |owner, field, target| {
            if !exists(target) {
                p(owner, field, format!("refers to {target}, which does not exist"));
            }
        });
        for (id, m) in self.overlapping_memberships() {
            p(&id, "from", m)
        }
        for l in &self.localities {
            if l.anonymised && l.lat.is_some() {
                p(
                    &l.id,
                    "lat",
                    "an anonymised locality must not carry coordinates (they would identify it)"
                        .into(),
                );
            }
        }
        problems
    }

    /// Every id with the file that defined it first, and the ids defined again (id, file, first
    /// file), in table order.
    fn ids_seen(&self) -> (FxHashMap<String, &'static str>, Vec<(Id, &'static str, &'static str)>) {
        let mut seen: FxHashMap<String, &'static str> = FxHashMap::default();
        seen.reserve(self.counts().values().sum());
        struct Collect<'s>(
            &'s mut FxHashMap<String, &'static str>,
            Vec<(Id, &'static str, &'static str)>,
        );
        impl TableVisitor for Collect<'_> {
            fn table<R: Record>(&mut self, rows: &[R]) {
                for r in rows {
                    if let Some(prev) = self.0.insert(r.id().to_string(), R::FILE) {
                        self.1.push((r.id().clone(), R::FILE, prev));
                    }
                }
            }
        }
        let mut col = Collect(&mut seen, Vec::new());
        self.visit(&mut col);
        let duplicates = col.1;
        (seen, duplicates)
    }

    /// The records (id, cited source) whose citation names a source not in `seen`.
    fn uncited_sources(&self, seen: &FxHashMap<String, &'static str>) -> Vec<(Id, Id)> {
        struct Cites<'a>(&'a FxHashMap<String, &'static str>, Vec<(Id, Id)>);
        impl TableVisitor for Cites<'_> {
            fn table<R: Record>(&mut self, rows: &[R]) {
                for r in rows {
                    if let Some(c) = r.citation()
                        && !self.0.contains_key(c.source.as_str())
                    {
                        self.1.push((r.id().clone(), c.source.clone()));
                    }
                }
            }
        }
        let mut cites = Cites(seen, Vec::new());
        self.visit(&mut cites);
        cites.1
    }

    /// Calls `check(owner, field, target)` for every reference from one record to another, in
    /// table order.
    fn references(&self, check: &mut dyn FnMut(&Id, &str, &Id)) {
        for l in &self.localities {
            if let Some(x) = &l.parent {
                check(&l.id, "parent", x)
            }
            if let Some(x) = &l.coord_source {
                check(&l.id, "coord_source", x)
            }
        }
        for n in &self.networks {
            if let Some(x) = &n.parent {
                check(&n.id, "parent", x)
            }
        }
        for e in &self.events {
            for x in &e.places {
                check(&e.id, "places", x)
            }
            for x in &e.actors {
                check(&e.id, "actors", x)
            }
        }
        self.statement_references(check);
    }

    /// [`KnowledgeBase::references`] of the statements.
    fn statement_references(&self, check: &mut dyn FnMut(&Id, &str, &Id)) {
        // The statements that tie two records, each with its two ends (field, target).
        let ties = (self.memberships.iter())
            .map(|m| (&m.id, [("network", &m.network), ("member", &m.member)]))
            .chain(
                self.terms
                    .iter()
                    .map(|t| (&t.id, [("locality", &t.locality), ("person", &t.person)])),
            )
            .chain(
                self.affiliations
                    .iter()
                    .map(|a| (&a.id, [("person", &a.person), ("organisation", &a.organisation)])),
            )
            .chain(
                self.relations
                    .iter()
                    .map(|r| (&r.id, [("subject", &r.subject), ("object", &r.object)])),
            );
        for (owner, ends) in ties {
            for (field, target) in ends {
                check(owner, field, target);
            }
        }
        for f in &self.facts {
            check(&f.id, "subject", &f.subject);
            if f.property == Property::Headquarters
                && let Ok(target) = Id::parse(&f.value)
            {
                check(&f.id, "value", &target)
            }
        }
        for ph in &self.phases {
            check(&ph.id, "locality", &ph.locality)
        }
        for pr in &self.practices {
            if let Some(x) = &pr.origin {
                check(&pr.id, "origin", x)
            }
            for x in &pr.actors {
                check(&pr.id, "actors", x)
            }
        }
        for a in &self.adoptions {
            check(&a.id, "practice", &a.practice);
            check(&a.id, "locality", &a.locality);
        }
    }

    /// Overlapping memberships of the same member, network and role citing the same source:
    /// (id, message) sorted.
    fn overlapping_memberships(&self) -> Vec<(Id, String)> {
        let mut groups: FxHashMap<(&Id, &Id, crate::MembershipRole, &Id), Vec<&Membership>> =
            FxHashMap::default();
        for m in &self.memberships {
            groups.entry((&m.network, &m.member, m.role, &m.citation.source)).or_default().push(m);
        }
        let mut overlap_problems = Vec::new();
        for ms in groups.values() {
            if ms.len() >= 2 {
                overlaps_in_group(ms, &mut overlap_problems);
            }
        }
        overlap_problems.sort();
        overlap_problems
    }

    /// Statements that disagree: single-valued facts about the same subject, property and qualifier
    /// whose intervals overlap (or are both undated) with different values; and memberships of the
    /// same member, network and role from different sources whose dates differ.
    pub fn conflicts(&self) -> Vec<Conflict> {
        let mut out = self.raw_conflicts();
        // Identity ambiguity: the same values are candidates for every locality of one public
        // label (the report's table names the label, not which of its localities).
        let label_of = |id: &str| {
            self.localities
                .iter()
                .find(|l| l.id.as_str() == id)
                .filter(|l| l.anonymised)
                .map(|l| l.display_name().to_string())
        };
        let values = |c: &Conflict| {
            let mut v: Vec<String> =
                c.statements.iter().map(|s| normalise_value(&s.value)).collect();
            v.sort();
            v.dedup();
            v
        };
        let keys: Vec<(Option<String>, String, Vec<String>, String)> = out
            .iter()
            .map(|c| (label_of(&c.subject), c.about.clone(), values(c), c.subject.clone()))
            .collect();
        for (i, c) in out.iter_mut().enumerate() {
            let (label, about, vals, subject) = &keys[i];
            let siblings: Vec<&String> = keys
                .iter()
                .filter(|(l, a, v, s)| {
                    l.is_some() && l == label && a == about && v == vals && s != subject
                })
                .map(|k| &k.3)
                .collect();
            let sources: std::collections::BTreeSet<&str> =
                c.statements.iter().map(|s| s.citation.source.as_str()).collect();
            let undated = c
                .statements
                .iter()
                .filter(|s| s.when.from.is_none() && s.when.to.is_none())
                .count();
            let dated: Vec<&ConflictingStatement> = c
                .statements
                .iter()
                .filter(|s| s.when.from.is_some() || s.when.to.is_some())
                .collect();
            let dated_overlap = dated.iter().enumerate().any(|(i, a)| {
                dated.iter().skip(i + 1).any(|b| {
                    normalise_value(&a.value) != normalise_value(&b.value)
                        && a.when.overlaps(&b.when)
                })
            });
            let (nature, explanation) = if c.kind == "fact" && !siblings.is_empty() {
                (
                    "identity_ambiguity",
                    format!(
                        "not a disagreement: {} localities share the public label {}, and the report gives these values to the label without saying which locality has which (the same candidates stand on {})",
                        siblings.len() + 1,
                        label.clone().unwrap_or_default(),
                        siblings.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                )
            } else if undated > 0 && !dated.is_empty() && !dated_overlap {
                ("change_over_time", "possibly a change over time: the dated statements do not overlap, and an undated one is read as holding at any time; dating it would settle whether the sources disagree".to_string())
            } else if sources.len() > 1 {
                ("sources_disagree", format!("{} sources disagree", sources.len()))
            } else {
                ("source_disagrees_with_itself", "one source states different values in different places (a table and the text, the text and a footnote, or two tables)".to_string())
            };
            c.nature = nature.into();
            c.explanation = explanation;
        }
        out
    }

    /// The natures of conflicts, in the order listings group them.
    pub const CONFLICT_NATURES: [&'static str; 4] = [
        "sources_disagree",
        "source_disagrees_with_itself",
        "change_over_time",
        "identity_ambiguity",
    ];

    /// Conflicts before their nature is known: facts, then memberships, then events.
    fn raw_conflicts(&self) -> Vec<Conflict> {
        let mut out = self.fact_conflicts();
        out.extend(self.membership_conflicts());
        out.extend(self.event_conflicts());
        out
    }

    /// Single-valued facts about one subject, property and qualifier whose values differ over
    /// overlapping intervals.
    fn fact_conflicts(&self) -> Vec<Conflict> {
        let mut by_key: BTreeMap<(String, String, String), Vec<&Fact>> = BTreeMap::new();
        for f in self.facts.iter().filter(|f| !f.property.is_multi()) {
            by_key
                .entry((
                    f.subject.to_string(),
                    f.property.to_string(),
                    f.qualifier.clone().unwrap_or_default(),
                ))
                .or_default()
                .push(f);
        }
        let mut out = Vec::new();
        for ((subject, property, qualifier), fs) in by_key {
            let involved = disagreeing(&fs, |a, b| {
                normalise_value(&a.value) != normalise_value(&b.value) && a.when.overlaps(&b.when)
            });
            let about =
                if qualifier.is_empty() { property } else { format!("{property} ({qualifier})") };
            out.extend(conflict("fact", subject, about, &involved, |f| {
                (f.value.clone(), f.when, &f.citation)
            }));
        }
        out
    }

    /// Memberships grouped by (member, network, role) in that order of the keys, each group in
    /// table order (a stable sort of references: no key is copied, a million memberships group
    /// in a fraction of a second), dated differently by different citations.
    fn membership_conflicts(&self) -> Vec<Conflict> {
        fn key(m: &Membership) -> (&str, &str, &'static str) {
            (m.member.as_str(), m.network.as_str(), crate::vocab::Vocabulary::as_str(&m.role))
        }
        let mut sorted: Vec<&Membership> = self.memberships.iter().collect();
        sorted.sort_by(|a, b| key(a).cmp(&key(b)));
        let mut out = Vec::new();
        for ms in sorted.chunk_by(|a, b| key(a) == key(b)).filter(|g| g.len() > 1) {
            let (member, network, role) =
                (ms[0].member.to_string(), ms[0].network.to_string(), ms[0].role.to_string());
            let involved = disagreeing(ms, |a, b| {
                a.citation != b.citation && a.when != b.when && a.when.overlaps(&b.when)
            });
            out.extend(conflict(
                "membership",
                member,
                format!("{role} of {network}"),
                &involved,
                |m| (m.when.display(), m.when, &m.citation),
            ));
        }
        out
    }

    /// The same event (same title, kind and country) dated differently by different statements.
    fn event_conflicts(&self) -> Vec<Conflict> {
        let mut ev: BTreeMap<(String, String, String), Vec<&Event>> = BTreeMap::new();
        for e in &self.events {
            ev.entry((
                crate::text::fold(&e.title),
                e.kind.to_string(),
                e.country.clone().unwrap_or_default(),
            ))
            .or_default()
            .push(e);
        }
        let mut out = Vec::new();
        for (_, es) in ev {
            let involved = disagreeing(&es, |a, b| a.when != b.when && a.citation != b.citation);
            if let Some(first) = involved.first() {
                let subject = first.id.to_string();
                out.extend(conflict("event", subject, "date".into(), &involved, |e| {
                    (e.when.display(), e.when, &e.citation)
                }));
            }
        }
        out
    }

    /// Builds a name index for resolution and search.
    pub fn index(&self) -> NameIndex {
        let mut entries = Vec::new();
        let mut add = |id: &Id, kind: IdKind, display: &str, names: Vec<&str>| {
            for n in names {
                entries.push(IndexEntry {
                    id: id.clone(),
                    kind,
                    display: display.to_string(),
                    key: fold(n),
                    name: n.to_string(),
                });
            }
            entries.push(IndexEntry {
                id: id.clone(),
                kind,
                display: display.to_string(),
                key: fold(id.as_str()),
                name: id.to_string(),
            });
            entries.push(IndexEntry {
                id: id.clone(),
                kind,
                display: display.to_string(),
                key: fold(id.body()),
                name: id.to_string(),
            });
        };
        for l in &self.localities {
            let mut names = vec![l.display_name()];
            if !l.anonymised {
                names.extend(l.aliases.iter().map(|s| s.as_str()))
            } else {
                names.extend(l.aliases.iter().map(|s| s.as_str()))
            }
            add(&l.id, IdKind::Locality, l.display_name(), names);
        }
        for n in &self.networks {
            let mut names = vec![n.name.as_str()];
            names.extend(n.acronym.as_deref());
            names.extend(n.aliases.iter().map(|s| s.as_str()));
            add(&n.id, IdKind::Network, &n.name, names);
        }
        for o in &self.organisations {
            let mut names = vec![o.name.as_str()];
            names.extend(o.acronym.as_deref());
            names.extend(o.aliases.iter().map(|s| s.as_str()));
            add(&o.id, IdKind::Organisation, &o.name, names);
        }
        for p in &self.persons {
            let mut names = vec![p.name.as_str()];
            names.extend(p.aliases.iter().map(|s| s.as_str()));
            add(&p.id, IdKind::Person, &p.name, names);
        }
        for f in &self.facts {
            if f.property == Property::Name {
                let display = self.display_name(&f.subject);
                entries.push(IndexEntry {
                    id: f.subject.clone(),
                    kind: f.subject.kind(),
                    display,
                    key: fold(&f.value),
                    name: f.value.clone(),
                });
            }
        }
        NameIndex { entries }
    }

    /// Builds the lookups by id ([`crate::index::KbIndex`]) for a base that will only be read
    /// from now on: `facts_of`, `memberships_of`, `locality` and the others then cost what the
    /// entity has, not what the base holds. Any change of a table's length or buffer, `sort` or
    /// `visit_mut` falls back to scanning.
    pub fn freeze(&mut self) {
        let ix = crate::index::KbIndex::build(self);
        self.freeze_with(ix);
    }

    /// [`KnowledgeBase::freeze`] with an index built beforehand (for instance on another thread,
    /// while the base is read for something else); an index of another shape is ignored.
    pub fn freeze_with(&mut self, index: crate::index::KbIndex) {
        self.frozen = crate::index::IndexCell(Some(std::sync::Arc::new(index)));
    }

    /// The index, when the base is frozen and unchanged since.
    pub fn lookup(&self) -> Option<&crate::index::KbIndex> {
        self.frozen.0.as_deref().filter(|ix| ix.fits(self))
    }

    /// Records of `table` at the positions `map` gives for `id`, those still naming `id` (`keep`);
    /// a scan of the table when the base is not frozen.
    fn by<'a, T>(
        &'a self,
        table: &'a [T],
        map: impl Fn(&crate::index::KbIndex) -> &crate::fxhash::FxHashMap<Id, Vec<u32>>,
        id: &Id,
        keep: impl Fn(&T) -> bool,
    ) -> Vec<&'a T> {
        match self.lookup() {
            Some(ix) => map(ix)
                .get(id)
                .map(|v| {
                    v.iter().filter_map(|&i| table.get(i as usize)).filter(|r| keep(r)).collect()
                })
                .unwrap_or_default(),
            None => table.iter().filter(|r| keep(r)).collect(),
        }
    }

    /// [`KnowledgeBase::by`] for statements naming `id` in one of their two `ends`.
    fn naming<'a, T>(
        &'a self,
        table: &'a [T],
        map: impl Fn(&crate::index::KbIndex) -> &crate::fxhash::FxHashMap<Id, Vec<u32>>,
        id: &Id,
        ends: impl Fn(&T) -> [&Id; 2],
    ) -> Vec<&'a T> {
        self.by(table, map, id, |r| ends(r).contains(&id))
    }

    /// The memberships whose member is `member`, in table order.
    pub fn memberships_of(&self, member: &Id) -> Vec<&Membership> {
        self.by(&self.memberships, |ix| &ix.memberships_by_member, member, |m| &m.member == member)
    }

    /// The memberships in `network`, in table order.
    pub fn memberships_in(&self, network: &Id) -> Vec<&Membership> {
        self.by(
            &self.memberships,
            |ix| &ix.memberships_by_network,
            network,
            |m| &m.network == network,
        )
    }

    /// Every fact about `subject`, in table order.
    pub fn facts_about(&self, subject: &Id) -> Vec<&Fact> {
        self.by(&self.facts, |ix| &ix.facts_by_subject, subject, |f| &f.subject == subject)
    }

    /// Office terms at `locality`, in table order.
    pub fn terms_at(&self, locality: &Id) -> Vec<&Term> {
        self.by(&self.terms, |ix| &ix.terms_by_locality, locality, |t| &t.locality == locality)
    }

    /// Office terms of `person`, in table order.
    pub fn terms_of(&self, person: &Id) -> Vec<&Term> {
        self.by(&self.terms, |ix| &ix.terms_by_person, person, |t| &t.person == person)
    }

    /// Phases of `locality`, in table order.
    pub fn phases_of(&self, locality: &Id) -> Vec<&Phase> {
        self.by(&self.phases, |ix| &ix.phases_by_locality, locality, |p| &p.locality == locality)
    }

    /// Events naming `id` among their places or actors, in table order.
    pub fn events_naming(&self, id: &Id) -> Vec<&Event> {
        self.by(
            &self.events,
            |ix| &ix.events_by_entity,
            id,
            |e| e.places.contains(id) || e.actors.contains(id),
        )
    }

    /// Relations whose subject or object is `id`, in table order.
    pub fn relations_naming(&self, id: &Id) -> Vec<&Relation> {
        self.naming(&self.relations, |ix| &ix.relations_by_entity, id, |r| [&r.subject, &r.object])
    }

    /// Affiliations whose person or organisation is `id`, in table order.
    pub fn affiliations_naming(&self, id: &Id) -> Vec<&Affiliation> {
        self.naming(
            &self.affiliations,
            |ix| &ix.affiliations_by_entity,
            id,
            |a| [&a.person, &a.organisation],
        )
    }

    /// Adoptions whose practice or locality is `id`, in table order.
    pub fn adoptions_naming(&self, id: &Id) -> Vec<&Adoption> {
        self.naming(
            &self.adoptions,
            |ix| &ix.adoptions_by_entity,
            id,
            |a| [&a.practice, &a.locality],
        )
    }

    fn entity<'a, T>(&'a self, table: &'a [T], id: &Id, key: impl Fn(&T) -> &Id) -> Option<&'a T> {
        match self.lookup() {
            Some(ix) => {
                ix.entity.get(id).and_then(|&i| table.get(i as usize)).filter(|r| key(r) == id)
            }
            None => table.iter().find(|r| key(r) == id),
        }
    }

    /// The locality with this id.
    pub fn locality(&self, id: &Id) -> Option<&Locality> {
        self.entity(&self.localities, id, |x| &x.id)
    }

    /// The network with this id.
    pub fn network(&self, id: &Id) -> Option<&Network> {
        self.entity(&self.networks, id, |x| &x.id)
    }

    /// The organisation with this id.
    pub fn organisation(&self, id: &Id) -> Option<&Organisation> {
        self.entity(&self.organisations, id, |x| &x.id)
    }

    /// The person with this id.
    pub fn person(&self, id: &Id) -> Option<&Person> {
        self.entity(&self.persons, id, |x| &x.id)
    }

    /// The display name of any id (public label for anonymised localities).
    pub fn display_name(&self, id: &Id) -> String {
        match id.kind() {
            IdKind::Locality => self.locality(id).map(|l| l.display_name().to_string()),
            IdKind::Network => self.network(id).map(|n| {
                n.acronym
                    .clone()
                    .filter(|a| a.len() <= 12 && n.name.len() > 30)
                    .unwrap_or_else(|| n.name.clone())
            }),
            IdKind::Organisation => self.organisation(id).map(|o| o.name.clone()),
            IdKind::Person => self.person(id).map(|p| p.name.clone()),
            IdKind::Event => self.entity(&self.events, id, |x| &x.id).map(|e| e.title.clone()),
            IdKind::Source => self.entity(&self.sources, id, |x| &x.id).map(|s| s.short.clone()),
            IdKind::Practice => {
                self.entity(&self.practices, id, |x| &x.id).map(|p| p.title.clone())
            }
            IdKind::Country => Some(id.body().to_string()),
            _ => None,
        }
        .unwrap_or_else(|| id.to_string())
    }

    /// Where a locality is: its own coordinates (the `lat`/`lon` columns) when given, otherwise the
    /// gazetteer's statements (`coordinates`, `geonames_id`, `population`, `subdivision` facts).
    /// `None` for anonymised localities' coordinates: they are never placed as points (their
    /// `subdivision` is still given, a region never narrows them).
    pub fn place(&self, id: &Id) -> Option<Place> {
        let l = self.locality(id)?;
        let first = |p: Property| self.facts_of(id, p).into_iter().next_back();
        let mut place = Place {
            lat: None,
            lon: None,
            coord_source: None,
            geonames_id: None,
            population: None,
            population_source: None,
            subdivision: None,
        };
        if !l.anonymised {
            if let (Some(lat), Some(lon)) = (l.lat, l.lon) {
                (place.lat, place.lon, place.coord_source) = (
                    Some(lat),
                    Some(lon),
                    l.coord_source.clone().or_else(|| Some(l.citation.source.clone())),
                );
            } else if let Some(f) = first(Property::Coordinates)
                && let Some((lat, lon)) = crate::property::parse_lat_lon(&f.value)
            {
                (place.lat, place.lon, place.coord_source) =
                    (Some(lat), Some(lon), Some(f.citation.source.clone()));
            }
            place.geonames_id = first(Property::GeonamesId).and_then(|f| f.value.parse().ok());
            if let Some((f, pop)) = self.population(id) {
                place.population = Some(pop);
                place.population_source = Some(f.citation.source.clone());
            }
        }
        place.subdivision = first(Property::Subdivision).map(|f| f.value.clone());
        Some(place)
    }

    /// The population to use for a locality: the latest that a source other than a gazetteer states
    /// (the papers), else the gazetteer's latest (GeoNames) — a gazetteer figure sits beside a
    /// paper's, never over it.
    pub fn population(&self, id: &Id) -> Option<(&Fact, u64)> {
        let gazetteer = |f: &Fact| {
            self.sources
                .iter()
                .any(|s| s.id == f.citation.source && s.kind == crate::SourceKind::Gazetteer)
        };
        let facts = self.facts_of(id, Property::Population);
        let pick = |paper: bool| {
            facts
                .iter()
                .rev()
                .copied()
                .filter(|f| !paper || !gazetteer(f))
                .find_map(|f| f.value.parse::<u64>().ok().map(|p| (f, p)))
        };
        pick(true).or_else(|| pick(false))
    }

    /// Facts about `subject` with `property`, sorted by date then id.
    pub fn facts_of(&self, subject: &Id, property: Property) -> Vec<&Fact> {
        let mut v: Vec<&Fact> = self.by(
            &self.facts,
            |ix| &ix.facts_by_subject,
            subject,
            |f| &f.subject == subject && f.property == property,
        );
        v.sort_by(|a, b| a.when.cmp(&b.when).then(a.id.cmp(&b.id)));
        v
    }

    /// Every statement that cites `source`, as (file, id).
    pub fn citing(&self, source: &Id) -> Vec<(&'static str, Id, String)> {
        struct V<'a>(&'a Id, Vec<(&'static str, Id, String)>);
        impl TableVisitor for V<'_> {
            fn table<R: Record>(&mut self, rows: &[R]) {
                for r in rows {
                    if let Some(c) = r.citation()
                        && &c.source == self.0
                    {
                        self.1.push((R::FILE, r.id().clone(), c.locator.clone()));
                    }
                }
            }
        }
        let mut v = V(source, Vec::new());
        self.visit(&mut v);
        v.1
    }

    /// The statements citing `source` in table order, skipping `offset` and keeping at most
    /// `limit` of them, with the number there are in all: one pass, and only the window is copied
    /// (a source cited a million times answers a page in what the pass costs).
    pub fn citing_page(
        &self,
        source: &Id,
        offset: usize,
        limit: usize,
    ) -> (usize, Vec<(&'static str, Id, String)>) {
        struct V<'a> {
            source: &'a Id,
            seen: usize,
            offset: usize,
            limit: usize,
            out: Vec<(&'static str, Id, String)>,
        }
        impl TableVisitor for V<'_> {
            fn table<R: Record>(&mut self, rows: &[R]) {
                for r in rows {
                    if let Some(c) = r.citation()
                        && &c.source == self.source
                    {
                        if self.seen >= self.offset && self.out.len() < self.limit {
                            self.out.push((R::FILE, r.id().clone(), c.locator.clone()));
                        }
                        self.seen += 1;
                    }
                }
            }
        }
        let mut v = V { source, seen: 0, offset, limit, out: Vec::new() };
        self.visit(&mut v);
        (v.seen, v.out)
    }

    /// How many statements cite each source, in one pass.
    pub fn citing_counts(&self) -> HashMap<Id, usize> {
        struct V(HashMap<Id, usize>);
        impl TableVisitor for V {
            fn table<R: Record>(&mut self, rows: &[R]) {
                for r in rows {
                    if let Some(c) = r.citation() {
                        *self.0.entry(c.source.clone()).or_default() += 1;
                    }
                }
            }
        }
        let mut v = V(HashMap::new());
        self.visit(&mut v);
        v.0
    }

    /// The membership, term, affiliation, relation, fact or phase with this id (by lookup when
    /// the base is frozen).
    pub fn statement_subject(&self, id: &Id) -> Option<Id> {
        let ix = self.lookup();
        let at = |table: usize| ix.and_then(|ix| ix.statement_at(table, id));
        fn find<'a, T>(
            rows: &'a [T],
            at: Option<usize>,
            key: impl Fn(&T) -> &Id,
            id: &Id,
        ) -> Option<&'a T> {
            at.and_then(|i| rows.get(i))
                .filter(|r| key(r) == id)
                .or_else(|| rows.iter().find(|r| key(r) == id))
        }
        match id.kind() {
            IdKind::Membership => {
                find(&self.memberships, at(0), |m| &m.id, id).map(|m| m.member.clone())
            }
            IdKind::Term => find(&self.terms, at(1), |t| &t.id, id).map(|t| t.locality.clone()),
            IdKind::Affiliation => {
                find(&self.affiliations, at(2), |a| &a.id, id).map(|a| a.person.clone())
            }
            IdKind::Relation => {
                find(&self.relations, at(3), |r| &r.id, id).map(|r| r.subject.clone())
            }
            IdKind::Fact => find(&self.facts, at(4), |f| &f.id, id).map(|f| f.subject.clone()),
            IdKind::Phase => find(&self.phases, at(5), |p| &p.id, id).map(|p| p.locality.clone()),
            _ => None,
        }
    }

    /// Several statements by id in one pass over the tables (for a page of them).
    pub fn statements(&self, ids: &HashSet<Id>) -> HashMap<Id, StatementRecord> {
        struct V<'a>(&'a HashSet<Id>, HashMap<Id, StatementRecord>);
        impl TableVisitor for V<'_> {
            fn table<R: Record>(&mut self, rows: &[R]) {
                if !self.0.iter().any(|i| i.kind() == R::KIND) {
                    return;
                }
                for r in rows.iter().filter(|r| self.0.contains(r.id())) {
                    let cells = r.to_cells();
                    self.1.insert(
                        r.id().clone(),
                        StatementRecord {
                            file: R::FILE,
                            fields: R::COLUMNS
                                .iter()
                                .zip(cells)
                                .map(|(c, v)| (c.name, c.doc, v))
                                .collect(),
                            citation: r.citation().cloned(),
                        },
                    );
                }
            }
        }
        let mut v = V(ids, HashMap::new());
        self.visit(&mut v);
        v.1
    }

    /// One statement by id, whatever its table: its file, its cells by column (with each
    /// column's documentation) and its citation.
    pub fn statement(&self, id: &Id) -> Option<StatementRecord> {
        struct V<'a>(&'a Id, Option<StatementRecord>);
        impl TableVisitor for V<'_> {
            fn table<R: Record>(&mut self, rows: &[R]) {
                if self.1.is_some() || R::KIND != self.0.kind() {
                    return;
                }
                if let Some(r) = rows.iter().find(|r| r.id() == self.0) {
                    let cells = r.to_cells();
                    self.1 = Some(StatementRecord {
                        file: R::FILE,
                        fields: R::COLUMNS
                            .iter()
                            .zip(cells)
                            .map(|(c, v)| (c.name, c.doc, v))
                            .collect(),
                        citation: r.citation().cloned(),
                    });
                }
            }
        }
        let mut v = V(id, None);
        self.visit(&mut v);
        v.1
    }

    /// Every citation of statements about `entity` (records whose id is the entity, or that
    /// reference it), as (file, statement id, citation).
    pub fn citations_about(&self, entity: &Id) -> Vec<(&'static str, Id, Citation)> {
        let mut out = Vec::new();
        let e = entity;
        let mut push = |file, id: &Id, c: &Citation| out.push((file, id.clone(), c.clone()));
        if let Some(l) = self.locality(e) {
            push("localities.csv", &l.id, &l.citation)
        }
        if let Some(n) = self.network(e) {
            push("networks.csv", &n.id, &n.citation)
        }
        if let Some(o) = self.organisation(e) {
            push("organisations.csv", &o.id, &o.citation)
        }
        if let Some(p) = self.person(e) {
            push("persons.csv", &p.id, &p.citation)
        }
        // Records naming the entity in two ways (member or network, place or id) once each, in
        // table order.
        let mut events: Vec<&Event> = self.events_naming(e);
        events.extend(self.entity(&self.events, e, |x| &x.id));
        for x in in_table_order(&self.events, events) {
            push("events.csv", &x.id, &x.citation)
        }
        let mut ms: Vec<&Membership> = self.memberships_of(e);
        ms.extend(self.memberships_in(e));
        for m in in_table_order(&self.memberships, ms) {
            push("memberships.csv", &m.id, &m.citation)
        }
        let mut ts: Vec<&Term> = self.terms_at(e);
        ts.extend(self.terms_of(e));
        for t in in_table_order(&self.terms, ts) {
            push("terms.csv", &t.id, &t.citation)
        }
        for a in self.affiliations_naming(e) {
            push("affiliations.csv", &a.id, &a.citation)
        }
        for r in self.relations_naming(e) {
            push("relations.csv", &r.id, &r.citation)
        }
        for f in self.facts_about(e) {
            push("facts.csv", &f.id, &f.citation)
        }
        for p in self.phases_of(e) {
            push("phases.csv", &p.id, &p.citation)
        }
        out
    }
}

/// `rows` (references into `table`) sorted by their position in it, each once.
fn in_table_order<'a, T>(table: &'a [T], mut rows: Vec<&'a T>) -> Vec<&'a T> {
    let pos = |r: &&T| {
        (std::ptr::from_ref(*r) as usize - table.as_ptr() as usize)
            / std::mem::size_of::<T>().max(1)
    };
    rows.sort_by_key(pos);
    rows.dedup_by(|a, b| std::ptr::eq(*a, *b));
    rows
}

fn normalise_value(v: &str) -> String {
    v.trim().to_lowercase()
}

/// One disagreement between statements.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Conflict {
    /// `fact`, `membership` or `event`.
    pub kind: String,
    /// What the disagreement is ([`Conflict::NATURES`]): sources that disagree, a source that
    /// disagrees with itself, candidates for localities that share a public label (which value
    /// belongs to which one is unknown: identity ambiguity, not disagreement), or an undated
    /// statement beside dated ones (possibly a change over time).
    pub nature: String,
    /// The nature in a sentence, for this group.
    pub explanation: String,
    /// The subject id.
    pub subject: String,
    /// The property (with qualifier) or membership role.
    pub about: String,
    /// The disagreeing statements, each with its citation.
    pub statements: Vec<ConflictingStatement>,
}

/// One side of a conflict.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ConflictingStatement {
    /// Statement id.
    pub id: String,
    /// Value (or interval for memberships).
    pub value: String,
    /// When it holds.
    pub when: Interval,
    /// Where it comes from.
    pub citation: Citation,
}

/// Where a locality is, from [`KnowledgeBase::place`].
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Place {
    /// Latitude (WGS84); never set for anonymised localities.
    pub lat: Option<f64>,
    /// Longitude (WGS84).
    pub lon: Option<f64>,
    /// The source of the coordinates (the gazetteer).
    pub coord_source: Option<Id>,
    /// GeoNames id.
    pub geonames_id: Option<u64>,
    /// The latest population statement.
    pub population: Option<u64>,
    /// Its source.
    pub population_source: Option<Id>,
    /// ISO 3166-2 subdivision code.
    pub subdivision: Option<String>,
}

/// An entry of the name index.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct IndexEntry {
    /// Entity id.
    pub id: Id,
    /// Entity kind.
    pub kind: IdKind,
    /// Display name.
    pub display: String,
    /// Folded key.
    pub key: String,
    /// The name or alias matched.
    pub name: String,
}

/// Accent-insensitive name index over localities, networks, organisations and persons.
#[derive(Clone, Debug, Default)]
pub struct NameIndex {
    entries: Vec<IndexEntry>,
}

/// The outcome of resolving a name.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Resolution {
    /// Exactly one entity.
    Found(Id),
    /// Several candidates (id, display name).
    Ambiguous(Vec<(Id, String)>),
    /// Nothing matched.
    NotFound,
}

impl NameIndex {
    /// Resolves a name, alias or id among `kinds` (all kinds when empty): exact folded matches win;
    /// otherwise prefix matches; otherwise substring matches.
    pub fn resolve(&self, query: &str, kinds: &[IdKind]) -> Resolution {
        let q = fold(query);
        if q.is_empty() {
            return Resolution::NotFound;
        }
        let ok = |e: &&IndexEntry| kinds.is_empty() || kinds.contains(&e.kind);
        let tiers: [&dyn Fn(&IndexEntry) -> bool; 3] =
            [&|e| e.key == q, &|e| e.key.starts_with(&q), &|e| e.key.contains(&q)];
        for tier in tiers {
            let mut ids: Vec<(Id, String)> = Vec::new();
            for e in self.entries.iter().filter(ok).filter(|e| tier(e)) {
                if !ids.iter().any(|(i, _)| i == &e.id) {
                    ids.push((e.id.clone(), e.display.clone()));
                }
            }
            match ids.len() {
                0 => continue,
                1 => return Resolution::Found(ids.pop().unwrap().0),
                _ => {
                    ids.sort();
                    return Resolution::Ambiguous(ids);
                }
            }
        }
        // Abbreviated place names: "st etienne" is "saint etienne", "ste foy" is "sainte foy".
        let expanded = q
            .split(' ')
            .map(|w| match w {
                "st" => "saint",
                "ste" => "sainte",
                w => w,
            })
            .collect::<Vec<_>>()
            .join(" ");
        if expanded != q {
            return self.resolve(&expanded, kinds);
        }
        Resolution::NotFound
    }

    /// Search: every entity whose names contain all words of the query (folded, abbreviations
    /// such as "st" expanded), best first; then, when fewer than `limit` entities are found, those
    /// whose names match every word within its typo budget ([`crate::names::typo_budget`]:
    /// "eurocites" finds Eurocities), marked `typo`.
    pub fn search(&self, query: &str, kinds: &[IdKind], limit: usize) -> Vec<SearchHit> {
        let q = fold(query);
        if q.split(' ').all(|w| w.is_empty()) {
            return Vec::new();
        }
        let expanded = crate::names::expand_abbreviations(&q);
        let kind_ok = |e: &IndexEntry| kinds.is_empty() || kinds.contains(&e.kind);
        let mut hits = self.literal_hits(&q, &expanded, &kind_ok);
        if hits.len() < limit {
            let typos =
                self.typo_hits(&expanded, |e| kind_ok(e) && !hits.iter().any(|h| h.id == e.id));
            hits.extend(typos);
        }
        hits.truncate(limit);
        hits
    }

    /// The entries whose key holds every word of the query `q` (or of its `expanded` form), one
    /// per entity at its best score, best first.
    fn literal_hits(
        &self,
        q: &str,
        expanded: &str,
        kind_ok: &dyn Fn(&IndexEntry) -> bool,
    ) -> Vec<SearchHit> {
        let words: Vec<&str> = q.split(' ').filter(|w| !w.is_empty()).collect();
        let xwords: Vec<&str> = expanded.split(' ').filter(|w| !w.is_empty()).collect();
        let mut best: HashMap<&Id, SearchHit> = HashMap::new();
        for e in self.entries.iter().filter(|e| kind_ok(e)) {
            let (q, words) = if words.iter().all(|w| e.key.contains(w)) {
                (q, &words)
            } else if expanded != q && xwords.iter().all(|w| e.key.contains(w)) {
                (expanded, &xwords)
            } else {
                continue;
            };
            let score = if e.key == q {
                3
            } else if e.key.starts_with(q) {
                2
            } else if e.key.split(' ').any(|t| t.starts_with(words[0])) {
                1
            } else {
                0
            };
            match best.get(&e.id) {
                Some(h) if h.score >= score => {}
                _ => {
                    best.insert(&e.id, e.hit(score, false));
                }
            }
        }
        let mut hits: Vec<SearchHit> = best.into_values().collect();
        hits.sort_by(|a, b| {
            b.score.cmp(&a.score).then(a.name.len().cmp(&b.name.len())).then(a.id.cmp(&b.id))
        });
        hits
    }

    /// Typo tolerance: the entries (among those `keep` keeps) of which every query word is
    /// within its budget of some word of the name (or of the prefix of a word, for a word being
    /// typed), one per entity, the fewest edits first.
    fn typo_hits(&self, expanded: &str, keep: impl Fn(&IndexEntry) -> bool) -> Vec<SearchHit> {
        let xwords: Vec<&str> = expanded.split(' ').filter(|w| !w.is_empty()).collect();
        let mut fuzzy: HashMap<&Id, (usize, &IndexEntry)> = HashMap::new();
        for e in self.entries.iter().filter(|e| keep(e)) {
            if e.name.contains(':') && e.name == e.id.as_str() {
                continue;
            }
            let key_words: Vec<&str> = e.key.split(' ').collect();
            let mut total = 0;
            let all =
                xwords.iter().all(|w| {
                    let d = key_words.iter().filter_map(|k| crate::names::within_typos(w, k)).min();
                    total += d.unwrap_or(0);
                    d.is_some()
                }) || crate::names::within_typos(expanded, &e.key).map(|d| total = d).is_some();
            if all && total > 0 {
                match fuzzy.get(&e.id) {
                    Some((d, _)) if *d <= total => {}
                    _ => {
                        fuzzy.insert(&e.id, (total, e));
                    }
                }
            }
        }
        let mut extra: Vec<(usize, &IndexEntry)> = fuzzy.into_values().collect();
        extra.sort_by(|a, b| {
            a.0.cmp(&b.0).then(a.1.display.len().cmp(&b.1.display.len())).then(a.1.id.cmp(&b.1.id))
        });
        extra.into_iter().map(|(_, e)| e.hit(0, true)).collect()
    }
}

impl IndexEntry {
    fn hit(&self, score: u8, typo: bool) -> SearchHit {
        SearchHit {
            id: self.id.clone(),
            kind: self.kind,
            name: self.display.clone(),
            matched: self.name.clone(),
            score,
            typo,
        }
    }
}

/// A search result.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SearchHit {
    /// Entity id.
    pub id: Id,
    /// Entity kind.
    pub kind: IdKind,
    /// Display name.
    pub name: String,
    /// The name or alias that matched.
    pub matched: String,
    /// Rank (3 exact, 2 prefix, 1 word prefix, 0 substring or typo).
    pub score: u8,
    /// Matched within the typo budget rather than literally.
    pub typo: bool,
}

/// Which ids are referenced at all (used to find orphans).
pub fn referenced_ids(kb: &KnowledgeBase) -> HashSet<Id> {
    let mut s = HashSet::new();
    for m in &kb.memberships {
        s.insert(m.network.clone());
        s.insert(m.member.clone());
    }
    for r in &kb.relations {
        s.insert(r.subject.clone());
        s.insert(r.object.clone());
    }
    for f in &kb.facts {
        s.insert(f.subject.clone());
    }
    s
}

/// The statements of one group that disagree with at least one other (`differ` on a pair),
/// sorted by id.
fn disagreeing<'a, T: Record>(items: &[&'a T], differ: impl Fn(&T, &T) -> bool) -> Vec<&'a T> {
    let mut involved: Vec<&'a T> = Vec::new();
    for (i, a) in items.iter().enumerate() {
        for b in items.iter().skip(i + 1) {
            if differ(a, b) {
                for x in [*a, *b] {
                    if !involved.iter().any(|y| y.id() == x.id()) {
                        involved.push(x);
                    }
                }
            }
        }
    }
    involved.sort_by(|a, b| a.id().cmp(b.id()));
    involved
}

/// One statement as stored: see [`KnowledgeBase::statement`].
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct StatementRecord {
    /// The file (table) it belongs to, `memberships.csv`.
    pub file: &'static str,
    /// (column, column documentation, value) in the data format's order.
    pub fields: Vec<(&'static str, &'static str, String)>,
    /// Its citation (sources have none).
    pub citation: Option<Citation>,
}

/// The overlaps in one group of alike memberships. Sorted by start, a row overlaps an earlier one
/// exactly when it overlaps the earlier row that reaches furthest: one problem per such row,
/// naming that one (every overlapping pair was listed, and 12,000 alike rows asked for
/// gigabytes).
fn overlaps_in_group(ms: &[&Membership], out: &mut Vec<(Id, String)>) {
    let mut ms = ms.to_vec();
    ms.sort_by(|a, b| a.when.cmp(&b.when).then(a.id.cmp(&b.id)));
    let mut reach: Option<&Membership> = None;
    for m in ms {
        if let Some(r) = reach
            && r.when.overlaps(&m.when)
        {
            out.push((m.id.clone(), format!(
                "overlaps {} ({} in {} as {}, {} and {}) citing the same source; merge the two rows into one or correct the dates",
                r.id, r.member, r.network, r.role, r.when.display(), m.when.display())));
        }
        let further = match reach {
            None => true,
            Some(r) => match (r.when.to, m.when.to) {
                (None, _) => false,
                (Some(_), None) => true,
                (Some(a), Some(b)) => b.last_day() > a.last_day(),
            },
        };
        if further {
            reach = Some(m)
        }
    }
}

/// The conflict of `kind` about `subject` among the `involved` statements (none when they are
/// none), each stated by `side` as its value, interval and citation.
fn conflict<T: Record>(
    kind: &str,
    subject: String,
    about: String,
    involved: &[&T],
    side: impl Fn(&T) -> (String, Interval, &Citation),
) -> Option<Conflict> {
    if involved.is_empty() {
        return None;
    }
    let statements = involved
        .iter()
        .map(|s| {
            let (value, when, citation) = side(s);
            ConflictingStatement { id: s.id().to_string(), value, when, citation: citation.clone() }
        })
        .collect();
    Some(Conflict {
        kind: kind.into(),
        nature: String::new(),
        explanation: String::new(),
        subject,
        about,
        statements,
    })
}
