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
//!
//! Layout (one file per analysis, as petgraph has one per algorithm): this file holds the public
//! types, the dispatcher [`analyze`] and the notes every table shares; `context` the machinery the
//! analyses share (population, groups, estimate rows, scales); `frequency`, `class_aggregates`,
//! `change`, `nature`, `lead`, `indexes`, `attitudes`, `responsibility` and `information_sources`
//! one analysis each.

mod attitudes;
mod change;
mod class_aggregates;
mod context;
mod frequency;
mod indexes;
mod information_sources;
mod lead;
mod nature;
mod responsibility;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::str::FromStr;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use crate::bootstrap::{Estimate, FEW_LOCALITIES, IntervalMethod, Weighting};
use crate::dataset::Dataset;
use crate::instrument::{ActorClass, Instrument};
pub(crate) use context::dimension_value;
use context::{Ctx, Part};
pub use indexes::{RespondentIndexes, respondent_indexes};

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
                return Err(AnalysisError::UnknownDimension { value: other.to_string() });
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
    #[error(
        "unknown grouping {value:?}; expected one of size, orientation, type, country, role, affiliation"
    )]
    UnknownDimension {
        /// Given value.
        value: String,
    },
    /// Unknown analysis name.
    #[error(
        "unknown analysis {value:?}; expected one of frequency, class_aggregates, change, nature, lead, indexes, attitudes, responsibility, information_sources"
    )]
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
    // The instrument's last period (validation requires at least one); the first is 0.
    let last = ins.periods.len() - 1;
    let group_by = if kind == AnalysisKind::Lead {
        lead::grouping(&cfg.group_by)
    } else {
        cfg.group_by.clone()
    };
    let part: Part = match kind {
        AnalysisKind::Frequency => frequency::compute(&cx, &periods, &group_by),
        AnalysisKind::ClassAggregates => class_aggregates::compute(&cx, &periods, &group_by),
        AnalysisKind::Change => change::compute(&cx, last, &group_by),
        AnalysisKind::Nature => nature::compute(&cx, &periods, &group_by),
        AnalysisKind::Lead => lead::compute(&cx, &periods, &group_by),
        AnalysisKind::Indexes => indexes::compute(&cx, last, &group_by),
        AnalysisKind::Attitudes => attitudes::compute(&cx, &group_by),
        AnalysisKind::Responsibility => responsibility::compute(&cx, &group_by),
        AnalysisKind::InformationSources => information_sources::compute(&cx, &group_by),
    };
    let id = table_id(kind, cfg, ins, &periods, &group_by);
    // The analysis's definition, how grouping attributes were chosen, what the report does not
    // state, then what every table says about its population and its intervals.
    let mut notes = vec![part.note];
    notes.extend(choice_note(&cx, &group_by));
    notes.extend(part.assumed.map(String::from));
    notes.extend(population_notes(cfg));
    Ok(ResultTable {
        analysis: kind,
        id,
        title: kind.title().to_string(),
        figure: kind.figure().to_string(),
        synthetic: cx.synthetic,
        instrument: format!("{}@{}", ins.id, ins.version),
        group_by,
        roles: roles_used(cfg, ins),
        resamples: cfg.resamples,
        seed: cfg.seed,
        confidence: cfg.confidence,
        small_n: cfg.small_n,
        publication_min_n: cfg.publication_min_n,
        class_aggregate: cfg.class_aggregate,
        interval: cfg.interval,
        scale: part.scale,
        notes,
        rows: part.rows,
    })
}

