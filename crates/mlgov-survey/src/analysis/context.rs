//! The machinery every analysis shares: the run context (population, localities as clusters,
//! groups), measures of one value per respondent, the estimate rows, the value scales and
//! [`Part`], what an analysis kind hands back to [`super::analyze`].

use std::collections::HashMap;

use rayon::prelude::*;

use super::{
    AnalysisConfig, AnalysisError, ClassAggregate, Dimension, LocalityInfo, REPORT_ROLES,
    ResultRow, ScaleSpec, Tick,
};
use crate::bootstrap::{EstimateSettings, derive_seed};
use crate::dataset::{Dataset, Respondent};
use crate::instrument::{ActorCategory, ActorClass, Instrument};

/// What one analysis kind computes; [`super::analyze`] adds the notes every table shares.
pub(super) struct Part {
    /// Estimate rows.
    pub(super) rows: Vec<ResultRow>,
    /// Value scale.
    pub(super) scale: ScaleSpec,
    /// The definition of its values (the table's first note).
    pub(super) note: String,
    /// The operationalisation the report does not state ("ASSUMED", docs/survey.md), noted after
    /// the localities' grouping choices.
    pub(super) assumed: Option<&'static str>,
}

/// The assumption about the actor list, beside the frequency, class and change figures.
pub(super) const ACTORS_ASSUMED: &str = "ASSUMED: the actors asked about are the instrument's list (nine horizontal ones among them): the report names actor categories, not its item list; 'other local governments' are a class of their own (the report counts them with vertical interactions in Figure 3.6 panel b, apart in its footnote 6).";

pub(super) struct Measure<'a> {
    pub(super) period: Option<usize>,
    pub(super) key: String,
    pub(super) label: String,
    pub(super) class: Option<ActorClass>,
    pub(super) values: Values<'a>,
}

/// The group value of a respondent (of locality `loc`) on `d`; `(none)` where it has none.
pub(crate) fn dimension_value(
    ins: &Instrument,
    resp: &Respondent,
    loc: Option<&LocalityInfo>,
    d: Dimension,
) -> String {
    let v = match d {
        Dimension::Size => loc.and_then(|l| l.size_class.clone()),
        Dimension::Orientation => loc.and_then(|l| l.orientation.clone()),
        Dimension::Typology => loc.and_then(|l| l.typology.clone()),
        Dimension::Country => loc.and_then(|l| l.country.clone()),
        Dimension::Role => Some(ins.roles[resp.role].id.clone()),
        Dimension::Affiliation => resp.affiliation.map(|a| ins.affiliations[a].id.clone()),
    };
    v.filter(|s| !s.is_empty()).unwrap_or_else(|| NONE.to_string())
}

impl<'a> Measure<'a> {
    /// A measure of one actor category.
    pub(super) fn of_actor(period: Option<usize>, act: &ActorCategory, values: Values<'a>) -> Self {
        Measure {
            period,
            key: act.id.clone(),
            label: act.label.clone(),
            class: Some(act.class),
            values,
        }
    }

    /// A measure of one actor class.
    pub(super) fn of_class(period: Option<usize>, c: ActorClass, values: Values<'a>) -> Self {
        Measure {
            period,
            key: c.id().to_string(),
            label: c.label().to_string(),
            class: Some(c),
            values,
        }
    }
}

/// A measure's value per respondent (NaN = missing): computed up front, or read when needed for
/// measures that are a lookup in the dataset (frequency, nature) — 8 bytes × respondents less per
/// measure (15 MB for the 38 frequency measures of 50,000 respondents).
pub(super) enum Values<'a> {
    Dense(Vec<f64>),
    Lookup(Box<dyn Fn(usize) -> f64 + Sync + 'a>),
}

impl Values<'_> {
    #[inline]
    fn get(&self, r: usize) -> f64 {
        match self {
            Values::Dense(v) => v[r],
            Values::Lookup(f) => f(r),
        }
    }
}

pub(super) struct Groups {
    pub(super) keys: Vec<Vec<String>>,
    pub(super) members: Vec<Vec<u32>>,
}

const NONE: &str = "(none)";

fn rank(dim: Dimension, v: &str) -> usize {
    let order: &[&str] = match dim {
        Dimension::Size => &["rural_area", "small_town", "medium_town", "large_city"],
        Dimension::Orientation | Dimension::Affiliation => {
            &["progressive", "conservative", "mixed"]
        }
        Dimension::Typology => &["revitalising", "marginal", "in_transition", "left_behind"],
        Dimension::Role => &["elected_policymaker", "local_official"],
        Dimension::Country => &[],
    };
    if v == NONE {
        return usize::MAX;
    }
    order.iter().position(|o| *o == v).unwrap_or(order.len())
}

