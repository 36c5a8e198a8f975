//! The analyses of Part 3 of the Whole-COMM report (file 003) and the perception items of file
//! 004: mean frequency per actor, class aggregates, change between periods, nature of
//! interactions, who takes the lead, summary indexes 1–4 and perceived public attitudes, each by
//! any grouping of locality and respondent attributes, with n, a percentile bootstrap interval, a
//! small-n flag and optional publication suppression.
//!
//! Every analysis first computes one value per respondent (NaN = missing: a missing answer is
//! never read as 0), then estimates group means of those values (see [`crate::bootstrap`]).
//! Complexity: O(R·A·P) to compute respondent values plus O(G·M·(n log n + B·d)) for the
//! estimates (R respondents, A actors, P periods, G groups, M measures, B resamples, d distinct
//! values per group). Work is spread over rayon's pool; results do not depend on its size.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::bootstrap::{EstimateSettings, Sample, derive_seed, percentile_interval};
pub use crate::bootstrap::{Estimate, IntervalMethod, Weighting, FEW_LOCALITIES};
use crate::dataset::{Dataset, PerceptionAnswer};
use crate::instrument::{ActorClass, Instrument, LeadSide, PerceptionKind};

/// What the caller knows about a locality (from the knowledge base or generated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LocalityInfo {
    /// Locality id as used in the survey file.
    pub id: String,
    /// Public label (e.g. "IT (Piedmont)").
    pub label: String,
    /// `rural_area`, `small_town`, `medium_town`, …
    pub size_class: Option<String>,
    /// `progressive`, `conservative`, …
    pub orientation: Option<String>,
    /// `revitalising`, `marginal`, `in_transition`, `left_behind`.
    pub typology: Option<String>,
    /// ISO country code.
    pub country: Option<String>,
    /// True for generated localities.
    pub synthetic: bool,
    /// How an attribute was chosen among several statements, as (attribute, sentence): the
    /// analyses say so beside every table grouped by it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<(String, String)>,
}

/// A grouping dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Locality size class.
    Size,
    /// Political orientation of the local government.
    Orientation,
    /// Whole-COMM typology type.
    Typology,
    /// Country.
    Country,
    /// Respondent role.
    Role,
    /// Respondent's political affiliation.
    Affiliation,
}

impl Dimension {
    /// Id used in tables.
    pub fn id(self) -> &'static str {
        match self {
            Dimension::Size => "size",
            Dimension::Orientation => "orientation",
            Dimension::Typology => "typology",
            Dimension::Country => "country",
            Dimension::Role => "role",
            Dimension::Affiliation => "affiliation",
        }
    }
}

impl fmt::Display for Dimension {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Dimension {
    type Err = AnalysisError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s.trim() {
            "size" | "size_class" => Dimension::Size,
            "orientation" | "political_orientation" => Dimension::Orientation,
            "type" | "typology" => Dimension::Typology,
            "country" => Dimension::Country,
            "role" => Dimension::Role,
            "affiliation" => Dimension::Affiliation,
            other => {
                return Err(AnalysisError::UnknownDimension {
                    value: other.to_string(),
                });
            }
        })
    }
}

/// The analyses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnalysisKind {
    /// Mean frequency per actor category (Figures 3.1, 3.4, 3.5).
    Frequency,
    /// Per-respondent class aggregates (Figure 3.1 panel d, 3.4, 3.5).
    ClassAggregates,
    /// Change between the first and last period, per respondent then averaged (Figure 3.2).
    Change,
    /// Nature of interactions per actor and per class, −2..+2 (Figure 3.3).
    Nature,
    /// Who takes the lead: elected policymakers vs officials (section 3.2).
    Lead,
    /// Summary indexes 1–4 and the parts of Index 3 (Figures 3.6, 3.7).
    Indexes,
    /// Perceived public attitudes towards migrants, 1–5 (file 004).
    Attitudes,
    /// Who is responsible for integration: share choosing each option (file 004).
    Responsibility,
    /// Information sources used: share using each source (file 004).
    InformationSources,
}

impl AnalysisKind {
    /// All analyses.
    pub const ALL: [AnalysisKind; 9] = [
        AnalysisKind::Frequency,
        AnalysisKind::ClassAggregates,
        AnalysisKind::Change,
        AnalysisKind::Nature,
        AnalysisKind::Lead,
        AnalysisKind::Indexes,
        AnalysisKind::Attitudes,
        AnalysisKind::Responsibility,
        AnalysisKind::InformationSources,
    ];

    /// Id (CLI name, file stem).
    pub fn id(self) -> &'static str {
        match self {
            AnalysisKind::Frequency => "frequency",
            AnalysisKind::ClassAggregates => "class_aggregates",
            AnalysisKind::Change => "change",
            AnalysisKind::Nature => "nature",
            AnalysisKind::Lead => "lead",
            AnalysisKind::Indexes => "indexes",
            AnalysisKind::Attitudes => "attitudes",
            AnalysisKind::Responsibility => "responsibility",
            AnalysisKind::InformationSources => "information_sources",
        }
    }

    /// Title.
    pub fn title(self) -> &'static str {
        match self {
            AnalysisKind::Frequency => "Frequency of interactions with each actor category",
            AnalysisKind::ClassAggregates => "Interactions aggregated by class of actor",
            AnalysisKind::Change => "Change in frequency of interactions between periods",
            AnalysisKind::Nature => "Nature of interactions (conflictual … collaborative)",
            AnalysisKind::Lead => "Who takes the lead: elected policymakers' share of interactions",
            AnalysisKind::Indexes => "Summary indexes of interactions (Index 1–4)",
            AnalysisKind::Attitudes => "Perceived attitudes of locals towards migrants",
            AnalysisKind::Responsibility => "Who is seen as primarily responsible for integration",
            AnalysisKind::InformationSources => "Sources of information used",
        }
    }

    /// The report figure it corresponds to.
    pub fn figure(self) -> &'static str {
        match self {
            AnalysisKind::Frequency => "Schiller et al. 2023, Figures 3.1 (panels a–c), 3.4, 3.5",
            AnalysisKind::ClassAggregates => "Schiller et al. 2023, Figure 3.1 panel d, 3.4, 3.5",
            AnalysisKind::Change => "Schiller et al. 2023, Figure 3.2",
            AnalysisKind::Nature => "Schiller et al. 2023, Figure 3.3",
            AnalysisKind::Lead => "Schiller et al. 2023, section 3.2 ('take the lead')",
            AnalysisKind::Indexes => "Schiller et al. 2023, Figures 3.6, 3.7",
            AnalysisKind::Attitudes => "Pettrachin 2023, 'perceptions of public opinion'",
            AnalysisKind::Responsibility => "Pettrachin 2023, 'perception of being responsible'",
            AnalysisKind::InformationSources => "Pettrachin 2023, 'sources of information'",
        }
    }
}

