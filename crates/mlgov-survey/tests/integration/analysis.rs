//! Hand-computed expectations on the fixture, bootstrap determinism, flags and suppression.

use mlgov_survey::*;

use super::fixtures::*;

/// The hand computations below are respondent-level, over every role, with class sums: the
/// settings are spelt out (the defaults — localities as clusters, the report's population, class
/// means — are tested in `defaults_follow_the_report`).
fn cfg(dims: Vec<Dimension>) -> AnalysisConfig {
    AnalysisConfig {
        group_by: dims,
        resamples: 200,
        seed: 11,
        interval: IntervalMethod::RespondentBootstrap,
        class_aggregate: ClassAggregate::Sum,
        all_roles: true,
        small_n: 5,
        ..AnalysisConfig::default()
    }
}

#[test]
fn defaults_follow_the_report() {
    let d = AnalysisConfig::default();
    assert_eq!(
        (d.interval, d.weighting, d.class_aggregate, d.small_n, d.all_roles),
        (IntervalMethod::ClusterT, Weighting::Respondents, ClassAggregate::Mean, 10, false)
    );
    let (ins, ds, locs) = fixture();
    let t = analyze(
        AnalysisKind::Frequency,
        &ds,
        &ins,
        &locs,
        &AnalysisConfig { group_by: vec![Dimension::Size], ..AnalysisConfig::default() },
    )
    .unwrap();
    assert_eq!(t.roles, ["elected_policymaker", "local_official"], "the report's population");
    assert!(
        t.notes.iter().any(|n| n.contains("the report's population"))
            && t.notes.iter().any(|n| n.contains("localities as clusters")),
        "{:?}",
        t.notes
    );
    for r in &t.rows {
        assert!(
            r.estimate.localities <= r.estimate.n
                && (r.estimate.n == 0 || r.estimate.localities >= 1)
        );
        assert!(r.estimate.few_localities == (r.estimate.localities < FEW_LOCALITIES));
        if r.estimate.n < 2 {
            assert_eq!(r.estimate.ci_low, None, "no interval below n = 2");
        }
    }
}

#[test]
fn frequency_means_exclude_missing_and_handle_a_group_of_one() {
    let (ins, ds, locs) = fixture();
    let t =
        analyze(AnalysisKind::Frequency, &ds, &ins, &locs, &cfg(vec![Dimension::Size])).unwrap();
    // small town p2 a1: r1=1, r2=1.
    let e = est(&t, &["small_town"], Some("p2"), "a1", "mean");
    assert_eq!((e.n, e.mean), (2, Some(1.0)));
    assert_eq!((e.ci_low, e.ci_high), (Some(1.0), Some(1.0)), "no variation → degenerate interval");
    // small town p2 a2: r1 missing, r2=1 → n=1, mean 1 (0.5 if the blank were read as 0).
    let e = est(&t, &["small_town"], Some("p2"), "a2", "mean");
    assert_eq!((e.n, e.mean), (1, Some(1.0)));
    assert!(e.small_n);
    // rural area: one respondent (group of one): a mean, no interval.
    let e = est(&t, &["rural_area"], Some("p2"), "a1", "mean");
    assert_eq!((e.n, e.mean, e.ci_low, e.ci_high), (1, Some(3.0), None, None));
    // r3 has no p1 answers: the rural p1 cells are empty, not zero.
    let e = est(&t, &["rural_area"], Some("p1"), "a1", "mean");
    assert_eq!((e.n, e.mean, e.ci_low), (0, None, None));
    // small town p1 a2: r1=4, r2=2 → 3 with an interval inside [2, 4].
    let e = est(&t, &["small_town"], Some("p1"), "a2", "mean");
    assert_eq!(e.mean, Some(3.0));
    assert!(e.ci_low.unwrap() >= 2.0 && e.ci_high.unwrap() <= 4.0 && e.ci_low < e.ci_high);
    assert!(!t.synthetic);
}

