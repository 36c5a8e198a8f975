//! Planning a batch against a stored base without loading it: the one home of the check that
//! `mlgov import`, `mlgov add`/`correct` and the server's proposed changes share.

use crate::{Store, StoreError};
use mlgov_interchange::{AdditionPlan, Diagnostic, Loaded};

/// Why a batch cannot be planned.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// Problems in the batch (file, line, field, what).
    #[error("{} problem(s) in the batch", .0.len())]
    Invalid(Vec<Diagnostic>),
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Plans `loaded` against the base in `store`: only the stored records the batch names or refers
/// to, and the stored memberships of its members (for overlaps), are read, and the same checks run
/// as against the whole base (`mlgov_interchange::plan_addition`). When the batch has problems the
/// plan is made again against the whole base, whose ids give the "closest stored ids" hints.
pub fn plan_batch(
    store: &dyn Store,
    loaded: &Loaded,
    update: bool,
) -> Result<AdditionPlan, PlanError> {
    let mut wanted = mlgov_interchange::unresolved_references(&loaded.kb);
    wanted.extend(mlgov_interchange::ids_of(&loaded.kb));
    let mut near = store.records_by_id(&wanted)?;
    let mut members: Vec<String> =
        loaded.kb.memberships.iter().map(|m| m.member.to_string()).collect();
    members.sort();
    members.dedup();
    if !members.is_empty() {
        let have: std::collections::HashSet<String> =
            near.memberships.iter().map(|m| m.id.to_string()).collect();
        near.memberships.extend(
            store.memberships_of(&members)?.into_iter().filter(|m| !have.contains(m.id.as_str())),
        );
    }
    match mlgov_interchange::plan_addition(&near, loaded, update) {
        Ok(plan) => Ok(plan),
        Err(_) => {
            let existing = store.load()?;
            mlgov_interchange::plan_addition(&existing, loaded, update).map_err(PlanError::Invalid)
        }
    }
}
