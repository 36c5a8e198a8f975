//! Files as Excel and R write them (separators, encodings, decimal commas, `NA`, CRLF row numbers,
//! respondents without answers) and hostile files (zip bombs, huge fields, too many columns, long
//! error lists), each asserting the file, row and column of the diagnostics.

use std::io::Write;
use std::time::{Duration, Instant};

use mlgov_survey::*;

use super::fixtures::*;

fn wide() -> IntakeOptions<'static> {
    IntakeOptions { kind: FileKind::Csv, layout: Layout::Wide, known_localities: None }
}

fn read_with(bytes: &[u8], file: &str, read: ReadOptions) -> Result<Dataset, IntakeErrors> {
    read_survey_with(bytes, file, &mini(), wide(), &read)
}

fn messages(e: &IntakeErrors) -> Vec<String> {
    e.0.iter().map(|x| x.to_string()).collect()
}

/// WIDE_CSV as Excel saves it in a European locale: `;`, CRLF, Windows-1252.
fn excel_semicolon() -> String {
    WIDE_CSV
        .replace("newspapers;reports", "\"newspapers;reports\"")
        .replace(',', ";")
        .replace('\n', "\r\n")
}

#[test]
fn semicolon_and_tab_separators_are_detected() {
    let ins = mini();
    let want = read(WIDE_CSV, &ins).unwrap();
    assert_eq!(
        read_with(excel_semicolon().as_bytes(), "semi.csv", ReadOptions::default()).unwrap(),
        want
    );
    let tabbed =
        excel_semicolon().replace(';', "\t").replace("newspapers\treports", "newspapers;reports");
    assert_eq!(read_with(tabbed.as_bytes(), "tab.tsv", ReadOptions::default()).unwrap(), want);
    // Given explicitly, a separator is used even where detection would pick another.
    let forced = ReadOptions {
        text: TextOptions { delimiter: Some(b';'), encoding: None },
        ..Default::default()
    };
    let err = read_with(WIDE_CSV.as_bytes(), "comma.csv", forced).unwrap_err();
    assert!(messages(&err)[0].starts_with("comma.csv:1: column respondent,locality,"), "{err}");
}

#[test]
fn windows_1252_and_utf16_files_are_decoded() {
    let ins = mini();
    let text = WIDE_CSV.replace("r2,loc:a", "Ré2,loc:a");
    let want = read(&text, &ins).unwrap();
    assert_eq!(want.respondents[1].id, "Ré2");
    // Windows-1252: é is one byte 0xE9 (not valid UTF-8), detected.
    let cp1252: Vec<u8> = text.chars().map(|c| if c == 'é' { 0xE9 } else { c as u8 }).collect();
    assert_eq!(read_with(&cp1252, "cp1252.csv", ReadOptions::default()).unwrap(), want);
    // UTF-16 LE and BE with BOM (Excel's "Unicode text", tab-separated).
    let tabbed = text.replace(',', "\t").replace('\n', "\r\n");
    let mut le = vec![0xFF, 0xFE];
    le.extend(tabbed.encode_utf16().flat_map(u16::to_le_bytes));
    assert_eq!(read_with(&le, "le.txt", ReadOptions::default()).unwrap(), want);
    let mut be = vec![0xFE, 0xFF];
    be.extend(tabbed.encode_utf16().flat_map(u16::to_be_bytes));
    assert_eq!(read_with(&be, "be.txt", ReadOptions::default()).unwrap(), want);
    // An encoding that is asked for and wrong is located.
    let utf8 = ReadOptions {
        text: TextOptions { delimiter: None, encoding: Some(TextEncoding::Utf8) },
        ..Default::default()
    };
    let err = read_with(&cp1252, "cp1252.csv", utf8).unwrap_err();
    assert!(
        messages(&err)[0]
            .starts_with("cp1252.csv:3: cannot read file: line 3: the file is not valid utf-8"),
        "{err}"
    );
    assert_eq!("cp1252".parse::<TextEncoding>(), Ok(TextEncoding::Windows1252));
    assert!("ebcdic".parse::<TextEncoding>().is_err());
}

