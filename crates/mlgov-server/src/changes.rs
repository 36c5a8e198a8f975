//! Proposed knowledge-base change sets on the shared server (`/api/v1/changes` and the explorer's
//! `/changes` pages): contributors, researchers and admins submit rows (or a form for one
//! statement) — the same CSV files `mlgov import` reads, each row with its source and
//! locator — which are checked at once and kept as a proposal; anyone who may read proposals sees
//! each as a diff against the current base and comments; an admin approves (the change set is
//! applied in the transaction that marks the proposal approved) or rejects. A proposal that no
//! longer applies, or that another reviewer decided meanwhile, is refused with 409; nothing is ever
//! half-applied (`mlgov_store::Store::apply`). Contributors see only their own proposals.
//! Submissions, comments and decisions go into the accounts' audit log. The API and the pages
//! share one core ([`Proposals`]); the pages are rendered with `crate::pages`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Form, Json};
use mlgov_auth::policy::{Action, AuthVia, Resource};
use mlgov_auth::{Auth, Principal};
use mlgov_domain::{KnowledgeBase, Record, TableVisitor};
use mlgov_store::{Comment, Decision, Proposal, Store};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorBody, FieldError, blocking};
use crate::pages::{self, Cell, Field, Page, PostForm, Section};
use crate::state::AppState;

/// A change set to propose.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub(crate) struct ChangeRequest {
    /// File name (`memberships.csv`, `facts.csv`, …) → CSV text, as `mlgov import` reads them.
    pub files: BTreeMap<String, String>,
    /// What the change is and what says so.
    pub note: Option<String>,
    /// Rows whose id is stored with other content become new versions of those records.
    #[serde(default)]
    pub update: bool,
}

/// A note or a comment.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub(crate) struct TextRequest {
    /// The text (approval and rejection notes may be empty; comments may not).
    #[serde(default)]
    pub text: String,
}

/// A row of a diff.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub(crate) struct DiffRow {
    /// Table (`memberships`).
    pub table: String,
    /// Record id.
    pub id: String,
    /// The stored version's cells (corrections only).
    #[schema(value_type = Object)]
    pub stored: Option<BTreeMap<String, String>>,
    /// The proposed cells.
    #[schema(value_type = Object)]
    pub proposed: BTreeMap<String, String>,
    /// The columns that change (corrections only).
    pub changed: Vec<String>,
}

/// What a proposal would do to the current base.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub(crate) struct Diff {
    /// Whether it still applies to the current base.
    pub applies: bool,
    /// Why not (file, line, field, what).
    pub problems: Vec<FieldError>,
    /// New records.
    pub added: Vec<DiffRow>,
    /// New versions of stored records.
    pub corrected: Vec<DiffRow>,
    /// Rows already stored identically.
    pub unchanged: usize,
    /// Disagreements with statements stored from other sources that the change would create.
    #[schema(value_type = Vec<Object>)]
    pub conflicts: Vec<Value>,
}

/// A proposal with its diff.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub(crate) struct ProposalOut {
    /// The proposal as stored (files, submitter, comments, decision).
    #[schema(value_type = Object)]
    pub proposal: Proposal,
    /// Against the current base.
    pub diff: Diff,
}

/// Proposals, newest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub(crate) struct ProposalList {
    /// The proposals (without their diffs).
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<Proposal>,
}

fn principal(who: Option<Extension<Principal>>) -> Principal {
    who.map_or_else(Principal::anonymous, |e| e.0)
}

fn require(
    who: &Principal,
    action: Action,
    resource: Resource,
    what: &str,
) -> Result<(), ApiError> {
    if !who.is_authenticated() {
        return Err(ApiError::Unauthenticated(format!(
            "{what} needs an account (session or API token)"
        )));
    }
    if !who.may(action, resource, None) {
        return Err(ApiError::Forbidden(format!("{} may not {what}", who.role)));
    }
    Ok(())
}

/// Whether `who` may read (and comment on) proposal `p`: every proposal (researchers, admins) or
/// their own (contributors).
fn may_see(who: &Principal, p: &Proposal) -> bool {
    who.may(Action::Read, Resource::KbChanges, None)
        || (who.may(Action::Read, Resource::OwnKbChanges, None) && p.submitted_by == who.username)
}

/// Checks that `who` may take part at all (read their own proposals at least).
fn require_participant(who: &Principal, action: Action, what: &str) -> Result<(), ApiError> {
    let resource = if who.may(action, Resource::KbChanges, None) {
        Resource::KbChanges
    } else {
        Resource::OwnKbChanges
    };
    require(who, action, resource, what)
}

fn open_store(st: &AppState) -> Result<Box<dyn Store + Send>, ApiError> {
    let db = st
        .db_path
        .as_ref()
        .ok_or_else(|| ApiError::Internal("no database attached to this server".into()))?;
    Ok(mlgov_store_postgres::open(
        &mlgov_store::Location::from_path(db),
        mlgov_store_postgres::OpenMode::Existing,
    )?)
}

fn diagnostics(d: Vec<mlgov_interchange::Diagnostic>) -> Vec<FieldError> {
    d.into_iter()
        .map(|d| FieldError {
            field: format!(
                "{}{}{}",
                d.file,
                d.line.map(|l| format!(":{l}")).unwrap_or_default(),
                d.field.map(|f| format!(":{f}")).unwrap_or_default()
            ),
            message: d.message,
        })
        .collect()
}

/// Reads a proposal's files as a batch.
fn read_files(
    files: &BTreeMap<String, String>,
) -> Result<mlgov_interchange::Loaded, Vec<FieldError>> {
    if files.is_empty() {
        return Err(vec![FieldError {
            field: "files".into(),
            message: "no files: give at least one CSV file (memberships.csv, facts.csv, …)".into(),
        }]);
    }
    let owned: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (n.as_str(), t.as_bytes())).collect();
    mlgov_interchange::read_memory_batch(&owned).map_err(|e| diagnostics(e.diagnostics()))
}

