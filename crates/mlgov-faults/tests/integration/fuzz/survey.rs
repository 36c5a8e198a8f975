//! The survey parsers (mlgov-survey): the intake of mlgov's long and wide layouts from CSV and
//! XLSX, survey-tool exports (Qualtrics, LimeSurvey, KoboToolbox) read through their mappings and
//! drafted into one, and the two TOML formats (the instrument, the mapping).

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use mlgov_survey::intake::{IntakeErrorKind, IntakeErrors};
use mlgov_survey::mapping::MappingError;
use mlgov_survey::{
    FileKind, Instrument, InstrumentError, IntakeOptions, Layout, Mapping, MappingOptions,
    ReadOptions,
};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use super::harness::*;

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/survey/examples")
}

fn example(name: &str) -> Vec<u8> {
    std::fs::read(examples().join(name)).expect("survey example")
}

fn ins() -> &'static Instrument {
    static I: OnceLock<Instrument> = OnceLock::new();
    I.get_or_init(Instrument::whole_comm)
}

/// mlgov's own layouts: a small synthetic survey as long and wide CSV, the example's expected
/// wide file, a tool export (refused: it needs a mapping), Excel's `;` and UTF-16 forms.
fn csv_seeds() -> Vec<Vec<u8>> {
    let locs = mlgov_survey::synth_localities(3, 7);
    let ds = mlgov_survey::synth(
        &locs,
        mlgov_survey::SynthSize::Total(4),
        7,
        &mlgov_survey::SynthParams::default(),
        ins(),
    );
    let mut long = Vec::new();
    mlgov_survey::write_long_csv(&ds, ins(), &mut long).expect("long");
    let mut wide = Vec::new();
    mlgov_survey::write_wide_csv(&ds, ins(), &mut wide).expect("wide");
    let long: Vec<u8> = long.split_inclusive(|&b| b == b'\n').take(30).flatten().copied().collect();
    let expected = example("expected.csv");
    let mut semi = csv::WriterBuilder::new().delimiter(b';').from_writer(Vec::new());
    for rec in csv::ReaderBuilder::new().has_headers(false).from_reader(&expected[..]).records() {
        semi.write_record(&rec.expect("example")).expect("write");
    }
    let semi = String::from_utf8(semi.into_inner().expect("csv")).expect("utf-8");
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        String::from_utf8_lossy(&expected)
            .replace('\n', "\r\n")
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    vec![long, wide, expected, semi.into_bytes(), utf16, example("limesurvey.csv")]
}

/// Wide and long files of many short rows (or blank lines): what the intake sets aside per
/// respondent against the bytes a row takes.
fn many_short_rows() -> impl Strategy<Value = Bytes> {
    let header = proptest::sample::select(vec![
        "respondent",
        "respondent,locality,role",
        "respondent,locality,role,affiliation,freq_p1_trade_unions",
        "respondent,locality,role,item,value",
    ]);
    let row = proptest::sample::select(vec![
        "",
        "x",
        "r{},l,elected_policymaker",
        "r{},loc:a,local_official,,3",
        "r,l,x",
        ",,",
    ]);
    (header, row, prop_oneof![3 => 1usize..2_000, 1 => 2_000usize..60_000]).prop_map(|(h, r, n)| {
        let mut s = format!("{h}\n");
        for k in 0..n {
            s.push_str(&r.replace("{}", &k.to_string()));
            s.push('\n');
        }
        Bytes::new(s.into_bytes())
    })
}

fn intake_options() -> IntakeOptions<'static> {
    IntakeOptions { kind: FileKind::Csv, layout: Layout::Auto, known_localities: None }
}

/// Checks that every problem is placed: a row within the file (0, the whole file, only for
/// problems of the whole file) and a column that the file, the layout or the zip container names.
fn check_intake(input: &[u8], xlsx: bool, errs: &IntakeErrors) -> Result<(), TestCaseError> {
    check_intake_named(input, xlsx, errs, &[])
}

