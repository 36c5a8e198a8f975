//! Attitudes: perceived public attitudes towards migrants, the mean of each 1–5 scale item
//! (Pettrachin 2023, 'perceptions of public opinion'; file 004).

use super::context::{Ctx, Measure, Part, numeric_scale};
use super::{AnalysisKind, Dimension, ScaleSpec, Tick};
use crate::dataset::PerceptionAnswer;
use crate::instrument::PerceptionKind;

/// One measure per scale item; the table's scale is the first item's.
pub(super) fn compute(cx: &Ctx<'_>, group_by: &[Dimension]) -> Part {
    let (ds, ins) = (cx.ds, cx.ins);
    let mut ms = Vec::new();
    let mut scale = None;
    for (i, it) in
        ins.perceptions.iter().enumerate().filter(|(_, it)| it.kind == PerceptionKind::Scale)
    {
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
                ticks: it
                    .labels
                    .iter()
                    .map(|l| Tick {
                        value: l.value as f64,
                        label: format!(
                            "{} {}",
                            l.value,
                            l.short.clone().unwrap_or_else(|| l.label.clone())
                        ),
                    })
                    .collect(),
                fit_to_data: false,
                percent: false,
            });
        }
    }
    Part {
        rows: cx.rows_for(AnalysisKind::Attitudes.id(), &ms, &cx.groups(group_by), "mean"),
        scale: scale.unwrap_or_else(|| numeric_scale("Scale", 1.0, 5.0)),
        note: "Mean of the answered scale values.".into(),
        assumed: None,
    }
}