/// (table, id, cells) of every record of `kb`, or only of those whose id is in `only`.
fn cells_of_ids(
    kb: &KnowledgeBase,
    only: Option<&std::collections::HashSet<&str>>,
) -> Vec<(String, String, BTreeMap<String, String>)> {
    struct C<'a>(
        Vec<(String, String, BTreeMap<String, String>)>,
        Option<&'a std::collections::HashSet<&'a str>>,
    );
    impl TableVisitor for C<'_> {
        fn table<R: Record>(&mut self, rows: &[R]) {
            for r in rows.iter().filter(|r| self.1.is_none_or(|ids| ids.contains(r.id().as_str())))
            {
                let cells =
                    R::COLUMNS.iter().map(|c| c.name.to_string()).zip(r.to_cells()).collect();
                self.0.push((
                    R::FILE.trim_end_matches(".csv").to_string(),
                    r.id().to_string(),
                    cells,
                ));
            }
        }
    }
    let mut c = C(Vec::new(), only);
    kb.visit(&mut c);
    c.0
}

fn cells_of(kb: &KnowledgeBase) -> Vec<(String, String, BTreeMap<String, String>)> {
    cells_of_ids(kb, None)
}

/// The diff of `files` against `base` (the server's current snapshot).
fn diff(base: &KnowledgeBase, files: &BTreeMap<String, String>, update: bool) -> Diff {
    let mut out = Diff {
        applies: false,
        problems: vec![],
        added: vec![],
        corrected: vec![],
        unchanged: 0,
        conflicts: vec![],
    };
    let loaded = match read_files(files) {
        Ok(l) => l,
        Err(p) => {
            out.problems = p;
            return out;
        }
    };
    let plan = match mlgov_interchange::plan_addition(base, &loaded, update) {
        Ok(p) => p,
        Err(d) => {
            out.problems = diagnostics(d);
            return out;
        }
    };
    out.applies = true;
    out.unchanged = plan.unchanged;
    out.added = cells_of(&plan.new)
        .into_iter()
        .map(|(table, id, proposed)| DiffRow { table, id, stored: None, proposed, changed: vec![] })
        .collect();
    // The stored versions of the corrected records only (not the whole base converted to cells).
    let changed = cells_of(&plan.changed);
    let ids: std::collections::HashSet<&str> =
        changed.iter().map(|(_, id, _)| id.as_str()).collect();
    let stored: BTreeMap<String, BTreeMap<String, String>> =
        cells_of_ids(base, Some(&ids)).into_iter().map(|(_, id, c)| (id, c)).collect();
    out.corrected = changed
        .into_iter()
        .map(|(table, id, proposed)| {
            let old = stored.get(&id).cloned().unwrap_or_default();
            let changed = proposed
                .iter()
                .filter(|(k, v)| old.get(*k) != Some(*v))
                .map(|(k, _)| k.clone())
                .collect();
            DiffRow { table, id, stored: Some(old), proposed, changed }
        })
        .collect();
    // Disagreements the change would add: conflicts of the merged base that involve its rows.
    let incoming: std::collections::HashSet<String> =
        out.added.iter().chain(&out.corrected).map(|r| r.id.clone()).collect();
    let mut merged = base.clone();
    merged.extend(plan.new);
    out.conflicts = merged
        .conflicts()
        .into_iter()
        .filter(|c| c.statements.iter().any(|s| incoming.contains(&s.id)))
        .map(|c| serde_json::to_value(c).unwrap_or(Value::Null))
        .collect();
    out
}

/// What the API and the pages do, over one server state, for one principal; every method opens
/// the store itself and runs on a blocking thread.
struct Proposals {
    st: AppState,
    who: Principal,
    auth: Option<Auth>,
}

impl Proposals {
    fn audit(&self, action: &str, resource: &str) {
        if let Some(a) = &self.auth
            && let Err(e) = a.audit(&self.who, action, resource)
        {
            eprintln!("warning: audit log: {action} {resource} by {}: {e}", self.who.username);
        }
    }

    /// A proposal `who` may see (404 otherwise: another contributor's proposal is not revealed).
    fn visible(&self, store: &dyn Store, id: i64) -> Result<Proposal, ApiError> {
        match store.proposal(id)? {
            Some(p) if may_see(&self.who, &p) => Ok(p),
            _ => Err(ApiError::NotFound(format!("no proposal {id}"))),
        }
    }

    /// The proposal with its diff against the current base; a pending proposal whose corrections
    /// touch statements recorded after it was prepared does not apply (approval would be refused).
    fn out(&self, store: &dyn Store, p: Proposal) -> Result<ProposalOut, ApiError> {
        let mut d = diff(&self.st.snapshot().kb, &p.files, p.update);
        if p.status == "pending" {
            let since = p.prepared_against.unwrap_or(0);
            for r in &d.corrected {
                let current = store.history(&r.id)?.into_iter().rev().find(|v| v.closed.is_none());
                if let Some(v) = current.filter(|v| v.opened.id > since) {
                    d.applies = false;
                    d.problems.push(FieldError { field: format!("{}:{}", r.table, r.id), message: format!("recorded again in change set {} by {} after this proposal was prepared (against change set {since}); propose it again against the current base", v.opened.id, v.opened.recorded_by) });
                }
            }
        }
        Ok(ProposalOut { proposal: p, diff: d })
    }

    fn propose(&self, req: ChangeRequest) -> Result<ProposalOut, ApiError> {
        require_participant(&self.who, Action::Write, "propose changes to the knowledge base")?;
        if let Some(message) = req.note.as_deref().and_then(mlgov_domain::text::control_problem) {
            return Err(ApiError::InvalidData(
                "the note has a character it may not hold; nothing was proposed".into(),
                vec![FieldError { field: "note".into(), message }],
            ));
        }
        let loaded = read_files(&req.files).map_err(|p| {
            ApiError::InvalidData("the files have problems; nothing was proposed".into(), p)
        })?;
        let mut store = open_store(&self.st)?;
        let prepared_against = store.latest_change_set()?;
        mlgov_store::plan_batch(store.as_ref(), &loaded, req.update).map_err(|e| match e {
            mlgov_store::PlanError::Invalid(d) => ApiError::InvalidData(
                "the files have problems; nothing was proposed".into(),
                diagnostics(d),
            ),
            mlgov_store::PlanError::Store(e) => e.into(),
        })?;
        let p = Proposal {
            id: 0,
            submitted_at: mlgov_store::utc_now(),
            submitted_by: self.who.username.clone(),
            note: req.note.filter(|n| !n.trim().is_empty()),
            files: req.files,
            update: req.update,
            prepared_against,
            status: "pending".into(),
            decided_at: None,
            decided_by: None,
            decision_note: None,
            change_set: None,
            comments: vec![],
        };
        let id = store.put_proposal(&p)?;
        self.audit("kb_change_propose", &format!("proposal:{id}"));
        let stored = store
            .proposal(id)?
            .ok_or_else(|| ApiError::Internal("the proposal was not stored".into()))?;
        self.out(store.as_ref(), stored)
    }

