//! Countries (ISO 3166-1 alpha-2, plus XK for Kosovo) and ISO 3166-2 subdivision codes, from the
//! generated tables in `iso3166_data.rs` (Debian iso-codes via pycountry; `scripts/gazetteer/build.py`).

#[path = "iso3166_data.rs"]
mod data;

pub use data::{COUNTRIES, SUBDIVISIONS};

/// Whether `code` is a country code mlgov accepts (upper case): an officially assigned ISO 3166-1
/// alpha-2 code, or `XK` (Kosovo: a user-assigned code that the EU, GeoNames and CLDR use).
pub fn is_iso_alpha2(code: &str) -> bool {
    COUNTRIES.binary_search_by(|(c, _)| (*c).cmp(code)).is_ok()
}

/// The English name of a country code.
pub fn country_name(code: &str) -> Option<&'static str> {
    COUNTRIES.binary_search_by(|(c, _)| (*c).cmp(code)).ok().map(|i| COUNTRIES[i].1)
}

/// Whether `code` is an ISO 3166-2 subdivision code (`IT-21`, `SE-X`, `BE-VLG`).
pub fn is_subdivision(code: &str) -> bool {
    SUBDIVISIONS.binary_search_by(|(c, _)| (*c).cmp(code)).is_ok()
}

/// The name of an ISO 3166-2 subdivision as iso-codes gives it (`IT-21` → "Piemonte").
pub fn subdivision_name(code: &str) -> Option<&'static str> {
    SUBDIVISIONS.binary_search_by(|(c, _)| (*c).cmp(code)).ok().map(|i| SUBDIVISIONS[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorted_and_known() {
        assert!(COUNTRIES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(SUBDIVISIONS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(
            is_iso_alpha2("IT")
                && is_iso_alpha2("GB")
                && !is_iso_alpha2("UK")
                && !is_iso_alpha2("it")
        );
        assert!(is_iso_alpha2("XK"), "Kosovo is accepted");
        assert_eq!(country_name("XK"), Some("Kosovo"));
        assert!(is_subdivision("IT-21") && is_subdivision("SE-X") && !is_subdivision("IT-99"));
        assert_eq!(subdivision_name("IT-21"), Some("Piemonte"));
    }
}
