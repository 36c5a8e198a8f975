//! Every output read back with a reader other than the writer: calamine and the raw XML for
//! XLSX, the parquet crate's Arrow reader for Parquet, the zip reader and SHA-256 for the release;
//! the bundled knowledge base is the input, plus a formula-like name to check neutralisation.

use std::path::Path;

use arrow_array::{Array, Date32Array, ListArray, StringArray};
use mlgov_domain::{ColumnType, KnowledgeBase};
use mlgov_export::release::{ReleaseMeta, SurveyRelease, build, zip};
use mlgov_export::{json_tables, kb_tables};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde_json::json;
use sha2::Digest;

fn bundled() -> KnowledgeBase {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/kb");
    mlgov_interchange::read_dir(&dir).expect("bundled base reads").kb
}

/// The bundled base with one more locality whose name a spreadsheet would run as a formula.
fn with_formula() -> KnowledgeBase {
    let mut kb = bundled();
    let extra = mlgov_interchange::read_memory(&[
        ("x/sources.csv", b"id,short,title,kind\nsrc:fixture,Fixture,A fixture,other\n" as &[u8]),
        ("x/localities.csv", b"id,name,kind,country,lat,lon,coord_source,source,locator\nloc:formula,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",municipality,IT,44.25,12.5,src:fixture,src:fixture,fixture\n"),
    ])
    .expect("fixture reads")
    .kb;
    kb.sources.extend(extra.sources);
    kb.localities.extend(extra.localities);
    kb
}

fn meta() -> ReleaseMeta {
    ReleaseMeta {
        title: "Test release".into(),
        version: "1.0.0".into(),
        date: "2026-12-07".into(),
        licence: "CC-BY-4.0".into(),
        creators: vec!["Tiziana Caponio".into(), "mlgov contributors".into()],
        description: "A test.".into(),
        generator: "mlgov test".into(),
        keywords: vec!["migration".into()],
    }
}

#[test]
fn kb_tables_cover_every_record_with_typed_columns() {
    let kb = bundled();
    let tables = kb_tables(&kb);
    assert_eq!(tables.len(), 14);
    let counts = kb.counts();
    for t in &tables {
        assert_eq!(t.rows.len(), counts[t.name.as_str()], "{}", t.name);
        assert!(t.rows.iter().all(|r| r.len() == t.columns.len()), "{}", t.name);
    }
    let mem = tables.iter().find(|t| t.name == "memberships").unwrap();
    let ty = |n: &str| mem.columns.iter().find(|c| c.name == n).unwrap().ty;
    assert_eq!(
        (ty("from"), ty("to"), ty("role")),
        (ColumnType::Date, ColumnType::Date, ColumnType::Text)
    );
    let loc = tables.iter().find(|t| t.name == "localities").unwrap();
    assert_eq!(loc.columns.iter().find(|c| c.name == "aliases").unwrap().ty, ColumnType::List);
    assert_eq!(loc.columns.iter().find(|c| c.name == "lat").unwrap().ty, ColumnType::Number);
}

fn unzip(bytes: &[u8]) -> std::collections::BTreeMap<String, Vec<u8>> {
    mlgov_export::release::unzip(bytes).expect("a zip archive")
}

#[test]
fn xlsx_reads_back_with_calamine_and_never_holds_a_formula() {
    use calamine::{Data, Reader, Xlsx};
    let kb = with_formula();
    let tables = kb_tables(&kb);
    let readme =
        mlgov_export::xlsx::ReadMe { title: "t".into(), lines: vec![("a".into(), "b".into())] };
    for raw in [false, true] {
        let bytes = mlgov_export::xlsx::workbook(
            &tables,
            Some(&readme),
            mlgov_export::xlsx::XlsxOptions { raw },
        )
        .unwrap();
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.clone())).unwrap();
        let names = wb.sheet_names();
        assert_eq!(names[0], "README");
        assert_eq!(names.len(), 15);
        let range = wb.worksheet_range("localities").unwrap();
        assert_eq!(range.height(), kb.localities.len() + 1);
        let name_col = range
            .rows()
            .next()
            .unwrap()
            .iter()
            .position(|c| c == &Data::String("name".into()))
            .unwrap();
        let cell = range.rows().find(|r| r[0] == Data::String("loc:formula".into())).unwrap()
            [name_col]
            .clone();
        // The value is the name as stored in both modes: XLSX keeps text as text.
        assert_eq!(cell, Data::String("=HYPERLINK(\"http://x\",\"y\")".into()));
        let located = kb.localities.iter().find(|l| l.lat.is_some()).expect("a located locality");
        let row = range.rows().find(|r| r[0] == Data::String(located.id.to_string())).unwrap();
        let lat = located.lat.unwrap();
        assert!(
            row.iter().any(|c| matches!(c, Data::Float(x) if (*x - lat).abs() < 1e-9)),
            "lat as a number: {row:?}"
        );
        // No formula anywhere; the neutralised cell carries a quote-prefix style unless raw.
        let files = unzip(&bytes);
        let sheets: Vec<&Vec<u8>> = files
            .iter()
            .filter(|(k, _)| k.starts_with("xl/worksheets/sheet"))
            .map(|(_, v)| v)
            .collect();
        assert!(sheets.iter().all(|s| !String::from_utf8_lossy(s).contains("<f>")));
        let styles = String::from_utf8_lossy(&files["xl/styles.xml"]).to_string();
        assert_eq!(styles.contains("quotePrefix=\"1\""), !raw, "{styles}");
    }
}

