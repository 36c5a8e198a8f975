//! The record types of the knowledge base: entities (sources, localities, networks, organisations,
//! persons, events, practices) and statements (memberships, terms, affiliations, relations, facts,
//! phases, adoptions). Every record except a source carries a [`Citation`].

use crate::date::{Interval, PartialDate};
use crate::id::{Id, IdKind};
use crate::property::Property;
use crate::record::{Cells, Column, FieldProblem, RowReader, join_list};
use crate::vocab::*;
use serde::{Deserialize, Serialize};

/// Where a statement comes from: a source and a locator inside it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Citation {
    /// The `src:` id.
    pub source: Id,
    /// Section, table, footnote, page or a short quote.
    pub locator: String,
}

/// Common interface of all record types: their file, columns and cell conversions.
pub trait Record: Sized + Clone + Send + Sync + Serialize + for<'de> Deserialize<'de> {
    /// File name in the CSV directory (`localities.csv`).
    const FILE: &'static str;
    /// Prefix kind of the record's id.
    const KIND: IdKind;
    /// Columns in export order.
    const COLUMNS: &'static [Column];
    /// The record's id.
    fn id(&self) -> &Id;
    /// Its citation (sources have none).
    fn citation(&self) -> Option<&Citation>;
    /// Parses a row, collecting every problem.
    fn from_cells(cells: &dyn Cells) -> Result<Self, Vec<FieldProblem>>;
    /// Parses a row of input (a file, a form, the command line): [`Record::from_cells`], and no
    /// cell may hold a control character or a bidirectional override
    /// ([`crate::text::control_problem`]; ids, words and numbers are refused by their own
    /// grammar, free text by this rule). Every reader of input goes through here; stored rows,
    /// written before the rule, are read with [`Record::from_cells`] and shown escaped.
    fn from_input(cells: &dyn Cells) -> Result<Self, Vec<FieldProblem>> {
        let mut unsafe_text: Vec<FieldProblem> = Self::COLUMNS
            .iter()
            .filter_map(|c| {
                crate::text::control_problem(cells.cell(c.name))
                    .map(|message| FieldProblem { field: c.name.to_string(), message })
            })
            .collect();
        match Self::from_cells(cells) {
            Ok(r) if unsafe_text.is_empty() => Ok(r),
            Ok(_) => Err(unsafe_text),
            Err(mut problems) => {
                // A cell its own grammar refused already (an id, a word) is reported once.
                unsafe_text.retain(|u| !problems.iter().any(|p| p.field == u.field));
                problems.extend(unsafe_text);
                Err(problems)
            }
        }
    }
    /// The cells in [`Record::COLUMNS`] order.
    fn to_cells(&self) -> Vec<String>;
}

const fn c(name: &'static str, required: bool, doc: &'static str) -> Column {
    Column { name, required, doc }
}

/// The parts every cited record shares, written once: its id and citation accessors; its columns,
/// `id` first and the citation's `source` and `locator` last; a parser that reads the id, then the
/// record's own fields (its `read`, which returns how to build the record once every cell is read),
/// then the citation; and a writer that puts the record's own cells (its `own_cells`) between the
/// id and the citation.
macro_rules! cited_record {
    ($ty:ident, $file:literal, $kind:ident, $id_doc:literal, [$($col:expr),* $(,)?]) => {
        impl Record for $ty {
            const FILE: &'static str = $file;
            const KIND: IdKind = IdKind::$kind;
            const COLUMNS: &'static [Column] = &[
                c("id", true, $id_doc),
                $($col,)*
                c("source", true, "src: id"),
                c("locator", true, "locator"),
            ];
            fn id(&self) -> &Id {
                &self.id
            }
            fn citation(&self) -> Option<&Citation> {
                Some(&self.citation)
            }
            fn from_cells(cells: &dyn Cells) -> Result<Self, Vec<FieldProblem>> {
                let mut r = RowReader::new(cells);
                let id = r.id("id", &[IdKind::$kind]);
                let build = Self::read(&mut r);
                let citation = r.citation();
                r.finish(|| build(id?, citation?))
            }
            fn to_cells(&self) -> Vec<String> {
                let mut cells = vec![self.id.to_string()];
                cells.extend(self.own_cells());
                cells.extend([self.citation.source.to_string(), self.citation.locator.clone()]);
                cells
            }
        }
    };
}

