//! Intake: long and wide CSV, XLSX, round trips, and every malformed case with its message.

use std::collections::HashSet;

use mlgov_survey::*;

use super::fixtures::*;

#[test]
fn long_csv_keeps_missing_answers_missing() {
    let (ins, ds, _) = fixture();
    assert_eq!(ds.len(), 3);
    assert!(!ds.synthetic);
    let (p1, p2) = (0, 1);
    assert_eq!(ds.freq(0, p1, 1), Some(4));
    assert_eq!(ds.freq(0, p2, 1), None, "empty cell is missing, not 0");
    assert_eq!(ds.freq(2, p1, 0), None, "r3 answered only p2");
    assert_eq!(ds.freq(2, p2, 2), Some(0), "an explicit 0 stays 0");
    assert_eq!(ds.nature(0, p2, 0), Some(2), "answered 5 is reported +2");
    assert_eq!(ds.nature(1, p2, 0), Some(-1));
    assert_eq!(ds.perception(0, 1), Some(&PerceptionAnswer::Multi(vec![0, 1])));
    assert_eq!(ds.respondents[1].affiliation, None);
    assert_eq!(ins.roles[ds.respondents[1].role].id, "local_official");
}

#[test]
fn wide_csv_gives_the_same_dataset_as_long() {
    let ins = mini();
    let long = read(LONG_CSV, &ins).unwrap();
    let wide = read(WIDE_CSV, &ins).unwrap();
    assert_eq!(long, wide);
}

#[test]
fn xlsx_from_bytes_gives_the_same_dataset_as_csv() {
    let ins = mini();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, line) in WIDE_CSV.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            // Numbers as numeric cells, like a survey tool export.
            if let Ok(v) = cell.parse::<f64>() {
                ws.write_number(r as u32, c as u16, v).unwrap();
            } else if !cell.is_empty() {
                ws.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    let bytes = wb.save_to_buffer().unwrap();
    let opts = IntakeOptions {
        kind: FileKind::from_name("export.xlsx"),
        layout: Layout::Wide,
        known_localities: None,
    };
    let ds = read_survey(&bytes, "export.xlsx", &ins, opts).unwrap();
    assert_eq!(ds, read(LONG_CSV, &ins).unwrap());
}

#[test]
fn garbage_xlsx_is_a_diagnostic_not_a_panic() {
    let ins = mini();
    let opts = IntakeOptions { kind: FileKind::Xlsx, layout: Layout::Auto, known_localities: None };
    let err = read_survey(b"not a zip", "x.xlsx", &ins, opts).unwrap_err();
    assert_eq!(err.0.len(), 1);
    assert!(err.to_string().contains("x.xlsx:0: cannot read file: not an XLSX workbook"), "{err}");
}

#[test]
fn synthetic_round_trips_through_long_and_wide_csv() {
    let ins = Instrument::whole_comm();
    let locs = synth_localities(6, 3);
    let ds = synth(&locs, SynthSize::PerLocality(4), 3, &SynthParams::default(), &ins);
    for wide in [false, true] {
        let mut buf = Vec::new();
        if wide {
            write_wide_csv(&ds, &ins, &mut buf).unwrap()
        } else {
            write_long_csv(&ds, &ins, &mut buf).unwrap()
        }
        let back = read_survey(
            &buf,
            "s.csv",
            &ins,
            IntakeOptions { kind: FileKind::Csv, layout: Layout::Auto, known_localities: None },
        )
        .unwrap();
        assert!(back.synthetic, "the synthetic flag survives the file");
        assert_eq!(back, ds, "wide={wide}");
    }
}

const H: &str = "respondent,locality,role,affiliation,period,item,value\n";

fn errors_of(body: &str, known: Option<&HashSet<String>>) -> Vec<String> {
    let ins = mini();
    let csv = format!("{H}{body}");
    let opts = IntakeOptions { kind: FileKind::Csv, layout: Layout::Long, known_localities: known };
    match read_survey(csv.as_bytes(), "bad.csv", &ins, opts) {
        Ok(_) => vec![],
        Err(e) => e.0.iter().map(|x| x.to_string()).collect(),
    }
}

