//! What lists and overviews need from a whole snapshot, computed once per snapshot (on first use,
//! or by the warm-up thread started when a snapshot is swapped in) instead of per request: the
//! summary of every locality and network, sorted as the lists show them, with their folded names,
//! and the overview counts (conflicts included). A request filters these in memory.

use mlgov_domain::{fold, Id, KnowledgeBase};

use crate::convert;
use crate::state::Snapshot;
use crate::wire::{LocalitySummary, NetworkSummary, Overview};

/// One locality of the list: its position in the base, its summary and folded name.
pub struct LocalityRow {
    /// Position in `kb.localities`.
    pub at: usize,
    /// Id.
    pub id: Id,
    /// The summary the list shows.
    pub summary: LocalitySummary,
    /// Accent-insensitive name, for sorting and `q`.
    pub folded: String,
}

/// One network of the list.
pub struct NetworkRow {
    /// Position in `kb.networks`.
    pub at: usize,
    /// The summary the list shows.
    pub summary: NetworkSummary,
    /// Accent-insensitive name and acronym, for sorting and `q`.
    pub folded: String,
    /// Folded acronym.
    pub folded_acronym: Option<String>,
    /// Position on the sponsored (−1) ↔ militant (+1) spectrum, when the evidence places it.
    pub position: Option<f64>,
}

/// The aggregates of one snapshot.
pub struct Derived {
    /// Every locality, sorted by folded name then id.
    pub localities: Vec<LocalityRow>,
    /// Every network, sorted by folded name.
    pub networks: Vec<NetworkRow>,
    /// Counts of the base.
    pub overview: Overview,
    /// The latest year any membership statement names.
    pub membership_horizon: Option<i32>,
    /// Statements citing each source.
    pub citing: std::collections::HashMap<Id, usize>,
    /// Positions of the memberships in the API's order (by period, then id).
    pub memberships_by_date: Vec<u32>,
    /// Statements that disagree (the conflicts page and the overview's count).
    pub conflicts: Vec<mlgov_domain::Conflict>,
}

impl Derived {
    /// Computes the aggregates of `s`.
    pub fn build(s: &Snapshot) -> Derived {
        let kb: &KnowledgeBase = &s.kb;
        let mut localities: Vec<LocalityRow> = kb
            .localities
            .iter()
            .enumerate()
            .map(|(at, l)| LocalityRow { at, id: l.id.clone(), summary: convert::locality_summary(s, l), folded: fold(l.display_name()) })
            .collect();
        localities.sort_by(|a, b| a.folded.cmp(&b.folded).then(a.summary.id.cmp(&b.summary.id)));
        let mut networks: Vec<NetworkRow> = kb
            .networks
            .iter()
            .enumerate()
            .map(|(at, n)| NetworkRow {
                at,
                summary: convert::network_summary(s, n),
                folded: fold(&n.name),
                folded_acronym: n.acronym.as_deref().map(fold),
                position: mlgov_analysis::typology::network_typology(kb, &n.id).position,
            })
            .collect();
        networks.sort_by(|a, b| a.folded.cmp(&b.folded));
        let membership_horizon = kb.memberships.iter().flat_map(|m| [m.when.start_year(), m.when.end_year()]).flatten().max();
        let conflicts = kb.conflicts();
        let citing = kb.citing_counts();
        let overview = convert::overview_uncached(s, conflicts.len());
        let mut memberships_by_date: Vec<u32> = (0..kb.memberships.len() as u32).collect();
        memberships_by_date.sort_by(|&a, &b| {
            let (a, b) = (&kb.memberships[a as usize], &kb.memberships[b as usize]);
            a.when.cmp(&b.when).then(a.id.cmp(&b.id))
        });
        Derived { localities, networks, overview, membership_horizon, citing, conflicts, memberships_by_date }
    }
}

/// Whether every word of the folded query `q` is in `name` (already folded).
pub fn words_in(folded_name: &str, q: &Option<String>) -> bool {
    q.as_ref().is_none_or(|q| fold(q).split(' ').filter(|w| !w.is_empty()).all(|w| folded_name.contains(w)))
}