/// A country cell, when given, holds an ISO 3166-1 alpha-2 code.
fn check_country(r: &mut RowReader<'_>, country: Option<&String>) {
    if let Some(cc) = country
        && !crate::country::is_iso_alpha2(cc)
    {
        r.problem("country", format!("{cc:?} is not an ISO 3166-1 alpha-2 country code"));
    }
}

/// Every kind of entity: what events, practices and relations may name, and facts be about.
pub(crate) const ENTITY: &[IdKind] = &[
    IdKind::Locality,
    IdKind::Network,
    IdKind::Organisation,
    IdKind::Person,
    IdKind::Event,
    IdKind::Practice,
    IdKind::Source,
    IdKind::Country,
];

fn o(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}
fn od(d: &Option<PartialDate>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}
fn oi(d: &Option<Id>) -> String {
    d.as_ref().map(|d| d.to_string()).unwrap_or_default()
}
fn ov<T: Vocabulary>(v: &Option<T>) -> String {
    v.map(|v| v.as_str().to_string()).unwrap_or_default()
}
fn ids(v: &[Id]) -> String {
    join_list(&v.iter().map(|i| i.as_str()).collect::<Vec<_>>())
}
fn fnum(x: &Option<f64>) -> String {
    x.map(|x| format!("{x}")).unwrap_or_default()
}
fn is_false(b: &bool) -> bool {
    !*b
}

/// A bibliographic record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// `src:` id.
    pub id: Id,
    /// Short citation.
    pub short: String,
    /// Full title.
    pub title: String,
    /// Authors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    /// Publication year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i64>,
    /// Kind of source.
    pub kind: SourceKind,
    /// Bundled file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Licence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub licence: Option<String>,
    /// DOI or URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl Record for Source {
    const FILE: &'static str = "sources.csv";
    const KIND: IdKind = IdKind::Source;
    const COLUMNS: &'static [Column] = &[
        c("id", true, "src: id"),
        c("short", true, "short citation"),
        c("title", true, "full title"),
        c("authors", false, ";-list of authors"),
        c("year", false, "publication year"),
        c("kind", true, "source kind"),
        c("file", false, "bundled file name"),
        c("licence", false, "licence"),
        c("url", false, "DOI or URL"),
    ];
    fn id(&self) -> &Id {
        &self.id
    }
    fn citation(&self) -> Option<&Citation> {
        None
    }
    fn from_cells(cells: &dyn Cells) -> Result<Self, Vec<FieldProblem>> {
        let mut r = RowReader::new(cells);
        let id = r.id("id", &[IdKind::Source]);
        let short = r.text("short");
        let title = r.text("title");
        let authors = r.list("authors");
        let year = r.opt_i64("year");
        let kind = r.vocab("kind");
        let (file, licence, url) = (r.opt_text("file"), r.opt_text("licence"), r.opt_text("url"));
        r.finish(|| {
            Some(Source { id: id?, short, title, authors, year, kind: kind?, file, licence, url })
        })
    }
    fn to_cells(&self) -> Vec<String> {
        vec![
            self.id.to_string(),
            self.short.clone(),
            self.title.clone(),
            join_list(&self.authors),
            self.year.map(|y| y.to_string()).unwrap_or_default(),
            self.kind.to_string(),
            o(&self.file),
            o(&self.licence),
            o(&self.url),
        ]
    }
}

/// A municipality, intermunicipal authority, district, province or region.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Locality {
    /// `loc:` id.
    pub id: Id,
    /// Name in its own spelling, or the public label when anonymised.
    pub name: String,
    /// Other names and spellings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Administrative kind.
    pub kind: LocalityKind,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// Region label as the source gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Enclosing locality.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Id>,
    /// Whether the sources protect its identity.
    #[serde(default, skip_serializing_if = "is_false")]
    pub anonymised: bool,
    /// The label the sources use for an anonymised locality.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_label: Option<String>,
    /// Latitude (WGS84).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    /// Longitude (WGS84).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lon: Option<f64>,
    /// Gazetteer the coordinates come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coord_source: Option<Id>,
    /// Citation.
    #[serde(flatten)]
    pub citation: Citation,
}

impl Locality {
    /// The name to show the public: the public label when anonymised.
    pub fn display_name(&self) -> &str {
        if self.anonymised {
            self.public_label.as_deref().unwrap_or(&self.name)
        } else {
            &self.name
        }
    }
}

