//! [`Auth`]: the core of accounts, sessions, tokens, rate limiting, the audit log and survey
//! collection, usable without HTTP. Every operation that needs a right takes the [`Principal`]
//! and checks it against the permission matrix; every read or change of raw data is audited.

use std::sync::{Arc, Mutex, MutexGuard};

use mlgov_disclosure::Rules;
use mlgov_store::{Store, StoreError, StoredRelease};
use mlgov_store_postgres::OpenMode;
use mlgov_survey::collected::{dataset_from_collected, CollectedAnswer, CollectedResponse};
use mlgov_survey::publish::{next_release, publish, PublishedFigures, ReleaseError};
use mlgov_survey::{Dataset, Instrument, LocalityInfo};
use serde::Serialize;

use crate::limiter::{LimitConfig, Limiter};
use crate::policy::{Action, AuthVia, Principal, Resource, Role};
use crate::respond::{self, FieldError, FormValues};
use crate::secret::{self, PasswordParams};
use crate::store::*;
use crate::AuthError;

/// A source of the current time (Unix seconds); tests supply a manual clock.
pub trait Clock: Send + Sync {
    /// Now, in Unix seconds.
    fn now(&self) -> i64;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
    }
}

/// When the session cookie gets the `Secure` attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CookieSecure {
    /// Always (the server is reached over TLS only).
    Always,
    /// Never (plain-HTTP development on loopback).
    Never,
    /// When the request arrived over TLS: `X-Forwarded-Proto: https` from the reverse proxy
    /// that terminates TLS, or an `https` request URI.
    Auto,
}

/// Settings of [`Auth`].
#[derive(Clone, Debug)]
pub struct Config {
    /// Session lifetime in seconds (absolute, from login).
    pub session_ttl_secs: i64,
    /// `Secure` attribute of the session cookie.
    pub cookie_secure: CookieSecure,
    /// Origins (scheme://host[:port]) accepted on state-changing requests besides the request's
    /// own `Host`.
    pub allowed_origins: Vec<String>,
    /// Trust `X-Forwarded-For` for the client address (only behind a reverse proxy that sets it).
    pub trust_forwarded_for: bool,
    /// Login rate limits.
    pub limits: LimitConfig,
    /// argon2id parameters for new hashes.
    pub password: PasswordParams,
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
            session_ttl_secs: 8 * 3600,
            cookie_secure: CookieSecure::Auto,
            allowed_origins: vec![],
            trust_forwarded_for: false,
            limits: LimitConfig::default(),
            password: PasswordParams::default(),
            disclosure: Rules::default(),
            instruments: vec![Instrument::whole_comm()],
            kb_location: None,
        }
    }
}

/// An account as shown (no password hash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct User {
    /// Id.
    pub id: i64,
    /// Name.
    pub username: String,
    /// Role.
    pub role: Role,
    /// Projects.
    pub projects: Vec<String>,
}

impl From<UserRecord> for User {
    fn from(u: UserRecord) -> User {
        User { id: u.id, username: u.username, role: u.role, projects: u.projects }
    }
}

/// A successful login: the session id (for the cookie, never stored in clear) and CSRF token.
#[derive(Clone, Debug)]
pub struct LoginOutcome {
    /// Session id for the `mlgov_session` cookie.
    pub session_id: String,
    /// CSRF token of the session.
    pub csrf: String,
    /// Expiry, Unix seconds.
    pub expires: i64,
    /// The account.
    pub user: User,
}

/// A newly issued API token: shown once.
#[derive(Clone, Debug, Serialize)]
pub struct IssuedToken {
    /// Id (for revocation).
    pub id: i64,
    /// The token itself: shown now, stored only as its SHA-256.
    pub token: String,
    /// Account.
    pub username: String,
    /// Label.
    pub label: String,
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
    Auth(AuthError),
}

impl From<AuthError> for SaveError {
    fn from(e: AuthError) -> SaveError {
        SaveError::Auth(e)
    }
}

