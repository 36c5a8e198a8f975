//! What the fuzzing found, shrunk, replayed through the same harness (no panic, no hang, the
//! allocation bound) with the answer the fixed parser gives. Each also has a test next to the
//! parser's own tests, named in `fixed by`.

use std::sync::Arc;

use super::harness::*;

/// One input the fuzzing found.
struct Found {
    /// What went wrong before the fix.
    what: &'static str,
    /// The test next to the parser that pins the fix.
    fixed_by: &'static str,
    /// The input.
    input: fn() -> Vec<u8>,
    /// The parser's answer now, checked: `Ok` when it is the expected one.
    parse: fn(&[u8]) -> Result<(), String>,
}

fn expect(ok: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if ok { Ok(()) } else { Err(what()) }
}

fn workbook(last_row: u32, last_col: u16) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "respondent").expect("cell");
    ws.write_number(last_row, last_col, 1.0).expect("cell");
    wb.save_to_buffer().expect("workbook")
}

fn edited(part: &str, from: &str, to: &str) -> Vec<u8> {
    let parts: Vec<(String, Vec<u8>)> = super::survey::unzip(&workbook(1, 1))
        .into_iter()
        .map(|(n, d)| {
            if n == part {
                let t = String::from_utf8(d).expect("xml").replace(from, to);
                (n, t.into_bytes())
            } else {
                (n, d)
            }
        })
        .collect();
    super::survey::zip_parts(&parts, true)
}

fn survey_xlsx(b: &[u8]) -> Result<(), String> {
    let ins = mlgov_survey::Instrument::whole_comm();
    let opts = mlgov_survey::IntakeOptions {
        kind: mlgov_survey::FileKind::Xlsx,
        layout: mlgov_survey::Layout::Auto,
        known_localities: None,
    };
    match mlgov_survey::read_survey(b, "found.xlsx", &ins, opts) {
        Ok(_) => Err("read".into()),
        Err(e) => expect(e.0.len() == 1, || e.to_string()),
    }
}

fn instrument(b: &[u8]) -> Result<(), String> {
    match mlgov_survey::Instrument::from_toml_str(&String::from_utf8_lossy(b), "found.toml") {
        Ok(_) => Err("valid".into()),
        Err(e) => {
            let m = e.to_string();
            expect(
                m.contains("nested too deeply, first at line")
                    || m.contains("more values have no label")
                    || m.contains("must lie within -127..=127"),
                || m,
            )
        }
    }
}

const MINI: &str = "format = \"mlgov-survey-instrument\"\nformat_version = 1\nid = \"m\"\nversion = \"1\"\ntitle = \"M\"\n[frequency]\nmin = 0\nmax = 1\nlabels = [{value=0,label=\"a\"},{value=1,label=\"b\"}]\n[nature]\nanswered_min = 1\nanswered_max = 2\nreported_offset = -1\nlabels = [{value=1,label=\"a\"},{value=2,label=\"b\"}]\n[[periods]]\nid = \"p1\"\nlabel = \"P\"\nfrom = 2016\nto = 2019\n[[actors]]\nid = \"a1\"\nlabel = \"A\"\nclass = \"horizontal\"\n[[roles]]\nid = \"r\"\nlabel = \"R\"\n[[affiliations]]\nid = \"f\"\nlabel = \"F\"\n";

fn draft_parses(b: &[u8]) -> Result<(), String> {
    let ins = mlgov_survey::Instrument::whole_comm();
    let s = mlgov_survey::suggest_mapping(
        b,
        "found.csv",
        &ins,
        None,
        &mlgov_survey::ReadOptions::default(),
        None,
    )
    .map_err(|e| e.to_string())?;
    s.toml.parse::<toml::Table>().map(|_| ()).map_err(|e| e.to_string())
}

fn example(name: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../data/survey/examples")
            .join(name),
    )
    .expect("example")
}

fn kb_json(b: &[u8]) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let p = dir.path().join("found.json");
    std::fs::write(&p, b).map_err(|e| e.to_string())?;
    match mlgov_interchange::read_path(&p) {
        Ok(_) => Err("read".into()),
        Err(e) => {
            let d = e.diagnostics();
            expect(d.len() == 1 && d[0].line.is_some(), || format!("{d:?}"))
        }
    }
}

