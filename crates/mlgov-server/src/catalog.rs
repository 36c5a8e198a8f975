//! The surveys of a snapshot: the catalogue of stored datasets (decoded on first use), collected
//! surveys and their latest published releases, and who sees what of them ([`Audience`]: live
//! figures of a project's datasets for its researchers, releases for everyone else; [`View`]).
//! Below the snapshot (`state.rs`), which holds a catalogue; the figures are computed above
//! (`survey.rs`, `mlgov_survey::dashboard`).

use std::collections::BTreeSet;
use std::sync::{Arc, OnceLock};

use mlgov_auth::{Principal, Role};
use mlgov_store::{Store, StoreError, StoredSurvey, SurveyOrigin, SurveySummary};
use mlgov_survey::publish::PublishedFigures;
use mlgov_survey::stored::Decoded;
use mlgov_survey::{Instrument, LocalityInfo};

use crate::digest::fnv1a;
use crate::error::ApiError;

/// The answers of a survey in the catalogue: a stored dataset (decoded on first use) or the
/// submitted answers of a collected survey.
pub struct DatasetEntry {
    /// What the store lists about it (origin `collected` for a collected survey).
    pub summary: SurveySummary,
    stored: Option<StoredSurvey>,
    decoded: OnceLock<Result<Arc<Decoded>, String>>,
}

impl DatasetEntry {
    /// A stored dataset.
    fn stored(stored: StoredSurvey) -> DatasetEntry {
        DatasetEntry {
            summary: stored.summary.clone(),
            stored: Some(stored),
            decoded: OnceLock::new(),
        }
    }

    /// The submitted answers of a collected survey.
    fn collected(c: CollectedSurvey) -> DatasetEntry {
        let summary = SurveySummary {
            name: c.name,
            version: 0,
            origin: SurveyOrigin::Collected,
            synthetic: c.dataset.synthetic,
            project: Some(c.project),
            source_file: String::new(),
            instrument_id: c.instrument.id.clone(),
            instrument_version: c.instrument.version.clone(),
            respondents: c.dataset.len() as i64,
            written_at: String::new(),
        };
        let decoded = OnceLock::new();
        let _ = decoded.set(Ok(Arc::new(Decoded {
            instrument: c.instrument,
            dataset: c.dataset,
            localities: Vec::new(),
        })));
        DatasetEntry { summary, stored: None, decoded }
    }

    /// The instrument alone (a release view needs it for charts; reading it never decodes the
    /// answers).
    pub fn instrument(&self) -> Option<Instrument> {
        match &self.stored {
            Some(st) => Instrument::from_toml_str(&st.instrument_toml, &st.summary.name).ok(),
            None => self.decoded().ok().map(|d| d.instrument.clone()),
        }
    }

    /// The instrument, answers and generated localities (decoded once per snapshot).
    pub fn decoded(&self) -> Result<Arc<Decoded>, ApiError> {
        self.decoded
            .get_or_init(|| match &self.stored {
                Some(st) => mlgov_survey::stored::decode(
                    &st.summary.name,
                    &st.instrument_toml,
                    &st.localities_csv,
                    &st.data,
                )
                .map(Arc::new)
                .map_err(|e| e.to_string()),
                None => Err(format!("survey {:?} has no answers loaded", self.summary.name)),
            })
            .clone()
            .map_err(ApiError::Internal)
    }
}

/// A collected survey (answers to invitation links) with its submitted answers, for the
/// catalogue (`mlgov_collect::collected_dataset`).
pub struct CollectedSurvey {
    /// Name.
    pub name: String,
    /// Owning project.
    pub project: String,
    /// Instrument.
    pub instrument: Instrument,
    /// Submitted answers.
    pub dataset: mlgov_survey::Dataset,
}

/// Every collected survey in the database at `location` with its submitted answers; none when
/// the collection tables cannot be read (then only stored datasets and releases are listed).
pub fn collected_surveys(location: &str) -> Result<Vec<CollectedSurvey>, String> {
    let store = mlgov_collect::open_store(location).map_err(|e| e.to_string())?;
    let instruments = mlgov_collect::Config::default().instruments;
    let mut out = Vec::new();
    for rec in store.surveys().map_err(|e| e.to_string())? {
        let Some(ins) = instruments.iter().find(|i| i.id == rec.instrument) else { continue };
        let dataset = mlgov_collect::collected_dataset(store.as_ref(), &rec, ins)
            .map_err(|e| e.to_string())?;
        out.push(CollectedSurvey {
            name: rec.name,
            project: rec.project,
            instrument: ins.clone(),
            dataset,
        });
    }
    Ok(out)
}