cited_record!(
    Locality,
    "localities.csv",
    Locality,
    "loc: id",
    [
        c("name", true, "name"),
        c("aliases", false, ";-list"),
        c("kind", true, "locality kind"),
        c("country", true, "ISO code"),
        c("region", false, "region label"),
        c("parent", false, "loc: id"),
        c("anonymised", false, "true/false"),
        c("public_label", false, "public label"),
        c("lat", false, "latitude"),
        c("lon", false, "longitude"),
        c("coord_source", false, "src: id of the gazetteer"),
    ]
);

impl Locality {
    fn read(r: &mut RowReader<'_>) -> impl FnOnce(Id, Citation) -> Option<Self> + use<> {
        let name = r.text("name");
        let aliases = r.list("aliases");
        let kind = r.vocab("kind");
        let country = r.text("country");
        check_country(r, Some(&country).filter(|c| !c.is_empty()));
        let region = r.opt_text("region");
        let parent = r.opt_id("parent", &[IdKind::Locality]);
        let anonymised = r.bool_or("anonymised", false);
        let public_label = r.opt_text("public_label");
        if anonymised && public_label.is_none() {
            r.problem("public_label", "is required when anonymised is true");
        }
        let lat = r.opt_f64("lat", -90.0..=90.0);
        let lon = r.opt_f64("lon", -180.0..=180.0);
        let coord_source = r.opt_id("coord_source", &[IdKind::Source]);
        if (lat.is_some() || lon.is_some()) && coord_source.is_none() {
            r.problem("coord_source", "is required when coordinates are given");
        }
        move |id, citation| {
            Some(Locality {
                id,
                name,
                aliases,
                kind: kind?,
                country,
                region,
                parent,
                anonymised,
                public_label,
                lat,
                lon,
                coord_source,
                citation,
            })
        }
    }
    fn own_cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            join_list(&self.aliases),
            self.kind.to_string(),
            self.country.clone(),
            o(&self.region),
            oi(&self.parent),
            if self.anonymised { "true".into() } else { String::new() },
            o(&self.public_label),
            fnum(&self.lat),
            fnum(&self.lon),
            oi(&self.coord_source),
        ]
    }
}

/// A city network, working group, programme, campaign, charter or platform.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Network {
    /// `net:` id.
    pub id: Id,
    /// Current or best-known name.
    pub name: String,
    /// Acronym.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acronym: Option<String>,
    /// Other names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Kind of grouping.
    pub kind: NetworkKind,
    /// Parent network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Id>,
    /// Citation.
    #[serde(flatten)]
    pub citation: Citation,
}

cited_record!(
    Network,
    "networks.csv",
    Network,
    "net: id",
    [
        c("name", true, "name"),
        c("acronym", false, "acronym"),
        c("aliases", false, ";-list"),
        c("kind", true, "network kind"),
        c("parent", false, "net: id"),
    ]
);

impl Network {
    fn read(r: &mut RowReader<'_>) -> impl FnOnce(Id, Citation) -> Option<Self> + use<> {
        let name = r.text("name");
        let acronym = r.opt_text("acronym");
        let aliases = r.list("aliases");
        let kind = r.vocab("kind");
        let parent = r.opt_id("parent", &[IdKind::Network]);
        move |id, citation| {
            Some(Network { id, name, acronym, aliases, kind: kind?, parent, citation })
        }
    }
    fn own_cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            o(&self.acronym),
            join_list(&self.aliases),
            self.kind.to_string(),
            oi(&self.parent),
        ]
    }
}

/// An NGO, foundation, international organisation, government body, party, …
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Organisation {
    /// `org:` id.
    pub id: Id,
    /// Name.
    pub name: String,
    /// Acronym.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acronym: Option<String>,
    /// Other names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Kind.
    pub kind: OrganisationKind,
    /// Country when national.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Citation.
    #[serde(flatten)]
    pub citation: Citation,
}

cited_record!(
    Organisation,
    "organisations.csv",
    Organisation,
    "org: id",
    [
        c("name", true, "name"),
        c("acronym", false, "acronym"),
        c("aliases", false, ";-list"),
        c("kind", true, "organisation kind"),
        c("country", false, "ISO code"),
    ]
);

