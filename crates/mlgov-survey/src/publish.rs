//! What viewers and the public may see of a survey: the standard analyses with every cell below
//! `k` respondents suppressed, and choice tables whose categories come from the instrument, each
//! published cell with the respondents behind it (for the release rule of
//! `mlgov_disclosure::release`). Pure.
//!
//! # Numeric tables
//! [`standard_analyses`] run by [`analyze_all`] (the same path as the report) in publication mode.
//! Analyses whose statistic is a share of respondents choosing an option (`responsibility`,
//! `information_sources`) are not published as shares — a share with its n is a count — but as
//! the protected choice tables below. In a published table:
//! * a group (e.g. `medium_town`) appears only when at least `k` respondents fall in it; a group
//!   with 1 … k−1 respondents is left out, like an empty one, so its absence says only "fewer
//!   than k";
//! * a cell (group × period × measure × statistic) with fewer than `k` respondents behind it —
//!   zero included — has `n`, `mean` and interval `null`; the `lead` share counts as resting on
//!   both sides, so it is published only when each side has `k`.
//!
//! # Linked tables
//! The tables of one publication group the same respondents in nested and crossed ways (Index 3
//! by size, by size × orientation and by size × typology; every grouping adds up to everyone), so
//! a cell hidden in one table could be the difference of cells published in others. Every cell of
//! every numeric table — those of groups left out included — is therefore passed, with the
//! respondents behind it, to [`mlgov_disclosure::protect_linked`], which suppresses further cells
//! until no hidden cell with 1 … k−1 respondents has an `n` or an `n × mean` that is a linear
//! combination of published ones. Cells are linked by *family*: all cells whose respondents are
//! "those with a value for the same thing" (one actor's frequency in one period; one class in
//! one period — class aggregates and the lead's elected and official means alike; one actor's or
//! class's change; one nature measure; Index 1; Index 2; Index 3, 4 and the parts of Index 3, which
//! need both periods; one attitude item), whatever the table, grouping or roles. A lead
//! `elected_share` is published only when both its means are (it is their ratio). The same rule
//! is [`protect_linked_tables`], for tables computed elsewhere in publication mode
//! (`mlgov survey analyze|report --min-n`). Not covered: identities across families (a class sum
//! is the sum of its actors' frequencies), counts of families whose respondents coincide only in
//! the data, and figures published apart (see docs/security.md).
//!
//! # Choice tables
//! `role`, `affiliation`, every single-choice perception item (one row: its options and the
//! total of respondents who answered) and every option of a multi-choice item (`named` / `not
//! named`). Every option of the instrument is listed whether or not anybody chose it, and a
//! suppressed count is `null` with no status. Counts are protected by
//! [`mlgov_disclosure::protect`] with `protect_zeros` on, whatever the caller's rules say: with
//! zeros published, a `0` beside a `null` would say that the `null` holds someone. Primary
//! suppression then hides 0 … k−1 alike, and complementary suppression keeps a suppressed count
//! from being the total minus the published ones. One more case remains: non-negativity. When the
//! total is published, the suppressed counts of a row add up to `S` = total − published counts,
//! and each lies in `0 … S`. With `S = 0` a reader knows that every suppressed option was chosen
//! by nobody; with `0 < S < k` that they hold at most `S` people between them. [`publish`]
//! therefore also suppresses the smallest published count until `S ≥ k` (or nothing is left to
//! suppress): then `0 … S` contains `0 … k−1`, and a suppressed option cannot be told apart from
//! one nobody chose, one person chose, or (complementary) many chose. A total below `k`
//! is suppressed, and then every count is (each is at most the total).
//!
//! # Cell members
//! Each published cell lists the respondents behind it, computed here from the analyses'
//! documented definitions (docs/survey.md §3: who has a value for the measure) and checked
//! against the analysis' own `n` for every cell: a mismatch is an [`PublishError::Inconsistent`]
//! error, never a silently wrong release rule.

use std::collections::{BTreeMap, HashMap};

use mlgov_disclosure::{
    CellStatus, CountTable, LinkedCell, ReleaseCells, Rules, protect, protect_linked,
};
use serde::{Deserialize, Serialize};

