//! Frequency: the mean frequency of interactions with each actor category, per period
//! (Schiller et al. 2023, Figures 3.1 panels a–c, 3.4, 3.5).

use super::context::{ACTORS_ASSUMED, Ctx, Measure, Part, freq_scale};
use super::{AnalysisKind, Dimension};

/// One measure per period and actor, read from the dataset when needed; the mean over the
/// respondents who answered.
pub(super) fn compute(cx: &Ctx<'_>, periods: &[usize], group_by: &[Dimension]) -> Part {
    let (ds, ins) = (cx.ds, cx.ins);
    let mut ms = Vec::new();
    for &p in periods {
        for (a, act) in ins.actors.iter().enumerate() {
            let values = cx.lookup(move |r| ds.freq(r, p, a).map_or(f64::NAN, f64::from));
            ms.push(Measure::of_actor(Some(p), act, values));
        }
    }
    Part {
        rows: cx.rows_for(AnalysisKind::Frequency.id(), &ms, &cx.groups(group_by), "mean"),
        scale: freq_scale(ins, "Frequency of interactions"),
        note: "Mean of answered frequencies; missing answers are excluded, never counted as 0."
            .into(),
        assumed: Some(ACTORS_ASSUMED),
    }
}