impl Organisation {
    fn read(r: &mut RowReader<'_>) -> impl FnOnce(Id, Citation) -> Option<Self> + use<> {
        let name = r.text("name");
        let acronym = r.opt_text("acronym");
        let aliases = r.list("aliases");
        let kind = r.vocab("kind");
        let country = r.opt_text("country");
        check_country(r, country.as_ref());
        move |id, citation| {
            Some(Organisation { id, name, acronym, aliases, kind: kind?, country, citation })
        }
    }
    fn own_cells(&self) -> Vec<String> {
        vec![
            self.name.clone(),
            o(&self.acronym),
            join_list(&self.aliases),
            self.kind.to_string(),
            o(&self.country),
        ]
    }
}

/// A person (mayor, official, network professional, activist).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Person {
    /// `per:` id.
    pub id: Id,
    /// Full name.
    pub name: String,
    /// Other names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Citation.
    #[serde(flatten)]
    pub citation: Citation,
}

cited_record!(
    Person,
    "persons.csv",
    Person,
    "per: id",
    [c("name", true, "name"), c("aliases", false, ";-list"),]
);

impl Person {
    fn read(r: &mut RowReader<'_>) -> impl FnOnce(Id, Citation) -> Option<Self> + use<> {
        let name = r.text("name");
        let aliases = r.list("aliases");
        move |id, citation| Some(Person { id, name, aliases, citation })
    }
    fn own_cells(&self) -> Vec<String> {
        vec![self.name.clone(), join_list(&self.aliases)]
    }
}

/// A dated policy shock or milestone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// `evt:` id.
    pub id: Id,
    /// Short title.
    pub title: String,
    /// Kind of event.
    pub kind: EventKind,
    /// When (start required).
    #[serde(flatten)]
    pub when: Interval,
    /// Country.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Localities where it happened.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub places: Vec<Id>,
    /// Actors involved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actors: Vec<Id>,
    /// One sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Citation.
    #[serde(flatten)]
    pub citation: Citation,
}

cited_record!(
    Event,
    "events.csv",
    Event,
    "evt: id",
    [
        c("title", true, "title"),
        c("kind", true, "event kind"),
        c("from", true, "date"),
        c("to", false, "end date"),
        c("country", false, "ISO code"),
        c("places", false, ";-list of loc: ids"),
        c("actors", false, ";-list of ids"),
        c("description", false, "one sentence"),
    ]
);

impl Event {
    fn read(r: &mut RowReader<'_>) -> impl FnOnce(Id, Citation) -> Option<Self> + use<> {
        let title = r.text("title");
        let kind = r.vocab("kind");
        if r.cell("from").is_empty() {
            r.problem("from", "is required: an event has a date (YYYY, YYYY-MM or YYYY-MM-DD)");
        }
        let when = r.interval();
        let country = r.opt_text("country");
        check_country(r, country.as_ref());
        let places = r.id_list("places", &[IdKind::Locality]);
        let actors = r.id_list("actors", ENTITY);
        let description = r.opt_text("description");
        move |id, citation| {
            let kind = kind?;
            Some(Event { id, title, kind, when, country, places, actors, description, citation })
        }
    }
    fn own_cells(&self) -> Vec<String> {
        vec![
            self.title.clone(),
            self.kind.to_string(),
            od(&self.when.from),
            od(&self.when.to),
            o(&self.country),
            ids(&self.places),
            ids(&self.actors),
            o(&self.description),
        ]
    }
}

/// A member (locality, organisation, person or network) in a network over an interval.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    /// `mem:` id.
    pub id: Id,
    /// The network.
    pub network: Id,
    /// The member.
    pub member: Id,
    /// Role.
    pub role: MembershipRole,
    /// When.
    #[serde(flatten)]
    pub when: Interval,
    /// Why it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exit_reason: Option<ExitReason>,
    /// Note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Citation.
    #[serde(flatten)]
    pub citation: Citation,
}

cited_record!(
    Membership,
    "memberships.csv",
    Membership,
    "mem: id",
    [
        c("network", true, "net: id"),
        c("member", true, "loc:/org:/per:/net: id"),
        c("role", true, "membership role"),
        c("from", false, "start"),
        c("to", false, "end"),
        c("exit_reason", false, "exit reason"),
        c("note", false, "note"),
    ]
);

