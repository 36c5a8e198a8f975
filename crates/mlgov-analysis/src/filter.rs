//! The filters of the lists (localities, networks, organisations, persons, memberships, events):
//! what a filter by country, size, scale, origin, year, network, member, source, outcome, kind or
//! name words keeps. One home for `mlgov list` and the server's `/api/v1/*` lists and explorer
//! pages; they only parse their parameters into these types and order the rows they show.
//!
//! Countries and fact values compare ASCII case-insensitively; name words accent- and
//! case-insensitively (every word of the query must occur in the folded name).

use std::collections::HashSet;

use mlgov_domain::{
    Citation, Event, Id, IdKind, Interval, KnowledgeBase, Locality, Membership, Network,
    Organisation, PartialDate, Property, Vocabulary, fold,
};

/// Size-class words accepted by the filters, short and long forms.
pub const SIZES: [&str; 8] =
    ["rural", "small", "medium", "large", "rural_area", "small_town", "medium_town", "large_city"];

/// The size-class vocabulary word of a short (`rural`, `small`, `medium`, `large`) or long
/// (`rural_area`…) size word; `None` for any other word.
pub fn size_class(word: &str) -> Option<&'static str> {
    match word {
        "rural" | "rural_area" => Some("rural_area"),
        "small" | "small_town" => Some("small_town"),
        "medium" | "medium_town" => Some("medium_town"),
        "large" | "large_city" => Some("large_city"),
        _ => None,
    }
}

/// Whether every word of `q` (folded) occurs in `folded_name` (already folded); no query keeps
/// everything.
pub fn words_in(folded_name: &str, q: Option<&str>) -> bool {
    q.is_none_or(|q| fold(q).split(' ').filter(|w| !w.is_empty()).all(|w| folded_name.contains(w)))
}

/// Whether every word of `q` occurs in `name` (accent- and case-insensitive).
pub fn name_has_words(name: &str, q: Option<&str>) -> bool {
    q.is_none_or(|_| words_in(&fold(name), q))
}

/// Which memberships place a locality in a year.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum YearRule {
    /// A membership the sources date to include the year (`Interval::dated_in`): the
    /// explorer's and the API's rule, which lists undated memberships apart.
    #[default]
    Dated,
    /// Any membership whose interval overlaps the year, an undated start included
    /// (`Interval::contains_year`): the rule of `mlgov list`.
    Overlaps,
}

impl YearRule {
    fn holds(self, when: &Interval, year: i32) -> bool {
        match self {
            YearRule::Dated => when.dated_in(year),
            YearRule::Overlaps => when.contains_year(year),
        }
    }
}

/// Filters of the locality list.
#[derive(Clone, Debug, Default)]
pub struct LocalityFilter {
    /// Country code.
    pub country: Option<String>,
    /// Size class (vocabulary word, see [`size_class`]).
    pub size: Option<&'static str>,
    /// Member of some network (or of `network`) that year, by `year_rule`.
    pub year: Option<i32>,
    /// Name contains these words.
    pub q: Option<String>,
    /// Member of this network (in `year` when given).
    pub network: Option<Id>,
    /// Policy outcome fact (Whole-COMM).
    pub outcome: Option<String>,
    /// Which memberships count for `year`.
    pub year_rule: YearRule,
}

/// A [`LocalityFilter`] prepared against one base (the members of its network looked up once).
pub struct LocalityMatcher<'a> {
    filter: &'a LocalityFilter,
    kb: &'a KnowledgeBase,
    in_network: Option<HashSet<&'a Id>>,
}

impl LocalityFilter {
    /// Prepares the filter against `kb`: with a network, only its members (in `year`) are
    /// candidates, found by an indexed lookup.
    pub fn matcher<'a>(&'a self, kb: &'a KnowledgeBase) -> LocalityMatcher<'a> {
        let in_network = self.network.as_ref().map(|n| {
            kb.memberships_in(n)
                .into_iter()
                .filter(|m| self.year.is_none_or(|y| self.year_rule.holds(&m.when, y)))
                .map(|m| &m.member)
                .collect()
        });
        LocalityMatcher { filter: self, kb, in_network }
    }

    /// The matching localities of `kb`, in table order.
    pub fn apply<'a>(&'a self, kb: &'a KnowledgeBase) -> Vec<&'a Locality> {
        let m = self.matcher(kb);
        kb.localities.iter().filter(|l| m.matches(l, &fold(l.display_name()))).collect()
    }
}