/// The latest published release of a survey.
pub struct ReleaseEntry {
    /// Release number.
    pub number: i64,
    /// Releases published so far.
    pub count: usize,
    /// When it was published.
    pub created_at: String,
    /// Who published it.
    pub created_by: String,
    /// The published figures.
    pub figures: PublishedFigures,
}

/// One survey name in the catalogue: its stored dataset (if any) and its latest release (if any).
pub struct Entry {
    /// Survey name.
    pub name: String,
    /// Stored dataset (imported or synthetic); `None` for a collected survey.
    pub dataset: Option<DatasetEntry>,
    /// Latest release.
    pub release: Option<ReleaseEntry>,
}

/// The stored surveys and releases of one snapshot, with the knowledge base's locality attributes
/// the analyses group by.
#[derive(Default)]
pub struct Catalog {
    entries: Vec<Arc<Entry>>,
    kb_localities: Arc<Vec<LocalityInfo>>,
    /// Releases whose content could not be read (a newer format); named on the dashboards.
    pub(crate) unreadable: Vec<String>,
}

impl Catalog {
    /// Reads every stored survey and the latest release of every survey from `store`, beside the
    /// `collected` surveys (whose names never clash with stored ones: collections refuse them).
    pub fn load(store: &dyn Store, collected: Vec<CollectedSurvey>) -> Result<Catalog, StoreError> {
        let mut names: BTreeSet<String> = store.surveys()?.into_iter().map(|s| s.name).collect();
        names.extend(store.released_surveys()?);
        names.extend(collected.iter().map(|c| c.name.clone()));
        let mut collected: std::collections::BTreeMap<String, CollectedSurvey> =
            collected.into_iter().map(|c| (c.name.clone(), c)).collect();
        let mut entries = Vec::new();
        let mut unreadable = Vec::new();
        for name in names {
            let dataset = match store.survey(&name)? {
                Some(stored) => Some(DatasetEntry::stored(stored)),
                None => collected.remove(&name).map(DatasetEntry::collected),
            };
            let releases = store.releases(&name)?;
            let release = match releases.last() {
                None => None,
                Some(r) => match serde_json::from_str::<PublishedFigures>(&r.content) {
                    Ok(figures) => Some(ReleaseEntry {
                        number: r.number,
                        count: releases.len(),
                        created_at: r.created_at.clone(),
                        created_by: r.created_by.clone(),
                        figures,
                    }),
                    Err(e) => {
                        unreadable.push(format!("release {} of survey {name:?} could not be read ({e}); it is not shown", r.number));
                        None
                    }
                },
            };
            entries.push(Arc::new(Entry { name, dataset, release }));
        }
        Ok(Catalog { entries, kb_localities: Arc::default(), unreadable })
    }

    /// The same catalogue with the knowledge base's locality attributes.
    pub fn with_localities(mut self, locs: Vec<LocalityInfo>) -> Catalog {
        self.kb_localities = Arc::new(locs);
        self
    }

    /// A hash of what the catalogue holds (names, dataset versions, release numbers), part of
    /// every ETag so that an import or a release invalidates cached pages.
    pub fn fingerprint(&self) -> u64 {
        let mut text = String::new();
        for e in &self.entries {
            text.push_str(&format!(
                "{}|{}|{};",
                e.name,
                e.dataset.as_ref().map_or(0, |d| d.summary.version),
                e.release.as_ref().map_or(0, |r| r.number)
            ));
        }
        fnv1a(text.as_bytes())
    }

    /// Every survey name in the catalogue.
    pub fn entries(&self) -> &[Arc<Entry>] {
        &self.entries
    }

    /// What `who` may see, one view per visible survey, by name.
    pub fn visible(&self, who: &Audience) -> Vec<View> {
        self.entries
            .iter()
            .filter_map(|e| {
                let live = e.dataset.as_ref().is_some_and(|d| who.may_see_live(&d.summary));
                if live {
                    Some(View {
                        entry: e.clone(),
                        live: true,
                        kb_localities: self.kb_localities.clone(),
                    })
                } else if e.release.is_some() {
                    Some(View {
                        entry: e.clone(),
                        live: false,
                        kb_localities: self.kb_localities.clone(),
                    })
                } else {
                    None
                }
            })
            .collect()
    }
}

/// Who is asking, as far as survey figures are concerned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Audience {
    /// The anonymous public and viewers: published releases only.
    Public,
    /// A researcher or an admin.
    Member {
        /// Account name.
        username: String,
        /// Admins see every live figure.
        admin: bool,
        /// Projects of the account.
        projects: Vec<String>,
    },
}

impl Audience {
    /// The audience of a request's principal (none = the public).
    pub fn of(p: Option<&Principal>) -> Audience {
        match p {
            Some(p) if p.role == Role::Admin || p.role == Role::Researcher => Audience::Member {
                username: p.username.clone(),
                admin: p.role == Role::Admin,
                projects: p.projects.clone(),
            },
            _ => Audience::Public,
        }
    }

