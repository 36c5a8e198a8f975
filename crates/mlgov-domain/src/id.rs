//! Typed, prefixed identifiers (`loc:turin`, `net:eurocities`, `country:IT`).

use serde::{Deserialize, Serialize};
use std::fmt;

/// What an identifier names, read from its prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    /// `loc:` a locality.
    Locality,
    /// `net:` a network, programme, campaign or working group.
    Network,
    /// `org:` an organisation.
    Organisation,
    /// `per:` a person.
    Person,
    /// `evt:` an event.
    Event,
    /// `src:` a source.
    Source,
    /// `prc:` a good practice.
    Practice,
    /// `country:` an ISO 3166-1 alpha-2 country.
    Country,
    /// `mem:` a membership statement.
    Membership,
    /// `trm:` an office term statement.
    Term,
    /// `aff:` an affiliation statement.
    Affiliation,
    /// `rel:` a relation statement.
    Relation,
    /// `fct:` a fact statement.
    Fact,
    /// `phs:` a phase statement.
    Phase,
    /// `adp:` an adoption statement.
    Adoption,
}

impl IdKind {
    /// The prefix including the colon.
    pub fn prefix(&self) -> &'static str {
        match self {
            IdKind::Locality => "loc:",
            IdKind::Network => "net:",
            IdKind::Organisation => "org:",
            IdKind::Person => "per:",
            IdKind::Event => "evt:",
            IdKind::Source => "src:",
            IdKind::Practice => "prc:",
            IdKind::Country => "country:",
            IdKind::Membership => "mem:",
            IdKind::Term => "trm:",
            IdKind::Affiliation => "aff:",
            IdKind::Relation => "rel:",
            IdKind::Fact => "fct:",
            IdKind::Phase => "phs:",
            IdKind::Adoption => "adp:",
        }
    }

    /// Every kind, in prefix order of the data format.
    pub const ALL: [IdKind; 15] = [
        IdKind::Locality,
        IdKind::Network,
        IdKind::Organisation,
        IdKind::Person,
        IdKind::Event,
        IdKind::Source,
        IdKind::Practice,
        IdKind::Country,
        IdKind::Membership,
        IdKind::Term,
        IdKind::Affiliation,
        IdKind::Relation,
        IdKind::Fact,
        IdKind::Phase,
        IdKind::Adoption,
    ];

    /// A word for messages ("locality").
    pub fn noun(&self) -> &'static str {
        match self {
            IdKind::Locality => "locality",
            IdKind::Network => "network",
            IdKind::Organisation => "organisation",
            IdKind::Person => "person",
            IdKind::Event => "event",
            IdKind::Source => "source",
            IdKind::Practice => "practice",
            IdKind::Country => "country",
            IdKind::Membership => "membership",
            IdKind::Term => "term",
            IdKind::Affiliation => "affiliation",
            IdKind::Relation => "relation",
            IdKind::Fact => "fact",
            IdKind::Phase => "phase",
            IdKind::Adoption => "adoption",
        }
    }

    /// Whether the kind names an entity (something statements are about) rather than a statement.
    pub fn is_entity(&self) -> bool {
        matches!(
            self,
            IdKind::Locality
                | IdKind::Network
                | IdKind::Organisation
                | IdKind::Person
                | IdKind::Event
                | IdKind::Source
                | IdKind::Practice
                | IdKind::Country
        )
    }
}

/// Why a text is not an id.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    /// No known prefix.
    #[error(
        "id {0:?} has no known prefix; expected one of loc:, net:, org:, per:, evt:, src:, prc:, country:, mem:, trm:, aff:, rel:, fct:, phs:, adp:"
    )]
    Prefix(String),
    /// Bad characters after the prefix.
    #[error(
        "id {0:?} must continue after its prefix with lowercase ASCII letters, digits, '-' or '_'"
    )]
    Body(String),
    /// Not an ISO 3166-1 alpha-2 code.
    #[error("{0:?} is not an ISO 3166-1 alpha-2 country code")]
    Country(String),
    /// Wrong kind for the column.
    #[error("id {found:?} is a {} id; expected a {} id", found_kind.noun(), expected.iter().map(|k| k.noun()).collect::<Vec<_>>().join(" or "))]
    Kind {
        /// The id.
        found: String,
        /// Its kind.
        found_kind: IdKind,
        /// The kinds allowed here.
        expected: Vec<IdKind>,
    },
}

