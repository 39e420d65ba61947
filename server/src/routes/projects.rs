//! Research projects: researchers submit, the committee decides; everything through the
//! caller's governance session (which checks the role and audits the decision).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use serde_json::Value;
use time::Date;
use utoipa::ToSchema;

use genohub_governance::{AccessLevel, Approval, DisclosureRules, Operation, ProjectRequest};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

fn date(field: &str, s: &Option<String>) -> ApiResult<Option<Date>> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    s.as_deref()
        .map(|d| Date::parse(d, &fmt).map_err(|_| ApiError::unprocessable("invalid_request", format!("{field}: expected YYYY-MM-DD, got {d:?}"))))
        .transpose()
}

fn json<T: serde::Serialize>(v: T) -> ApiResult<Json<Value>> {
    serde_json::to_value(v).map(Json).map_err(|e| ApiError::internal("encoding the answer", e))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ProjectSubmission {
    pub title: String,
    /// DUO research permission: GRU, HMB, DS (with `disease`) or POA.
    pub research: String,
    pub disease: Option<String>,
    #[serde(default)]
    pub members: Vec<String>,
    /// Operations the project asks for: `freq`, `af_dist`, `assoc`, `variant_lookup`, `cohort_size`, `genotypes`.
    #[schema(value_type = Vec<String>)]
    pub analyses: Vec<Operation>,
    pub cohort_rule: Option<String>,
    /// `aggregate` or `record`.
    #[schema(value_type = String)]
    pub access: AccessLevel,
    pub irb: Option<String>,
    #[serde(default)]
    pub accepted_conditions: Vec<String>,
    /// YYYY-MM-DD.
    pub start: Option<String>,
    pub expires: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ApprovalBody {
    #[serde(default)]
    pub conditions: String,
    pub start: Option<String>,
    pub expires: Option<String>,
    /// k, min_cohort, min_an, daily_budget; the hub's defaults when absent.
    #[schema(value_type = Option<Object>)]
    pub disclosure: Option<DisclosureRules>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReasonBody {
    pub reason: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RenewBody {
    pub until: Option<String>,
    #[serde(default)]
    pub note: String,
}

#[utoipa::path(get, path = "/api/v1/projects", tag = "projects", description = "Projects the caller may see: a researcher's organisation's, or all for the committee.",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Value>> {
    json(state.governed(&caller, |s| Ok(s.projects()?)).await?)
}

#[utoipa::path(post, path = "/api/v1/projects", tag = "projects", request_body = ProjectSubmission, description = "A researcher submits a project for review.",
    responses((status = 201, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn submit(State(state): State<AppState>, caller: Caller, Json(b): Json<ProjectSubmission>) -> ApiResult<(StatusCode, Json<Value>)> {
    let req = ProjectRequest {
        start: date("start", &b.start)?,
        expires: date("expires", &b.expires)?,
        title: b.title,
        research: b.research,
        disease: b.disease,
        members: b.members,
        analyses: b.analyses,
        cohort_rule: b.cohort_rule,
        access: b.access,
        irb: b.irb,
        accepted_conditions: b.accepted_conditions,
    };
    let p = state.governed(&caller, move |s| Ok(s.submit_project(&req)?)).await?;
    Ok((StatusCode::CREATED, json(p)?))
}

#[utoipa::path(get, path = "/api/v1/projects/{id}", tag = "projects", params(("id" = String, Path)),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn get_one(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    json(state.governed(&caller, move |s| Ok(s.project(&id)?)).await?)
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/approve", tag = "projects", params(("id" = String, Path)), request_body = ApprovalBody, description = "The committee approves.",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)), security(("bearer" = [])))]
pub async fn approve(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, Json(b): Json<ApprovalBody>) -> ApiResult<Json<Value>> {
    let approval = Approval { conditions: b.conditions, start: date("start", &b.start)?, expires: date("expires", &b.expires)?, disclosure: b.disclosure };
    json(state.governed(&caller, move |s| Ok(s.approve_project(&id, &approval)?)).await?)
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/reject", tag = "projects", params(("id" = String, Path)), request_body = ReasonBody,
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn reject(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, Json(b): Json<ReasonBody>) -> ApiResult<Json<Value>> {
    json(state.governed(&caller, move |s| Ok(s.reject_project(&id, &b.reason)?)).await?)
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/revoke", tag = "projects", params(("id" = String, Path)), request_body = ReasonBody,
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn revoke(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, Json(b): Json<ReasonBody>) -> ApiResult<Json<Value>> {
    json(state.governed(&caller, move |s| Ok(s.revoke_project(&id, &b.reason)?)).await?)
}

#[utoipa::path(post, path = "/api/v1/projects/{id}/renew", tag = "projects", params(("id" = String, Path)), request_body = RenewBody,
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn renew(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, Json(b): Json<RenewBody>) -> ApiResult<Json<Value>> {
    let until = date("until", &b.until)?;
    json(state.governed(&caller, move |s| Ok(s.renew_project(&id, until, &b.note)?)).await?)
}

#[utoipa::path(get, path = "/api/v1/projects/{id}/explain", tag = "projects", params(("id" = String, Path)), description = "Per-patient eligibility (committee).",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)), security(("bearer" = [])))]
pub async fn explain(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    json(state.governed(&caller, move |s| Ok(s.explain_project(&id)?)).await?)
}
