//! Mapping files: how the columns and values of a survey tool's export (Qualtrics, LimeSurvey,
//! KoboToolbox, or any wide table) become the instrument's respondents and answers; reading an
//! export through a mapping; recognising the tool from the header; drafting a mapping.
//!
//! Pure: bytes and TOML text in, [`Dataset`] (or every problem, located by file, row and column)
//! out. The format is specified in docs/survey.md ("Survey-tool exports and mapping files").

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use serde::Deserialize;

use crate::dataset::Dataset;
use crate::instrument::{Instrument, PerceptionKind, PerceptionOption, ScaleLabel};
use crate::intake::{
    FileKind, IntakeErrorKind, IntakeErrors, Item, ReadOptions, Rows, Source, State, WideCol,
    is_missing, list,
};

/// Resolves a locality name or code to a locality id (the caller's knowledge of localities).
pub type LocalityResolver<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The version of the mapping format this code reads.
pub const MAPPING_VERSION: u32 = 1;

/// A survey tool whose exports are recognised from their header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// Qualtrics CSV/TSV/XLSX: three header rows (ids, question texts, ImportId JSON).
    Qualtrics,
    /// LimeSurvey CSV with question codes (`freqp1[SQ001]`).
    LimeSurvey,
    /// KoboToolbox CSV/XLSX with group paths (`grp_interactions/freq_p1_…`) and `_id`, `_uuid`.
    Kobo,
}

impl Tool {
    /// Display name.
    pub fn name(self) -> &'static str {
        match self {
            Tool::Qualtrics => "Qualtrics",
            Tool::LimeSurvey => "LimeSurvey",
            Tool::Kobo => "KoboToolbox",
        }
    }
    /// Id used in mapping files (`tool = "…"`).
    pub fn id(self) -> &'static str {
        match self {
            Tool::Qualtrics => "qualtrics",
            Tool::LimeSurvey => "limesurvey",
            Tool::Kobo => "kobo",
        }
    }
    /// The metadata columns the tool adds to every export (ignored by a drafted mapping).
    pub fn metadata(self) -> &'static [&'static str] {
        match self {
            Tool::Qualtrics => &[
                "StartDate",
                "EndDate",
                "Status",
                "IPAddress",
                "Progress",
                "Duration (in seconds)",
                "Finished",
                "RecordedDate",
                "RecipientLastName",
                "RecipientFirstName",
                "RecipientEmail",
                "ExternalReference",
                "ExternalDataReference",
                "LocationLatitude",
                "LocationLongitude",
                "DistributionChannel",
                "UserLanguage",
                "Q_RecaptchaScore",
                "Q_RelevantIDDuplicate",
                "Q_RelevantIDDuplicateScore",
                "Q_RelevantIDFraudScore",
                "Q_RelevantIDLastStartDate",
            ],
            Tool::LimeSurvey => &[
                "submitdate",
                "lastpage",
                "startlanguage",
                "seed",
                "startdate",
                "datestamp",
                "ipaddr",
                "refurl",
                "token",
            ],
            Tool::Kobo => &[
                "start",
                "end",
                "today",
                "deviceid",
                "username",
                "simserial",
                "subscriberid",
                "phonenumber",
                "audit",
                "_id",
                "_submission_time",
                "_validation_status",
                "_notes",
                "_status",
                "_submitted_by",
                "__version__",
                "_tags",
                "_index",
                "meta/instanceID",
                "formhub/uuid",
                "_attachments",
                "_geolocation",
                "_xform_id_string",
            ],
        }
    }
    /// The column that identifies a response.
    fn respondent_column(self) -> &'static str {
        match self {
            Tool::Qualtrics => "ResponseId",
            Tool::LimeSurvey => "id",
            Tool::Kobo => "_uuid",
        }
    }
}

/// Recognise a survey tool from the first header row.
pub fn detect_tool(header: &[String]) -> Option<Tool> {
    let has = |n: &str| header.iter().any(|h| h.trim() == n);
    if (has("ResponseId") || has("ResponseID")) && (has("StartDate") || has("RecordedDate")) {
        return Some(Tool::Qualtrics);
    }
    if [has("submitdate"), has("lastpage"), has("startlanguage")].iter().filter(|b| **b).count()
        >= 2
    {
        return Some(Tool::LimeSurvey);
    }
    if has("_submission_time") && (has("_uuid") || has("_index") || has("_id")) {
        return Some(Tool::Kobo);
    }
    None
}

/// A mapping file as written (TOML). See docs/survey.md for every key.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingFile {
    mapping_version: u32,
    tool: Option<String>,
    #[serde(default = "one")]
    header_rows: usize,
    #[serde(default = "one")]
    names_row: usize,
    #[serde(default)]
    missing: Vec<toml::Value>,
    multi_separator: Option<String>,
    #[serde(default)]
    ignore: Vec<String>,
    #[serde(default)]
    unplaced: Vec<String>,
    columns: ColumnsFile,
    #[serde(default)]
    answers: BTreeMap<String, String>,
    #[serde(default)]
    recode: BTreeMap<String, BTreeMap<String, toml::Value>>,
    #[serde(default)]
    localities: BTreeMap<String, String>,
}

fn one() -> usize {
    1
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct ColumnsFile {
    respondent: String,
    locality: String,
    role: Option<String>,
    affiliation: Option<String>,
    default_role: Option<String>,
}

/// What one column of the export holds.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    Answer(Item, Option<usize>),
    /// A checkbox column of a multi-choice perception item: (item, option).
    Checkbox(usize, usize),
}

/// A validated mapping: columns → respondent attributes and answers, value recodes, missing
/// codes, header rows, ignored columns, locality names.
#[derive(Debug, Clone, PartialEq)]
pub struct Mapping {
    /// The tool named in the file, if any (informational).
    pub tool: Option<String>,
    /// Rows before the first respondent (≥ 1).
    pub header_rows: usize,
    /// The row (1-based, ≤ `header_rows`) that names the columns.
    pub names_row: usize,
    /// Codes read as missing in every column, beside empty, `NA` and `N/A`.
    pub missing: Vec<String>,
    /// Separator of the options of a multi-choice answer in one cell (default `;`).
    pub multi_separator: String,
    /// Columns read as nothing.
    pub ignore: Vec<String>,
    /// Columns a draft could not place (an import refuses while any is listed).
    pub unplaced: Vec<String>,
    /// Column of the respondent id.
    pub respondent: String,
    /// Column of the locality.
    pub locality: String,
    /// Column of the role (or every respondent has `default_role`).
    pub role: Option<String>,
    /// Column of the affiliation, if any.
    pub affiliation: Option<String>,
    /// Role of every respondent when there is no role column.
    pub default_role: Option<String>,
    /// Column → what it holds, as written (`freq_p1_<actor>`, a perception id, `<multi id>:<option>`).
    pub answers: BTreeMap<String, String>,
    targets: BTreeMap<String, Target>,
    /// Scope (`*`, `freq`, `nature`, `role`, `affiliation`, `locality`, a perception id, or a
    /// column name) → value → replacement.
    pub recode: BTreeMap<String, BTreeMap<String, String>>,
    /// Locality name or code → locality id.
    pub localities: BTreeMap<String, String>,
}

