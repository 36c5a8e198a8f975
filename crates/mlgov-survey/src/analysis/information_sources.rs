//! Information sources: the share of respondents using each source, and of those using any
//! specialist source or only non-specialist ones (Pettrachin 2023, 'sources of information';
//! file 004).

use super::context::{Ctx, Measure, Part, share_scale};
use super::responsibility::{SHARE_NOTE, option_shares};
use super::{AnalysisKind, Dimension};
use crate::dataset::PerceptionAnswer;
use crate::instrument::PerceptionKind;

/// Per multi-choice item, one share per option, then (when the item marks specialist sources)
/// `any_specialist` and `only_non_specialist`.
pub(super) fn compute(cx: &Ctx<'_>, group_by: &[Dimension]) -> Part {
    let ds = cx.ds;
    let mut ms = Vec::new();
    for (i, it) in
        cx.ins.perceptions.iter().enumerate().filter(|(_, it)| it.kind == PerceptionKind::Multi)
    {
        option_shares(cx, i, it, &mut ms);
        for (flag, key, label) in [
            (true, "any_specialist", "Any specialist source"),
            (false, "only_non_specialist", "Only non-specialist sources"),
        ] {
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
                        if flag {
                            f64::from(u8::from(any_spec))
                        } else {
                            f64::from(u8::from(!any_spec && !v.is_empty()))
                        }
                    }
                    _ => f64::NAN,
                }),
            });
        }
    }
    Part {
        rows: cx.rows_for(
            AnalysisKind::InformationSources.id(),
            &ms,
            &cx.groups(group_by),
            "share",
        ),
        scale: share_scale("Share of respondents"),
        note: SHARE_NOTE.into(),
        assumed: None,
    }
}
