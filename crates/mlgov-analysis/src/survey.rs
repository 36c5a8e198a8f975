//! Mapping of the knowledge base onto the survey crate's locality attributes, so that survey
//! answers keyed by `loc:` ids can be grouped by size, orientation, typology and country.

pub use mlgov_survey;

use mlgov_domain::{Id, KnowledgeBase, Property};
use mlgov_survey::LocalityInfo;

use crate::profile::locality_attrs;

/// The Whole-COMM table that classifies localities by each grouping attribute: the survey's
/// groups reproduce the report's, so its own table decides when statements disagree.
const TABLE_OF: [(Property, &str, &str); 3] = [
    (Property::SizeClass, "size_class", "Part 2, 2.2.1"),
    (Property::Typology, "typology", "Part 2, 2.2.2"),
    (Property::PoliticalOrientation, "orientation", "Part 2, 2.2.3"),
];

/// Year of the Whole-COMM fieldwork (interviews October 2021 – February 2022): a dated statement
/// in force then is the one that describes the localities the survey asked about.
const FIELDWORK_YEAR: i32 = 2021;

/// One grouping attribute of a locality: the single value of its statements; else the value in
/// force at the fieldwork; else the value of the report's own classification table; else an
/// explicit `ambiguous: a / b` group — never silently the first. Returns the value and, when
/// there was a choice, the sentence that says how it was made.
fn choose(
    kb: &KnowledgeBase,
    id: &Id,
    p: Property,
    table: &str,
) -> (Option<String>, Option<String>) {
    let facts = kb.facts_of(id, p);
    let distinct = |fs: &[&mlgov_domain::Fact]| {
        let mut v: Vec<String> = fs.iter().map(|f| f.value.clone()).collect();
        v.sort();
        v.dedup();
        v
    };
    let all = distinct(&facts);
    if all.len() <= 1 {
        return (all.into_iter().next(), None);
    }
    let in_force: Vec<&mlgov_domain::Fact> = facts
        .iter()
        .copied()
        .filter(|f| {
            f.when.is_undated()
                || (f.when.start_year().is_none_or(|a| a <= FIELDWORK_YEAR)
                    && f.when.end_year().is_none_or(|b| b >= FIELDWORK_YEAR))
        })
        .collect();
    let dated_only: Vec<&mlgov_domain::Fact> =
        in_force.iter().copied().filter(|f| !f.when.is_undated()).collect();
    let at_fieldwork = distinct(&dated_only);
    if at_fieldwork.len() == 1 && distinct(&in_force).len() == 1 {
        let v = at_fieldwork[0].clone();
        return (
            Some(v.clone()),
            Some(format!(
                "{v}, the statement in force at the fieldwork ({FIELDWORK_YEAR}); also stated: {}",
                all.iter().filter(|x| **x != v).cloned().collect::<Vec<_>>().join(", ")
            )),
        );
    }
    let from_table: Vec<&mlgov_domain::Fact> =
        in_force.iter().copied().filter(|f| f.citation.locator.starts_with(table)).collect();
    let tv = distinct(&from_table);
    if tv.len() == 1 {
        let v = tv[0].clone();
        return (
            Some(v.clone()),
            Some(format!(
                "{v}, from the report's table ({table}); also stated elsewhere: {}",
                all.iter().filter(|x| **x != v).cloned().collect::<Vec<_>>().join(", ")
            )),
        );
    }
    let v = format!("ambiguous: {}", all.join(" / "));
    (
        Some(v.clone()),
        Some(format!(
            "grouped apart as \"{v}\": the statements disagree and the report's table does not decide (several localities share its public label)"
        )),
    )
}

/// Every locality of the knowledge base as survey [`LocalityInfo`] (label = public label for
/// anonymised localities). Size class, typology and orientation follow [`choose`]: when a
/// locality has several statements the choice is recorded in `choices` and the analyses say it.
pub fn survey_localities(kb: &KnowledgeBase) -> Vec<LocalityInfo> {
    locality_attrs(kb)
        .into_values()
        .map(|a| {
            let id = Id::parse(&a.id).ok();
            let mut choices = Vec::new();
            let mut pick = |p: Property, fallback: Option<String>| -> Option<String> {
                let Some(id) = &id else { return fallback };
                let (attr, table) =
                    TABLE_OF.iter().find(|t| t.0 == p).map(|t| (t.1, t.2)).unwrap_or(("", ""));
                let (v, why) = choose(kb, id, p, table);
                if let Some(w) = why {
                    choices.push((attr.to_string(), w));
                }
                v
            };
            let size_class = pick(Property::SizeClass, a.size_class.clone());
            let orientation = pick(Property::PoliticalOrientation, a.orientation.clone());
            let typology = pick(Property::Typology, a.typology.clone());
            LocalityInfo {
                id: a.id,
                label: a.label,
                size_class,
                orientation,
                typology,
                country: Some(a.country).filter(|c| !c.is_empty()),
                synthetic: false,
                choices,
            }
        })
        .collect()
}

/// The localities the Whole-COMM survey could cover: those with a size class in the knowledge base.
pub fn whole_comm_localities(kb: &KnowledgeBase) -> Vec<LocalityInfo> {
    survey_localities(kb).into_iter().filter(|l| l.size_class.is_some()).collect()
}

/// The localities a stored survey is analysed against: its own (generated with synthetic data)
/// first, then every knowledge-base locality it does not redefine. The one rule the CLI, the
/// server and the release builder share, so a survey groups the same way wherever it is analysed.
pub fn analysis_localities(
    own: &[LocalityInfo],
    kb_localities: &[LocalityInfo],
) -> Vec<LocalityInfo> {
    let mine: std::collections::HashSet<&str> = own.iter().map(|l| l.id.as_str()).collect();
    own.iter()
        .cloned()
        .chain(kb_localities.iter().filter(|l| !mine.contains(l.id.as_str())).cloned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_localities_come_first_and_win() {
        let l = |id: &str, size: &str| LocalityInfo {
            id: id.into(),
            size_class: Some(size.into()),
            ..LocalityInfo::default()
        };
        // (choices default empty)
        let got = analysis_localities(
            &[l("loc:a", "rural_area")],
            &[l("loc:a", "medium_town"), l("loc:b", "small_town")],
        );
        assert_eq!(got, vec![l("loc:a", "rural_area"), l("loc:b", "small_town")]);
    }
}
