//! Responsibility: who is seen as primarily responsible for integration, the share of respondents
//! choosing each option (Pettrachin 2023, 'perception of being responsible'; file 004). Its
//! option shares ([`option_shares`]) serve the information sources too.

use super::context::{Ctx, Measure, Part, share_scale};
use super::{AnalysisKind, Dimension};
use crate::dataset::PerceptionAnswer;
use crate::instrument::{PerceptionItem, PerceptionKind};

/// The note of every table of option shares.
pub(super) const SHARE_NOTE: &str = "Share of respondents who answered the item and chose the option (multi-choice items: any number of options).";

/// One share per option of every single-choice item.
pub(super) fn compute(cx: &Ctx<'_>, group_by: &[Dimension]) -> Part {
    let mut ms = Vec::new();
    for (i, it) in
        cx.ins.perceptions.iter().enumerate().filter(|(_, it)| it.kind == PerceptionKind::Choice)
    {
        option_shares(cx, i, it, &mut ms);
    }
    Part {
        rows: cx.rows_for(AnalysisKind::Responsibility.id(), &ms, &cx.groups(group_by), "share"),
        scale: share_scale("Share of respondents"),
        note: SHARE_NOTE.into(),
        assumed: None,
    }
}

/// Pushes one measure per option of item `i`: 1 when the respondent chose it (among others, for
/// a multi-choice item), 0 when they answered otherwise, missing when they did not answer.
pub(super) fn option_shares<'a>(
    cx: &Ctx<'a>,
    i: usize,
    it: &PerceptionItem,
    ms: &mut Vec<Measure<'a>>,
) {
    let ds = cx.ds;
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
}
