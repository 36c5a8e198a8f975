//! Proposed knowledge-base change sets on the shared server (`/api/v1/changes`): researchers (and
//! admins) submit rows — the same CSV files `mlgov import` reads, each row with its source and
//! locator — which are checked at once and kept as a proposal; anyone who may read proposals sees
//! each as a diff against the current base and comments; an admin approves (the change set is
//! applied in the transaction that marks the proposal approved) or rejects. A proposal that no
//! longer applies, or that another reviewer decided meanwhile, is refused with 409; nothing is ever
//! half-applied (`mlgov_store::Store::apply`).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use mlgov_auth::policy::{Action, Resource};
use mlgov_auth::Principal;
use mlgov_domain::{KnowledgeBase, Record, TableVisitor};
use mlgov_store::{Comment, Decision, Proposal, Store};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use utoipa::ToSchema;

use crate::error::{ApiError, ErrorBody, FieldError};
use crate::state::AppState;

/// A change set to propose.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct ChangeRequest {
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
pub struct TextRequest {
    /// The text (approval and rejection notes may be empty; comments may not).
    #[serde(default)]
    pub text: String,
}

/// A row of a diff.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct DiffRow {
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
pub struct Diff {
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
pub struct ProposalOut {
    /// The proposal as stored (files, submitter, comments, decision).
    #[schema(value_type = Object)]
    pub proposal: Proposal,
    /// Against the current base.
    pub diff: Diff,
}

/// Proposals, newest first.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ProposalList {
    /// The proposals (without their diffs).
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<Proposal>,
}

fn principal(who: Option<Extension<Principal>>) -> Principal {
    who.map_or_else(Principal::anonymous, |e| e.0)
}

fn require(who: &Principal, action: Action, resource: Resource, what: &str) -> Result<(), ApiError> {
    if !who.is_authenticated() {
        return Err(ApiError::Unauthenticated(format!("{what} needs an account (session or API token)")));
    }
    if !who.may(action, resource, None) {
        return Err(ApiError::Forbidden(format!("{} may not {what}", who.role)));
    }
    Ok(())
}

fn open_store(st: &AppState) -> Result<Box<dyn Store + Send>, ApiError> {
    let db = st.db_path.as_ref().ok_or_else(|| ApiError::Internal("no database attached to this server".into()))?;
    Ok(mlgov_store_postgres::open_any(&db.to_string_lossy(), mlgov_store_postgres::OpenMode::Existing)?)
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, ApiError> + Send + 'static) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f).await.map_err(|e| ApiError::Internal(e.to_string()))?
}

fn diagnostics(d: Vec<mlgov_interchange::Diagnostic>) -> Vec<FieldError> {
    d.into_iter().map(|d| FieldError { field: format!("{}{}{}", d.file, d.line.map(|l| format!(":{l}")).unwrap_or_default(), d.field.map(|f| format!(":{f}")).unwrap_or_default()), message: d.message }).collect()
}

/// Reads a proposal's files as a batch.
fn read_files(files: &BTreeMap<String, String>) -> Result<mlgov_interchange::Loaded, Vec<FieldError>> {
    if files.is_empty() {
        return Err(vec![FieldError { field: "files".into(), message: "no files: give at least one CSV file (memberships.csv, facts.csv, …)".into() }]);
    }
    let owned: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (n.as_str(), t.as_bytes())).collect();
    mlgov_interchange::read_memory_batch(&owned).map_err(|e| diagnostics(e.diagnostics()))
}

fn cells_of(kb: &KnowledgeBase) -> Vec<(String, String, BTreeMap<String, String>)> {
    struct C(Vec<(String, String, BTreeMap<String, String>)>);
    impl TableVisitor for C {
        fn table<R: Record>(&mut self, rows: &[R]) {
            for r in rows {
                let cells = R::COLUMNS.iter().map(|c| c.name.to_string()).zip(r.to_cells()).collect();
                self.0.push((R::FILE.trim_end_matches(".csv").to_string(), r.id().to_string(), cells));
            }
        }
    }
    let mut c = C(Vec::new());
    kb.visit(&mut c);
    c.0
}