/// A mapping file that cannot be used, with every problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {} problem(s) in the mapping:\n{}", .problems.len(), .problems.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
pub struct MappingError {
    /// File name as given.
    pub file: String,
    /// What is wrong, one sentence each.
    pub problems: Vec<String>,
}

fn value_text(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// Problems of a mapping file's version, header rows and role column.
fn settings_problems(raw: &MappingFile, ins: &Instrument) -> Vec<String> {
    let mut problems = Vec::new();
    if raw.mapping_version != MAPPING_VERSION {
        problems.push(format!(
            "mapping_version = {}: this mlgov reads version {MAPPING_VERSION}",
            raw.mapping_version
        ));
    }
    if raw.header_rows == 0 || raw.names_row == 0 || raw.names_row > raw.header_rows {
        problems.push(format!(
            "header_rows = {} and names_row = {}: expected 1 ≤ names_row ≤ header_rows",
            raw.header_rows, raw.names_row
        ));
    }
    if raw.columns.role.is_none() && raw.columns.default_role.is_none() {
        problems.push(
            "[columns]: give `role` (a column) or `default_role` (a role id for every respondent)"
                .into(),
        );
    }
    if let Some(r) = &raw.columns.default_role
        && ins.role_index(r).is_none()
    {
        problems.push(format!(
            "[columns] default_role {r:?}: expected one of {}",
            list(ins.roles.iter().map(|r| &r.id))
        ));
    }
    problems
}

/// What each `[answers]` column holds; a target that is no item, or held twice, is a problem.
fn answer_targets(
    raw: &MappingFile,
    file: &str,
    ins: &Instrument,
    problems: &mut Vec<String>,
) -> BTreeMap<String, Target> {
    let probe = State::new(file, ins, None);
    let mut targets = BTreeMap::new();
    let mut seen_targets: HashMap<String, String> = HashMap::new();
    for (col, t) in &raw.answers {
        let target = match t.split_once(':') {
            Some((item, option)) => match checkbox_target(ins, col, t, item, option) {
                Ok(target) => target,
                Err(problem) => {
                    problems.push(problem);
                    continue;
                }
            },
            None => match probe.wide_item(t) {
                Some(WideCol::Answer(item, period)) => Some(Target::Answer(item, period)),
                _ => None,
            },
        };
        let Some(target) = target else {
            let multi: Vec<String> = ins
                .perceptions
                .iter()
                .filter(|p| p.kind == PerceptionKind::Multi)
                .map(|p| format!("{}:<option>", p.id))
                .collect();
            problems.push(format!(
                "[answers] {col:?} = {t:?}: expected freq_<period>_<actor>, nature_<period>_<actor>, a perception id ({}){}",
                list(ins.perceptions.iter().map(|p| &p.id)),
                if multi.is_empty() { String::new() } else { format!(" or a checkbox {}", multi.join(", ")) }
            ));
            continue;
        };
        if let Some(first) = seen_targets.insert(t.clone(), col.clone()) {
            problems.push(format!(
                "[answers] {col:?} and {first:?} both hold {t:?}; expected one column per item"
            ));
        }
        targets.insert(col.clone(), target);
    }
    targets
}

/// `<item>:<option>`: a checkbox column of a multi-choice item (`Ok(None)` when `item` is no
/// multi-choice item; `Err` with the problem for an unknown option).
fn checkbox_target(
    ins: &Instrument,
    col: &str,
    t: &str,
    item: &str,
    option: &str,
) -> Result<Option<Target>, String> {
    let Some(i) =
        ins.perceptions.iter().position(|p| p.id == item && p.kind == PerceptionKind::Multi)
    else {
        return Ok(None);
    };
    match ins.perceptions[i].options.iter().position(|o| o.id == option) {
        Some(o) => Ok(Some(Target::Checkbox(i, o))),
        None => Err(format!(
            "[answers] {col:?} = {t:?}: unknown option {option:?}; expected one of {}",
            list(ins.perceptions[i].options.iter().map(|o| &o.id))
        )),
    }
}

/// A multi-choice item comes from one column or from checkbox columns, not both.
fn both_forms_problems(
    targets: &BTreeMap<String, Target>,
    ins: &Instrument,
    problems: &mut Vec<String>,
) {
    for (col, t) in targets {
        if let Target::Answer(Item::Perception(i), _) = t
            && let Some((other, _)) =
                targets.iter().find(|(_, u)| matches!(u, Target::Checkbox(j, _) if j == i))
        {
            problems.push(format!(
                "[answers] {col:?} and the checkbox column {other:?} both hold {:?}; use one form",
                ins.perceptions[*i].id
            ));
        }
    }
}

/// A column may have one role only.
fn column_use_problems(raw: &MappingFile, problems: &mut Vec<String>) {
    let mut uses: HashMap<&str, Vec<&str>> = HashMap::new();
    let attrs = [
        ("respondent", Some(&raw.columns.respondent)),
        ("locality", Some(&raw.columns.locality)),
        ("role", raw.columns.role.as_ref()),
        ("affiliation", raw.columns.affiliation.as_ref()),
    ];
    for (what, col) in attrs {
        if let Some(c) = col {
            uses.entry(c.as_str()).or_default().push(what);
        }
    }
    for c in raw.answers.keys() {
        uses.entry(c.as_str()).or_default().push("answers");
    }
    for c in &raw.ignore {
        uses.entry(c.as_str()).or_default().push("ignore");
    }
    let mut multi_use: Vec<_> = uses.iter().filter(|(_, v)| v.len() > 1).collect();
    multi_use.sort();
    for (c, v) in multi_use {
        problems.push(format!(
            "column {c:?} is mapped more than once ({}); expected one place per column",
            v.join(", ")
        ));
    }
}

impl Mapping {
    /// Parse and validate a mapping file against the instrument. Every problem is listed.
    pub fn from_toml_str(
        text: &str,
        file: &str,
        ins: &Instrument,
    ) -> Result<Mapping, MappingError> {
        let fail = |problems: Vec<String>| MappingError { file: file.to_string(), problems };
        let raw: MappingFile = toml::from_str(text)
            .map_err(|e| fail(vec![crate::instrument::toml_message(text, &e)]))?;
        let mut problems = settings_problems(&raw, ins);
        let targets = answer_targets(&raw, file, ins, &mut problems);
        both_forms_problems(&targets, ins, &mut problems);
        column_use_problems(&raw, &mut problems);
        let missing: Vec<String> = raw.missing.iter().map(value_text).collect();
        let recode = raw
            .recode
            .iter()
            .map(|(scope, m)| {
                (scope.clone(), m.iter().map(|(k, v)| (k.clone(), value_text(v))).collect())
            })
            .collect();
        if !problems.is_empty() {
            return Err(fail(problems));
        }
        Ok(Mapping {
            tool: raw.tool,
            header_rows: raw.header_rows,
            names_row: raw.names_row,
            missing,
            multi_separator: raw.multi_separator.unwrap_or_else(|| ";".into()),
            ignore: raw.ignore,
            unplaced: raw.unplaced,
            respondent: raw.columns.respondent,
            locality: raw.columns.locality,
            role: raw.columns.role,
            affiliation: raw.columns.affiliation,
            default_role: raw.columns.default_role,
            answers: raw.answers,
            targets,
            recode,
            localities: raw.localities,
        })
    }

    /// Apply missing codes and recodes to a cell: the column's recode first, then its scope's,
    /// then the global `*`. Returns "" for a missing value.
    fn clean(&self, column: &str, scope: &str, raw: &str) -> String {
        let v = raw.trim();
        if is_missing(v) || self.missing.iter().any(|m| m == v) {
            return String::new();
        }
        let found =
            [column, scope, "*"].iter().find_map(|s| self.recode.get(*s).and_then(|m| m.get(v)));
        match found {
            Some(r) if is_missing(r.trim()) || self.missing.iter().any(|m| m == r.trim()) => {
                String::new()
            }
            Some(r) => r.trim().to_string(),
            None => v.to_string(),
        }
    }
}

/// Options of an import through a mapping.
#[derive(Clone, Copy, Default)]
pub struct MappingOptions<'a> {
    /// Container.
    pub kind: Option<FileKind>,
    /// Encoding, separator, limits.
    pub read: ReadOptions,
    /// When given, every locality must be in this set.
    pub known_localities: Option<&'a HashSet<String>>,
    /// Resolves a locality name or code (after the mapping's `[localities]` table) to an id.
    pub locality_names: Option<LocalityResolver<'a>>,
}

