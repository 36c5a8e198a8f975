//! The survey instrument as data: actor categories and their classes, the frequency and nature
//! scales, periods, respondent attributes and perception items, loaded from a versioned TOML file.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

/// The instrument shipped with mlgov (`data/survey/whole-comm-instrument.toml`), embedded at
/// compile time.
pub const WHOLE_COMM_TOML: &str = include_str!("../../../data/survey/whole-comm-instrument.toml");

/// The file format name every instrument file must declare in `format`.
pub const FORMAT_NAME: &str = "mlgov-survey-instrument";
/// The instrument file format version this crate reads.
pub const FORMAT_VERSION: u32 = 1;

/// The class of an actor category (003, Part 3: horizontal, vertical, internal interactions;
/// Figure 3.6 footnote 6: "other interactions" with other local governments).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorClass {
    /// Civil society and the private sector.
    Horizontal,
    /// Regional, national and EU levels of government.
    Vertical,
    /// Other local governments, within the country or abroad.
    OtherLocalGovernments,
    /// Actors within the local government.
    Internal,
}

impl ActorClass {
    /// All classes in report order.
    pub const ALL: [ActorClass; 4] = [
        ActorClass::Horizontal,
        ActorClass::Vertical,
        ActorClass::OtherLocalGovernments,
        ActorClass::Internal,
    ];

    /// The snake_case id used in files.
    pub fn id(self) -> &'static str {
        match self {
            ActorClass::Horizontal => "horizontal",
            ActorClass::Vertical => "vertical",
            ActorClass::OtherLocalGovernments => "other_local_governments",
            ActorClass::Internal => "internal",
        }
    }

    /// A human label.
    pub fn label(self) -> &'static str {
        match self {
            ActorClass::Horizontal => "Horizontal (civil society, private sector)",
            ActorClass::Vertical => "Vertical (regional, national, EU)",
            ActorClass::OtherLocalGovernments => "Other local governments",
            ActorClass::Internal => "Internal (within local government)",
        }
    }
}

impl fmt::Display for ActorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// One point of a labelled scale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScaleLabel {
    /// The value as answered.
    pub value: i32,
    /// Full label.
    pub label: String,
    /// Short label for chart axes.
    #[serde(default)]
    pub short: Option<String>,
    /// Where the label comes from (report or assumption).
    #[serde(default)]
    pub note: Option<String>,
}

/// The frequency scale (0 = no interactions … 5 = daily).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrequencyScale {
    /// Lowest value.
    pub min: i32,
    /// Highest value.
    pub max: i32,
    /// One label per value.
    pub labels: Vec<ScaleLabel>,
}

/// The nature scale as answered (1 … 5) and its reported mapping (answered + offset, −2 … +2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NatureScale {
    /// Lowest answered value.
    pub answered_min: i32,
    /// Highest answered value.
    pub answered_max: i32,
    /// reported = answered + reported_offset.
    pub reported_offset: i32,
    /// Labels keyed by the answered value.
    pub labels: Vec<ScaleLabel>,
}

/// A survey period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Period {
    /// Short id used in files (`p1`).
    pub id: String,
    /// Label (`2016/2017–2019`).
    pub label: String,
    /// First year.
    pub from: i32,
    /// Last year.
    pub to: i32,
    /// Provenance note.
    #[serde(default)]
    pub note: Option<String>,
}

/// An actor category the respondent rates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActorCategory {
    /// Snake-case id used in column and item names.
    pub id: String,
    /// Label.
    pub label: String,
    /// Class of the actor.
    pub class: ActorClass,
}

/// Which side of the "who takes the lead" split a role belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeadSide {
    /// Elected policymakers.
    Elected,
    /// Non-elected local officials.
    Official,
}

/// A respondent role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Role {
    /// Id.
    pub id: String,
    /// Label.
    pub label: String,
    /// Side in the lead analysis, if any.
    #[serde(default)]
    pub lead: Option<LeadSide>,
}

/// A political affiliation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Affiliation {
    /// Id.
    pub id: String,
    /// Label.
    pub label: String,
}

/// One option of a choice or multi-choice perception item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PerceptionOption {
    /// Id.
    pub id: String,
    /// Label.
    pub label: String,
    /// For information sources: specialist (true) or non-specialist (false).
    #[serde(default)]
    pub specialist: Option<bool>,
    /// Provenance note.
    #[serde(default)]
    pub note: Option<String>,
}