    fn list(&self) -> Result<Vec<Proposal>, ApiError> {
        require_participant(&self.who, Action::Read, "read proposed changes")?;
        Ok(open_store(&self.st)?
            .proposals()?
            .into_iter()
            .filter(|p| may_see(&self.who, p))
            .collect())
    }

    fn get(&self, id: i64) -> Result<ProposalOut, ApiError> {
        require_participant(&self.who, Action::Read, "read proposed changes")?;
        let store = open_store(&self.st)?;
        let p = self.visible(store.as_ref(), id)?;
        self.out(store.as_ref(), p)
    }

    fn comment(&self, id: i64, text: String) -> Result<ProposalOut, ApiError> {
        require_participant(&self.who, Action::Read, "comment on proposed changes")?;
        if text.trim().is_empty() {
            return Err(ApiError::InvalidData(
                "an empty comment".into(),
                vec![FieldError { field: "text".into(), message: "is required".into() }],
            ));
        }
        if let Some(message) = mlgov_domain::text::control_problem(&text) {
            return Err(ApiError::InvalidData(
                "the comment has a character it may not hold".into(),
                vec![FieldError { field: "text".into(), message }],
            ));
        }
        let mut store = open_store(&self.st)?;
        self.visible(store.as_ref(), id)?;
        store.comment_proposal(
            id,
            &Comment { at: mlgov_store::utc_now(), by: self.who.username.clone(), text },
        )?;
        self.audit("kb_change_comment", &format!("proposal:{id}"));
        let p =
            store.proposal(id)?.ok_or_else(|| ApiError::NotFound(format!("no proposal {id}")))?;
        self.out(store.as_ref(), p)
    }

    /// Approves (applies) or rejects proposal `id`.
    fn decide(&self, id: i64, approve: bool, note: String) -> Result<ProposalOut, ApiError> {
        let verb = if approve { "approve" } else { "reject" };
        require(
            &self.who,
            Action::Write,
            Resource::KbReview,
            &format!("{verb} proposed changes (admin only)"),
        )?;
        let result = if approve { self.approve(id, note) } else { self.reject(id, note) };
        match &result {
            Ok(p) => self.audit(
                &format!("kb_change_{verb}"),
                &format!(
                    "proposal:{id}{}",
                    p.proposal.change_set.map(|c| format!(" change_set:{c}")).unwrap_or_default()
                ),
            ),
            Err(ApiError::Conflict(..)) => {
                self.audit(&format!("kb_change_{verb}_refused"), &format!("proposal:{id}"))
            }
            Err(_) => {}
        }
        result
    }

    fn approve(&self, id: i64, note: String) -> Result<ProposalOut, ApiError> {
        let mut store = open_store(&self.st)?;
        store.set_recorder(&self.who.username);
        let p =
            store.proposal(id)?.ok_or_else(|| ApiError::NotFound(format!("no proposal {id}")))?;
        if p.status != "pending" {
            return Err(ApiError::Conflict(
                format!("proposal {id} is {} already", p.status),
                vec![],
            ));
        }
        let loaded = read_files(&p.files)
            .map_err(|f| ApiError::Conflict(format!("proposal {id} no longer reads"), f))?;
        let plan =
            mlgov_store::plan_batch(store.as_ref(), &loaded, p.update).map_err(|e| match e {
                mlgov_store::PlanError::Invalid(d) => ApiError::Conflict(
                    format!(
                        "proposal {id} no longer applies to the current base; nothing was applied"
                    ),
                    diagnostics(d),
                ),
                mlgov_store::PlanError::Store(e) => e.into(),
            })?;
        let change = mlgov_store::Change {
            kind: "review".into(),
            note: Some(format!(
                "proposal {id} by {}{}",
                p.submitted_by,
                p.note.as_ref().map(|n| format!(": {n}")).unwrap_or_default()
            )),
            new: plan.new,
            corrected: plan.changed,
            retracted: vec![],
            approves: Some(Decision {
                proposal: id,
                by: self.who.username.clone(),
                note: Some(note).filter(|n| !n.trim().is_empty()),
            }),
            prepared_against: p.prepared_against,
        };
        store.apply(&change)?;
        self.st.reload().map_err(ApiError::from)?;
        let p =
            store.proposal(id)?.ok_or_else(|| ApiError::NotFound(format!("no proposal {id}")))?;
        self.out(store.as_ref(), p)
    }

    fn reject(&self, id: i64, note: String) -> Result<ProposalOut, ApiError> {
        let mut store = open_store(&self.st)?;
        store.proposal(id)?.ok_or_else(|| ApiError::NotFound(format!("no proposal {id}")))?;
        store.reject_proposal(&Decision {
            proposal: id,
            by: self.who.username.clone(),
            note: Some(note).filter(|n| !n.trim().is_empty()),
        })?;
        let p =
            store.proposal(id)?.ok_or_else(|| ApiError::NotFound(format!("no proposal {id}")))?;
        self.out(store.as_ref(), p)
    }
}

fn core(
    st: AppState,
    who: Option<Extension<Principal>>,
    auth: Option<Extension<Auth>>,
) -> Proposals {
    Proposals { st, who: principal(who), auth: auth.map(|a| a.0) }
}

/// Runs `f` on the core on a blocking thread.
async fn with<T: Send + 'static>(
    c: Proposals,
    f: impl FnOnce(&Proposals) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    blocking(move || f(&c)).await
}

