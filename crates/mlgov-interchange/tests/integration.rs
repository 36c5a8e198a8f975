//! Direct tests of reading and writing the interchange formats: CSV directories (with
//! subdirectories, BOM, CRLF, columns in any order), single CSV files, JSON, canonical writing and
//! the diagnostics' file/line/field.

use mlgov_interchange::{
    CSV_FILES, Diagnostic, plan_addition, read_csv_file, read_dir, read_json, read_memory,
    read_path, read_path_batch_with, table_to_csv, to_json, write_dir, write_json,
};

const SOURCES: &str = "id,short,title,kind\nsrc:b,B,Second,paper\nsrc:a,\"A, with comma\",\"Title with \"\"quotes\"\"\",other\n";
const LOCALITIES: &str = "id,name,aliases,kind,country,source,locator\nloc:gavle,Gävle,Gavle;Gaevle,municipality,SE,src:a,p. 2\n";
const NETWORKS: &str =
    "kind,locator,source,name,id\nnetwork,\"Table 3, row 1\",src:b,Eurocities,net:eurocities\n";
const MEMBERSHIPS: &str = "id,network,member,role,from,to,source,locator\nmem:g,net:eurocities,loc:gavle,member,2001-03,2005,src:a,p. 3\n";

fn files() -> Vec<(&'static str, &'static [u8])> {
    vec![
        ("sources.csv", SOURCES.as_bytes()),
        ("x/localities.csv", LOCALITIES.as_bytes()),
        ("networks.csv", NETWORKS.as_bytes()),
        ("memberships.csv", MEMBERSHIPS.as_bytes()),
    ]
}

fn diags(
    r: Result<mlgov_interchange::Loaded, mlgov_interchange::InterchangeError>,
) -> Vec<Diagnostic> {
    match r {
        Ok(_) => panic!("expected diagnostics"),
        Err(e) => e.diagnostics(),
    }
}

#[test]
fn reads_memory_files_with_columns_in_any_order() {
    let l = read_memory(&files()).unwrap();
    assert_eq!(l.kb.sources.len(), 2);
    assert_eq!(l.kb.localities[0].name, "Gävle");
    assert_eq!(l.kb.localities[0].aliases, vec!["Gavle", "Gaevle"]);
    assert_eq!(l.kb.networks[0].citation.locator, "Table 3, row 1");
    assert_eq!(l.kb.memberships[0].when.display(), "2001-03–2005");
    // Locations: file label and line of each record.
    assert_eq!(l.locations.0["loc:gavle"], ("x/localities.csv".to_string(), 2));
    assert_eq!(l.locations.0["src:a"], ("sources.csv".to_string(), 3));
}