/// The answer type of a perception item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PerceptionKind {
    /// An integer scale `min..=max`.
    Scale,
    /// One option.
    Choice,
    /// Any number of options (`;`-separated in files).
    Multi,
}

/// A perception item of file 004.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PerceptionItem {
    /// Id (also the item / column name in files).
    pub id: String,
    /// Label.
    pub label: String,
    /// Answer type.
    pub kind: PerceptionKind,
    /// Scale minimum (scale items).
    #[serde(default)]
    pub min: Option<i32>,
    /// Scale maximum (scale items).
    #[serde(default)]
    pub max: Option<i32>,
    /// Scale labels (scale items).
    #[serde(default)]
    pub labels: Vec<ScaleLabel>,
    /// Options (choice and multi items).
    #[serde(default)]
    pub options: Vec<PerceptionOption>,
    /// Provenance note.
    #[serde(default)]
    pub note: Option<String>,
}

/// A complete survey instrument.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instrument {
    /// Must be [`FORMAT_NAME`].
    pub format: String,
    /// Must be [`FORMAT_VERSION`].
    pub format_version: u32,
    /// Instrument id.
    pub id: String,
    /// Instrument version (semantic version of the questionnaire).
    pub version: String,
    /// Title.
    pub title: String,
    /// Citation of the questionnaire's source.
    #[serde(default)]
    pub source: Option<String>,
    /// Frequency scale.
    pub frequency: FrequencyScale,
    /// Nature scale.
    pub nature: NatureScale,
    /// Periods, in chronological order.
    pub periods: Vec<Period>,
    /// Actor categories.
    pub actors: Vec<ActorCategory>,
    /// Respondent roles.
    pub roles: Vec<Role>,
    /// Political affiliations.
    pub affiliations: Vec<Affiliation>,
    /// Perception items.
    #[serde(default)]
    pub perceptions: Vec<PerceptionItem>,
}

/// Why an instrument file was rejected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InstrumentError {
    /// The TOML did not parse or did not match the schema.
    #[error("{file}: not a valid instrument file: {message}")]
    Toml {
        /// File name.
        file: String,
        /// Parser message (with line and column).
        message: String,
    },
    /// The file parsed but is inconsistent; every problem is listed.
    #[error("{file}: invalid instrument:\n  - {}", problems.join("\n  - "))]
    Invalid {
        /// File name.
        file: String,
        /// One sentence per problem.
        problems: Vec<String>,
    },
}