fn text_of(body: &Bytes) -> String {
    serde_json::from_slice::<TextRequest>(body).map(|r| r.text).unwrap_or_default()
}

/// Proposes a change set.
#[utoipa::path(post, path = "/api/v1/changes", operation_id = "propose_change", tag = "knowledge base",
    security(("bearer" = []), ("session" = [])), request_body = ChangeRequest,
    responses((status = 201, description = "The proposal was recorded; its diff", body = ProposalOut), (status = 401, description = "No valid credentials", body = ErrorBody), (status = 403, description = "The account's role does not allow this", body = ErrorBody),
        (status = 413, description = "Request body too large", body = ErrorBody), (status = 422, description = "Well-formed but invalid data", body = ErrorBody)))]
pub(crate) async fn propose(
    State(st): State<AppState>,
    who: Option<Extension<Principal>>,
    auth: Option<Extension<Auth>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let c = core(st, who, auth);
    require_participant(&c.who, Action::Write, "propose changes to the knowledge base")?;
    let req: ChangeRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::InvalidData(format!("not a change request: {e}"), vec![]))?;
    let out = with(c, move |c| c.propose(req)).await?;
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

/// The proposals the caller may see (contributors: their own), newest first.
#[utoipa::path(get, path = "/api/v1/changes", operation_id = "list_changes", tag = "knowledge base",
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, description = "The proposals this account may see", body = ProposalList), (status = 401, description = "No valid credentials", body = ErrorBody), (status = 403, description = "The account's role does not allow this", body = ErrorBody)))]
pub(crate) async fn list(
    State(st): State<AppState>,
    who: Option<Extension<Principal>>,
    auth: Option<Extension<Auth>>,
) -> Result<Json<ProposalList>, ApiError> {
    let items = with(core(st, who, auth), |c| c.list()).await?;
    Ok(Json(ProposalList { items }))
}

/// One proposal with its diff against the current base.
#[utoipa::path(get, path = "/api/v1/changes/{id}", operation_id = "get_change", tag = "knowledge base",
    security(("bearer" = []), ("session" = [])), params(("id" = String, Path, description = "Proposal number (digits)")),
    responses((status = 200, description = "The proposal with its diff", body = ProposalOut), (status = 401, description = "No valid credentials", body = ErrorBody), (status = 403, description = "The account's role does not allow this", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody)))]
pub(crate) async fn get(
    State(st): State<AppState>,
    who: Option<Extension<Principal>>,
    auth: Option<Extension<Auth>>,
    Path(id): Path<i64>,
) -> Result<Json<ProposalOut>, ApiError> {
    Ok(Json(with(core(st, who, auth), move |c| c.get(id)).await?))
}

/// Comments on a proposal.
#[utoipa::path(post, path = "/api/v1/changes/{id}/comments", operation_id = "comment_change", tag = "knowledge base",
    security(("bearer" = []), ("session" = [])), params(("id" = String, Path, description = "Proposal number (digits)")), request_body = TextRequest,
    responses((status = 200, description = "The proposal with its diff", body = ProposalOut), (status = 401, description = "No valid credentials", body = ErrorBody), (status = 403, description = "The account's role does not allow this", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody), (status = 422, description = "Well-formed but invalid data", body = ErrorBody)))]
pub(crate) async fn comment(
    State(st): State<AppState>,
    who: Option<Extension<Principal>>,
    auth: Option<Extension<Auth>>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<ProposalOut>, ApiError> {
    let c = core(st, who, auth);
    require_participant(&c.who, Action::Read, "comment on proposed changes")?;
    let req: TextRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::InvalidData(format!("not a comment: {e}"), vec![]))?;
    Ok(Json(with(c, move |c| c.comment(id, req.text)).await?))
}

/// Approves a proposal: its change set is applied (in the transaction that marks it approved) if
/// it still applies to the current base; 409 when it does not, or when it was decided meanwhile.
#[utoipa::path(post, path = "/api/v1/changes/{id}/approve", operation_id = "approve_change", tag = "knowledge base",
    security(("bearer" = []), ("session" = [])), params(("id" = String, Path, description = "Proposal number (digits)")), request_body = TextRequest,
    responses((status = 200, description = "The proposal with its diff", body = ProposalOut), (status = 401, description = "No valid credentials", body = ErrorBody), (status = 403, description = "The account's role does not allow this", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody), (status = 409, description = "Conflicts with the current state", body = ErrorBody)))]
pub(crate) async fn approve(
    State(st): State<AppState>,
    who: Option<Extension<Principal>>,
    auth: Option<Extension<Auth>>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<ProposalOut>, ApiError> {
    let note = text_of(&body);
    Ok(Json(with(core(st, who, auth), move |c| c.decide(id, true, note)).await?))
}

/// Rejects a proposal (409 when it was decided meanwhile).
#[utoipa::path(post, path = "/api/v1/changes/{id}/reject", operation_id = "reject_change", tag = "knowledge base",
    security(("bearer" = []), ("session" = [])), params(("id" = String, Path, description = "Proposal number (digits)")), request_body = TextRequest,
    responses((status = 200, description = "The proposal with its diff", body = ProposalOut), (status = 401, description = "No valid credentials", body = ErrorBody), (status = 403, description = "The account's role does not allow this", body = ErrorBody), (status = 404, description = "Not found", body = ErrorBody), (status = 409, description = "Conflicts with the current state", body = ErrorBody)))]
