//! The audit trail, for the committee: entries and chain verification.

use axum::extract::{Query, State};
use axum::Json;
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use genohub_governance::AuditFilter;

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct AuditParams {
    pub project: Option<String>,
    pub actor: Option<String>,
    /// RFC 3339 time; entries at or after it.
    pub since: Option<String>,
    pub limit: Option<usize>,
}

#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams),
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn entries(State(state): State<AppState>, caller: Caller, Query(p): Query<AuditParams>) -> ApiResult<Json<Value>> {
    let since = p
        .since
        .as_deref()
        .map(|s| {
            time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
                .map_err(|_| ApiError::unprocessable("invalid_request", format!("since: expected RFC 3339, got {s:?}")))
        })
        .transpose()?;
    let filter = AuditFilter { project: p.project, since, actor: p.actor, limit: p.limit };
    let list = state.governed(&caller, move |s| Ok(s.audit_log(&filter)?)).await?;
    Ok(Json(serde_json::json!({"entries": list})))
}

#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit",
    responses((status = 200, body = Object), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)), security(("bearer" = [])))]
pub async fn verify(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Value>> {
    let report = state.governed(&caller, |s| Ok(s.audit_verify()?)).await?;
    serde_json::to_value(report).map(Json).map_err(|e| ApiError::internal("encoding the answer", e))
}
