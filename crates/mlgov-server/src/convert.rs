//! Builders of the wire types from a [`Snapshot`]: the "model function → wire type" step shared by
//! the JSON API and the HTML pages. Anonymised localities appear only by their public label (the
//! display name) and without aliases.

use std::collections::{BTreeMap, BTreeSet};

use mlgov_analysis::{assemblage, hypotheses, tables, trajectory, typology};
use mlgov_domain::*;

use crate::error::ApiError;
use crate::state::Snapshot;
use crate::wire::*;

/// The explorer path of an entity (`/localities/saint-etienne`), when it has a page.
pub fn href(id: &Id) -> Option<String> {
    let seg = match id.kind() {
        IdKind::Locality => "localities",
        IdKind::Network => "networks",
        IdKind::Organisation => "organisations",
        IdKind::Person => "persons",
        IdKind::Source => "sources",
        IdKind::Practice => "practices",
        _ => return None,
    };
    Some(format!("/{seg}/{}", id.body()))
}

/// An entity reference.
pub fn eref(s: &Snapshot, id: &Id) -> EntityRef {
    EntityRef {
        id: id.to_string(),
        name: s.name(id),
        href: if s.exists(id) { href(id) } else { None },
    }
}

/// A citation.
pub fn cite(s: &Snapshot, c: &Citation) -> CitationOut {
    CitationOut {
        source: c.source.to_string(),
        short: s.name(&c.source),
        locator: c.locator.clone(),
    }
}

/// An interval.
pub fn when(i: &Interval) -> WhenOut {
    WhenOut {
        from: i.from.map(|d| d.to_string()),
        to: i.to.map(|d| d.to_string()),
        display: if i.is_undated() { String::new() } else { i.display() },
    }
}

/// Resolves an id given in a path (`saint-etienne` or `loc:saint-etienne`) of the expected kind.
pub fn path_id(s: &Snapshot, raw: &str, kind: IdKind) -> Result<Id, ApiError> {
    let full = if raw.contains(':') { raw.to_string() } else { format!("{}{raw}", kind.prefix()) };
    let id = Id::parse_kind(&full, &[kind])
        .map_err(|_| ApiError::NotFound(format!("no {} {raw:?}", kind.noun())))?;
    if s.exists(&id) {
        Ok(id)
    } else {
        Err(ApiError::NotFound(format!("no {} {raw:?}", kind.noun())))
    }
}

fn fact_values(s: &Snapshot, id: &Id, p: Property) -> Vec<String> {
    let mut v: Vec<String> = s.kb.facts_of(id, p).iter().map(|f| f.value.clone()).collect();
    v.dedup();
    v
}

/// Whether a fact may be shown: never the coordinates or the GeoNames place of an anonymised
/// locality (they would identify it; the domain never places one either).
pub fn fact_shown(s: &Snapshot, f: &Fact) -> bool {
    !(matches!(f.property, Property::Coordinates | Property::GeonamesId)
        && s.kb.localities.iter().any(|l| l.anonymised && l.id == f.subject))
}

/// A fact with its subject and citation.
pub fn fact(s: &Snapshot, f: &Fact) -> FactOut {
    let value_label = match Id::parse(&f.value) {
        Ok(v) if s.exists(&v) => s.name(&v),
        _ => f.value.replace('_', " "),
    };
    FactOut {
        id: f.id.to_string(),
        subject: eref(s, &f.subject),
        property: f.property.to_string(),
        value: f.value.clone(),
        value_label,
        qualifier: f.qualifier.clone(),
        when: when(&f.when),
        note: f.note.clone(),
        citation: cite(s, &f.citation),
    }
}

/// Facts about an entity, by property then date.
pub fn facts(s: &Snapshot, id: &Id) -> Vec<FactOut> {
    let mut fs: Vec<&Fact> =
        s.kb.facts_about(id).into_iter().filter(|f| fact_shown(s, f)).collect();
    fs.sort_by(|a, b| a.property.cmp(&b.property).then(a.when.cmp(&b.when)).then(a.id.cmp(&b.id)));
    fs.iter().map(|f| fact(s, f)).collect()
}