impl FromStr for AnalysisKind {
    type Err = AnalysisError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim().replace('-', "_");
        AnalysisKind::ALL
            .into_iter()
            .find(|k| k.id() == s || (s == "index" && *k == AnalysisKind::Indexes))
            .ok_or_else(|| AnalysisError::UnknownAnalysis { value: s.to_string() })
    }
}

/// How a class aggregate is formed from a respondent's answers to the class's actors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ClassAggregate {
    /// Sum of the answered items (the report's "Sum of interactions", Figure 3.1 panel d, 3.5): it
    /// grows with the number of actors in a class, so classes of different sizes do not compare.
    Sum,
    /// Mean of the answered items (stays on the 0–5 scale, comparable across classes: the report's
    /// "an average decrease of around 1 point in our temporal scale"). The default.
    #[default]
    Mean,
}

/// The roles of the report's population for the interaction analyses (Part 3 of file 003:
/// elected policymakers and local officials); other roles only with `all_roles`.
pub const REPORT_ROLES: [&str; 2] = ["elected_policymaker", "local_official"];

/// Settings of an analysis run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysisConfig {
    /// Grouping dimensions (empty = everyone in one group).
    pub group_by: Vec<Dimension>,
    /// Period ids to report (None = all); ignored by Change and Indexes.
    pub periods: Option<Vec<String>>,
    /// Role ids to include (empty = all roles).
    pub roles: Vec<String>,
    /// Bootstrap resamples (0 = point estimates only).
    pub resamples: usize,
    /// Run seed.
    pub seed: u64,
    /// Interval level, e.g. 0.95.
    pub confidence: f64,
    /// Estimates with n below this are flagged `small_n` (default 10: below it even a t interval
    /// covers poorly and a percentile one much worse).
    pub small_n: usize,
    /// When set, cells with n below it are suppressed (publication mode).
    pub publication_min_n: Option<usize>,
    /// Mean (default) or sum of a class's items.
    pub class_aggregate: ClassAggregate,
    /// How intervals are computed (localities as clusters by default).
    #[serde(default)]
    pub interval: IntervalMethod,
    /// Whether respondents or localities weigh the same in a group mean.
    #[serde(default)]
    pub weighting: Weighting,
    /// Include every role; by default (empty `roles`) only the report's population, [`REPORT_ROLES`].
    #[serde(default)]
    pub all_roles: bool,
}

impl Default for AnalysisConfig {
    fn default() -> Self {
        AnalysisConfig {
            group_by: vec![Dimension::Size],
            periods: None,
            roles: Vec::new(),
            resamples: 1000,
            seed: 1,
            confidence: 0.95,
            small_n: 10,
            publication_min_n: None,
            class_aggregate: ClassAggregate::Mean,
            interval: IntervalMethod::ClusterT,
            weighting: Weighting::Respondents,
            all_roles: false,
        }
    }
}

/// Why an analysis could not run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AnalysisError {
    /// Unknown grouping dimension.
    #[error("unknown grouping {value:?}; expected one of size, orientation, type, country, role, affiliation")]
    UnknownDimension {
        /// Given value.
        value: String,
    },
    /// Unknown analysis name.
    #[error("unknown analysis {value:?}; expected one of frequency, class_aggregates, change, nature, lead, indexes, attitudes, responsibility, information_sources")]
    UnknownAnalysis {
        /// Given value.
        value: String,
    },
    /// Unknown period id.
    #[error("unknown period {value:?}; expected one of {expected}")]
    UnknownPeriod {
        /// Given value.
        value: String,
        /// Accepted ids.
        expected: String,
    },
    /// Unknown role id.
    #[error("unknown role {value:?}; expected one of {expected}")]
    UnknownRole {
        /// Given value.
        value: String,
        /// Accepted ids.
        expected: String,
    },
    /// Invalid setting.
    #[error("invalid setting: {0}")]
    InvalidSetting(String),
}

/// A tick on a value axis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tick {
    /// Position.
    pub value: f64,
    /// Label (the scale's words where they exist).
    pub label: String,
}

/// The value scale of a table, for axes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScaleSpec {
    /// Axis title.
    pub title: String,
    /// Axis minimum (before fitting to data).
    pub min: f64,
    /// Axis maximum.
    pub max: f64,
    /// Labelled ticks (empty = numeric ticks chosen by the chart).
    pub ticks: Vec<Tick>,
    /// Widen the axis to fit the data (for sums and changes).
    pub fit_to_data: bool,
    /// Values are proportions shown as percentages.
    pub percent: bool,
}

/// One estimate row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultRow {
    /// Values of the grouping dimensions, aligned with [`ResultTable::group_by`].
    pub group: Vec<String>,
    /// Period id, when the measure belongs to one.
    pub period: Option<String>,
    /// Measure id (actor, class, index, option …).
    pub measure: String,
    /// Measure label.
    pub measure_label: String,
    /// Actor class of the measure, if any.
    pub class: Option<ActorClass>,
    /// `mean`, `share`, `elected_mean`, `official_mean`, `elected_share`.
    pub statistic: String,
    /// The estimate.
    pub estimate: Estimate,
}