/// [`check_intake`], where the columns a mapping names are places too.
fn check_intake_named(
    input: &[u8],
    xlsx: bool,
    errs: &IntakeErrors,
    named: &[String],
) -> Result<(), TestCaseError> {
    prop_assert!(errs.total() > 0, "rejected without a problem");
    prop_assert!(
        errs.0.len() <= mlgov_survey::intake::KEPT_ERRORS,
        "{} problems kept",
        errs.0.len()
    );
    // What is printed is the first problems and a count, whatever the number found (counted in
    // bytes: a column name may hold line breaks).
    let shown = errs.to_string().len();
    let first: usize = errs
        .0
        .iter()
        .take(mlgov_survey::intake::PRINTED_ERRORS)
        .map(|e| e.to_string().len() + 3)
        .sum();
    prop_assert!(shown <= first + 200, "{shown} bytes printed for the first problems' {first}");
    let lines = line_count(input);
    let text = mlgov_textfile::decode(input, None, mlgov_textfile::WithoutBom::Guess)
        .map(|(t, _)| t.into_owned())
        .unwrap_or_else(|_| String::from_utf8_lossy(input).into_owned());
    let layout_columns =
        ["respondent", "locality", "role", "affiliation", "period", "item", "value", "synthetic"];
    for e in &errs.0 {
        let whole_file = matches!(&e.kind, IntakeErrorKind::Unreadable(m) if m.contains("holds no respondents") || m.starts_with("empty ") || m.contains("ends before its") || m.contains("XLSX") || m.contains("workbook") || m.contains("worksheet"))
            || (xlsx && matches!(e.kind, IntakeErrorKind::LimitExceeded { .. }));
        if xlsx {
            prop_assert!(e.row <= 1_048_576, "row {} beyond a worksheet: {e}", e.row);
        } else {
            prop_assert!(e.row <= lines, "row {} outside the file's {lines} lines: {e}", e.row);
            prop_assert!(e.row >= 1 || whole_file, "a problem without a row: {e}");
        }
        if let Some(c) = &e.column {
            let named = layout_columns.contains(&c.as_str())
                || named.contains(c)
                || super::kb::in_text(&text, c)
                || c.starts_with('#')
                || c.starts_with("xl/")
                || xlsx;
            prop_assert!(named, "column {c:?} is not in the file: {e}");
        }
    }
    Ok(())
}

/// The limits of the workbook fuzzing: what a workbook may cost grows with them by design (about
/// 32 bytes per cell of the used rectangle, the inflated XML), so they are set where the bound
/// `64 × n + 16 MiB` holds for any input: 2 MiB inflated, 100,000 cells.
const XLSX_LIMITS: mlgov_survey::Limits = mlgov_survey::Limits {
    max_xlsx_bytes: 2 << 20,
    max_cells: 100_000,
    max_field_bytes: 64 << 10,
    max_columns: 5_000,
};

fn intake(target: &'static str, inputs: impl Strategy<Value = Bytes>, cases: u32, xlsx: bool) {
    fuzz(target, cases, inputs, |input, totals| {
        let ran = run(target, &input.0, move |b| {
            let opts = IntakeOptions {
                kind: if xlsx { FileKind::Xlsx } else { FileKind::Csv },
                ..intake_options()
            };
            let read = if xlsx {
                ReadOptions { limits: XLSX_LIMITS, ..ReadOptions::default() }
            } else {
                ReadOptions::default()
            };
            mlgov_survey::read_survey_with(
                b,
                if xlsx { "answers.xlsx" } else { "answers.csv" },
                ins(),
                opts,
                &read,
            )
            .map(|d| d.len())
        })?;
        totals.add(input.0.len(), &ran);
        match &ran.value {
            Ok(_) => Ok(()),
            Err(e) => check_intake(&input.0, xlsx, e),
        }
    });
}

