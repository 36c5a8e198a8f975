//! Place-name keys and typo tolerance, shared by search (CLI, API, explorer) and `mlgov reconcile`:
//! generic words dropped ("Comune di", "Ville de", "City of"), abbreviations expanded
//! ("St" → "saint"), and a Damerau–Levenshtein budget that grows with the length of the word.

use crate::text::fold;

/// Generic words before a place's name, folded (longest first within a language).
const PREFIXES: &[&str] = &[
    "metropolitan city of",
    "citta metropolitana di",
    "comune di",
    "citta di",
    "municipio di",
    "ville de",
    "ville d",
    "commune de",
    "commune d",
    "mairie de",
    "mairie d",
    "city of",
    "town of",
    "municipality of",
    "borough of",
    "village of",
    "ayuntamiento de",
    "municipio de",
    "ajuntament de",
    "ajuntament d",
    "concello de",
    "ciudad de",
    "stadt",
    "gemeinde",
    "gemeente",
    "kommune",
    "camara municipal de",
    "camara municipal do",
    "camara municipal da",
    "gmina miejska",
    "stad",
    "gmina",
    "miasto",
    "freie und hansestadt",
    "hansestadt",
    "landeshauptstadt",
    "the",
];
/// Generic words after a place's name, folded.
const SUFFIXES: &[&str] = &[
    "city council",
    "municipality",
    "kommun",
    "kommune",
    "lan",
    "city",
    "town council",
    "stad",
    "gemeente",
    "capitale",
];
/// Suffixes after a genitive in Swedish and Norwegian names ("Jönköpings kommun").
const GENITIVE_SUFFIXES: &[&str] = &["kommun", "kommune", "lan"];
/// Abbreviations in place names, folded → expanded.
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("st", "saint"),
    ("ste", "sainte"),
    ("sta", "santa"),
    ("sto", "santo"),
    ("s", "san"),
    ("mt", "mount"),
    ("ft", "fort"),
];

/// Expands abbreviations word by word in a folded key ("st etienne" → "saint etienne").
pub fn expand_abbreviations(key: &str) -> String {
    key.split(' ')
        .map(|w| ABBREVIATIONS.iter().find(|(a, _)| *a == w).map(|(_, e)| *e).unwrap_or(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The matching key of a place name: folded, bracketed parts dropped ("Torino (TO)"), generic words
/// before and after the name removed ("Comune di Torino", "Ville de Saint-Étienne", "Gävle kommun"),
/// abbreviations expanded. Never empty when the name has letters: "City" stays "city".
///
/// ```
/// use mlgov_domain::names::place_key;
/// assert_eq!(place_key("Comune di Torino"), "torino");
/// assert_eq!(place_key("Ville de St-Étienne"), "saint etienne");
/// assert_eq!(place_key("Gävle kommun"), "gavle");
/// ```
pub fn place_key(name: &str) -> String {
    let mut s = String::with_capacity(name.len());
    let mut depth = 0usize;
    for c in name.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => s.push(c),
            _ => {}
        }
    }
    let folded = fold(&s);
    let mut key = folded.as_str();
    for p in PREFIXES {
        if let Some(rest) = key.strip_prefix(p).and_then(|r| r.strip_prefix(' ')) {
            key = rest;
            break;
        }
    }
    for suf in SUFFIXES {
        if let Some(rest) = key.strip_suffix(suf).and_then(|r| r.strip_suffix(' ')) {
            key = rest;
            break;
        }
    }
    let key = if key.is_empty() { folded.as_str() } else { key };
    expand_abbreviations(key)
}

/// The keys to look a name up by: [`place_key`], and the same without a genitive `s` when a
/// Scandinavian suffix was dropped ("Jönköpings kommun" → "jonkopings", "jonkoping").
pub fn place_key_variants(name: &str) -> Vec<String> {
    let key = place_key(name);
    let folded = fold(name);
    let mut out = vec![key.clone()];
    if GENITIVE_SUFFIXES.iter().any(|s| folded.ends_with(&format!(" {s}")))
        && let Some(stem) = key.strip_suffix('s')
        && !stem.is_empty()
    {
        out.push(stem.to_string());
    }
    out
}

/// How many edits a word of `len` characters may carry and still match: none below 4, one up to
/// 7, two from 8 (the budget of common spelling-tolerant search engines).
pub fn typo_budget(len: usize) -> usize {
    match len {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// The optimal-string-alignment (Damerau–Levenshtein) distance between two folded keys, in characters.
pub fn distance(a: &str, b: &str) -> usize {
    strsim::osa_distance(a, b)
}

/// Whether `query` matches `key` within the typo budget of the query's length; the distance if so.
pub fn within_typos(query: &str, key: &str) -> Option<usize> {
    let budget = typo_budget(query.chars().count());
    if budget == 0 || query.chars().count().abs_diff(key.chars().count()) > budget {
        return (query == key).then_some(0);
    }
    let d = distance(query, key);
    (d <= budget).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_drop_generic_words_and_expand_abbreviations() {
        assert_eq!(place_key("Città di Torino"), "torino");
        assert_eq!(place_key("City of San Francisco"), "san francisco");
        assert_eq!(place_key("Torino (TO)"), "torino");
        assert_eq!(place_key("St. Etienne"), "saint etienne");
        assert_eq!(place_key("Ayuntamiento de Málaga"), "malaga");
        assert_eq!(place_key("City"), "city");
        assert_eq!(place_key("The Hague"), "hague");
        assert_eq!(place_key("Landeshauptstadt München"), "munchen");
        assert_eq!(place_key("Roma Capitale"), "roma");
        assert_eq!(place_key_variants("Jönköpings kommun"), ["jonkopings", "jonkoping"]);
    }

    #[test]
    fn typo_budget_grows_with_length() {
        assert_eq!(within_typos("eurocites", "eurocities"), Some(1));
        assert_eq!(within_typos("gavel", "gavle"), Some(1), "a transposition is one edit");
        assert_eq!(within_typos("rome", "roma"), Some(1));
        assert_eq!(within_typos("bar", "bat"), None, "short words must match exactly");
        assert_eq!(within_typos("turin", "berlin"), None);
    }
}
