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
