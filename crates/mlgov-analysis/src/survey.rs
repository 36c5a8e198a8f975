//! Mapping of the knowledge base onto the survey crate's locality attributes, so that survey
//! answers keyed by `loc:` ids can be grouped by size, orientation, typology and country.

pub use mlgov_survey;

use mlgov_domain::KnowledgeBase;
use mlgov_survey::LocalityInfo;

use crate::profile::locality_attrs;

/// Every locality of the knowledge base as survey [`LocalityInfo`] (label = public label for
/// anonymised localities; attributes from the first sourced fact of each property).
pub fn survey_localities(kb: &KnowledgeBase) -> Vec<LocalityInfo> {
    locality_attrs(kb)
        .into_values()
        .map(|a| LocalityInfo {
            id: a.id,
            label: a.label,
            size_class: a.size_class,
            orientation: a.orientation,
            typology: a.typology,
            country: Some(a.country).filter(|c| !c.is_empty()),
            synthetic: false,
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
pub fn analysis_localities(own: &[LocalityInfo], kb_localities: &[LocalityInfo]) -> Vec<LocalityInfo> {
    let mine: std::collections::HashSet<&str> = own.iter().map(|l| l.id.as_str()).collect();
    own.iter().cloned().chain(kb_localities.iter().filter(|l| !mine.contains(l.id.as_str())).cloned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_localities_come_first_and_win() {
        let l = |id: &str, size: &str| LocalityInfo { id: id.into(), size_class: Some(size.into()), ..LocalityInfo::default() };
        let got = analysis_localities(&[l("loc:a", "rural_area")], &[l("loc:a", "medium_town"), l("loc:b", "small_town")]);
        assert_eq!(got, vec![l("loc:a", "rural_area"), l("loc:b", "small_town")]);
    }
}