pub(crate) async fn reject(
    State(st): State<AppState>,
    who: Option<Extension<Principal>>,
    auth: Option<Extension<Auth>>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Json<ProposalOut>, ApiError> {
    let note = text_of(&body);
    Ok(Json(with(core(st, who, auth), move |c| c.decide(id, false, note)).await?))
}
// ---------------------------------------------------------------- explorer pages

/// The knowledge-base tables a proposal can write: file name and columns, in the order of the
/// knowledge base.
fn kb_tables() -> Vec<(&'static str, &'static [mlgov_domain::Column])> {
    struct T(Vec<(&'static str, &'static [mlgov_domain::Column])>);
    impl TableVisitor for T {
        fn table<R: Record>(&mut self, _: &[R]) {
            self.0.push((R::FILE, R::COLUMNS));
        }
    }
    let mut t = T(Vec::new());
    KnowledgeBase::default().visit(&mut t);
    t.0
}

fn csrf_of(who: &Principal) -> String {
    match &who.via {
        AuthVia::Session { csrf, .. } => csrf.clone(),
        _ => String::new(),
    }
}

/// Rows offered again for a proposal are data to re-import, not a spreadsheet: raw.
fn csv_cell(s: &str) -> String {
    mlgov_textfile::csv_field(s, true)
}

fn form(
    id: &str,
    action: &str,
    label: &str,
    submit: &str,
    who: &Principal,
    fields: Vec<Field>,
) -> PostForm {
    PostForm {
        id: id.into(),
        action: action.into(),
        label: label.into(),
        fields,
        submit: submit.into(),
        csrf: csrf_of(who),
        method: "post".into(),
    }
}

/// A hidden field of a form.
fn hidden(name: &str, value: &str) -> Field {
    Field { kind: "hidden".into(), name: name.into(), value: value.into(), ..Field::default() }
}

fn field(
    name: &str,
    label: &str,
    kind: &str,
    value: &str,
    help: Option<&str>,
    required: bool,
) -> Field {
    let mut f = pages::input(name, label, kind, value);
    f.help = help.map(str::to_string);
    f.required = required;
    f
}

fn problems_table(problems: &[FieldError]) -> pages::Table {
    pages::table(
        "problems",
        "What to change (file:line:field)",
        &["where", "problem"],
        problems.iter().map(|f| vec![pages::t(&f.field), pages::t(&f.message)]).collect(),
    )
}

fn page_error(st: &AppState, e: ApiError, path: &str) -> Response {
    let status = e.status();
    if status == StatusCode::UNAUTHORIZED {
        let mut page = Page { title: "Sign in to propose changes".into(), ..Page::default() };
        page.lead.push("Proposing, commenting on and reviewing changes to the knowledge base needs an account: contributors propose and follow their own proposals, researchers propose and read every proposal, administrators approve or reject.".into());
        let mut s = pages::section("signin", "Sign in");
        s.links.push(pages::link(
            "Log in",
            Some(format!("/login?next={}", crate::params::encode(path))),
        ));
        page.sections.push(s);
        return pages::html(&st.snapshot(), page, path, status);
    }
    crate::pages::PageError(e).into_response()
}

fn form_value<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
}

/// The list of proposals with the two ways to propose: one statement, or rows of a file.
fn list_page(
    who: &Principal,
    items: &[Proposal],
    table_name: &str,
    kept: &[(String, String)],
    problems: &[FieldError],
) -> Page {
    let mut page = Page { title: "Proposed changes".into(), ..Page::default() };
    page.lead.push(format!("Signed in as {} ({}). A proposal is checked at once like an import (every row with its source and locator); a reviewer sees it as a diff against the current base and approves it — it is then applied whole, or refused whole if the base has moved — or rejects it.", who.username, who.role));
    if who.role == mlgov_auth::Role::Contributor {
        page.lead.push("As a contributor you see your own proposals only.".into());
    }
    if !problems.is_empty() {
        page.notice = Some(
            "Nothing was proposed: the rows have problems (below). Correct them and submit again."
                .into(),
        );
        let mut s = pages::section("problems", "Problems");
        s.tables.push(problems_table(problems));
        page.sections.push(s);
    }
    page.sections.push(proposals_section(items));
    let tables = kb_tables();
    let chosen = tables
        .iter()
        .find(|(f, _)| f.trim_end_matches(".csv") == table_name)
        .or_else(|| tables.iter().find(|(f, _)| *f == "memberships.csv"))
        .copied();
    let opts: Vec<(String, String)> = tables
        .iter()
        .map(|(f, _)| {
            (f.trim_end_matches(".csv").to_string(), f.trim_end_matches(".csv").replace('_', " "))
        })
        .collect();
    page.sections.push(one_statement_section(who, chosen, &opts, kept));
    page.sections.push(rows_section(who, opts, kept));
    page
}

/// The proposals the account may see, newest first.
fn proposals_section(items: &[Proposal]) -> Section {
    let mut s = pages::section("proposals", "Proposals");
    s.tables.push(pages::table(
        "proposal-list",
        "Proposals you may see, newest first",
        &["proposal", "submitted", "by", "note", "status", "decided by"],
        items
            .iter()
            .map(|p| {
                vec![
                    pages::link(format!("#{}", p.id), Some(format!("/changes/{}", p.id))),
                    pages::t(&p.submitted_at),
                    pages::t(&p.submitted_by),
                    pages::t(p.note.clone().unwrap_or_default()),
                    pages::t(&p.status),
                    pages::t(p.decided_by.clone().unwrap_or_default()),
                ]
            })
            .collect(),
    ));
    s
}

/// The form proposing one statement of the chosen kind (a GET form chooses the kind).
fn one_statement_section(
    who: &Principal,
    chosen: Option<(&'static str, &'static [mlgov_domain::Column])>,
    opts: &[(String, String)],
    kept: &[(String, String)],
) -> Section {
    let mut one = pages::section("one", "Propose one statement");
    one.paragraphs.push("Choose what kind of statement, fill in its fields and cite where it comes from (source id and locator: a section, table, page or short quote). An id already stored with other content is a correction of that statement: tick \"correct a stored statement\".".into());
    if let Some((file, columns)) = chosen {
        let name = file.trim_end_matches(".csv");
        // A GET form: changing the kind only reloads the page.
        let choose = form(
            "choose",
            "/changes#one",
            "Choose the kind of statement",
            "Show its fields",
            who,
            vec![pages::select("table", "Kind of statement", name, opts.to_vec())],
        );
        one.forms.push(PostForm { csrf: String::new(), method: "get".into(), ..choose });
        let mut fields = vec![hidden("file", file), hidden("mode", "one")];
        for c in columns.iter() {
            let key = format!("col:{}", c.name);
            let v = if form_value(kept, "file") == file { form_value(kept, &key) } else { "" };
            fields.push(field(
                &key,
                c.name,
                "text",
                v,
                Some(c.doc).filter(|d| !d.is_empty()),
                c.required,
            ));
        }
        fields.push(field(
            "note",
            "Note for the reviewer",
            "text",
            form_value(kept, "note"),
            Some("What the change is and why (optional)."),
            false,
        ));
        fields.push(field(
            "update",
            "Correct a stored statement (the id exists with other content)",
            "checkbox",
            form_value(kept, "update"),
            None,
            false,
        ));
        one.forms.push(form(
            "statement",
            "/changes",
            &format!("Propose one {name} statement"),
            "Propose this statement",
            who,
            fields,
        ));
    }
    one
}