/// Accounts, sessions, tokens, rate limiting, audit and survey collection over an [`AuthStore`].
/// Cheap to clone (shared state).
#[derive(Clone)]
pub struct Auth {
    store: Arc<Mutex<Box<dyn AuthStore>>>,
    limiter: Arc<Mutex<Limiter>>,
    config: Arc<Config>,
    clock: Arc<dyn Clock>,
    dummy_hash: Arc<String>,
}

fn valid_name(kind: &str, s: &str) -> Result<(), AuthError> {
    let ok = !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c));
    if ok {
        Ok(())
    } else {
        Err(AuthError::Invalid { field: kind.into(), message: format!("{s:?}: expected 1 to 64 characters among letters, digits and . _ - @") })
    }
}

fn valid_password(p: &str) -> Result<(), AuthError> {
    let n = p.chars().count();
    if (10..=1024).contains(&n) {
        Ok(())
    } else {
        Err(AuthError::Invalid { field: "password".into(), message: format!("password of {n} characters; expected 10 to 1024") })
    }
}

/// Formats Unix seconds as ISO 8601 UTC (`2026-11-22T10:00:00Z`), using the days-to-civil
/// algorithm of H. Hinnant, "chrono-Compatible Low-Level Date Algorithms" (2013); O(1).
pub fn iso_time(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

impl Auth {
    /// An `Auth` over `store` with `config` and the system clock.
    pub fn new(store: Box<dyn AuthStore>, config: Config) -> Auth {
        Auth::with_clock(store, config, Arc::new(SystemClock))
    }

    /// An `Auth` with a given clock (tests).
    pub fn with_clock(store: Box<dyn AuthStore>, config: Config, clock: Arc<dyn Clock>) -> Auth {
        let dummy = secret::dummy_hash(&config.password);
        Auth {
            store: Arc::new(Mutex::new(store)),
            limiter: Arc::new(Mutex::new(Limiter::new(config.limits))),
            config: Arc::new(config),
            clock,
            dummy_hash: Arc::new(dummy),
        }
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Now, by this instance's clock.
    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    fn store(&self) -> MutexGuard<'_, Box<dyn AuthStore>> {
        self.store.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn require(&self, p: &Principal, action: Action, resource: Resource, project: Option<&str>) -> Result<(), AuthError> {
        if p.may(action, resource, project) {
            Ok(())
        } else if !p.is_authenticated() {
            Err(AuthError::Unauthenticated)
        } else {
            Err(AuthError::Forbidden(format!("role {} may not {:?} {:?}{}", p.role, action, resource, project.map(|x| format!(" of project {x:?}")).unwrap_or_default())))
        }
    }

    /// Appends an audit entry for `p`.
    pub fn audit(&self, p: &Principal, action: &str, resource: &str) -> Result<(), AuthError> {
        let entry = AuditEntry { time: iso_time(self.now()), user: p.username.clone(), action: action.into(), resource: resource.into() };
        self.store().audit(&entry)
    }

    // ---- accounts ----

    /// Creates an account (admin). Password: 10 to 1024 characters.
    pub fn add_user(&self, by: &Principal, username: &str, role: Role, password: &str, projects: &[String]) -> Result<User, AuthError> {
        self.require(by, Action::Write, Resource::Users, None)?;
        valid_name("username", username)?;
        for p in projects {
            valid_name("projects", p)?;
        }
        if role == Role::Public {
            return Err(AuthError::Invalid { field: "role".into(), message: "public is the role of anonymous visitors; expected admin, researcher or viewer".into() });
        }
        valid_password(password)?;
        let hash = secret::hash_password(password, &self.config.password)?;
        let u = self.store().create_user(username, role, &hash, projects, self.now())?;
        self.audit(by, "user_add", &format!("user:{username}"))?;
        Ok(u.into())
    }

    /// Every account (admin).
    pub fn users(&self, by: &Principal) -> Result<Vec<User>, AuthError> {
        self.require(by, Action::Read, Resource::Users, None)?;
        Ok(self.store().users()?.into_iter().map(User::from).collect())
    }

    /// One account (admin).
    pub fn user(&self, by: &Principal, username: &str) -> Result<User, AuthError> {
        self.require(by, Action::Read, Resource::Users, None)?;
        self.store().user_by_name(username)?.map(User::from).ok_or_else(|| AuthError::NotFound(format!("user {username:?}")))
    }

    /// Changes an account's role, password or projects (admin); a new password ends its sessions.
    pub fn update_user(&self, by: &Principal, username: &str, role: Option<Role>, password: Option<&str>, projects: Option<&[String]>) -> Result<User, AuthError> {
        self.require(by, Action::Write, Resource::Users, None)?;
        if role == Some(Role::Public) {
            return Err(AuthError::Invalid { field: "role".into(), message: "expected admin, researcher or viewer".into() });
        }
        for p in projects.unwrap_or_default() {
            valid_name("projects", p)?;
        }
        let hash = match password {
            Some(p) => {
                valid_password(p)?;
                Some(secret::hash_password(p, &self.config.password)?)
            }
            None => None,
        };
        let u = self.store().update_user(username, role, hash.as_deref(), projects, self.now())?;
        self.audit(by, "user_update", &format!("user:{username}"))?;
        Ok(u.into())
    }

    /// Deletes an account with its sessions and tokens (admin).
    pub fn remove_user(&self, by: &Principal, username: &str) -> Result<(), AuthError> {
        self.require(by, Action::Write, Resource::Users, None)?;
        if !self.store().delete_user(username)? {
            return Err(AuthError::NotFound(format!("user {username:?}")));
        }
        self.audit(by, "user_remove", &format!("user:{username}"))
    }

    /// Project names (admin: all; researchers: their own).
    pub fn projects(&self, by: &Principal) -> Result<Vec<String>, AuthError> {
        if by.role != Role::Researcher {
            self.require(by, Action::Read, Resource::Projects, None)?;
        }
        Ok(self.store().projects()?.into_iter().filter(|p| by.may(Action::Read, Resource::Projects, Some(p))).collect())
    }

    /// Creates a project (admin).
    pub fn add_project(&self, by: &Principal, name: &str) -> Result<(), AuthError> {
        self.require(by, Action::Write, Resource::Projects, None)?;
        valid_name("name", name)?;
        self.store().ensure_project(name, self.now())?;
        self.audit(by, "project_add", &format!("project:{name}"))
    }

    // ---- login and sessions ----

    /// Checks a password and opens a session. `ip` is the client address (for rate limiting).
    /// Unknown accounts and wrong passwords give the same [`AuthError::BadCredentials`] after the
    /// same argon2 work; blocked attempts give [`AuthError::RateLimited`] without any check.
    pub fn login(&self, username: &str, password: &str, ip: &str) -> Result<LoginOutcome, AuthError> {
        let now = self.now();
        let key = username.trim();
        if let Err(wait) = self.limiter.lock().unwrap_or_else(|p| p.into_inner()).check(key, ip, now) {
            return Err(AuthError::RateLimited { retry_after_secs: wait });
        }
        let user = self.store().user_by_name(key)?;
        let ok = match &user {
            Some(u) => secret::verify_password(password, &u.password_hash),
            None => {
                let _ = secret::verify_password(password, &self.dummy_hash);
                false
            }
        };
        let mut limiter = self.limiter.lock().unwrap_or_else(|p| p.into_inner());
        let (Some(user), true) = (user, ok) else {
            limiter.failure(key, ip, now);
            return Err(AuthError::BadCredentials);
        };
        limiter.success(key);
        drop(limiter);
        let session_id = secret::random_token();
        let csrf = secret::random_token();
        let expires = now + self.config.session_ttl_secs;
        let mut store = self.store();
        store.purge_sessions(now)?;
        store.insert_session(&SessionRecord { id_hash: secret::token_digest(&session_id), user_id: user.id, csrf: csrf.clone(), created: now, expires })?;
        Ok(LoginOutcome { session_id, csrf, expires, user: user.into() })
    }

    /// The principal of a session cookie value, if the session exists and has not expired
    /// (an expired session is deleted).
    pub fn session_principal(&self, session_id: &str) -> Result<Option<Principal>, AuthError> {
        let hash = secret::token_digest(session_id);
        let mut store = self.store();
        let Some(s) = store.session(&hash)? else { return Ok(None) };
        if s.expires <= self.now() {
            store.delete_session(&hash)?;
            return Ok(None);
        }
        let Some(u) = store.user_by_id(s.user_id)? else { return Ok(None) };
        Ok(Some(Principal { user_id: Some(u.id), username: u.username, role: u.role, projects: u.projects, via: AuthVia::Session { csrf: s.csrf, expires: s.expires } }))
    }

    /// Ends a session.
    pub fn logout(&self, session_id: &str) -> Result<(), AuthError> {
        self.store().delete_session(&secret::token_digest(session_id))
    }

    // ---- API tokens ----

    /// Issues an API token for `username` (admin). The token is returned once.
    pub fn issue_token(&self, by: &Principal, username: &str, label: &str) -> Result<IssuedToken, AuthError> {
        self.require(by, Action::Write, Resource::Tokens, None)?;
        if label.chars().count() > 200 {
            return Err(AuthError::Invalid { field: "label".into(), message: "longer than 200 characters".into() });
        }
        let token = secret::random_token();
        let mut store = self.store();
        let user = store.user_by_name(username)?.ok_or_else(|| AuthError::NotFound(format!("user {username:?}")))?;
        let id = store.insert_token(&secret::token_digest(&token), user.id, label, self.now())?;
        drop(store);
        self.audit(by, "token_issue", &format!("token:{id} user:{}", user.username))?;
        Ok(IssuedToken { id, token, username: user.username, label: label.into() })
    }

    /// Every token (no secrets; admin).
    pub fn tokens(&self, by: &Principal) -> Result<Vec<TokenRecord>, AuthError> {
        self.require(by, Action::Read, Resource::Tokens, None)?;
        self.store().tokens()
    }

    /// Revokes a token (admin); [`AuthError::NotFound`] if no live token has this id.
    pub fn revoke_token(&self, by: &Principal, id: i64) -> Result<(), AuthError> {
        self.require(by, Action::Write, Resource::Tokens, None)?;
        if !self.store().revoke_token(id, self.now())? {
            return Err(AuthError::NotFound(format!("live token {id}")));
        }
        self.audit(by, "token_revoke", &format!("token:{id}"))
    }

    /// The principal of a bearer token, if it exists and is not revoked.
    pub fn token_principal(&self, token: &str) -> Result<Option<Principal>, AuthError> {
        let store = self.store();
        let Some(t) = store.token_by_hash(&secret::token_digest(token))? else { return Ok(None) };
        if t.revoked.is_some() {
            return Ok(None);
        }
        let Some(u) = store.user_by_id(t.user_id)? else { return Ok(None) };
        Ok(Some(Principal { user_id: Some(u.id), username: u.username, role: u.role, projects: u.projects, via: AuthVia::Token { id: t.id } }))
    }

    /// The newest `limit` audit entries (admin).
    pub fn audit_log(&self, by: &Principal, limit: usize) -> Result<Vec<AuditEntry>, AuthError> {
        self.require(by, Action::Read, Resource::AuditLog, None)?;
        self.store().audit_log(limit)
    }

    // ---- surveys ----

    /// The instrument with this id.
    pub fn instrument(&self, id: &str) -> Result<&Instrument, AuthError> {
        self.config.instruments.iter().find(|i| i.id == id).ok_or_else(|| AuthError::Invalid {
            field: "instrument".into(),
            message: format!("unknown instrument {id:?}; expected one of {}", self.config.instruments.iter().map(|i| i.id.as_str()).collect::<Vec<_>>().join(", ")),
        })
    }

    fn survey_record(&self, name: &str) -> Result<SurveyRecord, AuthError> {
        self.store().survey(name)?.ok_or_else(|| AuthError::NotFound(format!("survey {name:?}")))
    }

    /// Creates a survey of `project` from an instrument (admin).
    pub fn create_survey(&self, by: &Principal, name: &str, instrument: &str, project: &str) -> Result<SurveyRecord, AuthError> {
        self.require(by, Action::Write, Resource::Surveys, Some(project))?;
        valid_name("name", name)?;
        valid_name("project", project)?;
        self.instrument(instrument)?;
        if self.config.kb_location.is_some() && self.kb()?.survey(name).map_err(store_error)?.is_some() {
            return Err(AuthError::Conflict(format!("a survey dataset named {name:?} is already stored (mlgov survey import); choose another name for the collection")));
        }
        let s = self.store().create_survey(name, instrument, project, self.now())?;
        self.audit(by, "survey_create", &format!("survey:{name}"))?;
        Ok(s)
    }

    /// Surveys visible to `by` (admin: all; researchers: their projects'; others: names only
    /// through aggregates, so none here).
    pub fn surveys(&self, by: &Principal) -> Result<Vec<SurveyRecord>, AuthError> {
        if by.role != Role::Researcher {
            self.require(by, Action::Read, Resource::Surveys, None)?;
        }
        Ok(self.store().surveys()?.into_iter().filter(|s| by.may(Action::Read, Resource::Surveys, Some(&s.project))).collect())
    }

    /// Issues `count` single-use invitation tokens (admin); returned once, stored hashed.
    pub fn invite(&self, by: &Principal, survey: &str, count: usize, locality: Option<&str>) -> Result<Vec<String>, AuthError> {
        let s = self.survey_record(survey)?;
        self.require(by, Action::Write, Resource::Surveys, Some(&s.project))?;
        if !(1..=1000).contains(&count) {
            return Err(AuthError::Invalid { field: "count".into(), message: format!("{count}: expected 1 to 1000 invitations at a time") });
        }
        if let Some(l) = locality {
            if l.is_empty() || l.len() > 100 || l.chars().any(char::is_control) {
                return Err(AuthError::Invalid { field: "locality".into(), message: "expected a locality id (1 to 100 characters)".into() });
            }
        }
        let tokens: Vec<String> = (0..count).map(|_| secret::random_token()).collect();
        let hashes: Vec<String> = tokens.iter().map(|t| secret::token_digest(t)).collect();
        self.store().insert_invitations(s.id, &hashes, locality, self.now())?;
        self.audit(by, "survey_invite", &format!("survey:{survey} count:{count}"))?;
        Ok(tokens)
    }

    /// Collection progress (admin; researchers of the project).
    pub fn progress(&self, by: &Principal, survey: &str) -> Result<(SurveyRecord, Progress), AuthError> {
        let s = self.survey_record(survey)?;
        self.require(by, Action::Read, Resource::Surveys, Some(&s.project))?;
        let p = self.store().progress(s.id)?;
        Ok((s, p))
    }

    /// Opens an invitation link: [`AuthError::NotFound`] for an unknown token,
    /// [`AuthError::Gone`] for a submitted one.
    pub fn open_invitation(&self, token: &str) -> Result<OpenedInvitation, AuthError> {
        let store = self.store();
        let inv = store.invitation(&secret::token_digest(token))?.ok_or_else(|| AuthError::NotFound("invitation".into()))?;
        if inv.submitted.is_some() {
            return Err(AuthError::Gone("this questionnaire has already been submitted; thank you".into()));
        }
        let survey = store.survey_by_id(inv.survey_id)?.ok_or_else(|| AuthError::NotFound("survey".into()))?;
        let answers = store.answers_of(inv.id)?;
        drop(store);
        let instrument = self.instrument(&survey.instrument)?.clone();
        let values = respond::values_of(&instrument, &answers);
        Ok(OpenedInvitation { survey, instrument, invitation: inv, values })
    }

    /// Validates and saves a respondent's form; with `submit`, marks the link used. The answers
    /// replace earlier saved ones in one transaction. Returns the invitation as opened before.
    pub fn save_response(&self, token: &str, values: &FormValues, submit: bool) -> Result<OpenedInvitation, SaveError> {
        let opened = self.open_invitation(token)?;
        let answers = match respond::validate(&opened.instrument, values, submit) {
            Ok(a) => a,
            Err(errors) => return Err(SaveError::Fields { opened: Box::new(opened), errors }),
        };
        self.store().save_answers(opened.invitation.id, &answers, submit, self.now())?;
        Ok(opened)
    }

    /// Every raw answer of a survey (admin; researchers of the project). Audited.
    pub fn raw_answers(&self, by: &Principal, survey: &str) -> Result<Vec<RawAnswer>, AuthError> {
        let s = self.survey_record(survey)?;
        self.require(by, Action::Read, Resource::RawData, Some(&s.project))?;
        let rows = self.store().raw_answers(s.id)?;
        self.audit(by, "read_raw_answers", &format!("survey:{survey}"))?;
        Ok(rows)
    }

    // ---- published figures and releases ----

    fn kb(&self) -> Result<Box<dyn Store + Send>, AuthError> {
        let Some(location) = self.config.kb_location.as_deref() else {
            return Err(AuthError::Unavailable("no knowledge-base store is configured for survey datasets and releases".into()));
        };
        mlgov_store_postgres::open_any(location, OpenMode::Existing).map_err(store_error)
    }

    /// The knowledge base's localities as survey groups (size class, orientation, typology,
    /// country), the same rule as the CLI and the explorer (`mlgov_analysis::survey`).
    fn kb_localities(&self) -> Result<Vec<LocalityInfo>, AuthError> {
        Ok(mlgov_analysis::survey::survey_localities(&self.kb()?.load().map_err(store_error)?))
    }

    /// The answers behind a survey name: a survey collected here (submitted responses only) or,
    /// failing that, a dataset imported into the knowledge-base store.
    fn source(&self, name: &str) -> Result<SurveySource, AuthError> {
        let collected = self.store().survey(name)?;
        if let Some(s) = collected {
            let instrument = self.instrument(&s.instrument)?.clone();
            let dataset = collected_dataset(&**self.store(), &s, &instrument)?;
            // Invitations name knowledge-base localities: group them by the base's attributes.
            let localities = self.kb_localities()?;
            return Ok(SurveySource { project: Some(s.project), dataset, instrument, version: 0, localities });
        }
        let stored = self.kb()?.survey(name).map_err(store_error)?.ok_or_else(|| AuthError::NotFound(format!("survey {name:?}")))?;
        let dec = mlgov_survey::stored::decode(name, &stored.instrument_toml, &stored.localities_csv, &stored.data).map_err(|e| AuthError::Database(e.to_string()))?;
        let localities = mlgov_analysis::survey::analysis_localities(&dec.localities, &self.kb_localities()?);
        Ok(SurveySource { project: stored.project, dataset: dec.dataset, instrument: dec.instrument, version: stored.version, localities })
    }

    /// Live figures of a survey, computed now with the disclosure rules (admin; researchers of
    /// the survey's project). Audited.
    pub fn live_figures(&self, by: &Principal, survey: &str) -> Result<PublishedFigures, AuthError> {
        let src = self.source(survey)?;
        self.require(by, Action::Read, Resource::RawData, src.project.as_deref())?;
        let p = publish(&src.dataset, &src.instrument, &src.localities, &self.config.disclosure).map_err(|e| AuthError::Database(e.to_string()))?;
        self.audit(by, "read_live_figures", &format!("survey:{survey}"))?;
        Ok(p.content)
    }

    /// The latest release of a survey (everyone): [`AuthError::NotFound`] when none is published.
    pub fn released_figures(&self, by: &Principal, survey: &str) -> Result<ReleasedFigures, AuthError> {
        self.require(by, Action::Read, Resource::Aggregates, None)?;
        let latest = self.kb()?.releases(survey).map_err(store_error)?.pop();
        let Some(r) = latest else {
            return Err(AuthError::NotFound(format!("no release of survey {survey:?} is published yet; a researcher of its project publishes one with POST /api/v1/surveys/{survey}/releases")));
        };
        let figures: serde_json::Value = serde_json::from_str(&r.content).map_err(|e| AuthError::Database(format!("release {} of {survey:?}: {e}", r.number)))?;
        Ok(ReleasedFigures { release: ReleaseSummary::of(&r), figures })
    }

    /// The releases of a survey, oldest first (everyone).
    pub fn releases(&self, by: &Principal, survey: &str) -> Result<Vec<ReleaseSummary>, AuthError> {
        self.require(by, Action::Read, Resource::Aggregates, None)?;
        Ok(self.kb()?.releases(survey).map_err(store_error)?.iter().map(ReleaseSummary::of).collect())
    }

    /// Publishes a frozen release of a survey's figures (admin; researchers of the project),
    /// refused with [`AuthError::Conflict`] when it would differ from an earlier release by
    /// 1 … k−1 respondents in a figure both publish (`mlgov_disclosure::check_release`). Audited.
    pub fn publish_release(&self, by: &Principal, survey: &str) -> Result<ReleaseSummary, AuthError> {
        let src = self.source(survey)?;
        self.require(by, Action::Write, Resource::RawData, src.project.as_deref())?;
        let release = build_release(survey, &src, &self.config.disclosure, &by.username, &iso_time(self.now()), &*self.kb()?)?;
        self.kb()?.put_release(&release).map_err(store_error)?;
        self.audit(by, "release_publish", &format!("survey:{survey} release:{}", release.number))?;
        Ok(ReleaseSummary::of(&release))
    }
}

/// The submitted answers of collected survey `s` as a dataset (answers saved but not submitted
/// are left out), validated by the survey intake like an imported file: what releases, live
/// figures and the explorer analyse.
pub fn collected_dataset(store: &dyn AuthStore, s: &SurveyRecord, instrument: &Instrument) -> Result<Dataset, AuthError> {
    let rows = store.raw_answers(s.id)?;
    let mut by: std::collections::BTreeMap<i64, CollectedResponse> = std::collections::BTreeMap::new();
    for r in rows.into_iter().filter(|r| r.submitted) {
        let e = by.entry(r.respondent).or_insert_with(|| CollectedResponse { respondent: r.respondent.to_string(), locality: r.locality.clone(), answers: Vec::new() });
        e.answers.push(CollectedAnswer { item: r.answer.item, period: r.answer.period, value: r.answer.value });
    }
    let responses: Vec<CollectedResponse> = by.into_values().collect();
    dataset_from_collected(instrument, &responses, None).map_err(|e| AuthError::Database(format!("collected answers of {:?} do not validate: {e}", s.name)))
}

/// A survey's answers with what analysing them needs.
struct SurveySource {
    project: Option<String>,
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
        let respondents = serde_json::from_str::<serde_json::Value>(&r.content).ok().and_then(|v| v.get("respondents").and_then(serde_json::Value::as_u64));
        ReleaseSummary { survey: r.survey.clone(), number: r.number, created_at: r.created_at.clone(), created_by: r.created_by.clone(), min_cell: r.min_cell, respondents, survey_version: r.survey_version }
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

fn store_error(e: StoreError) -> AuthError {
    match e {
        StoreError::Conflict(m) => AuthError::Conflict(m),
        other => AuthError::Database(other.to_string()),
    }
}

/// Builds the next release of `survey` from `src` and checks it against every earlier release in
/// `kb` (`mlgov_survey::publish::next_release`); [`AuthError::Conflict`] with the rule's message
/// when refused.
fn build_release(survey: &str, src: &SurveySource, rules: &Rules, by: &str, now: &str, kb: &dyn Store) -> Result<StoredRelease, AuthError> {
    let earlier = kb.releases(survey).map_err(store_error)?;
    let refs: Vec<(i64, &str)> = earlier.iter().map(|r| (r.number, r.cell_members.as_str())).collect();
    let next = next_release(&src.dataset, &src.instrument, &src.localities, rules, &refs).map_err(|e| match e {
        ReleaseError::Refused(m) => AuthError::Conflict(m),
        other => AuthError::Database(format!("survey {survey:?}: {other}")),
    })?;
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

#[cfg(test)]
mod tests {
    use super::iso_time;

    #[test]
    fn iso_time_known_instants() {
        assert_eq!(iso_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_time(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso_time(1_700_000_000), "2023-11-14T22:13:20Z");
    }
}
