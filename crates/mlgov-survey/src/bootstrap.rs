//! Percentile bootstrap of a mean over respondents, with seeds derived per estimate so that
//! results do not depend on thread scheduling.
//!
//! Definition (Efron & Tibshirani 1993, *An Introduction to the Bootstrap*, ch. 13): given the n
//! respondent-level values x₁…xₙ of a group, draw B resamples of size n with replacement, compute
//! each resample's mean, and report the α/2 and 1−α/2 quantiles (linear interpolation between
//! order statistics, Hyndman–Fan type 7) of the B means.
//!
//! Implementation: a resample of n values with replacement is fully described by how many times
//! each *distinct* value is drawn, and those counts follow Multinomial(n; c₁/n, …, c_d/n) where c_k
//! is the frequency of the k-th distinct value. Survey answers take few distinct values (a 0–5
//! scale, sums of such answers), so when d is small we draw the counts directly as d conditional
//! binomials — the same distribution as drawing n indices, in O(d) instead of O(n) per replicate.
//! When d is large (d > n/4) we draw indices. Complexity: O(n log n + B·min(d, n)).

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Binomial, Distribution};
use serde::{Deserialize, Serialize};

/// One estimate with its uncertainty. Serialised with `n: null` when suppressed: a suppressed
/// cell says nothing, not even how many answered.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(from = "EstimateRepr", into = "EstimateRepr")]
pub struct Estimate {
    /// Respondents contributing (with a non-missing value).
    pub n: usize,
    /// Point estimate (None when n = 0 or suppressed).
    pub mean: Option<f64>,
    /// Lower bound of the percentile bootstrap interval (None without resamples or suppressed).
    pub ci_low: Option<f64>,
    /// Upper bound.
    pub ci_high: Option<f64>,
    /// n is below the configured small-n threshold.
    pub small_n: bool,
    /// The cell was suppressed for publication (n below the minimum); mean and interval removed.
    pub suppressed: bool,
}

/// The serialised form of [`Estimate`].
#[derive(Serialize, Deserialize)]
struct EstimateRepr {
    n: Option<usize>,
    mean: Option<f64>,
    ci_low: Option<f64>,
    ci_high: Option<f64>,
    small_n: bool,
    suppressed: bool,
}

impl From<Estimate> for EstimateRepr {
    fn from(e: Estimate) -> Self {
        EstimateRepr { n: (!e.suppressed).then_some(e.n), mean: e.mean, ci_low: e.ci_low, ci_high: e.ci_high, small_n: e.small_n && !e.suppressed, suppressed: e.suppressed }
    }
}

impl From<EstimateRepr> for Estimate {
    fn from(e: EstimateRepr) -> Self {
        Estimate { n: e.n.unwrap_or(0), mean: e.mean, ci_low: e.ci_low, ci_high: e.ci_high, small_n: e.small_n, suppressed: e.suppressed }
    }
}

