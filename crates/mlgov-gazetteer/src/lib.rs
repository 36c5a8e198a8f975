//! mlgov's offline gazetteer: an embedded GeoNames extract (see `scripts/gazetteer/build.py` and
//! docs/gazetteer.md), ISO 3166-2 region outlines for shading maps, and the reconciler that matches
//! free-text place names with stored localities and gazetteer places ([`reconcile`]).

pub mod reconcile;

use mlgov_domain::names::place_key;
use std::collections::HashMap;
use std::io::Read;
use std::sync::OnceLock;

/// The attribution GeoNames' licence (CC BY 4.0) asks for, shown in the explorer and the exports.
pub const ATTRIBUTION: &str = "Places: GeoNames.org (CC BY 4.0), snapshot 2020-02-02";

const PLACES_GZ: &[u8] = include_bytes!("../data/places.tsv.gz");
const REGIONS_TSV: &str = include_str!("../data/regions.tsv");

/// A populated place of the extract.
#[derive(Clone, Debug, PartialEq)]
pub struct GeoPlace {
    /// GeoNames id.
    pub geonameid: u64,
    /// GeoNames' name.
    pub name: String,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// GeoNames admin1 code.
    pub admin1: String,
    /// Latitude (WGS84).
    pub lat: f64,
    /// Longitude (WGS84).
    pub lon: f64,
    /// Population as GeoNames lists it.
    pub population: u64,
    /// Latin-script alternate names (exonyms, endonyms, historic names).
    pub alternate_names: Vec<String>,
}

/// An ISO 3166-2 subdivision with an approximate outline.
#[derive(Clone, Debug, PartialEq)]
pub struct Region {
    /// ISO 3166-2 code.
    pub code: String,
    /// Name as iso-codes gives it.
    pub name: String,
    /// GeoNames admin1 code (identified through an anchor place inside it).
    pub admin1: String,
    /// Region labels the sources use for it.
    pub labels: Vec<String>,
    /// Outline ring (longitude, latitude): the convex hull of the GeoNames places with its admin1
    /// code — approximate, for shading, never for locating anything.
    pub outline: Vec<(f64, f64)>,
}

/// The embedded gazetteer.
#[derive(Debug)]
pub struct Gazetteer {
    places: Vec<GeoPlace>,
    by_id: HashMap<u64, usize>,
    by_key: HashMap<String, Vec<(usize, bool)>>,
    regions: Vec<Region>,
}

/// The embedded ISO 3166-2 regions with outlines, parsed once per process without the places
/// (12 KB: cheap enough for every map page).
pub fn regions() -> &'static [Region] {
    static R: OnceLock<Vec<Region>> = OnceLock::new();
    R.get_or_init(|| parse_regions(REGIONS_TSV).expect("the embedded region table is well formed"))
}

/// An embedded region by ISO 3166-2 code.
pub fn region(code: &str) -> Option<&'static Region> {
    regions().iter().find(|r| r.code == code)
}

/// Parses a region table (`regions.tsv`).
pub fn parse_regions(regions_tsv: &str) -> Result<Vec<Region>, String> {
    let mut regions = Vec::new();
    for (i, line) in regions_tsv
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.starts_with("code\t"))
    {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() != 7 {
            return Err(format!(
                "regions.tsv line {}: expected 7 fields, found {}",
                i + 1,
                f.len()
            ));
        }
        let outline = f[6]
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(|p| {
                p.split_once(',')
                    .and_then(|(x, y)| Some((x.parse().ok()?, y.parse().ok()?)))
                    .ok_or_else(|| format!("regions.tsv line {}: bad point {p:?}", i + 1))
            })
            .collect::<Result<Vec<(f64, f64)>, String>>()?;
        regions.push(Region {
            code: f[0].into(),
            name: f[1].into(),
            admin1: f[4].into(),
            labels: f[5].split('|').filter(|s| !s.is_empty()).map(String::from).collect(),
            outline,
        });
    }
    Ok(regions)
}

impl Gazetteer {
    /// The embedded extract, parsed once per process (≈ 70,000 places).
    pub fn bundled() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(|| {
            let mut text = String::new();
            flate2::read::GzDecoder::new(PLACES_GZ)
                .read_to_string(&mut text)
                .expect("the embedded extract is valid gzip UTF-8");
            Gazetteer::parse(&text, REGIONS_TSV).expect("the embedded extract is well formed")
        })
    }

    /// Parses an extract (`places.tsv`) and the region table (`regions.tsv`).
    pub fn parse(places_tsv: &str, regions_tsv: &str) -> Result<Gazetteer, String> {
        let mut places = Vec::new();
        for (i, line) in places_tsv
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.starts_with('#') && !l.starts_with("geonameid\t"))
        {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() != 8 {
                return Err(format!(
                    "places.tsv line {}: expected 8 tab-separated fields, found {}",
                    i + 1,
                    f.len()
                ));
            }
            let num = |s: &str, what: &str| {
                s.parse::<f64>()
                    .map_err(|_| format!("places.tsv line {}: {what} {s:?} is not a number", i + 1))
            };
            places.push(GeoPlace {
                geonameid: num(f[0], "geonameid")? as u64,
                name: f[1].to_string(),
                country: f[2].to_string(),
                admin1: f[3].to_string(),
                lat: num(f[4], "lat")?,
                lon: num(f[5], "lon")?,
                population: num(f[6], "population")? as u64,
                alternate_names: f[7]
                    .split('|')
                    .filter(|s| !s.is_empty())
                    .map(String::from)
                    .collect(),
            });
        }
        let mut by_id = HashMap::with_capacity(places.len());
        let mut by_key: HashMap<String, Vec<(usize, bool)>> =
            HashMap::with_capacity(places.len() * 3);
        for (i, p) in places.iter().enumerate() {
            by_id.insert(p.geonameid, i);
            by_key.entry(place_key(&p.name)).or_default().push((i, true));
            for a in &p.alternate_names {
                let k = place_key(a);
                let e = by_key.entry(k).or_default();
                if !e.iter().any(|(j, _)| *j == i) {
                    e.push((i, false));
                }
            }
        }
        let regions = parse_regions(regions_tsv)?;
        Ok(Gazetteer { places, by_id, by_key, regions })
    }

    /// Number of places.
    pub fn len(&self) -> usize {
        self.places.len()
    }

    /// Whether the extract is empty.
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }

    /// All places.
    pub fn places(&self) -> &[GeoPlace] {
        &self.places
    }

    /// A place by GeoNames id.
    pub fn get(&self, geonameid: u64) -> Option<&GeoPlace> {
        self.by_id.get(&geonameid).map(|&i| &self.places[i])
    }

    /// Places whose name or an alternate name has this matching key ([`place_key`]); the flag says
    /// whether it is GeoNames' main name.
    pub fn by_key(&self, key: &str) -> impl Iterator<Item = (&GeoPlace, bool)> {
        self.by_key.get(key).into_iter().flatten().map(|&(i, main)| (&self.places[i], main))
    }

    /// Every matching key with its places (for typo-tolerant scans).
    pub fn keys(&self) -> impl Iterator<Item = (&str, impl Iterator<Item = (&GeoPlace, bool)>)> {
        self.by_key
            .iter()
            .map(|(k, v)| (k.as_str(), v.iter().map(|&(i, main)| (&self.places[i], main))))
    }

    /// The ISO 3166-2 regions with outlines.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// A region by ISO 3166-2 code.
    pub fn region(&self, code: &str) -> Option<&Region> {
        self.regions.iter().find(|r| r.code == code)
    }
}