#[test]
fn decimal_commas_and_points_are_whole_numbers_where_the_instrument_expects_numbers() {
    let ins = mini();
    let text = excel_semicolon().replace(";2;4;1;5;", ";\"2,0\";4.0;1;5;");
    let ds = read_with(text.as_bytes(), "dec.csv", ReadOptions::default()).unwrap();
    assert_eq!(ds, read(WIDE_CSV, &ins).unwrap());
    let err = read_with(
        excel_semicolon().replace(";2;4;1;5;", ";2,5;4;1;5;").as_bytes(),
        "dec.csv",
        ReadOptions::default(),
    )
    .unwrap_err();
    assert_eq!(messages(&err), vec!["dec.csv:2: column freq_p1_a1: \"2,5\" is not an integer; expected a whole number or an empty cell for a missing answer".to_string()]);
}

#[test]
fn na_is_missing_in_every_column_as_r_writes_it() {
    // R's write.csv: quoted strings, NA unquoted, row names dropped.
    let ins = mini();
    let r = "\"respondent\",\"locality\",\"role\",\"affiliation\",\"freq_p1_a1\",\"public_attitudes\",\"sources\"\n\"r1\",\"loc:a\",\"local_official\",NA,3,NA,NA\n\"r2\",\"loc:b\",\"elected_policymaker\",\"progressive\",NA,4,\"newspapers\"\n";
    let ds = read_with(r.as_bytes(), "r.csv", ReadOptions::default()).unwrap();
    assert_eq!(ds.respondents[0].affiliation, None);
    assert_eq!(ds.freq(0, 0, 0), Some(3));
    assert_eq!(ds.freq(1, 0, 0), None);
    assert_eq!(ds.perception(0, 0), None);
    assert_eq!(ins.affiliations[ds.respondents[1].affiliation.unwrap()].id, "progressive");
}

#[test]
fn crlf_row_numbers_are_exact() {
    let body = "respondent,locality,role,affiliation,period,item,value\r\nr1,loc:a,local_official,,p1,freq_a1,1\r\nr1,loc:a,local_official,,p1,freq_a2,9\r\n\r\nr2,loc:a,local_official,,p1,freq_a1,x\r\n";
    let err = read_survey(
        body.as_bytes(),
        "crlf.csv",
        &mini(),
        IntakeOptions { kind: FileKind::Csv, layout: Layout::Long, known_localities: None },
    )
    .unwrap_err();
    let m = messages(&err);
    assert_eq!(m.len(), 2, "{m:?}");
    assert!(m[0].starts_with("crlf.csv:3: column value: value 9 out of range"), "{m:?}");
    assert!(m[1].starts_with("crlf.csv:5: column value: \"x\" is not an integer"), "{m:?}");
    // The same file with LF gives the same lines.
    let lf = body.replace("\r\n", "\n");
    let err = read_survey(
        lf.as_bytes(),
        "lf.csv",
        &mini(),
        IntakeOptions { kind: FileKind::Csv, layout: Layout::Long, known_localities: None },
    )
    .unwrap_err();
    let m2: Vec<String> = messages(&err).iter().map(|s| s.replace("lf.csv", "crlf.csv")).collect();
    assert_eq!(m, m2);
}

#[test]
fn a_respondent_without_answers_is_kept_and_survives_the_long_csv() {
    let ins = mini();
    let text = format!("{WIDE_CSV}r4,loc:b,local_official,,,,,,,,,,,,\n");
    let ds = read(&text, &ins).unwrap();
    assert_eq!(ds.len(), 4);
    assert_eq!(ds.respondents[3].id, "r4");
    let mut buf = Vec::new();
    write_long_csv(&ds, &ins, &mut buf).unwrap();
    let back = read(std::str::from_utf8(&buf).unwrap(), &ins).unwrap();
    assert_eq!(
        back, ds,
        "stored in the long layout and read back, r4 is still there with no answers"
    );
}

#[test]
fn csv_field_length_and_column_count_are_capped() {
    let limits = Limits { max_field_bytes: 19, max_columns: 16, ..Limits::default() };
    let read = ReadOptions { limits, ..Default::default() };
    let long = WIDE_CSV.replace("r2,loc:a", "r2xxxxxxxxxxxxxxxxxxxxx,loc:a");
    let err = read_with(long.as_bytes(), "long.csv", read).unwrap_err();
    assert_eq!(messages(&err), vec!["long.csv:3: column respondent: field length (bytes) exceeds the limit: at least 23 > 19; if the file is trusted, raise the limit with --max-field-bytes (library: Limits::max_field_bytes)".to_string()]);
    let wide_header = format!("{},x1,x2\n", WIDE_CSV.lines().next().unwrap());
    let err = read_with(wide_header.as_bytes(), "cols.csv", read).unwrap_err();
    assert_eq!(messages(&err), vec!["cols.csv:1: columns exceeds the limit: at least 17 > 16; if the file is trusted, raise the limit with --max-columns (library: Limits::max_columns)".to_string()]);
}

