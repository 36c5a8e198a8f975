//! The stored form of a survey dataset: the instrument as TOML, generated localities as CSV and
//! the answers in the canonical wide CSV of docs/survey.md. Storage backends keep these three
//! strings; [`encode`] and [`decode`] are the only way in and out, so the CLI, the server and the
//! benchmarks read stored surveys through the same intake that validates imports.

use crate::analysis::LocalityInfo;
use crate::dataset::Dataset;
use crate::export::write_wide_csv;
use crate::instrument::Instrument;
use crate::intake::{FileKind, IntakeOptions, Layout, read_survey};

/// A dataset as the three strings a store keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Encoded {
    /// The instrument (TOML).
    pub instrument_toml: String,
    /// Generated localities (CSV with [`LOCALITY_COLUMNS`]), empty when there are none.
    pub localities_csv: String,
    /// The answers, wide CSV.
    pub data: String,
}

/// A decoded stored survey.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// Instrument the answers follow.
    pub instrument: Instrument,
    /// The answers.
    pub dataset: Dataset,
    /// Localities generated with the data (synthetic surveys); empty otherwise.
    pub localities: Vec<LocalityInfo>,
}

/// Why a stored survey does not decode (the store was edited by hand, or written by a newer mlgov).
#[derive(Debug, thiserror::Error)]
#[error("stored survey {name:?}: {what}: {message}")]
pub struct DecodeError {
    /// Survey name.
    pub name: String,
    /// Which part (instrument, localities, data).
    pub what: &'static str,
    /// The problem.
    pub message: String,
}

/// Columns of the localities CSV.
pub const LOCALITY_COLUMNS: [&str; 7] =
    ["id", "label", "size_class", "orientation", "typology", "country", "synthetic"];

/// The stored strings of a dataset; `localities` are written only when given (generated ones).
pub fn encode(ds: &Dataset, ins: &Instrument, localities: Option<&[LocalityInfo]>) -> Encoded {
    let mut data = Vec::with_capacity(ds.len() * 128);
    write_wide_csv(ds, ins, &mut data).expect("writing to memory cannot fail");
    let localities_csv = match localities {
        None => String::new(),
        Some(locs) => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(LOCALITY_COLUMNS).expect("in memory");
            for l in locs {
                let o = |v: &Option<String>| v.clone().unwrap_or_default();
                w.write_record([
                    l.id.clone(),
                    l.label.clone(),
                    o(&l.size_class),
                    o(&l.orientation),
                    o(&l.typology),
                    o(&l.country),
                    l.synthetic.to_string(),
                ])
                .expect("in memory");
            }
            String::from_utf8(w.into_inner().expect("in memory")).expect("UTF-8 in, UTF-8 out")
        }
    };
    Encoded {
        instrument_toml: ins.to_toml_string(),
        localities_csv,
        data: String::from_utf8(data).expect("the wide writer writes UTF-8"),
    }
}

/// Reads the stored strings of survey `name` back.
pub fn decode(
    name: &str,
    instrument_toml: &str,
    localities_csv: &str,
    data: &str,
) -> Result<Decoded, DecodeError> {
    let err =
        |what: &'static str, message: String| DecodeError { name: name.to_string(), what, message };
    let instrument =
        Instrument::from_toml_str(instrument_toml, &format!("survey {name:?} instrument"))
            .map_err(|e| err("instrument", e.to_string()))?;
    let opts = IntakeOptions { kind: FileKind::Csv, layout: Layout::Wide, known_localities: None };
    let dataset = read_survey(data.as_bytes(), &format!("survey {name:?}"), &instrument, opts)
        .map_err(|e| err("data", e.to_string()))?;
    let mut localities = Vec::new();
    if !localities_csv.is_empty() {
        let mut r = csv::Reader::from_reader(localities_csv.as_bytes());
        for rec in r.records() {
            let rec = rec.map_err(|e| err("localities", e.to_string()))?;
            let cell = |i: usize| rec.get(i).unwrap_or("").to_string();
            let opt = |i: usize| Some(cell(i)).filter(|s| !s.is_empty());
            localities.push(LocalityInfo {
                id: cell(0),
                label: cell(1),
                size_class: opt(2),
                orientation: opt(3),
                typology: opt(4),
                country: opt(5),
                synthetic: cell(6) == "true",
                choices: Vec::new(),
            });
        }
    }
    Ok(Decoded { instrument, dataset, localities })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synth::{SynthParams, SynthSize, synth, synth_localities};

    #[test]
    fn a_synthetic_dataset_round_trips_through_its_stored_form() {
        let ins = Instrument::whole_comm();
        let locs = synth_localities(6, 3);
        let ds = synth(&locs, SynthSize::PerLocality(4), 3, &SynthParams::default(), &ins);
        let enc = encode(&ds, &ins, Some(&locs));
        let dec =
            decode("t", &enc.instrument_toml, &enc.localities_csv, &enc.data).expect("decodes");
        assert_eq!(dec.dataset, ds, "answers, attributes and the synthetic flag survive");
        assert_eq!(dec.localities, locs);
        assert_eq!(dec.instrument, ins);
        assert!(dec.dataset.synthetic);
    }

    #[test]
    fn a_damaged_store_names_the_survey_and_the_part() {
        let ins = Instrument::whole_comm();
        let e = decode("wave", &ins.to_toml_string(), "", "respondent,locality\nr1")
            .expect_err("no role column");
        assert_eq!((e.name.as_str(), e.what), ("wave", "data"));
        let e = decode("wave", "not = [toml", "", "").expect_err("bad instrument");
        assert_eq!(e.what, "instrument");
    }
}
