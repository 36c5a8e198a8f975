//! Small statistics used by the Monte Carlo summaries: percentiles, Wilson intervals, means.

use serde::{Deserialize, Serialize};

/// The 97.5 % standard normal quantile, for 95 % intervals.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// A two-sided interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
}

/// The `q`-quantile (`q ∈ [0, 1]`) of an ascending slice by linear interpolation between
/// order statistics (Hyndman & Fan 1996, definition 7; the default of R and numpy).
/// Returns NaN for an empty slice. O(1).
#[must_use]
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    match sorted.len() {
        0 => f64::NAN,
        1 => sorted[0],
        n => {
            #[allow(clippy::cast_precision_loss)]
            let h = (n - 1) as f64 * q.clamp(0.0, 1.0);
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let lo = h.floor() as usize;
            let hi = (lo + 1).min(n - 1);
            #[allow(clippy::cast_precision_loss)]
            let frac = h - lo as f64;
            sorted[lo] + frac * (sorted[hi] - sorted[lo])
        }
    }
}

/// The 2.5 % and 97.5 % quantiles of `values` (sorted in place).
#[must_use]
pub fn percentile_band(values: &mut [f64]) -> Interval {
    values.sort_unstable_by(f64::total_cmp);
    Interval { low: quantile_sorted(values, 0.025), high: quantile_sorted(values, 0.975) }
}

/// Wilson score interval for `k` successes in `n` trials at normal quantile `z`
/// (Wilson 1927; Brown, Cai & DasGupta 2001 recommend it over the Wald interval). For
/// `n = 0` it is [0, 1].
#[must_use]
pub fn wilson(k: u64, n: u64, z: f64) -> Interval {
    if n == 0 {
        return Interval { low: 0.0, high: 1.0 };
    }
    let (all, none) = (k >= n, k == 0);
    #[allow(clippy::cast_precision_loss)]
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = z * z;
    let denom = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denom;
    let half = z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / denom;
    // At k = 0 (k = n) the bound is 0 (1) analytically; avoid rounding residue.
    Interval {
        low: if none { 0.0 } else { (centre - half).max(0.0) },
        high: if all { 1.0 } else { (centre + half).min(1.0) },
    }
}

/// Mean and sample standard deviation (n − 1 denominator; 0 for fewer than two values).
#[must_use]
pub fn mean_sd(values: &[f64]) -> (f64, f64) {
    if values.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    #[allow(clippy::cast_precision_loss)]
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, 0.0);
    }
    let ss: f64 = values.iter().map(|v| (v - mean) * (v - mean)).sum();
    (mean, (ss / (n - 1.0)).sqrt())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantile_matches_numpy_linear() {
        // numpy.quantile([1, 2, 3, 4], 0.25) == 1.75
        assert!((quantile_sorted(&[1.0, 2.0, 3.0, 4.0], 0.25) - 1.75).abs() < 1e-12);
        assert_eq!(quantile_sorted(&[5.0], 0.975), 5.0);
    }

    #[test]
    fn wilson_hand_computed() {
        // k = 5, n = 10, z = 1.96: centre 0.5, half = 1.96 * sqrt(0.025 + 0.009604) / 1.38416
        let i = wilson(5, 10, 1.96);
        let half = 1.96 * (0.025f64 + 1.96 * 1.96 / 400.0).sqrt() / (1.0 + 1.96 * 1.96 / 10.0);
        assert!((i.low - (0.5 - half)).abs() < 1e-12);
        assert!((i.high - (0.5 + half)).abs() < 1e-12);
        let zero = wilson(0, 100, Z_95);
        assert_eq!(zero.low, 0.0);
        assert!(zero.high > 0.0 && zero.high < 0.05);
    }
}
