//! The survey workflow through the real binary: a survey tool's CSV export becomes a browsable
//! directory of figures and tables in two commands (`survey import`, `survey report`), every number
//! carries n and an interval, synthetic data are labelled, and bad answers are rejected whole.

use crate::common::Env;

#[test]
fn csv_export_to_browsable_report_in_two_commands() {
    let env = Env::new();
    env.demo();
    // A realistic export: generated (and labelled synthetic) by mlgov itself.
    let export = env.path("export.csv");
    let (code, _, err) = env.mlgov(&[
        "survey",
        "synth",
        "--respondents",
        "120",
        "--seed",
        "5",
        "--name",
        "gen",
        "--out",
        export.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");

    // Command 1: import.
    let (code, out, err) =
        env.mlgov(&["survey", "import", export.to_str().unwrap(), "--name", "wave1"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("120 respondents"), "{out}");
    // Command 2: report.
    let out_dir = env.path("report");
    let (code, _, err) = env.mlgov(&[
        "survey",
        "report",
        "wave1",
        "--out",
        out_dir.to_str().unwrap(),
        "--resamples",
        "200",
    ]);
    assert_eq!(code, 0, "{err}");
    let index = std::fs::read_to_string(out_dir.join("index.html")).expect("index.html");
    assert!(index.contains("SYNTHETIC"), "the index must label synthetic data");
    let svgs: Vec<_> = std::fs::read_dir(&out_dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "svg"))
        .collect();
    assert!(svgs.len() >= 10, "expected a figure per analysis, found {}", svgs.len());
    for s in &svgs {
        let text = std::fs::read_to_string(s.path()).unwrap();
        assert!(text.starts_with("<svg") || text.starts_with("<?xml"), "{:?} is not SVG", s.path());
        assert!(text.contains("SYNTHETIC"), "{:?} lacks the synthetic label", s.path());
        let name = s.file_name().to_string_lossy().to_string();
        assert!(index.contains(&name), "index.html does not link {name}");
    }
    // Every estimate in every CSV table carries n and an interval.
    let (mut rows, mut with_interval) = (0, 0);
    for e in std::fs::read_dir(&out_dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "csv"))
    {
        let mut rdr = csv::Reader::from_path(e.path()).unwrap();
        let headers = rdr.headers().unwrap().clone();
        let (Some(n), Some(lo), Some(hi), Some(mean)) = (
            headers.iter().position(|h| h == "n"),
            headers.iter().position(|h| h == "ci_low"),
            headers.iter().position(|h| h == "ci_high"),
            headers.iter().position(|h| h == "mean"),
        ) else {
            continue;
        };
        for r in rdr.records() {
            let r = r.unwrap();
            if r.get(mean).unwrap_or("").is_empty() {
                continue; // suppressed or empty cell
            }
            rows += 1;
            assert!(r[n].parse::<u64>().is_ok(), "{:?}: n missing in {r:?}", e.path());
            // No interval below n = 2, or from a single locality (localities are the clusters).
            if r[n].parse::<u64>().unwrap() < 2 {
                assert!(r[lo].is_empty(), "{:?}: an interval from one answer in {r:?}", e.path());
            }
            if !r[lo].is_empty() {
                with_interval += 1;
                let (l, m, h): (f64, f64, f64) =
                    (r[lo].parse().unwrap(), r[mean].parse().unwrap(), r[hi].parse().unwrap());
                assert!(
                    l <= m + 1e-9 && m <= h + 1e-9,
                    "{:?}: interval [{l}, {h}] does not contain {m}",
                    e.path()
                );
            }
        }
    }
    assert!(rows > 50, "expected many estimates, found {rows}");
    assert!(with_interval > 50, "expected many intervals, found {with_interval}");
}

#[test]
fn analyze_json_is_deterministic_for_a_seed() {
    let env = Env::new();
    env.demo();
    let (code, _, err) =
        env.mlgov(&["survey", "synth", "--respondents", "80", "--seed", "9", "--name", "s"]);
    assert_eq!(code, 0, "{err}");
    let a = env.json(&["survey", "analyze", "s", "frequency", "--resamples", "100", "--seed", "4"]);
    let b = env.json(&["survey", "analyze", "s", "frequency", "--resamples", "100", "--seed", "4"]);
    assert_eq!(a, b);
}

#[test]
fn out_of_range_answer_is_rejected_with_its_row_and_nothing_is_kept() {
    let env = Env::new();
    env.demo();
    let bad = env.write(
        "bad.csv",
        "respondent,locality,role,affiliation,period,item,value\n\
         r1,loc:wc-se-jonkoping,elected_policymaker,progressive,p2,freq_pro_migrant_groups,3\n\
         r1,loc:wc-se-jonkoping,elected_policymaker,progressive,p2,freq_employers,9\n",
    );
    let (code, _, err) = env.mlgov(&["survey", "import", bad.to_str().unwrap(), "--name", "bad"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("bad.csv") && err.contains('3') && err.contains('9'),
        "message should name the file, row 3 and the value: {err}"
    );
    let (code, _, err) = env.mlgov(&["survey", "analyze", "bad", "frequency"]);
    assert_eq!(code, 2, "the rejected survey must not be kept: {err}");
}

#[test]
fn survey_interactions_become_weighted_graph_edges_labelled_synthetic() {
    let env = Env::new();
    env.demo();
    let (code, _, err) = env.mlgov(&["survey", "synth", "--respondents", "100", "--seed", "3"]);
    assert_eq!(code, 0, "{err}");
    let out = env.path("g.graphml");
    let (code, _, err) = env.mlgov(&[
        "graph",
        "export",
        "--survey",
        "synthetic",
        "--layers",
        "interaction",
        "--format",
        "graphml",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let xml = std::fs::read_to_string(&out).unwrap();
    let edges = xml.matches("<edge ").count();
    assert!(edges > 100, "expected locality → actor-category edges, found {edges}");
    assert!(xml.contains("actor:regional_government"), "actor categories are nodes");
    assert!(
        xml.contains(">interaction<") && xml.contains(">true<"),
        "edges carry their kind and the synthetic flag"
    );
    // Without --survey there are no interaction edges.
    let plain = env.path("p.graphml");
    let (code, _, err) = env.mlgov(&[
        "graph",
        "export",
        "--layers",
        "interaction",
        "--format",
        "graphml",
        "--out",
        plain.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read_to_string(&plain).unwrap().matches("<edge ").count(), 0);
}

#[test]
fn an_analysis_the_data_cannot_answer_is_a_data_error() {
    // A role or a period the survey's instrument does not have is, like a name that is not
    // found, a data error: exit 2 (it used to be 1, the exit of a wrong flag).
    let env = Env::new();
    env.demo();
    let (code, _, err) =
        env.mlgov(&["survey", "synth", "--respondents", "40", "--seed", "2", "--name", "s"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = env.mlgov(&[
        "survey",
        "analyze",
        "s",
        "frequency",
        "--roles",
        "no_such_role",
        "--resamples",
        "0",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("unknown role \"no_such_role\"") && err.contains("elected_policymaker"),
        "the message names the role and the instrument's roles: {err}"
    );
    let (code, _, err) =
        env.mlgov(&["survey", "analyze", "s", "frequency", "--period", "p99", "--resamples", "0"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unknown period \"p99\""), "{err}");
    // A flag value outside its fixed list stays a usage error.
    let (code, _, err) = env.mlgov(&["survey", "analyze", "s", "frequency", "--by", "shoe_size"]);
    assert_eq!(code, 1, "{err}");
}