#[test]
fn survey_intake_csv() {
    for (i, seed) in csv_seeds().iter().enumerate().take(5) {
        mlgov_survey::read_survey(seed, "seed.csv", ins(), intake_options())
            .unwrap_or_else(|e| panic!("seed {i}: {e}"));
    }
    intake(
        "survey intake csv",
        prop_oneof![6 => mutated(csv_seeds()), 1 => texty_bytes(400), 1 => any_bytes(300), 1 => many_short_rows()],
        1500,
        false,
    );
}

// ---- XLSX ------------------------------------------------------------------------------------

/// A workbook of the example's wide file (numbers as numbers), written by rust_xlsxwriter.
fn xlsx_seed() -> Vec<u8> {
    workbook_of(&example("expected.csv"), b',')
}

/// A CSV file as a workbook (numbers as numbers), written by rust_xlsxwriter.
fn workbook_of(csv: &[u8], delimiter: u8) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, rec) in csv::ReaderBuilder::new()
        .has_headers(false)
        .delimiter(delimiter)
        .from_reader(csv)
        .records()
        .enumerate()
    {
        for (c, cell) in rec.expect("example").iter().enumerate() {
            match cell.parse::<f64>() {
                Ok(v) => ws.write_number(r as u32, c as u16, v),
                Err(_) => ws.write_string(r as u32, c as u16, cell),
            }
            .expect("cell");
        }
    }
    wb.save_to_buffer().expect("workbook")
}

/// The parts of a zip archive.
pub(super) fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    (0..z.len())
        .map(|i| {
            let mut f = z.by_index(i).expect("entry");
            let mut v = Vec::new();
            f.read_to_end(&mut v).expect("inflate");
            (f.name().map(|n| n.to_string()).unwrap_or_default(), v)
        })
        .collect()
}

/// A zip archive of the parts (valid checksums).
pub(super) fn zip_parts(parts: &[(String, Vec<u8>)], deflate: bool) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let method =
        if deflate { zip::CompressionMethod::Deflated } else { zip::CompressionMethod::Stored };
    for (name, data) in parts {
        w.start_file(
            name.as_str(),
            zip::write::SimpleFileOptions::default().compression_method(method),
        )
        .expect("entry");
        w.write_all(data).expect("write");
    }
    w.finish().expect("zip").into_inner()
}