impl Membership {
    fn read(r: &mut RowReader<'_>) -> impl FnOnce(Id, Citation) -> Option<Self> + use<> {
        let network = r.id("network", &[IdKind::Network]);
        let member = r.id(
            "member",
            &[IdKind::Locality, IdKind::Organisation, IdKind::Person, IdKind::Network],
        );
        let role = r.vocab("role");
        let when = r.interval();
        let exit_reason = r.opt_vocab("exit_reason");
        let note = r.opt_text("note");
        move |id, citation| {
            Some(Membership {
                id,
                network: network?,
                member: member?,
                role: role?,
                when,
                exit_reason,
                note,
                citation,
            })
        }
    }
    fn own_cells(&self) -> Vec<String> {
        vec![
            self.network.to_string(),
            self.member.to_string(),
            self.role.to_string(),
            od(&self.when.from),
            od(&self.when.to),
            ov(&self.exit_reason),
            o(&self.note),
        ]
    }
}

/// A term of office in a locality.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Term {
    /// `trm:` id.
    pub id: Id,
    /// The locality.
    pub locality: Id,
    /// The office holder.
    pub person: Id,
    /// Office.
    pub office: Office,
    /// Named portfolio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portfolio: Option<String>,
    /// Party or coalition as the source names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party: Option<String>,
    /// Political orientation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orientation: Option<Orientation>,
    /// When.
    #[serde(flatten)]
    pub when: Interval,
    /// Citation.
    #[serde(flatten)]
    pub citation: Citation,
}

cited_record!(
    Term,
    "terms.csv",
    Term,
    "trm: id",
    [
        c("locality", true, "loc: id"),
        c("person", true, "per: id"),
        c("office", true, "office"),
        c("portfolio", false, "portfolio"),
        c("party", false, "party or coalition"),
        c("orientation", false, "orientation"),
        c("from", false, "start"),
        c("to", false, "end"),
    ]
);

impl Term {
    fn read(r: &mut RowReader<'_>) -> impl FnOnce(Id, Citation) -> Option<Self> + use<> {
        let locality = r.id("locality", &[IdKind::Locality]);
        let person = r.id("person", &[IdKind::Person]);
        let office = r.vocab("office");
        let portfolio = r.opt_text("portfolio");
        let party = r.opt_text("party");
        let orientation = r.opt_vocab("orientation");
        let when = r.interval();
        move |id, citation| {
            Some(Term {
                id,
                locality: locality?,
                person: person?,
                office: office?,
                portfolio,
                party,
                orientation,
                when,
                citation,
            })
        }
    }
    fn own_cells(&self) -> Vec<String> {
        vec![
            self.locality.to_string(),
            self.person.to_string(),
            self.office.to_string(),
            o(&self.portfolio),
            o(&self.party),
            ov(&self.orientation),
            od(&self.when.from),
            od(&self.when.to),
        ]
    }
}

/// A person's role in an organisation, a locality's administration or a network.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Affiliation {
    /// `aff:` id.
    pub id: Id,
    /// The person.
    pub person: Id,
    /// The organisation, locality or network.
    pub organisation: Id,
    /// Role as stated.
    pub role: String,
    /// Public or non-public.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sector: Option<Sector>,
    /// When.
    #[serde(flatten)]
    pub when: Interval,
    /// Citation.
    #[serde(flatten)]
    pub citation: Citation,
}

cited_record!(
    Affiliation,
    "affiliations.csv",
    Affiliation,
    "aff: id",
    [
        c("person", true, "per: id"),
        c("organisation", true, "org:/loc:/net: id"),
        c("role", true, "role"),
        c("sector", false, "public/non_public"),
        c("from", false, "start"),
        c("to", false, "end"),
    ]
);

impl Affiliation {
    fn read(r: &mut RowReader<'_>) -> impl FnOnce(Id, Citation) -> Option<Self> + use<> {
        let person = r.id("person", &[IdKind::Person]);
        let organisation =
            r.id("organisation", &[IdKind::Organisation, IdKind::Locality, IdKind::Network]);
        let role = r.text("role");
        let sector = r.opt_vocab("sector");
        let when = r.interval();
        move |id, citation| {
            let (person, organisation) = (person?, organisation?);
            Some(Affiliation { id, person, organisation, role, sector, when, citation })
        }
    }
    fn own_cells(&self) -> Vec<String> {
        vec![
            self.person.to_string(),
            self.organisation.to_string(),
            self.role.clone(),
            ov(&self.sector),
            od(&self.when.from),
            od(&self.when.to),
        ]
    }
}

