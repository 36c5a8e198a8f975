//! Mapping of the knowledge base onto the governance graph of `mlgov-graph`: entities become
//! typed nodes with a level and a sector, statements (memberships, office terms, affiliations,
//! relations) join ties — one per pair of entities and layer, carrying the statements' spells
//! and citations; plus the focal set of a locality for the boundary-spanner report.
//!
//! Layers: membership (memberships and `participates_in`), office (office terms, person →
//! locality), affiliation (affiliations; municipal departments → their locality), funding
//! (`funds`, `sponsors`), partnership (`partners_with`, `cooperates_with`), founding
//! (`founded`), coordination (`coordinates`), hosting (`hosts`), support (`supports`);
//! opposition (`opposes`) only when asked for (an adversarial tie is not a channel).
//!
//! Level and sector rules — from stated attributes only, never guessed from a country:
//! * localities: municipality, intermunicipal, district, island → local; province, region →
//!   regional; sector public.
//! * networks: level from the `scale` fact (local → local, subnational → regional, national →
//!   national, continental → eu, global → international), else international (city networks in
//!   the sources are transnational unless stated); sector public except movements and campaigns
//!   (non-public); interval from the `founded` / `ended` facts.
//! * organisations: a `scale` fact wins; else the kind when it is a level of government
//!   (international organisation → international, EU institution → eu, national government →
//!   national, regional government → regional, municipal department → local); else
//!   **unstated** (an NGO with a country may be local, national or international: the Spanish
//!   Red Cross and CEAR are national, Seebrücke a national movement of local groups). Sector:
//!   governments and universities public, other kinds non-public.
//! * persons: level of the office they hold (the level of the locality of their office terms,
//!   the most local if several); without an office, the level of the organisations of their
//!   posts (affiliations) when stated and all the same, else unstated. Public when they hold an
//!   office or a public post (the affiliation's own sector, else the organisation's), otherwise
//!   non-public when they have any post, public otherwise.
//! * countries (only those named by relations): national, public.
//!
//! Statements naming an entity that is not a node (events, practices) are skipped and counted.
//!
//! Municipal departments are tied to their locality by an inferred `affiliation` tie
//! (attribute `inferred = municipal department of`): the knowledge base does not state the
//! link, so it is read from a `headquarters` fact naming the locality, else from the id
//! convention `org:<locality-id-body>-…` (for example `org:turin-foreigners-office`).

use std::collections::{BTreeMap, BTreeSet};

use mlgov_domain::{
    Id, IdKind, KnowledgeBase, LocalityKind, NetworkKind, OrganisationKind, Property, RelationKind,
};
use mlgov_graph::{DaySpan, EdgeKind, EdgeSpec, GovernanceGraph, Level, Node, NodeKind, Sector};
use serde::Serialize;

/// The graph crate, re-exported so that callers need no extra dependency.
pub use mlgov_graph;

/// Options of [`governance_graph`].
#[derive(Clone, Copy, Debug, Default)]
pub struct GraphOptions {
    /// Keep `opposes` relations as edges of kind `opposes`.
    pub include_opposition: bool,
}

/// The graph and what could not be mapped.
#[derive(Clone, Debug)]
pub struct BuiltGraph {
    /// The governance graph (node ids are knowledge-base ids).
    pub graph: GovernanceGraph,
    /// Statements skipped, with the reason.
    pub skipped: Vec<SkippedStatement>,
}

/// A statement that did not become an edge.
#[derive(Clone, Debug, Serialize)]
pub struct SkippedStatement {
    /// Statement id.
    pub id: String,
    /// Why.
    pub reason: String,
}

fn scale_level(kb: &KnowledgeBase, id: &Id) -> Option<Level> {
    let mut facts = kb.facts_of(id, Property::Scale);
    facts.sort_by(|a, b| a.id.cmp(&b.id));
    facts.first().and_then(|f| match f.value.as_str() {
        "local" => Some(Level::Local),
        "subnational" => Some(Level::Regional),
        "national" => Some(Level::National),
        "continental" => Some(Level::Eu),
        "global" => Some(Level::International),
        _ => None,
    })
}

fn fact_year(kb: &KnowledgeBase, id: &Id, p: Property) -> Option<i32> {
    let mut facts = kb.facts_of(id, p);
    facts.sort_by(|a, b| a.id.cmp(&b.id));
    facts.first().and_then(|f| f.value.get(..4)).and_then(|y| y.parse().ok())
}