/// The form proposing rows of a file.
fn rows_section(
    who: &Principal,
    opts: Vec<(String, String)>,
    kept: &[(String, String)],
) -> Section {
    let mut rows = pages::section("rows", "Propose rows of a file");
    rows.paragraphs.push("Paste rows with their header line, as `mlgov import` reads them (docs/data-format.md). Rows may refer to anything already stored.".into());
    let file = if form_value(kept, "mode") == "rows" {
        form_value(kept, "file").trim_end_matches(".csv").to_string()
    } else {
        "memberships".to_string()
    };
    rows.forms.push(form(
        "rows-form",
        "/changes",
        "Propose rows of a file",
        "Propose these rows",
        who,
        vec![
            hidden("mode", "rows"),
            pages::select("file", "File", &file, opts),
            field(
                "rows",
                "Rows (CSV with its header line)",
                "textarea",
                if form_value(kept, "mode") == "rows" { form_value(kept, "rows") } else { "" },
                Some("For example: id,member,network,role,start,end,source,locator"),
                true,
            ),
            field(
                "note",
                "Note for the reviewer",
                "text",
                if form_value(kept, "mode") == "rows" { form_value(kept, "note") } else { "" },
                None,
                false,
            ),
            field(
                "update",
                "Rows whose id is stored with other content are corrections",
                "checkbox",
                if form_value(kept, "mode") == "rows" { form_value(kept, "update") } else { "" },
                None,
                false,
            ),
        ],
    ));
    rows
}

/// A proposal: what it is, what it would change (or changed), its rows, comments and decision.
fn proposal_page(
    who: &Principal,
    out: &ProposalOut,
    notice: Option<String>,
    problems: &[FieldError],
) -> Page {
    let p = &out.proposal;
    let mut page = Page {
        title: format!("Proposal {}", p.id),
        subtitle: p.note.clone(),
        notice,
        ..Page::default()
    };
    page.sections.push(proposal_about(p));
    if !problems.is_empty() {
        let mut s = pages::section("problems", "Why it was refused");
        s.tables.push(problems_table(problems));
        page.sections.push(s);
    }
    page.sections.push(diff_section(p, &out.diff));
    let may_propose = who.may(Action::Write, Resource::KbChanges, None)
        || (who.may(Action::Write, Resource::OwnKbChanges, None) && p.submitted_by == who.username);
    if p.status == "pending" && !out.diff.applies && p.files.len() == 1 && may_propose {
        page.sections.push(again_section(who, p));
    }
    page.sections.push(files_section(p));
    page.sections.push(comments_section(who, p));
    if p.status == "pending" && who.may(Action::Write, Resource::KbReview, None) {
        page.sections.push(review_section(who, p));
    }
    page
}

/// About a proposal: status, submission, the base it was prepared against, decision.
fn proposal_about(p: &Proposal) -> Section {
    let mut about = pages::section("about", "About");
    about.pairs = vec![
        ("status".into(), pages::t(&p.status)),
        ("submitted".into(), pages::t(format!("{} by {}", p.submitted_at, p.submitted_by))),
        (
            "prepared against".into(),
            pages::t(
                p.prepared_against
                    .map(|c| format!("change set {c}"))
                    .unwrap_or_else(|| "an empty base".into()),
            ),
        ),
    ];
    if let Some(by) = &p.decided_by {
        about.pairs.push((
            "decided".into(),
            pages::t(format!(
                "{} by {by}{}",
                p.decided_at.clone().unwrap_or_default(),
                p.decision_note.as_ref().map(|n| format!(": {n}")).unwrap_or_default()
            )),
        ));
    }
    if let Some(cs) = p.change_set {
        about.pairs.push((
            "applied as".into(),
            pages::link(
                format!("change set {cs} (the base right after it)"),
                Some(format!("/?as_of=cs:{cs}")),
            ),
        ));
    }
    about
}

/// What the proposal would change (or changed) against the current base: added, corrected and
/// the disagreements it would create.
fn diff_section(p: &Proposal, d: &Diff) -> Section {
    let mut diff = pages::section(
        "diff",
        if p.status == "pending" { "What it would change" } else { "Against the current base" },
    );
    if p.status == "approved" {
        diff.paragraphs.push(
            "Applied: its rows are in the current base, so they show as already stored.".into(),
        );
    }
    if !d.applies {
        diff.notice = Some("This proposal does not apply to the current base as it stands (the problems are listed with their file, line and field). Approving it would be refused.".into());
        diff.tables.push(problems_table(&d.problems));
    }
    diff.paragraphs.push(format!(
        "{} new, {} corrected, {} already stored identically.",
        d.added.len(),
        d.corrected.len(),
        d.unchanged
    ));
    let summary = |cells: &BTreeMap<String, String>| {
        cells
            .iter()
            .filter(|(k, v)| !v.is_empty() && k.as_str() != "id")
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    };
    diff.tables.push(pages::table(
        "added",
        "Statements it adds",
        &["table", "id", "content"],
        d.added
            .iter()
            .map(|r| vec![pages::t(&r.table), pages::t(&r.id), pages::t(summary(&r.proposed))])
            .collect(),
    ));
    diff.tables.push(pages::table(
        "corrected",
        "Statements it corrects (changed values highlighted)",
        &["table", "id", "field", "stored", "proposed"],
        d.corrected
            .iter()
            .flat_map(|r| {
                r.changed.iter().map(move |c| {
                    vec![
                        pages::t(&r.table),
                        pages::t(&r.id),
                        pages::t(c),
                        pages::t(
                            r.stored.as_ref().and_then(|s| s.get(c)).cloned().unwrap_or_default(),
                        ),
                        Cell {
                            text: r.proposed.get(c).cloned().unwrap_or_default(),
                            mark: true,
                            ..Cell::default()
                        },
                    ]
                })
            })
            .collect(),
    ));
    diff.tables.push(conflicts_table(d));
    diff
}