/// A typed tie between two entities (funding, sponsorship, partnership, …).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Relation {
    /// `rel:` id.
    pub id: Id,
    /// Subject.
    pub subject: Id,
    /// Kind.
    pub kind: RelationKind,
    /// Object.
    pub object: Id,
    /// When.
    #[serde(flatten)]
    pub when: Interval,
    /// Note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Citation.
    #[serde(flatten)]
    pub citation: Citation,
}

cited_record!(
    Relation,
    "relations.csv",
    Relation,
    "rel: id",
    [
        c("subject", true, "entity id"),
        c("kind", true, "relation kind"),
        c("object", true, "entity id"),
        c("from", false, "start"),
        c("to", false, "end"),
        c("note", false, "note"),
    ]
);

impl Relation {
    fn read(r: &mut RowReader<'_>) -> impl FnOnce(Id, Citation) -> Option<Self> + use<> {
        let subject = r.id("subject", ENTITY);
        let kind = r.vocab("kind");
        let object = r.id("object", ENTITY);
        let when = r.interval();
        let note = r.opt_text("note");
        move |id, citation| {
            let (subject, kind, object) = (subject?, kind?, object?);
            Some(Relation { id, subject, kind, object, when, note, citation })
        }
    }
    fn own_cells(&self) -> Vec<String> {
        vec![
            self.subject.to_string(),
            self.kind.to_string(),
            self.object.to_string(),
            od(&self.when.from),
            od(&self.when.to),
            o(&self.note),
        ]
    }
}

/// A typed, dated attribute statement about an entity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    /// `fct:` id.
    pub id: Id,
    /// What the fact is about.
    pub subject: Id,
    /// The property.
    pub property: crate::property::Property,
    /// The value, validated against the property's type.
    pub value: String,
    /// What a number counts, or a refinement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub qualifier: Option<String>,
    /// When it holds.
    #[serde(flatten)]
    pub when: Interval,
    /// Note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Citation.
    #[serde(flatten)]
    pub citation: Citation,
}

cited_record!(
    Fact,
    "facts.csv",
    Fact,
    "fct: id",
    [
        c("subject", true, "entity id or country:XX"),
        c("property", true, "property"),
        c("value", true, "typed value"),
        c("qualifier", false, "qualifier"),
        c("from", false, "start"),
        c("to", false, "end"),
        c("note", false, "note"),
    ]
);

impl Fact {
    fn read(r: &mut RowReader<'_>) -> impl FnOnce(Id, Citation) -> Option<Self> + use<> {
        let subject = r.id("subject", ENTITY);
        let property: Option<Property> = r.vocab("property");
        let value = r.text("value");
        if let (Some(p), Some(s)) = (property, subject.as_ref()) {
            check_value_and_subject(r, p, &value, s);
        }
        let qualifier = r.opt_text("qualifier");
        if property == Some(Property::Finding) {
            check_finding_qualifier(r, qualifier.as_deref());
        }
        let when = r.interval();
        let note = r.opt_text("note");
        move |id, citation| {
            let (subject, property) = (subject?, property?);
            Some(Fact { id, subject, property, value, qualifier, when, note, citation })
        }
    }
    fn own_cells(&self) -> Vec<String> {
        vec![
            self.subject.to_string(),
            self.property.to_string(),
            self.value.clone(),
            o(&self.qualifier),
            od(&self.when.from),
            od(&self.when.to),
            o(&self.note),
        ]
    }
}

/// A fact's value must fit its property's type, and its subject be of a kind the property
/// applies to.
fn check_value_and_subject(r: &mut RowReader<'_>, p: Property, value: &str, subject: &Id) {
    if !value.is_empty()
        && let Err(m) = p.check_value(value)
    {
        r.problem("value", m);
    }
    if !p.subjects().contains(&subject.kind()) {
        let kinds = p.subjects().iter().map(|k| k.noun()).collect::<Vec<_>>().join("/");
        r.problem("subject", format!("property {p} applies to {kinds} ids, not to {subject}"));
    }
}

