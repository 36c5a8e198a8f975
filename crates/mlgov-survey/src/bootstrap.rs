//! Interval estimates of group means and shares, with localities as primary sampling units, and
//! seeds derived per estimate so that results do not depend on thread scheduling.
//!
//! Respondents are nested in localities: the groups compared (size, type, orientation) are made
//! of localities, and answers within a locality resemble each other. Every estimate therefore
//! reports the localities it rests on beside n, and by default ([`IntervalMethod::ClusterT`]) its
//! interval treats localities as clusters (Wolter 2007, *Introduction to Variance Estimation*,
//! §1.5 and ch. 6; Lohr 2022, *Sampling: Design and Analysis*, §5.2 and §9.1): the mean is the
//! ratio Σy/n (every respondent weighs the same; [`Weighting::Localities`] weighs localities
//! equally instead), its linearised variance is `m/(m−1) · Σ_h z_h² / n²` with
//! `z_h = Σ_{i∈h} (y_i − ȳ)` over the m localities, and the interval is `ȳ ± t_{m−1} · √v`. A share
//! gets a Wilson interval on the effective sample size n / deff (deff = the linearised variance
//! over p(1−p)/n, at least 1; Korn & Graubard 1998): never [0, 0] for 0 of 15. No interval is
//! given below n = 2, or with a single locality (its between-locality variance cannot be
//! estimated). [`IntervalMethod::ClusterBootstrap`] resamples localities;
//! [`IntervalMethod::RespondentBootstrap`] resamples respondents independently, as earlier mlgov
//! did, for comparison.
//!
//! The respondent bootstrap:
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

/// How intervals are computed (see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum IntervalMethod {
    /// Localities as clusters: linearised variance and a t interval with m − 1 degrees of freedom
    /// (means), a Wilson interval on the effective sample size (shares).
    #[default]
    ClusterT,
    /// Localities resampled with replacement; percentile interval.
    ClusterBootstrap,
    /// Respondents resampled independently (ignores the clustering); percentile interval.
    RespondentBootstrap,
}

impl IntervalMethod {
    /// The name used on the command line and in files.
    pub fn id(self) -> &'static str {
        match self {
            IntervalMethod::ClusterT => "cluster-t",
            IntervalMethod::ClusterBootstrap => "cluster-bootstrap",
            IntervalMethod::RespondentBootstrap => "respondent-bootstrap",
        }
    }

    /// Parses `cluster-t`, `cluster-bootstrap` or `respondent-bootstrap`.
    pub fn parse(s: &str) -> Option<IntervalMethod> {
        [
            IntervalMethod::ClusterT,
            IntervalMethod::ClusterBootstrap,
            IntervalMethod::RespondentBootstrap,
        ]
        .into_iter()
        .find(|m| m.id() == s.replace('_', "-"))
    }

    /// A sentence for notes and reports.
    pub fn describe(self, confidence: f64) -> String {
        let pct = confidence * 100.0;
        match self {
            IntervalMethod::ClusterT => format!(
                "{pct:.0}% intervals treat localities as clusters (linearised variance, t with m−1 df; Wilson on the effective n for shares); none below n = 2 or with one locality"
            ),
            IntervalMethod::ClusterBootstrap => format!(
                "{pct:.0}% percentile intervals from resampling localities (clusters); none below n = 2 or with one locality"
            ),
            IntervalMethod::RespondentBootstrap => format!(
                "{pct:.0}% percentile intervals from resampling respondents independently (ignores that respondents are nested in localities: too narrow when localities differ)"
            ),
        }
    }
}

/// Whose answers weigh the same in a group mean.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Weighting {
    /// Every respondent (the report's means).
    #[default]
    Respondents,
    /// Every locality: the mean of the localities' means.
    Localities,
}

/// Below this many localities an estimate is flagged `few_localities`.
pub const FEW_LOCALITIES: usize = 5;

/// One estimate with its uncertainty. Serialised with `n: null` when suppressed: a suppressed
/// cell says nothing, not even how many answered.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(from = "EstimateRepr", into = "EstimateRepr")]
pub struct Estimate {
    /// Respondents contributing (with a non-missing value).
    pub n: usize,
    /// Localities those respondents come from (the primary sampling units).
    pub localities: usize,
    /// Fewer than [`FEW_LOCALITIES`] localities: the group says little about its kind of locality.
    pub few_localities: bool,
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
    #[serde(default)]
    localities: Option<usize>,
    #[serde(default)]
    few_localities: bool,
    mean: Option<f64>,
    ci_low: Option<f64>,
    ci_high: Option<f64>,
    small_n: bool,
    suppressed: bool,
}

