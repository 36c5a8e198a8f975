//! Statistical disclosure control for what viewers and the public see of survey data: aggregates
//! over respondents are published only when no respondent can be singled out.
//!
//! Four mechanisms, all pure (no IO), all parameterised by [`Rules`] (minimum cell size `k`,
//! default 5):
//!
//! * [`protect`] — a two-way table of respondent counts with its row, column and grand totals.
//!   Cells with fewer than `k` respondents are suppressed (primary suppression), then further
//!   cells are suppressed (complementary suppression) until no suppressed value can be computed
//!   back from the published cells and totals. See [`table`] for the algorithm and its proof.
//! * [`Guard`] — means and counts over groups of respondents chosen by a filter. Answers are given
//!   only for unions of the blocks of a fixed partition in which every block has at least `k`
//!   respondents, so the difference of any two answers covers zero or at least `k` respondents
//!   and a differencing attack cannot isolate one person. See [`query`].
//! * [`protect_linked`] — the tables released together: cells that group the same respondents
//!   in nested or crossed ways (size, size × orientation, size × orientation × affiliation) are
//!   one linear system; further cells are suppressed until no suppressed cell's `n` or sum is a
//!   linear combination of the published cells. See [`linked`].
//! * [`check_release`] — frozen releases of a survey's figures: a candidate release is refused when
//!   a cell it shares with an earlier release rests on respondents differing by 1 … k−1, so
//!   differencing releases isolates nobody. See [`release`].
//!
//! Reference: A. Hundepool, J. Domingo-Ferrer, L. Franconi, S. Giessing, E. Schulte Nordholt,
//! K. Spicer, P.-P. de Wolf, *Statistical Disclosure Control*, Wiley, 2012 — ch. 4 (magnitude
//! tables: sensitivity rules, secondary suppression, the linear-system view of attacks), ch. 5
//! (frequency tables: threshold rule, disclosure by differencing).
//!
//! ## Design
//!
//! *Invariant:* no IO, no dependency on the survey or domain crates; callers map their data onto
//! `CountTable`, `Contribution` and `ReleaseCells`.

pub mod linked;
pub mod query;
pub mod release;
pub mod table;

pub use linked::{LinkedCell, protect_linked, recoverable_linked};
pub use query::{Block, Contribution, Filter, Guard, Mean, Refusal};
pub use release::{EarlierRelease, ReleaseCells, ReleaseRefusal, check_release};
pub use table::{
    CellRef, CellStatus, CountTable, ProtectedCell, ProtectedTable, TableError, protect,
    recoverable_cells,
};

use serde::{Deserialize, Serialize};

/// The disclosure rules in force.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    /// Minimum number of respondents behind any published cell or group (`k`). Values below 1
    /// are treated as 1 (nothing suppressed).
    pub min_cell: u64,
    /// Whether cells with zero respondents are sensitive too. Off by default: a structural zero
    /// says that nobody falls in a cell, which the threshold rule does not protect (Hundepool et
    /// al. 2012, §5.2); turn it on when "nobody in group X answered yes" is itself sensitive.
    pub protect_zeros: bool,
}

impl Default for Rules {
    fn default() -> Self {
        Rules { min_cell: 5, protect_zeros: false }
    }
}

impl Rules {
    /// Rules with minimum cell size `k` and the other settings at their defaults.
    pub fn with_min_cell(k: u64) -> Rules {
        Rules { min_cell: k, ..Rules::default() }
    }

    /// Whether a cell or group of `n` respondents may not be published on its own.
    pub fn is_sensitive(&self, n: u64) -> bool {
        (n > 0 || self.protect_zeros) && n < self.min_cell.max(1)
    }
}
