//! What lists and overviews need from a whole snapshot, computed once per snapshot (on first use,
//! or by the warm-up thread started when a snapshot is swapped in) instead of per request: the
//! summary of every locality and network, sorted as the lists show them, with their folded names,
//! and the overview counts (conflicts included). A request filters these in memory.

use mlgov_domain::{Id, KnowledgeBase, fold};

use crate::convert;
use crate::state::{Snapshot, WarmUp};
use crate::wire::{LocalitySummary, NetworkSummary, Overview};

/// One locality of the list: its position in the base, its summary and folded name.
pub struct LocalityRow {
    /// Position in `kb.localities`.
    pub at: usize,
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

impl Snapshot {
    /// The lists and overview of this snapshot's base, computed once (shared by the snapshots
    /// that only change the surveys).
    pub fn derived(&self) -> &Derived {
        let cell = self.base_cell().get_or_init(|| Box::new(Derived::build(self)));
        // Only this function fills the cell, and always with a `Derived`.
        cell.downcast_ref::<Derived>().expect("the base cell holds the derived lists")
    }

    /// The latest year any membership statement names (the end of running memberships in counts
    /// by year), computed once.
    pub fn membership_horizon(&self) -> Option<i32> {
        self.derived().membership_horizon
    }
}

impl WarmUp for Snapshot {
    fn warm_up(&self) {
        self.derived().warm(self);
    }
}

/// The aggregates of one snapshot.
pub struct Derived {
    /// Every locality, sorted by folded name then id.
    pub localities: Vec<LocalityRow>,
    /// Every network, sorted by folded name.
    pub networks: Vec<NetworkRow>,
    /// The latest year any membership statement names.
    pub membership_horizon: Option<i32>,
    /// Statements citing each source.
    pub citing: std::collections::HashMap<Id, usize>,
    /// Statements that disagree (the conflicts page and the overview's count).
    conflicts: Vec<mlgov_domain::Conflict>,
    /// Counts of the base, on first use (after the conflicts).
    overview: std::sync::OnceLock<Overview>,
    /// Positions of the memberships in the API's order (by period, then id), on first use.
    memberships_by_date: std::sync::OnceLock<Vec<u32>>,
}

impl Derived {
    /// Computes the lists and the conflicts of `s`; the overview and the memberships' order are
    /// computed on first use (the warm-up thread asks for them right after).
    pub fn build(s: &Snapshot) -> Derived {
        let kb: &KnowledgeBase = &s.kb;
        // The conflicts take longest: another thread finds them while this one builds the lists.
        std::thread::scope(|sc| {
            let conflicts = sc.spawn(|| kb.conflicts());
            let mut d = Derived::lists(s);
            d.conflicts = conflicts.join().expect("finding the conflicts");
            d
        })
    }

    fn lists(s: &Snapshot) -> Derived {
        let kb: &KnowledgeBase = &s.kb;
        let mut localities: Vec<LocalityRow> = kb
            .localities
            .iter()
            .enumerate()
            .map(|(at, l)| LocalityRow {
                at,
                summary: convert::locality_summary(s, l),
                folded: fold(l.display_name()),
            })
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
        let membership_horizon = kb
            .memberships
            .iter()
            .flat_map(|m| [m.when.start_year(), m.when.end_year()])
            .flatten()
            .max();
        let citing = kb.citing_counts();
        Derived {
            localities,
            networks,
            membership_horizon,
            citing,
            conflicts: Vec::new(),
            overview: Default::default(),
            memberships_by_date: Default::default(),
        }
    }

    /// The statements that disagree.
    pub fn conflicts(&self) -> &[mlgov_domain::Conflict] {
        &self.conflicts
    }

    /// Counts of the base (conflicts included).
    pub fn overview(&self, s: &Snapshot) -> &Overview {
        self.overview.get_or_init(|| convert::overview_uncached(s, self.conflicts.len()))
    }

    /// Positions of the memberships by period, then id.
    pub fn memberships_by_date(&self, s: &Snapshot) -> &[u32] {
        self.memberships_by_date.get_or_init(|| {
            let kb = &s.kb;
            // The order of `Interval::cmp` (first day of the start, last day of the end; unknown
            // first), its keys read once per membership, then the id.
            let mut keyed: Vec<_> = kb
                .memberships
                .iter()
                .enumerate()
                .map(|(i, m)| {
                    (
                        (m.when.from.map(|d| d.first_day()), m.when.to.map(|d| d.last_day())),
                        i as u32,
                    )
                })
                .collect();
            keyed.sort_unstable_by(|a, b| {
                a.0.cmp(&b.0).then_with(|| {
                    kb.memberships[a.1 as usize].id.cmp(&kb.memberships[b.1 as usize].id)
                })
            });
            keyed.into_iter().map(|k| k.1).collect()
        })
    }

    /// Computes everything that is computed on first use (the warm-up thread).
    pub fn warm(&self, s: &Snapshot) {
        self.overview(s);
        self.memberships_by_date(s);
    }
}