/// The disagreements with statements from other sources a proposal would create, its own
/// statements highlighted.
fn conflicts_table(d: &Diff) -> pages::Table {
    let s = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    pages::table(
        "conflicts",
        "Disagreements with statements from other sources it would create",
        &["subject", "about", "statement", "value", "source", "locator"],
        d.conflicts
            .iter()
            .flat_map(|c| {
                c.get("statements")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
                    .into_iter()
                    .map(move |x| {
                        let cit = x.get("citation").cloned().unwrap_or(Value::Null);
                        let mine = Cell {
                            text: s(&x, "id"),
                            mark: d.added.iter().chain(&d.corrected).any(|r| r.id == s(&x, "id")),
                            ..Cell::default()
                        };
                        vec![
                            pages::t(s(c, "subject")),
                            pages::t(s(c, "about").replace('_', " ")),
                            mine,
                            pages::t(s(&x, "value")),
                            pages::t(s(&cit, "source")),
                            pages::t(s(&cit, "locator")),
                        ]
                    })
            })
            .collect(),
    )
}

/// A refused single-file proposal offered again, to edit against the current base.
fn again_section(who: &Principal, p: &Proposal) -> Section {
    let (file, rows) = p.files.iter().next().expect("one file");
    let mut again = pages::section("again", "Propose it again");
    again.paragraphs.push("Edit the rows against the current base (the problems above say what moved) and propose them as a new proposal; this one stays as it is until a reviewer rejects it.".into());
    again.forms.push(form(
        "again-form",
        "/changes",
        "Propose the rows again",
        "Propose again against the current base",
        who,
        vec![
            hidden("mode", "rows"),
            hidden("file", file),
            field("rows", &format!("Rows of {file}"), "textarea", rows, None, true),
            field(
                "note",
                "Note for the reviewer",
                "text",
                format!(
                    "{} (again, replaces proposal {})",
                    p.note.clone().unwrap_or_default(),
                    p.id
                )
                .trim_start(),
                None,
                false,
            ),
            field(
                "update",
                "Rows whose id is stored with other content are corrections",
                "checkbox",
                if p.update { "1" } else { "" },
                None,
                false,
            ),
        ],
    ));
    again
}

/// The rows of each file as submitted, numbered.
fn files_section(p: &Proposal) -> Section {
    let mut files = pages::section("files", "Rows as submitted");
    for (name, text) in &p.files {
        let id = format!(
            "file-{}",
            name.trim_end_matches(".csv").replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        );
        files.tables.push(pages::table(
            &id,
            name.clone(),
            &["line", "text"],
            text.lines()
                .enumerate()
                .map(|(i, l)| vec![pages::t((i + 1).to_string()), pages::t(l)])
                .collect(),
        ));
    }
    files
}

/// The comments, oldest first, and the form to add one.
fn comments_section(who: &Principal, p: &Proposal) -> Section {
    let mut comments = pages::section("comments", "Comments");
    comments.tables.push(pages::table(
        "comment-list",
        "Comments, oldest first",
        &["when", "who", "comment"],
        p.comments
            .iter()
            .map(|c| vec![pages::t(&c.at), pages::t(&c.by), pages::t(&c.text)])
            .collect(),
    ));
    let comment = field("text", "Comment", "textarea", "", None, true);
    comments.forms.push(action_form(who, p, "comment", ("Add a comment", "Comment"), comment));
    comments
}

/// A form posting one text field to `/changes/{id}/{action}`, with its label and button.
fn action_form(
    who: &Principal,
    p: &Proposal,
    action: &str,
    (label, submit): (&str, &str),
    text: Field,
) -> PostForm {
    form(action, &format!("/changes/{}/{action}", p.id), label, submit, who, vec![text])
}

/// The reviewer's forms: approve and apply, or reject.
fn review_section(who: &Principal, p: &Proposal) -> Section {
    let mut review = pages::section("review", "Decide");
    review.paragraphs.push("Approving applies every row in one change set, recorded under your name; if the base has moved so that the rows no longer apply, nothing is applied and you are told why.".into());
    let (note, why) = (
        field("text", "Note (optional)", "text", "", None, false),
        field("text", "Why (optional)", "text", "", None, false),
    );
    let apply = ("Approve and apply", "Approve and apply");
    review.forms.push(action_form(who, p, "approve", apply, note));
    review.forms.push(action_form(who, p, "reject", ("Reject", "Reject"), why));
    review
}

/// `GET /changes`: the proposals the signed-in account may see and the forms to propose.
pub(crate) async fn changes_page(
    State(st): State<AppState>,
    who: Option<Extension<Principal>>,
    auth: Option<Extension<Auth>>,
    RawQuery(q): RawQuery,
) -> Response {
    let mut params = crate::params::Params::parse(q.as_deref());
    let table = params.string("table").unwrap_or_default();
    let dl = wanted_download(&mut params);
    let c = core(st.clone(), who, auth);
    let who = c.who.clone();
    match with(c, |c| c.list()).await {
        Ok(items) => respond(&st, list_page(&who, &items, &table, &[], &[]), "/changes", dl),
        Err(e) => page_error(&st, e, "/changes"),
    }
}

