//! Lookups over several ids at once, on top of the knowledge base's own by-id lookups
//! ([`KnowledgeBase::memberships_of`] and the others): the records naming any of a few ids, in
//! table order, as the scan `table.iter().filter(|r| ids.contains(..))` they replace gave them.

use mlgov_domain::{Event, Id, KnowledgeBase, Membership, Relation};

/// The records `one` finds for each of `ids`, without repeats and in table order, when the base is
/// frozen (each lookup costs what that id has); otherwise one scan of `table` keeping the records
/// `named` accepts (which must be those naming one of `ids`, as `one` finds them).
pub(crate) fn gather<'a, 'i, T>(
    kb: &KnowledgeBase,
    table: &'a [T],
    ids: impl IntoIterator<Item = &'i Id>,
    one: impl Fn(&'i Id) -> Vec<&'a T>,
    named: impl Fn(&T) -> bool,
) -> Vec<&'a T> {
    if kb.lookup().is_none() {
        return table.iter().filter(|r| named(r)).collect();
    }
    let mut v: Vec<&T> = ids.into_iter().flat_map(one).collect();
    in_table_order(&mut v);
    v
}

/// Puts records of one table back in table order (their place in the table's buffer) and drops
/// repeats.
pub(crate) fn in_table_order<T>(v: &mut Vec<&T>) {
    v.sort_unstable_by_key(|r| *r as *const T as usize);
    v.dedup_by(|a, b| std::ptr::eq(*a, *b));
}

/// The memberships whose member is one of `members`, in table order.
pub(crate) fn memberships_of_any<'a>(kb: &'a KnowledgeBase, members: &[Id]) -> Vec<&'a Membership> {
    gather(
        kb,
        &kb.memberships,
        members,
        |id| kb.memberships_of(id),
        |m| members.contains(&m.member),
    )
}

/// The relations whose subject or object is one of `ids`, in table order.
pub(crate) fn relations_naming_any<'a>(kb: &'a KnowledgeBase, ids: &[Id]) -> Vec<&'a Relation> {
    gather(
        kb,
        &kb.relations,
        ids,
        |id| kb.relations_naming(id),
        |r| ids.contains(&r.subject) || ids.contains(&r.object),
    )
}

/// The events naming one of `ids` among their places or actors, in table order.
pub(crate) fn events_naming_any<'a>(kb: &'a KnowledgeBase, ids: &[Id]) -> Vec<&'a Event> {
    gather(
        kb,
        &kb.events,
        ids,
        |id| kb.events_naming(id),
        |e| e.places.iter().chain(&e.actors).any(|x| ids.contains(x)),
    )
}

#[cfg(test)]
mod tests {
    use crate::{
        assemblage, diffusion, graph, hypotheses, learning, places, spanners, tables, trajectory,
        typology,
    };
    use mlgov_domain::KnowledgeBase;
    use std::fmt::Write;
    use std::path::Path;

    fn kb() -> KnowledgeBase {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/kb");
        mlgov_interchange::read_path(&dir)
            .unwrap_or_else(|e| panic!("bundled data: {:?}", e.diagnostics()))
            .kb
    }

    /// Every analysis of every locality and network, and the whole-base ones, as text.
    fn dump(kb: &KnowledgeBase) -> String {
        let mut s = String::new();
        for l in &kb.localities {
            dump_locality(kb, &l.id, &mut s);
        }
        for n in &kb.networks {
            dump_network(kb, &n.id, &mut s);
        }
        for o in &kb.organisations {
            writeln!(s, "department {} {:?}", o.id, graph::department_locality(kb, o)).unwrap();
        }
        dump_base(kb, &mut s);
        dump_graphs(kb, &mut s);
        s
    }

    fn j(v: &dyn erased::Ser) -> String {
        v.json()
    }

    /// The analyses of one locality.
    fn dump_locality(kb: &KnowledgeBase, id: &mlgov_domain::Id, s: &mut String) {
        let filters = [
            trajectory::MembershipFilter::default(),
            trajectory::MembershipFilter { all_networks: true, ..Default::default() },
            trajectory::MembershipFilter {
                all_networks: true,
                include_phase_dated: true,
                ..Default::default()
            },
            trajectory::MembershipFilter {
                source: Some("src:caponio-clement-2020".into()),
                locator: Some("Table 3".into()),
                ..Default::default()
            },
        ];
        writeln!(s, "== {id}").unwrap();
        writeln!(s, "related {:?}", trajectory::related_localities(kb, id)).unwrap();
        writeln!(s, "timeline {}", j(&trajectory::timeline(kb, id))).unwrap();
        for f in &filters {
            writeln!(s, "yearly {}", j(&trajectory::yearly(kb, id, 2020, f))).unwrap();
            writeln!(s, "phases {}", j(&trajectory::compare_phases(kb, id, 2020, f))).unwrap();
        }
        for layout in [
            crate::gantt::GanttLayout::ByNetwork { until: 2020 },
            crate::gantt::GanttLayout::ByStatement,
        ] {
            let gantt = crate::gantt::from_timelines(&[trajectory::timeline(kb, id)], layout);
            writeln!(s, "gantt {}", gantt.render()).unwrap();
        }
        for year in [2005, 2020] {
            writeln!(s, "learning {}", j(&learning::profile(kb, id, year, None))).unwrap();
        }
        writeln!(s, "findings {}", j(&learning::group_findings(kb, id))).unwrap();
        writeln!(s, "peers {}", j(&learning::peers(kb, id, 1000))).unwrap();
        for opts in [
            tables::CompareOptions::default(),
            tables::CompareOptions {
                only: Some(("src:caponio-clement-2020".into(), "Table 3".into())),
                roles: false,
            },
            tables::CompareOptions { only: None, roles: true },
        ] {
            writeln!(s, "compare {}", j(&tables::compare(kb, std::slice::from_ref(id), &opts)))
                .unwrap();
        }
        writeln!(s, "focus {:?}", graph::locality_focus(kb, id)).unwrap();
    }

