//! mlgov's domain model: typed, dated, sourced statements about the multilevel governance of
//! migration. This crate does no IO: no files, no SQL, no HTTP, no terminal.
//!
//! The knowledge base ([`KnowledgeBase`]) holds entities (sources, localities, networks,
//! organisations, persons, events, practices) and statements about them (memberships, office
//! terms, affiliations, relations, facts, phases, adoptions). Every statement carries a
//! [`Citation`]; statements that disagree are all kept and listed by [`KnowledgeBase::conflicts`].

#[macro_use]
pub mod vocab;
pub mod country;
pub mod date;
pub mod fxhash;
pub mod id;
pub mod index;
pub mod kb;
pub mod model;
pub mod names;
pub mod property;
pub mod record;
pub mod size;
pub mod text;

pub use date::{Interval, PartialDate};
pub use id::{Id, IdKind};
pub use kb::{
    Conflict, KnowledgeBase, NameIndex, Place, Problem, Resolution, SearchHit, StatementRecord,
    TableVisitor, TableVisitorMut,
};
pub use model::*;
pub use property::Property;
pub use record::{Cells, Column, ColumnType, FieldProblem};
pub use size::SizeThresholds;
pub use text::fold;
pub use vocab::*;