fn norm(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// A scale value given by its label (`Weekly` → 4): label or short label, case-insensitive.
fn scale_by_label(labels: &[ScaleLabel], v: &str) -> Option<String> {
    let n = norm(v);
    labels
        .iter()
        .find(|l| norm(&l.label) == n || l.short.as_deref().is_some_and(|s| norm(s) == n))
        .map(|l| l.value.to_string())
}

/// An id given by itself or by its label, case-insensitive.
fn id_by_label<'i>(items: impl Iterator<Item = (&'i str, &'i str)>, v: &str) -> Option<String> {
    let n = norm(v);
    let mut by_label = None;
    for (id, label) in items {
        if id == v {
            return Some(id.to_string());
        }
        if norm(id) == n || norm(label) == n {
            by_label = Some(id.to_string());
        }
    }
    by_label
}

enum ColPlan {
    Ignore,
    Respondent,
    Locality,
    Role,
    Affiliation,
    Target(Target),
}

/// Read a survey tool's export through a mapping. Every problem is reported with the file, its
/// row and the export's own column name; the dataset is returned only when there is none. A
/// respondent whose answers are all missing is kept (with every answer missing).
pub fn read_mapped(
    bytes: &[u8],
    file: &str,
    ins: &Instrument,
    mapping: &Mapping,
    opts: MappingOptions<'_>,
) -> Result<Dataset, IntakeErrors> {
    let mut st = State::new(file, ins, opts.known_localities);
    st.attr_cols = [
        mapping.respondent.clone(),
        mapping.locality.clone(),
        mapping.role.clone().unwrap_or_else(|| "role".into()),
        mapping.affiliation.clone().unwrap_or_else(|| "affiliation".into()),
    ];
    let kind = opts.kind.unwrap_or_else(|| FileKind::from_name(file));
    if !mapping.unplaced.is_empty() {
        st.err(0, None, IntakeErrorKind::Unreadable(format!(
            "the mapping still lists unplaced columns ({}); place each under [answers] or [columns], or add it to `ignore`, then remove it from `unplaced`",
            mapping.unplaced.join(", ")
        )));
        return st.finish();
    }
    let Some(src) = Source::open(bytes, kind, &opts.read, &mut st) else { return st.finish() };
    let mut rows = src.rows(&opts.read.limits);
    let mut cells = Vec::new();
    let Some((header, names_line)) =
        read_header_rows(mapping, &src, &mut rows, &mut st, &mut cells)
    else {
        return st.finish();
    };
    rows.set_header(&header);
    let Some(plan) = plan_columns(mapping, &header, names_line, &mut st) else {
        return st.finish();
    };
    let read = MappedRow { mapping, ins, names: opts.locality_names, plan: &plan, header: &header };
    while let Some(row) = rows.next(&mut st, &mut cells) {
        if cells.iter().all(|s| s.trim().is_empty()) {
            continue;
        }
        if !src.fit_width(row, &mut cells, header.len(), &mut st) {
            continue;
        }
        let r = read.respondent(&mut st, row, &cells);
        read.answers(&mut st, row, r, &cells);
    }
    st.finish()
}

/// Read the header rows; the names row's cells and its line, or `None` (with an error) when the
/// file ends before them.
fn read_header_rows(
    mapping: &Mapping,
    src: &Source<'_>,
    rows: &mut Rows<'_>,
    st: &mut State<'_>,
    cells: &mut Vec<String>,
) -> Option<(Vec<String>, usize)> {
    let mut header = None;
    let mut names_line = 0;
    for i in 1..=mapping.header_rows {
        if rows.next(st, cells).is_none() {
            if st.error_count() == 0 {
                st.err(
                    0,
                    None,
                    IntakeErrorKind::Unreadable(format!(
                        "the file ends before its {} header row(s)",
                        mapping.header_rows
                    )),
                );
            }
            return None;
        }
        if i == mapping.names_row {
            header = Some(src.header_cells(cells));
            names_line = i;
        }
    }
    Some((header.unwrap_or_default(), names_line))
}

