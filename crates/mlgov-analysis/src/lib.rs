//! Pure analyses over the knowledge base ([`mlgov_domain::KnowledgeBase`]): no IO, no SQL, no
//! terminal. The CLI and the HTTP server call these and only format their results.
//!
//! ## Design
//!
//! Pure analyses over a loaded `KnowledgeBase`: the papers' tables (`tables`: Table 3 comparison,
//! Whole-COMM cross-tabs, country configurations, network counts), trajectories and phase
//! segmentation (`trajectory`: a locality's time line, rows with a typed `Lane` and typed details —
//! network and role, person and office —, the label only for display), the one mapping of time
//! lines onto the Gantt chart's input (`gantt::from_timelines`: the figure's layout, a row per
//! network, for `mlgov timeline|compare --figure`, and the explorer's, a row per statement beside
//! its table, for the locality page; nothing parses a label back), the sponsored ↔ militant
//! typology (`typology`: positions from at least two observed traits, the paper's own placements
//! beside), power assemblages (`assemblage`), hypotheses H1/H2 as the paper argues them — its
//! readings of each case (facts in `data/kb/001-readings`) beside the computed verdicts, each
//! difference explained, Fisher's exact test as a description (`hypotheses`), locality attributes
//! (`profile`), the studies' findings that cover a locality as group-level evidence
//! (`learning::group_findings`), quotations checked and located in the sources' texts — the CC BY
//! ones bundled from `data/texts` (`quotes`), and the mappings of the knowledge base onto the
//! governance graph (`graph`) and the diffusion graph (`diffusion`); located localities with their
//! attributes and their GeoJSON (`places`: the one home of "where is it and what is it", behind
//! `mlgov export --format geojson` and `/api/v1/localities.geojson`); the list filters (`filter`:
//! what a filter by country, size, scale, origin, year, network, member, source, outcome, kind or
//! name words keeps, for `mlgov list` and the server's lists and explorer pages alike, which only
//! parse their parameters into it; `size_class` is the one reader of size words).
//!
//! *Invariant:* no IO; reproduces tables from statements, never from stored totals.
//!
//! *Tests:* beside the papers' cases on the bundled base, data-driven checks in
//! `tests/integration/checks.rs` (one binary; `filter.rs` beside it: a table of list filters and
//! the ids each keeps on the bundled base): a small synthetic base written inline as CSV, read by
//! `mlgov_interchange::read_memory`, each analysis rendered as text and compared with
//! `expect![[...]]` (expect-test); after a deliberate change, `UPDATE_EXPECT=1 cargo test -p
//! mlgov-analysis` rewrites the expectations in place, and the diff is reviewed like code (the
//! comments give the numbers worked by hand).

pub mod assemblage;
pub mod diffusion;
pub mod filter;
pub mod gantt;
pub mod graph;
pub mod hypotheses;
pub mod learning;
mod lookup;
pub mod places;
pub mod profile;
pub mod quotes;
pub mod spanners;
pub mod survey;
pub mod tables;
pub mod trajectory;
pub mod typology;