#[test]
fn write_dir_is_canonical_and_reads_back() {
    let l = read_memory(&files()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let written = write_dir(&l.kb, dir.path()).unwrap();
    assert_eq!(written.len(), CSV_FILES.len());
    let names: Vec<&str> = written.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(names, CSV_FILES);
    let src = std::fs::read_to_string(dir.path().join("sources.csv")).unwrap();
    // All columns in format order, rows sorted by id, quoting as needed, LF endings.
    assert_eq!(
        src,
        "id,short,title,authors,year,kind,file,licence,url\nsrc:a,\"A, with comma\",\"Title with \"\"quotes\"\"\",,,other,,,\nsrc:b,B,Second,,,paper,,,\n"
    );
    let empty = std::fs::read_to_string(dir.path().join("adoptions.csv")).unwrap();
    assert_eq!(empty.lines().count(), 1, "an empty table is its header: {empty}");
    // No temporary files are left behind.
    assert!(
        std::fs::read_dir(dir.path()).unwrap().all(|e| e
            .unwrap()
            .path()
            .extension()
            .is_some_and(|x| x == "csv"))
    );
    let back = read_dir(dir.path()).unwrap();
    let mut a = l.kb.clone();
    a.sort();
    assert_eq!(back.kb, a);
    // Writing again gives identical bytes.
    let dir2 = tempfile::tempdir().unwrap();
    write_dir(&back.kb, dir2.path()).unwrap();
    for f in CSV_FILES {
        assert_eq!(
            std::fs::read(dir.path().join(f)).unwrap(),
            std::fs::read(dir2.path().join(f)).unwrap(),
            "{f}"
        );
    }
}

#[test]
fn table_to_csv_writes_header_only_for_no_rows() {
    let bytes = table_to_csv::<mlgov_domain::Membership>(&[]);
    assert_eq!(bytes, b"id,network,member,role,from,to,exit_reason,note,source,locator\n");
}

#[test]
fn json_round_trip() {
    let l = read_memory(&files()).unwrap();
    let s = to_json(&l.kb);
    assert!(
        s.contains("\n  \"format\": \"mlgov-kb\",\n") && s.contains("\n  \"version\": 1"),
        "{s}"
    );
    assert!(s.ends_with("}\n"));
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("kb.json");
    write_json(&l.kb, &p).unwrap();
    let back = read_json(&p).unwrap();
    assert_eq!(to_json(&back.kb), s);
    // read_path dispatches on the extension.
    assert_eq!(read_path(&p).unwrap().kb, back.kb);
}

#[test]
fn json_without_format_marker_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("kb.json");
    std::fs::write(&p, "{\"sources\": []}").unwrap();
    let d = diags(read_json(&p));
    assert_eq!(d[0].field.as_deref(), Some("format"));
    assert!(d[0].message.contains("mlgov-kb"), "{d:?}");
}

/// Found by the fuzzing of the parsers (mlgov-faults, `fuzz::kb::kb_json`): a record of the wrong
/// shape and a file that is not UTF-8 were reported with neither a line nor a field.
#[test]
fn json_problems_of_shape_and_encoding_are_placed_at_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("kb.json");
    std::fs::write(
        &p,
        "{\"format\": \"mlgov-kb\", \"version\": 1,\n\"sources\": [\n  {\"id\": 7}\n]}",
    )
    .unwrap();
    let d = diags(read_json(&p));
    assert_eq!((d.len(), d[0].line), (1, Some(3)), "{d:?}");
    assert!(d[0].message.starts_with("not a knowledge base: invalid type: integer `7`"), "{d:?}");
    std::fs::write(&p, b"{\"format\": \"mlgov-kb\",\n\"sources\": [\"\xff\"]}").unwrap();
    let d = diags(read_json(&p));
    assert_eq!(
        (d.len(), d[0].line, d[0].message.as_str()),
        (1, Some(2), "invalid UTF-8 at byte 36"),
        "{d:?}"
    );
}

#[test]
fn bom_and_crlf_are_accepted() {
    let mut s = vec![0xEF, 0xBB, 0xBF];
    s.extend(SOURCES.replace('\n', "\r\n").into_bytes());
    let l = read_memory(&[("sources.csv", &s)]).unwrap();
    assert_eq!(l.kb.sources.len(), 2);
    assert!(
        l.kb.sources.iter().all(|x| !x.id.as_str().contains('\u{feff}') && !x.title.contains('\r'))
    );
    // Lines are counted as in an LF file (header = line 1).
    assert_eq!(l.locations.0["src:b"].1, 2);
    assert_eq!(l.locations.0["src:a"].1, 3);
    // The same without the BOM, and a diagnostic in a CRLF file names the right line.
    let crlf = SOURCES.replace('\n', "\r\n");
    assert_eq!(read_memory(&[("sources.csv", crlf.as_bytes())]).unwrap().locations.0["src:a"].1, 3);
    let bad = "id,short,title,kind\r\nsrc:a,A,A,web\r\nsrc:b,B,B,nonsense\r\n";
    let d = diags(read_memory(&[("sources.csv", bad.as_bytes())]));
    assert_eq!(d[0].line, Some(3), "{d:?}");
}

