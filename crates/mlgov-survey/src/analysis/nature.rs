//! Nature: the nature of interactions (conflictual … collaborative, −2..+2) per actor and per
//! class, per period (Schiller et al. 2023, Figure 3.3).

use super::context::{Ctx, Measure, Part};
use super::{AnalysisKind, Dimension, ScaleSpec, Tick};

/// Per period, one measure per actor (read when needed) and one per class (the mean over the
/// class's answered actors, per respondent).
pub(super) fn compute(cx: &Ctx<'_>, periods: &[usize], group_by: &[Dimension]) -> Part {
    let (ds, ins) = (cx.ds, cx.ins);
    let (classes, class_actors) = cx.classes();
    let mut ms = Vec::new();
    for &p in periods {
        for (a, act) in ins.actors.iter().enumerate() {
            let values = cx.lookup(move |r| ds.nature(r, p, a).map_or(f64::NAN, f64::from));
            ms.push(Measure::of_actor(Some(p), act, values));
        }
        for (ci, c) in classes.iter().enumerate() {
            let acts = &class_actors[ci];
            let values = cx.per_respondent(|r| {
                let (mut s, mut k) = (0i32, 0i32);
                for &a in acts {
                    if let Some(v) = ds.nature(r, p, a) {
                        s += v as i32;
                        k += 1;
                    }
                }
                if k == 0 { f64::NAN } else { s as f64 / k as f64 }
            });
            ms.push(Measure::of_class(Some(p), *c, values));
        }
    }
    let off = ins.nature.reported_offset;
    let scale = ScaleSpec {
        title: "Nature of interactions".into(),
        min: (ins.nature.answered_min + off) as f64,
        max: (ins.nature.answered_max + off) as f64,
        ticks: ins
            .nature
            .labels
            .iter()
            .map(|l| Tick {
                value: (l.value + off) as f64,
                label: format!(
                    "{:+} {}",
                    l.value + off,
                    l.short.clone().unwrap_or_else(|| l.label.clone())
                ),
            })
            .collect(),
        fit_to_data: false,
        percent: false,
    };
    Part {
        rows: cx.rows_for(AnalysisKind::Nature.id(), &ms, &cx.groups(group_by), "mean"),
        scale,
        note: "Nature as reported: answered value + offset (1..5 → −2..+2). Class rows: mean per respondent over the class's answered actors.".into(),
        assumed: Some("ASSUMED: the nature of an interaction is asked for each period, and accepted even where its frequency is 0 (the report does not say)."),
    }
}
