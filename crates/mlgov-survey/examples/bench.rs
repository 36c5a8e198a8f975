//! Timing harness for the survey analyses on a generated file (see bench/survey/run.sh).
//!
//! `cargo run --release -p mlgov-survey --example bench -- /tmp/s.csv [resamples]`
//! Prints one line per phase: intake, point-estimate tables (the five tables the pandas/polars
//! peers compute), and all standard analyses with bootstrap.

use std::time::Instant;

use mlgov_survey::*;

/// The five point-estimate tables the pandas/polars peers compute.
const KINDS: [AnalysisKind; 5] = [
    AnalysisKind::Frequency,
    AnalysisKind::ClassAggregates,
    AnalysisKind::Change,
    AnalysisKind::Indexes,
    AnalysisKind::Nature,
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).cloned().unwrap_or_else(|| "/tmp/s.csv".into());
    let b: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(1000);
    let ins = Instrument::whole_comm();
    let locs = read_localities(&path);
    let bytes = std::fs::read(&path).expect("survey file");
    let t0 = Instant::now();
    let ds = read_survey(
        &bytes,
        &path,
        &ins,
        IntakeOptions { kind: FileKind::Csv, layout: Layout::Auto, known_localities: None },
    )
    .expect("valid file");
    let t_intake = t0.elapsed().as_secs_f64();
    println!("respondents {} frequency_answers {}", ds.len(), ds.answered_frequencies());
    println!("intake_s {t_intake:.3}");

    let point = AnalysisConfig {
        group_by: vec![Dimension::Size],
        resamples: 0,
        ..AnalysisConfig::default()
    };
    time_point_estimates(&ds, &ins, &locs, &point);

    let full = AnalysisConfig { resamples: b, seed: 1, ..AnalysisConfig::default() };
    let std_specs = standard_analyses(&ins, &full);
    let t = Instant::now();
    let tables = analyze_all(&std_specs, &ds, &ins, &locs).unwrap();
    let t_full = t.elapsed().as_secs_f64();
    let rows: usize = tables.iter().map(|t| t.rows.len()).sum();
    println!(
        "all_analyses_bootstrap_s {t_full:.3} (analyses {}, estimates {rows}, resamples {b})",
        tables.len()
    );
    // The same five point-estimate tables, now with bootstrap.
    let boot5: Vec<AnalysisSpec> = KINDS
        .iter()
        .map(|k| AnalysisSpec {
            kind: *k,
            config: AnalysisConfig { resamples: b, ..point.clone() },
        })
        .collect();
    let t = Instant::now();
    let _ = analyze_all(&boot5, &ds, &ins, &locs).unwrap();
    println!("five_tables_bootstrap_s {:.3}", t.elapsed().as_secs_f64());
}

/// The localities beside the survey file (`<path>.localities.csv`).
fn read_localities(path: &str) -> Vec<LocalityInfo> {
    let loc_text =
        std::fs::read_to_string(format!("{path}.localities.csv")).expect("localities file");
    loc_text
        .lines()
        .skip(1)
        .map(|l| {
            let c: Vec<&str> = l.split(',').collect();
            let o = |i: usize| Some(c[i].to_string()).filter(|s| !s.is_empty());
            LocalityInfo {
                id: c[0].into(),
                label: c[1].into(),
                size_class: o(2),
                orientation: o(3),
                typology: o(4),
                country: o(5),
                synthetic: c[6] == "true",
                choices: Vec::new(),
            }
        })
        .collect()
}

/// The five point-estimate tables, best of five runs, with one estimate printed as a check.
fn time_point_estimates(
    ds: &Dataset,
    ins: &Instrument,
    locs: &[LocalityInfo],
    point: &AnalysisConfig,
) {
    let specs: Vec<AnalysisSpec> =
        KINDS.iter().map(|k| AnalysisSpec { kind: *k, config: point.clone() }).collect();
    let mut best = f64::MAX;
    for _ in 0..5 {
        let t = Instant::now();
        let tables = analyze_all(&specs, ds, ins, locs).unwrap();
        best = best.min(t.elapsed().as_secs_f64());
        assert_eq!(tables.len(), 5);
        if best == t.elapsed().as_secs_f64().min(best) {
            let r = tables[0]
                .rows
                .iter()
                .find(|r| {
                    r.group[0] == "small_town"
                        && r.period.as_deref() == Some("p2")
                        && r.measure == "anti_migrant_groups"
                })
                .unwrap();
            println!(
                "check small_town p2 anti_migrant_groups mean {:.4} n {}",
                r.estimate.mean.unwrap(),
                r.estimate.n
            );
        }
    }
    println!("point_estimates_s {best:.3}");
}
