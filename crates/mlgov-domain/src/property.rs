//! The property registry of facts: each property's value type, the kinds of subject it applies to,
//! and whether several values may hold at once (multi-valued properties never conflict).

use crate::id::{Id, IdKind};
use crate::vocab::*;
use serde::{Deserialize, Serialize};

vocab!(
    /// A fact's property. See `docs/data-format.md` for the table of properties.
    Property, "property" {
    Name => "name", Description => "description", Population => "population",
    ForeignResidentsShare => "foreign_residents_share", SizeClass => "size_class",
    StructuralConditions => "structural_conditions", DiversityExperience => "diversity_experience",
    Typology => "typology", PoliticalOrientation => "political_orientation", PolicyOutcome => "policy_outcome",
    IntegrationOfficer => "integration_officer", AdministrativeRole => "administrative_role",
    PolicyConfiguration => "policy_configuration", Interviews => "interviews", Founded => "founded",
    Ended => "ended", Scale => "scale", Origin => "origin", Focus => "focus",
    Institutionalisation => "institutionalisation", Activity => "activity", MemberType => "member_type",
    MemberCount => "member_count", Region => "region", Country => "country", FundingModel => "funding_model",
    PartnerType => "partner_type", IssueFocus => "issue_focus", Headquarters => "headquarters",
    EngagementMode => "engagement_mode", InterviewsTotal => "interviews_total",
    PerceivedPublicAttitudes => "perceived_public_attitudes", GeonamesId => "geonames_id",
    Coordinates => "coordinates", Subdivision => "subdivision", Finding => "finding",
    NetworkProfessional => "network_professional", FoundingTrigger => "founding_trigger",
    FoundingCivilSociety => "founding_civil_society", SpectrumPlacement => "spectrum_placement",
    LessMilitantThan => "less_militant_than",
});

vocab!(
    /// A source's own placement of a network on the sponsored ↔ militant spectrum (file 001).
    SpectrumPosition, "spectrum placement" {
    Sponsored => "sponsored", Intermediate => "intermediate", Militant => "militant",
});

vocab!(
    /// What a study's finding is about (the first part of a `finding` fact's qualifier): the
    /// learning profile and the explorer look findings up by topic.
    FindingTopic, "finding topic" {
    Design => "design", Isolation => "isolation", HorizontalTies => "horizontal_ties",
    VerticalTies => "vertical_ties", InternalTies => "internal_ties", EuLinks => "eu_links",
    NgoBridges => "ngo_bridges", InformationSources => "information_sources",
    CivilSociety => "civil_society", EnablingOfficer => "enabling_officer",
    EnablingPublicOpinion => "enabling_public_opinion", EnablingResponsibility => "enabling_responsibility",
    Pandemic => "pandemic", Index => "index", NetworkDatabase => "network_database",
    NetworkTypes => "network_types", Drivers => "drivers",
});

/// Which localities a study's finding is about (the part of a `finding` qualifier after `@`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FindingScope {
    /// Every locality studied.
    All,
    /// Localities of a size class (`size:small`).
    Size(String),
    /// Localities of a typology class (`type:left_behind`).
    Type(String),
    /// Localities of a political orientation (`orientation:conservative`).
    Orientation(String),
    /// Localities of one country (`country:NL`).
    Country(String),
}

/// Parses a `finding` fact's qualifier, `topic` or `topic@scope` (scope: `all`, `size:<class>`,
/// `type:<typology>`, `orientation:<orientation>`, `country:<ISO code>`).
pub fn parse_finding_qualifier(q: &str) -> Result<(FindingTopic, FindingScope), String> {
    let (topic, scope) = q.split_once('@').unwrap_or((q, "all"));
    let topic: FindingTopic =
        topic.trim().parse().map_err(|e: crate::vocab::VocabError| e.to_string())?;
    let scope = scope.trim();
    let bad = || {
        format!(
            "finding scope {scope:?}: expected all, size:<rural_area|small_town|medium_town|large_city>, type:<revitalising|marginal|in_transition|left_behind>, orientation:<progressive|conservative|mixed>, country:<ISO code>"
        )
    };
    let scope = match scope.split_once(':') {
        None if scope == "all" => FindingScope::All,
        Some(("size", v)) if SizeClass::ALL.contains(&v) => FindingScope::Size(v.into()),
        Some(("type", v)) if Typology::ALL.contains(&v) => FindingScope::Type(v.into()),
        Some(("orientation", v)) if Orientation::ALL.contains(&v) => {
            FindingScope::Orientation(v.into())
        }
        Some(("country", v)) if crate::country::is_iso_alpha2(v) => FindingScope::Country(v.into()),
        _ => return Err(bad()),
    };
    Ok((topic, scope))
}

