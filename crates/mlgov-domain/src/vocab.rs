//! Controlled vocabularies: every enumeration of the data format, with its snake_case spelling.

use serde::{Deserialize, Serialize};

/// Why a word is not in a vocabulary.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown {vocabulary} {found:?}; expected one of: {}", allowed.join(", "))]
pub struct VocabError {
    /// Name of the vocabulary (e.g. "size class").
    pub vocabulary: &'static str,
    /// The word found.
    pub found: String,
    /// The allowed words.
    pub allowed: &'static [&'static str],
}

/// Common interface of the vocabularies.
pub trait Vocabulary: Sized + Copy + 'static {
    /// Human name of the vocabulary, used in messages.
    const NAME: &'static str;
    /// Allowed spellings, in declaration order.
    const ALL: &'static [&'static str];
    /// The snake_case spelling.
    fn as_str(&self) -> &'static str;
    /// Parses the snake_case spelling.
    fn parse(s: &str) -> Result<Self, VocabError>;
}

macro_rules! vocab {
    ($(#[$m:meta])* $name:ident, $human:literal { $($(#[$vm:meta])* $var:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $var),+ }

        impl Vocabulary for $name {
            const NAME: &'static str = $human;
            const ALL: &'static [&'static str] = &[$($s),+];
            fn as_str(&self) -> &'static str { match self { $($name::$var => $s),+ } }
            fn parse(s: &str) -> Result<Self, VocabError> {
                match s { $($s => Ok($name::$var),)+ _ => Err(VocabError { vocabulary: $human, found: s.to_string(), allowed: Self::ALL }) }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }

        impl std::str::FromStr for $name {
            type Err = VocabError;
            fn from_str(s: &str) -> Result<Self, VocabError> { <Self as Vocabulary>::parse(s) }
        }
    };
}

vocab!(
    /// What a locality is administratively.
    LocalityKind, "locality kind" {
    Municipality => "municipality", Intermunicipal => "intermunicipal", District => "district",
    Province => "province", Region => "region", Island => "island",
});

vocab!(
    /// The kind of a network-like grouping.
    NetworkKind, "network kind" {
    Network => "network", WorkingGroup => "working_group", Programme => "programme",
    Campaign => "campaign", Charter => "charter", Platform => "platform", Movement => "movement",
    Forum => "forum", Project => "project",
});

vocab!(
    /// The kind of an organisation.
    OrganisationKind, "organisation kind" {
    Ngo => "ngo", CivilSocietyGroup => "civil_society_group", MigrantOrganisation => "migrant_organisation",
    Foundation => "foundation", InternationalOrganisation => "international_organisation",
    EuInstitution => "eu_institution", NationalGovernment => "national_government",
    RegionalGovernment => "regional_government", MunicipalDepartment => "municipal_department",
    University => "university", Party => "party", Business => "business", TradeUnion => "trade_union",
    ReligiousOrganisation => "religious_organisation", Media => "media", Other => "other",
});

vocab!(
    /// The kind of an event.
    EventKind, "event kind" {
    PolicyShock => "policy_shock", Law => "law", Decree => "decree", Camp => "camp", Eviction => "eviction",
    RescueShip => "rescue_ship", Meeting => "meeting", Declaration => "declaration", Petition => "petition",
    Election => "election", Founding => "founding", Campaign => "campaign", Other => "other",
});

vocab!(
    /// A member's role in a network.
    MembershipRole, "membership role" {
    Founder => "founder", Member => "member", President => "president", VicePresident => "vice_president",
    Chair => "chair", WorkingGroupLead => "working_group_lead", Host => "host", Coordinator => "coordinator",
    FormalOnly => "formal_only", Observer => "observer", Partner => "partner", Signatory => "signatory",
});

impl MembershipRole {
    /// Whether the role is a leading one (presidency, chair, lead, host, coordination).
    pub fn is_leading(&self) -> bool {
        matches!(
            self,
            Self::President
                | Self::VicePresident
                | Self::Chair
                | Self::WorkingGroupLead
                | Self::Host
                | Self::Coordinator
        )
    }
}

vocab!(
    /// Why a membership ended.
    ExitReason, "exit reason" {
    OptedOut => "opted_out", Excluded => "excluded", NetworkEnded => "network_ended",
    RevokedAfterReview => "revoked_after_review", Other => "other",
});

vocab!(
    /// An office held in a locality.
    Office, "office" {
    Mayor => "mayor", DeputyMayor => "deputy_mayor", Councillor => "councillor", President => "president",
});

vocab!(
    /// Political orientation of an office holder or local government.
    Orientation, "political orientation" {
    Progressive => "progressive", Conservative => "conservative", Mixed => "mixed", Other => "other",
});

vocab!(
    /// The sector of an actor or affiliation.
    Sector, "sector" { Public => "public", NonPublic => "non_public" });

vocab!(
    /// Kinds of ties between entities.
    RelationKind, "relation kind" {
    Funds => "funds", Sponsors => "sponsors", PartnersWith => "partners_with", Coordinates => "coordinates",
    Hosts => "hosts", Supports => "supports", Founded => "founded", ParticipatesIn => "participates_in",
    CooperatesWith => "cooperates_with", Opposes => "opposes",
});

vocab!(
    /// Kinds of trajectory phases (file 000 and the phase-segmentation rules).
    PhaseKind, "phase kind" {
    Activation => "activation", Consolidation => "consolidation", Fragmentation => "fragmentation",
    Disengagement => "disengagement", ReEngagement => "re_engagement", Other => "other",
});

vocab!(
    /// Kinds of bibliographic sources.
    SourceKind, "source kind" {
    Paper => "paper", Report => "report", WorkingPaper => "working_paper", Abstract => "abstract",
    Gazetteer => "gazetteer", Dataset => "dataset", Web => "web", Other => "other",
});

vocab!(
    /// Size class of a locality; thresholds in [`crate::SizeThresholds`].
    SizeClass, "size class" {
    RuralArea => "rural_area", SmallTown => "small_town", MediumTown => "medium_town", LargeCity => "large_city",
});

vocab!(
    /// Structural (economic and demographic) conditions of a locality (Whole-COMM typology).
    StructuralConditions, "structural conditions" { Favourable => "favourable", Unfavourable => "unfavourable" });

vocab!(
    /// Experience with cultural diversity (Whole-COMM typology).
    DiversityExperience, "diversity experience" { High => "high", Low => "low" });

vocab!(
    /// The four-way Whole-COMM typology of localities.
    Typology, "typology type" {
    Revitalising => "revitalising", Marginal => "marginal", InTransition => "in_transition", LeftBehind => "left_behind",
});

impl Typology {
    /// The type implied by the two typology dimensions (file 003, Part 1, Table 1).
    pub fn from_dimensions(s: StructuralConditions, d: DiversityExperience) -> Typology {
        match (s, d) {
            (StructuralConditions::Favourable, DiversityExperience::High) => Typology::Revitalising,
            (StructuralConditions::Unfavourable, DiversityExperience::High) => Typology::Marginal,
            (StructuralConditions::Favourable, DiversityExperience::Low) => Typology::InTransition,
            (StructuralConditions::Unfavourable, DiversityExperience::Low) => Typology::LeftBehind,
        }
    }
}

vocab!(
    /// Local integration policy outcome classes (file 003, Part 2).
    PolicyOutcome, "policy outcome" { Accommodative => "accommodative", Mixed => "mixed", Restrictive => "restrictive" });

vocab!(
    /// National/regional integration policy configuration of a country (file 003, Part 2 Table 1).
    PolicyConfiguration, "policy configuration" {
    NationalOnly => "national_only", NationalAndRegional => "national_and_regional",
    RegionalOnly => "regional_only", Neither => "neither",
});

vocab!(
    /// Geographic scale of a network.
    Scale, "scale" {
    Local => "local", Subnational => "subnational", National => "national", Continental => "continental", Global => "global",
});

vocab!(
    /// Origin of a network: sponsored/co-opted or grassroots/militant.
    Origin, "origin" { Sponsored => "sponsored", Grassroots => "grassroots", Mixed => "mixed" });

vocab!(
    /// Whether a network is migration-specific or generalist.
    Focus, "focus" { MigrationSpecific => "migration_specific", Generalist => "generalist" });

vocab!(
    /// How institutionalised a network is.
    Institutionalisation, "institutionalisation" {
    Permanent => "permanent", Informal => "informal", Campaign => "campaign", Programme => "programme",
});

vocab!(
    /// Activities of networks and organisations.
    Activity, "activity" {
    KnowledgeExchange => "knowledge_exchange", Lobbying => "lobbying", Advocacy => "advocacy",
    ProjectFunding => "project_funding", ServiceProvision => "service_provision", Training => "training",
    Labelling => "labelling", Research => "research", Campaigning => "campaigning", Rescue => "rescue",
    Reception => "reception", PoliticalDeclaration => "political_declaration",
});

vocab!(
    /// Who can be a member of a network.
    MemberType, "member type" {
    Municipalities => "municipalities", ElectedOfficials => "elected_officials", Ngos => "ngos",
    Regions => "regions", Individuals => "individuals", States => "states", Networks => "networks", Other => "other",
});

vocab!(
    /// How a network is funded (trait 1 of the sponsored ↔ militant spectrum, file 001).
    FundingModel, "funding model" { Public => "public", SelfFunded => "self_funded", Mixed => "mixed" });

vocab!(
    /// Who a network partners with (trait 2, file 001).
    PartnerType, "partner type" {
    InternationalInstitutions => "international_institutions", EuInstitutions => "eu_institutions",
    CivilSociety => "civil_society", States => "states", Foundations => "foundations",
});

vocab!(
    /// Issues a network addresses (trait 4, file 001).
    IssueFocus, "issue focus" {
    Integration => "integration", Diversity => "diversity", AntiDiscrimination => "anti_discrimination",
    UrbanDevelopment => "urban_development", Welcoming => "welcoming", UndocumentedMigrants => "undocumented_migrants",
    Rights => "rights", Asylum => "asylum", RescueAtSea => "rescue_at_sea", Security => "security",
});

vocab!(
    /// Whether a locality is a provincial/regional capital.
    AdministrativeRole, "administrative role" { Capital => "capital", None => "none" });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_lists_alternatives() {
        for s in SizeClass::ALL {
            assert_eq!(SizeClass::parse(s).unwrap().as_str(), *s);
        }
        let e = SizeClass::parse("town").unwrap_err();
        assert_eq!(
            e.to_string(),
            "unknown size class \"town\"; expected one of: rural_area, small_town, medium_town, large_city"
        );
    }

    #[test]
    fn typology_from_dimensions() {
        use DiversityExperience as D;
        use StructuralConditions as S;
        assert_eq!(Typology::from_dimensions(S::Favourable, D::High), Typology::Revitalising);
        assert_eq!(Typology::from_dimensions(S::Unfavourable, D::Low), Typology::LeftBehind);
        assert_eq!(Typology::from_dimensions(S::Unfavourable, D::High), Typology::Marginal);
        assert_eq!(Typology::from_dimensions(S::Favourable, D::Low), Typology::InTransition);
    }
}