/// A workbook with one part's XML edited (valid zip, damaged or hostile content), or the zip
/// itself edited.
fn xlsx_inputs(seed: Vec<u8>) -> impl Strategy<Value = Bytes> {
    let parts = Arc::new(unzip(&seed));
    let sheet = parts.iter().position(|(n, _)| n == "xl/worksheets/sheet1.xml").expect("sheet1");
    let strings =
        parts.iter().position(|(n, _)| n == "xl/sharedStrings.xml").expect("sharedStrings");
    let edited_part = (
        prop_oneof![4 => Just(sheet), 2 => Just(strings), 2 => 0..parts.len()],
        proptest::collection::vec(any::<(usize, usize)>(), 0..=6),
        proptest::collection::vec(any::<(usize, usize, usize)>(), 0..=3),
        proptest::collection::vec(mutated_op_seed(), 0..=4),
        any::<bool>(),
    )
        .prop_map(move |(i, tags, attrs, extra, deflate)| {
            let mut parts = (*parts).clone();
            // XML-aware edits: cells far away, dimensions, bad shared-string indices, formulas.
            const XML: &[&str] = &[
                "<c r=\"XFD1048576\"><v>1</v></c>",
                "<c r=\"A1048576\" t=\"s\"><v>0</v></c>",
                "<c r=\"ZZZZ1\"><v>1</v></c>",
                "<c r=\"A0\"><v>1</v></c>",
                "<c r=\"B2\" t=\"s\"><v>99999</v></c>",
                "<c r=\"C3\" t=\"s\"><v>-1</v></c>",
                "<dimension ref=\"A1:XFD1048576\"/>",
                "<row r=\"1048576\">",
                "<c r=\"A1\" t=\"str\"><f>1/0</f><v>#DIV/0!</v></c>",
                "<c r=\"E5\" t=\"inlineStr\"><is><t>x</t></is></c>",
                "<c r=\"D4\" t=\"e\"><v>#N/A</v></c>",
                "<c r=\"A2\" t=\"b\"><v>2</v></c>",
                "<c r=\"A3\" t=\"d\"><v>9999-99-99</v></c>",
                "<c r=\"A4\"><v>1e400</v></c>",
                "<row r=\"4294967296\">",
                "<c><v>1</v></c>",
                "</row>",
                "</sheetData>",
                "<sheetData>",
                "&#0;",
                "<!DOCTYPE x [<!ENTITY a \"aaaa\">]>",
                "&a;",
            ];
            let mut how = format!("{} with", parts[i].0);
            let data = &mut parts[i].1;
            for (pos, which) in tags {
                let lt: Vec<usize> =
                    data.iter().enumerate().filter(|(_, b)| **b == b'<').map(|(k, _)| k).collect();
                let at = if lt.is_empty() { 0 } else { lt[pos % lt.len()] };
                let tag = XML[which % XML.len()];
                how.push_str(&format!(
                    " {tag:?} inserted at byte {at} (before {:?});",
                    String::from_utf8_lossy(&data[at..(at + 24).min(data.len())])
                ));
                data.splice(at..at, tag.bytes());
            }
            // Attribute values the reader turns into numbers, positions and sizes.
            const ATTRS: &[&str] = &[
                "uniqueCount",
                "count",
                "r",
                "ref",
                "s",
                "t",
                "sheetId",
                "numFmtId",
                "xfId",
                "spans",
            ];
            const VALUES: &[&str] = &[
                "0",
                "-1",
                "4294967295",
                "4294967296",
                "18446744073709551615",
                "99999999999999999999",
                "1e9",
                "A1:XFD1048576",
                "B2:A1",
                "XFD1048576",
                "A0",
                "",
                "1:16384",
            ];
            for (which, at, value) in attrs {
                let attr = format!(" {}=\"", ATTRS[which % ATTRS.len()]);
                let found: Vec<usize> = data
                    .windows(attr.len())
                    .enumerate()
                    .filter(|(_, w)| *w == attr.as_bytes())
                    .map(|(k, _)| k + attr.len())
                    .collect();
                if let Some(&start) = found.get(at % found.len().max(1)) {
                    let end = data[start..]
                        .iter()
                        .position(|&b| b == b'"')
                        .map_or(data.len(), |k| start + k);
                    let v = VALUES[value % VALUES.len()];
                    how.push_str(&format!(" {}{v}\" at byte {start};", attr.trim_start()));
                    data.splice(start..end, v.bytes());
                }
            }
            *data = apply(data, &extra);
            how.push_str(&format!(" then {extra:?}"));
            Bytes::made(zip_parts(&parts, deflate), how)
        });
    prop_oneof![6 => edited_part, 2 => mutated(vec![seed]), 1 => any_bytes(300)]
}

fn mutated_op_seed() -> impl Strategy<Value = Op> {
    // One generic edit, as `mutated` draws them.
    (any::<usize>(), proptest::sample::select(TEXTS))
        .prop_map(|(p, t)| Op::Insert(p, Piece::Text(t)))
}

#[test]
fn survey_intake_xlsx() {
    // The seed, as written and as re-zipped by the edits, is a valid survey: edits start from there.
    let seed = xlsx_seed();
    let opts = IntakeOptions { kind: FileKind::Xlsx, ..intake_options() };
    let read = ReadOptions { limits: XLSX_LIMITS, ..ReadOptions::default() };
    for wb in [seed.clone(), zip_parts(&unzip(&seed), true)] {
        let ds = mlgov_survey::read_survey_with(&wb, "seed.xlsx", ins(), opts, &read)
            .unwrap_or_else(|e| panic!("the seed workbook: {e}"));
        assert_eq!(ds.len(), 12);
    }
    intake("survey intake xlsx", xlsx_inputs(seed), 1000, true);
}