#[test]
fn only_the_first_hundred_problems_are_printed_then_a_count() {
    let mut text = String::from("respondent,locality,role,affiliation,period,item,value\n");
    for i in 0..1334 {
        text.push_str(&format!("r{i},loc:a,local_official,,p1,freq_a1,9\n"));
    }
    let err = read_survey(
        text.as_bytes(),
        "many.csv",
        &mini(),
        IntakeOptions { kind: FileKind::Csv, layout: Layout::Long, known_localities: None },
    )
    .unwrap_err();
    assert_eq!(err.total(), 1334);
    assert_eq!(err.0.len(), 1000, "the first 1000 are kept in detail");
    let s = err.to_string();
    assert!(
        s.starts_with("1,334 problem(s):\n  many.csv:2: column value: value 9 out of range"),
        "{}",
        &s[..200]
    );
    assert_eq!(s.lines().count(), 1 + 100 + 1);
    assert!(
        s.lines().nth(100).unwrap().starts_with("  many.csv:101:"),
        "{}",
        s.lines().nth(100).unwrap()
    );
    assert_eq!(s.lines().last().unwrap(), "  … and 1,234 more problems");
}

// ---- zip bombs ------------------------------------------------------------------------------

/// A raw deflate stream that inflates to `mib` MiB of `b'<'`-free XML-ish bytes (zeros), built by
/// repeating one sync-flushed block: about 1 KB per MiB, made in milliseconds.
fn deflate_zeros(mib: usize) -> Vec<u8> {
    use flate2::{Compress, Compression, FlushCompress};
    let chunk = vec![0u8; 1 << 20];
    let mut c = Compress::new(Compression::best(), false);
    let mut block = Vec::with_capacity(1 << 16);
    c.compress_vec(&chunk, &mut block, FlushCompress::Sync).unwrap();
    let mut out = Vec::with_capacity(block.len() * mib + 2);
    for _ in 0..mib {
        out.extend_from_slice(&block);
    }
    out.extend_from_slice(&[0x03, 0x00]); // final empty fixed-Huffman block
    out
}

/// A zip with one deflated entry whose header declares `declared` uncompressed bytes.
fn zip_one(name: &str, data: &[u8], declared: u32) -> Vec<u8> {
    let mut z = Vec::new();
    let n = name.len() as u16;
    let local = |z: &mut Vec<u8>| {
        z.write_all(&0x04034b50u32.to_le_bytes()).unwrap();
        z.write_all(&20u16.to_le_bytes()).unwrap(); // version
        z.write_all(&0u16.to_le_bytes()).unwrap(); // flags
        z.write_all(&8u16.to_le_bytes()).unwrap(); // deflate
        z.write_all(&[0, 0, 0x21, 0]).unwrap(); // time, date
        z.write_all(&0u32.to_le_bytes()).unwrap(); // crc (never reached)
        z.write_all(&(data.len() as u32).to_le_bytes()).unwrap();
        z.write_all(&declared.to_le_bytes()).unwrap();
        z.write_all(&n.to_le_bytes()).unwrap();
        z.write_all(&0u16.to_le_bytes()).unwrap();
        z.write_all(name.as_bytes()).unwrap();
    };
    local(&mut z);
    z.extend_from_slice(data);
    let cd = z.len() as u32;
    z.write_all(&0x02014b50u32.to_le_bytes()).unwrap();
    z.write_all(&20u16.to_le_bytes()).unwrap();
    z.write_all(&20u16.to_le_bytes()).unwrap();
    z.write_all(&0u16.to_le_bytes()).unwrap();
    z.write_all(&8u16.to_le_bytes()).unwrap();
    z.write_all(&[0, 0, 0x21, 0]).unwrap();
    z.write_all(&0u32.to_le_bytes()).unwrap();
    z.write_all(&(data.len() as u32).to_le_bytes()).unwrap();
    z.write_all(&declared.to_le_bytes()).unwrap();
    z.write_all(&n.to_le_bytes()).unwrap();
    z.write_all(&[0; 12]).unwrap(); // extra, comment, disk, attrs (internal 2 + external 4)
    z.write_all(&0u32.to_le_bytes()).unwrap(); // local header offset
    z.write_all(name.as_bytes()).unwrap();
    let cd_len = z.len() as u32 - cd;
    z.write_all(&0x06054b50u32.to_le_bytes()).unwrap();
    z.write_all(&[0; 4]).unwrap();
    z.write_all(&1u16.to_le_bytes()).unwrap();
    z.write_all(&1u16.to_le_bytes()).unwrap();
    z.write_all(&cd_len.to_le_bytes()).unwrap();
    z.write_all(&cd.to_le_bytes()).unwrap();
    z.write_all(&0u16.to_le_bytes()).unwrap();
    z
}

