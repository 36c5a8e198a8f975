//! [`Collect`]: survey collection usable without HTTP — surveys, invitations, the respondent's
//! save and submit, raw answers, progress, and the figures of a survey (live for the project,
//! frozen releases for everyone else). Every operation that needs a right takes the
//! [`Principal`] and checks it against `mlgov_auth`'s permission matrix ([`Auth::require`]);
//! every read of raw data or live figures, and every change, is written to its audit log
//! ([`Auth::audit`]).

use std::sync::{Arc, Mutex, MutexGuard};

use mlgov_auth::policy::{Action, Principal, Resource, Role};
use mlgov_auth::service::iso_time;
use mlgov_auth::{Auth, AuthError, secret};
use mlgov_disclosure::Rules;
use mlgov_store::{Store, StoreError, StoredRelease};
use mlgov_store_postgres::OpenMode;
use mlgov_survey::collected::{CollectedAnswer, CollectedResponse, dataset_from_collected};
use mlgov_survey::publish::{PublishedFigures, ReleaseError, next_release, publish};
use mlgov_survey::{Dataset, Instrument, LocalityInfo};
use serde::Serialize;

use crate::CollectError;
use crate::respond::{self, FieldError, FormValues};
use crate::store::*;

/// Settings of [`Collect`].
#[derive(Clone, Debug)]
pub struct Config {
    /// Disclosure rules for aggregates shown to viewers and the public.
    pub disclosure: Rules,
    /// Instruments surveys can be created from.
    pub instruments: Vec<Instrument>,
    /// Where the knowledge-base store lives (the server's `--db`: a SQLite path or a PostgreSQL
    /// URL): imported survey datasets are read and releases written there. `None`: releases are
    /// unavailable (503).
    pub kb_location: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            disclosure: Rules::default(),
            instruments: vec![Instrument::whole_comm()],
            kb_location: None,
        }
    }
}

/// What a respondent's link opens.
#[derive(Clone, Debug)]
pub struct OpenedInvitation {
    /// The survey.
    pub survey: SurveyRecord,
    /// Its instrument.
    pub instrument: Instrument,
    /// The invitation.
    pub invitation: InvitationRecord,
    /// Saved answers as form values.
    pub values: FormValues,
}

/// Why a response was not saved.
#[derive(Debug)]
pub enum SaveError {
    /// Field problems (shown next to the fields); nothing was saved.
    Fields {
        /// The invitation, to render the form again.
        opened: Box<OpenedInvitation>,
        /// The problems.
        errors: Vec<FieldError>,
    },
    /// Anything else (unknown or used link, database).
    Collect(CollectError),
}

impl From<CollectError> for SaveError {
    fn from(e: CollectError) -> SaveError {
        SaveError::Collect(e)
    }
}

/// Survey collection over a [`CollectStore`], with rights and the audit log of an [`Auth`].
/// Cheap to clone (shared state).
#[derive(Clone)]
pub struct Collect {
    store: Arc<Mutex<Box<dyn CollectStore>>>,
    auth: Auth,
    config: Arc<Config>,
}

/// A name rule shared with accounts and projects (`mlgov_auth::service::valid_name`).
fn valid_name(kind: &str, s: &str) -> Result<(), CollectError> {
    mlgov_auth::service::valid_name(kind, s).map_err(|e| match e {
        AuthError::Invalid { field, message } => CollectError::Invalid { field, message },
        other => CollectError::Auth(other),
    })
}

/// The error of a survey name that does not exist — or that the caller may not see.
fn no_survey(name: &str) -> CollectError {
    CollectError::NotFound(format!("survey {name:?}"))
}

/// The public is told to authenticate before any survey is looked up (so that its answer is the
/// same for every name).
fn require_account(by: &Principal) -> Result<(), CollectError> {
    if by.is_authenticated() { Ok(()) } else { Err(CollectError::Auth(AuthError::Unauthenticated)) }
}

impl Collect {
    /// A `Collect` over `store`, checking rights and auditing through `auth` (whose clock it
    /// uses), with `config`.
    pub fn new(store: Box<dyn CollectStore>, auth: Auth, config: Config) -> Collect {
        Collect { store: Arc::new(Mutex::new(store)), auth, config: Arc::new(config) }
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The accounts this instance checks rights and audits with.
    pub fn auth(&self) -> &Auth {
        &self.auth
    }

    fn now(&self) -> i64 {
        self.auth.now()
    }

    fn store(&self) -> MutexGuard<'_, Box<dyn CollectStore>> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn require(
        &self,
        p: &Principal,
        action: Action,
        resource: Resource,
        project: Option<&str>,
    ) -> Result<(), CollectError> {
        Ok(self.auth.require(p, action, resource, project)?)
    }