use crate::analysis::{
    AnalysisConfig, AnalysisError, AnalysisKind, Dimension, LocalityInfo, ResultTable, ScaleSpec,
    analyze_all, standard_analyses,
};
use crate::dataset::{Dataset, PerceptionAnswer};
use crate::instrument::{ActorClass, Instrument, LeadSide, PerceptionKind};

/// Name of the published format (in [`PublishedFigures::format`]).
pub const PUBLISHED_FORMAT: &str = "mlgov-survey-figures";
/// Version of the published format.
pub const PUBLISHED_FORMAT_VERSION: u32 = 1;

/// Figures and their cell members.
#[derive(Debug, Clone, PartialEq)]
pub struct Publication {
    /// What may be shown to viewers and the public.
    pub content: PublishedFigures,
    /// Internal: the respondents behind every published cell. Never shown.
    pub cell_members: ReleaseCells,
}

/// The published figures of a survey (serialised as the release's content).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedFigures {
    /// [`PUBLISHED_FORMAT`].
    pub format: String,
    /// [`PUBLISHED_FORMAT_VERSION`].
    pub format_version: u32,
    /// `instrument_id@version`.
    pub instrument: String,
    /// Whether the answers are synthetic.
    pub synthetic: bool,
    /// Minimum cell size `k` applied.
    pub min_cell: u64,
    /// Number of respondents (`null` below `k`).
    pub respondents: Option<u64>,
    /// Numeric tables of the standard analyses.
    pub tables: Vec<PublishedTable>,
    /// Protected choice tables.
    pub choices: Vec<PublishedChoice>,
}

/// One numeric table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedTable {
    /// Table id (as in the report, e.g. `frequency_by_size_p2`).
    pub id: String,
    /// Analysis.
    pub analysis: AnalysisKind,
    /// Title.
    pub title: String,
    /// Report figure.
    pub figure: String,
    /// Grouping dimensions.
    pub group_by: Vec<Dimension>,
    /// Roles included (empty = all).
    pub roles: Vec<String>,
    /// Bootstrap resamples behind the intervals.
    pub resamples: usize,
    /// Interval level.
    pub confidence: f64,
    /// Value axis.
    pub scale: ScaleSpec,
    /// Method notes.
    pub notes: Vec<String>,
    /// Class aggregate (absent in releases made before issue 16, which used sums).
    #[serde(default)]
    pub class_aggregate: Option<crate::analysis::ClassAggregate>,
    /// How the intervals were computed (absent in releases made before issue 16: respondent
    /// bootstrap).
    #[serde(default)]
    pub interval: Option<crate::bootstrap::IntervalMethod>,
    /// Rows of groups with at least `k` respondents.
    pub rows: Vec<PublishedRow>,
}

/// One cell of a numeric table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedRow {
    /// Group values (one per dimension).
    pub group: Vec<String>,
    /// Period id.
    pub period: Option<String>,
    /// Measure (actor, class, index or item id).
    pub measure: String,
    /// Measure label.
    pub measure_label: String,
    /// Actor class.
    pub class: Option<ActorClass>,
    /// Statistic (`mean`, `elected_share`, …).
    pub statistic: String,
    /// Respondents behind the cell (`null` when suppressed).
    pub n: Option<u64>,
    /// Localities they come from (`null` when suppressed, and in releases made before issue 16).
    #[serde(default)]
    pub localities: Option<u64>,
    /// Estimate (`null` when suppressed).
    pub mean: Option<f64>,
    /// Interval bounds (`null` when suppressed or without resamples).
    pub ci_low: Option<f64>,
    /// Upper bound.
    pub ci_high: Option<f64>,
}

/// One protected choice table (one row of options and its total).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublishedChoice {
    /// Item (`role`, `affiliation`, a perception id, or `<multi item>:<option>`).
    pub item: String,
    /// Label.
    pub label: String,
    /// Every option of the instrument, in its order.
    pub options: Vec<PublishedOption>,
    /// Respondents who answered the item (`null` when suppressed).
    pub total: Option<u64>,
}

/// One option of a choice table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = SurveyOptionOut))]
pub struct PublishedOption {
    /// Option id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Respondents who chose it (`null` when suppressed: 0 … k−1, or hidden to protect another).
    pub count: Option<u64>,
}