impl From<Estimate> for EstimateRepr {
    fn from(e: Estimate) -> Self {
        EstimateRepr {
            n: (!e.suppressed).then_some(e.n),
            localities: (!e.suppressed).then_some(e.localities),
            few_localities: e.few_localities && !e.suppressed,
            mean: e.mean,
            ci_low: e.ci_low,
            ci_high: e.ci_high,
            small_n: e.small_n && !e.suppressed,
            suppressed: e.suppressed,
        }
    }
}

impl From<EstimateRepr> for Estimate {
    fn from(e: EstimateRepr) -> Self {
        Estimate {
            n: e.n.unwrap_or(0),
            localities: e.localities.unwrap_or(0),
            few_localities: e.few_localities,
            mean: e.mean,
            ci_low: e.ci_low,
            ci_high: e.ci_high,
            small_n: e.small_n,
            suppressed: e.suppressed,
        }
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
    pub method: IntervalMethod,
    pub weighting: Weighting,
}

/// The two-sided quantile of Student's t with `df` degrees of freedom.
pub(crate) fn t_quantile(df: f64, confidence: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, StudentsT};
    StudentsT::new(0.0, 1.0, df)
        .map(|t| t.inverse_cdf(1.0 - (1.0 - confidence) / 2.0))
        .unwrap_or(f64::NAN)
}

/// The Wilson interval of a proportion `p` on `n` (possibly effective, fractional) observations.
pub(crate) fn wilson(p: f64, n: f64, z: f64) -> (f64, f64) {
    let z2 = z * z;
    let d = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / d;
    let half = z / d * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    // At p = 0 (or 1) the bound is exactly 0 (or 1); rounding must not move it.
    let lo = if p <= 0.0 { 0.0 } else { (centre - half).max(0.0) };
    let hi = if p >= 1.0 { 1.0 } else { (centre + half).min(1.0) };
    (lo, hi)
}

/// Respondent values grouped by locality: (sum, count) per locality, non-missing values only.
pub(crate) struct Clustered {
    /// (sum of values, respondents) per locality.
    pub clusters: Vec<(f64, f64)>,
    /// Respondents.
    pub n: usize,
}

impl Clustered {
    /// From parallel slices of values (NaN = missing) and locality indexes.
    pub(crate) fn new(values: &[f64], localities: &[u32]) -> Clustered {
        let mut by: std::collections::BTreeMap<u32, (f64, f64)> = std::collections::BTreeMap::new();
        let mut n = 0;
        for (v, l) in values.iter().zip(localities) {
            if v.is_nan() {
                continue;
            }
            let e = by.entry(*l).or_default();
            e.0 += v;
            e.1 += 1.0;
            n += 1;
        }
        Clustered { clusters: by.into_values().collect(), n }
    }

    fn m(&self) -> usize {
        self.clusters.len()
    }

    /// The point estimate under a weighting.
    pub(crate) fn mean(&self, w: Weighting) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        Some(match w {
            Weighting::Respondents => {
                self.clusters.iter().map(|c| c.0).sum::<f64>() / self.n as f64
            }
            Weighting::Localities => {
                self.clusters.iter().map(|c| c.0 / c.1).sum::<f64>() / self.m() as f64
            }
        })
    }

    /// The linearised variance of the mean (None with fewer than two localities).
    pub(crate) fn variance(&self, w: Weighting) -> Option<f64> {
        let m = self.m();
        if m < 2 {
            return None;
        }
        let mean = self.mean(w)?;
        let mf = m as f64;
        Some(match w {
            Weighting::Respondents => {
                let n = self.n as f64;
                mf / (mf - 1.0)
                    * self.clusters.iter().map(|(s, c)| (s - c * mean).powi(2)).sum::<f64>()
                    / (n * n)
            }
            Weighting::Localities => {
                self.clusters.iter().map(|(s, c)| (s / c - mean).powi(2)).sum::<f64>()
                    / (mf - 1.0)
                    / mf
            }
        })
    }
}