const FOUND: &[Found] = &[
    Found {
        what: "`?as_of=` cut inside a character: panic",
        fixed_by: "mlgov-store tests::as_of_reads_dates_times_and_change_sets_and_refuses_the_rest",
        input: || b"\xe0\xb3\xa0\xe1\x8e\x80\xe3\x84\xb1\xce\xa3aA\xef\xac\x93\xc2\xaea!".to_vec(),
        parse: |b| {
            expect(mlgov_store::AsOf::parse(&String::from_utf8_lossy(b)).is_err(), || {
                "accepted".into()
            })
        },
    },
    Found {
        what: "If-Modified-Since with a twelve-digit year: panic (release builds too)",
        fixed_by: "mlgov-server httpdate::tests::years_beyond_four_digits_are_not_dates",
        input: || b"Sun, 01 Jan 292277026597 00:00:00 GMT".to_vec(),
        parse: |b| {
            expect(mlgov_server::httpdate::parse(&String::from_utf8_lossy(b)).is_none(), || {
                "a date".into()
            })
        },
    },
    Found {
        what: "a knowledge-base cell of a million apostrophes: stack overflow (process abort)",
        fixed_by: "mlgov-textfile a_million_apostrophes_are_marked_and_unmarked_in_a_loop",
        input: || {
            format!(
                "id,name,kind,country,source,locator\nloc:a,{}=1,municipality,IT,src:a,p. 1\n",
                "'".repeat(1_000_000)
            )
            .into_bytes()
        },
        parse: |b| {
            mlgov_interchange::read_memory_batch(&[("localities.csv", b)])
                .map(|_| ())
                .map_err(|e| format!("{:?}", e.diagnostics()))
        },
    },
    Found {
        what: "a workbook with cells at A1 and XFD1048576: a 550 GB allocation (process abort)",
        fixed_by: "mlgov-survey files::two_cells_far_apart_are_refused_before_the_sheet_is_made_dense",
        input: || workbook(1_048_575, 16_383),
        parse: survey_xlsx,
    },
    Found {
        what: "a workbook with a cell reference beyond the reader's u32 arithmetic: panic (debug builds)",
        fixed_by: "mlgov-survey files::cell_references_beyond_the_reader_s_arithmetic_are_a_damaged_workbook",
        input: || edited("xl/worksheets/sheet1.xml", "r=\"A1\"", "r=\"A4294967296\""),
        parse: survey_xlsx,
    },
    Found {
        what: "a workbook declaring 4,000,000,000 shared strings: a 96 GB allocation (process abort)",
        fixed_by: "mlgov-survey files::a_shared_string_count_beyond_the_part_s_size_is_a_damaged_workbook",
        input: || edited("xl/sharedStrings.xml", "uniqueCount=\"1\"", "uniqueCount=\"4000000000\""),
        parse: survey_xlsx,
    },
    Found {
        what: "the same, after a `>` inside an attribute value (the first fix took it for the tag's end)",
        fixed_by: "mlgov-survey files::a_shared_string_count_beyond_the_part_s_size_is_a_damaged_workbook",
        input: || {
            let parts: Vec<(String, Vec<u8>)> = super::survey::unzip(&workbook(1, 1))
                .into_iter()
                .map(|(n, d)| {
                    if n == "xl/sharedStrings.xml" {
                        (
                            n,
                            String::from_utf8(d)
                                .expect("xml")
                                .replace("openxmlformats.org/", "openxmlformats.org>/")
                                .replace("uniqueCount=\"1\"", "uniqueCount=\"4294967296\"")
                                .into_bytes(),
                        )
                    } else {
                        (n, d)
                    }
                })
                .collect();
            super::survey::zip_parts(&parts, true)
        },
        parse: survey_xlsx,
    },
    Found {
        what: "a survey CSV of a one-column header and 300,000 blank lines: 160 bytes set aside per line (48 MB, above the bound)",
        fixed_by: "this list (the intake's reservation is measured only here)",
        input: || format!("respondent{}", "\n".repeat(300_000)).into_bytes(),
        parse: |b| {
            let ins = mlgov_survey::Instrument::whole_comm();
            let opts = mlgov_survey::IntakeOptions {
                kind: mlgov_survey::FileKind::Csv,
                layout: mlgov_survey::Layout::Auto,
                known_localities: None,
            };
            match mlgov_survey::read_survey(b, "blank.csv", &ins, opts) {
                Ok(_) => Err("read".into()),
                Err(e) => expect(e.0.iter().all(|p| p.row == 1), || e.to_string()),
            }
        },
    },
    Found {
        what: "an instrument scale of 2^32 values: a loop and a problem per value (hang, unbounded allocation)",
        fixed_by: "mlgov-survey instrument::a_scale_of_billions_of_values_is_checked_through_its_labels",
        input: || {
            MINI.replace("answered_min = 1", "answered_min = -2147483648")
                .replace("answered_max = 2", "answered_max = 2147483647")
                .into_bytes()
        },
        parse: instrument,
    },
    Found {
        what: "an instrument whose reported natures overflow their byte (and the i32 sum: panic in intake)",
        fixed_by: "mlgov-survey instrument::reported_natures_must_fit_their_storage",
        input: || MINI.replace("reported_offset = -1", "reported_offset = 2147483647").into_bytes(),
        parse: instrument,
    },
    Found {
        what: "a TOML dotted key of 200 parts: a problem without a position",
        fixed_by: "mlgov-survey instrument::nesting_beyond_the_toml_reader_s_limit_is_placed",
        input: || format!("{MINI}{}b = 1\n", "a.".repeat(200)).into_bytes(),
        parse: instrument,
    },
    Found {
        what: "a mapping draft of an export repeating a column name: duplicate TOML key",
        fixed_by: "mlgov-survey tools::a_repeated_column_name_is_drafted_as_unplaced_once",
        input: || example("qualtrics.csv").replacen(",Q4_1,Q4_2,", ",Q4_1,Q4_1,", 1).into_bytes(),
        parse: draft_parses,
    },
    Found {
        what: "a mapping draft listing an answer code with a line break: broke out of its comment",
        fixed_by: "mlgov-survey tools::values_with_line_breaks_stay_inside_the_draft_s_comments",
        input: || example("limesurvey.csv").replacen("\"A4\"", "\"A\n3\"", 1).into_bytes(),
        parse: draft_parses,
    },
    Found {
        what: "a JSON knowledge base that is not UTF-8: a problem without a position",
        fixed_by: "mlgov-interchange json_problems_of_shape_and_encoding_are_placed_at_their_line",
        input: || b"{\"format\": \"mlgov-kb\",\n\"sources\": [\"\xff\"]}".to_vec(),
        parse: kb_json,
    },
    Found {
        what: "a JSON knowledge base with a record of the wrong shape: a problem without a position",
        fixed_by: "mlgov-interchange json_problems_of_shape_and_encoding_are_placed_at_their_line",
        input: || {
            b"{\"format\": \"mlgov-kb\", \"version\": 1,\n\"sources\": [\n  {\"id\": 7}\n]}"
                .to_vec()
        },
        parse: kb_json,
    },
    Found {
        what: "a UTF-16 knowledge-base CSV with a lone surrogate: a problem without a position",
        fixed_by: "mlgov-interchange utf16_with_bom_and_windows_1252_on_request",
        input: || {
            let mut v = vec![0xFF, 0xFE];
            v.extend("id,name\nloc:a,".encode_utf16().flat_map(u16::to_le_bytes));
            v.extend([0x00, 0xD8]);
            v
        },
        parse: |b| match mlgov_interchange::read_memory_batch(&[("localities.csv", b)]) {
            Ok(_) => Err("read".into()),
            Err(e) => {
                let d = e.diagnostics();
                expect(d.len() == 1 && d[0].line == Some(2), || format!("{d:?}"))
            }
        },
    },
];

#[test]
fn found_inputs_stay_fixed() {
    let mut failures = Vec::new();
    for f in FOUND {
        let input = Arc::new((f.input)());
        let parse = f.parse;
        match run("regression", &input, parse) {
            Ok(ran) => {
                if let Err(e) = ran.value {
                    failures.push(format!("{} (fixed by {}): {e}", f.what, f.fixed_by));
                }
            }
            Err(e) => failures.push(format!("{} (fixed by {}): {e}", f.what, f.fixed_by)),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