#[test]
fn diagnostics_name_file_line_and_field() {
    let bad = "id,network,member,role,from,to,source,locator\nmem:g,net:eurocities,loc:gavle,member,2001,2005,src:a,p. 3\nmem:h,net:eurocities,loc:gavle,boss,2009,2001,src:a,\n";
    let mut fs = files();
    fs[3] = ("memberships.csv", bad.as_bytes());
    let d = diags(read_memory(&fs));
    let find = |field: &str| {
        d.iter()
            .find(|x| x.field.as_deref() == Some(field))
            .unwrap_or_else(|| panic!("no {field}: {d:?}"))
            .clone()
    };
    let role = find("role");
    assert_eq!((role.file.as_str(), role.line), ("memberships.csv", Some(3)));
    assert!(role.message.contains("\"boss\""), "{role}");
    let to = find("to");
    assert_eq!(to.line, Some(3));
    assert_eq!(to.message, "end 2001 is before start 2009");
    let loc = find("locator");
    assert_eq!(loc.line, Some(3));
    assert_eq!(role.to_string(), format!("memberships.csv:3: field \"role\": {}", role.message));
    // Diagnostics are sorted by file, line and field.
    let mut sorted = d.clone();
    sorted.sort_by(|a, b| {
        (a.file.as_str(), a.line, a.field.as_deref()).cmp(&(
            b.file.as_str(),
            b.line,
            b.field.as_deref(),
        ))
    });
    assert_eq!(d, sorted);
}

#[test]
fn whole_base_problems_are_placed_at_their_row() {
    // A reference to a missing network is found by whole-base validation and placed at the
    // membership's file and line.
    let bad =
        "id,network,member,role,source,locator\nmem:g,net:nowhere,loc:gavle,member,src:a,p. 3\n";
    let mut fs = files();
    fs[3] = ("memberships.csv", bad.as_bytes());
    let d = diags(read_memory(&fs));
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        d[0].to_string(),
        "memberships.csv:2: field \"network\": refers to net:nowhere, which does not exist"
    );
}

#[test]
fn a_batch_is_planned_against_the_stored_base() {
    let base = read_memory(&files()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    // A membership that refers only to stored records (network, member, source) is new.
    write(
        "memberships.csv",
        "id,network,member,role,source,locator\nmem:new,net:eurocities,loc:gavle,founder,src:a,p. 4\n",
    );
    // Alone it refers to missing records; as a batch it is read, and resolves in the store.
    assert!(read_path(dir.path()).is_err());
    let batch = read_path_batch_with(dir.path(), &Default::default()).unwrap();
    let plan = plan_addition(&base.kb, &batch, false).unwrap();
    assert_eq!((plan.new.memberships.len(), plan.unchanged), (1, 0));
    // A stored row with identical content is a no-op; with other content an error naming both
    // versions, or (update) a change.
    let src_a = base.kb.sources.iter().find(|s| s.id.as_str() == "src:a").unwrap().clone();
    let mut same = mlgov_domain::KnowledgeBase::default();
    same.sources.push(src_a.clone());
    write(
        "sources.csv",
        std::str::from_utf8(&mlgov_interchange::table_to_csv(&same.sources)).unwrap(),
    );
    std::fs::remove_file(dir.path().join("memberships.csv")).unwrap();
    let batch = read_path_batch_with(dir.path(), &Default::default()).unwrap();
    assert_eq!(plan_addition(&base.kb, &batch, false).unwrap().unchanged, 1);
    write("sources.csv", "id,short,title,kind\nsrc:a,A again,A,other\n");
    let batch = read_path_batch_with(dir.path(), &Default::default()).unwrap();
    let d = plan_addition(&base.kb, &batch, false).unwrap_err();
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(
        d[0].to_string().starts_with(
            "sources.csv:2: field \"id\": src:a is already stored with other content (short: stored"
        ),
        "{}",
        d[0]
    );
    assert_eq!(plan_addition(&base.kb, &batch, true).unwrap().changed.sources.len(), 1);
    // A reference that resolves nowhere names the closest stored ids.
    std::fs::remove_file(dir.path().join("sources.csv")).unwrap();
    write(
        "memberships.csv",
        "id,network,member,role,source,locator\nmem:new,net:eurocitie,loc:gavle,founder,src:a,p. 4\n",
    );
    let batch = read_path_batch_with(dir.path(), &Default::default()).unwrap();
    let d = plan_addition(&base.kb, &batch, false).unwrap_err();
    assert!(d[0].message.contains("closest stored ids: net:eurocities"), "{d:?}");
}

#[test]
fn single_csv_file_type_from_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("extra.sources.csv");
    std::fs::write(&p, SOURCES).unwrap();
    assert_eq!(read_csv_file(&p).unwrap().kb.sources.len(), 2);
    let q = dir.path().join("stuff.csv");
    std::fs::write(&q, SOURCES).unwrap();
    let d = diags(read_csv_file(&q));
    assert!(d[0].message.contains("cannot tell the record type"), "{d:?}");
}