    fn audit(&self, p: &Principal, action: &str, resource: &str) -> Result<(), CollectError> {
        Ok(self.auth.audit(p, action, resource)?)
    }

    /// The instrument with this id.
    pub fn instrument(&self, id: &str) -> Result<&Instrument, CollectError> {
        self.config.instruments.iter().find(|i| i.id == id).ok_or_else(|| CollectError::Invalid {
            field: "instrument".into(),
            message: format!(
                "unknown instrument {id:?}; expected one of {}",
                self.config
                    .instruments
                    .iter()
                    .map(|i| i.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        })
    }

    /// The collected survey `name` as `by` may see it. The public is told to authenticate,
    /// whatever the name; an account that may not see the survey (not a member of its project,
    /// nor an admin) gets [`CollectError::NotFound`] — word for word the error of a name that does
    /// not exist —, so that neither the survey's existence nor its project can be found out.
    fn visible_survey(&self, by: &Principal, name: &str) -> Result<SurveyRecord, CollectError> {
        require_account(by)?;
        match self.store().survey(name)? {
            Some(s) if by.may(Action::Read, Resource::Surveys, Some(&s.project)) => Ok(s),
            _ => Err(no_survey(name)),
        }
    }

    /// The project of survey `name` (collected here, or a dataset in `kb`) as `by` may see it:
    /// the rule of [`Collect::visible_survey`].
    fn visible_project(
        &self,
        by: &Principal,
        kb: &dyn Store,
        name: &str,
    ) -> Result<Option<String>, CollectError> {
        require_account(by)?;
        let project = self.project(kb, name)?;
        if by.may(Action::Read, Resource::Surveys, project.as_deref()) {
            Ok(project)
        } else {
            Err(no_survey(name))
        }
    }

    /// Creates a survey of `project` from an instrument (admin).
    pub fn create_survey(
        &self,
        by: &Principal,
        name: &str,
        instrument: &str,
        project: &str,
    ) -> Result<SurveyRecord, CollectError> {
        self.require(by, Action::Write, Resource::Surveys, Some(project))?;
        valid_name("name", name)?;
        valid_name("project", project)?;
        self.instrument(instrument)?;
        if self.config.kb_location.is_some()
            && self.kb()?.survey(name).map_err(store_error)?.is_some()
        {
            return Err(CollectError::Conflict(format!(
                "a survey dataset named {name:?} is already stored (mlgov survey import); choose another name for the collection"
            )));
        }
        let s = self.store().create_survey(name, instrument, project, self.now())?;
        self.audit(by, "survey_create", &format!("survey:{name}"))?;
        Ok(s)
    }

    /// Surveys visible to `by` (admin: all; researchers: their projects'; others: names only
    /// through aggregates, so none here).
    pub fn surveys(&self, by: &Principal) -> Result<Vec<SurveyRecord>, CollectError> {
        if by.role != Role::Researcher {
            self.require(by, Action::Read, Resource::Surveys, None)?;
        }
        Ok(self
            .store()
            .surveys()?
            .into_iter()
            .filter(|s| by.may(Action::Read, Resource::Surveys, Some(&s.project)))
            .collect())
    }

    /// Issues `count` single-use invitation tokens (admin); returned once, stored hashed.
    pub fn invite(
        &self,
        by: &Principal,
        survey: &str,
        count: usize,
        locality: Option<&str>,
    ) -> Result<Vec<String>, CollectError> {
        let s = self.visible_survey(by, survey)?;
        self.require(by, Action::Write, Resource::Surveys, Some(&s.project))?;
        if !(1..=1000).contains(&count) {
            return Err(CollectError::Invalid {
                field: "count".into(),
                message: format!("{count}: expected 1 to 1000 invitations at a time"),
            });
        }
        if let Some(l) = locality {
            // The grammar of locality ids in survey files: the answers become one through the intake.
            if l.is_empty()
                || l.len() > 100
                || mlgov_survey::intake::identifier_problem(l).is_some()
            {
                return Err(CollectError::Invalid { field: "locality".into(), message: "expected a locality id (1 to 100 letters, digits, spaces and ASCII punctuation)".into() });
            }
        }
        let tokens: Vec<String> = (0..count).map(|_| secret::random_token()).collect();
        let hashes: Vec<String> = tokens.iter().map(|t| secret::token_digest(t)).collect();
        self.store().insert_invitations(s.id, &hashes, locality, self.now())?;
        self.audit(by, "survey_invite", &format!("survey:{survey} count:{count}"))?;
        Ok(tokens)
    }

    /// Collection progress (admin; researchers of the project).
    pub fn progress(
        &self,
        by: &Principal,
        survey: &str,
    ) -> Result<(SurveyRecord, Progress), CollectError> {
        let s = self.visible_survey(by, survey)?;
        let p = self.store().progress(s.id)?;
        Ok((s, p))
    }

    /// Opens an invitation link: [`CollectError::NotFound`] for an unknown token,
    /// [`CollectError::Gone`] for a submitted one.
    pub fn open_invitation(&self, token: &str) -> Result<OpenedInvitation, CollectError> {
        let store = self.store();
        let inv = store
            .invitation(&secret::token_digest(token))?
            .ok_or_else(|| CollectError::NotFound("invitation".into()))?;
        if inv.submitted.is_some() {
            return Err(CollectError::Gone(
                "this questionnaire has already been submitted; thank you".into(),
            ));
        }
        let survey = store
            .survey_by_id(inv.survey_id)?
            .ok_or_else(|| CollectError::NotFound("survey".into()))?;
        let answers = store.answers_of(inv.id)?;
        drop(store);
        let instrument = self.instrument(&survey.instrument)?.clone();
        let values = respond::values_of(&instrument, &answers);
        Ok(OpenedInvitation { survey, instrument, invitation: inv, values })
    }

    /// Validates and saves a respondent's form; with `submit`, marks the link used. The answers
    /// replace earlier saved ones in one transaction. Returns the invitation as opened before.
    pub fn save_response(
        &self,
        token: &str,
        values: &FormValues,
        submit: bool,
    ) -> Result<OpenedInvitation, SaveError> {
        let opened = self.open_invitation(token)?;
        let answers = match respond::validate(&opened.instrument, values, submit) {
            Ok(a) => a,
            Err(errors) => return Err(SaveError::Fields { opened: Box::new(opened), errors }),
        };
        self.store().save_answers(opened.invitation.id, &answers, submit, self.now())?;
        Ok(opened)
    }

    /// Every raw answer of a survey (admin; researchers of the project). Audited.
    pub fn raw_answers(
        &self,
        by: &Principal,
        survey: &str,
    ) -> Result<Vec<RawAnswer>, CollectError> {
        let s = self.visible_survey(by, survey)?;
        self.require(by, Action::Read, Resource::RawData, Some(&s.project))?;
        let rows = self.store().raw_answers(s.id)?;
        self.audit(by, "read_raw_answers", &format!("survey:{survey}"))?;
        Ok(rows)
    }

    // ---- published figures and releases ----

    fn kb(&self) -> Result<Box<dyn Store + Send>, CollectError> {
        let Some(location) = self.config.kb_location.as_deref() else {
            return Err(CollectError::Unavailable(
                "no knowledge-base store is configured for survey datasets and releases".into(),
            ));
        };
        mlgov_store_postgres::open_any(location, OpenMode::Existing).map_err(store_error)
    }

    /// The knowledge base's localities as survey groups (size class, orientation, typology,
    /// country), the same rule as the CLI and the explorer (`mlgov_analysis::survey`).
    fn kb_localities(kb: &dyn Store) -> Result<Vec<LocalityInfo>, CollectError> {
        Ok(mlgov_analysis::survey::survey_localities(&kb.load().map_err(store_error)?))
    }

    /// The project owning a survey name (collected here, or a dataset in `kb`), read without its
    /// answers so that permissions are checked before any heavy work.
    fn project(&self, kb: &dyn Store, name: &str) -> Result<Option<String>, CollectError> {
        if let Some(s) = self.store().survey(name)? {
            return Ok(Some(s.project));
        }
        let listed = kb.surveys().map_err(store_error)?.into_iter().find(|s| s.name == name);
        listed.map(|s| s.project).ok_or_else(|| no_survey(name))
    }

    /// The answers behind a survey name: a survey collected here (submitted responses only) or,
    /// failing that, a dataset imported into the knowledge-base store.
    fn source(&self, kb: &dyn Store, name: &str) -> Result<SurveySource, CollectError> {
        let collected = self.store().survey(name)?;
        if let Some(s) = collected {
            let instrument = self.instrument(&s.instrument)?.clone();
            let dataset = collected_dataset(&**self.store(), &s, &instrument)?;
            // Invitations name knowledge-base localities: group them by the base's attributes.
            let localities = Self::kb_localities(kb)?;
            return Ok(SurveySource { dataset, instrument, version: 0, localities });
        }
        let stored = kb.survey(name).map_err(store_error)?.ok_or_else(|| no_survey(name))?;
        let dec = mlgov_survey::stored::decode(
            name,
            &stored.instrument_toml,
            &stored.localities_csv,
            &stored.data,
        )
        .map_err(|e| CollectError::Database(e.to_string().into()))?;
        let localities =
            mlgov_analysis::survey::analysis_localities(&dec.localities, &Self::kb_localities(kb)?);
        Ok(SurveySource {
            dataset: dec.dataset,
            instrument: dec.instrument,
            version: stored.summary.version,
            localities,
        })
    }

    /// Live figures of a survey, computed now with the disclosure rules (admin; researchers of
    /// the survey's project). Audited.
    pub fn live_figures(
        &self,
        by: &Principal,
        survey: &str,
    ) -> Result<PublishedFigures, CollectError> {
        let kb = self.kb()?;
        self.require(
            by,
            Action::Read,
            Resource::RawData,
            self.visible_project(by, &*kb, survey)?.as_deref(),
        )?;
        let src = self.source(&*kb, survey)?;
        let p = publish(&src.dataset, &src.instrument, &src.localities, &self.config.disclosure)
            .map_err(|e| CollectError::Database(e.to_string().into()))?;
        self.audit(by, "read_live_figures", &format!("survey:{survey}"))?;
        Ok(p.content)
    }

    /// The latest release of a survey (everyone): [`CollectError::NotFound`] when none is published.
    pub fn released_figures(
        &self,
        by: &Principal,
        survey: &str,
    ) -> Result<ReleasedFigures, CollectError> {
        self.require(by, Action::Read, Resource::Aggregates, None)?;
        let latest = self.kb()?.releases(survey).map_err(store_error)?.pop();
        let Some(r) = latest else {
            return Err(CollectError::NotFound(format!(
                "no release of survey {survey:?} is published yet; a researcher of its project publishes one with POST /api/v1/surveys/{survey}/releases"
            )));
        };
        let figures: serde_json::Value = serde_json::from_str(&r.content).map_err(|e| {
            CollectError::Database(format!("release {} of {survey:?}: {e}", r.number).into())
        })?;
        Ok(ReleasedFigures { release: ReleaseSummary::of(&r), figures })
    }

    /// The releases of a survey, oldest first (everyone).
    pub fn releases(
        &self,
        by: &Principal,
        survey: &str,
    ) -> Result<Vec<ReleaseSummary>, CollectError> {
        self.require(by, Action::Read, Resource::Aggregates, None)?;
        Ok(self
            .kb()?
            .releases(survey)
            .map_err(store_error)?
            .iter()
            .map(ReleaseSummary::of)
            .collect())
    }

    /// Publishes a frozen release of a survey's figures (admin; researchers of the project),
    /// refused with [`CollectError::Conflict`] when it would differ from an earlier release by
    /// 1 … k−1 respondents in a figure both publish (`mlgov_disclosure::check_release`). Audited.
    pub fn publish_release(
        &self,
        by: &Principal,
        survey: &str,
    ) -> Result<ReleaseSummary, CollectError> {
        let mut kb = self.kb()?;
        self.require(
            by,
            Action::Write,
            Resource::RawData,
            self.visible_project(by, &*kb, survey)?.as_deref(),
        )?;
        let src = self.source(&*kb, survey)?;
        let release = build_release(
            survey,
            &src,
            &self.config.disclosure,
            &by.username,
            &iso_time(self.now()),
            &*kb,
        )?;
        kb.put_release(&release).map_err(store_error)?;
        self.audit(by, "release_publish", &format!("survey:{survey} release:{}", release.number))?;
        Ok(ReleaseSummary::of(&release))
    }
}

/// The submitted answers of collected survey `s` as a dataset (answers saved but not submitted
/// are left out), validated by the survey intake like an imported file: what releases, live
/// figures and the explorer analyse.
pub fn collected_dataset(
    store: &dyn CollectStore,
    s: &SurveyRecord,
    instrument: &Instrument,
) -> Result<Dataset, CollectError> {
    let rows = store.raw_answers(s.id)?;
    let mut by: std::collections::BTreeMap<i64, CollectedResponse> =
        std::collections::BTreeMap::new();
    for r in rows.into_iter().filter(|r| r.submitted) {
        let e = by.entry(r.respondent).or_insert_with(|| CollectedResponse {
            respondent: r.respondent.to_string(),
            locality: r.locality.clone(),
            answers: Vec::new(),
        });
        e.answers.push(CollectedAnswer {
            item: r.answer.item,
            period: r.answer.period,
            value: r.answer.value,
        });
    }
    let responses: Vec<CollectedResponse> = by.into_values().collect();
    dataset_from_collected(instrument, &responses, None).map_err(|e| {
        CollectError::Database(
            format!("collected answers of {:?} do not validate: {e}", s.name).into(),
        )
    })
}

/// A survey's answers with what analysing them needs.
struct SurveySource {
    dataset: Dataset,
    instrument: Instrument,
    version: i64,
    localities: Vec<LocalityInfo>,
}

/// A release as listed (never its cell members).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReleaseSummary {
    /// Survey.
    pub survey: String,
    /// Release number (1, 2, …).
    pub number: i64,
    /// When it was published (ISO 8601 UTC).
    pub created_at: String,
    /// Who published it.
    pub created_by: String,
    /// Minimum cell size `k`.
    pub min_cell: i64,
    /// Respondents behind it (`null` below `k`).
    pub respondents: Option<u64>,
    /// Version of the dataset it was computed from (0 for collected surveys).
    pub survey_version: i64,
}

impl ReleaseSummary {
    fn of(r: &StoredRelease) -> ReleaseSummary {
        let respondents = serde_json::from_str::<serde_json::Value>(&r.content)
            .ok()
            .and_then(|v| v.get("respondents").and_then(serde_json::Value::as_u64));
        ReleaseSummary {
            survey: r.survey.clone(),
            number: r.number,
            created_at: r.created_at.clone(),
            created_by: r.created_by.clone(),
            min_cell: r.min_cell,
            respondents,
            survey_version: r.survey_version,
        }
    }
}

/// The figures of the latest release with its summary.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ReleasedFigures {
    /// The release.
    pub release: ReleaseSummary,
    /// Its content, as published.
    pub figures: serde_json::Value,
}

