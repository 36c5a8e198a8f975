//! Pure analyses over the knowledge base ([`mlgov_domain::KnowledgeBase`]): no IO, no SQL, no
//! terminal. The CLI and the HTTP server call these and only format their results.

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