#[test]
fn class_aggregates_sum_answered_items() {
    let (ins, ds, locs) = fixture();
    let t = analyze(AnalysisKind::ClassAggregates, &ds, &ins, &locs, &cfg(vec![Dimension::Size]))
        .unwrap();
    // horizontal p2: r1 = 1 (a2 missing), r2 = 1 + 1 = 2 → 1.5.
    assert_eq!(est(&t, &["small_town"], Some("p2"), "horizontal", "mean").mean, Some(1.5));
    // internal p1: r1 = 5, r2 = 4.
    assert_eq!(est(&t, &["small_town"], Some("p1"), "internal", "mean").mean, Some(4.5));
    let mean_cfg =
        AnalysisConfig { class_aggregate: ClassAggregate::Mean, ..cfg(vec![Dimension::Size]) };
    let t = analyze(AnalysisKind::ClassAggregates, &ds, &ins, &locs, &mean_cfg).unwrap();
    // means: r1 = 1/1, r2 = 2/2 → 1.0; rural p2: r3 = (3+3)/2 = 3.
    assert_eq!(est(&t, &["small_town"], Some("p2"), "horizontal", "mean").mean, Some(1.0));
    assert_eq!(est(&t, &["rural_area"], Some("p2"), "horizontal", "mean").mean, Some(3.0));
}

#[test]
fn change_is_computed_per_respondent_with_both_periods() {
    let (ins, ds, locs) = fixture();
    let t = analyze(AnalysisKind::Change, &ds, &ins, &locs, &cfg(vec![Dimension::Size])).unwrap();
    // a1: r1 1−2 = −1, r2 1−0 = +1 → 0; r3 (single period) excluded.
    let e = est(&t, &["small_town"], None, "a1", "mean");
    assert_eq!((e.n, e.mean), (2, Some(0.0)));
    assert_eq!(est(&t, &["rural_area"], None, "a1", "mean").n, 0);
    // a2: r1 has no p2 answer → only r2: 1 − 2 = −1.
    assert_eq!(est(&t, &["small_town"], None, "a2", "mean").mean, Some(-1.0));
    // horizontal class, paired actors only: r1 (a1) −1; r2 (a1 +1, a2 −1) 0 → −0.5.
    assert_eq!(est(&t, &["small_town"], None, "horizontal", "mean").mean, Some(-0.5));
    // internal: r1 3−5 = −2, r2 4−4 = 0 → −1.
    assert_eq!(est(&t, &["small_town"], None, "internal", "mean").mean, Some(-1.0));
}

#[test]
fn nature_is_reported_on_minus_two_to_plus_two() {
    let (ins, ds, locs) = fixture();
    let t = analyze(AnalysisKind::Nature, &ds, &ins, &locs, &cfg(vec![])).unwrap();
    let e = est(&t, &[], Some("p2"), "a1", "mean");
    assert_eq!((e.n, e.mean), (2, Some(0.5)), "(+2 + −1) / 2");
    assert_eq!(est(&t, &[], Some("p2"), "horizontal", "mean").mean, Some(0.5));
    assert_eq!(t.scale.min, -2.0);
    assert_eq!(t.scale.ticks.first().unwrap().label, "-2 very conflictual");
}

#[test]
fn lead_splits_elected_and_officials() {
    let (ins, ds, locs) = fixture();
    let c = AnalysisConfig {
        periods: Some(vec!["p2".into()]),
        ..cfg(vec![Dimension::Size, Dimension::Role])
    };
    let t = analyze(AnalysisKind::Lead, &ds, &ins, &locs, &c).unwrap();
    assert_eq!(t.group_by, vec![Dimension::Size], "role cannot group the lead analysis");
    // horizontal p2 small town: elected r1 = 1, official r2 = 2 → share 1/3.
    let e = est(&t, &["small_town"], Some("p2"), "horizontal", "elected_share");
    assert!(close(e.mean.unwrap(), 1.0 / 3.0));
    assert_eq!(e.n, 1);
    assert_eq!(est(&t, &["small_town"], Some("p2"), "horizontal", "official_mean").mean, Some(2.0));
    // rural: no official → no share.
    assert_eq!(est(&t, &["rural_area"], Some("p2"), "horizontal", "elected_share").mean, None);
}

#[test]
fn indexes_follow_the_reports_definitions() {
    let (ins, ds, locs) = fixture();
    let ix = respondent_indexes(&ds, &ins);
    // r1's Index 4 over the items answered in both periods: a1 1−2, v1 1−1, i1 3−5 = −3 (a2 is
    // blank in p2: as Index 2 − Index 1 it would read as a fall of 4 more, −7).
    assert_eq!(
        (ix[0].index1, ix[0].index2, ix[0].index3, ix[0].index4),
        (Some(12.0), Some(5.0), Some(17.0), Some(-3.0))
    );
    assert_eq!(
        (ix[1].index1, ix[1].index2, ix[1].index3, ix[1].index4),
        (Some(9.0), Some(8.0), Some(17.0), Some(-1.0))
    );
    assert_eq!(
        (ix[2].index1, ix[2].index2, ix[2].index3, ix[2].index4),
        (None, Some(8.0), None, None),
        "single period"
    );
    // Index 3 parts of r1: horizontal 2+4+1 = 7, vertical 2, internal 8.
    assert_eq!(ix[0].index3_parts, vec![Some(7.0), Some(2.0), Some(8.0)]);
    let t = analyze(AnalysisKind::Indexes, &ds, &ins, &locs, &cfg(vec![Dimension::Orientation]))
        .unwrap();
    assert_eq!(est(&t, &["progressive"], None, "index3", "mean").mean, Some(17.0));
    assert_eq!(est(&t, &["progressive"], None, "index4", "mean").mean, Some(-2.0), "(−3 + −1) / 2");
    assert_eq!(est(&t, &["conservative"], None, "index2", "mean").mean, Some(8.0));
}

