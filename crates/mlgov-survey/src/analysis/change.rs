//! Change: the change in frequency of interactions between the first and the last period, per
//! respondent then averaged, per actor and per class (Schiller et al. 2023, Figure 3.2).

use super::context::{ACTORS_ASSUMED, Ctx, Measure, Part, numeric_scale};
use super::{AnalysisKind, ClassAggregate, Dimension};

/// Last minus first period (`last` is the instrument's last period), only where both are
/// answered; class rows aggregate the actors answered in both periods.
pub(super) fn compute(cx: &Ctx<'_>, last: usize, group_by: &[Dimension]) -> Part {
    let (ds, ins) = (cx.ds, cx.ins);
    let first = 0;
    let (classes, class_actors) = cx.classes();
    let agg_word = cx.agg_word();
    let mut ms = Vec::new();
    for (a, act) in ins.actors.iter().enumerate() {
        let values = cx.per_respondent(|r| match (ds.freq(r, first, a), ds.freq(r, last, a)) {
            (Some(x), Some(y)) => y as f64 - x as f64,
            _ => f64::NAN,
        });
        ms.push(Measure::of_actor(None, act, values));
    }
    for (ci, c) in classes.iter().enumerate() {
        let acts = &class_actors[ci];
        let mean = cx.cfg.class_aggregate == ClassAggregate::Mean;
        let values = cx.per_respondent(|r| {
            let (mut s, mut k) = (0i32, 0i32);
            for &a in acts {
                if let (Some(x), Some(y)) = (ds.freq(r, first, a), ds.freq(r, last, a)) {
                    s += y as i32 - x as i32;
                    k += 1;
                }
            }
            if k == 0 {
                f64::NAN
            } else if mean {
                s as f64 / k as f64
            } else {
                s as f64
            }
        });
        ms.push(Measure::of_class(None, *c, values));
    }
    let note = format!(
        "Change = {} − {} per respondent and actor, only where both periods are answered; class rows use the {agg_word} over the class's actors answered in both periods; then averaged over respondents.",
        ins.periods[last].id, ins.periods[first].id
    );
    let mut scale = numeric_scale(
        &format!(
            "Change in frequency ({} − {})",
            ins.periods[last].label, ins.periods[first].label
        ),
        -1.0,
        1.0,
    );
    scale.ticks = Vec::new();
    Part {
        rows: cx.rows_for(AnalysisKind::Change.id(), &ms, &cx.groups(group_by), "mean"),
        scale,
        note,
        assumed: Some(ACTORS_ASSUMED),
    }
}
