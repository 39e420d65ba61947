//! `GET /api/v1/jobs/{id}`: state and progress of an ingest job, for its submitter;
//! `POST /api/v1/jobs/{id}/resume`: run an interrupted job again.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::jobs::JobRecord;
use crate::state::AppState;

/// The user name behind the caller's token (401 when there is none or it is not valid).
async fn user_of(state: &AppState, caller: &Caller) -> ApiResult<String> {
    state.governed(caller, |s| Ok(s.principal().user.clone())).await
}

/// Jobs of other users answer like unknown ids: their existence is not confirmed.
fn own_job(state: &AppState, id: &str, user: &str) -> ApiResult<JobRecord> {
    state.jobs.get(id).filter(|j| j.owner == user).ok_or_else(|| ApiError::not_found("no such job"))
}

#[utoipa::path(
    get, path = "/api/v1/jobs/{id}", tag = "uploads",
    params(("id" = String, Path, description = "job id from the upload answer")),
    responses((status = 200, body = JobRecord), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn get_job(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<Json<JobRecord>> {
    let user = user_of(&state, &caller).await?;
    Ok(Json(own_job(&state, &id, &user)?))
}

#[utoipa::path(
    get, path = "/api/v1/jobs", tag = "uploads",
    responses((status = 200, body = Vec<JobRecord>), (status = 401, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn list_jobs(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<JobRecord>>> {
    let user = user_of(&state, &caller).await?;
    Ok(Json(state.jobs.list().into_iter().filter(|j| j.owner == user).collect()))
}

#[utoipa::path(
    post, path = "/api/v1/jobs/{id}/resume", tag = "uploads",
    params(("id" = String, Path, description = "an interrupted job")),
    responses((status = 202, body = JobRecord), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, description = "the job is not interrupted", body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn resume_job(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> ApiResult<(StatusCode, Json<JobRecord>)> {
    let user = user_of(&state, &caller).await?;
    own_job(&state, &id, &user)?;
    let token = caller.token()?.to_string();
    let jobs = state.jobs.clone();
    let resumed = tokio::task::spawn_blocking(move || jobs.resume(&id, token))
        .await
        .map_err(|e| ApiError::internal("resuming the job", e))?
        .map_err(|e| ApiError::internal("resuming the job", e))?;
    match resumed {
        Some(job) => Ok((StatusCode::ACCEPTED, Json(job))),
        None => Err(ApiError::new(StatusCode::CONFLICT, "not_interrupted", "only an interrupted job can be resumed")),
    }
}