#[test]
fn perceptions_by_orientation() {
    let (ins, ds, locs) = fixture();
    let t = analyze(AnalysisKind::Attitudes, &ds, &ins, &locs, &cfg(vec![Dimension::Orientation]))
        .unwrap();
    assert_eq!(est(&t, &["progressive"], None, "public_attitudes", "mean").mean, Some(3.0));
    assert_eq!(est(&t, &["conservative"], None, "public_attitudes", "mean").mean, Some(1.0));
    let t = analyze(AnalysisKind::InformationSources, &ds, &ins, &locs, &cfg(vec![])).unwrap();
    assert_eq!(est(&t, &[], None, "reports", "share").mean, Some(0.5));
    assert_eq!(est(&t, &[], None, "any_specialist", "share").mean, Some(0.5));
    assert_eq!(est(&t, &[], None, "only_non_specialist", "share").mean, Some(0.5));
    assert_eq!(est(&t, &[], None, "newspapers", "share").n, 2, "r3 did not answer");
}

#[test]
fn grouping_by_role_country_and_unknown_localities() {
    let (ins, ds, mut locs) = fixture();
    locs.pop(); // loc:b unknown to the caller
    let t = analyze(
        AnalysisKind::Frequency,
        &ds,
        &ins,
        &locs,
        &cfg(vec![Dimension::Country, Dimension::Role]),
    )
    .unwrap();
    assert_eq!(est(&t, &["IT", "elected_policymaker"], Some("p1"), "a1", "mean").mean, Some(2.0));
    assert_eq!(
        est(&t, &["(none)", "elected_policymaker"], Some("p2"), "a1", "mean").mean,
        Some(3.0)
    );
    let roles = AnalysisConfig { roles: vec!["local_official".into()], ..cfg(vec![]) };
    let t = analyze(AnalysisKind::Frequency, &ds, &ins, &locs, &roles).unwrap();
    assert_eq!(est(&t, &[], Some("p1"), "a1", "mean").mean, Some(0.0));
}

#[test]
fn bad_settings_are_errors() {
    let (ins, ds, locs) = fixture();
    let c = AnalysisConfig { periods: Some(vec!["p7".into()]), ..cfg(vec![]) };
    let e = analyze(AnalysisKind::Frequency, &ds, &ins, &locs, &c).unwrap_err();
    assert_eq!(e.to_string(), "unknown period \"p7\"; expected one of p1, p2");
    assert!("size,orientation,type".split(',').map(str::parse::<Dimension>).all(|d| d.is_ok()));
    assert!("sizes".parse::<Dimension>().unwrap_err().to_string().contains("expected one of size"));
    assert_eq!("index".parse::<AnalysisKind>().unwrap(), AnalysisKind::Indexes);
}

#[test]
fn small_n_flag_and_publication_suppression() {
    let (ins, ds, locs) = fixture();
    let c = AnalysisConfig { small_n: 2, publication_min_n: Some(2), ..cfg(vec![Dimension::Size]) };
    let t = analyze(AnalysisKind::Frequency, &ds, &ins, &locs, &c).unwrap();
    let e = est(&t, &["rural_area"], Some("p2"), "a1", "mean");
    assert!(e.small_n && e.suppressed);
    assert_eq!((e.n, e.mean, e.ci_low), (1, None, None), "n is kept, numbers removed");
    let e = est(&t, &["small_town"], Some("p2"), "a1", "mean");
    assert!(!e.small_n && !e.suppressed && e.mean.is_some());
}

fn synthetic_tables(resamples: usize) -> Vec<ResultTable> {
    let ins = Instrument::whole_comm();
    let locs = synth_localities(12, 5);
    let ds = synth(&locs, SynthSize::Total(400), 5, &SynthParams::default(), &ins);
    let base = AnalysisConfig { resamples, seed: 99, ..AnalysisConfig::default() };
    analyze_all(&standard_analyses(&ins, &base), &ds, &ins, &locs).unwrap()
}