    /// The analyses of one network.
    fn dump_network(kb: &KnowledgeBase, id: &mlgov_domain::Id, s: &mut String) {
        writeln!(s, "== {id}").unwrap();
        writeln!(s, "typology {}", j(&typology::network_typology(kb, id))).unwrap();
        writeln!(s, "assemblage {}", j(&assemblage::assemblage(kb, id))).unwrap();
        writeln!(s, "migration {}", trajectory::is_migration_related(kb, id)).unwrap();
        let filter = places::PlaceFilter { network: Some(id.clone()), ..Default::default() };
        writeln!(s, "located {}", j(&places::located(kb, &filter))).unwrap();
    }

    /// The whole-base analyses: hypotheses, typology, tables, places.
    fn dump_base(kb: &KnowledgeBase, s: &mut String) {
        for w in [0, 3, 5] {
            writeln!(s, "h1 {}", j(&hypotheses::h1(kb, w))).unwrap();
        }
        for c in [1, 2] {
            writeln!(s, "h2 {}", j(&hypotheses::h2(kb, c))).unwrap();
        }
        writeln!(s, "typology {}", j(&typology::all(kb))).unwrap();
        for spec in &tables::CROSSTABS {
            writeln!(s, "crosstab {}", j(&tables::crosstab(kb, spec))).unwrap();
        }
        writeln!(s, "table1 {}", j(&tables::caponio_clement_table1(kb))).unwrap();
        writeln!(s, "counts {}", j(&tables::network_counts(kb))).unwrap();
        writeln!(s, "named {}", j(&tables::named_phases(kb))).unwrap();
        writeln!(s, "config {}", j(&tables::country_configuration(kb))).unwrap();
        for filter in [
            places::PlaceFilter::default(),
            places::PlaceFilter { year: Some(2015), ..Default::default() },
        ] {
            writeln!(s, "located {}", j(&places::located(kb, &filter))).unwrap();
        }
    }

    /// The governance graphs with their spanners, and the diffusion graphs.
    fn dump_graphs(kb: &KnowledgeBase, s: &mut String) {
        for opposition in [false, true] {
            let g = graph::governance_graph(
                kb,
                &graph::GraphOptions { include_opposition: opposition },
            );
            writeln!(s, "graph {} {}", j(&g.graph), j(&g.skipped)).unwrap();
            writeln!(s, "spanners {}", j(&spanners::compare(kb, &g.graph, 2018))).unwrap();
        }
        for year in [None, Some(2015)] {
            let d = diffusion::diffusion_graph(
                kb,
                &diffusion::DiffusionGraphOptions { year, ..Default::default() },
            )
            .unwrap();
            let edges: Vec<_> = (0..d.graph.edge_count() as u32)
                .map(|e| d.graph.edge(mlgov_diffusion::EdgeId(e)))
                .collect();
            writeln!(
                s,
                "diffusion {:?} {:?} {:?} {:?}",
                d.graph.nodes(),
                edges,
                d.labels,
                d.skipped
            )
            .unwrap();
        }
    }

    /// The dump of the bundled base, written to the file `MLGOV_ANALYSIS_DUMP` names (to compare
    /// two versions of the analyses by hand); does nothing without it.
    #[test]
    fn dump_to_file_when_asked() {
        if let Some(path) = std::env::var_os("MLGOV_ANALYSIS_DUMP") {
            std::fs::write(path, dump(&kb())).unwrap();
        }
    }

    mod erased {
        pub trait Ser {
            fn json(&self) -> String;
        }
        impl<T: serde::Serialize> Ser for T {
            fn json(&self) -> String {
                serde_json::to_string(self).unwrap()
            }
        }
    }

    /// A frozen base (the index) and the same base unfrozen (scans) give every analysis the same
    /// result, to the order of every list.
    #[test]
    fn frozen_and_scanned_bases_give_the_same_analyses() {
        let plain = kb();
        let mut frozen = plain.clone();
        frozen.freeze();
        assert!(frozen.lookup().is_some() && plain.lookup().is_none());
        let (a, b) = (dump(&plain), dump(&frozen));
        assert!(a.len() > 100_000, "{}", a.len());
        if a != b {
            let line = a.lines().zip(b.lines()).position(|(x, y)| x != y).unwrap_or(0);
            panic!(
                "frozen and scanned differ at line {line}:\n{}\n{}",
                a.lines().nth(line).unwrap_or(""),
                b.lines().nth(line).unwrap_or("")
            );
        }
    }
}