/// A membership.
pub fn membership(s: &Snapshot, m: &Membership) -> MembershipOut {
    MembershipOut {
        id: m.id.to_string(),
        network: eref(s, &m.network),
        member: eref(s, &m.member),
        role: m.role.to_string(),
        leading: m.role.is_leading(),
        when: when(&m.when),
        exit_reason: m.exit_reason.map(|e| e.to_string()),
        note: m.note.clone(),
        citation: cite(s, &m.citation),
    }
}

/// An office term.
pub fn term(s: &Snapshot, t: &Term) -> TermOut {
    TermOut {
        id: t.id.to_string(),
        locality: eref(s, &t.locality),
        person: eref(s, &t.person),
        office: t.office.to_string(),
        portfolio: t.portfolio.clone(),
        party: t.party.clone(),
        orientation: t.orientation.map(|o| o.to_string()),
        when: when(&t.when),
        citation: cite(s, &t.citation),
    }
}

/// A phase.
pub fn phase(s: &Snapshot, p: &Phase) -> PhaseOut {
    PhaseOut {
        id: p.id.to_string(),
        locality: eref(s, &p.locality),
        label: p.label.clone(),
        kind: p.kind.map(|k| k.to_string()),
        when: when(&p.when),
        citation: cite(s, &p.citation),
    }
}

/// An event.
pub fn event(s: &Snapshot, e: &Event) -> EventOut {
    EventOut {
        id: e.id.to_string(),
        title: e.title.clone(),
        kind: e.kind.to_string(),
        when: when(&e.when),
        country: e.country.clone(),
        places: e.places.iter().map(|p| eref(s, p)).collect(),
        actors: e.actors.iter().map(|p| eref(s, p)).collect(),
        description: e.description.clone(),
        citation: cite(s, &e.citation),
    }
}

/// A relation.
pub fn relation(s: &Snapshot, r: &Relation) -> RelationOut {
    RelationOut {
        id: r.id.to_string(),
        subject: eref(s, &r.subject),
        kind: r.kind.to_string(),
        object: eref(s, &r.object),
        when: when(&r.when),
        note: r.note.clone(),
        citation: cite(s, &r.citation),
    }
}

/// An affiliation of a person.
pub fn affiliation(s: &Snapshot, a: &Affiliation) -> AffiliationOut {
    AffiliationOut {
        id: a.id.to_string(),
        person: eref(s, &a.person),
        organisation: eref(s, &a.organisation),
        role: a.role.clone(),
        sector: a.sector.map(|x| x.to_string()),
        when: when(&a.when),
        citation: cite(s, &a.citation),
    }
}

/// A practice with its number of adopters.
pub fn practice(s: &Snapshot, p: &Practice) -> PracticeOut {
    PracticeOut {
        id: p.id.to_string(),
        title: p.title.clone(),
        policy_area: p.policy_area.clone(),
        origin: p.origin.as_ref().map(|o| eref(s, o)),
        when: when(&p.when),
        actors: p.actors.iter().map(|a| eref(s, a)).collect(),
        description: p.description.clone(),
        adopters: s
            .kb
            .adoptions_naming(&p.id)
            .into_iter()
            .filter(|a| a.practice == p.id)
            .map(|a| &a.locality)
            .collect::<BTreeSet<_>>()
            .len(),
        citation: cite(s, &p.citation),
        href: href(&p.id).unwrap_or_default(),
    }
}

/// An adoption of a practice.
pub fn adoption(s: &Snapshot, a: &Adoption) -> AdoptionOut {
    AdoptionOut {
        id: a.id.to_string(),
        practice: eref(s, &a.practice),
        locality: eref(s, &a.locality),
        from: a.from.map(|d| d.to_string()),
        citation: cite(s, &a.citation),
    }
}