/// Plan each column; report columns the mapping does not place and names it gives that the file
/// lacks (then `None`).
fn plan_columns(
    mapping: &Mapping,
    header: &[String],
    names_line: usize,
    st: &mut State<'_>,
) -> Option<Vec<ColPlan>> {
    let mut plan = Vec::with_capacity(header.len());
    let mut seen = HashSet::new();
    let mut header_ok = true;
    for h in header {
        let p = if h == &mapping.respondent {
            Some(ColPlan::Respondent)
        } else if h == &mapping.locality {
            Some(ColPlan::Locality)
        } else if Some(h) == mapping.role.as_ref() {
            Some(ColPlan::Role)
        } else if Some(h) == mapping.affiliation.as_ref() {
            Some(ColPlan::Affiliation)
        } else if let Some(t) = mapping.targets.get(h) {
            Some(ColPlan::Target(t.clone()))
        } else if mapping.ignore.contains(h) || h.is_empty() {
            Some(ColPlan::Ignore)
        } else {
            None
        };
        if !seen.insert(h.clone()) && !h.is_empty() && !matches!(p, Some(ColPlan::Ignore)) {
            st.err(names_line, Some(h), IntakeErrorKind::DuplicateColumn);
            header_ok = false;
        }
        match p {
            Some(p) => plan.push(p),
            None => {
                st.err(names_line, Some(h), IntakeErrorKind::UnknownColumn { expected: "the mapping's columns: place it under [answers] or [columns], or add it to `ignore`".into() });
                header_ok = false;
                plan.push(ColPlan::Ignore);
            }
        }
    }
    let named = [
        Some(&mapping.respondent),
        Some(&mapping.locality),
        mapping.role.as_ref(),
        mapping.affiliation.as_ref(),
    ]
    .into_iter()
    .flatten()
    .chain(mapping.answers.keys());
    for c in named {
        if !seen.contains(c) {
            st.err(names_line, Some(c), IntakeErrorKind::MissingColumn);
            header_ok = false;
        }
    }
    header_ok.then_some(plan)
}

/// What [`read_mapped`] needs to read one data row.
struct MappedRow<'m> {
    mapping: &'m Mapping,
    ins: &'m Instrument,
    names: Option<LocalityResolver<'m>>,
    plan: &'m [ColPlan],
    header: &'m [String],
}

impl MappedRow<'_> {
    /// The row's respondent from its attribute columns (recoded, labels turned into ids).
    fn respondent(&self, st: &mut State<'_>, row: usize, cells: &[String]) -> Option<usize> {
        let (mapping, ins) = (self.mapping, self.ins);
        let (mut id, mut loc, mut role, mut aff) =
            (String::new(), String::new(), mapping.default_role.clone().unwrap_or_default(), None);
        for (i, p) in self.plan.iter().enumerate() {
            let h = self.header[i].as_str();
            match p {
                ColPlan::Respondent => id = cells[i].trim().to_string(),
                ColPlan::Locality => {
                    let v = mapping.clean(h, "locality", &cells[i]);
                    loc = resolve_locality(mapping, self.names, &v);
                }
                ColPlan::Role => {
                    let v = mapping.clean(h, "role", &cells[i]);
                    role = id_by_label(
                        ins.roles.iter().map(|r| (r.id.as_str(), r.label.as_str())),
                        &v,
                    )
                    .unwrap_or(v);
                }
                ColPlan::Affiliation => {
                    let v = mapping.clean(h, "affiliation", &cells[i]);
                    aff = Some(
                        id_by_label(
                            ins.affiliations.iter().map(|r| (r.id.as_str(), r.label.as_str())),
                            &v,
                        )
                        .unwrap_or(v),
                    );
                }
                _ => {}
            }
        }
        st.respondent(row, &id, &loc, &role, aff.as_deref(), None, true)
    }

    /// The row's answers: answer columns one by one, checkbox columns gathered per item.
    fn answers(&self, st: &mut State<'_>, row: usize, r: Option<usize>, cells: &[String]) {
        let (mapping, ins) = (self.mapping, self.ins);
        let sep = mapping.multi_separator.as_str();
        // Checkbox columns: per multi item, (first column, answered, chosen options).
        let mut boxes: BTreeMap<usize, (String, bool, Vec<String>)> = BTreeMap::new();
        for (i, p) in self.plan.iter().enumerate() {
            let h = self.header[i].as_str();
            let ColPlan::Target(t) = p else { continue };
            match t {
                Target::Answer(item, period) => {
                    let value = answer_text(mapping, ins, h, *item, &cells[i], sep);
                    st.answer(row, h, r, *item, h, *period, &value);
                }
                Target::Checkbox(pi, o) => {
                    let it = &ins.perceptions[*pi];
                    let v = mapping.clean(h, &it.id, &cells[i]);
                    let e = boxes.entry(*pi).or_insert_with(|| (h.to_string(), false, Vec::new()));
                    checkbox(st, row, h, &it.options[*o], &v, e);
                }
            }
        }
        for (pi, (col, answered, chosen)) in boxes {
            let text = if !answered {
                String::new()
            } else if chosen.is_empty() {
                "none".into()
            } else {
                chosen.join(";")
            };
            let name = ins.perceptions[pi].id.clone();
            st.answer(row, &col, r, Item::Perception(pi), &name, None, &text);
        }
    }
}

/// Read one checkbox cell `v` (recoded) into its item's (first column, answered, chosen options).
fn checkbox(
    st: &mut State<'_>,
    row: usize,
    h: &str,
    opt: &PerceptionOption,
    v: &str,
    e: &mut (String, bool, Vec<String>),
) {
    let n = norm(v);
    if v.is_empty() {
        return;
    }
    if ["1", "y", "yes", "true", "x", "checked", "selected"].contains(&n.as_str())
        || n == norm(&opt.id)
        || n == norm(&opt.label)
    {
        e.1 = true;
        e.2.push(opt.id.clone());
    } else if ["0", "n", "no", "false", "unchecked", "not selected"].contains(&n.as_str()) {
        e.1 = true;
    } else {
        st.err(
            row,
            Some(h),
            IntakeErrorKind::UnknownCategory {
                what: "checkbox value",
                value: v.to_string(),
                expected: format!("1/0, Y/N, yes/no, true/false, {:?} or empty", opt.id),
            },
        );
    }
}