fn org_level_sector(kb: &KnowledgeBase, o: &mlgov_domain::Organisation) -> (Level, Sector) {
    use OrganisationKind as K;
    let governmental = match o.kind {
        K::InternationalOrganisation => Some(Level::International),
        K::EuInstitution => Some(Level::Eu),
        K::NationalGovernment => Some(Level::National),
        K::RegionalGovernment => Some(Level::Regional),
        K::MunicipalDepartment => Some(Level::Local),
        _ => None,
    };
    let level = scale_level(kb, &o.id).or(governmental).unwrap_or(Level::Unstated);
    let sector = if governmental.is_some() || o.kind == K::University {
        Sector::Public
    } else {
        Sector::NonPublic
    };
    (level, sector)
}

fn interval(when: &mlgov_domain::Interval) -> Option<(Option<i32>, Option<i32>)> {
    if when.is_undated() { None } else { Some((when.start_year(), when.end_year())) }
}

/// The statement's years, and its dates to the day for exports ([`DaySpan`]).
fn dated(e: EdgeSpec, when: &mlgov_domain::Interval) -> EdgeSpec {
    let Some((f, t)) = interval(when) else { return e };
    let day = |d: &Option<mlgov_domain::PartialDate>, end: bool| {
        d.map(|d| {
            let (y, m, day) = if end { d.last_day() } else { d.first_day() };
            format!("{y:04}-{m:02}-{day:02}")
        })
    };
    let precise = [when.from, when.to].iter().flatten().any(|d| d.month.is_some());
    e.with_interval(f, t).with_dates(DaySpan {
        from: day(&when.from, false),
        to: day(&when.to, true),
        precise,
    })
}

fn citation_attrs(spec: EdgeSpec, id: &Id, c: &mlgov_domain::Citation) -> EdgeSpec {
    spec.with_attribute("statement", id.as_str())
        .with_attribute("source", c.source.as_str())
        .with_attribute("locator", c.locator.clone())
}

/// The governance graph of the knowledge base.
pub fn governance_graph(kb: &KnowledgeBase, options: &GraphOptions) -> BuiltGraph {
    let mut g = GovernanceGraph::new();
    let mut skipped = Vec::new();
    let mut nodes = entity_nodes(kb);
    // Persons: level from their office, else from their posts; sector from both.
    let level_of: BTreeMap<String, (Level, Sector)> =
        nodes.iter().map(|n| (n.id.clone(), (n.level, n.sector))).collect();
    nodes.extend(kb.persons.iter().map(|p| person_node(kb, p, &level_of)));
    // Countries named by relations.
    let countries: BTreeSet<&Id> = kb
        .relations
        .iter()
        .flat_map(|r| [&r.subject, &r.object])
        .filter(|id| id.kind() == IdKind::Country)
        .collect();
    for c in countries {
        nodes.push(Node::new(
            c.as_str(),
            c.body().to_uppercase(),
            NodeKind::Country,
            Level::National,
            Sector::Public,
        ));
    }
    for n in nodes {
        if let Err(e) = g.add_node(n) {
            skipped.push(SkippedStatement { id: String::new(), reason: e.to_string() });
        }
    }
    for (id, e) in statement_edges(kb, options, &mut skipped) {
        if let Err(err) = g.add_edge(e) {
            skipped.push(SkippedStatement { id, reason: err.to_string() });
        }
    }
    BuiltGraph { graph: g, skipped }
}