pub(super) struct Ctx<'a> {
    pub(super) ds: &'a Dataset,
    pub(super) ins: &'a Instrument,
    pub(super) cfg: &'a AnalysisConfig,
    /// Whether each respondent is in the analysed population (roles).
    pub(super) included: Vec<bool>,
    pub(super) synthetic: bool,
    pub(super) loc_of: Vec<Option<&'a LocalityInfo>>,
    /// Each respondent's locality as an index (the clusters of the intervals).
    pub(super) cluster_of: Vec<u32>,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(
        ds: &'a Dataset,
        ins: &'a Instrument,
        locs: &'a [LocalityInfo],
        cfg: &'a AnalysisConfig,
    ) -> Result<Ctx<'a>, AnalysisError> {
        let by_id: HashMap<&str, &LocalityInfo> = locs.iter().map(|l| (l.id.as_str(), l)).collect();
        let mut roles = Vec::new();
        for r in &cfg.roles {
            roles.push(ins.role_index(r).ok_or_else(|| AnalysisError::UnknownRole {
                value: r.clone(),
                expected: ins.roles.iter().map(|x| x.id.as_str()).collect::<Vec<_>>().join(", "),
            })?);
        }
        if !(0.0..1.0).contains(&cfg.confidence) || cfg.confidence <= 0.0 {
            return Err(AnalysisError::InvalidSetting(format!(
                "confidence {} must lie strictly between 0 and 1",
                cfg.confidence
            )));
        }
        // The report's population unless every role is asked for (or roles are named).
        if roles.is_empty() && !cfg.all_roles {
            roles = REPORT_ROLES.iter().filter_map(|r| ins.role_index(r)).collect();
        }
        let included: Vec<bool> =
            ds.respondents.iter().map(|r| roles.is_empty() || roles.contains(&r.role)).collect();
        let mut interned: HashMap<&str, u32> = HashMap::new();
        let cluster_of: Vec<u32> = ds
            .respondents
            .iter()
            .map(|r| {
                let k = interned.len() as u32;
                *interned.entry(r.locality.as_str()).or_insert(k)
            })
            .collect();
        let loc_of: Vec<Option<&LocalityInfo>> =
            ds.respondents.iter().map(|r| by_id.get(r.locality.as_str()).copied()).collect();
        let synthetic = ds.synthetic
            || loc_of.iter().zip(&included).any(|(l, inc)| *inc && l.is_some_and(|l| l.synthetic));
        Ok(Ctx { ds, ins, cfg, included, synthetic, loc_of, cluster_of })
    }

    pub(super) fn settings(&self) -> EstimateSettings {
        EstimateSettings {
            resamples: self.cfg.resamples,
            confidence: self.cfg.confidence,
            small_n: self.cfg.small_n,
            publication_min_n: self.cfg.publication_min_n,
            method: self.cfg.interval,
            weighting: self.cfg.weighting,
        }
    }

    fn dim_value(&self, r: usize, d: Dimension) -> String {
        dimension_value(self.ins, &self.ds.respondents[r], self.loc_of[r], d)
    }

    pub(super) fn groups(&self, dims: &[Dimension]) -> Groups {
        let mut index: HashMap<Vec<String>, usize> = HashMap::new();
        let mut keys: Vec<Vec<String>> = Vec::new();
        let mut members: Vec<Vec<u32>> = Vec::new();
        // A respondent's group depends only on their locality, role and affiliation: look the
        // key up once per distinct triple, not once per respondent.
        let mut by_attrs: HashMap<(usize, usize, usize), usize> = HashMap::new();
        for r in 0..self.ds.len() {
            if !self.included[r] {
                continue;
            }
            let resp = &self.ds.respondents[r];
            let attrs = (
                self.loc_of[r].map_or(usize::MAX, |l| l as *const LocalityInfo as usize),
                resp.role,
                resp.affiliation.unwrap_or(usize::MAX),
            );
            let g = *by_attrs.entry(attrs).or_insert_with(|| {
                let key: Vec<String> = dims.iter().map(|d| self.dim_value(r, *d)).collect();
                *index.entry(key.clone()).or_insert_with(|| {
                    keys.push(key);
                    members.push(Vec::new());
                    keys.len() - 1
                })
            });
            members[g].push(r as u32);
        }
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_by(|&a, &b| {
            let ka: Vec<(usize, &String)> =
                dims.iter().zip(&keys[a]).map(|(d, v)| (rank(*d, v), v)).collect();
            let kb: Vec<(usize, &String)> =
                dims.iter().zip(&keys[b]).map(|(d, v)| (rank(*d, v), v)).collect();
            ka.cmp(&kb)
        });
        Groups {
            keys: order.iter().map(|&i| keys[i].clone()).collect(),
            members: order.iter().map(|&i| std::mem::take(&mut members[i])).collect(),
        }
    }

    pub(super) fn periods(&self) -> Result<Vec<usize>, AnalysisError> {
        match &self.cfg.periods {
            None => Ok((0..self.ins.periods.len()).collect()),
            Some(ps) => ps
                .iter()
                .map(|p| {
                    self.ins.period_index(p).ok_or_else(|| AnalysisError::UnknownPeriod {
                        value: p.clone(),
                        expected: self
                            .ins
                            .periods
                            .iter()
                            .map(|x| x.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", "),
                    })
                })
                .collect(),
        }
    }

    /// Aggregate of one class for one respondent and period: sum or mean of answered items, NaN
    /// when none answered.
    pub(super) fn class_value(&self, r: usize, p: usize, actors: &[usize]) -> f64 {
        let row = self.ds.freq_row(r, p);
        let (mut s, mut k) = (0u32, 0u32);
        for &a in actors {
            let v = row[a];
            if v != u8::MAX {
                s += v as u32;
                k += 1;
            }
        }
        if k == 0 {
            f64::NAN
        } else if self.cfg.class_aggregate == ClassAggregate::Sum {
            s as f64
        } else {
            s as f64 / k as f64
        }
    }

    pub(super) fn rows_for(
        &self,
        analysis: &str,
        measures: &[Measure],
        groups: &Groups,
        statistic: &str,
    ) -> Vec<ResultRow> {
        let st = self.settings();
        let jobs: Vec<(usize, usize)> =
            (0..measures.len()).flat_map(|m| (0..groups.keys.len()).map(move |g| (m, g))).collect();
        jobs.par_iter()
            .map(|&(m, g)| {
                let me = &measures[m];
                let vals: Vec<f64> =
                    groups.members[g].iter().map(|&r| me.values.get(r as usize)).collect();
                let locs: Vec<u32> =
                    groups.members[g].iter().map(|&r| self.cluster_of[r as usize]).collect();
                let gk = groups.keys[g].join("\u{1f}");
                let per = me.period.map(|p| self.ins.periods[p].id.as_str()).unwrap_or("");
                let seed = derive_seed(self.cfg.seed, &[analysis, &me.key, per, &gk]);
                ResultRow {
                    group: groups.keys[g].clone(),
                    period: me.period.map(|p| self.ins.periods[p].id.clone()),
                    measure: me.key.clone(),
                    measure_label: me.label.clone(),
                    class: me.class,
                    statistic: statistic.to_string(),
                    estimate: st.estimate(&vals, &locs, statistic == "share", seed),
                }
            })
            .collect()
    }

    pub(super) fn per_respondent(&self, f: impl Fn(usize) -> f64 + Sync) -> Values<'a> {
        Values::Dense(
            (0..self.ds.len())
                .into_par_iter()
                .map(|r| if self.included[r] { f(r) } else { f64::NAN })
                .collect(),
        )
    }

    /// A measure read from the dataset when needed. Only group members (included respondents)
    /// are ever read, so no inclusion test is needed.
    pub(super) fn lookup(&self, f: impl Fn(usize) -> f64 + Sync + 'a) -> Values<'a> {
        Values::Lookup(Box::new(f))
    }

    /// The instrument's actor classes, with the indexes of each class's actors.
    pub(super) fn classes(&self) -> (Vec<ActorClass>, Vec<Vec<usize>>) {
        let classes = self.ins.classes();
        let class_actors: Vec<Vec<usize>> =
            classes.iter().map(|c| self.ins.actors_of(*c)).collect();
        (classes, class_actors)
    }

    /// How a class's items are aggregated, as a word for the notes.
    pub(super) fn agg_word(&self) -> &'static str {
        match self.cfg.class_aggregate {
            ClassAggregate::Sum => "sum",
            ClassAggregate::Mean => "mean",
        }
    }
}

pub(super) fn freq_scale(ins: &Instrument, title: &str) -> ScaleSpec {
    ScaleSpec {
        title: title.to_string(),
        min: ins.frequency.min as f64,
        max: ins.frequency.max as f64,
        ticks: (ins.frequency.min..=ins.frequency.max)
            .map(|v| Tick { value: v as f64, label: format!("{v} {}", ins.frequency_short(v)) })
            .collect(),
        fit_to_data: false,
        percent: false,
    }
}

pub(super) fn numeric_scale(title: &str, min: f64, max: f64) -> ScaleSpec {
    ScaleSpec {
        title: title.to_string(),
        min,
        max,
        ticks: Vec::new(),
        fit_to_data: true,
        percent: false,
    }
}

pub(super) fn share_scale(title: &str) -> ScaleSpec {
    ScaleSpec {
        title: title.to_string(),
        min: 0.0,
        max: 1.0,
        ticks: Vec::new(),
        fit_to_data: false,
        percent: true,
    }
}
