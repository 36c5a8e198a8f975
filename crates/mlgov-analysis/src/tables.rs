//! The papers' tables computed from the knowledge base (never from stored totals): Table 3 of
//! Caponio & Clément 2020 (`compare`), the Whole-COMM cross-tabs of policy outcome by size,
//! typology and political orientation, the country configuration table, and network counts.

use mlgov_domain::{Fact, Id, IdKind, KnowledgeBase, Office, PartialDate, Property};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The Whole-COMM report's source id.
pub const WHOLE_COMM: &str = "src:schiller-et-al-2023";

/// Which statements a cross-tab is computed from.
#[derive(Clone, Debug, Serialize)]
pub struct CrossTabSpec {
    /// Command name (`outcome-by-size`).
    pub name: &'static str,
    /// Title as the report words it.
    pub title: &'static str,
    /// Source of the statements.
    pub source: &'static str,
    /// Locator prefix of the table's statements (each table cell is one sourced statement).
    pub locator_prefix: &'static str,
    /// The row dimension.
    pub row_property: Property,
    /// Row order.
    pub rows: &'static [&'static str],
}

/// The three cross-tabs of the report's Part 2.
pub const CROSSTABS: [CrossTabSpec; 3] = [
    CrossTabSpec {
        name: "outcome-by-size",
        title: "Integration policies and actors by size of locality (Part 2, 2.2.1, Table 1)",
        source: WHOLE_COMM,
        locator_prefix: "Part 2, 2.2.1",
        row_property: Property::SizeClass,
        rows: &["medium_town", "small_town", "rural_area"],
    },
    CrossTabSpec {
        name: "outcome-by-typology",
        title: "Integration policies and actors by type of locality (Part 2, 2.2.2)",
        source: WHOLE_COMM,
        locator_prefix: "Part 2, 2.2.2",
        row_property: Property::Typology,
        rows: &["revitalising", "in_transition", "marginal", "left_behind"],
    },
    CrossTabSpec {
        name: "outcome-by-orientation",
        title: "Integration policies and actors by political orientation (Part 2, 2.2.3)",
        source: WHOLE_COMM,
        locator_prefix: "Part 2, 2.2.3",
        row_property: Property::PoliticalOrientation,
        rows: &["progressive", "mixed", "conservative"],
    },
];

/// Column order of outcome cross-tabs.
pub const OUTCOMES: [&str; 3] = ["accommodative", "mixed", "restrictive"];

/// A computed cross-tab with totals.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = CrossTabOut))]
pub struct CrossTab {
    /// Name.
    pub name: String,
    /// Title.
    pub title: String,
    /// Row labels.
    pub rows: Vec<String>,
    /// Column labels.
    pub columns: Vec<String>,
    /// Counts `[row][column]`. A locality's cell is given by a row statement and an outcome
    /// statement citing the same table cell (same locator); a locality the source leaves ambiguous
    /// between m cells counts 1/m in each (sums stay exact when the candidates are exchangeable);
    /// a statement qualified "one of N" (the table lists the label once for N candidates) counts 1/N.
    pub counts: Vec<Vec<f64>>,
    /// Localities (display label) per cell.
    pub members: Vec<Vec<Vec<String>>>,
    /// Row totals.
    pub row_totals: Vec<f64>,
    /// Column totals.
    pub column_totals: Vec<f64>,
    /// Grand total (localities placed).
    pub total: f64,
    /// Localities with an outcome in this table but no row value.
    pub unplaced: Vec<String>,
    /// Localities counted fractionally because their row value is ambiguous.
    pub ambiguous: Vec<String>,
}

fn from_table<'a>(
    kb: &'a KnowledgeBase,
    id: &Id,
    p: Property,
    source: &str,
    prefix: &str,
) -> Vec<&'a Fact> {
    kb.facts_about(id)
        .into_iter()
        .filter(|f| {
            f.property == p
                && f.citation.source.as_str() == source
                && f.citation.locator.starts_with(prefix)
        })
        .collect()
}

