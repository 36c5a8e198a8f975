//! Node susceptibility: how the enabling factors of file 004 make a locality more or less open
//! to a practice that reaches it.
//!
//! Susceptibility `s_v ∈ [0, 1]` multiplies every chance of adoption at node `v`
//! (see [`crate::model`] for how each model uses it). Carrier nodes (NGOs, networks) get
//! `carrier_susceptibility`; other nodes get the value of the chosen [`SusceptibilityModel`]:
//!
//! * `constant`: `s_v = value` for every non-carrier node (1 = factors ignored).
//! * `logistic` (default):
//!
//!   ```text
//!   s_v = σ(intercept + officer·O + responsibility·R + specialist_information·S
//!           + public_attitudes·(A − 3)/2 + politicisation·(2P − 1))
//!   ```
//!
//!   with `σ(x) = 1/(1 + e^(−x))`, `O, R, S ∈ {0, 1}` (yes = 1; unknown counts as no),
//!   `A ∈ [1, 5]` perceived public attitudes (unknown = 3, neutral) and `P ∈ [0, 1]`
//!   politicisation (unknown = 0.5). The covariates are centred so that an unknown attitude
//!   or politicisation does not move `s_v`. The default coefficients are illustrative
//!   assumptions with the signs file 004 reports (officer, responsibility, specialist sources
//!   and positive attitudes enable learning; politicisation hinders it); the papers hold no
//!   adoption data from which to estimate them.
//!
//! Cost: O(1) per node.

use serde::{Deserialize, Serialize};

use crate::error::{DiffusionError, Result};
use crate::graph::{EnablingFactors, Node};

/// Coefficients of the logistic susceptibility model (module docs).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogisticSusceptibility {
    /// Log-odds of a node with no enabling factor and neutral attitudes.
    pub intercept: f64,
    /// Effect of an official with an integration mandate.
    pub integration_officer: f64,
    /// Effect of perceived local responsibility for integration.
    pub local_responsibility: f64,
    /// Effect per unit of centred perceived public attitudes `(A − 3)/2`.
    pub public_attitudes: f64,
    /// Effect per unit of centred politicisation `2P − 1` (negative: hinders learning).
    pub politicisation: f64,
    /// Effect of consulting specialist information sources.
    pub specialist_information: f64,
}

impl Default for LogisticSusceptibility {
    /// Illustrative values: intercept −1, officer +1, responsibility +1, attitudes +0.5,
    /// politicisation −0.5, specialist information +0.5.
    fn default() -> Self {
        LogisticSusceptibility {
            intercept: -1.0,
            integration_officer: 1.0,
            local_responsibility: 1.0,
            public_attitudes: 0.5,
            politicisation: -0.5,
            specialist_information: 0.5,
        }
    }
}

impl LogisticSusceptibility {
    /// The susceptibility for the given factors.
    #[must_use]
    pub fn evaluate(&self, f: &EnablingFactors) -> f64 {
        let ind = |b: Option<bool>| if b == Some(true) { 1.0 } else { 0.0 };
        let attitudes = f.public_attitudes.map_or(0.0, |a| (a - 3.0) / 2.0);
        let politicisation = f.politicisation.map_or(0.0, |p| 2.0 * p - 1.0);
        let x = self.intercept
            + self.integration_officer * ind(f.integration_officer)
            + self.local_responsibility * ind(f.local_responsibility)
            + self.specialist_information * ind(f.specialist_information)
            + self.public_attitudes * attitudes
            + self.politicisation * politicisation;
        1.0 / (1.0 + (-x).exp())
    }
}

/// How non-carrier nodes' susceptibility is computed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum SusceptibilityModel {
    /// The same susceptibility for every non-carrier node.
    Constant {
        /// Susceptibility in [0, 1].
        value: f64,
    },
    /// Logistic in the enabling factors.
    Logistic(LogisticSusceptibility),
}

impl Default for SusceptibilityModel {
    fn default() -> Self {
        SusceptibilityModel::Logistic(LogisticSusceptibility::default())
    }
}

/// User-set susceptibility parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SusceptibilityParams {
    /// Model for non-carrier nodes.
    pub model: SusceptibilityModel,
    /// Susceptibility of carrier nodes (NGOs, networks) in [0, 1]; default 1 (they pass on
    /// whatever reaches them, subject to the edge probabilities).
    pub carrier_susceptibility: f64,
}

impl Default for SusceptibilityParams {
    fn default() -> Self {
        SusceptibilityParams { model: SusceptibilityModel::default(), carrier_susceptibility: 1.0 }
    }
}

impl SusceptibilityParams {
    /// Every node fully susceptible: the plain models of Kempe et al. (2003).
    #[must_use]
    pub fn neutral() -> Self {
        SusceptibilityParams {
            model: SusceptibilityModel::Constant { value: 1.0 },
            carrier_susceptibility: 1.0,
        }
    }

    /// Checks that constant susceptibilities are probabilities and coefficients are finite.
    ///
    /// # Errors
    /// [`DiffusionError::OutOfRange`] naming the parameter.
    pub fn validate(&self) -> Result<()> {
        let bad = |field, value: f64, expected| DiffusionError::OutOfRange {
            field,
            value,
            context: "susceptibility parameters".into(),
            expected,
        };
        let c = self.carrier_susceptibility;
        if !(0.0..=1.0).contains(&c) {
            return Err(bad("carrier_susceptibility", c, "a number in [0, 1]"));
        }
        match self.model {
            SusceptibilityModel::Constant { value } if !(0.0..=1.0).contains(&value) => {
                Err(bad("value", value, "a number in [0, 1]"))
            }
            SusceptibilityModel::Logistic(l) => {
                let fields = [
                    ("intercept", l.intercept),
                    ("integration_officer", l.integration_officer),
                    ("local_responsibility", l.local_responsibility),
                    ("public_attitudes", l.public_attitudes),
                    ("politicisation", l.politicisation),
                    ("specialist_information", l.specialist_information),
                ];
                for (name, v) in fields {
                    if !v.is_finite() {
                        return Err(bad(name, v, "a finite coefficient"));
                    }
                }
                Ok(())
            }
            SusceptibilityModel::Constant { .. } => Ok(()),
        }
    }

    /// The susceptibility of `node`.
    #[must_use]
    pub fn of(&self, node: &Node) -> f64 {
        if node.carrier {
            return self.carrier_susceptibility;
        }
        match self.model {
            SusceptibilityModel::Constant { value } => value,
            SusceptibilityModel::Logistic(l) => l.evaluate(&node.factors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neutral_factors_give_sigmoid_of_intercept() {
        let l = LogisticSusceptibility { intercept: 0.0, ..Default::default() };
        assert!((l.evaluate(&EnablingFactors::default()) - 0.5).abs() < 1e-12);
        let f = EnablingFactors {
            public_attitudes: Some(3.0),
            politicisation: Some(0.5),
            ..Default::default()
        };
        assert!((l.evaluate(&f) - 0.5).abs() < 1e-12);
    }

    #[test]
    fn officer_raises_log_odds_by_its_coefficient() {
        let l = LogisticSusceptibility::default();
        let with = EnablingFactors { integration_officer: Some(true), ..Default::default() };
        let s0 = l.evaluate(&EnablingFactors::default());
        let s1 = l.evaluate(&with);
        let logit = |s: f64| (s / (1.0 - s)).ln();
        assert!((logit(s1) - logit(s0) - 1.0).abs() < 1e-9);
    }
}
