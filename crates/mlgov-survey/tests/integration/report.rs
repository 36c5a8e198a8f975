//! Report tables (snapshot), CSV/JSON output and the report builder.

use mlgov_survey::*;

use super::fixtures::*;

#[test]
fn snapshot_of_a_report_table() {
    let (ins, ds, locs) = fixture();
    let c = AnalysisConfig {
        group_by: vec![Dimension::Size],
        resamples: 200,
        seed: 3,
        periods: Some(vec!["p2".into()]),
        ..AnalysisConfig::default()
    };
    let t = analyze(AnalysisKind::ClassAggregates, &ds, &ins, &locs, &c).unwrap();
    insta::assert_snapshot!("class_aggregates_by_size_p2", table_csv_string(&rounded(&t, 3)));
    let t =
        analyze(AnalysisKind::Indexes, &ds, &ins, &locs, &AnalysisConfig { group_by: vec![], ..c })
            .unwrap();
    insta::assert_snapshot!("indexes_all", table_csv_string(&rounded(&t, 3)));
}

#[test]
fn json_round_trips_the_typed_table() {
    let (ins, ds, locs) = fixture();
    let t = analyze(AnalysisKind::Frequency, &ds, &ins, &locs, &AnalysisConfig::default()).unwrap();
    let back: ResultTable = serde_json::from_str(&table_json(&t)).unwrap();
    assert_eq!(back, t);
}

#[test]
fn report_has_every_file_and_labels_synthetic_data() {
    let ins = Instrument::whole_comm();
    let locs = synth_localities(9, 2);
    let ds = synth(&locs, SynthSize::PerLocality(5), 2, &SynthParams::default(), &ins);
    let base = AnalysisConfig { resamples: 100, ..AnalysisConfig::default() };
    let tables = analyze_all(&standard_analyses(&ins, &base), &ds, &ins, &locs).unwrap();
    let idx = respondent_indexes(&ds, &ins);
    let meta = ReportMeta {
        title: "Survey".into(),
        data_source: "synthetic".into(),
        respondents: ds.len(),
        generated_by: "test".into(),
    };
    let files = build_report(&tables, &ins, Some(&idx), &meta);
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert!(names.contains(&"index.html") && names.contains(&"respondent_indexes.csv"));
    for t in &tables {
        assert!(names.contains(&format!("{}.csv", t.id).as_str()));
        assert!(names.contains(&format!("{}.json", t.id).as_str()));
        assert!(names.iter().any(|n| n.starts_with(&t.id) && n.ends_with(".svg")), "{}", t.id);
    }
    let html =
        String::from_utf8(files.iter().find(|f| f.name == "index.html").unwrap().bytes.clone())
            .unwrap();
    assert!(html.contains("SYNTHETIC DATA"));
    for f in files.iter().filter(|f| f.name.ends_with(".svg")) {
        let svg = String::from_utf8(f.bytes.clone()).unwrap();
        assert!(html.contains(&format!("src=\"{}\"", f.name)), "{} linked", f.name);
        assert!(
            svg.contains("<title id=\"t\">SYNTHETIC DATA — ") && svg.contains("<desc id=\"d\">"),
            "{}",
            f.name
        );
        assert!(svg.contains("n="), "{} shows n", f.name);
    }
    for f in files.iter().filter(|f| f.name.ends_with(".csv") && f.name != "respondent_indexes.csv")
    {
        let csv = String::from_utf8(f.bytes.clone()).unwrap();
        assert!(csv.lines().next().unwrap().ends_with(",synthetic"));
        assert!(csv.lines().skip(1).all(|l| l.ends_with(",true")), "{}", f.name);
    }
    let freq = tables.iter().find(|t| t.analysis == AnalysisKind::Frequency).unwrap();
    let charts = charts_for(freq, &ins);
    assert_eq!(charts.len(), 1);
    assert_eq!(charts[0].chart.axis.ticks[4].1, "4 weekly", "axis uses the scale's words");
}

#[test]
fn other_renderings_of_each_figure_sit_beside_its_svg_and_are_linked() {
    let ins = Instrument::whole_comm();
    let locs = synth_localities(6, 4);
    let ds = synth(&locs, SynthSize::PerLocality(4), 4, &SynthParams::default(), &ins);
    let tables =
        analyze_all(&standard_analyses(&ins, &AnalysisConfig::default()), &ds, &ins, &locs)
            .unwrap();
    let meta = ReportMeta {
        title: "Survey".into(),
        data_source: "synthetic".into(),
        respondents: ds.len(),
        generated_by: "test".into(),
    };
    let plain = build_report(&tables, &ins, None, &meta);
    // A stand-in renderer: the CLI passes mlgov-charts' PNG and PDF.
    let files = build_report_with(&tables, &ins, None, &meta, |svg| {
        Ok::<_, String>(vec![
            ("png", format!("PNG of {} bytes", svg.len()).into_bytes()),
            ("pdf", b"%PDF-".to_vec()),
        ])
    })
    .unwrap();
    let html =
        String::from_utf8(files.iter().find(|f| f.name == "index.html").unwrap().bytes.clone())
            .unwrap();
    let svgs: Vec<_> = files.iter().filter(|f| f.name.ends_with(".svg")).collect();
    assert!(!svgs.is_empty());
    assert_eq!(
        files.len(),
        plain.len() + 2 * svgs.len(),
        "two more files per figure, nothing else changes"
    );
    for f in svgs {
        let stem = f.name.trim_end_matches(".svg");
        let png =
            files.iter().find(|g| g.name == format!("{stem}.png")).expect("png beside the svg");
        assert_eq!(
            png.bytes,
            format!("PNG of {} bytes", f.bytes.len()).into_bytes(),
            "rendered from that figure's SVG"
        );
        assert!(files.iter().any(|g| g.name == format!("{stem}.pdf")));
        assert!(html.contains(&format!("Figure: <a href=\"{stem}.svg\">SVG</a> · <a href=\"{stem}.png\">PNG</a> · <a href=\"{stem}.pdf\">PDF</a>")), "{stem} linked");
    }
    assert!(
        !String::from_utf8_lossy(&plain.iter().find(|f| f.name == "index.html").unwrap().bytes)
            .contains("Figure: "),
        "no links to files not written"
    );
    let err = build_report_with(&tables, &ins, None, &meta, |_| {
        Err::<Vec<(&'static str, Vec<u8>)>, _>("no renderer")
    })
    .unwrap_err();
    assert_eq!(err, "no renderer");
}