/// A finding names its topic (and scope) in its qualifier.
fn check_finding_qualifier(r: &mut RowReader<'_>, qualifier: Option<&str>) {
    match qualifier {
        Some(q) => {
            if let Err(m) = crate::property::parse_finding_qualifier(q) {
                r.problem("qualifier", m);
            }
        }
        None => r.problem(
            "qualifier",
            "a finding needs its topic (and scope), e.g. isolation@size:small",
        ),
    }
}

/// A phase of a locality's trajectory as a source names and dates it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Phase {
    /// `phs:` id.
    pub id: Id,
    /// The locality.
    pub locality: Id,
    /// The source's own name of the phase.
    pub label: String,
    /// Mapped kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<PhaseKind>,
    /// When.
    #[serde(flatten)]
    pub when: Interval,
    /// Citation.
    #[serde(flatten)]
    pub citation: Citation,
}

cited_record!(
    Phase,
    "phases.csv",
    Phase,
    "phs: id",
    [
        c("locality", true, "loc: id"),
        c("label", true, "the source's name"),
        c("kind", false, "phase kind"),
        c("from", false, "start"),
        c("to", false, "end"),
    ]
);

impl Phase {
    fn read(r: &mut RowReader<'_>) -> impl FnOnce(Id, Citation) -> Option<Self> + use<> {
        let locality = r.id("locality", &[IdKind::Locality]);
        let label = r.text("label");
        let kind = r.opt_vocab("kind");
        let when = r.interval();
        move |id, citation| Some(Phase { id, locality: locality?, label, kind, when, citation })
    }
    fn own_cells(&self) -> Vec<String> {
        vec![
            self.locality.to_string(),
            self.label.clone(),
            ov(&self.kind),
            od(&self.when.from),
            od(&self.when.to),
        ]
    }
}

/// A good practice of local integration policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Practice {
    /// `prc:` id.
    pub id: Id,
    /// Title.
    pub title: String,
    /// Policy area.
    pub policy_area: String,
    /// Originating locality.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<Id>,
    /// Years it ran.
    #[serde(flatten)]
    pub when: Interval,
    /// Actors involved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actors: Vec<Id>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Citation.
    #[serde(flatten)]
    pub citation: Citation,
}

cited_record!(
    Practice,
    "practices.csv",
    Practice,
    "prc: id",
    [
        c("title", true, "title"),
        c("policy_area", true, "policy area"),
        c("origin", false, "loc: id"),
        c("from", false, "start"),
        c("to", false, "end"),
        c("actors", false, ";-list of ids"),
        c("description", false, "description"),
    ]
);

impl Practice {
    fn read(r: &mut RowReader<'_>) -> impl FnOnce(Id, Citation) -> Option<Self> + use<> {
        let title = r.text("title");
        let policy_area = r.text("policy_area");
        let origin = r.opt_id("origin", &[IdKind::Locality]);
        let when = r.interval();
        let actors = r.id_list("actors", ENTITY);
        let description = r.opt_text("description");
        move |id, citation| {
            Some(Practice { id, title, policy_area, origin, when, actors, description, citation })
        }
    }
    fn own_cells(&self) -> Vec<String> {
        vec![
            self.title.clone(),
            self.policy_area.clone(),
            oi(&self.origin),
            od(&self.when.from),
            od(&self.when.to),
            ids(&self.actors),
            o(&self.description),
        ]
    }
}

/// A statement that a locality adopted a practice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Adoption {
    /// `adp:` id.
    pub id: Id,
    /// The practice.
    pub practice: Id,
    /// The adopting locality.
    pub locality: Id,
    /// Year adopted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<PartialDate>,
    /// Citation.
    #[serde(flatten)]
    pub citation: Citation,
}

cited_record!(
    Adoption,
    "adoptions.csv",
    Adoption,
    "adp: id",
    [
        c("practice", true, "prc: id"),
        c("locality", true, "loc: id"),
        c("from", false, "year adopted"),
    ]
);

impl Adoption {
    fn read(r: &mut RowReader<'_>) -> impl FnOnce(Id, Citation) -> Option<Self> + use<> {
        let practice = r.id("practice", &[IdKind::Practice]);
        let locality = r.id("locality", &[IdKind::Locality]);
        let from = r.opt_date("from");
        move |id, citation| {
            Some(Adoption { id, practice: practice?, locality: locality?, from, citation })
        }
    }
    fn own_cells(&self) -> Vec<String> {
        vec![self.practice.to_string(), self.locality.to_string(), od(&self.from)]
    }
}