fn valid_id(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl Instrument {
    /// The Whole-COMM instrument shipped with mlgov.
    pub fn whole_comm() -> Instrument {
        // Parsed and validated once per process; callers get their own copy.
        static PARSED: std::sync::OnceLock<Instrument> = std::sync::OnceLock::new();
        PARSED
            .get_or_init(|| {
                Instrument::from_toml_str(WHOLE_COMM_TOML, "whole-comm-instrument.toml")
                    .expect("the shipped instrument is valid (checked by tests)")
            })
            .clone()
    }

    /// Parse and validate an instrument file. `file` is used in messages only.
    pub fn from_toml_str(text: &str, file: &str) -> Result<Instrument, InstrumentError> {
        let ins: Instrument = toml::from_str(text).map_err(|e| InstrumentError::Toml {
            file: file.to_string(),
            message: toml_message(text, &e),
        })?;
        let problems = ins.problems();
        if problems.is_empty() {
            Ok(ins)
        } else {
            Err(InstrumentError::Invalid { file: file.to_string(), problems })
        }
    }

    /// Serialise back to TOML.
    pub fn to_toml_string(&self) -> String {
        toml::to_string(self).unwrap_or_default()
    }

    /// All consistency problems (empty when valid).
    pub fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        if self.format != FORMAT_NAME {
            p.push(format!("format is {:?}, expected {FORMAT_NAME:?}", self.format));
        }
        if self.format_version != FORMAT_VERSION {
            p.push(format!(
                "format_version is {}, this mlgov reads version {FORMAT_VERSION}",
                self.format_version
            ));
        }
        self.scale_problems(&mut p);
        self.period_problems(&mut p);
        if self.actors.is_empty() {
            p.push("actors: at least one actor category is required".into());
        }
        if self.roles.is_empty() {
            p.push("roles: at least one role is required".into());
        }
        self.id_problems(&mut p);
        for it in &self.perceptions {
            self.perception_problems(it, &mut p);
        }
        p
    }

    /// Problems of the frequency and nature scales.
    fn scale_problems(&self, p: &mut Vec<String>) {
        check_scale(p, "frequency", self.frequency.min, self.frequency.max, &self.frequency.labels);
        if self.frequency.min < 0 || self.frequency.max > 100 {
            p.push("frequency: values must lie within 0..=100".into());
        }
        check_scale(
            p,
            "nature",
            self.nature.answered_min,
            self.nature.answered_max,
            &self.nature.labels,
        );
        // Natures are stored as reported (a byte; -128 marks a missing answer).
        let reported = |v: i32| i64::from(v) + i64::from(self.nature.reported_offset);
        let (lo, hi) = (reported(self.nature.answered_min), reported(self.nature.answered_max));
        if lo < -127 || hi > 127 {
            p.push(format!("nature: reported values (answered + reported_offset) run {lo}..={hi}; they must lie within -127..=127"));
        }
    }

    /// Problems of the periods: none, out of order, or ending before they start.
    fn period_problems(&self, p: &mut Vec<String>) {
        if self.periods.is_empty() {
            p.push("periods: at least one period is required".into());
        }
        for w in self.periods.windows(2) {
            if w[1].from < w[0].from {
                p.push(format!(
                    "periods: {} starts before {}: list periods in chronological order",
                    w[1].id, w[0].id
                ));
            }
        }
        for per in &self.periods {
            if per.to < per.from {
                p.push(format!("period {}: to ({}) is before from ({})", per.id, per.to, per.from));
            }
        }
    }

    /// Ids that are not identifiers, or defined twice.
    fn id_problems(&self, p: &mut Vec<String>) {
        let mut seen = HashSet::new();
        let ids = self
            .periods
            .iter()
            .map(|x| ("period", x.id.as_str()))
            .chain(self.actors.iter().map(|x| ("actor", x.id.as_str())))
            .chain(self.roles.iter().map(|x| ("role", x.id.as_str())))
            .chain(self.affiliations.iter().map(|x| ("affiliation", x.id.as_str())))
            .chain(self.perceptions.iter().map(|x| ("perception", x.id.as_str())));
        for (kind, id) in ids {
            if !valid_id(id) {
                p.push(format!("{kind} id {id:?}: use lowercase letters, digits and '_' only"));
            }
            if !seen.insert((kind, id)) {
                p.push(format!("{kind} id {id:?} is defined twice"));
            }
        }
    }

    /// Problems of one perception item: a name that clashes, a scale without bounds, options.
    fn perception_problems(&self, it: &PerceptionItem, p: &mut Vec<String>) {
        if self
            .actors
            .iter()
            .any(|a| format!("freq_{}", a.id) == it.id || format!("nature_{}", a.id) == it.id)
        {
            p.push(format!("perception {}: clashes with an actor item name", it.id));
        }
        match it.kind {
            PerceptionKind::Scale => match (it.min, it.max) {
                (Some(lo), Some(hi)) => {
                    check_scale(p, &format!("perception {}", it.id), lo, hi, &it.labels)
                }
                _ => p.push(format!("perception {}: a scale item needs min and max", it.id)),
            },
            PerceptionKind::Choice | PerceptionKind::Multi => {
                if it.options.is_empty() {
                    p.push(format!("perception {}: a choice item needs options", it.id));
                }
                let mut o = HashSet::new();
                for opt in &it.options {
                    if !valid_id(&opt.id) || !o.insert(opt.id.as_str()) {
                        p.push(format!(
                            "perception {}: option id {:?} is invalid or repeated",
                            it.id, opt.id
                        ));
                    }
                }
            }
        }
    }

    /// Index of an actor by id.
    pub fn actor_index(&self, id: &str) -> Option<usize> {
        self.actors.iter().position(|a| a.id == id)
    }
    /// Index of a period by id.
    pub fn period_index(&self, id: &str) -> Option<usize> {
        self.periods.iter().position(|a| a.id == id)
    }
    /// Index of a role by id.
    pub fn role_index(&self, id: &str) -> Option<usize> {
        self.roles.iter().position(|a| a.id == id)
    }
    /// Index of an affiliation by id.
    pub fn affiliation_index(&self, id: &str) -> Option<usize> {
        self.affiliations.iter().position(|a| a.id == id)
    }
    /// Index of a perception item by id.
    pub fn perception_index(&self, id: &str) -> Option<usize> {
        self.perceptions.iter().position(|a| a.id == id)
    }
    /// Actor indices belonging to a class.
    pub fn actors_of(&self, class: ActorClass) -> Vec<usize> {
        (0..self.actors.len()).filter(|&i| self.actors[i].class == class).collect()
    }
    /// Classes that have at least one actor, in report order.
    pub fn classes(&self) -> Vec<ActorClass> {
        ActorClass::ALL.into_iter().filter(|c| self.actors.iter().any(|a| a.class == *c)).collect()
    }
    /// Short label of a frequency value (falls back to the number).
    pub fn frequency_short(&self, v: i32) -> String {
        short_label(&self.frequency.labels, v)
    }
}