#[test]
fn an_honest_zip_bomb_is_refused_from_its_declared_size() {
    let bomb = zip_one("xl/worksheets/sheet1.xml", &deflate_zeros(4095), 4095 << 20);
    assert!(bomb.len() < 6 << 20, "a few MB: {}", bomb.len());
    let t = Instant::now();
    let err = read_survey(
        &bomb,
        "bomb.xlsx",
        &mini(),
        IntakeOptions { kind: FileKind::Xlsx, layout: Layout::Auto, known_localities: None },
    )
    .unwrap_err();
    assert!(t.elapsed() < Duration::from_millis(500), "took {:?}", t.elapsed());
    assert_eq!(messages(&err), vec!["bomb.xlsx:0: column xl/worksheets/sheet1.xml: decompressed workbook size (bytes) exceeds the limit: at least 4,293,918,720 > 268,435,456; if the file is trusted, raise the limit with --max-xlsx-bytes (library: Limits::max_xlsx_bytes)".to_string()]);
}

#[test]
fn a_lying_zip_bomb_is_stopped_while_inflating() {
    // Declares 1 KB, inflates to 4 GiB: stopped after the declared size.
    let bomb = zip_one("xl/worksheets/sheet1.xml", &deflate_zeros(4096), 1024);
    let t = Instant::now();
    let err = read_survey(
        &bomb,
        "liar.xlsx",
        &mini(),
        IntakeOptions { kind: FileKind::Xlsx, layout: Layout::Auto, known_localities: None },
    )
    .unwrap_err();
    assert!(t.elapsed() < Duration::from_millis(500), "took {:?}", t.elapsed());
    let m = messages(&err);
    assert_eq!(m.len(), 1, "{m:?}");
    // Stopped by our count or by the zip reader's own check, whichever sees it first.
    assert!(
        m[0].starts_with(
            "liar.xlsx:0: cannot read file: damaged XLSX workbook: xl/worksheets/sheet1.xml: "
        ) && m[0].contains("declared"),
        "{m:?}"
    );
}

#[test]
fn the_cell_count_of_a_workbook_is_capped() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for r in 0..50u32 {
        for c in 0..10u16 {
            ws.write_number(r, c, 1.0).unwrap();
        }
    }
    let bytes = wb.save_to_buffer().unwrap();
    let limits = Limits { max_cells: 400, ..Limits::default() };
    let err = read_survey_with(
        &bytes,
        "big.xlsx",
        &mini(),
        IntakeOptions { kind: FileKind::Xlsx, layout: Layout::Auto, known_localities: None },
        &ReadOptions { limits, ..Default::default() },
    )
    .unwrap_err();
    let m = messages(&err);
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(m[0].starts_with("big.xlsx:0: column xl/worksheets/sheet1.xml: worksheet cells exceeds the limit: at least 500 > 400; if the file is trusted, raise the limit with --max-cells"), "{m:?}");
}

#[test]
fn damaged_utf8_is_not_mistaken_for_windows_1252() {
    let text = WIDE_CSV.replace("r1,loc:a", "Ré1,loc:a");
    let mut bytes = text.into_bytes();
    let at = bytes.iter().position(|&b| b == b'\n').unwrap() + 1; // line 2 holds "Ré1"
    let third = bytes[at..].iter().position(|&b| b == b'\n').unwrap() + at + 1;
    bytes.insert(third + 1, 0xFF); // a stray byte on line 3
    let err = read_with(&bytes, "broken.csv", ReadOptions::default()).unwrap_err();
    assert!(
        messages(&err)[0]
            .starts_with("broken.csv:3: cannot read file: line 3: the file is not valid utf-8"),
        "{err}"
    );
}