/// The nodes of the localities, networks and organisations, with their level and sector.
fn entity_nodes(kb: &KnowledgeBase) -> Vec<Node> {
    let mut nodes: Vec<Node> = Vec::new();
    for l in &kb.localities {
        let level = match l.kind {
            LocalityKind::Province | LocalityKind::Region => Level::Regional,
            _ => Level::Local,
        };
        let mut n =
            Node::new(l.id.as_str(), l.display_name(), NodeKind::Locality, level, Sector::Public)
                .with_attribute("country", l.country.clone());
        if let Some(r) = &l.region {
            n = n.with_attribute("region", r.clone());
        }
        nodes.push(n);
    }
    for net in &kb.networks {
        let sector = match net.kind {
            NetworkKind::Movement | NetworkKind::Campaign => Sector::NonPublic,
            _ => Sector::Public,
        };
        let level = scale_level(kb, &net.id).unwrap_or(Level::International);
        let mut n = Node::new(net.id.as_str(), net.name.clone(), NodeKind::Network, level, sector)
            .with_attribute("network_kind", net.kind.to_string());
        let (from, to) =
            (fact_year(kb, &net.id, Property::Founded), fact_year(kb, &net.id, Property::Ended));
        if from.is_some() || to.is_some() {
            n = n.with_interval(from, to.filter(|t| from.is_none_or(|f| f <= *t)));
        }
        nodes.push(n);
    }
    for o in &kb.organisations {
        let (level, sector) = org_level_sector(kb, o);
        let mut n = Node::new(o.id.as_str(), o.name.clone(), NodeKind::Organisation, level, sector)
            .with_attribute("organisation_kind", o.kind.to_string());
        if let Some(c) = &o.country {
            n = n.with_attribute("country", c.clone());
        }
        nodes.push(n);
    }
    nodes
}

/// A person's node: level from their office, else from their posts (`level_of` the entities'
/// level and sector); public when they hold an office or a public post, or have no post.
fn person_node(
    kb: &KnowledgeBase,
    p: &mlgov_domain::Person,
    level_of: &BTreeMap<String, (Level, Sector)>,
) -> Node {
    let terms = kb.terms_of(&p.id);
    let office_levels: BTreeSet<Level> =
        terms.iter().filter_map(|t| level_of.get(t.locality.as_str()).map(|x| x.0)).collect();
    let posts: Vec<_> =
        kb.affiliations_naming(&p.id).into_iter().filter(|a| a.person == p.id).collect();
    let post_levels: BTreeSet<Level> =
        posts.iter().filter_map(|a| level_of.get(a.organisation.as_str()).map(|x| x.0)).collect();
    let level = match (office_levels.first(), post_levels.len()) {
        (Some(l), _) => *l,
        (None, 1) if !post_levels.contains(&Level::Unstated) => {
            *post_levels.first().unwrap_or(&Level::Unstated)
        }
        _ => Level::Unstated,
    };
    let public_post = posts.iter().any(|a| {
        let sector = match a.sector {
            Some(mlgov_domain::Sector::Public) => Some(Sector::Public),
            Some(mlgov_domain::Sector::NonPublic) => Some(Sector::NonPublic),
            None => level_of.get(a.organisation.as_str()).map(|t| t.1),
        };
        sector == Some(Sector::Public)
    });
    let sector =
        if !office_levels.is_empty() || !terms.is_empty() || public_post || posts.is_empty() {
            Sector::Public
        } else {
            Sector::NonPublic
        };
    Node::new(p.id.as_str(), p.name.clone(), NodeKind::Person, level, sector)
}

/// The edges of the statements (memberships, terms, affiliations, relations) and of municipal
/// departments, each with the id it comes from; opposition left out unless asked for (listed in
/// `skipped`).
fn statement_edges(
    kb: &KnowledgeBase,
    options: &GraphOptions,
    skipped: &mut Vec<SkippedStatement>,
) -> Vec<(String, EdgeSpec)> {
    let mut edges: Vec<(String, EdgeSpec)> = Vec::new();
    let mut push =
        |id: &Id, e: EdgeSpec, when: &mlgov_domain::Interval, citation: &mlgov_domain::Citation| {
            edges.push((id.to_string(), citation_attrs(dated(e, when), id, citation)));
        };
    for m in &kb.memberships {
        let e = EdgeSpec::new(m.member.as_str(), m.network.as_str(), EdgeKind::Membership)
            .with_attribute("role", m.role.to_string());
        push(&m.id, e, &m.when, &m.citation);
    }
    for t in &kb.terms {
        let e = EdgeSpec::new(t.person.as_str(), t.locality.as_str(), EdgeKind::Office)
            .with_attribute("role", t.office.to_string());
        push(&t.id, e, &t.when, &t.citation);
    }
    for a in &kb.affiliations {
        let e = EdgeSpec::new(a.person.as_str(), a.organisation.as_str(), EdgeKind::Affiliation)
            .with_attribute("role", a.role.clone());
        push(&a.id, e, &a.when, &a.citation);
    }
    for r in &kb.relations {
        let Some(kind) = relation_edge_kind(r.kind, options) else {
            skipped.push(SkippedStatement {
                id: r.id.to_string(),
                reason: "opposes: adversarial tie left out".into(),
            });
            continue;
        };
        let e = EdgeSpec::new(r.subject.as_str(), r.object.as_str(), kind)
            .with_attribute("relation", r.kind.to_string());
        push(&r.id, e, &r.when, &r.citation);
    }
    for o in &kb.organisations {
        if let Some(l) = department_locality(kb, o) {
            edges.push((
                o.id.to_string(),
                EdgeSpec::new(o.id.as_str(), l.as_str(), EdgeKind::Affiliation)
                    .with_attribute("inferred", "municipal department of"),
            ));
        }
    }
    edges
}