/// A typed result table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultTable {
    /// Analysis.
    pub analysis: AnalysisKind,
    /// File stem (analysis id plus grouping).
    pub id: String,
    /// Title.
    pub title: String,
    /// Report figure it corresponds to.
    pub figure: String,
    /// Computed from synthetic data.
    pub synthetic: bool,
    /// Instrument id@version.
    pub instrument: String,
    /// Grouping dimensions.
    pub group_by: Vec<Dimension>,
    /// Roles included (empty = all).
    pub roles: Vec<String>,
    /// Resamples.
    pub resamples: usize,
    /// Seed.
    pub seed: u64,
    /// Confidence level.
    pub confidence: f64,
    /// Small-n threshold.
    pub small_n: usize,
    /// Publication minimum n, if any.
    pub publication_min_n: Option<usize>,
    /// Aggregation used for classes.
    pub class_aggregate: ClassAggregate,
    /// How the intervals were computed.
    #[serde(default)]
    pub interval: IntervalMethod,
    /// Value scale.
    pub scale: ScaleSpec,
    /// Notes on definitions.
    pub notes: Vec<String>,
    /// Rows.
    pub rows: Vec<ResultRow>,
}

// ---------------------------------------------------------------------------------------------

struct Measure<'a> {
    period: Option<usize>,
    key: String,
    label: String,
    class: Option<ActorClass>,
    values: Values<'a>,
}

/// A measure's value per respondent (NaN = missing): computed up front, or read when needed for
/// measures that are a lookup in the dataset (frequency, nature) — 8 bytes × respondents less per
/// measure (15 MB for the 38 frequency measures of 50,000 respondents).
enum Values<'a> {
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

struct Groups {
    keys: Vec<Vec<String>>,
    members: Vec<Vec<u32>>,
}

const NONE: &str = "(none)";

fn rank(dim: Dimension, v: &str) -> usize {
    let order: &[&str] = match dim {
        Dimension::Size => &["rural_area", "small_town", "medium_town", "large_city"],
        Dimension::Orientation | Dimension::Affiliation => &["progressive", "conservative", "mixed"],
        Dimension::Typology => &["revitalising", "marginal", "in_transition", "left_behind"],
        Dimension::Role => &["elected_policymaker", "local_official"],
        Dimension::Country => &[],
    };
    if v == NONE {
        return usize::MAX;
    }
    order.iter().position(|o| *o == v).unwrap_or(order.len())
}

struct Ctx<'a> {
    ds: &'a Dataset,
    ins: &'a Instrument,
    cfg: &'a AnalysisConfig,
    included: Vec<bool>,
    synthetic: bool,
    loc_of: Vec<Option<&'a LocalityInfo>>,
    /// Each respondent's locality as an index (the clusters of the intervals).
    cluster_of: Vec<u32>,
}