/// `POST /changes` (form): one statement (`mode=one`, `col:<name>` fields) or rows of a file
/// (`mode=rows`); 303 to the new proposal, or the form again with the problems.
pub(crate) async fn propose_form(
    State(st): State<AppState>,
    who: Option<Extension<Principal>>,
    auth: Option<Extension<Auth>>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let c = core(st.clone(), who, auth);
    let who = c.who.clone();
    if let Err(e) =
        require_participant(&who, Action::Write, "propose changes to the knowledge base")
    {
        return page_error(&st, e, "/changes");
    }
    let mode = form_value(&form, "mode").to_string();
    let file = form_value(&form, "file").trim().to_string();
    let file = if file.ends_with(".csv") { file } else { format!("{file}.csv") };
    let text = if mode == "one" {
        let cols: Vec<(&str, &str)> = form
            .iter()
            .filter_map(|(k, v)| k.strip_prefix("col:").map(|k| (k, v.as_str())))
            .collect();
        format!(
            "{}\n{}\n",
            cols.iter().map(|(k, _)| csv_cell(k)).collect::<Vec<_>>().join(","),
            cols.iter().map(|(_, v)| csv_cell(v.trim())).collect::<Vec<_>>().join(",")
        )
    } else {
        form_value(&form, "rows").replace("\r\n", "\n")
    };
    let req = ChangeRequest {
        files: BTreeMap::from([(file.clone(), text)]),
        note: Some(form_value(&form, "note").to_string()),
        update: !form_value(&form, "update").is_empty(),
    };
    let known = kb_tables().iter().any(|(f, _)| *f == file);
    let result = if known {
        with(c, move |c| c.propose(req)).await
    } else {
        Err(ApiError::InvalidData(
            "unknown file".into(),
            vec![FieldError {
                field: "file".into(),
                message: format!("{file:?} is not a knowledge-base file"),
            }],
        ))
    };
    match result {
        Ok(out) => (
            StatusCode::SEE_OTHER,
            [(header::LOCATION, format!("/changes/{}?done=proposed", out.proposal.id))],
        )
            .into_response(),
        Err(ApiError::InvalidData(msg, mut fields)) => {
            if fields.is_empty() {
                fields.push(FieldError { field: file.clone(), message: msg });
            }
            let items = with(core(st.clone(), Some(Extension(who.clone())), None), |c| c.list())
                .await
                .unwrap_or_default();
            let table = file.trim_end_matches(".csv").to_string();
            pages::html(
                &st.snapshot(),
                list_page(&who, &items, &table, &form, &fields),
                "/changes",
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(e) => page_error(&st, e, "/changes"),
    }
}

/// `download=<table>&format=csv|json`, as on every page.
fn wanted_download(p: &mut crate::params::Params) -> Option<(String, String)> {
    let id = p.string("download")?;
    Some((id, p.choice("format", &["csv", "json"]).unwrap_or_else(|| "csv".into())))
}

/// The page, or one of its tables when a download is asked for.
fn respond(st: &AppState, page: Page, path: &str, dl: Option<(String, String)>) -> Response {
    match dl {
        Some((id, format)) => match pages::download(&page, &id, &format) {
            Ok(mut r) => {
                r.headers_mut().insert(
                    header::CACHE_CONTROL,
                    axum::http::HeaderValue::from_static("private, no-store"),
                );
                r
            }
            Err(e) => e.into_response(),
        },
        None => pages::html(&st.snapshot(), page, path, StatusCode::OK),
    }
}

fn done_notice(q: Option<&str>) -> Option<String> {
    let done = crate::params::Params::parse(q).string("done")?;
    Some(match done.as_str() {
        "proposed" => "Proposed. A reviewer will see it as below.".into(),
        "commented" => "Your comment was added.".into(),
        "approved" => "Approved: the rows are now in the knowledge base.".into(),
        "rejected" => "Rejected.".into(),
        _ => return None,
    })
}

/// `GET /changes/{id}`.
pub(crate) async fn proposal_view(
    State(st): State<AppState>,
    who: Option<Extension<Principal>>,
    auth: Option<Extension<Auth>>,
    Path(id): Path<String>,
    RawQuery(q): RawQuery,
) -> Response {
    let path = format!("/changes/{id}");
    let Ok(id) = id.parse::<i64>() else {
        return page_error(&st, ApiError::NotFound(format!("no proposal {id}")), &path);
    };
    let c = core(st.clone(), who, auth);
    let who = c.who.clone();
    let dl = wanted_download(&mut crate::params::Params::parse(q.as_deref()));
    match with(c, move |c| c.get(id)).await {
        Ok(out) => {
            respond(&st, proposal_page(&who, &out, done_notice(q.as_deref()), &[]), &path, dl)
        }
        Err(e) => page_error(&st, e, &path),
    }
}

/// `POST /changes/{id}/comment|approve|reject` (forms): 303 back to the proposal, or the proposal
/// with why it was refused (409 when the base moved or another reviewer decided first).
pub(crate) async fn act_form(
    State(st): State<AppState>,
    who: Option<Extension<Principal>>,
    auth: Option<Extension<Auth>>,
    Path((id, action)): Path<(String, String)>,
    Form(form): Form<Vec<(String, String)>>,
) -> Response {
    let path = format!("/changes/{id}");
    let Ok(id) = id.parse::<i64>() else {
        return page_error(&st, ApiError::NotFound(format!("no proposal {id}")), &path);
    };
    let text = form_value(&form, "text").to_string();
    let c = core(st.clone(), who, auth);
    let who = c.who.clone();
    let (result, done) = match action.as_str() {
        "comment" => (with(c, move |c| c.comment(id, text)).await, "commented"),
        "approve" => (with(c, move |c| c.decide(id, true, text)).await, "approved"),
        "reject" => (with(c, move |c| c.decide(id, false, text)).await, "rejected"),
        _ => return page_error(&st, ApiError::NotFound(format!("no page {path}/{action}")), &path),
    };
    match result {
        Ok(_) => (StatusCode::SEE_OTHER, [(header::LOCATION, format!("{path}?done={done}"))])
            .into_response(),
        Err(e @ (ApiError::Conflict(..) | ApiError::InvalidData(..))) => {
            let status = e.status();
            let body = e.body();
            let fields = body
                .error
                .fields
                .iter()
                .map(|f| FieldError { field: f.field.clone(), message: f.message.clone() })
                .collect::<Vec<_>>();
            match with(core(st.clone(), Some(Extension(who.clone())), None), move |c| c.get(id))
                .await
            {
                Ok(out) => pages::html(
                    &st.snapshot(),
                    proposal_page(
                        &who,
                        &out,
                        Some(format!("Not done: {}", body.error.message)),
                        &fields,
                    ),
                    &path,
                    status,
                ),
                Err(e) => page_error(&st, e, &path),
            }
        }
        Err(e) => page_error(&st, e, &path),
    }
}
