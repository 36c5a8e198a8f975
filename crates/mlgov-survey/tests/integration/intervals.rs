//! Intervals with localities as clusters (issue 16): the cluster t interval against a computation
//! written out here from the textbook formula, Wilson intervals for shares, no interval below n = 2
//! or from one locality, and coverage with a fixed seed at between-locality shares 0, 0.1, 0.3.

use mlgov_survey::{IntervalMethod, IntervalSpec, Weighting, group_estimate};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn spec(method: IntervalMethod) -> IntervalSpec {
    IntervalSpec {
        method,
        weighting: Weighting::Respondents,
        confidence: 0.95,
        resamples: 1000,
        seed: 3,
    }
}

#[test]
fn cluster_t_matches_the_linearised_variance_by_hand() {
    // Three localities: {1, 2, 3}, {4, 5}, {2, 2, 2, 6}.
    let values = [1.0, 2.0, 3.0, 4.0, 5.0, 2.0, 2.0, 2.0, 6.0];
    let locs = [0, 0, 0, 1, 1, 2, 2, 2, 2];
    let e = group_estimate(&values, &locs, false, &spec(IntervalMethod::ClusterT));
    let n = 9.0;
    let mean = 27.0 / n;
    // z_h = S_h − n_h·ȳ: 6 − 9, 9 − 6, 12 − 12.
    let z2 = (6.0f64 - 3.0 * mean).powi(2)
        + (9.0f64 - 2.0 * mean).powi(2)
        + (12.0f64 - 4.0 * mean).powi(2);
    let v = 3.0 / 2.0 * z2 / (n * n);
    let t = 4.302652729911275; // Student t, 2 df, 0.975 (tables)
    assert_eq!((e.n, e.localities, e.few_localities), (9, 3, true));
    assert!((e.mean.unwrap() - mean).abs() < 1e-12);
    assert!((e.ci_low.unwrap() - (mean - t * v.sqrt())).abs() < 1e-9, "{e:?}");
    assert!((e.ci_high.unwrap() - (mean + t * v.sqrt())).abs() < 1e-9, "{e:?}");
    // Localities weighted equally: the mean of the means 2, 4.5, 3 and their variance over 3.
    let w = group_estimate(
        &values,
        &locs,
        false,
        &IntervalSpec { weighting: Weighting::Localities, ..spec(IntervalMethod::ClusterT) },
    );
    let means = [2.0, 4.5, 3.0];
    let m = means.iter().sum::<f64>() / 3.0;
    let s2 = means.iter().map(|x| (x - m).powi(2)).sum::<f64>() / 2.0;
    assert!((w.mean.unwrap() - m).abs() < 1e-12);
    assert!((w.ci_high.unwrap() - (m + t * (s2 / 3.0).sqrt())).abs() < 1e-9, "{w:?}");
}

#[test]
fn small_groups_get_no_false_certainty() {
    let s = spec(IntervalMethod::ClusterT);
    // One answer: a mean, no interval (never [x, x]).
    let one = group_estimate(&[3.0], &[0], false, &s);
    assert_eq!((one.n, one.mean, one.ci_low), (1, Some(3.0), None));
    // Answers from one locality: the between-locality variance cannot be estimated.
    let single = group_estimate(&[1.0, 2.0, 4.0], &[7, 7, 7], false, &s);
    assert_eq!((single.localities, single.ci_low), (1, None));
    // 0 of 15 (from five localities): Wilson, [0, 0.2] or wider — never [0, 0].
    let zeros = vec![0.0; 15];
    let locs: Vec<u32> = (0..15).map(|i| i / 3).collect();
    let share = group_estimate(&zeros, &locs, true, &s);
    assert_eq!(share.ci_low, Some(0.0));
    assert!(share.ci_high.unwrap() >= 0.20, "{share:?}");
    // The respondent bootstrap of old still refuses n = 1.
    assert_eq!(
        group_estimate(&[3.0], &[0], false, &spec(IntervalMethod::RespondentBootstrap)).ci_low,
        None
    );
}

/// Simulated coverage: `m` localities of `k` respondents, a locality effect with a share `rho`
/// of the variance, normal noise; the true mean is 0.
fn coverage(method: IntervalMethod, rho: f64, m: usize, k: usize, reps: usize, seed: u64) -> f64 {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let normal = |rng: &mut ChaCha8Rng| {
        // Box–Muller.
        let (u1, u2): (f64, f64) = (rng.random::<f64>().max(1e-300), rng.random::<f64>());
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    };
    let mut hits = 0;
    for r in 0..reps {
        let mut values = Vec::with_capacity(m * k);
        let mut locs = Vec::with_capacity(m * k);
        for h in 0..m {
            let u = normal(&mut rng) * rho.sqrt();
            for _ in 0..k {
                values.push(u + normal(&mut rng) * (1.0 - rho).sqrt());
                locs.push(h as u32);
            }
        }
        let e = group_estimate(
            &values,
            &locs,
            false,
            &IntervalSpec {
                method,
                weighting: Weighting::Respondents,
                confidence: 0.95,
                resamples: 400,
                seed: r as u64,
            },
        );
        if e.ci_low.is_some_and(|lo| lo <= 0.0) && e.ci_high.is_some_and(|hi| hi >= 0.0) {
            hits += 1;
        }
    }
    hits as f64 / reps as f64
}

#[test]
fn cluster_t_covers_95_percent_whatever_the_share_between_localities() {
    // 12 localities of 5 respondents (n = 60), 3,000 replications per setting: the Monte Carlo
    // standard error of a coverage near 0.95 is 0.004.
    for rho in [0.0, 0.1, 0.3] {
        let c = coverage(IntervalMethod::ClusterT, rho, 12, 5, 3000, 42);
        assert!((0.93..=0.96).contains(&c), "cluster t at rho = {rho}: coverage {c}");
    }
    // The respondent bootstrap of earlier versions falls short once localities differ.
    let naive = coverage(IntervalMethod::RespondentBootstrap, 0.3, 12, 5, 600, 42);
    assert!(naive < 0.85, "respondent bootstrap at rho = 0.3: {naive}");
}