/// A practice with its adoptions (by date, then locality), relations and citing statements.
pub fn practice_detail(s: &Snapshot, id: &Id) -> PracticeDetail {
    let p = s.kb.practices.iter().find(|p| &p.id == id).expect("checked by path_id");
    let mut ads: Vec<&Adoption> =
        s.kb.adoptions_naming(id).into_iter().filter(|a| &a.practice == id).collect();
    ads.sort_by(|a, b| {
        a.from
            .map(|d| (d.year, d.month, d.day))
            .cmp(&b.from.map(|d| (d.year, d.month, d.day)))
            .then(a.id.cmp(&b.id))
    });
    PracticeDetail {
        practice: practice(s, p),
        adoptions: ads.into_iter().map(|a| adoption(s, a)).collect(),
        relations: relations_of(s, id),
        citations: citations(s, id),
    }
}

fn relations_of(s: &Snapshot, id: &Id) -> Vec<RelationOut> {
    s.kb.relations_naming(id).into_iter().map(|r| relation(s, r)).collect()
}

fn citations(s: &Snapshot, id: &Id) -> Vec<StatementRef> {
    s.kb.citations_about(id)
        .into_iter()
        .map(|(f, i, c)| StatementRef {
            table: f.trim_end_matches(".csv").to_string(),
            id: i.to_string(),
            source: c.source.to_string(),
            short: s.name(&c.source),
            locator: c.locator,
        })
        .collect()
}

/// A locality summary.
pub fn locality_summary(s: &Snapshot, l: &Locality) -> LocalitySummary {
    LocalitySummary {
        id: l.id.to_string(),
        name: l.display_name().to_string(),
        kind: l.kind.to_string(),
        country: l.country.clone(),
        region: l.region.clone(),
        size_class: fact_values(s, &l.id, Property::SizeClass),
        anonymised: l.anonymised,
        lat: if l.anonymised { None } else { l.lat },
        lon: if l.anonymised { None } else { l.lon },
        memberships: s.kb.memberships_of(&l.id).len(),
        href: href(&l.id).unwrap_or_default(),
    }
}

/// A locality with its statements.
pub fn locality_detail(s: &Snapshot, id: &Id) -> LocalityDetail {
    let l = s.kb.locality(id).expect("checked by path_id");
    let related = trajectory::related_localities(&s.kb, id);
    let mut ms: Vec<&Membership> = related.iter().flat_map(|r| s.kb.memberships_of(r)).collect();
    ms.sort_by(|a, b| a.when.cmp(&b.when).then(a.network.cmp(&b.network)).then(a.id.cmp(&b.id)));
    let mut ts: Vec<&Term> = s.kb.terms_at(id);
    ts.sort_by(|a, b| a.when.cmp(&b.when).then(a.id.cmp(&b.id)));
    let mut ps: Vec<&Phase> = s.kb.phases_of(id);
    ps.sort_by(|a, b| a.when.cmp(&b.when).then(a.id.cmp(&b.id)));
    let mut es: Vec<&Event> = related
        .iter()
        .flat_map(|r| s.kb.events_naming(r))
        .filter(|e| e.places.iter().any(|p| related.contains(p)) || e.actors.contains(id))
        .collect();
    es.sort_by(|a, b| a.when.cmp(&b.when).then(a.id.cmp(&b.id)));
    es.dedup_by(|a, b| a.id == b.id);
    LocalityDetail {
        locality: locality_summary(s, l),
        aliases: if l.anonymised { Vec::new() } else { l.aliases.clone() },
        parent: l.parent.as_ref().map(|p| eref(s, p)),
        citation: cite(s, &l.citation),
        facts: facts(s, id),
        memberships: ms.into_iter().map(|m| membership(s, m)).collect(),
        terms: ts.into_iter().map(|t| term(s, t)).collect(),
        phases: ps.into_iter().map(|p| phase(s, p)).collect(),
        events: es.into_iter().map(|e| event(s, e)).collect(),
        relations: relations_of(s, id),
        citations: citations(s, id),
    }
}