#[test]
fn parquet_reads_back_with_typed_columns_and_dates() {
    let tables = kb_tables(&bundled());
    let mem = tables.iter().find(|t| t.name == "memberships").unwrap();
    let bytes = mlgov_export::parquet::parquet_bytes(mem, &[("mlgov.synthetic", "false")]).unwrap();
    let reader = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes)).unwrap();
    let kv = reader.metadata().file_metadata().key_value_metadata().unwrap().clone();
    assert!(kv.iter().any(|k| k.key == "mlgov.table" && k.value.as_deref() == Some("memberships")));
    let batches: Vec<_> = reader.build().unwrap().collect::<Result<_, _>>().unwrap();
    let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    assert_eq!(rows, mem.rows.len());
    let b = &batches[0];
    let schema = b.schema();
    assert_eq!(
        schema.field_with_name("from").unwrap().data_type(),
        &arrow_schema::DataType::Date32
    );
    // Every stated start reads back as the first day of its period, every end as the last.
    let ids = b.column_by_name("id").unwrap().as_any().downcast_ref::<StringArray>().unwrap();
    let to = b.column_by_name("to").unwrap().as_any().downcast_ref::<Date32Array>().unwrap();
    let to_col = mem.columns.iter().position(|c| c.name == "to").unwrap();
    for (i, row) in mem.rows.iter().enumerate() {
        assert_eq!(ids.value(i), row[0]);
        let stated = &row[to_col];
        if stated.is_empty() {
            assert!(to.is_null(i));
        } else {
            let d = mlgov_domain::PartialDate::parse(stated).unwrap();
            assert_eq!(to.value(i), mlgov_export::parquet::date_days(&d, true).0, "{stated}");
            let (y, _, _) = civil(to.value(i));
            assert_eq!(y, d.year);
        }
    }
    let loc = tables.iter().find(|t| t.name == "localities").unwrap();
    let bytes = mlgov_export::parquet::parquet_bytes(loc, &[]).unwrap();
    let b = ParquetRecordBatchReaderBuilder::try_new(bytes::Bytes::from(bytes))
        .unwrap()
        .build()
        .unwrap()
        .next()
        .unwrap()
        .unwrap();
    let aliases =
        b.column_by_name("aliases").unwrap().as_any().downcast_ref::<ListArray>().unwrap();
    let ai = loc.columns.iter().position(|c| c.name == "aliases").unwrap();
    let (i, row) = loc
        .rows
        .iter()
        .enumerate()
        .find(|(_, r)| r[ai].contains(';'))
        .expect("a locality with several aliases");
    assert_eq!(aliases.value(i).len(), row[ai].split(';').count());
}

fn civil(days: i32) -> (i32, u32, u32) {
    // 1970-01-01 + days, by counting years (test-only, independent of the writer's formula).
    let mut y = 1970;
    let mut d = days;
    loop {
        let len = if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 { 366 } else { 365 };
        if d < 0 {
            y -= 1;
            d += if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 { 366 } else { 365 };
        } else if d >= len {
            d -= len;
            y += 1;
        } else {
            return (y, 0, d as u32);
        }
    }
}

#[test]
fn citations_list_authors_and_dois() {
    let kb = bundled();
    let bib = mlgov_export::cite::bibtex(&kb.sources);
    assert!(bib.contains("@techreport{caponio-clement-2020,"), "{bib}");
    assert!(bib.contains("author = {Caponio, Tiziana and Clément, Anthony}"));
    assert!(bib.contains("doi = {10.3389/fpos.2022.887519}"));
    assert!(bib.contains("shorthand = {Caponio \\& Clément 2020}"));
    assert_eq!(bib.matches("\n@").count(), kb.sources.len());
    let csl = mlgov_export::cite::csl_json(&kb.sources);
    let lfh =
        csl.as_array().unwrap().iter().find(|i| i["id"] == "lacroix-furri-hombert-2022").unwrap();
    assert_eq!(
        lfh["author"],
        json!([{"given": "Thomas", "family": "Lacroix"}, {"given": "Filippo", "family": "Furri"}, {"given": "Louise", "family": "Hombert"}])
    );
    assert_eq!(lfh["DOI"], "10.3389/fpos.2022.887519");
    assert_eq!(lfh["issued"], json!({"date-parts": [[2022]]}));
}

