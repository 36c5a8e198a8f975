//! A citable release of the public base: a Frictionless Data Package (`datapackage.json` with a
//! table schema per CSV resource, licences, sources, sizes and SHA-256 hashes), the same tables
//! as Parquet and as one XLSX workbook, the sources as BibTeX and CSL-JSON, a `CITATION.cff`, a
//! `.zenodo.json` deposit metadata file, a README, and the published (disclosure-controlled)
//! survey releases. Raw survey answers are never part of it.
//!
//! [`build`] returns the files in memory (the server zips them for the bulk download); the CLI
//! writes them into a directory.

use mlgov_domain::{ColumnType, KnowledgeBase};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::ExportError;
use crate::table::{Table, json_tables, sorted_kb_tables};
use crate::xlsx::{ReadMe, XlsxOptions, workbook};

/// What the release says about itself.
#[derive(Clone, Debug)]
pub struct ReleaseMeta {
    /// Title of the dataset.
    pub title: String,
    /// Version (`2026.12.07`, `1.0.0`).
    pub version: String,
    /// Release date (`YYYY-MM-DD`).
    pub date: String,
    /// SPDX id of the licence of the compilation (`CC-BY-4.0`).
    pub licence: String,
    /// Creators: `(given, family)` persons or corporate names (`family` empty).
    pub creators: Vec<String>,
    /// A paragraph saying what the data are.
    pub description: String,
    /// The software that wrote it (`mlgov 0.1.0`).
    pub generator: String,
    /// Keywords.
    pub keywords: Vec<String>,
}

/// A published survey release to include: its name, number, `k` and its figures (JSON, as served).
#[derive(Clone, Debug)]
pub struct SurveyRelease {
    /// Survey name.
    pub survey: String,
    /// Release number.
    pub number: i64,
    /// Minimum cell size in force.
    pub min_cell: i64,
    /// When it was published.
    pub created_at: String,
    /// The published figures (JSON text).
    pub content: String,
}