/// Computes a cross-tab of policy outcome (columns) by the spec's row property, each locality's
/// statements both taken from the same table.
pub fn crosstab(kb: &KnowledgeBase, spec: &CrossTabSpec) -> CrossTab {
    let nr = spec.rows.len();
    let mut counts = vec![vec![0.0; 3]; nr];
    let mut members = vec![vec![Vec::new(); 3]; nr];
    let mut unplaced = Vec::new();
    let mut ambiguous = Vec::new();
    for l in &kb.localities {
        let outcome_facts =
            from_table(kb, &l.id, Property::PolicyOutcome, spec.source, spec.locator_prefix);
        if outcome_facts.is_empty() {
            continue;
        }
        let row_facts = from_table(kb, &l.id, spec.row_property, spec.source, spec.locator_prefix);
        let cells = candidate_cells(spec, &row_facts, &outcome_facts);
        if cells.is_empty() {
            unplaced.push(l.display_name().to_string() + " (" + l.id.as_str() + ")");
            continue;
        }
        // A statement qualified "one of N" says the table lists this label once for N candidate
        // localities (the report does not say which): each candidate counts 1/N.
        let one_of = outcome_facts
            .iter()
            .chain(row_facts.iter())
            .filter_map(|f| {
                f.qualifier.as_deref()?.strip_prefix("one of ")?.trim().parse::<f64>().ok()
            })
            .fold(1.0f64, f64::max);
        let w = 1.0 / (cells.len() as f64 * one_of);
        if cells.len() > 1 {
            ambiguous.push(l.display_name().to_string() + " (" + l.id.as_str() + ")");
        }
        for &(r, c) in &cells {
            counts[r][c] += w;
            members[r][c].push(l.display_name().to_string());
        }
    }
    for row in members.iter_mut() {
        for cell in row.iter_mut() {
            cell.sort();
        }
    }
    let row_totals: Vec<f64> = counts.iter().map(|r| r.iter().sum()).collect();
    let column_totals: Vec<f64> = (0..3).map(|c| counts.iter().map(|r| r[c]).sum()).collect();
    let total = row_totals.iter().sum();
    CrossTab {
        name: spec.name.to_string(),
        title: spec.title.to_string(),
        rows: spec.rows.iter().map(|s| s.to_string()).collect(),
        columns: OUTCOMES.iter().map(|s| s.to_string()).collect(),
        counts,
        members,
        row_totals,
        column_totals,
        total,
        unplaced,
        ambiguous,
    }
}

/// A locality's candidate cells (row, outcome column): a row statement and an outcome statement
/// citing the same table cell (same locator); when no locator pairs up, every combination.
fn candidate_cells(
    spec: &CrossTabSpec,
    row_facts: &[&mlgov_domain::Fact],
    outcome_facts: &[&mlgov_domain::Fact],
) -> BTreeSet<(usize, usize)> {
    let pairs = |same_locator: bool| {
        let mut cells: BTreeSet<(usize, usize)> = BTreeSet::new();
        for r in row_facts {
            for o in outcome_facts {
                if (!same_locator || r.citation.locator == o.citation.locator)
                    && let (Some(ri), Some(ci)) = (
                        spec.rows.iter().position(|x| *x == r.value),
                        OUTCOMES.iter().position(|x| *x == o.value),
                    )
                {
                    cells.insert((ri, ci));
                }
            }
        }
        cells
    };
    let cells = pairs(true);
    if cells.is_empty() { pairs(false) } else { cells }
}

/// Formats a count: integers without decimals.
pub fn fmt_count(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 { format!("{}", x.round() as i64) } else { format!("{x:.1}") }
}

/// Country policy configuration (report Part 2, 2.1, Table 1): configuration → countries.
pub fn country_configuration(kb: &KnowledgeBase) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for f in kb.facts.iter().filter(|f| f.property == Property::PolicyConfiguration) {
        out.entry(f.value.clone()).or_default().push(f.subject.body().to_string());
    }
    for v in out.values_mut() {
        v.sort();
        v.dedup();
    }
    out
}

/// One city's column of the Turin/Saint-Étienne comparison.
#[derive(Clone, Debug, Serialize)]
pub struct CityColumn {
    /// Locality id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Memberships as "Network (from-to)", in order of start, with role.
    pub memberships: Vec<CompareMembership>,
    /// Mode of internationalisation (engagement_mode facts).
    pub mode: Vec<String>,
    /// Mayors with party and years.
    pub mayors: Vec<CompareMayor>,
}

/// A membership in the comparison.
#[derive(Clone, Debug, Serialize)]
pub struct CompareMembership {
    /// Network id.
    pub network: String,
    /// Network name.
    pub name: String,
    /// Role.
    pub role: String,
    /// Start year.
    pub from: Option<i32>,
    /// End year.
    pub to: Option<i32>,
    /// Member (when it is an intermunicipal authority or district of the city).
    pub via: Option<String>,
    /// Citation.
    pub source: String,
}

/// A mayoral term in the comparison.
#[derive(Clone, Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = CompareMayorOut))]
pub struct CompareMayor {
    /// Person name.
    pub name: String,
    /// Party or coalition.
    pub party: Option<String>,
    /// Orientation.
    pub orientation: Option<String>,
    /// Start year.
    pub from: Option<i32>,
    /// End year.
    pub to: Option<i32>,
}

/// Options of [`compare`].
#[derive(Clone, Debug, Default)]
pub struct CompareOptions {
    /// Only memberships citing this source and locator prefix (e.g. `src:caponio-clement-2020`,
    /// `Table 3`), to reproduce a paper's table; all memberships when None.
    pub only: Option<(String, String)>,
    /// Include leading roles (presidencies, chairs) as well as plain memberships.
    pub roles: bool,
}