impl<'a> Ctx<'a> {
    fn new(ds: &'a Dataset, ins: &'a Instrument, locs: &'a [LocalityInfo], cfg: &'a AnalysisConfig) -> Result<Ctx<'a>, AnalysisError> {
        let by_id: HashMap<&str, &LocalityInfo> = locs.iter().map(|l| (l.id.as_str(), l)).collect();
        let mut roles = Vec::new();
        for r in &cfg.roles {
            roles.push(ins.role_index(r).ok_or_else(|| AnalysisError::UnknownRole {
                value: r.clone(),
                expected: ins.roles.iter().map(|x| x.id.as_str()).collect::<Vec<_>>().join(", "),
            })?);
        }
        if !(0.0..1.0).contains(&cfg.confidence) || cfg.confidence <= 0.0 {
            return Err(AnalysisError::InvalidSetting(format!("confidence {} must lie strictly between 0 and 1", cfg.confidence)));
        }
        // The report's population unless every role is asked for (or roles are named).
        if roles.is_empty() && !cfg.all_roles {
            roles = REPORT_ROLES.iter().filter_map(|r| ins.role_index(r)).collect();
        }
        let included: Vec<bool> = ds.respondents.iter().map(|r| roles.is_empty() || roles.contains(&r.role)).collect();
        let mut interned: HashMap<&str, u32> = HashMap::new();
        let cluster_of: Vec<u32> = ds.respondents.iter().map(|r| {
            let k = interned.len() as u32;
            *interned.entry(r.locality.as_str()).or_insert(k)
        }).collect();
        let loc_of: Vec<Option<&LocalityInfo>> = ds.respondents.iter().map(|r| by_id.get(r.locality.as_str()).copied()).collect();
        let synthetic = ds.synthetic
            || loc_of
                .iter()
                .zip(&included)
                .any(|(l, inc)| *inc && l.is_some_and(|l| l.synthetic));
        Ok(Ctx { ds, ins, cfg, included, synthetic, loc_of, cluster_of })
    }

    fn settings(&self) -> EstimateSettings {
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
        let resp = &self.ds.respondents[r];
        let loc = self.loc_of[r];
        let v = match d {
            Dimension::Size => loc.and_then(|l| l.size_class.clone()),
            Dimension::Orientation => loc.and_then(|l| l.orientation.clone()),
            Dimension::Typology => loc.and_then(|l| l.typology.clone()),
            Dimension::Country => loc.and_then(|l| l.country.clone()),
            Dimension::Role => Some(self.ins.roles[resp.role].id.clone()),
            Dimension::Affiliation => resp.affiliation.map(|a| self.ins.affiliations[a].id.clone()),
        };
        v.filter(|s| !s.is_empty()).unwrap_or_else(|| NONE.to_string())
    }

    fn groups(&self, dims: &[Dimension]) -> Groups {
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
            let attrs = (self.loc_of[r].map_or(usize::MAX, |l| l as *const LocalityInfo as usize), resp.role, resp.affiliation.unwrap_or(usize::MAX));
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
            let ka: Vec<(usize, &String)> = dims.iter().zip(&keys[a]).map(|(d, v)| (rank(*d, v), v)).collect();
            let kb: Vec<(usize, &String)> = dims.iter().zip(&keys[b]).map(|(d, v)| (rank(*d, v), v)).collect();
            ka.cmp(&kb)
        });
        Groups {
            keys: order.iter().map(|&i| keys[i].clone()).collect(),
            members: order.iter().map(|&i| std::mem::take(&mut members[i])).collect(),
        }
    }

    fn periods(&self) -> Result<Vec<usize>, AnalysisError> {
        match &self.cfg.periods {
            None => Ok((0..self.ins.periods.len()).collect()),
            Some(ps) => ps
                .iter()
                .map(|p| {
                    self.ins.period_index(p).ok_or_else(|| AnalysisError::UnknownPeriod {
                        value: p.clone(),
                        expected: self.ins.periods.iter().map(|x| x.id.as_str()).collect::<Vec<_>>().join(", "),
                    })
                })
                .collect(),
        }
    }

    /// Aggregate of one class for one respondent and period: sum or mean of answered items, NaN
    /// when none answered.
    fn class_value(&self, r: usize, p: usize, actors: &[usize]) -> f64 {
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

    fn rows_for(&self, analysis: &str, measures: &[Measure], groups: &Groups, statistic: &str) -> Vec<ResultRow> {
        let st = self.settings();
        let jobs: Vec<(usize, usize)> = (0..measures.len()).flat_map(|m| (0..groups.keys.len()).map(move |g| (m, g))).collect();
        jobs.par_iter()
            .map(|&(m, g)| {
                let me = &measures[m];
                let vals: Vec<f64> = groups.members[g].iter().map(|&r| me.values.get(r as usize)).collect();
                let locs: Vec<u32> = groups.members[g].iter().map(|&r| self.cluster_of[r as usize]).collect();
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

    fn per_respondent(&self, f: impl Fn(usize) -> f64 + Sync) -> Values<'a> {
        Values::Dense((0..self.ds.len()).into_par_iter().map(|r| if self.included[r] { f(r) } else { f64::NAN }).collect())
    }

    /// A measure read from the dataset when needed. Only group members (included respondents)
    /// are ever read, so no inclusion test is needed.
    fn lookup(&self, f: impl Fn(usize) -> f64 + Sync + 'a) -> Values<'a> {
        Values::Lookup(Box::new(f))
    }
}

fn freq_scale(ins: &Instrument, title: &str) -> ScaleSpec {
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

fn numeric_scale(title: &str, min: f64, max: f64) -> ScaleSpec {
    ScaleSpec { title: title.to_string(), min, max, ticks: Vec::new(), fit_to_data: true, percent: false }
}

fn share_scale(title: &str) -> ScaleSpec {
    ScaleSpec { title: title.to_string(), min: 0.0, max: 1.0, ticks: Vec::new(), fit_to_data: false, percent: true }
}

/// Run one analysis.
pub fn analyze(
    kind: AnalysisKind,
    ds: &Dataset,
    ins: &Instrument,
    locs: &[LocalityInfo],
    cfg: &AnalysisConfig,
) -> Result<ResultTable, AnalysisError> {
    let cx = Ctx::new(ds, ins, locs, cfg)?;
    let periods = cx.periods()?;
    let classes = ins.classes();
    let class_actors: Vec<Vec<usize>> = classes.iter().map(|c| ins.actors_of(*c)).collect();
    let agg_word = match cfg.class_aggregate {
        ClassAggregate::Sum => "sum",
        ClassAggregate::Mean => "mean",
    };
    let first = 0;
    let last = ins.periods.len() - 1;
    let mut notes = Vec::new();
    let mut group_by = cfg.group_by.clone();
    let (rows, scale) = match kind {
        AnalysisKind::Frequency => {
            let mut ms = Vec::new();
            for &p in &periods {
                for (a, act) in ins.actors.iter().enumerate() {
                    ms.push(Measure {
                        period: Some(p),
                        key: act.id.clone(),
                        label: act.label.clone(),
                        class: Some(act.class),
                        values: cx.lookup(move |r| ds.freq(r, p, a).map_or(f64::NAN, f64::from)),
                    });
                }
            }
            notes.push("Mean of answered frequencies; missing answers are excluded, never counted as 0.".into());
            (cx.rows_for(kind.id(), &ms, &cx.groups(&group_by), "mean"), freq_scale(ins, "Frequency of interactions"))
        }
        AnalysisKind::ClassAggregates => {
            let mut ms = Vec::new();
            for &p in &periods {
                for (ci, c) in classes.iter().enumerate() {
                    let acts = &class_actors[ci];
                    ms.push(Measure {
                        period: Some(p),
                        key: c.id().to_string(),
                        label: c.label().to_string(),
                        class: Some(*c),
                        values: cx.per_respondent(|r| cx.class_value(r, p, acts)),
                    });
                }
            }
            notes.push(format!(
                "Per respondent, the {agg_word} of the answered frequencies of the class's actors (missing when none answered), then averaged over respondents."
            ));
            let scale = match cfg.class_aggregate {
                ClassAggregate::Mean => freq_scale(ins, "Mean frequency of interactions in the class"),
                ClassAggregate::Sum => numeric_scale("Sum of frequency scores of the class's actors", 0.0, ins.frequency.max as f64),
            };
            (cx.rows_for(kind.id(), &ms, &cx.groups(&group_by), "mean"), scale)
        }
        AnalysisKind::Change => {
            let mut ms = Vec::new();
            for (a, act) in ins.actors.iter().enumerate() {
                ms.push(Measure {
                    period: None,
                    key: act.id.clone(),
                    label: act.label.clone(),
                    class: Some(act.class),
                    values: cx.per_respondent(|r| match (ds.freq(r, first, a), ds.freq(r, last, a)) {
                        (Some(x), Some(y)) => y as f64 - x as f64,
                        _ => f64::NAN,
                    }),
                });
            }
            for (ci, c) in classes.iter().enumerate() {
                let acts = &class_actors[ci];
                let mean = cfg.class_aggregate == ClassAggregate::Mean;
                ms.push(Measure {
                    period: None,
                    key: c.id().to_string(),
                    label: c.label().to_string(),
                    class: Some(*c),
                    values: cx.per_respondent(|r| {
                        let (mut s, mut k) = (0i32, 0i32);
                        for &a in acts {
                            if let (Some(x), Some(y)) = (ds.freq(r, first, a), ds.freq(r, last, a)) {
                                s += y as i32 - x as i32;
                                k += 1;
                            }
                        }
                        if k == 0 { f64::NAN } else if mean { s as f64 / k as f64 } else { s as f64 }
                    }),
                });
            }
            notes.push(format!(
                "Change = {} − {} per respondent and actor, only where both periods are answered; class rows use the {agg_word} over the class's actors answered in both periods; then averaged over respondents.",
                ins.periods[last].id, ins.periods[first].id
            ));
            let mut s = numeric_scale(&format!("Change in frequency ({} − {})", ins.periods[last].label, ins.periods[first].label), -1.0, 1.0);
            s.ticks = Vec::new();
            (cx.rows_for(kind.id(), &ms, &cx.groups(&group_by), "mean"), s)
        }
        AnalysisKind::Nature => {
            let mut ms = Vec::new();
            for &p in &periods {
                for (a, act) in ins.actors.iter().enumerate() {
                    ms.push(Measure {
                        period: Some(p),
                        key: act.id.clone(),
                        label: act.label.clone(),
                        class: Some(act.class),
                        values: cx.lookup(move |r| ds.nature(r, p, a).map_or(f64::NAN, f64::from)),
                    });
                }
                for (ci, c) in classes.iter().enumerate() {
                    let acts = &class_actors[ci];
                    ms.push(Measure {
                        period: Some(p),
                        key: c.id().to_string(),
                        label: c.label().to_string(),
                        class: Some(*c),
                        values: cx.per_respondent(|r| {
                            let (mut s, mut k) = (0i32, 0i32);
                            for &a in acts {
                                if let Some(v) = ds.nature(r, p, a) {
                                    s += v as i32;
                                    k += 1;
                                }
                            }
                            if k == 0 { f64::NAN } else { s as f64 / k as f64 }
                        }),
                    });
                }
            }
            notes.push("Nature as reported: answered value + offset (1..5 → −2..+2). Class rows: mean per respondent over the class's answered actors.".into());
            let off = ins.nature.reported_offset;
            let scale = ScaleSpec {
                title: "Nature of interactions".into(),
                min: (ins.nature.answered_min + off) as f64,
                max: (ins.nature.answered_max + off) as f64,
                ticks: ins
                    .nature
                    .labels
                    .iter()
                    .map(|l| Tick { value: (l.value + off) as f64, label: format!("{:+} {}", l.value + off, l.short.clone().unwrap_or_else(|| l.label.clone())) })
                    .collect(),
                fit_to_data: false,
                percent: false,
            };
            (cx.rows_for(kind.id(), &ms, &cx.groups(&group_by), "mean"), scale)
        }
        AnalysisKind::Lead => {
            group_by.retain(|d| *d != Dimension::Role);
            notes.push("Per respondent class aggregate; elected_mean and official_mean average it over elected policymakers and officials; elected_share = elected_mean / (elected_mean + official_mean). Resampling is stratified by side.".into());
            (lead_rows(&cx, &periods, &classes, &class_actors, &group_by), share_scale("Elected policymakers' share (50% = balanced)"))
        }
        AnalysisKind::Indexes => {
            let idx = respondent_indexes(ds, ins);
            let mut ms = Vec::new();
            let names = [
                ("index1", format!("Index 1: sum of all interactions, {}", ins.periods[first].label)),
                ("index2", format!("Index 2: sum of all interactions, {}", ins.periods[last].label)),
                ("index3", "Index 3 = Index 1 + Index 2".to_string()),
                ("index4", "Index 4 = Index 2 − Index 1, over the items answered in both periods".to_string()),
            ];
            for (k, (key, label)) in names.into_iter().enumerate() {
                ms.push(Measure {
                    period: None,
                    key: key.into(),
                    label,
                    class: None,
                    values: cx.per_respondent(|r| {
                        let x = &idx[r];
                        [x.index1, x.index2, x.index3, x.index4][k].unwrap_or(f64::NAN)
                    }),
                });
            }
            for (ci, c) in classes.iter().enumerate() {
                ms.push(Measure {
                    period: None,
                    key: format!("index3_{}", c.id()),
                    label: format!("Index 3 part: {}", c.label()),
                    class: Some(*c),
                    values: cx.per_respondent(|r| idx[r].index3_parts.get(ci).copied().flatten().unwrap_or(f64::NAN)),
                });
            }
            notes.push(format!(
                "Index 1/2: per respondent, sum of answered frequencies over all actors in {} / {} (missing if none answered). Index 3 = Index 1 + Index 2 and Index 4 = Index 2 − Index 1 (missing if either is). Index 3 parts sum the class's answers in both periods and add up to Index 3.",
                ins.periods[first].id, ins.periods[last].id
            ));
            (cx.rows_for(kind.id(), &ms, &cx.groups(&group_by), "mean"), numeric_scale("Index score (sum of frequency scores)", 0.0, 10.0))
        }
        AnalysisKind::Attitudes => {
            let mut ms = Vec::new();
            let mut scale = None;
            for (i, it) in ins.perceptions.iter().enumerate().filter(|(_, it)| it.kind == PerceptionKind::Scale) {
                ms.push(Measure {
                    period: None,
                    key: it.id.clone(),
                    label: it.label.clone(),
                    class: None,
                    values: cx.per_respondent(|r| match ds.perception(r, i) {
                        Some(PerceptionAnswer::Scale(v)) => *v as f64,
                        _ => f64::NAN,
                    }),
                });
                if scale.is_none() {
                    scale = Some(ScaleSpec {
                        title: it.label.clone(),
                        min: it.min.unwrap_or(1) as f64,
                        max: it.max.unwrap_or(5) as f64,
                        ticks: it.labels.iter().map(|l| Tick { value: l.value as f64, label: format!("{} {}", l.value, l.short.clone().unwrap_or_else(|| l.label.clone())) }).collect(),
                        fit_to_data: false,
                        percent: false,
                    });
                }
            }
            notes.push("Mean of the answered scale values.".into());
            (cx.rows_for(kind.id(), &ms, &cx.groups(&group_by), "mean"), scale.unwrap_or_else(|| numeric_scale("Scale", 1.0, 5.0)))
        }
        AnalysisKind::Responsibility | AnalysisKind::InformationSources => {
            let want = if kind == AnalysisKind::Responsibility { PerceptionKind::Choice } else { PerceptionKind::Multi };
            let mut ms = Vec::new();
            for (i, it) in ins.perceptions.iter().enumerate().filter(|(_, it)| it.kind == want) {
                for (o, opt) in it.options.iter().enumerate() {
                    ms.push(Measure {
                        period: None,
                        key: opt.id.clone(),
                        label: opt.label.clone(),
                        class: None,
                        values: cx.per_respondent(|r| match ds.perception(r, i) {
                            Some(PerceptionAnswer::Choice(c)) => f64::from(u8::from(*c == o)),
                            Some(PerceptionAnswer::Multi(v)) => f64::from(u8::from(v.contains(&o))),
                            _ => f64::NAN,
                        }),
                    });
                }
                if want == PerceptionKind::Multi {
                    for (flag, key, label) in [(true, "any_specialist", "Any specialist source"), (false, "only_non_specialist", "Only non-specialist sources")] {
                        if !it.options.iter().any(|o| o.specialist.is_some()) {
                            continue;
                        }
                        let spec: Vec<bool> = it.options.iter().map(|o| o.specialist == Some(true)).collect();
                        ms.push(Measure {
                            period: None,
                            key: key.into(),
                            label: label.into(),
                            class: None,
                            values: cx.per_respondent(|r| match ds.perception(r, i) {
                                Some(PerceptionAnswer::Multi(v)) => {
                                    let any_spec = v.iter().any(|&o| spec[o]);
                                    if flag { f64::from(u8::from(any_spec)) } else { f64::from(u8::from(!any_spec && !v.is_empty())) }
                                }
                                _ => f64::NAN,
                            }),
                        });
                    }
                }
            }
            notes.push("Share of respondents who answered the item and chose the option (multi-choice items: any number of options).".into());
            (cx.rows_for(kind.id(), &ms, &cx.groups(&group_by), "share"), share_scale("Share of respondents"))
        }
    };
    let mut id = kind.id().to_string();
    if !group_by.is_empty() {
        id.push_str("_by_");
        id.push_str(&group_by.iter().map(|d| d.id()).collect::<Vec<_>>().join("_"));
    }
    if !cfg.roles.is_empty() {
        id.push_str("_roles_");
        id.push_str(&cfg.roles.join("_"));
    }
    if cfg.periods.is_some() && !matches!(kind, AnalysisKind::Change | AnalysisKind::Indexes | AnalysisKind::Attitudes | AnalysisKind::Responsibility | AnalysisKind::InformationSources) {
        id.push('_');
        id.push_str(&periods.iter().map(|&p| ins.periods[p].id.as_str()).collect::<Vec<_>>().join("_"));
    }
    // Localities whose grouping attribute had several statements: which value was used, and why.
    let mut chosen: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for (r, l) in cx.loc_of.iter().enumerate() {
        let Some(l) = l else { continue };
        if !cx.included[r] {
            continue;
        }
        for d in &group_by {
            let attr = match d {
                Dimension::Size => "size_class",
                Dimension::Orientation => "orientation",
                Dimension::Typology => "typology",
                _ => continue,
            };
            for (a, why) in &l.choices {
                if a == attr {
                    // Survey output never names the localities behind it: only how the choice
                    // was made, counted per locality.
                    let rule = if why.contains("in force at the fieldwork") { "the statement in force at the fieldwork" } else if why.contains("report's table") { "the report's own classification table" } else { "grouped apart as ambiguous (the statements disagree and the report does not decide)" };
                    chosen.insert(format!("{}\u{1f}{attr}\u{1f}{rule}", l.id));
                }
            }
        }
    }
    if !chosen.is_empty() {
        let mut counts: std::collections::BTreeMap<(String, String), usize> = std::collections::BTreeMap::new();
        for c in &chosen {
            let mut it = c.split('\u{1f}').skip(1);
            *counts.entry((it.next().unwrap_or("").to_string(), it.next().unwrap_or("").to_string())).or_default() += 1;
        }
        notes.push(format!(
            "Localities with several statements of a grouping attribute (never the first taken silently): {}.",
            counts.iter().map(|((a, rule), n)| format!("{n} by {rule} for {}", a.replace('_', " "))).collect::<Vec<_>>().join("; ")
        ));
    }
    // Operationalisations the report does not state (docs/survey.md, "ASSUMED"), beside the
    // figures they affect.
    const ACTORS: &str = "ASSUMED: the actors asked about are the instrument's list (nine horizontal ones among them): the report names actor categories, not its item list; 'other local governments' are a class of their own (the report counts them with vertical interactions in Figure 3.6 panel b, apart in its footnote 6).";
    match kind {
        AnalysisKind::Frequency | AnalysisKind::ClassAggregates | AnalysisKind::Change => notes.push(ACTORS.into()),
        AnalysisKind::Nature => notes.push("ASSUMED: the nature of an interaction is asked for each period, and accepted even where its frequency is 0 (the report does not say).".into()),
        AnalysisKind::Lead => notes.push("ASSUMED: who takes the lead is read as elected policymakers' share of the two sides' mean interactions, elected / (elected + officials); the report describes it in words only. Its intervals resample respondents within each side (not localities).".into()),
        AnalysisKind::Indexes => notes.push("ASSUMED: Index 4 is computed over the items answered in both periods (it equals Index 2 − Index 1 when the same items are answered); an Index 3 part is missing for a class never answered, not 0; blanks never count as 0.".into()),
        _ => {}
    }
    // What every table says about its population and its intervals.
    let roles_used: Vec<String> = if !cfg.roles.is_empty() {
        cfg.roles.clone()
    } else if cfg.all_roles {
        Vec::new()
    } else {
        REPORT_ROLES.iter().filter(|r| ins.role_index(r).is_some()).map(|r| r.to_string()).collect()
    };
    notes.push(if cfg.roles.is_empty() && !cfg.all_roles {
        "Respondents: elected policymakers and local officials, the report's population (Part 3 of Whole-COMM D3.2); other stakeholders only with --all-roles.".to_string()
    } else if cfg.all_roles {
        "Respondents: every role, including stakeholders outside the report's population (elected policymakers and local officials).".to_string()
    } else {
        format!("Respondents: roles {}.", cfg.roles.join(", "))
    });
    if cfg.resamples > 0 {
        notes.push(format!("{}. Each estimate gives n (respondents) and the localities they come from; fewer than {FEW_LOCALITIES} localities is flagged, fewer than {} respondents too.", cfg.interval.describe(cfg.confidence), cfg.small_n));
    }
    if cfg.weighting == Weighting::Localities {
        notes.push("Localities weigh the same: each group mean is the mean of its localities' means.".into());
    }
    Ok(ResultTable {
        analysis: kind,
        id,
        title: kind.title().to_string(),
        figure: kind.figure().to_string(),
        synthetic: cx.synthetic,
        instrument: format!("{}@{}", ins.id, ins.version),
        group_by,
        roles: roles_used,
        resamples: cfg.resamples,
        seed: cfg.seed,
        confidence: cfg.confidence,
        small_n: cfg.small_n,
        publication_min_n: cfg.publication_min_n,
        class_aggregate: cfg.class_aggregate,
        interval: cfg.interval,
        scale,
        notes,
        rows,
    })
}

fn lead_rows(cx: &Ctx<'_>, periods: &[usize], classes: &[ActorClass], class_actors: &[Vec<usize>], dims: &[Dimension]) -> Vec<ResultRow> {
    let ins = cx.ins;
    let groups = cx.groups(dims);
    let st = cx.settings();
    let side: Vec<Option<LeadSide>> = cx.ds.respondents.iter().map(|r| ins.roles[r.role].lead).collect();
    let mut jobs = Vec::new();
    for &p in periods {
        for ci in 0..classes.len() {
            for g in 0..groups.keys.len() {
                jobs.push((p, ci, g));
            }
        }
    }
    let per_job: Vec<Vec<ResultRow>> = jobs
        .par_iter()
        .map(|&(p, ci, g)| {
            let mut e = Vec::new();
            let mut o = Vec::new();
            let (mut le, mut lo) = (std::collections::BTreeSet::new(), std::collections::BTreeSet::new());
            for &r in &groups.members[g] {
                let r = r as usize;
                let v = cx.class_value(r, p, &class_actors[ci]);
                match side[r] {
                    Some(LeadSide::Elected) => {
                        if !v.is_nan() { le.insert(cx.cluster_of[r]); }
                        e.push(v)
                    }
                    Some(LeadSide::Official) => {
                        if !v.is_nan() { lo.insert(cx.cluster_of[r]); }
                        o.push(v)
                    }
                    None => {}
                }
            }
            let both = le.intersection(&lo).count();
            let (se, so) = (Sample::new(e), Sample::new(o));
            let gk = groups.keys[g].join("\u{1f}");
            let c = classes[ci];
            let seed = derive_seed(cx.cfg.seed, &["lead", c.id(), &ins.periods[p].id, &gk]);
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            // Each side is resampled on its own (a side with answers keeps its interval even when
            // the other side is empty); the share needs both.
            let re = se.replicate_means(if se.n() > 0 { st.resamples } else { 0 }, &mut rng);
            let ro = so.replicate_means(if so.n() > 0 { st.resamples } else { 0 }, &mut rng);
            let share = |x: f64, y: f64| if x + y > 0.0 { x / (x + y) } else { f64::NAN };
            let share_reps: Vec<f64> = if se.n() > 0 && so.n() > 0 { re.iter().zip(&ro).map(|(x, y)| share(*x, *y)).collect() } else { Vec::new() };
            let point = match (se.mean, so.mean) {
                (Some(x), Some(y)) if x + y > 0.0 => Some(share(x, y)),
                _ => None,
            };
            let ci_e = percentile_interval(re, st.confidence);
            let ci_o = percentile_interval(ro, st.confidence);
            let ci_s = percentile_interval(share_reps, st.confidence);
            let mk = |stat: &str, est: Estimate| ResultRow {
                group: groups.keys[g].clone(),
                period: Some(ins.periods[p].id.clone()),
                measure: c.id().to_string(),
                measure_label: c.label().to_string(),
                class: Some(c),
                statistic: stat.to_string(),
                estimate: est,
            };
            // The share needs both sides: its n is the smaller side, so small-n flags and
            // suppression apply when either side is thin.
            vec![
                mk("elected_share", st.finish(se.n().min(so.n()), both, point, ci_s)),
                mk("elected_mean", st.finish(se.n(), le.len(), se.mean, ci_e)),
                mk("official_mean", st.finish(so.n(), lo.len(), so.mean, ci_o)),
            ]
        })
        .collect();
    per_job.into_iter().flatten().collect()
}

/// The summary indexes of one respondent (003 section 3.4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RespondentIndexes {
    /// Respondent id.
    pub respondent: String,
    /// Locality id.
    pub locality: String,
    /// Sum of answered frequencies in the first period (None when none answered).
    pub index1: Option<f64>,
    /// Sum of answered frequencies in the last period.
    pub index2: Option<f64>,
    /// Index 1 + Index 2.
    pub index3: Option<f64>,
    /// Index 2 − Index 1 over the items answered in both periods (ASSUMED: the report defines it
    /// as Index 2 − Index 1; pairing keeps missing answers in one period from moving it).
    pub index4: Option<f64>,
    /// Index 3 split by class (instrument class order); the classes answered sum to Index 3, a
    /// class never answered is missing (not 0).
    pub index3_parts: Vec<Option<f64>>,
}

/// Index 1–4 for every respondent.
///
/// Definitions (003 section 3.4): "Index1 = the sum of all the interactions of interviewees with
/// the actors listed in our survey for the time period 2017-2019; Index 2 = … 2020-2021; Index 3 =
/// Index 1 + Index 2; Index 4 = Index 2 − Index 1". The first and last periods of the instrument
/// play the roles of 2017–2019 and 2020–2021. Assumptions (ASSUMED, docs/survey.md): unanswered
/// items are left out of the sum (a blank is not a 0 answer); a period with no answered item makes
/// that index missing; Index 4 is computed over the items answered in both periods (with the
/// same items answered in both, it equals Index 2 − Index 1; otherwise a blank in one period would
/// read as a change of the whole answer); an Index 3 part is missing for a class never answered.
pub fn respondent_indexes(ds: &Dataset, ins: &Instrument) -> Vec<RespondentIndexes> {
    let classes = ins.classes();
    let (first, last) = (0, ins.periods.len() - 1);
    (0..ds.len())
        .into_par_iter()
        .map(|r| {
            let sum = |p: usize| {
                let row = ds.freq_row(r, p);
                let mut s = 0u32;
                let mut k = 0;
                for &v in row {
                    if v != u8::MAX {
                        s += v as u32;
                        k += 1;
                    }
                }
                (k > 0).then_some(s as f64)
            };
            let (i1, i2) = (sum(first), sum(last));
            let both = i1.is_some() && i2.is_some();
            // A class none of whose items was answered in either period is missing, not 0.
            let parts = classes
                .iter()
                .map(|c| {
                    if !both {
                        return None;
                    }
                    let answered: Vec<f64> = ins.actors_of(*c).iter().flat_map(|&a| [ds.freq(r, first, a), ds.freq(r, last, a)]).flatten().map(f64::from).collect();
                    (!answered.is_empty()).then(|| answered.iter().sum())
                })
                .collect();
            // Index 4 over the items answered in both periods: a blank in one period only would
            // otherwise count as a fall (or rise) of the whole answer.
            let paired: Vec<f64> = (0..ins.actors.len()).filter_map(|a| Some(f64::from(ds.freq(r, last, a)?) - f64::from(ds.freq(r, first, a)?))).collect();
            RespondentIndexes {
                respondent: ds.respondents[r].id.clone(),
                locality: ds.respondents[r].locality.clone(),
                index1: i1,
                index2: i2,
                index3: if both { Some(i1.unwrap_or(0.0) + i2.unwrap_or(0.0)) } else { None },
                index4: if both && !paired.is_empty() { Some(paired.iter().sum()) } else { None },
                index3_parts: parts,
            }
        })
        .collect()
}

/// One analysis of a standard report: the kind and its configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisSpec {
    /// Analysis.
    pub kind: AnalysisKind,
    /// Its configuration.
    pub config: AnalysisConfig,
}

/// The analyses behind the report's figures, with `base` supplying resamples, seed, thresholds.
pub fn standard_analyses(ins: &Instrument, base: &AnalysisConfig) -> Vec<AnalysisSpec> {
    use Dimension::*;
    let last = ins.periods.last().map(|p| p.id.clone());
    let spec = |kind, dims: Vec<Dimension>, periods: Option<Vec<String>>, roles: Vec<&str>| AnalysisSpec {
        kind,
        config: AnalysisConfig {
            group_by: dims,
            periods,
            roles: roles.into_iter().map(str::to_string).collect(),
            ..base.clone()
        },
    };
    let p_last = last.clone().map(|p| vec![p]);
    vec![
        spec(AnalysisKind::Frequency, vec![Size], p_last.clone(), vec![]),
        spec(AnalysisKind::ClassAggregates, vec![Size], p_last.clone(), vec![]),
        spec(AnalysisKind::Change, vec![Size], None, vec![]),
        spec(AnalysisKind::Nature, vec![Size], p_last.clone(), vec![]),
        spec(AnalysisKind::ClassAggregates, vec![Size, Orientation], p_last.clone(), vec!["elected_policymaker"]),
        spec(AnalysisKind::Lead, vec![Size, Orientation], p_last.clone(), vec![]),
        spec(AnalysisKind::ClassAggregates, vec![Size, Typology], p_last.clone(), vec![]),
        spec(AnalysisKind::Indexes, vec![Size], None, vec![]),
        spec(AnalysisKind::Indexes, vec![Size, Orientation], None, vec![]),
        spec(AnalysisKind::Indexes, vec![Size, Typology], None, vec![]),
        spec(AnalysisKind::Attitudes, vec![Orientation], None, vec![]),
        spec(AnalysisKind::Attitudes, vec![Size], None, vec![]),
        spec(AnalysisKind::Responsibility, vec![Role], None, vec![]),
        spec(AnalysisKind::InformationSources, vec![Size], None, vec![]),
    ]
}

/// Run several analyses in parallel (results in input order).
pub fn analyze_all(
    specs: &[AnalysisSpec],
    ds: &Dataset,
    ins: &Instrument,
    locs: &[LocalityInfo],
) -> Result<Vec<ResultTable>, AnalysisError> {
    analyze_all_progress(specs, ds, ins, locs, &|_, _| {})
}

/// [`analyze_all`], calling `done(k, spec)` as each analysis finishes (`k` analyses finished so
/// far, `spec` the one that just did; from the thread that ran it), for a progress display. The
/// results are the same, whatever the callback does and whatever the order analyses finish in.
pub fn analyze_all_progress(
    specs: &[AnalysisSpec],
    ds: &Dataset,
    ins: &Instrument,
    locs: &[LocalityInfo],
    done: &(dyn Fn(usize, &AnalysisSpec) + Sync),
) -> Result<Vec<ResultTable>, AnalysisError> {
    let finished = std::sync::atomic::AtomicUsize::new(0);
    specs
        .par_iter()
        .map(|s| {
            let t = analyze(s.kind, ds, ins, locs, &s.config);
            done(finished.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, s);
            t
        })
        .collect()
}
