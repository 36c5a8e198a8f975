//! `mlgov survey export`: a stored survey written back as CSV (wide by default, long on request),
//! with the localities stored with it beside the file; the export imports back to the same answers.

use crate::common::{Env, synth_args};

#[test]
fn a_stored_survey_exports_as_csv_and_imports_back() {
    let env = Env::new();
    env.ok(&synth_args("40", "s", &["--localities", "4", "--seed", "3"]));
    let out = env.path("s.csv");
    let v = env.json(&["survey", "export", "s", "-o", out.to_str().unwrap()]);
    assert_eq!(v["respondents"], 40);
    assert_eq!(v["synthetic"], true);
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with("respondent,locality,role,affiliation,"), "{}", &text[..80]);
    assert_eq!(text.lines().count(), 41, "header + one row per respondent");
    let locs = std::fs::read_to_string(env.path("s.csv.localities.csv")).unwrap();
    assert!(locs.starts_with("id,label,size_class,"), "{locs}");
    assert_eq!(locs.lines().count(), 5);

    // Imported back (wide layout detected), the same respondents and frequency answers.
    let a =
        env.json(&["survey", "import", out.to_str().unwrap(), "--name", "back", "--no-kb-check"]);
    assert_eq!(a["respondents"], 40);
    let long = env.path("s-long.csv");
    env.ok(&["survey", "export", "s", "-o", long.to_str().unwrap(), "--layout", "long"]);
    let b = env.json(&[
        "survey",
        "import",
        long.to_str().unwrap(),
        "--name",
        "back_long",
        "--no-kb-check",
    ]);
    assert_eq!(b["frequency_answers"], a["frequency_answers"]);

    let (code, _, err) = env.mlgov(&["survey", "export", "nosuch", "-o", out.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) =
        env.mlgov(&["survey", "export", "s", "-o", out.to_str().unwrap(), "--layout", "tall"]);
    assert_eq!(code, 1, "{err}");
}