impl EstimateSettings {
    /// Apply flags and publication suppression to a raw estimate.
    pub(crate) fn finish(
        &self,
        n: usize,
        localities: usize,
        mean: Option<f64>,
        ci: Option<(f64, f64)>,
    ) -> Estimate {
        let suppressed = self.publication_min_n.is_some_and(|m| n < m);
        let few_localities = localities < FEW_LOCALITIES;
        if suppressed {
            return Estimate {
                n,
                localities,
                few_localities,
                mean: None,
                ci_low: None,
                ci_high: None,
                small_n: n < self.small_n,
                suppressed,
            };
        }
        // No interval from fewer than two answers, whatever the method.
        let ci = if n < 2 { None } else { ci };
        Estimate {
            n,
            localities,
            few_localities,
            mean,
            ci_low: ci.map(|c| c.0),
            ci_high: ci.map(|c| c.1),
            small_n: n < self.small_n,
            suppressed,
        }
    }

    /// The estimate of one group: its respondent values (NaN = missing) with each respondent's
    /// locality index; `share` when the values are 0/1 (a proportion).
    pub(crate) fn estimate(
        &self,
        values: &[f64],
        localities: &[u32],
        share: bool,
        seed: u64,
    ) -> Estimate {
        let c = Clustered::new(values, localities);
        let (n, m) = (c.n, c.m());
        let mean = c.mean(self.weighting);
        if self.resamples == 0 || n < 2 {
            return self.finish(n, m, mean, None);
        }
        let ci = match self.method {
            IntervalMethod::ClusterT => {
                let (Some(p), Some(v)) = (mean, c.variance(self.weighting)) else {
                    return self.finish(n, m, mean, None);
                };
                let t = t_quantile((m - 1) as f64, self.confidence);
                if share && self.weighting == Weighting::Respondents {
                    let srs = p * (1.0 - p) / n as f64;
                    let deff = if srs > 0.0 { (v / srs).max(1.0) } else { 1.0 };
                    Some(wilson(p, n as f64 / deff, t))
                } else {
                    let half = t * v.sqrt();
                    let (lo, hi) = (p - half, p + half);
                    Some(if share { (lo.max(0.0), hi.min(1.0)) } else { (lo, hi) })
                }
            }
            IntervalMethod::ClusterBootstrap => {
                if m < 2 {
                    None
                } else {
                    let mut rng = ChaCha8Rng::seed_from_u64(seed);
                    let reps: Vec<f64> = (0..self.resamples)
                        .map(|_| {
                            let (mut s, mut k, mut means) = (0.0, 0.0, 0.0);
                            for _ in 0..m {
                                let (cs, cn) = c.clusters[rng.random_range(0..m)];
                                s += cs;
                                k += cn;
                                means += cs / cn;
                            }
                            match self.weighting {
                                Weighting::Respondents => s / k,
                                Weighting::Localities => means / m as f64,
                            }
                        })
                        .collect();
                    percentile_interval(reps, self.confidence)
                }
            }
            IntervalMethod::RespondentBootstrap => {
                let s = Sample::new(values.to_vec());
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                percentile_interval(s.replicate_means(self.resamples, &mut rng), self.confidence)
            }
        };
        self.finish(n, m, mean, ci)
    }
}

/// How one group estimate is computed, for callers outside an analysis (coverage studies, tests).
#[derive(Debug, Clone, Copy)]
pub struct IntervalSpec {
    /// Method.
    pub method: IntervalMethod,
    /// Weighting of the mean.
    pub weighting: Weighting,
    /// Interval level (0.95).
    pub confidence: f64,
    /// Resamples for the bootstrap methods (0: point estimate only, for every method).
    pub resamples: usize,
    /// Seed of the bootstrap methods.
    pub seed: u64,
}

/// The estimate of one group: respondent values (NaN = missing), each with its locality index;
/// `share` when the values are 0/1.
pub fn group_estimate(
    values: &[f64],
    localities: &[u32],
    share: bool,
    spec: &IntervalSpec,
) -> Estimate {
    let st = EstimateSettings {
        resamples: spec.resamples,
        confidence: spec.confidence,
        small_n: 0,
        publication_min_n: None,
        method: spec.method,
        weighting: spec.weighting,
    };
    st.estimate(values, localities, share, spec.seed)
}