/// Side-by-side comparison of localities: memberships with years, mode of
/// internationalisation and mayors.
pub fn compare(kb: &KnowledgeBase, ids: &[Id], opts: &CompareOptions) -> Vec<CityColumn> {
    ids.iter()
        .map(|id| {
            let related = crate::trajectory::related_localities(kb, id);
            let mut ms: Vec<_> = crate::lookup::memberships_of_any(kb, &related)
                .into_iter()
                .filter(|m| {
                    opts.only.as_ref().is_none_or(|(s, l)| {
                        m.citation.source.as_str() == s
                            && m.citation.locator.starts_with(l.as_str())
                    }) && (opts.roles || !m.role.is_leading())
                })
                .collect();
            ms.sort_by(|a, b| a.when.cmp(&b.when).then(a.network.cmp(&b.network)));
            // Reproducing a table: the network under the name that table prints (a `name` fact
            // citing the same source and table), else its current name.
            let printed = |net: &Id| -> String {
                opts.only
                    .as_ref()
                    .and_then(|(s, l)| {
                        kb.facts_of(net, Property::Name)
                            .into_iter()
                            .find(|f| {
                                f.citation.source.as_str() == s
                                    && f.citation.locator.starts_with(l.as_str())
                            })
                            .map(|f| f.value.clone())
                    })
                    .unwrap_or_else(|| kb.display_name(net))
            };
            let memberships = ms
                .iter()
                .map(|m| CompareMembership {
                    network: m.network.to_string(),
                    name: printed(&m.network),
                    role: m.role.to_string(),
                    from: m.when.start_year(),
                    to: m.when.end_year(),
                    via: (&m.member != id).then(|| kb.display_name(&m.member)),
                    source: format!(
                        "{}, {}",
                        kb.display_name(&m.citation.source),
                        m.citation.locator
                    ),
                })
                .collect();
            let mode =
                kb.facts_of(id, Property::EngagementMode).iter().map(|f| f.value.clone()).collect();
            let mut terms: Vec<_> =
                kb.terms_at(id).into_iter().filter(|t| t.office == Office::Mayor).collect();
            terms.sort_by_key(|a| a.when);
            let mayors = terms
                .iter()
                .map(|t| CompareMayor {
                    name: kb.display_name(&t.person),
                    party: t.party.clone(),
                    orientation: t.orientation.map(|o| o.to_string()),
                    from: t.when.start_year(),
                    to: t.when.end_year(),
                })
                .collect();
            CityColumn { id: id.to_string(), name: kb.display_name(id), memberships, mode, mayors }
        })
        .collect()
}

/// Network counts by scale, origin, focus, region and founding decade.
#[derive(Clone, Debug, Default, Serialize)]
pub struct NetworkCounts {
    /// Networks in the base.
    pub total: usize,
    /// By scale.
    pub by_scale: BTreeMap<String, usize>,
    /// By origin (sponsored / grassroots / mixed).
    pub by_origin: BTreeMap<String, usize>,
    /// By focus.
    pub by_focus: BTreeMap<String, usize>,
    /// By region label.
    pub by_region: BTreeMap<String, usize>,
    /// By founding decade ("1980s").
    pub by_decade: BTreeMap<String, usize>,
    /// By kind (network, working group, campaign…).
    pub by_kind: BTreeMap<String, usize>,
}

/// Counts networks by each attribute; a network with several values counts once under each;
/// one without any counts under "unknown".
pub fn network_counts(kb: &KnowledgeBase) -> NetworkCounts {
    let mut c = NetworkCounts { total: kb.networks.len(), ..Default::default() };
    let bump = |m: &mut BTreeMap<String, usize>, vals: BTreeSet<String>| {
        if vals.is_empty() {
            *m.entry("unknown".into()).or_default() += 1;
        }
        for v in vals {
            *m.entry(v).or_default() += 1;
        }
    };
    for n in &kb.networks {
        let vals = |p: Property| {
            kb.facts_of(&n.id, p).iter().map(|f| f.value.clone()).collect::<BTreeSet<_>>()
        };
        bump(&mut c.by_scale, vals(Property::Scale));
        bump(&mut c.by_origin, vals(Property::Origin));
        bump(&mut c.by_focus, vals(Property::Focus));
        bump(&mut c.by_region, vals(Property::Region));
        bump(
            &mut c.by_decade,
            vals(Property::Founded)
                .iter()
                .filter_map(|d| PartialDate::parse(d).ok())
                .map(|d| format!("{}s", d.year / 10 * 10))
                .collect(),
        );
        *c.by_kind.entry(n.kind.to_string()).or_default() += 1;
    }
    c
}

