//! The one table builder of the pages — a table is its columns (a header and how one item fills
//! its cell) over a list of items — and the tables several pages show alike (facts, relations,
//! memberships, terms, affiliations, the statements cited).

use mlgov_domain::Id;

use crate::convert;
use crate::wire::{
    AffiliationOut, CompareMayorOut, CompareMembershipOut, FactOut, MembershipOut, RelationOut,
    StatementRef, TermOut, WhenOut,
};

use super::model::{
    Cell, Section, Table, cite, code, link, n, opt, r, section, stmt, t, table, yr,
};

/// One column of a table over items of type `T`: its header, and the cell of one item.
pub(super) type Col<'a, T> = (&'a str, &'a dyn Fn(&T) -> Cell);

/// A table of `items`, one row each, in the columns `cols`: what a page shows, said once per
/// column; how it becomes a [`Table`] is said here.
pub(super) fn table_of<'i, T: 'i>(
    id: &str,
    caption: impl Into<String>,
    items: impl IntoIterator<Item = &'i T>,
    cols: &[Col<'_, T>],
) -> Table {
    let headers: Vec<&str> = cols.iter().map(|(h, _)| *h).collect();
    let rows = items.into_iter().map(|x| cols.iter().map(|(_, cell)| cell(x)).collect()).collect();
    table(id, caption, &headers, rows)
}

/// A section holding one table.
pub(super) fn table_section(id: &str, heading: &str, table: Table) -> Section {
    let mut s = section(id, heading);
    s.tables.push(table);
    s
}

/// The first year of a period as a number cell (empty when unknown); with [`to_cell`], a period
/// fills two columns, so that a download has `from` and `to` columns a spreadsheet can sort.
pub(super) fn from_cell(w: &WhenOut) -> Cell {
    n(w.from.clone().unwrap_or_default())
}

/// The last year of a period as a number cell (empty when open).
pub(super) fn to_cell(w: &WhenOut) -> Cell {
    n(w.to.clone().unwrap_or_default())
}

/// The facts of an entity, each with its source.
pub(super) fn facts_table(id: &str, facts: &[FactOut]) -> Table {
    table_of(
        id,
        "Facts, each with its source",
        facts,
        &[
            ("property", &|f: &FactOut| t(f.property.replace('_', " "))),
            ("value", &|f| {
                t(match &f.qualifier {
                    Some(q) => format!("{} ({q})", f.value_label),
                    None => f.value_label.clone(),
                })
            }),
            ("when", &|f| t(&f.when.display)),
            ("source", &|f| cite(&f.citation)),
        ],
    )
}

/// Every statement about an entity, with its source.
pub(super) fn citations_table(id: &str, cs: &[StatementRef]) -> Table {
    table_of(
        id,
        "Every statement about it, with its source",
        cs,
        &[
            ("table", &|c: &StatementRef| t(c.table.trim_end_matches(".csv").replace('_', " "))),
            ("statement", &|c| stmt(&c.id)),
            ("source", &|c| {
                link(
                    &c.short,
                    convert::href(
                        &Id::parse(&c.source)
                            .unwrap_or_else(|_| Id::parse("src:unknown").expect("id")),
                    ),
                )
            }),
            ("locator", &|c| t(&c.locator)),
        ],
    )
}

/// Relations between actors (funding, sponsorship, partnership…).
pub(super) fn relations_table(caption: &str, relations: &[RelationOut]) -> Table {
    table_of(
        "relations",
        caption,
        relations,
        &[
            ("subject", &|x: &RelationOut| r(&x.subject)),
            ("relation", &|x| t(x.kind.replace('_', " "))),
            ("object", &|x| r(&x.object)),
            ("when", &|x| t(&x.when.display)),
            ("source", &|x| cite(&x.citation)),
        ],
    )
}

/// An actor's memberships in networks.
pub(super) fn actor_memberships_table(ms: &[MembershipOut]) -> Table {
    table_of(
        "memberships",
        "Memberships in networks",
        ms,
        &[
            ("network", &|x: &MembershipOut| r(&x.network)),
            ("role", &|x| code(&x.role)),
            ("from", &|x| from_cell(&x.when)),
            ("to", &|x| to_cell(&x.when)),
            ("source", &|x| cite(&x.citation)),
        ],
    )
}

/// Office terms, with the locality of each.
pub(super) fn terms_table(terms: &[TermOut]) -> Table {
    table_of(
        "terms",
        "Office terms",
        terms,
        &[
            ("locality", &|x: &TermOut| r(&x.locality)),
            ("office", &|x| t(&x.office)),
            ("party", &|x| opt(&x.party)),
            ("from", &|x| from_cell(&x.when)),
            ("to", &|x| to_cell(&x.when)),
            ("source", &|x| cite(&x.citation)),
        ],
    )
}

/// Affiliations of persons with organisations.
pub(super) fn affiliations_table(affs: &[AffiliationOut]) -> Table {
    table_of(
        "affiliations",
        "Affiliations",
        affs,
        &[
            ("person", &|x: &AffiliationOut| r(&x.person)),
            ("with", &|x| r(&x.organisation)),
            ("role", &|x| t(&x.role)),
            ("from", &|x| from_cell(&x.when)),
            ("to", &|x| to_cell(&x.when)),
            ("source", &|x| cite(&x.citation)),
        ],
    )
}

/// The memberships of one compared locality; `role` says how the page words a role.
pub(super) fn compared_memberships_table(
    id: &str,
    caption: String,
    ms: &[CompareMembershipOut],
    role: &dyn Fn(&str) -> Cell,
) -> Table {
    table_of(
        id,
        caption,
        ms,
        &[
            ("network", &|m: &CompareMembershipOut| r(&m.network)),
            ("role", &|m| role(&m.role)),
            ("from", &|m| n(yr(m.from))),
            ("to", &|m| n(yr(m.to))),
            ("via", &|m| opt(&m.via)),
            ("source", &|m| t(&m.source)),
        ],
    )
}

/// The mayors of one compared locality.
pub(super) fn compared_mayors_table(id: &str, caption: String, ms: &[CompareMayorOut]) -> Table {
    table_of(
        id,
        caption,
        ms,
        &[
            ("mayor", &|m: &CompareMayorOut| t(&m.name)),
            ("party", &|m| opt(&m.party)),
            ("orientation", &|m| opt(&m.orientation)),
            ("from", &|m| n(yr(m.from))),
            ("to", &|m| n(yr(m.to))),
        ],
    )
}

/// Memberships (of a locality, or the members of a network): who, role, years, exit and source;
/// `with_network` adds the network as the first column.
pub(super) fn members_table<'i>(
    id: &str,
    caption: String,
    ms: impl IntoIterator<Item = &'i MembershipOut>,
    with_network: bool,
) -> Table {
    let mut cols: Vec<Col<'_, MembershipOut>> = vec![
        ("member", &|x| r(&x.member)),
        ("role", &|x| code(&x.role)),
        ("from", &|x| from_cell(&x.when)),
        ("to", &|x| to_cell(&x.when)),
        ("exit", &|x| code(x.exit_reason.as_deref().unwrap_or_default())),
        ("source", &|x| cite(&x.citation)),
        ("statement", &|x| stmt(&x.id)),
    ];
    if with_network {
        cols.insert(0, ("network", &|x| r(&x.network)));
    }
    table_of(id, caption, ms, &cols)
}