fn store_error(e: StoreError) -> CollectError {
    match e {
        StoreError::Conflict(m) => CollectError::Conflict(m),
        other => CollectError::Database(mlgov_store::DatabaseError::with_source(
            other.to_string(),
            other,
        )),
    }
}

/// Builds the next release of `survey` from `src` and checks it against every earlier release in
/// `kb` (`mlgov_survey::publish::next_release`); [`CollectError::Conflict`] with the rule's message
/// when refused.
fn build_release(
    survey: &str,
    src: &SurveySource,
    rules: &Rules,
    by: &str,
    now: &str,
    kb: &dyn Store,
) -> Result<StoredRelease, CollectError> {
    let earlier = kb.releases(survey).map_err(store_error)?;
    let refs: Vec<(i64, &str)> =
        earlier.iter().map(|r| (r.number, r.cell_members.as_str())).collect();
    let next = next_release(&src.dataset, &src.instrument, &src.localities, rules, &refs).map_err(
        |e| match e {
            ReleaseError::Refused(m) => CollectError::Conflict(m),
            other => CollectError::Database(format!("survey {survey:?}: {other}").into()),
        },
    )?;
    Ok(StoredRelease {
        survey: survey.to_string(),
        number: earlier.last().map_or(1, |r| r.number + 1),
        survey_version: src.version,
        created_at: now.to_string(),
        created_by: by.to_string(),
        min_cell: rules.min_cell as i64,
        content: next.content,
        cell_members: next.cell_members,
    })
}
