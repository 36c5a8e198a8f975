//! Lookups of a loaded knowledge base by the ids statements point to (facts by subject,
//! memberships by member and by network, terms, phases, events, relations, affiliations and
//! adoptions by the entities they name, records by id), so that a page or an analysis of one
//! locality costs what that locality has, not what the base holds.
//!
//! The index is built by [`KnowledgeBase::freeze`] for a base that will only be read from then on
//! (a server snapshot, a base the CLI loaded), and kept beside it. Every lookup checks that the
//! base still has the shape it was built for (the length and buffer of every table) and that each
//! record found still carries the id asked for; a base that was never frozen, or that changed
//! since, is scanned as before. `sort` and `visit_mut` drop the index.

use crate::fxhash::FxHashMap;
use crate::id::Id;
use crate::kb::KnowledgeBase;
use std::sync::Arc;

/// Positions of records in their tables, by the id they name.
#[derive(Debug, Default)]
pub struct KbIndex {
    stamp: Vec<(usize, usize)>,
    /// Facts by subject.
    pub facts_by_subject: FxHashMap<Id, Vec<u32>>,
    /// Memberships by member.
    pub memberships_by_member: FxHashMap<Id, Vec<u32>>,
    /// Memberships by network.
    pub memberships_by_network: FxHashMap<Id, Vec<u32>>,
    /// Terms by locality.
    pub terms_by_locality: FxHashMap<Id, Vec<u32>>,
    /// Terms by person.
    pub terms_by_person: FxHashMap<Id, Vec<u32>>,
    /// Phases by locality.
    pub phases_by_locality: FxHashMap<Id, Vec<u32>>,
    /// Events by place and by actor.
    pub events_by_entity: FxHashMap<Id, Vec<u32>>,
    /// Relations by subject and by object.
    pub relations_by_entity: FxHashMap<Id, Vec<u32>>,
    /// Affiliations by person and by organisation.
    pub affiliations_by_entity: FxHashMap<Id, Vec<u32>>,
    /// Adoptions by practice and by locality.
    pub adoptions_by_entity: FxHashMap<Id, Vec<u32>>,
    /// Position of each locality, network, organisation, person, event, practice and source.
    pub entity: FxHashMap<Id, u32>,
    /// Position of each membership, term, affiliation, relation, fact and phase, by a hash of
    /// its id (no copy of a million ids; a hit is checked against the record's id).
    statements: [FxHashMap<u64, u32>; 6],
}

fn id_hash(id: &Id) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = crate::fxhash::FxHasher::default();
    id.as_str().hash(&mut h);
    h.finish()
}

/// The shape of a base: length and buffer address of each table.
pub(crate) fn stamp(kb: &KnowledgeBase) -> Vec<(usize, usize)> {
    fn s<T>(v: &[T]) -> (usize, usize) {
        (v.len(), v.as_ptr() as usize)
    }
    vec![
        s(&kb.sources),
        s(&kb.localities),
        s(&kb.networks),
        s(&kb.organisations),
        s(&kb.persons),
        s(&kb.events),
        s(&kb.memberships),
        s(&kb.terms),
        s(&kb.affiliations),
        s(&kb.relations),
        s(&kb.facts),
        s(&kb.phases),
        s(&kb.practices),
        s(&kb.adoptions),
    ]
}

fn push(map: &mut FxHashMap<Id, Vec<u32>>, id: &Id, i: usize) {
    map.entry(id.clone()).or_default().push(i as u32);
}

impl KbIndex {
    /// Builds the index of `kb`.
    pub fn build(kb: &KnowledgeBase) -> KbIndex {
        let mut ix = KbIndex { stamp: stamp(kb), ..KbIndex::default() };
        for (i, f) in kb.facts.iter().enumerate() {
            push(&mut ix.facts_by_subject, &f.subject, i);
        }
        for (i, m) in kb.memberships.iter().enumerate() {
            push(&mut ix.memberships_by_member, &m.member, i);
            push(&mut ix.memberships_by_network, &m.network, i);
        }
        for (i, t) in kb.terms.iter().enumerate() {
            push(&mut ix.terms_by_locality, &t.locality, i);
            push(&mut ix.terms_by_person, &t.person, i);
        }
        for (i, p) in kb.phases.iter().enumerate() {
            push(&mut ix.phases_by_locality, &p.locality, i);
        }
        for (i, e) in kb.events.iter().enumerate() {
            let mut named: Vec<&Id> = e.places.iter().chain(e.actors.iter()).collect();
            named.sort();
            named.dedup();
            for id in named {
                push(&mut ix.events_by_entity, id, i);
            }
        }
        for (i, r) in kb.relations.iter().enumerate() {
            push(&mut ix.relations_by_entity, &r.subject, i);
            if r.object != r.subject {
                push(&mut ix.relations_by_entity, &r.object, i);
            }
        }
        for (i, a) in kb.affiliations.iter().enumerate() {
            push(&mut ix.affiliations_by_entity, &a.person, i);
            push(&mut ix.affiliations_by_entity, &a.organisation, i);
        }
        for (i, a) in kb.adoptions.iter().enumerate() {
            push(&mut ix.adoptions_by_entity, &a.practice, i);
            push(&mut ix.adoptions_by_entity, &a.locality, i);
        }
        let ids = kb
            .localities
            .iter()
            .map(|x| &x.id)
            .enumerate()
            .chain(kb.networks.iter().map(|x| &x.id).enumerate())
            .chain(kb.organisations.iter().map(|x| &x.id).enumerate())
            .chain(kb.persons.iter().map(|x| &x.id).enumerate())
            .chain(kb.events.iter().map(|x| &x.id).enumerate())
            .chain(kb.practices.iter().map(|x| &x.id).enumerate())
            .chain(kb.sources.iter().map(|x| &x.id).enumerate());
        for (i, id) in ids {
            ix.entity.insert(id.clone(), i as u32);
        }
        fn positions<'a>(ids: impl Iterator<Item = &'a Id>) -> FxHashMap<u64, u32> {
            let mut m = FxHashMap::default();
            for (i, id) in ids.enumerate() {
                // On a hash collision the first keeps its place; the other is found by scanning.
                m.entry(id_hash(id)).or_insert(i as u32);
            }
            m
        }
        ix.statements = [
            positions(kb.memberships.iter().map(|x| &x.id)),
            positions(kb.terms.iter().map(|x| &x.id)),
            positions(kb.affiliations.iter().map(|x| &x.id)),
            positions(kb.relations.iter().map(|x| &x.id)),
            positions(kb.facts.iter().map(|x| &x.id)),
            positions(kb.phases.iter().map(|x| &x.id)),
        ];
        ix
    }

    /// Where the statement `id` may be in table `table` (0 memberships, 1 terms, 2 affiliations,
    /// 3 relations, 4 facts, 5 phases); the caller checks the record's id.
    pub fn statement_at(&self, table: usize, id: &Id) -> Option<usize> {
        self.statements.get(table)?.get(&id_hash(id)).map(|&i| i as usize)
    }

    /// Whether the index was built for a base of `kb`'s shape.
    pub fn fits(&self, kb: &KnowledgeBase) -> bool {
        self.stamp == stamp(kb)
    }
}

/// The index kept with a base: set by [`KnowledgeBase::freeze`], ignored by comparisons,
/// serialisation and `Debug`.
#[derive(Clone, Default)]
pub struct IndexCell(pub(crate) Option<Arc<KbIndex>>);

impl PartialEq for IndexCell {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for IndexCell {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() { "IndexCell(frozen)" } else { "IndexCell(none)" })
    }
}
