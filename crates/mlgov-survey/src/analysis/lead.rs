//! Who takes the lead: elected policymakers' share of the two sides' mean interactions, per class
//! and period, beside each side's mean (Schiller et al. 2023, section 3.2, 'take the lead').

use std::collections::BTreeSet;

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;

use super::context::{Ctx, Groups, Part, share_scale};
use super::{Dimension, Estimate, ResultRow};
use crate::bootstrap::{EstimateSettings, Sample, derive_seed, percentile_interval};
use crate::instrument::{ActorClass, LeadSide};

/// The grouping of a lead table: the requested one without the respondent's role, as the two
/// roles are the two sides being compared.
pub(super) fn grouping(dims: &[Dimension]) -> Vec<Dimension> {
    let mut group_by = dims.to_vec();
    group_by.retain(|d| *d != Dimension::Role);
    group_by
}

/// Three rows per period, class and group: `elected_share`, `elected_mean`, `official_mean`.
/// `group_by` is already without the role ([`grouping`]).
pub(super) fn compute(cx: &Ctx<'_>, periods: &[usize], group_by: &[Dimension]) -> Part {
    let (classes, class_actors) = cx.classes();
    Part {
        rows: lead_rows(cx, periods, &classes, &class_actors, group_by),
        scale: share_scale("Elected policymakers' share (50% = balanced)"),
        note: "Per respondent class aggregate; elected_mean and official_mean average it over elected policymakers and officials; elected_share = elected_mean / (elected_mean + official_mean). Resampling is stratified by side.".into(),
        assumed: Some("ASSUMED: who takes the lead is read as elected policymakers' share of the two sides' mean interactions, elected / (elected + officials); the report describes it in words only. Its intervals resample respondents within each side (not localities)."),
    }
}

/// The rows of [`compute`]: each side resampled on its own, the share from paired replicates.
fn lead_rows(
    cx: &Ctx<'_>,
    periods: &[usize],
    classes: &[ActorClass],
    class_actors: &[Vec<usize>],
    dims: &[Dimension],
) -> Vec<ResultRow> {
    let ins = cx.ins;
    let groups = cx.groups(dims);
    let side: Vec<Option<LeadSide>> =
        cx.ds.respondents.iter().map(|r| ins.roles[r.role].lead).collect();
    let mut jobs = Vec::new();
    for &p in periods {
        for ci in 0..classes.len() {
            for g in 0..groups.keys.len() {
                jobs.push((p, ci, g));
            }
        }
    }
    let cell = LeadCell { cx, groups: &groups, side: &side, st: cx.settings() };
    let per_job: Vec<Vec<ResultRow>> = jobs
        .par_iter()
        .map(|&(p, ci, g)| cell.rows(p, classes[ci], &class_actors[ci], g))
        .collect();
    per_job.into_iter().flatten().collect()
}

/// What every cell of a lead table shares.
struct LeadCell<'a, 'c> {
    cx: &'a Ctx<'c>,
    groups: &'a Groups,
    side: &'a [Option<LeadSide>],
    st: EstimateSettings,
}

/// One side's class values and the clusters (localities) with an answer.
type Side = (Vec<f64>, BTreeSet<u32>);

impl LeadCell<'_, '_> {
    /// The three rows of period `p`, class `c` and group `g`.
    fn rows(&self, p: usize, c: ActorClass, actors: &[usize], g: usize) -> Vec<ResultRow> {
        let (cx, st) = (self.cx, &self.st);
        let ins = cx.ins;
        let ((e, le), (o, lo)) = self.sides(p, actors, g);
        let both = le.intersection(&lo).count();
        let (se, so) = (Sample::new(e), Sample::new(o));
        let gk = self.groups.keys[g].join("\u{1f}");
        let seed = derive_seed(cx.cfg.seed, &["lead", c.id(), &ins.periods[p].id, &gk]);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        // Each side is resampled on its own (a side with answers keeps its interval even when
        // the other side is empty); the share needs both.
        let re = se.replicate_means(if se.n() > 0 { st.resamples } else { 0 }, &mut rng);
        let ro = so.replicate_means(if so.n() > 0 { st.resamples } else { 0 }, &mut rng);
        let share = |x: f64, y: f64| if x + y > 0.0 { x / (x + y) } else { f64::NAN };
        let share_reps: Vec<f64> = if se.n() > 0 && so.n() > 0 {
            re.iter().zip(&ro).map(|(x, y)| share(*x, *y)).collect()
        } else {
            Vec::new()
        };
        let point = match (se.mean, so.mean) {
            (Some(x), Some(y)) if x + y > 0.0 => Some(share(x, y)),
            _ => None,
        };
        let ci_e = percentile_interval(re, st.confidence);
        let ci_o = percentile_interval(ro, st.confidence);
        let ci_s = percentile_interval(share_reps, st.confidence);
        let mk = |stat: &str, est: Estimate| ResultRow {
            group: self.groups.keys[g].clone(),
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
    }

    /// The group's class values in period `p`, elected policymakers' and officials'.
    fn sides(&self, p: usize, actors: &[usize], g: usize) -> (Side, Side) {
        let cx = self.cx;
        let (mut elected, mut officials): (Side, Side) = Default::default();
        for &r in &self.groups.members[g] {
            let r = r as usize;
            let v = cx.class_value(r, p, actors);
            let side = match self.side[r] {
                Some(LeadSide::Elected) => &mut elected,
                Some(LeadSide::Official) => &mut officials,
                None => continue,
            };
            if !v.is_nan() {
                side.1.insert(cx.cluster_of[r]);
            }
            side.0.push(v);
        }
        (elected, officials)
    }
}