impl LocalityMatcher<'_> {
    /// Whether `l` (whose display name folded is `folded_name`) passes every filter.
    pub fn matches(&self, l: &Locality, folded_name: &str) -> bool {
        let (f, kb) = (self.filter, self.kb);
        f.country.as_ref().is_none_or(|c| c.eq_ignore_ascii_case(&l.country))
            && self.in_network.as_ref().is_none_or(|set| set.contains(&l.id))
            && f.size.is_none_or(|z| kb.facts_of(&l.id, Property::SizeClass).iter().any(|x| x.value == z))
            // With a network, the year was applied to its memberships above.
            && (f.year.is_none() || f.network.is_some() || kb.memberships_of(&l.id).iter().any(|m| f.year.is_none_or(|y| f.year_rule.holds(&m.when, y))))
            && f.outcome.as_ref().is_none_or(|o| kb.facts_of(&l.id, Property::PolicyOutcome).iter().any(|x| &x.value == o))
            && words_in(folded_name, f.q.as_deref())
    }
}

/// Network scales.
pub const SCALES: [&str; 5] = ["local", "subnational", "national", "continental", "global"];
/// Stated origins of networks.
pub const ORIGINS: [&str; 3] = ["sponsored", "grassroots", "mixed"];
/// Position classes on the sponsored ↔ militant spectrum, in order.
pub const POSITIONS: [&str; 4] = ["sponsored", "intermediate", "militant", "unknown"];

/// Filters of the network list.
#[derive(Clone, Debug, Default)]
pub struct NetworkFilter {
    /// Country fact.
    pub country: Option<String>,
    /// Scale fact.
    pub scale: Option<String>,
    /// Origin fact.
    pub origin: Option<String>,
    /// Active that year (founded ≤ year ≤ ended, an unknown bound open).
    pub year: Option<i32>,
    /// Name or acronym contains these words.
    pub q: Option<String>,
    /// Computed position class: sponsored, intermediate, militant, unknown.
    pub position: Option<String>,
}

/// What a network list already knows of each network: its folded name and acronym and its
/// position class (computed once by the caller, e.g. the server's per-snapshot lists).
pub struct NetworkNames<'a> {
    /// Folded name.
    pub folded: &'a str,
    /// Folded acronym.
    pub folded_acronym: Option<&'a str>,
    /// Position class ([`crate::typology::network_typology`]).
    pub class: &'a str,
}

impl NetworkFilter {
    /// Whether `n` passes every filter.
    pub fn matches(&self, kb: &KnowledgeBase, n: &Network, names: &NetworkNames) -> bool {
        let has = |p: Property, v: &str| {
            kb.facts_of(&n.id, p).iter().any(|f| f.value.eq_ignore_ascii_case(v))
        };
        let year_of = |p: Property| {
            kb.facts_of(&n.id, p)
                .first()
                .and_then(|f| PartialDate::parse(&f.value).ok())
                .map(|d| d.year)
        };
        self.country.as_ref().is_none_or(|c| has(Property::Country, c))
            && self.scale.as_ref().is_none_or(|c| has(Property::Scale, c))
            && self.origin.as_ref().is_none_or(|c| has(Property::Origin, c))
            && self.year.is_none_or(|y| {
                year_of(Property::Founded).is_none_or(|a| a <= y)
                    && year_of(Property::Ended).is_none_or(|b| b >= y)
            })
            && (words_in(names.folded, self.q.as_deref())
                || names.folded_acronym.is_some_and(|a| words_in(a, self.q.as_deref())))
            && self.position.as_ref().is_none_or(|p| names.class == p)
    }

    /// The matching networks of `kb`, in table order (names folded and the position computed
    /// here).
    pub fn apply<'a>(&self, kb: &'a KnowledgeBase) -> Vec<&'a Network> {
        kb.networks
            .iter()
            .filter(|n| {
                let folded = fold(&n.name);
                let acronym = n.acronym.as_deref().map(fold);
                let class = if self.position.is_some() {
                    crate::typology::network_typology(kb, &n.id).class
                } else {
                    String::new()
                };
                self.matches(
                    kb,
                    n,
                    &NetworkNames {
                        folded: &folded,
                        folded_acronym: acronym.as_deref(),
                        class: &class,
                    },
                )
            })
            .collect()
    }
}

/// Filters of the organisation list.
#[derive(Clone, Debug, Default)]
pub struct OrganisationFilter {
    /// Country code.
    pub country: Option<String>,
    /// Organisation kind (vocabulary word).
    pub kind: Option<String>,
    /// Name contains these words.
    pub q: Option<String>,
}