/// A network summary.
pub fn network_summary(s: &Snapshot, n: &Network) -> NetworkSummary {
    let members: BTreeSet<&Id> =
        s.kb.memberships_in(&n.id).into_iter().map(|m| &m.member).collect();
    NetworkSummary {
        id: n.id.to_string(),
        name: n.name.clone(),
        acronym: n.acronym.clone(),
        kind: n.kind.to_string(),
        scale: fact_values(s, &n.id, Property::Scale),
        origin: fact_values(s, &n.id, Property::Origin),
        founded: fact_values(s, &n.id, Property::Founded),
        countries: fact_values(s, &n.id, Property::Country),
        members: members.len(),
        class: typology::network_typology(&s.kb, &n.id).class,
        href: href(&n.id).unwrap_or_default(),
    }
}

/// The typology of a network.
pub fn typology_out(s: &Snapshot, id: &Id) -> TypologyOut {
    let t = typology::network_typology(&s.kb, id);
    TypologyOut {
        network: eref(s, id),
        position: t.position,
        class: t.class,
        computed_class: t.computed_class,
        class_from: t.class_from,
        coverage: t.coverage,
        paper: t.paper,
        agreement: t.agreement,
        explanation: t.explanation,
        traits: t
            .traits
            .into_iter()
            .map(|tr| TraitOut {
                name: tr.name.to_string(),
                value: tr.value,
                score: tr.score,
                evidence: tr.evidence,
            })
            .collect(),
        stated_origin: t.stated_origin,
        scale: t.scale,
        institutionalisation: t.institutionalisation,
        focus: t.focus,
    }
}

/// The assemblage of a network.
pub fn assemblage_out(s: &Snapshot, id: &Id) -> AssemblageOut {
    let a = assemblage::assemblage(&s.kb, id);
    AssemblageOut { network: eref(s, id), counts: a.counts, actors: a.actors, total: a.total }
}

/// A network with its statements, traits and assemblage.
pub fn network_detail(s: &Snapshot, id: &Id) -> NetworkDetail {
    let n = s.kb.network(id).expect("checked by path_id");
    let mut ms: Vec<&Membership> = s.kb.memberships_in(id);
    ms.sort_by(|a, b| a.when.cmp(&b.when).then(s.name(&a.member).cmp(&s.name(&b.member))));
    let years: Vec<i32> =
        ms.iter().flat_map(|m| [m.when.start_year(), m.when.end_year()]).flatten().collect();
    // Running memberships are counted up to the latest year any membership statement names, not
    // only this network's (an open end must not stop the count at the last start year).
    let horizon = s.membership_horizon();
    let running = ms.iter().any(|m| m.when.start_year().is_some() && m.when.end_year().is_none());
    let mut by_year = Vec::new();
    if let (Some(&a), Some(&b)) = (years.iter().min(), years.iter().max()) {
        let b = if running { horizon.unwrap_or(b).max(b) } else { b.max(a) };
        for y in a..=b {
            let count = ms
                .iter()
                .filter(|m| m.when.dated_in(y))
                .map(|m| &m.member)
                .collect::<BTreeSet<_>>()
                .len();
            by_year.push(YearCount { year: y, count });
        }
    }
    NetworkDetail {
        network: network_summary(s, n),
        aliases: n.aliases.clone(),
        parent: n.parent.as_ref().map(|p| eref(s, p)),
        parts: s
            .kb
            .networks
            .iter()
            .filter(|c| c.parent.as_ref() == Some(id))
            .map(|c| eref(s, &c.id))
            .collect(),
        citation: cite(s, &n.citation),
        facts: facts(s, id),
        members: ms.into_iter().map(|m| membership(s, m)).collect(),
        relations: relations_of(s, id),
        typology: typology_out(s, id),
        assemblage: assemblage_out(s, id),
        members_by_year: by_year,
        citations: citations(s, id),
    }
}