#[test]
fn directory_problems() {
    let dir = tempfile::tempdir().unwrap();
    // An empty directory.
    let d = diags(read_dir(dir.path()));
    assert!(d[0].message.contains("no knowledge-base CSV files found"), "{d:?}");
    // A misspelt file name; a README is ignored.
    std::fs::write(dir.path().join("README.md"), "notes").unwrap();
    std::fs::write(dir.path().join("source.csv"), SOURCES).unwrap();
    let d = diags(read_dir(dir.path()));
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].message.contains("unknown file name \"source.csv\""), "{d:?}");
    // A header naming a column twice.
    std::fs::remove_file(dir.path().join("source.csv")).unwrap();
    std::fs::write(dir.path().join("sources.csv"), "id,short,title,kind,kind\nsrc:a,A,A,web,web\n")
        .unwrap();
    let d = diags(read_dir(dir.path()));
    assert!(d.iter().any(|x| x.message.contains("appears twice")), "{d:?}");
}

#[test]
fn many_bad_rows_stop_after_200_problems() {
    let mut s = String::from("id,short,title,kind\n");
    for i in 0..500 {
        s.push_str(&format!("src:s{i},S,T,nonsense\n"));
    }
    let d = diags(read_memory(&[("sources.csv", s.as_bytes())]));
    assert!(d.len() <= 202, "{}", d.len());
    assert!(d.iter().any(|x| x.message.contains("more than 200 problems")), "{:?}", d.last());
    assert_eq!(d.iter().find_map(|x| x.line), Some(2));
}

// ---- files from Excel and R -------------------------------------------------------------------

use mlgov_interchange::{CsvOptions, Encoding, read_csv_file_with, read_dir_with};

/// LOCALITIES as Excel saves it in a European locale: `;` separators, CRLF, decimal commas.
const LOCALITIES_SEMI: &str = "id;name;aliases;kind;country;lat;lon;coord_source;source;locator\r\nloc:gavle;Gävle;Gavle;municipality;SE;60,6745;17,1417;src:a;src:a;p. 2\r\n";

fn dir_with(localities: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("sources.csv"), SOURCES).unwrap();
    std::fs::write(dir.path().join("localities.csv"), localities).unwrap();
    dir
}

#[test]
fn excel_semicolons_and_decimal_commas_are_read() {
    let dir = dir_with(LOCALITIES_SEMI.as_bytes());
    let l = read_dir(dir.path()).unwrap_or_else(|e| panic!("{:?}", e.diagnostics()));
    let loc = &l.kb.localities[0];
    assert_eq!(loc.name, "Gävle");
    assert_eq!((loc.lat, loc.lon), (Some(60.6745), Some(17.1417)));
    // A decimal comma where `,` separates fields is an error, not a silent guess; it is placed exactly.
    let dir = dir_with(b"id,name,kind,country,lat,lon,coord_source,source,locator\r\nloc:gavle,G\xc3\xa4vle,municipality,SE,\"60,6745\",17.1,src:a,src:a,p. 2\r\n");
    let d = diags(read_dir(dir.path()));
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        (d[0].file.as_str(), d[0].line, d[0].field.as_deref()),
        ("localities.csv", Some(2), Some("lat"))
    );
}