impl OrganisationFilter {
    /// Whether `o` passes every filter.
    pub fn matches(&self, o: &Organisation) -> bool {
        self.country
            .as_ref()
            .is_none_or(|c| o.country.as_ref().is_some_and(|oc| oc.eq_ignore_ascii_case(c)))
            && self.kind.as_ref().is_none_or(|k| o.kind.as_str() == k)
            && name_has_words(&o.name, self.q.as_deref())
    }
}

/// Filters of the membership list.
#[derive(Clone, Debug, Default)]
pub struct MembershipFilter {
    /// Network id, with or without its `net:` prefix.
    pub network: Option<String>,
    /// Member id, with or without its prefix.
    pub member: Option<String>,
    /// In force that year (the interval overlaps it).
    pub year: Option<i32>,
    /// Country of the member locality.
    pub country: Option<String>,
    /// Cited source, with or without its `src:` prefix.
    pub source: Option<String>,
}

impl MembershipFilter {
    /// Whether `m` passes every filter.
    pub fn matches(&self, kb: &KnowledgeBase, m: &Membership) -> bool {
        let same = |id: &Id, raw: &Option<String>| {
            raw.as_ref().is_none_or(|n| id.as_str() == n || id.body() == n)
        };
        same(&m.network, &self.network)
            && same(&m.member, &self.member)
            && self.year.is_none_or(|y| m.when.contains_year(y))
            && self.country.as_ref().is_none_or(|c| {
                kb.locality(&m.member).is_some_and(|l| l.country.eq_ignore_ascii_case(c))
            })
            && cites(&m.citation, self.source.as_deref())
    }

    /// The candidates an id filter narrows to by an indexed lookup (the memberships in the
    /// network, else of the member), in table order; `None` when neither names an id.
    pub fn candidates<'a>(&self, kb: &'a KnowledgeBase) -> Option<Vec<&'a Membership>> {
        let by_id = |raw: &Option<String>, kind: IdKind| {
            raw.as_ref().and_then(|n| {
                Id::parse(n)
                    .ok()
                    .filter(|i| i.kind() == kind)
                    .or_else(|| Id::parse(&format!("{}{n}", kind.prefix())).ok())
            })
        };
        match (
            by_id(&self.network, IdKind::Network),
            by_id(&self.member, IdKind::Locality)
                .or_else(|| by_id(&self.member, IdKind::Organisation)),
        ) {
            (Some(n), _) => Some(kb.memberships_in(&n)),
            (None, Some(m)) => Some(kb.memberships_of(&m)),
            _ => None,
        }
    }

    /// The matching memberships of `kb`, in table order.
    pub fn apply<'a>(&self, kb: &'a KnowledgeBase) -> Vec<&'a Membership> {
        let candidates = self.candidates(kb).unwrap_or_else(|| kb.memberships.iter().collect());
        candidates.into_iter().filter(|m| self.matches(kb, m)).collect()
    }
}

/// Whether a citation cites `source` (an id with or without its `src:` prefix); no source keeps
/// everything.
pub fn cites(c: &Citation, source: Option<&str>) -> bool {
    source.is_none_or(|x| c.source.as_str() == x || c.source.body() == x)
}

/// What an event without an end date covers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OpenEvent {
    /// It is in progress from its start on (the API's rule).
    #[default]
    InProgress,
    /// It happened at its start date (`mlgov list`'s rule).
    AtStart,
}

/// Filters of the event list.
#[derive(Clone, Debug, Default)]
pub struct EventFilter {
    /// Covers a day of that year.
    pub year: Option<i32>,
    /// Country code.
    pub country: Option<String>,
    /// What an event without an end covers.
    pub open: OpenEvent,
}

impl EventFilter {
    /// The interval an event covers under this filter's rule.
    pub fn span(&self, e: &Event) -> Interval {
        match (self.open, e.when.to) {
            (OpenEvent::AtStart, None) => Interval { from: e.when.from, to: e.when.from },
            _ => e.when,
        }
    }

    /// Whether `e` passes every filter.
    pub fn matches(&self, e: &Event) -> bool {
        self.year.is_none_or(|y| self.span(e).contains_year(y))
            && self
                .country
                .as_ref()
                .is_none_or(|c| e.country.as_ref().is_some_and(|ec| ec.eq_ignore_ascii_case(c)))
    }
}