    /// Whether live figures of a stored dataset may be shown: admins always; researchers for a
    /// dataset of one of their projects, or one without a project.
    pub fn may_see_live(&self, s: &SurveySummary) -> bool {
        match self {
            Audience::Public => false,
            Audience::Member { admin: true, .. } => true,
            Audience::Member { projects, .. } => {
                s.project.as_ref().is_none_or(|p| projects.contains(p))
            }
        }
    }

    /// The part of a cache key and ETag that separates what different audiences see.
    pub fn cache_key(&self) -> String {
        match self {
            Audience::Public => "public".into(),
            Audience::Member { username, .. } => format!("member:{username}"),
        }
    }
}

/// One survey as one audience sees it: live figures of its dataset, or its latest release.
#[derive(Clone)]
pub struct View {
    /// The catalogue entry.
    pub entry: Arc<Entry>,
    /// True: live figures of the stored dataset; false: the latest release.
    pub live: bool,
    kb_localities: Arc<Vec<LocalityInfo>>,
}

impl View {
    /// Survey name.
    pub fn name(&self) -> &str {
        &self.entry.name
    }

    /// The release shown (None for live views).
    pub fn release(&self) -> Option<&ReleaseEntry> {
        if self.live { None } else { self.entry.release.as_ref() }
    }

    /// Whether the figures rest on synthetic answers.
    pub fn synthetic(&self) -> bool {
        match (self.live, &self.entry.dataset, &self.entry.release) {
            (true, Some(d), _) => d.summary.synthetic,
            (_, _, Some(r)) => r.figures.synthetic,
            _ => false,
        }
    }

    /// "live" or "release".
    pub fn source(&self) -> &'static str {
        if self.live { "live" } else { "release" }
    }

    /// Respondents behind the figures (None when a release suppressed the total).
    pub fn respondents(&self) -> Option<usize> {
        match (self.live, &self.entry.dataset, self.release()) {
            (true, Some(d), _) => Some(d.summary.respondents.max(0) as usize),
            (_, _, Some(r)) => r.figures.respondents.map(|n| n as usize),
            _ => None,
        }
    }

    /// The instrument of the figures: the dataset's own, or the shipped Whole-COMM instrument
    /// when a release names it; None when unknown (then figures are shown as tables only).
    pub fn instrument(&self) -> Option<Instrument> {
        if let Some(d) = &self.entry.dataset {
            let id = format!("{}@{}", d.summary.instrument_id, d.summary.instrument_version);
            if self.live || self.release().is_some_and(|r| r.figures.instrument == id) {
                return d.instrument();
            }
        }
        let wc = Instrument::whole_comm();
        let wc_id = format!("{}@{}", wc.id, wc.version);
        self.release().filter(|r| r.figures.instrument == wc_id).map(|_| wc)
    }

    /// The summary line shown with the figures.
    pub fn label(&self) -> String {
        let syn = if self.synthetic() { " — SYNTHETIC" } else { "" };
        match self.release() {
            Some(r) => format!(
                "{} (release {} of {}{syn})",
                self.name(),
                r.number,
                r.created_at.get(..10).unwrap_or(&r.created_at)
            ),
            None => format!("{} (live{syn})", self.name()),
        }
    }

    /// The localities the live analyses group by: the dataset's generated ones, then the
    /// knowledge base's.
    pub(crate) fn localities(&self, d: &Decoded) -> Vec<LocalityInfo> {
        mlgov_analysis::survey::analysis_localities(&d.localities, &self.kb_localities)
    }

    pub(crate) fn notice(&self) -> String {
        let mut parts = Vec::new();
        if self.synthetic() {
            parts.push("SYNTHETIC DATA — these figures are computed on generated answers (a dataset made with `mlgov survey synth`); they say nothing about real places.".to_string());
        }
        match self.release() {
            Some(r) => parts.push(format!(
                "Published release {} of survey {:?} ({} release{} so far), published {} by {}: frozen figures; every cell resting on fewer than {} respondents is suppressed and says nothing.",
                r.number, self.name(), r.count, if r.count == 1 { "" } else { "s" }, r.created_at, r.created_by, r.figures.min_cell
            )),
            None => parts.push(format!(
                "Live figures of survey {:?}, shown to its project's researchers only: the public and viewers see published releases{}.",
                self.name(),
                self.entry.release.as_ref().map(|r| format!(" (the latest is release {})", r.number)).unwrap_or_else(|| " (none is published yet; publish one with `mlgov survey release NAME`)".into())
            )),
        }
        parts.join(" ")
    }
}
