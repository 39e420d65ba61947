//! Saved cohorts: a hospital, or a researcher inside a project, saves a cohort definition once
//! and names it in freq/afdist/assoc/size calls (`cohort=NAME`). The caller's governance
//! session decides who may save, see and use which cohort, and audits every call
//! (genohub-governance `session_cohorts.rs`); the handlers parse, and answer a taken name 409.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use utoipa::ToSchema;

use genohub_governance::{CohortRequest, NewCohort};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

fn json<T: serde::Serialize>(v: T) -> ApiResult<Json<Value>> {
    serde_json::to_value(v).map(Json).map_err(|e| ApiError::internal("encoding the answer", e))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CohortBody {
    /// 1-128 characters of A-Z, a-z, 0-9, '-', '_', '.'; unique within the caller's organisation.
    pub name: String,
    /// A clinical cohort rule (`cancer_type=LUAD and sex=female`), evaluated whenever it is used.
    pub rule: Option<String>,
    /// Samples (`NAME` or `CENTER/NAME`) the caller may read individually.
    pub samples: Option<Vec<String>>,
    /// The project a researcher's cohort belongs to (required for researchers).
    pub project: Option<String>,
    /// Redefine an existing cohort of this name.
    #[serde(default)]
    pub replace: bool,
}

#[utoipa::path(get, path = "/api/v1/cohorts", tag = "cohorts",
    description = "The caller's organisation's saved cohorts it may use (a researcher: those of its projects).",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Value>> {
    let list = state.governed(&caller, |s| Ok(s.cohorts()?)).await?;
    Ok(Json(json!({"cohorts": list})))
}

#[utoipa::path(post, path = "/api/v1/cohorts", tag = "cohorts", request_body = CohortBody,
    description = "Saves a cohort (a rule or a sample list) for the caller's organisation, or a researcher's project.",
    responses((status = 201, body = Object, description = "saved"), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody, description = "the name is taken (give replace)"), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(State(state): State<AppState>, caller: Caller, Json(b): Json<CohortBody>) -> ApiResult<Response> {
    caller.token()?;
    let definition = match (b.rule, b.samples) {
        (Some(rule), None) => NewCohort::Rule(rule),
        (None, Some(samples)) => NewCohort::Samples(samples),
        _ => return Err(ApiError::unprocessable("invalid_request", "give exactly one of rule and samples")),
    };
    if b.name == "size" {
        // `/api/v1/cohorts/size` is the size endpoint: such a cohort could not be shown.
        return Err(ApiError::unprocessable("invalid_name", "the cohort name \"size\" is reserved"));
    }
    let req = CohortRequest { name: b.name, definition, project: b.project, replace: b.replace };
    let saved =
        state.governed(&caller, move |s| s.try_create_cohort(&req)?.map_err(|taken| ApiError::new(StatusCode::CONFLICT, "cohort_exists", taken.0))).await?;
    let location = format!("/api/v1/cohorts/{}", saved.name);
    Ok((StatusCode::CREATED, [(header::LOCATION, location)], json(saved)?).into_response())
}

#[utoipa::path(get, path = "/api/v1/cohorts/{name}", tag = "cohorts", params(("name" = String, Path, description = "the cohort's name")),
    description = "One saved cohort: its definition, the members the caller may read anyway, and its size in the caller's scope (disclosure-controlled).",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "unknown, or another organisation's")),
    security(("bearer" = [])))]
pub async fn show(State(state): State<AppState>, caller: Caller, Path(name): Path<String>) -> ApiResult<Json<Value>> {
    json(state.governed(&caller, move |s| Ok(s.saved_cohort(&name)?)).await?)
}

#[utoipa::path(delete, path = "/api/v1/cohorts/{name}", tag = "cohorts", params(("name" = String, Path, description = "the cohort's name")),
    description = "Deletes one of the caller's organisation's saved cohorts.",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody, description = "unknown, or another organisation's")),
    security(("bearer" = [])))]
pub async fn delete(State(state): State<AppState>, caller: Caller, Path(name): Path<String>) -> ApiResult<Json<Value>> {
    let shown = name.clone();
    state.governed(&caller, move |s| Ok(s.delete_cohort(&name)?)).await?;
    Ok(Json(json!({"deleted": shown})))
}
