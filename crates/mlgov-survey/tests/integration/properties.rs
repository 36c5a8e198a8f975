//! Property tests: estimates stay within the scale, Index 3 = Index 1 + Index 2 = sum of its
//! parts, Index 4 = Index 2 − Index 1, and change = p2 − p1.

use mlgov_survey::*;
use proptest::prelude::*;

use super::fixtures::{localities, mini};

/// A random dataset over the mini instrument: answers in 0..=5 or missing (None).
fn dataset() -> impl Strategy<Value = Dataset> {
    let answer = prop::option::weighted(0.8, 0u8..=5);
    let resp = (prop::collection::vec(answer, 8), any::<bool>(), any::<bool>());
    prop::collection::vec(resp, 1..25).prop_map(|rs| {
        let ins = mini();
        let mut ds = Dataset::new(&ins);
        for (i, (answers, elected, loc_a)) in rs.into_iter().enumerate() {
            let r = ds.push_respondent(Respondent {
                id: format!("r{i}"),
                locality: if loc_a { "loc:a".into() } else { "loc:b".into() },
                role: usize::from(!elected),
                affiliation: None,
            });
            for (k, v) in answers.into_iter().enumerate() {
                ds.set_freq(r, k / 4, k % 4, v);
            }
        }
        ds
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn means_and_intervals_stay_within_the_scale(ds in dataset()) {
        let ins = mini();
        let c = AnalysisConfig { resamples: 50, group_by: vec![Dimension::Size], class_aggregate: ClassAggregate::Mean, ..AnalysisConfig::default() };
        for kind in [AnalysisKind::Frequency, AnalysisKind::ClassAggregates] {
            let t = analyze(kind, &ds, &ins, &localities(), &c).unwrap();
            for r in &t.rows {
                let e = r.estimate;
                for v in [e.mean, e.ci_low, e.ci_high].into_iter().flatten() {
                    prop_assert!((0.0..=5.0).contains(&v), "{r:?}");
                }
                if let (Some(lo), Some(m), Some(hi)) = (e.ci_low, e.mean, e.ci_high) {
                    prop_assert!(lo <= m + 1e-9 && m <= hi + 1e-9, "{r:?}");
                }
                prop_assert_eq!(e.mean.is_some(), e.n > 0);
            }
        }
    }

    #[test]
    fn indexes_add_up(ds in dataset()) {
        let ins = mini();
        for (r, x) in respondent_indexes(&ds, &ins).into_iter().enumerate() {
            let last = ins.periods.len() - 1;
            let same_items = (0..ins.actors.len()).all(|a| ds.freq(r, 0, a).is_some() == ds.freq(r, last, a).is_some());
            let paired: f64 = (0..ins.actors.len()).filter_map(|a| Some(f64::from(ds.freq(r, last, a)?) - f64::from(ds.freq(r, 0, a)?))).sum();
            match (x.index1, x.index2) {
                (Some(a), Some(b)) => {
                    prop_assert_eq!(x.index3, Some(a + b));
                    // Index 4 pairs the items answered in both periods: it is Index 2 − Index 1
                    // exactly when the same items are answered in both.
                    if let Some(i4) = x.index4 {
                        prop_assert_eq!(i4, paired);
                        if same_items {
                            prop_assert_eq!(i4, b - a);
                        }
                    }
                    // The classes answered sum to Index 3; a class never answered is missing.
                    let parts: f64 = x.index3_parts.iter().flatten().sum();
                    prop_assert_eq!(Some(parts), x.index3);
                    prop_assert!(x.index3_parts.iter().any(|p| p.is_some()));
                }
                _ => {
                    prop_assert_eq!(x.index3, None);
                    prop_assert_eq!(x.index4, None);
                }
            }
        }
    }

    #[test]
    fn change_equals_p2_minus_p1(ds in dataset()) {
        let ins = mini();
        let c = AnalysisConfig { resamples: 0, group_by: vec![], ..AnalysisConfig::default() };
        let t = analyze(AnalysisKind::Change, &ds, &ins, &localities(), &c).unwrap();
        for a in 0..4 {
            let d: Vec<f64> = (0..ds.len())
                .filter_map(|r| Some(ds.freq(r, 1, a)? as f64 - ds.freq(r, 0, a)? as f64))
                .collect();
            let row = t.rows.iter().find(|r| r.measure == ins.actors[a].id).unwrap();
            prop_assert_eq!(row.estimate.n, d.len());
            match row.estimate.mean {
                Some(m) => prop_assert!((m - d.iter().sum::<f64>() / d.len() as f64).abs() < 1e-9),
                None => prop_assert!(d.is_empty()),
            }
        }
    }
}