/// The table's file stem: analysis id, grouping, roles and (for analyses by period) the periods.
fn table_id(
    kind: AnalysisKind,
    cfg: &AnalysisConfig,
    ins: &Instrument,
    periods: &[usize],
    group_by: &[Dimension],
) -> String {
    let mut id = kind.id().to_string();
    if !group_by.is_empty() {
        id.push_str("_by_");
        id.push_str(&group_by.iter().map(|d| d.id()).collect::<Vec<_>>().join("_"));
    }
    if !cfg.roles.is_empty() {
        id.push_str("_roles_");
        id.push_str(&cfg.roles.join("_"));
    }
    if cfg.periods.is_some()
        && !matches!(
            kind,
            AnalysisKind::Change
                | AnalysisKind::Indexes
                | AnalysisKind::Attitudes
                | AnalysisKind::Responsibility
                | AnalysisKind::InformationSources
        )
    {
        id.push('_');
        id.push_str(
            &periods.iter().map(|&p| ins.periods[p].id.as_str()).collect::<Vec<_>>().join("_"),
        );
    }
    id
}

/// Localities whose grouping attribute had several statements: which value was used, and why.
fn choice_note(cx: &Ctx<'_>, group_by: &[Dimension]) -> Option<String> {
    let mut chosen: BTreeSet<String> = BTreeSet::new();
    for (r, l) in cx.loc_of.iter().enumerate() {
        let Some(l) = l else { continue };
        if !cx.included[r] {
            continue;
        }
        for d in group_by {
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
                    let rule = if why.contains("in force at the fieldwork") {
                        "the statement in force at the fieldwork"
                    } else if why.contains("report's table") {
                        "the report's own classification table"
                    } else {
                        "grouped apart as ambiguous (the statements disagree and the report does not decide)"
                    };
                    chosen.insert(format!("{}\u{1f}{attr}\u{1f}{rule}", l.id));
                }
            }
        }
    }
    if chosen.is_empty() {
        return None;
    }
    let mut counts: BTreeMap<(String, String), usize> = BTreeMap::new();
    for c in &chosen {
        let mut it = c.split('\u{1f}').skip(1);
        *counts
            .entry((it.next().unwrap_or("").to_string(), it.next().unwrap_or("").to_string()))
            .or_default() += 1;
    }
    Some(format!(
        "Localities with several statements of a grouping attribute (never the first taken silently): {}.",
        counts
            .iter()
            .map(|((a, rule), n)| format!("{n} by {rule} for {}", a.replace('_', " ")))
            .collect::<Vec<_>>()
            .join("; ")
    ))
}

/// The roles a table reports (empty = every role).
fn roles_used(cfg: &AnalysisConfig, ins: &Instrument) -> Vec<String> {
    if !cfg.roles.is_empty() {
        cfg.roles.clone()
    } else if cfg.all_roles {
        Vec::new()
    } else {
        REPORT_ROLES.iter().filter(|r| ins.role_index(r).is_some()).map(|r| r.to_string()).collect()
    }
}

/// What every table says about its population, its intervals and its weighting.
fn population_notes(cfg: &AnalysisConfig) -> Vec<String> {
    let mut notes = vec![if cfg.roles.is_empty() && !cfg.all_roles {
        "Respondents: elected policymakers and local officials, the report's population (Part 3 of Whole-COMM D3.2); other stakeholders only with --all-roles.".to_string()
    } else if cfg.all_roles {
        "Respondents: every role, including stakeholders outside the report's population (elected policymakers and local officials).".to_string()
    } else {
        format!("Respondents: roles {}.", cfg.roles.join(", "))
    }];
    if cfg.resamples > 0 {
        notes.push(format!("{}. Each estimate gives n (respondents) and the localities they come from; fewer than {FEW_LOCALITIES} localities is flagged, fewer than {} respondents too.", cfg.interval.describe(cfg.confidence), cfg.small_n));
    }
    if cfg.weighting == Weighting::Localities {
        notes.push(
            "Localities weigh the same: each group mean is the mean of its localities' means."
                .into(),
        );
    }
    notes
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
    let spec =
        |kind, dims: Vec<Dimension>, periods: Option<Vec<String>>, roles: Vec<&str>| AnalysisSpec {
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
        spec(
            AnalysisKind::ClassAggregates,
            vec![Size, Orientation],
            p_last.clone(),
            vec!["elected_policymaker"],
        ),
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