/// One file of the release: its path inside the release and its bytes.
#[derive(Clone, Debug)]
pub struct ReleaseFile {
    /// Relative path with `/` separators.
    pub path: String,
    /// Content.
    pub bytes: Vec<u8>,
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// SPDX id → (title, URL) of the licences most data releases use.
fn licence_info(id: &str) -> (String, String) {
    let url = match id {
        "CC-BY-4.0" => "https://creativecommons.org/licenses/by/4.0/",
        "CC-BY-SA-4.0" => "https://creativecommons.org/licenses/by-sa/4.0/",
        "CC0-1.0" => "https://creativecommons.org/publicdomain/zero/1.0/",
        "ODbL-1.0" => "https://opendatacommons.org/licenses/odbl/1-0/",
        "PDDL-1.0" => "https://opendatacommons.org/licenses/pddl/1-0/",
        "LGPL-2.1-or-later" => "https://spdx.org/licenses/LGPL-2.1-or-later.html",
        _ => "",
    };
    (
        id.to_string(),
        if url.is_empty() {
            format!("https://spdx.org/licenses/{id}.html")
        } else {
            url.to_string()
        },
    )
}

/// The Frictionless field of a column.
fn field(c: &crate::table::Col) -> Value {
    let (ty, extra) = match c.ty {
        ColumnType::Integer => ("integer", json!({})),
        ColumnType::Number => ("number", json!({})),
        ColumnType::Boolean => {
            ("boolean", json!({"trueValues": ["true"], "falseValues": ["false"]}))
        }
        // A partial date is not a Frictionless `date` (which needs a day): a pattern says its form.
        ColumnType::Date => {
            ("string", json!({"constraints": {"pattern": "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"}}))
        }
        ColumnType::List => ("string", json!({})),
        ColumnType::Text => ("string", json!({})),
    };
    let mut f = json!({"name": c.name, "type": ty, "description": c.doc});
    let m = f.as_object_mut().expect("object");
    if let Value::Object(e) = extra {
        for (k, v) in e {
            if k == "constraints" {
                let mut cons = v;
                if c.required {
                    cons["required"] = json!(true);
                }
                m.insert(k, cons);
            } else {
                m.insert(k, v);
            }
        }
    }
    if c.required && !m.contains_key("constraints") {
        m.insert("constraints".into(), json!({"required": true}));
    }
    if c.ty == ColumnType::List {
        m.insert("description".into(), json!(format!("{} (items separated by `;`)", c.doc)));
    }
    f
}

fn yaml_str(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A file of the package that is not re-validated as a table (Parquet, XLSX, citations, survey
/// releases): its path, resource name, format, media type, title and bytes.
struct Extra {
    path: String,
    name: String,
    format: &'static str,
    mediatype: &'static str,
    title: String,
    bytes: Vec<u8>,
}

const XLSX_MEDIATYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Every file of the release.
///
/// # Errors
/// An [`ExportError`] when a table cannot be written (Parquet or XLSX writer).
pub fn build(
    kb: &KnowledgeBase,
    meta: &ReleaseMeta,
    surveys: &[SurveyRelease],
    raw: bool,
) -> Result<Vec<ReleaseFile>, ExportError> {
    // One sorted copy of the base serves the tables' schemas and the CSV files.
    let mut sorted = kb.clone();
    sorted.sort();
    let tables = sorted_kb_tables(&sorted);
    let mut files: Vec<ReleaseFile> = Vec::new();
    let mut resources = csv_resources(&sorted, &tables, raw, &mut files);

    // Parquet, XLSX, citations: listed as files of the package (not re-validated as tables).
    let mut extra = parquet_files(&tables, meta)?;
    extra.push(workbook_file(&sorted, &tables, meta, raw)?);
    extra.extend(citation_files(&sorted));
    // Published survey releases: the figures viewers and the public see, never raw answers.
    for r in surveys {
        extra.extend(survey_files(r, raw)?);
    }
    for Extra { path, name, format, mediatype, title, bytes } in extra {
        resources.push(json!({"name": name.to_lowercase().replace(|c: char| !c.is_ascii_alphanumeric() && c != '-' && c != '_' && c != '.', "-"), "path": path, "title": title, "type": "file", "format": format, "mediatype": mediatype, "bytes": bytes.len(), "hash": format!("sha256:{}", sha256(&bytes))}));
        files.push(ReleaseFile { path, bytes });
    }

    files.push(ReleaseFile {
        path: "datapackage.json".into(),
        bytes: serde_json::to_vec_pretty(&datapackage(meta, &sorted, resources)).expect("JSON"),
    });
    files.push(ReleaseFile {
        path: "CITATION.cff".into(),
        bytes: citation_cff(meta, &sorted).into_bytes(),
    });
    files.push(ReleaseFile {
        path: ".zenodo.json".into(),
        bytes: serde_json::to_vec_pretty(&zenodo(meta, &sorted)).expect("JSON"),
    });
    let readme = readme(meta, &sorted, &tables, &files, raw);
    files.push(ReleaseFile { path: "README.md".into(), bytes: readme.into_bytes() });
    Ok(files)
}

/// The CSV files, exactly as `mlgov export` writes them (importable with `mlgov import data/`),
/// pushed to `files`; their tabular resources with schemas and foreign keys.
fn csv_resources(
    sorted: &KnowledgeBase,
    tables: &[Table],
    raw: bool,
    files: &mut Vec<ReleaseFile>,
) -> Vec<Value> {
    struct Csv(Vec<(String, Vec<u8>)>, bool);
    impl mlgov_domain::TableVisitor for Csv {
        fn table<R: mlgov_domain::Record>(&mut self, rows: &[R]) {
            self.0.push((R::FILE.to_string(), mlgov_interchange::table_to_csv_with(rows, self.1)));
        }
    }
    let mut csv = Csv(Vec::new(), raw);
    sorted.visit(&mut csv);
    let mut resources = Vec::new();
    for ((file, bytes), t) in csv.0.into_iter().zip(tables) {
        let path = format!("data/{file}");
        let mut schema = json!({"fields": t.columns.iter().map(field).collect::<Vec<_>>(), "primaryKey": ["id"]});
        let fks: Vec<Value> = t
            .columns
            .iter()
            .filter_map(|c| match (t.name.as_str(), c.name.as_str()) {
                ("sources", _) => None,
                (_, "source") | (_, "coord_source") => Some(json!({"fields": [c.name], "reference": {"resource": "sources", "fields": ["id"]}})),
                ("memberships", "network") => Some(json!({"fields": ["network"], "reference": {"resource": "networks", "fields": ["id"]}})),
                _ => None,
            })
            .collect();
        if !fks.is_empty() {
            schema["foreignKeys"] = json!(fks);
        }
        resources.push(json!({
            "name": t.name, "path": path, "title": t.title, "type": "table", "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "bytes": bytes.len(), "hash": format!("sha256:{}", sha256(&bytes)),
            "dialect": {"delimiter": ",", "lineTerminator": "\n", "header": true},
            "schema": schema,
        }));
        files.push(ReleaseFile { path, bytes });
    }
    resources
}

/// Every table as a Parquet file.
fn parquet_files(tables: &[Table], meta: &ReleaseMeta) -> Result<Vec<Extra>, ExportError> {
    tables
        .iter()
        .map(|t| {
            Ok(Extra {
                path: format!("parquet/{}.parquet", t.name),
                name: format!("{}-parquet", t.name),
                format: "parquet",
                mediatype: "application/vnd.apache.parquet",
                title: format!("{} (Parquet, typed columns)", t.title),
                bytes: crate::parquet::parquet_bytes(t, &[("mlgov.release", &meta.version)])?,
            })
        })
        .collect()
}

/// Every table as one workbook, with a README sheet that names the release and its sources.
fn workbook_file(
    sorted: &KnowledgeBase,
    tables: &[Table],
    meta: &ReleaseMeta,
    raw: bool,
) -> Result<Extra, ExportError> {
    let sources_table: Vec<(String, String)> = sorted
        .sources
        .iter()
        .map(|s| {
            (
                s.id.to_string(),
                format!(
                    "{} — {}{}{}",
                    s.short,
                    s.title,
                    s.licence.as_ref().map(|l| format!(" (licence {l})")).unwrap_or_default(),
                    s.url.as_ref().map(|u| format!(" {u}")).unwrap_or_default()
                ),
            )
        })
        .collect();
    let mut readme_lines = vec![
        ("Title".to_string(), meta.title.clone()),
        ("Version".into(), meta.version.clone()),
        ("Released".into(), meta.date.clone()),
        ("Licence".into(), format!("{} ({})", meta.licence, licence_info(&meta.licence).1)),
        ("Written by".into(), meta.generator.clone()),
        ("What it is".into(), meta.description.clone()),
        (
            "Cells".into(),
            if raw {
                "Cells exactly as stored.".into()
            } else {
                "Text that a spreadsheet could read as a formula is marked as text.".to_string()
            },
        ),
    ];
    for t in tables {
        readme_lines
            .push((format!("Sheet {}", t.name), format!("{}: {} rows", t.title, t.rows.len())));
    }
    readme_lines.extend(sources_table);
    let xlsx = workbook(
        tables,
        Some(&ReadMe { title: meta.title.clone(), lines: readme_lines }),
        XlsxOptions { raw },
    )?;
    Ok(Extra {
        path: "mlgov-knowledge-base.xlsx".into(),
        name: "workbook".into(),
        format: "xlsx",
        mediatype: XLSX_MEDIATYPE,
        title: "Every table as one workbook, with a README sheet".into(),
        bytes: xlsx,
    })
}

/// The sources as BibTeX and CSL-JSON.
fn citation_files(sorted: &KnowledgeBase) -> [Extra; 2] {
    let csl = serde_json::to_vec_pretty(&crate::cite::csl_json(&sorted.sources)).expect("JSON");
    [
        Extra {
            path: "sources.bib".into(),
            name: "sources-bibtex".into(),
            format: "bib",
            mediatype: "application/x-bibtex",
            title: "The sources as BibTeX".into(),
            bytes: crate::cite::bibtex(&sorted.sources).into_bytes(),
        },
        Extra {
            path: "sources.csl.json".into(),
            name: "sources-csl".into(),
            format: "json",
            mediatype: "application/vnd.citationstyles.csl+json",
            title: "The sources as CSL-JSON".into(),
            bytes: csl,
        },
    ]
}

/// A published survey release as JSON (as served) and as a workbook.
fn survey_files(r: &SurveyRelease, raw: bool) -> Result<[Extra; 2], ExportError> {
    let base = format!("surveys/{}-release-{}", r.survey, r.number);
    let content: Value = serde_json::from_str(&r.content).map_err(|e| {
        ExportError::Invalid(format!("survey {} release {}: {e}", r.survey, r.number))
    })?;
    let title = format!(
        "Survey {:?}, release {} (k = {}, published {})",
        r.survey, r.number, r.min_cell, r.created_at
    );
    let tables = json_tables(&content, &r.survey);
    let wb = workbook(
        &tables,
        Some(&ReadMe {
            title: title.clone(),
            lines: vec![(
                "Rule".into(),
                format!(
                    "Every published cell rests on at least {} respondents; suppressed cells are empty.",
                    r.min_cell
                ),
            )],
        }),
        XlsxOptions { raw },
    )?;
    Ok([
        Extra {
            path: format!("{base}.json"),
            name: format!("survey-{}-release-{}", r.survey, r.number),
            format: "json",
            mediatype: "application/json",
            title: title.clone(),
            bytes: r.content.clone().into_bytes(),
        },
        Extra {
            path: format!("{base}.xlsx"),
            name: format!("survey-{}-release-{}-xlsx", r.survey, r.number),
            format: "xlsx",
            mediatype: XLSX_MEDIATYPE,
            title: format!("{title}, as a workbook"),
            bytes: wb,
        },
    ])
}

/// `datapackage.json`: the package's metadata, licences, sources and resources.
fn datapackage(meta: &ReleaseMeta, sorted: &KnowledgeBase, resources: Vec<Value>) -> Value {
    let (lic_title, lic_url) = licence_info(&meta.licence);
    let name = meta
        .title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>();
    let name = name.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-");
    json!({
        "profile": "data-package",
        "name": name, "title": meta.title, "version": meta.version, "created": format!("{}T00:00:00Z", meta.date),
        "description": meta.description, "keywords": meta.keywords,
        "licenses": [{"name": lic_title, "path": lic_url, "title": format!("{} (the compilation; each source keeps its own licence)", meta.licence)}],
        "contributors": meta.creators.iter().map(|c| json!({"title": c, "role": "author"})).collect::<Vec<_>>(),
        "sources": sorted.sources.iter().map(|s| {
            let mut v = json!({"title": format!("{} — {}", s.short, s.title)});
            if let Some(u) = &s.url { v["path"] = json!(u); }
            v
        }).collect::<Vec<_>>(),
        "resources": resources,
    })
}

/// One person of `CITATION.cff` (family and given names, or one name), its first line opened by
/// `indent` and `- `.
fn cff_person(cff: &mut String, indent: &str, name: &str) {
    match crate::cite::split_name(name) {
        Some((given, family)) => cff.push_str(&format!(
            "{indent}- family-names: {}\n{indent}  given-names: {}\n",
            yaml_str(&family),
            yaml_str(&given)
        )),
        None => cff.push_str(&format!("{indent}- name: {}\n", yaml_str(name))),
    }
}

/// `CITATION.cff` (Citation File Format 1.2.0), the sources as references.
fn citation_cff(meta: &ReleaseMeta, sorted: &KnowledgeBase) -> String {
    let mut cff = format!(
        "# Citation File Format (https://citation-file-format.github.io/), written by {}\ncff-version: 1.2.0\nmessage: \"If you use these data, please cite them as below, and cite the sources each statement names.\"\ntype: dataset\ntitle: {}\nversion: {}\ndate-released: \"{}\"\nlicense: {}\nabstract: {}\nauthors:\n",
        meta.generator,
        yaml_str(&meta.title),
        yaml_str(&meta.version),
        meta.date,
        meta.licence,
        yaml_str(&meta.description)
    );
    for c in &meta.creators {
        cff_person(&mut cff, "  ", c);
    }
    if !meta.keywords.is_empty() {
        cff.push_str("keywords:\n");
        for k in &meta.keywords {
            cff.push_str(&format!("  - {}\n", yaml_str(k)));
        }
    }
    cff.push_str("references:\n");
    for s in &sorted.sources {
        let ty = match s.kind {
            mlgov_domain::SourceKind::Paper | mlgov_domain::SourceKind::Abstract => "article",
            mlgov_domain::SourceKind::Report | mlgov_domain::SourceKind::WorkingPaper => "report",
            mlgov_domain::SourceKind::Gazetteer | mlgov_domain::SourceKind::Dataset => "data",
            mlgov_domain::SourceKind::Web => "website",
            mlgov_domain::SourceKind::Other => "generic",
        };
        cff.push_str(&format!("  - type: {ty}\n    title: {}\n    authors:\n", yaml_str(&s.title)));
        if s.authors.is_empty() {
            cff.push_str(&format!("      - name: {}\n", yaml_str(&s.short)));
        }
        for a in &s.authors {
            cff_person(&mut cff, "      ", a);
        }
        if let Some(y) = s.year {
            cff.push_str(&format!("    year: {y}\n"));
        }
        if let Some(d) = crate::cite::doi(s) {
            cff.push_str(&format!("    doi: {}\n", yaml_str(&d)));
        } else if let Some(u) = &s.url {
            cff.push_str(&format!("    url: {}\n", yaml_str(u)));
        }
    }
    cff
}

/// Zenodo deposit metadata (GitHub integration's `.zenodo.json`; the same body for the REST API).
fn zenodo(meta: &ReleaseMeta, sorted: &KnowledgeBase) -> Value {
    json!({
        "upload_type": "dataset",
        "title": meta.title,
        "version": meta.version,
        "publication_date": meta.date,
        "description": meta.description,
        "creators": meta.creators.iter().map(|c| match crate::cite::split_name(c) {
            Some((given, family)) => json!({"name": format!("{family}, {given}")}),
            None => json!({"name": c}),
        }).collect::<Vec<_>>(),
        "license": meta.licence.to_lowercase(),
        "keywords": meta.keywords,
        "access_right": "open",
        "related_identifiers": sorted.sources.iter().filter_map(|s| crate::cite::doi(s).map(|d| json!({"identifier": d, "relation": "isDerivedFrom", "scheme": "doi", "resource_type": "publication"}))).collect::<Vec<_>>(),
        "notes": format!("Written by {}. Every statement cites its source and a locator; see datapackage.json and README.md.", meta.generator),
    })
}

/// `README.md`: what each file holds, how to read the data, the sources.
fn readme(
    meta: &ReleaseMeta,
    sorted: &KnowledgeBase,
    tables: &[Table],
    files: &[ReleaseFile],
    raw: bool,
) -> String {
    let lic_url = licence_info(&meta.licence).1;
    let mut readme = format!(
        "# {}\n\nVersion {} · released {} · licence {} ({lic_url})\n\n{}\n\n",
        meta.title, meta.version, meta.date, meta.licence, meta.description
    );
    readme.push_str("## Files\n\n| path | what |\n|---|---|\n");
    for f in files {
        if f.path == "datapackage.json" || f.path == "CITATION.cff" || f.path == ".zenodo.json" {
            continue;
        }
        let what = tables
            .iter()
            .find(|t| {
                f.path.ends_with(&format!("/{}.csv", t.name))
                    || f.path.ends_with(&format!("/{}.parquet", t.name))
            })
            .map(|t| format!("{} ({} rows)", t.title, t.rows.len()))
            .unwrap_or_default();
        readme.push_str(&format!("| `{}` | {what} |\n", f.path));
    }
    readme.push_str(&format!(
        "| `datapackage.json` | Frictionless Data Package: table schemas, licences, sources, sizes and SHA-256 hashes |\n| `CITATION.cff` | how to cite the release |\n| `.zenodo.json` | deposit metadata for Zenodo |\n\n\
## Reading the data\n\n* Every row cites its source (`source`, a `src:` id in `data/sources.csv`) and a locator (section, table, footnote or a short quote).\n\
* Dates are partial as the sources give them (`2015`, `2015-03`); the Parquet files hold them as dates (first day of a start, last day of an end) with a `_precision` column.\n\
* {}\n* `mlgov import data/` loads the CSV files back into mlgov.\n\n\
```python\nimport pandas as pd\nmemberships = pd.read_parquet(\"parquet/memberships.parquet\")\n```\n\n\
```r\nmemberships <- read.csv(\"data/memberships.csv\")\n```\n\n## Sources\n\n",
        if raw { "Cells are exactly as stored." } else { "Text that a spreadsheet could read as a formula begins with an apostrophe (`'=…`) in the CSV files; mlgov's importer removes it; the Parquet files hold the text as stored." }
    ));
    for s in &sorted.sources {
        readme.push_str(&format!(
            "* {} — {}{}\n",
            s.short,
            s.title,
            s.url.as_ref().map(|u| format!(" <{u}>")).unwrap_or_default()
        ));
    }
    readme
}

/// The release as one ZIP archive (deflate) under a top-level folder `root`.
///
/// # Errors
/// [`ExportError::Zip`] on a writer failure.
pub fn zip(files: &[ReleaseFile], root: &str) -> Result<Vec<u8>, ExportError> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .unix_permissions(0o644);
    for f in files {
        w.start_file(format!("{root}/{}", f.path), opts)?;
        w.write_all(&f.bytes).map_err(|e| ExportError::Invalid(e.to_string()))?;
    }
    Ok(w.finish()?.into_inner())
}

/// The files of a ZIP archive by path, inflated: what [`zip`] wrote, read back (the tests of the
/// release and of the server's download check archives with it).
///
/// # Errors
/// [`ExportError::Zip`] when the bytes are not a readable archive; [`ExportError::Invalid`] when
/// an entry cannot be inflated.
pub fn unzip(bytes: &[u8]) -> Result<std::collections::BTreeMap<String, Vec<u8>>, ExportError> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes))?;
    let mut out = std::collections::BTreeMap::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i)?;
        let mut b = Vec::new();
        f.read_to_end(&mut b).map_err(|e| ExportError::Invalid(e.to_string()))?;
        out.insert(f.name()?.to_string(), b);
    }
    Ok(out)
}