// ---- found by the fuzzing of the parsers (mlgov-faults, `fuzz::survey::survey_intake_xlsx`) ----

/// The parts of a workbook, one edited, zipped again (valid checksums).
fn rezip(workbook: &[u8], edit: impl Fn(&str, Vec<u8>) -> Vec<u8>) -> Vec<u8> {
    use std::io::Read;
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(workbook)).unwrap();
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        w.start_file(name.as_str(), zip::write::SimpleFileOptions::default()).unwrap();
        w.write_all(&edit(&name, data)).unwrap();
    }
    w.finish().unwrap().into_inner()
}

fn two_cells(last_row: u32, last_col: u16) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "respondent").unwrap();
    ws.write_number(last_row, last_col, 1.0).unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn two_cells_far_apart_are_refused_before_the_sheet_is_made_dense() {
    // A1 and XFD1048576: the reader's dense range would ask for 17 billion cells (550 GB); the
    // rectangle of the used cells is held to the cell limit while the cells are read.
    let start = Instant::now();
    let err = read_survey(
        &two_cells(1_048_575, 16_383),
        "far.xlsx",
        &mini(),
        IntakeOptions { kind: FileKind::Xlsx, layout: Layout::Auto, known_localities: None },
    )
    .unwrap_err();
    assert_eq!(messages(&err), vec!["far.xlsx:0: columns exceeds the limit: at least 16,384 > 5,000; if the file is trusted, raise the limit with --max-columns (library: Limits::max_columns)".to_string()]);
    let err = read_survey(
        &two_cells(1_048_575, 4),
        "tall.xlsx",
        &mini(),
        IntakeOptions { kind: FileKind::Xlsx, layout: Layout::Auto, known_localities: None },
    )
    .unwrap_err();
    assert_eq!(messages(&err), vec!["tall.xlsx:1048576: worksheet cells exceeds the limit: at least 5,242,880 > 5,000,000; if the file is trusted, raise the limit with --max-cells (library: Limits::max_cells)".to_string()]);
    assert!(start.elapsed() < Duration::from_secs(10));
}

#[test]
fn cell_references_beyond_the_reader_s_arithmetic_are_a_damaged_workbook() {
    // `r="A4294967296"` overflows the reader's row arithmetic (a panic in a debug build).
    let wb = rezip(&two_cells(1, 1), |name, data| {
        if name.ends_with("sheet1.xml") {
            String::from_utf8(data).unwrap().replace("r=\"A1\"", "r=\"A4294967296\"").into_bytes()
        } else {
            data
        }
    });
    let err = read_survey(
        &wb,
        "overflow.xlsx",
        &mini(),
        IntakeOptions { kind: FileKind::Xlsx, layout: Layout::Auto, known_localities: None },
    )
    .unwrap_err();
    let m = messages(&err);
    assert_eq!(m.len(), 1, "{m:?}");
    assert!(m[0].starts_with("overflow.xlsx:0: cannot read file: damaged XLSX workbook"), "{m:?}");
}

#[test]
fn a_shared_string_count_beyond_the_part_s_size_is_a_damaged_workbook() {
    // calamine reserves room for the declared count before reading a string: 96 GB here, and
    // the process aborted on the failed allocation.
    // Also after a `>` inside an attribute value, which does not end the tag (found next).
    for (from, to) in [
        ("uniqueCount=\"1\"", "uniqueCount = '4000000000'"),
        ("openxmlformats.org/", "openxmlformats.org>/\" uniqueCount=\"4000000000\" x=\""),
    ] {
        let wb = rezip(&two_cells(1, 1), |name, data| {
            if name == "xl/sharedStrings.xml" {
                String::from_utf8(data).unwrap().replacen(from, to, 1).into_bytes()
            } else {
                data
            }
        });
        let err = read_survey(
            &wb,
            "strings.xlsx",
            &mini(),
            IntakeOptions { kind: FileKind::Xlsx, layout: Layout::Auto, known_localities: None },
        )
        .unwrap_err();
        let m = messages(&err);
        assert_eq!(m.len(), 1, "{m:?}");
        assert!(m[0].starts_with("strings.xlsx:0: cannot read file: damaged XLSX workbook: xl/sharedStrings.xml: declares 4,000,000,000 shared strings, more than its "), "{to}: {m:?}");
    }
}