/// FNV-1a over the parts, then SplitMix64 finalisation, mixed with the run seed: one independent
/// seed per (analysis, measure, group) whatever the thread that computes it.
pub fn derive_seed(seed: u64, parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0xff)) {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    splitmix(h ^ splitmix(seed))
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Distinct values with their counts, for the multinomial shortcut.
pub(crate) struct Sample {
    values: Vec<f64>,
    distinct: Vec<(f64, u64)>,
    pub(crate) mean: Option<f64>,
}

impl Sample {
    /// Build from respondent values; NaN means missing and is dropped.
    pub(crate) fn new(mut values: Vec<f64>) -> Sample {
        values.retain(|v| !v.is_nan());
        let mean = (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64);
        let mut sorted = values.clone();
        sorted.sort_unstable_by(f64::total_cmp);
        let mut distinct: Vec<(f64, u64)> = Vec::new();
        for v in sorted {
            match distinct.last_mut() {
                Some((x, c)) if *x == v => *c += 1,
                _ => distinct.push((v, 1)),
            }
        }
        Sample { values, distinct, mean }
    }

    pub(crate) fn n(&self) -> usize {
        self.values.len()
    }

    /// B replicate means (empty when n = 0 or b = 0).
    pub(crate) fn replicate_means(&self, b: usize, rng: &mut ChaCha8Rng) -> Vec<f64> {
        let n = self.values.len();
        if n == 0 || b == 0 {
            return Vec::new();
        }
        let d = self.distinct.len();
        if d == 1 {
            return vec![self.distinct[0].0; b];
        }
        let mut out = Vec::with_capacity(b);
        if d * 4 <= n {
            let nf = n as f64;
            for _ in 0..b {
                let mut remaining = n as u64;
                let mut rem_p = 1.0f64;
                let mut sum = 0.0;
                for (k, &(v, c)) in self.distinct.iter().enumerate() {
                    if remaining == 0 {
                        break;
                    }
                    let p = c as f64 / nf;
                    let draw = if k + 1 == d {
                        remaining
                    } else {
                        let q = (p / rem_p).clamp(0.0, 1.0);
                        let x = Binomial::new(remaining, q).map(|bn| bn.sample(rng)).unwrap_or(0);
                        x.min(remaining)
                    };
                    sum += draw as f64 * v;
                    remaining -= draw;
                    rem_p -= p;
                }
                out.push(sum / nf);
            }
        } else {
            for _ in 0..b {
                let mut sum = 0.0;
                for _ in 0..n {
                    sum += self.values[rng.random_range(0..n)];
                }
                out.push(sum / n as f64);
            }
        }
        out
    }
}

/// Hyndman–Fan type-7 quantile of sorted data.
pub(crate) fn quantile_sorted(x: &[f64], q: f64) -> f64 {
    let h = (x.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    x[lo] + (h - lo as f64) * (x[hi] - x[lo])
}

/// Percentile interval of replicate statistics (NaN replicates dropped).
pub(crate) fn percentile_interval(mut reps: Vec<f64>, confidence: f64) -> Option<(f64, f64)> {
    reps.retain(|v| !v.is_nan());
    if reps.is_empty() {
        return None;
    }
    reps.sort_unstable_by(f64::total_cmp);
    let a = (1.0 - confidence) / 2.0;
    Some((quantile_sorted(&reps, a), quantile_sorted(&reps, 1.0 - a)))
}

/// Settings shared by all estimates of a run.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EstimateSettings {
    pub resamples: usize,
    pub confidence: f64,
    pub small_n: usize,
    pub publication_min_n: Option<usize>,
}

impl EstimateSettings {
    /// Apply flags and publication suppression to a raw estimate.
    pub(crate) fn finish(&self, n: usize, mean: Option<f64>, ci: Option<(f64, f64)>) -> Estimate {
        let suppressed = self.publication_min_n.is_some_and(|m| n < m);
        if suppressed {
            return Estimate { n, mean: None, ci_low: None, ci_high: None, small_n: n < self.small_n, suppressed };
        }
        Estimate {
            n,
            mean,
            ci_low: ci.map(|c| c.0),
            ci_high: ci.map(|c| c.1),
            small_n: n < self.small_n,
            suppressed,
        }
    }

    /// Mean with bootstrap interval of one group's respondent values (NaN = missing).
    pub(crate) fn mean_estimate(&self, values: Vec<f64>, seed: u64) -> Estimate {
        if self.resamples == 0 {
            // Point estimate only: no distinct values to sort (same sum, same order as Sample).
            let n = values.iter().filter(|v| !v.is_nan()).count();
            let mean = (n > 0).then(|| values.iter().copied().filter(|v| !v.is_nan()).sum::<f64>() / n as f64);
            return self.finish(n, mean, None);
        }
        let s = Sample::new(values);
        let ci = if self.resamples > 0 && s.n() > 0 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            percentile_interval(s.replicate_means(self.resamples, &mut rng), self.confidence)
        } else {
            None
        };
        self.finish(s.n(), s.mean, ci)
    }
}