#[test]
fn release_files_match_their_package_and_zip() {
    let kb = with_formula();
    let survey = SurveyRelease { survey: "wave1".into(), number: 2, min_cell: 5, created_at: "2026-12-01T10:00:00Z".into(), content: json!({"respondents": 40, "tables": [{"id": "t1", "rows": [{"group": "small", "n": 12}]}]}).to_string() };
    let files = build(&kb, &meta(), &[survey], false).unwrap();
    let by_path: std::collections::BTreeMap<&str, &Vec<u8>> =
        files.iter().map(|f| (f.path.as_str(), &f.bytes)).collect();
    let package: serde_json::Value = serde_json::from_slice(by_path["datapackage.json"]).unwrap();
    let resources = package["resources"].as_array().unwrap();
    for r in resources {
        let path = r["path"].as_str().unwrap();
        let bytes = by_path.get(path).unwrap_or_else(|| panic!("{path} listed but not written"));
        assert_eq!(r["bytes"].as_u64().unwrap() as usize, bytes.len(), "{path}");
        let hash: String = sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(r["hash"].as_str().unwrap(), format!("sha256:{hash}"), "{path}");
    }
    for f in [
        "CITATION.cff",
        ".zenodo.json",
        "README.md",
        "data/memberships.csv",
        "parquet/memberships.parquet",
        "sources.bib",
        "surveys/wave1-release-2.json",
        "surveys/wave1-release-2.xlsx",
    ] {
        assert!(by_path.contains_key(f), "{f} missing");
    }
    // The release's CSV is mlgov's own export: neutralised, and read back exactly.
    let csv = String::from_utf8(by_path["data/localities.csv"].to_vec()).unwrap();
    assert!(
        csv.contains("\"'=HYPERLINK("),
        "{}",
        csv.lines().find(|l| l.contains("HYPERLINK")).unwrap_or("")
    );
    let tmp = tempfile::tempdir().unwrap();
    for f in files.iter().filter(|f| f.path.starts_with("data/")) {
        std::fs::create_dir_all(tmp.path().join("data")).unwrap();
        std::fs::write(tmp.path().join(&f.path), &f.bytes).unwrap();
    }
    let back = mlgov_interchange::read_dir(&tmp.path().join("data")).unwrap().kb;
    assert_eq!(
        back.localities.iter().find(|l| l.id.as_str() == "loc:formula").unwrap().name,
        "=HYPERLINK(\"http://x\",\"y\")"
    );
    let mut sorted = kb.clone();
    sorted.sort();
    let mut back_sorted = back.clone();
    back_sorted.sort();
    assert_eq!(back_sorted.counts(), sorted.counts());
    // Zenodo and CFF say the same things.
    let zen: serde_json::Value = serde_json::from_slice(by_path[".zenodo.json"]).unwrap();
    assert_eq!(zen["creators"][0]["name"], "Caponio, Tiziana");
    assert_eq!(zen["license"], "cc-by-4.0");
    assert!(
        zen["related_identifiers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["identifier"] == "10.3389/fpos.2022.887519")
    );
    let cff = String::from_utf8(by_path["CITATION.cff"].to_vec()).unwrap();
    assert!(
        cff.contains("family-names: \"Caponio\"")
            && cff.contains("  - name: \"mlgov contributors\""),
        "{cff}"
    );
    // The archive holds every file under one folder.
    let z = unzip(&zip(&files, "rel").unwrap());
    assert_eq!(z.len(), files.len());
    for f in &files {
        assert_eq!(&z[&format!("rel/{}", f.path)], &f.bytes);
    }
}

#[test]
fn json_tables_find_record_lists_and_flatten_them() {
    let v = json!([
        {"id": "freq_by_size", "title": "Frequency", "notes": ["a", "b"], "rows": [
            {"group": ["small"], "estimate": {"mean": 2.5, "n": 10}},
            {"group": ["large"], "estimate": {"mean": 3, "n": 7}}]},
        {"id": "lead", "rows": [{"x": true}]}
    ]);
    let t = json_tables(&v, "report");
    let names: Vec<&str> = t.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["freq_by_size", "lead"]);
    let f = &t[0];
    let cols: Vec<&str> = f.columns.iter().map(|c| c.name.as_str()).collect();
    // Columns in the order of the record's keys (JSON objects are sorted by key).
    assert_eq!(cols, ["estimate.mean", "estimate.n", "group"]);
    assert_eq!(f.columns[0].ty, ColumnType::Number);
    assert_eq!(f.columns[1].ty, ColumnType::Integer);
    assert_eq!(f.rows[1], ["3", "7", "large"]);
    assert_eq!(t[1].columns[0].ty, ColumnType::Boolean);
    let s = json_tables(&json!({"out": "x", "count": 3, "items": [{"a": 1}]}), "cmd");
    assert_eq!(s.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), ["summary", "items"]);
}
