//! Survey-tool exports through the real binary: each shipped example (Qualtrics, LimeSurvey,
//! KoboToolbox) imports with its mapping and gives the expected answers; a recognised export
//! without a mapping exits 2 naming the tool and the suggest command; `mapping suggest` writes a
//! draft; a zip bomb ends fast with exit 2 naming the limit.

use std::time::{Duration, Instant};

use crate::common::Env;

fn example(name: &str) -> String {
    format!("{}/../../data/survey/examples/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Imports one example with its mapping and checks the stored answers through `survey analyze`.
fn import_example(tool: &str, ext: &str) {
    let env = Env::new();
    env.demo();
    let file = example(&format!("{tool}.{ext}"));
    let mapping = example(&format!("{tool}.mapping.toml"));
    let (code, out, err) =
        env.mlgov(&["survey", "import", &file, "--mapping", &mapping, "--name", tool]);
    assert_eq!(code, 0, "{tool}: {err}");
    assert!(out.contains("12 respondents in 6 localities, 86 frequency answers"), "{tool}: {out}");
    // Mean frequency with trade unions in p1 over the 10 respondents who answered it:
    // 3+2+0+4+1+3+0+1+5+2 = 21 → 2.1 (expected.csv).
    let v = env.json(&[
        "survey",
        "analyze",
        tool,
        "frequency",
        "--by",
        "none",
        "--period",
        "p1",
        "--resamples",
        "0",
    ]);
    let rows = v[0]["rows"].as_array().unwrap_or_else(|| panic!("{tool}: {v}"));
    let tu = rows
        .iter()
        .find(|r| r["measure"] == "trade_unions" && r["statistic"] == "mean")
        .unwrap_or_else(|| panic!("{tool}: no trade_unions row in {v}"));
    assert_eq!(tu["estimate"]["n"], 10, "{tool}: {tu}");
    assert!((tu["estimate"]["mean"].as_f64().unwrap() - 2.1).abs() < 1e-9, "{tool}: {tu}");
    // A release of it: classes some respondents never answered (missing Index 3 parts) and the
    // linked-table rule agree on who is behind every cell.
    let (code, out, err) = env.mlgov(&["survey", "release", tool]);
    assert_eq!(code, 0, "{tool}: release: {out}{err}");
}

#[test]
fn qualtrics_example_imports_with_its_mapping() {
    import_example("qualtrics", "csv");
}

#[test]
fn limesurvey_example_imports_with_its_mapping() {
    import_example("limesurvey", "csv");
}

#[test]
fn kobo_example_imports_with_its_mapping() {
    import_example("kobo", "csv");
}

#[test]
fn a_tool_export_without_a_mapping_exits_2_naming_the_tool_and_the_suggest_command() {
    let env = Env::new();
    env.demo();
    let file = example("limesurvey.csv");
    let (code, _, err) = env.mlgov(&["survey", "import", &file, "--name", "x"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("this looks like a LimeSurvey export"), "{err}");
    assert!(err.contains(&format!("mlgov survey mapping suggest {file}")), "{err}");
}

#[test]
fn mapping_suggest_writes_a_draft_that_marks_what_it_could_not_place() {
    let env = Env::new();
    env.demo();
    let out = env.path("q.mapping.toml");
    let (code, stdout, err) = env.mlgov(&[
        "survey",
        "mapping",
        "suggest",
        &example("qualtrics.csv"),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("Qualtrics:") && stdout.contains("1 unplaced (Q10)"), "{stdout}");
    let draft = std::fs::read_to_string(&out).unwrap();
    assert!(draft.contains("\"Q4_1\" = \"freq_p1_pro_migrant_groups\""), "{draft}");
    assert!(draft.contains("unplaced = [\"Q10\"]") && draft.contains("# UNPLACED"), "{draft}");
    // Localities found by their knowledge-base names.
    assert!(
        draft.contains("\"Lyon\" = \"loc:lyon\"")
            && draft.contains("\"Saint-Étienne\" = \"loc:saint-etienne\""),
        "{draft}"
    );
    // The draft is refused until its unplaced column is placed.
    let (code, _, err) = env.mlgov(&[
        "survey",
        "import",
        &example("qualtrics.csv"),
        "--mapping",
        out.to_str().unwrap(),
        "--name",
        "q",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("the mapping still lists unplaced columns (Q10)"), "{err}");
}

#[test]
fn an_xlsx_bomb_ends_fast_with_exit_2_naming_the_limit() {
    // A workbook whose one sheet declares 3 GiB: refused from the zip directory, nothing inflated.
    let env = Env::new();
    let path = env.path("bomb.xlsx");
    let mut z: Vec<u8> = Vec::new();
    let name = b"xl/worksheets/sheet1.xml";
    let data = [0x03u8, 0x00];
    let declared: u32 = 3 << 30;
    let header = |z: &mut Vec<u8>, central: bool| {
        z.extend_from_slice(&(if central { 0x02014b50u32 } else { 0x04034b50u32 }).to_le_bytes());
        if central {
            z.extend_from_slice(&20u16.to_le_bytes());
        }
        z.extend_from_slice(&20u16.to_le_bytes());
        z.extend_from_slice(&0u16.to_le_bytes());
        z.extend_from_slice(&8u16.to_le_bytes());
        z.extend_from_slice(&[0, 0, 0x21, 0]);
        z.extend_from_slice(&0u32.to_le_bytes());
        z.extend_from_slice(&(data.len() as u32).to_le_bytes());
        z.extend_from_slice(&declared.to_le_bytes());
        z.extend_from_slice(&(name.len() as u16).to_le_bytes());
        z.extend_from_slice(&0u16.to_le_bytes());
        if central {
            z.extend_from_slice(&[0; 12]);
            z.extend_from_slice(&0u32.to_le_bytes());
        }
        z.extend_from_slice(name);
    };
    header(&mut z, false);
    z.extend_from_slice(&data);
    let cd = z.len() as u32;
    header(&mut z, true);
    let cd_len = z.len() as u32 - cd;
    z.extend_from_slice(&0x06054b50u32.to_le_bytes());
    z.extend_from_slice(&[0; 4]);
    z.extend_from_slice(&1u16.to_le_bytes());
    z.extend_from_slice(&1u16.to_le_bytes());
    z.extend_from_slice(&cd_len.to_le_bytes());
    z.extend_from_slice(&cd.to_le_bytes());
    z.extend_from_slice(&0u16.to_le_bytes());
    std::fs::write(&path, &z).unwrap();
    let t = Instant::now();
    let (code, _, err) = env.mlgov(&["survey", "import", path.to_str().unwrap(), "--no-kb-check"]);
    assert!(t.elapsed() < Duration::from_secs(5), "took {:?}", t.elapsed());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("decompressed workbook size (bytes) exceeds the limit: at least 3,221,225,472 > 268,435,456") && err.contains("--max-xlsx-bytes"), "{err}");
    let (code, _, err) = env.mlgov(&[
        "survey",
        "import",
        path.to_str().unwrap(),
        "--no-kb-check",
        "--max-xlsx-bytes",
        "1000",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("> 1,000"), "{err}");
}

#[test]
fn semicolon_windows_1252_csv_from_excel_imports() {
    let env = Env::new();
    env.demo();
    let text = "respondent;locality;role;affiliation;freq_p1_trade_unions;public_attitudes\r\nRé1;loc:turin;local_official;NA;\"3,0\";4\r\nr2;loc:lyon;elected_policymaker;progressive;;NA\r\n";
    let bytes: Vec<u8> = text.chars().map(|c| if c == 'é' { 0xE9 } else { c as u8 }).collect();
    let path = env.path("excel.csv");
    std::fs::write(&path, &bytes).unwrap();
    let (code, out, err) =
        env.mlgov(&["survey", "import", path.to_str().unwrap(), "--name", "excel"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("2 respondents in 2 localities, 1 frequency answers"), "{out}");
    // Given the wrong encoding explicitly, the line is named.
    let (code, _, err) = env.mlgov(&[
        "survey",
        "import",
        path.to_str().unwrap(),
        "--name",
        "excel",
        "--encoding",
        "utf-8",
    ]);
    assert_eq!(code, 2);
    assert!(
        err.contains("excel.csv:2: cannot read file: line 2: the file is not valid utf-8"),
        "{err}"
    );
}
