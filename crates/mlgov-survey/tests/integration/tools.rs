//! Survey-tool exports: the shipped Qualtrics, LimeSurvey and KoboToolbox examples imported through
//! their mappings give exactly the answers of `expected.csv`; drafts of mappings; recognised
//! exports refused without a mapping; mapping files with mistakes.

use std::collections::HashMap;

use mlgov_survey::*;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/survey/examples/");

fn example(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Knowledge-base names of the example localities (what the CLI builds from the knowledge base).
fn kb_names() -> HashMap<String, String> {
    [
        ("Turin", "loc:turin"),
        ("Lyon", "loc:lyon"),
        ("Marseille", "loc:marseille"),
        ("Saint-Étienne", "loc:saint-etienne"),
        ("Strasbourg", "loc:strasbourg"),
        ("Barcelona", "loc:barcelona"),
    ]
    .into_iter()
    .map(|(n, id)| (n.to_lowercase(), id.to_string()))
    .collect()
}

fn import(
    export: &str,
    mapping: &str,
    kind: Option<FileKind>,
    bytes: Option<Vec<u8>>,
) -> Result<Dataset, IntakeErrors> {
    let ins = Instrument::whole_comm();
    let map = Mapping::from_toml_str(&String::from_utf8(example(mapping)).unwrap(), mapping, &ins)
        .expect("the shipped mapping is valid");
    let names = kb_names();
    let resolve = |v: &str| names.get(&v.to_lowercase()).cloned();
    let opts = MappingOptions { kind, locality_names: Some(&resolve), ..Default::default() };
    read_mapped(&bytes.unwrap_or_else(|| example(export)), export, &ins, &map, opts)
}

fn expected() -> Dataset {
    let ins = Instrument::whole_comm();
    read_survey(
        &example("expected.csv"),
        "expected.csv",
        &ins,
        IntakeOptions { kind: FileKind::Csv, layout: Layout::Wide, known_localities: None },
    )
    .expect("expected.csv")
}

/// The dataset with respondent ids replaced by their position (each tool has its own ids).
fn by_position(mut ds: Dataset) -> Dataset {
    for (i, r) in ds.respondents.iter_mut().enumerate() {
        r.id = format!("r{:02}", i + 1);
    }
    ds
}

fn check_example(ds: &Dataset) {
    let ins = Instrument::whole_comm();
    let a = |id: &str| ins.actor_index(id).unwrap();
    let (p1, p2) = (0, 1);
    assert_eq!(ds.len(), 12, "twelve respondents, the one who answered nothing included");
    // Spot values written out by hand from the example table.
    assert_eq!(ds.respondents[0].locality, "loc:turin");
    assert_eq!(ins.roles[ds.respondents[0].role].id, "elected_policymaker");
    assert_eq!(ds.freq(0, p1, a("pro_migrant_groups")), Some(4));
    assert_eq!(ds.freq(0, p1, a("national_government")), Some(1));
    assert_eq!(ds.freq(2, p1, a("trade_unions")), Some(0), "an explicit 0 stays 0");
    assert_eq!(ds.freq(3, p1, a("trade_unions")), None, "not answered stays missing");
    assert_eq!(
        ds.nature(0, p2, a("pro_migrant_groups")),
        Some(2),
        "answered 5 = very collaborative, reported +2"
    );
    assert_eq!(ds.nature(2, p2, a("national_government")), Some(-2));
    assert_eq!(ds.respondents[3].affiliation, None, "NA / N/A affiliation is missing");
    assert_eq!(ds.respondents[6].locality, "loc:saint-etienne");
    let att = ins.perceptions.iter().position(|p| p.id == "public_attitudes").unwrap();
    let src = ins.perceptions.iter().position(|p| p.id == "information_sources").unwrap();
    let resp = ins.perceptions.iter().position(|p| p.id == "responsibility").unwrap();
    assert_eq!(ds.perception(6, att), Some(&PerceptionAnswer::Scale(5)));
    assert_eq!(
        ds.perception(3, src),
        Some(&PerceptionAnswer::Multi(vec![])),
        "\"none of these\" is an answer"
    );
    assert_eq!(ds.perception(8, src), None, "an unanswered question is missing");
    assert_eq!(
        ds.perception(4, resp),
        Some(&PerceptionAnswer::Choice(4)),
        "civil_society is option 5"
    );
    // The respondent who answered nothing is kept, with every answer missing.
    assert_eq!(ds.respondents[9].locality, "loc:strasbourg");
    assert!((0..2).all(|p| {
        (0..ins.actors.len()).all(|x| ds.freq(9, p, x).is_none() && ds.nature(9, p, x).is_none())
    }));
    assert!((0..ins.perceptions.len()).all(|i| ds.perception(9, i).is_none()));
    assert_eq!(ds.answered_frequencies(), 12 * 8 - 8 - 2);
}

#[test]
fn qualtrics_example_imports_through_its_mapping() {
    let ds = import("qualtrics.csv", "qualtrics.mapping.toml", None, None)
        .unwrap_or_else(|e| panic!("{e}"));
    check_example(&ds);
    assert_eq!(ds.respondents[0].id, "R_01aBcDeFgHiJkLmN", "ResponseId is the respondent id");
    assert_eq!(by_position(ds), expected());
}

#[test]
fn limesurvey_example_imports_through_its_mapping() {
    let ds = import("limesurvey.csv", "limesurvey.mapping.toml", None, None)
        .unwrap_or_else(|e| panic!("{e}"));
    check_example(&ds);
    assert_eq!(ds.respondents[4].id, "5");
    assert_eq!(by_position(ds), expected());
}

#[test]
fn kobo_example_imports_through_its_mapping() {
    let ds = import("kobo.csv", "kobo.mapping.toml", None, None).unwrap_or_else(|e| panic!("{e}"));
    check_example(&ds);
    assert!(ds.respondents[0].id.starts_with("5c0c0001-"), "_uuid is the respondent id");
    assert_eq!(by_position(ds), expected());
}

/// The Kobo export saved as XLSX (as KoboToolbox offers it) gives the same dataset.
#[test]
fn kobo_example_as_xlsx_gives_the_same_dataset() {
    let text = String::from_utf8(example("kobo.csv")).unwrap();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, line) in text.lines().enumerate() {
        for (c, cell) in line.split(';').enumerate() {
            if let Ok(v) = cell.parse::<f64>() {
                ws.write_number(r as u32, c as u16, v).unwrap();
            } else if !cell.is_empty() {
                ws.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    let bytes = wb.save_to_buffer().unwrap();
    let ds = import("kobo.xlsx", "kobo.mapping.toml", None, Some(bytes))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(by_position(ds), expected());
}

#[test]
fn recognised_exports_are_refused_without_a_mapping() {
    let ins = Instrument::whole_comm();
    for (file, tool) in [
        ("qualtrics.csv", "Qualtrics"),
        ("limesurvey.csv", "LimeSurvey"),
        ("kobo.csv", "KoboToolbox"),
    ] {
        let opts =
            IntakeOptions { kind: FileKind::Csv, layout: Layout::Auto, known_localities: None };
        let err = read_survey(&example(file), file, &ins, opts).unwrap_err();
        assert_eq!(err.0.len(), 1, "{err}");
        assert_eq!(err.0[0].kind, IntakeErrorKind::NeedsMapping { tool: tool.into() });
        let msg = err.to_string();
        assert!(
            msg.contains(&format!("{file}:1: this looks like a {tool} export"))
                && msg.contains("mlgov survey mapping suggest"),
            "{msg}"
        );
    }
}

fn suggestion(file: &str) -> (Suggestion, toml::Table) {
    let ins = Instrument::whole_comm();
    let names = kb_names();
    let resolve = |v: &str| names.get(&v.to_lowercase()).cloned();
    let s =
        suggest_mapping(&example(file), file, &ins, None, &ReadOptions::default(), Some(&resolve))
            .unwrap();
    let t: toml::Table =
        s.toml.parse().unwrap_or_else(|e| panic!("the draft is TOML: {e}\n{}", s.toml));
    (s, t)
}

fn answers(t: &toml::Table) -> HashMap<String, String> {
    t["answers"]
        .as_table()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn suggest_drafts_a_qualtrics_mapping_from_question_texts() {
    let (s, t) = suggestion("qualtrics.csv");
    assert_eq!(s.tool, Some(Tool::Qualtrics));
    assert_eq!(t["header_rows"].as_integer(), Some(3));
    assert_eq!(t["columns"]["respondent"].as_str(), Some("ResponseId"));
    assert_eq!(t["columns"]["locality"].as_str(), Some("Q1"));
    assert_eq!(t["columns"]["role"].as_str(), Some("Q2"));
    assert_eq!(t["columns"]["affiliation"].as_str(), Some("Q3"));
    let a = answers(&t);
    assert_eq!(a["Q4_1"], "freq_p1_pro_migrant_groups");
    assert_eq!(a["Q4_4"], "freq_p1_national_government");
    assert_eq!(a["Q5_2"], "freq_p2_trade_unions");
    assert_eq!(a["Q6_2"], "nature_p2_national_government");
    assert_eq!(a["Q7"], "public_attitudes");
    assert_eq!(a["Q8"], "responsibility");
    assert_eq!(a["Q9"], "information_sources");
    assert_eq!(s.unplaced, vec!["Q10".to_string()], "the free-text comment cannot be placed");
    assert!(s.toml.contains("# \"Q10\" = \"?\"  # UNPLACED — Any comments?"), "{}", s.toml);
    assert!(
        t["ignore"].as_array().unwrap().iter().any(|v| v.as_str() == Some("Duration (in seconds)"))
    );
    // Frequency words the instrument does not know are listed for recoding; Monthly/Weekly are its labels.
    assert!(
        s.toml.contains("# \"Never\" = ?  # UNPLACED value") && !s.toml.contains("\"Weekly\" = ?"),
        "{}",
        s.toml
    );
    assert_eq!(t["localities"]["Lyon"].as_str(), Some("loc:lyon"));
    assert!(s.toml.contains("# \"Torino\" = \"loc:…\"  # UNPLACED locality"), "{}", s.toml);
    // A draft with unplaced columns is refused until they are placed.
    let ins = Instrument::whole_comm();
    let m =
        Mapping::from_toml_str(&s.toml, "draft.toml", &ins).expect("the draft is a valid mapping");
    let err = read_mapped(
        &example("qualtrics.csv"),
        "qualtrics.csv",
        &ins,
        &m,
        MappingOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains(
            "qualtrics.csv:0: cannot read file: the mapping still lists unplaced columns (Q10)"
        ),
        "{err}"
    );
}

#[test]
fn suggest_drafts_limesurvey_and_kobo_mappings_from_codes() {
    let (s, t) = suggestion("limesurvey.csv");
    assert_eq!(s.tool, Some(Tool::LimeSurvey));
    let a = answers(&t);
    assert_eq!(a["freqp1[SQ001]"], "freq_p1_pro_migrant_groups");
    assert_eq!(
        a["freqp2[SQ007]"], "freq_p2_trade_unions",
        "subquestion 7 = the instrument's 7th actor"
    );
    assert_eq!(a["naturep2[SQ012]"], "nature_p2_national_government");
    assert_eq!(a["sources[SQ004]"], "information_sources:international_organisation_reports");
    assert_eq!(a["respons"], "responsibility");
    assert!(s.toml.contains("\"A3\" = 3  # guess"), "{}", s.toml);
    assert!(s.unplaced.is_empty(), "{:?}", s.unplaced);

    let (s, t) = suggestion("kobo.csv");
    assert_eq!(s.tool, Some(Tool::Kobo));
    assert_eq!(t["columns"]["respondent"].as_str(), Some("_uuid"));
    assert_eq!(t["columns"]["locality"].as_str(), Some("grp_profile/municipality"));
    let a = answers(&t);
    assert_eq!(a["grp_interactions/freq_p1_pro_migrant"], "freq_p1_pro_migrant_groups");
    assert_eq!(
        a["grp_interactions/nature_p2_national_government"],
        "nature_p2_national_government"
    );
    assert_eq!(a["grp_perceptions/info_sources"], "information_sources");
    let ignore: Vec<&str> =
        t["ignore"].as_array().unwrap().iter().filter_map(|v| v.as_str()).collect();
    assert!(
        ignore.contains(&"_submission_time")
            && ignore.contains(&"grp_perceptions/info_sources/newspapers"),
        "{ignore:?}"
    );
    assert_eq!(t["localities"]["turin"].as_str(), Some("loc:turin"));
}

#[test]
fn mapping_mistakes_are_all_reported() {
    let ins = Instrument::whole_comm();
    let text = r#"
mapping_version = 2
header_rows = 1
names_row = 2
ignore = ["Q1"]
[columns]
respondent = "id"
locality = "Q1"
[answers]
"Q2" = "freq_p9_trade_unions"
"Q3" = "information_sources:tv"
"Q4" = "freq_p1_trade_unions"
"Q5" = "freq_p1_trade_unions"
"#;
    let err = Mapping::from_toml_str(text, "m.toml", &ins).unwrap_err();
    let all = err.to_string();
    for want in [
        "mapping_version = 2: this mlgov reads version 1",
        "names_row = 2: expected 1 ≤ names_row ≤ header_rows",
        "give `role` (a column) or `default_role`",
        "\"Q2\" = \"freq_p9_trade_unions\": expected freq_<period>_<actor>",
        "\"Q3\" = \"information_sources:tv\": unknown option \"tv\"",
        "\"Q5\" and \"Q4\" both hold \"freq_p1_trade_unions\"",
        "column \"Q1\" is mapped more than once (locality, ignore)",
    ] {
        assert!(all.contains(want), "missing {want:?} in\n{all}");
    }
    assert_eq!(err.problems.len(), 7, "{all}");
    let err = Mapping::from_toml_str("mapping_version = 1\n[columns]\nrespondent = \"id\"\nlocality = \"l\"\nrole = \"r\"\ncolour = \"c\"\n", "m.toml", &ins).unwrap_err();
    assert!(err.to_string().contains("unknown field `colour`"), "{err}");
}

#[test]
fn mapped_import_reports_file_row_and_the_exports_column() {
    let ins = Instrument::whole_comm();
    let map = Mapping::from_toml_str(
        "mapping_version = 1\nmissing = [\"-99\"]\n[columns]\nrespondent = \"ID\"\nlocality = \"Town\"\ndefault_role = \"local_official\"\n[answers]\n\"Q1\" = \"freq_p1_trade_unions\"\n\"Q2\" = \"public_attitudes\"\n[recode.freq]\n\"Weekly\" = 4\n",
        "m.toml",
        &ins,
    )
    .unwrap();
    let csv =
        "ID,Town,Q1,Q2,Extra\r\nr1,loc:a,Weekly,3,x\r\nr2,loc:a,Sometimes,-99,\r\nr3,,-99,9,\r\n";
    let err =
        read_mapped(csv.as_bytes(), "t.csv", &ins, &map, MappingOptions::default()).unwrap_err();
    let got: Vec<String> = err.0.iter().map(|e| e.to_string()).collect();
    assert_eq!(
        got,
        vec![
            "t.csv:1: column Extra: unknown column; expected one of the mapping's columns: place it under [answers] or [columns], or add it to `ignore`".to_string(),
        ]
    );
    let map = Mapping::from_toml_str(
        "mapping_version = 1\nmissing = [\"-99\"]\nignore = [\"Extra\"]\n[columns]\nrespondent = \"ID\"\nlocality = \"Town\"\ndefault_role = \"local_official\"\n[answers]\n\"Q1\" = \"freq_p1_trade_unions\"\n\"Q2\" = \"public_attitudes\"\n[recode.freq]\n\"Weekly\" = 4\n",
        "m.toml",
        &ins,
    )
    .unwrap();
    let err =
        read_mapped(csv.as_bytes(), "t.csv", &ins, &map, MappingOptions::default()).unwrap_err();
    let got: Vec<String> = err.0.iter().map(|e| e.to_string()).collect();
    assert_eq!(got.len(), 3, "{got:?}");
    assert!(got[0].starts_with("t.csv:3: column Q1: \"Sometimes\" is not an integer"), "{got:?}");
    assert!(
        got[1].starts_with("t.csv:4: column Town: respondent \"r3\" has no locality"),
        "{got:?}"
    );
    assert!(
        got[2].starts_with("t.csv:4: column Q2: value 9 out of range; expected 1..=5"),
        "{got:?}"
    );
}

/// Found by the fuzzing of the parsers (mlgov-faults, `fuzz::survey::survey_tool_exports`): a
/// column name the export repeats was placed twice, and the draft wrote one TOML key twice.
#[test]
fn a_repeated_column_name_is_drafted_as_unplaced_once() {
    let text = String::from_utf8(example("qualtrics.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    for line in lines.iter_mut().take(1) {
        *line = line.replacen(",Q4_1,Q4_2,", ",Q4_1,Q4_1,", 1);
    }
    let ins = Instrument::whole_comm();
    let bytes = lines.join("\n").into_bytes();
    let s =
        suggest_mapping(&bytes, "twice.csv", &ins, None, &ReadOptions::default(), None).unwrap();
    assert_eq!(s.unplaced.iter().filter(|c| *c == "Q4_1").count(), 1, "{:?}", s.unplaced);
    let t: toml::Table =
        s.toml.parse().unwrap_or_else(|e| panic!("the draft is TOML: {e}\n{}", s.toml));
    assert!(
        t["answers"].as_table().unwrap().contains_key("Q4_1"),
        "the first of the two is placed"
    );
}

/// Found by the fuzzing of the parsers (mlgov-faults, `fuzz::survey::survey_tool_exports`): an
/// answer code holding a line break was listed in a comment as a multi-line TOML string, whose
/// second line broke out of the comment.
#[test]
fn values_with_line_breaks_stay_inside_the_draft_s_comments() {
    let text = String::from_utf8(example("limesurvey.csv")).unwrap();
    // And a question code with a control character, which the draft shows in a comment.
    let bytes = text
        .replacen("\"A4\"", "\"A\n3\"", 1)
        .replacen("\"A3\"", "\"x\"\"\ty\u{7}\"", 1)
        .replacen("\"respons\"", "\"res\u{1b}pons\"", 1)
        .into_bytes();
    let ins = Instrument::whole_comm();
    let s =
        suggest_mapping(&bytes, "broken\nname\u{0}.csv", &ins, None, &ReadOptions::default(), None)
            .unwrap();
    let _: toml::Table =
        s.toml.parse().unwrap_or_else(|e| panic!("the draft is TOML: {e}\n{}", s.toml));
    assert!(s.toml.contains("# \"A\\n3\" = ?  # UNPLACED value"), "{}", s.toml);
    assert!(s.toml.contains("# \"x\\\"\\ty\\u0007\" = ?  # UNPLACED value"), "{}", s.toml);
    assert!(
        s.toml.starts_with(
            "# Mapping drafted by `mlgov survey mapping suggest` from broken name\\u{0}.csv."
        ),
        "{}",
        s.toml
    );
}