/// Plain-text rendering of [`NetworkCounts`].
pub fn network_counts_text(c: &NetworkCounts) -> String {
    let line = |name: &str, m: &BTreeMap<String, usize>| {
        format!(
            "  {name:<10} {}\n",
            m.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(" · ")
        )
    };
    let mut s = format!("{} networks, programmes and campaigns\n", c.total);
    s.push_str(&line("kind", &c.by_kind));
    s.push_str(&line("scale", &c.by_scale));
    s.push_str(&line("origin", &c.by_origin));
    s.push_str(&line("focus", &c.by_focus));
    s.push_str(&line("founded", &c.by_decade));
    s
}

/// Phases of a trajectory as the sources name them, for every locality that has some.
pub fn named_phases(
    kb: &KnowledgeBase,
) -> BTreeMap<String, Vec<(String, String, Option<i32>, Option<i32>, String)>> {
    let mut out: BTreeMap<String, Vec<_>> = BTreeMap::new();
    let mut ps: Vec<_> = kb.phases.iter().collect();
    ps.sort_by(|a, b| a.locality.cmp(&b.locality).then(a.when.cmp(&b.when)).then(a.id.cmp(&b.id)));
    for p in ps {
        out.entry(kb.display_name(&p.locality)).or_default().push((
            p.label.clone(),
            p.kind.map(|k| k.to_string()).unwrap_or_default(),
            p.when.start_year(),
            p.when.end_year(),
            format!("{}, {} [{}]", kb.display_name(&p.citation.source), p.citation.locator, p.id),
        ));
    }
    let _ = IdKind::Locality;
    out
}

/// One cell of a table reproduced from statements: the value with the statement it comes from.
#[derive(Clone, Debug, Serialize)]
pub struct SourcedCell {
    /// The value as stored.
    pub value: String,
    /// Statement id.
    pub id: String,
}

/// Table 1 of Caponio & Clément 2020 (file 000), "Main features of the immigrant population in
/// Turin and Saint-Etienne (2017)", rebuilt from the statements that cite it.
#[derive(Clone, Debug, Serialize)]
pub struct Table1 {
    /// The title as the paper prints it.
    pub title: String,
    /// One column per locality: id, name, municipal population, share of foreign residents, and
    /// the country's share printed beside it.
    pub columns: Vec<Table1Column>,
    /// Source and locator.
    pub source: String,
}

/// A locality's column of [`Table1`].
#[derive(Clone, Debug, Serialize)]
pub struct Table1Column {
    /// Locality id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Municipal population.
    pub population: Option<SourcedCell>,
    /// Ratio of foreign residents on the total population, percent.
    pub foreign_residents_share: Option<SourcedCell>,
    /// The country's ratio, printed in the same cell.
    pub country_share: Option<(String, SourcedCell)>,
}

/// Rebuilds Table 1 of file 000 from the statements citing it (never from stored totals).
pub fn caponio_clement_table1(kb: &KnowledgeBase) -> Table1 {
    let cites = |f: &&mlgov_domain::Fact| {
        f.citation.source.as_str() == "src:caponio-clement-2020"
            && f.citation.locator.starts_with("Table 1")
    };
    let cell = |id: &Id, p: Property| {
        kb.facts_of(id, p)
            .into_iter()
            .find(|f| cites(f))
            .map(|f| SourcedCell { value: f.value.clone(), id: f.id.to_string() })
    };
    let mut ids: Vec<Id> = kb
        .facts
        .iter()
        .filter(|f| cites(f) && f.subject.kind() == IdKind::Locality)
        .map(|f| f.subject.clone())
        .collect();
    ids.dedup();
    let mut seen = BTreeSet::new();
    ids.retain(|i| seen.insert(i.clone()));
    let title = "Main features of the immigrant population in Turin and Saint-Etienne (2017)";
    // In the paper's column order, which is the order the title names them.
    let at = |id: &Id| {
        mlgov_domain::fold(title)
            .find(&mlgov_domain::fold(&kb.display_name(id)))
            .unwrap_or(usize::MAX)
    };
    ids.sort_by_key(|i| at(i));
    let columns = ids
        .iter()
        .map(|id| {
            let country = kb.locality(id).map(|l| l.country.clone()).unwrap_or_default();
            let cid = Id::parse(&format!("country:{country}")).ok();
            Table1Column {
                id: id.to_string(),
                name: kb.display_name(id),
                population: cell(id, Property::Population),
                foreign_residents_share: cell(id, Property::ForeignResidentsShare),
                country_share: cid.and_then(|c| {
                    cell(&c, Property::ForeignResidentsShare).map(|v| {
                        (
                            mlgov_domain::country::country_name(&country)
                                .unwrap_or(&country)
                                .to_string(),
                            v,
                        )
                    })
                }),
            }
        })
        .collect();
    Table1 { title: title.into(), columns, source: "Caponio & Clément 2020, Table 1".into() }
}