/// A TOML error with its place. The reader gives a line and column for every error but one: a
/// nesting deeper than it allows ("recursion limit"), placed here at the first line that nests
/// deepest (brackets, braces and dotted keys outside strings and comments).
pub(crate) fn toml_message(text: &str, e: &toml::de::Error) -> String {
    let message = e.to_string().trim().to_string();
    if e.span().is_some() {
        return message;
    }
    let (mut depth, mut best, mut at) = (0usize, 0usize, (1usize, 1usize));
    for (i, line) in text.split('\n').enumerate() {
        let (mut dots, mut quote, mut escaped) = (0usize, None::<char>, false);
        for (j, ch) in line.chars().enumerate() {
            match (quote, ch) {
                (Some('"'), '\\') if !escaped => {
                    escaped = true;
                    continue;
                }
                (Some(q), c) if c == q && !escaped => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(ch),
                (None, '#') => break,
                (None, '[' | '{') => depth += 1,
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                (None, '.') => dots += 1,
                _ => {}
            }
            escaped = false;
            if depth + dots > best {
                (best, at) = (depth + dots, (i + 1, j + 1));
            }
        }
    }
    format!("{message}: nested too deeply, first at line {}, column {}", at.0, at.1)
}

fn short_label(labels: &[ScaleLabel], v: i32) -> String {
    labels
        .iter()
        .find(|l| l.value == v)
        .map(|l| l.short.clone().unwrap_or_else(|| l.label.clone()))
        .unwrap_or_else(|| v.to_string())
}

fn check_scale(p: &mut Vec<String>, what: &str, min: i32, max: i32, labels: &[ScaleLabel]) {
    if max <= min {
        p.push(format!("{what}: max ({max}) must be greater than min ({min})"));
        return;
    }
    for l in labels {
        if l.value < min || l.value > max {
            p.push(format!("{what}: label for {} lies outside {min}..={max}", l.value));
        }
    }
    // The values are walked through the labelled ones and the first few gaps, so that a scale of
    // billions of values (`min = -2147483648`) costs what its labels cost, not a loop over them.
    const SHOWN: u64 = 10;
    let mut counts: std::collections::BTreeMap<i32, usize> = std::collections::BTreeMap::new();
    for l in labels.iter().filter(|l| (min..=max).contains(&l.value)) {
        *counts.entry(l.value).or_default() += 1;
    }
    let mut unlabelled: u64 = 0;
    let mut gap = |p: &mut Vec<String>, from: i64, to: i64| {
        for v in from..to.min(from + SHOWN.saturating_sub(unlabelled) as i64) {
            p.push(format!("{what}: value {v} has no label"));
        }
        unlabelled += (to - from).max(0) as u64;
    };
    let mut next = i64::from(min);
    for (&v, &n) in &counts {
        gap(p, next, i64::from(v));
        if n > 1 {
            p.push(format!("{what}: value {v} is labelled twice"));
        }
        next = i64::from(v) + 1;
    }
    gap(p, next, i64::from(max) + 1);
    if unlabelled > SHOWN {
        p.push(format!("{what}: {} more values have no label", unlabelled - SHOWN));
    }
}
