//! Patients and consent (hospital roles). The clinical repository does not yet expose the
//! calls these need; they authenticate, then answer 501 saying so.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::Value;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

fn pending() -> ApiError {
    ApiError::new(StatusCode::NOT_IMPLEMENTED, "not_implemented", "the clinical repository is not connected to this server yet")
}

#[utoipa::path(get, path = "/api/v1/patients", tag = "clinical", description = "A hospital's own patients (pseudonymous).",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 501, body = ErrorBody)), security(("bearer" = [])))]
pub async fn patients(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Value>> {
    state.governed(&caller, |_| Ok(())).await?;
    Err(pending())
}

#[utoipa::path(get, path = "/api/v1/patients/{id}/consent", tag = "clinical", description = "Consent history of a hospital's patient.",
    params(("id" = String, Path, description = "patient pseudonym")),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 501, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn consent(State(state): State<AppState>, caller: Caller, Path(_id): Path<String>) -> ApiResult<Json<Value>> {
    state.governed(&caller, |_| Ok(())).await?;
    Err(pending())
}