fn resolve_locality(mapping: &Mapping, names: Option<LocalityResolver<'_>>, v: &str) -> String {
    if v.is_empty() {
        return String::new();
    }
    if let Some(id) = mapping.localities.get(v) {
        return id.clone();
    }
    let n = norm(v);
    if let Some((_, id)) = mapping.localities.iter().find(|(k, _)| norm(k) == n) {
        return id.clone();
    }
    names.and_then(|f| f(v)).unwrap_or_else(|| v.to_string())
}

/// The canonical text of one answer cell: recoded, labels turned into values or option ids,
/// multi-choice parts joined with `;`.
fn answer_text(
    mapping: &Mapping,
    ins: &Instrument,
    column: &str,
    item: Item,
    raw: &str,
    sep: &str,
) -> String {
    match item {
        Item::Freq(_) => {
            let v = mapping.clean(column, "freq", raw);
            scale_by_label(&ins.frequency.labels, &v).unwrap_or(v)
        }
        Item::Nature(_) => {
            let v = mapping.clean(column, "nature", raw);
            scale_by_label(&ins.nature.labels, &v).unwrap_or(v)
        }
        Item::Perception(i) => {
            let it = &ins.perceptions[i];
            let opt = |v: &str| {
                id_by_label(it.options.iter().map(|o| (o.id.as_str(), o.label.as_str())), v)
                    .unwrap_or_else(|| v.to_string())
            };
            match it.kind {
                PerceptionKind::Scale => {
                    let v = mapping.clean(column, &it.id, raw);
                    scale_by_label(&it.labels, &v).unwrap_or(v)
                }
                PerceptionKind::Choice => opt(&mapping.clean(column, &it.id, raw)),
                PerceptionKind::Multi => {
                    let whole = mapping.clean(column, &it.id, raw);
                    if whole.is_empty() {
                        return whole;
                    }
                    let parts: Vec<&str> = if sep.trim().is_empty() {
                        whole.split_whitespace().collect()
                    } else {
                        whole.split(sep).collect()
                    };
                    parts
                        .iter()
                        .map(|p| mapping.clean(column, &it.id, p))
                        .filter(|p| !p.is_empty())
                        .map(|p| opt(&p))
                        .collect::<Vec<_>>()
                        .join(";")
                }
            }
        }
    }
}

// ---- drafting a mapping ---------------------------------------------------------------------

/// A drafted mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// The tool recognised from the header, if any.
    pub tool: Option<Tool>,
    /// The mapping file (TOML), every column listed with its best guess.
    pub toml: String,
    /// Columns placed as answers or respondent attributes.
    pub placed: usize,
    /// Columns ignored as the tool's metadata.
    pub ignored: usize,
    /// Columns that could not be placed (listed in `unplaced`).
    pub unplaced: Vec<String>,
}

struct Guess {
    line: String,
    note: String,
}

fn alnum(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A TOML basic string on one line (control characters escaped): the draft writes values inside
/// comments too, where a multi-line string broke out of the comment and the draft did not parse.
fn toml_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Draft a mapping for an export: recognise the tool, skip its header rows, ignore its metadata
/// columns, and guess for every other column what it holds from its code and question text
/// (matched against the instrument's item, actor, period and option ids and labels). What cannot
/// be placed is listed in `unplaced` and marked `# UNPLACED`; values of the attribute and answer
/// columns that need a recode are listed as comments.
pub fn suggest_mapping(
    bytes: &[u8],
    file: &str,
    ins: &Instrument,
    kind: Option<FileKind>,
    read: &ReadOptions,
    locality_names: Option<LocalityResolver<'_>>,
) -> Result<Suggestion, IntakeErrors> {
    let (names, head) = read_head(bytes, file, ins, kind, read)?;
    let tool = detect_tool(&names);
    let header_rows = header_rows_of(tool, &head);
    let texts = question_texts(tool, header_rows, &names, &head);
    let data: &[Vec<String>] = head.get(header_rows..).unwrap_or(&[]);
    let mut placed = place_columns(ins, tool, &names, &texts);
    placed.ignore_checkboxes(ins);
    let cols = Columns { names: &names, texts: &texts, data };
    let mut t = draft_preamble(file, tool, header_rows, &placed);
    write_placed(&mut t, &placed, &cols);
    t.push_str(&draft_recodes(ins, &placed, &cols));
    write_localities(&mut t, &placed, &cols, locality_names);
    Ok(Suggestion {
        tool,
        toml: t,
        placed: placed.attrs.len() + placed.answers.len(),
        ignored: placed.ignore.len(),
        unplaced: placed.unplaced,
    })
}

/// The columns of an export as [`suggest_mapping`] places them.
#[derive(Default)]
struct Placed {
    /// Respondent attribute → (column, comment to write after it).
    attrs: BTreeMap<&'static str, (String, String)>,
    answers: Vec<(String, Guess)>,
    ignore: Vec<String>,
    unplaced: Vec<String>,
}

/// The header and first data rows of an export, for the draft's comments and recodes.
struct Columns<'a> {
    names: &'a [String],
    texts: &'a [String],
    data: &'a [Vec<String>],
}

impl Columns<'_> {
    fn index(&self, column: &str) -> Option<usize> {
        self.names.iter().position(|n| n == column)
    }

    /// The distinct non-empty values of column `i` in the rows read, in order of appearance.
    fn distinct(&self, i: usize) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        for r in self.data {
            let c = r.get(i).map(|s| s.trim()).unwrap_or("");
            if !c.is_empty() && !v.iter().any(|x| x == c) {
                v.push(c.to_string());
            }
        }
        v
    }
}