/// The type of a property's value.
#[derive(Clone, Copy, Debug)]
pub enum ValueType {
    /// Free text.
    Text,
    /// A non-negative integer.
    Count,
    /// A decimal number within bounds.
    Decimal(f64, f64),
    /// A partial date.
    Date,
    /// `true`/`false`.
    Bool,
    /// An ISO country code.
    CountryCode,
    /// An ISO 3166-2 subdivision code.
    SubdivisionCode,
    /// WGS84 `latitude,longitude`.
    LatLon,
    /// An id of one of these kinds.
    Ref(&'static [IdKind]),
    /// A word of a vocabulary.
    Word(&'static str, &'static [&'static str]),
}

const LOC: &[IdKind] = &[IdKind::Locality];
const NET: &[IdKind] = &[IdKind::Network];
const NET_ORG: &[IdKind] = &[IdKind::Network, IdKind::Organisation];
/// Name and description apply to every kind of entity.
const ANY: &[IdKind] = crate::model::ENTITY;

fn word<T: Vocabulary>() -> ValueType {
    ValueType::Word(T::NAME, T::ALL)
}

impl Property {
    /// The value type.
    pub fn value_type(&self) -> ValueType {
        use Property as P;
        match self {
            P::Name | P::Description | P::Region | P::EngagementMode | P::Finding => {
                ValueType::Text
            }
            P::Population | P::Interviews | P::MemberCount | P::InterviewsTotal | P::GeonamesId => {
                ValueType::Count
            }
            P::Subdivision => ValueType::SubdivisionCode,
            P::Coordinates => ValueType::LatLon,
            P::ForeignResidentsShare => ValueType::Decimal(0.0, 100.0),
            P::PerceivedPublicAttitudes => ValueType::Decimal(1.0, 5.0),
            P::SizeClass => word::<SizeClass>(),
            P::StructuralConditions => word::<StructuralConditions>(),
            P::DiversityExperience => word::<DiversityExperience>(),
            P::Typology => word::<Typology>(),
            P::PoliticalOrientation => word::<Orientation>(),
            P::PolicyOutcome => word::<PolicyOutcome>(),
            P::IntegrationOfficer | P::NetworkProfessional | P::FoundingCivilSociety => {
                ValueType::Bool
            }
            P::FoundingTrigger => ValueType::Ref(&[IdKind::Event]),
            P::LessMilitantThan => ValueType::Ref(NET),
            P::SpectrumPlacement => word::<SpectrumPosition>(),
            P::AdministrativeRole => word::<AdministrativeRole>(),
            P::PolicyConfiguration => word::<PolicyConfiguration>(),
            P::Founded | P::Ended => ValueType::Date,
            P::Scale => word::<Scale>(),
            P::Origin => word::<Origin>(),
            P::Focus => word::<Focus>(),
            P::Institutionalisation => word::<Institutionalisation>(),
            P::Activity => word::<Activity>(),
            P::MemberType => word::<MemberType>(),
            P::Country => ValueType::CountryCode,
            P::FundingModel => word::<FundingModel>(),
            P::PartnerType => word::<PartnerType>(),
            P::IssueFocus => word::<IssueFocus>(),
            P::Headquarters => ValueType::Ref(LOC),
        }
    }

    /// The kinds of subject the property applies to.
    pub fn subjects(&self) -> &'static [IdKind] {
        use Property as P;
        match self {
            P::Name | P::Description => ANY,
            P::Population
            | P::SizeClass
            | P::StructuralConditions
            | P::DiversityExperience
            | P::Typology
            | P::PolicyOutcome
            | P::IntegrationOfficer
            | P::AdministrativeRole
            | P::EngagementMode
            | P::InterviewsTotal
            | P::PerceivedPublicAttitudes
            | P::GeonamesId
            | P::Coordinates
            | P::Subdivision => LOC,
            P::ForeignResidentsShare => &[IdKind::Locality, IdKind::Country],
            P::PoliticalOrientation => &[IdKind::Locality, IdKind::Person, IdKind::Organisation],
            P::PolicyConfiguration => &[IdKind::Country],
            P::Interviews => &[IdKind::Country, IdKind::Source, IdKind::Locality],
            P::Finding => &[IdKind::Source],
            P::NetworkProfessional => &[IdKind::Person],
            P::FoundingTrigger
            | P::FoundingCivilSociety
            | P::SpectrumPlacement
            | P::LessMilitantThan => NET,
            P::Founded
            | P::Ended
            | P::Scale
            | P::Activity
            | P::Region
            | P::Country
            | P::Headquarters => NET_ORG,
            P::Origin
            | P::Focus
            | P::Institutionalisation
            | P::MemberType
            | P::MemberCount
            | P::FundingModel
            | P::PartnerType
            | P::IssueFocus => NET,
        }
    }

    /// Whether several values may hold at once (such facts never conflict).
    pub fn is_multi(&self) -> bool {
        use Property as P;
        matches!(
            self,
            P::Name
                | P::Description
                | P::Activity
                | P::MemberType
                | P::Region
                | P::Country
                | P::PartnerType
                | P::IssueFocus
                | P::Finding
        )
    }

    /// Checks a value against the type; the message says what was expected.
    pub fn check_value(&self, v: &str) -> Result<(), String> {
        match self.value_type() {
            ValueType::Text => Ok(()),
            ValueType::Count => v.parse::<u64>().map(|_| ()).map_err(|_| {
                format!("property {self} expects a non-negative integer, found {v:?}")
            }),
            ValueType::Decimal(lo, hi) => match v.parse::<f64>() {
                Ok(x) if (lo..=hi).contains(&x) => Ok(()),
                _ => Err(format!(
                    "property {self} expects a decimal number between {lo} and {hi}, found {v:?}"
                )),
            },
            ValueType::Date => crate::PartialDate::parse(v)
                .map(|_| ())
                .map_err(|e| format!("property {self}: {e}")),
            ValueType::Bool => match v {
                "true" | "false" => Ok(()),
                _ => Err(format!("property {self} expects true or false, found {v:?}")),
            },
            ValueType::CountryCode => {
                if crate::country::is_iso_alpha2(v) {
                    Ok(())
                } else {
                    Err(format!("property {self} expects an ISO 3166-1 alpha-2 code, found {v:?}"))
                }
            }
            ValueType::SubdivisionCode => {
                if crate::country::is_subdivision(v) {
                    Ok(())
                } else {
                    Err(format!(
                        "property {self} expects an ISO 3166-2 subdivision code such as IT-21, found {v:?}"
                    ))
                }
            }
            ValueType::LatLon => parse_lat_lon(v).map(|_| ()).ok_or_else(|| {
                format!(
                    "property {self} expects \"latitude,longitude\" in WGS84 degrees, found {v:?}"
                )
            }),
            ValueType::Ref(kinds) => {
                Id::parse_kind(v, kinds).map(|_| ()).map_err(|e| format!("property {self}: {e}"))
            }
            ValueType::Word(name, all) => {
                if all.contains(&v) {
                    Ok(())
                } else {
                    Err(format!(
                        "unknown {name} {v:?} for property {self}; expected one of: {}",
                        all.join(", ")
                    ))
                }
            }
        }
    }
}

/// Parses a `coordinates` value, `"45.07049,7.68682"`, into (latitude, longitude) within range.
pub fn parse_lat_lon(v: &str) -> Option<(f64, f64)> {
    let (a, b) = v.split_once(',')?;
    let (lat, lon) = (a.trim().parse::<f64>().ok()?, b.trim().parse::<f64>().ok()?);
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)).then_some((lat, lon))
}
