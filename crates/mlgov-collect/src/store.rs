//! The storage interface of survey collection: [`CollectStore`], with row types. Backends hold no
//! rules (who may do what is decided by [`crate::Collect`] through the auth crate's matrix); they
//! only guarantee atomicity where a method says so.

use serde::Serialize;

use crate::CollectError;

/// A survey being collected.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SurveyRecord {
    /// Id.
    pub id: i64,
    /// Name (in URLs).
    pub name: String,
    /// Instrument id.
    pub instrument: String,
    /// Owning project.
    pub project: String,
    /// Creation time, Unix seconds.
    pub created: i64,
}

/// A single-use invitation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvitationRecord {
    /// Id (the respondent's id in raw answers).
    pub id: i64,
    /// Survey.
    pub survey_id: i64,
    /// SHA-256 of the link token.
    pub token_hash: String,
    /// Locality the respondent answers for, if fixed by the invitation.
    pub locality: Option<String>,
    /// Creation time.
    pub created: i64,
    /// First save.
    pub started: Option<i64>,
    /// Submission (after which the link is unusable).
    pub submitted: Option<i64>,
}

/// One answer: an item of the long layout of `docs/survey.md` (`freq_<actor>`,
/// `nature_<actor>`, a perception id, `role`, `affiliation`), its period (`""` for none) and
/// value as text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, PartialOrd, Ord)]
pub struct Answer {
    /// Item.
    pub item: String,
    /// Period id or "".
    pub period: String,
    /// Value.
    pub value: String,
}

/// A raw answer with its respondent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RawAnswer {
    /// Invitation id (respondent).
    pub respondent: i64,
    /// Locality of the invitation.
    pub locality: Option<String>,
    /// Whether the response was submitted.
    pub submitted: bool,
    /// The answer.
    #[serde(flatten)]
    pub answer: Answer,
}

/// Collection progress of a survey.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Default)]
pub struct Progress {
    /// Invitations issued.
    pub invited: u64,
    /// Invitations with a saved response not yet submitted.
    pub started: u64,
    /// Submitted responses.
    pub submitted: u64,
}

/// Storage of the survey-collection tables.
pub trait CollectStore: Send {
    /// Creates a survey (and its project in `auth_projects` if missing, in the same transaction);
    /// [`CollectError::Conflict`] if the name is taken.
    fn create_survey(
        &mut self,
        name: &str,
        instrument: &str,
        project: &str,
        now: i64,
    ) -> Result<SurveyRecord, CollectError>;
    /// A survey by name.
    fn survey(&self, name: &str) -> Result<Option<SurveyRecord>, CollectError>;
    /// A survey by id.
    fn survey_by_id(&self, id: i64) -> Result<Option<SurveyRecord>, CollectError>;
    /// Every survey, by name.
    fn surveys(&self) -> Result<Vec<SurveyRecord>, CollectError>;
    /// Stores invitations (one digest each) in one transaction; returns their ids.
    fn insert_invitations(
        &mut self,
        survey_id: i64,
        token_hashes: &[String],
        locality: Option<&str>,
        now: i64,
    ) -> Result<Vec<i64>, CollectError>;
    /// An invitation by token digest.
    fn invitation(&self, token_hash: &str) -> Result<Option<InvitationRecord>, CollectError>;
    /// Replaces the answers of an invitation and marks it started (and submitted when
    /// `submit`), all in one transaction, and only if it has not been submitted:
    /// [`CollectError::Gone`] otherwise (so two concurrent submissions cannot both land).
    fn save_answers(
        &mut self,
        invitation_id: i64,
        answers: &[Answer],
        submit: bool,
        now: i64,
    ) -> Result<(), CollectError>;
    /// The saved answers of an invitation.
    fn answers_of(&self, invitation_id: i64) -> Result<Vec<Answer>, CollectError>;
    /// Every raw answer of a survey (submitted and in progress).
    fn raw_answers(&self, survey_id: i64) -> Result<Vec<RawAnswer>, CollectError>;
    /// Collection progress.
    fn progress(&self, survey_id: i64) -> Result<Progress, CollectError>;
}