/// The header's column names and the first rows of the file (up to 203: the header rows of any
/// tool and 200 rows of answers).
fn read_head(
    bytes: &[u8],
    file: &str,
    ins: &Instrument,
    kind: Option<FileKind>,
    read: &ReadOptions,
) -> Result<(Vec<String>, Vec<Vec<String>>), IntakeErrors> {
    let mut st = State::new(file, ins, None);
    let kind = kind.unwrap_or_else(|| FileKind::from_name(file));
    let Some(src) = Source::open(bytes, kind, read, &mut st) else {
        return Err(st.finish().err().unwrap_or(IntakeErrors(Vec::new(), 0)));
    };
    let mut rows = src.rows(&read.limits);
    let mut head: Vec<Vec<String>> = Vec::new();
    let mut cells = Vec::new();
    while head.len() < 203 && rows.next(&mut st, &mut cells).is_some() {
        head.push(cells.clone());
    }
    if head.is_empty() {
        if st.error_count() == 0 {
            st.err(
                0,
                None,
                IntakeErrorKind::Unreadable("empty file: expected a header row".into()),
            );
        }
        return Err(st.finish().err().unwrap_or(IntakeErrors(Vec::new(), 0)));
    }
    let names = src.header_cells(&head[0]);
    Ok((names, head))
}

/// How many rows the tool writes above the answers (Qualtrics: names, question texts and, in
/// newer exports, import ids).
fn header_rows_of(tool: Option<Tool>, head: &[Vec<String>]) -> usize {
    match tool {
        Some(Tool::Qualtrics) => {
            let import_ids = head.get(2).is_some_and(|r| r.iter().any(|c| c.contains("ImportId")));
            if import_ids {
                3
            } else if head.len() > 1 {
                2
            } else {
                1
            }
        }
        _ => 1,
    }
}

/// Each column's question text: Qualtrics' second header row, else what follows `CODE. `.
fn question_texts(
    tool: Option<Tool>,
    header_rows: usize,
    names: &[String],
    head: &[Vec<String>],
) -> Vec<String> {
    (0..names.len())
        .map(|i| match tool {
            Some(Tool::Qualtrics) if header_rows >= 2 => {
                head[1].get(i).cloned().unwrap_or_default()
            }
            _ => match names[i].split_once(". ") {
                Some((_, t)) => t.to_string(),
                None => String::new(),
            },
        })
        .collect()
}

/// Place every column: respondent id, the tool's metadata, a respondent attribute, an answer,
/// or unplaced.
fn place_columns(
    ins: &Instrument,
    tool: Option<Tool>,
    names: &[String],
    texts: &[String],
) -> Placed {
    let meta: &[&str] = tool.map(Tool::metadata).unwrap_or(&[]);
    let mut p = Placed::default();
    let mut used_targets: HashSet<String> = HashSet::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for (i, name) in names.iter().enumerate() {
        if name.is_empty() {
            continue;
        }
        // A name the header repeats cannot be told apart in a mapping: unplaced, once (placing
        // both wrote one TOML key twice, and the draft did not parse).
        if !seen.insert(name.as_str()) {
            if !p.unplaced.contains(name) {
                p.unplaced.push(name.clone());
            }
            continue;
        }
        let text = &texts[i];
        let code = name.split_once(". ").map(|(c, _)| c).unwrap_or(name);
        let hay = format!("{} {}", alnum(code), alnum(text));
        if tool.is_some_and(|t| t.respondent_column() == code)
            || (!p.attrs.contains_key("respondent")
                && ["respondent", "respondentid", "responseid"].contains(&alnum(code).as_str()))
        {
            p.attrs.insert("respondent", (name.clone(), String::new()));
            continue;
        }
        if meta.contains(&code) || code.starts_with("_") && tool == Some(Tool::Kobo) {
            p.ignore.push(name.clone());
            continue;
        }
        if let Some(a) = attribute_of(code, text)
            && !p.attrs.contains_key(a)
        {
            let note =
                if text.is_empty() { String::new() } else { format!("  # {}", one_line(text)) };
            p.attrs.insert(a, (name.clone(), note));
            continue;
        }
        match guess_answer(ins, code, text, &hay) {
            Some(g) if used_targets.insert(g.line.clone()) => p.answers.push((name.clone(), g)),
            _ => p.unplaced.push(name.clone()),
        }
    }
    p
}

/// The respondent attribute a column holds, from words of its code's last part or its text.
fn attribute_of(code: &str, text: &str) -> Option<&'static str> {
    let leaf = alnum(code.rsplit('/').next().unwrap_or(code));
    if ["locality", "municipality", "city", "town", "commune", "gemeinde", "comune"]
        .iter()
        .any(|k| leaf.contains(k) || alnum(text).contains(k))
    {
        Some("locality")
    } else if ["role", "position", "function"].iter().any(|k| {
        leaf.contains(k) || alnum(text).starts_with(k) || alnum(text).contains(&format!("your{k}"))
    }) {
        Some("role")
    } else if ["affiliation", "party", "political"]
        .iter()
        .any(|k| leaf.contains(k) || alnum(text).contains(k))
    {
        Some("affiliation")
    } else {
        None
    }
}

impl Placed {
    /// A multi-choice item exported both as one column and as checkbox columns (Kobo's default):
    /// keep the one column, ignore the checkboxes.
    fn ignore_checkboxes(&mut self, ins: &Instrument) {
        let combined: HashSet<String> = self
            .answers
            .iter()
            .filter(|(_, g)| {
                ins.perceptions.iter().any(|p| p.id == g.line && p.kind == PerceptionKind::Multi)
            })
            .map(|(_, g)| g.line.clone())
            .collect();
        let ignore = &mut self.ignore;
        self.answers.retain(|(c, g)| match g.line.split_once(':') {
            Some((item, _)) if combined.contains(item) => {
                ignore.push(c.clone());
                false
            }
            _ => true,
        });
    }
}

/// The draft's opening comments and top-level settings.
fn draft_preamble(file: &str, tool: Option<Tool>, header_rows: usize, p: &Placed) -> String {
    let mut t = String::new();
    let _ =
        writeln!(t, "# Mapping drafted by `mlgov survey mapping suggest` from {}.", one_line(file));
    let _ = writeln!(
        t,
        "# CHECK EVERY LINE: guesses are marked `# guess`; columns it could not place are listed in"
    );
    let _ = writeln!(
        t,
        "# `unplaced` and marked `# UNPLACED` (an import refuses until `unplaced` is empty)."
    );
    let _ = writeln!(t, "# Format: docs/survey.md, \"Survey-tool exports and mapping files\".");
    let _ = writeln!(t, "mapping_version = {MAPPING_VERSION}");
    if let Some(tl) = tool {
        let _ = writeln!(t, "tool = {}  # recognised from the header", toml_str(tl.id()));
    }
    let _ = writeln!(t, "header_rows = {header_rows}");
    let _ = writeln!(t, "names_row = 1");
    let _ = writeln!(t, "missing = [\"-99\", \"-77\", \"NA\", \"N/A\"]");
    let _ = writeln!(
        t,
        "multi_separator = {}",
        toml_str(match tool {
            Some(Tool::Qualtrics) => ",",
            Some(Tool::Kobo) => " ",
            _ => ";",
        })
    );
    let toml_list = |v: &[String]| v.iter().map(|c| toml_str(c)).collect::<Vec<_>>().join(", ");
    let _ = writeln!(t, "ignore = [{}]", toml_list(&p.ignore));
    let _ = writeln!(t, "unplaced = [{}]", toml_list(&p.unplaced));
    t
}