/// A prefixed identifier, validated on construction.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Id(String);

impl Id {
    /// Parses and validates an id.
    pub fn parse(s: &str) -> Result<Id, IdError> {
        let kind = IdKind::ALL
            .iter()
            .find(|k| s.starts_with(k.prefix()))
            .copied()
            .ok_or_else(|| IdError::Prefix(s.to_string()))?;
        let body = &s[kind.prefix().len()..];
        if kind == IdKind::Country {
            if !crate::country::is_iso_alpha2(body) {
                return Err(IdError::Country(body.to_string()));
            }
        } else if body.is_empty()
            || !body
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        {
            return Err(IdError::Body(s.to_string()));
        }
        Ok(Id(s.to_string()))
    }

    /// Parses an id that must be of one of `kinds`.
    pub fn parse_kind(s: &str, kinds: &[IdKind]) -> Result<Id, IdError> {
        let id = Id::parse(s)?;
        if !kinds.contains(&id.kind()) {
            return Err(IdError::Kind {
                found: s.to_string(),
                found_kind: id.kind(),
                expected: kinds.to_vec(),
            });
        }
        Ok(id)
    }

    /// The id of a country.
    pub fn country(code: &str) -> Result<Id, IdError> {
        Id::parse(&format!("country:{code}"))
    }

    /// The kind read from the prefix (the id was validated on construction, so its first two
    /// bytes decide: every prefix differs from the others there).
    pub fn kind(&self) -> IdKind {
        let b = self.0.as_bytes();
        match (b[0], b.get(1).copied().unwrap_or(0)) {
            (b'l', _) => IdKind::Locality,
            (b'n', _) => IdKind::Network,
            (b'o', _) => IdKind::Organisation,
            (b'p', b'e') => IdKind::Person,
            (b'p', b'r') => IdKind::Practice,
            (b'p', _) => IdKind::Phase,
            (b'e', _) => IdKind::Event,
            (b's', _) => IdKind::Source,
            (b'c', _) => IdKind::Country,
            (b'm', _) => IdKind::Membership,
            (b't', _) => IdKind::Term,
            (b'a', b'f') => IdKind::Affiliation,
            (b'a', _) => IdKind::Adoption,
            (b'r', _) => IdKind::Relation,
            (b'f', _) => IdKind::Fact,
            _ => IdKind::ALL
                .iter()
                .find(|k| self.0.starts_with(k.prefix()))
                .copied()
                .expect("validated on construction"),
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the prefix.
    pub fn body(&self) -> &str {
        &self.0[self.kind().prefix().len()..]
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Id {
    type Error = IdError;
    fn try_from(s: String) -> Result<Id, IdError> {
        Id::parse(&s)
    }
}

impl From<Id> for String {
    fn from(id: Id) -> String {
        id.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_bodies() {
        assert_eq!(Id::parse("loc:saint-etienne").unwrap().kind(), IdKind::Locality);
        assert_eq!(Id::parse("country:IT").unwrap().body(), "IT");
        assert!(matches!(Id::parse("city:turin"), Err(IdError::Prefix(_))));
        for k in IdKind::ALL {
            let id = if k == IdKind::Country {
                "country:IT".to_string()
            } else {
                format!("{}x", k.prefix())
            };
            assert_eq!(Id::parse(&id).unwrap().kind(), k, "{id}");
        }
        assert!(matches!(Id::parse("loc:Turin"), Err(IdError::Body(_))));
        assert!(matches!(Id::parse("loc:"), Err(IdError::Body(_))));
        assert!(matches!(Id::parse("country:XX"), Err(IdError::Country(_))));
        let e = Id::parse_kind("net:x", &[IdKind::Locality, IdKind::Organisation]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "id \"net:x\" is a network id; expected a locality or organisation id"
        );
    }
}