/// Why figures could not be published.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PublishError {
    /// An analysis failed.
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
    /// The respondents found behind a cell disagree with the analysis' n (a bug).
    #[error(
        "internal error: cell {cell:?} of table {table}: the analysis counts {expected} respondents, the release rule found {found}"
    )]
    Inconsistent {
        /// Table id.
        table: String,
        /// Cell key.
        cell: String,
        /// n of the analysis.
        expected: usize,
        /// Members found.
        found: usize,
    },
}

/// The key of a numeric cell in [`Publication::cell_members`].
pub fn cell_key(
    table: &str,
    group: &[String],
    period: Option<&str>,
    measure: &str,
    statistic: &str,
) -> String {
    format!("{table}|{}|{}|{measure}|{statistic}", group.join(","), period.unwrap_or(""))
}

/// The key of a choice cell (`option` = `None` for the item's total).
pub fn choice_key(item: &str, option: Option<&str>) -> String {
    format!("choice|{item}|{}", option.unwrap_or("total"))
}

/// Published figures with the default analysis settings (1,000 resamples, seed 1).
///
/// # Errors
/// See [`publish_with`].
pub fn publish(
    ds: &Dataset,
    ins: &Instrument,
    locs: &[LocalityInfo],
    rules: &Rules,
) -> Result<Publication, PublishError> {
    publish_with(ds, ins, locs, rules, &AnalysisConfig::default())
}

/// Published figures; `base` gives resamples, seed and confidence (its grouping and thresholds
/// are replaced: see the module documentation for what is published).
///
/// # Errors
/// [`PublishError::Analysis`] when an analysis fails, [`PublishError::Inconsistent`] on a bug.
pub fn publish_with(
    ds: &Dataset,
    ins: &Instrument,
    locs: &[LocalityInfo],
    rules: &Rules,
    base: &AnalysisConfig,
) -> Result<Publication, PublishError> {
    let k = rules.min_cell.max(1);
    let base =
        AnalysisConfig { publication_min_n: Some(k as usize), small_n: k as usize, ..base.clone() };
    let specs: Vec<_> = standard_analyses(ins, &base)
        .into_iter()
        .filter(|s| {
            !matches!(s.kind, AnalysisKind::Responsibility | AnalysisKind::InformationSources)
        })
        .collect();
    let mut results = analyze_all(&specs, ds, ins, locs)?;
    let facts = Facts::new(ds, ins, locs);
    let behind = linked_rows(&facts, &results)?;
    apply_linked(&mut results, &behind, &Rules::with_min_cell(k));
    let mut cells: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut tables = Vec::new();
    for (t, rows) in results.into_iter().zip(behind) {
        tables.push(publish_table(&facts, t, rows, k, &mut cells));
    }
    let choices = choice_tables(ds, ins, k, &mut cells);
    let n = ds.len() as u64;
    let total_published = n >= k;
    let content = PublishedFigures {
        format: PUBLISHED_FORMAT.into(),
        format_version: PUBLISHED_FORMAT_VERSION,
        instrument: format!("{}@{}", ins.id, ins.version),
        synthetic: ds.synthetic || tables_synthetic(ds, locs),
        min_cell: k,
        respondents: total_published.then_some(n),
        tables,
        choices,
    };
    let cell_members = ReleaseCells {
        respondents: ds.respondents.iter().map(|r| r.id.clone()).collect(),
        total_published,
        cells,
    };
    Ok(Publication { content, cell_members })
}

fn tables_synthetic(ds: &Dataset, locs: &[LocalityInfo]) -> bool {
    let by: HashMap<&str, &LocalityInfo> = locs.iter().map(|l| (l.id.as_str(), l)).collect();
    ds.respondents.iter().any(|r| by.get(r.locality.as_str()).is_some_and(|l| l.synthetic))
}

/// What the membership computation needs: per respondent, its group values and answers.
struct Facts<'a> {
    ds: &'a Dataset,
    ins: &'a Instrument,
    loc_of: Vec<Option<&'a LocalityInfo>>,
}