/// An organisation summary.
pub fn organisation_summary(o: &Organisation) -> OrganisationSummary {
    OrganisationSummary {
        id: o.id.to_string(),
        name: o.name.clone(),
        acronym: o.acronym.clone(),
        kind: o.kind.to_string(),
        country: o.country.clone(),
        href: href(&o.id).unwrap_or_default(),
    }
}

/// A person summary.
pub fn person_summary(s: &Snapshot, p: &Person) -> PersonSummary {
    let offices =
        s.kb.terms_of(&p.id)
            .into_iter()
            .map(|t| format!("{} of {} {}", t.office, s.name(&t.locality), t.when.display()))
            .collect();
    PersonSummary {
        id: p.id.to_string(),
        name: p.name.clone(),
        offices,
        href: href(&p.id).unwrap_or_default(),
    }
}

/// An organisation or person with its statements.
pub fn actor_detail(s: &Snapshot, id: &Id) -> ActorDetail {
    let (subtype, country, citation) = match id.kind() {
        IdKind::Organisation => {
            let o = s.kb.organisation(id).expect("checked");
            (Some(o.kind.to_string()), o.country.clone(), cite(s, &o.citation))
        }
        _ => {
            let p = s.kb.person(id).expect("checked");
            (None, None, cite(s, &p.citation))
        }
    };
    ActorDetail {
        entity: eref(s, id),
        kind: id.kind().noun().to_string(),
        subtype,
        country,
        citation,
        facts: facts(s, id),
        memberships: s.kb.memberships_of(id).into_iter().map(|m| membership(s, m)).collect(),
        terms: s.kb.terms_of(id).into_iter().map(|t| term(s, t)).collect(),
        affiliations: s.kb.affiliations_naming(id).into_iter().map(|a| affiliation(s, a)).collect(),
        relations: relations_of(s, id),
        citations: citations(s, id),
    }
}

/// A source summary.
pub fn source_summary(s: &Snapshot, src: &Source) -> SourceSummary {
    SourceSummary {
        id: src.id.to_string(),
        short: src.short.clone(),
        title: src.title.clone(),
        authors: src.authors.clone(),
        year: src.year,
        kind: src.kind.to_string(),
        url: src.url.clone(),
        licence: src.licence.clone(),
        statements: s.derived().citing.get(&src.id).copied().unwrap_or(0),
        href: href(&src.id).unwrap_or_default(),
    }
}

/// What a statement is about (its subject entity), best effort.
fn statement_subject(s: &Snapshot, id: &Id) -> Option<Id> {
    match id.kind() {
        IdKind::Membership
        | IdKind::Term
        | IdKind::Affiliation
        | IdKind::Relation
        | IdKind::Fact
        | IdKind::Phase => s.kb.statement_subject(id),
        IdKind::Adoption => None,
        _ => Some(id.clone()),
    }
}

/// A source and what cites it.
/// A source with page `page` (1-based, `per_page` each) of the statements citing it, in table
/// order; `meta.total` counts them all.
pub fn source_detail_page(s: &Snapshot, id: &Id, page: usize, per_page: usize) -> SourceDetail {
    let src = s.kb.sources.iter().find(|x| &x.id == id).expect("checked");
    let (total, found) = s.kb.citing_page(id, (page - 1).saturating_mul(per_page), per_page);
    let citing = found
        .into_iter()
        .map(|(f, i, l)| CitingStatement {
            table: f.trim_end_matches(".csv").to_string(),
            about: statement_subject(s, &i).filter(|a| s.exists(a)).map(|a| eref(s, &a)),
            id: i.to_string(),
            locator: l,
        })
        .collect();
    SourceDetail {
        source: source_summary(s, src),
        citing,
        meta: PageMeta { page, per_page, total, pages: total.div_ceil(per_page).max(1) },
    }
}