#[test]
fn malformed_long_rows_each_give_a_precise_message() {
    let cases: &[(&str, &str)] = &[
        (
            "r1,loc:a,local_official,,p1,freq_a1,6\n",
            "bad.csv:2: column value: value 6 out of range; expected 0..=5 or empty",
        ),
        (
            "r1,loc:a,local_official,,p1,freq_a1,-1\n",
            "bad.csv:2: column value: value -1 out of range; expected 0..=5 or empty",
        ),
        (
            "r1,loc:a,local_official,,p1,nature_a1,0\n",
            "bad.csv:2: column value: value 0 out of range; expected 1..=5 or empty",
        ),
        (
            "r1,loc:a,local_official,,p1,freq_a1,often\n",
            "bad.csv:2: column value: \"often\" is not an integer",
        ),
        (
            "r1,loc:a,local_official,,p1,freq_zz,1\n",
            "bad.csv:2: column item: unknown item \"freq_zz\"; expected one of freq_<actor>, nature_<actor>",
        ),
        (
            "r1,loc:a,mayor,,p1,freq_a1,1\n",
            "bad.csv:2: column role: unknown role \"mayor\"; expected one of elected_policymaker, local_official",
        ),
        (
            "r1,loc:a,local_official,green,p1,freq_a1,1\n",
            "bad.csv:2: column affiliation: unknown affiliation \"green\"",
        ),
        (
            "r1,loc:a,local_official,,p9,freq_a1,1\n",
            "bad.csv:2: column period: unknown period \"p9\"; expected one of p1, p2",
        ),
        (
            "r1,loc:a,local_official,,,freq_a1,1\n",
            "bad.csv:2: column period: frequency and nature items need a period",
        ),
        (
            "r1,loc:a,local_official,,p1,public_attitudes,3\n",
            "bad.csv:2: column period: perception items take no period",
        ),
        (
            "r1,,local_official,,p1,freq_a1,1\n",
            "bad.csv:2: column locality: respondent \"r1\" has no locality",
        ),
        (
            ",loc:a,local_official,,p1,freq_a1,1\n",
            "bad.csv:2: column respondent: empty respondent id",
        ),
        (
            "r1,loc:a,local_official,,,sources,tv\n",
            "bad.csv:2: column value: unknown option \"tv\"; expected one of newspapers, reports, none",
        ),
        (
            "r1,loc:a,local_official,,p1,freq_a1,1\nr1,loc:a,local_official,,p1,freq_a1,2\n",
            "bad.csv:3: column value: duplicated answer: respondent \"r1\" item \"freq_a1\" period \"p1\" already answered on row 2",
        ),
        (
            "r1,loc:a,local_official,,p1,freq_a1,1\nr1,loc:b,local_official,,p2,freq_a1,2\n",
            "bad.csv:3: column locality: inconsistent attribute for respondent \"r1\": \"loc:b\" here but \"loc:a\" on row 2",
        ),
        (
            "r1,loc:a,local_official,,p1,freq_a1,1\nr1,loc:a,elected_policymaker,,p2,freq_a1,2\n",
            "bad.csv:3: column role: inconsistent attribute",
        ),
        (
            "r1,loc:a,local_official,,p1,freq_a1,1,extra\n",
            "bad.csv:2: cannot read file: row has 8 fields, the header has 7",
        ),
        // Identifiers keep to their grammar (issue 21): no control characters, bidi overrides or
        // invisible characters in a respondent or locality id.
        (
            "r\u{1b}[31m1,loc:a,local_official,,p1,freq_a1,1\n",
            "bad.csv:2: column respondent: respondent id \"r\\u{1b}[31m1\" holds U+001B at character 2; expected an identifier of letters, digits, spaces and ASCII punctuation",
        ),
        (
            "\"r\u{0}\",loc:a,local_official,,p1,freq_a1,1\n",
            "bad.csv:2: column respondent: respondent id \"r\\0\" holds U+0000 at character 2",
        ),
        (
            "r\u{202e}1,loc:a,local_official,,p1,freq_a1,1\n",
            "bad.csv:2: column respondent: respondent id \"r\\u{202e}1\" holds U+202E at character 2",
        ),
        (
            "r1,loc:a\u{7},local_official,,p1,freq_a1,1\n",
            "bad.csv:2: column locality: locality id \"loc:a\\u{7}\" holds U+0007 at character 6",
        ),
        (
            "r1,loc:\u{200b}a,local_official,,p1,freq_a1,1\n",
            "bad.csv:2: column locality: locality id \"loc:\\u{200b}a\" holds U+200B at character 5",
        ),
    ];
    for (body, expected) in cases {
        let errs = errors_of(body, None);
        assert_eq!(errs.len(), 1, "{body:?} → {errs:?}");
        assert!(errs[0].starts_with(expected), "{body:?}\n got: {}\nwant: {expected}", errs[0]);
    }
}

