//! A locality's trajectory: memberships, roles, office terms, events and phases on one time line.

use mlgov_domain::{Id, KnowledgeBase, MembershipRole, Office, Orientation};
use serde::Serialize;

/// The lane of a time-line row: what kind of statement it shows. Serialised in `snake_case`
/// (`"membership"`, `"network_professional"`, …), the words of the API and of `--json`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Lane {
    /// A membership of the locality (or of one of its districts or its intermunicipal authority).
    Membership,
    /// An office term at the locality.
    Term,
    /// A network professional tied to the locality.
    NetworkProfessional,
    /// A trajectory phase the sources name.
    Phase,
    /// An event naming the locality.
    Event,
}

impl Lane {
    /// The lane's word, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            Lane::Membership => "membership",
            Lane::Term => "term",
            Lane::NetworkProfessional => "network_professional",
            Lane::Phase => "phase",
            Lane::Event => "event",
        }
    }
}

impl std::fmt::Display for Lane {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a row states, as typed fields; the row's `label` is only their display.
#[derive(Clone, Debug, PartialEq)]
pub enum RowDetail {
    /// A membership: the network, the role, and the member when it is not the locality itself.
    Membership {
        /// Network id.
        network: Id,
        /// Network display name.
        network_name: String,
        /// Role in the network.
        role: MembershipRole,
        /// Display name of the member when it is a district or an intermunicipal authority.
        via: Option<String>,
    },
    /// An office term.
    Term {
        /// Person id.
        person: Id,
        /// Person display name.
        person_name: String,
        /// Office held.
        office: Office,
        /// Political orientation, when stated.
        orientation: Option<Orientation>,
    },
    /// A network professional.
    NetworkProfessional {
        /// Person id.
        person: Id,
        /// Person display name.
        person_name: String,
    },
    /// A named phase.
    Phase {
        /// The phase's name as the sources give it.
        name: String,
    },
    /// An event.
    Event {
        /// Its title.
        title: String,
    },
}

impl RowDetail {
    /// The lane of a row with this detail.
    pub fn lane(&self) -> Lane {
        match self {
            RowDetail::Membership { .. } => Lane::Membership,
            RowDetail::Term { .. } => Lane::Term,
            RowDetail::NetworkProfessional { .. } => Lane::NetworkProfessional,
            RowDetail::Phase { .. } => Lane::Phase,
            RowDetail::Event { .. } => Lane::Event,
        }
    }
}

/// One row of a time line.
#[derive(Clone, Debug, Serialize)]
pub struct TimelineRow {
    /// The lane (always `detail.lane()`).
    pub lane: Lane,
    /// Label for display (network and role, person and office, event date and title, phase name).
    pub label: String,
    /// First year.
    pub from: Option<i32>,
    /// Last year (None: ongoing or a point event).
    pub to: Option<i32>,
    /// Whether a membership row is a leading role.
    pub leading: bool,
    /// Statement id.
    pub id: String,
    /// Source short name and locator.
    pub source: String,
    /// What the row states, typed (not serialised: the JSON keeps lane and label).
    #[serde(skip)]
    pub detail: RowDetail,
}

/// A locality's time line.
#[derive(Clone, Debug, Serialize)]
pub struct Timeline {
    /// Locality id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// First year shown.
    pub first_year: i32,
    /// Last year shown.
    pub last_year: i32,
    /// Rows: memberships (by start), then terms, phases and events.
    pub rows: Vec<TimelineRow>,
}

/// The localities whose memberships count for `id`: itself, its children (districts) and an
/// intermunicipal authority whose parent it is (Saint-Étienne Métropole for Saint-Étienne).
pub fn related_localities(kb: &KnowledgeBase, id: &Id) -> Vec<Id> {
    let mut v = vec![id.clone()];
    for l in &kb.localities {
        if l.parent.as_ref() == Some(id) {
            v.push(l.id.clone());
        }
    }
    v
}

/// Builds the time line of a locality. `current_year` bounds open intervals.
pub fn timeline(kb: &KnowledgeBase, id: &Id) -> Timeline {
    let members = related_localities(kb, id);
    let mut rows = membership_rows(kb, id, &members);
    rows.extend(term_rows(kb, id));
    rows.extend(professional_rows(kb, id));
    rows.extend(phase_rows(kb, id));
    rows.extend(event_rows(kb, id, &members));
    let years: Vec<i32> = rows.iter().flat_map(|r| [r.from, r.to]).flatten().collect();
    let first_year = years.iter().copied().min().unwrap_or(2000);
    let last_year = years.iter().copied().max().unwrap_or(2020).max(first_year);
    Timeline { id: id.to_string(), name: kb.display_name(id), first_year, last_year, rows }
}

/// A statement's row in `lane`: its years, id and source (the source's name and the locator);
/// not leading.
fn statement_row(
    kb: &KnowledgeBase,
    lane: Lane,
    label: String,
    when: &mlgov_domain::Interval,
    id: &Id,
    c: &mlgov_domain::Citation,
    detail: RowDetail,
) -> TimelineRow {
    TimelineRow {
        lane,
        label,
        from: when.start_year(),
        to: when.end_year(),
        leading: false,
        id: id.to_string(),
        source: format!("{}, {}", kb.display_name(&c.source), c.locator),
        detail,
    }
}

/// The memberships of the locality and of the localities related to it (`members`), by date.
fn membership_rows(kb: &KnowledgeBase, id: &Id, members: &[Id]) -> Vec<TimelineRow> {
    let mut ms = crate::lookup::memberships_of_any(kb, members);
    ms.sort_by(|a, b| a.when.cmp(&b.when).then(a.network.cmp(&b.network)).then(a.id.cmp(&b.id)));
    ms.into_iter()
        .map(|m| {
            let via = (&m.member != id).then(|| kb.display_name(&m.member));
            let network_name = kb.display_name(&m.network);
            let label = format!(
                "{network_name} — {}{}",
                m.role,
                via.as_ref().map(|v| format!(" (via {v})")).unwrap_or_default()
            );
            let detail = RowDetail::Membership {
                network: m.network.clone(),
                network_name,
                role: m.role,
                via,
            };
            let row =
                statement_row(kb, Lane::Membership, label, &m.when, &m.id, &m.citation, detail);
            TimelineRow { leading: m.role.is_leading(), ..row }
        })
        .collect()
}

/// The office terms at the locality, by date.
fn term_rows(kb: &KnowledgeBase, id: &Id) -> Vec<TimelineRow> {
    let mut ts = kb.terms_at(id);
    ts.sort_by(|a, b| a.when.cmp(&b.when).then(a.id.cmp(&b.id)));
    ts.into_iter()
        .map(|t| {
            let portfolio = t.portfolio.as_ref().map(|p| format!(", {p}")).unwrap_or_default();
            let person_name = kb.display_name(&t.person);
            let label = format!("{person_name} ({}{portfolio})", t.office);
            let detail = RowDetail::Term {
                person: t.person.clone(),
                person_name,
                office: t.office,
                orientation: t.orientation,
            };
            statement_row(kb, Lane::Term, label, &t.when, &t.id, &t.citation, detail)
        })
        .collect()
}

/// Network professionals (file 000's boundary spanners): people marked so, tied to the locality
/// by an office term there or an affiliation with one of its own bodies (an organisation whose
/// name names the locality), over the years the statement gives.
fn professional_rows(kb: &KnowledgeBase, id: &Id) -> Vec<TimelineRow> {
    let place = mlgov_domain::fold(&kb.display_name(id));
    let tied = |p: &Id| {
        kb.terms_of(p).iter().any(|t| &t.locality == id)
            || kb.affiliations_naming(p).iter().any(|a| {
                &a.person == p
                    && kb
                        .organisation(&a.organisation)
                        .is_some_and(|o| mlgov_domain::fold(&o.name).contains(&place))
            })
    };
    let mut pros: Vec<_> = kb
        .facts
        .iter()
        .filter(|f| {
            f.property == mlgov_domain::Property::NetworkProfessional
                && f.value == "true"
                && tied(&f.subject)
        })
        .collect();
    pros.sort_by(|a, b| a.when.cmp(&b.when).then(a.id.cmp(&b.id)));
    pros.into_iter()
        .map(|f| {
            let person_name = kb.display_name(&f.subject);
            let label = format!("{person_name} — network professional");
            let detail = RowDetail::NetworkProfessional { person: f.subject.clone(), person_name };
            statement_row(kb, Lane::NetworkProfessional, label, &f.when, &f.id, &f.citation, detail)
        })
        .collect()
}

/// The phases of the locality as sources name them, by date.
fn phase_rows(kb: &KnowledgeBase, id: &Id) -> Vec<TimelineRow> {
    let mut ps = kb.phases_of(id);
    ps.sort_by(|a, b| a.when.cmp(&b.when).then(a.id.cmp(&b.id)));
    ps.into_iter()
        .map(|p| {
            let detail = RowDetail::Phase { name: p.label.clone() };
            let label = format!("phase: {}", p.label);
            statement_row(kb, Lane::Phase, label, &p.when, &p.id, &p.citation, detail)
        })
        .collect()
}

/// The events that took place in the locality or a related one (`members`), or name it as an
/// actor, by date.
fn event_rows(kb: &KnowledgeBase, id: &Id, members: &[Id]) -> Vec<TimelineRow> {
    let mut es: Vec<_> = crate::lookup::events_naming_any(kb, members)
        .into_iter()
        .filter(|e| e.places.iter().any(|p| members.contains(p)) || e.actors.contains(id))
        .collect();
    es.sort_by(|a, b| a.when.cmp(&b.when).then(a.id.cmp(&b.id)));
    es.into_iter()
        .map(|e| {
            let date = e.when.from.map(|d| d.to_string()).unwrap_or_default();
            let label = format!("{date} {}", e.title);
            let detail = RowDetail::Event { title: e.title.clone() };
            let row = statement_row(kb, Lane::Event, label, &e.when, &e.id, &e.citation, detail);
            TimelineRow { to: e.when.end_year().or(e.when.start_year()), ..row }
        })
        .collect()
}

/// Participation of a locality in one year.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = YearStateOut))]
pub struct YearState {
    /// Year.
    pub year: i32,
    /// Distinct networks with a membership in force.
    pub active: usize,
    /// Distinct networks where it holds a leading role.
    pub leading: usize,
    /// Networks joined this year.
    pub joins: usize,
    /// Networks left this year (a membership ending in `to` counts as an exit in `to + 1`).
    pub exits: usize,
}

/// A phase computed by [`segment`].
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ComputedPhase {
    /// activation, consolidation, fragmentation, disengagement or re_engagement.
    pub kind: String,
    /// First year.
    pub from: i32,
    /// Last year.
    pub to: i32,
}

/// Which memberships a trajectory counts.
#[derive(Clone, Debug, Default)]
pub struct MembershipFilter {
    /// Only memberships citing this source…
    pub source: Option<String>,
    /// …with a locator starting with this (e.g. `Table 3`).
    pub locator: Option<String>,
    /// Every network, not only migration-related ones (the scope of file 000: "TCNs on
    /// migration"; see [`is_migration_related`]).
    pub all_networks: bool,
    /// Also memberships whose years are those of a phase the authors name for the locality
    /// (dated from that phase: counting them makes the comparison with the phases circular).
    pub include_phase_dated: bool,
}

/// Whether a network is about migration: it is in Table 3 of Caponio & Clément (its list of
/// "TCNs on migration"), or a statement gives it a migration-specific focus or a migration issue
/// (integration, diversity, anti-discrimination, welcoming, undocumented migrants, rights, asylum,
/// rescue at sea).
pub fn is_migration_related(kb: &KnowledgeBase, net: &Id) -> bool {
    const ISSUES: [&str; 8] = [
        "integration",
        "diversity",
        "anti_discrimination",
        "welcoming",
        "undocumented_migrants",
        "rights",
        "asylum",
        "rescue_at_sea",
    ];
    let own = kb.memberships_in(net).iter().any(|m| {
        m.citation.source.as_str() == "src:caponio-clement-2020"
            && m.citation.locator.starts_with("Table 3")
    }) || kb
        .facts_of(net, mlgov_domain::Property::Focus)
        .iter()
        .any(|f| f.value == "migration_specific")
        || kb
            .facts_of(net, mlgov_domain::Property::IssueFocus)
            .iter()
            .any(|f| ISSUES.contains(&f.value.as_str()));
    // A national branch or working group of a network on migration is one too (parents followed
    // a few levels up; a cycle in the data cannot loop).
    own || {
        let mut cur = net.clone();
        (0..4).any(|_| match kb.network(&cur).and_then(|n| n.parent.clone()) {
            Some(p) if p != cur => {
                cur = p;
                kb.memberships_in(&cur).iter().any(|m| m.citation.locator.starts_with("Table 3"))
                    || kb
                        .facts_of(&cur, mlgov_domain::Property::Focus)
                        .iter()
                        .any(|f| f.value == "migration_specific")
                    || kb
                        .facts_of(&cur, mlgov_domain::Property::IssueFocus)
                        .iter()
                        .any(|f| ISSUES.contains(&f.value.as_str()))
            }
            _ => false,
        })
    }
}

/// Why a membership is left out of a trajectory, if it is.
pub fn left_out(
    kb: &KnowledgeBase,
    locality: &Id,
    m: &mlgov_domain::Membership,
    filter: &MembershipFilter,
) -> Option<String> {
    if !(filter.source.as_ref().is_none_or(|s| m.citation.source.as_str() == s)
        && filter.locator.as_ref().is_none_or(|l| m.citation.locator.starts_with(l.as_str())))
    {
        return Some("not from the chosen source and locator".into());
    }
    if !filter.all_networks && !is_migration_related(kb, &m.network) {
        return Some(format!(
            "{}: no statement makes it a network on migration",
            kb.display_name(&m.network)
        ));
    }
    // A membership whose years were taken from a phase the source names says so in its note
    // ("dated by the … phase …", docs/data-format.md).
    let phase_dated = m.note.as_deref().is_some_and(|n| {
        n.to_lowercase().contains("dated by") && n.to_lowercase().contains("phase")
    });
    if !filter.include_phase_dated && phase_dated && m.when.start_year().is_some() {
        let (a, b) = (m.when.start_year(), m.when.end_year());
        let phase = kb
            .phases_of(locality)
            .into_iter()
            .find(|p| p.when.start_year() == a && p.when.end_year() == b)
            .map(|p| format!(" \"{}\"", p.label))
            .unwrap_or_default();
        return Some(format!(
            "{}: its years ({}) are those of the authors' phase{phase}, so counting it would confirm the phase by itself",
            kb.display_name(&m.network),
            m.when.display()
        ));
    }
    None
}

/// Year-by-year participation from the first join to `last_year`.
pub fn yearly(
    kb: &KnowledgeBase,
    id: &Id,
    last_year: i32,
    filter: &MembershipFilter,
) -> Vec<YearState> {
    let members = related_localities(kb, id);
    let ms: Vec<_> = crate::lookup::memberships_of_any(kb, &members)
        .into_iter()
        .filter(|m| m.when.start_year().is_some() && left_out(kb, id, m, filter).is_none())
        .collect();
    let Some(first) = ms.iter().filter_map(|m| m.when.start_year()).min() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for y in first..=last_year.max(first) {
        let nets = |pred: &dyn Fn(&&&mlgov_domain::Membership) -> bool| {
            let mut v: Vec<&Id> = ms.iter().filter(pred).map(|m| &m.network).collect();
            v.sort();
            v.dedup();
            v.len()
        };
        let in_force = |m: &mlgov_domain::Membership, y: i32| {
            m.when.start_year().is_some_and(|a| a <= y)
                && m.when.end_year().is_none_or(|b| b >= y)
                && !(m.exit_reason.is_some() && m.when.to.is_none())
        };
        let active = nets(&|m| in_force(m, y));
        let leading = nets(&|m| m.role.is_leading() && in_force(m, y));
        let joined_before = |net: &Id| {
            ms.iter().any(|m| &m.network == net && m.when.start_year().is_some_and(|a| a < y))
        };
        let joins = nets(&|m| m.when.start_year() == Some(y) && !joined_before(&m.network));
        let exits = nets(&|m| {
            m.when.end_year() == Some(y - 1)
                && !ms.iter().any(|o| o.network == m.network && in_force(o, y))
        });
        out.push(YearState { year: y, active, leading, joins, exits });
    }
    out
}

/// Segments a trajectory into phases by documented rules (see `docs/trajectories.md`):
///
/// Let `c = max(2, ⌈peak/2⌉)` be the consolidated level, where `peak` is the most networks the
/// locality was ever active in at once, and `low = c − 1`. A year's net loss is `exits − joins`.
/// Walking through the years:
/// * the first year with a membership starts **activation**;
/// * any phase → **disengagement** when no membership is in force any more;
/// * activation → **consolidation** when `active ≥ c`;
/// * consolidation → **fragmentation** in a year with a net loss (→ **disengagement** instead if
///   `active ≤ low`);
/// * fragmentation → **disengagement** in a year with a net loss of at least 2 networks, or when
///   `active ≤ low`;
/// * disengagement → **re_engagement** in a year with a join;
/// * re_engagement → fragmentation in a year with a net loss (disengagement if `active ≤ low`).
///
/// Consecutive years of the same kind form one phase.
pub fn segment(years: &[YearState]) -> Vec<ComputedPhase> {
    let peak = years.iter().map(|y| y.active).max().unwrap_or(0);
    if peak == 0 {
        return Vec::new();
    }
    let c = 2.max(peak.div_ceil(2));
    let low = c - 1;
    let mut state = "";
    let mut kinds: Vec<(i32, &str)> = Vec::new();
    for y in years {
        let net_loss = y.exits as i64 - y.joins as i64;
        state = match state {
            "" if y.active > 0 => {
                if y.active >= c {
                    "consolidation"
                } else {
                    "activation"
                }
            }
            "" => "",
            s if !s.is_empty() && s != "disengagement" && y.active == 0 => "disengagement",
            "activation" => {
                if y.active >= c {
                    "consolidation"
                } else {
                    "activation"
                }
            }
            "consolidation" | "re_engagement" if net_loss > 0 => {
                if y.active <= low {
                    "disengagement"
                } else {
                    "fragmentation"
                }
            }
            "fragmentation" if net_loss >= 2 || y.active <= low => "disengagement",
            "disengagement" if y.joins > 0 => "re_engagement",
            s => s,
        };
        if !state.is_empty() {
            kinds.push((y.year, state));
        }
    }
    let mut out: Vec<ComputedPhase> = Vec::new();
    for (y, k) in kinds {
        match out.last_mut() {
            Some(p) if p.kind == k && p.to + 1 == y => p.to = y,
            _ => out.push(ComputedPhase { kind: k.to_string(), from: y, to: y }),
        }
    }
    out
}

/// Computed phases next to the phases the sources name, with year-level agreement.
#[derive(Clone, Debug, Serialize)]
pub struct PhaseComparison {
    /// Locality id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Year-by-year participation.
    pub years: Vec<YearState>,
    /// Phases computed by [`segment`].
    pub computed: Vec<ComputedPhase>,
    /// Phases as named by the sources (label, kind, from, to, source).
    pub named: Vec<(String, String, Option<i32>, Option<i32>, String)>,
    /// Share of years (covered by both) where the computed kind equals a named phase's kind.
    pub agreement: Option<f64>,
    /// Years covered by both (the denominator of `agreement`).
    pub years_compared: usize,
    /// Memberships left out, with why (other networks; memberships dated from the phases).
    pub left_out: Vec<(String, String)>,
    /// What the trajectory counts, in words.
    pub scope: String,
}

/// Compares computed and named phases for one locality; `last_year` bounds open intervals.
pub fn compare_phases(
    kb: &KnowledgeBase,
    id: &Id,
    last_year: i32,
    filter: &MembershipFilter,
) -> PhaseComparison {
    let years = yearly(kb, id, last_year, filter);
    let computed = segment(&years);
    let mut named = kb.phases_of(id);
    named.sort_by(|a, b| a.when.cmp(&b.when).then(a.id.cmp(&b.id)));
    let named: Vec<_> = named
        .iter()
        .map(|p| {
            (
                p.label.clone(),
                p.kind.map(|k| k.to_string()).unwrap_or_default(),
                p.when.start_year(),
                p.when.end_year(),
                format!("{}, {}", kb.display_name(&p.citation.source), p.citation.locator),
            )
        })
        .collect();
    let (mut both, mut same) = (0usize, 0usize);
    for cp in &computed {
        for y in cp.from..=cp.to {
            let kinds: Vec<&str> = named
                .iter()
                .filter(|(_, _, a, b, _)| a.is_some_and(|a| a <= y) && b.unwrap_or(last_year) >= y)
                .map(|(_, k, _, _, _)| k.as_str())
                .collect();
            if !kinds.is_empty() {
                both += 1;
                if kinds.contains(&cp.kind.as_str()) {
                    same += 1;
                }
            }
        }
    }
    let members = related_localities(kb, id);
    let left: Vec<(String, String)> = crate::lookup::memberships_of_any(kb, &members)
        .into_iter()
        .filter_map(|m| left_out(kb, id, m, filter).map(|why| (m.id.to_string(), why)))
        .collect();
    let scope = format!(
        "{}{}",
        if filter.all_networks {
            "every network"
        } else {
            "networks on migration only (the paper's scope)"
        },
        if filter.include_phase_dated {
            ", memberships dated from the authors' phases included (circular)"
        } else {
            "; memberships dated from the authors' own phases left out"
        }
    );
    PhaseComparison {
        id: id.to_string(),
        name: kb.display_name(id),
        years,
        computed,
        named,
        agreement: (both > 0).then(|| same as f64 / both as f64),
        years_compared: both,
        left_out: left,
        scope,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ys(active: &[usize], joins: &[usize], exits: &[usize]) -> Vec<YearState> {
        active
            .iter()
            .enumerate()
            .map(|(i, a)| YearState {
                year: 2000 + i as i32,
                active: *a,
                leading: 0,
                joins: joins[i],
                exits: exits[i],
            })
            .collect()
    }

    #[test]
    fn segments_a_full_cycle() {
        // peak 4 → c = 2, low = 1. One network, then 4 (consolidated), lose 1 (fragmentation),
        // lose 2 (disengagement), join again (re-engagement).
        let y = ys(&[1, 1, 4, 4, 3, 1, 1, 2], &[1, 0, 3, 0, 0, 0, 0, 1], &[0, 0, 0, 0, 1, 2, 0, 0]);
        let kinds: Vec<(String, i32, i32)> =
            segment(&y).into_iter().map(|p| (p.kind, p.from, p.to)).collect();
        assert_eq!(
            kinds,
            vec![
                ("activation".into(), 2000, 2001),
                ("consolidation".into(), 2002, 2003),
                ("fragmentation".into(), 2004, 2004),
                ("disengagement".into(), 2005, 2006),
                ("re_engagement".into(), 2007, 2007),
            ]
        );
        assert!(segment(&ys(&[0, 0], &[0, 0], &[0, 0])).is_empty());
    }
}