#[test]
fn tab_separators_and_an_explicit_delimiter() {
    let tabbed = LOCALITIES_SEMI.replace(';', "\t");
    let dir = dir_with(tabbed.as_bytes());
    let d = diags(read_dir(dir.path()));
    let at: Vec<(Option<u64>, Option<&str>)> =
        d.iter().map(|x| (x.line, x.field.as_deref())).collect();
    assert_eq!(
        at,
        vec![(Some(2), Some("lat")), (Some(2), Some("lon"))],
        "decimal commas only with `;` separators: {d:?}"
    );
    let dir =
        dir_with(tabbed.replace("60,6745", "60.6745").replace("17,1417", "17.1417").as_bytes());
    assert_eq!(read_dir(dir.path()).unwrap().kb.localities[0].lat, Some(60.6745));
    // Given explicitly, the separator is used as is: a tab file read with `;` has one column.
    let d = diags(read_dir_with(dir.path(), &CsvOptions { delimiter: Some(b';'), encoding: None }));
    assert!(d[0].message.starts_with("missing header row"), "{d:?}");
}

#[test]
fn utf16_with_bom_and_windows_1252_on_request() {
    let text = LOCALITIES_SEMI;
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let l = read_dir(dir_with(&le).path()).unwrap_or_else(|e| panic!("{:?}", e.diagnostics()));
    assert_eq!(l.kb.localities[0].name, "Gävle");
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    assert_eq!(read_dir(dir_with(&be).path()).unwrap().kb.localities[0].name, "Gävle");
    // A lone surrogate on line 2 is placed there (found by the fuzzing of the parsers: the
    // problem had no line).
    let mut broken = le.clone();
    let second = 2 + 2 * text.encode_utf16().position(|u| u == u16::from(b'\n')).unwrap() + 4;
    broken.splice(second..second, [0x00, 0xD8]);
    let d = diags(read_dir(dir_with(&broken).path()));
    assert_eq!((d.len(), d[0].line), (1, Some(2)), "{d:?}");
    assert!(
        d[0].message.starts_with(&format!("the file is not valid utf-16le (byte {second})")),
        "{d:?}"
    );
    // Windows-1252: refused as UTF-8 with a hint at the cell, read when asked for.
    let cp1252: Vec<u8> = text.chars().map(|c| if c == 'ä' { 0xE4 } else { c as u8 }).collect();
    let dir = dir_with(&cp1252);
    let d = diags(read_dir(dir.path()));
    assert_eq!((d[0].line, d[0].field.as_deref()), (Some(2), Some("name")));
    assert!(d[0].message.contains("--encoding windows-1252"), "{}", d[0].message);
    let opts = CsvOptions { delimiter: None, encoding: Some(Encoding::Windows1252) };
    assert_eq!(read_dir_with(dir.path(), &opts).unwrap().kb.localities[0].name, "Gävle");
    let one = read_csv_file_with(
        &dir.path().join("localities.csv"),
        &CsvOptions { delimiter: Some(b';'), encoding: Some(Encoding::Windows1252) },
    );
    let d = diags(one);
    assert!(
        d[0].message.contains("src:a") && d[0].line == Some(2),
        "the single file is decoded and parsed; its reference is checked: {d:?}"
    );
}

#[test]
fn na_is_empty_except_a_country_code() {
    // R's write.csv: NA for missing values; "NA" in `country` is Namibia.
    let dir = dir_with(b"\"id\",\"name\",\"aliases\",\"kind\",\"country\",\"region\",\"source\",\"locator\"\r\n\"loc:windhoek\",\"Windhoek\",NA,\"municipality\",\"NA\",NA,\"src:a\",\"p. 2\"\r\n");
    let l = read_dir(dir.path()).unwrap_or_else(|e| panic!("{:?}", e.diagnostics()));
    let loc = &l.kb.localities[0];
    assert!(loc.aliases.is_empty());
    assert_eq!(loc.region, None);
    assert_eq!(loc.country, "NA");
}