/// A locality's time line.
pub fn timeline(s: &Snapshot, id: &Id) -> TimelineOut {
    let t = trajectory::timeline(&s.kb, id);
    TimelineOut {
        locality: eref(s, id),
        first_year: t.first_year,
        last_year: t.last_year,
        rows: t
            .rows
            .into_iter()
            .map(|r| TimelineRowOut {
                lane: r.lane.to_string(),
                label: r.label,
                from: r.from,
                to: r.to,
                leading: r.leading,
                id: r.id,
                source: r.source,
            })
            .collect(),
    }
}

/// Computed vs named phases.
pub fn trajectory_out(s: &Snapshot, id: &Id, until: i32) -> TrajectoryOut {
    let c = trajectory::compare_phases(&s.kb, id, until, &Default::default());
    TrajectoryOut {
        locality: eref(s, id),
        years: c.years.clone(),
        computed: c
            .computed
            .iter()
            .map(|p| PhaseSpan {
                label: p.kind.clone(),
                kind: Some(p.kind.clone()),
                from: Some(p.from),
                to: Some(p.to),
                source: None,
            })
            .collect(),
        named: c
            .named
            .iter()
            .map(|(label, kind, from, to, src)| PhaseSpan {
                label: label.clone(),
                kind: (!kind.is_empty()).then(|| kind.clone()),
                from: *from,
                to: *to,
                source: Some(src.clone()),
            })
            .collect(),
        agreement: c.agreement,
        years_compared: c.years_compared,
        scope: c.scope,
        left_out: c.left_out,
    }
}

/// Side-by-side comparison.
pub fn compare(s: &Snapshot, ids: &[Id], table3: bool) -> CompareOut {
    compare_out(s, compare_columns(s, ids, table3))
}

/// The compared localities as the analysis gives them (with `table3`, only the memberships of
/// Caponio & Clément's Table 3, without roles).
pub fn compare_columns(s: &Snapshot, ids: &[Id], table3: bool) -> Vec<tables::CityColumn> {
    let opts = tables::CompareOptions {
        only: table3.then(|| ("src:caponio-clement-2020".to_string(), "Table 3".to_string())),
        roles: !table3,
    };
    tables::compare(&s.kb, ids, &opts)
}

/// The wire form of compared localities: entities as references with links.
pub fn compare_out(s: &Snapshot, cols: Vec<tables::CityColumn>) -> CompareOut {
    CompareOut {
        localities: cols
            .into_iter()
            .map(|c| {
                let id = Id::parse(&c.id).expect("compare returns ids");
                CompareColumnOut {
                    locality: eref(s, &id),
                    memberships: c
                        .memberships
                        .into_iter()
                        .map(|m| CompareMembershipOut {
                            network: Id::parse(&m.network).map(|n| eref(s, &n)).unwrap_or(
                                EntityRef {
                                    id: m.network.clone(),
                                    name: m.name.clone(),
                                    href: None,
                                },
                            ),
                            role: m.role,
                            from: m.from,
                            to: m.to,
                            via: m.via,
                            source: m.source,
                        })
                        .collect(),
                    mode: c.mode,
                    mayors: c.mayors,
                }
            })
            .collect(),
    }
}

/// A cross-tab.
pub fn crosstab(s: &Snapshot, spec: &tables::CrossTabSpec) -> CrossTabOut {
    tables::crosstab(&s.kb, spec)
}

/// Countries with configurations and counts.
pub fn countries(s: &Snapshot) -> CountryList {
    let conf = tables::country_configuration(&s.kb);
    let mut by: BTreeMap<String, CountryOut> = BTreeMap::new();
    fn get<'a>(by: &'a mut BTreeMap<String, CountryOut>, c: &str) -> &'a mut CountryOut {
        by.entry(c.to_string()).or_insert_with(|| CountryOut {
            country: c.to_string(),
            configurations: vec![],
            localities: 0,
            with_coordinates: 0,
            memberships: 0,
        })
    }
    for (k, cs) in &conf {
        for c in cs {
            get(&mut by, c).configurations.push(k.clone());
        }
    }
    for l in &s.kb.localities {
        let e = get(&mut by, &l.country);
        e.localities += 1;
        if l.lat.is_some() && !l.anonymised {
            e.with_coordinates += 1
        }
        e.memberships += s.kb.memberships_of(&l.id).len();
    }
    CountryList { countries: by.into_values().collect() }
}