/// The `[columns]` and `[answers]` tables, unplaced columns as comments.
fn write_placed(t: &mut String, p: &Placed, cols: &Columns<'_>) {
    let _ = writeln!(t, "\n[columns]");
    for a in ["respondent", "locality", "role", "affiliation"] {
        match p.attrs.get(a) {
            Some((c, note)) => {
                let _ = writeln!(t, "{a} = {}{note}", toml_str(c));
            }
            None if a == "affiliation" => {
                let _ = writeln!(t, "# affiliation = \"…\"  # no column found (optional)");
            }
            None if a == "role" => {
                let _ = writeln!(
                    t,
                    "# role = \"…\"  # UNPLACED: no role column found; or set default_role = \"<role id>\""
                );
            }
            None => {
                let _ = writeln!(t, "{a} = \"\"  # UNPLACED: no {a} column found");
            }
        }
    }
    let _ = writeln!(t, "\n[answers]");
    for (col, g) in &p.answers {
        let _ = writeln!(t, "{} = {}  # {}", toml_str(col), toml_str(&g.line), one_line(&g.note));
    }
    for col in &p.unplaced {
        let i = cols.index(col).unwrap_or(0);
        let text = if cols.texts[i].is_empty() {
            String::new()
        } else {
            format!(" — {}", one_line(&cols.texts[i]))
        };
        let _ = writeln!(t, "# {} = \"?\"  # UNPLACED{text}", toml_str(col));
    }
}

/// The `[recode.*]` tables for values that need a recode: attribute values that are no id or
/// label, answer codes that are no number or scale label.
fn draft_recodes(ins: &Instrument, p: &Placed, cols: &Columns<'_>) -> String {
    let mut recodes = String::new();
    for (a, list_of) in [
        ("role", ins.roles.iter().map(|r| (r.id.as_str(), r.label.as_str())).collect::<Vec<_>>()),
        (
            "affiliation",
            ins.affiliations.iter().map(|r| (r.id.as_str(), r.label.as_str())).collect(),
        ),
    ] {
        let Some(i) = p.attrs.get(a).and_then(|(c, _)| cols.index(c)) else { continue };
        let odd: Vec<String> = cols
            .distinct(i)
            .into_iter()
            .filter(|v| {
                id_by_label(list_of.iter().copied(), v).is_none()
                    && !["NA", "N/A", "-99"].contains(&v.as_str())
            })
            .collect();
        if !odd.is_empty() {
            let _ = writeln!(
                recodes,
                "\n[recode.{a}]  # values seen that are not {a} ids or labels: recode each to one of {}",
                list(list_of.iter().map(|x| x.0))
            );
            for v in odd {
                let _ = writeln!(recodes, "# {} = \"?\"", toml_str(&v));
            }
        }
    }
    for (scope, scale, lo, hi) in [
        ("freq", &ins.frequency.labels, ins.frequency.min, ins.frequency.max),
        ("nature", &ins.nature.labels, ins.nature.answered_min, ins.nature.answered_max),
    ] {
        write_scale_recode(&mut recodes, p, cols, scope, scale, (lo, hi));
    }
    recodes
}

/// The `[recode.<scope>]` table of the answer codes seen in the columns of one scale.
fn write_scale_recode(
    recodes: &mut String,
    p: &Placed,
    cols: &Columns<'_>,
    scope: &str,
    scale: &[ScaleLabel],
    (lo, hi): (i32, i32),
) {
    let mut odd: Vec<String> = Vec::new();
    for (col, g) in &p.answers {
        if !g.line.starts_with(&format!("{scope}_")) {
            continue;
        }
        let Some(i) = cols.index(col) else { continue };
        for v in cols.distinct(i) {
            if mlgov_textfile::parse_number(&v).is_none()
                && scale_by_label(scale, &v).is_none()
                && !["NA", "N/A"].contains(&v.as_str())
                && !odd.contains(&v)
            {
                odd.push(v);
            }
        }
    }
    if odd.is_empty() {
        return;
    }
    odd.sort();
    let _ = writeln!(
        recodes,
        "\n[recode.{scope}]  # answer codes seen in the {scope} columns; expected numbers {lo}..={hi} or the instrument's labels"
    );
    for v in odd {
        let guess = v
            .strip_prefix(['A', 'a'])
            .and_then(|n| n.parse::<i32>().ok())
            .filter(|n| (lo..=hi).contains(n));
        match guess {
            Some(n) => {
                let _ = writeln!(
                    recodes,
                    "{} = {n}  # guess: answer code → its number; check the questionnaire",
                    toml_str(&v)
                );
            }
            None => {
                let _ = writeln!(recodes, "# {} = ?  # UNPLACED value", toml_str(&v));
            }
        }
    }
}

/// The `[localities]` table: locality names or codes seen, resolved to ids where the knowledge
/// base knows them.
fn write_localities(
    t: &mut String,
    p: &Placed,
    cols: &Columns<'_>,
    locality_names: Option<LocalityResolver<'_>>,
) {
    let Some(i) = p.attrs.get("locality").and_then(|(c, _)| cols.index(c)) else { return };
    let vals: Vec<String> =
        cols.distinct(i).into_iter().filter(|v| !v.starts_with("loc:")).collect();
    if vals.is_empty() {
        return;
    }
    let _ = writeln!(t, "\n[localities]  # locality names or codes seen → knowledge-base ids");
    for v in vals {
        match locality_names.and_then(|f| f(&v)) {
            Some(id) => {
                let _ = writeln!(t, "{} = {}", toml_str(&v), toml_str(&id));
            }
            None => {
                let _ = writeln!(t, "# {} = \"loc:…\"  # UNPLACED locality", toml_str(&v));
            }
        }
    }
}