#[test]
fn crlf_and_semicolon_line_numbers_are_exact() {
    let body = "id;name;kind;country;source;locator\r\nloc:a;A;municipality;SE;src:a;p. 1\r\n\r\nloc:b;B;hamlet;SE;src:a;p. 1\r\n\r\n\r\nloc:c;\"C\r\nD\";village;SE;src:a;p. 1\r\nloc:d;D;town;SE;src:a;p. 1\r\n";
    let d = diags(read_dir(dir_with(body.as_bytes()).path()));
    let at: Vec<(Option<u64>, Option<&str>)> =
        d.iter().map(|x| (x.line, x.field.as_deref())).collect();
    assert_eq!(
        at,
        vec![(Some(4), Some("kind")), (Some(7), Some("kind")), (Some(9), Some("kind"))],
        "{d:?}"
    );
}

#[test]
fn reading_with_progress_reports_each_file_its_rows_and_the_check() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files() {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    let mut steps = Vec::new();
    let loaded =
        mlgov_interchange::read_path_progress(dir.path(), &Default::default(), true, &mut |s| {
            steps.push(format!("{s:?}"))
        })
        .unwrap();
    let file = |index: usize, name: &str, text: &str| {
        format!("File {{ index: {index}, of: 4, name: {name:?}, bytes: {} }}", text.len())
    };
    assert_eq!(
        steps,
        [
            file(1, "memberships.csv", MEMBERSHIPS),
            "Rows(1)".into(),
            file(2, "networks.csv", NETWORKS),
            "Rows(1)".into(),
            file(3, "sources.csv", SOURCES),
            "Rows(2)".into(),
            file(4, "x/localities.csv", LOCALITIES),
            "Rows(1)".into(),
            "Checking".into(),
        ]
    );
    // The same base as without progress.
    assert_eq!(loaded.kb, read_path(dir.path()).unwrap().kb);
}