/// Hypotheses H1 and H2.
pub fn hypotheses_out(s: &Snapshot, window: i32, min_cso: usize) -> HypothesesOut {
    let conv = |h: hypotheses::HypothesisCheck| HypothesisOut {
        id: h.id,
        statement: h.statement,
        paper_verdict: h.paper_verdict,
        computed_rule: h.computed_rule,
        excluded: h.excluded,
        cases_agree: h.cases_agree,
        cases_differ: h.cases_differ,
        table: h.table.iter().map(|r| r.to_vec()).collect(),
        fisher_p: h.fisher_p,
        sentence: h.sentence,
        rows: h
            .rows
            .into_iter()
            .map(|r| HypothesisRowOut {
                network: Id::parse(&r.network).map(|n| eref(s, &n)).unwrap_or(EntityRef {
                    id: r.network.clone(),
                    name: r.name.clone(),
                    href: None,
                }),
                class: r.class,
                countries: r.countries,
                founded: r.founded,
                founded_from: r.founded_from,
                condition: r.condition,
                evidence: r.evidence,
                not_counted: r.not_counted,
                paper: r.paper,
                agreement: r.agreement,
                explanation: r.explanation,
            })
            .collect(),
    };
    HypothesesOut {
        hypotheses: vec![conv(hypotheses::h1(&s.kb, window)), conv(hypotheses::h2(&s.kb, min_cso))],
    }
}

/// Conflicts between statements.
pub fn conflicts(s: &Snapshot) -> ConflictList {
    let cs: Vec<ConflictOut> = s
        .derived()
        .conflicts()
        .iter()
        .cloned()
        .map(|c| ConflictOut {
            kind: c.kind,
            nature: c.nature,
            explanation: c.explanation,
            subject: Id::parse(&c.subject).map(|i| eref(s, &i)).unwrap_or(EntityRef {
                id: c.subject.clone(),
                name: c.subject.clone(),
                href: None,
            }),
            about: c.about,
            statements: c
                .statements
                .into_iter()
                .map(|x| ConflictStatementOut {
                    id: x.id,
                    value: x.value,
                    when: when(&x.when),
                    citation: cite(s, &x.citation),
                })
                .collect(),
        })
        .collect();
    let by_nature = mlgov_domain::KnowledgeBase::CONFLICT_NATURES
        .iter()
        .map(|n| (n.to_string(), cs.iter().filter(|c| c.nature == *n).count()))
        .collect();
    ConflictList { count: cs.len(), by_nature, conflicts: cs }
}

/// Counts.
pub fn overview(s: &Snapshot) -> Overview {
    // The counts are the base's (shared by a snapshot that only changed the surveys); the
    // version is this snapshot's.
    Overview { version: format!("{:016x}", s.content_hash), ..s.derived().overview(s).clone() }
}

/// The counts of the base, computed (once per snapshot, by [`crate::derived::Derived`]).
pub fn overview_uncached(s: &Snapshot, conflicts: usize) -> Overview {
    Overview {
        counts: s
            .kb
            .counts()
            .into_iter()
            .map(|(k, v)| (k.trim_end_matches(".csv").to_string(), v))
            .collect(),
        statements: s.kb.statement_count(),
        conflicts,
        version: format!("{:016x}", s.content_hash),
    }
}

/// Applies pagination to a vector.
pub fn paginate<T>(items: Vec<T>, page: usize, per_page: usize) -> (PageMeta, Vec<T>) {
    let total = items.len();
    let pages = total.div_ceil(per_page).max(1);
    let items: Vec<T> = items.into_iter().skip((page - 1) * per_page).take(per_page).collect();
    (PageMeta { page, per_page, total, pages }, items)
}