/// The edge kind of a relation kind; `None` for opposition unless it is included.
fn relation_edge_kind(kind: RelationKind, options: &GraphOptions) -> Option<EdgeKind> {
    Some(match kind {
        RelationKind::Funds | RelationKind::Sponsors => EdgeKind::Funding,
        RelationKind::PartnersWith | RelationKind::CooperatesWith => EdgeKind::Partnership,
        RelationKind::ParticipatesIn => EdgeKind::Membership,
        RelationKind::Founded => EdgeKind::Founding,
        RelationKind::Coordinates => EdgeKind::Coordination,
        RelationKind::Hosts => EdgeKind::Hosting,
        RelationKind::Supports => EdgeKind::Support,
        RelationKind::Opposes if options.include_opposition => EdgeKind::Opposition,
        RelationKind::Opposes => return None,
    })
}

/// The locality a municipal department belongs to (see the module documentation).
pub fn department_locality<'a>(
    kb: &'a KnowledgeBase,
    o: &mlgov_domain::Organisation,
) -> Option<&'a Id> {
    if o.kind != OrganisationKind::MunicipalDepartment {
        return None;
    }
    let mut facts = kb.facts_of(&o.id, Property::Headquarters);
    facts.sort_by(|a, b| a.id.cmp(&b.id));
    if let Some(f) = facts.first()
        && let Some(l) = Id::parse(&f.value).ok().and_then(|id| kb.locality(&id))
    {
        return Some(&l.id);
    }
    // The locality whose id body is the longest prefix of the department's, up to a `-`: looked
    // up by each such prefix, longest first, rather than by a scan of the localities.
    let body = o.id.body();
    body.match_indices('-')
        .rev()
        .filter_map(|(at, _)| {
            Id::parse(&format!("{}{}", IdKind::Locality.prefix(), &body[..at])).ok()
        })
        .find_map(|id| kb.locality(&id))
        .map(|l| &l.id)
}

/// The focal set of a locality: the locality, the persons holding an office term in it, the
/// persons affiliated to it, its municipal departments and the persons affiliated to those.
pub fn locality_focus(kb: &KnowledgeBase, locality: &Id) -> Vec<String> {
    let mut focal: BTreeSet<String> = BTreeSet::from([locality.to_string()]);
    focal.extend(kb.terms_at(locality).into_iter().map(|t| t.person.to_string()));
    let departments: BTreeSet<&Id> = kb
        .organisations
        .iter()
        .filter(|o| department_locality(kb, o) == Some(locality))
        .map(|o| &o.id)
        .collect();
    focal.extend(departments.iter().map(|d| d.to_string()));
    let at = |a: &mlgov_domain::Affiliation| {
        &a.organisation == locality || departments.contains(&a.organisation)
    };
    focal.extend(
        crate::lookup::gather(
            kb,
            &kb.affiliations,
            std::iter::once(locality).chain(departments.iter().copied()),
            |o| kb.affiliations_naming(o),
            at,
        )
        .into_iter()
        .filter(|a| at(a))
        .map(|a| a.person.to_string()),
    );
    focal.into_iter().collect()
}