/// The diff of `files` against `base` (the server's current snapshot).
fn diff(base: &KnowledgeBase, files: &BTreeMap<String, String>, update: bool) -> Diff {
    let mut out = Diff { applies: false, problems: vec![], added: vec![], corrected: vec![], unchanged: 0, conflicts: vec![] };
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
    out.added = cells_of(&plan.new).into_iter().map(|(table, id, proposed)| DiffRow { table, id, stored: None, proposed, changed: vec![] }).collect();
    let stored: BTreeMap<String, BTreeMap<String, String>> = cells_of(base).into_iter().filter(|(_, id, _)| cells_of(&plan.changed).iter().any(|(_, i, _)| i == id)).map(|(_, id, c)| (id, c)).collect();
    out.corrected = cells_of(&plan.changed)
        .into_iter()
        .map(|(table, id, proposed)| {
            let old = stored.get(&id).cloned().unwrap_or_default();
            let changed = proposed.iter().filter(|(k, v)| old.get(*k) != Some(*v)).map(|(k, _)| k.clone()).collect();
            DiffRow { table, id, stored: Some(old), proposed, changed }
        })
        .collect();
    // Disagreements the change would add: conflicts of the merged base that involve its rows.
    let incoming: std::collections::HashSet<String> = out.added.iter().chain(&out.corrected).map(|r| r.id.clone()).collect();
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

/// Proposes a change set.
#[utoipa::path(post, path = "/api/v1/changes", operation_id = "propose_change", tag = "knowledge base",
    security(("bearer" = []), ("session" = [])), request_body = ChangeRequest,
    responses((status = 201, body = ProposalOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn propose(State(st): State<AppState>, who: Option<Extension<Principal>>, body: Bytes) -> Result<Response, ApiError> {
    let who = principal(who);
    require(&who, Action::Write, Resource::KbChanges, "propose changes to the knowledge base")?;
    let req: ChangeRequest = serde_json::from_slice(&body).map_err(|e| ApiError::InvalidData(format!("not a change request: {e}"), vec![]))?;
    let loaded = read_files(&req.files).map_err(|p| ApiError::InvalidData("the files have problems; nothing was proposed".into(), p))?;
    let st2 = st.clone();
    let by = who.username.clone();
    let (proposal, diff) = blocking(move || {
        let mut store = open_store(&st2)?;
        let prepared_against = store.latest_change_set()?;
        mlgov_store::plan_batch(store.as_ref(), &loaded, req.update).map_err(|e| match e {
            mlgov_store::PlanError::Invalid(d) => ApiError::InvalidData("the files have problems; nothing was proposed".into(), diagnostics(d)),
            mlgov_store::PlanError::Store(e) => e.into(),
        })?;
        let p = Proposal { id: 0, submitted_at: mlgov_store::utc_now(), submitted_by: by, note: req.note.filter(|n| !n.trim().is_empty()), files: req.files.clone(), update: req.update, prepared_against, status: "pending".into(), decided_at: None, decided_by: None, decision_note: None, change_set: None, comments: vec![] };
        let id = store.put_proposal(&p)?;
        let stored = store.proposal(id)?.ok_or_else(|| ApiError::Internal("the proposal was not stored".into()))?;
        let d = diff(&st2.snapshot().kb, &stored.files, stored.update);
        Ok((stored, d))
    })
    .await?;
    Ok((StatusCode::CREATED, Json(ProposalOut { proposal, diff })).into_response())
}

/// Every proposal, newest first.
#[utoipa::path(get, path = "/api/v1/changes", operation_id = "list_changes", tag = "knowledge base",
    security(("bearer" = []), ("session" = [])),
    responses((status = 200, body = ProposalList), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
pub async fn list(State(st): State<AppState>, who: Option<Extension<Principal>>) -> Result<Json<ProposalList>, ApiError> {
    let who = principal(who);
    require(&who, Action::Read, Resource::KbChanges, "read proposed changes")?;
    let items = blocking(move || Ok(open_store(&st)?.proposals()?)).await?;
    Ok(Json(ProposalList { items }))
}

/// One proposal with its diff against the current base.
#[utoipa::path(get, path = "/api/v1/changes/{id}", operation_id = "get_change", tag = "knowledge base",
    security(("bearer" = []), ("session" = [])), params(("id" = String, Path, description = "Proposal number (digits)")),
    responses((status = 200, body = ProposalOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn get(State(st): State<AppState>, who: Option<Extension<Principal>>, Path(id): Path<i64>) -> Result<Json<ProposalOut>, ApiError> {
    let who = principal(who);
    require(&who, Action::Read, Resource::KbChanges, "read proposed changes")?;
    let out = blocking(move || {
        let p = open_store(&st)?.proposal(id)?.ok_or_else(|| ApiError::NotFound(format!("no proposal {id}")))?;
        let d = diff(&st.snapshot().kb, &p.files, p.update);
        Ok(ProposalOut { proposal: p, diff: d })
    })
    .await?;
    Ok(Json(out))
}

/// Comments on a proposal.
#[utoipa::path(post, path = "/api/v1/changes/{id}/comments", operation_id = "comment_change", tag = "knowledge base",
    security(("bearer" = []), ("session" = [])), params(("id" = String, Path, description = "Proposal number (digits)")), request_body = TextRequest,
    responses((status = 200, body = ProposalOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn comment(State(st): State<AppState>, who: Option<Extension<Principal>>, Path(id): Path<i64>, body: Bytes) -> Result<Json<ProposalOut>, ApiError> {
    let who = principal(who);
    require(&who, Action::Read, Resource::KbChanges, "comment on proposed changes")?;
    let req: TextRequest = serde_json::from_slice(&body).map_err(|e| ApiError::InvalidData(format!("not a comment: {e}"), vec![]))?;
    if req.text.trim().is_empty() {
        return Err(ApiError::InvalidData("an empty comment".into(), vec![FieldError { field: "text".into(), message: "is required".into() }]));
    }
    let out = blocking(move || {
        let mut store = open_store(&st)?;
        store.proposal(id)?.ok_or_else(|| ApiError::NotFound(format!("no proposal {id}")))?;
        store.comment_proposal(id, &Comment { at: mlgov_store::utc_now(), by: who.username.clone(), text: req.text })?;
        let p = store.proposal(id)?.expect("just commented");
        let d = diff(&st.snapshot().kb, &p.files, p.update);
        Ok(ProposalOut { proposal: p, diff: d })
    })
    .await?;
    Ok(Json(out))
}

/// Approves a proposal: its change set is applied (in the transaction that marks it approved) if
/// it still applies to the current base; 409 when it does not, or when it was decided meanwhile.
#[utoipa::path(post, path = "/api/v1/changes/{id}/approve", operation_id = "approve_change", tag = "knowledge base",
    security(("bearer" = []), ("session" = [])), params(("id" = String, Path, description = "Proposal number (digits)")), request_body = TextRequest,
    responses((status = 200, body = ProposalOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn approve(State(st): State<AppState>, who: Option<Extension<Principal>>, Path(id): Path<i64>, body: Bytes) -> Result<Json<ProposalOut>, ApiError> {
    let who = principal(who);
    require(&who, Action::Write, Resource::KbReview, "approve proposed changes (admin only)")?;
    let note = serde_json::from_slice::<TextRequest>(&body).map(|r| r.text).unwrap_or_default();
    let st2 = st.clone();
    let out = blocking(move || {
        let mut store = open_store(&st2)?;
        store.set_recorder(&who.username);
        let p = store.proposal(id)?.ok_or_else(|| ApiError::NotFound(format!("no proposal {id}")))?;
        if p.status != "pending" {
            return Err(ApiError::Conflict(format!("proposal {id} is {} already", p.status), vec![]));
        }
        let loaded = read_files(&p.files).map_err(|f| ApiError::Conflict(format!("proposal {id} no longer reads"), f))?;
        let plan = mlgov_store::plan_batch(store.as_ref(), &loaded, p.update).map_err(|e| match e {
            mlgov_store::PlanError::Invalid(d) => ApiError::Conflict(format!("proposal {id} no longer applies to the current base; nothing was applied"), diagnostics(d)),
            mlgov_store::PlanError::Store(e) => e.into(),
        })?;
        let change = mlgov_store::Change {
            kind: "review".into(),
            note: Some(format!("proposal {id} by {}{}", p.submitted_by, p.note.as_ref().map(|n| format!(": {n}")).unwrap_or_default())),
            new: plan.new,
            corrected: plan.changed,
            retracted: vec![],
            approves: Some(Decision { proposal: id, by: who.username.clone(), note: Some(note).filter(|n| !n.trim().is_empty()) }),
            prepared_against: p.prepared_against,
        };
        store.apply(&change)?;
        st2.reload().map_err(ApiError::from)?;
        let p = store.proposal(id)?.expect("just approved");
        Ok(ProposalOut { diff: diff(&st2.snapshot().kb, &p.files, p.update), proposal: p })
    })
    .await?;
    Ok(Json(out))
}

/// Rejects a proposal (409 when it was decided meanwhile).
#[utoipa::path(post, path = "/api/v1/changes/{id}/reject", operation_id = "reject_change", tag = "knowledge base",
    security(("bearer" = []), ("session" = [])), params(("id" = String, Path, description = "Proposal number (digits)")), request_body = TextRequest,
    responses((status = 200, body = ProposalOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn reject(State(st): State<AppState>, who: Option<Extension<Principal>>, Path(id): Path<i64>, body: Bytes) -> Result<Json<ProposalOut>, ApiError> {
    let who = principal(who);
    require(&who, Action::Write, Resource::KbReview, "reject proposed changes (admin only)")?;
    let note = serde_json::from_slice::<TextRequest>(&body).map(|r| r.text).unwrap_or_default();
    let out = blocking(move || {
        let mut store = open_store(&st)?;
        store.proposal(id)?.ok_or_else(|| ApiError::NotFound(format!("no proposal {id}")))?;
        store.reject_proposal(&Decision { proposal: id, by: who.username.clone(), note: Some(note).filter(|n| !n.trim().is_empty()) })?;
        let p = store.proposal(id)?.expect("just rejected");
        Ok(ProposalOut { diff: diff(&st.snapshot().kb, &p.files, p.update), proposal: p })
    })
    .await?;
    Ok(Json(out))
}