// ---- survey-tool exports ---------------------------------------------------------------------

fn tool_mapping(tool: &str) -> Arc<Mapping> {
    let text = String::from_utf8(example(&format!("{tool}.mapping.toml"))).expect("utf-8");
    Arc::new(Mapping::from_toml_str(&text, "map.toml", ins()).expect("example mapping"))
}

/// Resolves the examples' locality names as the CLI does with a knowledge base.
fn names(v: &str) -> Option<String> {
    match v.to_lowercase().as_str() {
        "turin" | "torino" | "l01" => Some("loc:turin".into()),
        "lyon" | "l02" => Some("loc:lyon".into()),
        _ => None,
    }
}

fn tool_export(tool: &'static str, cases: u32) {
    let target: &'static str = Box::leak(format!("survey export {tool}").into_boxed_str());
    let mapping = tool_mapping(tool);
    let seed = example(&format!("{tool}.csv"));
    let opts = MappingOptions {
        kind: Some(FileKind::Csv),
        locality_names: Some(&names as mlgov_survey::mapping::LocalityResolver<'_>),
        ..MappingOptions::default()
    };
    mlgov_survey::read_mapped(&seed, "seed.csv", ins(), &mapping, opts)
        .unwrap_or_else(|e| panic!("the {tool} example: {e}"));
    let inputs = prop_oneof![8 => mutated(vec![seed]), 1 => texty_bytes(300)];
    fuzz(target, cases, inputs, |input, totals| {
        let m = Arc::clone(&mapping);
        let ran = run(target, &input.0, move |b| {
            let opts = MappingOptions {
                kind: Some(FileKind::Csv),
                locality_names: Some(&names as mlgov_survey::mapping::LocalityResolver<'_>),
                ..MappingOptions::default()
            };
            let read = mlgov_survey::read_mapped(b, "export.csv", ins(), &m, opts).map(|d| d.len());
            let suggested = mlgov_survey::suggest_mapping(
                b,
                "export.csv",
                ins(),
                Some(FileKind::Csv),
                &ReadOptions::default(),
                Some(&names),
            );
            // A drafted mapping is itself a mapping file: it parses (its unplaced columns make an
            // import refuse, not the parser).
            let reparsed = suggested.as_ref().ok().map(|s| {
                Mapping::from_toml_str(&s.toml, "draft.toml", ins())
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            });
            (read, suggested.map(|s| s.toml.len()), reparsed)
        })?;
        totals.add(input.0.len(), &ran);
        let (read, suggested, reparsed) = &ran.value;
        if let Err(e) = read {
            let named: Vec<String> = [
                Some(&mapping.respondent),
                Some(&mapping.locality),
                mapping.role.as_ref(),
                mapping.affiliation.as_ref(),
            ]
            .into_iter()
            .flatten()
            .chain(mapping.answers.keys())
            .cloned()
            .collect();
            check_intake_named(&input.0, false, e, &named)?;
        }
        if let Err(e) = suggested {
            check_intake(&input.0, false, e)?;
        }
        if let Some(Err(e)) = reparsed {
            // A draft may name a column twice when the export repeats it, and leaves the role to
            // the user when no column holds it (the draft says so); anything else is a bug of
            // the writer.
            prop_assert!(
                e.contains("mapped more than once")
                    || e.contains("both hold")
                    || e.contains("give `role`"),
                "the drafted mapping does not parse: {e}"
            );
        }
        Ok(())
    });
}

/// The KoboToolbox example saved as a workbook, through its mapping (the XLSX path of the tools).
#[test]
fn survey_tool_export_xlsx() {
    let mapping = tool_mapping("kobo");
    let seed = workbook_of(&example("kobo.csv"), b';');
    let opts = || MappingOptions {
        kind: Some(FileKind::Xlsx),
        locality_names: Some(&names as mlgov_survey::mapping::LocalityResolver<'_>),
        read: ReadOptions { limits: XLSX_LIMITS, ..ReadOptions::default() },
        ..MappingOptions::default()
    };
    mlgov_survey::read_mapped(&seed, "seed.xlsx", ins(), &mapping, opts())
        .unwrap_or_else(|e| panic!("the kobo workbook: {e}"));
    fuzz("survey export kobo xlsx", 400, xlsx_inputs(seed), |input, totals| {
        let m = Arc::clone(&mapping);
        let ran = run("survey export kobo xlsx", &input.0, move |b| {
            let read =
                mlgov_survey::read_mapped(b, "export.xlsx", ins(), &m, opts()).map(|d| d.len());
            let suggested = mlgov_survey::suggest_mapping(
                b,
                "export.xlsx",
                ins(),
                Some(FileKind::Xlsx),
                &ReadOptions { limits: XLSX_LIMITS, ..ReadOptions::default() },
                None,
            )
            .map(|s| s.toml.len());
            (read, suggested)
        })?;
        totals.add(input.0.len(), &ran);
        for e in [ran.value.0.as_ref().err(), ran.value.1.as_ref().err()].into_iter().flatten() {
            check_intake(&input.0, true, e)?;
        }
        Ok(())
    });
}

#[test]
fn survey_tool_exports() {
    for tool in ["qualtrics", "limesurvey", "kobo"] {
        tool_export(tool, 300);
    }
}

// ---- the TOML formats ------------------------------------------------------------------------

/// At least one problem, and each placed in `text` ([`toml_problem_placed`]).
fn all_placed(problems: &[String], text: &str) -> Result<(), TestCaseError> {
    prop_assert!(!problems.is_empty());
    for p in problems {
        prop_assert!(toml_problem_placed(p, text), "a problem naming nothing of the file: {p}");
    }
    Ok(())
}

/// Whether a TOML file's problem is placed: at a line and column inside the text, or at a key or
/// table the text has (`[answers] "Q1" = …`, `frequency: value 3 has no label`).
fn toml_problem_placed(problem: &str, text: &str) -> bool {
    if let Some(ok) = toml_position_ok(problem, text) {
        return ok;
    }
    let head = problem.trim_start_matches('[').split([' ', ':', ']', '.']).next().unwrap_or("");
    !head.is_empty() && text.contains(head)
}

fn toml_inputs(seeds: Vec<Vec<u8>>) -> impl Strategy<Value = Bytes> {
    prop_oneof![
        8 => mutated(seeds),
        1 => texty_bytes(300),
        1 => nested("[", "1", "]", "a = "),
        1 => nested("{b=", "1", "}", "a = "),
        1 => nested("a.", "b = 1", "", ""),
        1 => nested("[[", "", "]]", ""),
    ]
}

/// A valid instrument is usable: two respondents answering every item at the ends of its
/// scales (wide layout) are read without a panic. Only for instruments of at most 2,000 answer
/// columns (the header grows as periods × actors).
fn answers_at_the_ends(i: &Instrument) -> Option<Result<usize, String>> {
    if i.periods.len() * i.actors.len() > 1000 || i.perceptions.len() > 200 {
        return None;
    }
    let mut header = vec!["respondent".to_string(), "locality".into(), "role".into()];
    let (mut low, mut high) = (
        vec!["r1".to_string(), "loc:a".into(), i.roles[0].id.clone()],
        vec!["r2".to_string(), "loc:a".into(), i.roles[0].id.clone()],
    );
    for p in &i.periods {
        for a in &i.actors {
            header.push(format!("freq_{}_{}", p.id, a.id));
            low.push(i.frequency.min.to_string());
            high.push(i.frequency.max.to_string());
            header.push(format!("nature_{}_{}", p.id, a.id));
            low.push(i.nature.answered_min.to_string());
            high.push(i.nature.answered_max.to_string());
        }
    }
    for p in &i.perceptions {
        header.push(p.id.clone());
        let (lo, hi) = match p.kind {
            mlgov_survey::instrument::PerceptionKind::Scale => {
                (p.min.unwrap_or(0).to_string(), p.max.unwrap_or(0).to_string())
            }
            _ => (
                p.options.first().map(|o| o.id.clone()).unwrap_or_default(),
                p.options.last().map(|o| o.id.clone()).unwrap_or_default(),
            ),
        };
        low.push(lo);
        high.push(hi);
    }
    let quote = |v: &[String]| {
        v.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect::<Vec<_>>().join(",")
    };
    let csv = format!("{}\n{}\n{}\n", quote(&header), quote(&low), quote(&high));
    let opts = IntakeOptions { layout: Layout::Wide, ..intake_options() };
    Some(
        mlgov_survey::read_survey(csv.as_bytes(), "ends.csv", i, opts)
            .map(|d| d.len())
            .map_err(|e| e.to_string()),
    )
}

#[test]
fn instrument_toml() {
    let mini = r#"format = "mlgov-survey-instrument"
format_version = 1
id = "mini"
version = "0.1.0"
title = "Mini"
[frequency]
min = 0
max = 2
labels = [ {value=0,label="none"}, {value=1,label="some"}, {value=2,label="many"} ]
[nature]
answered_min = 1
answered_max = 3
reported_offset = -2
labels = [ {value=1,label="bad"}, {value=2,label="neutral"}, {value=3,label="good"} ]
[[periods]]
id = "p1"
label = "2016-2019"
from = 2016
to = 2019
[[actors]]
id = "a1"
label = "Actor one"
class = "horizontal"
[[roles]]
id = "r1"
label = "Role"
[[affiliations]]
id = "f1"
label = "Aff"
[[perceptions]]
id = "s1"
label = "Scale"
kind = "scale"
min = 1
max = 2
labels = [ {value=1,label="a"}, {value=2,label="b"} ]
"#;
    let seeds = vec![
        mini.as_bytes().to_vec(),
        mlgov_survey::instrument::WHOLE_COMM_TOML.as_bytes().to_vec(),
    ];
    fuzz("instrument toml", 1500, toml_inputs(seeds), |input, totals| {
        let ran = run("instrument toml", &input.0, |b| {
            let text = String::from_utf8_lossy(b);
            Instrument::from_toml_str(&text, "instrument.toml")
                .map(|i| (i.to_toml_string().len(), answers_at_the_ends(&i)))
        })?;
        totals.add(input.0.len(), &ran);
        let text = String::from_utf8_lossy(&input.0);
        match &ran.value {
            Ok((_, Some(Err(e)))) => Err(TestCaseError::fail(format!(
                "a valid instrument does not read answers at the ends of its scales: {e}"
            ))),
            Ok(_) => Ok(()),
            Err(InstrumentError::Toml { message, .. }) => {
                prop_assert!(
                    toml_position_ok(message, &text) == Some(true),
                    "a syntax problem not placed in the text: {message}"
                );
                Ok(())
            }
            Err(InstrumentError::Invalid { problems, .. }) => all_placed(problems, &text),
            Err(e) => Err(TestCaseError::fail(format!("unexpected error: {e}"))),
        }
    });
}

#[test]
fn mapping_toml() {
    let seeds = ["qualtrics", "limesurvey", "kobo"]
        .iter()
        .map(|t| example(&format!("{t}.mapping.toml")))
        .collect();
    fuzz("mapping toml", 1500, toml_inputs(seeds), |input, totals| {
        let ran = run("mapping toml", &input.0, |b| {
            let text = String::from_utf8_lossy(b);
            Mapping::from_toml_str(&text, "map.toml", ins()).map(|m| m.answers.len())
        })?;
        totals.add(input.0.len(), &ran);
        let text = String::from_utf8_lossy(&input.0);
        if let Err(MappingError { problems, .. }) = &ran.value {
            all_placed(problems, &text)?;
        }
        Ok(())
    });
}