/// Adds survey interactions to a governance graph: for every locality with respondents, one
/// `interaction` edge to each actor category its respondents interact with, weighted by the mean
/// answered frequency (0–5) in `period` (an index into the instrument's periods). Actor categories
/// become nodes `actor:<id>` (organisation kind; level and sector from the category's class:
/// horizontal → local non-public, internal → local public, other local governments → local public
/// (abroad → international), vertical → regional / national / EU by category). Edges carry `n`
/// (respondents who answered), the period, and `synthetic` when the survey is synthetic. Returns
/// the number of edges added.
pub fn add_survey_interactions(
    g: &mut GovernanceGraph,
    ds: &mlgov_survey::Dataset,
    ins: &mlgov_survey::Instrument,
    period: usize,
) -> usize {
    use mlgov_survey::ActorClass;
    let mut by_locality: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (r, resp) in ds.respondents.iter().enumerate() {
        by_locality.entry(resp.locality.as_str()).or_default().push(r);
    }
    let mut added = 0;
    for (a, actor) in ins.actors.iter().enumerate() {
        let node_id = format!("actor:{}", actor.id);
        let (level, sector) = match actor.class {
            ActorClass::Horizontal => (Level::Local, Sector::NonPublic),
            ActorClass::Internal => (Level::Local, Sector::Public),
            ActorClass::OtherLocalGovernments => (
                if actor.id.contains("abroad") { Level::International } else { Level::Local },
                Sector::Public,
            ),
            ActorClass::Vertical => (
                if actor.id.contains("eu") {
                    Level::Eu
                } else if actor.id.contains("regional") {
                    Level::Regional
                } else {
                    Level::National
                },
                Sector::Public,
            ),
        };
        let mut node_added = g.node_index(&node_id).is_some();
        for (loc, rs) in &by_locality {
            if g.node_index(loc).is_none() {
                continue;
            }
            let vals: Vec<f64> =
                rs.iter().filter_map(|&r| ds.freq(r, period, a)).map(f64::from).collect();
            if vals.is_empty() {
                continue;
            }
            let mean = vals.iter().sum::<f64>() / vals.len() as f64;
            if mean <= 0.0 {
                continue;
            }
            if !node_added {
                let node = Node::new(
                    node_id.clone(),
                    format!("{} (survey actor category)", actor.label),
                    NodeKind::Organisation,
                    level,
                    sector,
                )
                .with_attribute("survey_class", format!("{:?}", actor.class).to_lowercase());
                if g.add_node(node).is_err() {
                    break;
                }
                node_added = true;
            }
            let mut e = EdgeSpec::new(*loc, node_id.clone(), EdgeKind::Interaction)
                .with_weight(mean)
                .with_attribute("n", vals.len().to_string())
                .with_attribute(
                    "period",
                    ins.periods.get(period).map(|p| p.label.clone()).unwrap_or_default(),
                );
            if let Some(p) = ins.periods.get(period) {
                e = e.with_interval(Some(p.from), Some(p.to));
            }
            if ds.synthetic {
                e = e.with_attribute("synthetic", "true");
            }
            if g.add_edge(e).is_ok() {
                added += 1;
            }
        }
    }
    added
}

/// Which graph a question is asked of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum On {
    /// Localities tied while they share a network (the default for locality questions).
    #[default]
    Localities,
    /// Networks tied while they share a member (the default for network questions).
    Networks,
    /// The chosen layers of the multilayer graph, every kind of actor (one tie per pair and
    /// layer; pairs tied in several layers count once).
    Layers,
}

impl On {
    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            On::Localities => "localities",
            On::Networks => "networks",
            On::Layers => "layers",
        }
    }
}

/// The view of the governance graph an analysis runs on: one definition shared by the CLI,
/// the API and the explorer.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphView {
    /// Projection or layers.
    pub on: On,
    /// Layers kept (with [`On::Layers`]; `None` = every layer the graph holds: [`EdgeKind::knowledge_base`] plus, when added, survey interactions
    /// holds, such as survey interactions).
    pub layers: Option<BTreeSet<EdgeKind>>,
    /// A year snapshot (`Some`), or all years (`None`, with time-respecting paths).
    pub year: Option<i32>,
    /// Keep ties that no statement dates (as holding every year).
    pub include_undated: bool,
    /// How ties become weights.
    pub weighting: mlgov_graph::Weighting,
}

impl GraphView {
    /// The default view: the locality projection at `year`, undated ties left out, weight 1.
    pub fn new(on: On, year: Option<i32>) -> Self {
        GraphView {
            on,
            layers: None,
            year,
            include_undated: false,
            weighting: mlgov_graph::Weighting::None,
        }
    }

    /// Whether paths must respect time (a view spanning several years).
    pub fn time_respecting(&self) -> bool {
        self.year.is_none()
    }
}

