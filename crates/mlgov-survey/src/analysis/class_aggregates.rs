//! Class aggregates: per respondent, the mean (or sum) of the answered frequencies of a class's
//! actors, then averaged over respondents (Schiller et al. 2023, Figure 3.1 panel d, 3.4, 3.5).

use super::context::{ACTORS_ASSUMED, Ctx, Measure, Part, freq_scale, numeric_scale};
use super::{AnalysisKind, ClassAggregate, Dimension};

/// One measure per period and class, [`Ctx::class_value`] per respondent.
pub(super) fn compute(cx: &Ctx<'_>, periods: &[usize], group_by: &[Dimension]) -> Part {
    let ins = cx.ins;
    let (classes, class_actors) = cx.classes();
    let agg_word = cx.agg_word();
    let mut ms = Vec::new();
    for &p in periods {
        for (ci, c) in classes.iter().enumerate() {
            let acts = &class_actors[ci];
            let values = cx.per_respondent(|r| cx.class_value(r, p, acts));
            ms.push(Measure::of_class(Some(p), *c, values));
        }
    }
    let scale = match cx.cfg.class_aggregate {
        ClassAggregate::Mean => freq_scale(ins, "Mean frequency of interactions in the class"),
        ClassAggregate::Sum => numeric_scale(
            "Sum of frequency scores of the class's actors",
            0.0,
            ins.frequency.max as f64,
        ),
    };
    Part {
        rows: cx.rows_for(AnalysisKind::ClassAggregates.id(), &ms, &cx.groups(group_by), "mean"),
        scale,
        note: format!(
            "Per respondent, the {agg_word} of the answered frequencies of the class's actors (missing when none answered), then averaged over respondents."
        ),
        assumed: Some(ACTORS_ASSUMED),
    }
}