impl<'a> Facts<'a> {
    fn new(ds: &'a Dataset, ins: &'a Instrument, locs: &'a [LocalityInfo]) -> Facts<'a> {
        let by: HashMap<&str, &LocalityInfo> = locs.iter().map(|l| (l.id.as_str(), l)).collect();
        Facts {
            ds,
            ins,
            loc_of: ds.respondents.iter().map(|r| by.get(r.locality.as_str()).copied()).collect(),
        }
    }

    /// The group value of respondent `r` on `d`, as the analyses compute it.
    fn dim_value(&self, r: usize, d: Dimension) -> String {
        crate::analysis::dimension_value(self.ins, &self.ds.respondents[r], self.loc_of[r], d)
    }

    fn any_freq(&self, r: usize, p: usize, actors: &[usize]) -> bool {
        actors.iter().any(|&a| self.ds.freq(r, p, a).is_some())
    }

    fn both_periods(&self, r: usize, a: usize) -> bool {
        let last = self.ins.periods.len() - 1;
        self.ds.freq(r, 0, a).is_some() && self.ds.freq(r, last, a).is_some()
    }

    /// Whether respondent `r` has a value for the cell (kind, period, measure, statistic), per
    /// the definitions of docs/survey.md §3.
    fn has_value(
        &self,
        kind: AnalysisKind,
        r: usize,
        period: Option<usize>,
        measure: &str,
        statistic: &str,
    ) -> bool {
        let ins = self.ins;
        let actor = ins.actor_index(measure);
        let class_actors = || {
            ins.classes()
                .into_iter()
                .find(|c| c.id() == measure)
                .map(|c| ins.actors_of(c))
                .unwrap_or_default()
        };
        let all_actors: Vec<usize> = (0..ins.actors.len()).collect();
        let last = ins.periods.len() - 1;
        match kind {
            AnalysisKind::Frequency => {
                period.zip(actor).is_some_and(|(p, a)| self.ds.freq(r, p, a).is_some())
            }
            AnalysisKind::ClassAggregates => {
                period.is_some_and(|p| self.any_freq(r, p, &class_actors()))
            }
            AnalysisKind::Change => match actor {
                Some(a) => self.both_periods(r, a),
                None => class_actors().iter().any(|&a| self.both_periods(r, a)),
            },
            AnalysisKind::Nature => period.is_some_and(|p| match actor {
                Some(a) => self.ds.nature(r, p, a).is_some(),
                None => class_actors().iter().any(|&a| self.ds.nature(r, p, a).is_some()),
            }),
            AnalysisKind::Lead => {
                let side = ins.roles[self.ds.respondents[r].role].lead;
                let answered = period.is_some_and(|p| self.any_freq(r, p, &class_actors()));
                answered
                    && match statistic {
                        "elected_mean" => side == Some(LeadSide::Elected),
                        "official_mean" => side == Some(LeadSide::Official),
                        _ => side.is_some(),
                    }
            }
            AnalysisKind::Indexes => {
                let (i1, i2) =
                    (self.any_freq(r, 0, &all_actors), self.any_freq(r, last, &all_actors));
                match measure {
                    "index1" => i1,
                    "index2" => i2,
                    "index3" => i1 && i2,
                    // Index 4 over the items answered in both periods (analysis::respondent_indexes).
                    "index4" => i1 && i2 && all_actors.iter().any(|&a| self.both_periods(r, a)),
                    // An Index 3 part: the class answered in either period.
                    m => {
                        let class = m
                            .strip_prefix("index3_")
                            .and_then(|c| ins.classes().into_iter().find(|x| x.id() == c));
                        i1 && i2
                            && class.is_some_and(|c| {
                                let acts = ins.actors_of(c);
                                self.any_freq(r, 0, &acts) || self.any_freq(r, last, &acts)
                            })
                    }
                }
            }
            AnalysisKind::Attitudes => ins.perception_index(measure).is_some_and(|i| {
                matches!(self.ds.perception(r, i), Some(PerceptionAnswer::Scale(_)))
            }),
            AnalysisKind::Responsibility | AnalysisKind::InformationSources => {
                self.item_of(kind, measure).is_some_and(|i| match self.ds.perception(r, i) {
                    Some(PerceptionAnswer::Choice(_)) => kind == AnalysisKind::Responsibility,
                    Some(PerceptionAnswer::Multi(_)) => kind == AnalysisKind::InformationSources,
                    _ => false,
                })
            }
        }
    }

    /// The perception item behind a share measure (an option id, or a summary of the specialist
    /// sources): the first item of the analysis' kind that has it.
    fn item_of(&self, kind: AnalysisKind, measure: &str) -> Option<usize> {
        let want = if kind == AnalysisKind::Responsibility {
            PerceptionKind::Choice
        } else {
            PerceptionKind::Multi
        };
        self.ins.perceptions.iter().position(|q| {
            q.kind == want
                && (q.options.iter().any(|o| o.id == measure)
                    || (want == PerceptionKind::Multi
                        && matches!(measure, "any_specialist" | "only_non_specialist")
                        && q.options.iter().any(|o| o.specialist.is_some())))
        })
    }

    /// The family of a cell for [`mlgov_disclosure::protect_linked`]: cells of one family have
    /// "respondents with a value for the same thing" behind them (see the module documentation);
    /// `None` for a ratio (the lead's `elected_share`), which is not a sum over respondents.
    fn family(
        &self,
        kind: AnalysisKind,
        period: Option<&str>,
        measure: &str,
        statistic: &str,
    ) -> Option<String> {
        let p = period.unwrap_or("");
        Some(match kind {
            AnalysisKind::Frequency => format!("frequency|{p}|{measure}"),
            AnalysisKind::ClassAggregates => format!("class|{p}|{measure}"),
            AnalysisKind::Lead if statistic == "elected_share" => return None,
            AnalysisKind::Lead => format!("class|{p}|{measure}"),
            AnalysisKind::Change => format!(
                "change|{}|{measure}",
                if self.ins.actor_index(measure).is_some() { "actor" } else { "class" }
            ),
            AnalysisKind::Nature => format!(
                "nature|{p}|{}|{measure}",
                if self.ins.actor_index(measure).is_some() { "actor" } else { "class" }
            ),
            AnalysisKind::Indexes => match measure {
                "index1" => "index1".to_string(),
                "index2" => "index2".to_string(),
                _ => "index_both_periods".to_string(),
            },
            AnalysisKind::Attitudes => format!("attitude|{measure}"),
            AnalysisKind::Responsibility | AnalysisKind::InformationSources => {
                format!(
                    "item|{}",
                    self.item_of(kind, measure).map_or_else(
                        || measure.to_string(),
                        |i| self.ins.perceptions[i].id.clone()
                    )
                )
            }
        })
    }
}

/// One row of a result table as the linked rule sees it.
struct RowCell {
    /// The respondents behind the cell.
    members: Vec<u32>,
    /// Its family (`None`: not a sum over respondents).
    family: Option<String>,
}

/// The respondents behind every row of every table, checked against the analyses' n.
fn linked_rows(f: &Facts<'_>, tables: &[ResultTable]) -> Result<Vec<Vec<RowCell>>, PublishError> {
    let ins = f.ins;
    tables
        .iter()
        .map(|t| {
            // The table's own population (`roles`, empty = every role) and grouping.
            let roles: Vec<usize> = t.roles.iter().filter_map(|r| ins.role_index(r)).collect();
            let included = |r: usize| roles.is_empty() || roles.contains(&f.ds.respondents[r].role);
            let mut groups: HashMap<Vec<String>, Vec<u32>> = HashMap::new();
            for r in (0..f.ds.len()).filter(|&r| included(r)) {
                groups
                    .entry(t.group_by.iter().map(|d| f.dim_value(r, *d)).collect())
                    .or_default()
                    .push(r as u32);
            }
            t.rows
                .iter()
                .map(|row| {
                    let members = groups.get(&row.group).map(Vec::as_slice).unwrap_or(&[]);
                    let period = row.period.as_deref().and_then(|p| ins.period_index(p));
                    let behind: Vec<u32> = members
                        .iter()
                        .copied()
                        .filter(|&r| {
                            f.has_value(
                                t.analysis,
                                r as usize,
                                period,
                                &row.measure,
                                &row.statistic,
                            )
                        })
                        .collect();
                    let found =
                        if t.analysis == AnalysisKind::Lead && row.statistic == "elected_share" {
                            let elected = behind
                                .iter()
                                .filter(|&&r| {
                                    ins.roles[f.ds.respondents[r as usize].role].lead
                                        == Some(LeadSide::Elected)
                                })
                                .count();
                            elected.min(behind.len() - elected)
                        } else {
                            behind.len()
                        };
                    if found != row.estimate.n {
                        let key = cell_key(
                            &t.id,
                            &row.group,
                            row.period.as_deref(),
                            &row.measure,
                            &row.statistic,
                        );
                        return Err(PublishError::Inconsistent {
                            table: t.id.clone(),
                            cell: key,
                            expected: row.estimate.n,
                            found,
                        });
                    }
                    Ok(RowCell {
                        members: behind,
                        family: f.family(
                            t.analysis,
                            row.period.as_deref(),
                            &row.measure,
                            &row.statistic,
                        ),
                    })
                })
                .collect()
        })
        .collect()
}

/// Runs the linked rule over every row of `tables` and suppresses what it says (mean, interval
/// and n withheld), then the lead shares whose means are not both published.
fn apply_linked(tables: &mut [ResultTable], behind: &[Vec<RowCell>], rules: &Rules) {
    let mut cells = Vec::new();
    let mut at = Vec::new();
    for (ti, (t, rows)) in tables.iter().zip(behind).enumerate() {
        for (ri, (row, cell)) in t.rows.iter().zip(rows).enumerate() {
            if let Some(family) = &cell.family {
                cells.push(LinkedCell {
                    family: family.clone(),
                    members: cell.members.clone(),
                    publishable: !row.estimate.suppressed && row.estimate.mean.is_some(),
                });
                at.push((ti, ri));
            }
        }
    }
    let status = protect_linked(&cells, rules);
    for (&(ti, ri), s) in at.iter().zip(&status) {
        if *s != CellStatus::Published {
            suppress(&mut tables[ti].rows[ri].estimate);
        }
    }
    for t in tables.iter_mut().filter(|t| t.analysis == AnalysisKind::Lead) {
        let hidden: std::collections::HashSet<(Vec<String>, Option<String>, String)> = t
            .rows
            .iter()
            .filter(|r| r.statistic != "elected_share" && r.estimate.suppressed)
            .map(|r| (r.group.clone(), r.period.clone(), r.measure.clone()))
            .collect();
        for r in t.rows.iter_mut().filter(|r| r.statistic == "elected_share") {
            if hidden.contains(&(r.group.clone(), r.period.clone(), r.measure.clone())) {
                suppress(&mut r.estimate);
            }
        }
    }
}

fn suppress(e: &mut crate::analysis::Estimate) {
    e.suppressed = true;
    e.mean = None;
    e.ci_low = None;
    e.ci_high = None;
}

/// Secondary suppression across tables computed in publication mode and released together
/// (`mlgov survey analyze|report --min-n K`): every cell of `tables` with 1 … k−1 respondents
/// behind it is suppressed (as the analyses already do), then further cells until no suppressed
/// cell's `n` or `n × mean` follows from the published cells of any of the tables by linear
/// combination (see the module documentation and [`mlgov_disclosure::linked`]). Call it once
/// with every table that will be published together; tables protected in separate calls are
/// protected separately. Complementary cells get `suppressed = true` and lose mean and interval,
/// like primary ones.
///
/// # Errors
/// [`PublishError::Inconsistent`] when the respondents found behind a cell disagree with its n
/// (a bug).
pub fn protect_linked_tables(
    tables: &mut [ResultTable],
    ds: &Dataset,
    ins: &Instrument,
    locs: &[LocalityInfo],
    rules: &Rules,
) -> Result<(), PublishError> {
    let facts = Facts::new(ds, ins, locs);
    let behind = linked_rows(&facts, tables)?;
    apply_linked(tables, &behind, rules);
    Ok(())
}

fn publish_table(
    f: &Facts<'_>,
    t: ResultTable,
    behind: Vec<RowCell>,
    k: u64,
    cells: &mut BTreeMap<String, Vec<u32>>,
) -> PublishedTable {
    // Group sizes, by the table's own population and grouping (lead drops role).
    let roles: Vec<usize> = t.roles.iter().filter_map(|r| f.ins.role_index(r)).collect();
    let mut sizes: HashMap<Vec<String>, u64> = HashMap::new();
    for r in
        (0..f.ds.len()).filter(|&r| roles.is_empty() || roles.contains(&f.ds.respondents[r].role))
    {
        *sizes.entry(t.group_by.iter().map(|d| f.dim_value(r, *d)).collect()).or_default() += 1;
    }
    let mut rows = Vec::new();
    for (row, cell) in t.rows.into_iter().zip(behind) {
        if sizes.get(&row.group).copied().unwrap_or(0) < k {
            continue;
        }
        let published =
            !row.estimate.suppressed && row.estimate.n as u64 >= k && row.estimate.mean.is_some();
        if published {
            cells.insert(
                cell_key(&t.id, &row.group, row.period.as_deref(), &row.measure, &row.statistic),
                cell.members,
            );
        }
        rows.push(PublishedRow {
            group: row.group,
            period: row.period,
            measure: row.measure,
            measure_label: row.measure_label,
            class: row.class,
            statistic: row.statistic,
            n: published.then_some(row.estimate.n as u64),
            localities: published.then_some(row.estimate.localities as u64),
            mean: if published { row.estimate.mean } else { None },
            ci_low: if published { row.estimate.ci_low } else { None },
            ci_high: if published { row.estimate.ci_high } else { None },
        });
    }
    PublishedTable {
        id: t.id,
        analysis: t.analysis,
        title: t.title,
        figure: t.figure,
        group_by: t.group_by,
        roles: t.roles,
        resamples: t.resamples,
        confidence: t.confidence,
        scale: t.scale,
        notes: t.notes,
        class_aggregate: Some(t.class_aggregate),
        interval: Some(t.interval),
        rows,
    }
}

/// One choice item to protect: options (id, label) and each respondent's option, if answered.
struct ChoiceItem {
    item: String,
    label: String,
    options: Vec<(String, String)>,
    chosen: Vec<Option<usize>>,
}

fn choice_items(ds: &Dataset, ins: &Instrument) -> Vec<ChoiceItem> {
    let n = ds.len();
    let mut out = vec![
        ChoiceItem {
            item: "role".into(),
            label: "Role of the respondent".into(),
            options: ins.roles.iter().map(|o| (o.id.clone(), o.label.clone())).collect(),
            chosen: ds.respondents.iter().map(|r| Some(r.role)).collect(),
        },
        ChoiceItem {
            item: "affiliation".into(),
            label: "Political affiliation".into(),
            options: ins.affiliations.iter().map(|o| (o.id.clone(), o.label.clone())).collect(),
            chosen: ds.respondents.iter().map(|r| r.affiliation).collect(),
        },
    ];
    for (i, q) in ins.perceptions.iter().enumerate() {
        match q.kind {
            PerceptionKind::Scale => {}
            PerceptionKind::Choice => out.push(ChoiceItem {
                item: q.id.clone(),
                label: q.label.clone(),
                options: q.options.iter().map(|o| (o.id.clone(), o.label.clone())).collect(),
                chosen: (0..n)
                    .map(|r| match ds.perception(r, i) {
                        Some(PerceptionAnswer::Choice(c)) => Some(*c),
                        _ => None,
                    })
                    .collect(),
            }),
            PerceptionKind::Multi => {
                for (o, opt) in q.options.iter().enumerate() {
                    out.push(ChoiceItem {
                        item: format!("{}:{}", q.id, opt.id),
                        label: format!("{}: {}", q.label, opt.label),
                        options: vec![
                            ("named".into(), "Named".into()),
                            ("not_named".into(), "Not named".into()),
                        ],
                        chosen: (0..n)
                            .map(|r| match ds.perception(r, i) {
                                Some(PerceptionAnswer::Multi(v)) => {
                                    Some(usize::from(!v.contains(&o)))
                                }
                                _ => None,
                            })
                            .collect(),
                    });
                }
            }
        }
    }
    out
}

fn choice_tables(
    ds: &Dataset,
    ins: &Instrument,
    k: u64,
    cells: &mut BTreeMap<String, Vec<u32>>,
) -> Vec<PublishedChoice> {
    let rules = Rules { min_cell: k, protect_zeros: true };
    let mut out = Vec::new();
    for it in choice_items(ds, ins) {
        let mut members: Vec<Vec<u32>> = vec![Vec::new(); it.options.len()];
        for (r, c) in it.chosen.iter().enumerate() {
            if let Some(c) = c {
                members[*c].push(r as u32);
            }
        }
        let counts: Vec<u64> = members.iter().map(|m| m.len() as u64).collect();
        let published = protect_choice(&it.item, &it.options, &counts, &rules);
        let (values, total) = published;
        for (o, v) in values.iter().enumerate() {
            if v.is_some() {
                cells.insert(choice_key(&it.item, Some(&it.options[o].0)), members[o].clone());
            }
        }
        if total.is_some() {
            let mut all: Vec<u32> = members.concat();
            all.sort_unstable();
            cells.insert(choice_key(&it.item, None), all);
        }
        out.push(PublishedChoice {
            item: it.item,
            label: it.label,
            options: it
                .options
                .into_iter()
                .zip(values)
                .map(|((id, label), count)| PublishedOption { id, label, count })
                .collect(),
            total,
        });
    }
    out
}

/// Protects one row of option counts (see the module documentation): `protect` with zeros
/// protected, then the non-negativity rule (suppressed counts share at least `k` respondents).
fn protect_choice(
    item: &str,
    options: &[(String, String)],
    counts: &[u64],
    rules: &Rules,
) -> (Vec<Option<u64>>, Option<u64>) {
    let columns: Vec<String> = options.iter().map(|o| o.0.clone()).collect();
    let Ok(table) = CountTable::new(vec![item.to_string()], columns, vec![counts.to_vec()]) else {
        // No options: nothing to list, only a total (never reached with a valid instrument).
        return (Vec::new(), None);
    };
    let p = protect(&table, rules);
    let mut values: Vec<Option<u64>> = p.cells[0].iter().map(|c| c.value).collect();
    let total = p.row_totals[0].value;
    if let Some(t) = total {
        loop {
            let suppressed = values.iter().any(Option::is_none);
            let published: u64 = values.iter().flatten().sum();
            if !suppressed || t - published >= rules.min_cell {
                break;
            }
            // The suppressed counts share fewer than k respondents: hide the smallest published.
            let Some(j) =
                (0..values.len()).filter(|&j| values[j].is_some()).min_by_key(|&j| (values[j], j))
            else {
                break;
            };
            values[j] = None;
        }
    }
    (values, total)
}

/// The next release of a survey, ready to store: its published figures and its cell members as
/// JSON, already checked against every earlier release by the release rule
/// ([`mlgov_disclosure::check_release`]). The one builder behind `mlgov survey release` and
/// `POST /api/v1/surveys/{name}/releases`.
#[derive(Debug, Clone, PartialEq)]
pub struct NextRelease {
    /// The figures as published (JSON of [`PublishedFigures`]).
    pub content: String,
    /// The respondents behind each published cell (JSON of [`ReleaseCells`]; never served).
    pub cell_members: String,
    /// Respondents behind the release (`None` below `k`).
    pub respondents: Option<u64>,
}

/// Why a release cannot be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ReleaseError {
    /// The figures could not be computed.
    #[error(transparent)]
    Publish(#[from] PublishError),
    /// An earlier release's cell members do not read (a damaged store).
    #[error("release {number}: unreadable cell members: {message}")]
    Unreadable {
        /// Release number.
        number: i64,
        /// Parser message.
        message: String,
    },
    /// The release rule refuses it (differencing against an earlier release would single out
    /// fewer than `k` respondents); the message says which figure and how many more answers
    /// are needed.
    #[error("{0}")]
    Refused(String),
}

/// Builds the next release of a survey from its answers, given the `(number, cell_members JSON)`
/// of its earlier releases.
///
/// # Errors
/// [`ReleaseError::Refused`] when the release rule refuses it; the other variants for broken
/// inputs.
pub fn next_release(
    ds: &Dataset,
    ins: &Instrument,
    locs: &[LocalityInfo],
    rules: &Rules,
    earlier: &[(i64, &str)],
) -> Result<NextRelease, ReleaseError> {
    let p = publish(ds, ins, locs, rules)?;
    let cells: Vec<(i64, ReleaseCells)> = earlier
        .iter()
        .map(|(n, json)| {
            serde_json::from_str(json)
                .map(|c| (*n, c))
                .map_err(|e| ReleaseError::Unreadable { number: *n, message: e.to_string() })
        })
        .collect::<Result<_, _>>()?;
    let refs: Vec<mlgov_disclosure::EarlierRelease<'_>> = cells
        .iter()
        .map(|(n, c)| mlgov_disclosure::EarlierRelease { number: *n, cells: c })
        .collect();
    mlgov_disclosure::check_release(&refs, &p.cell_members, rules.min_cell)
        .map_err(|e| ReleaseError::Refused(e.to_string()))?;
    Ok(NextRelease {
        respondents: p.content.respondents,
        content: serde_json::to_string(&p.content).expect("figures serialise"),
        cell_members: serde_json::to_string(&p.cell_members).expect("cells serialise"),
    })
}