/// The progress callback hears of every analysis once, with counts 1..=N, and changes nothing.
#[test]
fn analyses_report_their_progress_without_changing_results() {
    let ins = Instrument::whole_comm();
    let locs = synth_localities(12, 5);
    let ds = synth(&locs, SynthSize::Total(400), 5, &SynthParams::default(), &ins);
    let base = AnalysisConfig {
        resamples: 50,
        seed: 99,
        interval: IntervalMethod::ClusterBootstrap,
        ..AnalysisConfig::default()
    };
    let specs = standard_analyses(&ins, &base);
    let heard = std::sync::Mutex::new(Vec::new());
    let with = analyze_all_progress(&specs, &ds, &ins, &locs, &|k, s| {
        heard.lock().unwrap().push((k, s.kind))
    })
    .unwrap();
    assert_eq!(with, analyze_all(&specs, &ds, &ins, &locs).unwrap());
    let mut heard = heard.into_inner().unwrap();
    heard.sort_by_key(|h| h.0);
    assert_eq!(
        heard.iter().map(|h| h.0).collect::<Vec<_>>(),
        (1..=specs.len()).collect::<Vec<_>>()
    );
    let mut kinds: Vec<String> = heard.iter().map(|h| h.1.id().to_string()).collect();
    let mut expected: Vec<String> = specs.iter().map(|s| s.kind.id().to_string()).collect();
    kinds.sort();
    expected.sort();
    assert_eq!(kinds, expected, "each analysis once");
}

#[test]
fn bootstrap_is_deterministic_and_independent_of_thread_count() {
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(|| synthetic_tables(300));
    let four = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap()
        .install(|| synthetic_tables(300));
    assert_eq!(one, four);
    assert_eq!(one, synthetic_tables(300));
    assert!(one.iter().all(|t| t.synthetic), "synthetic data is labelled in every table");
    // Another seed moves the intervals but not the point estimates.
    let ins = Instrument::whole_comm();
    let locs = synth_localities(12, 5);
    let ds = synth(&locs, SynthSize::Total(400), 5, &SynthParams::default(), &ins);
    let boot =
        AnalysisConfig { interval: IntervalMethod::ClusterBootstrap, ..AnalysisConfig::default() };
    let a = analyze(
        AnalysisKind::Frequency,
        &ds,
        &ins,
        &locs,
        &AnalysisConfig { seed: 1, ..boot.clone() },
    )
    .unwrap();
    let b = analyze(AnalysisKind::Frequency, &ds, &ins, &locs, &AnalysisConfig { seed: 2, ..boot })
        .unwrap();
    assert!(a.rows.iter().zip(&b.rows).all(|(x, y)| x.estimate.mean == y.estimate.mean));
    assert!(a.rows.iter().zip(&b.rows).any(|(x, y)| x.estimate.ci_low != y.estimate.ci_low));
}

#[test]
fn bootstrap_interval_matches_normal_theory_on_a_large_sample() {
    // 2,000 respondents answering 0..5 uniformly-ish: the percentile interval of the mean should be
    // close to mean ± 1.96·sd/√n (both paths of the sampler are used: few distinct values).
    let ins = Instrument::whole_comm();
    let locs = synth_localities(3, 8);
    let ds = synth(&locs, SynthSize::Total(2000), 8, &SynthParams::default(), &ins);
    let c = AnalysisConfig {
        group_by: vec![],
        resamples: 2000,
        periods: Some(vec!["p2".into()]),
        interval: IntervalMethod::RespondentBootstrap,
        all_roles: true,
        ..AnalysisConfig::default()
    };
    let t = analyze(AnalysisKind::Frequency, &ds, &ins, &locs, &c).unwrap();
    let a = ins.actor_index("pro_migrant_groups").unwrap();
    let xs: Vec<f64> = (0..ds.len()).filter_map(|r| ds.freq(r, 1, a).map(f64::from)).collect();
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let sd = (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0)).sqrt();
    let e = est(&t, &[], Some("p2"), "pro_migrant_groups", "mean");
    let half = 1.96 * sd / n.sqrt();
    assert!(close(e.mean.unwrap(), m));
    assert!(
        ((e.ci_high.unwrap() - e.ci_low.unwrap()) / (2.0 * half) - 1.0).abs() < 0.12,
        "{e:?} vs ±{half}"
    );
    assert!(e.ci_low.unwrap() < m && m < e.ci_high.unwrap());
}