/// A graph ready for analysis, with what was left out.
#[derive(Clone, Debug)]
pub struct ViewGraph {
    /// The graph (isolated nodes dropped: nodes without a tie in the view; counted below).
    pub graph: GovernanceGraph,
    /// The view.
    pub on: On,
    /// The year of the snapshot, `None` for all years.
    pub year: Option<i32>,
    /// Whether undated ties were kept.
    pub include_undated: bool,
    /// Ties of the chosen layers left out because no statement dates them.
    pub undated_left_out: usize,
    /// Undated ties of the chosen layers in the base, kept or not (0: the other treatment of
    /// undated ties gives the same graph).
    pub undated_in_layers: usize,
    /// Nodes of the view's kinds with no tie in it (left out of every measure, in every slice,
    /// so that normalised scores share one scale rule).
    pub isolates: usize,
    /// Whether betweenness and brokerage use time-respecting paths.
    pub time_respecting: bool,
    /// One sentence saying what the graph is.
    pub description: String,
}

/// The latest year the graph's statements name: the default snapshot year.
pub fn default_year(g: &GovernanceGraph) -> Option<i32> {
    g.horizon
}

/// The layers view: the ties of the chosen layers (all when `None`) and their incident nodes, out
/// of all nodes; with its description.
fn layers_view(
    full: &GovernanceGraph,
    view: &GraphView,
    layers: Option<&BTreeSet<EdgeKind>>,
) -> (GovernanceGraph, usize, String) {
    use mlgov_graph::{NodeSelection, SubgraphSpec, UndatedTies};
    let spec = SubgraphSpec {
        year: view.year,
        edge_kinds: layers.cloned(),
        node_kinds: None,
        nodes: NodeSelection::Incident,
        undated: if view.include_undated { UndatedTies::Include } else { UndatedTies::Exclude },
    };
    let mut sub = mlgov_graph::subgraph(full, &spec);
    sub.weighting = view.weighting;
    let names: Vec<&str> = match layers {
        Some(l) => l.iter().map(|k| k.as_str()).collect(),
        None => {
            let present: BTreeSet<&str> = full.edges().iter().map(|e| e.kind.as_str()).collect();
            present.into_iter().collect()
        }
    };
    let total = full.node_count();
    (sub, total, format!("layers {} (pairs tied in several layers count once)", names.join(", ")))
}

/// The graph of `view` built from the full knowledge-base graph `full`.
pub fn view_graph(full: &GovernanceGraph, view: &GraphView) -> ViewGraph {
    use mlgov_graph::ProjectionSpec;
    let layers: Option<BTreeSet<EdgeKind>> = match view.on {
        On::Layers => view.layers.clone(),
        On::Localities | On::Networks => Some(BTreeSet::from([EdgeKind::Membership])),
    };
    let in_layers = |e: &mlgov_graph::Edge| layers.as_ref().is_none_or(|l| l.contains(&e.kind));
    let undated_in_layers = full.edges().iter().filter(|e| in_layers(e) && e.undated).count();
    let undated_left_out = if view.include_undated { 0 } else { undated_in_layers };
    let projection = |mut p: ProjectionSpec| {
        p.keep_isolated = false;
        p.include_undated = view.include_undated;
        let mut g = mlgov_graph::project(full, &p);
        g.weighting = view.weighting;
        g
    };
    let (graph, kind_total, what) = match view.on {
        On::Localities => {
            let total = full.nodes().iter().filter(|n| n.kind == NodeKind::Locality).count();
            let what = "localities tied while they share a network (membership layer projected)"
                .to_string();
            (projection(ProjectionSpec::localities_by_networks(view.year)), total, what)
        }
        On::Networks => {
            let total = full.nodes().iter().filter(|n| n.kind == NodeKind::Network).count();
            let what =
                "networks tied while they share a member (membership layer projected)".to_string();
            (projection(ProjectionSpec::networks_by_members(view.year)), total, what)
        }
        On::Layers => layers_view(full, view, layers.as_ref()),
    };
    let isolates = kind_total.saturating_sub(graph.node_count());
    let when = match view.year {
        Some(y) => format!("ties holding in {y}"),
        None => "all years, paths that respect time".to_string(),
    };
    let undated = if view.include_undated {
        "undated ties kept as holding always".to_string()
    } else {
        format!("{undated_left_out} undated ties left out")
    };
    ViewGraph {
        description: format!("{what}; {when}; {undated}; weight {}", view.weighting.as_str()),
        graph,
        on: view.on,
        year: view.year,
        include_undated: view.include_undated,
        undated_left_out,
        undated_in_layers,
        isolates,
        time_respecting: view.time_respecting(),
    }
}