#[test]
fn identifiers_of_any_script_with_ascii_punctuation_are_accepted() {
    for id in ["Ré-1", "ee.kobotoolbox.org:0001", "R_1abcXYZ", "受访者 7", "resp #12 (Turin)"] {
        assert_eq!(
            errors_of(&format!("\"{id}\",loc:a,local_official,,p1,freq_a1,1\n"), None),
            Vec::<String>::new(),
            "{id}"
        );
    }
}

#[test]
fn unknown_locality_is_checked_against_the_callers_set() {
    let known: HashSet<String> = ["loc:a".to_string()].into();
    let errs = errors_of(
        "r1,loc:a,local_official,,p1,freq_a1,1\nr2,loc:zz,local_official,,p1,freq_a1,1\n",
        Some(&known),
    );
    assert_eq!(errs, vec!["bad.csv:3: column locality: unknown locality \"loc:zz\"; expected a locality id of the knowledge base".to_string()]);
}

#[test]
fn all_errors_are_collected_not_only_the_first() {
    let errs = errors_of(
        "r1,loc:a,local_official,,p1,freq_a1,9\nr1,loc:a,local_official,,p1,freq_a2,x\nr2,,local_official,,p1,freq_a1,1\n",
        None,
    );
    assert_eq!(errs.len(), 3, "{errs:?}");
    assert!(
        errs[0].starts_with("bad.csv:2:")
            && errs[1].starts_with("bad.csv:3:")
            && errs[2].starts_with("bad.csv:4:")
    );
}

#[test]
fn header_problems_are_reported() {
    let ins = mini();
    let opts = IntakeOptions { kind: FileKind::Csv, layout: Layout::Long, known_localities: None };
    let err = read_survey(b"respondent,role,item,value,colour\n", "h.csv", &ins, opts)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(
            "h.csv:1: column colour: unknown column; expected one of respondent, locality"
        ),
        "{err}"
    );
    assert!(
        err.contains("h.csv:1: column locality: required column is missing from the header"),
        "{err}"
    );
    let opts = IntakeOptions { kind: FileKind::Csv, layout: Layout::Wide, known_localities: None };
    let err = read_survey(b"respondent,locality,role,freq_p3_a1,freq_p1_zz\n", "w.csv", &ins, opts)
        .unwrap_err();
    assert_eq!(err.0.len(), 2, "{err}");
    assert!(
        err.0[0].to_string().starts_with("w.csv:1: column freq_p3_a1: unknown column"),
        "{err}"
    );
    let err = read_survey(b"", "e.csv", &ins, opts).unwrap_err().to_string();
    assert!(err.contains("e.csv:0: cannot read file: empty file"), "{err}");
}

#[test]
fn wide_duplicate_respondent_and_bom_and_na() {
    let ins = mini();
    let csv = "\u{feff}respondent,locality,role,freq_p1_a1\nr1,loc:a,local_official,NA\nr1,loc:a,local_official,2\n";
    let err = read(csv, &ins).unwrap_err().to_string();
    assert!(
        err.contains(
            "answers.csv:3: column respondent: respondent \"r1\" already appears on row 2"
        ),
        "{err}"
    );
    let ok =
        read("\u{feff}respondent,locality,role,freq_p1_a1\nr1,loc:a,local_official,NA\n", &ins)
            .unwrap();
    assert_eq!(ok.freq(0, 0, 0), None, "NA is missing");
}