/// Text for a comment of the draft: one line of at most 90 characters, control characters
/// written as `\u{1b}` (TOML refuses them in comments, and the draft did not parse).
fn one_line(s: &str) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let s = if s.chars().count() > 90 {
        format!("{}…", s.chars().take(90).collect::<String>())
    } else {
        s
    };
    if s.chars().any(char::is_control) {
        s.chars()
            .map(
                |c| {
                    if c.is_control() {
                        format!("\\u{{{:x}}}", u32::from(c))
                    } else {
                        c.to_string()
                    }
                },
            )
            .collect()
    } else {
        s
    }
}

/// Guess what an answer column holds from its code and question text.
fn guess_answer(ins: &Instrument, code: &str, text: &str, hay: &str) -> Option<Guess> {
    let code_l = alnum(code);
    let is_freq = code_l.contains("freq")
        || alnum(text).contains("howoften")
        || alnum(text).contains("frequen");
    let is_nature = code_l.contains("natur")
        || code_l.contains("conflict")
        || code_l.contains("collab")
        || alnum(text).contains("conflictual")
        || alnum(text).contains("collaborative");
    if !is_freq && !is_nature {
        return guess_perception(ins, code, text, hay);
    }
    let period = period_of(ins, &code_l, text)?;
    let (a, note) = actor_by_text(ins, text)
        .or_else(|| actor_by_code_words(ins, code, &code_l))
        .or_else(|| actor_by_position(ins, code))?;
    let kind = if is_nature { "nature" } else { "freq" };
    Some(Guess { line: format!("{kind}_{}_{}", ins.periods[period].id, ins.actors[a].id), note })
}

/// A perception item (and, for a checkbox column, its option). Perception items come first:
/// their ids are specific ("attitude", "responsib", "sources").
fn guess_perception(ins: &Instrument, code: &str, text: &str, hay: &str) -> Option<Guess> {
    let code_l = alnum(code);
    let stems = |s: &str| -> Vec<String> {
        words(s).into_iter().filter(|w| w.len() >= 5).map(|w| w.chars().take(6).collect()).collect()
    };
    let p = ins.perceptions.iter().find(|p| {
        let id_stems = stems(&p.id.replace('_', " "));
        id_stems.iter().any(|s| code_l.contains(s.as_str()))
            || stems(&p.label).iter().filter(|s| hay.contains(s.as_str())).count() >= 2
    })?;
    if p.kind == PerceptionKind::Multi {
        // A checkbox column: the option from the code's last part, its text, or its position.
        let tail = code.rsplit(['/', '[']).next().unwrap_or("").trim_end_matches(']');
        let tail_l = alnum(tail);
        let by_name = p.options.iter().position(|o| {
            alnum(&o.id) == tail_l || (!text.is_empty() && alnum(text).ends_with(&alnum(&o.label)))
        });
        if let Some(o) = by_name {
            return Some(Guess {
                line: format!("{}:{}", p.id, p.options[o].id),
                note: format!("guess: checkbox for {:?}", p.options[o].label),
            });
        }
        if let Some(n) = position_code(tail).filter(|_| code.contains(['[', '/'])) {
            let o = p.options.get(n)?;
            return Some(Guess {
                line: format!("{}:{}", p.id, o.id),
                note: format!("guess BY POSITION: {tail} → option {} {:?}; check", n + 1, o.label),
            });
        }
    }
    Some(Guess { line: p.id.clone(), note: format!("guess: {}", p.label) })
}

/// The period: an id in the code (`p1`), or years of the question text.
fn period_of(ins: &Instrument, code_l: &str, text: &str) -> Option<usize> {
    ins.periods.iter().position(|p| code_l.contains(&alnum(&p.id))).or_else(|| {
        ins.periods.iter().position(|p| (p.from..=p.to).any(|y| text.contains(&y.to_string())))
    })
}

/// The actor whose label the question text holds (Qualtrics "… - Trade unions", LimeSurvey
/// "[Trade unions]"), the longest if several.
fn actor_by_text(ins: &Instrument, text: &str) -> Option<(usize, String)> {
    let text_l = alnum(text);
    if text_l.is_empty() {
        return None;
    }
    let mut best = None;
    for (ai, a) in ins.actors.iter().enumerate() {
        let l = alnum(&a.label);
        if text_l.ends_with(&l) || text_l.contains(&l) {
            let len = l.len();
            if best.is_none_or(|(_, bl)| len > bl) {
                best = Some((ai, len));
            }
        }
    }
    let (ai, _) = best?;
    Some((ai, format!("guess: {:?} in the question text", ins.actors[ai].label)))
}

/// The actor whose id's words the code holds best (at least 0.6 of them, and no tie).
fn actor_by_code_words(ins: &Instrument, code: &str, code_l: &str) -> Option<(usize, String)> {
    let code_words: HashSet<String> =
        words(&code.replace(['[', ']', '/'], "_")).into_iter().collect();
    let mut best: Option<(usize, f64)> = None;
    let mut tie = false;
    for (ai, a) in ins.actors.iter().enumerate() {
        let aw = words(&a.id);
        let hits = aw
            .iter()
            .filter(|w| code_words.contains(*w) || code_l.contains(w.as_str()) && w.len() >= 4)
            .count();
        let score = hits as f64 / aw.len() as f64;
        match best {
            Some((_, b)) if score > b => {
                best = Some((ai, score));
                tie = false;
            }
            Some((_, b)) if score == b => tie = true,
            None => best = Some((ai, score)),
            _ => {}
        }
    }
    let (ai, score) = best?;
    if score < 0.6 || tie {
        return None;
    }
    Some((ai, format!("guess: code words match actor {:?}", ins.actors[ai].id)))
}

/// The actor at a subquestion's position (`SQ003` → 3rd actor).
fn actor_by_position(ins: &Instrument, code: &str) -> Option<(usize, String)> {
    let tail = code.rsplit(['[', '_', '/']).next().unwrap_or("").trim_end_matches(']');
    let n = position_code(tail).filter(|_| code.contains('['))?;
    if n >= ins.actors.len() {
        return None;
    }
    let note = format!(
        "guess BY POSITION: {tail} → actor {} {:?}; check against the questionnaire",
        n + 1,
        ins.actors[n].label
    );
    Some((n, note))
}

/// `SQ003` or `3` → Some(2) (0-based position).
fn position_code(s: &str) -> Option<usize> {
    let digits = s.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    if digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
        || s.len() - digits.len() > 3
    {
        return None;
    }
    digits.parse::<usize>().ok().filter(|n| *n >= 1).map(|n| n - 1)
}
