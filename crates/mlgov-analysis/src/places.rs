//! Located localities with their attributes, and their GeoJSON (RFC 7946) for QGIS, geopandas and
//! web maps: one home for "where is it and what is it", shared by `mlgov export --format geojson`
//! and `GET /api/v1/localities.geojson`. Anonymised localities are never placed.

use crate::profile::{OBSERVED, sourced_attribute, sourced_size_class};
use mlgov_domain::{Id, KnowledgeBase, Property};
use serde::Serialize;
use serde_json::{Value, json};

/// GeoNames' attribution (CC BY 4.0), carried by every export that holds its coordinates.
pub const GEONAMES_ATTRIBUTION: &str =
    "Coordinates and populations: GeoNames.org (CC BY 4.0), snapshot 2020-02-02";

/// Which localities.
#[derive(Clone, Debug, Default)]
pub struct PlaceFilter {
    /// Only members of this network (at any time, or in `year`).
    pub network: Option<Id>,
    /// Only memberships running in this year (with `network`), and the membership list limited to it.
    pub year: Option<i32>,
    /// Only localities of this country.
    pub country: Option<String>,
}

/// One spell of membership, for the feature's properties.
#[derive(Clone, Debug, Serialize)]
pub struct Spell {
    /// Network id.
    pub network: String,
    /// Network name.
    pub name: String,
    /// Role.
    pub role: String,
    /// First year.
    pub from: Option<i32>,
    /// Last year (open when absent).
    pub to: Option<i32>,
}

/// A located locality with its attributes.
#[derive(Clone, Debug, Serialize)]
pub struct LocatedLocality {
    /// `loc:` id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Administrative kind.
    pub kind: String,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// Country name.
    pub country_name: String,
    /// ISO 3166-2 code.
    pub subdivision: Option<String>,
    /// Latitude (WGS84).
    pub lat: f64,
    /// Longitude (WGS84).
    pub lon: f64,
    /// Source of the coordinates.
    pub coord_source: String,
    /// GeoNames id.
    pub geonames_id: Option<u64>,
    /// Latest stated population.
    pub population: Option<u64>,
    /// Size class.
    pub size_class: Option<String>,
    /// How the size class is known (observed or assumed from the population with the thresholds).
    pub size_class_basis: Option<String>,
    /// Policy outcome (Whole-COMM), when stated.
    pub policy_outcome: Option<String>,
    /// Memberships of localities in networks (within the filter's year).
    pub memberships: Vec<Spell>,
}

/// The located, named localities that pass the filter, sorted by id.
pub fn located(kb: &KnowledgeBase, filter: &PlaceFilter) -> Vec<LocatedLocality> {
    let mut out = Vec::new();
    for l in kb.localities.iter().filter(|l| !l.anonymised) {
        if filter.country.as_ref().is_some_and(|c| c != &l.country) {
            continue;
        }
        let Some(p) = kb.place(&l.id) else { continue };
        let (Some(lat), Some(lon)) = (p.lat, p.lon) else { continue };
        let spells: Vec<Spell> = kb
            .memberships_of(&l.id)
            .into_iter()
            .filter(|m| filter.year.is_none_or(|y| m.when.contains_year(y)))
            .map(|m| Spell {
                network: m.network.to_string(),
                name: kb.display_name(&m.network),
                role: m.role.to_string(),
                from: m.when.start_year(),
                to: m.when.end_year(),
            })
            .collect();
        if let Some(n) = &filter.network
            && !spells.iter().any(|s| s.network == n.as_str())
        {
            continue;
        }
        let size = sourced_size_class(kb, &l.id);
        let outcome = sourced_attribute(kb, &l.id, Property::PolicyOutcome);
        out.push(LocatedLocality {
            id: l.id.to_string(),
            name: l.name.clone(),
            kind: l.kind.to_string(),
            country: l.country.clone(),
            country_name: mlgov_domain::country::country_name(&l.country)
                .unwrap_or(&l.country)
                .to_string(),
            subdivision: p.subdivision.clone(),
            lat,
            lon,
            coord_source: p.coord_source.map(|s| kb.display_name(&s)).unwrap_or_default(),
            geonames_id: p.geonames_id,
            population: p.population,
            size_class: (size.status != crate::profile::NOT_IN_DATA).then(|| size.value.clone()),
            size_class_basis: (size.status != crate::profile::NOT_IN_DATA)
                .then(|| format!("{}: {}", size.status, size.source)),
            policy_outcome: (outcome.status == OBSERVED).then_some(outcome.value),
            memberships: spells,
        });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// A GeoJSON FeatureCollection of `places`: Point geometries in WGS84 (longitude, latitude), flat
/// properties that QGIS and geopandas read as columns (memberships as `;`-joined text and as ids),
/// and the attribution as a foreign member and a property. A view that serialises feature by
/// feature (`serde_json::to_writer`): no document tree is built, which at 20,000 localities with a
/// million memberships is the difference between writing the 60 MB text and holding ten times it.
pub fn geojson<'a>(
    kb: &KnowledgeBase,
    places: &'a [LocatedLocality],
    title: &'a str,
) -> FeatureCollection<'a> {
    FeatureCollection {
        kind: "FeatureCollection",
        name: title,
        attribution: GEONAMES_ATTRIBUTION,
        note: format!(
            "{} located localities of {} in the knowledge base; anonymised localities are never placed",
            places.len(),
            kb.localities.len()
        ),
        features: Features(places),
    }
}

/// The GeoJSON document of [`geojson`].
#[derive(Serialize)]
pub struct FeatureCollection<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'a str,
    attribution: &'static str,
    note: String,
    features: Features<'a>,
}

/// The features, each serialised when written.
pub struct Features<'a>(&'a [LocatedLocality]);

impl Serialize for Features<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        ser.collect_seq(self.0.iter().map(feature))
    }
}

/// One locality as a GeoJSON Feature.
fn feature(p: &LocatedLocality) -> Value {
    let spells = p
        .memberships
        .iter()
        .map(|s| {
            format!(
                "{} ({}–{}, {})",
                s.name,
                s.from.map(|y| y.to_string()).unwrap_or_else(|| "?".into()),
                s.to.map(|y| y.to_string()).unwrap_or_default(),
                s.role
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut nets: Vec<&str> = p.memberships.iter().map(|s| s.network.as_str()).collect();
    nets.dedup();
    json!({
        "type": "Feature",
        "id": p.id,
        "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
        "properties": {
            "id": p.id, "name": p.name, "kind": p.kind, "country": p.country, "country_name": p.country_name,
            "subdivision": p.subdivision, "geonames_id": p.geonames_id, "population": p.population,
            "size_class": p.size_class, "size_class_basis": p.size_class_basis, "policy_outcome": p.policy_outcome,
            "networks": nets.join(";"), "memberships": spells, "n_networks": nets.len(),
            "coord_source": p.coord_source, "attribution": GEONAMES_ATTRIBUTION,
        }
    })
}