/// Control characters and bidirectional overrides (issue 21): every cell of every input row is
/// checked by the domain's rule — free text refuses them with what was expected, ids, words and
/// dates by their own grammar — at its file, line and field, through the CSV and the JSON reader
/// alike. One table: (localities.csv row cells for name / aliases / locator / id, expected).
#[test]
fn control_characters_are_refused_at_their_cell() {
    const EXPECTED: &str = "expected text without control characters (tab and line breaks are allowed) or bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069)";
    // (id, name, aliases, locator) → (field, message); None: accepted.
    let cases: &[(&str, &str, &str, &str, Option<(&str, String)>)] = &[
        ("loc:a", "Turin", "", "p. 2", None),
        ("loc:a", "Tab\there", "", "p. 2", None),
        ("loc:a", "Two\nlines", "", "p. 2", None),
        ("loc:a", "Windows\r\nline", "", "p. 2", None),
        ("loc:a", "Lone\rCR", "", "p. 2", Some(("name", format!("contains U+000D (CARRIAGE RETURN) at character 5; {EXPECTED}")))),
        ("loc:a", "Tu\u{0}rin", "", "p. 2", Some(("name", format!("contains U+0000 (NUL) at character 3; {EXPECTED}")))),
        ("loc:a", "\u{1b}[31mred", "", "p. 2", Some(("name", format!("contains U+001B (ESC) at character 1; {EXPECTED}")))),
        ("loc:a", "bell\u{7}", "", "p. 2", Some(("name", format!("contains U+0007 (BEL) at character 5; {EXPECTED}")))),
        ("loc:a", "del\u{7f}", "", "p. 2", Some(("name", format!("contains U+007F (DEL) at character 4; {EXPECTED}")))),
        ("loc:a", "c1\u{9b}31m", "", "p. 2", Some(("name", format!("contains U+009B (C1 control) at character 3; {EXPECTED}")))),
        ("loc:a", "abc\u{202e}fed", "", "p. 2", Some(("name", format!("contains U+202E (RIGHT-TO-LEFT OVERRIDE) at character 4; {EXPECTED}")))),
        ("loc:a", "x\u{2066}y", "", "p. 2", Some(("name", format!("contains U+2066 (LEFT-TO-RIGHT ISOLATE) at character 2; {EXPECTED}")))),
        ("loc:a", "Gävle", "Ok;Ga\u{202d}vle", "p. 2", Some(("aliases", format!("contains U+202D (LEFT-TO-RIGHT OVERRIDE) at character 6; {EXPECTED}")))),
        ("loc:a", "Turin", "", "p.\u{8} 2", Some(("locator", format!("contains U+0008 (BACKSPACE) at character 3; {EXPECTED}")))),
        // An Arabic name with its direction marks is ordinary text.
        ("loc:a", "\u{200f}الرباط\u{200e}", "", "p. 2", None),
        // Ids keep their grammar, and its message escapes what it quotes.
        ("loc:a\u{1b}[2J", "Turin", "", "p. 2", Some(("id", "id \"loc:a\\u{1b}[2J\" must continue after its prefix with lowercase ASCII letters, digits, '-' or '_'".to_string()))),
    ];
    for (id, name, aliases, locator, expected) in cases {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(["id", "name", "aliases", "kind", "country", "source", "locator"]).unwrap();
        w.write_record([*id, name, aliases, "municipality", "IT", "src:a", locator]).unwrap();
        let localities = w.into_inner().unwrap();
        let csv_result =
            read_memory(&[("sources.csv", SOURCES.as_bytes()), ("localities.csv", &localities)]);
        // The same row through the JSON reader.
        let json = serde_json::json!({"format": "mlgov-kb", "version": 1,
            "sources": [{"id": "src:a", "short": "A", "title": "T", "kind": "paper"}],
            "localities": [{"id": id, "name": name, "aliases": aliases.split(';').filter(|a| !a.is_empty()).collect::<Vec<_>>(), "kind": "municipality", "country": "IT", "source": "src:a", "locator": locator}]});
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kb.json");
        std::fs::write(&path, serde_json::to_string(&json).unwrap()).unwrap();
        let json_result = read_json(&path);
        match expected {
            None => {
                assert_eq!(
                    csv_result
                        .unwrap_or_else(|e| panic!("{name:?}: {:?}", e.diagnostics()))
                        .kb
                        .localities[0]
                        .name,
                    *name
                );
                assert_eq!(
                    json_result
                        .unwrap_or_else(|e| panic!("{name:?}: {:?}", e.diagnostics()))
                        .kb
                        .localities[0]
                        .name,
                    *name
                );
            }
            Some((field, message)) => {
                let d = diags(csv_result);
                assert_eq!(
                    d,
                    vec![Diagnostic {
                        file: "localities.csv".into(),
                        line: Some(2),
                        field: Some(field.to_string()),
                        message: message.clone()
                    }],
                    "{name:?}"
                );
                if !id.contains('\u{1b}') {
                    // (An id the JSON reader cannot even deserialise is reported as such.)
                    let d = diags(json_result);
                    assert_eq!(d.len(), 1, "{name:?}: {d:?}");
                    assert_eq!(
                        (d[0].field.as_deref(), d[0].message.as_str()),
                        (Some(format!("localities[0].{field}").as_str()), message.as_str()),
                        "{name:?}"
                    );
                }
            }
        }
    }
}

/// Strict JSON (issue 21): an unsupported version and a duplicate key are refused at their line
/// and column, before anything is read (serde_json alone would keep the last of two keys).
#[test]
fn json_versions_and_duplicate_keys_are_placed() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("kb.json");
    let cases: &[(&str, &str)] = &[
        (
            "{\"format\": \"mlgov-kb\",\n \"version\": 99,\n \"sources\": []}",
            "kb.json:2: field \"version\": unsupported \"version\": 99; this mlgov reads \"version\": 1 at line 2 column 14",
        ),
        (
            "{\"format\": \"mlgov-kb\", \"version\": 1,\n \"sources\": [{\"id\": \"src:a\", \"short\": \"A\", \"title\": \"T\", \"kind\": \"paper\",\n   \"title\": \"Other\"}]}",
            "kb.json:3: duplicate key \"title\" in an object; each key may appear once at line 3 column 10",
        ),
    ];
    for (text, expected) in cases {
        std::fs::write(&p, text).unwrap();
        let d = diags(read_json(&p));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].to_string().replace(&p.display().to_string(), "kb.json"), *expected);
    }
    assert_eq!(mlgov_interchange::SUPPORTED_VERSIONS, [1]);
}
