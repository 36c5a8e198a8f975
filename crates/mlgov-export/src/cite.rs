//! The sources as reference managers read them: BibTeX (Zotero, JabRef, LaTeX) and CSL-JSON
//! (Zotero, Pandoc, citeproc), authors as lists of names, DOI apart from the URL, licence kept.

use mlgov_domain::{Source, SourceKind};
use serde_json::{Value, json};

/// Words that belong to the family name when they precede it (`Ludwig van Beethoven`).
const PARTICLES: [&str; 12] =
    ["van", "von", "de", "der", "den", "di", "da", "du", "del", "della", "le", "la"];

/// A name as given (`Tiziana Caponio`) split into given and family parts; `None` for a corporate
/// name (one word, a domain such as `GeoNames.org`, or a name of a team or project).
pub fn split_name(name: &str) -> Option<(String, String)> {
    let words: Vec<&str> = name.split_whitespace().collect();
    let corporate = words.len() < 2
        || name.contains('.')
        || words.iter().any(|w| {
            ["team", "project", "consortium", "group", "office", "commission", "institute"]
                .contains(&w.to_lowercase().as_str())
        })
        || words
            .iter()
            .any(|w| w.chars().next().is_some_and(|c| c.is_lowercase()) && !PARTICLES.contains(w));
    if corporate {
        return None;
    }
    let mut split = words.len() - 1;
    while split > 1 && PARTICLES.contains(&words[split - 1]) {
        split -= 1;
    }
    Some((words[..split].join(" "), words[split..].join(" ")))
}

/// The citation key of a source: its id without `src:`.
pub fn key(s: &Source) -> String {
    s.id.to_string().trim_start_matches("src:").to_string()
}

/// The DOI when the URL is a doi.org link (or a bare `10.` DOI).
pub fn doi(s: &Source) -> Option<String> {
    let u = s.url.as_deref()?;
    let rest = u
        .strip_prefix("https://doi.org/")
        .or_else(|| u.strip_prefix("http://doi.org/"))
        .or_else(|| u.strip_prefix("https://dx.doi.org/"))
        .or_else(|| u.strip_prefix("doi:"));
    match rest {
        Some(d) => Some(d.to_string()),
        None if u.starts_with("10.") => Some(u.to_string()),
        None => None,
    }
}

fn bibtex_type(k: SourceKind) -> (&'static str, Option<&'static str>) {
    match k {
        SourceKind::Paper | SourceKind::Abstract => ("article", None),
        SourceKind::Report => ("techreport", Some("Report")),
        SourceKind::WorkingPaper => ("techreport", Some("Working paper")),
        SourceKind::Gazetteer | SourceKind::Dataset => ("misc", Some("Dataset")),
        SourceKind::Web | SourceKind::Other => ("misc", None),
    }
}

/// Escapes BibTeX's special characters; the text stays UTF-8 (biber and bibtexparser read it).
fn bib_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '{' | '}' | '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            _ => out.push(c),
        }
    }
    out
}

fn bib_name(n: &str) -> String {
    match split_name(n) {
        Some((given, family)) => format!("{}, {}", bib_escape(&family), bib_escape(&given)),
        // Braced: a corporate author is one name, never split into first and last.
        None => format!("{{{}}}", bib_escape(n)),
    }
}

/// The sources as a BibTeX file (one entry per source, in the given order).
pub fn bibtex(sources: &[Source]) -> String {
    let mut out = String::from("% Sources of the mlgov knowledge base (written by mlgov; UTF-8)\n");
    for s in sources {
        let (ty, kind_note) = bibtex_type(s.kind);
        let mut fields: Vec<(&str, String)> =
            vec![("title", format!("{{{}}}", bib_escape(&s.title)))];
        if !s.authors.is_empty() {
            fields.push((
                "author",
                s.authors.iter().map(|a| bib_name(a)).collect::<Vec<_>>().join(" and "),
            ));
        }
        if let Some(y) = s.year {
            fields.push(("year", y.to_string()));
        }
        if let Some(t) = kind_note {
            fields.push(("type", t.to_string()));
        }
        if let Some(d) = doi(s) {
            fields.push(("doi", bib_escape(&d)));
        }
        if let Some(u) = &s.url {
            // URLs are verbatim in BibTeX (the url package): only braces would break them.
            fields.push(("url", u.replace(['{', '}'], "")));
        }
        if let Some(l) = &s.licence {
            fields.push(("license", bib_escape(l)));
        }
        fields.push(("shorthand", bib_escape(&s.short)));
        out.push_str(&format!("\n@{ty}{{{},\n", key(s)));
        for (k, v) in &fields {
            out.push_str(&format!("  {k} = {{{v}}},\n"));
        }
        out.push_str("}\n");
    }
    out
}

fn csl_type(k: SourceKind) -> &'static str {
    match k {
        SourceKind::Paper | SourceKind::Abstract => "article-journal",
        SourceKind::Report | SourceKind::WorkingPaper => "report",
        SourceKind::Gazetteer | SourceKind::Dataset => "dataset",
        SourceKind::Web => "webpage",
        SourceKind::Other => "document",
    }
}

/// The sources as CSL-JSON items (an array, in the given order).
pub fn csl_json(sources: &[Source]) -> Value {
    Value::Array(
        sources
            .iter()
            .map(|s| {
                let mut item = json!({"id": key(s), "citation-key": key(s), "type": csl_type(s.kind), "title": s.title});
                let m = item.as_object_mut().expect("object");
                if !s.authors.is_empty() {
                    m.insert("author".into(), Value::Array(s.authors.iter().map(|a| match split_name(a) {
                        Some((given, family)) => json!({"given": given, "family": family}),
                        None => json!({"literal": a}),
                    }).collect()));
                }
                if let Some(y) = s.year {
                    m.insert("issued".into(), json!({"date-parts": [[y]]}));
                }
                if let Some(d) = doi(s) {
                    m.insert("DOI".into(), json!(d));
                }
                if let Some(u) = &s.url {
                    m.insert("URL".into(), json!(u));
                }
                if let Some(l) = &s.licence {
                    m.insert("license".into(), json!(l));
                }
                if s.kind == SourceKind::WorkingPaper {
                    m.insert("genre".into(), json!("Working paper"));
                }
                m.insert("note".into(), json!(format!("mlgov source {}", s.id)));
                item
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::split_name;

    #[test]
    fn names_split_into_given_and_family() {
        assert_eq!(split_name("Tiziana Caponio"), Some(("Tiziana".into(), "Caponio".into())));
        assert_eq!(
            split_name("Ludwig van Beethoven"),
            Some(("Ludwig".into(), "van Beethoven".into()))
        );
        assert_eq!(split_name("GeoNames.org"), None);
        assert_eq!(split_name("Debian iso-codes team"), None);
        assert_eq!(split_name("Anthony Clément"), Some(("Anthony".into(), "Clément".into())));
    }
}
