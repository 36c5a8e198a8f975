//! mlgov's domain model: typed, dated, sourced statements about the multilevel governance of
//! migration. This crate does no IO: no files, no SQL, no HTTP, no terminal.
//!
//! The knowledge base ([`KnowledgeBase`]) holds entities (sources, localities, networks,
//! organisations, persons, events, practices) and statements about them (memberships, office
//! terms, affiliations, relations, facts, phases, adoptions). Every statement carries a
//! [`Citation`]; statements that disagree are all kept and listed by [`KnowledgeBase::conflicts`].
//!
//! ## Design
//!
//! The model. Typed ids with prefixes (`loc:`, `net:`, …), partial dates and inclusive intervals,
//! controlled vocabularies, the record types (sources, localities, networks, organisations,
//! persons, events, memberships, terms, affiliations, relations, facts, phases, practices,
//! adoptions), the fact property registry (value type, subjects, single/multi-valued), whole-base
//! validation returning every problem, conflicts between statements, accent-insensitive name index
//! (`fold`) with typo-tolerant search, size-class thresholds, countries and ISO 3166-2 subdivisions
//! (`country`, generated from Debian iso-codes, plus XK), place-name keys and the typo budget
//! shared by search and reconciliation (`names`), and where a locality is (`KnowledgeBase::place`:
//! its own coordinates, else the gazetteer's statements; never for an anonymised locality). Lookups
//! by id (`index.rs`): `KnowledgeBase::freeze` builds positions of facts by subject, memberships by
//! member and network, terms, phases, events, relations, affiliations, adoptions and entities by
//! id; `memberships_of`, `facts_of`, `locality`… use them while the base keeps the shape it was
//! frozen with (each table's length and buffer; `sort`, `visit_mut`, `extend` drop the index) and
//! scan otherwise, so both give the same records in table order (checked by
//! `frozen_and_scanned_bases_give_the_same_analyses` in mlgov-analysis). What text may hold
//! (`text`): `Record::from_input`, the parser of every input row, refuses control characters and
//! bidirectional overrides in every cell (`text::control_problem`); rows read back from a store use
//! `from_cells`, so a base stored before that rule still loads, and `text::escape_unsafe` is what
//! the CLI shows of it.
//!
//! *Architecture invariant:* no IO of any kind (no files, SQL, HTTP, terminal); every statement
//! type has a `Citation`; parsing a row returns all its problems, never panics.

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
